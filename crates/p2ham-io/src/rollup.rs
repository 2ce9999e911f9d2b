//! Reading many assessments for the national roll-up: assessment files,
//! folders (recursively), NDJSON files and NDJSON streams, read in chunks,
//! each chunk parsed and scored in parallel (rayon). Bad records are reported
//! and counted; the rest are scored. What the caller shows while it runs
//! (progress, invalid records) goes through a [`RollupObserver`].

mod lean;

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc};

use p2ham_model::{Assessment, Code, ModelError, Stage};
use p2ham_scoring::{
    InvalidRecord, LeanScorer, Location, RecordProblem, RollupAccumulator, RollupInstrument, RollupReport,
    ScoringError, UnitRecord,
};
use rayon::prelude::*;

use crate::error::display;
use crate::{
    document::parse_assessment, document::read_document, document::LoadedInstrument,
    document::DEFAULT_MAX_DOCUMENT_BYTES, Diagnostic, IoError, BUILTINS,
};

/// The longest NDJSON line read by default: 16 MiB (a record is typically a
/// few KiB).
pub const DEFAULT_MAX_LINE_BYTES: usize = 16 << 20;

/// How to run a roll-up.
#[derive(Debug, Clone, Copy)]
pub struct RollupOptions<'a> {
    /// Score every assessment against this instrument; without it, each
    /// assessment is scored against the built-in its `instrument.id` names.
    pub instrument: Option<&'a LoadedInstrument>,
    /// Keep only assessments of this stage (valid records of the other stage
    /// are counted as `skipped`); all when `None`.
    pub stage: Option<Stage>,
    /// The longest NDJSON line read (bytes, line end excluded). A longer line
    /// is an invalid record (`too-large`, with its byte offset) and ends the
    /// reading of that input: memory stays bounded whatever the input.
    pub max_line_bytes: usize,
    /// The largest whole-file assessment document read (bytes; see
    /// [`crate::document::max_document_bytes`]); a larger one is an invalid record (`too-large`).
    pub max_document_bytes: u64,
}

impl Default for RollupOptions<'_> {
    fn default() -> Self {
        Self {
            instrument: None,
            stage: None,
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            max_document_bytes: DEFAULT_MAX_DOCUMENT_BYTES,
        }
    }
}

/// One input of a roll-up.
pub enum RollupInput<'a> {
    /// A file (NDJSON or one assessment document) or a folder.
    Path(PathBuf),
    /// An NDJSON stream (e.g. standard input, or bytes a server received),
    /// named `name` in the report.
    Reader {
        /// The name the report gives the stream (e.g. `-`).
        name: String,
        /// The stream, read once, to its end.
        reader: Box<dyn Read + Send + 'a>,
    },
}

impl std::fmt::Debug for RollupInput<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RollupInput::Path(p) => f.debug_tuple("Path").field(p).finish(),
            RollupInput::Reader { name, .. } => f
                .debug_struct("Reader")
                .field("name", name)
                .finish_non_exhaustive(),
        }
    }
}

/// What a roll-up tells its caller while it runs. Every method has a default
/// that does nothing; `()` is the observer that ignores everything.
pub trait RollupObserver {
    /// The run starts; `total_bytes` is the size of every input when all are
    /// files of known size (`None` when a stream is read).
    fn start(&mut self, total_bytes: Option<u64>) {
        let _ = total_bytes;
    }

    /// `bytes` more bytes of input were read and scored.
    fn progress(&mut self, bytes: u64) {
        let _ = bytes;
    }

    /// A record could not be scored (called in input order, as found).
    fn invalid(&mut self, record: &InvalidRecord) {
        let _ = record;
    }
}

impl RollupObserver for () {}

/// The files a roll-up actually read (links followed), by identity (device
/// and inode on Unix), so an output can be refused when it is one of them,
/// whatever name or link it is reached by.
#[derive(Debug, Clone, Default)]
pub struct ReadFiles {
    ids: Vec<FileIdentity>,
}

#[cfg(unix)]
type FileIdentity = (u64, u64);
#[cfg(not(unix))]
type FileIdentity = PathBuf;

impl ReadFiles {
    /// Add a file that was read (e.g. standard input redirected from a file).
    pub fn add(&mut self, path: &Path, metadata: &std::fs::Metadata) {
        if let Some(id) = identity(path, metadata) {
            if !self.ids.contains(&id) {
                self.ids.push(id);
            }
        }
    }

    /// Whether the file at `path` (links followed) is one of the files read.
    pub fn contains(&self, path: &Path) -> bool {
        std::fs::metadata(path)
            .ok()
            .and_then(|m| identity(path, &m))
            .is_some_and(|id| self.ids.contains(&id))
    }

    /// How many files were read.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether no file was read.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

#[cfg(unix)]
#[allow(clippy::unnecessary_wraps)] // not every platform has an identity for every file
fn identity(_path: &Path, metadata: &std::fs::Metadata) -> Option<FileIdentity> {
    use std::os::unix::fs::MetadataExt;
    Some((metadata.dev(), metadata.ino()))
}

#[cfg(not(unix))]
fn identity(path: &Path, _metadata: &std::fs::Metadata) -> Option<FileIdentity> {
    path.canonicalize().ok()
}

/// What a roll-up produced: the report, and the files it read.
#[derive(Debug)]
pub struct RollupOutcome {
    /// The report.
    pub report: RollupReport,
    /// Every file read (to keep an output from replacing one of them).
    pub read: ReadFiles,
}

/// Bytes of input gathered before a chunk is scored in parallel.
const CHUNK_BYTES: usize = 4 << 20;
/// Records gathered before a chunk is scored in parallel.
const CHUNK_RECORDS: usize = 2048;

/// Roll up every assessment of `inputs`. A path is a file (NDJSON when its
/// extension is `.ndjson`/`.jsonl`, its first line is a complete JSON object,
/// or it is not one JSON document but a later line is; otherwise one
/// assessment document) or a folder (every `*.json`, `*.ndjson` and `*.jsonl`
/// inside, recursively, links followed, in name order; a folder with none is
/// an invalid input). A reader is NDJSON. An input that holds no record at
/// all (an empty file or stream) is an invalid input.
///
/// Invalid documents and lines, unreadable paths and assessments naming an
/// unknown instrument become entries of `invalid` in the report; the run goes
/// on. The observer hears of each, in input order, as they are found.
pub fn rollup(
    inputs: Vec<RollupInput<'_>>,
    options: &RollupOptions,
    observer: &mut dyn RollupObserver,
) -> Result<RollupOutcome, IoError> {
    let instruments = Instruments::new(options.instrument)?;
    let streams = inputs.iter().any(|i| matches!(i, RollupInput::Reader { .. }));
    let total_bytes: u64 = inputs
        .iter()
        .map(|i| match i {
            RollupInput::Path(p) => input_size(p),
            RollupInput::Reader { .. } => 0,
        })
        .sum();
    observer.start((!streams).then_some(total_bytes));

    let mut acc = RollupAccumulator::new();
    let limits = (options.max_line_bytes, options.max_document_bytes);
    let read = std::thread::scope(|scope| {
        // The reader fills chunks while the previous one is being scored.
        let (tx, rx) = mpsc::sync_channel::<Chunk>(2);
        // Scored chunks' buffers go back to the reader, so memory is reused.
        let (spare_tx, spare_rx) = mpsc::channel::<Chunk>();
        let reader = scope.spawn(move || {
            let mut reader = ChunkReader::new(tx, spare_rx, limits);
            for input in inputs {
                reader.input(input);
            }
            reader.flush();
            reader.read
        });
        // While the pool scores a chunk, this thread adds the previous chunk's
        // outcomes to the accumulator, in input order.
        let mut scored: Option<(Vec<Outcome>, u64)> = None;
        let mut estimated = false;
        for chunk in rx {
            let mut outcomes = Vec::new();
            rayon::in_place_scope(|pool| {
                pool.spawn(|_| {
                    outcomes = chunk
                        .items
                        .par_iter()
                        .map(|item| process(&chunk, item, &instruments, options.stage))
                        .collect();
                });
                if let Some((previous, bytes)) = scored.take() {
                    accumulate(&mut acc, previous, bytes, observer);
                }
            });
            if !estimated && !streams && chunk.bytes > 0 {
                // Room for every unit at once, estimated from the first chunk,
                // so the unit list is not copied as it grows.
                estimated = true;
                let per_record = (chunk.bytes / chunk.items.len().max(1) as u64).max(1);
                let expected = total_bytes / per_record + total_bytes / per_record / 16;
                acc.reserve(usize::try_from(expected).unwrap_or(0).min(MAX_RESERVED_UNITS));
            }
            scored = Some((outcomes, chunk.bytes));
            let _ = spare_tx.send(chunk);
        }
        if let Some((previous, bytes)) = scored.take() {
            accumulate(&mut acc, previous, bytes, observer);
        }
        reader.join().unwrap_or_default()
    });
    let report = acc.finish().map_err(|source| IoError::Scoring {
        file: "rollup".into(),
        source,
    })?;
    Ok(RollupOutcome { report, read })
}

/// The most units room is made for in advance (the estimate can be wrong:
/// a file of large records that starts with small ones).
const MAX_RESERVED_UNITS: usize = 4_000_000;

/// Add one chunk's outcomes to the accumulator, in input order.
fn accumulate(
    acc: &mut RollupAccumulator,
    outcomes: Vec<Outcome>,
    bytes: u64,
    observer: &mut dyn RollupObserver,
) {
    for o in outcomes {
        match o {
            Outcome::Unit(r) => acc.add(r),
            Outcome::Skipped => acc.add_skipped(),
            Outcome::Invalid(i) => {
                observer.invalid(&i);
                acc.add_invalid(i);
            }
        }
    }
    observer.progress(bytes);
}

fn input_size(path: &Path) -> u64 {
    if path.is_dir() {
        walkdir::WalkDir::new(path)
            .follow_links(true)
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
            .map(|b| prepare(crate::builtin(b.id)?))
            .collect::<Result<_, IoError>>()?;
        Ok(Self {
            explicit: None,
            builtins,
        })
    }

    /// The scorer and view for an index given by [`lean::Scorers`].
    fn at(&self, index: usize) -> Option<&(LeanScorer, Arc<RollupInstrument>)> {
        match &self.explicit {
            Some(e) => (index == 0).then_some(e),
            None => self.builtins.get(index),
        }
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

impl lean::Scorers for Instruments {
    fn find(&self, id: &str) -> Option<(usize, &LeanScorer)> {
        if let Some((s, _)) = &self.explicit {
            return Some((0, s));
        }
        self.builtins
            .iter()
            .enumerate()
            .find(|(_, (s, _))| s.instrument().instrument().id == id)
            .map(|(i, (s, _))| (i, s))
    }

    fn explicit(&self) -> Option<(usize, &LeanScorer)> {
        self.explicit.as_ref().map(|(s, _)| (0, s))
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
    error: Option<(Code, String)>,
}

// A unit is not boxed: that would cost an allocation per record.
#[allow(clippy::large_enum_variant)]
enum Outcome {
    Unit(UnitRecord),
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
    max_line: usize,
    max_document: u64,
    /// Every file opened.
    read: ReadFiles,
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
/// document, it does not merely end too early (a truncated pretty-printed
/// document is one document, with one error), and some later line is a
/// complete JSON value.
fn is_ndjson_with_broken_start(doc: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(doc).is_err_and(|e| !e.is_eof())
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

fn cannot_read(e: &std::io::Error) -> String {
    format!("cannot read: {e}")
}

impl ChunkReader {
    fn new(
        tx: mpsc::SyncSender<Chunk>,
        spare: mpsc::Receiver<Chunk>,
        (max_line, max_document): (usize, u64),
    ) -> Self {
        Self {
            tx,
            spare,
            chunk: Self::empty(),
            max_line,
            max_document,
            read: ReadFiles::default(),
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

    /// A record already in the buffer at `span`; blank NDJSON lines are
    /// skipped. Whether it is a record (not blank).
    fn record(&mut self, file: &Arc<str>, line: Option<u64>, span: Range<usize>, consumed: u64) -> bool {
        self.chunk.bytes += consumed;
        let span = trim_span(&self.chunk.data, span);
        // A blank NDJSON line is skipped; an empty document file is invalid.
        if span.is_empty() && line.is_some() {
            return false;
        }
        let f = self.file_index(file);
        self.chunk.items.push(Item {
            file: f,
            line,
            span,
            error: None,
        });
        true
    }

    fn error(&mut self, file: &Arc<str>, line: Option<u64>, code: Code, message: String) {
        let f = self.file_index(file);
        let at = self.chunk.filled;
        self.chunk.items.push(Item {
            file: f,
            line,
            span: at..at,
            error: Some((code, message)),
        });
    }

    fn input(&mut self, input: RollupInput) {
        match input {
            RollupInput::Path(path) => self.path(&path),
            RollupInput::Reader { name, reader } => {
                let name: Arc<str> = name.into();
                self.ndjson(&name, reader, &[]);
            }
        }
    }

    fn path(&mut self, path: &Path) {
        let name: Arc<str> = display(path).into();
        if path.is_dir() {
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
                        self.error(&at, None, Code::Read, format!("cannot read: {e}"));
                    }
                }
            }
            if found == 0 {
                self.error(
                    &name,
                    None,
                    Code::Input,
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
            Err(e) => return self.error(&name, None, Code::Read, cannot_read(&e)),
        };
        if let Ok(m) = file.metadata() {
            self.read.add(path, &m);
        }
        let mut reader = BufReader::with_capacity(BLOCK, file);
        // The first line decides how the file is read; it is bounded like any line.
        let mut first = Vec::new();
        let limit = self.max_line as u64 + 1;
        if let Err(e) = reader.by_ref().take(limit).read_until(b'\n', &mut first) {
            return self.error(&name, None, Code::Read, cannot_read(&e));
        }
        strip_bom(&mut first);
        let long_first = first.len() as u64 >= limit && first.last() != Some(&b'\n');
        if long_first || is_ndjson_name(path) || is_complete_json(&first) {
            self.ndjson(&name, reader, &first);
        } else {
            // One document (the rest of the file), unless it is NDJSON whose first line is broken.
            let doc = match read_document(
                &name,
                std::io::Cursor::new(first).chain(reader),
                self.max_document,
            ) {
                Ok(doc) => doc,
                Err(e) => {
                    let code = e.code();
                    // The file is named by the record; the message is the rest.
                    let message = e.to_string();
                    let message = message
                        .strip_prefix(&format!("{name}: "))
                        .unwrap_or(&message)
                        .to_owned();
                    return self.error(&name, None, code, message);
                }
            };
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
    /// place; `first` is the start of the input, already read. A line longer
    /// than the limit ends the reading of this input; an input without any
    /// record is invalid.
    fn ndjson(&mut self, name: &Arc<str>, mut reader: impl Read, first: &[u8]) {
        let mut line_no = 0u64;
        let mut records = 0u64;
        // Byte offset in the input of `start`.
        let mut offset = 0u64;
        let mut start = self.append(first).start;
        let mut scan = start;
        let mut eof = false;
        loop {
            while let Some(pos) = memchr::memchr(b'\n', &self.chunk.data[scan..self.chunk.filled]) {
                let end = scan + pos;
                line_no += 1;
                if end - start > self.max_line {
                    return self.too_long(name, line_no, offset, start);
                }
                records += u64::from(self.record(name, Some(line_no), start..end, (end + 1 - start) as u64));
                offset += (end + 1 - start) as u64;
                start = end + 1;
                scan = start;
            }
            scan = self.chunk.filled;
            if self.chunk.filled - start > self.max_line {
                return self.too_long(name, line_no + 1, offset, start);
            }
            if eof {
                if start < self.chunk.filled {
                    line_no += 1;
                    let end = self.chunk.filled;
                    records += u64::from(self.record(name, Some(line_no), start..end, (end - start) as u64));
                }
                if records == 0 {
                    self.error(
                        name,
                        None,
                        Code::Input,
                        "no records: the input is empty".to_owned(),
                    );
                }
                return;
            }
            if self.full() && start > 0 {
                // Carry the cut line over to the next chunk.
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
                    self.chunk.filled = start;
                    self.error(name, Some(line_no + 1), Code::Read, cannot_read(&e));
                    return;
                }
            }
        }
    }

    /// A line over the limit: reported, and the rest of the input left unread.
    fn too_long(&mut self, name: &Arc<str>, line: u64, offset: u64, start: usize) {
        let message = format!(
            "the line starting at byte offset {offset} is longer than the limit of {} bytes; the rest of this input was not read",
            self.max_line
        );
        // Drop the partial line from the buffer: only the error is kept.
        self.chunk.filled = start;
        self.error(name, Some(line), Code::TooLarge, message);
    }
}

fn process(chunk: &Chunk, item: &Item, instruments: &Instruments, stage: Option<Stage>) -> Outcome {
    process_with(chunk, item, instruments, stage, true)
}

/// [`process`], with or without the fast path (the tests compare both).
fn process_with(
    chunk: &Chunk,
    item: &Item,
    instruments: &Instruments,
    stage: Option<Stage>,
    fast: bool,
) -> Outcome {
    let file = &chunk.files[item.file];
    let invalid = |problems: Vec<RecordProblem>| {
        Outcome::Invalid(InvalidRecord {
            file: file.to_string(),
            line: item.line,
            problems,
        })
    };
    if let Some((code, message)) = &item.error {
        return invalid(vec![problem(*code, "", message.clone())]);
    }
    let bytes = &chunk.data[item.span.clone()];
    let source = || Location {
        file: Arc::clone(file),
        line: item.line,
    };
    // Fast path: parsed, checked and scored in one pass; any doubt goes to the full path.
    if let Some(r) = fast.then(|| lean::read(bytes, instruments)).flatten() {
        if stage.is_some_and(|s| s != r.stage) {
            return Outcome::Skipped;
        }
        let Some((_, view)) = instruments.at(r.scorer) else {
            return invalid(vec![problem(Code::Scoring, "", "no instrument".to_owned())]);
        };
        return Outcome::Unit(UnitRecord::from_parts(
            view,
            r.unit,
            r.period,
            r.stage,
            &r.score,
            source(),
        ));
    }
    // Full path: typed parse (with the path of an error, and never reading an
    // object from an array), the instrument's check and the exact core.
    let assessment: Assessment = match parse_assessment(file, bytes) {
        Ok(a) => a,
        Err(e) => return invalid(diagnostics(&e, item.line.is_some())),
    };
    let Some((scorer, view)) = instruments.get(&assessment.instrument.id) else {
        return invalid(vec![problem(
            Code::UnknownInstrument,
            "instrument.id",
            format!(
                "instrument `{}` is not built in (built-in: {}); give the instrument file to score it",
                assessment.instrument.id,
                BUILTINS.iter().map(|b| b.id).collect::<Vec<_>>().join(", ")
            ),
        )]);
    };
    match scorer.score(&assessment) {
        // Checked and scored first, so an invalid record is reported whatever its stage.
        Ok(_) if stage.is_some_and(|s| s != assessment.stage) => Outcome::Skipped,
        Ok(lean) => Outcome::Unit(UnitRecord::new(view, assessment, &lean, source())),
        Err(ScoringError::Model(ModelError::InvalidAssessment { problems, .. })) => {
            let e = IoError::Invalid {
                file: file.to_string(),
                problems,
            };
            invalid(diagnostics(&e, item.line.is_some()))
        }
        Err(source) => {
            let message = source.to_string();
            invalid(vec![problem(Code::Scoring, "", message)])
        }
    }
}

fn problem(code: Code, path: &str, message: String) -> RecordProblem {
    Diagnostic::new(code, path, message).into()
}

/// The problems an error stands for. In an NDJSON record the parser's line is
/// always 1: the record's line is given instead, and only the column kept.
fn diagnostics(e: &IoError, ndjson: bool) -> Vec<RecordProblem> {
    e.diagnostics()
        .into_iter()
        .map(|d| {
            let (line, column) = (if ndjson { None } else { d.line }, d.column);
            RecordProblem::from(d.at(line, column))
        })
        .collect()
}

#[cfg(test)]
#[path = "rollup/tests.rs"]
mod tests;
