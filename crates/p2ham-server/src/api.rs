//! The HTTP API under `/api/v1`: thin handlers over the database, the
//! evidence store and the p2ham libraries; the OpenAPI 3.1 document is
//! generated from the same handlers, so every route is in it.

use axum::body::Body;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use p2ham_io::model::{Code, Diagnostic, Lang, Stage};
use p2ham_io::ops::{self, InstrumentInput};
use p2ham_io::{LoadedAssessment, Source};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::admin::{NewPeriod, NewUnit, NewUser, UserProfile};
use crate::audit::{self, AuditEntry, AuditVerification, Event};
use crate::auth::{dummy_hash, verify_password, Actor, Credential, SESSION_COOKIE};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::store::{is_sha256, GetError, PutError};
use crate::types::{now, random_hex, secret_digest, Role, Status};
use crate::AppState;

// ---------------------------------------------------------------- the router

#[derive(OpenApi)]
#[openapi(
    info(
        title = "P2HAM application API",
        description = "Uploads, the verification workflow (draft → submitted → returned | verified → evaluated → awarded | not_awarded), roles, the audit log and reports of the P2HAM evaluation (human-rights-based public service, Indonesia). Every error has the shape `ErrorBody`. Requests that change something with a session cookie carry the session's CSRF token in `X-CSRF-Token`; bearer API tokens need none.",
        license(name = "MIT OR Apache-2.0")
    ),
    modifiers(&Security),
    components(schemas(ErrorBody, Status, Role, ReportFormat, LangParam, StageParam)),
    tags(
        (name = "system", description = "Health and this document"),
        (name = "auth", description = "Sessions and API tokens"),
        (name = "admin", description = "Users, units, periods, instruments"),
        (name = "workflow", description = "Self-assessment, evidence, verification, evaluation, award"),
        (name = "reports", description = "Score, comparison and outcome letter in every format of the report layer"),
        (name = "audit", description = "The hash-chained audit log")
    )
)]
struct ApiDoc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                SESSION_COOKIE,
                "Session cookie set by POST /api/v1/session (HttpOnly, SameSite=Strict)",
            ))),
        );
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("API token from POST /api/v1/tokens"))
                    .build(),
            ),
        );
    }
}

fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health))
        .routes(routes!(login, logout, whoami))
        .routes(routes!(create_token, list_tokens))
        .routes(routes!(revoke_token))
        .routes(routes!(list_instruments))
        .routes(routes!(list_periods, create_period))
        .routes(routes!(get_period))
        .routes(routes!(list_units, create_unit))
        .routes(routes!(import_units))
        .routes(routes!(list_users, create_user))
        .routes(routes!(update_user))
        .routes(routes!(deactivate_user))
        .routes(routes!(reactivate_user))
        .routes(routes!(get_case))
        .routes(routes!(list_cases))
        .routes(routes!(put_self_assessment, get_self_assessment))
        .routes(routes!(put_verification, get_verification))
        .routes(routes!(upload_evidence, list_evidence))
        .routes(routes!(get_evidence))
        .routes(routes!(submit))
        .routes(routes!(return_case))
        .routes(routes!(evaluate))
        .routes(routes!(award))
        .routes(routes!(score_report))
        .routes(routes!(compare_report))
        .routes(routes!(letter_report))
        .routes(routes!(rollup_report))
        .routes(routes!(list_audit))
        .routes(routes!(verify_audit))
        .routes(routes!(openapi_document))
}

/// The OpenAPI 3.1 document of the API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api_router().split_for_parts().1
}

/// The OpenAPI document as pretty JSON (what `/api/v1/openapi.json` serves
/// and `docs/openapi.json` holds), with a final newline.
pub fn openapi_json() -> String {
    let mut s = openapi()
        .to_pretty_json()
        .expect("the OpenAPI document serialises");
    s.push('\n');
    s
}

/// The application's router: the API under `/api/v1`; JSON errors for unknown
/// routes. Mount it in another axum application with `Router::merge` or `nest`.
pub fn router(state: AppState) -> axum::Router {
    let (router, _) = api_router().split_for_parts();
    router
        .merge(crate::pages::routes())
        .fallback(|| async { ApiError::not_found("no such route") })
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .layer(tower_http::set_header::SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .with_state(state)
}

// ---------------------------------------------------------------- extractors

/// A JSON body whose refusal is the API's error shape.
struct JsonBody<T>(T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(JsonBody(v)),
            Err(r) => Err(ApiError::new(r.status(), "bad-request-body", r.body_text())),
        }
    }
}

/// The whole body as bytes, refused (413) beyond the document limit.
async fn document_bytes(state: &AppState, body: Body) -> ApiResult<Vec<u8>> {
    let limit = state.settings().max_document_bytes;
    axum::body::to_bytes(body, limit)
        .await
        .map(|b| b.to_vec())
        .map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
                format!("the document is larger than the limit of {limit} bytes"),
            )
        })
}

// ---------------------------------------------------------------- rows

#[derive(Debug, Clone, Serialize, ToSchema)]
struct UnitInfo {
    /// Stable id.
    id: String,
    /// Official name.
    name: String,
    /// Unit kind.
    kind: String,
    /// Kanwil.
    office: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
struct InstrumentInfo {
    /// SHA-256 of the instrument document.
    sha256: String,
    /// Instrument id.
    id: String,
    /// Version.
    version: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
struct PeriodInfo {
    /// Id, as assessments name it in `period`.
    id: String,
    /// Year.
    year: i64,
    /// The instrument.
    instrument: InstrumentInfo,
    /// Self-assessments accepted from (none: no limit).
    self_opens: Option<String>,
    /// Self-assessments accepted until.
    self_closes: Option<String>,
    /// Verifications accepted from.
    verification_opens: Option<String>,
    /// Verifications accepted until.
    verification_closes: Option<String>,
}

fn unit_info(row: &sqlx::any::AnyRow) -> Result<UnitInfo, sqlx::Error> {
    Ok(UnitInfo {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        kind: row.try_get("kind")?,
        office: row.try_get("office")?,
    })
}

const PERIOD_SELECT: &str = "SELECT p.id, p.year, p.self_opens, p.self_closes, p.verification_opens, \
    p.verification_closes, i.sha256, i.id AS instrument_id, i.version FROM periods p \
    JOIN instruments i ON i.sha256 = p.instrument_sha256";

fn period_info(row: &sqlx::any::AnyRow) -> Result<PeriodInfo, sqlx::Error> {
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
    })
}

async fn find_period(state: &AppState, id: &str) -> ApiResult<PeriodInfo> {
    let row = sqlx::query(&format!("{PERIOD_SELECT} WHERE p.id = $1"))
        .bind(id)
        .fetch_optional(state.db().pool())
        .await?
        .ok_or_else(|| ApiError::not_found(format!("period `{id}` not found")))?;
    Ok(period_info(&row)?)
}

/// The period and the unit, when the caller may see the unit (404 otherwise:
/// a unit outside one's scope is as good as absent).
async fn scoped(
    state: &AppState,
    actor: &Actor,
    period: &str,
    unit: &str,
) -> ApiResult<(PeriodInfo, UnitInfo)> {
    let row = sqlx::query("SELECT id, name, kind, office FROM units WHERE id = $1")
        .bind(unit)
        .fetch_optional(state.db().pool())
        .await?;
    let unit_row = match row {
        Some(r) => unit_info(&r)?,
        None => return Err(ApiError::not_found(format!("unit `{unit}` not found"))),
    };
    if !actor.sees_unit(&unit_row.id, &unit_row.office) {
        return Err(ApiError::not_found(format!("unit `{unit}` not found")));
    }
    Ok((find_period(state, period).await?, unit_row))
}

#[derive(Debug, Clone)]
struct CaseRow {
    status: Status,
    self_sha256: Option<String>,
    verification_sha256: Option<String>,
    round: i64,
}

impl CaseRow {
    fn fresh() -> CaseRow {
        CaseRow {
            status: Status::Draft,
            self_sha256: None,
            verification_sha256: None,
            round: 1,
        }
    }

    fn state_json(&self) -> String {
        serde_json::json!({
            "status": self.status.as_str(),
            "self_sha256": self.self_sha256,
            "verification_sha256": self.verification_sha256,
            "round": self.round,
        })
        .to_string()
    }
}

async fn read_case<'e, E>(exec: E, unit: &str, period: &str) -> ApiResult<Option<CaseRow>>
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
    row.map(|r| -> ApiResult<CaseRow> {
        let status: String = r.try_get("status")?;
        Ok(CaseRow {
            status: Status::parse(&status)
                .ok_or_else(|| ApiError::internal(&format!("stored status {status}")))?,
            self_sha256: r.try_get("self_sha256")?,
            verification_sha256: r.try_get("verification_sha256")?,
            round: r.try_get("round")?,
        })
    })
    .transpose()
}

async fn write_case(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    unit: &str,
    period: &str,
    existed: bool,
    c: &CaseRow,
) -> ApiResult<()> {
    let sql = if existed {
        "UPDATE cases SET status = $3, self_sha256 = $4, verification_sha256 = $5, round = $6, updated_at = $7 \
         WHERE unit_id = $1 AND period_id = $2"
    } else {
        "INSERT INTO cases (unit_id, period_id, status, self_sha256, verification_sha256, round, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)"
    };
    sqlx::query(sql)
        .bind(unit)
        .bind(period)
        .bind(c.status.as_str())
        .bind(&c.self_sha256)
        .bind(&c.verification_sha256)
        .bind(c.round)
        .bind(now())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

fn object(period: &str, unit: &str) -> String {
    format!("period/{period}/unit/{unit}")
}

/// Refuse (423) an action outside its window.
fn check_window(opens: Option<&String>, closes: Option<&String>, what: &str) -> ApiResult<()> {
    let now = jiff::Timestamp::now();
    let parse = |s: &String| s.parse::<jiff::Timestamp>().map_err(|e| ApiError::internal(&e));
    if let Some(o) = opens {
        if now < parse(o)? {
            return Err(ApiError::new(
                StatusCode::LOCKED,
                "window-not-open",
                format!("the {what} window opens at {o}"),
            ));
        }
    }
    if let Some(c) = closes {
        if now > parse(c)? {
            return Err(ApiError::new(
                StatusCode::LOCKED,
                "window-closed",
                format!("the {what} window closed at {c}"),
            ));
        }
    }
    Ok(())
}

fn transition_refused(action: &str, status: Status) -> ApiError {
    ApiError::conflict(
        "invalid-transition",
        format!("cannot {action}: the evaluation is `{}`", status.as_str()),
    )
}

// ---------------------------------------------------------------- system

#[derive(Debug, Serialize, ToSchema)]
struct Health {
    /// `ok` when the database answers.
    status: String,
    /// `sqlite` or `postgres`.
    database: String,
    /// The p2ham version.
    version: String,
}

/// Health: whether the database answers.
#[utoipa::path(get, path = "/api/v1/health", tag = "system",
    responses((status = 200, body = Health), (status = 503, body = ErrorBody)))]
async fn health(State(state): State<AppState>) -> ApiResult<Json<Health>> {
    sqlx::query("SELECT 1")
        .execute(state.db().pool())
        .await
        .map_err(|e| {
            tracing::error!("health: {e}");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "database-unavailable",
                "the database does not answer",
            )
        })?;
    Ok(Json(Health {
        status: "ok".into(),
        database: match state.db().backend() {
            crate::Backend::Sqlite => "sqlite".into(),
            crate::Backend::Postgres => "postgres".into(),
        },
        version: env!("CARGO_PKG_VERSION").into(),
    }))
}

/// This OpenAPI 3.1 document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "system",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json")))]
async fn openapi_document() -> Response {
    static DOC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let doc = DOC.get_or_init(openapi_json);
    ([(header::CONTENT_TYPE, "application/json")], doc.as_str()).into_response()
}

// ---------------------------------------------------------------- auth

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct LoginRequest {
    /// Username.
    username: String,
    /// Password.
    password: String,
}

#[derive(Debug, Serialize, ToSchema)]
struct SessionInfo {
    /// Who is logged in.
    user: Actor,
    /// Send it as `X-CSRF-Token` (or the form field `csrf_token`) with every request that changes something.
    csrf_token: Option<String>,
    /// When the session ends.
    expires_at: Option<String>,
}

fn session_cookie(state: &AppState, value: &str, max_age: i64) -> HeaderValue {
    let secure = if state.settings().secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .expect("a cookie of hex digits")
}

/// Log in: sets the session cookie and returns the CSRF token. Attempts are rate limited per username.
#[utoipa::path(post, path = "/api/v1/session", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = SessionInfo), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn login(State(state): State<AppState>, JsonBody(req): JsonBody<LoginRequest>) -> ApiResult<Response> {
    if !state.login_allowed(&req.username) {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            "too many login attempts for this username; wait a minute",
        ));
    }
    let row = sqlx::query("SELECT password_hash, active FROM users WHERE username = $1")
        .bind(&req.username)
        .fetch_optional(state.db().pool())
        .await?;
    let (hash, active) = match &row {
        Some(r) => (
            r.try_get::<String, _>("password_hash")?,
            r.try_get::<i64, _>("active")? != 0,
        ),
        None => (dummy_hash().to_owned(), false),
    };
    let password = req.password.clone();
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| ApiError::internal(&e))?;
    if !(ok && active) {
        // One message whether the user exists or not.
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "login-failed",
            "wrong username or password",
        ));
    }
    let session = random_hex(32);
    let csrf = random_hex(32);
    let seconds = state.settings().session_seconds;
    let expires = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_secs(seconds))
        .map_err(|e| ApiError::internal(&e))?;
    let expires = format!("{expires:.6}");
    let mut w = state.db().write().await?;
    let mut turn = audit::reserve(&mut w.tx).await?;
    sqlx::query("INSERT INTO sessions (id_sha256, username, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(secret_digest(&session))
        .bind(&req.username)
        .bind(&csrf)
        .bind(now())
        .bind(&expires)
        .execute(&mut *w.tx)
        .await?;
    let user = user_by_name(&mut w.tx, &req.username).await?;
    turn.record(
        &mut w.tx,
        Event {
            actor: &user.username,
            role: user.role.as_str(),
            action: "login",
            object: format!("user/{}", user.username),
            before: None,
            after: None,
        },
    )
    .await?;
    w.commit().await?;
    let body = SessionInfo {
        user,
        csrf_token: Some(csrf),
        expires_at: Some(expires),
    };
    let mut resp = Json(body).into_response();
    resp.headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&state, &session, seconds));
    Ok(resp)
}

async fn user_by_name(tx: &mut sqlx::Transaction<'static, sqlx::Any>, username: &str) -> ApiResult<Actor> {
    let r = sqlx::query("SELECT username, name, role, unit_id, office FROM users WHERE username = $1")
        .bind(username)
        .fetch_one(&mut **tx)
        .await?;
    let role: String = r.try_get("role")?;
    Ok(Actor {
        username: r.try_get("username")?,
        name: r.try_get("name")?,
        role: Role::parse(&role).ok_or_else(|| ApiError::internal(&role))?,
        unit: r.try_get("unit_id")?,
        office: r.try_get("office")?,
        credential: Credential::Session { csrf: String::new() },
    })
}

/// Log out: ends the session and clears the cookie.
#[utoipa::path(delete, path = "/api/v1/session", tag = "auth", security(("session" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn logout(State(state): State<AppState>, actor: Actor, headers: HeaderMap) -> ApiResult<Response> {
    let mut parts = Request::new(()).into_parts().0;
    parts.headers = headers;
    if let Some(session) = crate::auth::cookie(&parts, SESSION_COOKIE) {
        let mut w = state.db().write().await?;
        let mut turn = audit::reserve(&mut w.tx).await?;
        sqlx::query("DELETE FROM sessions WHERE id_sha256 = $1")
            .bind(secret_digest(session))
            .execute(&mut *w.tx)
            .await?;
        turn.record(
            &mut w.tx,
            Event::by(&actor, "logout", format!("user/{}", actor.username), None, None),
        )
        .await?;
        w.commit().await?;
    }
    let mut resp = StatusCode::NO_CONTENT.into_response();
    resp.headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&state, "", 0));
    Ok(resp)
}

/// Who is asking (session or token).
#[utoipa::path(get, path = "/api/v1/session", tag = "auth", security(("session" = []), ("token" = [])),
    responses((status = 200, body = SessionInfo), (status = 401, body = ErrorBody)))]
async fn whoami(actor: Actor) -> Json<SessionInfo> {
    let csrf = match &actor.credential {
        Credential::Session { csrf } => Some(csrf.clone()),
        Credential::Token { .. } => None,
    };
    Json(SessionInfo {
        user: actor,
        csrf_token: csrf,
        expires_at: None,
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewToken {
    /// What the token is for, e.g. `sistem-kanwil`.
    name: String,
}

#[derive(Debug, Serialize, ToSchema)]
struct TokenCreated {
    /// The token's id (to revoke it).
    id: String,
    /// The secret: shown once, stored only as its SHA-256. Send as `Authorization: Bearer …`.
    token: String,
    /// The role the token acts in (its user's role now).
    role: Role,
    /// Its name.
    name: String,
}

#[derive(Debug, Serialize, ToSchema)]
struct TokenInfo {
    /// Id.
    id: String,
    /// Name.
    name: String,
    /// Role.
    role: Role,
    /// Created at.
    created_at: String,
    /// Revoked at, when revoked.
    revoked_at: Option<String>,
}

/// Make an API token for another system, acting in the caller's role.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "auth", request_body = NewToken, security(("session" = [])),
    responses((status = 201, body = TokenCreated), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create_token(
    State(state): State<AppState>,
    actor: Actor,
    JsonBody(req): JsonBody<NewToken>,
) -> ApiResult<(StatusCode, Json<TokenCreated>)> {
    if matches!(actor.credential, Credential::Token { .. }) {
        return Err(ApiError::forbidden("an API token cannot make tokens; log in"));
    }
    if req.name.trim().is_empty() {
        return Err(ApiError::bad_request("invalid", "name: must not be empty"));
    }
    let id = random_hex(8);
    let token = format!("p2ham_{}", random_hex(32));
    let mut w = state.db().write().await?;
    let mut turn = audit::reserve(&mut w.tx).await?;
    sqlx::query("INSERT INTO api_tokens (id, token_sha256, username, role, name, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&id)
        .bind(secret_digest(&token))
        .bind(&actor.username)
        .bind(actor.role.as_str())
        .bind(&req.name)
        .bind(now())
        .execute(&mut *w.tx)
        .await?;
    turn.record(
        &mut w.tx,
        Event::by(
            &actor,
            "create-token",
            format!("token/{id}"),
            None,
            Some(serde_json::json!({"name": req.name, "role": actor.role}).to_string()),
        ),
    )
    .await?;
    w.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(TokenCreated {
            id,
            token,
            role: actor.role,
            name: req.name,
        }),
    ))
}

/// The caller's API tokens.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "auth", security(("session" = []), ("token" = [])),
    responses((status = 200, body = Vec<TokenInfo>), (status = 401, body = ErrorBody)))]
async fn list_tokens(State(state): State<AppState>, actor: Actor) -> ApiResult<Json<Vec<TokenInfo>>> {
    let rows = sqlx::query("SELECT id, name, role, created_at, revoked_at FROM api_tokens WHERE username = $1 ORDER BY created_at")
        .bind(&actor.username)
        .fetch_all(state.db().pool())
        .await?;
    let mut out = Vec::new();
    for r in rows {
        let role: String = r.try_get("role")?;
        out.push(TokenInfo {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
            role: Role::parse(&role).ok_or_else(|| ApiError::internal(&role))?,
            created_at: r.try_get("created_at")?,
            revoked_at: r.try_get("revoked_at")?,
        });
    }
    Ok(Json(out))
}

/// Revoke one of the caller's API tokens.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "auth", security(("session" = []), ("token" = [])),
    params(("id" = String, Path, description = "The token's id")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn revoke_token(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let mut w = state.db().write().await?;
    let mut turn = audit::reserve(&mut w.tx).await?;
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND username = $3 AND revoked_at IS NULL",
    )
    .bind(now())
    .bind(&id)
    .bind(&actor.username)
    .execute(&mut *w.tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::not_found(format!("token `{id}` not found")));
    }
    turn.record(
        &mut w.tx,
        Event::by(&actor, "revoke-token", format!("token/{id}"), None, None),
    )
    .await?;
    w.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- admin

/// The stored instruments (the built-ins are registered at start).
#[utoipa::path(get, path = "/api/v1/instruments", tag = "admin", security(("session" = []), ("token" = [])),
    responses((status = 200, body = Vec<InstrumentInfo>), (status = 401, body = ErrorBody)))]
async fn list_instruments(
    State(state): State<AppState>,
    _actor: Actor,
) -> ApiResult<Json<Vec<InstrumentInfo>>> {
    let rows = sqlx::query("SELECT sha256, id, version FROM instruments ORDER BY id, version")
        .fetch_all(state.db().pool())
        .await?;
    let mut out = Vec::new();
    for r in rows {
        out.push(InstrumentInfo {
            sha256: r.try_get("sha256")?,
            id: r.try_get("id")?,
            version: r.try_get("version")?,
        });
    }
    Ok(Json(out))
}

/// Periods.
#[utoipa::path(get, path = "/api/v1/periods", tag = "admin", security(("session" = []), ("token" = [])),
    responses((status = 200, body = Vec<PeriodInfo>), (status = 401, body = ErrorBody)))]
async fn list_periods(State(state): State<AppState>, _actor: Actor) -> ApiResult<Json<Vec<PeriodInfo>>> {
    let rows = sqlx::query(&format!("{PERIOD_SELECT} ORDER BY p.id"))
        .fetch_all(state.db().pool())
        .await?;
    Ok(Json(rows.iter().map(period_info).collect::<Result<_, _>>()?))
}

/// One period.
#[utoipa::path(get, path = "/api/v1/periods/{period}", tag = "admin", security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id")),
    responses((status = 200, body = PeriodInfo), (status = 404, body = ErrorBody)))]
async fn get_period(
    State(state): State<AppState>,
    _actor: Actor,
    Path(period): Path<String>,
) -> ApiResult<Json<PeriodInfo>> {
    Ok(Json(find_period(&state, &period).await?))
}

/// Create a period (admin).
#[utoipa::path(post, path = "/api/v1/periods", tag = "admin", request_body = NewPeriod, security(("session" = []), ("token" = [])),
    responses((status = 201, body = PeriodInfo), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create_period(
    State(state): State<AppState>,
    actor: Actor,
    JsonBody(req): JsonBody<NewPeriod>,
) -> ApiResult<(StatusCode, Json<PeriodInfo>)> {
    actor.require(&[Role::Admin])?;
    state
        .admin()
        .as_user(&actor.username, actor.role)
        .create_period(&req)
        .await?;
    Ok((StatusCode::CREATED, Json(find_period(&state, &req.id).await?)))
}

/// Units the caller may see (operators: their own; verifiers: their Kanwil's; others: all).
#[utoipa::path(get, path = "/api/v1/units", tag = "admin", security(("session" = []), ("token" = [])),
    responses((status = 200, body = Vec<UnitInfo>), (status = 401, body = ErrorBody)))]
async fn list_units(State(state): State<AppState>, actor: Actor) -> ApiResult<Json<Vec<UnitInfo>>> {
    let rows = sqlx::query("SELECT id, name, kind, office FROM units ORDER BY office, id")
        .fetch_all(state.db().pool())
        .await?;
    let mut out = Vec::new();
    for r in &rows {
        let u = unit_info(r)?;
        if actor.sees_unit(&u.id, &u.office) {
            out.push(u);
        }
    }
    Ok(Json(out))
}

/// Create a unit (admin).
#[utoipa::path(post, path = "/api/v1/units", tag = "admin", request_body = NewUnit, security(("session" = []), ("token" = [])),
    responses((status = 201), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create_unit(
    State(state): State<AppState>,
    actor: Actor,
    JsonBody(req): JsonBody<NewUnit>,
) -> ApiResult<StatusCode> {
    actor.require(&[Role::Admin])?;
    state
        .admin()
        .as_user(&actor.username, actor.role)
        .create_unit(&req)
        .await?;
    Ok(StatusCode::CREATED)
}

#[derive(Debug, Serialize, ToSchema)]
struct Imported {
    /// Units created.
    units: usize,
}

/// Import units from CSV (`id,name,kind,office`; admin). Every row is checked; an error names the row and column.
#[utoipa::path(post, path = "/api/v1/units/import", tag = "admin", security(("session" = []), ("token" = [])),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = Imported), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn import_units(
    State(state): State<AppState>,
    actor: Actor,
    body: Body,
) -> ApiResult<(StatusCode, Json<Imported>)> {
    actor.require(&[Role::Admin])?;
    let bytes = document_bytes(&state, body).await?;
    let units = state
        .admin()
        .as_user(&actor.username, actor.role)
        .import_units(&bytes)
        .await?;
    Ok((StatusCode::CREATED, Json(Imported { units })))
}

#[derive(Debug, Serialize, ToSchema)]
struct UserInfo {
    /// Username.
    username: String,
    /// Display name.
    name: String,
    /// Role.
    role: Role,
    /// An operator's unit.
    unit: Option<String>,
    /// A verifier's Kanwil.
    office: Option<String>,
    /// Whether the account may log in.
    active: bool,
}

/// Users (admin).
#[utoipa::path(get, path = "/api/v1/users", tag = "admin", security(("session" = []), ("token" = [])),
    responses((status = 200, body = Vec<UserInfo>), (status = 403, body = ErrorBody)))]
async fn list_users(State(state): State<AppState>, actor: Actor) -> ApiResult<Json<Vec<UserInfo>>> {
    actor.require(&[Role::Admin])?;
    let rows =
        sqlx::query("SELECT username, name, role, unit_id, office, active FROM users ORDER BY username")
            .fetch_all(state.db().pool())
            .await?;
    let mut out = Vec::new();
    for r in rows {
        let role: String = r.try_get("role")?;
        out.push(UserInfo {
            username: r.try_get("username")?,
            name: r.try_get("name")?,
            role: Role::parse(&role).ok_or_else(|| ApiError::internal(&role))?,
            unit: r.try_get("unit_id")?,
            office: r.try_get("office")?,
            active: r.try_get::<i64, _>("active")? != 0,
        });
    }
    Ok(Json(out))
}

/// Create a user (admin).
#[utoipa::path(post, path = "/api/v1/users", tag = "admin", request_body = NewUser, security(("session" = []), ("token" = [])),
    responses((status = 201), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create_user(
    State(state): State<AppState>,
    actor: Actor,
    JsonBody(req): JsonBody<NewUser>,
) -> ApiResult<StatusCode> {
    actor.require(&[Role::Admin])?;
    state
        .admin()
        .as_user(&actor.username, actor.role)
        .create_user(&req)
        .await?;
    Ok(StatusCode::CREATED)
}

/// Change a user's display name, role and unit or office (admin); recorded in the audit log.
#[utoipa::path(put, path = "/api/v1/users/{username}", tag = "admin", request_body = UserProfile, security(("session" = []), ("token" = [])),
    params(("username" = String, Path, description = "Login name")),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
async fn update_user(
    State(state): State<AppState>,
    actor: Actor,
    Path(username): Path<String>,
    JsonBody(req): JsonBody<UserProfile>,
) -> ApiResult<StatusCode> {
    actor.require(&[Role::Admin])?;
    state
        .admin()
        .as_user(&actor.username, actor.role)
        .update_user(&username, &req)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deactivate a user (admin): they can no longer log in, their sessions end,
/// their API tokens are refused; recorded in the audit log.
#[utoipa::path(post, path = "/api/v1/users/{username}/deactivate", tag = "admin", security(("session" = []), ("token" = [])),
    params(("username" = String, Path, description = "Login name")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn deactivate_user(
    State(state): State<AppState>,
    actor: Actor,
    Path(username): Path<String>,
) -> ApiResult<StatusCode> {
    actor.require(&[Role::Admin])?;
    state
        .admin()
        .as_user(&actor.username, actor.role)
        .set_active(&username, false)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Make a deactivated user active again (admin); recorded in the audit log.
#[utoipa::path(post, path = "/api/v1/users/{username}/reactivate", tag = "admin", security(("session" = []), ("token" = [])),
    params(("username" = String, Path, description = "Login name")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn reactivate_user(
    State(state): State<AppState>,
    actor: Actor,
    Path(username): Path<String>,
) -> ApiResult<StatusCode> {
    actor.require(&[Role::Admin])?;
    state
        .admin()
        .as_user(&actor.username, actor.role)
        .set_active(&username, true)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- the case

#[derive(Debug, Serialize, ToSchema)]
struct DocumentInfo {
    /// `self` or `verification`.
    stage: String,
    /// SHA-256 of the document's bytes.
    sha256: String,
    /// Who uploaded it.
    uploaded_by: String,
    /// When.
    uploaded_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
struct EvidenceInfo {
    /// The path assessments use for it (e.g. `foto/maklumat.jpg`).
    path: String,
    /// SHA-256 of the content.
    sha256: String,
    /// Size in bytes.
    size: i64,
    /// `image/jpeg`, `image/png` or `application/pdf` (by content).
    content_type: String,
    /// Who uploaded it.
    uploaded_by: String,
    /// When.
    uploaded_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
struct CommentInfo {
    /// The round of verification it belongs to (1 for the first submission).
    round: i64,
    /// The indicator, or none for a general remark.
    indicator: Option<String>,
    /// The comment.
    body: String,
    /// Who wrote it.
    author: String,
    /// When.
    created_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
struct OutcomeInfo {
    /// The verification evaluated.
    verification_sha256: String,
    /// The verified total (2 decimals), as the library computed it.
    verified_total: Option<String>,
    /// Whether the verified result is eligible for the award.
    eligible: bool,
    /// Why not, when not (the library's reasons).
    #[schema(value_type = Vec<Object>)]
    reasons: serde_json::Value,
    /// Evaluator.
    evaluated_by: String,
    /// When.
    evaluated_at: String,
    /// The award decision, once recorded.
    awarded: Option<bool>,
    /// Decree number.
    decree_number: Option<String>,
    /// Decree date.
    decree_date: Option<String>,
    /// The evaluator's note.
    note: Option<String>,
    /// Who recorded the award decision.
    awarded_by: Option<String>,
    /// When.
    awarded_at: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
struct CaseView {
    /// The unit.
    unit: UnitInfo,
    /// The period id.
    period: String,
    /// Where the evaluation stands.
    status: Status,
    /// The verification round (1 + times returned).
    round: i64,
    /// The current self-assessment.
    self_assessment: Option<DocumentInfo>,
    /// The current verification.
    verification: Option<DocumentInfo>,
    /// Every document uploaded, oldest first (none is ever overwritten).
    documents: Vec<DocumentInfo>,
    /// Every evidence file uploaded.
    evidence: Vec<EvidenceInfo>,
    /// The verifiers' comments.
    comments: Vec<CommentInfo>,
    /// The evaluation and award, once made.
    outcome: Option<OutcomeInfo>,
}

/// A unit's evaluation for a period: status, documents, evidence, comments, outcome.
#[utoipa::path(get, path = "/api/v1/periods/{period}/units/{unit}", tag = "workflow", security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id")),
    responses((status = 200, body = CaseView), (status = 404, body = ErrorBody)))]
async fn get_case(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit)): Path<(String, String)>,
) -> ApiResult<Json<CaseView>> {
    let (period, unit) = scoped(&state, &actor, &period, &unit).await?;
    let pool = state.db().pool();
    let case = read_case(pool, &unit.id, &period.id)
        .await?
        .unwrap_or_else(CaseRow::fresh);
    let docs = sqlx::query("SELECT stage, sha256, uploaded_by, uploaded_at FROM documents WHERE unit_id = $1 AND period_id = $2 ORDER BY uploaded_at, id")
        .bind(&unit.id)
        .bind(&period.id)
        .fetch_all(pool)
        .await?;
    let mut documents = Vec::new();
    for r in docs {
        documents.push(DocumentInfo {
            stage: r.try_get("stage")?,
            sha256: r.try_get("sha256")?,
            uploaded_by: r.try_get("uploaded_by")?,
            uploaded_at: r.try_get("uploaded_at")?,
        });
    }
    let current = |stage: &str, sha: &Option<String>| {
        sha.as_ref().and_then(|s| {
            documents
                .iter()
                .rev()
                .find(|d| d.stage == stage && &d.sha256 == s)
                .map(|d| DocumentInfo {
                    stage: d.stage.clone(),
                    sha256: d.sha256.clone(),
                    uploaded_by: d.uploaded_by.clone(),
                    uploaded_at: d.uploaded_at.clone(),
                })
        })
    };
    let self_assessment = current("self", &case.self_sha256);
    let verification = current("verification", &case.verification_sha256);
    let evidence = evidence_of(&state, &unit.id, &period.id).await?;
    let rows = sqlx::query("SELECT round, indicator, body, author, created_at FROM comments WHERE unit_id = $1 AND period_id = $2 ORDER BY created_at, id")
        .bind(&unit.id)
        .bind(&period.id)
        .fetch_all(pool)
        .await?;
    let mut comments = Vec::new();
    for r in rows {
        comments.push(CommentInfo {
            round: r.try_get("round")?,
            indicator: r.try_get("indicator")?,
            body: r.try_get("body")?,
            author: r.try_get("author")?,
            created_at: r.try_get("created_at")?,
        });
    }
    let outcome = match sqlx::query("SELECT * FROM outcomes WHERE unit_id = $1 AND period_id = $2")
        .bind(&unit.id)
        .bind(&period.id)
        .fetch_optional(pool)
        .await?
    {
        Some(r) => {
            let reasons: String = r.try_get("reasons")?;
            Some(OutcomeInfo {
                verification_sha256: r.try_get("verification_sha256")?,
                verified_total: r.try_get("verified_total")?,
                eligible: r.try_get::<i64, _>("eligible")? != 0,
                reasons: serde_json::from_str(&reasons).map_err(|e| ApiError::internal(&e))?,
                evaluated_by: r.try_get("evaluated_by")?,
                evaluated_at: r.try_get("evaluated_at")?,
                awarded: r.try_get::<Option<i64>, _>("awarded")?.map(|a| a != 0),
                decree_number: r.try_get("decree_number")?,
                decree_date: r.try_get("decree_date")?,
                note: r.try_get("award_note")?,
                awarded_by: r.try_get("awarded_by")?,
                awarded_at: r.try_get("awarded_at")?,
            })
        }
        None => None,
    };
    Ok(Json(CaseView {
        status: case.status,
        round: case.round,
        unit,
        period: period.id,
        self_assessment,
        verification,
        documents,
        evidence,
        comments,
        outcome,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
struct CaseSummary {
    /// The unit.
    unit: UnitInfo,
    /// Where the evaluation stands (`draft` when nothing was uploaded yet).
    status: Status,
    /// The verification round (1 + times returned).
    round: i64,
    /// SHA-256 of the current self-assessment.
    self_sha256: Option<String>,
    /// SHA-256 of the current verification.
    verification_sha256: Option<String>,
    /// The verified total (2 decimals) as the library's comparison of the
    /// current self-assessment with its verification computes it (`p2ham
    /// compare`); none before a verification or when it has no data.
    verified_total: Option<String>,
}

/// Every unit of a period the caller may see, with its status and verified
/// total: one database query for the whole period, whatever its size.
#[utoipa::path(get, path = "/api/v1/periods/{period}/units", tag = "workflow", security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id")),
    responses((status = 200, body = Vec<CaseSummary>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn list_cases(
    State(state): State<AppState>,
    actor: Actor,
    Path(period): Path<String>,
) -> ApiResult<Json<Vec<CaseSummary>>> {
    let period = find_period(&state, &period).await?;
    // Units, their case (if any) and, once verified, the two current documents.
    let rows = sqlx::query(
        "SELECT u.id, u.name, u.kind, u.office, c.status, c.round, c.self_sha256, c.verification_sha256, \
         s.body AS self_body, v.body AS verification_body FROM units u \
         LEFT JOIN cases c ON c.unit_id = u.id AND c.period_id = $1 \
         LEFT JOIN documents v ON v.unit_id = u.id AND v.period_id = $1 AND v.stage = 'verification' \
              AND v.sha256 = c.verification_sha256 \
         LEFT JOIN documents s ON s.unit_id = u.id AND s.period_id = $1 AND s.stage = 'self' \
              AND s.sha256 = c.self_sha256 AND c.verification_sha256 IS NOT NULL \
         ORDER BY u.office, u.name, u.id",
    )
    .bind(&period.id)
    .fetch_all(state.db().pool())
    .await?;
    let mut found: Vec<(CaseSummary, Option<(String, String)>)> = Vec::new();
    for r in rows {
        let unit = unit_info(&r)?;
        if !actor.sees_unit(&unit.id, &unit.office) || found.iter().any(|(c, _)| c.unit.id == unit.id) {
            // Outside the caller's scope, or the same document stored twice.
            continue;
        }
        let status: Option<String> = r.try_get("status")?;
        let status = match status {
            Some(s) => Status::parse(&s).ok_or_else(|| ApiError::internal(&format!("stored status {s}")))?,
            None => Status::Draft,
        };
        let bodies = match (
            r.try_get::<Option<String>, _>("self_body")?,
            r.try_get::<Option<String>, _>("verification_body")?,
        ) {
            (Some(s), Some(v)) => Some((s, v)),
            _ => None,
        };
        found.push((
            CaseSummary {
                unit,
                status,
                round: r.try_get::<Option<i64>, _>("round")?.unwrap_or(1),
                self_sha256: r.try_get("self_sha256")?,
                verification_sha256: r.try_get("verification_sha256")?,
                verified_total: None,
            },
            bodies,
        ));
    }
    let instrument = state.instrument(&period.instrument.sha256).await?;
    let out = tokio::task::spawn_blocking(move || -> ApiResult<Vec<CaseSummary>> {
        let mut out = Vec::with_capacity(found.len());
        for (mut c, bodies) in found {
            if let Some((own, ver)) = bodies {
                let report = ops::compare(
                    Source::bytes("self-assessment", own.as_bytes()),
                    Source::bytes("verification", ver.as_bytes()),
                    Some(period_instrument(&instrument)),
                )
                .map_err(|e| ApiError::invalid_document(&e))?
                .report;
                c.verified_total = report.verified_total.map(|t| t.to_string());
            }
            out.push(c);
        }
        Ok(out)
    })
    .await
    .map_err(|e| ApiError::internal(&e))??;
    Ok(Json(out))
}

async fn evidence_of(state: &AppState, unit: &str, period: &str) -> ApiResult<Vec<EvidenceInfo>> {
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

// ---------------------------------------------------------------- documents

#[derive(Debug, Serialize, ToSchema)]
struct DocumentAccepted {
    /// SHA-256 of the document's bytes: what a verification's `verifies` names.
    sha256: String,
    /// Where the evaluation stands now.
    status: Status,
    /// The document's total (2 decimals) as the library scored it; none when no data.
    total: Option<String>,
    /// Whether the document's result is eligible for the award.
    eligible: bool,
}

/// A document as the library reads it, from the bytes received or stored.
fn loaded(name: &str, bytes: &[u8]) -> Result<LoadedAssessment, p2ham_io::IoError> {
    p2ham_io::read_assessment(Source::bytes(name, bytes))
}

/// The instrument of a period, as the operations take it.
fn period_instrument(instrument: &p2ham_io::LoadedInstrument) -> InstrumentInput<'_> {
    InstrumentInput::Loaded(instrument)
}

/// 422 when the document is not for this unit, period, instrument and stage.
fn check_fits(doc: &LoadedAssessment, unit: &UnitInfo, period: &PeriodInfo, stage: Stage) -> ApiResult<()> {
    let a = &doc.assessment;
    let mut problems: Vec<crate::DiagnosticBody> = Vec::new();
    let mut mismatch = |path: &str, expected: &str, found: &str| {
        problems.push(
            Diagnostic::new(
                Code::WrongCase,
                path,
                format!("expected `{expected}` (the URL's), found `{found}`"),
            )
            .into(),
        );
    };
    if a.unit.id != unit.id {
        mismatch("unit.id", &unit.id, &a.unit.id);
    }
    if a.unit.kind != unit.kind {
        mismatch("unit.kind", &unit.kind, &a.unit.kind);
    }
    if a.period != period.id {
        mismatch("period", &period.id, &a.period);
    }
    if a.instrument.id != period.instrument.id {
        mismatch("instrument.id", &period.instrument.id, &a.instrument.id);
    }
    if a.instrument.version != period.instrument.version {
        mismatch(
            "instrument.version",
            &period.instrument.version,
            &a.instrument.version,
        );
    }
    let want = match stage {
        Stage::SelfAssessment => "self",
        Stage::Verification => "verification",
    };
    if a.stage != stage {
        mismatch(
            "stage",
            want,
            if want == "self" { "verification" } else { "self" },
        );
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            body: ErrorBody {
                code: "invalid-document".into(),
                message: format!(
                    "{}: the document is not for this unit, period, instrument or stage",
                    doc.file
                ),
                diagnostics: problems,
            },
        })
    }
}

async fn insert_document(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    unit: &str,
    period: &str,
    stage: &str,
    doc: &LoadedAssessment,
    bytes: Vec<u8>,
    by: &str,
) -> ApiResult<()> {
    let body = String::from_utf8(bytes)
        .map_err(|_| ApiError::bad_request("invalid-document", "the document is not UTF-8"))?;
    sqlx::query("INSERT INTO documents (id, unit_id, period_id, stage, sha256, body, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(random_hex(16))
        .bind(unit)
        .bind(period)
        .bind(stage)
        .bind(&doc.sha256)
        .bind(body)
        .bind(by)
        .bind(now())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

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
async fn put_self_assessment(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit)): Path<(String, String)>,
    body: Body,
) -> ApiResult<Json<DocumentAccepted>> {
    actor.require(&[Role::Operator])?;
    let (period, unit) = scoped(&state, &actor, &period, &unit).await?;
    let bytes = document_bytes(&state, body).await?;
    let doc = loaded("self-assessment", &bytes).map_err(|e| ApiError::invalid_document(&e))?;
    check_fits(&doc, &unit, &period, Stage::SelfAssessment)?;
    let instrument = state.instrument(&period.instrument.sha256).await?;
    let score = ops::score(
        Source::bytes("self-assessment", &bytes),
        Some(period_instrument(&instrument)),
    )
    .map_err(|e| ApiError::invalid_document(&e))?
    .report;
    check_window(
        period.self_opens.as_ref(),
        period.self_closes.as_ref(),
        "self-assessment",
    )?;
    let mut w = state.db().write().await?;
    let mut turn = audit::reserve(&mut w.tx).await?;
    let existing = read_case(&mut *w.tx, &unit.id, &period.id).await?;
    let before = existing.clone().unwrap_or_else(CaseRow::fresh);
    if !matches!(before.status, Status::Draft | Status::Returned) {
        return Err(transition_refused("change the self-assessment", before.status));
    }
    let mut after = before.clone();
    after.self_sha256 = Some(doc.sha256.clone());
    insert_document(
        &mut w.tx,
        &unit.id,
        &period.id,
        "self",
        &doc,
        bytes,
        &actor.username,
    )
    .await?;
    write_case(&mut w.tx, &unit.id, &period.id, existing.is_some(), &after).await?;
    turn.record(
        &mut w.tx,
        Event::by(
            &actor,
            "put-self-assessment",
            object(&period.id, &unit.id),
            existing.map(|c| c.state_json()),
            Some(after.state_json()),
        ),
    )
    .await?;
    w.commit().await?;
    Ok(Json(DocumentAccepted {
        sha256: doc.sha256,
        status: after.status,
        total: score.total.map(|t| t.to_string()),
        eligible: score.award.eligible,
    }))
}

async fn current_document(
    state: &AppState,
    unit: &str,
    period: &str,
    which: &str,
    current: Option<&String>,
) -> ApiResult<Response> {
    let Some(sha) = current else {
        return Err(ApiError::not_found(format!("no {which} document uploaded yet")));
    };
    let row = sqlx::query("SELECT body FROM documents WHERE unit_id = $1 AND period_id = $2 AND stage = $3 AND sha256 = $4 LIMIT 1")
        .bind(unit)
        .bind(period)
        .bind(which)
        .bind(sha)
        .fetch_one(state.db().pool())
        .await?;
    let body: String = row.try_get("body")?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/json")),
            (
                header::ETAG,
                HeaderValue::from_str(&format!("\"sha256:{sha}\"")).expect("hex"),
            ),
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
async fn get_self_assessment(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit)): Path<(String, String)>,
) -> ApiResult<Response> {
    let (period, unit) = scoped(&state, &actor, &period, &unit).await?;
    let case = read_case(state.db().pool(), &unit.id, &period.id)
        .await?
        .unwrap_or_else(CaseRow::fresh);
    current_document(&state, &unit.id, &period.id, "self", case.self_sha256.as_ref()).await
}

/// Submit the self-assessment for verification (operator), inside the
/// self-assessment window. Every evidence file the document names with a
/// digest must have been uploaded.
#[utoipa::path(post, path = "/api/v1/periods/{period}/units/{unit}/submit", tag = "workflow",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id")),
    responses((status = 200, body = CaseStatus), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 423, body = ErrorBody)))]
async fn submit(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit)): Path<(String, String)>,
) -> ApiResult<Json<CaseStatus>> {
    actor.require(&[Role::Operator])?;
    let (period, unit) = scoped(&state, &actor, &period, &unit).await?;
    check_window(
        period.self_opens.as_ref(),
        period.self_closes.as_ref(),
        "self-assessment",
    )?;
    let mut w = state.db().write().await?;
    let mut turn = audit::reserve(&mut w.tx).await?;
    let existing = read_case(&mut *w.tx, &unit.id, &period.id).await?;
    let before = existing.clone().unwrap_or_else(CaseRow::fresh);
    if !matches!(before.status, Status::Draft | Status::Returned) {
        return Err(transition_refused("submit", before.status));
    }
    let Some(self_sha) = before.self_sha256.clone() else {
        return Err(ApiError::conflict(
            "no-self-assessment",
            "upload the self-assessment before submitting",
        ));
    };
    // Every evidence file the document names must be in the store for this unit.
    let body: String = sqlx::query("SELECT body FROM documents WHERE unit_id = $1 AND period_id = $2 AND stage = 'self' AND sha256 = $3 LIMIT 1")
        .bind(&unit.id)
        .bind(&period.id)
        .bind(&self_sha)
        .fetch_one(&mut *w.tx)
        .await?
        .try_get("body")?;
    let doc = loaded("self-assessment", body.as_bytes()).map_err(|e| ApiError::invalid_document(&e))?;
    let uploaded: Vec<String> =
        sqlx::query("SELECT sha256 FROM evidence WHERE unit_id = $1 AND period_id = $2")
            .bind(&unit.id)
            .bind(&period.id)
            .fetch_all(&mut *w.tx)
            .await?
            .iter()
            .map(|r| r.try_get("sha256"))
            .collect::<Result<_, _>>()?;
    let mut missing: Vec<crate::DiagnosticBody> = Vec::new();
    for (i, answer) in doc.assessment.answers.iter().enumerate() {
        for (j, e) in answer.evidence.iter().enumerate() {
            if let Some(sha) = &e.sha256 {
                if !uploaded.iter().any(|u| u == sha) {
                    missing.push(
                        Diagnostic::new(
                            Code::EvidenceNotUploaded,
                            format!("answers[{i}].evidence[{j}]"),
                            format!("`{}` (sha256 {sha}) has not been uploaded", e.path),
                        )
                        .with_indicator(Some(answer.indicator.clone()).filter(|id| !id.is_empty()))
                        .into(),
                    );
                }
            }
        }
    }
    if !missing.is_empty() {
        return Err(ApiError {
            status: StatusCode::CONFLICT,
            body: ErrorBody {
                code: "evidence-not-uploaded".into(),
                message: format!(
                    "{} evidence file(s) named by the self-assessment are not uploaded",
                    missing.len()
                ),
                diagnostics: missing,
            },
        });
    }
    let mut after = before.clone();
    after.status = Status::Submitted;
    write_case(&mut w.tx, &unit.id, &period.id, existing.is_some(), &after).await?;
    turn.record(
        &mut w.tx,
        Event::by(
            &actor,
            "submit",
            object(&period.id, &unit.id),
            Some(before.state_json()),
            Some(after.state_json()),
        ),
    )
    .await?;
    w.commit().await?;
    Ok(Json(CaseStatus { status: after.status }))
}

#[derive(Debug, Serialize, ToSchema)]
struct CaseStatus {
    /// Where the evaluation stands now.
    status: Status,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct CommentInput {
    /// The indicator (an id of the period's instrument); none for a general remark.
    #[serde(default)]
    indicator: Option<String>,
    /// The comment.
    comment: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ReturnRequest {
    /// Comments, at least one.
    comments: Vec<CommentInput>,
}

/// Send the submitted self-assessment back to the operator with comments
/// (verifier of the unit's Kanwil), inside the verification window.
#[utoipa::path(post, path = "/api/v1/periods/{period}/units/{unit}/return", tag = "workflow",
    security(("session" = []), ("token" = [])), request_body = ReturnRequest,
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id")),
    responses((status = 200, body = CaseStatus), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 423, body = ErrorBody)))]
async fn return_case(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit)): Path<(String, String)>,
    JsonBody(req): JsonBody<ReturnRequest>,
) -> ApiResult<Json<CaseStatus>> {
    actor.require(&[Role::Verifier])?;
    let (period, unit) = scoped(&state, &actor, &period, &unit).await?;
    if req.comments.is_empty() {
        return Err(ApiError::bad_request(
            "invalid",
            "comments: say what to change (at least one comment)",
        ));
    }
    let instrument = state.instrument(&period.instrument.sha256).await?;
    for (i, c) in req.comments.iter().enumerate() {
        if c.comment.trim().is_empty() {
            return Err(ApiError::bad_request(
                "invalid",
                format!("comments[{i}].comment: must not be empty"),
            ));
        }
        if let Some(ind) = &c.indicator {
            let known = instrument
                .checked
                .instrument()
                .criteria
                .iter()
                .flat_map(|c| &c.indicators)
                .any(|x| &x.id == ind);
            if !known {
                return Err(ApiError::bad_request(
                    "invalid",
                    format!(
                        "comments[{i}].indicator: `{ind}` is not an indicator of {}",
                        period.instrument.id
                    ),
                ));
            }
        }
    }
    check_window(
        period.verification_opens.as_ref(),
        period.verification_closes.as_ref(),
        "verification",
    )?;
    let mut w = state.db().write().await?;
    let mut turn = audit::reserve(&mut w.tx).await?;
    let existing = read_case(&mut *w.tx, &unit.id, &period.id).await?;
    let before = existing.clone().unwrap_or_else(CaseRow::fresh);
    if before.status != Status::Submitted {
        return Err(transition_refused("return", before.status));
    }
    for c in &req.comments {
        sqlx::query("INSERT INTO comments (id, unit_id, period_id, round, indicator, body, author, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(random_hex(16))
            .bind(&unit.id)
            .bind(&period.id)
            .bind(before.round)
            .bind(&c.indicator)
            .bind(&c.comment)
            .bind(&actor.username)
            .bind(now())
            .execute(&mut *w.tx)
            .await?;
    }
    let mut after = before.clone();
    after.status = Status::Returned;
    after.round += 1;
    write_case(&mut w.tx, &unit.id, &period.id, true, &after).await?;
    turn.record(
        &mut w.tx,
        Event::by(
            &actor,
            "return",
            object(&period.id, &unit.id),
            Some(before.state_json()),
            Some(after.state_json()),
        ),
    )
    .await?;
    w.commit().await?;
    Ok(Json(CaseStatus { status: after.status }))
}

/// The stored bytes of a self-assessment.
async fn self_document(state: &AppState, unit: &str, period: &str, sha: &str) -> ApiResult<String> {
    Ok(sqlx::query("SELECT body FROM documents WHERE unit_id = $1 AND period_id = $2 AND stage = 'self' AND sha256 = $3 LIMIT 1")
        .bind(unit)
        .bind(period)
        .bind(sha)
        .fetch_one(state.db().pool())
        .await?
        .try_get("body")?)
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
async fn put_verification(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit)): Path<(String, String)>,
    body: Body,
) -> ApiResult<Json<DocumentAccepted>> {
    actor.require(&[Role::Verifier])?;
    let (period, unit) = scoped(&state, &actor, &period, &unit).await?;
    let bytes = document_bytes(&state, body).await?;
    let doc = loaded("verification", &bytes).map_err(|e| ApiError::invalid_document(&e))?;
    check_fits(&doc, &unit, &period, Stage::Verification)?;
    check_window(
        period.verification_opens.as_ref(),
        period.verification_closes.as_ref(),
        "verification",
    )?;
    let case = read_case(state.db().pool(), &unit.id, &period.id)
        .await?
        .unwrap_or_else(CaseRow::fresh);
    if case.status != Status::Submitted {
        return Err(transition_refused("record the verification", case.status));
    }
    let self_sha = case
        .self_sha256
        .clone()
        .ok_or_else(|| ApiError::internal(&"submitted without a document"))?;
    if doc.assessment.verifies.is_none() {
        return Err(ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            body: ErrorBody {
                code: "invalid-document".into(),
                message: "verification: `verifies` must name the submitted self-assessment".into(),
                diagnostics: vec![Diagnostic::new(
                    Code::VerifiesMissing,
                    "verifies",
                    format!("expected \"sha256:{self_sha}\""),
                )
                .into()],
            },
        });
    }
    let self_body = self_document(&state, &unit.id, &period.id, &self_sha).await?;
    let instrument = state.instrument(&period.instrument.sha256).await?;
    let report = ops::compare(
        Source::bytes("self-assessment", self_body.as_bytes()),
        Source::bytes("verification", &bytes),
        Some(period_instrument(&instrument)),
    )
    .map_err(|e| ApiError::invalid_document(&e))?
    .report;
    let mut w = state.db().write().await?;
    let mut turn = audit::reserve(&mut w.tx).await?;
    let before = read_case(&mut *w.tx, &unit.id, &period.id)
        .await?
        .unwrap_or_else(CaseRow::fresh);
    if before.status != Status::Submitted || before.self_sha256.as_deref() != Some(self_sha.as_str()) {
        return Err(transition_refused("record the verification", before.status));
    }
    let mut after = before.clone();
    after.status = Status::Verified;
    after.verification_sha256 = Some(doc.sha256.clone());
    insert_document(
        &mut w.tx,
        &unit.id,
        &period.id,
        "verification",
        &doc,
        bytes,
        &actor.username,
    )
    .await?;
    write_case(&mut w.tx, &unit.id, &period.id, true, &after).await?;
    turn.record(
        &mut w.tx,
        Event::by(
            &actor,
            "put-verification",
            object(&period.id, &unit.id),
            Some(before.state_json()),
            Some(after.state_json()),
        ),
    )
    .await?;
    w.commit().await?;
    Ok(Json(DocumentAccepted {
        sha256: doc.sha256,
        status: after.status,
        total: report.verified_total.map(|t| t.to_string()),
        eligible: report.verified_award.eligible,
    }))
}

/// The current verification, byte for byte as uploaded.
#[utoipa::path(get, path = "/api/v1/periods/{period}/units/{unit}/verification", tag = "workflow",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id")),
    responses((status = 200, description = "The document", content_type = "application/json"), (status = 404, body = ErrorBody)))]
async fn get_verification(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit)): Path<(String, String)>,
) -> ApiResult<Response> {
    let (period, unit) = scoped(&state, &actor, &period, &unit).await?;
    let case = read_case(state.db().pool(), &unit.id, &period.id)
        .await?
        .unwrap_or_else(CaseRow::fresh);
    current_document(
        &state,
        &unit.id,
        &period.id,
        "verification",
        case.verification_sha256.as_ref(),
    )
    .await
}

/// The comparison of the current pair, computed by the library.
async fn comparison(
    state: &AppState,
    unit: &UnitInfo,
    period: &PeriodInfo,
) -> ApiResult<(CaseRow, p2ham_io::scoring::ComparisonReport)> {
    let case = read_case(state.db().pool(), &unit.id, &period.id)
        .await?
        .unwrap_or_else(CaseRow::fresh);
    let (Some(self_sha), Some(ver_sha)) = (&case.self_sha256, &case.verification_sha256) else {
        return Err(ApiError::conflict("not-verified", "there is no verification yet"));
    };
    let self_body = self_document(state, &unit.id, &period.id, self_sha).await?;
    let body: String = sqlx::query("SELECT body FROM documents WHERE unit_id = $1 AND period_id = $2 AND stage = 'verification' AND sha256 = $3 LIMIT 1")
        .bind(&unit.id)
        .bind(&period.id)
        .bind(ver_sha)
        .fetch_one(state.db().pool())
        .await?
        .try_get("body")?;
    let instrument = state.instrument(&period.instrument.sha256).await?;
    let report = ops::compare(
        Source::bytes("self-assessment", self_body.as_bytes()),
        Source::bytes("verification", body.as_bytes()),
        Some(period_instrument(&instrument)),
    )
    .map_err(|e| ApiError::invalid_document(&e))?
    .report;
    Ok((case, report))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct EvaluateRequest {
    /// The evaluator's note.
    #[serde(default)]
    note: Option<String>,
}

/// Evaluate the verified result (evaluator): the library's comparison gives
/// the verified total and the award decision, recorded as the outcome.
#[utoipa::path(post, path = "/api/v1/periods/{period}/units/{unit}/evaluate", tag = "workflow",
    security(("session" = []), ("token" = [])), request_body = EvaluateRequest,
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id")),
    responses((status = 200, body = CaseStatus), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn evaluate(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit)): Path<(String, String)>,
    JsonBody(req): JsonBody<EvaluateRequest>,
) -> ApiResult<Json<CaseStatus>> {
    actor.require(&[Role::Evaluator])?;
    let (period, unit) = scoped(&state, &actor, &period, &unit).await?;
    let (case, report) = comparison(&state, &unit, &period).await?;
    if case.status != Status::Verified {
        return Err(transition_refused("evaluate", case.status));
    }
    let mut w = state.db().write().await?;
    let mut turn = audit::reserve(&mut w.tx).await?;
    let before = read_case(&mut *w.tx, &unit.id, &period.id)
        .await?
        .unwrap_or_else(CaseRow::fresh);
    if before.status != Status::Verified || before.verification_sha256 != case.verification_sha256 {
        return Err(transition_refused("evaluate", before.status));
    }
    let reasons =
        serde_json::to_string(&report.verified_award.reasons).map_err(|e| ApiError::internal(&e))?;
    sqlx::query("INSERT INTO outcomes (unit_id, period_id, verification_sha256, verified_total, eligible, reasons, evaluated_by, evaluated_at, award_note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(&unit.id)
        .bind(&period.id)
        .bind(&before.verification_sha256)
        .bind(report.verified_total.map(|t| t.to_string()))
        .bind(i64::from(report.verified_award.eligible))
        .bind(&reasons)
        .bind(&actor.username)
        .bind(now())
        .bind(&req.note)
        .execute(&mut *w.tx)
        .await?;
    let mut after = before.clone();
    after.status = Status::Evaluated;
    write_case(&mut w.tx, &unit.id, &period.id, true, &after).await?;
    turn.record(
        &mut w.tx,
        Event {
            actor: &actor.username,
            role: actor.role.as_str(),
            action: "evaluate",
            object: object(&period.id, &unit.id),
            before: Some(before.state_json()),
            after: Some(
                serde_json::json!({
                    "status": after.status.as_str(),
                    "verification_sha256": after.verification_sha256,
                    "verified_total": report.verified_total.map(|t| t.to_string()),
                    "eligible": report.verified_award.eligible,
                })
                .to_string(),
            ),
        },
    )
    .await?;
    w.commit().await?;
    Ok(Json(CaseStatus { status: after.status }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct AwardRequest {
    /// Awarded or not. Awarding needs an eligible verified result.
    awarded: bool,
    /// The Minister's decree number (required when awarded).
    #[serde(default)]
    decree_number: Option<String>,
    /// The decree's date, `YYYY-MM-DD` (required when awarded).
    #[serde(default)]
    decree_date: Option<String>,
    /// Reasons or remarks.
    #[serde(default)]
    note: Option<String>,
}

/// Record the award decision (evaluator) on an evaluated unit.
#[utoipa::path(post, path = "/api/v1/periods/{period}/units/{unit}/award", tag = "workflow",
    security(("session" = []), ("token" = [])), request_body = AwardRequest,
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id")),
    responses((status = 200, body = CaseStatus), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn award(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit)): Path<(String, String)>,
    JsonBody(req): JsonBody<AwardRequest>,
) -> ApiResult<Json<CaseStatus>> {
    actor.require(&[Role::Evaluator])?;
    let (period, unit) = scoped(&state, &actor, &period, &unit).await?;
    if req.awarded {
        let number = req.decree_number.as_deref().unwrap_or("").trim();
        if number.is_empty() {
            return Err(ApiError::bad_request(
                "invalid",
                "decree_number: required when awarded",
            ));
        }
        let date = req.decree_date.as_deref().unwrap_or("");
        if date.parse::<jiff::civil::Date>().is_err() {
            return Err(ApiError::bad_request(
                "invalid",
                format!("decree_date: expected a date YYYY-MM-DD, found `{date}`"),
            ));
        }
    } else if let Some(date) = &req.decree_date {
        if date.parse::<jiff::civil::Date>().is_err() {
            return Err(ApiError::bad_request(
                "invalid",
                format!("decree_date: expected a date YYYY-MM-DD, found `{date}`"),
            ));
        }
    }
    let mut w = state.db().write().await?;
    let mut turn = audit::reserve(&mut w.tx).await?;
    let before = read_case(&mut *w.tx, &unit.id, &period.id)
        .await?
        .unwrap_or_else(CaseRow::fresh);
    if before.status != Status::Evaluated {
        return Err(transition_refused("record the award", before.status));
    }
    let eligible: i64 = sqlx::query("SELECT eligible FROM outcomes WHERE unit_id = $1 AND period_id = $2")
        .bind(&unit.id)
        .bind(&period.id)
        .fetch_one(&mut *w.tx)
        .await?
        .try_get("eligible")?;
    if req.awarded && eligible == 0 {
        return Err(ApiError::conflict(
            "not-eligible",
            "the verified result is not eligible for the award (see the outcome's reasons)",
        ));
    }
    sqlx::query("UPDATE outcomes SET awarded = $1, decree_number = $2, decree_date = $3, award_note = COALESCE($4, award_note), awarded_by = $5, awarded_at = $6 WHERE unit_id = $7 AND period_id = $8")
        .bind(i64::from(req.awarded))
        .bind(&req.decree_number)
        .bind(&req.decree_date)
        .bind(&req.note)
        .bind(&actor.username)
        .bind(now())
        .bind(&unit.id)
        .bind(&period.id)
        .execute(&mut *w.tx)
        .await?;
    let mut after = before.clone();
    after.status = if req.awarded {
        Status::Awarded
    } else {
        Status::NotAwarded
    };
    write_case(&mut w.tx, &unit.id, &period.id, true, &after).await?;
    turn.record(
        &mut w.tx,
        Event {
            actor: &actor.username,
            role: actor.role.as_str(),
            action: "award",
            object: object(&period.id, &unit.id),
            before: Some(before.state_json()),
            after: Some(
                serde_json::json!({
                    "status": after.status.as_str(),
                    "decree_number": req.decree_number,
                    "decree_date": req.decree_date,
                })
                .to_string(),
            ),
        },
    )
    .await?;
    w.commit().await?;
    Ok(Json(CaseStatus { status: after.status }))
}

// ---------------------------------------------------------------- evidence

#[derive(Debug, ToSchema)]
#[allow(dead_code)]
struct EvidenceUpload {
    /// One or more files; each part's file name is the path assessments use
    /// (`foto/maklumat.jpg`): relative, `/`-separated, no `..`.
    #[schema(value_type = Vec<String>, format = Binary)]
    file: Vec<u8>,
}

/// Whether an evidence name is a path assessments may use (the model's rule),
/// and short and plain enough to store and show (no control characters, no
/// `.` segments, at most 255 bytes).
fn check_evidence_name(name: &str) -> Result<(), String> {
    if let Some(problem) = p2ham_io::model::evidence_path_problem(name) {
        return Err(problem);
    }
    if name.len() > 255 {
        return Err("the file name must have at most 255 bytes".into());
    }
    if name.chars().any(char::is_control) {
        return Err("the file name holds control characters".into());
    }
    if name.split('/').any(|part| part == ".") {
        return Err(format!("`{name}`: `.` path segments are not allowed"));
    }
    Ok(())
}

/// Upload evidence files (operator of the unit, or verifier of its Kanwil):
/// multipart, each file streamed to disk while hashed; refused beyond the size
/// limit (413) or when not JPEG, PNG or PDF by content (415).
#[utoipa::path(post, path = "/api/v1/periods/{period}/units/{unit}/evidence", tag = "workflow",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id")),
    request_body(content = EvidenceUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = Vec<EvidenceInfo>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)))]
async fn upload_evidence(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, Json<Vec<EvidenceInfo>>)> {
    actor.require(&[Role::Operator, Role::Verifier])?;
    let (period, unit) = scoped(&state, &actor, &period, &unit).await?;
    let case = read_case(state.db().pool(), &unit.id, &period.id)
        .await?
        .unwrap_or_else(CaseRow::fresh);
    let allowed = match actor.role {
        Role::Operator => matches!(case.status, Status::Draft | Status::Returned),
        _ => case.status == Status::Submitted,
    };
    if !allowed {
        return Err(transition_refused("upload evidence", case.status));
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let boundary = multer::parse_boundary(content_type).map_err(|_| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not-multipart",
            "send the files as multipart/form-data",
        )
    })?;
    let mut multipart = multer::Multipart::new(body.into_data_stream(), boundary);
    let limit = state.settings().max_evidence_bytes;
    let mut stored = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| ApiError::bad_request("bad-multipart", e.to_string()))?
    {
        let name = field.file_name().map(str::to_owned).ok_or_else(|| {
            ApiError::bad_request("bad-multipart", "each part needs a file name (the evidence path)")
        })?;
        check_evidence_name(&name).map_err(|m| ApiError::bad_request("bad-evidence-name", m))?;
        let s = state.store().put(field, limit).await.map_err(|e| match e {
            PutError::TooLarge { .. } => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
                format!("`{name}`: {e}"),
            ),
            PutError::WrongType => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "wrong-type",
                format!("`{name}`: {e}"),
            ),
            PutError::Stream(_) => ApiError::bad_request("bad-multipart", format!("`{name}`: {e}")),
            other => ApiError::internal(&other),
        })?;
        stored.push((name, s));
    }
    if stored.is_empty() {
        return Err(ApiError::bad_request("bad-multipart", "no file in the request"));
    }
    let mut w = state.db().write().await?;
    let mut turn = audit::reserve(&mut w.tx).await?;
    let mut out = Vec::new();
    let at = now();
    for (name, s) in stored {
        sqlx::query("INSERT INTO evidence (id, unit_id, period_id, path, sha256, size, content_type, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
            .bind(random_hex(16))
            .bind(&unit.id)
            .bind(&period.id)
            .bind(&name)
            .bind(&s.sha256)
            .bind(i64::try_from(s.size).unwrap_or(i64::MAX))
            .bind(s.kind.media_type())
            .bind(&actor.username)
            .bind(&at)
            .execute(&mut *w.tx)
            .await?;
        turn.record(
            &mut w.tx,
            Event {
                actor: &actor.username,
                role: actor.role.as_str(),
                action: "upload-evidence",
                object: object(&period.id, &unit.id),
                before: None,
                after: Some(
                    serde_json::json!({"path": name, "sha256": s.sha256, "size": s.size}).to_string(),
                ),
            },
        )
        .await?;
        out.push(EvidenceInfo {
            path: name,
            sha256: s.sha256,
            size: i64::try_from(s.size).unwrap_or(i64::MAX),
            content_type: s.kind.media_type().into(),
            uploaded_by: actor.username.clone(),
            uploaded_at: at.clone(),
        });
    }
    w.commit().await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// The evidence files uploaded for a unit and period.
#[utoipa::path(get, path = "/api/v1/periods/{period}/units/{unit}/evidence", tag = "workflow",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id")),
    responses((status = 200, body = Vec<EvidenceInfo>), (status = 404, body = ErrorBody)))]
async fn list_evidence(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit)): Path<(String, String)>,
) -> ApiResult<Json<Vec<EvidenceInfo>>> {
    let (period, unit) = scoped(&state, &actor, &period, &unit).await?;
    Ok(Json(evidence_of(&state, &unit.id, &period.id).await?))
}

/// One evidence file by its SHA-256; its digest is checked again before it is served.
#[utoipa::path(get, path = "/api/v1/periods/{period}/units/{unit}/evidence/{sha256}", tag = "workflow",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id"),
        ("sha256" = String, Path, description = "The file's SHA-256")),
    responses((status = 200, description = "The file", content(("image/jpeg"), ("image/png"), ("application/pdf"))),
        (status = 404, body = ErrorBody), (status = 500, body = ErrorBody)))]
async fn get_evidence(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit, sha256)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let (period, unit) = scoped(&state, &actor, &period, &unit).await?;
    if !is_sha256(&sha256) {
        return Err(ApiError::not_found(
            "evidence not found (give its lowercase hex SHA-256)",
        ));
    }
    let row = sqlx::query(
        "SELECT content_type FROM evidence WHERE unit_id = $1 AND period_id = $2 AND sha256 = $3 LIMIT 1",
    )
    .bind(&unit.id)
    .bind(&period.id)
    .bind(&sha256)
    .fetch_optional(state.db().pool())
    .await?
    .ok_or_else(|| ApiError::not_found("evidence not found"))?;
    let content_type: String = row.try_get("content_type")?;
    let bytes = state.store().get(&sha256).await.map_err(|e| match e {
        GetError::Altered { .. } => {
            tracing::error!("{e}");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "evidence-altered",
                "the stored file no longer has its digest; restore it from a backup",
            )
        }
        GetError::Missing => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "evidence-missing",
            "the stored file is missing; restore it from a backup",
        ),
        other => ApiError::internal(&other),
    })?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::ETAG, format!("\"sha256:{sha256}\"")),
            (
                header::CACHE_CONTROL,
                "private, max-age=31536000, immutable".to_owned(),
            ),
        ],
        bytes,
    )
        .into_response())
}

// ---------------------------------------------------------------- reports

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
enum ReportFormat {
    Json,
    Text,
    Md,
    Csv,
    Html,
    Xlsx,
    /// The HTML page's body as a fragment for a page to embed (`div.report`,
    /// headings from `h2`, class names only, no style); asked for by `?format=` only.
    Fragment,
}

const ALL_FORMATS: [ReportFormat; 7] = [
    ReportFormat::Json,
    ReportFormat::Text,
    ReportFormat::Md,
    ReportFormat::Csv,
    ReportFormat::Html,
    ReportFormat::Xlsx,
    ReportFormat::Fragment,
];

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

impl ReportFormat {
    fn media_type(self) -> &'static str {
        match self {
            ReportFormat::Json => "application/json",
            ReportFormat::Text => "text/plain; charset=utf-8",
            ReportFormat::Md => "text/markdown; charset=utf-8",
            ReportFormat::Csv => "text/csv; charset=utf-8",
            ReportFormat::Html | ReportFormat::Fragment => "text/html; charset=utf-8",
            ReportFormat::Xlsx => XLSX,
        }
    }

    fn from_media_type(m: &str) -> Option<ReportFormat> {
        Some(match m {
            "application/json" => ReportFormat::Json,
            "text/plain" => ReportFormat::Text,
            "text/markdown" => ReportFormat::Md,
            "text/csv" => ReportFormat::Csv,
            "text/html" => ReportFormat::Html,
            XLSX => ReportFormat::Xlsx,
            _ => return None,
        })
    }

    /// The report layer's format (a fragment is the HTML backend's, see [`report`]).
    fn report_format(self) -> p2ham_report::Format {
        match self {
            ReportFormat::Json => p2ham_report::Format::Json,
            ReportFormat::Text => p2ham_report::Format::Text,
            ReportFormat::Md => p2ham_report::Format::Md,
            ReportFormat::Csv => p2ham_report::Format::Csv,
            ReportFormat::Html | ReportFormat::Fragment => p2ham_report::Format::Html,
            ReportFormat::Xlsx => p2ham_report::Format::Xlsx,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
enum LangParam {
    Id,
    En,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
enum StageParam {
    #[serde(rename = "self")]
    SelfAssessment,
    Verification,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ReportQuery {
    /// Output format; without it, the `Accept` header decides (JSON by default).
    format: Option<ReportFormat>,
    /// Language of text, Markdown, CSV, HTML and XLSX (`id` by default).
    lang: Option<LangParam>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ScoreQuery {
    /// Which document: the self-assessment (default) or the verification.
    stage: Option<StageParam>,
    /// Output format; without it, the `Accept` header decides (JSON by default).
    format: Option<ReportFormat>,
    /// Language (`id` by default).
    lang: Option<LangParam>,
}

/// The format asked for: `?format=` when given, else the first type of
/// `Accept` the report has, else the report's first (default) format.
fn choose(
    format: Option<ReportFormat>,
    headers: &HeaderMap,
    supported: &[ReportFormat],
) -> ApiResult<ReportFormat> {
    let refuse = || {
        ApiError::new(
            StatusCode::NOT_ACCEPTABLE,
            "unsupported-format",
            "this report is not available in that format (json, text, md, csv, html, xlsx, fragment)",
        )
    };
    if let Some(f) = format {
        return if supported.contains(&f) {
            Ok(f)
        } else {
            Err(refuse())
        };
    }
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Ok(supported[0]);
    };
    let mut any = false;
    for m in accept
        .split(',')
        .map(|m| m.split(';').next().unwrap_or("").trim())
    {
        if m == "*/*" || m == "text/*" || m.is_empty() {
            any = true;
        } else if let Some(f) = ReportFormat::from_media_type(m).filter(|f| supported.contains(f)) {
            return Ok(f);
        }
    }
    if any {
        Ok(supported[0])
    } else {
        Err(refuse())
    }
}

fn lang(l: Option<LangParam>) -> Lang {
    match l {
        Some(LangParam::En) => Lang::En,
        _ => Lang::Id,
    }
}

/// Render a report with the report layer.
fn report<R: p2ham_report::Report + ?Sized>(r: &mut R, format: ReportFormat, l: Lang) -> ApiResult<Response> {
    let options = p2ham_report::RenderOptions {
        lang: l,
        evidence: None,
    };
    let bytes = if format == ReportFormat::Fragment {
        p2ham_report::to_html_fragment(&r.doc(&options), &p2ham_report::FragmentOptions::default())
            .into_bytes()
    } else {
        p2ham_report::render(r, format.report_format(), &options).map_err(|e| ApiError::internal(&e))?
    };
    Ok(([(header::CONTENT_TYPE, format.media_type())], bytes).into_response())
}

/// The explained score of the current self-assessment or verification, in any format of the report layer.
#[utoipa::path(get, path = "/api/v1/periods/{period}/units/{unit}/score", tag = "reports",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id"), ScoreQuery),
    responses((status = 200, description = "The score report (`p2ham score`)", content(("application/json"), ("text/plain"), ("text/markdown"), ("text/csv"), ("text/html"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 404, body = ErrorBody), (status = 406, body = ErrorBody)))]
async fn score_report(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit)): Path<(String, String)>,
    Query(q): Query<ScoreQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let (period, unit) = scoped(&state, &actor, &period, &unit).await?;
    let format = choose(q.format, &headers, &ALL_FORMATS)?;
    let case = read_case(state.db().pool(), &unit.id, &period.id)
        .await?
        .unwrap_or_else(CaseRow::fresh);
    let (which, current) = match q.stage {
        Some(StageParam::Verification) => ("verification", case.verification_sha256),
        _ => ("self", case.self_sha256),
    };
    let sha = current.ok_or_else(|| ApiError::not_found(format!("no {which} document uploaded yet")))?;
    let body = document_body(&state, &unit.id, &period.id, which, &sha).await?;
    let instrument = state.instrument(&period.instrument.sha256).await?;
    let mut r = ops::score(
        Source::bytes(which, body.as_bytes()),
        Some(period_instrument(&instrument)),
    )
    .map_err(|e| ApiError::invalid_document(&e))?
    .report;
    report(&mut r, format, lang(q.lang))
}

/// The comparison of the self-assessment with its verification (`p2ham compare`).
#[utoipa::path(get, path = "/api/v1/periods/{period}/units/{unit}/compare", tag = "reports",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id"), ReportQuery),
    responses((status = 200, description = "The comparison report", content(("application/json"), ("text/plain"), ("text/markdown"), ("text/csv"), ("text/html"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 404, body = ErrorBody), (status = 406, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn compare_report(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit)): Path<(String, String)>,
    Query(q): Query<ReportQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let (period, unit) = scoped(&state, &actor, &period, &unit).await?;
    let format = choose(q.format, &headers, &ALL_FORMATS)?;
    let (_, mut r) = comparison(&state, &unit, &period).await?;
    report(&mut r, format, lang(q.lang))
}

/// The outcome letter (Berita Acara / Surat Keterangan, `p2ham letter`); Markdown by default.
#[utoipa::path(get, path = "/api/v1/periods/{period}/units/{unit}/letter", tag = "reports",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id"), ReportQuery),
    responses((status = 200, description = "The letter (CSV and JSON: the comparison's data)", content(("text/markdown"), ("text/html"), ("text/plain"), ("text/csv"), ("application/json"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 404, body = ErrorBody), (status = 406, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn letter_report(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit)): Path<(String, String)>,
    Query(q): Query<ReportQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let (period, unit) = scoped(&state, &actor, &period, &unit).await?;
    let letter_formats = [
        ReportFormat::Md,
        ReportFormat::Html,
        ReportFormat::Text,
        ReportFormat::Csv,
        ReportFormat::Json,
        ReportFormat::Xlsx,
    ];
    let format = choose(q.format, &headers, &letter_formats)?;
    let (_, r) = comparison(&state, &unit, &period).await?;
    report(&mut p2ham_report::Letter(&r), format, lang(q.lang))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct RollupQuery {
    /// Which documents: the current self-assessments or the current verifications (default).
    stage: Option<StageParam>,
    /// Output format; without it, the `Accept` header decides (JSON by default).
    format: Option<ReportFormat>,
    /// Language (`id` by default).
    lang: Option<LangParam>,
}

/// The roll-up of a period (`p2ham rollup`) over the current documents of the
/// units the caller may see: per unit, per Kanwil, national gaps.
#[utoipa::path(get, path = "/api/v1/periods/{period}/rollup", tag = "reports",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), RollupQuery),
    responses((status = 200, description = "The roll-up report", content(("application/json"), ("text/plain"), ("text/markdown"), ("text/csv"), ("text/html"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 404, body = ErrorBody), (status = 406, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn rollup_report(
    State(state): State<AppState>,
    actor: Actor,
    Path(period): Path<String>,
    Query(q): Query<RollupQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let period = find_period(&state, &period).await?;
    let format = choose(q.format, &headers, &ALL_FORMATS)?;
    let (wanted, column) = match q.stage {
        Some(StageParam::SelfAssessment) => (Stage::SelfAssessment, "self_sha256"),
        _ => (Stage::Verification, "verification_sha256"),
    };
    let which = if wanted == Stage::SelfAssessment {
        "self"
    } else {
        "verification"
    };
    let rows = sqlx::query(&format!(
        "SELECT u.id, u.office, d.body FROM cases c JOIN units u ON u.id = c.unit_id \
         JOIN documents d ON d.unit_id = c.unit_id AND d.period_id = c.period_id AND d.stage = $2 AND d.sha256 = c.{column} \
         WHERE c.period_id = $1 ORDER BY u.id, d.uploaded_at"
    ))
    .bind(&period.id)
    .bind(which)
    .fetch_all(state.db().pool())
    .await?;
    // One NDJSON line per unit the caller may see (its current document, compact).
    let mut ndjson = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for r in rows {
        let (id, office, body): (String, String, String) =
            (r.try_get("id")?, r.try_get("office")?, r.try_get("body")?);
        if !actor.sees_unit(&id, &office) || seen.contains(&id) {
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(&body).map_err(|e| ApiError::internal(&e))?;
        serde_json::to_writer(&mut ndjson, &value).map_err(|e| ApiError::internal(&e))?;
        ndjson.push(b'\n');
        seen.push(id);
    }
    if seen.is_empty() {
        return Err(ApiError::conflict(
            "no-documents",
            format!(
                "no unit you may see has a current {which} document in period {}",
                period.id
            ),
        ));
    }
    let instrument = state.instrument(&period.instrument.sha256).await?;
    let l = lang(q.lang);
    let name = format!("period {} ({which})", period.id);
    let outcome = tokio::task::spawn_blocking(move || {
        let settings = ops::RollupSettings {
            stage: Some(wanted),
            ..ops::RollupSettings::default()
        };
        ops::rollup(
            vec![Source::bytes(name, ndjson)],
            Some(period_instrument(&instrument)),
            settings,
            &mut (),
        )
    })
    .await
    .map_err(|e| ApiError::internal(&e))?
    .map_err(|e| ApiError::invalid_document(&e))?;
    let mut r = outcome.report;
    report(&mut r, format, l)
}

async fn document_body(
    state: &AppState,
    unit: &str,
    period: &str,
    which: &str,
    sha: &str,
) -> ApiResult<String> {
    Ok(sqlx::query("SELECT body FROM documents WHERE unit_id = $1 AND period_id = $2 AND stage = $3 AND sha256 = $4 LIMIT 1")
        .bind(unit)
        .bind(period)
        .bind(which)
        .bind(sha)
        .fetch_one(state.db().pool())
        .await?
        .try_get("body")?)
}

// ---------------------------------------------------------------- audit

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct AuditQuery {
    /// Entries after this position (0: from the start).
    after: Option<i64>,
    /// At most this many (default 100, at most 1000).
    limit: Option<i64>,
}

/// The audit log (admin and evaluator), in order.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", security(("session" = []), ("token" = [])),
    params(AuditQuery),
    responses((status = 200, body = Vec<AuditEntry>), (status = 403, body = ErrorBody)))]
async fn list_audit(
    State(state): State<AppState>,
    actor: Actor,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Json<Vec<AuditEntry>>> {
    actor.require(&[Role::Admin, Role::Evaluator])?;
    Ok(Json(
        audit::list(
            state.db().pool(),
            q.after.unwrap_or(0),
            q.limit.unwrap_or(100).clamp(1, 1000),
        )
        .await?,
    ))
}

/// Check the audit log's chain (admin): every entry's digest and link.
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit", security(("session" = []), ("token" = [])),
    responses((status = 200, body = AuditVerification), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn verify_audit(State(state): State<AppState>, actor: Actor) -> ApiResult<Json<AuditVerification>> {
    actor.require(&[Role::Admin])?;
    audit::verify(state.db().pool())
        .await
        .map(Json)
        .map_err(|e| match e {
            crate::ServerError::AuditBroken { .. } => ApiError::conflict("audit-broken", e.to_string()),
            other => ApiError::internal(&other),
        })
}
