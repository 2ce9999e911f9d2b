//! The public record of a round decided under an award rule, with a unit
//! struck off: the Sampit year of 2023 with the fixtures' rule (IKM at least
//! B, Zona Integritas at least WBK, no unresolved Ombudsman finding, composite
//! 80/20 at least 80) and figures. Under the rule Kanim would keep its
//! predikat — IKM 87.09 (mutu B), composite (80 × 92.14 + 20 × 87.09) / 100 =
//! 91.13 — Bapas does not gain it (no survey, no figures recorded) and Lapas
//! loses it (an unresolved Ombudsman finding). The evaluator then strikes
//! Kanim off with words of its own. The decree fixes these decisions, and the
//! published record keeps them exactly: Kanim `excluded`, Bapas
//! `not_awarded`, Lapas `lost`, each with its reasons' codes; but never the
//! evaluator's words, the IKM, the composite or any gate's figures.

mod common;

use common::{fixture, TestServer};
use reqwest::Method;
use serde_json::{json, Value};

const UNITS: [&str; 3] = ["kanim-sampit", "lapas-sampit", "bapas-sampit"];
const RULE: &str = "fixtures/award-rule/rule-2020.json";
const COMPONENTS: &str = "fixtures/award-rule/sampit-2023-components.json";
/// The evaluator's words when striking Kanim off: never public.
const SECRET: &str = "Dalam pemeriksaan Inspektorat RAHASIA-4410";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rule_and_a_struck_off_unit_reach_the_public_record_as_decreed() {
    for db in common::backends() {
        public_rule(db).await;
    }
}

/// Each unit's decision and its reasons' codes, by unit.
fn decisions(list: &Value) -> Vec<(String, String, Vec<String>)> {
    let mut out: Vec<_> = list["units"]
        .as_array()
        .expect("units")
        .iter()
        .map(|u| {
            let codes = u["reasons"]
                .as_array()
                .expect("reasons")
                .iter()
                .map(|r| r["code"].as_str().expect("code").to_owned())
                .collect();
            (
                u["unit"]["id"].as_str().expect("id").to_owned(),
                u["decision"].as_str().expect("decision").to_owned(),
                codes,
            )
        })
        .collect();
    out.sort();
    out
}

async fn public_rule(db: common::Db) {
    let server = TestServer::start(db, "public_rule").await;
    let evaluator = server.login("evaluator").await;
    let verifier = server.login("verifier-kalteng").await;
    common::sampit_previous_awards(&evaluator).await;
    for unit in UNITS {
        common::sampit_evaluated(&server, &verifier, &evaluator, unit).await;
    }
    evaluator
        .put_bytes("/api/v1/periods/2023/award-rule", fixture(RULE))
        .await
        .expect(200);
    let components: Value = serde_json::from_slice(&fixture(COMPONENTS)).expect("json");
    for u in components["units"].as_array().expect("units") {
        let mut body = u.clone();
        let unit = body["unit"].as_str().expect("unit").to_owned();
        let obj = body.as_object_mut().expect("object");
        obj.remove("unit");
        obj.remove("ikm");
        evaluator
            .send(
                Method::PUT,
                &format!("/api/v1/periods/2023/units/{unit}/award-components"),
                Some(body),
            )
            .await
            .expect(200);
    }
    // Under the rule: Kanim keeps (its gates met, with their figures as notes).
    let list = evaluator.get("/api/v1/periods/2023/awards").await.json();
    let kanim = list["units"]
        .as_array()
        .expect("units")
        .iter()
        .find(|u| u["unit"]["id"] == "kanim-sampit")
        .expect("kanim")
        .clone();
    assert_eq!(kanim["decision"], "retained");
    assert_eq!(kanim["notes"][3]["actual"], "91.13", "the composite, by hand");
    // Struck off with the evaluator's words, then decreed.
    evaluator
        .post(
            "/api/v1/periods/2023/exclusions",
            json!({"unit": "kanim-sampit", "reason": SECRET}),
        )
        .await
        .expect(201);
    let decree = json!({"number": "M.HH-01.HA.03.07 Tahun 2023", "date": "2023-12-10",
                        "issuer": "Menteri Hukum dan Hak Asasi Manusia"});
    evaluator
        .post("/api/v1/periods/2023/decree", decree)
        .await
        .expect(201);
    let decreed = evaluator.get("/api/v1/periods/2023/awards").await.json();
    let expected = [
        (
            "bapas-sampit".to_owned(),
            "not_awarded".to_owned(),
            vec!["component-missing".to_owned(), "component-missing".to_owned()],
        ),
        (
            "kanim-sampit".to_owned(),
            "excluded".to_owned(),
            vec!["excluded".to_owned()],
        ),
    ];
    let got = decisions(&decreed);
    assert_eq!(got[..2], expected[..], "the decree: {decreed:#}");
    assert_eq!(got[2].0, "lapas-sampit");
    assert_eq!(got[2].1, "lost");
    assert!(got[2].2.contains(&"ombudsman-unresolved".to_owned()), "{got:?}");
    assert!(
        decreed.to_string().contains(SECRET),
        "the decree keeps the evaluator's words"
    );

    // Published: the public list holds the decree's decisions and reasons, exactly.
    let r = evaluator.post("/api/v1/periods/2023/publish", json!({})).await;
    r.expect(201);
    assert_eq!(r.json()["awarded"], 0, "no unit holds the predikat");
    let anon = server.anonymous();
    let public = anon.get("/publik/data/2023/awards.json").await;
    public.expect(200);
    let public = public.json();
    assert_eq!(decisions(&public), got, "the public list is the decree's");
    for u in public["units"].as_array().expect("units") {
        assert!(
            u.get("notes")
                .is_none_or(|n| n.as_array().is_some_and(Vec::is_empty)),
            "no note of a gate met: {u:#}"
        );
        for reason in u["reasons"].as_array().expect("reasons") {
            // The verified total against the pass mark is public; the other evidence's figures are not.
            let gate = [
                "excluded",
                "component-missing",
                "ikm-below-minimum",
                "zona-integritas-below-minimum",
                "ombudsman-unresolved",
                "elapor-unresolved",
                "composite-below-minimum",
            ];
            if gate.contains(&reason["code"].as_str().expect("code")) {
                assert!(
                    reason.get("actual").is_none_or(Value::is_null)
                        && reason.get("required").is_none_or(Value::is_null),
                    "a gate's figures are not public: {reason:#}"
                );
            }
        }
    }
    let kanim = public["units"]
        .as_array()
        .expect("units")
        .iter()
        .find(|u| u["unit"]["id"] == "kanim-sampit")
        .expect("kanim");
    assert_eq!(kanim["reasons"][0]["message"]["id"], "Dikeluarkan oleh evaluator");

    // Nowhere public: the evaluator's words, the IKM (87.09), the composite (91.13).
    let mut urls: Vec<String> = [
        "/publik",
        "/publik/periode/2023",
        "/publik/data/2023/awards.json",
        "/publik/data/2023/awards.csv",
        "/publik/data/2023/units.json",
        "/publik/data/2023/lampiran.html",
        "/publik/feed.atom",
    ]
    .map(str::to_owned)
    .to_vec();
    urls.extend(UNITS.map(|u| format!("/publik/unit/{u}")));
    for url in urls {
        let r = anon.get(&url).await;
        r.expect(200);
        let text = r.text();
        for hidden in ["RAHASIA-4410", "Inspektorat", "87.09", "87,09", "91.13", "91,13"] {
            assert!(!text.contains(hidden), "{url} shows `{hidden}`");
        }
    }
    // The unit's page says it holds no predikat for 2023: struck off.
    let page = anon.get("/publik/unit/kanim-sampit").await.text();
    assert!(
        page.contains("<strong>Tidak berpredikat P2HAM</strong>"),
        "{page}"
    );
    assert!(page.contains("<td>dikeluarkan</td>"), "{page}");
    server.stop().await;
}
