//! The stages around the assessment and the administrator's instruments and
//! audit log, through the API and the pages on the real server, on SQLite
//! and (with `P2HAM_TEST_POSTGRES`) PostgreSQL: instruments added by digest
//! (a bad one refused with its diagnostics, the same bytes twice one
//! instrument), the difference between two, the period form's explicit
//! instrument, the SKM upload and its IKM beside the P2HAM score, the audit
//! page's filters.

mod common;

use common::{fixture, Client, Db, TestServer};
use reqwest::Method;
use serde_json::json;

const KANIM: &str = "/api/v1/periods/2023/units/kanim-sampit";

async fn send(c: &Client, method: Method, path: &str, content_type: &str, body: Vec<u8>) -> common::Reply {
    Client::reply(
        c.request(method, path)
            .header("content-type", content_type)
            .body(body),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instruments_are_added_by_digest_and_compared() {
    for db in common::backends() {
        instruments(db).await;
    }
}

async fn instruments(db: Db) {
    let server = TestServer::start(db, "stages_instruments").await;
    let admin = server.login("admin").await;
    let tailored = fixture("fixtures/instruments-extra/demo-tailored.json");

    // A bad instrument: 422 with the library's diagnostics, as `p2ham validate` gives them.
    let bad = String::from_utf8(tailored.clone()).expect("utf8").replace(
        "\"scale\": \"ada-tidak\", \"weight\": 1, \"mandatory\": true",
        "\"scale\": \"ada-tak\", \"weight\": 1, \"mandatory\": true",
    );
    let r = send(
        &admin,
        Method::POST,
        "/api/v1/instruments",
        "application/json",
        bad.into_bytes(),
    )
    .await;
    r.expect(422);
    assert_eq!(r.code(), "invalid-document");
    let d = &r.json()["diagnostics"][0];
    assert_eq!(d["path"], "criteria[0].indicators[0].scale", "{d}");
    assert!(d["message"].as_str().expect("message").contains("ada-tak"), "{d}");

    // Stored by digest; the same bytes again are the same instrument.
    let r = send(
        &admin,
        Method::POST,
        "/api/v1/instruments",
        "application/json",
        tailored.clone(),
    )
    .await;
    r.expect(201);
    let sha = p2ham_io::digest::sha256_hex(&tailored);
    assert_eq!(
        r.json(),
        json!({"sha256": sha, "id": "demo-json", "version": "1.1.0", "created": true})
    );
    let again = send(
        &admin,
        Method::POST,
        "/api/v1/instruments",
        "application/json; charset=utf-8",
        tailored.clone(),
    )
    .await;
    again.expect(200);
    assert_eq!(again.json()["created"], false);
    let listed = admin.get("/api/v1/instruments").await.json();
    assert_eq!(
        listed
            .as_array()
            .expect("list")
            .iter()
            .filter(|i| i["sha256"] == sha.as_str())
            .count(),
        1
    );
    // Another document under the same id and version is refused; TOML is read as TOML.
    let mut other: serde_json::Value = serde_json::from_slice(&tailored).expect("json");
    other["notes"] = json!("another text");
    let r = send(
        &admin,
        Method::POST,
        "/api/v1/instruments",
        "application/json",
        serde_json::to_vec(&other).expect("json"),
    )
    .await;
    r.expect(409);
    assert!(r.json()["message"]
        .as_str()
        .expect("m")
        .contains("version of its own"));
    let toml = fixture("fixtures/instruments-extra/demo.toml");
    send(
        &admin,
        Method::POST,
        "/api/v1/instruments",
        "application/toml",
        toml,
    )
    .await
    .expect(201);
    send(
        &admin,
        Method::POST,
        "/api/v1/instruments",
        "text/plain",
        tailored.clone(),
    )
    .await
    .expect(415);
    // Only an administrator adds instruments; the audit log records it and still holds.
    let op = server.login("operator-kanim-sampit").await;
    send(
        &op,
        Method::POST,
        "/api/v1/instruments",
        "application/json",
        tailored.clone(),
    )
    .await
    .expect(403);
    let page = admin
        .get("/api/v1/audit/page?action=register-instrument&actor=admin")
        .await
        .json();
    assert_eq!(page["matching"], 2, "{page}");
    admin.get("/api/v1/audit/verify").await.expect(200);

    // The difference from the built-in example to the tailored one: A.01 weighs 1
    // instead of 0.3333333333333333333 and is mandatory; the pass mark 80 → 75.
    let demo = fixture("fixtures/instruments-extra/demo.json");
    send(
        &admin,
        Method::POST,
        "/api/v1/instruments",
        "application/json",
        demo.clone(),
    )
    .await
    .expect(201);
    let from = p2ham_io::digest::sha256_hex(&demo);
    let d = admin
        .get(&format!("/api/v1/instruments/{from}/diff/{sha}"))
        .await
        .json();
    assert_eq!(d["format"], "p2ham-instrument-diff/1");
    assert_eq!(d["indicators"][0]["id"], "A.01");
    assert_eq!(
        d["indicators"][0]["fields"][0],
        json!({"field": "weight", "from": "0.3333333333333333333", "to": "1"})
    );
    assert_eq!(
        d["counts"]["indicators"],
        json!({"added": 2, "removed": 0, "changed": 2, "unchanged": 0})
    );
    let md = admin
        .get(&format!(
            "/api/v1/instruments/{from}/diff/{sha}?format=md&lang=en"
        ))
        .await;
    assert!(
        md.text().starts_with("# P2HAM Instrument Difference"),
        "{}",
        md.text()
    );
    admin
        .get(&format!("/api/v1/instruments/{from}/diff/p2ham-1999"))
        .await
        .expect(404);
    assert_eq!(
        admin.get(&format!("/api/v1/instruments/{sha}")).await.bytes,
        tailored
    );

    // The administrator's page lists them with their unit kinds and shows the difference.
    let html = admin
        .get(&format!("/admin/instruments?from={from}&to={sha}"))
        .await;
    html.expect(200);
    let html = html.text();
    assert!(html.contains(&format!("data-sha256=\"{sha}\"")), "{html}");
    assert!(html.contains("kanim, rutan"), "{html}");
    assert!(
        html.contains("id=\"instrument-diff\"") && html.contains("mandatory: false → true"),
        "{html}"
    );
    // The page's own form adds one too (a file), and refuses a bad one with the diagnostics.
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", admin.csrf.clone().unwrap_or_default())
        .part(
            "instrument",
            reqwest::multipart::Part::bytes(b"{\"format\": \"p2ham-instrument/1\"}".to_vec())
                .file_name("x.json"),
        );
    let r = Client::reply(admin.request(Method::POST, "/admin/instruments").multipart(form)).await;
    assert_eq!(r.status.as_u16(), 422);
    assert!(r.text().contains("error-summary"), "{}", r.text());

    // The period form chooses nothing by default: a period without an instrument is refused on its field.
    let r = admin
        .post_form(
            "/admin",
            &[
                ("what", "period"),
                ("id", "2024"),
                ("year", "2024"),
                ("instrument", ""),
            ],
        )
        .await;
    assert_eq!(r.status.as_u16(), 422);
    let text = r.text();
    assert!(text.contains("id=\"period-instrument-error\""), "{text}");
    assert!(text.contains("href=\"#period-instrument\""), "{text}");
    let form = admin.get("/admin").await.text();
    assert!(
        form.contains("<option value=\"\" selected>"),
        "a default instrument is chosen: {form}"
    );
    assert!(form.contains("p2ham-2018-kanim 1.0.0 — untuk kanim"), "{form}");
    // With the tailored instrument chosen, the period uses it.
    let r = admin
        .post_form(
            "/admin",
            &[
                ("what", "period"),
                ("id", "2024"),
                ("year", "2024"),
                ("instrument", &sha),
            ],
        )
        .await;
    assert!(
        r.status.is_success() && r.text().contains("demo-json 1.1.0"),
        "{}",
        r.text()
    );
    assert_eq!(
        admin.get("/api/v1/periods/2024").await.json()["instrument"]["sha256"],
        sha.as_str()
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_survey_gives_the_ikm_beside_the_score() {
    for db in common::backends() {
        survey(db).await;
    }
}

async fn survey(db: Db) {
    let server = TestServer::start(db, "stages_skm").await;
    let op = server.login("operator-kanim-sampit").await;
    let csv = fixture("fixtures/skm/kanim-sampit-2023.csv");
    // docs/skm.md by hand: element sums 104, 105, 91, 94, 99, 105, 107, 102, 92 over
    // 29, 29, 29, 28, 29, 29, 29, 29, 27 answers: Σ NRR = 343667/10962, IKM =
    // 25 × 343667/10962 / 9 = 87.0854… → 87.09, band B (Baik), 29 respondents.
    let r = send(
        &op,
        Method::PUT,
        &format!("{KANIM}/skm?name=skm-kanim-2023.csv"),
        "text/csv",
        csv.clone(),
    )
    .await;
    r.expect(201);
    let s = r.json();
    assert_eq!(
        (s["ikm"].as_str(), s["mutu"].as_str(), s["kinerja"].as_str()),
        (Some("87.09"), Some("B"), Some("Baik"))
    );
    assert_eq!(s["respondents"], 29);
    assert_eq!(s["sha256"], p2ham_io::digest::sha256_hex(&csv).as_str());
    // The XLSX of the same answers gives the same figure.
    let xlsx = fixture("fixtures/skm/kanim-sampit-2023.xlsx");
    let r = send(
        &op,
        Method::PUT,
        &format!("{KANIM}/skm?name=skm.xlsx"),
        "application/octet-stream",
        xlsx,
    )
    .await;
    r.expect(201);
    assert_eq!(r.json()["ikm"], "87.09");
    // A bad file: 422 with the library's message naming row, column and cell.
    let bad = fixture("fixtures/skm/bad/out-of-range.csv");
    let r = send(
        &op,
        Method::PUT,
        &format!("{KANIM}/skm?name=survey.csv"),
        "text/csv",
        bad,
    )
    .await;
    r.expect(422);
    assert!(
        r.json()["message"]
            .as_str()
            .expect("m")
            .contains("row 3, column U4 (cell F3): 5 is outside 1–4"),
        "{}",
        r.text()
    );
    assert!(!r.json()["diagnostics"].as_array().expect("d").is_empty());
    // A legacy .xls workbook (an OLE2 file) is refused before it is read.
    let mut xls = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    xls.extend([0u8; 504]);
    let r = send(
        &op,
        Method::PUT,
        &format!("{KANIM}/skm?name=old.xls"),
        "application/vnd.ms-excel",
        xls,
    )
    .await;
    r.expect(415);
    assert!(r.json()["message"].as_str().expect("m").contains(".xls"));
    // Too large: 413, before it is read.
    let big = vec![b'1'; p2ham_server::service::MAX_SKM_BYTES + 1];
    send(&op, Method::PUT, &format!("{KANIM}/skm"), "text/csv", big)
        .await
        .expect(413);
    // Another unit's operator cannot upload it.
    let lapas = server.login("operator-lapas-sampit").await;
    send(
        &lapas,
        Method::PUT,
        &format!("{KANIM}/skm"),
        "text/csv",
        csv.clone(),
    )
    .await
    .expect(404);

    // The case view, the verifier's review and the evaluator's roll-up show it.
    let view = op.get(KANIM).await.json();
    assert_eq!(view["skm"]["ikm"], "87.09");
    assert_eq!(view["skm"]["file_name"], "skm.xlsx");
    let verifier = server.login("verifier-kalteng").await;
    let review = verifier.get("/periods/2023/units/kanim-sampit").await.text();
    assert!(review.contains("IKM <strong>87.09</strong>"), "{review}");
    assert!(review.contains("29 responden"), "{review}");
    let evaluator = server.login("evaluator").await;
    let dashboard = evaluator.get("/evaluation?period=2023").await.text();
    let row = dashboard
        .split("id=\"skm-rollup\"")
        .nth(1)
        .and_then(|t| t.split("data-unit=\"kanim-sampit\"").nth(1))
        .expect("the unit's row in the IKM table");
    assert!(row.contains(">87.09<") && row.contains("B (Baik)"), "{row}");
    // Recorded in the audit log, which still holds.
    let admin = server.login("admin").await;
    let page = admin.get("/api/v1/audit/page?action=put-skm").await.json();
    assert_eq!(page["matching"], 2);
    admin.get("/api/v1/audit/verify").await.expect(200);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_page_filters_by_unit_actor_and_action() {
    for db in common::backends() {
        audit_page(db).await;
    }
}

async fn audit_page(db: Db) {
    let server = TestServer::start(db, "stages_audit").await;
    for unit in ["kanim-sampit", "lapas-sampit"] {
        let op = server.login(&format!("operator-{unit}")).await;
        op.declare("2023", unit).await;
    }
    let admin = server.login("admin").await;
    // Each declaration is one entry about its unit, by its operator.
    let by_unit = admin.get("/api/v1/audit/page?unit=kanim-sampit").await.json();
    let actions: Vec<&str> = by_unit["entries"]
        .as_array()
        .expect("e")
        .iter()
        .map(|e| e["action"].as_str().expect("a"))
        .collect();
    // Newest first: the declaration, the unit's creation.
    assert_eq!(actions, ["put-declaration", "create-unit"], "{by_unit}");
    let by_actor = admin
        .get("/api/v1/audit/page?actor=operator-lapas-sampit")
        .await
        .json();
    let entries = by_actor["entries"].as_array().expect("e");
    assert!(
        !entries.is_empty() && entries.iter().all(|e| e["actor"] == "operator-lapas-sampit"),
        "{by_actor}"
    );
    let both = admin
        .get("/api/v1/audit/page?actor=operator-lapas-sampit&action=put-declaration")
        .await
        .json();
    assert_eq!(both["matching"], 1);
    assert_eq!(both["entries"][0]["object"], "period/2023/unit/lapas-sampit");
    // Paged: one at a time, the next page before the last position.
    let first = admin
        .get("/api/v1/audit/page?action=create-user&limit=2")
        .await
        .json();
    let next = first["next_before"].as_i64().expect("a next page");
    let second = admin
        .get(&format!(
            "/api/v1/audit/page?action=create-user&limit=2&before={next}"
        ))
        .await
        .json();
    assert!(second["entries"][0]["seq"].as_i64().expect("seq") < next);
    assert_eq!(first["matching"], second["matching"]);
    // A unit id with `_`, a LIKE wildcard, matches only itself.
    let none = admin.get("/api/v1/audit/page?unit=kanim_sampit").await.json();
    assert_eq!(none["matching"], 0);

    // The page: the filters, the entries and the result of checking the chain.
    let html = admin
        .get("/admin/audit?unit=lapas-sampit&action=put-declaration")
        .await;
    html.expect(200);
    let html = html.text();
    assert!(html.contains("data-verified=\"true\""), "{html}");
    assert!(html.contains("id=\"audit-matching\">1 "), "{html}");
    assert!(html.contains("operator-lapas-sampit (operator)"), "{html}");
    assert!(!html.contains("operator-kanim-sampit (operator)"), "{html}");
    // Not for other roles.
    let evaluator = server.login("evaluator").await;
    assert_eq!(evaluator.get("/admin/audit").await.status.as_u16(), 403);
    evaluator.get("/api/v1/audit/page").await.expect(403);

    // A declaration put into the table by hand is not what the log records: `audit verify` names it.
    sqlx::query(
        "INSERT INTO declarations (id, unit_id, period_id, file_name, sha256, size, content_type, uploaded_by, \
         uploaded_at) VALUES ('x', 'bapas-sampit', '2023', 'p.pdf', $1, 1, 'application/pdf', 'mallory', $2)",
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
            .contains("stages of case period/2023/unit/bapas-sampit: in the database"),
        "{}",
        r.text()
    );
    let html = admin.get("/admin/audit").await.text();
    assert!(html.contains("data-verified=\"false\""), "{html}");
    server.stop().await;
}
