//! The evaluator's award round: the period's baseline (the previous period or
//! an imported award list), every unit's decision in one table (filtered by
//! decision, Kanwil and kind), the exclusions, the one decree (with a
//! confirmation step) and the annex downloads; and a unit's history.
//! Everything through the service's [`Awards`](crate::service::Awards).

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use maud::{html, Markup, PreEscaped};
use p2ham_io::model::{AwardEntry, AwardList, AwardReasonCode, Decision, PeriodAwardRule};
use serde::Deserialize;

use super::case::FormErrors;
use super::{error_summary, form_status, notice, page, refused, urlencode, Ctx, FormData};
use crate::proto::{
    AwardComponentsInfo, AwardComponentsRequest, AwardRuleInfo, DecreeDocumentInfo, DecreeRequest,
    ExclusionRequest, PeriodInfo, PreviousPeriodRequest,
};
use crate::service::{ErrorCode, ServiceError};
use crate::AppState;

/// The round page's filters and the notice after a change.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RoundQuery {
    decision: Option<String>,
    office: Option<String>,
    kind: Option<String>,
    done: Option<String>,
    /// The unit whose figures of the other evidence the form shows.
    edit: Option<String>,
}

/// A decision in the page's language.
fn decision_label(ctx: &Ctx, d: Option<Decision>) -> &'static str {
    match d {
        Some(Decision::Retained) => ctx.t("Mempertahankan", "Retained"),
        Some(Decision::Gained) => ctx.t("Memperoleh", "Gained"),
        Some(Decision::Lost) => ctx.t("Kehilangan", "Lost"),
        Some(Decision::NotAwarded) => ctx.t("Tidak diberikan", "Not awarded"),
        Some(Decision::NotEvaluated) => ctx.t("Tidak dievaluasi", "Not evaluated"),
        Some(Decision::Excluded) => ctx.t("Dikeluarkan", "Excluded"),
        None => ctx.t("Tidak tercatat", "Not recorded"),
    }
}

fn decision_badge(ctx: &Ctx, d: Option<Decision>) -> Markup {
    let class = match d {
        Some(Decision::Retained | Decision::Gained) => "s-awarded",
        Some(Decision::Lost) => "s-returned",
        Some(Decision::Excluded) => "s-submitted",
        _ => "s-not_awarded",
    };
    html! { span class=(format!("badge {class}")) data-decision=(d.map_or("", Decision::as_str)) { (decision_label(ctx, d)) } }
}

fn done_text(ctx: &Ctx, done: &str) -> &'static str {
    match done {
        "imported" => ctx.t(
            "Daftar penghargaan sebelumnya diimpor.",
            "The previous award list is imported.",
        ),
        "previous" => ctx.t("Periode sebelumnya tersimpan.", "The previous period is saved."),
        "excluded" => ctx.t(
            "Unit dikeluarkan dari putaran.",
            "The unit is struck off the round.",
        ),
        "lifted" => ctx.t("Pengeluaran unit dibatalkan.", "The unit's exclusion is lifted."),
        "published" => ctx.t(
            "Periode ini diumumkan pada rekam publik.",
            "This period is published in the public record.",
        ),
        "unpublished" => ctx.t(
            "Periode ini ditarik dari rekam publik.",
            "This period is withdrawn from the public record.",
        ),
        "decreed" => ctx.t(
            "Keputusan menteri tercatat untuk seluruh unit yang dievaluasi.",
            "The decree is recorded for every evaluated unit.",
        ),
        "decree-document" => ctx.t(
            "Keputusan yang ditandatangani tersimpan.",
            "The signed decree is stored.",
        ),
        "rule" => ctx.t(
            "Aturan penilaian bukti lain tersimpan.",
            "The rule over the other evidence is saved.",
        ),
        "rule-cleared" => ctx.t(
            "Aturan penilaian bukti lain dihapus: keputusan hanya berdasarkan hasil verifikasi P2HAM.",
            "The rule over the other evidence is cleared: the decision is the P2HAM verified result alone.",
        ),
        "components" => ctx.t(
            "Status Zona Integritas dan angka pengaduan unit tersimpan.",
            "The unit's Zona Integritas status and complaint figures are saved.",
        ),
        _ => "",
    }
}

/// A refusal in the page's language: what to do, by the service's code and
/// the field it names; the service's own words only where they list
/// something (units, document problems).
fn explain(ctx: &Ctx, e: &ServiceError, action: &str) -> (String, Vec<(String, String)>) {
    let field = e.diagnostics.first().map(|d| d.path.clone()).unwrap_or_default();
    if action == "rule" || action == "components" {
        return explain_evidence(ctx, e, action, &field);
    }
    let text = match (e.code, field.as_str()) {
        (ErrorCode::Invalid, "reason") => ctx.t(
            "Tuliskan alasan unit dikeluarkan (teks biasa, paling banyak 2000 karakter).",
            "Say why the unit is struck off (plain text, at most 2000 characters).",
        ).to_owned(),
        (ErrorCode::Invalid, "unit") => ctx.t(
            "Pilih unit yang ada dalam putaran ini (sudah dievaluasi atau tercantum pada daftar sebelumnya).",
            "Choose a unit of this round (evaluated, or in the previous list).",
        ).to_owned(),
        (ErrorCode::Invalid, "number") => ctx.t("Isi nomor keputusan menteri.", "Give the decree's number.").to_owned(),
        (ErrorCode::Invalid, "date") => ctx.t(
            "Isi tanggal keputusan (tanggal yang sah, TTTT-BB-HH).",
            "Give the decree's date (a valid date, YYYY-MM-DD).",
        ).to_owned(),
        (ErrorCode::Invalid, "issuer") => ctx.t(
            "Isi penerbit keputusan sebagaimana tertulis pada keputusan, mis. Menteri Hukum dan Hak Asasi Manusia.",
            "Give the issuer as the decree names it, e.g. Menteri Hukum dan Hak Asasi Manusia.",
        ).to_owned(),
        (ErrorCode::Invalid, "previous") => ctx.t(
            "Periode sebelumnya tidak dapat dipakai (tidak ada, atau membentuk lingkaran).",
            "That previous period cannot be used (it does not exist, or periods would form a circle).",
        ).to_owned(),
        (ErrorCode::InvalidDocument, _) => format!(
            "{} {}",
            ctx.t("Daftar penghargaan ditolak:", "The award list is refused:"),
            e.message
        ),
        (ErrorCode::RoundIncomplete, _) => format!(
            "{} ({})",
            ctx.t(
                "Masih ada unit yang sudah diverifikasi tetapi belum dievaluasi; evaluasi atau keluarkan dulu.",
                "Some units are verified but not yet evaluated; evaluate them or strike them off first.",
            ),
            e.message
        ),
        (ErrorCode::AlreadyDecreed, _) => ctx.t(
            "Putaran periode ini sudah memiliki keputusan menteri; tidak ada yang dapat diubah lagi.",
            "This period's round already has its decree; nothing can change any more.",
        ).to_owned(),
        (ErrorCode::PreviousNotDecreed, _) => ctx.t(
            "Periode sebelumnya belum memiliki keputusan menteri: daftar penghargaannya, dasar putaran ini, belum tetap.",
            "The previous period has no decree yet: its award list, this round's baseline, is not fixed.",
        ).to_owned(),
        (ErrorCode::AlreadyPublished, _) => ctx.t(
            "Periode ini sudah diumumkan; tarik dulu untuk mengumumkannya kembali.",
            "This period is published already; withdraw it first to publish it again.",
        ).to_owned(),
        (ErrorCode::NotDecreed, _) => ctx.t(
            "Hanya putaran yang sudah memiliki keputusan menteri yang dapat diumumkan.",
            "Only a round with its decree can be published.",
        ).to_owned(),
        (ErrorCode::Refused, _) => format!("{} {}", ctx.t("Tidak dapat dilakukan:", "Could not be done:"), e.message),
        _ => e.message.clone(),
    };
    let target = match field.as_str() {
        "reason" => "exclude-reason",
        "unit" => "exclude-unit",
        "number" => "decree-number",
        "date" => "decree-date",
        "issuer" => "decree-issuer",
        "previous" => "previous-period",
        _ => "",
    };
    let mut fields = Vec::new();
    if !target.is_empty() {
        fields.push((target.to_owned(), text.clone()));
    }
    for d in e
        .diagnostics
        .iter()
        .filter(|_| e.code == ErrorCode::InvalidDocument)
    {
        fields.push(("awards-file".to_owned(), format!("{}: {}", d.path, d.message)));
    }
    // A problem of one field is said at the field; the summary links to it.
    let summary = if target.is_empty() {
        text
    } else {
        ctx.t("Periksa isian yang ditandai:", "Check the marked field:")
            .to_owned()
    };
    (summary, fields)
}

/// A decree's date as people read it: `10 Desember 2023` (`10 December 2023`).
fn long_date(ctx: &Ctx, date: &str) -> String {
    let Ok(d) = date.parse::<jiff::civil::Date>() else {
        return date.to_owned();
    };
    format!("{} {} {}", d.day(), super::month_name(ctx, d.month()), d.year())
}

fn field_error(errors: Option<&FormErrors<'_>>, id: &str) -> Markup {
    html! {
        @if let Some(m) = FormErrors::field(errors, id) {
            p.field-error id=(format!("{id}-error")) { (m) }
        }
    }
}

/// Whether a reason is about a gate of the period's award rule.
fn gate_code(code: AwardReasonCode) -> bool {
    matches!(
        code,
        AwardReasonCode::ComponentMissing
            | AwardReasonCode::IkmBelowMinimum
            | AwardReasonCode::ZonaIntegritasBelowMinimum
            | AwardReasonCode::OmbudsmanUnresolved
            | AwardReasonCode::ElaporUnresolved
            | AwardReasonCode::CompositeBelowMinimum
    )
}

/// A unit's reasons and notes; each gate of the period's rule marked met or not.
fn reasons_cell(ctx: &Ctx, e: &AwardEntry) -> Markup {
    if e.reasons.is_empty() && e.notes.is_empty() {
        return html! { "—" };
    }
    html! {
        ul.reasons {
            @for r in e.reasons.iter().chain(&e.notes) {
                @let mark = if r.code == AwardReasonCode::GateMet {
                    Some(("met", ctx.t("Terpenuhi", "Met")))
                } else if gate_code(r.code) {
                    Some(("unmet", ctx.t("Tidak terpenuhi", "Not met")))
                } else {
                    None
                };
                li data-code=(r.code.as_str()) data-gate=[mark.map(|m| m.0)] {
                    @if let Some((_, label)) = mark { strong { (label) ": " } }
                    (r.message.get(ctx.lang))
                }
            }
        }
    }
}

/// A Zona Integritas status as recorded, in the page's language.
fn zi_label(ctx: &Ctx, z: Option<&str>) -> &'static str {
    match z.and_then(p2ham_io::model::ZonaIntegritas::parse) {
        Some(z) => {
            let (id, en) = z.label();
            ctx.t(id, en)
        }
        None => ctx.t("tidak dicatat", "not recorded"),
    }
}

/// Unresolved of all, or "not recorded".
fn pair(ctx: &Ctx, unresolved: Option<u32>, all: Option<u32>) -> String {
    let show = |n: Option<u32>| n.map_or_else(|| "—".to_owned(), |n| n.to_string());
    if unresolved.is_none() && all.is_none() {
        ctx.t("tidak dicatat", "not recorded").to_owned()
    } else {
        format!("{} / {}", show(unresolved), show(all))
    }
}

/// The gates of a period's rule, in words.
fn rule_lines(ctx: &Ctx, rule: &PeriodAwardRule) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(m) = rule.ikm_min_mutu {
        out.push(format!(
            "{} {} ({}, IKM ≥ {})",
            ctx.t("IKM minimal mutu", "IKM at least band"),
            m.as_str(),
            m.kinerja(),
            m.lower_bound()
        ));
    }
    if let Some(z) = rule.zona_integritas_min {
        out.push(format!(
            "{} {}",
            ctx.t(
                "Status Zona Integritas minimal",
                "Zona Integritas status at least"
            ),
            z.label().0
        ));
    }
    if let Some(n) = rule.ombudsman_unresolved_max {
        out.push(format!(
            "{} {n}",
            ctx.t(
                "Temuan Ombudsman yang belum selesai paling banyak",
                "Unresolved Ombudsman findings at most"
            )
        ));
    }
    if let Some(n) = rule.elapor_unresolved_max {
        out.push(format!(
            "{} {n}",
            ctx.t(
                "Pengaduan e-Lapor yang belum selesai paling banyak",
                "Unresolved e-Lapor complaints at most"
            )
        ));
    }
    if let Some(c) = &rule.composite {
        out.push(format!(
            "{} ({} × P2HAM + {} × IKM) / {} ≥ {}",
            ctx.t("Nilai gabungan", "Composite"),
            c.p2ham_weight,
            c.ikm_weight,
            c.p2ham_weight.checked_add(c.ikm_weight).unwrap_or_default(),
            c.min
        ));
    }
    out
}

/// A refusal of the rule or of a unit's figures, in the page's language.
fn explain_evidence(
    ctx: &Ctx,
    e: &ServiceError,
    action: &str,
    field: &str,
) -> (String, Vec<(String, String)>) {
    let mut fields = Vec::new();
    let text = match (e.code, field) {
        (ErrorCode::InvalidDocument, _) => {
            for d in &e.diagnostics {
                fields.push(("rule-file".to_owned(), format!("{}: {}", d.path, d.message)));
            }
            if e.diagnostics.is_empty() {
                fields.push(("rule-file".to_owned(), e.message.clone()));
            }
            ctx.t(
                "Aturan penilaian ditolak; periksa isian yang ditandai:",
                "The rule is refused; check the marked field:",
            )
            .to_owned()
        }
        (ErrorCode::Invalid, "zona_integritas") => {
            let t = ctx.t(
                "Pilih status Zona Integritas: belum ada, WBK atau WBBM.",
                "Choose the Zona Integritas status: none, WBK or WBBM.",
            );
            fields.push(("c-zona_integritas".to_owned(), t.to_owned()));
            ctx.t("Periksa isian yang ditandai:", "Check the marked field:")
                .to_owned()
        }
        (ErrorCode::Invalid, f) if f.starts_with("ombudsman_") || f.starts_with("elapor_") => {
            let t = ctx.t(
                "Isi bilangan bulat 0 atau lebih; yang belum selesai tidak lebih dari jumlah seluruhnya.",
                "Give a whole number, 0 or more; no more unresolved than in all.",
            );
            fields.push((format!("c-{f}"), t.to_owned()));
            ctx.t("Periksa isian yang ditandai:", "Check the marked field:")
                .to_owned()
        }
        (ErrorCode::Invalid, "unit") | (ErrorCode::NotFound, _) if action == "components" => {
            let t = ctx.t("Pilih unit.", "Choose a unit.");
            fields.push(("c-unit".to_owned(), t.to_owned()));
            ctx.t("Periksa isian yang ditandai:", "Check the marked field:")
                .to_owned()
        }
        (ErrorCode::AlreadyDecreed, _) => ctx
            .t(
                "Putaran periode ini sudah memiliki keputusan menteri; tidak ada yang dapat diubah lagi.",
                "This period's round already has its decree; nothing can change any more.",
            )
            .to_owned(),
        _ => format!(
            "{} {}",
            ctx.t("Tidak dapat dilakukan:", "Could not be done:"),
            e.message
        ),
    };
    (text, fields)
}

/// A count of a form: empty is not recorded; otherwise a whole number ≥ 0.
fn count_field(form: &FormData, name: &str) -> Result<Option<u32>, ServiceError> {
    match form.get(name).map(str::trim).unwrap_or_default() {
        "" => Ok(None),
        v => v
            .parse::<u32>()
            .map(Some)
            .map_err(|_| ServiceError::field(name, format!("`{v}` is not a whole number ≥ 0"))),
    }
}

/// What the page knows of a period's round.
struct Round {
    period: PeriodInfo,
    periods: Vec<String>,
    list: Result<AwardList, ServiceError>,
    decree: Option<DecreeRequest>,
    imported: Option<crate::proto::PreviousAwardsInfo>,
    exclusions: Vec<crate::proto::ExclusionInfo>,
    rule: Option<(AwardRuleInfo, PeriodAwardRule)>,
    components: Vec<AwardComponentsInfo>,
    publication: Option<crate::proto::Publication>,
    /// The current signed decree document.
    document: Option<DecreeDocumentInfo>,
}

async fn read_round(state: &AppState, ctx: &Ctx, period: &str) -> Result<Round, Response> {
    let me = ctx.me()?;
    let awards = state.awards(me);
    let directory = state.directory(me);
    let fail = |e: ServiceError| refused(ctx, &e);
    let p = directory.period(period).await.map_err(fail)?;
    let imported = awards.previous_awards(&p.id).await.map_err(fail)?;
    let exclusions = awards.exclusions(&p.id).await.map_err(fail)?;
    let decree = awards.decree_of(&p.id).await.map_err(fail)?.map(|(d, _)| d);
    let periods = directory
        .periods()
        .await
        .map_err(fail)?
        .into_iter()
        .map(|x| x.id)
        .filter(|id| *id != p.id)
        .collect();
    let list = awards.round(&p.id).await;
    let rule = awards.award_rule(&p.id).await.map_err(fail)?;
    let mut components = Vec::new();
    if let Ok(l) = &list {
        for e in l.units.iter().filter(|e| !e.rests_on.is_empty()) {
            components.push(awards.components(&p.id, &e.unit.id).await.map_err(fail)?);
        }
    }
    let publication = awards.publication(&p.id).await.map_err(fail)?;
    let document = awards.decree_document(&p.id).await.map_err(fail)?;
    Ok(Round {
        period: p,
        periods,
        list,
        decree,
        imported,
        exclusions,
        rule,
        components,
        publication,
        document,
    })
}

/// The round of a period.
pub(crate) async fn round_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(period): Path<String>,
    Query(q): Query<RoundQuery>,
) -> Response {
    match read_round(&state, &ctx, &period).await {
        Ok(r) => render(&ctx, &r, &q, None),
        Err(resp) => resp,
    }
}

#[allow(clippy::too_many_lines)] // one page, read top to bottom
fn render(ctx: &Ctx, round: &Round, query: &RoundQuery, errors: Option<&FormErrors<'_>>) -> Response {
    let (r, q) = (round, query);
    let period = &r.period.id;
    let title = format!("{} {period}", ctx.t("Putaran penghargaan", "Award round"));
    let evaluator = ctx
        .me
        .as_ref()
        .is_some_and(|m| m.role == crate::types::Role::Evaluator);
    let open = r.decree.is_none();
    let posted = errors.and_then(|e| e.posted);
    let value = |name: &str| posted.and_then(|f| f.get(name)).unwrap_or_default().to_owned();
    let api = ctx.url(&format!("/api/v1/periods/{}/awards", urlencode(period)));
    let lang = ctx.lang_code();
    let here = ctx.url(&format!("/periods/{}/round", urlencode(period)));
    let units: Vec<&AwardEntry> = r
        .list
        .as_ref()
        .map(|l| l.units.iter().collect())
        .unwrap_or_default();
    let offices: std::collections::BTreeSet<&str> =
        units.iter().filter_map(|e| e.unit.office.as_deref()).collect();
    let kinds: std::collections::BTreeSet<&str> = units.iter().map(|e| e.unit.kind.as_str()).collect();
    let wanted = |e: &&&AwardEntry| {
        q.decision
            .as_deref()
            .is_none_or(|d| d.is_empty() || e.decision.map(Decision::as_str) == Some(d))
            && q.office
                .as_deref()
                .is_none_or(|o| o.is_empty() || e.unit.office.as_deref() == Some(o))
            && q.kind.as_deref().is_none_or(|k| k.is_empty() || e.unit.kind == k)
    };
    let shown: Vec<&&AwardEntry> = units.iter().filter(wanted).collect();
    let excluded: Vec<&str> = r.exclusions.iter().map(|x| x.unit.as_str()).collect();
    let selectable: Vec<&&AwardEntry> = units
        .iter()
        .filter(|e| !excluded.contains(&e.unit.id.as_str()))
        .collect();
    let (h_unit, h_office, h_kind, h_total, h_decision, h_reasons) = (
        ctx.t("Unit", "Unit"),
        ctx.t("Kanwil", "Regional office"),
        ctx.t("Jenis", "Kind"),
        ctx.t("Nilai terverifikasi", "Verified total"),
        ctx.t("Keputusan", "Decision"),
        ctx.t("Alasan dan catatan", "Reasons and notes"),
    );
    let (h_ikm, h_zi, h_ombudsman, h_elapor) = (
        ctx.t("IKM (mutu)", "IKM (band)"),
        ctx.t("Zona Integritas", "Zona Integritas"),
        ctx.t("Ombudsman", "Ombudsman"),
        ctx.t("e-Lapor", "e-Lapor"),
    );
    let admin = ctx
        .me
        .as_ref()
        .is_some_and(|m| m.role == crate::types::Role::Admin);
    let rule_api = ctx.url(&format!("/api/v1/periods/{}/award-rule", urlencode(period)));
    let content = html! {
        p { a href=(ctx.url(&format!("/evaluation?period={}", urlencode(period)))) { "← " (ctx.t("Evaluasi nasional", "National evaluation")) } }
        h1 { (title) }
        @if let Some(done) = q.done.as_deref().map(|d| done_text(ctx, d)).filter(|t| !t.is_empty()) { (notice(done)) }
        @if let Some(e) = errors { (error_summary(ctx, &e.message, &e.fields)) }

        h2 #baseline { (ctx.t("Dasar putaran: daftar penghargaan sebelumnya", "The round's baseline: the previous award list")) }
        @if let Some(prev) = &r.period.previous {
            p { (ctx.t("Periode ini melanjutkan periode", "This period follows period")) " " strong { (prev) } ": "
                (ctx.t("daftar yang ditetapkan keputusan periode itu menjadi dasarnya.", "the list its decree fixed is the baseline.")) }
        } @else if let Some(i) = &r.imported {
            p { (ctx.t("Daftar periode", "The list of period")) " " strong { (i.period) } " "
                (ctx.t("diimpor", "was imported")) ": " (i.units) " " (ctx.t("unit", "units")) ", " (i.holders) " "
                (ctx.t("pemegang predikat", "holding the predikat")) " (sha256 " code { (&i.sha256[..12]) } "…)." }
        } @else {
            p { (ctx.t("Belum ada dasar: setiap unit yang memenuhi syarat dinilai memperoleh predikat.",
                "No baseline yet: every eligible unit is decided as gaining the predikat.")) }
        }
        @if open {
            details open[errors.is_some_and(|e| e.fields.iter().any(|(k, _)| k == "awards-file" || k == "previous-period"))] {
                summary { (ctx.t("Ubah dasar putaran", "Change the baseline")) }
                form method="post" action=(here.clone()) {
                    input type="hidden" name="csrf_token" value=(ctx.csrf);
                    input type="hidden" name="action" value="previous";
                    div.field {
                        label for="previous-period" { (ctx.t("Periode sebelumnya", "Previous period")) }
                        select #previous-period name="previous" {
                            option value="" { (ctx.t("(tidak ada)", "(none)")) }
                            @for id in &r.periods { option value=(id) selected[r.period.previous.as_deref() == Some(id.as_str())] { (id) } }
                        }
                        (field_error(errors, "previous-period"))
                    }
                    div.actions { button.secondary type="submit" { (ctx.t("Simpan periode sebelumnya", "Save the previous period")) } }
                }
                form method="post" action=(here.clone()) enctype="multipart/form-data" {
                    input type="hidden" name="csrf_token" value=(ctx.csrf);
                    input type="hidden" name="action" value="import";
                    div.field {
                        label for="awards-file" { (ctx.t("Impor daftar penghargaan sebelumnya (p2ham-awards/1, JSON)", "Import the previous award list (p2ham-awards/1, JSON)")) }
                        p.hint #awards-file-hint { (ctx.t("Untuk tahun pertama yang dicatat di aplikasi, mis. daftar Kanwil tahun 2022.", "For the first year kept in the application, e.g. the Kanwil's 2022 list.")) }
                        input #awards-file type="file" name="awards" accept=".json,application/json" aria-describedby="awards-file-hint";
                        (field_error(errors, "awards-file"))
                    }
                    div.actions { button.secondary type="submit" { (ctx.t("Impor", "Import")) } }
                }
            }
        }

        h2 #award-rule { (ctx.t("Bukti lain: aturan penilaian periode", "The other evidence: the period's rule")) }
        @if let Some((info, rule)) = &r.rule {
            p { (ctx.t("Selain hasil verifikasi P2HAM, unit harus memenuhi setiap syarat berikut (p2ham-award-rule/1):",
                "Besides the P2HAM verified result, a unit must meet every gate below (p2ham-award-rule/1):")) }
            ul #rule-gates { @for line in rule_lines(ctx, rule) { li { (line) } } }
            @if let Some(b) = &rule.basis { p { (ctx.t("Dasar", "Basis")) ": " (b) } }
            p.hint { (ctx.t("Ditetapkan oleh", "Set by")) " " (info.set_by) ", " (super::when(ctx, &info.set_at)) " (sha256 " code { (&info.sha256[..12.min(info.sha256.len())]) } "…). "
                a href=(rule_api.clone()) { (ctx.t("Aturan (JSON)", "The rule (JSON)")) } }
        } @else {
            p #no-rule { (ctx.t("Tidak ada aturan: keputusan hanya berdasarkan hasil verifikasi P2HAM.",
                "No rule is declared: the decision is the P2HAM verified result alone.")) }
        }
        @if open && (evaluator || admin) {
            details open[errors.is_some_and(|e| e.fields.iter().any(|(k, _)| k == "rule-file"))] {
                summary { (ctx.t("Tetapkan aturan penilaian", "Declare the rule")) }
                form method="post" action=(here.clone()) enctype="multipart/form-data" {
                    input type="hidden" name="csrf_token" value=(ctx.csrf);
                    input type="hidden" name="action" value="rule";
                    div.field {
                        label for="rule-file" { (ctx.t("Aturan penilaian (p2ham-award-rule/1, JSON)", "Award rule (p2ham-award-rule/1, JSON)")) }
                        p.hint #rule-file-hint { (ctx.t("Syarat IKM, Zona Integritas, pengaduan dan nilai gabungan; lihat docs/awards.md.",
                            "Gates on the IKM, Zona Integritas, complaints and a composite; see docs/awards.md.")) }
                        input #rule-file type="file" name="rule" accept=".json,application/json" aria-describedby="rule-file-hint";
                        (field_error(errors, "rule-file"))
                    }
                    div.actions { button.secondary type="submit" { (ctx.t("Simpan aturan", "Save the rule")) } }
                }
                @if r.rule.is_some() {
                    form method="post" action=(here.clone()) {
                        input type="hidden" name="csrf_token" value=(ctx.csrf);
                        input type="hidden" name="action" value="rule-clear";
                        div.actions { button.warn type="submit" { (ctx.t("Hapus aturan", "Clear the rule")) } }
                    }
                }
            }
        }

        h2 #decisions { (ctx.t("Keputusan per unit", "Decision per unit")) }
        @match &r.list {
            Err(refusal) => { div.alert.error role="alert" { p { (explain(ctx, refusal, "").0) } } }
            Ok(list) => {
                p {
                    @for d in Decision::ALL {
                        @let count = list.units.iter().filter(|e| e.decision == Some(d)).count();
                        @if count > 0 { (decision_label(ctx, Some(d))) ": " strong { (count) } ". " }
                    }
                    @if let Some(prev) = &list.previous_period { (ctx.t("Dibandingkan dengan daftar periode", "Against the list of period")) " " (prev) "." }
                }
                form.filters method="get" action=(here.clone()) {
                    div.cols {
                        div.field {
                            label for="f-decision" { (h_decision) }
                            select #f-decision name="decision" {
                                option value="" { (ctx.t("Semua", "All")) }
                                @for d in Decision::ALL { option value=(d.as_str()) selected[q.decision.as_deref() == Some(d.as_str())] { (decision_label(ctx, Some(d))) } }
                            }
                        }
                        div.field {
                            label for="f-office" { (h_office) }
                            select #f-office name="office" {
                                option value="" { (ctx.t("Semua", "All")) }
                                @for o in &offices { option value=(o) selected[q.office.as_deref() == Some(*o)] { (o) } }
                            }
                        }
                        div.field {
                            label for="f-kind" { (h_kind) }
                            select #f-kind name="kind" {
                                option value="" { (ctx.t("Semua", "All")) }
                                @for k in &kinds { option value=(k) selected[q.kind.as_deref() == Some(*k)] { (k) } }
                            }
                        }
                    }
                    div.actions { button.secondary type="submit" { (ctx.t("Saring", "Filter")) } }
                }
                @if shown.is_empty() {
                    p { (ctx.t("Tidak ada unit yang sesuai.", "No unit matches.")) }
                } @else {
                    div.table-wrap { table.stack #round role="table" {
                        caption.visually-hidden { (ctx.t("Keputusan penghargaan per unit", "Award decision per unit")) }
                        thead role="rowgroup" { tr role="row" {
                            th scope="col" role="columnheader" { (h_unit) }
                            th scope="col" role="columnheader" { (h_office) }
                            th scope="col" role="columnheader" { (h_kind) }
                            th scope="col" role="columnheader" class="num" { (h_total) }
                            th scope="col" role="columnheader" { (h_decision) }
                            th scope="col" role="columnheader" { (h_reasons) }
                        } }
                        tbody role="rowgroup" { @for e in &shown {
                            tr role="row" data-unit=(e.unit.id) {
                                th scope="row" role="rowheader" data-label=(h_unit) {
                                    a href=(ctx.url(&format!("/units/{}/history", urlencode(&e.unit.id)))) { (e.unit.name) }
                                }
                                td role="cell" data-label=(h_office) { (e.unit.office.as_deref().unwrap_or("—")) }
                                td role="cell" data-label=(h_kind) { (e.unit.kind) }
                                td.num role="cell" data-label=(h_total) { (e.total.map_or_else(|| "—".to_owned(), |t| t.to_string())) }
                                td role="cell" data-label=(h_decision) { (decision_badge(ctx, e.decision)) }
                                td role="cell" data-label=(h_reasons) { (reasons_cell(ctx, e)) }
                            }
                        } }
                    } }
                }
            }
        }

        h2 #components { (ctx.t("Bukti lain per unit", "The other evidence per unit")) }
        @if r.components.is_empty() {
            p { (ctx.t("Belum ada unit yang dievaluasi.", "No unit is evaluated yet.")) }
        } @else {
            div.table-wrap { table.stack #components-table role="table" {
                caption.visually-hidden { (ctx.t("IKM, Zona Integritas dan pengaduan per unit", "IKM, Zona Integritas and complaints per unit")) }
                thead role="rowgroup" { tr role="row" {
                    th scope="col" role="columnheader" { (h_unit) }
                    th scope="col" role="columnheader" { (h_ikm) }
                    th scope="col" role="columnheader" { (h_zi) }
                    th scope="col" role="columnheader" { (h_ombudsman) }
                    th scope="col" role="columnheader" { (h_elapor) }
                    @if open && evaluator { th scope="col" role="columnheader" { span.visually-hidden { (ctx.t("Ubah", "Change")) } } }
                } }
                tbody role="rowgroup" { @for c in &r.components {
                    tr role="row" data-components=(c.unit) {
                        th scope="row" role="rowheader" data-label=(h_unit) { (c.unit) }
                        td role="cell" data-label=(h_ikm) { @match (&c.ikm, &c.mutu) {
                            (Some(i), Some(m)) => { (i) " (" (m) ")" }
                            _ => { (ctx.t("belum ada SKM", "no SKM yet")) }
                        } }
                        td role="cell" data-label=(h_zi) { (zi_label(ctx, c.recorded.zona_integritas.as_deref())) }
                        td role="cell" data-label=(h_ombudsman) { (pair(ctx, c.recorded.ombudsman_unresolved, c.recorded.ombudsman_findings)) }
                        td role="cell" data-label=(h_elapor) { (pair(ctx, c.recorded.elapor_unresolved, c.recorded.elapor_complaints)) }
                        @if open && evaluator {
                            td role="cell" { a href=(format!("{here}?edit={}#components-form", urlencode(&c.unit))) {
                                (ctx.t("Ubah", "Change")) span.visually-hidden { " " (c.unit) } } }
                        }
                    }
                } }
            } }
            p.hint { (ctx.t("Pengaduan: belum selesai / seluruhnya. IKM dari SKM yang diunggah unit.",
                "Complaints: unresolved / in all. The IKM is the unit's uploaded SKM.")) " "
                a href=(ctx.url(&format!("/api/v1/periods/{}/award-components", urlencode(period)))) { (ctx.t("Angka periode ini (p2ham-award-components/1, JSON)", "This period's figures (p2ham-award-components/1, JSON)")) } }
            @if open && evaluator {
                @let editing = r.components.iter().find(|c| Some(c.unit.as_str()) == q.edit.as_deref().or(posted.and_then(|f| f.get("unit"))));
                @let cur = |name: &str, v: Option<u32>| posted.and_then(|f| f.get(name)).map(str::to_owned).or_else(|| v.map(|n| n.to_string())).unwrap_or_default();
                @let rec = editing.map(|c| c.recorded.clone()).unwrap_or_default();
                form #components-form method="post" action=(here.clone()) novalidate {
                    input type="hidden" name="csrf_token" value=(ctx.csrf);
                    input type="hidden" name="action" value="components";
                    div.field {
                        label for="c-unit" { (h_unit) }
                        select #c-unit name="unit" {
                            option value="" { (ctx.t("(pilih unit)", "(choose a unit)")) }
                            @for c in &r.components { option value=(c.unit) selected[editing.is_some_and(|e| e.unit == c.unit)] { (c.unit) } }
                        }
                        (field_error(errors, "c-unit"))
                    }
                    div.field {
                        label for="c-zona_integritas" { (h_zi) }
                        @let zi = posted.and_then(|f| f.get("zona_integritas")).map(str::to_owned).or(rec.zona_integritas.clone()).unwrap_or_default();
                        select #c-zona_integritas name="zona_integritas" {
                            option value="" selected[zi.is_empty()] { (ctx.t("(tidak dicatat)", "(not recorded)")) }
                            @for (v, id, en) in [("none", "belum ada", "none"), ("wbk", "WBK", "WBK"), ("wbbm", "WBBM", "WBBM")] {
                                option value=(v) selected[zi == v] { (ctx.t(id, en)) }
                            }
                        }
                        (field_error(errors, "c-zona_integritas"))
                    }
                    div.cols {
                        @for (name, id, en, v) in [
                            ("ombudsman_findings", "Temuan Ombudsman", "Ombudsman findings", rec.ombudsman_findings),
                            ("ombudsman_unresolved", "Temuan Ombudsman belum selesai", "Unresolved Ombudsman findings", rec.ombudsman_unresolved),
                            ("elapor_complaints", "Pengaduan e-Lapor", "e-Lapor complaints", rec.elapor_complaints),
                            ("elapor_unresolved", "Pengaduan e-Lapor belum selesai", "Unresolved e-Lapor complaints", rec.elapor_unresolved),
                        ] {
                            div.field {
                                label for=(format!("c-{name}")) { (ctx.t(id, en)) }
                                input id=(format!("c-{name}")) type="number" min="0" step="1" inputmode="numeric" name=(name) value=(cur(name, v));
                                (field_error(errors, &format!("c-{name}")))
                            }
                        }
                    }
                    p.hint { (ctx.t("Kosongkan angka yang tidak dicatat: syarat yang memerlukannya tidak terpenuhi.",
                        "Leave a figure empty when it is not recorded: a gate that needs it is not met.")) }
                    div.actions { button.secondary type="submit" { (ctx.t("Simpan angka unit", "Save the unit's figures")) } }
                }
            }
        }

        h2 #exclusions { (ctx.t("Unit yang dikeluarkan", "Units struck off")) }
        @if r.exclusions.is_empty() {
            p { (ctx.t("Tidak ada unit yang dikeluarkan.", "No unit is struck off.")) }
        } @else {
            ul { @for x in &r.exclusions {
                li data-excluded=(x.unit) {
                    strong { (x.unit) } ": " (x.reason) " (" (x.excluded_by) ", " (super::when(ctx, &x.excluded_at)) ")"
                    @if open && evaluator {
                        form method="post" action=(here.clone()) {
                            input type="hidden" name="csrf_token" value=(ctx.csrf);
                            input type="hidden" name="action" value="lift";
                            input type="hidden" name="unit" value=(x.unit);
                            button.secondary type="submit" { (ctx.t("Batalkan pengeluaran", "Lift the exclusion")) span.visually-hidden { " " (x.unit) } }
                        }
                    }
                }
            } }
        }
        @if open && evaluator && !selectable.is_empty() {
            form method="post" action=(here.clone()) novalidate {
                input type="hidden" name="csrf_token" value=(ctx.csrf);
                input type="hidden" name="action" value="exclude";
                div.field {
                    label for="exclude-unit" { (ctx.t("Unit", "Unit")) }
                    select #exclude-unit name="unit" {
                        option value="" { (ctx.t("(pilih unit)", "(choose a unit)")) }
                        @for e in &selectable { option value=(e.unit.id) selected[value("unit") == e.unit.id] { (e.unit.name) } }
                    }
                    (field_error(errors, "exclude-unit"))
                }
                div.field {
                    label for="exclude-reason" { (ctx.t("Alasan (dicatat pada daftar penghargaan)", "Reason (recorded on the award list)")) }
                    textarea #exclude-reason name="reason" rows="2" { (value("reason")) }
                    (field_error(errors, "exclude-reason"))
                }
                div.actions { button.warn type="submit" { (ctx.t("Keluarkan dari putaran", "Strike off the round")) } }
            }
        }

        h2 #decree { (ctx.t("Keputusan menteri", "The decree")) }
        @if let Some(d) = &r.decree {
            dl.meta {
                dt { (ctx.t("Nomor", "Number")) } dd #decree-recorded { (d.number) }
                dt { (ctx.t("Tanggal", "Date")) } dd { (long_date(ctx, &d.date)) }
                dt { (ctx.t("Penerbit", "Issuer")) } dd { (d.issuer) }
            }
            p { (ctx.t("Daftar yang ditetapkan keputusan ini menjadi dasar periode berikutnya.", "The list this decree fixed is the next period's baseline.")) }
            (decree_document(ctx, r, errors))
            (publication(ctx, r, &here))
        } @else if evaluator && r.list.is_ok() {
            p { (ctx.t("Satu keputusan untuk seluruh putaran: setiap unit yang dievaluasi dicatat mendapat atau tidak mendapat penghargaan menurut keputusan di atas.",
                "One decree for the whole round: every evaluated unit is recorded awarded or not awarded by the decisions above.")) }
            form method="post" action=(here.clone()) novalidate {
                input type="hidden" name="csrf_token" value=(ctx.csrf);
                input type="hidden" name="action" value="decree-check";
                div.field {
                    label for="decree-number" { (ctx.t("Nomor keputusan", "Decree number")) }
                    input #decree-number type="text" name="number" value=(value("number"));
                    (field_error(errors, "decree-number"))
                }
                div.field {
                    label for="decree-date" { (ctx.t("Tanggal keputusan", "Decree date")) }
                    input #decree-date type="date" name="date" value=(value("date"));
                    (field_error(errors, "decree-date"))
                }
                div.field {
                    label for="decree-issuer" { (ctx.t("Penerbit (sebagaimana tertulis pada keputusan)", "Issuer (as the decree names it)")) }
                    input #decree-issuer type="text" name="issuer" value=(value("issuer"));
                    (field_error(errors, "decree-issuer"))
                }
                div.actions { button type="submit" { (ctx.t("Periksa sebelum mencatat", "Check before recording")) } }
            }
        } @else {
            p { (ctx.t("Belum ada keputusan.", "No decree yet.")) }
        }

        h2 #annex { (ctx.t("Unduh", "Download")) }
        ul {
            li { a href=(format!("{api}?format=xlsx&lang={lang}")) { (ctx.t("Lampiran keputusan (XLSX)", "Decree annex (XLSX)")) } }
            li { a href=(format!("{api}?format=html&lang={lang}")) { (ctx.t("Lampiran keputusan (HTML, dapat dicetak)", "Decree annex (HTML, printable)")) } }
            li { a href=(format!("{api}?format=md&lang={lang}")) { (ctx.t("Lampiran keputusan (Markdown)", "Decree annex (Markdown)")) } }
            li { a href=(format!("{api}?format=csv&lang={lang}")) { (ctx.t("Lampiran keputusan (CSV)", "Decree annex (CSV)")) } }
            li { a href=(format!("{api}?format=json")) { (ctx.t("Daftar penghargaan (p2ham-awards/1, JSON)", "Award list (p2ham-awards/1, JSON)")) } }
        }
    };
    form_status(page(ctx, &title, &content), errors.is_some())
}

/// The signed decree (PDF): the stored one, and the form to upload or
/// replace it until the period is published.
fn decree_document(ctx: &Ctx, r: &Round, errors: Option<&FormErrors<'_>>) -> Markup {
    let p = urlencode(&r.period.id);
    let api = ctx.url(&format!("/api/v1/periods/{p}/decree/document"));
    html! {
        h3 #decree-document { (ctx.t("Keputusan yang ditandatangani (PDF)", "The signed decree (PDF)")) }
        @if let Some(d) = &r.document {
            dl.meta #decree-document-stored {
                dt { (ctx.t("Berkas", "File")) } dd { a href=(api) download { (d.file_name) } }
                dt { (ctx.t("Ukuran", "Size")) } dd { (super::stages::size(d.size)) }
                dt { "SHA-256" } dd { code.digest #decree-document-sha256 { (d.sha256) } }
                dt { (ctx.t("Diunggah oleh", "Uploaded by")) } dd { (d.uploaded_by) }
                dt { (ctx.t("Waktu", "When")) } dd { (super::when(ctx, &d.uploaded_at)) }
            }
        } @else {
            p #decree-document-none { (ctx.t(
                "Belum diunggah. Rekam publik hanya menyebut nomor dan tanggal keputusan sampai PDF yang ditandatangani diunggah sebelum diumumkan.",
                "Not uploaded yet. The public record names only the decree's number and date unless the signed PDF is uploaded before publishing.")) }
        }
        @if r.publication.is_some() {
            p.hint { (ctx.t(
                "Periode ini sudah diumumkan: keputusan yang ditandatangani tetap sampai periode ditarik dari rekam publik.",
                "This period is published: the signed decree is fixed until the period is withdrawn from the public record.")) }
        } @else {
            form method="post" action=(ctx.url(&format!("/periods/{p}/round/decree-document"))) enctype="multipart/form-data" {
                input type="hidden" name="csrf_token" value=(ctx.csrf);
                div.field {
                    label for="decree-document-file" { (ctx.t("Pindaian keputusan yang ditandatangani (PDF)", "Scan of the signed decree (PDF)")) }
                    input #decree-document-file type="file" name="document" accept="application/pdf" required;
                    (field_error(errors, "decree-document-file"))
                }
                div.actions { button #upload-decree-document type="submit" {
                    @if r.document.is_some() { (ctx.t("Ganti keputusan", "Replace the decree")) } @else { (ctx.t("Unggah keputusan", "Upload the decree")) }
                } }
            }
        }
    }
}

/// Upload the signed decree from the round page (multipart, without JavaScript).
pub(crate) async fn upload_decree_document(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(period): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let limit = state.settings().max_evidence_bytes;
    let form: FormData = match super::posted(&ctx, &headers, body, limit).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let Some(me) = ctx.me.as_ref() else {
        return ctx.redirect("/login");
    };
    let result = match form.files.iter().find(|(f, _, _)| f == "document") {
        Some((_, name, bytes)) => {
            let chunk: Result<axum::body::Bytes, std::convert::Infallible> = Ok(bytes.clone());
            let stream = futures_util::stream::iter([chunk]);
            state
                .awards(me)
                .put_decree_document(&period, name, stream)
                .await
                .map(drop)
        }
        None => Err(ServiceError::field(
            "document",
            "choose the signed decree's PDF file",
        )),
    };
    match result {
        Ok(()) => ctx.redirect(&format!(
            "/periods/{}/round?done=decree-document#decree-document",
            urlencode(&period)
        )),
        Err(e) if matches!(e.code, ErrorCode::Forbidden | ErrorCode::NotFound) => refused(&ctx, &e),
        Err(e) => {
            let text = match e.code {
                ErrorCode::NotDecreed => ctx.t(
                    "Catat keputusan menteri terlebih dahulu; sesudah itu unggah keputusan yang ditandatangani.",
                    "Record the decree first; then upload the signed decree.",
                ).to_owned(),
                ErrorCode::Refused => ctx.t(
                    "Periode ini sudah diumumkan: keputusan yang ditandatangani sudah tetap. Tarik periode dari rekam publik untuk menggantinya.",
                    "This period is published: its signed decree is fixed. Withdraw the period from the public record to replace it.",
                ).to_owned(),
                ErrorCode::WrongType => ctx.t(
                    "Berkas itu bukan PDF (dinilai dari isinya). Unggah keputusan yang ditandatangani sebagai PDF.",
                    "That file is not a PDF (judged by its content). Upload the signed decree as PDF.",
                ).to_owned(),
                ErrorCode::TooLarge => format!(
                    "{} ({})",
                    ctx.t("Berkas melebihi batas ukuran.", "The file is over the size limit."),
                    e.message
                ),
                ErrorCode::Invalid => ctx.t(
                    "Pilih berkas PDF keputusan yang ditandatangani.",
                    "Choose the signed decree's PDF file.",
                ).to_owned(),
                _ => e.message.clone(),
            };
            let errors = FormErrors {
                message: ctx
                    .t("Periksa isian yang ditandai:", "Check the marked field:")
                    .to_owned(),
                fields: vec![("decree-document-file".to_owned(), text)],
                posted: None,
            };
            match read_round(&state, &ctx, &period).await {
                Ok(r) => {
                    let mut resp = render(&ctx, &r, &RoundQuery::default(), Some(&errors));
                    *resp.status_mut() = axum::http::StatusCode::from_u16(e.code.http_status())
                        .unwrap_or(axum::http::StatusCode::UNPROCESSABLE_ENTITY);
                    resp
                }
                Err(resp) => resp,
            }
        }
    }
}

/// Publishing the decreed round in the public record (`/publik`), or withdrawing it.
fn publication(ctx: &Ctx, r: &Round, here: &str) -> Markup {
    let public = ctx.url(&format!("/publik/periode/{}", urlencode(&r.period.id)));
    html! {
        h3 #publication { (ctx.t("Rekam publik", "Public record")) }
        @if let Some(p) = &r.publication {
            p #published { (ctx.t("Diumumkan sejak ", "Published since ")) (super::when(ctx, &p.published_at)) ": "
                a href=(public) { (ctx.t("halaman publik periode ini", "this period's public page")) } }
            form method="post" action=(here) {
                input type="hidden" name="csrf_token" value=(ctx.csrf);
                input type="hidden" name="action" value="unpublish";
                div.actions { button.warn #unpublish type="submit" { (ctx.t("Tarik dari rekam publik", "Withdraw from the public record")) } }
            }
        } @else {
            p { (ctx.t(
                "Belum diumumkan. Yang diumumkan: nama, jenis dan Kantor Wilayah unit, keputusan dan predikat, nomor dan tanggal keputusan, nilai terverifikasi per kriteria, dan indikator yang terverifikasi terpenuhi. Tidak pernah: catatan, komentar, nama orang, angka penilaian mandiri, berkas bukti (kecuali foto yang ditandai publik oleh verifikator, tanpa metadata, untuk indikator yang terverifikasi terpenuhi).",
                "Not published. What is published: each unit's name, kind and regional office, the decision and predikat, the decree's number and date, the verified scores by criterion and the indicators verified as met. Never: notes, comments, people's names, self-assessment figures, evidence files (except photos a verifier marked public, without metadata, of indicators verified as met).")) }
            form method="post" action=(here) {
                input type="hidden" name="csrf_token" value=(ctx.csrf);
                input type="hidden" name="action" value="publish";
                div.actions { button #publish type="submit" { (ctx.t("Umumkan di rekam publik", "Publish in the public record")) } }
            }
        }
    }
}

/// The confirmation step of the decree: what it will record, unit by unit.
fn confirm_decree(ctx: &Ctx, r: &Round, req: &DecreeRequest) -> Response {
    let p = &r.period.id;
    let here = ctx.url(&format!("/periods/{}/round", urlencode(p)));
    let title = format!("{} {p}", ctx.t("Catat keputusan menteri", "Record the decree"));
    let list = r.list.as_ref().ok();
    let evaluated: Vec<&AwardEntry> = list
        .map(|l| l.units.iter().filter(|e| !e.rests_on.is_empty()).collect())
        .unwrap_or_default();
    let awarded = evaluated.iter().filter(|e| e.predikat).count();
    let content = html! {
        h1 { (title) }
        dl.meta {
            dt { (ctx.t("Nomor", "Number")) } dd { (req.number) }
            dt { (ctx.t("Tanggal", "Date")) } dd { (long_date(ctx, &req.date)) }
            dt { (ctx.t("Penerbit", "Issuer")) } dd { (req.issuer) }
        }
        p #decree-summary { strong { (awarded) } " " (ctx.t("unit akan dicatat mendapat penghargaan,", "units will be recorded awarded,")) " "
            strong { (evaluated.len() - awarded) } " " (ctx.t("unit tidak mendapat penghargaan. Setelah dicatat, putaran ini tidak dapat diubah.", "not awarded. Once recorded, this round cannot change.")) }
        ul { @for e in &evaluated {
            li { (e.unit.name) ": " (decision_badge(ctx, e.decision)) " — "
                @if e.predikat { (ctx.t("mendapat penghargaan", "awarded")) } @else { (ctx.t("tidak mendapat penghargaan", "not awarded")) } }
        } }
        form method="post" action=(here.clone()) {
            input type="hidden" name="csrf_token" value=(ctx.csrf);
            input type="hidden" name="action" value="decree";
            input type="hidden" name="number" value=(req.number);
            input type="hidden" name="date" value=(req.date);
            input type="hidden" name="issuer" value=(req.issuer);
            div.actions {
                button #confirm-decree type="submit" { (ctx.t("Ya, catat keputusan", "Yes, record the decree")) }
                a.button.secondary href=(here.clone()) { (ctx.t("Kembali", "Back")) }
            }
        }
    };
    page(ctx, &title, &content)
}

/// The round's changes: the baseline, exclusions, the decree.
pub(crate) async fn act(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(period): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let limit = state.settings().max_document_bytes as u64;
    let form: FormData = match super::posted(&ctx, &headers, body, limit).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let Some(me) = ctx.me.as_ref() else {
        return ctx.redirect("/login");
    };
    let awards = state.awards(me);
    let text = |k: &str| form.get(k).unwrap_or_default().to_owned();
    let result: Result<&str, ServiceError> = match form.get("action") {
        Some("previous") => awards
            .set_previous(
                &period,
                &PreviousPeriodRequest {
                    previous: form.text("previous"),
                },
            )
            .await
            .map(|_| "previous"),
        Some("import") => match form.files.iter().find(|(f, _, _)| f == "awards") {
            Some((_, name, bytes)) => awards
                .import_previous(&period, p2ham_io::Source::bytes(name.clone(), bytes.to_vec()))
                .await
                .map(|_| "imported"),
            None => Err(ServiceError {
                code: ErrorCode::InvalidDocument,
                message: ctx.t("pilih berkas JSON.", "choose a JSON file.").to_owned(),
                diagnostics: Vec::new(),
            }),
        },
        Some("exclude") => awards
            .exclude(
                &period,
                &ExclusionRequest {
                    unit: text("unit"),
                    reason: text("reason"),
                },
            )
            .await
            .map(|_| "excluded"),
        Some("publish") => awards.publish(&period).await.map(|_| "published"),
        Some("unpublish") => awards.unpublish(&period).await.map(|()| "unpublished"),
        Some("lift") => awards
            .lift_exclusion(&period, &text("unit"))
            .await
            .map(|()| "lifted"),
        Some("rule") => match form.files.iter().find(|(f, _, _)| f == "rule") {
            Some((_, name, bytes)) => awards
                .set_award_rule(&period, p2ham_io::Source::bytes(name.clone(), bytes.to_vec()))
                .await
                .map(|_| "rule"),
            None => Err(ServiceError {
                code: ErrorCode::InvalidDocument,
                message: ctx.t("pilih berkas JSON.", "choose a JSON file.").to_owned(),
                diagnostics: Vec::new(),
            }),
        },
        Some("rule-clear") => awards.clear_award_rule(&period).await.map(|()| "rule-cleared"),
        Some("components") => match components_request(&form) {
            Ok(req) if !text("unit").is_empty() => awards
                .record_components(&period, &text("unit"), &req)
                .await
                .map(|_| "components"),
            Ok(_) => Err(ServiceError::field("unit", "choose a unit")),
            Err(e) => Err(e),
        },
        Some("decree-check" | "decree") => {
            let req = DecreeRequest {
                number: text("number"),
                date: text("date"),
                issuer: text("issuer"),
            };
            if form.get("action") == Some("decree") {
                awards.decree(&period, &req).await.map(|_| "decreed")
            } else {
                match check_decree(&req) {
                    Some(e) => Err(e),
                    None => {
                        return match read_round(&state, &ctx, &period).await {
                            Ok(r) => confirm_decree(&ctx, &r, &req),
                            Err(resp) => resp,
                        };
                    }
                }
            }
        }
        _ => Err(ServiceError::new(
            ErrorCode::Invalid,
            ctx.t("Tindakan tidak dikenal.", "Unknown action."),
        )),
    };
    match result {
        Ok(done) => ctx.redirect(&format!(
            "/periods/{}/round?done={done}#{}",
            urlencode(&period),
            match done {
                "excluded" | "lifted" => "exclusions",
                "rule" | "rule-cleared" => "award-rule",
                "components" => "components",
                "decreed" | "published" | "unpublished" => "decree",
                _ => "baseline",
            }
        )),
        Err(e) => {
            let (message, fields) = explain(&ctx, &e, form.get("action").unwrap_or_default());
            let errors = FormErrors {
                message,
                fields,
                posted: Some(&form),
            };
            match read_round(&state, &ctx, &period).await {
                Ok(r) => render(&ctx, &r, &RoundQuery::default(), Some(&errors)),
                Err(resp) => resp,
            }
        }
    }
}

/// The figures of the components form.
fn components_request(form: &FormData) -> Result<AwardComponentsRequest, ServiceError> {
    Ok(AwardComponentsRequest {
        zona_integritas: form.text("zona_integritas"),
        ombudsman_findings: count_field(form, "ombudsman_findings")?,
        ombudsman_unresolved: count_field(form, "ombudsman_unresolved")?,
        elapor_complaints: count_field(form, "elapor_complaints")?,
        elapor_unresolved: count_field(form, "elapor_unresolved")?,
    })
}

/// The decree's fields as the service checks them, before the confirmation step.
fn check_decree(req: &DecreeRequest) -> Option<ServiceError> {
    if req.number.trim().is_empty() {
        return Some(ServiceError::field("number", "give the decree's number"));
    }
    if !p2ham_io::model::is_iso_date(req.date.trim()) {
        return Some(ServiceError::field("date", "expected a date YYYY-MM-DD"));
    }
    if req.issuer.trim().is_empty() {
        return Some(ServiceError::field("issuer", "give the issuer"));
    }
    None
}

/// A unit across the periods: the report layer's history (`p2ham history`).
pub(crate) async fn history_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(unit): Path<String>,
) -> Response {
    let me = match ctx.me() {
        Ok(m) => m,
        Err(r) => return r,
    };
    let report = match state.awards(me).history(&unit).await {
        Ok(r) => r,
        Err(e) => return refused(&ctx, &e),
    };
    let name = report
        .units
        .first()
        .map_or_else(|| unit.clone(), |u| u.name.clone());
    let title = format!("{} — {name}", ctx.t("Riwayat predikat", "Predikat history"));
    let fragment = p2ham_report::to_html_fragment(
        &p2ham_report::Renderable::doc(
            &report,
            &p2ham_report::RenderOptions {
                lang: ctx.lang,
                evidence: None,
            },
        ),
        &p2ham_report::FragmentOptions::default(),
    );
    let api = ctx.url(&format!("/api/v1/units/{}/history", urlencode(&unit)));
    let l = ctx.lang_code();
    let content = html! {
        p { a href=(ctx.url(ctx.start())) { "← " (ctx.t("Kembali", "Back")) } }
        h1 { (title) }
        @if report.units.is_empty() {
            p { (ctx.t("Belum ada periode yang tercatat untuk unit ini.", "No period is recorded for this unit yet.")) }
        } @else {
            section.history #history data-current-streak=(report.units[0].current_streak)
                data-longest-streak=(report.units[0].longest_streak) { (PreEscaped(fragment)) }
            ul {
                li { a href=(format!("{api}?format=xlsx&lang={l}")) { (ctx.t("Riwayat (XLSX)", "History (XLSX)")) } }
                li { a href=(format!("{api}?format=csv&lang={l}")) { (ctx.t("Riwayat (CSV)", "History (CSV)")) } }
            }
        }
    };
    page(&ctx, &title, &content)
}
