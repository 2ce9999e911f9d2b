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

/// The Lapas Sampit verification walks past the facilities with photos: the
/// HTML score report shows each one beside its indicator; a missing and an
/// altered photo are marked, a PDF is named.
#[test]
fn html_reports_show_the_evidence_photos() {
    let [s, v] = pair("lapas");
    let root = fixture("evidence/lapas-sampit");
    let out = p2ham()
        .args(["score", "-f", "html", "--evidence-root", &root, &v])
        .output()
        .unwrap();
    assert!(out.status.success());
    let html = String::from_utf8(out.stdout).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&v).unwrap()).unwrap();
    let photos = doc["answers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["evidence"].as_array().cloned().unwrap_or_default())
        .filter(|e| {
            Path::new(e["path"].as_str().unwrap())
                .extension()
                .is_some_and(|x| x == "png")
        })
        .count();
    assert!(photos > 20, "{photos}");
    assert_eq!(html.matches("src=\"data:image/jpeg;base64,").count(), photos);
    assert!(!html.contains("<script"));

    // A copy of the folder with one photo altered and one removed.
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("bukti");
    copy_dir(Path::new(&root), &copy);
    std::fs::write(copy.join("verifikasi/apar.png"), b"not the photo").unwrap();
    std::fs::remove_file(copy.join("verifikasi/p3k.png")).unwrap();
    for (cmd, args) in [
        ("score", vec![v.clone()]),
        ("compare", vec![s.clone(), v.clone()]),
        ("letter", vec![s.clone(), v.clone()]),
    ] {
        let out = p2ham()
            .args([cmd, "-f", "html", "--lang", "en", "--evidence-root"])
            .arg(&copy)
            .args(&args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{cmd}");
        let html = String::from_utf8(out.stdout).unwrap();
        assert!(html.contains("altered"), "{cmd}");
        assert!(
            html.contains("verifikasi/p3k.png") && html.contains("missing"),
            "{cmd}"
        );
        assert!(html.contains("src=\"data:image/jpeg;base64,"), "{cmd}");
    }
    // Other formats list the files; an evidence root that does not exist is an error.
    p2ham()
        .args(["score", "--evidence-root"])
        .arg(&copy)
        .arg(&v)
        .assert()
        .success()
        .stdout(predicate::str::contains("[ !! ] A.08  verifikasi/apar.png"));
    p2ham()
        .args(["score", "--evidence-root", "/no/such/folder", &v])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("/no/such/folder"));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
