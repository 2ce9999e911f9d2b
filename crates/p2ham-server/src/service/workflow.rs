//! The workflow's transitions: the self-assessment, the submission, the
//! return, the verification, the evaluation and the award, each checked for
//! the acting user and by [`Status::allows`], recorded with the audit log.

use p2ham_io::model::{Code, Diagnostic, Stage};
use p2ham_io::scoring::ComparisonReport;
use p2ham_io::{document::LoadedAssessment, Source};
use sqlx::Row;

use super::rows::{document_body, object, parsed, read_case, source_bytes, CaseRow};
use super::{check_window, require, Action, Cases, ErrorCode, ServiceError, ServiceResult};
use crate::audit::{self, Event};
use crate::proto::{
    CaseStatus, DocumentAccepted, EvaluateRequest, PeriodInfo, ReturnRequest, StageParam, UnitInfo,
};
use crate::types::{now, plain_text, random_hex, Status};

async fn write_case(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    unit: &str,
    period: &str,
    existed: bool,
    c: &CaseRow,
) -> ServiceResult<()> {
    let sql = if existed {
        "UPDATE cases SET status = $3, self_sha256 = $4, verification_sha256 = $5, round = $6, updated_at = $7 \
         WHERE unit_id = $1 AND period_id = $2"
    } else {
        "INSERT INTO cases (unit_id, period_id, status, self_sha256, verification_sha256, round, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)"
    };
    sqlx::query(sql)
        .bind(unit)
        .bind(period)
        .bind(c.status.as_str())
        .bind(&c.self_sha256)
        .bind(&c.verification_sha256)
        .bind(c.round)
        .bind(now())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Refuse a document not for this unit, period, instrument and stage.
fn check_fits(
    doc: &LoadedAssessment,
    unit: &UnitInfo,
    period: &PeriodInfo,
    stage: Stage,
) -> ServiceResult<()> {
    let a = &doc.assessment;
    let mut problems: Vec<Diagnostic> = Vec::new();
    let mut mismatch = |path: &str, expected: &str, found: &str| {
        problems.push(Diagnostic::new(
            Code::WrongCase,
            path,
            format!("expected `{expected}` (the URL's), found `{found}`"),
        ));
    };
    if a.unit.id != unit.id {
        mismatch("unit.id", &unit.id, &a.unit.id);
    }
    if a.unit.kind != unit.kind {
        mismatch("unit.kind", &unit.kind, &a.unit.kind);
    }
    if a.period != period.id {
        mismatch("period", &period.id, &a.period);
    }
    if a.instrument.id != period.instrument.id {
        mismatch("instrument.id", &period.instrument.id, &a.instrument.id);
    }
    if a.instrument.version != period.instrument.version {
        mismatch(
            "instrument.version",
            &period.instrument.version,
            &a.instrument.version,
        );
    }
    let (want, other) = match stage {
        Stage::SelfAssessment => ("self", "verification"),
        Stage::Verification => ("verification", "self"),
    };
    if a.stage != stage {
        mismatch("stage", want, other);
    }
    if !problems.is_empty() {
        return Err(ServiceError {
            code: ErrorCode::InvalidDocument,
            message: format!(
                "{}: the document is not for this unit, period, instrument or stage",
                doc.file
            ),
            diagnostics: problems,
        });
    }
    let hidden = hidden_text(a);
    if hidden.is_empty() {
        Ok(())
    } else {
        Err(ServiceError {
            code: ErrorCode::InvalidDocument,
            message: format!(
                "{}: {} text field(s) hold invisible or control characters",
                doc.file,
                hidden.len()
            ),
            diagnostics: hidden,
        })
    }
}

/// Every text of a document people read (names, notes, justifications,
/// captions, evidence paths) that holds a character no one types.
fn hidden_text(a: &p2ham_io::model::Assessment) -> Vec<Diagnostic> {
    let mut fields: Vec<(String, Option<String>, &str, bool)> =
        vec![("unit.name".into(), None, a.unit.name.as_str(), false)];
    if let Some(office) = &a.unit.office {
        fields.push(("unit.office".into(), None, office, false));
    }
    for (i, p) in a.assessors.iter().enumerate() {
        fields.push((format!("assessors[{i}].name"), None, &p.name, false));
        fields.push((format!("assessors[{i}].role"), None, &p.role, false));
    }
    for (i, answer) in a.answers.iter().enumerate() {
        let ind = Some(answer.indicator.clone());
        if let Some(n) = &answer.note {
            fields.push((format!("answers[{i}].note"), ind.clone(), n, true));
        }
        if let Some(n) = &answer.not_applicable {
            fields.push((format!("answers[{i}].not_applicable"), ind.clone(), n, true));
        }
        for (j, e) in answer.evidence.iter().enumerate() {
            fields.push((
                format!("answers[{i}].evidence[{j}].path"),
                ind.clone(),
                &e.path,
                false,
            ));
            if let Some(c) = &e.caption {
                fields.push((
                    format!("answers[{i}].evidence[{j}].caption"),
                    ind.clone(),
                    c,
                    true,
                ));
            }
        }
    }
    fields
        .into_iter()
        .filter_map(|(path, indicator, text, multiline)| {
            let c = crate::types::hidden_character(text, multiline)?;
            Some(
                Diagnostic::new(
                    Code::Invalid,
                    path,
                    format!("holds the invisible or control character U+{:04X}", u32::from(c)),
                )
                .with_indicator(indicator),
            )
        })
        .collect()
}

/// A step of a case, ready to be stored: its audit action, the row before
/// (when the case existed) and after, and what the audit log records as the
/// state after (the row's state unless given).
struct Step<'s> {
    action: &'s str,
    before: Option<&'s CaseRow>,
    after: &'s CaseRow,
    recorded: Option<String>,
}

async fn insert_document(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    (unit, period): (&str, &str),
    stage: StageParam,
    doc: &LoadedAssessment,
    body: String,
    by: &str,
) -> ServiceResult<()> {
    sqlx::query("INSERT INTO documents (id, unit_id, period_id, stage, sha256, body, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(random_hex(16))
        .bind(unit)
        .bind(period)
        .bind(stage.as_str())
        .bind(&doc.sha256)
        .bind(body)
        .bind(by)
        .bind(now())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The bytes of a document as text (documents are stored as text).
fn utf8(bytes: Vec<u8>) -> ServiceResult<String> {
    String::from_utf8(bytes).map_err(|_| ServiceError::new(ErrorCode::Invalid, "the document is not UTF-8"))
}

impl Cases<'_> {
    /// Store a case's new row and record the step in the audit log, in the
    /// transaction `w` (its audit turn reserved), then commit.
    async fn store_step(
        &self,
        mut w: crate::db::WriteTx,
        mut turn: audit::Turn,
        (unit, period): (&str, &str),
        step: Step<'_>,
    ) -> ServiceResult<()> {
        write_case(&mut w.tx, unit, period, step.before.is_some(), step.after).await?;
        let recorded = step.recorded.unwrap_or_else(|| step.after.state_json());
        turn.record(
            &mut w.tx,
            Event::by(
                self.actor,
                step.action,
                object(period, unit),
                step.before.map(CaseRow::state_json),
                Some(recorded),
            ),
        )
        .await?;
        w.commit().await?;
        self.state.metrics().transition(step.action);
        Ok(())
    }

    /// Upload the unit's self-assessment (operator): read once, checked to be
    /// this case's, validated and scored once by the library, stored with its
    /// SHA-256; earlier versions are kept. Allowed in `draft` and `returned`,
    /// inside the self-assessment window.
    pub async fn put_self_assessment(
        &self,
        period: &str,
        unit: &str,
        document: Source<'_>,
    ) -> ServiceResult<DocumentAccepted> {
        self.put_self_assessment_over(period, unit, document, None).await
    }

    /// [`Cases::put_self_assessment`], stored only while the current
    /// self-assessment is still `based_on` (its SHA-256) when one is given:
    /// a change built from the stored draft (a file attached to an answer)
    /// never overwrites a save that came in between; `upload-conflict` then.
    pub(crate) async fn put_self_assessment_over(
        &self,
        period: &str,
        unit: &str,
        document: Source<'_>,
        based_on: Option<&str>,
    ) -> ServiceResult<DocumentAccepted> {
        require(self.actor, &[Action::EditSelfAssessment.role()])?;
        let (period, unit) = self.scope(period, unit).await?;
        let (name, bytes) = source_bytes(document, self.state.settings().max_document_bytes)?;
        let doc = p2ham_io::document::read_assessment(Source::bytes(name, &bytes))
            .map_err(|e| ServiceError::invalid_document(&e))?;
        check_fits(&doc, &unit, &period, Stage::SelfAssessment)?;
        let instrument = self.state.instrument(&period.instrument.sha256).await?;
        let score = p2ham_io::document::score_loaded(&doc, &instrument)
            .map_err(|e| ServiceError::invalid_document(&e))?;
        check_window(
            period.self_opens.as_ref(),
            period.self_closes.as_ref(),
            "self-assessment",
        )?;
        let body = utf8(bytes)?;
        let mut w = self.state.db().write().await?;
        let turn = audit::reserve(&mut w.tx).await?;
        let existing = read_case(&mut *w.tx, &unit.id, &period.id).await?;
        let before = existing.clone().unwrap_or_else(CaseRow::fresh);
        if !before.status.allows(Action::EditSelfAssessment) {
            return Err(ServiceError::transition(
                Action::EditSelfAssessment,
                before.status,
            ));
        }
        if let Some(base) = based_on {
            if before.self_sha256.as_deref() != Some(base) {
                return Err(ServiceError::new(
                    ErrorCode::UploadConflict,
                    "the self-assessment changed while a file was being attached to it",
                ));
            }
        }
        let mut after = before.clone();
        after.self_sha256 = Some(doc.sha256.clone());
        insert_document(
            &mut w.tx,
            (&unit.id, &period.id),
            StageParam::SelfAssessment,
            &doc,
            body,
            &self.actor.username,
        )
        .await?;
        let step = Step {
            action: "put-self-assessment",
            before: existing.as_ref(),
            after: &after,
            recorded: None,
        };
        self.store_step(w, turn, (&unit.id, &period.id), step).await?;
        Ok(DocumentAccepted {
            sha256: doc.sha256,
            status: after.status,
            total: score.total.map(|t| t.to_string()),
            eligible: score.award.eligible,
        })
    }

    /// Take one evidence file off one answer of the current self-assessment
    /// (operator): the document is stored again without it; the earlier
    /// version and the file stay on record.
    pub async fn detach_evidence(
        &self,
        period: &str,
        unit: &str,
        indicator: &str,
        sha256: &str,
    ) -> ServiceResult<DocumentAccepted> {
        require(self.actor, &[Action::EditSelfAssessment.role()])?;
        let (_, body) = self.document(period, unit, StageParam::SelfAssessment).await?;
        let mut doc = parsed(StageParam::SelfAssessment, body.as_bytes())?.assessment;
        let answer = doc
            .answers
            .iter_mut()
            .find(|a| a.indicator == indicator)
            .filter(|a| a.evidence.iter().any(|e| e.sha256.as_deref() == Some(sha256)))
            .ok_or_else(|| ServiceError::not_found("that evidence is not attached to this answer"))?;
        answer.evidence.retain(|e| e.sha256.as_deref() != Some(sha256));
        let bytes = serde_json::to_vec_pretty(&doc).map_err(|e| ServiceError::internal(&e))?;
        self.put_self_assessment(period, unit, Source::bytes("self-assessment", bytes))
            .await
    }

    /// Submit the self-assessment for verification (operator), inside the
    /// self-assessment window. Every evidence file the document names with a
    /// digest must have been uploaded.
    pub async fn submit(&self, period: &str, unit: &str) -> ServiceResult<CaseStatus> {
        require(self.actor, &[Action::Submit.role()])?;
        let (period, unit) = self.scope(period, unit).await?;
        check_window(
            period.self_opens.as_ref(),
            period.self_closes.as_ref(),
            "self-assessment",
        )?;
        let mut w = self.state.db().write().await?;
        let turn = audit::reserve(&mut w.tx).await?;
        let existing = read_case(&mut *w.tx, &unit.id, &period.id).await?;
        let before = existing.clone().unwrap_or_else(CaseRow::fresh);
        if !before.status.allows(Action::Submit) {
            return Err(ServiceError::transition(Action::Submit, before.status));
        }
        super::declaration::require_declaration(&mut w.tx, &unit.id, &period.id).await?;
        let Some(self_sha) = before.self_sha256.clone() else {
            return Err(ServiceError::new(
                ErrorCode::NoSelfAssessment,
                "upload the self-assessment before submitting",
            ));
        };
        // Every evidence file the document names must be in the store for this unit.
        let body: String = sqlx::query("SELECT body FROM documents WHERE unit_id = $1 AND period_id = $2 AND stage = 'self' AND sha256 = $3 LIMIT 1")
            .bind(&unit.id)
            .bind(&period.id)
            .bind(&self_sha)
            .fetch_one(&mut *w.tx)
            .await?
            .try_get("body")?;
        let doc = parsed(StageParam::SelfAssessment, body.as_bytes())?;
        let uploaded: Vec<String> =
            sqlx::query("SELECT sha256 FROM evidence WHERE unit_id = $1 AND period_id = $2")
                .bind(&unit.id)
                .bind(&period.id)
                .fetch_all(&mut *w.tx)
                .await?
                .iter()
                .map(|r| r.try_get("sha256"))
                .collect::<Result<_, _>>()?;
        let mut missing = Vec::new();
        for (i, answer) in doc.assessment.answers.iter().enumerate() {
            for (j, e) in answer.evidence.iter().enumerate() {
                if let Some(sha) = &e.sha256 {
                    if !uploaded.iter().any(|u| u == sha) {
                        missing.push(
                            Diagnostic::new(
                                Code::EvidenceNotUploaded,
                                format!("answers[{i}].evidence[{j}]"),
                                format!("`{}` (sha256 {sha}) has not been uploaded", e.path),
                            )
                            .with_indicator(Some(answer.indicator.clone()).filter(|id| !id.is_empty())),
                        );
                    }
                }
            }
        }
        if !missing.is_empty() {
            return Err(ServiceError {
                code: ErrorCode::EvidenceNotUploaded,
                message: format!(
                    "{} evidence file(s) named by the self-assessment are not uploaded",
                    missing.len()
                ),
                diagnostics: missing,
            });
        }
        let mut after = before.clone();
        after.status = Status::Submitted;
        let step = Step {
            action: "submit",
            before: Some(&before),
            after: &after,
            recorded: None,
        };
        self.store_step(w, turn, (&unit.id, &period.id), step).await?;
        Ok(CaseStatus { status: after.status })
    }

    /// Send the submitted self-assessment back to the operator with comments
    /// (verifier of the unit's Kanwil), inside the verification window.
    pub async fn return_case(
        &self,
        period: &str,
        unit: &str,
        req: &ReturnRequest,
    ) -> ServiceResult<CaseStatus> {
        require(self.actor, &[Action::Return.role()])?;
        let (period, unit) = self.scope(period, unit).await?;
        if req.comments.is_empty() {
            return Err(ServiceError::new(
                ErrorCode::Invalid,
                "comments: say what to change (at least one comment)",
            ));
        }
        let instrument = self.state.instrument(&period.instrument.sha256).await?;
        for (i, c) in req.comments.iter().enumerate() {
            if c.comment.trim().is_empty() {
                return Err(ServiceError::new(
                    ErrorCode::Invalid,
                    format!("comments[{i}].comment: must not be empty"),
                ));
            }
            plain_text(&format!("comments[{i}].comment"), &c.comment, true)
                .map_err(|m| ServiceError::new(ErrorCode::Invalid, m))?;
            if let Some(ind) = &c.indicator {
                let known = instrument
                    .checked
                    .instrument()
                    .criteria
                    .iter()
                    .flat_map(|c| &c.indicators)
                    .any(|x| &x.id == ind);
                if !known {
                    return Err(ServiceError::new(
                        ErrorCode::Invalid,
                        format!(
                            "comments[{i}].indicator: `{ind}` is not an indicator of {}",
                            period.instrument.id
                        ),
                    ));
                }
            }
        }
        check_window(
            period.verification_opens.as_ref(),
            period.verification_closes.as_ref(),
            "verification",
        )?;
        let mut w = self.state.db().write().await?;
        let turn = audit::reserve(&mut w.tx).await?;
        let existing = read_case(&mut *w.tx, &unit.id, &period.id).await?;
        let before = existing.clone().unwrap_or_else(CaseRow::fresh);
        if !before.status.allows(Action::Return) {
            return Err(ServiceError::transition(Action::Return, before.status));
        }
        for c in &req.comments {
            sqlx::query("INSERT INTO comments (id, unit_id, period_id, round, indicator, body, author, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(random_hex(16))
                .bind(&unit.id)
                .bind(&period.id)
                .bind(before.round)
                .bind(&c.indicator)
                .bind(&c.comment)
                .bind(&self.actor.username)
                .bind(now())
                .execute(&mut *w.tx)
                .await?;
        }
        let mut after = before.clone();
        after.status = Status::Returned;
        after.round += 1;
        let step = Step {
            action: "return",
            before: Some(&before),
            after: &after,
            recorded: None,
        };
        self.store_step(w, turn, (&unit.id, &period.id), step).await?;
        Ok(CaseStatus { status: after.status })
    }

    /// Record the verification (verifier of the unit's Kanwil): the verifier's
    /// own assessment, whose `verifies` must be the submitted self-assessment's
    /// digest; read once, checked and compared once by the library.
    pub async fn put_verification(
        &self,
        period: &str,
        unit: &str,
        document: Source<'_>,
    ) -> ServiceResult<DocumentAccepted> {
        require(self.actor, &[Action::Verify.role()])?;
        let (period, unit) = self.scope(period, unit).await?;
        let (name, bytes) = source_bytes(document, self.state.settings().max_document_bytes)?;
        let doc = p2ham_io::document::read_assessment(Source::bytes(name, &bytes))
            .map_err(|e| ServiceError::invalid_document(&e))?;
        check_fits(&doc, &unit, &period, Stage::Verification)?;
        check_window(
            period.verification_opens.as_ref(),
            period.verification_closes.as_ref(),
            "verification",
        )?;
        let case = self.row(&unit, &period).await?;
        if !case.status.allows(Action::Verify) {
            return Err(ServiceError::transition(Action::Verify, case.status));
        }
        let self_sha = case
            .self_sha256
            .clone()
            .ok_or_else(|| ServiceError::internal(&"submitted without a document"))?;
        if doc.assessment.verifies.is_none() {
            return Err(ServiceError {
                code: ErrorCode::InvalidDocument,
                message: "verification: `verifies` must name the submitted self-assessment".into(),
                diagnostics: vec![Diagnostic::new(
                    Code::VerifiesMissing,
                    "verifies",
                    format!("expected \"sha256:{self_sha}\""),
                )],
            });
        }
        let self_body = document_body(
            self.state,
            &unit.id,
            &period.id,
            StageParam::SelfAssessment,
            &self_sha,
        )
        .await?;
        let own = parsed(StageParam::SelfAssessment, self_body.as_bytes())?;
        let instrument = self.state.instrument(&period.instrument.sha256).await?;
        let report = p2ham_io::document::compare_loaded(&own, &doc, &instrument)
            .map_err(|e| ServiceError::invalid_document(&e))?;
        let body = utf8(bytes)?;
        let mut w = self.state.db().write().await?;
        let turn = audit::reserve(&mut w.tx).await?;
        let before = read_case(&mut *w.tx, &unit.id, &period.id)
            .await?
            .unwrap_or_else(CaseRow::fresh);
        if !before.status.allows(Action::Verify) || before.self_sha256.as_deref() != Some(self_sha.as_str()) {
            return Err(ServiceError::transition(Action::Verify, before.status));
        }
        let mut after = before.clone();
        after.status = Status::Verified;
        after.verification_sha256 = Some(doc.sha256.clone());
        insert_document(
            &mut w.tx,
            (&unit.id, &period.id),
            StageParam::Verification,
            &doc,
            body,
            &self.actor.username,
        )
        .await?;
        let step = Step {
            action: "put-verification",
            before: Some(&before),
            after: &after,
            recorded: None,
        };
        self.store_step(w, turn, (&unit.id, &period.id), step).await?;
        Ok(DocumentAccepted {
            sha256: doc.sha256,
            status: after.status,
            total: report.verified_total.map(|t| t.to_string()),
            eligible: report.verified_award.eligible,
        })
    }

    /// The comparison of the current pair, computed by the library, with the case's row.
    pub(super) async fn compared(
        &self,
        unit: &UnitInfo,
        period: &PeriodInfo,
    ) -> ServiceResult<(CaseRow, ComparisonReport)> {
        let case = self.row(unit, period).await?;
        let (Some(self_sha), Some(ver_sha)) = (&case.self_sha256, &case.verification_sha256) else {
            return Err(ServiceError::new(
                ErrorCode::NotVerified,
                "there is no verification yet",
            ));
        };
        let own = document_body(
            self.state,
            &unit.id,
            &period.id,
            StageParam::SelfAssessment,
            self_sha,
        )
        .await?;
        let ver = document_body(
            self.state,
            &unit.id,
            &period.id,
            StageParam::Verification,
            ver_sha,
        )
        .await?;
        let instrument = self.state.instrument(&period.instrument.sha256).await?;
        let own = parsed(StageParam::SelfAssessment, own.as_bytes())?;
        let ver = parsed(StageParam::Verification, ver.as_bytes())?;
        let report = p2ham_io::document::compare_loaded(&own, &ver, &instrument)
            .map_err(|e| ServiceError::invalid_document(&e))?;
        Ok((case, report))
    }

    /// Evaluate the verified result (evaluator): the library's comparison gives
    /// the verified total and the award decision, recorded as the outcome.
    pub async fn evaluate(
        &self,
        period: &str,
        unit: &str,
        req: &EvaluateRequest,
    ) -> ServiceResult<CaseStatus> {
        require(self.actor, &[Action::Evaluate.role()])?;
        let (period, unit) = self.scope(period, unit).await?;
        if let Some(note) = &req.note {
            plain_text("note", note, true).map_err(|m| ServiceError::new(ErrorCode::Invalid, m))?;
        }
        let (case, report) = self.compared(&unit, &period).await?;
        if !case.status.allows(Action::Evaluate) {
            return Err(ServiceError::transition(Action::Evaluate, case.status));
        }
        let mut w = self.state.db().write().await?;
        let turn = audit::reserve(&mut w.tx).await?;
        let before = read_case(&mut *w.tx, &unit.id, &period.id)
            .await?
            .unwrap_or_else(CaseRow::fresh);
        if !before.status.allows(Action::Evaluate) || before.verification_sha256 != case.verification_sha256 {
            return Err(ServiceError::transition(Action::Evaluate, before.status));
        }
        let reasons =
            serde_json::to_string(&report.verified_award.reasons).map_err(|e| ServiceError::internal(&e))?;
        sqlx::query("INSERT INTO outcomes (unit_id, period_id, verification_sha256, verified_total, eligible, reasons, evaluated_by, evaluated_at, award_note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
            .bind(&unit.id)
            .bind(&period.id)
            .bind(&before.verification_sha256)
            .bind(report.verified_total.map(|t| t.to_string()))
            .bind(i64::from(report.verified_award.eligible))
            .bind(&reasons)
            .bind(&self.actor.username)
            .bind(now())
            .bind(&req.note)
            .execute(&mut *w.tx)
            .await?;
        let mut after = before.clone();
        after.status = Status::Evaluated;
        let recorded = serde_json::json!({
                "status": after.status.as_str(),
                "verification_sha256": after.verification_sha256,
                "verified_total": report.verified_total.map(|t| t.to_string()),
                "eligible": report.verified_award.eligible,
        });
        let step = Step {
            action: "evaluate",
            before: Some(&before),
            after: &after,
            recorded: Some(recorded.to_string()),
        };
        self.store_step(w, turn, (&unit.id, &period.id), step).await?;
        Ok(CaseStatus { status: after.status })
    }
}
