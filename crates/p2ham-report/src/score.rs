//! The score report: total, award, criteria, every indicator, vulnerable
//! groups, principles and the improvement plan.

use std::fmt::Write as _;

use p2ham_model::Lang;
use p2ham_scoring::{Breakdown, CriterionResult, Exclusion, Gap, IndicatorStatus, ScoreReport};

use crate::csv::CsvText;
use crate::doc::{Align, BarChart, Block, Cell, Doc, Table, Verdict};
use crate::evidence_view::EvidenceView;
use crate::labels::{self as t, Phrase};
use crate::number::figure;

/// The award decision as a block.
/// An indicator as its tables name it: id and title, with ` *` when it is mandatory.
pub(crate) fn indicator_title(id: &str, title: &p2ham_model::Text, mandatory: bool, lang: Lang) -> String {
    let mut shown = format!("{id} {}", title.get(lang));
    if mandatory {
        shown.push_str(" *");
    }
    shown
}

pub(crate) fn verdict(award: &p2ham_scoring::Award, label: Phrase, lang: Lang) -> Block {
    Block::Verdict(Verdict {
        label: label.get(lang).to_owned(),
        eligible: award.eligible,
        decision: t::decision(award.eligible).get(lang).to_owned(),
        rule: t::award_rule(award, lang),
        reasons: award
            .reasons
            .iter()
            .map(|r| r.message.get(lang).to_owned())
            .collect(),
    })
}

/// A status cell, styled by status.
pub(crate) fn status_cell(s: IndicatorStatus, text: String) -> Cell {
    Cell::Styled(text, s.as_str())
}

fn criteria_table(r: &ScoreReport, lang: Lang) -> Table {
    let l = |p: Phrase| p.get(lang);
    let mut tb = Table::new(
        l(t::SCORES_PER_CRITERION),
        &[
            (l(t::CRITERION), Align::Left),
            (l(t::WEIGHT), Align::Right),
            (l(t::SHARE), Align::Right),
            (l(t::SCORE), Align::Right),
            (l(t::MAX), Align::Right),
            (l(t::COUNT_MET), Align::Right),
            (l(t::COUNT_PARTIAL), Align::Right),
            (l(t::COUNT_UNMET), Align::Right),
            (l(t::COUNT_MISSING), Align::Right),
            (l(t::COUNT_UNSUPPORTED), Align::Right),
            (l(t::COUNT_EXCLUDED), Align::Right),
        ],
    );
    for c in &r.criteria {
        tb.row(vec![
            format!("{} {}", c.id, c.title.get(lang)).into(),
            c.weight.into(),
            c.share.into(),
            Cell::figure(c.score, lang),
            c.max.into(),
            Cell::int(c.counts.met),
            Cell::int(c.counts.partial),
            Cell::int(c.counts.unmet),
            Cell::int(c.counts.missing),
            Cell::int(c.counts.unsupported),
            Cell::int(c.counts.excluded),
        ]);
    }
    let n = &r.counts;
    // The shares of the criteria with data make up the whole total.
    let share = if r.total.is_some() {
        p2ham_model::Decimal::new(10000, 2)
    } else {
        p2ham_model::Decimal::new(0, 2)
    };
    tb.row(vec![
        l(t::TOTAL_ROW).into(),
        Cell::Empty,
        share.into(),
        Cell::figure(r.total, lang),
        r.max.into(),
        Cell::int(n.met),
        Cell::int(n.partial),
        Cell::int(n.unmet),
        Cell::int(n.missing),
        Cell::int(n.unsupported),
        Cell::int(n.excluded),
    ]);
    tb
}

fn indicator_table(c: &CriterionResult, lang: Lang) -> Table {
    let l = |p: Phrase| p.get(lang);
    let mut tb = Table::new(
        format!("{} {}", l(t::CRITERION), c.id),
        &[
            (l(t::INDICATOR), Align::Left),
            (l(t::ANSWER), Align::Left),
            (l(t::VALUE), Align::Right),
            (l(t::WEIGHT), Align::Right),
            (l(t::EARNED), Align::Right),
            (l(t::TOTAL_POINTS), Align::Right),
            (l(t::STATUS), Align::Left),
            (l(t::EVIDENCE), Align::Right),
        ],
    );
    for i in &c.indicators {
        let title = indicator_title(&i.id, &i.title, i.mandatory, lang);
        let answer = match (&i.answer_label, &i.justification) {
            (Some(label), _) => label.get(lang).to_owned(),
            (None, Some(_)) => "N/A".to_owned(),
            (None, None) => "—".to_owned(),
        };
        let mut status = t::status(i.status).get(lang).to_owned();
        if let Some(j) = &i.justification {
            let _ = write!(status, " (N/A: {j})");
        } else if i.status == IndicatorStatus::Excluded {
            let _ = write!(status, " ({})", l(t::NOT_FOR_KIND));
        }
        tb.row(vec![
            title.into(),
            answer.into(),
            Cell::opt(i.value),
            i.weight.into(),
            format!("{}/{}", i.earned, i.possible).into(),
            format!("{}/{}", i.total_points_earned, i.total_points_possible).into(),
            status_cell(i.status, status),
            if i.evidence_required || i.evidence > 0 {
                Cell::int(i.evidence)
            } else {
                Cell::Empty
            },
        ]);
    }
    tb
}

fn breakdown_table<K>(items: &[Breakdown<K>], name: &str, head: Phrase, lang: Lang) -> Table {
    let l = |p: Phrase| p.get(lang);
    let mut tb = Table::new(
        name,
        &[
            (l(head), Align::Left),
            (l(t::SCORE), Align::Right),
            (l(t::POINTS), Align::Right),
            (l(t::MET_LIST), Align::Left),
            (l(t::NOT_MET_LIST), Align::Left),
        ],
    );
    for b in items {
        tb.row(vec![
            b.label.get(lang).into(),
            Cell::figure(b.score, lang),
            format!("{}/{}", b.points_earned, b.points_possible).into(),
            b.met.join(", ").into(),
            b.not_met.join(", ").into(),
        ]);
    }
    tb
}

/// The improvement plan: the gaps, most points first.
pub(crate) fn gap_table(gaps: &[Gap], lang: Lang) -> Table {
    let l = |p: Phrase| p.get(lang);
    let mut tb = Table::new(
        l(t::IMPROVEMENT_PLAN),
        &[
            ("#", Align::Right),
            (l(t::INDICATOR), Align::Left),
            (l(t::STATUS), Align::Left),
            (l(t::GAIN), Align::Right),
            (l(t::MANDATORY), Align::Left),
        ],
    );
    for (n, g) in gaps.iter().enumerate() {
        tb.row(vec![
            Cell::int(n + 1),
            format!("{} {}", g.indicator, g.title.get(lang)).into(),
            status_cell(g.status, t::status(g.status).get(lang).to_owned()),
            g.gain.into(),
            if g.mandatory { l(t::YES) } else { "" }.into(),
        ]);
    }
    tb
}

/// The improvement plan as a section.
pub(crate) fn improvement_plan(doc: &mut Doc, gaps: &[Gap], lang: Lang) {
    doc.heading(t::IMPROVEMENT_PLAN.get(lang));
    if gaps.is_empty() {
        doc.paragraph(t::ALL_MET.get(lang));
    } else {
        doc.push(Block::Table(gap_table(gaps, lang)));
    }
}

/// The score report as a document; with `evidence`, each criterion is
/// followed by the photos and files its indicators reference.
pub fn score_doc(r: &ScoreReport, lang: Lang, evidence: Option<&EvidenceView>) -> Doc {
    let l = |p: Phrase| p.get(lang);
    let a = &r.assessment;
    let mut doc = Doc::new(format!("{} — {}", l(t::SCORE_TITLE), a.unit.name), lang);
    doc.meta(
        l(t::UNIT),
        format!("{} ({}, {})", a.unit.name, a.unit.id, a.unit.kind),
    );
    doc.meta(l(t::OFFICE), a.unit.office.as_deref().unwrap_or("—"));
    doc.meta(
        l(t::PERIOD),
        format!("{}, {}", a.period, t::stage(a.stage).get(lang)),
    );
    doc.meta(
        l(t::INSTRUMENT),
        format!(
            "{} {} — {}",
            r.instrument.id,
            r.instrument.version,
            r.instrument.title.get(lang)
        ),
    );
    if !r.instrument.legal_basis.is_empty() {
        doc.meta(l(t::LEGAL_BASIS), r.instrument.legal_basis.join("; "));
    }
    doc.meta(l(t::MODEL), r.model.clone());
    doc.meta(l(t::SHA_INSTRUMENT), r.instrument.sha256.clone());
    doc.meta(l(t::SHA_ASSESSMENT), a.sha256.clone());

    doc.strong(format!("{}: {} / {}", l(t::TOTAL), figure(r.total, lang), r.max));
    doc.push(verdict(&r.award, t::AWARD, lang));
    doc.heading(l(t::SCORES_PER_CRITERION));
    doc.push(Block::BarChart(BarChart {
        title: l(t::SCORES_PER_CRITERION).to_owned(),
        bars: r.criteria.iter().map(|c| (c.id.clone(), c.score)).collect(),
        max: r.max,
        mark: Some((
            r.award.min_total,
            format!("{} {}", l(t::PASS_MARK_SHORT), r.award.min_total),
        )),
    }));
    doc.push(Block::Table(criteria_table(r, lang)));
    for c in &r.criteria {
        doc.subheading(format!(
            "{} {} {} — {}",
            l(t::CRITERION),
            c.id,
            c.title.get(lang),
            figure(c.score, lang)
        ));
        doc.push(Block::Table(indicator_table(c, lang)));
        if let Some(view) = evidence {
            let ids: Vec<&str> = c.indicators.iter().map(|i| i.id.as_str()).collect();
            let images = view.images_for(&ids);
            if !images.is_empty() {
                doc.push(Block::Images(images));
            }
        }
    }
    doc.note(l(t::MANDATORY_MARK));
    doc.heading(l(t::VULNERABLE_GROUPS));
    doc.push(Block::Table(breakdown_table(
        &r.groups,
        l(t::VULNERABLE_GROUPS),
        t::GROUP,
        lang,
    )));
    doc.heading(l(t::PRINCIPLES));
    doc.push(Block::Table(breakdown_table(
        &r.principles,
        l(t::PRINCIPLE),
        t::PRINCIPLE,
        lang,
    )));
    improvement_plan(&mut doc, &r.gaps, lang);
    let mut note = format!("{} {}; {}", l(t::COMPUTED_WITH), r.model, l(t::ROUNDED_ONCE));
    if let Some(x) = r.total_exact {
        let _ = write!(note, " ({} {x})", l(t::UNROUNDED_TOTAL));
    }
    note.push('.');
    doc.note(note);
    doc
}

/// The short form of the score report, for a preview while answers are
/// still being given: the total, the award decision and the improvement plan.
pub fn score_summary_doc(r: &ScoreReport, lang: Lang) -> Doc {
    let l = |p: Phrase| p.get(lang);
    let mut doc = Doc::new(
        format!("{} — {}", l(t::SCORE_TITLE), r.assessment.unit.name),
        lang,
    );
    doc.strong(format!("{}: {} / {}", l(t::TOTAL), figure(r.total, lang), r.max));
    doc.push(verdict(&r.award, t::AWARD, lang));
    improvement_plan(&mut doc, &r.gaps, lang);
    doc
}

/// One CSV row per indicator (columns as published in DESIGN.md).
pub fn score_csv(r: &ScoreReport, lang: Lang) -> String {
    let mut w = CsvText::new();
    w.header(&[
        "unit",
        "period",
        "stage",
        "criterion",
        "indicator",
        "title",
        "status",
        "excluded",
        "answer",
        "value",
        "weight",
        "earned",
        "possible",
        "total_points_possible",
        "total_points_earned",
        "mandatory",
        "evidence",
        "evidence_required",
    ]);
    for c in &r.criteria {
        for i in &c.indicators {
            let excluded = match i.excluded {
                Some(Exclusion::UnitKind) => "unit_kind",
                Some(Exclusion::NotApplicable) => "not_applicable",
                None => "",
            };
            w.row([
                r.assessment.unit.id.as_str(),
                r.assessment.period.as_str(),
                r.assessment.stage.as_str(),
                c.id.as_str(),
                i.id.as_str(),
                i.title.get(lang),
                i.status.as_str(),
                excluded,
                i.answer.as_deref().unwrap_or(""),
                &i.value.map(|v| v.to_string()).unwrap_or_default(),
                &i.weight.to_string(),
                &i.earned.to_string(),
                &i.possible.to_string(),
                &i.total_points_possible.to_string(),
                &i.total_points_earned.to_string(),
                if i.mandatory { "true" } else { "false" },
                &i.evidence.to_string(),
                if i.evidence_required { "true" } else { "false" },
            ]);
        }
    }
    w.finish()
}
