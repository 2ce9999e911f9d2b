//! What the tests that start `p2ham serve` share: reading where it listens,
//! logging in, listing a case's evidence, and made-up photos.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::Child;

use serde_json::{json, Value};

/// The demo accounts' password.
pub const PASSWORD: &str = "demo-p2ham-2023";

/// Reads what a started `p2ham serve` prints until its welcome text ends
/// (the line about turning the demo off, or creating an admin); returns its
/// base URL and what it printed.
pub fn listening(child: &mut Child) -> (String, String) {
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut printed = String::new();
    let mut base = None;
    loop {
        let mut line = String::new();
        if out.read_line(&mut line).expect("read") == 0 {
            break;
        }
        if let Some(rest) = line.strip_prefix("P2HAM application listening on ") {
            base = Some(rest.trim().trim_end_matches('/').to_owned());
        }
        printed.push_str(&line);
        if line.starts_with("Turn the demo off") || line.starts_with("Demo data is off") {
            break;
        }
    }
    let base = base.unwrap_or_else(|| panic!("no address printed:\n{printed}"));
    (base, printed)
}

/// A runtime for the HTTP clients of a test.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// Logs `http` in as `user` through `base`; returns the CSRF token.
pub async fn login(http: &reqwest::Client, base: &str, user: &str) -> String {
    let r = http
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"username": user, "password": PASSWORD}))
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), 200, "login of {user}");
    r.json::<Value>().await.expect("json")["csrf_token"]
        .as_str()
        .expect("csrf")
        .to_owned()
}

/// A case's evidence as listed at `url`: (path, SHA-256) pairs.
pub async fn evidence_listing(http: &reqwest::Client, url: &str) -> Vec<(String, String)> {
    let listed: Value = http
        .get(url)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    listed
        .as_array()
        .expect("list")
        .iter()
        .map(|e| {
            (
                e["path"].as_str().expect("path").to_owned(),
                e["sha256"].as_str().expect("sha256").to_owned(),
            )
        })
        .collect()
}

/// A PNG of `len` bytes whose content depends on `seed`.
pub fn png(seed: u64, len: usize) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut x = seed
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    while v.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.extend_from_slice(&x.to_le_bytes());
    }
    v.truncate(len);
    v
}
