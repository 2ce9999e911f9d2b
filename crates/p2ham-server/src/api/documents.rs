//! The self-assessment and the verification, as documents.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use p2ham_io::Source;

use super::extract::document_bytes;
use crate::auth::Actor;
use crate::error::{ApiResult, ErrorBody};
use crate::proto::{DocumentAccepted, StageParam};
use crate::service::{require, Action};
use crate::AppState;

/// Upload the unit's self-assessment (operator): validated and scored by the
/// library (422 with the diagnostics of `p2ham validate --format json`),
/// stored with its SHA-256; earlier versions are kept. Allowed in `draft` and
/// `returned`, inside the self-assessment window.
#[utoipa::path(put, path = "/api/v1/periods/{period}/units/{unit}/self-assessment", tag = "workflow",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id")),
    request_body(content = Object, content_type = "application/json", description = "A `p2ham-assessment/1` document, stage `self` (docs/schema/assessment.schema.json)"),
    responses((status = 200, body = DocumentAccepted), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody), (status = 423, body = ErrorBody)))]
pub(crate) async fn put_self_assessment(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit)): Path<(String, String)>,
    body: Body,
) -> ApiResult<Json<DocumentAccepted>> {
    put_document(&state, &actor, (&period, &unit), body, StageParam::SelfAssessment).await
}

/// Store a document of a stage: the caller's role and scope are checked
/// before the body is read (under the document limit), then the service
/// reads, checks and stores it.
async fn put_document(
    state: &AppState,
    actor: &Actor,
    (period, unit): (&str, &str),
    body: Body,
    which: StageParam,
) -> ApiResult<Json<DocumentAccepted>> {
    let cases = state.cases(actor);
    let action = match which {
        StageParam::SelfAssessment => Action::EditSelfAssessment,
        StageParam::Verification => Action::Verify,
    };
    require(actor, &[action.role()])?;
    cases.scope(period, unit).await?;
    let bytes = document_bytes(state, body).await?;
    let name = match which {
        StageParam::SelfAssessment => "self-assessment",
        StageParam::Verification => "verification",
    };
    let source = Source::bytes(name, bytes);
    let accepted = match which {
        StageParam::SelfAssessment => cases.put_self_assessment(period, unit, source).await?,
        StageParam::Verification => cases.put_verification(period, unit, source).await?,
    };
    Ok(Json(accepted))
}

/// The current document of a stage, byte for byte as uploaded.
async fn current(
    state: &AppState,
    actor: &Actor,
    (period, unit): (&str, &str),
    which: StageParam,
) -> ApiResult<Response> {
    let (sha, body) = state.cases(actor).document(period, unit, which).await?;
    let etag = HeaderValue::from_str(&format!("\"sha256:{sha}\"")).expect("hex");
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/json")),
            (header::ETAG, etag),
        ],
        body,
    )
        .into_response())
}

/// The current self-assessment, byte for byte as uploaded.
#[utoipa::path(get, path = "/api/v1/periods/{period}/units/{unit}/self-assessment", tag = "workflow",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id")),
    responses((status = 200, description = "The document", content_type = "application/json"), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_self_assessment(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit)): Path<(String, String)>,
) -> ApiResult<Response> {
    current(&state, &actor, (&period, &unit), StageParam::SelfAssessment).await
}

/// Record the verification (verifier of the unit's Kanwil): the verifier's
/// own assessment, whose `verifies` must be the submitted self-assessment's
/// digest; checked and compared by the library (422 otherwise).
#[utoipa::path(put, path = "/api/v1/periods/{period}/units/{unit}/verification", tag = "workflow",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id")),
    request_body(content = Object, content_type = "application/json", description = "A `p2ham-assessment/1` document, stage `verification`, with `verifies`"),
    responses((status = 200, body = DocumentAccepted), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody), (status = 423, body = ErrorBody)))]
pub(crate) async fn put_verification(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit)): Path<(String, String)>,
    body: Body,
) -> ApiResult<Json<DocumentAccepted>> {
    put_document(&state, &actor, (&period, &unit), body, StageParam::Verification).await
}

/// The current verification, byte for byte as uploaded.
#[utoipa::path(get, path = "/api/v1/periods/{period}/units/{unit}/verification", tag = "workflow",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id")),
    responses((status = 200, description = "The document", content_type = "application/json"), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_verification(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit)): Path<(String, String)>,
) -> ApiResult<Response> {
    current(&state, &actor, (&period, &unit), StageParam::Verification).await
}
