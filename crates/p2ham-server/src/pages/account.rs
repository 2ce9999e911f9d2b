//! Logging in and out, changing one's password.

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde::Deserialize;
use sqlx::Row;

use super::{error_summary, local_path, notice, page, Ctx, Flash, FormData};
use crate::audit::{self, Event};
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
            form method="post" action="/login" {
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
        return Redirect::to(&local_path(q.next.as_deref())).into_response();
    }
    let next = local_path(q.next.as_deref());
    page(&ctx, ctx.t("Masuk", "Log in"), &login_form(&ctx, &next, "", None))
}

pub(crate) async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let form = match FormData::read(&headers, body, 4096).await {
        Ok(f) => f,
        Err(e) => return (StatusCode::BAD_REQUEST, e).into_response(),
    };
    let username = form.get("username").unwrap_or_default().trim().to_owned();
    let password = form.get("password").unwrap_or_default().to_owned();
    let next = local_path(form.get("next"));
    let r = super::call(
        &state,
        Method::POST,
        "/api/v1/session",
        None,
        None,
        Some("application/json"),
        serde_json::to_vec(&serde_json::json!({"username": username, "password": password})).expect("json"),
    )
    .await;
    if r.ok() {
        let mut resp = Redirect::to(&next).into_response();
        for c in r.headers.get_all(header::SET_COOKIE) {
            resp.headers_mut().append(header::SET_COOKIE, c.clone());
        }
        return resp;
    }
    // One message whether the user exists or not.
    let message = if r.status == StatusCode::TOO_MANY_REQUESTS {
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
        &login_form(&ctx, &next, &username, Some(message)),
    );
    *resp.status_mut() = r.status;
    resp
}

pub(crate) async fn logout(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let form = FormData::read(&headers, body, 4096).await.unwrap_or(FormData {
        fields: Vec::new(),
        files: Vec::new(),
    });
    let csrf = form.get("csrf_token").unwrap_or_default();
    let r = ctx
        .send(
            &state,
            Method::DELETE,
            "/api/v1/session",
            csrf,
            "application/json",
            Vec::new(),
        )
        .await;
    let mut resp = Redirect::to("/login").into_response();
    for c in r.headers.get_all(header::SET_COOKIE) {
        resp.headers_mut().append(header::SET_COOKIE, c.clone());
    }
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
        form method="post" action="/password" {
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
    let stored: Option<String> = sqlx::query("SELECT password_hash FROM users WHERE username = $1")
        .bind(&me.username)
        .fetch_optional(state.db().pool())
        .await
        .ok()
        .flatten()
        .and_then(|r| r.try_get("password_hash").ok());
    let hash = stored.unwrap_or_default();
    let ok = tokio::task::spawn_blocking(move || crate::auth::verify_password(&current, &hash))
        .await
        .unwrap_or(false);
    if !ok {
        errors.push((
            "current".to_owned(),
            ctx.t("Kata sandi sekarang salah.", "The current password is wrong.")
                .to_owned(),
        ));
    }
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
    if !errors.is_empty() {
        let mut r = page(
            &ctx,
            ctx.t("Ubah kata sandi", "Change password"),
            &password_form(&ctx, &errors, None),
        );
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return r;
    }
    let stored = async {
        let hash = tokio::task::spawn_blocking(move || crate::auth::hash_password(&new))
            .await
            .map_err(|e| e.to_string())??;
        let mut w = state.db().write().await.map_err(|e| e.to_string())?;
        let mut turn = audit::reserve(&mut w.tx).await.map_err(|e| e.to_string())?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE username = $2")
            .bind(&hash)
            .bind(&me.username)
            .execute(&mut *w.tx)
            .await
            .map_err(|e| e.to_string())?;
        turn.record(
            &mut w.tx,
            Event {
                actor: &me.username,
                role: me.role.as_str(),
                action: "change-password",
                object: format!("user/{}", me.username),
                before: None,
                after: None,
            },
        )
        .await
        .map_err(|e| e.to_string())?;
        w.commit().await.map_err(|e| e.to_string())
    }
    .await;
    match stored {
        Ok(()) => Redirect::to("/password?done=password").into_response(),
        Err(e) => {
            tracing::error!("change password: {e}");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the password could not be stored",
            )
                .into_response()
        }
    }
}
