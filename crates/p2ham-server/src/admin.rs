//! Administration: instruments, users, units (one by one or from CSV),
//! periods. Used by the API's admin routes and by `p2ham admin`; every change
//! is recorded in the audit log.

use serde::{Deserialize, Serialize};
use sqlx::Row;
use utoipa::ToSchema;

use crate::audit::{self, Event};
use crate::types::{now, parse_instant, plain_text, Role};
use crate::{AppState, ServerError};

/// A user to create.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// Login name: lowercase letters, digits, `.`, `-`, `_`.
    pub username: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// For an operator: the unit.
    #[serde(default)]
    pub unit: Option<String>,
    /// For a verifier: the Kanwil (office), as units name it.
    #[serde(default)]
    pub office: Option<String>,
    /// The initial password (at least 10 characters).
    pub password: String,
}

/// A user's profile as an administrator changes it: everything but the
/// login name, the password and whether the account is active.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserProfile {
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// For an operator: the unit.
    #[serde(default)]
    pub unit: Option<String>,
    /// For a verifier: the Kanwil (office), as units name it.
    #[serde(default)]
    pub office: Option<String>,
}

/// A unit to create.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUnit {
    /// Stable id, e.g. `kanim-sampit`.
    pub id: String,
    /// Official name.
    pub name: String,
    /// Unit kind, as instruments name it (`kanim`, `lapas`, `bapas`, …).
    pub kind: String,
    /// The Kanwil it belongs to.
    pub office: String,
}

/// A period to create.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPeriod {
    /// Id, e.g. `2023`; assessments name it in `period`.
    pub id: String,
    /// The year.
    #[serde(deserialize_with = "crate::types::integral")]
    pub year: i64,
    /// The instrument: a built-in id (`p2ham-2022`) or the SHA-256 of a stored instrument.
    pub instrument: String,
    /// Self-assessments accepted from (RFC 3339 time, or a date: its start in UTC+7).
    #[serde(default)]
    pub self_opens: Option<String>,
    /// Self-assessments accepted until (a date: its end in UTC+7).
    #[serde(default)]
    pub self_closes: Option<String>,
    /// Verifications accepted from.
    #[serde(default)]
    pub verification_opens: Option<String>,
    /// Verifications accepted until.
    #[serde(default)]
    pub verification_closes: Option<String>,
    /// The previous period, whose decreed award list is this period's
    /// baseline (keep, gain, lose); none for the first year kept in the
    /// application, which may import its previous list instead.
    #[serde(default)]
    pub previous: Option<String>,
}

/// Administrative operations on an open application.
#[derive(Debug)]
pub struct Admin<'a> {
    state: &'a AppState,
    actor: String,
    role: String,
}

/// Revoke every API token of a user that is not revoked yet.
fn revoke_tokens(username: &str) -> Stmt {
    Stmt::new(
        "UPDATE api_tokens SET revoked_at = $2 WHERE username = $1 AND revoked_at IS NULL",
        vec![Bind::Text(username.to_owned()), Bind::Text(now())],
    )
}

/// The shortest password an account may have, in characters.
pub const MIN_PASSWORD_CHARS: usize = 10;

pub(crate) fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b))
}

fn invalid(m: impl Into<String>) -> ServerError {
    ServerError::Invalid(m.into())
}

impl<'a> Admin<'a> {
    pub(crate) fn new(state: &'a AppState) -> Admin<'a> {
        Admin {
            state,
            actor: "system".into(),
            role: "system".into(),
        }
    }

    /// Record changes as made by this user (the API's admin routes).
    #[must_use]
    pub fn as_user(mut self, username: &str, role: Role) -> Admin<'a> {
        username.clone_into(&mut self.actor);
        role.as_str().clone_into(&mut self.role);
        self
    }

    async fn record(
        &self,
        action: &str,
        object: String,
        after: String,
        sql: Vec<Stmt>,
    ) -> Result<(), ServerError> {
        self.record_change(action, object, None, after, sql).await
    }

    /// Run the statements and record the action, with the object's state
    /// before and after, in one transaction.
    async fn record_change(
        &self,
        action: &str,
        object: String,
        before: Option<String>,
        after: String,
        sql: Vec<Stmt>,
    ) -> Result<(), ServerError> {
        let mut w = self.state.db().write().await?;
        let mut turn = audit::reserve(&mut w.tx).await?;
        // A user's state before was read ahead of the transaction: the entry
        // records it only when it is still the state now that writers wait.
        if let (Some(username), Some(before)) = (object.strip_prefix("user/"), &before) {
            let now = user_state(&mut *w.tx, username).await?;
            if serde_json::from_str::<serde_json::Value>(before).ok().as_ref() != Some(&now) {
                return Err(ServerError::Conflict(format!(
                    "user `{username}` was changed meanwhile; look again and retry"
                )));
            }
        }
        for s in sql {
            let mut q = sqlx::query(s.sql);
            for b in s.binds {
                q = match b {
                    Bind::Text(t) => q.bind(t),
                    Bind::Int(i) => q.bind(i),
                    Bind::Null => q.bind(None::<String>),
                };
            }
            q.execute(&mut *w.tx).await.map_err(|e| match e {
                sqlx::Error::Database(d) if d.is_unique_violation() => {
                    ServerError::Conflict(format!("{object} already exists"))
                }
                sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                    invalid(format!("{object} refers to something that does not exist"))
                }
                other => other.into(),
            })?;
        }
        turn.record(
            &mut w.tx,
            Event {
                actor: &self.actor,
                role: &self.role,
                action,
                object,
                before,
                after: Some(after),
            },
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// Store every built-in instrument (once; identified by digest).
    pub async fn register_builtins(&self) -> Result<(), ServerError> {
        for b in p2ham_io::BUILTINS {
            let sha = p2ham_io::digest::sha256_hex(b.source.as_bytes());
            let known = sqlx::query("SELECT sha256 FROM instruments WHERE sha256 = $1")
                .bind(&sha)
                .fetch_optional(self.state.db().pool())
                .await?;
            if known.is_some() {
                continue;
            }
            let loaded = p2ham_io::builtin(b.id).map_err(|e| invalid(e.to_string()))?;
            let i = loaded.checked.instrument();
            let after = serde_json::json!({"id": i.id, "version": i.version, "sha256": sha}).to_string();
            self.record(
                "register-instrument",
                format!("instrument/{sha}"),
                after,
                vec![Stmt::new(
                    "INSERT INTO instruments (sha256, id, version, body, toml, added_at) VALUES ($1, $2, $3, $4, 0, $5)",
                    vec![
                        Bind::Text(sha.clone()),
                        Bind::Text(i.id.clone()),
                        Bind::Text(i.version.clone()),
                        Bind::Text(b.source.to_owned()),
                        Bind::Text(now()),
                    ],
                )],
            )
            .await?;
        }
        Ok(())
    }

    /// Create a user.
    pub async fn create_user(&self, u: &NewUser) -> Result<(), ServerError> {
        if !valid_id(&u.username) {
            return Err(invalid(format!(
                "username `{}`: use 1 to 64 lowercase letters, digits, `.`, `-` or `_`",
                u.username
            )));
        }
        if u.password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(invalid(format!(
                "password: at least {MIN_PASSWORD_CHARS} characters"
            )));
        }
        self.check_profile(&u.name, u.role, u.unit.as_ref(), u.office.as_ref())
            .await?;
        let password = u.password.clone();
        let hash = tokio::task::spawn_blocking(move || crate::auth::hash_password(&password))
            .await
            .map_err(|e| invalid(e.to_string()))?
            .map_err(invalid)?;
        let after = serde_json::json!({
            "username": u.username,
            "name": u.name,
            "role": u.role,
            "unit": u.unit,
            "office": u.office,
            "active": true,
        })
        .to_string();
        self.record(
            "create-user",
            format!("user/{}", u.username),
            after,
            vec![Stmt::new(
                "INSERT INTO users (username, name, role, unit_id, office, password_hash, active, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, 1, $7)",
                vec![
                    Bind::Text(u.username.clone()),
                    Bind::Text(u.name.clone()),
                    Bind::Text(u.role.as_str().into()),
                    opt(u.unit.as_ref()),
                    opt(u.office.as_ref()),
                    Bind::Text(hash),
                    Bind::Text(now()),
                ],
            )],
        )
        .await
    }

    /// Check a display name, role and its unit or office.
    async fn check_profile(
        &self,
        name: &str,
        role: Role,
        unit: Option<&String>,
        office: Option<&String>,
    ) -> Result<(), ServerError> {
        if name.trim().is_empty() {
            return Err(invalid("name: must not be empty"));
        }
        plain_text("name", name, false).map_err(invalid)?;
        if let Some(office) = office {
            plain_text("office", office, false).map_err(invalid)?;
        }
        match role {
            Role::Operator if unit.is_none() => return Err(invalid("an operator needs a unit")),
            Role::Verifier if office.is_none() => return Err(invalid("a verifier needs an office (Kanwil)")),
            _ => {}
        }
        if role != Role::Operator && unit.is_some() {
            return Err(invalid("only operators belong to a unit"));
        }
        if role != Role::Verifier && office.is_some() {
            return Err(invalid("only verifiers belong to an office"));
        }
        if let Some(unit) = unit {
            let known = sqlx::query("SELECT id FROM units WHERE id = $1")
                .bind(unit)
                .fetch_optional(self.state.db().pool())
                .await?;
            if known.is_none() {
                return Err(ServerError::NotFound(format!("unit `{unit}`: no such unit")));
            }
        }
        if let Some(office) = office {
            let known = sqlx::query("SELECT id FROM units WHERE office = $1")
                .bind(office)
                .fetch_optional(self.state.db().pool())
                .await?;
            if known.is_none() {
                return Err(ServerError::NotFound(format!(
                    "office `{office}`: no unit belongs to it; create its units first"
                )));
            }
        }
        Ok(())
    }

    /// Change a user's display name, role and unit or office. An operator or
    /// verifier moved elsewhere sees only the new unit or Kanwil from the next request on.
    pub async fn update_user(&self, username: &str, p: &UserProfile) -> Result<(), ServerError> {
        let before = user_state(self.state.db().pool(), username).await?;
        self.check_profile(&p.name, p.role, p.unit.as_ref(), p.office.as_ref())
            .await?;
        if username == self.actor && p.role != Role::Admin {
            return Err(ServerError::Conflict(
                "an administrator cannot take the administrator role from themselves".into(),
            ));
        }
        let mut after = before.clone();
        after["name"] = serde_json::json!(p.name.trim());
        after["role"] = serde_json::json!(p.role);
        after["unit"] = serde_json::json!(p.unit);
        after["office"] = serde_json::json!(p.office);
        let mut sql = vec![Stmt::new(
            "UPDATE users SET name = $2, role = $3, unit_id = $4, office = $5 WHERE username = $1",
            vec![
                Bind::Text(username.to_owned()),
                Bind::Text(p.name.trim().to_owned()),
                Bind::Text(p.role.as_str().into()),
                opt(p.unit.as_ref()),
                opt(p.office.as_ref()),
            ],
        )];
        let scope = |v: &serde_json::Value| (v["role"].clone(), v["unit"].clone(), v["office"].clone());
        if scope(&before) != scope(&after) {
            // A token acts in the role and scope it was made for: it ends with them, for good.
            sql.push(revoke_tokens(username));
        }
        self.record_change(
            "update-user",
            format!("user/{username}"),
            Some(before.to_string()),
            after.to_string(),
            sql,
        )
        .await
    }

    /// Deactivate a user (they can no longer log in, their sessions end and
    /// their API tokens stop working) or make them active again.
    pub async fn set_active(&self, username: &str, active: bool) -> Result<(), ServerError> {
        let before = user_state(self.state.db().pool(), username).await?;
        if !active && username == self.actor {
            return Err(ServerError::Conflict(
                "an administrator cannot deactivate themselves".into(),
            ));
        }
        let mut after = before.clone();
        after["active"] = serde_json::json!(active);
        let mut sql = vec![Stmt::new(
            "UPDATE users SET active = $2 WHERE username = $1",
            vec![Bind::Text(username.to_owned()), Bind::Int(i64::from(active))],
        )];
        if !active {
            sql.push(Stmt::new(
                "DELETE FROM sessions WHERE username = $1",
                vec![Bind::Text(username.to_owned())],
            ));
            // Reactivating the user later does not bring the tokens back.
            sql.push(revoke_tokens(username));
        }
        self.record_change(
            if active {
                "reactivate-user"
            } else {
                "deactivate-user"
            },
            format!("user/{username}"),
            Some(before.to_string()),
            after.to_string(),
            sql,
        )
        .await
    }

    /// Create a unit.
    pub async fn create_unit(&self, u: &NewUnit) -> Result<(), ServerError> {
        if !p2ham_io::model::is_unit_id(&u.id) || u.id.len() > 64 {
            return Err(invalid(format!(
                "unit id {:?}: use at most 64 lowercase letters a-z, digits, `.`, `_` or `-`, \
                 starting with a letter or digit ({}), as assessments name it",
                u.id,
                p2ham_io::model::UNIT_ID_PATTERN
            )));
        }
        for (field, v) in [("name", &u.name), ("kind", &u.kind), ("office", &u.office)] {
            if v.trim().is_empty() {
                return Err(invalid(format!("unit `{}`: {field} must not be empty", u.id)));
            }
            plain_text(field, v, false).map_err(|m| invalid(format!("unit `{}`: {m}", u.id)))?;
        }
        let after = serde_json::to_string(u).expect("a unit serialises");
        self.record(
            "create-unit",
            format!("unit/{}", u.id),
            after,
            vec![Stmt::new(
                "INSERT INTO units (id, name, kind, office) VALUES ($1, $2, $3, $4)",
                vec![
                    Bind::Text(u.id.clone()),
                    Bind::Text(u.name.clone()),
                    Bind::Text(u.kind.clone()),
                    Bind::Text(u.office.clone()),
                ],
            )],
        )
        .await
    }

    /// Import units from CSV with the header `id,name,kind,office` (any order,
    /// more columns ignored). Every row is checked before any is stored; an
    /// error names the row and column.
    pub async fn import_units(&self, csv_text: &[u8]) -> Result<usize, ServerError> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(csv_text);
        let headers = reader
            .headers()
            .map_err(|e| invalid(format!("CSV header: {e}")))?
            .clone();
        let col = |name: &str| {
            headers
                .iter()
                .position(|h| h.eq_ignore_ascii_case(name))
                .ok_or_else(|| {
                    invalid(format!(
                        "CSV header: no column `{name}` (expected id,name,kind,office)"
                    ))
                })
        };
        let (ci, cn, ck, co) = (col("id")?, col("name")?, col("kind")?, col("office")?);
        let mut units = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let row = i + 2;
            let record = record.map_err(|e| invalid(format!("CSV row {row}: {e}")))?;
            let get = |c: usize, name: &str| {
                record
                    .get(c)
                    .filter(|v| !v.is_empty())
                    .map(str::to_owned)
                    .ok_or_else(|| invalid(format!("CSV row {row}, column `{name}`: empty")))
            };
            let unit = NewUnit {
                id: get(ci, "id")?,
                name: get(cn, "name")?,
                kind: get(ck, "kind")?,
                office: get(co, "office")?,
            };
            for (column, v) in [
                ("name", &unit.name),
                ("kind", &unit.kind),
                ("office", &unit.office),
            ] {
                plain_text(&format!("CSV row {row}, column `{column}`"), v, false).map_err(invalid)?;
            }
            if !p2ham_io::model::is_unit_id(&unit.id) || unit.id.len() > 64 {
                return Err(invalid(format!(
                    "CSV row {row}, column `id`: {:?} is not a unit id (at most 64 lowercase letters a-z, digits, \
                     `.`, `_` or `-`, starting with a letter or digit)",
                    unit.id
                )));
            }
            units.push(unit);
        }
        let n = units.len();
        for u in &units {
            self.create_unit(u).await?;
        }
        Ok(n)
    }

    /// Create a period.
    pub async fn create_period(&self, p: &NewPeriod) -> Result<(), ServerError> {
        if !valid_id(&p.id) {
            return Err(invalid(format!(
                "period id `{}`: use lowercase letters, digits, `.`, `-`, `_`",
                p.id
            )));
        }
        let sha = if crate::store::is_sha256(&p.instrument) {
            p.instrument.clone()
        } else {
            let b = p2ham_io::builtin(&p.instrument).map_err(|e| {
                invalid(format!(
                    "instrument `{}` is neither a built-in ({}) nor a SHA-256",
                    p.instrument,
                    e.known.join(", ")
                ))
            })?;
            b.sha256.clone()
        };
        self.state.instrument(&sha).await.map_err(|e| match e {
            ServerError::Invalid(_) => {
                ServerError::NotFound(format!("instrument `{}`: no such instrument", p.instrument))
            }
            other => other,
        })?;
        let instant = |v: &Option<String>, end: bool, field: &str| -> Result<Bind, ServerError> {
            v.as_deref()
                .map(|s| parse_instant(s, end).map(|t| t.to_string()))
                .transpose()
                .map(|t| t.map_or(Bind::Null, Bind::Text))
                .map_err(|e| invalid(format!("{field}: {e}")))
        };
        if let Some(previous) = &p.previous {
            if *previous == p.id {
                return Err(ServerError::Conflict(format!(
                    "previous `{previous}`: a period cannot follow itself"
                )));
            }
            let known = sqlx::query("SELECT id FROM periods WHERE id = $1")
                .bind(previous)
                .fetch_optional(self.state.db().pool())
                .await?;
            if known.is_none() {
                return Err(ServerError::NotFound(format!(
                    "previous `{previous}`: no such period"
                )));
            }
        }
        let after =
            serde_json::json!({"id": p.id, "year": p.year, "instrument_sha256": sha, "previous": p.previous})
                .to_string();
        self.record(
            "create-period",
            format!("period/{}", p.id),
            after,
            vec![Stmt::new(
                "INSERT INTO periods (id, year, instrument_sha256, self_opens, self_closes, verification_opens, \
                 verification_closes, created_at, previous_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                vec![
                    Bind::Text(p.id.clone()),
                    Bind::Int(p.year),
                    Bind::Text(sha),
                    instant(&p.self_opens, false, "self_opens")?,
                    instant(&p.self_closes, true, "self_closes")?,
                    instant(&p.verification_opens, false, "verification_opens")?,
                    instant(&p.verification_closes, true, "verification_closes")?,
                    Bind::Text(now()),
                    opt(p.previous.as_ref()),
                ],
            )],
        )
        .await
    }

    /// Whether any user exists (a fresh database has none).
    pub async fn has_users(&self) -> Result<bool, ServerError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM users")
            .fetch_one(self.state.db().pool())
            .await?;
        Ok(row.try_get::<i64, _>("n")? > 0)
    }

    /// Check the audit log: its chain from the first entry to the head, and
    /// that the tables hold the state its entries imply (each case's status,
    /// current documents and outcome; users, their roles and whether they are
    /// active; units, periods, instruments). An edited, removed or inserted
    /// entry is [`ServerError::AuditBroken`]; a table that does not match is
    /// [`ServerError::AuditDiffers`], naming every difference.
    pub async fn verify_audit(&self) -> Result<crate::AuditVerification, ServerError> {
        audit::verify(self.state.db(), None).await
    }

    /// [`Admin::verify_audit`], and that the log still holds the entry a
    /// signed checkpoint names, with its digest: a log cut short after the
    /// checkpoint was taken (even with its head row rewritten to match) or
    /// rewritten from some entry on is [`ServerError::AuditDiffers`]. The
    /// checkpoint's signature is checked by its reader
    /// ([`p2ham_io::checkpoint::verify_checkpoint`]).
    pub async fn verify_audit_against(
        &self,
        checkpoint: &p2ham_io::checkpoint::AuditCheckpoint,
    ) -> Result<crate::AuditVerification, ServerError> {
        audit::verify(self.state.db(), Some(checkpoint)).await
    }
}

/// A user's profile and whether the account is active, as the audit log records it.
async fn user_state<'e, E>(exec: E, username: &str) -> Result<serde_json::Value, ServerError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row = sqlx::query("SELECT name, role, unit_id, office, active FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(exec)
        .await?
        .ok_or_else(|| ServerError::NotFound(format!("user `{username}` not found")))?;
    Ok(serde_json::json!({
        "username": username,
        "name": row.try_get::<String, _>("name")?,
        "role": row.try_get::<String, _>("role")?,
        "unit": row.try_get::<Option<String>, _>("unit_id")?,
        "office": row.try_get::<Option<String>, _>("office")?,
        "active": row.try_get::<i64, _>("active")? != 0,
    }))
}

/// A value bound to a statement.
#[derive(Debug, Clone)]
pub(crate) enum Bind {
    Text(String),
    Int(i64),
    Null,
}

fn opt(v: Option<&String>) -> Bind {
    v.map_or(Bind::Null, |s| Bind::Text(s.clone()))
}

/// One statement with its values.
#[derive(Debug, Clone)]
pub(crate) struct Stmt {
    sql: &'static str,
    binds: Vec<Bind>,
}

impl Stmt {
    fn new(sql: &'static str, binds: Vec<Bind>) -> Stmt {
        Stmt { sql, binds }
    }
}
