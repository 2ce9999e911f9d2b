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

use p2ham_model::{Assessment, ModelError, Stage};
use p2ham_scoring::{
    InvalidRecord, LeanScorer, Location, RecordProblem, RollupAccumulator, RollupInstrument, RollupReport,
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
    /// Keep only assessments of this stage (valid records of the other stage
    /// are counted as `skipped`); all when `None`.
    pub stage: Option<Stage>,
}

/// Bytes of input gathered before a chunk is scored in parallel.
const CHUNK_BYTES: usize = 4 << 20;
/// Records gathered before a chunk is scored in parallel.
const CHUNK_RECORDS: usize = 2048;

/// Roll up every assessment found under `paths`: a file (NDJSON when its
/// extension is `.ndjson`/`.jsonl`, its first line is a complete JSON object,
/// or it is not one JSON document but a later line is; otherwise one
/// assessment document), a folder (every `*.json`, `*.ndjson` and `*.jsonl`
/// inside, recursively, links followed, in name order; a folder with none is
/// an invalid input), or `-` (NDJSON on standard input).
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
        // Scored chunks' buffers go back to the reader, so memory is reused.
        let (spare_tx, spare_rx) = mpsc::channel::<Chunk>();
        scope.spawn(move || {
            let mut reader = ChunkReader::new(tx, spare_rx);
            for path in paths {
                reader.path(path);
            }
            reader.flush();
        });
        for chunk in rx {
            let outcomes: Vec<Outcome> = chunk
                .items
                .par_iter()
                .map(|item| process(&chunk, item, &instruments, options.stage))
                .collect();
            for o in outcomes {
                match o {
                    Outcome::Unit(r) => acc.add(*r),
                    Outcome::Skipped => acc.add_skipped(),
                    Outcome::Invalid(i) => {
                        bar.suspend(|| on_invalid(&i));
                        acc.add_invalid(i);
                    }
                }
            }
            bar.inc(chunk.bytes);
            let _ = spare_tx.send(chunk);
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
struct Instruments {
    explicit: Option<(LeanScorer, Arc<RollupInstrument>)>,
    builtins: Vec<(LeanScorer, Arc<RollupInstrument>)>,
}

impl Instruments {
    fn new(explicit: Option<&LoadedInstrument>) -> Result<Self, IoError> {
        let prepare = |l: &LoadedInstrument| -> Result<_, IoError> {
            let scorer = LeanScorer::new(&l.checked).map_err(|source| IoError::Scoring {
                file: l.source.clone(),
                source,
            })?;
            Ok((scorer, Arc::new(RollupInstrument::new(&l.checked, &l.sha256))))
        };
        if let Some(e) = explicit {
            return Ok(Self {
                explicit: Some(prepare(e)?),
                builtins: Vec::new(),
            });
        }
        let builtins = BUILTINS
            .iter()
            .map(|b| prepare(&load_builtin(b.id).expect("listed built-in exists")?))
            .collect::<Result<_, IoError>>()?;
        Ok(Self {
            explicit: None,
            builtins,
        })
    }

    fn get(&self, id: &str) -> Option<&(LeanScorer, Arc<RollupInstrument>)> {
        if let Some(e) = &self.explicit {
            return Some(e);
        }
        self.builtins
            .iter()
            .find(|(s, _)| s.instrument().instrument().id == id)
    }
}

/// Input gathered for parallel scoring: the bytes of many records.
struct Chunk {
    /// A reused buffer; `data[..filled]` holds the records' bytes.
    data: Vec<u8>,
    filled: usize,
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
    Skipped,
}

/// Reads input into chunks. NDJSON is read in large blocks straight into the
/// chunk's buffer and split into lines in place (no per-line copy); only a
/// line cut by the end of a chunk is carried over to the next.
struct ChunkReader {
    tx: mpsc::SyncSender<Chunk>,
    spare: mpsc::Receiver<Chunk>,
    chunk: Chunk,
}

/// Bytes asked of the operating system per read.
const BLOCK: usize = 256 << 10;

fn is_ndjson_name(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("ndjson") || e.eq_ignore_ascii_case("jsonl"))
}

fn is_input_file(path: &Path) -> bool {
    is_ndjson_name(path) || path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// Whether a line holds one complete JSON value on its own, as every line of
/// NDJSON does (the first line of a pretty-printed document does not).
fn is_complete_json(line: &[u8]) -> bool {
    let t = line.trim_ascii();
    t.first() == Some(&b'{') && serde_json::from_slice::<serde::de::IgnoredAny>(t).is_ok()
}

/// Whether a whole file that does not start with a complete JSON line is
/// NDJSON all the same (its first record is broken): it is not one JSON
/// document, and some later line is a complete JSON value.
fn is_ndjson_with_broken_start(doc: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(doc).is_err()
        && doc.split(|b| *b == b'\n').skip(1).any(is_complete_json)
}

/// A UTF-8 byte-order mark, as some Windows editors write, is not part of the data.
fn strip_bom(bytes: &mut Vec<u8>) {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
}

/// `span` without leading and trailing ASCII whitespace (`\r` included).
fn trim_span(data: &[u8], span: Range<usize>) -> Range<usize> {
    let s = &data[span.clone()];
    let start = s.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    span.start + start..span.start + end
}

impl ChunkReader {
    fn new(tx: mpsc::SyncSender<Chunk>, spare: mpsc::Receiver<Chunk>) -> Self {
        Self {
            tx,
            spare,
            chunk: Self::empty(),
        }
    }

    fn empty() -> Chunk {
        Chunk {
            data: Vec::new(),
            filled: 0,
            items: Vec::with_capacity(CHUNK_RECORDS),
            files: Vec::new(),
            bytes: 0,
        }
    }

    fn full(&self) -> bool {
        self.chunk.filled >= CHUNK_BYTES || self.chunk.items.len() >= CHUNK_RECORDS
    }

    fn flush(&mut self) {
        if self.chunk.items.is_empty() && self.chunk.bytes == 0 {
            return;
        }
        let next = match self.spare.try_recv() {
            Ok(mut c) => {
                c.filled = 0;
                c.items.clear();
                c.files.clear();
                c.bytes = 0;
                c
            }
            Err(_) => Self::empty(),
        };
        let chunk = std::mem::replace(&mut self.chunk, next);
        // The receiver only goes away when the run is over.
        let _ = self.tx.send(chunk);
    }

    /// Make room for `extra` more bytes after `filled`.
    fn reserve(&mut self, extra: usize) {
        let need = self.chunk.filled + extra;
        if self.chunk.data.len() < need {
            self.chunk.data.resize(need.max(CHUNK_BYTES + BLOCK), 0);
        }
    }

    fn append(&mut self, bytes: &[u8]) -> Range<usize> {
        self.reserve(bytes.len());
        let start = self.chunk.filled;
        self.chunk.data[start..start + bytes.len()].copy_from_slice(bytes);
        self.chunk.filled += bytes.len();
        start..self.chunk.filled
    }

    fn file_index(&mut self, file: &Arc<str>) -> usize {
        if let Some(i) = self.chunk.files.iter().position(|f| Arc::ptr_eq(f, file)) {
            return i;
        }
        self.chunk.files.push(Arc::clone(file));
        self.chunk.files.len() - 1
    }

    /// A record already in the buffer at `span`; blank NDJSON lines are skipped.
    fn record(&mut self, file: &Arc<str>, line: Option<u64>, span: Range<usize>, consumed: u64) {
        self.chunk.bytes += consumed;
        let span = trim_span(&self.chunk.data, span);
        // A blank NDJSON line is skipped; an empty document file is invalid.
        if span.is_empty() && line.is_some() {
            return;
        }
        let f = self.file_index(file);
        self.chunk.items.push(Item {
            file: f,
            line,
            span,
            error: None,
        });
    }

    fn error(&mut self, file: &Arc<str>, line: Option<u64>, code: &'static str, message: String) {
        let f = self.file_index(file);
        let at = self.chunk.filled;
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
            self.ndjson(&name, lock, &[]);
        } else if path.is_dir() {
            let mut found = 0usize;
            // Links are followed (loops are reported as errors by walkdir).
            for entry in walkdir::WalkDir::new(path).follow_links(true).sort_by_file_name() {
                match entry {
                    Ok(e) if e.file_type().is_file() && is_input_file(e.path()) => {
                        found += 1;
                        self.file(e.path());
                    }
                    Ok(_) => {}
                    Err(e) => {
                        let at: Arc<str> = e.path().map_or_else(|| name.to_string(), display).into();
                        self.error(&at, None, "read", format!("cannot read: {e}"));
                    }
                }
            }
            if found == 0 {
                self.error(
                    &name,
                    None,
                    "input",
                    "the folder holds no *.json, *.ndjson or *.jsonl file".to_owned(),
                );
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
        let mut reader = BufReader::with_capacity(BLOCK, file);
        let mut first = Vec::new();
        if let Err(e) = reader.read_until(b'\n', &mut first) {
            return self.error(&name, None, "read", format!("cannot read: {e}"));
        }
        strip_bom(&mut first);
        if is_ndjson_name(path) || is_complete_json(&first) {
            self.ndjson(&name, reader, &first);
        } else {
            // One document (the rest of the file), unless it is NDJSON whose first line is broken.
            let mut doc = first;
            if let Err(e) = reader.read_to_end(&mut doc) {
                return self.error(&name, None, "read", format!("cannot read: {e}"));
            }
            if is_ndjson_with_broken_start(&doc) {
                return self.ndjson(&name, std::io::empty(), &doc);
            }
            let span = self.append(&doc);
            self.record(&name, None, span, doc.len() as u64);
            if self.full() {
                self.flush();
            }
        }
    }

    /// Read NDJSON in blocks into the chunk buffer and split it into lines in
    /// place; `first` is the start of the input, already read.
    fn ndjson(&mut self, name: &Arc<str>, mut reader: impl Read, first: &[u8]) {
        let mut line_no = 0u64;
        let mut start = self.append(first).start;
        let mut scan = start;
        let mut eof = false;
        loop {
            while let Some(pos) = memchr::memchr(b'\n', &self.chunk.data[scan..self.chunk.filled]) {
                let end = scan + pos;
                line_no += 1;
                self.record(name, Some(line_no), start..end, (end + 1 - start) as u64);
                start = end + 1;
                scan = start;
            }
            scan = self.chunk.filled;
            if eof {
                if start < self.chunk.filled {
                    line_no += 1;
                    let end = self.chunk.filled;
                    self.record(name, Some(line_no), start..end, (end - start) as u64);
                }
                return;
            }
            if self.full() && start > 0 {
                // Carry the cut line over to the next chunk (a line longer
                // than a chunk just grows the buffer).
                let tail = self.chunk.data[start..self.chunk.filled].to_vec();
                self.chunk.filled = start;
                self.flush();
                start = self.append(&tail).start;
                scan = self.chunk.filled;
            }
            self.reserve(BLOCK);
            let at = self.chunk.filled;
            match reader.read(&mut self.chunk.data[at..at + BLOCK]) {
                Ok(0) => eof = true,
                Ok(n) => self.chunk.filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.error(name, Some(line_no + 1), "read", format!("cannot read: {e}"));
                    return;
                }
            }
        }
    }
}

fn process(chunk: &Chunk, item: &Item, instruments: &Instruments, stage: Option<Stage>) -> Outcome {
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
    let Some((scorer, view)) = instruments.get(&assessment.instrument.id) else {
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
    match scorer.score(&assessment) {
        // Checked and scored first, so an invalid record is reported whatever its stage.
        Ok(_) if stage.is_some_and(|s| s != assessment.stage) => Outcome::Skipped,
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
