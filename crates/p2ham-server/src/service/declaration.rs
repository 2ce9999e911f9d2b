//! Pencanangan: the unit head's signed declaration (a PDF or a photo of it),
//! uploaded by the unit's operator before the self-assessment can be
//! submitted. The file goes through the evidence store's checks (JPEG, PNG or
//! PDF by content, under the evidence size limit) and is kept by its SHA-256;
//! every upload is kept, the latest is the current one.

use axum::body::Bytes;
use futures_util::Stream;
use sqlx::Row;

use super::rows::{check_before_submission, object};
use super::{require, Cases, ErrorCode, ServiceError, ServiceResult};
use crate::audit::{self, Event};
use crate::proto::DeclarationInfo;
use crate::store::PutError;
use crate::types::{now, random_hex, Role};

/// The longest file name kept for a declaration (longer names are cut).
const MAX_NAME_CHARS: usize = 120;

/// The file name as kept: its last path segment, without control or
/// invisible characters, at most [`MAX_NAME_CHARS`] characters; `pencanangan`
/// when nothing is left.
fn clean_name(name: &str) -> String {
    kept_name(name, "pencanangan")
}

/// An uploaded file's name as kept: its last path segment, without control
/// or invisible characters, at most [`MAX_NAME_CHARS`] characters;
/// `fallback` when nothing is left.
pub(super) fn kept_name(name: &str, fallback: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let kept: String = last
        .chars()
        .filter(|c| crate::types::hidden_character(&c.to_string(), false).is_none())
        .take(MAX_NAME_CHARS)
        .collect();
    let kept = kept.trim();
    if kept.is_empty() {
        fallback.to_owned()
    } else {
        kept.to_owned()
    }
}

/// The current declaration of a case, when one was uploaded.
pub(super) async fn current<'e, E>(
    exec: E,
    unit: &str,
    period: &str,
) -> ServiceResult<Option<DeclarationInfo>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row = sqlx::query(
        "SELECT file_name, sha256, size, content_type, uploaded_by, uploaded_at FROM declarations \
         WHERE unit_id = $1 AND period_id = $2 ORDER BY uploaded_at DESC, id DESC LIMIT 1",
    )
    .bind(unit)
    .bind(period)
    .fetch_optional(exec)
    .await?;
    row.map(|r| -> ServiceResult<DeclarationInfo> {
        Ok(DeclarationInfo {
            file_name: r.try_get("file_name")?,
            sha256: r.try_get("sha256")?,
            size: r.try_get("size")?,
            content_type: r.try_get("content_type")?,
            uploaded_by: r.try_get("uploaded_by")?,
            uploaded_at: r.try_get("uploaded_at")?,
        })
    })
    .transpose()
}

/// Refuse to submit a case whose unit has no declaration for the period
/// (`declaration-missing`, 409); called inside the submission's transaction.
pub(super) async fn require_declaration(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    unit: &str,
    period: &str,
) -> ServiceResult<()> {
    if current(&mut **tx, unit, period).await?.is_some() {
        return Ok(());
    }
    Err(ServiceError {
        code: ErrorCode::DeclarationMissing,
        message: "upload the unit's signed declaration (pencanangan) before submitting the self-assessment"
            .into(),
        diagnostics: vec![p2ham_io::model::Diagnostic::new(
            p2ham_io::model::Code::Invalid,
            "declaration",
            "no signed declaration (PDF or photo) is uploaded for this unit and period",
        )],
    })
}

impl Cases<'_> {
    /// The current declaration of a unit for a period.
    pub async fn declaration(&self, period: &str, unit: &str) -> ServiceResult<Option<DeclarationInfo>> {
        let (period, unit) = self.scope(period, unit).await?;
        current(self.state.db().pool(), &unit.id, &period.id).await
    }

    /// The current declaration's file: its media type and bytes (digest checked again).
    pub async fn declaration_file(
        &self,
        period: &str,
        unit: &str,
    ) -> ServiceResult<(DeclarationInfo, Vec<u8>)> {
        let d = self
            .declaration(period, unit)
            .await?
            .ok_or_else(|| ServiceError::not_found("no declaration uploaded yet"))?;
        let bytes = self.state.store().get(&d.sha256).await.map_err(|e| match e {
            crate::store::GetError::Missing => ServiceError::new(
                ErrorCode::EvidenceMissing,
                "the stored declaration is missing; restore it from a backup",
            ),
            crate::store::GetError::Altered { .. } => ServiceError::new(
                ErrorCode::EvidenceAltered,
                "the stored declaration no longer has its digest; restore it from a backup",
            ),
            other => ServiceError::internal(&other),
        })?;
        Ok((d, bytes))
    }

    /// Upload the unit's signed declaration (the unit's operator, while the
    /// self-assessment may still change): streamed into the store with the
    /// evidence checks (JPEG, PNG or PDF by content; the evidence size
    /// limit), recorded and audited as `put-declaration`. An earlier
    /// declaration stays on record; this one becomes the current one.
    pub async fn put_declaration<S, E>(
        &self,
        period: &str,
        unit: &str,
        file_name: &str,
        stream: S,
    ) -> ServiceResult<DeclarationInfo>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        require(self.actor, &[Role::Operator])?;
        let (period, unit) = self.scope(period, unit).await?;
        check_before_submission(self.state.db().pool(), (&unit.id, &period.id), "the declaration").await?;
        let limit = self.state.settings().max_evidence_bytes;
        let name = clean_name(file_name);
        let stored = self.state.store().put(stream, limit).await.map_err(|e| match e {
            PutError::TooLarge { .. } => ServiceError::new(ErrorCode::TooLarge, format!("`{name}`: {e}")),
            PutError::WrongType => ServiceError::new(
                ErrorCode::WrongType,
                format!("`{name}`: {e}; scan or photograph the signed declaration as PDF, JPEG or PNG"),
            ),
            PutError::Stream(_) => ServiceError::new(ErrorCode::BadMultipart, format!("`{name}`: {e}")),
            other => ServiceError::internal(&other),
        })?;
        let mut w = self.state.db().write().await?;
        let mut turn = audit::reserve(&mut w.tx).await?;
        // Checked again now that writers take turns: a submission may have come in between.
        check_before_submission(&mut *w.tx, (&unit.id, &period.id), "the declaration").await?;
        let before = current(&mut *w.tx, &unit.id, &period.id).await?;
        let info = DeclarationInfo {
            file_name: name,
            sha256: stored.sha256.clone(),
            size: i64::try_from(stored.size).unwrap_or(i64::MAX),
            content_type: stored.kind.media_type().to_owned(),
            uploaded_by: self.actor.username.clone(),
            uploaded_at: now(),
        };
        sqlx::query(
            "INSERT INTO declarations (id, unit_id, period_id, file_name, sha256, size, content_type, uploaded_by, uploaded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(random_hex(16))
        .bind(&unit.id)
        .bind(&period.id)
        .bind(&info.file_name)
        .bind(&info.sha256)
        .bind(info.size)
        .bind(&info.content_type)
        .bind(&info.uploaded_by)
        .bind(&info.uploaded_at)
        .execute(&mut *w.tx)
        .await?;
        let state = |d: &DeclarationInfo| {
            serde_json::json!({"declaration_sha256": d.sha256, "file_name": d.file_name, "size": d.size})
                .to_string()
        };
        turn.record(
            &mut w.tx,
            Event::by(
                self.actor,
                "put-declaration",
                object(&period.id, &unit.id),
                before.as_ref().map(state),
                Some(state(&info)),
            ),
        )
        .await?;
        w.commit().await?;
        Ok(info)
    }
}

#[cfg(test)]
mod tests {
    use super::clean_name;

    #[test]
    fn a_declaration_keeps_a_plain_name() {
        assert_eq!(clean_name("scan/Pencanangan Kanim.pdf"), "Pencanangan Kanim.pdf");
        assert_eq!(clean_name("C:\\dok\\p.pdf"), "p.pdf");
        assert_eq!(clean_name("a\u{202e}b.pdf"), "ab.pdf");
        assert_eq!(clean_name("  "), "pencanangan");
        assert_eq!(clean_name(&"x".repeat(300)).chars().count(), 120);
    }
}
