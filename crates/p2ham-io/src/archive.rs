//! Bounds on what a zipped spreadsheet (XLSX, ODS) may inflate to, checked
//! before the spreadsheet reader sees the file.
//!
//! A zip holds its parts compressed, and the sizes its headers declare may
//! lie, so every part is inflated once through a bounded reader and its bytes
//! counted: a part that inflates to more than [`InflateLimits::part_bytes`],
//! or parts that together inflate to more than
//! [`InflateLimits::total_bytes`], are refused by name. Nothing inflated is
//! kept: memory stays at one buffer whatever the file holds.
//!
//! An ODS table may repeat a row or a cell many times
//! (`table:number-rows-repeated`, `table:number-columns-repeated`), and a
//! spreadsheet reader expands every repeat into cells. The ODS `content.xml` is
//! therefore scanned as it is inflated, counting the cells and the bytes of
//! text its tables expand to, each against its own bound.

use std::borrow::Cow;
use std::io::{self, BufReader, Read};

use quick_xml::events::{BytesStart, Event};

/// How far a zipped spreadsheet may inflate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct InflateLimits {
    /// The most bytes one part may inflate to.
    pub part_bytes: u64,
    /// The most bytes all parts together may inflate to.
    pub total_bytes: u64,
    /// The most parts the zip may list (each costs memory to list).
    pub parts: usize,
    /// The most cells the tables of an ODS expand to, repeats included.
    pub cells: u64,
    /// The most bytes of cell text and formulas the tables of an ODS expand
    /// to, repeats included.
    pub text_bytes: u64,
}

/// Why a zipped spreadsheet is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The zip itself cannot be read.
    Unreadable(String),
    /// A part, or the parts together, inflate to more than allowed; the part
    /// is named and the message says which bound it broke.
    TooLarge {
        /// The part, e.g. `xl/sharedStrings.xml`.
        part: String,
        /// What bound was broken.
        message: String,
    },
}

/// Whether the bytes are a zip archive (XLSX, ODS).
pub(crate) fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// `n` bytes in words: `16 MiB`, `1536 KiB`, `12 bytes`.
pub(crate) fn size_words(n: u64) -> String {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n.is_multiple_of(1 << 10) {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

/// A reader that counts what passes through it.
struct Counted<R> {
    inner: R,
    read: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

/// Check every part of a zipped spreadsheet against `limits`.
pub(crate) fn check_zip(bytes: &[u8], limits: &InflateLimits) -> Result<(), Refusal> {
    // Every entry of a zip's directory starts with this signature: counting
    // them bounds the entries any reader can list, whatever the directory's
    // end record claims, before a reader spends memory listing them.
    let listed = memchr::memmem::find_iter(bytes, b"PK\x01\x02").count();
    if listed > limits.parts {
        return Err(Refusal::TooLarge {
            part: "the zip's directory".into(),
            message: format!(
                "lists {listed} parts, more than {} (the limit of a file)",
                limits.parts
            ),
        });
    }
    let mut archive =
        zip::ZipArchive::new(io::Cursor::new(bytes)).map_err(|e| Refusal::Unreadable(e.to_string()))?;
    let mut total: u64 = 0;
    let mut cells = OdsCount::default();
    for index in 0..archive.len() {
        let entry = archive
            .by_index(index)
            .map_err(|e| Refusal::Unreadable(format!("part {}: {e}", index + 1)))?;
        let part = entry
            .name()
            .map_or_else(|_| format!("part {}", index + 1), Cow::into_owned);
        if entry.is_dir() {
            continue;
        }
        let left = limits.total_bytes.saturating_sub(total);
        let bound = limits.part_bytes.min(left);
        let mut counted = Counted {
            inner: entry.take(bound.saturating_add(1)),
            read: 0,
        };
        let outcome = if part == "content.xml" {
            cells.scan(&mut counted, limits)
        } else {
            // Any part may be read as a sheet (a workbook names its parts):
            // every one is scanned; one that is no XML holds no reference.
            cell_references(&mut counted)
        };
        // Whatever the scan left (or the whole part) is inflated and counted.
        let drained = io::copy(&mut counted, &mut io::sink());
        let read = counted.read;
        if read > bound {
            let message = if bound < limits.part_bytes {
                format!(
                    "the parts of the file inflate to more than {} in all (the limit of a whole file)",
                    size_words(limits.total_bytes)
                )
            } else {
                format!(
                    "inflates to more than {} (the limit of one part)",
                    size_words(limits.part_bytes)
                )
            };
            return Err(Refusal::TooLarge { part, message });
        }
        match outcome {
            Ok(()) => {}
            Err(Scan::TooLarge(message)) => return Err(Refusal::TooLarge { part, message }),
            Err(Scan::Xml(message) | Scan::Reference(message)) => {
                return Err(Refusal::Unreadable(format!("{part}: {message}")))
            }
        }
        drained.map_err(|e| Refusal::Unreadable(format!("{part}: {e}")))?;
        total = total.saturating_add(read);
    }
    Ok(())
}

enum Scan {
    TooLarge(String),
    Xml(String),
    Reference(String),
}

/// Whether `token` (a part of an `r` or `ref` attribute, e.g. `B12`, `$C$5`,
/// `7`) names a place outside every worksheet: more than 3 column letters or
/// 7 row digits, a column after `XFD` or a row after 1,048,576. A token of
/// other characters is no reference at all, and left to the reader to refuse.
fn outside_sheets(token: &str) -> bool {
    let t = token.replace('$', "");
    let letters = t.bytes().take_while(u8::is_ascii_alphabetic).count();
    let digits = &t[letters..];
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    if letters > 3 || digits.len() > 7 {
        return true;
    }
    let column = t[..letters]
        .bytes()
        .fold(0u32, |c, b| c * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1);
    let row: u32 = digits.parse().unwrap_or(0);
    column > 16_384 || row > 1_048_576
}

/// Check every cell reference (`r`, `ref`) of an XLSX part: one outside
/// every worksheet is refused before the reader computes with it.
fn cell_references(reader: impl Read) -> Result<(), Scan> {
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(reader));
    xml.config_mut().check_end_names = false;
    let mut buf = Vec::new();
    loop {
        // A part that is no (well-formed) XML is left to the reader.
        let Ok(event) = xml.read_event_into(&mut buf) else {
            return Ok(());
        };
        match event {
            Event::Eof => return Ok(()),
            Event::Start(e) | Event::Empty(e) => {
                for a in e.attributes().flatten() {
                    if matches!(a.key.as_ref(), "r" | "ref") {
                        if let Some(bad) = a.value.split([':', ' ']).find(|t| outside_sheets(t)) {
                            return Err(Scan::Reference(format!(
                                "the cell reference `{bad}` lies outside every worksheet (the last cell is XFD1048576)"
                            )));
                        }
                    }
                }
            }
            _ => {}
        }
        buf.clear();
    }
}

/// The cells and text the tables of an ODS expand to.
#[derive(Default)]
struct OdsCount {
    cells: u64,
    text: u64,
}

fn attr_u64(e: &BytesStart<'_>, name: &str) -> u64 {
    // A repeat that is no number is the spreadsheet reader's to refuse; it
    // counts as the largest so that it is never underestimated.
    match e.try_get_attribute(name) {
        Ok(Some(a)) => a.value.trim().parse().unwrap_or(u64::MAX),
        Ok(None) => 1,
        Err(_) => u64::MAX,
    }
}

/// Whether a cell element holds a value or a formula by its attributes.
fn valued(e: &BytesStart<'_>) -> (bool, u64) {
    let mut valued = false;
    let mut text = 0u64;
    for a in e.attributes().flatten() {
        let key = a.key.as_ref();
        let local = key.rsplit(':').next().unwrap_or(key);
        if matches!(
            local,
            "value-type"
                | "value"
                | "date-value"
                | "time-value"
                | "boolean-value"
                | "string-value"
                | "formula"
        ) {
            valued = true;
            text = text.saturating_add(a.value.len() as u64);
        }
    }
    (valued, text)
}

impl OdsCount {
    /// Scan `content.xml`, counting what its tables expand to.
    fn scan(&mut self, reader: impl Read, limits: &InflateLimits) -> Result<(), Scan> {
        let mut xml = quick_xml::Reader::from_reader(BufReader::new(reader));
        let config = xml.config_mut();
        config.check_end_names = false;
        config.trim_text(false);
        let mut buf = Vec::new();
        // Per table: the rows from its first valued row to its last, the
        // widest valued row, and the text of its rows.
        let mut table = Table::default();
        let mut in_table = 0u32;
        // Inside a row: the column reached, the row's valued width and text.
        let mut row: Option<Row> = None;
        // Inside a cell: its nesting depth, its repeats, whether valued, its text.
        let mut cell: Option<Cell> = None;
        loop {
            let event = xml
                .read_event_into(&mut buf)
                .map_err(|e| Scan::Xml(format!("not well-formed XML: {e}")))?;
            match event {
                Event::Eof => break,
                Event::Start(e) if cell.is_some() => {
                    let c = cell.as_mut().expect("inside a cell");
                    c.valued = true;
                    c.text = c.text.saturating_add(e.len() as u64);
                    c.depth += 1;
                }
                Event::Empty(e) if cell.is_some() => {
                    let c = cell.as_mut().expect("inside a cell");
                    c.valued = true;
                    c.text = c.text.saturating_add(e.len() as u64);
                }
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let is_start = matches!(event, Event::Start(_));
                    match e.name().as_ref() {
                        "table:table" if is_start => {
                            in_table += 1;
                            table = Table::default();
                        }
                        "table:table-row" if in_table > 0 => {
                            let r = Row {
                                repeats: attr_u64(e, "table:number-rows-repeated"),
                                ..Row::default()
                            };
                            if is_start {
                                row = Some(r);
                            } else {
                                table.row(&r);
                            }
                        }
                        "table:table-cell" | "table:covered-table-cell" if row.is_some() => {
                            let (valued, text) = valued(e);
                            let c = Cell {
                                depth: 0,
                                repeats: attr_u64(e, "table:number-columns-repeated"),
                                valued,
                                text,
                            };
                            if is_start {
                                cell = Some(c);
                            } else {
                                row.as_mut().expect("inside a row").cell(&c);
                            }
                        }
                        _ => {}
                    }
                }
                Event::Text(t) if cell.is_some() => {
                    let c = cell.as_mut().expect("inside a cell");
                    if !t.is_empty() {
                        c.valued = true;
                        c.text = c.text.saturating_add(t.len() as u64);
                    }
                }
                Event::CData(t) if cell.is_some() => {
                    let c = cell.as_mut().expect("inside a cell");
                    c.valued = true;
                    c.text = c.text.saturating_add(t.len() as u64);
                }
                Event::GeneralRef(t) if cell.is_some() => {
                    let c = cell.as_mut().expect("inside a cell");
                    c.valued = true;
                    c.text = c.text.saturating_add(t.len() as u64 + 2);
                }
                Event::End(_) if cell.as_ref().is_some_and(|c| c.depth > 0) => {
                    cell.as_mut().expect("inside a cell").depth -= 1;
                }
                Event::End(_) if cell.is_some() => {
                    let c = cell.take().expect("inside a cell");
                    if let Some(r) = row.as_mut() {
                        r.cell(&c);
                    }
                }
                Event::End(e) => match e.name().as_ref() {
                    "table:table-row" => {
                        if let Some(r) = row.take() {
                            table.row(&r);
                        }
                    }
                    "table:table" if in_table > 0 => {
                        in_table -= 1;
                        let (cells, text) = table.expanded();
                        self.cells = self.cells.saturating_add(cells);
                        self.text = self.text.saturating_add(text);
                        table = Table::default();
                    }
                    _ => {}
                },
                _ => {}
            }
            if self.cells.saturating_add(table.expanded().0) > limits.cells {
                return Err(Scan::TooLarge(format!(
                    "its tables expand to more than {} cells (repeated rows and columns counted; the limit of a file)",
                    limits.cells
                )));
            }
            if self.text.saturating_add(table.expanded().1) > limits.text_bytes {
                return Err(Scan::TooLarge(format!(
                    "its tables expand to more than {} of cell text (repeated rows and columns counted; the limit of a file)",
                    size_words(limits.text_bytes)
                )));
            }
            buf.clear();
        }
        Ok(())
    }
}

#[derive(Default)]
struct Cell {
    depth: u32,
    repeats: u64,
    valued: bool,
    text: u64,
}

#[derive(Default)]
struct Row {
    repeats: u64,
    /// Columns reached so far, repeats included.
    column: u64,
    /// The column after the last valued cell.
    width: u64,
    /// Text of the row once, repeats of cells included.
    text: u64,
}

impl Row {
    fn cell(&mut self, c: &Cell) {
        self.column = self.column.saturating_add(c.repeats);
        if c.valued {
            self.width = self.column;
            self.text = self.text.saturating_add(c.text.saturating_mul(c.repeats));
        }
    }
}

#[derive(Default)]
struct Table {
    /// Rows (repeats included) up to the last valued row seen so far.
    rows_spanned: u64,
    /// Rows (repeats included) since the last valued row: counted only when a
    /// valued row follows them.
    rows_pending: u64,
    started: bool,
    width: u64,
    text: u64,
}

impl Table {
    fn row(&mut self, r: &Row) {
        if r.width == 0 {
            if self.started {
                self.rows_pending = self.rows_pending.saturating_add(r.repeats);
            }
            return;
        }
        self.started = true;
        self.rows_spanned = self
            .rows_spanned
            .saturating_add(self.rows_pending)
            .saturating_add(r.repeats);
        self.rows_pending = 0;
        self.width = self.width.max(r.width);
        self.text = self.text.saturating_add(r.text.saturating_mul(r.repeats));
    }

    /// The cells and text the table expands to so far.
    fn expanded(&self) -> (u64, u64) {
        (self.rows_spanned.saturating_mul(self.width), self.text)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    const LIMITS: InflateLimits = InflateLimits {
        part_bytes: 1 << 20,
        total_bytes: 3 << 20,
        parts: 20,
        cells: 10_000,
        text_bytes: 1 << 20,
    };

    fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
        for (name, data) in parts {
            out.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            out.write_all(data).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    fn too_large(bytes: &[u8], limits: &InflateLimits) -> (String, String) {
        match check_zip(bytes, limits) {
            Err(Refusal::TooLarge { part, message }) => (part, message),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_part_is_read_up_to_its_bound_exactly() {
        let exact = vec![b' '; 1 << 20];
        assert_eq!(
            check_zip(&zip_of(&[("xl/sharedStrings.xml", &exact)]), &LIMITS),
            Ok(())
        );
        let over = vec![b' '; (1 << 20) + 1];
        let bomb = zip_of(&[("a.xml", b"<a/>"), ("xl/sharedStrings.xml", &over)]);
        assert!(bomb.len() < 8 << 10, "{} bytes", bomb.len());
        let (part, message) = too_large(&bomb, &LIMITS);
        assert_eq!(part, "xl/sharedStrings.xml");
        assert!(message.contains("more than 1 MiB"), "{message}");
    }

    #[test]
    fn the_parts_together_are_bounded() {
        let mib = vec![b'x'; 1 << 20];
        let parts = [
            ("p1", &mib[..]),
            ("p2", &mib[..]),
            ("p3", &mib[..]),
            ("p4", &b"y"[..]),
        ];
        let (part, message) = too_large(&zip_of(&parts), &LIMITS);
        assert_eq!(part, "p4");
        assert!(message.contains("3 MiB in all"), "{message}");
        assert_eq!(check_zip(&zip_of(&parts[..3]), &LIMITS), Ok(()));
    }

    /// The sizes a zip's headers declare are not trusted: a part that says it
    /// holds 10 bytes is still counted as it inflates.
    #[test]
    fn a_part_that_lies_about_its_size_is_counted_as_it_inflates() {
        let over = vec![b' '; 2 << 20];
        let mut bomb = zip_of(&[("xl/worksheets/sheet1.xml", &over)]);
        let lie = 10u32.to_le_bytes();
        // The local header's uncompressed size is at offset 22; the central
        // directory entry's at offset 24 from its signature.
        bomb[22..26].copy_from_slice(&lie);
        let central = bomb.windows(4).rposition(|w| w == b"PK\x01\x02").unwrap();
        bomb[central + 24..central + 28].copy_from_slice(&lie);
        match check_zip(&bomb, &LIMITS) {
            Err(Refusal::TooLarge { part, .. }) => assert_eq!(part, "xl/worksheets/sheet1.xml"),
            // A reader that refuses the lie is as good.
            Err(Refusal::Unreadable(_)) => {}
            Ok(()) => panic!("a lying part passed"),
        }
    }

    fn ods(table: &str) -> Vec<u8> {
        let content = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="Sampul">{table}</table:table></office:spreadsheet></office:body></office:document-content>"#
        );
        zip_of(&[
            ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
            ("content.xml", content.as_bytes()),
        ])
    }

    const CELL: &str =
        r#"<table:table-cell office:value-type="string"><text:p>ada</text:p></table:table-cell>"#;

    #[test]
    fn repeated_rows_and_columns_count_as_the_cells_they_stand_for() {
        let rows = ods(&format!(
            r#"<table:table-row table:number-rows-repeated="1000000">{CELL}</table:table-row>"#
        ));
        let (part, message) = too_large(&rows, &LIMITS);
        assert_eq!(part, "content.xml");
        assert!(message.contains("more than 10000 cells"), "{message}");

        let columns = ods(
            r#"<table:table-row><table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>a</text:p></table:table-cell></table:table-row>"#,
        );
        assert_eq!(too_large(&columns, &LIMITS).0, "content.xml");

        // Blank rows between two valued rows are cells of the table too.
        let gap = ods(&format!(
            r#"<table:table-row>{CELL}</table:table-row><table:table-row table:number-rows-repeated="20000"><table:table-cell/></table:table-row><table:table-row>{CELL}</table:table-row>"#
        ));
        assert_eq!(too_large(&gap, &LIMITS).0, "content.xml");
    }

    #[test]
    fn repeated_text_counts_at_every_cell() {
        let long = "x".repeat(2000);
        let text = ods(&format!(
            r#"<table:table-row table:number-rows-repeated="1000"><table:table-cell office:value-type="string"><text:p>{long}</text:p></table:table-cell></table:table-row>"#
        ));
        let (part, message) = too_large(&text, &LIMITS);
        assert_eq!(part, "content.xml");
        assert!(message.contains("of cell text"), "{message}");
    }

    /// A spreadsheet program writes the blank rest of a sheet as one row
    /// repeated to the end, and blank formatted cells repeated across it:
    /// blank cells after the last value stand for nothing.
    #[test]
    fn trailing_blank_repeats_are_free() {
        let ok = ods(&format!(
            r#"<table:table-column table:number-columns-repeated="1024"/><table:table-row>{CELL}<table:table-cell table:style-name="ce1" table:number-columns-repeated="16383"/></table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#
        ));
        assert_eq!(check_zip(&ok, &LIMITS), Ok(()));
    }

    /// A cell reference no worksheet holds is refused before the reader
    /// computes with it (a row of 11 digits overflowed its arithmetic).
    #[test]
    fn cell_references_outside_every_sheet_are_refused() {
        for bad in ["A99999999999", "XFE1", "ABCD1", "A1048577", "A1:B99999999"] {
            let sheet =
                format!(r#"<worksheet><sheetData><row r="1"><c r="{bad}"/></row></sheetData></worksheet>"#);
            match check_zip(
                &zip_of(&[("xl/worksheets/sheet1.xml", sheet.as_bytes())]),
                &LIMITS,
            ) {
                Err(Refusal::Unreadable(m)) => assert!(m.contains("outside every worksheet"), "{m}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
        let good = r#"<worksheet><dimension ref="A1:XFD1048576"/><sheetData><row r="1048576"><c r="$XFD$1048576"/></row></sheetData></worksheet>"#;
        assert_eq!(
            check_zip(&zip_of(&[("xl/worksheets/sheet1.xml", good.as_bytes())]), &LIMITS),
            Ok(())
        );
    }

    /// A zip listing many (empty) parts is refused before any reader lists
    /// them: the directory's entries are counted, not its claims.
    #[test]
    fn the_parts_a_zip_lists_are_bounded() {
        let names: Vec<String> = (0..21).map(|i| format!("p{i}")).collect();
        let parts: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
        let (part, message) = too_large(&zip_of(&parts), &LIMITS);
        assert_eq!(part, "the zip's directory");
        assert!(message.contains("lists 21 parts, more than 20"), "{message}");
        assert_eq!(check_zip(&zip_of(&parts[..20]), &LIMITS), Ok(()));
    }

    #[test]
    fn an_archive_that_is_no_zip_is_unreadable() {
        assert!(matches!(
            check_zip(b"PK\x03\x04 not a zip", &LIMITS),
            Err(Refusal::Unreadable(_))
        ));
    }
}
