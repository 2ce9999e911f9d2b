//! The operator's pages: the unit's periods, and the self-assessment form
//! generated from the period's instrument for the unit's kind.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use p2ham_io::model::{Answer, Assessment, AssessmentFormat, EvidenceRef, InstrumentRef, Stage, Unit};
use p2ham_io::Source;

use super::case::{
    chosen_files, diagnostic_fields, posted_case, upload_files, upload_refused, Case, FormErrors,
    NOT_APPLICABLE,
};
use super::{answers, error_summary, html_id, notice, page, refused, status_badge, urlencode, Ctx, FormData};
use crate::service::{Action, ErrorCode, ServiceError};
use crate::types::{Role, Status};
use crate::AppState;

/// The operator's start page: the unit's periods with status and deadline.
pub(crate) async fn periods_page(State(state): State<AppState>, ctx: Ctx) -> Response {
    let me = match ctx.me() {
        Ok(m) => m,
        Err(r) => return r,
    };
    let Some(unit) = me.unit.clone() else {
        return refused(
            &ctx,
            &ServiceError::new(
                ErrorCode::Forbidden,
                ctx.t(
                    "Halaman ini untuk operator unit.",
                    "This page is for unit operators.",
                ),
            ),
        );
    };
    let periods = match state.directory(me).periods().await {
        Ok(p) => p,
        Err(e) => return refused(&ctx, &e),
    };
    let cases = state.cases(me);
    let mut rows = Vec::new();
    for p in periods {
        match cases.case(&p.id, &unit).await {
            Ok(c) => rows.push((p, c)),
            Err(e) => return refused(&ctx, &e),
        }
    }
    let unit_name = rows.first().map_or(unit.clone(), |(_, c)| c.unit.name.clone());
    let content = html! {
        h1 { (ctx.t("Penilaian mandiri", "Self-assessment")) ": " (unit_name) }
        p { (ctx.t("Masuk sebagai", "Logged in as")) " " strong { (me.name) } "." }
        h2 { (ctx.t("Periode penilaian", "Evaluation periods")) }
        @if rows.is_empty() {
            p { (ctx.t("Belum ada periode.", "No period yet.")) }
        } @else {
            @let (h_period, h_instrument, h_status, h_deadline, h_action) = (ctx.t("Periode", "Period"), ctx.t("Instrumen", "Instrument"),
                ctx.t("Status", "Status"), ctx.t("Batas penilaian mandiri", "Self-assessment deadline"), ctx.t("Tindakan", "Action"));
            div.table-wrap { table.stack role="table" {
                caption.hint { (ctx.t("Periode, status dan batas waktu", "Periods, status and deadlines")) }
                thead role="rowgroup" { tr role="row" {
                    th scope="col" role="columnheader" { (h_period) }
                    th scope="col" role="columnheader" { (h_instrument) }
                    th scope="col" role="columnheader" { (h_status) }
                    th scope="col" role="columnheader" { (h_deadline) }
                    th scope="col" role="columnheader" { (h_action) }
                } }
                tbody role="rowgroup" {
                    @for (p, c) in &rows {
                        tr role="row" {
                            th scope="row" role="rowheader" data-label=(h_period) { (p.id) }
                            td role="cell" data-label=(h_instrument) { (p.instrument.id) " " (p.instrument.version) }
                            td role="cell" data-label=(h_status) { (status_badge(&ctx, c.status)) }
                            td role="cell" data-label=(h_deadline) {
                                @match &p.self_closes { Some(c) => (super::when(&ctx, c)), None => (ctx.t("tidak dibatasi", "no deadline")) }
                                @if !p.accepts_self_assessments() { " " span.badge { (ctx.t("ditutup", "closed")) } }
                            }
                            td role="cell" data-label=(h_action) { a href=(ctx.url(&format!("/periods/{}/units/{}", urlencode(&p.id), urlencode(&unit)))) {
                                @if c.status.allows(Action::EditSelfAssessment) && p.accepts_self_assessments() { (ctx.t("Isi penilaian", "Fill in")) } @else { (ctx.t("Lihat", "View")) }
                                span.visually-hidden { " " (p.id) }
                            } }
                        }
                    }
                }
            } }
        }
    };
    page(&ctx, ctx.t("Penilaian mandiri", "Self-assessment"), &content)
}

/// Whether the saved draft claims an indicator without the evidence it needs
/// (the library scored it `unsupported`: it earns 0).
pub(crate) fn unsupported(case: &Case, indicator: &str) -> bool {
    case.file.self_score.as_ref().is_some_and(|s| {
        s.criteria
            .iter()
            .flat_map(|c| &c.indicators)
            .any(|i| i.id == indicator && i.status == p2ham_io::scoring::IndicatorStatus::Unsupported)
    })
}

/// What the form shows for one indicator: the stored answer, or what was just posted.
pub(crate) enum Prefill<'a> {
    Doc(Option<&'a Assessment>),
    Form(&'a FormData),
}

impl Prefill<'_> {
    /// (radio value, justification, note)
    fn of(&self, ind: &str) -> (Option<String>, String, String) {
        match self {
            Prefill::Doc(doc) => match doc.and_then(|d| d.answer(ind)) {
                Some(a) => (
                    answers::chosen(Some(a)),
                    a.not_applicable.clone().unwrap_or_default(),
                    a.note.clone().unwrap_or_default(),
                ),
                None => (None, String::new(), String::new()),
            },
            Prefill::Form(f) => (
                f.text(&format!("v.{ind}")),
                f.get(&format!("na.{ind}")).unwrap_or_default().to_owned(),
                f.get(&format!("note.{ind}")).unwrap_or_default().to_owned(),
            ),
        }
    }
}

/// The self-assessment form (or, once submitted, the read-only view).
pub(crate) fn form_page(
    ctx: &Ctx,
    case: &Case,
    flash: Option<&str>,
    errors: Option<&FormErrors<'_>>,
) -> Response {
    let period = case.period();
    let status = case.status();
    let window_open = case.file.period.accepts_self_assessments();
    let editable = status.allows(Action::EditSelfAssessment) && window_open;
    // What is answered: in the form as it stands (a refused save), else in the stored draft.
    let answered = |id: &str| match errors.and_then(|e| e.posted) {
        Some(f) => f.text(&format!("v.{id}")).is_some(),
        None => case.self_doc().and_then(|d| d.answer(id)).is_some(),
    };
    let sections = case.applicable();
    let total: usize = sections.iter().map(|(_, inds)| inds.len()).sum();
    let done: usize = sections
        .iter()
        .flat_map(|(_, inds)| inds.iter())
        .filter(|i| answered(&i.id))
        .count();
    let doc = case.self_doc();
    let prefill = match errors.and_then(|e| e.posted) {
        Some(f) => Prefill::Form(f),
        None => Prefill::Doc(doc),
    };
    let score = case.file.self_score.as_ref();
    let comments = case.comments();
    let round = case.view().round;
    let field_error = |id: &str| FormErrors::field(errors, id);
    let unit_name = case.unit().name.clone();
    let action = case.page(ctx, "/save");
    let lang = ctx.lang;
    let content = html! {
        p { a href=(ctx.url("/unit")) { "← " (ctx.t("Periode penilaian", "Evaluation periods")) } }
        h1 { (ctx.t("Penilaian mandiri", "Self-assessment")) " " (period) ": " (unit_name) }
        p { (ctx.t("Status", "Status")) ": " (status_badge(ctx, status))
            @if let Some(c) = &case.file.period.self_closes {
                " · " (ctx.t("Batas waktu", "Deadline")) ": " (super::when(ctx, c))
            } }
        @if status.allows(Action::EditSelfAssessment) && !window_open {
            div.alert.error role="note" { p { (ctx.t(
                "Masa pengisian penilaian mandiri sudah ditutup; jawaban tidak dapat diubah lagi.",
                "The self-assessment window has closed; the answers can no longer be changed.")) } }
        }
        @if let Some(f) = flash { (notice(f)) }
        @if let Some(e) = &errors { (error_summary(ctx, &e.message, &e.fields)) }
        (super::stages::operator_stages(ctx, case))
        @if status == Status::Returned {
            div.alert.error role="note" {
                p { (ctx.t(
                    "Verifikator mengembalikan penilaian ini. Baca komentar di samping indikator, perbaiki, lalu ajukan lagi.",
                    "The verifier returned this assessment. Read the comments beside the indicators, correct, and submit again.")) }
                @for (r, c) in comments.get("").into_iter().flatten() {
                    p.comment { strong { (ctx.t("Komentar umum", "General comment")) " (" (ctx.t("putaran", "round")) " " (r) "): " } (c) }
                }
            }
        }
        section.card #score aria-labelledby="score-title" {
            h2 #score-title { (ctx.t("Pratinjau nilai", "Score preview")) }
            div #score-preview { (score_card(ctx, score, true)) }
        }
        @if !status.allows(Action::EditSelfAssessment) {
            p { (ctx.t("Penilaian ini sudah diajukan dan tidak dapat diubah lagi.", "This assessment was submitted and can no longer be changed.")) }
        }
        nav.progress aria-label=(ctx.t("Kriteria", "Criteria")) {
            p #answered-count { strong { (done) " " (ctx.t("dari", "of")) " " (total) } " " (ctx.t("indikator terjawab", "indicators answered")) }
            ul.jump {
                @for (criterion, inds) in &sections {
                    @let n = inds.iter().filter(|i| answered(&i.id)).count();
                    li { a href=(format!("#{}", html_id("c", &criterion.id))) {
                        (criterion.id) ". " (criterion.title.get(lang)) " (" (n) "/" (inds.len()) ")"
                    } }
                }
            }
        }
        @if editable {
            div.alert.offline #offline-status role="status" aria-live="polite" hidden {}
        }
        form method="post" action=(action) enctype="multipart/form-data" novalidate
            data-preview=[editable.then(|| case.page(ctx, "/preview"))]
            data-uploads=[editable.then(|| ctx.url("/api/v1/uploads"))]
            data-period=(period) data-unit=(case.unit().id)
            data-version=(case.view().self_assessment.as_ref().map_or("", |d| d.sha256.as_str())) {
            input type="hidden" name="csrf_token" value=(ctx.csrf);
            @if editable {
                // A save sent again (back button, a lost answer) is stored once.
                input type="hidden" name="idempotency_key" value=(crate::types::random_hex(16));
            }
            @for (criterion, indicators) in &sections {
                section aria-labelledby=(html_id("c", &criterion.id)) {
                    h2 id=(html_id("c", &criterion.id)) { (criterion.id) ". " (criterion.title.get(lang)) }
                    @for ind in indicators {
                        @let (value, na, note) = prefill.of(&ind.id);
                        @let vid = html_id("v", &ind.id);
                        @let ve = field_error(&vid);
                        @let nae = field_error(&html_id("na", &ind.id));
                        @let eve = field_error(&html_id("ev", &ind.id));
                        fieldset.indicator id=(vid) aria-describedby=[ve.as_ref().map(|_| format!("{vid}-error"))] {
                            legend { (ind.id) " — " (ind.title.get(lang))
                                @if ind.mandatory { " " span.badge { (ctx.t("wajib", "mandatory")) } }
                                @if !answered(&ind.id) { " " span.badge.unanswered { (ctx.t("belum dijawab", "not answered")) } } }
                            @for (r, c) in comments.get(&ind.id).into_iter().flatten() {
                                div.comment role="note" {
                                    strong { (ctx.t("Komentar verifikator", "Verifier's comment")) " (" (ctx.t("putaran", "round")) " " (r) ")" @if *r == round - 1 { " — " (ctx.t("terbaru", "latest")) } ": " }
                                    (c)
                                }
                            }
                            @if let Some(m) = &ve { p.field-error id=(format!("{vid}-error")) { (m) } }
                            @if unsupported(case, &ind.id) {
                                p.claim role="note" { (ctx.t(
                                    "Jawaban ini dihitung 0: indikator ini memerlukan bukti (foto atau dokumen). Tambahkan bukti di bawah.",
                                    "This answer counts 0: the indicator needs evidence (a photo or a document). Add it below.")) }
                            }
                            div.options {
                                (answers::options(ctx, case, ind, &vid, value.as_deref(), editable))
                            }
                            @let why_id = html_id("na", &ind.id);
                            div.field {
                                label for=(why_id) { (ctx.t("Alasan tidak berlaku", "Why it does not apply")) }
                                p.hint id=(format!("{why_id}-hint")) { (ctx.t("Wajib diisi bila memilih \"Tidak berlaku\".", "Required when \"Not applicable\" is chosen.")) }
                                @if let Some(m) = &nae { p.field-error id=(format!("{why_id}-error")) { (m) } }
                                textarea id=(why_id) name=(format!("na.{}", ind.id)) rows="2" readonly[!editable]
                                    class=[nae.as_ref().map(|_| "invalid")] aria-invalid=[nae.as_ref().map(|_| "true")]
                                    aria-describedby=(if nae.is_some() { format!("{why_id}-error {why_id}-hint") } else { format!("{why_id}-hint") }) { (na) }
                            }
                            @let noteid = html_id("note", &ind.id);
                            div.field {
                                label for=(noteid) { (ctx.t("Catatan", "Note")) }
                                textarea id=(noteid) name=(format!("note.{}", ind.id)) rows="2" readonly[!editable] { (note) }
                            }
                            @let evs = doc.and_then(|d| d.answer(&ind.id)).map(|a| a.evidence.as_slice()).unwrap_or_default();
                            @if !evs.is_empty() {
                                p { strong { (ctx.t("Bukti terunggah", "Uploaded evidence")) } }
                                (answers::evidence_list(ctx, case, &ind.id, evs, editable))
                            }
                            @if editable {
                                @let evid = html_id("ev", &ind.id);
                                @let camid = html_id("cam", &ind.id);
                                fieldset.evidence data-indicator=(ind.id) aria-describedby=[eve.as_ref().map(|_| format!("{evid}-error"))] {
                                    legend { (ctx.t("Tambah bukti", "Add evidence")) }
                                    @if let Some(m) = &eve { p.field-error id=(format!("{evid}-error")) { (m) } }
                                    div.file-buttons {
                                        input.file-input type="file" id=(camid) name=(format!("ev.{}", ind.id)) accept="image/*" capture="environment";
                                        label.button.file-button for=(camid) { (ctx.t("Ambil foto", "Take a photo")) }
                                        input.file-input type="file" id=(evid) name=(format!("ev.{}", ind.id)) accept="image/jpeg,image/png,application/pdf"
                                            multiple aria-invalid=[eve.as_ref().map(|_| "true")] aria-describedby=(format!("{evid}-hint"));
                                        label.button.secondary.file-button for=(evid) { (ctx.t("Pilih berkas", "Choose a file")) }
                                    }
                                    p.hint id=(format!("{evid}-hint")) { (ctx.t("JPEG, PNG atau PDF.", "JPEG, PNG or PDF.")) }
                                    ul.uploads aria-live="polite" {}
                                }
                            }
                        }
                    }
                }
            }
            @if editable {
                div.preview-bar #score-live role="status" aria-live="polite" aria-atomic="true" hidden {}
                div.actions {
                    button type="submit" name="action" value="draft" { (ctx.t("Simpan draf", "Save draft")) }
                    button.secondary type="submit" name="action" value="submit" { (ctx.t("Simpan dan ajukan untuk verifikasi", "Save and submit for verification")) }
                }
            }
        }
        @if editable {
            script src=(ctx.url("/upload.js")) defer {}
            script src=(ctx.url("/offline.js")) defer {}
        }
    };
    super::form_status(
        page(
            ctx,
            &format!(
                "{} {period}: {unit_name}",
                ctx.t("Penilaian mandiri", "Self-assessment")
            ),
            &content,
        ),
        errors.is_some(),
    )
}

/// The score of the answers and the improvement plan, as the library
/// computed them and the report layer renders them: of the saved draft
/// (`saved`), or of the answers on the form not yet saved (the live preview).
pub(crate) fn score_card(ctx: &Ctx, score: Option<&p2ham_io::scoring::ScoreReport>, saved: bool) -> Markup {
    let lang = ctx.lang;
    html! {
        @match score {
            None => p { (ctx.t("Belum ada jawaban tersimpan.", "No saved answer yet.")) }
            Some(s) => {
                @let total = p2ham_report::number::figure(s.total, lang);
                @let summary = format!("{}: {total} / {}. {}. {} {}.",
                    ctx.t("Pratinjau nilai", "Score preview"), s.max,
                    if s.award.eligible { ctx.t("Memenuhi syarat penghargaan", "Eligible for the award") } else { ctx.t("Belum memenuhi syarat penghargaan", "Not yet eligible for the award") },
                    s.gaps.len(), ctx.t("kekurangan", "gaps"));
                p.hint {
                    @if saved { (ctx.t("Menurut draf tersimpan.", "From the saved draft.")) }
                    @else { (ctx.t("Menurut jawaban di formulir; belum disimpan.", "From the answers on the form; not saved yet.")) }
                }
                p.total data-total=(s.total.map(|t| t.to_string()).unwrap_or_default()) data-summary=(summary) {
                    span.score { (total) } " / " (s.max)
                }
                p { @if s.award.eligible {
                        (ctx.t("Memenuhi syarat penghargaan (bila terverifikasi).", "Eligible for the award (once verified)."))
                    } @else {
                        (ctx.t("Belum memenuhi syarat penghargaan.", "Not yet eligible for the award."))
                    } }
                details {
                    summary { (ctx.t("Keputusan dan daftar kekurangan", "Decision and gap list")) " (" (s.gaps.len()) ")" }
                    (maud::PreEscaped(p2ham_report::to_html_fragment(
                        &p2ham_report::score_summary_doc(s, lang),
                        &p2ham_report::FragmentOptions { heading_level: 3, title: false },
                    )))
                }
            }
        }
    }
}

/// Save the draft (and submit when asked): the page's own checks first, then
/// the evidence, the document and the submission through the service.
pub(crate) async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((period, unit)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let settings = state.settings();
    let limits = (
        settings.max_evidence_bytes,
        settings.max_upload_request_bytes,
        settings.max_files_per_request,
    );
    let (form, case) = match posted_case(&state, &ctx, (&period, &unit), &headers, body, limits).await {
        Ok(posted) => posted,
        Err(r) => return r,
    };
    let Some(me) = ctx.me.as_ref() else {
        return ctx.redirect("/login");
    };
    // A save sent again with its key (the form's own, or the script's header) is stored once.
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| form.text("idempotency_key"));
    let idem = state.idempotency(me);
    if let Some(key) = &key {
        match idem.begin(key, &form_digest(&period, &unit, &form)).await {
            Ok(Some(first)) => {
                let to = first.location.unwrap_or_else(|| case.page(&ctx, ""));
                return axum::response::Redirect::to(&to).into_response();
            }
            Ok(None) => {}
            Err(e) => return form_page(&ctx, &case, None, Some(&refusal(&e, &form))),
        }
    }
    let answer = save_form(&state, &ctx, (&period, &unit), &form, &case).await;
    if let Some(key) = &key {
        let location = answer
            .headers()
            .get(axum::http::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let kept = match location.filter(|_| answer.status().is_redirection()) {
            Some(location) => {
                let first = crate::service::Replayed {
                    status: answer.status().as_u16(),
                    content_type: None,
                    location: Some(location),
                    body: String::new(),
                };
                idem.finish(key, &first).await
            }
            None => idem.abandon(key).await,
        };
        if let Err(e) = kept {
            tracing::error!("keeping the answer to a save: {e}");
        }
    }
    answer
}

/// A refusal of the service as the form's problems.
fn refusal<'f>(e: &ServiceError, form: &'f FormData) -> FormErrors<'f> {
    FormErrors {
        message: e.message.clone(),
        fields: Vec::new(),
        posted: Some(form),
    }
}

/// The digest that tells one posted save from another: the case, every
/// field but the session's token, and every file's name and bytes.
fn form_digest(period: &str, unit: &str, form: &FormData) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    for part in [period, unit] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    for (k, v) in form.fields.iter().filter(|(k, _)| k != "csrf_token") {
        h.update(k.as_bytes());
        h.update([0]);
        h.update(v.as_bytes());
        h.update([0]);
    }
    for (field, name, bytes) in &form.files {
        h.update(field.as_bytes());
        h.update([0]);
        h.update(name.as_bytes());
        h.update([0]);
        h.update(sha2::Sha256::digest(bytes));
    }
    format!("{:x}", h.finalize())
}

/// The names of the files a refused save did not keep, for its message.
fn files_not_kept(ctx: &Ctx, form: &FormData) -> String {
    let names: Vec<String> = form
        .files
        .iter()
        .filter_map(|(field, name, _)| Some(format!("{} ({name})", field.strip_prefix("ev.")?)))
        .collect();
    if names.is_empty() {
        String::new()
    } else {
        format!(
            " {} {}.",
            ctx.t(
                "Berkas yang dipilih belum tersimpan; pilih lagi:",
                "The chosen files were not kept; choose them again:"
            ),
            names.join(", ")
        )
    }
}

/// Save the draft from a posted form (the page's checks, then the evidence
/// and the document through the service): the redirect when saved, else the
/// form again with its problems.
async fn save_form(
    state: &AppState,
    ctx: &Ctx,
    (period, unit): (&str, &str),
    form: &FormData,
    case: &Case,
) -> Response {
    let (period, unit) = (period.to_owned(), unit.to_owned());
    let Some(me) = ctx.me.as_ref() else {
        return ctx.redirect("/login");
    };
    let cases = state.cases(me);
    // The page's own checks, before anything is stored.
    let mut fields = Vec::new();
    for (_, inds) in case.applicable() {
        for ind in inds {
            let v = form.text(&format!("v.{}", ind.id));
            let has_file = form.files.iter().any(|(n, _, _)| *n == format!("ev.{}", ind.id));
            if v.as_deref() == Some(NOT_APPLICABLE) && form.text(&format!("na.{}", ind.id)).is_none() {
                fields.push((
                    html_id("na", &ind.id),
                    format!(
                        "{}: {}",
                        ind.id,
                        ctx.t("tulis alasan mengapa tidak berlaku", "say why it does not apply")
                    ),
                ));
            }
            if v.is_none() && (has_file || form.text(&format!("note.{}", ind.id)).is_some()) {
                fields.push((
                    html_id("v", &ind.id),
                    format!(
                        "{}: {}",
                        ind.id,
                        ctx.t(
                            "pilih jawaban agar catatan dan bukti tersimpan",
                            "choose an answer so the note and evidence are kept"
                        )
                    ),
                ));
            }
        }
    }
    if !fields.is_empty() {
        let errors = FormErrors {
            message: format!(
                "{}{}",
                ctx.t("Draf belum disimpan.", "The draft was not saved."),
                files_not_kept(ctx, form)
            ),
            fields,
            posted: Some(form),
        };
        return form_page(ctx, case, None, Some(&errors));
    }
    // Evidence first: the document names the files by digest.
    let mut uploaded: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    // Files uploaded on their own (resumable) that the draft does not name yet.
    let uploads = state.uploads(me);
    match uploads.waiting(&period, &unit).await {
        Ok(waiting) => {
            for (ind, path, sha) in waiting {
                uploaded.entry(ind).or_default().push((path, sha));
            }
        }
        Err(e) => return refused(ctx, &e),
    }
    let files = chosen_files(form, "");
    if !files.is_empty() {
        match upload_files(&cases, (&period, &unit), &files).await {
            Ok(stored) => {
                // Stored: should the document be refused, they wait for the next save.
                if let Err(e) = uploads.keep_waiting(&period, &unit, &stored).await {
                    return refused(ctx, &e);
                }
                for (ind, path, sha) in stored {
                    uploaded.entry(ind).or_default().push((path, sha));
                }
            }
            Err(refusal) => {
                let mut errors = upload_refused(ctx, refusal, form);
                errors.message.push_str(&files_not_kept(ctx, form));
                return form_page(ctx, case, None, Some(&errors));
            }
        }
    }
    // The document, from the form.
    let (doc, order) = form_document(case, form, &uploaded, false);
    let bytes = match serde_json::to_vec_pretty(&doc) {
        Ok(b) => b,
        Err(e) => return refused(ctx, &ServiceError::internal(&e)),
    };
    if let Err(e) = cases
        .put_self_assessment(&period, &unit, Source::bytes("self-assessment", bytes))
        .await
    {
        let mut message = e.message.clone();
        if !files.is_empty() {
            message.push(' ');
            message.push_str(ctx.t(
                "Berkas yang dipilih sudah tersimpan di server dan disertakan pada simpanan berikutnya yang menjawab indikatornya.",
                "The chosen files are stored on the server and go with the next save that answers their indicators.",
            ));
        }
        let errors = FormErrors {
            message,
            fields: diagnostic_fields(&e.diagnostics, &order),
            posted: Some(form),
        };
        return form_page(ctx, case, None, Some(&errors));
    }
    if let Err(e) = uploads.mark_attached(&period, &unit, &order).await {
        return refused(ctx, &e);
    }
    let target = case.page(ctx, "");
    if form.get("action") == Some("submit") {
        // Saved; submitting is confirmed on a page that says what is still missing.
        return axum::response::Redirect::to(&case.page(ctx, "/submit")).into_response();
    }
    axum::response::Redirect::to(&format!("{target}?done=saved")).into_response()
}

/// The self-assessment document the form stands for: every answered
/// indicator that applies, the evidence already attached to it plus the files
/// just `uploaded` (indicator → (path, digest)), its note; with
/// `leave_incomplete`, an answer "tidak berlaku" without a justification yet
/// is left out (a preview) instead of sent for the service to refuse (a save).
/// Also the indicators in the order of `answers`.
pub(crate) fn form_document(
    case: &Case,
    form: &FormData,
    uploaded: &BTreeMap<String, Vec<(String, String)>>,
    leave_incomplete: bool,
) -> (Assessment, Vec<String>) {
    let previous = case.self_doc();
    let mut answers = Vec::new();
    let mut order = Vec::new();
    for (_, inds) in case.applicable() {
        for ind in inds {
            let Some(v) = form.text(&format!("v.{}", ind.id)) else {
                continue;
            };
            let (value, not_applicable) = if v == NOT_APPLICABLE {
                let why = form.text(&format!("na.{}", ind.id));
                if why.is_none() && leave_incomplete {
                    continue;
                }
                (None, why)
            } else {
                (Some(v), None)
            };
            let mut evidence: Vec<EvidenceRef> = previous
                .and_then(|d| d.answer(&ind.id))
                .map(|a| a.evidence.clone())
                .unwrap_or_default();
            for (path, sha) in uploaded.get(&ind.id).into_iter().flatten() {
                if !evidence.iter().any(|e| e.sha256.as_deref() == Some(sha.as_str())) {
                    evidence.push(EvidenceRef {
                        path: path.clone(),
                        sha256: Some(sha.clone()),
                        caption: None,
                    });
                }
            }
            answers.push(Answer {
                indicator: ind.id.clone(),
                value,
                not_applicable,
                evidence,
                note: form.text(&format!("note.{}", ind.id)),
            });
            order.push(ind.id.clone());
        }
    }
    let u = case.unit();
    let period = &case.file.period;
    let doc = Assessment {
        format: AssessmentFormat::V1,
        instrument: InstrumentRef {
            id: period.instrument.id.clone(),
            version: period.instrument.version.clone(),
        },
        unit: Unit {
            id: u.id.clone(),
            name: u.name.clone(),
            kind: u.kind.clone(),
            office: Some(u.office.clone()),
        },
        period: period.id.clone(),
        stage: Stage::SelfAssessment,
        verifies: None,
        assessed_on: previous.and_then(|p| p.assessed_on.clone()),
        assessors: previous.map(|p| p.assessors.clone()).unwrap_or_default(),
        answers,
    };
    (doc, order)
}

/// The live score preview: the form as posted (its files aside), scored by
/// the service exactly as a save would score it, answered with the score
/// card's HTML (the report layer's fragment inside). Nothing is stored.
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
    let Some(me) = ctx.me.as_ref().filter(|m| m.role == Role::Operator) else {
        return fragment(
            StatusCode::FORBIDDEN,
            ctx.t(
                "Pratinjau ini untuk operator unit.",
                "The preview is for unit operators.",
            ),
        );
    };
    let case = match state.cases(me).file(&period, &unit).await {
        Ok(file) => Case::from_file(&ctx, file),
        Err(e) => return fragment(status_of(&e), &e.message),
    };
    let (doc, _) = form_document(&case, &form, &BTreeMap::new(), true);
    let bytes = match serde_json::to_vec(&doc) {
        Ok(b) => b,
        Err(e) => return fragment(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    };
    match state
        .cases(me)
        .preview_self_assessment(&period, &unit, Source::bytes("preview", bytes))
        .await
    {
        Ok(report) => (
            [(axum::http::header::CACHE_CONTROL, "no-store")],
            axum::response::Html(score_card(&ctx, Some(&report), false).into_string()),
        )
            .into_response(),
        Err(e) => fragment(status_of(&e), &e.message),
    }
}

/// The HTTP status of a refusal.
fn status_of(e: &ServiceError) -> StatusCode {
    StatusCode::from_u16(e.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// A short HTML answer for the preview's area: why there is no preview.
fn fragment(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        axum::response::Html(maud::html! { p.field-error { (message) } }.into_string()),
    )
        .into_response()
}

/// Which evidence file of which answer (`?indicator=…&sha256=…`, or the same posted).
#[derive(serde::Deserialize)]
pub(crate) struct EvidenceChoice {
    indicator: Option<String>,
    sha256: Option<String>,
}

/// The evidence file an answer of the current self-assessment names, when it does.
fn named_evidence<'c>(case: &'c Case, indicator: &str, sha: &str) -> Option<&'c EvidenceRef> {
    case.self_doc()?
        .answer(indicator)?
        .evidence
        .iter()
        .find(|e| e.sha256.as_deref() == Some(sha))
}

fn no_such_evidence(ctx: &Ctx) -> ServiceError {
    ServiceError::not_found(ctx.t(
        "Bukti itu tidak ada pada jawaban ini.",
        "That evidence is not attached to this answer.",
    ))
}

/// Ask to confirm removing an evidence file from an answer (a page, so it works without JavaScript).
pub(crate) async fn remove_evidence_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((period, unit)): Path<(String, String)>,
    axum::extract::Query(q): axum::extract::Query<EvidenceChoice>,
) -> Response {
    let case = match Case::read(&state, &ctx, &period, &unit).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let (indicator, sha) = (q.indicator.unwrap_or_default(), q.sha256.unwrap_or_default());
    let Some(e) = named_evidence(&case, &indicator, &sha) else {
        return refused(&ctx, &no_such_evidence(&ctx));
    };
    let back = format!("{}#{}", case.page(&ctx, ""), html_id("v", &indicator));
    let title = ctx.t("Hapus bukti?", "Remove the evidence?");
    let content = html! {
        h1 { (title) }
        p {
            (ctx.t("Berkas", "The file")) " " strong { (e.path) } " "
            (ctx.t("akan dilepas dari jawaban indikator", "will be removed from the answer to indicator")) " "
            strong { (indicator) } "."
        }
        @if case.is_image(&sha) {
            p { img.preview src=(case.evidence_url(&sha)) alt=(format!("{}: {}", ctx.t("Foto bukti", "Evidence photo"), e.path)); }
        }
        p.hint { (ctx.t(
            "Draf disimpan tanpa berkas ini. Versi penilaian sebelumnya tetap tercatat dalam riwayat. Perubahan lain di formulir yang belum disimpan tidak ikut tersimpan.",
            "The draft is saved without this file. Earlier versions of the assessment stay on record. Other changes on the form that were not saved are not kept.")) }
        form method="post" action=(case.page(&ctx, "/evidence/remove")) {
            input type="hidden" name="csrf_token" value=(ctx.csrf);
            input type="hidden" name="indicator" value=(indicator);
            input type="hidden" name="sha256" value=(sha);
            div.actions {
                button.warn type="submit" { (ctx.t("Ya, hapus bukti ini", "Yes, remove this evidence")) }
                a.button.secondary href=(back) { (ctx.t("Batal", "Cancel")) }
            }
        }
    };
    page(&ctx, title, &content)
}

/// Remove an evidence file from an answer: the service stores the current
/// self-assessment again without it (and checks who may change it).
pub(crate) async fn remove_evidence(
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
        (64 * 1024, 64 * 1024, 0),
    )
    .await
    {
        Ok(posted) => posted,
        Err(r) => return r,
    };
    let indicator = form.text("indicator").unwrap_or_default();
    let sha = form.text("sha256").unwrap_or_default();
    if named_evidence(&case, &indicator, &sha).is_none() {
        return refused(&ctx, &no_such_evidence(&ctx));
    }
    let Some(me) = ctx.me.as_ref() else {
        return ctx.redirect("/login");
    };
    if let Err(e) = state
        .cases(me)
        .detach_evidence(&period, &unit, &indicator, &sha)
        .await
    {
        return refused(&ctx, &e);
    }
    let target = case.page(&ctx, &format!("?done=removed#{}", html_id("v", &indicator)));
    axum::response::Redirect::to(&target).into_response()
}
