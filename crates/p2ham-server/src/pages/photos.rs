//! Photos marked public: on the unit's page of the Kanwil's verifier (the
//! review) and of an evaluator, each photo of the case has a small form of
//! its own (outside the review form, working without JavaScript) to mark it
//! public for one indicator, with the attestation that it shows no face, no
//! person's name and no personal document, or to unmark it. The service
//! makes the public copy without metadata; publishing fixes which are shown.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use maud::{html, Markup};
use p2ham_io::model::Indicator;

use super::case::{Case, FormErrors};
use super::{html_id, urlencode, Ctx};
use crate::service::{ErrorCode, ServiceError};
use crate::types::Role;
use crate::AppState;

/// The indicator a photo answers in the case's documents (the verification's
/// first, then the self-assessment's), to choose in its form first.
fn indicator_of(case: &Case, sha: &str) -> Option<String> {
    [case.verification(), case.self_doc()]
        .into_iter()
        .flatten()
        .flat_map(|d| d.answers.iter())
        .find(|a| a.evidence.iter().any(|e| e.sha256.as_deref() == Some(sha)))
        .map(|a| a.indicator.clone())
}

/// The HTML id of a field of one photo's form.
fn photo_field(field: &str, sha: &str) -> String {
    html_id(&format!("pp-{field}"), sha.get(..16).unwrap_or(sha))
}

/// The photos of the case, each with a small form of its own (outside the
/// review form, working without JavaScript) to mark it public for one
/// indicator with the attestation, or to unmark it.
pub(crate) fn public_photos_section(ctx: &Ctx, case: &Case, errors: Option<&FormErrors<'_>>) -> Markup {
    let mut photos: Vec<&crate::proto::EvidenceInfo> = Vec::new();
    for e in case.view().evidence.iter().filter(|e| e.is_image()) {
        if photos.iter().all(|p| p.sha256 != e.sha256) {
            photos.push(e);
        }
    }
    let action = case.page(ctx, "/public-photos");
    let indicators: Vec<&Indicator> = case.applicable().into_iter().flat_map(|(_, v)| v).collect();
    html! {
        @if !photos.is_empty() {
            section #public-photos aria-labelledby="public-photos-title" {
                h2 #public-photos-title { (ctx.t("Foto untuk rekam publik", "Photos for the public record")) }
                p.hint { (ctx.t(
                    "Foto yang ditandai publik tampil di halaman publik unit bila indikatornya terverifikasi terpenuhi, setelah periode diumumkan. Salinan publiknya dibuat ulang tanpa metadata (EXIF, lokasi GPS). Foto yang menampilkan wajah, nama orang atau dokumen pribadi tidak boleh ditandai.",
                    "A photo marked public shows on the unit's public page when its indicator is verified as met, once the period is published. Its public copy is made again without metadata (EXIF, GPS location). A photo showing a face, a person's name or a personal document must not be marked.")) }
                ul.public-photos {
                    @for e in &photos {
                        @let marked = case.file.public_photos.iter().find(|p| p.evidence_sha256 == e.sha256);
                        @let alt = format!("{}: {}", ctx.t("Foto bukti", "Evidence photo"), e.path);
                        li.card {
                            img src=(case.thumbnail_url(&e.sha256)) alt=(alt) loading="lazy" width="160";
                            @if let Some(m) = marked {
                                p.public-mark {
                                    strong { (ctx.t("Ditandai publik", "Marked public")) }
                                    " · " (ctx.t("indikator ", "indicator ")) (m.indicator) ": " (m.caption)
                                }
                                form method="post" action=(action) {
                                    input type="hidden" name="csrf_token" value=(ctx.csrf);
                                    input type="hidden" name="sha256" value=(e.sha256);
                                    input type="hidden" name="action" value="unmark";
                                    div.actions { button.warn type="submit" { (ctx.t("Batalkan tanda publik", "Unmark")) span.visually-hidden { " " (e.path) } } }
                                }
                            } @else {
                                @let chosen = indicator_of(case, &e.sha256);
                                @let ind_id = photo_field("indicator", &e.sha256);
                                @let cap_id = photo_field("caption", &e.sha256);
                                @let att_id = photo_field("attest", &e.sha256);
                                @let cap_err = FormErrors::field(errors, &cap_id);
                                @let ind_err = FormErrors::field(errors, &ind_id);
                                @let att_err = FormErrors::field(errors, &att_id);
                                form method="post" action=(action) {
                                    input type="hidden" name="csrf_token" value=(ctx.csrf);
                                    input type="hidden" name="sha256" value=(e.sha256);
                                    input type="hidden" name="action" value="mark";
                                    div.field {
                                        label for=(ind_id) { (ctx.t("Indikator", "Indicator")) }
                                        @if let Some(m) = &ind_err { p.field-error id=(format!("{ind_id}-error")) { (m) } }
                                        select id=(ind_id) name="indicator" {
                                            @for i in &indicators {
                                                option value=(i.id) selected[chosen.as_deref() == Some(i.id.as_str())] { (i.id) " " (i.title.get(ctx.lang)) }
                                            }
                                        }
                                    }
                                    div.field {
                                        label for=(cap_id) { (ctx.t("Keterangan foto (paling banyak 200 karakter)", "Caption (at most 200 characters)")) }
                                        @if let Some(m) = &cap_err { p.field-error id=(format!("{cap_id}-error")) { (m) } }
                                        input type="text" id=(cap_id) name="caption" maxlength="200" required
                                            aria-invalid=[cap_err.as_ref().map(|_| "true")];
                                    }
                                    div.field {
                                        @if let Some(m) = &att_err { p.field-error id=(format!("{att_id}-error")) { (m) } }
                                        input type="checkbox" id=(att_id) name="no_faces_or_personal_data" value="yes" required
                                            aria-invalid=[att_err.as_ref().map(|_| "true")];
                                        " "
                                        label for=(att_id) { (crate::proto::PUBLIC_PHOTO_ATTESTATION) }
                                    }
                                    div.actions { button type="submit" { (ctx.t("Tandai publik", "Mark public")) span.visually-hidden { " " (e.path) } } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A photo's form posted: mark it public or unmark it; back to the review
/// (post/redirect/get), or the review with the problem beside the field.
pub(crate) async fn public_photo(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((period, unit)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let form = match super::posted(&ctx, &headers, body, 16 * 1024).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let Some(me) = ctx.me.as_ref() else {
        return ctx.redirect("/login");
    };
    let cases = state.cases(me);
    let sha = form.get("sha256").unwrap_or_default().to_owned();
    let result = match form.get("action") {
        Some("unmark") => cases
            .unmark_public_photo(&period, &unit, &sha)
            .await
            .map(|()| "photo-unmarked"),
        Some("mark") => {
            let req = crate::proto::PublicPhotoRequest {
                indicator: form.get("indicator").unwrap_or_default().to_owned(),
                caption: form.get("caption").unwrap_or_default().to_owned(),
                no_faces_or_personal_data: form.get("no_faces_or_personal_data") == Some("yes"),
            };
            cases
                .mark_public_photo(&period, &unit, &sha, &req)
                .await
                .map(|_| "photo-marked")
        }
        _ => Err(ServiceError::new(
            ErrorCode::Invalid,
            ctx.t("Tindakan tidak dikenal.", "Unknown action."),
        )),
    };
    let here = format!("/periods/{}/units/{}", urlencode(&period), urlencode(&unit));
    match result {
        Ok(done) => ctx.redirect(&format!("{here}?done={done}#public-photos")),
        Err(e) => {
            let case = match Case::read(&state, &ctx, &period, &unit).await {
                Ok(c) => c,
                Err(r) => return r,
            };
            let field = e.diagnostics.first().map(|d| d.path.as_str()).unwrap_or_default();
            let (target, text) = match (e.code, field) {
                (ErrorCode::NotAttested, _) => (
                    "attest",
                    ctx.t(
                        "Centang pernyataan bahwa foto ini tidak menampilkan wajah orang, nama orang, atau dokumen pribadi; tanpa itu foto tidak dipublikasikan.",
                        "Tick the statement that the photo shows no face, no person's name and no personal document; without it the photo is not made public.",
                    )
                    .to_owned(),
                ),
                (ErrorCode::Invalid, "caption") if e.message.contains("repeats the note") => (
                    "caption",
                    ctx.t(
                        "Tuliskan keterangan dengan kata-kata sendiri: keterangan ini mengulang catatan jawaban indikator, dan catatan tidak pernah dipublikasikan.",
                        "Write the caption in your own words: this one repeats the answer's note, and notes are never published.",
                    )
                    .to_owned(),
                ),
                (ErrorCode::Invalid, "caption") => (
                    "caption",
                    ctx.t(
                        "Tuliskan keterangan foto: satu baris teks biasa, paling banyak 200 karakter.",
                        "Give a caption: one line of plain text, at most 200 characters.",
                    )
                    .to_owned(),
                ),
                (ErrorCode::Invalid, "indicator") => (
                    "indicator",
                    ctx.t("Pilih indikator instrumen periode ini.", "Choose an indicator of the period's instrument.").to_owned(),
                ),
                (ErrorCode::AlreadyPublished, _) => (
                    "",
                    ctx.t(
                        "Periode ini sudah diumumkan: publikasinya menetapkan foto mana yang publik. Minta pengumum menariknya dulu.",
                        "This period is published: its publication fixed which photos are public. Ask the publisher to withdraw it first.",
                    )
                    .to_owned(),
                ),
                _ => ("", e.message.clone()),
            };
            let fields = if target.is_empty() || !crate::store::is_sha256(&sha) {
                Vec::new()
            } else {
                vec![(photo_field(target, &sha), text.clone())]
            };
            let errors = FormErrors {
                message: text,
                fields,
                posted: None,
            };
            // Back to the page the form is on: the verifier's review or the evaluator's case.
            match me.role {
                Role::Verifier | Role::Evaluator => super::case_view(&ctx, &case, me.role, Some(&errors)),
                _ => super::refused(&ctx, &e),
            }
        }
    }
}
