//! End-to-end tests of `p2ham skm` on the real binary.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn p2ham() -> Command {
    let mut cmd = Command::cargo_bin("p2ham").unwrap();
    cmd.current_dir(root());
    cmd
}

fn run(args: &[&str]) -> String {
    let out = p2ham().arg("skm").args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn json(args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&run(args)).unwrap()
}

const CSV: &str = "fixtures/skm/kanim-sampit-2023.csv";

/// 29 respondents; element sums 104, 105, 91, 94, 99, 105, 107, 102, 92 over
/// 29, 29, 29, 28, 29, 29, 29, 29, 27 answers (U4: 1 blank, U9: 2 blanks).
/// Σ NRR = 104/29 + 105/29 + 91/29 + 94/28 + 99/29 + 105/29 + 107/29 + 102/29 + 92/27
///       = 713/29 + 47/14 + 92/27 = 343667/10962 = 31.350757…
/// exact: 25 × 343667/10962 / 9 = 8591675/98658 = 87.0854… → 87.09 (B, Baik)
/// 0,111: 343667/10962 × 2.775 = 12715679/146160 = 86.9983… → 87.00 (B, Baik)
#[test]
fn fixture_reproduces_hand_computation() {
    let v = json(&[CSV]);
    assert_eq!(v["format"], "p2ham-skm/1");
    assert_eq!(v["method"], "permenpanrb-14-2017");
    assert_eq!(v["weights"], "exact");
    assert_eq!(v["respondents"], 29);
    assert_eq!(v["ikm"], "87.09");
    assert_eq!(v["ikm_exact"], "87.08543655861663524498773541");
    assert_eq!(v["mutu"], "B");
    assert_eq!(v["kinerja"], "Baik");
    assert_eq!(v["weakest"], serde_json::json!(["U3"]));
    let nrr: Vec<_> = v["elements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["nrr"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        nrr,
        ["3.5862", "3.6207", "3.1379", "3.3571", "3.4138", "3.6207", "3.6897", "3.5172", "3.4074"]
    );
    assert_eq!(v["elements"][3]["blank"], 1);
    assert_eq!(v["elements"][8]["blank"], 2);

    let v = json(&[CSV, "--weights", "0.111"]);
    assert_eq!(
        (v["ikm"].as_str(), v["mutu"].as_str()),
        (Some("87.00"), Some("B"))
    );
    assert_eq!(v["ikm_exact"], "86.99835112205801860974274767");
    let v = json(&[CSV, "--weights", "0.1111"]);
    assert_eq!(v["ikm"], "87.08");
}

/// The same answers as a semicolon CSV (BOM, CRLF, lower-case headers, one `4,0`)
/// and as an XLSX (title rows above the header, some answers as 3.0) give the same figures.
#[test]
fn semicolon_csv_and_xlsx_agree_with_csv() {
    let base = json(&[CSV]);
    for other in [
        "fixtures/skm/kanim-sampit-2023-semicolon.csv",
        "fixtures/skm/kanim-sampit-2023.xlsx",
    ] {
        let v = json(&[other]);
        for key in [
            "respondents",
            "ikm",
            "ikm_exact",
            "mutu",
            "kinerja",
            "elements",
            "weakest",
        ] {
            assert_eq!(v[key], base[key], "{other}: {key}");
        }
    }
    let v = json(&["fixtures/skm/kanim-sampit-2023.xlsx", "--sheet", "data skm"]);
    assert_eq!(v["source"]["sheet"], "Data SKM");
}

/// Per service type. The 5 `Pengaduan` respondents: exact 88.33 (A), but with
/// 0,111 the index is 88.33… × 0.999 = 88.245 → 88.25 (B).
#[test]
fn by_group() {
    let v = json(&[CSV, "--by", "JENIS_LAYANAN"]);
    assert_eq!(v["by"], "jenis_layanan");
    let groups: Vec<_> = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["value"].as_str().unwrap(),
                g["respondents"].as_u64().unwrap(),
                g["ikm"].as_str().unwrap(),
                g["mutu"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        groups,
        [
            ("Izin Tinggal", 10, "86.82", "B"),
            ("Paspor", 14, "86.86", "B"),
            ("Pengaduan", 5, "88.33", "A")
        ]
    );
    let v = json(&[CSV, "--by", "jenis_layanan", "--weights", "0.111"]);
    assert_eq!(v["groups"][2]["ikm"], "88.25");
    assert_eq!(v["groups"][2]["mutu"], "B");
}

#[test]
fn snapshots() {
    insta::assert_snapshot!("skm_json", run(&[CSV]));
    insta::assert_snapshot!("skm_text_id", run(&[CSV, "--format", "text"]));
    insta::assert_snapshot!(
        "skm_text_en_by",
        run(&[CSV, "--format", "text", "--lang", "en", "--by", "jenis_layanan"])
    );
    insta::assert_snapshot!("skm_md", run(&[CSV, "--format", "md", "--weights", "0.111"]));
    insta::assert_snapshot!("skm_csv", run(&[CSV, "--format", "csv", "--lang", "en"]));
}

#[test]
fn deterministic_and_output_file() {
    assert_eq!(
        run(&[CSV, "--by", "jenis_layanan"]),
        run(&[CSV, "--by", "jenis_layanan"])
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("skm.json");
    let stdout = run(&[CSV, "--output", out.to_str().unwrap()]);
    assert!(stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&out).unwrap(), run(&[CSV]));
    // Never over the input.
    let input = dir.path().join("in.csv");
    std::fs::copy(root().join(CSV), &input).unwrap();
    p2ham()
        .args([
            "skm",
            input.to_str().unwrap(),
            "--output",
            input.to_str().unwrap(),
        ])
        .assert()
        .code(2);
}

#[test]
fn standard_input() {
    let bytes = std::fs::read(root().join(CSV)).unwrap();
    let out = p2ham().args(["skm", "-"]).write_stdin(bytes).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ikm"], "87.09");
    assert_eq!(v["source"]["file"], "-");
}

/// A title line above a `;` header: the separator is the header's.
#[test]
fn title_line_above_semicolon_header() {
    let text = "Survei SKM Kanim Sampit\nno;U1;U2;U3;U4;U5;U6;U7;U8;U9\n1;4;4;4;4;4;4;4;4;4\n";
    let out = p2ham().args(["skm", "-"]).write_stdin(text).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["respondents"].as_u64(), v["ikm"].as_str()),
        (Some(1), Some("100.00"))
    );
}

#[test]
fn bad_files_exit_1_with_precise_errors() {
    let list = std::fs::read_to_string(root().join("fixtures/skm/bad/expected.txt")).unwrap();
    let mut checked = 0;
    for line in list
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let (file, expected) = line.split_once('\t').unwrap();
        let out = p2ham()
            .args(["skm", &format!("fixtures/skm/bad/{file}")])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{file}: {stderr}");
        assert!(
            stderr.contains(expected),
            "{file}: expected `{expected}` in `{stderr}`"
        );
        assert!(out.stdout.is_empty());
        checked += 1;
    }
    assert!(checked >= 17);
    // Every bad file is listed.
    let files = std::fs::read_dir(root().join("fixtures/skm/bad"))
        .unwrap()
        .count();
    assert_eq!(
        files,
        checked + 1,
        "a file in fixtures/skm/bad is missing from expected.txt"
    );
}

#[test]
fn usage_errors_exit_2() {
    p2ham().args(["skm", CSV, "--weights", "0.5"]).assert().code(2);
    p2ham().args(["skm"]).assert().code(2);
    p2ham().args(["skm", CSV, "--by", "umur_x"]).assert().code(1);
    p2ham().args(["skm", "fixtures/skm/missing.csv"]).assert().code(1);
    p2ham()
        .args(["skm", "fixtures/skm/kanim-sampit-2023.xlsx", "--sheet", "Nope"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "no worksheet `Nope` (worksheets: Data SKM, Catatan)",
        ));
}

/// The published schema matches the types.
#[test]
fn schema_file_is_current() {
    let published = std::fs::read_to_string(root().join("docs/schema/skm.schema.json")).unwrap();
    assert_eq!(
        run_schema(),
        published,
        "regenerate: cargo run -p p2ham-cli -- schema skm > docs/schema/skm.schema.json"
    );
}

fn run_schema() -> String {
    let out = p2ham().args(["schema", "skm"]).output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}
