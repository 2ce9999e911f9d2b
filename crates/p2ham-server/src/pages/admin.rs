//! The administrator's page: users, units (one at a time or a CSV import) and
//! periods, through the API.

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde_json::{json, Value};
use std::fmt::Write as _;

use axum::extract::Path;

use super::{error_summary, notice, page, refused, urlencode, Ctx, Flash, FormData};
use crate::AppState;

fn text_field(
    id: &str,
    name: &str,
    label: &str,
    kind: &str,
    posted: Option<&FormData>,
    required: bool,
) -> Markup {
    html! {
        div.field {
            label for=(id) { (label) }
            input id=(id) type=(kind) name=(name) required[required]
                value=(if kind == "password" { "" } else { posted.and_then(|f| f.get(name)).unwrap_or_default() });
        }
    }
}

/// The roles, in the order forms list them.
const ROLES: [&str; 4] = ["operator", "verifier", "evaluator", "admin"];

/// A role's name for people.
fn role_label(ctx: &Ctx, role: &str) -> String {
    match role {
        "operator" => ctx.t("Operator unit", "Unit operator"),
        "verifier" => ctx.t("Verifikator Kanwil", "Kanwil verifier"),
        "evaluator" => ctx.t("Evaluator pusat", "Central evaluator"),
        "admin" => ctx.t("Administrator", "Administrator"),
        other => other,
    }
    .to_owned()
}

/// Users, units and periods, with forms to add them.
async fn admin_page(
    state: &AppState,
    ctx: &Ctx,
    flash: Option<&str>,
    error: Option<(&str, &str)>,
    posted: Option<&FormData>,
) -> Response {
    let users = ctx.get(state, "/api/v1/users").await;
    if !users.ok() {
        return refused(ctx, &users.problem());
    }
    let users = users.json();
    let units = ctx.get(state, "/api/v1/units").await.json();
    let periods = ctx.get(state, "/api/v1/periods").await.json();
    let instruments = ctx.get(state, "/api/v1/instruments").await.json();
    let list = |v: &Value| v.as_array().cloned().unwrap_or_default();
    let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let content = html! {
        h1 { (ctx.t("Administrasi", "Administration")) }
        @if let Some(f) = flash { (notice(f)) }
        @if let Some((field, message)) = error {
            (error_summary(ctx, message, &[(field.to_owned(), message.to_owned())]))
        }
        section aria-labelledby="users-title" {
            h2 #users-title { (ctx.t("Pengguna", "Users")) }
            @let (h_user, h_name, h_role, h_where, h_active, h_action) = (
                ctx.t("Nama pengguna", "Username"), ctx.t("Nama", "Name"), ctx.t("Peran", "Role"),
                ctx.t("Unit / Kanwil", "Unit / Kanwil"), ctx.t("Status", "Status"), ctx.t("Tindakan", "Action"));
            div.table-wrap { table.stack #users role="table" {
                thead role="rowgroup" { tr role="row" {
                    th scope="col" role="columnheader" { (h_user) } th scope="col" role="columnheader" { (h_name) } th scope="col" role="columnheader" { (h_role) }
                    th scope="col" role="columnheader" { (h_where) } th scope="col" role="columnheader" { (h_active) } th scope="col" role="columnheader" { (h_action) }
                } }
                tbody role="rowgroup" { @for u in list(&users) {
                    @let username = s(&u["username"]);
                    @let active = u["active"].as_bool().unwrap_or(false);
                    tr role="row" data-user=(username) {
                        th scope="row" role="rowheader" data-label=(h_user) { (username) }
                        td role="cell" data-label=(h_name) { (s(&u["name"])) }
                        td role="cell" data-label=(h_role) { (role_label(ctx, &s(&u["role"]))) }
                        td role="cell" data-label=(h_where) { (u["unit"].as_str().or(u["office"].as_str()).unwrap_or("—")) }
                        td role="cell" data-label=(h_active) { @if active { span.badge.s-active { (ctx.t("Aktif", "Active")) } } @else { span.badge.s-inactive { (ctx.t("Nonaktif", "Deactivated")) } } }
                        td role="cell" data-label=(h_action) { a href=(format!("/admin/users/{}", urlencode(&username))) {
                            (ctx.t("Ubah", "Edit")) span.visually-hidden { " " (username) } } }
                    }
                } }
            } }
            details {
                summary { (ctx.t("Tambah pengguna", "Add a user")) }
                form method="post" action="/admin" {
                    input type="hidden" name="csrf_token" value=(ctx.csrf);
                    input type="hidden" name="what" value="user";
                    (text_field("user-username", "username", ctx.t("Nama pengguna", "Username"), "text", posted, true))
                    (text_field("user-name", "name", ctx.t("Nama", "Name"), "text", posted, true))
                    div.field {
                        label for="user-role" { (ctx.t("Peran", "Role")) }
                        select #user-role name="role" {
                            @for r in ROLES { option value=(r) selected[posted.and_then(|f| f.get("role")) == Some(r)] { (role_label(ctx, r)) } }
                        }
                    }
                    div.field {
                        label for="user-unit" { (ctx.t("Unit (operator)", "Unit (operator)")) }
                        select #user-unit name="unit" {
                            option value="" { "—" }
                            @for u in list(&units) { option value=(s(&u["id"])) { (s(&u["name"])) } }
                        }
                    }
                    (text_field("user-office", "office", ctx.t("Kanwil (verifikator)", "Kanwil (verifier)"), "text", posted, false))
                    (text_field("user-password", "password", ctx.t("Kata sandi awal (paling sedikit 10 karakter)", "Initial password (at least 10 characters)"), "password", None, true))
                    div.actions { button type="submit" { (ctx.t("Tambah pengguna", "Add the user")) } }
                }
            }
        }
        section aria-labelledby="units-title" {
            h2 #units-title { (ctx.t("Unit", "Units")) }
            div.table-wrap { table.stack role="table" {
                thead role="rowgroup" { tr role="row" { th scope="col" role="columnheader" { "Id" } th scope="col" role="columnheader" { (ctx.t("Nama", "Name")) } th scope="col" role="columnheader" { (ctx.t("Jenis", "Kind")) } th scope="col" role="columnheader" { "Kanwil" } } }
                tbody role="rowgroup" { @for u in list(&units) { tr role="row" {
                    th scope="row" role="rowheader" data-label="Id" { (s(&u["id"])) } td role="cell" data-label=(ctx.t("Nama", "Name")) { (s(&u["name"])) }
                    td role="cell" data-label=(ctx.t("Jenis", "Kind")) { (s(&u["kind"])) } td role="cell" data-label="Kanwil" { (s(&u["office"])) }
                } } }
            } }
            form method="post" action="/admin" enctype="multipart/form-data" {
                input type="hidden" name="csrf_token" value=(ctx.csrf);
                input type="hidden" name="what" value="units";
                div.field {
                    label for="units-csv" { (ctx.t("Impor unit dari CSV", "Import units from CSV")) }
                    p.hint #units-csv-hint { (ctx.t("Kepala kolom: id,name,kind,office. Setiap baris diperiksa dulu; bila ada yang salah, tidak ada yang disimpan.",
                        "Header: id,name,kind,office. Every row is checked first; if one is wrong, nothing is stored.")) }
                    input #units-csv type="file" name="csv" accept=".csv,text/csv" aria-describedby="units-csv-hint" required;
                }
                div.actions { button type="submit" { (ctx.t("Impor", "Import")) } }
            }
        }
        section aria-labelledby="periods-title" {
            h2 #periods-title { (ctx.t("Periode", "Periods")) }
            div.table-wrap { table.stack role="table" {
                thead role="rowgroup" { tr role="row" {
                    th scope="col" role="columnheader" { "Id" } th scope="col" role="columnheader" { (ctx.t("Instrumen", "Instrument")) }
                    th scope="col" role="columnheader" { (ctx.t("Penilaian mandiri sampai", "Self-assessment until")) }
                    th scope="col" role="columnheader" { (ctx.t("Verifikasi sampai", "Verification until")) }
                } }
                tbody role="rowgroup" { @for p in list(&periods) { tr role="row" {
                    th scope="row" role="rowheader" data-label="Id" { (s(&p["id"])) }
                    td role="cell" data-label=(ctx.t("Instrumen", "Instrument")) { (s(&p["instrument"]["id"])) " " (s(&p["instrument"]["version"])) }
                    td role="cell" data-label=(ctx.t("Penilaian mandiri sampai", "Self-assessment until")) { (p["self_closes"].as_str().unwrap_or("—")) }
                    td role="cell" data-label=(ctx.t("Verifikasi sampai", "Verification until")) { (p["verification_closes"].as_str().unwrap_or("—")) }
                } } }
            } }
            details {
                summary { (ctx.t("Tambah periode", "Add a period")) }
                form method="post" action="/admin" {
                    input type="hidden" name="csrf_token" value=(ctx.csrf);
                    input type="hidden" name="what" value="period";
                    (text_field("period-id", "id", "Id", "text", posted, true))
                    (text_field("period-year", "year", ctx.t("Tahun", "Year"), "number", posted, true))
                    div.field {
                        label for="period-instrument" { (ctx.t("Instrumen", "Instrument")) }
                        select #period-instrument name="instrument" {
                            @for i in list(&instruments) { option value=(s(&i["id"])) { (s(&i["id"])) " " (s(&i["version"])) } }
                        }
                    }
                    (text_field("period-self-closes", "self_closes", ctx.t("Batas penilaian mandiri", "Self-assessment deadline"), "date", posted, false))
                    (text_field("period-verification-closes", "verification_closes", ctx.t("Batas verifikasi", "Verification deadline"), "date", posted, false))
                    div.actions { button type="submit" { (ctx.t("Tambah periode", "Add the period")) } }
                }
            }
        }
    };
    super::form_status(
        page(ctx, ctx.t("Administrasi", "Administration"), &content),
        error.is_some(),
    )
}

pub(crate) async fn show(State(state): State<AppState>, ctx: Ctx, Query(q): Query<Flash>) -> Response {
    if let Err(r) = ctx.me() {
        return r;
    }
    let flash = q.done.as_deref().map(|d| match d {
        "user" => ctx.t("Pengguna ditambahkan.", "The user was added."),
        "units" => ctx.t("Unit diimpor.", "The units were imported."),
        _ => ctx.t("Periode ditambahkan.", "The period was added."),
    });
    admin_page(&state, &ctx, flash, None, None).await
}

pub(crate) async fn act(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, body: Body) -> Response {
    let form = match super::posted(&ctx, &headers, body, 4 * 1024 * 1024).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let csrf = form.get("csrf_token").unwrap_or_default().to_owned();
    let what = form.get("what").unwrap_or_default().to_owned();
    let (r, field) = match what.as_str() {
        "units" => {
            let csv = form.files.first().map(|(_, _, b)| b.to_vec()).unwrap_or_default();
            (
                ctx.send(
                    &state,
                    Method::POST,
                    "/api/v1/units/import",
                    &csrf,
                    "text/csv",
                    csv,
                )
                .await,
                "units-csv",
            )
        }
        "user" => {
            let body = json!({
                "username": form.text("username").unwrap_or_default(),
                "name": form.text("name").unwrap_or_default(),
                "role": form.text("role").unwrap_or_default(),
                "unit": form.text("unit"),
                "office": form.text("office"),
                "password": form.get("password").unwrap_or_default(),
            });
            (
                ctx.send_json(&state, Method::POST, "/api/v1/users", &csrf, &body)
                    .await,
                "user-username",
            )
        }
        _ => {
            let year: i64 = form.text("year").and_then(|y| y.parse().ok()).unwrap_or(0);
            let body = json!({
                "id": form.text("id").unwrap_or_default(),
                "year": year,
                "instrument": form.text("instrument").unwrap_or_default(),
                "self_closes": form.text("self_closes"),
                "verification_closes": form.text("verification_closes"),
            });
            (
                ctx.send_json(&state, Method::POST, "/api/v1/periods", &csrf, &body)
                    .await,
                "period-id",
            )
        }
    };
    if r.ok() {
        return Redirect::to(&format!("/admin?done={what}")).into_response();
    }
    let p = r.problem();
    let mut message = p.message.clone();
    for (path, m) in &p.diagnostics {
        let _ = write!(message, "; {path}: {m}");
    }
    admin_page(&state, &ctx, None, Some((field, &message)), Some(&form)).await
}

/// The Kanwil names the units carry, each once, sorted.
fn offices(units: &Value) -> Vec<String> {
    let mut v: Vec<String> = units
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|u| u["office"].as_str().map(str::to_owned))
        .collect();
    v.sort();
    v.dedup();
    v
}

/// One user: the profile form and the account's status.
async fn user_page(
    state: &AppState,
    ctx: &Ctx,
    username: &str,
    flash: Option<&str>,
    error: Option<&str>,
    posted: Option<&FormData>,
) -> Response {
    let users = ctx.get(state, "/api/v1/users").await;
    if !users.ok() {
        return refused(ctx, &users.problem());
    }
    let users = users.json();
    let Some(user) = users
        .as_array()
        .into_iter()
        .flatten()
        .find(|u| u["username"].as_str() == Some(username))
        .cloned()
    else {
        return refused(
            ctx,
            &super::Problem {
                status: axum::http::StatusCode::NOT_FOUND,
                message: format!("{} `{username}`", ctx.t("Tidak ada pengguna", "No such user")),
                ..super::Problem::default()
            },
        );
    };
    let units = ctx.get(state, "/api/v1/units").await.json();
    let value = |name: &str, stored: &Value| -> String {
        posted.map_or_else(
            || stored.as_str().unwrap_or_default().to_owned(),
            |f| f.get(name).unwrap_or_default().to_owned(),
        )
    };
    let name = value("name", &user["name"]);
    let role = value("role", &user["role"]);
    let unit = value("unit", &user["unit"]);
    let office = value("office", &user["office"]);
    let active = user["active"].as_bool().unwrap_or(false);
    let action = format!("/admin/users/{}", urlencode(username));
    let is_me = ctx.me.as_ref().is_some_and(|m| m.username == username);
    let title = format!("{}: {username}", ctx.t("Ubah pengguna", "Edit user"));
    let content = html! {
        p { a href="/admin" { "← " (ctx.t("Administrasi", "Administration")) } }
        h1 { (title) }
        @if let Some(f) = flash { (notice(f)) }
        @if let Some(message) = error {
            (error_summary(ctx, message, &[("user-name".to_owned(), message.to_owned())]))
        }
        p { (ctx.t("Status akun", "Account status")) ": "
            @if active { span.badge.s-active { (ctx.t("Aktif", "Active")) } } @else { span.badge.s-inactive { (ctx.t("Nonaktif", "Deactivated")) } } }
        form method="post" action=(action) {
            input type="hidden" name="csrf_token" value=(ctx.csrf);
            input type="hidden" name="what" value="profile";
            div.field {
                label for="user-name" { (ctx.t("Nama", "Name")) }
                input #user-name type="text" name="name" value=(name) required;
            }
            div.field {
                label for="user-role" { (ctx.t("Peran", "Role")) }
                select #user-role name="role" {
                    @for r in ROLES { option value=(r) selected[role == r] { (role_label(ctx, r)) } }
                }
            }
            div.field {
                label for="user-unit" { (ctx.t("Unit (untuk operator)", "Unit (for an operator)")) }
                select #user-unit name="unit" {
                    option value="" { "—" }
                    @for u in units.as_array().into_iter().flatten() {
                        @let id = u["id"].as_str().unwrap_or_default();
                        option value=(id) selected[unit == id] { (u["name"].as_str().unwrap_or(id)) }
                    }
                }
            }
            div.field {
                label for="user-office" { (ctx.t("Kanwil (untuk verifikator)", "Kanwil (for a verifier)")) }
                select #user-office name="office" {
                    option value="" { "—" }
                    @for o in offices(&units) { option value=(o) selected[office == o] { (o) } }
                }
            }
            div.actions { button type="submit" { (ctx.t("Simpan perubahan", "Save the changes")) } }
        }
        section aria-labelledby="account-title" {
            h2 #account-title { (ctx.t("Akses", "Access")) }
            @if is_me {
                p { (ctx.t("Anda tidak dapat menonaktifkan akun Anda sendiri.", "You cannot deactivate your own account.")) }
            } @else if active {
                p { (ctx.t(
                    "Pengguna yang dinonaktifkan tidak dapat masuk lagi; sesi yang sedang berjalan berakhir dan token API-nya ditolak. Semua catatannya tetap tersimpan.",
                    "A deactivated user can no longer log in; their open sessions end and their API tokens are refused. Everything they recorded stays on record.")) }
                form method="post" action=(action) {
                    input type="hidden" name="csrf_token" value=(ctx.csrf);
                    input type="hidden" name="what" value="deactivate";
                    div.actions { button.warn type="submit" { (ctx.t("Nonaktifkan pengguna", "Deactivate the user")) } }
                }
            } @else {
                p { (ctx.t("Pengguna ini dinonaktifkan dan tidak dapat masuk.", "This user is deactivated and cannot log in.")) }
                form method="post" action=(action) {
                    input type="hidden" name="csrf_token" value=(ctx.csrf);
                    input type="hidden" name="what" value="reactivate";
                    div.actions { button type="submit" { (ctx.t("Aktifkan kembali", "Reactivate")) } }
                }
            }
        }
    };
    super::form_status(page(ctx, &title, &content), error.is_some())
}

/// One user's page.
pub(crate) async fn show_user(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(username): Path<String>,
    Query(q): Query<Flash>,
) -> Response {
    if let Err(r) = ctx.me() {
        return r;
    }
    let flash = q.done.as_deref().map(|d| match d {
        "deactivated" => ctx.t(
            "Pengguna dinonaktifkan; sesinya telah berakhir.",
            "The user is deactivated; their sessions have ended.",
        ),
        "reactivated" => ctx.t("Pengguna diaktifkan kembali.", "The user is active again."),
        _ => ctx.t("Perubahan pengguna tersimpan.", "The user's changes are saved."),
    });
    user_page(&state, &ctx, &username, flash, None, None).await
}

/// Change a user's profile, or deactivate or reactivate the account, through the API.
pub(crate) async fn act_user(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(username): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let form = match super::posted(&ctx, &headers, body, 64 * 1024).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let csrf = form.get("csrf_token").unwrap_or_default().to_owned();
    let base = format!("/api/v1/users/{}", urlencode(&username));
    let (r, done) = match form.get("what").unwrap_or_default() {
        "deactivate" => (
            ctx.send(
                &state,
                Method::POST,
                &format!("{base}/deactivate"),
                &csrf,
                "application/json",
                Vec::new(),
            )
            .await,
            "deactivated",
        ),
        "reactivate" => (
            ctx.send(
                &state,
                Method::POST,
                &format!("{base}/reactivate"),
                &csrf,
                "application/json",
                Vec::new(),
            )
            .await,
            "reactivated",
        ),
        _ => {
            let body = json!({
                "name": form.text("name").unwrap_or_default(),
                "role": form.text("role").unwrap_or_default(),
                "unit": form.text("unit"),
                "office": form.text("office"),
            });
            (
                ctx.send_json(&state, Method::PUT, &base, &csrf, &body).await,
                "updated",
            )
        }
    };
    if r.ok() {
        return Redirect::to(&format!("/admin/users/{}?done={done}", urlencode(&username))).into_response();
    }
    let p = r.problem();
    if matches!(p.status.as_u16(), 403 | 404) {
        return refused(&ctx, &p);
    }
    let mut message = p.message.clone();
    for (path, m) in &p.diagnostics {
        let _ = write!(message, "; {path}: {m}");
    }
    user_page(&state, &ctx, &username, None, Some(&message), Some(&form)).await
}
