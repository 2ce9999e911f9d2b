//! The operator's pages: the unit's periods, and the self-assessment form
//! generated from the period's instrument for the unit's kind.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use p2ham_io::model::{Assessment, Indicator, Instrument};
use p2ham_io::{LoadedAssessment, LoadedInstrument};
use serde_json::{json, Value};

use super::{
    answers, error_summary, html_id, notice, page, refused, status_badge, urlencode, Ctx, FormData, Problem,
};
use crate::AppState;

/// The radio value that stands for "tidak berlaku".
pub(crate) const NOT_APPLICABLE: &str = "__na";

/// The operator's start page: the unit's periods with status and deadline.
pub(crate) async fn periods_page(State(state): State<AppState>, ctx: Ctx) -> Response {
    let me = match ctx.me() {
        Ok(m) => m.clone(),
        Err(r) => return r,
    };
    let Some(unit) = me.unit.clone() else {
        return refused(
            &ctx,
            &Problem {
                status: StatusCode::FORBIDDEN,
                message: ctx
                    .t(
                        "Halaman ini untuk operator unit.",
                        "This page is for unit operators.",
                    )
                    .into(),
                ..Problem::default()
            },
        );
    };
    let periods = ctx.get(&state, "/api/v1/periods").await.json();
    let mut rows = Vec::new();
    for p in periods.as_array().into_iter().flatten() {
        let id = p["id"].as_str().unwrap_or_default().to_owned();
        let case = ctx
            .get(
                &state,
                &format!("/api/v1/periods/{}/units/{}", urlencode(&id), urlencode(&unit)),
            )
            .await
            .json();
        rows.push((p.clone(), case));
    }
    let unit_name = rows
        .first()
        .and_then(|(_, c)| c["unit"]["name"].as_str())
        .unwrap_or(&unit)
        .to_owned();
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
                        @let id = p["id"].as_str().unwrap_or_default();
                        @let status = c["status"].as_str().unwrap_or("draft");
                        tr role="row" {
                            th scope="row" role="rowheader" data-label=(h_period) { (id) }
                            td role="cell" data-label=(h_instrument) { (p["instrument"]["id"].as_str().unwrap_or_default()) " " (p["instrument"]["version"].as_str().unwrap_or_default()) }
                            td role="cell" data-label=(h_status) { (status_badge(&ctx, status)) }
                            td role="cell" data-label=(h_deadline) { (p["self_closes"].as_str().unwrap_or(ctx.t("tidak dibatasi", "no deadline"))) }
                            td role="cell" data-label=(h_action) { a href=(format!("/periods/{}/units/{}", urlencode(id), urlencode(&unit))) {
                                @if matches!(status, "draft" | "returned") { (ctx.t("Isi penilaian", "Fill in")) } @else { (ctx.t("Lihat", "View")) }
                                span.visually-hidden { " " (id) }
                            } }
                        }
                    }
                }
            } }
        }
    };
    page(&ctx, ctx.t("Penilaian mandiri", "Self-assessment"), &content)
}

/// Everything the form of one unit and period needs, read through the API.
pub(crate) struct Case {
    /// The API's view of the unit's evaluation (`GET …/periods/{p}/units/{u}`).
    pub data: Value,
    pub period: Value,
    pub instrument: Arc<LoadedInstrument>,
    pub self_doc: Option<LoadedAssessment>,
    /// The score of the current self-assessment, as the operations module computed it.
    pub self_score: Option<p2ham_io::scoring::ScoreReport>,
}

impl Case {
    pub fn status(&self) -> &str {
        self.data["status"].as_str().unwrap_or("draft")
    }

    pub fn unit(&self) -> &Value {
        &self.data["unit"]
    }

    pub fn instrument(&self) -> &Instrument {
        self.instrument.checked.instrument()
    }

    /// The indicators that apply to the unit's kind, by criterion.
    pub fn applicable(&self) -> Vec<(&p2ham_io::model::Criterion, Vec<&Indicator>)> {
        let kind = self.unit()["kind"].as_str().unwrap_or_default();
        self.instrument()
            .criteria
            .iter()
            .map(|c| {
                (
                    c,
                    c.indicators
                        .iter()
                        .filter(|i| i.applies_to_kind(kind))
                        .collect::<Vec<_>>(),
                )
            })
            .filter(|(_, v)| !v.is_empty())
            .collect()
    }

    /// The verifiers' comments: per indicator (`""` for general ones), with their round.
    pub fn comments(&self) -> BTreeMap<String, Vec<(i64, String)>> {
        let mut out: BTreeMap<String, Vec<(i64, String)>> = BTreeMap::new();
        for c in self.data["comments"].as_array().into_iter().flatten() {
            out.entry(c["indicator"].as_str().unwrap_or_default().to_owned())
                .or_default()
                .push((
                    c["round"].as_i64().unwrap_or(1),
                    c["body"].as_str().unwrap_or_default().to_owned(),
                ));
        }
        out
    }

    /// An evidence file's URL on the API.
    pub fn evidence_url(&self, sha: &str) -> String {
        format!(
            "/api/v1/periods/{}/units/{}/evidence/{sha}",
            urlencode(self.data["period"].as_str().unwrap_or_default()),
            urlencode(self.unit()["id"].as_str().unwrap_or_default())
        )
    }

    /// Whether an uploaded file (by digest) is an image.
    pub fn is_image(&self, sha: &str) -> bool {
        self.data["evidence"].as_array().into_iter().flatten().any(|e| {
            e["sha256"].as_str() == Some(sha)
                && e["content_type"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("image/"))
        })
    }
}

/// A stored document as the library reads it.
pub(crate) fn loaded(name: &str, bytes: &[u8]) -> Option<LoadedAssessment> {
    p2ham_io::read_assessment(p2ham_io::Source::bytes(name, bytes)).ok()
}

/// A form posted for a unit's case (read under `limit` bytes, its CSRF token
/// checked), and the case; the page to send instead when either fails.
pub(crate) async fn posted_case(
    state: &AppState,
    ctx: &Ctx,
    (period, unit): (&str, &str),
    headers: &HeaderMap,
    body: Body,
    limit: u64,
) -> Result<(super::FormData, Case), Response> {
    let form = super::posted(ctx, headers, body, limit).await?;
    let case = read_case(state, ctx, period, unit)
        .await
        .map_err(|p| refused(ctx, &p))?;
    Ok((form, case))
}

/// Read a unit's case, its period, instrument and current self-assessment.
pub(crate) async fn read_case(
    state: &AppState,
    ctx: &Ctx,
    period: &str,
    unit: &str,
) -> Result<Case, Problem> {
    let base = format!("/api/v1/periods/{}/units/{}", urlencode(period), urlencode(unit));
    let r = ctx.get(state, &base).await;
    if !r.ok() {
        return Err(r.problem());
    }
    let case = r.json();
    let p = ctx
        .get(state, &format!("/api/v1/periods/{}", urlencode(period)))
        .await;
    if !p.ok() {
        return Err(p.problem());
    }
    let period = p.json();
    let instrument = state
        .instrument(period["instrument"]["sha256"].as_str().unwrap_or_default())
        .await
        .map_err(|e| Problem {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: e.to_string(),
            ..Problem::default()
        })?;
    let (self_doc, self_score) = if case["self_assessment"].is_object() {
        let d = ctx.get(state, &format!("{base}/self-assessment")).await;
        if d.ok() {
            let source = p2ham_io::Source::bytes("self-assessment", &d.body[..]);
            match p2ham_io::ops::score(source, Some(p2ham_io::ops::InstrumentInput::Loaded(&instrument))) {
                Ok(scored) => (Some(scored.document), Some(scored.report)),
                Err(_) => (loaded("self-assessment", &d.body), None),
            }
        } else {
            (None, None)
        }
    } else {
        (None, None)
    };
    Ok(Case {
        data: case,
        period,
        instrument,
        self_doc,
        self_score,
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

/// Problems of a posted form: a message and (field id, text) pairs.
pub(crate) struct FormErrors<'a> {
    pub message: String,
    pub fields: Vec<(String, String)>,
    pub posted: Option<&'a FormData>,
}

impl FormErrors<'_> {
    /// The problem of one field (by its HTML id), if any.
    pub fn field(errors: Option<&FormErrors<'_>>, id: &str) -> Option<String> {
        errors.and_then(|e| e.fields.iter().find(|(k, _)| k == id).map(|(_, m)| m.clone()))
    }
}

/// The self-assessment form (or, once submitted, the read-only view).
pub(crate) async fn form_page(
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
    let editable = matches!(status.as_str(), "draft" | "returned");
    let doc = case.self_doc.as_ref().map(|d| &d.assessment);
    let prefill = match errors.as_ref().and_then(|e| e.posted) {
        Some(f) => Prefill::Form(f),
        None => Prefill::Doc(doc),
    };
    let score = case.self_score.as_ref();
    let comments = case.comments();
    let round = case.data["round"].as_i64().unwrap_or(1);
    let field_error = |id: &str| FormErrors::field(errors.as_ref(), id);
    let unit_name = case.unit()["name"].as_str().unwrap_or(unit).to_owned();
    let action = format!("/periods/{}/units/{}/save", urlencode(period), urlencode(unit));
    let lang = ctx.lang;
    let content = html! {
        p { a href="/unit" { "← " (ctx.t("Periode penilaian", "Evaluation periods")) } }
        h1 { (ctx.t("Penilaian mandiri", "Self-assessment")) " " (period) ": " (unit_name) }
        p { (ctx.t("Status", "Status")) ": " (status_badge(ctx, &status))
            @if let Some(c) = case.period["self_closes"].as_str() {
                " · " (ctx.t("Batas waktu", "Deadline")) ": " (c)
            } }
        @if let Some(f) = flash { (notice(f)) }
        @if let Some(e) = &errors { (error_summary(ctx, &e.message, &e.fields)) }
        @if status == "returned" {
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
        @if !editable {
            p { (ctx.t("Penilaian ini sudah diajukan dan tidak dapat diubah lagi.", "This assessment was submitted and can no longer be changed.")) }
        }
        form method="post" action=(action) enctype="multipart/form-data" novalidate
            data-preview=[editable.then(|| format!("/periods/{}/units/{}/preview", urlencode(period), urlencode(unit)))] {
            input type="hidden" name="csrf_token" value=(ctx.csrf);
            @for (criterion, indicators) in case.applicable() {
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
                                @if ind.mandatory { " " span.badge { (ctx.t("wajib", "mandatory")) } } }
                            @for (r, c) in comments.get(&ind.id).into_iter().flatten() {
                                div.comment role="note" {
                                    strong { (ctx.t("Komentar verifikator", "Verifier's comment")) " (" (ctx.t("putaran", "round")) " " (r) ")" @if *r == round - 1 { " — " (ctx.t("terbaru", "latest")) } ": " }
                                    (c)
                                }
                            }
                            @if let Some(m) = &ve { p.field-error id=(format!("{vid}-error")) { (m) } }
                            div.options {
                                (answers::options(ctx, &case, ind, &vid, value.as_deref(), editable))
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
                                (answers::evidence_list(ctx, &case, &ind.id, evs, editable))
                            }
                            @if editable {
                                @let evid = html_id("ev", &ind.id);
                                @let camid = html_id("cam", &ind.id);
                                fieldset.evidence aria-describedby=[eve.as_ref().map(|_| format!("{evid}-error"))] {
                                    legend { (ctx.t("Tambah bukti", "Add evidence")) }
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
            @if editable {
                div.preview-bar #score-live role="status" aria-live="polite" aria-atomic="true" hidden {}
                div.actions {
                    button type="submit" name="action" value="draft" { (ctx.t("Simpan draf", "Save draft")) }
                    button.secondary type="submit" name="action" value="submit" { (ctx.t("Simpan dan ajukan untuk verifikasi", "Save and submit for verification")) }
                }
            }
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

/// A file name made into a clean evidence path segment.
fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let clean = clean.trim_matches('.').to_owned();
    if clean.is_empty() {
        "berkas".to_owned()
    } else {
        clean
    }
}

/// Save the draft (and submit when asked): page checks first, then the
/// evidence upload, the document and the submission through the API.
pub(crate) async fn save(
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
        state.settings().max_evidence_bytes,
    )
    .await
    {
        Ok(posted) => posted,
        Err(r) => return r,
    };
    let base = format!(
        "/api/v1/periods/{}/units/{}",
        urlencode(&period),
        urlencode(&unit)
    );
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
            message: ctx
                .t("Draf belum disimpan.", "The draft was not saved.")
                .to_owned(),
            fields,
            posted: Some(&form),
        };
        return form_page(&state, &ctx, &period, &unit, None, Some(errors)).await;
    }
    // Evidence first: the document names the files by digest.
    let csrf = form.get("csrf_token").unwrap_or_default().to_owned();
    let mut uploaded: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    if !form.files.is_empty() {
        let boundary = format!("p2ham-{}", crate::types::random_hex(12));
        let mut body = Vec::new();
        let mut names = Vec::new();
        for (field, file, bytes) in &form.files {
            let Some(ind) = field.strip_prefix("ev.") else {
                continue;
            };
            let path = format!("{}/{}", clean_file_name(ind), clean_file_name(file));
            names.push((ind.to_owned(), path.clone()));
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{path}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let r = ctx
            .send(
                &state,
                Method::POST,
                &format!("{base}/evidence"),
                &csrf,
                &format!("multipart/form-data; boundary={boundary}"),
                body,
            )
            .await;
        if !r.ok() {
            let p = r.problem();
            let fields = names
                .iter()
                .filter(|(_, path)| p.message.contains(path.as_str()))
                .map(|(ind, _)| (html_id("ev", ind), format!("{ind}: {}", p.message)))
                .collect::<Vec<_>>();
            let errors = FormErrors {
                message: format!(
                    "{} {}",
                    ctx.t(
                        "Bukti tidak dapat diunggah:",
                        "The evidence could not be uploaded:"
                    ),
                    p.message
                ),
                fields,
                posted: Some(&form),
            };
            return form_page(&state, &ctx, &period, &unit, None, Some(errors)).await;
        }
        for (e, (ind, _)) in r.json().as_array().into_iter().flatten().zip(&names) {
            uploaded.entry(ind.clone()).or_default().push((
                e["path"].as_str().unwrap_or_default().to_owned(),
                e["sha256"].as_str().unwrap_or_default().to_owned(),
            ));
        }
    }
    // The document, from the form.
    let (doc, order) = form_document(&case, &period, &form, &uploaded, false);
    let r = ctx
        .send_json(
            &state,
            Method::PUT,
            &format!("{base}/self-assessment"),
            &csrf,
            &doc,
        )
        .await;
    if !r.ok() {
        let p = r.problem();
        let errors = FormErrors {
            message: p.message.clone(),
            fields: diagnostic_fields(&p, &order),
            posted: Some(&form),
        };
        return form_page(&state, &ctx, &period, &unit, None, Some(errors)).await;
    }
    let target = format!("/periods/{}/units/{}", urlencode(&period), urlencode(&unit));
    if form.get("action") == Some("submit") {
        let r = ctx
            .send(
                &state,
                Method::POST,
                &format!("{base}/submit"),
                &csrf,
                "application/json",
                Vec::new(),
            )
            .await;
        if !r.ok() {
            let p = r.problem();
            let errors = FormErrors {
                message: format!(
                    "{} {}",
                    ctx.t(
                        "Draf tersimpan, tetapi belum dapat diajukan:",
                        "The draft is saved but could not be submitted:"
                    ),
                    p.message
                ),
                fields: diagnostic_fields(&p, &order),
                posted: None,
            };
            return form_page(&state, &ctx, &period, &unit, None, Some(errors)).await;
        }
        return Redirect::to(&format!("{target}?done=submitted")).into_response();
    }
    Redirect::to(&format!("{target}?done=saved")).into_response()
}

/// The self-assessment document the form stands for: every answered
/// indicator that applies, the evidence already attached to it plus the files
/// just `uploaded` (indicator → (path, digest)), its note; with
/// `leave_incomplete`, an answer "tidak berlaku" without a justification yet
/// is left out (a preview) instead of sent for the API to refuse (a save).
/// Also the indicators in the order of `answers`.
pub(crate) fn form_document(
    case: &Case,
    period: &str,
    form: &FormData,
    uploaded: &BTreeMap<String, Vec<(String, String)>>,
    leave_incomplete: bool,
) -> (Value, Vec<String>) {
    let previous = case.self_doc.as_ref().map(|d| &d.assessment);
    let mut answers = Vec::new();
    let mut order = Vec::new();
    for (_, inds) in case.applicable() {
        for ind in inds {
            let Some(v) = form.text(&format!("v.{}", ind.id)) else {
                continue;
            };
            let mut a = serde_json::Map::new();
            a.insert("indicator".into(), json!(ind.id));
            if v == NOT_APPLICABLE {
                let why = form.text(&format!("na.{}", ind.id));
                if why.is_none() && leave_incomplete {
                    continue;
                }
                a.insert("not_applicable".into(), json!(why));
            } else {
                a.insert("value".into(), json!(v));
            }
            let mut evidence: Vec<Value> = previous
                .and_then(|d| d.answer(&ind.id))
                .map(|a| {
                    a.evidence
                        .iter()
                        .map(|e| serde_json::to_value(e).unwrap_or(Value::Null))
                        .collect()
                })
                .unwrap_or_default();
            for (path, sha) in uploaded.get(&ind.id).into_iter().flatten() {
                if !evidence.iter().any(|e| e["sha256"].as_str() == Some(sha)) {
                    evidence.push(json!({"path": path, "sha256": sha}));
                }
            }
            if !evidence.is_empty() {
                a.insert("evidence".into(), Value::Array(evidence));
            }
            if let Some(n) = form.text(&format!("note.{}", ind.id)) {
                a.insert("note".into(), json!(n));
            }
            answers.push(Value::Object(a));
            order.push(ind.id.clone());
        }
    }
    let u = case.unit();
    let mut doc = json!({
        "format": p2ham_io::model::format::ASSESSMENT,
        "instrument": {"id": case.period["instrument"]["id"], "version": case.period["instrument"]["version"]},
        "unit": {"id": u["id"], "name": u["name"], "kind": u["kind"], "office": u["office"]},
        "period": period,
        "stage": "self",
        "answers": answers,
    });
    if let Some(p) = previous {
        if let Some(d) = &p.assessed_on {
            doc["assessed_on"] = json!(d);
        }
        if !p.assessors.is_empty() {
            doc["assessors"] = serde_json::to_value(&p.assessors).unwrap_or(Value::Null);
        }
    }
    (doc, order)
}

/// The live score preview: the form as posted (its files aside), scored by
/// the library exactly as a save would score it, answered with the score
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
    if ctx.me.as_ref().map(|m| m.role) != Some(crate::types::Role::Operator) {
        return fragment(
            StatusCode::FORBIDDEN,
            ctx.t(
                "Pratinjau ini untuk operator unit.",
                "The preview is for unit operators.",
            ),
        );
    }
    let case = match read_case(&state, &ctx, &period, &unit).await {
        Ok(c) => c,
        Err(p) => return fragment(p.status, &p.message),
    };
    let (doc, _) = form_document(&case, &period, &form, &BTreeMap::new(), true);
    let bytes = serde_json::to_vec(&doc).expect("a JSON value serialises");
    let instrument = p2ham_io::ops::InstrumentInput::Loaded(&case.instrument);
    let scored = p2ham_io::ops::score(p2ham_io::Source::bytes("preview", &bytes), Some(instrument));
    match scored {
        Ok(scored) => {
            let markup = score_card(&ctx, Some(&scored.report), false);
            (
                [(axum::http::header::CACHE_CONTROL, "no-store")],
                axum::response::Html(markup.into_string()),
            )
                .into_response()
        }
        Err(e) => fragment(StatusCode::UNPROCESSABLE_ENTITY, &e.to_string()),
    }
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

/// The API's diagnostics (`answers[3].value`) as links to the form's fields.
pub(crate) fn diagnostic_fields(p: &Problem, order: &[String]) -> Vec<(String, String)> {
    p.diagnostics
        .iter()
        .map(|(path, message)| {
            let ind = path
                .strip_prefix("answers[")
                .and_then(|r| r.split_once(']'))
                .and_then(|(i, rest)| Some((order.get(i.parse::<usize>().ok()?)?, rest)));
            match ind {
                Some((ind, rest)) => {
                    let prefix = if rest.starts_with(".not_applicable") {
                        "na"
                    } else if rest.starts_with(".note") {
                        "note"
                    } else if rest.starts_with(".evidence") {
                        "ev"
                    } else {
                        "v"
                    };
                    (html_id(prefix, ind), format!("{ind}: {message}"))
                }
                None => ("main".to_owned(), format!("{path}: {message}")),
            }
        })
        .collect()
}

/// Which evidence file of which answer (`?indicator=…&sha256=…`, or the same posted).
#[derive(serde::Deserialize)]
pub(crate) struct EvidenceChoice {
    indicator: Option<String>,
    sha256: Option<String>,
}

/// The evidence file an answer of the current self-assessment names, when it does.
fn named_evidence<'c>(
    case: &'c Case,
    indicator: &str,
    sha: &str,
) -> Option<&'c p2ham_io::model::EvidenceRef> {
    case.self_doc
        .as_ref()?
        .assessment
        .answer(indicator)?
        .evidence
        .iter()
        .find(|e| e.sha256.as_deref() == Some(sha))
}

fn no_such_evidence(ctx: &Ctx) -> Problem {
    Problem {
        status: StatusCode::NOT_FOUND,
        message: ctx
            .t(
                "Bukti itu tidak ada pada jawaban ini.",
                "That evidence is not attached to this answer.",
            )
            .to_owned(),
        ..Problem::default()
    }
}

/// Ask to confirm removing an evidence file from an answer (a page, so it works without JavaScript).
pub(crate) async fn remove_evidence_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((period, unit)): Path<(String, String)>,
    axum::extract::Query(q): axum::extract::Query<EvidenceChoice>,
) -> Response {
    if let Err(r) = ctx.me() {
        return r;
    }
    let case = match read_case(&state, &ctx, &period, &unit).await {
        Ok(c) => c,
        Err(p) => return refused(&ctx, &p),
    };
    let (indicator, sha) = (q.indicator.unwrap_or_default(), q.sha256.unwrap_or_default());
    let Some(e) = named_evidence(&case, &indicator, &sha) else {
        return refused(&ctx, &no_such_evidence(&ctx));
    };
    let back = format!(
        "/periods/{}/units/{}#{}",
        urlencode(&period),
        urlencode(&unit),
        html_id("v", &indicator)
    );
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
        form method="post" action=(format!("/periods/{}/units/{}/evidence/remove", urlencode(&period), urlencode(&unit))) {
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

/// Remove an evidence file from an answer: the current self-assessment is
/// stored again without it, through the API (which checks who may change it).
pub(crate) async fn remove_evidence(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((period, unit)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let (form, case) = match posted_case(&state, &ctx, (&period, &unit), &headers, body, 64 * 1024).await {
        Ok(posted) => posted,
        Err(r) => return r,
    };
    let indicator = form.text("indicator").unwrap_or_default();
    let sha = form.text("sha256").unwrap_or_default();
    if named_evidence(&case, &indicator, &sha).is_none() {
        return refused(&ctx, &no_such_evidence(&ctx));
    }
    let base = format!(
        "/api/v1/periods/{}/units/{}",
        urlencode(&period),
        urlencode(&unit)
    );
    // The stored document as it is, less that one file.
    let stored = ctx.get(&state, &format!("{base}/self-assessment")).await;
    if !stored.ok() {
        return refused(&ctx, &stored.problem());
    }
    let mut doc = stored.json();
    for a in doc["answers"].as_array_mut().into_iter().flatten() {
        if a["indicator"].as_str() != Some(indicator.as_str()) {
            continue;
        }
        if let Some(evs) = a["evidence"].as_array_mut() {
            evs.retain(|e| e["sha256"].as_str() != Some(sha.as_str()));
            if evs.is_empty() {
                if let Some(o) = a.as_object_mut() {
                    o.remove("evidence");
                }
            }
        }
    }
    let csrf = form.get("csrf_token").unwrap_or_default().to_owned();
    let r = ctx
        .send_json(
            &state,
            Method::PUT,
            &format!("{base}/self-assessment"),
            &csrf,
            &doc,
        )
        .await;
    if !r.ok() {
        return refused(&ctx, &r.problem());
    }
    Redirect::to(&format!(
        "/periods/{}/units/{}?done=removed#{}",
        urlencode(&period),
        urlencode(&unit),
        html_id("v", &indicator)
    ))
    .into_response()
}
