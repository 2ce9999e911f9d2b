//! For a phone on a weak signal: pages and JSON are compressed, photos are
//! shown as small thumbnails made once on the server, and a picture that
//! would take too much memory to decode is refused, not decoded.

mod common;

use common::{fixture, Client, Db, TestServer};

const KANIM: &str = "/api/v1/periods/2023/units/kanim-sampit";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_are_compressed_and_photos_are_thumbnails() {
    let server = TestServer::start(Db::Sqlite, "field").await;
    let op = server.login("operator-kanim-sampit").await;

    // The operator's form, asked for with gzip and brotli: compressed.
    for encoding in ["gzip", "br"] {
        let r = Client::reply(
            op.request(reqwest::Method::GET, "/periods/2023/units/kanim-sampit")
                .header("accept-encoding", encoding),
        )
        .await;
        r.expect(200);
        assert_eq!(r.headers["content-encoding"], encoding);
        assert!(r.bytes.len() < 20 * 1024, "{} bytes {encoding}", r.bytes.len());
    }
    // Without Accept-Encoding, plain.
    let plain = op.get("/periods/2023/units/kanim-sampit").await;
    assert!(plain.headers.get("content-encoding").is_none());

    // A photo and a PDF; the photo's thumbnail is a JPEG of at most 320 pixels a side.
    let photo = fixture("fixtures/evidence/kanim-sampit/foto/apar.png");
    let pdf = fixture("fixtures/evidence/kanim-sampit/dokumen/evaluasi-kinerja.pdf");
    let stored = op
        .upload(
            &format!("{KANIM}/evidence"),
            vec![
                ("foto/apar.png".to_owned(), photo),
                ("dokumen/sop.pdf".to_owned(), pdf),
            ],
        )
        .await;
    stored.expect(201);
    let stored = stored.json();
    let sha = |i: usize| stored[i]["sha256"].as_str().expect("sha").to_owned();
    let small = op.get(&format!("{KANIM}/evidence/{}/thumbnail", sha(0))).await;
    small.expect(200);
    assert_eq!(small.headers["content-type"], "image/jpeg");
    let picture = image::load_from_memory(&small.bytes).expect("a JPEG");
    assert!(
        picture.width() <= 320 && picture.height() <= 320,
        "{}x{}",
        picture.width(),
        picture.height()
    );
    // Made once: kept by the original's digest.
    let again = op.get(&format!("{KANIM}/evidence/{}/thumbnail", sha(0))).await;
    assert_eq!(again.bytes, small.bytes);
    // A PDF has none; another unit's photo is not found either.
    op.get(&format!("{KANIM}/evidence/{}/thumbnail", sha(1)))
        .await
        .expect(404);
    let lapas = server.login("operator-lapas-sampit").await;
    lapas
        .get(&format!("{KANIM}/evidence/{}/thumbnail", sha(0)))
        .await
        .expect(404);

    // A PNG that claims 100,000 × 100,000 pixels is refused, not decoded.
    let mut bomb = Vec::new();
    bomb.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(b"IHDR");
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    bomb.extend_from_slice(&13u32.to_be_bytes());
    bomb.extend_from_slice(&ihdr);
    bomb.extend_from_slice(&crc32(&ihdr).to_be_bytes());
    let r = op
        .upload(
            &format!("{KANIM}/evidence"),
            vec![("foto/besar.png".to_owned(), bomb)],
        )
        .await;
    r.expect(201);
    let big = r.json()[0]["sha256"].as_str().expect("sha").to_owned();
    let r = op.get(&format!("{KANIM}/evidence/{big}/thumbnail")).await;
    r.expect(404);
    assert!(r.text().contains("20,000"), "{}", r.text());

    // The form shows the thumbnail, and links to the original.
    let mut doc: serde_json::Value = serde_json::from_slice(&fixture(
        "fixtures/assessments/sampit-2023/kanim-sampit.self.json",
    ))
    .expect("json");
    doc["answers"][0]["evidence"] = serde_json::json!([{"path": "foto/apar.png", "sha256": sha(0)}]);
    op.put_bytes(
        &format!("{KANIM}/self-assessment"),
        serde_json::to_vec(&doc).expect("json"),
    )
    .await
    .expect(200);
    let page = op.get("/periods/2023/units/kanim-sampit").await.text();
    assert!(
        page.contains(&format!("{KANIM}/evidence/{}/thumbnail", sha(0))),
        "no thumbnail in the form"
    );
    assert!(
        page.contains(&format!("href=\"{KANIM}/evidence/{}\"", sha(0))),
        "no link to the original"
    );
    server.stop().await;
}

/// CRC-32 (IEEE) of a PNG chunk's type and data.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deadlines_read_as_people_write_them_and_a_closed_window_offers_no_editing() {
    let server = TestServer::start(Db::Sqlite, "windows").await;
    let admin = server.login("admin").await;
    admin
        .post(
            "/api/v1/periods",
            serde_json::json!({"id": "2024", "year": 2024, "instrument": "p2ham-2022", "self_closes": "2024-03-31"}),
        )
        .await
        .expect(201);
    let op = server.login("operator-kanim-sampit").await;
    let periods = op.get("/unit").await.text();
    assert!(periods.contains("31 Maret 2024, 23.59 WIB"), "{periods}");
    assert!(!periods.contains("2024-03-31T"), "a raw timestamp is shown");
    // The closed period is only to be seen; the open one to fill in.
    assert!(periods.contains("ditutup"), "{periods}");
    let form = op.get("/periods/2024/units/kanim-sampit").await.text();
    assert!(
        form.contains("Masa pengisian penilaian mandiri sudah ditutup"),
        "{form}"
    );
    assert!(
        !form.contains("name=\"action\" value=\"submit\""),
        "a closed window still offers submitting"
    );
    // The open period's form counts what is answered and links to each criterion.
    let open = op.get("/periods/2023/units/kanim-sampit").await.text();
    assert!(open.contains("id=\"answered-count\""), "{open}");
    assert!(open.contains("<strong>0 dari "), "{open}");
    assert!(open.contains("href=\"#c-A\""), "no jump link to criterion A");
    assert!(open.contains("belum dijawab"));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_without_its_evidence_is_flagged_and_submitting_asks_to_confirm() {
    let server = TestServer::start(Db::Sqlite, "confirm").await;
    let op = server.login("operator-kanim-sampit").await;
    // The fixture's answers without their evidence: every "ada" that needs a photo counts 0.
    let mut doc: serde_json::Value = serde_json::from_slice(&fixture(
        "fixtures/assessments/sampit-2023/kanim-sampit.self.json",
    ))
    .expect("json");
    for a in doc["answers"].as_array_mut().expect("answers") {
        a.as_object_mut().expect("answer").remove("evidence");
    }
    op.put_bytes(
        &format!("{KANIM}/self-assessment"),
        serde_json::to_vec(&doc).expect("json"),
    )
    .await
    .expect(200);
    let form = op.get("/periods/2023/units/kanim-sampit").await.text();
    assert!(
        form.contains("Jawaban ini dihitung 0"),
        "no note at a claim without evidence"
    );
    // "Save and submit" saves, then asks to confirm on a page that lists what is missing.
    let confirm = op.get("/periods/2023/units/kanim-sampit/submit").await;
    confirm.expect(200);
    let text = confirm.text();
    assert!(text.contains("Tanpa bukti yang diperlukan"), "{text}");
    assert!(text.contains("id=\"confirm-submit\""));
    // Without the signed declaration the page says so first, and the confirmation is disabled.
    let missing = text
        .find("id=\"declaration-missing\"")
        .expect("the missing declaration is named");
    assert!(
        missing < text.find("Tanpa bukti yang diperlukan").expect("claims"),
        "not first"
    );
    assert!(
        text.contains("id=\"confirm-submit\" type=\"submit\" disabled"),
        "{text}"
    );
    // The operator's page uploads it with a plain form (no script): a PDF, by content.
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", op.csrf.clone().unwrap_or_default())
        .part(
            "declaration",
            reqwest::multipart::Part::bytes(p2ham_server::declaration_pdf("Kanim Sampit", "2023"))
                .file_name("Pencanangan Kanim Sampit.pdf"),
        );
    let r = Client::reply(
        op.request(
            reqwest::Method::POST,
            "/periods/2023/units/kanim-sampit/declaration",
        )
        .multipart(form),
    )
    .await;
    assert!(r.status.is_success(), "{} {}", r.status, r.text());
    let page = op.get("/periods/2023/units/kanim-sampit").await.text();
    assert!(page.contains("data-uploaded=\"true\""), "{page}");
    assert!(page.contains("Pencanangan Kanim Sampit.pdf"), "{page}");
    let text = op.get("/periods/2023/units/kanim-sampit/submit").await.text();
    assert!(!text.contains("id=\"declaration-missing\""));
    // Still a draft: nothing was submitted by looking.
    let case = op.get(KANIM).await.json();
    assert_eq!(case["status"], "draft");
    // Confirming submits (the draft names no file, so none is missing from the store).
    let r = Client::reply(
        op.request(reqwest::Method::POST, "/periods/2023/units/kanim-sampit/submit")
            .form(&[("csrf_token", op.csrf.clone().unwrap_or_default())]),
    )
    .await;
    assert!(r.status.is_success(), "{}", r.status);
    let case = op.get(KANIM).await.json();
    assert_eq!(
        case["status"], "submitted",
        "the confirmed submission is recorded"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_verification_team_attaches_its_own_photos_on_site() {
    let server = TestServer::start(Db::Sqlite, "team-photos").await;
    let op = server.login("operator-kanim-sampit").await;
    let doc = fixture("fixtures/assessments/sampit-2023/kanim-sampit.self.json");
    op.put_bytes(&format!("{KANIM}/self-assessment"), doc.clone())
        .await
        .expect(200);
    let ev = common::files_under(
        &common::repo().join("fixtures/evidence/kanim-sampit"),
        &["foto", "dokumen"],
    );
    op.upload(&format!("{KANIM}/evidence"), ev).await.expect(201);
    op.declare("2023", "kanim-sampit").await;
    op.post(&format!("{KANIM}/submit"), serde_json::json!({}))
        .await
        .expect(200);

    // The verifier answers as the operator did, and photographs A.01 on site.
    let ver = server.login("verifier-kalteng").await;
    let own: serde_json::Value = serde_json::from_slice(&doc).expect("json");
    let mut form = reqwest::multipart::Form::new().text("csrf_token", ver.csrf.clone().unwrap_or_default());
    let mut first = None;
    for a in own["answers"].as_array().expect("answers") {
        let id = a["indicator"].as_str().expect("id").to_owned();
        let v = a["value"].as_str().map_or("__na".to_owned(), str::to_owned);
        if v == "__na" {
            form = form.text(format!("c.{id}"), "Tidak berlaku di kantor ini.");
        }
        first.get_or_insert_with(|| id.clone());
        form = form.text(format!("v.{id}"), v);
    }
    let first = first.expect("an answer");
    let photo = fixture("fixtures/evidence/kanim-sampit/foto/apar.png");
    form = form.text("action", "verify").part(
        format!("ev.{first}"),
        reqwest::multipart::Part::bytes(photo).file_name("IMG_2023 03 14.png"),
    );
    let r = Client::reply(
        ver.request(reqwest::Method::POST, "/periods/2023/units/kanim-sampit/review")
            .multipart(form),
    )
    .await;
    r.expect(200);
    // Recording asks first: the photo is stored already and carried by the confirmation page.
    let ask = r.text();
    assert!(ask.contains("Ya, catat verifikasi"), "{ask}");
    assert_eq!(ver.get(KANIM).await.json()["status"], "submitted");
    let mut confirmed: Vec<(String, String)> = ask
        .split("<input type=\"hidden\" name=\"")
        .skip(1)
        .filter_map(|s| {
            let (name, rest) = s.split_once("\" value=\"")?;
            let (value, _) = rest.split_once('"')?;
            let value = value
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
            Some((name.to_owned(), value))
        })
        .collect();
    confirmed.push(("action".into(), "verify".into()));
    let r = Client::reply(
        ver.request(reqwest::Method::POST, "/periods/2023/units/kanim-sampit/review")
            .form(&confirmed),
    )
    .await;
    r.expect(200);
    assert!(r.text().contains("Verifikasi tercatat"), "{}", r.text());
    let recorded = ver.get(&format!("{KANIM}/verification")).await.json();
    let answer = recorded["answers"]
        .as_array()
        .expect("answers")
        .iter()
        .find(|a| a["indicator"] == first.as_str())
        .expect("the answer")
        .clone();
    let team: Vec<&serde_json::Value> = answer["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .filter(|e| e["path"].as_str().is_some_and(|p| p.starts_with("verifikasi/")))
        .collect();
    assert_eq!(team.len(), 1, "{answer:#}");
    assert!(
        team[0]["path"]
            .as_str()
            .expect("path")
            .ends_with("/IMG_2023-03-14.png"),
        "{team:?}"
    );
    // The review page shows the team's photo as such.
    let page = ver.get("/periods/2023/units/kanim-sampit").await.text();
    assert!(
        page.contains("Foto tim verifikasi"),
        "no team photo on the review page"
    );
    server.stop().await;
}
