//! Instruments added by administrators and the difference between two; the
//! stages around a unit's assessment (its signed declaration and its
//! satisfaction survey); the audit log filtered and paged.

use super::extract::{Path, Query};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;

use super::extract::{document_bytes, Acting, Admins, Operators};
use crate::auth::Actor;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::proto::{
    AuditFilter, AuditPage, DeclarationInfo, InstrumentStored, InstrumentSummary, LangParam, ReportFormat,
    SkmInfo,
};
use crate::service::{ErrorCode, InstrumentSyntax, ServiceError, MAX_SKM_BYTES};
use crate::AppState;

/// Add an instrument (admin): the document as JSON (`application/json`) or
/// TOML (`application/toml`), validated with the library's diagnostics (422
/// like a refused assessment), stored by the SHA-256 of its bytes and
/// recorded in the audit log. The same bytes again answer 200 with the
/// stored instrument (`created: false`); another document with a stored
/// id and version is refused (409).
#[utoipa::path(post, path = "/api/v1/instruments", tag = "admin", security(("session" = []), ("token" = [])),
    request_body(description = "A p2ham-instrument/1 document", content((String = "application/json"), (String = "application/toml"))),
    responses((status = 201, body = InstrumentStored, description = "Stored now"),
        (status = 200, body = InstrumentStored, description = "The same bytes were stored before"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn add_instrument(
    State(state): State<AppState>,
    Acting(actor, _): Acting<Admins>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, Json<InstrumentStored>)> {
    let instruments = state.instruments(&actor);
    let syntax = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(InstrumentSyntax::of_media_type)
        .ok_or_else(|| {
            ServiceError::new(
                ErrorCode::WrongType,
                "send the instrument as application/json or application/toml",
            )
        })?;
    let bytes = document_bytes(&state, body).await?;
    let stored = instruments.add(&bytes, syntax).await?;
    let status = if stored.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(stored)))
}

/// The stored instruments with their titles, the unit kinds each is for,
/// their size and the periods that use them.
#[utoipa::path(get, path = "/api/v1/instruments/summary", tag = "admin", security(("session" = []), ("token" = [])),
    responses((status = 200, body = Vec<InstrumentSummary>), (status = 401, body = ErrorBody)))]
pub(crate) async fn instrument_summaries(
    State(state): State<AppState>,
    actor: Actor,
) -> ApiResult<Json<Vec<InstrumentSummary>>> {
    Ok(Json(state.instruments(&actor).list().await?))
}

/// One stored instrument's document, byte for byte as stored (JSON or TOML).
#[utoipa::path(get, path = "/api/v1/instruments/{instrument}", tag = "admin", security(("session" = []), ("token" = [])),
    params(("instrument" = String, Path, description = "The SHA-256 of a stored instrument, or a built-in id")),
    responses((status = 200, description = "The instrument document", content(("application/json"), ("application/toml"))),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_instrument(
    State(state): State<AppState>,
    actor: Actor,
    Path(instrument): Path<String>,
) -> ApiResult<Response> {
    let (body, toml) = state.instruments(&actor).document(&instrument).await?;
    let media = if toml {
        "application/toml"
    } else {
        "application/json"
    };
    Ok(([(header::CONTENT_TYPE, media)], body).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct DiffQuery {
    /// `json` (default, `p2ham-instrument-diff/1`), `text`, `md`, `html` or `csv`.
    format: Option<ReportFormat>,
    /// Language of text, Markdown and HTML (`id` by default).
    lang: Option<LangParam>,
}

/// The formats of an instrument difference (JSON first, the default).
pub(crate) const DIFF_FORMATS: [ReportFormat; 5] = [
    ReportFormat::Json,
    ReportFormat::Text,
    ReportFormat::Md,
    ReportFormat::Html,
    ReportFormat::Csv,
];

/// The difference between two stored instruments, as `p2ham instrument diff`
/// gives it: criteria and indicators added, removed or changed (weights,
/// scales, applicability, mandatory flags).
#[utoipa::path(get, path = "/api/v1/instruments/{from}/diff/{to}", tag = "admin", security(("session" = []), ("token" = [])),
    params(("from" = String, Path, description = "The instrument changed from: a SHA-256 or a built-in id"),
        ("to" = String, Path, description = "The instrument changed to: a SHA-256 or a built-in id"), DiffQuery),
    responses((status = 200, description = "The difference (`p2ham-instrument-diff/1` as JSON)",
            content(("application/json"), ("text/plain"), ("text/markdown"), ("text/html"), ("text/csv"))),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 406, body = ErrorBody)))]
pub(crate) async fn diff_instruments(
    State(state): State<AppState>,
    actor: Actor,
    Path((from, to)): Path<(String, String)>,
    Query(q): Query<DiffQuery>,
) -> ApiResult<Response> {
    let format = q.format.unwrap_or(ReportFormat::Json);
    let backend = match format {
        ReportFormat::Json => p2ham_report::Format::Json,
        ReportFormat::Text => p2ham_report::Format::Text,
        ReportFormat::Md => p2ham_report::Format::Md,
        ReportFormat::Html => p2ham_report::Format::Html,
        ReportFormat::Csv => p2ham_report::Format::Csv,
        _ => return Err(crate::service::reports_unsupported().into()),
    };
    let diff = state.instruments(&actor).diff(&from, &to).await?;
    let options = p2ham_report::RenderOptions {
        lang: q.lang.unwrap_or(LangParam::Id).into(),
        evidence: None,
    };
    let bytes = p2ham_report::render(&diff, backend, &options).map_err(|e| ServiceError::internal(&e))?;
    Ok(([(header::CONTENT_TYPE, format.media_type())], bytes).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct FileName {
    /// The file's name, as the unit keeps it (e.g. `pencanangan-2023.pdf`).
    name: Option<String>,
}

/// Upload the unit's signed declaration (pencanangan) for the period (the
/// unit's operator, before submitting): a PDF or a photo (JPEG, PNG) as the
/// request body, with the evidence checks (type by content, 415; the
/// evidence size limit, 413). Without it the self-assessment cannot be
/// submitted (409 `declaration-missing`).
#[utoipa::path(put, path = "/api/v1/periods/{period}/units/{unit}/declaration", tag = "workflow",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id"), FileName),
    request_body(description = "The signed declaration", content((Vec<u8> = "application/pdf"), (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"))),
    responses((status = 201, body = DeclarationInfo), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)))]
pub(crate) async fn put_declaration(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit)): Path<(String, String)>,
    Query(q): Query<FileName>,
    body: Body,
) -> ApiResult<(StatusCode, Json<DeclarationInfo>)> {
    let name = q.name.unwrap_or_else(|| "pencanangan".to_owned());
    let info = state
        .cases(&actor)
        .put_declaration(&period, &unit, &name, body.into_data_stream())
        .await?;
    Ok((StatusCode::CREATED, Json(info)))
}

/// The unit's current signed declaration for the period (the file; a PDF is
/// only downloaded, never shown with its scripts).
#[utoipa::path(get, path = "/api/v1/periods/{period}/units/{unit}/declaration", tag = "workflow",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id")),
    responses((status = 200, description = "The declaration", content(("application/pdf"), ("image/jpeg"), ("image/png"))),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 500, body = ErrorBody)))]
pub(crate) async fn get_declaration(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit)): Path<(String, String)>,
) -> ApiResult<Response> {
    let (info, bytes) = state.cases(&actor).declaration_file(&period, &unit).await?;
    let disposition = if info.content_type.starts_with("image/") {
        "inline".to_owned()
    } else {
        format!("attachment; filename=\"{}.pdf\"", info.sha256)
    };
    Ok((
        [
            (header::CONTENT_TYPE, info.content_type),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::CONTENT_SECURITY_POLICY,
                "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'".to_owned(),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Upload the period's satisfaction survey (SKM) of the unit (its operator):
/// the CSV or XLSX `p2ham skm` reads, as the request body. Read and computed
/// by the same library call (exact weights 1/9); refused with its
/// diagnostics when invalid (422), a legacy `.xls` workbook (415), beyond
/// the survey limit (413).
#[utoipa::path(put, path = "/api/v1/periods/{period}/units/{unit}/skm", tag = "workflow",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id"), FileName),
    request_body(description = "The survey answers", content((Vec<u8> = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
    responses((status = 201, body = SkmInfo), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn put_skm(
    State(state): State<AppState>,
    Acting(actor, _): Acting<Operators>,
    Path((period, unit)): Path<(String, String)>,
    Query(q): Query<FileName>,
    body: Body,
) -> ApiResult<(StatusCode, Json<SkmInfo>)> {
    let cases = state.cases(&actor);
    cases.scope(&period, &unit).await?;
    let bytes =
        axum::body::to_bytes(body, MAX_SKM_BYTES).await.map_err(
            |e| match super::extract::BodyFailure::of(&e) {
                super::extract::BodyFailure::TooLarge => ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too-large",
                    format!("the survey file is larger than the limit of {MAX_SKM_BYTES} bytes"),
                ),
                _ => ApiError::bad_request("bad-request-body", format!("the request's body broke off: {e}")),
            },
        )?;
    let name = q.name.unwrap_or_else(|| "skm.csv".to_owned());
    Ok((
        StatusCode::CREATED,
        Json(cases.put_skm(&period, &unit, &name, &bytes).await?),
    ))
}

/// The unit's current survey result for the period: its IKM, band and respondents.
#[utoipa::path(get, path = "/api/v1/periods/{period}/units/{unit}/skm", tag = "workflow",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id")),
    responses((status = 200, body = SkmInfo), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_skm(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit)): Path<(String, String)>,
) -> ApiResult<Json<SkmInfo>> {
    state
        .cases(&actor)
        .skm(&period, &unit)
        .await?
        .map(Json)
        .ok_or_else(|| ServiceError::not_found("no survey result uploaded yet").into())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AuditPageQuery {
    /// Entries about this unit (the unit and its cases in every period).
    unit: Option<String>,
    /// Entries by this user.
    actor: Option<String>,
    /// Entries of this action.
    action: Option<String>,
    /// Entries before this position (the previous page's `next_before`).
    before: Option<i64>,
    /// At most this many (default 50, at most 200).
    limit: Option<i64>,
}

/// The audit log filtered by unit, actor and action, newest first, a page at a time (admin).
#[utoipa::path(get, path = "/api/v1/audit/page", tag = "audit", security(("session" = []), ("token" = [])),
    params(AuditPageQuery),
    responses((status = 200, body = AuditPage), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn audit_page(
    State(state): State<AppState>,
    actor: Actor,
    Query(q): Query<AuditPageQuery>,
) -> ApiResult<Json<AuditPage>> {
    let filter = AuditFilter {
        unit: q.unit,
        actor: q.actor,
        action: q.action,
    };
    Ok(Json(
        state
            .directory(&actor)
            .audit_page(&filter, q.before, q.limit.unwrap_or(50))
            .await?,
    ))
}
