//! The published JSON Schemas in `docs/schema/` are exactly what the code
//! generates (they cannot drift), and the fixtures validate against them with a
//! real JSON Schema validator, as an auditor would check a file.
//!
//! After changing a document type, regenerate the schemas with
//! `P2HAM_UPDATE_SCHEMAS=1 cargo test -p p2ham-io --test schemas`
//! or `cargo run -p p2ham-cli -- schema --out docs/schema`, and commit them.

use std::path::{Path, PathBuf};

use p2ham_io::{document::from_toml, schema::schema_kind, schema::SCHEMAS, validate::validate_files};
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn schema_dir() -> PathBuf {
    root().join("docs/schema")
}

fn files_in(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == ext) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn validator(name: &str) -> jsonschema::Validator {
    let kind = schema_kind(name).unwrap_or_else(|| panic!("no schema `{name}`"));
    let schema = kind.schema();
    assert_eq!(
        schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
        "schemas are published as draft 2020-12"
    );
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("schema `{name}` does not compile: {e}"))
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A TOML instrument as the JSON value it stands for.
fn read_toml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    from_toml(&path.display().to_string(), &text).unwrap_or_else(|e| panic!("{e}"))
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn published_schemas_match_the_code() {
    let update = std::env::var("P2HAM_UPDATE_SCHEMAS").is_ok_and(|v| v == "1");
    let mut drifted = Vec::new();
    for kind in SCHEMAS {
        let path = schema_dir().join(format!("{}.schema.json", kind.name));
        let generated = kind.to_pretty();
        let published = std::fs::read_to_string(&path).unwrap_or_default();
        if published != generated {
            if update {
                std::fs::create_dir_all(schema_dir()).unwrap();
                std::fs::write(&path, &generated).unwrap();
            } else {
                drifted.push(path.display().to_string());
            }
        }
    }
    // The input schemas the parser walks at run time (`shapes/`) are the published ones.
    for name in [
        "instrument",
        "assessment",
        "awards",
        "award-rule",
        "award-components",
    ] {
        let path = root().join(format!("crates/p2ham-io/shapes/{name}.schema.json"));
        let generated = schema_kind(name).unwrap().to_pretty();
        if std::fs::read_to_string(&path).unwrap_or_default() != generated {
            if update {
                std::fs::write(&path, &generated).unwrap();
            } else {
                drifted.push(path.display().to_string());
            }
        }
    }
    assert!(
        drifted.is_empty(),
        "published schemas differ from the code (or are missing): {drifted:?}\n\
         regenerate with `P2HAM_UPDATE_SCHEMAS=1 cargo test -p p2ham-io --test schemas` \
         (or `cargo run -p p2ham-cli -- schema --out docs/schema`) and commit docs/schema/ and crates/p2ham-io/shapes/"
    );
}

#[test]
fn no_stray_files_in_docs_schema() {
    let known: Vec<String> = SCHEMAS
        .iter()
        .map(|k| format!("{}.schema.json", k.name))
        .collect();
    let stray: Vec<String> = std::fs::read_dir(schema_dir())
        .expect("docs/schema exists")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !known.contains(n))
        .collect();
    assert!(
        stray.is_empty(),
        "files in docs/schema that no entry of SCHEMAS generates: {stray:?}; delete them"
    );
}

#[test]
fn every_schema_is_a_valid_draft_2020_12_schema_with_its_id() {
    for kind in SCHEMAS {
        let schema = kind.schema();
        assert_eq!(
            schema["$id"],
            format!("https://p2ham.github.io/schema/{}.schema.json", kind.name)
        );
        assert!(!kind.about.is_empty());
        validator(kind.name);
    }
}

#[test]
fn every_instrument_fixture_validates_against_the_instrument_schema() {
    let v = validator("instrument");
    let mut docs: Vec<(PathBuf, Value)> = Vec::new();
    for p in files_in(&root().join("fixtures/instruments"), "json")
        .into_iter()
        .chain(files_in(&root().join("fixtures/instruments-extra"), "json"))
    {
        let doc = read_json(&p);
        docs.push((p, doc));
    }
    for p in files_in(&root().join("fixtures/instruments-extra"), "toml") {
        let doc = read_toml(&p);
        docs.push((p, doc));
    }
    assert!(docs.len() >= 5, "found only {} instrument fixtures", docs.len());
    for (p, doc) in &docs {
        let errs = errors(&v, doc);
        assert!(errs.is_empty(), "{}: {errs:#?}", p.display());
    }
}

#[test]
fn every_assessment_fixture_validates_against_the_assessment_schema() {
    let v = validator("assessment");
    let files = files_in(&root().join("fixtures/assessments"), "json");
    assert!(files.len() >= 6, "found only {} assessment fixtures", files.len());
    for p in files {
        let errs = errors(&v, &read_json(&p));
        assert!(errs.is_empty(), "{}: {errs:#?}", p.display());
    }
}

#[test]
fn the_validation_report_validates_against_its_schema() {
    let v = validator("validation");
    let mut inputs = files_in(&root().join("fixtures/bad"), "json");
    inputs.retain(|p| !p.ends_with("expected.json"));
    inputs.extend(files_in(&root().join("fixtures/bad"), "toml"));
    inputs.extend(files_in(&root().join("fixtures/assessments"), "json"));
    let report = validate_files(&inputs, None);
    let doc = serde_json::to_value(&report).unwrap();
    let errs = errors(&v, &doc);
    assert!(errs.is_empty(), "{errs:#?}");
}

/// Bad fixtures whose fault is the document's shape must fail the schema too,
/// which proves the schema is not vacuous. (The 28-digit limit of decimals and
/// every cross-reference rule are beyond what a JSON Schema says; `p2ham
/// validate` checks those.)
#[test]
fn shape_errors_fail_schema_validation() {
    let cases: &[(&str, &str)] = &[
        ("assessment-unknown-field.json", "assessment"),
        ("assessment-wrong-type.json", "assessment"),
        ("assessment-unknown-format.json", "assessment"),
        ("assessment-missing-format.json", "assessment"),
        ("format-not-a-string.json", "assessment"),
        ("not-an-object.json", "assessment"),
        ("not-an-object.json", "instrument"),
        ("instrument-unknown-field.toml", "instrument"),
    ];
    for (name, schema) in cases {
        let path = root().join("fixtures/bad").join(name);
        let doc = if path.extension().is_some_and(|e| e == "toml") {
            read_toml(&path)
        } else {
            read_json(&path)
        };
        let v = validator(schema);
        assert!(
            !v.is_valid(&doc),
            "{name} passes the {schema} schema, but its shape is wrong"
        );
    }
}

#[test]
fn the_schema_rejects_a_misspelt_field_at_any_depth_and_a_bad_enum() {
    let v = validator("instrument");
    let good = read_json(&root().join("fixtures/instruments/p2ham-2022.json"));
    assert!(v.is_valid(&good));

    let mut typo = good.clone();
    typo["criteria"][0]["indicators"][0]["wieght"] = Value::from("1");
    assert!(!v.is_valid(&typo), "an unknown field deep inside is rejected");

    let mut principle = good.clone();
    principle["criteria"][0]["indicators"][0]["principles"] = serde_json::json!(["kepastian-hukum"]);
    assert!(!v.is_valid(&principle), "an unknown principle is rejected");

    let mut weight = good;
    weight["criteria"][0]["weight"] = Value::from("sixty");
    assert!(!v.is_valid(&weight), "a decimal that is not a number is rejected");
}

/// Real reports, as the CLI writes them, validate against their published
/// schemas (the drift test only proves the files match the code).
#[test]
fn real_reports_validate_against_their_schemas() {
    let sampit = root().join("fixtures/assessments/sampit-2023");
    let mut checked = 0;
    for unit in ["kanim-sampit", "lapas-sampit", "bapas-sampit"] {
        for stage in ["self", "verification"] {
            let loaded =
                p2ham_io::document::load_assessment(&sampit.join(format!("{unit}.{stage}.json"))).unwrap();
            let instrument = p2ham_io::document::instrument_for(&loaded, None).unwrap();
            let report = p2ham_io::document::score_loaded(&loaded, &instrument).unwrap();
            let doc: Value = serde_json::to_value(&report).unwrap();
            let errs = errors(&validator("score"), &doc);
            assert!(errs.is_empty(), "{unit} {stage}: {errs:#?}");
            checked += 1;
        }
        let documents = ["self", "verification"]
            .map(|s| p2ham_io::document::load_assessment(&sampit.join(format!("{unit}.{s}.json"))).unwrap());
        let evidence =
            p2ham_io::evidence::verify_evidence(&documents, &root().join("fixtures/evidence").join(unit))
                .unwrap();
        let doc: Value = serde_json::to_value(&evidence).unwrap();
        let errs = errors(&validator("evidence"), &doc);
        assert!(errs.is_empty(), "{unit} evidence: {errs:#?}");
        checked += 1;
    }
    for weights in [
        p2ham_io::scoring::skm::Weights::Exact,
        p2ham_io::scoring::skm::Weights::Published0111,
    ] {
        let options = p2ham_io::skm::SkmReadOptions {
            by: Some("jenis_layanan".into()),
            sheet: None,
        };
        let report = p2ham_io::skm::skm_report(
            &root().join("fixtures/skm/kanim-sampit-2023.csv"),
            &options,
            weights,
        )
        .unwrap();
        let doc: Value = serde_json::to_value(&report).unwrap();
        let errs = errors(&validator("skm"), &doc);
        assert!(errs.is_empty(), "skm: {errs:#?}");
        checked += 1;
    }
    assert_eq!(checked, 11);
}

/// The award list fixture, a decided list, a history and a seal manifest
/// validate against their published schemas; a misspelt field fails.
#[test]
fn award_cycle_documents_validate_against_their_schemas() {
    let awards = validator("awards");
    let fixture = read_json(&root().join("fixtures/awards/kalteng-2022.json"));
    assert!(
        errors(&awards, &fixture).is_empty(),
        "{:#?}",
        errors(&awards, &fixture)
    );
    let previous =
        p2ham_io::award::load_award_list(&root().join("fixtures/awards/kalteng-2022.json")).unwrap();
    let found =
        p2ham_io::award::read_verified(&[root().join("fixtures/assessments/sampit-2023")], None).unwrap();
    let results: Vec<_> = found.results.into_iter().map(|v| v.result).collect();
    let list = p2ham_io::scoring::decide(
        &results,
        Some(&previous),
        &p2ham_io::scoring::AwardOptions::default(),
    )
    .unwrap();
    let doc: Value = serde_json::to_value(&list).unwrap();
    assert!(errors(&awards, &doc).is_empty(), "{:#?}", errors(&awards, &doc));
    let mut typo = doc.clone();
    typo["units"][0]["predicat"] = Value::Bool(true);
    assert!(!awards.is_valid(&typo));

    let h = p2ham_io::scoring::history(&[previous, list], &results, None);
    let doc: Value = serde_json::to_value(&h).unwrap();
    assert!(errors(&validator("history"), &doc).is_empty());

    let seal: Value = serde_json::json!({
        "format": "p2ham-seal/1",
        "verification": {"file": "v.json", "sha256": "ab".repeat(32), "unit": "u", "period": "2023"},
        "verifies": null,
        "evidence": [{"path": "foto/a.png", "sha256": "cd".repeat(32)}],
        "signer": {"name": "S", "office": null},
        "sealed_at": "2023-03-21T10:00:00Z",
        "key_id": "0123456789ABCDEF"
    });
    assert!(
        errors(&validator("seal"), &seal).is_empty(),
        "{:?}",
        errors(&validator("seal"), &seal)
    );
    // A digest that is not 64 lowercase hex digits breaks the manifest's contract.
    let mut short = seal.clone();
    short["evidence"][0]["sha256"] = Value::String("cd".into());
    assert!(!validator("seal").is_valid(&short));
}

/// The contract's grammars are in the schemas: digests, `sha256:` references,
/// dates (checked as formats) and unit ids; a document that breaks one fails
/// the schema as it fails `p2ham validate`.
#[test]
fn digests_references_dates_and_unit_ids_have_their_grammar_in_the_schemas() {
    let assessment = kind_schema("assessment");
    let props = &assessment["properties"];
    assert_eq!(props["verifies"]["pattern"], "^sha256:[0-9a-f]{64}$");
    assert_eq!(props["assessed_on"]["format"], "date");
    let seal = kind_schema("seal");
    assert_eq!(seal["properties"]["sealed_at"]["format"], "date-time");
    assert_eq!(
        kind_schema("audit-checkpoint")["properties"]["at"]["format"],
        "date-time"
    );
    let text = |name: &str| kind_schema(name).to_string();
    for name in [
        "score",
        "compare",
        "awards",
        "seal",
        "evidence",
        "validation",
        "skm",
        "rollup",
        "audit-checkpoint",
    ] {
        assert!(
            text(name).contains("^[0-9a-f]{64}$"),
            "{name} has no digest pattern"
        );
    }
    for name in ["score", "compare", "awards"] {
        assert!(text(name).contains("\"date\""), "{name} has no date format");
    }
    let v = jsonschema::options()
        .should_validate_formats(true)
        .build(&assessment)
        .unwrap();
    for bad in [
        "assessment-bad-sha256.json",
        "assessment-bad-verifies.json",
        "assessment-bad-date.json",
        "assessment-invalid-unit-id.json",
    ] {
        let doc = read_json(&root().join("fixtures/bad").join(bad));
        assert!(!v.is_valid(&doc), "{bad} passes the assessment schema");
    }
    for good in files_in(&root().join("fixtures/assessments"), "json") {
        let doc = read_json(&good);
        assert!(v.is_valid(&doc), "{}: {:?}", good.display(), errors(&v, &doc));
    }
}

/// Every schema's title names the document the same way: `P2HAM …`.
#[test]
fn every_schema_title_starts_with_p2ham() {
    for kind in SCHEMAS {
        let title = kind.schema()["title"].as_str().unwrap_or_default().to_owned();
        assert!(title.starts_with("P2HAM "), "{}: title `{title}`", kind.name);
    }
}

fn kind_schema(name: &str) -> Value {
    schema_kind(name).unwrap().schema()
}

/// A backup's manifest as `p2ham admin backup` writes it validates against
/// the published schema; a path outside the backup's layout, an evidence
/// file not named by a digest or a short digest does not.
#[test]
fn a_backup_manifest_validates_and_a_path_outside_the_layout_does_not() {
    let sha = "0".repeat(63) + "1";
    let manifest = p2ham_io::backup::BackupManifest {
        format: p2ham_io::backup::BackupFormat::V1,
        created_at: "2026-12-05T17:35:02Z".into(),
        p2ham_version: "0.1.0".into(),
        schema_version: 1,
        audit: p2ham_io::backup::BackupAudit {
            entries: 13,
            head_sha256: "a".repeat(64),
        },
        files: vec![
            p2ham_io::backup::BackupFile {
                path: format!("evidence/objects/00/{sha}"),
                sha256: sha.clone(),
                size: 1200,
            },
            p2ham_io::backup::BackupFile {
                path: "p2ham.db".into(),
                sha256: "b".repeat(64),
                size: 245_760,
            },
        ],
    };
    let doc = serde_json::to_value(&manifest).unwrap();
    assert_eq!(doc["format"], "p2ham-backup/1");
    let v = validator("backup");
    assert!(errors(&v, &doc).is_empty(), "{:?}", errors(&v, &doc));
    for (field, bad) in [
        ("path", Value::String("../p2ham.db".into())),
        ("path", Value::String("evidence/objects/00/short".into())),
        ("sha256", Value::String("cd".into())),
    ] {
        let mut broken = doc.clone();
        broken["files"][0][field] = bad.clone();
        assert!(!v.is_valid(&broken), "{field} {bad} passes");
    }
}
