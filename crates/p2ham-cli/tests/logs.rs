//! `p2ham serve --log-format json`: one JSON object a line on standard error,
//! for a log collector.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::Value;

#[test]
fn the_json_log_is_one_object_a_line() {
    let dir = tempfile::tempdir().expect("dir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_p2ham"))
        .current_dir(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0", "--log-format", "json"])
        .env("P2HAM_LOG", "info,tower_http=debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn p2ham serve");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut base = None;
    loop {
        let mut line = String::new();
        if out.read_line(&mut line).expect("read") == 0 {
            break;
        }
        if let Some(rest) = line.strip_prefix("P2HAM application listening on ") {
            base = Some(rest.trim().trim_end_matches('/').to_owned());
        }
        if line.starts_with("Turn the demo off") {
            break;
        }
    }
    let base = base.expect("address printed");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let r = reqwest::get(format!("{base}/api/v1/health"))
            .await
            .expect("health");
        assert_eq!(r.status(), 200);
    });
    // SIGTERM: a graceful stop; the log is complete when the process ends.
    let _ = Command::new("kill").arg(child.id().to_string()).status();
    let output = child.wait_with_output().expect("wait");
    let log = String::from_utf8(output.stderr).expect("UTF-8");
    let lines: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(lines
        .iter()
        .all(|l| l["timestamp"].is_string() && l["level"].is_string()));
    let finished = lines
        .iter()
        .find(|l| l["fields"]["message"] == "finished processing request")
        .unwrap_or_else(|| panic!("no request logged:\n{log}"));
    assert_eq!(finished["fields"]["status"], 200);
    assert_eq!(finished["span"]["uri"], "/api/v1/health");
    assert_eq!(finished["span"]["method"], "GET");
}
