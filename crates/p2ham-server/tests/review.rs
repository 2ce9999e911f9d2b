//! The verification team's review page over HTTP: the verifier's answers
//! start empty, copying the operator's answers of one criterion is on purpose
//! and stores nothing, the filter shows only what needs a look without losing
//! what was entered, the verified score is computed without storing, the
//! team's photos are stored and named by the verification, and returning or
//! recording happens only after a confirmation page.

mod common;

use common::{files_under, fixture, repo, Client, Db, TestServer};
use reqwest::Method;
use serde_json::json;

const KANIM: &str = "/api/v1/periods/2023/units/kanim-sampit";
const PAGE: &str = "/periods/2023/units/kanim-sampit";

/// Post a url-encoded form as a page does (its CSRF token among the fields).
async fn post_form(c: &Client, path: &str, fields: &[(&str, &str)]) -> common::Reply {
    let mut all: Vec<(&str, &str)> = fields.to_vec();
    let csrf = c.csrf.clone().unwrap_or_default();
    all.push(("csrf_token", &csrf));
    let b = c
        .http
        .request(Method::POST, format!("{}{path}", c.base))
        .form(&all);
    Client::reply(b).await
}

/// The radio buttons checked in a page: (name, value).
fn checked(html: &str) -> Vec<(String, String)> {
    html.split("<input")
        .skip(1)
        .filter_map(|tag| {
            let tag = tag.split('>').next()?;
            if !tag.contains("type=\"radio\"") || !tag.contains(" checked") {
                return None;
            }
            let attr = |a: &str| {
                let (_, rest) = tag.split_once(&format!(" {a}=\""))?;
                rest.split_once('"').map(|(v, _)| v.to_owned())
            };
            Some((attr("name")?, attr("value")?))
        })
        .collect()
}

/// The indicators shown as fieldsets (`id="v-A-01"` → `A.01`-like ids as HTML ids).
fn shown(html: &str) -> Vec<String> {
    html.split("<fieldset class=\"indicator\" id=\"")
        .skip(1)
        .filter_map(|s| s.split_once('"').map(|(id, _)| id.to_owned()))
        .collect()
}

/// A submitted self-assessment of Kanim Sampit (with its evidence), and the verifier.
async fn submitted(server: &TestServer) -> Client {
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
    kanim.declare("2023", "kanim-sampit").await;
    kanim
        .post(&format!("{KANIM}/submit"), json!({}))
        .await
        .expect(200);
    server.login("verifier-kalteng").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_verifier_starts_empty_and_copies_one_criterion_on_purpose() {
    let server = TestServer::start(Db::Sqlite, "review_copy").await;
    let verifier = submitted(&server).await;
    let page = verifier.get(PAGE).await;
    page.expect(200);
    let html = page.text();
    // Every indicator of the form is there, and not one answer is chosen for the verifier.
    assert!(shown(&html).contains(&"v-A-01".to_owned()), "{html}");
    assert_eq!(checked(&html), Vec::<(String, String)>::new());
    assert!(html.contains("Sama dengan jawaban operator"), "{html}");

    // "Sama dengan jawaban operator" for criterion C: C's ten indicators get the
    // operator's answers (C.07 cukup_patuh, the others patuh), B's stay empty.
    let r = post_form(
        &verifier,
        &format!("{PAGE}/review"),
        &[("action", "copy:C"), ("v.B.02", "ada")],
    )
    .await;
    r.expect(200);
    let got = checked(&r.text());
    let c: Vec<_> = got.iter().filter(|(n, _)| n.starts_with("v.C.")).collect();
    assert_eq!(c.len(), 10, "{got:?}");
    assert!(got.contains(&("v.C.07".into(), "cukup_patuh".into())), "{got:?}");
    assert!(got.contains(&("v.C.01".into(), "patuh".into())), "{got:?}");
    // What the verifier had chosen elsewhere stays (B.02: the operator said "tidak").
    assert!(got.contains(&("v.B.02".into(), "ada".into())), "{got:?}");
    assert_eq!(got.len(), 11, "{got:?}");
    // The verified score of those answers is on the page, computed by the
    // service: C earns 20 x (2x1 + 8x1 + 0.5) / 11 = 19.0909.. of criterion C's
    // weight 20; B.02 "ada" is unsupported without evidence (0) -> 19.09.
    assert!(
        r.text().contains("19.09") || r.text().contains("19,09"),
        "{}",
        r.text()
    );
    // Nothing was stored.
    let case = verifier.get(KANIM).await.json();
    assert_eq!(case["status"], "submitted");
    assert!(case["verification"].is_null(), "{case}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_live_verified_score_stores_nothing_is_only_for_verifiers_and_none_is_on_the_dashboard_yet() {
    let server = TestServer::start(Db::Sqlite, "review_preview").await;
    let verifier = submitted(&server).await;
    let preview = format!("{PAGE}/review/preview");
    // By hand (p2ham-weighted/1, a kanim): criterion C weighs C.01 2 and
    // C.02-C.10 1 each = 11, its weight 20; only C.02 patuh: 20 x 1/11 = 1.8181.. -> 1.82.
    let r = post_form(&verifier, &preview, &[("v.C.02", "patuh")]).await;
    r.expect(200);
    assert!(
        r.text().contains("1.82") || r.text().contains("1,82"),
        "{}",
        r.text()
    );
    assert!(!r.text().contains("<html"), "a fragment, not a page");
    // Nothing answered: no figure, a sentence.
    let r = post_form(&verifier, &preview, &[]).await;
    r.expect(200);
    assert!(r.text().contains("Belum ada jawaban verifikator"), "{}", r.text());
    // The operator does not preview a verification.
    let kanim = server.login("operator-kanim-sampit").await;
    post_form(&kanim, &preview, &[("v.C.02", "patuh")])
        .await
        .expect(403);
    assert_eq!(verifier.get(KANIM).await.json()["status"], "submitted");
    // Before any verification the national dashboard says so in the page's language.
    let evaluator = server.login("evaluator").await;
    let dashboard = evaluator.get("/evaluation?period=2023").await.text();
    assert!(
        dashboard.contains("Belum ada unit yang verifikasinya tercatat pada periode ini"),
        "{dashboard}"
    );
    assert!(!dashboard.contains("no unit you may see"), "{dashboard}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_filter_shows_only_what_differs_or_lacks_evidence_and_keeps_the_rest() {
    let server = TestServer::start(Db::Sqlite, "review_filter").await;
    let verifier = submitted(&server).await;
    // C.02 answered differently, C.03 the same as the operator.
    let r = post_form(
        &verifier,
        &format!("{PAGE}/review?only=attention"),
        &[
            ("action", "show"),
            ("v.C.02", "tidak_patuh"),
            ("v.C.03", "patuh"),
            ("c.C.03", "sesuai"),
        ],
    )
    .await;
    r.expect(200);
    let html = r.text();
    let ids = shown(&html);
    assert!(ids.contains(&"v-C-02".to_owned()), "{ids:?}");
    assert!(!ids.contains(&"v-C-03".to_owned()), "{ids:?}");
    // B.02 "tidak" needs no evidence; A.01 "ada" has its photo: neither shows.
    assert!(!ids.contains(&"v-A-01".to_owned()), "{ids:?}");
    // What is hidden is carried: C.03's answer and comment go with the form.
    assert!(
        html.contains("type=\"hidden\" name=\"v.C.03\" value=\"patuh\""),
        "{html}"
    );
    assert!(
        html.contains("type=\"hidden\" name=\"c.C.03\" value=\"sesuai\""),
        "{html}"
    );
    // Without the query parameter, every indicator again.
    let all = verifier.get(PAGE).await.text();
    assert!(shown(&all).len() > ids.len());
    // The same filter by address.
    let by_address = verifier.get(&format!("{PAGE}?only=attention")).await.text();
    assert!(shown(&by_address).len() < shown(&all).len());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn returning_and_recording_ask_first_and_the_teams_photo_is_named() {
    let server = TestServer::start(Db::Sqlite, "review_confirm").await;
    let verifier = submitted(&server).await;
    let review = format!("{PAGE}/review");

    // Return: a confirmation page, nothing changed yet; then confirmed.
    let ask = post_form(
        &verifier,
        &review,
        &[("action", "return"), ("c.", "Lengkapi foto A.01.")],
    )
    .await;
    ask.expect(200);
    assert!(ask.text().contains("Ya, kembalikan"), "{}", ask.text());
    assert!(ask.text().contains("Lengkapi foto A.01."));
    assert_eq!(verifier.get(KANIM).await.json()["status"], "submitted");
    // Back to the form keeps what was written.
    let back = post_form(
        &verifier,
        &review,
        &[("action", "edit"), ("c.", "Lengkapi foto A.01.")],
    )
    .await;
    assert!(
        back.text().contains(">Lengkapi foto A.01.</textarea>"),
        "{}",
        back.text()
    );
    assert_eq!(verifier.get(KANIM).await.json()["status"], "submitted");

    // Record with a photo of the team for A.01: the photo is stored at once,
    // the confirmation page carries it, the verification names it once confirmed.
    let photo = fixture("fixtures/evidence/kanim-sampit/verifikasi/maklumat-pelayanan.png");
    let sha = p2ham_io::digest::sha256_hex(&photo);
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", verifier.csrf.clone().unwrap_or_default())
        .text("action", "verify")
        .text("v.A.01", "ada")
        .text("v.C.02", "patuh")
        .part(
            "ev.A.01",
            reqwest::multipart::Part::bytes(photo).file_name("maklumat pelayanan.png"),
        );
    let ask = Client::reply(verifier.request(Method::POST, &review).multipart(form)).await;
    ask.expect(200);
    let html = ask.text();
    assert!(html.contains("Ya, catat verifikasi"), "{html}");
    let kept = format!("name=\"kept.A.01\" value=\"{sha} verifikasi/A.01/maklumat-pelayanan.png\"");
    assert!(html.contains(&kept), "{html}");
    let case = verifier.get(KANIM).await.json();
    assert_eq!(case["status"], "submitted");
    assert!(
        case["evidence"]
            .as_array()
            .expect("evidence")
            .iter()
            .any(|e| e["sha256"] == sha),
        "stored before confirming: {case}"
    );
    // A carried photo that is not this unit's is refused by name.
    let forged = post_form(
        &verifier,
        &review,
        &[
            ("action", "verify"),
            ("confirmed", "yes"),
            ("v.A.01", "ada"),
            (
                "kept.A.01",
                &format!("{} verifikasi/A.01/lain.png", "0".repeat(64)),
            ),
        ],
    )
    .await;
    forged.expect(422);
    assert!(forged.text().contains("lain.png"), "{}", forged.text());
    assert_eq!(verifier.get(KANIM).await.json()["status"], "submitted");
    // Confirmed.
    let kept_value = format!("{sha} verifikasi/A.01/maklumat-pelayanan.png");
    let done = post_form(
        &verifier,
        &review,
        &[
            ("action", "verify"),
            ("confirmed", "yes"),
            ("v.A.01", "ada"),
            ("v.C.02", "patuh"),
            ("kept.A.01", &kept_value),
        ],
    )
    .await;
    done.expect(200);
    assert_eq!(verifier.get(KANIM).await.json()["status"], "verified");
    let doc = verifier.get(&format!("{KANIM}/verification")).await.json();
    let a01 = doc["answers"]
        .as_array()
        .expect("answers")
        .iter()
        .find(|a| a["indicator"] == "A.01")
        .expect("A.01")
        .clone();
    assert!(
        a01["evidence"]
            .as_array()
            .expect("evidence")
            .iter()
            .any(|e| e["sha256"] == sha),
        "{a01}"
    );
    // The comparison report shows the team's photo beside the operator's, as a thumbnail linking to the original.
    let report = verifier.get(&format!("{KANIM}/compare?format=html")).await;
    report.expect(200);
    let html = report.text();
    assert!(html.contains("Tim verifikasi"), "{html}");
    assert!(
        html.contains(&format!("{KANIM}/evidence/{sha}/thumbnail"))
            && html.contains(&format!("href=\"{KANIM}/evidence/{sha}\"")),
        "{html}"
    );
    // And the report page inside the application's frame, with a way back.
    let framed = verifier.get(&format!("{PAGE}/report/letter")).await;
    framed.expect(200);
    assert!(framed
        .text()
        .contains(&format!("{KANIM}/evidence/{sha}/thumbnail")));
    assert!(framed.text().contains("Kembali ke halaman unit"));
    assert_eq!(framed.text().matches("<main").count(), 1);
    server.stop().await;
}
