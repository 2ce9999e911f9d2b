//! Evidence photos marked public: the Sampit year runs up to its decree (as
//! in `tests/public.rs`), the verification team adds a JPEG that carries EXIF
//! with a GPS position, a comment and XMP. Marking needs the attestation and
//! the right role and Kanwil; the public copy has none of the original's
//! metadata and decodes, turned upright; only a marked photo of an indicator
//! verified as met reaches the publication; `/publik/foto/…` answers only
//! while a publication in force holds the photo; the caption is escaped;
//! the audit chain verifies.

mod common;

use common::{Client, TestServer};
use reqwest::Method;
use serde_json::{json, Value};

const UNITS: [&str; 3] = ["kanim-sampit", "lapas-sampit", "bapas-sampit"];
/// Written in the photo's EXIF description, comment and XMP: never public.
const SECRET: &str = "LOKASI-RAHASIA-7731";
/// A caption holding markup: shown as text, never run.
const HOSTILE: &str = "Jalan landai <img src=x onerror=alert(1)> & \"pintu\"";
/// The photo of the ramp (indicator A.13, verified as met for Kanim).
const RAMP: &str = "verifikasi/A.13/jalan-landai-gps.jpg";

fn case(unit: &str) -> String {
    format!("/api/v1/periods/2023/units/{unit}")
}

fn public_url(unit: &str, sha: &str) -> String {
    format!("{}/evidence/{sha}/public", case(unit))
}

/// A 40×20 JPEG, left half red and right half blue, with an EXIF segment
/// (APP1) built by hand: IFD0 with an image description holding [`SECRET`],
/// the orientation "rotate 90° clockwise" (6) and a GPS IFD (latitude S
/// 2° 32′ 0″); then a comment (COM) and an XMP packet (APP1), both with
/// [`SECRET`].
fn jpeg_with_gps() -> Vec<u8> {
    let picture = image::RgbImage::from_fn(40, 20, |x, _| {
        if x < 20 {
            image::Rgb([200, 30, 30])
        } else {
            image::Rgb([30, 30, 200])
        }
    });
    let mut plain = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 90)
        .encode_image(&picture)
        .expect("encode");
    let entry = |tag: u16, kind: u16, count: u32, value: [u8; 4]| {
        let mut e = Vec::new();
        e.extend(tag.to_le_bytes());
        e.extend(kind.to_le_bytes());
        e.extend(count.to_le_bytes());
        e.extend(value);
        e
    };
    let description = format!("{SECRET}\0");
    // IFD0 at 8 (3 entries: ends at 50), the GPS IFD at 50 (3 entries: ends
    // at 92), the latitude's rationals at 92 (24 bytes), the description at 116.
    let mut tiff = b"II*\0".to_vec();
    tiff.extend(8u32.to_le_bytes());
    tiff.extend(3u16.to_le_bytes());
    tiff.extend(entry(
        0x010E,
        2,
        u32::try_from(description.len()).expect("short"),
        116u32.to_le_bytes(),
    ));
    tiff.extend(entry(0x0112, 3, 1, [6, 0, 0, 0]));
    tiff.extend(entry(0x8825, 4, 1, 50u32.to_le_bytes()));
    tiff.extend(0u32.to_le_bytes());
    assert_eq!(tiff.len(), 50);
    tiff.extend(3u16.to_le_bytes());
    tiff.extend(entry(0x0000, 1, 4, [2, 2, 0, 0]));
    tiff.extend(entry(0x0001, 2, 2, *b"S\0\0\0"));
    tiff.extend(entry(0x0002, 5, 3, 92u32.to_le_bytes()));
    tiff.extend(0u32.to_le_bytes());
    assert_eq!(tiff.len(), 92);
    for (n, d) in [(2u32, 1u32), (32, 1), (0, 1)] {
        tiff.extend(n.to_le_bytes());
        tiff.extend(d.to_le_bytes());
    }
    tiff.extend(description.as_bytes());
    let segment = |marker: u8, payload: &[u8]| {
        let mut s = vec![0xFF, marker];
        s.extend(u16::try_from(payload.len() + 2).expect("small").to_be_bytes());
        s.extend(payload);
        s
    };
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend(&tiff);
    let mut xmp = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    xmp.extend(format!("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">{SECRET}</x:xmpmeta>").as_bytes());
    // After SOI and the encoder's JFIF APP0.
    assert_eq!(&plain[2..4], &[0xFF, 0xE0]);
    let app0_end = 4 + usize::from(u16::from_be_bytes([plain[4], plain[5]]));
    let mut out = plain[..app0_end].to_vec();
    out.extend(segment(0xE1, &exif));
    out.extend(segment(0xFE, format!("Dipotret di {SECRET}").as_bytes()));
    out.extend(segment(0xE1, &xmp));
    out.extend(&plain[app0_end..]);
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The Sampit year up to the evaluation of the three units; the team adds
/// the photo with its GPS position to Kanim's evidence.
async fn round(server: &TestServer) {
    let evaluator = server.login("evaluator").await;
    let verifier = server.login("verifier-kalteng").await;
    common::sampit_previous_awards(&evaluator).await;
    for unit in UNITS {
        common::sampit_submit(server, unit).await;
        if unit == "kanim-sampit" {
            verifier
                .upload(
                    &format!("{}/evidence", case(unit)),
                    vec![(RAMP.to_owned(), jpeg_with_gps())],
                )
                .await
                .expect(201);
        }
        common::sampit_verify(&verifier, unit).await;
        evaluator
            .post(&format!("{}/evaluate", case(unit)), json!({"note": "ok"}))
            .await
            .expect(200);
    }
}

/// The SHA-256 of a case's evidence file by its path.
async fn evidence_sha(c: &Client, unit: &str, path: &str) -> String {
    let list = c.get(&format!("{}/evidence", case(unit))).await.json();
    list.as_array()
        .expect("evidence")
        .iter()
        .find(|e| e["path"] == path)
        .and_then(|e| e["sha256"].as_str())
        .unwrap_or_else(|| panic!("no evidence {path}"))
        .to_owned()
}

async fn put(c: &Client, url: &str, body: Value) -> common::Reply {
    c.send(Method::PUT, url, Some(body)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_verifier_marks_a_photo_public_without_its_metadata() {
    for db in common::backends() {
        photos(db).await;
    }
}

async fn photos(db: common::Db) {
    let server = TestServer::start(db, "public_photos").await;
    let anon = server.anonymous();
    let admin = server.login("admin").await;
    let evaluator = server.login("evaluator").await;
    let verifier = server.login("verifier-kalteng").await;
    let operator = server.login("operator-kanim-sampit").await;
    common::another_kanwil(&admin).await;
    let elsewhere = server.login("verifier-sulteng").await;
    round(&server).await;

    let original = jpeg_with_gps();
    assert!(contains(&original, SECRET.as_bytes()) && contains(&original, b"Exif\0\0"));
    let ramp = evidence_sha(&verifier, "kanim-sampit", RAMP).await;
    assert_eq!(ramp, p2ham_io::digest::sha256_hex(&original));
    let mark = |indicator: &str, caption: &str| json!({"indicator": indicator, "caption": caption, "no_faces_or_personal_data": true});

    // Who may mark: not the operator, not a verifier of another Kanwil, not a visitor.
    let r = put(
        &operator,
        &public_url("kanim-sampit", &ramp),
        mark("A.13", "Jalan landai"),
    )
    .await;
    r.expect(403);
    let r = put(
        &elsewhere,
        &public_url("kanim-sampit", &ramp),
        mark("A.13", "Jalan landai"),
    )
    .await;
    r.expect(404);
    put(&anon, &public_url("kanim-sampit", &ramp), mark("A.13", "x"))
        .await
        .expect(401);
    // The attestation: missing, or not affirmed, is a 422 naming the field.
    let r = put(
        &verifier,
        &public_url("kanim-sampit", &ramp),
        json!({"indicator": "A.13", "caption": "Jalan landai"}),
    )
    .await;
    r.expect(422);
    assert!(r.text().contains("no_faces_or_personal_data"), "{}", r.text());
    let r = put(
        &verifier,
        &public_url("kanim-sampit", &ramp),
        json!({"indicator": "A.13", "caption": "Jalan landai", "no_faces_or_personal_data": false}),
    )
    .await;
    r.expect(422);
    assert_eq!(r.code(), "not-attested");
    assert!(r.text().contains("no_faces_or_personal_data"), "{}", r.text());
    // An unknown indicator, a blank or overlong caption, a PDF.
    let r = put(
        &verifier,
        &public_url("kanim-sampit", &ramp),
        mark("Z.99", "Jalan landai"),
    )
    .await;
    r.expect(400);
    assert!(r.text().contains("indicator"), "{}", r.text());
    put(&verifier, &public_url("kanim-sampit", &ramp), mark("A.13", "  "))
        .await
        .expect(400);
    put(
        &verifier,
        &public_url("kanim-sampit", &ramp),
        mark("A.13", &"a".repeat(201)),
    )
    .await
    .expect(400);
    // The answer's note is never public: a caption repeating it is refused.
    let r = put(
        &verifier,
        &public_url("kanim-sampit", &ramp),
        mark("A.13", "Dilengkapi  pegangan rambat"),
    )
    .await;
    r.expect(400);
    assert!(
        r.text().contains("caption") && r.text().contains("note"),
        "{}",
        r.text()
    );
    let pdf = evidence_sha(&operator, "kanim-sampit", "dokumen/sk-tim-p2ham.pdf").await;
    let r = put(&verifier, &public_url("kanim-sampit", &pdf), mark("B.08", "SK")).await;
    r.expect(422);
    assert_eq!(r.code(), "not-a-photo");
    assert!(
        verifier
            .get(&format!("{}/public-photos", case("kanim-sampit")))
            .await
            .json()
            .as_array()
            .expect("list")
            .is_empty(),
        "nothing refused is marked"
    );

    // Marked: the public copy has no metadata and decodes, upright.
    let r = put(
        &verifier,
        &public_url("kanim-sampit", &ramp),
        mark("A.13", HOSTILE),
    )
    .await;
    r.expect(200);
    let marked = r.json();
    let public = marked["public_sha256"].as_str().expect("digest").to_owned();
    assert_ne!(public, ramp);
    let copy = server
        .state
        .store()
        .get(&public)
        .await
        .expect("stored content-addressed");
    for needle in [
        &[0xFF, 0xE1][..],
        &[0xFF, 0xFE][..],
        b"Exif",
        b"GPS",
        b"http://ns.adobe.com",
        SECRET.as_bytes(),
    ] {
        assert!(!contains(&copy, needle), "the public copy holds {needle:?}");
    }
    let decoded = image::load_from_memory_with_format(&copy, image::ImageFormat::Jpeg)
        .expect("the public copy decodes")
        .into_rgb8();
    assert_eq!(
        decoded.dimensions(),
        (20, 40),
        "turned as the EXIF orientation said"
    );
    assert_eq!(
        (marked["width"].as_i64(), marked["height"].as_i64()),
        (Some(20), Some(40))
    );
    let red = decoded.get_pixel(10, 5);
    let blue = decoded.get_pixel(10, 35);
    assert!(red[0] > 150 && red[2] < 100, "the top is red: {red:?}");
    assert!(blue[2] > 150 && blue[0] < 100, "the bottom is blue: {blue:?}");
    // An evaluator may mark too; a photo of an indicator not verified as met
    // (A.07 has no answer) is marked but never public; one unmarked neither.
    let waiting = evidence_sha(&verifier, "kanim-sampit", "verifikasi/ruang-tunggu.png").await;
    let r = put(
        &evaluator,
        &public_url("kanim-sampit", &waiting),
        mark("A.07", "Ruang tunggu"),
    )
    .await;
    r.expect(200);
    let not_met = r.json()["public_sha256"].as_str().expect("digest").to_owned();
    let ramp2 = evidence_sha(&verifier, "kanim-sampit", "verifikasi/jalan-landai.png").await;
    let r = put(
        &verifier,
        &public_url("kanim-sampit", &ramp2),
        mark("A.13", "Jalan landai lain"),
    )
    .await;
    r.expect(200);
    let withdrawn = r.json()["public_sha256"].as_str().expect("digest").to_owned();
    Client::reply(verifier.request(Method::DELETE, &public_url("kanim-sampit", &ramp2)))
        .await
        .expect(204);
    Client::reply(verifier.request(Method::DELETE, &public_url("kanim-sampit", &ramp2)))
        .await
        .expect(404);
    let list = verifier
        .get(&format!("{}/public-photos", case("kanim-sampit")))
        .await
        .json();
    let listed: Vec<&str> = list
        .as_array()
        .expect("list")
        .iter()
        .map(|p| p["indicator"].as_str().expect("indicator"))
        .collect();
    assert_eq!(listed, ["A.07", "A.13"]);

    // The review page: a form per photo, the attestation stated plainly; it works without JavaScript.
    let page = verifier.get("/periods/2023/units/kanim-sampit").await;
    page.expect(200);
    let html = page.text();
    assert!(
        html.contains(p2ham_server::proto::PUBLIC_PHOTO_ATTESTATION),
        "{html}"
    );
    assert!(html.contains("action=\"/periods/2023/units/kanim-sampit/public-photos\""));
    assert!(
        !html.contains("<img src=x"),
        "the caption is escaped on the review page"
    );
    let sign = evidence_sha(&verifier, "kanim-sampit", "verifikasi/rambu-rambu.png").await;
    let form = [
        ("action", "mark"),
        ("sha256", sign.as_str()),
        ("indicator", "A.18"),
        ("caption", "Rambu petunjuk arah"),
    ];
    let r = verifier
        .post_form("/periods/2023/units/kanim-sampit/public-photos", &form)
        .await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert!(r.text().contains("Centang pernyataan"), "{}", r.text());
    let mut attested = form.to_vec();
    attested.push(("no_faces_or_personal_data", "yes"));
    let r = verifier
        .post_form("/periods/2023/units/kanim-sampit/public-photos", &attested)
        .await;
    r.expect(200);
    assert!(r.text().contains("Foto ditandai publik"), "{}", r.text());

    // The evaluator's page for the unit has the same forms; a refusal comes back
    // on that page (not the verifier's review), beside the field.
    let page = evaluator.get("/periods/2023/units/kanim-sampit").await;
    page.expect(200);
    let html = page.text();
    assert!(html.contains("id=\"public-photos\""), "{html}");
    assert!(html.contains(p2ham_server::proto::PUBLIC_PHOTO_ATTESTATION));
    let unmark = [("action", "unmark"), ("sha256", waiting.as_str())];
    let r = evaluator
        .post_form("/periods/2023/units/kanim-sampit/public-photos", &unmark)
        .await;
    r.expect(200);
    assert!(r.text().contains("Tanda publik foto dibatalkan"), "{}", r.text());
    let again = [
        ("action", "mark"),
        ("sha256", waiting.as_str()),
        ("indicator", "A.07"),
        ("caption", "Ruang tunggu"),
    ];
    let r = evaluator
        .post_form("/periods/2023/units/kanim-sampit/public-photos", &again)
        .await;
    assert_eq!(r.status.as_u16(), 422);
    let html = r.text();
    assert!(
        html.contains("Centang pernyataan") && html.contains("id=\"award-in-round\""),
        "{html}"
    );
    assert!(
        !html.contains("name=\"c.\""),
        "not the verifier's review form: {html}"
    );
    let mut attested = again.to_vec();
    attested.push(("no_faces_or_personal_data", "yes"));
    let r = evaluator
        .post_form("/periods/2023/units/kanim-sampit/public-photos", &attested)
        .await;
    r.expect(200);
    assert!(r.text().contains("Foto ditandai publik"), "{}", r.text());
    // An administrator's page has no such form (only a verifier or an evaluator marks).
    let html = admin.get("/periods/2023/units/kanim-sampit").await.text();
    assert!(!html.contains("id=\"public-photos\""), "{html}");

    // Before publishing, nothing is public.
    let photo_url = |sha: &str| format!("/publik/foto/{sha}.jpg");
    anon.get(&photo_url(&public)).await.expect(404);
    let decree = json!({"number": "M.HH-01.HA.03.07 Tahun 2023", "date": "2023-12-10",
                        "issuer": "Menteri Hukum dan Hak Asasi Manusia"});
    evaluator
        .post("/api/v1/periods/2023/decree", decree)
        .await
        .expect(201);
    anon.get(&photo_url(&public)).await.expect(404);
    evaluator
        .post("/api/v1/periods/2023/publish", json!({}))
        .await
        .expect(201);

    // Published: the marked photo of a met indicator, with its ETag and a long cache.
    let r = anon.get(&photo_url(&public)).await;
    r.expect(200);
    assert_eq!(r.bytes, copy);
    assert_eq!(r.headers["content-type"], "image/jpeg");
    assert_eq!(r.headers["etag"].to_str().expect("etag"), format!("\"{public}\""));
    let cache = r.headers["cache-control"].to_str().expect("cache").to_owned();
    assert!(cache.contains("max-age=86400"), "{cache}");
    Client::reply(
        anon.request(Method::GET, &photo_url(&public))
            .header("if-none-match", format!("\"{public}\"")),
    )
    .await
    .expect(304);
    for (sha, why) in [
        (&not_met, "an indicator not verified as met"),
        (&withdrawn, "unmarked"),
        (&ramp, "the original"),
        (&waiting, "an original"),
    ] {
        anon.get(&photo_url(sha)).await.expect(404);
        assert!(!sha.is_empty(), "{why}");
    }
    anon.get("/publik/foto/not-a-digest.jpg").await.expect(404);
    let units = anon.get("/publik/data/2023/units.json").await.json();
    let kind = p2ham_io::schema::schema_kind("public-units").expect("schema");
    let v = jsonschema::validator_for(&kind.schema()).expect("schema compiles");
    let errors: Vec<String> = v.iter_errors(&units).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let kanim = units["units"]
        .as_array()
        .expect("units")
        .iter()
        .find(|u| u["id"] == "kanim-sampit")
        .expect("kanim");
    let with_photos: Vec<(&str, Vec<&str>)> = kanim["met"]
        .as_array()
        .expect("met")
        .iter()
        .filter_map(|i| {
            let photos = i.get("photos")?.as_array()?;
            Some((
                i["id"].as_str().expect("id"),
                photos
                    .iter()
                    .map(|p| p["sha256"].as_str().expect("sha"))
                    .collect(),
            ))
        })
        .collect();
    let sign_public = verifier
        .get(&format!("{}/public-photos", case("kanim-sampit")))
        .await
        .json()
        .as_array()
        .expect("list")
        .iter()
        .find(|p| p["indicator"] == "A.18")
        .map(|p| p["public_sha256"].as_str().expect("digest").to_owned())
        .expect("marked with the page's form");
    assert_eq!(
        with_photos,
        [
            ("A.13", vec![public.as_str()]),
            ("A.18", vec![sign_public.as_str()])
        ]
    );
    let text = units.to_string();
    assert!(!text.contains(&ramp) && !text.contains(SECRET) && !text.contains("verifier-kalteng"));
    // The unit's page: beside its indicator, small, lazy, the caption as its text, escaped.
    let page = anon.get("/publik/unit/kanim-sampit").await;
    page.expect(200);
    let html = page.text();
    let img = html
        .split("<img ")
        .find(|s| s.starts_with(&format!("src=\"/publik/foto/{public}.jpg\"")))
        .unwrap_or_else(|| panic!("no photo on the unit's page: {html}"));
    assert!(
        img.contains("loading=\"lazy\"") && img.contains("width=\"20\"") && img.contains("height=\"40\""),
        "{img}"
    );
    assert!(
        img.contains("alt=\"Jalan landai &lt;img src=x onerror=alert(1)&gt; &amp; &quot;pintu&quot;\""),
        "{img}"
    );
    assert!(
        html.contains("<figcaption>Jalan landai &lt;img src=x onerror=alert(1)&gt; &amp; &quot;pintu&quot;</figcaption>"),
        "the caption shows under the photo, escaped: {html}"
    );
    assert!(!html.contains("<img src=x"), "{html}");

    // The publication fixed what is public: no marking or unmarking until it is withdrawn.
    let r = put(
        &verifier,
        &public_url("kanim-sampit", &ramp2),
        mark("A.13", "Lagi"),
    )
    .await;
    r.expect(409);
    assert_eq!(r.code(), "already-published");
    Client::reply(verifier.request(Method::DELETE, &public_url("kanim-sampit", &ramp)))
        .await
        .expect(409);
    Client::reply(evaluator.request(Method::DELETE, "/api/v1/periods/2023/publish"))
        .await
        .expect(204);
    anon.get(&photo_url(&public)).await.expect(404);
    Client::reply(verifier.request(Method::DELETE, &public_url("kanim-sampit", &ramp)))
        .await
        .expect(204);

    // Audited, and the chain verifies with the new entries in it.
    // Marked: the ramp, A.07 twice (API, then the evaluator's page), the other ramp, the sign.
    assert_eq!(admin.audited("mark-public-photo").await, 5);
    // Unmarked: the other ramp, A.07 on the evaluator's page, the ramp after the withdrawal.
    assert_eq!(admin.audited("unmark-public-photo").await, 3);
    let r = admin.get("/api/v1/audit/verify").await;
    r.expect(200);
    server.stop().await;
}
