//! The award cycle: from this period's verified results and the previous
//! award list, who keeps (`retained`), gains, loses the P2HAM predikat, who was
//! not awarded, which previous holder was not evaluated, and who was excluded
//! by the evaluator; and the summary of a list. Pure functions: no I/O.

use std::collections::{BTreeMap, BTreeSet};

use p2ham_model::{
    AwardEntry, AwardList, AwardReason, AwardReasonCode, AwardsFormat, Decimal, Decision, Decree,
    DocumentRef, InstrumentStamp, PeriodAwardRule, Text, Unit, UnitComponents,
};
use serde::{Deserialize, Serialize};

use crate::{Reason, ReasonCode, ScoreReport};

/// One unit's verified result for the period, as the award decision needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedResult {
    /// The unit as the verification names it.
    pub unit: Unit,
    /// The period of the verification.
    pub period: String,
    /// The instrument it was scored against.
    pub instrument: InstrumentStamp,
    /// The verified total (2 decimals); `None` without data.
    pub total: Option<Decimal>,
    /// Whether the verified result meets the award rule.
    pub eligible: bool,
    /// Every reason it does not (empty when eligible).
    pub reasons: Vec<AwardReason>,
    /// The document it was read from.
    pub source: DocumentRef,
}

impl VerifiedResult {
    /// The result of a scored verification read from `source`.
    pub fn from_score(report: &ScoreReport, source: DocumentRef) -> Self {
        Self {
            unit: report.assessment.unit.clone(),
            period: report.assessment.period.clone(),
            instrument: InstrumentStamp {
                id: report.instrument.id.clone(),
                version: report.instrument.version.clone(),
                sha256: report.instrument.sha256.clone(),
            },
            total: report.total,
            eligible: report.award.eligible,
            reasons: report.award.reasons.iter().map(award_reason).collect(),
            source,
        }
    }
}

/// A score reason as an award reason.
pub fn award_reason(r: &Reason) -> AwardReason {
    AwardReason {
        code: match r.code {
            ReasonCode::NoData => AwardReasonCode::NoData,
            ReasonCode::TotalBelowPassMark => AwardReasonCode::TotalBelowPassMark,
            ReasonCode::CriterionBelowMinimum => AwardReasonCode::CriterionBelowMinimum,
            ReasonCode::MandatoryNotMet => AwardReasonCode::MandatoryNotMet,
            ReasonCode::MandatoryNotApplicable => AwardReasonCode::MandatoryNotApplicable,
        },
        criterion: r.criterion.clone(),
        indicator: r.indicator.clone(),
        actual: r.actual,
        required: r.required,
        message: r.message.clone(),
    }
}

/// The instrument a period requires: an id and, optionally, a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequiredInstrument {
    /// Instrument id.
    pub id: String,
    /// Instrument version; any version of the id when `None`.
    pub version: Option<String>,
}

impl RequiredInstrument {
    fn matches(&self, stamp: &InstrumentStamp) -> bool {
        self.id == stamp.id && self.version.as_ref().is_none_or(|v| *v == stamp.version)
    }

    fn describe(&self) -> String {
        match &self.version {
            Some(v) => format!("{} {v}", self.id),
            None => self.id.clone(),
        }
    }
}

/// What the evaluator decides with, besides the results.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AwardOptions {
    /// The period decided; when `None`, the period every result names (they must agree).
    pub period: Option<String>,
    /// The decree, once issued.
    pub decree: Option<Decree>,
    /// Units struck off, by id, with the evaluator's reason.
    pub exclusions: BTreeMap<String, String>,
    /// The instrument the period requires; results made with another are not eligible.
    pub instrument: Option<RequiredInstrument>,
    /// The period's award rule over the evaluation's other evidence; `None`:
    /// the decision is the P2HAM verified result alone.
    pub rule: Option<PeriodAwardRule>,
    /// The other evidence's figures per unit id (IKM, Zona Integritas,
    /// complaints), read by the rule's gates.
    pub components: BTreeMap<String, UnitComponents>,
}

/// Why an award list could not be decided. Every message names the documents concerned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AwardError {
    /// No verified result and no period given.
    #[error("no verified result: nothing to decide (give verifications, or the period)")]
    NoPeriod,
    /// Results of different periods.
    #[error("{file}: period `{found}` differs from `{expected}` (the period decided); give one period's verifications")]
    PeriodMismatch {
        /// The document.
        file: String,
        /// Its period.
        found: String,
        /// The period decided.
        expected: String,
    },
    /// The previous list is of the period being decided.
    #[error(
        "the previous award list is of period `{period}`, the period being decided; give last period's list"
    )]
    PreviousSamePeriod {
        /// The period.
        period: String,
    },
    /// The previous list is of a period after the one being decided.
    #[error(
        "the previous award list is of period `{previous}`, after `{period}`, the period being decided; give the list of the period before"
    )]
    PreviousLaterPeriod {
        /// The previous list's period.
        previous: String,
        /// The period decided.
        period: String,
    },
    /// Two different verified results for one unit.
    #[error("unit `{unit}` has two different verified results: {first} and {second}; keep one")]
    Duplicate {
        /// Unit id.
        unit: String,
        /// The first document.
        first: String,
        /// The second document.
        second: String,
    },
    /// The previous list names a unit twice.
    #[error("the previous award list names unit `{unit}` twice (units[{first}] and units[{second}])")]
    DuplicateInPrevious {
        /// Unit id.
        unit: String,
        /// Index of the first entry.
        first: usize,
        /// Index of the second entry.
        second: usize,
    },
    /// An exclusion naming a unit neither evaluated nor in the previous list.
    #[error("cannot exclude unit `{unit}`: it has no verified result and is not in the previous award list")]
    UnknownExclusion {
        /// Unit id.
        unit: String,
    },
}

fn reason(code: AwardReasonCode, id: String, en: String) -> AwardReason {
    AwardReason {
        code,
        criterion: None,
        indicator: None,
        actual: None,
        required: None,
        message: Text::bilingual(id, en),
    }
}

fn office_key(u: &Unit) -> (Option<&str>, &str) {
    (u.office.as_deref(), u.id.as_str())
}

/// Whether `previous` may be the baseline of `period`: a list of an earlier
/// period (periods compare as numbers when both are whole numbers, else as
/// text), never of the period itself or a later one.
pub fn check_previous(previous: &AwardList, period: &str) -> Result<(), AwardError> {
    if previous.period == period {
        return Err(AwardError::PreviousSamePeriod {
            period: period.to_owned(),
        });
    }
    // The previous list is last period's: never one of a later period.
    if period_order(&previous.period, period).is_gt() {
        return Err(AwardError::PreviousLaterPeriod {
            previous: previous.period.clone(),
            period: period.to_owned(),
        });
    }
    Ok(())
}

/// Decide the award list of a period.
///
/// Every unit with a verified result is decided `retained`, `gained`, `lost`
/// or `not_awarded` against `previous` (a unit held the predikat when the
/// previous list grants it); every previous holder without a result is
/// `not_evaluated`; an excluded unit is `excluded` with the evaluator's reason.
/// A unit whose kind changed since the previous list is decided as a new unit
/// (its old predikat was for another kind of unit), with a `kind-changed` note.
/// A result made with another instrument than [`AwardOptions::instrument`] is
/// not eligible (`instrument-mismatch`). With [`AwardOptions::rule`], every
/// gate it declares is applied to each evaluated unit
/// ([`crate::evaluate_gates`]): a gate met is a `gate-met` note with its
/// figures, a gate not met a reason that bars the predikat. The same document
/// given twice counts once; two different results for one unit are an error.
///
/// Units are sorted by office (units without one last), then id.
pub fn decide(
    results: &[VerifiedResult],
    previous: Option<&AwardList>,
    options: &AwardOptions,
) -> Result<AwardList, AwardError> {
    let period = match (&options.period, results.first()) {
        (Some(p), _) => p.clone(),
        (None, Some(r)) => r.period.clone(),
        (None, None) => return Err(AwardError::NoPeriod),
    };
    if let Some(prev) = previous {
        check_previous(prev, &period)?;
    }
    let mut by_unit: BTreeMap<&str, &VerifiedResult> = BTreeMap::new();
    for r in results {
        if r.period != period {
            return Err(AwardError::PeriodMismatch {
                file: r.source.file.clone(),
                found: r.period.clone(),
                expected: period,
            });
        }
        if let Some(first) = by_unit.get(r.unit.id.as_str()) {
            if first.source.sha256 != r.source.sha256 {
                return Err(AwardError::Duplicate {
                    unit: r.unit.id.clone(),
                    first: first.source.file.clone(),
                    second: r.source.file.clone(),
                });
            }
            continue;
        }
        by_unit.insert(&r.unit.id, r);
    }
    let mut held: BTreeMap<&str, &AwardEntry> = BTreeMap::new();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, e) in previous.map_or(&[][..], |p| &p.units).iter().enumerate() {
        if let Some(first) = seen.insert(&e.unit.id, i) {
            return Err(AwardError::DuplicateInPrevious {
                unit: e.unit.id.clone(),
                first,
                second: i,
            });
        }
        if e.predikat {
            held.insert(&e.unit.id, e);
        }
    }
    for unit in options.exclusions.keys() {
        if !by_unit.contains_key(unit.as_str()) && !seen.contains_key(unit.as_str()) {
            return Err(AwardError::UnknownExclusion { unit: unit.clone() });
        }
    }

    let mut units = Vec::new();
    for (id, r) in &by_unit {
        units.push(decide_result(r, held.get(id).copied(), options));
    }
    let prev_units = previous.map_or(&[][..], |p| &p.units);
    for e in prev_units {
        if by_unit.contains_key(e.unit.id.as_str()) {
            continue;
        }
        if let Some(why) = options.exclusions.get(&e.unit.id) {
            units.push(excluded(e.unit.clone(), None, None, false, why));
        } else if e.predikat {
            units.push(AwardEntry {
                unit: e.unit.clone(),
                instrument: None,
                total: None,
                eligible: false,
                predikat: false,
                decision: Some(Decision::NotEvaluated),
                reasons: vec![reason(
                    AwardReasonCode::NoVerifiedResult,
                    format!("Tidak ada hasil verifikasi periode {period}; predikat periode sebelumnya tidak diperpanjang."),
                    format!("No verified result for period {period}; the previous predikat is not renewed."),
                )],
                notes: Vec::new(),
                rests_on: Vec::new(),
            });
        }
    }
    units.sort_by(|a, b| match (a.unit.office.is_none(), b.unit.office.is_none()) {
        (x, y) if x != y => x.cmp(&y),
        _ => office_key(&a.unit).cmp(&office_key(&b.unit)),
    });
    let instruments: BTreeSet<InstrumentStamp> = units.iter().filter_map(|u| u.instrument.clone()).collect();
    Ok(AwardList {
        format: AwardsFormat::V1,
        period,
        decree: options.decree.clone(),
        previous_period: previous.map(|p| p.period.clone()),
        instruments: instruments.into_iter().collect(),
        units,
    })
}

fn excluded(
    unit: Unit,
    instrument: Option<InstrumentStamp>,
    total: Option<Decimal>,
    eligible: bool,
    why: &str,
) -> AwardEntry {
    AwardEntry {
        unit,
        instrument,
        total,
        eligible,
        predikat: false,
        decision: Some(Decision::Excluded),
        reasons: vec![reason(
            AwardReasonCode::Excluded,
            format!("Dikeluarkan oleh evaluator: {why}"),
            format!("Excluded by the evaluator: {why}"),
        )],
        notes: Vec::new(),
        rests_on: Vec::new(),
    }
}

fn decide_result(r: &VerifiedResult, previous: Option<&AwardEntry>, options: &AwardOptions) -> AwardEntry {
    let mut reasons = r.reasons.clone();
    let mut eligible = r.eligible;
    if let Some(req) = &options.instrument {
        if !req.matches(&r.instrument) {
            eligible = false;
            reasons.push(reason(
                AwardReasonCode::InstrumentMismatch,
                format!(
                    "Diverifikasi dengan instrumen {} {}, periode ini mensyaratkan {}.",
                    r.instrument.id,
                    r.instrument.version,
                    req.describe()
                ),
                format!(
                    "Verified with instrument {} {}; this period requires {}.",
                    r.instrument.id,
                    r.instrument.version,
                    req.describe()
                ),
            ));
        }
    }
    let mut notes = Vec::new();
    if let Some(rule) = &options.rule {
        for g in crate::evaluate_gates(rule, r.total, options.components.get(&r.unit.id)) {
            if g.met {
                notes.push(g.reason);
            } else {
                eligible = false;
                reasons.push(g.reason);
            }
        }
    }
    let mut had = previous.is_some();
    if let Some(prev) = previous {
        if prev.unit.kind != r.unit.kind {
            had = false;
            notes.push(reason(
                AwardReasonCode::KindChanged,
                format!(
                    "Jenis unit berubah dari {} menjadi {}: predikat sebelumnya untuk jenis lain, unit dinilai sebagai unit baru.",
                    prev.unit.kind, r.unit.kind
                ),
                format!(
                    "The unit's kind changed from {} to {}: the previous predikat was for another kind, so the unit is decided as a new one.",
                    prev.unit.kind, r.unit.kind
                ),
            ));
        }
        if let Some(pi) = &prev.instrument {
            if pi.id != r.instrument.id || pi.version != r.instrument.version {
                notes.push(reason(
                    AwardReasonCode::InstrumentChanged,
                    format!(
                        "Instrumen berubah dari {} {} menjadi {} {}: nilai tidak dapat dibandingkan langsung.",
                        pi.id, pi.version, r.instrument.id, r.instrument.version
                    ),
                    format!(
                        "The instrument changed from {} {} to {} {}: totals are not directly comparable.",
                        pi.id, pi.version, r.instrument.id, r.instrument.version
                    ),
                ));
            }
        }
    }
    if let Some(why) = options.exclusions.get(&r.unit.id) {
        let mut e = excluded(r.unit.clone(), Some(r.instrument.clone()), r.total, eligible, why);
        e.notes = notes;
        e.rests_on = vec![r.source.clone()];
        return e;
    }
    let decision = match (had, eligible) {
        (true, true) => Decision::Retained,
        (false, true) => Decision::Gained,
        (true, false) => Decision::Lost,
        (false, false) => Decision::NotAwarded,
    };
    if eligible {
        reasons.clear();
    }
    AwardEntry {
        unit: r.unit.clone(),
        instrument: Some(r.instrument.clone()),
        total: r.total,
        eligible,
        predikat: eligible,
        decision: Some(decision),
        reasons,
        notes,
        rests_on: vec![r.source.clone()],
    }
}

/// Counts of each decision.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DecisionCounts {
    /// Units listed.
    pub units: u64,
    /// Units holding the predikat.
    pub predikat: u64,
    /// `retained`.
    pub retained: u64,
    /// `gained`.
    pub gained: u64,
    /// `lost`.
    pub lost: u64,
    /// `not_awarded`.
    pub not_awarded: u64,
    /// `not_evaluated`.
    pub not_evaluated: u64,
    /// `excluded`.
    pub excluded: u64,
    /// Entries without a decision (a list transcribed from a decree).
    pub undecided: u64,
}

impl DecisionCounts {
    fn add(&mut self, e: &AwardEntry) {
        self.units += 1;
        self.predikat += u64::from(e.predikat);
        let slot = match e.decision {
            Some(Decision::Retained) => &mut self.retained,
            Some(Decision::Gained) => &mut self.gained,
            Some(Decision::Lost) => &mut self.lost,
            Some(Decision::NotAwarded) => &mut self.not_awarded,
            Some(Decision::NotEvaluated) => &mut self.not_evaluated,
            Some(Decision::Excluded) => &mut self.excluded,
            None => &mut self.undecided,
        };
        *slot += 1;
    }

    /// The count of one decision.
    pub fn get(&self, d: Decision) -> u64 {
        match d {
            Decision::Retained => self.retained,
            Decision::Gained => self.gained,
            Decision::Lost => self.lost,
            Decision::NotAwarded => self.not_awarded,
            Decision::NotEvaluated => self.not_evaluated,
            Decision::Excluded => self.excluded,
        }
    }
}

/// The summary of an award list: counts per decision, nationally, per office
/// (Kanwil) and per unit kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AwardSummary {
    /// Over every unit.
    pub total: DecisionCounts,
    /// Per office, by name; units without an office under `null`, last.
    pub offices: Vec<(Option<String>, DecisionCounts)>,
    /// Per unit kind, by kind.
    pub kinds: Vec<(String, DecisionCounts)>,
}

/// Count the decisions of a list.
pub fn summarize(list: &AwardList) -> AwardSummary {
    let mut total = DecisionCounts::default();
    let mut offices: BTreeMap<(bool, Option<String>), DecisionCounts> = BTreeMap::new();
    let mut kinds: BTreeMap<String, DecisionCounts> = BTreeMap::new();
    for e in &list.units {
        total.add(e);
        offices
            .entry((e.unit.office.is_none(), e.unit.office.clone()))
            .or_default()
            .add(e);
        kinds.entry(e.unit.kind.clone()).or_default().add(e);
    }
    AwardSummary {
        total,
        offices: offices.into_iter().map(|((_, o), c)| (o, c)).collect(),
        kinds: kinds.into_iter().collect(),
    }
}

/// The order of two periods: as numbers when both are whole numbers (`2023`,
/// `2024`), else as text, so `2023` < `2024` and `2023-S1` < `2023-S2`.
fn period_order(a: &str, b: &str) -> std::cmp::Ordering {
    let number = |s: &str| {
        let t = s.trim();
        (!t.is_empty() && t.len() <= 18 && t.bytes().all(|c| c.is_ascii_digit()))
            .then(|| t.parse::<u64>().ok())
            .flatten()
    };
    match (number(a), number(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => a.cmp(b),
    }
}
