//! Limits on guessing passwords, kept in the database so that every instance
//! sharing it applies one limit.
//!
//! Failed attempts are counted per minute for each (source address,
//! username) pair and for each source address. A pair that failed
//! [`Limits::per_pair`] times in the current minute is refused until the
//! minute ends; so is a source that failed [`Limits::per_source`] times,
//! whatever names it tries. A stranger can therefore lock out only the
//! attempts that come from their own address: the administrator logging in
//! from elsewhere is not affected.
//!
//! The counts live in the table `login_failures`, one row per window (its
//! first failure's time and the failures since), updated in one statement so
//! that two instances counting at once both count. Each kind of row (pairs,
//! sources) is bounded: every failure deletes the rows of past windows, and
//! when more than [`MAX_KEYS`] remain, the oldest go, so no sequence of
//! requests makes the table grow without bound. A pair's key is a digest of
//! the address and the (lowercased, shortened) name, so its size is fixed.
//! Windows are timed by each instance's clock: instances sharing a database
//! keep their clocks synchronised (NTP), as they do for sessions.

use std::net::IpAddr;

use sqlx::Row;

use crate::db::Db;

/// The most rows each kind (pairs, sources) keeps.
pub const MAX_KEYS: usize = 10_000;

/// The longest username a login may name (longer ones are refused before anything is counted).
pub const MAX_USERNAME: usize = 64;

/// A window's length, in milliseconds.
const WINDOW_MS: i64 = 60_000;

/// Failed logins and password checks, per (source, username) and per source.
#[derive(Debug)]
pub struct Limits {
    /// Failures allowed per (source, username) per minute.
    pub per_pair: u32,
    /// Failures allowed per source per minute, whatever the usernames.
    pub per_source: u32,
    /// The most rows each kind keeps.
    max_keys: usize,
}

fn source_key(source: Option<IpAddr>) -> String {
    format!(
        "source:{}",
        source.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
    )
}

fn pair_key(source: Option<IpAddr>, username: &str) -> String {
    let mut name: String = username.chars().take(MAX_USERNAME).collect();
    name.make_ascii_lowercase();
    let source = source.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
    format!(
        "pair:{}",
        p2ham_io::digest::sha256_hex(format!("{source}\u{0}{name}").as_bytes())
    )
}

fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

impl Limits {
    /// `per_pair` failures per (source, username) and ten times as many per source, per minute.
    pub fn new(per_pair: u32) -> Limits {
        let per_pair = per_pair.max(1);
        Limits {
            per_pair,
            per_source: per_pair.saturating_mul(10),
            max_keys: MAX_KEYS,
        }
    }

    /// Whether another attempt from `source` for `username` may be checked now.
    pub async fn allowed(
        &self,
        db: &Db,
        source: Option<IpAddr>,
        username: &str,
    ) -> Result<bool, sqlx::Error> {
        let (pair, src) = (pair_key(source, username), source_key(source));
        let rows = sqlx::query(
            "SELECT key, failures FROM login_failures WHERE (key = $1 OR key = $2) AND window_start > $3",
        )
        .bind(&pair)
        .bind(&src)
        .bind(now_ms() - WINDOW_MS)
        .fetch_all(db.pool())
        .await?;
        for row in rows {
            let key: String = row.try_get("key")?;
            let failures: i64 = row.try_get("failures")?;
            let limit = if key == pair {
                self.per_pair
            } else {
                self.per_source
            };
            if failures >= i64::from(limit) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Count a failed attempt.
    pub async fn failed(&self, db: &Db, source: Option<IpAddr>, username: &str) -> Result<(), sqlx::Error> {
        let now = now_ms();
        let past = now - WINDOW_MS;
        let mut w = db.write().await?;
        for (kind, key) in [
            ("pair", pair_key(source, username)),
            ("source", source_key(source)),
        ] {
            // A window that ended starts again at this failure.
            sqlx::query(
                "INSERT INTO login_failures (key, kind, window_start, failures) VALUES ($1, $2, $3, 1) \
                 ON CONFLICT (key) DO UPDATE SET \
                 failures = CASE WHEN login_failures.window_start <= $4 THEN 1 ELSE login_failures.failures + 1 END, \
                 window_start = CASE WHEN login_failures.window_start <= $5 THEN $6 ELSE login_failures.window_start END",
            )
            .bind(&key)
            .bind(kind)
            .bind(now)
            .bind(past)
            .bind(past)
            .bind(now)
            .execute(&mut *w.tx)
            .await?;
        }
        sqlx::query("DELETE FROM login_failures WHERE window_start <= $1")
            .bind(past)
            .execute(&mut *w.tx)
            .await?;
        for kind in ["pair", "source"] {
            let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM login_failures WHERE kind = $1")
                .bind(kind)
                .fetch_one(&mut *w.tx)
                .await?
                .try_get("n")?;
            let over = count - i64::try_from(self.max_keys).unwrap_or(i64::MAX);
            if over > 0 {
                sqlx::query(
                    "DELETE FROM login_failures WHERE key IN \
                     (SELECT key FROM login_failures WHERE kind = $1 ORDER BY window_start, key LIMIT $2)",
                )
                .bind(kind)
                .bind(over)
                .execute(&mut *w.tx)
                .await?;
            }
        }
        w.commit().await
    }

    /// A success clears the pair's failures (not the source's).
    pub async fn succeeded(
        &self,
        db: &Db,
        source: Option<IpAddr>,
        username: &str,
    ) -> Result<(), sqlx::Error> {
        let mut w = db.write().await?;
        sqlx::query("DELETE FROM login_failures WHERE key = $1")
            .bind(pair_key(source, username))
            .execute(&mut *w.tx)
            .await?;
        w.commit().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn db() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("limits.db").display());
        let db = Db::connect(&url).await.unwrap();
        (dir, db)
    }

    #[tokio::test]
    async fn a_stranger_locks_out_only_their_own_address() {
        let (_dir, db) = db().await;
        let limits = Limits::new(3);
        let stranger = Some("203.0.113.7".parse().unwrap());
        let admin = Some("10.1.2.3".parse().unwrap());
        for _ in 0..3 {
            assert!(limits.allowed(&db, stranger, "admin").await.unwrap());
            limits.failed(&db, stranger, "admin").await.unwrap();
        }
        assert!(!limits.allowed(&db, stranger, "admin").await.unwrap());
        // The name is compared without case.
        assert!(!limits.allowed(&db, stranger, "ADMIN").await.unwrap());
        assert!(
            limits.allowed(&db, admin, "admin").await.unwrap(),
            "the administrator elsewhere is not locked out"
        );
        limits.succeeded(&db, admin, "admin").await.unwrap();
    }

    #[tokio::test]
    async fn a_source_trying_many_names_is_limited_too() {
        let (_dir, db) = db().await;
        let limits = Limits::new(2);
        let source = Some("198.51.100.1".parse().unwrap());
        for i in 0..19 {
            limits.failed(&db, source, &format!("user{i}")).await.unwrap();
        }
        assert!(limits.allowed(&db, source, "someone-new").await.unwrap());
        limits.failed(&db, source, "user19").await.unwrap();
        assert!(!limits.allowed(&db, source, "someone-new").await.unwrap());
    }

    #[tokio::test]
    async fn a_success_clears_the_pair_and_a_past_window_counts_no_more() {
        let (_dir, db) = db().await;
        let limits = Limits::new(2);
        let source = Some("192.0.2.9".parse().unwrap());
        limits.failed(&db, source, "op").await.unwrap();
        limits.failed(&db, source, "op").await.unwrap();
        assert!(!limits.allowed(&db, source, "op").await.unwrap());
        limits.succeeded(&db, source, "op").await.unwrap();
        assert!(limits.allowed(&db, source, "op").await.unwrap());
        // A window that began more than a minute ago counts nothing, and the next failure starts a new one.
        limits.failed(&db, source, "op").await.unwrap();
        limits.failed(&db, source, "op").await.unwrap();
        sqlx::query("UPDATE login_failures SET window_start = window_start - 60001")
            .execute(db.pool())
            .await
            .unwrap();
        assert!(limits.allowed(&db, source, "op").await.unwrap());
        limits.failed(&db, source, "op").await.unwrap();
        let n: i64 = sqlx::query("SELECT failures FROM login_failures WHERE kind = 'pair'")
            .fetch_one(db.pool())
            .await
            .unwrap()
            .get("failures");
        assert_eq!(n, 1);
    }

    #[tokio::test]
    async fn the_table_stays_bounded_whatever_is_sent() {
        let (_dir, db) = db().await;
        let mut limits = Limits::new(10);
        limits.max_keys = 40;
        for i in 0u8..100 {
            let ip = IpAddr::from([10, 0, 0, i]);
            limits.failed(&db, Some(ip), &"x".repeat(5000)).await.unwrap();
        }
        let rows = sqlx::query("SELECT kind, key FROM login_failures")
            .fetch_all(db.pool())
            .await
            .unwrap();
        let pairs = rows
            .iter()
            .filter(|r| r.get::<String, _>("kind") == "pair")
            .count();
        assert_eq!((pairs, rows.len() - pairs), (40, 40));
        // A pair's key is a digest, whatever the name's length; the newest are kept.
        assert!(rows
            .iter()
            .all(|r| r.get::<String, _>("key").len() <= "pair:".len() + 64));
        assert!(rows
            .iter()
            .any(|r| r.get::<String, _>("key") == "source:10.0.0.99"));
        assert!(!rows
            .iter()
            .any(|r| r.get::<String, _>("key") == "source:10.0.0.0"));
    }
}
