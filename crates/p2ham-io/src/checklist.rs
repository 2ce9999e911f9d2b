//! The spreadsheet checklist (`p2ham-checklist/1`): its cell layout, its
//! machine-readable metadata, and the exact import of a filled checklist
//! (XLSX, ODS or CSV) back into a `p2ham-assessment/1` document.
//!
//! A checklist names everything the import needs in its metadata: a hidden
//! worksheet `p2ham` (in a CSV: the first row) holding the format tag in `A1`,
//! the [`ChecklistMeta`] as JSON in `B1` and its seal (`sha256:` of that JSON)
//! in `C1`. The metadata says which instrument (id, version, SHA-256 digest)
//! the checklist was made from, for which unit kind and stage, and where every
//! cell is: the cover's fields and the row of every indicator. The columns of
//! an indicator row are fixed by this format version (see [`mod@column`]).
//!
//! The import reads only the cells the file holds (never the sheet's declared
//! range), takes every answer as text (option labels in Indonesian or English,
//! or option codes, mapped to codes; no number passes through `f64`), checks
//! that the locked cells (indicator ids, weights, unit kind) still hold what
//! the template wrote, and reports every problem with its cell, e.g.
//! `Kriteria A!D12`.
//!
//! ```
//! use p2ham_io::{checklist::import_checklist, checklist::ChecklistError, checklist::ImportOptions};
//!
//! let instrument = p2ham_io::builtin("p2ham-2022").unwrap();
//! let err = import_checklist("unit.csv", b"indicator,answer\nA.01,Ada\n", instrument, &ImportOptions::default())
//!     .unwrap_err();
//! assert!(matches!(err, ChecklistError::NotAChecklist { .. }));
//! ```

use std::collections::HashMap;
use std::fmt;
use std::io::Cursor;

use calamine::{Data, DataRef, Reader};
use p2ham_model::{
    evidence_path_problem, is_iso_date, is_sha256_hex, Answer, Assessment, AssessmentFormat, Assessor, Code,
    Diagnostic, EvidenceRef, InstrumentRef, InstrumentStamp, Lang, Stage, Unit,
};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::archive::{check_zip, is_zip, size_words, InflateLimits, Refusal};
use crate::{digest::sha256_hex, document::LoadedInstrument, formula::formula_unescape};

/// The format tag of a checklist, written in the metadata's `A1`.
pub const CHECKLIST_FORMAT: &str = p2ham_model::format::CHECKLIST;

/// The name of the hidden worksheet holding the metadata and the answer lists.
pub const META_SHEET: &str = "p2ham";

/// The columns of an indicator row (0-based), fixed by format version 1.
pub mod column {
    /// Indicator id (locked).
    pub const ID: u16 = 0;
    /// Indicator title (locked).
    pub const TITLE: u16 = 1;
    /// Indicator weight (locked).
    pub const WEIGHT: u16 = 2;
    /// The answer: an option label of the indicator's scale (drop-down).
    pub const ANSWER: u16 = 3;
    /// The self-assessment's answer, read-only, in a verification template.
    pub const SELF_ANSWER: u16 = 4;
    /// Why the indicator does not apply ("tidak berlaku"); makes it excluded.
    pub const NOT_APPLICABLE: u16 = 5;
    /// Free note.
    pub const NOTE: u16 = 6;
    /// Evidence file paths, one per line.
    pub const EVIDENCE: u16 = 7;
    /// The SHA-256 of each evidence file, line by line (optional).
    pub const SHA256: u16 = 8;
    /// The caption of each evidence file, line by line (optional).
    pub const CAPTION: u16 = 9;
    /// Principles served (locked, information).
    pub const PRINCIPLES: u16 = 10;
    /// Vulnerable groups served (locked, information).
    pub const GROUPS: u16 = 11;
    /// Evidence rule and mandatory flag (locked, information).
    pub const RULE: u16 = 12;
    /// The option's value, computed (XLSX only).
    pub const VALUE: u16 = 13;
    /// The weight counted: 0 when the indicator does not apply (XLSX only).
    pub const COUNTED_WEIGHT: u16 = 14;
    /// The points earned (XLSX only).
    pub const EARNED: u16 = 15;
}

/// Where the cover's fields are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverCells {
    /// The worksheet (empty in a CSV: the file itself).
    pub sheet: String,
    /// Unit id cell, e.g. `B5`.
    pub unit_id: String,
    /// Unit name cell.
    pub unit_name: String,
    /// Unit kind cell (locked).
    pub unit_kind: String,
    /// Supervising office cell.
    pub office: String,
    /// Period cell.
    pub period: String,
    /// Date of the assessment cell.
    pub assessed_on: String,
    /// First row (1-based) of the assessors.
    pub assessors_row: u32,
    /// How many assessor rows there are.
    pub assessors_rows: u32,
    /// Column of the assessor's name (0-based).
    pub assessor_name_column: u16,
    /// Column of the assessor's role (0-based).
    pub assessor_role_column: u16,
}

/// Where a criterion is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriterionCells {
    /// The criterion id.
    pub id: String,
    /// Its worksheet.
    pub sheet: String,
    /// The cell holding its weight (locked), when the file has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<String>,
}

/// Where an indicator's row is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorCells {
    /// The indicator id.
    pub id: String,
    /// Its worksheet (empty in a CSV).
    pub sheet: String,
    /// Its row, 1-based.
    pub row: u32,
}

/// The machine-readable metadata of a checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistMeta {
    /// Always [`CHECKLIST_FORMAT`].
    pub format: String,
    /// The instrument the checklist was made from.
    pub instrument: InstrumentStamp,
    /// The unit kind (only the indicators that apply to it are listed).
    pub unit_kind: String,
    /// The stage the checklist is for.
    pub stage: Stage,
    /// The language of labels and headings.
    pub lang: Lang,
    /// For a verification made from a self-assessment: `sha256:` of that file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verifies: Option<String>,
    /// The cover's cells.
    pub cover: CoverCells,
    /// The criteria, in instrument order.
    pub criteria: Vec<CriterionCells>,
    /// The indicators, in instrument order.
    pub indicators: Vec<IndicatorCells>,
}

impl ChecklistMeta {
    /// The metadata as written into the file: its JSON and the seal of that JSON.
    pub fn sealed(&self) -> (String, String) {
        let json = serde_json::to_string(self).expect("metadata serialises");
        let seal = format!("sha256:{}", sha256_hex(json.as_bytes()));
        (json, seal)
    }
}

/// One problem in one cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellProblem {
    /// The cell, e.g. `Kriteria A!D12` (in a CSV: `file.csv!D12`).
    pub cell: String,
    /// The stable code.
    pub code: Code,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for CellProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: error[{}]: {}", self.cell, self.code, self.message)
    }
}

/// Errors of importing a checklist. Every variant names the file; cell
/// problems also the sheet and cell.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChecklistError {
    /// The file is no spreadsheet or CSV that can be read.
    #[error("{file}: cannot read the checklist: {message} [unreadable]")]
    Unreadable {
        /// The file.
        file: String,
        /// What went wrong.
        message: String,
    },
    /// The file has no checklist metadata: it was not made by `p2ham template`.
    #[error("{file}: not a P2HAM checklist: {message} [not-a-checklist]")]
    NotAChecklist {
        /// The file.
        file: String,
        /// What is missing.
        message: String,
    },
    /// The metadata was edited, or is of another format version.
    #[error("{file}: {cell}: the checklist's metadata {message} [metadata]")]
    Metadata {
        /// The file.
        file: String,
        /// The metadata cell, e.g. `p2ham!B1`.
        cell: String,
        /// What is wrong.
        message: String,
    },
    /// The checklist was made from another instrument (or another version or
    /// revision of it) than the one used to import it.
    #[error("{file}: the checklist was made from instrument {found} but is read with {expected}; import it with the instrument it was made from [instrument-mismatch]")]
    InstrumentMismatch {
        /// The file.
        file: String,
        /// The instrument the metadata names: `id version (sha256:…)`.
        found: String,
        /// The instrument used: `id version (sha256:…)`.
        expected: String,
    },
    /// A part of the file inflates, or its cells expand, beyond the bounds of
    /// a checklist: refused before the memory is spent.
    #[error("{file}: {part}: {message}; a checklist is far smaller, make a new one with `p2ham template` [too-large]")]
    TooLarge {
        /// The file.
        file: String,
        /// The part of the file, e.g. `xl/sharedStrings.xml` or `worksheet `Sampul``.
        part: String,
        /// Which bound was broken.
        message: String,
    },
    /// Cells that break the checklist's rules: every one of them.
    #[error("{file}: {} problem(s):\n{}", problems.len(), problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Cells {
        /// The file.
        file: String,
        /// Every problem found (never empty), in sheet and row order.
        problems: Vec<CellProblem>,
    },
}

impl ChecklistError {
    /// The stable code of this error.
    pub fn code(&self) -> Code {
        match self {
            ChecklistError::Unreadable { .. } => Code::Unreadable,
            ChecklistError::NotAChecklist { .. } => Code::NotAChecklist,
            ChecklistError::Metadata { .. } => Code::Metadata,
            ChecklistError::InstrumentMismatch { .. } => Code::InstrumentMismatch,
            ChecklistError::TooLarge { .. } => Code::TooLarge,
            ChecklistError::Cells { .. } => Code::Cells,
        }
    }
}

/// Options of the import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Accept indicators left unanswered (they score as `missing`) instead of
    /// reporting each as a `missing-answer` problem.
    pub allow_missing: bool,
}

/// A cell as read.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Text(String),
    Number(f64),
    /// A whole-day date as `YYYY-MM-DD`, or a date-time as shown.
    Date {
        shown: String,
        whole_day: bool,
    },
    Bool(bool),
    Error(String),
    /// A formula (its text, without `=`): never read for its cached result.
    Formula(String),
}

/// The non-empty cells of one sheet, by 0-based (row, column).
type Grid = HashMap<(u32, u16), Cell>;

/// Spreadsheet column letters of a 0-based index: 0 → A, 26 → AA.
pub fn column_letters(index: u16) -> String {
    crate::skm::column_letters(usize::from(index))
}

/// The A1 name of a 0-based cell.
pub fn cell_name(row: u32, col: u16) -> String {
    format!("{}{}", column_letters(col), row + 1)
}

/// Parse an A1 cell name into a 0-based (row, column).
fn parse_cell(name: &str) -> Option<(u32, u16)> {
    let split = name.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = name.split_at(split);
    if letters.is_empty() || letters.len() > 3 || !letters.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let mut col: u32 = 0;
    for b in letters.bytes() {
        col = col * 26 + u32::from(b - b'A') + 1;
    }
    let row: u32 = digits.parse().ok()?;
    if row == 0 || col == 0 || col > 16_384 || row > 1_048_576 {
        return None;
    }
    Some((row - 1, u16::try_from(col - 1).ok()?))
}

/// A workbook as read: the sheets the import needs.
struct Book {
    sheets: HashMap<String, Grid>,
    /// Whether the file was a CSV (one sheet, named "").
    csv: bool,
}

/// A read checklist: its metadata (seal checked) and its cells.
pub struct Checklist {
    file: String,
    meta: ChecklistMeta,
    book: Book,
}

impl fmt::Debug for Checklist {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Checklist")
            .field("file", &self.file)
            .field("meta", &self.meta)
            .finish_non_exhaustive()
    }
}

/// The most bytes one part of a zipped checklist (XLSX, ODS) may inflate to.
pub const MAX_CHECKLIST_PART_BYTES: u64 = 16 << 20;
/// The most bytes all parts of a zipped checklist may inflate to together.
pub const MAX_CHECKLIST_INFLATED_BYTES: u64 = 64 << 20;
/// The most parts a zipped checklist may list (a checklist has a few dozen).
pub const MAX_CHECKLIST_PARTS: usize = 1000;
/// The most cells a checklist's worksheets are read into (an ODS's repeated
/// rows and columns counted as the cells they stand for).
pub const MAX_CHECKLIST_CELLS: u64 = 1 << 20;
/// The most bytes of cell text a checklist's worksheets are read into
/// (a shared or repeated text counted at every cell that shows it).
pub const MAX_CHECKLIST_TEXT_BYTES: u64 = 64 << 20;

const CHECKLIST_LIMITS: InflateLimits = InflateLimits {
    part_bytes: MAX_CHECKLIST_PART_BYTES,
    total_bytes: MAX_CHECKLIST_INFLATED_BYTES,
    parts: MAX_CHECKLIST_PARTS,
    cells: MAX_CHECKLIST_CELLS,
    text_bytes: MAX_CHECKLIST_TEXT_BYTES,
};

/// What the cells read so far hold, against the checklist's bounds.
#[derive(Default)]
struct Budget {
    cells: u64,
    text: u64,
}

impl Budget {
    fn take(&mut self, file: &str, sheet: &str, cell: &Cell) -> Result<(), ChecklistError> {
        let text = match cell {
            Cell::Text(t) | Cell::Error(t) | Cell::Formula(t) | Cell::Date { shown: t, .. } => t.len() as u64,
            Cell::Number(_) | Cell::Bool(_) => 0,
        };
        self.cells += 1;
        self.text = self.text.saturating_add(text);
        let message = if self.cells > MAX_CHECKLIST_CELLS {
            format!("holds more than {MAX_CHECKLIST_CELLS} cells (the limit of a checklist)")
        } else if self.text > MAX_CHECKLIST_TEXT_BYTES {
            format!(
                "holds more than {} of cell text (the limit of a checklist)",
                size_words(MAX_CHECKLIST_TEXT_BYTES)
            )
        } else {
            return Ok(());
        };
        Err(ChecklistError::TooLarge {
            file: file.to_owned(),
            part: format!("worksheet `{sheet}`"),
            message,
        })
    }
}

fn is_zip_or_ole(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

fn date_cell(d: &calamine::ExcelDateTime) -> Cell {
    let (y, mo, day, h, mi, s, ms) = d.to_ymd_hms_milli();
    let whole_day = (h, mi, s, ms) == (0, 0, 0, 0) && !d.is_duration();
    let shown = if whole_day {
        format!("{y:04}-{mo:02}-{day:02}")
    } else {
        format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}:{s:02}")
    };
    Cell::Date { shown, whole_day }
}

fn iso_cell(s: &str) -> Cell {
    let whole_day = is_iso_date(s);
    Cell::Date {
        shown: s.to_owned(),
        whole_day,
    }
}

fn from_data_ref(d: DataRef<'_>) -> Option<Cell> {
    Some(match d {
        DataRef::Empty => return None,
        DataRef::String(s) => Cell::Text(s),
        DataRef::SharedString(s) => Cell::Text(s.to_owned()),
        #[allow(clippy::cast_precision_loss)]
        DataRef::Int(i) => Cell::Text(i.to_string()),
        DataRef::Float(f) => Cell::Number(f),
        DataRef::Bool(b) => Cell::Bool(b),
        DataRef::Error(e) => Cell::Error(e.to_string()),
        DataRef::DateTime(d) => date_cell(&d),
        DataRef::DateTimeIso(s) => iso_cell(&s),
        DataRef::DurationIso(s) => Cell::Error(format!("the duration {s}")),
    })
}

fn from_data(d: &Data) -> Option<Cell> {
    Some(match d {
        Data::Empty => return None,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Text(i.to_string()),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::Error(e) => Cell::Error(e.to_string()),
        Data::DateTime(d) => date_cell(d),
        Data::DateTimeIso(s) => iso_cell(s),
        Data::DurationIso(s) => Cell::Error(format!("the duration {s}")),
    })
}

/// Read the named sheets of a spreadsheet; only the cells the file holds.
fn read_spreadsheet(file: &str, bytes: &[u8]) -> Result<(ChecklistMeta, Book), ChecklistError> {
    let unreadable = |message: String| ChecklistError::Unreadable {
        file: file.to_owned(),
        message,
    };
    if is_zip(bytes) {
        check_zip(bytes, &CHECKLIST_LIMITS).map_err(|refusal| match refusal {
            Refusal::Unreadable(message) => unreadable(message),
            Refusal::TooLarge { part, message } => ChecklistError::TooLarge {
                file: file.to_owned(),
                part: format!("part `{part}`"),
                message,
            },
        })?;
    }
    let mut workbook =
        calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| unreadable(e.to_string()))?;
    let names = workbook.sheet_names();
    let mut budget = Budget::default();
    if !names.iter().any(|n| n == META_SHEET) {
        return Err(ChecklistError::NotAChecklist {
            file: file.to_owned(),
            message: format!(
                "no hidden worksheet `{META_SHEET}` with the checklist's metadata (worksheets: {}); make the checklist with `p2ham template`",
                names.join(", ")
            ),
        });
    }
    let mut read = |name: &str| -> Result<Grid, ChecklistError> {
        let mut grid = Grid::new();
        if let calamine::Sheets::Xlsx(x) = &mut workbook {
            // Stream the cells the sheet's XML holds; its declared dimension is never used.
            let mut cells = x
                .worksheet_cells_reader(name)
                .map_err(|e| unreadable(format!("worksheet `{name}`: {e}")))?;
            while let Some(cell) = cells
                .next_cell_with_formula()
                .map_err(|e| unreadable(format!("worksheet `{name}`: {e}")))?
            {
                let (row, col) = cell.pos;
                // A formula is kept as one, never read for the result it cached.
                let value = match cell.formula.filter(|f| !f.is_empty()) {
                    Some(f) => Some(Cell::Formula(f)),
                    None => from_data_ref(cell.value),
                };
                if let (Some(value), Ok(col)) = (value, u16::try_from(col)) {
                    budget.take(file, name, &value)?;
                    grid.insert((row, col), value);
                }
            }
        } else {
            let range = workbook
                .worksheet_range(name)
                .map_err(|e| unreadable(format!("worksheet `{name}`: {e}")))?;
            for (row, col, value) in range.used_cells() {
                let (Some(row), Ok(col)) = (
                    range
                        .start()
                        .map(|s| s.0 + u32::try_from(row).unwrap_or(u32::MAX)),
                    u16::try_from(range.start().map_or(0, |s| s.1) as usize + col),
                ) else {
                    continue;
                };
                if let Some(value) = from_data(value) {
                    budget.take(file, name, &value)?;
                    grid.insert((row, col), value);
                }
            }
            // Formulas replace the results they cached.
            let formulas = workbook
                .worksheet_formula(name)
                .map_err(|e| unreadable(format!("worksheet `{name}`: {e}")))?;
            for (row, col, formula) in formulas.used_cells() {
                let (Some(row), Ok(col)) = (
                    formulas
                        .start()
                        .map(|s| s.0 + u32::try_from(row).unwrap_or(u32::MAX)),
                    u16::try_from(formulas.start().map_or(0, |s| s.1) as usize + col),
                ) else {
                    continue;
                };
                if !formula.is_empty() {
                    let value = Cell::Formula(formula.clone());
                    budget.take(file, name, &value)?;
                    grid.insert((row, col), value);
                }
            }
        }
        Ok(grid)
    };
    let meta_grid = read(META_SHEET)?;
    let meta = parse_meta(file, &meta_grid, &format!("{META_SHEET}!"))?;
    let mut sheets = HashMap::new();
    let wanted: Vec<&String> = std::iter::once(&meta.cover.sheet)
        .chain(meta.criteria.iter().map(|c| &c.sheet))
        .chain(meta.indicators.iter().map(|i| &i.sheet))
        .collect();
    for name in wanted {
        if sheets.contains_key(name) {
            continue;
        }
        if !names.iter().any(|n| n == name) {
            return Err(ChecklistError::Cells {
                file: file.to_owned(),
                problems: vec![CellProblem {
                    cell: format!("{name}!A1"),
                    code: Code::LockedCellChanged,
                    message: format!(
                        "the worksheet `{name}` is missing (renamed or deleted?); the checklist's worksheets are locked (found: {})",
                        names.join(", ")
                    ),
                }],
            });
        }
        let grid = read(name)?;
        sheets.insert(name.clone(), grid);
    }
    Ok((meta, Book { sheets, csv: false }))
}

/// Read a CSV checklist: one sheet, named "".
fn read_csv(file: &str, bytes: &[u8]) -> Result<(ChecklistMeta, Book), ChecklistError> {
    // UTF-16 (a spreadsheet's "Unicode text") is decoded as a survey CSV is.
    let decoded = crate::skm::csv_text(file, bytes).map_err(|e| ChecklistError::Unreadable {
        file: file.to_owned(),
        message: match e {
            crate::skm::SkmInputError::NotText { message, .. } => message,
            other => other.to_string(),
        },
    })?;
    let bytes = decoded.as_ref();
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // The separator is the byte after the format tag in A1 (quoted or not).
    let start = usize::from(bytes.first() == Some(&b'"'));
    let rest = bytes.get(start..).unwrap_or_default();
    let Some(after) = rest.strip_prefix(CHECKLIST_FORMAT.as_bytes()) else {
        return Err(ChecklistError::NotAChecklist {
            file: file.to_owned(),
            message: format!(
                "cell A1 does not hold `{CHECKLIST_FORMAT}`; expected an XLSX, ODS or CSV checklist made by `p2ham template`"
            ),
        });
    };
    let after = if start == 1 {
        after.strip_prefix(b"\"").unwrap_or(after)
    } else {
        after
    };
    let Some(&delimiter @ (b',' | b';' | b'\t')) = after.first() else {
        return Err(ChecklistError::NotAChecklist {
            file: file.to_owned(),
            message: "row 1 holds no metadata after the format tag (expected `,`, `;` or a tab)".into(),
        });
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    let mut grid = Grid::new();
    let mut record = csv::StringRecord::new();
    // Rows as a spreadsheet numbers them: one per record (a quoted cell may span lines).
    let mut row: u32 = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                return Err(ChecklistError::Unreadable {
                    file: file.to_owned(),
                    message: format!("row {}: malformed CSV: {e}", row + 1),
                })
            }
        }
        for (col, field) in record.iter().enumerate() {
            if !field.is_empty() {
                if let Ok(col) = u16::try_from(col) {
                    // The template writes every cell by the formula rule; its inverse here.
                    grid.insert((row, col), Cell::Text(formula_unescape(field).to_owned()));
                }
            }
        }
        row = row.saturating_add(1);
    }
    let meta = parse_meta(file, &grid, "")?;
    let mut sheets = HashMap::new();
    sheets.insert(String::new(), grid);
    Ok((meta, Book { sheets, csv: true }))
}

/// The most assessor rows a checklist may have (the template refuses to
/// write more).
pub const MAX_ASSESSOR_ROWS: u32 = 1000;

/// The last row of a worksheet (1-based).
const LAST_ROW: u32 = 1_048_576;
/// The last column of a worksheet (0-based: `XFD`).
const LAST_COLUMN: u16 = 16_383;
/// The longest worksheet name a spreadsheet program accepts.
const MAX_SHEET_NAME: usize = 31;

/// Every value of the metadata that names a place, checked to lie inside a
/// worksheet, before anything is read by it: the metadata is input (its seal
/// detects accidents, not forgery).
fn check_meta_ranges(meta: &ChecklistMeta, csv: bool) -> Result<(), String> {
    let sheet = |name: &str, what: &str| -> Result<(), String> {
        if csv && !name.is_empty() {
            return Err(format!(
                "names worksheet `{name}` for {what}, but a CSV checklist has none"
            ));
        }
        if !csv && (name.is_empty() || name.chars().count() > MAX_SHEET_NAME) {
            return Err(format!(
                "names no worksheet a spreadsheet can hold for {what} (1 to {MAX_SHEET_NAME} characters)"
            ));
        }
        Ok(())
    };
    let cover = &meta.cover;
    sheet(&cover.sheet, "the cover")?;
    for (name, what) in [
        (&cover.unit_id, "the unit id"),
        (&cover.unit_name, "the unit name"),
        (&cover.unit_kind, "the unit kind"),
        (&cover.office, "the office"),
        (&cover.period, "the period"),
        (&cover.assessed_on, "the date"),
    ] {
        if parse_cell(name).is_none() {
            return Err(format!(
                "names no cell `{name}` for {what} (expected A1 to XFD1048576)"
            ));
        }
    }
    if cover.assessors_row == 0 || cover.assessors_row > LAST_ROW {
        return Err(format!(
            "puts the assessors at row {}; expected a row from 1 to {LAST_ROW}",
            cover.assessors_row
        ));
    }
    if cover.assessors_rows > MAX_ASSESSOR_ROWS || cover.assessors_rows > LAST_ROW - cover.assessors_row + 1 {
        return Err(format!(
            "gives {} assessor rows from row {}; expected at most {MAX_ASSESSOR_ROWS}, inside the worksheet",
            cover.assessors_rows, cover.assessors_row
        ));
    }
    for (col, what) in [
        (cover.assessor_name_column, "assessor names"),
        (cover.assessor_role_column, "assessor roles"),
    ] {
        if col > LAST_COLUMN {
            return Err(format!(
                "puts the {what} in column {}; expected a column from A to XFD",
                u32::from(col) + 1
            ));
        }
    }
    let mut criteria = std::collections::HashSet::new();
    for c in &meta.criteria {
        sheet(&c.sheet, &format!("criterion `{}`", c.id))?;
        if !criteria.insert(c.id.as_str()) {
            return Err(format!("lists criterion `{}` twice", c.id));
        }
        if let Some(w) = &c.weight {
            if parse_cell(w).is_none() {
                return Err(format!(
                    "names no cell `{w}` for the weight of criterion `{}`",
                    c.id
                ));
            }
        }
    }
    let mut rows = std::collections::HashSet::new();
    for i in &meta.indicators {
        sheet(&i.sheet, &format!("indicator `{}`", i.id))?;
        if i.row == 0 || i.row > LAST_ROW {
            return Err(format!(
                "puts indicator `{}` at row {}; expected a row from 1 to {LAST_ROW}",
                i.id, i.row
            ));
        }
        if !rows.insert((i.sheet.as_str(), i.row)) {
            return Err(format!(
                "puts indicator `{}` on a row another indicator has ({}row {})",
                i.id,
                if i.sheet.is_empty() {
                    String::new()
                } else {
                    format!("{} ", i.sheet)
                },
                i.row
            ));
        }
    }
    if let Some(v) = &meta.verifies {
        if meta.stage != Stage::Verification {
            return Err("names a self-assessment verified, but the checklist is no verification".into());
        }
        if !v.strip_prefix("sha256:").is_some_and(is_sha256_hex) {
            return Err("names the self-assessment verified by no digest; expected `sha256:` and 64 hexadecimal digits".into());
        }
    }
    Ok(())
}

fn parse_meta(file: &str, grid: &Grid, prefix: &str) -> Result<ChecklistMeta, ChecklistError> {
    let text = |col: u16| match grid.get(&(0, col)) {
        Some(Cell::Text(t)) => Some(t.as_str()),
        _ => None,
    };
    let bad = |col: u16, message: String| ChecklistError::Metadata {
        file: file.to_owned(),
        cell: format!("{prefix}{}", cell_name(0, col)),
        message,
    };
    match text(0) {
        Some(CHECKLIST_FORMAT) => {}
        Some(other)
            if other.split_once('/').map(|(name, _)| name)
                == CHECKLIST_FORMAT.split_once('/').map(|(name, _)| name) =>
        {
            return Err(bad(
                0,
                format!("is of format `{other}`; this p2ham reads `{CHECKLIST_FORMAT}`"),
            ))
        }
        _ => return Err(bad(0, format!("lacks its format tag `{CHECKLIST_FORMAT}`"))),
    }
    let json = text(1).ok_or_else(|| bad(1, "is missing".into()))?;
    let seal = text(2).unwrap_or_default();
    let expected = format!("sha256:{}", sha256_hex(json.as_bytes()));
    if seal != expected {
        return Err(bad(
            1,
            "was edited: it no longer matches its seal in C1; make a new checklist with `p2ham template`"
                .into(),
        ));
    }
    let meta: ChecklistMeta =
        serde_json::from_str(json).map_err(|e| bad(1, format!("is not readable: {e}")))?;
    if meta.format != CHECKLIST_FORMAT {
        return Err(bad(1, format!("names format `{}`", meta.format)));
    }
    // A CSV checklist's metadata is read without a sheet prefix.
    check_meta_ranges(&meta, prefix.is_empty()).map_err(|message| bad(1, message))?;
    Ok(meta)
}

/// Read a checklist from its bytes: an XLSX, ODS (or XLS) workbook, or a CSV.
/// `file` names it in messages. The metadata's seal is checked; the cells are
/// checked by [`Checklist::to_assessment`].
pub fn read_checklist(file: &str, bytes: &[u8]) -> Result<Checklist, ChecklistError> {
    let (meta, book) = if is_zip_or_ole(bytes) {
        read_spreadsheet(file, bytes)?
    } else {
        read_csv(file, bytes)?
    };
    Ok(Checklist {
        file: file.to_owned(),
        meta,
        book,
    })
}

/// Read a filled checklist and turn it into an assessment, checked against
/// `instrument` (which must be the one the checklist was made from).
pub fn import_checklist(
    file: &str,
    bytes: &[u8],
    instrument: &LoadedInstrument,
    options: &ImportOptions,
) -> Result<Assessment, ChecklistError> {
    read_checklist(file, bytes)?.to_assessment(instrument, options)
}

/// Collects problems and reads cells.
struct Cells<'a> {
    book: &'a Book,
    file_sheet: String,
    problems: Vec<CellProblem>,
}

impl Cells<'_> {
    fn name(&self, sheet: &str, row: u32, col: u16) -> String {
        if self.book.csv {
            format!("{}!{}", self.file_sheet, cell_name(row, col))
        } else {
            format!("{sheet}!{}", cell_name(row, col))
        }
    }

    fn get(&self, sheet: &str, row: u32, col: u16) -> Option<&Cell> {
        self.book.sheets.get(sheet)?.get(&(row, col))
    }

    fn problem(&mut self, sheet: &str, row: u32, col: u16, code: Code, message: String) {
        let cell = self.name(sheet, row, col);
        self.problems.push(CellProblem { cell, code, message });
    }

    /// The cell's text, trimmed; empty when blank. A cell that holds no text
    /// is a problem (a whole number is taken as its digits).
    fn text(&mut self, sheet: &str, row: u32, col: u16) -> String {
        match self.get(sheet, row, col).cloned() {
            None => String::new(),
            Some(Cell::Text(t)) => t.trim().to_owned(),
            Some(Cell::Number(n)) if n.fract() == 0.0 && n.abs() < 1e15 => {
                #[allow(clippy::cast_possible_truncation)]
                let whole = n as i64;
                whole.to_string()
            }
            Some(Cell::Formula(f)) => {
                self.problem(
                    sheet,
                    row,
                    col,
                    Code::NotText,
                    format!(
                        "the formula `={f}` where text is expected; type the text itself (a formula's result is never read)"
                    ),
                );
                String::new()
            }
            Some(other) => {
                let what = describe(&other);
                self.problem(
                    sheet,
                    row,
                    col,
                    Code::NotText,
                    format!("{what} where text is expected; type the text (format the cell as text)"),
                );
                String::new()
            }
        }
    }

    /// Non-blank text of a cell.
    fn some_text(&mut self, sheet: &str, row: u32, col: u16) -> Option<String> {
        Some(self.text(sheet, row, col)).filter(|t| !t.is_empty())
    }

    /// Lines of a multi-line cell; trailing blank lines dropped, a blank line
    /// in between is a problem.
    fn lines(&mut self, sheet: &str, row: u32, col: u16, what: &str) -> Vec<String> {
        let text = self.text(sheet, row, col);
        let mut lines: Vec<String> = text.lines().map(|l| l.trim().to_owned()).collect();
        while lines.last().is_some_and(String::is_empty) {
            lines.pop();
        }
        if let Some(i) = lines.iter().position(String::is_empty) {
            if what == "file" {
                self.problem(
                    sheet,
                    row,
                    col,
                    Code::Evidence,
                    format!("line {} is blank; give one evidence file per line", i + 1),
                );
            }
        }
        lines
    }
}

fn describe(cell: &Cell) -> String {
    match cell {
        Cell::Text(t) => format!("`{t}`"),
        Cell::Number(n) => format!("the number {n}"),
        Cell::Date { shown, .. } => format!("the date {shown}"),
        Cell::Bool(b) => format!("the true/false value {}", if *b { "TRUE" } else { "FALSE" }),
        Cell::Error(e) => format!("the error value {e}"),
        Cell::Formula(f) => format!("the formula `={f}`"),
    }
}

/// The answer text a cell holds mapped to an option code.
fn option_code<'a>(scale: &'a p2ham_model::Scale, text: &str) -> Option<&'a str> {
    let norm = |s: &str| s.trim().to_lowercase();
    let wanted = norm(text);
    let by_label: Vec<&str> = scale
        .options
        .iter()
        .filter(|o| norm(&o.label.id) == wanted || o.label.en.as_deref().is_some_and(|en| norm(en) == wanted))
        .map(|o| o.code.as_str())
        .collect();
    match by_label.as_slice() {
        [one] => return Some(one),
        [first, rest @ ..] if rest.iter().all(|c| c == first) => return Some(first),
        _ => {}
    }
    if !by_label.is_empty() {
        return None; // ambiguous
    }
    scale
        .options
        .iter()
        .find(|o| o.code == text.trim())
        .map(|o| o.code.as_str())
}

/// The weight a locked cell holds, compared with the instrument's.
fn weight_matches(cell: Option<&Cell>, weight: Decimal) -> bool {
    match cell {
        // A spreadsheet stores the number the template wrote: the nearest double.
        Some(Cell::Number(n)) => weight.to_f64() == Some(*n),
        Some(Cell::Text(t)) => {
            let t = t.trim().replace(',', ".");
            p2ham_model::parse_decimal(&t).is_ok_and(|d| d == weight)
        }
        _ => false,
    }
}

fn stamp(id: &str, version: &str, sha256: &str) -> String {
    format!("{id} {version} (sha256:{sha256})")
}

impl Checklist {
    /// The checklist's metadata.
    pub fn meta(&self) -> &ChecklistMeta {
        &self.meta
    }

    /// The file's name as given.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Turn the checklist into an assessment: every cell checked, every problem
    /// reported with its cell.
    pub fn to_assessment(
        &self,
        instrument: &LoadedInstrument,
        options: &ImportOptions,
    ) -> Result<Assessment, ChecklistError> {
        let ins = instrument.checked.instrument();
        let meta = &self.meta;
        let file = &self.file;
        if meta.instrument.id != ins.id
            || meta.instrument.version != ins.version
            || meta.instrument.sha256 != instrument.sha256
        {
            return Err(ChecklistError::InstrumentMismatch {
                file: file.clone(),
                found: stamp(
                    &meta.instrument.id,
                    &meta.instrument.version,
                    &meta.instrument.sha256,
                ),
                expected: stamp(&ins.id, &ins.version, &instrument.sha256),
            });
        }
        let meta_cell = if self.book.csv {
            format!("{}!B1", self.file_sheet())
        } else {
            format!("{META_SHEET}!B1")
        };
        let tampered = |message: String| ChecklistError::Metadata {
            file: file.clone(),
            cell: meta_cell.clone(),
            message,
        };
        if !ins.unit_kinds.contains(&meta.unit_kind) {
            return Err(tampered(format!(
                "names unit kind `{}`, which instrument `{}` is not for (its kinds: {})",
                meta.unit_kind,
                ins.id,
                ins.unit_kinds.join(", ")
            )));
        }
        // The rows listed must be exactly the indicators that apply to the kind.
        let expected: Vec<&str> = ins
            .indicators()
            .filter(|(_, i)| i.applies_to_kind(&meta.unit_kind))
            .map(|(_, i)| i.id.as_str())
            .collect();
        let listed: Vec<&str> = meta.indicators.iter().map(|i| i.id.as_str()).collect();
        if expected != listed {
            return Err(tampered(format!(
                "lists other indicators than those of `{}` for unit kind `{}`",
                ins.id, meta.unit_kind
            )));
        }

        let mut cells = Cells {
            book: &self.book,
            file_sheet: self.file_sheet(),
            problems: Vec::new(),
        };
        // Cover.
        let cover = &meta.cover;
        let at = |name: &str| parse_cell(name).ok_or_else(|| tampered(format!("names no cell `{name}`")));
        let field = |cells: &mut Cells, name: &str| -> Result<(String, (u32, u16)), ChecklistError> {
            let (r, c) = at(name)?;
            Ok((cells.text(&cover.sheet, r, c), (r, c)))
        };
        let (unit_id, unit_id_at) = field(&mut cells, &cover.unit_id)?;
        let (unit_name, unit_name_at) = field(&mut cells, &cover.unit_name)?;
        let (kind, kind_at) = field(&mut cells, &cover.unit_kind)?;
        let (office, _) = field(&mut cells, &cover.office)?;
        let (period, period_at) = field(&mut cells, &cover.period)?;
        for (value, (r, c), what) in [
            (&unit_id, unit_id_at, "the unit's id, e.g. `kanim-sampit`"),
            (&unit_name, unit_name_at, "the unit's official name"),
            (&period, period_at, "the evaluation period, e.g. `2023`"),
        ] {
            if value.is_empty() {
                cells.problem(
                    &cover.sheet,
                    r,
                    c,
                    Code::Required,
                    format!("blank; expected {what}"),
                );
            }
        }
        if kind != meta.unit_kind {
            cells.problem(
                &cover.sheet,
                kind_at.0,
                kind_at.1,
                Code::LockedCellChanged,
                format!(
                    "the unit kind was changed to `{kind}`; this checklist is for `{}` (a locked cell)",
                    meta.unit_kind
                ),
            );
        }
        let (date_r, date_c) = at(&cover.assessed_on)?;
        let assessed_on = match cells.get(&cover.sheet, date_r, date_c).cloned() {
            None => None,
            Some(Cell::Date {
                shown,
                whole_day: true,
            }) => Some(shown),
            Some(Cell::Text(t)) if t.trim().is_empty() => None,
            Some(Cell::Text(t)) if is_iso_date(t.trim()) => Some(t.trim().to_owned()),
            Some(other) => {
                cells.problem(
                    &cover.sheet,
                    date_r,
                    date_c,
                    Code::Date,
                    format!(
                        "{} is no date; expected a calendar date YYYY-MM-DD, e.g. 2023-03-14",
                        describe(&other)
                    ),
                );
                None
            }
        };
        let mut assessors = Vec::new();
        let mut assessor_rows = Vec::new();
        for k in 0..cover.assessors_rows {
            let r = cover.assessors_row.saturating_sub(1) + k;
            let name = cells.text(&cover.sheet, r, cover.assessor_name_column);
            let role = cells.text(&cover.sheet, r, cover.assessor_role_column);
            match (name.is_empty(), role.is_empty()) {
                (true, true) => {}
                (false, false) => {
                    assessors.push(Assessor { name, role });
                    assessor_rows.push(r);
                }
                (true, false) => cells.problem(
                    &cover.sheet,
                    r,
                    cover.assessor_name_column,
                    Code::Required,
                    format!("blank, but the row gives the role `{role}`; expected the assessor's name"),
                ),
                (false, true) => cells.problem(
                    &cover.sheet,
                    r,
                    cover.assessor_role_column,
                    Code::Required,
                    format!("blank, but the row names `{name}`; expected the assessor's role, e.g. operator"),
                ),
            }
        }

        // Criteria weights (locked).
        for c in &meta.criteria {
            let Some(criterion) = ins.criteria.iter().find(|x| x.id == c.id) else {
                return Err(tampered(format!(
                    "names criterion `{}`, which the instrument lacks",
                    c.id
                )));
            };
            if let Some(w) = &c.weight {
                let (r, col) = at(w)?;
                if !weight_matches(cells.get(&c.sheet, r, col), criterion.weight) {
                    let found = cells
                        .get(&c.sheet, r, col)
                        .map_or_else(|| "blank".to_owned(), describe);
                    cells.problem(
                        &c.sheet,
                        r,
                        col,
                        Code::LockedCellChanged,
                        format!(
                            "the weight of criterion {} was changed to {found}; the instrument says {} (a locked cell)",
                            c.id, criterion.weight
                        ),
                    );
                }
            }
        }

        // Indicator rows.
        let mut answers = Vec::new();
        let mut answer_rows: Vec<&IndicatorCells> = Vec::new();
        for (row_meta, (_, ind)) in meta.indicators.iter().zip(
            ins.indicators()
                .filter(|(_, i)| i.applies_to_kind(&meta.unit_kind)),
        ) {
            let sheet = &row_meta.sheet;
            let r = row_meta.row.saturating_sub(1);
            let id = cells.text(sheet, r, column::ID);
            if id != ind.id {
                cells.problem(
                    sheet,
                    r,
                    column::ID,
                    Code::LockedCellChanged,
                    format!(
                        "the indicator id was changed to `{id}`; this row is indicator {} (a locked cell; do not move or sort rows)",
                        ind.id
                    ),
                );
                continue;
            }
            if !weight_matches(cells.get(sheet, r, column::WEIGHT), ind.weight) {
                let found = cells
                    .get(sheet, r, column::WEIGHT)
                    .map_or_else(|| "blank".to_owned(), describe);
                cells.problem(
                    sheet,
                    r,
                    column::WEIGHT,
                    Code::LockedCellChanged,
                    format!(
                        "the weight of indicator {} was changed to {found}; the instrument says {} (a locked cell)",
                        ind.id, ind.weight
                    ),
                );
            }
            let scale = ins.scale(&ind.scale).expect("checked instrument");
            let labels = || {
                scale
                    .options
                    .iter()
                    .map(|o| o.label.get(meta.lang).to_owned())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let before = cells.problems.len();
            let answer_text = cells.text(sheet, r, column::ANSWER);
            // An answer cell that holds no text is reported once, as such.
            let answer_unreadable = cells.problems.len() > before;
            let reason = cells.some_text(sheet, r, column::NOT_APPLICABLE);
            let note = cells.some_text(sheet, r, column::NOTE);
            let files = cells.lines(sheet, r, column::EVIDENCE, "file");
            let hashes = cells.lines(sheet, r, column::SHA256, "hash");
            let captions = cells.lines(sheet, r, column::CAPTION, "caption");
            let na_cell = cell_name(r, column::NOT_APPLICABLE);
            let value = if answer_text.is_empty() {
                None
            } else if let Some(code) = option_code(scale, &answer_text) {
                Some(code.to_owned())
            } else {
                cells.problem(
                    sheet,
                    r,
                    column::ANSWER,
                    Code::UnknownLabel,
                    format!(
                        "`{answer_text}` is not an answer to {}; expected one of: {} (or blank, with the reason in {na_cell} when the indicator does not apply)",
                        ind.id,
                        labels()
                    ),
                );
                continue;
            };
            if value.is_some() && reason.is_some() {
                cells.problem(
                    sheet,
                    r,
                    column::ANSWER,
                    Code::AnswerAndNotApplicable,
                    format!(
                        "indicator {} is answered `{answer_text}` and also marked as not applying in {na_cell}; keep one of them",
                        ind.id
                    ),
                );
                continue;
            }
            if value.is_none() && reason.is_none() {
                if answer_unreadable {
                    continue;
                }
                let extra = note.is_some() || !files.is_empty();
                if !options.allow_missing || extra {
                    cells.problem(
                        sheet,
                        r,
                        column::ANSWER,
                        Code::MissingAnswer,
                        format!(
                            "indicator {} has no answer{}; expected one of: {}, or the reason in {na_cell} when the indicator does not apply",
                            ind.id,
                            if extra { " (but a note or evidence)" } else { "" },
                            labels()
                        ),
                    );
                }
                continue;
            }
            let mut evidence = Vec::new();
            for (k, path) in files.iter().enumerate() {
                if let Some(why) = evidence_path_problem(path) {
                    cells.problem(
                        sheet,
                        r,
                        column::EVIDENCE,
                        Code::Evidence,
                        format!("line {}: `{path}`: {why}", k + 1),
                    );
                }
                let sha256 = hashes
                    .get(k)
                    .filter(|h| !h.is_empty())
                    .map(|h| h.to_ascii_lowercase());
                if let Some(h) = &sha256 {
                    if !is_sha256_hex(h) {
                        cells.problem(
                            sheet,
                            r,
                            column::SHA256,
                            Code::Sha256,
                            format!(
                                "line {}: `{h}` is no SHA-256; expected 64 hexadecimal digits",
                                k + 1
                            ),
                        );
                    }
                }
                let caption = captions.get(k).filter(|c| !c.is_empty()).cloned();
                evidence.push(EvidenceRef {
                    path: path.clone(),
                    sha256,
                    caption,
                });
            }
            for (col, n, what) in [
                (column::SHA256, hashes.len(), "SHA-256 lines"),
                (column::CAPTION, captions.len(), "caption lines"),
            ] {
                if n > files.len() {
                    cells.problem(
                        sheet,
                        r,
                        col,
                        Code::Evidence,
                        format!(
                            "{n} {what} but {} evidence file(s) in {}; give one line per file, in the same order",
                            files.len(),
                            cell_name(r, column::EVIDENCE)
                        ),
                    );
                }
            }
            answers.push(Answer {
                indicator: ind.id.clone(),
                value,
                not_applicable: reason,
                evidence,
                note,
            });
            answer_rows.push(row_meta);
        }

        let assessment = Assessment {
            format: AssessmentFormat::V1,
            instrument: InstrumentRef {
                id: ins.id.clone(),
                version: ins.version.clone(),
            },
            unit: Unit {
                id: unit_id,
                name: unit_name,
                kind: meta.unit_kind.clone(),
                office: Some(office).filter(|o| !o.is_empty()),
            },
            period,
            stage: meta.stage,
            verifies: meta.verifies.clone(),
            assessed_on,
            assessors,
            answers,
        };
        if cells.problems.is_empty() {
            // The assessment format's own rules, mapped back to cells.
            for p in instrument.checked.check(&assessment) {
                let (sheet, r, c) = self.cell_of(&p, &answer_rows, &assessor_rows)?;
                cells.problem(
                    &sheet,
                    r,
                    c,
                    Code::Invalid,
                    format!("{} [{}]", p.message, p.code.as_str()),
                );
            }
        }
        if cells.problems.is_empty() {
            Ok(assessment)
        } else {
            Err(ChecklistError::Cells {
                file: file.clone(),
                problems: cells.problems,
            })
        }
    }

    fn file_sheet(&self) -> String {
        std::path::Path::new(&self.file)
            .file_name()
            .map_or_else(|| self.file.clone(), |n| n.to_string_lossy().into_owned())
    }

    /// The cell a problem of the assessment's rules comes from.
    fn cell_of(
        &self,
        p: &Diagnostic,
        answer_rows: &[&IndicatorCells],
        assessor_rows: &[u32],
    ) -> Result<(String, u32, u16), ChecklistError> {
        let cover = &self.meta.cover;
        let on_cover = |name: &str| {
            let (r, c) = parse_cell(name).unwrap_or((0, 0));
            (cover.sheet.clone(), r, c)
        };
        let index = |rest: &str| -> Option<(usize, String)> {
            let rest = rest.strip_prefix('[')?;
            let end = rest.find(']')?;
            Some((rest[..end].parse().ok()?, rest[end + 1..].to_owned()))
        };
        let path = p.path.as_str();
        Ok(
            if let Some((i, rest)) = path.strip_prefix("answers").and_then(index) {
                let row = answer_rows
                    .get(i)
                    .map_or((String::new(), 0), |m| (m.sheet.clone(), m.row.saturating_sub(1)));
                let col = if rest.starts_with(".not_applicable") {
                    column::NOT_APPLICABLE
                } else if rest.starts_with(".note") {
                    column::NOTE
                } else if rest.ends_with(".sha256") {
                    column::SHA256
                } else if rest.ends_with(".caption") {
                    column::CAPTION
                } else if rest.starts_with(".evidence") {
                    column::EVIDENCE
                } else {
                    column::ANSWER
                };
                (row.0, row.1, col)
            } else if let Some((i, rest)) = path.strip_prefix("assessors").and_then(index) {
                let r = assessor_rows.get(i).copied().unwrap_or(0);
                let col = if rest.starts_with(".role") {
                    cover.assessor_role_column
                } else {
                    cover.assessor_name_column
                };
                (cover.sheet.clone(), r, col)
            } else if path.starts_with("unit.name") {
                on_cover(&cover.unit_name)
            } else if path.starts_with("unit.kind") {
                on_cover(&cover.unit_kind)
            } else if path.starts_with("unit.office") {
                on_cover(&cover.office)
            } else if path.starts_with("unit") {
                on_cover(&cover.unit_id)
            } else if path.starts_with("period") {
                on_cover(&cover.period)
            } else if path.starts_with("assessed_on") {
                on_cover(&cover.assessed_on)
            } else {
                return Err(ChecklistError::Metadata {
                    file: self.file.clone(),
                    cell: if self.book.csv {
                        format!("{}!B1", self.file_sheet())
                    } else {
                        format!("{META_SHEET}!B1")
                    },
                    message: format!("leads to an invalid assessment: {}: {}", p.path, p.message),
                });
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_names_round_trip() {
        for (r, c, name) in [
            (0, 0, "A1"),
            (11, 3, "D12"),
            (0, 25, "Z1"),
            (9, 26, "AA10"),
            (0, 701, "ZZ1"),
            (0, 702, "AAA1"),
        ] {
            assert_eq!(cell_name(r, c), name);
            assert_eq!(parse_cell(name), Some((r, c)));
        }
        for bad in ["", "A", "12", "A0", "a1", "ABCD1", "XFE1", "A1048577"] {
            assert_eq!(parse_cell(bad), None, "{bad}");
        }
    }
}
