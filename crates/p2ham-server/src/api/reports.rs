//! Reports of a case and of a period, in every format of the report layer.

use super::extract::{Path, Query};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;

use super::extract::{choose, rendered, rendered_with};
use crate::auth::Actor;
use crate::error::{ApiResult, ErrorBody};
use crate::mount::Mount;
use crate::proto::{LangParam, ReportFormat, StageParam};
use crate::service::{ALL_FORMATS, LETTER_FORMATS};
use crate::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ReportQuery {
    /// Output format; without it, the `Accept` header decides (JSON by default).
    format: Option<ReportFormat>,
    /// Language of text, Markdown, CSV, HTML and XLSX (`id` by default).
    lang: Option<LangParam>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ScoreQuery {
    /// Which document: the self-assessment (default) or the verification.
    stage: Option<StageParam>,
    /// Output format; without it, the `Accept` header decides (JSON by default).
    format: Option<ReportFormat>,
    /// Language (`id` by default).
    lang: Option<LangParam>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct RollupQuery {
    /// Which documents: the current self-assessments or the current verifications (default).
    stage: Option<StageParam>,
    /// Output format; without it, the `Accept` header decides (JSON by default).
    format: Option<ReportFormat>,
    /// Language (`id` by default).
    lang: Option<LangParam>,
}

/// The explained score of the current self-assessment or verification, in any format of the report layer.
#[utoipa::path(get, path = "/api/v1/periods/{period}/units/{unit}/score", tag = "reports",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id"), ScoreQuery),
    responses((status = 200, description = "The score report (`p2ham score`)", content(("application/json"), ("text/plain"), ("text/markdown"), ("text/csv"), ("text/html"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 404, body = ErrorBody), (status = 406, body = ErrorBody)))]
pub(crate) async fn score_report(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit)): Path<(String, String)>,
    Query(q): Query<ScoreQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let cases = state.cases(&actor);
    cases.scope(&period, &unit).await?;
    let format = choose(q.format, &headers, &ALL_FORMATS)?;
    let which = q.stage.unwrap_or(StageParam::SelfAssessment);
    rendered(cases.score_report(&period, &unit, which).await?, format, q.lang)
}

/// The comparison of the self-assessment with its verification (`p2ham compare`).
#[utoipa::path(get, path = "/api/v1/periods/{period}/units/{unit}/compare", tag = "reports",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id"), ReportQuery),
    responses((status = 200, description = "The comparison report", content(("application/json"), ("text/plain"), ("text/markdown"), ("text/csv"), ("text/html"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 404, body = ErrorBody), (status = 406, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn compare_report(
    State(state): State<AppState>,
    actor: Actor,
    mount: Mount,
    Path((period, unit)): Path<(String, String)>,
    Query(q): Query<ReportQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let cases = state.cases(&actor);
    cases.scope(&period, &unit).await?;
    let format = choose(q.format, &headers, &ALL_FORMATS)?;
    let report = cases.comparison_report(&period, &unit).await?;
    let evidence = shown_evidence(&cases, &mount, (&period, &unit), format, q.lang).await?;
    rendered_with(report, format, q.lang, evidence.as_ref())
}

/// The outcome letter (Berita Acara / Surat Keterangan, `p2ham letter`); Markdown by default.
#[utoipa::path(get, path = "/api/v1/periods/{period}/units/{unit}/letter", tag = "reports",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id"), ReportQuery),
    responses((status = 200, description = "The letter (CSV and JSON: the comparison's data)", content(("text/markdown"), ("text/html"), ("text/plain"), ("text/csv"), ("application/json"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 404, body = ErrorBody), (status = 406, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn letter_report(
    State(state): State<AppState>,
    actor: Actor,
    mount: Mount,
    Path((period, unit)): Path<(String, String)>,
    Query(q): Query<ReportQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let cases = state.cases(&actor);
    cases.scope(&period, &unit).await?;
    let format = choose(q.format, &headers, &LETTER_FORMATS)?;
    let report = cases.letter(&period, &unit).await?;
    let evidence = shown_evidence(&cases, &mount, (&period, &unit), format, q.lang).await?;
    rendered_with(report, format, q.lang, evidence.as_ref())
}

/// The roll-up of a period (`p2ham rollup`) over the current documents of the
/// units the caller may see: per unit, per Kanwil, national gaps.
#[utoipa::path(get, path = "/api/v1/periods/{period}/rollup", tag = "reports",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), RollupQuery),
    responses((status = 200, description = "The roll-up report", content(("application/json"), ("text/plain"), ("text/markdown"), ("text/csv"), ("text/html"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 404, body = ErrorBody), (status = 406, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn rollup_report(
    State(state): State<AppState>,
    actor: Actor,
    Path(period): Path<String>,
    Query(q): Query<RollupQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    state.directory(&actor).period(&period).await?;
    let format = choose(q.format, &headers, &ALL_FORMATS)?;
    let which = q.stage.unwrap_or(StageParam::Verification);
    rendered(state.cases(&actor).rollup(&period, which).await?, format, q.lang)
}

/// The evidence an HTML comparison or letter shows (the operator's photos
/// beside the verification team's, as thumbnails served by the API); none
/// for the other formats.
async fn shown_evidence(
    cases: &crate::service::Cases<'_>,
    mount: &Mount,
    (period, unit): (&str, &str),
    format: ReportFormat,
    lang: Option<LangParam>,
) -> ApiResult<Option<p2ham_report::EvidenceView>> {
    if !matches!(format, ReportFormat::Html | ReportFormat::Fragment) {
        return Ok(None);
    }
    let base = mount.url(&format!(
        "/api/v1/periods/{}/units/{}",
        crate::pages::urlencode(period),
        crate::pages::urlencode(unit)
    ));
    let lang = lang.unwrap_or(LangParam::Id).into();
    Ok(Some(cases.compared_evidence(period, unit, &base, lang).await?))
}
