//! Resumable uploads of evidence by the tus 1.0 protocol (core, creation,
//! termination), for a phone on a weak signal: a dropped connection
//! continues from the last byte the server kept.

use super::extract::{Path, Query};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::auth::Actor;
use crate::error::{ApiError, ErrorBody};
use crate::mount::Mount;
use crate::proto::UploadInfo;
use crate::service::{ErrorCode, NewUpload, ServiceError, TUS_VERSION};
use crate::AppState;

/// The media type of a PATCH's body.
const OFFSET_OCTET_STREAM: &str = "application/offset+octet-stream";

/// Add the protocol's headers to an answer (on errors too).
fn tus(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(
        HeaderName::from_static("tus-resumable"),
        HeaderValue::from_static(TUS_VERSION),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn refusal(e: ServiceError) -> Response {
    let version = e.code == ErrorCode::TusVersion;
    let mut r = tus(ApiError::from(e).into_response());
    if version {
        r.headers_mut().insert(
            HeaderName::from_static("tus-version"),
            HeaderValue::from_static(TUS_VERSION),
        );
    }
    r
}

fn answer(result: Result<Response, ServiceError>) -> Response {
    match result {
        Ok(r) => tus(r),
        Err(e) => refusal(e),
    }
}

fn text<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Refuse a request that does not speak tus 1.0.0.
fn check_version(headers: &HeaderMap) -> Result<(), ServiceError> {
    match text(headers, "tus-resumable") {
        Some(TUS_VERSION) => Ok(()),
        other => Err(ServiceError::new(
            ErrorCode::TusVersion,
            format!(
                "Tus-Resumable: expected `{TUS_VERSION}`, found {}",
                other.map_or("nothing".to_owned(), |v| format!("`{v}`"))
            ),
        )),
    }
}

/// A header holding a non-negative whole number of bytes.
fn number(headers: &HeaderMap, name: &str) -> Result<Option<u64>, ServiceError> {
    text(headers, name)
        .map(|v| {
            v.trim().parse::<u64>().map_err(|_| {
                ServiceError::field(name, format!("expected a whole number of bytes, found `{v}`"))
            })
        })
        .transpose()
}

/// Decode standard base64 (with or without padding).
fn base64(s: &str) -> Option<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    for chunk in s.as_bytes().chunks(4) {
        if chunk.len() == 1 {
            return None;
        }
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= value(c)? << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

/// `Upload-Metadata`: comma-separated `key base64(value)` pairs.
fn metadata(headers: &HeaderMap) -> Result<Vec<(String, String)>, ServiceError> {
    let raw = text(headers, "upload-metadata").unwrap_or("");
    let mut out = Vec::new();
    for pair in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once(' ').unwrap_or((pair, ""));
        let value = base64(value.trim())
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(|| {
                ServiceError::field(
                    &format!("Upload-Metadata.{key}"),
                    "expected the value as base64 of UTF-8 text",
                )
            })?;
        out.push((key.to_owned(), value));
    }
    Ok(out)
}

fn new_upload(headers: &HeaderMap) -> Result<NewUpload, ServiceError> {
    let meta = metadata(headers)?;
    let get = |key: &str| meta.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let need = |key: &str| {
        get(key).filter(|v| !v.is_empty()).ok_or_else(|| {
            ServiceError::field(
                &format!("Upload-Metadata.{key}"),
                "missing (give period, unit, indicator and filename)",
            )
        })
    };
    if text(headers, "upload-defer-length").is_some() {
        return Err(ServiceError::field(
            "Upload-Defer-Length",
            "not supported: give Upload-Length",
        ));
    }
    let length = number(headers, "upload-length")?
        .ok_or_else(|| ServiceError::field("Upload-Length", "missing: the file's length in bytes"))?;
    Ok(NewUpload {
        period: need("period")?,
        unit: need("unit")?,
        indicator: need("indicator")?,
        filename: need("filename")?,
        content_type: get("filetype"),
        length,
    })
}

/// What the server supports: tus 1.0.0 with creation and termination, up to the evidence limit.
#[utoipa::path(options, path = "/api/v1/uploads", tag = "workflow",
    responses((status = 204, description = "The tus capabilities in `Tus-Version`, `Tus-Extension` and `Tus-Max-Size`",
        headers(("Tus-Version" = String), ("Tus-Extension" = String), ("Tus-Max-Size" = u64)))))]
pub(crate) async fn capabilities(State(state): State<AppState>) -> Response {
    let max = state.settings().max_evidence_bytes.to_string();
    let mut r = tus(StatusCode::NO_CONTENT.into_response());
    let h = r.headers_mut();
    h.insert(
        HeaderName::from_static("tus-version"),
        HeaderValue::from_static(TUS_VERSION),
    );
    h.insert(
        HeaderName::from_static("tus-extension"),
        HeaderValue::from_static("creation,termination"),
    );
    if let Ok(v) = HeaderValue::from_str(&max) {
        h.insert(HeaderName::from_static("tus-max-size"), v);
    }
    r
}

/// Begin a resumable upload of one evidence file (tus creation): the
/// operator of the unit, or a verifier of its Kanwil, for one indicator.
/// `Upload-Metadata` carries `period`, `unit`, `indicator`, `filename` and
/// optionally `filetype`, each base64. Access, the case's status and window,
/// the indicator and the length are checked before any byte is accepted.
#[utoipa::path(post, path = "/api/v1/uploads", tag = "workflow",
    security(("session" = []), ("token" = [])),
    params(("Tus-Resumable" = String, Header, description = "`1.0.0`"),
        ("Upload-Length" = u64, Header, description = "The file's length in bytes"),
        ("Upload-Metadata" = String, Header, description = "`period`, `unit`, `indicator`, `filename`, optionally `filetype`: `key base64`, comma-separated")),
    responses((status = 201, body = UploadInfo, description = "Begun; `Location` is the upload's URL, `Upload-Offset` 0",
            headers(("Location" = String), ("Upload-Offset" = u64))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 412, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 423, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    actor: Actor,
    mount: Mount,
    headers: HeaderMap,
) -> Response {
    answer(
        async {
            check_version(&headers)?;
            let new = new_upload(&headers)?;
            let up = state.uploads(&actor).create(&new).await?;
            let location = mount.url(&format!("/api/v1/uploads/{}", up.id));
            Ok((
                StatusCode::CREATED,
                [
                    (header::LOCATION, location),
                    (HeaderName::from_static("upload-offset"), "0".to_owned()),
                ],
                Json(up),
            )
                .into_response())
        }
        .await,
    )
}

/// Which case's uploads.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub(crate) struct CaseQuery {
    /// The period's id.
    #[param(min_length = 1)]
    period: String,
    /// The unit's id.
    #[param(min_length = 1)]
    unit: String,
}

/// The caller's own uploads for a case (unfinished, and complete ones not yet expired).
#[utoipa::path(get, path = "/api/v1/uploads", tag = "workflow",
    security(("session" = []), ("token" = [])),
    params(CaseQuery),
    responses((status = 200, body = Vec<UploadInfo>), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    actor: Actor,
    Query(q): Query<CaseQuery>,
) -> Response {
    answer(
        async {
            let need = |v: String, name: &str| {
                Some(v)
                    .filter(|s| !s.is_empty())
                    .ok_or_else(|| ServiceError::field(name, "missing: give `period` and `unit`"))
            };
            let (period, unit) = (need(q.period, "period")?, need(q.unit, "unit")?);
            let list = state.uploads(&actor).list(&period, &unit).await?;
            Ok(Json(list).into_response())
        }
        .await,
    )
}

fn offset_headers(up: &UploadInfo, status: StatusCode) -> Response {
    let mut r = status.into_response();
    let h = r.headers_mut();
    for (name, value) in [("upload-offset", up.offset), ("upload-length", up.length)] {
        if let Ok(v) = HeaderValue::from_str(&value.to_string()) {
            h.insert(HeaderName::from_static(name), v);
        }
    }
    r
}

/// How far an upload has come (tus core): `Upload-Offset` is the number of bytes the server holds.
#[utoipa::path(head, path = "/api/v1/uploads/{id}", tag = "workflow",
    security(("session" = []), ("token" = [])),
    params(("id" = String, Path, description = "The upload's id"), ("Tus-Resumable" = String, Header, description = "`1.0.0`")),
    responses((status = 200, description = "The offset and length", headers(("Upload-Offset" = u64), ("Upload-Length" = u64))),
        (status = 401, description = "Not logged in"), (status = 404, description = "No such upload of the caller's"),
        (status = 412, description = "Not tus 1.0.0")))]
pub(crate) async fn offset(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    answer(
        async {
            check_version(&headers)?;
            let up = state.uploads(&actor).info(&id).await?;
            Ok(offset_headers(&up, StatusCode::OK))
        }
        .await,
    )
}

/// One upload of the caller's, as JSON (once complete, with the stored file's digest).
#[utoipa::path(get, path = "/api/v1/uploads/{id}", tag = "workflow",
    security(("session" = []), ("token" = [])),
    params(("id" = String, Path, description = "The upload's id")),
    responses((status = 200, body = UploadInfo), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_upload(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Response {
    answer(
        state
            .uploads(&actor)
            .info(&id)
            .await
            .map(|up| Json(up).into_response()),
    )
}

/// Send bytes of an upload (tus core) from `Upload-Offset`, which must be
/// the server's offset (409 otherwise). Bytes that arrive are kept even when
/// the connection breaks. With the last byte the file is stored as evidence
/// (the multipart path's checks and audit entry) and, for the operator,
/// attached to the indicator's answer in the draft when it is answered.
#[utoipa::path(patch, path = "/api/v1/uploads/{id}", tag = "workflow",
    security(("session" = []), ("token" = [])),
    params(("id" = String, Path, description = "The upload's id"), ("Tus-Resumable" = String, Header, description = "`1.0.0`"),
        ("Upload-Offset" = u64, Header, description = "Where these bytes begin: the offset HEAD answers")),
    request_body(content = Vec<u8>, content_type = "application/offset+octet-stream"),
    responses((status = 204, description = "Received; `Upload-Offset` is the new offset", headers(("Upload-Offset" = u64))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 412, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 423, body = ErrorBody)))]
pub(crate) async fn append(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    answer(
        async {
            check_version(&headers)?;
            if text(&headers, "content-type") != Some(OFFSET_OCTET_STREAM) {
                return Err(ServiceError::new(
                    ErrorCode::WrongType,
                    format!("Content-Type: expected `{OFFSET_OCTET_STREAM}`"),
                ));
            }
            let offset = number(&headers, "upload-offset")?
                .ok_or_else(|| ServiceError::field("Upload-Offset", "missing: where these bytes begin"))?;
            let declared = number(&headers, "content-length")?;
            let up = state
                .uploads(&actor)
                .append(&id, offset, declared, body.into_data_stream())
                .await?;
            Ok(offset_headers(&up, StatusCode::NO_CONTENT))
        }
        .await,
    )
}

/// Cancel an upload (tus termination): the bytes received are deleted; a
/// complete upload's file stays evidence of the case.
#[utoipa::path(delete, path = "/api/v1/uploads/{id}", tag = "workflow",
    security(("session" = []), ("token" = [])),
    params(("id" = String, Path, description = "The upload's id"), ("Tus-Resumable" = String, Header, description = "`1.0.0`")),
    responses((status = 204, description = "Cancelled"), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 412, body = ErrorBody)))]
pub(crate) async fn terminate(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    answer(
        async {
            check_version(&headers)?;
            state.uploads(&actor).terminate(&id).await?;
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_values_are_base64() {
        assert_eq!(base64("QS4wMQ==").as_deref(), Some(&b"A.01"[..]));
        assert_eq!(base64("QS4wMQ").as_deref(), Some(&b"A.01"[..]));
        assert_eq!(base64("Zm9vYmFy").as_deref(), Some(&b"foobar"[..]));
        assert_eq!(base64("").as_deref(), Some(&b""[..]));
        assert!(base64("Q").is_none() && base64("Q!==").is_none());
        let mut h = HeaderMap::new();
        h.insert(
            "upload-metadata",
            HeaderValue::from_static(
                "period MjAyMw==,unit a2FuaW0tc2FtcGl0, indicator QS4wMQ==,filename Zm90by5qcGc=,empty",
            ),
        );
        h.insert("upload-length", HeaderValue::from_static("1234"));
        let n = new_upload(&h).expect("metadata");
        assert_eq!(
            (
                n.period.as_str(),
                n.unit.as_str(),
                n.indicator.as_str(),
                n.filename.as_str(),
                n.length
            ),
            ("2023", "kanim-sampit", "A.01", "foto.jpg", 1234)
        );
        h.insert("upload-metadata", HeaderValue::from_static("period !!"));
        assert_eq!(
            new_upload(&h).unwrap_err().message,
            "Upload-Metadata.period: expected the value as base64 of UTF-8 text"
        );
    }
}
