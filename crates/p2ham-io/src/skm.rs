//! Reading SKM survey answers (CSV or spreadsheet) and rendering the SKM report
//! as JSON, text, Markdown or CSV.
//!
//! The header row is the first row with a cell `U1` (case-insensitive, trimmed),
//! so title rows above it are skipped; without such a row it is the first
//! non-blank row. A CSV's separator is the header's (the one under which a line
//! has a cell `U1`), whatever the title lines above it contain. Columns `U1`…`U9`
//! carry the answers 1–4 (blank = not answered); every other column is ignored
//! unless named by `--by`. A row that answers none of U1…U9 is no respondent.
//! Rows are numbered as a spreadsheet shows them: the header of a plain CSV is
//! row 1, each record one row (even a quoted cell spanning lines), each blank
//! line one row. A CSV data row with more fields than the header is an error
//! (shifted cells: an unquoted decimal comma); a shorter one ends in blanks. A
//! spreadsheet cell that is a date, TRUE/FALSE, an error value or a formula
//! without its computed value is an error naming the cell.
//!
//! ```
//! use p2ham_io::{skm::parse_skm, skm::SkmReadOptions};
//!
//! let csv = "no;U1;U2;U3;U4;U5;U6;U7;U8;U9\n1;4;4;4;4;4;4;4;4;4\n2;3;3;3;3;3;3;3;3;x\n";
//! let err = parse_skm("s.csv", csv.as_bytes(), &SkmReadOptions::default()).unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "s.csv: row 3, column U9 (cell J3): `x` is not an answer; expected a whole number 1–4 or blank"
//! );
//! ```

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader};
use p2ham_scoring::skm::{
    compute, Response, SkmError, SkmOptions, SkmReport, SkmSource, Weights, ELEMENTS, ELEMENT_COUNT,
};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::error::display;
use crate::{digest::sha256_hex, document::read_input, IoError};

pub use crate::error::SkmInputError;

/// Options of reading an SKM file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SkmReadOptions {
    /// A column to group the respondents by (`--by`), matched case-insensitively.
    pub by: Option<String>,
    /// The worksheet of a spreadsheet (default: the first).
    pub sheet: Option<String>,
}

/// Parsed survey answers with where each came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkmData {
    /// One response per respondent, with the `--by` value as its group.
    pub responses: Vec<Response>,
    /// The 1-based row of each response.
    pub rows: Vec<usize>,
    /// Where the answers came from.
    pub source: SkmSource,
    /// Row of the header.
    pub header_row: usize,
    /// The header of U1…U9 as written in the file, and its 0-based column index.
    pub columns: [(String, usize); ELEMENT_COUNT],
    /// The grouping column as written in the file.
    pub by: Option<String>,
}

/// A cell as read. CSV cells are always text; a spreadsheet cell may hold a
/// value that is not an answer whatever its digits.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    /// Text, or a number written as text; empty when blank.
    Text(String),
    /// A date, time or duration.
    Date {
        /// As a spreadsheet shows it, e.g. `2023-03-02`.
        shown: String,
        /// "a date", "a time", "a date and time" or "a duration".
        what: &'static str,
        /// The number under the format, when the file stores one.
        serial: Option<String>,
    },
    /// TRUE or FALSE.
    Bool(bool),
    /// An error value such as `#DIV/0!`.
    Error(String),
    /// A formula whose computed value the file does not hold.
    Formula(String),
}

impl Cell {
    fn is_blank(&self) -> bool {
        matches!(self, Cell::Text(t) if t.is_empty())
    }

    /// The cell as a spreadsheet shows it (a formula without value shows nothing).
    fn shown(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Date { shown, .. } => shown.clone(),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
            Cell::Error(e) => e.clone(),
            Cell::Formula(_) => String::new(),
        }
    }

    /// Why a cell that is not text or a number can be no answer (nor a group).
    fn problem(&self) -> Option<String> {
        match self {
            Cell::Text(_) => None,
            Cell::Date { shown, what, serial } => Some(format!(
                "{shown} is {what}{}, expected an answer 1–4 or blank; format the column as numbers",
                serial
                    .as_ref()
                    .map(|s| format!(" (serial number {s})"))
                    .unwrap_or_default()
            )),
            Cell::Bool(_) => Some(format!(
                "{} is a true/false value, expected an answer 1–4 or blank",
                self.shown()
            )),
            Cell::Error(e) => Some(format!(
                "{e} is an error value, expected an answer 1–4 or blank"
            )),
            Cell::Formula(f) => Some(format!(
                "the formula `={}` has no computed value; open and save the file in a spreadsheet, or enter the value",
                f.trim_start_matches('=')
            )),
        }
    }
}

/// A grid of cells with 1-based row numbers.
struct Table {
    rows: Vec<(usize, Vec<Cell>)>,
    /// The separator of a CSV (whose data rows may not be longer than its header).
    delimiter: Option<u8>,
}

/// Spreadsheet column letters of a 0-based index: 0 → A, 26 → AA.
pub(crate) fn column_letters(mut index: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + u8::try_from(index % 26).expect("below 26"));
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII")
}

fn is_spreadsheet(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// The separators a CSV may use, in order of preference on a tie.
const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

fn csv_reader(bytes: &[u8], delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes)
}

fn field_text(field: &[u8]) -> String {
    String::from_utf8_lossy(field).trim().to_owned()
}

/// The separator of the header line: the one under which some record has a
/// cell `U1` (title lines above the header may contain any separator). On a
/// tie (a header of a single column `U1`…), the one whose header names more of
/// U1…U9, then the earlier header, then `,` before `;` before tab.
fn header_delimiter(bytes: &[u8]) -> Option<u8> {
    let mut best: Option<(usize, std::cmp::Reverse<usize>, u8)> = None;
    for delimiter in DELIMITERS {
        let mut reader = csv_reader(bytes, delimiter);
        let mut record = csv::ByteRecord::new();
        let mut index = 0;
        while let Ok(true) = reader.read_byte_record(&mut record) {
            let cells: Vec<String> = record
                .iter()
                .map(|f| field_text(f).to_ascii_uppercase())
                .collect();
            if cells.iter().any(|c| c == "U1") {
                let named = ELEMENTS
                    .iter()
                    .filter(|e| cells.iter().any(|c| c == e.id))
                    .count();
                let key = (named, std::cmp::Reverse(index));
                if best.is_none_or(|(n, i, _)| key > (n, i)) {
                    best = Some((named, std::cmp::Reverse(index), delimiter));
                }
                break;
            }
            index += 1;
        }
    }
    best.map(|(_, _, d)| d)
}

/// Without any `U1` cell (an error follows): the separator most frequent in
/// the first non-blank line.
#[allow(clippy::naive_bytecount)] // one line: not worth a dependency
fn first_line_delimiter(bytes: &[u8]) -> u8 {
    let first = bytes
        .split(|&b| b == b'\n')
        .find(|l| !l.iter().all(u8::is_ascii_whitespace))
        .unwrap_or(&[]);
    let count = |c: u8| first.iter().filter(|&&b| b == c).count();
    let (semi, comma, tab) = (count(b';'), count(b','), count(b'\t'));
    if semi > comma && semi >= tab {
        b';'
    } else if tab > comma {
        b'\t'
    } else {
        b','
    }
}

/// Blank lines from `from`, the position where the csv reader stopped after a
/// record (or 0), to the next record: csv skips blank lines, but a spreadsheet
/// shows each as an empty row. The reader stops after the first byte of the
/// record's terminator, so the `\n` of a `\r\n` is still there.
fn blank_lines(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    if i > 0 && bytes.get(i - 1) == Some(&b'\r') && bytes.get(i) == Some(&b'\n') {
        i += 1;
    }
    let mut lines = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => i += 2,
            b'\r' | b'\n' => i += 1,
            _ => break,
        }
        lines += 1;
    }
    lines
}

/// The bytes of a CSV as UTF-8: a UTF-16 file ("Unicode text" as Excel saves
/// it) is recognised by its byte-order mark and decoded; binary content (a NUL
/// byte near the start, as in any workbook or random bytes) is refused by name,
/// never echoed.
pub(crate) fn csv_text<'a>(file: &str, bytes: &'a [u8]) -> Result<std::borrow::Cow<'a, [u8]>, SkmInputError> {
    let not_text = |message: &str| SkmInputError::NotText {
        file: file.to_owned(),
        message: message.to_owned(),
    };
    let utf16 = |rest: &[u8], big_endian: bool| -> Result<std::borrow::Cow<'a, [u8]>, SkmInputError> {
        if !rest.len().is_multiple_of(2) {
            return Err(not_text(
                "UTF-16 text with an odd number of bytes: the file is cut short",
            ));
        }
        let units = rest.chunks_exact(2).map(|c| {
            if big_endian {
                u16::from_be_bytes([c[0], c[1]])
            } else {
                u16::from_le_bytes([c[0], c[1]])
            }
        });
        let text: String = char::decode_utf16(units)
            .collect::<Result<_, _>>()
            .map_err(|_| not_text("invalid UTF-16 text (an unpaired surrogate)"))?;
        Ok(std::borrow::Cow::Owned(text.into_bytes()))
    };
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, false);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, true);
    }
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err(not_text(
            "binary content, not CSV text nor a spreadsheet p2ham reads; expected CSV (UTF-8 or UTF-16) \
             or an XLSX, XLS or ODS workbook",
        ));
    }
    Ok(std::borrow::Cow::Borrowed(bytes))
}

/// The rows of a CSV, numbered as a spreadsheet shows them: one row per record
/// (a quoted cell spanning lines is one row) and per blank line.
fn read_csv(file: &str, bytes: &[u8]) -> Result<Table, SkmInputError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let delimiter = header_delimiter(bytes).unwrap_or_else(|| first_line_delimiter(bytes));
    let mut reader = csv_reader(bytes, delimiter);
    let mut record = csv::ByteRecord::new();
    let mut rows = Vec::new();
    let (mut row, mut end) = (0usize, 0usize);
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                return Err(SkmInputError::Csv {
                    file: file.to_owned(),
                    row: u64::try_from(row + 1 + blank_lines(bytes, end)).ok(),
                    message: e.to_string(),
                })
            }
        }
        row += 1 + blank_lines(bytes, end);
        end = usize::try_from(reader.position().byte()).map_or(bytes.len(), |e| e.min(bytes.len()));
        let cells = record.iter().map(|f| Cell::Text(field_text(f))).collect();
        rows.push((row, cells));
    }
    Ok(Table {
        rows,
        delimiter: Some(delimiter),
    })
}

/// A date or time as a spreadsheet shows it, and what it is.
fn date_text(d: &calamine::ExcelDateTime) -> (String, &'static str) {
    let value = d.as_f64();
    if d.is_duration() {
        // Whole seconds: a duration of hours.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let s = (value.abs() * 86_400.0).round() as u64;
        let sign = if value < 0.0 { "-" } else { "" };
        return (
            format!("{sign}{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60),
            "a duration",
        );
    }
    let (y, mo, day, h, mi, sec, _) = d.to_ymd_hms_milli();
    if (0.0..1.0).contains(&value) {
        (format!("{h:02}:{mi:02}:{sec:02}"), "a time")
    } else if (h, mi, sec) == (0, 0, 0) {
        (format!("{y:04}-{mo:02}-{day:02}"), "a date")
    } else {
        (
            format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}:{sec:02}"),
            "a date and time",
        )
    }
}

/// A spreadsheet cell from its value and its formula (empty when none).
fn spreadsheet_cell(value: Option<&Data>, formula: Option<&String>) -> Cell {
    match value {
        None | Some(Data::Empty) => match formula {
            Some(f) if !f.trim().is_empty() => Cell::Formula(f.trim().to_owned()),
            _ => Cell::Text(String::new()),
        },
        Some(Data::String(s)) => Cell::Text(s.trim().to_owned()),
        Some(Data::Int(i)) => Cell::Text(i.to_string()),
        Some(Data::Float(f)) => Cell::Text(f.to_string()),
        Some(Data::Bool(b)) => Cell::Bool(*b),
        Some(Data::Error(e)) => Cell::Error(e.to_string()),
        Some(Data::DateTime(d)) => {
            let (shown, what) = date_text(d);
            Cell::Date {
                shown,
                what,
                serial: Some(d.as_f64().to_string()),
            }
        }
        Some(Data::DateTimeIso(s)) => Cell::Date {
            shown: s.clone(),
            what: if s.contains('T') {
                "a date and time"
            } else if s.contains(':') {
                "a time"
            } else {
                "a date"
            },
            serial: None,
        },
        Some(Data::DurationIso(s)) => Cell::Date {
            shown: s.clone(),
            what: "a duration",
            serial: None,
        },
    }
}

/// The most cells a worksheet is read into: the cells of each row up to its
/// last non-blank cell (blank cells to the left of a value count, blank rows
/// and trailing blanks do not). 4,194,304 cells is a survey of 100,000
/// respondents with 41 columns; memory stays below about 300 MB.
pub const MAX_SHEET_CELLS: usize = 1 << 22;

/// Rows of cells, each up to its last non-blank cell, counted against
/// [`MAX_SHEET_CELLS`].
#[derive(Default)]
struct SheetRows {
    rows: std::collections::BTreeMap<u32, Vec<Cell>>,
    cells: usize,
}

impl SheetRows {
    /// Put a cell at 0-based `(row, column)`; blank cells take no room.
    fn put(&mut self, file: &str, (r, c): (u32, u32), cell: Cell) -> Result<(), SkmInputError> {
        if cell.is_blank() {
            return Ok(());
        }
        let row = self.rows.entry(r).or_default();
        let index = c as usize;
        if index >= row.len() {
            let grow = index + 1 - row.len();
            if self.cells + grow > MAX_SHEET_CELLS {
                return Err(SkmInputError::Spreadsheet {
                    file: file.to_owned(),
                    message: format!(
                        "too many cells: cell {}{} would make more than {MAX_SHEET_CELLS} cells to read \
                         (counting the blank cells left of each value); remove what lies outside the survey table",
                        column_letters(index),
                        u64::from(r) + 1
                    ),
                });
            }
            self.cells += grow;
            row.resize(index + 1, Cell::Text(String::new()));
        }
        row[index] = cell;
        Ok(())
    }

    fn into_rows(self) -> Vec<(usize, Vec<Cell>)> {
        self.rows
            .into_iter()
            .map(|(r, cells)| (r as usize + 1, cells))
            .collect()
    }
}

/// The rows of an XLSX worksheet, read cell by cell from the file.
fn xlsx_rows<RS: std::io::Read + std::io::Seek>(
    file: &str,
    xlsx: &mut calamine::Xlsx<RS>,
    name: &str,
) -> Result<Vec<(usize, Vec<Cell>)>, SkmInputError> {
    let bad = |e: calamine::XlsxError| SkmInputError::Spreadsheet {
        file: file.to_owned(),
        message: e.to_string(),
    };
    let mut reader = xlsx.worksheet_cells_reader(name).map_err(bad)?;
    let mut rows = SheetRows::default();
    while let Some(c) = reader.next_cell_with_formula().map_err(bad)? {
        let value = Data::from(c.value);
        rows.put(file, c.pos, spreadsheet_cell(Some(&value), c.formula.as_ref()))?;
    }
    Ok(rows.into_rows())
}

/// The rows of a worksheet read whole (XLS, XLSB, ODS): values and formulas.
fn range_rows(
    file: &str,
    range: &calamine::Range<Data>,
    formulas: &calamine::Range<String>,
) -> Result<Vec<(usize, Vec<Cell>)>, SkmInputError> {
    // `used_cells` counts from the range's first cell; positions are absolute.
    let absolute = |start: Option<(u32, u32)>, r: usize, c: usize| {
        let (r0, c0) = start.unwrap_or((0, 0));
        let shift = |base: u32, i: usize| base.saturating_add(u32::try_from(i).unwrap_or(u32::MAX));
        (shift(r0, r), shift(c0, c))
    };
    let mut rows = SheetRows::default();
    for (r, c, value) in range.used_cells() {
        let at = absolute(range.start(), r, c);
        rows.put(file, at, spreadsheet_cell(Some(value), formulas.get_value(at)))?;
    }
    for (r, c, formula) in formulas.used_cells() {
        let at = absolute(formulas.start(), r, c);
        rows.put(file, at, spreadsheet_cell(range.get_value(at), Some(formula)))?;
    }
    Ok(rows.into_rows())
}

/// How far a zipped survey (XLSX, ODS) may inflate: 1,000 parts, a part up to
/// 256 MiB (the XML of [`MAX_SHEET_CELLS`] cells), 512 MiB in all, and the tables of an ODS
/// up to [`MAX_SHEET_CELLS`] cells and 256 MiB of text, repeats counted.
const SURVEY_LIMITS: crate::archive::InflateLimits = crate::archive::InflateLimits {
    part_bytes: 256 << 20,
    total_bytes: 512 << 20,
    parts: 1000,
    cells: MAX_SHEET_CELLS as u64,
    text_bytes: 256 << 20,
};

fn read_spreadsheet(file: &str, bytes: &[u8], sheet: Option<&str>) -> Result<(Table, String), SkmInputError> {
    let bad = |message: String| SkmInputError::Spreadsheet {
        file: file.to_owned(),
        message,
    };
    if crate::archive::is_zip(bytes) {
        crate::archive::check_zip(bytes, &SURVEY_LIMITS).map_err(|refusal| match refusal {
            crate::archive::Refusal::Unreadable(message) => bad(message),
            crate::archive::Refusal::TooLarge { part, message } => bad(format!("part `{part}`: {message}")),
        })?;
    }
    let mut workbook =
        calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
    let names = workbook.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .or_else(|| {
                names
                    .iter()
                    .find(|n| n.trim().eq_ignore_ascii_case(wanted.trim()))
            })
            .cloned()
            .ok_or_else(|| SkmInputError::NoSheet {
                file: file.to_owned(),
                sheet: wanted.to_owned(),
                known: names.join(", "),
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| bad("the workbook has no worksheet".into()))?,
    };
    let rows = match &mut workbook {
        // Streamed: memory follows the cells present, never the sheet's nominal range.
        calamine::Sheets::Xlsx(xlsx) => xlsx_rows(file, xlsx, &name)?,
        other => {
            let range = other.worksheet_range(&name).map_err(|e| bad(e.to_string()))?;
            let formulas = other.worksheet_formula(&name).map_err(|e| bad(e.to_string()))?;
            range_rows(file, &range, &formulas)?
        }
    };
    Ok((
        Table {
            rows,
            delimiter: None,
        },
        name,
    ))
}

enum Bad {
    NotAnAnswer,
    OutOfRange,
}

fn parse_answer(text: &str) -> Result<Option<u8>, Bad> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    // Exactly as written: a value with more digits than a decimal keeps is
    // refused, never rounded (`4.00000000000000000000000000001` is no 4).
    let d = Decimal::from_str_exact(&text.replace(',', ".")).map_err(|_| Bad::NotAnAnswer)?;
    if !d.fract().is_zero() {
        return Err(Bad::NotAnAnswer);
    }
    d.to_u8().map(Some).ok_or(Bad::OutOfRange)
}

fn parse_table(file: &str, table: Table, options: &SkmReadOptions) -> Result<SkmData, SkmInputError> {
    let blank = |cells: &[Cell]| cells.iter().all(Cell::is_blank);
    let rows: Vec<_> = table
        .rows
        .into_iter()
        .filter(|(_, cells)| !blank(cells))
        .collect();
    let at = rows
        .iter()
        .position(|(_, cells)| cells.iter().any(|c| c.shown().eq_ignore_ascii_case("U1")))
        .unwrap_or(0);
    let mut rows = rows.into_iter().skip(at);
    let (header_row, header) = rows.next().ok_or_else(|| SkmInputError::Empty {
        file: file.to_owned(),
    })?;
    let data: Vec<_> = rows.collect();
    let width = header.len();
    let header: Vec<String> = header.iter().map(Cell::shown).collect();
    // What the header holds, as a short printable list: control characters
    // escaped, each cell and the list cut short (binary content is never echoed).
    let found = || {
        let cells: Vec<&String> = header.iter().filter(|h| !h.is_empty()).collect();
        let mut shown: Vec<String> = cells
            .iter()
            .take(20)
            .map(|h| {
                let escaped: String = h.escape_debug().collect();
                if escaped.chars().count() > 32 {
                    format!("{}…", escaped.chars().take(32).collect::<String>())
                } else {
                    escaped
                }
            })
            .collect();
        if cells.len() > 20 {
            shown.push(format!("… {} more", cells.len() - 20));
        }
        shown.join(", ")
    };
    let find = |name: &str| -> Result<Option<(String, usize)>, SkmInputError> {
        let mut hits = header
            .iter()
            .enumerate()
            .filter(|(_, h)| h.eq_ignore_ascii_case(name));
        let first = hits.next();
        if let (Some((a, _)), Some((b, h))) = (first, hits.next()) {
            return Err(SkmInputError::DuplicateColumn {
                file: file.to_owned(),
                row: header_row,
                column: h.clone(),
                first: format!("{}{header_row}", column_letters(a)),
                second: format!("{}{header_row}", column_letters(b)),
            });
        }
        Ok(first.map(|(i, h)| (h.clone(), i)))
    };
    let missing = |column: &str| SkmInputError::MissingColumn {
        file: file.to_owned(),
        row: header_row,
        column: column.to_owned(),
        found: found(),
    };
    let mut columns: Vec<(String, usize)> = Vec::with_capacity(ELEMENT_COUNT);
    for e in &ELEMENTS {
        columns.push(find(e.id)?.ok_or_else(|| missing(e.id))?);
    }
    let columns: [(String, usize); ELEMENT_COUNT] = columns.try_into().expect("nine columns");
    let by = match &options.by {
        Some(name) => Some(find(name.trim())?.ok_or_else(|| missing(name))?),
        None => None,
    };

    let mut responses = Vec::with_capacity(data.len());
    let mut numbers = Vec::with_capacity(data.len());
    let empty = Cell::Text(String::new());
    // A CSV row must reach every column that is read: U1…U9 and the `--by` column.
    let needed = columns.iter().chain(&by).map(|(_, i)| i + 1).max().unwrap_or(0);
    for (row, cells) in data {
        // A CSV row longer than its header has shifted cells: an unquoted
        // decimal comma, or a separator inside an unquoted cell. A row that
        // ends before a column that is read was split by another separator
        // (`,` in a `;` file) or lost cells: its answers would be read as
        // blank and the respondent dropped without a word.
        if let Some(delimiter) = table.delimiter {
            if cells.len() > width {
                return Err(SkmInputError::TooManyFields {
                    file: file.to_owned(),
                    row,
                    found: cells.len(),
                    expected: width,
                    separator: char::from(delimiter),
                });
            }
            if cells.len() < needed {
                return Err(SkmInputError::TooFewFields {
                    file: file.to_owned(),
                    row,
                    found: cells.len(),
                    expected: width,
                    separator: char::from(delimiter),
                });
            }
        }
        let cell = |i: usize| cells.get(i).unwrap_or(&empty);
        let at = |column: &str, i: usize| {
            (
                file.to_owned(),
                column.to_owned(),
                format!("{}{row}", column_letters(i)),
            )
        };
        let mut answers = [None; ELEMENT_COUNT];
        for (k, (column, i)) in columns.iter().enumerate() {
            let text = match cell(*i) {
                Cell::Text(text) => text,
                other => {
                    let (file, column, cell) = at(column, *i);
                    return Err(SkmInputError::NotANumber {
                        file,
                        row,
                        column,
                        cell,
                        problem: other.problem().unwrap_or_default(),
                    });
                }
            };
            answers[k] = parse_answer(text).map_err(|bad| {
                let (file, column, cell) = at(column, *i);
                let found = text.clone();
                match bad {
                    Bad::NotAnAnswer => SkmInputError::NotAnAnswer {
                        file,
                        row,
                        column,
                        cell,
                        found,
                    },
                    Bad::OutOfRange => SkmInputError::OutOfRange {
                        file,
                        row,
                        column,
                        cell,
                        found,
                    },
                }
            })?;
        }
        // A respondent answered at least one element: a row with other
        // cells only (a numbered template row, a note) is no respondent.
        if answers.iter().all(Option::is_none) {
            continue;
        }
        let group = match &by {
            Some((column, i)) => Some(match cell(*i) {
                c @ (Cell::Formula(_) | Cell::Error(_)) => {
                    let (file, column, cell) = at(column, *i);
                    return Err(SkmInputError::NotANumber {
                        file,
                        row,
                        column,
                        cell,
                        problem: c
                            .problem()
                            .unwrap_or_default()
                            .replace("an answer 1–4 or blank", "a group value"),
                    });
                }
                c => c.shown(),
            }),
            None => None,
        };
        responses.push(Response { answers, group });
        numbers.push(row);
    }
    if responses.is_empty() {
        return Err(SkmInputError::NoRespondents {
            file: file.to_owned(),
            row: header_row,
        });
    }
    Ok(SkmData {
        responses,
        rows: numbers,
        source: SkmSource {
            file: file.to_owned(),
            sha256: String::new(),
            sheet: None,
        },
        header_row,
        columns,
        by: by.map(|(name, _)| name),
    })
}

/// Parse SKM answers from the bytes of a CSV (`,`, `;` or tab, detected from
/// the header line; a UTF-8 BOM is skipped) or a spreadsheet (XLSX, XLS, ODS:
/// recognised by content).
pub fn parse_skm(file: &str, bytes: &[u8], options: &SkmReadOptions) -> Result<SkmData, IoError> {
    let (table, sheet) = if is_spreadsheet(bytes) {
        let (t, name) = read_spreadsheet(file, bytes, options.sheet.as_deref())?;
        (t, Some(name))
    } else {
        (read_csv(file, &csv_text(file, bytes)?)?, None)
    };
    let mut data = parse_table(file, table, options)?;
    data.source.sha256 = sha256_hex(bytes);
    data.source.sheet = sheet;
    Ok(data)
}

/// Read SKM answers from a file.
pub fn read_skm(path: &Path, options: &SkmReadOptions) -> Result<SkmData, IoError> {
    let bytes = read_input(path)?;
    parse_skm(&display(path), &bytes, options)
}

impl SkmData {
    /// Compute the report, naming file, row and column in any error.
    pub fn report(&self, weights: Weights) -> Result<SkmReport, IoError> {
        let file = self.source.file.clone();
        let options = SkmOptions {
            weights,
            by: self.by.clone(),
        };
        let mut report = compute(&self.responses, &options).map_err(|e| match e {
            SkmError::OutOfRange {
                index,
                element,
                value,
            } => {
                let (column, i) = &self.columns[element];
                let row = self.rows[index];
                SkmInputError::OutOfRange {
                    file,
                    row,
                    column: column.clone(),
                    cell: format!("{}{row}", column_letters(*i)),
                    found: value.to_string(),
                }
            }
            SkmError::NoRespondents => SkmInputError::NoRespondents {
                file,
                row: self.header_row,
            },
            SkmError::Unanswered { element, group } => SkmInputError::Unanswered {
                file,
                column: self.columns[element].0.clone(),
                group: group.map(|g| (self.by.clone().unwrap_or_default(), g)),
            },
            other => SkmInputError::Scoring { file, source: other },
        })?;
        report.source = Some(self.source.clone());
        Ok(report)
    }
}

/// Read a file and compute its SKM report.
pub fn skm_report(path: &Path, options: &SkmReadOptions, weights: Weights) -> Result<SkmReport, IoError> {
    read_skm(path, options)?.report(weights)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<SkmData, IoError> {
        parse_skm("t.csv", text.as_bytes(), &SkmReadOptions::default())
    }

    fn err(text: &str) -> String {
        match parse(text).and_then(|d| d.report(Weights::Exact)) {
            Ok(_) => panic!("expected an error"),
            Err(e) => e.to_string(),
        }
    }

    const HEAD: &str = "No,u1,U2,U3,U4,U5,U6,U7,U8,U9,Jenis\n";

    #[test]
    fn a_value_with_more_digits_than_kept_is_refused_not_rounded() {
        let e = err(&format!(
            "{HEAD}1,4.00000000000000000000000000001,4,4,4,4,4,4,4,4,x\n"
        ));
        assert!(
            e.contains("`4.00000000000000000000000000001` is not an answer"),
            "{e}"
        );
        // Exactly four, however many zeros, is four.
        assert!(parse(&format!("{HEAD}1,4.000,4,4,4,4,4,4,4,4,x\n")).is_ok());
    }

    /// A survey ODS of a few hundred bytes whose one row is repeated over the
    /// whole sheet is refused by part before it is expanded into cells.
    #[test]
    fn a_survey_ods_that_expands_past_its_bound_is_refused_by_part() {
        use std::io::Write;
        let row = r#"<table:table-cell table:number-columns-repeated="9" office:value-type="float" office:value="4"><text:p>4</text:p></table:table-cell>"#;
        let content = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="SKM"><table:table-row table:number-rows-repeated="1048576">{row}</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#
        );
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let stored =
            zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        out.start_file("mimetype", stored).unwrap();
        out.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .unwrap();
        out.start_file("content.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(content.as_bytes()).unwrap();
        let bomb = out.finish().unwrap().into_inner();
        let err = parse_skm("s.ods", &bomb, &SkmReadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("s.ods: cannot read spreadsheet: part `content.xml`: its tables expand to more than 4194304 cells"),
            "{err}"
        );
    }

    #[test]
    fn letters() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn bom_semicolon_decimal_comma_and_blank_lines() {
        let text = "\u{feff}Judul;;\n\n No ; U1 ;U2;U3;U4;U5;U6;U7;U8;U9\n1;4;3,0;3;;4;4;4;4;4\n;;;;;;;;;\n2;2;3;3;3;3;3;3;3;3\n";
        let d = parse(text).unwrap();
        assert_eq!(d.header_row, 3);
        assert_eq!(d.rows, [4, 6]);
        assert_eq!(d.responses[0].answers[1], Some(3));
        assert_eq!(d.responses[0].answers[3], None);
        assert_eq!(d.columns[0], ("U1".to_owned(), 1));
    }

    #[test]
    fn cell_errors_name_row_column_and_cell() {
        let e = err(&format!("{HEAD}1,4,4,4,4,4,4,4,4,4,a\n2,4,4,4,5,4,4,4,4,4,a\n"));
        assert_eq!(e, "t.csv: row 3, column U4 (cell E3): 5 is outside 1–4");
        let e = err(&format!("{HEAD}1,4,4,4,4,4,4,4,4,3.5,a\n"));
        assert!(
            e.contains("row 2, column U9 (cell J2): `3.5` is not an answer"),
            "{e}"
        );
        let e = err(&format!("{HEAD}1,-1,4,4,4,4,4,4,4,4,a\n"));
        assert_eq!(e, "t.csv: row 2, column u1 (cell B2): -1 is outside 1–4");
        let e = err(&format!("{HEAD}1,0,4,4,4,4,4,4,4,4,a\n"));
        assert_eq!(e, "t.csv: row 2, column u1 (cell B2): 0 is outside 1–4");
    }

    #[test]
    fn header_and_data_errors() {
        let e = err("U1,U2,U3,U4,U5,U6,U7,U9\n1,1,1,1,1,1,1,1\n");
        assert_eq!(
            e,
            "t.csv: row 1 (header): no column U8; expected U1…U9 (found: U1, U2, U3, U4, U5, U6, U7, U9)"
        );
        let e = err("U1,U2,U3,U4,U5,U6,U7,U8,U9,u2\n");
        assert_eq!(
            e,
            "t.csv: row 1 (header): column u2 appears twice (cells B1 and J1)"
        );
        assert_eq!(
            err(HEAD),
            "t.csv: no respondents: no row below the header (row 1) answers any of U1…U9"
        );
        assert!(err("").contains("t.csv: empty"));
        let e = err(&format!("{HEAD}1,4,4,4,4,4,4,,4,4,a\n2,4,4,4,4,4,4,,4,4,b\n"));
        assert_eq!(e, "t.csv: column U7: no respondent answered this element");
    }

    #[test]
    fn by_column() {
        let text = format!("{HEAD}1,4,4,4,4,4,4,4,4,4,Paspor\n2,1,1,1,1,1,1,1,1,1, Izin \n");
        let d = parse_skm(
            "t.csv",
            text.as_bytes(),
            &SkmReadOptions {
                by: Some("jenis".into()),
                sheet: None,
            },
        )
        .unwrap();
        let r = d.report(Weights::Exact).unwrap();
        assert_eq!(r.by.as_deref(), Some("Jenis"));
        assert_eq!(r.groups.len(), 2);
        assert_eq!(r.groups[0].value, "Izin");
        assert_eq!(r.groups[0].figures.ikm.to_string(), "25.00");
        let e = parse_skm(
            "t.csv",
            text.as_bytes(),
            &SkmReadOptions {
                by: Some("umur".into()),
                sheet: None,
            },
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("t.csv: row 1 (header): no column umur;"), "{e}");
        let text = format!("{HEAD}1,4,4,4,4,4,4,4,4,4,Paspor\n2,1,1,1,1,1,1,1,1,,Izin\n");
        let e = parse_skm(
            "t.csv",
            text.as_bytes(),
            &SkmReadOptions {
                by: Some("jenis".into()),
                sheet: None,
            },
        )
        .and_then(|d| d.report(Weights::Exact))
        .unwrap_err()
        .to_string();
        assert_eq!(
            e,
            "t.csv: column U9: no respondent answered this element in group Jenis = `Izin`"
        );
    }

    /// The separator is the header's, not the title's above it.
    #[test]
    fn title_line_above_semicolon_or_tab_header() {
        for text in [
            "Survei SKM Kanim Sampit\nno;U1;U2;U3;U4;U5;U6;U7;U8;U9\n1;4;4;4;4;4;4;4;4;4\n",
            "Survei SKM, Kanim Sampit, 2023\n\nno;U1;U2;U3;U4;U5;U6;U7;U8;U9\n1;4;4;4;4;4;4;4;4;4\n",
            "Survei SKM, Kanim Sampit; 2023\nno\tU1\tU2\tU3\tU4\tU5\tU6\tU7\tU8\tU9\n1\t4\t4\t4\t4\t4\t4\t4\t4\t4\n",
            "Survei SKM Kanim Sampit;;\nno,U1,U2,U3,U4,U5,U6,U7,U8,U9\n1,4,4,4,4,4,4,4,4,4\n",
        ] {
            let d = parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            assert_eq!(d.responses.len(), 1, "{text:?}");
            assert_eq!(d.responses[0].answers, [Some(4); ELEMENT_COUNT], "{text:?}");
            assert_eq!(d.columns[0], ("U1".to_owned(), 1));
            assert_eq!(d.header_row, d.rows[0] - 1);
        }
        assert_eq!(header_delimiter(b"U1\nx"), Some(b','));
        // Without any U1 the first line decides, and the error names the header.
        let e = err("no;U2;U3;U4;U5;U6;U7;U8;U9\n1;4;4;4;4;4;4;4;4\n");
        assert!(e.contains("no column U1; expected U1…U9 (found: no, U2,"), "{e}");
    }

    /// A row with cells but no answer (a numbered template row) is no respondent.
    #[test]
    fn rows_without_answers_are_no_respondents() {
        let d = parse(&format!(
            "{HEAD}1,4,4,4,4,4,4,4,4,4,a\n2,,,,,,,,,,\n3,,,,,,,,,,b\n4,1,,,,,,,,,\n"
        ))
        .unwrap();
        assert_eq!(d.rows, [2, 5]);
        let r = d.report(Weights::Exact).unwrap();
        assert_eq!(r.overall.respondents, 2);
        assert_eq!(
            err(&format!("{HEAD}1,,,,,,,,,,a\n2,,,,,,,,,,\n")),
            "t.csv: no respondents: no row below the header (row 1) answers any of U1…U9"
        );
    }

    /// A row longer than the header has shifted cells; one ending before the answers was split wrongly.
    #[test]
    fn rows_longer_than_the_header_are_errors() {
        // `4,0` in U9 pushes `0` into Jenis, `a` beyond the header.
        let e = err(&format!(
            "{HEAD}1,4,4,4,4,4,4,4,4,4,a\n2,4,4,4,4,4,4,4,4,4,a\n3,4,4,4,4,4,4,4,4,4,a\n4,4,4,4,4,4,4,4,4,4,0,a\n"
        ));
        assert_eq!(
            e,
            "t.csv: row 5 has 12 fields, the header has 11: a decimal comma in a comma-separated file? quote it or use ';'"
        );
        let e = err("no;U1;U2;U3;U4;U5;U6;U7;U8;U9\n1;4;4;4;4;4;4;4;4;4;x\n");
        assert_eq!(
            e,
            "t.csv: row 2 has 11 fields, the header has 10: a `;` inside a cell? quote the cell"
        );
        // Quoted, the decimal comma is one cell.
        let d = parse(&format!(
            "{HEAD}1,4,4,4,4,4,4,4,4,\"4,0\",a\n2,3,3,3,3,3,3,3,3,3\n"
        ))
        .unwrap();
        assert_eq!(d.responses[0].answers[8], Some(4));
        // A row may end after the answers (the trailing column is blank)...
        assert_eq!(d.responses[1].answers[8], Some(3));
        // ...but not before: its answers would be read as blank.
        assert_eq!(
            err(&format!("{HEAD}1,4,4,4,4,4,4,4,4,4,a\n2,3,3\n")),
            "t.csv: row 3 has 3 field(s), the header has 11: the row ends before the answers; \
             is it separated by another character than `,`? every row must use the header's separator"
        );
        // One respondent written with `,` in a `;` file: an error, not a dropped respondent.
        let mixed = "no;U1;U2;U3;U4;U5;U6;U7;U8;U9\n1;4;4;4;4;4;4;4;4;4\n2,1,1,1,1,1,1,1,1,1\n";
        assert!(
            err(mixed).starts_with("t.csv: row 3 has 1 field(s), the header has 10"),
            "{}",
            err(mixed)
        );
        // A blank row may be longer: it holds nothing.
        assert_eq!(
            parse(&format!("{HEAD},,,,,,,,,,,,,\n1,4,4,4,4,4,4,4,4,4,a\n"))
                .unwrap()
                .rows,
            [3]
        );
    }

    /// Rows are records as a spreadsheet shows them: a quoted cell spanning
    /// lines is one row, a blank line is a row.
    #[test]
    fn rows_count_records_and_blank_lines() {
        let text = format!("{HEAD}1,4,4,4,4,4,4,4,4,4,\"two\nlines\"\n2,4,4,4,5,4,4,4,4,4,a\n");
        assert_eq!(err(&text), "t.csv: row 3, column U4 (cell E3): 5 is outside 1–4");
        let crlf = text.replace('\n', "\r\n");
        assert_eq!(err(&crlf), "t.csv: row 3, column U4 (cell E3): 5 is outside 1–4");
        let text = format!(
            "\"Survei\nSKM\"\n\n{HEAD}\n1,4,4,4,4,4,4,4,4,4,\"a\r\nb\"\n\n\n2,4,4,4,4,4,4,4,4,4,a\n3,4,4,4,4,4,4,4,4,4,x"
        );
        for text in [text.clone(), text.replace('\n', "\r\n"), text.replace('\n', "\r")] {
            let d = parse(&text).unwrap();
            assert_eq!((d.header_row, d.rows.clone()), (3, vec![5, 8, 9]), "{text:?}");
        }
    }

    fn fixture(name: &str) -> String {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/skm/bad")
            .join(name);
        let bytes = std::fs::read(path).unwrap();
        parse_skm(name, &bytes, &SkmReadOptions::default())
            .unwrap_err()
            .to_string()
    }

    /// Spreadsheet cells that hold no answer whatever they show are errors
    /// naming the cell, never read as blank or as their serial number.
    #[test]
    fn spreadsheet_cells_that_are_no_answer() {
        assert_eq!(
            fixture("formula-no-value.xlsx"),
            "formula-no-value.xlsx: row 2, column U9 (cell K2): the formula `=J2` has no computed value; open and save the file in a spreadsheet, or enter the value"
        );
        assert!(fixture("formula-rows.xlsx").starts_with(
            "formula-rows.xlsx: row 3, column U1 (cell C3): the formula `=C2` has no computed value"
        ),);
        assert_eq!(
            fixture("date-answer.xlsx"),
            "date-answer.xlsx: row 3, column U4 (cell F3): 1900-01-03 is a date (serial number 3), expected an answer 1–4 or blank; format the column as numbers"
        );
        assert_eq!(
            fixture("true-false-answer.xlsx"),
            "true-false-answer.xlsx: row 2, column U2 (cell D2): TRUE is a true/false value, expected an answer 1–4 or blank"
        );
        assert_eq!(
            fixture("error-answer.xlsx"),
            "error-answer.xlsx: row 2, column U1 (cell C2): #DIV/0! is an error value, expected an answer 1–4 or blank"
        );
    }

    #[test]
    fn spreadsheet_cell_kinds() {
        use calamine::{ExcelDateTime, ExcelDateTimeType};
        let date = |v: f64, t| spreadsheet_cell(Some(&Data::DateTime(ExcelDateTime::new(v, t, false))), None);
        let dt = ExcelDateTimeType::DateTime;
        assert_eq!(date(45000.0, dt).shown(), "2023-03-15");
        assert_eq!(date(45000.5, dt).shown(), "2023-03-15 12:00:00");
        assert_eq!(date(0.125, dt).shown(), "03:00:00");
        assert_eq!(date(1.5, ExcelDateTimeType::TimeDelta).shown(), "36:00:00");
        let iso = spreadsheet_cell(Some(&Data::DateTimeIso("2023-03-02".into())), None);
        assert_eq!(
            iso.problem().unwrap(),
            "2023-03-02 is a date, expected an answer 1–4 or blank; format the column as numbers"
        );
        assert!(spreadsheet_cell(Some(&Data::DurationIso("PT3H".into())), None)
            .problem()
            .unwrap()
            .starts_with("PT3H is a duration,"));
        let f = "SUM(A1:B1)".to_owned();
        assert_eq!(spreadsheet_cell(None, Some(&f)), Cell::Formula(f.clone()));
        assert_eq!(
            spreadsheet_cell(Some(&Data::Empty), Some(&String::new())),
            Cell::Text(String::new())
        );
        // A formula with its computed value is that value.
        assert_eq!(
            spreadsheet_cell(Some(&Data::Float(3.0)), Some(&f)),
            Cell::Text("3".into())
        );
    }
}
