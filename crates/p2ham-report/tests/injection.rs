//! Hostile text (`<script>`, `|`, line breaks, ESC sequences, `=HYPERLINK(…)`)
//! in unit names, offices, notes, justifications, captions, group values and
//! file names, through every report, in every backend: none of it may break
//! the output it is written into.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use p2ham_io::model::Lang;
use p2ham_io::scoring::skm::Weights;
use p2ham_io::{
    digest::sha256_hex, document::compare_loaded, document::instrument_for, document::score_loaded,
    document::LoadedAssessment, rollup::rollup, rollup::RollupInput, rollup::RollupOptions, skm::parse_skm,
    skm::SkmReadOptions, validate::validate_files,
};
use p2ham_report::{render, sanitize, Format, Letter, RenderOptions, Renderable};
use serde_json::Value;

const HOSTILE: &str = "=HYPERLINK(\"http://evil.example\",\"x\")|<script>alert(1)</script>\n# Heading\r\n| a | b |\u{1b}[2J\u{1b}]0;title\u{7}\u{9b}31m`code`[link](http://x)";

fn hostile(tag: &str) -> String {
    format!("{HOSTILE} {tag}")
}

fn loaded(name: &str, bytes: &[u8]) -> LoadedAssessment {
    p2ham_io::document::read_assessment(p2ham_io::Source::bytes(name, bytes)).unwrap()
}

/// The Kanim Sampit pair with hostile text in every free-text field.
fn hostile_pair() -> (LoadedAssessment, LoadedAssessment) {
    let read = |stage: &str| -> Value {
        let p = format!("../../fixtures/assessments/sampit-2023/kanim-sampit.{stage}.json");
        serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
    };
    let poison = |v: &mut Value| {
        v["unit"]["name"] = hostile("unit").into();
        v["unit"]["office"] = hostile("office").into();
        for a in v["assessors"].as_array_mut().unwrap() {
            a["name"] = hostile("assessor").into();
            a["role"] = hostile("role").into();
        }
        for a in v["answers"].as_array_mut().unwrap() {
            a["note"] = hostile("note").into();
            if a.get("not_applicable").is_some_and(Value::is_string) {
                a["not_applicable"] = hostile("justification").into();
            }
            if let Some(ev) = a.get_mut("evidence").and_then(Value::as_array_mut) {
                for e in ev {
                    e["caption"] = hostile("caption").into();
                }
            }
        }
    };
    let mut s = read("self");
    poison(&mut s);
    let s_bytes = serde_json::to_vec_pretty(&s).unwrap();
    let mut v = read("verification");
    poison(&mut v);
    v["verifies"] = format!("sha256:{}", sha256_hex(&s_bytes)).into();
    let v_bytes = serde_json::to_vec_pretty(&v).unwrap();
    (
        loaded(&hostile("self.json"), &s_bytes),
        loaded(&hostile("verification.json"), &v_bytes),
    )
}

fn assert_clean_text(what: &str, text: &str) {
    for c in text.chars() {
        assert!(
            c == '\n' || !(c.is_control() || c == '\u{2028}' || c == '\u{2029}'),
            "{what}: control character {c:?} in text output"
        );
    }
}

fn assert_clean_markdown(what: &str, md: &str) {
    assert_clean_text(what, md);
    let mut in_fence = false;
    let mut width = None;
    for line in md.lines() {
        if line.starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        assert!(
            !line.starts_with("# Heading"),
            "{what}: a heading was injected: {line}"
        );
        assert!(
            !line.replace("\\<", "").contains('<'),
            "{what}: raw HTML in Markdown: {line}"
        );
        assert!(
            !line.replace("\\]", "").contains("](http"),
            "{what}: a link was opened: {line}"
        );
        assert!(!line.contains("http://"), "{what}: an autolink: {line}");
        if line.starts_with('|') {
            // Unescaped pipes: the number of cells of every row of a table is the same.
            let cells = line.replace("\\|", "").matches('|').count();
            match width {
                Some(w) if w != cells => panic!("{what}: row breaks its table: {line}"),
                _ => width = Some(cells),
            }
        } else {
            width = None;
        }
    }
}

fn assert_clean_html(what: &str, html: &str) {
    assert_clean_text(what, html);
    assert!(!html.to_lowercase().contains("<script"), "{what}: script in HTML");
    assert!(
        html.contains("&lt;script&gt;"),
        "{what}: the hostile text is shown, escaped"
    );
    assert!(!html.contains("<a href=\"http"), "{what}: an external link");
}

fn formula_free(what: &str, cell: &str) {
    if let Some(c) = cell.chars().next() {
        assert!(
            !matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r') || sanitize::is_plain_number(cell),
            "{what}: cell starts a formula: {cell:?}"
        );
    }
}

fn assert_clean_csv(what: &str, csv_text: &str) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv_text.as_bytes());
    let mut width = None;
    for record in reader.records() {
        let record = record.unwrap();
        match width {
            Some(w) => assert_eq!(w, record.len(), "{what}: a row of another width"),
            None => width = Some(record.len()),
        }
        for cell in &record {
            formula_free(what, cell);
        }
    }
}

fn assert_clean_xlsx(what: &str, bytes: &[u8]) {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        for cell in range.used_cells() {
            if let (_, _, Data::String(s)) = cell {
                assert_clean_text(what, s);
                formula_free(what, s);
            }
        }
        let formulas = book.worksheet_formula(&name).unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "{what}: a formula cell"
        );
    }
}

fn every_backend<R: Renderable + ?Sized>(what: &str, report: &R) {
    for lang in [Lang::Id, Lang::En] {
        let options = RenderOptions { lang, evidence: None };
        let out = |report: &R, f| render(report, f, &options).unwrap();
        let text = String::from_utf8(out(report, Format::Text)).unwrap();
        assert_clean_text(what, &text);
        assert!(text.contains("HYPERLINK"), "{what}: the hostile text is shown");
        assert_clean_markdown(what, &String::from_utf8(out(report, Format::Md)).unwrap());
        assert_clean_html(what, &String::from_utf8(out(report, Format::Html)).unwrap());
        assert_clean_csv(what, &String::from_utf8(out(report, Format::Csv)).unwrap());
        assert_clean_xlsx(what, &out(report, Format::Xlsx));
        let json: Value = serde_json::from_slice(&out(report, Format::Json)).unwrap();
        assert!(json.is_object(), "{what}: JSON");
    }
}

#[test]
fn score_compare_and_letter() {
    let (s, v) = hostile_pair();
    let ins = instrument_for(&s, None).unwrap();
    every_backend("score", &score_loaded(&s, &ins).unwrap());
    let cmp = compare_loaded(&s, &v, &ins).unwrap();
    assert!(cmp
        .discrepancies
        .iter()
        .any(|d| d.note.as_deref().is_some_and(|n| n.contains("HYPERLINK"))));
    every_backend("letter", &Letter(&cmp));
    every_backend("compare", &cmp);
}

#[test]
fn rollup_report() {
    let dir = tempfile::tempdir().unwrap();
    let units = std::fs::read_to_string("../../fixtures/rollup/units.ndjson").unwrap();
    let name = serde_json::to_string(&hostile("unit")).unwrap();
    let office = serde_json::to_string(&hostile("office")).unwrap();
    let units = units
        .replace("\"Unit 1\"", &name)
        .replace("\"Kanwil A\"", &office)
        .replace("\"u2\"", &serde_json::to_string(&hostile("id")).unwrap());
    let file = dir.path().join("units.ndjson");
    std::fs::write(&file, units).unwrap();
    let instrument =
        p2ham_io::document::read_instrument(p2ham_io::Source::file("../../fixtures/rollup/instrument.json"))
            .unwrap();
    let options = RollupOptions {
        instrument: Some(&instrument),
        ..RollupOptions::default()
    };
    let inputs = vec![RollupInput::Path(file)];
    every_backend("rollup", &rollup(inputs, &options, &mut ()).unwrap().report);
}

#[test]
fn skm() {
    let group = hostile("group").replace('"', "\"\"");
    let text = format!(
        "U1,U2,U3,U4,U5,U6,U7,U8,U9,layanan\n4,4,4,4,4,4,4,4,4,\"{group}\"\n3,3,3,3,3,3,3,3,3,-1+1\n"
    );
    let options = SkmReadOptions {
        by: Some("layanan".into()),
        sheet: None,
    };
    let data = parse_skm(&hostile("survey.csv"), text.as_bytes(), &options).unwrap();
    every_backend("skm", &data.report(Weights::Exact).unwrap());
}

#[test]
fn evidence_check() {
    let (s, v) = hostile_pair();
    let report = p2ham_io::evidence::verify_evidence(
        &[s, v],
        std::path::Path::new("../../fixtures/evidence/kanim-sampit"),
    );
    every_backend("evidence", &report.unwrap());
}

#[test]
fn validation() {
    let dir = tempfile::tempdir().unwrap();
    // A file name is text from outside too (a newline is legal in it).
    let file = dir.path().join(hostile("doc.json").replace('/', "_"));
    std::fs::write(
        &file,
        format!("{{\"format\": {}}}", serde_json::to_string(HOSTILE).unwrap()),
    )
    .unwrap();
    every_backend("validation", &validate_files(&[file], None));
}
