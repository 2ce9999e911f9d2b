//! # p2ham-scoring
//!
//! The engines of P2HAM evaluation, with no I/O: the weighted score and award
//! decision of model `p2ham-weighted/1` with a full explanation of every point
//! ([`score`]), breakdowns per principle and vulnerable group, the gap list, and
//! the comparison of a self-assessment with its verification ([`compare`]).
//!
//! Arithmetic is exact: every figure is a fraction of integers until the single
//! rounding at the end (2 decimals, half away from zero); award thresholds
//! compare the rounded figures.
//!
//! The entry points, each from checked model types to a report type:
//!
//! - [`score`]: one assessment → [`ScoreReport`] (statuses, points, criterion
//!   scores, total, award decision with its reasons, breakdowns, gaps);
//! - [`compare`]: a self-assessment and its verification → [`ComparisonReport`];
//! - [`LeanScorer`] and [`RollupAccumulator`]: the roll-up of many assessments
//!   → [`RollupReport`] (the streaming reader is `p2ham_io::rollup::rollup`);
//! - [`skm::compute`]: survey responses → [`skm::SkmReport`] (IKM);
//! - [`decide`], [`summarize`] and [`history`]: the award cycle → `AwardList`,
//!   [`AwardSummary`], [`HistoryReport`];
//! - [`diff_instruments`]: two instruments → [`InstrumentDiff`] (criteria and
//!   indicators added, removed or changed; weights, scales, applicability,
//!   mandatory flags).
//!
//! ```
//! use p2ham_model::{Assessment, CheckedInstrument, Instrument};
//! use p2ham_scoring::{compare, score, ComparisonDigests, Digests};
//! use rust_decimal::Decimal;
//!
//! let instrument: Instrument = serde_json::from_str(r#"{
//!   "format": "p2ham-instrument/1", "id": "demo", "version": "1.0.0",
//!   "title": {"id": "Contoh"}, "legal_basis": [], "notes": "", "unit_kinds": ["kanim"],
//!   "scales": [{"id": "apt", "options": [
//!     {"code": "ada", "label": {"id": "Ada"}, "value": "1"},
//!     {"code": "proses", "label": {"id": "Proses"}, "value": "0.5"},
//!     {"code": "tidak", "label": {"id": "Tidak"}, "value": "0"}]}],
//!   "criteria": [{"id": "A", "title": {"id": "Fasilitas"}, "weight": "1", "indicators": [
//!     {"id": "A.01", "title": {"id": "Jalan landai"}, "scale": "apt", "weight": "1"},
//!     {"id": "A.02", "title": {"id": "Ruang laktasi"}, "scale": "apt", "weight": "2"}]}],
//!   "award": {"min_total": "80", "min_criterion": null}
//! }"#).unwrap();
//! let assessment: Assessment = serde_json::from_str(r#"{
//!   "format": "p2ham-assessment/1", "instrument": {"id": "demo", "version": "1.0.0"},
//!   "unit": {"id": "kanim-x", "name": "Kanim X", "kind": "kanim"}, "period": "2023", "stage": "self",
//!   "answers": [{"indicator": "A.01", "value": "ada"}, {"indicator": "A.02", "value": "proses"}]
//! }"#).unwrap();
//!
//! let checked = CheckedInstrument::new(instrument).unwrap();
//! let report = score(&checked, &assessment, &Digests::default()).unwrap();
//! // (1 × 1 + 0.5 × 2) / 3 = 2/3 → 66.67
//! assert_eq!(report.total, Some(Decimal::new(6667, 2)));
//! assert!(!report.award.eligible);
//!
//! // The verification finds A.02 not there at all: (1 × 1 + 0 × 2) / 3 → 33.33.
//! let mut verification = assessment.clone();
//! verification.stage = p2ham_model::Stage::Verification;
//! verification.answers[1].value = Some("tidak".into());
//! let cmp = compare(&checked, &assessment, &verification, &ComparisonDigests::default()).unwrap();
//! assert_eq!(cmp.verified_total, Some(Decimal::new(3333, 2)));
//! assert_eq!(cmp.self_total, Some(Decimal::new(6667, 2)));
//! ```

mod award;
mod award_rule;
mod compare;
mod history;
mod instrument_diff;
mod lean;
mod ratio;
mod report;
mod rollup;
mod score;

pub use award::{
    award_reason, check_previous, decide, summarize, AwardError, AwardOptions, AwardSummary, DecisionCounts,
    RequiredInstrument, VerifiedResult,
};
pub use award_rule::{composite_score, evaluate_gates, Gate, GateResult};
pub use compare::{
    check_pair, check_verifies, compare, CompareError, ComparedDocument, ComparisonCounts, ComparisonDigests,
    ComparisonReport, CriterionComparison, Discrepancy, DiscrepancyKind, PointsByKind, COMPARE_FORMAT,
    NOT_APPLICABLE,
};
pub use history::{history, HistoryReport, PeriodEntry, PeriodSkm, UnitHistory, HISTORY_FORMAT};
pub use instrument_diff::{
    diff_instruments, Change, ChangeCounts, DiffCounts, DiffSide, FieldChange, InstrumentDiff, ItemChange,
    INSTRUMENT_DIFF_FORMAT,
};
pub use lean::LeanAnswer;
pub use ratio::Ratio;
pub use report::{
    AssessmentInfo, Award, Breakdown, CriterionResult, Digests, Exclusion, Gap, IndicatorResult,
    IndicatorStatus, InstrumentIdentity, Reason, ReasonCode, ScoreReport, StatusCounts, MODEL,
};
pub use rollup::{
    Bin, Duplicate, GapAnalysis, GroupCoverage, IndicatorGap, IndicatorMeta, InstrumentUse, InvalidRecord,
    Location, OfficeSummary, RecordCounts, RecordProblem, RollupAccumulator, RollupInstrument, RollupReport,
    Summary, UnitRecord, UnitRow, ROLLUP_FORMAT,
};
pub use score::{score, score_lean, LeanScore, LeanScorer};

pub mod skm;

/// Errors of the scoring engines.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScoringError {
    /// The assessment does not fit its instrument.
    #[error(transparent)]
    Model(#[from] p2ham_model::ModelError),
    /// A sum or product left the range of exact arithmetic.
    #[error("arithmetic overflow while computing {what}")]
    Overflow {
        /// The figure being computed.
        what: String,
    },
}
