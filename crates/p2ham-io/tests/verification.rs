//! The verification workflow on the Sampit fixtures: comparison, letters, evidence.

use std::path::{Path, PathBuf};

use p2ham_io::scoring::{ComparisonReport, DiscrepancyKind};
use p2ham_io::{
    document::compare_loaded, document::instrument_for, document::load_assessment, evidence::verify_evidence,
    schema::schema_kind, IoError,
};

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap() + "\n"
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn assessment(unit: &str, stage: &str) -> PathBuf {
    fixtures().join(format!("assessments/sampit-2023/{unit}-sampit.{stage}.json"))
}

fn compared(unit: &str) -> ComparisonReport {
    let s = load_assessment(&assessment(unit, "self")).unwrap();
    let v = load_assessment(&assessment(unit, "verification")).unwrap();
    let ins = instrument_for(&s, None).unwrap();
    compare_loaded(&s, &v, &ins).unwrap()
}

#[test]
fn compare_json_snapshot_and_schema() {
    let r = compared("lapas");
    let json = to_json(&r);
    insta::assert_snapshot!("compare_lapas_json", json);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let schema = schema_kind("compare").unwrap().schema();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&value).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(value["self_total"], "95.77");
    assert_eq!(value["verified_total"], "79.58");
    assert_eq!(value["discrepancies"][0]["indicator"], "A.07");
    assert_eq!(value["discrepancies"][0]["kind"], "overclaim");
    assert_eq!(value["discrepancies"][0]["self"], "ada");
    assert_eq!(value["discrepancies"][0]["verified"], "tidak");
}

#[test]
fn hand_checked_figures() {
    let kanim = compared("kanim");
    assert_eq!(kanim.verified_total.unwrap().to_string(), "92.14");
    assert!(kanim.verified_award.eligible);
    let unverified: Vec<_> = kanim
        .discrepancies
        .iter()
        .filter(|d| d.kind == DiscrepancyKind::Unverified)
        .map(|d| d.indicator.as_str())
        .collect();
    assert_eq!(unverified, ["D.05"]);
    let lapas = compared("lapas");
    assert_eq!(lapas.verified_total.unwrap().to_string(), "79.58");
    assert_eq!(lapas.score_lost_to_overclaims.to_string(), "15.50");
    assert!(!lapas.verified_award.eligible);
    let bapas = compared("bapas");
    assert_eq!(
        (
            bapas.self_total.unwrap().to_string(),
            bapas.verified_total.unwrap().to_string()
        ),
        ("83.73".into(), "85.15".into())
    );
    assert!(bapas.verified_award.eligible);
}

#[test]
fn a_pair_that_does_not_match_names_both_files() {
    let s = load_assessment(&assessment("kanim", "self")).unwrap();
    let v = load_assessment(&assessment("lapas", "verification")).unwrap();
    let ins = instrument_for(&s, None).unwrap();
    let e = compare_loaded(&s, &v, &ins).unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, IoError::Compare { .. }));
    assert!(
        msg.contains("kanim-sampit.self.json") && msg.contains("lapas-sampit.verification.json"),
        "{msg}"
    );
    assert!(
        msg.contains("kanim-sampit") && msg.contains("lapas-sampit (lapas)"),
        "{msg}"
    );
    // Swapped order: the first document must be the self-assessment.
    let v2 = load_assessment(&assessment("kanim", "verification")).unwrap();
    let e = compare_loaded(&v2, &s, &ins).unwrap_err();
    assert!(e.to_string().contains("must be a self-assessment"), "{e}");
}

#[test]
fn a_tampered_self_assessment_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("kanim.self.json");
    let mut bytes = std::fs::read(assessment("kanim", "self")).unwrap();
    let at = bytes.iter().rposition(|b| *b == b'}').unwrap();
    bytes.insert(at, b' ');
    std::fs::write(&copy, &bytes).unwrap();
    let s = load_assessment(&copy).unwrap();
    let v = load_assessment(&assessment("kanim", "verification")).unwrap();
    let ins = instrument_for(&s, None).unwrap();
    let e = compare_loaded(&s, &v, &ins).unwrap_err().to_string();
    assert!(
        e.contains("sha256:8bd71f9742f3ec2dd4949f249db1ca3d9dadbe386953b6d5724dbceaf4752606"),
        "{e}"
    );
    assert!(e.contains(&s.sha256), "{e}");
}

#[test]
fn fixture_evidence_is_intact() {
    for unit in ["kanim", "lapas", "bapas"] {
        let docs = [
            load_assessment(&assessment(unit, "self")).unwrap(),
            load_assessment(&assessment(unit, "verification")).unwrap(),
        ];
        let r = verify_evidence(&docs, &fixtures().join(format!("evidence/{unit}-sampit"))).unwrap();
        assert!(
            r.ok,
            "{unit}: {:#?}",
            r.files.iter().filter(|f| f.status.fails()).collect::<Vec<_>>()
        );
        assert_eq!(r.counts.unreferenced, 0, "{unit}");
        assert_eq!(r.counts.present_unhashed, 0, "{unit}");
    }
}
