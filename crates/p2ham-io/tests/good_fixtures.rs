//! Every good fixture validates, and decimals are read exactly from JSON
//! numbers, JSON strings and TOML floats alike.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use p2ham_io::model::Decimal;
use p2ham_io::{document::parse_instrument, validate::validate_files, BUILTINS};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn good_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in [
        "fixtures/instruments",
        "fixtures/instruments-extra",
        "fixtures/assessments/sampit-2023",
    ] {
        for e in std::fs::read_dir(root().join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "json" || x == "toml") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_good_fixture_validates() {
    let files = good_files();
    assert!(files.len() >= 11, "{files:?}");
    let report = validate_files(&files, None);
    assert!(report.valid, "{report:#?}");
    assert!(report
        .files
        .iter()
        .all(|f| f.problems.is_empty() && f.sha256.is_some()));
}

#[test]
fn builtins_are_the_files_under_fixtures_instruments() {
    for b in BUILTINS {
        let path = root().join(format!("fixtures/instruments/{}.json", b.id));
        assert_eq!(std::fs::read_to_string(path).unwrap(), b.source, "{}", b.id);
        let loaded = p2ham_io::builtin(b.id).unwrap().clone();
        assert_eq!(loaded.checked.instrument().id, b.id);
        assert_eq!(loaded.source, format!("builtin:{}", b.id));
    }
}

fn weight_of(ins: &p2ham_io::model::Instrument, indicator: &str) -> Decimal {
    ins.indicators()
        .find(|(_, i)| i.id == indicator)
        .map(|(_, i)| i.weight)
        .unwrap()
}

#[test]
fn a_toml_float_is_read_exactly() {
    let path = root().join("fixtures/instruments-extra/demo.toml");
    let loaded = p2ham_io::document::read_instrument(p2ham_io::Source::file(path.to_str().unwrap())).unwrap();
    let ins = loaded.checked.instrument();
    let third = Decimal::from_str("0.3333333333333333333").unwrap();
    assert_eq!(weight_of(ins, "A.01"), third);
    assert_eq!(weight_of(ins, "A.01").to_string(), "0.3333333333333333333");
    // Through f64 it would have become 0.3333333333333333 (16 digits).
    assert_ne!(
        weight_of(ins, "A.01"),
        Decimal::from_str("0.3333333333333333").unwrap()
    );
    assert_eq!(weight_of(ins, "A.02").to_string(), "0.6666666666666666667");
    assert_eq!(
        weight_of(ins, "B.02"),
        Decimal::from(1000),
        "`1_000` is an integer"
    );
    assert_eq!(ins.award.min_total.to_string(), "75.5");
    assert_eq!(ins.award.min_criterion, Some(Decimal::from(50)));
    assert_eq!(ins.scales[0].options[1].value.to_string(), "0.5");
}

#[test]
fn a_json_number_is_read_exactly() {
    let path = root().join("fixtures/instruments-extra/demo.json");
    let loaded = p2ham_io::document::read_instrument(p2ham_io::Source::file(path.to_str().unwrap())).unwrap();
    let ins = loaded.checked.instrument();
    assert_eq!(weight_of(ins, "A.01").to_string(), "0.3333333333333333333");
    assert_eq!(weight_of(ins, "A.02").to_string(), "0.6666666666666666667");
    assert_eq!(ins.criteria[0].weight.to_string(), "0.1");
    assert_eq!(ins.award.min_total, Decimal::from(80));
}

#[test]
fn numbers_and_strings_and_toml_agree() {
    let doc = |weight: &str| {
        format!(
            r#"{{"format": "p2ham-instrument/1", "id": "d", "version": "1", "title": {{"id": "D"}},
                "unit_kinds": ["kanim"],
                "scales": [{{"id": "s", "options": [{{"code": "ya", "label": {{"id": "Ya"}}, "value": 1}}]}}],
                "criteria": [{{"id": "A", "title": {{"id": "A"}}, "weight": 1, "indicators": [
                  {{"id": "A.01", "title": {{"id": "A1"}}, "scale": "s", "weight": {weight}}}]}}],
                "award": {{"min_total": 80}}}}"#
        )
    };
    for digits in ["0.3333333333333333333", "12345678901234567.89", "0.1", "7"] {
        let from_number = parse_instrument("n.json", doc(digits).as_bytes(), false).unwrap();
        let from_string =
            parse_instrument("s.json", doc(&format!("\"{digits}\"")).as_bytes(), false).unwrap();
        let toml = format!(
            "format = \"p2ham-instrument/1\"\nid = \"d\"\nversion = \"1\"\nunit_kinds = [\"kanim\"]\n\
             title = {{ id = \"D\" }}\naward = {{ min_total = 80 }}\n\
             [[scales]]\nid = \"s\"\noptions = [{{ code = \"ya\", label = {{ id = \"Ya\" }}, value = 1 }}]\n\
             [[criteria]]\nid = \"A\"\ntitle = {{ id = \"A\" }}\nweight = 1\n\
             [[criteria.indicators]]\nid = \"A.01\"\ntitle = {{ id = \"A1\" }}\nscale = \"s\"\nweight = {digits}\n"
        );
        let from_toml = parse_instrument("t.toml", toml.as_bytes(), true).unwrap();
        let want = Decimal::from_str(digits).unwrap();
        assert_eq!(weight_of(&from_number, "A.01"), want, "{digits} as a JSON number");
        assert_eq!(weight_of(&from_string, "A.01"), want, "{digits} as a JSON string");
        assert_eq!(weight_of(&from_toml, "A.01"), want, "{digits} as a TOML float");
    }
}

#[test]
fn a_toml_instrument_checks_an_assessment() {
    let path = root().join("fixtures/instruments-extra/demo.toml");
    let ins = p2ham_io::document::read_instrument(p2ham_io::Source::file(path.to_str().unwrap())).unwrap();
    let dir = std::env::temp_dir().join(format!("p2ham-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("unit.json");
    std::fs::write(
        &file,
        r#"{"format": "p2ham-assessment/1", "instrument": {"id": "demo-toml", "version": "1.0.0"},
            "unit": {"id": "kanim-x", "name": "Kanim X", "kind": "kanim"}, "period": "2024", "stage": "self",
            "answers": [{"indicator": "A.01", "value": "ada"}, {"indicator": "B.01", "value": "ada"}]}"#,
    )
    .unwrap();
    let report = validate_files(std::slice::from_ref(&file), Some(&ins));
    std::fs::remove_dir_all(&dir).unwrap();
    let problems = &report.files[0].problems;
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].code, "indicator-not-applicable");
    assert_eq!(problems[0].path, "answers[1].indicator");
}
