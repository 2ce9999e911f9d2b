//! The year: periods in sequence, the award round, its exclusions and its
//! decree, and a unit's history.

use super::extract::{Path, Query};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::extract::{choose, document_bytes, rendered, Acting, Evaluators, JsonBody, RoundRoles};
use crate::auth::Actor;
use crate::error::{ApiResult, ErrorBody};
use crate::proto::{
    AwardComponentsInfo, AwardComponentsRequest, AwardRuleInfo, DecreeDocumentInfo, DecreeRecorded,
    DecreeRequest, ExclusionInfo, ExclusionRequest, PeriodInfo, PreviousAwardsInfo, PreviousPeriodRequest,
};
use crate::proto::{LangParam, ReportFormat};
use crate::service::{ALL_FORMATS, AWARD_FORMATS};
use crate::AppState;

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ReportQuery {
    /// Output format; without it, the `Accept` header decides (JSON by default).
    format: Option<ReportFormat>,
    /// Language of text, Markdown, CSV, HTML and XLSX (`id` by default).
    lang: Option<LangParam>,
}

/// Name (or clear) the period's previous period, whose decreed award list is
/// the period's baseline (administrators and evaluators; before the decree).
#[utoipa::path(put, path = "/api/v1/periods/{period}/previous", tag = "awards",
    security(("session" = []), ("token" = [])), request_body = PreviousPeriodRequest,
    params(("period" = String, Path, description = "Period id")),
    responses((status = 200, body = PeriodInfo), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 401, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn set_previous(
    State(state): State<AppState>,
    Acting(actor, _): Acting<RoundRoles>,
    Path(period): Path<String>,
    JsonBody(req): JsonBody<PreviousPeriodRequest>,
) -> ApiResult<Json<PeriodInfo>> {
    Ok(Json(state.awards(&actor).set_previous(&period, &req).await?))
}

/// Import the period's previous award list (`p2ham-awards/1`, the first year
/// kept in the application; administrators and evaluators): checked as
/// `p2ham award --previous` reads it, refused with diagnostics (422); stored
/// as sent, never overwritten.
#[utoipa::path(put, path = "/api/v1/periods/{period}/previous-awards", tag = "awards",
    security(("session" = []), ("token" = [])),
    request_body(content = Object, description = "A `p2ham-awards/1` list (docs/schema/awards.schema.json)", content_type = "application/json"),
    params(("period" = String, Path, description = "Period id")),
    responses((status = 201, body = PreviousAwardsInfo), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody), (status = 401, body = ErrorBody), (status = 400, body = ErrorBody), (status = 408, body = ErrorBody)))]
pub(crate) async fn put_previous_awards(
    State(state): State<AppState>,
    Acting(actor, _): Acting<RoundRoles>,
    Path(period): Path<String>,
    body: Body,
) -> ApiResult<(StatusCode, Json<PreviousAwardsInfo>)> {
    let bytes = document_bytes(&state, body).await?;
    let source = p2ham_io::Source::bytes("previous-awards.json", bytes);
    let info = state.awards(&actor).import_previous(&period, source).await?;
    Ok((StatusCode::CREATED, Json(info)))
}

/// The period's imported previous award list, byte for byte.
#[utoipa::path(get, path = "/api/v1/periods/{period}/previous-awards", tag = "awards",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id")),
    responses((status = 200, description = "The `p2ham-awards/1` list as imported", content_type = "application/json"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub(crate) async fn get_previous_awards(
    State(state): State<AppState>,
    actor: Actor,
    Path(period): Path<String>,
) -> ApiResult<Response> {
    let body = state.awards(&actor).previous_awards_document(&period).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// The award round: every unit's decision (`retained`, `gained`, `lost`,
/// `not_awarded`, `not_evaluated`, `excluded`) with its reasons, decided as
/// `p2ham award --previous` decides from the evaluated verifications and the
/// baseline; once decreed, the list the decree fixed. `json` is the
/// `p2ham-awards/1` list, the other formats the decree's annex (Lampiran).
#[utoipa::path(get, path = "/api/v1/periods/{period}/awards", tag = "awards",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ReportQuery),
    responses((status = 200, description = "The award list (JSON) or the annex", content(("application/json"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("text/markdown"), ("text/html"), ("text/csv"), ("text/plain"))),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 406, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub(crate) async fn get_awards(
    State(state): State<AppState>,
    actor: Actor,
    Path(period): Path<String>,
    Query(q): Query<ReportQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let format = choose(q.format, &headers, &AWARD_FORMATS)?;
    rendered(state.awards(&actor).round_report(&period).await?, format, q.lang)
}

/// The units struck off the period's round.
#[utoipa::path(get, path = "/api/v1/periods/{period}/exclusions", tag = "awards",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id")),
    responses((status = 200, body = Vec<ExclusionInfo>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub(crate) async fn list_exclusions(
    State(state): State<AppState>,
    actor: Actor,
    Path(period): Path<String>,
) -> ApiResult<Json<Vec<ExclusionInfo>>> {
    Ok(Json(state.awards(&actor).exclusions(&period).await?))
}

/// Strike a unit off the round with a reason (evaluator; before the decree).
#[utoipa::path(post, path = "/api/v1/periods/{period}/exclusions", tag = "awards",
    security(("session" = []), ("token" = [])), request_body = ExclusionRequest,
    params(("period" = String, Path, description = "Period id")),
    responses((status = 201, body = ExclusionInfo), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 401, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn exclude(
    State(state): State<AppState>,
    Acting(actor, _): Acting<Evaluators>,
    Path(period): Path<String>,
    JsonBody(req): JsonBody<ExclusionRequest>,
) -> ApiResult<(StatusCode, Json<ExclusionInfo>)> {
    let info = state.awards(&actor).exclude(&period, &req).await?;
    Ok((StatusCode::CREATED, Json(info)))
}

/// Lift a unit's exclusion (evaluator; before the decree). The lifted
/// exclusion stays on record.
#[utoipa::path(delete, path = "/api/v1/periods/{period}/exclusions/{unit}", tag = "awards",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id")),
    responses((status = 204, description = "Lifted"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub(crate) async fn lift_exclusion(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    state.awards(&actor).lift_exclusion(&period, &unit).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Record the round's one decree (evaluator): `awarded` / `not_awarded` for
/// every evaluated unit from the round's decisions, each audited as its
/// case's award; the list it fixes is the next period's baseline.
#[utoipa::path(post, path = "/api/v1/periods/{period}/decree", tag = "awards",
    security(("session" = []), ("token" = [])), request_body = DecreeRequest,
    params(("period" = String, Path, description = "Period id")),
    responses((status = 201, body = DecreeRecorded), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 401, body = ErrorBody), (status = 415, body = ErrorBody)))]
pub(crate) async fn decree(
    State(state): State<AppState>,
    Acting(actor, _): Acting<Evaluators>,
    Path(period): Path<String>,
    JsonBody(req): JsonBody<DecreeRequest>,
) -> ApiResult<(StatusCode, Json<DecreeRecorded>)> {
    let recorded = state.awards(&actor).decree(&period, &req).await?;
    Ok((StatusCode::CREATED, Json(recorded)))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct DocumentName {
    /// The file's name, as the ministry's copy is named (e.g. `kepmen-p2ham-2023.pdf`).
    name: Option<String>,
}

/// Upload the period's signed decree (Keputusan Menteri) as a PDF
/// (evaluators and administrators): the request body is the file. After the
/// decree is recorded (409 `not-decreed` before) and while the period is not
/// published (409 `refused`: a published decree document is fixed until the
/// period is unpublished). A PDF by its content (415 `wrong-type`), at most
/// the evidence size limit (413). Kept by its SHA-256, audited as
/// `put-decree-document`; an earlier upload stays on record, the latest is current.
#[utoipa::path(put, path = "/api/v1/periods/{period}/decree/document", tag = "awards",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), DocumentName),
    request_body(description = "The signed decree", content((Vec<u8> = "application/pdf"))),
    responses((status = 201, body = DecreeDocumentInfo), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)))]
pub(crate) async fn put_decree_document(
    State(state): State<AppState>,
    Acting(actor, _): Acting<RoundRoles>,
    Path(period): Path<String>,
    Query(q): Query<DocumentName>,
    body: Body,
) -> ApiResult<(StatusCode, Json<DecreeDocumentInfo>)> {
    let name = q.name.unwrap_or_default();
    let info = state
        .awards(&actor)
        .put_decree_document(&period, &name, body.into_data_stream())
        .await?;
    Ok((StatusCode::CREATED, Json(info)))
}

/// The period's current signed decree (evaluators and administrators; the
/// public reads the published one at `/publik/data/{period}/keputusan.pdf`):
/// the PDF as an attachment, its digest checked again. 404 when none is uploaded.
#[utoipa::path(get, path = "/api/v1/periods/{period}/decree/document", tag = "awards",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id")),
    responses((status = 200, description = "The signed decree", content_type = "application/pdf"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 500, body = ErrorBody, description = "The stored file is missing or altered")))]
pub(crate) async fn get_decree_document(
    State(state): State<AppState>,
    Acting(actor, _): Acting<RoundRoles>,
    Path(period): Path<String>,
) -> ApiResult<Response> {
    let (info, bytes) = state.awards(&actor).decree_document_file(&period).await?;
    let disposition = format!("attachment; filename=\"keputusan-{}.pdf\"", info.sha256);
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::ETAG, format!("\"{}\"", info.sha256)),
        ],
        bytes,
    )
        .into_response())
}

/// A unit's history across the periods (`p2ham history`, `p2ham-history/1`):
/// per period total, instrument, predikat, decision and the change where the
/// instrument stayed the same; current and longest streak.
#[utoipa::path(get, path = "/api/v1/units/{unit}/history", tag = "awards",
    security(("session" = []), ("token" = [])),
    params(("unit" = String, Path, description = "Unit id"), ReportQuery),
    responses((status = 200, description = "The history report", content(("application/json"), ("text/plain"), ("text/markdown"), ("text/csv"), ("text/html"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 404, body = ErrorBody), (status = 406, body = ErrorBody), (status = 422, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub(crate) async fn history(
    State(state): State<AppState>,
    actor: Actor,
    Path(unit): Path<String>,
    Query(q): Query<ReportQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let format = choose(q.format, &headers, &ALL_FORMATS)?;
    rendered(state.awards(&actor).history_report(&unit).await?, format, q.lang)
}

/// Declare the period's award rule over the evaluation's other evidence
/// (`p2ham-award-rule/1`: gates on the IKM band, Zona Integritas status and
/// unresolved complaints, and a weighted composite; administrators and
/// evaluators; before the decree): checked as `p2ham award --rule` reads it,
/// refused with diagnostics (422); kept as sent.
#[utoipa::path(put, path = "/api/v1/periods/{period}/award-rule", tag = "awards",
    security(("session" = []), ("token" = [])),
    request_body(content = Object, description = "A `p2ham-award-rule/1` document (docs/schema/award-rule.schema.json)", content_type = "application/json"),
    params(("period" = String, Path, description = "Period id")),
    responses((status = 200, body = AwardRuleInfo), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody), (status = 401, body = ErrorBody), (status = 400, body = ErrorBody), (status = 408, body = ErrorBody)))]
pub(crate) async fn put_award_rule(
    State(state): State<AppState>,
    Acting(actor, _): Acting<RoundRoles>,
    Path(period): Path<String>,
    body: Body,
) -> ApiResult<Json<AwardRuleInfo>> {
    let bytes = document_bytes(&state, body).await?;
    let source = p2ham_io::Source::bytes("award-rule.json", bytes);
    Ok(Json(state.awards(&actor).set_award_rule(&period, source).await?))
}

/// The period's award rule, byte for byte as declared.
#[utoipa::path(get, path = "/api/v1/periods/{period}/award-rule", tag = "awards",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id")),
    responses((status = 200, description = "The `p2ham-award-rule/1` document as declared", content_type = "application/json"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub(crate) async fn get_award_rule(
    State(state): State<AppState>,
    actor: Actor,
    Path(period): Path<String>,
) -> ApiResult<Response> {
    let body = state.awards(&actor).award_rule_document(&period).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// Clear the period's award rule (before the decree): the round is the
/// P2HAM verified result alone again. The cleared rule stays on record.
#[utoipa::path(delete, path = "/api/v1/periods/{period}/award-rule", tag = "awards",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id")),
    responses((status = 204, description = "Cleared"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub(crate) async fn clear_award_rule(
    State(state): State<AppState>,
    actor: Actor,
    Path(period): Path<String>,
) -> ApiResult<StatusCode> {
    state.awards(&actor).clear_award_rule(&period).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every unit's figures of the evaluation's other evidence for the period,
/// as the `p2ham-award-components/1` document `p2ham award --components`
/// reads: the recorded Zona Integritas status and complaints, and the IKM of
/// each unit's stored survey.
#[utoipa::path(get, path = "/api/v1/periods/{period}/award-components", tag = "awards",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id")),
    responses((status = 200, description = "A `p2ham-award-components/1` document (docs/schema/award-components.schema.json)", content_type = "application/json"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub(crate) async fn get_period_components(
    State(state): State<AppState>,
    actor: Actor,
    Path(period): Path<String>,
) -> ApiResult<Response> {
    let doc = state.awards(&actor).components_document(&period).await?;
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        p2ham_report::to_json(&doc),
    )
        .into_response())
}

/// A unit's figures of the evaluation's other evidence for the period.
#[utoipa::path(get, path = "/api/v1/periods/{period}/units/{unit}/award-components", tag = "awards",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id")),
    responses((status = 200, body = AwardComponentsInfo), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub(crate) async fn get_components(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit)): Path<(String, String)>,
) -> ApiResult<Json<AwardComponentsInfo>> {
    Ok(Json(state.awards(&actor).components(&period, &unit).await?))
}

/// Record a unit's Zona Integritas status and complaint figures for the
/// period (evaluator; before the decree); audited, kept beside earlier records.
#[utoipa::path(put, path = "/api/v1/periods/{period}/units/{unit}/award-components", tag = "awards",
    security(("session" = []), ("token" = [])), request_body = AwardComponentsRequest,
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id")),
    responses((status = 200, body = AwardComponentsInfo), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 401, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn put_components(
    State(state): State<AppState>,
    Acting(actor, _): Acting<Evaluators>,
    Path((period, unit)): Path<(String, String)>,
    JsonBody(req): JsonBody<AwardComponentsRequest>,
) -> ApiResult<Json<AwardComponentsInfo>> {
    Ok(Json(
        state
            .awards(&actor)
            .record_components(&period, &unit, &req)
            .await?,
    ))
}
