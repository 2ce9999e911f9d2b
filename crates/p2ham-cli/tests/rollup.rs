//! `p2ham rollup` end to end: standard input, invalid records, output files, formats.

use std::path::PathBuf;

use assert_cmd::Command;
use predicates::prelude::*;

fn fixture(p: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(p)
}

fn p2ham() -> Command {
    Command::cargo_bin("p2ham").unwrap()
}

fn demo_instrument() -> String {
    fixture("rollup/instrument.json").display().to_string()
}

#[test]
fn ndjson_on_stdin() {
    let text = std::fs::read_to_string(fixture("rollup/units.ndjson")).unwrap();
    let valid = text.lines().take(2).collect::<Vec<_>>().join("\n") + "\n";
    let out = p2ham()
        .args([
            "rollup",
            "--instrument",
            &demo_instrument(),
            "--format",
            "json",
            "-",
        ])
        .write_stdin(valid)
        .assert()
        .success()
        .stderr(predicate::str::contains("2 unit(s) counted, 0 invalid"))
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["format"], "p2ham-rollup/1");
    assert_eq!(v["records"]["units"], 2);
    assert_eq!(v["units"][0]["source"]["file"], "-");
    assert_eq!(v["units"][1]["source"]["line"], 2);
    assert_eq!(v["national"]["mean"], "62.50");
}

/// Invalid lines are reported on stderr with file and line, the run goes on,
/// the valid results are written, and the exit code is 1.
#[test]
fn invalid_lines_exit_1_with_results_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rollup.json");
    let input = fixture("rollup/units.ndjson");
    p2ham()
        .args([
            "rollup",
            "--instrument",
            &demo_instrument(),
            "--format",
            "json",
            "--output",
        ])
        .arg(&out)
        .arg(&input)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("units.ndjson:3:44: error[syntax]"))
        .stderr(predicate::str::contains(
            "units.ndjson:7: answers[0].value (indicator A.01): error[unknown-option]",
        ))
        .stderr(predicate::str::contains("units.ndjson:10: extra: error[shape]"))
        .stderr(predicate::str::contains(
            "9 record(s) read, 5 unit(s) counted, 3 invalid, 1 duplicate(s) not counted",
        ));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["records"]["units"], 5);
    assert_eq!(v["invalid"].as_array().unwrap().len(), 3);
    assert_eq!(v["duplicates"][0]["ignored"]["line"], 9);
}

#[test]
fn folder_and_formats() {
    let folder = fixture("rollup/folder");
    let csv = p2ham()
        .args(["rollup", "-i", &demo_instrument(), "--format", "csv"])
        .arg(&folder)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let csv = String::from_utf8(csv).unwrap();
    assert_eq!(csv.lines().count(), 5, "{csv}");
    assert!(csv.lines().nth(1).unwrap().starts_with("1,f2,"));

    p2ham()
        .args(["rollup", "-i", &demo_instrument(), "--lang", "en"])
        .arg(&folder)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Facilities for vulnerable groups (rollup-demo 1.0.0)",
        ));
    p2ham()
        .args(["rollup", "-i", &demo_instrument(), "--format", "md"])
        .arg(&folder)
        .assert()
        .success()
        .stdout(predicate::str::starts_with("# Rekap P2HAM"));
}

#[test]
fn sampit_self_and_verification() {
    let out = p2ham()
        .args(["rollup", "--format", "json"])
        .arg(fixture("assessments/sampit-2023"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["records"]["units"], 6);
    assert_eq!(v["national"]["eligible"], 5);
    assert_eq!(v["offices"].as_array().unwrap().len(), 1);
}

#[test]
fn usage_errors_exit_2() {
    p2ham().args(["rollup"]).assert().code(2);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.ndjson");
    std::fs::copy(fixture("rollup/folder/f1.json"), &input).unwrap();
    // Never over an input.
    p2ham()
        .args(["rollup", "-i", &demo_instrument(), "--output"])
        .arg(&input)
        .arg(&input)
        .assert()
        .code(2);
}

#[test]
fn a_report_inside_an_input_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("kanwil");
    std::fs::create_dir(&folder).unwrap();
    std::fs::copy(
        fixture("assessments/sampit-2023/kanim-sampit.self.json"),
        folder.join("kanim.json"),
    )
    .unwrap();
    p2ham()
        .args(["rollup", "--format", "json", "--output"])
        .arg(folder.join("report.json"))
        .arg(&folder)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("refusing to overwrite an input"));
    assert!(!folder.join("report.json").exists());
    // Beside the folder it is written.
    p2ham()
        .args(["rollup", "--format", "json", "--output"])
        .arg(dir.path().join("report.json"))
        .arg(&folder)
        .assert()
        .success();
}

#[test]
fn stage_filter_on_the_command_line() {
    p2ham()
        .args(["rollup", "--stage", "verification", "--format", "csv"])
        .arg(fixture("assessments/sampit-2023"))
        .assert()
        .success()
        .stderr(predicate::str::contains("3 unit(s) counted"))
        .stderr(predicate::str::contains("3 of another stage skipped"))
        .stdout(predicate::str::contains("verification"))
        .stdout(predicate::str::contains(",self,").not());
    p2ham()
        .args(["rollup", "--stage", "draft", "x.ndjson"])
        .assert()
        .code(2);
}

/// An input reached through a linked folder is never replaced by the report,
/// whatever name the output is given: files are compared by identity.
#[cfg(unix)]
#[test]
fn an_input_read_through_a_linked_folder_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = dir.path().join("elsewhere");
    let roll = dir.path().join("roll");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::create_dir(&roll).unwrap();
    let units = elsewhere.join("units.ndjson");
    std::fs::copy(fixture("rollup/units.ndjson"), &units).unwrap();
    std::os::unix::fs::symlink("../elsewhere", roll.join("link")).unwrap();
    let before = std::fs::read(&units).unwrap();
    let instrument = demo_instrument();
    let args = [
        "rollup",
        "--instrument",
        &instrument,
        "-f",
        "csv",
        "-o",
        "elsewhere/units.ndjson",
    ];
    p2ham()
        .current_dir(dir.path())
        .args(args)
        .arg("roll")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("elsewhere/units.ndjson").and(predicate::str::contains("input")));
    assert_eq!(std::fs::read(&units).unwrap(), before);

    // Standard input redirected from a file is an input too.
    let status = std::process::Command::new(assert_cmd::cargo::cargo_bin("p2ham"))
        .current_dir(dir.path())
        .args(args)
        .arg("-")
        .stdin(std::fs::File::open(&units).unwrap())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
    assert_eq!(std::fs::read(&units).unwrap(), before);
}

/// An endless stream without line ends ends in one clear error naming the
/// input and the offset, with memory bounded by the line limit.
#[cfg(unix)]
#[test]
fn an_endless_line_is_refused_with_its_offset() {
    p2ham()
        .args(["rollup", "--max-line-bytes", "1000000", "-f", "json", "/dev/zero"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("/dev/zero:1:")
                .and(predicate::str::contains("error[too-large]"))
                .and(predicate::str::contains("byte offset 0"))
                .and(predicate::str::contains("1000000 bytes")),
        );
}

/// A line over the limit in the middle of a file: the lines before it are
/// scored, the long line is reported with its line and byte offset.
#[test]
fn a_long_line_stops_the_input_with_its_offset() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("rollup/units.ndjson")).unwrap();
    let first = text.lines().next().unwrap();
    let file = dir.path().join("long.ndjson");
    let long = format!("{{\"note\": \"{}\"}}", "x".repeat(5000));
    std::fs::write(&file, format!("{first}\n{long}\n{first}\n")).unwrap();
    let offset = first.len() + 1;
    let out = p2ham()
        .args([
            "rollup",
            "--instrument",
            &demo_instrument(),
            "--max-line-bytes",
            "4096",
            "-f",
            "json",
        ])
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "long.ndjson:2: error[too-large]: the line starting at byte offset {offset}"
        )))
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["records"]["units"], 1);
    assert_eq!(v["invalid"][0]["problems"][0]["code"], "too-large");
}

/// No records at all is not an empty national report: exit 1, the input named.
#[test]
fn an_empty_input_is_invalid() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("empty.ndjson");
    std::fs::write(&file, "").unwrap();
    p2ham()
        .args(["rollup", "-f", "json"])
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("empty.ndjson: error[input]: no records"));
    p2ham()
        .args(["rollup", "-f", "json", "-"])
        .write_stdin("\n\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("-: error[input]: no records"));
}
