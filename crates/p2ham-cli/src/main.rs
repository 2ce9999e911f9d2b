//! The `p2ham` command: parses arguments, calls the libraries, maps errors to
//! exit codes. One rule for every command: 0 success; 1 an input is invalid
//! (or the report it produced says it fails); 2 the command line is wrong or the
//! output cannot be written (a usage or output problem). Every behaviour lives
//! in the library crates.

mod args;
mod award;
mod commands;
mod help;
mod output;
mod progress;
mod serve;
mod sources;

/// mimalloc: the roll-up allocates and frees many small strings per record on
/// both cores; the system allocator spends a fifth of the run there.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::Write;
use std::process::ExitCode;

use clap::FromArgMatches;
use p2ham_io::IoError;

/// How a command ended, when it did not succeed.
pub(crate) enum Failure {
    /// An input is invalid (exit 1); the message names file and path.
    Invalid(String),
    /// The command line is wrong, or the output cannot be written (exit 2).
    Usage(String),
    /// The input was read and reported on, and the report says it fails (exit 1, nothing more to print).
    Reported,
}

impl From<IoError> for Failure {
    fn from(e: IoError) -> Self {
        match e {
            IoError::WouldOverwriteInput { .. } | IoError::Write { .. } | IoError::Output { .. } => {
                Failure::Usage(e.to_string())
            }
            // An id given on the command line, as opposed to one named inside a document.
            IoError::UnknownInstrument { ref file, .. } if file == p2ham_io::needs::ASKED_INSTRUMENT => {
                Failure::Usage(e.to_string())
            }
            other => Failure::Invalid(other.to_string()),
        }
    }
}

/// The libraries say what a message needs; the command line says which flag
/// gives it. Each library phrase is replaced by the command line's own.
const FLAG_HINTS: &[(&str, &str)] = &[
    (p2ham_io::needs::INSTRUMENT, "pass --instrument FILE"),
    (p2ham_io::needs::ASKED_INSTRUMENT, "--instrument"),
    (p2ham_io::needs::OTHER_OUTPUT, "choose another --output"),
    (p2ham_io::needs::OUTPUT_FILE, "--output names a file"),
    (
        p2ham_io::needs::VERIFIED_ROLLUP,
        "roll up verifications only (rollup --stage verification)",
    ),
];

/// A library message with the flags that give what it needs.
pub(crate) fn with_flags(message: &str) -> String {
    FLAG_HINTS
        .iter()
        .fold(message.to_owned(), |m, (needs, flag)| m.replace(needs, flag))
}

/// An error or warning as the terminal shows it: the flags that give what it
/// needs, and every control character of the text it quotes escaped
/// (`\u{1b}`). Every message of the command goes through here once.
pub(crate) fn render(message: &str) -> String {
    p2ham_report::sanitize::message(&with_flags(message)).into_owned()
}

fn main() -> ExitCode {
    let parsed = help::command()
        .try_get_matches()
        .and_then(|m| args::Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        // A usage error quotes what was typed: shown cleaned, exit 2.
        Err(e) if e.use_stderr() => {
            let _ = write!(
                std::io::stderr(),
                "{}",
                p2ham_report::sanitize::message(&e.render().to_string())
            );
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
        // Help and version text.
        Err(e) => e.exit(),
    };
    // A size limit set in the environment is part of the command line.
    let result = match p2ham_io::document::max_document_bytes() {
        Ok(_) => commands::run(cli),
        Err(e) => Err(Failure::Usage(e.to_string())),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Reported) => ExitCode::from(1),
        Err(Failure::Invalid(msg)) => {
            let _ = writeln!(std::io::stderr(), "error: {}", render(&msg));
            ExitCode::from(1)
        }
        Err(Failure::Usage(msg)) => {
            let _ = writeln!(std::io::stderr(), "error: {}", render(&msg));
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_messages_get_the_flags_that_give_what_they_need() {
        let e = IoError::UnknownInstrument {
            file: "a.json".into(),
            id: "x".into(),
            known: vec!["p2ham-2022".into()],
        };
        assert!(!e.to_string().contains("--"));
        assert_eq!(
            with_flags(&e.to_string()),
            "a.json: instrument `x` is not built in (built-in: p2ham-2022); pass --instrument FILE"
        );
        let e = IoError::WouldOverwriteInput {
            file: "a.json".into(),
        };
        assert_eq!(
            with_flags(&e.to_string()),
            "a.json: refusing to overwrite an input file; choose another --output"
        );
    }
}
