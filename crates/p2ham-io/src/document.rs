//! Documents: reading them from their sources with their digests, parsing
//! JSON (numbers exact) and TOML, checking an assessment against its
//! instrument, scoring and comparing what was loaded.

use std::io::Read;
use std::path::{Path, PathBuf};

use p2ham_model::{Assessment, CheckedInstrument};

pub use crate::compare::compare_loaded;
pub use crate::parse::{
    detect_kind, from_json, from_toml, is_toml, parse_assessment, parse_instrument, DocumentKind,
};
use crate::source::SourceBytes;
use crate::{digest::sha256_hex, IoError, Source};

/// The default size limit of one document: 256 MiB (a national instrument or
/// assessment is well under 1 MB; a survey workbook a few MB).
pub const DEFAULT_MAX_DOCUMENT_BYTES: u64 = 256 << 20;

/// Documents are read in blocks of this size.
const BLOCK: usize = 1 << 20;

/// The environment variable that sets the size limit of one document, in bytes.
pub const MAX_DOCUMENT_BYTES_VAR: &str = "P2HAM_MAX_DOCUMENT_BYTES";

/// The size limit of one document: `P2HAM_MAX_DOCUMENT_BYTES` when it holds a
/// whole number of bytes, else [`DEFAULT_MAX_DOCUMENT_BYTES`]; an invalid value
/// is an error naming the variable.
pub fn max_document_bytes() -> Result<u64, IoError> {
    match std::env::var_os(MAX_DOCUMENT_BYTES_VAR) {
        None => Ok(DEFAULT_MAX_DOCUMENT_BYTES),
        Some(v) => v
            .to_str()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .filter(|&n| n > 0)
            .ok_or_else(|| IoError::Input {
                file: MAX_DOCUMENT_BYTES_VAR.into(),
                message: format!(
                    "`{}` is not a size; expected a whole number of bytes above 0",
                    v.to_string_lossy()
                ),
            }),
    }
}

/// Read at most `limit` bytes of one document from `reader`; a longer input
/// (an endless stream such as `/dev/zero`, a huge file) is an error naming the
/// file and the offset where reading stopped, never a memory exhaustion.
pub fn read_document(file: &str, mut reader: impl Read, limit: u64) -> Result<Vec<u8>, IoError> {
    let read_error = |source| IoError::Read {
        file: file.to_owned(),
        source,
    };
    // One byte past the limit tells a document of exactly `limit` bytes from a longer one.
    let cap = usize::try_from(limit.saturating_add(1)).unwrap_or(usize::MAX);
    // Read in blocks and join them once: no doubling reallocation, so an endless
    // stream costs the limit and no more before it is refused.
    let mut blocks: Vec<Vec<u8>> = Vec::new();
    let mut total = 0usize;
    while total < cap {
        let mut block = vec![0u8; BLOCK.min(cap - total)];
        let mut filled = 0;
        while filled < block.len() {
            match reader.read(&mut block[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(read_error(e)),
            }
        }
        block.truncate(filled);
        total += filled;
        let end = filled < block.capacity();
        blocks.push(block);
        if end {
            break;
        }
    }
    if total as u64 > limit {
        return Err(IoError::TooLarge {
            file: file.to_owned(),
            offset: limit,
        });
    }
    Ok(if blocks.len() == 1 {
        blocks.pop().unwrap_or_default()
    } else {
        blocks.concat()
    })
}

/// Read a whole file, up to [`max_document_bytes`]. A path is always a file
/// (standard input is a [`Source::reader`] its caller makes).
pub fn read_input(path: &Path) -> Result<Vec<u8>, IoError> {
    Ok(Source::file(path).read()?.bytes.into_owned())
}

/// A validated instrument with where it came from and its digest.
#[derive(Debug, Clone)]
pub struct LoadedInstrument {
    /// The validated instrument.
    pub checked: CheckedInstrument,
    /// Lowercase hex SHA-256 of the document's bytes.
    pub sha256: String,
    /// The file it was read from, or `builtin:<id>`.
    pub source: String,
    /// The file path, when read from a file (for "never overwrite an input").
    pub path: Option<PathBuf>,
}

/// A parsed assessment with where it came from and its digest.
#[derive(Debug, Clone)]
pub struct LoadedAssessment {
    /// The assessment (shape checked, not yet checked against an instrument).
    pub assessment: Assessment,
    /// Lowercase hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// The name of its source: the file it was read from, or the name the
    /// caller gave the bytes (`-` for standard input).
    pub file: String,
    /// The file path, when it was read from a file.
    pub path: Option<PathBuf>,
}

/// Parse and validate an instrument from bytes.
pub fn instrument_from_bytes(file: &str, bytes: &[u8], toml: bool) -> Result<LoadedInstrument, IoError> {
    let instrument = parse_instrument(file, bytes, toml)?;
    let checked = CheckedInstrument::new(instrument).map_err(|e| IoError::Invalid {
        file: file.to_owned(),
        problems: e.problems().to_vec(),
    })?;
    Ok(LoadedInstrument {
        checked,
        sha256: sha256_hex(bytes),
        source: file.to_owned(),
        path: None,
    })
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_read_up_to_its_limit_exactly() {
        let bytes: Vec<u8> = (0..3 * BLOCK + 17)
            .map(|i| u8::try_from(i % 251).unwrap())
            .collect();
        let limit = bytes.len() as u64;
        assert_eq!(read_document("f", &bytes[..], limit).unwrap(), bytes);
        let err = read_document("f", &bytes[..], limit - 1).unwrap_err();
        assert!(
            matches!(err, IoError::TooLarge { offset, .. } if offset == limit - 1),
            "{err}"
        );
        assert!(read_document("f", std::io::repeat(0), 10).is_err());
        assert_eq!(read_document("f", &b""[..], 10).unwrap(), b"");
    }
}
