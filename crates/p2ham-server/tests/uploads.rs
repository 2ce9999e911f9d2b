//! Uploads that survive a bad signal: resumable uploads by tus 1.0 at
//! `/api/v1/uploads` (a transfer cut off at half continues from the byte
//! the server kept, without the first half sent again), their refusals before
//! any byte is stored, and saves with an `Idempotency-Key` stored once.

mod common;

use std::time::Duration;

use common::{backends, fixture, Client, Db, TestServer};
use reqwest::Method;
use serde_json::Value;
use tokio::io::AsyncWriteExt;

const KANIM: &str = "/api/v1/periods/2023/units/kanim-sampit";
const PHOTO: &str = "fixtures/evidence/kanim-sampit/foto/apar.png";

fn b64(s: &str) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in s.as_bytes().chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn metadata(unit: &str, indicator: &str, filename: &str) -> String {
    [
        ("period", "2023"),
        ("unit", unit),
        ("indicator", indicator),
        ("filename", filename),
    ]
    .iter()
    .map(|(k, v)| format!("{k} {}", b64(v)))
    .collect::<Vec<_>>()
    .join(",")
}

async fn create(c: &Client, unit: &str, indicator: &str, length: usize) -> common::Reply {
    Client::reply(
        c.request(Method::POST, "/api/v1/uploads")
            .header("tus-resumable", "1.0.0")
            .header("upload-length", length.to_string())
            .header("upload-metadata", metadata(unit, indicator, "apar foto.png")),
    )
    .await
}

/// The upload's path under the server's base (the `Location` carries the prefix already).
fn path_of(server: &TestServer, location: &str) -> String {
    let prefix = reqwest::Url::parse(&server.base)
        .expect("base")
        .path()
        .trim_end_matches('/')
        .to_owned();
    location.strip_prefix(&prefix).unwrap_or(location).to_owned()
}

async fn head(c: &Client, upload: &str) -> common::Reply {
    Client::reply(c.request(Method::HEAD, upload).header("tus-resumable", "1.0.0")).await
}

fn offset(r: &common::Reply) -> u64 {
    r.headers["upload-offset"]
        .to_str()
        .expect("text")
        .parse()
        .expect("a number")
}

async fn patch(c: &Client, upload: &str, at: usize, bytes: Vec<u8>) -> common::Reply {
    Client::reply(
        c.request(Method::PATCH, upload)
            .header("tus-resumable", "1.0.0")
            .header("upload-offset", at.to_string())
            .header("content-type", "application/offset+octet-stream")
            .body(bytes),
    )
    .await
}

/// A PNG of 640 × 480 pixels of noise (about 900 KB: it does not compress).
fn big_photo() -> Vec<u8> {
    let mut x: u32 = 2_463_534_242;
    let img = image::RgbImage::from_fn(640, 480, |_, _| {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        let [a, b, c, _] = x.to_le_bytes();
        image::Rgb([a, b, c])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).expect("png");
    out.into_inner()
}

async fn documents(server: &TestServer, unit: &str) -> i64 {
    use sqlx::Row;
    sqlx::query("SELECT COUNT(*) AS n FROM documents WHERE unit_id = $1 AND stage = 'self'")
        .bind(unit)
        .fetch_one(server.state.db().pool())
        .await
        .expect("count")
        .try_get("n")
        .expect("n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_cut_off_at_half_continues_from_the_byte_kept() {
    for db in backends() {
        cut_and_resume(db, "").await;
    }
    // Mounted under a base path, the same.
    cut_and_resume(Db::Sqlite, "/p2ham").await;
}

async fn cut_and_resume(db: Db, prefix: &str) {
    let server = TestServer::start_with(db, "uploads-resume", |s| prefix.clone_into(&mut s.base_path)).await;
    let op = server.login("operator-kanim-sampit").await;
    // A draft that answers A.01: the complete file becomes evidence of that answer.
    op.put_bytes(
        &format!("{KANIM}/self-assessment"),
        include_bytes!("../demo/kanim-sampit.self.json").to_vec(),
    )
    .await
    .expect(200);
    assert_eq!(documents(&server, "kanim-sampit").await, 1);

    // What the server supports.
    let caps = Client::reply(op.request(Method::OPTIONS, "/api/v1/uploads")).await;
    caps.expect(204);
    assert_eq!(caps.headers["tus-version"], "1.0.0");
    assert_eq!(caps.headers["tus-extension"], "creation,termination");
    assert_eq!(
        caps.headers["tus-max-size"],
        (20 * 1024 * 1024).to_string().as_str()
    );

    let photo = big_photo();
    let half = photo.len() / 2;
    assert!(half > 300_000, "{half}");
    let created = create(&op, "kanim-sampit", "A.01", photo.len()).await;
    created.expect(201);
    assert_eq!(created.headers["tus-resumable"], "1.0.0");
    assert_eq!(created.headers["upload-offset"], "0");
    let location = created.headers["location"].to_str().expect("location").to_owned();
    assert!(
        location.starts_with(&format!("{prefix}/api/v1/uploads/")),
        "{location}"
    );
    let upload = path_of(&server, &location);
    assert_eq!(offset(head(&op, &upload).await.expect(200)), 0);

    // The first half goes out, then the connection breaks (a phone losing its signal).
    let token = op
        .post("/api/v1/tokens", serde_json::json!({"name": "telepon"}))
        .await;
    token.expect(201);
    let token = token.json()["token"].as_str().expect("token").to_owned();
    let url = reqwest::Url::parse(&server.base).expect("base");
    let mut tcp = tokio::net::TcpStream::connect((url.host_str().expect("host"), url.port().expect("port")))
        .await
        .expect("connect");
    let head_lines = format!(
        "PATCH {location} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nTus-Resumable: 1.0.0\r\n\
         Upload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: {}\r\n\r\n",
        url.authority(),
        photo.len()
    );
    tcp.write_all(head_lines.as_bytes()).await.expect("headers");
    tcp.write_all(&photo[..half]).await.expect("first half");
    tcp.flush().await.expect("flush");
    tokio::time::sleep(Duration::from_millis(300)).await;
    drop(tcp);
    // The server kept every byte that arrived: exactly the first half.
    let mut kept = 0;
    for _ in 0..100 {
        kept = offset(head(&op, &upload).await.expect(200));
        if kept == half as u64 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(kept, half as u64, "HEAD answers the bytes kept");
    let part = server
        .dir
        .path()
        .join("data/uploads")
        .join(format!("{}.part", upload.rsplit('/').next().expect("id")));
    assert_eq!(std::fs::read(&part).expect("the partial file"), photo[..half]);

    // Continuing from anywhere but the server's offset is a conflict; nothing is stored.
    let wrong = patch(&op, &upload, 0, photo[..1000].to_vec()).await;
    wrong.expect(409);
    assert_eq!(wrong.code(), "upload-conflict");
    assert_eq!(offset(head(&op, &upload).await.expect(200)), half as u64);

    // The second half only: the file is complete and stored.
    let rest = patch(&op, &upload, half, photo[half..].to_vec()).await;
    rest.expect(204);
    assert_eq!(offset(&rest), photo.len() as u64);
    let info = op.get(&upload).await;
    info.expect(200);
    let info = info.json();
    let sha = p2ham_io::digest::sha256_hex(&photo);
    assert_eq!(info["sha256"], Value::from(sha.clone()));
    assert_eq!(info["content_type"], "image/png");
    assert_eq!(info["path"], "A.01/apar-foto.png");
    assert_eq!(info["attached"], true);
    assert!(!part.exists(), "the partial file is gone once stored");

    // The same path as a multipart upload: the evidence list, the file, its thumbnail.
    let listed = op.get(&format!("{KANIM}/evidence")).await.json();
    assert!(listed
        .as_array()
        .expect("list")
        .iter()
        .any(|e| e["sha256"] == sha.as_str()));
    let back = op.get(&format!("{KANIM}/evidence/{sha}")).await;
    back.expect(200);
    assert_eq!(back.bytes, photo);
    op.get(&format!("{KANIM}/evidence/{sha}/thumbnail"))
        .await
        .expect(200);
    // Evidence of A.01 in the draft: one new version of the document.
    let draft = op.get(&format!("{KANIM}/self-assessment")).await.json();
    let a01 = draft["answers"]
        .as_array()
        .expect("answers")
        .iter()
        .find(|a| a["indicator"] == "A.01")
        .expect("A.01");
    assert!(a01["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .any(|e| e["sha256"] == sha.as_str() && e["path"] == "A.01/apar-foto.png"));
    assert_eq!(documents(&server, "kanim-sampit").await, 2);
    // Audited as any upload and save; the chain holds.
    let admin = server.login("admin").await;
    admin.get("/api/v1/audit/verify").await.expect(200);
    let entries = admin.get("/api/v1/audit?limit=1000").await.json();
    let actions: Vec<&str> = entries
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    assert_eq!(actions.iter().filter(|a| **a == "upload-evidence").count(), 1);
    assert_eq!(actions.iter().filter(|a| **a == "put-self-assessment").count(), 2);
    // A PATCH after the end changes nothing; the upload can be let go.
    patch(&op, &upload, photo.len(), Vec::new()).await.expect(204);
    let gone = Client::reply(
        op.request(Method::DELETE, &upload)
            .header("tus-resumable", "1.0.0"),
    )
    .await;
    gone.expect(204);
    head(&op, &upload).await.expect(404);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_are_refused_before_any_byte_is_stored() {
    let server = TestServer::start(Db::Sqlite, "uploads-refused").await;
    let op = server.login("operator-kanim-sampit").await;
    let lapas = server.login("operator-lapas-sampit").await;
    let folder = server.dir.path().join("data/uploads");
    let parts = || std::fs::read_dir(&folder).map_or(0, Iterator::count);

    // Another unit's operator: not found, as the unit is outside their scope.
    let r = create(&lapas, "kanim-sampit", "A.01", 1000).await;
    r.expect(404);
    assert_eq!(r.code(), "not-found");
    assert_eq!(r.headers["tus-resumable"], "1.0.0");
    // Over the per-file limit: refused on the declared length.
    let r = create(&op, "kanim-sampit", "A.01", 20 * 1024 * 1024 + 1).await;
    r.expect(413);
    assert_eq!(r.code(), "too-large");
    // Not an indicator of the unit's instrument; no protocol version; no length.
    let r = create(&op, "kanim-sampit", "Z.99", 1000).await;
    r.expect(400);
    assert!(r.json()["message"]
        .as_str()
        .expect("message")
        .starts_with("Upload-Metadata.indicator:"));
    let r = Client::reply(
        op.request(Method::POST, "/api/v1/uploads")
            .header("upload-length", "10"),
    )
    .await;
    r.expect(412);
    assert_eq!(r.headers["tus-version"], "1.0.0");
    let r = Client::reply(
        op.request(Method::POST, "/api/v1/uploads")
            .header("tus-resumable", "1.0.0")
            .header("upload-metadata", metadata("kanim-sampit", "A.01", "x.png")),
    )
    .await;
    r.expect(400);
    assert!(r.text().contains("Upload-Length"));
    // A verifier cannot upload to a draft (the case's status is checked first).
    let verifier = server.login("verifier-kalteng").await;
    let r = create(&verifier, "kanim-sampit", "A.01", 1000).await;
    r.expect(409);
    assert_eq!(r.code(), "invalid-transition");
    assert_eq!(parts(), 0, "nothing refused left a file");
    let r = op.get("/api/v1/uploads?period=2023").await;
    r.expect(400);
    assert_eq!(r.code(), "invalid-query");
    assert_eq!(
        r.json()["message"],
        "Failed to deserialize query string: missing field `unit`"
    );

    // An upload of the right operator; another's operator cannot see or continue it.
    let photo = fixture(PHOTO);
    let created = create(&op, "kanim-sampit", "A.01", photo.len()).await;
    created.expect(201);
    let upload = path_of(&server, created.headers["location"].to_str().expect("location"));
    head(&lapas, &upload).await.expect(404);
    patch(&lapas, &upload, 0, photo.clone()).await.expect(404);
    lapas.get(&upload).await.expect(404);
    // More bytes than the upload's length: refused before they are read.
    let r = patch(&op, &upload, 0, [photo.clone(), vec![0; 10]].concat()).await;
    r.expect(413);
    assert_eq!(offset(head(&op, &upload).await.expect(200)), 0);
    // The wrong media type for PATCH.
    let r = Client::reply(
        op.request(Method::PATCH, &upload)
            .header("tus-resumable", "1.0.0")
            .header("upload-offset", "0")
            .header("content-type", "application/octet-stream")
            .body(photo.clone()),
    )
    .await;
    r.expect(415);
    // Content that is not JPEG, PNG or PDF: refused on its first bytes, and the upload is gone.
    let text = create(&op, "kanim-sampit", "A.02", 100).await;
    text.expect(201);
    let text = path_of(&server, text.headers["location"].to_str().expect("location"));
    let r = patch(&op, &text, 0, b"MZ this is not a photo at all".to_vec()).await;
    r.expect(415);
    assert_eq!(r.code(), "wrong-type");
    head(&op, &text).await.expect(404);

    // Bounded per user: at most 20 unfinished uploads.
    for _ in 1..20 {
        create(&op, "kanim-sampit", "A.01", 10).await.expect(201);
    }
    let r = create(&op, "kanim-sampit", "A.01", 10).await;
    r.expect(429);
    assert!(r.json()["message"]
        .as_str()
        .expect("message")
        .contains("20 unfinished uploads"));
    assert_eq!(parts(), 20);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_sent_again_with_its_key_is_stored_once() {
    for db in backends() {
        idempotent_saves(db).await;
    }
}

async fn idempotent_saves(db: Db) {
    let server = TestServer::start(db, "uploads-idempotent").await;
    let op = server.login("operator-kanim-sampit").await;
    let doc = include_bytes!("../demo/kanim-sampit.self.json").to_vec();
    let put = |key: &'static str, body: Vec<u8>| {
        Client::reply(
            op.request(Method::PUT, &format!("{KANIM}/self-assessment"))
                .header("content-type", "application/json")
                .header("idempotency-key", key)
                .body(body),
        )
    };
    let first = put("save-1", doc.clone()).await;
    first.expect(200);
    assert!(first.headers.get("idempotent-replayed").is_none());
    // The answer was lost; the same save is sent again: the first answer, nothing stored.
    let again = put("save-1", doc.clone()).await;
    again.expect(200);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(again.json(), first.json());
    assert_eq!(
        documents(&server, "kanim-sampit").await,
        1,
        "one version in the history"
    );
    // The key with another document: refused.
    let mut other: Value = serde_json::from_slice(&doc).expect("json");
    other["answers"][0]["note"] = Value::from("Catatan lain");
    let r = put("save-1", serde_json::to_vec(&other).expect("json")).await;
    r.expect(422);
    assert_eq!(r.code(), "idempotency-key-reused");
    // A refused save keeps nothing: the same key may carry it again once corrected.
    let r = put("save-2", b"{}".to_vec()).await;
    r.expect(422);
    assert_eq!(r.code(), "invalid-document");
    put("save-2", serde_json::to_vec(&other).expect("json"))
        .await
        .expect(200);
    assert_eq!(documents(&server, "kanim-sampit").await, 2);

    // The form's save: its key in a hidden field; a file uploaded on its own for an
    // indicator not answered yet waits and goes with the save that answers it.
    let lapas = server.login("operator-lapas-sampit").await;
    let photo = fixture(PHOTO);
    let created = create(&lapas, "lapas-sampit", "A.01", photo.len()).await;
    created.expect(201);
    let upload = path_of(&server, created.headers["location"].to_str().expect("location"));
    patch(&lapas, &upload, 0, photo.clone()).await.expect(204);
    let info = lapas.get(&upload).await.json();
    assert_eq!(info["attached"], false, "no draft answers A.01 yet");
    let csrf = lapas.csrf.clone().expect("csrf");
    let form: Vec<(&str, String)> = [
        ("csrf_token", csrf.as_str()),
        ("idempotency_key", "form-save-1"),
        ("v.A.01", "ada"),
        ("note.A.01", "Maklumat di ruang tunggu"),
        ("action", "draft"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect();
    let post = |form: Vec<(&'static str, String)>| {
        Client::reply(
            lapas
                .request(Method::POST, "/periods/2023/units/lapas-sampit/save")
                .form(&form),
        )
    };
    post(form.clone()).await.expect(200);
    assert_eq!(documents(&server, "lapas-sampit").await, 1);
    post(form.clone()).await.expect(200);
    assert_eq!(
        documents(&server, "lapas-sampit").await,
        1,
        "the save sent again is stored once"
    );
    let draft = lapas
        .get("/api/v1/periods/2023/units/lapas-sampit/self-assessment")
        .await
        .json();
    let a01 = &draft["answers"][0];
    assert_eq!(a01["indicator"], "A.01");
    assert_eq!(a01["note"], "Maklumat di ruang tunggu");
    assert_eq!(
        a01["evidence"][0]["sha256"],
        Value::from(p2ham_io::digest::sha256_hex(&photo))
    );
    assert_eq!(lapas.get(&upload).await.json()["attached"], true);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_form_save_names_the_files_it_did_not_keep() {
    let server = TestServer::start(Db::Sqlite, "uploads-refused-save").await;
    let op = server.login("operator-kanim-sampit").await;
    let csrf = op.csrf.clone().expect("csrf");
    // "Tidak berlaku" without its reason, and a photo chosen for the same indicator.
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", csrf)
        .text("v.A.01", "__na")
        .text("action", "draft")
        .part(
            "ev.A.01",
            reqwest::multipart::Part::bytes(fixture(PHOTO)).file_name("apar.png"),
        );
    let r = Client::reply(
        op.request(Method::POST, "/periods/2023/units/kanim-sampit/save")
            .multipart(form),
    )
    .await;
    r.expect(422);
    let page = r.text();
    assert!(page.contains("Draf belum disimpan."), "{page}");
    assert!(
        page.contains("Berkas yang dipilih belum tersimpan; pilih lagi: A.01 (apar.png)."),
        "{page}"
    );
    // Nothing was stored.
    assert_eq!(documents(&server, "kanim-sampit").await, 0);
    let listed = op.get(&format!("{KANIM}/evidence")).await.json();
    assert_eq!(listed, Value::Array(Vec::new()));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotency_keys_are_bounded_per_user() {
    for db in backends() {
        let server = TestServer::start(db, "uploads-keys").await;
        let actor = p2ham_server::Actor {
            username: "operator-kanim-sampit".into(),
            name: "Operator".into(),
            role: p2ham_server::Role::Operator,
            unit: Some("kanim-sampit".into()),
            office: None,
            credential: p2ham_server::Credential::default(),
        };
        let keys = server.state.idempotency(&actor);
        let answer = p2ham_server::service::Replayed {
            status: 200,
            content_type: None,
            location: None,
            body: String::new(),
        };
        for i in 0..201 {
            let key = format!("key-{i:03}");
            assert_eq!(keys.begin(&key, "sha").await.expect("begin"), None);
            keys.finish(&key, &answer).await.expect("finish");
        }
        // At most 200 kept: the oldest went; the newest answers again.
        assert_eq!(keys.begin("key-000", "sha").await.expect("begin"), None);
        assert_eq!(
            keys.begin("key-200", "sha").await.expect("begin"),
            Some(answer.clone())
        );
        server.stop().await;
    }
}
