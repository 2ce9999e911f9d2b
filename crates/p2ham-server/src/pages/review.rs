//! The verifier's pages: the Kanwil's units by status, and the review of one
//! unit (the operator's answers beside the verifier's own).

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde_json::{json, Value};

use super::operator::{diagnostic_fields, loaded, posted_case, read_case, Case, FormErrors, NOT_APPLICABLE};
use super::{
    answers, error_summary, html_id, notice, page, refused, status_badge, status_label, urlencode, Ctx,
};
use crate::AppState;

/// Every (period, unit summary) the visitor may see: one request per period
/// (`GET /api/v1/periods/{period}/units`), whatever the number of units.
pub(crate) async fn cases(state: &AppState, ctx: &Ctx, only: Option<&str>) -> Vec<(String, Value)> {
    let periods = ctx.get(state, "/api/v1/periods").await.json();
    let mut out = Vec::new();
    for p in periods.as_array().into_iter().flatten() {
        let pid = p["id"].as_str().unwrap_or_default();
        if only.is_some_and(|o| o != pid) {
            continue;
        }
        let r = ctx
            .get(state, &format!("/api/v1/periods/{}/units", urlencode(pid)))
            .await;
        for c in r.json().as_array().into_iter().flatten() {
            out.push((pid.to_owned(), c.clone()));
        }
    }
    out
}

/// The order statuses are listed in: what needs the verifier first.
fn status_rank(s: &str) -> u8 {
    match s {
        "submitted" => 0,
        "returned" => 1,
        "draft" => 2,
        "verified" => 3,
        "evaluated" => 4,
        _ => 5,
    }
}

/// The Kanwil's units by status.
pub(crate) async fn units_page(State(state): State<AppState>, ctx: Ctx) -> Response {
    let me = match ctx.me() {
        Ok(m) => m.clone(),
        Err(r) => return r,
    };
    let mut all = cases(&state, &ctx, None).await;
    all.sort_by(|(pa, a), (pb, b)| {
        pb.cmp(pa)
            .then(
                status_rank(a["status"].as_str().unwrap_or_default())
                    .cmp(&status_rank(b["status"].as_str().unwrap_or_default())),
            )
            .then(a["unit"]["name"].as_str().cmp(&b["unit"]["name"].as_str()))
    });
    let content = html! {
        h1 { (ctx.t("Verifikasi", "Verification")) @if let Some(o) = &me.office { ": " (o) } }
        p { (ctx.t("Unit yang menunggu verifikasi tampil paling atas.", "Units waiting for verification come first.")) }
        @let (h_period, h_unit, h_kind, h_status, h_action) = (ctx.t("Periode", "Period"), ctx.t("Unit", "Unit"),
            ctx.t("Jenis", "Kind"), ctx.t("Status", "Status"), ctx.t("Tindakan", "Action"));
        div.table-wrap { table.stack role="table" {
            caption.hint { (ctx.t("Unit menurut status", "Units by status")) }
            thead role="rowgroup" { tr role="row" {
                th scope="col" role="columnheader" { (h_period) }
                th scope="col" role="columnheader" { (h_unit) }
                th scope="col" role="columnheader" { (h_kind) }
                th scope="col" role="columnheader" { (h_status) }
                th scope="col" role="columnheader" { (h_action) }
            } }
            tbody role="rowgroup" { @for (p, c) in &all {
                @let uid = c["unit"]["id"].as_str().unwrap_or_default();
                @let status = c["status"].as_str().unwrap_or("draft");
                tr role="row" {
                    td role="cell" data-label=(h_period) { (p) }
                    th scope="row" role="rowheader" data-label=(h_unit) { (c["unit"]["name"].as_str().unwrap_or(uid)) }
                    td role="cell" data-label=(h_kind) { (c["unit"]["kind"].as_str().unwrap_or_default()) }
                    td role="cell" data-label=(h_status) { (status_badge(&ctx, status)) }
                    td role="cell" data-label=(h_action) { a href=(format!("/periods/{}/units/{}", urlencode(p), urlencode(uid))) {
                        @if status == "submitted" { (ctx.t("Periksa", "Review")) } @else { (ctx.t("Lihat", "View")) }
                        span.visually-hidden { " " (c["unit"]["name"].as_str().unwrap_or(uid)) " " (p) }
                    } }
                }
            } }
        } }
    };
    page(&ctx, ctx.t("Verifikasi", "Verification"), &content)
}

/// Links to the reports of the report layer for this unit.
pub(crate) fn report_links(ctx: &Ctx, case: &Case) -> Markup {
    let base = format!(
        "/api/v1/periods/{}/units/{}",
        urlencode(case.data["period"].as_str().unwrap_or_default()),
        urlencode(case.unit()["id"].as_str().unwrap_or_default())
    );
    let l = ctx.lang_code();
    let verified = case.data["verification"].is_object();
    html! {
        ul {
            @if case.self_doc.is_some() {
                li { a href=(format!("{base}/score?format=html&lang={l}")) { (ctx.t("Laporan nilai penilaian mandiri", "Score report of the self-assessment")) } }
            }
            @if verified {
                li { a href=(format!("{base}/compare?format=html&lang={l}")) { (ctx.t("Laporan perbandingan (mandiri dan verifikasi)", "Comparison report (self-assessment and verification)")) } }
                li { a href=(format!("{base}/letter?format=html&lang={l}")) { (ctx.t("Surat hasil (dapat dicetak)", "Outcome letter (printable)")) } }
                li { a href=(format!("{base}/compare?format=xlsx&lang={l}")) { (ctx.t("Perbandingan sebagai XLSX", "Comparison as XLSX")) } }
            }
        }
    }
}

/// The review of one unit: per indicator, the operator's answer, note and
/// photos beside the verifier's own answer and comment.
pub(crate) async fn review_page(
    state: &AppState,
    ctx: &Ctx,
    period: &str,
    unit: &str,
    flash: Option<&str>,
    errors: Option<FormErrors<'_>>,
) -> Response {
    let case = match read_case(state, ctx, period, unit).await {
        Ok(c) => c,
        Err(p) => return refused(ctx, &p),
    };
    let status = case.status().to_owned();
    let open = status == "submitted";
    let base = format!("/api/v1/periods/{}/units/{}", urlencode(period), urlencode(unit));
    let ver = if case.data["verification"].is_object() {
        let r = ctx.get(state, &format!("{base}/verification")).await;
        if r.ok() {
            loaded("verification", &r.body)
        } else {
            None
        }
    } else {
        None
    };
    let posted = errors.as_ref().and_then(|e| e.posted);
    let self_doc = case.self_doc.as_ref().map(|d| &d.assessment);
    let unit_name = case.unit()["name"].as_str().unwrap_or(unit).to_owned();
    let lang = ctx.lang;
    let action = format!("/periods/{}/units/{}/review", urlencode(period), urlencode(unit));
    let field_error = |id: &str| FormErrors::field(errors.as_ref(), id);
    let content = html! {
        p { a href="/verification" { "← " (ctx.t("Daftar unit", "Units")) } }
        h1 { (ctx.t("Verifikasi", "Verification")) " " (period) ": " (unit_name) }
        p { (ctx.t("Status", "Status")) ": " (status_badge(ctx, &status)) }
        @if let Some(f) = flash { (notice(f)) }
        @if let Some(e) = &errors { (error_summary(ctx, &e.message, &e.fields)) }
        section aria-labelledby="reports-title" {
            h2 #reports-title { (ctx.t("Laporan", "Reports")) }
            (report_links(ctx, &case))
        }
        @if self_doc.is_none() {
            p { (ctx.t("Operator belum mengunggah penilaian mandiri.", "The operator has not uploaded a self-assessment yet.")) }
        } @else {
            @if !open {
                p { (ctx.t("Hanya penilaian berstatus Diajukan yang dapat diverifikasi atau dikembalikan; halaman ini hanya untuk dibaca.",
                    "Only a submitted assessment can be verified or returned; this page is read-only.")) }
            }
            form method="post" action=(action) novalidate {
                input type="hidden" name="csrf_token" value=(ctx.csrf);
                @for (criterion, indicators) in case.applicable() {
                    section aria-labelledby=(html_id("c", &criterion.id)) {
                        h2 id=(html_id("c", &criterion.id)) { (criterion.id) ". " (criterion.title.get(lang)) }
                        @for ind in indicators {
                            @let own = self_doc.and_then(|d| d.answer(&ind.id));
                            @let mine = ver.as_ref().and_then(|v| v.assessment.answer(&ind.id));
                            @let chosen = match posted {
                                Some(f) => f.text(&format!("v.{}", ind.id)),
                                None => answers::chosen(mine.or(own)),
                            };
                            @let vid = html_id("v", &ind.id);
                            @let cid = html_id("c", &ind.id);
                            @let ce = field_error(&cid);
                            fieldset.indicator id=(vid) {
                                legend { (ind.id) " — " (ind.title.get(lang)) }
                                div.cols {
                                    div.side {
                                        h3 { (ctx.t("Jawaban operator", "Operator's answer")) }
                                        p { (answers::answer_text(ctx, &case, ind, own)) }
                                        @if let Some(n) = own.and_then(|a| a.note.as_ref()) {
                                            p { strong { (ctx.t("Catatan", "Note")) ": " } (n) }
                                        }
                                        @let evs = own.map(|a| a.evidence.as_slice()).unwrap_or_default();
                                        (answers::evidence_list(ctx, &case, &ind.id, evs, false))
                                    }
                                    div {
                                        h3 { (ctx.t("Penilaian verifikator", "Verifier's assessment")) }
                                        div.options role="radiogroup" aria-label=(format!("{} {}", ctx.t("Jawaban verifikator untuk", "Verifier's answer for"), ind.id)) {
                                            (answers::options(ctx, &case, ind, &vid, chosen.as_deref(), open))
                                        }
                                        div.field {
                                            label for=(cid) { (ctx.t("Komentar verifikator", "Verifier's comment")) }
                                            @if let Some(m) = &ce { p.field-error id=(format!("{cid}-error")) { (m) } }
                                            textarea id=(cid) name=(format!("c.{}", ind.id)) rows="2" readonly[!open]
                                                aria-invalid=[ce.as_ref().map(|_| "true")]
                                                aria-describedby=[ce.as_ref().map(|_| format!("{cid}-error"))] {
                                                @if let Some(f) = posted { (f.get(&format!("c.{}", ind.id)).unwrap_or_default()) }
                                                @else if let Some(n) = mine.and_then(|a| a.note.as_ref()) { (n) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                @if open {
                    div.field {
                        label for="c-general" { (ctx.t("Komentar umum", "General comment")) }
                        textarea #c-general name="c." rows="3" { @if let Some(f) = posted { (f.get("c.").unwrap_or_default()) } }
                    }
                    div.actions {
                        button type="submit" name="action" value="verify" { (ctx.t("Catat verifikasi", "Record the verification")) }
                        button.warn type="submit" name="action" value="return" { (ctx.t("Kembalikan dengan komentar", "Return with comments")) }
                    }
                }
            }
        }
        p.hint { (ctx.t("Status saat ini", "Current status")) ": " (status_label(ctx, &status)) }
    };
    super::form_status(
        page(
            ctx,
            &format!("{} {period}: {unit_name}", ctx.t("Verifikasi", "Verification")),
            &content,
        ),
        errors.is_some(),
    )
}

/// Return with comments, or record the verification.
pub(crate) async fn act(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((period, unit)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let (form, case) = match posted_case(&state, &ctx, (&period, &unit), &headers, body, 1024 * 1024).await {
        Ok(posted) => posted,
        Err(r) => return r,
    };
    let csrf = form.get("csrf_token").unwrap_or_default().to_owned();
    let base = format!(
        "/api/v1/periods/{}/units/{}",
        urlencode(&period),
        urlencode(&unit)
    );
    let target = format!("/periods/{}/units/{}", urlencode(&period), urlencode(&unit));
    let inds: Vec<String> = case
        .applicable()
        .iter()
        .flat_map(|(_, v)| v.iter().map(|i| i.id.clone()))
        .collect();
    if form.get("action") == Some("return") {
        let mut comments = Vec::new();
        if let Some(c) = form.text("c.") {
            comments.push(json!({"comment": c}));
        }
        for id in &inds {
            if let Some(c) = form.text(&format!("c.{id}")) {
                comments.push(json!({"indicator": id, "comment": c}));
            }
        }
        if comments.is_empty() {
            let errors = FormErrors {
                message: ctx
                    .t(
                        "Tulis paling sedikit satu komentar untuk operator.",
                        "Write at least one comment for the operator.",
                    )
                    .to_owned(),
                fields: vec![(
                    "c-general".to_owned(),
                    ctx.t("Komentar umum", "General comment").to_owned(),
                )],
                posted: Some(&form),
            };
            return review_page(&state, &ctx, &period, &unit, None, Some(errors)).await;
        }
        let r = ctx
            .send_json(
                &state,
                Method::POST,
                &format!("{base}/return"),
                &csrf,
                &json!({"comments": comments}),
            )
            .await;
        if !r.ok() {
            let p = r.problem();
            let errors = FormErrors {
                message: p.message.clone(),
                fields: Vec::new(),
                posted: Some(&form),
            };
            return review_page(&state, &ctx, &period, &unit, None, Some(errors)).await;
        }
        return Redirect::to(&format!("{target}?done=returned")).into_response();
    }
    // The verifier's own assessment.
    let Some(self_doc) = case.self_doc.as_ref() else {
        return refused(
            &ctx,
            &super::Problem {
                status: StatusCode::CONFLICT,
                message: ctx
                    .t("Belum ada penilaian mandiri.", "There is no self-assessment yet.")
                    .into(),
                ..super::Problem::default()
            },
        );
    };
    let me = ctx.me.clone().expect("checked above");
    let mut answers = Vec::new();
    let mut order = Vec::new();
    let mut fields = Vec::new();
    for id in &inds {
        let Some(v) = form.text(&format!("v.{id}")) else {
            continue;
        };
        let own = self_doc.assessment.answer(id);
        let comment = form.text(&format!("c.{id}"));
        let mut a = serde_json::Map::new();
        a.insert("indicator".into(), json!(id));
        if v == NOT_APPLICABLE {
            let why = comment
                .clone()
                .or_else(|| own.and_then(|a| a.not_applicable.clone()));
            if why.is_none() {
                fields.push((
                    html_id("c", id),
                    format!(
                        "{id}: {}",
                        ctx.t("tulis alasan mengapa tidak berlaku", "say why it does not apply")
                    ),
                ));
            }
            a.insert("not_applicable".into(), json!(why));
        } else {
            a.insert("value".into(), json!(v));
        }
        if let Some(o) = own {
            if !o.evidence.is_empty() {
                a.insert(
                    "evidence".into(),
                    serde_json::to_value(&o.evidence).unwrap_or(Value::Null),
                );
            }
        }
        if let Some(c) = comment {
            a.insert("note".into(), json!(c));
        }
        answers.push(Value::Object(a));
        order.push(id.clone());
    }
    if !fields.is_empty() {
        let errors = FormErrors {
            message: ctx
                .t("Verifikasi belum dicatat.", "The verification was not recorded.")
                .to_owned(),
            fields,
            posted: Some(&form),
        };
        return review_page(&state, &ctx, &period, &unit, None, Some(errors)).await;
    }
    let u = case.unit();
    let today = jiff::Zoned::now().date().to_string();
    let doc = json!({
        "format": p2ham_io::model::format::ASSESSMENT,
        "instrument": {"id": case.period["instrument"]["id"], "version": case.period["instrument"]["version"]},
        "unit": {"id": u["id"], "name": u["name"], "kind": u["kind"], "office": u["office"]},
        "period": period,
        "stage": "verification",
        "verifies": format!("sha256:{}", self_doc.sha256),
        "assessed_on": today,
        "assessors": [{"name": me.name, "role": "verifikator"}],
        "answers": answers,
    });
    let r = ctx
        .send_json(&state, Method::PUT, &format!("{base}/verification"), &csrf, &doc)
        .await;
    if !r.ok() {
        let p = r.problem();
        let fields = diagnostic_fields(&p, &order)
            .into_iter()
            .map(|(id, m)| (id.replacen("na-", "c-", 1).replacen("note-", "c-", 1), m))
            .collect();
        let errors = FormErrors {
            message: p.message.clone(),
            fields,
            posted: Some(&form),
        };
        return review_page(&state, &ctx, &period, &unit, None, Some(errors)).await;
    }
    Redirect::to(&format!("{target}?done=verified")).into_response()
}
