//! The published JSON Schemas, served where their `$id`s name them:
//! `/schema/<kind>.schema.json` (under the base path, if any), the same bytes
//! as `docs/schema/` and `p2ham schema --out`. Public, cacheable, with an
//! `ETag` of their SHA-256; an unknown name is the JSON 404 of every route.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::AppState;

/// The media type of a JSON Schema (draft 2020-12).
const SCHEMA_JSON: &str = "application/schema+json";

/// Each schema's file name, text and ETag, made once.
fn published() -> &'static BTreeMap<String, (String, String)> {
    static ALL: OnceLock<BTreeMap<String, (String, String)>> = OnceLock::new();
    ALL.get_or_init(|| {
        p2ham_io::schema::SCHEMAS
            .iter()
            .map(|kind| {
                let text = kind.to_pretty();
                let etag = format!("\"sha256:{:x}\"", Sha256::digest(text.as_bytes()));
                (format!("{}.schema.json", kind.name), (text, etag))
            })
            .collect()
    })
}

/// `GET /schema/{file}`: one published schema.
async fn schema(Path(file): Path<String>, headers: HeaderMap) -> Response {
    let Some((text, etag)) = published().get(&file) else {
        let known: Vec<&str> = published().keys().map(String::as_str).collect();
        return ApiError::not_found(format!("no schema `{file}`; published: {}", known.join(", ")))
            .into_response();
    };
    let etag = HeaderValue::from_str(etag).expect("hex digest");
    let cache = HeaderValue::from_static("public, max-age=86400");
    if headers.get(header::IF_NONE_MATCH) == Some(&etag) {
        return (
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag), (header::CACHE_CONTROL, cache)],
        )
            .into_response();
    }
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(SCHEMA_JSON)),
            (header::ETAG, etag),
            (header::CACHE_CONTROL, cache),
        ],
        text.clone(),
    )
        .into_response()
}

/// The schemas' routes.
pub(crate) fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/schema/{file}", get(schema))
}
