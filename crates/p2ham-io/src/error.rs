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
    Skm(#[from] SkmInputError),
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

#[cfg(feature = "spreadsheet")]
/// Errors of SKM input. Every variant names the file; cell errors also the
/// row (as a spreadsheet numbers it), the column header and the cell.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SkmInputError {
    /// A cell that is not a whole number.
    #[error("{file}: row {row}, column {column} (cell {cell}): `{found}` is not an answer; expected a whole number 1–4 or blank")]
    NotAnAnswer {
        /// The file.
        file: String,
        /// 1-based row.
        row: usize,
        /// The column's header.
        column: String,
        /// Cell reference, e.g. `D7`.
        cell: String,
        /// The cell's content.
        found: String,
    },
    /// A whole number outside 1–4.
    #[error("{file}: row {row}, column {column} (cell {cell}): {found} is outside 1–4")]
    OutOfRange {
        /// The file.
        file: String,
        /// 1-based row.
        row: usize,
        /// The column's header.
        column: String,
        /// Cell reference, e.g. `D7`.
        cell: String,
        /// The cell's content.
        found: String,
    },
    /// A spreadsheet cell that holds no answer whatever it shows: a date, a
    /// true/false or error value, or a formula without its computed value.
    #[error("{file}: row {row}, column {column} (cell {cell}): {problem}")]
    NotANumber {
        /// The file.
        file: String,
        /// 1-based row.
        row: usize,
        /// The column's header.
        column: String,
        /// Cell reference, e.g. `D7`.
        cell: String,
        /// What the cell holds and what to do.
        problem: String,
    },
    /// A CSV data row with more fields than the header: its cells are shifted.
    #[error("{file}: row {row} has {found} fields, the header has {expected}: {}", extra_fields_hint(*separator))]
    TooManyFields {
        /// The file.
        file: String,
        /// 1-based row.
        row: usize,
        /// The row's fields.
        found: usize,
        /// The header's fields.
        expected: usize,
        /// The CSV's separator.
        separator: char,
    },
    /// A CSV data row that ends before a column that is read (U1…U9, `--by`):
    /// split by another separator, or cells lost.
    #[error(
        "{file}: row {row} has {found} field(s), the header has {expected}: the row ends before the answers; \
         is it separated by another character than `{separator}`? every row must use the header's separator"
    )]
    TooFewFields {
        /// The file.
        file: String,
        /// 1-based row.
        row: usize,
        /// The row's fields.
        found: usize,
        /// The header's fields.
        expected: usize,
        /// The CSV's separator.
        separator: char,
    },
    /// A column that the header lacks.
    #[error("{file}: row {row} (header): no column {column}; expected U1…U9 (found: {found})")]
    MissingColumn {
        /// The file.
        file: String,
        /// Row of the header.
        row: usize,
        /// The column looked for.
        column: String,
        /// The header's columns.
        found: String,
    },
    /// A column the header names twice.
    #[error("{file}: row {row} (header): column {column} appears twice (cells {first} and {second})")]
    DuplicateColumn {
        /// The file.
        file: String,
        /// Row of the header.
        row: usize,
        /// The column.
        column: String,
        /// First cell.
        first: String,
        /// Second cell.
        second: String,
    },
    /// A file without any row.
    #[error("{file}: empty; expected a header row with U1…U9 and one row per respondent")]
    Empty {
        /// The file.
        file: String,
    },
    /// No row below the header answers any element.
    #[error("{file}: no respondents: no row below the header (row {row}) answers any of U1…U9")]
    NoRespondents {
        /// The file.
        file: String,
        /// Row of the header.
        row: usize,
    },
    /// An element that no respondent answered.
    #[error("{file}: column {column}: no respondent answered this element{}",
        group.as_ref().map(|(by, v)| format!(" in group {by} = `{v}`")).unwrap_or_default())]
    Unanswered {
        /// The file.
        file: String,
        /// The element's column header.
        column: String,
        /// The grouping column and value, when computing per group.
        group: Option<(String, String)>,
    },
    /// The CSV could not be read.
    #[error("{file}: row {}: malformed CSV: {message}", row.map_or_else(|| "?".to_owned(), |r| r.to_string()))]
    Csv {
        /// The file.
        file: String,
        /// Line where the problem starts.
        row: Option<u64>,
        /// What went wrong.
        message: String,
    },
    /// The file is neither CSV text (UTF-8, or UTF-16 with its byte-order mark)
    /// nor a spreadsheet workbook.
    #[error("{file}: {message}")]
    NotText {
        /// The file.
        file: String,
        /// What was found and what was expected.
        message: String,
    },
    /// The spreadsheet could not be read.
    #[error("{file}: cannot read spreadsheet: {message}")]
    Spreadsheet {
        /// The file.
        file: String,
        /// What went wrong.
        message: String,
    },
    /// A `--sheet` that the workbook does not have.
    #[error("{file}: no worksheet `{sheet}` (worksheets: {known})")]
    NoSheet {
        /// The file.
        file: String,
        /// The sheet asked for.
        sheet: String,
        /// The workbook's sheets.
        known: String,
    },
    /// The computation failed.
    #[error("{file}: {source}")]
    Scoring {
        /// The file.
        file: String,
        /// The cause.
        source: p2ham_scoring::skm::SkmError,
    },
}

/// What a row with more fields than its header most likely holds.
#[cfg(feature = "spreadsheet")]
fn extra_fields_hint(separator: char) -> &'static str {
    match separator {
        ',' => "a decimal comma in a comma-separated file? quote it or use ';'",
        ';' => "a `;` inside a cell? quote the cell",
        _ => "a tab inside a cell? quote the cell",
    }
}
