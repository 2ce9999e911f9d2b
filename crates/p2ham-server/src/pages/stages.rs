//! The pages of the stages around the assessment and of the administrator's
//! instruments and audit log: the unit's signed declaration (pencanangan)
//! and its satisfaction survey (SKM) on the operator's page, the IKM beside
//! the P2HAM score for the verifier and the evaluator, the outcome document
//! as the regulation names it, the instruments with the difference between
//! two, and the audit log filtered by unit, actor and action with the
//! result of checking it. Everything works without JavaScript.

use std::fmt::Write as _;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup, PreEscaped};
use serde::Deserialize;

use super::case::{Case, FormErrors};
use super::{error_summary, notice, page, refused, urlencode, when, Ctx};
use crate::proto::{AuditFilter, CaseSummary, SkmInfo};
use crate::service::{Action, ErrorCode, InstrumentSyntax, ServiceError, MAX_SKM_BYTES};
use crate::AppState;

/// The routes of these pages (merged into the pages' router).
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/instruments", get(instruments_page).post(add_instrument))
        .route("/admin/audit", get(audit_page))
        .route(
            "/periods/{period}/units/{unit}/declaration",
            post(upload_declaration),
        )
        .route("/periods/{period}/units/{unit}/skm", post(upload_skm))
}

// ---------------------------------------------------------------- the unit's stages

/// A size in kB or MB, as people read it.
pub(crate) fn size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        let tenths = (bytes.saturating_mul(10) + 512 * 1024) / (1024 * 1024);
        format!("{}.{} MB", tenths / 10, tenths % 10)
    } else {
        format!("{} kB", (bytes + 1023) / 1024)
    }
}

/// The IKM, its band and respondents in one line.
fn skm_line(ctx: &Ctx, s: &SkmInfo) -> Markup {
    html! {
        span.ikm { "IKM " strong { (s.ikm) } } " — " (ctx.t("mutu", "band")) " " strong { (s.mutu) }
        " (" (kinerja(ctx, &s.kinerja)) "), " (s.respondents) " " (ctx.t("responden", "respondents"))
    }
}

/// The performance band in the visitor's language.
fn kinerja(ctx: &Ctx, id: &str) -> String {
    match id {
        "Sangat Baik" => ctx.t("Sangat Baik", "Very good"),
        "Baik" => ctx.t("Baik", "Good"),
        "Kurang Baik" => ctx.t("Kurang Baik", "Less than good"),
        "Tidak Baik" => ctx.t("Tidak Baik", "Not good"),
        other => other,
    }
    .to_owned()
}

/// The operator's sections for the stages around the self-assessment: the
/// signed declaration (pencanangan), without which it cannot be submitted,
/// and the period's satisfaction survey; each with an upload form while the
/// self-assessment may still change.
pub(crate) fn operator_stages(ctx: &Ctx, case: &Case) -> Markup {
    let open = case.status().allows(Action::Submit);
    let declaration = case.view().declaration.as_ref();
    let skm = case.view().skm.as_ref();
    html! {
        section.card #declaration aria-labelledby="declaration-title" {
            h2 #declaration-title { (ctx.t("Pencanangan: pernyataan bertanda tangan", "Pencanangan: the signed declaration")) }
            @if let Some(d) = declaration {
                p #declaration-status data-uploaded="true" {
                    (ctx.t("Sudah diunggah", "Uploaded")) ": "
                    a href=(case.api("/declaration")) { (d.file_name) } " (" (size(d.size)) ", " (when(ctx, &d.uploaded_at)) ")"
                }
            } @else {
                div.alert.error #declaration-status role="note" data-uploaded="false" { p { (ctx.t(
                    "Pernyataan pencanangan belum diunggah. Penilaian mandiri tidak dapat diajukan sebelum pernyataan yang ditandatangani kepala unit diunggah.",
                    "The declaration is not uploaded yet. The self-assessment cannot be submitted before the declaration signed by the unit head is uploaded.")) } }
            }
            @if open {
                form method="post" action=(case.page(ctx, "/declaration")) enctype="multipart/form-data" {
                    input type="hidden" name="csrf_token" value=(ctx.csrf);
                    div.field {
                        label for="declaration-file" { (ctx.t("Pindaian atau foto pernyataan (PDF, JPEG atau PNG)", "Scan or photo of the declaration (PDF, JPEG or PNG)")) }
                        input #declaration-file type="file" name="declaration" accept="application/pdf,image/jpeg,image/png" required;
                    }
                    div.actions { button.secondary type="submit" {
                        @if declaration.is_some() { (ctx.t("Ganti pernyataan", "Replace the declaration")) } @else { (ctx.t("Unggah pernyataan", "Upload the declaration")) }
                    } }
                }
            }
        }
        section.card #skm aria-labelledby="skm-title" {
            h2 #skm-title { (ctx.t("Survei Kepuasan Masyarakat (SKM)", "Public satisfaction survey (SKM)")) }
            @if let Some(s) = skm {
                p #skm-result { (skm_line(ctx, s)) }
                p.hint { (s.file_name) ", " (when(ctx, &s.uploaded_at)) }
            } @else {
                p #skm-result { (ctx.t("Hasil survei periode ini belum diunggah.", "The period's survey results are not uploaded yet.")) }
            }
            @if open {
                form method="post" action=(case.page(ctx, "/skm")) enctype="multipart/form-data" {
                    input type="hidden" name="csrf_token" value=(ctx.csrf);
                    div.field {
                        label for="skm-file" { (ctx.t("Jawaban survei (CSV atau XLSX)", "Survey answers (CSV or XLSX)")) }
                        p.hint #skm-file-hint { (ctx.t(
                            "Satu baris per responden, kolom U1 sampai U9 berisi jawaban 1–4 (PermenPANRB 14/2017). Berkas .xls lama tidak diterima: simpan sebagai .xlsx atau .csv.",
                            "One row per respondent, columns U1 to U9 holding answers 1–4 (PermenPANRB 14/2017). Legacy .xls files are not accepted: save as .xlsx or .csv.")) }
                        input #skm-file type="file" name="skm" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                            aria-describedby="skm-file-hint" required;
                    }
                    div.actions { button.secondary type="submit" { (ctx.t("Unggah hasil survei", "Upload the survey results")) } }
                }
            }
        }
    }
}

/// The IKM beside the P2HAM score of one unit (the verifier's and the evaluator's pages).
pub(crate) fn skm_beside_score(ctx: &Ctx, case: &Case) -> Markup {
    let lang = ctx.lang;
    let own = case.file.self_score.as_ref().map(|s| s.total);
    let verified = case.file.comparison.as_ref().map(|c| c.verified_total);
    html! {
        section.card #skm aria-labelledby="skm-title" {
            h2 #skm-title { (ctx.t("Nilai P2HAM dan IKM", "P2HAM score and IKM")) }
            dl.meta {
                dt { (ctx.t("Nilai penilaian mandiri", "Self-assessment score")) }
                dd { @if let Some(t) = own { (p2ham_report::number::figure(t, lang)) } @else { "—" } }
                dt { (ctx.t("Nilai terverifikasi", "Verified total")) }
                dd { @if let Some(t) = verified { (p2ham_report::number::figure(t, lang)) } @else { "—" } }
                dt { (ctx.t("Survei Kepuasan Masyarakat", "Public satisfaction survey")) }
                dd #skm-result { @if let Some(s) = &case.view().skm { (skm_line(ctx, s)) } @else { (ctx.t("belum diunggah", "not uploaded")) } }
                dt { (ctx.t("Pencanangan", "Declaration")) }
                dd { @if let Some(d) = &case.view().declaration {
                    a href=(case.api("/declaration")) { (d.file_name) } " (" (when(ctx, &d.uploaded_at)) ")"
                } @else { (ctx.t("belum diunggah", "not uploaded")) } }
            }
        }
    }
}

/// The link to the outcome document, named as the regulation names it: the
/// *Berita Acara Hasil Evaluasi* when the verified result passes, the *Surat
/// Keterangan Hasil Evaluasi* with the reasons when it does not.
pub(crate) fn outcome_document_link(ctx: &Ctx, case: &Case) -> Markup {
    let kind = case
        .file
        .comparison
        .as_ref()
        .map(p2ham_report::LetterKind::for_report);
    let label = match kind {
        Some(p2ham_report::LetterKind::BeritaAcara) => ctx
            .t(
                "Berita Acara Hasil Evaluasi (dapat dicetak)",
                "Berita Acara Hasil Evaluasi — record of the evaluation (printable)",
            )
            .to_owned(),
        Some(_) => ctx
            .t(
                "Surat Keterangan Hasil Evaluasi, dengan alasannya (dapat dicetak)",
                "Surat Keterangan Hasil Evaluasi — statement with the reasons (printable)",
            )
            .to_owned(),
        None => ctx
            .t("Surat hasil (dapat dicetak)", "Outcome letter (printable)")
            .to_owned(),
    };
    html! { a #outcome-document href=(case.page(ctx, "/report/letter")) { (label) } }
}

/// The IKM of every unit beside its verified P2HAM score (the evaluator's roll-up).
pub(crate) async fn skm_rollup(
    state: &AppState,
    ctx: &Ctx,
    period: &str,
    all: &[(String, CaseSummary)],
) -> Markup {
    let Some(me) = ctx.me.as_ref() else {
        return html! {};
    };
    let skm = match state.cases(me).skm_of_period(period).await {
        Ok(s) => s,
        Err(e) => return html! { p { (e.message) } },
    };
    let (h_unit, h_total, h_ikm, h_band, h_resp) = (
        ctx.t("Unit", "Unit"),
        ctx.t("Nilai P2HAM terverifikasi", "Verified P2HAM total"),
        "IKM",
        ctx.t("Mutu (kinerja)", "Band (performance)"),
        ctx.t("Responden", "Respondents"),
    );
    html! {
        section #skm-rollup aria-labelledby="skm-rollup-title" {
            h2 #skm-rollup-title { (ctx.t("IKM di samping nilai P2HAM", "IKM beside the P2HAM score")) }
            div.table-wrap { table.stack role="table" {
                thead role="rowgroup" { tr role="row" {
                    th scope="col" role="columnheader" { (h_unit) }
                    th scope="col" role="columnheader" class="num" { (h_total) }
                    th scope="col" role="columnheader" class="num" { (h_ikm) }
                    th scope="col" role="columnheader" { (h_band) }
                    th scope="col" role="columnheader" class="num" { (h_resp) }
                } }
                tbody role="rowgroup" { @for (_, c) in all {
                    @let s = skm.iter().find(|(u, _)| *u == c.unit.id).map(|(_, s)| s);
                    tr role="row" data-unit=(c.unit.id) {
                        th scope="row" role="rowheader" data-label=(h_unit) { (c.unit.name) }
                        td.num role="cell" data-label=(h_total) { (c.verified_total.as_deref().unwrap_or("—")) }
                        td.num.ikm role="cell" data-label=(h_ikm) { (s.map_or("—", |s| s.ikm.as_str())) }
                        td role="cell" data-label=(h_band) { @if let Some(s) = s { (s.mutu) " (" (kinerja(ctx, &s.kinerja)) ")" } @else { "—" } }
                        td.num role="cell" data-label=(h_resp) { @if let Some(s) = s { (s.respondents) } @else { "—" } }
                    }
                } }
            } }
        }
    }
}

/// The one file of a posted form's field, or the form page with the refusal.
async fn stage_upload(
    state: &AppState,
    ctx: &Ctx,
    (period, unit): (&str, &str),
    headers: &HeaderMap,
    body: Body,
    what: &str,
) -> Response {
    let limit = if what == "skm" {
        MAX_SKM_BYTES as u64
    } else {
        state.settings().max_evidence_bytes
    };
    let (form, case) =
        match super::case::posted_case(state, ctx, (period, unit), headers, body, (limit, limit, 1)).await {
            Ok(found) => found,
            Err(r) => return r,
        };
    let Some(me) = ctx.me.as_ref() else {
        return ctx.redirect("/login");
    };
    let field = if what == "skm" {
        "skm-file"
    } else {
        "declaration-file"
    };
    let file = form.files.iter().find(|(name, _, _)| name == what);
    let result = match file {
        None => Err(ServiceError::field(
            what,
            ctx.t("pilih berkas yang akan diunggah", "choose the file to upload"),
        )),
        Some((_, name, bytes)) if what == "skm" => {
            state.cases(me).put_skm(period, unit, name, bytes).await.map(drop)
        }
        Some((_, name, bytes)) => {
            let chunk: Result<axum::body::Bytes, std::convert::Infallible> = Ok(bytes.clone());
            state
                .cases(me)
                .put_declaration(period, unit, name, futures_util::stream::iter([chunk]))
                .await
                .map(drop)
        }
    };
    match result {
        Ok(()) => {
            let done = if what == "skm" { "skm" } else { "declared" };
            Redirect::to(&case.page(ctx, &format!("?done={done}#{what}"))).into_response()
        }
        Err(e) if matches!(e.code, ErrorCode::Forbidden | ErrorCode::NotFound) => refused(ctx, &e),
        Err(e) => {
            let mut message = e.message.clone();
            for d in &e.diagnostics {
                if !d.message.is_empty() && !message.contains(&d.message) {
                    message.push_str("; ");
                    message.push_str(&d.message);
                }
            }
            let errors = FormErrors {
                message: message.clone(),
                fields: vec![(field.to_owned(), message)],
                posted: None,
            };
            let mut r = super::case_view(ctx, &case, crate::types::Role::Operator, Some(&errors));
            *r.status_mut() =
                StatusCode::from_u16(e.code.http_status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            r
        }
    }
}

async fn upload_declaration(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((period, unit)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    stage_upload(&state, &ctx, (&period, &unit), &headers, body, "declaration").await
}

async fn upload_skm(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((period, unit)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    stage_upload(&state, &ctx, (&period, &unit), &headers, body, "skm").await
}

// ---------------------------------------------------------------- instruments

#[derive(Deserialize)]
struct DiffQuery {
    from: Option<String>,
    to: Option<String>,
    done: Option<String>,
}

async fn instruments_page(State(state): State<AppState>, ctx: Ctx, Query(q): Query<DiffQuery>) -> Response {
    instruments_view(&state, &ctx, &q, None).await
}

async fn instruments_view(state: &AppState, ctx: &Ctx, q: &DiffQuery, error: Option<&str>) -> Response {
    let me = match ctx.me() {
        Ok(m) => m,
        Err(r) => return r,
    };
    if let Err(e) = crate::service::require(me, &[crate::types::Role::Admin]) {
        return refused(ctx, &e);
    }
    let instruments = state.instruments(me);
    let list = match instruments.list().await {
        Ok(l) => l,
        Err(e) => return refused(ctx, &e),
    };
    let from = q.from.as_deref().filter(|s| !s.is_empty());
    let to = q.to.as_deref().filter(|s| !s.is_empty());
    let diff = match (from, to) {
        (Some(a), Some(b)) => Some(instruments.diff(a, b).await.map(|d| {
            p2ham_report::to_html_fragment(
                &p2ham_report::instrument_diff_doc(&d, ctx.lang),
                &p2ham_report::FragmentOptions::default(),
            )
        })),
        _ => None,
    };
    let flash = q.done.as_deref().map(|d| match d {
        "same" => ctx.t(
            "Instrumen ini sudah tersimpan (isi yang sama); tidak ada yang berubah.",
            "This instrument is stored already (the same content); nothing changed.",
        ),
        _ => ctx.t("Instrumen ditambahkan.", "The instrument was added."),
    });
    let (h_id, h_title, h_kinds, h_size, h_periods, h_digest) = (
        ctx.t("Id dan versi", "Id and version"),
        ctx.t("Judul", "Title"),
        ctx.t("Untuk jenis unit", "For unit kinds"),
        ctx.t("Kriteria / indikator", "Criteria / indicators"),
        ctx.t("Dipakai periode", "Used by periods"),
        "SHA-256",
    );
    let title = ctx.t("Instrumen", "Instruments");
    let content = html! {
        p { a href=(ctx.url("/admin")) { "← " (ctx.t("Administrasi", "Administration")) } }
        h1 { (title) }
        @if let Some(f) = flash { (notice(f)) }
        @if let Some(m) = error { (error_summary(ctx, m, &[("instrument-file".to_owned(), m.to_owned())])) }
        div.table-wrap tabindex="0" role="region" aria-label=(title) { table.stack #instruments role="table" {
            thead role="rowgroup" { tr role="row" {
                th scope="col" role="columnheader" { (h_id) } th scope="col" role="columnheader" { (h_title) }
                th scope="col" role="columnheader" { (h_kinds) } th scope="col" role="columnheader" { (h_size) }
                th scope="col" role="columnheader" { (h_periods) } th scope="col" role="columnheader" { (h_digest) }
            } }
            tbody role="rowgroup" { @for i in &list {
                tr role="row" data-sha256=(i.sha256) {
                    th scope="row" role="rowheader" data-label=(h_id) { (i.id) " " (i.version)
                        @if i.builtin { " " span.badge { (ctx.t("bawaan", "built-in")) } } }
                    td role="cell" data-label=(h_title) { @match (&i.title_en, ctx.lang) { (Some(en), p2ham_io::model::Lang::En) => (en), _ => (i.title) } }
                    td role="cell" data-label=(h_kinds) { (i.unit_kinds.join(", ")) }
                    td role="cell" data-label=(h_size) { (i.criteria) " / " (i.indicators) }
                    td role="cell" data-label=(h_periods) { @if i.periods.is_empty() { "—" } @else { (i.periods.join(", ")) } }
                    td role="cell" data-label=(h_digest) { a href=(ctx.url(&format!("/api/v1/instruments/{}", i.sha256))) { code { (i.sha256[..12]) "…" } } }
                }
            } }
        } }
        section aria-labelledby="diff-title" {
            h2 #diff-title { (ctx.t("Bandingkan dua instrumen", "Compare two instruments")) }
            form method="get" action=(ctx.url("/admin/instruments")) {
                @for (name, label, chosen) in [("from", ctx.t("Dari", "From"), from), ("to", ctx.t("Menjadi", "To"), to)] {
                    div.field {
                        label for=(format!("diff-{name}")) { (label) }
                        select id=(format!("diff-{name}")) name=(name) required {
                            option value="" { "— " (ctx.t("pilih instrumen", "choose an instrument")) " —" }
                            @for i in &list { option value=(i.sha256) selected[chosen == Some(i.sha256.as_str())] { (i.id) " " (i.version) " (" (i.unit_kinds.join(", ")) ")" } }
                        }
                    }
                }
                div.actions { button.secondary type="submit" { (ctx.t("Tampilkan perbedaan", "Show the difference")) } }
            }
            @match &diff {
                Some(Ok(fragment)) => {
                    p { a href=(ctx.url(&format!("/api/v1/instruments/{}/diff/{}?format=md&lang={}", from.unwrap_or_default(), to.unwrap_or_default(), ctx.lang_code()))) {
                        (ctx.t("Unduh perbedaan (Markdown)", "Download the difference (Markdown)")) } }
                    section.diff #instrument-diff { (PreEscaped(fragment)) }
                }
                Some(Err(e)) => { div.alert.error role="alert" { p { (e.message) } } }
                None => {}
            }
        }
        section aria-labelledby="add-title" {
            h2 #add-title { (ctx.t("Tambah instrumen", "Add an instrument")) }
            p { (ctx.t(
                "Instrumen yang disesuaikan atau baru (p2ham-instrument/1, JSON atau TOML) diperiksa seperti `p2ham validate`, lalu disimpan menurut SHA-256 isinya. Beri instrumen yang disesuaikan versi sendiri.",
                "A tailored or new instrument (p2ham-instrument/1, JSON or TOML) is checked as `p2ham validate` checks it, then stored by the SHA-256 of its content. Give a tailored instrument a version of its own.")) }
            form method="post" action=(ctx.url("/admin/instruments")) enctype="multipart/form-data" {
                input type="hidden" name="csrf_token" value=(ctx.csrf);
                div.field {
                    label for="instrument-file" { (ctx.t("Berkas instrumen (.json atau .toml)", "Instrument file (.json or .toml)")) }
                    input #instrument-file type="file" name="instrument" accept=".json,.toml,application/json,application/toml" required;
                }
                div.actions { button type="submit" { (ctx.t("Tambah instrumen", "Add the instrument")) } }
            }
        }
    };
    super::form_status(page(ctx, title, &content), error.is_some())
}

async fn add_instrument(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, body: Body) -> Response {
    let limit = state.settings().max_document_bytes as u64;
    let form = match super::posted_within(&ctx, &headers, body, (limit, limit, 1)).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let Some(me) = ctx.me.as_ref() else {
        return ctx.redirect("/login");
    };
    let q = DiffQuery {
        from: None,
        to: None,
        done: None,
    };
    let Some((_, name, bytes)) = form.files.iter().find(|(n, _, _)| n == "instrument") else {
        let m = ctx.t("Pilih berkas instrumen.", "Choose the instrument file.");
        return instruments_view(&state, &ctx, &q, Some(m)).await;
    };
    // TOML by its name, or when it does not start with `{` (as `p2ham` reads a file).
    let toml = name.to_ascii_lowercase().ends_with(".toml")
        || bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{');
    let syntax = if toml {
        InstrumentSyntax::Toml
    } else {
        InstrumentSyntax::Json
    };
    match state.instruments(me).add(bytes, syntax).await {
        Ok(s) => ctx.redirect(&format!(
            "/admin/instruments?done={}&from=&to={}",
            if s.created { "added" } else { "same" },
            s.sha256
        )),
        Err(e) if e.code == ErrorCode::Forbidden => refused(&ctx, &e),
        Err(e) => {
            let mut message = e.message.clone();
            for d in &e.diagnostics {
                let _ = write!(message, "; {}: {}", d.path, d.message);
            }
            instruments_view(&state, &ctx, &q, Some(&message)).await
        }
    }
}

// ---------------------------------------------------------------- audit log

#[derive(Deserialize)]
struct AuditQuery {
    unit: Option<String>,
    actor: Option<String>,
    action: Option<String>,
    before: Option<i64>,
}

async fn audit_page(State(state): State<AppState>, ctx: Ctx, Query(q): Query<AuditQuery>) -> Response {
    let me = match ctx.me() {
        Ok(m) => m,
        Err(r) => return r,
    };
    let directory = state.directory(me);
    let filter = AuditFilter {
        unit: q.unit.clone().filter(|s| !s.is_empty()),
        actor: q.actor.clone().filter(|s| !s.is_empty()),
        action: q.action.clone().filter(|s| !s.is_empty()),
    };
    let read = async {
        Ok::<_, ServiceError>((
            directory.audit_page(&filter, q.before, 50).await?,
            directory.audit_choices().await?,
            directory.units().await?,
        ))
    };
    let (entries, (actors, actions), units) = match read.await {
        Ok(all) => all,
        Err(e) => return refused(&ctx, &e),
    };
    let verified = directory.verify_audit().await;
    let query = |before: Option<i64>| {
        let mut parts = Vec::new();
        for (k, v) in [
            ("unit", &filter.unit),
            ("actor", &filter.actor),
            ("action", &filter.action),
        ] {
            if let Some(v) = v {
                parts.push(format!("{k}={}", urlencode(v)));
            }
        }
        if let Some(b) = before {
            parts.push(format!("before={b}"));
        }
        ctx.url(&format!("/admin/audit?{}", parts.join("&")))
    };
    let (h_seq, h_at, h_actor, h_action, h_object, h_after) = (
        "#",
        ctx.t("Waktu", "When"),
        ctx.t("Pelaku (peran)", "Actor (role)"),
        ctx.t("Tindakan", "Action"),
        ctx.t("Objek", "Object"),
        ctx.t("Keadaan sesudahnya", "State after"),
    );
    let title = ctx.t("Log audit", "Audit log");
    let content = html! {
        p { a href=(ctx.url("/admin")) { "← " (ctx.t("Administrasi", "Administration")) } }
        h1 { (title) }
        section #audit-verify aria-labelledby="verify-title" {
            h2 #verify-title { (ctx.t("Pemeriksaan rantai", "Chain check")) }
            @match &verified {
                Ok(v) => div.alert.ok role="status" data-verified="true" { p {
                    (ctx.t("Log utuh", "The log is intact")) ": " (v.entries) " " (ctx.t("entri, rantai dan isi tabel cocok", "entries, chain and tables match"))
                    " (" (v.cases) " " (ctx.t("kasus", "cases")) ", " (v.users) " " (ctx.t("pengguna", "users")) "). "
                    (ctx.t("Kepala rantai", "Chain head")) ": " code { (v.head[..16]) "…" }
                } },
                Err(e) => div.alert.error role="alert" data-verified="false" {
                    p { strong { (ctx.t("Log audit tidak utuh", "The audit log is not intact")) } ": " (e.message) }
                },
            }
        }
        form method="get" action=(ctx.url("/admin/audit")) {
            div.field {
                label for="audit-unit" { (ctx.t("Unit", "Unit")) }
                select #audit-unit name="unit" {
                    option value="" { (ctx.t("Semua", "All")) }
                    @for u in &units { option value=(u.id) selected[filter.unit.as_deref() == Some(u.id.as_str())] { (u.name) } }
                }
            }
            div.field {
                label for="audit-actor" { (ctx.t("Pelaku", "Actor")) }
                select #audit-actor name="actor" {
                    option value="" { (ctx.t("Semua", "All")) }
                    @for a in &actors { option value=(a) selected[filter.actor.as_deref() == Some(a.as_str())] { (a) } }
                }
            }
            div.field {
                label for="audit-action" { (ctx.t("Tindakan", "Action")) }
                select #audit-action name="action" {
                    option value="" { (ctx.t("Semua", "All")) }
                    @for a in &actions { option value=(a) selected[filter.action.as_deref() == Some(a.as_str())] { (a) } }
                }
            }
            div.actions { button.secondary type="submit" { (ctx.t("Saring", "Filter")) } }
        }
        p #audit-matching { (entries.matching) " " (ctx.t("entri cocok; terbaru lebih dulu.", "matching entries; newest first.")) }
        // A wide table scrolls: reachable and named for the keyboard.
        div.table-wrap tabindex="0" role="region" aria-label=(title) { table.stack #audit role="table" {
            thead role="rowgroup" { tr role="row" {
                th scope="col" role="columnheader" class="num" { (h_seq) } th scope="col" role="columnheader" { (h_at) }
                th scope="col" role="columnheader" { (h_actor) } th scope="col" role="columnheader" { (h_action) }
                th scope="col" role="columnheader" { (h_object) } th scope="col" role="columnheader" { (h_after) }
            } }
            tbody role="rowgroup" { @for e in &entries.entries {
                tr role="row" data-seq=(e.seq) {
                    th.num scope="row" role="rowheader" data-label=(h_seq) { (e.seq) }
                    td role="cell" data-label=(h_at) { (when(&ctx, &e.at)) }
                    td role="cell" data-label=(h_actor) { (e.actor) " (" (e.role) ")" }
                    td role="cell" data-label=(h_action) { code { (e.action) } }
                    td role="cell" data-label=(h_object) { (e.object) }
                    td.state role="cell" data-label=(h_after) { @if let Some(a) = &e.after { code { (a.chars().take(160).collect::<String>()) @if a.chars().count() > 160 { "…" } } } @else { "—" } }
                }
            } }
        } }
        @if let Some(b) = entries.next_before {
            p { a #audit-older href=(query(Some(b))) { (ctx.t("Entri yang lebih lama →", "Older entries →")) } }
        }
    };
    page(&ctx, title, &content)
}

// ---------------------------------------------------------------- the period form

/// The period form's instrument: no default (an explicit choice, refused
/// with a field error when missing), each option naming the unit kinds the
/// instrument is for, and the kinds of the units registered.
pub(crate) fn period_instrument_field(
    ctx: &Ctx,
    instruments: &[crate::proto::InstrumentSummary],
    units: &[crate::proto::UnitInfo],
    posted: Option<&super::FormData>,
    error: Option<(&str, &str)>,
) -> Markup {
    let chosen = posted.and_then(|f| f.get("instrument")).unwrap_or_default();
    let problem = error
        .filter(|(field, _)| *field == "period-instrument")
        .map(|(_, m)| m);
    let mut kinds: Vec<(&str, usize)> = Vec::new();
    for u in units {
        match kinds.iter_mut().find(|(k, _)| *k == u.kind) {
            Some((_, n)) => *n += 1,
            None => kinds.push((&u.kind, 1)),
        }
    }
    kinds.sort_unstable();
    html! {
        div.field {
            label for="period-instrument" { (ctx.t("Instrumen", "Instrument")) }
            p.hint #period-instrument-hint {
                (ctx.t("Setiap instrumen berlaku untuk jenis unit yang disebut di belakangnya. Jenis unit yang terdaftar: ",
                    "Each instrument applies to the unit kinds named after it. Unit kinds registered: "))
                @for (i, (k, n)) in kinds.iter().enumerate() { @if i > 0 { ", " } (k) " (" (n) ")" }
            }
            @if let Some(m) = problem { p.field-error #period-instrument-error { (m) } }
            select #period-instrument name="instrument" required
                aria-describedby=(if problem.is_some() { "period-instrument-hint period-instrument-error" } else { "period-instrument-hint" })
                aria-invalid=[problem.map(|_| "true")] {
                option value="" selected[chosen.is_empty()] { "— " (ctx.t("pilih instrumen", "choose an instrument")) " —" }
                @for i in instruments {
                    option value=(i.sha256) selected[chosen == i.sha256] {
                        (i.id) " " (i.version) " — " (ctx.t("untuk", "for")) " " (i.unit_kinds.join(", "))
                    }
                }
            }
        }
    }
}
