//! End-to-end tests of `p2ham score` on the real binary.

use assert_cmd::Command;
use predicates::prelude::*;

const SAMPIT: &str = "../../fixtures/assessments/sampit-2023";

fn p2ham() -> Command {
    Command::cargo_bin("p2ham").unwrap()
}

fn score(args: &[&str]) -> String {
    let out = p2ham()
        .arg("score")
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

fn fixture(name: &str) -> String {
    format!("{SAMPIT}/{name}")
}

#[test]
fn sampit_json_reports() {
    for unit in ["kanim-sampit", "lapas-sampit", "bapas-sampit"] {
        let out = score(&["--format", "json", &fixture(&format!("{unit}.self.json"))]);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        insta::assert_json_snapshot!(format!("{unit}.self.json"), v);
    }
}

#[test]
fn sampit_self_figures_match_hand_computation() {
    // kanim: A 25/26, B 6/7, C 10.5/11, D 5.5/6, E 8/8 with weights 40/15/20/10/15:
    // total = 568025/6006 = 94.5762…; lapas 43669/456 = 95.7653…; bapas 7033/84 = 83.7261…
    for (unit, total, criteria) in [
        (
            "kanim-sampit",
            "94.58",
            ["96.15", "85.71", "95.45", "91.67", "100.00"],
        ),
        (
            "lapas-sampit",
            "95.77",
            ["98.68", "87.50", "95.00", "91.67", "100.00"],
        ),
        (
            "bapas-sampit",
            "83.73",
            ["80.36", "87.50", "85.00", "83.33", "87.50"],
        ),
    ] {
        let out = score(&["--format", "json", &fixture(&format!("{unit}.self.json"))]);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["total"], total, "{unit}");
        let got: Vec<&str> = v["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["score"].as_str().unwrap())
            .collect();
        assert_eq!(got, criteria, "{unit}");
        assert_eq!(v["award"]["eligible"], true, "{unit}");
        assert_eq!(v["model"], "p2ham-weighted/1");
    }
    // The verification of the prison falls below the pass mark: 16553/208 = 79.58.
    let out = score(&["--format", "json", &fixture("lapas-sampit.verification.json")]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["total"], "79.58");
    assert_eq!(v["award"]["eligible"], false);
    assert_eq!(v["award"]["reasons"][0]["code"], "total-below-pass-mark");
}

#[test]
fn sampit_human_readable_reports() {
    insta::assert_snapshot!(
        "kanim-sampit.self.text.id",
        score(&[&fixture("kanim-sampit.self.json")])
    );
    insta::assert_snapshot!(
        "bapas-sampit.self.text.en",
        score(&["--lang", "en", &fixture("bapas-sampit.self.json")])
    );
    insta::assert_snapshot!(
        "lapas-sampit.verification.md.id",
        score(&["--format", "md", &fixture("lapas-sampit.verification.json")])
    );
    insta::assert_snapshot!(
        "kanim-sampit.self.md.en",
        score(&[
            "--format",
            "md",
            "--lang",
            "en",
            &fixture("kanim-sampit.self.json")
        ])
    );
    insta::assert_snapshot!(
        "bapas-sampit.self.csv",
        score(&["--format", "csv", &fixture("bapas-sampit.self.json")])
    );
}

#[test]
fn csv_has_one_row_per_indicator() {
    let out = score(&["--format", "csv", &fixture("kanim-sampit.self.json")]);
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    assert_eq!(reader.headers().unwrap().get(4), Some("indicator"));
    assert_eq!(reader.records().count(), 76);
}

#[test]
fn output_is_deterministic() {
    let a = score(&["--format", "json", &fixture("kanim-sampit.self.json")]);
    let b = score(&["--format", "json", &fixture("kanim-sampit.self.json")]);
    assert_eq!(a, b);
}

#[test]
fn reads_standard_input() {
    let doc = std::fs::read(fixture("bapas-sampit.self.json")).unwrap();
    let out = p2ham()
        .args(["score", "--format", "json", "-"])
        .write_stdin(doc)
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["total"], "83.73");
    assert_eq!(
        v["assessment"]["sha256"],
        "b79f103af78535be4b40f9ccc536ce057da83ac570035932866dae1ad1064b80"
    );
}

#[test]
fn writes_output_atomically_and_never_over_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("kanim.md");
    p2ham()
        .args(["score", "--format", "md", "--output"])
        .arg(&out)
        .arg(fixture("kanim-sampit.self.json"))
        .assert()
        .success()
        .stdout("");
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .starts_with("# Hasil Penilaian P2HAM"));
    // No temporary file is left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

    let input = dir.path().join("in.json");
    std::fs::copy(fixture("kanim-sampit.self.json"), &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    p2ham()
        .args(["score", "--output"])
        .arg(&input)
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("refusing to overwrite an input"));
    assert_eq!(std::fs::read(&input).unwrap(), before);
}

#[test]
fn invalid_assessment_exits_1_naming_file_and_path() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    let text = std::fs::read_to_string(fixture("kanim-sampit.self.json")).unwrap();
    std::fs::write(
        &bad,
        text.replacen("\"value\": \"ada\"", "\"value\": \"mungkin\"", 1),
    )
    .unwrap();
    p2ham()
        .arg("score")
        .arg(&bad)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bad.json"))
        .stderr(predicate::str::contains("answers[0].value"))
        .stderr(predicate::str::contains("unknown-option"));
}

#[test]
fn explicit_instrument_and_mismatch() {
    // An explicit built-in id works like the default.
    score(&["--instrument", "p2ham-2022", &fixture("kanim-sampit.self.json")]);
    // Another instrument is a mismatch, reported with its code.
    p2ham()
        .args(["score", "--instrument", "p2ham-2018-kanim"])
        .arg(fixture("kanim-sampit.self.json"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("instrument-mismatch"));
    p2ham()
        .args(["score", "--instrument", "p2ham-1999"])
        .arg(fixture("kanim-sampit.self.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error: --instrument: instrument `p2ham-1999` is not built in",
        ));
}

#[test]
fn usage_errors_exit_2() {
    p2ham().args(["score"]).assert().code(2);
    p2ham()
        .args(["score", "--format", "pdf", "x.json"])
        .assert()
        .code(2);
}

#[test]
fn html_report_is_standalone_and_escaped() {
    let html = score(&[
        "--format",
        "html",
        "--lang",
        "en",
        &fixture("lapas-sampit.verification.json"),
    ]);
    insta::assert_snapshot!("lapas-sampit.verification.html.en", html);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script"));
    assert!(
        !html.contains("http://")
            || html
                .matches("http://")
                .all(|_| html.contains("xmlns=\"http://www.w3.org/2000/svg\""))
    );

    // Text from the assessment is escaped, never interpreted.
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("x.json");
    let text = std::fs::read_to_string(fixture("kanim-sampit.self.json")).unwrap();
    let text = text.replacen(
        "\"name\": \"Kantor Imigrasi",
        "\"name\": \"<script>alert(1)</script> Kantor Imigrasi",
        1,
    );
    std::fs::write(&doc, text).unwrap();
    let out = p2ham()
        .args(["score", "--format", "html"])
        .arg(&doc)
        .assert()
        .success();
    let html = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(!html.contains("<script>alert(1)"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[test]
fn points_are_shown_as_computed_never_rounded_twice() {
    // 16 indicators of weight 1 in one criterion: each carries 100/16 = 6.25 points;
    // "proses" (0.5) earns exactly 3.125, so the gap is 3.125 → 3.13 (half away from zero).
    let dir = tempfile::tempdir().unwrap();
    let indicators: Vec<_> = (1..=16)
        .map(|i| serde_json::json!({"id": format!("A.{i:02}"), "title": {"id": "x"}, "scale": "s", "weight": "1"}))
        .collect();
    let instrument = serde_json::json!({
        "format": "p2ham-instrument/1", "id": "t16", "version": "1", "title": {"id": "t"},
        "unit_kinds": ["kanim"],
        "scales": [{"id": "s", "options": [
            {"code": "ada", "label": {"id": "Ada"}, "value": "1"},
            {"code": "proses", "label": {"id": "Proses"}, "value": "0.5"}]}],
        "criteria": [{"id": "A", "title": {"id": "A"}, "weight": "1", "indicators": indicators}],
        "award": {"min_total": "80", "min_criterion": null}
    });
    let answers: Vec<_> = (1..=16)
        .map(|i| serde_json::json!({"indicator": format!("A.{i:02}"), "value": if i == 1 { "proses" } else { "ada" }}))
        .collect();
    let assessment = serde_json::json!({
        "format": "p2ham-assessment/1", "instrument": {"id": "t16", "version": "1"},
        "unit": {"id": "u", "name": "U", "kind": "kanim"}, "period": "2023", "stage": "self", "answers": answers
    });
    let (i, a) = (dir.path().join("t16.json"), dir.path().join("a.json"));
    std::fs::write(&i, instrument.to_string()).unwrap();
    std::fs::write(&a, assessment.to_string()).unwrap();
    let text = score(&[
        "--lang",
        "en",
        "--instrument",
        i.to_str().unwrap(),
        a.to_str().unwrap(),
    ]);
    assert!(text.contains("3.1250/6.2500"), "{text}");
    assert!(!text.contains("3.12/"), "{text}");
    // Total 96.875 → 96.88; the gap list gains 3.13.
    assert!(text.contains("Total: 96.88 / 100"), "{text}");
    let gap = text
        .lines()
        .find(|l| l.contains("A.01") && l.contains("partial") && !l.contains('/'))
        .unwrap();
    assert!(gap.contains("3.13"), "{gap}");
}
