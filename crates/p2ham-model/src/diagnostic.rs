//! The one vocabulary of problems: every stable [`Code`] any P2HAM crate
//! reports (document validation, reading and writing files, roll-up records,
//! checklists, survey input, uploads to the application), and the one
//! [`Diagnostic`] that carries a code with the place it applies to.
//!
//! Codes are stable: the wording of a message may change between versions, a
//! code never does. `docs/diagnostics.md` is generated from [`Code::ALL`].

use std::fmt::{self, Write as _};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Where codes arise, as written in the reference (`docs/diagnostics.md`).
mod arises {
    pub const DOC: &str = "any document read (instrument, assessment, award list, roll-up)";
    pub const INSTRUMENT: &str = "instrument validation";
    pub const ASSESSMENT: &str = "assessment validation (against its instrument)";
    pub const BOTH: &str = "instrument and assessment validation";
    pub const FILES: &str = "reading and writing files";
    pub const CHECKLIST: &str = "checklist import";
    pub const CELL: &str = "checklist import, per cell";
    pub const UPLOAD: &str = "uploads to the application";
}

macro_rules! codes {
    ($( #[doc = $meaning:literal] $variant:ident = $code:literal, $arises:expr; )*) => {
        /// Stable code of a problem. The code names the rule broken; the text
        /// of a message may change, the code never does.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[non_exhaustive]
        pub enum Code {
            $(
                #[doc = $meaning]
                #[serde(rename = $code)]
                $variant,
            )*
        }

        impl Code {
            /// Every code, in the order of the reference.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The code as written in reports, e.g. `duplicate-id`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $code,)*
                }
            }

            /// What the code means, in one sentence (Markdown).
            pub fn meaning(self) -> &'static str {
                match self {
                    $(Code::$variant => $meaning.trim(),)*
                }
            }

            /// Where the code arises.
            pub fn arises(self) -> &'static str {
                match self {
                    $(Code::$variant => $arises,)*
                }
            }
        }
    };
}

codes! {
    /// The file is not well-formed JSON or TOML (line and column are given).
    Syntax = "syntax", arises::DOC;
    /// The document does not have the shape of its format: a missing or unknown field, a wrong type (an array where the schema has an object: records are never read by position), a decimal that cannot be kept exactly, a value outside a closed vocabulary.
    Shape = "shape", arises::DOC;
    /// The `format` tag is not one this version reads (e.g. `p2ham-assessment/2`).
    UnknownFormat = "unknown-format", arises::DOC;
    /// An instrument with no criteria, or no unit kinds.
    EmptyInstrument = "empty-instrument", arises::INSTRUMENT;
    /// A required text or id is empty (instrument id, version, Indonesian title, unit id/name, period, assessor name…).
    EmptyText = "empty-text", arises::BOTH;
    /// An id occurs twice: unit kind, scale, option code, criterion, indicator, or a kind listed twice in `applies_to`.
    DuplicateId = "duplicate-id", arises::INSTRUMENT;
    /// An indicator names a scale the instrument does not define.
    UnknownScale = "unknown-scale", arises::INSTRUMENT;
    /// A scale with no options.
    EmptyScale = "empty-scale", arises::INSTRUMENT;
    /// A unit kind (in `applies_to`, or the assessment's `unit.kind`) that is not among the instrument's `unit_kinds`.
    UnknownUnitKind = "unknown-unit-kind", arises::BOTH;
    /// An option value outside [0, 1].
    OptionValueOutOfRange = "option-value-out-of-range", arises::INSTRUMENT;
    /// A criterion or indicator weight below 0.
    NegativeWeight = "negative-weight", arises::INSTRUMENT;
    /// A criterion with no indicators, or whose indicator weights are all zero.
    ZeroWeightCriterion = "zero-weight-criterion", arises::INSTRUMENT;
    /// Every criterion weight is zero.
    ZeroWeightInstrument = "zero-weight-instrument", arises::INSTRUMENT;
    /// `award.min_total` or `award.min_criterion` outside [0, 100].
    ThresholdOutOfRange = "threshold-out-of-range", arises::INSTRUMENT;
    /// The document names another instrument (id, version, or for a checklist its digest) than the one it is checked against.
    InstrumentMismatch = "instrument-mismatch", "assessment validation, checklist import";
    /// An answer for an indicator the instrument does not define.
    UnknownIndicator = "unknown-indicator", arises::ASSESSMENT;
    /// A second answer for the same indicator (the message names the first).
    DuplicateAnswer = "duplicate-answer", arises::ASSESSMENT;
    /// An answer's `value` is not an option code of the indicator's scale.
    UnknownOption = "unknown-option", arises::ASSESSMENT;
    /// An answer with both `value` and `not_applicable`.
    ConflictingAnswer = "conflicting-answer", arises::ASSESSMENT;
    /// An answer with neither `value` nor `not_applicable`.
    EmptyAnswer = "empty-answer", arises::ASSESSMENT;
    /// `not_applicable` with an empty reason.
    MissingJustification = "missing-justification", arises::ASSESSMENT;
    /// An answer to an indicator whose `applies_to` leaves out the unit's kind.
    IndicatorNotApplicable = "indicator-not-applicable", arises::ASSESSMENT;
    /// `verifies` is not `sha256:` + 64 lowercase hex digits, or an evidence `sha256` is not 64 lowercase hex digits.
    InvalidDigest = "invalid-digest", arises::ASSESSMENT;
    /// `assessed_on` is not a real calendar date `YYYY-MM-DD` (leap years included).
    InvalidDate = "invalid-date", arises::ASSESSMENT;
    /// A self-assessment carries `verifies`; only a verification may.
    VerifiesOnSelf = "verifies-on-self", arises::ASSESSMENT;
    /// An evidence path that is empty, absolute (`/…`, `C:…`), uses `\`, or has a `..` or empty part.
    InvalidEvidencePath = "invalid-evidence-path", arises::ASSESSMENT;
    /// `unit.id` is outside the unit id grammar `^[a-z0-9][a-z0-9._-]*$`.
    InvalidUnitId = "invalid-unit-id", arises::ASSESSMENT;
    /// The assessment names an instrument that is not built in, and no instrument document was given.
    UnknownInstrument = "unknown-instrument", "loading an assessment's instrument, roll-up records";
    /// A file or folder could not be read.
    Read = "read", arises::FILES;
    /// The document is larger than the size limit of one document (256 MiB unless `P2HAM_MAX_DOCUMENT_BYTES` says otherwise), or an endless stream such as `/dev/zero`, or a roll-up line is longer than the line limit (the message names the byte offset where reading stopped); or a part of a zipped spreadsheet (XLSX, ODS) inflates, or its cells expand, beyond the bounds of a checklist or survey (the message names the part).
    TooLarge = "too-large", "reading and writing files, checklist import, survey spreadsheets";
    /// An output file could not be written: the folder is missing or read-only, the output is a folder, or it would replace one of the inputs.
    Write = "write", arises::FILES;
    /// The document breaks one or more rules of its format (each problem is listed with its own code); in a checklist, a cell breaks a rule of the assessment format.
    Invalid = "invalid", "any document read, checklist import (per cell)";
    /// A document of another kind than the one expected (e.g. an instrument where an assessment was expected).
    WrongKind = "wrong-kind", arises::FILES;
    /// An input that cannot be used: not a readable file or folder, a folder without documents, an input without records, or a document that does not fit the command.
    Input = "input", "reading inputs, roll-up records, award inputs";
    /// Scoring failed for a reason other than an invalid document.
    Scoring = "scoring", "scoring, roll-up records";
    /// The survey (SKM) input is invalid; the message names the file, row, column and cell.
    Skm = "skm", "survey (SKM) input";
    /// The two documents are not a self-assessment and its verification of the same unit, period and instrument.
    Compare = "compare", "comparing a self-assessment with its verification";
    /// The checklist file is no spreadsheet or CSV that can be read.
    Unreadable = "unreadable", arises::CHECKLIST;
    /// The file has no checklist metadata: it was not made as a P2HAM checklist.
    NotAChecklist = "not-a-checklist", arises::CHECKLIST;
    /// The checklist's metadata sheet was edited, or is of another format version.
    Metadata = "metadata", arises::CHECKLIST;
    /// Cells of the checklist break its rules (each cell is listed with its own code).
    Cells = "cells", arises::CHECKLIST;
    /// An answer that is no label or code of the indicator's scale.
    UnknownLabel = "unknown-label", arises::CELL;
    /// An indicator neither answered nor marked as not applying.
    MissingAnswer = "missing-answer", arises::CELL;
    /// Both an answer and a reason why the indicator does not apply.
    AnswerAndNotApplicable = "answer-and-not-applicable", arises::CELL;
    /// A locked cell (id, weight, unit kind) or worksheet that no longer holds what the template wrote.
    LockedCellChanged = "locked-cell-changed", arises::CELL;
    /// A required field left blank.
    Required = "required", arises::CELL;
    /// A cell that holds no text (a number, a true/false or error value).
    NotText = "not-text", arises::CELL;
    /// Evidence lines that do not fit: blank lines, more hashes or captions than files, a bad path.
    Evidence = "evidence", arises::CELL;
    /// A SHA-256 that is not 64 hexadecimal digits.
    Sha256 = "sha256", arises::CELL;
    /// A date that is no `YYYY-MM-DD` calendar date.
    Date = "date", arises::CELL;
    /// The uploaded document is for another unit, period, instrument or stage than the URL names.
    WrongCase = "wrong-case", arises::UPLOAD;
    /// An evidence file named by the uploaded self-assessment has not been uploaded.
    EvidenceNotUploaded = "evidence-not-uploaded", arises::UPLOAD;
    /// A verification whose `verifies` does not name the submitted self-assessment.
    VerifiesMissing = "verifies-missing", arises::UPLOAD;
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A code equals its string: `code == "unknown-option"`.
impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// A string that is no [`Code`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a diagnostic code")]
pub struct UnknownCode(pub String);

impl FromStr for Code {
    type Err = UnknownCode;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownCode(s.to_owned()))
    }
}

impl Code {
    /// The reference of every code as a Markdown table (`| code | meaning | arises in |`),
    /// the body of `docs/diagnostics.md`.
    pub fn reference_table() -> String {
        let mut out = String::from("| code | meaning | arises in |\n| --- | --- | --- |\n");
        for c in Code::ALL {
            let _ = writeln!(out, "| `{}` | {} | {} |", c.as_str(), c.meaning(), c.arises());
        }
        out
    }
}

/// One problem, wherever it was found: its stable code, the file, the place
/// inside the document and what is wrong. Model validation, parsing, roll-up
/// records and the application's uploads all report problems as this type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Diagnostic {
    /// The file (`-` for standard input), when the diagnostic is not already
    /// given under its file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Stable code, e.g. `unknown-option`.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub code: Code,
    /// Path inside the document, e.g. `answers[3].value` (empty: the whole document).
    pub path: String,
    /// The indicator the problem is about, when the path is inside one answer
    /// or one indicator, e.g. `A.07`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    /// Line, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Column, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl Diagnostic {
    /// A problem at `path` (no file, line or indicator yet).
    pub fn new(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            file: None,
            code,
            path: path.into(),
            indicator: None,
            line: None,
            column: None,
            message: message.into(),
        }
    }

    /// The same problem, naming its file.
    #[must_use]
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// The same problem, at a line and (when known) a column.
    #[must_use]
    pub fn at(mut self, line: Option<usize>, column: Option<usize>) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    /// The same problem, naming the indicator it is about.
    #[must_use]
    pub fn with_indicator(mut self, indicator: Option<String>) -> Self {
        self.indicator = indicator;
        self
    }

    /// The path, with the indicator when known: `answers[3].value (indicator A.07)`.
    pub fn location(&self) -> String {
        located(&self.path, self.indicator.as_deref())
    }
}

/// A path with the indicator it is about, when known: `answers[3].value (indicator A.07)`.
pub fn located(path: &str, indicator: Option<&str>) -> String {
    match indicator {
        Some(id) if path.is_empty() => format!("(indicator {id})"),
        Some(id) => format!("{path} (indicator {id})"),
        None => path.to_owned(),
    }
}

/// `[file[:line[:column]]: ]path (indicator X): message [code]`.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            f.write_str(file)?;
            if let Some(l) = self.line {
                write!(f, ":{l}")?;
                if let Some(c) = self.column {
                    write!(f, ":{c}")?;
                }
            }
            f.write_str(": ")?;
        }
        write!(f, "{}: {} [{}]", self.location(), self.message, self.code)
    }
}

/// The index of the answer a path is inside (`answers[3].value` → 3).
pub fn answer_index(path: &str) -> Option<usize> {
    let rest = path.strip_prefix("answers[")?;
    let (n, tail) = rest.split_once(']')?;
    (tail.is_empty() || tail.starts_with('.') || tail.starts_with('[')).then_some(())?;
    n.parse().ok()
}

/// The criterion and indicator indices a path is inside
/// (`criteria[1].indicators[4].scale` → (1, 4)).
pub fn indicator_index(path: &str) -> Option<(usize, usize)> {
    let rest = path.strip_prefix("criteria[")?;
    let (c, tail) = rest.split_once(']')?;
    let rest = tail.strip_prefix(".indicators[")?;
    let (i, tail) = rest.split_once(']')?;
    (tail.is_empty() || tail.starts_with('.') || tail.starts_with('[')).then_some(())?;
    Some((c.parse().ok()?, i.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_case_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for &c in Code::ALL {
            let s = c.as_str();
            assert!(seen.insert(s), "`{s}` twice");
            assert!(
                !s.is_empty()
                    && !s.starts_with('-')
                    && !s.ends_with('-')
                    && !s.contains("--")
                    && s.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "`{s}` is not kebab-case"
            );
            assert_eq!(serde_json::to_value(c).unwrap(), s);
            assert_eq!(serde_json::from_value::<Code>(s.into()).unwrap(), c);
            assert_eq!(s.parse::<Code>().unwrap(), c);
            assert_eq!(c.to_string(), s);
            assert!(!c.meaning().is_empty() && !c.arises().is_empty(), "{s}");
        }
        assert!("no-such-code".parse::<Code>().is_err());
    }

    #[test]
    fn a_diagnostic_names_file_place_indicator_and_code() {
        let d = Diagnostic::new(Code::UnknownOption, "answers[3].value", "nope");
        assert_eq!(d.to_string(), "answers[3].value: nope [unknown-option]");
        let d = d.with_indicator(Some("A.07".into()));
        assert_eq!(
            d.to_string(),
            "answers[3].value (indicator A.07): nope [unknown-option]"
        );
        let d = d.in_file("a.json").at(Some(4), Some(9));
        assert_eq!(
            d.to_string(),
            "a.json:4:9: answers[3].value (indicator A.07): nope [unknown-option]"
        );
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(
            json,
            r#"{"file":"a.json","code":"unknown-option","path":"answers[3].value","indicator":"A.07","line":4,"column":9,"message":"nope"}"#
        );
        // Only what is known is written.
        let bare = serde_json::to_string(&Diagnostic::new(Code::Syntax, "", "x")).unwrap();
        assert_eq!(bare, r#"{"code":"syntax","path":"","message":"x"}"#);
    }

    #[test]
    fn paths_inside_an_answer_or_an_indicator() {
        assert_eq!(answer_index("answers[3].value"), Some(3));
        assert_eq!(answer_index("answers[12]"), Some(12));
        assert_eq!(answer_index("answers[0].evidence[1].path"), Some(0));
        assert_eq!(answer_index("answers"), None);
        assert_eq!(answer_index("answers[x].value"), None);
        assert_eq!(answer_index("answers[3]x"), None);
        assert_eq!(indicator_index("criteria[1].indicators[4].scale"), Some((1, 4)));
        assert_eq!(indicator_index("criteria[1].indicators[4]"), Some((1, 4)));
        assert_eq!(indicator_index("criteria[1].weight"), None);
    }
}
