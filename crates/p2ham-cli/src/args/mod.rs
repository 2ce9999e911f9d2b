//! Command-line flags as plain structs (clap types only); [`crate::commands`]
//! turns them into library calls.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub(crate) mod serve;

/// Exact, explained evaluation of human-rights-based public service (P2HAM).
#[derive(Debug, Parser)]
// Help is printed as written, never wrapped to the terminal: the examples
// stay one line each, to copy, and the text is the same everywhere.
#[command(name = "p2ham", version, about, long_about = None, term_width = 0)]
pub struct Cli {
    /// No warnings, notes or progress bar on standard error (errors are still printed; `serve` logs only warnings and errors).
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the P2HAM application (HTTP API): uploads, verification workflow, roles, audit log.
    Serve(serve::ServeArgs),
    /// Set up the application from the command line: administrators, users, units, periods, audit check.
    #[command(subcommand)]
    Admin(serve::AdminCommand),
    /// The built-in instruments, and the difference between two instruments.
    #[command(subcommand)]
    Instrument(InstrumentCommand),
    /// Print or write the JSON Schemas of every document.
    Schema {
        /// One schema (instrument, assessment, …); all when omitted.
        #[arg(value_name = "KIND")]
        kind: Option<String>,
        /// Write `<kind>.schema.json` files into this folder instead of printing.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Check documents: every problem of every file, exit 1 if any.
    Validate {
        /// Instrument file or built-in id to check assessments against.
        #[arg(long, short, value_name = "INSTRUMENT")]
        instrument: Option<String>,
        /// Output format [default: the one the `-o` file's extension names, else text].
        #[arg(long, short, value_enum)]
        format: Option<FormatArg>,
        #[command(flatten)]
        out: Output,
        /// Documents to check (`-` reads standard input).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Score an assessment, explaining every point, with the award decision.
    Score {
        /// Instrument file or built-in id (default: the built-in the assessment names).
        #[arg(long, short, value_name = "INSTRUMENT")]
        instrument: Option<String>,
        /// Output format [default: the one the `-o` file's extension names, else text].
        #[arg(long, short, value_enum)]
        format: Option<FormatArg>,
        #[command(flatten)]
        out: Output,
        #[command(flatten)]
        evidence: EvidenceRoot,
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
        /// Output format [default: the one the `-o` file's extension names, else json].
        #[arg(long, short, value_enum)]
        format: Option<FormatArg>,
        #[command(flatten)]
        out: Output,
    },
    /// Roll up many assessments: one row per unit, summaries per office and
    /// nationally, a ranking and the gap analysis. Invalid records are reported
    /// (exit 1) without stopping the run.
    Rollup {
        /// Instrument file or built-in id (default: the built-in each assessment names).
        #[arg(long, short, value_name = "INSTRUMENT")]
        instrument: Option<String>,
        /// Output format (csv: one row per unit) [default: the one the `-o`
        /// file's extension names, else text].
        #[arg(long, short, value_enum)]
        format: Option<FormatArg>,
        #[command(flatten)]
        out: Output,
        /// Keep only assessments of this stage (e.g. `verification` for the
        /// verified national result); all stages when omitted.
        #[arg(long, value_enum)]
        stage: Option<StageArg>,
        /// Never draw a progress bar (it is only drawn when standard error is a terminal).
        #[arg(long)]
        no_progress: bool,
        /// The longest NDJSON line read, in bytes: a longer line is an invalid
        /// record and ends the reading of that input.
        #[arg(long, value_name = "BYTES", default_value_t = p2ham_io::rollup::DEFAULT_MAX_LINE_BYTES)]
        max_line_bytes: usize,
        /// Assessment files, folders (searched recursively for *.json, *.ndjson,
        /// *.jsonl) or NDJSON files; `-` reads NDJSON from standard input.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Compare a self-assessment with its verification: discrepancies, both totals, the verified award.
    Compare {
        /// Instrument file or built-in id (default: the built-in the self-assessment names).
        #[arg(long, short, value_name = "INSTRUMENT")]
        instrument: Option<String>,
        /// Output format [default: the one the `-o` file's extension names, else text].
        #[arg(long, short, value_enum)]
        format: Option<FormatArg>,
        #[command(flatten)]
        out: Output,
        #[command(flatten)]
        evidence: EvidenceRoot,
        /// The unit's self-assessment.
        #[arg(value_name = "SELF")]
        self_file: PathBuf,
        /// The regional team's verification of it.
        #[arg(value_name = "VERIFIED")]
        verified_file: PathBuf,
    },
    /// A checklist of an instrument for one unit kind, to fill in a spreadsheet
    /// program: XLSX (drop-downs, live scores, protected) or, for `-o *.csv`, CSV.
    Template {
        /// Instrument file or built-in id, e.g. `p2ham-2022`.
        #[arg(value_name = "INSTRUMENT")]
        instrument: String,
        /// The unit kind (only the indicators that apply to it are listed), e.g. `kanim`.
        #[arg(long, value_name = "KIND")]
        kind: String,
        /// The unit's id, written on the cover.
        #[arg(long, value_name = "ID")]
        unit_id: Option<String>,
        /// The unit's name, written on the cover.
        #[arg(long, value_name = "NAME")]
        unit_name: Option<String>,
        /// The supervising office (Kanwil), written on the cover.
        #[arg(long, value_name = "OFFICE")]
        office: Option<String>,
        /// The period, written on the cover, e.g. `2024`.
        #[arg(long, value_name = "PERIOD")]
        period: Option<String>,
        /// The stage (default: `verification` with --from, else `self`).
        #[arg(long, value_enum)]
        stage: Option<StageArg>,
        /// A verification template: the self-assessment whose answers fill a
        /// read-only column beside the verifier's (and which the verification verifies).
        #[arg(long, value_name = "SELF.json")]
        from: Option<PathBuf>,
        /// Pre-fill the cells to fill from an existing assessment of the same stage
        /// (to edit it as a spreadsheet).
        #[arg(long, value_name = "ASSESSMENT.json")]
        fill: Option<PathBuf>,
        /// Language of labels and headings.
        #[arg(long, value_enum, default_value_t = LangArg::Id)]
        lang: LangArg,
        /// The checklist to write (atomically): `*.xlsx`, or `*.csv`.
        #[arg(long, short, value_name = "FILE", required = true)]
        output: PathBuf,
    },
    /// Read a filled checklist (XLSX, ODS or CSV made by `p2ham template`) back
    /// into an assessment document; every mistake is reported by cell.
    Import {
        /// Instrument file or built-in id (default: the built-in the checklist names).
        #[arg(long, short, value_name = "INSTRUMENT")]
        instrument: Option<String>,
        /// Accept indicators left unanswered (scored as missing) instead of refusing them.
        #[arg(long)]
        allow_missing: bool,
        /// Write the assessment to this file (atomically) instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// The filled checklist (`-` reads standard input).
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Evidence integrity: check the files an assessment references, or list a folder's digests.
    #[command(subcommand)]
    Evidence(EvidenceCommand),
    /// Print a shell completion script (e.g. `p2ham completions bash > /etc/bash_completion.d/p2ham`).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page of p2ham or of one command (roff; `p2ham man
    /// score | man -l -`), or write every page into DIR.
    Man {
        /// The command whose page to print (`score`, `seal verify`, `admin user add`); p2ham's own when omitted.
        #[arg(value_name = "COMMAND")]
        command: Vec<String>,
        /// Write `p2ham.1` and one `p2ham-<command>.1` per command and subcommand into this folder instead of printing.
        #[arg(long, value_name = "DIR", conflicts_with = "command")]
        out: Option<PathBuf>,
    },
    /// The outcome letter (Berita Acara / Surat Keterangan Hasil Evaluasi);
    /// `--format html` is the printable letter.
    Letter {
        /// Instrument file or built-in id (default: the built-in the self-assessment names).
        #[arg(long, short, value_name = "INSTRUMENT")]
        instrument: Option<String>,
        /// Output format (json and csv: the comparison's data) [default: the
        /// one the `-o` file's extension names, else md].
        #[arg(long, short, value_enum)]
        format: Option<FormatArg>,
        #[command(flatten)]
        out: Output,
        #[command(flatten)]
        evidence: EvidenceRoot,
        /// The unit's self-assessment.
        #[arg(value_name = "SELF")]
        self_file: PathBuf,
        /// The regional team's verification of it.
        #[arg(value_name = "VERIFIED")]
        verified_file: PathBuf,
    },
    /// Decide the period's predikat from verified results against last
    /// period's award list: retained, gained, lost (with every reason), not
    /// awarded, not evaluated, excluded; write the new award list and the
    /// decree annex (Lampiran).
    Award(AwardArgs),
    /// A unit's (or every unit's) results over several periods, from award
    /// lists and verified results: totals, predikat, streaks; no change is
    /// computed across a change of instrument.
    History {
        /// Only this unit.
        #[arg(long, value_name = "ID")]
        unit: Option<String>,
        /// Instrument file or built-in id for verifications naming its id.
        #[arg(long, short, value_name = "INSTRUMENT")]
        instrument: Option<String>,
        /// Output format [default: the one the `-o` file's extension names, else text].
        #[arg(long, short, value_enum)]
        format: Option<FormatArg>,
        #[command(flatten)]
        out: Output,
        /// Award lists, verification files, folders, NDJSON files or roll-up reports.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Sealed verifications: Ed25519 keys and signatures in minisign's format.
    #[command(subcommand)]
    Seal(SealCommand),
}

/// `p2ham evidence …`
#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {
    /// Hash every evidence file the assessments reference under --root; exit 1 when
    /// any is missing, altered, refused or unreadable (unreferenced files only warn).
    Verify {
        /// The evidence folder the assessments' paths are relative to.
        #[arg(long, value_name = "DIR")]
        root: PathBuf,
        /// Output format [default: the one the `-o` file's extension names, else text].
        #[arg(long, short, value_enum)]
        format: Option<FormatArg>,
        #[command(flatten)]
        out: Output,
        /// Assessments (a self-assessment, its verification, or both).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Print `<sha256>  <path>` for every file under DIR, sorted by path (`sha256sum -c` reads it inside DIR).
    Manifest {
        /// Write to this file (atomically; `-` is standard output) instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// The folder.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
}

/// The element weight of the SKM index.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SkmWeights {
    /// Exactly 1/9 per element.
    Exact,
    /// 0,111 per element, as printed in the regulation.
    #[value(name = "0.111")]
    W0111,
    /// 0.1111 per element, as in many spreadsheets.
    #[value(name = "0.1111")]
    W01111,
}

/// The formats of every report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Aligned terminal text.
    Text,
    /// Markdown.
    Md,
    /// The report's CSV projection.
    Csv,
    /// A self-contained HTML page.
    Html,
    /// An XLSX workbook (only with `-o FILE`).
    Xlsx,
    /// JSON, as its published schema says.
    Json,
}

/// Where, and in which language, a report is written.
#[derive(Debug, Args)]
pub struct Output {
    /// Language of human-readable output.
    #[arg(long, value_enum, default_value_t = LangArg::Id)]
    pub lang: LangArg,
    /// Write to this file (atomically; `-` is standard output) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// The evidence folder whose photos a report shows.
#[derive(Debug, Args)]
pub struct EvidenceRoot {
    /// The evidence folder the assessments' paths are relative to: HTML shows
    /// each photo beside its indicator (a thumbnail), marks missing and altered
    /// files and names other files (PDFs); text, Markdown and XLSX list them.
    #[arg(long, value_name = "DIR")]
    pub evidence_root: Option<PathBuf>,
}

/// A stage of assessment.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StageArg {
    /// The units' self-assessments.
    #[value(name = "self")]
    SelfAssessment,
    /// The regional teams' verifications.
    Verification,
}

/// The language of a human-readable report.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LangArg {
    /// Bahasa Indonesia.
    Id,
    /// English.
    En,
}

/// `p2ham instrument …`
#[derive(Debug, Subcommand)]
pub enum InstrumentCommand {
    /// List the built-in instruments.
    List,
    /// Print a built-in instrument as JSON.
    Show {
        /// The instrument id, e.g. `p2ham-2022`.
        #[arg(value_name = "INSTRUMENT")]
        id: String,
    },
    /// The difference between two instruments: criteria and indicators
    /// added, removed or changed (weights, scales, applicability, mandatory flags).
    Diff {
        /// Output format [default: the one the `-o` file's extension names, else text].
        #[arg(long, short, value_enum)]
        format: Option<FormatArg>,
        #[command(flatten)]
        out: Output,
        /// The instrument changed from: a file (JSON or TOML) or a built-in id.
        #[arg(value_name = "FROM")]
        from: String,
        /// The instrument changed to: a file (JSON or TOML) or a built-in id.
        #[arg(value_name = "TO")]
        to: String,
    },
}

/// The flags of `p2ham award`.
#[derive(Debug, Args)]
pub struct AwardArgs {
    /// Last period's award list (p2ham-awards/1).
    #[arg(long, value_name = "FILE")]
    pub previous: Option<PathBuf>,
    /// Strike a unit off, with the evaluator's reason (repeatable).
    #[arg(long, value_name = "UNIT=REASON")]
    pub exclude: Vec<String>,
    /// The instrument the period requires (file or built-in id); results
    /// made with another are not eligible.
    #[arg(long, short, value_name = "INSTRUMENT")]
    pub instrument: Option<String>,
    /// The period decided (default: the one every verification names).
    #[arg(long, value_name = "PERIOD")]
    pub period: Option<String>,
    /// The period's award rule over the evaluation's other evidence
    /// (p2ham-award-rule/1): gates on the IKM, Zona Integritas and
    /// complaints, and a weighted composite.
    #[arg(long, value_name = "FILE", requires = "components")]
    pub rule: Option<PathBuf>,
    /// Each unit's IKM, Zona Integritas status and complaint figures for the
    /// period (p2ham-award-components/1), read by --rule's gates.
    #[arg(long, value_name = "FILE", requires = "rule")]
    pub components: Option<PathBuf>,
    /// The decree's number.
    #[arg(long, value_name = "NUMBER")]
    pub decree_number: Option<String>,
    /// The decree's date, YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    pub decree_date: Option<String>,
    /// Who issued the decree, as it names the office.
    #[arg(long, value_name = "TEXT")]
    pub decree_issuer: Option<String>,
    /// Refuse (and list) verifications without a valid seal (`FILE.seal`)
    /// from this public key; repeat the flag to accept several keys.
    #[arg(long, value_name = "PUBLIC_KEY")]
    pub require_seal: Vec<PathBuf>,
    /// With --require-seal: also check each unit's evidence under `DIR/UNIT-ID`.
    #[arg(long, value_name = "DIR", requires = "require_seal")]
    pub evidence_root: Option<PathBuf>,
    /// Format of the report (json: the award list) [default: the one the
    /// `-o` file's extension names, else text].
    #[arg(long, short, value_enum)]
    pub format: Option<FormatArg>,
    #[command(flatten)]
    pub out: Output,
    /// Also write the award list (p2ham-awards/1 JSON), next period's baseline.
    #[arg(long, value_name = "FILE")]
    pub list: Option<PathBuf>,
    /// Also write the decree annex (Lampiran), in the format its extension
    /// names: .txt, .md, .csv, .html, .xlsx or .json.
    #[arg(long, value_name = "FILE")]
    pub annex: Option<PathBuf>,
    /// Verification files, folders, NDJSON files (`-`: standard input) or roll-up reports.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// The `seal` commands.
#[derive(Debug, Subcommand)]
pub enum SealCommand {
    /// Create a key pair: the secret key at PREFIX (mode 0600), the public key at PREFIX.pub.
    Keygen {
        /// Where to write the keys.
        #[arg(long, value_name = "PREFIX")]
        out: PathBuf,
        /// Protect the secret key with the password on this file's first line
        /// (without it the key is not password-protected; there is no prompt).
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
        /// The comment written in the secret key file.
        #[arg(long, value_name = "TEXT")]
        comment: Option<String>,
    },
    /// Seal a verification: sign the manifest of its digest, its `verifies`
    /// and every evidence file it references; writes SEAL and SEAL.minisig.
    Sign(SignArgs),
    /// Check a seal against public keys and the files; names each file that
    /// does not match and exits 1.
    Verify {
        /// The verification.
        #[arg(value_name = "VERIFICATION")]
        verification: PathBuf,
        /// The folder its evidence paths are relative to.
        #[arg(long, value_name = "DIR")]
        evidence_root: PathBuf,
        /// The seal (default: VERIFICATION.seal).
        #[arg(long, value_name = "SEAL")]
        seal: Option<PathBuf>,
        /// An accepted public key; repeat the flag to accept several.
        #[arg(long, value_name = "PUBLIC_KEY", required = true)]
        key: Vec<PathBuf>,
    },
}

/// The flags of `p2ham seal sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// The verification.
    #[arg(value_name = "VERIFICATION")]
    pub verification: PathBuf,
    /// The folder its evidence paths are relative to.
    #[arg(long, value_name = "DIR")]
    pub evidence_root: PathBuf,
    /// The secret key.
    #[arg(long, value_name = "SECRET_KEY")]
    pub key: PathBuf,
    /// The secret key's password, on the first line of this file.
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// The signer's name.
    #[arg(long, value_name = "NAME")]
    pub signer: String,
    /// The signer's Kanwil (default: the verification's unit office).
    #[arg(long, value_name = "TEXT")]
    pub office: Option<String>,
    /// The seal file (default: VERIFICATION.seal); the signature goes to SEAL.minisig.
    #[arg(long, short, value_name = "SEAL")]
    pub output: Option<PathBuf>,
}
