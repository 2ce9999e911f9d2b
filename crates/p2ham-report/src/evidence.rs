//! The evidence check (`p2ham evidence verify`).

use p2ham_io::{evidence::EvidenceEntry, evidence::EvidenceReport, evidence::EvidenceStatus};
use p2ham_model::Lang;

use crate::csv::CsvText;
use crate::doc::{Align, Block, Cell, Doc, Table};
use crate::labels::{self as t, Phrase};

fn status_cell(s: EvidenceStatus, lang: Lang) -> Cell {
    let class = if s.fails() {
        "unmet"
    } else if s == EvidenceStatus::Unreferenced {
        "partial"
    } else {
        "met"
    };
    Cell::Styled(t::evidence_status(s).get(lang).to_owned(), class)
}

/// The check as a document: the verdict, the counts, then every file
/// (failures first, then unreferenced files, then present ones; by path).
pub fn evidence_doc(r: &EvidenceReport, lang: Lang) -> Doc {
    let l = |p: Phrase| p.get(lang);
    let mut doc = Doc::new(l(t::EVIDENCE_TITLE), lang);
    doc.meta(l(t::EVIDENCE_FOLDER), r.root.clone());
    for d in &r.documents {
        doc.meta(
            l(t::DOCUMENT),
            format!(
                "{} ({}, {}, {}), SHA-256 {}",
                d.file,
                d.unit,
                d.period,
                t::stage(d.stage).get(lang),
                d.sha256
            ),
        );
    }
    doc.strong(format!(
        "{}: {}",
        l(t::CHECK_RESULT),
        if r.ok { l(t::OK) } else { l(t::FAILED) }
    ));
    let c = &r.counts;
    let mut counts = Table::new(
        l(t::SUMMARY),
        &[(l(t::STATUS), Align::Left), (l(t::FILES), Align::Right)],
    );
    for (s, n) in [
        (EvidenceStatus::Present, c.present),
        (EvidenceStatus::PresentUnhashed, c.present_unhashed),
        (EvidenceStatus::Missing, c.missing),
        (EvidenceStatus::Altered, c.altered),
        (EvidenceStatus::Refused, c.refused),
        (EvidenceStatus::Unreadable, c.unreadable),
        (EvidenceStatus::Unreferenced, c.unreferenced),
    ] {
        counts.row(vec![status_cell(s, lang), Cell::int(n)]);
    }
    doc.push(Block::Table(counts));
    let mut tb = Table::new(
        l(t::FILES),
        &[
            (l(t::STATUS), Align::Left),
            (l(t::FILE), Align::Left),
            (l(t::INDICATOR), Align::Left),
            (l(t::DETAIL), Align::Left),
        ],
    );
    let mut sorted: Vec<&EvidenceEntry> = r.files.iter().collect();
    sorted.sort_by_key(|e| {
        (
            !e.status.fails(),
            e.status != EvidenceStatus::Unreferenced,
            &e.path,
        )
    });
    for e in sorted {
        let mut indicators: Vec<&str> = e.references.iter().map(|r| r.indicator.as_str()).collect();
        indicators.dedup();
        tb.row(vec![
            status_cell(e.status, lang),
            e.path.clone().into(),
            indicators.join(", ").into(),
            e.reason.clone().unwrap_or_default().into(),
        ]);
    }
    doc.heading(l(t::FILES));
    doc.push(Block::Table(tb));
    doc
}

/// One CSV row per file: `path,status,indicators,expected_sha256,actual_sha256,size,reason`.
pub fn evidence_csv(r: &EvidenceReport) -> String {
    let mut w = CsvText::new();
    w.header(&[
        "path",
        "status",
        "indicators",
        "expected_sha256",
        "actual_sha256",
        "size",
        "reason",
    ]);
    for e in &r.files {
        let mut indicators: Vec<&str> = e.references.iter().map(|r| r.indicator.as_str()).collect();
        indicators.dedup();
        w.row([
            e.path.as_str(),
            e.status.as_str(),
            &indicators.join(" "),
            e.expected_sha256.as_deref().unwrap_or(""),
            e.actual_sha256.as_deref().unwrap_or(""),
            &e.size.map(|s| s.to_string()).unwrap_or_default(),
            e.reason.as_deref().unwrap_or(""),
        ]);
    }
    w.finish()
}
