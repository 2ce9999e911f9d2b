//! What a command says: a report delivered in its format and language to
//! standard output or, atomically, to `-o FILE` ([`Target`]); text printed;
//! warnings on standard error unless `--quiet`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use p2ham_io::document::LoadedAssessment;
use p2ham_io::evidence::evidence_files;
use p2ham_io::model::Lang;
use p2ham_io::write::{write_atomic, write_atomic_with};
use p2ham_report::{EvidenceView, Format, RenderOptions, Renderable};

use crate::args::{FormatArg, Output};
use crate::sources::files;
use crate::Failure;

/// Whether `--quiet` asked for no warnings, notes or progress.
static QUIET: AtomicBool = AtomicBool::new(false);

/// Whether `--quiet` was given.
pub(crate) fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// Remember `--quiet` for the run.
pub(crate) fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Where a report goes, in which format and language.
pub(crate) struct Target<'a> {
    pub(crate) format: Format,
    pub(crate) lang: Lang,
    pub(crate) output: Option<&'a PathBuf>,
}

impl<'a> Target<'a> {
    /// Checked before any input is read: the format asked for, else the one
    /// the output file's extension names, else the command's `default`; a
    /// `--format` the output's extension contradicts, and XLSX (binary) to
    /// standard output, are usage errors.
    pub(crate) fn new(format: Option<FormatArg>, default: Format, out: &'a Output) -> Result<Self, Failure> {
        let output = output_file(out.output.as_ref());
        let named = output.and_then(|p| format_named_by(p));
        let format = match (format.map(Format::from), named) {
            (Some(asked), Some(named)) if asked != named => {
                return Err(Failure::Usage(format!(
                    "--format {} but the output {} names {}: drop --format, or give the output a name ending in {}",
                    asked.as_str(),
                    output.map_or_else(String::new, |p| p.display().to_string()),
                    named.as_str(),
                    extension_of(asked)
                )))
            }
            (Some(asked), _) => asked,
            (None, Some(named)) => named,
            (None, None) => default,
        };
        if format.is_binary() && output.is_none() {
            return Err(Failure::Usage(format!(
                "--format {} is a binary workbook: write it to a file with -o FILE",
                format.as_str()
            )));
        }
        Ok(Self {
            format,
            lang: out.lang.into(),
            output,
        })
    }

    pub(crate) fn options(&self) -> RenderOptions<'static> {
        self.with(None)
    }

    pub(crate) fn with<'v>(&self, evidence: Option<&'v EvidenceView>) -> RenderOptions<'v> {
        RenderOptions {
            lang: self.lang,
            evidence,
        }
    }

    /// The evidence files the documents reference under `root`, photos read
    /// to be shown; the root becomes an input (no output is written into it).
    pub(crate) fn evidence(
        &self,
        root: Option<&Path>,
        documents: &[LoadedAssessment],
        inputs: &mut Vec<PathBuf>,
    ) -> Result<Option<EvidenceView>, Failure> {
        let Some(root) = root else {
            return Ok(None);
        };
        let files = evidence_files(documents, root)?;
        inputs.push(root.to_path_buf());
        Ok(Some(EvidenceView::from_files(&files, self.lang)))
    }

    /// Render the report to standard output, or atomically to the output file
    /// (never over an input).
    pub(crate) fn deliver<R: Renderable + ?Sized>(
        &self,
        report: &R,
        options: &RenderOptions,
        inputs: &[PathBuf],
    ) -> Result<(), Failure> {
        let inputs = files(inputs);
        let render = |w: &mut dyn Write| {
            p2ham_report::write(report, self.format, options, w).map_err(|e| match e {
                p2ham_report::ReportError::Write(e) => e,
                other => std::io::Error::other(other),
            })
        };
        if let Some(path) = self.output {
            return Ok(write_atomic_with(path, &inputs, render)?);
        }
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        match render(&mut out).and_then(|()| out.flush()) {
            // A closed pipe (`p2ham … | head`) is not an error of ours.
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                Err(Failure::Usage(format!("cannot write to standard output: {e}")))
            }
            _ => Ok(()),
        }
    }
}

pub(crate) fn print(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::Usage(format!("cannot write to standard output: {e}"))),
    }
}

/// A message on standard error, cleaned as every message is
/// ([`crate::render`]), unless `--quiet`; a full or closed standard error
/// does not stop the run.
pub(crate) fn warn(text: &str) {
    if quiet() {
        return;
    }
    let _ = std::io::stderr().lock().write_all(crate::render(text).as_bytes());
}

/// The report format a file name names by its extension (`.txt`, `.md`,
/// `.csv`, `.html`, `.xlsx`, `.json`, in any case); `None` for any other.
pub(crate) fn format_named_by(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "txt" | "text" => Format::Text,
        "md" | "markdown" => Format::Md,
        "csv" => Format::Csv,
        "html" | "htm" => Format::Html,
        "xlsx" => Format::Xlsx,
        "json" => Format::Json,
        _ => return None,
    })
}

/// The extension a file of `format` is named with.
fn extension_of(format: Format) -> String {
    match format {
        Format::Text => ".txt".into(),
        other => format!(".{}", other.as_str()),
    }
}

/// The output file asked for, if any: `-o -` means standard output.
fn output_file(output: Option<&PathBuf>) -> Option<&PathBuf> {
    output.filter(|p| p.as_os_str() != "-")
}

/// Print to stdout, or write atomically to `output` (never over an input).
pub(crate) fn emit(text: &str, output: Option<&PathBuf>, inputs: &[PathBuf]) -> Result<(), Failure> {
    match output_file(output) {
        Some(path) => Ok(write_atomic(path, text.as_bytes(), &files(inputs))?),
        None => print(text),
    }
}
