//! `GET /metrics`: the Prometheus (OpenMetrics) text document.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

use crate::auth::Actor;
use crate::error::{ApiResult, ErrorBody};
use crate::AppState;

/// The application's metrics, in the Prometheus (OpenMetrics 1.0) text format.
///
/// Requests by method, route template and status with latency
/// histograms, evidence files and bytes stored, workflow transitions by
/// action, the database pool, and the audit log's length. Only for an API
/// token of an administrator or of a `metrics` account (401 without one, or
/// with a session cookie; 403 for other roles).
#[utoipa::path(get, path = "/metrics", tag = "system", security(("token" = [])),
    responses(
        (status = 200, description = "The metrics, OpenMetrics text", content_type = "application/openmetrics-text", body = String),
        (status = 401, description = "No API token, or not a valid one", body = ErrorBody),
        (status = 403, description = "The token's role is neither admin nor metrics", body = ErrorBody)))]
pub(crate) async fn scrape(State(state): State<AppState>, actor: Actor) -> ApiResult<impl IntoResponse> {
    let text = state.scrape_metrics(&actor).await?;
    Ok(([(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)], text))
}
