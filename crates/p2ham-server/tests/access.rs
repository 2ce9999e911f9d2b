//! No role reaches data outside its scope; CSRF, tokens, login limits; path
//! tricks, oversize and wrong-type uploads; windows and transitions.

mod common;

use common::{fixture, Client, Db, TestServer};
use reqwest::Method;
use serde_json::json;

const KANIM: &str = "/api/v1/periods/2023/units/kanim-sampit";
const LAPAS: &str = "/api/v1/periods/2023/units/lapas-sampit";

fn png(extra: usize) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.extend(std::iter::repeat_n(7u8, extra));
    v
}

async fn case_status(c: &Client, path: &str) -> String {
    c.get(path).await.json()["status"]
        .as_str()
        .expect("status")
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_stay_in_their_scope() {
    for db in common::backends() {
        scope(db).await;
    }
}

async fn scope(db: Db) {
    let server = TestServer::start(db, "roles_stay_in_their_scope").await;
    let admin = server.login("admin").await;
    // Another Kanwil with its own unit and verifier.
    common::another_kanwil(&admin).await;
    let kanim = server.login("operator-kanim-sampit").await;
    let lapas = server.login("operator-lapas-sampit").await;
    lapas
        .put_bytes(
            &format!("{LAPAS}/self-assessment"),
            fixture("fixtures/assessments/sampit-2023/lapas-sampit.self.json"),
        )
        .await
        .expect(200);

    // Operator of kanim: lapas does not exist for them, reading or writing.
    kanim.get(LAPAS).await.expect(404);
    kanim.get(&format!("{LAPAS}/self-assessment")).await.expect(404);
    kanim.get(&format!("{LAPAS}/evidence")).await.expect(404);
    kanim.get(&format!("{LAPAS}/score")).await.expect(404);
    kanim
        .put_bytes(
            &format!("{LAPAS}/self-assessment"),
            fixture("fixtures/assessments/sampit-2023/lapas-sampit.self.json"),
        )
        .await
        .expect(404);
    kanim
        .upload(&format!("{LAPAS}/evidence"), vec![("foto/x.png".into(), png(10))])
        .await
        .expect(404);
    kanim
        .post(&format!("{LAPAS}/submit"), json!({}))
        .await
        .expect(404);
    // Nor can they put lapas' document into their own unit.
    let r = kanim
        .put_bytes(
            &format!("{KANIM}/self-assessment"),
            fixture("fixtures/assessments/sampit-2023/lapas-sampit.self.json"),
        )
        .await;
    r.expect(422);
    assert!(r.json()["diagnostics"]
        .as_array()
        .expect("d")
        .iter()
        .any(|d| d["path"] == "unit.id"));
    let units = kanim.get("/api/v1/units").await.json();
    assert_eq!(units.as_array().expect("units").len(), 1);
    // Operators do not verify, evaluate or administer.
    kanim
        .post(
            &format!("{KANIM}/return"),
            json!({"comments": [{"comment": "x"}]}),
        )
        .await
        .expect(403);
    kanim
        .post(&format!("{KANIM}/evaluate"), json!({}))
        .await
        .expect(403);
    kanim
        .post(
            "/api/v1/units",
            json!({"id": "x", "name": "x", "kind": "kanim", "office": "x"}),
        )
        .await
        .expect(403);
    kanim.get("/api/v1/users").await.expect(403);
    kanim.get("/api/v1/audit").await.expect(403);

    // A verifier of another Kanwil sees nothing of Kalimantan Tengah.
    let sulteng = server.login("verifier-sulteng").await;
    let ev = common::files_under(
        &common::repo().join("fixtures/evidence/lapas-sampit"),
        &["foto", "dokumen"],
    );
    lapas.upload(&format!("{LAPAS}/evidence"), ev).await.expect(201);
    let before = server.login("evaluator").await.get(LAPAS).await.json();
    lapas.declare("2023", "lapas-sampit").await;
    lapas
        .post(&format!("{LAPAS}/submit"), json!({}))
        .await
        .expect(200);
    sulteng.get(LAPAS).await.expect(404);
    sulteng
        .post(
            &format!("{LAPAS}/return"),
            json!({"comments": [{"comment": "x"}]}),
        )
        .await
        .expect(404);
    sulteng
        .put_bytes(
            &format!("{LAPAS}/verification"),
            fixture("fixtures/assessments/sampit-2023/lapas-sampit.verification.json"),
        )
        .await
        .expect(404);
    let seen: Vec<String> = sulteng
        .get("/api/v1/units")
        .await
        .json()
        .as_array()
        .expect("u")
        .iter()
        .map(|u| u["id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(seen, ["kanim-palu"]);

    // Nothing changed for lapas but its own submit.
    let evaluator = server.login("evaluator").await;
    let after = evaluator.get(LAPAS).await.json();
    assert_eq!(after["documents"], before["documents"]);
    assert_eq!(after["evidence"], before["evidence"]);
    assert_eq!(after["status"], "submitted");
    // The evaluator reads everything but does not verify.
    evaluator.get(KANIM).await.expect(200);
    evaluator
        .post(
            &format!("{LAPAS}/return"),
            json!({"comments": [{"comment": "x"}]}),
        )
        .await
        .expect(403);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csrf_tokens_and_logins() {
    for db in common::backends() {
        csrf(db).await;
    }
}

async fn csrf(db: Db) {
    let server =
        TestServer::start_with(db, "csrf_tokens_and_logins", |s| s.login_attempts_per_minute = 3).await;
    let op = server.login("operator-kanim-sampit").await;
    let doc = fixture("fixtures/assessments/sampit-2023/kanim-sampit.self.json");
    // Missing and forged CSRF tokens are refused; nothing is stored.
    let mut no_csrf = op.clone();
    no_csrf.csrf = None;
    let r = no_csrf
        .put_bytes(&format!("{KANIM}/self-assessment"), doc.clone())
        .await;
    r.expect(403);
    assert_eq!(r.code(), "csrf");
    let mut forged = op.clone();
    forged.csrf = Some("0".repeat(64));
    forged
        .put_bytes(&format!("{KANIM}/self-assessment"), doc.clone())
        .await
        .expect(403);
    assert!(op.get(KANIM).await.json()["documents"]
        .as_array()
        .expect("d")
        .is_empty());
    // Reading needs no CSRF token.
    no_csrf.get(KANIM).await.expect(200);

    // Tokens: act in their role, need no CSRF, can be revoked.
    let r = op.post("/api/v1/tokens", json!({"name": "sistem-unit"})).await;
    r.expect(201);
    let token = r.json()["token"].as_str().expect("token").to_owned();
    let id = r.json()["id"].as_str().expect("id").to_owned();
    let bearer = op.with_token(&token);
    bearer
        .put_bytes(&format!("{KANIM}/self-assessment"), doc.clone())
        .await
        .expect(200);
    // The wrong role for the route is refused.
    let r = bearer.post(&format!("{KANIM}/evaluate"), json!({})).await;
    r.expect(403);
    assert_eq!(r.code(), "forbidden");
    bearer
        .post("/api/v1/tokens", json!({"name": "x"}))
        .await
        .expect(403);
    op.with_token("p2ham_not-a-token").get(KANIM).await.expect(401);
    op.send(Method::DELETE, &format!("/api/v1/tokens/{id}"), None)
        .await
        .expect(204);
    bearer.get(KANIM).await.expect(401);
    // Nobody: 401.
    server.anonymous().get(KANIM).await.expect(401);

    // A token made for one role stops working when its user's role changes.
    let ev = server.login("evaluator").await;
    let t = ev.post("/api/v1/tokens", json!({"name": "dasbor"})).await.json()["token"]
        .as_str()
        .expect("t")
        .to_owned();
    ev.with_token(&t).get(KANIM).await.expect(200);
    sqlx::query("UPDATE users SET role = 'admin' WHERE username = 'evaluator'")
        .execute(server.state.db().pool())
        .await
        .expect("update");
    ev.with_token(&t).get(KANIM).await.expect(401);

    // Logins: one message for unknown users and wrong passwords; rate limited.
    let anon = server.anonymous();
    let r = anon
        .post("/api/v1/session", json!({"username": "nobody", "password": "x"}))
        .await;
    r.expect(401);
    let r2 = anon
        .post(
            "/api/v1/session",
            json!({"username": "admin", "password": "wrong-password"}),
        )
        .await;
    r2.expect(401);
    assert_eq!(r.json()["message"], r2.json()["message"]);
    let mut limited = false;
    for _ in 0..5 {
        let r = anon
            .post(
                "/api/v1/session",
                json!({"username": "admin", "password": "wrong-password"}),
            )
            .await;
        if r.status.as_u16() == 429 {
            limited = true;
            break;
        }
    }
    assert!(limited, "login attempts are rate limited");
    // Logout ends the session.
    op.send(Method::DELETE, "/api/v1/session", None).await.expect(204);
    op.get(KANIM).await.expect(401);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evidence_uploads_are_checked() {
    for db in common::backends() {
        uploads(db).await;
    }
}

async fn uploads(db: Db) {
    let server = TestServer::start_with(db, "evidence_uploads_are_checked", |s| {
        s.max_evidence_bytes = 64 * 1024;
    })
    .await;
    let op = server.login("operator-kanim-sampit").await;
    let path = format!("{KANIM}/evidence");
    for name in [
        "../../etc/passwd.png",
        "/etc/x.png",
        "foto\\x.png",
        "foto//x.png",
        "foto/./x.png",
        "foto/../x.png",
        "C:x.png",
        "foto/\u{7}.png",
        "",
    ] {
        let r = op.upload(&path, vec![(name.into(), png(10))]).await;
        r.expect(400);
        assert!(
            r.code() == "bad-evidence-name" || r.code() == "bad-multipart",
            "{name}: {}",
            r.text()
        );
    }
    // Too large: 413, nothing left behind.
    let r = op
        .upload(&path, vec![("foto/besar.png".into(), png(100 * 1024))])
        .await;
    r.expect(413);
    assert_eq!(r.code(), "too-large");
    // Wrong type by content, whatever the name.
    let r = op
        .upload(&path, vec![("foto/x.jpg".into(), b"GIF89a not a jpeg".to_vec())])
        .await;
    r.expect(415);
    let r = op
        .upload(&path, vec![("dokumen/x.pdf".into(), b"<html>".to_vec())])
        .await;
    r.expect(415);
    // Nothing was stored.
    assert!(op.get(&path).await.json().as_array().expect("list").is_empty());
    let evidence_dir = server.state.settings().evidence_path();
    let stored = walk(&evidence_dir.join("objects"));
    assert!(stored.is_empty(), "{stored:?}");
    assert!(walk(&evidence_dir.join("tmp")).is_empty());
    // Content decides the type: a PNG named .pdf is a PNG; JPEG and PDF by their magic.
    let r = op
        .upload(
            &path,
            vec![
                ("dokumen/foto.pdf".into(), png(20)),
                (
                    "foto/ruang.jpg".into(),
                    [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[1u8; 50][..]].concat(),
                ),
                ("dokumen/sk.pdf".into(), b"%PDF-1.7\n...".to_vec()),
            ],
        )
        .await;
    r.expect(201);
    let types: Vec<String> = r
        .json()
        .as_array()
        .expect("l")
        .iter()
        .map(|e| e["content_type"].as_str().expect("t").to_owned())
        .collect();
    assert_eq!(types, ["image/png", "image/jpeg", "application/pdf"]);
    // A stored file that was altered on disk is not served.
    let sha = r.json()[0]["sha256"].as_str().expect("sha").to_owned();
    let file = evidence_dir.join("objects").join(&sha[..2]).join(&sha);
    std::fs::write(&file, png(21)).expect("tamper");
    let r = op.get(&format!("{path}/{sha}")).await;
    r.expect(500);
    assert_eq!(r.code(), "evidence-altered");
    op.get(&format!("{path}/../../../etc/passwd")).await;
    op.get(&format!("{path}/{}", "a".repeat(64))).await.expect(404);
    server.stop().await;
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_windows_and_transitions() {
    for db in common::backends() {
        workflow(db).await;
    }
}

async fn workflow(db: Db) {
    let server = TestServer::start(db, "documents_windows_and_transitions").await;
    let op = server.login("operator-kanim-sampit").await;
    let verifier = server.login("verifier-kalteng").await;
    let evaluator = server.login("evaluator").await;
    let good = fixture("fixtures/assessments/sampit-2023/kanim-sampit.self.json");

    // A document with problems: 422 with the diagnostics of `p2ham validate --format json`.
    let text = String::from_utf8(good.clone()).expect("utf8").replacen(
        "\"value\": \"ada\"",
        "\"value\": \"mungkin\"",
        1,
    );
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("bad.json");
    std::fs::write(&file, &text).expect("write");
    let report = p2ham_io::validate::validate_files(&[file], None);
    let expected: Vec<serde_json::Value> = report.files[0]
        .problems
        .iter()
        .map(|p| serde_json::to_value(p).expect("json"))
        .collect();
    assert!(!expected.is_empty());
    let r = op
        .put_bytes(&format!("{KANIM}/self-assessment"), text.into_bytes())
        .await;
    r.expect(422);
    assert_eq!(r.json()["diagnostics"], serde_json::Value::Array(expected));
    let r = op
        .put_bytes(&format!("{KANIM}/self-assessment"), b"{\"format\": ".to_vec())
        .await;
    r.expect(422);
    assert_eq!(r.json()["diagnostics"][0]["code"], "syntax");
    // Too large: 413.
    let big = server_with_small_documents(db).await;
    let bop = big.login("operator-kanim-sampit").await;
    bop.put_bytes(&format!("{KANIM}/self-assessment"), good.clone())
        .await
        .expect(413);
    big.stop().await;

    // Transitions out of order: 409.
    op.post(&format!("{KANIM}/submit"), json!({})).await.expect(409);
    verifier
        .put_bytes(
            &format!("{KANIM}/verification"),
            fixture("fixtures/assessments/sampit-2023/kanim-sampit.verification.json"),
        )
        .await
        .expect(409);
    evaluator
        .post(&format!("{KANIM}/evaluate"), json!({}))
        .await
        .expect(409);
    op.put_bytes(&format!("{KANIM}/self-assessment"), good.clone())
        .await
        .expect(200);
    // Submitting needs the signed declaration, then every evidence file the document names.
    let r = op.post(&format!("{KANIM}/submit"), json!({})).await;
    r.expect(409);
    assert_eq!(r.code(), "declaration-missing");
    op.declare("2023", "kanim-sampit").await;
    let r = op.post(&format!("{KANIM}/submit"), json!({})).await;
    r.expect(409);
    assert_eq!(r.code(), "evidence-not-uploaded");
    assert!(r.json()["diagnostics"][0]["path"]
        .as_str()
        .expect("path")
        .starts_with("answers["));
    let ev = common::files_under(
        &common::repo().join("fixtures/evidence/kanim-sampit"),
        &["foto", "dokumen"],
    );
    op.upload(&format!("{KANIM}/evidence"), ev).await.expect(201);
    op.post(&format!("{KANIM}/submit"), json!({})).await.expect(200);
    op.post(&format!("{KANIM}/submit"), json!({})).await.expect(409);
    op.put_bytes(&format!("{KANIM}/self-assessment"), good.clone())
        .await
        .expect(409);
    assert_eq!(case_status(&op, KANIM).await, "submitted");
    // A verification that does not name the submitted document is refused.
    let mut v: serde_json::Value = serde_json::from_slice(&fixture(
        "fixtures/assessments/sampit-2023/kanim-sampit.verification.json",
    ))
    .expect("json");
    v["verifies"] = json!(format!("sha256:{}", "0".repeat(64)));
    verifier
        .put_bytes(
            &format!("{KANIM}/verification"),
            serde_json::to_vec(&v).expect("json"),
        )
        .await
        .expect(422);
    v.as_object_mut().expect("object").remove("verifies");
    let r = verifier
        .put_bytes(
            &format!("{KANIM}/verification"),
            serde_json::to_vec(&v).expect("json"),
        )
        .await;
    r.expect(422);
    assert_eq!(r.json()["diagnostics"][0]["code"], "verifies-missing");
    assert_eq!(case_status(&op, KANIM).await, "submitted");

    // Windows: a closed period refuses with 423, a future one too.
    let admin = server.login("admin").await;
    admin
        .post("/api/v1/periods", json!({"id": "2022", "year": 2022, "instrument": "p2ham-2022", "self_closes": "2022-03-31", "verification_closes": "2022-06-30"}))
        .await
        .expect(201);
    admin
        .post(
            "/api/v1/periods",
            json!({"id": "2099", "year": 2099, "instrument": "p2ham-2022", "self_opens": "2099-01-01"}),
        )
        .await
        .expect(201);
    for (period, code) in [("2022", "window-closed"), ("2099", "window-not-open")] {
        let text = String::from_utf8(good.clone())
            .expect("utf8")
            .replace("\"period\": \"2023\"", &format!("\"period\": \"{period}\""));
        let r = op
            .put_bytes(
                &format!("/api/v1/periods/{period}/units/kanim-sampit/self-assessment"),
                text.into_bytes(),
            )
            .await;
        r.expect(423);
        assert_eq!(r.code(), code);
        op.post(
            &format!("/api/v1/periods/{period}/units/kanim-sampit/submit"),
            json!({}),
        )
        .await
        .expect(423);
    }
    let p = admin.get("/api/v1/periods/2022").await.json();
    assert_eq!(p["self_closes"], "2022-03-31T16:59:59.999999999Z");
    admin
        .post(
            "/api/v1/periods",
            json!({"id": "x", "year": 1, "instrument": "nope"}),
        )
        .await
        .expect(400);
    admin
        .post(
            "/api/v1/periods",
            json!({"id": "y", "year": 1, "instrument": "p2ham-2022", "self_opens": "March"}),
        )
        .await
        .expect(400);

    // Unknown routes and bodies: the one error shape.
    let r = op.get("/api/v1/nothing-here").await;
    r.expect(404);
    assert_eq!(r.code(), "not-found");
    let r = Client::reply(
        admin
            .request(Method::POST, "/api/v1/units")
            .header("content-type", "application/json")
            .body("{\"id\": 1}"),
    )
    .await;
    assert_eq!(r.status.as_u16(), 422);
    assert_eq!(r.code(), "bad-request-body");
    // CSV import names row and column.
    let r = Client::reply(
        admin
            .request(Method::POST, "/api/v1/units/import")
            .header("content-type", "text/csv")
            .body("id,name,kind,office\nkanim-a,Kanim A,kanim,Kanwil X\nKanim B,Kanim B,kanim,Kanwil X\n"),
    )
    .await;
    r.expect(400);
    assert!(
        r.json()["message"]
            .as_str()
            .expect("m")
            .contains("row 3, column `id`"),
        "{}",
        r.text()
    );
    let r = Client::reply(
        admin
            .request(Method::POST, "/api/v1/units/import")
            .header("content-type", "text/csv")
            .body("id,name,kind,office\nkanim-a,Kanim A,kanim,Kanwil X\nkanim-b,Kanim B,kanim,Kanwil X\n"),
    )
    .await;
    r.expect(201);
    assert_eq!(r.json()["units"], 2);
    server.stop().await;
}

async fn server_with_small_documents(db: Db) -> TestServer {
    TestServer::start_with(db, "documents_small_limit", |s| s.max_document_bytes = 1000).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_log_detects_edits_and_newer_databases_are_refused() {
    for db in common::backends() {
        tamper(db).await;
    }
}

async fn tamper(db: Db) {
    let server = TestServer::start(db, "audit_log_detects_edits").await;
    let admin = server.state.admin();
    let ok = admin.verify_audit().await.expect("intact");
    assert!(ok.entries > 5);
    let pool = server.state.db().pool();
    sqlx::query("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3")
        .execute(pool)
        .await
        .expect("edit");
    let e = admin.verify_audit().await.expect_err("edited");
    assert!(e.to_string().contains("audit log entry 3"), "{e}");
    let api = server.login("admin").await.get("/api/v1/audit/verify").await;
    api.expect(409);
    assert_eq!(api.code(), "audit-broken");
    sqlx::query("UPDATE audit_log SET actor = 'system' WHERE seq = 3")
        .execute(pool)
        .await
        .expect("undo");
    sqlx::query(&format!("DELETE FROM audit_log WHERE seq = {}", ok.entries))
        .execute(pool)
        .await
        .expect("remove last");
    assert!(
        admin.verify_audit().await.is_err(),
        "removing the last entry is detected by the head"
    );
    // A database migrated by a newer p2ham is refused.
    let checksum = if db == Db::Postgres {
        "'\\x00'::bytea"
    } else {
        "X'00'"
    };
    sqlx::query(&format!(
        "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) \
         VALUES (99990101000000, 'from the future', CURRENT_TIMESTAMP, TRUE, {checksum}, 0)"
    ))
    .execute(pool)
    .await
    .expect("a newer migration");
    let mut settings = server.state.settings().clone();
    settings.database = Some(server.state.settings().database_url());
    let e = p2ham_server::AppState::open(&settings)
        .await
        .expect_err("newer database");
    assert!(
        matches!(e, p2ham_server::ServerError::NewerDatabase { .. }),
        "{e}"
    );
    server.stop().await;
}
