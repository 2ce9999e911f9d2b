//! The public record: publishing a decreed period (evaluators and
//! administrators) and its open data for anyone, cacheable (strong `ETag`,
//! `304 Not Modified` on `If-None-Match`, `Cache-Control: public`).

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::auth::Actor;
use crate::error::{ApiResult, ErrorBody};
use crate::proto::Publication;
use crate::service::{ErrorCode, PublicFile, ServiceError, DECREE_FILE};
use crate::AppState;

/// How long a cache may keep public data and pages without asking again, in seconds.
pub(crate) const PUBLIC_MAX_AGE: u32 = 300;

/// Whether `If-None-Match` names this ETag (weak comparison, as RFC 9110 has it for this header).
pub(crate) fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    let Some(v) = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    v.split(',')
        .map(str::trim)
        .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == etag)
}

/// The `304 Not Modified` answer for a public file held with this ETag, when it is held.
fn unchanged(headers: &HeaderMap, etag: &str) -> Option<Response> {
    not_modified(headers, etag).then(|| {
        (
            StatusCode::NOT_MODIFIED,
            [
                (
                    header::ETAG,
                    HeaderValue::from_str(etag).unwrap_or_else(|_| HeaderValue::from_static("\"\"")),
                ),
                (header::CACHE_CONTROL, public_cache()),
            ],
        )
            .into_response()
    })
}

fn public_cache() -> HeaderValue {
    HeaderValue::from_str(&format!("public, max-age={PUBLIC_MAX_AGE}"))
        .unwrap_or_else(|_| HeaderValue::from_static("public"))
}

/// A public file as a cacheable response: 304 when the client holds it already.
pub(crate) fn cached(file: &PublicFile, headers: &HeaderMap) -> Response {
    if let Some(r) = unchanged(headers, &file.etag) {
        return r;
    }
    let etag = HeaderValue::from_str(&file.etag).unwrap_or_else(|_| HeaderValue::from_static("\"\""));
    let mut r = (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(file.content_type)),
            (header::ETAG, etag),
            (header::CACHE_CONTROL, public_cache()),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*")),
        ],
        file.body.clone(),
    )
        .into_response();
    if let Some(d) = file
        .disposition
        .as_deref()
        .and_then(|d| HeaderValue::from_str(d).ok())
    {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, d);
    }
    r
}

/// Publish the period's decreed round (evaluators and administrators): the
/// public award list and the public record of its units (verified scores
/// by criterion, indicators verified as met) are fixed and appear under
/// `/publik`; audited. 409 `not-decreed` before the decree,
/// `already-published` when public already.
#[utoipa::path(post, path = "/api/v1/periods/{period}/publish", tag = "public",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id")),
    responses((status = 201, body = Publication), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub(crate) async fn publish(
    State(state): State<AppState>,
    actor: Actor,
    Path(period): Path<String>,
) -> ApiResult<(StatusCode, Json<Publication>)> {
    let info = state.awards(&actor).publish(&period).await?;
    Ok((StatusCode::CREATED, Json(info)))
}

/// Whether the period is public now (evaluators and administrators); 404 when it is not.
#[utoipa::path(get, path = "/api/v1/periods/{period}/publish", tag = "public",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id")),
    responses((status = 200, body = Publication), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 401, body = ErrorBody)))]
pub(crate) async fn publication(
    State(state): State<AppState>,
    actor: Actor,
    Path(period): Path<String>,
) -> ApiResult<Json<Publication>> {
    let found = state.awards(&actor).publication(&period).await?;
    Ok(Json(found.ok_or_else(|| {
        ServiceError::new(ErrorCode::NotFound, format!("period {period} is not published"))
    })?))
}

/// Withdraw the period from the public record (evaluators and
/// administrators); audited, the publication stays on record as withdrawn.
#[utoipa::path(delete, path = "/api/v1/periods/{period}/publish", tag = "public",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id")),
    responses((status = 204, description = "Withdrawn"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 401, body = ErrorBody)))]
pub(crate) async fn unpublish(
    State(state): State<AppState>,
    actor: Actor,
    Path(period): Path<String>,
) -> ApiResult<StatusCode> {
    state.awards(&actor).unpublish(&period).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Open data of a published period, no login: `awards.json` (the decreed
/// award list, `p2ham-awards/1`), `awards.csv` and `lampiran.html` /
/// `lampiran.xlsx` (its annex), `units.json` (the units' public record,
/// `p2ham-public-units/1`), and `keputusan.pdf`, the signed decree the
/// publication fixed (as an attachment, `keputusan-{period}.pdf`; its ETag
/// is its SHA-256). Licence CC BY 4.0. 404 for a period that is not
/// published, and for `keputusan.pdf` when the publication fixed none.
#[utoipa::path(get, path = "/publik/data/{period}/{file}", tag = "public",
    params(("period" = String, Path, description = "Period id"),
        ("file" = String, Path, description = "`awards.json`, `awards.csv`, `units.json`, `lampiran.html`, `lampiran.xlsx` or `keputusan.pdf`"),
        ("If-None-Match" = Option<String>, Header, description = "An ETag held: 304 when it is current")),
    responses((status = 200, description = "The file, with `ETag` and `Cache-Control: public`",
            content(("application/json"), ("text/csv"), ("text/html"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("application/pdf"))),
        (status = 304, description = "Not modified"), (status = 404, body = ErrorBody),
        (status = 500, body = ErrorBody, description = "The published decree document is missing from the store or altered")))]
pub(crate) async fn data_file(
    State(state): State<AppState>,
    Path((period, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let public = state.public();
    if file != DECREE_FILE {
        return Ok(cached(&public.file(&period, &file).await?, &headers));
    }
    let doc = public.decree_document(&period).await?;
    if let Some(r) = unchanged(&headers, &doc.etag()) {
        return Ok(r);
    }
    Ok(cached(
        &public.decree_document_file(&period, &doc).await?,
        &headers,
    ))
}

/// The Atom feed of the published periods, no login.
#[utoipa::path(get, path = "/publik/feed.atom", tag = "public",
    params(("If-None-Match" = Option<String>, Header, description = "An ETag held: 304 when it is current")),
    responses((status = 200, description = "The Atom feed, with `ETag` and `Cache-Control: public`", content_type = "application/atom+xml"),
        (status = 304, description = "Not modified")))]
pub(crate) async fn feed(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    let record = state.public().record().await?;
    let feed = record
        .feed
        .as_ref()
        .ok_or_else(|| ServiceError::internal(&"the public record without its feed"))?;
    Ok(cached(feed, &headers))
}

/// How long a cache may keep a public photo, in seconds (a day): its name is
/// its digest, so it never changes; a withdrawn period's photos may stay
/// that long in a cache that kept them.
pub(crate) const PHOTO_MAX_AGE: u32 = 86_400;

/// A photo of a publication in force, no login: the public copy a verifier
/// marked (a JPEG without metadata), named by its SHA-256. 404 when no
/// publication in force holds it (before publishing, after withdrawing).
#[utoipa::path(get, path = "/publik/foto/{file}", tag = "public",
    params(("file" = String, Path, description = "`{sha256}.jpg`: the public copy's SHA-256"),
        ("If-None-Match" = Option<String>, Header, description = "An ETag held: 304 when it is current")),
    responses((status = 200, description = "The photo, with `ETag` and `Cache-Control: public, max-age=86400, immutable`", content_type = "image/jpeg"),
        (status = 304, description = "Not modified"), (status = 404, body = ErrorBody)))]
pub(crate) async fn photo(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let photo = state.public().photo(&file).await?;
    let mut r = cached(&photo, &headers);
    let cache = format!("public, max-age={PHOTO_MAX_AGE}, immutable");
    if let Ok(v) = HeaderValue::from_str(&cache) {
        r.headers_mut().insert(header::CACHE_CONTROL, v);
    }
    Ok(r)
}
