//! A case's reports inside the application's frame: the report layer's HTML
//! fragment under the site's header, with a way back to the unit's page and
//! the downloads; printed, the frame disappears (the style sheet's print rules).

use axum::extract::{Path, State};
use axum::response::Response;
use maud::{html, PreEscaped};

use super::case::Case;
use super::{page, refused, Ctx};
use crate::proto::StageParam;
use crate::service::ServiceError;
use crate::AppState;

/// `score`, `compare` or `letter` of one unit's case.
pub(crate) async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((period, unit, kind)): Path<(String, String, String)>,
) -> Response {
    let case = match Case::read(&state, &ctx, &period, &unit).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Some(me) = ctx.me.as_ref() else {
        return ctx.redirect("/login");
    };
    let cases = state.cases(me);
    let l = ctx.lang_code();
    let (report, title, api) = match kind.as_str() {
        "score" => (
            cases
                .score_report(&period, &unit, StageParam::SelfAssessment)
                .await,
            ctx.t(
                "Laporan nilai penilaian mandiri",
                "Score report of the self-assessment",
            ),
            "score",
        ),
        "compare" => (
            cases.comparison_report(&period, &unit).await,
            ctx.t("Laporan perbandingan", "Comparison report"),
            "compare",
        ),
        "letter" => (
            cases.letter(&period, &unit).await,
            ctx.t("Surat hasil", "Outcome letter"),
            "letter",
        ),
        _ => {
            return refused(
                &ctx,
                &ServiceError::not_found(ctx.t("Laporan ini tidak ada.", "There is no such report.")),
            )
        }
    };
    let report = match report {
        Ok(r) => r,
        Err(e) => return refused(&ctx, &e),
    };
    let evidence = if kind == "score" {
        None
    } else {
        match cases
            .compared_evidence(&period, &unit, &case.api(""), ctx.lang)
            .await
        {
            Ok(v) => Some(v),
            Err(e) => return refused(&ctx, &e),
        }
    };
    let fragment = report.fragment(ctx.lang, evidence.as_ref(), 1);
    let back = case.page(&ctx, "");
    let content = html! {
        nav.report-tools aria-label=(ctx.t("Laporan", "Report")) {
            a href=(back) { "← " (ctx.t("Kembali ke halaman unit", "Back to the unit's page")) " " (case.unit().name) }
            " · "
            a href=(case.api(&format!("/{api}?format=html&lang={l}"))) { (ctx.t("Versi untuk dicetak atau disimpan (HTML)", "Version to print or keep (HTML)")) }
        }
        p.hint.no-print { (ctx.t("Cetak halaman ini dari peramban: kepala dan kaki halaman tidak ikut tercetak.",
            "Print this page from the browser: the page's header and footer are left out.")) }
        (PreEscaped(fragment))
    };
    page(&ctx, title, &content)
}
