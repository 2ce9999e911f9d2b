//! Errors: the library's own ([`ServerError`]) and the API's one JSON shape ([`ApiError`]).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// What can go wrong starting or administering the application.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// The database could not be reached or answered with an error.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration could not be applied.
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database was written by a newer p2ham than this one.
    #[error(
        "the database is at schema version {found}, newer than this p2ham knows ({known}); \
         run the newer p2ham, or restore a backup made for this version"
    )]
    NewerDatabase {
        /// The newest migration recorded in the database.
        found: i64,
        /// The newest migration this binary carries.
        known: i64,
    },
    /// A file or folder of the data directory or evidence store.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A document or value given to an administrative command is invalid.
    #[error("{0}")]
    Invalid(String),
    /// What an administrative command names does not exist (a user, …).
    #[error("{0}")]
    NotFound(String),
    /// The change is refused as it stands (e.g. an administrator deactivating themselves).
    #[error("{0}")]
    Conflict(String),
    /// The audit log's chain is broken.
    #[error("audit log entry {seq}: {message}")]
    AuditBroken {
        /// The first entry that does not fit the chain.
        seq: i64,
        /// What does not fit.
        message: String,
    },
    /// The audit log's chain holds, but it does not match a signed checkpoint,
    /// or the tables are not in the state its entries imply.
    #[error("{}", differences_text(differences))]
    AuditDiffers {
        /// Every difference, each naming the checkpoint or the object (e.g.
        /// `case period/2023/unit/kanim-sampit`, `user/admin`) and what differs.
        differences: Vec<String>,
    },
}

fn differences_text(differences: &[String]) -> String {
    let mut s = format!(
        "the audit log does not match the database: {} difference(s):",
        differences.len()
    );
    for d in differences {
        s.push_str("\n  ");
        s.push_str(d);
    }
    s
}

/// One problem of a document, as `p2ham validate --format json` reports it:
/// the API's schema of `p2ham_model::Diagnostic` (the file is the request's).
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct DiagnosticBody {
    /// Stable code, e.g. `unknown-option`.
    pub code: String,
    /// Path inside the document, e.g. `answers[3].value` (empty: the whole document).
    pub path: String,
    /// The indicator the problem is about, when the path is inside an answer
    /// that names one, e.g. `A.07`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    /// Line, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Column, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl From<p2ham_io::Diagnostic> for DiagnosticBody {
    fn from(d: p2ham_io::Diagnostic) -> Self {
        DiagnosticBody {
            code: d.code.as_str().to_owned(),
            path: d.path,
            indicator: d.indicator,
            line: d.line,
            column: d.column,
            message: d.message,
        }
    }
}

/// The body of every error response.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable code, e.g. `invalid-document`, `window-closed`, `csrf`.
    pub code: String,
    /// What went wrong, for people.
    pub message: String,
    /// Problems of a document (empty unless a document was refused).
    pub diagnostics: Vec<DiagnosticBody>,
}

/// An API error: a status and the one JSON error shape.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// The body.
    pub body: ErrorBody,
}

impl ApiError {
    /// An error with no diagnostics.
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            body: ErrorBody {
                code: code.to_owned(),
                message: message.into(),
                diagnostics: Vec::new(),
            },
        }
    }

    /// 400: the request itself is malformed.
    pub fn bad_request(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 404, also for objects outside the caller's scope (their existence is not revealed).
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", what)
    }

    /// 403: the caller's role may not do this.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// 409: the object is not in a state that allows this.
    pub fn conflict(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    /// 422: a document was refused; the diagnostics are those of `p2ham validate`.
    pub fn invalid_document(e: &p2ham_io::IoError) -> Self {
        let diagnostics = e.diagnostics().into_iter().map(Into::into).collect();
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            body: ErrorBody {
                code: "invalid-document".into(),
                message: e.to_string(),
                diagnostics,
            },
        }
    }

    /// 500: something on the server's side; the details go to the log, not the client.
    pub fn internal(e: &dyn std::fmt::Display) -> Self {
        tracing::error!("internal error: {e}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error; the server's log has the details",
        )
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError::internal(&e)
    }
}

impl From<ServerError> for ApiError {
    fn from(e: ServerError) -> Self {
        match e {
            ServerError::Invalid(m) => ApiError::bad_request("invalid", m),
            ServerError::NotFound(m) => ApiError::not_found(m),
            ServerError::Conflict(m) => ApiError::conflict("refused", m),
            other => ApiError::internal(&other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = (self.status, axum::Json(self.body)).into_response();
        if self.status == StatusCode::TOO_MANY_REQUESTS {
            // The limits count failures per minute.
            r.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("60"),
            );
        }
        r
    }
}

/// The result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;

/// Every error answered without a JSON body (the router's 405, the request
/// timeout's 408, a rejection that answers in plain text) in the API's one
/// error shape: pages' HTML errors and JSON errors pass unchanged, and the
/// headers (`Allow` of a 405) are kept.
pub(crate) async fn json_errors(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    use axum::http::{header, HeaderValue, Method};
    let method = req.method().clone();
    let response = next.run(req).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || method == Method::HEAD {
        return response;
    }
    let media = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !(media.is_empty() || media.starts_with("text/plain")) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
        .unwrap_or_default();
    let (code, default) = match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            let allowed = parts
                .headers
                .get(header::ALLOW)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            (
                "method-not-allowed",
                format!("this path does not answer {method}; it answers {allowed}"),
            )
        }
        StatusCode::REQUEST_TIMEOUT => (
            "timeout",
            "the request took longer than the server allows".to_owned(),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "too-large",
            "the request's body is larger than the limit".to_owned(),
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("not-json", "send the body as application/json".to_owned()),
        StatusCode::NOT_FOUND => ("not-found", "no such route".to_owned()),
        s if s.is_server_error() => (
            "internal",
            "the server failed; the details are in its log".to_owned(),
        ),
        _ => ("bad-request", "the request cannot be read".to_owned()),
    };
    let message = if text.is_empty() { default } else { text };
    let body = ErrorBody {
        code: code.to_owned(),
        message,
        diagnostics: Vec::new(),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts
        .headers
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let json = serde_json::to_vec(&body).expect("an error body serialises");
    Response::from_parts(parts, axum::body::Body::from(json))
}
