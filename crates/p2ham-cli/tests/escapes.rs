//! Text read from a document never drives the terminal: every message of
//! every command shows ESC, BEL, NUL and the other control characters it
//! quotes escaped (`\u{1b}`), and the roll-up's CSV keeps none of them.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn p2ham(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_p2ham"));
    cmd.current_dir(dir);
    cmd
}

const HOSTILE: &str = "x\u{1b}]0;pwned\u{7}\u{1b}[2J\u{0}y";
/// Without NUL, which neither an argument nor CSV text can hold.
const HOSTILE_TEXT: &str = "x\u{1b}]0;pwned\u{7}\u{1b}[2Jy";

/// No raw control character but the line break, and the escape shown.
fn clean(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    assert!(
        !text.chars().any(|c| c.is_control() && !matches!(c, '\n')),
        "{what}: a raw control character in {text:?}"
    );
}

fn shows_escape(what: &str, bytes: &[u8]) {
    clean(what, bytes);
    let text = String::from_utf8_lossy(bytes);
    assert!(
        text.contains("\\u{1b}"),
        "{what}: the escape is not shown in {text:?}"
    );
}

fn self_assessment() -> serde_json::Value {
    let path = root().join("fixtures/assessments/sampit-2023/kanim-sampit.self.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn messages_of_every_command_show_control_characters_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    // score: an answer that is no option of its scale.
    let mut doc = self_assessment();
    doc["answers"][0]["value"] = HOSTILE.into();
    std::fs::write(d.join("bad.json"), serde_json::to_vec(&doc).unwrap()).unwrap();
    let out = p2ham(d).args(["score", "bad.json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    shows_escape("score", &out.stderr);

    // rollup: the same record, reported as invalid while the roll-up runs.
    let out = p2ham(d).args(["rollup", "bad.json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    shows_escape("rollup", &out.stderr);

    // skm: a cell that is no answer.
    std::fs::write(
        d.join("skm.csv"),
        format!("U1,U2,U3,U4,U5,U6,U7,U8,U9\n4,4,4,4,4,4,4,4,{HOSTILE_TEXT}\n"),
    )
    .unwrap();
    let out = p2ham(d).args(["skm", "skm.csv"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    shows_escape("skm", &out.stderr);

    // template --fill: an assessment that does not fit.
    let out = p2ham(d)
        .args([
            "template",
            "p2ham-2022",
            "--kind",
            "kanim",
            "--fill",
            "bad.json",
            "-o",
            "t.csv",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    shows_escape("template --fill", &out.stderr);

    // import: a label that is no answer.
    let out = p2ham(d)
        .args(["template", "p2ham-2022", "--kind", "kanim", "-o", "k.csv"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let sheet = std::fs::read_to_string(d.join("k.csv")).unwrap();
    let row = "A.01,Maklumat pelayanan,1,";
    assert!(sheet.contains(row));
    let sheet = sheet.replacen(row, &format!("{row}\"{HOSTILE_TEXT}\""), 1);
    std::fs::write(d.join("k.csv"), sheet).unwrap();
    let out = p2ham(d).args(["import", "k.csv"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    shows_escape("import", &out.stderr);

    // A usage error quoting what was typed.
    let out = p2ham(d)
        .args(["score", "--format", HOSTILE_TEXT, "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    clean("usage", &out.stderr);
}

#[test]
fn the_signer_named_by_a_seal_is_shown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let v = root().join("fixtures/assessments/sampit-2023/lapas-sampit.verification.json");
    std::fs::copy(v, d.join("v.json")).unwrap();
    let ev = root().join("fixtures/evidence/lapas-sampit");
    assert!(p2ham(d)
        .args(["seal", "keygen", "--out", "team"])
        .output()
        .unwrap()
        .status
        .success());
    let out = p2ham(d)
        .args([
            "seal",
            "sign",
            "v.json",
            "--key",
            "team",
            "--signer",
            HOSTILE_TEXT,
            "--evidence-root",
        ])
        .arg(&ev)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    clean("seal sign", &out.stderr);
    let out = p2ham(d)
        .args(["seal", "verify", "v.json", "--key", "team.pub", "--evidence-root"])
        .arg(&ev)
        .output()
        .unwrap();
    shows_escape("seal verify", &out.stdout);
    clean("seal verify", &out.stderr);
}

#[test]
fn the_rollup_csv_keeps_no_control_character_from_a_unit_name() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut doc = self_assessment();
    doc["unit"]["name"] = format!("Kanim{HOSTILE}").into();
    std::fs::write(d.join("a.json"), serde_json::to_vec(&doc).unwrap()).unwrap();
    let out = p2ham(d)
        .args(["rollup", "a.json", "--format", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    shows_escape("rollup csv", &out.stdout);
}
