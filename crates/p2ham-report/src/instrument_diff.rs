//! The difference between two instruments (`p2ham instrument diff`): a
//! summary of what changed, then one table per kind of item.

use p2ham_model::Lang;
use p2ham_scoring::{Change, ChangeCounts, FieldChange, InstrumentDiff, ItemChange};

use crate::csv::CsvText;
use crate::doc::{Align, Block, Cell, Doc, Table};
use crate::labels::{self as t, Phrase};

fn change_label(c: Change) -> Phrase {
    match c {
        Change::Added => t::DIFF_ADDED,
        Change::Removed => t::DIFF_REMOVED,
        Change::Changed => t::DIFF_CHANGED,
    }
}

fn value(v: Option<&String>) -> String {
    v.cloned().unwrap_or_else(|| "—".to_owned())
}

/// A field change in one line: `weight: 0.5 → 1`.
fn line(f: &FieldChange) -> String {
    match (&f.from, &f.to) {
        (Some(a), Some(b)) => format!("{}: {a} → {b}", f.field),
        (None, Some(b)) => format!("{}: {b}", f.field),
        (Some(a), None) => format!("{}: {a}", f.field),
        (None, None) => f.field.clone(),
    }
}

fn counts_line(c: &ChangeCounts, lang: Lang) -> String {
    format!(
        "{} {}, {} {}, {} {}, {} {}",
        c.added,
        t::DIFF_ADDED.get(lang),
        c.removed,
        t::DIFF_REMOVED.get(lang),
        c.changed,
        t::DIFF_CHANGED.get(lang),
        c.unchanged,
        t::DIFF_UNCHANGED.get(lang)
    )
}

fn items_table(name: &str, items: &[ItemChange], with_criterion: bool, lang: Lang) -> Table {
    let l = |p: Phrase| p.get(lang);
    let mut columns: Vec<(&str, Align)> = vec![("Id", Align::Left)];
    if with_criterion {
        columns.push((l(t::CRITERION), Align::Left));
    }
    columns.extend([
        (l(t::NAME), Align::Left),
        (l(t::DIFF_CHANGE), Align::Left),
        (l(t::DIFF_WHAT), Align::Left),
    ]);
    let mut table = Table::new(name, &columns);
    for it in items {
        let mut row: Vec<Cell> = vec![it.id.clone().into()];
        if with_criterion {
            row.push(it.criterion.clone().unwrap_or_default().into());
        }
        row.push(it.title.clone().into());
        row.push(Cell::Styled(
            l(change_label(it.change)).to_owned(),
            match it.change {
                Change::Added => "met",
                Change::Removed => "unmet",
                Change::Changed => "partial",
            },
        ));
        row.push(it.fields.iter().map(line).collect::<Vec<_>>().join("; ").into());
        table.row(row);
    }
    table
}

/// The difference between two instruments as a document.
pub fn instrument_diff_doc(d: &InstrumentDiff, lang: Lang) -> Doc {
    let l = |p: Phrase| p.get(lang);
    let mut doc = Doc::new(l(t::DIFF_TITLE), lang);
    for (key, side) in [(t::DIFF_FROM, &d.from), (t::DIFF_TO, &d.to)] {
        doc.meta(l(key), format!("{} {} — {}", side.id, side.version, side.title));
        if !side.sha256.is_empty() {
            doc.meta(format!("SHA-256 ({})", l(key)), side.sha256.clone());
        }
    }
    doc.strong(if d.same_scoring {
        l(t::DIFF_SAME_SCORING)
    } else {
        l(t::DIFF_OTHER_SCORING)
    });
    doc.push(Block::KeyValue(vec![
        (l(t::DIFF_SCALES).into(), counts_line(&d.counts.scales, lang)),
        (l(t::DIFF_CRITERIA).into(), counts_line(&d.counts.criteria, lang)),
        (
            l(t::DIFF_INDICATORS).into(),
            counts_line(&d.counts.indicators, lang),
        ),
    ]));
    doc.heading(l(t::INSTRUMENT));
    if d.instrument.is_empty() {
        doc.paragraph(l(t::DIFF_NONE));
    } else {
        let mut table = Table::new(
            l(t::INSTRUMENT),
            &[
                (l(t::DIFF_FIELD), Align::Left),
                (l(t::DIFF_FROM), Align::Left),
                (l(t::DIFF_TO), Align::Left),
            ],
        );
        for f in &d.instrument {
            table.row(vec![
                f.field.clone().into(),
                value(f.from.as_ref()).into(),
                value(f.to.as_ref()).into(),
            ]);
        }
        doc.push(Block::Table(table));
    }
    for (heading, items, with_criterion) in [
        (t::DIFF_SCALES, &d.scales, false),
        (t::DIFF_CRITERIA, &d.criteria, false),
        (t::DIFF_INDICATORS, &d.indicators, true),
    ] {
        doc.heading(l(heading));
        if items.is_empty() {
            doc.paragraph(l(t::DIFF_NONE));
        } else {
            doc.push(Block::Table(items_table(l(heading), items, with_criterion, lang)));
        }
    }
    doc
}

/// One row per field that differs: `kind,id,criterion,change,field,from,to`
/// (`kind` is `instrument`, `scale`, `criterion` or `indicator`).
pub fn instrument_diff_csv(d: &InstrumentDiff) -> String {
    let mut w = CsvText::new();
    w.header(&["kind", "id", "criterion", "change", "field", "from", "to"]);
    for f in &d.instrument {
        w.row([
            "instrument",
            "",
            "",
            "changed",
            &f.field,
            f.from.as_deref().unwrap_or(""),
            f.to.as_deref().unwrap_or(""),
        ]);
    }
    for (kind, items) in [
        ("scale", &d.scales),
        ("criterion", &d.criteria),
        ("indicator", &d.indicators),
    ] {
        for it in items {
            for f in &it.fields {
                w.row([
                    kind,
                    &it.id,
                    it.criterion.as_deref().unwrap_or(""),
                    it.change.as_str(),
                    &f.field,
                    f.from.as_deref().unwrap_or(""),
                    f.to.as_deref().unwrap_or(""),
                ]);
            }
        }
    }
    w.finish()
}
