//! The hash-chained audit log.

use super::extract::Query;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::audit::{AuditEntry, AuditVerification};
use crate::auth::Actor;
use crate::error::{ApiResult, ErrorBody};
use crate::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AuditQuery {
    /// Entries after this position (0: from the start).
    after: Option<i64>,
    /// At most this many (default 100, at most 1000).
    limit: Option<i64>,
}

/// The audit log (admin and evaluator), in order.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", security(("session" = []), ("token" = [])),
    params(AuditQuery),
    responses((status = 200, body = Vec<AuditEntry>), (status = 403, body = ErrorBody)))]
pub(crate) async fn list_audit(
    State(state): State<AppState>,
    actor: Actor,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Json<Vec<AuditEntry>>> {
    let entries = state
        .directory(&actor)
        .audit(q.after.unwrap_or(0), q.limit.unwrap_or(100))
        .await?;
    Ok(Json(entries))
}

/// Check the audit log (admin): every entry's digest and link, and the tables
/// against the state the entries imply (409 `audit-broken` names every difference).
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit", security(("session" = []), ("token" = [])),
    responses((status = 200, body = AuditVerification), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn verify_audit(
    State(state): State<AppState>,
    actor: Actor,
) -> ApiResult<Json<AuditVerification>> {
    Ok(Json(state.directory(&actor).verify_audit().await?))
}
