//! Documents: reading them from their sources with their digests, parsing
//! JSON (numbers exact) and TOML, checking an assessment against its
//! instrument, scoring and comparing what was loaded.

use std::path::Path;

pub use crate::compare::compare_loaded;
pub use crate::loaded::{instrument_from_bytes, LoadedAssessment, LoadedInstrument};
pub use crate::parse::{
    detect_kind, from_json, from_toml, is_toml, parse_assessment, parse_instrument, DocumentKind,
};
use crate::source::SourceBytes;
pub use crate::source::{
    max_document_bytes, read_document, read_input, DEFAULT_MAX_DOCUMENT_BYTES, MAX_DOCUMENT_BYTES_VAR,
};
use crate::{digest::sha256_hex, IoError, Source};

/// Read, parse and validate an instrument (TOML when its name ends in
/// `.toml`, or, for a source named without an extension, when it does not
/// start with `{`).
pub fn read_instrument(source: Source<'_>) -> Result<LoadedInstrument, IoError> {
    let read = source.read()?;
    let toml = read.is_toml();
    let mut loaded = instrument_from_bytes(&read.name, &read.bytes, toml)?;
    loaded.path = read.path;
    Ok(loaded)
}

/// Read and parse an assessment; its shape is checked, not its fit.
pub fn read_assessment(source: Source<'_>) -> Result<LoadedAssessment, IoError> {
    assessment_from_bytes(source.read()?)
}

/// Parse an assessment already read.
pub(crate) fn assessment_from_bytes(read: SourceBytes<'_>) -> Result<LoadedAssessment, IoError> {
    let assessment = parse_assessment(&read.name, &read.bytes)?;
    Ok(LoadedAssessment {
        assessment,
        sha256: sha256_hex(&read.bytes),
        file: read.name,
        path: read.path,
    })
}

/// Load an assessment file; its shape is checked, not its fit.
pub fn load_assessment(path: &Path) -> Result<LoadedAssessment, IoError> {
    read_assessment(Source::file(path))
}

/// The instrument an assessment is checked against: the explicit one when
/// given, else the built-in its `instrument.id` names.
pub fn instrument_for(
    loaded: &LoadedAssessment,
    explicit: Option<&LoadedInstrument>,
) -> Result<LoadedInstrument, IoError> {
    if let Some(i) = explicit {
        return Ok(i.clone());
    }
    crate::builtin(&loaded.assessment.instrument.id)
        .cloned()
        .map_err(|e| e.named_by(&loaded.file))
}

/// [`instrument_for`] without a copy: the explicit instrument, or the
/// built-in the assessment names.
pub(crate) fn instrument_ref<'i>(
    loaded: &LoadedAssessment,
    explicit: Option<&'i LoadedInstrument>,
) -> Result<&'i LoadedInstrument, IoError> {
    match explicit {
        Some(i) => Ok(i),
        None => crate::builtin(&loaded.assessment.instrument.id).map_err(|e| e.named_by(&loaded.file)),
    }
}

/// Check an assessment against its instrument; every problem becomes one error.
pub fn check_assessment(loaded: &LoadedAssessment, instrument: &LoadedInstrument) -> Result<(), IoError> {
    let problems = instrument.checked.check(&loaded.assessment);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(IoError::Invalid {
            file: loaded.file.clone(),
            problems,
        })
    }
}

/// Check and score an assessment against its instrument, naming both digests.
pub fn score_loaded(
    loaded: &LoadedAssessment,
    instrument: &LoadedInstrument,
) -> Result<p2ham_scoring::ScoreReport, IoError> {
    check_assessment(loaded, instrument)?;
    let digests = p2ham_scoring::Digests {
        instrument: instrument.sha256.clone(),
        assessment: loaded.sha256.clone(),
    };
    p2ham_scoring::score(&instrument.checked, &loaded.assessment, &digests).map_err(|source| {
        IoError::Scoring {
            file: loaded.file.clone(),
            source,
        }
    })
}
