//! The award list (`"format": "p2ham-awards/1"`): who holds the P2HAM predikat
//! after one period's evaluation, why, and on which verified documents the
//! decision rests. Each period's list is the baseline of the next.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::{Text, Unit};

/// The `format` tag of an award list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum AwardsFormat {
    /// Format version 1.
    #[default]
    #[serde(rename = "p2ham-awards/1")]
    V1,
}

/// An award list (`"format": "p2ham-awards/1"`): one period, every unit
/// decided, with its reasons and the digests of what the decision rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", schemars(title = "P2HAM award list"))]
pub struct AwardList {
    /// Always `p2ham-awards/1`.
    pub format: AwardsFormat,
    /// The evaluation period, e.g. `2023`.
    pub period: String,
    /// The decree that grants the predikat, once issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decree: Option<Decree>,
    /// The period of the award list this one was decided against, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_period: Option<String>,
    /// Every instrument the units were evaluated with, sorted by id and version.
    #[serde(default)]
    pub instruments: Vec<InstrumentStamp>,
    /// One entry per unit, sorted by office, then unit id.
    pub units: Vec<AwardEntry>,
}

impl AwardList {
    /// The entry of a unit, if listed.
    pub fn unit(&self, id: &str) -> Option<&AwardEntry> {
        self.units.iter().find(|u| u.unit.id == id)
    }
}

/// The decree (Keputusan Menteri) that grants the predikat. Free text: the
/// issuing ministry's name changes over the years.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Decree {
    /// The decree's number, e.g. `M.HH-12.HA.01.02 Tahun 2022`.
    pub number: String,
    /// Its date, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(extend("format" = "date")))]
    pub date: Option<String>,
    /// Who issued it, as the decree names the office.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
}

/// An instrument by id, version and the SHA-256 of its document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct InstrumentStamp {
    /// Instrument id.
    pub id: String,
    /// Instrument version.
    pub version: String,
    /// Lowercase hex SHA-256 of the instrument document (empty when unknown,
    /// e.g. in a list transcribed from a decree).
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(pattern(crate::SHA256_OR_EMPTY_PATTERN)))]
    pub sha256: String,
}

/// The outcome for one unit, relative to the previous award list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Held the predikat and is eligible again (mempertahankan).
    Retained,
    /// Did not hold it and is eligible now (memperoleh).
    Gained,
    /// Held it and is not eligible now; every reason is listed.
    Lost,
    /// Did not hold it and is not eligible.
    NotAwarded,
    /// Held it, and has no verified result this period.
    NotEvaluated,
    /// Struck off by the evaluator, with the recorded reason.
    Excluded,
}

impl Decision {
    /// Every decision, in the order reports list them.
    pub const ALL: [Decision; 6] = [
        Decision::Retained,
        Decision::Gained,
        Decision::Lost,
        Decision::NotAwarded,
        Decision::NotEvaluated,
        Decision::Excluded,
    ];

    /// The decision as written in documents, e.g. `not_awarded`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Retained => "retained",
            Decision::Gained => "gained",
            Decision::Lost => "lost",
            Decision::NotAwarded => "not_awarded",
            Decision::NotEvaluated => "not_evaluated",
            Decision::Excluded => "excluded",
        }
    }

    /// Whether the unit holds the predikat after this decision.
    pub fn grants(self) -> bool {
        matches!(self, Decision::Retained | Decision::Gained)
    }
}

/// One unit of an award list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AwardEntry {
    /// The unit: id, name, kind and office (Kanwil) as the annex lists them.
    pub unit: Unit,
    /// The instrument of the verified result; `null` without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instrument: Option<InstrumentStamp>,
    /// The verified total 0–100 (2 decimals); `null` without a verified result or without data.
    #[serde(default, deserialize_with = "crate::decimal::exact_option")]
    pub total: Option<Decimal>,
    /// Whether the verified result meets the award rule.
    pub eligible: bool,
    /// Whether the unit holds the predikat after this period.
    pub predikat: bool,
    /// The outcome relative to the previous list; `null` in a list transcribed from a decree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    /// Every reason the unit does not hold the predikat, or why it was not evaluated or excluded.
    #[serde(default)]
    pub reasons: Vec<AwardReason>,
    /// Facts the evaluator should see that do not bar the predikat, e.g. a
    /// changed unit kind or instrument since the previous list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<AwardReason>,
    /// The documents the decision rests on.
    #[serde(default)]
    pub rests_on: Vec<DocumentRef>,
}

/// A document an award decision rests on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DocumentRef {
    /// The file as given (`-` for standard input), with `:LINE` for an NDJSON record.
    pub file: String,
    /// Lowercase hex SHA-256 of the document (of the record, for NDJSON).
    #[cfg_attr(feature = "schema", schemars(pattern(crate::SHA256_PATTERN)))]
    pub sha256: String,
    /// For a verification: the `verifies` digest it names (`sha256:<hex>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(pattern(crate::SHA256_REF_PATTERN)))]
    pub verifies: Option<String>,
}

/// Why a unit does not hold the predikat (or was not evaluated, or excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum AwardReasonCode {
    /// No criterion has data: there is no total.
    NoData,
    /// The total is below the pass mark.
    TotalBelowPassMark,
    /// A criterion is below the criterion minimum.
    CriterionBelowMinimum,
    /// A mandatory indicator is not fully met.
    MandatoryNotMet,
    /// A mandatory indicator that applies was answered "not applicable".
    MandatoryNotApplicable,
    /// Not eligible per a roll-up, which does not carry the reasons.
    NotEligible,
    /// No verified result this period.
    NoVerifiedResult,
    /// Struck off by the evaluator.
    Excluded,
    /// The unit's kind differs from the previous list's.
    KindChanged,
    /// The verification was made with another instrument than the one required.
    InstrumentMismatch,
    /// The instrument differs from the previous list's: figures are not comparable.
    InstrumentChanged,
    /// A gate of the period's award rule needs a figure not recorded for the unit.
    ComponentMissing,
    /// The IKM's band is below the one the period's award rule requires.
    IkmBelowMinimum,
    /// The Zona Integritas status is below the one the period's award rule requires.
    ZonaIntegritasBelowMinimum,
    /// More unresolved Ombudsman findings than the period's award rule allows.
    OmbudsmanUnresolved,
    /// More unresolved e-Lapor complaints than the period's award rule allows.
    ElaporUnresolved,
    /// The weighted composite of the P2HAM total and the IKM is below its minimum.
    CompositeBelowMinimum,
    /// A gate of the period's award rule the unit meets, with its figures (a note).
    GateMet,
}

impl AwardReasonCode {
    /// The code as written in documents, e.g. `total-below-pass-mark`.
    pub fn as_str(self) -> &'static str {
        match self {
            AwardReasonCode::NoData => "no-data",
            AwardReasonCode::TotalBelowPassMark => "total-below-pass-mark",
            AwardReasonCode::CriterionBelowMinimum => "criterion-below-minimum",
            AwardReasonCode::MandatoryNotMet => "mandatory-not-met",
            AwardReasonCode::MandatoryNotApplicable => "mandatory-not-applicable",
            AwardReasonCode::NotEligible => "not-eligible",
            AwardReasonCode::NoVerifiedResult => "no-verified-result",
            AwardReasonCode::Excluded => "excluded",
            AwardReasonCode::KindChanged => "kind-changed",
            AwardReasonCode::InstrumentMismatch => "instrument-mismatch",
            AwardReasonCode::InstrumentChanged => "instrument-changed",
            AwardReasonCode::ComponentMissing => "component-missing",
            AwardReasonCode::IkmBelowMinimum => "ikm-below-minimum",
            AwardReasonCode::ZonaIntegritasBelowMinimum => "zona-integritas-below-minimum",
            AwardReasonCode::OmbudsmanUnresolved => "ombudsman-unresolved",
            AwardReasonCode::ElaporUnresolved => "elapor-unresolved",
            AwardReasonCode::CompositeBelowMinimum => "composite-below-minimum",
            AwardReasonCode::GateMet => "gate-met",
        }
    }
}

/// One reason, with the figures concerned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AwardReason {
    /// Stable code.
    pub code: AwardReasonCode,
    /// The criterion concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criterion: Option<String>,
    /// The indicator concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    /// The figure reached.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::decimal::exact_option"
    )]
    pub actual: Option<Decimal>,
    /// The figure required.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::decimal::exact_option"
    )]
    pub required: Option<Decimal>,
    /// The reason in words.
    pub message: Text,
}
