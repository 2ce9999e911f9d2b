//! Validating many documents at once, reporting every problem of every file.

use std::path::PathBuf;

use serde::Serialize;

use crate::document::{assessment_from_bytes, check_assessment, instrument_ref, LoadedInstrument};
use crate::parse::{detect_kind, DocumentKind};
use crate::{digest::sha256_hex, document::instrument_from_bytes, IoError, Source};
use p2ham_model::Diagnostic;

/// The report of `p2ham validate` (`"format": "p2ham-validation/1"`).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(title = "P2HAM validation report"))]
pub struct ValidationReport {
    /// Always `p2ham-validation/1`.
    pub format: &'static str,
    /// Whether every file is valid.
    pub valid: bool,
    /// One entry per file, in the order given.
    pub files: Vec<FileReport>,
}

/// The validation of one file.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FileReport {
    /// The file (`-` for standard input).
    pub file: String,
    /// `instrument`, `assessment` or `awards`, when the `format` field could be read.
    pub kind: Option<String>,
    /// Lowercase hex SHA-256 of the file, when it could be read.
    #[cfg_attr(feature = "schema", schemars(pattern(crate::model::SHA256_PATTERN)))]
    pub sha256: Option<String>,
    /// Whether the file is valid (no problems).
    pub valid: bool,
    /// Every problem found.
    pub problems: Vec<Diagnostic>,
}

/// Validate each file: instruments on their own, assessments against
/// `instrument` (or the built-in they name), award lists by their schema (unit
/// kinds against `instrument` or the built-in each entry names). Never stops
/// at the first problem of a file's kind.
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
        format: p2ham_model::format::VALIDATION,
        valid: files.iter().all(|f| f.valid),
        files,
    }
}

/// The report of an instrument that could not be loaded: one entry, the
/// instrument itself, with its problems (nothing else is checked against
/// another instrument).
pub(crate) fn instrument_failed(name: &str, e: &IoError) -> ValidationReport {
    ValidationReport {
        format: p2ham_model::format::VALIDATION,
        valid: false,
        files: vec![FileReport {
            file: name.to_owned(),
            kind: Some("instrument".into()),
            sha256: None,
            valid: false,
            problems: e.diagnostics(),
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
            report.problems = e.diagnostics();
            return report;
        }
    };
    report.sha256 = Some(sha256_hex(&read.bytes));
    let toml = read.is_toml();
    let result = detect_kind(&read.name, &read.bytes, toml).and_then(|kind| {
        report.kind = Some(match kind {
            DocumentKind::Instrument => "instrument".into(),
            DocumentKind::Assessment => "assessment".into(),
            DocumentKind::AwardList => "awards".into(),
            DocumentKind::AwardRule => "award-rule".into(),
            DocumentKind::AwardComponents => "award-components".into(),
        });
        match kind {
            DocumentKind::Instrument => instrument_from_bytes(&read.name, &read.bytes, toml).map(|_| ()),
            DocumentKind::Assessment => {
                let loaded = assessment_from_bytes(read)?;
                let ins = instrument_ref(&loaded, instrument)?;
                check_assessment(&loaded, ins)
            }
            DocumentKind::AwardList => {
                crate::award::award_list(&read.name, &read.bytes, instrument).map(|_| ())
            }
            DocumentKind::AwardRule => crate::award::award_rule(&read.name, &read.bytes).map(|_| ()),
            DocumentKind::AwardComponents => {
                crate::award::award_components(&read.name, &read.bytes).map(|_| ())
            }
        }
    });
    match result {
        Ok(()) => report.valid = true,
        Err(e) => report.problems = e.diagnostics(),
    }
    report
}
