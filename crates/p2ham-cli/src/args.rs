//! Command-line flags as plain structs, and the dispatch that turns them into
//! library calls.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};
use p2ham_io::model::{Lang, Stage};
use p2ham_io::scoring::skm::Weights;
use p2ham_io::{
    compare_loaded, compare_to_csv, compare_to_markdown, compare_to_text, evidence_manifest,
    evidence_to_text, instrument_for, invalid_to_text, letter_markdown, load_assessment, load_builtin,
    load_instrument, rollup_to_csv, rollup_to_json_writer, rollup_to_markdown, rollup_to_text, schema_kind,
    score_loaded, score_to_csv, score_to_html, score_to_markdown, score_to_text, skm_report, skm_to_csv,
    skm_to_json, skm_to_markdown, skm_to_text, to_json, validate_with, verify_evidence, write_atomic,
    write_atomic_with, SkmReadOptions, BUILTINS, SCHEMAS,
};

use crate::Failure;

/// Exact, explained evaluation of human-rights-based public service (P2HAM).
#[derive(Debug, Parser)]
#[command(name = "p2ham", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the P2HAM application (HTTP API): uploads, verification workflow, roles, audit log.
    Serve(crate::serve::ServeArgs),
    /// Set up the application from the command line: administrators, users, units, periods, audit check.
    #[command(subcommand)]
    Admin(crate::serve::AdminCommand),
    /// The built-in instruments.
    #[command(subcommand)]
    Instrument(InstrumentCommand),
    /// Print or write the JSON Schemas of every document.
    Schema {
        /// One schema (instrument, assessment, …); all when omitted.
        kind: Option<String>,
        /// Write `<kind>.schema.json` files into this folder instead of printing.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Check documents: every problem of every file, exit 1 if any.
    Validate {
        /// Instrument file or built-in id to check assessments against.
        #[arg(long, short, value_name = "I")]
        instrument: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ValidateFormat::Text)]
        format: ValidateFormat,
        /// Documents to check (`-` reads standard input).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Score an assessment, explaining every point, with the award decision.
    Score {
        /// Instrument file or built-in id (default: the built-in the assessment names).
        #[arg(long, short, value_name = "I")]
        instrument: Option<String>,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = ScoreFormat::Text)]
        format: ScoreFormat,
        #[command(flatten)]
        out: Output,
        /// The assessment (`-` reads standard input).
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Public satisfaction index (SKM/IKM) per PermenPANRB 14/2017 from survey
    /// answers (CSV or XLSX; columns U1…U9, answers 1–4, blank = not answered).
    Skm {
        /// The survey file: CSV (`,` or `;`), XLSX/XLS/ODS; `-` reads standard input.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Element weight: exactly 1/9, or the published 0,111, or the spreadsheet 0.1111.
        #[arg(long, value_enum, default_value_t = SkmWeights::Exact)]
        weights: SkmWeights,
        /// Also compute the index per value of this column (e.g. `jenis_layanan`).
        #[arg(long, value_name = "COLUMN")]
        by: Option<String>,
        /// The worksheet of a spreadsheet (default: the first).
        #[arg(long, value_name = "NAME")]
        sheet: Option<String>,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = ReportFormat::Json)]
        format: ReportFormat,
        #[command(flatten)]
        out: Output,
    },
    /// Roll up many assessments: one row per unit, summaries per office and
    /// nationally, a ranking and the gap analysis. Invalid records are reported
    /// (exit 1) without stopping the run.
    Rollup {
        /// Instrument file or built-in id (default: the built-in each assessment names).
        #[arg(long, short, value_name = "I")]
        instrument: Option<String>,
        /// Output format (csv: one row per unit).
        #[arg(long, short, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
        #[command(flatten)]
        out: Output,
        /// Keep only assessments of this stage (e.g. `verification` for the
        /// verified national result); all stages when omitted.
        #[arg(long, value_enum)]
        stage: Option<StageArg>,
        /// Never draw a progress bar (it is only drawn when standard error is a terminal).
        #[arg(long)]
        no_progress: bool,
        /// Assessment files, folders (searched recursively for *.json, *.ndjson,
        /// *.jsonl) or NDJSON files; `-` reads NDJSON from standard input.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Compare a self-assessment with its verification: discrepancies, both totals, the verified award.
    Compare {
        /// Instrument file or built-in id (default: the built-in the self-assessment names).
        #[arg(long, short, value_name = "I")]
        instrument: Option<String>,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
        #[command(flatten)]
        out: Output,
        /// The unit's self-assessment.
        #[arg(value_name = "SELF")]
        self_file: PathBuf,
        /// The regional team's verification of it.
        #[arg(value_name = "VERIFIED")]
        verified_file: PathBuf,
    },
    /// Evidence integrity: check the files an assessment references, or list a folder's digests.
    #[command(subcommand)]
    Evidence(EvidenceCommand),
    /// The outcome letter (Berita Acara / Surat Keterangan Hasil Evaluasi) in Markdown.
    Letter {
        /// Instrument file or built-in id (default: the built-in the self-assessment names).
        #[arg(long, short, value_name = "I")]
        instrument: Option<String>,
        #[command(flatten)]
        out: Output,
        /// The unit's self-assessment.
        #[arg(value_name = "SELF")]
        self_file: PathBuf,
        /// The regional team's verification of it.
        #[arg(value_name = "VERIFIED")]
        verified_file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum EvidenceCommand {
    /// Hash every evidence file the assessments reference under --root; exit 1 when
    /// any is missing, altered, refused or unreadable (unreferenced files only warn).
    Verify {
        /// The evidence folder the assessments' paths are relative to.
        #[arg(long, value_name = "DIR")]
        root: PathBuf,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = EvidenceFormat::Text)]
        format: EvidenceFormat,
        #[command(flatten)]
        out: Output,
        /// Assessments (a self-assessment, its verification, or both).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Print `<sha256>  <path>` for every file under DIR, sorted by path (`sha256sum -c` reads it inside DIR).
    Manifest {
        /// Write to this file (atomically; `-` is standard output) instead of standard output.
        #[arg(long, short, value_name = "F")]
        output: Option<PathBuf>,
        /// The folder.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum EvidenceFormat {
    Text,
    Json,
}

/// The element weight of the SKM index.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum SkmWeights {
    /// Exactly 1/9 per element.
    Exact,
    /// 0,111 per element, as printed in the regulation.
    #[value(name = "0.111")]
    W0111,
    /// 0.1111 per element, as in many spreadsheets.
    #[value(name = "0.1111")]
    W01111,
}

/// Formats of a report.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ReportFormat {
    Json,
    Text,
    Md,
    Csv,
}

/// Formats of a score report: those of every report, plus a standalone HTML page.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ScoreFormat {
    Json,
    Text,
    Md,
    Csv,
    Html,
}

/// Where, and in which language, a report is written.
#[derive(Debug, Args)]
struct Output {
    /// Language of human-readable output.
    #[arg(long, value_enum, default_value_t = LangArg::Id)]
    lang: LangArg,
    /// Write to this file (atomically; `-` is standard output) instead of standard output.
    #[arg(long, short, value_name = "F")]
    output: Option<PathBuf>,
}

/// A stage of assessment.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum StageArg {
    /// The units' self-assessments.
    #[value(name = "self")]
    SelfAssessment,
    /// The regional teams' verifications.
    Verification,
}

impl From<StageArg> for Stage {
    fn from(s: StageArg) -> Self {
        match s {
            StageArg::SelfAssessment => Stage::SelfAssessment,
            StageArg::Verification => Stage::Verification,
        }
    }
}

/// The language of a human-readable report.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum LangArg {
    Id,
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Self {
        match l {
            LangArg::Id => Lang::Id,
            LangArg::En => Lang::En,
        }
    }
}

#[derive(Debug, Subcommand)]
enum InstrumentCommand {
    /// List the built-in instruments.
    List,
    /// Print a built-in instrument as JSON.
    Show {
        /// The instrument id, e.g. `p2ham-2022`.
        id: String,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ValidateFormat {
    Text,
    Json,
}

/// Run a parsed command line.
pub fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Serve(args) => crate::serve::serve(&args),
        Command::Admin(cmd) => crate::serve::admin(cmd),
        Command::Instrument(InstrumentCommand::List) => instrument_list(),
        Command::Instrument(InstrumentCommand::Show { id }) => instrument_show(&id),
        Command::Schema { kind, out } => schema(kind.as_deref(), out),
        Command::Validate {
            instrument,
            format,
            files,
        } => validate(instrument.as_deref(), format, &files),
        Command::Score {
            instrument,
            format,
            out,
            file,
        } => score(
            instrument.as_deref(),
            format,
            out.lang.into(),
            out.output.as_ref(),
            &file,
        ),
        Command::Skm {
            file,
            weights,
            by,
            sheet,
            format,
            out,
        } => skm(
            &file,
            weights,
            &SkmReadOptions { by, sheet },
            format,
            out.lang,
            out.output.as_ref(),
        ),
        Command::Rollup {
            instrument,
            format,
            out,
            no_progress,
            stage,
            paths,
        } => rollup(
            instrument.as_deref(),
            format,
            out.lang.into(),
            out.output.as_ref(),
            !no_progress,
            stage.map(Into::into),
            &paths,
        ),
        Command::Compare {
            instrument,
            format,
            out,
            self_file,
            verified_file,
        } => {
            let (report, inputs) = compared(instrument.as_deref(), &self_file, &verified_file)?;
            let lang = out.lang.into();
            let text = match format {
                ReportFormat::Json => to_json(&report),
                ReportFormat::Text => compare_to_text(&report, lang),
                ReportFormat::Md => compare_to_markdown(&report, lang),
                ReportFormat::Csv => compare_to_csv(&report, lang),
            };
            emit(&text, out.output.as_ref(), &inputs)
        }
        Command::Letter {
            instrument,
            out,
            self_file,
            verified_file,
        } => {
            let (report, inputs) = compared(instrument.as_deref(), &self_file, &verified_file)?;
            emit(
                &letter_markdown(&report, out.lang.into()),
                out.output.as_ref(),
                &inputs,
            )
        }
        Command::Evidence(EvidenceCommand::Verify {
            root,
            format,
            out,
            files,
        }) => {
            let documents = files
                .iter()
                .map(|f| load_assessment(f))
                .collect::<Result<Vec<_>, _>>()?;
            let report = verify_evidence(&documents, &root)?;
            let text = match format {
                EvidenceFormat::Json => to_json(&report),
                EvidenceFormat::Text => evidence_to_text(&report, out.lang.into()),
            };
            let mut inputs = files.clone();
            inputs.push(root);
            emit(&text, out.output.as_ref(), &inputs)?;
            if report.ok {
                Ok(())
            } else {
                Err(Failure::Reported)
            }
        }
        Command::Evidence(EvidenceCommand::Manifest { output, dir }) => {
            let text = evidence_manifest(&dir)?;
            emit(&text, output.as_ref(), &[dir])
        }
    }
}

pub(crate) fn print(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`p2ham … | head`) is not an error of ours.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::Usage(format!("cannot write to standard output: {e}"))),
    }
}

/// Write to standard error. A closed or full standard error is no reason to
/// fail (or panic): the exit code still tells the outcome.
pub(crate) fn warn(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// The output file asked for, if any: `-o -` means standard output.
fn output_file(output: Option<&PathBuf>) -> Option<&PathBuf> {
    output.filter(|p| p.as_os_str() != "-")
}

/// Print to stdout, or write atomically to `output` (never over an input).
pub(crate) fn emit(text: &str, output: Option<&PathBuf>, inputs: &[PathBuf]) -> Result<(), Failure> {
    match output_file(output) {
        Some(path) => Ok(write_atomic(path, text.as_bytes(), inputs)?),
        None => print(text),
    }
}

fn instrument_list() -> Result<(), Failure> {
    let mut text = String::new();
    for b in BUILTINS {
        let loaded = load_builtin(b.id).expect("listed built-in exists")?;
        let ins = loaded.checked.instrument();
        let indicators = ins.indicators().count();
        let _ = writeln!(
            text,
            "{}\t{}\t{} criteria, {} indicators\t{}",
            ins.id,
            ins.version,
            ins.criteria.len(),
            indicators,
            ins.title.id
        );
    }
    print(&text)
}

fn instrument_show(id: &str) -> Result<(), Failure> {
    match p2ham_io::builtin(id) {
        Some(b) => print(b.source),
        None => Err(Failure::Usage(format!(
            "instrument `{id}` is not built in; built-in: {}",
            p2ham_io::builtin_ids()
        ))),
    }
}

fn schema(kind: Option<&str>, out: Option<PathBuf>) -> Result<(), Failure> {
    let kinds: Vec<_> = match kind {
        Some(name) => vec![schema_kind(name).ok_or_else(|| {
            let known: Vec<_> = SCHEMAS.iter().map(|s| s.name).collect();
            Failure::Usage(format!("no schema `{name}`; known: {}", known.join(", ")))
        })?],
        None => SCHEMAS.iter().collect(),
    };
    match out {
        Some(dir) => {
            std::fs::create_dir_all(&dir)
                .map_err(|e| Failure::Usage(format!("{}: cannot create folder: {e}", dir.display())))?;
            for k in kinds {
                write_atomic(
                    &dir.join(format!("{}.schema.json", k.name)),
                    k.to_pretty().as_bytes(),
                    &[],
                )?;
            }
            Ok(())
        }
        None if kinds.len() == 1 => print(&kinds[0].to_pretty()),
        None => {
            let all: serde_json::Map<String, serde_json::Value> =
                kinds.iter().map(|k| (k.name.to_owned(), k.schema())).collect();
            let mut s = serde_json::to_string_pretty(&all).expect("schemas serialise");
            s.push('\n');
            print(&s)
        }
    }
}

fn validate(instrument: Option<&str>, format: ValidateFormat, files: &[PathBuf]) -> Result<(), Failure> {
    let report = validate_with(files, instrument);
    let text = match format {
        ValidateFormat::Text => report.to_text(),
        ValidateFormat::Json => {
            let mut s = serde_json::to_string_pretty(&report).expect("report serialises");
            s.push('\n');
            s
        }
    };
    print(&text)?;
    if report.valid {
        Ok(())
    } else {
        Err(Failure::Reported)
    }
}

fn score(
    instrument: Option<&str>,
    format: ScoreFormat,
    lang: Lang,
    output: Option<&PathBuf>,
    file: &Path,
) -> Result<(), Failure> {
    if instrument == Some("-") && file.as_os_str() == "-" {
        return Err(Failure::Usage(
            "standard input can be read once: give the instrument or the assessment as a file".into(),
        ));
    }
    let explicit = instrument.map(load_instrument).transpose()?;
    let assessment = load_assessment(file)?;
    let instrument = instrument_for(&assessment, explicit.as_ref())?;
    let report = score_loaded(&assessment, &instrument)?;
    let text = match format {
        ScoreFormat::Json => to_json(&report),
        ScoreFormat::Text => score_to_text(&report, lang),
        ScoreFormat::Md => score_to_markdown(&report, lang),
        ScoreFormat::Csv => score_to_csv(&report, lang),
        ScoreFormat::Html => score_to_html(&report, lang),
    };
    let mut inputs = vec![file.to_path_buf()];
    inputs.extend(instrument.path.clone());
    emit(&text, output, &inputs)
}

fn skm(
    file: &PathBuf,
    weights: SkmWeights,
    options: &SkmReadOptions,
    format: ReportFormat,
    lang: LangArg,
    output: Option<&PathBuf>,
) -> Result<(), Failure> {
    let weights = match weights {
        SkmWeights::Exact => Weights::Exact,
        SkmWeights::W0111 => Weights::Published0111,
        SkmWeights::W01111 => Weights::Spreadsheet01111,
    };
    let lang = Lang::from(lang);
    let report = skm_report(file, options, weights)?;
    let text = match format {
        ReportFormat::Json => skm_to_json(&report),
        ReportFormat::Text => skm_to_text(&report, lang),
        ReportFormat::Md => skm_to_markdown(&report, lang),
        ReportFormat::Csv => skm_to_csv(&report, lang),
    };
    emit(&text, output, std::slice::from_ref(file))
}

/// Load both documents and their instrument, and compare them.
fn compared(
    instrument: Option<&str>,
    self_file: &Path,
    verified_file: &Path,
) -> Result<(p2ham_io::scoring::ComparisonReport, Vec<PathBuf>), Failure> {
    let explicit = instrument.map(load_instrument).transpose()?;
    let self_assessment = load_assessment(self_file)?;
    let verification = load_assessment(verified_file)?;
    let instrument = instrument_for(&self_assessment, explicit.as_ref())?;
    let report = compare_loaded(&self_assessment, &verification, &instrument)?;
    let mut inputs = vec![self_file.to_path_buf(), verified_file.to_path_buf()];
    inputs.extend(instrument.path.clone());
    Ok((report, inputs))
}

fn rollup(
    instrument: Option<&str>,
    format: ReportFormat,
    lang: Lang,
    output: Option<&PathBuf>,
    progress: bool,
    stage: Option<Stage>,
    paths: &[PathBuf],
) -> Result<(), Failure> {
    let explicit = instrument.map(load_instrument).transpose()?;
    let options = p2ham_io::RollupOptions {
        instrument: explicit.as_ref(),
        progress,
        stage,
    };
    let mut report = p2ham_io::rollup(paths, &options, |invalid| warn(&invalid_to_text(invalid)))?;
    let mut inputs: Vec<PathBuf> = paths.iter().filter(|p| p.as_os_str() != "-").cloned().collect();
    inputs.extend(explicit.and_then(|i| i.path));
    let text = match format {
        // Streamed: a national report is tens of megabytes.
        ReportFormat::Json => None,
        ReportFormat::Text => Some(rollup_to_text(&report, lang)),
        ReportFormat::Md => Some(rollup_to_markdown(&report, lang)),
        ReportFormat::Csv => Some(rollup_to_csv(&report)),
    };
    match (text, output_file(output)) {
        (Some(text), _) => emit(&text, output, &inputs)?,
        (None, Some(path)) => write_atomic_with(path, &inputs, |w| rollup_to_json_writer(w, &mut report))?,
        (None, None) => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            match rollup_to_json_writer(&mut out, &mut report).and_then(|()| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    return Err(Failure::Usage(format!("cannot write to standard output: {e}")));
                }
                _ => {}
            }
        }
    }
    let c = &report.records;
    warn(&format!(
        "rollup: {} record(s) read, {} unit(s) counted, {} invalid, {} duplicate(s) not counted, {} of another stage skipped\n",
        c.read, c.units, c.invalid, c.duplicates, c.skipped
    ));
    if c.invalid > 0 {
        Err(Failure::Reported)
    } else {
        Ok(())
    }
}
