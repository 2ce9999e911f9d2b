//! The pages for people: server-rendered HTML (maud) over the service layer.
//!
//! Every page reads and changes data through [`crate::service`], as the
//! logged-in visitor ([`Actor`]): the service checks roles, scopes and the
//! workflow's transitions, the libraries score and render; a page only turns
//! a form into typed input and a typed result into HTML. Indonesian by
//! default, English on request (a cookie set by `/lang/en`); everything works
//! without JavaScript; every link, form action, redirect and cookie follows
//! the prefix the application is mounted under ([`Mount`]).

mod account;
mod admin;
mod answers;
mod case;
mod central;
mod field;
mod operator;
mod photos;
mod public;
mod reports;
mod review;
mod round;
mod stages;
mod submit;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup, DOCTYPE};
use p2ham_io::model::Lang;
use serde::Deserialize;
use std::fmt::Write as _;

use crate::auth::{cookie, Actor, Credential, SESSION_COOKIE};
use crate::mount::Mount;
use crate::service::{ErrorCode, ServiceError};
use crate::types::{Role, Status};
use crate::AppState;

/// The language cookie's name.
pub(crate) const LANG_COOKIE: &str = "p2ham_lang";

/// The page routes (merged into the application's router).
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/app.css", get(stylesheet))
        .route("/app.js", get(script))
        .route("/review.js", get(review_script))
        .route("/upload.js", get(field::upload_script))
        .route("/offline.js", get(field::offline_script))
        .route("/sw.js", get(field::service_worker))
        .route("/offline", get(field::offline_page))
        .route("/lang/{lang}", get(switch_lang))
        .route("/login", get(account::login_page).post(account::login))
        .route("/logout", post(account::logout))
        .route(
            "/password",
            get(account::password_page).post(account::change_password),
        )
        .route("/unit", get(operator::periods_page))
        .route("/periods/{period}/units/{unit}", get(case_page))
        .route("/periods/{period}/units/{unit}/save", post(operator::save))
        .route("/periods/{period}/units/{unit}/preview", post(operator::preview))
        .route(
            "/periods/{period}/units/{unit}/submit",
            get(submit::confirm_page).post(submit::submit),
        )
        .route(
            "/periods/{period}/units/{unit}/evidence/remove",
            get(operator::remove_evidence_page).post(operator::remove_evidence),
        )
        .route("/periods/{period}/units/{unit}/review", post(review::act))
        .route(
            "/periods/{period}/units/{unit}/public-photos",
            post(photos::public_photo),
        )
        .route(
            "/periods/{period}/units/{unit}/review/preview",
            post(review::preview),
        )
        .route("/periods/{period}/units/{unit}/decide", post(central::decide))
        .route("/periods/{period}/units/{unit}/report/{kind}", get(reports::show))
        .route("/verification", get(review::units_page))
        .route("/evaluation", get(central::dashboard))
        .route("/periods/{period}/round", get(round::round_page).post(round::act))
        .route(
            "/periods/{period}/round/decree-document",
            post(round::upload_decree_document),
        )
        .route("/units/{unit}/history", get(round::history_page))
        .route("/admin", get(admin::show).post(admin::act))
        .route(
            "/admin/users/{username}",
            get(admin::show_user).post(admin::act_user),
        )
        .merge(stages::routes())
        .merge(public::routes())
}

// ---------------------------------------------------------------- the visitor

/// Who is asking, in which language, from which page, under which prefix.
pub(crate) struct Ctx {
    pub lang: Lang,
    pub mount: Mount,
    /// The logged-in visitor (by the session cookie), if any.
    pub me: Option<Actor>,
    /// The session's CSRF token (empty without a session).
    pub csrf: String,
    /// The page's path inside the application (without the prefix), with its query.
    pub path: String,
    /// Where the visitor works, for the header: the unit and its Kanwil (an
    /// operator), the Kanwil (a verifier).
    pub place: Option<String>,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let lang = match cookie(parts, LANG_COOKIE) {
            Some("en") => Lang::En,
            _ => Lang::Id,
        };
        let mount = Mount::of(parts);
        // After a form's POST, the language switch goes back to the page the form is on.
        let path = if parts.method == Method::GET {
            parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_owned()
        } else {
            parts
                .uri
                .path()
                .rsplit_once('/')
                .map_or("/", |(p, _)| if p.is_empty() { "/" } else { p })
                .to_owned()
        };
        let me = match cookie(parts, SESSION_COOKIE) {
            // A metrics account has no pages.
            Some(session) => state
                .sessions()
                .authenticate(None, Some(session))
                .await
                .ok()
                .filter(|a| a.role != Role::Metrics),
            None => None,
        };
        let place = match me.as_ref() {
            Some(m) if m.role == Role::Operator => {
                let unit = state
                    .directory(m)
                    .units()
                    .await
                    .ok()
                    .and_then(|us| us.into_iter().find(|u| m.unit.as_deref() == Some(u.id.as_str())));
                unit.map(|u| format!("{} · {}", u.name, u.office))
            }
            Some(m) => m.office.clone(),
            None => None,
        };
        let csrf = match me.as_ref().map(|m| &m.credential) {
            Some(Credential::Session { csrf }) => csrf.clone(),
            _ => String::new(),
        };
        Ok(Ctx {
            lang,
            mount,
            me,
            csrf,
            path,
            place,
        })
    }
}

impl Ctx {
    /// The text in the visitor's language.
    pub fn t<'a>(&self, id: &'a str, en: &'a str) -> &'a str {
        self.lang.pick(id, en)
    }

    /// `id` or `en`, for the report layer's `lang` parameter.
    pub fn lang_code(&self) -> &'static str {
        match self.lang {
            Lang::En => "en",
            Lang::Id => "id",
        }
    }

    /// A path of the application as the browser asks for it (under the prefix).
    pub fn url(&self, path: &str) -> String {
        self.mount.url(path)
    }

    /// A redirect to a path of the application.
    pub fn redirect(&self, path: &str) -> Response {
        Redirect::to(&self.url(path)).into_response()
    }

    /// The visitor's start page: their role's, or the login page.
    pub fn start(&self) -> &'static str {
        match self.me.as_ref().map(|m| m.role) {
            None | Some(Role::Metrics) => "/login",
            Some(Role::Operator) => "/unit",
            Some(Role::Verifier) => "/verification",
            Some(Role::Evaluator) => "/evaluation",
            Some(Role::Admin) => "/admin",
        }
    }

    /// The logged-in user, or a redirect to the login page.
    #[allow(clippy::result_large_err)]
    pub fn me(&self) -> Result<&Actor, Response> {
        self.me
            .as_ref()
            .ok_or_else(|| self.redirect(&format!("/login?next={}", urlencode(&self.path))))
    }
}

/// Percent-encode a query value.
pub(crate) fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A local path to go back to (never another site).
pub(crate) fn local_path(p: Option<&str>) -> String {
    match p {
        Some(p) if is_local(p) && is_local(&percent_decoded(p.as_bytes(), false)) => p.to_owned(),
        _ => "/".to_owned(),
    }
}

/// A path on this site only: starts with one `/`, no backslash, no control
/// character (browsers drop a tab or line break and read `/\t/host` as `//host`).
fn is_local(p: &str) -> bool {
    p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') && !p.chars().any(char::is_control)
}

/// Text with its `%XX` escapes decoded (and `+` as a space where
/// `plus_is_space`, as in a form); a `%` not followed by two hex digits stays.
fn percent_decoded(bytes: &[u8], plus_is_space: bool) -> String {
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    let digit = |pos: usize| bytes.get(pos).and_then(|&c| char::from(c).to_digit(16));
    while at < bytes.len() {
        match (bytes[at], digit(at + 1), digit(at + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                at += 3;
            }
            (b'+', _, _) if plus_is_space => {
                out.push(b' ');
                at += 1;
            }
            (byte, _, _) => {
                out.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// An HTML id from an indicator id (`A.01` → `A-01`).
pub(crate) fn html_id(prefix: &str, indicator: &str) -> String {
    let clean: String = indicator
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("{prefix}-{clean}")
}

// ---------------------------------------------------------------- layout

/// The menu of a logged-in visitor: their role's pages, the password, logging out.
fn menu(ctx: &Ctx, nav: &[(&str, &str)], me: &Actor) -> Markup {
    html! {
        ul {
            @for (href, label) in nav {
                li { a href=(ctx.url(href)) aria-current=[ctx.path.starts_with(href).then_some("page")] { (label) } }
            }
            li { a href=(ctx.url("/password")) { (ctx.t("Ubah kata sandi", "Change password")) } }
            li {
                form method="post" action=(ctx.url("/logout")) {
                    input type="hidden" name="csrf_token" value=(ctx.csrf);
                    button.link type="submit" { (ctx.t("Keluar", "Log out")) " (" (me.username) ")" }
                }
            }
        }
    }
}

/// The page around `content`: skip link, header with navigation and language
/// switch, one `main` landmark, footer.
pub(crate) fn page(ctx: &Ctx, title: &str, content: &Markup) -> Response {
    page_with(ctx, title, content, &[])
}

/// [`page`] with more scripts of the application (`/review.js`), after `app.js`.
pub(crate) fn page_with(ctx: &Ctx, title: &str, content: &Markup, scripts: &[&str]) -> Response {
    let nav: Vec<(&str, &str)> = match ctx.me.as_ref().map(|m| m.role) {
        Some(Role::Operator) => vec![("/unit", ctx.t("Penilaian unit", "Unit assessment"))],
        Some(Role::Verifier) => vec![("/verification", ctx.t("Verifikasi", "Verification"))],
        Some(Role::Evaluator) => vec![("/evaluation", ctx.t("Evaluasi nasional", "National evaluation"))],
        Some(Role::Admin) => vec![
            ("/admin", ctx.t("Administrasi", "Administration")),
            ("/evaluation", ctx.t("Evaluasi nasional", "National evaluation")),
        ],
        None | Some(Role::Metrics) => vec![],
    };
    let (other, other_label, other_lang) = match ctx.lang {
        Lang::Id => ("en", "English", "en"),
        Lang::En => ("id", "Bahasa Indonesia", "id"),
    };
    let markup = html! {
        (DOCTYPE)
        html lang=(ctx.lang_code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — P2HAM" }
                link rel="stylesheet" href=(ctx.url("/app.css"));
                script src=(ctx.url("/app.js")) defer {}
                @for s in scripts { script src=(ctx.url(s)) defer {} }
            }
            body {
                a.skip href="#main" { (ctx.t("Langsung ke isi", "Skip to content")) }
                header.top {
                    div.bar {
                        div.ident {
                            a.brand href=(ctx.url(if ctx.me.is_none() && ctx.path.starts_with("/publik") { "/publik" } else { ctx.start() })) { "P2HAM" span.sub { (ctx.t("Pelayanan Publik Berbasis HAM", "Human-Rights-Based Public Service")) } }
                            @if let Some(place) = &ctx.place { p.place { (place) } }
                        }
                        @if let Some(me) = &ctx.me {
                            // Wide screens: the menu in the bar.
                            nav.nav-wide aria-label=(ctx.t("Menu utama", "Main menu")) { (menu(ctx, &nav, me)) }
                        }
                        a.lang href=(ctx.url(&format!("/lang/{other}?back={}", urlencode(&ctx.path)))) lang=(other_lang) hreflang=(other_lang) { (other_label) }
                        @if let Some(me) = &ctx.me {
                            // A phone: the same menu behind a button that works without JavaScript.
                            details.menu {
                                summary { "Menu" }
                                nav aria-label=(ctx.t("Menu utama", "Main menu")) { (menu(ctx, &nav, me)) }
                            }
                        }
                    }
                }
                main #main tabindex="-1" {
                    (content)
                }
                footer.foot {
                    p { (ctx.t(
                        "P2HAM — penilaian Pelayanan Publik Berbasis Hak Asasi Manusia oleh unit pelayanan, Kantor Wilayah dan tim penilai nasional.",
                        "P2HAM — the evaluation of human-rights-based public service by service units, regional offices and the national team.")) }
                }
            }
        }
    };
    (
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        axum::response::Html(markup.into_string()),
    )
        .into_response()
}

/// A page saying why the API refused (404 for what is outside one's scope).
pub(crate) fn refused(ctx: &Ctx, p: &ServiceError) -> Response {
    let status = StatusCode::from_u16(p.code.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
    let title = match status {
        StatusCode::NOT_FOUND => ctx.t("Tidak ditemukan", "Not found"),
        StatusCode::FORBIDDEN => ctx.t("Tidak diizinkan", "Not allowed"),
        _ => ctx.t("Tidak dapat diproses", "Could not be done"),
    };
    let mut r = page(
        ctx,
        title,
        &html! {
            h1 { (title) }
            div.alert.error role="alert" { p { (p.message) } }
            p { a href=(ctx.url(ctx.start())) { (ctx.t("Kembali ke beranda", "Back to the start page")) } }
        },
    );
    *r.status_mut() = if status.is_client_error() || status.is_server_error() {
        status
    } else {
        StatusCode::BAD_REQUEST
    };
    r
}

/// An error summary: a heading and one link per problem to its field.
pub(crate) fn error_summary(ctx: &Ctx, message: &str, items: &[(String, String)]) -> Markup {
    html! {
        div.alert.error #error-summary role="alert" tabindex="-1" aria-labelledby="error-summary-title" {
            h2 #error-summary-title { (ctx.t("Ada yang perlu diperbaiki", "There is a problem")) }
            p { (message) }
            @if !items.is_empty() {
                ul {
                    @for (target, text) in items {
                        li { a href=(format!("#{target}")) { (text) } }
                    }
                }
            }
        }
    }
}

/// A notice that something was done.
pub(crate) fn notice(text: &str) -> Markup {
    html! { div.alert.ok role="status" { p { (text) } } }
}

/// The localised name of a status.
pub(crate) fn status_label(ctx: &Ctx, status: Status) -> &'static str {
    let (id, en) = match status {
        Status::Draft => ("Draf", "Draft"),
        Status::Submitted => ("Diajukan", "Submitted"),
        Status::Returned => ("Dikembalikan", "Returned"),
        Status::Verified => ("Terverifikasi", "Verified"),
        Status::Evaluated => ("Dievaluasi", "Evaluated"),
        Status::Awarded => ("Mendapat penghargaan", "Awarded"),
        Status::NotAwarded => ("Tidak mendapat penghargaan", "Not awarded"),
    };
    ctx.t(id, en)
}

/// A month's name (1–12) in the page's language.
pub(crate) fn month_name(ctx: &Ctx, month: i8) -> &'static str {
    const BULAN: [&str; 12] = [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ];
    const MONTH: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let i = usize::try_from(month - 1).unwrap_or(0).min(11);
    ctx.t(BULAN[i], MONTH[i])
}

/// A stored instant as people in Indonesia read it, in Western Indonesia
/// Time (UTC+7, the time the deadlines are set in): `31 Maret 2024, 23.59 WIB`
/// (`31 March 2024, 23:59 WIB` in English). Text that is not an instant is shown as it is.
pub(crate) fn when(ctx: &Ctx, stored: &str) -> String {
    let Ok(at) = stored.parse::<jiff::Timestamp>() else {
        return stored.to_owned();
    };
    let wib = at.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)));
    let month = month_name(ctx, wib.month());
    match ctx.lang {
        Lang::Id => format!(
            "{} {month} {}, {:02}.{:02} WIB",
            wib.day(),
            wib.year(),
            wib.hour(),
            wib.minute()
        ),
        Lang::En => format!(
            "{} {month} {}, {:02}:{:02} WIB",
            wib.day(),
            wib.year(),
            wib.hour(),
            wib.minute()
        ),
    }
}

/// A status as a badge.
pub(crate) fn status_badge(ctx: &Ctx, status: Status) -> Markup {
    html! { span class=(format!("badge s-{}", status.as_str())) { (status_label(ctx, status)) } }
}

// ---------------------------------------------------------------- shared routes

async fn home(ctx: Ctx) -> Response {
    ctx.redirect(ctx.start())
}

#[derive(Deserialize)]
struct Back {
    back: Option<String>,
}

async fn switch_lang(mount: Mount, Path(lang): Path<String>, Query(q): Query<Back>) -> Response {
    let lang = if lang == "en" { "en" } else { "id" };
    let mut r = Redirect::to(&mount.url(&local_path(q.back.as_deref()))).into_response();
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&format!(
            "{LANG_COOKIE}={lang}; Path={}; SameSite=Lax; Max-Age=31536000",
            mount.cookie_path()
        ))
        .expect("ascii on a plain path"),
    );
    r
}

/// A unit's page for a period: the form for its operator, the review for a
/// verifier, the decision for an evaluator.
async fn case_page(
    state: axum::extract::State<AppState>,
    ctx: Ctx,
    Path((period, unit)): Path<(String, String)>,
    Query(q): Query<Flash>,
) -> Response {
    let me = match ctx.me() {
        Ok(m) => m.clone(),
        Err(r) => return r,
    };
    let flash = q.done.as_deref().map(|d| flash_text(&ctx, d));
    let case = match case::Case::read(&state, &ctx, &period, &unit).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match me.role {
        Role::Operator => operator::form_page(&ctx, &case, flash.as_deref(), None),
        Role::Verifier => review::review_page(
            &ctx,
            &case,
            &review::Shown {
                flash: flash.as_deref(),
                attention: q.only.as_deref() == Some(review::ATTENTION),
                ..review::Shown::default()
            },
        ),
        Role::Evaluator | Role::Admin => central::case_detail(&ctx, &case, flash.as_deref(), None),
        Role::Metrics => ctx.redirect("/login"),
    }
}

/// A unit's page as `role` sees it, with the problems of a form posted on it
/// (a form shared by several roles' pages comes back to the right one).
pub(crate) fn case_view(
    ctx: &Ctx,
    case: &case::Case,
    role: Role,
    errors: Option<&case::FormErrors<'_>>,
) -> Response {
    match role {
        Role::Operator => operator::form_page(ctx, case, None, errors),
        Role::Verifier => review::review_page(
            ctx,
            case,
            &review::Shown {
                errors,
                ..review::Shown::default()
            },
        ),
        Role::Evaluator | Role::Admin => central::case_detail(ctx, case, None, errors),
        Role::Metrics => ctx.redirect("/login"),
    }
}

/// `?done=` after a change (post/redirect/get).
#[derive(Deserialize)]
pub(crate) struct Flash {
    pub done: Option<String>,
    /// `attention`: the review shows only the indicators that differ or lack evidence.
    pub only: Option<String>,
}

fn flash_text(ctx: &Ctx, done: &str) -> String {
    match done {
        "saved" => ctx.t("Draf tersimpan.", "Draft saved."),
        "removed" => ctx.t(
            "Bukti dihapus dari jawaban; draf tersimpan.",
            "The evidence was removed from the answer; the draft is saved.",
        ),
        "submitted" => ctx.t(
            "Penilaian mandiri telah diajukan untuk verifikasi.",
            "The self-assessment was submitted for verification.",
        ),
        "returned" => ctx.t(
            "Dikembalikan kepada operator dengan komentar.",
            "Returned to the operator with comments.",
        ),
        "verified" => ctx.t("Verifikasi tercatat.", "The verification is recorded."),
        "evaluated" => ctx.t("Evaluasi tercatat.", "The evaluation is recorded."),
        "awarded" => ctx.t(
            "Keputusan penghargaan tercatat.",
            "The award decision is recorded.",
        ),
        "password" => ctx.t("Kata sandi telah diubah.", "The password was changed."),
        "declared" => ctx.t(
            "Pernyataan pencanangan tersimpan.",
            "The signed declaration is stored.",
        ),
        "skm" => ctx.t(
            "Hasil survei tersimpan; IKM dihitung.",
            "The survey results are stored; the IKM is computed.",
        ),
        "photo-marked" => ctx.t(
            "Foto ditandai publik; salinan publiknya dibuat tanpa metadata.",
            "The photo is marked public; its public copy was made without metadata.",
        ),
        "photo-unmarked" => ctx.t(
            "Tanda publik foto dibatalkan.",
            "The photo is no longer marked public.",
        ),
        _ => "",
    }
    .to_owned()
}

/// Parse a multipart or url-encoded form body into its text fields and files.
pub(crate) struct FormData {
    pub fields: Vec<(String, String)>,
    /// (field name, file name, bytes)
    pub files: Vec<(String, String, Bytes)>,
}

impl FormData {
    /// The first value of a field.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A field's value, trimmed, when not empty.
    pub fn text(&self, name: &str) -> Option<String> {
        self.get(name)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    }

    /// Read a form (multipart, files up to `limit` bytes each, or url-encoded).
    pub async fn read(headers: &HeaderMap, body: Body, limit: u64) -> Result<FormData, FormError> {
        Self::read_within(headers, body, limit, limit.saturating_mul(8), usize::MAX).await
    }

    /// Read a form whose files are at most `limit` bytes each, `whole` bytes
    /// together and `files` in number.
    pub async fn read_within(
        headers: &HeaderMap,
        body: Body,
        limit: u64,
        whole: u64,
        files: usize,
    ) -> Result<FormData, FormError> {
        let ct = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let mut out = FormData {
            fields: Vec::new(),
            files: Vec::new(),
        };
        if let Ok(boundary) = multer::parse_boundary(ct) {
            let constraints = multer::Constraints::new()
                .size_limit(multer::SizeLimit::new().per_field(limit).whole_stream(whole));
            let mut mp = multer::Multipart::with_constraints(body.into_data_stream(), boundary, constraints);
            while let Some(field) = mp.next_field().await.map_err(FormError::multipart)? {
                let name = field.name().unwrap_or_default().to_owned();
                if let Some(file) = field.file_name().map(str::to_owned) {
                    let bytes = field.bytes().await.map_err(FormError::multipart)?;
                    if !file.is_empty() && !bytes.is_empty() {
                        if out.files.len() >= files {
                            return Err(FormError(
                                StatusCode::PAYLOAD_TOO_LARGE,
                                format!("at most {files} files in one save"),
                            ));
                        }
                        out.files.push((name, file, bytes));
                    }
                } else {
                    let text = field.text().await.map_err(FormError::multipart)?;
                    out.fields.push((name, text));
                }
            }
        } else {
            let bytes = axum::body::to_bytes(body, 1024 * 1024)
                .await
                .map_err(|e| FormError::body(&e))?;
            out.fields = form_urlencoded(&bytes);
        }
        Ok(out)
    }
}

/// Why a posted form could not be read: the status to answer and the reason.
#[derive(Debug)]
pub(crate) struct FormError(pub StatusCode, pub String);

impl FormError {
    fn body(e: &axum::Error) -> FormError {
        use crate::api::extract::BodyFailure;
        let status = match BodyFailure::of(e) {
            BodyFailure::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            BodyFailure::Stalled => StatusCode::REQUEST_TIMEOUT,
            BodyFailure::Broken => StatusCode::BAD_REQUEST,
        };
        FormError(status, e.to_string())
    }

    #[allow(clippy::needless_pass_by_value)] // the shape `map_err` hands over
    fn multipart(e: multer::Error) -> FormError {
        use crate::api::extract::BodyFailure;
        let status = match &e {
            multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. } => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            multer::Error::StreamReadFailed(inner) => match BodyFailure::of(inner.as_ref()) {
                BodyFailure::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
                BodyFailure::Stalled => StatusCode::REQUEST_TIMEOUT,
                BodyFailure::Broken => StatusCode::BAD_REQUEST,
            },
            _ => StatusCode::BAD_REQUEST,
        };
        FormError(status, e.to_string())
    }
}

/// Decode `application/x-www-form-urlencoded`.
fn form_urlencoded(bytes: &[u8]) -> Vec<(String, String)> {
    bytes
        .split(|b| *b == b'&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let mut it = kv.splitn(2, |b| *b == b'=');
            let k = percent_decoded(it.next().unwrap_or_default(), true);
            let v = percent_decoded(it.next().unwrap_or_default(), true);
            (k, v)
        })
        .collect()
}

/// The form a logged-in visitor posted, its CSRF token checked; the
/// response to send instead when it cannot be used.
pub(crate) async fn posted(
    ctx: &Ctx,
    headers: &HeaderMap,
    body: Body,
    limit: u64,
) -> Result<FormData, Response> {
    posted_within(ctx, headers, body, (limit, limit, 1)).await
}

/// [`posted`] with files of at most `limits.0` bytes each, `limits.1` bytes
/// together and `limits.2` in number.
pub(crate) async fn posted_within(
    ctx: &Ctx,
    headers: &HeaderMap,
    body: Body,
    (limit, whole, files): (u64, u64, usize),
) -> Result<FormData, Response> {
    ctx.me()?;
    let form = FormData::read_within(headers, body, limit, whole, files)
        .await
        .map_err(|FormError(status, e)| {
            let p = ServiceError::new(
                ErrorCode::Invalid,
                format!(
                    "{}: {e}",
                    ctx.t("Formulir tidak terbaca", "The form could not be read")
                ),
            );
            let mut r = refused(ctx, &p);
            *r.status_mut() = status;
            r
        })?;
    if !csrf_ok(ctx, &form) {
        let p = ServiceError::new(
            ErrorCode::Csrf,
            ctx.t(
                "Formulir ini sudah kedaluwarsa (token CSRF tidak cocok). Muat ulang halaman lalu coba lagi.",
                "This form has expired (the CSRF token does not match). Reload the page and try again.",
            ),
        );
        return Err(refused(ctx, &p));
    }
    Ok(form)
}

/// A form page: 422 when it shows problems.
pub(crate) fn form_status(mut r: Response, has_errors: bool) -> Response {
    if has_errors {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

/// Check the posted CSRF token against the session's.
pub(crate) fn csrf_ok(ctx: &Ctx, form: &FormData) -> bool {
    form.get("csrf_token")
        .is_some_and(|t| !ctx.csrf.is_empty() && crate::types::constant_time_eq(t, &ctx.csrf))
}

/// The page's style sheet: readable type, contrast above 4.5:1, a visible
/// focus ring, one column on a phone.
async fn stylesheet() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("max-age=3600")),
        ],
        STYLE,
    )
        .into_response()
}

const STYLE: &str = include_str!("app.css");

/// The script every page loads: the live score preview on the self-assessment
/// form (each page works without it).
async fn script() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("max-age=3600")),
        ],
        SCRIPT,
    )
        .into_response()
}

const SCRIPT: &str = include_str!("app.js");

/// The review page's script: the verified score live, copying the
/// operator's answers of a criterion in place, the filter without a reload.
async fn review_script() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("max-age=3600")),
        ],
        REVIEW_SCRIPT,
    )
        .into_response()
}

const REVIEW_SCRIPT: &str = include_str!("review.js");

#[cfg(test)]
mod tests {
    use super::{form_urlencoded, local_path};

    #[test]
    fn forms_decode_and_only_local_paths_are_followed() {
        let pairs = form_urlencoded(b"a=x+y%21&b=%zz&c=%e2%9c%93");
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(pairs, [("a", "x y!"), ("b", "%zz"), ("c", "✓")]);
        assert_eq!(local_path(Some("/unit?x=1")), "/unit?x=1");
        for away in [
            "//host",
            "/%2F%2Fhost",
            "/\t/host",
            "/%09/host",
            "/%5C%5Chost",
            "\\\\host",
            "https://host",
        ] {
            assert_eq!(local_path(Some(away)), "/", "{away:?}");
        }
    }
}
