//! `p2ham admin backup` and `p2ham admin restore` on the real binary, with
//! `p2ham serve` running on the data folder: the round trip verifies with the
//! head the backup printed; a tampered backup, a non-empty target and a
//! PostgreSQL database are refused with their exit status and the file or
//! command to use named.

mod common;

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

fn p2ham() -> Command {
    Command::new(env!("CARGO_BIN_EXE_p2ham"))
}

fn run(dir: &Path, args: &[&str]) -> Output {
    p2ham()
        .current_dir(dir)
        .args(args)
        .env_remove("P2HAM_DATA_DIR")
        .env_remove("P2HAM_DATABASE")
        .env_remove("P2HAM_EVIDENCE_DIR")
        .output()
        .expect("run p2ham")
}

fn stdout_ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr_of(out: &Output, code: i32) -> String {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `p2ham serve` with the demo data in `dir/p2ham-data`, once it listens.
fn serve(dir: &Path) -> Child {
    let mut child = p2ham()
        .current_dir(dir)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("P2HAM_LOG", "warn")
        .env_remove("P2HAM_DATA_DIR")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn p2ham serve");
    common::listening(&mut child);
    child
}

/// A copy of a folder and everything under it.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// The head a backup or verification printed.
fn head(printed: &str) -> String {
    printed
        .split("head ")
        .nth(1)
        .and_then(|s| s.get(..64))
        .unwrap_or_else(|| panic!("no head in {printed}"))
        .to_owned()
}

#[test]
fn backup_and_restore_round_trip_and_refusals() {
    let dir = tempfile::tempdir().expect("dir");
    let d = dir.path();
    let mut server = serve(d);
    let printed = stdout_ok(&run(d, &["admin", "backup", "--to", "backup"]));
    // The demo's evidence: the three units' signed declarations (pencanangan).
    assert!(
        printed.starts_with("backup written to backup: the database and 3 evidence file(s)"),
        "{printed}"
    );
    let backup_head = head(&printed);

    // The same folder again: refused (exit 1), naming it.
    let e = stderr_of(&run(d, &["admin", "backup", "--to", "backup"]), 1);
    assert!(e.contains("backup: the backup folder is not empty"), "{e}");
    // The running server's own folder as the restore target: refused.
    let e = stderr_of(&run(d, &["admin", "restore", "backup"]), 1);
    assert!(e.contains("p2ham-data: the data folder is not empty"), "{e}");
    let _ = Command::new("kill").arg(server.id().to_string()).status();
    let _ = server.wait();

    let printed = stdout_ok(&run(d, &["admin", "restore", "backup", "--data-dir", "restored"]));
    assert!(printed.contains("into restored"), "{printed}");
    let verified = stdout_ok(&run(d, &["admin", "audit", "verify", "--data-dir", "restored"]));
    assert!(verified.starts_with("audit log intact: "), "{verified}");
    assert_eq!(head(&verified), backup_head);

    // One byte more in the database of a copy: exit 1, the file and both digests named.
    copy_tree(&d.join("backup"), &d.join("tampered"));
    let mut db = std::fs::read(d.join("tampered/p2ham.db")).expect("db");
    db.push(0);
    std::fs::write(d.join("tampered/p2ham.db"), &db).expect("write");
    let e = stderr_of(
        &run(d, &["admin", "restore", "tampered", "--data-dir", "again"]),
        1,
    );
    assert!(e.contains("tampered/p2ham.db: expected sha256 "), "{e}");
    assert!(
        e.contains(&format!("found sha256 {}", p2ham_io::digest::sha256_hex(&db))),
        "{e}"
    );
    assert!(!d.join("again").exists());

    // PostgreSQL: exit 2, naming pg_dump; nothing written.
    let e = stderr_of(
        &run(
            d,
            &[
                "admin",
                "backup",
                "--database",
                "postgres://p2ham@127.0.0.1:1/p2ham",
                "--to",
                "pg-backup",
            ],
        ),
        2,
    );
    assert!(e.contains("pg_dump"), "{e}");
    assert!(!d.join("pg-backup").exists());
}
