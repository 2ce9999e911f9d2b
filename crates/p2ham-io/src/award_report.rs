//! Rendering the award cycle: the award report (who keeps, gains and loses
//! the predikat, with reasons and the summary), the decree annex (Lampiran)
//! and the history, as text, Markdown and CSV. Each is built once as
//! sections (a title and a table, or lines) and written by either backend.

use std::collections::BTreeMap;
use std::fmt::Write;

use p2ham_model::{AwardEntry, AwardList, AwardReason, Decision, Lang};
use p2ham_scoring::{summarize, DecisionCounts, HistoryReport};

use crate::figure;
use crate::table::{md_cell, Align, CsvText, Table};

/// One part of a report: a table or a list of lines under a title.
enum Block {
    Table(Table),
    Lines(Vec<String>),
}

struct Section {
    title: String,
    block: Block,
}

struct Built {
    title: String,
    intro: Vec<String>,
    sections: Vec<Section>,
}

impl Built {
    fn to_text(&self) -> String {
        let mut s = format!("{}\n", self.title);
        for l in &self.intro {
            let _ = writeln!(s, "{l}");
        }
        for sec in &self.sections {
            let _ = write!(s, "\n{}\n\n", sec.title);
            match &sec.block {
                Block::Table(t) => s.push_str(&t.to_text()),
                Block::Lines(lines) => {
                    for l in lines {
                        let _ = writeln!(s, "{l}");
                    }
                }
            }
        }
        s
    }

    fn to_markdown(&self) -> String {
        let mut s = format!("# {}\n\n", md_cell(&self.title));
        for l in &self.intro {
            let _ = writeln!(s, "{}  ", md_cell(l));
        }
        for sec in &self.sections {
            let _ = write!(s, "\n## {}\n\n", md_cell(&sec.title));
            match &sec.block {
                Block::Table(t) => s.push_str(&t.to_markdown()),
                Block::Lines(lines) => {
                    for l in lines {
                        let _ = writeln!(s, "- {}", md_cell(l));
                    }
                }
            }
        }
        s
    }
}

/// A decision in the chosen language.
pub fn decision_label(d: Option<Decision>, lang: Lang) -> String {
    d.map_or_else(
        || lang.pick("(tidak dicatat)", "(not recorded)").to_owned(),
        |d| d.label().get(lang).to_owned(),
    )
}

fn office_name(o: Option<&str>, lang: Lang) -> String {
    o.map_or_else(
        || lang.pick("(tanpa Kanwil)", "(no Kanwil)").to_owned(),
        str::to_owned,
    )
}

fn yes_no(b: bool, lang: Lang) -> String {
    if b {
        lang.pick("ya", "yes")
    } else {
        lang.pick("tidak", "no")
    }
    .to_owned()
}

fn decree_lines(list: &AwardList, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(d) = &list.decree {
        let mut l = format!("{}: {}", lang.pick("Keputusan", "Decree"), d.number);
        if let Some(date) = &d.date {
            let _ = write!(
                l,
                ", {} {}",
                lang.pick("tanggal", "dated"),
                crate::long_date(Some(date), lang)
            );
        }
        out.push(l);
        if let Some(i) = &d.issuer {
            out.push(format!("{}: {i}", lang.pick("Ditetapkan oleh", "Issued by")));
        }
    }
    out
}

fn reason_text(r: &AwardReason, lang: Lang) -> String {
    format!("[{}] {}", r.code.as_str(), r.message.get(lang))
}

fn counts_row(label: String, c: &DecisionCounts) -> Vec<String> {
    let mut row = vec![label, c.units.to_string(), c.predikat.to_string()];
    row.extend(Decision::ALL.iter().map(|d| c.get(*d).to_string()));
    row
}

fn counts_table(first: &str, lang: Lang) -> Table {
    let labels: Vec<String> = Decision::ALL
        .iter()
        .map(|d| d.label().get(lang).to_owned())
        .collect();
    let mut cols: Vec<(&str, Align)> = vec![
        (first, Align::Left),
        (lang.pick("Unit", "Units"), Align::Right),
        (lang.pick("Predikat", "Predikat"), Align::Right),
    ];
    cols.extend(labels.iter().map(|l| (l.as_str(), Align::Right)));
    Table::new(&cols)
}

fn build_award(list: &AwardList, lang: Lang) -> Built {
    let mut intro = vec![format!("{}: {}", lang.pick("Periode", "Period"), list.period)];
    if let Some(p) = &list.previous_period {
        intro.push(format!(
            "{}: {p}",
            lang.pick(
                "Dibandingkan dengan daftar periode",
                "Against the award list of period"
            )
        ));
    } else {
        intro.push(
            lang.pick(
                "Tanpa daftar periode sebelumnya: setiap unit memperoleh atau tidak memperoleh predikat.",
                "No previous award list: every unit gains the predikat or is not awarded.",
            )
            .to_owned(),
        );
    }
    intro.extend(decree_lines(list, lang));
    for i in &list.instruments {
        intro.push(format!(
            "{}: {} {} (sha256 {})",
            lang.pick("Instrumen", "Instrument"),
            i.id,
            i.version,
            i.sha256
        ));
    }
    let summary = summarize(list);
    let mut sections = Vec::new();

    let mut units = Table::new(&[
        ("No", Align::Right),
        (lang.pick("Unit", "Unit"), Align::Left),
        (lang.pick("Nama", "Name"), Align::Left),
        (lang.pick("Jenis", "Kind"), Align::Left),
        ("Kanwil", Align::Left),
        (lang.pick("Nilai", "Total"), Align::Right),
        (lang.pick("Memenuhi syarat", "Eligible"), Align::Left),
        (lang.pick("Keputusan", "Decision"), Align::Left),
    ]);
    for (i, e) in list.units.iter().enumerate() {
        units.row(vec![
            (i + 1).to_string(),
            e.unit.id.clone(),
            e.unit.name.clone(),
            e.unit.kind.clone(),
            office_name(e.unit.office.as_deref(), lang),
            if e.instrument.is_some() {
                figure(e.total, lang)
            } else {
                "-".into()
            },
            yes_no(e.eligible, lang),
            decision_label(e.decision, lang),
        ]);
    }
    sections.push(Section {
        title: lang.pick("Keputusan per unit", "Decision per unit").to_owned(),
        block: Block::Table(units),
    });

    let mut why = Vec::new();
    for e in &list.units {
        for r in &e.reasons {
            why.push(format!(
                "{} ({}): {}",
                e.unit.id,
                decision_label(e.decision, lang),
                reason_text(r, lang)
            ));
        }
        for n in &e.notes {
            why.push(format!(
                "{} ({}): {}",
                e.unit.id,
                lang.pick("catatan", "note"),
                reason_text(n, lang)
            ));
        }
    }
    if !why.is_empty() {
        sections.push(Section {
            title: lang.pick("Alasan dan catatan", "Reasons and notes").to_owned(),
            block: Block::Lines(why),
        });
    }

    let mut total = counts_table(lang.pick("Cakupan", "Scope"), lang);
    total.row(counts_row(
        lang.pick("Nasional", "National").into(),
        &summary.total,
    ));
    sections.push(Section {
        title: lang.pick("Ringkasan", "Summary").to_owned(),
        block: Block::Table(total),
    });
    let mut offices = counts_table("Kanwil", lang);
    for (o, c) in &summary.offices {
        offices.row(counts_row(office_name(o.as_deref(), lang), c));
    }
    sections.push(Section {
        title: lang.pick("Ringkasan per Kanwil", "Summary per Kanwil").to_owned(),
        block: Block::Table(offices),
    });
    let mut kinds = counts_table(lang.pick("Jenis unit", "Unit kind"), lang);
    for (k, c) in &summary.kinds {
        kinds.row(counts_row(k.clone(), c));
    }
    sections.push(Section {
        title: lang
            .pick("Ringkasan per jenis unit", "Summary per unit kind")
            .to_owned(),
        block: Block::Table(kinds),
    });
    Built {
        title: format!(
            "{} {}",
            lang.pick(
                "Penetapan predikat P2HAM periode",
                "P2HAM predikat decision, period"
            ),
            list.period
        ),
        intro,
        sections,
    }
}

/// The award report as aligned text: the decision per unit, every reason and
/// note, and the summary per decision, Kanwil and unit kind.
pub fn award_to_text(list: &AwardList, lang: Lang) -> String {
    build_award(list, lang).to_text()
}

/// The award report as Markdown.
pub fn award_to_markdown(list: &AwardList, lang: Lang) -> String {
    build_award(list, lang).to_markdown()
}

/// The award list as CSV: one row per unit, reasons joined by ` | `.
pub fn award_to_csv(list: &AwardList, lang: Lang) -> String {
    let mut w = CsvText::new();
    w.row([
        "period",
        "unit",
        "name",
        "kind",
        "office",
        "instrument",
        "total",
        "eligible",
        "predikat",
        "decision",
        "reasons",
        "verification_sha256",
    ]);
    for e in &list.units {
        let reasons: Vec<String> = e.reasons.iter().map(|r| reason_text(r, lang)).collect();
        let sources: Vec<&str> = e.rests_on.iter().map(|s| s.sha256.as_str()).collect();
        w.row([
            list.period.clone(),
            e.unit.id.clone(),
            e.unit.name.clone(),
            e.unit.kind.clone(),
            e.unit.office.clone().unwrap_or_default(),
            e.instrument
                .as_ref()
                .map(|i| format!("{} {}", i.id, i.version))
                .unwrap_or_default(),
            e.total.map(|t| t.to_string()).unwrap_or_default(),
            e.eligible.to_string(),
            e.predikat.to_string(),
            e.decision.map(|d| d.as_str().to_owned()).unwrap_or_default(),
            reasons.join(" | "),
            sources.join(" "),
        ]);
    }
    w.finish()
}

/// The units holding the predikat, grouped by Kanwil (by name, units without
/// one last), numbered within each group, by unit name.
fn annex_groups(list: &AwardList) -> Vec<(Option<&str>, Vec<&AwardEntry>)> {
    let mut groups: BTreeMap<(bool, Option<&str>), Vec<&AwardEntry>> = BTreeMap::new();
    for e in list.units.iter().filter(|e| e.predikat) {
        let o = e.unit.office.as_deref();
        groups.entry((o.is_none(), o)).or_default().push(e);
    }
    groups
        .into_iter()
        .map(|((_, o), mut v)| {
            v.sort_by(|a, b| (&a.unit.name, &a.unit.id).cmp(&(&b.unit.name, &b.unit.id)));
            (o, v)
        })
        .collect()
}

/// The annex kind label as the decree writes it (the unit kind in capitals).
fn kind_label(kind: &str) -> String {
    kind.to_uppercase()
}

fn build_annex(list: &AwardList, lang: Lang) -> Built {
    let mut intro = vec![lang
        .pick(
            "Daftar unit pelayanan yang memperoleh predikat Pelayanan Publik Berbasis Hak Asasi Manusia (P2HAM)",
            "Service units granted the predikat of human-rights-based public service (P2HAM)",
        )
        .to_owned()];
    intro.push(format!("{}: {}", lang.pick("Periode", "Period"), list.period));
    let decree = decree_lines(list, lang);
    if decree.is_empty() {
        intro.push(
            lang.pick(
                "Keputusan: (nomor dan tanggal belum ditetapkan)",
                "Decree: (number and date not yet set)",
            )
            .to_owned(),
        );
    }
    intro.extend(decree);
    let groups = annex_groups(list);
    let total: usize = groups.iter().map(|(_, v)| v.len()).sum();
    intro.push(format!(
        "{}: {total} {}, {} Kanwil",
        lang.pick("Jumlah", "Total"),
        lang.pick("unit", "unit(s)"),
        groups.len()
    ));
    let mut sections = Vec::new();
    for (i, (office, units)) in groups.iter().enumerate() {
        let mut t = Table::new(&[
            ("No", Align::Right),
            (lang.pick("Nama unit", "Unit"), Align::Left),
            (lang.pick("Jenis", "Kind"), Align::Left),
        ]);
        for (n, e) in units.iter().enumerate() {
            t.row(vec![
                (n + 1).to_string(),
                e.unit.name.clone(),
                kind_label(&e.unit.kind),
            ]);
        }
        sections.push(Section {
            title: format!("{}. {}", roman(i + 1), office_name(*office, lang)),
            block: Block::Table(t),
        });
    }
    Built {
        title: format!(
            "{} {}",
            lang.pick(
                "LAMPIRAN KEPUTUSAN PENETAPAN PREDIKAT P2HAM",
                "ANNEX TO THE P2HAM PREDIKAT DECREE"
            ),
            list.period
        ),
        intro,
        sections,
    }
}

/// An upper-case Roman numeral (for group headings), 1 ≤ n < 4000.
fn roman(mut n: usize) -> String {
    const TABLE: [(usize, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (v, r) in TABLE {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

/// The decree annex (Lampiran) as text: the units holding the predikat,
/// grouped by Kanwil, numbered, with their names and kinds.
pub fn annex_to_text(list: &AwardList, lang: Lang) -> String {
    build_annex(list, lang).to_text()
}

/// The decree annex as Markdown.
pub fn annex_to_markdown(list: &AwardList, lang: Lang) -> String {
    build_annex(list, lang).to_markdown()
}

/// The decree annex as CSV: Kanwil, number within it, unit name, kind, unit id.
pub fn annex_to_csv(list: &AwardList) -> String {
    let mut w = CsvText::new();
    w.row(["kanwil", "no", "unit_name", "kind", "unit"]);
    for (office, units) in annex_groups(list) {
        for (n, e) in units.iter().enumerate() {
            w.row([
                office.unwrap_or_default().to_owned(),
                (n + 1).to_string(),
                e.unit.name.clone(),
                kind_label(&e.unit.kind),
                e.unit.id.clone(),
            ]);
        }
    }
    w.finish()
}

fn build_history(r: &HistoryReport, lang: Lang) -> Built {
    let intro = vec![format!(
        "{}: {}",
        lang.pick("Periode", "Periods"),
        r.periods.join(", ")
    )];
    let mut sections = Vec::new();
    for u in &r.units {
        let mut t = Table::new(&[
            (lang.pick("Periode", "Period"), Align::Left),
            (lang.pick("Instrumen", "Instrument"), Align::Left),
            (lang.pick("Nilai", "Total"), Align::Right),
            (lang.pick("Selisih", "Change"), Align::Right),
            (lang.pick("Predikat", "Predikat"), Align::Left),
            (lang.pick("Keputusan", "Decision"), Align::Left),
            (lang.pick("Catatan", "Notes"), Align::Left),
        ]);
        for p in &u.periods {
            let change = match (p.comparable, p.change) {
                (false, _) => lang.pick("tidak sebanding", "not comparable").to_owned(),
                (true, Some(c)) if c > p2ham_model::Decimal::ZERO => format!("+{c}"),
                (true, Some(c)) => c.to_string(),
                (true, None) => "-".into(),
            };
            t.row(vec![
                p.period.clone(),
                p.instrument
                    .as_ref()
                    .map_or_else(|| "-".into(), |i| format!("{} {}", i.id, i.version)),
                if p.present {
                    figure(p.total, lang)
                } else {
                    "-".into()
                },
                change,
                p.predikat.map_or_else(|| "-".into(), |b| yes_no(b, lang)),
                p.decision
                    .map_or_else(|| "-".into(), |d| decision_label(Some(d), lang)),
                p.notes.iter().map(|n| n.get(lang)).collect::<Vec<_>>().join(" "),
            ]);
        }
        sections.push(Section {
            title: format!(
                "{} ({}, {}, {}) — {}: {}, {}: {}",
                u.name,
                u.unit,
                u.kind,
                office_name(u.office.as_deref(), lang),
                lang.pick("predikat berturut-turut saat ini", "current streak"),
                u.current_streak,
                lang.pick("terpanjang", "longest"),
                u.longest_streak
            ),
            block: Block::Table(t),
        });
    }
    Built {
        title: lang.pick("Riwayat P2HAM", "P2HAM history").to_owned(),
        intro,
        sections,
    }
}

/// The history as text: per unit, one row per period; the change is only
/// computed between periods evaluated with the same instrument.
pub fn history_to_text(r: &HistoryReport, lang: Lang) -> String {
    build_history(r, lang).to_text()
}

/// The history as Markdown.
pub fn history_to_markdown(r: &HistoryReport, lang: Lang) -> String {
    build_history(r, lang).to_markdown()
}

/// The history as CSV: one row per unit and period.
pub fn history_to_csv(r: &HistoryReport) -> String {
    let mut w = CsvText::new();
    w.row([
        "unit",
        "period",
        "present",
        "instrument",
        "total",
        "change",
        "comparable",
        "eligible",
        "predikat",
        "decision",
    ]);
    let opt = |b: Option<bool>| b.map(|b| b.to_string()).unwrap_or_default();
    for u in &r.units {
        for p in &u.periods {
            w.row([
                u.unit.clone(),
                p.period.clone(),
                p.present.to_string(),
                p.instrument
                    .as_ref()
                    .map(|i| format!("{} {}", i.id, i.version))
                    .unwrap_or_default(),
                p.total.map(|t| t.to_string()).unwrap_or_default(),
                p.change.map(|t| t.to_string()).unwrap_or_default(),
                p.comparable.to_string(),
                opt(p.eligible),
                opt(p.predikat),
                p.decision.map(|d| d.as_str().to_owned()).unwrap_or_default(),
            ]);
        }
    }
    w.finish()
}
