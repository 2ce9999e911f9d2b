//! Plain tables rendered as aligned terminal text or as Markdown; shared by
//! every human-readable report.

use std::fmt::Write;

/// How a column is aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text columns.
    Left,
    /// Figures.
    Right,
}

/// A table: a header row and data rows of the same width.
#[derive(Debug, Clone, Default)]
pub struct Table {
    headers: Vec<String>,
    aligns: Vec<Align>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headers and alignments.
    pub fn new(columns: &[(&str, Align)]) -> Self {
        Self {
            headers: columns.iter().map(|(h, _)| (*h).to_owned()).collect(),
            aligns: columns.iter().map(|(_, a)| *a).collect(),
            rows: Vec::new(),
        }
    }

    /// Add a row (cells beyond the header width are dropped, missing ones are empty).
    pub fn row(&mut self, cells: Vec<String>) {
        let mut cells = cells;
        cells.resize(self.headers.len(), String::new());
        self.rows.push(cells);
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Aligned text, two spaces between columns, a rule under the header.
    pub fn to_text(&self) -> String {
        let width = |s: &str| s.chars().count();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| width(h)).collect();
        for r in &self.rows {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(width(c));
            }
        }
        let line = |cells: &[String]| {
            let mut s = String::new();
            for (i, (c, w)) in cells.iter().zip(&widths).enumerate() {
                if i > 0 {
                    s.push_str("  ");
                }
                let pad = w - width(c);
                let last = i + 1 == cells.len();
                match self.aligns[i] {
                    Align::Right => {
                        s.push_str(&" ".repeat(pad));
                        s.push_str(c);
                    }
                    Align::Left => {
                        s.push_str(c);
                        if !last {
                            s.push_str(&" ".repeat(pad));
                        }
                    }
                }
            }
            s.trim_end().to_owned()
        };
        let mut out = String::new();
        let _ = writeln!(out, "{}", line(&self.headers));
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        let _ = writeln!(out, "{}", line(&rule));
        for r in &self.rows {
            let _ = writeln!(out, "{}", line(r));
        }
        out
    }

    /// A GitHub-flavoured Markdown table.
    pub fn to_markdown(&self) -> String {
        let esc = md_cell;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "| {} |",
            self.headers
                .iter()
                .map(|h| esc(h))
                .collect::<Vec<_>>()
                .join(" | ")
        );
        let rule: Vec<&str> = self
            .aligns
            .iter()
            .map(|a| if *a == Align::Right { "---:" } else { "---" })
            .collect();
        let _ = writeln!(out, "| {} |", rule.join(" | "));
        for r in &self.rows {
            let _ = writeln!(
                out,
                "| {} |",
                r.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")
            );
        }
        out
    }
}

/// A Markdown table cell: `|` escaped, each line break (`\r\n`, `\r` or `\n`)
/// a space, so a cell never ends its row.
pub(crate) fn md_cell(s: &str) -> String {
    s.replace("\r\n", " ")
        .replace(['\r', '\n'], " ")
        .replace('|', "\\|")
}

/// CSV (RFC 4180 quoting, `\n` line ends) written into memory, shared by
/// every report's `--format csv`.
pub(crate) struct CsvText(csv::Writer<Vec<u8>>);

impl CsvText {
    /// An empty document.
    pub(crate) fn new() -> Self {
        Self(csv::Writer::from_writer(Vec::new()))
    }

    /// Append one record.
    pub(crate) fn row<I, T>(&mut self, record: I)
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        // Writing into a Vec cannot fail.
        self.0.write_record(record).expect("writing CSV to memory");
    }

    /// The document as text.
    pub(crate) fn finish(self) -> String {
        let bytes = self.0.into_inner().expect("flushing CSV to memory");
        String::from_utf8(bytes).expect("every field is UTF-8 text")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_text_and_escapes_markdown() {
        let mut t = Table::new(&[("Id", Align::Left), ("Skor", Align::Right)]);
        t.row(vec!["A".into(), "96.15".into()]);
        t.row(vec!["B|x".into(), "5".into()]);
        assert_eq!(t.to_text(), "Id    Skor\n---  -----\nA    96.15\nB|x      5\n");
        assert!(t.to_markdown().contains("| B\\|x | 5 |"));
        assert!(t.to_markdown().contains("| --- | ---: |"));
    }

    #[test]
    fn markdown_cells_never_break_the_row() {
        let mut t = Table::new(&[("Id\r\nx", Align::Left), ("Note", Align::Left)]);
        t.row(vec!["a\r\nb".into(), "c\rd\ne|f".into()]);
        assert_eq!(
            t.to_markdown(),
            "| Id x | Note |\n| --- | --- |\n| a b | c d e\\|f |\n"
        );
    }
}
