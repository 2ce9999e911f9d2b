//! The pages' own endpoints over HTTP: the live score preview and the removal
//! of evidence stay inside the operator's unit and store nothing they should not.

mod common;

use common::{files_under, fixture, repo, Db, TestServer};
use reqwest::Method;

const KANIM: &str = "/api/v1/periods/2023/units/kanim-sampit";
const KANIM_PAGE: &str = "/periods/2023/units/kanim-sampit";
const LAPAS_PAGE: &str = "/periods/2023/units/lapas-sampit";

/// The total a preview fragment shows (`data-total`).
fn shown_total(html: &str) -> Option<String> {
    let (_, rest) = html.split_once("data-total=\"")?;
    rest.split_once('"').map(|(t, _)| t.to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_live_preview_scores_the_form_and_stays_in_the_unit() {
    let server = TestServer::start(Db::Sqlite, "live_preview").await;
    let kanim = server.login("operator-kanim-sampit").await;
    let preview = format!("{KANIM_PAGE}/preview");

    // By hand (p2ham-weighted/1, a kanim): criterion C weighs C.01 2 and
    // C.02-C.10 1 each = 11; with only C.02 answered every other criterion
    // scores 0 over the criterion weights 40+15+20+10+15 = 100.
    // Patuh (1): 20 x (100 x 1/11) / 100 = 1.8181.. -> 1.82.
    let r = kanim.post_form(&preview, &[("v.C.02", "patuh")]).await;
    r.expect(200);
    assert_eq!(shown_total(&r.text()).as_deref(), Some("1.82"), "{}", r.text());
    assert!(
        r.text().contains("class=\"report\""),
        "the report layer's fragment: {}",
        r.text()
    );
    assert!(!r.text().contains("<html"), "a fragment, not a page");
    // Cukup patuh (0.5): 0.9090.. -> 0.91; with A.01 "tidak berlaku" justified it
    // leaves A's denominator, which changes nothing while A has nothing earned.
    let r = kanim
        .post_form(
            &preview,
            &[
                ("v.C.02", "cukup_patuh"),
                ("v.A.01", "__na"),
                ("na.A.01", "tidak melayani langsung"),
            ],
        )
        .await;
    assert_eq!(shown_total(&r.text()).as_deref(), Some("0.91"), "{}", r.text());
    // "Tidak berlaku" without a justification yet is left out of the preview, not refused.
    let r = kanim
        .post_form(&preview, &[("v.C.02", "patuh"), ("v.A.01", "__na")])
        .await;
    r.expect(200);
    assert_eq!(shown_total(&r.text()).as_deref(), Some("1.82"));
    // Nothing was stored.
    assert!(kanim.get(KANIM).await.json()["self_assessment"].is_null());

    // Another unit's form is not there for this operator.
    kanim
        .post_form(&format!("{LAPAS_PAGE}/preview"), &[("v.C.02", "patuh")])
        .await
        .expect(404);
    // A verifier does not preview an operator's form.
    let verifier = server.login("verifier-kalteng").await;
    verifier
        .post_form(&preview, &[("v.C.02", "patuh")])
        .await
        .expect(403);
    // Without the session's CSRF token: refused.
    let mut forged = kanim.clone();
    forged.csrf = Some("0".repeat(64));
    forged
        .post_form(&preview, &[("v.C.02", "patuh")])
        .await
        .expect(403);
    // Without a session: to the login page, no figure.
    let anonymous = server.anonymous();
    let r = anonymous.post_form(&preview, &[("v.C.02", "patuh")]).await;
    assert!(shown_total(&r.text()).is_none());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evidence_is_removed_from_an_answer_only_by_its_units_operator() {
    let server = TestServer::start(Db::Sqlite, "remove_evidence").await;
    let kanim = server.login("operator-kanim-sampit").await;
    let evidence = files_under(
        &repo().join("fixtures/evidence/kanim-sampit"),
        &["foto", "dokumen"],
    );
    kanim
        .upload(&format!("{KANIM}/evidence"), evidence)
        .await
        .expect(201);
    kanim
        .put_bytes(
            &format!("{KANIM}/self-assessment"),
            fixture("fixtures/assessments/sampit-2023/kanim-sampit.self.json"),
        )
        .await
        .expect(200);
    let doc = kanim.get(&format!("{KANIM}/self-assessment")).await.json();
    let a01 = doc["answers"]
        .as_array()
        .expect("answers")
        .iter()
        .find(|a| a["indicator"] == "A.01")
        .expect("A.01")
        .clone();
    let sha = a01["evidence"][0]["sha256"]
        .as_str()
        .expect("a digest")
        .to_owned();
    let fields = [("indicator", "A.01"), ("sha256", sha.as_str())];
    let remove = format!("{KANIM_PAGE}/evidence/remove");

    // The confirmation page names the file; nothing is removed by asking.
    let ask = kanim.get(&format!("{remove}?indicator=A.01&sha256={sha}")).await;
    ask.expect(200);
    assert!(ask.text().contains("maklumat-pelayanan.png"), "{}", ask.text());
    // Another unit's operator, a verifier, a forged token: refused, nothing changes.
    let lapas = server.login("operator-lapas-sampit").await;
    lapas.post_form(&remove, &fields).await.expect(404);
    lapas
        .get(&format!("{remove}?indicator=A.01&sha256={sha}"))
        .await
        .expect(404);
    let verifier = server.login("verifier-kalteng").await;
    verifier.post_form(&remove, &fields).await.expect(403);
    let mut forged = kanim.clone();
    forged.csrf = Some("0".repeat(64));
    forged.post_form(&remove, &fields).await.expect(403);
    // A file the answer does not name.
    kanim
        .post_form(&remove, &[("indicator", "A.02"), ("sha256", sha.as_str())])
        .await
        .expect(404);
    assert_eq!(kanim.get(&format!("{KANIM}/self-assessment")).await.json(), doc);

    // The operator removes it: the stored draft no longer names it, the rest is unchanged.
    kanim.post_form(&remove, &fields).await.expect(200);
    let after = kanim.get(&format!("{KANIM}/self-assessment")).await.json();
    let a01_after = after["answers"]
        .as_array()
        .expect("answers")
        .iter()
        .find(|a| a["indicator"] == "A.01")
        .expect("A.01")
        .clone();
    assert!(
        a01_after["evidence"]
            .as_array()
            .is_none_or(|e| e.iter().all(|e| e["sha256"] != sha.as_str())),
        "{a01_after:#}"
    );
    assert_eq!(a01_after["value"], a01["value"]);
    assert_eq!(
        after["answers"].as_array().map(Vec::len),
        doc["answers"].as_array().map(Vec::len)
    );
    // The earlier version stays on record.
    let documents = kanim.get(KANIM).await.json()["documents"]
        .as_array()
        .map(Vec::len);
    assert_eq!(documents, Some(2));
    // Once submitted, the form is closed: removal is refused by the API.
    kanim.declare("2023", "kanim-sampit").await;
    kanim
        .post(&format!("{KANIM}/submit"), serde_json::json!({}))
        .await;
    let other = after["answers"]
        .as_array()
        .expect("answers")
        .iter()
        .find_map(|a| {
            a["evidence"][0]["sha256"].as_str().map(|s| {
                (
                    a["indicator"].as_str().unwrap_or_default().to_owned(),
                    s.to_owned(),
                )
            })
        })
        .expect("another file");
    let r = kanim
        .post_form(
            &remove,
            &[("indicator", other.0.as_str()), ("sha256", other.1.as_str())],
        )
        .await;
    assert!(r.status.is_client_error(), "{}", r.status);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn administrators_edit_deactivate_and_reactivate_users() {
    for db in common::backends() {
        edit_users(db).await;
    }
}

async fn edit_users(db: Db) {
    let server = TestServer::start(db, "edit_users").await;
    let admin = server.login("admin").await;
    let lapas = server.login("operator-lapas-sampit").await;
    let profile =
        serde_json::json!({"name": "Operator Lapas (baru)", "role": "operator", "unit": "lapas-sampit"});

    // Nobody but an administrator edits users, through the API or the pages.
    for who in ["operator-kanim-sampit", "verifier-kalteng", "evaluator"] {
        let c = server.login(who).await;
        c.send(
            Method::PUT,
            "/api/v1/users/operator-lapas-sampit",
            Some(profile.clone()),
        )
        .await
        .expect(403);
        c.post(
            "/api/v1/users/operator-lapas-sampit/deactivate",
            serde_json::json!({}),
        )
        .await
        .expect(403);
        c.post("/api/v1/users/admin/reactivate", serde_json::json!({}))
            .await
            .expect(403);
        c.get("/admin/users/operator-lapas-sampit").await.expect(403);
        c.post_form("/admin/users/operator-lapas-sampit", &[("what", "deactivate")])
            .await
            .expect(403);
    }
    lapas.get("/api/v1/session").await.expect(200);
    let r = lapas
        .post("/api/v1/tokens", serde_json::json!({"name": "sistem-lapas"}))
        .await;
    r.expect(201);
    let bearer = lapas.with_token(r.json()["token"].as_str().expect("a token"));
    bearer.get("/api/v1/periods").await.expect(200);

    // The administrator changes the display name; a verifier needs a Kanwil; unknown users are 404.
    admin
        .send(
            Method::PUT,
            "/api/v1/users/operator-lapas-sampit",
            Some(profile.clone()),
        )
        .await
        .expect(204);
    let r = admin
        .send(
            Method::PUT,
            "/api/v1/users/operator-lapas-sampit",
            Some(serde_json::json!({"name": "X", "role": "verifier"})),
        )
        .await;
    r.expect(400);
    assert!(r.text().contains("office"), "{}", r.text());
    admin
        .send(Method::PUT, "/api/v1/users/nobody", Some(profile.clone()))
        .await
        .expect(404);
    admin
        .post("/api/v1/users/admin/deactivate", serde_json::json!({}))
        .await
        .expect(409);
    let users = admin.get("/api/v1/users").await.json();
    let user = users
        .as_array()
        .expect("users")
        .iter()
        .find(|u| u["username"] == "operator-lapas-sampit")
        .expect("the user")
        .clone();
    assert_eq!(user["name"], "Operator Lapas (baru)");
    assert_eq!(user["active"], true);

    // Deactivated: the open session ends and logging in fails with the usual message.
    admin
        .post(
            "/api/v1/users/operator-lapas-sampit/deactivate",
            serde_json::json!({}),
        )
        .await
        .expect(204);
    lapas.get("/api/v1/session").await.expect(401);
    lapas.get("/api/v1/periods").await.expect(401);
    bearer.get("/api/v1/periods").await.expect(401);
    let anonymous = server.anonymous();
    let r = anonymous
        .post(
            "/api/v1/session",
            serde_json::json!({"username": "operator-lapas-sampit", "password": common::PASSWORD}),
        )
        .await;
    r.expect(401);
    assert_eq!(r.code(), "login-failed");
    // Reactivated (through the administrator's page): logging in works again.
    admin
        .post_form("/admin/users/operator-lapas-sampit", &[("what", "reactivate")])
        .await
        .expect(200);
    server.login("operator-lapas-sampit").await;
    // The token ended with the deactivation and does not come back.
    bearer.get("/api/v1/periods").await.expect(401);

    // Every change is in the audit log with the state before and after.
    let log = admin.get("/api/v1/audit").await.json();
    let entries: Vec<&serde_json::Value> = log
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["object"] == "user/operator-lapas-sampit")
        .collect();
    let actions: Vec<&str> = entries.iter().filter_map(|e| e["action"].as_str()).collect();
    for a in ["update-user", "deactivate-user", "reactivate-user"] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
    let deactivate = entries
        .iter()
        .find(|e| e["action"] == "deactivate-user")
        .expect("deactivation entry");
    assert_eq!(deactivate["actor"], "admin");
    assert!(deactivate["before"]
        .as_str()
        .is_some_and(|b| b.contains("\"active\":true")));
    assert!(deactivate["after"]
        .as_str()
        .is_some_and(|b| b.contains("\"active\":false")));
    admin.get("/api/v1/audit/verify").await.expect(200);
    server.stop().await;
}
