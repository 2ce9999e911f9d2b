//! The fast path never changes what the roll-up says: every record, valid or
//! broken in any of many ways, gives the same outcome on both paths.

use proptest::prelude::*;
use serde_json::Value;

use super::*;

fn fixture(p: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(p)
}

/// Valid documents, one per line, with the instrument to use (`None`: built-ins).
fn bases() -> Vec<(Option<LoadedInstrument>, Value)> {
    let mut out = Vec::new();
    let demo = crate::document::read_instrument(crate::Source::file(
        fixture("rollup/instrument.json").to_str().unwrap(),
    ))
    .unwrap();
    for line in std::fs::read_to_string(fixture("rollup/units.ndjson"))
        .unwrap()
        .lines()
    {
        if let Ok(v) = serde_json::from_str::<Value>(line) {
            out.push((Some(demo.clone()), v));
        }
    }
    let dir = fixture("assessments/sampit-2023");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "json"))
    {
        let v: Value = serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap();
        out.push((None, v));
    }
    out
}

/// Both outcomes of one record, as text.
fn both(instrument: Option<&LoadedInstrument>, line: &[u8], stage: Option<Stage>) -> (String, String) {
    let instruments = Instruments::new(instrument).unwrap();
    let chunk = Chunk {
        data: line.to_vec(),
        filled: line.len(),
        items: vec![Item {
            file: 0,
            line: Some(1),
            span: 0..line.len(),
            error: None,
        }],
        files: vec![Arc::from("t.ndjson")],
        bytes: 0,
    };
    let show = |o: Outcome| match o {
        Outcome::Unit(u) => format!("{u:?}"),
        Outcome::Invalid(i) => format!("{i:?}"),
        Outcome::Skipped => "skipped".to_owned(),
    };
    (
        show(process_with(&chunk, &chunk.items[0], &instruments, stage, true)),
        show(process_with(&chunk, &chunk.items[0], &instruments, stage, false)),
    )
}

/// Every place in a document: object members and array elements.
fn places(v: &Value, at: &mut Vec<Vec<PathStep>>, here: &mut Vec<PathStep>) {
    match v {
        Value::Object(m) => {
            at.push(here.clone());
            for (k, x) in m {
                here.push(PathStep::Key(k.clone()));
                at.push(here.clone());
                places(x, at, here);
                here.pop();
            }
        }
        Value::Array(a) => {
            at.push(here.clone());
            for (i, x) in a.iter().enumerate() {
                here.push(PathStep::Index(i));
                at.push(here.clone());
                places(x, at, here);
                here.pop();
            }
        }
        _ => {}
    }
}

#[derive(Debug, Clone)]
enum PathStep {
    Key(String),
    Index(usize),
}

fn get_mut<'v>(v: &'v mut Value, path: &[PathStep]) -> Option<&'v mut Value> {
    path.iter().try_fold(v, |v, s| match s {
        PathStep::Key(k) => v.get_mut(k.as_str()),
        PathStep::Index(i) => v.get_mut(*i),
    })
}

/// Replacement values that break (or keep) a document in typical ways.
fn replacement(k: u8) -> Value {
    match k % 16 {
        0 => Value::Null,
        1 => Value::String(String::new()),
        2 => Value::String("  ".into()),
        3 => serde_json::json!(7),
        4 => serde_json::json!([]),
        5 => serde_json::json!({}),
        6 => Value::String("A.01".into()),
        7 => Value::String("ada".into()),
        8 => Value::String("tidak".into()),
        9 => Value::String("sha256:0123".into()),
        10 => Value::String("2024-02-30".into()),
        11 => Value::String("../x.jpg".into()),
        12 => Value::String("lapas".into()),
        13 => Value::String("self".into()),
        14 => Value::String("verification".into()),
        _ => Value::String("proses".into()),
    }
}

/// Apply one mutation at a place.
fn mutate(doc: &mut Value, path: &[PathStep], how: u8, k: u8) {
    let Some((last, parent_path)) = path.split_last() else {
        if let Value::Object(m) = doc {
            m.insert("extra".into(), Value::Null);
        }
        return;
    };
    let Some(parent) = get_mut(doc, parent_path) else {
        return;
    };
    match (how % 4, parent, last) {
        (0, Value::Object(m), PathStep::Key(key)) => {
            m.remove(key);
        }
        (0, Value::Array(a), PathStep::Index(i)) => {
            a.remove(*i);
        }
        (1, Value::Array(a), PathStep::Index(i)) => {
            let x = a[*i].clone();
            a.push(x);
        }
        (1, Value::Object(m), PathStep::Key(key)) => {
            // Move the member to the end (member order matters to the fast path).
            if let Some(x) = m.remove(key) {
                m.insert(key.clone(), x);
            }
        }
        (2, Value::Object(m), _) => {
            m.insert(
                if k.is_multiple_of(2) {
                    "extra"
                } else {
                    "not_applicable"
                }
                .into(),
                replacement(k),
            );
        }
        (_, parent, last) => {
            let slot = match (parent, last) {
                (Value::Object(m), PathStep::Key(key)) => m.get_mut(key),
                (Value::Array(a), PathStep::Index(i)) => a.get_mut(*i),
                _ => None,
            };
            if let Some(slot) = slot {
                *slot = replacement(k);
            }
        }
    }
}

#[test]
fn every_valid_base_takes_the_fast_path() {
    for (instrument, doc) in bases() {
        let line = serde_json::to_vec(&doc).unwrap();
        let instruments = Instruments::new(instrument.as_ref()).unwrap();
        let full = both(instrument.as_ref(), &line, None);
        assert_eq!(full.0, full.1);
        if full.1.starts_with("UnitRecord") {
            assert!(lean::read(&line, &instruments).is_some(), "{doc}");
        }
    }
}

#[test]
fn text_forms_the_fast_path_must_treat_like_the_full_one() {
    let (instrument, doc) = bases().remove(0);
    let line = serde_json::to_string(&doc).unwrap();
    let variants = [
        // A duplicate member, escapes, an array for an object, trailing text.
        line.replacen("{\"format\"", "{\"period\":\"2024\",\"format\"", 1),
        line.replace("\"Unit 1\"", "\"Unit\\u0020\\\"1\\\"\""),
        line.replace("\"stage\"", "\"st\\u0061ge\""),
        line.replace(
            "{\"id\":\"u1\",\"name\":\"Unit 1\",\"kind\":\"kanim\",\"office\":\"Kanwil A\"}",
            "[\"u1\",\"Unit 1\",\"kanim\",\"Kanwil A\"]",
        ),
        format!("{line} {{}}"),
        format!("{line}x"),
        line.replace("\"ada\"", "\"ada\",\"value\":\"ada\""),
        line.replace(
            "\"answers\"",
            "\"assessors\":[{\"name\":\"A\",\"role\":\"r\"}],\"answers\"",
        ),
        line.replace(
            "\"answers\"",
            "\"assessors\":[{\"name\":\" \",\"role\":\"r\"}],\"answers\"",
        ),
        line.replace("\"answers\"", "\"assessors\":null,\"answers\""),
        line.replace(
            "\"answers\"",
            "\"verifies\":null,\"assessed_on\":null,\"answers\"",
        ),
    ];
    for v in &variants {
        let (fast, full) = both(instrument.as_ref(), v.as_bytes(), None);
        assert_eq!(fast, full, "{v}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn both_paths_agree_on_broken_records(
        base in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), any::<u8>()), 1..4),
        stage in prop::option::of(prop::bool::ANY),
    ) {
        let bases = bases();
        let (instrument, mut doc) = bases[base.index(bases.len())].clone();
        for (place, how, k) in edits {
            let mut at = Vec::new();
            places(&doc, &mut at, &mut Vec::new());
            let path = at[place.index(at.len())].clone();
            mutate(&mut doc, &path, how, k);
        }
        let line = serde_json::to_vec(&doc).unwrap();
        let stage = stage.map(|v| if v { Stage::Verification } else { Stage::SelfAssessment });
        let (fast, full) = both(instrument.as_ref(), &line, stage);
        prop_assert_eq!(fast, full, "{}", String::from_utf8_lossy(&line));
    }
}
