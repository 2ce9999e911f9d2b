//! The database: one codebase over SQLite and PostgreSQL through sqlx's `Any`
//! driver, one set of migrations, and a write path that keeps SQLite's single
//! writer and PostgreSQL's row locks both safe.

use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Executor, Row, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::ServerError;

/// The migrations, embedded in the binary; applied at start.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Which database the URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file (the embedded default).
    Sqlite,
    /// A PostgreSQL server (several instances may share it).
    Postgres,
}

/// A pool of connections to the application's database.
#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// SQLite has one writer: writers queue here rather than fail with `SQLITE_BUSY`.
    write_lock: Arc<Mutex<()>>,
}

/// A write transaction (with SQLite's writer turn held until it ends).
pub struct WriteTx {
    /// The transaction.
    pub tx: Transaction<'static, Any>,
    _turn: Option<OwnedMutexGuard<()>>,
}

impl WriteTx {
    /// Commit.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl Db {
    /// Connect (creating an SQLite file when missing), apply the migrations,
    /// and refuse a database newer than this binary.
    pub async fn connect(url: &str) -> Result<Db, ServerError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(ServerError::Invalid(format!(
                "database URL `{url}`: expected sqlite:PATH or postgres://…"
            )));
        };
        if (backend == Backend::Sqlite && !cfg!(feature = "sqlite"))
            || (backend == Backend::Postgres && !cfg!(feature = "postgres"))
        {
            let feature = if backend == Backend::Sqlite {
                "sqlite"
            } else {
                "postgres"
            };
            return Err(ServerError::Invalid(format!(
                "database URL `{url}`: this build of p2ham has no {feature} driver (its `{feature}` feature is off)"
            )));
        }
        let options: AnyConnectOptions = url.parse()?;
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL: readers never wait for the writer; FULL: a commit is on disk
                        // before it is acknowledged.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 30000").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        let db = Db {
            pool,
            backend,
            write_lock: Arc::new(Mutex::new(())),
        };
        db.migrate().await?;
        Ok(db)
    }

    async fn migrate(&self) -> Result<(), ServerError> {
        let known = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
        // `_sqlx_migrations` exists once any migration ran.
        let found: Option<i64> = match sqlx::query("SELECT MAX(version) AS v FROM _sqlx_migrations")
            .fetch_one(&self.pool)
            .await
        {
            Ok(row) => row.try_get::<Option<i64>, _>("v")?,
            Err(_) => None,
        };
        if let Some(found) = found.filter(|f| *f > known) {
            return Err(ServerError::NewerDatabase { found, known });
        }
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    /// The pool, for reads.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Begin a write transaction.
    pub async fn write(&self) -> Result<WriteTx, sqlx::Error> {
        let turn = if self.backend == Backend::Sqlite {
            Some(Arc::clone(&self.write_lock).lock_owned().await)
        } else {
            None
        };
        let tx = self.pool.begin().await?;
        Ok(WriteTx { tx, _turn: turn })
    }

    /// Close every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
