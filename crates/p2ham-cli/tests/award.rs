//! End to end: the award cycle (award, history) and sealed verifications on
//! the real binary, with the Sampit fixtures: the seed's hopes as a test.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn sampit() -> PathBuf {
    root().join("fixtures/assessments/sampit-2023")
}

fn verification(unit: &str) -> PathBuf {
    sampit().join(format!("{unit}-sampit.verification.json"))
}

fn awards_2022() -> PathBuf {
    root().join("fixtures/awards/kalteng-2022.json")
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

fn json(out: &[u8]) -> Value {
    serde_json::from_slice(out).expect("JSON output")
}

fn unit<'a>(list: &'a Value, id: &str) -> &'a Value {
    list["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit"]["id"] == id)
        .unwrap_or_else(|| panic!("{id} not listed"))
}

fn decisions(list: &Value) -> Vec<(String, String)> {
    list["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["unit"]["id"].as_str().unwrap().to_owned(),
                u["decision"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// `p2ham award --format json ARGS…`, which must succeed: the award list.
fn award_json(args: &[&std::ffi::OsStr]) -> Value {
    let out = p2ham()
        .args(["award", "--format", "json"])
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    json(&out)
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

/// The seed's hopes: Kanim keeps the predikat (92.14), Bapas gains it
/// (85.15), Lapas loses it (79.58 < 80); the new list and the annex are written.
#[test]
fn the_seed_hopes_kanim_retained_bapas_gained_lapas_lost() {
    let dir = tempfile::tempdir().unwrap();
    let list_path = dir.path().join("awards-2023.json");
    let annex_path = dir.path().join("lampiran-2023.md");
    let out = p2ham()
        .args(["award", "--format", "json", "--previous"])
        .arg(awards_2022())
        .arg("--list")
        .arg(&list_path)
        .arg("--annex")
        .arg(&annex_path)
        .args([
            "--decree-number",
            "CONTOH-2023",
            "--decree-date",
            "2023-12-10",
            "--decree-issuer",
            "Menteri Hukum dan HAM",
        ])
        .arg(sampit())
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "3 self-assessment(s) in the folders left out",
        ))
        .get_output()
        .stdout
        .clone();
    let list = json(&out);
    assert_eq!(list["format"], "p2ham-awards/1");
    assert_eq!(list["period"], "2023");
    assert_eq!(list["previous_period"], "2022");
    assert_eq!(list["decree"]["number"], "CONTOH-2023");
    assert_eq!(
        decisions(&list),
        pairs(&[
            ("bapas-sampit", "gained"),
            ("kanim-sampit", "retained"),
            ("lapas-sampit", "lost")
        ])
    );
    let lapas = unit(&list, "lapas-sampit");
    assert_eq!(lapas["total"], "79.58");
    assert_eq!(lapas["predikat"], false);
    assert_eq!(lapas["reasons"][0]["code"], "total-below-pass-mark");
    assert_eq!(lapas["reasons"][0]["actual"], "79.58");
    assert_eq!(lapas["reasons"][0]["required"], "80");
    let kanim = unit(&list, "kanim-sampit");
    assert_eq!(kanim["total"], "92.14");
    assert_eq!(kanim["rests_on"][0]["verifies"].as_str().unwrap().len(), 71);
    assert_eq!(unit(&list, "bapas-sampit")["total"], "85.15");
    // The written list is the same document, and is next year's baseline.
    assert_eq!(json(&std::fs::read(&list_path).unwrap()), list);
    let annex = std::fs::read_to_string(&annex_path).unwrap();
    assert!(annex.starts_with("# LAMPIRAN KEPUTUSAN PENETAPAN PREDIKAT P2HAM 2023"));
    assert!(annex.contains("- **Keputusan:** CONTOH-2023\n- **Tanggal keputusan:** 10 Desember 2023"));
    assert!(annex.contains("- **Jumlah:** 2 unit, 1 Kanwil"));
    assert!(annex.contains("## I. Kanwil Kemenkumham Kalimantan Tengah"));
    assert!(annex.contains("| 1 | Bapas Kelas II Sampit | BAPAS |"));
    assert!(annex.contains("| 2 | Kantor Imigrasi Kelas II TPI Sampit | KANIM |"));
    assert!(
        !annex.contains("Lapas"),
        "the annex lists only the units granted the predikat"
    );
}

#[test]
fn the_text_report_says_who_keeps_gains_and_loses_with_reasons() {
    p2ham()
        .args(["award", "--lang", "en", "--previous"])
        .arg(awards_2022())
        .args([
            verification("kanim"),
            verification("bapas"),
            verification("lapas"),
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("retained"))
        .stdout(predicate::str::contains("gained"))
        .stdout(predicate::str::contains(
            "lapas-sampit (lost): [total-below-pass-mark] Total 79.58 is below the pass mark 80.",
        ))
        .stdout(predicate::str::contains("Summary per Kanwil"))
        .stdout(predicate::str::contains("Summary per unit kind"));
}

#[test]
fn a_previous_holder_without_a_result_is_not_evaluated_and_an_exclusion_is_recorded() {
    let (kanim, bapas) = (verification("kanim"), verification("bapas"));
    let list = award_json(&[
        "--previous".as_ref(),
        awards_2022().as_os_str(),
        "--exclude".as_ref(),
        "bapas-sampit=sedang dalam pemeriksaan".as_ref(),
        kanim.as_os_str(),
        bapas.as_os_str(),
    ]);
    assert_eq!(
        decisions(&list),
        pairs(&[
            ("bapas-sampit", "excluded"),
            ("kanim-sampit", "retained"),
            ("lapas-sampit", "not_evaluated")
        ])
    );
    assert_eq!(
        unit(&list, "lapas-sampit")["reasons"][0]["code"],
        "no-verified-result"
    );
    assert!(unit(&list, "bapas-sampit")["reasons"][0]["message"]["id"]
        .as_str()
        .unwrap()
        .contains("sedang dalam pemeriksaan"));
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec!["--exclude", "nobody-here=x"],
        vec!["--exclude", "no-reason"],
        vec!["--decree-date", "2023-12-10"],
        vec!["--decree-number", "X", "--decree-date", "10-12-2023"],
    ] {
        p2ham()
            .arg("award")
            .args(&args)
            .arg(verification("kanim"))
            .assert()
            .code(2)
            .stderr(predicate::str::starts_with("error: "));
    }
}

#[test]
fn a_self_assessment_named_as_input_and_two_different_results_for_one_unit_are_refused() {
    p2ham()
        .arg("award")
        .arg(sampit().join("kanim-sampit.self.json"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "kanim-sampit.self.json: stage: a self-assessment",
        ));
    // The same file twice counts once.
    p2ham()
        .arg("award")
        .args([verification("kanim"), verification("kanim")])
        .assert()
        .success();
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("kanim-again.json");
    let text = std::fs::read_to_string(verification("kanim")).unwrap();
    std::fs::write(&copy, text.replace("\"2023-03-", "\"2023-04-")).unwrap();
    p2ham()
        .arg("award")
        .arg(verification("kanim"))
        .arg(&copy)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "unit `kanim-sampit` has two different verified results",
        ))
        .stderr(predicate::str::contains("kanim-again.json"));
}

/// The 2022 list records the immigration office as a detention centre
/// (rudenim): its 2022 predikat was for another kind of unit, so 2023 is a gain.
#[test]
fn a_unit_that_changed_kind_gains_anew_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let prev = dir.path().join("awards-2022.json");
    let text = std::fs::read_to_string(awards_2022()).unwrap();
    std::fs::write(
        &prev,
        text.replace("\"kind\": \"kanim\"", "\"kind\": \"rudenim\""),
    )
    .unwrap();
    let list = award_json(&[
        "--previous".as_ref(),
        prev.as_os_str(),
        verification("kanim").as_os_str(),
    ]);
    let kanim = unit(&list, "kanim-sampit");
    assert_eq!(kanim["decision"], "gained");
    assert_eq!(kanim["notes"][0]["code"], "kind-changed");
}

#[test]
fn a_mismatched_instrument_costs_the_predikat_with_its_reason() {
    let out = p2ham()
        .args([
            "award",
            "--format",
            "json",
            "--instrument",
            "p2ham-2018-kanim",
            "--previous",
        ])
        .arg(awards_2022())
        .arg(verification("kanim"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let kanim = unit(&json(&out), "kanim-sampit").clone();
    assert_eq!(kanim["decision"], "lost");
    assert_eq!(kanim["eligible"], false);
    assert_eq!(kanim["reasons"][0]["code"], "instrument-mismatch");
    assert!(kanim["reasons"][0]["message"]["en"]
        .as_str()
        .unwrap()
        .contains("Verified with instrument p2ham-2022 1.0.0; this period requires p2ham-2018-kanim 1.0.0."));
}

#[test]
fn a_verified_roll_up_and_ndjson_give_the_same_decisions() {
    let dir = tempfile::tempdir().unwrap();
    let rollup = dir.path().join("rollup.json");
    p2ham()
        .args([
            "rollup",
            "--stage",
            "verification",
            "--format",
            "json",
            "--output",
        ])
        .arg(&rollup)
        .arg(sampit())
        .assert()
        .success();
    let list = award_json(&[
        "--previous".as_ref(),
        awards_2022().as_os_str(),
        rollup.as_os_str(),
    ]);
    let expected = pairs(&[
        ("bapas-sampit", "gained"),
        ("kanim-sampit", "retained"),
        ("lapas-sampit", "lost"),
    ]);
    assert_eq!(decisions(&list), expected);
    assert_eq!(unit(&list, "lapas-sampit")["reasons"][0]["code"], "not-eligible");

    let ndjson = dir.path().join("verifications.ndjson");
    let mut lines = String::new();
    for u in ["kanim", "bapas", "lapas"] {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(verification(u)).unwrap()).unwrap();
        lines.push_str(&serde_json::to_string(&v).unwrap());
        lines.push('\n');
    }
    std::fs::write(&ndjson, lines).unwrap();
    let list = award_json(&[
        "--previous".as_ref(),
        awards_2022().as_os_str(),
        ndjson.as_os_str(),
    ]);
    assert_eq!(decisions(&list), expected);
    assert!(unit(&list, "lapas-sampit")["rests_on"][0]["file"]
        .as_str()
        .unwrap()
        .ends_with("verifications.ndjson:3"));
}

#[test]
fn the_output_is_deterministic_and_never_overwrites_an_input() {
    let run = || {
        p2ham()
            .args(["award", "--format", "md", "--previous"])
            .arg(awards_2022())
            .arg(sampit())
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    assert_eq!(run(), run());
    p2ham()
        .args(["award", "--list"])
        .arg(awards_2022())
        .arg("--previous")
        .arg(awards_2022())
        .arg(verification("kanim"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("refusing to overwrite an input file"));
}

/// 2022 (the list: predikat, no total) and 2023 (the verification: 79.58).
#[test]
fn history_shows_a_unit_across_periods() {
    let out = p2ham()
        .args(["history", "--format", "json", "--unit", "lapas-sampit"])
        .arg(awards_2022())
        .arg(verification("lapas"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let h = json(&out);
    assert_eq!(h["format"], "p2ham-history/1");
    assert_eq!(h["periods"], serde_json::json!(["2022", "2023"]));
    let u = &h["units"][0];
    assert_eq!(u["periods"][0]["predikat"], true);
    assert_eq!(u["periods"][1]["total"], "79.58");
    assert_eq!(u["periods"][1]["source"], "verification");
    assert_eq!(u["current_streak"], 0);
    assert_eq!(u["longest_streak"], 1);

    // A 2018 list with the 2018 instrument: the 2022 figures are not compared with it.
    let dir = tempfile::tempdir().unwrap();
    let y2018 = dir.path().join("awards-2018.json");
    let text = std::fs::read_to_string(awards_2022())
        .unwrap()
        .replace("\"period\": \"2022\"", "\"period\": \"2018\"")
        .replace("\"id\": \"p2ham-2022\"", "\"id\": \"p2ham-2018-lapas\"")
        .replace("\"total\": null", "\"total\": \"88.00\"");
    // The Lapas instrument of 2018 is for Lapas, Rutan and LPKA: the list keeps the Lapas only.
    let mut list: Value = serde_json::from_str(&text).unwrap();
    list["units"]
        .as_array_mut()
        .unwrap()
        .retain(|e| e["unit"]["id"] == "lapas-sampit");
    std::fs::write(&y2018, list.to_string()).unwrap();
    p2ham()
        .args(["history", "--lang", "en", "--unit", "lapas-sampit"])
        .arg(&y2018)
        .arg(verification("lapas"))
        .assert()
        .success()
        .stdout(predicate::str::contains("not comparable"))
        .stdout(predicate::str::contains(
            "Instrument changed (p2ham-2018-lapas 1.0.0 in 2018 → p2ham-2022 1.0.0)",
        ));
    p2ham()
        .args(["history", "--unit", "nobody"])
        .arg(awards_2022())
        .assert()
        .code(1);
}

struct Sealed {
    dir: tempfile::TempDir,
}

impl Sealed {
    /// A copy of the Lapas verification and its evidence, sealed with a new key.
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(
            &root().join("fixtures/evidence/lapas-sampit"),
            &dir.path().join("ev"),
        );
        std::fs::copy(verification("lapas"), dir.path().join("v.json")).unwrap();
        p2ham()
            .current_dir(dir.path())
            .args(["seal", "keygen", "--out", "team"])
            .assert()
            .success()
            .stderr(predicate::str::contains("mode 0600"));
        p2ham()
            .current_dir(dir.path())
            .args([
                "seal",
                "sign",
                "v.json",
                "--evidence-root",
                "ev",
                "--key",
                "team",
                "--signer",
                "Woro Sadarini",
            ])
            .assert()
            .success();
        Self { dir }
    }

    fn verify(&self, key: &str) -> assert_cmd::assert::Assert {
        p2ham()
            .current_dir(self.dir.path())
            .args(["seal", "verify", "v.json", "--evidence-root", "ev", "--key", key])
            .assert()
    }
}

#[test]
fn a_seal_verifies_and_the_secret_key_is_private() {
    let s = Sealed::new();
    s.verify("team.pub").success().stdout(predicate::str::contains(
        "valid seal of v.json (unit lapas-sampit, period 2023) by Woro Sadarini",
    ));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(s.dir.path().join("team"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(s.dir.path().join("v.json.seal")).unwrap()).unwrap();
    assert_eq!(manifest["format"], "p2ham-seal/1");
    assert_eq!(
        manifest["signer"]["office"],
        "Kanwil Kemenkumham Kalimantan Tengah"
    );
    assert!(manifest["evidence"].as_array().unwrap().len() > 10);
    // A key is never overwritten.
    p2ham()
        .current_dir(s.dir.path())
        .args(["seal", "keygen", "--out", "team"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("already exists"));
}

#[test]
fn a_swapped_photo_fails_naming_the_file() {
    let s = Sealed::new();
    let photo = s.dir.path().join("ev/verifikasi/maklumat-pelayanan.png");
    std::fs::write(&photo, b"another picture").unwrap();
    s.verify("team.pub")
        .code(1)
        .stdout(predicate::str::contains(
            "ev/verifikasi/maklumat-pelayanan.png: SHA-256 is",
        ))
        .stdout(predicate::str::contains("the file was altered after sealing"))
        .stdout(predicate::str::contains("seal INVALID: 1 problem(s)"));
}

#[test]
fn an_altered_verification_or_seal_and_an_unknown_key_fail() {
    let s = Sealed::new();
    let v = s.dir.path().join("v.json");
    let text = std::fs::read_to_string(&v).unwrap();
    std::fs::write(&v, text.replace("Woro Sadarini", "Woro S.")).unwrap();
    s.verify("team.pub")
        .code(1)
        .stdout(predicate::str::contains("v.json: SHA-256 is"))
        .stdout(predicate::str::contains(
            "the verification was altered after sealing",
        ));
    std::fs::write(&v, text).unwrap();
    let seal = s.dir.path().join("v.json.seal");
    let manifest = std::fs::read_to_string(&seal).unwrap();
    std::fs::write(&seal, manifest.replace("Woro Sadarini", "Someone Else")).unwrap();
    s.verify("team.pub")
        .code(1)
        .stdout(predicate::str::contains("the seal was altered"));
    std::fs::write(&seal, manifest).unwrap();
    p2ham()
        .current_dir(s.dir.path())
        .args(["seal", "keygen", "--out", "other"])
        .assert()
        .success();
    s.verify("other.pub")
        .code(1)
        .stdout(predicate::str::contains("which is not among the keys given"));
    // Either key is accepted when both are given, one --key each.
    p2ham()
        .current_dir(s.dir.path())
        .args([
            "seal",
            "verify",
            "v.json",
            "--evidence-root",
            "ev",
            "--key",
            "other.pub",
            "--key",
            "team.pub",
        ])
        .assert()
        .success();
}

#[test]
fn a_password_protected_key_needs_its_password_file_and_never_prompts() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pw"), "rahasia-kanwil\n").unwrap();
    copy_dir(
        &root().join("fixtures/evidence/kanim-sampit"),
        &dir.path().join("ev"),
    );
    std::fs::copy(verification("kanim"), dir.path().join("v.json")).unwrap();
    p2ham()
        .current_dir(dir.path())
        .args(["seal", "keygen", "--out", "k", "--password-file", "pw"])
        .assert()
        .success()
        .stderr(predicate::str::contains("password-protected"));
    let sign = |extra: &[&str]| {
        p2ham()
            .current_dir(dir.path())
            .args([
                "seal",
                "sign",
                "v.json",
                "--evidence-root",
                "ev",
                "--key",
                "k",
                "--signer",
                "S",
            ])
            .args(extra)
            .write_stdin("")
            .assert()
    };
    sign(&[])
        .code(1)
        .stderr(predicate::str::contains("password-protected"));
    // The public key where the secret key belongs.
    p2ham()
        .current_dir(dir.path())
        .args([
            "seal",
            "sign",
            "v.json",
            "--evidence-root",
            "ev",
            "--key",
            "k.pub",
            "--signer",
            "S",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("k.pub: is a public key"));
    // A password for a key that has none.
    p2ham()
        .current_dir(dir.path())
        .args(["seal", "keygen", "--out", "plain"])
        .assert()
        .success();
    p2ham()
        .current_dir(dir.path())
        .args([
            "seal",
            "sign",
            "v.json",
            "--evidence-root",
            "ev",
            "--key",
            "plain",
            "--signer",
            "S",
        ])
        .args(["--password-file", "pw"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("plain: is not password-protected"));
    std::fs::write(dir.path().join("bad"), "wrong\n").unwrap();
    sign(&["--password-file", "bad"]).code(1);
    sign(&["--password-file", "pw"]).success();
}

#[test]
fn award_requires_seals_from_listed_keys_and_lists_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("v");
    std::fs::create_dir(&v).unwrap();
    for u in ["kanim", "bapas", "lapas"] {
        std::fs::copy(verification(u), v.join(format!("{u}.json"))).unwrap();
        copy_dir(
            &root().join(format!("fixtures/evidence/{u}-sampit")),
            &dir.path().join(format!("ev/{u}-sampit")),
        );
    }
    p2ham()
        .current_dir(dir.path())
        .args(["seal", "keygen", "--out", "team"])
        .assert()
        .success();
    for u in ["kanim", "bapas"] {
        p2ham()
            .current_dir(dir.path())
            .args([
                "seal",
                "sign",
                &format!("v/{u}.json"),
                "--evidence-root",
                &format!("ev/{u}-sampit"),
            ])
            .args(["--key", "team", "--signer", "S"])
            .assert()
            .success();
    }
    let award = || {
        let mut c = p2ham();
        c.current_dir(dir.path()).args([
            "award",
            "--require-seal",
            "team.pub",
            "--evidence-root",
            "ev",
            "v",
        ]);
        c.assert()
    };
    award()
        .code(1)
        .stderr(predicate::str::contains(
            "1 verification(s) without a valid seal from a listed key",
        ))
        .stderr(predicate::str::contains("v/lapas.json: no seal"))
        .stderr(predicate::str::contains(
            "unit lapas-sampit: verification v/lapas.json, seal v/lapas.json.seal:",
        ));
    p2ham()
        .current_dir(dir.path())
        .args([
            "seal",
            "sign",
            "v/lapas.json",
            "--evidence-root",
            "ev/lapas-sampit",
            "--key",
            "team",
        ])
        .args(["--signer", "S"])
        .assert()
        .success();
    award().success();
    std::fs::write(
        dir.path()
            .join("ev/bapas-sampit/verifikasi/maklumat-pelayanan.png"),
        b"x",
    )
    .unwrap();
    award().code(1).stderr(predicate::str::contains(
        "ev/bapas-sampit/verifikasi/maklumat-pelayanan.png: SHA-256 is",
    ));
}

/// The standard minisign tool checks a p2ham seal (CI installs it; set
/// P2HAM_REQUIRE_MINISIGN=1 to fail rather than skip where it is missing).
#[test]
fn the_standard_minisign_tool_verifies_a_seal() {
    let found = std::process::Command::new("minisign").arg("-v").output().is_ok();
    if !found {
        assert!(
            std::env::var("P2HAM_REQUIRE_MINISIGN").is_err(),
            "minisign is not installed but P2HAM_REQUIRE_MINISIGN is set"
        );
        eprintln!("skipped: minisign is not installed");
        return;
    }
    let s = Sealed::new();
    let out = std::process::Command::new("minisign")
        .current_dir(s.dir.path())
        .args(["-Vm", "v.json.seal", "-p", "team.pub"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("p2ham-seal/1 unit:lapas-sampit period:2023"));
}

/// The award report, the annex and the history in every format of the report layer.
#[test]
fn every_format_of_the_award_report_the_annex_and_the_history() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["text", "md", "csv", "html", "xlsx", "json"] {
        let out = dir.path().join(format!("award.{format}"));
        p2ham()
            .args(["award", "--format", format, "-o"])
            .arg(&out)
            .arg("--previous")
            .arg(awards_2022())
            .arg(sampit())
            .assert()
            .success();
        let bytes = std::fs::read(&out).unwrap();
        match format {
            "xlsx" => assert!(bytes.starts_with(b"PK"), "a workbook"),
            "html" => assert!(String::from_utf8(bytes)
                .unwrap()
                .contains("Kantor Imigrasi Kelas II TPI Sampit")),
            "csv" => assert!(String::from_utf8(bytes)
                .unwrap()
                .contains("2023,lapas-sampit,Lapas Kelas IIB Sampit,lapas")),
            _ => assert!(String::from_utf8(bytes).unwrap().contains("lapas-sampit")),
        }
        let annex = dir.path().join(format!("annex.{format}"));
        p2ham()
            .arg("award")
            .arg("--annex")
            .arg(&annex)
            .arg("--previous")
            .arg(awards_2022())
            .arg(sampit())
            .assert()
            .success();
        let bytes = std::fs::read(&annex).unwrap();
        if format == "xlsx" {
            assert!(bytes.starts_with(b"PK"));
        } else {
            let text = String::from_utf8(bytes).unwrap();
            assert!(text.contains("Bapas Kelas II Sampit"), "{format}: {text}");
            assert!(format == "json" || !text.contains("Lapas Kelas IIB"), "{format}");
        }
        let history = dir.path().join(format!("history.{format}"));
        p2ham()
            .args(["history", "--format", format, "-o"])
            .arg(&history)
            .arg(awards_2022())
            .arg(sampit())
            .assert()
            .success();
        assert!(!std::fs::read(&history).unwrap().is_empty());
    }
    p2ham()
        .args(["award", "--format", "xlsx"])
        .arg(verification("kanim"))
        .assert()
        .code(2);
}

#[test]
fn a_bad_previous_list_is_refused_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "\"id\": \"lapas-sampit\"",
            "\"id\": \"Lapas Sampit\"",
            "units[2].unit.id",
        ),
        (
            "\"id\": \"lapas-sampit\"",
            "\"id\": \"kanim-sampit\"",
            "units[2].unit.id: unit `kanim-sampit` is listed twice",
        ),
        ("\"predikat\": true", "\"predicat\": true", "units[1]"),
        ("\"period\": \"2022\"", "\"period\": \"\"", "period: empty"),
    ];
    for (i, (from, to, expected)) in cases.iter().enumerate() {
        let prev = dir.path().join(format!("prev-{i}.json"));
        let text = std::fs::read_to_string(awards_2022()).unwrap();
        std::fs::write(&prev, text.replacen(from, to, 1)).unwrap();
        p2ham()
            .args(["award", "--previous"])
            .arg(&prev)
            .arg(verification("kanim"))
            .assert()
            .code(1)
            .stderr(predicate::str::contains(format!("prev-{i}.json")))
            .stderr(predicate::str::contains(*expected));
    }
}

/// Two outputs of one command naming the same file (under any name) would
/// overwrite each other: a usage error, and nothing is written.
#[test]
fn outputs_that_clobber_each_other_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("sub")).unwrap();
    for (a, b) in [
        (["--list", "x.json"], ["--annex", "x.json"]),
        (["-o", "x.json"], ["--list", "./x.json"]),
        (["--output", "y.md"], ["--annex", "sub/../y.md"]),
    ] {
        p2ham()
            .current_dir(d)
            .arg("award")
            .args(a)
            .args(b)
            .arg(verification("kanim"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains("give each output its own file"));
        assert!(!d.join("x.json").exists() && !d.join("y.md").exists());
    }
    // `-o -` is standard output, not a file.
    p2ham()
        .current_dir(d)
        .args(["award", "-o", "-", "--list", "x2.json"])
        .arg(verification("kanim"))
        .assert()
        .success();

    // A seal written over the public key of the key that signs it.
    let s = Sealed::new();
    let public = std::fs::read(s.dir.path().join("team.pub")).unwrap();
    for output in ["team.pub", "team"] {
        let mut cmd = p2ham();
        cmd.current_dir(s.dir.path()).args([
            "seal",
            "sign",
            "v.json",
            "--evidence-root",
            "ev",
            "--key",
            "team",
            "--signer",
            "Woro Sadarini",
            "-o",
            output,
        ]);
        cmd.assert().code(2);
    }
    assert_eq!(std::fs::read(s.dir.path().join("team.pub")).unwrap(), public);
}

/// An award list is a document like the others: `validate` checks it by its
/// schema (never an array read as an object by position), unit kinds against
/// the instrument each entry names; `award` refuses a previous list of a
/// later period; `history` refuses two lists of one period that disagree.
#[test]
fn award_lists_are_checked_as_documents() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    p2ham()
        .arg("validate")
        .arg(awards_2022())
        .assert()
        .success()
        .stdout(predicate::str::contains("kalteng-2022.json"));
    let out = p2ham()
        .args(["validate", "--format", "json"])
        .arg(awards_2022())
        .assert()
        .success();
    assert_eq!(json(&out.get_output().stdout)["files"][0]["kind"], "awards");

    let good: Value = serde_json::from_slice(&std::fs::read(awards_2022()).unwrap()).unwrap();
    let unit = good["units"][0]["unit"].clone();
    let mut by_position = good.clone();
    by_position["units"][0]["unit"] =
        serde_json::json!([unit["id"], unit["office"], unit["kind"], unit["name"]]);
    let mut unknown_kind = good.clone();
    unknown_kind["units"][0]["unit"]["kind"] = "kapal".into();
    for (name, doc, path) in [
        ("pos.json", &by_position, "units[0].unit"),
        ("kind.json", &unknown_kind, "units[0].unit.kind"),
    ] {
        let file = d.join(name);
        std::fs::write(&file, doc.to_string()).unwrap();
        p2ham()
            .arg("validate")
            .arg(&file)
            .assert()
            .code(1)
            .stdout(predicate::str::contains(path));
        p2ham()
            .args(["award", "--previous"])
            .arg(&file)
            .arg(verification("kanim"))
            .assert()
            .code(1)
            .stderr(predicate::str::contains(path));
    }

    // A previous list of a period after the one decided.
    let mut later = good.clone();
    later["period"] = "2024".into();
    let later_file = d.join("awards-2024.json");
    std::fs::write(&later_file, later.to_string()).unwrap();
    p2ham()
        .args(["award", "--previous"])
        .arg(&later_file)
        .arg(verification("kanim"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is of period `2024`, after `2023`"));

    // Two lists of 2022: the same list twice is fine, a different one is not.
    let copy = d.join("copy.json");
    std::fs::copy(awards_2022(), &copy).unwrap();
    p2ham()
        .arg("history")
        .arg(awards_2022())
        .arg(&copy)
        .assert()
        .success();
    let mut other = good.clone();
    other["units"][0]["predikat"] = (!good["units"][0]["predikat"].as_bool().unwrap()).into();
    let other_file = d.join("other.json");
    std::fs::write(&other_file, other.to_string()).unwrap();
    p2ham()
        .arg("history")
        .arg(awards_2022())
        .arg(&other_file)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("disagrees with"))
        .stderr(predicate::str::contains(format!(
            "unit `{}` differs",
            unit["id"].as_str().unwrap()
        )));
}
