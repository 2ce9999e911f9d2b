//! Rendering a score report as a self-contained HTML page (no scripts, no
//! external resources), escaped by the `maud` templates.

use maud::{html, Markup, PreEscaped, DOCTYPE};
use p2ham_model::{Decimal, Lang, Stage};
use p2ham_scoring::{Breakdown, ScoreReport, Status};

use crate::score_report::{figure, status_label};

const STYLE: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:2px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0;font-size:.92rem}
th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f5f7}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.total{font-size:2.4rem;font-weight:700}.award{padding:.6rem 1rem;border-radius:.4rem;margin:1rem 0}
.eligible{background:#e5f5e8;border:1px solid #3c9a4f}.not-eligible{background:#fdecea;border:1px solid #c62828}
.met{color:#1e7b34}.partial{color:#9a6700}.unmet,.missing,.unsupported{color:#b3261e}.excluded{color:#6b6b6b}
dl.meta{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dl.meta dt{font-weight:600}
code{font-size:.85rem;word-break:break-all}svg{max-width:100%}
";

fn status_class(s: Status) -> &'static str {
    s.as_str()
}

fn bar_chart(r: &ScoreReport, lang: Lang) -> Markup {
    // One horizontal bar per criterion, 0–100, with the pass mark as a line.
    let row_h = 28;
    let height = row_h * r.criteria.len() + 24;
    let x0 = 60;
    let width = 500;
    let scale = |d: Decimal| -> Decimal { d * Decimal::from(width) / Decimal::ONE_HUNDRED };
    let pass = scale(r.award.min_total).round_dp(1);
    html! {
        svg xmlns="http://www.w3.org/2000/svg" width=(x0 + width + 70) height=(height) role="img"
            aria-label=(lang.pick("Nilai per kriteria", "Score per criterion")) {
            @for (i, c) in r.criteria.iter().enumerate() {
                @let y = 4 + i * row_h;
                text x="0" y=(y + 16) font-size="13" { (c.id) }
                rect x=(x0) y=(y) width=(width) height="20" fill="#eef0f2" {}
                @if let Some(s) = c.score {
                    rect x=(x0) y=(y) width=(scale(s).round_dp(1)) height="20" fill="#3b6ea8" {}
                    text x=(x0 + width + 6) y=(y + 15) font-size="13" { (s) }
                } @else {
                    text x=(x0 + width + 6) y=(y + 15) font-size="13" { (lang.pick("tidak ada data", "no data")) }
                }
            }
            line x1=(Decimal::from(x0) + pass) x2=(Decimal::from(x0) + pass) y1="0" y2=(height - 20)
                stroke="#c62828" stroke-dasharray="4 3" {}
            text x=(Decimal::from(x0) + pass) y=(height - 6) font-size="11" text-anchor="middle" fill="#c62828" {
                (lang.pick("batas", "pass mark")) " " (r.award.min_total)
            }
        }
    }
}

fn breakdown_table<K>(items: &[Breakdown<K>], head: &str, lang: Lang) -> Markup {
    html! {
        table {
            thead { tr {
                th { (head) } th.num { (lang.pick("Nilai", "Score")) } th.num { (lang.pick("Poin", "Points")) }
                th { (lang.pick("Terpenuhi", "Met")) } th { (lang.pick("Belum terpenuhi", "Not met")) }
            } }
            tbody { @for b in items { tr {
                td { (b.label.get(lang)) } td.num { (figure(b.score, lang)) }
                td.num { (b.points_earned) "/" (b.points_possible) }
                td { (b.met.join(", ")) } td { (b.not_met.join(", ")) }
            } } }
        }
    }
}

/// The report as a standalone HTML page.
pub fn score_to_html(r: &ScoreReport, lang: Lang) -> String {
    let l = |id: &'static str, en: &'static str| lang.pick(id, en);
    let a = &r.assessment;
    let stage = match a.stage {
        Stage::SelfAssessment => l("penilaian mandiri", "self-assessment"),
        Stage::Verification => l("verifikasi", "verification"),
    };
    let page = html! {
        (DOCTYPE)
        html lang=(if lang == Lang::En { "en" } else { "id" }) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (l("Hasil Penilaian P2HAM", "P2HAM Score")) " — " (a.unit.name) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                h1 { (l("Hasil Penilaian P2HAM", "P2HAM Score")) " — " (a.unit.name) }
                dl.meta {
                    dt { (l("Unit", "Unit")) } dd { (a.unit.name) " (" (a.unit.id) ", " (a.unit.kind) ")" }
                    dt { (l("Kantor wilayah", "Regional office")) } dd { (a.unit.office.as_deref().unwrap_or("—")) }
                    dt { (l("Periode", "Period")) } dd { (a.period) ", " (stage) }
                    dt { (l("Instrumen", "Instrument")) } dd { (r.instrument.id) " " (r.instrument.version) " — " (r.instrument.title.get(lang)) }
                    dt { (l("Dasar hukum", "Legal basis")) } dd { (r.instrument.legal_basis.join("; ")) }
                    dt { (l("Model penilaian", "Scoring model")) } dd { code { (r.model) } }
                    dt { "SHA-256 " (l("instrumen", "instrument")) } dd { code { (r.instrument.sha256) } }
                    dt { "SHA-256 " (l("penilaian", "assessment")) } dd { code { (a.sha256) } }
                }
                p { span.total { (figure(r.total, lang)) } " / " (r.max) }
                @if r.award.eligible {
                    div.award.eligible { strong { (l("Memenuhi syarat predikat", "Eligible for the predikat")) } }
                } @else {
                    div.award."not-eligible" {
                        strong { (l("Belum memenuhi syarat predikat", "Not eligible for the predikat")) }
                        ul { @for reason in &r.award.reasons { li { (reason.message.get(lang)) } } }
                    }
                }
                h2 { (l("Nilai per kriteria", "Scores per criterion")) }
                (bar_chart(r, lang))
                table {
                    thead { tr {
                        th { (l("Kriteria", "Criterion")) } th.num { (l("Bobot", "Weight")) } th.num { (l("Porsi %", "Share %")) }
                        th.num { (l("Nilai", "Score")) } th.num { (l("Maks", "Max")) }
                        th.num { (l("Penuh", "Met")) } th.num { (l("Sebagian", "Partial")) } th.num { (l("Tidak", "Unmet")) }
                        th.num { (l("Kosong", "Missing")) } th.num { (l("Tanpa bukti", "Unsupported")) } th.num { (l("Dikecualikan", "Excluded")) }
                    } }
                    tbody { @for c in &r.criteria { tr {
                        td { (c.id) " " (c.title.get(lang)) } td.num { (c.weight) } td.num { (c.share) }
                        td.num { (figure(c.score, lang)) } td.num { (c.max) }
                        td.num { (c.counts.met) } td.num { (c.counts.partial) } td.num { (c.counts.unmet) }
                        td.num { (c.counts.missing) } td.num { (c.counts.unsupported) } td.num { (c.counts.excluded) }
                    } } }
                }
                @for c in &r.criteria {
                    h2 { (c.id) " " (c.title.get(lang)) " — " (figure(c.score, lang)) }
                    table {
                        thead { tr {
                            th { (l("Indikator", "Indicator")) } th { (l("Jawaban", "Answer")) } th.num { (l("Nilai", "Value")) }
                            th.num { (l("Bobot", "Weight")) } th.num { (l("Poin total", "Total points")) } th { "Status" }
                            th.num { (l("Bukti", "Evidence")) }
                        } }
                        tbody { @for i in &c.indicators { tr {
                            td { (i.id) " " (i.title.get(lang)) @if i.mandatory { " " strong title=(l("wajib", "mandatory")) { "*" } } }
                            td { @if let Some(label) = &i.answer_label { (label.get(lang)) } @else if i.justification.is_some() { "N/A" } @else { "—" } }
                            td.num { @if let Some(v) = i.value { (v) } }
                            td.num { (i.weight) }
                            td.num { (i.total_points_earned) "/" (i.total_points_possible) }
                            td class=(status_class(i.status)) {
                                (status_label(i.status, lang))
                                @if let Some(j) = &i.justification { br; small { "N/A: " (j) } }
                                @if let Some(n) = &i.note { br; small { (n) } }
                            }
                            td.num { (i.evidence) }
                        } } }
                    }
                }
                h2 { (l("Kelompok rentan", "Vulnerable groups")) }
                (breakdown_table(&r.groups, l("Kelompok", "Group"), lang))
                h2 { (l("Asas pelayanan publik (UU 25/2009 Pasal 4)", "Principles of public service (UU 25/2009 Art. 4)")) }
                (breakdown_table(&r.principles, l("Asas", "Principle"), lang))
                h2 { (l("Rencana tindak lanjut", "Improvement plan")) }
                @if r.gaps.is_empty() {
                    p { (l("Semua indikator terpenuhi.", "Every indicator is met.")) }
                } @else {
                    table {
                        thead { tr { th.num { "#" } th { (l("Indikator", "Indicator")) } th { "Status" }
                            th.num { (l("Tambahan poin", "Points to gain")) } th { (l("Wajib", "Mandatory")) } } }
                        tbody { @for (n, g) in r.gaps.iter().enumerate() { tr {
                            td.num { (n + 1) } td { (g.indicator) " " (g.title.get(lang)) }
                            td class=(status_class(g.status)) { (status_label(g.status, lang)) }
                            td.num { (g.gain) } td { @if g.mandatory { (l("ya", "yes")) } }
                        } } }
                    }
                }
                p { small {
                    (l("Dihitung dengan model", "Computed with model")) " " code { (r.model) } "; "
                    (l("nilai dibulatkan sekali ke 2 desimal", "figures rounded once to 2 decimals"))
                    @if let Some(t) = r.total_exact { " (" (l("nilai total tanpa pembulatan", "unrounded total")) " " (t) ")" }
                    "."
                } }
            }
        }
    };
    let mut s = page.into_string();
    s.push('\n');
    s
}
