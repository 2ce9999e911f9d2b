//! A unit across the periods: `p2ham history` over what the application
//! keeps — the award lists the decrees fixed, the imported previous lists,
//! and, for a period without a decree yet, the unit's current verification.

use p2ham_io::model::AwardList;
use p2ham_io::scoring::skm::Mutu;
use p2ham_io::scoring::{history, HistoryReport, PeriodSkm, VerifiedResult};
use p2ham_io::Source;
use sqlx::Row;

use super::awards::{stored_list, Awards};
use super::rows::{period_info, unit_info, PERIOD_SELECT};
use super::{Report, ServiceError, ServiceResult};

/// A stored survey's figures as the history reports them.
fn period_skm(s: &crate::proto::SkmInfo) -> ServiceResult<PeriodSkm> {
    let bad = |what: &str| ServiceError::internal(&format!("stored survey {}: {what}", s.sha256));
    let mutu = match s.mutu.as_str() {
        "A" => Mutu::A,
        "B" => Mutu::B,
        "C" => Mutu::C,
        "D" => Mutu::D,
        _ => return Err(bad("mutu")),
    };
    Ok(PeriodSkm {
        respondents: u64::try_from(s.respondents).map_err(|_| bad("respondents"))?,
        ikm: s.ikm.parse().map_err(|_| bad("ikm"))?,
        mutu,
        kinerja: mutu.kinerja(),
    })
}

impl Awards<'_> {
    /// A unit's history (whoever may see the unit): per period its total,
    /// instrument, predikat and decision, the change where the instrument
    /// stayed the same ("not comparable" where it changed), and its current
    /// and longest streak — the `p2ham history` computation. A decreed list
    /// wins over an imported one of the same period; a verification fills a
    /// period without a decree.
    pub async fn history(&self, unit: &str) -> ServiceResult<HistoryReport> {
        let pool = self.state.db().pool();
        let found = sqlx::query("SELECT id, name, kind, office FROM units WHERE id = $1")
            .bind(unit)
            .fetch_optional(pool)
            .await?
            .map(|r| unit_info(&r))
            .transpose()?
            .filter(|u| self.actor.sees_unit(&u.id, &u.office))
            .ok_or_else(|| ServiceError::not_found(format!("unit `{unit}` not found")))?;
        let mut lists: Vec<AwardList> = Vec::new();
        let decreed = sqlx::query("SELECT period_id, awards FROM decrees ORDER BY period_id")
            .fetch_all(pool)
            .await?;
        for r in decreed {
            let (period, body): (String, String) = (r.try_get("period_id")?, r.try_get("awards")?);
            lists.push(stored_list(&format!("awards of period {period}"), &body)?);
        }
        // Imported lists, the latest of each period, where no decree covers the period.
        let imported =
            sqlx::query("SELECT list_period, body FROM previous_awards ORDER BY imported_at DESC, id DESC")
                .fetch_all(pool)
                .await?;
        for r in imported {
            let (period, body): (String, String) = (r.try_get("list_period")?, r.try_get("body")?);
            if lists.iter().all(|l| l.period != period) {
                lists.push(stored_list(&format!("previous awards of {period}"), &body)?);
            }
        }
        // Periods without a list: the unit's current verification, scored against its period's instrument.
        let periods = sqlx::query(&format!("{PERIOD_SELECT} ORDER BY p.id"))
            .fetch_all(pool)
            .await?;
        let mut results: Vec<VerifiedResult> = Vec::new();
        for r in &periods {
            let period = period_info(r)?;
            if lists.iter().any(|l| l.period == period.id) {
                continue;
            }
            let row = sqlx::query(
                "SELECT d.body FROM cases c JOIN documents d ON d.unit_id = c.unit_id AND d.period_id = c.period_id \
                 AND d.stage = 'verification' AND d.sha256 = c.verification_sha256 \
                 WHERE c.unit_id = $1 AND c.period_id = $2 LIMIT 1",
            )
            .bind(&found.id)
            .bind(&period.id)
            .fetch_optional(pool)
            .await?;
            let Some(row) = row else { continue };
            let body: String = row.try_get("body")?;
            let instrument = self.state.instrument(&period.instrument.sha256).await?;
            let name = format!("{}.verification.json", found.id);
            let read = tokio::task::spawn_blocking(move || {
                p2ham_io::award::read_verified_sources(
                    vec![Source::bytes(name, body.into_bytes())],
                    Some(&instrument),
                )
            })
            .await?
            .map_err(|e| ServiceError::invalid_document(&e))?;
            results.extend(read.results.into_iter().map(|v| v.result));
        }
        let mut report = history(&lists, &results, Some(&found.id));
        // The unit's satisfaction survey of each period, where one is kept.
        for u in &mut report.units {
            for p in &mut u.periods {
                p.skm = match super::skm::current(pool, &u.unit, &p.period).await? {
                    Some(s) => Some(period_skm(&s)?),
                    None => None,
                };
            }
        }
        Ok(report)
    }

    /// The history as a report in any format of the report layer.
    pub async fn history_report(&self, unit: &str) -> ServiceResult<Report> {
        Ok(Report::History(Box::new(self.history(unit).await?)))
    }
}
