//! Who is asking: logging in and out, sessions and API tokens, passwords.

use std::net::IpAddr;

use sqlx::Row;

use super::{ErrorCode, ServiceError, ServiceResult};
use crate::audit::{self, Event};
use crate::auth::{dummy_hash, verify_password, Actor, Credential};
use crate::proto::{LoginRequest, NewToken, SessionInfo, TokenCreated, TokenInfo};
use crate::types::{now, random_hex, secret_digest, Role};
use crate::AppState;

/// Sessions, tokens and passwords (from [`AppState::sessions`]).
#[derive(Debug, Clone, Copy)]
pub struct Sessions<'a> {
    state: &'a AppState,
}

impl AppState {
    /// Logging in and out, tokens and passwords.
    pub fn sessions(&self) -> Sessions<'_> {
        Sessions { state: self }
    }
}

/// A session just opened.
#[derive(Debug, Clone)]
pub struct LoggedIn {
    /// The session's secret: the cookie's value (stored only as its digest).
    pub secret: String,
    /// How long it lasts, in seconds (the cookie's `Max-Age`).
    pub max_age: i64,
    /// Who logged in, the CSRF token and when the session ends.
    pub info: SessionInfo,
}

fn unauthenticated(message: &str) -> ServiceError {
    ServiceError::new(ErrorCode::Unauthenticated, message)
}

struct UserRow {
    username: String,
    name: String,
    role: String,
    unit: Option<String>,
    office: Option<String>,
    active: i64,
}

fn user_row(row: &sqlx::any::AnyRow) -> Result<UserRow, sqlx::Error> {
    Ok(UserRow {
        username: row.try_get("username")?,
        name: row.try_get("name")?,
        role: row.try_get("role")?,
        unit: row.try_get("unit_id")?,
        office: row.try_get("office")?,
        active: row.try_get("active")?,
    })
}

fn actor(user: UserRow, credential: Credential) -> ServiceResult<Actor> {
    let role = Role::parse(&user.role)
        .ok_or_else(|| ServiceError::internal(&format!("user {} has role {}", user.username, user.role)))?;
    Ok(Actor {
        username: user.username,
        name: user.name,
        role,
        unit: user.unit,
        office: user.office,
        credential,
    })
}

impl Sessions<'_> {
    /// The caller of a bearer API token, or else of a session cookie's value.
    /// (A session's CSRF token is checked by the adapter, on requests that change something.)
    pub async fn authenticate(&self, bearer: Option<&str>, session: Option<&str>) -> ServiceResult<Actor> {
        let pool = self.state.db().pool();
        if let Some(token) = bearer {
            let row = sqlx::query(
                "SELECT t.id AS token_id, t.role AS token_role, t.revoked_at, u.username, u.name, u.role, \
                 u.unit_id, u.office, u.active FROM api_tokens t JOIN users u ON u.username = t.username \
                 WHERE t.token_sha256 = $1",
            )
            .bind(secret_digest(token.trim()))
            .fetch_optional(pool)
            .await?
            .ok_or_else(|| unauthenticated("unknown API token"))?;
            let revoked: Option<String> = row.try_get("revoked_at")?;
            let user = user_row(&row)?;
            if revoked.is_some() || user.active == 0 {
                return Err(unauthenticated("this API token was revoked or its user disabled"));
            }
            let token_role: String = row.try_get("token_role")?;
            if token_role != user.role {
                return Err(unauthenticated(
                    "this API token was made for another role than its user now has; make a new one",
                ));
            }
            return actor(
                user,
                Credential::Token {
                    id: row.try_get("token_id")?,
                },
            );
        }
        let Some(session) = session else {
            return Err(unauthenticated(
                "log in (POST /api/v1/session) or send `Authorization: Bearer TOKEN`",
            ));
        };
        let row = sqlx::query(
            "SELECT s.csrf, s.expires_at, u.username, u.name, u.role, u.unit_id, u.office, u.active \
             FROM sessions s JOIN users u ON u.username = s.username WHERE s.id_sha256 = $1",
        )
        .bind(secret_digest(session))
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| unauthenticated("the session ended; log in again"))?;
        let expires: String = row.try_get("expires_at")?;
        let user = user_row(&row)?;
        if expires < now() || user.active == 0 {
            return Err(unauthenticated("the session ended; log in again"));
        }
        let csrf: String = row.try_get("csrf")?;
        actor(user, Credential::Session { csrf })
    }

    /// Log in from `source`: a new session. Failures are limited per
    /// (source, username) and per source (ten times as many), recorded in
    /// the audit log without the password, and answered with one message
    /// whether the user exists or not.
    pub async fn login(&self, req: &LoginRequest, source: Option<IpAddr>) -> ServiceResult<LoggedIn> {
        let limits = self.state.limits();
        if !limits.allowed(self.state.db(), source, &req.username).await? {
            return Err(ServiceError::new(
                ErrorCode::RateLimited,
                "too many failed logins for this username from this address; wait a minute",
            ));
        }
        // A name no account can have is refused before any look-up.
        let plausible = crate::admin::valid_id(&req.username);
        let row = if plausible {
            sqlx::query("SELECT password_hash, active FROM users WHERE username = $1")
                .bind(&req.username)
                .fetch_optional(self.state.db().pool())
                .await?
        } else {
            None
        };
        let (hash, active) = match &row {
            Some(r) => (
                r.try_get::<String, _>("password_hash")?,
                r.try_get::<i64, _>("active")? != 0,
            ),
            None => (dummy_hash().to_owned(), false),
        };
        let password = req.password.clone();
        let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await?;
        if !(ok && active) {
            limits.failed(self.state.db(), source, &req.username).await?;
            let name = if plausible {
                req.username.as_str()
            } else {
                "(not a username)"
            };
            self.record_failure("login-failed", name, source).await?;
            if !limits.allowed(self.state.db(), source, &req.username).await? {
                // The refusals that follow are not each written down (a stranger
                // could fill the log with them); the lock-out is, once a minute.
                self.record_failure("login-limited", name, source).await?;
            }
            return Err(ServiceError::new(
                ErrorCode::LoginFailed,
                "wrong username or password",
            ));
        }
        limits.succeeded(self.state.db(), source, &req.username).await?;
        let secret = random_hex(32);
        let csrf = random_hex(32);
        let seconds = self.state.settings().session_seconds;
        let expires = jiff::Timestamp::now()
            .checked_add(jiff::SignedDuration::from_secs(seconds))
            .map_err(|e| ServiceError::internal(&e))?;
        let expires = format!("{expires:.6}");
        let mut w = self.state.db().write().await?;
        let mut turn = audit::reserve(&mut w.tx).await?;
        sqlx::query("INSERT INTO sessions (id_sha256, username, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(secret_digest(&secret))
            .bind(&req.username)
            .bind(&csrf)
            .bind(now())
            .bind(&expires)
            .execute(&mut *w.tx)
            .await?;
        let r = sqlx::query(
            "SELECT username, name, role, unit_id, office, active FROM users WHERE username = $1",
        )
        .bind(&req.username)
        .fetch_one(&mut *w.tx)
        .await?;
        let user = actor(user_row(&r)?, Credential::Session { csrf: csrf.clone() })?;
        turn.record(
            &mut w.tx,
            Event::by(&user, "login", format!("user/{}", user.username), None, None),
        )
        .await?;
        w.commit().await?;
        Ok(LoggedIn {
            secret,
            max_age: seconds,
            info: SessionInfo {
                user,
                csrf_token: Some(csrf),
                expires_at: Some(expires),
            },
        })
    }

    /// Record a failed check of a password (never the password itself).
    async fn record_failure(
        &self,
        action: &str,
        username: &str,
        source: Option<IpAddr>,
    ) -> ServiceResult<()> {
        let mut w = self.state.db().write().await?;
        let mut turn = audit::reserve(&mut w.tx).await?;
        let source = source.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
        turn.record(
            &mut w.tx,
            Event {
                actor: username,
                role: "none",
                action,
                object: format!("user/{username}"),
                before: None,
                after: Some(serde_json::json!({ "source": source }).to_string()),
            },
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// Log out: end the session whose cookie value is `secret`.
    pub async fn logout(&self, actor: &Actor, secret: &str) -> ServiceResult<()> {
        let mut w = self.state.db().write().await?;
        let mut turn = audit::reserve(&mut w.tx).await?;
        sqlx::query("DELETE FROM sessions WHERE id_sha256 = $1")
            .bind(secret_digest(secret))
            .execute(&mut *w.tx)
            .await?;
        turn.record(
            &mut w.tx,
            Event::by(actor, "logout", format!("user/{}", actor.username), None, None),
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// Who is asking, with the session's CSRF token.
    pub fn whoami(&self, actor: &Actor) -> SessionInfo {
        let csrf = match &actor.credential {
            Credential::Session { csrf } => Some(csrf.clone()),
            Credential::Token { .. } => None,
        };
        SessionInfo {
            user: actor.clone(),
            csrf_token: csrf,
            expires_at: None,
        }
    }

    /// Make an API token for another system, acting in the caller's role
    /// (only from a session: a token cannot make tokens).
    pub async fn create_token(&self, actor: &Actor, req: &NewToken) -> ServiceResult<TokenCreated> {
        if matches!(actor.credential, Credential::Token { .. }) {
            return Err(ServiceError::new(
                ErrorCode::Forbidden,
                "an API token cannot make tokens; log in",
            ));
        }
        if req.name.trim().is_empty() {
            return Err(ServiceError::new(ErrorCode::Invalid, "name: must not be empty"));
        }
        crate::types::plain_text("name", &req.name, false)
            .map_err(|m| ServiceError::new(ErrorCode::Invalid, m))?;
        let id = random_hex(8);
        let token = format!("p2ham_{}", random_hex(32));
        let mut w = self.state.db().write().await?;
        let mut turn = audit::reserve(&mut w.tx).await?;
        sqlx::query("INSERT INTO api_tokens (id, token_sha256, username, role, name, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&id)
            .bind(secret_digest(&token))
            .bind(&actor.username)
            .bind(actor.role.as_str())
            .bind(&req.name)
            .bind(now())
            .execute(&mut *w.tx)
            .await?;
        turn.record(
            &mut w.tx,
            Event::by(
                actor,
                "create-token",
                format!("token/{id}"),
                None,
                Some(serde_json::json!({"name": req.name, "role": actor.role}).to_string()),
            ),
        )
        .await?;
        w.commit().await?;
        Ok(TokenCreated {
            id,
            token,
            role: actor.role,
            name: req.name.clone(),
        })
    }

    /// The caller's API tokens.
    pub async fn tokens(&self, actor: &Actor) -> ServiceResult<Vec<TokenInfo>> {
        let rows = sqlx::query("SELECT id, name, role, created_at, revoked_at FROM api_tokens WHERE username = $1 ORDER BY created_at")
            .bind(&actor.username)
            .fetch_all(self.state.db().pool())
            .await?;
        let mut out = Vec::new();
        for r in rows {
            let role: String = r.try_get("role")?;
            out.push(TokenInfo {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                role: Role::parse(&role).ok_or_else(|| ServiceError::internal(&role))?,
                created_at: r.try_get("created_at")?,
                revoked_at: r.try_get("revoked_at")?,
            });
        }
        Ok(out)
    }

    /// Revoke one of the caller's API tokens.
    pub async fn revoke_token(&self, actor: &Actor, id: &str) -> ServiceResult<()> {
        let mut w = self.state.db().write().await?;
        let mut turn = audit::reserve(&mut w.tx).await?;
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND username = $3 AND revoked_at IS NULL",
        )
        .bind(now())
        .bind(id)
        .bind(&actor.username)
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(ServiceError::not_found(format!("token `{id}` not found")));
        }
        turn.record(
            &mut w.tx,
            Event::by(actor, "revoke-token", format!("token/{id}"), None, None),
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// Change the caller's own password: the current one must be right
    /// ([`ErrorCode::LoginFailed`] otherwise, limited like logins) and the new
    /// one at least 10 characters ([`ErrorCode::Invalid`]). Every other session
    /// of the user ends (all but `keep`, the session's secret the change comes
    /// from) and every API token of theirs is revoked.
    pub async fn change_password(
        &self,
        actor: &Actor,
        (source, keep): (Option<IpAddr>, Option<&str>),
        current: &str,
        new: &str,
    ) -> ServiceResult<()> {
        let limits = self.state.limits();
        if !limits.allowed(self.state.db(), source, &actor.username).await? {
            return Err(ServiceError::new(
                ErrorCode::RateLimited,
                "too many wrong passwords from this address; wait a minute",
            ));
        }
        let stored: Option<String> = sqlx::query("SELECT password_hash FROM users WHERE username = $1")
            .bind(&actor.username)
            .fetch_optional(self.state.db().pool())
            .await?
            .map(|r| r.try_get("password_hash"))
            .transpose()?;
        let hash = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let current = current.to_owned();
        let ok = tokio::task::spawn_blocking(move || verify_password(&current, &hash)).await?;
        if !ok {
            limits.failed(self.state.db(), source, &actor.username).await?;
            self.record_failure("change-password-failed", &actor.username, source)
                .await?;
            if !limits.allowed(self.state.db(), source, &actor.username).await? {
                self.record_failure("change-password-limited", &actor.username, source)
                    .await?;
            }
            return Err(ServiceError::new(
                ErrorCode::LoginFailed,
                "current: the password is wrong",
            ));
        }
        if new.chars().count() < 10 {
            return Err(ServiceError::new(
                ErrorCode::Invalid,
                "new: at least 10 characters",
            ));
        }
        let new = new.to_owned();
        let hash = tokio::task::spawn_blocking(move || crate::auth::hash_password(&new))
            .await?
            .map_err(|e| ServiceError::internal(&e))?;
        let mut w = self.state.db().write().await?;
        let mut turn = audit::reserve(&mut w.tx).await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE username = $2")
            .bind(&hash)
            .bind(&actor.username)
            .execute(&mut *w.tx)
            .await?;
        // Whoever else held a session or a token of this user holds it no more.
        let kept = keep.map(secret_digest).unwrap_or_default();
        let ended = sqlx::query("DELETE FROM sessions WHERE username = $1 AND id_sha256 <> $2")
            .bind(&actor.username)
            .bind(&kept)
            .execute(&mut *w.tx)
            .await?
            .rows_affected();
        let revoked =
            sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE username = $2 AND revoked_at IS NULL")
                .bind(now())
                .bind(&actor.username)
                .execute(&mut *w.tx)
                .await?
                .rows_affected();
        turn.record(
            &mut w.tx,
            Event::by(
                actor,
                "change-password",
                format!("user/{}", actor.username),
                None,
                Some(serde_json::json!({"sessions_ended": ended, "tokens_revoked": revoked}).to_string()),
            ),
        )
        .await?;
        w.commit().await?;
        Ok(())
    }
}
