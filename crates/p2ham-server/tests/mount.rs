//! Another axum application mounts `p2ham_server::router` under a prefix,
//! beside a route of its own: the API, the pages, their links, assets, form
//! actions, redirects, cookies and the OpenAPI document's `servers` all follow
//! the prefix; the proto types read the API's answers.

mod common;

use p2ham_server::axum::{routing::get, Router};
use p2ham_server::proto::{CaseSummary, SessionInfo};
use p2ham_server::{AppState, Settings, Status};
use reqwest::redirect::Policy;

/// Every `href`, `src` and `action` of a page.
fn targets(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\"", "action=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            out.push(rest[..end].to_owned());
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_application_mounts_the_router_under_a_prefix() {
    let dir = tempfile::tempdir().expect("temp dir");
    let state = AppState::open(&Settings::new(dir.path().join("data")))
        .await
        .expect("open");
    assert!(p2ham_server::load_demo(&state).await.expect("demo"));
    let host = Router::new()
        .route("/", get(|| async { "the host's own page" }))
        .nest("/p2ham", p2ham_server::router(state.clone()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let server = tokio::spawn(async move { p2ham_server::axum::serve(listener, host).await });
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .expect("client");

    // The host's own route is untouched.
    let own = http.get(format!("{base}/")).send().await.expect("host");
    assert_eq!(own.text().await.expect("text"), "the host's own page");

    // The login page: every link, asset and form action under the prefix.
    let page = http
        .get(format!("{base}/p2ham/login"))
        .send()
        .await
        .expect("login page");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    let targets = targets(&html);
    assert!(targets.len() >= 4, "{targets:?}");
    for t in &targets {
        assert!(
            t.starts_with("/p2ham/") || t.starts_with('#'),
            "{t} is outside the prefix"
        );
    }
    let css = http
        .get(format!("{base}/p2ham/app.css"))
        .send()
        .await
        .expect("css");
    assert_eq!(css.status(), 200);

    // A page that needs a login sends to the login page under the prefix.
    let away = http.get(format!("{base}/p2ham/unit")).send().await.expect("unit");
    assert_eq!(away.status(), 303);
    assert_eq!(away.headers()["location"], "/p2ham/login?next=/unit");

    // Logging in through the form lands under the prefix with the cookie on its path.
    let login = http
        .post(format!("{base}/p2ham/login"))
        .form(&[
            ("username", "operator-kanim-sampit"),
            ("password", common::PASSWORD),
            ("next", "/unit"),
        ])
        .send()
        .await
        .expect("login");
    assert_eq!(login.status(), 303);
    assert_eq!(login.headers()["location"], "/p2ham/unit");
    let cookie = login.headers()["set-cookie"].to_str().expect("ascii").to_owned();
    assert!(cookie.contains("; Path=/p2ham;"), "{cookie}");
    let unit = http.get(format!("{base}/p2ham/unit")).send().await.expect("unit");
    assert_eq!(unit.status(), 200);
    let html = unit.text().await.expect("html");
    assert!(
        html.contains("href=\"/p2ham/periods/2023/units/kanim-sampit\""),
        "{html}"
    );

    // The API under the prefix, read with the public request and response types.
    let me: SessionInfo = http
        .get(format!("{base}/p2ham/api/v1/session"))
        .send()
        .await
        .expect("session")
        .json()
        .await
        .expect("a SessionInfo");
    assert_eq!(me.user.username, "operator-kanim-sampit");
    let cases: Vec<CaseSummary> = http
        .get(format!("{base}/p2ham/api/v1/periods/2023/units"))
        .send()
        .await
        .expect("cases")
        .json()
        .await
        .expect("CaseSummary values");
    assert_eq!(cases.len(), 1);
    assert_eq!(
        (cases[0].unit.id.as_str(), cases[0].status),
        ("kanim-sampit", Status::Draft)
    );

    // The OpenAPI document names the prefix as its server.
    let doc: serde_json::Value = http
        .get(format!("{base}/p2ham/api/v1/openapi.json"))
        .send()
        .await
        .expect("openapi")
        .json()
        .await
        .expect("json");
    assert_eq!(doc["servers"][0]["url"], "/p2ham");
    server.abort();
}
