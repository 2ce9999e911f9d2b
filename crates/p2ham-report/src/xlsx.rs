//! An XLSX workbook (rust_xlsxwriter): the first sheet holds the title, the
//! key/value lines and the text of the report; every table gets a sheet of
//! its own with a frozen, bold header row, column widths fitted to the
//! content and figures written as numbers. Text cells are cleaned of control
//! characters and neutralised against formula injection
//! ([`sanitize::formula_safe`]).

use std::collections::HashSet;

use rust_xlsxwriter::{Format, FormatAlign, Url, Workbook, Worksheet, XlsxError};

use crate::doc::{Align, Block, Cell, Doc, ImageContent, Table};
use crate::sanitize;
use crate::ReportError;

fn text(s: &str) -> String {
    let clean = sanitize::terminal(s);
    // A cell holds at most 32,767 characters.
    let clean: String = clean.chars().take(32_000).collect();
    sanitize::formula_safe(&clean).into_owned()
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`,
/// no `'` at either end, unique regardless of case.
fn sheet_name(wanted: &str, taken: &mut HashSet<String>) -> String {
    let base: String = wanted
        .chars()
        .map(|c| {
            if "[]:*?/\\".contains(c) || c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect();
    let base = base.trim().trim_matches('\'').trim();
    let base = if base.is_empty() { "Sheet" } else { base };
    for n in 1.. {
        let suffix = if n == 1 { String::new() } else { format!(" ({n})") };
        let keep = 31 - suffix.chars().count();
        let name: String = base.chars().take(keep).collect::<String>().trim_end().to_owned() + &suffix;
        if taken.insert(name.to_lowercase()) {
            return name;
        }
    }
    unreachable!("some suffix is free")
}

fn width_of(s: &str) -> usize {
    s.chars().count()
}

struct Formats {
    bold: Format,
    title: Format,
    number: Format,
    wrap: Format,
}

fn write_table(sheet: &mut Worksheet, t: &Table, f: &Formats) -> Result<(), XlsxError> {
    let mut widths: Vec<usize> = t.columns.iter().map(|(h, _)| width_of(h)).collect();
    for (c, (h, a)) in t.columns.iter().enumerate() {
        let col = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
        let format = if *a == Align::Right {
            f.bold.clone().set_align(FormatAlign::Right)
        } else {
            f.bold.clone()
        };
        sheet.write_string_with_format(0, col, text(h), &format)?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (c, cell) in row.iter().enumerate() {
            let col = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
            match cell {
                Cell::Empty => {}
                Cell::Number(d) => {
                    // Written with the decimals it was computed with (0.00 for 2).
                    let scale = d.scale().min(10) as usize;
                    let format = f.number.clone().set_num_format(if scale == 0 {
                        "0".to_owned()
                    } else {
                        format!("0.{}", "0".repeat(scale))
                    });
                    // Parsed from its decimal text: the nearest double, exactly as a reader of the JSON gets it.
                    let value: f64 = d.to_string().parse().unwrap_or(f64::NAN);
                    sheet.write_number_with_format(r, col, value, &format)?;
                    widths[c] = widths[c].max(width_of(&d.to_string()));
                }
                Cell::Int(n) => {
                    #[allow(clippy::cast_precision_loss)]
                    sheet.write_number(r, col, *n as f64)?;
                    widths[c] = widths[c].max(width_of(&n.to_string()));
                }
                Cell::Text(s) | Cell::Styled(s, _) => {
                    let s = text(s);
                    widths[c] = widths[c].max(width_of(&s));
                    sheet.write_string(r, col, s)?;
                }
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        let col = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
        #[allow(clippy::cast_precision_loss)]
        sheet.set_column_width(col, (*w).clamp(4, 60) as f64 + 2.0)?;
        if *w > 60 {
            sheet.set_column_format(col, &f.wrap)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn build(doc: &Doc) -> Result<Vec<u8>, XlsxError> {
    let f = Formats {
        bold: Format::new().set_bold(),
        title: Format::new().set_bold().set_font_size(14),
        number: Format::new(),
        wrap: Format::new().set_text_wrap(),
    };
    let mut book = Workbook::new();
    let mut taken = HashSet::new();
    let first = sheet_name(crate::labels::SUMMARY.get(doc.lang), &mut taken);
    // Sheet names first, so the summary can link to them.
    let names: Vec<String> = doc.tables().map(|t| sheet_name(&t.name, &mut taken)).collect();

    let sheet = book.add_worksheet();
    sheet.set_name(&first)?;
    sheet.set_column_width(0, 40)?;
    sheet.set_column_width(1, 80)?;
    let mut row: u32 = 0;
    sheet.write_string_with_format(row, 0, text(&doc.title), &f.title)?;
    row += 1;
    for (k, v) in &doc.meta {
        sheet.write_string_with_format(row, 0, text(k), &f.bold)?;
        sheet.write_string(row, 1, text(v))?;
        row += 1;
    }
    let mut tables = names.iter();
    for block in &doc.blocks {
        match block {
            Block::Heading { text: h, .. } => {
                row += 1;
                sheet.write_string_with_format(row, 0, text(h), &f.bold)?;
            }
            Block::Paragraph { text: p, strong } => {
                if *strong {
                    sheet.write_string_with_format(row, 0, text(p), &f.bold)?;
                } else {
                    sheet.write_string(row, 0, text(p))?;
                }
            }
            Block::Note(p) => sheet.write_string(row, 0, text(p)).map(|_| ())?,
            Block::List { items, numbered } => {
                for (n, item) in items.iter().enumerate() {
                    let bullet = crate::doc::bullet(n, *numbered);
                    sheet.write_string(row, 0, bullet)?;
                    sheet.write_string(row, 1, text(item))?;
                    row += 1;
                }
                continue;
            }
            Block::KeyValue(pairs) => {
                for (k, v) in pairs {
                    sheet.write_string_with_format(row, 0, text(k), &f.bold)?;
                    sheet.write_string(row, 1, text(v))?;
                    row += 1;
                }
                continue;
            }
            Block::Table(_) => {
                let name = tables.next().expect("one name per table");
                let url =
                    Url::new(format!("internal:'{}'!A1", name.replace('\'', "''"))).set_text(name.as_str());
                sheet.write_url(row, 0, url)?;
            }
            Block::Verdict(v) => {
                sheet.write_string_with_format(row, 0, text(&v.label), &f.bold)?;
                sheet.write_string_with_format(
                    row,
                    1,
                    text(&format!("{} ({})", v.decision, v.rule)),
                    &f.bold,
                )?;
                for r in &v.reasons {
                    row += 1;
                    sheet.write_string(row, 1, text(&format!("- {r}")))?;
                }
            }
            Block::BarChart(_) => continue,
            Block::Lines(lines) => {
                for l in lines {
                    sheet.write_string(row, 0, text(l))?;
                    row += 1;
                }
                continue;
            }
            Block::Images(images) => {
                for i in images {
                    sheet.write_string(row, 0, text(&format!("{} {}", i.indicator, i.path)))?;
                    let state = match (&i.content, i.problem.is_empty()) {
                        (_, false) => format!("{} ({})", i.caption, i.problem),
                        (
                            ImageContent::Thumbnail { .. }
                            | ImageContent::Linked
                            | ImageContent::Served { .. },
                            true,
                        ) => i.caption.clone(),
                        (ImageContent::Absent, true) => "—".into(),
                    };
                    sheet.write_string(row, 1, text(state.trim()))?;
                    row += 1;
                }
                continue;
            }
            Block::Beside(b) => {
                for line in crate::text::beside_lines(b) {
                    sheet.write_string(row, 0, text(&line))?;
                    row += 1;
                }
                continue;
            }
        }
        row += 1;
    }

    for (t, name) in doc.tables().zip(&names) {
        let sheet = book.add_worksheet();
        sheet.set_name(name)?;
        write_table(sheet, t, &f)?;
    }
    book.save_to_buffer()
}

/// The document as an XLSX workbook.
pub fn to_xlsx(doc: &Doc) -> Result<Vec<u8>, ReportError> {
    build(doc).map_err(|e| ReportError::Xlsx(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut taken = HashSet::new();
        assert_eq!(sheet_name("Kriteria A", &mut taken), "Kriteria A");
        assert_eq!(sheet_name("kriteria a", &mut taken), "kriteria a (2)");
        assert_eq!(sheet_name("a/b:c[d]", &mut taken), "a b c d");
        let long = sheet_name(&"x".repeat(40), &mut taken);
        assert_eq!(long.chars().count(), 31);
        assert_eq!(sheet_name("''", &mut taken), "Sheet");
    }
}
