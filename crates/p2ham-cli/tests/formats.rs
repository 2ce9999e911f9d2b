//! Every report command in every format, on the real binary: text, md, csv,
//! html and json to standard output or a file; xlsx only to a file (a usage
//! error, exit 2, before anything is read, otherwise).

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(rel: &str) -> String {
    root().join("fixtures").join(rel).display().to_string()
}

fn pair(unit: &str) -> [String; 2] {
    [
        fixture(&format!("assessments/sampit-2023/{unit}-sampit.self.json")),
        fixture(&format!(
            "assessments/sampit-2023/{unit}-sampit.verification.json"
        )),
    ]
}

fn p2ham() -> Command {
    Command::cargo_bin("p2ham").unwrap()
}

/// Each report command with its inputs, and its exit code on those inputs.
fn commands() -> Vec<(Vec<String>, i32)> {
    let [s, v] = pair("kanim");
    let str = |x: &[&str]| x.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    vec![
        (vec!["score".into(), s.clone()], 0),
        (vec!["compare".into(), s.clone(), v.clone()], 0),
        (vec!["letter".into(), s.clone(), v.clone()], 0),
        (
            vec![
                "rollup".into(),
                "--no-progress".into(),
                "-i".into(),
                fixture("rollup/instrument.json"),
                fixture("rollup/units.ndjson"),
            ],
            1,
        ),
        (str(&["skm", &fixture("skm/kanim-sampit-2023.csv")]), 0),
        (
            vec![
                "evidence".into(),
                "verify".into(),
                "--root".into(),
                fixture("evidence/kanim-sampit"),
                s.clone(),
                v,
            ],
            0,
        ),
        (vec!["validate".into(), s], 0),
    ]
}

#[test]
fn every_command_writes_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    for (args, code) in commands() {
        for format in ["text", "md", "csv", "html", "json"] {
            let out = p2ham().args(&args).args(["--format", format]).output().unwrap();
            assert_eq!(
                out.status.code(),
                Some(code),
                "{args:?} {format}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let text = String::from_utf8(out.stdout).unwrap();
            assert!(!text.is_empty(), "{args:?} {format}");
            match format {
                "json" => assert!(
                    serde_json::from_str::<serde_json::Value>(&text).is_ok(),
                    "{args:?}"
                ),
                "html" => assert!(
                    text.starts_with("<!DOCTYPE html>") && !text.contains("<script"),
                    "{args:?}"
                ),
                "md" => assert!(text.starts_with("# "), "{args:?}"),
                "csv" => assert!(csv::Reader::from_reader(text.as_bytes())
                    .records()
                    .all(|r| r.is_ok())),
                _ => {}
            }
        }
        let file = tmp.path().join(format!("{}.xlsx", args[0]));
        p2ham()
            .args(&args)
            .args(["--format", "xlsx", "-o"])
            .arg(&file)
            .assert()
            .code(code)
            .stdout("");
        let bytes = std::fs::read(&file).unwrap();
        assert!(bytes.starts_with(b"PK\x03\x04"), "{args:?}: a zip container");
    }
}

#[test]
fn xlsx_to_standard_output_is_a_usage_error() {
    for (args, _) in commands() {
        p2ham()
            .args(&args)
            .args(["-f", "xlsx"])
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("-o FILE"));
    }
}

#[test]
fn an_unknown_format_is_a_usage_error() {
    p2ham()
        .args(["letter", "-f", "pdf", "a.json", "b.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "possible values: text, md, csv, html, xlsx, json",
        ));
}
