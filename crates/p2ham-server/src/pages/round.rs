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
use p2ham_io::model::{AwardEntry, AwardList, Decision};
use serde::Deserialize;

use super::case::FormErrors;
use super::{error_summary, form_status, notice, page, refused, urlencode, Ctx, FormData};
use crate::proto::{DecreeRequest, ExclusionRequest, PeriodInfo, PreviousPeriodRequest};
use crate::service::{ErrorCode, ServiceError};
use crate::AppState;

/// The round page's filters and the notice after a change.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RoundQuery {
    decision: Option<String>,
    office: Option<String>,
    kind: Option<String>,
    done: Option<String>,
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
        "decreed" => ctx.t(
            "Keputusan menteri tercatat untuk seluruh unit yang dievaluasi.",
            "The decree is recorded for every evaluated unit.",
        ),
        _ => "",
    }
}

/// A refusal in the page's language: what to do, by the service's code and
/// the field it names; the service's own words only where they list
/// something (units, document problems).
fn explain(ctx: &Ctx, e: &ServiceError) -> (String, Vec<(String, String)>) {
    let field = e.diagnostics.first().map(|d| d.path.clone()).unwrap_or_default();
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

fn reasons_text(ctx: &Ctx, e: &AwardEntry) -> String {
    let text = e
        .reasons
        .iter()
        .chain(&e.notes)
        .map(|r| r.message.get(ctx.lang).to_owned())
        .collect::<Vec<_>>()
        .join(" ");
    if text.is_empty() {
        "—".to_owned()
    } else {
        text
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
    Ok(Round {
        period: p,
        periods,
        list,
        decree,
        imported,
        exclusions,
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

        h2 #decisions { (ctx.t("Keputusan per unit", "Decision per unit")) }
        @match &r.list {
            Err(refusal) => { div.alert.error role="alert" { p { (explain(ctx, refusal).0) } } }
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
                                td role="cell" data-label=(h_reasons) { (reasons_text(ctx, e)) }
                            }
                        } }
                    } }
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
        Some("lift") => awards
            .lift_exclusion(&period, &text("unit"))
            .await
            .map(|()| "lifted"),
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
                "decreed" => "decree",
                _ => "baseline",
            }
        )),
        Err(e) => {
            let (message, fields) = explain(&ctx, &e);
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
