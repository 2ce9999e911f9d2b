//! The year: periods in sequence, the award round and its one decree.
//!
//! A period's baseline is the award list of its previous period (the one its
//! decree fixed) or, for the first year kept in the application, an imported
//! `p2ham-awards/1` list. The round is `p2ham award`'s decision: the same
//! operation (`p2ham_io::ops::award`) reads the evaluated verifications and
//! decides against that baseline, with the evaluator's exclusions. The decree records `awarded` / `not_awarded` for
//! every evaluated unit at once and fixes the list the next period starts from.

use std::collections::BTreeMap;

use p2ham_io::model::{is_iso_date, AwardList, Code, Decree, Diagnostic};
use p2ham_io::scoring::{check_previous, AwardError, AwardOptions, RequiredInstrument};
use p2ham_io::Source;
use sqlx::Row;

use super::rows::{find_period, object, read_case, source_bytes, unit_info};
use super::{require, ErrorCode, Report, ServiceError, ServiceResult};
use crate::audit::{self, Event};
use crate::auth::Actor;
use crate::proto::{
    DecreeRecorded, DecreeRequest, ExclusionInfo, ExclusionRequest, PeriodInfo, PreviousAwardsInfo,
    PreviousPeriodRequest,
};
use crate::types::{now, plain_text, random_hex, Role, Status};
use crate::AppState;

/// The award round of a period, as the acting user may see and change it
/// (from [`AppState::awards`]): evaluators decide, administrators set periods
/// in sequence and may look.
#[derive(Debug, Clone, Copy)]
pub struct Awards<'a> {
    pub(super) state: &'a AppState,
    pub(super) actor: &'a Actor,
}

impl AppState {
    /// The award rounds and histories, as `actor` may see and change them.
    pub fn awards<'a>(&'a self, actor: &'a Actor) -> Awards<'a> {
        Awards { state: self, actor }
    }
}

/// Who may look at and prepare a round.
const ROUND_ROLES: [Role; 2] = [Role::Evaluator, Role::Admin];

fn award_refusal(e: &AwardError) -> ServiceError {
    ServiceError::new(ErrorCode::Refused, e.to_string())
}

/// A refused award list: the library's message and one diagnostic at `path`.
fn refused_list(path: &str, message: String) -> ServiceError {
    ServiceError {
        code: ErrorCode::InvalidDocument,
        message: format!("previous award list: {path}: {message}"),
        diagnostics: vec![Diagnostic::new(Code::Invalid, path, message)],
    }
}

/// A stored award list (written by this application or checked on import) as the library reads it.
pub(super) fn stored_list(name: &str, body: &str) -> ServiceResult<AwardList> {
    p2ham_io::award::read_award_list(Source::bytes(name, body.as_bytes()))
        .map_err(|e| ServiceError::internal(&format!("stored award list {name}: {e}")))
}

impl<'a> Awards<'a> {
    /// The acting user.
    pub fn actor(&self) -> &'a Actor {
        self.actor
    }

    async fn period(&self, id: &str) -> ServiceResult<PeriodInfo> {
        find_period(self.state, id).await
    }

    /// The decree of a period, when recorded: its request and the list it fixed.
    pub async fn decree_of(&self, period: &str) -> ServiceResult<Option<(DecreeRequest, AwardList)>> {
        let row = sqlx::query("SELECT number, decree_date, issuer, awards FROM decrees WHERE period_id = $1")
            .bind(period)
            .fetch_optional(self.state.db().pool())
            .await?;
        let Some(r) = row else { return Ok(None) };
        let body: String = r.try_get("awards")?;
        Ok(Some((
            DecreeRequest {
                number: r.try_get("number")?,
                date: r.try_get("decree_date")?,
                issuer: r.try_get("issuer")?,
            },
            stored_list(&format!("awards of period {period}"), &body)?,
        )))
    }

    pub(super) async fn refuse_when_decreed(&self, period: &str) -> ServiceResult<()> {
        if self.decree_of(period).await?.is_some() {
            return Err(ServiceError::new(
                ErrorCode::AlreadyDecreed,
                format!(
                    "period {period}'s round already has its decree; its baseline and exclusions are fixed"
                ),
            ));
        }
        Ok(())
    }

    /// Name (or clear) a period's previous period (administrators and
    /// evaluators), before its decree. A period with an imported previous
    /// list keeps that list: the two are exclusive.
    pub async fn set_previous(&self, period: &str, req: &PreviousPeriodRequest) -> ServiceResult<PeriodInfo> {
        require(self.actor, &ROUND_ROLES)?;
        let p = self.period(period).await?;
        self.refuse_when_decreed(&p.id).await?;
        if let Some(prev) = &req.previous {
            if *prev == p.id {
                return Err(ServiceError::about_field(
                    ErrorCode::Refused,
                    "previous",
                    "a period cannot follow itself",
                ));
            }
            // The chain back from the previous period must not come round to this one.
            let mut seen = vec![p.id.clone()];
            let mut at = Some(prev.clone());
            while let Some(id) = at {
                if seen.contains(&id) {
                    return Err(ServiceError::about_field(
                        ErrorCode::Refused,
                        "previous",
                        format!(
                            "`{prev}` leads back to period {} (periods must not form a circle)",
                            p.id
                        ),
                    ));
                }
                let found = find_period(self.state, &id).await.map_err(|e| {
                    if e.code == ErrorCode::NotFound {
                        ServiceError::about_field(
                            ErrorCode::NotFound,
                            "previous",
                            format!("no period `{id}`"),
                        )
                    } else {
                        e
                    }
                })?;
                seen.push(id);
                at = found.previous;
            }
        }
        if req.previous.is_some() && self.previous_awards(&p.id).await?.is_some() {
            return Err(ServiceError::new(
                ErrorCode::Refused,
                format!(
                    "period {} holds an imported previous award list; a period starts from one baseline",
                    p.id
                ),
            ));
        }
        let mut w = self.state.db().write().await?;
        let mut turn = audit::reserve(&mut w.tx).await?;
        sqlx::query("UPDATE periods SET previous_id = $1 WHERE id = $2")
            .bind(&req.previous)
            .bind(&p.id)
            .execute(&mut *w.tx)
            .await?;
        turn.record(
            &mut w.tx,
            Event::by(
                self.actor,
                "set-previous-period",
                format!("period/{}", p.id),
                Some(serde_json::json!({"previous": p.previous}).to_string()),
                Some(serde_json::json!({"previous": req.previous}).to_string()),
            ),
        )
        .await?;
        w.commit().await?;
        self.period(&p.id).await
    }

    /// Import a period's previous award list (administrators and evaluators):
    /// read and checked as `p2ham award --previous` reads it (the awards
    /// schema, unit ids, dates, no unit twice), of an earlier period; stored
    /// as sent, never overwritten (a later import becomes the current one).
    pub async fn import_previous(
        &self,
        period: &str,
        document: Source<'_>,
    ) -> ServiceResult<PreviousAwardsInfo> {
        require(self.actor, &ROUND_ROLES)?;
        let p = self.period(period).await?;
        let (name, bytes) = source_bytes(document, self.state.settings().max_document_bytes)?;
        let list = p2ham_io::award::read_award_list(Source::bytes(name, &bytes[..]))
            .map_err(|e| ServiceError::invalid_document(&e))?;
        check_previous(&list, &p.id).map_err(|e| refused_list("period", e.to_string()))?;
        if let Some(prev) = &p.previous {
            return Err(ServiceError::new(
                ErrorCode::Refused,
                format!(
                    "period {} follows period {prev}, whose decreed list is its baseline; clear `previous` to import a list",
                    p.id
                ),
            ));
        }
        self.refuse_when_decreed(&p.id).await?;
        let body = String::from_utf8(bytes).map_err(|_| refused_list("", "not UTF-8 text".into()))?;
        let sha = p2ham_io::digest::sha256_hex(body.as_bytes());
        let info = PreviousAwardsInfo {
            period: list.period.clone(),
            sha256: sha.clone(),
            units: list.units.len(),
            holders: list.units.iter().filter(|u| u.predikat).count(),
            imported_by: self.actor.username.clone(),
            imported_at: now(),
        };
        let mut w = self.state.db().write().await?;
        let mut turn = audit::reserve(&mut w.tx).await?;
        sqlx::query("INSERT INTO previous_awards (id, period_id, list_period, sha256, body, imported_by, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(random_hex(16))
            .bind(&p.id)
            .bind(&list.period)
            .bind(&sha)
            .bind(&body)
            .bind(&info.imported_by)
            .bind(&info.imported_at)
            .execute(&mut *w.tx)
            .await?;
        turn.record(
            &mut w.tx,
            Event::by(
                self.actor,
                "import-previous-awards",
                format!("period/{}", p.id),
                None,
                Some(
                    serde_json::json!({"list_period": list.period, "sha256": sha, "units": info.units, "holders": info.holders})
                        .to_string(),
                ),
            ),
        )
        .await?;
        w.commit().await?;
        Ok(info)
    }

    /// The current imported previous list of a period, with its text.
    async fn imported(&self, period: &str) -> ServiceResult<Option<(PreviousAwardsInfo, String)>> {
        let row = sqlx::query("SELECT list_period, sha256, body, imported_by, imported_at FROM previous_awards WHERE period_id = $1 ORDER BY imported_at DESC, id DESC LIMIT 1")
            .bind(period)
            .fetch_optional(self.state.db().pool())
            .await?;
        let Some(r) = row else { return Ok(None) };
        let body: String = r.try_get("body")?;
        let list = stored_list(&format!("previous awards of period {period}"), &body)?;
        Ok(Some((
            PreviousAwardsInfo {
                period: r.try_get("list_period")?,
                sha256: r.try_get("sha256")?,
                units: list.units.len(),
                holders: list.units.iter().filter(|u| u.predikat).count(),
                imported_by: r.try_get("imported_by")?,
                imported_at: r.try_get("imported_at")?,
            },
            body,
        )))
    }

    /// The imported previous list of a period, when it has one.
    pub async fn previous_awards(&self, period: &str) -> ServiceResult<Option<PreviousAwardsInfo>> {
        require(self.actor, &ROUND_ROLES)?;
        Ok(self.imported(period).await?.map(|(i, _)| i))
    }

    /// The imported previous list of a period, byte for byte as imported.
    pub async fn previous_awards_document(&self, period: &str) -> ServiceResult<String> {
        require(self.actor, &ROUND_ROLES)?;
        let p = self.period(period).await?;
        self.imported(&p.id).await?.map(|(_, body)| body).ok_or_else(|| {
            ServiceError::not_found(format!("period {} has no imported previous award list", p.id))
        })
    }

    /// The baseline of a period: its previous period's decreed list, or its
    /// imported list, or none.
    pub async fn baseline(&self, period: &PeriodInfo) -> ServiceResult<Option<AwardList>> {
        if let Some(prev) = &period.previous {
            return match self.decree_of(prev).await? {
                Some((_, list)) => Ok(Some(list)),
                None => Err(ServiceError::new(
                    ErrorCode::PreviousNotDecreed,
                    format!(
                        "period {prev}, the one before {}, has no decree yet: its award list, this round's baseline, is not fixed",
                        period.id
                    ),
                )),
            };
        }
        Ok(match self.imported(&period.id).await? {
            Some((info, body)) => Some(stored_list(&format!("previous awards ({})", info.sha256), &body)?),
            None => None,
        })
    }

    /// The units struck off a period's round (evaluators and administrators).
    pub async fn exclusions(&self, period: &str) -> ServiceResult<Vec<ExclusionInfo>> {
        require(self.actor, &ROUND_ROLES)?;
        let p = self.period(period).await?;
        let rows = sqlx::query("SELECT unit_id, reason, excluded_by, excluded_at FROM exclusions WHERE period_id = $1 AND lifted_at IS NULL ORDER BY unit_id")
            .bind(&p.id)
            .fetch_all(self.state.db().pool())
            .await?;
        let mut out = Vec::new();
        for r in rows {
            out.push(ExclusionInfo {
                unit: r.try_get("unit_id")?,
                reason: r.try_get("reason")?,
                excluded_by: r.try_get("excluded_by")?,
                excluded_at: r.try_get("excluded_at")?,
            });
        }
        Ok(out)
    }

    /// Strike a unit off the round with a reason (evaluator), before the
    /// decree: the unit must be in the round (evaluated this period, or in
    /// the baseline).
    pub async fn exclude(&self, period: &str, req: &ExclusionRequest) -> ServiceResult<ExclusionInfo> {
        require(self.actor, &[Role::Evaluator])?;
        let p = self.period(period).await?;
        let reason = req.reason.trim();
        if reason.is_empty() {
            return Err(ServiceError::field("reason", "say why the unit is struck off"));
        }
        if reason.chars().count() > 2000 {
            return Err(ServiceError::field("reason", "at most 2000 characters"));
        }
        plain_text("reason", reason, true)
            .map_err(|m| ServiceError::field("reason", m.trim_start_matches("reason: ")))?;
        self.refuse_when_decreed(&p.id).await?;
        let unit = sqlx::query("SELECT id, name, kind, office FROM units WHERE id = $1")
            .bind(&req.unit)
            .fetch_optional(self.state.db().pool())
            .await?
            .map(|r| unit_info(&r))
            .transpose()?
            .ok_or_else(|| {
                ServiceError::about_field(ErrorCode::NotFound, "unit", format!("no unit `{}`", req.unit))
            })?;
        let evaluated = sqlx::query("SELECT unit_id FROM outcomes WHERE unit_id = $1 AND period_id = $2")
            .bind(&unit.id)
            .bind(&p.id)
            .fetch_optional(self.state.db().pool())
            .await?
            .is_some();
        let in_baseline = self
            .baseline(&p)
            .await?
            .is_some_and(|l| l.unit(&unit.id).is_some());
        if !evaluated && !in_baseline {
            return Err(ServiceError::about_field(
                ErrorCode::Refused,
                "unit",
                format!(
                    "`{}` is not in period {}'s round: it has no evaluated result and is not in the previous award list",
                    unit.id, p.id
                ),
            ));
        }
        let info = ExclusionInfo {
            unit: unit.id.clone(),
            reason: reason.to_owned(),
            excluded_by: self.actor.username.clone(),
            excluded_at: now(),
        };
        let mut w = self.state.db().write().await?;
        let mut turn = audit::reserve(&mut w.tx).await?;
        let active = sqlx::query(
            "SELECT id FROM exclusions WHERE period_id = $1 AND unit_id = $2 AND lifted_at IS NULL",
        )
        .bind(&p.id)
        .bind(&unit.id)
        .fetch_optional(&mut *w.tx)
        .await?;
        if active.is_some() {
            return Err(ServiceError::new(
                ErrorCode::Refused,
                format!("unit `{}` is already struck off period {}'s round", unit.id, p.id),
            ));
        }
        sqlx::query("INSERT INTO exclusions (id, period_id, unit_id, reason, excluded_by, excluded_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(random_hex(16))
            .bind(&p.id)
            .bind(&unit.id)
            .bind(&info.reason)
            .bind(&info.excluded_by)
            .bind(&info.excluded_at)
            .execute(&mut *w.tx)
            .await?;
        turn.record(
            &mut w.tx,
            Event::by(
                self.actor,
                "exclude",
                object(&p.id, &unit.id),
                None,
                Some(serde_json::json!({"excluded": true, "reason": info.reason}).to_string()),
            ),
        )
        .await?;
        w.commit().await?;
        Ok(info)
    }

    /// Lift a unit's exclusion (evaluator), before the decree; the lifted
    /// exclusion stays on record.
    pub async fn lift_exclusion(&self, period: &str, unit: &str) -> ServiceResult<()> {
        require(self.actor, &[Role::Evaluator])?;
        let p = self.period(period).await?;
        self.refuse_when_decreed(&p.id).await?;
        let mut w = self.state.db().write().await?;
        let mut turn = audit::reserve(&mut w.tx).await?;
        let row = sqlx::query(
            "SELECT id, reason FROM exclusions WHERE period_id = $1 AND unit_id = $2 AND lifted_at IS NULL",
        )
        .bind(&p.id)
        .bind(unit)
        .fetch_optional(&mut *w.tx)
        .await?
        .ok_or_else(|| {
            ServiceError::not_found(format!("unit `{unit}` is not struck off period {}'s round", p.id))
        })?;
        let (id, reason): (String, String) = (row.try_get("id")?, row.try_get("reason")?);
        sqlx::query("UPDATE exclusions SET lifted_by = $1, lifted_at = $2 WHERE id = $3")
            .bind(&self.actor.username)
            .bind(now())
            .bind(&id)
            .execute(&mut *w.tx)
            .await?;
        turn.record(
            &mut w.tx,
            Event::by(
                self.actor,
                "lift-exclusion",
                object(&p.id, unit),
                Some(serde_json::json!({"excluded": true, "reason": reason}).to_string()),
                Some(serde_json::json!({"excluded": false}).to_string()),
            ),
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// The round of a period (evaluators and administrators): every unit's
    /// decision, as `p2ham award --previous` decides it from the evaluated
    /// verifications, the baseline and the exclusions. Once decreed, the list
    /// the decree fixed.
    pub async fn round(&self, period: &str) -> ServiceResult<AwardList> {
        require(self.actor, &ROUND_ROLES)?;
        let p = self.period(period).await?;
        if let Some((_, list)) = self.decree_of(&p.id).await? {
            return Ok(list);
        }
        self.decide(&p, None).await
    }

    /// The round as a report: JSON is the award list, the other formats the annex.
    pub async fn round_report(&self, period: &str) -> ServiceResult<Report> {
        Ok(Report::Awards(Box::new(self.round(period).await?)))
    }

    /// The library's decision over what is stored now.
    async fn decide(&self, p: &PeriodInfo, decree: Option<Decree>) -> ServiceResult<AwardList> {
        let previous = self.baseline(p).await?;
        let exclusions: BTreeMap<String, String> = self
            .exclusions(&p.id)
            .await?
            .into_iter()
            .map(|e| (e.unit, e.reason))
            .collect();
        // The evaluated verifications: each outcome's document.
        let rows = sqlx::query(
            "SELECT o.unit_id, d.body FROM outcomes o JOIN documents d ON d.unit_id = o.unit_id \
             AND d.period_id = o.period_id AND d.stage = 'verification' AND d.sha256 = o.verification_sha256 \
             WHERE o.period_id = $1 ORDER BY o.unit_id, d.uploaded_at",
        )
        .bind(&p.id)
        .fetch_all(self.state.db().pool())
        .await?;
        let mut bodies: Vec<(String, String)> = Vec::new();
        for r in rows {
            let unit: String = r.try_get("unit_id")?;
            if bodies.iter().all(|(u, _)| *u != unit) {
                bodies.push((unit, r.try_get("body")?));
            }
        }
        let instrument = self.state.instrument(&p.instrument.sha256).await?;
        // The period's award rule over the other evidence, with every unit's figures.
        let rule = self.current_rule(&p.id).await?.map(|(_, rule, _)| rule);
        let components = match rule {
            Some(_) => self.components_of(&p.id).await?,
            None => BTreeMap::new(),
        };
        let options = AwardOptions {
            period: Some(p.id.clone()),
            decree,
            exclusions,
            instrument: Some(RequiredInstrument {
                id: p.instrument.id.clone(),
                version: Some(p.instrument.version.clone()),
            }),
            rule,
            components,
        };
        tokio::task::spawn_blocking(move || {
            let sources = bodies
                .iter()
                .map(|(unit, body)| Source::bytes(format!("{unit}.verification.json"), body.as_bytes()))
                .collect();
            let round = p2ham_io::ops::AwardRound {
                options,
                previous: previous.as_ref(),
                ..p2ham_io::ops::AwardRound::default()
            };
            match p2ham_io::ops::award(sources, Some(&instrument), &round) {
                Ok(awarded) => Ok(awarded.list),
                Err(p2ham_io::ops::AwardFailure::Decision(e)) => Err(award_refusal(&e)),
                Err(p2ham_io::ops::AwardFailure::Io(e)) => Err(ServiceError::invalid_document(&e)),
                Err(e) => Err(ServiceError::internal(&e)),
            }
        })
        .await?
    }

    /// Record the round's one decree (evaluator): `awarded` for every
    /// evaluated unit the round grants the predikat (`retained`, `gained`),
    /// `not_awarded` for every other evaluated unit, each audited as the
    /// award of its case; the list it fixes becomes the next period's
    /// baseline. Refused while a unit is verified but not yet evaluated, and
    /// once the period has its decree.
    pub async fn decree(&self, period: &str, req: &DecreeRequest) -> ServiceResult<DecreeRecorded> {
        require(self.actor, &[Role::Evaluator])?;
        let p = self.period(period).await?;
        let number = req.number.trim();
        let issuer = req.issuer.trim();
        if number.is_empty() {
            return Err(ServiceError::field("number", "give the decree's number"));
        }
        if !is_iso_date(req.date.trim()) {
            return Err(ServiceError::field(
                "date",
                format!("expected a date YYYY-MM-DD, found `{}`", req.date),
            ));
        }
        if issuer.is_empty() {
            return Err(ServiceError::field(
                "issuer",
                "give the issuer as the decree names it, e.g. Menteri Hukum dan Hak Asasi Manusia",
            ));
        }
        for (field, v) in [("number", number), ("issuer", issuer)] {
            if v.chars().count() > 500 {
                return Err(ServiceError::field(field, "at most 500 characters"));
            }
            plain_text(field, v, false)
                .map_err(|m| ServiceError::field(field, m.trim_start_matches(&format!("{field}: "))))?;
        }
        let decree = Decree {
            number: number.to_owned(),
            date: Some(req.date.trim().to_owned()),
            issuer: Some(issuer.to_owned()),
        };
        // Take the audit log's turn first: every change to the round waits
        // for it, so the round decided below is the one recorded.
        let mut w = self.state.db().write().await?;
        let mut turn = audit::reserve(&mut w.tx).await?;
        self.refuse_when_decreed(&p.id).await?;
        let pending: Vec<String> =
            sqlx::query("SELECT unit_id FROM cases WHERE period_id = $1 AND status = $2 ORDER BY unit_id")
                .bind(&p.id)
                .bind(Status::Verified.as_str())
                .fetch_all(&mut *w.tx)
                .await?
                .iter()
                .map(|r| r.try_get("unit_id"))
                .collect::<Result<_, _>>()?;
        if !pending.is_empty() {
            return Err(ServiceError::new(
                ErrorCode::RoundIncomplete,
                format!(
                    "verified but not yet evaluated: {}; evaluate them (or strike them off) before the decree",
                    pending.join(", ")
                ),
            ));
        }
        let list = self.decide(&p, Some(decree.clone())).await?;
        let mut changes = Vec::new();
        let mut conflicts = Vec::new();
        for e in list.units.iter().filter(|e| !e.rests_on.is_empty()) {
            let case = read_case(&mut *w.tx, &e.unit.id, &p.id).await?.ok_or_else(|| {
                ServiceError::internal(&format!("an evaluated unit without a case: {}", e.unit.id))
            })?;
            let status = if e.predikat {
                Status::Awarded
            } else {
                Status::NotAwarded
            };
            if case.status == Status::Evaluated {
                changes.push((e, case, status));
            } else if case.status != status {
                conflicts.push(format!(
                    "{} is recorded `{}`, the round decides `{}`",
                    e.unit.id,
                    case.status.as_str(),
                    status.as_str()
                ));
            }
        }
        if !conflicts.is_empty() {
            return Err(ServiceError::new(
                ErrorCode::Refused,
                format!("units already decided otherwise: {}", conflicts.join("; ")),
            ));
        }
        let body = p2ham_report::to_json(&list);
        let sha = p2ham_io::digest::sha256_hex(body.as_bytes());
        let at = now();
        sqlx::query("INSERT INTO decrees (period_id, number, decree_date, issuer, awards_sha256, awards, decreed_by, decreed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(&p.id)
            .bind(number)
            .bind(req.date.trim())
            .bind(issuer)
            .bind(&sha)
            .bind(&body)
            .bind(&self.actor.username)
            .bind(&at)
            .execute(&mut *w.tx)
            .await?;
        let (mut awarded, mut not_awarded) = (0, 0);
        for (e, before, status) in &changes {
            if *status == Status::Awarded {
                awarded += 1;
            } else {
                not_awarded += 1;
            }
            sqlx::query("UPDATE outcomes SET awarded = $1, decree_number = $2, decree_date = $3, awarded_by = $4, awarded_at = $5 WHERE unit_id = $6 AND period_id = $7")
                .bind(i64::from(*status == Status::Awarded))
                .bind(number)
                .bind(req.date.trim())
                .bind(&self.actor.username)
                .bind(&at)
                .bind(&e.unit.id)
                .bind(&p.id)
                .execute(&mut *w.tx)
                .await?;
            sqlx::query(
                "UPDATE cases SET status = $1, updated_at = $2 WHERE unit_id = $3 AND period_id = $4",
            )
            .bind(status.as_str())
            .bind(&at)
            .bind(&e.unit.id)
            .bind(&p.id)
            .execute(&mut *w.tx)
            .await?;
            // Audited as the award of the case, so the replay of the log knows it.
            let recorded = serde_json::json!({
                "status": status.as_str(),
                "decree_number": number,
                "decree_date": req.date.trim(),
                "decision": e.decision.map(p2ham_io::model::Decision::as_str),
                "awards_sha256": sha,
            });
            turn.record(
                &mut w.tx,
                Event::by(
                    self.actor,
                    "award",
                    object(&p.id, &e.unit.id),
                    Some(before.state_json()),
                    Some(recorded.to_string()),
                ),
            )
            .await?;
        }
        turn.record(
            &mut w.tx,
            Event::by(
                self.actor,
                "decree",
                format!("period/{}", p.id),
                None,
                Some(
                    serde_json::json!({
                        "number": number, "date": req.date.trim(), "issuer": issuer,
                        "awards_sha256": sha, "awarded": awarded, "not_awarded": not_awarded,
                    })
                    .to_string(),
                ),
            ),
        )
        .await?;
        w.commit().await?;
        Ok(DecreeRecorded {
            period: p.id,
            number: number.to_owned(),
            date: req.date.trim().to_owned(),
            issuer: issuer.to_owned(),
            awards_sha256: sha,
            awarded,
            not_awarded,
        })
    }
}
