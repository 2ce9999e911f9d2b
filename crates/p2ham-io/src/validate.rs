//! Validating many documents at once, reporting every problem of every file.

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::Serialize;

use crate::error::display;
use crate::load::{check_assessment, instrument_for, read_input, LoadedAssessment, LoadedInstrument};
use crate::parse::{detect_kind, is_toml, DocumentKind};
use crate::{instrument_from_bytes, parse_assessment, sha256_hex};
pub use p2ham_model::Diagnostic;

/// The report of `p2ham validate` (`"format": "p2ham-validation/1"`).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(title = "P2HAM validation report")]
pub struct ValidationReport {
    /// Always `p2ham-validation/1`.
    pub format: &'static str,
    /// Whether every file is valid.
    pub valid: bool,
    /// One entry per file, in the order given.
    pub files: Vec<FileReport>,
}

/// The validation of one file.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FileReport {
    /// The file (`-` for standard input).
    pub file: String,
    /// `instrument` or `assessment`, when the `format` field could be read.
    pub kind: Option<String>,
    /// Lowercase hex SHA-256 of the file, when it could be read.
    pub sha256: Option<String>,
    /// Whether the file is valid (no problems).
    pub valid: bool,
    /// Every problem found.
    pub problems: Vec<Diagnostic>,
}

/// Validate each file: instruments on their own, assessments against
/// `instrument` (or the built-in they name). Never stops at the first problem.
pub fn validate_files(files: &[PathBuf], instrument: Option<&LoadedInstrument>) -> ValidationReport {
    let files: Vec<FileReport> = files.iter().map(|f| validate_file(f, instrument)).collect();
    ValidationReport {
        format: p2ham_model::format::VALIDATION,
        valid: files.iter().all(|f| f.valid),
        files,
    }
}

/// [`validate_files`] with the instrument given as on the command line (a
/// path, `-` or a built-in id): when that instrument cannot be loaded, the
/// report says so as the entry of the instrument itself, and the assessments
/// are not checked against anything else.
pub fn validate_with(files: &[PathBuf], instrument: Option<&str>) -> ValidationReport {
    match instrument.map(crate::load_instrument).transpose() {
        Ok(loaded) => validate_files(files, loaded.as_ref()),
        Err(e) => ValidationReport {
            format: p2ham_model::format::VALIDATION,
            valid: false,
            files: vec![FileReport {
                file: instrument.unwrap_or_default().to_owned(),
                kind: Some("instrument".into()),
                sha256: None,
                valid: false,
                problems: e.diagnostics(),
            }],
        },
    }
}

fn validate_file(path: &Path, instrument: Option<&LoadedInstrument>) -> FileReport {
    let file = display(path);
    let mut report = FileReport {
        file: file.clone(),
        kind: None,
        sha256: None,
        valid: false,
        problems: vec![],
    };
    let bytes = match read_input(path) {
        Ok(b) => b,
        Err(e) => {
            report.problems = e.diagnostics();
            return report;
        }
    };
    report.sha256 = Some(sha256_hex(&bytes));
    let toml = is_toml(path);
    let result = detect_kind(&file, &bytes, toml).and_then(|kind| {
        report.kind = Some(match kind {
            DocumentKind::Instrument => "instrument".into(),
            DocumentKind::Assessment => "assessment".into(),
        });
        match kind {
            DocumentKind::Instrument => instrument_from_bytes(&file, &bytes, toml).map(|_| ()),
            DocumentKind::Assessment => {
                let assessment = parse_assessment(&file, &bytes)?;
                let loaded = LoadedAssessment {
                    assessment,
                    sha256: sha256_hex(&bytes),
                    file: file.clone(),
                    path: path.into(),
                };
                let ins = instrument_for(&loaded, instrument)?;
                check_assessment(&loaded, &ins)
            }
        }
    });
    match result {
        Ok(()) => report.valid = true,
        Err(e) => report.problems = e.diagnostics(),
    }
    report
}
