//! Instruments in the application: the stored instruments with what they
//! apply to, adding a tailored or new instrument (administrators; validated
//! by the library, stored by the SHA-256 of its bytes, audited), and the
//! difference between two of them (`p2ham instrument diff`).

use std::sync::Arc;

use p2ham_io::document::LoadedInstrument;
use p2ham_io::scoring::{diff_instruments, DiffSide, InstrumentDiff};
use sqlx::Row;

use super::{require, ErrorCode, ServiceError, ServiceResult};
use crate::audit::{self, Event};
use crate::auth::Actor;
use crate::proto::{InstrumentStored, InstrumentSummary};
use crate::types::{now, Role};
use crate::AppState;

/// The instruments as the acting user may see and add them (from [`AppState::instruments`]).
#[derive(Debug, Clone, Copy)]
pub struct Instruments<'a> {
    state: &'a AppState,
    actor: &'a Actor,
}

impl AppState {
    /// The stored instruments, as `actor` may see and add them.
    pub fn instruments<'a>(&'a self, actor: &'a Actor) -> Instruments<'a> {
        Instruments { state: self, actor }
    }
}

/// The media type an instrument is sent as: JSON or TOML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstrumentSyntax {
    /// `application/json`.
    Json,
    /// `application/toml` (or `text/toml`).
    Toml,
}

impl InstrumentSyntax {
    /// The syntax a `Content-Type` names (parameters such as `charset` ignored);
    /// none for any other type.
    pub fn of_media_type(content_type: &str) -> Option<InstrumentSyntax> {
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            "application/json" => Some(InstrumentSyntax::Json),
            "application/toml" | "text/toml" => Some(InstrumentSyntax::Toml),
            _ => None,
        }
    }
}

/// The SHA-256 of a built-in instrument's document, or `spec` itself when it is a digest.
fn digest_of(spec: &str) -> ServiceResult<String> {
    if crate::store::is_sha256(spec) {
        return Ok(spec.to_owned());
    }
    p2ham_io::builtin(spec).map(|b| b.sha256.clone()).map_err(|e| {
        ServiceError::not_found(format!(
            "instrument `{spec}`: give the SHA-256 of a stored instrument or a built-in id ({})",
            e.known.join(", ")
        ))
    })
}

impl Instruments<'_> {
    /// Every stored instrument with its title, the unit kinds it is for, its
    /// size, whether it is built in and the periods that use it; by id and version.
    pub async fn list(&self) -> ServiceResult<Vec<InstrumentSummary>> {
        require(self.actor, super::STAFF)?;
        let rows = sqlx::query("SELECT sha256, added_at FROM instruments ORDER BY id, version, added_at")
            .fetch_all(self.state.db().pool())
            .await?;
        let periods = sqlx::query("SELECT id, instrument_sha256 FROM periods ORDER BY id")
            .fetch_all(self.state.db().pool())
            .await?;
        let builtins: Vec<String> = p2ham_io::BUILTINS
            .iter()
            .map(|b| p2ham_io::digest::sha256_hex(b.source.as_bytes()))
            .collect();
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let sha: String = r.try_get("sha256")?;
            let loaded = self.state.instrument(&sha).await?;
            let mut used_by = Vec::new();
            for p in &periods {
                if p.try_get::<String, _>("instrument_sha256")? == sha {
                    used_by.push(p.try_get("id")?);
                }
            }
            out.push(summary(
                &loaded,
                builtins.contains(&sha),
                r.try_get("added_at")?,
                used_by,
            ));
        }
        Ok(out)
    }

    /// One stored instrument: its document as stored, and whether it is TOML.
    pub async fn document(&self, spec: &str) -> ServiceResult<(String, bool)> {
        require(self.actor, super::STAFF)?;
        let sha = digest_of(spec)?;
        let row = sqlx::query("SELECT body, toml FROM instruments WHERE sha256 = $1")
            .bind(&sha)
            .fetch_optional(self.state.db().pool())
            .await?
            .ok_or_else(|| ServiceError::not_found(format!("no instrument with digest {sha}")))?;
        Ok((row.try_get("body")?, row.try_get::<i64, _>("toml")? != 0))
    }

    /// The stored instrument `spec` names (a digest or a built-in id).
    pub async fn loaded(&self, spec: &str) -> ServiceResult<Arc<LoadedInstrument>> {
        let sha = digest_of(spec)?;
        let known = sqlx::query("SELECT sha256 FROM instruments WHERE sha256 = $1")
            .bind(&sha)
            .fetch_optional(self.state.db().pool())
            .await?;
        if known.is_none() {
            return Err(ServiceError::not_found(format!(
                "no instrument with digest {sha}"
            )));
        }
        Ok(self.state.instrument(&sha).await?)
    }

    /// The difference between two stored instruments (each a digest or a
    /// built-in id), computed by the library as `p2ham instrument diff` does.
    pub async fn diff(&self, from: &str, to: &str) -> ServiceResult<InstrumentDiff> {
        require(self.actor, super::STAFF)?;
        let (a, b) = (self.loaded(from).await?, self.loaded(to).await?);
        let (ia, ib) = (a.checked.instrument(), b.checked.instrument());
        Ok(diff_instruments(
            ia,
            ib,
            &DiffSide::of(ia, &a.sha256),
            &DiffSide::of(ib, &b.sha256),
        ))
    }

    /// Add an instrument (administrators): validated by the library (refused
    /// with its diagnostics, as `p2ham validate` gives them), stored under the
    /// SHA-256 of its bytes and recorded in the audit log. The same bytes
    /// again are the same instrument (`created` is false, nothing is
    /// recorded); another document with the id and version of a stored one is
    /// refused: a tailored instrument needs a version of its own.
    pub async fn add(&self, bytes: &[u8], syntax: InstrumentSyntax) -> ServiceResult<InstrumentStored> {
        require(self.actor, &[Role::Admin])?;
        let limit = self.state.settings().max_document_bytes;
        if bytes.len() > limit {
            return Err(ServiceError::new(
                ErrorCode::TooLarge,
                format!("the instrument is larger than the limit of {limit} bytes"),
            ));
        }
        let toml = syntax == InstrumentSyntax::Toml;
        let name = if toml {
            "instrument.toml"
        } else {
            "instrument.json"
        };
        let loaded = p2ham_io::document::instrument_from_bytes(name, bytes, toml)
            .map_err(|e| ServiceError::invalid_document(&e))?;
        let body = std::str::from_utf8(bytes)
            .map_err(|_| ServiceError::new(ErrorCode::InvalidDocument, format!("{name}: not UTF-8 text")))?;
        let i = loaded.checked.instrument();
        let sha = loaded.sha256.clone();
        let stored = |created: bool| InstrumentStored {
            sha256: sha.clone(),
            id: i.id.clone(),
            version: i.version.clone(),
            created,
        };
        let mut w = self.state.db().write().await?;
        let mut turn = audit::reserve(&mut w.tx).await?;
        let same = sqlx::query("SELECT sha256 FROM instruments WHERE sha256 = $1")
            .bind(&sha)
            .fetch_optional(&mut *w.tx)
            .await?;
        if same.is_some() {
            // Nothing changes: the turn taken is given back with the transaction.
            w.tx.rollback().await?;
            return Ok(stored(false));
        }
        let other = sqlx::query("SELECT sha256 FROM instruments WHERE id = $1 AND version = $2")
            .bind(&i.id)
            .bind(&i.version)
            .fetch_optional(&mut *w.tx)
            .await?;
        if let Some(other) = other {
            let other: String = other.try_get("sha256")?;
            return Err(ServiceError::new(
                ErrorCode::Refused,
                format!(
                    "instrument `{}` version `{}` is stored already with other content (sha256 {other}); \
                     give the tailored instrument a version of its own",
                    i.id, i.version
                ),
            ));
        }
        sqlx::query("INSERT INTO instruments (sha256, id, version, body, toml, added_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&sha)
            .bind(&i.id)
            .bind(&i.version)
            .bind(body)
            .bind(i64::from(toml))
            .bind(now())
            .execute(&mut *w.tx)
            .await?;
        let after = serde_json::json!({"id": i.id, "version": i.version, "sha256": sha}).to_string();
        turn.record(
            &mut w.tx,
            Event::by(
                self.actor,
                "register-instrument",
                format!("instrument/{sha}"),
                None,
                Some(after),
            ),
        )
        .await?;
        w.commit().await?;
        Ok(stored(true))
    }
}

fn summary(
    loaded: &LoadedInstrument,
    builtin: bool,
    added_at: String,
    periods: Vec<String>,
) -> InstrumentSummary {
    let i = loaded.checked.instrument();
    InstrumentSummary {
        sha256: loaded.sha256.clone(),
        id: i.id.clone(),
        version: i.version.clone(),
        title: i.title.id.clone(),
        title_en: i.title.en.clone(),
        unit_kinds: i.unit_kinds.clone(),
        criteria: i.criteria.len(),
        indicators: i.indicators().count(),
        builtin,
        added_at,
        periods,
    }
}
