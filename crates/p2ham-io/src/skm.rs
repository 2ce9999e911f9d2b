//! Reading SKM survey answers (CSV or spreadsheet) and rendering the SKM report
//! as JSON, text, Markdown or CSV.
//!
//! The header row is the first row with a cell `U1` (case-insensitive, trimmed),
//! so title rows above it are skipped; without such a row it is the first
//! non-blank row. Columns `U1`…`U9` carry the answers 1–4 (blank = not
//! answered); every other column is ignored unless named by `--by`. Rows are
//! numbered as a spreadsheet shows them (the header of a plain CSV is row 1).
//!
//! ```
//! use p2ham_io::{parse_skm, SkmReadOptions};
//!
//! let csv = "no;U1;U2;U3;U4;U5;U6;U7;U8;U9\n1;4;4;4;4;4;4;4;4;4\n2;3;3;3;3;3;3;3;3;x\n";
//! let err = parse_skm("s.csv", csv.as_bytes(), &SkmReadOptions::default()).unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "s.csv: row 3, column U9 (cell J3): `x` is not an answer; expected a whole number 1–4 or blank"
//! );
//! ```

use std::fmt::Write as _;
use std::io::Cursor;
use std::path::Path;
use std::str::FromStr;

use calamine::{Data, Reader};
use p2ham_model::Lang;
use p2ham_scoring::skm::{
    compute, Response, SkmError, SkmFigures, SkmOptions, SkmReport, SkmSource, Weights, ELEMENTS,
    ELEMENT_COUNT,
};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::error::display;
use crate::table::CsvText;
use crate::{read_input, sha256_hex, IoError};

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
    /// A header without data rows.
    #[error("{file}: no respondents: no data row below the header (row {row})")]
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
        source: SkmError,
    },
}

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

/// A grid of cells as text, with 1-based row numbers.
struct Table {
    rows: Vec<(usize, Vec<String>)>,
}

/// Spreadsheet column letters of a 0-based index: 0 → A, 26 → AA.
fn column_letters(mut index: usize) -> String {
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

#[allow(clippy::naive_bytecount)] // a header line and a few newlines: not worth a dependency
fn read_csv(file: &str, bytes: &[u8]) -> Result<Table, SkmInputError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = bytes
        .split(|&b| b == b'\n')
        .find(|l| !l.iter().all(u8::is_ascii_whitespace))
        .unwrap_or(&[]);
    let count = |c: u8| first.iter().filter(|&&b| b == c).count();
    let (semi, comma, tab) = (count(b';'), count(b','), count(b'\t'));
    let delimiter = if semi > comma && semi >= tab {
        b';'
    } else if tab > comma {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    let mut rows = Vec::new();
    let (mut line, mut seen) = (1usize, 0usize);
    for record in reader.byte_records() {
        let record = record.map_err(|e| SkmInputError::Csv {
            file: file.to_owned(),
            row: e.position().map(csv::Position::line),
            message: e.to_string(),
        })?;
        // The line where the record starts, counted from the bytes (csv's own
        // line count skips blank lines).
        let offset = record
            .position()
            .and_then(|p| usize::try_from(p.byte()).ok())
            .unwrap_or(seen)
            .min(bytes.len());
        // The position may point at blank lines before the record, which csv skips.
        let offset = offset
            + bytes[offset..]
                .iter()
                .take_while(|&&b| b == b'\n' || b == b'\r')
                .count();
        line += bytes[seen.min(offset)..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        seen = offset;
        let cells = record
            .iter()
            .map(|f| String::from_utf8_lossy(f).trim().to_owned())
            .collect();
        rows.push((line, cells));
    }
    Ok(Table { rows })
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        other => other.to_string(),
    }
}

fn read_spreadsheet(file: &str, bytes: &[u8], sheet: Option<&str>) -> Result<(Table, String), SkmInputError> {
    let bad = |message: String| SkmInputError::Spreadsheet {
        file: file.to_owned(),
        message,
    };
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
    let range = workbook.worksheet_range(&name).map_err(|e| bad(e.to_string()))?;
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let (r0, c0) = (r0 as usize, c0 as usize);
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, row)| {
            let mut cells = vec![String::new(); c0];
            cells.extend(row.iter().map(cell_text));
            (r0 + i + 1, cells)
        })
        .collect();
    Ok((Table { rows }, name))
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
    let d = Decimal::from_str(&text.replace(',', ".")).map_err(|_| Bad::NotAnAnswer)?;
    if !d.fract().is_zero() {
        return Err(Bad::NotAnAnswer);
    }
    d.to_u8().map(Some).ok_or(Bad::OutOfRange)
}

fn parse_table(file: &str, table: Table, options: &SkmReadOptions) -> Result<SkmData, SkmInputError> {
    let blank = |cells: &[String]| cells.iter().all(String::is_empty);
    let mut rows = table.rows.into_iter().filter(|(_, cells)| !blank(cells));
    let header_index = {
        let all: Vec<_> = rows.by_ref().collect();
        let at = all
            .iter()
            .position(|(_, cells)| cells.iter().any(|c| c.eq_ignore_ascii_case("U1")))
            .unwrap_or(0);
        let mut all = all.into_iter().skip(at);
        let header = all.next().ok_or_else(|| SkmInputError::Empty {
            file: file.to_owned(),
        })?;
        (header, all.collect::<Vec<_>>())
    };
    let ((header_row, header), data) = header_index;
    let found = || {
        header
            .iter()
            .filter(|h| !h.is_empty())
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
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
    for (row, cells) in data {
        let cell = |i: usize| cells.get(i).map_or("", String::as_str);
        let mut answers = [None; ELEMENT_COUNT];
        for (k, (column, i)) in columns.iter().enumerate() {
            answers[k] = parse_answer(cell(*i)).map_err(|bad| {
                let (file, column, cell, found) = (
                    file.to_owned(),
                    column.clone(),
                    format!("{}{row}", column_letters(*i)),
                    cell(*i).to_owned(),
                );
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
        responses.push(Response {
            answers,
            group: by.as_ref().map(|(_, i)| cell(*i).to_owned()),
        });
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
        (read_csv(file, bytes)?, None)
    };
    let mut data = parse_table(file, table, options)?;
    data.source.sha256 = sha256_hex(bytes);
    data.source.sheet = sheet;
    Ok(data)
}

/// Read SKM answers from a file (`-` for standard input).
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

/// The report as pretty JSON with a final newline.
pub fn skm_to_json(report: &SkmReport) -> String {
    let mut s = serde_json::to_string_pretty(report).expect("an SKM report always serialises");
    s.push('\n');
    s
}

/// A decimal as people read it: `87,45` in Indonesian, `87.45` in English.
fn num(d: Decimal, lang: Lang) -> String {
    match lang {
        Lang::Id => d.to_string().replace('.', ","),
        Lang::En => d.to_string(),
    }
}

fn weights_label(w: Weights, lang: Lang) -> &'static str {
    match w {
        Weights::Exact => lang.pick("1/9 (tepat)", "1/9 (exact)"),
        Weights::Published0111 => lang.pick(
            "0,111 (sesuai naskah peraturan)",
            "0.111 (as printed in the regulation)",
        ),
        Weights::Spreadsheet01111 => {
            lang.pick("0,1111 (kebiasaan lembar kerja)", "0.1111 (spreadsheet practice)")
        }
    }
}

fn group_value(v: &str, lang: Lang) -> String {
    if v.is_empty() {
        lang.pick("(kosong)", "(blank)").to_owned()
    } else {
        v.to_owned()
    }
}

fn element_name(id: &str, lang: Lang) -> &'static str {
    ELEMENTS.iter().find(|e| e.id == id).map_or("", |e| match lang {
        Lang::Id => e.name_id,
        Lang::En => e.name_en,
    })
}

fn kinerja(f: &SkmFigures, lang: Lang) -> String {
    f.kinerja.label().get(lang).to_owned()
}

fn figures_text(out: &mut String, f: &SkmFigures, lang: Lang) {
    let width = f
        .elements
        .iter()
        .map(|e| e.name.get(lang).chars().count())
        .max()
        .unwrap_or(0)
        + 4;
    let _ = writeln!(
        out,
        "{}: {}",
        lang.pick("Responden", "Respondents"),
        f.respondents
    );
    out.push('\n');
    let _ = writeln!(
        out,
        "{:<width$}  {:>7}  {:>7}  {:>6}  {:>7}  {:>9}",
        lang.pick("Unsur", "Element"),
        lang.pick("Jawaban", "Answers"),
        lang.pick("Kosong", "Blank"),
        lang.pick("Jumlah", "Sum"),
        "NRR",
        lang.pick("IKM unsur", "Index"),
    );
    for e in &f.elements {
        let mark = if f.weakest.contains(&e.id) { " *" } else { "" };
        let label = format!("{:<3} {}", e.id, e.name.get(lang));
        let _ = writeln!(
            out,
            "{label:<width$}  {:>7}  {:>7}  {:>6}  {:>7}  {:>9}{mark}",
            e.answered,
            e.blank,
            e.sum,
            num(e.nrr, lang),
            num(e.ikm, lang),
        );
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "{}: {}",
        lang.pick("Σ NRR × bobot", "Σ NRR × weight"),
        num(f.nrr_weighted, lang)
    );
    let _ = writeln!(
        out,
        "IKM: {} ({}: {})",
        num(f.ikm, lang),
        lang.pick("tanpa pembulatan", "unrounded"),
        num(f.ikm_exact, lang)
    );
    let _ = writeln!(
        out,
        "{}: {} — {}: {}",
        lang.pick("Mutu pelayanan", "Service quality"),
        f.mutu.as_str(),
        lang.pick("kinerja", "performance"),
        kinerja(f, lang)
    );
    let weakest: Vec<String> = f
        .weakest
        .iter()
        .map(|id| format!("{id} {}", element_name(id, lang)))
        .collect();
    let _ = writeln!(
        out,
        "{} (*): {}",
        lang.pick("Unsur terlemah", "Weakest element"),
        weakest.join("; ")
    );
}

/// The report as a readable text table.
pub fn skm_to_text(report: &SkmReport, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — PermenPANRB 14/2017",
        lang.pick(
            "Indeks Kepuasan Masyarakat (SKM)",
            "Public satisfaction index (SKM)"
        )
    );
    if let Some(src) = &report.source {
        let _ = write!(out, "{}: {}", lang.pick("Berkas", "File"), src.file);
        if let Some(sheet) = &src.sheet {
            let _ = write!(out, " [{sheet}]");
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{}: {}",
        lang.pick("Bobot unsur", "Element weight"),
        weights_label(report.weights, lang)
    );
    figures_text(&mut out, &report.overall, lang);
    for g in &report.groups {
        let _ = writeln!(
            out,
            "\n== {} = {}",
            report.by.as_deref().unwrap_or(""),
            group_value(&g.value, lang)
        );
        figures_text(&mut out, &g.figures, lang);
    }
    out
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|")
}

fn figures_md(out: &mut String, f: &SkmFigures, lang: Lang) {
    let _ = writeln!(
        out,
        "- **IKM: {}** — {} {}, {} {}",
        num(f.ikm, lang),
        lang.pick("mutu", "quality"),
        f.mutu.as_str(),
        lang.pick("kinerja", "performance"),
        kinerja(f, lang)
    );
    let _ = writeln!(
        out,
        "- {}: {}",
        lang.pick("Responden", "Respondents"),
        f.respondents
    );
    let _ = writeln!(
        out,
        "- {}: {}",
        lang.pick("IKM tanpa pembulatan", "Unrounded index"),
        num(f.ikm_exact, lang)
    );
    let _ = writeln!(
        out,
        "- {}: {}",
        lang.pick("Σ NRR × bobot", "Σ NRR × weight"),
        num(f.nrr_weighted, lang)
    );
    let _ = writeln!(
        out,
        "- {}: {}\n",
        lang.pick("Unsur terlemah", "Weakest element"),
        f.weakest.join(", ")
    );
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} | NRR | {} |\n| --- | --- | ---: | ---: | ---: | ---: | ---: |",
        lang.pick("Unsur", "Element"),
        lang.pick("Nama", "Name"),
        lang.pick("Jawaban", "Answers"),
        lang.pick("Kosong", "Blank"),
        lang.pick("Jumlah", "Sum"),
        lang.pick("IKM unsur", "Element index"),
    );
    for e in &f.elements {
        let (b, nrr) = if f.weakest.contains(&e.id) {
            ("**", format!("**{}**", num(e.nrr, lang)))
        } else {
            ("", num(e.nrr, lang))
        };
        let _ = writeln!(
            out,
            "| {b}{}{b} | {} | {} | {} | {} | {nrr} | {} |",
            e.id,
            md_escape(e.name.get(lang)),
            e.answered,
            e.blank,
            e.sum,
            num(e.ikm, lang)
        );
    }
}

/// The report as Markdown.
pub fn skm_to_markdown(report: &SkmReport, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {}\n",
        lang.pick(
            "Indeks Kepuasan Masyarakat (SKM) — PermenPANRB 14/2017",
            "Public satisfaction index (SKM) — PermenPANRB 14/2017"
        )
    );
    if let Some(src) = &report.source {
        let _ = write!(out, "- {}: `{}`", lang.pick("Berkas", "File"), src.file);
        if let Some(sheet) = &src.sheet {
            let _ = write!(out, " ({}: {})", lang.pick("lembar", "sheet"), md_escape(sheet));
        }
        let _ = writeln!(out, ", SHA-256 `{}`", src.sha256);
    }
    let _ = writeln!(
        out,
        "- {}: {}",
        lang.pick("Bobot unsur", "Element weight"),
        weights_label(report.weights, lang)
    );
    figures_md(&mut out, &report.overall, lang);
    for g in &report.groups {
        let _ = writeln!(
            out,
            "\n## {} = {}\n",
            md_escape(report.by.as_deref().unwrap_or("")),
            md_escape(&group_value(&g.value, lang))
        );
        figures_md(&mut out, &g.figures, lang);
    }
    out
}

/// The report as CSV: one row per element and one `IKM` row per scope (all
/// respondents, then each group). Decimals use a point.
pub fn skm_to_csv(report: &SkmReport, lang: Lang) -> String {
    let mut w = CsvText::new();
    let header = [
        "scope",
        "group",
        "id",
        "name",
        "respondents",
        "answered",
        "blank",
        "sum",
        "nrr",
        "nrr_weighted",
        "ikm",
        "mutu",
        "kinerja",
    ];
    w.row(header);
    let scopes = std::iter::once(("all", "", &report.overall)).chain(
        report
            .groups
            .iter()
            .map(|g| ("group", g.value.as_str(), &g.figures)),
    );
    for (scope, group, f) in scopes {
        for e in &f.elements {
            w.row([
                scope,
                group,
                &e.id,
                e.name.get(lang),
                "",
                &e.answered.to_string(),
                &e.blank.to_string(),
                &e.sum.to_string(),
                &e.nrr.to_string(),
                &e.nrr_weighted.to_string(),
                &e.ikm.to_string(),
                "",
                "",
            ]);
        }
        w.row([
            scope,
            group,
            "IKM",
            "",
            &f.respondents.to_string(),
            "",
            "",
            "",
            "",
            &f.nrr_weighted.to_string(),
            &f.ikm.to_string(),
            f.mutu.as_str(),
            &kinerja(f, lang),
        ]);
    }
    w.finish()
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
            "t.csv: no respondents: no data row below the header (row 1)"
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
}
