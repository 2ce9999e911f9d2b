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

#[test]
fn a_weight_under_a_huge_exponent_is_refused_not_wrapped() {
    let dir = tempfile::tempdir().unwrap();
    let json = fixture("fixtures/instruments-extra/demo.json");
    for (name, weight) in [("a.json", "1.0e-4294967295"), ("b.json", "0.05e-4294967295")] {
        let path = dir.path().join(name);
        std::fs::write(&path, json.replacen("\"weight\": 0.1", &format!("\"weight\": {weight}"), 1)).unwrap();
        p2ham()
            .args(["validate"])
            .arg(&path)
            .assert()
            .code(1)
            .stdout(predicate::str::contains("criteria[0].weight"))
            .stdout(predicate::str::contains("exponent out of range"));
    }
    let toml = fixture("fixtures/instruments-extra/demo.toml").replacen("weight = 2", "weight = 1.0e-4294967295", 1);
    let path = dir.path().join("c.toml");
    std::fs::write(&path, toml).unwrap();
    p2ham()
        .args(["validate"])
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("criteria[0].weight"))
        .stdout(predicate::str::contains("exponent out of range"));
}
