//! The award cycle: the award report (who keeps, gains and loses the
//! predikat, every reason and note, the summary per decision, Kanwil and unit
//! kind), the decree annex (Lampiran) and the history across periods.

use std::collections::BTreeMap;

use p2ham_model::{AwardEntry, AwardList, AwardReason, Decimal, Decision, Lang};
use p2ham_scoring::{summarize, DecisionCounts, HistoryReport};

use crate::csv::CsvText;
use crate::doc::{Align, Block, Cell, Doc, Table};
use crate::labels::{self as t, Phrase};
use crate::number::{figure, long_date};

fn decision_text(d: Option<Decision>, lang: Lang) -> String {
    d.map_or(t::DECISION_NOT_RECORDED, t::award_decision)
        .get(lang)
        .to_owned()
}

fn office_name(o: Option<&str>, lang: Lang) -> String {
    o.map_or_else(|| t::NO_OFFICE.get(lang).to_owned(), str::to_owned)
}

fn yes_no(b: bool, lang: Lang) -> String {
    if b { t::YES } else { t::NO }.get(lang).to_owned()
}

fn reason_text(r: &AwardReason, lang: Lang) -> String {
    format!("[{}] {}", r.code.as_str(), r.message.get(lang))
}

fn decree_meta(doc: &mut Doc, list: &AwardList, lang: Lang) {
    let l = |p: Phrase| p.get(lang);
    match &list.decree {
        Some(d) => {
            doc.meta(l(t::DECREE), d.number.clone());
            if let Some(date) = &d.date {
                doc.meta(l(t::DECREE_DATE), long_date(Some(date), lang));
            }
            if let Some(i) = &d.issuer {
                doc.meta(l(t::DECREE_ISSUER), i.clone());
            }
        }
        None => doc.meta(l(t::DECREE), l(t::DECREE_NOT_SET)),
    }
}

fn counts_table(name: &str, first: &str, lang: Lang) -> Table {
    let labels: Vec<&str> = Decision::ALL
        .iter()
        .map(|d| t::decision_count(*d).get(lang))
        .collect();
    let mut cols: Vec<(&str, Align)> = vec![
        (first, Align::Left),
        (t::UNITS.get(lang), Align::Right),
        (t::PREDIKAT_COL.get(lang), Align::Right),
    ];
    cols.extend(labels.iter().map(|l| (*l, Align::Right)));
    Table::new(name, &cols)
}

fn counts_row(label: String, c: &DecisionCounts) -> Vec<Cell> {
    let mut row = vec![label.into(), Cell::int(c.units), Cell::int(c.predikat)];
    row.extend(Decision::ALL.iter().map(|d| Cell::int(c.get(*d))));
    row
}

/// The award report as a document: the decision per unit, every reason and
/// note, and the summary per decision, Kanwil and unit kind.
pub fn award_doc(list: &AwardList, lang: Lang) -> Doc {
    let l = |p: Phrase| p.get(lang);
    let mut doc = Doc::new(format!("{} {}", l(t::AWARD_TITLE), list.period), lang);
    doc.meta(l(t::PERIOD), list.period.clone());
    doc.meta(
        l(t::AGAINST_PREVIOUS),
        list.previous_period
            .clone()
            .unwrap_or_else(|| l(t::NO_PREVIOUS).to_owned()),
    );
    if list.decree.is_some() {
        decree_meta(&mut doc, list, lang);
    }
    for i in &list.instruments {
        doc.meta(
            l(t::INSTRUMENT),
            format!("{} {} (sha256 {})", i.id, i.version, i.sha256),
        );
    }

    let mut units = Table::new(
        l(t::DECISION_PER_UNIT),
        &[
            (l(t::NO_COL), Align::Right),
            (l(t::UNIT), Align::Left),
            (l(t::NAME_COL), Align::Left),
            (l(t::KIND_SHORT), Align::Left),
            (l(t::OFFICE_SHORT), Align::Left),
            (l(t::TOTAL), Align::Right),
            (l(t::ELIGIBLE_SHORT), Align::Left),
            (l(t::DECISION_COL), Align::Left),
        ],
    );
    for (i, e) in list.units.iter().enumerate() {
        units.row(vec![
            Cell::int(i + 1),
            e.unit.id.as_str().into(),
            e.unit.name.as_str().into(),
            e.unit.kind.as_str().into(),
            office_name(e.unit.office.as_deref(), lang).into(),
            if e.instrument.is_some() {
                Cell::figure(e.total, lang)
            } else {
                Cell::Empty
            },
            yes_no(e.eligible, lang).into(),
            Cell::Styled(
                decision_text(e.decision, lang),
                if e.predikat { "met" } else { "unmet" },
            ),
        ]);
    }
    doc.heading(l(t::DECISION_PER_UNIT));
    doc.push(Block::Table(units));

    let mut why = Vec::new();
    for e in &list.units {
        for r in &e.reasons {
            why.push(format!(
                "{} ({}): {}",
                e.unit.id,
                decision_text(e.decision, lang),
                reason_text(r, lang)
            ));
        }
        for n in &e.notes {
            why.push(format!(
                "{} ({}): {}",
                e.unit.id,
                l(t::NOTE_WORD),
                reason_text(n, lang)
            ));
        }
    }
    if !why.is_empty() {
        doc.heading(l(t::REASONS_AND_NOTES));
        doc.push(Block::List {
            items: why,
            numbered: false,
        });
    }

    let summary = summarize(list);
    let mut total = counts_table(l(t::SUMMARY), l(t::SCOPE), lang);
    total.row(counts_row(l(t::NATIONAL).to_owned(), &summary.total));
    doc.heading(l(t::SUMMARY));
    doc.push(Block::Table(total));
    let mut offices = counts_table(l(t::SUMMARY_PER_KANWIL), l(t::OFFICE_SHORT), lang);
    for (o, c) in &summary.offices {
        offices.row(counts_row(office_name(o.as_deref(), lang), c));
    }
    doc.heading(l(t::SUMMARY_PER_KANWIL));
    doc.push(Block::Table(offices));
    let mut kinds = counts_table(l(t::SUMMARY_PER_KIND), l(t::UNIT_KIND), lang);
    for (k, c) in &summary.kinds {
        kinds.row(counts_row(k.clone(), c));
    }
    doc.heading(l(t::SUMMARY_PER_KIND));
    doc.push(Block::Table(kinds));
    doc
}

/// The award list as CSV: one row per unit; reasons joined by ` | `.
///
/// Columns: `period, unit, name, kind, office, instrument, total, eligible,
/// predikat, decision, reasons, verification_sha256`.
pub fn award_csv(list: &AwardList, lang: Lang) -> String {
    let mut w = CsvText::new();
    w.header(&[
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
/// one last), by unit name within each group.
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

/// The unit kind as the annex writes it (`KANIM`, `LAPAS`).
fn annex_kind(kind: &str) -> String {
    kind.to_uppercase()
}

/// An upper-case Roman numeral (the annex's group headings), for n ≥ 1.
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

/// The decree annex (Lampiran) as a document: the units granted the
/// predikat, grouped by Kanwil (I., II., …), numbered within each group, with
/// the unit's name and kind as the annex lists them.
pub fn annex_doc(list: &AwardList, lang: Lang) -> Doc {
    let l = |p: Phrase| p.get(lang);
    let mut doc = Doc::new(format!("{} {}", l(t::ANNEX_TITLE), list.period), lang);
    doc.meta(l(t::PERIOD), list.period.clone());
    decree_meta(&mut doc, list, lang);
    let groups = annex_groups(list);
    let total: usize = groups.iter().map(|(_, v)| v.len()).sum();
    doc.meta(
        l(t::ANNEX_COUNT),
        format!(
            "{total} {}, {} {}",
            l(t::ANNEX_UNITS),
            groups.len(),
            l(t::ANNEX_OFFICES)
        ),
    );
    doc.paragraph(l(t::ANNEX_INTRO));
    for (i, (office, units)) in groups.iter().enumerate() {
        let heading = format!("{}. {}", roman(i + 1), office_name(*office, lang));
        let mut table = Table::new(
            format!("{} {}", roman(i + 1), office_name(*office, lang)),
            &[
                (l(t::NO_COL), Align::Right),
                (l(t::UNIT_NAME), Align::Left),
                (l(t::KIND_SHORT), Align::Left),
            ],
        );
        for (n, e) in units.iter().enumerate() {
            table.row(vec![
                Cell::int(n + 1),
                e.unit.name.as_str().into(),
                annex_kind(&e.unit.kind).into(),
            ]);
        }
        doc.heading(heading);
        doc.push(Block::Table(table));
    }
    doc
}

/// The decree annex as CSV. Columns: `kanwil, no, unit_name, kind, unit`.
pub fn annex_csv(list: &AwardList) -> String {
    let mut w = CsvText::new();
    w.header(&["kanwil", "no", "unit_name", "kind", "unit"]);
    for (office, units) in annex_groups(list) {
        for (n, e) in units.iter().enumerate() {
            w.row([
                office.unwrap_or_default().to_owned(),
                (n + 1).to_string(),
                e.unit.name.clone(),
                annex_kind(&e.unit.kind),
                e.unit.id.clone(),
            ]);
        }
    }
    w.finish()
}

/// The history as a document: per unit one row per period; the change is
/// only shown between periods evaluated with the same instrument.
pub fn history_doc(r: &HistoryReport, lang: Lang) -> Doc {
    let l = |p: Phrase| p.get(lang);
    let mut doc = Doc::new(l(t::HISTORY_TITLE), lang);
    doc.meta(l(t::PERIODS), r.periods.join(", "));
    for u in &r.units {
        // The survey's column only where a period keeps one (the CLI's history has none).
        let with_skm = u.periods.iter().any(|p| p.skm.is_some());
        let mut columns = vec![
            (l(t::PERIOD), Align::Left),
            (l(t::INSTRUMENT), Align::Left),
            (l(t::TOTAL), Align::Right),
            (l(t::CHANGE), Align::Right),
        ];
        if with_skm {
            columns.push((l(t::IKM_BAND), Align::Right));
        }
        columns.extend([
            (l(t::PREDIKAT_COL), Align::Left),
            (l(t::DECISION_COL), Align::Left),
            (l(t::NOTES), Align::Left),
        ]);
        let mut table = Table::new(u.unit.clone(), &columns);
        for p in &u.periods {
            let change = match (p.comparable, p.change) {
                (false, _) => Cell::text(l(t::NOT_COMPARABLE)),
                (true, Some(c)) if c > Decimal::ZERO => Cell::text(format!("+{}", crate::number::decimal(c))),
                (true, c) => Cell::opt(c),
            };
            let mut row = vec![
                p.period.as_str().into(),
                p.instrument
                    .as_ref()
                    .map_or(Cell::Empty, |i| Cell::text(format!("{} {}", i.id, i.version))),
                if p.present {
                    Cell::text(figure(p.total, lang))
                } else {
                    Cell::Empty
                },
                change,
            ];
            if with_skm {
                row.push(p.skm.as_ref().map_or(Cell::Empty, |s| {
                    Cell::text(format!(
                        "{} ({}, {})",
                        crate::number::decimal(s.ikm),
                        s.mutu.as_str(),
                        s.kinerja.label().get(lang)
                    ))
                }));
            }
            row.extend([
                p.predikat.map_or(Cell::Empty, |b| yes_no(b, lang).into()),
                p.decision
                    .map_or(Cell::Empty, |d| decision_text(Some(d), lang).into()),
                p.notes
                    .iter()
                    .map(|n| n.get(lang))
                    .collect::<Vec<_>>()
                    .join(" ")
                    .into(),
            ]);
            table.row(row);
        }
        doc.heading(format!(
            "{} ({}, {}, {})",
            u.name,
            u.unit,
            u.kind,
            office_name(u.office.as_deref(), lang)
        ));
        doc.push(Block::KeyValue(vec![
            (l(t::CURRENT_STREAK).to_owned(), u.current_streak.to_string()),
            (l(t::LONGEST_STREAK).to_owned(), u.longest_streak.to_string()),
        ]));
        doc.push(Block::Table(table));
    }
    doc
}

/// The history as CSV: one row per unit and period. Columns: `unit, period,
/// present, instrument, total, change, comparable, eligible, predikat, decision`.
pub fn history_csv(r: &HistoryReport) -> String {
    let mut w = CsvText::new();
    w.header(&[
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
