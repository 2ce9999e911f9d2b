//! The evaluation's other evidence, declared: the 2023 period declares the
//! 2020 practice's rule (IKM at least B, Zona Integritas at least WBK, no
//! unresolved Ombudsman finding, composite 80 × P2HAM + 20 × IKM ≥ 80); the
//! evaluator records each Sampit unit's status and complaints; Kanim's IKM
//! is its uploaded survey (87.09, band B). The round keeps Kanim's predikat,
//! refuses Bapas's (no survey: its IKM gates are not met) and takes Lapas's,
//! each gate explained; the same as `p2ham award --rule --components` over the
//! same documents. On SQLite and, when configured, PostgreSQL.

mod common;

use common::{fixture, repo, Client, TestServer};
use p2ham_io::model::AwardList;
use p2ham_io::scoring::{decide, AwardOptions};
use p2ham_io::Source;
use reqwest::Method;
use serde_json::{json, Value};

const UNITS: [&str; 3] = ["kanim-sampit", "lapas-sampit", "bapas-sampit"];
const KALTENG_2022: &str = "fixtures/awards/kalteng-2022.json";
const RULE: &str = "fixtures/award-rule/rule-2020.json";
const COMPONENTS: &str = "fixtures/award-rule/sampit-2023-components.json";

/// What `p2ham award --previous … --rule … --components …` decides over the
/// three verification files and the fixtures' rule and figures.
fn cli_award() -> AwardList {
    let previous =
        p2ham_io::award::read_award_list(Source::file(repo().join(KALTENG_2022))).expect("previous");
    let rule = p2ham_io::award::read_award_rule(Source::file(repo().join(RULE))).expect("rule");
    let components =
        p2ham_io::award::read_award_components(Source::file(repo().join(COMPONENTS))).expect("components");
    let paths: Vec<_> = UNITS
        .iter()
        .map(|u| repo().join(common::sampit_verification(u)))
        .collect();
    let found = p2ham_io::award::read_verified(&paths, None).expect("verifications");
    let results: Vec<_> = found.results.into_iter().map(|v| v.result).collect();
    let options = AwardOptions {
        rule: Some(rule),
        components: components
            .units
            .into_iter()
            .map(|u| (u.unit.clone(), u))
            .collect(),
        ..AwardOptions::default()
    };
    decide(&results, Some(&previous), &options).expect("decide")
}

/// The figures of a list without the file names its sources were read under.
fn figures(list: &Value) -> Value {
    let mut v = list.clone();
    for u in v["units"].as_array_mut().expect("units") {
        for s in u["rests_on"].as_array_mut().expect("rests_on") {
            s.as_object_mut().expect("source").remove("file");
        }
    }
    v
}

fn entry<'a>(list: &'a Value, unit: &str) -> &'a Value {
    list["units"]
        .as_array()
        .expect("units")
        .iter()
        .find(|u| u["unit"]["id"] == unit)
        .unwrap_or_else(|| panic!("{unit} is not listed: {list:#}"))
}

fn codes(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|r| r["code"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

async fn exec(server: &TestServer, sql: &str) {
    sqlx::query(sql)
        .execute(server.state.db().pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn put_json(c: &Client, path: &str, body: Value) -> common::Reply {
    c.send(Method::PUT, path, Some(body)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_declared_rule_decides_the_round_as_the_cli_does() {
    for db in common::backends() {
        round_with_rule(db).await;
    }
}

async fn round_with_rule(db: common::Db) {
    let server = TestServer::start(db, "award_rule").await;
    let admin = server.login("admin").await;
    let evaluator = server.login("evaluator").await;
    let verifier = server.login("verifier-kalteng").await;
    let kanim = server.login("operator-kanim-sampit").await;
    evaluator
        .put_bytes("/api/v1/periods/2023/previous-awards", fixture(KALTENG_2022))
        .await
        .expect(201);
    for unit in UNITS {
        common::sampit_evaluated(&server, &verifier, &evaluator, unit).await;
    }

    // No rule yet: the round is the P2HAM verified result alone.
    evaluator.get("/api/v1/periods/2023/award-rule").await.expect(404);
    let plain = evaluator.get("/api/v1/periods/2023/awards").await.json();
    assert_eq!(entry(&plain, "bapas-sampit")["decision"], "gained");
    assert!(codes(&entry(&plain, "kanim-sampit")["notes"]).is_empty());

    // A bad rule is refused with diagnostics naming the path; an operator may not declare one.
    let r = evaluator
        .put_bytes(
            "/api/v1/periods/2023/award-rule",
            br#"{"format": "p2ham-award-rule/1", "composite": {"p2ham_weight": "-80", "ikm_weight": "20", "min": "180"}}"#.to_vec(),
        )
        .await;
    r.expect(422);
    assert_eq!(r.code(), "invalid-document");
    let paths: Vec<_> = r.json()["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["path"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(paths, ["composite.p2ham_weight", "composite.min"]);
    let r = evaluator
        .put_bytes(
            "/api/v1/periods/2023/award-rule",
            br#"{"format": "p2ham-award-rule/1", "ikm_min_band": "B"}"#.to_vec(),
        )
        .await;
    r.expect(422);
    assert!(r.text().contains("ikm_min_band"), "{}", r.text());
    kanim
        .put_bytes("/api/v1/periods/2023/award-rule", fixture(RULE))
        .await
        .expect(403);
    // The evaluator declares the rule; it is kept byte for byte.
    let r = evaluator
        .put_bytes("/api/v1/periods/2023/award-rule", fixture(RULE))
        .await;
    r.expect(200);
    assert_eq!(
        r.json()["gates"],
        json!([
            "ikm_min_mutu",
            "zona_integritas_min",
            "ombudsman_unresolved_max",
            "composite"
        ])
    );
    assert_eq!(r.json()["sha256"], p2ham_io::digest::sha256_hex(&fixture(RULE)));
    assert_eq!(
        evaluator.get("/api/v1/periods/2023/award-rule").await.bytes,
        fixture(RULE)
    );
    admin.get("/api/v1/periods/2023/award-rule").await.expect(200);

    // Before any figure is recorded, every gate but Kanim's IKM is missing — a reason, never a pass.
    let list = evaluator.get("/api/v1/periods/2023/awards").await.json();
    let k = entry(&list, "kanim-sampit");
    assert_eq!(k["decision"], "lost");
    assert_eq!(
        codes(&k["reasons"]),
        ["component-missing", "component-missing"],
        "ZI and Ombudsman not recorded: {k:#}"
    );
    assert_eq!(codes(&k["notes"]), ["gate-met", "gate-met"], "IKM and composite");

    // The evaluator records the figures; bad ones are refused by field.
    let r = put_json(
        &evaluator,
        "/api/v1/periods/2023/units/kanim-sampit/award-components",
        json!({"zona_integritas": "zi"}),
    )
    .await;
    r.expect(400);
    assert_eq!(r.json()["diagnostics"][0]["path"], "zona_integritas");
    let r = put_json(
        &evaluator,
        "/api/v1/periods/2023/units/kanim-sampit/award-components",
        json!({"ombudsman_findings": 1, "ombudsman_unresolved": 2}),
    )
    .await;
    r.expect(400);
    assert_eq!(r.json()["diagnostics"][0]["path"], "ombudsman_unresolved");
    // A count is a whole number, also written `2.0` as JSON Schema's integer allows; never a fraction.
    let r = put_json(
        &evaluator,
        "/api/v1/periods/2023/units/kanim-sampit/award-components",
        json!({"ombudsman_findings": 1.5}),
    )
    .await;
    r.expect(422);
    // `2.0` is read as the count 2: the refusal is the figures', not the body's.
    let r = put_json(
        &evaluator,
        "/api/v1/periods/2023/units/kanim-sampit/award-components",
        serde_json::from_str::<Value>(r#"{"ombudsman_findings": 2.0, "ombudsman_unresolved": 3}"#)
            .expect("json"),
    )
    .await;
    r.expect(400);
    assert!(r.text().contains("3 unresolved of 2"), "{}", r.text());
    put_json(
        &kanim,
        "/api/v1/periods/2023/units/kanim-sampit/award-components",
        json!({"zona_integritas": "wbk"}),
    )
    .await
    .expect(403);
    put_json(
        &evaluator,
        "/api/v1/periods/2023/units/no-such-unit/award-components",
        json!({"zona_integritas": "wbk"}),
    )
    .await
    .expect(404);
    let fixture_components: Value = serde_json::from_slice(&fixture(COMPONENTS)).expect("json");
    for u in fixture_components["units"].as_array().expect("units") {
        let mut body = u.clone();
        let unit = body["unit"].as_str().expect("unit").to_owned();
        let obj = body.as_object_mut().expect("object");
        obj.remove("unit");
        obj.remove("ikm");
        let r = put_json(
            &evaluator,
            &format!("/api/v1/periods/2023/units/{unit}/award-components"),
            body,
        )
        .await;
        r.expect(200);
    }
    // Kanim's figures: recorded, and the IKM of its survey.
    let k = evaluator
        .get("/api/v1/periods/2023/units/kanim-sampit/award-components")
        .await
        .json();
    assert_eq!(
        (
            &k["zona_integritas"],
            &k["ombudsman_findings"],
            &k["ombudsman_unresolved"]
        ),
        (&json!("wbk"), &json!(1), &json!(0))
    );
    assert_eq!((&k["ikm"], &k["mutu"]), (&json!("87.09"), &json!("B")));
    assert_eq!(k["recorded_by"], "evaluator");
    // The period's figures are the fixture's document: the IKM comes from the stored survey.
    let doc = evaluator.get("/api/v1/periods/2023/award-components").await;
    doc.expect(200);
    let from_api = p2ham_io::award::read_award_components(Source::bytes("api", &doc.bytes[..]))
        .expect("a valid document");
    let from_fixture =
        p2ham_io::award::read_award_components(Source::file(repo().join(COMPONENTS))).expect("fixture");
    let sorted = |mut d: p2ham_io::model::AwardComponents| {
        d.units.sort_by(|a, b| a.unit.cmp(&b.unit));
        d
    };
    assert_eq!(sorted(from_api), sorted(from_fixture));

    // The round: Kanim keeps, Bapas does not gain (no survey), Lapas loses —
    // exactly as `p2ham award --rule --components` decides.
    let r = evaluator.get("/api/v1/periods/2023/awards").await;
    r.expect(200);
    let list = r.json();
    let cli: Value = serde_json::from_str(&p2ham_report::to_json(&cli_award())).expect("json");
    assert_eq!(
        figures(&list),
        figures(&cli),
        "the decisions and figures of `p2ham award`"
    );
    let k = entry(&list, "kanim-sampit");
    assert_eq!(k["decision"], "retained");
    // By hand: (80 × 92.14 + 20 × 87.09) / 100 = (7371.20 + 1741.80) / 100 = 91.13.
    assert_eq!(k["notes"][3]["actual"], "91.13");
    assert_eq!(
        k["notes"][0]["message"]["id"],
        "IKM 87.09 (mutu B, Baik) memenuhi syarat minimal mutu B (IKM ≥ 76.61)."
    );
    let b = entry(&list, "bapas-sampit");
    assert_eq!(b["decision"], "not_awarded");
    assert_eq!(codes(&b["reasons"]), ["component-missing", "component-missing"]);
    let l = entry(&list, "lapas-sampit");
    assert_eq!(l["decision"], "lost");
    assert!(codes(&l["reasons"]).contains(&"ombudsman-unresolved".to_owned()));

    // The round page shows the rule and each unit's gates.
    let page = evaluator.get("/periods/2023/round").await;
    page.expect(200);
    let html = page.text();
    assert!(
        html.contains("ikm_min_mutu") || html.contains("IKM minimal"),
        "the rule: {html}"
    );
    assert!(html.contains("IKM 87.09 (mutu B, Baik)"), "Kanim's gate");

    // Cleared, the round is the plain one again; declared again for the decree.
    Client::reply(evaluator.request(Method::DELETE, "/api/v1/periods/2023/award-rule"))
        .await
        .expect(204);
    let again = evaluator.get("/api/v1/periods/2023/awards").await.json();
    assert_eq!(figures(&again), figures(&plain));
    evaluator
        .put_bytes("/api/v1/periods/2023/award-rule", fixture(RULE))
        .await
        .expect(200);

    // The decree records the rule's decisions; afterwards neither the rule nor a figure moves.
    let r = evaluator
        .post(
            "/api/v1/periods/2023/decree",
            json!({"number": "M.HH-01.HA.03.07 Tahun 2023", "date": "2023-12-10",
                   "issuer": "Menteri Hukum dan Hak Asasi Manusia"}),
        )
        .await;
    r.expect(201);
    assert_eq!(
        (r.json()["awarded"].clone(), r.json()["not_awarded"].clone()),
        (json!(1), json!(2))
    );
    let r = evaluator
        .put_bytes("/api/v1/periods/2023/award-rule", fixture(RULE))
        .await;
    r.expect(409);
    assert_eq!(r.code(), "already-decreed");
    let r = put_json(
        &evaluator,
        "/api/v1/periods/2023/units/bapas-sampit/award-components",
        json!({"zona_integritas": "wbbm"}),
    )
    .await;
    assert_eq!(r.code(), "already-decreed");

    // Every change is in the audit log.
    let audit = admin.get("/api/v1/audit?limit=1000").await.json();
    let actions: Vec<&str> = audit
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    let count = |a: &str| actions.iter().filter(|x| **x == a).count();
    assert_eq!(count("record-award-components"), 3);
    assert_eq!(count("set-award-rule"), 3, "set, cleared, set");
    admin.get("/api/v1/audit/verify").await.expect(200);
    // A figure or the rule changed in the database itself is named by the log's replay.
    exec(
        &server,
        "UPDATE award_components SET ombudsman_unresolved = 0 WHERE unit_id = 'lapas-sampit'",
    )
    .await;
    exec(
        &server,
        "UPDATE award_rules SET body = REPLACE(body, '\"80\"', '\"1\"')",
    )
    .await;
    let r = admin.get("/api/v1/audit/verify").await;
    r.expect(409);
    let message = r.json()["message"].as_str().unwrap_or_default().to_owned();
    assert!(
        message.contains(
            "award components of case period/2023/unit/lapas-sampit: ombudsman_unresolved is 0 in the database, \
             but the audit log leaves it 1"
        ),
        "{message}"
    );
    assert!(
        message.contains("award rule of period/2023: its stored text has digest"),
        "{message}"
    );
    exec(
        &server,
        "UPDATE award_components SET ombudsman_unresolved = 1 WHERE unit_id = 'lapas-sampit'",
    )
    .await;
    exec(
        &server,
        "UPDATE award_rules SET body = REPLACE(body, '\"1\"', '\"80\"')",
    )
    .await;
    admin.get("/api/v1/audit/verify").await.expect(200);

    // The unit's survey in its history (API and page) and on the evaluator's page of the unit.
    let history = evaluator.get("/api/v1/units/kanim-sampit/history").await.json();
    let periods = history["units"][0]["periods"]
        .as_array()
        .expect("periods")
        .clone();
    let p2023 = periods.iter().find(|p| p["period"] == "2023").expect("2023");
    assert_eq!(
        p2023["skm"],
        json!({"respondents": 29, "ikm": "87.09", "mutu": "B", "kinerja": "Baik"})
    );
    let p2022 = periods.iter().find(|p| p["period"] == "2022").expect("2022");
    assert!(p2022.get("skm").is_none(), "no survey kept for 2022: {p2022:#}");
    let page = evaluator.get("/units/kanim-sampit/history").await.text();
    assert!(
        page.contains("IKM (mutu)") && page.contains("87.09 (B, Baik)"),
        "{page}"
    );
    let bapas = evaluator.get("/units/bapas-sampit/history").await.text();
    assert!(!bapas.contains("IKM (mutu)"), "no survey, no column");
    let unit_page = evaluator.get("/periods/2023/units/kanim-sampit").await.text();
    assert!(unit_page.contains("IKM <strong>87.09</strong>"), "{unit_page}");
    server.stop().await;
}
