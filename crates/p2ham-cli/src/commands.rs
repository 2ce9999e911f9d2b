//! Each command: flags → sources ([`crate::sources`]) → one call of
//! [`p2ham_io::ops`] → one rendering ([`Target::deliver`], every report in
//! every format). The output goes to standard output or, atomically, to
//! `-o FILE`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use p2ham_io::model::Lang;
use p2ham_io::model::Stage;
use p2ham_io::ops::{self, Compared, RollupSettings};
use p2ham_io::scoring::ComparisonReport;
use p2ham_io::{
    checklist::ImportOptions, document::max_document_bytes, document::read_assessment,
    document::LoadedAssessment, evidence::evidence_manifest, rollup::RollupOutcome, schema::schema_kind,
    schema::SCHEMAS, skm::SkmReadOptions, write::write_atomic, IoError, BUILTINS,
};
use p2ham_report::{checklist_csv, checklist_xlsx, CoverFields, TemplateError, TemplateOptions};
use p2ham_report::{Format, Letter};

use clap::CommandFactory;

use crate::args::{
    Cli, Command, EvidenceCommand, FormatArg, InstrumentCommand, Output, SealCommand, StageArg,
};
use crate::output::{emit, print, quiet, warn, Target};
use crate::progress::Progress;
use crate::sources::{self, files, instrument as instrument_input, source, stdin_metadata};
use crate::Failure;

/// Run a parsed command line.
pub fn run(cli: Cli) -> Result<(), Failure> {
    crate::output::set_quiet(cli.quiet);
    sources::stdin_once(&cli.command)?;
    match cli.command {
        Command::Serve(args) => crate::serve::serve(&args),
        Command::Admin(cmd) => crate::serve::admin(cmd),
        Command::Instrument(InstrumentCommand::List) => instrument_list(),
        Command::Instrument(InstrumentCommand::Show { id }) => instrument_show(&id),
        Command::Instrument(InstrumentCommand::Diff {
            format,
            out,
            from,
            to,
        }) => instrument_diff(format, &out, &from, &to),
        Command::Schema { kind, out } => schema(kind.as_deref(), out),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "p2ham", &mut script);
            print(&String::from_utf8_lossy(&script))
        }
        Command::Man { command, out } => crate::help::man(&command, out),
        Command::Validate {
            instrument,
            format,
            out,
            files,
        } => {
            let target = Target::new(format, Format::Text, &out)?;
            let mut report = ops::validate(sources::sources(&files), instrument_input(instrument.as_deref()));
            for p in report.files.iter_mut().flat_map(|f| f.problems.iter_mut()) {
                p.message = crate::with_flags(&p.message);
            }
            target.deliver(&report, &target.options(), &files)?;
            if report.valid {
                Ok(())
            } else {
                Err(Failure::Reported)
            }
        }
        Command::Score {
            instrument,
            format,
            out,
            evidence,
            file,
        } => {
            let target = Target::new(format, Format::Text, &out)?;
            let instrument = instrument_input(instrument.as_deref());
            let mut inputs = vec![file.clone()];
            inputs.extend(instrument.as_ref().and_then(|i| i.path()).map(Path::to_path_buf));
            let scored = ops::score(source(&file), instrument)?;
            let view = target.evidence(evidence.evidence_root.as_deref(), &[scored.document], &mut inputs)?;
            target.deliver(&scored.report, &target.with(view.as_ref()), &inputs)
        }
        Command::Skm {
            file,
            weights,
            by,
            sheet,
            format,
            out,
        } => {
            let target = Target::new(format, Format::Json, &out)?;
            let report = ops::skm(source(&file), &SkmReadOptions { by, sheet }, weights.into())?;
            target.deliver(&report, &target.options(), &[file])
        }
        Command::Rollup {
            instrument,
            format,
            out,
            no_progress,
            max_line_bytes,
            stage,
            paths,
        } => {
            let target = Target::new(format, Format::Text, &out)?;
            let instrument = instrument_input(instrument.as_deref());
            let mut inputs = files(&paths);
            let from_stdin = inputs.len() < paths.len();
            inputs.extend(instrument.as_ref().and_then(|i| i.path()).map(Path::to_path_buf));
            let settings = RollupSettings {
                stage: stage.map(Into::into),
                max_line_bytes,
                max_document_bytes: max_document_bytes()?,
            };
            let mut progress = Progress::new(!no_progress && !quiet());
            let outcome = ops::rollup(sources::sources(&paths), instrument, settings, &mut progress);
            progress.finish();
            let RollupOutcome { report, mut read } = outcome?;
            if let Some(path) = target.output {
                if from_stdin {
                    if let Some(m) = stdin_metadata() {
                        read.add(Path::new("-"), &m);
                    }
                }
                // Never over a file that was read, whatever name or link reached it.
                if read.contains(path) {
                    return Err(IoError::WouldOverwriteInput {
                        file: path.display().to_string(),
                    }
                    .into());
                }
            }
            target.deliver(&report, &target.options(), &inputs)?;
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
        Command::Compare {
            instrument,
            format,
            out,
            evidence,
            self_file,
            verified_file,
        } => {
            let target = Target::new(format, Format::Text, &out)?;
            let (compared, mut inputs) = compared(instrument.as_deref(), &self_file, &verified_file)?;
            let (report, documents) = evidence_order(compared);
            let view = target.evidence(evidence.evidence_root.as_deref(), &documents, &mut inputs)?;
            target.deliver(&report, &target.with(view.as_ref()), &inputs)
        }
        Command::Letter {
            instrument,
            format,
            out,
            evidence,
            self_file,
            verified_file,
        } => {
            let target = Target::new(format, Format::Md, &out)?;
            let (compared, mut inputs) = compared(instrument.as_deref(), &self_file, &verified_file)?;
            let (report, documents) = evidence_order(compared);
            let view = target.evidence(evidence.evidence_root.as_deref(), &documents, &mut inputs)?;
            target.deliver(&Letter(&report), &target.with(view.as_ref()), &inputs)
        }
        Command::Template {
            instrument,
            kind,
            unit_id,
            unit_name,
            office,
            period,
            stage,
            from,
            fill,
            lang,
            output,
        } => template(
            &instrument,
            TemplateArgs {
                kind,
                cover: CoverFields {
                    unit_id,
                    unit_name,
                    office,
                    period,
                },
                stage,
                from,
                fill,
                lang: lang.into(),
            },
            &output,
        ),
        Command::Import {
            instrument,
            allow_missing,
            output,
            file,
        } => import(instrument.as_deref(), allow_missing, output.as_ref(), &file),
        Command::Evidence(EvidenceCommand::Verify {
            root,
            format,
            out,
            files,
        }) => {
            let target = Target::new(format, Format::Text, &out)?;
            let checked = ops::evidence(sources::sources(&files), &root)?;
            let mut inputs = files.clone();
            inputs.push(root);
            target.deliver(&checked.report, &target.options(), &inputs)?;
            if checked.report.ok {
                Ok(())
            } else {
                Err(Failure::Reported)
            }
        }
        Command::Award(args) => crate::award::award(&args),
        Command::History {
            unit,
            instrument,
            format,
            out,
            paths,
        } => crate::award::history_cmd(unit.as_deref(), instrument.as_deref(), format, &out, &paths),
        Command::Seal(SealCommand::Keygen {
            out,
            password_file,
            comment,
        }) => crate::award::seal_keygen(&out, password_file.as_ref(), comment.as_deref()),
        Command::Seal(SealCommand::Sign(args)) => crate::award::seal_sign(&args),
        Command::Seal(SealCommand::Verify {
            verification,
            evidence_root,
            seal,
            key,
        }) => crate::award::seal_verify(&verification, &evidence_root, seal.as_ref(), &key),
        Command::Evidence(EvidenceCommand::Manifest { output, dir }) => {
            let text = evidence_manifest(&dir)?;
            emit(&text, output.as_ref(), &[dir])
        }
    }
}

/// The ids of the built-in instruments, comma-separated (for messages).
fn builtin_ids() -> String {
    BUILTINS.iter().map(|b| b.id).collect::<Vec<_>>().join(", ")
}

fn instrument_list() -> Result<(), Failure> {
    let mut text = String::new();
    for b in BUILTINS {
        let loaded = p2ham_io::builtin(b.id).map_err(IoError::from)?;
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
    match BUILTINS.iter().find(|b| b.id == id) {
        Some(b) => print(b.source),
        None => Err(Failure::Usage(format!(
            "instrument `{id}` is not built in; built-in: {}",
            builtin_ids()
        ))),
    }
}

/// `p2ham instrument diff A B`: each a file or a built-in id, as `--instrument` takes them.
fn instrument_diff(format: Option<FormatArg>, out: &Output, from: &str, to: &str) -> Result<(), Failure> {
    let target = Target::new(format, Format::Text, out)?;
    let a = sources::load_instrument(from).map_err(|e| instrument_failure(e, from))?;
    let b = sources::load_instrument(to).map_err(|e| instrument_failure(e, to))?;
    let (ia, ib) = (a.checked.instrument(), b.checked.instrument());
    let report = p2ham_io::scoring::diff_instruments(
        ia,
        ib,
        &p2ham_io::scoring::DiffSide::of(ia, &a.sha256),
        &p2ham_io::scoring::DiffSide::of(ib, &b.sha256),
    );
    let inputs: Vec<PathBuf> = [&a.path, &b.path].into_iter().flatten().cloned().collect();
    target.deliver(&report, &target.options(), &inputs)
}

/// An instrument that cannot be read: an unknown built-in id given on the
/// command line is a usage error (exit 2), a file that is not a valid
/// instrument an invalid input (exit 1).
fn instrument_failure(e: IoError, spec: &str) -> Failure {
    match e {
        IoError::UnknownInstrument { known, .. } => Failure::Usage(format!(
            "`{spec}` is neither a file nor a built-in instrument (built-in: {})",
            known.join(", ")
        )),
        other => other.into(),
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

/// Compare a self-assessment with its verification; the inputs an output
/// must not replace.
fn compared(
    instrument: Option<&str>,
    self_file: &Path,
    verified_file: &Path,
) -> Result<(Compared, Vec<PathBuf>), Failure> {
    let instrument = instrument_input(instrument);
    let mut inputs = vec![self_file.to_path_buf(), verified_file.to_path_buf()];
    inputs.extend(instrument.as_ref().and_then(|i| i.path()).map(Path::to_path_buf));
    let compared = ops::compare(source(self_file), source(verified_file), instrument)?;
    Ok((compared, inputs))
}

/// The report, and the documents whose evidence it shows: the verification's
/// first, the team's own walk past the facilities.
fn evidence_order(compared: Compared) -> (ComparisonReport, [LoadedAssessment; 2]) {
    (compared.report, [compared.verification, compared.self_assessment])
}

/// The flags of `p2ham template`, besides the instrument and the output.
struct TemplateArgs {
    kind: String,
    cover: CoverFields,
    stage: Option<StageArg>,
    from: Option<PathBuf>,
    fill: Option<PathBuf>,
    lang: Lang,
}

fn template(instrument: &str, args: TemplateArgs, output: &Path) -> Result<(), Failure> {
    let csv = match output
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("xlsx") => false,
        Some("csv") => true,
        _ => {
            return Err(Failure::Usage(format!(
                "{}: the checklist is written as .xlsx or .csv; name the output file so",
                output.display()
            )))
        }
    };
    let stage = match (args.stage, &args.from) {
        (Some(StageArg::SelfAssessment), Some(_)) => {
            return Err(Failure::Usage(
                "--from makes a verification template; drop --stage self".into(),
            ))
        }
        (Some(s), _) => s.into(),
        (None, Some(_)) => Stage::Verification,
        (None, None) => Stage::SelfAssessment,
    };
    let loaded = sources::load_instrument(instrument)?;
    let from = args
        .from
        .as_deref()
        .map(|f| read_assessment(source(f)))
        .transpose()?;
    let fill = args
        .fill
        .as_deref()
        .map(|f| read_assessment(source(f)))
        .transpose()?;
    let options = TemplateOptions {
        kind: args.kind,
        stage,
        lang: args.lang,
        cover: args.cover,
        from: from
            .as_ref()
            .map(|f| (&f.assessment, f.file.as_str(), f.sha256.as_str())),
        fill: fill.as_ref().map(|f| (&f.assessment, f.file.as_str())),
    };
    let bytes = if csv {
        checklist_csv(&loaded, &options)
    } else {
        checklist_xlsx(&loaded, &options)
    }
    .map_err(|e| match e {
        TemplateError::UnknownKind { .. } | TemplateError::InvalidUnitId { .. } => {
            Failure::Usage(e.to_string())
        }
        other => Failure::Invalid(other.to_string()),
    })?;
    let mut inputs = files(args.from.iter().chain(&args.fill));
    inputs.extend(loaded.path.clone());
    Ok(write_atomic(output, &bytes, &inputs)?)
}

fn import(
    instrument: Option<&str>,
    allow_missing: bool,
    output: Option<&PathBuf>,
    file: &Path,
) -> Result<(), Failure> {
    let imported = match ops::import(
        source(file),
        sources::instrument(instrument),
        &ImportOptions { allow_missing },
    ) {
        Ok(imported) => imported,
        Err(ops::ImportFailure::Io(e)) => return Err(e.into()),
        Err(e) => return Err(Failure::Invalid(e.to_string())),
    };
    let (assessment, loaded) = (imported.assessment, imported.instrument);
    let mut inputs = vec![file.to_path_buf()];
    inputs.extend(loaded.path.clone());
    emit(&p2ham_report::to_json(&assessment), output, &inputs)
}
