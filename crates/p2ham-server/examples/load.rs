//! Load benchmark of the application (not a test): a bounded load client on
//! loopback. `--clients` concurrent operators (32 by default), each of its own
//! lapas unit, upload self-assessments of instrument `p2ham-2022` answering
//! every indicator that applies to a lapas (63 of its 76); each upload is
//! validated, scored and stored (document, case, audit entry) before it is
//! acknowledged. Stops after `--uploads` uploads or `--seconds`, whichever
//! comes first, and prints uploads/s and latency percentiles.
//!
//! ```sh
//! cargo run --release -p p2ham-server --example load                       # SQLite in a temporary folder
//! cargo run --release -p p2ham-server --example load -- --database postgres://postgres@127.0.0.1:5432/test
//! ```
//!
//! The server runs in this process on its own runtime (2 worker threads); the
//! client on another (2 worker threads); they talk HTTP over 127.0.0.1.

use std::sync::Arc;
use std::time::{Duration, Instant};

use p2ham_server::{AppState, NewPeriod, NewUnit, NewUser, Role, Settings};
use serde_json::{json, Value};

struct Args {
    clients: usize,
    uploads: usize,
    seconds: u64,
    database: Option<String>,
}

fn args() -> Args {
    let mut a = Args {
        clients: 32,
        uploads: 20_000,
        seconds: 60,
        database: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--clients" => a.clients = value.parse().expect("--clients N"),
            "--uploads" => a.uploads = value.parse().expect("--uploads N"),
            "--seconds" => a.seconds = value.parse().expect("--seconds N"),
            "--database" => a.database = Some(value),
            other => panic!("unknown flag {other} (--clients, --uploads, --seconds, --database)"),
        }
    }
    a
}

/// A valid lapas self-assessment answering every applicable indicator; `n` varies the content.
fn document(instrument: &Value, unit: &str, n: usize) -> Vec<u8> {
    let scales: Vec<&Value> = instrument["scales"].as_array().expect("scales").iter().collect();
    let mut answers = Vec::new();
    let mut i = n;
    for c in instrument["criteria"].as_array().expect("criteria") {
        for ind in c["indicators"].as_array().expect("indicators") {
            let applies = ind["applies_to"].as_array().expect("applies_to");
            if !applies.is_empty() && !applies.iter().any(|k| k == "lapas") {
                continue;
            }
            let scale = scales.iter().find(|s| s["id"] == ind["scale"]).expect("scale");
            let options = scale["options"].as_array().expect("options");
            i = i.wrapping_mul(31).wrapping_add(7);
            let option = &options[i % options.len()];
            let mut a =
                json!({"indicator": ind["id"], "value": option["code"], "note": format!("catatan {n}")});
            if ind["evidence"] == "required" {
                a["evidence"] = json!([{"path": format!("foto/{}.jpg", ind["id"].as_str().expect("id")), "sha256": p2ham_io::digest::sha256_hex(format!("{n}{i}").as_bytes())}]);
            }
            answers.push(a);
        }
    }
    serde_json::to_vec_pretty(&json!({
        "format": "p2ham-assessment/1",
        "instrument": {"id": "p2ham-2022", "version": instrument["version"]},
        "unit": {"id": unit, "name": format!("Lapas {unit}"), "kind": "lapas", "office": "Kanwil Beban"},
        "period": "2023",
        "stage": "self",
        "assessed_on": "2023-03-01",
        "assessors": [{"name": "Operator", "role": "operator"}],
        "answers": answers,
    }))
    .expect("json")
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn main() {
    let a = args();
    let dir = tempfile::tempdir().expect("temp dir");
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");

    // A fresh schema on PostgreSQL, dropped at the end.
    let (database, schema) = match &a.database {
        Some(url) if url.starts_with("postgres") => {
            let schema = format!("p2ham_bench_{}", std::process::id());
            server_rt.block_on(async {
                sqlx::any::install_default_drivers();
                let pool = sqlx::AnyPool::connect(url).await.expect("connect");
                sqlx::query(&format!("CREATE SCHEMA {schema}"))
                    .execute(&pool)
                    .await
                    .expect("schema");
                pool.close().await;
            });
            let sep = if url.contains('?') { '&' } else { '?' };
            (
                Some(format!("{url}{sep}options=-c%20search_path%3D{schema}")),
                Some((url.clone(), schema)),
            )
        }
        other => (other.clone(), None),
    };
    let mut settings = Settings::new(dir.path().join("data"));
    settings.database = database;
    settings.login_attempts_per_minute = 1000;
    let state = server_rt.block_on(AppState::open(&settings)).expect("open");
    let backend = format!("{:?}", state.db().backend());
    let instrument: Value = serde_json::from_str(
        p2ham_io::BUILTINS
            .iter()
            .find(|b| b.id == "p2ham-2022")
            .expect("built-in")
            .source,
    )
    .expect("instrument");
    server_rt.block_on(async {
        let admin = state.admin();
        admin
            .create_period(&NewPeriod {
                id: "2023".into(),
                year: 2023,
                instrument: "p2ham-2022".into(),
                self_opens: None,
                self_closes: None,
                verification_opens: None,
                verification_closes: None,
                previous: None,
            })
            .await
            .expect("period");
        for c in 0..a.clients {
            admin
                .create_unit(&NewUnit {
                    id: format!("lapas-{c}"),
                    name: format!("Lapas {c}"),
                    kind: "lapas".into(),
                    office: "Kanwil Beban".into(),
                })
                .await
                .expect("unit");
            admin
                .create_user(&NewUser {
                    username: format!("op-{c}"),
                    name: format!("Operator {c}"),
                    role: Role::Operator,
                    unit: Some(format!("lapas-{c}")),
                    office: None,
                    password: "bench-password".into(),
                })
                .await
                .expect("user");
        }
    });
    let listener = server_rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = server_rt.spawn(p2ham_server::serve(listener, state.clone(), async {
        let _ = stop_rx.await;
    }));

    // Documents prepared before the clock starts (the client's own cost is not measured).
    let per_client = a.uploads.div_ceil(a.clients);
    let docs: Arc<Vec<Vec<Vec<u8>>>> = Arc::new(
        (0..a.clients)
            .map(|c| {
                (0..per_client.min(64))
                    .map(|n| document(&instrument, &format!("lapas-{c}"), n))
                    .collect()
            })
            .collect(),
    );
    let bytes = docs[0][0].len();
    let deadline = Duration::from_secs(a.seconds);
    let (latencies, elapsed, failures) = client_rt.block_on(async {
        let mut tasks = Vec::new();
        let start = Instant::now();
        for c in 0..a.clients {
            let (base, docs) = (base.clone(), Arc::clone(&docs));
            tasks.push(tokio::spawn(async move {
                let http = reqwest::Client::builder()
                    .cookie_store(true)
                    .build()
                    .expect("client");
                let login: Value = http
                    .post(format!("{base}/api/v1/session"))
                    .json(&json!({"username": format!("op-{c}"), "password": "bench-password"}))
                    .send()
                    .await
                    .expect("login")
                    .json()
                    .await
                    .expect("json");
                let token: Value = http
                    .post(format!("{base}/api/v1/tokens"))
                    .header("x-csrf-token", login["csrf_token"].as_str().expect("csrf"))
                    .json(&json!({"name": "bench"}))
                    .send()
                    .await
                    .expect("token")
                    .json()
                    .await
                    .unwrap_or(Value::Null);
                let token = token["token"].as_str().map(str::to_owned);
                let url = format!("{base}/api/v1/periods/2023/units/lapas-{c}/self-assessment");
                let mut lat = Vec::with_capacity(per_client);
                let mut failed = 0usize;
                for n in 0..per_client {
                    if start.elapsed() > deadline {
                        break;
                    }
                    let body = docs[c][n % docs[c].len()].clone();
                    let mut req = http
                        .put(&url)
                        .header("content-type", "application/json")
                        .body(body);
                    if let Some(t) = &token {
                        req = req.bearer_auth(t);
                    }
                    let t0 = Instant::now();
                    let r = req.send().await;
                    let ok = match r {
                        Ok(r) => r.status() == 200 && r.bytes().await.is_ok(),
                        Err(_) => false,
                    };
                    if ok {
                        lat.push(t0.elapsed());
                    } else {
                        failed += 1;
                    }
                }
                (lat, failed)
            }));
        }
        let mut all = Vec::new();
        let mut failures = 0;
        for t in tasks {
            let (lat, failed) = t.await.expect("client");
            all.extend(lat);
            failures += failed;
        }
        (all, start.elapsed(), failures)
    });
    let _ = stop_tx.send(());
    let _ = server_rt.block_on(server);
    if let Some((url, schema)) = schema {
        server_rt.block_on(async {
            let pool = sqlx::AnyPool::connect(&url).await.expect("connect");
            sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                .execute(&pool)
                .await
                .expect("drop");
            pool.close().await;
        });
    }
    let mut sorted = latencies;
    sorted.sort();
    #[allow(clippy::cast_precision_loss)]
    let rate = sorted.len() as f64 / elapsed.as_secs_f64();
    println!(
        "backend {backend}: {} clients, {} uploads acknowledged ({failures} failed) in {:.1} s = {rate:.0} uploads/s; \
         latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; document {bytes} bytes, 63 answers",
        a.clients,
        sorted.len(),
        elapsed.as_secs_f64(),
        percentile(&sorted, 0.50).as_secs_f64() * 1000.0,
        percentile(&sorted, 0.99).as_secs_f64() * 1000.0,
        sorted.last().copied().unwrap_or_default().as_secs_f64() * 1000.0,
    );
}
