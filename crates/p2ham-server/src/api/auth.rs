//! Sessions and API tokens.

use super::extract::Path;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::extract::JsonBody;
use crate::auth::{session_cookie, Actor, Credential};
use crate::error::{ApiResult, ErrorBody};
use crate::mount::Mount;
use crate::proto::{LoginRequest, NewToken, SessionInfo, TokenCreated, TokenInfo};
use crate::AppState;

/// Log in: sets the session cookie and returns the CSRF token. Attempts are rate limited per username.
#[utoipa::path(post, path = "/api/v1/session", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = SessionInfo), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub(crate) async fn login(
    State(state): State<AppState>,
    mount: Mount,
    peer: crate::Peer,
    JsonBody(req): JsonBody<LoginRequest>,
) -> ApiResult<Response> {
    let session = state.sessions().login(&req, peer.0).await?;
    let cookie = session_cookie(&state, &mount, &session.secret, session.max_age);
    Ok(([(header::SET_COOKIE, cookie)], Json(session.info)).into_response())
}

/// Log out: ends the session and clears the cookie; with a bearer API token,
/// revokes that token (it is refused from then on).
#[utoipa::path(delete, path = "/api/v1/session", tag = "auth", security(("session" = []), ("token" = [])),
    responses((status = 204, description = "The session ended, or the bearer token is revoked")))]
pub(crate) async fn logout(
    State(state): State<AppState>,
    mount: Mount,
    actor: Actor,
    session: crate::auth::SessionSecret,
) -> ApiResult<Response> {
    match (&actor.credential, session.0) {
        (Credential::Token { id }, _) => state.sessions().revoke_token(&actor, id).await?,
        (Credential::Session { .. }, Some(secret)) => state.sessions().logout(&actor, &secret).await?,
        (Credential::Session { .. }, None) => {}
    }
    let cookie = session_cookie(&state, &mount, "", 0);
    Ok(([(header::SET_COOKIE, cookie)], StatusCode::NO_CONTENT).into_response())
}

/// Who is asking (session or token).
#[utoipa::path(get, path = "/api/v1/session", tag = "auth", security(("session" = []), ("token" = [])),
    responses((status = 200, body = SessionInfo), (status = 401, body = ErrorBody)))]
pub(crate) async fn whoami(State(state): State<AppState>, actor: Actor) -> Json<SessionInfo> {
    Json(state.sessions().whoami(&actor))
}

/// Make an API token for another system, acting in the caller's role.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "auth", request_body = NewToken, security(("session" = [])),
    responses((status = 201, body = TokenCreated), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn create_token(
    State(state): State<AppState>,
    actor: Actor,
    JsonBody(req): JsonBody<NewToken>,
) -> ApiResult<(StatusCode, Json<TokenCreated>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.sessions().create_token(&actor, &req).await?),
    ))
}

/// The caller's API tokens.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "auth", security(("session" = []), ("token" = [])),
    responses((status = 200, body = Vec<TokenInfo>), (status = 401, body = ErrorBody)))]
pub(crate) async fn list_tokens(
    State(state): State<AppState>,
    actor: Actor,
) -> ApiResult<Json<Vec<TokenInfo>>> {
    Ok(Json(state.sessions().tokens(&actor).await?))
}

/// Revoke one of the caller's API tokens.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "auth", security(("session" = []), ("token" = [])),
    params(("id" = String, Path, description = "The token's id")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub(crate) async fn revoke_token(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.sessions().revoke_token(&actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
