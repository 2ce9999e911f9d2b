//! What a document becomes once read: the validated instrument or the parsed
//! assessment with where it came from and its digest.

use std::path::PathBuf;

use p2ham_model::{Assessment, CheckedInstrument};

use crate::parse::parse_instrument;
use crate::{digest::sha256_hex, IoError};

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
