//! The validation report (`p2ham validate`): one compiler-style line per
//! problem, and a table of them.

use std::fmt::Write as _;

use p2ham_io::validate::ValidationReport;
use p2ham_model::Lang;

use crate::csv::CsvText;
use crate::doc::{Block, Doc};
use crate::labels as t;

/// One diagnostic as a line, the form compilers use:
/// `file[:line[:column]]: [path: ]error[code]: message`; `path` is the path
/// with its indicator when known, `answers[3].value (indicator A.07)`
/// (see [`p2ham_model::Diagnostic::location`]).
pub fn diagnostic_line(
    file: &str,
    line: Option<u64>,
    column: Option<u64>,
    path: &str,
    code: &str,
    message: &str,
) -> String {
    let mut at = file.to_owned();
    if let Some(l) = line {
        let _ = write!(at, ":{l}");
        if let Some(c) = column {
            let _ = write!(at, ":{c}");
        }
    }
    if !path.is_empty() {
        let _ = write!(at, ": {path}");
    }
    format!("{at}: error[{code}]: {message}")
}

/// The validation as a document: one line per valid file and per problem,
/// then the summary.
pub fn validation_doc(r: &ValidationReport, lang: Lang) -> Doc {
    let mut doc = Doc::new(t::VALIDATION_TITLE.get(lang), lang);
    let mut lines = Vec::new();
    for f in &r.files {
        if f.valid {
            lines.push(format!(
                "{}: ok ({})",
                f.file,
                f.kind.as_deref().unwrap_or("document")
            ));
        }
        for p in &f.problems {
            let (line, column) = (p.line.map(|l| l as u64), p.column.map(|c| c as u64));
            lines.push(diagnostic_line(
                &f.file,
                line,
                column,
                &p.location(),
                p.code.as_str(),
                &p.message,
            ));
        }
    }
    let bad = r.files.iter().filter(|f| !f.valid).count();
    let problems: usize = r.files.iter().map(|f| f.problems.len()).sum();
    lines.push(format!(
        "{} file(s) checked: {} valid, {} invalid, {} problem(s)",
        r.files.len(),
        r.files.len() - bad,
        bad,
        problems
    ));
    doc.push(Block::Lines(lines));
    doc
}

/// One CSV row per problem: `file,kind,sha256,valid,code,path,line,column,message`;
/// a valid file has one row with empty problem columns.
pub fn validation_csv(r: &ValidationReport) -> String {
    let mut w = CsvText::new();
    w.header(&[
        "file", "kind", "sha256", "valid", "code", "path", "line", "column", "message",
    ]);
    for f in &r.files {
        let head = [
            f.file.clone(),
            f.kind.clone().unwrap_or_default(),
            f.sha256.clone().unwrap_or_default(),
            f.valid.to_string(),
        ];
        if f.problems.is_empty() {
            w.row(head.iter().map(String::as_str).chain(["", "", "", "", ""]));
        }
        for p in &f.problems {
            let (line, column) = (
                p.line.map(|l| l.to_string()).unwrap_or_default(),
                p.column.map(|c| c.to_string()).unwrap_or_default(),
            );
            w.row(head.iter().map(String::as_str).chain([
                p.code.as_str(),
                p.path.as_str(),
                &line,
                &column,
                p.message.as_str(),
            ]));
        }
    }
    w.finish()
}
