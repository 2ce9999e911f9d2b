//! The evaluator's pages: the national dashboard of a period (the report
//! layer's roll-up with its tables and SVG charts), and the evaluation of one
//! unit (its award is the round's: see `round`).

use std::collections::BTreeMap;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, PreEscaped};
use serde::Deserialize;

use super::case::{Case, FormErrors};
use super::review::{cases, report_links};
use super::{error_summary, notice, page, refused, status_badge, status_label, urlencode, Ctx};
use crate::proto::{EvaluateRequest, StageParam};
use crate::service::Action;
use crate::types::{Role, Status};
use crate::AppState;

#[derive(Deserialize)]
pub(crate) struct PeriodQuery {
    period: Option<String>,
}

/// The national dashboard of a period.
pub(crate) async fn dashboard(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PeriodQuery>,
) -> Response {
    let me = match ctx.me() {
        Ok(m) => m,
        Err(r) => return r,
    };
    let ids: Vec<String> = match state.directory(me).periods().await {
        Ok(periods) => periods.into_iter().map(|p| p.id).collect(),
        Err(e) => return refused(&ctx, &e),
    };
    let Some(period) = q.period.clone().or_else(|| ids.last().cloned()) else {
        return page(
            &ctx,
            ctx.t("Evaluasi nasional", "National evaluation"),
            &html! {
                h1 { (ctx.t("Evaluasi nasional", "National evaluation")) }
                p { (ctx.t("Belum ada periode.", "No period yet.")) }
            },
        );
    };
    // One request for the whole period: every unit, its status and verified total.
    let all = match cases(&state, &ctx, Some(&period)).await {
        Ok(all) => all,
        Err(e) => return refused(&ctx, &e),
    };
    let mut counts: BTreeMap<&str, (Status, usize)> = BTreeMap::new();
    for (_, c) in &all {
        counts.entry(c.status.as_str()).or_insert((c.status, 0)).1 += 1;
    }
    let base = ctx.url(&format!("/api/v1/periods/{}/rollup", urlencode(&period)));
    let l = ctx.lang_code();
    let rollup = match state.cases(me).rollup(&period, StageParam::Verification).await {
        Ok(crate::service::Report::Rollup(r)) => Ok(p2ham_report::to_html_fragment(
            &p2ham_report::Renderable::doc(
                r.as_ref(),
                &p2ham_report::RenderOptions {
                    lang: ctx.lang,
                    evidence: None,
                },
            ),
            &p2ham_report::FragmentOptions::default(),
        )),
        Ok(_) => Err(String::new()),
        // In the page's language when no unit has a verification yet; the service's words otherwise.
        Err(e) if e.code == crate::service::ErrorCode::NoDocuments => Err(ctx
            .t(
                "Belum ada unit yang verifikasinya tercatat pada periode ini; rekapitulasi tampil setelah verifikasi pertama.",
                "No unit has a recorded verification in this period yet; the roll-up shows after the first verification.",
            )
            .to_owned()),
        Err(e) => Err(e.message),
    };
    let content = html! {
        h1 { (ctx.t("Evaluasi nasional", "National evaluation")) " " (period) }
        p { a #round-link href=(ctx.url(&format!("/periods/{}/round", urlencode(&period)))) {
            (ctx.t("Putaran penghargaan: keputusan per unit, pengeluaran, keputusan menteri dan lampirannya",
                "The award round: decisions per unit, exclusions, the decree and its annex"))
        } }
        form method="get" action=(ctx.url("/evaluation")) {
            div.field {
                label for="period" { (ctx.t("Periode", "Period")) }
                select #period name="period" {
                    @for id in &ids { option value=(id) selected[*id == period] { (id) } }
                }
            }
            button.secondary type="submit" { (ctx.t("Tampilkan", "Show")) }
        }
        h2 { (ctx.t("Unit menurut status", "Units by status")) }
        div.table-wrap { table {
            thead { tr { th scope="col" { (ctx.t("Status", "Status")) } th scope="col" class="num" { (ctx.t("Jumlah unit", "Units")) } } }
            tbody { @for (s, n) in counts.values() { tr { th scope="row" { (status_label(&ctx, *s)) } td.num { (n) } } } }
        } }
        h2 { (ctx.t("Unit", "Units")) }
        @let (h_unit, h_office, h_status, h_total, h_action) = (ctx.t("Unit", "Unit"), ctx.t("Kanwil", "Regional office"),
            ctx.t("Status", "Status"), ctx.t("Nilai terverifikasi", "Verified total"), ctx.t("Tindakan", "Action"));
        div.table-wrap { table.stack #units role="table" {
            thead role="rowgroup" { tr role="row" {
                th scope="col" role="columnheader" { (h_unit) }
                th scope="col" role="columnheader" { (h_office) }
                th scope="col" role="columnheader" { (h_status) }
                th scope="col" role="columnheader" class="num" { (h_total) }
                th scope="col" role="columnheader" { (h_action) }
            } }
            tbody role="rowgroup" { @for (_, c) in &all {
                tr role="row" data-unit=(c.unit.id) {
                    th scope="row" role="rowheader" data-label=(h_unit) { (c.unit.name) }
                    td role="cell" data-label=(h_office) { (c.unit.office) }
                    td role="cell" data-label=(h_status) { (status_badge(&ctx, c.status)) }
                    td.num.verified-total role="cell" data-label=(h_total) { (c.verified_total.as_deref().unwrap_or("—")) }
                    td role="cell" data-label=(h_action) { a href=(ctx.url(&format!("/periods/{}/units/{}", urlencode(&period), urlencode(&c.unit.id)))) {
                        @if c.status.allows(Action::Evaluate) || c.status.allows(Action::Award) { (ctx.t("Evaluasi", "Evaluate")) } @else { (ctx.t("Lihat", "View")) }
                        span.visually-hidden { " " (c.unit.name) }
                    } }
                }
            } }
        } }
        (super::stages::skm_rollup(&state, &ctx, &period, &all).await)
        h2 { (ctx.t("Unduh rekapitulasi", "Download the roll-up")) }
        ul {
            li { a href=(format!("{base}?format=xlsx&lang={l}")) { (ctx.t("Rekapitulasi (XLSX)", "Roll-up (XLSX)")) } }
            li { a href=(format!("{base}?format=csv&lang={l}")) { (ctx.t("Rekapitulasi (CSV)", "Roll-up (CSV)")) } }
        }
        // The report layer's roll-up: ranking, per Kanwil, distribution, gaps by indicator and group.
        section.rollup {
            @match &rollup {
                Ok(fragment) => (PreEscaped(fragment)),
                Err(message) => {
                    h2 { (ctx.t("Rekapitulasi terverifikasi", "Verified roll-up")) }
                    p { (message) }
                }
            }
        }
    };
    page(&ctx, ctx.t("Evaluasi nasional", "National evaluation"), &content)
}

/// One unit for the evaluator: the comparison, evaluation and the award.
pub(crate) fn case_detail(
    ctx: &Ctx,
    case: &Case,
    flash: Option<&str>,
    errors: Option<&FormErrors<'_>>,
) -> Response {
    let period = case.period();
    let status = case.status();
    let unit_name = case.unit().name.clone();
    let compare = case.file.comparison.as_ref().map(|r| {
        p2ham_report::to_html_fragment(
            &p2ham_report::Renderable::doc(
                r,
                &p2ham_report::RenderOptions {
                    lang: ctx.lang,
                    evidence: None,
                },
            ),
            &p2ham_report::FragmentOptions::default(),
        )
    });
    let action = case.page(ctx, "/decide");
    let outcome = case.view().outcome.as_ref();
    let content = html! {
        p { a href=(ctx.url(&format!("/evaluation?period={}", urlencode(period)))) { "← " (ctx.t("Evaluasi nasional", "National evaluation")) } }
        h1 { (unit_name) " — " (period) }
        p { (ctx.t("Status", "Status")) ": " (status_badge(ctx, status)) }
        @if let Some(f) = flash { (notice(f)) }
        @if let Some(e) = &errors { (error_summary(ctx, &e.message, &e.fields)) }
        h2 { (ctx.t("Laporan", "Reports")) }
        (report_links(ctx, case))
        (super::stages::skm_beside_score(ctx, case))
        @if let Some(outcome) = outcome {
            h2 { (ctx.t("Hasil evaluasi", "Evaluation")) }
            p { (ctx.t("Nilai terverifikasi", "Verified total")) ": " strong { (outcome.verified_total.as_deref().unwrap_or("—")) } }
            p #eligible data-eligible=(outcome.eligible) {
                (ctx.t("Memenuhi syarat penghargaan", "Eligible for the award")) ": "
                strong { @if outcome.eligible { (ctx.t("ya", "yes")) } @else { (ctx.t("tidak", "no")) } }
            }
            @if let Some(n) = &outcome.decree_number {
                p { (ctx.t("Nomor keputusan", "Decree number")) ": " (n) " (" (outcome.decree_date.as_deref().unwrap_or_default()) ")" }
            }
        }
        @if status.allows(Action::Evaluate) {
            form method="post" action=(action) {
                input type="hidden" name="csrf_token" value=(ctx.csrf);
                input type="hidden" name="action" value="evaluate";
                div.field {
                    label for="note" { (ctx.t("Catatan evaluator", "Evaluator's note")) }
                    textarea #note name="note" rows="2" {}
                }
                div.actions { button type="submit" { (ctx.t("Catat evaluasi", "Record the evaluation")) } }
            }
        }
        @if status.allows(Action::Award) {
            // The award is the round's: one decree for every evaluated unit.
            p #award-in-round {
                (ctx.t("Keputusan penghargaan dicatat untuk seluruh putaran sekaligus, dengan satu keputusan menteri:",
                    "The award is recorded for the whole round at once, with one decree:")) " "
                a href=(ctx.url(&format!("/periods/{}/round#decisions", urlencode(period)))) { (ctx.t("putaran penghargaan", "the award round")) " " (period) }
            }
        }
        p { a href=(ctx.url(&format!("/units/{}/history", urlencode(&case.unit().id)))) { (ctx.t("Riwayat predikat unit ini", "This unit's predikat history")) } }
        // An evaluator may mark photos public as the unit's verifier may; an administrator may not.
        @if ctx.me.as_ref().is_some_and(|m| m.role == Role::Evaluator) {
            (super::photos::public_photos_section(ctx, case, errors))
        }
        @if let Some(c) = compare {
            section.compare { (PreEscaped(c)) }
        }
    };
    super::form_status(
        page(ctx, &format!("{unit_name} — {period}"), &content),
        errors.is_some(),
    )
}

/// Evaluate the verified result (the award is the round's decree).
pub(crate) async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((period, unit)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let form = match super::posted(&ctx, &headers, body, 64 * 1024).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let Some(me) = ctx.me.as_ref() else {
        return ctx.redirect("/login");
    };
    let request = EvaluateRequest {
        note: form.text("note"),
    };
    let done = "evaluated";
    if let Err(e) = state.cases(me).evaluate(&period, &unit, &request).await {
        let message = match e.code {
            crate::service::ErrorCode::InvalidTransition => ctx
                .t(
                    "Unit ini tidak dapat dievaluasi pada statusnya sekarang.",
                    "This unit cannot be evaluated in its current status.",
                )
                .to_owned(),
            _ => e.message.clone(),
        };
        let errors = FormErrors {
            fields: vec![("note".to_owned(), message.clone())],
            message,
            posted: Some(&form),
        };
        return match Case::read(&state, &ctx, &period, &unit).await {
            Ok(case) => case_detail(&ctx, &case, None, Some(&errors)),
            Err(r) => r,
        };
    }
    let target = ctx.url(&format!(
        "/periods/{}/units/{}?done={done}",
        urlencode(&period),
        urlencode(&unit)
    ));
    Redirect::to(&target).into_response()
}
