//! What the handlers share: the JSON body whose refusal is the API's error
//! shape, document bodies under their limit, the service's refusals as HTTP
//! errors, and the choice of a report's format.

use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;

use crate::auth::Actor;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::proto::{LangParam, ReportFormat};
use crate::service::{Report, ServiceError};
use crate::types::Role;
use crate::AppState;

/// A JSON body whose refusal is the API's error shape.
pub(crate) struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(JsonBody(v)),
            Err(r) => {
                let (status, code) = match (BodyFailure::of(&r), r.status()) {
                    (BodyFailure::Stalled, _) => (StatusCode::REQUEST_TIMEOUT, "timeout"),
                    (BodyFailure::TooLarge, _) | (_, StatusCode::PAYLOAD_TOO_LARGE) => {
                        (StatusCode::PAYLOAD_TOO_LARGE, "too-large")
                    }
                    (_, StatusCode::UNSUPPORTED_MEDIA_TYPE) => {
                        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "not-json")
                    }
                    (_, status) => (status, "bad-request-body"),
                };
                Err(ApiError::new(status, code, r.body_text()))
            }
        }
    }
}

/// The query string as `T`; a parameter that does not parse is a 400 in the
/// API's error shape (`invalid-query`) whose message names the parameter.
pub(crate) struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Query(v)),
            Err(r) => Err(ApiError::bad_request("invalid-query", r.body_text())),
        }
    }
}

/// The path's parameters as `T`; one that does not parse (a percent-encoding
/// that is not UTF-8) is a 400 in the API's error shape (`invalid-path`).
pub(crate) struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Path(v)),
            Err(r) if r.status().is_server_error() => {
                Err(ApiError::new(r.status(), "internal", r.body_text()))
            }
            Err(r) => Err(ApiError::bad_request("invalid-path", r.body_text())),
        }
    }
}

/// The caller, when their role is one of `R`'s: checked from the request's
/// head, before its body is read, so a caller of another role is refused
/// (403) whatever the body holds.
pub(crate) struct Acting<R>(pub Actor, pub std::marker::PhantomData<R>);

/// The roles an [`Acting`] caller may have.
pub(crate) trait Roles {
    /// The roles.
    const ROLES: &'static [Role];
}

/// Administrators.
pub(crate) struct Admins;
impl Roles for Admins {
    const ROLES: &'static [Role] = &[Role::Admin];
}

/// Evaluators.
pub(crate) struct Evaluators;
impl Roles for Evaluators {
    const ROLES: &'static [Role] = &[Role::Evaluator];
}

/// Operators.
pub(crate) struct Operators;
impl Roles for Operators {
    const ROLES: &'static [Role] = &[Role::Operator];
}

/// Verifiers.
pub(crate) struct Verifiers;
impl Roles for Verifiers {
    const ROLES: &'static [Role] = &[Role::Verifier];
}

/// Those who run the award round: evaluators and administrators.
pub(crate) struct RoundRoles;
impl Roles for RoundRoles {
    const ROLES: &'static [Role] = &[Role::Evaluator, Role::Admin];
}

/// Those who may mark a photo public: verifiers and evaluators.
pub(crate) struct PhotoMarkers;
impl Roles for PhotoMarkers {
    const ROLES: &'static [Role] = &[Role::Verifier, Role::Evaluator];
}

impl<R: Roles> FromRequestParts<AppState> for Acting<R> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let actor = Actor::from_request_parts(parts, state).await?;
        crate::service::require(&actor, R::ROLES)?;
        Ok(Acting(actor, std::marker::PhantomData))
    }
}

/// The whole body as bytes: refused beyond the document limit (413), when
/// it stops arriving (408) or breaks off (400).
pub(crate) async fn document_bytes(state: &AppState, body: Body) -> ApiResult<Vec<u8>> {
    let limit = state.settings().max_document_bytes;
    axum::body::to_bytes(body, limit)
        .await
        .map(|b| b.to_vec())
        .map_err(|e| match BodyFailure::of(&e) {
            BodyFailure::TooLarge => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
                format!("the document is larger than the limit of {limit} bytes"),
            ),
            BodyFailure::Stalled => ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "timeout",
                "the request's body stopped arriving",
            ),
            BodyFailure::Broken => {
                ApiError::bad_request("bad-request-body", format!("the request's body broke off: {e}"))
            }
        })
}

/// Why a request's body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyFailure {
    /// Larger than the limit.
    TooLarge,
    /// Nothing arrived for the idle timeout.
    Stalled,
    /// The connection broke or the body was malformed.
    Broken,
}

impl BodyFailure {
    /// Classify an error of reading a body, by the errors it was caused by.
    pub(crate) fn of(e: &(dyn std::error::Error + 'static)) -> BodyFailure {
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
        while let Some(c) = cause {
            if c.is::<http_body_util::LengthLimitError>() {
                return BodyFailure::TooLarge;
            }
            if c.is::<tower_http::timeout::TimeoutError>() || c.is::<crate::listen::TooSlow>() {
                return BodyFailure::Stalled;
            }
            cause = c.source();
        }
        BodyFailure::Broken
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        ApiError {
            status: StatusCode::from_u16(e.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            body: ErrorBody {
                code: e.code.as_str().to_owned(),
                message: e.message,
                diagnostics: e.diagnostics.into_iter().map(Into::into).collect(),
            },
        }
    }
}

/// The format asked for: `?format=` when given, else the first type of
/// `Accept` the report has, else the report's first (default) format.
pub(crate) fn choose(
    format: Option<ReportFormat>,
    headers: &HeaderMap,
    supported: &[ReportFormat],
) -> ApiResult<ReportFormat> {
    let refuse = || ApiError::from(crate::service::reports_unsupported());
    if let Some(f) = format {
        return if supported.contains(&f) {
            Ok(f)
        } else {
            Err(refuse())
        };
    }
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Ok(supported[0]);
    };
    let mut any = false;
    for m in accept
        .split(',')
        .map(|m| m.split(';').next().unwrap_or("").trim())
    {
        if m == "*/*" || m == "text/*" || m.is_empty() {
            any = true;
        } else if let Some(f) = ReportFormat::from_media_type(m).filter(|f| supported.contains(f)) {
            return Ok(f);
        }
    }
    if any {
        Ok(supported[0])
    } else {
        Err(refuse())
    }
}

/// A rendered report in a format already chosen.
pub(crate) fn rendered(report: Report, format: ReportFormat, lang: Option<LangParam>) -> ApiResult<Response> {
    rendered_with(report, format, lang, None)
}

/// [`rendered`] with the evidence files to show beside the indicators.
pub(crate) fn rendered_with(
    mut report: Report,
    format: ReportFormat,
    lang: Option<LangParam>,
    evidence: Option<&p2ham_report::EvidenceView>,
) -> ApiResult<Response> {
    let bytes = report.render_with(format, lang.unwrap_or(LangParam::Id).into(), evidence)?;
    Ok(([(header::CONTENT_TYPE, format.media_type())], bytes).into_response())
}
