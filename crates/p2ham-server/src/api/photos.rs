//! Evidence photos marked public (a verifier of the unit's Kanwil, or an
//! evaluator): marking one for an indicator with the attestation, unmarking
//! it, and the list of a case's marked photos.

use super::extract::{Acting, JsonBody, Path, PhotoMarkers};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

use crate::auth::Actor;
use crate::error::{ApiResult, ErrorBody};
use crate::proto::{PublicPhotoInfo, PublicPhotoRequest};
use crate::AppState;

/// Mark an evidence photo (JPEG or PNG) of the case public for one
/// indicator, affirming `no_faces_or_personal_data`: "Foto ini tidak
/// menampilkan wajah orang, nama orang, atau dokumen pribadi". The public
/// copy is made now: the photo decoded and encoded again as JPEG (longest
/// side at most 1600 pixels), so no EXIF, GPS, XMP or comment survives.
/// Marking a marked photo again replaces its indicator and caption. Audited
/// (`mark-public-photo`). 403 for an operator or administrator, 404 for a
/// unit outside a verifier's Kanwil or a file not of the case, 409
/// `already-published` while the period is published, 422 `not-attested`
/// without the affirmation, 422 `not-a-photo` for a PDF or a photo that does
/// not decode within 20,000 × 20,000 pixels and 256 MiB, 400 `invalid` for
/// an unknown indicator or a caption that is blank, longer than 200
/// characters, holds control characters or repeats the note of the
/// indicator's answer (16 characters or more: notes are never public).
#[utoipa::path(put, path = "/api/v1/periods/{period}/units/{unit}/evidence/{sha256}/public", tag = "workflow",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id"),
        ("sha256" = String, Path, description = "The evidence photo's SHA-256")),
    request_body = PublicPhotoRequest,
    responses((status = 200, body = PublicPhotoInfo), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, description = "The affirmation is missing or false (`not-attested`; the message names `no_faces_or_personal_data`), the file is not a JPEG or PNG photo that decodes within the bounds (`not-a-photo`), or the body does not have the request's shape (`bad-request-body`)", body = ErrorBody),
        (status = 500, body = ErrorBody)))]
pub(crate) async fn mark_public(
    State(state): State<AppState>,
    Acting(actor, _): Acting<PhotoMarkers>,
    Path((period, unit, sha256)): Path<(String, String, String)>,
    JsonBody(req): JsonBody<PublicPhotoRequest>,
) -> ApiResult<Json<PublicPhotoInfo>> {
    let marked = state
        .cases(&actor)
        .mark_public_photo(&period, &unit, &sha256, &req)
        .await?;
    Ok(Json(marked))
}

/// Unmark a photo: it is public no more from the next publication on.
/// Audited (`unmark-public-photo`); the marking stays on record as
/// withdrawn. 404 when the photo is not marked, 409 `already-published`
/// while the period is published (unpublish first).
#[utoipa::path(delete, path = "/api/v1/periods/{period}/units/{unit}/evidence/{sha256}/public", tag = "workflow",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id"),
        ("sha256" = String, Path, description = "The evidence photo's SHA-256")),
    responses((status = 204, description = "Unmarked"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn unmark_public(
    State(state): State<AppState>,
    Acting(actor, _): Acting<PhotoMarkers>,
    Path((period, unit, sha256)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    state
        .cases(&actor)
        .unmark_public_photo(&period, &unit, &sha256)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The case's photos marked public now, by indicator.
#[utoipa::path(get, path = "/api/v1/periods/{period}/units/{unit}/public-photos", tag = "workflow",
    security(("session" = []), ("token" = [])),
    params(("period" = String, Path, description = "Period id"), ("unit" = String, Path, description = "Unit id")),
    responses((status = 200, body = Vec<PublicPhotoInfo>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub(crate) async fn list_public(
    State(state): State<AppState>,
    actor: Actor,
    Path((period, unit)): Path<(String, String)>,
) -> ApiResult<Json<Vec<PublicPhotoInfo>>> {
    Ok(Json(state.cases(&actor).public_photos(&period, &unit).await?))
}
