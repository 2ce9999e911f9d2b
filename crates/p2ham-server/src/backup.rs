//! Backups of the application's data and their restoration (`p2ham admin
//! backup`, `p2ham admin restore`).
//!
//! A backup is a folder: `p2ham.db`, a consistent copy of the SQLite
//! database taken with `VACUUM INTO` (one read transaction: the server may go
//! on writing meanwhile), `evidence/objects/ab/<sha256>`, every file of the
//! evidence store, and `manifest.json` ([`p2ham_io::backup::BackupManifest`]) listing
//! each file with its SHA-256 and size, the audit log's head in the copied
//! database and the time. The database is copied first: evidence is stored
//! before the rows that name it and never removed, so every file the copy
//! names is in the store when the store is copied. The backup is built in a
//! hidden folder beside the target and renamed to it at the end; an existing
//! target that is not an empty folder is refused.
//!
//! A restore checks every file of the backup against the manifest before it
//! writes anything, then builds the data folder beside the target and renames
//! it into place; the target must be missing or an empty folder.
//!
//! A PostgreSQL database is not copied: `pg_dump` does that (see
//! `docs/server.md`, "Backups").

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use p2ham_io::{
    backup::BackupAudit, backup::BackupFile, backup::BackupFormat, backup::BackupManifest,
    backup::BACKUP_MANIFEST,
};
use sha2::{Digest, Sha256};
#[cfg(feature = "sqlite")]
use sqlx::{ConnectOptions, Connection, Row};

use crate::db::{Backend, Db};
use crate::store::is_sha256;
use crate::{ServerError, Settings};

/// The database file's name in a data folder and in a backup.
const DATABASE_FILE: &str = "p2ham.db";

/// The largest manifest read (bytes): about 200,000 evidence files.
const MAX_MANIFEST_BYTES: u64 = 64 * 1024 * 1024;

/// Why a backup or a restore was not made. Nothing is left behind then.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackupError {
    /// Not possible as asked (a PostgreSQL database; a restore to a
    /// database or evidence folder outside the data folder).
    #[error("{0}")]
    Usage(String),
    /// The target exists and is not an empty folder.
    #[error("{path}: {what}")]
    NotEmpty {
        /// The target.
        path: String,
        /// What was refused.
        what: &'static str,
    },
    /// A file of the backup (or of the evidence store being backed up) is not
    /// what it should be.
    #[error("{path}: {message}")]
    Damaged {
        /// The file.
        path: String,
        /// What was expected and what was found.
        message: String,
    },
    /// Reading or writing failed.
    #[error(transparent)]
    Server(#[from] ServerError),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| {
        BackupError::Server(ServerError::Io {
            path: path.display().to_string(),
            source,
        })
    }
}

/// The message for a PostgreSQL database, which `pg_dump` backs up.
fn postgres_message() -> String {
    "the database is PostgreSQL: back it up with pg_dump, and the evidence folder with it, \
     e.g. `pg_dump --format=custom --file=p2ham.dump \"$P2HAM_DATABASE\"` and `cp -a` of the \
     evidence folder (see \"Backups\" in docs/server.md); `p2ham admin backup` copies an SQLite \
     data folder"
        .to_owned()
}

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres:") || url.starts_with("postgresql:")
}

/// Whether `path` is missing or an empty folder; `Err` naming it otherwise.
fn missing_or_empty(path: &Path, what: &'static str) -> Result<bool, BackupError> {
    match std::fs::read_dir(path) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                Err(BackupError::NotEmpty {
                    path: path.display().to_string(),
                    what,
                })
            } else {
                Ok(true)
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory || path.is_file() => {
            Err(BackupError::NotEmpty {
                path: path.display().to_string(),
                what,
            })
        }
        Err(e) => Err(io(path)(e)),
    }
}

/// The folder a path lives in (`.` for a bare name).
fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Make a folder's entries survive a crash.
fn sync_dir(dir: &Path) -> Result<(), BackupError> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io(dir))
}

/// Stream `from` into a new file `to` (when given), returning its SHA-256 and size.
fn hash_copy(from: &Path, to: Option<&Path>) -> Result<(String, u64), BackupError> {
    let mut input = std::fs::File::open(from).map_err(io(from))?;
    let mut output = match to {
        Some(to) => Some(
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(to)
                .map_err(io(to))?,
        ),
        None => None,
    };
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = input.read(&mut buf).map_err(io(from))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
        if let (Some(out), Some(to)) = (output.as_mut(), to) {
            out.write_all(&buf[..n]).map_err(io(to))?;
        }
    }
    if let (Some(out), Some(to)) = (output, to) {
        out.sync_all().map_err(io(to))?;
    }
    Ok((format!("{:x}", hasher.finalize()), size))
}

/// Every evidence file under `objects` (`ab/<sha256>`), sorted, as
/// (relative path, file). Anything else there is not the store's and is left out.
fn evidence_objects(objects: &Path) -> Result<Vec<(String, PathBuf)>, BackupError> {
    let mut found = Vec::new();
    let entries = match std::fs::read_dir(objects) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(found),
        Err(e) => return Err(io(objects)(e)),
    };
    for entry in entries {
        let entry = entry.map_err(io(objects))?;
        let prefix = entry.file_name().to_string_lossy().into_owned();
        let dir = entry.path();
        if prefix.len() != 2 || !dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&dir).map_err(io(&dir))? {
            let file = file.map_err(io(&dir))?;
            let name = file.file_name().to_string_lossy().into_owned();
            if is_sha256(&name) && name.starts_with(&prefix) && file.path().is_file() {
                found.push((format!("evidence/objects/{prefix}/{name}"), file.path()));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Back up the data folder `settings` names into the new folder `to`, while
/// the application may be running on it: the SQLite database (a consistent
/// copy), every evidence file and the manifest. `to` must be missing or an
/// empty folder; an evidence file whose content is not its digest stops the
/// backup, naming it. A PostgreSQL database is [`BackupError::Usage`], naming
/// `pg_dump`.
pub async fn backup(settings: &Settings, to: &Path) -> Result<BackupManifest, BackupError> {
    let url = settings.database_url();
    if is_postgres(&url) {
        return Err(BackupError::Usage(postgres_message()));
    }
    let target_exists = missing_or_empty(
        to,
        "the backup folder is not empty; a backup is written only into a new or empty folder",
    )?;
    if settings.database.is_none() {
        let file = settings.data_dir.join(DATABASE_FILE);
        if !file.is_file() {
            return Err(BackupError::Usage(format!(
                "{}: no database here; name the data folder with --data-dir",
                file.display()
            )));
        }
    }
    let parent = parent_of(to);
    std::fs::create_dir_all(&parent).map_err(io(&parent))?;
    let work = tempfile::Builder::new()
        .prefix(".p2ham-backup-")
        .tempdir_in(&parent)
        .map_err(io(&parent))?;
    let copy = work.path().join(DATABASE_FILE);

    // One read transaction copies the database, whatever the server writes meanwhile.
    let db = Db::connect(&url).await?;
    if db.backend() != Backend::Sqlite {
        db.close().await;
        return Err(BackupError::Usage(postgres_message()));
    }
    let vacuum = sqlx::query("VACUUM INTO $1")
        .bind(copy.display().to_string())
        .execute(db.pool())
        .await;
    db.close().await;
    vacuum.map_err(ServerError::from)?;

    let (audit, schema_version) = copy_head(&copy).await?;

    let objects = settings.evidence_path().join("objects");
    let work_path = work.path().to_path_buf();
    let files = tokio::task::spawn_blocking(move || copy_store(&work_path, &objects))
        .await
        .map_err(|e| ServerError::Invalid(format!("copying the evidence: {e}")))??;

    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let manifest = BackupManifest {
        format: BackupFormat::V1,
        created_at: p2ham_io::seal::utc_timestamp(now),
        p2ham_version: env!("CARGO_PKG_VERSION").to_owned(),
        schema_version,
        audit,
        files,
    };
    let mut text = serde_json::to_string_pretty(&manifest).expect("a manifest serialises");
    text.push('\n');
    let manifest_path = work.path().join(BACKUP_MANIFEST);
    let mut f = std::fs::File::create(&manifest_path).map_err(io(&manifest_path))?;
    f.write_all(text.as_bytes()).map_err(io(&manifest_path))?;
    f.sync_all().map_err(io(&manifest_path))?;
    sync_dir(work.path())?;

    // Complete: it becomes the target in one rename.
    if target_exists {
        missing_or_empty(
            to,
            "the backup folder is not empty; a backup is written only into a new or empty folder",
        )?;
    }
    let built = work.keep();
    if let Err(e) = std::fs::rename(&built, to) {
        let _ = std::fs::remove_dir_all(&built);
        return Err(io(to)(e));
    }
    sync_dir(&parent)?;
    Ok(manifest)
}

/// The audit head and schema version as the copy holds them (read only: the copy is not changed).
#[cfg(feature = "sqlite")]
async fn copy_head(copy: &Path) -> Result<(BackupAudit, i64), BackupError> {
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(copy)
        .read_only(true)
        .connect()
        .await
        .map_err(ServerError::from)?;
    let head = sqlx::query("SELECT seq, sha256 FROM audit_head WHERE id = 1")
        .fetch_one(&mut conn)
        .await
        .map_err(ServerError::from)?;
    let audit = BackupAudit {
        entries: head.try_get("seq").map_err(ServerError::from)?,
        head_sha256: head.try_get("sha256").map_err(ServerError::from)?,
    };
    let schema_version: i64 = sqlx::query("SELECT MAX(version) AS v FROM _sqlx_migrations")
        .fetch_one(&mut conn)
        .await
        .and_then(|r| r.try_get::<Option<i64>, _>("v"))
        .map_err(ServerError::from)?
        .unwrap_or(0);
    conn.close().await.map_err(ServerError::from)?;
    Ok((audit, schema_version))
}

/// Without the `sqlite` feature no SQLite database is opened, so none is copied.
#[cfg(not(feature = "sqlite"))]
async fn copy_head(_copy: &Path) -> Result<(BackupAudit, i64), BackupError> {
    Err(BackupError::Usage(
        "this build of p2ham has no SQLite driver (the `sqlite` feature is off)".into(),
    ))
}

/// Copy the database file's digest and every evidence file into `work`,
/// checking each evidence file's content against its name.
fn copy_store(work: &Path, objects: &Path) -> Result<Vec<BackupFile>, BackupError> {
    let db = work.join(DATABASE_FILE);
    let (sha256, size) = hash_copy(&db, None)?;
    let mut files = vec![BackupFile {
        path: DATABASE_FILE.to_owned(),
        sha256,
        size,
    }];
    let mut made = BTreeSet::new();
    for (rel, from) in evidence_objects(objects)? {
        let dest = work.join(&rel);
        let dir = parent_of(&dest);
        if made.insert(dir.clone()) {
            std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        }
        let (sha256, size) = hash_copy(&from, Some(&dest))?;
        let named = rel.rsplit('/').next().unwrap_or_default();
        if sha256 != named {
            return Err(BackupError::Damaged {
                path: from.display().to_string(),
                message: format!(
                    "the evidence file's content has digest {sha256}, not the digest it is stored under; \
                     the evidence store is damaged (no backup written)"
                ),
            });
        }
        files.push(BackupFile {
            path: rel,
            sha256,
            size,
        });
    }
    for dir in &made {
        sync_dir(dir)?;
    }
    for dir in [work.join("evidence/objects"), work.join("evidence")] {
        if dir.is_dir() {
            sync_dir(&dir)?;
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Whether a manifest's path is one a backup holds: `p2ham.db` or
/// `evidence/objects/ab/<sha256>` named by the listed digest.
fn valid_entry(f: &BackupFile) -> Result<(), String> {
    if !is_sha256(&f.sha256) {
        return Err(format!("sha256 {:?}: expected 64 lowercase hex digits", f.sha256));
    }
    if f.path == DATABASE_FILE {
        return Ok(());
    }
    let name = f
        .path
        .strip_prefix("evidence/objects/")
        .and_then(|rest| rest.split_once('/'))
        .filter(|(prefix, name)| prefix.len() == 2 && is_sha256(name) && name.starts_with(prefix))
        .map(|(_, name)| name);
    match name {
        Some(name) if name == f.sha256 => Ok(()),
        Some(name) => Err(format!(
            "an evidence file is named by its digest, but the manifest lists {} for {name}",
            f.sha256
        )),
        None => Err("expected `p2ham.db` or `evidence/objects/ab/<sha256>`".to_owned()),
    }
}

/// Read and check a backup's manifest.
fn read_manifest(from: &Path) -> Result<BackupManifest, BackupError> {
    let path = from.join(BACKUP_MANIFEST);
    let damaged = |message: String| BackupError::Damaged {
        path: path.display().to_string(),
        message,
    };
    let meta = std::fs::metadata(&path).map_err(|e| {
        damaged(format!(
            "cannot read the manifest ({e}); is {} a backup written by `p2ham admin backup`?",
            from.display()
        ))
    })?;
    if meta.len() > MAX_MANIFEST_BYTES {
        return Err(damaged(format!(
            "{} bytes; a manifest has at most {MAX_MANIFEST_BYTES}",
            meta.len()
        )));
    }
    let bytes = std::fs::read(&path).map_err(io(&path))?;
    let manifest: BackupManifest = serde_json::from_slice(&bytes).map_err(|e| {
        damaged(format!(
            "not a p2ham-backup/1 manifest (docs/schema/backup.schema.json): {e}"
        ))
    })?;
    let mut seen = BTreeSet::new();
    for (i, f) in manifest.files.iter().enumerate() {
        valid_entry(f).map_err(|m| damaged(format!("files[{i}] `{}`: {m}", f.path)))?;
        if !seen.insert(f.path.as_str()) {
            return Err(damaged(format!("files[{i}] `{}`: listed twice", f.path)));
        }
    }
    if !seen.contains(DATABASE_FILE) {
        return Err(damaged(format!(
            "files: `{DATABASE_FILE}` (the database) is not listed"
        )));
    }
    Ok(manifest)
}

/// Every file under `dir`, as `/`-separated paths relative to `root`.
fn files_in(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), BackupError> {
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let path = entry.path();
        if path.is_dir() {
            files_in(root, &path, out)?;
        } else {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            out.push(
                rel.components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/"),
            );
        }
    }
    Ok(())
}

/// Check every file of the backup in `from` against its manifest: each
/// listed file is there with its size and SHA-256, and no other file is.
/// The first that is not is [`BackupError::Damaged`], naming it with what
/// was expected and found.
pub fn check_backup(from: &Path) -> Result<BackupManifest, BackupError> {
    let manifest = read_manifest(from)?;
    let listed: BTreeSet<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    let mut present = Vec::new();
    files_in(from, from, &mut present)?;
    present.sort();
    for p in &present {
        if p != BACKUP_MANIFEST && !listed.contains(p.as_str()) {
            return Err(BackupError::Damaged {
                path: from.join(p).display().to_string(),
                message: "not listed in the manifest; a backup holds only the files its manifest lists"
                    .to_owned(),
            });
        }
    }
    for f in &manifest.files {
        let path = from.join(&f.path);
        let damaged = |message: String| BackupError::Damaged {
            path: path.display().to_string(),
            message,
        };
        if !path.is_file() {
            return Err(damaged(format!(
                "missing; the manifest lists it with sha256 {} and {} bytes",
                f.sha256, f.size
            )));
        }
        let (sha256, size) = hash_copy(&path, None)?;
        if sha256 != f.sha256 || size != f.size {
            return Err(damaged(format!(
                "expected sha256 {} and {} bytes as the manifest lists, found sha256 {sha256} and {size} bytes",
                f.sha256, f.size
            )));
        }
    }
    Ok(manifest)
}

/// Restore the backup in `from` into the data folder `settings` names,
/// which must be missing or empty: every file is checked against the
/// manifest first ([`check_backup`]); then the folder is built beside the
/// target (each file checked again as it is copied) and renamed into place.
/// The database and the evidence go into the data folder: a `database` URL
/// or an `evidence_dir` of their own is [`BackupError::Usage`].
pub async fn restore(settings: &Settings, from: &Path) -> Result<BackupManifest, BackupError> {
    if let Some(url) = &settings.database {
        return Err(BackupError::Usage(if is_postgres(url) {
            "the database is PostgreSQL: restore it with pg_restore and copy the evidence folder back \
             (see \"Backups\" in docs/server.md); `p2ham admin restore` restores an SQLite data folder"
                .to_owned()
        } else {
            "restore writes the SQLite database into the data folder: leave out --database \
             (and move the file afterwards if it lives elsewhere)"
                .to_owned()
        }));
    }
    if settings
        .evidence_dir
        .as_ref()
        .is_some_and(|e| *e != settings.data_dir.join("evidence"))
    {
        return Err(BackupError::Usage(
            "restore writes the evidence into the data folder's `evidence`: leave out --evidence-dir \
             (and move the folder afterwards if it lives elsewhere)"
                .to_owned(),
        ));
    }
    let from = from.to_path_buf();
    let target = settings.data_dir.clone();
    tokio::task::spawn_blocking(move || restore_blocking(&from, &target))
        .await
        .map_err(|e| ServerError::Invalid(format!("restoring: {e}")))?
}

fn restore_blocking(from: &Path, target: &Path) -> Result<BackupManifest, BackupError> {
    const NOT_EMPTY: &str =
        "the data folder is not empty; a backup is restored only into a new or empty data folder";
    let target_exists = missing_or_empty(target, NOT_EMPTY)?;
    let manifest = check_backup(from)?;
    let parent = parent_of(target);
    std::fs::create_dir_all(&parent).map_err(io(&parent))?;
    let work = tempfile::Builder::new()
        .prefix(".p2ham-restore-")
        .tempdir_in(&parent)
        .map_err(io(&parent))?;
    let mut made = BTreeSet::new();
    for dir in ["evidence/objects", "evidence/tmp"] {
        let d = work.path().join(dir);
        std::fs::create_dir_all(&d).map_err(io(&d))?;
    }
    for f in &manifest.files {
        let dest = work.path().join(&f.path);
        let dir = parent_of(&dest);
        if made.insert(dir.clone()) {
            std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        }
        let src = from.join(&f.path);
        let (sha256, size) = hash_copy(&src, Some(&dest))?;
        if sha256 != f.sha256 || size != f.size {
            return Err(BackupError::Damaged {
                path: src.display().to_string(),
                message: format!(
                    "changed while it was restored: expected sha256 {} and {} bytes, found sha256 {sha256} and {size} bytes",
                    f.sha256, f.size
                ),
            });
        }
    }
    for dir in made.iter().cloned().chain([
        work.path().join("evidence/objects"),
        work.path().join("evidence"),
        work.path().to_path_buf(),
    ]) {
        sync_dir(&dir)?;
    }
    if target_exists {
        // Still empty: the rename replaces the empty folder.
        missing_or_empty(target, NOT_EMPTY)?;
    }
    let built = work.keep();
    if let Err(e) = std::fs::rename(&built, target) {
        let _ = std::fs::remove_dir_all(&built);
        return Err(io(target)(e));
    }
    sync_dir(&parent)?;
    Ok(manifest)
}
