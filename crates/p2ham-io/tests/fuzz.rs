//! Mutation fuzzing of every reader of outside bytes, on the stable
//! toolchain: the assessment and instrument parsers (JSON and TOML, checked
//! against the instrument as the CLI does), the survey CSV reader and the XLSX
//! reader, and the checklist import (CSV, and XLSX and ODS through the
//! inflation bounds: the parts of a zipped checklist are mutated inflated and
//! zipped again, so that mutated XML, repeats and sizes reach the reader). Each target starts from a corpus of the files under `fixtures/`
//! and feeds mutated copies (bytes flipped, inserted, deleted, duplicated,
//! spliced from another corpus file, interesting values such as huge exponents,
//! deep nesting and long digit runs). A reader may refuse any input with an
//! error; it may never panic.
//!
//! `cargo test -p p2ham-io --test fuzz` runs a few hundred inputs per target;
//! `scripts/fuzz.sh SECONDS` runs each target for a bounded time
//! (`P2HAM_FUZZ_SECONDS`), with `P2HAM_FUZZ_SEED` to vary the run. An input
//! that panics is written to `target/fuzz-crashes/<target>-<n>` and named in
//! the failure; fix the reader and add the input as a regression test.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use std::io::{Read, Write};

use p2ham_io::{
    checklist::import_checklist, checklist::ImportOptions, digest::sha256_hex, document::check_assessment,
    document::instrument_from_bytes, document::parse_assessment, document::LoadedAssessment, skm::parse_skm,
    skm::SkmReadOptions,
};

/// xorshift64*: a small, deterministic generator (the run is reproducible from its seed).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap_or(0)
    }
}

const INTERESTING: &[&[u8]] = &[
    b"1e999999999",
    b"-0.0",
    b"99999999999999999999999999999999999999",
    b"0.00000000000000000000000000000000001",
    b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    b"{\"a\":",
    b"\"\\ud800\"",
    b"\xff\xfe",
    b"\0",
    b"=HYPERLINK(\"x\")",
    b";;;;;;;;",
    b"\r\n\r\n",
    b"1.5e-400",
    b"nan",
    b"inf",
    b"\"",
    b"PK\x03\x04",
    b" table:number-rows-repeated=\"1048576\"",
    b" table:number-columns-repeated=\"16384\"",
    b" table:number-rows-repeated=\"-1\"",
    b"<c r=\"XFD1048576\" t=\"s\"><v>0</v></c>",
    b"<f>A1</f>",
    b"\"assessors_rows\":4294967295",
];

fn mutate(rng: &mut Rng, input: &[u8], corpus: &[Vec<u8>]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(8) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            1 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] = u8::try_from(rng.below(256)).unwrap_or(0);
            }
            2 => {
                let len = rng.below(16).min(out.len() - at.min(out.len()));
                out.drain(at..at + len);
            }
            3 => {
                let piece = INTERESTING[rng.below(INTERESTING.len())];
                out.splice(at..at, piece.iter().copied());
            }
            4 if !out.is_empty() => {
                let from = rng.below(out.len());
                let len = rng.below(64).min(out.len() - from);
                let chunk = out[from..from + len].to_vec();
                out.splice(at..at, chunk);
            }
            5 => {
                let other = &corpus[rng.below(corpus.len())];
                if !other.is_empty() {
                    let from = rng.below(other.len());
                    let len = rng.below(256).min(other.len() - from);
                    out.splice(at..at, other[from..from + len].iter().copied());
                }
            }
            6 => out.truncate(at),
            _ => {
                // A digit run where a number may be.
                let digits = vec![b'9'; rng.below(64) + 1];
                out.splice(at..at, digits);
            }
        }
    }
    out
}

fn files(dir: &str, ext: &[&str]) -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(dir);
    let mut paths: Vec<PathBuf> = walk(&root);
    paths.retain(|p| p.extension().is_some_and(|x| ext.iter().any(|e| x == *e)));
    paths.sort();
    paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Run `target` on mutated corpus inputs for the configured budget; panics
/// are collected with their input.
fn fuzz(name: &str, corpus: &[Vec<u8>], target: impl Fn(&[u8])) {
    assert!(!corpus.is_empty(), "{name}: empty corpus");
    let seconds: Option<u64> = std::env::var("P2HAM_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok());
    let seed: u64 = std::env::var("P2HAM_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed);
    let mut rng = Rng(seed
        ^ name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        }));
    let deadline = seconds.map(|s| Instant::now() + Duration::from_secs(s));
    let budget = if deadline.is_some() { u64::MAX } else { 300 };
    let mut crashes = Vec::new();
    let mut runs = 0u64;
    // The corpus as is first, then mutations.
    let mut feed = |input: &[u8]| {
        runs += 1;
        if catch_unwind(AssertUnwindSafe(|| target(input))).is_err() {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/fuzz-crashes");
            std::fs::create_dir_all(&dir).unwrap();
            let file = dir.join(format!("{name}-{}", crashes.len()));
            std::fs::write(&file, input).unwrap();
            crashes.push(file.display().to_string());
        }
    };
    for input in corpus {
        feed(input);
    }
    let mut last = corpus[0].clone();
    for n in 0..budget {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        // Mostly from a corpus file; sometimes keep mutating the last input.
        let base = if n % 4 == 3 {
            last.clone()
        } else {
            corpus[rng.below(corpus.len())].clone()
        };
        last = mutate(&mut rng, &base, corpus);
        feed(&last);
    }
    if seconds.is_some() {
        eprintln!("fuzz {name}: {runs} inputs, {} crash(es)", crashes.len());
    }
    assert!(crashes.is_empty(), "{name}: panicked on {crashes:?}");
}

#[test]
fn assessment_json() {
    let instrument = p2ham_io::builtin("p2ham-2022").unwrap().clone();
    let mut corpus = files("assessments", &["json"]);
    corpus.extend(files("bad", &["json"]));
    fuzz("assessment_json", &corpus, |bytes| {
        if let Ok(assessment) = parse_assessment("f.json", bytes) {
            let loaded = LoadedAssessment {
                assessment,
                sha256: sha256_hex(bytes),
                file: "f.json".into(),
                path: None,
            };
            if check_assessment(&loaded, &instrument).is_ok() {
                let _ = p2ham_io::document::score_loaded(&loaded, &instrument);
            }
        }
    });
}

#[test]
fn instrument_json() {
    let mut corpus = files("instruments", &["json"]);
    corpus.extend(files("instruments-extra", &["json"]));
    corpus.extend(files("bad", &["json"]));
    fuzz("instrument_json", &corpus, |bytes| {
        let _ = instrument_from_bytes("i.json", bytes, false);
    });
}

#[test]
fn instrument_toml() {
    let mut corpus = files("instruments-extra", &["toml"]);
    corpus.extend(files("bad", &["toml"]));
    fuzz("instrument_toml", &corpus, |bytes| {
        let _ = instrument_from_bytes("i.toml", bytes, true);
    });
}

#[test]
fn survey_csv() {
    let corpus = files("skm", &["csv"]);
    let by = SkmReadOptions {
        by: Some("jenis_layanan".into()),
        sheet: None,
    };
    fuzz("survey_csv", &corpus, |bytes| {
        for options in [&SkmReadOptions::default(), &by] {
            if let Ok(data) = parse_skm("s.csv", bytes, options) {
                let _ = data.report(p2ham_io::scoring::skm::Weights::Exact);
            }
        }
    });
}

#[test]
fn survey_xlsx() {
    let corpus = files("skm", &["xlsx"]);
    fuzz("survey_xlsx", &corpus, |bytes| {
        if let Ok(data) = parse_skm("s.xlsx", bytes, &SkmReadOptions::default()) {
            let _ = data.report(p2ham_io::scoring::skm::Weights::Exact);
        }
    });
}

#[test]
fn checklist_csv() {
    let instrument = p2ham_io::builtin("p2ham-2022").unwrap().clone();
    let corpus = files("checklists", &["csv"]);
    fuzz("checklist_csv", &corpus, |bytes| {
        let _ = import_checklist(
            "c.csv",
            bytes,
            &instrument,
            &ImportOptions { allow_missing: true },
        );
    });
}

/// A zipped spreadsheet as the fuzzer sees it: its parts inflated, each as
/// `name\nlength\nbytes`, so that mutations land in the XML, not in the
/// compressed stream (where nearly every change only breaks a checksum).
fn parts_of(zip_bytes: &[u8]) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).unwrap();
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).unwrap();
        let mut data = Vec::new();
        part.read_to_end(&mut data).unwrap();
        out.extend_from_slice(part.name().unwrap().as_bytes());
        out.extend_from_slice(format!("\n{}\n", data.len()).as_bytes());
        out.extend_from_slice(&data);
    }
    out
}

/// The parts written back as a zip, stored (deflating each input would cost
/// most of the run; the bounds count stored and deflated parts alike, and the
/// unit tests of the bounds inflate real bombs); a malformed list is read as
/// far as it goes.
fn zip_of(mut parts: &[u8]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let line = |rest: &mut &[u8]| -> Option<Vec<u8>> {
        let end = rest.iter().position(|&b| b == b'\n')?;
        let (head, tail) = rest.split_at(end);
        *rest = &tail[1..];
        Some(head.to_vec())
    };
    let mut names = std::collections::BTreeSet::new();
    while let (Some(name), Some(len)) = (line(&mut parts), line(&mut parts)) {
        let len: usize = std::str::from_utf8(&len)
            .ok()
            .and_then(|l| l.parse().ok())
            .unwrap_or(0)
            .min(parts.len());
        let (data, rest) = parts.split_at(len);
        parts = rest;
        let name = String::from_utf8_lossy(&name).into_owned();
        if name.is_empty() || !names.insert(name.clone()) {
            continue;
        }
        if out.start_file(name, stored).is_err() || out.write_all(data).is_err() {
            break;
        }
    }
    out.finish().map(std::io::Cursor::into_inner).unwrap_or_default()
}

const MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;

fn xml_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An ODS with the cells of an XLSX checklist (values, not formulas), as a
/// spreadsheet program would save it: the same sheets, metadata and answers.
fn ods_of(xlsx: &[u8]) -> Vec<u8> {
    use calamine::{Data, Reader};
    use std::fmt::Write as _;
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let mut tables = String::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let _ = write!(tables, "<table:table table:name=\"{}\">", xml_text(&name));
        if r0 > 0 {
            let _ = write!(
                tables,
                "<table:table-row table:number-rows-repeated=\"{r0}\"><table:table-cell/></table:table-row>"
            );
        }
        for row in range.rows() {
            tables.push_str("<table:table-row>");
            if c0 > 0 {
                let _ = write!(
                    tables,
                    "<table:table-cell table:number-columns-repeated=\"{c0}\"/>"
                );
            }
            for cell in row {
                let number = match cell {
                    Data::Float(f) => Some(f.to_string()),
                    Data::Int(i) => Some(i.to_string()),
                    _ => None,
                };
                match (cell, number) {
                    (Data::Empty, _) => tables.push_str("<table:table-cell/>"),
                    (_, Some(n)) => {
                        let _ = write!(
                            tables,
                            "<table:table-cell office:value-type=\"float\" office:value=\"{n}\"><text:p>{n}</text:p></table:table-cell>"
                        );
                    }
                    (other, None) => {
                        tables.push_str("<table:table-cell office:value-type=\"string\">");
                        for line in other.to_string().split('\n') {
                            let _ = write!(tables, "<text:p>{}</text:p>", xml_text(line));
                        }
                        tables.push_str("</table:table-cell>");
                    }
                }
            }
            tables.push_str("</table:table-row>");
        }
        tables.push_str("</table:table>");
    }
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3"><office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"#
    );
    let mut parts = Vec::new();
    for (name, data) in [
        (
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet".as_bytes(),
        ),
        ("content.xml", content.as_bytes()),
        ("META-INF/manifest.xml", MANIFEST.as_bytes()),
    ] {
        parts.extend_from_slice(format!("{name}\n{}\n", data.len()).as_bytes());
        parts.extend_from_slice(data);
    }
    zip_of(&parts)
}

#[test]
fn checklist_xlsx_and_ods() {
    let instrument = p2ham_io::builtin("p2ham-2022").unwrap().clone();
    let xlsx = files("checklists", &["xlsx"]);
    let import = |name: &str, bytes: &[u8]| {
        import_checklist(name, bytes, &instrument, &ImportOptions { allow_missing: true })
    };
    let mut corpus = Vec::new();
    for x in &xlsx {
        // The corpus is of real checklists: each imports as it is.
        import("c.xlsx", x).unwrap();
        let ods = ods_of(x);
        import("c.ods", &ods).unwrap();
        corpus.push(parts_of(x));
        corpus.push(parts_of(&ods));
    }
    fuzz("checklist_xlsx_and_ods", &corpus, |parts| {
        let zipped = zip_of(parts);
        let _ = import("c.xlsx", &zipped);
    });
}
