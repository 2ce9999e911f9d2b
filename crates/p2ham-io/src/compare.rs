//! Comparing a self-assessment file with its verification file.

use p2ham_scoring::{check_pair, check_verifies, compare, ComparisonDigests, ComparisonReport};

use crate::{document::check_assessment, document::LoadedAssessment, document::LoadedInstrument, IoError};

/// Compare a self-assessment with its verification against one instrument.
///
/// In order: the two documents must form a pair (stages, unit, period,
/// instrument: [`check_pair`]); a `verifies` digest in the verification must be
/// the SHA-256 of the self-assessment file's bytes; each document must fit the
/// instrument. Errors name both files (or the one at fault).
pub fn compare_loaded(
    self_assessment: &LoadedAssessment,
    verification: &LoadedAssessment,
    instrument: &LoadedInstrument,
) -> Result<ComparisonReport, IoError> {
    let pair = |source| IoError::Compare {
        self_file: self_assessment.file.clone(),
        verified_file: verification.file.clone(),
        source: Box::new(source),
    };
    check_pair(&self_assessment.assessment, &verification.assessment).map_err(pair)?;
    check_verifies(&verification.assessment, &self_assessment.sha256).map_err(pair)?;
    check_assessment(self_assessment, instrument)?;
    check_assessment(verification, instrument)?;
    let digests = ComparisonDigests {
        instrument: instrument.sha256.clone(),
        self_assessment: self_assessment.sha256.clone(),
        verification: verification.sha256.clone(),
    };
    compare(
        &instrument.checked,
        &self_assessment.assessment,
        &verification.assessment,
        &digests,
    )
    .map_err(pair)
}
