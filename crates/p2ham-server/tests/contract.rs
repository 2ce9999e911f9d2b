//! The API's contract as a generated client sees it: every error, the
//! router's and the extractors' included, is the JSON error shape; roles are
//! checked before bodies are read; 429 carries `Retry-After`; logging out
//! with a bearer token revokes it; and the OpenAPI document says all of it
//! (401 and 403 on every secured operation, 415 and 422 on every JSON body,
//! a description on every response, the published schemas referenced).
//! `scripts/schemathesis.sh` tests the same contract from outside, in CI.

mod common;

use std::io::{Read, Write};
use std::time::Duration;

use common::{Client, Db, TestServer};
use reqwest::Method;
use serde_json::{json, Value};

/// The reply is the JSON error shape with this status and code.
#[track_caller]
fn error_shape(r: &common::Reply, status: u16, code: &str) -> Value {
    r.expect(status);
    let media = r
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert_eq!(media, "application/json", "{status} {code}: {}", r.text());
    let body = r.json();
    assert_eq!(body["code"], code, "{}", r.text());
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{}",
        r.text()
    );
    assert!(body["diagnostics"].is_array(), "{}", r.text());
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_error_is_the_json_error_shape() {
    for db in common::backends() {
        error_shapes(db).await;
    }
}

async fn error_shapes(db: Db) {
    let server = TestServer::start_with(db, "every_error_is_the_json_error_shape", |s| {
        s.max_document_bytes = 4096;
    })
    .await;
    let admin = server.login("admin").await;
    let evaluator = server.login("evaluator").await;

    // The router: a method a path does not answer (405, with `Allow`), a path that does not exist.
    let r = Client::reply(admin.request(Method::PATCH, "/api/v1/periods")).await;
    let body = error_shape(&r, 405, "method-not-allowed");
    let allow = r.headers.get("allow").and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(allow.contains("GET") && allow.contains("POST"), "Allow: {allow}");
    assert!(body["message"].as_str().unwrap().contains("PATCH"), "{body}");
    error_shape(&admin.get("/api/v1/nothing-here").await, 404, "not-found");

    // A query parameter that does not parse: 400, naming the parameter.
    let body = error_shape(
        &evaluator.get("/api/v1/periods/2023/rollup?stage=AAA").await,
        400,
        "invalid-query",
    );
    assert!(body["message"].as_str().unwrap().contains("stage"), "{body}");
    let body = error_shape(&admin.get("/api/v1/audit?limit=abc").await, 400, "invalid-query");
    assert!(body["message"].as_str().unwrap().contains("limit"), "{body}");

    // A JSON body: not sent as JSON (415), not well-formed (400), not of the request's shape (422).
    let r = Client::reply(
        admin
            .request(Method::POST, "/api/v1/units")
            .header("content-type", "text/plain")
            .body("id=x"),
    )
    .await;
    error_shape(&r, 415, "not-json");
    let r = Client::reply(
        admin
            .request(Method::POST, "/api/v1/units")
            .header("content-type", "application/json")
            .body("{\"id\": "),
    )
    .await;
    error_shape(&r, 400, "bad-request-body");
    let body = error_shape(
        &admin.post("/api/v1/units", json!({"id": "x", "name": "X"})).await,
        422,
        "bad-request-body",
    );
    assert!(
        body["message"].as_str().unwrap().contains("kind"),
        "names the missing field: {body}"
    );

    // A document beyond the limit (4 KiB here): 413 as JSON. (Small enough
    // for the client to have sent it whole before the answer comes.)
    let operator = server.login("operator-kanim-sampit").await;
    let r = operator
        .put_bytes(
            "/api/v1/periods/2023/units/kanim-sampit/self-assessment",
            vec![b' '; 64 * 1024],
        )
        .await;
    let body = error_shape(&r, 413, "too-large");
    assert!(body["message"].as_str().unwrap().contains("4096"), "{body}");

    // A year written `2024.0` is the integer JSON Schema says it is.
    let r = admin
        .post(
            "/api/v1/periods",
            json!({"id": "2024", "year": 2024.0, "instrument": "p2ham-2022", "previous": "2023"}),
        )
        .await;
    r.expect(201);
    assert_eq!(r.json()["year"], 2024);
    // An object named in a body that does not exist is 404, one that exists already 409.
    let r = admin
        .post(
            "/api/v1/periods",
            json!({"id": "2025", "year": 2025, "instrument": "p2ham-2022", "previous": "1999"}),
        )
        .await;
    error_shape(&r, 404, "not-found");
    let r = admin
        .post(
            "/api/v1/periods",
            json!({"id": "2024", "year": 2024, "instrument": "p2ham-2022"}),
        )
        .await;
    error_shape(&r, 409, "refused");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_are_checked_before_bodies() {
    let server = TestServer::start(Db::Sqlite, "roles_are_checked_before_bodies").await;
    let operator = server.login("operator-kanim-sampit").await;
    // A malformed body from a caller of the wrong role: 403, not 400 or 422.
    for (method, path) in [
        (Method::POST, "/api/v1/units"),
        (Method::POST, "/api/v1/users"),
        (Method::PUT, "/api/v1/users/evaluator"),
        (Method::POST, "/api/v1/periods"),
        (Method::POST, "/api/v1/instruments"),
        (Method::POST, "/api/v1/periods/2023/decree"),
        (Method::POST, "/api/v1/periods/2023/exclusions"),
        (Method::PUT, "/api/v1/periods/2023/previous"),
        (Method::PUT, "/api/v1/periods/2023/previous-awards"),
        (Method::POST, "/api/v1/periods/2023/units/kanim-sampit/return"),
        (Method::POST, "/api/v1/periods/2023/units/kanim-sampit/evaluate"),
        (Method::PUT, "/api/v1/periods/2023/award-rule"),
        (
            Method::PUT,
            "/api/v1/periods/2023/units/kanim-sampit/award-components",
        ),
        (
            Method::PUT,
            "/api/v1/periods/2023/units/kanim-sampit/evidence/0000000000000000000000000000000000000000000000000000000000000000/public",
        ),
    ] {
        let r = Client::reply(
            operator
                .request(method.clone(), path)
                .header("content-type", "application/json")
                .body("{not json"),
        )
        .await;
        assert_eq!(r.status.as_u16(), 403, "{method} {path}: {}", r.text());
        assert_eq!(r.code(), "forbidden", "{method} {path}");
    }
    // The survey is the operator's: a verifier sending one is refused before it is read.
    let verifier = server.login("verifier-kalteng").await;
    let r = Client::reply(
        verifier
            .request(Method::PUT, "/api/v1/periods/2023/units/kanim-sampit/skm")
            .body(vec![0u8; 16]),
    )
    .await;
    error_shape(&r, 403, "forbidden");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_logins_say_when_to_retry() {
    let server = TestServer::start(Db::Sqlite, "too_many_logins_say_when_to_retry").await;
    let anon = server.anonymous();
    let mut limited = None;
    for _ in 0..20 {
        let r = anon
            .post(
                "/api/v1/session",
                json!({"username": "evaluator", "password": "wrong-password"}),
            )
            .await;
        if r.status.as_u16() == 429 {
            limited = Some(r);
            break;
        }
        error_shape(&r, 401, "login-failed");
    }
    let r = limited.expect("login attempts are limited");
    error_shape(&r, 429, "rate-limited");
    let after: u64 = r
        .headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("429 has Retry-After in seconds");
    assert_eq!(after, 60);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logging_out_with_a_token_revokes_it() {
    let server = TestServer::start(Db::Sqlite, "logging_out_with_a_token_revokes_it").await;
    let evaluator = server.login("evaluator").await;
    let made = evaluator.post("/api/v1/tokens", json!({"name": "laporan"})).await;
    made.expect(201);
    let token = made.json()["token"].as_str().expect("token").to_owned();
    let id = made.json()["id"].as_str().expect("id").to_owned();
    let system = evaluator.with_token(&token);
    system.get("/api/v1/session").await.expect(200);
    system
        .send(Method::DELETE, "/api/v1/session", None)
        .await
        .expect(204);
    error_shape(&system.get("/api/v1/session").await, 401, "unauthenticated");
    // The token is listed as revoked; the session that made it still works.
    let tokens = evaluator.get("/api/v1/tokens").await;
    tokens.expect(200);
    let listed = tokens.json();
    let entry = listed
        .as_array()
        .expect("list")
        .iter()
        .find(|t| t["id"] == id.as_str())
        .expect("the token is listed")
        .clone();
    assert!(!entry["revoked_at"].is_null(), "{entry}");
    server.stop().await;
}

fn document() -> Value {
    serde_json::from_str(&p2ham_server::openapi_json()).expect("JSON")
}

fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            out.push((method.clone(), path.clone(), op.clone()));
        }
    }
    out
}

#[test]
fn every_status_is_documented_with_a_description() {
    let doc = document();
    let ops = operations(&doc);
    assert!(ops.len() >= 60, "{} operations", ops.len());
    let mut secured = 0;
    let mut json_bodies = 0;
    for (method, path, op) in &ops {
        let responses = op["responses"].as_object().expect("responses");
        for (status, response) in responses {
            let description = response["description"].as_str().unwrap_or("");
            assert!(
                !description.is_empty(),
                "{method} {path} {status}: no description"
            );
            if method != "head" && (status.starts_with('4') || status.starts_with('5')) {
                assert_eq!(
                    response["content"]["application/json"]["schema"]["$ref"],
                    "#/components/schemas/ErrorBody",
                    "{method} {path} {status}"
                );
            }
        }
        let is_secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
        if is_secured {
            secured += 1;
            for status in ["401", "403"] {
                assert!(
                    responses.contains_key(status),
                    "{method} {path}: {status} undocumented"
                );
            }
        }
        if op["requestBody"]["content"]["application/json"].is_object() {
            json_bodies += 1;
            for status in ["400", "413", "415", "422"] {
                assert!(
                    responses.contains_key(status),
                    "{method} {path}: {status} undocumented"
                );
            }
        }
        let has = |place: &str| {
            op["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["in"] == place))
        };
        if has("path") {
            assert!(responses.contains_key("404"), "{method} {path}: 404 undocumented");
        }
        if has("query") {
            assert!(responses.contains_key("400"), "{method} {path}: 400 undocumented");
        }
    }
    assert!(secured >= 55, "{secured} secured operations");
    assert!(json_bodies >= 12, "{json_bodies} operations with a JSON body");
    // The login's 429 says when to retry.
    let limited = &doc["paths"]["/api/v1/session"]["post"]["responses"]["429"];
    assert!(limited["headers"]["Retry-After"].is_object(), "{limited}");
    // `servers` names the root (a base path is tested in tests/mount.rs).
    assert_eq!(doc["servers"][0]["url"], "/");
}

#[test]
fn the_document_states_what_the_server_enforces() {
    let doc = document();
    let schema = |name: &str| doc["components"]["schemas"][name].clone();
    let user = schema("NewUser");
    assert_eq!(user["properties"]["password"]["minLength"], 10);
    assert_eq!(user["properties"]["username"]["pattern"], "^[a-z0-9._-]{1,64}$");
    assert_eq!(user["oneOf"].as_array().map(Vec::len), Some(3), "{user}");
    assert_eq!(schema("DecreeRequest")["properties"]["date"]["format"], "date");
    assert_eq!(schema("ReturnRequest")["properties"]["comments"]["minItems"], 1);
    assert_eq!(schema("EvidenceUpload")["properties"]["file"]["minItems"], 1);
    // A report's format is one the operation answers: the letter has no fragment.
    let letter = &doc["paths"]["/api/v1/periods/{period}/units/{unit}/letter"]["get"];
    let format = letter["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .find(|p| p["name"] == "format")
        .expect("format")
        .clone();
    let offered: Vec<&str> = format["schema"]["enum"]
        .as_array()
        .expect("enum")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        offered.contains(&"md") && !offered.contains(&"fragment"),
        "{offered:?}"
    );
    // Reports and documents reference the published schemas, embedded as components.
    let score = &doc["paths"]["/api/v1/periods/{period}/units/{unit}/score"]["get"]["responses"]["200"]
        ["content"]["application/json"]["schema"]["$ref"];
    assert_eq!(score, "#/components/schemas/p2ham.score");
    let published: Value = serde_json::from_str(
        &std::fs::read_to_string(common::repo().join("docs/schema/score.schema.json")).expect("score schema"),
    )
    .expect("JSON");
    let embedded = schema("p2ham.score");
    assert_eq!(embedded["required"], published["required"]);
    assert_eq!(
        embedded["$defs"].as_object().map(serde_json::Map::len),
        published["$defs"].as_object().map(serde_json::Map::len)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_format_offered_is_a_format_answered() {
    let server = TestServer::start(Db::Sqlite, "a_format_offered_is_a_format_answered").await;
    let evaluator = server.login("evaluator").await;
    let doc = document();
    // The diff of two built-ins in every format the document offers for it.
    let diff = &doc["paths"]["/api/v1/instruments/{from}/diff/{to}"]["get"];
    let format = diff["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .find(|p| p["name"] == "format")
        .expect("format")
        .clone();
    for f in format["schema"]["enum"].as_array().expect("enum") {
        let f = f.as_str().expect("a name");
        let r = evaluator
            .get(&format!(
                "/api/v1/instruments/p2ham-2018-kanim/diff/p2ham-2022?format={f}"
            ))
            .await;
        assert_eq!(r.status.as_u16(), 200, "format {f}: {}", r.text());
    }
    // One the letter does not offer is refused in the error shape.
    let r = evaluator
        .get("/api/v1/periods/2023/units/kanim-sampit/letter?format=fragment")
        .await;
    error_shape(&r, 406, "unsupported-format");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_stops_is_a_json_timeout() {
    let server = TestServer::start_with(Db::Sqlite, "a_body_that_stops_is_a_json_timeout", |s| {
        s.body_idle_timeout = Duration::from_secs(1);
        s.body_rate_grace = Duration::from_secs(1);
    })
    .await;
    let addr = server.base.trim_start_matches("http://").to_owned();
    let answer = tokio::task::spawn_blocking(move || {
        let mut body = std::net::TcpStream::connect(&addr).expect("connect");
        write!(
            body,
            "POST /api/v1/session HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"username\": "
        )
        .expect("write");
        body.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
        let mut answer = vec![0u8; 4096];
        let n = body.read(&mut answer).unwrap_or(0);
        String::from_utf8_lossy(&answer[..n]).into_owned()
    })
    .await
    .expect("the client");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    let lower = answer.to_ascii_lowercase();
    assert!(lower.contains("content-type: application/json"), "{answer}");
    assert!(answer.contains("\"code\":\"timeout\""), "{answer}");
    server.stop().await;
}
