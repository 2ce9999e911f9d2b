//! The typed service layer: every read and change of the application, for an
//! acting user ([`Actor`](crate::Actor)), with every access check and workflow rule inside.
//!
//! The HTTP API (`/api/v1`) and the server-rendered pages are two thin
//! adapters over it: they turn requests into typed inputs, call one method
//! and turn its typed result, or its [`ServiceError`], into a response. A
//! refusal carries an [`ErrorCode`] (a stable code, as
//! `p2ham_model::Code` is for documents) and, for a refused document, the
//! diagnostics of `p2ham validate`.
//!
//! - [`Cases`]: a unit's evaluation for a period: the case, its documents,
//!   evidence, transitions and reports.
//! - [`Sessions`]: logging in and out, API tokens, passwords.
//! - [`Directory`]: periods, units, instruments and users as the caller may see them.
//! - [`Instruments`]: the stored instruments, adding one, the difference between two.
//! - [`crate::Admin`]: administrative changes, reached through
//!   [`Directory::admin`] (which checks the administrator's role).

mod award_rule;
mod awards;
mod cases;
mod declaration;
mod decree_document;
mod directory;
mod evidence;
mod history;
mod idempotent;
mod instruments;
mod monitoring;
mod photos;
mod public;
mod reports;
mod rows;
mod sessions;
mod skm;
mod uploads;
mod workflow;

pub use awards::Awards;
pub use cases::CaseFile;
pub use cases::Cases;
pub use directory::Directory;
pub use evidence::EvidenceUpload;
pub use idempotent::{Idempotency, Replayed};
pub use instruments::{InstrumentSyntax, Instruments};
pub(crate) use public::PublicCache;
pub use public::{
    Public, PublicFile, PublicRecord, PublishedDecreeDocument, PublishedPeriod, DECREE_FILE,
    RECHECK as PUBLIC_RECHECK,
};
pub(crate) use reports::unsupported as reports_unsupported;
pub use reports::{Report, ALL_FORMATS, AWARD_FORMATS, LETTER_FORMATS, XLSX};
pub use sessions::{LoggedIn, Sessions};
pub use skm::MAX_SKM_BYTES;
pub use uploads::{NewUpload, Uploads, MAX_OPEN_UPLOADS, TUS_VERSION, UPLOAD_HOURS};

use p2ham_io::model::Diagnostic;

use crate::types::{Role, Status};
use crate::ServerError;

/// Why the service refused, as a stable code (`as_str` is what the API's
/// error body carries in `code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// What was asked for does not exist, or is outside the caller's scope.
    NotFound,
    /// The caller's role may not do this.
    Forbidden,
    /// No valid session or token.
    Unauthenticated,
    /// A request that changes something without the session's CSRF token.
    Csrf,
    /// A value of the request is invalid (the message names the field).
    Invalid,
    /// A document was refused; the diagnostics say why.
    InvalidDocument,
    /// The case's status does not allow the action.
    InvalidTransition,
    /// Submitting before a self-assessment was uploaded.
    NoSelfAssessment,
    /// Submitting a self-assessment that names evidence not uploaded.
    EvidenceNotUploaded,
    /// A comparison asked for before the verification.
    NotVerified,
    /// A roll-up with no document to roll up.
    NoDocuments,
    /// An administrative change refused as it stands.
    Refused,
    /// The period's window for this action has not opened.
    WindowNotOpen,
    /// The period's window for this action has closed.
    WindowClosed,
    /// A document or file larger than the limit.
    TooLarge,
    /// An evidence file that is not JPEG, PNG or PDF by its content.
    WrongType,
    /// Files not sent as multipart.
    NotMultipart,
    /// A multipart body that cannot be read.
    BadMultipart,
    /// An evidence file name that is not a valid evidence path.
    BadEvidenceName,
    /// Too many login attempts.
    RateLimited,
    /// Wrong username or password.
    LoginFailed,
    /// The audit log's chain is broken.
    AuditBroken,
    /// A stored evidence file no longer has its digest.
    EvidenceAltered,
    /// A stored evidence file is missing.
    EvidenceMissing,
    /// A report asked for in a format it does not have.
    UnsupportedFormat,
    /// The database does not answer.
    DatabaseUnavailable,
    /// Something on the server's side; the details are in the server's log.
    Internal,
    /// A resumable upload's offset is not where the server stands, or another
    /// request is sending the same upload.
    UploadConflict,
    /// A resumable upload request without `Tus-Resumable: 1.0.0`.
    TusVersion,
    /// An `Idempotency-Key` used again for a different request.
    IdempotencyKeyReused,
    /// A request with this `Idempotency-Key` is still being handled.
    IdempotencyInProgress,
    /// The previous period's round has no decree yet: its award list, this
    /// period's baseline, is not fixed.
    PreviousNotDecreed,
    /// A unit of the round is verified but not yet evaluated.
    RoundIncomplete,
    /// The period's round already has its decree.
    AlreadyDecreed,
    /// Submitting before the unit's signed declaration (pencanangan) was uploaded.
    DeclarationMissing,
    /// Publishing a period whose round has no decree yet.
    NotDecreed,
    /// Publishing a period that is public already, or changing which photos
    /// are public while the period is published.
    AlreadyPublished,
    /// Marking a photo public without affirming that it shows no face, no
    /// person's name and no personal document.
    NotAttested,
    /// Marking public a file that is not a JPEG or PNG photo that decodes
    /// within the bounds.
    NotAPhoto,
}

impl ErrorCode {
    /// The stable code.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "not-found",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::Csrf => "csrf",
            ErrorCode::Invalid => "invalid",
            ErrorCode::InvalidDocument => "invalid-document",
            ErrorCode::InvalidTransition => "invalid-transition",
            ErrorCode::NoSelfAssessment => "no-self-assessment",
            ErrorCode::EvidenceNotUploaded => "evidence-not-uploaded",
            ErrorCode::NotVerified => "not-verified",
            ErrorCode::NoDocuments => "no-documents",
            ErrorCode::Refused => "refused",
            ErrorCode::WindowNotOpen => "window-not-open",
            ErrorCode::WindowClosed => "window-closed",
            ErrorCode::TooLarge => "too-large",
            ErrorCode::WrongType => "wrong-type",
            ErrorCode::NotMultipart => "not-multipart",
            ErrorCode::BadMultipart => "bad-multipart",
            ErrorCode::BadEvidenceName => "bad-evidence-name",
            ErrorCode::RateLimited => "rate-limited",
            ErrorCode::LoginFailed => "login-failed",
            ErrorCode::AuditBroken => "audit-broken",
            ErrorCode::EvidenceAltered => "evidence-altered",
            ErrorCode::EvidenceMissing => "evidence-missing",
            ErrorCode::UnsupportedFormat => "unsupported-format",
            ErrorCode::DatabaseUnavailable => "database-unavailable",
            ErrorCode::Internal => "internal",
            ErrorCode::UploadConflict => "upload-conflict",
            ErrorCode::TusVersion => "tus-version",
            ErrorCode::IdempotencyKeyReused => "idempotency-key-reused",
            ErrorCode::IdempotencyInProgress => "idempotency-in-progress",
            ErrorCode::PreviousNotDecreed => "previous-not-decreed",
            ErrorCode::RoundIncomplete => "round-incomplete",
            ErrorCode::AlreadyDecreed => "already-decreed",
            ErrorCode::DeclarationMissing => "declaration-missing",
            ErrorCode::NotDecreed => "not-decreed",
            ErrorCode::AlreadyPublished => "already-published",
            ErrorCode::NotAttested => "not-attested",
            ErrorCode::NotAPhoto => "not-a-photo",
        }
    }

    /// The HTTP status the API answers with.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::Invalid | ErrorCode::BadMultipart | ErrorCode::BadEvidenceName => 400,
            ErrorCode::Unauthenticated | ErrorCode::LoginFailed => 401,
            ErrorCode::Forbidden | ErrorCode::Csrf => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::UnsupportedFormat => 406,
            ErrorCode::InvalidTransition
            | ErrorCode::NoSelfAssessment
            | ErrorCode::EvidenceNotUploaded
            | ErrorCode::NotVerified
            | ErrorCode::NoDocuments
            | ErrorCode::Refused
            | ErrorCode::AuditBroken
            | ErrorCode::UploadConflict
            | ErrorCode::IdempotencyInProgress
            | ErrorCode::PreviousNotDecreed
            | ErrorCode::RoundIncomplete
            | ErrorCode::AlreadyDecreed
            | ErrorCode::DeclarationMissing
            | ErrorCode::NotDecreed
            | ErrorCode::AlreadyPublished => 409,
            ErrorCode::TusVersion => 412,
            ErrorCode::TooLarge => 413,
            ErrorCode::WrongType | ErrorCode::NotMultipart => 415,
            ErrorCode::InvalidDocument
            | ErrorCode::IdempotencyKeyReused
            | ErrorCode::NotAttested
            | ErrorCode::NotAPhoto => 422,
            ErrorCode::WindowNotOpen | ErrorCode::WindowClosed => 423,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal | ErrorCode::EvidenceAltered | ErrorCode::EvidenceMissing => 500,
            ErrorCode::DatabaseUnavailable => 503,
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A refusal of the service: its code, a message for people, and the
/// problems of a refused document (by path and code).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ServiceError {
    /// Why.
    pub code: ErrorCode,
    /// What went wrong, for people.
    pub message: String,
    /// Problems of a document (empty unless a document was refused).
    pub diagnostics: Vec<Diagnostic>,
}

impl ServiceError {
    /// A refusal without diagnostics.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ServiceError {
        ServiceError {
            code,
            message: message.into(),
            diagnostics: Vec::new(),
        }
    }

    /// A refused document: the library's error and its diagnostics.
    pub fn invalid_document(e: &p2ham_io::IoError) -> ServiceError {
        ServiceError {
            code: ErrorCode::InvalidDocument,
            message: e.to_string(),
            diagnostics: e.diagnostics(),
        }
    }

    /// An invalid value of a request's field: the message names the field,
    /// and so does the one diagnostic (its `path`), for a form to show it there.
    pub fn field(field: &str, problem: impl Into<String>) -> ServiceError {
        ServiceError::about_field(ErrorCode::Invalid, field, problem)
    }

    /// A refusal about a request's field with another code than
    /// [`ErrorCode::Invalid`]: a field naming an object that does not exist
    /// ([`ErrorCode::NotFound`]) or one whose state refuses this
    /// ([`ErrorCode::Refused`]); the message and the one diagnostic name the field.
    pub fn about_field(code: ErrorCode, field: &str, problem: impl Into<String>) -> ServiceError {
        let problem = problem.into();
        ServiceError {
            code,
            message: format!("{field}: {problem}"),
            diagnostics: vec![Diagnostic::new(p2ham_io::model::Code::Invalid, field, problem)],
        }
    }

    /// Not found (also what lies outside the caller's scope: its existence is not revealed).
    pub fn not_found(message: impl Into<String>) -> ServiceError {
        ServiceError::new(ErrorCode::NotFound, message)
    }

    /// Something on the server's side: the details go to the log, not the caller.
    pub fn internal(e: &dyn std::fmt::Display) -> ServiceError {
        tracing::error!("internal error: {e}");
        ServiceError::new(
            ErrorCode::Internal,
            "internal error; the server's log has the details",
        )
    }

    fn transition(action: Action, status: Status) -> ServiceError {
        ServiceError::new(
            ErrorCode::InvalidTransition,
            format!(
                "cannot {}: the evaluation is `{}`",
                action.describe(),
                status.as_str()
            ),
        )
    }
}

impl From<sqlx::Error> for ServiceError {
    fn from(e: sqlx::Error) -> Self {
        ServiceError::internal(&e)
    }
}

impl From<ServerError> for ServiceError {
    fn from(e: ServerError) -> Self {
        match e {
            ServerError::Invalid(m) => ServiceError::new(ErrorCode::Invalid, m),
            ServerError::NotFound(m) => ServiceError::not_found(m),
            ServerError::Conflict(m) => ServiceError::new(ErrorCode::Refused, m),
            ServerError::AuditBroken { .. } | ServerError::AuditDiffers { .. } => {
                ServiceError::new(ErrorCode::AuditBroken, e.to_string())
            }
            other => ServiceError::internal(&other),
        }
    }
}

impl From<tokio::task::JoinError> for ServiceError {
    fn from(e: tokio::task::JoinError) -> Self {
        ServiceError::internal(&e)
    }
}

/// What the service returns.
pub type ServiceResult<T> = Result<T, ServiceError>;

/// A step of the workflow, as [`Status::allows`] judges it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// The operator uploads or changes the self-assessment.
    EditSelfAssessment,
    /// The operator attaches evidence to the self-assessment.
    AttachOperatorEvidence,
    /// The operator submits for verification.
    Submit,
    /// The verifier returns the submission with comments.
    Return,
    /// The verifier attaches the team's own evidence.
    AttachVerifierEvidence,
    /// The verifier records the verification.
    Verify,
    /// The evaluator evaluates the verified result.
    Evaluate,
    /// The evaluator records the award decision.
    Award,
}

impl Action {
    /// The role that takes this step.
    pub fn role(self) -> Role {
        match self {
            Action::EditSelfAssessment | Action::AttachOperatorEvidence | Action::Submit => Role::Operator,
            Action::Return | Action::AttachVerifierEvidence | Action::Verify => Role::Verifier,
            Action::Evaluate | Action::Award => Role::Evaluator,
        }
    }

    /// The step in words, for refusals ("cannot submit: …").
    pub fn describe(self) -> &'static str {
        match self {
            Action::EditSelfAssessment => "change the self-assessment",
            Action::AttachOperatorEvidence | Action::AttachVerifierEvidence => "upload evidence",
            Action::Submit => "submit",
            Action::Return => "return",
            Action::Verify => "record the verification",
            Action::Evaluate => "evaluate",
            Action::Award => "record the award",
        }
    }
}

impl Status {
    /// Whether a case in this status allows the step: the workflow's one rule
    /// (draft → submitted → returned | verified → evaluated → awarded | not_awarded).
    pub fn allows(self, action: Action) -> bool {
        match action {
            Action::EditSelfAssessment | Action::AttachOperatorEvidence | Action::Submit => {
                matches!(self, Status::Draft | Status::Returned)
            }
            Action::Return | Action::AttachVerifierEvidence | Action::Verify => self == Status::Submitted,
            Action::Evaluate => self == Status::Verified,
            Action::Award => self == Status::Evaluated,
        }
    }
}

/// Refuse unless the actor acts in one of `roles`.
/// The roles that take part in the evaluation (every role but `metrics`,
/// which reads the application's figures and nothing of its content).
pub(crate) const STAFF: &[Role] = &[Role::Operator, Role::Verifier, Role::Evaluator, Role::Admin];

pub(crate) fn require(actor: &crate::Actor, roles: &[Role]) -> ServiceResult<()> {
    if roles.contains(&actor.role) {
        Ok(())
    } else {
        let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        Err(ServiceError::new(
            ErrorCode::Forbidden,
            format!(
                "this needs the role {}; you act as {}",
                names.join(" or "),
                actor.role.as_str()
            ),
        ))
    }
}

/// Refuse an action outside its window (`opens`, `closes`: stored RFC 3339 instants).
pub(crate) fn check_window(opens: Option<&String>, closes: Option<&String>, what: &str) -> ServiceResult<()> {
    let now = jiff::Timestamp::now();
    let parse = |s: &String| {
        s.parse::<jiff::Timestamp>()
            .map_err(|e| ServiceError::internal(&e))
    };
    if let Some(o) = opens {
        if now < parse(o)? {
            return Err(ServiceError::new(
                ErrorCode::WindowNotOpen,
                format!("the {what} window opens at {o}"),
            ));
        }
    }
    if let Some(c) = closes {
        if now > parse(c)? {
            return Err(ServiceError::new(
                ErrorCode::WindowClosed,
                format!("the {what} window closed at {c}"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workflow_allows_each_step_in_its_status_only() {
        let all = [
            Status::Draft,
            Status::Submitted,
            Status::Returned,
            Status::Verified,
            Status::Evaluated,
            Status::Awarded,
            Status::NotAwarded,
        ];
        let allowed = |a: Action| all.iter().filter(|s| s.allows(a)).copied().collect::<Vec<_>>();
        assert_eq!(
            allowed(Action::EditSelfAssessment),
            [Status::Draft, Status::Returned]
        );
        assert_eq!(allowed(Action::Submit), [Status::Draft, Status::Returned]);
        assert_eq!(allowed(Action::Return), [Status::Submitted]);
        assert_eq!(allowed(Action::Verify), [Status::Submitted]);
        assert_eq!(allowed(Action::AttachVerifierEvidence), [Status::Submitted]);
        assert_eq!(allowed(Action::Evaluate), [Status::Verified]);
        assert_eq!(allowed(Action::Award), [Status::Evaluated]);
        // Nothing moves a decided case.
        for a in [
            Action::EditSelfAssessment,
            Action::AttachOperatorEvidence,
            Action::Submit,
            Action::Return,
            Action::AttachVerifierEvidence,
            Action::Verify,
            Action::Evaluate,
            Action::Award,
        ] {
            assert!(
                !Status::Awarded.allows(a) && !Status::NotAwarded.allows(a),
                "{a:?}"
            );
        }
    }

    #[test]
    fn a_field_refusal_names_the_field_in_its_message_and_its_diagnostic() {
        let e = ServiceError::field("decree_date", "expected a date YYYY-MM-DD, found `3 Des`");
        assert_eq!(e.code, ErrorCode::Invalid);
        assert_eq!(
            e.message,
            "decree_date: expected a date YYYY-MM-DD, found `3 Des`"
        );
        assert_eq!(e.diagnostics.len(), 1);
        assert_eq!(e.diagnostics[0].path, "decree_date");
    }

    #[test]
    fn each_code_has_its_status() {
        assert_eq!(ErrorCode::InvalidDocument.http_status(), 422);
        assert_eq!(ErrorCode::WindowClosed.http_status(), 423);
        assert_eq!(ErrorCode::InvalidTransition.as_str(), "invalid-transition");
    }
}
