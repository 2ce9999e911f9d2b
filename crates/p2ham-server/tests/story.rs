//! The seed's story through the API: the three Sampit units' operators upload
//! their self-assessments and evidence, the Kalteng verifier returns one with
//! comments and verifies all three (one loses points to overclaims), the
//! evaluator evaluates and awards. Every figure equals `p2ham compare`.

mod common;

use common::{files_under, fixture, repo, Client, TestServer};
use p2ham_io::model::Lang;
use p2ham_report::Format;
use reqwest::Method;
use serde_json::json;

fn rendered<R: p2ham_report::Renderable + ?Sized>(
    r: &R,
    format: p2ham_report::Format,
    lang: Lang,
) -> Vec<u8> {
    let options = p2ham_report::RenderOptions { lang, evidence: None };
    p2ham_report::render(r, format, &options).expect("render")
}

const UNITS: [&str; 3] = ["kanim-sampit", "lapas-sampit", "bapas-sampit"];

/// What `p2ham compare --format json` prints for a unit's pair.
fn cli_compare(unit: &str) -> p2ham_io::scoring::ComparisonReport {
    let s = p2ham_io::document::load_assessment(&repo().join(common::sampit_self(unit))).expect("self");
    let v = p2ham_io::document::load_assessment(&repo().join(common::sampit_verification(unit)))
        .expect("verification");
    let instrument = p2ham_io::document::instrument_for(&s, None).expect("instrument");
    p2ham_io::document::compare_loaded(&s, &v, &instrument).expect("compare")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sampit_story_end_to_end() {
    for db in common::backends() {
        story(db).await;
    }
}

async fn story(db: common::Db) {
    let server = TestServer::start(db, "sampit_story").await;
    let verifier = server.login("verifier-kalteng").await;
    let evaluator = server.login("evaluator").await;
    let mut operators = Vec::new();
    for unit in UNITS {
        operators.push(server.login(&format!("operator-{unit}")).await);
    }

    // Operators upload evidence, then the self-assessment; kanim first sends a draft with a mistake.
    for (unit, op) in UNITS.iter().zip(&operators) {
        let evidence = files_under(&repo().join("fixtures/evidence").join(unit), &["foto", "dokumen"]);
        let n = evidence.len();
        let r = op
            .upload(&format!("{}/evidence", common::sampit_case(unit)), evidence)
            .await;
        r.expect(201);
        assert_eq!(r.json().as_array().expect("list").len(), n);
        let bytes = if *unit == "kanim-sampit" {
            // A first version claiming A.01 without its photo (an unsupported claim).
            let mut doc: serde_json::Value =
                serde_json::from_slice(&fixture(&common::sampit_self(unit))).expect("json");
            doc["answers"][0]["evidence"] = json!([]);
            serde_json::to_vec_pretty(&doc).expect("json")
        } else {
            fixture(&common::sampit_self(unit))
        };
        let r = op
            .put_bytes(
                &format!("{}/self-assessment", common::sampit_case(unit)),
                bytes.clone(),
            )
            .await;
        r.expect(200);
        let body = r.json();
        assert_eq!(body["status"], "draft");
        assert_eq!(body["sha256"], p2ham_io::digest::sha256_hex(&bytes));
        // The figure is the library's.
        let score = p2ham_io::ops::score(p2ham_io::Source::bytes("x", &bytes), None)
            .expect("score")
            .report;
        assert_eq!(body["total"], json!(score.total.map(|t| t.to_string())));
        // Pencanangan first: without the signed declaration the submission is refused.
        let r = op
            .post(&format!("{}/submit", common::sampit_case(unit)), json!({}))
            .await;
        r.expect(409);
        assert_eq!(r.code(), "declaration-missing");
        assert_eq!(r.json()["diagnostics"][0]["path"], "declaration");
        assert_eq!(
            op.get(&common::sampit_case(unit)).await.json()["declaration"],
            json!(null)
        );
        let declared = op.declare("2023", unit).await.json();
        assert_eq!(declared["content_type"], "application/pdf");
        let view = op.get(&common::sampit_case(unit)).await.json();
        assert_eq!(view["declaration"]["sha256"], declared["sha256"]);
        op.post(&format!("{}/submit", common::sampit_case(unit)), json!({}))
            .await
            .expect(200);
        assert_eq!(
            op.get(&common::sampit_case(unit)).await.json()["status"],
            "submitted"
        );
    }

    // The verifier returns kanim's with comments; the operator sees them, fixes, resubmits.
    let r = verifier
        .post(
            &format!("{}/return", common::sampit_case("kanim-sampit")),
            json!({"comments": [
                {"indicator": "A.01", "comment": "Foto maklumat pelayanan belum dilampirkan."},
                {"comment": "Mohon lengkapi data dukung sebelum verifikasi."}
            ]}),
        )
        .await;
    r.expect(200);
    assert_eq!(r.json()["status"], "returned");
    let kanim = &operators[0];
    let view = kanim.get(&common::sampit_case("kanim-sampit")).await.json();
    assert_eq!(view["status"], "returned");
    assert_eq!(view["round"], 2);
    assert_eq!(view["comments"][0]["indicator"], "A.01");
    assert_eq!(view["comments"][0]["round"], 1);
    kanim
        .put_bytes(
            &format!("{}/self-assessment", common::sampit_case("kanim-sampit")),
            fixture(&common::sampit_self("kanim-sampit")),
        )
        .await
        .expect(200);
    kanim
        .post(
            &format!("{}/submit", common::sampit_case("kanim-sampit")),
            json!({}),
        )
        .await
        .expect(200);

    // The verifier uploads the verification's photos and records the three verifications.
    for unit in UNITS {
        let evidence = files_under(&repo().join("fixtures/evidence").join(unit), &["verifikasi"]);
        verifier
            .upload(&format!("{}/evidence", common::sampit_case(unit)), evidence)
            .await
            .expect(201);
        let r = verifier
            .put_bytes(
                &format!("{}/verification", common::sampit_case(unit)),
                fixture(&common::sampit_verification(unit)),
            )
            .await;
        r.expect(200);
        let expected = cli_compare(unit);
        assert_eq!(r.json()["status"], "verified");
        assert_eq!(
            r.json()["total"],
            json!(expected.verified_total.map(|t| t.to_string()))
        );
    }

    // Figures equal `p2ham compare`, byte for byte, in every format.
    let mut overclaimed = 0;
    for unit in UNITS {
        let expected = cli_compare(unit);
        let r = evaluator
            .get(&format!("{}/compare", common::sampit_case(unit)))
            .await;
        r.expect(200);
        assert_eq!(r.text(), p2ham_report::to_json(&expected), "{unit}: compare JSON");
        let r = evaluator
            .get(&format!(
                "{}/compare?format=md&lang=en",
                common::sampit_case(unit)
            ))
            .await;
        assert_eq!(r.bytes, rendered(&expected.clone(), Format::Md, Lang::En));
        let r = Client::reply(
            evaluator
                .request(Method::GET, &format!("{}/compare", common::sampit_case(unit)))
                .header("accept", "text/csv"),
        )
        .await;
        assert_eq!(r.headers["content-type"], "text/csv; charset=utf-8");
        assert_eq!(r.bytes, rendered(&expected.clone(), Format::Csv, Lang::Id));
        let r = evaluator
            .get(&format!("{}/letter", common::sampit_case(unit)))
            .await;
        assert_eq!(
            r.bytes,
            rendered(&p2ham_report::Letter(&expected), Format::Md, Lang::Id)
        );
        let r = evaluator
            .get(&format!(
                "{}/letter?format=html&lang=en",
                common::sampit_case(unit)
            ))
            .await;
        // The library's letter, then the evidence the documents name (the
        // report layer's last section: photos as the API's thumbnails).
        let letter = String::from_utf8(rendered(&p2ham_report::Letter(&expected), Format::Html, Lang::En))
            .expect("utf-8");
        let body = letter.trim_end().trim_end_matches("</main></body></html>");
        assert!(r.text().starts_with(body), "{}", r.text());
        assert!(r.text().contains("/thumbnail\" loading=\"lazy\""), "{}", r.text());
        assert!(r.text().ends_with("</main></body></html>\n"));
        // The fragment a page embeds: the HTML page's body, from the same document.
        let r = evaluator
            .get(&format!(
                "{}/compare?format=fragment&lang=en",
                common::sampit_case(unit)
            ))
            .await;
        r.expect(200);
        let options = p2ham_report::RenderOptions {
            lang: Lang::En,
            evidence: None,
        };
        let fragment = p2ham_report::to_html_fragment(
            &p2ham_report::Renderable::doc(&expected, &options),
            &p2ham_report::FragmentOptions::default(),
        );
        assert!(
            r.text().starts_with(fragment.trim_end_matches("</div>")),
            "{}",
            r.text()
        );
        assert!(r.text().contains("/thumbnail\" loading=\"lazy\""), "{}", r.text());
        assert!(r.text().starts_with("<div class=\"report\" lang=\"en\"><h2>"));
        if expected.score_lost_to_overclaims > rust_decimal::Decimal::ZERO {
            overclaimed += 1;
        }
    }
    assert!(
        overclaimed >= 1,
        "the story has a unit losing points to overclaims"
    );

    // The period's listing: every unit in one request, with the verified
    // total of `p2ham compare`; each role sees only its scope.
    let listed = evaluator.get("/api/v1/periods/2023/units").await;
    listed.expect(200);
    let listed = listed.json();
    let listed = listed.as_array().expect("a list");
    for unit in UNITS {
        let row = listed
            .iter()
            .find(|c| c["unit"]["id"] == unit)
            .unwrap_or_else(|| panic!("{unit} listed"));
        assert_eq!(row["status"], "verified", "{unit}");
        assert_eq!(
            row["verified_total"],
            json!(cli_compare(unit).verified_total.map(|t| t.to_string())),
            "{unit}"
        );
    }
    let units = evaluator.get("/api/v1/units").await.json();
    assert_eq!(
        listed.len(),
        units.as_array().map_or(0, Vec::len),
        "every unit, once"
    );
    let mine = kanim.get("/api/v1/periods/2023/units").await.json();
    assert_eq!(mine.as_array().map(Vec::len), Some(1));
    assert_eq!(mine[0]["unit"]["id"], "kanim-sampit");
    let kalteng = verifier.get("/api/v1/periods/2023/units").await.json();
    assert!(kalteng
        .as_array()
        .expect("a list")
        .iter()
        .all(|c| c["unit"]["office"] == "Kanwil Kemenkumham Kalimantan Tengah"));
    evaluator.get("/api/v1/periods/1999/units").await.expect(404);

    // The evaluator evaluates; the decree records the awards the library allows.
    let mut eligible = Vec::new();
    for unit in UNITS {
        evaluator
            .post(&format!("{}/evaluate", common::sampit_case(unit)), json!({}))
            .await
            .expect(200);
        let expected = cli_compare(unit);
        let view = evaluator.get(&common::sampit_case(unit)).await.json();
        assert_eq!(
            view["outcome"]["verified_total"],
            json!(expected.verified_total.map(|t| t.to_string()))
        );
        assert_eq!(
            view["outcome"]["eligible"],
            json!(expected.verified_award.eligible)
        );
        eligible.push((unit, expected.verified_award.eligible));
    }
    // One decree records the round: no baseline, so the eligible gain the predikat.
    let r = evaluator
        .post(
            "/api/v1/periods/2023/decree",
            json!({"number": "M.HH-01.HA.01.01 Tahun 2023", "date": "2023-12-10",
                   "issuer": "Menteri Hukum dan Hak Asasi Manusia"}),
        )
        .await;
    r.expect(201);
    for (unit, ok) in eligible {
        let view = evaluator.get(&common::sampit_case(unit)).await.json();
        assert_eq!(
            view["status"],
            if ok { "awarded" } else { "not_awarded" },
            "{unit}"
        );
    }
    // The single-unit award is gone from the API: the decree is the one way.
    let gone = evaluator
        .post(
            &format!("{}/award", common::sampit_case("lapas-sampit")),
            json!({"awarded": true}),
        )
        .await;
    assert_eq!(gone.status.as_u16(), 404, "{}", gone.text());

    // Nothing was overwritten: kanim has both self-assessment versions.
    let view = evaluator.get(&common::sampit_case("kanim-sampit")).await.json();
    let selfs: Vec<_> = view["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .filter(|d| d["stage"] == "self")
        .collect();
    assert_eq!(selfs.len(), 2);
    assert_eq!(
        view["self_assessment"]["sha256"],
        p2ham_io::digest::sha256_hex(&fixture(&common::sampit_self("kanim-sampit")))
    );

    // Score reports in every format are the library's.
    let bytes = fixture(&common::sampit_self("lapas-sampit"));
    let loaded =
        p2ham_io::document::load_assessment(&repo().join(common::sampit_self("lapas-sampit"))).expect("load");
    let instrument = p2ham_io::document::instrument_for(&loaded, None).expect("instrument");
    let score = p2ham_io::document::score_loaded(&loaded, &instrument).expect("score");
    assert_eq!(loaded.sha256, p2ham_io::digest::sha256_hex(&bytes));
    let r = evaluator
        .get(&format!(
            "{}/score?format=text",
            common::sampit_case("lapas-sampit")
        ))
        .await;
    assert_eq!(r.bytes, rendered(&score, Format::Text, Lang::Id));
    let r = Client::reply(
        evaluator
            .request(
                Method::GET,
                &format!("{}/score", common::sampit_case("lapas-sampit")),
            )
            .header("accept", "text/html"),
    )
    .await;
    assert_eq!(r.bytes, rendered(&score, Format::Html, Lang::Id));
    let r = evaluator
        .get(&format!("{}/score", common::sampit_case("lapas-sampit")))
        .await;
    assert_eq!(r.text(), p2ham_report::to_json(&score));
    let r = evaluator
        .get(&format!(
            "{}/score?format=xlsx",
            common::sampit_case("lapas-sampit")
        ))
        .await;
    assert_eq!(
        r.headers["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(r.bytes.starts_with(b"PK"), "an XLSX workbook is a zip file");
    let r = Client::reply(
        evaluator
            .request(
                Method::GET,
                &format!("{}/score", common::sampit_case("lapas-sampit")),
            )
            .header("accept", "image/png"),
    )
    .await;
    r.expect(406);

    // The roll-up of the verified results equals `p2ham rollup --stage verification` over the three files.
    let r = evaluator.get("/api/v1/periods/2023/rollup?format=json").await;
    r.expect(200);
    let without_source = |mut v: serde_json::Value| {
        for u in v["units"].as_array_mut().expect("units") {
            u.as_object_mut().expect("unit").remove("source");
        }
        v
    };
    let api = without_source(r.json());
    let files: Vec<p2ham_io::rollup::RollupInput> = UNITS
        .iter()
        .map(|u| p2ham_io::rollup::RollupInput::Path(repo().join(common::sampit_verification(u))))
        .collect();
    let options = p2ham_io::rollup::RollupOptions {
        stage: Some(p2ham_io::model::Stage::Verification),
        ..p2ham_io::rollup::RollupOptions::default()
    };
    let cli = p2ham_io::rollup::rollup(files, &options, &mut ())
        .expect("rollup")
        .report;
    let cli = without_source(serde_json::from_slice(&rendered(&cli, Format::Json, Lang::Id)).expect("json"));
    assert_eq!(api["units"], cli["units"], "per-unit figures");
    assert_eq!(api["offices"], cli["offices"], "per-Kanwil figures");
    // An operator sees the roll-up of their own unit only.
    let mine = operators[1].get("/api/v1/periods/2023/rollup").await.json();
    assert_eq!(mine["units"].as_array().expect("units").len(), 1);

    // Documents come back byte for byte; evidence with its digest.
    let r = evaluator
        .get(&format!(
            "{}/self-assessment",
            common::sampit_case("lapas-sampit")
        ))
        .await;
    assert_eq!(r.bytes, bytes);
    let photo = std::fs::read(
        repo().join("fixtures/evidence/lapas-sampit/foto").join(
            std::fs::read_dir(repo().join("fixtures/evidence/lapas-sampit/foto"))
                .expect("dir")
                .next()
                .expect("a photo")
                .expect("entry")
                .file_name(),
        ),
    )
    .expect("photo");
    let r = evaluator
        .get(&format!(
            "{}/evidence/{}",
            common::sampit_case("lapas-sampit"),
            p2ham_io::digest::sha256_hex(&photo)
        ))
        .await;
    r.expect(200);
    assert_eq!(r.bytes, photo);

    // The audit log recorded every step and its chain holds.
    let admin = server.login("admin").await;
    let v = admin.get("/api/v1/audit/verify").await;
    v.expect(200);
    let entries = admin.get("/api/v1/audit?limit=1000").await.json();
    let actions: Vec<&str> = entries
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    for a in [
        "put-self-assessment",
        "put-declaration",
        "upload-evidence",
        "submit",
        "return",
        "put-verification",
        "evaluate",
        "award",
    ] {
        assert!(actions.contains(&a), "audit log lacks {a}");
    }
    assert_eq!(v.json()["entries"], json!(actions.len()));
    assert!(server.state.admin().verify_audit().await.is_ok());
    server.stop().await;
}
