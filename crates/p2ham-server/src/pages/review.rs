//! The verifier's pages: the Kanwil's units by status, and the review of one
//! unit (the operator's answers beside the verifier's own).
//!
//! The verifier's answers start empty: each criterion has a "sama dengan
//! jawaban operator" button that copies the operator's answers on purpose
//! (without JavaScript it re-shows the form with them copied, nothing
//! stored). The verified score of the answers on the page is computed by the
//! service without storing (`/review/preview`); `?only=attention` shows only
//! the indicators that differ from the operator's answer or have no
//! evidence. The team's photos are stored as soon as the form is posted and
//! carried by the page (`kept.{indicator}` fields) until the verification
//! that names them is recorded. Returning and recording each ask to confirm
//! on a page of their own.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use p2ham_io::model::{
    Answer, Assessment, AssessmentFormat, Assessor, EvidenceRef, Indicator, InstrumentRef, Stage, Unit,
};
use p2ham_io::scoring::ComparisonReport;
use p2ham_io::Source;

use super::case::{
    chosen_files, diagnostic_fields, posted_case, upload_files, upload_refused, Case, FormErrors,
    NOT_APPLICABLE,
};
use super::operator::unsupported;
use super::{
    answers, error_summary, html_id, notice, page, refused, status_badge, status_label, urlencode, Ctx,
    FormData,
};
use crate::proto::CaseSummary;
use crate::service::{Action, ErrorCode, ServiceError};
use crate::types::{Role, Status};
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
                li { a href=(case.page(ctx, "/report/score")) { (ctx.t("Laporan nilai penilaian mandiri", "Score report of the self-assessment")) } }
            }
            @if verified {
                li { a href=(case.page(ctx, "/report/compare")) { (ctx.t("Laporan perbandingan (mandiri dan verifikasi)", "Comparison report (self-assessment and verification)")) } }
                li { (super::stages::outcome_document_link(ctx, case)) }
                li { a href=(case.api(&format!("/compare?format=xlsx&lang={l}"))) { (ctx.t("Perbandingan sebagai XLSX", "Comparison as XLSX")) } }
            }
        }
    }
}

/// The value of `?only=` that shows only the indicators needing attention.
pub(crate) const ATTENTION: &str = "attention";

/// How the review page is shown.
#[derive(Default)]
pub(crate) struct Shown<'a> {
    /// A notice that something was done.
    pub flash: Option<&'a str>,
    /// The problems of a posted form (and the form).
    pub errors: Option<&'a FormErrors<'a>>,
    /// What the verifier entered, re-shown without problems (after a copy or a filter).
    pub posted: Option<&'a FormData>,
    /// Only the indicators that differ from the operator's or lack evidence.
    pub attention: bool,
    /// The verified score of the entered answers, as the service computed it.
    pub score: Option<Markup>,
}

/// The team's photos a posted form carries for an indicator (`kept.{id}`
/// fields: `{sha256} {path}`), stored when the form was first posted.
fn kept(form: &FormData, indicator: &str) -> Vec<EvidenceRef> {
    let name = format!("kept.{indicator}");
    form.fields
        .iter()
        .filter(|(k, _)| *k == name)
        .filter_map(|(_, v)| {
            let (sha, path) = v.split_once(' ')?;
            Some(EvidenceRef {
                path: path.to_owned(),
                sha256: Some(sha.to_owned()),
                caption: None,
            })
        })
        .collect()
}

/// What the page knows of one indicator: the operator's answer and the
/// verifier's as entered (posted, or the recorded verification when the
/// case is no longer open; empty otherwise).
struct Entry<'c> {
    own: Option<&'c Answer>,
    /// The operator's answer as a radio value.
    operator: Option<String>,
    /// The verifier's answer as a radio value.
    verifier: Option<String>,
    comment: String,
    /// The team's photos (not the operator's).
    team: Vec<EvidenceRef>,
}

impl<'c> Entry<'c> {
    fn of(case: &'c Case, posted: Option<&FormData>, ind: &str) -> Entry<'c> {
        let own = case.self_doc().and_then(|d| d.answer(ind));
        let theirs = own.map(|a| a.evidence.as_slice()).unwrap_or_default();
        let open = case.status().allows(Action::Verify);
        let mine = if open {
            None
        } else {
            case.verification().and_then(|v| v.answer(ind))
        };
        let (verifier, comment, team) = match posted {
            Some(f) => (
                f.text(&format!("v.{ind}")),
                f.get(&format!("c.{ind}")).unwrap_or_default().to_owned(),
                kept(f, ind),
            ),
            None => (
                answers::chosen(mine),
                mine.and_then(|a| a.note.clone()).unwrap_or_default(),
                mine.map(|a| {
                    a.evidence
                        .iter()
                        .filter(|e| !theirs.contains(e))
                        .cloned()
                        .collect()
                })
                .unwrap_or_default(),
            ),
        };
        Entry {
            own,
            operator: answers::chosen(own),
            verifier,
            comment,
            team,
        }
    }

    /// The verifier answered differently from the operator.
    fn differs(&self) -> bool {
        self.verifier.is_some() && self.verifier != self.operator
    }

    /// The operator's answer claims what no file shows: the library scored
    /// it unsupported (it needs evidence and has none), and the team has
    /// not added a photo of its own either.
    fn lacks_evidence(&self, case: &Case, ind: &str) -> bool {
        unsupported(case, ind) && self.team.is_empty()
    }
}

/// The verified score of a comparison, as the review page and its preview show it.
pub(crate) fn verified_card(ctx: &Ctx, r: &ComparisonReport) -> Markup {
    let lang = ctx.lang;
    let verified = p2ham_report::number::figure(r.verified_total, lang);
    let own = p2ham_report::number::figure(r.self_total, lang);
    let summary = format!(
        "{}: {verified}. {}: {own}. {} {}.",
        ctx.t("Nilai terverifikasi", "Verified score"),
        ctx.t("Nilai mandiri", "Self-assessed score"),
        r.discrepancies.len(),
        ctx.t("indikator berbeda", "indicators differ")
    );
    html! {
        p.hint { (ctx.t("Menurut jawaban verifikator di formulir; belum dicatat.", "From the verifier's answers on the form; not recorded yet.")) }
        p.total data-summary=(summary) { (ctx.t("Nilai terverifikasi", "Verified score")) ": " span.score { (verified) } " / 100" }
        p { (ctx.t("Nilai penilaian mandiri", "Self-assessed score")) ": " (own) }
        p { strong { (r.discrepancies.len()) } " " (ctx.t("indikator berbeda dari jawaban operator", "indicators differ from the operator's answer")) }
        p { @if r.verified_award.eligible { (ctx.t("Memenuhi syarat penghargaan", "Eligible for the award")) }
            @else { (ctx.t("Belum memenuhi syarat penghargaan", "Not yet eligible for the award")) } }
    }
}

/// The review of one unit: per indicator, the operator's answer, note and
/// photos beside the verifier's own answer, comment and photos.
pub(crate) fn review_page(ctx: &Ctx, case: &Case, shown: &Shown<'_>) -> Response {
    let period = case.period();
    let status = case.status();
    let open = status.allows(Action::Verify);
    let errors = shown.errors;
    let posted = errors.and_then(|e| e.posted).or(shown.posted);
    let self_doc = case.self_doc();
    let unit_name = case.unit().name.clone();
    let lang = ctx.lang;
    let action = case.page(ctx, "/review");
    let field_error = |id: &str| FormErrors::field(errors, id);
    let sections: Vec<_> = case
        .applicable()
        .into_iter()
        .map(|(c, inds)| {
            let entries: Vec<(&Indicator, Entry<'_>)> = inds
                .into_iter()
                .map(|i| (i, Entry::of(case, posted, &i.id)))
                .collect();
            (c, entries)
        })
        .collect();
    let needs = |ind: &Indicator, e: &Entry<'_>| e.differs() || e.lacks_evidence(case, &ind.id);
    let attention = shown.attention && open;
    let flagged: usize = sections
        .iter()
        .flat_map(|(_, es)| es.iter())
        .filter(|(i, e)| needs(i, e))
        .count();
    let here = case.page(ctx, "");
    let content = html! {
        p { a href=(ctx.url("/verification")) { "← " (ctx.t("Daftar unit", "Units")) } }
        h1 { (ctx.t("Verifikasi", "Verification")) " " (period) ": " (unit_name) }
        p { (ctx.t("Status", "Status")) ": " (status_badge(ctx, status)) }
        @if let Some(f) = shown.flash { (notice(f)) }
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
            @if open {
                section.score-card aria-labelledby="verified-title" {
                    h2 #verified-title { (ctx.t("Nilai terverifikasi", "Verified score")) }
                    div #verified-score aria-live="polite" {
                        @match &shown.score {
                            Some(s) => { (s) }
                            None => p { (ctx.t(
                                "Jawaban verifikator masih kosong. Pilih jawaban per indikator, atau salin jawaban operator per kriteria dengan sengaja; nilainya tampil di sini.",
                                "The verifier's answers are empty. Choose an answer per indicator, or copy the operator's answers per criterion on purpose; the score shows here.")) }
                        }
                    }
                }
            }
            @if open { div.alert.offline #offline-status role="status" aria-live="polite" hidden {} }
            form #review-form method="post" action=(action) enctype="multipart/form-data" novalidate
                data-preview=[open.then(|| case.page(ctx, "/review/preview"))]
                data-offline[open]
                data-uploads=[open.then(|| ctx.url("/api/v1/uploads"))]
                data-period=(period) data-unit=(case.unit().id)
                data-version=(case.view().self_assessment.as_ref().map_or("", |d| d.sha256.as_str())) {
                input type="hidden" name="csrf_token" value=(ctx.csrf);
                @if open {
                    div.filter #filter {
                        @if attention {
                            p role="status" { (ctx.t("Hanya indikator yang berbeda dari jawaban operator atau tanpa bukti", "Only the indicators that differ from the operator's answer or lack evidence")) ": " strong { (flagged) } }
                            button.secondary type="submit" name="action" value="show" formaction=(action) aria-pressed="true" data-filter="all" {
                                (ctx.t("Tampilkan semua indikator", "Show every indicator")) }
                        } @else {
                            button.secondary type="submit" name="action" value="show" formaction=(format!("{action}?only={ATTENTION}")) aria-pressed="false" data-filter=(ATTENTION) {
                                (ctx.t("Tampilkan hanya yang berbeda atau tanpa bukti", "Show only those that differ or lack evidence")) }
                        }
                    }
                }
                @for (criterion, entries) in &sections {
                    @let visible = entries.iter().filter(|(i, e)| !attention || needs(i, e)).count();
                    @if visible == 0 {
                        @for (ind, e) in entries { (carried_inputs(ind, e)) }
                    } @else {
                    section.criterion aria-labelledby=(html_id("c", &criterion.id)) {
                        h2 id=(html_id("c", &criterion.id)) { (criterion.id) ". " (criterion.title.get(lang)) }
                        @if open {
                            div.copy {
                                button.secondary type="submit" name="action" value=(format!("copy:{}", criterion.id)) data-copy=(criterion.id)
                                    formaction=(format!("{action}{}#{}", if attention { format!("?only={ATTENTION}") } else { String::new() }, html_id("c", &criterion.id))) {
                                    (ctx.t("Sama dengan jawaban operator", "Same as the operator's answers"))
                                    span.visually-hidden { " " (ctx.t("untuk kriteria", "for criterion")) " " (criterion.id) }
                                }
                                p.hint { (ctx.t("Menyalin jawaban operator ke semua indikator kriteria ini. Periksa tiap jawaban sebelum mencatat.",
                                    "Copies the operator's answers to every indicator of this criterion. Check each one before recording.")) }
                            }
                        }
                        @for (ind, e) in entries {
                            @if attention && !needs(ind, e) {
                                (carried_inputs(ind, e))
                            } @else {
                            @let vid = html_id("v", &ind.id);
                            @let cid = html_id("c", &ind.id);
                            @let ce = field_error(&cid);
                            @let ve = field_error(&vid);
                            fieldset.indicator id=(vid) data-operator=(e.operator.clone().unwrap_or_default())
                                data-no-evidence=(if e.lacks_evidence(case, &ind.id) { "1" } else { "0" })
                                aria-describedby=[ve.as_ref().map(|_| format!("{vid}-error"))] {
                                legend { (ind.id) " — " (ind.title.get(lang))
                                    " " span.badge.differs hidden[!e.differs()] { (ctx.t("berbeda", "differs")) }
                                    @if e.lacks_evidence(case, &ind.id) { " " span.badge.unanswered { (ctx.t("tanpa bukti", "no evidence")) } } }
                                @if let Some(m) = &ve { p.field-error id=(format!("{vid}-error")) { (m) } }
                                div.cols {
                                    div.side {
                                        h3 { (ctx.t("Jawaban operator", "Operator's answer")) }
                                        p { (answers::answer_text(ctx, case, ind, e.own)) }
                                        @if let Some(n) = e.own.and_then(|a| a.note.as_ref()) {
                                            p { strong { (ctx.t("Catatan", "Note")) ": " } (n) }
                                        }
                                        @let evs = e.own.map(|a| a.evidence.as_slice()).unwrap_or_default();
                                        (answers::evidence_list(ctx, case, &ind.id, evs, false))
                                    }
                                    div.mine {
                                        h3 { (ctx.t("Penilaian verifikator", "Verifier's assessment")) }
                                        div.options role="radiogroup" aria-label=(format!("{} {}", ctx.t("Jawaban verifikator untuk", "Verifier's answer for"), ind.id)) {
                                            (answers::options(ctx, case, ind, &vid, e.verifier.as_deref(), open))
                                        }
                                        div.field {
                                            label for=(cid) { (ctx.t("Komentar verifikator", "Verifier's comment")) }
                                            @if let Some(m) = &ce { p.field-error id=(format!("{cid}-error")) { (m) } }
                                            textarea id=(cid) name=(format!("c.{}", ind.id)) rows="2" readonly[!open]
                                                aria-invalid=[ce.as_ref().map(|_| "true")]
                                                aria-describedby=[ce.as_ref().map(|_| format!("{cid}-error"))] { (e.comment) }
                                        }
                                        @if !e.team.is_empty() {
                                            p { strong { (ctx.t("Foto tim verifikasi", "The verification team's photos")) } }
                                            (answers::evidence_list(ctx, case, &ind.id, &e.team, false))
                                            @if open { @for t in &e.team { (kept_input(&ind.id, t)) } }
                                        }
                                        @if open {
                                            @let evid = html_id("ev", &ind.id);
                                            @let camid = html_id("cam", &ind.id);
                                            @let eve = field_error(&evid);
                                            fieldset.evidence data-indicator=(ind.id) aria-describedby=[eve.as_ref().map(|_| format!("{evid}-error"))] {
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
                                                ul.uploads aria-live="polite" {}
                                            }
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
                    p.hint { (ctx.t("Kedua tombol menampilkan ringkasan dan meminta konfirmasi lebih dulu.", "Both buttons show a summary and ask to confirm first.")) }
                }
            }
        }
        (super::photos::public_photos_section(ctx, case, errors))
        p.hint { (ctx.t("Status saat ini", "Current status")) ": " (status_label(ctx, status)) " · " a href=(here) { (ctx.t("Muat ulang dari data tersimpan", "Reload from what is stored")) } }
    };
    super::form_status(
        super::page_with(
            ctx,
            &format!("{} {period}: {unit_name}", ctx.t("Verifikasi", "Verification")),
            &content,
            if open {
                &["/review.js", "/upload.js", "/offline.js"]
            } else {
                &[]
            },
        ),
        errors.is_some(),
    )
}

/// A team photo the page carries until the verification names it.
fn kept_input(indicator: &str, e: &EvidenceRef) -> Markup {
    html! { @if let Some(sha) = &e.sha256 { input type="hidden" name=(format!("kept.{indicator}")) value=(format!("{sha} {}", e.path)); } }
}

/// An indicator the filter hides: its entered answer, comment and photos
/// carried as hidden fields, so that nothing entered is lost.
fn carried_inputs(ind: &Indicator, e: &Entry<'_>) -> Markup {
    html! {
        @if let Some(v) = &e.verifier { input type="hidden" name=(format!("v.{}", ind.id)) value=(v); }
        @if !e.comment.is_empty() { input type="hidden" name=(format!("c.{}", ind.id)) value=(e.comment); }
        @for t in &e.team { (kept_input(&ind.id, t)) }
    }
}

/// `?only=` of the review's address.
#[derive(serde::Deserialize)]
pub(crate) struct Only {
    pub only: Option<String>,
}

/// The posted form with the files just stored carried as `kept.` fields
/// (and without its buttons' values).
fn carried(form: &FormData, stored: &[(String, String, String)]) -> FormData {
    let mut fields: Vec<(String, String)> = form
        .fields
        .iter()
        .filter(|(k, _)| k != "action" && k != "confirmed")
        .cloned()
        .collect();
    for (ind, path, sha) in stored {
        fields.push((format!("kept.{ind}"), format!("{sha} {path}")));
    }
    FormData {
        fields,
        files: Vec::new(),
    }
}

/// The form with the operator's answers copied into the indicators of one criterion.
fn copied(case: &Case, form: &FormData, criterion: &str) -> FormData {
    let ids: Vec<String> = case
        .applicable()
        .into_iter()
        .filter(|(c, _)| c.id == criterion)
        .flat_map(|(_, inds)| inds.into_iter().map(|i| i.id.clone()))
        .collect();
    let mut fields: Vec<(String, String)> = form
        .fields
        .iter()
        .filter(|(k, _)| !ids.iter().any(|id| *k == format!("v.{id}")))
        .cloned()
        .collect();
    for id in &ids {
        if let Some(v) = answers::chosen(case.self_doc().and_then(|d| d.answer(id))) {
            fields.push((format!("v.{id}"), v));
        }
    }
    FormData {
        fields,
        files: Vec::new(),
    }
}

/// The verifier's answers on a form: every indicator answered, with the
/// operator's evidence and the team's kept photos; problems as (field id,
/// text). `strict`: a photo without an answer and "tidak berlaku" without a
/// reason are problems (otherwise, for the preview, such answers are left out).
fn entered_answers(
    ctx: &Ctx,
    case: &Case,
    form: &FormData,
    strict: bool,
) -> (Vec<Answer>, Vec<(String, String)>) {
    let mut answers = Vec::new();
    let mut fields = Vec::new();
    let Some(self_doc) = case.self_doc() else {
        return (answers, fields);
    };
    for id in case.applicable_ids() {
        let team = kept(form, &id);
        let Some(v) = form.text(&format!("v.{id}")) else {
            if strict && !team.is_empty() {
                fields.push((
                    html_id("v", &id),
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
        let own = self_doc.answer(&id);
        let comment = form.text(&format!("c.{id}"));
        let (value, not_applicable) = if v == NOT_APPLICABLE {
            let why = comment
                .clone()
                .or_else(|| own.and_then(|a| a.not_applicable.clone()));
            if why.is_none() {
                if strict {
                    fields.push((
                        html_id("c", &id),
                        format!(
                            "{id}: {}",
                            ctx.t("tulis alasan mengapa tidak berlaku", "say why it does not apply")
                        ),
                    ));
                }
                continue;
            }
            (None, why)
        } else {
            (Some(v), None)
        };
        let mut evidence = own.map(|o| o.evidence.clone()).unwrap_or_default();
        for t in team {
            if !evidence.iter().any(|e| e.sha256 == t.sha256) {
                evidence.push(EvidenceRef {
                    caption: Some(
                        ctx.t("Foto tim verifikasi", "The verification team's photo")
                            .to_owned(),
                    ),
                    ..t
                });
            }
        }
        answers.push(Answer {
            indicator: id.clone(),
            value,
            not_applicable,
            evidence,
            note: comment,
        });
    }
    (answers, fields)
}

/// The verification document of these answers, by the logged-in verifier.
fn verification_doc(case: &Case, verifier: &str, answers: Vec<Answer>) -> Option<Assessment> {
    let self_doc = case.file.self_assessment.as_ref()?;
    let u = case.unit();
    Some(Assessment {
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
            name: verifier.to_owned(),
            role: "verifikator".into(),
        }],
        answers,
    })
}

/// The comparison the service computes for the answers on a form, without
/// storing anything; `None` when nothing is answered yet.
async fn entered_comparison(
    state: &AppState,
    ctx: &Ctx,
    case: &Case,
    form: &FormData,
) -> Option<Result<ComparisonReport, ServiceError>> {
    let me = ctx.me.as_ref()?;
    let (answers, _) = entered_answers(ctx, case, form, false);
    if answers.is_empty() {
        return None;
    }
    let doc = verification_doc(case, &me.name, answers)?;
    let bytes = match serde_json::to_vec(&doc) {
        Ok(b) => b,
        Err(e) => return Some(Err(ServiceError::internal(&e))),
    };
    Some(
        state
            .cases(me)
            .preview_verification(case.period(), &case.unit().id, Source::bytes("preview", bytes))
            .await,
    )
}

/// The verified score (or why there is none) of the answers on a form.
async fn entered_score(state: &AppState, ctx: &Ctx, case: &Case, form: &FormData) -> Option<Markup> {
    match entered_comparison(state, ctx, case, form).await? {
        Ok(r) => Some(verified_card(ctx, &r)),
        Err(e) => Some(html! { p.field-error { (e.message) } }),
    }
}

/// The live verified score: the answers on the review form scored and
/// compared by the service, nothing stored; an HTML fragment.
pub(crate) async fn preview(
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
    let fragment = |status: axum::http::StatusCode, m: Markup| {
        (
            status,
            [(axum::http::header::CACHE_CONTROL, "no-store")],
            axum::response::Html(m.into_string()),
        )
            .into_response()
    };
    let Some(me) = ctx.me.as_ref().filter(|m| m.role == Role::Verifier) else {
        return fragment(
            axum::http::StatusCode::FORBIDDEN,
            html! { p.field-error { (ctx.t("Pratinjau ini untuk verifikator.", "The preview is for verifiers.")) } },
        );
    };
    let case = match state.cases(me).file(&period, &unit).await {
        Ok(file) => Case::from_file(&ctx, file),
        Err(e) => {
            let status = axum::http::StatusCode::from_u16(e.code.http_status())
                .unwrap_or(axum::http::StatusCode::BAD_REQUEST);
            return fragment(status, html! { p.field-error { (e.message) } });
        }
    };
    match entered_comparison(&state, &ctx, &case, &form).await {
        None => fragment(
            axum::http::StatusCode::OK,
            html! { p { (ctx.t("Belum ada jawaban verifikator.", "No verifier's answer yet.")) } },
        ),
        Some(Ok(r)) => fragment(axum::http::StatusCode::OK, verified_card(&ctx, &r)),
        Some(Err(e)) => {
            let status = axum::http::StatusCode::from_u16(e.code.http_status())
                .unwrap_or(axum::http::StatusCode::BAD_REQUEST);
            fragment(status, html! { p.field-error { (e.message) } })
        }
    }
}

/// The posted fields as hidden inputs (but the token and the buttons).
fn hidden_fields(form: &FormData) -> Markup {
    html! {
        @for (k, v) in &form.fields {
            @if k != "csrf_token" && k != "action" && k != "confirmed" {
                input type="hidden" name=(k) value=(v);
            }
        }
    }
}

/// The page that asks to confirm recording the verification: the verified
/// score, what is unanswered, what differs, the team's photos.
fn confirm_verify(ctx: &Ctx, case: &Case, form: &FormData, report: Option<&ComparisonReport>) -> Response {
    let lang = ctx.lang;
    let title = ctx.t(
        "Periksa sebelum mencatat verifikasi",
        "Check before recording the verification",
    );
    let all: Vec<&Indicator> = case.applicable().into_iter().flat_map(|(_, i)| i).collect();
    let missing: Vec<&&Indicator> = all
        .iter()
        .filter(|i| form.text(&format!("v.{}", i.id)).is_none())
        .collect();
    let photos: usize = all.iter().map(|i| kept(form, &i.id).len()).sum();
    let content = html! {
        h1 { (title) }
        p { (case.unit().name) " — " (case.period()) }
        @if let Some(r) = report { (verified_card(ctx, r)) }
        p { strong { (all.len() - missing.len()) " " (ctx.t("dari", "of")) " " (all.len()) } " "
            (ctx.t("indikator dijawab verifikator.", "indicators answered by the verifier.")) }
        p { strong { (photos) } " " (ctx.t("foto tim verifikasi tersimpan sebagai bukti.", "photos of the verification team stored as evidence.")) }
        @if !missing.is_empty() {
            h2 #unanswered { (ctx.t("Belum dijawab verifikator", "Not answered by the verifier")) " (" (missing.len()) ")" }
            p.hint { (ctx.t("Indikator yang belum dijawab dihitung 0 dalam nilai terverifikasi.", "Indicators not answered count 0 in the verified score.")) }
            ul { @for i in &missing { li { (i.id) " — " (i.title.get(lang)) } } }
        }
        p { (ctx.t(
            "Setelah dicatat, verifikasi diteruskan ke evaluasi nasional dan tidak dapat diubah.",
            "Once recorded, the verification goes to the national evaluation and cannot be changed.")) }
        form method="post" action=(case.page(ctx, "/review")) {
            input type="hidden" name="csrf_token" value=(ctx.csrf);
            input type="hidden" name="confirmed" value="yes";
            (hidden_fields(form))
            div.actions {
                button #confirm-verify type="submit" name="action" value="verify" { (ctx.t("Ya, catat verifikasi", "Yes, record the verification")) }
                button.secondary type="submit" name="action" value="edit" { (ctx.t("Kembali ke formulir", "Back to the form")) }
            }
        }
    };
    page(ctx, title, &content)
}

/// The page that asks to confirm returning the case with its comments.
fn confirm_return(
    ctx: &Ctx,
    case: &Case,
    form: &FormData,
    comments: &[crate::proto::CommentInput],
) -> Response {
    let title = ctx.t("Kembalikan kepada operator?", "Return to the operator?");
    let content = html! {
        h1 { (title) }
        p { (case.unit().name) " — " (case.period()) }
        p { (ctx.t(
            "Penilaian mandiri akan dikembalikan kepada operator untuk diperbaiki, dengan komentar berikut:",
            "The self-assessment goes back to the operator to be corrected, with these comments:")) }
        ul.comments {
            @for c in comments {
                li { @if let Some(i) = &c.indicator { strong { (i) } ": " } @else { strong { (ctx.t("Umum", "General")) } ": " } (c.comment) }
            }
        }
        form method="post" action=(case.page(ctx, "/review")) {
            input type="hidden" name="csrf_token" value=(ctx.csrf);
            input type="hidden" name="confirmed" value="yes";
            (hidden_fields(form))
            div.actions {
                button.warn #confirm-return type="submit" name="action" value="return" { (ctx.t("Ya, kembalikan", "Yes, return it")) }
                button.secondary type="submit" name="action" value="edit" { (ctx.t("Kembali ke formulir", "Back to the form")) }
            }
        }
    };
    page(ctx, title, &content)
}

/// Copy, filter, return with comments, or record the verification (each
/// of the last two after a confirmation page).
pub(crate) async fn act(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((period, unit)): Path<(String, String)>,
    Query(only): Query<Only>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let (posted, case) = match posted_case(
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
    let action = posted.get("action").unwrap_or("verify").to_owned();
    let confirmed = posted.get("confirmed") == Some("yes");
    let attention = only.only.as_deref() == Some(ATTENTION);
    // The team's photos are stored first, whatever the button: the page carries them from now on.
    let files = chosen_files(&posted, "verifikasi/");
    let stored = if files.is_empty() || !case.status().allows(Action::Verify) {
        Vec::new()
    } else {
        match upload_files(&cases, (&period, &unit), &files).await {
            Ok(stored) => stored,
            Err(refusal) => {
                let errors = upload_refused(&ctx, refusal, &posted);
                return review_page(
                    &ctx,
                    &case,
                    &Shown {
                        errors: Some(&errors),
                        attention,
                        ..Shown::default()
                    },
                );
            }
        }
    };
    // The stored files are in the case now: read it again so that the page shows them.
    let case = if stored.is_empty() {
        case
    } else {
        match Case::read(&state, &ctx, &period, &unit).await {
            Ok(c) => c,
            Err(r) => return r,
        }
    };
    let form = carried(&posted, &stored);
    if let Some(criterion) = action.strip_prefix("copy:") {
        let form = copied(&case, &form, criterion);
        let score = entered_score(&state, &ctx, &case, &form).await;
        return review_page(
            &ctx,
            &case,
            &Shown {
                posted: Some(&form),
                attention,
                score,
                ..Shown::default()
            },
        );
    }
    if action == "show" || action == "edit" {
        let score = entered_score(&state, &ctx, &case, &form).await;
        return review_page(
            &ctx,
            &case,
            &Shown {
                posted: Some(&form),
                attention,
                score,
                ..Shown::default()
            },
        );
    }
    if action == "return" {
        let mut comments = Vec::new();
        if let Some(c) = form.text("c.") {
            comments.push(crate::proto::CommentInput {
                indicator: None,
                comment: c,
            });
        }
        for id in case.applicable_ids() {
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
            return review_page(
                &ctx,
                &case,
                &Shown {
                    errors: Some(&errors),
                    attention,
                    ..Shown::default()
                },
            );
        }
        if !confirmed {
            return confirm_return(&ctx, &case, &form, &comments);
        }
        let request = crate::proto::ReturnRequest { comments };
        if let Err(e) = cases.return_case(&period, &unit, &request).await {
            let errors = FormErrors {
                message: e.message.clone(),
                fields: Vec::new(),
                posted: Some(&form),
            };
            return review_page(
                &ctx,
                &case,
                &Shown {
                    errors: Some(&errors),
                    ..Shown::default()
                },
            );
        }
        return Redirect::to(&case.page(&ctx, "?done=returned")).into_response();
    }
    // The verifier's own assessment.
    if case.self_doc().is_none() {
        return refused(
            &ctx,
            &ServiceError::new(
                ErrorCode::InvalidTransition,
                ctx.t("Belum ada penilaian mandiri.", "There is no self-assessment yet."),
            ),
        );
    }
    // A carried photo must be one stored for this case.
    let foreign: Vec<(String, String)> = case
        .applicable_ids()
        .iter()
        .flat_map(|id| kept(&form, id).into_iter().map(move |e| (id.clone(), e)))
        .filter(|(_, e)| {
            !case
                .view()
                .evidence
                .iter()
                .any(|f| Some(f.sha256.as_str()) == e.sha256.as_deref() && f.path == e.path)
        })
        .map(|(id, e)| {
            (
                html_id("ev", &id),
                format!(
                    "{id}: {} {}",
                    e.path,
                    ctx.t("tidak tersimpan pada unit ini", "is not stored for this unit")
                ),
            )
        })
        .collect();
    let (answers, mut fields) = entered_answers(&ctx, &case, &form, true);
    fields.extend(foreign);
    if !fields.is_empty() {
        let errors = FormErrors {
            message: ctx
                .t("Verifikasi belum dicatat.", "The verification was not recorded.")
                .to_owned(),
            fields,
            posted: Some(&form),
        };
        return review_page(
            &ctx,
            &case,
            &Shown {
                errors: Some(&errors),
                attention,
                ..Shown::default()
            },
        );
    }
    let order: Vec<String> = answers.iter().map(|a| a.indicator.clone()).collect();
    if !confirmed {
        let report = match entered_comparison(&state, &ctx, &case, &form).await {
            Some(Ok(r)) => Some(r),
            Some(Err(e)) => return refused_verification(&ctx, &case, &form, &e, &order, attention),
            None => None,
        };
        return confirm_verify(&ctx, &case, &form, report.as_ref());
    }
    let Some(doc) = verification_doc(&case, &me.name, answers) else {
        return refused(&ctx, &ServiceError::internal(&"no self-assessment"));
    };
    let bytes = match serde_json::to_vec_pretty(&doc) {
        Ok(b) => b,
        Err(e) => return refused(&ctx, &ServiceError::internal(&e)),
    };
    if let Err(e) = cases
        .put_verification(&period, &unit, Source::bytes("verification", bytes))
        .await
    {
        return refused_verification(&ctx, &case, &form, &e, &order, false);
    }
    Redirect::to(&case.page(&ctx, "?done=verified")).into_response()
}

/// The review form shown again with a refused verification's problems at
/// its fields (a diagnostic on an answer's note or reason belongs to the
/// verifier's comment there).
fn refused_verification(
    ctx: &Ctx,
    case: &Case,
    form: &FormData,
    e: &ServiceError,
    order: &[String],
    attention: bool,
) -> Response {
    let fields = diagnostic_fields(&e.diagnostics, order)
        .into_iter()
        .map(|(id, m)| (id.replacen("na-", "c-", 1).replacen("note-", "c-", 1), m))
        .collect();
    let errors = FormErrors {
        message: e.message.clone(),
        fields,
        posted: Some(form),
    };
    review_page(
        ctx,
        case,
        &Shown {
            errors: Some(&errors),
            attention,
            ..Shown::default()
        },
    )
}
