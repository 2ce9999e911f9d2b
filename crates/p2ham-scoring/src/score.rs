//! The scoring engine of model `p2ham-weighted/1` (DESIGN.md, "Scoring model").

use std::collections::HashMap;

use p2ham_model::{
    Answer, Assessment, CheckedInstrument, Decimal, EvidenceRequirement, Lang, Principle, Text,
    UnsupportedClaims, VulnerableGroup,
};

use crate::ratio::Ratio;
use crate::report::{
    AssessmentInfo, Award, Breakdown, CriterionResult, Digests, Exclusion, Gap, IndicatorResult,
    InstrumentInfo, Reason, ReasonCode, ScoreReport, Status, StatusCounts, MODEL,
};
use crate::ScoringError;

/// One included or excluded indicator, with its exact figures.
struct Line<'a> {
    criterion: usize,
    status: Status,
    value: Option<Ratio>,
    /// The option's value as written in the instrument.
    option_value: Option<Decimal>,
    /// The value counted (0 for missing and zeroed unsupported claims).
    counted: Ratio,
    weight: Ratio,
    included: bool,
    answer: Option<&'a Answer>,
}

fn dec(r: Ratio, dp: u32, what: &str) -> Result<Decimal, ScoringError> {
    r.round(dp, what)
}

/// Score an assessment against a validated instrument.
///
/// The assessment is checked first; any problem is an error carrying every
/// problem. All arithmetic is exact; figures are rounded once, at the end.
pub fn score(
    instrument: &CheckedInstrument,
    assessment: &Assessment,
    digests: &Digests,
) -> Result<ScoreReport, ScoringError> {
    instrument.check_result(assessment)?;
    let ins = instrument.instrument();
    let answers: HashMap<&str, &Answer> = assessment
        .answers
        .iter()
        .map(|a| (a.indicator.as_str(), a))
        .collect();

    // 1–2. Status and counted value of every indicator.
    let mut lines: Vec<Vec<Line>> = Vec::with_capacity(ins.criteria.len());
    for (ci, c) in ins.criteria.iter().enumerate() {
        let mut row = Vec::with_capacity(c.indicators.len());
        for ind in &c.indicators {
            let answer = answers.get(ind.id.as_str()).copied();
            let weight = Ratio::from_decimal(ind.weight);
            let mut line = Line {
                criterion: ci,
                status: Status::Missing,
                value: None,
                option_value: None,
                counted: Ratio::ZERO,
                weight,
                included: true,
                answer,
            };
            if !ind.applies_to_kind(&assessment.unit.kind)
                || answer.is_some_and(|a| a.not_applicable.is_some())
            {
                line.status = Status::Excluded;
                line.included = false;
            } else if let Some(code) = answer.and_then(|a| a.value.as_deref()) {
                let scale = ins.scale(&ind.scale).expect("checked instrument");
                let option = scale.option(code).expect("checked assessment");
                let value = Ratio::from_decimal(option.value);
                line.value = Some(value);
                line.option_value = Some(option.value);
                line.counted = value;
                let has_evidence = answer.is_some_and(|a| !a.evidence.is_empty());
                line.status = if value.is_positive()
                    && ind.evidence == EvidenceRequirement::Required
                    && !has_evidence
                {
                    if ins.unsupported_claims == UnsupportedClaims::Zero {
                        line.counted = Ratio::ZERO;
                    }
                    Status::Unsupported
                } else if value == Ratio::ONE {
                    Status::Met
                } else if value.is_zero() {
                    Status::Unmet
                } else {
                    Status::Partial
                };
            }
            row.push(line);
        }
        lines.push(row);
    }

    // 3. Criterion scores.
    let mut earned = Vec::with_capacity(lines.len());
    let mut possible = Vec::with_capacity(lines.len());
    let mut scores: Vec<Option<Ratio>> = Vec::with_capacity(lines.len());
    for row in &lines {
        let mut e = Ratio::ZERO;
        let mut w = Ratio::ZERO;
        for l in row.iter().filter(|l| l.included) {
            e = e.add(l.counted.mul(l.weight, "earned points")?, "earned points")?;
            w = w.add(l.weight, "criterion weight")?;
        }
        scores.push(match e.div(w, "criterion score")? {
            Some(q) => Some(q.mul(Ratio::HUNDRED, "criterion score")?),
            None => None,
        });
        earned.push(e);
        possible.push(w);
    }

    // 4. Total over criteria with data.
    let mut weight_with_data = Ratio::ZERO;
    let mut weighted = Ratio::ZERO;
    for (c, s) in ins.criteria.iter().zip(&scores) {
        if let Some(s) = s {
            let cw = Ratio::from_decimal(c.weight);
            weight_with_data = weight_with_data.add(cw, "criterion weights")?;
            weighted = weighted.add(cw.mul(*s, "total")?, "total")?;
        }
    }
    let total = weighted.div(weight_with_data, "total")?;

    // Share of the total each criterion carries, and each indicator's points.
    let mut shares = Vec::with_capacity(lines.len());
    for (c, s) in ins.criteria.iter().zip(&scores) {
        let share = match (
            s,
            Ratio::from_decimal(c.weight).div(weight_with_data, "criterion share")?,
        ) {
            (Some(_), Some(share)) => share,
            _ => Ratio::ZERO,
        };
        shares.push(share);
    }
    let points = |l: &Line| -> Result<(Ratio, Ratio), ScoringError> {
        if !l.included {
            return Ok((Ratio::ZERO, Ratio::ZERO));
        }
        let Some(per_weight) = shares[l.criterion].div(possible[l.criterion], "indicator points")? else {
            return Ok((Ratio::ZERO, Ratio::ZERO));
        };
        let max = per_weight
            .mul(l.weight, "indicator points")?
            .mul(Ratio::HUNDRED, "indicator points")?;
        Ok((max, max.mul(l.counted, "indicator points")?))
    };

    // 5. Rounded figures and the explanation.
    let rounded_total = total.map(|t| dec(t, 2, "total")).transpose()?;
    let mut counts = StatusCounts::default();
    let mut criteria = Vec::with_capacity(lines.len());
    let mut rounded_scores = Vec::with_capacity(lines.len());
    for (ci, c) in ins.criteria.iter().enumerate() {
        let mut criterion_counts = StatusCounts::default();
        let mut indicators = Vec::with_capacity(c.indicators.len());
        for (ind, l) in c.indicators.iter().zip(&lines[ci]) {
            criterion_counts.add(l.status);
            let (max, got) = points(l)?;
            let answer_code = l.answer.and_then(|a| a.value.clone());
            let answer_label = answer_code.as_deref().and_then(|code| {
                ins.scale(&ind.scale)
                    .and_then(|s| s.option(code))
                    .map(|o| o.label.clone())
            });
            let excluded = (!l.included).then(|| {
                if ind.applies_to_kind(&assessment.unit.kind) {
                    Exclusion::NotApplicable
                } else {
                    Exclusion::UnitKind
                }
            });
            indicators.push(IndicatorResult {
                id: ind.id.clone(),
                title: ind.title.clone(),
                answer: answer_code,
                answer_label,
                value: l.option_value,
                weight: ind.weight,
                earned: if l.included {
                    dec(l.counted.mul(l.weight, "earned")?, 10, "earned")?.normalize()
                } else {
                    Decimal::ZERO
                },
                possible: if l.included { ind.weight } else { Decimal::ZERO },
                total_points_possible: dec(max, 4, "points")?,
                total_points_earned: dec(got, 4, "points")?,
                status: l.status,
                excluded,
                justification: l.answer.and_then(|a| a.not_applicable.clone()),
                evidence: u32::try_from(l.answer.map_or(0, |a| a.evidence.len())).unwrap_or(u32::MAX),
                evidence_required: ind.evidence == EvidenceRequirement::Required,
                mandatory: ind.mandatory,
                note: l.answer.and_then(|a| a.note.clone()),
            });
        }
        counts.merge(&criterion_counts);
        let score = scores[ci].map(|s| dec(s, 2, "criterion score")).transpose()?;
        rounded_scores.push(score);
        criteria.push(CriterionResult {
            id: c.id.clone(),
            title: c.title.clone(),
            weight: c.weight,
            share: dec(shares[ci].mul(Ratio::HUNDRED, "share")?, 2, "share")?,
            score,
            score_exact: scores[ci].map(|s| s.to_decimal("criterion score")).transpose()?,
            max: Decimal::ONE_HUNDRED,
            earned: dec(earned[ci], 10, "earned")?.normalize(),
            possible: dec(possible[ci], 10, "possible")?.normalize(),
            counts: criterion_counts,
            indicators,
        });
    }

    // 6. Award.
    let award = decide(instrument, &lines, rounded_total, &rounded_scores)?;

    // Breakdowns and the gap list.
    let mut flat = Vec::new();
    for (ci, c) in ins.criteria.iter().enumerate() {
        for (ind, l) in c.indicators.iter().zip(&lines[ci]) {
            let (max, got) = points(l)?;
            flat.push((ind, l, max, got));
        }
    }
    let principles = Principle::ALL
        .iter()
        .map(|&p| {
            let label = Text::bilingual(p.label(Lang::Id), p.label(Lang::En));
            breakdown(
                p,
                label,
                flat.iter().filter(|(ind, ..)| ind.principles.contains(&p)),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let groups = VulnerableGroup::ALL
        .iter()
        .map(|&g| {
            let label = Text::bilingual(g.label(Lang::Id), g.label(Lang::En));
            breakdown(g, label, flat.iter().filter(|(ind, ..)| ind.groups.contains(&g)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut gaps = Vec::new();
    for (ind, l, max, got) in &flat {
        if l.included && l.status != Status::Met {
            let gain = max.sub(*got, "gap")?;
            gaps.push((
                gain,
                Gap {
                    indicator: ind.id.clone(),
                    criterion: ins.criteria[l.criterion].id.clone(),
                    title: ind.title.clone(),
                    status: l.status,
                    value: if l.counted.is_zero() {
                        Decimal::ZERO
                    } else {
                        l.option_value.unwrap_or_default()
                    },
                    gain: dec(gain, 2, "gap")?,
                    mandatory: ind.mandatory,
                    groups: ind.groups.clone(),
                },
            ));
        }
    }
    // Most points first; ties keep instrument order (stable sort).
    gaps.sort_by_key(|g| std::cmp::Reverse(g.0));

    Ok(ScoreReport {
        format: "p2ham-score/1".into(),
        model: MODEL.into(),
        instrument: InstrumentInfo {
            id: ins.id.clone(),
            version: ins.version.clone(),
            title: ins.title.clone(),
            legal_basis: ins.legal_basis.clone(),
            sha256: digests.instrument.clone(),
        },
        assessment: AssessmentInfo {
            unit: assessment.unit.clone(),
            period: assessment.period.clone(),
            stage: assessment.stage,
            assessed_on: assessment.assessed_on.clone(),
            sha256: digests.assessment.clone(),
        },
        total: rounded_total,
        total_exact: total.map(|t| t.to_decimal("total")).transpose()?,
        max: Decimal::ONE_HUNDRED,
        counts,
        criteria,
        award,
        principles,
        groups,
        gaps: gaps.into_iter().map(|(_, g)| g).collect(),
    })
}

fn breakdown<'a, K>(
    id: K,
    label: Text,
    items: impl Iterator<Item = &'a (&'a p2ham_model::Indicator, &'a Line<'a>, Ratio, Ratio)>,
) -> Result<Breakdown<K>, ScoringError> {
    let mut possible = Ratio::ZERO;
    let mut earned = Ratio::ZERO;
    let mut met = Vec::new();
    let mut not_met = Vec::new();
    for (ind, l, max, got) in items {
        if !l.included {
            continue;
        }
        possible = possible.add(*max, "breakdown")?;
        earned = earned.add(*got, "breakdown")?;
        if l.status == Status::Met {
            met.push(ind.id.clone());
        } else {
            not_met.push(ind.id.clone());
        }
    }
    let score = match earned.div(possible, "breakdown")? {
        Some(q) => Some(dec(q.mul(Ratio::HUNDRED, "breakdown")?, 2, "breakdown")?),
        // Included indicators that all carry zero weight: score them by count.
        None if !met.is_empty() || !not_met.is_empty() => None,
        None => None,
    };
    Ok(Breakdown {
        id,
        label,
        score,
        points_possible: dec(possible, 2, "breakdown")?,
        points_earned: dec(earned, 2, "breakdown")?,
        all_met: !met.is_empty() && not_met.is_empty(),
        met,
        not_met,
    })
}

fn decide(
    instrument: &CheckedInstrument,
    lines: &[Vec<Line>],
    total: Option<Decimal>,
    scores: &[Option<Decimal>],
) -> Result<Award, ScoringError> {
    let ins = instrument.instrument();
    let rule = &ins.award;
    let mut reasons = Vec::new();
    match total {
        None => reasons.push(Reason {
            code: ReasonCode::NoData,
            criterion: None,
            indicator: None,
            actual: None,
            required: Some(rule.min_total),
            message: Text::bilingual(
                "Tidak ada data: tidak satu pun kriteria memiliki indikator yang dinilai.",
                "No data: no criterion has an included indicator.",
            ),
        }),
        Some(t) if t < rule.min_total => reasons.push(Reason {
            code: ReasonCode::TotalBelowPassMark,
            criterion: None,
            indicator: None,
            actual: Some(t),
            required: Some(rule.min_total),
            message: Text::bilingual(
                format!("Nilai total {t} di bawah batas kelulusan {}.", rule.min_total),
                format!("Total {t} is below the pass mark {}.", rule.min_total),
            ),
        }),
        Some(_) => {}
    }
    if let Some(min) = rule.min_criterion {
        for (c, s) in ins.criteria.iter().zip(scores) {
            if let Some(s) = s {
                if *s < min {
                    reasons.push(Reason {
                        code: ReasonCode::CriterionBelowMinimum,
                        criterion: Some(c.id.clone()),
                        indicator: None,
                        actual: Some(*s),
                        required: Some(min),
                        message: Text::bilingual(
                            format!(
                                "Kriteria {} ({}) bernilai {s}, di bawah batas minimum {min}.",
                                c.id, c.title.id
                            ),
                            format!(
                                "Criterion {} ({}) scores {s}, below the minimum {min}.",
                                c.id,
                                c.title.get(Lang::En)
                            ),
                        ),
                    });
                }
            }
        }
    }
    for (ci, c) in ins.criteria.iter().enumerate() {
        for (ind, l) in c.indicators.iter().zip(&lines[ci]) {
            if ind.mandatory && l.included && l.status != Status::Met {
                let (why_id, why_en) = match l.status {
                    Status::Missing => ("tidak dijawab".to_owned(), "not answered".to_owned()),
                    Status::Unsupported => (
                        "diklaim tanpa data dukung yang diwajibkan".to_owned(),
                        "claimed without the required evidence".to_owned(),
                    ),
                    _ => {
                        let v = l
                            .value
                            .map(|v| v.round(4, "value"))
                            .transpose()?
                            .unwrap_or_default()
                            .normalize();
                        (format!("bernilai {v}"), format!("has value {v}"))
                    }
                };
                reasons.push(Reason {
                    code: ReasonCode::MandatoryNotMet,
                    criterion: Some(c.id.clone()),
                    indicator: Some(ind.id.clone()),
                    actual: Some(l.counted.round(4, "value")?.normalize()),
                    required: Some(Decimal::ONE),
                    message: Text::bilingual(
                        format!(
                            "Indikator wajib {} ({}) belum terpenuhi: {why_id}.",
                            ind.id, ind.title.id
                        ),
                        format!(
                            "Mandatory indicator {} ({}) is not fully met: {why_en}.",
                            ind.id,
                            ind.title.get(Lang::En)
                        ),
                    ),
                });
            }
        }
    }
    Ok(Award {
        eligible: reasons.is_empty(),
        min_total: rule.min_total,
        min_criterion: rule.min_criterion,
        reasons,
    })
}
