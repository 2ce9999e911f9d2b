//! The state the audit log implies, replayed entry by entry, and its
//! comparison with the tables: a row changed, added or deleted outside the
//! application (an edited case status, an administrator inserted into
//! `users`) does not match what the log records.
//!
//! Each kind of object is compared on the fields its entries' `after` state
//! records: a case's status, current documents and round (and its outcome:
//! verified total, eligibility, award and decree), a user's name, role,
//! unit, office and whether the account is active, a unit's name, kind and
//! office, a period's year, instrument and previous period, a round's decree
//! (number, date, issuer and the digest of the award list it fixed, checked
//! against the stored list), an instrument's digest, a case's current
//! declaration and survey (by digest), a period's current award rule (by
//! digest, its stored text checked against it), a case's current Zona
//! Integritas status and complaint figures and a period's current signed
//! decree document (by digest).

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use sqlx::{Any, Row, Transaction};

use super::AuditEntry;

/// The workflow's transitions: each records the case's state after it.
const CASE_ACTIONS: &[&str] = &[
    "put-self-assessment",
    "submit",
    "return",
    "put-verification",
    "evaluate",
    "award",
];
const CASE_FIELDS: &[&str] = &["status", "self_sha256", "verification_sha256", "round"];
const OUTCOME_FIELDS: &[&str] = &[
    "verification_sha256",
    "verified_total",
    "eligible",
    "awarded",
    "decree_number",
    "decree_date",
];
/// The changes of a user recorded with the user's whole state before and after.
const USER_CHANGES: &[&str] = &["update-user", "deactivate-user", "reactivate-user"];
const USER_FIELDS: &[&str] = &["name", "role", "unit", "office", "active"];
const UNIT_FIELDS: &[&str] = &["name", "kind", "office"];
const PERIOD_FIELDS: &[&str] = &["year", "instrument_sha256", "previous"];
const DECREE_FIELDS: &[&str] = &["number", "date", "issuer", "awards_sha256"];
const INSTRUMENT_FIELDS: &[&str] = &["id", "version"];
const COMPONENT_FIELDS: &[&str] = &[
    "zona_integritas",
    "ombudsman_findings",
    "ombudsman_unresolved",
    "elapor_complaints",
    "elapor_unresolved",
];

/// What the log says about one object: the fields its entries recorded, and
/// the last entry that changed it.
#[derive(Debug, Clone)]
struct Implied {
    fields: Map<String, Value>,
    seq: i64,
    action: String,
}

impl Implied {
    fn source(&self) -> String {
        format!("entry {}, {}", self.seq, self.action)
    }
}

/// The objects of one kind, by the name the audit log gives them.
type Objects = BTreeMap<String, Implied>;

/// The replay of the log: fed every entry in order, then compared with the tables.
#[derive(Debug, Default)]
pub(crate) struct Replay {
    cases: Objects,
    outcomes: Objects,
    users: Objects,
    units: Objects,
    periods: Objects,
    decrees: Objects,
    instruments: Objects,
    /// Each case's current declaration and survey (`put-declaration`, `put-skm`).
    stages: Objects,
    /// Each period's current award rule, by digest (`set-award-rule`).
    award_rules: Objects,
    /// Each case's current Zona Integritas status and complaint figures
    /// (`record-award-components`).
    components: Objects,
    /// Each period's current signed decree document, by digest (`put-decree-document`).
    decree_documents: Objects,
    /// Entries that found an object in another state than the entries before
    /// them left it: a change made outside the application in between.
    differences: Vec<String>,
}

/// How many rows of each kind matched the log.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Compared {
    pub cases: i64,
    pub users: i64,
}

/// A value as a message shows it: strings bare, `none` for null.
fn show(v: &Value) -> String {
    match v {
        Value::Null => "none".into(),
        Value::String(s) => format!("`{s}`"),
        other => other.to_string(),
    }
}

fn parse_state(text: Option<&str>) -> Option<Map<String, Value>> {
    match serde_json::from_str(text?) {
        Ok(Value::Object(m)) => Some(m),
        _ => None,
    }
}

fn pick(from: &Map<String, Value>, fields: &[&str]) -> Map<String, Value> {
    fields
        .iter()
        .filter_map(|f| from.get(*f).map(|v| ((*f).to_owned(), v.clone())))
        .collect()
}

/// A case the log has not seen yet, as the workflow starts it.
fn fresh_case() -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("status".into(), "draft".into());
    m.insert("self_sha256".into(), Value::Null);
    m.insert("verification_sha256".into(), Value::Null);
    m.insert("round".into(), 1.into());
    m
}

impl Replay {
    /// Take one entry (in order) into the replay.
    pub(crate) fn apply(&mut self, e: &AuditEntry) {
        let action = e.action.as_str();
        let before = parse_state(e.before.as_deref());
        let Some(after) = parse_state(e.after.as_deref()) else {
            return;
        };
        if CASE_ACTIONS.contains(&action) {
            self.check_case_before(e, before.as_ref());
            let case = pick(&after, CASE_FIELDS);
            merge(&mut self.cases, &e.object, case, e);
            match action {
                "evaluate" => {
                    let mut outcome = pick(&after, &["verification_sha256", "verified_total", "eligible"]);
                    for f in ["awarded", "decree_number", "decree_date"] {
                        outcome.insert(f.into(), Value::Null);
                    }
                    merge(&mut self.outcomes, &e.object, outcome, e);
                }
                "award" => {
                    let mut outcome = pick(&after, &["decree_number", "decree_date"]);
                    let awarded = after.get("status").and_then(Value::as_str) == Some("awarded");
                    outcome.insert("awarded".into(), awarded.into());
                    merge(&mut self.outcomes, &e.object, outcome, e);
                }
                _ => {}
            }
        } else if action == "create-user" {
            let mut user = Map::new();
            user.insert("active".into(), true.into());
            user.extend(pick(&after, USER_FIELDS));
            merge(&mut self.users, &e.object, user, e);
        } else if USER_CHANGES.contains(&action) {
            self.check_before(e, before.as_ref(), Kind::User);
            merge(&mut self.users, &e.object, pick(&after, USER_FIELDS), e);
        } else if action == "create-unit" {
            merge(&mut self.units, &e.object, pick(&after, UNIT_FIELDS), e);
        } else if action == "create-period" || action == "set-previous-period" {
            merge(&mut self.periods, &e.object, pick(&after, PERIOD_FIELDS), e);
        } else if action == "decree" {
            merge(&mut self.decrees, &e.object, pick(&after, DECREE_FIELDS), e);
        } else if action == "put-declaration" || action == "put-skm" {
            let (field, key) = if action == "put-declaration" {
                ("declaration_sha256", "declaration_sha256")
            } else {
                ("skm_sha256", "skm_sha256")
            };
            let mut m = Map::new();
            m.insert(field.into(), after.get(key).cloned().unwrap_or(Value::Null));
            merge(&mut self.stages, &e.object, m, e);
        } else if action == "set-award-rule" {
            merge(&mut self.award_rules, &e.object, pick(&after, &["sha256"]), e);
        } else if action == "put-decree-document" {
            merge(
                &mut self.decree_documents,
                &e.object,
                pick(&after, &["decree_document_sha256"]),
                e,
            );
        } else if action == "record-award-components" {
            merge(&mut self.components, &e.object, pick(&after, COMPONENT_FIELDS), e);
        } else if action == "register-instrument" {
            merge(
                &mut self.instruments,
                &e.object,
                pick(&after, INSTRUMENT_FIELDS),
                e,
            );
        }
    }

    /// A transition records the case as it found it: it must be as the
    /// entries before it left it (a fresh draft when there are none).
    fn check_case_before(&mut self, e: &AuditEntry, before: Option<&Map<String, Value>>) {
        let implied = self.cases.get(&e.object);
        match (before, implied) {
            (None, Some(i)) => self.differences.push(format!(
                "case {}: entry {} ({}) found no case, but {} recorded one: the case's row was deleted in between",
                e.object,
                e.seq,
                e.action,
                i.source()
            )),
            (None, None) => {}
            (Some(_), _) => self.check_before(e, before, Kind::Case),
        }
    }

    fn check_before(&mut self, e: &AuditEntry, before: Option<&Map<String, Value>>, kind: Kind) {
        let Some(before) = before else { return };
        let (objects, fields, noun) = match kind {
            Kind::Case => (&self.cases, CASE_FIELDS, "case "),
            Kind::User => (&self.users, USER_FIELDS, ""),
        };
        let (expected, source) = match objects.get(&e.object) {
            Some(i) => (i.fields.clone(), i.source()),
            None if kind == Kind::Case => (fresh_case(), "no entry before it".to_owned()),
            None => {
                self.differences.push(format!(
                    "{noun}{}: entry {} ({}) changes it, but no entry before it creates it: \
                     it was added outside the application",
                    e.object, e.seq, e.action
                ));
                return;
            }
        };
        for f in fields {
            if let (Some(found), Some(left)) = (before.get(*f), expected.get(*f)) {
                if found != left {
                    self.differences.push(format!(
                        "{noun}{}: entry {} ({}) found {f} {}, but {source} left it {}: \
                         it was changed outside the application in between",
                        e.object,
                        e.seq,
                        e.action,
                        show(found),
                        show(left)
                    ));
                }
            }
        }
    }

    /// Compare the replayed state with the tables, in the same snapshot as
    /// the log was read; every difference, in a stable order.
    pub(crate) async fn compare(
        mut self,
        tx: &mut Transaction<'static, Any>,
    ) -> Result<(Compared, Vec<String>), sqlx::Error> {
        let mut out = std::mem::take(&mut self.differences);
        let mut compared = Compared::default();

        let rows = sqlx::query(
            "SELECT unit_id, period_id, status, self_sha256, verification_sha256, round FROM cases \
             ORDER BY period_id, unit_id",
        )
        .fetch_all(&mut **tx)
        .await?;
        let mut tables = Objects::new();
        let mut documents = Vec::new();
        for r in &rows {
            let (unit, period): (String, String) = (r.try_get("unit_id")?, r.try_get("period_id")?);
            let object = format!("period/{period}/unit/{unit}");
            let self_sha: Option<String> = r.try_get("self_sha256")?;
            let ver_sha: Option<String> = r.try_get("verification_sha256")?;
            let mut m = Map::new();
            m.insert("status".into(), r.try_get::<String, _>("status")?.into());
            m.insert("self_sha256".into(), self_sha.clone().into());
            m.insert("verification_sha256".into(), ver_sha.clone().into());
            m.insert("round".into(), r.try_get::<i64, _>("round")?.into());
            documents.push((object.clone(), unit.clone(), period.clone(), "self", self_sha));
            documents.push((object.clone(), unit, period, "verification", ver_sha));
            tables.insert(object, row(m));
        }
        compared.cases = compare_kind(&mut out, "case ", &self.cases, &tables, "records no change to it");
        for (object, unit, period, stage, sha) in documents {
            if let Some(sha) = sha {
                check_document(tx, &mut out, (&object, &unit, &period), stage, &sha).await?;
            }
        }

        let rows = sqlx::query(
            "SELECT unit_id, period_id, verification_sha256, verified_total, eligible, awarded, decree_number, \
             decree_date FROM outcomes ORDER BY period_id, unit_id",
        )
        .fetch_all(&mut **tx)
        .await?;
        let mut tables = Objects::new();
        for r in &rows {
            let object = format!(
                "period/{}/unit/{}",
                r.try_get::<String, _>("period_id")?,
                r.try_get::<String, _>("unit_id")?
            );
            let mut m = Map::new();
            m.insert(
                "verification_sha256".into(),
                r.try_get::<String, _>("verification_sha256")?.into(),
            );
            m.insert(
                "verified_total".into(),
                r.try_get::<Option<String>, _>("verified_total")?.into(),
            );
            m.insert("eligible".into(), (r.try_get::<i64, _>("eligible")? != 0).into());
            m.insert(
                "awarded".into(),
                r.try_get::<Option<i64>, _>("awarded")?.map(|a| a != 0).into(),
            );
            m.insert(
                "decree_number".into(),
                r.try_get::<Option<String>, _>("decree_number")?.into(),
            );
            m.insert(
                "decree_date".into(),
                r.try_get::<Option<String>, _>("decree_date")?.into(),
            );
            tables.insert(object, row(pick(&m, OUTCOME_FIELDS)));
        }
        compare_kind(
            &mut out,
            "outcome of ",
            &self.outcomes,
            &tables,
            "records no evaluation of it",
        );

        let rows =
            sqlx::query("SELECT username, name, role, unit_id, office, active FROM users ORDER BY username")
                .fetch_all(&mut **tx)
                .await?;
        let mut tables = Objects::new();
        for r in &rows {
            let mut m = Map::new();
            m.insert("name".into(), r.try_get::<String, _>("name")?.into());
            m.insert("role".into(), r.try_get::<String, _>("role")?.into());
            m.insert("unit".into(), r.try_get::<Option<String>, _>("unit_id")?.into());
            m.insert("office".into(), r.try_get::<Option<String>, _>("office")?.into());
            m.insert("active".into(), (r.try_get::<i64, _>("active")? != 0).into());
            tables.insert(format!("user/{}", r.try_get::<String, _>("username")?), row(m));
        }
        compared.users = compare_kind(&mut out, "", &self.users, &tables, "never creates it");

        let rows = sqlx::query("SELECT id, name, kind, office FROM units ORDER BY id")
            .fetch_all(&mut **tx)
            .await?;
        let mut tables = Objects::new();
        for r in &rows {
            let mut m = Map::new();
            for f in UNIT_FIELDS {
                m.insert((*f).into(), r.try_get::<String, _>(*f)?.into());
            }
            tables.insert(format!("unit/{}", r.try_get::<String, _>("id")?), row(m));
        }
        compare_kind(&mut out, "", &self.units, &tables, "never creates it");

        let rows = sqlx::query("SELECT id, year, instrument_sha256, previous_id FROM periods ORDER BY id")
            .fetch_all(&mut **tx)
            .await?;
        let mut tables = Objects::new();
        for r in &rows {
            let mut m = Map::new();
            m.insert("year".into(), r.try_get::<i64, _>("year")?.into());
            m.insert(
                "instrument_sha256".into(),
                r.try_get::<String, _>("instrument_sha256")?.into(),
            );
            m.insert(
                "previous".into(),
                r.try_get::<Option<String>, _>("previous_id")?.into(),
            );
            tables.insert(format!("period/{}", r.try_get::<String, _>("id")?), row(m));
        }
        compare_kind(&mut out, "", &self.periods, &tables, "never creates it");

        // A round's decree and the award list it fixed.
        let rows = sqlx::query(
            "SELECT period_id, number, decree_date, issuer, awards_sha256, awards FROM decrees ORDER BY period_id",
        )
        .fetch_all(&mut **tx)
        .await?;
        let mut tables = Objects::new();
        for r in &rows {
            let period: String = r.try_get("period_id")?;
            let sha: String = r.try_get("awards_sha256")?;
            let body: String = r.try_get("awards")?;
            let actual = p2ham_io::digest::sha256_hex(body.as_bytes());
            if actual != sha {
                out.push(format!(
                    "decree of period/{period}: its stored award list has digest {actual}, not the recorded {sha}: \
                     the list was edited"
                ));
            }
            let mut m = Map::new();
            m.insert("number".into(), r.try_get::<String, _>("number")?.into());
            m.insert("date".into(), r.try_get::<String, _>("decree_date")?.into());
            m.insert("issuer".into(), r.try_get::<String, _>("issuer")?.into());
            m.insert("awards_sha256".into(), sha.into());
            tables.insert(format!("period/{period}"), row(m));
        }
        compare_kind(
            &mut out,
            "decree of ",
            &self.decrees,
            &tables,
            "records no decree",
        );

        let rows = sqlx::query("SELECT sha256, id, version, body FROM instruments ORDER BY sha256")
            .fetch_all(&mut **tx)
            .await?;
        let mut tables = Objects::new();
        for r in &rows {
            let sha: String = r.try_get("sha256")?;
            let body: String = r.try_get("body")?;
            let actual = p2ham_io::digest::sha256_hex(body.as_bytes());
            if actual != sha {
                out.push(format!(
                    "instrument/{sha}: its stored text has digest {actual}: the instrument was edited"
                ));
            }
            let mut m = Map::new();
            m.insert("id".into(), r.try_get::<String, _>("id")?.into());
            m.insert("version".into(), r.try_get::<String, _>("version")?.into());
            tables.insert(format!("instrument/{sha}"), row(m));
        }
        compare_kind(&mut out, "", &self.instruments, &tables, "never registers it");

        // The current declaration and survey of each case: the latest row of each table.
        let mut tables = Objects::new();
        for (table, field) in [
            ("declarations", "declaration_sha256"),
            ("skm_uploads", "skm_sha256"),
        ] {
            let rows = sqlx::query(&format!(
                "SELECT unit_id, period_id, sha256 FROM {table} ORDER BY period_id, unit_id, uploaded_at, id"
            ))
            .fetch_all(&mut **tx)
            .await?;
            for r in &rows {
                let object = format!(
                    "period/{}/unit/{}",
                    r.try_get::<String, _>("period_id")?,
                    r.try_get::<String, _>("unit_id")?
                );
                let sha: String = r.try_get("sha256")?;
                tables
                    .entry(object)
                    .or_insert_with(|| row(Map::new()))
                    .fields
                    .insert(field.into(), sha.into());
            }
        }
        compare_kind(
            &mut out,
            "stages of case ",
            &self.stages,
            &tables,
            "records no declaration or survey of it",
        );

        // Each period's current award rule (its digest, none once cleared), every stored text unedited.
        let rows =
            sqlx::query("SELECT period_id, sha256, body FROM award_rules ORDER BY period_id, set_at, id")
                .fetch_all(&mut **tx)
                .await?;
        let mut tables = Objects::new();
        for r in &rows {
            let period: String = r.try_get("period_id")?;
            let sha: Option<String> = r.try_get("sha256")?;
            let body: Option<String> = r.try_get("body")?;
            if let (Some(sha), Some(body)) = (&sha, &body) {
                let actual = p2ham_io::digest::sha256_hex(body.as_bytes());
                if actual != *sha {
                    out.push(format!(
                        "award rule of period/{period}: its stored text has digest {actual}, not the recorded {sha}: \
                         the rule was edited"
                    ));
                }
            }
            let mut m = Map::new();
            m.insert("sha256".into(), sha.map_or(Value::Null, Value::from));
            // In order: the latest row of a period is its current rule.
            tables.insert(format!("period/{period}"), row(m));
        }
        compare_kind(
            &mut out,
            "award rule of ",
            &self.award_rules,
            &tables,
            "records no award rule of it",
        );

        // Each case's current figures of the other evidence: the latest row.
        let rows = sqlx::query(
            "SELECT unit_id, period_id, zona_integritas, ombudsman_findings, ombudsman_unresolved, elapor_complaints, \
             elapor_unresolved FROM award_components ORDER BY period_id, unit_id, recorded_at, id",
        )
        .fetch_all(&mut **tx)
        .await?;
        let mut tables = Objects::new();
        for r in &rows {
            let mut m = Map::new();
            let zi: Option<String> = r.try_get("zona_integritas")?;
            m.insert("zona_integritas".into(), zi.map_or(Value::Null, Value::from));
            for field in &COMPONENT_FIELDS[1..] {
                let n: Option<i64> = r.try_get(*field)?;
                m.insert((*field).into(), n.map_or(Value::Null, Value::from));
            }
            let object = format!(
                "period/{}/unit/{}",
                r.try_get::<String, _>("period_id")?,
                r.try_get::<String, _>("unit_id")?
            );
            tables.insert(object, row(m));
        }
        compare_kind(
            &mut out,
            "award components of case ",
            &self.components,
            &tables,
            "records none of them",
        );

        // Each period's current signed decree document: the latest row.
        let rows =
            sqlx::query("SELECT period_id, sha256 FROM decree_documents ORDER BY period_id, uploaded_at, id")
                .fetch_all(&mut **tx)
                .await?;
        let mut tables = Objects::new();
        for r in &rows {
            let mut m = Map::new();
            m.insert(
                "decree_document_sha256".into(),
                r.try_get::<String, _>("sha256")?.into(),
            );
            // In order: the latest row of a period is its current document.
            tables.insert(format!("period/{}", r.try_get::<String, _>("period_id")?), row(m));
        }
        compare_kind(
            &mut out,
            "signed decree of ",
            &self.decree_documents,
            &tables,
            "records no upload of it",
        );
        Ok((compared, out))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Case,
    User,
}

fn row(fields: Map<String, Value>) -> Implied {
    Implied {
        fields,
        seq: 0,
        action: String::new(),
    }
}

fn merge(objects: &mut Objects, object: &str, fields: Map<String, Value>, e: &AuditEntry) {
    let implied = objects.entry(object.to_owned()).or_insert_with(|| Implied {
        fields: Map::new(),
        seq: e.seq,
        action: e.action.clone(),
    });
    implied.fields.extend(fields);
    implied.seq = e.seq;
    implied.action.clone_from(&e.action);
}

/// Compare one kind of object, field by field; returns how many rows matched.
/// `noun` goes before the object's name in messages (`case `, or nothing for
/// names such as `user/admin` that say what they are).
fn compare_kind(out: &mut Vec<String>, noun: &str, log: &Objects, tables: &Objects, unknown: &str) -> i64 {
    let mut matched = 0;
    for (object, row) in tables {
        let Some(implied) = log.get(object) else {
            let state: Vec<String> = row
                .fields
                .iter()
                .map(|(k, v)| format!("{k} {}", show(v)))
                .collect();
            out.push(format!(
                "{noun}{object}: in the database ({}), but the audit log {unknown}: \
                 it was added outside the application",
                state.join(", ")
            ));
            continue;
        };
        let before = out.len();
        for (field, left) in &implied.fields {
            let found = row.fields.get(field).unwrap_or(&Value::Null);
            if found != left {
                out.push(format!(
                    "{noun}{object}: {field} is {} in the database, but the audit log leaves it {} ({})",
                    show(found),
                    show(left),
                    implied.source()
                ));
            }
        }
        if out.len() == before {
            matched += 1;
        }
    }
    for (object, implied) in log {
        if !tables.contains_key(object) {
            out.push(format!(
                "{noun}{object}: the audit log records it ({}), but the database has no such row: \
                 it was deleted outside the application",
                implied.source()
            ));
        }
    }
    matched
}

/// The current document of a case must be stored, with its digest.
async fn check_document(
    tx: &mut Transaction<'static, Any>,
    out: &mut Vec<String>,
    (object, unit, period): (&str, &str, &str),
    stage: &str,
    sha: &str,
) -> Result<(), sqlx::Error> {
    let what = if stage == "self" {
        "self-assessment"
    } else {
        "verification"
    };
    let rows = sqlx::query(
        "SELECT body FROM documents WHERE unit_id = $1 AND period_id = $2 AND stage = $3 AND sha256 = $4",
    )
    .bind(unit)
    .bind(period)
    .bind(stage)
    .bind(sha)
    .fetch_all(&mut **tx)
    .await?;
    if rows.is_empty() {
        out.push(format!(
            "case {object}: its current {what} (sha256 {sha}) is not among the stored documents: \
             it was deleted outside the application"
        ));
        return Ok(());
    }
    let mut actual = Vec::new();
    for r in &rows {
        let body: String = r.try_get("body")?;
        let digest = p2ham_io::digest::sha256_hex(body.as_bytes());
        if digest == sha {
            return Ok(());
        }
        actual.push(digest);
    }
    out.push(format!(
        "case {object}: the stored text of its current {what} (sha256 {sha}) now has digest {}: \
         it was edited outside the application",
        actual.join(", ")
    ));
    Ok(())
}
