//! The HTTP API under `/api/v1`: one router per resource, each handler a thin
//! adapter over the service layer ([`crate::service`]); the OpenAPI 3.1
//! document is generated from the same handlers, so every route is in it.

mod admin;
mod audit;
mod auth;
mod awards;
mod cases;
mod contract;
mod documents;
mod evidence;
pub(crate) mod extract;
mod metrics;
mod photos;
pub(crate) mod public;
mod reports;
pub(crate) mod schemas;
mod stages;
mod uploads;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::SESSION_COOKIE;
use crate::error::{ApiResult, ErrorBody};
use crate::mount::Mount;
use crate::proto::{Health, LangParam, ReportFormat, Role, StageParam, Status};
use crate::service::{ErrorCode, ServiceError};
use crate::AppState;

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
        (name = "system", description = "Health, metrics and this document"),
        (name = "auth", description = "Sessions and API tokens"),
        (name = "admin", description = "Users, units, periods, instruments"),
        (name = "workflow", description = "Self-assessment, evidence, verification, evaluation, award"),
        (name = "reports", description = "Score, comparison and outcome letter in every format of the report layer"),
        (name = "audit", description = "The hash-chained audit log"),
        (name = "awards", description = "The year: periods in sequence, the award round, its exclusions and decree, a unit's history"),
        (name = "public", description = "The public record: publishing a decreed period, and its open data for anyone (no login)")
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
        .routes(routes!(auth::login, auth::logout, auth::whoami))
        .routes(routes!(auth::create_token, auth::list_tokens))
        .routes(routes!(auth::revoke_token))
        .routes(routes!(admin::list_instruments, stages::add_instrument))
        .routes(routes!(stages::instrument_summaries))
        .routes(routes!(stages::get_instrument))
        .routes(routes!(stages::diff_instruments))
        .routes(routes!(stages::put_declaration, stages::get_declaration))
        .routes(routes!(stages::put_skm, stages::get_skm))
        .routes(routes!(stages::audit_page))
        .routes(routes!(admin::list_periods, admin::create_period))
        .routes(routes!(admin::get_period))
        .routes(routes!(admin::list_units, admin::create_unit))
        .routes(routes!(admin::import_units))
        .routes(routes!(admin::list_users, admin::create_user))
        .routes(routes!(admin::update_user))
        .routes(routes!(admin::deactivate_user))
        .routes(routes!(admin::reactivate_user))
        .routes(routes!(cases::get_case))
        .routes(routes!(cases::list_cases))
        .routes(routes!(
            documents::put_self_assessment,
            documents::get_self_assessment
        ))
        .routes(routes!(documents::put_verification, documents::get_verification))
        .routes(routes!(evidence::upload_evidence, evidence::list_evidence))
        .routes(routes!(evidence::get_evidence))
        .routes(routes!(evidence::get_thumbnail))
        .routes(routes!(photos::mark_public, photos::unmark_public))
        .routes(routes!(photos::list_public))
        .routes(routes!(uploads::capabilities, uploads::create, uploads::list))
        .routes(routes!(
            uploads::offset,
            uploads::get_upload,
            uploads::append,
            uploads::terminate
        ))
        .routes(routes!(cases::submit))
        .routes(routes!(cases::return_case))
        .routes(routes!(cases::evaluate))
        .routes(routes!(reports::score_report))
        .routes(routes!(reports::compare_report))
        .routes(routes!(reports::letter_report))
        .routes(routes!(reports::rollup_report))
        .routes(routes!(awards::set_previous))
        .routes(routes!(awards::put_previous_awards, awards::get_previous_awards))
        .routes(routes!(awards::get_awards))
        .routes(routes!(awards::list_exclusions, awards::exclude))
        .routes(routes!(awards::lift_exclusion))
        .routes(routes!(awards::decree))
        .routes(routes!(awards::put_decree_document, awards::get_decree_document))
        .routes(routes!(
            awards::put_award_rule,
            awards::get_award_rule,
            awards::clear_award_rule
        ))
        .routes(routes!(awards::get_period_components))
        .routes(routes!(awards::get_components, awards::put_components))
        .routes(routes!(awards::history))
        .routes(routes!(public::publish, public::publication, public::unpublish))
        .routes(routes!(public::data_file))
        .routes(routes!(public::photo))
        .routes(routes!(public::feed))
        .routes(routes!(audit::list_audit))
        .routes(routes!(audit::verify_audit))
        .routes(routes!(openapi_document))
        .routes(routes!(metrics::scrape))
}

/// The OpenAPI 3.1 document of the API, for the application at the root, as
/// JSON: the operations of the handlers, completed with every response they
/// can answer (derived in `api::contract`) and the published schemas they reference.
pub fn openapi() -> serde_json::Value {
    openapi_under(&Mount::root())
}

/// The OpenAPI 3.1 document of the application served under `mount`: its
/// `servers` names the prefix.
pub(crate) fn openapi_under(mount: &Mount) -> serde_json::Value {
    let mut doc = contract::complete(&api_router().split_for_parts().1);
    let url = if mount.prefix().is_empty() {
        "/"
    } else {
        mount.prefix()
    };
    doc["servers"] = serde_json::json!([{
        "url": url,
        "description": "This application: the API is under /api/v1 of this path"
    }]);
    doc
}

fn pretty(doc: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(doc).expect("the OpenAPI document serialises");
    s.push('\n');
    s
}

/// The OpenAPI document as pretty JSON (what `/api/v1/openapi.json` serves
/// at the root and `docs/openapi.json` holds), with a final newline.
pub fn openapi_json() -> String {
    pretty(&openapi())
}

/// The API's routes (with their state still to give).
pub(crate) fn routes() -> axum::Router<AppState> {
    api_router().split_for_parts().0
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
            ServiceError::new(ErrorCode::DatabaseUnavailable, "the database does not answer")
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
async fn openapi_document(mount: Mount) -> Response {
    static ROOT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let doc = if mount.prefix().is_empty() {
        ROOT.get_or_init(openapi_json).clone()
    } else {
        pretty(&openapi_under(&mount))
    };
    ([(header::CONTENT_TYPE, "application/json")], doc).into_response()
}
