//! The flags of `p2ham serve` and `p2ham admin`, as plain structs that
//! [`crate::serve`] hands to p2ham-server.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use p2ham_server::{Role, Settings};

/// Where the application keeps its data.
#[derive(Debug, Args)]
pub struct DataArgs {
    /// The data folder: the SQLite database and the evidence store.
    #[arg(
        long,
        value_name = "DIR",
        env = "P2HAM_DATA_DIR",
        default_value = "p2ham-data"
    )]
    pub(crate) data_dir: PathBuf,
    /// Use this database instead of the SQLite file in the data folder:
    /// `postgres://user@host/db` (several instances can share it) or `sqlite:PATH`.
    #[arg(long, value_name = "URL", env = "P2HAM_DATABASE")]
    pub(crate) database: Option<String>,
    /// The evidence store's folder (default: `evidence` in the data folder).
    #[arg(long, value_name = "DIR", env = "P2HAM_EVIDENCE_DIR")]
    pub(crate) evidence_dir: Option<PathBuf>,
}

impl DataArgs {
    pub(crate) fn settings(&self) -> Settings {
        let mut s = Settings::new(&self.data_dir);
        s.database.clone_from(&self.database);
        s.evidence_dir.clone_from(&self.evidence_dir);
        s
    }
}

/// Flags of `p2ham serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub(crate) data: DataArgs,
    /// Address and port to listen on.
    #[arg(
        long,
        value_name = "ADDR",
        env = "P2HAM_LISTEN",
        default_value = "127.0.0.1:8080"
    )]
    pub(crate) listen: String,
    /// Do not load the demonstration units, period and accounts into a fresh database (production).
    #[arg(long, env = "P2HAM_NO_DEMO")]
    pub(crate) no_demo: bool,
    /// The largest evidence file accepted, in MiB.
    #[arg(
        long,
        value_name = "MIB",
        env = "P2HAM_MAX_EVIDENCE_MIB",
        default_value_t = 20
    )]
    pub(crate) max_evidence_mib: u64,
    /// Mark session cookies `Secure` (set it when a reverse proxy serves the application over TLS).
    #[arg(long, env = "P2HAM_SECURE_COOKIES")]
    pub(crate) secure_cookies: bool,
    /// Serve everything under this path (`/p2ham`): pages, assets, the API, redirects and cookies.
    #[arg(long, value_name = "PATH", env = "P2HAM_BASE_PATH", default_value = "", value_parser = base_path)]
    pub(crate) base_path: String,
    /// How the log on standard error is written: `text` for people, `json`
    /// (one JSON object a line) for a log collector.
    #[arg(
        long,
        value_enum,
        value_name = "FORMAT",
        env = "P2HAM_LOG_FORMAT",
        default_value_t = LogFormat::Text
    )]
    pub(crate) log_format: LogFormat,
    /// Print the API's OpenAPI 3.1 document (as in docs/openapi.json) and exit.
    #[arg(long)]
    pub(crate) openapi: bool,
}

/// How `p2ham serve` writes its log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Lines for people.
    Text,
    /// One JSON object a line: time, level, target, fields and spans.
    Json,
}

/// A base path: a plain path such as `/p2ham`, kept as `/p2ham` (empty for the root).
fn base_path(s: &str) -> Result<String, String> {
    p2ham_server::Mount::new(s)
        .map(|m| m.prefix().to_owned())
        .ok_or_else(|| format!("`{s}` is not a plain path such as /p2ham (letters, digits, `-._~/`)"))
}

/// `p2ham admin …`: set up the application from the command line.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create the first administrator (password read from standard input).
    CreateAdmin {
        #[command(flatten)]
        data: DataArgs,
        /// Login name.
        #[arg(long)]
        username: String,
        /// Display name.
        #[arg(long, default_value = "Administrator")]
        name: String,
    },
    /// Users.
    #[command(subcommand)]
    User(UserCommand),
    /// Units.
    #[command(subcommand)]
    Unit(UnitCommand),
    /// Periods.
    #[command(subcommand)]
    Period(PeriodCommand),
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Back up the data folder into a new folder while the application may
    /// be running: a consistent copy of the SQLite database, every evidence
    /// file, and manifest.json with each file's SHA-256 and size, the audit
    /// log's head and the time. The folder must be new or empty. A PostgreSQL
    /// database is backed up with pg_dump instead (exit 2, naming it; see
    /// "Backups" in docs/server.md).
    Backup {
        #[command(flatten)]
        data: DataArgs,
        /// The backup folder to write (new or empty).
        #[arg(long, value_name = "DIR")]
        to: PathBuf,
    },
    /// Restore a backup written by `p2ham admin backup` into a new or empty
    /// data folder. Every file is checked against the manifest first; a file
    /// that does not match is named with what was expected (exit 1) and
    /// nothing is written. Check the result with `p2ham admin audit verify`.
    Restore {
        #[command(flatten)]
        data: DataArgs,
        /// The backup folder.
        #[arg(value_name = "BACKUP_DIR")]
        from: PathBuf,
    },
}

/// `p2ham admin user …`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user (password read from standard input, first line).
    Add {
        #[command(flatten)]
        data: DataArgs,
        /// Login name.
        #[arg(long)]
        username: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// Role.
        #[arg(long, value_enum)]
        role: RoleArg,
        /// An operator's unit id.
        #[arg(long, value_name = "UNIT")]
        unit: Option<String>,
        /// A verifier's Kanwil, as its units name it.
        #[arg(long)]
        office: Option<String>,
    },
    /// Change a user's display name, role and unit or Kanwil (the whole profile is given).
    Update {
        #[command(flatten)]
        data: DataArgs,
        /// Login name.
        #[arg(long)]
        username: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// Role.
        #[arg(long, value_enum)]
        role: RoleArg,
        /// An operator's unit id.
        #[arg(long, value_name = "UNIT")]
        unit: Option<String>,
        /// A verifier's Kanwil, as its units name it.
        #[arg(long)]
        office: Option<String>,
    },
    /// Deactivate a user: no more logins, their sessions end, their API tokens are refused.
    Deactivate {
        #[command(flatten)]
        data: DataArgs,
        /// Login name.
        #[arg(long)]
        username: String,
    },
    /// Make a deactivated user active again.
    Reactivate {
        #[command(flatten)]
        data: DataArgs,
        /// Login name.
        #[arg(long)]
        username: String,
    },
}

/// `p2ham admin unit …`.
#[derive(Debug, Subcommand)]
pub enum UnitCommand {
    /// Create a unit.
    Add {
        #[command(flatten)]
        data: DataArgs,
        /// Stable id, e.g. `kanim-sampit`.
        #[arg(long, value_name = "UNIT")]
        id: String,
        /// Official name.
        #[arg(long)]
        name: String,
        /// Unit kind (`kanim`, `lapas`, `bapas`, …).
        #[arg(long)]
        kind: String,
        /// The Kanwil.
        #[arg(long)]
        office: String,
    },
    /// Import units from CSV with columns id,name,kind,office (`-` reads standard input).
    Import {
        #[command(flatten)]
        data: DataArgs,
        /// The CSV file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

/// `p2ham admin period …`.
#[derive(Debug, Subcommand)]
pub enum PeriodCommand {
    /// Create a period.
    Add {
        #[command(flatten)]
        data: DataArgs,
        /// Id, as assessments name it in `period` (e.g. `2024`).
        #[arg(long, value_name = "PERIOD")]
        id: String,
        /// Year.
        #[arg(long, value_name = "YEAR")]
        year: i64,
        /// A built-in instrument id or a stored instrument's SHA-256.
        #[arg(long, value_name = "INSTRUMENT")]
        instrument: String,
        /// Self-assessments from (RFC 3339 time, or a date: its start in UTC+7).
        #[arg(long, value_name = "DATE")]
        self_opens: Option<String>,
        /// Self-assessments until (a date: its end in UTC+7).
        #[arg(long, value_name = "DATE")]
        self_closes: Option<String>,
        /// Verifications from.
        #[arg(long, value_name = "DATE")]
        verification_opens: Option<String>,
        /// Verifications until.
        #[arg(long, value_name = "DATE")]
        verification_closes: Option<String>,
        /// The previous period, whose decreed award list is this period's baseline.
        #[arg(long)]
        previous: Option<String>,
    },
}

/// `p2ham admin audit …`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the audit log: its hash chain, that the database's cases, users,
    /// units and periods are in the state its entries imply, and with
    /// --checkpoint that it still holds the entry a signed checkpoint names.
    /// Exit 0 when everything matches, 1 naming every difference.
    Verify {
        #[command(flatten)]
        data: DataArgs,
        /// A checkpoint written by `p2ham admin audit checkpoint` (its
        /// signature is FILE.minisig).
        #[arg(long, value_name = "FILE", requires = "key")]
        checkpoint: Option<PathBuf>,
        /// A public key accepted for the checkpoint's signature; repeat the flag to accept several.
        #[arg(long, value_name = "PUBLIC_KEY", requires = "checkpoint")]
        key: Vec<PathBuf>,
    },
    /// Check the audit log as `verify` does, then write a checkpoint of it
    /// (the number of entries, the last entry's digest and the time) signed
    /// with a minisign secret key: FILE and FILE.minisig. Keep them where the
    /// database's administrators cannot change them.
    Checkpoint {
        #[command(flatten)]
        data: DataArgs,
        /// The minisign secret key (`p2ham seal keygen` makes one).
        #[arg(long, value_name = "SECRET_KEY")]
        key: PathBuf,
        /// The secret key's password, on the first line of this file.
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
        /// The checkpoint file; its signature goes to FILE.minisig.
        #[arg(long, short, value_name = "FILE")]
        output: PathBuf,
    },
}

/// A role on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    /// A unit's operator.
    Operator,
    /// A Kanwil's verifier.
    Verifier,
    /// A central evaluator.
    Evaluator,
    /// An administrator.
    Admin,
    /// A monitoring system: its API token reads `GET /metrics` and nothing else.
    Metrics,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Operator => Role::Operator,
            RoleArg::Verifier => Role::Verifier,
            RoleArg::Evaluator => Role::Evaluator,
            RoleArg::Admin => Role::Admin,
            RoleArg::Metrics => Role::Metrics,
        }
    }
}
