//! Evidence files of a case: uploading (streamed into the content-addressed
//! store, recorded in one transaction), listing and reading them back.

use axum::body::Bytes;
use futures_util::Stream;
use sqlx::Row;

use super::rows::{evidence_of, object, read_case};
use super::{require, Action, Cases, ErrorCode, ServiceError, ServiceResult};
use crate::audit::{self, Event};
use crate::proto::{EvidenceInfo, PeriodInfo, UnitInfo};
use crate::store::{is_sha256, GetError, PutError, Stored};
use crate::types::{now, random_hex, Role, Status};

/// An upload of evidence files to one case, begun with
/// [`Cases::begin_evidence`] (which checked who may upload and when): each
/// file is streamed into the store with [`EvidenceUpload::put`], and
/// [`EvidenceUpload::finish`] records them all at once.
#[derive(Debug)]
pub struct EvidenceUpload<'a> {
    cases: Cases<'a>,
    period: PeriodInfo,
    unit: UnitInfo,
    stored: Vec<(String, Stored)>,
}

/// Whether an evidence name is a path assessments may use (the model's rule),
/// and short and plain enough to store and show (no control characters, no
/// `.` segments, at most 255 bytes).
pub(super) fn check_evidence_name(name: &str) -> Result<(), String> {
    if let Some(problem) = p2ham_io::model::evidence_path_problem(name) {
        return Err(problem);
    }
    if name.len() > 255 {
        return Err("the file name must have at most 255 bytes".into());
    }
    if let Some(c) = crate::types::hidden_character(name, false) {
        return Err(format!(
            "the file name holds the invisible or control character U+{:04X} (it would show the name otherwise than it is)",
            u32::from(c)
        ));
    }
    if name.split('/').any(|part| part == ".") {
        return Err(format!("`{name}`: `.` path segments are not allowed"));
    }
    Ok(())
}

impl<'a> Cases<'a> {
    /// Begin uploading evidence (the unit's operator while the self-assessment
    /// may change, or a verifier of its Kanwil while it is being verified).
    pub async fn begin_evidence(&self, period: &str, unit: &str) -> ServiceResult<EvidenceUpload<'a>> {
        require(self.actor, &[Role::Operator, Role::Verifier])?;
        let (period, unit) = self.scope(period, unit).await?;
        let status = read_case(self.state.db().pool(), &unit.id, &period.id)
            .await?
            .map_or(Status::Draft, |c| c.status);
        let action = match self.actor.role {
            Role::Operator => Action::AttachOperatorEvidence,
            _ => Action::AttachVerifierEvidence,
        };
        if !status.allows(action) {
            return Err(ServiceError::transition(action, status));
        }
        Ok(EvidenceUpload {
            cases: *self,
            period,
            unit,
            stored: Vec::new(),
        })
    }

    /// The evidence files uploaded for a unit and period.
    pub async fn evidence(&self, period: &str, unit: &str) -> ServiceResult<Vec<EvidenceInfo>> {
        let (period, unit) = self.scope(period, unit).await?;
        evidence_of(self.state, &unit.id, &period.id).await
    }

    /// One evidence file of a case by its SHA-256, its digest checked again
    /// before it is handed out: its media type and bytes.
    pub async fn evidence_file(
        &self,
        period: &str,
        unit: &str,
        sha256: &str,
    ) -> ServiceResult<(String, Vec<u8>)> {
        let (content_type, _) = self.evidence_meta(period, unit, sha256).await?;
        let bytes = self.state.store().get(sha256).await.map_err(stored_error)?;
        Ok((content_type, bytes))
    }

    /// The media type and size of an evidence file of a case the caller may see.
    pub(super) async fn evidence_meta(
        &self,
        period: &str,
        unit: &str,
        sha256: &str,
    ) -> ServiceResult<(String, i64)> {
        let (period, unit) = self.scope(period, unit).await?;
        if !is_sha256(sha256) {
            return Err(ServiceError::not_found(
                "evidence not found (give its lowercase hex SHA-256)",
            ));
        }
        let row = sqlx::query(
            "SELECT content_type, size FROM evidence WHERE unit_id = $1 AND period_id = $2 AND sha256 = $3 LIMIT 1",
        )
        .bind(&unit.id)
        .bind(&period.id)
        .bind(sha256)
        .fetch_optional(self.state.db().pool())
        .await?
        .ok_or_else(|| ServiceError::not_found("evidence not found"))?;
        Ok((row.try_get("content_type")?, row.try_get("size")?))
    }
}

impl Cases<'_> {
    /// The thumbnail of one evidence photo of a case (a small JPEG, made once
    /// and kept); not found for a file that is not a picture, or one that does
    /// not decode within the bounds on pixels and memory.
    pub async fn evidence_thumbnail(&self, period: &str, unit: &str, sha256: &str) -> ServiceResult<Vec<u8>> {
        let (content_type, _) = self.evidence_meta(period, unit, sha256).await?;
        if !content_type.starts_with("image/") {
            return Err(ServiceError::not_found("no thumbnail: the file is not a photo"));
        }
        match self.state.store().thumbnail(sha256).await {
            Ok(Some(jpeg)) => Ok(jpeg),
            Ok(None) => Err(ServiceError::not_found(
                "no thumbnail: the photo does not decode within 20,000 × 20,000 pixels and 256 MiB",
            )),
            Err(e) => Err(stored_error(e)),
        }
    }
}

/// A stored file that cannot be handed out.
fn stored_error(e: GetError) -> ServiceError {
    match e {
        GetError::Altered { .. } => {
            tracing::error!("{e}");
            ServiceError::new(
                ErrorCode::EvidenceAltered,
                "the stored file no longer has its digest; restore it from a backup",
            )
        }
        GetError::Missing => ServiceError::new(
            ErrorCode::EvidenceMissing,
            "the stored file is missing; restore it from a backup",
        ),
        other => ServiceError::internal(&other),
    }
}

impl EvidenceUpload<'_> {
    /// Stream one file into the store under the evidence path `name`
    /// (`foto/maklumat.jpg`): refused beyond the size limit or when it is not
    /// a JPEG, PNG or PDF by its content.
    pub async fn put<S, E>(&mut self, name: &str, stream: S) -> ServiceResult<()>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        check_evidence_name(name).map_err(|m| ServiceError::new(ErrorCode::BadEvidenceName, m))?;
        let limit = self.cases.state.settings().max_evidence_bytes;
        let stored = self
            .cases
            .state
            .store()
            .put(stream, limit)
            .await
            .map_err(|e| match e {
                PutError::TooLarge { .. } => ServiceError::new(ErrorCode::TooLarge, format!("`{name}`: {e}")),
                PutError::WrongType => ServiceError::new(ErrorCode::WrongType, format!("`{name}`: {e}")),
                PutError::Stream(_) => ServiceError::new(ErrorCode::BadMultipart, format!("`{name}`: {e}")),
                other => ServiceError::internal(&other),
            })?;
        self.stored.push((name.to_owned(), stored));
        Ok(())
    }

    /// Record every file put, in one transaction with one audit entry each.
    pub async fn finish(self) -> ServiceResult<Vec<EvidenceInfo>> {
        if self.stored.is_empty() {
            return Err(ServiceError::new(
                ErrorCode::BadMultipart,
                "no file in the request",
            ));
        }
        let actor = self.cases.actor;
        let (unit, period) = (&self.unit.id, &self.period.id);
        let mut w = self.cases.state.db().write().await?;
        let mut turn = audit::reserve(&mut w.tx).await?;
        let mut out = Vec::new();
        let at = now();
        for (name, s) in self.stored {
            let size = i64::try_from(s.size).unwrap_or(i64::MAX);
            sqlx::query("INSERT INTO evidence (id, unit_id, period_id, path, sha256, size, content_type, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .bind(random_hex(16))
                .bind(unit)
                .bind(period)
                .bind(&name)
                .bind(&s.sha256)
                .bind(size)
                .bind(s.kind.media_type())
                .bind(&actor.username)
                .bind(&at)
                .execute(&mut *w.tx)
                .await?;
            turn.record(
                &mut w.tx,
                Event::by(
                    actor,
                    "upload-evidence",
                    object(period, unit),
                    None,
                    Some(serde_json::json!({"path": name, "sha256": s.sha256, "size": s.size}).to_string()),
                ),
            )
            .await?;
            out.push(EvidenceInfo {
                path: name,
                sha256: s.sha256,
                size,
                content_type: s.kind.media_type().into(),
                uploaded_by: actor.username.clone(),
                uploaded_at: at.clone(),
            });
        }
        w.commit().await?;
        let bytes = out.iter().map(|e| u64::try_from(e.size).unwrap_or(0)).sum();
        self.cases
            .state
            .metrics()
            .evidence_stored(out.len() as u64, bytes);
        Ok(out)
    }
}
