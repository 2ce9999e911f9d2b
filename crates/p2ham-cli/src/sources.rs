//! From flags to sources: the paths and `-` (standard input) of a command
//! line become the [`Source`]s the operations read, and the flag values the
//! library's types. Standard input is a command-line matter only: the
//! libraries read sources, never `-`.

use std::borrow::Cow;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use p2ham_io::model::{Lang, Stage};
use p2ham_io::ops::InstrumentInput;
use p2ham_io::scoring::skm::Weights;
use p2ham_io::{document::LoadedInstrument, IoError, Source};
use p2ham_report::Format;

use crate::args::{Command, EvidenceCommand, FormatArg, LangArg, SealCommand, SkmWeights, StageArg};
use crate::Failure;

/// Whether a path on the command line means standard input.
fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The document at `path`, or standard input for `-`.
pub(crate) fn source(path: &Path) -> Source<'static> {
    if is_stdin(path) {
        Source::reader("-", std::io::stdin())
    } else {
        Source::file(path)
    }
}

/// [`source`] of each path, in order.
pub(crate) fn sources(paths: &[PathBuf]) -> Vec<Source<'static>> {
    paths.iter().map(|p| source(p)).collect()
}

/// The instrument `--instrument` names: a path (`-` is standard input) or a
/// built-in id.
pub(crate) fn instrument(spec: Option<&str>) -> Option<InstrumentInput<'static>> {
    spec.map(instrument_of)
}

fn instrument_of(spec: &str) -> InstrumentInput<'static> {
    if spec == "-" || names_a_file(spec) {
        InstrumentInput::Source(source(Path::new(spec)))
    } else {
        InstrumentInput::Builtin(spec.to_owned())
    }
}

/// Whether an instrument named on the command line is a path rather than a
/// built-in id: it exists, contains a folder separator or ends in
/// `.json`/`.toml`.
fn names_a_file(spec: &str) -> bool {
    let path = Path::new(spec);
    path.exists()
        || spec.contains(['/', '\\'])
        || path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json") || e.eq_ignore_ascii_case("toml"))
}

/// Load the instrument `--instrument` names (see [`instrument`]).
pub(crate) fn load_instrument(spec: &str) -> Result<Cow<'static, LoadedInstrument>, IoError> {
    instrument_of(spec).load()
}

/// The files among `paths` (standard input left out), which an output must
/// never replace.
pub(crate) fn files<'a>(paths: impl IntoIterator<Item = &'a PathBuf>) -> Vec<PathBuf> {
    paths.into_iter().filter(|p| !is_stdin(p)).cloned().collect()
}

/// Standard input can be read once: naming `-` for two inputs of one command
/// is a usage error (exit 2), the same for every command.
pub(crate) fn stdin_once(command: &Command) -> Result<(), Failure> {
    if inputs(command).into_iter().filter(|p| *p == "-").count() > 1 {
        return Err(Failure::Usage(
            "standard input (`-`) can be read once: give the other inputs as files".into(),
        ));
    }
    Ok(())
}

/// The metadata of standard input when it is a file (e.g. redirected with `<`).
#[cfg(unix)]
pub(crate) fn stdin_metadata() -> Option<std::fs::Metadata> {
    std::fs::metadata("/dev/stdin")
        .ok()
        .filter(std::fs::Metadata::is_file)
}

#[cfg(not(unix))]
pub(crate) fn stdin_metadata() -> Option<std::fs::Metadata> {
    None
}

/// Every input a command reads (files, `-`, an `--instrument` path or id).
pub(crate) fn inputs(command: &Command) -> Vec<&OsStr> {
    fn instrument(i: Option<&String>) -> Option<&OsStr> {
        i.map(OsStr::new)
    }
    match command {
        Command::Instrument(crate::args::InstrumentCommand::Diff { from, to, .. }) => {
            vec![OsStr::new(from), OsStr::new(to)]
        }
        Command::Instrument(_)
        | Command::Schema { .. }
        | Command::Completions { .. }
        | Command::Man { .. }
        | Command::Serve(_)
        | Command::Admin(_) => {
            vec![]
        }
        Command::Validate {
            instrument: i, files, ..
        } => files
            .iter()
            .map(|f| f.as_os_str())
            .chain(instrument(i.as_ref()))
            .collect(),
        Command::Score {
            instrument: i, file, ..
        }
        | Command::Import {
            instrument: i, file, ..
        } => [Some(file.as_os_str()), instrument(i.as_ref())]
            .into_iter()
            .flatten()
            .collect(),
        Command::Skm { file, .. } => vec![file.as_os_str()],
        Command::Rollup {
            instrument: i, paths, ..
        } => paths
            .iter()
            .map(|f| f.as_os_str())
            .chain(instrument(i.as_ref()))
            .collect(),
        Command::Compare {
            instrument: i,
            self_file,
            verified_file,
            ..
        }
        | Command::Letter {
            instrument: i,
            self_file,
            verified_file,
            ..
        } => [
            Some(self_file.as_os_str()),
            Some(verified_file.as_os_str()),
            instrument(i.as_ref()),
        ]
        .into_iter()
        .flatten()
        .collect(),
        Command::Evidence(EvidenceCommand::Verify { files, root, .. }) => files
            .iter()
            .map(|f| f.as_os_str())
            .chain([root.as_os_str()])
            .collect(),
        Command::Evidence(EvidenceCommand::Manifest { dir, .. }) => vec![dir.as_os_str()],
        Command::Template {
            instrument: i,
            from,
            fill,
            ..
        } => [
            Some(OsStr::new(i.as_str())),
            from.as_ref().map(|f| f.as_os_str()),
            fill.as_ref().map(|f| f.as_os_str()),
        ]
        .into_iter()
        .flatten()
        .collect(),
        Command::Award(a) => a
            .paths
            .iter()
            .chain(&a.previous)
            .chain(&a.require_seal)
            .map(|f| f.as_os_str())
            .chain(instrument(a.instrument.as_ref()))
            .collect(),
        Command::History {
            instrument: i, paths, ..
        } => paths
            .iter()
            .map(|f| f.as_os_str())
            .chain(instrument(i.as_ref()))
            .collect(),
        Command::Seal(SealCommand::Keygen { password_file, .. }) => {
            password_file.iter().map(|f| f.as_os_str()).collect()
        }
        Command::Seal(SealCommand::Sign(a)) => [&a.verification, &a.evidence_root, &a.key]
            .into_iter()
            .chain(&a.password_file)
            .map(|f| f.as_os_str())
            .collect(),
        Command::Seal(SealCommand::Verify {
            verification,
            evidence_root,
            seal,
            key,
        }) => [verification, evidence_root]
            .into_iter()
            .chain(seal)
            .chain(key)
            .map(|f| f.as_os_str())
            .collect(),
    }
}

impl From<SkmWeights> for Weights {
    fn from(w: SkmWeights) -> Self {
        match w {
            SkmWeights::Exact => Weights::Exact,
            SkmWeights::W0111 => Weights::Published0111,
            SkmWeights::W01111 => Weights::Spreadsheet01111,
        }
    }
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Text => Format::Text,
            FormatArg::Md => Format::Md,
            FormatArg::Csv => Format::Csv,
            FormatArg::Html => Format::Html,
            FormatArg::Xlsx => Format::Xlsx,
            FormatArg::Json => Format::Json,
        }
    }
}

impl From<StageArg> for Stage {
    fn from(s: StageArg) -> Self {
        match s {
            StageArg::SelfAssessment => Stage::SelfAssessment,
            StageArg::Verification => Stage::Verification,
        }
    }
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Self {
        match l {
            LangArg::Id => Lang::Id,
            LangArg::En => Lang::En,
        }
    }
}

/// The password in a file: its first line, without the line end.
pub(crate) fn password(file: Option<&PathBuf>) -> Result<Option<String>, Failure> {
    let Some(path) = file else { return Ok(None) };
    let bytes = source(path).read()?.bytes.into_owned();
    let text = String::from_utf8(bytes)
        .map_err(|_| Failure::Invalid(format!("{}: the password file is not UTF-8 text", path.display())))?;
    let pw = text.lines().next().unwrap_or_default().to_owned();
    if pw.is_empty() {
        return Err(Failure::Invalid(format!(
            "{}: the password file is empty; its first line is the password",
            path.display()
        )));
    }
    Ok(Some(pw))
}
