//! The operations every frontend runs: each takes its documents as
//! [`Source`]s (files, bytes in memory, streams) and returns the report the
//! command line prints and the server sends. A frontend parses its own
//! arguments or request into sources, makes one call here, and renders.

use std::borrow::Cow;
use std::path::Path;

use p2ham_model::AwardList;
#[cfg(feature = "rollup")]
use p2ham_model::Stage;
#[cfg(feature = "spreadsheet")]
use p2ham_scoring::skm::{SkmReport, Weights};
use p2ham_scoring::{AwardError, AwardOptions, ComparisonReport, HistoryReport, ScoreReport};

use crate::document::{instrument_ref, read_assessment, read_instrument};
#[cfg(feature = "rollup")]
use crate::rollup::RollupInput;
use crate::validate::instrument_failed;
use crate::{
    document::compare_loaded, document::LoadedAssessment, document::LoadedInstrument,
    validate::validate_sources, validate::ValidationReport, IoError, Source,
};
#[cfg(feature = "rollup")]
use crate::{
    document::DEFAULT_MAX_DOCUMENT_BYTES, rollup::RollupObserver, rollup::RollupOptions,
    rollup::RollupOutcome, rollup::DEFAULT_MAX_LINE_BYTES,
};
#[cfg(feature = "fs")]
use crate::{evidence::verify_evidence, evidence::EvidenceReport};
#[cfg(feature = "spreadsheet")]
use crate::{skm::parse_skm, skm::SkmReadOptions};

/// The instrument an operation checks its documents against, when it is not
/// the built-in each document names.
#[derive(Debug)]
pub enum InstrumentInput<'a> {
    /// A built-in instrument by id, got with [`crate::builtin`] when the
    /// operation runs (an unknown id is an error whose file is
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
            InstrumentInput::Builtin(id) => Ok(Cow::Borrowed(crate::builtin(&id)?)),
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
    let report = crate::document::score_loaded(&document, instrument)?;
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
/// as [`crate::rollup::rollup`] reads them; bytes and streams are NDJSON. Progress
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
    crate::rollup::rollup(inputs, &options, observer)
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
/// lists and verified results of `sources` (see [`crate::award::read_history_sources`]).
pub fn history(
    sources: Vec<Source<'_>>,
    instrument: Option<InstrumentInput<'_>>,
    unit: Option<&str>,
) -> Result<HistoryReport, IoError> {
    let explicit = load(instrument)?;
    let (lists, results) = crate::award::read_history_sources(sources, explicit.as_deref())?;
    Ok(p2ham_scoring::history(&lists, &results, unit))
}

/// What an award round needs besides its verifications: the decision's
/// options, the previous award list, and the seals it requires.
#[derive(Debug, Clone, Default)]
pub struct AwardRound<'a> {
    /// The period, decree, exclusions and required instrument of the decision.
    pub options: AwardOptions,
    /// The award list of the previous round, when there is one.
    pub previous: Option<&'a AwardList>,
    /// Every verification read as a whole file must carry a seal valid under
    /// one of these keys; an empty list requires none.
    #[cfg(feature = "seal")]
    pub require_seal: &'a [crate::seal::PublicKeyFile],
    /// With [`AwardRound::require_seal`]: the folder holding each unit's
    /// evidence folder (`ROOT/<unit id>`), whose files the seals' digests are
    /// checked against too.
    #[cfg(feature = "seal")]
    pub evidence_root: Option<&'a Path>,
}

/// An award list with what was left out to decide it.
#[derive(Debug, Clone)]
pub struct Awarded {
    /// The award list (`p2ham-awards/1`).
    pub list: AwardList,
    /// Self-assessments found in folders and left out (the award rests on
    /// verifications), by file.
    pub skipped_self: Vec<String>,
}

/// A verification an award refused for want of a valid seal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsealed {
    /// The unit it verifies.
    pub unit: String,
    /// The verification, as its source names it.
    pub file: String,
    /// The seal looked for (none for an NDJSON record or a roll-up row, which carries no seal).
    pub seal: Option<std::path::PathBuf>,
    /// Everything wrong with the seal, each naming its file.
    pub problems: Vec<String>,
}

/// Why an award round decided nothing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AwardFailure {
    /// A document could not be read or scored.
    #[error(transparent)]
    Io(#[from] IoError),
    /// Verifications without a valid seal from a listed key, every one listed.
    #[error("{} verification(s) without a valid seal from a listed key:\n{}", .0.len(), unsealed_lines(.0))]
    Unsealed(Vec<Unsealed>),
    /// The decision itself was refused (an exclusion of an unknown unit, a
    /// verification of another instrument, …).
    #[error(transparent)]
    Decision(#[from] AwardError),
}

fn unsealed_lines(refused: &[Unsealed]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for u in refused {
        // Each refused verification is named with its seal, then every problem.
        let _ = match &u.seal {
            Some(seal) => writeln!(
                out,
                "  unit {}: verification {}, seal {}:",
                u.unit,
                u.file,
                seal.display()
            ),
            None => writeln!(out, "  unit {}: {}:", u.unit, u.file),
        };
        for p in &u.problems {
            let _ = writeln!(out, "    {p}");
        }
    }
    out.trim_end().to_owned()
}

/// Decide an award round: read every verification of `verifications` (files,
/// folders, NDJSON, roll-up reports; see [`crate::award::read_verified_sources`]),
/// score each against `instrument` or the built-in it names, check the seals
/// the round requires, and decide the award list against the previous one.
/// The command line and the application both decide a round with this call.
pub fn award(
    verifications: Vec<Source<'_>>,
    instrument: Option<&LoadedInstrument>,
    round: &AwardRound<'_>,
) -> Result<Awarded, AwardFailure> {
    let found = crate::award::read_verified_sources(verifications, instrument)?;
    #[cfg(feature = "seal")]
    if !round.require_seal.is_empty() {
        let refused = unsealed(&found.results, round)?;
        if !refused.is_empty() {
            return Err(AwardFailure::Unsealed(refused));
        }
    }
    let results: Vec<_> = found.results.into_iter().map(|v| v.result).collect();
    let list = p2ham_scoring::decide(&results, round.previous, &round.options)?;
    Ok(Awarded {
        list,
        skipped_self: found.skipped_self,
    })
}

/// The verifications of `results` without a valid seal from one of the round's keys.
#[cfg(feature = "seal")]
fn unsealed(
    results: &[crate::award::VerifiedInput],
    round: &AwardRound<'_>,
) -> Result<Vec<Unsealed>, IoError> {
    let mut refused = Vec::new();
    for v in results {
        let (seal, problems) = match &v.document {
            None => (
                None,
                vec![format!(
                    "{}: an NDJSON record or roll-up row carries no seal; give the verification files",
                    v.result.source.file
                )],
            ),
            Some(doc) => {
                let root = round.evidence_root.map(|r| r.join(&doc.assessment.unit.id));
                let file = doc
                    .path
                    .clone()
                    .unwrap_or_else(|| std::path::PathBuf::from(&doc.file));
                let seal = crate::seal::default_seal_path(&file);
                let problems =
                    crate::seal::verify_seal(doc, root.as_deref(), &seal, round.require_seal)?.problems;
                (Some(seal), problems)
            }
        };
        if !problems.is_empty() {
            refused.push(Unsealed {
                unit: v.result.unit.id.clone(),
                file: v.result.source.file.clone(),
                seal,
                problems,
            });
        }
    }
    Ok(refused)
}

/// An assessment imported from a filled checklist, with the instrument it was checked against.
#[cfg(feature = "spreadsheet")]
#[derive(Debug, Clone)]
pub struct ImportedChecklist<'a> {
    /// The assessment (`p2ham-assessment/1`).
    pub assessment: p2ham_model::Assessment,
    /// The instrument: the one given, or the built-in the checklist names.
    pub instrument: Cow<'a, LoadedInstrument>,
}

/// Why a checklist could not be imported.
#[cfg(feature = "spreadsheet")]
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportFailure {
    /// The checklist or the instrument could not be read.
    #[error(transparent)]
    Io(#[from] IoError),
    /// The checklist is not one, or a cell is wrong (every cell problem listed).
    #[error(transparent)]
    Checklist(#[from] crate::checklist::ChecklistError),
}

/// Import a filled checklist (XLSX, ODS or CSV) as an assessment, checked
/// against `instrument` or the built-in its meta sheet names.
#[cfg(feature = "spreadsheet")]
pub fn import<'a>(
    checklist: Source<'_>,
    instrument: Option<InstrumentInput<'a>>,
    options: &crate::checklist::ImportOptions,
) -> Result<ImportedChecklist<'a>, ImportFailure> {
    let explicit = load(instrument)?;
    let read = checklist.read()?;
    let checklist = crate::checklist::read_checklist(&read.name, &read.bytes)?;
    let instrument = match explicit {
        Some(i) => i,
        None => Cow::Borrowed(
            crate::builtin(&checklist.meta().instrument.id).map_err(|e| e.named_by(&read.name))?,
        ),
    };
    let assessment = checklist.to_assessment(&instrument, options)?;
    Ok(ImportedChecklist {
        assessment,
        instrument,
    })
}
