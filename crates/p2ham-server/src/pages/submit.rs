//! Submitting the self-assessment: a page that sums up what the saved draft
//! still lacks (unanswered indicators, answers that count 0 for want of
//! evidence) and asks to confirm, then the submission itself.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use super::case::{diagnostic_fields, Case, FormErrors};
use super::operator::{form_page, unsupported};
use super::{html_id, page, refused, Ctx};
use crate::service::{Action, ErrorCode, ServiceError};
use crate::AppState;

/// The summary before submitting.
pub(crate) async fn confirm_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((period, unit)): Path<(String, String)>,
) -> Response {
    let case = match Case::read(&state, &ctx, &period, &unit).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    if !case.status().allows(Action::Submit) || !case.file.period.accepts_self_assessments() {
        let e = ServiceError::new(
            ErrorCode::InvalidTransition,
            ctx.t(
                "Penilaian ini tidak dapat diajukan sekarang.",
                "This assessment cannot be submitted now.",
            ),
        );
        return refused(&ctx, &e);
    }
    let lang = ctx.lang;
    let doc = case.self_doc();
    let sections = case.applicable();
    let all: Vec<_> = sections
        .iter()
        .flat_map(|(_, inds)| inds.iter().copied())
        .collect();
    let missing: Vec<_> = all
        .iter()
        .filter(|i| doc.and_then(|d| d.answer(&i.id)).is_none())
        .collect();
    let claims: Vec<_> = all.iter().filter(|i| unsupported(&case, &i.id)).collect();
    let form = case.page(&ctx, "");
    let title = ctx.t("Periksa sebelum mengajukan", "Check before submitting");
    let content = html! {
        p { a href=(form) { "← " (ctx.t("Kembali ke formulir", "Back to the form")) } }
        h1 { (title) }
        @if case.view().declaration.is_none() {
            // The one thing that stops the submission, first.
            div.alert.error #declaration-missing role="alert" { p {
                strong { (ctx.t("Pernyataan pencanangan belum diunggah.", "The signed declaration is not uploaded.")) } " "
                (ctx.t("Penilaian mandiri tidak dapat diajukan tanpa pernyataan yang ditandatangani kepala unit. ",
                    "The self-assessment cannot be submitted without the declaration signed by the unit head. "))
                a href=(format!("{form}#declaration")) { (ctx.t("Unggah pernyataan", "Upload the declaration")) }
            } }
        }
        p { (case.unit().name) " — " (case.period()) }
        @if let Some(s) = &case.file.self_score {
            p.total { (ctx.t("Nilai menurut draf", "Score of the draft")) ": "
                span.score { (p2ham_report::number::figure(s.total, lang)) } " / " (s.max) }
        }
        p { strong { (all.len() - missing.len()) " " (ctx.t("dari", "of")) " " (all.len()) } " "
            (ctx.t("indikator terjawab.", "indicators answered.")) }
        @if doc.is_none() {
            div.alert.error role="note" { p { (ctx.t("Belum ada draf tersimpan.", "No draft is saved yet.")) } }
        }
        @if !missing.is_empty() {
            h2 #unanswered { (ctx.t("Belum dijawab", "Not answered")) " (" (missing.len()) ")" }
            p.hint { (ctx.t("Indikator yang belum dijawab dihitung 0.", "Indicators not answered count 0.")) }
            ul { @for i in &missing { li { a href=(format!("{form}#{}", html_id("v", &i.id))) { (i.id) " — " (i.title.get(lang)) } } } }
        }
        @if !claims.is_empty() {
            h2 #unsupported { (ctx.t("Tanpa bukti yang diperlukan", "Without the evidence needed")) " (" (claims.len()) ")" }
            p.hint { (ctx.t("Jawaban ini dihitung 0 sampai buktinya diunggah.", "These answers count 0 until their evidence is uploaded.")) }
            ul { @for i in &claims { li { a href=(format!("{form}#{}", html_id("v", &i.id))) { (i.id) " — " (i.title.get(lang)) } } } }
        }
        p { (ctx.t(
            "Setelah diajukan, penilaian tidak dapat diubah sampai verifikator mengembalikannya.",
            "Once submitted, the assessment cannot be changed unless the verifier returns it.")) }
        form method="post" action=(case.page(&ctx, "/submit")) {
            input type="hidden" name="csrf_token" value=(ctx.csrf);
            div.actions {
                button #confirm-submit type="submit" disabled[doc.is_none() || case.view().declaration.is_none()] { (ctx.t("Ya, ajukan untuk verifikasi", "Yes, submit for verification")) }
                a.button.secondary href=(form) { (ctx.t("Kembali ke formulir", "Back to the form")) }
            }
        }
    };
    page(&ctx, title, &content)
}

/// Submit, once confirmed.
pub(crate) async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((period, unit)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if let Err(r) = super::posted(&ctx, &headers, body, 4096).await {
        return r;
    }
    let Some(me) = ctx.me.as_ref() else {
        return ctx.redirect("/login");
    };
    let result = state.cases(me).submit(&period, &unit).await;
    let case = match Case::read(&state, &ctx, &period, &unit).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match result {
        Ok(_) => Redirect::to(&case.page(&ctx, "?done=submitted")).into_response(),
        Err(e) => {
            let order: Vec<String> = case
                .self_doc()
                .map(|d| d.answers.iter().map(|a| a.indicator.clone()).collect())
                .unwrap_or_default();
            let errors = FormErrors {
                message: format!(
                    "{} {}",
                    ctx.t(
                        "Draf tersimpan, tetapi belum dapat diajukan:",
                        "The draft is saved but could not be submitted:"
                    ),
                    e.message
                ),
                fields: diagnostic_fields(&e.diagnostics, &order),
                posted: None,
            };
            form_page(&ctx, &case, None, Some(&errors))
        }
    }
}
