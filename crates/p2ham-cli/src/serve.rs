//! `p2ham serve` and `p2ham admin`: their flags ([`crate::args::serve`])
//! handed to p2ham-server.

use std::io::{BufRead, Write};

use p2ham_server::{AppState, NewPeriod, NewUnit, NewUser, Role, Settings, UserProfile};

use crate::args::serve::{
    AdminCommand, AuditCommand, DataArgs, LogFormat, PeriodCommand, ServeArgs, UnitCommand, UserCommand,
};
use crate::Failure;

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
            tracing_subscriber::EnvFilter::new(if crate::output::quiet() {
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
                let pw = crate::sources::password(password_file.as_ref())?;
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
