//! Mutation fuzzing of every reader of outside bytes, on the stable
//! toolchain: the assessment and instrument parsers (JSON and TOML, checked
//! against the instrument as the CLI does), the survey CSV reader and the XLSX
//! reader. Each target starts from a corpus of the files under `fixtures/`
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

use p2ham_io::{
    check_assessment, instrument_from_bytes, load_builtin, parse_assessment, parse_skm, sha256_hex,
    LoadedAssessment, SkmReadOptions,
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
    let instrument = load_builtin("p2ham-2022").unwrap().unwrap();
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
                let _ = p2ham_io::score_loaded(&loaded, &instrument);
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
