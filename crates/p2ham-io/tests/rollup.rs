//! The roll-up on small hand-checked inputs (fixtures/rollup).

use std::fmt::Write as _;
use std::path::PathBuf;

use p2ham_io::model::{Decimal, Stage, VulnerableGroup};
use p2ham_io::scoring::{InvalidRecord, RollupReport};
use p2ham_io::{rollup::rollup, rollup::RollupInput, rollup::RollupObserver, rollup::RollupOptions};

fn fixture(p: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(p)
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// Collects what the roll-up reports while it runs.
#[derive(Default)]
struct Seen {
    invalid: Vec<String>,
    started: bool,
    total: Option<u64>,
    bytes: u64,
}

impl RollupObserver for Seen {
    fn start(&mut self, total_bytes: Option<u64>) {
        self.started = true;
        self.total = total_bytes;
    }
    fn progress(&mut self, bytes: u64) {
        self.bytes += bytes;
    }
    fn invalid(&mut self, i: &InvalidRecord) {
        for p in &i.problems {
            let line = i.line.or(p.line).map(|l| format!(":{l}")).unwrap_or_default();
            let path = if p.path.is_empty() {
                String::new()
            } else {
                format!(": {}", p.path)
            };
            self.invalid.push(format!(
                "{}{line}{path}: error[{}]: {}\n",
                i.file, p.code, p.message
            ));
        }
    }
}

fn paths(paths: &[PathBuf]) -> Vec<RollupInput<'static>> {
    paths.iter().cloned().map(RollupInput::Path).collect()
}

fn run_inputs(inputs: Vec<RollupInput>, instrument: Option<&str>) -> (RollupReport, Vec<String>) {
    let instrument =
        instrument.map(|i| p2ham_io::document::read_instrument(p2ham_io::Source::file(i)).unwrap());
    let options = RollupOptions {
        instrument: instrument.as_ref(),
        ..RollupOptions::default()
    };
    let mut seen = Seen::default();
    let outcome = rollup(inputs, &options, &mut seen).unwrap();
    (outcome.report, seen.invalid)
}

fn run(files: &[PathBuf], instrument: Option<&str>) -> (RollupReport, Vec<String>) {
    run_inputs(paths(files), instrument)
}

fn demo() -> (RollupReport, Vec<String>) {
    // Relative paths keep the snapshot independent of the checkout's location.
    let dir = PathBuf::from("../../fixtures/rollup");
    run(
        &[dir.join("units.ndjson")],
        Some("../../fixtures/rollup/instrument.json"),
    )
}

/// fixtures/rollup/units.ndjson against fixtures/rollup/instrument.json
/// (one criterion; A.01 weight 1 [disabilitas], A.02 weight 1 [anak],
/// A.03 weight 2, lapas only; pass mark 75). By hand:
///
/// | line | unit | kind  | office   | total                     | eligible | main gap |
/// | 1    | u1   | kanim | Kanwil A | (1+1)/2 = 100.00          | yes      | —        |
/// | 2    | u2   | kanim | Kanwil A | (0.5+0)/2 = 25.00         | no       | A.02 (50 points vs 25 for A.01) |
/// | 3    | syntax error                                                             |
/// | 4    | u3   | lapas | Kanwil B | (1+1+0.5·2)/4 = 75.00     | yes      | A.03     |
/// | 5    | u4   | lapas | Kanwil B | (0+2)/3 = 66.666… → 66.67 | no       | A.01     |
/// | 6    | blank: skipped, not counted                                              |
/// | 7    | u9: unknown option `mungkin` → invalid                                   |
/// | 8    | u5   | lapas | (none)   | all N/A → no data         | no       | —        |
/// | 9    | u1 again: duplicate of line 1, not counted                               |
/// | 10   | unknown field `extra` → invalid                                          |
///
/// National: 5 units, 4 with a total; eligible 2/5 = 40.00 %;
/// mean (100 + 25 + 75 + 66.67)/4 = 266.67/4 = 66.6675 → 66.67;
/// median of 25, 66.67, 75, 100 = (66.67 + 75)/2 = 70.835 → 70.84;
/// bins [20,30) 1, [60,70) 1, [70,80) 1, [90,100] 1.
/// Kanwil A: 2 units, eligible 1 (50.00 %), mean = median = (100 + 25)/2 = 62.50.
/// Kanwil B: 2 units, eligible 1 (50.00 %), mean = median = 141.67/2 = 70.835 → 70.84.
/// No office: 1 unit, no data, eligible 0.00 %, mean and median null.
/// Gaps: A.01 applies to u1–u4 (u5 N/A), not met by u2 (partial) and u4 → 2/4 = 50.00 %;
/// A.02 applies to u1–u3, not met by u2 → 1/3 = 33.33 %; A.03 applies to u3, u4,
/// not met by u3 → 1/2 = 50.00 %. Order: A.01 (2), A.02 (1), A.03 (1).
/// Groups: disabilitas (A.01) 4 units, all met u1, u3 → 50.00 %;
/// anak (A.02) 3 units, all met u1, u3 → 66.67 %; lanjut usia, wanita hamil: 0 units.
#[test]
fn hand_checked_figures() {
    let (r, seen) = demo();
    assert_eq!(r.format, "p2ham-rollup/1");
    let c = r.records;
    assert_eq!(
        (c.read, c.scored, c.units, c.invalid, c.duplicates),
        (9, 6, 5, 3, 1)
    );

    let n = &r.national;
    assert_eq!((n.units, n.with_total, n.no_data, n.eligible), (5, 4, 1, 2));
    assert_eq!(n.eligible_rate, Some(d("40.00")));
    assert_eq!(n.mean, Some(d("66.67")));
    assert_eq!(n.median, Some(d("70.84")));
    let bins: Vec<u64> = n.bins.iter().map(|b| b.units).collect();
    assert_eq!(bins, [0, 0, 1, 0, 0, 0, 1, 1, 0, 1]);

    let offices: Vec<_> = r
        .offices
        .iter()
        .map(|o| {
            (
                o.office.as_deref(),
                o.summary.units,
                o.summary.eligible_rate,
                o.summary.mean,
                o.summary.median,
            )
        })
        .collect();
    assert_eq!(
        offices,
        [
            (
                Some("Kanwil A"),
                2,
                Some(d("50.00")),
                Some(d("62.50")),
                Some(d("62.50"))
            ),
            (
                Some("Kanwil B"),
                2,
                Some(d("50.00")),
                Some(d("70.84")),
                Some(d("70.84"))
            ),
            (None, 1, Some(d("0.00")), None, None),
        ]
    );

    let ranking: Vec<_> = r
        .units
        .iter()
        .map(|u| {
            (
                u.rank,
                u.unit.as_str(),
                u.total,
                u.eligible,
                u.main_gap.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        ranking,
        [
            (Some(1), "u1", Some(d("100.00")), true, None),
            (Some(2), "u3", Some(d("75.00")), true, Some("A.03")),
            (Some(3), "u4", Some(d("66.67")), false, Some("A.01")),
            (Some(4), "u2", Some(d("25.00")), false, Some("A.02")),
            (None, "u5", None, false, None),
        ]
    );
    assert_eq!(r.units[0].name, "Unit 1", "the first of two duplicates is kept");

    let g = &r.gaps[0];
    assert_eq!((g.instrument.as_str(), g.units), ("rollup-demo", 5));
    let gaps: Vec<_> = g
        .indicators
        .iter()
        .map(|i| (i.indicator.as_str(), i.applies, i.not_met, i.share))
        .collect();
    assert_eq!(
        gaps,
        [
            ("A.01", 4, 2, Some(d("50.00"))),
            ("A.02", 3, 1, Some(d("33.33"))),
            ("A.03", 2, 1, Some(d("50.00"))),
        ]
    );
    let groups: Vec<_> = g
        .groups
        .iter()
        .map(|x| (x.group, x.units, x.all_met, x.share))
        .collect();
    assert_eq!(
        groups,
        [
            (VulnerableGroup::LanjutUsia, 0, 0, None),
            (VulnerableGroup::Anak, 3, 2, Some(d("66.67"))),
            (VulnerableGroup::WanitaHamilMenyusui, 0, 0, None),
            (VulnerableGroup::PenyandangDisabilitas, 4, 2, Some(d("50.00"))),
        ]
    );

    // Duplicates name both places.
    let dup = &r.duplicates[0];
    assert_eq!(
        (dup.unit.as_str(), dup.period.as_str(), dup.stage),
        ("u1", "2024", Stage::SelfAssessment)
    );
    assert_eq!((dup.kept.line, dup.ignored.line), (Some(1), Some(9)));

    // Invalid records: file, line, code and path; reported as they are found.
    let invalid: Vec<_> = r
        .invalid
        .iter()
        .map(|i| (i.line, i.problems[0].code.as_str(), i.problems[0].path.as_str()))
        .collect();
    assert_eq!(
        invalid,
        [
            (Some(3), "syntax", ""),
            (Some(7), "unknown-option", "answers[0].value"),
            (Some(10), "shape", "extra"),
        ]
    );
    assert_eq!(seen.len(), 3);
    assert!(
        seen[1].starts_with("../../fixtures/rollup/units.ndjson:7: answers[0].value: error[unknown-option]")
    );
}

#[test]
fn json_snapshot() {
    let (r, _) = demo();
    let json = serde_json::to_string_pretty(&r).unwrap() + "\n";
    insta::assert_snapshot!("rollup_demo_json", json);
}

/// A folder is read recursively, in name order: documents and NDJSON files;
/// other files are ignored. Self-assessment and verification are different records.
#[test]
fn folder_input_is_recursive() {
    let (r, seen) = run(
        &[fixture("rollup/folder")],
        Some(fixture("rollup/instrument.json").to_str().unwrap()),
    );
    assert!(seen.is_empty(), "{seen:?}");
    let units: Vec<_> = r
        .units
        .iter()
        .map(|u| (u.unit.as_str(), u.stage, u.total))
        .collect();
    assert_eq!(
        units,
        [
            ("f2", Stage::SelfAssessment, Some(d("100.00"))),
            ("f3", Stage::Verification, Some(d("100.00"))),
            ("f1", Stage::SelfAssessment, Some(d("75.00"))),
            ("f3", Stage::SelfAssessment, Some(d("0.00"))),
        ]
    );
    assert!(r
        .units
        .iter()
        .any(|u| u.source.file.ends_with("f2.json") && u.source.line.is_none()));
    assert!(r
        .units
        .iter()
        .any(|u| u.source.file.ends_with("more.ndjson") && u.source.line == Some(2)));
    assert_eq!(r.duplicates.len(), 0);
}

/// The Sampit fixtures: three units, each with a self-assessment and a
/// verification (different records), scored against the built-in they name.
#[test]
fn sampit_folder() {
    let (r, seen) = run(&[fixture("assessments/sampit-2023")], None);
    assert!(seen.is_empty(), "{seen:?}");
    assert_eq!(
        (r.records.units, r.records.duplicates, r.records.invalid),
        (6, 0, 0)
    );
    let totals: Vec<_> = r
        .units
        .iter()
        .map(|u| (u.unit.as_str(), u.stage, u.total.unwrap()))
        .collect();
    // The same figures `p2ham score` gives for each file.
    assert_eq!(
        totals,
        [
            ("lapas-sampit", Stage::SelfAssessment, d("95.77")),
            ("kanim-sampit", Stage::SelfAssessment, d("94.58")),
            ("kanim-sampit", Stage::Verification, d("92.14")),
            ("bapas-sampit", Stage::Verification, d("85.15")),
            ("bapas-sampit", Stage::SelfAssessment, d("83.73")),
            ("lapas-sampit", Stage::Verification, d("79.58")),
        ]
    );
    assert_eq!(r.national.eligible, 5);
    assert_eq!(r.instruments[0].id, "p2ham-2022");
}

/// Without --instrument, an assessment naming an instrument that is not built
/// in is an invalid record; the others are still scored.
#[test]
fn unknown_instrument_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let sampit = std::fs::read_to_string(fixture("assessments/sampit-2023/kanim-sampit.self.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&sampit).unwrap();
    let mut other = v.clone();
    other["instrument"]["id"] = "p2ham-2099".into();
    let file = dir.path().join("mixed.jsonl");
    std::fs::write(&file, format!("{v}\n{other}\n")).unwrap();
    let (r, seen) = run(&[file], None);
    assert_eq!((r.records.units, r.records.invalid), (1, 1));
    assert_eq!(r.invalid[0].line, Some(2));
    assert_eq!(r.invalid[0].problems[0].code, "unknown-instrument");
    assert_eq!(r.invalid[0].problems[0].path, "instrument.id");
    assert!(seen[0].contains(":2: instrument.id: error[unknown-instrument]"));
}

/// A path that does not exist is an invalid record, not the end of the run.
#[test]
fn missing_path_is_reported() {
    let (r, _) = run(
        &[
            fixture("rollup/no-such-file.json"),
            fixture("rollup/folder/f1.json"),
        ],
        Some(fixture("rollup/instrument.json").to_str().unwrap()),
    );
    assert_eq!((r.records.units, r.records.invalid), (1, 1));
    assert_eq!(r.invalid[0].problems[0].code, "read");
}

/// Chunks are scored in parallel but results keep input order: many records
/// (more than one chunk) give the same report as the records one by one.
#[test]
fn order_is_kept_across_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let line = std::fs::read_to_string(fixture("rollup/units.ndjson")).unwrap();
    let first = line.lines().next().unwrap();
    let mut text = String::new();
    for i in 0..5000 {
        text.push_str(&first.replace("\"u1\"", &format!("\"u{i:05}\"")));
        text.push('\n');
    }
    // The last line repeats the first unit: the duplicate must be the later one.
    text.push_str(first.replace("\"u1\"", "\"u00000\"").as_str());
    let file = dir.path().join("many.ndjson");
    std::fs::write(&file, text).unwrap();
    let (r, _) = run(&[file], Some(fixture("rollup/instrument.json").to_str().unwrap()));
    assert_eq!((r.records.units, r.records.duplicates), (5000, 1));
    assert_eq!(
        (r.duplicates[0].kept.line, r.duplicates[0].ignored.line),
        (Some(1), Some(5001))
    );
    assert_eq!(r.units[0].unit, "u00000");
    assert_eq!(r.units[4999].rank, Some(5000));
}

/// The JSON report validates against its published schema.
#[test]
fn report_matches_its_schema() {
    let (r, _) = demo();
    let schema = p2ham_io::schema::schema_kind("rollup").unwrap().schema();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let value: serde_json::Value = serde_json::from_str(&serde_json::to_string_pretty(&r).unwrap()).unwrap();
    let errors: Vec<String> = validator.iter_errors(&value).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
}

/// A `.json` file of NDJSON whose first line is broken is still read line by
/// line: the bad line is reported, the others are scored.
#[test]
fn ndjson_named_json_with_a_broken_first_line() {
    let dir = tempfile::tempdir().unwrap();
    let lines = std::fs::read_to_string(fixture("rollup/units.ndjson")).unwrap();
    let lines: Vec<&str> = lines.lines().collect();
    let file = dir.path().join("national.json");
    std::fs::write(&file, format!("{}\n{}\n{}\n", lines[2], lines[0], lines[1])).unwrap();
    let (r, _) = run(&[file], Some(fixture("rollup/instrument.json").to_str().unwrap()));
    assert_eq!((r.records.units, r.records.invalid), (2, 1));
    assert_eq!(r.invalid[0].line, Some(1));
}

#[test]
fn a_pretty_printed_document_is_one_record_whatever_its_first_line() {
    // `{"format": …,` on the first line, the rest indented: one document, not NDJSON.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("assessments/sampit-2023/kanim-sampit.self.json")).unwrap();
    let squeezed = text.replacen("{\n  \"format\"", "{\"format\"", 1);
    assert!(squeezed
        .lines()
        .next()
        .unwrap()
        .starts_with("{\"format\": \"p2ham-assessment/1\","));
    let file = dir.path().join("kanim.json");
    std::fs::write(&file, squeezed).unwrap();
    let (r, seen) = run(&[file], None);
    assert_eq!(
        (r.records.read, r.records.units, r.records.invalid),
        (1, 1, 0),
        "{seen:?}"
    );
}

#[test]
fn a_byte_order_mark_does_not_hide_ndjson() {
    let dir = tempfile::tempdir().unwrap();
    let lines = std::fs::read_to_string(fixture("rollup/units.ndjson")).unwrap();
    let lines: Vec<&str> = lines.lines().collect();
    let file = dir.path().join("national.json");
    std::fs::write(&file, format!("\u{feff}{}\n{}\n", lines[0], lines[1])).unwrap();
    let (r, seen) = run(&[file], Some(fixture("rollup/instrument.json").to_str().unwrap()));
    assert_eq!((r.records.units, r.records.invalid), (2, 0), "{seen:?}");
}

#[cfg(unix)]
#[test]
fn folders_follow_links_and_an_empty_folder_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let linked = dir.path().join("linked");
    std::fs::create_dir(&linked).unwrap();
    let target = fixture("assessments/sampit-2023/kanim-sampit.self.json")
        .canonicalize()
        .unwrap();
    std::os::unix::fs::symlink(&target, linked.join("kanim.json")).unwrap();
    let (r, _) = run(&[linked], None);
    assert_eq!((r.records.units, r.records.invalid), (1, 0));

    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let (r, seen) = run(&[empty], None);
    assert_eq!(r.records.invalid, 1);
    assert!(seen[0].contains("holds no *.json"), "{seen:?}");
}

#[test]
fn a_stage_filter_keeps_one_stage_and_counts_the_rest() {
    let instrument = None::<p2ham_io::document::LoadedInstrument>;
    let options = RollupOptions {
        instrument: instrument.as_ref(),
        stage: Some(p2ham_io::model::Stage::Verification),
        ..RollupOptions::default()
    };
    let report = rollup(paths(&[fixture("assessments/sampit-2023")]), &options, &mut ())
        .unwrap()
        .report;
    // Three verifications kept, three self-assessments read and skipped.
    assert_eq!(
        (report.records.read, report.records.skipped, report.records.units),
        (6, 3, 3)
    );
    assert!(report
        .units
        .iter()
        .all(|u| u.stage == p2ham_io::model::Stage::Verification));
}

/// A pretty-printed document cut short is one document with one error (line
/// and column), not NDJSON, even when some of its lines are complete objects.
#[test]
fn a_truncated_pretty_printed_document_is_one_error() {
    let dir = tempfile::tempdir().unwrap();
    let doc: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("assessments/sampit-2023/kanim-sampit.self.json")).unwrap(),
    )
    .unwrap();
    // Keys on their own lines, each answer a one-line object.
    let mut text = String::from("{\n");
    for (k, v) in doc.as_object().unwrap() {
        if k != "answers" {
            writeln!(text, "  {}: {v},", serde_json::to_string(k).unwrap()).unwrap();
        }
    }
    text += "  \"answers\": [\n";
    let answers: Vec<String> = doc["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| format!("    {a}"))
        .collect();
    text += &answers[..6].join(",\n");
    text += "\n";
    let lines = text.lines().count();
    let file = dir.path().join("kanim.json");
    std::fs::write(&file, &text).unwrap();
    let (r, seen) = run(&[file], None);
    assert_eq!((r.records.read, r.records.invalid), (1, 1), "{seen:?}");
    let p = &r.invalid[0].problems[0];
    assert_eq!((r.invalid[0].line, p.code.as_str()), (None, "syntax"));
    assert_eq!(p.line, Some(lines as u64));
    assert!(p.column.is_some());
}

/// A stream is read like an NDJSON file; the observer hears of every byte.
#[test]
fn a_reader_is_read_as_ndjson() {
    let bytes = std::fs::read(fixture("rollup/units.ndjson")).unwrap();
    let len = bytes.len() as u64;
    let instrument = p2ham_io::document::read_instrument(p2ham_io::Source::file(
        fixture("rollup/instrument.json").to_str().unwrap(),
    ))
    .unwrap();
    let options = RollupOptions {
        instrument: Some(&instrument),
        ..RollupOptions::default()
    };
    let mut seen = Seen::default();
    let input = RollupInput::Reader {
        name: "upload".into(),
        reader: Box::new(std::io::Cursor::new(bytes)),
    };
    let r = rollup(vec![input], &options, &mut seen).unwrap().report;
    assert_eq!((r.records.units, r.records.invalid), (5, 3));
    assert_eq!(&*r.units[0].source.file, "upload");
    assert!(seen.started);
    assert_eq!(seen.total, None);
    assert_eq!(seen.bytes, len);
    assert_eq!(seen.invalid.len(), 3);
}
