//! The assessment: one unit, one period, one stage.

use serde::{Deserialize, Serialize};

use crate::Stage;

/// The `format` tag of an assessment document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum AssessmentFormat {
    /// Format version 1.
    #[default]
    #[serde(rename = "p2ham-assessment/1")]
    V1,
}

/// An assessment (`"format": "p2ham-assessment/1"`): a unit's self-assessment or
/// the regional team's verification of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", schemars(title = "P2HAM assessment"))]
pub struct Assessment {
    /// Always `p2ham-assessment/1`.
    pub format: AssessmentFormat,
    /// The instrument answered.
    pub instrument: InstrumentRef,
    /// The unit assessed.
    pub unit: Unit,
    /// The evaluation period, e.g. `2023`.
    pub period: String,
    /// `self` or `verification`.
    pub stage: Stage,
    /// For a verification: `sha256:<hex>` digest of the self-assessment file it checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(pattern(crate::SHA256_REF_PATTERN)))]
    pub verifies: Option<String>,
    /// Date of the assessment, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(extend("format" = "date")))]
    pub assessed_on: Option<String>,
    /// The people who made the assessment.
    #[serde(default)]
    pub assessors: Vec<Assessor>,
    /// One answer per indicator at most.
    pub answers: Vec<Answer>,
}

impl Assessment {
    /// The answer for an indicator, if any.
    pub fn answer(&self, indicator: &str) -> Option<&Answer> {
        self.answers.iter().find(|a| a.indicator == indicator)
    }
}

/// A reference to an instrument by id and version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct InstrumentRef {
    /// The instrument's id.
    pub id: String,
    /// The instrument's version.
    pub version: String,
}

/// A service unit (UPT / satker).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Unit {
    /// Stable identifier, e.g. `kanim-sampit`: lowercase letters a–z, digits,
    /// `.`, `_` and `-`, starting with a letter or digit
    /// ([`UNIT_ID_PATTERN`](crate::UNIT_ID_PATTERN)), so two ids that differ only
    /// by case, spaces or look-alike characters cannot name one unit twice.
    #[cfg_attr(feature = "schema", schemars(pattern(crate::UNIT_ID_PATTERN)))]
    pub id: String,
    /// Official name.
    pub name: String,
    /// Kind of unit, one of the instrument's `unit_kinds`.
    pub kind: String,
    /// The supervising office (Kanwil), used by the roll-up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office: Option<String>,
}

/// A person who took part in the assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Assessor {
    /// Name.
    pub name: String,
    /// Role, e.g. `operator` or `verifikator`.
    pub role: String,
}

/// The answer to one indicator: a `value` or a `not_applicable` justification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// The indicator answered.
    pub indicator: String,
    /// An option code of the indicator's scale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Why the indicator does not apply (non-empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_applicable: Option<String>,
    /// Supporting evidence (data dukung).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<EvidenceRef>,
    /// Free note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A reference to one evidence file (photo, document).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EvidenceRef {
    /// Path relative to the evidence root, with `/` separators.
    pub path: String,
    /// Lowercase hex SHA-256 of the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(pattern(crate::SHA256_PATTERN)))]
    pub sha256: Option<String>,
    /// What the evidence shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}
