//! A real server on 127.0.0.1 (random port) per test, on SQLite always and on
//! PostgreSQL when `P2HAM_TEST_POSTGRES` names a database (each test in a
//! fresh schema, dropped afterwards).

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};

use p2ham_server::{AppState, Settings};
use reqwest::{Method, StatusCode};
use serde_json::Value;

pub const PASSWORD: &str = "demo-p2ham-2023";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// SQLite always; PostgreSQL too when `P2HAM_TEST_POSTGRES` is set.
pub fn backends() -> Vec<Db> {
    let mut v = vec![Db::Sqlite];
    if std::env::var("P2HAM_TEST_POSTGRES").is_ok_and(|s| !s.is_empty()) {
        v.push(Db::Postgres);
    }
    v
}

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(repo().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A PostgreSQL schema of one test, dropped when the guard goes.
pub struct PgSchema {
    admin_url: String,
    pub schema: String,
    pub url: String,
}

impl PgSchema {
    pub async fn create(test: &str) -> PgSchema {
        let admin_url = std::env::var("P2HAM_TEST_POSTGRES").expect("P2HAM_TEST_POSTGRES");
        sqlx::any::install_default_drivers();
        let schema = format!(
            "p2ham_test_{}",
            p2ham_io::digest::sha256_hex(format!("{test}{:?}", std::time::SystemTime::now()).as_bytes())
                [..16]
                .to_owned()
        );
        let pool = sqlx::AnyPool::connect(&admin_url)
            .await
            .expect("connect to P2HAM_TEST_POSTGRES");
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&pool)
            .await
            .expect("create schema");
        pool.close().await;
        if let Ok(file) = std::env::var("P2HAM_TEST_POSTGRES_RAN") {
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(file)
                .expect("marker file");
            writeln!(f, "{test}").expect("marker");
        }
        let sep = if admin_url.contains('?') { '&' } else { '?' };
        let url = format!("{admin_url}{sep}options=-c%20search_path%3D{schema}");
        PgSchema {
            admin_url,
            schema,
            url,
        }
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        let url = self.admin_url.clone();
        let schema = self.schema.clone();
        // Drop may run inside a runtime: do it on a thread of its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                if let Ok(pool) = sqlx::AnyPool::connect(&url).await {
                    let _ = sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                        .execute(&pool)
                        .await;
                    pool.close().await;
                }
            });
        })
        .join();
    }
}

pub struct TestServer {
    pub base: String,
    pub state: AppState,
    pub dir: tempfile::TempDir,
    pub db: Db,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<()>>,
    _pg: Option<PgSchema>,
}

impl TestServer {
    /// A server with the demo data (Sampit units, period 2023, accounts).
    pub async fn start(db: Db, test: &str) -> TestServer {
        Self::start_with(db, test, |_| {}).await
    }

    pub async fn start_with(db: Db, test: &str, tweak: impl FnOnce(&mut Settings)) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut settings = Settings::new(dir.path().join("data"));
        let pg = if db == Db::Postgres {
            let pg = PgSchema::create(test).await;
            settings.database = Some(pg.url.clone());
            Some(pg)
        } else {
            None
        };
        tweak(&mut settings);
        let state = AppState::open(&settings).await.expect("open the application");
        // The demo one stage early: no unit has uploaded its signed declaration yet.
        let options = p2ham_server::DemoOptions { declarations: false };
        assert!(p2ham_server::load_demo_with(&state, options)
            .await
            .expect("demo data"));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        // Under a base path, every request of the tests goes under it.
        let base = format!(
            "http://{}{}",
            listener.local_addr().expect("addr"),
            settings.base_path.trim_end_matches('/')
        );
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let s = state.clone();
        let handle = tokio::spawn(async move {
            p2ham_server::serve(listener, s, async {
                let _ = rx.await;
            })
            .await
            .expect("serve");
        });
        TestServer {
            base,
            state,
            dir,
            db,
            shutdown: Some(tx),
            handle: Some(handle),
            _pg: pg,
        }
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.handle.take() {
            let _ = h.await;
        }
    }

    pub async fn login(&self, username: &str) -> Client {
        Client::login(&self.base, username, PASSWORD).await
    }

    pub fn anonymous(&self) -> Client {
        Client {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .expect("client"),
            base: self.base.clone(),
            csrf: None,
            token: None,
        }
    }
}

#[derive(Clone)]
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub csrf: Option<String>,
    pub token: Option<String>,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
    pub fn code(&self) -> String {
        self.json()["code"].as_str().unwrap_or_default().to_owned()
    }
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Reply {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text()
        );
        self
    }
}

impl Client {
    pub async fn login(base: &str, username: &str, password: &str) -> Client {
        let mut c = Client {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .expect("client"),
            base: base.to_owned(),
            csrf: None,
            token: None,
        };
        let r = c
            .send(
                Method::POST,
                "/api/v1/session",
                Some(serde_json::json!({"username": username, "password": password})),
            )
            .await;
        r.expect(200);
        c.csrf = Some(r.json()["csrf_token"].as_str().expect("csrf").to_owned());
        c
    }

    pub fn with_token(&self, token: &str) -> Client {
        Client {
            http: reqwest::Client::new(),
            base: self.base.clone(),
            csrf: None,
            token: Some(token.to_owned()),
        }
    }

    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let mut b = self.http.request(method, format!("{}{path}", self.base));
        if let Some(c) = &self.csrf {
            b = b.header("x-csrf-token", c);
        }
        if let Some(t) = &self.token {
            b = b.bearer_auth(t);
        }
        b
    }

    pub async fn reply(b: reqwest::RequestBuilder) -> Reply {
        let r = b.send().await.expect("request");
        let status = r.status();
        let headers = r.headers().clone();
        let bytes = r.bytes().await.expect("body").to_vec();
        Reply {
            status,
            headers,
            bytes,
        }
    }

    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        let mut b = self.request(method, path);
        if let Some(v) = body {
            b = b.json(&v);
        }
        Self::reply(b).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(Method::POST, path, Some(body)).await
    }

    /// Post a url-encoded form as a page does (its CSRF token among the fields).
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        let csrf = self.csrf.clone().unwrap_or_default();
        all.push(("csrf_token", &csrf));
        Self::reply(
            self.http
                .request(Method::POST, format!("{}{path}", self.base))
                .form(&all),
        )
        .await
    }

    /// How many entries of the audit log record `action` (an administrator's client).
    pub async fn audited(&self, action: &str) -> usize {
        let log = self.get("/api/v1/audit?limit=1000").await.json();
        log.as_array()
            .expect("entries")
            .iter()
            .filter(|e| e["action"] == action)
            .count()
    }

    pub async fn put_bytes(&self, path: &str, bytes: Vec<u8>) -> Reply {
        Self::reply(
            self.request(Method::PUT, path)
                .header("content-type", "application/json")
                .body(bytes),
        )
        .await
    }

    /// Upload the unit's signed declaration (pencanangan) for the period, as its
    /// operator does before submitting (a generated one-page PDF).
    pub async fn declare(&self, period: &str, unit: &str) -> Reply {
        let pdf = p2ham_server::declaration_pdf(unit, period);
        let r = Self::reply(
            self.request(
                Method::PUT,
                &format!("/api/v1/periods/{period}/units/{unit}/declaration?name=pencanangan-{unit}.pdf"),
            )
            .header("content-type", "application/pdf")
            .body(pdf),
        )
        .await;
        r.expect(201);
        r
    }

    pub async fn upload(&self, path: &str, files: Vec<(String, Vec<u8>)>) -> Reply {
        let mut form = reqwest::multipart::Form::new();
        for (name, bytes) in files {
            form = form.part("file", reqwest::multipart::Part::bytes(bytes).file_name(name));
        }
        Self::reply(self.request(Method::POST, path).multipart(form)).await
    }
}

/// Every file under `root` except those under `skip`, as (relative path, bytes).
pub fn files_under(root: &Path, only: &[&str]) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for sub in only {
        let dir = root.join(sub);
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("entry").path())
            .collect();
        names.sort();
        for p in names {
            let rel = format!("{sub}/{}", p.file_name().expect("name").to_string_lossy());
            out.push((rel, std::fs::read(&p).expect("read")));
        }
    }
    out
}

/// The evaluator imports the Kalteng list of 2022 as 2023's previous awards.
pub async fn sampit_previous_awards(evaluator: &Client) {
    evaluator
        .put_bytes(
            "/api/v1/periods/2023/previous-awards",
            fixture("fixtures/awards/kalteng-2022.json"),
        )
        .await
        .expect(201);
}

/// The API path of a Sampit unit's case of 2023.
pub fn sampit_case(unit: &str) -> String {
    format!("/api/v1/periods/2023/units/{unit}")
}

/// A Sampit unit's self-assessment of 2023, as the fixtures hold it.
pub fn sampit_self(unit: &str) -> String {
    format!("fixtures/assessments/sampit-2023/{unit}.self.json")
}

/// The Kalteng team's verification of a Sampit unit, as the fixtures hold it.
pub fn sampit_verification(unit: &str) -> String {
    format!("fixtures/assessments/sampit-2023/{unit}.verification.json")
}

/// A Sampit unit's operator uploads its evidence (`foto`, `dokumen`) and its
/// self-assessment of 2023, leaving the case a draft. Returns the operator.
pub async fn sampit_draft(server: &TestServer, unit: &str) -> Client {
    let op = server.login(&format!("operator-{unit}")).await;
    let evidence = files_under(&repo().join("fixtures/evidence").join(unit), &["foto", "dokumen"]);
    op.upload(&format!("{}/evidence", sampit_case(unit)), evidence)
        .await
        .expect(201);
    op.put_bytes(
        &format!("{}/self-assessment", sampit_case(unit)),
        fixture(&sampit_self(unit)),
    )
    .await
    .expect(200);
    op
}

/// A draft's operator declares (pencanangan) and submits it.
pub async fn sampit_declare_and_submit(op: &Client, unit: &str) {
    op.declare("2023", unit).await;
    op.post(&format!("{}/submit", sampit_case(unit)), serde_json::json!({}))
        .await
        .expect(200);
}

/// A Sampit unit's draft, declared and submitted. Returns the operator.
pub async fn sampit_submit(server: &TestServer, unit: &str) -> Client {
    let op = sampit_draft(server, unit).await;
    sampit_declare_and_submit(&op, unit).await;
    op
}

/// The Kalteng verifier uploads the team's own photos (`verifikasi`) and its
/// verification of a submitted Sampit unit.
pub async fn sampit_verify(verifier: &Client, unit: &str) {
    let evidence = files_under(&repo().join("fixtures/evidence").join(unit), &["verifikasi"]);
    verifier
        .upload(&format!("{}/evidence", sampit_case(unit)), evidence)
        .await
        .expect(201);
    verifier
        .put_bytes(
            &format!("{}/verification", sampit_case(unit)),
            fixture(&sampit_verification(unit)),
        )
        .await
        .expect(200);
}

/// A Sampit unit uploaded, declared, submitted, verified and evaluated;
/// Kanim with its satisfaction survey (SKM) of 2023.
pub async fn sampit_evaluated(server: &TestServer, verifier: &Client, evaluator: &Client, unit: &str) {
    let op = sampit_draft(server, unit).await;
    if unit == "kanim-sampit" {
        Client::reply(
            op.request(
                reqwest::Method::PUT,
                &format!("{}/skm?name=skm-kanim-2023.csv", sampit_case(unit)),
            )
            .header("content-type", "text/csv")
            .body(fixture("fixtures/skm/kanim-sampit-2023.csv")),
        )
        .await
        .expect(201);
    }
    sampit_declare_and_submit(&op, unit).await;
    sampit_verify(verifier, unit).await;
    evaluator
        .post(&format!("{}/evaluate", sampit_case(unit)), serde_json::json!({}))
        .await
        .expect(200);
}

/// Another Kanwil (Sulawesi Tengah) with a unit of its own (`kanim-palu`)
/// and its verifier (`verifier-sulteng`), made by an administrator.
pub async fn another_kanwil(admin: &Client) {
    admin
        .post("/api/v1/units", serde_json::json!({"id": "kanim-palu", "name": "Kantor Imigrasi Palu", "kind": "kanim", "office": "Kanwil Sulawesi Tengah"}))
        .await
        .expect(201);
    admin
        .post("/api/v1/users", serde_json::json!({"username": "verifier-sulteng", "name": "Verifikator Sulteng", "role": "verifier", "office": "Kanwil Sulawesi Tengah", "password": PASSWORD}))
        .await
        .expect(201);
}
