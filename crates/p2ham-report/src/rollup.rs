//! The roll-up of many assessments: summaries per office and nationally, the
//! distribution, the ranking, the gap analysis, duplicates and invalid records.

use std::io::Write;

use p2ham_model::Lang;
use p2ham_scoring::{InvalidRecord, Location, RollupReport, Summary};

use crate::csv::CsvText;
use crate::doc::{Align, BarChart, Block, Cell, Doc, Table};
use crate::labels::{self as t, Phrase};
use crate::validation::diagnostic_line;

/// One line per problem of an invalid record: `file:line: path: error[code]: message`.
pub fn invalid_record_lines(r: &InvalidRecord) -> Vec<String> {
    r.problems
        .iter()
        .map(|p| {
            diagnostic_line(
                &r.file,
                r.line.or(p.line),
                p.column,
                &p.location(),
                &p.code,
                &p.message,
            )
        })
        .collect()
}

/// The roll-up as a document.
pub fn rollup_doc(r: &RollupReport, lang: Lang) -> Doc {
    let l = |p: Phrase| p.get(lang);
    let mut doc = Doc::new(l(t::ROLLUP_TITLE), lang);
    let c = &r.records;
    doc.meta(l(t::RECORDS_READ), c.read.to_string());
    doc.meta(l(t::UNITS_COUNTED), c.units.to_string());
    doc.meta(l(t::RECORDS_INVALID), c.invalid.to_string());
    doc.meta(l(t::DUPLICATES_NOT_COUNTED), c.duplicates.to_string());
    if c.skipped > 0 {
        doc.meta(l(t::OTHER_STAGE_SKIPPED), c.skipped.to_string());
    }

    let mut summary = Table::new(
        l(t::SUMMARY_PER_OFFICE),
        &[
            (l(t::AREA), Align::Left),
            (l(t::UNITS), Align::Right),
            (l(t::ELIGIBLE_COL), Align::Right),
            (l(t::ELIGIBLE_PCT), Align::Right),
            (l(t::MEAN), Align::Right),
            (l(t::MEDIAN), Align::Right),
            (l(t::NO_DATA), Align::Right),
        ],
    );
    let row = |name: String, s: &Summary| {
        vec![
            name.into(),
            Cell::int(s.units),
            Cell::int(s.eligible),
            Cell::figure(s.eligible_rate, lang),
            Cell::figure(s.mean, lang),
            Cell::figure(s.median, lang),
            Cell::int(s.no_data),
        ]
    };
    summary.row(row(l(t::NATIONAL).to_owned(), &r.national));
    for o in &r.offices {
        let name = o.office.clone().unwrap_or_else(|| l(t::NO_OFFICE).to_owned());
        summary.row(row(name, &o.summary));
    }
    doc.heading(l(t::SUMMARY_PER_OFFICE));
    doc.push(Block::Table(summary));

    let mut bins = Table::new(
        l(t::NATIONAL_DISTRIBUTION),
        &[(l(t::SCORE), Align::Left), (l(t::UNITS), Align::Right)],
    );
    let mut bars = Vec::new();
    for (i, b) in r.national.bins.iter().enumerate() {
        let close = if i + 1 == r.national.bins.len() { "]" } else { ")" };
        let label = format!("[{}, {}{close}", b.from, b.to);
        bars.push((label.clone(), Some(p2ham_model::Decimal::from(b.units))));
        bins.row(vec![label.into(), Cell::int(b.units)]);
    }
    doc.heading(l(t::NATIONAL_DISTRIBUTION));
    let most = r.national.bins.iter().map(|b| b.units).max().unwrap_or(0);
    if most > 0 {
        doc.push(Block::BarChart(BarChart {
            title: l(t::NATIONAL_DISTRIBUTION).to_owned(),
            bars,
            max: p2ham_model::Decimal::from(most),
            mark: None,
        }));
    }
    doc.push(Block::Table(bins));

    let mut units = Table::new(
        l(t::UNIT_RANKING),
        &[
            (l(t::RANK), Align::Right),
            (l(t::UNIT), Align::Left),
            (l(t::OFFICE_SHORT), Align::Left),
            (l(t::KIND), Align::Left),
            (l(t::PERIOD), Align::Left),
            (l(t::STAGE), Align::Left),
            (l(t::SCORE), Align::Right),
            (l(t::ELIGIBLE_COL), Align::Left),
            (l(t::MAIN_GAP), Align::Left),
        ],
    );
    for u in &r.units {
        units.row(vec![
            u.rank.map_or(Cell::Empty, Cell::int),
            u.unit.clone().into(),
            u.office.as_deref().unwrap_or_default().into(),
            (*u.kind).into(),
            (*u.period).into(),
            t::stage(u.stage).get(lang).into(),
            Cell::figure(u.total, lang),
            if u.eligible { l(t::YES) } else { l(t::NO) }.into(),
            u.main_gap.as_deref().unwrap_or_default().into(),
        ]);
    }
    doc.heading(l(t::UNIT_RANKING));
    doc.push(Block::Table(units));

    for g in &r.gaps {
        let mut ind = Table::new(
            format!("{} {}", l(t::GAP_ANALYSIS), g.instrument),
            &[
                (l(t::INDICATOR), Align::Left),
                (l(t::VULNERABLE_GROUPS), Align::Left),
                (l(t::APPLIES), Align::Right),
                (l(t::NOT_MET_LIST), Align::Right),
                ("%", Align::Right),
            ],
        );
        for i in &g.indicators {
            ind.row(vec![
                format!("{} {}", i.indicator, i.title.get(lang)).into(),
                i.groups
                    .iter()
                    .map(|g| g.label(lang))
                    .collect::<Vec<_>>()
                    .join(", ")
                    .into(),
                Cell::int(i.applies),
                Cell::int(i.not_met),
                Cell::opt(i.share),
            ]);
        }
        doc.heading(format!(
            "{} ({} {}, {} {})",
            l(t::GAP_ANALYSIS),
            g.instrument,
            g.version,
            g.units,
            l(t::UNITS_WORD)
        ));
        doc.push(Block::Table(ind));
        let mut groups = Table::new(
            format!("{} {}", l(t::GROUP_FACILITIES), g.instrument),
            &[
                (l(t::VULNERABLE_GROUPS), Align::Left),
                (l(t::UNITS), Align::Right),
                (l(t::ALL_MET_COL), Align::Right),
                ("%", Align::Right),
            ],
        );
        for c in &g.groups {
            groups.row(vec![
                c.label.get(lang).into(),
                Cell::int(c.units),
                Cell::int(c.all_met),
                Cell::opt(c.share),
            ]);
        }
        doc.heading(format!(
            "{} ({} {})",
            l(t::GROUP_FACILITIES),
            g.instrument,
            g.version
        ));
        doc.push(Block::Table(groups));
    }

    if !r.duplicates.is_empty() {
        let loc = |l: &Location| match l.line {
            Some(n) => format!("{}:{n}", l.file),
            None => l.file.to_string(),
        };
        let mut dups = Table::new(
            l(t::DUPLICATES),
            &[
                (l(t::UNIT), Align::Left),
                (l(t::PERIOD), Align::Left),
                (l(t::STAGE), Align::Left),
                (l(t::KEPT), Align::Left),
                (l(t::IGNORED), Align::Left),
            ],
        );
        for x in &r.duplicates {
            dups.row(vec![
                x.unit.clone().into(),
                x.period.clone().into(),
                t::stage(x.stage).get(lang).into(),
                loc(&x.kept).into(),
                loc(&x.ignored).into(),
            ]);
        }
        doc.heading(l(t::DUPLICATES));
        doc.push(Block::Table(dups));
    }
    if !r.invalid.is_empty() {
        doc.heading(l(t::RECORDS_INVALID));
        doc.push(Block::Lines(
            r.invalid.iter().flat_map(invalid_record_lines).collect(),
        ));
    }
    doc
}

/// One row per unit, in ranking order (columns as published in DESIGN.md).
pub fn rollup_csv(r: &RollupReport) -> String {
    let mut w = CsvText::new();
    w.header(&[
        "rank",
        "unit",
        "name",
        "office",
        "kind",
        "period",
        "stage",
        "instrument",
        "total",
        "eligible",
        "main_gap",
        "file",
        "line",
    ]);
    for u in &r.units {
        w.row([
            u.rank.map(|r| r.to_string()).unwrap_or_default(),
            u.unit.clone(),
            u.name.clone(),
            u.office.as_deref().unwrap_or_default().to_owned(),
            u.kind.to_string(),
            u.period.to_string(),
            u.stage.as_str().to_owned(),
            u.instrument.to_string(),
            u.total.map(|t| t.to_string()).unwrap_or_default(),
            u.eligible.to_string(),
            u.main_gap.as_deref().unwrap_or_default().to_owned(),
            u.source.file.to_string(),
            u.source.line.map(|l| l.to_string()).unwrap_or_default(),
        ]);
    }
    w.finish()
}

/// Write the roll-up as pretty JSON, byte for byte as [`crate::to_json`] would,
/// with the unit rows (most of a national report) serialised in parallel.
pub fn rollup_json_writer(w: &mut dyn Write, report: &RollupReport) -> std::io::Result<()> {
    use rayon::prelude::*;

    const MARKER: &[u8] = b"\n  \"units\": [],\n";
    if report.units.is_empty() {
        return crate::to_json_writer(w, report);
    }
    // Everything but the rows (small beside them), serialised as a whole.
    let without_rows = RollupReport {
        format: report.format.clone(),
        model: report.model.clone(),
        records: report.records,
        instruments: report.instruments.clone(),
        national: report.national.clone(),
        offices: report.offices.clone(),
        units: Vec::new(),
        gaps: report.gaps.clone(),
        duplicates: report.duplicates.clone(),
        invalid: report.invalid.clone(),
    };
    let head = serde_json::to_vec_pretty(&without_rows).map_err(std::io::Error::other)?;
    let Some(at) = head.windows(MARKER.len()).position(|x| x == MARKER) else {
        return crate::to_json_writer(w, report);
    };
    w.write_all(&head[..at])?;
    w.write_all(b"\n  \"units\": [")?;
    // Each row at depth 2: its own pretty form with every line indented by 4.
    // Batches bound the memory held; rows of a batch are serialised in parallel.
    let mut first = true;
    for batch in report.units.chunks(16 * 1024) {
        let parts: Vec<Vec<u8>> = batch
            .par_chunks(1024)
            .map(|rows| {
                let mut out = Vec::with_capacity(rows.len() * 512);
                for row in rows {
                    let text = serde_json::to_vec_pretty(row).map_err(std::io::Error::other)?;
                    out.extend_from_slice(b",\n    ");
                    for &b in &text {
                        out.push(b);
                        if b == b'\n' {
                            out.extend_from_slice(b"    ");
                        }
                    }
                }
                Ok(out)
            })
            .collect::<std::io::Result<_>>()?;
        for part in &parts {
            // No comma before the first row.
            w.write_all(if first { &part[1..] } else { part })?;
            first = false;
        }
    }
    w.write_all(b"\n  ],\n")?;
    w.write_all(&head[at + MARKER.len()..])?;
    w.write_all(b"\n")
}
