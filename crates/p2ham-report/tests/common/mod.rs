//! Fixtures shared by the report tests: every report, built from the files
//! under `fixtures/` (paths relative to this crate, so reports name them the
//! same on every machine).

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use p2ham_io::scoring::skm::{SkmReport, Weights};
use p2ham_io::scoring::{ComparisonReport, RollupReport, ScoreReport};
use p2ham_io::{
    document::compare_loaded, document::instrument_for, document::load_assessment, document::score_loaded,
    evidence::verify_evidence, evidence::EvidenceReport, rollup::rollup, rollup::RollupInput,
    rollup::RollupOptions, skm::skm_report, skm::SkmReadOptions, validate::validate_files,
    validate::ValidationReport,
};

/// A fixture path.
pub fn fixtures() -> PathBuf {
    PathBuf::from("../../fixtures")
}

/// A fixture path.
pub fn assessment(unit: &str, stage: &str) -> PathBuf {
    fixtures().join(format!("assessments/sampit-2023/{unit}-sampit.{stage}.json"))
}

/// A report built from the fixtures.
pub fn score(unit: &str, stage: &str) -> ScoreReport {
    let a = load_assessment(&assessment(unit, stage)).unwrap();
    let ins = instrument_for(&a, None).unwrap();
    score_loaded(&a, &ins).unwrap()
}

/// A report built from the fixtures.
pub fn compared(unit: &str) -> ComparisonReport {
    let s = load_assessment(&assessment(unit, "self")).unwrap();
    let v = load_assessment(&assessment(unit, "verification")).unwrap();
    let ins = instrument_for(&s, None).unwrap();
    compare_loaded(&s, &v, &ins).unwrap()
}

/// A report built from the fixtures.
pub fn rolled_up() -> RollupReport {
    let dir = fixtures().join("rollup");
    let instrument =
        p2ham_io::document::read_instrument(p2ham_io::Source::file(dir.join("instrument.json"))).unwrap();
    let options = RollupOptions {
        instrument: Some(&instrument),
        ..RollupOptions::default()
    };
    let inputs = vec![RollupInput::Path(dir.join("units.ndjson"))];
    rollup(inputs, &options, &mut ()).unwrap().report
}

/// A report built from the fixtures.
pub fn skm() -> SkmReport {
    let options = SkmReadOptions {
        by: Some("jenis_layanan".into()),
        sheet: None,
    };
    skm_report(
        &fixtures().join("skm/kanim-sampit-2023.csv"),
        &options,
        Weights::Exact,
    )
    .unwrap()
}

/// A report built from the fixtures.
pub fn evidence() -> EvidenceReport {
    let docs = [
        load_assessment(&assessment("lapas", "self")).unwrap(),
        load_assessment(&assessment("lapas", "verification")).unwrap(),
    ];
    verify_evidence(&docs, Path::new("../../fixtures/evidence/lapas-sampit")).unwrap()
}

/// A report built from the fixtures.
pub fn validation() -> ValidationReport {
    validate_files(
        &[
            fixtures().join("bad/assessment-many-problems.json"),
            fixtures().join("instruments/p2ham-2022.json"),
            fixtures().join("bad/syntax-truncated.json"),
        ],
        None,
    )
}
