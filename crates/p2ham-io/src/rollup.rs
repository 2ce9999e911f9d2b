//! Reading many assessments for the national roll-up: assessment files,
//! folders (recursively), NDJSON files and NDJSON on standard input, read as a
//! stream in chunks, each chunk parsed and scored in parallel (rayon), with a
//! progress bar on a terminal. Bad records are reported and counted; the rest
//! are scored.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc};

use p2ham_model::{Assessment, CheckedInstrument, ModelError};
use p2ham_scoring::{
    score_lean, InvalidRecord, Location, RecordProblem, RollupAccumulator, RollupInstrument, RollupReport,
    ScoringError, UnitRecord,
};
use rayon::prelude::*;

use crate::error::display;
use crate::{builtin_ids, load_builtin, parse_assessment, Diagnostic, IoError, LoadedInstrument, BUILTINS};

/// How to run a roll-up.
#[derive(Debug, Clone, Copy, Default)]
pub struct RollupOptions<'a> {
    /// Score every assessment against this instrument; without it, each
    /// assessment is scored against the built-in its `instrument.id` names.
    pub instrument: Option<&'a LoadedInstrument>,
    /// Show a progress bar on standard error (only drawn when it is a terminal).
    pub progress: bool,
}

/// Bytes of input gathered before a chunk is scored in parallel.
const CHUNK_BYTES: usize = 4 << 20;
/// Records gathered before a chunk is scored in parallel.
const CHUNK_RECORDS: usize = 2048;

/// Roll up every assessment found under `paths`: a file (one assessment, or
/// NDJSON when its extension is `.ndjson`/`.jsonl` or its first line is a
/// whole JSON object), a folder (every `*.json`, `*.ndjson` and `*.jsonl`
/// inside, recursively, in name order), or `-` (NDJSON on standard input).
///
/// Invalid documents and lines, unreadable paths and assessments naming an
/// unknown instrument become entries of `invalid` in the report; the run goes
/// on. `on_invalid` is called for each, in input order, as they are found.
pub fn rollup(
    paths: &[PathBuf],
    options: &RollupOptions,
    mut on_invalid: impl FnMut(&InvalidRecord),
) -> Result<RollupReport, IoError> {
    let instruments = Instruments::new(options.instrument)?;
    let total_bytes: u64 = paths
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .map(|p| input_size(p))
        .sum();
    let has_stdin = paths.iter().any(|p| p.as_os_str() == "-");
    let bar = progress_bar(options.progress, (!has_stdin).then_some(total_bytes));

    let mut acc = RollupAccumulator::new();
    std::thread::scope(|scope| {
        // The reader fills chunks while the previous one is being scored.
        let (tx, rx) = mpsc::sync_channel::<Chunk>(2);
        scope.spawn(move || {
            let mut reader = ChunkReader::new(tx);
            for path in paths {
                reader.path(path);
            }
            reader.flush();
        });
        for chunk in rx {
            let outcomes: Vec<Outcome> = chunk
                .items
                .par_iter()
                .map(|item| process(&chunk, item, &instruments))
                .collect();
            for o in outcomes {
                match o {
                    Outcome::Unit(r) => acc.add(*r),
                    Outcome::Invalid(i) => {
                        bar.suspend(|| on_invalid(&i));
                        acc.add_invalid(i);
                    }
                }
            }
            bar.inc(chunk.bytes);
        }
    });
    bar.finish_and_clear();
    acc.finish().map_err(|source| IoError::Scoring {
        file: "rollup".into(),
        source,
    })
}

fn input_size(path: &Path) -> u64 {
    if path.is_dir() {
        walkdir::WalkDir::new(path)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file() && is_input_file(e.path()))
            .filter_map(|e| e.metadata().ok())
            .map(|m| m.len())
            .sum()
    } else {
        std::fs::metadata(path).map_or(0, |m| m.len())
    }
}

fn progress_bar(enabled: bool, total: Option<u64>) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !enabled || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = match total {
        Some(t) => indicatif::ProgressBar::new(t).with_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} rollup [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        ),
        None => indicatif::ProgressBar::new_spinner().with_style(
            indicatif::ProgressStyle::with_template("{spinner} rollup {bytes} {bytes_per_sec}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        ),
    };
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    bar
}

/// The instruments a roll-up scores against, loaded once: the explicit one,
/// or every built-in.
struct Instruments<'a> {
    explicit: Option<(&'a LoadedInstrument, Arc<RollupInstrument>)>,
    builtins: Vec<(LoadedInstrument, Arc<RollupInstrument>)>,
}

impl<'a> Instruments<'a> {
    fn new(explicit: Option<&'a LoadedInstrument>) -> Result<Self, IoError> {
        let view = |l: &LoadedInstrument| Arc::new(RollupInstrument::new(&l.checked, &l.sha256));
        if let Some(e) = explicit {
            return Ok(Self {
                explicit: Some((e, view(e))),
                builtins: Vec::new(),
            });
        }
        let builtins = BUILTINS
            .iter()
            .map(|b| {
                let l = load_builtin(b.id).expect("listed built-in exists")?;
                let v = view(&l);
                Ok((l, v))
            })
            .collect::<Result<_, IoError>>()?;
        Ok(Self {
            explicit: None,
            builtins,
        })
    }

    fn get(&self, id: &str) -> Option<(&CheckedInstrument, &Arc<RollupInstrument>)> {
        if let Some((l, v)) = &self.explicit {
            return Some((&l.checked, v));
        }
        self.builtins
            .iter()
            .find(|(l, _)| l.checked.instrument().id == id)
            .map(|(l, v)| (&l.checked, v))
    }
}

/// Input gathered for parallel scoring: the bytes of many records.
struct Chunk {
    data: Vec<u8>,
    items: Vec<Item>,
    files: Vec<Arc<str>>,
    /// Input bytes this chunk stands for (for the progress bar).
    bytes: u64,
}

struct Item {
    file: usize,
    /// 1-based NDJSON line; `None` for a whole-file document.
    line: Option<u64>,
    span: Range<usize>,
    /// A problem found while reading (the record has no bytes).
    error: Option<(&'static str, String)>,
}

enum Outcome {
    Unit(Box<UnitRecord>),
    Invalid(InvalidRecord),
}

struct ChunkReader {
    tx: mpsc::SyncSender<Chunk>,
    chunk: Chunk,
}

fn is_ndjson_name(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("ndjson") || e.eq_ignore_ascii_case("jsonl"))
}

fn is_input_file(path: &Path) -> bool {
    is_ndjson_name(path) || path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// Whether a line holds a whole JSON object (so the file is NDJSON).
fn is_object_line(line: &[u8]) -> bool {
    let t = line.trim_ascii();
    t.len() > 1 && t[0] == b'{' && t[t.len() - 1] == b'}'
}

impl ChunkReader {
    fn new(tx: mpsc::SyncSender<Chunk>) -> Self {
        Self {
            tx,
            chunk: Self::empty(),
        }
    }

    fn empty() -> Chunk {
        Chunk {
            data: Vec::with_capacity(CHUNK_BYTES + (64 << 10)),
            items: Vec::with_capacity(CHUNK_RECORDS),
            files: Vec::new(),
            bytes: 0,
        }
    }

    fn flush(&mut self) {
        if self.chunk.items.is_empty() && self.chunk.bytes == 0 {
            return;
        }
        let chunk = std::mem::replace(&mut self.chunk, Self::empty());
        // The receiver only goes away when the run is over.
        let _ = self.tx.send(chunk);
    }

    fn file_index(&mut self, file: &Arc<str>) -> usize {
        if let Some(i) = self.chunk.files.iter().position(|f| Arc::ptr_eq(f, file)) {
            return i;
        }
        self.chunk.files.push(Arc::clone(file));
        self.chunk.files.len() - 1
    }

    fn push(&mut self, file: &Arc<str>, line: Option<u64>, bytes: &[u8], consumed: u64) {
        let f = self.file_index(file);
        let start = self.chunk.data.len();
        self.chunk.data.extend_from_slice(bytes);
        self.chunk.items.push(Item {
            file: f,
            line,
            span: start..self.chunk.data.len(),
            error: None,
        });
        self.chunk.bytes += consumed;
        if self.chunk.data.len() >= CHUNK_BYTES || self.chunk.items.len() >= CHUNK_RECORDS {
            self.flush();
        }
    }

    fn error(&mut self, file: &Arc<str>, line: Option<u64>, code: &'static str, message: String) {
        let f = self.file_index(file);
        let at = self.chunk.data.len();
        self.chunk.items.push(Item {
            file: f,
            line,
            span: at..at,
            error: Some((code, message)),
        });
    }

    fn path(&mut self, path: &Path) {
        let name: Arc<str> = display(path).into();
        if path.as_os_str() == "-" {
            let stdin = std::io::stdin();
            let lock = stdin.lock();
            self.ndjson(&name, lock, Vec::new());
        } else if path.is_dir() {
            for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
                match entry {
                    Ok(e) if e.file_type().is_file() && is_input_file(e.path()) => self.file(e.path()),
                    Ok(_) => {}
                    Err(e) => {
                        let at: Arc<str> = e.path().map_or_else(|| name.to_string(), display).into();
                        self.error(&at, None, "read", format!("cannot read: {e}"));
                    }
                }
            }
        } else {
            self.file(path);
        }
    }

    fn file(&mut self, path: &Path) {
        let name: Arc<str> = display(path).into();
        let file = match File::open(path) {
            Ok(f) => f,
            Err(e) => return self.error(&name, None, "read", format!("cannot read: {e}")),
        };
        let mut reader = BufReader::with_capacity(256 << 10, file);
        let mut first = Vec::new();
        if let Err(e) = reader.read_until(b'\n', &mut first) {
            return self.error(&name, None, "read", format!("cannot read: {e}"));
        }
        if is_ndjson_name(path) || is_object_line(&first) {
            self.ndjson(&name, reader, first);
        } else {
            // One document: the rest of the file.
            let mut doc = first;
            if let Err(e) = reader.read_to_end(&mut doc) {
                return self.error(&name, None, "read", format!("cannot read: {e}"));
            }
            let n = doc.len() as u64;
            self.push(&name, None, &doc, n);
        }
    }

    /// Read NDJSON line by line into one reused buffer; `first` is a line
    /// already read (possibly empty).
    fn ndjson(&mut self, name: &Arc<str>, mut reader: impl BufRead, first: Vec<u8>) {
        let mut buf = first;
        let mut line_no = 0u64;
        let mut have = !buf.is_empty();
        loop {
            if !have {
                buf.clear();
                match reader.read_until(b'\n', &mut buf) {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(e) => {
                        self.error(name, Some(line_no + 1), "read", format!("cannot read: {e}"));
                        break;
                    }
                }
            }
            have = false;
            line_no += 1;
            let consumed = buf.len() as u64;
            let line = buf.trim_ascii();
            if line.is_empty() {
                self.chunk.bytes += consumed;
                continue;
            }
            self.push(name, Some(line_no), line, consumed);
        }
    }
}

fn process(chunk: &Chunk, item: &Item, instruments: &Instruments) -> Outcome {
    let file = &chunk.files[item.file];
    let invalid = |problems: Vec<RecordProblem>| {
        Outcome::Invalid(InvalidRecord {
            file: file.to_string(),
            line: item.line,
            problems,
        })
    };
    if let Some((code, message)) = &item.error {
        return invalid(vec![problem(code, "", message.clone())]);
    }
    let bytes = &chunk.data[item.span.clone()];
    // Fast path without path tracking; on failure parse again for the path.
    let assessment: Assessment = match serde_json::from_slice(bytes) {
        Ok(a) => a,
        Err(_) => match parse_assessment(file, bytes) {
            Ok(a) => a,
            Err(e) => return invalid(diagnostics(&e, item.line.is_some())),
        },
    };
    let Some((checked, view)) = instruments.get(&assessment.instrument.id) else {
        return invalid(vec![problem(
            "unknown-instrument",
            "instrument.id",
            format!(
                "instrument `{}` is not built in (built-in: {}); pass --instrument FILE",
                assessment.instrument.id,
                builtin_ids()
            ),
        )]);
    };
    match score_lean(checked, &assessment) {
        Ok(lean) => {
            let source = Location {
                file: file.to_string(),
                line: item.line,
            };
            Outcome::Unit(Box::new(UnitRecord::new(view, assessment, &lean, source)))
        }
        Err(ScoringError::Model(ModelError::InvalidAssessment { problems, .. })) => {
            let e = IoError::Invalid {
                file: file.to_string(),
                problems,
            };
            invalid(diagnostics(&e, item.line.is_some()))
        }
        Err(source) => {
            let message = source.to_string();
            invalid(vec![problem("scoring", "", message)])
        }
    }
}

fn problem(code: &str, path: &str, message: String) -> RecordProblem {
    RecordProblem {
        code: code.to_owned(),
        path: path.to_owned(),
        line: None,
        column: None,
        message,
    }
}

/// The problems an error stands for. In an NDJSON record the parser's line is
/// always 1: the record's line is given instead, and only the column kept.
fn diagnostics(e: &IoError, ndjson: bool) -> Vec<RecordProblem> {
    Diagnostic::from_error(e)
        .into_iter()
        .map(|d| RecordProblem {
            code: d.code,
            path: d.path,
            line: if ndjson { None } else { d.line.map(|l| l as u64) },
            column: d.column.map(|c| c as u64),
            message: d.message,
        })
        .collect()
}

/// One line per problem of an invalid record: `file:line: path: error[code]: message`.
pub fn invalid_to_text(r: &InvalidRecord) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for p in &r.problems {
        let mut at = r.file.clone();
        if let Some(l) = r.line.or(p.line) {
            let _ = write!(at, ":{l}");
            if let Some(c) = p.column {
                let _ = write!(at, ":{c}");
            }
        }
        if !p.path.is_empty() {
            let _ = write!(at, ": {}", p.path);
        }
        let _ = writeln!(out, "{at}: error[{}]: {}", p.code, p.message);
    }
    out
}
