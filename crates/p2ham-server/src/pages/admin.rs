//! The administrator's page: users, units (one at a time or a CSV import) and
//! periods, through the API.

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde_json::{json, Value};
use std::fmt::Write as _;

use super::{error_summary, notice, page, refused, Ctx, Flash, FormData};
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
            div.table-wrap { table {
                thead { tr {
                    th scope="col" { (ctx.t("Nama pengguna", "Username")) } th scope="col" { (ctx.t("Nama", "Name")) }
                    th scope="col" { (ctx.t("Peran", "Role")) } th scope="col" { (ctx.t("Unit / Kanwil", "Unit / Kanwil")) }
                    th scope="col" { (ctx.t("Aktif", "Active")) }
                } }
                tbody { @for u in list(&users) { tr {
                    th scope="row" { (s(&u["username"])) } td { (s(&u["name"])) } td { (s(&u["role"])) }
                    td { (u["unit"].as_str().or(u["office"].as_str()).unwrap_or("—")) }
                    td { @if u["active"].as_bool().unwrap_or(false) { (ctx.t("ya", "yes")) } @else { (ctx.t("tidak", "no")) } }
                } } }
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
                            @for r in ["operator", "verifier", "evaluator", "admin"] { option value=(r) { (r) } }
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
            div.table-wrap { table {
                thead { tr { th scope="col" { "Id" } th scope="col" { (ctx.t("Nama", "Name")) } th scope="col" { (ctx.t("Jenis", "Kind")) } th scope="col" { "Kanwil" } } }
                tbody { @for u in list(&units) { tr {
                    th scope="row" { (s(&u["id"])) } td { (s(&u["name"])) } td { (s(&u["kind"])) } td { (s(&u["office"])) }
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
            div.table-wrap { table {
                thead { tr {
                    th scope="col" { "Id" } th scope="col" { (ctx.t("Instrumen", "Instrument")) }
                    th scope="col" { (ctx.t("Penilaian mandiri sampai", "Self-assessment until")) }
                    th scope="col" { (ctx.t("Verifikasi sampai", "Verification until")) }
                } }
                tbody { @for p in list(&periods) { tr {
                    th scope="row" { (s(&p["id"])) } td { (s(&p["instrument"]["id"])) " " (s(&p["instrument"]["version"])) }
                    td { (p["self_closes"].as_str().unwrap_or("—")) } td { (p["verification_closes"].as_str().unwrap_or("—")) }
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
