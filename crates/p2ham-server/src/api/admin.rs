//! Users, units, periods and instruments.

use super::extract::Path;
use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

use super::extract::{document_bytes, Acting, Admins, JsonBody};
use crate::auth::Actor;
use crate::error::{ApiResult, ErrorBody};
use crate::proto::{
    Imported, InstrumentInfo, NewPeriod, NewUnit, NewUser, PeriodInfo, UnitInfo, UserInfo, UserProfile,
};
use crate::AppState;

/// The stored instruments (the built-ins are registered at start).
#[utoipa::path(get, path = "/api/v1/instruments", tag = "admin", security(("session" = []), ("token" = [])),
    responses((status = 200, body = Vec<InstrumentInfo>), (status = 401, body = ErrorBody)))]
pub(crate) async fn list_instruments(
    State(state): State<AppState>,
    actor: Actor,
) -> ApiResult<Json<Vec<InstrumentInfo>>> {
    Ok(Json(state.directory(&actor).instruments().await?))
}

/// Periods.
#[utoipa::path(get, path = "/api/v1/periods", tag = "admin", security(("session" = []), ("token" = [])),
    responses((status = 200, body = Vec<PeriodInfo>), (status = 401, body = ErrorBody)))]
pub(crate) async fn list_periods(
    State(state): State<AppState>,
    actor: Actor,
) -> ApiResult<Json<Vec<PeriodInfo>>> {
    Ok(Json(state.directory(&actor).periods().await?))
}

/// One period.
#[utoipa::path(get, path = "/api/v1/periods/{period}", tag = "admin", security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id")),
    responses((status = 200, body = PeriodInfo), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_period(
    State(state): State<AppState>,
    actor: Actor,
    Path(period): Path<String>,
) -> ApiResult<Json<PeriodInfo>> {
    Ok(Json(state.directory(&actor).period(&period).await?))
}

/// Create a period (admin).
#[utoipa::path(post, path = "/api/v1/periods", tag = "admin", request_body = NewPeriod, security(("session" = []), ("token" = [])),
    responses((status = 201, body = PeriodInfo), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "The instrument or the previous period named does not exist (`not-found`)"),
        (status = 409, body = ErrorBody, description = "A period of that id exists (`refused`)")))]
pub(crate) async fn create_period(
    State(state): State<AppState>,
    Acting(actor, _): Acting<Admins>,
    JsonBody(req): JsonBody<NewPeriod>,
) -> ApiResult<(StatusCode, Json<PeriodInfo>)> {
    let directory = state.directory(&actor);
    directory.admin()?.create_period(&req).await?;
    Ok((StatusCode::CREATED, Json(directory.period(&req.id).await?)))
}

/// Units the caller may see (operators: their own; verifiers: their Kanwil's; others: all).
#[utoipa::path(get, path = "/api/v1/units", tag = "admin", security(("session" = []), ("token" = [])),
    responses((status = 200, body = Vec<UnitInfo>), (status = 401, body = ErrorBody)))]
pub(crate) async fn list_units(
    State(state): State<AppState>,
    actor: Actor,
) -> ApiResult<Json<Vec<UnitInfo>>> {
    Ok(Json(state.directory(&actor).units().await?))
}

/// Create a unit (admin).
#[utoipa::path(post, path = "/api/v1/units", tag = "admin", request_body = NewUnit, security(("session" = []), ("token" = [])),
    responses((status = 201), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "A unit of that id exists (`refused`)")))]
pub(crate) async fn create_unit(
    State(state): State<AppState>,
    Acting(actor, _): Acting<Admins>,
    JsonBody(req): JsonBody<NewUnit>,
) -> ApiResult<StatusCode> {
    state.directory(&actor).admin()?.create_unit(&req).await?;
    Ok(StatusCode::CREATED)
}

/// Import units from CSV (`id,name,kind,office`; admin). Every row is checked; an error names the row and column.
#[utoipa::path(post, path = "/api/v1/units/import", tag = "admin", security(("session" = []), ("token" = [])),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = Imported), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "A unit of the file exists (`refused`); none is imported")))]
pub(crate) async fn import_units(
    State(state): State<AppState>,
    actor: Actor,
    body: Body,
) -> ApiResult<(StatusCode, Json<Imported>)> {
    let admin = state.directory(&actor).admin()?;
    let bytes = document_bytes(&state, body).await?;
    let units = admin.import_units(&bytes).await?;
    Ok((StatusCode::CREATED, Json(Imported { units })))
}

/// Users (admin).
#[utoipa::path(get, path = "/api/v1/users", tag = "admin", security(("session" = []), ("token" = [])),
    responses((status = 200, body = Vec<UserInfo>), (status = 403, body = ErrorBody)))]
pub(crate) async fn list_users(
    State(state): State<AppState>,
    actor: Actor,
) -> ApiResult<Json<Vec<UserInfo>>> {
    Ok(Json(state.directory(&actor).users().await?))
}

/// Create a user (admin).
#[utoipa::path(post, path = "/api/v1/users", tag = "admin", request_body = NewUser, security(("session" = []), ("token" = [])),
    responses((status = 201), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "The unit or office named does not exist (`not-found`)"),
        (status = 409, body = ErrorBody, description = "A user of that name exists (`refused`)")))]
pub(crate) async fn create_user(
    State(state): State<AppState>,
    Acting(actor, _): Acting<Admins>,
    JsonBody(req): JsonBody<NewUser>,
) -> ApiResult<StatusCode> {
    state.directory(&actor).admin()?.create_user(&req).await?;
    Ok(StatusCode::CREATED)
}

/// Change a user's display name, role and unit or office (admin); recorded in the audit log.
#[utoipa::path(put, path = "/api/v1/users/{username}", tag = "admin", request_body = UserProfile, security(("session" = []), ("token" = [])),
    params(("username" = String, Path, description = "Login name")),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub(crate) async fn update_user(
    State(state): State<AppState>,
    Acting(actor, _): Acting<Admins>,
    Path(username): Path<String>,
    JsonBody(req): JsonBody<UserProfile>,
) -> ApiResult<StatusCode> {
    state
        .directory(&actor)
        .admin()?
        .update_user(&username, &req)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deactivate a user (admin): they can no longer log in, their sessions end,
/// their API tokens are refused; recorded in the audit log.
#[utoipa::path(post, path = "/api/v1/users/{username}/deactivate", tag = "admin", security(("session" = []), ("token" = [])),
    params(("username" = String, Path, description = "Login name")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn deactivate_user(
    State(state): State<AppState>,
    actor: Actor,
    Path(username): Path<String>,
) -> ApiResult<StatusCode> {
    state
        .directory(&actor)
        .admin()?
        .set_active(&username, false)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Make a deactivated user active again (admin); recorded in the audit log.
#[utoipa::path(post, path = "/api/v1/users/{username}/reactivate", tag = "admin", security(("session" = []), ("token" = [])),
    params(("username" = String, Path, description = "Login name")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn reactivate_user(
    State(state): State<AppState>,
    actor: Actor,
    Path(username): Path<String>,
) -> ApiResult<StatusCode> {
    state
        .directory(&actor)
        .admin()?
        .set_active(&username, true)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
