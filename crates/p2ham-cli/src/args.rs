//! Command-line flags as plain structs, and the dispatch that turns them into
//! library calls.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};
use p2ham_io::model::Lang;
use p2ham_io::{
    instrument_for, invalid_to_text, load_assessment, load_builtin, load_instrument, rollup_to_csv,
    rollup_to_json_writer, rollup_to_markdown, rollup_to_text, schema_kind, score_loaded, score_to_csv,
    score_to_markdown, score_to_text, to_json, validate_files, write_atomic, write_atomic_with, BUILTINS,
    SCHEMAS,
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
        #[arg(long, short, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
        /// Language of human-readable output.
        #[arg(long, value_enum, default_value_t = LangArg::Id)]
        lang: LangArg,
        /// Write to this file (atomically) instead of standard output.
        #[arg(long, short, value_name = "F")]
        output: Option<PathBuf>,
        /// The assessment (`-` reads standard input).
        #[arg(value_name = "FILE")]
        file: PathBuf,
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
        /// Language of human-readable output.
        #[arg(long, value_enum, default_value_t = LangArg::Id)]
        lang: LangArg,
        /// Write to this file (atomically) instead of standard output.
        #[arg(long, short, value_name = "F")]
        output: Option<PathBuf>,
        /// Never draw a progress bar (it is only drawn when standard error is a terminal).
        #[arg(long)]
        no_progress: bool,
        /// Assessment files, folders (searched recursively for *.json, *.ndjson,
        /// *.jsonl) or NDJSON files; `-` reads NDJSON from standard input.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
}

/// Formats of a report.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ReportFormat {
    Json,
    Text,
    Md,
    Csv,
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
            lang,
            output,
            file,
        } => score(instrument.as_deref(), format, lang.into(), output.as_ref(), &file),
        Command::Rollup {
            instrument,
            format,
            lang,
            output,
            no_progress,
            paths,
        } => rollup(
            instrument.as_deref(),
            format,
            lang.into(),
            output.as_ref(),
            !no_progress,
            &paths,
        ),
    }
}

pub(crate) fn print(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`p2ham … | head`) is not an error of ours.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::Invalid(format!("cannot write to standard output: {e}"))),
    }
}

/// Print to stdout, or write atomically to `output` (never over an input).
pub(crate) fn emit(text: &str, output: Option<&PathBuf>, inputs: &[PathBuf]) -> Result<(), Failure> {
    match output {
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
                .map_err(|e| Failure::Invalid(format!("{}: cannot create folder: {e}", dir.display())))?;
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
    let instrument = instrument.map(load_instrument).transpose()?;
    let report = validate_files(files, instrument.as_ref());
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
    format: ReportFormat,
    lang: Lang,
    output: Option<&PathBuf>,
    file: &Path,
) -> Result<(), Failure> {
    let explicit = instrument.map(load_instrument).transpose()?;
    let assessment = load_assessment(file)?;
    let instrument = instrument_for(&assessment, explicit.as_ref())?;
    let report = score_loaded(&assessment, &instrument)?;
    let text = match format {
        ReportFormat::Json => to_json(&report),
        ReportFormat::Text => score_to_text(&report, lang),
        ReportFormat::Md => score_to_markdown(&report, lang),
        ReportFormat::Csv => score_to_csv(&report, lang),
    };
    let mut inputs = vec![file.to_path_buf()];
    inputs.extend(instrument.path.clone());
    emit(&text, output, &inputs)
}

fn rollup(
    instrument: Option<&str>,
    format: ReportFormat,
    lang: Lang,
    output: Option<&PathBuf>,
    progress: bool,
    paths: &[PathBuf],
) -> Result<(), Failure> {
    let explicit = instrument.map(load_instrument).transpose()?;
    let options = p2ham_io::RollupOptions {
        instrument: explicit.as_ref(),
        progress,
    };
    let mut report = p2ham_io::rollup(paths, &options, |invalid| {
        eprint!("{}", invalid_to_text(invalid));
    })?;
    let mut inputs: Vec<PathBuf> = paths.iter().filter(|p| p.as_os_str() != "-").cloned().collect();
    inputs.extend(explicit.and_then(|i| i.path));
    let text = match format {
        // Streamed: a national report is tens of megabytes.
        ReportFormat::Json => None,
        ReportFormat::Text => Some(rollup_to_text(&report, lang)),
        ReportFormat::Md => Some(rollup_to_markdown(&report, lang)),
        ReportFormat::Csv => Some(rollup_to_csv(&report)),
    };
    match (text, output) {
        (Some(text), _) => emit(&text, output, &inputs)?,
        (None, Some(path)) => write_atomic_with(path, &inputs, |w| rollup_to_json_writer(w, &mut report))?,
        (None, None) => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            match rollup_to_json_writer(&mut out, &mut report).and_then(|()| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    return Err(Failure::Invalid(format!("cannot write to standard output: {e}")));
                }
                _ => {}
            }
        }
    }
    let c = &report.records;
    eprintln!(
        "rollup: {} record(s) read, {} unit(s) counted, {} invalid, {} duplicate(s) not counted",
        c.read, c.units, c.invalid, c.duplicates
    );
    if c.invalid > 0 {
        Err(Failure::Reported)
    } else {
        Ok(())
    }
}
