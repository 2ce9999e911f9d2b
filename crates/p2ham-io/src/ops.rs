//! The operations every frontend runs: each takes its documents as
//! [`Source`]s (files, bytes in memory, streams) and returns the report the
//! command line prints and the server sends. A frontend parses its own
//! arguments or request into sources, makes one call here, and renders.

use std::borrow::Cow;
use std::path::Path;

#[cfg(feature = "rollup")]
use p2ham_model::Stage;
#[cfg(feature = "spreadsheet")]
use p2ham_scoring::skm::{SkmReport, Weights};
use p2ham_scoring::{ComparisonReport, HistoryReport, ScoreReport};

use crate::load::{builtin_or_error, instrument_ref, read_assessment, read_instrument};
#[cfg(feature = "rollup")]
use crate::rollup::RollupInput;
use crate::validate::instrument_failed;
use crate::{
    compare_loaded, validate_sources, IoError, LoadedAssessment, LoadedInstrument, Source, ValidationReport,
};
#[cfg(feature = "spreadsheet")]
use crate::{parse_skm, SkmReadOptions};
#[cfg(feature = "fs")]
use crate::{verify_evidence, EvidenceReport};
#[cfg(feature = "rollup")]
use crate::{
    RollupObserver, RollupOptions, RollupOutcome, DEFAULT_MAX_DOCUMENT_BYTES, DEFAULT_MAX_LINE_BYTES,
};

/// The instrument an operation checks its documents against, when it is not
/// the built-in each document names.
#[derive(Debug)]
pub enum InstrumentInput<'a> {
    /// A built-in instrument by id (an unknown id is an error whose file is
    /// [`needs::ASKED_INSTRUMENT`](crate::needs::ASKED_INSTRUMENT)).
    Builtin(String),
    /// An instrument document (JSON, or TOML by its name or content).
    Source(Source<'a>),
    /// An instrument already loaded (e.g. one a server keeps).
    Loaded(&'a LoadedInstrument),
}

impl<'a> InstrumentInput<'a> {
    /// The name messages give the instrument.
    pub fn name(&self) -> &str {
        match self {
            InstrumentInput::Builtin(id) => id,
            InstrumentInput::Source(s) => s.name(),
            InstrumentInput::Loaded(l) => &l.source,
        }
    }

    /// The file the instrument is read from, when it is one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            InstrumentInput::Source(s) => s.path(),
            InstrumentInput::Loaded(l) => l.path.as_deref(),
            InstrumentInput::Builtin(_) => None,
        }
    }

    /// Read and check the instrument (a built-in or a loaded one is not copied).
    pub fn load(self) -> Result<Cow<'a, LoadedInstrument>, IoError> {
        match self {
            InstrumentInput::Builtin(id) => {
                builtin_or_error(&id, crate::needs::ASKED_INSTRUMENT).map(Cow::Borrowed)
            }
            InstrumentInput::Source(s) => read_instrument(s).map(Cow::Owned),
            InstrumentInput::Loaded(l) => Ok(Cow::Borrowed(l)),
        }
    }
}

fn load(instrument: Option<InstrumentInput<'_>>) -> Result<Option<Cow<'_, LoadedInstrument>>, IoError> {
    instrument.map(InstrumentInput::load).transpose()
}

/// A score report with the document it scores.
#[derive(Debug, Clone)]
pub struct Scored {
    /// The report (`p2ham-score/1`).
    pub report: ScoreReport,
    /// The assessment scored.
    pub document: LoadedAssessment,
}

/// Read an assessment, check it against its instrument (`instrument`, else
/// the built-in its `instrument.id` names) and score it.
pub fn score(document: Source<'_>, instrument: Option<InstrumentInput<'_>>) -> Result<Scored, IoError> {
    let explicit = load(instrument)?;
    let document = read_assessment(document)?;
    let instrument = instrument_ref(&document, explicit.as_deref())?;
    let report = crate::score_loaded(&document, instrument)?;
    Ok(Scored { report, document })
}

/// A comparison report with the two documents it compares.
#[derive(Debug, Clone)]
pub struct Compared {
    /// The report (`p2ham-comparison/1`); the outcome letter is written from it.
    pub report: ComparisonReport,
    /// The self-assessment.
    pub self_assessment: LoadedAssessment,
    /// The verification.
    pub verification: LoadedAssessment,
}

/// Read a self-assessment and its verification and compare them against one
/// instrument (`instrument`, else the built-in the self-assessment names);
/// see [`compare_loaded`] for what is checked.
pub fn compare(
    self_assessment: Source<'_>,
    verification: Source<'_>,
    instrument: Option<InstrumentInput<'_>>,
) -> Result<Compared, IoError> {
    let explicit = load(instrument)?;
    let self_assessment = read_assessment(self_assessment)?;
    let verification = read_assessment(verification)?;
    let instrument = instrument_ref(&self_assessment, explicit.as_deref())?;
    let report = compare_loaded(&self_assessment, &verification, instrument)?;
    Ok(Compared {
        report,
        self_assessment,
        verification,
    })
}

/// Validate every document (instruments on their own, assessments against
/// `instrument` or the built-in they name), reporting every problem of every
/// file. When `instrument` itself cannot be loaded, the report says so as
/// the entry of the instrument, and nothing is checked against another one.
pub fn validate(documents: Vec<Source<'_>>, instrument: Option<InstrumentInput<'_>>) -> ValidationReport {
    let name = instrument.as_ref().map(|i| i.name().to_owned());
    match load(instrument) {
        Ok(explicit) => validate_sources(documents, explicit.as_deref()),
        Err(e) => instrument_failed(&name.unwrap_or_default(), &e),
    }
}

#[cfg(feature = "spreadsheet")]
/// Read SKM survey answers (CSV or a spreadsheet) and compute the index.
pub fn skm(source: Source<'_>, options: &SkmReadOptions, weights: Weights) -> Result<SkmReport, IoError> {
    let read = source.read()?;
    parse_skm(&read.name, &read.bytes, options)?.report(weights)
}

#[cfg(feature = "rollup")]
/// How a roll-up runs, besides its instrument.
#[derive(Debug, Clone, Copy)]
pub struct RollupSettings {
    /// Keep only assessments of this stage; all when `None`.
    pub stage: Option<Stage>,
    /// The longest NDJSON line read (see [`RollupOptions::max_line_bytes`]).
    pub max_line_bytes: usize,
    /// The largest whole-file document read (see [`RollupOptions::max_document_bytes`]).
    pub max_document_bytes: u64,
}

#[cfg(feature = "rollup")]
impl Default for RollupSettings {
    fn default() -> Self {
        Self {
            stage: None,
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            max_document_bytes: DEFAULT_MAX_DOCUMENT_BYTES,
        }
    }
}

#[cfg(feature = "rollup")]
/// Roll up every assessment of `inputs`: a file source is a file or a folder
/// as [`crate::rollup`] reads them; bytes and streams are NDJSON. Progress
/// and each invalid record go to `observer` as they are found.
pub fn rollup(
    inputs: Vec<Source<'_>>,
    instrument: Option<InstrumentInput<'_>>,
    settings: RollupSettings,
    observer: &mut dyn RollupObserver,
) -> Result<RollupOutcome, IoError> {
    let explicit = load(instrument)?;
    let inputs = inputs
        .into_iter()
        .map(|s| match s.into_stream() {
            Ok((name, reader)) => RollupInput::Reader { name, reader },
            Err(file) => RollupInput::Path(file.path().map(Path::to_path_buf).unwrap_or_default()),
        })
        .collect();
    let options = RollupOptions {
        instrument: explicit.as_deref(),
        stage: settings.stage,
        max_line_bytes: settings.max_line_bytes,
        max_document_bytes: settings.max_document_bytes,
    };
    crate::rollup(inputs, &options, observer)
}

#[cfg(feature = "fs")]
/// An evidence report with the documents whose evidence it checks.
#[derive(Debug, Clone)]
pub struct EvidenceChecked {
    /// The report (`p2ham-evidence/1`).
    pub report: EvidenceReport,
    /// The assessments read.
    pub documents: Vec<LoadedAssessment>,
}

#[cfg(feature = "fs")]
/// Check every evidence file the documents reference against the files under
/// `root` (present, digest as recorded, inside the root).
pub fn evidence(documents: Vec<Source<'_>>, root: &Path) -> Result<EvidenceChecked, IoError> {
    let documents = documents
        .into_iter()
        .map(read_assessment)
        .collect::<Result<Vec<_>, _>>()?;
    let report = verify_evidence(&documents, root)?;
    Ok(EvidenceChecked { report, documents })
}

/// The award history of every unit (or of `unit` only) across the award
/// lists and verified results of `sources` (see [`crate::read_history_sources`]).
pub fn history(
    sources: Vec<Source<'_>>,
    instrument: Option<InstrumentInput<'_>>,
    unit: Option<&str>,
) -> Result<HistoryReport, IoError> {
    let explicit = load(instrument)?;
    let (lists, results) = crate::read_history_sources(sources, explicit.as_deref())?;
    Ok(p2ham_scoring::history(&lists, &results, unit))
}
