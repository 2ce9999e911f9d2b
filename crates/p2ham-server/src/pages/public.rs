//! The public record (`/publik`), no login: the published periods, a
//! period's units holding the predikat (searchable, filterable), a unit's
//! page, the facility finder, the open data and the feed. Everything comes
//! from the published record ([`crate::service::Public`]), kept in memory;
//! nothing reads a live case.

use std::collections::BTreeSet;

use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use maud::{html, Markup};
use p2ham_io::model::{Decision, Lang, Text, VulnerableGroup};
use p2ham_io::public::{PublicIndicator, PublicPhoto, PublicUnit, PUBLIC_LICENCE};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::{page, refused, urlencode, Ctx, LANG_COOKIE};
use crate::api::public::not_modified;
use crate::auth::cookie;
use crate::mount::Mount;
use crate::service::{PublicRecord, PublishedPeriod, ServiceError};
use crate::AppState;

/// The public pages' routes (the open data's are the API's).
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/publik", get(index))
        .route("/publik/periode/{period}", get(period_page))
        .route("/publik/unit/{unit}", get(unit_page))
        .route("/publik/fasilitas", get(finder))
}

/// A visitor of the public pages: the language and the prefix; no session is looked up.
pub(crate) struct Visitor(Ctx);

impl FromRequestParts<AppState> for Visitor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        let lang = match cookie(parts, LANG_COOKIE) {
            Some("en") => Lang::En,
            _ => Lang::Id,
        };
        Ok(Visitor(Ctx {
            lang,
            mount: Mount::of(parts),
            me: None,
            csrf: String::new(),
            path: parts
                .uri
                .path_and_query()
                .map_or("/publik", |p| p.as_str())
                .to_owned(),
            place: None,
        }))
    }
}

/// A public page: the layout of every page, with a strong ETag of its
/// bytes; a cache may keep it and asks again each time (304 when unchanged),
/// so a publication or its withdrawal shows at once. It varies by the
/// language cookie only.
async fn public_page(ctx: &Ctx, headers: &HeaderMap, title: &str, content: &Markup) -> Response {
    let r = page(ctx, title, content);
    let status = r.status();
    let body = match axum::body::to_bytes(r.into_body(), usize::MAX).await {
        Ok(b) => b,
        Err(e) => return refused(ctx, &ServiceError::internal(&e)),
    };
    let etag = format!("\"{:x}\"", Sha256::digest(&body));
    let cache = HeaderValue::from_static("public, no-cache");
    let vary = HeaderValue::from_static("Cookie, Accept-Encoding");
    let tag = HeaderValue::from_str(&etag).unwrap_or_else(|_| HeaderValue::from_static("\"\""));
    if status.is_success() && not_modified(headers, &etag) {
        return (
            StatusCode::NOT_MODIFIED,
            [
                (header::ETAG, tag),
                (header::CACHE_CONTROL, cache),
                (header::VARY, vary),
            ],
        )
            .into_response();
    }
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::ETAG, tag),
            (header::CACHE_CONTROL, cache),
            (header::VARY, vary),
        ],
        body,
    )
        .into_response()
}

async fn record(state: &AppState, ctx: &Ctx) -> Result<std::sync::Arc<PublicRecord>, Response> {
    state.public().record().await.map_err(|e| refused(ctx, &e))
}

fn not_published(ctx: &Ctx, what: String) -> Response {
    refused(ctx, &ServiceError::not_found(what))
}

/// The name of a unit kind, e.g. `kanim` → Kantor Imigrasi.
fn kind_name(ctx: &Ctx, kind: &str) -> String {
    let (id, en) = match kind {
        "kanim" => ("Kantor Imigrasi", "Immigration office"),
        "lapas" => ("Lembaga Pemasyarakatan", "Prison"),
        "rutan" => ("Rumah Tahanan Negara", "Remand centre"),
        "lpka" => (
            "Lembaga Pembinaan Khusus Anak",
            "Juvenile correctional institution",
        ),
        "bapas" => ("Balai Pemasyarakatan", "Probation office"),
        "rupbasan" => (
            "Rumah Penyimpanan Benda Sitaan Negara",
            "State seized-goods storage",
        ),
        "kanwil" => ("Kantor Wilayah", "Regional office"),
        other => return other.to_uppercase(),
    };
    ctx.t(id, en).to_owned()
}

fn decision_text(ctx: &Ctx, d: Option<Decision>) -> &'static str {
    d.map_or("—", |d| p2ham_report::labels::award_decision(d).get(ctx.lang))
}

fn text<'a>(ctx: &Ctx, t: &'a Text) -> &'a str {
    t.get(ctx.lang)
}

/// The data licence, said on every public page.
fn licence(ctx: &Ctx) -> Markup {
    html! {
        p.hint #licence {
            (ctx.t("Data rekam publik ini boleh dipakai ulang dengan lisensi ", "This public record's data may be reused under the licence "))
            a href="https://creativecommons.org/licenses/by/4.0/deed.id" rel="license" { "Creative Commons Atribusi 4.0 (" (PUBLIC_LICENCE) ")" }
            (ctx.t(", dengan menyebut sumbernya: P2HAM.", ", naming the source: P2HAM."))
        }
    }
}

fn crumbs(ctx: &Ctx, here: &str) -> Markup {
    html! {
        nav aria-label=(ctx.t("Lokasi", "Breadcrumb")) {
            p { a href=(ctx.url("/publik")) { (ctx.t("Rekam publik P2HAM", "P2HAM public record")) } " › " (here) }
        }
    }
}

fn period_url(ctx: &Ctx, period: &str) -> String {
    ctx.url(&format!("/publik/periode/{}", urlencode(period)))
}

fn unit_url(ctx: &Ctx, unit: &str) -> String {
    ctx.url(&format!("/publik/unit/{}", urlencode(unit)))
}

fn data_url(ctx: &Ctx, period: &str, file: &str) -> String {
    ctx.url(&format!("/publik/data/{}/{file}", urlencode(period)))
}

// ---------------------------------------------------------------- the periods

async fn index(State(state): State<AppState>, Visitor(ctx): Visitor, headers: HeaderMap) -> Response {
    let record = match record(&state, &ctx).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let title = ctx.t("Rekam publik P2HAM", "P2HAM public record");
    let content = html! {
        h1 { (title) }
        p { (ctx.t(
            "Unit pelayanan Kementerian yang memperoleh predikat Pelayanan Publik Berbasis Hak Asasi Manusia (P2HAM), menurut keputusan yang telah diumumkan: nilai hasil verifikasi per kriteria, serta fasilitas dan layanan bagi kelompok rentan yang terverifikasi ada di tempat.",
            "The ministry's service units awarded the predikat of human-rights-based public service (P2HAM), by the published decrees: their verified scores by criterion, and the facilities and services for vulnerable groups verified on site.")) }
        p { a.button href=(ctx.url("/publik/fasilitas")) { (ctx.t("Cari fasilitas dan layanan", "Find a facility or service")) } }
        h2 { (ctx.t("Periode yang diumumkan", "Published periods")) }
        @if record.periods.is_empty() {
            p #no-periods { (ctx.t("Belum ada periode yang diumumkan.", "No period has been published yet.")) }
        } @else {
            ul #periods {
                @for p in &record.periods {
                    @let awarded = p.units.units.iter().filter(|u| u.predikat).count();
                    li {
                        a href=(period_url(&ctx, &p.period)) { (ctx.t("Periode ", "Period ")) (p.period) }
                        ": " (awarded) (ctx.t(" unit berpredikat", " units awarded"))
                        " · " (ctx.t("Keputusan ", "Decree ")) (p.units.decree.number)
                        @if let Some(d) = &p.units.decree.date { " (" (p2ham_report::number::long_date(Some(d), ctx.lang)) ")" }
                    }
                }
            }
        }
        p { a href=(ctx.url("/publik/feed.atom")) type="application/atom+xml" { (ctx.t("Umpan Atom periode yang diumumkan", "Atom feed of published periods")) } }
        (licence(&ctx))
    };
    public_page(&ctx, &headers, title, &content).await
}

// ---------------------------------------------------------------- a period

#[derive(Debug, Default, Deserialize)]
struct PeriodQuery {
    /// Part of a unit's name or its city.
    q: Option<String>,
    /// A Kanwil.
    kanwil: Option<String>,
    /// A unit kind.
    jenis: Option<String>,
}

/// Whether a unit matches the search and filters.
fn matches(u: &PublicUnit, q: &PeriodQuery) -> bool {
    let needle = q.q.as_deref().map(str::trim).unwrap_or_default().to_lowercase();
    let name_ok =
        needle.is_empty() || u.name.to_lowercase().contains(&needle) || u.id.to_lowercase().contains(&needle);
    let kanwil_ok = q
        .kanwil
        .as_deref()
        .filter(|k| !k.is_empty())
        .is_none_or(|k| u.office.as_deref() == Some(k));
    let kind_ok = q
        .jenis
        .as_deref()
        .filter(|k| !k.is_empty())
        .is_none_or(|k| u.kind == k);
    name_ok && kanwil_ok && kind_ok
}

fn downloads(ctx: &Ctx, p: &PublishedPeriod) -> Markup {
    html! {
        h2 #downloads { (ctx.t("Unduhan dan data terbuka", "Downloads and open data")) }
        ul {
            @if let Some(d) = &p.decree_document {
                li #decree-document {
                    a href=(data_url(ctx, &p.period, crate::service::DECREE_FILE)) download {
                        (ctx.t("Unduh Keputusan", "Download the decree")) " (PDF, " (super::stages::size(d.size)) ")"
                    }
                    br;
                    span.hint { "SHA-256 " code.digest { (d.sha256) } }
                }
            }
            li { a href=(data_url(ctx, &p.period, "lampiran.html")) { (ctx.t("Lampiran keputusan (HTML)", "Annex of the decree (HTML)")) } }
            li { a href=(data_url(ctx, &p.period, "lampiran.xlsx")) { (ctx.t("Lampiran keputusan (XLSX)", "Annex of the decree (XLSX)")) } }
            li { a href=(data_url(ctx, &p.period, "awards.csv")) { (ctx.t("Lampiran keputusan (CSV)", "Annex of the decree (CSV)")) } }
            li { a href=(data_url(ctx, &p.period, "awards.json")) { (ctx.t("Daftar keputusan (JSON, p2ham-awards/1)", "Decreed list (JSON, p2ham-awards/1)")) } }
            li { a href=(data_url(ctx, &p.period, "units.json")) { (ctx.t("Rekam publik unit (JSON, p2ham-public-units/1)", "Units' public record (JSON, p2ham-public-units/1)")) } }
        }
        p.hint {
            (ctx.t("Skema: ", "Schemas: "))
            a href=(ctx.url("/schema/awards.schema.json")) { "awards.schema.json" } ", "
            a href=(ctx.url("/schema/public-units.schema.json")) { "public-units.schema.json" }
        }
    }
}

async fn period_page(
    State(state): State<AppState>,
    Visitor(ctx): Visitor,
    Path(period): Path<String>,
    Query(q): Query<PeriodQuery>,
    headers: HeaderMap,
) -> Response {
    let record = match record(&state, &ctx).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let Some(p) = record.period(&period) else {
        return not_published(&ctx, format!("period `{period}` is not published"));
    };
    let awarded: Vec<&PublicUnit> = p.units.units.iter().filter(|u| u.predikat).collect();
    let offices: BTreeSet<&str> = awarded.iter().filter_map(|u| u.office.as_deref()).collect();
    let kinds: BTreeSet<&str> = awarded.iter().map(|u| u.kind.as_str()).collect();
    let shown: Vec<&&PublicUnit> = awarded.iter().filter(|u| matches(u, &q)).collect();
    let title = format!(
        "{} {}",
        ctx.t("Unit berpredikat P2HAM, periode", "Units awarded P2HAM, period"),
        p.period
    );
    let decree = &p.units.decree;
    let content = html! {
        (crumbs(&ctx, &format!("{} {}", ctx.t("Periode", "Period"), p.period)))
        h1 { (title) }
        dl.meta {
            dt { (ctx.t("Keputusan", "Decree")) } dd #decree-number { (decree.number) }
            @if let Some(d) = &decree.date { dt { (ctx.t("Tanggal", "Date")) } dd { (p2ham_report::number::long_date(Some(d), ctx.lang)) } }
            @if let Some(i) = &decree.issuer { dt { (ctx.t("Ditetapkan oleh", "Issued by")) } dd { (i) } }
        }
        form.filter method="get" action=(period_url(&ctx, &p.period)) role="search" {
            div.field {
                label for="q" { (ctx.t("Nama unit atau kota", "Unit name or city")) }
                input #q type="text" name="q" value=(q.q.as_deref().unwrap_or_default());
            }
            div.field {
                label for="kanwil" { (ctx.t("Kantor Wilayah (provinsi)", "Regional office (province)")) }
                select #kanwil name="kanwil" {
                    option value="" { (ctx.t("Semua", "All")) }
                    @for o in &offices { option value=(o) selected[q.kanwil.as_deref() == Some(*o)] { (o) } }
                }
            }
            div.field {
                label for="jenis" { (ctx.t("Jenis unit", "Kind of unit")) }
                select #jenis name="jenis" {
                    option value="" { (ctx.t("Semua", "All")) }
                    @for k in &kinds { option value=(k) selected[q.jenis.as_deref() == Some(*k)] { (kind_name(&ctx, k)) } }
                }
            }
            div.actions { button type="submit" { (ctx.t("Cari", "Search")) } }
        }
        p role="status" { (shown.len()) (ctx.t(" dari ", " of ")) (awarded.len()) (ctx.t(" unit berpredikat", " awarded units")) }
        @if !shown.is_empty() {
            div.table-wrap {
                table #units {
                    caption.visually-hidden { (title) }
                    thead { tr {
                        th scope="col" { (ctx.t("Unit pelayanan", "Service unit")) }
                        th scope="col" { (ctx.t("Jenis", "Kind")) }
                        th scope="col" { (ctx.t("Kantor Wilayah", "Regional office")) }
                        th scope="col" { (ctx.t("Keputusan", "Decision")) }
                        th.num scope="col" { (ctx.t("Nilai terverifikasi", "Verified score")) }
                    } }
                    tbody {
                        @for u in &shown {
                            tr {
                                th scope="row" { a href=(unit_url(&ctx, &u.id)) { (u.name) } }
                                td { (kind_name(&ctx, &u.kind)) }
                                td { (u.office.as_deref().unwrap_or("—")) }
                                td { (decision_text(&ctx, u.decision)) }
                                td.num { (p2ham_report::number::figure(u.total, ctx.lang)) }
                            }
                        }
                    }
                }
            }
        }
        (downloads(&ctx, p))
        (licence(&ctx))
    };
    public_page(&ctx, &headers, &title, &content).await
}

// ---------------------------------------------------------------- a unit

/// The size a public photo is shown at beside its indicator: at most
/// [`PHOTO_SHOWN`] pixels on its longest side, its proportions kept.
const PHOTO_SHOWN: u32 = 240;

fn shown_size(p: &PublicPhoto) -> (u32, u32) {
    let long = p.width.max(p.height).max(1);
    let scale = |side: u32| (u64::from(side) * u64::from(PHOTO_SHOWN.min(long)) / u64::from(long)).max(1);
    (
        u32::try_from(scale(p.width)).unwrap_or(PHOTO_SHOWN),
        u32::try_from(scale(p.height)).unwrap_or(PHOTO_SHOWN),
    )
}

/// An indicator verified as met, with the photos of it marked public (small,
/// loaded when scrolled to, the caption as their text and under them; each
/// links to the whole photo).
fn met_item(ctx: &Ctx, i: &PublicIndicator) -> Markup {
    html! {
        li {
            (text(ctx, &i.title))
            @if !i.photos.is_empty() {
                ul.public-photos {
                    @for p in &i.photos {
                        @let (w, h) = shown_size(p);
                        @let src = ctx.url(&format!("/publik/foto/{}.jpg", p.sha256));
                        li {
                            figure {
                                a href=(src) { img src=(src) alt=(p.caption) loading="lazy" width=(w) height=(h); }
                                figcaption { (p.caption) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The groups an indicator serves, or none (everyone).
fn group_sections(ctx: &Ctx, u: &PublicUnit) -> Markup {
    let general: Vec<_> = u.met.iter().filter(|i| i.groups.is_empty()).collect();
    html! {
        @for g in VulnerableGroup::ALL {
            @let items: Vec<_> = u.met.iter().filter(|i| i.groups.contains(&g)).collect();
            @if !items.is_empty() {
                section.card id=(format!("group-{}", g.as_str())) {
                    h3 { (ctx.t("Bagi ", "For ")) (g.label(ctx.lang).to_lowercase()) }
                    ul { @for i in &items { (met_item(ctx, i)) } }
                }
            }
        }
        @if !general.is_empty() {
            section.card #group-umum {
                h3 { (ctx.t("Bagi semua pengguna layanan", "For everyone using the service")) }
                ul { @for i in &general { (met_item(ctx, i)) } }
            }
        }
    }
}

async fn unit_page(
    State(state): State<AppState>,
    Visitor(ctx): Visitor,
    Path(unit): Path<String>,
    headers: HeaderMap,
) -> Response {
    let record = match record(&state, &ctx).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let Some((p, u)) = record.unit(&unit) else {
        return not_published(&ctx, format!("no published period lists unit `{unit}`"));
    };
    let history = record.history(&unit);
    let title = u.name.clone();
    let content = html! {
        (crumbs(&ctx, &u.name))
        h1 { (title) }
        p { (kind_name(&ctx, &u.kind)) @if let Some(o) = &u.office { " · " (o) } }
        p #predikat {
            @if u.predikat {
                strong { (ctx.t("Berpredikat P2HAM", "Holds the P2HAM predikat")) }
            } @else {
                strong { (ctx.t("Tidak berpredikat P2HAM", "Does not hold the P2HAM predikat")) }
            }
            (ctx.t(" menurut keputusan periode ", " by the decree of period ")) a href=(period_url(&ctx, &p.period)) { (p.period) }
            " (" (p.units.decree.number) ")"
        }
        @if let Some(h) = &history {
            h2 { (ctx.t("Predikat dari tahun ke tahun", "The predikat over the years")) }
            div.table-wrap {
                table #history {
                    thead { tr {
                        th scope="col" { (ctx.t("Periode", "Period")) }
                        th scope="col" { (ctx.t("Predikat", "Predikat")) }
                        th scope="col" { (ctx.t("Keputusan", "Decision")) }
                        th.num scope="col" { (ctx.t("Nilai", "Score")) }
                    } }
                    tbody {
                        @for e in h.periods.iter().filter(|e| e.present).rev() {
                            tr {
                                th scope="row" { a href=(period_url(&ctx, &e.period)) { (e.period) } }
                                td { @match e.predikat { Some(true) => (ctx.t("Ya", "Yes")), Some(false) => (ctx.t("Tidak", "No")), None => "—" } }
                                td { (decision_text(&ctx, e.decision)) }
                                td.num { (p2ham_report::number::figure(e.total, ctx.lang)) }
                            }
                        }
                    }
                }
            }
            @if h.current_streak > 1 {
                p { (h.current_streak) (ctx.t(" periode berturut-turut berpredikat.", " periods in a row with the predikat.")) }
            }
        }
        @if !u.criteria.is_empty() {
            h2 { (ctx.t("Nilai hasil verifikasi per kriteria, periode ", "Verified scores by criterion, period ")) (p.period) }
            div.table-wrap {
                table #criteria {
                    thead { tr {
                        th scope="col" { (ctx.t("Kriteria", "Criterion")) }
                        th.num scope="col" { (ctx.t("Nilai (0–100)", "Score (0–100)")) }
                    } }
                    tbody {
                        @for c in &u.criteria {
                            tr { th scope="row" { (text(&ctx, &c.title)) } td.num { (p2ham_report::number::figure(c.score, ctx.lang)) } }
                        }
                    }
                    tfoot { tr { th scope="row" { (ctx.t("Nilai total", "Total")) } td.num #total { (p2ham_report::number::figure(u.total, ctx.lang)) } } }
                }
            }
        }
        @if !u.met.is_empty() {
            h2 #facilities { (ctx.t("Fasilitas dan layanan yang terverifikasi ada", "Facilities and services verified as present")) }
            p.hint { (ctx.t(
                "Diperiksa di tempat oleh tim verifikasi Kantor Wilayah dan dinilai memenuhi oleh tim penilai.",
                "Checked on site by the regional office's verification team and found to be met.")) }
            (group_sections(&ctx, u))
        }
        p { a href=(data_url(&ctx, &p.period, "units.json")) { (ctx.t("Data unit ini dan unit lainnya (JSON)", "This unit's and the other units' data (JSON)")) } }
        (licence(&ctx))
    };
    public_page(&ctx, &headers, &title, &content).await
}

// ---------------------------------------------------------------- the facility finder

#[derive(Debug, Default, Deserialize)]
struct FinderQuery {
    /// An indicator id.
    indikator: Option<String>,
    /// Words of a facility's name.
    q: Option<String>,
}

async fn finder(
    State(state): State<AppState>,
    Visitor(ctx): Visitor,
    Query(q): Query<FinderQuery>,
    headers: HeaderMap,
) -> Response {
    let record = match record(&state, &ctx).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let title = ctx.t("Cari fasilitas dan layanan", "Find a facility or service");
    let Some(p) = record.latest() else {
        let content = html! {
            (crumbs(&ctx, title))
            h1 { (title) }
            p { (ctx.t("Belum ada periode yang diumumkan.", "No period has been published yet.")) }
            (licence(&ctx))
        };
        return public_page(&ctx, &headers, title, &content).await;
    };
    // Every facility verified as present in some unit of the latest period, by group.
    let mut all: Vec<(&str, &Text, Option<VulnerableGroup>)> = Vec::new();
    for u in &p.units.units {
        for i in &u.met {
            if all.iter().all(|(id, _, _)| *id != i.id) {
                all.push((&i.id, &i.title, i.groups.first().copied()));
            }
        }
    }
    all.sort_by(|a, b| text(&ctx, a.1).cmp(text(&ctx, b.1)));
    let chosen = q.indikator.as_deref().filter(|s| !s.is_empty());
    let words = q.q.as_deref().map(str::trim).unwrap_or_default().to_lowercase();
    let asked = chosen.is_some() || !words.is_empty();
    let wanted = |id: &str, title: &Text| {
        chosen.is_some_and(|c| c == id)
            || (!words.is_empty()
                && (title.id.to_lowercase().contains(&words)
                    || title
                        .en
                        .as_deref()
                        .is_some_and(|e| e.to_lowercase().contains(&words))))
    };
    let found: Vec<(&PublicUnit, Vec<&Text>)> = p
        .units
        .units
        .iter()
        .filter_map(|u| {
            let hits: Vec<&Text> = u
                .met
                .iter()
                .filter(|i| wanted(&i.id, &i.title))
                .map(|i| &i.title)
                .collect();
            (!hits.is_empty()).then_some((u, hits))
        })
        .collect();
    let content = html! {
        (crumbs(&ctx, title))
        h1 { (title) }
        p { (ctx.t("Unit pelayanan yang fasilitas atau layanannya terverifikasi ada pada periode terakhir yang diumumkan, ", "Service units where a facility or service was verified as present in the latest published period, "))
            a href=(period_url(&ctx, &p.period)) { (p.period) } "." }
        form.filter method="get" action=(ctx.url("/publik/fasilitas")) role="search" {
            div.field {
                label for="indikator" { (ctx.t("Fasilitas atau layanan", "Facility or service")) }
                select #indikator name="indikator" {
                    option value="" { (ctx.t("Pilih…", "Choose…")) }
                    @for g in VulnerableGroup::ALL.iter().map(|g| Some(*g)).chain([None]) {
                        @let items: Vec<_> = all.iter().filter(|(_, _, first)| *first == g).collect();
                        @if !items.is_empty() {
                            optgroup label=(g.map_or(ctx.t("Semua pengguna layanan", "Everyone"), |g| g.label(ctx.lang))) {
                                @for (id, t, _) in items { option value=(id) selected[chosen == Some(*id)] { (text(&ctx, t)) } }
                            }
                        }
                    }
                }
            }
            div.field {
                label for="q" { (ctx.t("atau ketik, mis. toilet disabilitas, ruang laktasi", "or type, e.g. accessible toilet, lactation room")) }
                input #q type="text" name="q" value=(q.q.as_deref().unwrap_or_default());
            }
            div.actions { button type="submit" { (ctx.t("Cari", "Search")) } }
        }
        @if asked {
            h2 { (ctx.t("Hasil", "Results")) }
            p role="status" { (found.len()) (ctx.t(" unit pelayanan", " service units")) }
            @if !found.is_empty() {
                ul #found {
                    @for (u, hits) in &found {
                        li {
                            a href=(unit_url(&ctx, &u.id)) { (u.name) }
                            " · " (u.office.as_deref().unwrap_or("")) ": "
                            @for (n, t) in hits.iter().enumerate() { @if n > 0 { "; " } (text(&ctx, t)) }
                        }
                    }
                }
            }
        }
        (licence(&ctx))
    };
    public_page(&ctx, &headers, title, &content).await
}
