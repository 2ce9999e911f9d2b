//! The story goes on through the year: the bundled 2022 Kalteng list is
//! imported as the 2023 period's previous awards, the three Sampit units are
//! verified and evaluated in the application, the round keeps Kanim's
//! predikat, gives Bapas its first and takes Lapas's, one decree records
//! them, and the 2024 period starts from that list. Every decision equals
//! `p2ham award --previous` over the same documents (the same library calls:
//! `read_award_list`, `read_verified_sources`, `decide`).

mod common;

use common::{fixture, repo, Client, TestServer};
use p2ham_io::model::{AwardList, Lang};
use p2ham_io::scoring::{decide, AwardOptions};
use p2ham_io::Source;
use p2ham_report::Format;
use reqwest::Method;
use serde_json::{json, Value};
use sqlx::Row as _;

const UNITS: [&str; 3] = ["kanim-sampit", "lapas-sampit", "bapas-sampit"];
const KALTENG_2022: &str = "fixtures/awards/kalteng-2022.json";

/// What `p2ham award --previous fixtures/awards/kalteng-2022.json` decides
/// over the three verification files (with `--decree-*` when given).
fn cli_award(decree: Option<p2ham_io::model::Decree>) -> AwardList {
    let previous =
        p2ham_io::award::read_award_list(Source::file(repo().join(KALTENG_2022))).expect("previous");
    let paths: Vec<_> = UNITS
        .iter()
        .map(|u| repo().join(common::sampit_verification(u)))
        .collect();
    let found = p2ham_io::award::read_verified(&paths, None).expect("verifications");
    let results: Vec<_> = found.results.into_iter().map(|v| v.result).collect();
    let options = AwardOptions {
        decree,
        ..AwardOptions::default()
    };
    decide(&results, Some(&previous), &options).expect("decide")
}

/// The figures of a list without the file names its sources were read under
/// (the application names stored documents, the command line their paths).
fn figures(list: &Value) -> Value {
    let mut v = list.clone();
    for u in v["units"].as_array_mut().expect("units") {
        for s in u["rests_on"].as_array_mut().expect("rests_on") {
            s.as_object_mut().expect("source").remove("file");
        }
    }
    v
}

fn rendered<R: p2ham_report::Renderable + ?Sized>(r: &R, format: Format, lang: Lang) -> Vec<u8> {
    let options = p2ham_report::RenderOptions { lang, evidence: None };
    p2ham_report::render(r, format, &options).expect("render")
}

fn decision(list: &Value, unit: &str) -> String {
    list["units"]
        .as_array()
        .expect("units")
        .iter()
        .find(|u| u["unit"]["id"] == unit)
        .map_or_else(
            || panic!("{unit} is not listed: {list:#}"),
            |u| u["decision"].as_str().unwrap_or_default().to_owned(),
        )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn year_round_end_to_end() {
    for db in common::backends() {
        year(db).await;
    }
}

/// Upload, submit and verify one unit's documents (no evaluation).
async fn verify(server: &TestServer, verifier: &Client, unit: &str) {
    common::sampit_submit(server, unit).await;
    common::sampit_verify(verifier, unit).await;
}

async fn year(db: common::Db) {
    let server = TestServer::start(db, "year_round").await;
    let admin = server.login("admin").await;
    let evaluator = server.login("evaluator").await;
    let verifier = server.login("verifier-kalteng").await;
    let kanim = server.login("operator-kanim-sampit").await;

    // An award list that fails its schema is refused with diagnostics naming the path.
    let mut bad: Value = serde_json::from_slice(&fixture(KALTENG_2022)).expect("json");
    bad["units"][1]["predikat"] = json!("ya");
    let r = evaluator
        .put_bytes(
            "/api/v1/periods/2023/previous-awards",
            serde_json::to_vec(&bad).expect("json"),
        )
        .await;
    r.expect(422);
    assert_eq!(r.code(), "invalid-document");
    let diagnostics = r.json()["diagnostics"].clone();
    assert!(
        diagnostics
            .as_array()
            .expect("diagnostics")
            .iter()
            .any(|d| d["path"] == "units[1].predikat"),
        "the diagnostic names the field: {diagnostics:#}"
    );
    // So is one naming a unit twice, one with an unknown field, and the list of the period itself.
    let mut twice: Value = serde_json::from_slice(&fixture(KALTENG_2022)).expect("json");
    twice["units"][2]["unit"]["id"] = json!("kanim-sampit");
    let r = evaluator
        .put_bytes(
            "/api/v1/periods/2023/previous-awards",
            serde_json::to_vec(&twice).expect("json"),
        )
        .await;
    r.expect(422);
    assert_eq!(r.json()["diagnostics"][0]["path"], "units[2].unit.id");
    let mut unknown: Value = serde_json::from_slice(&fixture(KALTENG_2022)).expect("json");
    unknown["predikats"] = json!([]);
    evaluator
        .put_bytes(
            "/api/v1/periods/2023/previous-awards",
            serde_json::to_vec(&unknown).expect("json"),
        )
        .await
        .expect(422);
    let mut same: Value = serde_json::from_slice(&fixture(KALTENG_2022)).expect("json");
    same["period"] = json!("2023");
    let r = evaluator
        .put_bytes(
            "/api/v1/periods/2023/previous-awards",
            serde_json::to_vec(&same).expect("json"),
        )
        .await;
    r.expect(422);
    assert_eq!(r.json()["diagnostics"][0]["path"], "period");
    // An operator may not import; the evaluator imports the bundled list.
    kanim
        .put_bytes("/api/v1/periods/2023/previous-awards", fixture(KALTENG_2022))
        .await
        .expect(403);
    let r = evaluator
        .put_bytes("/api/v1/periods/2023/previous-awards", fixture(KALTENG_2022))
        .await;
    r.expect(201);
    assert_eq!(r.json()["period"], "2022");
    assert_eq!(r.json()["units"], 3);
    assert_eq!(r.json()["holders"], 2, "Kanim and Lapas held the predikat");
    assert_eq!(
        r.json()["sha256"],
        p2ham_io::digest::sha256_hex(&fixture(KALTENG_2022))
    );
    let r = evaluator.get("/api/v1/periods/2023/previous-awards").await;
    assert_eq!(r.bytes, fixture(KALTENG_2022), "kept byte for byte");

    // Before any evaluation: the previous holders are `not_evaluated`.
    let r = evaluator.get("/api/v1/periods/2023/awards").await;
    r.expect(200);
    let list = r.json();
    assert_eq!(list["previous_period"], "2022");
    assert_eq!(decision(&list, "kanim-sampit"), "not_evaluated");
    assert_eq!(decision(&list, "lapas-sampit"), "not_evaluated");
    assert_eq!(
        list["units"].as_array().map(Vec::len),
        Some(2),
        "a non-holder without a result is not listed"
    );
    kanim.get("/api/v1/periods/2023/awards").await.expect(403);

    // The three units verified; two evaluated: the decree waits for the third.
    for unit in UNITS {
        verify(&server, &verifier, unit).await;
    }
    for unit in ["kanim-sampit", "lapas-sampit"] {
        evaluator
            .post(&format!("{}/evaluate", common::sampit_case(unit)), json!({}))
            .await
            .expect(200);
    }
    let decree = json!({"number": "M.HH-01.HA.03.07 Tahun 2023", "date": "2023-12-10",
                        "issuer": "Menteri Hukum dan Hak Asasi Manusia"});
    let r = evaluator
        .post("/api/v1/periods/2023/decree", decree.clone())
        .await;
    r.expect(409);
    assert_eq!(r.code(), "round-incomplete");
    assert!(r.text().contains("bapas-sampit"), "{}", r.text());
    evaluator
        .post(
            &format!("{}/evaluate", common::sampit_case("bapas-sampit")),
            json!({}),
        )
        .await
        .expect(200);

    // The round: Kanim keeps, Bapas gains, Lapas loses — as `p2ham award --previous` decides.
    let r = evaluator.get("/api/v1/periods/2023/awards?format=json").await;
    r.expect(200);
    let list = r.json();
    assert_eq!(decision(&list, "kanim-sampit"), "retained");
    assert_eq!(decision(&list, "bapas-sampit"), "gained");
    assert_eq!(decision(&list, "lapas-sampit"), "lost");
    let cli = cli_award(None);
    let cli_json: Value = serde_json::from_str(&p2ham_report::to_json(&cli)).expect("json");
    assert_eq!(
        figures(&list),
        figures(&cli_json),
        "the decisions and figures of `p2ham award`"
    );
    // Lapas's reason, by hand: the verified total 79.58 is below the pass mark 80.
    let lapas = list["units"]
        .as_array()
        .expect("units")
        .iter()
        .find(|u| u["unit"]["id"] == "lapas-sampit")
        .expect("lapas");
    assert_eq!(lapas["total"], "79.58");
    assert_eq!(lapas["predikat"], false);
    assert_eq!(lapas["reasons"][0]["code"], "total-below-pass-mark");
    assert_eq!(lapas["reasons"][0]["required"], "80");
    // The annex (Lampiran) in every format is the report layer's over the same list.
    for (format, f) in [("md", Format::Md), ("csv", Format::Csv), ("html", Format::Html)] {
        let r = evaluator
            .get(&format!("/api/v1/periods/2023/awards?format={format}&lang=en"))
            .await;
        r.expect(200);
        assert_eq!(
            r.bytes,
            rendered(&p2ham_report::Annex(&cli), f, Lang::En),
            "{format}"
        );
    }
    let annex = evaluator
        .get("/api/v1/periods/2023/awards?format=csv")
        .await
        .text();
    assert!(annex.contains("Kantor Imigrasi Kelas II TPI Sampit") && annex.contains("Bapas Kelas II Sampit"));
    assert!(!annex.contains("Lapas"), "Lapas is not in the annex: {annex}");
    let r = evaluator.get("/api/v1/periods/2023/awards?format=xlsx").await;
    r.expect(200);
    assert!(r.bytes.starts_with(b"PK"), "an XLSX workbook");
    let r = Client::reply(
        evaluator
            .request(Method::GET, "/api/v1/periods/2023/awards")
            .header("accept", "image/png"),
    )
    .await;
    r.expect(406);

    // The evaluator strikes Bapas off with a reason, then lifts it; both audited.
    let r = kanim
        .post(
            "/api/v1/periods/2023/exclusions",
            json!({"unit": "bapas-sampit", "reason": "x"}),
        )
        .await;
    r.expect(403);
    let r = evaluator
        .post(
            "/api/v1/periods/2023/exclusions",
            json!({"unit": "bapas-sampit", "reason": " "}),
        )
        .await;
    r.expect(400);
    assert_eq!(r.json()["diagnostics"][0]["path"], "reason");
    let r = evaluator
        .post(
            "/api/v1/periods/2023/exclusions",
            json!({"unit": "bapas-sampit", "reason": "Dalam pemeriksaan Inspektorat Jenderal"}),
        )
        .await;
    r.expect(201);
    evaluator
        .post(
            "/api/v1/periods/2023/exclusions",
            json!({"unit": "bapas-sampit", "reason": "lagi"}),
        )
        .await
        .expect(409);
    let list = evaluator.get("/api/v1/periods/2023/awards").await.json();
    assert_eq!(decision(&list, "bapas-sampit"), "excluded");
    let bapas = list["units"]
        .as_array()
        .expect("units")
        .iter()
        .find(|u| u["unit"]["id"] == "bapas-sampit")
        .expect("bapas")
        .clone();
    assert_eq!(
        bapas["reasons"][0]["message"]["id"],
        "Dikeluarkan oleh evaluator: Dalam pemeriksaan Inspektorat Jenderal"
    );
    let excluded = evaluator.get("/api/v1/periods/2023/exclusions").await.json();
    assert_eq!(excluded[0]["unit"], "bapas-sampit");
    Client::reply(evaluator.request(Method::DELETE, "/api/v1/periods/2023/exclusions/bapas-sampit"))
        .await
        .expect(204);
    Client::reply(evaluator.request(Method::DELETE, "/api/v1/periods/2023/exclusions/bapas-sampit"))
        .await
        .expect(404);
    let list = evaluator.get("/api/v1/periods/2023/awards").await.json();
    assert_eq!(decision(&list, "bapas-sampit"), "gained");

    // One decree records the three cases at once.
    let r = evaluator
        .post(
            "/api/v1/periods/2023/decree",
            json!({"number": "M.HH-01", "date": "10 Desember 2023", "issuer": "Menteri"}),
        )
        .await;
    r.expect(400);
    assert_eq!(r.json()["diagnostics"][0]["path"], "date");
    let r = evaluator
        .post("/api/v1/periods/2023/decree", decree.clone())
        .await;
    r.expect(201);
    let recorded = r.json();
    assert_eq!(recorded["awarded"], 2);
    assert_eq!(recorded["not_awarded"], 1);
    for (unit, status) in [
        ("kanim-sampit", "awarded"),
        ("bapas-sampit", "awarded"),
        ("lapas-sampit", "not_awarded"),
    ] {
        let view = evaluator.get(&common::sampit_case(unit)).await.json();
        assert_eq!(view["status"], status, "{unit}");
        assert_eq!(view["outcome"]["decree_number"], "M.HH-01.HA.03.07 Tahun 2023");
        assert_eq!(view["outcome"]["decree_date"], "2023-12-10");
    }
    // The decreed list: what `p2ham award --previous … --decree-*` writes, fixed.
    let r = evaluator.get("/api/v1/periods/2023/awards").await;
    assert_eq!(p2ham_io::digest::sha256_hex(&r.bytes), recorded["awards_sha256"]);
    let decreed = r.json();
    assert_eq!(decreed["decree"]["issuer"], "Menteri Hukum dan Hak Asasi Manusia");
    let cli = cli_award(Some(p2ham_io::model::Decree {
        number: "M.HH-01.HA.03.07 Tahun 2023".into(),
        date: Some("2023-12-10".into()),
        issuer: Some("Menteri Hukum dan Hak Asasi Manusia".into()),
    }));
    let cli_json: Value = serde_json::from_str(&p2ham_report::to_json(&cli)).expect("json");
    assert_eq!(figures(&decreed), figures(&cli_json));
    let r = evaluator.get("/api/v1/periods/2023/awards?format=md").await;
    assert_eq!(
        r.bytes,
        rendered(&p2ham_report::Annex(&cli), Format::Md, Lang::Id)
    );
    assert!(r.text().contains("M.HH-01.HA.03.07 Tahun 2023"));
    // Nothing moves after the decree.
    let r = evaluator
        .post("/api/v1/periods/2023/decree", decree.clone())
        .await;
    r.expect(409);
    assert_eq!(r.code(), "already-decreed");
    let r = evaluator
        .post(
            "/api/v1/periods/2023/exclusions",
            json!({"unit": "lapas-sampit", "reason": "x"}),
        )
        .await;
    assert_eq!(r.code(), "already-decreed");
    evaluator
        .put_bytes("/api/v1/periods/2023/previous-awards", fixture(KALTENG_2022))
        .await
        .expect(409);

    // 2024 follows 2023 and starts from its decreed list: the holders are
    // Kanim and Bapas (not yet evaluated), Lapas is not listed.
    let r = admin
        .post(
            "/api/v1/periods",
            json!({"id": "2024", "year": 2024, "instrument": "p2ham-2018-kanim", "previous": "2023"}),
        )
        .await;
    r.expect(201);
    assert_eq!(r.json()["previous"], "2023");
    let list = evaluator.get("/api/v1/periods/2024/awards").await.json();
    assert_eq!(list["previous_period"], "2023");
    assert_eq!(decision(&list, "kanim-sampit"), "not_evaluated");
    assert_eq!(decision(&list, "bapas-sampit"), "not_evaluated");
    assert_eq!(list["units"].as_array().map(Vec::len), Some(2));
    // A period follows one baseline: 2024 cannot also import a list.
    let r = evaluator
        .put_bytes("/api/v1/periods/2024/previous-awards", fixture(KALTENG_2022))
        .await;
    r.expect(409);
    // 2025 after an undecreed 2024 waits for 2024's decree; a circle is refused.
    admin
        .post(
            "/api/v1/periods",
            json!({"id": "2025", "year": 2025, "instrument": "p2ham-2022"}),
        )
        .await
        .expect(201);
    let r = Client::reply(
        evaluator
            .request(Method::PUT, "/api/v1/periods/2025/previous")
            .json(&json!({"previous": "2024"})),
    )
    .await;
    r.expect(200);
    assert_eq!(r.json()["previous"], "2024");
    let r = evaluator.get("/api/v1/periods/2025/awards").await;
    r.expect(409);
    assert_eq!(r.code(), "previous-not-decreed");
    let r = Client::reply(
        admin
            .request(Method::PUT, "/api/v1/periods/2024/previous")
            .json(&json!({"previous": "2025"})),
    )
    .await;
    r.expect(409);
    assert_eq!(r.code(), "refused");
    assert_eq!(r.json()["diagnostics"][0]["path"], "previous");

    // History: the `p2ham history` computation over the 2022 and 2023 lists.
    let r = evaluator.get("/api/v1/units/lapas-sampit/history").await;
    r.expect(200);
    let h = r.json();
    assert_eq!(h["format"], "p2ham-history/1");
    let lapas = &h["units"][0];
    assert_eq!(lapas["unit"], "lapas-sampit");
    assert_eq!(lapas["periods"][0]["period"], "2022");
    assert_eq!(lapas["periods"][0]["predikat"], true);
    assert_eq!(lapas["periods"][1]["period"], "2023");
    assert_eq!(lapas["periods"][1]["predikat"], false);
    assert_eq!(lapas["periods"][1]["decision"], "lost");
    assert_eq!(lapas["periods"][1]["total"], "79.58");
    assert_eq!(lapas["current_streak"], 0);
    assert_eq!(lapas["longest_streak"], 1);
    let previous = p2ham_io::award::read_award_list(Source::file(repo().join(KALTENG_2022))).expect("list");
    let decreed_list: AwardList = serde_json::from_value(decreed.clone()).expect("list");
    let expected = p2ham_io::scoring::history(
        &[decreed_list.clone(), previous.clone()],
        &[],
        Some("kanim-sampit"),
    );
    let r = kanim.get("/api/v1/units/kanim-sampit/history").await;
    r.expect(200);
    assert_eq!(r.text(), p2ham_report::to_json(&expected));
    assert_eq!(r.json()["units"][0]["current_streak"], 2, "Kanim: 2022 and 2023");
    let r = kanim
        .get("/api/v1/units/kanim-sampit/history?format=md&lang=en")
        .await;
    assert_eq!(r.bytes, rendered(&expected.clone(), Format::Md, Lang::En));
    kanim.get("/api/v1/units/lapas-sampit/history").await.expect(404);

    // 2024 runs on another instrument (p2ham-2018-kanim): Kanim's verified
    // 2024 total is not comparable with 2023's, and the streak is broken
    // until a decree grants the predikat again.
    let mut own: Value = serde_json::from_slice(&fixture(
        "fixtures/assessments/sampit-2023/kanim-sampit.self.json",
    ))
    .expect("json");
    own["instrument"] = json!({"id": "p2ham-2018-kanim", "version": "1.0.0"});
    own["period"] = json!("2024");
    own["assessed_on"] = json!("2024-03-12");
    own["answers"] = json!([{"indicator": "A.01", "value": "tidak"}]);
    let own = serde_json::to_vec_pretty(&own).expect("json");
    let case24 = "/api/v1/periods/2024/units/kanim-sampit";
    kanim
        .put_bytes(&format!("{case24}/self-assessment"), own.clone())
        .await
        .expect(200);
    kanim.declare("2024", "kanim-sampit").await;
    kanim
        .post(&format!("{case24}/submit"), json!({}))
        .await
        .expect(200);
    let mut ver: Value = serde_json::from_slice(&own).expect("json");
    ver["stage"] = json!("verification");
    ver["verifies"] = json!(format!("sha256:{}", p2ham_io::digest::sha256_hex(&own)));
    let ver = serde_json::to_vec_pretty(&ver).expect("json");
    verifier
        .put_bytes(&format!("{case24}/verification"), ver.clone())
        .await
        .expect(200);
    let results_2024 = p2ham_io::award::read_verified_sources(
        vec![Source::bytes("kanim-sampit.verification.json", &ver[..])],
        None,
    )
    .expect("verification")
    .results
    .into_iter()
    .map(|v| v.result)
    .collect::<Vec<_>>();
    let expected = p2ham_io::scoring::history(&[decreed_list, previous], &results_2024, Some("kanim-sampit"));
    let r = kanim.get("/api/v1/units/kanim-sampit/history").await;
    assert_eq!(r.text(), p2ham_report::to_json(&expected));
    let h = r.json();
    let y2024 = &h["units"][0]["periods"][2];
    assert_eq!(y2024["period"], "2024");
    assert_eq!(y2024["source"], "verification");
    assert_eq!(y2024["comparable"], false, "another instrument: not comparable");
    assert_eq!(y2024["change"], Value::Null);
    assert_eq!(h["units"][0]["current_streak"], 0);
    assert_eq!(h["units"][0]["longest_streak"], 2);
    let md = kanim
        .get("/api/v1/units/kanim-sampit/history?format=md")
        .await
        .text();
    assert!(md.contains("tidak sebanding"), "{md}");

    // Every step is in the audit log, and the log replays to the tables.
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
        "import-previous-awards",
        "exclude",
        "lift-exclusion",
        "decree",
        "set-previous-period",
    ] {
        assert!(actions.contains(&a), "audit log lacks {a}");
    }
    assert_eq!(
        actions.iter().filter(|a| **a == "award").count(),
        3,
        "one award per case"
    );

    // The replay knows the decree and the periods' sequence: edits outside
    // the application are named.
    for (edit, named) in [
        (
            "UPDATE decrees SET issuer = 'Menteri Lain' WHERE period_id = '2023'",
            "decree of period/2023: issuer is `Menteri Lain` in the database",
        ),
        (
            "UPDATE decrees SET awards = REPLACE(awards, '79.58', '80.58') WHERE period_id = '2023'",
            "decree of period/2023: its stored award list has digest",
        ),
        (
            "UPDATE periods SET previous_id = NULL WHERE id = '2024'",
            "period/2024: previous is none in the database",
        ),
    ] {
        let before = sqlx::query("SELECT issuer, awards FROM decrees WHERE period_id = '2023'")
            .fetch_one(server.state.db().pool())
            .await
            .expect("decree");
        sqlx::query(edit)
            .execute(server.state.db().pool())
            .await
            .expect("edit");
        let r = admin.get("/api/v1/audit/verify").await;
        r.expect(409);
        assert!(r.text().contains(named), "{named}: {}", r.text());
        sqlx::query("UPDATE decrees SET issuer = $1, awards = $2 WHERE period_id = '2023'")
            .bind(before.try_get::<String, _>("issuer").expect("issuer"))
            .bind(before.try_get::<String, _>("awards").expect("awards"))
            .execute(server.state.db().pool())
            .await
            .expect("undo");
        sqlx::query("UPDATE periods SET previous_id = '2023' WHERE id = '2024'")
            .execute(server.state.db().pool())
            .await
            .expect("undo");
        admin.get("/api/v1/audit/verify").await.expect(200);
    }
    server.stop().await;
}
