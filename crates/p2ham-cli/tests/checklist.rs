//! End to end: `p2ham template` and `p2ham import` on the real binary.

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

fn p2ham() -> Command {
    Command::cargo_bin("p2ham").unwrap()
}

fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).unwrap()
}

#[test]
fn a_filled_template_imports_back_to_the_same_assessment_and_score() {
    let dir = tempfile::tempdir().unwrap();
    for (ext, lang) in [("xlsx", "id"), ("csv", "en")] {
        let sheet = dir.path().join(format!("bapas.{ext}"));
        p2ham()
            .args([
                "template",
                "p2ham-2022",
                "--kind",
                "bapas",
                "--lang",
                lang,
                "--fill",
            ])
            .arg(fixture("bapas", "verification"))
            .arg("--from")
            .arg(fixture("bapas", "self"))
            .arg("-o")
            .arg(&sheet)
            .assert()
            .success()
            .stdout("");
        let out = dir.path().join(format!("bapas-{ext}.json"));
        p2ham()
            .arg("import")
            .arg(&sheet)
            .arg("-o")
            .arg(&out)
            .assert()
            .success();
        let original = std::fs::read(fixture("bapas", "verification")).unwrap();
        let imported = std::fs::read(&out).unwrap();
        assert_eq!(json(&imported), json(&original), "{ext}");
        // Byte for byte as the project writes documents.
        assert_eq!(
            String::from_utf8(imported).unwrap().trim_end(),
            String::from_utf8(original).unwrap().trim_end(),
            "{ext}"
        );
        let score = |f: &Path| {
            p2ham()
                .args(["score", "--format", "json"])
                .arg(f)
                .output()
                .unwrap()
                .stdout
        };
        let (a, b) = (
            json(&score(&out)),
            json(&score(&fixture("bapas", "verification"))),
        );
        assert_eq!(a["total"], b["total"]);
        assert_eq!(a["criteria"], b["criteria"]);
    }
}

#[test]
fn import_reports_every_mistake_by_cell_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("lapas.csv");
    p2ham()
        .args(["template", "p2ham-2022", "--kind", "lapas", "--fill"])
        .arg(fixture("lapas", "self"))
        .arg("-o")
        .arg(&sheet)
        .assert()
        .success();
    let text = std::fs::read_to_string(&sheet).unwrap();
    let row = "A.01,Maklumat pelayanan,1,Ada,";
    assert!(text.contains(row));
    let bad = text.replacen(row, "A.01,Maklumat pelayanan,1,Adaa,", 1);
    std::fs::write(&sheet, bad).unwrap();
    p2ham()
        .arg("import")
        .arg(&sheet)
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(
            "lapas.csv!D17: error[unknown-label]: `Adaa` is not an answer to A.01; expected one of: Ada, Proses, Tidak",
        ));
}

#[test]
fn an_unanswered_indicator_needs_allow_missing() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("kanim.xlsx");
    p2ham()
        .args([
            "template",
            "p2ham-2022",
            "--kind",
            "kanim",
            "--stage",
            "verification",
            "--fill",
        ])
        .arg(fixture("kanim", "verification"))
        .arg("-o")
        .arg(&sheet)
        .assert()
        .success();
    p2ham()
        .arg("import")
        .arg(&sheet)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("Kriteria D!D9: error[missing-answer]"));
    let out = p2ham()
        .args(["import", "--allow-missing"])
        .arg(&sheet)
        .assert()
        .success();
    let original = std::fs::read(fixture("kanim", "verification")).unwrap();
    assert_eq!(json(&out.get_output().stdout), json(&original));
}

#[test]
fn import_with_another_instrument_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("kanim.xlsx");
    p2ham()
        .args(["template", "p2ham-2018-kanim", "--kind", "kanim", "-o"])
        .arg(&sheet)
        .assert()
        .success();
    p2ham()
        .args(["import", "--instrument", "p2ham-2022"])
        .arg(&sheet)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("[instrument-mismatch]"));
    // Blank, it has no unit, period or answers: every one is reported.
    p2ham()
        .arg("import")
        .arg(&sheet)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("Sampul!B5: error[required]"))
        .stderr(predicate::str::contains("error[missing-answer]"));
}

#[test]
fn template_usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.xlsx");
    p2ham()
        .args(["template", "p2ham-2022", "--kind", "kapal", "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unit kind `kapal`"));
    p2ham()
        .args(["template", "p2ham-2022", "--kind", "lapas", "-o"])
        .arg(dir.path().join("x.pdf"))
        .assert()
        .code(2);
    p2ham()
        .args([
            "template",
            "p2ham-2022",
            "--kind",
            "lapas",
            "--stage",
            "self",
            "--from",
        ])
        .arg(fixture("lapas", "self"))
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--from"));
    // A verification is no self-assessment to verify.
    p2ham()
        .args(["template", "p2ham-2022", "--kind", "lapas", "--from"])
        .arg(fixture("lapas", "verification"))
        .arg("-o")
        .arg(&out)
        .assert()
        .code(1);
    assert!(!out.exists());
    // Never over an input.
    let input = dir.path().join("self.csv");
    std::fs::copy(fixture("lapas", "self"), &input).unwrap();
    p2ham()
        .args(["template", "p2ham-2022", "--kind", "lapas", "--fill"])
        .arg(&input)
        .arg("-o")
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("refusing to overwrite"));
}

/// A checklist of a few KiB whose shared strings inflate to 20 MiB is refused
/// with exit 1, naming the part, before the spreadsheet is read.
#[test]
fn a_checklist_that_inflates_past_its_bound_is_refused_by_part() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("kanim.xlsx");
    p2ham()
        .args(["template", "p2ham-2022", "--kind", "kanim", "-o"])
        .arg(&sheet)
        .assert()
        .success();
    let bytes = std::fs::read(&sheet).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for k in 0..archive.len() {
        let mut part = archive.by_index(k).unwrap();
        let name = part.name().unwrap().into_owned();
        let mut data = Vec::new();
        part.read_to_end(&mut data).unwrap();
        if name == "xl/sharedStrings.xml" {
            let end = data.len() - "</sst>".len();
            data.truncate(end);
            data.extend_from_slice(b"<si><t>");
            data.resize(data.len() + (20 << 20), b' ');
            data.extend_from_slice(b"</t></si></sst>");
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    let bomb = dir.path().join("bomb.xlsx");
    std::fs::write(&bomb, out.finish().unwrap().into_inner()).unwrap();
    p2ham()
        .arg("import")
        .arg(&bomb)
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(
            "bomb.xlsx: part `xl/sharedStrings.xml`: inflates to more than 16 MiB (the limit of one part)",
        ));
}

/// The CSV checklist follows the rule of every CSV the project writes: no
/// cell opens as a formula in a spreadsheet program (unit name, office,
/// assessors, notes, captions), and the import gives the exact text back.
#[test]
fn a_csv_checklist_opens_no_formula_and_imports_the_exact_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture("lapas", "self")).unwrap()).unwrap();
    let hostile = [
        "=HYPERLINK(\"http://example.invalid\";\"x\")",
        "=DDE(\"cmd\";\"/c calc\";\"x\")",
        "@SUM(1+1)",
        "+1+1",
        "-1+1",
        "'=1+1",
    ];
    doc["unit"]["name"] = hostile[0].into();
    doc["unit"]["office"] = hostile[1].into();
    doc["assessors"][0]["name"] = hostile[2].into();
    doc["answers"][0]["note"] = hostile[3].into();
    doc["answers"][0]["evidence"][0]["caption"] = hostile[4].into();
    doc["answers"][1]["note"] = hostile[5].into();
    let self_file = dir.path().join("lapas.self.json");
    std::fs::write(&self_file, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    let sheet = dir.path().join("lapas.csv");
    p2ham()
        .args(["template", "p2ham-2022", "--kind", "lapas", "--fill"])
        .arg(&self_file)
        .arg("-o")
        .arg(&sheet)
        .assert()
        .success();
    let bytes = std::fs::read(&sheet).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes.as_slice());
    for record in reader.records() {
        for cell in &record.unwrap() {
            let opens = cell.starts_with(['=', '+', '@', '\t', '\r'])
                || (cell.starts_with('-') && cell.parse::<f64>().is_err());
            assert!(!opens, "a cell opens as a formula: {cell:?}");
        }
    }
    let back = dir.path().join("back.json");
    p2ham()
        .arg("import")
        .arg(&sheet)
        .arg("-o")
        .arg(&back)
        .assert()
        .success();
    assert_eq!(json(&std::fs::read(&back).unwrap()), doc);
}

#[test]
fn template_refuses_a_unit_id_outside_the_grammar() {
    let dir = tempfile::tempdir().unwrap();
    for id in ["=1+1", "Kanim Sampit", "", "kanim\u{1b}[31m"] {
        p2ham()
            .args(["template", "p2ham-2022", "--kind", "kanim", "--unit-id", id, "-o"])
            .arg(dir.path().join("x.csv"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains("is not a unit id"))
            .stderr(predicate::str::contains("\u{1b}").not());
        assert!(!dir.path().join("x.csv").exists());
    }
}

/// A template made from one unit's self-assessment is that unit's: another
/// `--unit-id` is refused.
#[test]
fn template_from_one_unit_for_another_unit_id_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("v.xlsx");
    p2ham()
        .args([
            "template",
            "p2ham-2022",
            "--kind",
            "lapas",
            "--unit-id",
            "lapas-palangkaraya",
            "--from",
        ])
        .arg(fixture("lapas", "self"))
        .arg("-o")
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "is the self-assessment of unit `lapas-sampit`, not of unit `lapas-palangkaraya`",
        ));
    assert!(!out.exists());
    p2ham()
        .args([
            "template",
            "p2ham-2022",
            "--kind",
            "lapas",
            "--unit-id",
            "lapas-sampit",
            "--from",
        ])
        .arg(fixture("lapas", "self"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
}
