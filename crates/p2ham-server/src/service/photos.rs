//! Evidence photos marked public: a verifier of the unit's Kanwil (or an
//! evaluator) marks one photo of a case public for one indicator, attesting
//! that it shows no face, no person's name and no personal document (UU
//! 27/2022). The public copy is made at once: the photo decoded and encoded
//! again ([`p2ham_report::public_copy`]), so none of the original's metadata
//! (EXIF, GPS position, XMP, comments) survives; it is stored
//! content-addressed beside the evidence. Marking and unmarking are audited
//! (`mark-public-photo`, `unmark-public-photo`); an unmarked photo's row stays
//! with who withdrew it and when. While the period is published neither is
//! possible: the publication fixed what is public.

use sqlx::Row;

use super::rows::{document_body, object, read_case};
use super::{require, ErrorCode, ServiceError, ServiceResult};
use super::{Cases, STAFF};
use crate::audit::{self, Event};
use crate::proto::{PublicPhotoInfo, PublicPhotoRequest, StageParam, PUBLIC_PHOTO_ATTESTATION};
use crate::store::is_sha256;
use crate::types::{now, plain_text, random_hex, Role};
use crate::AppState;

/// Who may mark a photo public or unmark it.
const MARK_ROLES: [Role; 2] = [Role::Verifier, Role::Evaluator];

/// The audit log's name for one evidence file of a case.
fn photo_object(period: &str, unit: &str, sha256: &str) -> String {
    format!("{}/evidence/{sha256}", object(period, unit))
}

fn info(r: &sqlx::any::AnyRow) -> Result<PublicPhotoInfo, sqlx::Error> {
    Ok(PublicPhotoInfo {
        period: r.try_get("period_id")?,
        unit: r.try_get("unit_id")?,
        evidence_sha256: r.try_get("evidence_sha256")?,
        indicator: r.try_get("indicator")?,
        caption: r.try_get("caption")?,
        public_sha256: r.try_get("public_sha256")?,
        width: r.try_get("width")?,
        height: r.try_get("height")?,
        marked_by: r.try_get("marked_by")?,
        marked_at: r.try_get("marked_at")?,
    })
}

const COLUMNS: &str =
    "period_id, unit_id, evidence_sha256, indicator, caption, public_sha256, width, height, \
                       marked_by, marked_at";

/// Refused while the period is published: the publication fixed what is public.
async fn check_not_published<'e, E>(db: E, period: &str) -> ServiceResult<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let published = sqlx::query("SELECT id FROM publications WHERE period_id = $1 AND withdrawn_at IS NULL")
        .bind(period)
        .fetch_optional(db)
        .await?;
    if published.is_some() {
        return Err(ServiceError::new(
            ErrorCode::AlreadyPublished,
            format!(
                "period {period} is published, and its publication fixed which photos are public; \
                 the publisher must unpublish it first"
            ),
        ));
    }
    Ok(())
}

/// A caption as given, checked: one line of plain text, not blank, bounded.
fn check_caption(caption: &str) -> ServiceResult<String> {
    let caption = caption.trim();
    if caption.is_empty() {
        return Err(ServiceError::field(
            "caption",
            "say in a few words what the photo shows (the facility, not the people)",
        ));
    }
    let max = p2ham_io::public::PUBLIC_CAPTION_MAX_CHARS;
    let chars = caption.chars().count();
    if chars > max {
        return Err(ServiceError::field(
            "caption",
            format!("at most {max} characters; this one has {chars}"),
        ));
    }
    plain_text("caption", caption, false).map_err(|m| {
        let problem = m.strip_prefix("caption: ").unwrap_or(&m).to_owned();
        ServiceError::field("caption", problem)
    })?;
    Ok(caption.to_owned())
}

/// The photos of a case marked public now, by indicator (for a caller
/// already allowed to see the case).
pub(super) async fn marked(
    state: &AppState,
    period: &str,
    unit: &str,
) -> ServiceResult<Vec<PublicPhotoInfo>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM public_photos WHERE period_id = $1 AND unit_id = $2 \
         AND withdrawn_at IS NULL ORDER BY indicator, marked_at, id"
    ))
    .bind(period)
    .bind(unit)
    .fetch_all(state.db().pool())
    .await?;
    Ok(rows.iter().map(info).collect::<Result<_, _>>()?)
}

/// How many characters a note must have for a caption repeating it to be refused.
const NOTE_OVERLAP_CHARS: usize = 16;

/// Text compared without case and with runs of spaces as one.
fn folded(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Refuse a caption that repeats an answer's note of the indicator (of the
/// case's current self-assessment or verification): notes are never public,
/// a caption is its author's own words. Only overlaps of at least
/// [`NOTE_OVERLAP_CHARS`] characters count, so that a caption may still name
/// the facility the note names.
async fn check_not_a_note(
    state: &AppState,
    (period, unit): (&str, &str),
    indicator: &str,
    caption: &str,
) -> ServiceResult<()> {
    let Some(case) = read_case(state.db().pool(), unit, period).await? else {
        return Ok(());
    };
    let caption = folded(caption);
    for (stage, sha) in [
        (StageParam::SelfAssessment, case.self_sha256),
        (StageParam::Verification, case.verification_sha256),
    ] {
        let Some(sha) = sha else { continue };
        let body = document_body(state, unit, period, stage, &sha).await?;
        let doc: serde_json::Value = serde_json::from_str(&body).map_err(|e| ServiceError::internal(&e))?;
        let notes = doc["answers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|a| a["indicator"] == indicator)
            .filter_map(|a| a["note"].as_str())
            .map(folded);
        for note in notes {
            let repeats = (note.chars().count() >= NOTE_OVERLAP_CHARS && caption.contains(&note))
                || (caption.chars().count() >= NOTE_OVERLAP_CHARS && note.contains(&caption));
            if repeats {
                return Err(ServiceError::field(
                    "caption",
                    format!(
                        "give your own words: the caption repeats the note of the answer to {indicator} \
                         (notes are never public)"
                    ),
                ));
            }
        }
    }
    Ok(())
}

impl Cases<'_> {
    /// The photos of a case marked public now (anyone who may see the case).
    pub async fn public_photos(&self, period: &str, unit: &str) -> ServiceResult<Vec<PublicPhotoInfo>> {
        require(self.actor, STAFF)?;
        let (period, unit) = self.scope(period, unit).await?;
        marked(self.state, &period.id, &unit.id).await
    }

    /// Mark an evidence photo of a case public for one indicator (a verifier
    /// of the unit's Kanwil, or an evaluator), with the attestation; its
    /// public copy is made and stored now, and the marking audited. Marking
    /// a photo marked already replaces its indicator and caption.
    pub async fn mark_public_photo(
        &self,
        period: &str,
        unit: &str,
        sha256: &str,
        req: &PublicPhotoRequest,
    ) -> ServiceResult<PublicPhotoInfo> {
        require(self.actor, &MARK_ROLES)?;
        let (period, unit) = self.scope(period, unit).await?;
        if !req.no_faces_or_personal_data {
            return Err(ServiceError::about_field(
                ErrorCode::NotAttested,
                "no_faces_or_personal_data",
                format!(
                    "affirm it with `true`: \"{PUBLIC_PHOTO_ATTESTATION}\" (the photo shows no face, \
                     no person's name and no personal document); otherwise it is not made public"
                ),
            ));
        }
        let caption = check_caption(&req.caption)?;
        let instrument = self.state.instrument(&period.instrument.sha256).await?;
        let known = instrument
            .checked
            .instrument()
            .criteria
            .iter()
            .flat_map(|c| c.indicators.iter())
            .any(|i| i.id == req.indicator);
        if !known {
            return Err(ServiceError::field(
                "indicator",
                format!(
                    "`{}` is not an indicator of the period's instrument",
                    req.indicator
                ),
            ));
        }
        check_not_a_note(self.state, (&period.id, &unit.id), &req.indicator, &caption).await?;
        check_not_published(self.state.db().pool(), &period.id).await?;
        let (content_type, _) = self.evidence_meta(&period.id, &unit.id, sha256).await?;
        if !matches!(content_type.as_str(), "image/jpeg" | "image/png") {
            return Err(ServiceError::new(
                ErrorCode::NotAPhoto,
                format!("only a JPEG or PNG photo can be made public; this file is {content_type}"),
            ));
        }
        let original = self.evidence_file(&period.id, &unit.id, sha256).await?.1;
        let copy = tokio::task::spawn_blocking(move || p2ham_report::public_copy(&original))
            .await?
            .map_err(|m| ServiceError::new(ErrorCode::NotAPhoto, m))?;
        let stored = self
            .state
            .store()
            .put_jpeg(copy.jpeg)
            .await
            .map_err(|e| ServiceError::internal(&e))?;
        let out = PublicPhotoInfo {
            period: period.id.clone(),
            unit: unit.id.clone(),
            evidence_sha256: sha256.to_owned(),
            indicator: req.indicator.clone(),
            caption,
            public_sha256: stored.sha256,
            width: i64::from(copy.width),
            height: i64::from(copy.height),
            marked_by: self.actor.username.clone(),
            marked_at: now(),
        };
        let mut w = self.state.db().write().await?;
        let mut turn = audit::reserve(&mut w.tx).await?;
        check_not_published(&mut *w.tx, &period.id).await?;
        let before = withdraw(
            &mut w.tx,
            &out.period,
            &out.unit,
            sha256,
            &out.marked_by,
            &out.marked_at,
        )
        .await?;
        sqlx::query(
            "INSERT INTO public_photos (id, period_id, unit_id, evidence_sha256, indicator, caption, public_sha256, \
             width, height, attested, marked_by, marked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $11)",
        )
        .bind(random_hex(16))
        .bind(&out.period)
        .bind(&out.unit)
        .bind(sha256)
        .bind(&out.indicator)
        .bind(&out.caption)
        .bind(&out.public_sha256)
        .bind(out.width)
        .bind(out.height)
        .bind(&out.marked_by)
        .bind(&out.marked_at)
        .execute(&mut *w.tx)
        .await?;
        turn.record(
            &mut w.tx,
            Event::by(
                self.actor,
                "mark-public-photo",
                photo_object(&out.period, &out.unit, sha256),
                before.as_ref().map(state_of),
                Some(state_of(&out)),
            ),
        )
        .await?;
        w.commit().await?;
        Ok(out)
    }

    /// Unmark a photo (a verifier of the unit's Kanwil, or an evaluator):
    /// it is no longer public from the next publication on; audited, its
    /// row kept as withdrawn. Not found when it is not marked.
    pub async fn unmark_public_photo(&self, period: &str, unit: &str, sha256: &str) -> ServiceResult<()> {
        require(self.actor, &MARK_ROLES)?;
        let (period, unit) = self.scope(period, unit).await?;
        if !is_sha256(sha256) {
            return Err(ServiceError::not_found(
                "photo not found (give its lowercase hex SHA-256)",
            ));
        }
        let mut w = self.state.db().write().await?;
        let mut turn = audit::reserve(&mut w.tx).await?;
        check_not_published(&mut *w.tx, &period.id).await?;
        let before = withdraw(
            &mut w.tx,
            &period.id,
            &unit.id,
            sha256,
            &self.actor.username,
            &now(),
        )
        .await?
        .ok_or_else(|| ServiceError::not_found("this photo is not marked public"))?;
        turn.record(
            &mut w.tx,
            Event::by(
                self.actor,
                "unmark-public-photo",
                photo_object(&period.id, &unit.id, sha256),
                Some(state_of(&before)),
                Some(serde_json::json!({"public": false}).to_string()),
            ),
        )
        .await?;
        w.commit().await?;
        Ok(())
    }
}

/// A marking as the audit log records it (no caption is left out: it is the marker's own text).
fn state_of(p: &PublicPhotoInfo) -> String {
    serde_json::json!({
        "public": true, "indicator": p.indicator, "caption": p.caption,
        "public_sha256": p.public_sha256, "width": p.width, "height": p.height,
        "attested": PUBLIC_PHOTO_ATTESTATION,
    })
    .to_string()
}

/// Withdraw the marking in force of a photo of a case, if any: what it was.
async fn withdraw(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    period: &str,
    unit: &str,
    sha256: &str,
    by: &str,
    at: &str,
) -> ServiceResult<Option<PublicPhotoInfo>> {
    let row = sqlx::query(&format!(
        "SELECT id, {COLUMNS} FROM public_photos WHERE period_id = $1 AND unit_id = $2 \
         AND evidence_sha256 = $3 AND withdrawn_at IS NULL"
    ))
    .bind(period)
    .bind(unit)
    .bind(sha256)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let id: String = row.try_get("id")?;
    sqlx::query("UPDATE public_photos SET withdrawn_by = $1, withdrawn_at = $2 WHERE id = $3")
        .bind(by)
        .bind(at)
        .bind(&id)
        .execute(&mut **tx)
        .await?;
    Ok(Some(info(&row)?))
}
