//! Self-assessment versus verification (`"format": "p2ham-compare/1"`).
//!
//! Both documents are scored with [`score`](crate::score) against the same
//! instrument; the comparison then lines up every indicator that applies to
//! the unit's kind and names the kind of each difference. Nothing about the
//! score itself is computed here except the exact points each indicator
//! carries in the total, which the score report exposes only rounded.
//!
//! **Points and the score lost to overclaims.** An indicator's *points* are its
//! share of the total (0–100): `criterion share × 100 × weight / Σ included
//! weight × counted value`, the unrounded form of
//! [`IndicatorResult::total_points_earned`](crate::IndicatorResult). The total is
//! exactly the sum of all indicators' points, so `self total − verified total`
//! splits exactly into per-indicator differences `self points − verified points`.
//! [`ComparisonReport::score_lost_to_overclaims`] is the sum of those differences
//! over the indicators classified [`DiscrepancyKind::Overclaim`], computed
//! exactly and rounded once to 2 decimals. [`PointsByKind`] gives the same sum
//! for every kind, plus `reweighting`: points that moved on indicators both
//! sides agree on, because the included weight of their criterion (or the set
//! of criteria with data) differs between the two documents.

use std::collections::HashMap;

use p2ham_model::{Answer, Assessment, Assessor, CheckedInstrument, Decimal, Stage, Text, Unit};
use serde::{Deserialize, Serialize};

use crate::ratio::Ratio;
use crate::report::{Award, Digests, Gap, IndicatorStatus, InstrumentIdentity, ScoreReport, MODEL};
use crate::score::earned_points;
use crate::{score, ScoringError};

/// The `format` of a comparison report.
pub const COMPARE_FORMAT: &str = p2ham_model::format::COMPARE;

/// What `answer` says in a comparison for an indicator answered not applicable.
pub const NOT_APPLICABLE: &str = "N/A";

/// Digests of the three documents a comparison is computed from (lowercase hex
/// SHA-256; empty when unknown).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ComparisonDigests {
    /// The instrument document.
    pub instrument: String,
    /// The self-assessment file.
    pub self_assessment: String,
    /// The verification file.
    pub verification: String,
}

/// Why two documents cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CompareError {
    /// The first document is not a self-assessment.
    #[error("the first document must be a self-assessment (stage `self`), found stage `{found}`")]
    NotSelfAssessment {
        /// The stage found.
        found: String,
    },
    /// The second document is not a verification.
    #[error("the second document must be a verification (stage `verification`), found stage `{found}`")]
    NotVerification {
        /// The stage found.
        found: String,
    },
    /// The documents concern different units.
    #[error("the self-assessment is of unit `{self_unit}` but the verification of unit `{verified_unit}`")]
    UnitMismatch {
        /// Unit id (and kind) of the self-assessment.
        self_unit: String,
        /// Unit id (and kind) of the verification.
        verified_unit: String,
    },
    /// The documents concern different periods.
    #[error("the self-assessment is for period `{self_period}` but the verification for period `{verified_period}`")]
    PeriodMismatch {
        /// Period of the self-assessment.
        self_period: String,
        /// Period of the verification.
        verified_period: String,
    },
    /// The documents answer different instruments or versions.
    #[error("the self-assessment answers instrument `{self_instrument}` but the verification answers `{verified_instrument}`")]
    InstrumentMismatch {
        /// `id version` of the self-assessment's instrument.
        self_instrument: String,
        /// `id version` of the verification's instrument.
        verified_instrument: String,
    },
    /// The verification's `verifies` names another self-assessment file.
    #[error("the verification checks the self-assessment with digest {declared}, but this self-assessment has digest sha256:{actual}")]
    VerifiesMismatch {
        /// The `verifies` field as written (`sha256:<hex>`).
        declared: String,
        /// Lowercase hex SHA-256 of the self-assessment given.
        actual: String,
    },
    /// One of the documents could not be scored.
    #[error("{document}: {source}")]
    Scoring {
        /// `self-assessment` or `verification`.
        document: String,
        /// The cause.
        source: ScoringError,
    },
}

/// The kind of a difference between the self-assessment and the verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DiscrepancyKind {
    /// The unit claimed more than the verifier found: self value > verified value
    /// (an unanswered self counts as claiming 0).
    Overclaim,
    /// The unit claimed less than the verifier found.
    Underclaim,
    /// One side answered not applicable, the other did not.
    NaDisputed,
    /// The verifier left unanswered an indicator the unit answered.
    Unverified,
    /// Same answer, but one side lacks the evidence the indicator requires, so
    /// the values counted differ (an unsupported claim made good, or the reverse).
    EvidenceDiffers,
}

impl DiscrepancyKind {
    /// Every kind, in report order.
    pub const ALL: [DiscrepancyKind; 5] = [
        DiscrepancyKind::Overclaim,
        DiscrepancyKind::Underclaim,
        DiscrepancyKind::NaDisputed,
        DiscrepancyKind::Unverified,
        DiscrepancyKind::EvidenceDiffers,
    ];

    /// The kind as written in reports, e.g. `na_disputed`.
    pub fn as_str(self) -> &'static str {
        match self {
            DiscrepancyKind::Overclaim => "overclaim",
            DiscrepancyKind::Underclaim => "underclaim",
            DiscrepancyKind::NaDisputed => "na_disputed",
            DiscrepancyKind::Unverified => "unverified",
            DiscrepancyKind::EvidenceDiffers => "evidence_differs",
        }
    }
}

/// One document of the pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ComparedDocument {
    /// The stage (`self` or `verification`).
    pub stage: Stage,
    /// The date of the assessment.
    #[cfg_attr(feature = "schema", schemars(extend("format" = "date")))]
    pub assessed_on: Option<String>,
    /// The people who made it.
    pub assessors: Vec<Assessor>,
    /// Lowercase hex SHA-256 of the file.
    #[cfg_attr(feature = "schema", schemars(pattern(p2ham_model::SHA256_PATTERN)))]
    pub sha256: String,
    /// For the verification: the `verifies` digest it declares (checked against the self file).
    #[cfg_attr(feature = "schema", schemars(pattern(p2ham_model::SHA256_REF_PATTERN)))]
    pub verifies: Option<String>,
}

/// One criterion, both sides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CriterionComparison {
    /// Criterion id.
    pub id: String,
    /// Title.
    pub title: Text,
    /// Weight as written in the instrument.
    pub weight: Decimal,
    /// Self-assessed score (2 decimals); `null` when no data.
    pub self_score: Option<Decimal>,
    /// Verified score (2 decimals); `null` when no data.
    pub verified_score: Option<Decimal>,
    /// `self_score − verified_score` of the rounded figures; `null` when either has no data.
    pub difference: Option<Decimal>,
}

/// One indicator on which the two documents differ.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Discrepancy {
    /// Indicator id.
    pub indicator: String,
    /// Criterion id.
    pub criterion: String,
    /// Title.
    pub title: Text,
    /// The kind of difference.
    pub kind: DiscrepancyKind,
    /// The unit's answer: an option code, `N/A`, or `null` when unanswered.
    #[serde(rename = "self")]
    pub self_answer: Option<String>,
    /// The verifier's answer: an option code, `N/A`, or `null` when unanswered.
    pub verified: Option<String>,
    /// Label of the unit's answer option.
    pub self_label: Option<Text>,
    /// Label of the verifier's answer option.
    pub verified_label: Option<Text>,
    /// Value of the unit's answer option; `null` when unanswered or N/A.
    pub self_value: Option<Decimal>,
    /// Value of the verifier's answer option; `null` when unanswered or N/A.
    pub verified_value: Option<Decimal>,
    /// The status of the indicator in the self-assessment's score.
    pub self_status: IndicatorStatus,
    /// The status of the indicator in the verification's score.
    pub verified_status: IndicatorStatus,
    /// Points of the total (0–100) the self-assessment earned on it minus those the
    /// verification earned, rounded to 4 decimals (positive: the verification gave less).
    pub points_difference: Decimal,
    /// Whether the award requires the indicator fully met.
    pub mandatory: bool,
    /// The verifier's note.
    pub note: Option<String>,
    /// The `not_applicable` justification of the unit, when it gave one.
    pub self_justification: Option<String>,
    /// The `not_applicable` justification of the verifier, when it gave one.
    pub verified_justification: Option<String>,
}

/// How many indicators fall in each class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ComparisonCounts {
    /// Indicators that apply to the unit's kind (the ones compared).
    pub compared: u32,
    /// Indicators on which both documents agree.
    pub agreed: u32,
    /// Overclaims.
    pub overclaim: u32,
    /// Underclaims.
    pub underclaim: u32,
    /// Disputed N/A.
    pub na_disputed: u32,
    /// Left unanswered by the verifier.
    pub unverified: u32,
    /// Same answer, different support.
    pub evidence_differs: u32,
}

/// `self points − verified points` summed per kind of indicator, each computed
/// exactly and rounded once to 2 decimals. The exact sums add up to the exact
/// difference of the totals (`exact_total_difference`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PointsByKind {
    /// Over overclaims.
    pub overclaim: Decimal,
    /// Over underclaims (negative when the verification gave more).
    pub underclaim: Decimal,
    /// Over disputed N/A.
    pub na_disputed: Decimal,
    /// Over indicators the verifier left unanswered.
    pub unverified: Decimal,
    /// Over indicators whose support differs.
    pub evidence_differs: Decimal,
    /// Over agreed indicators whose points moved because their criterion's included weight changed.
    pub reweighting: Decimal,
    /// The exact difference of the unrounded totals, rounded once.
    pub exact_total_difference: Decimal,
}

/// The comparison of a self-assessment with its verification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(
    feature = "schema",
    schemars(title = "P2HAM comparison of a self-assessment with its verification")
)]
pub struct ComparisonReport {
    /// Always `p2ham-compare/1`.
    pub format: String,
    /// The scoring model, `p2ham-weighted/1`.
    pub model: String,
    /// The instrument both documents answer.
    pub instrument: InstrumentIdentity,
    /// The unit, as the verification names it.
    pub unit: Unit,
    /// The period.
    pub period: String,
    /// The self-assessment.
    pub self_assessment: ComparedDocument,
    /// The verification.
    pub verification: ComparedDocument,
    /// Self-assessed total (2 decimals); `null` when no data.
    pub self_total: Option<Decimal>,
    /// Verified total (2 decimals); `null` when no data.
    pub verified_total: Option<Decimal>,
    /// `self_total − verified_total` of the rounded figures; `null` when either has no data.
    pub total_difference: Option<Decimal>,
    /// Points of the total lost to overclaims: Σ (self points − verified points)
    /// over overclaimed indicators, exact, rounded once to 2 decimals.
    pub score_lost_to_overclaims: Decimal,
    /// The same sum for every kind of indicator.
    pub points_by_kind: PointsByKind,
    /// Counts per class.
    pub counts: ComparisonCounts,
    /// Per criterion, in instrument order.
    pub criteria: Vec<CriterionComparison>,
    /// Every indicator on which the documents differ, in instrument order.
    pub discrepancies: Vec<Discrepancy>,
    /// The award decision on the self-assessment.
    pub self_award: Award,
    /// The award decision on the verified result: the one that counts.
    pub verified_award: Award,
    /// The gap list of the verified result (most points first).
    pub verified_gaps: Vec<Gap>,
}

/// Check that two documents form a pair: the first a self-assessment, the second
/// a verification, of the same unit, period and instrument version.
pub fn check_pair(self_assessment: &Assessment, verification: &Assessment) -> Result<(), CompareError> {
    if self_assessment.stage != Stage::SelfAssessment {
        return Err(CompareError::NotSelfAssessment {
            found: self_assessment.stage.as_str().to_owned(),
        });
    }
    if verification.stage != Stage::Verification {
        return Err(CompareError::NotVerification {
            found: verification.stage.as_str().to_owned(),
        });
    }
    let (su, vu) = (&self_assessment.unit, &verification.unit);
    if su.id != vu.id || su.kind != vu.kind {
        return Err(CompareError::UnitMismatch {
            self_unit: format!("{} ({})", su.id, su.kind),
            verified_unit: format!("{} ({})", vu.id, vu.kind),
        });
    }
    if self_assessment.period != verification.period {
        return Err(CompareError::PeriodMismatch {
            self_period: self_assessment.period.clone(),
            verified_period: verification.period.clone(),
        });
    }
    let (si, vi) = (&self_assessment.instrument, &verification.instrument);
    if si != vi {
        return Err(CompareError::InstrumentMismatch {
            self_instrument: format!("{} {}", si.id, si.version),
            verified_instrument: format!("{} {}", vi.id, vi.version),
        });
    }
    Ok(())
}

/// Check the verification's `verifies` (when present) against the digest of the
/// self-assessment file (lowercase hex; the check is skipped when it is empty).
pub fn check_verifies(verification: &Assessment, self_sha256: &str) -> Result<(), CompareError> {
    match &verification.verifies {
        Some(declared) if !self_sha256.is_empty() => {
            let matches = declared
                .strip_prefix("sha256:")
                .is_some_and(|d| d.eq_ignore_ascii_case(self_sha256));
            if matches {
                Ok(())
            } else {
                Err(CompareError::VerifiesMismatch {
                    declared: declared.clone(),
                    actual: self_sha256.to_owned(),
                })
            }
        }
        _ => Ok(()),
    }
}

/// What one document says about one indicator.
#[derive(Clone, Copy)]
enum Said<'a> {
    Nothing,
    NotApplicable(&'a str),
    Value(&'a str),
}

fn said(answer: Option<&Answer>) -> Said<'_> {
    match answer {
        Some(Answer {
            not_applicable: Some(reason),
            ..
        }) => Said::NotApplicable(reason),
        Some(Answer {
            value: Some(code), ..
        }) => Said::Value(code),
        _ => Said::Nothing,
    }
}

impl Said<'_> {
    fn display(self) -> Option<String> {
        match self {
            Said::Nothing => None,
            Said::NotApplicable(_) => Some(NOT_APPLICABLE.to_owned()),
            Said::Value(code) => Some(code.to_owned()),
        }
    }

    fn justification(self) -> Option<String> {
        match self {
            Said::NotApplicable(r) => Some(r.to_owned()),
            _ => None,
        }
    }
}

fn scored(
    instrument: &CheckedInstrument,
    assessment: &Assessment,
    instrument_digest: &str,
    digest: &str,
    document: &str,
) -> Result<ScoreReport, CompareError> {
    let digests = Digests {
        instrument: instrument_digest.to_owned(),
        assessment: digest.to_owned(),
    };
    score(instrument, assessment, &digests).map_err(|source| CompareError::Scoring {
        document: document.to_owned(),
        source,
    })
}

/// Compare a self-assessment with its verification.
///
/// Checks the pair ([`check_pair`]) and `verifies` ([`check_verifies`]), scores
/// both with [`score`], and classifies every indicator that applies to the unit.
pub fn compare(
    instrument: &CheckedInstrument,
    self_assessment: &Assessment,
    verification: &Assessment,
    digests: &ComparisonDigests,
) -> Result<ComparisonReport, CompareError> {
    check_pair(self_assessment, verification)?;
    check_verifies(verification, &digests.self_assessment)?;
    let self_report = scored(
        instrument,
        self_assessment,
        &digests.instrument,
        &digests.self_assessment,
        "self-assessment",
    )?;
    let verified_report = scored(
        instrument,
        verification,
        &digests.instrument,
        &digests.verification,
        "verification",
    )?;
    let arithmetic = |source| CompareError::Scoring {
        document: "comparison".to_owned(),
        source,
    };
    build(
        instrument,
        self_assessment,
        verification,
        self_report,
        verified_report,
    )
    .map_err(arithmetic)
}

fn build(
    instrument: &CheckedInstrument,
    self_assessment: &Assessment,
    verification: &Assessment,
    self_report: ScoreReport,
    verified_report: ScoreReport,
) -> Result<ComparisonReport, ScoringError> {
    let ins = instrument.instrument();
    let self_points = earned_points(instrument, self_assessment)?;
    let verified_points = earned_points(instrument, verification)?;
    let mut counts = ComparisonCounts::default();
    let mut sums: HashMap<Option<DiscrepancyKind>, Ratio> = HashMap::new();
    let mut all = Ratio::ZERO;
    let mut discrepancies = Vec::new();
    // Both reports list every criterion and indicator in instrument order.
    let rows = ins
        .criteria
        .iter()
        .zip(&self_report.criteria)
        .zip(&verified_report.criteria);
    for ((c, sc), vc) in rows {
        for ((ind, si), vi) in c.indicators.iter().zip(&sc.indicators).zip(&vc.indicators) {
            if !ind.applies_to_kind(&verification.unit.kind) {
                continue;
            }
            counts.compared += 1;
            let sa = said(self_assessment.answer(&si.id));
            let va = said(verification.answer(&si.id));
            let kind = match (sa, va) {
                (Said::Nothing, Said::Nothing) | (Said::NotApplicable(_), Said::NotApplicable(_)) => None,
                (_, Said::Nothing) => Some(DiscrepancyKind::Unverified),
                (Said::NotApplicable(_), _) | (_, Said::NotApplicable(_)) => {
                    Some(DiscrepancyKind::NaDisputed)
                }
                (_, Said::Value(_)) => {
                    let claimed = si.value.unwrap_or(Decimal::ZERO);
                    let found = vi.value.unwrap_or(Decimal::ZERO);
                    if claimed > found {
                        Some(DiscrepancyKind::Overclaim)
                    } else if claimed < found {
                        Some(DiscrepancyKind::Underclaim)
                    } else if (si.status == IndicatorStatus::Unsupported)
                        != (vi.status == IndicatorStatus::Unsupported)
                        && si.value.is_some()
                    {
                        Some(DiscrepancyKind::EvidenceDiffers)
                    } else {
                        None
                    }
                }
            };
            let sp = self_points.get(&si.id).copied().unwrap_or(Ratio::ZERO);
            let vp = verified_points.get(&si.id).copied().unwrap_or(Ratio::ZERO);
            let diff = sp.sub(vp, "points difference")?;
            all = all.add(diff, "points difference")?;
            let slot = sums.entry(kind).or_insert(Ratio::ZERO);
            *slot = slot.add(diff, "points difference")?;
            let Some(kind) = kind else {
                counts.agreed += 1;
                continue;
            };
            match kind {
                DiscrepancyKind::Overclaim => counts.overclaim += 1,
                DiscrepancyKind::Underclaim => counts.underclaim += 1,
                DiscrepancyKind::NaDisputed => counts.na_disputed += 1,
                DiscrepancyKind::Unverified => counts.unverified += 1,
                DiscrepancyKind::EvidenceDiffers => counts.evidence_differs += 1,
            }
            discrepancies.push(Discrepancy {
                indicator: si.id.clone(),
                criterion: sc.id.clone(),
                title: si.title.clone(),
                kind,
                self_answer: sa.display(),
                verified: va.display(),
                self_label: si.answer_label.clone(),
                verified_label: vi.answer_label.clone(),
                self_value: si.value,
                verified_value: vi.value,
                self_status: si.status,
                verified_status: vi.status,
                points_difference: diff.round(4, "points difference")?,
                mandatory: ind.mandatory,
                note: vi.note.clone(),
                self_justification: sa.justification(),
                verified_justification: va.justification(),
            });
        }
    }
    let sum = |k: Option<DiscrepancyKind>| -> Result<Decimal, ScoringError> {
        sums.get(&k)
            .copied()
            .unwrap_or(Ratio::ZERO)
            .round(2, "points by kind")
    };
    let points_by_kind = PointsByKind {
        overclaim: sum(Some(DiscrepancyKind::Overclaim))?,
        underclaim: sum(Some(DiscrepancyKind::Underclaim))?,
        na_disputed: sum(Some(DiscrepancyKind::NaDisputed))?,
        unverified: sum(Some(DiscrepancyKind::Unverified))?,
        evidence_differs: sum(Some(DiscrepancyKind::EvidenceDiffers))?,
        reweighting: sum(None)?,
        exact_total_difference: all.round(2, "total difference")?,
    };
    let criteria = self_report
        .criteria
        .iter()
        .zip(&verified_report.criteria)
        .map(|(s, v)| CriterionComparison {
            id: s.id.clone(),
            title: s.title.clone(),
            weight: s.weight,
            self_score: s.score,
            verified_score: v.score,
            difference: s.score.zip(v.score).map(|(a, b)| a - b),
        })
        .collect();
    let document = |a: &Assessment, sha256: &str| ComparedDocument {
        stage: a.stage,
        assessed_on: a.assessed_on.clone(),
        assessors: a.assessors.clone(),
        sha256: sha256.to_owned(),
        verifies: a.verifies.clone(),
    };
    Ok(ComparisonReport {
        format: COMPARE_FORMAT.into(),
        model: MODEL.into(),
        self_assessment: document(self_assessment, &self_report.assessment.sha256),
        verification: document(verification, &verified_report.assessment.sha256),
        instrument: verified_report.instrument,
        unit: verification.unit.clone(),
        period: verification.period.clone(),
        self_total: self_report.total,
        verified_total: verified_report.total,
        total_difference: self_report.total.zip(verified_report.total).map(|(a, b)| a - b),
        score_lost_to_overclaims: points_by_kind.overclaim,
        points_by_kind,
        counts,
        criteria,
        discrepancies,
        self_award: self_report.award,
        verified_award: verified_report.award,
        verified_gaps: verified_report.gaps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use p2ham_model::Instrument;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    const P2HAM_2022: &str = include_str!("../../../fixtures/instruments/p2ham-2022.json");

    fn sampit(unit: &str) -> (CheckedInstrument, Assessment, Assessment) {
        let ins: Instrument = serde_json::from_str(P2HAM_2022).unwrap();
        let read = |stage: &str| -> Assessment {
            let path = format!(
                "{}/../../fixtures/assessments/sampit-2023/{unit}-sampit.{stage}.json",
                env!("CARGO_MANIFEST_DIR")
            );
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
        };
        (
            CheckedInstrument::new(ins).unwrap(),
            read("self"),
            read("verification"),
        )
    }

    fn run(unit: &str) -> ComparisonReport {
        let (ins, s, v) = sampit(unit);
        compare(&ins, &s, &v, &ComparisonDigests::default()).unwrap()
    }

    fn kinds(r: &ComparisonReport) -> Vec<(&str, DiscrepancyKind)> {
        r.discrepancies
            .iter()
            .map(|d| (d.indicator.as_str(), d.kind))
            .collect()
    }

    #[test]
    fn earned_points_reproduce_the_rounded_points_and_the_total() {
        for unit in ["kanim", "lapas", "bapas"] {
            let (ins, s, v) = sampit(unit);
            for a in [&s, &v] {
                let report = score(&ins, a, &Digests::default()).unwrap();
                let points = earned_points(&ins, a).unwrap();
                let mut sum = Ratio::ZERO;
                for c in &report.criteria {
                    for i in &c.indicators {
                        let p = points[&i.id];
                        assert_eq!(p.round(4, "t").unwrap(), i.total_points_earned, "{unit} {}", i.id);
                        sum = sum.add(p, "t").unwrap();
                    }
                }
                assert_eq!(
                    sum.to_decimal("t").unwrap(),
                    report.total_exact.unwrap(),
                    "{unit}"
                );
            }
        }
    }

    // Hand-checked from the fixture files (criterion score = 100 × Σ value×weight /
    // Σ included weight; total = Σ criterion weight × score / Σ weights).
    #[test]
    fn kanim_keeps_its_predikat() {
        let r = run("kanim");
        assert_eq!(r.self_total, Some(dec!(94.58)));
        assert_eq!(r.verified_total, Some(dec!(92.14)));
        assert_eq!(r.total_difference, Some(dec!(2.44)));
        assert!(r.verified_award.eligible);
        let scores: Vec<_> = r.criteria.iter().map(|c| c.verified_score.unwrap()).collect();
        assert_eq!(
            scores,
            [dec!(94.23), dec!(85.71), dec!(95.45), dec!(75.00), dec!(100.00)]
        );
        assert_eq!(
            kinds(&r),
            [
                ("A.15", DiscrepancyKind::Overclaim),
                ("D.05", DiscrepancyKind::Unverified)
            ]
        );
        // A.15: ada → proses, 0.5 × weight 2 of 52 in criterion A (share 40 %): 0.7692.
        assert_eq!(r.discrepancies[0].points_difference, dec!(0.7692));
        assert_eq!(r.score_lost_to_overclaims, dec!(0.77));
        // D.05: 1 of weight 6 in D (share 10 %): 1.6667.
        assert_eq!(r.points_by_kind.unverified, dec!(1.67));
        assert_eq!(r.points_by_kind.exact_total_difference, dec!(2.44));
        assert_eq!(r.discrepancies[1].verified, None);
        assert_eq!(r.counts.compared, 51);
        assert_eq!(r.counts.agreed, 49);
    }

    #[test]
    fn lapas_loses_points_to_overclaims_and_the_predikat() {
        let r = run("lapas");
        assert_eq!(r.self_total, Some(dec!(95.77)));
        assert_eq!(r.verified_total, Some(dec!(79.58)));
        assert_eq!(r.total_difference, Some(dec!(16.19)));
        assert!(r.self_award.eligible);
        assert!(!r.verified_award.eligible);
        assert_eq!(r.verified_award.reasons.len(), 1);
        assert_eq!(r.verified_award.reasons[0].actual, Some(dec!(79.58)));
        assert_eq!(r.counts.overclaim, 15);
        assert_eq!(r.counts.na_disputed, 1);
        let na = r.discrepancies.iter().find(|d| d.indicator == "A.26").unwrap();
        assert_eq!(na.kind, DiscrepancyKind::NaDisputed);
        assert_eq!(na.self_answer.as_deref(), Some(NOT_APPLICABLE));
        assert_eq!(na.verified.as_deref(), Some("tidak"));
        assert!(na.self_justification.is_some());
        // 15.4954 over the 15 overclaims; the disputed N/A adds A.26's weight to
        // criterion A, which moves 0.6883 points on agreed indicators.
        assert_eq!(r.score_lost_to_overclaims, dec!(15.50));
        assert_eq!(r.points_by_kind.reweighting, dec!(0.69));
        assert_eq!(r.points_by_kind.na_disputed, dec!(0.00));
        assert_eq!(r.points_by_kind.exact_total_difference, dec!(16.18));
        let c01 = r.discrepancies.iter().find(|d| d.indicator == "C.01").unwrap();
        assert_eq!(
            (c01.self_value, c01.verified_value),
            (Some(dec!(1)), Some(dec!(0.5)))
        );
        assert_eq!(c01.points_difference, dec!(2.0000));
    }

    #[test]
    fn bapas_gains_the_predikat() {
        let r = run("bapas");
        assert_eq!(r.self_total, Some(dec!(83.73)));
        assert_eq!(r.verified_total, Some(dec!(85.15)));
        assert_eq!(r.total_difference, Some(dec!(-1.42)));
        assert!(r.verified_award.eligible);
        assert_eq!(
            kinds(&r),
            [
                ("A.15", DiscrepancyKind::Underclaim),
                ("A.17", DiscrepancyKind::EvidenceDiffers),
                ("A.18", DiscrepancyKind::Overclaim)
            ]
        );
        let a17 = &r.discrepancies[1];
        assert_eq!(a17.self_status, IndicatorStatus::Unsupported);
        assert_eq!(a17.verified_status, IndicatorStatus::Met);
        assert_eq!(a17.points_difference, dec!(-1.4286));
        assert_eq!(r.score_lost_to_overclaims, dec!(0.71));
        assert_eq!(r.points_by_kind.exact_total_difference, dec!(-1.43));
    }

    fn tiny() -> CheckedInstrument {
        let ins: Instrument = serde_json::from_str(
            r#"{
          "format": "p2ham-instrument/1", "id": "t", "version": "1", "title": {"id": "T"},
          "unit_kinds": ["kanim", "lapas"],
          "scales": [{"id": "apt", "options": [
            {"code": "ada", "label": {"id": "Ada"}, "value": "1"},
            {"code": "proses", "label": {"id": "Proses"}, "value": "0.5"},
            {"code": "tidak", "label": {"id": "Tidak"}, "value": "0"}]}],
          "criteria": [
            {"id": "A", "title": {"id": "A"}, "weight": "3", "indicators": [
              {"id": "A.1", "title": {"id": "a1"}, "scale": "apt", "weight": "1"},
              {"id": "A.2", "title": {"id": "a2"}, "scale": "apt", "weight": "1", "evidence": "required"},
              {"id": "A.3", "title": {"id": "a3"}, "scale": "apt", "weight": "2"},
              {"id": "A.4", "title": {"id": "a4"}, "scale": "apt", "weight": "1", "applies_to": ["lapas"]}]},
            {"id": "B", "title": {"id": "B"}, "weight": "1", "indicators": [
              {"id": "B.1", "title": {"id": "b1"}, "scale": "apt", "weight": "1"},
              {"id": "B.2", "title": {"id": "b2"}, "scale": "apt", "weight": "1"}]}],
          "award": {"min_total": "80"}
        }"#,
        )
        .unwrap();
        CheckedInstrument::new(ins).unwrap()
    }

    fn doc(stage: &str, answers: &str) -> Assessment {
        serde_json::from_str(&format!(
            r#"{{"format": "p2ham-assessment/1", "instrument": {{"id": "t", "version": "1"}},
               "unit": {{"id": "k", "name": "K", "kind": "kanim"}}, "period": "2023",
               "stage": "{stage}", "answers": [{answers}]}}"#
        ))
        .unwrap()
    }

    const EV: &str = r#""evidence": [{"path": "f.png"}]"#;

    #[test]
    fn every_kind_of_difference() {
        let s = doc(
            "self",
            &format!(
                r#"{{"indicator": "A.1", "value": "ada"}},
                   {{"indicator": "A.2", "value": "ada"}},
                   {{"indicator": "A.3", "value": "proses"}},
                   {{"indicator": "B.1", "not_applicable": "tidak ada"}},
                   {{"indicator": "B.2", "value": "ada", {EV}}}"#
            ),
        );
        let v = doc(
            "verification",
            &format!(
                r#"{{"indicator": "A.1", "value": "proses", "note": "belum lengkap"}},
                   {{"indicator": "A.2", "value": "ada", {EV}}},
                   {{"indicator": "A.3", "value": "ada"}},
                   {{"indicator": "B.1", "value": "tidak"}}"#
            ),
        );
        let r = compare(&tiny(), &s, &v, &ComparisonDigests::default()).unwrap();
        assert_eq!(
            kinds(&r),
            [
                ("A.1", DiscrepancyKind::Overclaim),
                ("A.2", DiscrepancyKind::EvidenceDiffers),
                ("A.3", DiscrepancyKind::Underclaim),
                ("B.1", DiscrepancyKind::NaDisputed),
                ("B.2", DiscrepancyKind::Unverified),
            ]
        );
        // A.4 applies only to lapas: not compared.
        assert_eq!(r.counts.compared, 5);
        assert_eq!(r.counts.agreed, 0);
        assert_eq!(r.discrepancies[0].note.as_deref(), Some("belum lengkap"));
        // Self: A = (1 + 0 + 0.5×2)/4 = 50, B = 1/1 = 100 → (3×50 + 100)/4 = 62.5.
        // Verified: A = (0.5 + 1 + 2)/4 = 87.5, B = 0/2 = 0 → 262.5/4 = 65.625.
        assert_eq!(r.self_total, Some(dec!(62.50)));
        assert_eq!(r.verified_total, Some(dec!(65.63)));
        // A.1 is 1/4 of A, A is 3/4 of the total: 18.75 points × (1 − 0.5).
        assert_eq!(r.score_lost_to_overclaims, dec!(9.38));
        assert_eq!(r.points_by_kind.exact_total_difference, dec!(-3.13));
    }

    #[test]
    fn mismatched_documents_are_errors() {
        let s = doc("self", "");
        let v = doc("verification", "");
        let ins = tiny();
        let d = ComparisonDigests::default();
        assert!(matches!(
            compare(&ins, &v, &v, &d),
            Err(CompareError::NotSelfAssessment { .. })
        ));
        assert!(matches!(
            compare(&ins, &s, &s, &d),
            Err(CompareError::NotVerification { .. })
        ));
        let mut other = v.clone();
        other.unit.id = "x".into();
        let e = compare(&ins, &s, &other, &d).unwrap_err();
        assert!(
            e.to_string().contains("`k (kanim)`") && e.to_string().contains("`x (kanim)`"),
            "{e}"
        );
        let mut other = v.clone();
        other.period = "2024".into();
        assert!(matches!(
            compare(&ins, &s, &other, &d),
            Err(CompareError::PeriodMismatch { .. })
        ));
        let mut other = v.clone();
        other.instrument.version = "2".into();
        assert!(matches!(
            compare(&ins, &s, &other, &d),
            Err(CompareError::InstrumentMismatch { .. })
        ));
        let mut other = v.clone();
        other.verifies = Some(format!("sha256:{}", "a".repeat(64)));
        let d = ComparisonDigests {
            self_assessment: "b".repeat(64),
            ..ComparisonDigests::default()
        };
        let e = compare(&ins, &s, &other, &d).unwrap_err();
        assert!(matches!(e, CompareError::VerifiesMismatch { .. }));
        assert!(e.to_string().contains(&"a".repeat(64)) && e.to_string().contains(&"b".repeat(64)));
        let d = ComparisonDigests {
            self_assessment: "a".repeat(64),
            ..ComparisonDigests::default()
        };
        assert!(compare(&ins, &s, &other, &d).is_ok());
    }

    #[test]
    fn an_invalid_document_names_its_side() {
        let s = doc("self", r#"{"indicator": "A.1", "value": "mungkin"}"#);
        let v = doc("verification", "");
        let e = compare(&tiny(), &s, &v, &ComparisonDigests::default()).unwrap_err();
        assert!(e.to_string().starts_with("self-assessment: "), "{e}");
    }

    fn answers(codes: &[Option<&str>]) -> String {
        let ids = ["A.1", "A.2", "A.3", "B.1", "B.2"];
        ids.iter()
            .zip(codes)
            .filter_map(|(id, c)| {
                c.map(|c| {
                    if c == "na" {
                        format!(r#"{{"indicator": "{id}", "not_applicable": "x"}}"#)
                    } else {
                        format!(r#"{{"indicator": "{id}", "value": "{c}", {EV}}}"#)
                    }
                })
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    fn code() -> impl Strategy<Value = Option<&'static str>> {
        prop::sample::select(vec![None, Some("ada"), Some("proses"), Some("tidak"), Some("na")])
    }

    proptest! {
        #[test]
        fn an_assessment_agrees_with_itself(codes in prop::collection::vec(code(), 5)) {
            let body = answers(&codes);
            let r = compare(&tiny(), &doc("self", &body), &doc("verification", &body), &ComparisonDigests::default())
                .unwrap();
            prop_assert!(r.discrepancies.is_empty());
            prop_assert_eq!(r.self_total, r.verified_total);
            prop_assert_eq!(r.counts.agreed, 5);
            prop_assert_eq!(r.points_by_kind, PointsByKind::default());
        }

        #[test]
        fn lowering_a_value_is_an_overclaim_that_costs_points(
            codes in prop::collection::vec(prop::sample::select(vec![Some("ada"), Some("proses")]), 5),
            which in 0usize..5,
        ) {
            let mut lowered = codes.clone();
            lowered[which] = Some("tidak");
            let r = compare(
                &tiny(),
                &doc("self", &answers(&codes)),
                &doc("verification", &answers(&lowered)),
                &ComparisonDigests::default(),
            )
            .unwrap();
            prop_assert_eq!(r.discrepancies.len(), 1);
            prop_assert_eq!(r.discrepancies[0].kind, DiscrepancyKind::Overclaim);
            prop_assert!(r.discrepancies[0].points_difference > Decimal::ZERO);
            prop_assert!(r.score_lost_to_overclaims > Decimal::ZERO);
            prop_assert!(r.verified_total < r.self_total);
            // Only the lowered indicator moves: nothing is reweighted.
            prop_assert_eq!(r.points_by_kind.reweighting, Decimal::ZERO);
        }
    }
}
