//! The signed decree (Keputusan Menteri) as a document: after the decree is
//! recorded, an evaluator or administrator uploads the PDF the ministry
//! signed. It is kept in the evidence store by its SHA-256 (a PDF by its
//! first bytes, under the evidence size limit, refused before more is read);
//! every upload is a row and the latest is the current one, each audited as
//! `put-decree-document`. Once the period is published the document is
//! fixed: the publication records its digest and the public record serves
//! exactly that file, until the period is unpublished.

use axum::body::Bytes;
use futures_util::Stream;
use sqlx::Row;

use super::declaration::kept_name;
use super::rows::find_period;
use super::{require, Awards, ErrorCode, ServiceError, ServiceResult};
use crate::audit::{self, Event};
use crate::proto::DecreeDocumentInfo;
use crate::store::{EvidenceType, GetError, PutError};
use crate::types::{now, random_hex, Role};

/// Who uploads and reads the signed decree: evaluators and administrators.
const DECREE_DOCUMENT_ROLES: [Role; 2] = [Role::Evaluator, Role::Admin];

/// The current decree document of a period, when one was uploaded.
pub(super) async fn current<'e, E>(exec: E, period: &str) -> ServiceResult<Option<DecreeDocumentInfo>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row = sqlx::query(
        "SELECT period_id, file_name, sha256, size, uploaded_by, uploaded_at FROM decree_documents \
         WHERE period_id = $1 ORDER BY uploaded_at DESC, id DESC LIMIT 1",
    )
    .bind(period)
    .fetch_optional(exec)
    .await?;
    row.map(|r| -> ServiceResult<DecreeDocumentInfo> {
        Ok(DecreeDocumentInfo {
            period: r.try_get("period_id")?,
            file_name: r.try_get("file_name")?,
            sha256: r.try_get("sha256")?,
            size: r.try_get("size")?,
            uploaded_by: r.try_get("uploaded_by")?,
            uploaded_at: r.try_get("uploaded_at")?,
        })
    })
    .transpose()
}

/// The refusals that come before anything is read: no decree yet (409
/// `not-decreed`), or the period is published (409 `refused`).
async fn check_open<'e, E>(exec: E, period: &str, decreed: bool) -> ServiceResult<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    if !decreed {
        return Err(ServiceError::new(
            ErrorCode::NotDecreed,
            format!(
                "period {period} has no decree yet: record the decree before uploading its signed document"
            ),
        ));
    }
    let published = sqlx::query("SELECT id FROM publications WHERE period_id = $1 AND withdrawn_at IS NULL")
        .bind(period)
        .fetch_optional(exec)
        .await?;
    if published.is_some() {
        return Err(ServiceError::new(
            ErrorCode::Refused,
            format!(
                "period {period} is published: its signed decree is fixed; unpublish the period to replace it"
            ),
        ));
    }
    Ok(())
}

/// A stored file's bytes, or why they cannot be served.
pub(super) async fn stored_bytes(state: &crate::AppState, sha256: &str) -> ServiceResult<Vec<u8>> {
    state.store().get(sha256).await.map_err(|e| match e {
        GetError::Missing => ServiceError::new(
            ErrorCode::EvidenceMissing,
            "the stored decree document is missing; restore it from a backup",
        ),
        GetError::Altered { .. } => ServiceError::new(
            ErrorCode::EvidenceAltered,
            "the stored decree document no longer has its digest; restore it from a backup",
        ),
        other => ServiceError::internal(&other),
    })
}

impl Awards<'_> {
    /// The current signed decree document of a period (evaluators and
    /// administrators), when one was uploaded.
    pub async fn decree_document(&self, period: &str) -> ServiceResult<Option<DecreeDocumentInfo>> {
        require(self.actor, &DECREE_DOCUMENT_ROLES)?;
        let p = find_period(self.state, period).await?;
        current(self.state.db().pool(), &p.id).await
    }

    /// The current signed decree document's bytes (its digest checked again).
    pub async fn decree_document_file(&self, period: &str) -> ServiceResult<(DecreeDocumentInfo, Vec<u8>)> {
        let d = self.decree_document(period).await?.ok_or_else(|| {
            ServiceError::not_found(format!("no signed decree uploaded for period {period}"))
        })?;
        let bytes = stored_bytes(self.state, &d.sha256).await?;
        Ok((d, bytes))
    }

    /// Upload the signed decree document (evaluators and administrators),
    /// after the decree and while the period is not published: a PDF by its
    /// first bytes (`%PDF-`; 415 `wrong-type` otherwise), at most the
    /// evidence size limit (413 `too-large`, refused as soon as it is
    /// passed), kept by its SHA-256 and audited as `put-decree-document`. An
    /// earlier upload stays on record; this one becomes the current one.
    pub async fn put_decree_document<S, E>(
        &self,
        period: &str,
        file_name: &str,
        stream: S,
    ) -> ServiceResult<DecreeDocumentInfo>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        require(self.actor, &DECREE_DOCUMENT_ROLES)?;
        let p = find_period(self.state, period).await?;
        let decreed = self.decree_of(&p.id).await?.is_some();
        check_open(self.state.db().pool(), &p.id, decreed).await?;
        let name = kept_name(file_name, &format!("keputusan-{}.pdf", p.id));
        let limit = self.state.settings().max_evidence_bytes;
        let stored = self
            .state
            .store()
            .put_only(stream, limit, &[EvidenceType::Pdf])
            .await
            .map_err(|e| match e {
                PutError::TooLarge { limit } => ServiceError::about_field(
                    ErrorCode::TooLarge,
                    "document",
                    format!("`{name}` is larger than the limit of {limit} bytes"),
                ),
                PutError::WrongType => ServiceError::about_field(
                    ErrorCode::WrongType,
                    "document",
                    format!(
                        "`{name}` is not a PDF file (judged by its content: a PDF starts with `%PDF-`); \
                         upload the signed decree as PDF"
                    ),
                ),
                PutError::Stream(_) => ServiceError::new(ErrorCode::BadMultipart, format!("`{name}`: {e}")),
                other => ServiceError::internal(&other),
            })?;
        let mut w = self.state.db().write().await?;
        let mut turn = audit::reserve(&mut w.tx).await?;
        // Checked again now that writers take turns: a publication may have come in between.
        check_open(&mut *w.tx, &p.id, decreed).await?;
        let before = current(&mut *w.tx, &p.id).await?;
        let info = DecreeDocumentInfo {
            period: p.id.clone(),
            file_name: name,
            sha256: stored.sha256.clone(),
            size: i64::try_from(stored.size).unwrap_or(i64::MAX),
            uploaded_by: self.actor.username.clone(),
            uploaded_at: now(),
        };
        sqlx::query(
            "INSERT INTO decree_documents (id, period_id, file_name, sha256, size, uploaded_by, uploaded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(random_hex(16))
        .bind(&info.period)
        .bind(&info.file_name)
        .bind(&info.sha256)
        .bind(info.size)
        .bind(&info.uploaded_by)
        .bind(&info.uploaded_at)
        .execute(&mut *w.tx)
        .await?;
        let state = |d: &DecreeDocumentInfo| {
            serde_json::json!({"decree_document_sha256": d.sha256, "file_name": d.file_name, "size": d.size})
                .to_string()
        };
        turn.record(
            &mut w.tx,
            Event::by(
                self.actor,
                "put-decree-document",
                format!("period/{}", p.id),
                before.as_ref().map(state),
                Some(state(&info)),
            ),
        )
        .await?;
        w.commit().await?;
        Ok(info)
    }
}
