//! Validating many documents at once, reporting every problem of every file.

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::Serialize;

use crate::load::{assessment_from_bytes, check_assessment, instrument_ref, LoadedInstrument};
use crate::parse::{detect_kind, DocumentKind};
use crate::{instrument_from_bytes, sha256_hex, IoError, Source};

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

/// One problem of one file.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Diagnostic {
    /// Stable code, e.g. `unknown-option`.
    pub code: String,
    /// Path inside the document, e.g. `answers[3].value` (empty: the whole document).
    pub path: String,
    /// Line, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Column, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl Diagnostic {
    /// The diagnostics an error stands for (one per problem).
    pub fn from_error(e: &IoError) -> Vec<Diagnostic> {
        match e {
            IoError::Invalid { problems, .. } => problems
                .iter()
                .map(|p| Diagnostic {
                    code: p.code.as_str().into(),
                    path: p.path.clone(),
                    line: None,
                    column: None,
                    message: p.message.clone(),
                })
                .collect(),
            IoError::Syntax {
                line,
                column,
                message,
                ..
            } => vec![Diagnostic {
                code: "syntax".into(),
                path: String::new(),
                line: Some(*line),
                column: Some(*column),
                message: message.clone(),
            }],
            IoError::Shape {
                path,
                line,
                code,
                message,
                ..
            } => vec![Diagnostic {
                code: code.as_str().into(),
                path: path.clone(),
                line: *line,
                column: None,
                message: message.clone(),
            }],
            // The file is already named by the report; the diagnostic points at the id.
            IoError::UnknownInstrument { id, known, .. } => vec![Diagnostic {
                code: e.code().into(),
                path: "instrument.id".into(),
                line: None,
                column: None,
                message: format!(
                    "instrument `{id}` is not built in (built-in: {known}); pass --instrument FILE"
                ),
            }],
            other => vec![Diagnostic {
                code: other.code().into(),
                path: String::new(),
                line: None,
                column: None,
                message: other.to_string(),
            }],
        }
    }
}

/// Validate each file: instruments on their own, assessments against
/// `instrument` (or the built-in they name). Never stops at the first problem.
pub fn validate_files(files: &[PathBuf], instrument: Option<&LoadedInstrument>) -> ValidationReport {
    validate_sources(files.iter().map(Source::file).collect(), instrument)
}

/// [`validate_files`] for documents from any [`Source`], in the order given.
pub fn validate_sources(sources: Vec<Source<'_>>, instrument: Option<&LoadedInstrument>) -> ValidationReport {
    let files: Vec<FileReport> = sources
        .into_iter()
        .map(|s| validate_source(s, instrument))
        .collect();
    ValidationReport {
        format: "p2ham-validation/1",
        valid: files.iter().all(|f| f.valid),
        files,
    }
}

/// The report of an instrument that could not be loaded: one entry, the
/// instrument itself, with its problems (nothing else is checked against
/// another instrument).
pub(crate) fn instrument_failed(name: &str, e: &IoError) -> ValidationReport {
    ValidationReport {
        format: "p2ham-validation/1",
        valid: false,
        files: vec![FileReport {
            file: name.to_owned(),
            kind: Some("instrument".into()),
            sha256: None,
            valid: false,
            problems: Diagnostic::from_error(e),
        }],
    }
}

fn validate_source(source: Source<'_>, instrument: Option<&LoadedInstrument>) -> FileReport {
    let mut report = FileReport {
        file: source.name().to_owned(),
        kind: None,
        sha256: None,
        valid: false,
        problems: vec![],
    };
    let read = match source.read() {
        Ok(b) => b,
        Err(e) => {
            report.problems = Diagnostic::from_error(&e);
            return report;
        }
    };
    report.sha256 = Some(sha256_hex(&read.bytes));
    let toml = read.is_toml();
    let result = detect_kind(&read.name, &read.bytes, toml).and_then(|kind| {
        report.kind = Some(match kind {
            DocumentKind::Instrument => "instrument".into(),
            DocumentKind::Assessment => "assessment".into(),
        });
        match kind {
            DocumentKind::Instrument => instrument_from_bytes(&read.name, &read.bytes, toml).map(|_| ()),
            DocumentKind::Assessment => {
                let loaded = assessment_from_bytes(read)?;
                let ins = instrument_ref(&loaded, instrument)?;
                check_assessment(&loaded, ins)
            }
        }
    });
    match result {
        Ok(()) => report.valid = true,
        Err(e) => report.problems = Diagnostic::from_error(&e),
    }
    report
}
