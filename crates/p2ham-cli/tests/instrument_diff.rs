//! `p2ham instrument diff A B`: the difference between two instruments, from
//! files or built-in ids, in every format; exit 1 for an invalid instrument,
//! 2 for a usage error.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn p2ham() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_p2ham"));
    cmd.current_dir(root());
    cmd
}

const A: &str = "fixtures/instruments-extra/demo.json";
const B: &str = "fixtures/instruments-extra/demo-tailored.json";

#[test]
fn json_names_both_instruments_and_every_change() {
    let out = p2ham()
        .args(["instrument", "diff", A, B, "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["format"], "p2ham-instrument-diff/1");
    let sha = p2ham_io::digest::sha256_hex(&std::fs::read(root().join(A)).unwrap());
    assert_eq!(v["from"]["sha256"], sha.as_str());
    assert_eq!(v["to"]["version"], "1.1.0");
    // A.01 weighs 1 instead of 0.3333333333333333333 and is mandatory; A.03, B.01 are new.
    assert_eq!(v["counts"]["indicators"]["added"], 2);
    assert_eq!(v["counts"]["indicators"]["changed"], 2);
    assert_eq!(v["indicators"][0]["id"], "A.01");
    assert_eq!(v["indicators"][0]["fields"][0]["from"], "0.3333333333333333333");
    assert_eq!(v["same_scoring"], false);
}

#[test]
fn text_markdown_and_html_say_the_same() {
    let text = p2ham().args(["instrument", "diff", A, B]).output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("Perbedaan Instrumen P2HAM"), "{text}");
    assert!(text.contains("weight: 0.3333333333333333333 → 1"), "{text}");
    assert!(text.contains("award.min_total"), "{text}");
    let md = p2ham()
        .args(["instrument", "diff", A, B, "--format", "md", "--lang", "en"])
        .output()
        .unwrap();
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(md.starts_with("# P2HAM Instrument Difference"), "{md}");
    assert!(md.contains(r"applies\_to: \* → kanim"), "{md}");
    let html = p2ham()
        .args(["instrument", "diff", A, B, "--format", "html"])
        .output()
        .unwrap();
    let html = String::from_utf8(html.stdout).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("mandatory: false → true"));
}

#[test]
fn built_in_ids_are_accepted_and_an_instrument_equals_itself() {
    let out = p2ham()
        .args([
            "instrument",
            "diff",
            "p2ham-2022",
            "fixtures/instruments/p2ham-2022.json",
            "-f",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["same_scoring"], true);
    assert_eq!(v["instrument"].as_array().map(Vec::len), Some(0));
    assert_eq!(v["counts"]["indicators"]["changed"], 0);
}

#[test]
fn a_bad_instrument_is_exit_1_and_an_unknown_id_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        std::fs::read_to_string(root().join(A))
            .unwrap()
            .replace("\"weight\": 0.1", "\"weight\": -1"),
    )
    .unwrap();
    p2ham()
        .args(["instrument", "diff", A])
        .arg(&bad)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bad.json"));
    p2ham()
        .args(["instrument", "diff", A, "p2ham-1999"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("p2ham-1999"));
    p2ham().args(["instrument", "diff", A]).assert().code(2);
    p2ham().args(["instrument", "diff", "-", "-"]).assert().code(2);
}
