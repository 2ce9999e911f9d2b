//! Several instances of `p2ham serve` on one PostgreSQL database and one
//! evidence folder, as they run behind a load balancer: a stream of uploads
//! and workflow races sent to both, one instance killed with SIGKILL in the
//! middle; nothing acknowledged is lost or stored twice, every race is
//! decided once, the audit log stays intact, and the login limit is one limit.
//!
//! Runs only when `P2HAM_TEST_POSTGRES` names a database (each run in a fresh
//! schema of its own, dropped afterwards). `scripts/instances-throughput.sh`
//! runs the throughput measurement of docs/server.md (an ignored test here).

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const PASSWORD: &str = "demo-p2ham-2023";

/// The PostgreSQL URL of the tests, when set.
fn postgres() -> Option<String> {
    std::env::var("P2HAM_TEST_POSTGRES")
        .ok()
        .filter(|s| !s.is_empty())
}

/// A schema of its own in the test database, dropped when the guard goes.
struct Schema {
    admin_url: String,
    name: String,
    url: String,
}

impl Schema {
    fn create(admin_url: &str, test: &str) -> Schema {
        let name = format!(
            "p2ham_test_{}",
            &p2ham_io::digest::sha256_hex(format!("{test}{:?}", std::time::SystemTime::now()).as_bytes())
                [..16]
        );
        run_sql(admin_url, &format!("CREATE SCHEMA {name}"));
        if let Ok(file) = std::env::var("P2HAM_TEST_POSTGRES_RAN") {
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(file)
                .expect("marker file");
            writeln!(f, "{test}").expect("marker");
        }
        let sep = if admin_url.contains('?') { '&' } else { '?' };
        let url = format!("{admin_url}{sep}options=-c%20search_path%3D{name}");
        Schema {
            admin_url: admin_url.to_owned(),
            name,
            url,
        }
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        run_sql(&self.admin_url, &format!("DROP SCHEMA {} CASCADE", self.name));
    }
}

fn run_sql(url: &str, sql: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(url)
            .await
            .expect("connect to P2HAM_TEST_POSTGRES");
        sqlx::query(sql).execute(&pool).await.expect(sql);
        pool.close().await;
    });
}

/// An instance of `p2ham serve` on the shared database and evidence folder
/// (with a data folder of its own), on a random port.
struct Instance {
    child: Child,
    base: String,
}

impl Instance {
    fn start(data: &Path, database: &str, evidence: &Path) -> Instance {
        let mut child = Command::new(env!("CARGO_BIN_EXE_p2ham"))
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data)
            .arg("--database")
            .arg(database)
            .arg("--evidence-dir")
            .arg(evidence)
            .env("P2HAM_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn p2ham serve");
        let (base, _) = common::listening(&mut child);
        Instance { child, base }
    }

    fn kill(&mut self) {
        self.child.kill().expect("SIGKILL");
        let _ = self.child.wait();
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        // SIGTERM: a graceful stop (nothing to stop once killed).
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.wait();
    }
}

/// A client logged in as `user` (through `base`); the session is the
/// database's, so the same client works on every instance.
async fn login(base: &str, user: &str) -> (reqwest::Client, String) {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let csrf = common::login(&http, base, user).await;
    (http, csrf)
}

fn repo() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn case(base: &str, unit: &str) -> String {
    format!("{base}/api/v1/periods/2023/units/{unit}")
}

/// Upload every file under `fixtures/evidence/UNIT/SUB` for each of `subs`.
async fn upload_fixture_evidence(http: &reqwest::Client, csrf: &str, base: &str, unit: &str, subs: &[&str]) {
    let mut form = reqwest::multipart::Form::new();
    for sub in subs {
        let dir = repo().join("fixtures/evidence").join(unit).join(sub);
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("entry").path())
            .collect();
        names.sort();
        for p in names {
            let rel = format!("{sub}/{}", p.file_name().expect("name").to_string_lossy());
            form = form.part(
                "file",
                reqwest::multipart::Part::bytes(std::fs::read(&p).expect("read")).file_name(rel),
            );
        }
    }
    let r = http
        .post(format!("{}/evidence", case(base, unit)))
        .header("x-csrf-token", csrf)
        .multipart(form)
        .send()
        .await
        .expect("evidence");
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap_or_default());
}

async fn put_document(http: &reqwest::Client, csrf: &str, url: &str, bytes: Vec<u8>) -> reqwest::StatusCode {
    http.put(url)
        .header("x-csrf-token", csrf)
        .header("content-type", "application/json")
        .body(bytes)
        .send()
        .await
        .expect("put")
        .status()
}

/// The statuses of the same request sent to both instances at once, sorted.
async fn race<F, Fut>(bases: [&str; 2], send: F) -> Vec<u16>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = reqwest::StatusCode>,
{
    let (a, b) = tokio::join!(send(bases[0].to_owned()), send(bases[1].to_owned()));
    let mut v = vec![a.as_u16(), b.as_u16()];
    v.sort_unstable();
    v
}

/// A bounded stream of evidence uploads to `base`, as bapas-sampit's operator:
/// at most `count`, stopping at the first failure (a killed instance).
fn stream(
    http: reqwest::Client,
    csrf: String,
    base: String,
    task: u64,
    count: u64,
    ack: Arc<Mutex<Vec<(String, String, usize)>>>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let url = format!("{}/evidence", case(&base, "bapas-sampit"));
        for i in 0..count {
            let seed = task * 1_000_000 + i;
            let len = 1000 + usize::try_from((seed * 7919) % 60_000).expect("small");
            let name = format!("foto/s{task}-{i}.png");
            let form = reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(common::png(seed, len)).file_name(name.clone()),
            );
            let sent = http
                .post(&url)
                .header("x-csrf-token", &csrf)
                .multipart(form)
                .timeout(Duration::from_secs(20))
                .send()
                .await;
            match sent {
                Ok(r) if r.status() == 201 => {
                    let Ok(body) = r.json::<Value>().await else { break };
                    let sha = body[0]["sha256"].as_str().expect("sha").to_owned();
                    ack.lock().expect("lock").push((name, sha, len));
                }
                _ => break,
            }
        }
    })
}

#[test]
fn two_instances_on_one_database() {
    let Some(pg) = postgres() else {
        eprintln!("P2HAM_TEST_POSTGRES is not set: the two-instance test needs PostgreSQL");
        return;
    };
    let schema = Schema::create(&pg, "two_instances_on_one_database");
    let dir = tempfile::tempdir().expect("dir");
    let evidence = dir.path().join("evidence");
    // The first instance migrates and loads the demo; the second finds them.
    let a = Instance::start(&dir.path().join("a"), &schema.url, &evidence);
    let mut b = Instance::start(&dir.path().join("b"), &schema.url, &evidence);
    let (base_a, base_b) = (a.base.clone(), b.base.clone());
    let bases = [base_a.as_str(), base_b.as_str()];
    let acknowledged: Arc<Mutex<Vec<(String, String, usize)>>> = Arc::new(Mutex::new(Vec::new()));
    let rt = common::runtime();
    rt.block_on(async {
        let (bapas, bapas_csrf) = login(bases[0], "operator-bapas-sampit").await;
        // The stream: two tasks on each instance; B's stop when B is killed.
        let mut tasks = Vec::new();
        for (t, base) in [(0, bases[0]), (1, bases[1]), (2, bases[0]), (3, bases[1])] {
            tasks.push(stream(
                bapas.clone(),
                bapas_csrf.clone(),
                base.to_owned(),
                t,
                150,
                Arc::clone(&acknowledged),
            ));
        }

        // Meanwhile, races: each operator uploads its evidence and
        // self-assessment, then submits to both instances at once.
        let verifier = login(bases[1], "verifier-kalteng").await;
        for (i, unit) in ["kanim-sampit", "lapas-sampit"].into_iter().enumerate() {
            let (op, csrf) = login(bases[i % 2], &format!("operator-{unit}")).await;
            upload_fixture_evidence(&op, &csrf, bases[i % 2], unit, &["foto", "dokumen"]).await;
            let doc =
                std::fs::read(repo().join(format!("fixtures/assessments/sampit-2023/{unit}.self.json")))
                    .expect("self-assessment");
            let url = format!("{}/self-assessment", case(bases[(i + 1) % 2], unit));
            assert_eq!(put_document(&op, &csrf, &url, doc).await, 200);
            let submits = race(bases, |base| {
                let (op, csrf) = (op.clone(), csrf.clone());
                async move {
                    op.post(format!("{}/submit", case(&base, unit)))
                        .header("x-csrf-token", &csrf)
                        .json(&json!({}))
                        .send()
                        .await
                        .expect("submit")
                        .status()
                }
            })
            .await;
            assert_eq!(submits, [200, 409], "{unit}: two submits, one decided");

            // Two verifications recorded at once: one is, the other finds the case verified.
            let (v, vcsrf) = &verifier;
            upload_fixture_evidence(v, vcsrf, bases[0], unit, &["verifikasi"]).await;
            let doc = std::fs::read(repo().join(format!(
                "fixtures/assessments/sampit-2023/{unit}.verification.json"
            )))
            .expect("verification");
            let verifications =
                race(bases, |base| {
                    let (v, vcsrf, doc) = (v.clone(), vcsrf.clone(), doc.clone());
                    async move {
                        put_document(&v, &vcsrf, &format!("{}/verification", case(&base, unit)), doc).await
                    }
                })
                .await;
            assert_eq!(
                verifications,
                [200, 409],
                "{unit}: two verifications, one recorded"
            );
        }

        // The login limit is one limit: ten failures, half on each instance,
        // lock the pair out on both (even with the right password).
        let anonymous = reqwest::Client::new();
        for i in 0..10 {
            let r = anonymous
                .post(format!("{}/api/v1/session", bases[i % 2]))
                .json(&json!({"username": "evaluator", "password": "wrong password"}))
                .send()
                .await
                .expect("login");
            assert_eq!(r.status(), 401, "failure {i}");
        }
        for base in bases {
            let r = anonymous
                .post(format!("{base}/api/v1/session"))
                .json(&json!({"username": "evaluator", "password": PASSWORD}))
                .send()
                .await
                .expect("login");
            assert_eq!(
                r.status(),
                429,
                "{base}: the limit reached on the other instance holds here"
            );
        }

        // B dies without warning in the middle of the stream; A goes on.
        let before = acknowledged.lock().expect("lock").len();
        assert!(before > 0, "the stream had not started");
        b.kill();
        for t in tasks {
            t.await.expect("task");
        }
    });

    let acknowledged = acknowledged.lock().expect("lock").clone();
    let on = |t: &str| acknowledged.iter().filter(|(n, _, _)| n.starts_with(t)).count();
    assert_eq!(
        (on("foto/s0-"), on("foto/s2-")),
        (150, 150),
        "A took every upload sent to it"
    );
    let on_b = on("foto/s1-") + on("foto/s3-");
    assert!(on_b < 300, "B was killed before its stream ended");
    eprintln!("acknowledged: 300 by A, {on_b} by B before its SIGKILL");

    rt.block_on(async {
        let (bapas, _) = login(bases[0], "operator-bapas-sampit").await;
        let url = format!("{}/evidence", case(bases[0], "bapas-sampit"));
        let listed = common::evidence_listing(&bapas, &url).await;
        // Every acknowledged upload is stored once, and served whole by the survivor.
        for (name, sha, len) in &acknowledged {
            let times = listed.iter().filter(|(n, _)| n == name).count();
            assert_eq!(times, 1, "{name} listed {times} times");
            assert!(
                listed.contains(&(name.clone(), sha.clone())),
                "{name}: other digest"
            );
            let r = bapas.get(format!("{url}/{sha}")).send().await.expect("get");
            assert_eq!(r.status(), 200, "{name}");
            assert_eq!(r.bytes().await.expect("bytes").len(), *len, "{name}");
        }
        // Each race left one transition in the log, and the cases where they should be.
        let (admin, _) = login(bases[0], "admin").await;
        for unit in ["kanim-sampit", "lapas-sampit"] {
            let c: Value = admin
                .get(case(bases[0], unit))
                .send()
                .await
                .expect("case")
                .json()
                .await
                .expect("json");
            assert_eq!(c["status"], "verified", "{unit}");
        }
        let audit: Value = admin
            .get(format!("{}/api/v1/audit?limit=1000", bases[0]))
            .send()
            .await
            .expect("audit")
            .json()
            .await
            .expect("json");
        let count = |action: &str, unit: &str| {
            audit
                .as_array()
                .expect("entries")
                .iter()
                .filter(|e| e["action"] == action && e["object"].as_str().is_some_and(|o| o.contains(unit)))
                .count()
        };
        for unit in ["kanim-sampit", "lapas-sampit"] {
            assert_eq!(count("submit", unit), 1, "{unit}: submits recorded");
            assert_eq!(
                count("put-verification", unit),
                1,
                "{unit}: verifications recorded"
            );
        }
    });

    // The audit chain is intact, and the database is in the state its entries imply.
    let out = Command::new(env!("CARGO_BIN_EXE_p2ham"))
        .args(["admin", "audit", "verify", "--data-dir"])
        .arg(dir.path().join("a"))
        .arg("--database")
        .arg(&schema.url)
        .arg("--evidence-dir")
        .arg(&evidence)
        .output()
        .expect("audit verify");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("audit log intact:"));
    drop(a);
    drop(b);
}

/// Uploads per second through one instance and through two (the figures of
/// docs/server.md): `clients` operators' worth of concurrent evidence
/// uploads (60 KiB on average), `seconds` each way, on a fresh schema.
#[test]
#[ignore = "a measurement, run by scripts/instances-throughput.sh"]
fn throughput_one_and_two_instances() {
    let Some(pg) = postgres() else {
        panic!("set P2HAM_TEST_POSTGRES to a PostgreSQL database");
    };
    let seconds: u64 = std::env::var("P2HAM_THROUGHPUT_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let clients: u64 = std::env::var("P2HAM_THROUGHPUT_CLIENTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(8);
    for n in [1usize, 2] {
        let schema = Schema::create(&pg, "throughput_one_and_two_instances");
        let dir = tempfile::tempdir().expect("dir");
        let evidence = dir.path().join("evidence");
        let instances: Vec<Instance> = (0..n)
            .map(|i| Instance::start(&dir.path().join(format!("i{i}")), &schema.url, &evidence))
            .collect();
        let bases: Vec<String> = instances.iter().map(|i| i.base.clone()).collect();
        let done = common::runtime().block_on(async {
            let (http, csrf) = login(&bases[0], "operator-bapas-sampit").await;
            let start = Instant::now();
            let deadline = start + Duration::from_secs(seconds);
            let mut tasks = Vec::new();
            for t in 0..clients {
                let (http, csrf) = (http.clone(), csrf.clone());
                let base = bases[usize::try_from(t).expect("small") % n].clone();
                tasks.push(tokio::spawn(async move {
                    let url = format!("{}/evidence", case(&base, "bapas-sampit"));
                    let mut ok = 0u64;
                    let mut i = 0u64;
                    while Instant::now() < deadline {
                        let seed = t * 1_000_000 + i;
                        i += 1;
                        let len = 1000 + usize::try_from((seed * 7919) % 120_000).expect("small");
                        let form = reqwest::multipart::Form::new().part(
                            "file",
                            reqwest::multipart::Part::bytes(common::png(seed, len))
                                .file_name(format!("foto/t{t}-{i}.png")),
                        );
                        let r = http
                            .post(&url)
                            .header("x-csrf-token", &csrf)
                            .multipart(form)
                            .send()
                            .await
                            .expect("upload");
                        assert_eq!(r.status(), 201);
                        ok += 1;
                    }
                    ok
                }));
            }
            let mut total = 0;
            for t in tasks {
                total += t.await.expect("task");
            }
            (total, start.elapsed())
        });
        let (total, elapsed) = done;
        #[allow(clippy::cast_precision_loss)]
        let rate = total as f64 / elapsed.as_secs_f64();
        println!("{n} instance(s), {clients} clients: {total} uploads in {elapsed:.1?}, {rate:.1} uploads/s");
        drop(instances);
    }
}
