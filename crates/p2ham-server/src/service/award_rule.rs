//! The evaluation's other evidence, declared: a period's award rule
//! (`p2ham-award-rule/1`) and each unit's Zona Integritas status and
//! complaint figures, recorded by the evaluator; the IKM is the unit's stored
//! survey (SKM). The round hands both to `p2ham_scoring::decide`, as
//! `p2ham award --rule --components` does.

use std::collections::BTreeMap;

use p2ham_io::model::{
    AwardComponents, AwardComponentsFormat, Decimal, PeriodAwardRule, UnitComponents, ZonaIntegritas,
};
use p2ham_io::Source;
use sqlx::Row;

use super::awards::Awards;
use super::rows::{find_period, object, source_bytes};
use super::{require, ErrorCode, ServiceError, ServiceResult};
use crate::audit::{self, Event};
use crate::proto::{AwardComponentsInfo, AwardComponentsRequest, AwardRuleInfo};
use crate::types::{now, random_hex, Role};

/// Who may look at the rule and the figures, and set the rule.
const ROUND_ROLES: [Role; 2] = [Role::Evaluator, Role::Admin];

/// The gates a rule declares, by its field names.
fn gates(rule: &PeriodAwardRule) -> Vec<String> {
    [
        ("ikm_min_mutu", rule.ikm_min_mutu.is_some()),
        ("zona_integritas_min", rule.zona_integritas_min.is_some()),
        (
            "ombudsman_unresolved_max",
            rule.ombudsman_unresolved_max.is_some(),
        ),
        ("elapor_unresolved_max", rule.elapor_unresolved_max.is_some()),
        ("composite", rule.composite.is_some()),
    ]
    .into_iter()
    .filter(|(_, on)| *on)
    .map(|(g, _)| g.to_owned())
    .collect()
}

fn count(v: Option<i64>) -> ServiceResult<Option<u32>> {
    v.map(|n| u32::try_from(n).map_err(|_| ServiceError::internal(&format!("stored count {n} out of range"))))
        .transpose()
}

fn recorded(r: &sqlx::any::AnyRow) -> ServiceResult<AwardComponentsRequest> {
    Ok(AwardComponentsRequest {
        zona_integritas: r.try_get("zona_integritas")?,
        ombudsman_findings: count(r.try_get("ombudsman_findings")?)?,
        ombudsman_unresolved: count(r.try_get("ombudsman_unresolved")?)?,
        elapor_complaints: count(r.try_get("elapor_complaints")?)?,
        elapor_unresolved: count(r.try_get("elapor_unresolved")?)?,
    })
}

/// The recorded figures as the library's type (IKM added by the caller).
fn unit_components(unit: &str, req: &AwardComponentsRequest) -> UnitComponents {
    UnitComponents {
        unit: unit.to_owned(),
        ikm: None,
        zona_integritas: req.zona_integritas.as_deref().and_then(ZonaIntegritas::parse),
        ombudsman_findings: req.ombudsman_findings,
        ombudsman_unresolved: req.ombudsman_unresolved,
        elapor_complaints: req.elapor_complaints,
        elapor_unresolved: req.elapor_unresolved,
    }
}

impl Awards<'_> {
    /// The current rule of a period with its stored text, when one is set.
    pub(super) async fn current_rule(
        &self,
        period: &str,
    ) -> ServiceResult<Option<(AwardRuleInfo, PeriodAwardRule, String)>> {
        let row = sqlx::query(
            "SELECT sha256, body, set_by, set_at FROM award_rules WHERE period_id = $1 ORDER BY set_at DESC, id DESC LIMIT 1",
        )
        .bind(period)
        .fetch_optional(self.state.db().pool())
        .await?;
        let Some(r) = row else { return Ok(None) };
        let Some(body) = r.try_get::<Option<String>, _>("body")? else {
            return Ok(None);
        };
        let rule = p2ham_io::award::award_rule(&format!("award rule of period {period}"), body.as_bytes())
            .map_err(|e| ServiceError::internal(&e))?;
        Ok(Some((
            AwardRuleInfo {
                period: period.to_owned(),
                sha256: r.try_get::<Option<String>, _>("sha256")?.unwrap_or_default(),
                gates: gates(&rule),
                set_by: r.try_get("set_by")?,
                set_at: r.try_get("set_at")?,
            },
            rule,
            body,
        )))
    }

    /// The period's award rule (evaluators and administrators), when one is set.
    pub async fn award_rule(&self, period: &str) -> ServiceResult<Option<(AwardRuleInfo, PeriodAwardRule)>> {
        require(self.actor, &ROUND_ROLES)?;
        let p = find_period(self.state, period).await?;
        Ok(self.current_rule(&p.id).await?.map(|(i, r, _)| (i, r)))
    }

    /// The period's award rule, byte for byte as set.
    pub async fn award_rule_document(&self, period: &str) -> ServiceResult<String> {
        require(self.actor, &ROUND_ROLES)?;
        let p = find_period(self.state, period).await?;
        self.current_rule(&p.id)
            .await?
            .map(|(_, _, body)| body)
            .ok_or_else(|| ServiceError::not_found(format!("period {} declares no award rule", p.id)))
    }

    /// Declare the period's award rule (administrators and evaluators), before
    /// its decree: read and checked as `p2ham award --rule` reads it (the
    /// schema, then its values), refused with diagnostics (422); kept as
    /// sent, audited as `set-award-rule`; an earlier rule stays on record.
    pub async fn set_award_rule(&self, period: &str, document: Source<'_>) -> ServiceResult<AwardRuleInfo> {
        require(self.actor, &ROUND_ROLES)?;
        let p = find_period(self.state, period).await?;
        let (name, bytes) = source_bytes(document, self.state.settings().max_document_bytes)?;
        let rule =
            p2ham_io::award::award_rule(&name, &bytes).map_err(|e| ServiceError::invalid_document(&e))?;
        let body = String::from_utf8(bytes)
            .map_err(|_| ServiceError::new(ErrorCode::InvalidDocument, "award rule: not UTF-8 text"))?;
        let sha = p2ham_io::digest::sha256_hex(body.as_bytes());
        let info = AwardRuleInfo {
            period: p.id.clone(),
            sha256: sha.clone(),
            gates: gates(&rule),
            set_by: self.actor.username.clone(),
            set_at: now(),
        };
        self.write_rule(
            &p.id,
            Some((&sha, &body)),
            &info.set_at,
            serde_json::json!({"sha256": sha, "gates": info.gates}),
        )
        .await?;
        Ok(info)
    }

    /// Clear the period's award rule (administrators and evaluators), before
    /// its decree: the round is the P2HAM verified result alone again.
    pub async fn clear_award_rule(&self, period: &str) -> ServiceResult<()> {
        require(self.actor, &ROUND_ROLES)?;
        let p = find_period(self.state, period).await?;
        if self.current_rule(&p.id).await?.is_none() {
            return Err(ServiceError::not_found(format!(
                "period {} declares no award rule",
                p.id
            )));
        }
        self.write_rule(&p.id, None, &now(), serde_json::json!({"sha256": null}))
            .await
    }

    async fn write_rule(
        &self,
        period: &str,
        rule: Option<(&str, &str)>,
        at: &str,
        after: serde_json::Value,
    ) -> ServiceResult<()> {
        let mut w = self.state.db().write().await?;
        let mut turn = audit::reserve(&mut w.tx).await?;
        self.refuse_when_decreed(period).await?;
        let before = self.current_rule(period).await?.map(|(i, _, _)| i.sha256);
        sqlx::query("INSERT INTO award_rules (id, period_id, sha256, body, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(random_hex(16))
            .bind(period)
            .bind(rule.map(|(s, _)| s))
            .bind(rule.map(|(_, b)| b))
            .bind(&self.actor.username)
            .bind(at)
            .execute(&mut *w.tx)
            .await?;
        turn.record(
            &mut w.tx,
            Event::by(
                self.actor,
                "set-award-rule",
                format!("period/{period}"),
                Some(serde_json::json!({"sha256": before}).to_string()),
                Some(after.to_string()),
            ),
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// The figures of every unit of a period that has any (recorded figures,
    /// or a stored survey), by unit id: the components the round's gates read.
    pub(super) async fn components_of(
        &self,
        period: &str,
    ) -> ServiceResult<BTreeMap<String, UnitComponents>> {
        let mut out: BTreeMap<String, UnitComponents> = BTreeMap::new();
        let rows = sqlx::query(
            "SELECT unit_id, zona_integritas, ombudsman_findings, ombudsman_unresolved, elapor_complaints, elapor_unresolved \
             FROM award_components WHERE period_id = $1 ORDER BY unit_id, recorded_at DESC, id DESC",
        )
        .bind(period)
        .fetch_all(self.state.db().pool())
        .await?;
        for r in &rows {
            let unit: String = r.try_get("unit_id")?;
            if let std::collections::btree_map::Entry::Vacant(slot) = out.entry(unit.clone()) {
                slot.insert(unit_components(&unit, &recorded(r)?));
            }
        }
        let rows = sqlx::query(
            "SELECT unit_id, ikm FROM skm_uploads WHERE period_id = $1 ORDER BY unit_id, uploaded_at DESC, id DESC",
        )
        .bind(period)
        .fetch_all(self.state.db().pool())
        .await?;
        let mut seen = std::collections::BTreeSet::new();
        for r in &rows {
            let unit: String = r.try_get("unit_id")?;
            if !seen.insert(unit.clone()) {
                continue;
            }
            let ikm: String = r.try_get("ikm")?;
            let ikm: Decimal = ikm
                .parse()
                .map_err(|_| ServiceError::internal(&format!("stored IKM `{ikm}` of {unit}")))?;
            out.entry(unit.clone())
                .or_insert_with(|| UnitComponents {
                    unit,
                    ..UnitComponents::default()
                })
                .ikm = Some(ikm);
        }
        Ok(out)
    }

    /// The period's figures as a `p2ham-award-components/1` document
    /// (evaluators and administrators): what `p2ham award --components`
    /// reads to decide as the round does.
    pub async fn components_document(&self, period: &str) -> ServiceResult<AwardComponents> {
        require(self.actor, &ROUND_ROLES)?;
        let p = find_period(self.state, period).await?;
        Ok(AwardComponents {
            format: AwardComponentsFormat::V1,
            period: p.id.clone(),
            units: self.components_of(&p.id).await?.into_values().collect(),
        })
    }

    /// A unit's figures for a period (evaluators and administrators).
    pub async fn components(&self, period: &str, unit: &str) -> ServiceResult<AwardComponentsInfo> {
        require(self.actor, &ROUND_ROLES)?;
        let p = find_period(self.state, period).await?;
        let exists = sqlx::query("SELECT id FROM units WHERE id = $1")
            .bind(unit)
            .fetch_optional(self.state.db().pool())
            .await?
            .is_some();
        if !exists {
            return Err(ServiceError::not_found(format!("no unit `{unit}`")));
        }
        let row = sqlx::query(
            "SELECT zona_integritas, ombudsman_findings, ombudsman_unresolved, elapor_complaints, elapor_unresolved, \
             recorded_by, recorded_at FROM award_components WHERE period_id = $1 AND unit_id = $2 \
             ORDER BY recorded_at DESC, id DESC LIMIT 1",
        )
        .bind(&p.id)
        .bind(unit)
        .fetch_optional(self.state.db().pool())
        .await?;
        let skm = super::skm::current(self.state.db().pool(), unit, &p.id).await?;
        Ok(AwardComponentsInfo {
            unit: unit.to_owned(),
            period: p.id.clone(),
            recorded: row
                .as_ref()
                .map(recorded)
                .transpose()?
                .map(Into::into)
                .unwrap_or_default(),
            ikm: skm.as_ref().map(|s| s.ikm.clone()),
            mutu: skm.map(|s| s.mutu),
            recorded_by: row.as_ref().map(|r| r.try_get("recorded_by")).transpose()?,
            recorded_at: row.as_ref().map(|r| r.try_get("recorded_at")).transpose()?,
        })
    }

    /// Record a unit's Zona Integritas status and complaint figures for a
    /// period (evaluator), before the decree: checked (a known status, no
    /// more unresolved than in all), kept as a new record, audited as
    /// `record-award-components`.
    pub async fn record_components(
        &self,
        period: &str,
        unit: &str,
        req: &AwardComponentsRequest,
    ) -> ServiceResult<AwardComponentsInfo> {
        require(self.actor, &[Role::Evaluator])?;
        let p = find_period(self.state, period).await?;
        if let Some(z) = &req.zona_integritas {
            if ZonaIntegritas::parse(z).is_none() {
                return Err(ServiceError::field(
                    "zona_integritas",
                    format!("`{z}` is not a status; expected none, wbk or wbbm"),
                ));
            }
        }
        let problems = unit_components(unit, req).problems("");
        if let Some(d) = problems.into_iter().find(|d| d.path != ".unit") {
            return Err(ServiceError::field(d.path.trim_start_matches('.'), d.message));
        }
        let before = self.components(&p.id, unit).await?;
        let mut w = self.state.db().write().await?;
        let mut turn = audit::reserve(&mut w.tx).await?;
        self.refuse_when_decreed(&p.id).await?;
        let count = |n: Option<u32>| n.map(i64::from);
        sqlx::query(
            "INSERT INTO award_components (id, unit_id, period_id, zona_integritas, ombudsman_findings, ombudsman_unresolved, \
             elapor_complaints, elapor_unresolved, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(random_hex(16))
        .bind(unit)
        .bind(&p.id)
        .bind(&req.zona_integritas)
        .bind(count(req.ombudsman_findings))
        .bind(count(req.ombudsman_unresolved))
        .bind(count(req.elapor_complaints))
        .bind(count(req.elapor_unresolved))
        .bind(&self.actor.username)
        .bind(now())
        .execute(&mut *w.tx)
        .await?;
        turn.record(
            &mut w.tx,
            Event::by(
                self.actor,
                "record-award-components",
                object(&p.id, unit),
                Some(serde_json::to_string(&before.recorded).map_err(|e| ServiceError::internal(&e))?),
                Some(serde_json::to_string(req).map_err(|e| ServiceError::internal(&e))?),
            ),
        )
        .await?;
        w.commit().await?;
        self.components(&p.id, unit).await
    }
}
