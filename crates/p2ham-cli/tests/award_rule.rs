//! End to end: `p2ham award --rule --components`, the period's award rule over
//! the evaluation's other evidence, on the Sampit fixtures; worked by hand.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn verifications() -> Vec<PathBuf> {
    ["kanim", "lapas", "bapas"]
        .iter()
        .map(|u| {
            root().join(format!(
                "fixtures/assessments/sampit-2023/{u}-sampit.verification.json"
            ))
        })
        .collect()
}

fn p2ham() -> Command {
    Command::cargo_bin("p2ham").unwrap()
}

fn unit<'a>(list: &'a Value, id: &str) -> &'a Value {
    list["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit"]["id"] == id)
        .unwrap_or_else(|| panic!("{id} not listed"))
}

fn codes(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_rule_applies_each_gate_with_its_figures() {
    let out = p2ham()
        .arg("award")
        .arg("--previous")
        .arg(root().join("fixtures/awards/kalteng-2022.json"))
        .arg("--rule")
        .arg(root().join("fixtures/award-rule/rule-2020.json"))
        .arg("--components")
        .arg(root().join("fixtures/award-rule/sampit-2023-components.json"))
        .args(["--format", "json"])
        .args(verifications())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let list: Value = serde_json::from_slice(&out).unwrap();
    // Kanim keeps the predikat: IKM 87.09 is band B (76.61–88.30), WBK, no
    // unresolved Ombudsman finding, composite (80 × 92.14 + 20 × 87.09) / 100
    // = (7371.20 + 1741.80) / 100 = 91.13 ≥ 80.
    let kanim = unit(&list, "kanim-sampit");
    assert_eq!(kanim["decision"], "retained");
    assert_eq!(codes(&kanim["notes"]), ["gate-met"; 4]);
    assert_eq!(kanim["notes"][0]["actual"], "87.09");
    assert_eq!(kanim["notes"][0]["required"], "76.61");
    assert_eq!(kanim["notes"][3]["actual"], "91.13");
    assert_eq!(kanim["notes"][3]["required"], "80");
    // Bapas (85.15, eligible on P2HAM alone) has no IKM recorded: the IKM gate and
    // the composite are not met, so it does not gain the predikat.
    let bapas = unit(&list, "bapas-sampit");
    assert_eq!(bapas["decision"], "not_awarded");
    assert_eq!(
        codes(&bapas["reasons"]),
        ["component-missing", "component-missing"]
    );
    assert_eq!(codes(&bapas["notes"]), ["gate-met", "gate-met"]);
    // Lapas loses it: below the pass mark, and the gates it fails besides.
    let lapas = unit(&list, "lapas-sampit");
    assert_eq!(lapas["decision"], "lost");
    assert_eq!(
        codes(&lapas["reasons"]),
        [
            "total-below-pass-mark",
            "component-missing",
            "zona-integritas-below-minimum",
            "ombudsman-unresolved",
            "component-missing"
        ]
    );
    assert_eq!(lapas["reasons"][3]["actual"], "1");
    assert_eq!(lapas["reasons"][3]["required"], "0");
}

#[test]
fn a_bad_rule_or_figures_of_another_period_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let rule = dir.path().join("rule.json");
    std::fs::write(
        &rule,
        r#"{"format": "p2ham-award-rule/1", "composite": {"p2ham_weight": "-1", "ikm_weight": "20", "min": "80"}}"#,
    )
    .unwrap();
    let components = root().join("fixtures/award-rule/sampit-2023-components.json");
    p2ham()
        .arg("award")
        .arg("--rule")
        .arg(&rule)
        .arg("--components")
        .arg(&components)
        .args(verifications())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("composite.p2ham_weight").and(predicate::str::contains("negative")));
    p2ham()
        .arg("award")
        .arg("--rule")
        .arg(root().join("fixtures/award-rule/rule-2020.json"))
        .arg("--components")
        .arg(&components)
        .args(["--period", "2024"])
        .args(verifications())
        .assert()
        .code(1);
    let typo = dir.path().join("typo.json");
    std::fs::write(&typo, r#"{"format": "p2ham-award-rule/1", "ikm_min": "B"}"#).unwrap();
    p2ham()
        .arg("award")
        .arg("--rule")
        .arg(&typo)
        .arg("--components")
        .arg(&components)
        .args(verifications())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("ikm_min"));
    // A rule without figures is a usage error: every gate would be missing.
    p2ham()
        .arg("award")
        .arg("--rule")
        .arg(root().join("fixtures/award-rule/rule-2020.json"))
        .args(verifications())
        .assert()
        .code(2);
}

#[test]
fn validate_knows_the_rule_and_the_components() {
    p2ham()
        .arg("validate")
        .arg(root().join("fixtures/award-rule/rule-2020.json"))
        .arg(root().join("fixtures/award-rule/sampit-2023-components.json"))
        .assert()
        .success()
        .stdout(
            predicate::str::contains("ok (award-rule)")
                .and(predicate::str::contains("ok (award-components)")),
        );
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("components.json");
    std::fs::write(
        &bad,
        r#"{"format": "p2ham-award-components/1", "period": "2023", "units": [
            {"unit": "kanim-sampit", "ikm": "101", "elapor_complaints": 1, "elapor_unresolved": 3}]}"#,
    )
    .unwrap();
    p2ham().arg("validate").arg(&bad).assert().code(1).stdout(
        predicate::str::contains("units[0].ikm")
            .and(predicate::str::contains("outside 25–100"))
            .and(predicate::str::contains("units[0].elapor_unresolved")),
    );
}
