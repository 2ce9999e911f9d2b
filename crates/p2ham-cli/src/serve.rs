//! `p2ham serve` and `p2ham admin`: flags as plain structs, handed to p2ham-server.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use p2ham_server::{AppState, NewPeriod, NewUnit, NewUser, Role, Settings, UserProfile};

use crate::Failure;

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
    data_dir: PathBuf,
    /// Use this database instead of the SQLite file in the data folder:
    /// `postgres://user@host/db` (several instances can share it) or `sqlite:PATH`.
    #[arg(long, value_name = "URL", env = "P2HAM_DATABASE")]
    database: Option<String>,
    /// The evidence store's folder (default: `evidence` in the data folder).
    #[arg(long, value_name = "DIR", env = "P2HAM_EVIDENCE_DIR")]
    evidence_dir: Option<PathBuf>,
}

impl DataArgs {
    fn settings(&self) -> Settings {
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
    data: DataArgs,
    /// Address and port to listen on.
    #[arg(
        long,
        value_name = "ADDR",
        env = "P2HAM_LISTEN",
        default_value = "127.0.0.1:8080"
    )]
    listen: String,
    /// Do not load the demonstration units, period and accounts into a fresh database (production).
    #[arg(long, env = "P2HAM_NO_DEMO")]
    no_demo: bool,
    /// The largest evidence file accepted, in MiB.
    #[arg(
        long,
        value_name = "MIB",
        env = "P2HAM_MAX_EVIDENCE_MIB",
        default_value_t = 20
    )]
    max_evidence_mib: u64,
    /// Mark session cookies `Secure` (set it when a reverse proxy serves the application over TLS).
    #[arg(long, env = "P2HAM_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Serve everything under this path (`/p2ham`): pages, assets, the API, redirects and cookies.
    #[arg(long, value_name = "PATH", env = "P2HAM_BASE_PATH", default_value = "", value_parser = base_path)]
    base_path: String,
    /// How the log on standard error is written: `text` for people, `json`
    /// (one JSON object a line) for a log collector.
    #[arg(
        long,
        value_enum,
        value_name = "FORMAT",
        env = "P2HAM_LOG_FORMAT",
        default_value_t = LogFormat::Text
    )]
    log_format: LogFormat,
    /// Print the API's OpenAPI 3.1 document (as in docs/openapi.json) and exit.
    #[arg(long)]
    openapi: bool,
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

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Invalid(format!("cannot start the runtime: {e}")))
}

fn failed(e: &p2ham_server::ServerError) -> Failure {
    Failure::Invalid(e.to_string())
}

/// `p2ham serve`.
pub fn serve(args: &ServeArgs) -> Result<(), Failure> {
    if args.openapi {
        let mut out = std::io::stdout().lock();
        return out
            .write_all(p2ham_server::openapi_json().as_bytes())
            .and_then(|()| out.flush())
            .map_err(|e| Failure::Invalid(format!("standard output: {e}")));
    }
    let mut settings = args.data.settings();
    settings.max_evidence_bytes = args.max_evidence_mib.saturating_mul(1024 * 1024);
    settings.secure_cookies = args.secure_cookies;
    settings.base_path.clone_from(&args.base_path);
    let filter = tracing_subscriber::EnvFilter::try_from_env("P2HAM_LOG")
        // --quiet: only warnings and errors, unless P2HAM_LOG says otherwise.
        .unwrap_or_else(|_| {
            tracing_subscriber::EnvFilter::new(if crate::commands::quiet() {
                "warn"
            } else {
                "info,sqlx=warn"
            })
        });
    let log = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match args.log_format {
        LogFormat::Text => log.init(),
        LogFormat::Json => log.json().with_current_span(true).init(),
    }
    runtime()?.block_on(async {
        let state = AppState::open(&settings).await.map_err(|e| failed(&e))?;
        let demo = if args.no_demo {
            false
        } else {
            p2ham_server::load_demo(&state).await.map_err(|e| failed(&e))?
        };
        let listener = tokio::net::TcpListener::bind(&args.listen)
            .await
            .map_err(|e| Failure::Invalid(format!("cannot listen on {}: {e}", args.listen)))?;
        let addr = listener
            .local_addr()
            .map_err(|e| Failure::Invalid(format!("cannot listen on {}: {e}", args.listen)))?;
        print_welcome(&settings, addr, demo, args.no_demo);
        p2ham_server::serve(listener, state, shutdown_signal())
            .await
            .map_err(|e| Failure::Invalid(format!("server: {e}")))
    })
}

fn print_welcome(settings: &Settings, addr: std::net::SocketAddr, demo_loaded: bool, no_demo: bool) {
    let mut out = std::io::stdout().lock();
    let database = settings.database.as_deref().map_or_else(
        || format!("SQLite {}", settings.data_dir.join("p2ham.db").display()),
        redact,
    );
    let base = &settings.base_path;
    let _ = writeln!(out, "P2HAM application listening on http://{addr}{base}/");
    let _ = writeln!(
        out,
        "  API           http://{addr}{base}/api/v1/  (OpenAPI 3.1: http://{addr}{base}/api/v1/openapi.json)"
    );
    let _ = writeln!(out, "  health        http://{addr}{base}/api/v1/health");
    let _ = writeln!(out, "  database      {database}");
    let _ = writeln!(out, "  evidence      {}", settings.evidence_path().display());
    let _ = writeln!(
        out,
        "Log in: POST http://{addr}{base}/api/v1/session with {{\"username\": …, \"password\": …}}"
    );
    if no_demo {
        let _ = writeln!(
            out,
            "Demo data is off; create the first administrator with `p2ham admin create-admin`."
        );
    } else {
        let _ = writeln!(
            out,
            "{} demo accounts (password `{}`), period 2023, Kanwil Kalimantan Tengah:",
            if demo_loaded {
                "Loaded the"
            } else {
                "The database already has users; the"
            },
            p2ham_server::demo_data::DEMO_PASSWORD
        );
        for a in p2ham_server::DEMO_ACCOUNTS {
            let _ = writeln!(
                out,
                "  {:<24} {:<10} {}",
                a.username,
                a.role.as_str(),
                a.unit.unwrap_or("")
            );
        }
        let _ = writeln!(
            out,
            "Turn the demo off in production: --no-demo (or P2HAM_NO_DEMO=true)."
        );
    }
    let _ = out.flush();
}

/// A database URL without its password.
fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let cred = &url[s + 3..at];
            match cred.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

fn read_password() -> Result<String, Failure> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Failure::Invalid(format!("standard input: {e}")))?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        return Err(Failure::Usage(
            "give the password on standard input (first line), e.g. `read -rs P; echo \"$P\" | p2ham admin …`".into(),
        ));
    }
    Ok(password)
}

/// A failed backup or restore: a usage error (a PostgreSQL database, a
/// database or evidence folder of its own) is exit 2, anything else exit 1.
fn backup_failed(e: p2ham_server::BackupError) -> Failure {
    match e {
        p2ham_server::BackupError::Usage(m) => Failure::Usage(m),
        other => Failure::Invalid(other.to_string()),
    }
}

/// `p2ham admin …`.
pub fn admin(cmd: AdminCommand) -> Result<(), Failure> {
    let rt = runtime()?;
    rt.block_on(async move {
        let open = |d: &DataArgs| {
            let s = d.settings();
            async move { AppState::open(&s).await.map_err(|e| failed(&e)) }
        };
        let mut out = std::io::stdout().lock();
        match cmd {
            AdminCommand::Backup { data, to } => {
                let m = p2ham_server::backup(&data.settings(), &to)
                    .await
                    .map_err(backup_failed)?;
                let evidence = m.files.len().saturating_sub(1);
                let bytes: u64 = m.files.iter().map(|f| f.size).sum();
                let _ = writeln!(
                    out,
                    "backup written to {}: the database and {evidence} evidence file(s), {bytes} bytes; \
                     audit log {} entries, head {}; taken {}",
                    to.display(),
                    m.audit.entries,
                    m.audit.head_sha256,
                    m.created_at
                );
            }
            AdminCommand::Restore { data, from } => {
                let settings = data.settings();
                let m = p2ham_server::restore(&settings, &from)
                    .await
                    .map_err(backup_failed)?;
                let _ = writeln!(
                    out,
                    "restored the backup of {} ({} file(s), audit log {} entries, head {}) into {}; \
                     check it with `p2ham admin audit verify --data-dir {}`",
                    m.created_at,
                    m.files.len(),
                    m.audit.entries,
                    m.audit.head_sha256,
                    settings.data_dir.display(),
                    settings.data_dir.display()
                );
            }
            AdminCommand::CreateAdmin { data, username, name } => {
                let password = read_password()?;
                let state = open(&data).await?;
                state
                    .admin()
                    .create_user(&NewUser {
                        username: username.clone(),
                        name,
                        role: Role::Admin,
                        unit: None,
                        office: None,
                        password,
                    })
                    .await
                    .map_err(|e| failed(&e))?;
                let _ = writeln!(out, "created administrator {username}");
            }
            AdminCommand::User(UserCommand::Add {
                data,
                username,
                name,
                role,
                unit,
                office,
            }) => {
                let password = read_password()?;
                let state = open(&data).await?;
                state
                    .admin()
                    .create_user(&NewUser {
                        username: username.clone(),
                        name,
                        role: role.into(),
                        unit,
                        office,
                        password,
                    })
                    .await
                    .map_err(|e| failed(&e))?;
                let _ = writeln!(out, "created user {username}");
            }
            AdminCommand::User(UserCommand::Update {
                data,
                username,
                name,
                role,
                unit,
                office,
            }) => {
                let state = open(&data).await?;
                state
                    .admin()
                    .update_user(
                        &username,
                        &UserProfile {
                            name,
                            role: role.into(),
                            unit,
                            office,
                        },
                    )
                    .await
                    .map_err(|e| failed(&e))?;
                let _ = writeln!(out, "updated user {username}");
            }
            AdminCommand::User(UserCommand::Deactivate { data, username }) => {
                let state = open(&data).await?;
                state
                    .admin()
                    .set_active(&username, false)
                    .await
                    .map_err(|e| failed(&e))?;
                let _ = writeln!(out, "deactivated user {username}");
            }
            AdminCommand::User(UserCommand::Reactivate { data, username }) => {
                let state = open(&data).await?;
                state
                    .admin()
                    .set_active(&username, true)
                    .await
                    .map_err(|e| failed(&e))?;
                let _ = writeln!(out, "reactivated user {username}");
            }
            AdminCommand::Unit(UnitCommand::Add {
                data,
                id,
                name,
                kind,
                office,
            }) => {
                let state = open(&data).await?;
                state
                    .admin()
                    .create_unit(&NewUnit {
                        id: id.clone(),
                        name,
                        kind,
                        office,
                    })
                    .await
                    .map_err(|e| failed(&e))?;
                let _ = writeln!(out, "created unit {id}");
            }
            AdminCommand::Unit(UnitCommand::Import { data, file }) => {
                let bytes = crate::sources::source(&file).read()?.bytes;
                let state = open(&data).await?;
                let n = state
                    .admin()
                    .import_units(&bytes)
                    .await
                    .map_err(|e| Failure::Invalid(format!("{}: {e}", file.display())))?;
                let _ = writeln!(out, "imported {n} units from {}", file.display());
            }
            AdminCommand::Period(PeriodCommand::Add {
                data,
                id,
                year,
                instrument,
                self_opens,
                self_closes,
                verification_opens,
                verification_closes,
                previous,
            }) => {
                let state = open(&data).await?;
                state
                    .admin()
                    .create_period(&NewPeriod {
                        id: id.clone(),
                        year,
                        instrument,
                        self_opens,
                        self_closes,
                        verification_opens,
                        verification_closes,
                        previous,
                    })
                    .await
                    .map_err(|e| failed(&e))?;
                let _ = writeln!(out, "created period {id}");
            }
            AdminCommand::Audit(AuditCommand::Verify {
                data,
                checkpoint,
                key,
            }) => {
                // The checkpoint and its signature are checked before the database is opened.
                let checked = match &checkpoint {
                    Some(file) => {
                        let keys = p2ham_io::seal::load_public_keys(&key)?;
                        Some(p2ham_io::checkpoint::verify_checkpoint(file, &keys)?)
                    }
                    None => None,
                };
                let state = open(&data).await?;
                let admin = state.admin();
                let v = match &checked {
                    Some(c) => admin.verify_audit_against(&c.checkpoint).await,
                    None => admin.verify_audit().await,
                }
                .map_err(|e| failed(&e))?;
                let _ = writeln!(
                    out,
                    "audit log intact: {} entries, head {}; the database matches it ({} cases, {} users)",
                    v.entries, v.head, v.cases, v.users
                );
                if let Some(c) = &checked {
                    let _ = writeln!(
                        out,
                        "it holds the checkpoint of {} (entry {}, head {}), signed by key {} ({})",
                        c.checkpoint.at,
                        c.checkpoint.count,
                        c.checkpoint.head_sha256,
                        c.checkpoint.key_id,
                        c.key
                    );
                }
            }
            AdminCommand::Audit(AuditCommand::Checkpoint {
                data,
                key,
                password_file,
                output,
            }) => {
                let pw = crate::award::password(password_file.as_ref())?;
                let secret = p2ham_io::seal::load_secret_key(&key, pw.as_deref())?;
                let state = open(&data).await?;
                let v = state.admin().verify_audit().await.map_err(|e| {
                    Failure::Invalid(format!(
                        "no checkpoint written: the audit log does not verify: {e}"
                    ))
                })?;
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs());
                let count = u64::try_from(v.entries).unwrap_or_default();
                let signed = p2ham_io::checkpoint::sign_checkpoint(
                    count,
                    &v.head,
                    p2ham_io::seal::utc_timestamp(now),
                    &secret,
                    &key,
                )?;
                let mut inputs = vec![key.clone(), p2ham_io::seal::public_key_path(&key)];
                inputs.extend(password_file);
                let signature = p2ham_io::seal::signature_path(&output);
                p2ham_io::write::write_atomic(&output, signed.text.as_bytes(), &inputs)?;
                p2ham_io::write::write_atomic(&signature, signed.signature_text.as_bytes(), &inputs)?;
                let _ = writeln!(
                    out,
                    "checkpoint of the audit log: {} entries, head {}, at {}, key {}: {} and {}",
                    signed.checkpoint.count,
                    signed.checkpoint.head_sha256,
                    signed.checkpoint.at,
                    signed.checkpoint.key_id,
                    output.display(),
                    signature.display()
                );
            }
        }
        Ok(())
    })
}
