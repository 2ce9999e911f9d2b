//! The error type of the I/O crate.

use p2ham_model::{located, Code, Diagnostic};

/// What a library message asks for where a frontend has a flag for it. The
/// library says what is needed; a frontend may put its own way of giving it
/// in place of these words (the command line names its flags).
pub mod needs {
    /// An assessment's instrument is not built in: its document is needed.
    pub const INSTRUMENT: &str = "give the instrument document";
    /// Writing would replace an input: another output file is needed.
    pub const OTHER_OUTPUT: &str = "choose another output file";
    /// The output is a folder: a file is needed.
    pub const OUTPUT_FILE: &str = "the output must name a file";
    /// An award read a roll-up of self-assessments: one of verifications is needed.
    pub const VERIFIED_ROLLUP: &str = "roll up verifications only";
    /// Stands for the file of an error about an instrument asked for by its
    /// built-in id (rather than named inside a document): the caller's request.
    pub const ASKED_INSTRUMENT: &str = "the instrument asked for";
}

/// Errors of reading, parsing and writing P2HAM documents. Every variant names
/// the file (`-` for standard input) and, where it applies, the path inside it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IoError {
    /// A file could not be read.
    #[error("{file}: cannot read: {source}")]
    Read {
        /// The file.
        file: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A document larger than the size limit (or an endless stream).
    #[error(
        "{file}: larger than the {offset}-byte limit of one document (stopped reading at byte offset {offset}); \
         set P2HAM_MAX_DOCUMENT_BYTES to raise it"
    )]
    TooLarge {
        /// The file.
        file: String,
        /// The byte offset where reading stopped (the limit).
        offset: u64,
    },
    /// A file could not be written.
    #[error("{file}: cannot write: {source}")]
    Write {
        /// The file.
        file: String,
        /// The cause.
        source: std::io::Error,
    },
    /// An output path that cannot be written as asked (a folder, say).
    #[error("{file}: {message}")]
    Output {
        /// The output path.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// Writing would replace one of the command's inputs.
    #[error("{file}: refusing to overwrite an input file; {}", needs::OTHER_OUTPUT)]
    WouldOverwriteInput {
        /// The output file.
        file: String,
    },
    /// The document is not well-formed.
    #[error("{file}:{line}:{column}: syntax error: {message} [syntax]")]
    Syntax {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser expected.
        message: String,
    },
    /// The document is well-formed but does not have the shape of its format.
    #[error("{file}: {}: {message} [{code}]", if path.is_empty() { "(document)".to_owned() } else { located(path, indicator.as_deref()) })]
    Shape {
        /// The file.
        file: String,
        /// Path inside the document, e.g. `answers[3].value`.
        path: String,
        /// The indicator the path is about, when the path is inside an answer
        /// that names one, e.g. `A.07`.
        indicator: Option<String>,
        /// Line of the problem, when known (JSON).
        line: Option<usize>,
        /// Code: `shape` or `unknown-format`.
        code: p2ham_model::Code,
        /// What was expected.
        message: String,
    },
    /// The document breaks one or more rules of its format.
    #[error("{file}: {} problem(s):\n{}", problems.len(), problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid {
        /// The file.
        file: String,
        /// Every problem found (never empty).
        problems: Vec<Diagnostic>,
    },
    /// An instrument id that is neither a file nor a built-in.
    #[error(
        "{file}: instrument `{id}` is not built in (built-in: {}); {}",
        known.join(", "),
        needs::INSTRUMENT
    )]
    UnknownInstrument {
        /// The document that names it (or the command line).
        file: String,
        /// The id asked for.
        id: String,
        /// The ids of the built-in instruments.
        known: Vec<String>,
    },
    /// A document of another kind than the command expects.
    #[error("{file}: expected a {expected} document, found `format: {found}`")]
    WrongKind {
        /// The file.
        file: String,
        /// The kind expected.
        expected: String,
        /// The `format` found.
        found: String,
    },
    /// A path that is not a readable folder or file.
    #[error("{file}: {message}")]
    Input {
        /// The file or folder.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// Two documents that are not a self-assessment and its verification, or
    /// whose comparison failed; names both files.
    #[error("{self_file} vs {verified_file}: {source}")]
    Compare {
        /// The self-assessment file.
        self_file: String,
        /// The verification file.
        verified_file: String,
        /// The cause.
        source: Box<p2ham_scoring::CompareError>,
    },
    /// Scoring failed.
    #[error("{file}: {source}")]
    Scoring {
        /// The assessment.
        file: String,
        /// The cause.
        source: p2ham_scoring::ScoringError,
    },
    /// SKM survey input is invalid (names file, row and column).
    #[cfg(feature = "spreadsheet")]
    #[error(transparent)]
    Skm(#[from] crate::skm::SkmInputError),
}

impl IoError {
    /// The stable code of this error, as used in diagnostics.
    pub fn code(&self) -> Code {
        match self {
            IoError::Read { .. } => Code::Read,
            IoError::TooLarge { .. } => Code::TooLarge,
            IoError::Write { .. } | IoError::WouldOverwriteInput { .. } | IoError::Output { .. } => {
                Code::Write
            }
            IoError::Syntax { .. } => Code::Syntax,
            IoError::Shape { code, .. } => *code,
            IoError::Invalid { .. } => Code::Invalid,
            IoError::UnknownInstrument { .. } => Code::UnknownInstrument,
            IoError::WrongKind { .. } => Code::WrongKind,
            IoError::Input { .. } => Code::Input,
            IoError::Scoring { .. } => Code::Scoring,
            #[cfg(feature = "spreadsheet")]
            IoError::Skm(_) => Code::Skm,
            IoError::Compare { .. } => Code::Compare,
        }
    }

    /// The diagnostics this error stands for (one per problem), without the
    /// file (the caller names it once for all of them).
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            IoError::Invalid { problems, .. } => problems
                .iter()
                .map(|p| Diagnostic {
                    file: None,
                    ..p.clone()
                })
                .collect(),
            IoError::Syntax {
                line,
                column,
                message,
                ..
            } => vec![Diagnostic::new(Code::Syntax, "", message.clone()).at(Some(*line), Some(*column))],
            IoError::Shape {
                path,
                indicator,
                line,
                code,
                message,
                ..
            } => vec![Diagnostic::new(*code, path.clone(), message.clone())
                .with_indicator(indicator.clone())
                .at(*line, None)],
            // The file is already named by the report; the diagnostic points at the id.
            IoError::UnknownInstrument { id, known, .. } => vec![Diagnostic::new(
                self.code(),
                "instrument.id",
                format!(
                    "instrument `{id}` is not built in (built-in: {}); {}",
                    known.join(", "),
                    needs::INSTRUMENT
                ),
            )],
            other => vec![Diagnostic::new(other.code(), "", other.to_string())],
        }
    }
}

pub(crate) fn display(path: &std::path::Path) -> String {
    if path.as_os_str() == "-" {
        "-".to_owned()
    } else {
        path.display().to_string()
    }
}
