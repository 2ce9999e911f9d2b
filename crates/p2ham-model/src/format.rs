//! The `format` ids of every P2HAM document and report, in one place. A
//! document names its format in its `format` field; the number after the `/`
//! changes only when a reader of the old format could no longer read the new.

/// An instrument: criteria, indicators, scales and the award rule.
pub const INSTRUMENT: &str = "p2ham-instrument/1";
/// An assessment: a unit's self-assessment or the verification of it.
pub const ASSESSMENT: &str = "p2ham-assessment/1";
/// An award list: who holds the predikat after one period.
pub const AWARDS: &str = "p2ham-awards/1";
/// A period's award rule over the evaluation's other evidence (IKM, Zona Integritas, complaints).
pub const AWARD_RULE: &str = "p2ham-award-rule/1";
/// The figures of the evaluation's other evidence, per unit, for one period.
pub const AWARD_COMPONENTS: &str = "p2ham-award-components/1";
/// The evidence manifest and the evidence check.
pub const EVIDENCE: &str = "p2ham-evidence/1";
/// The checklist workbook (its metadata sheet names this format).
pub const CHECKLIST: &str = "p2ham-checklist/1";
/// The seal of a verification (the signed manifest).
pub const SEAL: &str = "p2ham-seal/1";
/// A signed checkpoint of the application's audit log (its length and head digest).
pub const AUDIT_CHECKPOINT: &str = "p2ham-audit-checkpoint/1";
/// The validation report.
pub const VALIDATION: &str = "p2ham-validation/1";
/// The score report.
pub const SCORE: &str = "p2ham-score/1";
/// The comparison of a self-assessment with its verification.
pub const COMPARE: &str = "p2ham-compare/1";
/// The roll-up of many assessments.
pub const ROLLUP: &str = "p2ham-rollup/1";
/// The history of award lists over periods.
pub const HISTORY: &str = "p2ham-history/1";
/// The public-satisfaction survey (SKM) report.
pub const SKM: &str = "p2ham-skm/1";
/// The difference between two instruments.
pub const INSTRUMENT_DIFF: &str = "p2ham-instrument-diff/1";
/// The scoring model a score report names (not a document format).
pub const WEIGHTED_MODEL: &str = "p2ham-weighted/1";

/// Every id above, for tests and documentation.
pub const ALL: &[&str] = &[
    INSTRUMENT,
    ASSESSMENT,
    AWARDS,
    AWARD_RULE,
    AWARD_COMPONENTS,
    EVIDENCE,
    CHECKLIST,
    SEAL,
    AUDIT_CHECKPOINT,
    VALIDATION,
    SCORE,
    COMPARE,
    ROLLUP,
    HISTORY,
    SKM,
    WEIGHTED_MODEL,
    INSTRUMENT_DIFF,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AssessmentFormat, AwardComponentsFormat, AwardRuleFormat, AwardsFormat, InstrumentFormat};

    #[test]
    fn the_serde_tags_are_the_constants() {
        // Serde attributes need literals: they are checked against the constants here.
        assert_eq!(serde_json::to_value(InstrumentFormat::V1).unwrap(), INSTRUMENT);
        assert_eq!(serde_json::to_value(AssessmentFormat::V1).unwrap(), ASSESSMENT);
        assert_eq!(serde_json::to_value(AwardsFormat::V1).unwrap(), AWARDS);
        assert_eq!(serde_json::to_value(AwardRuleFormat::V1).unwrap(), AWARD_RULE);
        assert_eq!(
            serde_json::to_value(AwardComponentsFormat::V1).unwrap(),
            AWARD_COMPONENTS
        );
    }

    #[test]
    fn ids_are_unique_and_versioned() {
        let mut seen = std::collections::HashSet::new();
        for id in ALL {
            assert!(seen.insert(id), "{id} twice");
            let (name, version) = id.split_once('/').unwrap();
            assert!(name.starts_with("p2ham-"), "{id}");
            assert!(version.parse::<u32>().is_ok(), "{id}");
        }
    }
}
