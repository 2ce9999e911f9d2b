//! The scoring engine of model `p2ham-weighted/1` (DESIGN.md, "Scoring model").

use std::collections::HashMap;

use p2ham_model::{
    Answer, Assessment, CheckedInstrument, Decimal, EvidenceRequirement, Lang, Principle, Text,
    UnsupportedClaims, VulnerableGroup,
};

use crate::lean::{IntPlan, LeanAnswer};
use crate::ratio::{BigSum, Ratio};
use crate::report::{
    AssessmentInfo, Award, Breakdown, CriterionResult, Digests, Exclusion, Gap, IndicatorResult,
    IndicatorStatus, InstrumentIdentity, Reason, ReasonCode, ScoreReport, StatusCounts, MODEL,
};
use crate::ScoringError;

/// One included or excluded indicator, with its exact figures.
struct Line<'a> {
    criterion: usize,
    status: IndicatorStatus,
    value: Option<Ratio>,
    /// The option's value as written in the instrument.
    option_value: Option<Decimal>,
    /// The value counted (0 for missing and zeroed unsupported claims).
    counted: Ratio,
    weight: Ratio,
    /// counted × weight.
    earned: Ratio,
    included: bool,
    /// Whether the instrument applies the indicator to the unit's kind.
    applies: bool,
    answer: Option<&'a Answer>,
}

fn dec(r: Ratio, dp: u32, what: &str) -> Result<Decimal, ScoringError> {
    r.round(dp, what)
}

/// The exact total: a 256-bit fraction, or, when its common denominator
/// outgrows that, an arbitrary-precision one.
#[derive(Debug, Clone)]
enum Total {
    Exact(Ratio),
    Big(BigSum),
}

impl Total {
    fn round(&self, dp: u32, what: &str) -> Result<Decimal, ScoringError> {
        match self {
            Total::Exact(r) => r.round(dp, what),
            Total::Big(b) => b.round(dp, what),
        }
    }

    fn to_decimal(&self, what: &str) -> Result<Decimal, ScoringError> {
        match self {
            Total::Exact(r) => r.to_decimal(what),
            Total::Big(b) => b.to_decimal(what),
        }
    }
}

/// The exact figures of an instrument, computed once per instrument.
#[derive(Debug, Clone)]
struct Plan {
    /// Per indicator (criteria flattened): its weight, the index of its scale,
    /// and per option of the scale: (value, value × weight).
    indicators: Vec<PlannedIndicator>,
}

/// An indicator's weight, the index of its scale, and per option: (value, value × weight).
type PlannedIndicator = (Ratio, usize, Vec<(Ratio, Ratio)>);

fn plan(instrument: &CheckedInstrument) -> Result<Plan, ScoringError> {
    let ins = instrument.instrument();
    let mut indicators = Vec::with_capacity(instrument.indicator_count());
    for (_, ind) in ins.indicators() {
        let weight = Ratio::from_decimal(ind.weight);
        let scale = ins
            .scales
            .iter()
            .position(|s| s.id == ind.scale)
            .expect("checked instrument");
        let options = ins.scales[scale]
            .options
            .iter()
            .map(|o| {
                let value = Ratio::from_decimal(o.value);
                Ok((value, value.mul(weight, "earned points")?))
            })
            .collect::<Result<Vec<_>, ScoringError>>()?;
        indicators.push((weight, scale, options));
    }
    Ok(Plan { indicators })
}

/// The exact figures of one assessment, shared by [`score`] and [`score_lean`]:
/// the single implementation of steps 1–5 of the model.
struct Core<'a> {
    /// Per criterion, per indicator, in instrument order.
    lines: Vec<Vec<Line<'a>>>,
    /// Σ counted × weight over included indicators, per criterion.
    earned: Vec<Ratio>,
    /// Σ weight over included indicators, per criterion.
    possible: Vec<Ratio>,
    /// Criterion scores (0–100); `None` when no data.
    scores: Vec<Option<Ratio>>,
    /// The total; `None` when no criterion has data.
    total: Option<Total>,
    /// Share of the total each criterion carries (0–1).
    shares: Vec<Ratio>,
    /// Points of the total (0–100) per unit of included indicator weight, per
    /// criterion; `None` when the criterion has no included weight.
    points_per_weight: Vec<Option<Ratio>>,
    /// The total rounded to 2 decimals.
    rounded_total: Option<Decimal>,
    /// The criterion scores rounded to 2 decimals.
    rounded_scores: Vec<Option<Decimal>>,
}

/// Steps 1–5 of the model for an assessment already checked against the instrument.
fn core<'a>(
    instrument: &CheckedInstrument,
    plan: &Plan,
    assessment: &'a Assessment,
) -> Result<Core<'a>, ScoringError> {
    let ins = instrument.instrument();
    // Answers by indicator, criteria flattened (the assessment is checked:
    // every answer names a known indicator, at most once).
    let mut by_position: Vec<Option<&Answer>> = vec![None; instrument.indicator_count()];
    for a in &assessment.answers {
        if let Some(p) = instrument.position(&a.indicator) {
            by_position[instrument.flat_index(p)] = Some(a);
        }
    }

    // 1–2. Status and counted value of every indicator.
    let mut flat = 0;
    let mut lines: Vec<Vec<Line>> = Vec::with_capacity(ins.criteria.len());
    for (ci, c) in ins.criteria.iter().enumerate() {
        let mut row = Vec::with_capacity(c.indicators.len());
        for ind in &c.indicators {
            let answer = by_position[flat];
            let (weight, scale, options) = &plan.indicators[flat];
            flat += 1;
            let mut line = Line {
                criterion: ci,
                status: IndicatorStatus::Missing,
                value: None,
                option_value: None,
                counted: Ratio::ZERO,
                weight: *weight,
                earned: Ratio::ZERO,
                included: true,
                applies: ind.applies_to_kind(&assessment.unit.kind),
                answer,
            };
            if !line.applies || answer.is_some_and(|a| a.not_applicable.is_some()) {
                line.status = IndicatorStatus::Excluded;
                line.included = false;
            } else if let Some(code) = answer.and_then(|a| a.value.as_deref()) {
                let scale = &ins.scales[*scale];
                let oi = scale
                    .options
                    .iter()
                    .position(|o| o.code == code)
                    .expect("checked assessment");
                let (value, earned) = options[oi];
                line.value = Some(value);
                line.option_value = Some(scale.options[oi].value);
                line.counted = value;
                line.earned = earned;
                let has_evidence = answer.is_some_and(|a| !a.evidence.is_empty());
                line.status = if value.is_positive()
                    && ind.evidence == EvidenceRequirement::Required
                    && !has_evidence
                {
                    if ins.unsupported_claims == UnsupportedClaims::Zero {
                        line.counted = Ratio::ZERO;
                        line.earned = Ratio::ZERO;
                    }
                    IndicatorStatus::Unsupported
                } else if value == Ratio::ONE {
                    IndicatorStatus::Met
                } else if value.is_zero() {
                    IndicatorStatus::Unmet
                } else {
                    IndicatorStatus::Partial
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
            e = e.add(l.earned, "earned points")?;
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
    let with_data: Vec<(Ratio, Ratio)> = ins
        .criteria
        .iter()
        .zip(&scores)
        .filter_map(|(c, s)| s.map(|s| (Ratio::from_decimal(c.weight), s)))
        .collect();
    let mut weight_with_data = Ratio::ZERO;
    for (cw, _) in &with_data {
        weight_with_data = weight_with_data.add(*cw, "criterion weights")?;
    }
    let small = with_data
        .iter()
        .try_fold(Ratio::ZERO, |acc, (cw, s)| acc.add(cw.mul(*s, "total")?, "total"))
        .and_then(|weighted| weighted.div(weight_with_data, "total"));
    let total = match small {
        Ok(t) => t.map(Total::Exact),
        // The criterion scores' denominators are coprime and many: their
        // common denominator outgrows 256 bits. Exact all the same.
        Err(_) if weight_with_data.is_positive() => Some(Total::Big(
            with_data
                .iter()
                .fold(BigSum::zero(), |acc, (cw, s)| acc.add_product(*cw, *s))
                .div(weight_with_data),
        )),
        Err(e) => return Err(e),
    };

    // Share of the total each criterion carries.
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

    let points_per_weight = shares
        .iter()
        .zip(&possible)
        .map(|(share, w)| {
            share
                .div(*w, "indicator points")?
                .map(|q| q.mul(Ratio::HUNDRED, "indicator points"))
                .transpose()
        })
        .collect::<Result<Vec<_>, _>>()?;

    // 5. The rounded figures the award compares.
    let rounded_total = total.as_ref().map(|t| t.round(2, "total")).transpose()?;
    let rounded_scores = scores
        .iter()
        .map(|s| s.map(|s| dec(s, 2, "criterion score")).transpose())
        .collect::<Result<Vec<_>, _>>()?;

    Ok(Core {
        lines,
        earned,
        possible,
        scores,
        total,
        shares,
        points_per_weight,
        rounded_total,
        rounded_scores,
    })
}

impl Core<'_> {
    /// Points of the total (0–100) an indicator could carry and the points it earned.
    fn points(&self, l: &Line) -> Result<(Ratio, Ratio), ScoringError> {
        if !l.included {
            return Ok((Ratio::ZERO, Ratio::ZERO));
        }
        let Some(per_weight) = self.points_per_weight[l.criterion] else {
            return Ok((Ratio::ZERO, Ratio::ZERO));
        };
        let max = per_weight.mul(l.weight, "indicator points")?;
        Ok((max, per_weight.mul(l.earned, "indicator points")?))
    }

    /// The points an included indicator that is not fully met would add; `None`
    /// when it is met or excluded (not a gap).
    fn gain(&self, l: &Line) -> Result<Option<Ratio>, ScoringError> {
        if !l.included || l.status == IndicatorStatus::Met {
            return Ok(None);
        }
        let Some(per_weight) = self.points_per_weight[l.criterion] else {
            return Ok(Some(Ratio::ZERO));
        };
        per_weight.mul(l.weight.sub(l.earned, "gap")?, "gap").map(Some)
    }
}

/// Why the award is refused, without words: the single implementation of step
/// 6, shared by [`score`] (which explains each) and [`score_lean`].
enum Failure {
    NoData,
    TotalBelow(Decimal),
    CriterionBelow(usize, Decimal),
    MandatoryNotMet(usize, usize),
    MandatoryNotApplicable(usize, usize),
}

fn failures(instrument: &CheckedInstrument, core: &Core) -> Vec<Failure> {
    let ins = instrument.instrument();
    let rule = &ins.award;
    let mut out = Vec::new();
    match core.rounded_total {
        None => out.push(Failure::NoData),
        Some(t) if t < rule.min_total => out.push(Failure::TotalBelow(t)),
        Some(_) => {}
    }
    if let Some(min) = rule.min_criterion {
        for (ci, s) in core.rounded_scores.iter().enumerate() {
            if let Some(s) = s {
                if *s < min {
                    out.push(Failure::CriterionBelow(ci, *s));
                }
            }
        }
    }
    for (ci, c) in ins.criteria.iter().enumerate() {
        for (ii, (ind, l)) in c.indicators.iter().zip(&core.lines[ci]).enumerate() {
            // Fully met means a counted value of 1: an unsupported claim counts
            // only where the instrument says `unsupported_claims: count`.
            if ind.mandatory && l.included && l.counted != Ratio::ONE {
                out.push(Failure::MandatoryNotMet(ci, ii));
            }
            // Answered "not applicable" although the instrument applies it to the
            // unit's kind: out of the figures, but never a way round the award.
            if ind.mandatory
                && !l.included
                && l.answer.is_some_and(|a| a.not_applicable.is_some())
                && l.applies
            {
                out.push(Failure::MandatoryNotApplicable(ci, ii));
            }
        }
    }
    out
}

/// The figures of one assessment a roll-up keeps, computed by the same core as
/// [`score`] but without building the explained report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeanScore {
    /// Total 0–100 rounded to 2 decimals; `None` when no criterion has data.
    pub total: Option<Decimal>,
    /// Whether the unit is eligible for the award.
    pub eligible: bool,
    /// The status of every indicator, in instrument order (criteria flattened).
    pub statuses: Vec<IndicatorStatus>,
    /// Index (into `statuses`) of the first entry of the gap list: the
    /// indicator that would add the most points (ties: instrument order).
    pub main_gap: Option<usize>,
}

/// Score an assessment for a roll-up: total, award eligibility, statuses and
/// the main gap, exactly as [`score`] computes them, without the explanation.
///
/// The assessment is checked first; any problem is an error carrying every problem.
pub fn score_lean(
    instrument: &CheckedInstrument,
    assessment: &Assessment,
) -> Result<LeanScore, ScoringError> {
    LeanScorer::new(instrument)?.score(assessment)
}

/// [`score_lean`] for many assessments of one instrument: the instrument's
/// exact figures are computed once, and, where they fit, scaled once to
/// integers over a common denominator so each assessment is scored with native
/// integer sums (the 256-bit core takes over whenever a figure would not fit).
#[derive(Debug, Clone)]
pub struct LeanScorer {
    instrument: CheckedInstrument,
    plan: Plan,
    int: Option<IntPlan>,
}

impl LeanScorer {
    /// A scorer for this instrument (kept as a copy).
    pub fn new(instrument: &CheckedInstrument) -> Result<Self, ScoringError> {
        Ok(Self {
            plan: plan(instrument)?,
            int: IntPlan::new(instrument),
            instrument: instrument.clone(),
        })
    }

    /// The instrument scored against.
    pub fn instrument(&self) -> &CheckedInstrument {
        &self.instrument
    }

    /// Check and score one assessment, as [`score_lean`] does.
    pub fn score(&self, assessment: &Assessment) -> Result<LeanScore, ScoringError> {
        self.instrument.check_result(assessment)?;
        match self.int_score(assessment) {
            Some(lean) => Ok(lean),
            None => lean(&self.instrument, &self.plan, assessment),
        }
    }

    /// The integer path for a checked assessment; `None` when it does not fit.
    fn int_score(&self, assessment: &Assessment) -> Option<LeanScore> {
        let ins = self.instrument.instrument();
        let mut answers = vec![LeanAnswer::Missing; self.instrument.indicator_count()];
        for a in &assessment.answers {
            if let Some(p) = self.instrument.position(&a.indicator) {
                answers[self.instrument.flat_index(p)] = match (&a.value, &a.not_applicable) {
                    (_, Some(_)) => LeanAnswer::NotApplicable,
                    (Some(code), None) => LeanAnswer::Value {
                        option: ins.scales[p.scale]
                            .options
                            .iter()
                            .position(|o| o.code == *code)
                            .and_then(|o| u16::try_from(o).ok())?,
                        evidence: !a.evidence.is_empty(),
                    },
                    (None, None) => LeanAnswer::Missing,
                };
            }
        }
        self.score_answers(&assessment.unit.kind, &answers)
    }

    /// Score an assessment given as its answers per indicator (instrument
    /// order, criteria flattened), for a unit of `kind`. The caller must have
    /// checked the assessment against the instrument (every problem
    /// [`CheckedInstrument::check`] reports stands in the way of scoring).
    /// `None` when the figures do not fit native integers: then score the
    /// whole assessment with [`score`](Self::score).
    pub fn score_answers(&self, kind: &str, answers: &[LeanAnswer]) -> Option<LeanScore> {
        self.int.as_ref()?.score(self.kind(kind)?, answers)
    }

    /// The index of a unit kind in the instrument's `unit_kinds`.
    fn kind(&self, kind: &str) -> Option<usize> {
        self.instrument
            .instrument()
            .unit_kinds
            .iter()
            .position(|k| k == kind)
    }
}

/// The lean figures from the 256-bit core, for an assessment already checked.
fn lean(
    instrument: &CheckedInstrument,
    plan: &Plan,
    assessment: &Assessment,
) -> Result<LeanScore, ScoringError> {
    let core = core(instrument, plan, assessment)?;
    let eligible = failures(instrument, &core).is_empty();
    let mut statuses = Vec::with_capacity(core.lines.iter().map(Vec::len).sum());
    let mut best: Option<(Ratio, usize)> = None;
    for (i, l) in core.lines.iter().flatten().enumerate() {
        statuses.push(l.status);
        if let Some(g) = core.gain(l)? {
            if best.is_none_or(|(b, _)| g > b) {
                best = Some((g, i));
            }
        }
    }
    Ok(LeanScore {
        total: core.rounded_total,
        eligible,
        statuses,
        main_gap: best.map(|(_, i)| i),
    })
}

/// The exact points of the total (0–100) each indicator earned, by indicator id
/// (0 when excluded), from the same core as [`score`]: summed, they give the
/// exact total. The assessment must already be checked (as [`score`] does).
pub(crate) fn earned_points(
    instrument: &CheckedInstrument,
    assessment: &Assessment,
) -> Result<HashMap<String, Ratio>, ScoringError> {
    let plan = plan(instrument)?;
    let core = core(instrument, &plan, assessment)?;
    let mut points = HashMap::with_capacity(instrument.indicator_count());
    for ((_, ind), l) in instrument
        .instrument()
        .indicators()
        .zip(core.lines.iter().flatten())
    {
        points.insert(ind.id.clone(), core.points(l)?.1);
    }
    Ok(points)
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
    let core = core(instrument, &plan(instrument)?, assessment)?;
    let lines = &core.lines;
    let points = |l: &Line| core.points(l);
    let rounded_total = core.rounded_total;
    let (earned, possible, scores, total, shares) = (
        &core.earned,
        &core.possible,
        &core.scores,
        &core.total,
        &core.shares,
    );

    // 5. Rounded figures and the explanation.
    let mut counts = StatusCounts::default();
    let mut criteria = Vec::with_capacity(lines.len());
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
                    l.earned.round_to_fit(10, "earned")?.normalize()
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
        let score = core.rounded_scores[ci];
        criteria.push(CriterionResult {
            id: c.id.clone(),
            title: c.title.clone(),
            weight: c.weight,
            share: dec(shares[ci].mul(Ratio::HUNDRED, "share")?, 2, "share")?,
            score,
            score_exact: scores[ci].map(|s| s.to_decimal("criterion score")).transpose()?,
            max: Decimal::ONE_HUNDRED,
            earned: earned[ci].round_to_fit(10, "earned")?.normalize(),
            possible: possible[ci].round_to_fit(10, "possible")?.normalize(),
            counts: criterion_counts,
            indicators,
        });
    }

    // 6. Award.
    let award = decide(instrument, &core)?;

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
    for (ind, l, ..) in &flat {
        if let Some(gain) = core.gain(l)? {
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
        format: p2ham_model::format::SCORE.into(),
        model: MODEL.into(),
        instrument: InstrumentIdentity {
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
        total_exact: total.as_ref().map(|t| t.to_decimal("total")).transpose()?,
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
        if l.status == IndicatorStatus::Met {
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

fn decide(instrument: &CheckedInstrument, core: &Core) -> Result<Award, ScoringError> {
    let ins = instrument.instrument();
    let rule = &ins.award;
    let mut reasons = Vec::new();
    for failure in failures(instrument, core) {
        reasons.push(match failure {
            Failure::NoData => Reason {
                code: ReasonCode::NoData,
                criterion: None,
                indicator: None,
                actual: None,
                required: Some(rule.min_total),
                message: Text::bilingual(
                    "Tidak ada data: tidak satu pun kriteria berbobot memiliki indikator yang dinilai.",
                    "No data: no criterion with a positive weight has an included indicator.",
                ),
            },
            Failure::TotalBelow(t) => Reason {
                code: ReasonCode::TotalBelowPassMark,
                criterion: None,
                indicator: None,
                actual: Some(t),
                required: Some(rule.min_total),
                message: Text::bilingual(
                    format!("Nilai total {t} di bawah batas kelulusan {}.", rule.min_total),
                    format!("Total {t} is below the pass mark {}.", rule.min_total),
                ),
            },
            Failure::CriterionBelow(ci, s) => {
                let c = &ins.criteria[ci];
                let min = rule.min_criterion.unwrap_or_default();
                Reason {
                    code: ReasonCode::CriterionBelowMinimum,
                    criterion: Some(c.id.clone()),
                    indicator: None,
                    actual: Some(s),
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
                }
            }
            Failure::MandatoryNotMet(ci, ii) => {
                let c = &ins.criteria[ci];
                let ind = &c.indicators[ii];
                let l = &core.lines[ci][ii];
                let (why_id, why_en) = match l.status {
                    IndicatorStatus::Missing => ("tidak dijawab".to_owned(), "not answered".to_owned()),
                    IndicatorStatus::Unsupported => (
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
                Reason {
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
                }
            }
            Failure::MandatoryNotApplicable(ci, ii) => {
                let c = &ins.criteria[ci];
                let ind = &c.indicators[ii];
                Reason {
                    code: ReasonCode::MandatoryNotApplicable,
                    criterion: Some(c.id.clone()),
                    indicator: Some(ind.id.clone()),
                    actual: None,
                    required: Some(Decimal::ONE),
                    message: Text::bilingual(
                        format!(
                            "Indikator wajib {} ({}) dijawab tidak berlaku, padahal berlaku untuk jenis unit ini; \
                             indikator wajib harus terpenuhi.",
                            ind.id, ind.title.id
                        ),
                        format!(
                            "Mandatory indicator {} ({}) is answered not applicable, though it applies to this kind \
                             of unit; a mandatory indicator must be met.",
                            ind.id,
                            ind.title.get(Lang::En)
                        ),
                    ),
                }
            }
        });
    }
    Ok(Award {
        eligible: reasons.is_empty(),
        min_total: rule.min_total,
        min_criterion: rule.min_criterion,
        reasons,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use p2ham_model::{
        AssessmentFormat, AwardRule, Criterion, EvidenceRef, Indicator, Instrument, InstrumentFormat,
        InstrumentRef, Scale, ScaleOption, Stage, Unit,
    };
    use proptest::prelude::*;

    /// Per criterion: weight, and per indicator (weight, flags, mandatory, evidence required).
    type Spec = (u8, Vec<(u8, u8, bool, bool)>);

    fn instrument(weights: &[Spec], claims: bool, min_criterion: bool) -> CheckedInstrument {
        let opt = |code: &str, v: Decimal| ScaleOption {
            code: code.into(),
            label: Text::bilingual(code, code),
            value: v,
        };
        let scales = vec![
            Scale {
                id: "apt".into(),
                options: vec![
                    opt("ada", Decimal::ONE),
                    opt("proses", Decimal::new(5, 1)),
                    opt("tidak", Decimal::ZERO),
                ],
            },
            Scale {
                id: "third".into(),
                options: vec![
                    opt("sepertiga", Decimal::new(3333, 4)),
                    opt("penuh", Decimal::ONE),
                ],
            },
        ];
        let criteria = weights
            .iter()
            .enumerate()
            .map(|(ci, (cw, inds))| Criterion {
                id: format!("C{ci}"),
                title: Text::bilingual("k", "c"),
                weight: Decimal::from(*cw) + Decimal::ONE,
                indicators: inds
                    .iter()
                    .enumerate()
                    .map(|(ii, (w, flags, mandatory, evidence))| Indicator {
                        id: format!("C{ci}.{ii}"),
                        title: Text::bilingual("i", "i"),
                        scale: if flags % 3 == 0 { "third" } else { "apt" }.into(),
                        // Whole and decimal weights (w × 25, × 2.5 or × 0.25).
                        weight: Decimal::new(i64::from(*w) * 25, u32::from(flags % 3)),
                        applies_to: if flags % 4 == 1 {
                            vec!["lapas".into()]
                        } else {
                            vec![]
                        },
                        principles: vec![],
                        groups: vec![VulnerableGroup::ALL[usize::from(*flags) % 4]],
                        evidence: if *evidence {
                            EvidenceRequirement::Required
                        } else {
                            EvidenceRequirement::Optional
                        },
                        mandatory: *mandatory,
                    })
                    .collect(),
            })
            .collect();
        let ins = Instrument {
            format: InstrumentFormat::V1,
            id: "t".into(),
            version: "1".into(),
            title: Text::bilingual("t", "t"),
            legal_basis: vec![],
            notes: String::new(),
            unit_kinds: vec!["lapas".into(), "kanim".into()],
            scales,
            criteria,
            award: AwardRule {
                min_total: Decimal::from(60),
                min_criterion: min_criterion.then(|| Decimal::from(40)),
            },
            unsupported_claims: if claims {
                UnsupportedClaims::Count
            } else {
                UnsupportedClaims::Zero
            },
        };
        CheckedInstrument::new(ins).expect("valid test instrument")
    }

    fn assessment(ins: &CheckedInstrument, kind: &str, picks: &[u8]) -> Assessment {
        let mut answers = Vec::new();
        for ((_, ind), pick) in ins.instrument().indicators().zip(picks.iter().cycle()) {
            let scale = ins.instrument().scale(&ind.scale).unwrap();
            let n = scale.options.len();
            let pick = usize::from(*pick);
            if !ind.applies_to_kind(kind) {
                continue;
            }
            let mut a = Answer {
                indicator: ind.id.clone(),
                value: None,
                not_applicable: None,
                evidence: vec![],
                note: None,
            };
            match pick % 8 {
                0 => continue,
                1 => a.not_applicable = Some("tidak ada".into()),
                k => {
                    a.value = Some(scale.options[k % n].code.clone());
                    if pick / 8 % 2 == 0 {
                        a.evidence.push(EvidenceRef {
                            path: "foto/x.jpg".into(),
                            sha256: None,
                            caption: None,
                        });
                    }
                }
            }
            answers.push(a);
        }
        Assessment {
            format: AssessmentFormat::V1,
            instrument: InstrumentRef {
                id: "t".into(),
                version: "1".into(),
            },
            unit: Unit {
                id: "u".into(),
                name: "U".into(),
                kind: kind.into(),
                office: None,
            },
            period: "2023".into(),
            stage: Stage::SelfAssessment,
            verifies: None,
            assessed_on: None,
            assessors: vec![],
            answers,
        }
    }

    proptest! {
        /// The lean path and the explained report never disagree.
        #[test]
        fn lean_agrees_with_score(
            weights in prop::collection::vec(
                (0u8..4, prop::collection::vec((0u8..4, any::<u8>(), any::<bool>(), any::<bool>()), 1..6)),
                1..4,
            ),
            picks in prop::collection::vec(any::<u8>(), 1..20),
            lapas in any::<bool>(),
            claims in any::<bool>(),
            min_criterion in any::<bool>(),
        ) {
            // A criterion whose weights are all zero is invalid: give the first indicator weight.
            let mut weights = weights;
            for (_, inds) in &mut weights {
                inds[0].0 = inds[0].0.max(1);
            }
            let ins = instrument(&weights, claims, min_criterion);
            let a = assessment(&ins, if lapas { "lapas" } else { "kanim" }, &picks);
            let (full, lean) = match (score(&ins, &a, &Digests::default()), score_lean(&ins, &a)) {
                (Ok(full), Ok(lean)) => (full, lean),
                (Err(f), Err(l)) => {
                    prop_assert_eq!(f, l);
                    return Ok(());
                }
                (f, l) => panic!("paths disagree: {f:?} vs {l:?}"),
            };
            // The integer path was taken, and it agrees with the 256-bit core.
            prop_assert!(LeanScorer::new(&ins).unwrap().int_score(&a).is_some());
            prop_assert_eq!(&lean, &super::lean(&ins, &plan(&ins).unwrap(), &a).unwrap());
            prop_assert_eq!(lean.total, full.total);
            prop_assert_eq!(lean.eligible, full.award.eligible);
            let statuses: Vec<IndicatorStatus> =
                full.criteria.iter().flat_map(|c| c.indicators.iter().map(|i| i.status)).collect();
            prop_assert_eq!(&lean.statuses, &statuses);
            let ids: Vec<&str> = ins.instrument().indicators().map(|(_, i)| i.id.as_str()).collect();
            prop_assert_eq!(
                lean.main_gap.map(|i| ids[i]),
                full.gaps.first().map(|g| g.indicator.as_str())
            );
            // Group all-met as the roll-up derives it from statuses.
            for g in &full.groups {
                let included: Vec<IndicatorStatus> = ins.instrument().indicators().zip(&lean.statuses)
                    .filter(|((_, i), s)| i.groups.contains(&g.id) && **s != IndicatorStatus::Excluded)
                    .map(|(_, s)| *s)
                    .collect();
                let all_met = !included.is_empty() && included.iter().all(|s| *s == IndicatorStatus::Met);
                prop_assert_eq!(all_met, g.all_met);
            }
        }
    }
}
