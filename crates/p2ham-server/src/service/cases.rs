//! A unit's evaluation for a period: reading the case, the documents and the
//! workflow's transitions, each checked for the acting user.

use std::sync::Arc;

use p2ham_io::scoring::{ComparisonReport, ScoreReport};
use p2ham_io::{document::LoadedAssessment, document::LoadedInstrument, Source};
use sqlx::Row;

use super::rows::{
    document_body, evidence_of, find_period, parsed, read_case, source_bytes, unit_info, CaseRow,
};
use super::{require, ErrorCode, ServiceError, ServiceResult};
use crate::auth::Actor;
use crate::proto::{
    CaseSummary, CaseView, CommentInfo, DocumentInfo, OutcomeInfo, PeriodInfo, PublicPhotoInfo, StageParam,
    UnitInfo,
};
use crate::types::{Role, Status};
use crate::AppState;

/// The cases of the units the acting user may see, and every step of their
/// workflow (from [`AppState::cases`]).
#[derive(Debug, Clone, Copy)]
pub struct Cases<'a> {
    pub(super) state: &'a AppState,
    pub(super) actor: &'a Actor,
}

impl AppState {
    /// The cases, as `actor` may see and change them.
    pub fn cases<'a>(&'a self, actor: &'a Actor) -> Cases<'a> {
        Cases { state: self, actor }
    }
}

/// Everything one unit's page needs about its case: the case, its period and
/// instrument, and the current documents as the library read and scored them
/// (each parsed once).
#[derive(Debug, Clone)]
pub struct CaseFile {
    /// The case as the API shows it.
    pub view: CaseView,
    /// Its period.
    pub period: PeriodInfo,
    /// The period's instrument.
    pub instrument: Arc<LoadedInstrument>,
    /// The current self-assessment.
    pub self_assessment: Option<LoadedAssessment>,
    /// Its score, when it scores (a stored draft always does).
    pub self_score: Option<ScoreReport>,
    /// The current verification.
    pub verification: Option<LoadedAssessment>,
    /// The comparison of the two, once verified.
    pub comparison: Option<ComparisonReport>,
    /// Its evidence photos marked public now.
    pub public_photos: Vec<PublicPhotoInfo>,
}

impl<'a> Cases<'a> {
    /// The acting user.
    pub fn actor(&self) -> &'a Actor {
        self.actor
    }

    /// The period and the unit, when the caller may see the unit (not found
    /// otherwise: a unit outside one's scope is as good as absent).
    pub async fn scope(&self, period: &str, unit: &str) -> ServiceResult<(PeriodInfo, UnitInfo)> {
        let row = sqlx::query("SELECT id, name, kind, office FROM units WHERE id = $1")
            .bind(unit)
            .fetch_optional(self.state.db().pool())
            .await?;
        let unit_row = match row {
            Some(r) => unit_info(&r)?,
            None => return Err(ServiceError::not_found(format!("unit `{unit}` not found"))),
        };
        if !self.actor.sees_unit(&unit_row.id, &unit_row.office) {
            return Err(ServiceError::not_found(format!("unit `{unit}` not found")));
        }
        Ok((find_period(self.state, period).await?, unit_row))
    }

    pub(super) async fn row(&self, unit: &UnitInfo, period: &PeriodInfo) -> ServiceResult<CaseRow> {
        Ok(read_case(self.state.db().pool(), &unit.id, &period.id)
            .await?
            .unwrap_or_else(CaseRow::fresh))
    }

    /// A unit's evaluation for a period: status, documents, evidence, comments, outcome.
    pub async fn case(&self, period: &str, unit: &str) -> ServiceResult<CaseView> {
        let (period, unit) = self.scope(period, unit).await?;
        self.view(period, unit).await
    }

    async fn view(&self, period: PeriodInfo, unit: UnitInfo) -> ServiceResult<CaseView> {
        let pool = self.state.db().pool();
        let case = self.row(&unit, &period).await?;
        let docs = sqlx::query("SELECT stage, sha256, uploaded_by, uploaded_at FROM documents WHERE unit_id = $1 AND period_id = $2 ORDER BY uploaded_at, id")
            .bind(&unit.id)
            .bind(&period.id)
            .fetch_all(pool)
            .await?;
        let mut documents = Vec::new();
        for r in docs {
            documents.push(DocumentInfo {
                stage: r.try_get("stage")?,
                sha256: r.try_get("sha256")?,
                uploaded_by: r.try_get("uploaded_by")?,
                uploaded_at: r.try_get("uploaded_at")?,
            });
        }
        let current = |stage: &str, sha: &Option<String>| {
            sha.as_ref().and_then(|s| {
                documents
                    .iter()
                    .rev()
                    .find(|d| d.stage == stage && &d.sha256 == s)
                    .cloned()
            })
        };
        let self_assessment = current("self", &case.self_sha256);
        let verification = current("verification", &case.verification_sha256);
        let evidence = evidence_of(self.state, &unit.id, &period.id).await?;
        let rows = sqlx::query("SELECT round, indicator, body, author, created_at FROM comments WHERE unit_id = $1 AND period_id = $2 ORDER BY created_at, id")
            .bind(&unit.id)
            .bind(&period.id)
            .fetch_all(pool)
            .await?;
        let mut comments = Vec::new();
        for r in rows {
            comments.push(CommentInfo {
                round: r.try_get("round")?,
                indicator: r.try_get("indicator")?,
                body: r.try_get("body")?,
                author: r.try_get("author")?,
                created_at: r.try_get("created_at")?,
            });
        }
        let outcome = match sqlx::query("SELECT * FROM outcomes WHERE unit_id = $1 AND period_id = $2")
            .bind(&unit.id)
            .bind(&period.id)
            .fetch_optional(pool)
            .await?
        {
            Some(r) => {
                let reasons: String = r.try_get("reasons")?;
                Some(OutcomeInfo {
                    verification_sha256: r.try_get("verification_sha256")?,
                    verified_total: r.try_get("verified_total")?,
                    eligible: r.try_get::<i64, _>("eligible")? != 0,
                    reasons: serde_json::from_str(&reasons).map_err(|e| ServiceError::internal(&e))?,
                    evaluated_by: r.try_get("evaluated_by")?,
                    evaluated_at: r.try_get("evaluated_at")?,
                    awarded: r.try_get::<Option<i64>, _>("awarded")?.map(|a| a != 0),
                    decree_number: r.try_get("decree_number")?,
                    decree_date: r.try_get("decree_date")?,
                    note: r.try_get("award_note")?,
                    awarded_by: r.try_get("awarded_by")?,
                    awarded_at: r.try_get("awarded_at")?,
                })
            }
            None => None,
        };
        let declaration = super::declaration::current(pool, &unit.id, &period.id).await?;
        let skm = super::skm::current(pool, &unit.id, &period.id).await?;
        Ok(CaseView {
            status: case.status,
            round: case.round,
            unit,
            period: period.id,
            self_assessment,
            verification,
            documents,
            evidence,
            comments,
            outcome,
            declaration,
            skm,
        })
    }

    /// The case with its period, instrument and current documents read and
    /// scored once: what a unit's page shows.
    pub async fn file(&self, period: &str, unit: &str) -> ServiceResult<CaseFile> {
        let (period, unit) = self.scope(period, unit).await?;
        let view = self.view(period.clone(), unit).await?;
        let instrument = self.state.instrument(&period.instrument.sha256).await?;
        let mut bodies = Vec::with_capacity(2);
        for (stage, current) in [
            (StageParam::SelfAssessment, &view.self_assessment),
            (StageParam::Verification, &view.verification),
        ] {
            bodies.push(match current {
                Some(d) => {
                    Some(document_body(self.state, &view.unit.id, &period.id, stage, &d.sha256).await?)
                }
                None => None,
            });
        }
        let verified = bodies.pop().flatten();
        let own = bodies.pop().flatten();
        let scoring = Arc::clone(&instrument);
        let (self_assessment, self_score, verification, comparison) =
            tokio::task::spawn_blocking(move || {
                let own = own
                    .map(|b| parsed(StageParam::SelfAssessment, b.as_bytes()))
                    .transpose()?;
                let verified = verified
                    .map(|b| parsed(StageParam::Verification, b.as_bytes()))
                    .transpose()?;
                let score = own
                    .as_ref()
                    .and_then(|d| p2ham_io::document::score_loaded(d, &scoring).ok());
                let comparison = match (&own, &verified) {
                    (Some(o), Some(v)) => p2ham_io::document::compare_loaded(o, v, &scoring).ok(),
                    _ => None,
                };
                ServiceResult::Ok((own, score, verified, comparison))
            })
            .await??;
        let public_photos = super::photos::marked(self.state, &period.id, &view.unit.id).await?;
        Ok(CaseFile {
            view,
            period,
            instrument,
            self_assessment,
            self_score,
            verification,
            comparison,
            public_photos,
        })
    }

    /// Every unit of a period the caller may see, with its status and
    /// verified total: one database query for the whole period, whatever its size.
    pub async fn list(&self, period: &str) -> ServiceResult<Vec<CaseSummary>> {
        let period = find_period(self.state, period).await?;
        // Units, their case (if any) and, once verified, the two current documents.
        let rows = sqlx::query(
            "SELECT u.id, u.name, u.kind, u.office, c.status, c.round, c.self_sha256, c.verification_sha256, \
             s.body AS self_body, v.body AS verification_body FROM units u \
             LEFT JOIN cases c ON c.unit_id = u.id AND c.period_id = $1 \
             LEFT JOIN documents v ON v.unit_id = u.id AND v.period_id = $1 AND v.stage = 'verification' \
                  AND v.sha256 = c.verification_sha256 \
             LEFT JOIN documents s ON s.unit_id = u.id AND s.period_id = $1 AND s.stage = 'self' \
                  AND s.sha256 = c.self_sha256 AND c.verification_sha256 IS NOT NULL \
             ORDER BY u.office, u.name, u.id",
        )
        .bind(&period.id)
        .fetch_all(self.state.db().pool())
        .await?;
        let mut found: Vec<(CaseSummary, Option<(String, String)>)> = Vec::new();
        for r in rows {
            let unit = unit_info(&r)?;
            if !self.actor.sees_unit(&unit.id, &unit.office)
                || found.iter().any(|(c, _)| c.unit.id == unit.id)
            {
                // Outside the caller's scope, or the same document stored twice.
                continue;
            }
            let status: Option<String> = r.try_get("status")?;
            let status = match status {
                Some(s) => {
                    Status::parse(&s).ok_or_else(|| ServiceError::internal(&format!("stored status {s}")))?
                }
                None => Status::Draft,
            };
            let bodies = match (
                r.try_get::<Option<String>, _>("self_body")?,
                r.try_get::<Option<String>, _>("verification_body")?,
            ) {
                (Some(s), Some(v)) => Some((s, v)),
                _ => None,
            };
            found.push((
                CaseSummary {
                    unit,
                    status,
                    round: r.try_get::<Option<i64>, _>("round")?.unwrap_or(1),
                    self_sha256: r.try_get("self_sha256")?,
                    verification_sha256: r.try_get("verification_sha256")?,
                    verified_total: None,
                },
                bodies,
            ));
        }
        let instrument = self.state.instrument(&period.instrument.sha256).await?;
        tokio::task::spawn_blocking(move || -> ServiceResult<Vec<CaseSummary>> {
            let mut out = Vec::with_capacity(found.len());
            for (mut c, bodies) in found {
                if let Some((own, ver)) = bodies {
                    let own = parsed(StageParam::SelfAssessment, own.as_bytes())?;
                    let ver = parsed(StageParam::Verification, ver.as_bytes())?;
                    let report = p2ham_io::document::compare_loaded(&own, &ver, &instrument)
                        .map_err(|e| ServiceError::invalid_document(&e))?;
                    c.verified_total = report.verified_total.map(|t| t.to_string());
                }
                out.push(c);
            }
            Ok(out)
        })
        .await?
    }

    /// The current document of a stage, byte for byte as uploaded, with its digest.
    pub async fn document(
        &self,
        period: &str,
        unit: &str,
        stage: StageParam,
    ) -> ServiceResult<(String, String)> {
        let (period, unit) = self.scope(period, unit).await?;
        let case = self.row(&unit, &period).await?;
        let current = match stage {
            StageParam::SelfAssessment => case.self_sha256,
            StageParam::Verification => case.verification_sha256,
        };
        let Some(sha) = current else {
            return Err(ServiceError::not_found(format!(
                "no {} document uploaded yet",
                stage.as_str()
            )));
        };
        let body = document_body(self.state, &unit.id, &period.id, stage, &sha).await?;
        Ok((sha, body))
    }

    /// Score a self-assessment the operator has not stored (the form's live
    /// preview): checked and scored exactly as a save would be; nothing is stored.
    pub async fn preview_self_assessment(
        &self,
        period: &str,
        unit: &str,
        document: Source<'_>,
    ) -> ServiceResult<ScoreReport> {
        require(self.actor, &[Role::Operator])?;
        let (period, _) = self.scope(period, unit).await?;
        let instrument = self.state.instrument(&period.instrument.sha256).await?;
        let (name, bytes) = source_bytes(document, self.state.settings().max_document_bytes)?;
        let doc = p2ham_io::document::read_assessment(Source::bytes(name, &bytes))
            .map_err(|e| ServiceError::invalid_document(&e))?;
        p2ham_io::document::score_loaded(&doc, &instrument).map_err(|e| ServiceError::invalid_document(&e))
    }

    /// Compare a verification the verifier has not recorded (the review
    /// page's live verified score) with the current self-assessment: checked
    /// and compared exactly as recording it would be; nothing is stored.
    pub async fn preview_verification(
        &self,
        period: &str,
        unit: &str,
        document: Source<'_>,
    ) -> ServiceResult<ComparisonReport> {
        require(self.actor, &[Role::Verifier])?;
        let (period, unit) = self.scope(period, unit).await?;
        let case = self.row(&unit, &period).await?;
        let Some(self_sha) = case.self_sha256 else {
            return Err(ServiceError::new(
                ErrorCode::InvalidTransition,
                "there is no self-assessment to verify yet",
            ));
        };
        let own = document_body(
            self.state,
            &unit.id,
            &period.id,
            StageParam::SelfAssessment,
            &self_sha,
        )
        .await?;
        let own = parsed(StageParam::SelfAssessment, own.as_bytes())?;
        let instrument = self.state.instrument(&period.instrument.sha256).await?;
        let (name, bytes) = source_bytes(document, self.state.settings().max_document_bytes)?;
        let doc = p2ham_io::document::read_assessment(Source::bytes(name, &bytes))
            .map_err(|e| ServiceError::invalid_document(&e))?;
        p2ham_io::document::compare_loaded(&own, &doc, &instrument)
            .map_err(|e| ServiceError::invalid_document(&e))
    }
}
