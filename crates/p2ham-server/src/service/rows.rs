//! The stored rows the services read and share: units, periods, cases,
//! their documents and evidence, and the audit log's object names. Below
//! every service: it knows the tables, not who may read them.

use p2ham_io::{document::LoadedAssessment, Source};
use sqlx::Row;

use super::{Action, ErrorCode, ServiceError, ServiceResult};
use crate::proto::{EvidenceInfo, InstrumentInfo, PeriodInfo, StageParam, UnitInfo};
use crate::types::Status;
use crate::AppState;

pub(super) fn unit_info(row: &sqlx::any::AnyRow) -> Result<UnitInfo, sqlx::Error> {
    Ok(UnitInfo {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        kind: row.try_get("kind")?,
        office: row.try_get("office")?,
    })
}

pub(super) const PERIOD_SELECT: &str =
    "SELECT p.id, p.year, p.self_opens, p.self_closes, p.verification_opens, \
    p.verification_closes, p.previous_id, i.sha256, i.id AS instrument_id, i.version FROM periods p \
    JOIN instruments i ON i.sha256 = p.instrument_sha256";

pub(super) fn period_info(row: &sqlx::any::AnyRow) -> Result<PeriodInfo, sqlx::Error> {
    Ok(PeriodInfo {
        id: row.try_get("id")?,
        year: row.try_get("year")?,
        instrument: InstrumentInfo {
            sha256: row.try_get("sha256")?,
            id: row.try_get("instrument_id")?,
            version: row.try_get("version")?,
        },
        self_opens: row.try_get("self_opens")?,
        self_closes: row.try_get("self_closes")?,
        verification_opens: row.try_get("verification_opens")?,
        verification_closes: row.try_get("verification_closes")?,
        previous: row.try_get("previous_id")?,
    })
}

pub(super) async fn find_period(state: &AppState, id: &str) -> ServiceResult<PeriodInfo> {
    let row = sqlx::query(&format!("{PERIOD_SELECT} WHERE p.id = $1"))
        .bind(id)
        .fetch_optional(state.db().pool())
        .await?
        .ok_or_else(|| ServiceError::not_found(format!("period `{id}` not found")))?;
    Ok(period_info(&row)?)
}

/// A case's row.
#[derive(Debug, Clone)]
pub(super) struct CaseRow {
    pub status: Status,
    pub self_sha256: Option<String>,
    pub verification_sha256: Option<String>,
    pub round: i64,
}

impl CaseRow {
    pub(super) fn fresh() -> CaseRow {
        CaseRow {
            status: Status::Draft,
            self_sha256: None,
            verification_sha256: None,
            round: 1,
        }
    }

    pub(super) fn state_json(&self) -> String {
        serde_json::json!({
            "status": self.status.as_str(),
            "self_sha256": self.self_sha256,
            "verification_sha256": self.verification_sha256,
            "round": self.round,
        })
        .to_string()
    }
}

/// Refuse a change to what comes with the self-assessment (the unit's
/// declaration, its survey) once the case has been submitted: allowed while
/// the case may still be submitted (`draft`, `returned`, or no case yet).
pub(super) async fn check_before_submission<'e, E>(
    exec: E,
    (unit, period): (&str, &str),
    what: &str,
) -> ServiceResult<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let status = read_case(exec, unit, period)
        .await?
        .map_or(Status::Draft, |c| c.status);
    if status.allows(Action::Submit) {
        return Ok(());
    }
    Err(ServiceError::new(
        ErrorCode::InvalidTransition,
        format!(
            "cannot change {what}: the evaluation is `{}` (it is fixed once submitted)",
            status.as_str()
        ),
    ))
}

pub(super) async fn read_case<'e, E>(exec: E, unit: &str, period: &str) -> ServiceResult<Option<CaseRow>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row = sqlx::query(
        "SELECT status, self_sha256, verification_sha256, round FROM cases WHERE unit_id = $1 AND period_id = $2",
    )
    .bind(unit)
    .bind(period)
    .fetch_optional(exec)
    .await?;
    row.map(|r| -> ServiceResult<CaseRow> {
        let status: String = r.try_get("status")?;
        Ok(CaseRow {
            status: Status::parse(&status)
                .ok_or_else(|| ServiceError::internal(&format!("stored status {status}")))?,
            self_sha256: r.try_get("self_sha256")?,
            verification_sha256: r.try_get("verification_sha256")?,
            round: r.try_get("round")?,
        })
    })
    .transpose()
}

pub(super) fn object(period: &str, unit: &str) -> String {
    format!("period/{period}/unit/{unit}")
}

/// The stored text of a document.
pub(super) async fn document_body(
    app: &AppState,
    unit: &str,
    period: &str,
    stage: StageParam,
    sha: &str,
) -> ServiceResult<String> {
    Ok(sqlx::query("SELECT body FROM documents WHERE unit_id = $1 AND period_id = $2 AND stage = $3 AND sha256 = $4 LIMIT 1")
        .bind(unit)
        .bind(period)
        .bind(stage.as_str())
        .bind(sha)
        .fetch_one(app.db().pool())
        .await?
        .try_get("body")?)
}

/// A stored document as the library reads it.
pub(super) fn parsed(stage: StageParam, body: &[u8]) -> ServiceResult<LoadedAssessment> {
    let name = match stage {
        StageParam::SelfAssessment => "self-assessment",
        StageParam::Verification => "verification",
    };
    p2ham_io::document::read_assessment(Source::bytes(name, body))
        .map_err(|e| ServiceError::invalid_document(&e))
}

/// Read the whole of a source under the document limit (too large beyond it).
pub(super) fn source_bytes(source: Source<'_>, limit: usize) -> ServiceResult<(String, Vec<u8>)> {
    let read = source
        .read_limited(limit as u64)
        .map_err(|e| ServiceError::invalid_document(&e))?;
    if read.bytes.len() > limit {
        return Err(ServiceError::new(
            ErrorCode::TooLarge,
            format!("the document is larger than the limit of {limit} bytes"),
        ));
    }
    Ok((read.name, read.bytes.into_owned()))
}

/// The evidence files of a case, oldest first.
pub(super) async fn evidence_of(
    state: &AppState,
    unit: &str,
    period: &str,
) -> ServiceResult<Vec<EvidenceInfo>> {
    let rows = sqlx::query("SELECT path, sha256, size, content_type, uploaded_by, uploaded_at FROM evidence WHERE unit_id = $1 AND period_id = $2 ORDER BY uploaded_at, id")
        .bind(unit)
        .bind(period)
        .fetch_all(state.db().pool())
        .await?;
    let mut out = Vec::new();
    for r in rows {
        out.push(EvidenceInfo {
            path: r.try_get("path")?,
            sha256: r.try_get("sha256")?,
            size: r.try_get("size")?,
            content_type: r.try_get("content_type")?,
            uploaded_by: r.try_get("uploaded_by")?,
            uploaded_at: r.try_get("uploaded_at")?,
        });
    }
    Ok(out)
}
