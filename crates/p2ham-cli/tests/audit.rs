//! `p2ham admin audit checkpoint` and `p2ham admin audit verify --checkpoint`
//! on the real binary: a checkpoint signed with a key made by `p2ham seal
//! keygen` holds while the log grows; a log cut short behind it (its head row
//! and tables made to match) passes the chain check and fails against the
//! checkpoint; an altered checkpoint, an unknown key and a table edited by
//! hand are each named, exit 1.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn p2ham() -> Command {
    Command::new(env!("CARGO_BIN_EXE_p2ham"))
}

fn admin(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = p2ham()
        .current_dir(dir)
        .arg("admin")
        .args(args)
        .args(["--data-dir", "data"])
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

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn fails(out: &Output, code: i32) -> String {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Run statements on the application's SQLite database, as someone with
/// access to the database (not the application) would.
fn sql(dir: &Path, statements: &[&str]) {
    let url = format!("sqlite:{}", dir.join("data/p2ham.db").display());
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(async {
            let pool = sqlx::SqlitePool::connect(&url).await.expect("database");
            for s in statements {
                sqlx::query(s)
                    .execute(&pool)
                    .await
                    .unwrap_or_else(|e| panic!("{s}: {e}"));
            }
            pool.close().await;
        });
}

fn entries(verified: &str) -> u64 {
    verified
        .strip_prefix("audit log intact: ")
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not a verification: {verified}"))
}

#[test]
fn a_signed_checkpoint_catches_a_log_cut_short() {
    let dir = tempfile::tempdir().expect("dir");
    let d = dir.path();
    ok(&admin(
        d,
        &["create-admin", "--username", "root"],
        "a-long-password\n",
    ));
    std::fs::write(
        d.join("units.csv"),
        "id,name,kind,office\nkanim-sampit,Kantor Imigrasi Sampit,kanim,Kanwil Kalimantan Tengah\n",
    )
    .expect("csv");
    ok(&admin(d, &["unit", "import", "units.csv"], ""));
    ok(&admin(
        d,
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
    ));
    let before = ok(&admin(d, &["audit", "verify"], ""));
    assert!(before.contains("(0 cases, 2 users)"), "{before}");
    let n = entries(&before);

    // The key, made by the project's own keygen, kept away from the data folder.
    let out = p2ham()
        .current_dir(d)
        .args(["seal", "keygen", "--out", "audit"])
        .output()
        .expect("keygen");
    ok(&out);
    std::fs::create_dir(d.join("anchor")).expect("dir");
    let printed = ok(&admin(
        d,
        &[
            "audit",
            "checkpoint",
            "--key",
            "audit",
            "--output",
            "anchor/audit.json",
        ],
        "",
    ));
    assert!(
        printed.starts_with(&format!("checkpoint of the audit log: {n} entries, head ")),
        "{printed}"
    );
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("anchor/audit.json")).expect("checkpoint"))
            .expect("json");
    assert_eq!(doc["format"], "p2ham-audit-checkpoint/1");
    assert_eq!(doc["count"], n);
    assert!(
        before.contains(doc["head_sha256"].as_str().expect("head")),
        "{before}"
    );
    assert!(d.join("anchor/audit.json.minisig").is_file());
    let verify = [
        "audit",
        "verify",
        "--checkpoint",
        "anchor/audit.json",
        "--key",
        "audit.pub",
    ];

    // The log grows past the checkpoint: still verified.
    ok(&admin(
        d,
        &["user", "deactivate", "--username", "verifier-kalteng"],
        "",
    ));
    let grown = ok(&admin(d, &verify, ""));
    assert!(
        grown.contains(&format!(
            "it holds the checkpoint of {} (entry {n}, ",
            doc["at"].as_str().expect("at")
        )),
        "{grown}"
    );

    // Someone with the database cuts the log back to before the verifier was
    // added, points the head at the entry before, and removes the verifier.
    let kept = n - 1;
    sql(
        d,
        &[
            &format!("DELETE FROM audit_log WHERE seq > {kept}"),
            &format!(
                "UPDATE audit_head SET seq = {kept}, sha256 = (SELECT sha256 FROM audit_log WHERE seq = {kept})"
            ),
            "DELETE FROM users WHERE username = 'verifier-kalteng'",
        ],
    );
    let alone = ok(&admin(d, &["audit", "verify"], ""));
    assert_eq!(entries(&alone), kept, "the chain alone cannot tell");
    let e = fails(&admin(d, &verify, ""), 1);
    assert!(
        e.contains(&format!("records {n} entries with head"))
            && e.contains(&format!("the log holds only {kept}"))
            && e.contains("were removed"),
        "{e}"
    );

    // An altered checkpoint, a key that did not sign it, flags missing.
    let text = std::fs::read_to_string(d.join("anchor/audit.json")).expect("checkpoint");
    std::fs::write(
        d.join("anchor/edited.json"),
        text.replace(&format!("\"count\": {n}"), &format!("\"count\": {kept}")),
    )
    .expect("write");
    std::fs::copy(
        d.join("anchor/audit.json.minisig"),
        d.join("anchor/edited.json.minisig"),
    )
    .expect("copy");
    let e = fails(
        &admin(
            d,
            &[
                "audit",
                "verify",
                "--checkpoint",
                "anchor/edited.json",
                "--key",
                "audit.pub",
            ],
            "",
        ),
        1,
    );
    assert!(
        e.contains("anchor/edited.json.minisig") && e.contains("altered after signing"),
        "{e}"
    );
    ok(&p2ham()
        .current_dir(d)
        .args(["seal", "keygen", "--out", "other"])
        .output()
        .expect("keygen"));
    let e = fails(
        &admin(
            d,
            &[
                "audit",
                "verify",
                "--checkpoint",
                "anchor/audit.json",
                "--key",
                "other.pub",
            ],
            "",
        ),
        1,
    );
    assert!(e.contains("not among the keys given"), "{e}");
    fails(
        &admin(d, &["audit", "verify", "--checkpoint", "anchor/audit.json"], ""),
        2,
    );
    fails(&admin(d, &["audit", "verify", "--key", "audit.pub"], ""), 2);
    let e = fails(
        &admin(
            d,
            &[
                "audit",
                "checkpoint",
                "--key",
                "audit.pub",
                "--output",
                "anchor/x.json",
            ],
            "",
        ),
        1,
    );
    assert!(e.contains("audit.pub"), "{e}");
}

#[test]
fn verify_names_a_user_added_by_hand_and_checkpoint_refuses_it() {
    let dir = tempfile::tempdir().expect("dir");
    let d = dir.path();
    ok(&admin(
        d,
        &["create-admin", "--username", "root"],
        "a-long-password\n",
    ));
    ok(&p2ham()
        .current_dir(d)
        .args(["seal", "keygen", "--out", "audit"])
        .output()
        .expect("keygen"));
    sql(
        d,
        &[
            "INSERT INTO users (username, name, role, unit_id, office, password_hash, active, created_at) \
           SELECT 'mallory', 'Mallory', 'admin', NULL, NULL, password_hash, 1, created_at FROM users \
           WHERE username = 'root'",
        ],
    );
    let e = fails(&admin(d, &["audit", "verify"], ""), 1);
    assert!(
        e.contains("user/mallory: in the database (") && e.contains("role `admin`"),
        "{e}"
    );
    let e = fails(
        &admin(
            d,
            &["audit", "checkpoint", "--key", "audit", "--output", "cp.json"],
            "",
        ),
        1,
    );
    assert!(
        e.contains("no checkpoint written") && e.contains("user/mallory"),
        "{e}"
    );
    assert!(!d.join("cp.json").exists());
}
