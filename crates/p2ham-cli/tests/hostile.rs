//! Hostile and careless input on the real `p2ham` binary: exact numbers under
//! any exponent, bounded memory, confinement to the evidence root, no input
//! overwritten, no panic on a closed or full stream.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The binary, run from the workspace root so fixture paths are relative.
fn p2ham() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_p2ham"));
    cmd.current_dir(root());
    cmd
}

fn fixture(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap()
}

/// `validate FILE` fails (exit 1) naming the path and the reason.
fn refused_at(file: &Path, path: &str, reason: &str) {
    p2ham()
        .arg("validate")
        .arg(file)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(path))
        .stdout(predicate::str::contains(reason));
}

#[test]
fn a_weight_under_a_huge_exponent_is_refused_not_wrapped() {
    let dir = tempfile::tempdir().unwrap();
    let json = fixture("fixtures/instruments-extra/demo.json");
    for (name, weight) in [("a.json", "1.0e-4294967295"), ("b.json", "0.05e-4294967295")] {
        let path = dir.path().join(name);
        std::fs::write(
            &path,
            json.replacen("\"weight\": 0.1", &format!("\"weight\": {weight}"), 1),
        )
        .unwrap();
        refused_at(&path, "criteria[0].weight", "exponent out of range");
    }
    let toml =
        fixture("fixtures/instruments-extra/demo.toml").replacen("weight = 2", "weight = 1.0e-4294967295", 1);
    let path = dir.path().join("c.toml");
    std::fs::write(&path, toml).unwrap();
    refused_at(&path, "criteria[0].weight", "exponent out of range");
}

const SELF: &str = "fixtures/assessments/sampit-2023/kanim-sampit.self.json";

/// Run the binary with standard error on `/dev/full` (every write fails with ENOSPC).
fn with_full_stderr(args: &[&str]) -> std::process::Output {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    std::process::Command::new(env!("CARGO_BIN_EXE_p2ham"))
        .current_dir(root())
        .args(args)
        .stderr(full)
        .output()
        .unwrap()
}

#[test]
fn a_full_standard_error_is_no_panic() {
    // The roll-up writes its invalid records and its summary to standard error.
    let out = with_full_stderr(&["rollup", "-f", "json", "fixtures/rollup"]);
    let normal = p2ham()
        .args(["rollup", "-f", "json", "fixtures/rollup"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), normal.status.code());
    assert_eq!(out.stdout, normal.stdout);
    // An error message that cannot be written still gives its exit code.
    let out = with_full_stderr(&["score", "no-such-file.json"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn closed_standard_output_and_error_end_quietly() {
    use std::process::Stdio;
    for args in [
        vec!["rollup", "fixtures/rollup"],
        vec!["rollup", "-f", "json", "fixtures/rollup"],
        vec!["rollup", "/dev/null"],
        vec!["score", SELF],
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_p2ham"))
            .current_dir(root())
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // `| head -0`: both ends closed before anything is read.
        drop(child.stdout.take());
        drop(child.stderr.take());
        let status = child.wait().unwrap();
        assert!(matches!(status.code(), Some(0 | 1)), "{args:?}: {status}");
    }
}

#[test]
fn a_fifo_output_is_written_in_place_and_dash_is_standard_output() {
    use std::io::Read;
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("report.pipe");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut s = String::new();
            std::fs::File::open(fifo).unwrap().read_to_string(&mut s).unwrap();
            s
        })
    };
    p2ham()
        .args(["score", "-f", "json", "-o"])
        .arg(&fifo)
        .arg(SELF)
        .assert()
        .success();
    assert!(
        std::fs::metadata(&fifo).unwrap().file_type().is_fifo(),
        "the FIFO was replaced"
    );
    let through_fifo = reader.join().unwrap();
    let to_stdout = p2ham()
        .args(["score", "-f", "json", "-o", "-", SELF])
        .output()
        .unwrap();
    assert!(to_stdout.status.success());
    assert_eq!(through_fifo.as_bytes(), to_stdout.stdout.as_slice());
    assert!(!root().join("-").exists(), "`-o -` wrote a file named `-`");
}

#[test]
fn output_problems_are_usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    // A folder as output file.
    p2ham()
        .args(["score", "-o"])
        .arg(format!("{}/", dir.path().display()))
        .arg(SELF)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a folder"));
    // A folder that does not exist.
    p2ham()
        .args(["score", "-o"])
        .arg(dir.path().join("no/such/folder/x.txt"))
        .arg(SELF)
        .assert()
        .code(2);
    // Output over an input.
    p2ham().args(["score", "-o", SELF, SELF]).assert().code(2);
    // An unknown built-in named on the command line, as for `instrument show`.
    p2ham().args(["instrument", "show", "nope"]).assert().code(2);
    p2ham().args(["score", "-i", "nope", SELF]).assert().code(2);
}

/// The SKM report without its `source` (file name, digest, sheet).
fn skm_figures(file: &str) -> serde_json::Value {
    let out = p2ham().args(["skm", file]).output().unwrap();
    assert!(
        out.status.success(),
        "{file}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_object_mut().unwrap().remove("source");
    v
}

#[test]
fn a_cell_at_the_sheets_last_cell_costs_nothing() {
    // A few kilobytes whose nominal range is 17 billion cells: read by the
    // cells present (once hundreds of GB), same figures as the CSV.
    let expected = skm_figures("fixtures/skm/kanim-sampit-2023.csv");
    assert_eq!(skm_figures("fixtures/skm/far-cell.xlsx"), expected);
    assert_eq!(skm_figures("fixtures/skm/far-formula.xlsx"), expected);
    // Beyond the documented limit: refused, naming the cell.
    p2ham()
        .args(["skm", "fixtures/skm/bad/too-many-cells.xlsx"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("too many cells: cell XFD1255"));
}

#[test]
fn an_endless_stream_where_one_document_is_expected_is_refused_at_the_limit() {
    // With the default limit (256 MiB): refused, not read until memory runs out.
    p2ham()
        .args(["validate", "/dev/zero"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "/dev/zero: larger than the 268435456-byte limit of one document (stopped reading at byte offset 268435456)",
        ));
    // The limit is configurable, and applies to every command and to standard input.
    for args in [
        &["score", "/dev/zero"][..],
        &["compare", "/dev/zero", SELF],
        &["skm", "/dev/zero"],
    ] {
        p2ham()
            .env("P2HAM_MAX_DOCUMENT_BYTES", "4096")
            .args(args)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(
                "/dev/zero: larger than the 4096-byte limit",
            ))
            .stderr(predicate::str::contains("byte offset 4096"));
    }
    p2ham()
        .env("P2HAM_MAX_DOCUMENT_BYTES", "4096")
        .args(["score", "-"])
        .write_stdin(vec![b' '; 10_000])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("-: larger than the 4096-byte limit"));
    // A regular file is measured before it is read.
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.json");
    std::fs::write(&big, vec![b' '; 5000]).unwrap();
    p2ham()
        .env("P2HAM_MAX_DOCUMENT_BYTES", "4096")
        .arg("score")
        .arg(&big)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "big.json: larger than the 4096-byte limit",
        ));
    // A limit that is no number is a usage error.
    p2ham()
        .env("P2HAM_MAX_DOCUMENT_BYTES", "lots")
        .args(["score", SELF])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("P2HAM_MAX_DOCUMENT_BYTES"));
}

#[test]
fn standard_input_named_twice_is_a_usage_error_for_every_command() {
    let twice: [&[&str]; 7] = [
        &["compare", "-", "-"],
        &["letter", "-", "-"],
        &[
            "evidence",
            "verify",
            "--root",
            "fixtures/evidence/kanim-sampit",
            "-",
            "-",
        ],
        &["validate", "-", "-"],
        &["score", "-i", "-", "-"],
        &["rollup", "-i", "-", "-"],
        &["compare", "-i", "-", "-", SELF],
    ];
    for args in twice {
        p2ham()
            .args(args)
            .write_stdin(fixture(SELF))
            .assert()
            .code(2)
            .stderr(predicate::str::contains("standard input (`-`) can be read once"));
    }
    // Once is fine.
    p2ham()
        .args(["validate", "-"])
        .write_stdin(fixture(SELF))
        .assert()
        .success();
}

#[test]
fn mandatory_indicators_answered_not_applicable_are_not_met() {
    // Every indicator of p2ham-2022 answered with its best option (evidence
    // attached), except the mandatory ones: not applicable, one-character reason.
    let ins: serde_json::Value =
        serde_json::from_str(&fixture("fixtures/instruments/p2ham-2022.json")).unwrap();
    let best = |scale: &str| -> String {
        let s = ins["scales"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == scale)
            .unwrap();
        let value = |o: &serde_json::Value| o["value"].as_str().unwrap().parse::<f64>().unwrap();
        let o = s["options"]
            .as_array()
            .unwrap()
            .iter()
            .max_by(|a, b| value(a).total_cmp(&value(b)))
            .unwrap();
        o["code"].as_str().unwrap().to_owned()
    };
    let mut answers = Vec::new();
    let mut mandatory = Vec::new();
    for c in ins["criteria"].as_array().unwrap() {
        for i in c["indicators"].as_array().unwrap() {
            let id = i["id"].as_str().unwrap();
            let kinds = i["applies_to"].as_array().map_or(&[][..], Vec::as_slice);
            if !kinds.is_empty() && !kinds.iter().any(|k| k == "kanim") {
                continue;
            }
            if i["mandatory"] == true {
                mandatory.push(id.to_owned());
                answers.push(serde_json::json!({"indicator": id, "not_applicable": "x"}));
            } else {
                answers.push(serde_json::json!({
                    "indicator": id, "value": best(i["scale"].as_str().unwrap()),
                    "evidence": [{"path": "bukti.pdf"}]
                }));
            }
        }
    }
    assert_eq!(mandatory.len(), 3);
    let doc = serde_json::json!({
        "format": "p2ham-assessment/1", "instrument": {"id": "p2ham-2022", "version": ins["version"]},
        "unit": {"id": "kanim-x", "name": "Kanim X", "kind": "kanim"}, "period": "2023", "stage": "self",
        "answers": answers,
    });
    let out = p2ham()
        .args(["score", "-f", "json", "-"])
        .write_stdin(doc.to_string())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["total"], "100.00");
    assert_eq!(r["award"]["eligible"], false);
    let reasons: Vec<(String, String)> = r["award"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["code"].as_str().unwrap().to_owned(),
                x["indicator"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = mandatory
        .iter()
        .map(|m| ("mandatory-not-applicable".to_owned(), m.clone()))
        .collect();
    assert_eq!(reasons, expected);
}

#[test]
fn look_alike_unit_ids_are_refused_not_counted_as_other_units() {
    let line = |id: &str| {
        serde_json::json!({
            "format": "p2ham-assessment/1", "instrument": {"id": "rollup-demo", "version": "1.0.0"},
            "unit": {"id": id, "name": "Unit 1", "kind": "kanim", "office": "Kanwil A"},
            "period": "2024", "stage": "self",
            "answers": [{"indicator": "A.01", "value": "ada"}, {"indicator": "A.02", "value": "ada"}]
        })
        .to_string()
    };
    // Trailing space, zero-width space, uppercase, fullwidth letters.
    let ids = ["u1", "u1 ", "u1\u{200b}", "U1", "\u{ff55}\u{ff11}"];
    let ndjson: String = ids.iter().map(|id| line(id) + "\n").collect();
    let out = p2ham()
        .args([
            "rollup",
            "-f",
            "json",
            "-i",
            "fixtures/rollup/instrument.json",
            "-",
        ])
        .write_stdin(ndjson)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["records"]["units"], 1);
    assert_eq!(r["records"]["invalid"], 4);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("invalid-unit-id"), "{stderr}");
    // `validate` says why, naming the path.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.json");
    std::fs::write(&file, line("Kanim-Sampit ")).unwrap();
    p2ham()
        .args(["validate", "-i", "fixtures/rollup/instrument.json"])
        .arg(&file)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("unit.id"))
        .stdout(predicate::str::contains("invalid-unit-id"));
}

#[test]
fn arrays_are_never_read_as_objects_by_position() {
    let dir = tempfile::tempdir().unwrap();
    let good = fixture(SELF);
    let mut doc: serde_json::Value = serde_json::from_str(&good).unwrap();
    doc["unit"] = serde_json::json!(["kanim-sampit", "Kanim Sampit", "kanim", "Kanwil A"]);
    let unit = dir.path().join("unit.json");
    std::fs::write(&unit, doc.to_string()).unwrap();
    refused_at(&unit, "unit", "expected an object");
    p2ham()
        .args(["score"])
        .arg(&unit)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("unit"));

    let mut doc: serde_json::Value = serde_json::from_str(&good).unwrap();
    doc["answers"] = serde_json::json!([["A.01", "ada"]]);
    let answers = dir.path().join("answers.json");
    std::fs::write(&answers, doc.to_string()).unwrap();
    refused_at(&answers, "answers[0]", "expected an object");

    // The roll-up refuses both too.
    let ndjson = fixture("fixtures/rollup/units.ndjson");
    let first = ndjson.lines().next().unwrap();
    let mut record: serde_json::Value = serde_json::from_str(first).unwrap();
    record["unit"] = serde_json::json!(["u1", "Unit 1", "kanim", "Kanwil A"]);
    let mut record2: serde_json::Value = serde_json::from_str(first).unwrap();
    record2["unit"]["id"] = "u2".into();
    record2["answers"] = serde_json::json!([["A.01", "ada"], ["A.02", "ada"]]);
    p2ham()
        .args(["rollup", "-i", "fixtures/rollup/instrument.json", "-"])
        .write_stdin(format!("{record}\n{record2}\n"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("-:1: unit: error[shape]"))
        .stderr(predicate::str::contains("-:2: answers[0]: error[shape]"))
        .stderr(predicate::str::contains("0 unit(s) counted, 2 invalid"));

    let mut ins: serde_json::Value =
        serde_json::from_str(&fixture("fixtures/instruments-extra/demo.json")).unwrap();
    ins["award"] = serde_json::json!(["80", null]);
    let award = dir.path().join("award.json");
    std::fs::write(&award, ins.to_string()).unwrap();
    refused_at(&award, "award", "expected an object");
}

#[test]
fn a_utf16_csv_is_read_and_binary_bytes_are_never_echoed() {
    // "Unicode text" as Excel saves it: UTF-16 with its byte-order mark.
    let expected = skm_figures("fixtures/skm/kanim-sampit-2023.csv");
    assert_eq!(skm_figures("fixtures/skm/kanim-sampit-2023-utf16.csv"), expected);
    // Random bytes named .xlsx: refused by name, the message short and printable.
    let out = p2ham()
        .args(["skm", "fixtures/skm/bad/random-bytes.xlsx"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).expect("the message is UTF-8 text");
    assert!(stderr.contains("binary content"), "{stderr}");
    assert!(stderr.len() < 300, "{stderr}");
    assert!(!stderr.chars().any(|c| c.is_control() && c != '\n'), "{stderr:?}");
    // Text that is no survey: the header list is cut short and escaped.
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.csv");
    let cell = format!("kolom\u{1b}[31m{},", "x".repeat(100));
    let line = cell.repeat(200);
    std::fs::write(&junk, line).unwrap();
    let out = p2ham().arg("skm").arg(&junk).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("no column U1"), "{stderr}");
    assert!(stderr.len() < 1500, "{}", stderr.len());
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
}
