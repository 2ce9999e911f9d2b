//! The instrument: the catalogue of criteria and indicators a unit is judged against.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::{EvidenceRequirement, Principle, Text, UnsupportedClaims, VulnerableGroup};

/// The `format` tag of an instrument document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum InstrumentFormat {
    /// Format version 1.
    #[default]
    #[serde(rename = "p2ham-instrument/1")]
    V1,
}

/// An instrument (`"format": "p2ham-instrument/1"`): one regulation, one version.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", schemars(title = "P2HAM instrument"))]
pub struct Instrument {
    /// Always `p2ham-instrument/1`.
    pub format: InstrumentFormat,
    /// Stable identifier, e.g. `p2ham-2022`.
    pub id: String,
    /// Version of this instrument, e.g. `1.0.0`.
    pub version: String,
    /// Title shown to people.
    pub title: Text,
    /// The regulations this instrument implements.
    #[serde(default)]
    pub legal_basis: Vec<String>,
    /// Free notes; must state where weights and thresholds are project defaults.
    #[serde(default)]
    pub notes: String,
    /// The kinds of unit (e.g. `lapas`, `kanim`) the instrument is for.
    pub unit_kinds: Vec<String>,
    /// The answer scales indicators refer to.
    pub scales: Vec<Scale>,
    /// The criteria, each with its indicators.
    pub criteria: Vec<Criterion>,
    /// The award rule.
    pub award: AwardRule,
    /// How a positive answer lacking required evidence counts (default `zero`).
    #[serde(default, skip_serializing_if = "is_default_claims")]
    pub unsupported_claims: UnsupportedClaims,
}

#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_default_claims(c: &UnsupportedClaims) -> bool {
    *c == UnsupportedClaims::Zero
}

/// An answer scale: the options an indicator may be answered with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Scale {
    /// Identifier indicators refer to, e.g. `ada-proses-tidak`.
    pub id: String,
    /// The options, each with its value in [0, 1].
    pub options: Vec<ScaleOption>,
}

impl Scale {
    /// The option with this code.
    pub fn option(&self, code: &str) -> Option<&ScaleOption> {
        self.options.iter().find(|o| o.code == code)
    }
}

/// One option of a scale.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ScaleOption {
    /// Code used in answers, e.g. `ada`.
    pub code: String,
    /// Label shown to people, e.g. "Ada".
    pub label: Text,
    /// Value in [0, 1]: the share of the indicator's weight this answer earns.
    #[serde(deserialize_with = "crate::decimal::exact")]
    pub value: Decimal,
}

/// A criterion (kriteria): a weighted group of indicators.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// Identifier, e.g. `A`.
    pub id: String,
    /// Title shown to people.
    pub title: Text,
    /// Weight of the criterion in the total (normalised over criteria with data).
    #[serde(deserialize_with = "crate::decimal::exact")]
    pub weight: Decimal,
    /// The indicators of this criterion.
    pub indicators: Vec<Indicator>,
}

/// An indicator: one checklist item.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// Identifier, unique in the instrument, e.g. `A.01`.
    pub id: String,
    /// Title shown to people.
    pub title: Text,
    /// The id of the scale answers use.
    pub scale: String,
    /// Weight within its criterion (normalised over included indicators).
    #[serde(deserialize_with = "crate::decimal::exact")]
    pub weight: Decimal,
    /// Unit kinds the indicator applies to; empty means all of the instrument's.
    #[serde(default)]
    pub applies_to: Vec<String>,
    /// Principles of UU 25/2009 Pasal 4 the indicator serves.
    #[serde(default)]
    pub principles: Vec<Principle>,
    /// Vulnerable groups the indicator serves.
    #[serde(default)]
    pub groups: Vec<VulnerableGroup>,
    /// Whether evidence must support a positive answer.
    #[serde(default)]
    pub evidence: EvidenceRequirement,
    /// The indicator must be fully met (value 1) for the award.
    #[serde(default)]
    pub mandatory: bool,
}

impl Indicator {
    /// Whether the indicator applies to a unit of this kind.
    pub fn applies_to_kind(&self, kind: &str) -> bool {
        self.applies_to.is_empty() || self.applies_to.iter().any(|k| k == kind)
    }
}

/// The award rule (syarat predikat).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AwardRule {
    /// The total (0–100, rounded to 2 decimals) must be at least this.
    #[serde(deserialize_with = "crate::decimal::exact")]
    pub min_total: Decimal,
    /// When set, every criterion with data must score at least this.
    #[serde(default, deserialize_with = "crate::decimal::exact_option")]
    pub min_criterion: Option<Decimal>,
}

impl Instrument {
    /// The scale with this id.
    pub fn scale(&self, id: &str) -> Option<&Scale> {
        self.scales.iter().find(|s| s.id == id)
    }

    /// Every indicator with its criterion, in document order.
    pub fn indicators(&self) -> impl Iterator<Item = (&Criterion, &Indicator)> {
        self.criteria
            .iter()
            .flat_map(|c| c.indicators.iter().map(move |i| (c, i)))
    }
}
