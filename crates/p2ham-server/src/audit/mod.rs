//! The audit log: append-only, every action with actor, role, object, state
//! before and after (with document digests) and time; each entry carries the
//! SHA-256 of the previous one, so any edit breaks the chain.
//!
//! [`verify`] checks the chain, a signed checkpoint kept outside the
//! database when one is given (the log must still hold the entry the
//! checkpoint names, with its digest), and replays the log against the tables
//! ([`replay`]): every difference is named.

mod replay;

use p2ham_io::checkpoint::AuditCheckpoint;
use serde::Serialize;
use sqlx::{Any, Executor, Row, Transaction};
use utoipa::ToSchema;

use crate::db::{Backend, Db};
use crate::types::now;
use crate::ServerError;

/// The chain's start: the "previous digest" of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry of the audit log.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct AuditEntry {
    /// Position in the log, from 1, without gaps.
    pub seq: i64,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Who (a username, or `system`).
    pub actor: String,
    /// In which role.
    pub role: String,
    /// What was done, e.g. `submit`, `put-self-assessment`, `create-user`.
    pub action: String,
    /// On what, e.g. `period/2023/unit/kanim-sampit`.
    pub object: String,
    /// The object's state before (JSON, with document digests), when it had one.
    pub before: Option<String>,
    /// The object's state after (JSON, with document digests).
    pub after: Option<String>,
    /// SHA-256 of the previous entry (zeros for the first).
    pub prev_sha256: String,
    /// SHA-256 of this entry: of the JSON array of every field above.
    pub sha256: String,
}

/// An action to record.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    /// Who.
    pub actor: &'a str,
    /// In which role.
    pub role: &'a str,
    /// What.
    pub action: &'a str,
    /// On what.
    pub object: String,
    /// State before.
    pub before: Option<String>,
    /// State after.
    pub after: Option<String>,
}

impl<'a> Event<'a> {
    /// An action of an authenticated caller.
    pub fn by(
        actor: &'a crate::Actor,
        action: &'a str,
        object: String,
        before: Option<String>,
        after: Option<String>,
    ) -> Event<'a> {
        Event {
            actor: &actor.username,
            role: actor.role.as_str(),
            action,
            object,
            before,
            after,
        }
    }
}

/// The digest that chains an entry.
pub fn entry_digest(e: &AuditEntry) -> String {
    let fields = serde_json::json!([
        e.seq.to_string(),
        e.at,
        e.actor,
        e.role,
        e.action,
        e.object,
        e.before,
        e.after,
        e.prev_sha256
    ]);
    p2ham_io::digest::sha256_hex(fields.to_string().as_bytes())
}

/// Take the log's next position. Called first in every audited write
/// transaction: the update locks the head row, so writers take turns and
/// every check made after it sees the latest state.
pub async fn reserve(tx: &mut Transaction<'static, Any>) -> Result<Turn, sqlx::Error> {
    sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1")
        .execute(&mut **tx)
        .await?;
    let row = sqlx::query("SELECT seq, sha256 FROM audit_head WHERE id = 1")
        .fetch_one(&mut **tx)
        .await?;
    Ok(Turn {
        seq: row.try_get("seq")?,
        prev: row.try_get("sha256")?,
        used: false,
    })
}

/// A reserved position in the log: one transaction's turn to write.
#[derive(Debug)]
pub struct Turn {
    seq: i64,
    prev: String,
    used: bool,
}

impl Turn {
    /// Append an action (a transaction may record several).
    pub async fn record(
        &mut self,
        tx: &mut Transaction<'static, Any>,
        a: Event<'_>,
    ) -> Result<AuditEntry, sqlx::Error> {
        if self.used {
            // Each further entry of the same transaction takes the next position.
            sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1")
                .execute(&mut **tx)
                .await?;
            self.seq += 1;
        }
        self.used = true;
        let mut e = AuditEntry {
            seq: self.seq,
            at: now(),
            actor: a.actor.to_owned(),
            role: a.role.to_owned(),
            action: a.action.to_owned(),
            object: a.object,
            before: a.before,
            after: a.after,
            prev_sha256: self.prev.clone(),
            sha256: String::new(),
        };
        e.sha256 = entry_digest(&e);
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, role, action, object, state_before, state_after, prev_sha256, sha256) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(e.seq)
        .bind(&e.at)
        .bind(&e.actor)
        .bind(&e.role)
        .bind(&e.action)
        .bind(&e.object)
        .bind(&e.before)
        .bind(&e.after)
        .bind(&e.prev_sha256)
        .bind(&e.sha256)
        .execute(&mut **tx)
        .await?;
        sqlx::query("UPDATE audit_head SET sha256 = $1 WHERE id = 1")
            .bind(&e.sha256)
            .execute(&mut **tx)
            .await?;
        self.prev.clone_from(&e.sha256);
        Ok(e)
    }
}

fn entry_from_row(row: &sqlx::any::AnyRow) -> Result<AuditEntry, sqlx::Error> {
    Ok(AuditEntry {
        seq: row.try_get("seq")?,
        at: row.try_get("at")?,
        actor: row.try_get("actor")?,
        role: row.try_get("role")?,
        action: row.try_get("action")?,
        object: row.try_get("object")?,
        before: row.try_get("state_before")?,
        after: row.try_get("state_after")?,
        prev_sha256: row.try_get("prev_sha256")?,
        sha256: row.try_get("sha256")?,
    })
}

/// Entries after `after` (by position), at most `limit`, in order.
pub async fn list<'e, E>(exec: E, after: i64, limit: i64) -> Result<Vec<AuditEntry>, sqlx::Error>
where
    E: Executor<'e, Database = Any>,
{
    let rows = sqlx::query(
        "SELECT seq, at, actor, role, action, object, state_before, state_after, prev_sha256, sha256 \
         FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(exec)
    .await?;
    rows.iter().map(entry_from_row).collect()
}

/// `s` for a `LIKE … ESCAPE` pattern with the backslash as escape: `%`, `_` and the backslash match only themselves.
fn like_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Entries matching a filter, newest first: those before position `before`
/// (all when `None`), at most `limit`; and how many match in all. `unit`
/// matches the unit itself (`unit/{id}`) and its cases in every period
/// (`period/…/unit/{id}`); `actor` and `action` match exactly.
pub async fn filtered(
    pool: &sqlx::AnyPool,
    filter: &crate::proto::AuditFilter,
    before: Option<i64>,
    limit: i64,
) -> Result<(Vec<AuditEntry>, i64), sqlx::Error> {
    let unit = filter.unit.as_deref().filter(|u| !u.is_empty());
    let actor = filter.actor.as_deref().filter(|a| !a.is_empty());
    let action = filter.action.as_deref().filter(|a| !a.is_empty());
    // Every condition is always bound: a NULL parameter turns it off.
    let conditions = "($1 IS NULL OR object = $2 OR object LIKE $3 ESCAPE '\\') \
         AND ($4 IS NULL OR actor = $4) AND ($5 IS NULL OR action = $5)";
    let unit_object = unit.map(|u| format!("unit/{u}"));
    let case_pattern = unit.map(|u| format!("period/%/unit/{}", like_literal(u)));
    let count = sqlx::query(&format!("SELECT COUNT(*) AS n FROM audit_log WHERE {conditions}"))
        .bind(unit)
        .bind(&unit_object)
        .bind(&case_pattern)
        .bind(actor)
        .bind(action)
        .fetch_one(pool)
        .await?;
    let matching: i64 = count.try_get("n")?;
    let rows = sqlx::query(&format!(
        "SELECT seq, at, actor, role, action, object, state_before, state_after, prev_sha256, sha256 \
         FROM audit_log WHERE {conditions} AND seq < $6 ORDER BY seq DESC LIMIT $7"
    ))
    .bind(unit)
    .bind(&unit_object)
    .bind(&case_pattern)
    .bind(actor)
    .bind(action)
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let entries = rows.iter().map(entry_from_row).collect::<Result<_, _>>()?;
    Ok((entries, matching))
}

/// The distinct actors and actions of the log, sorted (for a filter's choices).
pub async fn actors_and_actions(pool: &sqlx::AnyPool) -> Result<(Vec<String>, Vec<String>), sqlx::Error> {
    let mut out = Vec::new();
    for column in ["actor", "action"] {
        let rows = sqlx::query(&format!(
            "SELECT DISTINCT {column} AS v FROM audit_log ORDER BY {column}"
        ))
        .fetch_all(pool)
        .await?;
        out.push(
            rows.iter()
                .map(|r| r.try_get::<String, _>("v"))
                .collect::<Result<Vec<_>, _>>()?,
        );
    }
    let actions = out.pop().unwrap_or_default();
    let actors = out.pop().unwrap_or_default();
    Ok((actors, actions))
}

/// The result of checking the whole chain.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditVerification {
    /// Entries checked.
    pub entries: i64,
    /// The digest of the last entry (the chain's head).
    pub head: String,
    /// Cases whose row (status, current documents, round) is the state the
    /// log's entries leave them in.
    pub cases: i64,
    /// Users whose row (name, role, unit, office, active) is the state the
    /// log's entries leave them in.
    pub users: i64,
}

/// Check the audit log, in one consistent snapshot of the database:
///
/// - every entry's digest, every link and the head: no entry was edited,
///   removed or inserted (else [`ServerError::AuditBroken`], naming the first
///   entry that does not fit);
/// - when a `checkpoint` (already checked for its signature) is given: the
///   log still holds the entry it names, with its digest, so the log was
///   neither cut short nor rewritten from some entry on;
/// - the state the entries imply (each case's status, documents and outcome,
///   users and their roles, units, periods, instruments) is what the tables
///   hold.
///
/// A checkpoint or table that does not match is
/// [`ServerError::AuditDiffers`], naming every difference.
pub async fn verify(db: &Db, checkpoint: Option<&AuditCheckpoint>) -> Result<AuditVerification, ServerError> {
    // One snapshot: writers that commit meanwhile are not half seen.
    let mut tx = db.pool().begin().await?;
    if db.backend() == Backend::Postgres {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .execute(&mut *tx)
            .await?;
    }
    let mut prev = GENESIS.to_owned();
    let mut expected_seq = 1;
    let mut after = 0;
    let mut replay = replay::Replay::default();
    let anchor = checkpoint.map(|c| i64::try_from(c.count).unwrap_or(i64::MAX));
    let mut at_anchor = (anchor == Some(0)).then(|| GENESIS.to_owned());
    loop {
        let batch = list(&mut *tx, after, 1000).await?;
        if batch.is_empty() {
            break;
        }
        for e in &batch {
            let broken = |message: String| ServerError::AuditBroken { seq: e.seq, message };
            if e.seq != expected_seq {
                return Err(broken(format!(
                    "expected entry {expected_seq} here: entries are missing"
                )));
            }
            if e.prev_sha256 != prev {
                return Err(broken(format!(
                    "names {} as the previous entry's digest, but that entry's digest is {prev}",
                    e.prev_sha256
                )));
            }
            let actual = entry_digest(e);
            if actual != e.sha256 {
                return Err(broken(format!(
                    "its content has digest {actual}, not the recorded {}: the entry was edited",
                    e.sha256
                )));
            }
            if anchor == Some(e.seq) {
                at_anchor = Some(e.sha256.clone());
            }
            replay.apply(e);
            prev.clone_from(&e.sha256);
            expected_seq += 1;
            after = e.seq;
        }
    }
    let head = sqlx::query("SELECT seq, sha256 FROM audit_head WHERE id = 1")
        .fetch_one(&mut *tx)
        .await?;
    let head_seq: i64 = head.try_get("seq")?;
    let head_sha: String = head.try_get("sha256")?;
    if head_seq != expected_seq - 1 || head_sha != prev {
        return Err(ServerError::AuditBroken {
            seq: head_seq,
            message: format!(
                "the head names entry {head_seq} ({head_sha}) but the log ends at entry {} ({prev}): entries were removed",
                expected_seq - 1
            ),
        });
    }
    let entries = expected_seq - 1;
    let mut differences = Vec::new();
    if let Some(c) = checkpoint {
        match at_anchor {
            None => differences.push(format!(
                "checkpoint of {} (key {}): it records {} entries with head {}, but the log holds only {entries}: \
                 entries {} to {} were removed",
                c.at,
                c.key_id,
                c.count,
                c.head_sha256,
                entries + 1,
                c.count
            )),
            Some(sha) if sha != c.head_sha256 => differences.push(format!(
                "checkpoint of {} (key {}): entry {} has digest {sha}, but the checkpoint records {}: \
                 the log was rewritten from that entry or before",
                c.at, c.key_id, c.count, c.head_sha256
            )),
            Some(_) => {}
        }
    }
    let (compared, replayed) = replay.compare(&mut tx).await?;
    differences.extend(replayed);
    tx.rollback().await?;
    if !differences.is_empty() {
        return Err(ServerError::AuditDiffers { differences });
    }
    Ok(AuditVerification {
        entries,
        head: prev,
        cases: compared.cases,
        users: compared.users,
    })
}
