//! The request and response bodies of the API under `/api/v1`, as public
//! types: a Rust client sends and reads these instead of JSON values, and the
//! OpenAPI document is generated from the same types.
//!
//! ```
//! use p2ham_server::proto::{CaseSummary, ReturnRequest, CommentInput};
//!
//! let request = ReturnRequest {
//!     comments: vec![CommentInput { indicator: Some("A.01".into()), comment: "Foto maklumat belum ada.".into() }],
//! };
//! let body = serde_json::to_string(&request).unwrap();
//! assert_eq!(body, r#"{"comments":[{"indicator":"A.01","comment":"Foto maklumat belum ada."}]}"#);
//!
//! let listed: Vec<CaseSummary> = serde_json::from_str(r#"[{"unit": {"id": "bapas-sampit",
//!     "name": "Bapas Kelas II Sampit", "kind": "bapas", "office": "Kanwil Kalimantan Tengah"},
//!     "status": "submitted", "round": 1, "self_sha256": null, "verification_sha256": null,
//!     "verified_total": null}]"#).unwrap();
//! assert_eq!(listed[0].status, p2ham_server::Status::Submitted);
//! ```

use p2ham_io::scoring::Reason;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use crate::admin::{NewPeriod, NewUnit, NewUser, UserProfile};
pub use crate::audit::{AuditEntry, AuditVerification};
pub use crate::auth::Actor;
pub use crate::error::{DiagnosticBody, ErrorBody};
pub use crate::types::{Role, Status};

/// A service unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UnitInfo {
    /// Stable id.
    pub id: String,
    /// Official name.
    pub name: String,
    /// Unit kind.
    pub kind: String,
    /// Kanwil.
    pub office: String,
}

/// A stored instrument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InstrumentInfo {
    /// SHA-256 of the instrument document.
    pub sha256: String,
    /// Instrument id.
    pub id: String,
    /// Version.
    pub version: String,
}

/// An evaluation period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PeriodInfo {
    /// Id, as assessments name it in `period`.
    pub id: String,
    /// Year.
    pub year: i64,
    /// The instrument.
    pub instrument: InstrumentInfo,
    /// Self-assessments accepted from (none: no limit).
    pub self_opens: Option<String>,
    /// Self-assessments accepted until.
    pub self_closes: Option<String>,
    /// Verifications accepted from.
    pub verification_opens: Option<String>,
    /// Verifications accepted until.
    pub verification_closes: Option<String>,
    /// The previous period, whose decreed award list is this period's baseline.
    #[serde(default)]
    pub previous: Option<String>,
}

impl PeriodInfo {
    /// Whether the self-assessment window is open now.
    pub fn accepts_self_assessments(&self) -> bool {
        crate::service::check_window(
            self.self_opens.as_ref(),
            self.self_closes.as_ref(),
            "self-assessment",
        )
        .is_ok()
    }

    /// Whether the verification window is open now.
    pub fn accepts_verifications(&self) -> bool {
        crate::service::check_window(
            self.verification_opens.as_ref(),
            self.verification_closes.as_ref(),
            "verification",
        )
        .is_ok()
    }
}

/// The answer of the health check.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// `ok` when the database answers.
    pub status: String,
    /// `sqlite` or `postgres`.
    pub database: String,
    /// The p2ham version.
    pub version: String,
}

/// Logging in.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Username.
    pub username: String,
    /// Password.
    pub password: String,
}

/// Who is logged in.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SessionInfo {
    /// Who is logged in.
    pub user: Actor,
    /// Send it as `X-CSRF-Token` (or the form field `csrf_token`) with every request that changes something.
    pub csrf_token: Option<String>,
    /// When the session ends.
    pub expires_at: Option<String>,
}

/// A token to make.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// What the token is for, e.g. `sistem-kanwil`.
    pub name: String,
}

/// A token just made.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TokenCreated {
    /// The token's id (to revoke it).
    pub id: String,
    /// The secret: shown once, stored only as its SHA-256. Send as `Authorization: Bearer …`.
    pub token: String,
    /// The role the token acts in (its user's role now).
    pub role: Role,
    /// Its name.
    pub name: String,
}

/// One of the caller's tokens.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TokenInfo {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Created at.
    pub created_at: String,
    /// Revoked at, when revoked.
    pub revoked_at: Option<String>,
}

/// How many units an import created.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Imported {
    /// Units created.
    pub units: usize,
}

/// A user, as administrators see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UserInfo {
    /// Username.
    pub username: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// An operator's unit.
    pub unit: Option<String>,
    /// A verifier's Kanwil.
    pub office: Option<String>,
    /// Whether the account may log in.
    pub active: bool,
}

/// A document stored for a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DocumentInfo {
    /// `self` or `verification`.
    pub stage: String,
    /// SHA-256 of the document's bytes.
    pub sha256: String,
    /// Who uploaded it.
    pub uploaded_by: String,
    /// When.
    pub uploaded_at: String,
}

/// An evidence file stored for a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EvidenceInfo {
    /// The path assessments use for it (e.g. `foto/maklumat.jpg`).
    pub path: String,
    /// SHA-256 of the content.
    pub sha256: String,
    /// Size in bytes.
    pub size: i64,
    /// `image/jpeg`, `image/png` or `application/pdf` (by content).
    pub content_type: String,
    /// Who uploaded it.
    pub uploaded_by: String,
    /// When.
    pub uploaded_at: String,
}

impl EvidenceInfo {
    /// Whether the file is a photo (shown as a picture).
    pub fn is_image(&self) -> bool {
        self.content_type.starts_with("image/")
    }
}

/// A verifier's comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CommentInfo {
    /// The round of verification it belongs to (1 for the first submission).
    pub round: i64,
    /// The indicator, or none for a general remark.
    pub indicator: Option<String>,
    /// The comment.
    pub body: String,
    /// Who wrote it.
    pub author: String,
    /// When.
    pub created_at: String,
}

/// The evaluation and award of a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OutcomeInfo {
    /// The verification evaluated.
    pub verification_sha256: String,
    /// The verified total (2 decimals), as the library computed it.
    pub verified_total: Option<String>,
    /// Whether the verified result is eligible for the award.
    pub eligible: bool,
    /// Why not, when not (the library's reasons).
    #[schema(value_type = Vec<Object>)]
    pub reasons: Vec<Reason>,
    /// Evaluator.
    pub evaluated_by: String,
    /// When.
    pub evaluated_at: String,
    /// The award decision, once recorded.
    pub awarded: Option<bool>,
    /// Decree number.
    pub decree_number: Option<String>,
    /// Decree date.
    pub decree_date: Option<String>,
    /// The evaluator's note.
    pub note: Option<String>,
    /// Who recorded the award decision.
    pub awarded_by: Option<String>,
    /// When.
    pub awarded_at: Option<String>,
}

/// A unit's evaluation for a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CaseView {
    /// The unit.
    pub unit: UnitInfo,
    /// The period id.
    pub period: String,
    /// Where the evaluation stands.
    pub status: Status,
    /// The verification round (1 + times returned).
    pub round: i64,
    /// The current self-assessment.
    pub self_assessment: Option<DocumentInfo>,
    /// The current verification.
    pub verification: Option<DocumentInfo>,
    /// Every document uploaded, oldest first (none is ever overwritten).
    pub documents: Vec<DocumentInfo>,
    /// Every evidence file uploaded.
    pub evidence: Vec<EvidenceInfo>,
    /// The verifiers' comments.
    pub comments: Vec<CommentInfo>,
    /// The evaluation and award, once made.
    pub outcome: Option<OutcomeInfo>,
    /// The unit's signed declaration (pencanangan) for the period, once
    /// uploaded: the self-assessment cannot be submitted without it.
    #[serde(default)]
    pub declaration: Option<DeclarationInfo>,
    /// The unit's satisfaction survey (SKM) for the period and its IKM, once uploaded.
    #[serde(default)]
    pub skm: Option<SkmInfo>,
}

impl CaseView {
    /// The evidence file stored under a digest.
    pub fn evidence_file(&self, sha256: &str) -> Option<&EvidenceInfo> {
        self.evidence.iter().find(|e| e.sha256 == sha256)
    }
}

/// A unit's place in a period, as the period's list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CaseSummary {
    /// The unit.
    pub unit: UnitInfo,
    /// Where the evaluation stands (`draft` when nothing was uploaded yet).
    pub status: Status,
    /// The verification round (1 + times returned).
    pub round: i64,
    /// SHA-256 of the current self-assessment.
    pub self_sha256: Option<String>,
    /// SHA-256 of the current verification.
    pub verification_sha256: Option<String>,
    /// The verified total (2 decimals) as the library's comparison of the
    /// current self-assessment with its verification computes it (`p2ham
    /// compare`); none before a verification or when it has no data.
    pub verified_total: Option<String>,
}

/// A document accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DocumentAccepted {
    /// SHA-256 of the document's bytes: what a verification's `verifies` names.
    pub sha256: String,
    /// Where the evaluation stands now.
    pub status: Status,
    /// The document's total (2 decimals) as the library scored it; none when no data.
    pub total: Option<String>,
    /// Whether the document's result is eligible for the award.
    pub eligible: bool,
}

/// Where a case stands after a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CaseStatus {
    /// Where the evaluation stands now.
    pub status: Status,
}

/// One comment of a return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentInput {
    /// The indicator (an id of the period's instrument); none for a general remark.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    /// The comment.
    pub comment: String,
}

/// Returning a submission with comments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnRequest {
    /// Comments, at least one.
    pub comments: Vec<CommentInput>,
}

/// Evaluating a verified result.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluateRequest {
    /// The evaluator's note.
    #[serde(default)]
    pub note: Option<String>,
}

/// The formats of the report layer, as the API offers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    /// `p2ham-*/1` JSON.
    Json,
    /// Plain text.
    Text,
    /// Markdown.
    Md,
    /// CSV.
    Csv,
    /// A whole HTML page.
    Html,
    /// A spreadsheet.
    Xlsx,
    /// The HTML page's body as a fragment for a page to embed (`div.report`,
    /// headings from `h2`, class names only, no style); asked for by `?format=` only.
    Fragment,
}

/// The language of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LangParam {
    /// Bahasa Indonesia.
    Id,
    /// English.
    En,
}

impl From<LangParam> for p2ham_io::model::Lang {
    fn from(l: LangParam) -> Self {
        match l {
            LangParam::Id => p2ham_io::model::Lang::Id,
            LangParam::En => p2ham_io::model::Lang::En,
        }
    }
}

/// Which document of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum StageParam {
    /// The unit's self-assessment.
    #[serde(rename = "self")]
    SelfAssessment,
    /// The Kanwil's verification.
    Verification,
}

impl StageParam {
    /// The stage's stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            StageParam::SelfAssessment => "self",
            StageParam::Verification => "verification",
        }
    }
}

/// A resumable upload (tus 1.0) of one evidence file for one indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UploadInfo {
    /// The upload's id (its URL is `/api/v1/uploads/{id}`).
    pub id: String,
    /// The period's id.
    pub period: String,
    /// The unit's id.
    pub unit: String,
    /// The indicator the file is evidence of.
    pub indicator: String,
    /// The evidence path it is stored under (`A.01/foto.jpg`).
    pub path: String,
    /// The file's length in bytes.
    pub length: i64,
    /// How many bytes the server holds.
    pub offset: i64,
    /// When an unfinished upload is forgotten (RFC 3339).
    pub expires_at: String,
    /// Once complete: the stored file's SHA-256.
    pub sha256: Option<String>,
    /// Once complete: its media type, by content.
    pub content_type: Option<String>,
    /// Whether the draft names it (the operator's upload for an answered indicator).
    pub attached: bool,
}

/// Naming (or clearing) a period's previous period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviousPeriodRequest {
    /// The previous period's id; none to clear it.
    #[serde(default)]
    pub previous: Option<String>,
}

/// The award list imported as a period's previous list (the first year kept
/// in the application).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PreviousAwardsInfo {
    /// The period the list is of (e.g. `2022`).
    pub period: String,
    /// SHA-256 of the list as it was sent.
    pub sha256: String,
    /// Units listed.
    pub units: usize,
    /// Units holding the predikat after that period.
    pub holders: usize,
    /// Who imported it.
    pub imported_by: String,
    /// When.
    pub imported_at: String,
}

/// Striking a unit off the period's award round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExclusionRequest {
    /// The unit.
    pub unit: String,
    /// Why, as the award list records it.
    pub reason: String,
}

/// A unit struck off a period's award round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ExclusionInfo {
    /// The unit.
    pub unit: String,
    /// Why.
    pub reason: String,
    /// Who struck it off.
    pub excluded_by: String,
    /// When.
    pub excluded_at: String,
}

/// The one decree of a period's award round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecreeRequest {
    /// The decree's number, e.g. `M.HH-01.HA.03.07 Tahun 2023`.
    pub number: String,
    /// Its date, `YYYY-MM-DD`.
    pub date: String,
    /// Who issued it, as the decree names the office (free text: the issuing
    /// ministry's name changes over the years).
    pub issuer: String,
}

/// A decree recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DecreeRecorded {
    /// The period.
    pub period: String,
    /// The decree's number.
    pub number: String,
    /// Its date.
    pub date: String,
    /// Its issuer.
    pub issuer: String,
    /// SHA-256 of the award list the decree fixed (`GET …/awards?format=json`).
    pub awards_sha256: String,
    /// Evaluated units recorded `awarded`.
    pub awarded: usize,
    /// Evaluated units recorded `not_awarded`.
    pub not_awarded: usize,
}

/// A period made public (`/publik`): what the publication fixed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Publication {
    /// The period.
    pub period: String,
    /// Who published it.
    pub published_by: String,
    /// When, RFC 3339 (UTC).
    pub published_at: String,
    /// Units of the decreed list, each with its public record.
    pub units: usize,
    /// Of them, units holding the predikat.
    pub awarded: usize,
    /// SHA-256 of the public award list (`/publik/data/{period}/awards.json`).
    pub awards_sha256: String,
    /// SHA-256 of the public record of the units (`/publik/data/{period}/units.json`).
    pub units_sha256: String,
    /// SHA-256 of the signed decree document the publication fixed
    /// (`/publik/data/{period}/keputusan.pdf`); none when none was uploaded.
    #[serde(default)]
    pub decree_document_sha256: Option<String>,
}

/// The signed decree (Keputusan Menteri) of a period as a document: the PDF
/// the ministry signed, uploaded after the decree was recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DecreeDocumentInfo {
    /// The period.
    pub period: String,
    /// The file's name as uploaded.
    pub file_name: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Size in bytes.
    pub size: i64,
    /// Who uploaded it.
    pub uploaded_by: String,
    /// When, RFC 3339 (UTC).
    pub uploaded_at: String,
}

// ------------------------------------------------ instruments, declaration, SKM, audit

/// A stored instrument with what it applies to, as the instruments' list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InstrumentSummary {
    /// SHA-256 of the instrument document (what a period names).
    pub sha256: String,
    /// Instrument id.
    pub id: String,
    /// Version.
    pub version: String,
    /// Title (Indonesian).
    pub title: String,
    /// Title in English, when the instrument has one.
    pub title_en: Option<String>,
    /// The unit kinds the instrument is for (`kanim`, `lapas`, …).
    pub unit_kinds: Vec<String>,
    /// Number of criteria.
    pub criteria: usize,
    /// Number of indicators.
    pub indicators: usize,
    /// Whether it is one of the built-in instruments.
    pub builtin: bool,
    /// When it was stored.
    pub added_at: String,
    /// The periods that use it.
    pub periods: Vec<String>,
}

/// An instrument accepted by `POST /api/v1/instruments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InstrumentStored {
    /// SHA-256 of the document's bytes: what a period names.
    pub sha256: String,
    /// Instrument id.
    pub id: String,
    /// Version.
    pub version: String,
    /// Whether it was stored now (`false`: the same bytes were stored before).
    pub created: bool,
}

/// A unit's signed declaration (pencanangan) for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeclarationInfo {
    /// The file's name as uploaded.
    pub file_name: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Size in bytes.
    pub size: i64,
    /// `application/pdf`, `image/jpeg` or `image/png` (by content).
    pub content_type: String,
    /// Who uploaded it.
    pub uploaded_by: String,
    /// When.
    pub uploaded_at: String,
}

/// A unit's satisfaction survey (SKM) for a period and its index, as
/// `p2ham skm` computes it (exact weights 1/9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SkmInfo {
    /// The survey file's name as uploaded.
    pub file_name: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Size in bytes.
    pub size: i64,
    /// Respondents counted.
    pub respondents: i64,
    /// The IKM (25–100), 2 decimals.
    pub ikm: String,
    /// Its quality band: `A`, `B`, `C` or `D`.
    pub mutu: String,
    /// Its performance in words (Indonesian): `Sangat Baik`, `Baik`, `Kurang Baik`, `Tidak Baik`.
    pub kinerja: String,
    /// Who uploaded it.
    pub uploaded_by: String,
    /// When.
    pub uploaded_at: String,
}

/// Which entries of the audit log to show.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuditFilter {
    /// Entries about this unit (its cases in every period, and the unit itself).
    pub unit: Option<String>,
    /// Entries by this user (or `system`).
    pub actor: Option<String>,
    /// Entries of this action (e.g. `submit`).
    pub action: Option<String>,
}

/// One page of the audit log, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AuditPage {
    /// The entries, newest first.
    pub entries: Vec<AuditEntry>,
    /// How many entries match the filter in all.
    pub matching: i64,
    /// The position to ask for the next (older) page with (`before`), when there is one.
    pub next_before: Option<i64>,
}

/// A period's award rule over the evaluation's other evidence, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AwardRuleInfo {
    /// The period.
    pub period: String,
    /// SHA-256 of the `p2ham-award-rule/1` document as sent.
    pub sha256: String,
    /// The gates it declares, by the rule's field names (e.g. `ikm_min_mutu`, `composite`).
    pub gates: Vec<String>,
    /// Who set it.
    pub set_by: String,
    /// When.
    pub set_at: String,
}

/// The Zona Integritas status and complaint figures of a unit for a period,
/// as the evaluator records them. A figure left out (`null`) is not recorded;
/// a gate of the period's award rule that needs it is not met.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AwardComponentsRequest {
    /// `none`, `wbk` or `wbbm`.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "wbk")]
    pub zona_integritas: Option<String>,
    /// Ombudsman findings about the unit in the period.
    #[serde(default, deserialize_with = "crate::types::optional_count")]
    pub ombudsman_findings: Option<u32>,
    /// Of those, the ones not resolved.
    #[serde(default, deserialize_with = "crate::types::optional_count")]
    pub ombudsman_unresolved: Option<u32>,
    /// e-Lapor (SP4N-LAPOR!) complaints about the unit in the period.
    #[serde(default, deserialize_with = "crate::types::optional_count")]
    pub elapor_complaints: Option<u32>,
    /// Of those, the ones not resolved.
    #[serde(default, deserialize_with = "crate::types::optional_count")]
    pub elapor_unresolved: Option<u32>,
}

/// The figures of an [`AwardComponentsInfo`]: an [`AwardComponentsRequest`]
/// as recorded (`null` where nothing is).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct AwardComponentsFigures {
    /// `none`, `wbk` or `wbbm`.
    #[schema(value_type = Option<String>, example = "wbk")]
    pub zona_integritas: Option<String>,
    /// Ombudsman findings about the unit in the period.
    pub ombudsman_findings: Option<u32>,
    /// Of those, the ones not resolved.
    pub ombudsman_unresolved: Option<u32>,
    /// e-Lapor (SP4N-LAPOR!) complaints about the unit in the period.
    pub elapor_complaints: Option<u32>,
    /// Of those, the ones not resolved.
    pub elapor_unresolved: Option<u32>,
}

impl From<AwardComponentsRequest> for AwardComponentsFigures {
    fn from(r: AwardComponentsRequest) -> Self {
        Self {
            zona_integritas: r.zona_integritas,
            ombudsman_findings: r.ombudsman_findings,
            ombudsman_unresolved: r.ombudsman_unresolved,
            elapor_complaints: r.elapor_complaints,
            elapor_unresolved: r.elapor_unresolved,
        }
    }
}

/// A unit's figures of the evaluation's other evidence for a period: the
/// recorded Zona Integritas status and complaints, and the IKM of its stored
/// survey (SKM).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AwardComponentsInfo {
    /// The unit.
    pub unit: String,
    /// The period.
    pub period: String,
    /// The figures as recorded (all `null` when nothing is).
    #[serde(flatten)]
    pub recorded: AwardComponentsFigures,
    /// The IKM of the unit's current survey (2 decimals), when one is stored.
    pub ikm: Option<String>,
    /// Its band: `A`, `B`, `C` or `D`.
    pub mutu: Option<String>,
    /// Who recorded the figures last.
    pub recorded_by: Option<String>,
    /// When.
    pub recorded_at: Option<String>,
}

/// The attestation a verifier affirms to make a photo public, as the form states it.
pub const PUBLIC_PHOTO_ATTESTATION: &str =
    "Foto ini tidak menampilkan wajah orang, nama orang, atau dokumen pribadi";

/// Marking an evidence photo public for one indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicPhotoRequest {
    /// The indicator the photo shows, e.g. `A.03` (one of the period's instrument).
    pub indicator: String,
    /// What it shows, in the marker's own words (at most 200 characters, one
    /// line; never copied from an answer's notes).
    pub caption: String,
    /// Must be `true`: "Foto ini tidak menampilkan wajah orang, nama orang,
    /// atau dokumen pribadi" (the photo shows no face, no person's name and no
    /// personal document). Refused with 422 `not-attested` otherwise.
    pub no_faces_or_personal_data: bool,
}

/// An evidence photo marked public, with its public copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PublicPhotoInfo {
    /// The period.
    pub period: String,
    /// The unit.
    pub unit: String,
    /// SHA-256 of the original evidence file.
    pub evidence_sha256: String,
    /// The indicator it shows.
    pub indicator: String,
    /// Its caption.
    pub caption: String,
    /// SHA-256 of the public copy (a JPEG without metadata).
    pub public_sha256: String,
    /// The public copy's width in pixels.
    pub width: i64,
    /// The public copy's height in pixels.
    pub height: i64,
    /// Who marked it (and attested it shows no face, name or personal document).
    pub marked_by: String,
    /// When.
    pub marked_at: String,
}
