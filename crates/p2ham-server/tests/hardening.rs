//! Hostile use of the application, each case a regression test of a finding:
//! memory held by strangers, redirects and logins from other sites, sessions
//! and tokens that outlive a password or a role, headers, slow and large
//! requests, and text that hides what it is.

mod common;

use std::io::{Read, Write};
use std::time::Duration;

use common::{fixture, Client, Db, TestServer};
use reqwest::Method;

const KANIM: &str = "/api/v1/periods/2023/units/kanim-sampit";

/// A client that does not follow redirects.
fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("client")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logins_are_bounded_and_audited_and_come_only_from_this_site() {
    let server = TestServer::start(Db::Sqlite, "logins").await;
    let http = no_redirects();
    // A username of 100 KiB is refused as a failed login, kept nowhere in full.
    let huge_name = "a".repeat(100 * 1024);
    let anon = server.anonymous();
    let r = anon
        .post(
            "/api/v1/session",
            serde_json::json!({"username": huge_name, "password": "x"}),
        )
        .await;
    r.expect(401);
    assert_eq!(r.code(), "login-failed");
    // The failure is in the audit log, without the password or the long name.
    let admin = server.login("admin").await;
    let log = admin.get("/api/v1/audit?limit=1000").await.json();
    let failed: Vec<&serde_json::Value> = log
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["action"] == "login-failed")
        .collect();
    assert_eq!(failed.len(), 1, "{log:#}");
    assert_eq!(failed[0]["object"], "user/(not a username)");
    assert!(!failed[0].to_string().contains("aaaa"));

    // Another site's login form is refused; this site's lands on the start page.
    let form = [
        ("username", "operator-kanim-sampit"),
        ("password", common::PASSWORD),
        ("next", "/unit"),
    ];
    let host = server.base.trim_start_matches("http://").to_owned();
    let r = http
        .post(format!("{}/login", server.base))
        .header("origin", "https://evil.example")
        .form(&form)
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), 403);
    assert!(r.headers().get("set-cookie").is_none());
    let r = http
        .post(format!("{}/login", server.base))
        .header("origin", format!("http://{host}"))
        .form(&form)
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/unit");

    // `next` with a tab or a line break never leaves the site, nor fails.
    for next in [
        "/\t/evil.example",
        "/\n/evil.example",
        "/%09/evil.example",
        "\\\\evil.example",
    ] {
        let r = http
            .post(format!("{}/login", server.base))
            .form(&[
                ("username", "operator-kanim-sampit"),
                ("password", common::PASSWORD),
                ("next", next),
            ])
            .send()
            .await
            .expect("login");
        assert_eq!(r.status(), 303, "{next:?}");
        let to = r.headers()["location"].to_str().expect("ascii").to_owned();
        assert!(
            to.starts_with('/') && !to.starts_with("//") && !to.contains("evil"),
            "{next:?} → {to}"
        );
    }
    let r = http
        .get(format!("{}/lang/en?back=/%09/evil.example", server.base))
        .send()
        .await
        .expect("lang");
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_password_or_role_ends_the_old_sessions_and_tokens() {
    let server = TestServer::start(Db::Sqlite, "credentials").await;
    let phone = server.login("operator-kanim-sampit").await;
    let desk = server.login("operator-kanim-sampit").await;
    let r = desk
        .post("/api/v1/tokens", serde_json::json!({"name": "sistem-kanim"}))
        .await;
    r.expect(201);
    let token = desk.with_token(r.json()["token"].as_str().expect("token"));
    token.get("/api/v1/periods").await.expect(200);

    // Guesses of the current password are limited like logins.
    let form = |current: &str| {
        vec![
            ("current".to_owned(), current.to_owned()),
            ("new".to_owned(), "kata-sandi-baru-2026".to_owned()),
            ("confirm".to_owned(), "kata-sandi-baru-2026".to_owned()),
            ("csrf_token".to_owned(), desk.csrf.clone().unwrap_or_default()),
        ]
    };
    let post = |fields: Vec<(String, String)>| {
        let b = desk
            .http
            .request(Method::POST, format!("{}/password", desk.base))
            .form(&fields);
        Client::reply(b)
    };
    for _ in 0..10 {
        let r = post(form("salah-sekali-lagi")).await;
        r.expect(422);
        assert!(r.text().contains("Kata sandi sekarang salah"), "{}", r.text());
    }
    let r = post(form(common::PASSWORD)).await;
    r.expect(422);
    assert!(r.text().contains("Terlalu banyak"), "{}", r.text());
    // The failures and the lock-out are in the audit log, once each failure and once the lock-out.
    let admin = server.login("admin").await;
    let log = admin.get("/api/v1/audit?limit=1000").await.json();
    let count = |action: &str| {
        log.as_array()
            .expect("entries")
            .iter()
            .filter(|e| e["action"] == action)
            .count()
    };
    assert_eq!(count("change-password-failed"), 10, "{log:#}");
    assert_eq!(count("change-password-limited"), 1, "{log:#}");

    // After the minute, from a fresh limit: the right password changes it and
    // ends every other session and token of the user.
    let server2 = TestServer::start(Db::Sqlite, "credentials-2").await;
    let phone2 = server2.login("operator-kanim-sampit").await;
    let desk2 = server2.login("operator-kanim-sampit").await;
    let r = desk2
        .post("/api/v1/tokens", serde_json::json!({"name": "sistem-kanim"}))
        .await;
    let token2 = desk2.with_token(r.json()["token"].as_str().expect("token"));
    let fields = vec![
        ("current", common::PASSWORD),
        ("new", "kata-sandi-baru-2026"),
        ("confirm", "kata-sandi-baru-2026"),
        ("csrf_token", desk2.csrf.as_deref().unwrap_or_default()),
    ];
    let r = Client::reply(
        desk2
            .http
            .request(Method::POST, format!("{}/password", desk2.base))
            .form(&fields),
    )
    .await;
    r.expect(200);
    desk2.get("/api/v1/session").await.expect(200);
    phone2.get("/api/v1/session").await.expect(401);
    token2.get("/api/v1/periods").await.expect(401);
    server2.stop().await;

    // A role or scope change ends the user's tokens for good.
    let admin = server.login("admin").await;
    admin
        .send(
            Method::PUT,
            "/api/v1/users/operator-kanim-sampit",
            Some(serde_json::json!({"name": "Operator Kanim", "role": "operator", "unit": "lapas-sampit"})),
        )
        .await
        .expect(204);
    token.get("/api/v1/periods").await.expect(401);
    admin
        .send(
            Method::PUT,
            "/api/v1/users/operator-kanim-sampit",
            Some(serde_json::json!({"name": "Operator Kanim", "role": "operator", "unit": "kanim-sampit"})),
        )
        .await
        .expect(204);
    token.get("/api/v1/periods").await.expect(401);
    phone.get("/api/v1/session").await.expect(200);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_carries_the_security_headers_and_evidence_is_not_cached() {
    let server = TestServer::start_with(Db::Sqlite, "headers", |s| s.secure_cookies = true).await;
    let anon = server.anonymous();
    for path in ["/login", "/api/v1/health", "/api/v1/no-such-route", "/app.js"] {
        let r = anon.get(path).await;
        let h = |name: &str| r.headers.get(name).map(|v| v.to_str().expect("ascii").to_owned());
        let csp = h("content-security-policy").unwrap_or_default();
        assert!(
            csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{path}: {csp}"
        );
        assert!(
            !csp.contains("script-src 'self' 'unsafe-inline'"),
            "{path}: {csp}"
        );
        assert_eq!(h("x-content-type-options").as_deref(), Some("nosniff"), "{path}");
        assert_eq!(h("x-frame-options").as_deref(), Some("DENY"), "{path}");
        assert_eq!(h("referrer-policy").as_deref(), Some("same-origin"), "{path}");
        assert!(
            h("strict-transport-security").is_some(),
            "{path}: HSTS with secure cookies"
        );
    }
    // The page has no inline script.
    let page = anon.get("/login").await.text();
    assert!(
        !page.contains("<script>") && page.contains("<script src="),
        "{page}"
    );

    // Evidence: a photo inline, a PDF only as a download, neither cached.
    let op = server.login("operator-kanim-sampit").await;
    let photo = fixture("fixtures/evidence/kanim-sampit/foto/apar.png");
    let pdf = std::fs::read_dir(common::repo().join("fixtures/evidence/kanim-sampit/dokumen"))
        .expect("documents")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "pdf"))
        .map(|p| std::fs::read(p).expect("pdf"));
    let mut files = vec![("foto/apar.png".to_owned(), photo)];
    if let Some(pdf) = pdf {
        files.push(("dokumen/sop.pdf".to_owned(), pdf));
    }
    let r = op.upload(&format!("{KANIM}/evidence"), files).await;
    r.expect(201);
    for e in r.json().as_array().expect("stored") {
        let sha = e["sha256"].as_str().expect("sha");
        let got = op.get(&format!("{KANIM}/evidence/{sha}")).await;
        got.expect(200);
        let h = |name: &str| got.headers[name].to_str().expect("ascii").to_owned();
        assert_eq!(h("cache-control"), "private, no-store");
        let disposition = h("content-disposition");
        if e["content_type"] == "application/pdf" {
            assert!(disposition.starts_with("attachment"), "{disposition}");
        } else {
            assert_eq!(disposition, "inline");
        }
        assert!(h("content-security-policy").starts_with("sandbox"));
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_oversized_requests_are_cut_off() {
    let server = TestServer::start_with(Db::Sqlite, "slow", |s| {
        s.header_timeout = Duration::from_secs(1);
        s.body_idle_timeout = Duration::from_secs(1);
        s.body_rate_grace = Duration::from_secs(1);
        s.max_files_per_request = 3;
        s.max_upload_request_bytes = 64 * 1024;
    })
    .await;
    let addr = server.base.trim_start_matches("http://").to_owned();
    // Headers that never finish: the connection is closed.
    let mut slow = std::net::TcpStream::connect(&addr).expect("connect");
    slow.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n")
        .expect("write");
    slow.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let mut buf = Vec::new();
    let started = std::time::Instant::now();
    let _ = slow.read_to_end(&mut buf);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "the slow headers were held {:?}",
        started.elapsed()
    );
    // A body that stops: 408.
    let mut body = std::net::TcpStream::connect(&addr).expect("connect");
    write!(
        body,
        "POST /login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nusername="
    )
    .expect("write");
    body.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let mut answer = [0u8; 64];
    let n = body.read(&mut answer).unwrap_or(0);
    let answer = String::from_utf8_lossy(&answer[..n]).into_owned();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    // A body that trickles a byte now and then (never idle for long): 408 after the grace.
    let mut trickle = std::net::TcpStream::connect(&addr).expect("connect");
    write!(
        trickle,
        "POST /login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n"
    )
    .expect("write");
    trickle
        .set_read_timeout(Some(Duration::from_millis(300)))
        .expect("timeout");
    let started = std::time::Instant::now();
    let mut answer = String::new();
    while started.elapsed() < Duration::from_secs(8) {
        if trickle.write_all(b"u").is_err() {
            break;
        }
        let mut buf = [0u8; 64];
        if let Ok(n) = trickle.read(&mut buf) {
            answer = String::from_utf8_lossy(&buf[..n]).into_owned();
            break;
        }
    }
    assert!(
        answer.starts_with("HTTP/1.1 408"),
        "{answer:?} after {:?}",
        started.elapsed()
    );
    let op = server.login("operator-kanim-sampit").await;
    // Too many files, or too many bytes, in one upload request: 413, nothing stored.
    let png = fixture("fixtures/evidence/kanim-sampit/foto/apar.png");
    let many: Vec<(String, Vec<u8>)> = (0..4).map(|i| (format!("foto/{i}.png"), png.clone())).collect();
    let r = op.upload(&format!("{KANIM}/evidence"), many).await;
    r.expect(413);
    let big: Vec<(String, Vec<u8>)> = (0..3)
        .map(|i| {
            (
                format!("foto/big{i}.png"),
                [png.clone(), vec![0; 40 * 1024]].concat(),
            )
        })
        .collect();
    let r = op.upload(&format!("{KANIM}/evidence"), big).await;
    r.expect(413);
    let listed = op.get(&format!("{KANIM}/evidence")).await.json();
    assert_eq!(listed.as_array().map(Vec::len), Some(0), "{listed}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_that_hides_what_it_is_is_refused() {
    let server = TestServer::start(Db::Sqlite, "text").await;
    let admin = server.login("admin").await;
    let r = admin
        .post(
            "/api/v1/units",
            serde_json::json!({"id": "rutan-x", "name": "Rutan\u{1b}[31m", "kind": "rutan", "office": "Kanwil X"}),
        )
        .await;
    r.expect(400);
    assert!(r.text().contains("U+001B"), "{}", r.text());
    let r = admin
        .post(
            "/api/v1/users",
            serde_json::json!({"username": "budi", "name": "Budi\u{0}", "role": "evaluator", "password": "panjang-sekali-123"}),
        )
        .await;
    r.expect(400);
    let op = server.login("operator-kanim-sampit").await;
    let png = fixture("fixtures/evidence/kanim-sampit/foto/apar.png");
    let r = op
        .upload(
            &format!("{KANIM}/evidence"),
            vec![("foto/\u{202e}gnp.exe".to_owned(), png)],
        )
        .await;
    r.expect(400);
    assert_eq!(r.code(), "bad-evidence-name");
    // A note with an escape sequence in a document: refused at its path.
    let mut doc: serde_json::Value = serde_json::from_slice(&fixture(
        "fixtures/assessments/sampit-2023/kanim-sampit.self.json",
    ))
    .expect("json");
    doc["answers"][0]["note"] = serde_json::json!("baik\u{1b}]8;;http://x\u{7}");
    let r = op
        .put_bytes(
            &format!("{KANIM}/self-assessment"),
            serde_json::to_vec(&doc).expect("json"),
        )
        .await;
    r.expect(422);
    let d = &r.json()["diagnostics"][0];
    assert_eq!(d["path"], "answers[0].note");
    // Line breaks in a note are fine.
    doc["answers"][0]["note"] = serde_json::json!("baris satu\nbaris dua");
    op.put_bytes(
        &format!("{KANIM}/self-assessment"),
        serde_json::to_vec(&doc).expect("json"),
    )
    .await
    .expect(200);
    server.stop().await;
}
