//! What the command line teaches: help that ends with examples and a page to
//! read, names that say what a value is, the format an output's name asks
//! for, flags that take one value each, every manual page, `--quiet`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use calamine::Reader;
use predicates::prelude::*;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn p2ham() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_p2ham"));
    cmd.current_dir(root());
    cmd
}

const LAPAS: &str = "fixtures/assessments/sampit-2023/lapas-sampit.verification.json";

fn stdout(args: &[&str]) -> String {
    let out = p2ham().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn help_ends_with_examples_and_the_page_to_read() {
    insta::assert_snapshot!("score_help", stdout(&["score", "--help"]));
    insta::assert_snapshot!("seal_verify_help", stdout(&["seal", "verify", "--help"]));
}

#[test]
fn no_value_is_named_by_a_single_letter() {
    for args in [
        &["score", "--help"][..],
        &["award", "--help"],
        &["import", "--help"],
        &["history", "--help"],
    ] {
        let text = stdout(args);
        for bad in ["<I>", "<F>", "<P>", "<N>"] {
            assert!(!text.contains(bad), "{args:?} shows {bad}:\n{text}");
        }
    }
    let text = stdout(&["award", "--help"]);
    assert!(
        text.contains("--instrument <INSTRUMENT>") && text.contains("--period <PERIOD>"),
        "{text}"
    );
}

#[test]
fn score_to_an_xlsx_file_writes_a_workbook_without_format() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.xlsx");
    p2ham()
        .args(["score", "-o"])
        .arg(&out)
        .arg(LAPAS)
        .assert()
        .success();
    let mut book = calamine::open_workbook_auto(&out).expect("a real workbook");
    let sheets = book.sheet_names();
    assert!(!sheets.is_empty());
    let range = book.worksheet_range(&sheets[0]).unwrap();
    let text: String = range
        .cells()
        .map(|(_, _, c)| c.to_string())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("lapas-sampit"), "{text}");
}

#[test]
fn every_report_takes_its_format_from_the_output_name() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("score.json");
    p2ham()
        .args(["score", "-o"])
        .arg(&json)
        .arg(LAPAS)
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(v["format"], "p2ham-score/1");
    let md = dir.path().join("compare.MD");
    p2ham()
        .args(["compare", "-o"])
        .arg(&md)
        .args(["fixtures/assessments/sampit-2023/lapas-sampit.self.json", LAPAS])
        .assert()
        .success();
    assert!(std::fs::read_to_string(&md).unwrap().starts_with('#'));
    // A name that names no format: the command's default (text for score).
    let other = dir.path().join("score.out");
    p2ham()
        .args(["score", "-o"])
        .arg(&other)
        .arg(LAPAS)
        .assert()
        .success();
    let text = std::fs::read_to_string(&other).unwrap();
    assert!(
        !text.trim_start().starts_with('{') && text.contains("lapas-sampit"),
        "{text}"
    );
    // The SKM index's default stays JSON.
    let skm = stdout(&["skm", "fixtures/skm/kanim-sampit-2023.csv"]);
    assert!(skm.trim_start().starts_with('{'));
}

#[test]
fn a_format_the_output_name_contradicts_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.xlsx");
    p2ham()
        .args(["score", "--format", "md", "-o"])
        .arg(&out)
        .arg(LAPAS)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("--format md but the output")
                .and(predicate::str::contains("names xlsx")),
        );
    assert!(!out.exists());
    // Agreeing flags, or a name that names no format, are fine.
    p2ham()
        .args(["score", "--format", "xlsx", "-o"])
        .arg(&out)
        .arg(LAPAS)
        .assert()
        .success();
    p2ham()
        .args(["score", "--format", "json", "-o"])
        .arg(dir.path().join("score.data"))
        .arg(LAPAS)
        .assert()
        .success();
}

#[test]
fn a_flag_takes_one_value_and_never_a_positional_argument() {
    let dir = tempfile::tempdir().unwrap();
    // `--require-seal KEY FILE`: the file is the verification, not a second key.
    p2ham()
        .args(["award", "--require-seal", "no-such.pub", LAPAS])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no-such.pub"));
    p2ham()
        .args([
            "seal",
            "verify",
            "--evidence-root",
            "fixtures/evidence/lapas-sampit",
            "--key",
            "no-such.pub",
            LAPAS,
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no-such.pub"));
    // Repeated, each flag gives one key; commas are part of a file name.
    p2ham()
        .args([
            "seal",
            "verify",
            LAPAS,
            "--evidence-root",
            "fixtures/evidence/lapas-sampit",
        ])
        .args(["--key", "a.pub,b.pub"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("a.pub,b.pub"));
    drop(dir);
}

#[test]
fn man_prints_the_page_of_any_command() {
    let page = stdout(&["man", "score"]);
    assert!(page.contains(".TH p2ham-score 1"), "{page}");
    for section in [
        ".SH EXAMPLES",
        ".SH \"EXIT STATUS\"",
        ".SH ENVIRONMENT",
        ".SH \"SEE ALSO\"",
    ] {
        assert!(page.contains(section), "{section}:\n{page}");
    }
    assert!(page.contains("P2HAM_MAX_DOCUMENT_BYTES") && page.contains("docs/scoring.md"));
    let page = stdout(&["man", "seal", "verify"]);
    assert!(
        page.contains(".TH p2ham-seal-verify 1") && page.contains("\\fBp2ham-seal\\fR(1)"),
        "{page}"
    );
    let page = stdout(&["man", "serve"]);
    assert!(
        page.contains("P2HAM_DATABASE") && page.contains("P2HAM_LOG"),
        "{page}"
    );
    p2ham()
        .args(["man", "no-such"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no command `no-such`"));
}

#[test]
fn every_page_a_page_names_is_written() {
    let dir = tempfile::tempdir().unwrap();
    p2ham()
        .args(["man", "--out"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout("");
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.len() > 30, "{names:?}");
    for name in [
        "p2ham.1",
        "p2ham-score.1",
        "p2ham-admin-user-add.1",
        "p2ham-seal-verify.1",
    ] {
        assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
    }
    assert!(!names.iter().any(|n| n.contains("help")), "{names:?}");
    for name in &names {
        let page = std::fs::read_to_string(dir.path().join(name))
            .unwrap()
            .replace("\\-", "-");
        for section in [".SH EXAMPLES", ".SH \"EXIT STATUS\"", ".SH ENVIRONMENT"] {
            assert!(page.contains(section), "{name}: {section}");
        }
        // Every `p2ham…(1)` reference is a page that was written.
        for (i, _) in page.match_indices("(1)") {
            let start = page[..i]
                .rfind(|c: char| c.is_whitespace() || c == 'B')
                .map_or(0, |s| s + 1);
            let reference = page[start..i].trim_end_matches("\\fR");
            if reference.starts_with("p2ham") {
                let file = format!("{reference}.1");
                assert!(names.contains(&file), "{name} names {reference}(1), not written");
            }
        }
    }
}

#[test]
fn quiet_silences_warnings_and_notes() {
    let out = p2ham()
        .args(["rollup", "fixtures/assessments/sampit-2023"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("record(s) read"));
    p2ham()
        .args(["--quiet", "rollup", "fixtures/assessments/sampit-2023"])
        .assert()
        .success()
        .stderr("")
        .stdout(predicate::str::contains("lapas-sampit"));
    p2ham()
        .args(["award", "-q", "fixtures/assessments/sampit-2023"])
        .assert()
        .success()
        .stderr("");
    // Errors are still told.
    p2ham()
        .args(["-q", "score", "no-such.json"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no-such.json"));
}

/// The Python of docs/auditing.md recomputes every fixture's total from its
/// score report, to the report's figure.
#[test]
fn the_auditors_python_recomputes_every_total() {
    let doc = std::fs::read_to_string(root().join("docs/auditing.md")).unwrap();
    let start = doc.find("```python\n").expect("a Python block") + "```python\n".len();
    let code = &doc[start..start + doc[start..].find("```").unwrap()];
    if std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_err()
    {
        assert!(std::env::var_os("CI").is_none(), "python3 is needed in CI");
        eprintln!("skipped: python3 is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("recompute.py"), code).unwrap();
    for unit in ["kanim", "lapas", "bapas"] {
        for stage in ["self", "verification"] {
            let file = format!("fixtures/assessments/sampit-2023/{unit}-sampit.{stage}.json");
            p2ham()
                .args(["score", "-o"])
                .arg(dir.path().join("score.json"))
                .arg(&file)
                .assert()
                .success();
            let report: serde_json::Value =
                serde_json::from_slice(&std::fs::read(dir.path().join("score.json")).unwrap()).unwrap();
            let out = std::process::Command::new("python3")
                .arg("recompute.py")
                .current_dir(dir.path())
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            let total = report["total"].as_str().unwrap();
            assert_eq!(
                String::from_utf8(out.stdout).unwrap().trim(),
                format!("{total} {total}"),
                "{file}"
            );
        }
    }
}
