//! The score report (`"format": "p2ham-score/1"`): every figure with how it was earned.

use p2ham_model::{Decimal, Principle, Stage, Text, Unit, VulnerableGroup};
use serde::{Deserialize, Serialize};

/// The name of the scoring model every result names.
pub const MODEL: &str = p2ham_model::format::WEIGHTED_MODEL;

/// Digests that tie a result to the exact documents it was computed from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Digests {
    /// Lowercase hex SHA-256 of the instrument document.
    pub instrument: String,
    /// Lowercase hex SHA-256 of the assessment document.
    pub assessment: String,
}

/// The explained result of scoring one assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", schemars(title = "P2HAM score report"))]
pub struct ScoreReport {
    /// Always `p2ham-score/1`.
    pub format: String,
    /// The scoring model, `p2ham-weighted/1`.
    pub model: String,
    /// The instrument scored against.
    pub instrument: InstrumentIdentity,
    /// The assessment scored.
    pub assessment: AssessmentInfo,
    /// Total score 0–100, rounded to 2 decimals; `null` when no criterion has data.
    pub total: Option<Decimal>,
    /// The unrounded total (20 decimals at most), for auditors; `null` when no data.
    pub total_exact: Option<Decimal>,
    /// The maximum total, always 100.
    pub max: Decimal,
    /// Counts of indicator statuses over the whole assessment.
    pub counts: StatusCounts,
    /// Per criterion, in instrument order.
    pub criteria: Vec<CriterionResult>,
    /// The award decision.
    pub award: Award,
    /// Score per principle of UU 25/2009 Pasal 4, in the order of the law.
    pub principles: Vec<Breakdown<Principle>>,
    /// Score and coverage per vulnerable group.
    pub groups: Vec<Breakdown<VulnerableGroup>>,
    /// Every included indicator not fully met, by the points it would add (most first).
    pub gaps: Vec<Gap>,
}

/// Identification of the instrument.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct InstrumentIdentity {
    /// Instrument id.
    pub id: String,
    /// Instrument version.
    pub version: String,
    /// Title.
    pub title: Text,
    /// Legal basis.
    pub legal_basis: Vec<String>,
    /// Lowercase hex SHA-256 of the instrument document.
    #[cfg_attr(feature = "schema", schemars(pattern(p2ham_model::SHA256_PATTERN)))]
    pub sha256: String,
}

/// Identification of the assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AssessmentInfo {
    /// The unit.
    pub unit: Unit,
    /// The period.
    pub period: String,
    /// The stage.
    pub stage: Stage,
    /// The date of the assessment.
    #[cfg_attr(feature = "schema", schemars(extend("format" = "date")))]
    pub assessed_on: Option<String>,
    /// Lowercase hex SHA-256 of the assessment document.
    #[cfg_attr(feature = "schema", schemars(pattern(p2ham_model::SHA256_PATTERN)))]
    pub sha256: String,
}

/// How an indicator fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum IndicatorStatus {
    /// Value 1: fully met.
    Met,
    /// Value strictly between 0 and 1.
    Partial,
    /// Value 0.
    Unmet,
    /// Not answered: earns 0.
    Missing,
    /// A positive answer lacking required evidence.
    Unsupported,
    /// Out of numerator and denominator (see `excluded`).
    Excluded,
}

impl IndicatorStatus {
    /// The status as written in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            IndicatorStatus::Met => "met",
            IndicatorStatus::Partial => "partial",
            IndicatorStatus::Unmet => "unmet",
            IndicatorStatus::Missing => "missing",
            IndicatorStatus::Unsupported => "unsupported",
            IndicatorStatus::Excluded => "excluded",
        }
    }
}

/// Why an indicator is excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// Its `applies_to` leaves out the unit's kind.
    UnitKind,
    /// The assessment answers it `not_applicable`.
    NotApplicable,
}

/// Counts of each status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StatusCounts {
    /// Fully met.
    pub met: u32,
    /// Partly met.
    pub partial: u32,
    /// Not met.
    pub unmet: u32,
    /// Not answered.
    pub missing: u32,
    /// Claimed without required evidence.
    pub unsupported: u32,
    /// Excluded.
    pub excluded: u32,
}

impl StatusCounts {
    /// Count one more of `status`.
    pub fn add(&mut self, status: IndicatorStatus) {
        let slot = match status {
            IndicatorStatus::Met => &mut self.met,
            IndicatorStatus::Partial => &mut self.partial,
            IndicatorStatus::Unmet => &mut self.unmet,
            IndicatorStatus::Missing => &mut self.missing,
            IndicatorStatus::Unsupported => &mut self.unsupported,
            IndicatorStatus::Excluded => &mut self.excluded,
        };
        *slot += 1;
    }

    /// Add all counts of another.
    pub fn merge(&mut self, other: &StatusCounts) {
        self.met += other.met;
        self.partial += other.partial;
        self.unmet += other.unmet;
        self.missing += other.missing;
        self.unsupported += other.unsupported;
        self.excluded += other.excluded;
    }
}

/// The result of one criterion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CriterionResult {
    /// Criterion id.
    pub id: String,
    /// Title.
    pub title: Text,
    /// The criterion's weight as written in the instrument.
    pub weight: Decimal,
    /// Share of the total this criterion carries, in percent (0 when it has no data).
    pub share: Decimal,
    /// Score 0–100 rounded to 2 decimals; `null` when no indicator is included.
    pub score: Option<Decimal>,
    /// The unrounded score; `null` when no data.
    pub score_exact: Option<Decimal>,
    /// The maximum score, always 100.
    pub max: Decimal,
    /// Σ value × weight over included indicators.
    pub earned: Decimal,
    /// Σ weight over included indicators.
    pub possible: Decimal,
    /// Counts of indicator statuses.
    pub counts: StatusCounts,
    /// Every indicator of the criterion, in instrument order.
    pub indicators: Vec<IndicatorResult>,
}

/// How one indicator earned or lost its points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct IndicatorResult {
    /// Indicator id.
    pub id: String,
    /// Title.
    pub title: Text,
    /// The option code answered; `null` when unanswered or not applicable.
    pub answer: Option<String>,
    /// The option's label.
    pub answer_label: Option<Text>,
    /// The option's value in [0, 1]; `null` when unanswered or not applicable.
    pub value: Option<Decimal>,
    /// The indicator's weight within its criterion.
    pub weight: Decimal,
    /// value × weight as counted (0 for missing and, by default, unsupported).
    pub earned: Decimal,
    /// The weight when included, else 0.
    pub possible: Decimal,
    /// Points of the total (0–100) this indicator could carry, rounded to 4 decimals.
    pub total_points_possible: Decimal,
    /// Points of the total it earned, rounded to 4 decimals.
    pub total_points_earned: Decimal,
    /// The status.
    pub status: IndicatorStatus,
    /// Why it is excluded, when it is.
    pub excluded: Option<Exclusion>,
    /// The `not_applicable` justification, when given.
    pub justification: Option<String>,
    /// Number of evidence files attached.
    pub evidence: u32,
    /// Whether evidence is required for a positive answer.
    pub evidence_required: bool,
    /// Whether the indicator must be fully met for the award.
    pub mandatory: bool,
    /// The answer's note.
    pub note: Option<String>,
}

/// The award decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Award {
    /// Whether the unit is eligible for the predikat.
    pub eligible: bool,
    /// The pass mark the total is compared with.
    pub min_total: Decimal,
    /// The minimum every criterion must reach, when set.
    pub min_criterion: Option<Decimal>,
    /// Every reason the unit is not eligible (empty when eligible).
    pub reasons: Vec<Reason>,
}

/// Why a unit is not eligible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ReasonCode {
    /// No criterion has data: there is no total.
    NoData,
    /// The total is below the pass mark.
    TotalBelowPassMark,
    /// A criterion is below the criterion minimum.
    CriterionBelowMinimum,
    /// A mandatory indicator is not fully met.
    MandatoryNotMet,
    /// A mandatory indicator that applies to the unit was answered "not
    /// applicable": it is left out of the figures but not met for the award.
    MandatoryNotApplicable,
}

/// One reason a unit is not eligible.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Reason {
    /// Stable code.
    pub code: ReasonCode,
    /// The criterion concerned.
    pub criterion: Option<String>,
    /// The indicator concerned.
    pub indicator: Option<String>,
    /// The figure reached (rounded score, or the indicator's value).
    pub actual: Option<Decimal>,
    /// The figure required.
    pub required: Option<Decimal>,
    /// The reason in words.
    pub message: Text,
}

/// Score of the indicators serving one principle or one vulnerable group,
/// weighted by their points in the total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Breakdown<K> {
    /// The principle or group.
    pub id: K,
    /// Its name.
    pub label: Text,
    /// Score 0–100 over its included indicators; `null` when none is included.
    pub score: Option<Decimal>,
    /// Points of the total these indicators carry (rounded to 2 decimals).
    pub points_possible: Decimal,
    /// Points of the total they earned (rounded to 2 decimals).
    pub points_earned: Decimal,
    /// Included indicators that are fully met.
    pub met: Vec<String>,
    /// Included indicators that are not fully met.
    pub not_met: Vec<String>,
    /// Whether every included indicator is met (`false` when none is included).
    pub all_met: bool,
}

/// One entry of the gap list (rencana tindak lanjut).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Gap {
    /// Indicator id.
    pub indicator: String,
    /// Criterion id.
    pub criterion: String,
    /// Title.
    pub title: Text,
    /// Current status.
    pub status: IndicatorStatus,
    /// The value counted now (0 for missing or unsupported).
    pub value: Decimal,
    /// Points of the total it would add if fully met (rounded to 2 decimals).
    pub gain: Decimal,
    /// Whether the award requires it.
    pub mandatory: bool,
    /// The vulnerable groups it serves.
    pub groups: Vec<VulnerableGroup>,
}
