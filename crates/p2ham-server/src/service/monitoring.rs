//! Monitoring: the metrics document, for an administrator's or a metrics
//! account's API token.

use sqlx::Row;

use super::{require, ErrorCode, ServiceError, ServiceResult};
use crate::auth::{Actor, Credential};
use crate::metrics::Metrics;
use crate::types::Role;
use crate::AppState;

impl AppState {
    /// This process's metrics (requests, uploads, transitions), to count into.
    pub fn metrics(&self) -> &Metrics {
        &self.0.metrics
    }

    /// The metrics document (Prometheus/OpenMetrics text) for `actor`: only
    /// with an API token (a scraper's credential), of an administrator or a
    /// metrics account.
    pub async fn scrape_metrics(&self, actor: &Actor) -> ServiceResult<String> {
        if !matches!(actor.credential, Credential::Token { .. }) {
            return Err(ServiceError::new(
                ErrorCode::Unauthenticated,
                "metrics are read with `Authorization: Bearer TOKEN` (an administrator's or a metrics account's API token)",
            ));
        }
        require(actor, &[Role::Admin, Role::Metrics])?;
        let pool = self.db().pool();
        let audit: i64 = sqlx::query("SELECT seq FROM audit_head WHERE id = 1")
            .fetch_optional(pool)
            .await?
            .map(|r| r.try_get("seq"))
            .transpose()?
            .unwrap_or(0);
        Ok(self
            .metrics()
            .render(pool.size(), pool.num_idle(), u64::try_from(audit).unwrap_or(0)))
    }
}
