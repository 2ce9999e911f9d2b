//! The text validation report names file, line, column, path and code of
//! every problem of every bad fixture, one compiler-style line each; a problem
//! inside an answer names the answer's indicator as well.

use std::path::PathBuf;

use p2ham_io::validate::validate_files;
use p2ham_report::{render, Format, RenderOptions};

#[test]
fn the_text_report_names_file_path_and_code_of_every_problem() {
    let dir = PathBuf::from("../../fixtures/bad");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != "expected.json")
        .collect();
    names.sort();
    assert!(names.len() > 30);
    for name in names {
        let path = dir.join(&name);
        let report = validate_files(std::slice::from_ref(&path), None);
        let text =
            String::from_utf8(render(&report, Format::Text, &RenderOptions::default()).unwrap()).unwrap();
        let shown = path.display().to_string();
        assert!(!report.files[0].problems.is_empty(), "{name}");
        for d in &report.files[0].problems {
            let mut at = shown.clone();
            if let (Some(l), Some(c)) = (d.line, d.column) {
                at = format!("{at}:{l}:{c}");
            } else if let Some(l) = d.line {
                at = format!("{at}:{l}");
            }
            if d.path.starts_with("answers[") {
                let id = d
                    .indicator
                    .as_deref()
                    .unwrap_or_else(|| panic!("{name}: {d:?} names no indicator"));
                assert_eq!(d.location(), format!("{} (indicator {id})", d.path));
            }
            if !d.path.is_empty() {
                at = format!("{at}: {}", d.location());
            }
            let line = format!("\n{at}: error[{}]: ", d.code);
            assert!(text.contains(&line), "{name}: report lacks `{line}`:\n{text}");
        }
    }
}
