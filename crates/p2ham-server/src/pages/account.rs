//! Logging in and out, changing one's password.

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use serde::Deserialize;

use super::{error_summary, local_path, notice, page, refused, Ctx, Flash, FormData};
use crate::auth::SessionSecret;
use crate::proto::LoginRequest;
use crate::service::ErrorCode;
use crate::AppState;

#[derive(Deserialize)]
pub(crate) struct Next {
    next: Option<String>,
}

fn login_form(ctx: &Ctx, next: &str, username: &str, problem: Option<&str>) -> Markup {
    html! {
        div.login {
            h1 { (ctx.t("Masuk", "Log in")) }
            @if let Some(p) = problem {
                (error_summary(ctx, p, &[("username".to_owned(), ctx.t("Nama pengguna", "Username").to_owned())]))
            }
            form method="post" action=(ctx.url("/login")) {
                input type="hidden" name="next" value=(next);
                div.field {
                    label for="username" { (ctx.t("Nama pengguna", "Username")) }
                    input #username type="text" name="username" value=(username) autocomplete="username"
                        autocapitalize="none" spellcheck="false" required aria-invalid=[problem.map(|_| "true")];
                }
                div.field {
                    label for="password" { (ctx.t("Kata sandi", "Password")) }
                    input #password type="password" name="password" autocomplete="current-password" required;
                }
                div.actions { button type="submit" { (ctx.t("Masuk", "Log in")) } }
            }
            p.hint { (ctx.t(
                "Lupa kata sandi? Hubungi administrator P2HAM Kanwil Anda.",
                "Forgot your password? Ask your Kanwil's P2HAM administrator.")) }
        }
    }
}

pub(crate) async fn login_page(ctx: Ctx, Query(q): Query<Next>) -> Response {
    if ctx.me.is_some() {
        return ctx.redirect(&local_path(q.next.as_deref()));
    }
    let next = local_path(q.next.as_deref());
    page(&ctx, ctx.t("Masuk", "Log in"), &login_form(&ctx, &next, "", None))
}

pub(crate) async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    peer: crate::Peer,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if !same_origin(&headers) {
        // Another site's form must not log a visitor into an account of its choosing.
        let e = crate::service::ServiceError::new(
            ErrorCode::Forbidden,
            ctx.t(
                "Formulir masuk ini dikirim dari situs lain dan ditolak.",
                "This login form was sent from another site and is refused.",
            ),
        );
        return refused(&ctx, &e);
    }
    let form = match FormData::read(&headers, body, 4096).await {
        Ok(f) => f,
        Err(super::FormError(status, e)) => return (status, e).into_response(),
    };
    let request = LoginRequest {
        username: form.get("username").unwrap_or_default().trim().to_owned(),
        password: form.get("password").unwrap_or_default().to_owned(),
    };
    let next = local_path(form.get("next"));
    let refusal = match state.sessions().login(&request, peer.0).await {
        Ok(session) => {
            let mut resp = ctx.redirect(&next);
            let cookie = crate::auth::session_cookie(&state, &ctx.mount, &session.secret, session.max_age);
            resp.headers_mut().append(header::SET_COOKIE, cookie);
            return resp;
        }
        Err(e) => e,
    };
    // One message whether the user exists or not.
    let message = if refusal.code == ErrorCode::RateLimited {
        ctx.t(
            "Terlalu banyak percobaan masuk. Tunggu satu menit lalu coba lagi.",
            "Too many login attempts. Wait a minute and try again.",
        )
    } else {
        ctx.t(
            "Nama pengguna atau kata sandi salah.",
            "Wrong username or password.",
        )
    };
    let mut resp = page(
        &ctx,
        ctx.t("Masuk", "Log in"),
        &login_form(&ctx, &next, &request.username, Some(message)),
    );
    *resp.status_mut() = StatusCode::from_u16(refusal.code.http_status()).unwrap_or(StatusCode::UNAUTHORIZED);
    resp
}

/// Whether a form was sent from this site: the browser's `Origin` (or, without
/// it, `Sec-Fetch-Site`) names the host the request is for. A request with
/// neither comes from no browser's cross-site form and is let through.
pub(crate) fn same_origin(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("null");
        let authority = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"));
        return matches!((authority, host), (Some(a), Some(h)) if a.eq_ignore_ascii_case(h));
    }
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some(site) => matches!(site, "same-origin" | "none"),
        None => true,
    }
}

pub(crate) async fn logout(
    State(state): State<AppState>,
    ctx: Ctx,
    session: SessionSecret,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let form = FormData::read(&headers, body, 4096).await.unwrap_or(FormData {
        fields: Vec::new(),
        files: Vec::new(),
    });
    // Only the session's own form ends it (its CSRF token); the cookie goes either way.
    if let (Some(me), Some(secret)) = (ctx.me.as_ref(), session.0.as_deref()) {
        if super::csrf_ok(&ctx, &form) {
            if let Err(e) = state.sessions().logout(me, secret).await {
                return refused(&ctx, &e);
            }
        }
    }
    let mut resp = ctx.redirect("/login");
    let cookie = crate::auth::session_cookie(&state, &ctx.mount, "", 0);
    resp.headers_mut().append(header::SET_COOKIE, cookie);
    resp
}

fn password_form(ctx: &Ctx, errors: &[(String, String)], flash: Option<&str>) -> Markup {
    let err = |id: &str| errors.iter().find(|(k, _)| k == id).map(|(_, m)| m.clone());
    let field = |id: &'static str, label: &str, auto: &'static str, hint: Option<&str>| {
        let e = err(id);
        html! {
            div.field {
                label for=(id) { (label) }
                @if let Some(h) = hint { p.hint id=(format!("{id}-hint")) { (h) } }
                @if let Some(m) = &e { p.field-error id=(format!("{id}-error")) { (m) } }
                input id=(id) type="password" name=(id) autocomplete=(auto) required
                    class=[e.as_ref().map(|_| "invalid")]
                    aria-invalid=[e.as_ref().map(|_| "true")]
                    aria-describedby=[match (hint, &e) {
                        (_, Some(_)) => Some(format!("{id}-error")),
                        (Some(_), None) => Some(format!("{id}-hint")),
                        _ => None,
                    }];
            }
        }
    };
    html! {
        h1 { (ctx.t("Ubah kata sandi", "Change password")) }
        @if let Some(f) = flash { (notice(f)) }
        @if !errors.is_empty() {
            (error_summary(ctx, ctx.t("Kata sandi belum diubah.", "The password was not changed."), errors))
        }
        form method="post" action=(ctx.url("/password")) {
            input type="hidden" name="csrf_token" value=(ctx.csrf);
            (field("current", ctx.t("Kata sandi sekarang", "Current password"), "current-password", None))
            (field("new", ctx.t("Kata sandi baru", "New password"), "new-password",
                Some(ctx.t("Paling sedikit 10 karakter.", "At least 10 characters."))))
            (field("confirm", ctx.t("Ulangi kata sandi baru", "Repeat the new password"), "new-password", None))
            div.actions { button type="submit" { (ctx.t("Ubah kata sandi", "Change password")) } }
        }
    }
}

pub(crate) async fn password_page(ctx: Ctx, Query(q): Query<Flash>) -> Response {
    if let Err(r) = ctx.me() {
        return r;
    }
    let flash = (q.done.as_deref() == Some("password"))
        .then(|| ctx.t("Kata sandi telah diubah.", "The password was changed."));
    page(
        &ctx,
        ctx.t("Ubah kata sandi", "Change password"),
        &password_form(&ctx, &[], flash),
    )
}

pub(crate) async fn change_password(
    State(state): State<AppState>,
    ctx: Ctx,
    peer: crate::Peer,
    session: SessionSecret,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let me = match ctx.me() {
        Ok(m) => m.clone(),
        Err(r) => return r,
    };
    let form = match super::posted(&ctx, &headers, body, 4096).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let current = form.get("current").unwrap_or_default().to_owned();
    let new = form.get("new").unwrap_or_default().to_owned();
    let confirm = form.get("confirm").unwrap_or_default();
    let mut errors = Vec::new();
    if new.chars().count() < 10 {
        errors.push((
            "new".to_owned(),
            ctx.t(
                "Kata sandi baru paling sedikit 10 karakter.",
                "The new password needs at least 10 characters.",
            )
            .to_owned(),
        ));
    } else if new != confirm {
        errors.push((
            "confirm".to_owned(),
            ctx.t(
                "Kedua kata sandi baru tidak sama.",
                "The two new passwords differ.",
            )
            .to_owned(),
        ));
    }
    if errors.is_empty() {
        match state
            .sessions()
            .change_password(&me, (peer.0, session.0.as_deref()), &current, &new)
            .await
        {
            Ok(()) => return ctx.redirect("/password?done=password"),
            Err(e) if e.code == ErrorCode::LoginFailed => errors.push((
                "current".to_owned(),
                ctx.t("Kata sandi sekarang salah.", "The current password is wrong.")
                    .to_owned(),
            )),
            Err(e) if e.code == ErrorCode::Invalid => errors.push(("new".to_owned(), e.message)),
            Err(e) if e.code == ErrorCode::RateLimited => errors.push((
                "current".to_owned(),
                ctx.t(
                    "Terlalu banyak kata sandi salah. Tunggu satu menit lalu coba lagi.",
                    "Too many wrong passwords. Wait a minute and try again.",
                )
                .to_owned(),
            )),
            Err(e) => return refused(&ctx, &e),
        }
    }
    let mut r = page(
        &ctx,
        ctx.t("Ubah kata sandi", "Change password"),
        &password_form(&ctx, &errors, None),
    );
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    r
}
