//! End to end: the verification workflow on the real binary.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(unit: &str, stage: &str) -> PathBuf {
    root().join(format!(
        "fixtures/assessments/sampit-2023/{unit}-sampit.{stage}.json"
    ))
}

fn evidence(unit: &str) -> PathBuf {
    root().join(format!("fixtures/evidence/{unit}-sampit"))
}

fn p2ham() -> Command {
    Command::cargo_bin("p2ham").unwrap()
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

#[test]
fn compare_json_has_the_published_fields() {
    let out = p2ham()
        .args(["compare", "--format", "json"])
        .arg(fixture("lapas", "self"))
        .arg(fixture("lapas", "verification"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["format"], "p2ham-compare/1");
    assert_eq!(v["self_total"], "95.77");
    assert_eq!(v["verified_total"], "79.58");
    assert_eq!(v["verified_award"]["eligible"], false);
    let d = v["discrepancies"].as_array().unwrap();
    assert_eq!(d.len(), 16);
    let a26 = d.iter().find(|d| d["indicator"] == "A.26").unwrap();
    assert_eq!(a26["kind"], "na_disputed");
    assert_eq!(a26["self"], "N/A");
    assert_eq!(a26["verified"], "tidak");
}

#[test]
fn compare_text_csv_and_md() {
    p2ham()
        .arg("compare")
        .arg(fixture("kanim", "self"))
        .arg(fixture("kanim", "verification"))
        .assert()
        .success()
        .stdout(predicate::str::contains("92.14").and(predicate::str::contains("tidak diverifikasi")));
    p2ham()
        .args(["compare", "-f", "csv"])
        .arg(fixture("bapas", "self"))
        .arg(fixture("bapas", "verification"))
        .assert()
        .success()
        .stdout(
            predicate::str::starts_with("unit,period,criterion,indicator")
                .and(predicate::str::contains(",A.15,"))
                .and(predicate::str::contains("underclaim"))
                .and(predicate::str::contains("evidence_differs")),
        );
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("bapas.md");
    p2ham()
        .args(["compare", "-f", "md", "--lang", "en", "-o"])
        .arg(&out)
        .arg(fixture("bapas", "self"))
        .arg(fixture("bapas", "verification"))
        .assert()
        .success()
        .stdout("");
    assert!(std::fs::read_to_string(out)
        .unwrap()
        .contains("| TOTAL |  | 83.73 | 85.15 | -1.42 |"));
}

#[test]
fn compare_refuses_a_mismatched_pair_and_a_swapped_order() {
    p2ham()
        .arg("compare")
        .arg(fixture("kanim", "self"))
        .arg(fixture("bapas", "verification"))
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("kanim-sampit.self.json")
                .and(predicate::str::contains("bapas-sampit.verification.json"))
                .and(predicate::str::contains("unit")),
        );
    p2ham()
        .arg("compare")
        .arg(fixture("kanim", "verification"))
        .arg(fixture("kanim", "self"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("must be a self-assessment"));
    p2ham()
        .arg("compare")
        .arg(fixture("kanim", "self"))
        .assert()
        .code(2);
}

#[test]
fn a_tampered_self_assessment_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("kanim-sampit.self.json");
    let mut bytes = std::fs::read(fixture("kanim", "self")).unwrap();
    // Change one byte of a note-free, meaning-free place: a space of indentation becomes a tab.
    let at = bytes.iter().position(|b| *b == b' ').unwrap();
    bytes[at] = b'\t';
    std::fs::write(&copy, &bytes).unwrap();
    p2ham()
        .arg("compare")
        .arg(&copy)
        .arg(fixture("kanim", "verification"))
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains(
                "sha256:8bd71f9742f3ec2dd4949f249db1ca3d9dadbe386953b6d5724dbceaf4752606",
            )
            .and(predicate::str::contains(copy.display().to_string())),
        );
    p2ham()
        .arg("letter")
        .arg(&copy)
        .arg(fixture("kanim", "verification"))
        .assert()
        .code(1);
}

#[test]
fn evidence_verify_on_the_fixtures() {
    for unit in ["kanim", "lapas", "bapas"] {
        p2ham()
            .args(["evidence", "verify", "--root"])
            .arg(evidence(unit))
            .arg(fixture(unit, "self"))
            .arg(fixture(unit, "verification"))
            .assert()
            .success()
            .stdout(predicate::str::contains("Hasil: OK"));
    }
    let out = p2ham()
        .args(["evidence", "verify", "-f", "json", "--root"])
        .arg(evidence("kanim"))
        .arg(fixture("kanim", "self"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["format"], "p2ham-evidence/1");
    assert_eq!(v["ok"], true);
    assert_eq!(v["counts"]["present"], 43);
    // The verification team's photos are under the same folder: unreferenced, a warning only.
    assert_eq!(v["counts"]["unreferenced"], 37);
}

#[test]
fn evidence_verify_catches_a_swapped_photo() {
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("kanim-sampit");
    copy_dir(&evidence("kanim"), &copy);
    std::fs::copy(
        copy.join("foto/apar.png"),
        copy.join("foto/maklumat-pelayanan.png"),
    )
    .unwrap();
    p2ham()
        .args(["evidence", "verify", "--lang", "en", "--root"])
        .arg(&copy)
        .arg(fixture("kanim", "self"))
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("FAILED")
                .and(predicate::str::contains("altered"))
                .and(predicate::str::contains("foto/maklumat-pelayanan.png")),
        );
    std::fs::remove_file(copy.join("foto/apar.png")).unwrap();
    let out = p2ham()
        .args(["evidence", "verify", "-f", "json", "--root"])
        .arg(&copy)
        .arg(fixture("kanim", "self"))
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["counts"]["altered"], 1);
    assert_eq!(v["counts"]["missing"], 1);
    p2ham()
        .args(["evidence", "verify", "--root", "/no/such/folder"])
        .arg(fixture("kanim", "self"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("/no/such/folder"));
}

#[cfg(unix)]
#[test]
fn evidence_verify_refuses_paths_out_of_the_root() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("bukti");
    std::fs::create_dir_all(root.join("foto")).unwrap();
    std::fs::write(tmp.path().join("rahasia.txt"), "secret").unwrap();
    std::os::unix::fs::symlink(tmp.path().join("rahasia.txt"), root.join("foto/maklumat.png")).unwrap();
    let doc = tmp.path().join("a.json");
    std::fs::write(
        &doc,
        r#"{"format": "p2ham-assessment/1", "instrument": {"id": "p2ham-2022", "version": "1.0.0"},
           "unit": {"id": "u", "name": "U", "kind": "kanim"}, "period": "2023", "stage": "self",
           "answers": [
             {"indicator": "A.01", "value": "ada", "evidence": [{"path": "foto/maklumat.png"}]},
             {"indicator": "A.02", "value": "ada", "evidence": [{"path": "../rahasia.txt"}]},
             {"indicator": "A.03", "value": "ada", "evidence": [{"path": "/etc/passwd"}]}]}"#,
    )
    .unwrap();
    let out = p2ham()
        .args(["evidence", "verify", "-f", "json", "--root"])
        .arg(&root)
        .arg(&doc)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["counts"]["refused"], 3);
    for f in v["files"].as_array().unwrap() {
        assert_eq!(f["status"], "refused", "{f}");
        assert!(f["actual_sha256"].is_null(), "{f}");
    }
}

#[test]
fn evidence_manifest_is_what_sha256sum_reads() {
    let out = p2ham()
        .args(["evidence", "manifest"])
        .arg(evidence("bapas"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 18 + 25 + 37);
    let paths: Vec<&str> = lines.iter().map(|l| l.split_once("  ").unwrap().1).collect();
    let mut sorted = paths.clone();
    sorted.sort_unstable();
    assert_eq!(paths, sorted);
    for line in &lines {
        let (hash, path) = line.split_once("  ").unwrap();
        assert_eq!(hash.len(), 64);
        assert!(hash
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert!(evidence("bapas").join(path).is_file(), "{path}");
    }
    assert!(lines[0].ends_with("  dokumen/evaluasi-kinerja.pdf"));
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("SHA256SUMS");
    p2ham()
        .args(["evidence", "manifest", "-o"])
        .arg(&file)
        .arg(evidence("bapas"))
        .assert()
        .success()
        .stdout("");
    assert_eq!(std::fs::read_to_string(file).unwrap(), text);
}

#[test]
fn letters_for_each_outcome() {
    p2ham()
        .arg("letter")
        .arg(fixture("lapas", "self"))
        .arg(fixture("lapas", "verification"))
        .assert()
        .success()
        .stdout(
            predicate::str::starts_with("# SURAT KETERANGAN HASIL EVALUASI")
                .and(predicate::str::contains(
                    "Nilai total 79.58 di bawah batas kelulusan 80.",
                ))
                .and(predicate::str::contains("Woro Sadarini")),
        );
    p2ham()
        .args(["letter", "--lang", "en"])
        .arg(fixture("bapas", "self"))
        .arg(fixture("bapas", "verification"))
        .assert()
        .success()
        .stdout(
            predicate::str::starts_with("# RECORD OF EVALUATION RESULTS (Berita Acara Hasil Evaluasi)")
                .and(predicate::str::contains("85.15 / 100"))
                .and(predicate::str::contains("21 March 2023")),
        );
    // Deterministic: the same inputs give the same bytes.
    let run = || {
        p2ham()
            .arg("letter")
            .arg(fixture("kanim", "self"))
            .arg(fixture("kanim", "verification"))
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(run(), run());
}

#[test]
fn outputs_inside_the_evidence_folder_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("bukti");
    std::fs::create_dir_all(root.join("foto")).unwrap();
    std::fs::write(root.join("foto/a.png"), b"photo").unwrap();
    let target = root.join("foto/a.png");
    Command::cargo_bin("p2ham")
        .unwrap()
        .args(["evidence", "manifest", "--output"])
        .arg(&target)
        .arg(&root)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("refusing to overwrite an input"));
    assert_eq!(std::fs::read(&target).unwrap(), b"photo");
    Command::cargo_bin("p2ham")
        .unwrap()
        .args(["evidence", "manifest", "--output"])
        .arg(root.join("SHA256SUMS"))
        .arg(&root)
        .assert()
        .code(2);
    assert!(!root.join("SHA256SUMS").exists());
}
