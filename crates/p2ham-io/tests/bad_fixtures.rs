//! Every document in `fixtures/bad/` fails with exactly the problems listed for
//! it in `fixtures/bad/expected.json`: the codes, the paths and (for syntax
//! errors) the line and column. Nothing panics, and the text report names the
//! file and the path of every problem.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use p2ham_io::validate::validate_files;
use serde_json::Value;

fn bad_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/bad")
}

/// One expected problem: code, path, and line/column when given.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Expected {
    code: String,
    path: String,
    line: Option<usize>,
    column: Option<usize>,
}

fn expected() -> BTreeMap<String, Vec<Expected>> {
    let text = std::fs::read_to_string(bad_dir().join("expected.json")).expect("expected.json is readable");
    let v: Value = serde_json::from_str(&text).expect("expected.json is JSON");
    let obj = v
        .as_object()
        .expect("expected.json is an object of file → problems");
    let as_usize = |v: &Value| v.as_u64().map(|n| usize::try_from(n).unwrap());
    obj.iter()
        .map(|(file, problems)| {
            let list = problems
                .as_array()
                .unwrap_or_else(|| panic!("{file}: expected a list of problems"))
                .iter()
                .map(|p| Expected {
                    code: p["code"].as_str().expect("code").to_owned(),
                    path: p["path"].as_str().expect("path").to_owned(),
                    line: p.get("line").and_then(as_usize),
                    column: p.get("column").and_then(as_usize),
                })
                .collect::<Vec<_>>();
            assert!(
                !list.is_empty(),
                "{file}: a bad fixture must expect at least one problem"
            );
            (file.clone(), list)
        })
        .collect()
}

fn bad_files() -> BTreeSet<String> {
    std::fs::read_dir(bad_dir())
        .expect("fixtures/bad exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json" || x == "toml"))
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .filter(|n| n != "expected.json")
        .collect()
}

#[test]
fn every_bad_fixture_is_listed_in_expected_and_back() {
    let listed: BTreeSet<String> = expected().keys().cloned().collect();
    let present = bad_files();
    let unlisted: Vec<_> = present.difference(&listed).collect();
    let missing: Vec<_> = listed.difference(&present).collect();
    assert!(
        unlisted.is_empty(),
        "bad fixtures with no entry in expected.json: {unlisted:?}"
    );
    assert!(
        missing.is_empty(),
        "expected.json names files that do not exist: {missing:?}"
    );
    assert!(present.len() >= 20, "only {} bad fixtures", present.len());
}

#[test]
fn every_bad_fixture_fails_with_exactly_its_expected_problems() {
    let mut failures = Vec::new();
    for (name, want) in expected() {
        let path = bad_dir().join(&name);
        let report = validate_files(std::slice::from_ref(&path), None);
        assert!(!report.valid, "{name}: expected the file to be invalid");
        let file = &report.files[0];
        assert!(!file.valid, "{name}: the file report says valid");
        let mut got: Vec<Expected> = file
            .problems
            .iter()
            .map(|d| {
                let syntax = d.code == "syntax";
                Expected {
                    code: d.code.to_string(),
                    path: d.path.clone(),
                    line: if syntax { d.line } else { None },
                    column: if syntax { d.column } else { None },
                }
            })
            .collect();
        let mut want = want;
        got.sort();
        want.sort();
        if got != want {
            failures.push(format!("{name}:\n  expected {want:?}\n  got      {got:?}"));
        }
        for d in &file.problems {
            assert!(
                !d.message.trim().is_empty(),
                "{name}: {} has an empty message",
                d.code
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn one_call_reports_every_problem_of_every_file() {
    let names: Vec<String> = bad_files().into_iter().collect();
    let paths: Vec<PathBuf> = names.iter().map(|n| bad_dir().join(n)).collect();
    let report = validate_files(&paths, None);
    assert!(!report.valid);
    assert_eq!(report.files.len(), names.len());
    let want: usize = expected().values().map(Vec::len).sum();
    let got: usize = report.files.iter().map(|f| f.problems.len()).sum();
    assert_eq!(got, want, "every problem of every file, not just the first");
    for (f, n) in report.files.iter().zip(&names) {
        assert!(
            f.file.ends_with(n.as_str()),
            "files are reported in the order given"
        );
        assert!(!f.valid);
    }
}

#[test]
fn several_problems_in_one_file_are_all_reported() {
    let all = expected();
    let many = &all["assessment-many-problems.json"];
    assert!(many.len() >= 10, "{many:?}");
    let toml = &all["instrument-many-problems.toml"];
    assert!(toml.len() >= 4, "{toml:?}");
}

/// Every stable code that a document can produce is exercised by a bad fixture.
#[test]
fn every_problem_code_has_a_bad_fixture() {
    const CODES: &[&str] = &[
        "syntax",
        "shape",
        "unknown-format",
        "empty-instrument",
        "empty-text",
        "duplicate-id",
        "unknown-scale",
        "empty-scale",
        "unknown-unit-kind",
        "option-value-out-of-range",
        "negative-weight",
        "zero-weight-criterion",
        "zero-weight-instrument",
        "threshold-out-of-range",
        "instrument-mismatch",
        "unknown-indicator",
        "duplicate-answer",
        "unknown-option",
        "conflicting-answer",
        "empty-answer",
        "missing-justification",
        "indicator-not-applicable",
        "invalid-digest",
        "invalid-date",
        "verifies-on-self",
        "invalid-evidence-path",
        "unknown-instrument",
    ];
    let covered: BTreeSet<String> = expected().values().flatten().map(|e| e.code.clone()).collect();
    let uncovered: Vec<_> = CODES.iter().filter(|c| !covered.contains(**c)).collect();
    assert!(uncovered.is_empty(), "codes with no bad fixture: {uncovered:?}");
    // The list above must itself follow the model: each code is one the model knows.
    for code in CODES.iter().filter(|c| **c != "unknown-instrument") {
        let parsed: Result<p2ham_io::model::Code, _> = serde_json::from_value(Value::from(*code));
        assert!(parsed.is_ok(), "`{code}` is not a Code");
    }
}

#[test]
fn syntax_errors_carry_line_and_column() {
    for (name, want) in expected() {
        for e in want.iter().filter(|e| e.code == "syntax") {
            assert!(
                e.line.is_some_and(|l| l >= 1) && e.column.is_some_and(|c| c >= 1),
                "{name}: a syntax error needs a 1-based line and column in expected.json"
            );
        }
    }
}
