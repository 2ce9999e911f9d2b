//! `GET /metrics`: scraped after a known set of requests, its counts are
//! those requests; only an administrator's or a metrics account's API token
//! reads it, and a metrics account reads nothing else.

mod common;

use std::collections::BTreeMap;

use common::{files_under, fixture, repo, Client, TestServer};
use p2ham_server::{NewUser, Role};
use serde_json::json;

const CASE: &str = "/api/v1/periods/2023/units/kanim-sampit";

/// The samples of an OpenMetrics text: `name{labels}` → value (as written).
fn samples(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let (series, value) = line
            .rsplit_once(' ')
            .unwrap_or_else(|| panic!("not a sample: {line}"));
        assert!(value.parse::<f64>().is_ok(), "not a number: {line}");
        assert!(
            out.insert(series.to_owned(), value.to_owned()).is_none(),
            "{series} twice"
        );
    }
    out
}

/// A sample that counts (a whole number).
fn get(s: &BTreeMap<String, String>, series: &str) -> u64 {
    let v = s.get(series).unwrap_or_else(|| {
        panic!(
            "no {series} among:\n{}",
            s.keys().cloned().collect::<Vec<_>>().join("\n")
        )
    });
    v.parse()
        .unwrap_or_else(|_| panic!("{series}: {v} is not a count"))
}

async fn metrics_account(server: &TestServer) -> Client {
    server
        .state
        .admin()
        .create_user(&NewUser {
            username: "prometheus".into(),
            name: "Prometheus".into(),
            role: Role::Metrics,
            unit: None,
            office: None,
            password: common::PASSWORD.into(),
        })
        .await
        .expect("metrics account");
    let scraper = server.login("prometheus").await;
    scraper.with_token(&token(&scraper).await)
}

async fn token(client: &Client) -> String {
    let r = client.post("/api/v1/tokens", json!({"name": "prometheus"})).await;
    r.expect(201);
    r.json()["token"].as_str().expect("token").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_what_was_served() {
    for db in common::backends() {
        scrape(db).await;
    }
}

async fn scrape(db: common::Db) {
    let server = TestServer::start(db, "metrics_count_what_was_served").await;
    let scraper = metrics_account(&server).await;
    let admin = server.login("admin").await;
    let admin_token = admin.with_token(&token(&admin).await);

    // Refusals: nobody, a session, the other roles' tokens.
    let anonymous = server.anonymous();
    assert_eq!(
        anonymous.get("/metrics").await.expect(401).code(),
        "unauthenticated"
    );
    assert_eq!(admin.get("/metrics").await.expect(401).code(), "unauthenticated");
    for user in ["operator-kanim-sampit", "verifier-kalteng", "evaluator"] {
        let c = server.login(user).await;
        let t = c.with_token(&token(&c).await);
        assert_eq!(t.get("/metrics").await.expect(403).code(), "forbidden", "{user}");
    }
    // A metrics account reads nothing else, whatever every other role may read.
    for path in [
        "/api/v1/periods",
        "/api/v1/units",
        "/api/v1/instruments",
        CASE,
        "/api/v1/audit",
    ] {
        scraper.get(path).await.expect(403);
    }
    // Its pages are the login page's.
    let page = server.login("prometheus").await.get("/unit").await;
    assert!(
        page.status.is_redirection() || page.text().contains("login"),
        "{}",
        page.status
    );

    // What the scrape will count: three health checks, a route that does not
    // exist (by its template, never its path), the case read by the evaluator.
    for _ in 0..3 {
        anonymous.get("/api/v1/health").await.expect(200);
    }
    anonymous
        .get("/api/v1/no-such-route/kanim-sampit")
        .await
        .expect(404);
    // A made-up method is counted as OTHER, never as a series of its own.
    for _ in 0..2 {
        let brew = reqwest::Method::from_bytes(b"BREW").expect("a method");
        let r = Client::reply(anonymous.request(brew, "/api/v1/health")).await;
        assert!(r.status.is_client_error(), "{}", r.status);
    }
    let evaluator = server.login("evaluator").await;
    evaluator.get(CASE).await.expect(200);
    evaluator
        .get("/api/v1/periods/2023/units/lapas-sampit")
        .await
        .expect(200);

    // The operator uploads its evidence (files and bytes counted), its
    // declaration and self-assessment, and submits (two transitions).
    let op = server.login("operator-kanim-sampit").await;
    let evidence = files_under(
        &repo().join("fixtures/evidence/kanim-sampit"),
        &["foto", "dokumen"],
    );
    let (files, bytes) = (
        evidence.len(),
        evidence.iter().map(|(_, b)| b.len()).sum::<usize>(),
    );
    op.upload(&format!("{CASE}/evidence"), evidence).await.expect(201);
    op.declare("2023", "kanim-sampit").await;
    op.put_bytes(
        &format!("{CASE}/self-assessment"),
        fixture("fixtures/assessments/sampit-2023/kanim-sampit.self.json"),
    )
    .await
    .expect(200);
    op.post(&format!("{CASE}/submit"), json!({})).await.expect(200);
    let audit_len = admin
        .get("/api/v1/audit?limit=1000")
        .await
        .expect(200)
        .json()
        .as_array()
        .expect("entries")
        .len();

    let r = scraper.get("/metrics").await;
    r.expect(200);
    assert_eq!(
        r.headers["content-type"],
        "application/openmetrics-text; version=1.0.0; charset=utf-8"
    );
    let text = r.text();
    assert!(text.ends_with("# EOF\n"));
    let s = samples(&text);
    assert!(!text.contains("BREW"), "a made-up method became a label");
    assert_eq!(
        s.iter()
            .filter(|(k, _)| k.starts_with("p2ham_http_requests_total{method=\"OTHER\""))
            .map(|(_, v)| v.parse::<u64>().expect("a count"))
            .sum::<u64>(),
        2
    );
    let health = "method=\"GET\",route=\"/api/v1/health\",status=\"200\"";
    assert_eq!(get(&s, &format!("p2ham_http_requests_total{{{health}}}")), 3);
    assert_eq!(
        get(
            &s,
            &format!("p2ham_http_request_duration_seconds_count{{{health}}}")
        ),
        3
    );
    assert_eq!(
        get(
            &s,
            &format!("p2ham_http_request_duration_seconds_bucket{{le=\"+Inf\",{health}}}")
        ),
        3
    );
    assert_eq!(
        get(
            &s,
            "p2ham_http_requests_total{method=\"GET\",route=\"(unmatched)\",status=\"404\"}"
        ),
        1
    );
    assert_eq!(
        get(
            &s,
            "p2ham_http_requests_total{method=\"GET\",route=\"/api/v1/periods/{period}/units/{unit}\",status=\"200\"}"
        ),
        2
    );
    // One refusal per role's token above; the metrics account's five refusals are of other routes.
    assert_eq!(
        get(
            &s,
            "p2ham_http_requests_total{method=\"GET\",route=\"/metrics\",status=\"403\"}"
        ),
        3
    );
    assert_eq!(
        get(
            &s,
            "p2ham_http_requests_total{method=\"GET\",route=\"/metrics\",status=\"401\"}"
        ),
        2
    );
    // No raw path is a label.
    assert!(
        !text.contains("kanim-sampit") && !text.contains("no-such-route"),
        "{text}"
    );
    assert_eq!(get(&s, "p2ham_evidence_files_stored_total"), files as u64);
    assert_eq!(get(&s, "p2ham_evidence_bytes_stored_total"), bytes as u64);
    assert_eq!(
        get(
            &s,
            "p2ham_workflow_transitions_total{action=\"put-self-assessment\"}"
        ),
        1
    );
    assert_eq!(get(&s, "p2ham_workflow_transitions_total{action=\"submit\"}"), 1);
    assert_eq!(get(&s, "p2ham_audit_entries_appended_total"), audit_len as u64);
    let (size, idle) = (
        get(&s, "p2ham_db_pool_connections"),
        get(&s, "p2ham_db_pool_idle_connections"),
    );
    assert!(size >= 1 && idle <= size, "pool {size} idle {idle}");

    // An administrator's token reads it too; the first scrape is counted by then.
    let again = samples(&admin_token.get("/metrics").await.expect(200).text());
    assert_eq!(
        get(
            &again,
            "p2ham_http_requests_total{method=\"GET\",route=\"/metrics\",status=\"200\"}"
        ),
        1
    );
    eprintln!("metrics document: {} bytes, {} samples", text.len(), s.len());
    server.stop().await;
}

/// Under a base path the metrics are at `/p2ham/metrics`, and the metrics
/// account still reads them and nothing else.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_under_a_base_path() {
    let server = TestServer::start_with(common::Db::Sqlite, "metrics_under_a_base_path", |s| {
        s.base_path = "/p2ham".into();
    })
    .await;
    assert!(server.base.ends_with("/p2ham"));
    let scraper = metrics_account(&server).await;
    scraper.get("/api/v1/units").await.expect(403);
    let s = samples(&scraper.get("/metrics").await.expect(200).text());
    assert_eq!(
        get(
            &s,
            "p2ham_http_requests_total{method=\"GET\",route=\"/p2ham/api/v1/units\",status=\"403\"}"
        ),
        1
    );
    server.stop().await;
}
