//! Evidence files: multipart uploads streamed into the store, and the files back.

use super::extract::Path;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use utoipa::ToSchema;

use crate::auth::Actor;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::proto::EvidenceInfo;
use crate::service::{ErrorCode, ServiceError};
use crate::AppState;

#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub(crate) struct EvidenceUpload {
    /// One or more files; each part's file name is the path assessments use
    /// (`foto/maklumat.jpg`): relative, `/`-separated, no `..`.
    #[schema(value_type = Vec<String>, format = Binary, min_items = 1)]
    file: Vec<u8>,
}

/// Upload evidence files (operator of the unit, or verifier of its Kanwil):
/// multipart, each file streamed to disk while hashed; refused beyond the size
/// limit (413) or when not JPEG, PNG or PDF by content (415).
#[utoipa::path(post, path = "/api/v1/periods/{period}/units/{unit}/evidence", tag = "workflow",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id")),
    request_body(content = EvidenceUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = Vec<EvidenceInfo>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)))]
pub(crate) async fn upload_evidence(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, Json<Vec<EvidenceInfo>>)> {
    let mut upload = state.cases(&actor).begin_evidence(&period, &unit).await?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let boundary = multer::parse_boundary(content_type)
        .map_err(|_| ServiceError::new(ErrorCode::NotMultipart, "send the files as multipart/form-data"))?;
    let settings = state.settings();
    let whole = settings.max_upload_request_bytes;
    let constraints = multer::Constraints::new().size_limit(multer::SizeLimit::new().whole_stream(whole));
    let mut multipart = multer::Multipart::with_constraints(body.into_data_stream(), boundary, constraints);
    let mut parts = 0;
    while let Some(field) = multipart.next_field().await.map_err(|e| match e {
        multer::Error::StreamSizeExceeded { .. } => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            format!("the request is larger than the limit of {whole} bytes for one upload"),
        ),
        other => ApiError::bad_request("bad-multipart", other.to_string()),
    })? {
        parts += 1;
        if parts > settings.max_files_per_request {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
                format!("at most {} files in one request", settings.max_files_per_request),
            ));
        }
        let name = field.file_name().map(str::to_owned).ok_or_else(|| {
            ApiError::bad_request("bad-multipart", "each part needs a file name (the evidence path)")
        })?;
        upload.put(&name, field).await?;
    }
    Ok((StatusCode::CREATED, Json(upload.finish().await?)))
}

/// The evidence files uploaded for a unit and period.
#[utoipa::path(get, path = "/api/v1/periods/{period}/units/{unit}/evidence", tag = "workflow",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id")),
    responses((status = 200, body = Vec<EvidenceInfo>), (status = 404, body = ErrorBody)))]
pub(crate) async fn list_evidence(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit)): Path<(String, String)>,
) -> ApiResult<Json<Vec<EvidenceInfo>>> {
    Ok(Json(state.cases(&actor).evidence(&period, &unit).await?))
}

/// One evidence file by its SHA-256; its digest is checked again before it is served.
#[utoipa::path(get, path = "/api/v1/periods/{period}/units/{unit}/evidence/{sha256}", tag = "workflow",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id"),
        ("sha256" = String, Path, description = "The file's SHA-256")),
    responses((status = 200, description = "The file", content(("image/jpeg"), ("image/png"), ("application/pdf"))),
        (status = 404, body = ErrorBody), (status = 500, body = ErrorBody)))]
pub(crate) async fn get_evidence(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit, sha256)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let (content_type, bytes) = state.cases(&actor).evidence_file(&period, &unit, &sha256).await?;
    // A photo is shown in the page; anything else (a PDF) is only downloaded,
    // never rendered with its scripts; nothing behind a login is cached.
    let disposition = if content_type.starts_with("image/") {
        "inline".to_owned()
    } else {
        format!("attachment; filename=\"{sha256}.pdf\"")
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::ETAG, format!("\"sha256:{sha256}\"")),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::CONTENT_SECURITY_POLICY,
                "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'".to_owned(),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// A small JPEG of one evidence photo (longest side at most 320 pixels), for
/// pages on a weak signal; the original stays at the file's own URL.
#[utoipa::path(get, path = "/api/v1/periods/{period}/units/{unit}/evidence/{sha256}/thumbnail", tag = "workflow",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id"),
        ("sha256" = String, Path, description = "The photo's SHA-256")),
    responses((status = 200, description = "The thumbnail", content(("image/jpeg"))),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 500, body = ErrorBody)))]
pub(crate) async fn get_thumbnail(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit, sha256)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let jpeg = state
        .cases(&actor)
        .evidence_thumbnail(&period, &unit, &sha256)
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg".to_owned()),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
            (header::CONTENT_DISPOSITION, "inline".to_owned()),
        ],
        jpeg,
    )
        .into_response())
}
