//! The OpenAPI document: checked in at docs/openapi.json without drift, served
//! at /api/v1/openapi.json, every route in it answers, every `$ref` resolves.
//! (`.ci/run` also validates it with openapi-spec-validator.)

mod common;

use common::{repo, Client, Db, TestServer};
use reqwest::Method;
use serde_json::Value;

#[test]
fn checked_in_document_has_not_drifted() {
    let generated = p2ham_server::openapi_json();
    let published = std::fs::read_to_string(repo().join("docs/openapi.json")).unwrap_or_default();
    assert!(
        generated == published,
        "docs/openapi.json is out of date; regenerate: cargo run -p p2ham-cli -- serve --openapi > docs/openapi.json"
    );
}

fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "$ref" {
                    out.push(x.as_str().expect("a $ref is a string").to_owned());
                } else {
                    refs(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

#[test]
fn document_is_openapi_3_1_and_every_reference_resolves() {
    let doc: Value = serde_json::from_str(&p2ham_server::openapi_json()).expect("JSON");
    assert_eq!(doc["openapi"], "3.1.0");
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in all {
        let pointer = r.strip_prefix('#').expect("local reference");
        assert!(doc.pointer(pointer).is_some(), "{r} does not resolve");
    }
    // Every operation has an id, a tag and a documented error shape.
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            assert!(op["operationId"].is_string(), "{method} {path}");
            assert!(op["tags"].is_array(), "{method} {path}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_route_answers() {
    let server = TestServer::start(Db::Sqlite, "every_documented_route_answers").await;
    let document = server.anonymous().get("/api/v1/openapi.json").await;
    document.expect(200);
    assert_eq!(document.text(), p2ham_server::openapi_json());
    let doc = document.json();
    let anon = server.anonymous();
    let mut count = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let concrete = path
            .replace("{period}", "2023")
            .replace("{unit}", "kanim-sampit")
            .replace("{sha256}", &"0".repeat(64))
            .replace("{id}", "x");
        for method in item.as_object().expect("item").keys() {
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let r = Client::reply(anon.request(m, &concrete)).await;
            let body = r.text();
            assert_ne!(r.status.as_u16(), 405, "{method} {path}: {body}");
            assert!(
                !body.contains("no such route"),
                "{method} {path} is documented but not routed"
            );
            count += 1;
        }
    }
    assert!(count >= 30, "{count} operations");
    server.stop().await;
}
