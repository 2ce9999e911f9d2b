//! The comparison of a self-assessment with its verification.

use std::fmt::Write as _;

use p2ham_model::{Lang, Text};
use p2ham_scoring::{ComparedDocument, ComparisonReport, Discrepancy, DiscrepancyKind, IndicatorStatus};

use crate::csv::CsvText;
use crate::doc::{Align, Block, Cell, Doc, Table};
use crate::evidence_view::EvidenceView;
use crate::labels::{self as t, Phrase};
use crate::number::{figure, figure_or_dash};
use crate::score::{indicator_title, verdict};

fn answer_cell(answer: Option<&str>, label: Option<&Text>, status: IndicatorStatus, lang: Lang) -> Cell {
    let mut s = match (answer, label) {
        (_, Some(label)) => label.get(lang).to_owned(),
        (Some(a), None) => a.to_owned(),
        (None, None) => "—".to_owned(),
    };
    if status == IndicatorStatus::Unsupported {
        let _ = write!(s, " ({})", t::status(status).get(lang));
    }
    Cell::Styled(s, status.as_str())
}

fn note(d: &Discrepancy, lang: Lang) -> String {
    let mut parts = Vec::new();
    if let Some(j) = &d.self_justification {
        parts.push(format!("{}: {j}", t::UNIT_NA_REASON.get(lang)));
    }
    if let Some(j) = &d.verified_justification {
        parts.push(format!("{}: {j}", t::VERIFIER_NA_REASON.get(lang)));
    }
    if let Some(n) = &d.note {
        parts.push(n.clone());
    }
    parts.join("; ")
}

/// The discrepancies: indicator, kind, both answers, points, note.
pub(crate) fn discrepancy_table(r: &ComparisonReport, lang: Lang) -> Table {
    let l = |p: Phrase| p.get(lang);
    let mut tb = Table::new(
        l(t::DISCREPANCIES),
        &[
            (l(t::INDICATOR), Align::Left),
            (l(t::KIND), Align::Left),
            (l(t::SELF), Align::Left),
            (l(t::VERIFIED), Align::Left),
            (l(t::POINTS_LOST), Align::Right),
            (l(t::VERIFIER_NOTE), Align::Left),
        ],
    );
    for d in &r.discrepancies {
        let title = indicator_title(&d.indicator, &d.title, d.mandatory, lang);
        tb.row(vec![
            title.into(),
            t::kind(d.kind).get(lang).into(),
            answer_cell(
                d.self_answer.as_deref(),
                d.self_label.as_ref(),
                d.self_status,
                lang,
            ),
            answer_cell(
                d.verified.as_deref(),
                d.verified_label.as_ref(),
                d.verified_status,
                lang,
            ),
            // As computed (4 decimals): a second rounding could move a .xx5.
            d.points_difference.into(),
            note(d, lang).into(),
        ]);
    }
    tb
}

/// Scores per criterion, both sides.
pub(crate) fn criteria_table(r: &ComparisonReport, lang: Lang) -> Table {
    let l = |p: Phrase| p.get(lang);
    let mut tb = Table::new(
        l(t::SCORES_PER_CRITERION),
        &[
            (l(t::CRITERION), Align::Left),
            (l(t::WEIGHT), Align::Right),
            (l(t::SELF), Align::Right),
            (l(t::VERIFIED), Align::Right),
            (l(t::DIFFERENCE), Align::Right),
        ],
    );
    for c in &r.criteria {
        tb.row(vec![
            format!("{} {}", c.id, c.title.get(lang)).into(),
            c.weight.into(),
            Cell::figure(c.self_score, lang),
            Cell::figure(c.verified_score, lang),
            Cell::opt(c.difference),
        ]);
    }
    tb.row(vec![
        l(t::TOTAL_ROW).into(),
        Cell::Empty,
        Cell::figure(r.self_total, lang),
        Cell::figure(r.verified_total, lang),
        Cell::opt(r.total_difference),
    ]);
    tb
}

fn points_table(r: &ComparisonReport, lang: Lang) -> Table {
    let l = |p: Phrase| p.get(lang);
    let mut tb = Table::new(
        l(t::POINTS_PER_KIND),
        &[
            (l(t::KIND), Align::Left),
            (l(t::INDICATORS), Align::Right),
            (l(t::POINTS_LOST), Align::Right),
        ],
    );
    let (p, n) = (&r.points_by_kind, &r.counts);
    for (kind, count, points) in [
        (DiscrepancyKind::Overclaim, n.overclaim, p.overclaim),
        (DiscrepancyKind::Underclaim, n.underclaim, p.underclaim),
        (DiscrepancyKind::NaDisputed, n.na_disputed, p.na_disputed),
        (DiscrepancyKind::Unverified, n.unverified, p.unverified),
        (
            DiscrepancyKind::EvidenceDiffers,
            n.evidence_differs,
            p.evidence_differs,
        ),
    ] {
        tb.row(vec![
            t::kind(kind).get(lang).into(),
            Cell::int(count),
            points.into(),
        ]);
    }
    tb.row(vec![
        l(t::AGREED_REWEIGHTED).into(),
        Cell::int(n.agreed),
        p.reweighting.into(),
    ]);
    tb.row(vec![
        l(t::TOTAL_DIFFERENCE_EXACT).into(),
        Cell::int(n.compared),
        p.exact_total_difference.into(),
    ]);
    tb
}

fn document_line(d: &ComparedDocument) -> String {
    format!(
        "{}, SHA-256 {}",
        d.assessed_on.as_deref().unwrap_or("—"),
        d.sha256
    )
}

/// The evidence gallery section, when there is any.
pub(crate) fn evidence_section(doc: &mut Doc, evidence: Option<&EvidenceView>, lang: Lang) {
    if let Some(view) = evidence {
        if !view.team().is_empty() {
            doc.heading(t::EVIDENCE_BESIDE.get(lang));
            doc.push(Block::Beside(crate::doc::Beside {
                labels: [
                    t::BY_OPERATOR.get(lang).to_owned(),
                    t::BY_TEAM.get(lang).to_owned(),
                    t::INDICATOR.get(lang).to_owned(),
                ],
                rows: view.pairs(),
            }));
        } else if !view.images().is_empty() {
            doc.heading(t::EVIDENCE_PHOTOS.get(lang));
            doc.push(Block::Images(view.images().to_vec()));
        }
    }
}

/// The comparison as a document.
pub fn compare_doc(r: &ComparisonReport, lang: Lang, evidence: Option<&EvidenceView>) -> Doc {
    let l = |p: Phrase| p.get(lang);
    let mut doc = Doc::new(format!("{} — {}", l(t::COMPARE_TITLE), r.unit.name), lang);
    doc.meta(
        l(t::UNIT),
        format!("{} ({}, {})", r.unit.name, r.unit.id, r.unit.kind),
    );
    doc.meta(l(t::OFFICE), r.unit.office.as_deref().unwrap_or("—"));
    doc.meta(l(t::PERIOD), r.period.clone());
    doc.meta(
        l(t::INSTRUMENT),
        format!(
            "{} {} — {}",
            r.instrument.id,
            r.instrument.version,
            r.instrument.title.get(lang)
        ),
    );
    doc.meta(l(t::MODEL), r.model.clone());
    doc.meta(l(t::SELF_DOC), document_line(&r.self_assessment));
    doc.meta(l(t::VERIFICATION_DOC), document_line(&r.verification));

    doc.push(Block::KeyValue(vec![
        (l(t::TOTAL_SELF).into(), figure(r.self_total, lang)),
        (l(t::TOTAL_VERIFIED).into(), figure(r.verified_total, lang)),
        (l(t::TOTAL_DIFF).into(), figure_or_dash(r.total_difference)),
        (
            l(t::LOST_TO_OVERCLAIMS).into(),
            r.score_lost_to_overclaims.to_string(),
        ),
        (l(t::INDICATORS_COMPARED).into(), r.counts.compared.to_string()),
        (l(t::INDICATORS_AGREED).into(), r.counts.agreed.to_string()),
        (l(t::INDICATORS_DIFFER).into(), r.discrepancies.len().to_string()),
    ]));
    doc.push(verdict(&r.verified_award, t::AWARD_VERIFIED, lang));
    doc.heading(l(t::SCORES_PER_CRITERION));
    doc.push(Block::Table(criteria_table(r, lang)));
    doc.heading(l(t::DISCREPANCIES));
    if r.discrepancies.is_empty() {
        doc.paragraph(l(t::NO_DISCREPANCIES));
    } else {
        doc.push(Block::Table(discrepancy_table(r, lang)));
        doc.note(l(t::MANDATORY_MARK));
    }
    doc.heading(l(t::POINTS_PER_KIND));
    doc.push(Block::Table(points_table(r, lang)));
    evidence_section(&mut doc, evidence, lang);
    doc
}

/// One CSV row per discrepancy (columns as published in DESIGN.md).
pub fn compare_csv(r: &ComparisonReport, lang: Lang) -> String {
    let mut w = CsvText::new();
    w.header(&[
        "unit",
        "period",
        "criterion",
        "indicator",
        "title",
        "kind",
        "self",
        "verified",
        "self_value",
        "verified_value",
        "self_status",
        "verified_status",
        "points_difference",
        "mandatory",
        "note",
    ]);
    let opt = |d: Option<p2ham_model::Decimal>| d.map(|d| d.to_string()).unwrap_or_default();
    for d in &r.discrepancies {
        w.row([
            r.unit.id.as_str(),
            r.period.as_str(),
            d.criterion.as_str(),
            d.indicator.as_str(),
            d.title.get(lang),
            d.kind.as_str(),
            d.self_answer.as_deref().unwrap_or(""),
            d.verified.as_deref().unwrap_or(""),
            &opt(d.self_value),
            &opt(d.verified_value),
            d.self_status.as_str(),
            d.verified_status.as_str(),
            &d.points_difference.to_string(),
            if d.mandatory { "true" } else { "false" },
            d.note.as_deref().unwrap_or(""),
        ]);
    }
    w.finish()
}
