//! The administrator's page: users, units (one at a time or a CSV import) and
//! periods, through the API.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use maud::{html, Markup};
use std::fmt::Write as _;

use super::{error_summary, notice, page, refused, urlencode, Ctx, Flash, FormData};
use crate::proto::{NewPeriod, NewUser, UnitInfo, UserProfile};
use crate::service::{ErrorCode, ServiceError};
use crate::types::Role;
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
const ROLES: [Role; 4] = [Role::Operator, Role::Verifier, Role::Evaluator, Role::Admin];

/// A role's name for people.
fn role_label(ctx: &Ctx, role: Role) -> &'static str {
    match role {
        Role::Operator => ctx.t("Operator unit", "Unit operator"),
        Role::Verifier => ctx.t("Verifikator Kanwil", "Kanwil verifier"),
        Role::Evaluator => ctx.t("Evaluator pusat", "Central evaluator"),
        Role::Admin => ctx.t("Administrator", "Administrator"),
        Role::Metrics => ctx.t("Pemantauan (metrik)", "Monitoring (metrics)"),
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
    let Some(me) = ctx.me.as_ref() else {
        return ctx.redirect("/login");
    };
    let directory = state.directory(me);
    let read = async {
        Ok::<_, ServiceError>((
            directory.users().await?,
            directory.units().await?,
            directory.periods().await?,
            state.instruments(me).list().await?,
        ))
    };
    let (users, units, periods, instruments) = match read.await {
        Ok(all) => all,
        Err(e) => return refused(ctx, &e),
    };
    let content = html! {
        h1 { (ctx.t("Administrasi", "Administration")) }
        ul #admin-pages { li { a href=(ctx.url("/admin/instruments")) { (ctx.t("Instrumen dan perbedaannya", "Instruments and their differences")) } }
            li { a href=(ctx.url("/admin/audit")) { (ctx.t("Log audit", "Audit log")) } } }
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
                tbody role="rowgroup" { @for u in &users {
                    @let username = &u.username;
                    tr role="row" data-user=(username) {
                        th scope="row" role="rowheader" data-label=(h_user) { (username) }
                        td role="cell" data-label=(h_name) { (u.name) }
                        td role="cell" data-label=(h_role) { (role_label(ctx, u.role)) }
                        td role="cell" data-label=(h_where) { (u.unit.as_deref().or(u.office.as_deref()).unwrap_or("—")) }
                        td role="cell" data-label=(h_active) { @if u.active { span.badge.s-active { (ctx.t("Aktif", "Active")) } } @else { span.badge.s-inactive { (ctx.t("Nonaktif", "Deactivated")) } } }
                        td role="cell" data-label=(h_action) { a href=(ctx.url(&format!("/admin/users/{}", urlencode(username)))) {
                            (ctx.t("Ubah", "Edit")) span.visually-hidden { " " (username) } } }
                    }
                } }
            } }
            details {
                summary { (ctx.t("Tambah pengguna", "Add a user")) }
                form method="post" action=(ctx.url("/admin")) {
                    input type="hidden" name="csrf_token" value=(ctx.csrf);
                    input type="hidden" name="what" value="user";
                    (text_field("user-username", "username", ctx.t("Nama pengguna", "Username"), "text", posted, true))
                    (text_field("user-name", "name", ctx.t("Nama", "Name"), "text", posted, true))
                    div.field {
                        label for="user-role" { (ctx.t("Peran", "Role")) }
                        select #user-role name="role" {
                            @for r in ROLES { option value=(r.as_str()) selected[posted.and_then(|f| f.get("role")) == Some(r.as_str())] { (role_label(ctx, r)) } }
                        }
                    }
                    div.field {
                        label for="user-unit" { (ctx.t("Unit (operator)", "Unit (operator)")) }
                        select #user-unit name="unit" {
                            option value="" { "—" }
                            @for u in &units { option value=(u.id) { (u.name) } }
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
                tbody role="rowgroup" { @for u in &units { tr role="row" {
                    th scope="row" role="rowheader" data-label="Id" { (u.id) } td role="cell" data-label=(ctx.t("Nama", "Name")) { (u.name) }
                    td role="cell" data-label=(ctx.t("Jenis", "Kind")) { (u.kind) } td role="cell" data-label="Kanwil" { (u.office) }
                } } }
            } }
            form method="post" action=(ctx.url("/admin")) enctype="multipart/form-data" {
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
                tbody role="rowgroup" { @for p in &periods { tr role="row" {
                    th scope="row" role="rowheader" data-label="Id" { (p.id) }
                    td role="cell" data-label=(ctx.t("Instrumen", "Instrument")) { (p.instrument.id) " " (p.instrument.version) }
                    td role="cell" data-label=(ctx.t("Penilaian mandiri sampai", "Self-assessment until")) { (p.self_closes.as_deref().unwrap_or("—")) }
                    td role="cell" data-label=(ctx.t("Verifikasi sampai", "Verification until")) { (p.verification_closes.as_deref().unwrap_or("—")) }
                } } }
            } }
            details {
                summary { (ctx.t("Tambah periode", "Add a period")) }
                form method="post" action=(ctx.url("/admin")) {
                    input type="hidden" name="csrf_token" value=(ctx.csrf);
                    input type="hidden" name="what" value="period";
                    (text_field("period-id", "id", "Id", "text", posted, true))
                    (text_field("period-year", "year", ctx.t("Tahun", "Year"), "number", posted, true))
                    (super::stages::period_instrument_field(ctx, &instruments, &units, posted, error))
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
    let Some(me) = ctx.me.as_ref() else {
        return ctx.redirect("/login");
    };
    let what = form.get("what").unwrap_or_default().to_owned();
    let admin = match state.directory(me).admin() {
        Ok(a) => a,
        Err(e) => return refused(&ctx, &e),
    };
    let (result, field): (Result<(), ServiceError>, &str) = match what.as_str() {
        "units" => {
            let csv = form.files.first().map(|(_, _, b)| b.to_vec()).unwrap_or_default();
            (
                admin.import_units(&csv).await.map(drop).map_err(Into::into),
                "units-csv",
            )
        }
        "user" => {
            let result = match parse_role(&ctx, form.text("role").as_deref()) {
                Ok(role) => {
                    let user = NewUser {
                        username: form.text("username").unwrap_or_default(),
                        name: form.text("name").unwrap_or_default(),
                        role,
                        unit: form.text("unit"),
                        office: form.text("office"),
                        password: form.get("password").unwrap_or_default().to_owned(),
                    };
                    admin.create_user(&user).await.map_err(Into::into)
                }
                Err(e) => Err(e),
            };
            (result, "user-username")
        }
        _ if form.text("instrument").is_none() => (
            Err(ServiceError::field(
                "instrument",
                ctx.t(
                    "pilih instrumen periode ini (tidak ada instrumen bawaan yang dipilih otomatis)",
                    "choose the period's instrument (none is chosen by default)",
                ),
            )),
            "period-instrument",
        ),
        _ => {
            let year: i64 = form.text("year").and_then(|y| y.parse().ok()).unwrap_or(0);
            let period = NewPeriod {
                id: form.text("id").unwrap_or_default(),
                year,
                instrument: form.text("instrument").unwrap_or_default(),
                self_opens: None,
                self_closes: form.text("self_closes"),
                verification_opens: None,
                verification_closes: form.text("verification_closes"),
                previous: form.text("previous"),
            };
            (
                admin.create_period(&period).await.map_err(Into::into),
                "period-id",
            )
        }
    };
    match result {
        Ok(()) => ctx.redirect(&format!("/admin?done={what}")),
        Err(e) => {
            let message = with_diagnostics(&e);
            admin_page(&state, &ctx, None, Some((field, &message)), Some(&form)).await
        }
    }
}

/// A role named in a form.
fn parse_role(ctx: &Ctx, role: Option<&str>) -> Result<Role, ServiceError> {
    role.and_then(Role::parse).ok_or_else(|| {
        ServiceError::new(
            ErrorCode::Invalid,
            format!("role: {}", ctx.t("pilih peran", "choose a role")),
        )
    })
}

/// A refusal's message with its diagnostics.
fn with_diagnostics(e: &ServiceError) -> String {
    let mut message = e.message.clone();
    for d in &e.diagnostics {
        let _ = write!(message, "; {}: {}", d.path, d.message);
    }
    message
}

/// The Kanwil names the units carry, each once, sorted.
fn offices(units: &[UnitInfo]) -> Vec<String> {
    let mut v: Vec<String> = units.iter().map(|u| u.office.clone()).collect();
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
    let Some(me) = ctx.me.as_ref() else {
        return ctx.redirect("/login");
    };
    let directory = state.directory(me);
    let (user, units) =
        match async { Ok::<_, ServiceError>((directory.user(username).await?, directory.units().await?)) }
            .await
        {
            Ok(found) => found,
            Err(e) if e.code == ErrorCode::NotFound => {
                return refused(
                    ctx,
                    &ServiceError::not_found(format!(
                        "{} `{username}`",
                        ctx.t("Tidak ada pengguna", "No such user")
                    )),
                )
            }
            Err(e) => return refused(ctx, &e),
        };
    let value = |name: &str, stored: Option<&str>| -> String {
        posted.map_or_else(
            || stored.unwrap_or_default().to_owned(),
            |f| f.get(name).unwrap_or_default().to_owned(),
        )
    };
    let name = value("name", Some(&user.name));
    let role = value("role", Some(user.role.as_str()));
    let unit = value("unit", user.unit.as_deref());
    let office = value("office", user.office.as_deref());
    let active = user.active;
    let action = ctx.url(&format!("/admin/users/{}", urlencode(username)));
    let is_me = ctx.me.as_ref().is_some_and(|m| m.username == username);
    let title = format!("{}: {username}", ctx.t("Ubah pengguna", "Edit user"));
    let content = html! {
        p { a href=(ctx.url("/admin")) { "← " (ctx.t("Administrasi", "Administration")) } }
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
                    @for r in ROLES { option value=(r.as_str()) selected[role == r.as_str()] { (role_label(ctx, r)) } }
                }
            }
            div.field {
                label for="user-unit" { (ctx.t("Unit (untuk operator)", "Unit (for an operator)")) }
                select #user-unit name="unit" {
                    option value="" { "—" }
                    @for u in &units {
                        option value=(u.id) selected[unit == u.id] { (u.name) }
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

/// Change a user's profile, or deactivate or reactivate the account.
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
    let Some(me) = ctx.me.as_ref() else {
        return ctx.redirect("/login");
    };
    let admin = match state.directory(me).admin() {
        Ok(a) => a,
        Err(e) => return refused(&ctx, &e),
    };
    let (result, done): (Result<(), ServiceError>, &str) = match form.get("what").unwrap_or_default() {
        "deactivate" => (
            admin.set_active(&username, false).await.map_err(Into::into),
            "deactivated",
        ),
        "reactivate" => (
            admin.set_active(&username, true).await.map_err(Into::into),
            "reactivated",
        ),
        _ => {
            let result = match parse_role(&ctx, form.text("role").as_deref()) {
                Ok(role) => {
                    let profile = UserProfile {
                        name: form.text("name").unwrap_or_default(),
                        role,
                        unit: form.text("unit"),
                        office: form.text("office"),
                    };
                    admin.update_user(&username, &profile).await.map_err(Into::into)
                }
                Err(e) => Err(e),
            };
            (result, "updated")
        }
    };
    match result {
        Ok(()) => ctx.redirect(&format!("/admin/users/{}?done={done}", urlencode(&username))),
        Err(e) if matches!(e.code, ErrorCode::Forbidden | ErrorCode::NotFound) => refused(&ctx, &e),
        Err(e) => {
            let message = with_diagnostics(&e);
            user_page(&state, &ctx, &username, None, Some(&message), Some(&form)).await
        }
    }
}
