//! A unit's evaluation for a period and the workflow's transitions.

use super::extract::Path;
use axum::extract::State;
use axum::Json;

use super::extract::{Acting, Evaluators, JsonBody, Verifiers};
use crate::auth::Actor;
use crate::error::{ApiResult, ErrorBody};
use crate::proto::{CaseStatus, CaseSummary, CaseView, EvaluateRequest, ReturnRequest};
use crate::AppState;

/// A unit's evaluation for a period: status, documents, evidence, comments, outcome.
#[utoipa::path(get, path = "/api/v1/periods/{period}/units/{unit}", tag = "workflow", security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id")),
    responses((status = 200, body = CaseView), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_case(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit)): Path<(String, String)>,
) -> ApiResult<Json<CaseView>> {
    Ok(Json(state.cases(&actor).case(&period, &unit).await?))
}

/// Every unit of a period the caller may see, with its status and verified
/// total: one database query for the whole period, whatever its size.
#[utoipa::path(get, path = "/api/v1/periods/{period}/units", tag = "workflow", security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id")),
    responses((status = 200, body = Vec<CaseSummary>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn list_cases(
    State(state): State<AppState>,
    actor: Actor,
    Path(period): Path<String>,
) -> ApiResult<Json<Vec<CaseSummary>>> {
    Ok(Json(state.cases(&actor).list(&period).await?))
}

/// Submit the self-assessment for verification (operator), inside the
/// self-assessment window. Every evidence file the document names with a
/// digest must have been uploaded.
#[utoipa::path(post, path = "/api/v1/periods/{period}/units/{unit}/submit", tag = "workflow",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id")),
    responses((status = 200, body = CaseStatus), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 423, body = ErrorBody)))]
pub(crate) async fn submit(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit)): Path<(String, String)>,
) -> ApiResult<Json<CaseStatus>> {
    Ok(Json(state.cases(&actor).submit(&period, &unit).await?))
}

/// Send the submitted self-assessment back to the operator with comments
/// (verifier of the unit's Kanwil), inside the verification window.
#[utoipa::path(post, path = "/api/v1/periods/{period}/units/{unit}/return", tag = "workflow",
    security(("session" = []), ("token" = [])), request_body = ReturnRequest,
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id")),
    responses((status = 200, body = CaseStatus), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 423, body = ErrorBody)))]
pub(crate) async fn return_case(
    State(state): State<AppState>,
    Acting(actor, _): Acting<Verifiers>,
    Path((period, unit)): Path<(String, String)>,
    JsonBody(req): JsonBody<ReturnRequest>,
) -> ApiResult<Json<CaseStatus>> {
    Ok(Json(state.cases(&actor).return_case(&period, &unit, &req).await?))
}

/// Evaluate the verified result (evaluator): the library's comparison gives
/// the verified total and the award decision, recorded as the outcome.
#[utoipa::path(post, path = "/api/v1/periods/{period}/units/{unit}/evaluate", tag = "workflow",
    security(("session" = []), ("token" = [])), request_body = EvaluateRequest,
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id")),
    responses((status = 200, body = CaseStatus), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn evaluate(
    State(state): State<AppState>,
    Acting(actor, _): Acting<Evaluators>,
    Path((period, unit)): Path<(String, String)>,
    JsonBody(req): JsonBody<EvaluateRequest>,
) -> ApiResult<Json<CaseStatus>> {
    Ok(Json(state.cases(&actor).evaluate(&period, &unit, &req).await?))
}
