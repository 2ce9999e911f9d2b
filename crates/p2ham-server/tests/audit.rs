//! The audit log against changes made in the database itself: a log cut short
//! from the first award on (its head row rewritten to match, the tables rolled
//! back) is caught by a signed checkpoint kept outside the database; a case's
//! status, a user's role or a new administrator written straight into the
//! tables is caught by replaying the log, which names the case or the user.

mod common;

use common::{fixture, repo, Client, TestServer};
use p2ham_server::ServerError;
use serde_json::json;

const UNITS: [&str; 3] = ["kanim-sampit", "lapas-sampit", "bapas-sampit"];

fn eligible(unit: &str) -> bool {
    let dir = repo().join("fixtures/assessments/sampit-2023");
    let s = p2ham_io::document::load_assessment(&dir.join(format!("{unit}.self.json"))).expect("self");
    let v = p2ham_io::document::load_assessment(&dir.join(format!("{unit}.verification.json")))
        .expect("verification");
    let instrument = p2ham_io::document::instrument_for(&s, None).expect("instrument");
    p2ham_io::document::compare_loaded(&s, &v, &instrument)
        .expect("compare")
        .verified_award
        .eligible
}

/// The operator uploads the evidence and the self-assessment and submits.
async fn submit(server: &TestServer, unit: &str) {
    common::sampit_submit(server, unit).await;
}

/// Every Sampit unit through verification, evaluation and the award decision.
async fn decide_all(server: &TestServer) {
    let verifier = server.login("verifier-kalteng").await;
    let evaluator = server.login("evaluator").await;
    for unit in UNITS {
        submit(server, unit).await;
        common::sampit_verify(&verifier, unit).await;
        evaluator
            .post(&format!("{}/evaluate", common::sampit_case(unit)), json!({}))
            .await
            .expect(200);
    }
    // One decree records every evaluated unit (no baseline: the eligible gain the predikat).
    evaluator
        .post(
            "/api/v1/periods/2023/decree",
            json!({"number": "M.HH-01.HA.01.01 Tahun 2023", "date": "2023-12-10",
                   "issuer": "Menteri Hukum dan Hak Asasi Manusia"}),
        )
        .await
        .expect(201);
    for unit in UNITS {
        let view = evaluator.get(&common::sampit_case(unit)).await.json();
        let want = if eligible(unit) { "awarded" } else { "not_awarded" };
        assert_eq!(view["status"], want, "{unit}");
    }
}

async fn exec(server: &TestServer, sql: &str) {
    sqlx::query(sql)
        .execute(server.state.db().pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

fn differences(e: &ServerError) -> &[String] {
    match e {
        ServerError::AuditDiffers { differences } => differences,
        other => panic!("expected differences, got: {other}"),
    }
}

/// A checkpoint of the log as it stands, signed and read back as `p2ham
/// admin audit checkpoint` and `verify --checkpoint` do.
fn checkpoint(dir: &std::path::Path, entries: i64, head: &str) -> p2ham_io::checkpoint::AuditCheckpoint {
    std::fs::create_dir_all(dir).expect("dir");
    let keys = p2ham_io::seal::keygen(&dir.join("audit.key"), None, "test").expect("keygen");
    let secret = p2ham_io::seal::load_secret_key(&keys.secret, None).expect("secret key");
    let signed = p2ham_io::checkpoint::sign_checkpoint(
        u64::try_from(entries).expect("count"),
        head,
        "2023-12-11T00:00:00Z".into(),
        &secret,
        &keys.secret,
    )
    .expect("sign");
    let file = dir.join("audit.checkpoint.json");
    std::fs::write(&file, &signed.text).expect("write");
    std::fs::write(p2ham_io::seal::signature_path(&file), &signed.signature_text).expect("write");
    let public = p2ham_io::seal::load_public_keys(&[keys.public]).expect("public key");
    p2ham_io::checkpoint::verify_checkpoint(&file, &public)
        .expect("the checkpoint verifies")
        .checkpoint
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_cut_short_is_caught_by_its_checkpoint() {
    for db in common::backends() {
        cut_short(db).await;
    }
}

async fn cut_short(db: common::Db) {
    let server = TestServer::start(db, "audit_cut_short").await;
    decide_all(&server).await;
    let admin = server.state.admin();
    let whole = admin.verify_audit().await.expect("intact");
    assert_eq!(whole.cases, 3);
    assert_eq!(whole.users, 6);
    let cp = checkpoint(server.dir.path(), whole.entries, &whole.head);
    admin
        .verify_audit_against(&cp)
        .await
        .expect("the log holds its checkpoint");

    // Every entry from the first award on is deleted and the head row points at the entry before.
    let first: i64 = sqlx::Row::get(
        &sqlx::query("SELECT MIN(seq) AS s FROM audit_log WHERE action = 'award'")
            .fetch_one(server.state.db().pool())
            .await
            .expect("first award"),
        "s",
    );
    let last = first - 1;
    exec(&server, &format!("DELETE FROM audit_log WHERE seq >= {first}")).await;
    exec(
        &server,
        &format!(
            "UPDATE audit_head SET seq = {last}, sha256 = (SELECT sha256 FROM audit_log WHERE seq = {last}) WHERE id = 1"
        ),
    )
    .await;
    // The chain alone holds; the tables still show the awards, which the log no longer records.
    let e = admin
        .verify_audit()
        .await
        .expect_err("the tables show the awards");
    let found = differences(&e);
    for unit in UNITS {
        let name = format!("case period/2023/unit/{unit}: status is");
        assert!(found.iter().any(|d| d.starts_with(&name)), "{unit}: {found:#?}");
    }

    // With the tables rolled back as well, only the checkpoint tells.
    exec(
        &server,
        "UPDATE cases SET status = 'evaluated' WHERE status IN ('awarded', 'not_awarded')",
    )
    .await;
    exec(
        &server,
        "UPDATE outcomes SET awarded = NULL, decree_number = NULL, decree_date = NULL, awarded_by = NULL, awarded_at = NULL",
    )
    .await;
    exec(&server, "DELETE FROM decrees").await;
    let v = admin
        .verify_audit()
        .await
        .expect("consistent without the checkpoint");
    assert_eq!(v.entries, last);
    let e = admin
        .verify_audit_against(&cp)
        .await
        .expect_err("the checkpoint records more entries");
    let found = differences(&e);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].contains(&format!("records {} entries", whole.entries))
            && found[0].contains(&format!("holds only {last}"))
            && found[0].contains("were removed"),
        "{}",
        found[0]
    );

    // A log rewritten from some entry on (as long as before) does not have the checkpoint's digest.
    let cp = checkpoint(&server.dir.path().join("b"), last, &"0".repeat(64));
    let e = admin.verify_audit_against(&cp).await.expect_err("other digest");
    assert!(
        differences(&e)[0].contains(&format!("entry {last} has digest")),
        "{e}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tables_changed_outside_the_application_are_named() {
    for db in common::backends() {
        edited_tables(db).await;
    }
}

async fn edited_tables(db: common::Db) {
    let server = TestServer::start(db, "audit_edited_tables").await;
    submit(&server, "kanim-sampit").await;
    let admin = server.state.admin();
    let ok = admin.verify_audit().await.expect("intact");
    assert_eq!((ok.cases, ok.users), (1, 6));
    let api = server.login("admin").await;
    let r = api.get("/api/v1/audit/verify").await;
    r.expect(200);
    assert_eq!(r.json()["cases"], 1);

    // A case's status.
    exec(
        &server,
        "UPDATE cases SET status = 'awarded' WHERE unit_id = 'kanim-sampit'",
    )
    .await;
    let e = admin.verify_audit().await.expect_err("status edited");
    assert_eq!(
        differences(&e),
        [format!(
            "case period/2023/unit/kanim-sampit: status is `awarded` in the database, but the audit log \
             leaves it `submitted` (entry {}, submit)",
            ok.entries
        )],
        "{e}"
    );
    let r = api.get("/api/v1/audit/verify").await;
    r.expect(409);
    assert_eq!(r.code(), "audit-broken");
    assert!(
        r.json()["message"]
            .as_str()
            .is_some_and(|m| m.contains("case period/2023/unit/kanim-sampit: status is `awarded`")),
        "{}",
        r.text()
    );
    exec(
        &server,
        "UPDATE cases SET status = 'submitted' WHERE unit_id = 'kanim-sampit'",
    )
    .await;
    admin.verify_audit().await.expect("undone");

    // A new administrator, and an operator made administrator.
    let hash: String = sqlx::Row::get(
        &sqlx::query("SELECT password_hash FROM users WHERE username = 'admin'")
            .fetch_one(server.state.db().pool())
            .await
            .expect("hash"),
        "password_hash",
    );
    exec(
        &server,
        &format!(
            "INSERT INTO users (username, name, role, unit_id, office, password_hash, active, created_at) \
             VALUES ('mallory', 'Mallory', 'admin', NULL, NULL, '{hash}', 1, '2023-01-01T00:00:00Z')"
        ),
    )
    .await;
    exec(
        &server,
        "UPDATE users SET role = 'admin', unit_id = NULL WHERE username = 'operator-kanim-sampit'",
    )
    .await;
    // The new administrator can log in: the tables, not the log, grant access.
    Client::login(&server.base, "mallory", common::PASSWORD).await;
    let e = admin.verify_audit().await.expect_err("users edited");
    let found = differences(&e);
    assert!(
        found
            .iter()
            .any(|d| d.starts_with("user/mallory: in the database")
                && d.contains("role `admin`")
                && d.contains("never creates it")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|d| d.starts_with("user/operator-kanim-sampit: role is `admin` in the database")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|d| d.starts_with("user/operator-kanim-sampit: unit is none in the database")),
        "{found:#?}"
    );
    exec(&server, "DELETE FROM sessions WHERE username = 'mallory'").await;
    exec(&server, "DELETE FROM users WHERE username = 'mallory'").await;
    exec(
        &server,
        "UPDATE users SET role = 'operator', unit_id = 'kanim-sampit' WHERE username = 'operator-kanim-sampit'",
    )
    .await;
    admin.verify_audit().await.expect("undone");

    // The current document's stored text.
    exec(&server, "UPDATE documents SET body = body || ' '").await;
    let e = admin.verify_audit().await.expect_err("document edited");
    assert!(
        differences(&e)[0].starts_with(
            "case period/2023/unit/kanim-sampit: the stored text of its current self-assessment"
        ),
        "{e}"
    );
    exec(
        &server,
        "UPDATE documents SET body = SUBSTR(body, 1, LENGTH(body) - 1)",
    )
    .await;
    admin.verify_audit().await.expect("undone");

    // A change laundered through the application: the case is sent back by
    // hand, the operator edits it, the status is put back. The operator's
    // entry records the state it found, which no entry left.
    exec(
        &server,
        "UPDATE cases SET status = 'returned' WHERE unit_id = 'kanim-sampit'",
    )
    .await;
    let op = server.login("operator-kanim-sampit").await;
    let mut doc: serde_json::Value = serde_json::from_slice(&fixture(
        "fixtures/assessments/sampit-2023/kanim-sampit.self.json",
    ))
    .expect("json");
    doc["answers"][0]["note"] = json!("diubah");
    op.put_bytes(
        &format!("{}/self-assessment", common::sampit_case("kanim-sampit")),
        serde_json::to_vec_pretty(&doc).expect("json"),
    )
    .await
    .expect(200);
    exec(
        &server,
        "UPDATE cases SET status = 'submitted' WHERE unit_id = 'kanim-sampit'",
    )
    .await;
    let e = admin.verify_audit().await.expect_err("laundered");
    let found = differences(&e);
    assert!(
        found
            .iter()
            .any(|d| d.starts_with("case period/2023/unit/kanim-sampit: entry ")
                && d.contains("(put-self-assessment) found status `returned`")
                && d.contains("left it `submitted`")),
        "{found:#?}"
    );
    server.stop().await;
}
