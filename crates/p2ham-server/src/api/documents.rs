//! The self-assessment and the verification, as documents.

use super::extract::Path;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use p2ham_io::Source;

use super::extract::document_bytes;
use crate::auth::Actor;
use crate::error::{ApiResult, ErrorBody};
use crate::proto::{DocumentAccepted, StageParam};
use crate::service::{require, Action, Replayed};
use crate::AppState;

/// Upload the unit's self-assessment (operator): validated and scored by the
/// library (422 with the diagnostics of `p2ham validate --format json`),
/// stored with its SHA-256; earlier versions are kept. Allowed in `draft` and
/// `returned`, inside the self-assessment window.
#[utoipa::path(put, path = "/api/v1/periods/{period}/units/{unit}/self-assessment", tag = "workflow",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Optional: the same document sent again with the same key is stored once and answered with the first answer (`Idempotent-Replayed: true`); 422 for the key with another document, 409 while the first is being handled")),
    request_body(content = Object, content_type = "application/json", description = "A `p2ham-assessment/1` document, stage `self` (docs/schema/assessment.schema.json)"),
    responses((status = 200, body = DocumentAccepted), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody), (status = 423, body = ErrorBody)))]
pub(crate) async fn put_self_assessment(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers);
    put_document(
        &state,
        &actor,
        (&period, &unit),
        (body, key),
        StageParam::SelfAssessment,
    )
    .await
}

/// The `Idempotency-Key` a request carries, if any.
fn idempotency_key(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("idempotency-key")
        .map(|v| v.to_str().unwrap_or("\u{fffd}"))
}

/// The first answer to a save, given again.
fn replayed(r: Replayed) -> Response {
    let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::OK);
    let mut out = (status, r.body).into_response();
    let h = out.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    h.insert("idempotent-replayed", HeaderValue::from_static("true"));
    out
}

/// Store a document of a stage: the caller's role and scope are checked
/// before the body is read (under the document limit), then the service
/// reads, checks and stores it. With an `Idempotency-Key`, the same
/// document sent again with the same key is answered with the first answer
/// and not stored again.
async fn put_document(
    state: &AppState,
    actor: &Actor,
    (period, unit): (&str, &str),
    (body, key): (Body, Option<&str>),
    which: StageParam,
) -> ApiResult<Response> {
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
    let idem = state.idempotency(actor);
    if let Some(key) = key {
        // The request is the same when its case, stage and bytes are.
        let mut identity = format!("PUT {period} {unit} {name}\n").into_bytes();
        identity.extend_from_slice(&bytes);
        if let Some(first) = idem.begin(key, &p2ham_io::digest::sha256_hex(&identity)).await? {
            return Ok(replayed(first));
        }
    }
    let source = Source::bytes(name, bytes);
    let accepted = match which {
        StageParam::SelfAssessment => cases.put_self_assessment(period, unit, source).await,
        StageParam::Verification => cases.put_verification(period, unit, source).await,
    };
    match (key, accepted) {
        (Some(key), Ok(accepted)) => {
            let body = serde_json::to_string(&accepted).map_err(|e| crate::ApiError::internal(&e))?;
            let first = Replayed {
                status: 200,
                content_type: Some("application/json".into()),
                location: None,
                body,
            };
            idem.finish(key, &first).await?;
            Ok(replayed_first(first))
        }
        (Some(key), Err(e)) => {
            idem.abandon(key).await?;
            Err(e.into())
        }
        (None, accepted) => Ok(Json(accepted?).into_response()),
    }
}

/// The first answer itself (not marked as replayed).
fn replayed_first(r: Replayed) -> Response {
    let mut out = replayed(r);
    out.headers_mut().remove("idempotent-replayed");
    out
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
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Optional: the same document sent again with the same key is stored once and answered with the first answer (`Idempotent-Replayed: true`); 422 for the key with another document, 409 while the first is being handled")),
    request_body(content = Object, content_type = "application/json", description = "A `p2ham-assessment/1` document, stage `verification`, with `verifies`"),
    responses((status = 200, body = DocumentAccepted), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody), (status = 423, body = ErrorBody)))]
pub(crate) async fn put_verification(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers);
    put_document(
        &state,
        &actor,
        (&period, &unit),
        (body, key),
        StageParam::Verification,
    )
    .await
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
