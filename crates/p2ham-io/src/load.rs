//! Loading documents from files, standard input or the built-ins, with their digests.

use std::io::Read;
use std::path::{Path, PathBuf};

use p2ham_model::{Assessment, CheckedInstrument};

use crate::error::display;
use crate::{builtin, builtin_ids, parse::is_toml, parse_assessment, parse_instrument, sha256_hex, IoError};

/// Read a whole input: a file, or standard input for `-`.
pub fn read_input(path: &Path) -> Result<Vec<u8>, IoError> {
    let file = display(path);
    if file == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|source| IoError::Read { file, source })?;
        Ok(buf)
    } else {
        std::fs::read(path).map_err(|source| IoError::Read { file, source })
    }
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
    /// The file it was read from (`-` for standard input).
    pub file: String,
    /// The file path.
    pub path: PathBuf,
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

/// Load a built-in instrument by id.
pub fn load_builtin(id: &str) -> Option<Result<LoadedInstrument, IoError>> {
    let b = builtin(id)?;
    let source = format!("builtin:{}", b.id);
    Some(instrument_from_bytes(&source, b.source.as_bytes(), false))
}

/// Whether bytes start (after white space and a byte-order mark) with `{`.
fn looks_like_json(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

/// Load an instrument from `--instrument`: a path (`-` is standard input) or a built-in id.
pub fn load_instrument(spec: &str) -> Result<LoadedInstrument, IoError> {
    let path = Path::new(spec);
    let looks_like_file = spec == "-"
        || path.exists()
        || spec.contains(['/', '\\'])
        || path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json") || e.eq_ignore_ascii_case("toml"));
    if looks_like_file {
        let bytes = read_input(path)?;
        // Standard input has no extension: a document not starting with `{` is TOML.
        let toml = is_toml(path) || (spec == "-" && !looks_like_json(&bytes));
        let mut loaded = instrument_from_bytes(&display(path), &bytes, toml)?;
        loaded.path = Some(path.to_path_buf());
        return Ok(loaded);
    }
    load_builtin(spec).unwrap_or_else(|| {
        Err(IoError::UnknownInstrument {
            file: "--instrument".into(),
            id: spec.to_owned(),
            known: builtin_ids(),
        })
    })
}

/// Load an assessment file (`-` is standard input); its shape is checked, not its fit.
pub fn load_assessment(path: &Path) -> Result<LoadedAssessment, IoError> {
    let bytes = read_input(path)?;
    let file = display(path);
    let assessment = parse_assessment(&file, &bytes)?;
    Ok(LoadedAssessment {
        assessment,
        sha256: sha256_hex(&bytes),
        file,
        path: path.to_path_buf(),
    })
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
    let id = &loaded.assessment.instrument.id;
    load_builtin(id).unwrap_or_else(|| {
        Err(IoError::UnknownInstrument {
            file: loaded.file.clone(),
            id: id.clone(),
            known: builtin_ids(),
        })
    })
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
