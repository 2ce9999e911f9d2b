//! The operations give the same report whether a document comes from a file,
//! from bytes in memory or from a stream, when the source has the same name.

use std::path::{Path, PathBuf};

use p2ham_io::ops::{self, InstrumentInput, RollupSettings};
use p2ham_io::scoring::skm::Weights;
use p2ham_io::scoring::InvalidRecord;
use p2ham_io::{rollup::RollupObserver, skm::SkmReadOptions, Source};
use serde_json::Value;

fn fixture(rel: &str) -> PathBuf {
    Path::new("../../fixtures").join(rel)
}

fn assessment(unit: &str, stage: &str) -> PathBuf {
    fixture(&format!("assessments/sampit-2023/{unit}-sampit.{stage}.json"))
}

fn json(report: &impl serde::Serialize) -> Value {
    serde_json::to_value(report).unwrap()
}

/// The same document three ways: the file, its bytes, a stream of them; all named by the path.
fn three_ways(path: &Path) -> [Source<'static>; 3] {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).unwrap();
    [
        Source::file(path),
        Source::bytes(name.clone(), bytes.clone()),
        Source::reader(name, std::io::Cursor::new(bytes)),
    ]
}

#[test]
fn score_is_the_same_from_a_file_bytes_or_a_stream() {
    let path = assessment("lapas", "verification");
    let [file, bytes, stream] = three_ways(&path);
    let from_file = ops::score(file, None).unwrap();
    assert_eq!(from_file.document.path.as_deref(), Some(path.as_path()));
    for source in [bytes, stream] {
        let scored = ops::score(source, None).unwrap();
        assert_eq!(json(&scored.report), json(&from_file.report));
        assert_eq!(scored.document.sha256, from_file.document.sha256);
        assert_eq!(scored.document.path, None);
    }
}

#[test]
fn compare_is_the_same_from_files_or_bytes() {
    let (s, v) = (assessment("kanim", "self"), assessment("kanim", "verification"));
    let [s_file, s_bytes, _] = three_ways(&s);
    let [v_file, _, v_stream] = three_ways(&v);
    let from_files = ops::compare(s_file, v_file, None).unwrap();
    let mixed = ops::compare(
        s_bytes,
        v_stream,
        Some(InstrumentInput::Builtin("p2ham-2022".into())),
    )
    .unwrap();
    assert_eq!(json(&mixed.report), json(&from_files.report));
    assert_eq!(mixed.self_assessment.sha256, from_files.self_assessment.sha256);
}

#[test]
fn validate_is_the_same_from_files_or_bytes() {
    let paths = [
        fixture("bad/assessment-many-problems.json"),
        fixture("instruments/p2ham-2022.json"),
        fixture("bad/syntax-truncated.json"),
        assessment("bapas", "self"),
    ];
    let files = ops::validate(paths.iter().map(Source::file).collect(), None);
    let bytes = ops::validate(
        paths
            .iter()
            .map(|p| Source::bytes(p.display().to_string(), std::fs::read(p).unwrap()))
            .collect(),
        None,
    );
    assert_eq!(json(&bytes), json(&files));
    assert!(!files.valid);
    assert_eq!(
        json(&files),
        json(&p2ham_io::validate::validate_files(&paths, None))
    );
}

#[test]
fn validate_reports_an_instrument_that_cannot_be_loaded() {
    let report = ops::validate(
        vec![Source::file(assessment("bapas", "self"))],
        Some(InstrumentInput::Source(Source::bytes(
            "broken.json",
            b"{".as_slice(),
        ))),
    );
    assert!(!report.valid);
    assert_eq!(report.files.len(), 1);
    assert_eq!(report.files[0].file, "broken.json");
    assert_eq!(report.files[0].problems[0].code, "syntax");
}

#[test]
fn an_instrument_from_bytes_is_toml_by_its_name_or_content() {
    let toml = std::fs::read(fixture("instruments-extra/demo.toml")).unwrap();
    let json_bytes = std::fs::read(fixture("instruments-extra/demo.json")).unwrap();
    let by_file =
        p2ham_io::document::read_instrument(Source::file(fixture("instruments-extra/demo.toml"))).unwrap();
    for source in [
        Source::bytes("demo.toml", toml.clone()),
        Source::reader("-", std::io::Cursor::new(toml)),
    ] {
        let loaded = p2ham_io::document::read_instrument(source).unwrap();
        assert_eq!(loaded.sha256, by_file.sha256);
        assert!(loaded.path.is_none());
    }
    // A stream that starts with `{` is JSON.
    let loaded = p2ham_io::document::read_instrument(Source::bytes("-", json_bytes)).unwrap();
    assert_eq!(loaded.checked.instrument().id, "demo-json");
}

#[test]
fn skm_is_the_same_from_a_file_or_bytes() {
    let path = fixture("skm/kanim-sampit-2023.csv");
    let options = SkmReadOptions {
        by: Some("jenis_layanan".into()),
        sheet: None,
    };
    let [file, bytes, _] = three_ways(&path);
    let a = ops::skm(file, &options, Weights::Exact).unwrap();
    let b = ops::skm(bytes, &options, Weights::Exact).unwrap();
    assert_eq!(json(&a), json(&b));
}

#[test]
fn evidence_is_the_same_from_files_or_bytes() {
    let docs = [assessment("lapas", "self"), assessment("lapas", "verification")];
    let root = fixture("evidence/lapas-sampit");
    let files = ops::evidence(docs.iter().map(Source::file).collect(), &root).unwrap();
    let bytes = ops::evidence(
        docs.iter()
            .map(|p| Source::bytes(p.display().to_string(), std::fs::read(p).unwrap()))
            .collect(),
        &root,
    )
    .unwrap();
    assert_eq!(json(&bytes.report), json(&files.report));
    assert_eq!(files.documents.len(), 2);
}

/// What a roll-up told its observer.
#[derive(Default)]
struct Heard {
    started: bool,
    total: Option<u64>,
    bytes: u64,
    invalid: Vec<String>,
}

impl RollupObserver for Heard {
    fn start(&mut self, total_bytes: Option<u64>) {
        self.started = true;
        self.total = total_bytes;
    }
    fn progress(&mut self, bytes: u64) {
        self.bytes += bytes;
    }
    fn invalid(&mut self, record: &InvalidRecord) {
        self.invalid.push(record.file.clone());
    }
}

#[test]
fn rollup_is_the_same_from_a_file_or_bytes_and_tells_its_observer() {
    let path = fixture("rollup/units.ndjson");
    let instrument = fixture("rollup/instrument.json");
    let run = |source: Source<'static>, heard: &mut Heard| {
        ops::rollup(
            vec![source],
            Some(InstrumentInput::Source(Source::file(&instrument))),
            RollupSettings::default(),
            heard,
        )
        .unwrap()
    };
    let [file, bytes, _] = three_ways(&path);
    let mut heard_file = Heard::default();
    let from_file = run(file, &mut heard_file);
    let mut heard_bytes = Heard::default();
    let from_bytes = run(bytes, &mut heard_bytes);
    assert_eq!(json(&from_bytes.report), json(&from_file.report));
    let size = std::fs::metadata(&path).unwrap().len();
    // A file's size is known before the run; a stream's is not.
    assert!(heard_file.started && heard_bytes.started);
    assert_eq!(heard_file.total, Some(size));
    assert_eq!(heard_bytes.total, None);
    assert_eq!(heard_file.bytes, size);
    assert_eq!(heard_bytes.bytes, size);
    assert_eq!(from_file.read.len(), 1);
    assert!(from_bytes.read.is_empty());

    // An invalid record is reported to the observer, named by its source.
    let mut heard = Heard::default();
    let bad = ops::rollup(
        vec![Source::bytes("upload", b"{\"format\": 1}\n".as_slice())],
        None,
        RollupSettings::default(),
        &mut heard,
    )
    .unwrap();
    assert_eq!(bad.report.records.invalid, 1);
    assert_eq!(heard.invalid, ["upload"]);
}

#[test]
fn history_is_the_same_from_files_and_a_folder_or_bytes() {
    let awards = fixture("awards/kalteng-2022.json");
    let folder = fixture("assessments/sampit-2023");
    let from_files = ops::history(vec![Source::file(&awards), Source::file(&folder)], None, None).unwrap();
    let mut sources = vec![Source::bytes(
        awards.display().to_string(),
        std::fs::read(&awards).unwrap(),
    )];
    for unit in ["bapas", "kanim", "lapas"] {
        let path = assessment(unit, "verification");
        sources.push(Source::bytes(
            path.display().to_string(),
            std::fs::read(&path).unwrap(),
        ));
    }
    let from_bytes = ops::history(sources, None, None).unwrap();
    assert_eq!(json(&from_bytes), json(&from_files));
    assert!(!from_files.units.is_empty());
}

/// `ops::award` reads the verifications (a folder's self-assessments left
/// out), decides against the previous list exactly as `decide` does on the
/// results, and refuses every verification without a seal when seals are
/// required, naming each with the seal looked for.
#[test]
fn award_decides_as_decide_does_and_refuses_unsealed_verifications() {
    let previous =
        p2ham_io::award::read_award_list(Source::file(fixture("awards/kalteng-2022.json"))).unwrap();
    let options = p2ham_io::scoring::AwardOptions {
        period: Some("2023".into()),
        ..Default::default()
    };
    let round = ops::AwardRound {
        options: options.clone(),
        previous: Some(&previous),
        ..ops::AwardRound::default()
    };
    let folder = fixture("assessments/sampit-2023");
    let awarded = ops::award(vec![Source::file(&folder)], None, &round).unwrap();
    // Three units, each with a self-assessment and a verification in the folder.
    assert_eq!(awarded.skipped_self.len(), 3);
    assert_eq!(awarded.list.units.len(), 3);

    let read = p2ham_io::award::read_verified_sources(vec![Source::file(&folder)], None).unwrap();
    let results: Vec<_> = read.results.into_iter().map(|v| v.result).collect();
    let by_hand = p2ham_io::scoring::decide(&results, Some(&previous), &options).unwrap();
    assert_eq!(json(&awarded.list), json(&by_hand));

    // Seals required, none present: all three refused, none decided.
    let dir = tempfile::tempdir().unwrap();
    let key = p2ham_io::seal::keygen(&dir.path().join("kalteng"), None, "test").unwrap();
    let keys = p2ham_io::seal::load_public_keys(&[key.public]).unwrap();
    let sealed = ops::AwardRound {
        require_seal: &keys,
        ..round
    };
    let err = ops::award(vec![Source::file(&folder)], None, &sealed).unwrap_err();
    let ops::AwardFailure::Unsealed(refused) = &err else {
        panic!("expected unsealed verifications, got {err}")
    };
    let units: Vec<&str> = refused.iter().map(|u| u.unit.as_str()).collect();
    assert_eq!(units, ["bapas-sampit", "kanim-sampit", "lapas-sampit"]);
    for u in refused {
        let seal = u.seal.as_ref().unwrap();
        assert!(
            seal.to_string_lossy().ends_with(".verification.json.seal"),
            "{seal:?}"
        );
        assert!(!u.problems.is_empty());
    }
    assert!(err
        .to_string()
        .starts_with("3 verification(s) without a valid seal from a listed key:"));
}

/// `ops::import` reads a filled checklist against the built-in its meta sheet names.
#[test]
fn import_reads_a_checklist_against_the_builtin_it_names() {
    let csv = fixture("checklists/kanim-sampit.verification.csv");
    // The fixture leaves some indicators unanswered.
    let partial = p2ham_io::checklist::ImportOptions { allow_missing: true };
    let imported = ops::import(Source::file(&csv), None, &partial).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(imported.instrument.source, "builtin:p2ham-2022");
    assert_eq!(imported.assessment.instrument.id, "p2ham-2022");
    assert_eq!(imported.assessment.unit.id, "kanim-sampit");
    assert_eq!(imported.assessment.stage, p2ham_io::model::Stage::Verification);

    // An instrument asked for by an unknown id is an error listing the built-ins.
    let err = ops::import(
        Source::file(&csv),
        Some(InstrumentInput::Builtin("p2ham-1999".into())),
        &partial,
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            ops::ImportFailure::Io(p2ham_io::IoError::UnknownInstrument { .. })
        ),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("p2ham-2018-kanim, p2ham-2018-lapas, p2ham-2022"),
        "{err}"
    );

    // Without `allow_missing`, every unanswered cell is a checklist problem.
    let err = ops::import(
        Source::file(&csv),
        None,
        &p2ham_io::checklist::ImportOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(err, ops::ImportFailure::Checklist(_)), "{err}");
    assert!(err.to_string().contains("indicator D.05 has no answer"), "{err}");
}
