//! Periods, units, instruments, users and the audit log as the acting user
//! may see them; administrative changes behind the administrator's role.

use sqlx::Row;

use super::rows::{find_period, period_info, unit_info, PERIOD_SELECT};
use super::{require, ServiceError, ServiceResult};
use crate::audit::{self, AuditEntry, AuditVerification};
use crate::auth::Actor;
use crate::proto::{InstrumentInfo, PeriodInfo, UnitInfo, UserInfo};
use crate::types::Role;
use crate::{Admin, AppState};

/// What the acting user may look up (from [`AppState::directory`]).
#[derive(Debug, Clone, Copy)]
pub struct Directory<'a> {
    state: &'a AppState,
    actor: &'a Actor,
}

impl AppState {
    /// Periods, units, instruments, users and the audit log, as `actor` may see them.
    pub fn directory<'a>(&'a self, actor: &'a Actor) -> Directory<'a> {
        Directory { state: self, actor }
    }
}

impl<'a> Directory<'a> {
    /// Administrative changes, recorded as the acting administrator's.
    pub fn admin(&self) -> ServiceResult<Admin<'a>> {
        require(self.actor, &[Role::Admin])?;
        Ok(self.state.admin().as_user(&self.actor.username, self.actor.role))
    }

    /// Every period, by id.
    pub async fn periods(&self) -> ServiceResult<Vec<PeriodInfo>> {
        require(self.actor, super::STAFF)?;
        let rows = sqlx::query(&format!("{PERIOD_SELECT} ORDER BY p.id"))
            .fetch_all(self.state.db().pool())
            .await?;
        Ok(rows.iter().map(period_info).collect::<Result<_, _>>()?)
    }

    /// One period.
    pub async fn period(&self, id: &str) -> ServiceResult<PeriodInfo> {
        require(self.actor, super::STAFF)?;
        find_period(self.state, id).await
    }

    /// The units the caller may see (operators: their own; verifiers: their
    /// Kanwil's; others: all), by Kanwil and id.
    pub async fn units(&self) -> ServiceResult<Vec<UnitInfo>> {
        require(self.actor, super::STAFF)?;
        let rows = sqlx::query("SELECT id, name, kind, office FROM units ORDER BY office, id")
            .fetch_all(self.state.db().pool())
            .await?;
        let mut out = Vec::new();
        for r in &rows {
            let u = unit_info(r)?;
            if self.actor.sees_unit(&u.id, &u.office) {
                out.push(u);
            }
        }
        Ok(out)
    }

    /// The stored instruments.
    pub async fn instruments(&self) -> ServiceResult<Vec<InstrumentInfo>> {
        require(self.actor, super::STAFF)?;
        let rows = sqlx::query("SELECT sha256, id, version FROM instruments ORDER BY id, version")
            .fetch_all(self.state.db().pool())
            .await?;
        let mut out = Vec::new();
        for r in rows {
            out.push(InstrumentInfo {
                sha256: r.try_get("sha256")?,
                id: r.try_get("id")?,
                version: r.try_get("version")?,
            });
        }
        Ok(out)
    }

    /// Every user (administrators).
    pub async fn users(&self) -> ServiceResult<Vec<UserInfo>> {
        require(self.actor, &[Role::Admin])?;
        let rows =
            sqlx::query("SELECT username, name, role, unit_id, office, active FROM users ORDER BY username")
                .fetch_all(self.state.db().pool())
                .await?;
        let mut out = Vec::new();
        for r in rows {
            let role: String = r.try_get("role")?;
            out.push(UserInfo {
                username: r.try_get("username")?,
                name: r.try_get("name")?,
                role: Role::parse(&role).ok_or_else(|| ServiceError::internal(&role))?,
                unit: r.try_get("unit_id")?,
                office: r.try_get("office")?,
                active: r.try_get::<i64, _>("active")? != 0,
            });
        }
        Ok(out)
    }

    /// One user (administrators).
    pub async fn user(&self, username: &str) -> ServiceResult<UserInfo> {
        self.users()
            .await?
            .into_iter()
            .find(|u| u.username == username)
            .ok_or_else(|| ServiceError::not_found(format!("user `{username}` not found")))
    }

    /// The audit log in order (administrators and evaluators): entries after
    /// `after`, at most `limit` (1 to 1000).
    pub async fn audit(&self, after: i64, limit: i64) -> ServiceResult<Vec<AuditEntry>> {
        require(self.actor, &[Role::Admin, Role::Evaluator])?;
        Ok(audit::list(self.state.db().pool(), after, limit.clamp(1, 1000)).await?)
    }

    /// One page of the audit log filtered by unit, actor and action, newest
    /// first (administrators): entries before position `before`, at most
    /// `limit` (1 to 200).
    pub async fn audit_page(
        &self,
        filter: &crate::proto::AuditFilter,
        before: Option<i64>,
        limit: i64,
    ) -> ServiceResult<crate::proto::AuditPage> {
        require(self.actor, &[Role::Admin])?;
        let limit = limit.clamp(1, 200);
        let (entries, matching) = audit::filtered(self.state.db().pool(), filter, before, limit + 1).await?;
        let more = entries.len() > usize::try_from(limit).unwrap_or(usize::MAX);
        let entries: Vec<AuditEntry> = entries
            .into_iter()
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .collect();
        let next_before = if more { entries.last().map(|e| e.seq) } else { None };
        Ok(crate::proto::AuditPage {
            entries,
            matching,
            next_before,
        })
    }

    /// The users and actions the audit log names, for choosing a filter (administrators).
    pub async fn audit_choices(&self) -> ServiceResult<(Vec<String>, Vec<String>)> {
        require(self.actor, &[Role::Admin])?;
        Ok(audit::actors_and_actions(self.state.db().pool()).await?)
    }

    /// Check the audit log's chain and replay it against the tables
    /// (administrators): see [`Admin::verify_audit`].
    pub async fn verify_audit(&self) -> ServiceResult<AuditVerification> {
        require(self.actor, &[Role::Admin])?;
        Ok(audit::verify(self.state.db(), None).await?)
    }
}
