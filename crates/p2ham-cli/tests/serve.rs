//! `p2ham serve` and `p2ham admin` as a user runs them: the first start
//! creates ./p2ham-data and prints the demo logins; the administrative
//! commands; a server killed with SIGKILL in the middle of a stream of
//! uploads loses nothing it acknowledged and starts again cleanly.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

fn p2ham() -> Command {
    Command::new(env!("CARGO_BIN_EXE_p2ham"))
}

/// Start `p2ham serve` in `dir` on a random port; returns the child, its base URL and what it printed.
fn start(dir: &Path, extra: &[&str]) -> (Child, String, String) {
    let mut child = p2ham()
        .current_dir(dir)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(extra)
        .env("P2HAM_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn p2ham serve");
    let (base, printed) = common::listening(&mut child);
    (child, base, printed)
}

fn stop(mut child: Child) {
    // SIGTERM: a graceful stop.
    let _ = Command::new("kill").arg(child.id().to_string()).status();
    let _ = child.wait();
}

#[test]
fn first_start_creates_the_data_folder_and_prints_the_demo_logins() {
    let dir = tempfile::tempdir().expect("dir");
    let (child, base, printed) = start(dir.path(), &[]);
    assert!(dir.path().join("p2ham-data/p2ham.db").is_file());
    assert!(dir.path().join("p2ham-data/evidence/objects").is_dir());
    for needle in [
        "operator-kanim-sampit",
        "verifier-kalteng",
        "evaluator",
        "admin",
        "demo-p2ham-2023",
        "/api/v1/openapi.json",
        "--no-demo",
    ] {
        assert!(printed.contains(needle), "{needle} missing from:\n{printed}");
    }
    common::runtime().block_on(async {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .expect("client");
        let health: Value = http
            .get(format!("{base}/api/v1/health"))
            .send()
            .await
            .expect("health")
            .json()
            .await
            .expect("json");
        assert_eq!(health["status"], "ok");
        common::login(&http, &base, "operator-kanim-sampit").await;
        let units: Value = http
            .get(format!("{base}/api/v1/units"))
            .send()
            .await
            .expect("units")
            .json()
            .await
            .expect("json");
        assert_eq!(units[0]["id"], "kanim-sampit");
    });
    stop(child);
    // A second start keeps the data and does not load the demo again.
    let (child, _, printed) = start(dir.path(), &[]);
    assert!(printed.contains("already has users"), "{printed}");
    stop(child);
    // Production: no demo data.
    let dir2 = tempfile::tempdir().expect("dir");
    let (child, base, printed) = start(dir2.path(), &["--no-demo"]);
    assert!(printed.contains("p2ham admin create-admin"), "{printed}");
    common::runtime().block_on(async {
        let r = reqwest::Client::new()
            .post(format!("{base}/api/v1/session"))
            .json(&json!({"username": "admin", "password": "demo-p2ham-2023"}))
            .send()
            .await
            .expect("login");
        assert_eq!(r.status(), 401);
    });
    stop(child);
}

fn admin(dir: &Path, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = p2ham()
        .arg("admin")
        .args(args)
        .args(["--data-dir", dir.to_str().expect("utf-8")])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write");
    child.wait_with_output().expect("wait")
}

#[test]
fn admin_commands_set_up_an_application() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let out = admin(
        &data,
        &["create-admin", "--username", "root"],
        "a-long-password\n",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let csv = dir.path().join("units.csv");
    std::fs::write(&csv, "id,name,kind,office\nkanim-sampit,Kantor Imigrasi Sampit,kanim,Kanwil Kalimantan Tengah\nlapas-sampit,Lapas Sampit,lapas,Kanwil Kalimantan Tengah\n").expect("csv");
    let out = admin(&data, &["unit", "import", csv.to_str().expect("utf-8")], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("imported 2 units from {}", csv.display())
    );
    let out = admin(
        &data,
        &[
            "user",
            "add",
            "--username",
            "verifier-kalteng",
            "--name",
            "Tim",
            "--role",
            "verifier",
            "--office",
            "Kanwil Kalimantan Tengah",
        ],
        "another-password\n",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = admin(
        &data,
        &[
            "period",
            "add",
            "--id",
            "2024",
            "--year",
            "2024",
            "--instrument",
            "p2ham-2022",
            "--self-closes",
            "2024-03-31",
        ],
        "",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Mistakes: exit 1 with the reason.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "id,name,kind,office\nBAD ID,x,kanim,y\n").expect("csv");
    let out = admin(&data, &["unit", "import", bad.to_str().expect("utf-8")], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("row 2, column `id`"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = admin(
        &data,
        &[
            "user",
            "add",
            "--username",
            "op",
            "--name",
            "Op",
            "--role",
            "operator",
        ],
        "a-long-password\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("an operator needs a unit"));
    let out = admin(&data, &["create-admin", "--username", "root2"], "");
    assert_eq!(out.status.code(), Some(2));
    // A user's profile changes; deactivated and reactivated; unknown users are named.
    let out = admin(
        &data,
        &[
            "user",
            "update",
            "--username",
            "verifier-kalteng",
            "--name",
            "Tim Verifikasi Kalteng",
            "--role",
            "verifier",
            "--office",
            "Kanwil Kalimantan Tengah",
        ],
        "",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "updated user verifier-kalteng"
    );
    let out = admin(
        &data,
        &["user", "deactivate", "--username", "verifier-kalteng"],
        "",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = admin(
        &data,
        &["user", "reactivate", "--username", "verifier-kalteng"],
        "",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = admin(&data, &["user", "deactivate", "--username", "nobody"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("user `nobody` not found"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The audit log holds every change and its chain is intact.
    let out = admin(&data, &["audit", "verify"], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("audit log intact:"));
}

#[test]
fn sigkill_during_uploads_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut child, base, _) = start(dir.path(), &[]);
    let acknowledged: Arc<Mutex<Vec<(String, String, usize)>>> = Arc::new(Mutex::new(Vec::new()));
    let rt = common::runtime();
    rt.block_on(async {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .expect("client");
        let csrf = common::login(&http, &base, "operator-kanim-sampit").await;
        let url = format!("{base}/api/v1/periods/2023/units/kanim-sampit/evidence");
        let mut tasks = Vec::new();
        for t in 0..4u64 {
            let (http, csrf, url, ack) = (http.clone(), csrf.clone(), url.clone(), Arc::clone(&acknowledged));
            tasks.push(tokio::spawn(async move {
                // Bounded: at most 2000 uploads per task, stops at the first failure (the kill).
                for i in 0..2000u64 {
                    let seed = t * 1_000_000 + i;
                    let len = 1000 + usize::try_from((seed * 7919) % 300_000).expect("small");
                    let bytes = common::png(seed, len);
                    let name = format!("foto/t{t}-{i}.png");
                    let form = reqwest::multipart::Form::new().part(
                        "file",
                        reqwest::multipart::Part::bytes(bytes).file_name(name.clone()),
                    );
                    let sent = http
                        .post(&url)
                        .header("x-csrf-token", &csrf)
                        .multipart(form)
                        .timeout(Duration::from_secs(10))
                        .send()
                        .await;
                    match sent {
                        Ok(r) if r.status() == 201 => {
                            let body: Value = match r.json().await {
                                Ok(b) => b,
                                Err(_) => break,
                            };
                            let sha = body[0]["sha256"].as_str().expect("sha").to_owned();
                            ack.lock().expect("lock").push((name, sha, len));
                        }
                        _ => break,
                    }
                }
            }));
        }
        // Let the stream run, then kill the server without warning.
        tokio::time::sleep(Duration::from_millis(2500)).await;
        child.kill().expect("SIGKILL");
        let _ = child.wait();
        for t in tasks {
            let _ = t.await;
        }
    });
    let acknowledged = acknowledged.lock().expect("lock").clone();
    assert!(
        acknowledged.len() > 10,
        "only {} uploads before the kill",
        acknowledged.len()
    );

    // No stored file is partial: every object's content has its name's digest.
    let objects = dir.path().join("p2ham-data/evidence/objects");
    for sub in std::fs::read_dir(&objects).expect("objects") {
        for f in std::fs::read_dir(sub.expect("dir").path()).expect("dir") {
            let p = f.expect("file").path();
            let digest = p2ham_io::digest::sha256_hex(&std::fs::read(&p).expect("read"));
            assert_eq!(
                p.file_name().expect("name").to_string_lossy(),
                digest,
                "partial file {}",
                p.display()
            );
        }
    }

    // It starts again cleanly: temporary files gone, every acknowledged upload listed and served.
    let (child, base, printed) = start(dir.path(), &[]);
    assert!(printed.contains("already has users"));
    let tmp: Vec<_> = std::fs::read_dir(dir.path().join("p2ham-data/evidence/tmp"))
        .expect("tmp")
        .collect();
    assert!(tmp.is_empty(), "temporary files left after restart");
    rt.block_on(async {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .expect("client");
        common::login(&http, &base, "operator-kanim-sampit").await;
        let url = format!("{base}/api/v1/periods/2023/units/kanim-sampit/evidence");
        let listed = common::evidence_listing(&http, &url).await;
        for (name, sha, len) in &acknowledged {
            assert!(
                listed.contains(&(name.clone(), sha.clone())),
                "acknowledged upload {name} lost"
            );
            let r = http.get(format!("{url}/{sha}")).send().await.expect("get");
            assert_eq!(r.status(), 200, "{name}");
            assert_eq!(r.bytes().await.expect("bytes").len(), *len);
        }
        // The audit log survived intact.
        common::login(&http, &base, "admin").await;
        let v = http
            .get(format!("{base}/api/v1/audit/verify"))
            .send()
            .await
            .expect("verify");
        assert_eq!(v.status(), 200, "{}", v.text().await.unwrap_or_default());
    });
    stop(child);
}

/// Every published schema is served at the path its `$id` names, under the
/// base path too: the bytes of `docs/schema/`, as `application/schema+json`,
/// public and cacheable, with an ETag that answers 304; an unknown name is
/// the JSON 404 of every route.
#[test]
fn the_application_serves_every_schema_where_its_id_points() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = tempfile::tempdir().expect("dir");
    let (child, base, _) = start(dir.path(), &["--no-demo", "--base-path", "/p2ham"]);
    let names: Vec<String> = std::fs::read_dir(root.join("docs/schema"))
        .expect("docs/schema")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.len() >= 12, "{names:?}");
    assert!(base.ends_with("/p2ham"), "{base}");
    common::runtime().block_on(async {
        let http = reqwest::Client::new();
        for name in &names {
            let published = std::fs::read_to_string(root.join("docs/schema").join(name)).expect("schema");
            let id: Value = serde_json::from_str(&published).expect("json");
            let id = id["$id"].as_str().expect("$id").to_owned();
            let path = &id[id.find("/schema/").expect("$id names /schema/")..];
            let r = http.get(format!("{base}{path}")).send().await.expect("get");
            assert_eq!(r.status(), 200, "{path}");
            let headers = r.headers().clone();
            assert_eq!(headers["content-type"], "application/schema+json", "{path}");
            assert_eq!(headers["cache-control"], "public, max-age=86400", "{path}");
            let etag = headers["etag"].clone();
            assert_eq!(r.text().await.expect("text"), published, "{path}");
            let again = http
                .get(format!("{base}{path}"))
                .header("if-none-match", etag)
                .send()
                .await
                .expect("get");
            assert_eq!(again.status(), 304, "{path}");
        }
        let r = http
            .get(format!("{base}/schema/no-such.schema.json"))
            .send()
            .await
            .expect("get");
        assert_eq!(r.status(), 404);
        let body: Value = r.json().await.expect("json error");
        assert!(
            body["message"]
                .as_str()
                .unwrap_or_default()
                .contains("score.schema.json"),
            "{body}"
        );
    });
    stop(child);
}
