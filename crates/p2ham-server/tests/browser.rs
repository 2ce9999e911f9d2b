//! The pages in a real browser: Debian's Chromium driven by playwright-core
//! (tests/browser/flow.mjs) against the real server on 127.0.0.1, with
//! axe-core on every main page and screenshots at phone and desktop widths
//! (in `target/browser-artifacts/`).
//!
//! Needs `node`, `chromium` and `npm ci --prefix crates/p2ham-server/tests/browser`.
//! Without them the test says so and passes, unless `P2HAM_BROWSER_TESTS=required`
//! (what `.ci/run` sets); it then writes its name to `P2HAM_BROWSER_RAN`.

mod common;

use std::path::Path;
use std::process::Command;

use common::{Db, TestServer};

fn chromium() -> Option<String> {
    if let Ok(c) = std::env::var("CHROMIUM") {
        return Some(c);
    }
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .map(str::to_owned)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_story_in_a_browser() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let Some(browser) = browser_ready(&dir) else {
        return;
    };
    let artifacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-artifacts");
    let _ = std::fs::remove_dir_all(&artifacts);
    // At the root, then mounted under a prefix (`--base-path /p2ham`).
    run_flow(&dir, &browser, "", &artifacts).await;
    run_flow(&dir, &browser, "/p2ham", &artifacts.join("under-p2ham")).await;
    ran("seed_story_in_a_browser");
}

/// Runs one browser script against `base` and reads what it wrote to
/// `artifacts/result_file`: whether it succeeded, and its result.
async fn run_script(
    script: std::path::PathBuf,
    base: &str,
    artifacts: &Path,
    browser: &str,
    result_file: &str,
    env: Vec<(&'static str, std::path::PathBuf)>,
) -> (bool, serde_json::Value) {
    let (base, out, browser) = (base.to_owned(), artifacts.to_owned(), browser.to_owned());
    let status = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(script)
            .env("P2HAM_BASE", base)
            .env("P2HAM_ARTIFACTS", out)
            .env("CHROMIUM", browser)
            .envs(env)
            .status()
            .expect("run node")
    })
    .await
    .expect("join");
    let result = serde_json::from_slice(&std::fs::read(artifacts.join(result_file)).unwrap_or_default())
        .unwrap_or_default();
    (status.success(), result)
}

/// Note that a browser test ran (for `.ci/run`), beside the others that did.
fn ran(test: &str) {
    if let Ok(file) = std::env::var("P2HAM_BROWSER_RAN") {
        use std::io::Write as _;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(file)
            .expect("marker file");
        writeln!(f, "{test}").expect("marker");
    }
}

/// Whether the browser tests can run here (else why not; a failure when required).
fn browser_ready(dir: &Path) -> Option<String> {
    let required = std::env::var("P2HAM_BROWSER_TESTS").is_ok_and(|v| v == "required");
    let node_ok = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let browser = chromium();
    let modules =
        dir.join("node_modules/playwright-core").exists() && dir.join("node_modules/axe-core").exists();
    if node_ok && modules {
        if let Some(b) = browser {
            return Some(b);
        }
    }
    let why = format!(
        "browser test skipped: node {node_ok}, chromium {browser:?}, node_modules {modules} \
         (run `npm ci --prefix crates/p2ham-server/tests/browser`)"
    );
    assert!(!required, "{why}");
    eprintln!("{why}");
    None
}

/// The Sampit round of 2023 through the API: the 2022 list imported as its
/// baseline, and the three units declared, submitted, verified and evaluated.
/// Returns the evaluator's client.
async fn sampit_round_evaluated(server: &TestServer) -> common::Client {
    let evaluator = server.login("evaluator").await;
    let verifier = server.login("verifier-kalteng").await;
    evaluator
        .put_bytes(
            "/api/v1/periods/2023/previous-awards",
            common::fixture("fixtures/awards/kalteng-2022.json"),
        )
        .await
        .expect(201);
    for unit in ["kanim-sampit", "lapas-sampit", "bapas-sampit"] {
        let case = common::sampit_case(unit);
        common::sampit_submit(server, unit).await;
        common::sampit_verify(&verifier, unit).await;
        evaluator
            .post(&format!("{case}/evaluate"), serde_json::json!({}))
            .await
            .expect(200);
    }
    evaluator
}

/// The award round in the browser (tests/browser/round.mjs): the 2022 list
/// imported as the 2023 baseline and the three Sampit units verified and
/// evaluated through the API; the page decides, strikes off, lifts and
/// records the decree; the API then shows what the page recorded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn award_round_in_a_browser() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let Some(browser) = browser_ready(&dir) else {
        return;
    };
    let artifacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-artifacts-round");
    let _ = std::fs::remove_dir_all(&artifacts);
    let server = TestServer::start(Db::Sqlite, "award_round_in_a_browser").await;
    let evaluator = sampit_round_evaluated(&server).await;
    let (ok, result) = run_script(
        dir.join("round.mjs"),
        &server.base,
        &artifacts,
        &browser,
        "result.json",
        vec![],
    )
    .await;
    assert!(ok, "the award round in the browser failed: {result:#}");
    // What the page recorded is the API's: the decree on every evaluated case.
    for (unit, status) in [
        ("kanim-sampit", "awarded"),
        ("bapas-sampit", "awarded"),
        ("lapas-sampit", "not_awarded"),
    ] {
        let view = evaluator
            .get(&format!("/api/v1/periods/2023/units/{unit}"))
            .await
            .json();
        assert_eq!(view["status"], status, "{unit}");
        assert_eq!(view["outcome"]["decree_number"], "M.HH-01.HA.03.07 Tahun 2023");
    }
    let list = evaluator.get("/api/v1/periods/2023/awards").await.json();
    assert_eq!(list["decree"]["issuer"], "Menteri Hukum dan Hak Asasi Manusia");
    let exclusions = evaluator.get("/api/v1/periods/2023/exclusions").await.json();
    assert_eq!(exclusions, serde_json::json!([]), "the exclusion was lifted");
    server.stop().await;
    ran("award_round_in_a_browser");
}

/// The operator's form on a bad signal (tests/browser/field.mjs): a photo made
/// smaller and uploaded on its own with a progress bar, a cut request resumed,
/// a save made offline sent once the connection is back; at the root and
/// under a prefix. The stored photo is checked here too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn field_uploads_and_offline_in_a_browser() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let Some(browser) = browser_ready(&dir) else {
        return;
    };
    let artifacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-artifacts/field");
    for prefix in ["", "/p2ham"] {
        let server = TestServer::start_with(Db::Sqlite, &format!("field{prefix}"), |s| {
            prefix.clone_into(&mut s.base_path);
        })
        .await;
        let out = artifacts.join(if prefix.is_empty() { "root" } else { "under-p2ham" });
        let _ = std::fs::remove_dir_all(&out);
        let (ok, result) = run_script(
            dir.join("field.mjs"),
            &server.base,
            &out,
            &browser,
            "field-result.json",
            vec![],
        )
        .await;
        assert!(ok, "the field flow failed: {result:#}");
        // What the server stored is a JPEG of 1,600 px on its long side, named by the draft.
        let op = server.login("operator-lapas-sampit").await;
        let base = "/api/v1/periods/2023/units/lapas-sampit";
        let doc = op.get(&format!("{base}/self-assessment")).await.json();
        let sha = doc["answers"][0]["evidence"][0]["sha256"]
            .as_str()
            .expect("evidence")
            .to_owned();
        let photo = op.get(&format!("{base}/evidence/{sha}")).await;
        photo.expect(200);
        let picture = image::load_from_memory(&photo.bytes).expect("a JPEG");
        assert_eq!(picture.width().max(picture.height()), 1600);
        // Two saves stored: each sent once after the connection came back.
        let admin = server.login("admin").await;
        let entries = admin.get("/api/v1/audit?limit=1000").await.json();
        let saves = entries
            .as_array()
            .expect("entries")
            .iter()
            .filter(|e| {
                e["action"] == "put-self-assessment"
                    && e["object"].as_str().is_some_and(|o| o.contains("lapas"))
            })
            .count();
        assert_eq!(saves, 2, "{entries:#}");
        server.stop().await;
    }
    ran("field_uploads_and_offline_in_a_browser");
}

/// The browser flow against a fresh server mounted at `prefix`, then the
/// figures it saw checked against the library's.
async fn run_flow(dir: &Path, browser: &str, prefix: &str, artifacts: &Path) {
    let server = TestServer::start_with(Db::Sqlite, &format!("browser{prefix}"), |s| {
        prefix.clone_into(&mut s.base_path);
    })
    .await;
    let photo = common::repo().join("fixtures/evidence/kanim-sampit/foto");
    let photo = std::fs::read_dir(&photo)
        .expect("fixture photos")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "png" || x == "jpg"))
        .min()
        .expect("a fixture photo");
    let (ok, result) = run_script(
        dir.join("flow.mjs"),
        &server.base,
        artifacts,
        browser,
        "result.json",
        vec![("P2HAM_PHOTO", photo)],
    )
    .await;
    assert!(ok, "the browser flow failed: {result:#}");

    // The verified figure the dashboard showed is the library's (`p2ham compare`).
    let evaluator = server.login("evaluator").await;
    let base = "/api/v1/periods/2023/units/kanim-sampit";
    let own = evaluator.get(&format!("{base}/self-assessment")).await;
    let ver = evaluator.get(&format!("{base}/verification")).await;
    let period = evaluator.get("/api/v1/periods/2023").await.json();
    let load = |name: &str, bytes: &[u8]| {
        p2ham_io::document::read_assessment(p2ham_io::Source::bytes(name, bytes))
            .expect("stored document parses")
    };
    let instrument = server
        .state
        .instrument(period["instrument"]["sha256"].as_str().expect("digest"))
        .await
        .expect("instrument");
    let report = p2ham_io::document::compare_loaded(
        &load("self", &own.bytes),
        &load("verification", &ver.bytes),
        &instrument,
    )
    .expect("compare");
    let expected = report.verified_total.expect("a verified total").to_string();
    assert_eq!(
        result["dashboard_verified_total"].as_str(),
        Some(expected.as_str())
    );
    assert!(
        report.self_total > report.verified_total,
        "the verifier marked answers down: an overclaim ({:?} > {:?})",
        report.self_total,
        report.verified_total
    );
    for name in ["login", "operator-form", "verifier-review", "evaluator-dashboard"] {
        for size in ["390x844", "1366x900"] {
            assert!(
                artifacts.join(format!("{name}-{size}.png")).exists(),
                "{name}-{size}.png"
            );
        }
    }
    server.stop().await;
}

/// The public record in the browser (tests/browser/public.mjs): the Sampit
/// round of 2023 verified, evaluated and decreed through the API; the
/// evaluator uploads the signed decree (PDF) and publishes it from the round
/// page, a visitor without an account downloads the decree,
/// reads, searches and filters it (axe-core on every public page at phone
/// width, at most 30 KB per page), and the evaluator withdraws it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_record_in_a_browser() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let Some(browser) = browser_ready(&dir) else {
        return;
    };
    let artifacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-artifacts-public");
    let _ = std::fs::remove_dir_all(&artifacts);
    let server = TestServer::start(Db::Sqlite, "public_record_in_a_browser").await;
    let evaluator = sampit_round_evaluated(&server).await;
    evaluator
        .post(
            "/api/v1/periods/2023/decree",
            serde_json::json!({"number": "M.HH-01.HA.03.07 Tahun 2023", "date": "2023-12-10",
                               "issuer": "Menteri Hukum dan Hak Asasi Manusia"}),
        )
        .await
        .expect(201);
    let (ok, result) = run_script(
        dir.join("public.mjs"),
        &server.base,
        &artifacts,
        &browser,
        "result.json",
        vec![],
    )
    .await;
    assert!(ok, "the public record in the browser failed: {result:#}");
    // The page's publication and withdrawal are the API's: audited, and public no more.
    let audit = server
        .login("admin")
        .await
        .get("/api/v1/audit?limit=1000")
        .await
        .text();
    assert!(
        audit.contains("\"publish\"") && audit.contains("\"unpublish\""),
        "publishing and withdrawing are audited"
    );
    assert!(
        audit.contains("\"put-decree-document\""),
        "the signed decree uploaded from the round page is audited"
    );
    server.anonymous().get("/publik/periode/2023").await.expect(404);
    server.stop().await;
    ran("public_record_in_a_browser");
}
