//! Saves that may be sent again: a save carrying an `Idempotency-Key` is
//! handled once per user and key; the same save sent again (after an answer
//! lost on a weak signal) is not stored again but answered with the first
//! answer. Keys are kept per user, at most [`Idempotency::MAX_KEYS`] of them,
//! each for [`Idempotency::HOURS`] hours.

use sqlx::Row;

use super::{ErrorCode, ServiceError, ServiceResult};
use crate::auth::Actor;
use crate::types::now;
use crate::AppState;

/// The first answer to a save, given again to the same save sent again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replayed {
    /// The HTTP status.
    pub status: u16,
    /// Its `Content-Type`, if any.
    pub content_type: Option<String>,
    /// Its `Location`, if any (a form's redirect).
    pub location: Option<String>,
    /// Its body.
    pub body: String,
}

/// The saves with an `Idempotency-Key` of one user.
#[derive(Debug, Clone, Copy)]
pub struct Idempotency<'a> {
    state: &'a AppState,
    actor: &'a Actor,
}

impl AppState {
    /// The idempotency keys of `actor`.
    pub fn idempotency<'a>(&'a self, actor: &'a Actor) -> Idempotency<'a> {
        Idempotency { state: self, actor }
    }
}

impl Idempotency<'_> {
    /// How long a key is kept.
    pub const HOURS: i64 = 24;
    /// The most keys kept per user (the oldest go first).
    pub const MAX_KEYS: i64 = 200;

    /// Check a key as the client sent it: 1 to 255 visible ASCII characters.
    pub fn check_key(key: &str) -> ServiceResult<()> {
        if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ServiceError::field(
                "Idempotency-Key",
                "expected 1 to 255 visible ASCII characters (a random UUID, for example)",
            ));
        }
        Ok(())
    }

    /// Begin handling a save with `key` and the digest of its request: the
    /// first answer when the same save was handled already (`Some`), else the
    /// key is taken for this request (`None`; then [`Idempotency::finish`] or
    /// [`Idempotency::abandon`]). A key used for a different request is
    /// refused, and so is one whose request is still being handled.
    pub async fn begin(&self, key: &str, request_sha256: &str) -> ServiceResult<Option<Replayed>> {
        Self::check_key(key)?;
        let pool = self.state.db().pool();
        let at = now();
        sqlx::query("DELETE FROM idempotency WHERE expires_at < $1")
            .bind(&at)
            .execute(pool)
            .await?;
        let found = sqlx::query(
            "SELECT request_sha256, status, content_type, location, body FROM idempotency WHERE username = $1 AND idem_key = $2",
        )
        .bind(&self.actor.username)
        .bind(key)
        .fetch_optional(pool)
        .await?;
        if let Some(row) = found {
            let sha: String = row.try_get("request_sha256")?;
            if sha != request_sha256 {
                return Err(ServiceError::new(
                    ErrorCode::IdempotencyKeyReused,
                    "Idempotency-Key: this key was used for a different request; send a new key with a new save",
                ));
            }
            let status: i64 = row.try_get("status")?;
            if status == 0 {
                return Err(ServiceError::new(
                    ErrorCode::IdempotencyInProgress,
                    "a save with this Idempotency-Key is still being handled; ask again in a moment",
                ));
            }
            return Ok(Some(Replayed {
                status: u16::try_from(status).unwrap_or(200),
                content_type: row.try_get("content_type")?,
                location: row.try_get("location")?,
                body: row.try_get::<Option<String>, _>("body")?.unwrap_or_default(),
            }));
        }
        // Bounded per user: the oldest keys go first.
        let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM idempotency WHERE username = $1")
            .bind(&self.actor.username)
            .fetch_one(pool)
            .await?
            .try_get("n")?;
        if count >= Self::MAX_KEYS {
            sqlx::query(
                "DELETE FROM idempotency WHERE username = $1 AND idem_key IN \
                 (SELECT idem_key FROM idempotency WHERE username = $1 ORDER BY created_at LIMIT $2)",
            )
            .bind(&self.actor.username)
            .bind(count - Self::MAX_KEYS + 1)
            .execute(pool)
            .await?;
        }
        let expires = jiff::Timestamp::now()
            .checked_add(jiff::SignedDuration::from_hours(Self::HOURS))
            .map_err(|e| ServiceError::internal(&e))?;
        let inserted = sqlx::query(
            "INSERT INTO idempotency (username, idem_key, request_sha256, status, content_type, location, body, created_at, expires_at) \
             VALUES ($1, $2, $3, 0, NULL, NULL, NULL, $4, $5)",
        )
        .bind(&self.actor.username)
        .bind(key)
        .bind(request_sha256)
        .bind(&at)
        .bind(format!("{expires:.6}"))
        .execute(pool)
        .await;
        match inserted {
            Ok(_) => Ok(None),
            // The same key taken by a request at the same moment.
            Err(_) => Err(ServiceError::new(
                ErrorCode::IdempotencyInProgress,
                "a save with this Idempotency-Key is still being handled; ask again in a moment",
            )),
        }
    }

    /// Keep the answer to the save begun with `key`, for the same save sent again.
    pub async fn finish(&self, key: &str, answer: &Replayed) -> ServiceResult<()> {
        sqlx::query(
            "UPDATE idempotency SET status = $1, content_type = $2, location = $3, body = $4 WHERE username = $5 AND idem_key = $6",
        )
        .bind(i64::from(answer.status))
        .bind(&answer.content_type)
        .bind(&answer.location)
        .bind(&answer.body)
        .bind(&self.actor.username)
        .bind(key)
        .execute(self.state.db().pool())
        .await?;
        Ok(())
    }

    /// Let the key go: the save was refused and stored nothing, so sending it again does it again.
    pub async fn abandon(&self, key: &str) -> ServiceResult<()> {
        sqlx::query("DELETE FROM idempotency WHERE username = $1 AND idem_key = $2 AND status = 0")
            .bind(&self.actor.username)
            .bind(key)
            .execute(self.state.db().pool())
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_short_visible_ascii() {
        assert!(Idempotency::check_key("6f1c2d0e-8a4b-4c9e-9d2f-0b7a1e3c5d4f").is_ok());
        for bad in ["", "a b", "ü", &"x".repeat(256)] {
            let e = Idempotency::check_key(bad).unwrap_err();
            assert_eq!(e.code, ErrorCode::Invalid, "{bad:?}");
            assert!(e.message.starts_with("Idempotency-Key:"));
        }
    }
}
