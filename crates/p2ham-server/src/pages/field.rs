//! The scripts that keep the operator's form working on a weak signal (the
//! uploads, the copy kept on the phone, the service worker) and the page the
//! service worker shows for a page of the application not yet kept on the
//! phone when there is no connection.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use maud::html;

use super::{page, Ctx};

fn javascript(body: &'static str, cache: &'static str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        ],
        body,
    )
        .into_response()
}

/// Each chosen file uploaded on its own (tus), photos made smaller first.
pub(crate) async fn upload_script() -> Response {
    javascript(include_str!("upload.js"), "max-age=3600")
}

/// Answers kept on the phone as they are typed; saves queued while offline.
pub(crate) async fn offline_script() -> Response {
    javascript(include_str!("offline.js"), "max-age=3600")
}

/// The service worker: served from the application's root so that its
/// scope covers every page; never cached by the browser's HTTP cache, so a
/// new version is found at once.
pub(crate) async fn service_worker() -> Response {
    javascript(include_str!("sw.js"), "no-cache")
}

/// What the service worker shows for a page not kept on the phone, when
/// there is no connection (instead of the browser's error page).
pub(crate) async fn offline_page(ctx: Ctx) -> Response {
    let title = ctx.t("Tidak ada sambungan", "No connection");
    let content = html! {
        h1 { (title) }
        p { (ctx.t(
            "Halaman ini belum tersimpan di perangkat dan tidak dapat dimuat tanpa sambungan.",
            "This page is not kept on this device and cannot be loaded without a connection.")) }
        div.alert.offline #offline-status role="status" aria-live="polite" hidden {}
        p { (ctx.t(
            "Jawaban dan berkas yang sudah Anda simpan di formulir tetap ada di perangkat ini dan dikirim begitu sambungan kembali.",
            "Answers and files you saved on the form stay on this device and are sent as soon as the connection returns.")) }
        p { a href=(ctx.url("/unit")) { (ctx.t("Ke daftar periode penilaian", "To the evaluation periods")) } }
        script src=(ctx.url("/offline.js")) defer {}
    };
    page(&ctx, title, &content)
}
