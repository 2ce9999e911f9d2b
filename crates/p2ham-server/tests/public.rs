//! The public record (`/publik`): the Sampit year runs up to its decree as in
//! `tests/year.rs` (Kanim keeps its predikat, Bapas gains it, Lapas loses it
//! with 79.58 below the pass mark 80), with a hostile unit name and notes in
//! every place a person writes one. Before publishing, nothing of the period
//! is public; after it, the units appear with the evaluator's figures, the
//! name escaped, no note, no person's name; the open data validates against
//! its schemas, is cacheable (ETag, 304) and goes away on unpublishing.

mod common;

use common::{files_under, fixture, repo, Client, TestServer};
use reqwest::Method;
use serde_json::{json, Value};

const UNITS: [&str; 3] = ["kanim-sampit", "lapas-sampit", "bapas-sampit"];
/// Kanim's name in its documents: markup a page must show as text.
const HOSTILE: &str = "Kantor Imigrasi <script>alert('x')</script> & \"Sampit\"";
/// Words written in notes, comments and reasons: never public.
const SECRET: &str = "CATATAN-RAHASIA-7731";

fn case(unit: &str) -> String {
    format!("/api/v1/periods/2023/units/{unit}")
}

/// A fixture document with Kanim's hostile name and a secret in every note.
fn document(unit: &str, stage: &str) -> Vec<u8> {
    let mut v: Value = serde_json::from_slice(&fixture(&format!(
        "fixtures/assessments/sampit-2023/{unit}.{stage}.json"
    )))
    .expect("json");
    if unit == "kanim-sampit" {
        v["unit"]["name"] = json!(HOSTILE);
    }
    for a in v["answers"].as_array_mut().expect("answers") {
        if let Some(n) = a.get("note").and_then(Value::as_str) {
            a["note"] = json!(format!("{n} {SECRET}"));
        }
    }
    if stage == "verification" {
        // It verifies the self-assessment as changed here.
        v["verifies"] = json!(format!(
            "sha256:{}",
            p2ham_io::digest::sha256_hex(&document(unit, "self"))
        ));
    }
    serde_json::to_vec(&v).expect("json")
}

/// The names of the people in a fixture document.
fn people(unit: &str) -> Vec<String> {
    let mut out = Vec::new();
    for stage in ["self", "verification"] {
        let v: Value = serde_json::from_slice(&fixture(&format!(
            "fixtures/assessments/sampit-2023/{unit}.{stage}.json"
        )))
        .expect("json");
        for p in v["assessors"].as_array().into_iter().flatten() {
            out.push(p["name"].as_str().expect("name").to_owned());
        }
    }
    out
}

/// The Sampit year up to the evaluation of the three units (a returned
/// submission with a comment on the way), a struck-off unit lifted again.
async fn round(server: &TestServer) {
    let evaluator = server.login("evaluator").await;
    let verifier = server.login("verifier-kalteng").await;
    evaluator
        .put_bytes(
            "/api/v1/periods/2023/previous-awards",
            fixture("fixtures/awards/kalteng-2022.json"),
        )
        .await
        .expect(201);
    for unit in UNITS {
        let op = server.login(&format!("operator-{unit}")).await;
        let evidence = files_under(&repo().join("fixtures/evidence").join(unit), &["foto", "dokumen"]);
        op.upload(&format!("{}/evidence", case(unit)), evidence)
            .await
            .expect(201);
        op.put_bytes(&format!("{}/self-assessment", case(unit)), document(unit, "self"))
            .await
            .expect(200);
        op.declare("2023", unit).await;
        op.post(&format!("{}/submit", case(unit)), json!({}))
            .await
            .expect(200);
        if unit == "kanim-sampit" {
            verifier
                .post(
                    &format!("{}/return", case(unit)),
                    json!({"comments": [{"indicator": null, "comment": format!("Lengkapi foto. {SECRET}")}]}),
                )
                .await
                .expect(200);
            op.post(&format!("{}/submit", case(unit)), json!({}))
                .await
                .expect(200);
        }
        let evidence = files_under(&repo().join("fixtures/evidence").join(unit), &["verifikasi"]);
        verifier
            .upload(&format!("{}/evidence", case(unit)), evidence)
            .await
            .expect(201);
        verifier
            .put_bytes(
                &format!("{}/verification", case(unit)),
                document(unit, "verification"),
            )
            .await
            .expect(200);
        evaluator
            .post(&format!("{}/evaluate", case(unit)), json!({"note": SECRET}))
            .await
            .expect(200);
    }
    evaluator
        .post(
            "/api/v1/periods/2023/exclusions",
            json!({"unit": "bapas-sampit", "reason": SECRET}),
        )
        .await
        .expect(201);
    Client::reply(evaluator.request(Method::DELETE, "/api/v1/periods/2023/exclusions/bapas-sampit"))
        .await
        .expect(204);
}

/// Every public URL of period 2023 (pages and data).
const PERIOD_URLS: [&str; 9] = [
    "/publik/periode/2023",
    "/publik/unit/kanim-sampit",
    "/publik/unit/lapas-sampit",
    "/publik/data/2023/awards.json",
    "/publik/data/2023/awards.csv",
    "/publik/data/2023/units.json",
    "/publik/data/2023/lampiran.html",
    "/publik/data/2023/lampiran.xlsx",
    "/publik/unit/bapas-sampit",
];

/// Every public URL, with what each answers.
async fn everything_public(anon: &Client) -> Vec<(String, u16, String)> {
    let mut out = Vec::new();
    for url in PERIOD_URLS
        .iter()
        .map(|u| (*u).to_owned())
        .chain(["/publik".into(), "/publik/feed.atom".into()])
        .chain(["/publik/fasilitas?q=a".into(), "/publik/fasilitas".into()])
    {
        let r = anon.get(&url).await;
        // A workbook is a zip: its sheets and shared strings are what a reader sees.
        let text = if url.contains("lampiran.xlsx") && r.status.is_success() {
            workbook_text(&r.bytes)
        } else {
            r.text()
        };
        out.push((url, r.status.as_u16(), text));
    }
    out
}

/// The XML of every part of a workbook, one after the other.
fn workbook_text(bytes: &[u8]) -> String {
    use std::io::Read as _;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("the Lampiran is a zip");
    let mut text = String::new();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).expect("a part");
        if part.name().expect("a part name").contains(".xml") {
            part.read_to_string(&mut text).expect("a part in UTF-8");
        }
    }
    assert!(text.contains("Sampit"), "the workbook names no unit: {text}");
    text
}

/// Text as a page writes it.
fn escaped(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn validate(schema: &str, doc: &Value) {
    let kind = p2ham_io::schema::schema_kind(schema).unwrap_or_else(|| panic!("schema {schema}"));
    let v = jsonschema::validator_for(&kind.schema()).expect("schema compiles");
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{schema}: {errors:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_record_of_a_decreed_year() {
    for db in common::backends() {
        public_record(db).await;
    }
}

async fn public_record(db: common::Db) {
    let server = TestServer::start(db, "public_record").await;
    let anon = server.anonymous();
    let evaluator = server.login("evaluator").await;
    let admin = server.login("admin").await;
    let kanim = server.login("operator-kanim-sampit").await;
    // A second instance on the same database, as behind a load balancer.
    let other = p2ham_server::AppState::open(server.state.settings())
        .await
        .expect("second instance");
    assert!(other.public().record().await.expect("record").periods.is_empty());

    // Nothing published: the index says so, the period's URLs are 404.
    let r = anon.get("/publik").await;
    r.expect(200);
    assert!(
        r.text().contains("Belum ada periode yang diumumkan"),
        "{}",
        r.text()
    );
    round(&server).await;
    // Before the decree, publishing is refused; an operator may never publish; nor may a visitor.
    let r = evaluator.post("/api/v1/periods/2023/publish", json!({})).await;
    r.expect(409);
    assert_eq!(r.code(), "not-decreed");
    kanim
        .post("/api/v1/periods/2023/publish", json!({}))
        .await
        .expect(403);
    anon.post("/api/v1/periods/2023/publish", json!({}))
        .await
        .expect(401);
    let decree = json!({"number": "M.HH-01.HA.03.07 Tahun 2023", "date": "2023-12-10",
                        "issuer": "Menteri Hukum dan Hak Asasi Manusia"});
    evaluator
        .post("/api/v1/periods/2023/decree", decree)
        .await
        .expect(201);
    // Decreed but not published: every URL of the period is 404, nothing of it shows anywhere.
    for (url, status, body) in everything_public(&anon).await {
        if PERIOD_URLS.contains(&url.as_str()) {
            assert_eq!(status, 404, "{url} before publishing: {body}");
        } else {
            assert_eq!(status, 200, "{url}");
        }
        for word in ["Sampit", "M.HH-01.HA.03.07"] {
            assert!(
                !body.contains(word),
                "{url} shows `{word}` before publishing: {body}"
            );
        }
    }
    evaluator.get("/api/v1/periods/2023/publish").await.expect(404);

    // The figures the evaluator saw.
    let round = evaluator.get("/api/v1/periods/2023/awards").await.json();
    let total = |unit: &str| {
        round["units"]
            .as_array()
            .expect("units")
            .iter()
            .find(|u| u["unit"]["id"] == unit)
            .map(|u| u["total"].as_str().expect("total").to_owned())
            .expect("listed")
    };
    assert_eq!(total("lapas-sampit"), "79.58", "by hand in tests/year.rs");

    // Publishing: once, audited.
    let r = evaluator.post("/api/v1/periods/2023/publish", json!({})).await;
    r.expect(201);
    let published = r.json();
    assert_eq!(published["units"], 3);
    assert_eq!(published["awarded"], 2, "Kanim keeps, Bapas gains");
    let r = admin.post("/api/v1/periods/2023/publish", json!({})).await;
    r.expect(409);
    assert_eq!(r.code(), "already-published");
    assert_eq!(
        evaluator.get("/api/v1/periods/2023/publish").await.json()["units_sha256"],
        published["units_sha256"]
    );
    assert_eq!(admin.audited("publish").await, 1, "the publication is audited");

    // The index and the period's page: the two units that hold the predikat, not Lapas.
    let r = anon.get("/publik").await;
    r.expect(200);
    assert!(r.text().contains("/publik/periode/2023") && r.text().contains("M.HH-01.HA.03.07 Tahun 2023"));
    assert!(r.text().contains("CC-BY-4.0"), "the licence is stated");
    let r = anon.get("/publik/periode/2023").await;
    r.expect(200);
    assert_eq!(
        r.headers["cache-control"], "public, no-cache",
        "kept, asked again each time"
    );
    let etag = r.headers["etag"].to_str().expect("etag").to_owned();
    Client::reply(
        anon.request(Method::GET, "/publik/periode/2023")
            .header("if-none-match", &etag),
    )
    .await
    .expect(304);
    let page = r.text();
    assert!(page.contains("Bapas Kelas II Sampit"), "{page}");
    assert!(
        !page.contains("Lapas Kelas II"),
        "Lapas lost the predikat: {page}"
    );
    assert!(
        page.contains("Kantor Imigrasi &lt;script&gt;alert('x')&lt;/script&gt; &amp; &quot;Sampit&quot;"),
        "the hostile name is shown as text: {page}"
    );
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(
        page.contains(&format!("<td class=\"num\">{}</td>", total("bapas-sampit"))),
        "Bapas's verified total"
    );
    assert!(page.contains("2 dari 2 unit berpredikat"), "{page}");
    // Published without a signed decree document: the page names the decree's number and date only.
    assert!(
        !page.contains("keputusan.pdf") && !page.contains("Unduh Keputusan"),
        "{page}"
    );
    anon.get("/publik/data/2023/keputusan.pdf").await.expect(404);
    assert_eq!(published["decree_document_sha256"], Value::Null);
    // Search by name or city, filter by kind and Kanwil.
    let r = anon.get("/publik/periode/2023?q=bapas").await.text();
    assert!(
        r.contains("1 dari 2 unit") && r.contains("Bapas Kelas II Sampit") && !r.contains("&lt;script"),
        "{r}"
    );
    let r = anon.get("/publik/periode/2023?q=SAMPIT&jenis=kanim").await.text();
    assert!(
        r.contains("1 dari 2 unit") && r.contains("&lt;script") && !r.contains("Bapas Kelas II Sampit"),
        "{r}"
    );
    let r = anon
        .get("/publik/periode/2023?kanwil=Kanwil+Kemenkumham+Kalimantan+Tengah")
        .await
        .text();
    assert!(r.contains("2 dari 2 unit"), "{r}");
    let r = anon.get("/publik/periode/2023?kanwil=Kanwil+Lain").await.text();
    assert!(r.contains("0 dari 2 unit"), "{r}");

    // Open data: the decreed list, valid under its schema, the figures the evaluator saw.
    let r = anon.get("/publik/data/2023/awards.json").await;
    r.expect(200);
    let awards = r.json();
    validate("awards", &awards);
    p2ham_io::award::read_award_list(p2ham_io::Source::bytes("awards.json", r.bytes.clone()))
        .expect("reads as an award list");
    for unit in UNITS {
        let listed = awards["units"]
            .as_array()
            .expect("units")
            .iter()
            .find(|u| u["unit"]["id"] == unit)
            .expect("listed");
        assert_eq!(listed["total"].as_str(), Some(total(unit).as_str()), "{unit}");
    }
    let r = anon.get("/publik/data/2023/units.json").await;
    r.expect(200);
    let units = r.json();
    validate("public-units", &units);
    assert_eq!(units["format"], "p2ham-public-units/1");
    assert_eq!(units["licence"], "CC-BY-4.0");
    assert!(
        units.get("decree_document").is_none(),
        "no signed decree was uploaded"
    );
    assert_eq!(units["decree"]["number"], "M.HH-01.HA.03.07 Tahun 2023");
    let unit_of = |id: &str| {
        units["units"]
            .as_array()
            .expect("units")
            .iter()
            .find(|u| u["id"] == id)
            .cloned()
            .expect("unit")
    };
    let lapas = unit_of("lapas-sampit");
    assert_eq!(lapas["total"], "79.58");
    assert_eq!(lapas["predikat"], false);
    assert_eq!(lapas["decision"], "lost");
    // The criteria's scores are the verification's, scored by the library.
    let verification = p2ham_io::document::read_assessment(p2ham_io::Source::file(
        repo().join("fixtures/assessments/sampit-2023/lapas-sampit.verification.json"),
    ))
    .expect("verification");
    let instrument =
        p2ham_io::builtin(&verification.assessment.instrument.id).expect("a built-in instrument");
    let scored = p2ham_io::document::score_loaded(&verification, instrument).expect("score");
    assert_eq!(
        lapas["criteria"].as_array().map(Vec::len),
        Some(scored.criteria.len())
    );
    for (c, s) in lapas["criteria"]
        .as_array()
        .expect("criteria")
        .iter()
        .zip(&scored.criteria)
    {
        assert_eq!(c["id"], s.id.as_str());
        assert_eq!(c["score"].as_str(), s.score.map(|d| d.to_string()).as_deref());
    }
    let met: Vec<&str> = scored
        .criteria
        .iter()
        .flat_map(|c| &c.indicators)
        .filter(|i| i.status == p2ham_io::scoring::IndicatorStatus::Met)
        .map(|i| i.id.as_str())
        .collect();
    let public_met: Vec<&str> = lapas["met"]
        .as_array()
        .expect("met")
        .iter()
        .map(|i| i["id"].as_str().expect("id"))
        .collect();
    assert_eq!(public_met, met, "exactly the indicators verified as met");
    assert!(!met.is_empty());
    // The annex (Lampiran) as the report layer writes it.
    let csv = anon.get("/publik/data/2023/awards.csv").await.text();
    assert!(
        csv.contains("Bapas Kelas II Sampit") && !csv.contains("Lapas"),
        "{csv}"
    );
    let xlsx = anon.get("/publik/data/2023/lampiran.xlsx").await;
    assert!(xlsx.bytes.starts_with(b"PK"));

    // A unit's page: the predikat over the years, the verified scores, the facilities by group.
    let r = anon.get("/publik/unit/lapas-sampit").await;
    r.expect(200);
    let page = r.text();
    assert!(
        page.contains("<td class=\"num\" id=\"total\">79.58</td>"),
        "{page}"
    );
    assert!(page.contains("Tidak berpredikat P2HAM"), "{page}");
    assert!(page.contains("kehilangan predikat"), "{page}");
    let first_met = lapas["met"][0]["title"]["id"].as_str().expect("title");
    assert!(page.contains(&escaped(first_met)), "{page}");
    let r = anon.get("/publik/unit/kanim-sampit").await;
    let page = r.text();
    assert!(
        page.contains("Berpredikat P2HAM") && page.contains("mempertahankan predikat"),
        "{page}"
    );
    assert!(!page.contains("<script>alert"), "{page}");
    // In English on request.
    let en = Client::reply(
        anon.request(Method::GET, "/publik/unit/lapas-sampit")
            .header("cookie", "p2ham_lang=en"),
    )
    .await
    .text();
    assert!(
        en.contains("Verified scores by criterion") && en.contains("79.58"),
        "{en}"
    );

    // The facility finder over the latest published period.
    let kanim_met = unit_of("kanim-sampit")["met"].clone();
    let chosen = kanim_met[0]["id"].as_str().expect("id");
    let r = anon
        .get(&format!("/publik/fasilitas?indikator={chosen}"))
        .await
        .text();
    assert!(r.contains("/publik/unit/kanim-sampit"), "{r}");
    let r = anon.get("/publik/fasilitas?q=zzzz-tidak-ada").await.text();
    assert!(r.contains("0 unit pelayanan"), "{r}");

    // Never a note, a comment, a reason's words, a person's name; never markup unescaped.
    for (url, status, body) in everything_public(&anon).await {
        assert_eq!(status, 200, "{url}: {body}");
        assert!(!body.contains(SECRET), "{url} shows a note: {body}");
        for unit in UNITS {
            for person in people(unit) {
                assert!(!body.contains(&person), "{url} names {person}");
            }
        }
        // Markup is data in JSON and CSV; everywhere else it is escaped.
        let data = std::path::Path::new(&url)
            .extension()
            .is_some_and(|e| e == "json" || e == "csv");
        if !data {
            assert!(!body.contains("<script>alert"), "{url}: {body}");
        }
    }

    // Cacheable: a strong ETag, 304 when it is held, public Cache-Control.
    for url in [
        "/publik/data/2023/awards.json",
        "/publik/data/2023/units.json",
        "/publik/feed.atom",
    ] {
        let r = anon.get(url).await;
        let etag = r.headers["etag"].to_str().expect("etag").to_owned();
        assert!(etag.starts_with('"') && !etag.starts_with("W/"), "{url}: {etag}");
        assert!(r.headers["cache-control"]
            .to_str()
            .expect("ascii")
            .starts_with("public, max-age="));
        let again = Client::reply(anon.request(Method::GET, url).header("if-none-match", &etag)).await;
        again.expect(304);
        assert!(again.bytes.is_empty());
        let other_tag = Client::reply(anon.request(Method::GET, url).header("if-none-match", "\"0\"")).await;
        other_tag.expect(200);
    }
    let feed = anon.get("/publik/feed.atom").await.text();
    assert!(
        feed.contains("<entry>") && feed.contains("href=\"periode/2023\""),
        "{feed}"
    );
    assert!(feed.contains("2 unit pelayanan berpredikat"), "{feed}");

    // The other instance sees the publication within its recheck time.
    tokio::time::sleep(p2ham_server::service::PUBLIC_RECHECK + std::time::Duration::from_millis(200)).await;
    let seen = other.public().record().await.expect("record");
    assert_eq!(seen.periods.len(), 1);
    assert_eq!(seen.periods[0].period, "2023");

    // Unpublishing: audited, and the period is gone again.
    kanim
        .send(Method::DELETE, "/api/v1/periods/2023/publish", None)
        .await
        .expect(403);
    admin
        .send(Method::DELETE, "/api/v1/periods/2023/publish", None)
        .await
        .expect(204);
    admin
        .send(Method::DELETE, "/api/v1/periods/2023/publish", None)
        .await
        .expect(404);
    for (url, status, body) in everything_public(&anon).await {
        if PERIOD_URLS.contains(&url.as_str()) {
            assert_eq!(status, 404, "{url} after unpublishing: {body}");
        }
        assert!(!body.contains("Sampit"), "{url} after unpublishing: {body}");
    }
    assert_eq!(admin.audited("unpublish").await, 1, "the withdrawal is audited");
    admin.get("/api/v1/audit/verify").await.expect(200);
    // Published again, it is back, with the same record.
    let r = evaluator.post("/api/v1/periods/2023/publish", json!({})).await;
    r.expect(201);
    assert_eq!(
        r.json()["awards_sha256"],
        published["awards_sha256"],
        "the same list"
    );
    anon.get("/publik/periode/2023").await.expect(200);
    tokio::time::sleep(p2ham_server::service::PUBLIC_RECHECK + std::time::Duration::from_millis(200)).await;
    assert_eq!(other.public().record().await.expect("record").periods.len(), 1);
    other.db().close().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_pages_follow_the_base_path() {
    let server = TestServer::start_with(common::Db::Sqlite, "public_mount", |s| {
        s.base_path = "/p2ham".into();
    })
    .await;
    let anon = server.anonymous();
    let r = anon.get("/publik").await;
    r.expect(200);
    assert!(
        r.text().contains("href=\"/p2ham/publik/fasilitas\""),
        "{}",
        r.text()
    );
    anon.get("/publik/data/2023/awards.json").await.expect(404);
    server.stop().await;
}

/// The signed decree (a PDF) uploaded through the API as `name`.
async fn put_decree_document(c: &Client, name: &str, bytes: Vec<u8>) -> common::Reply {
    Client::reply(
        c.request(
            Method::PUT,
            &format!("/api/v1/periods/2023/decree/document?name={name}"),
        )
        .header("content-type", "application/pdf")
        .body(bytes),
    )
    .await
}

/// The signed decree from the round page's form (multipart, as a browser
/// without JavaScript sends it).
async fn post_decree_document(c: &Client, name: &str, bytes: Vec<u8>) -> common::Reply {
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", c.csrf.clone().unwrap_or_default())
        .part(
            "document",
            reqwest::multipart::Part::bytes(bytes)
                .file_name(name.to_owned())
                .mime_str("application/pdf")
                .expect("media type"),
        );
    Client::reply(
        c.request(Method::POST, "/periods/2023/round/decree-document")
            .multipart(form),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_signed_decree_is_public_as_published() {
    for db in common::backends() {
        signed_decree(db).await;
    }
}

#[allow(clippy::too_many_lines)] // one story, read top to bottom
async fn signed_decree(db: common::Db) {
    let server = TestServer::start(db, "signed_decree").await;
    let anon = server.anonymous();
    let evaluator = server.login("evaluator").await;
    let admin = server.login("admin").await;
    let verifier = server.login("verifier-kalteng").await;
    let kanim = server.login("operator-kanim-sampit").await;
    let first = p2ham_server::declaration_pdf("Keputusan Menteri P2HAM 2023", "2023");
    let second = p2ham_server::declaration_pdf("Keputusan Menteri P2HAM 2023 (ditandatangani)", "2023");
    assert_ne!(first, second);
    round(&server).await;

    // Before the decree: refused, nothing stored.
    let r = put_decree_document(&evaluator, "kepmen.pdf", first.clone()).await;
    r.expect(409);
    assert_eq!(r.code(), "not-decreed");
    let decree = json!({"number": "M.HH-01.HA.03.07 Tahun 2023", "date": "2023-12-10",
                        "issuer": "Menteri Hukum dan Hak Asasi Manusia"});
    evaluator
        .post("/api/v1/periods/2023/decree", decree)
        .await
        .expect(201);
    // The round page offers the form, and says nothing is uploaded.
    let page = evaluator.get("/periods/2023/round").await.text();
    assert!(
        page.contains("id=\"decree-document-file\"")
            && page.contains("enctype=\"multipart/form-data\"")
            && page.contains("action=\"/periods/2023/round/decree-document\""),
        "{page}"
    );
    assert!(page.contains("id=\"decree-document-none\""), "{page}");
    // Only evaluators and administrators; never a visitor.
    for c in [&kanim, &verifier] {
        let r = put_decree_document(c, "kepmen.pdf", first.clone()).await;
        r.expect(403);
        c.get("/api/v1/periods/2023/decree/document").await.expect(403);
    }
    put_decree_document(&anon, "kepmen.pdf", first.clone())
        .await
        .expect(401);
    evaluator
        .get("/api/v1/periods/2023/decree/document")
        .await
        .expect(404);
    // A PDF only, by its content: a PNG or a text named `.pdf` is refused.
    let png = b"\x89PNG\r\n\x1a\n0000000000000000".to_vec();
    for bytes in [png, b"Keputusan Menteri, bukan PDF".to_vec(), Vec::new()] {
        let r = put_decree_document(&evaluator, "kepmen.pdf", bytes).await;
        r.expect(415);
        assert_eq!(r.code(), "wrong-type");
        assert!(r.text().contains("not a PDF"), "{}", r.text());
    }
    // Past the size limit: refused (the limit is the evidence files').
    let limit = usize::try_from(server.state.settings().max_evidence_bytes).expect("limit");
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(limit + 1, b' ');
    let r = put_decree_document(&evaluator, "besar.pdf", big).await;
    r.expect(413);
    assert_eq!(r.code(), "too-large");
    let r = post_decree_document(&evaluator, "kepmen.txt", b"tidak PDF".to_vec()).await;
    r.expect(415);
    assert!(r.text().contains("bukan PDF"), "{}", r.text());

    // Uploaded from the page, then replaced through the API: both kept, the latest counts.
    let r = post_decree_document(&evaluator, "kepmen-draf.pdf", first.clone()).await;
    r.expect(200); // redirected back to the round page
    assert!(
        r.text().contains("Keputusan yang ditandatangani tersimpan.") && r.text().contains("kepmen-draf.pdf"),
        "{}",
        r.text()
    );
    let r = put_decree_document(&admin, "kepmen-p2ham-2023.pdf", second.clone()).await;
    r.expect(201);
    let stored = r.json();
    let sha = p2ham_io::digest::sha256_hex(&second);
    assert_eq!(stored["sha256"], sha);
    assert_eq!(stored["size"], second.len());
    assert_eq!(stored["file_name"], "kepmen-p2ham-2023.pdf");
    assert_eq!(stored["uploaded_by"], "admin");
    let r = evaluator.get("/api/v1/periods/2023/decree/document").await;
    r.expect(200);
    assert_eq!(r.bytes, second);
    assert_eq!(r.headers["content-type"], "application/pdf");
    let page = evaluator.get("/periods/2023/round").await.text();
    assert!(
        page.contains("kepmen-p2ham-2023.pdf") && page.contains(&sha) && page.contains("admin"),
        "{page}"
    );
    assert!(page.contains("Ganti keputusan"), "{page}");
    assert_eq!(admin.audited("put-decree-document").await, 2);
    // Not public before the period is.
    anon.get("/publik/data/2023/keputusan.pdf").await.expect(404);

    // Publishing fixes it: the public reads exactly these bytes.
    let r = evaluator.post("/api/v1/periods/2023/publish", json!({})).await;
    r.expect(201);
    assert_eq!(r.json()["decree_document_sha256"], sha);
    let r = anon.get("/publik/data/2023/keputusan.pdf").await;
    r.expect(200);
    assert_eq!(r.bytes, second, "byte for byte");
    assert_eq!(r.headers["content-type"], "application/pdf");
    assert_eq!(
        r.headers["content-disposition"],
        "attachment; filename=\"keputusan-2023.pdf\""
    );
    let etag = r.headers["etag"].to_str().expect("etag").to_owned();
    assert_eq!(etag, format!("\"{sha}\""));
    assert!(r.headers["cache-control"]
        .to_str()
        .expect("ascii")
        .starts_with("public, max-age="));
    let again = Client::reply(
        anon.request(Method::GET, "/publik/data/2023/keputusan.pdf")
            .header("if-none-match", &etag),
    )
    .await;
    again.expect(304);
    assert!(again.bytes.is_empty());
    // The period's page links it with its size and digest, beside the Lampiran.
    let page = anon.get("/publik/periode/2023").await.text();
    assert!(
        page.contains("href=\"/publik/data/2023/keputusan.pdf\"")
            && page.contains("Unduh Keputusan (PDF, ")
            && page.contains(&sha),
        "{page}"
    );
    let feed = anon.get("/publik/feed.atom").await.text();
    assert!(
        feed.contains("href=\"data/2023/keputusan.pdf\"") && feed.contains(&sha),
        "{feed}"
    );
    // The open data names it too, so a harvester can check the copy it holds.
    let units = anon.get("/publik/data/2023/units.json").await.json();
    validate("public-units", &units);
    assert_eq!(
        units["decree_document"],
        json!({"sha256": sha, "bytes": second.len()})
    );
    // Published: fixed, by the API and by the page.
    let r = put_decree_document(&evaluator, "lain.pdf", first.clone()).await;
    r.expect(409);
    assert_eq!(r.code(), "refused");
    post_decree_document(&evaluator, "lain.pdf", first.clone())
        .await
        .expect(409);
    let page = evaluator.get("/periods/2023/round").await.text();
    assert!(!page.contains("id=\"decree-document-file\""), "{page}");
    assert_eq!(anon.get("/publik/data/2023/keputusan.pdf").await.bytes, second);

    // The audit log names the uploads and the digest the publication fixed, and verifies.
    let log = admin.get("/api/v1/audit?limit=1000").await.json();
    let entries = log.as_array().expect("entries");
    let uploads: Vec<&Value> = entries
        .iter()
        .filter(|e| e["action"] == "put-decree-document")
        .collect();
    assert_eq!(uploads.len(), 2, "the refused uploads are not recorded");
    assert!(uploads.iter().all(|e| e["object"] == "period/2023"));
    let publish = entries
        .iter()
        .find(|e| e["action"] == "publish")
        .expect("publish");
    assert!(
        publish["after"].as_str().expect("after").contains(&sha),
        "{publish}"
    );
    admin.get("/api/v1/audit/verify").await.expect(200);

    // Unpublished: gone; it may be replaced again and the next publication serves the new one.
    admin
        .send(Method::DELETE, "/api/v1/periods/2023/publish", None)
        .await
        .expect(204);
    anon.get("/publik/data/2023/keputusan.pdf").await.expect(404);
    put_decree_document(&evaluator, "kepmen-ulang.pdf", first.clone())
        .await
        .expect(201);
    evaluator
        .post("/api/v1/periods/2023/publish", json!({}))
        .await
        .expect(201);
    let r = anon.get("/publik/data/2023/keputusan.pdf").await;
    r.expect(200);
    assert_eq!(r.bytes, first);
    admin.get("/api/v1/audit/verify").await.expect(200);

    // A document put into the table by hand is not what the log records.
    sqlx::query(
        "INSERT INTO decree_documents (id, period_id, file_name, sha256, size, uploaded_by, uploaded_at) \
         VALUES ('x', '2023', 'palsu.pdf', $1, 1, 'mallory', $2)",
    )
    .bind("0".repeat(64))
    .bind("2099-01-01T00:00:00.000000Z")
    .execute(server.state.db().pool())
    .await
    .expect("insert");
    let r = admin.get("/api/v1/audit/verify").await;
    r.expect(409);
    assert!(
        r.text()
            .contains("signed decree of period/2023: decree_document_sha256"),
        "{}",
        r.text()
    );
    server.stop().await;
}
