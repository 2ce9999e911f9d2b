//! The verifier's pages: the Kanwil's units by status, and the review of one
//! unit (the operator's answers beside the verifier's own).

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use p2ham_io::model::{Answer, Assessment, AssessmentFormat, Assessor, InstrumentRef, Stage, Unit};
use p2ham_io::Source;

use super::case::{
    chosen_files, diagnostic_fields, posted_case, upload_files, upload_refused, Case, FormErrors,
    NOT_APPLICABLE,
};
use super::{
    answers, error_summary, html_id, notice, page, refused, status_badge, status_label, urlencode, Ctx,
};
use crate::proto::CaseSummary;
use crate::service::{Action, ErrorCode, ServiceError};
use crate::types::Status;
use crate::AppState;

/// Every (period, unit summary) the visitor may see: one query per period,
/// whatever the number of units.
pub(crate) async fn cases(
    state: &AppState,
    ctx: &Ctx,
    only: Option<&str>,
) -> Result<Vec<(String, CaseSummary)>, ServiceError> {
    let Some(me) = ctx.me.as_ref() else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for p in state.directory(me).periods().await? {
        if only.is_some_and(|o| o != p.id) {
            continue;
        }
        for c in state.cases(me).list(&p.id).await? {
            out.push((p.id.clone(), c));
        }
    }
    Ok(out)
}

/// The order statuses are listed in: what needs the verifier first.
fn status_rank(s: Status) -> u8 {
    match s {
        Status::Submitted => 0,
        Status::Returned => 1,
        Status::Draft => 2,
        Status::Verified => 3,
        Status::Evaluated => 4,
        Status::Awarded | Status::NotAwarded => 5,
    }
}

/// The Kanwil's units by status.
pub(crate) async fn units_page(State(state): State<AppState>, ctx: Ctx) -> Response {
    let me = match ctx.me() {
        Ok(m) => m,
        Err(r) => return r,
    };
    let mut all = match cases(&state, &ctx, None).await {
        Ok(all) => all,
        Err(e) => return refused(&ctx, &e),
    };
    all.sort_by(|(pa, a), (pb, b)| {
        pb.cmp(pa)
            .then(status_rank(a.status).cmp(&status_rank(b.status)))
            .then(a.unit.name.cmp(&b.unit.name))
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
                tr role="row" {
                    td role="cell" data-label=(h_period) { (p) }
                    th scope="row" role="rowheader" data-label=(h_unit) { (c.unit.name) }
                    td role="cell" data-label=(h_kind) { (c.unit.kind) }
                    td role="cell" data-label=(h_status) { (status_badge(&ctx, c.status)) }
                    td role="cell" data-label=(h_action) { a href=(ctx.url(&format!("/periods/{}/units/{}", urlencode(p), urlencode(&c.unit.id)))) {
                        @if c.status.allows(Action::Verify) { (ctx.t("Periksa", "Review")) } @else { (ctx.t("Lihat", "View")) }
                        span.visually-hidden { " " (c.unit.name) " " (p) }
                    } }
                }
            } }
        } }
    };
    page(&ctx, ctx.t("Verifikasi", "Verification"), &content)
}

/// Links to the reports of the report layer for this unit.
pub(crate) fn report_links(ctx: &Ctx, case: &Case) -> Markup {
    let l = ctx.lang_code();
    let verified = case.view().verification.is_some();
    html! {
        ul {
            @if case.self_doc().is_some() {
                li { a href=(case.api(&format!("/score?format=html&lang={l}"))) { (ctx.t("Laporan nilai penilaian mandiri", "Score report of the self-assessment")) } }
            }
            @if verified {
                li { a href=(case.api(&format!("/compare?format=html&lang={l}"))) { (ctx.t("Laporan perbandingan (mandiri dan verifikasi)", "Comparison report (self-assessment and verification)")) } }
                li { (super::stages::outcome_document_link(ctx, case)) }
                li { a href=(case.api(&format!("/compare?format=xlsx&lang={l}"))) { (ctx.t("Perbandingan sebagai XLSX", "Comparison as XLSX")) } }
            }
        }
    }
}

/// The review of one unit: per indicator, the operator's answer, note and
/// photos beside the verifier's own answer and comment.
pub(crate) fn review_page(
    ctx: &Ctx,
    case: &Case,
    flash: Option<&str>,
    errors: Option<&FormErrors<'_>>,
) -> Response {
    let period = case.period();
    let status = case.status();
    let open = status.allows(Action::Verify);
    let ver = case.verification();
    let posted = errors.and_then(|e| e.posted);
    let self_doc = case.self_doc();
    let unit_name = case.unit().name.clone();
    let lang = ctx.lang;
    let action = case.page(ctx, "/review");
    let field_error = |id: &str| FormErrors::field(errors, id);
    let content = html! {
        p { a href=(ctx.url("/verification")) { "← " (ctx.t("Daftar unit", "Units")) } }
        h1 { (ctx.t("Verifikasi", "Verification")) " " (period) ": " (unit_name) }
        p { (ctx.t("Status", "Status")) ": " (status_badge(ctx, status)) }
        @if let Some(f) = flash { (notice(f)) }
        @if let Some(e) = &errors { (error_summary(ctx, &e.message, &e.fields)) }
        section aria-labelledby="reports-title" {
            h2 #reports-title { (ctx.t("Laporan", "Reports")) }
            (report_links(ctx, case))
        }
        (super::stages::skm_beside_score(ctx, case))
        @if self_doc.is_none() {
            p { (ctx.t("Operator belum mengunggah penilaian mandiri.", "The operator has not uploaded a self-assessment yet.")) }
        } @else {
            @if !open {
                p { (ctx.t("Hanya penilaian berstatus Diajukan yang dapat diverifikasi atau dikembalikan; halaman ini hanya untuk dibaca.",
                    "Only a submitted assessment can be verified or returned; this page is read-only.")) }
            }
            form method="post" action=(action) enctype="multipart/form-data" novalidate {
                input type="hidden" name="csrf_token" value=(ctx.csrf);
                @for (criterion, indicators) in case.applicable() {
                    section aria-labelledby=(html_id("c", &criterion.id)) {
                        h2 id=(html_id("c", &criterion.id)) { (criterion.id) ". " (criterion.title.get(lang)) }
                        @for ind in indicators {
                            @let own = self_doc.and_then(|d| d.answer(&ind.id));
                            @let mine = ver.and_then(|v| v.answer(&ind.id));
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
                                        p { (answers::answer_text(ctx, case, ind, own)) }
                                        @if let Some(n) = own.and_then(|a| a.note.as_ref()) {
                                            p { strong { (ctx.t("Catatan", "Note")) ": " } (n) }
                                        }
                                        @let evs = own.map(|a| a.evidence.as_slice()).unwrap_or_default();
                                        (answers::evidence_list(ctx, case, &ind.id, evs, false))
                                    }
                                    div {
                                        h3 { (ctx.t("Penilaian verifikator", "Verifier's assessment")) }
                                        div.options role="radiogroup" aria-label=(format!("{} {}", ctx.t("Jawaban verifikator untuk", "Verifier's answer for"), ind.id)) {
                                            (answers::options(ctx, case, ind, &vid, chosen.as_deref(), open))
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
                                        // The team's own photos: those of the verification that the operator did not send.
                                        @let theirs = own.map(|a| a.evidence.as_slice()).unwrap_or_default();
                                        @let team: Vec<_> = mine.map(|a| a.evidence.iter().filter(|e| !theirs.contains(e)).cloned().collect()).unwrap_or_default();
                                        @if !team.is_empty() {
                                            p { strong { (ctx.t("Foto tim verifikasi", "The verification team's photos")) } }
                                            (answers::evidence_list(ctx, case, &ind.id, &team, false))
                                        }
                                        @if open {
                                            @let evid = html_id("ev", &ind.id);
                                            @let camid = html_id("cam", &ind.id);
                                            @let eve = field_error(&evid);
                                            fieldset.evidence aria-describedby=[eve.as_ref().map(|_| format!("{evid}-error"))] {
                                                legend { (ctx.t("Foto tim verifikasi di lokasi", "The team's photo on site")) }
                                                @if let Some(m) = &eve { p.field-error id=(format!("{evid}-error")) { (m) } }
                                                div.field {
                                                    label for=(camid) { (ctx.t("Ambil foto dengan kamera", "Take a photo with the camera")) }
                                                    input type="file" id=(camid) name=(format!("ev.{}", ind.id)) accept="image/*" capture="environment";
                                                }
                                                div.field {
                                                    label for=(evid) { (ctx.t("Pilih berkas (JPEG, PNG atau PDF)", "Choose a file (JPEG, PNG or PDF)")) }
                                                    input type="file" id=(evid) name=(format!("ev.{}", ind.id)) accept="image/jpeg,image/png,application/pdf"
                                                        multiple aria-invalid=[eve.as_ref().map(|_| "true")];
                                                }
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
        p.hint { (ctx.t("Status saat ini", "Current status")) ": " (status_label(ctx, status)) }
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
    let (form, case) = match posted_case(
        &state,
        &ctx,
        (&period, &unit),
        &headers,
        body,
        (
            state.settings().max_evidence_bytes,
            state.settings().max_upload_request_bytes,
            state.settings().max_files_per_request,
        ),
    )
    .await
    {
        Ok(posted) => posted,
        Err(r) => return r,
    };
    let Some(me) = ctx.me.as_ref() else {
        return ctx.redirect("/login");
    };
    let cases = state.cases(me);
    let target = case.page(&ctx, "");
    let inds = case.applicable_ids();
    if form.get("action") == Some("return") {
        let mut comments = Vec::new();
        if let Some(c) = form.text("c.") {
            comments.push(crate::proto::CommentInput {
                indicator: None,
                comment: c,
            });
        }
        for id in &inds {
            if let Some(c) = form.text(&format!("c.{id}")) {
                comments.push(crate::proto::CommentInput {
                    indicator: Some(id.clone()),
                    comment: c,
                });
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
            return review_page(&ctx, &case, None, Some(&errors));
        }
        let request = crate::proto::ReturnRequest { comments };
        if let Err(e) = cases.return_case(&period, &unit, &request).await {
            let errors = FormErrors {
                message: e.message.clone(),
                fields: Vec::new(),
                posted: Some(&form),
            };
            return review_page(&ctx, &case, None, Some(&errors));
        }
        return Redirect::to(&format!("{target}?done=returned")).into_response();
    }
    // The verifier's own assessment.
    let Some(self_doc) = case.file.self_assessment.as_ref() else {
        return refused(
            &ctx,
            &ServiceError::new(
                ErrorCode::InvalidTransition,
                ctx.t("Belum ada penilaian mandiri.", "There is no self-assessment yet."),
            ),
        );
    };
    let mut answers = Vec::new();
    let mut order = Vec::new();
    let mut fields = Vec::new();
    let files = chosen_files(&form, "verifikasi/");
    for id in &inds {
        let Some(v) = form.text(&format!("v.{id}")) else {
            if files.iter().any(|(ind, _, _)| ind == id) {
                fields.push((
                    html_id("v", id),
                    format!(
                        "{id}: {}",
                        ctx.t(
                            "pilih jawaban agar foto tim tersimpan",
                            "choose an answer so the team's photo is kept"
                        )
                    ),
                ));
            }
            continue;
        };
        let own = self_doc.assessment.answer(id);
        let comment = form.text(&format!("c.{id}"));
        let (value, not_applicable) = if v == NOT_APPLICABLE {
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
            (None, why)
        } else {
            (Some(v), None)
        };
        answers.push(Answer {
            indicator: id.clone(),
            value,
            not_applicable,
            evidence: own.map(|o| o.evidence.clone()).unwrap_or_default(),
            note: comment,
        });
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
        return review_page(&ctx, &case, None, Some(&errors));
    }
    // The team's photos first: the verification names them by digest, beside the operator's.
    if !files.is_empty() {
        match upload_files(&cases, (&period, &unit), &files).await {
            Ok(stored) => {
                for (ind, path, sha) in stored {
                    if let Some(a) = answers.iter_mut().find(|a| a.indicator == ind) {
                        a.evidence.push(p2ham_io::model::EvidenceRef {
                            path,
                            sha256: Some(sha),
                            caption: Some(
                                ctx.t("Foto tim verifikasi", "The verification team's photo")
                                    .to_owned(),
                            ),
                        });
                    }
                }
            }
            Err(refusal) => {
                return review_page(&ctx, &case, None, Some(&upload_refused(&ctx, refusal, &form)))
            }
        }
    }
    let u = case.unit();
    let doc = Assessment {
        format: AssessmentFormat::V1,
        instrument: InstrumentRef {
            id: case.file.period.instrument.id.clone(),
            version: case.file.period.instrument.version.clone(),
        },
        unit: Unit {
            id: u.id.clone(),
            name: u.name.clone(),
            kind: u.kind.clone(),
            office: Some(u.office.clone()),
        },
        period: case.period().to_owned(),
        stage: Stage::Verification,
        verifies: Some(format!("sha256:{}", self_doc.sha256)),
        assessed_on: Some(jiff::Zoned::now().date().to_string()),
        assessors: vec![Assessor {
            name: me.name.clone(),
            role: "verifikator".into(),
        }],
        answers,
    };
    let bytes = match serde_json::to_vec_pretty(&doc) {
        Ok(b) => b,
        Err(e) => return refused(&ctx, &ServiceError::internal(&e)),
    };
    if let Err(e) = cases
        .put_verification(&period, &unit, Source::bytes("verification", bytes))
        .await
    {
        let fields = diagnostic_fields(&e.diagnostics, &order)
            .into_iter()
            .map(|(id, m)| (id.replacen("na-", "c-", 1).replacen("note-", "c-", 1), m))
            .collect();
        let errors = FormErrors {
            message: e.message.clone(),
            fields,
            posted: Some(&form),
        };
        return review_page(&ctx, &case, None, Some(&errors));
    }
    Redirect::to(&format!("{target}?done=verified")).into_response()
}
