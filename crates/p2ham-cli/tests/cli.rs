//! End-to-end tests of the real `p2ham` binary: arguments, output and exit codes
//! (0 success, 1 an input is invalid, 2 a usage error).

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The binary, run from the workspace root so file names in output are relative.
fn p2ham() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_p2ham"));
    cmd.current_dir(root());
    cmd
}

fn json_files(dir: &str) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| format!("{dir}/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    files.sort();
    files
}

fn stdout_json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

#[test]
fn no_arguments_is_a_usage_error() {
    p2ham().assert().code(2).stderr(predicate::str::contains("Usage"));
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    p2ham().arg("frobnicate").assert().code(2);
}

#[test]
fn validate_without_files_is_a_usage_error() {
    p2ham().arg("validate").assert().code(2);
}

#[test]
fn instrument_list_shows_the_three_builtins() {
    p2ham()
        .args(["instrument", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "p2ham-2018-kanim\t1.0.0\t3 criteria, 19 indicators",
        ))
        .stdout(predicate::str::contains(
            "p2ham-2018-lapas\t1.0.0\t3 criteria, 37 indicators",
        ))
        .stdout(predicate::str::contains(
            "p2ham-2022\t1.0.0\t5 criteria, 76 indicators",
        ));
}

#[test]
fn instrument_show_prints_the_builtin_as_json() {
    let out = p2ham()
        .args(["instrument", "show", "p2ham-2022"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v = stdout_json(&out);
    assert_eq!(v["format"], "p2ham-instrument/1");
    assert_eq!(v["id"], "p2ham-2022");
    let file = std::fs::read(root().join("fixtures/instruments/p2ham-2022.json")).unwrap();
    assert_eq!(out.stdout, file, "byte for byte as shipped");
}

#[test]
fn instrument_show_unknown_is_a_usage_error() {
    p2ham()
        .args(["instrument", "show", "p2ham-1999"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("p2ham-1999").and(predicate::str::contains("p2ham-2022")));
}

#[test]
fn schema_prints_one_schema() {
    let out = p2ham().args(["schema", "instrument"]).output().unwrap();
    assert!(out.status.success());
    let v = stdout_json(&out);
    assert_eq!(v["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(v["title"], "P2HAM instrument");
    let published = std::fs::read(root().join("docs/schema/instrument.schema.json")).unwrap();
    assert_eq!(out.stdout, published);
}

#[test]
fn schema_without_kind_prints_every_schema() {
    let out = p2ham().arg("schema").output().unwrap();
    assert!(out.status.success());
    let v = stdout_json(&out);
    for name in ["instrument", "assessment", "validation"] {
        assert!(v[name]["$schema"].is_string(), "{name}");
    }
}

#[test]
fn schema_unknown_kind_is_a_usage_error() {
    p2ham()
        .args(["schema", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nope").and(predicate::str::contains("instrument")));
}

#[test]
fn schema_out_writes_the_published_files() {
    let dir = tempfile::tempdir().unwrap();
    p2ham()
        .args(["schema", "--out"])
        .arg(dir.path().join("schema"))
        .assert()
        .success();
    let mut written: Vec<String> = std::fs::read_dir(dir.path().join("schema"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    let mut published: Vec<String> = std::fs::read_dir(root().join("docs/schema"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    published.sort();
    assert_eq!(written, published);
    for name in &written {
        assert_eq!(
            std::fs::read(dir.path().join("schema").join(name)).unwrap(),
            std::fs::read(root().join("docs/schema").join(name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn validate_all_good_fixtures_exits_0() {
    let mut files = json_files("fixtures/instruments");
    files.extend(json_files("fixtures/instruments-extra"));
    files.push("fixtures/instruments-extra/demo.toml".into());
    files.extend(json_files("fixtures/assessments/sampit-2023"));
    let n = files.len();
    p2ham()
        .arg("validate")
        .args(&files)
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "{n} file(s) checked: {n} valid, 0 invalid, 0 problem(s)"
        )))
        .stdout(predicate::str::contains(
            "fixtures/assessments/sampit-2023/kanim-sampit.self.json: ok (assessment)",
        ));
}

#[test]
fn validate_a_bad_file_exits_1_naming_file_and_path() {
    p2ham()
        .args(["validate", "fixtures/bad/assessment-unknown-option.json"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "fixtures/bad/assessment-unknown-option.json: answers[1].value (indicator A.02): error[unknown-option]",
        ))
        .stdout(predicate::str::contains("mungkin"));
}

#[test]
fn validate_reports_every_file_even_after_a_bad_one() {
    p2ham()
        .args([
            "validate",
            "fixtures/bad/syntax-trailing-comma.json",
            "fixtures/assessments/sampit-2023/bapas-sampit.self.json",
            "fixtures/bad/assessment-many-problems.json",
            "fixtures/bad/instrument-many-problems.toml",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "fixtures/bad/syntax-trailing-comma.json:9:3: error[syntax]",
        ))
        .stdout(predicate::str::contains("bapas-sampit.self.json: ok (assessment)"))
        .stdout(predicate::str::contains(
            "fixtures/bad/assessment-many-problems.json: answers[6].indicator (indicator C.14): error[indicator-not-applicable]",
        ))
        .stdout(predicate::str::contains(
            "fixtures/bad/instrument-many-problems.toml: criteria[0].indicators[0].scale (indicator A.01): error[unknown-scale]",
        ))
        .stdout(predicate::str::contains("4 file(s) checked: 1 valid, 3 invalid"));
}

#[test]
fn validate_every_bad_fixture_exits_1_without_panicking() {
    let mut files = json_files("fixtures/bad");
    files.retain(|f| !f.ends_with("expected.json"));
    for f in &files {
        let out = p2ham().args(["validate", f]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{f}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{f}: {stderr}");
        assert!(stdout.contains(f.as_str()), "{f}: {stdout}");
        assert!(stdout.contains("error["), "{f}: {stdout}");
    }
}

#[test]
fn validate_reads_standard_input() {
    let good = std::fs::read(root().join("fixtures/assessments/sampit-2023/lapas-sampit.self.json")).unwrap();
    p2ham()
        .args(["validate", "-"])
        .write_stdin(good)
        .assert()
        .success()
        .stdout(predicate::str::contains("-: ok (assessment)"));

    let bad = std::fs::read(root().join("fixtures/bad/assessment-bad-date.json")).unwrap();
    p2ham()
        .args(["validate", "-"])
        .write_stdin(bad)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("-: assessed_on: error[invalid-date]"));
}

#[test]
fn validate_json_format_is_a_parseable_report() {
    let out = p2ham()
        .args([
            "validate",
            "--format",
            "json",
            "fixtures/bad/assessment-evidence-path.json",
            "fixtures/instruments/p2ham-2022.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v = stdout_json(&out);
    assert_eq!(v["format"], "p2ham-validation/1");
    assert_eq!(v["valid"], false);
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["file"], "fixtures/bad/assessment-evidence-path.json");
    assert_eq!(files[0]["kind"], "assessment");
    assert_eq!(files[0]["valid"], false);
    assert_eq!(files[0]["problems"][0]["code"], "invalid-evidence-path");
    assert_eq!(files[0]["problems"][0]["path"], "answers[0].evidence[0].path");
    assert_eq!(files[1]["valid"], true);
    assert_eq!(files[1]["kind"], "instrument");
    assert_eq!(files[1]["sha256"].as_str().map(str::len), Some(64));
}

#[test]
fn validate_json_format_reports_syntax_line_and_column() {
    let out = p2ham()
        .args([
            "validate",
            "--format",
            "json",
            "fixtures/bad/syntax-instrument.toml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v = stdout_json(&out);
    let p = &v["files"][0]["problems"][0];
    assert_eq!(p["code"], "syntax");
    assert_eq!(p["line"], 7);
    assert!(p["column"].as_u64().is_some_and(|c| c >= 1));
}

#[test]
fn validate_with_an_instrument_file() {
    p2ham()
        .args([
            "validate",
            "--instrument",
            "fixtures/instruments/p2ham-2022.json",
            "fixtures/assessments/sampit-2023/kanim-sampit.verification.json",
        ])
        .assert()
        .success();

    // Checked against another instrument, the assessment is reported, not crashed on.
    p2ham()
        .args([
            "validate",
            "--instrument",
            "p2ham-2018-kanim",
            "fixtures/assessments/sampit-2023/kanim-sampit.self.json",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("instrument: error[instrument-mismatch]"));
}

#[test]
fn validate_with_an_invalid_instrument_exits_1_naming_it() {
    p2ham()
        .args([
            "validate",
            "--instrument",
            "fixtures/bad/instrument-threshold.json",
            "fixtures/assessments/sampit-2023/kanim-sampit.self.json",
        ])
        .assert()
        .code(1)
        // The instrument's problems are the report (stdout), like any file's.
        .stdout(predicate::str::contains("fixtures/bad/instrument-threshold.json"))
        .stdout(predicate::str::contains("award.min_total"));
}

#[test]
fn validate_with_an_unknown_builtin_fails() {
    p2ham()
        .args([
            "validate",
            "--instrument",
            "p2ham-1999",
            "fixtures/assessments/sampit-2023/kanim-sampit.self.json",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("p2ham-1999"))
        .stdout(predicate::str::contains("unknown-instrument"));
    // As JSON too: a validation document naming the instrument.
    let out = p2ham()
        .args(["validate", "--format", "json", "--instrument", "p2ham-1999"])
        .arg("fixtures/assessments/sampit-2023/kanim-sampit.self.json")
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["files"][0]["file"], "p2ham-1999");
    assert_eq!(v["files"][0]["problems"][0]["code"], "unknown-instrument");
}

#[test]
fn validate_a_missing_file_exits_1_naming_it() {
    p2ham()
        .args(["validate", "fixtures/does-not-exist.json"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("fixtures/does-not-exist.json")
                .and(predicate::str::contains("error[read]")),
        );
}

#[test]
fn version_and_help() {
    p2ham()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::contains("p2ham"));
    p2ham()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("validate").and(predicate::str::contains("schema")));
}

#[test]
fn a_toml_instrument_can_come_from_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let assessment = dir.path().join("a.json");
    std::fs::write(
        &assessment,
        r#"{"format": "p2ham-assessment/1", "instrument": {"id": "demo-toml", "version": "1.0.0"},
            "unit": {"id": "u", "name": "U", "kind": "kanim"}, "period": "2023", "stage": "self",
            "answers": [{"indicator": "A.01", "value": "ada"}]}"#,
    )
    .unwrap();
    let toml = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/instruments-extra/demo.toml"),
    )
    .unwrap();
    Command::cargo_bin("p2ham")
        .unwrap()
        .args(["validate", "--instrument", "-"])
        .arg(&assessment)
        .write_stdin(toml)
        .assert()
        .success()
        .stdout(predicates::str::contains("ok (assessment)"));
}

#[test]
fn completions_for_every_shell_and_the_manual_page() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = p2ham().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(
            script.contains("evidence-root") && script.contains("rollup"),
            "{shell}"
        );
    }
    p2ham().args(["completions", "tcsh"]).assert().code(2);
    p2ham()
        .arg("man")
        .assert()
        .success()
        .stdout(predicate::str::contains(".TH p2ham 1").and(predicate::str::contains("completions")));
    let tmp = tempfile::tempdir().unwrap();
    p2ham()
        .args(["man", "--out"])
        .arg(tmp.path())
        .assert()
        .success()
        .stdout("");
    let page = std::fs::read_to_string(tmp.path().join("p2ham-score.1")).unwrap();
    assert!(
        page.contains(".TH p2ham-score 1") && page.contains("evidence\\-root"),
        "{page}"
    );
}
