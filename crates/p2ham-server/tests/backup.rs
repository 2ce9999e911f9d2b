//! `p2ham admin backup` and `restore` on the library: a backup taken while
//! the server runs and takes uploads restores into an empty folder whose
//! audit log verifies with the head the manifest names, whose documents and
//! evidence files all have their digests; a tampered file in the backup is
//! refused at restore, named; a non-empty target is refused both ways, and
//! nothing is written then.

mod common;

use std::path::{Path, PathBuf};

use common::{files_under, fixture, repo, TestServer};
use p2ham_server::{AppState, BackupError, Settings};
use sqlx::Row;

const UNITS: [&str; 3] = ["kanim-sampit", "lapas-sampit", "bapas-sampit"];

/// A PNG of `len` bytes whose content depends on `seed`.
fn png(seed: u64, len: usize) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut x = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    while v.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.extend_from_slice(&x.to_le_bytes());
    }
    v.truncate(len);
    v
}

/// Every file under `dir` (relative, `/`-separated), sorted.
fn tree(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).expect("read_dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.push(
                    p.strip_prefix(root)
                        .expect("under")
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn copy_tree(from: &Path, to: &Path) {
    for rel in tree(from) {
        let dest = to.join(&rel);
        std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
        std::fs::copy(from.join(&rel), dest).expect("copy");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_the_server_runs_restores_and_verifies() {
    let server = TestServer::start(common::Db::Sqlite, "backup").await;
    let mut documents = Vec::new();
    let mut evidence = Vec::new();
    for unit in UNITS {
        let op = server.login(&format!("operator-{unit}")).await;
        let files = files_under(&repo().join("fixtures/evidence").join(unit), &["foto", "dokumen"]);
        evidence.extend(files.iter().map(|(_, b)| p2ham_io::digest::sha256_hex(b)));
        op.upload(&format!("{}/evidence", common::sampit_case(unit)), files)
            .await
            .expect(201);
        let doc = fixture(&format!("fixtures/assessments/sampit-2023/{unit}.self.json"));
        documents.push(p2ham_io::digest::sha256_hex(&doc));
        op.put_bytes(&format!("{}/self-assessment", common::sampit_case(unit)), doc)
            .await
            .expect(200);
        if unit != "kanim-sampit" {
            // kanim stays a draft: its operator goes on uploading while the backup is taken.
            op.declare("2023", unit).await;
            op.post(
                &format!("{}/submit", common::sampit_case(unit)),
                serde_json::json!({}),
            )
            .await
            .expect(200);
        }
    }
    assert!(evidence.len() >= 20, "{}", evidence.len());

    // Uploads go on while the backup is taken.
    let op = server.login("operator-kanim-sampit").await;
    let writer = tokio::spawn(async move {
        let mut acknowledged = Vec::new();
        for i in 0..40u64 {
            let bytes = png(i, 20_000 + usize::try_from(i).expect("small") * 997);
            let sha = p2ham_io::digest::sha256_hex(&bytes);
            let r = op
                .upload(
                    &format!("{}/evidence", common::sampit_case("kanim-sampit")),
                    vec![(format!("foto/lagi-{i}.png"), bytes)],
                )
                .await;
            r.expect(201);
            acknowledged.push(sha);
        }
        acknowledged
    });
    let settings = server.state.settings().clone();
    let work = tempfile::tempdir().expect("dir");
    let backup = work.path().join("backup");
    let manifest = p2ham_server::backup(&settings, &backup).await.expect("backup");
    let during = writer.await.expect("writer");
    assert_eq!(during.len(), 40);

    // The manifest lists exactly the files of the folder, each with its digest and size.
    let listed: Vec<String> = manifest.files.iter().map(|f| f.path.clone()).collect();
    let mut expected_tree = listed.clone();
    expected_tree.push("manifest.json".into());
    expected_tree.sort();
    assert_eq!(tree(&backup), expected_tree);
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(listed, sorted, "files sorted by path");
    for f in &manifest.files {
        let bytes = std::fs::read(backup.join(&f.path)).expect("file");
        assert_eq!(p2ham_io::digest::sha256_hex(&bytes), f.sha256, "{}", f.path);
        assert_eq!(bytes.len() as u64, f.size, "{}", f.path);
    }
    assert_eq!(listed.last().map(String::as_str), Some("p2ham.db"));
    for sha in &evidence {
        let path = format!("evidence/objects/{}/{sha}", &sha[..2]);
        assert!(listed.contains(&path), "{path} missing from the backup");
    }
    let text = std::fs::read_to_string(backup.join("manifest.json")).expect("manifest");
    assert!(
        text.starts_with("{\n  \"format\": \"p2ham-backup/1\",\n"),
        "{text}"
    );
    assert!(text.ends_with("}\n"));
    assert_eq!(manifest.created_at.len(), "2026-01-01T00:00:00Z".len());
    // Demo data, 3 uploads, 3 self-assessments, 2 submissions, and the uploads made meanwhile.
    assert!(manifest.audit.entries >= 8, "{}", manifest.audit.entries);

    // Restore into an empty folder: the audit log verifies, with the manifest's head.
    let restored = Settings::new(work.path().join("restored"));
    std::fs::create_dir(&restored.data_dir).expect("empty folder");
    let again = p2ham_server::restore(&restored, &backup).await.expect("restore");
    assert_eq!(again, manifest);
    let state = AppState::open(&restored).await.expect("open the restored folder");
    let verified = state
        .admin()
        .verify_audit()
        .await
        .expect("the restored audit log verifies");
    assert_eq!(verified.entries, manifest.audit.entries);
    assert_eq!(verified.head, manifest.audit.head_sha256);

    // Every document has its digest, and the three self-assessments are there.
    let rows = sqlx::query("SELECT sha256, body FROM documents")
        .fetch_all(state.db().pool())
        .await
        .expect("documents");
    let mut restored_docs = Vec::new();
    for row in &rows {
        let sha: String = row.try_get("sha256").expect("sha256");
        let body: String = row.try_get("body").expect("body");
        assert_eq!(p2ham_io::digest::sha256_hex(body.as_bytes()), sha);
        restored_docs.push(sha);
    }
    for sha in &documents {
        assert!(restored_docs.contains(sha), "document {sha} missing");
    }
    // Every evidence row's file is there with its digest; the fixtures' too.
    let rows = sqlx::query("SELECT sha256, size FROM evidence")
        .fetch_all(state.db().pool())
        .await
        .expect("evidence");
    let mut restored_evidence = Vec::new();
    for row in &rows {
        let sha: String = row.try_get("sha256").expect("sha256");
        let size: i64 = row.try_get("size").expect("size");
        let bytes = state
            .store()
            .get(&sha)
            .await
            .expect("the evidence file, unaltered");
        assert_eq!(i64::try_from(bytes.len()).expect("size"), size, "{sha}");
        restored_evidence.push(sha);
    }
    for sha in &evidence {
        assert!(restored_evidence.contains(sha), "evidence {sha} missing");
    }
    state.db().close().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_backup_and_non_empty_targets_are_refused() {
    let server = TestServer::start(common::Db::Sqlite, "backup_refusals").await;
    let op = server.login("operator-lapas-sampit").await;
    let files = files_under(&repo().join("fixtures/evidence/lapas-sampit"), &["foto"]);
    let first = p2ham_io::digest::sha256_hex(&files[0].1);
    op.upload(
        &format!("{}/evidence", common::sampit_case("lapas-sampit")),
        files,
    )
    .await
    .expect(201);
    let settings = server.state.settings().clone();
    let work = tempfile::tempdir().expect("dir");

    // A backup folder that is not empty: refused, its file untouched, nothing else written.
    let occupied = work.path().join("occupied");
    std::fs::create_dir(&occupied).expect("dir");
    std::fs::write(occupied.join("keep.txt"), b"mine").expect("write");
    let e = p2ham_server::backup(&settings, &occupied)
        .await
        .expect_err("refused");
    assert!(matches!(e, BackupError::NotEmpty { .. }), "{e}");
    assert!(e.to_string().contains("occupied"), "{e}");
    assert_eq!(tree(&occupied), vec!["keep.txt".to_owned()]);
    // A file in the way is refused too.
    let e = p2ham_server::backup(&settings, &occupied.join("keep.txt"))
        .await
        .expect_err("refused");
    assert!(matches!(e, BackupError::NotEmpty { .. }), "{e}");

    let backup = work.path().join("backup");
    p2ham_server::backup(&settings, &backup).await.expect("backup");
    let leftovers: Vec<PathBuf> = std::fs::read_dir(work.path())
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // Restoring into a data folder that is not empty: refused, nothing written.
    let busy = Settings::new(work.path().join("busy"));
    std::fs::create_dir(&busy.data_dir).expect("dir");
    std::fs::write(busy.data_dir.join("p2ham.db"), b"someone's").expect("write");
    let e = p2ham_server::restore(&busy, &backup).await.expect_err("refused");
    assert!(matches!(e, BackupError::NotEmpty { .. }), "{e}");
    assert!(e.to_string().contains("busy"), "{e}");
    assert_eq!(
        std::fs::read(busy.data_dir.join("p2ham.db")).expect("kept"),
        b"someone's"
    );

    // One evidence file changed in a copy of the backup: named, with what was expected.
    let tampered = work.path().join("tampered");
    copy_tree(&backup, &tampered);
    let rel = format!("evidence/objects/{}/{first}", &first[..2]);
    let mut bytes = std::fs::read(tampered.join(&rel)).expect("file");
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(tampered.join(&rel), &bytes).expect("write");
    let target = Settings::new(work.path().join("fresh"));
    let e = p2ham_server::restore(&target, &tampered)
        .await
        .expect_err("refused");
    let message = e.to_string();
    assert!(matches!(e, BackupError::Damaged { .. }), "{message}");
    assert!(message.contains(&rel), "{message}");
    assert!(message.contains(&format!("expected sha256 {first}")), "{message}");
    assert!(
        message.contains(&p2ham_io::digest::sha256_hex(&bytes)),
        "{message}"
    );
    assert!(!target.data_dir.exists(), "nothing restored");

    // A file the manifest does not list, and a listed file missing: named too.
    let extra = work.path().join("extra");
    copy_tree(&backup, &extra);
    std::fs::write(extra.join("evidence/objects/stray"), b"x").expect("write");
    let e = p2ham_server::restore(&target, &extra).await.expect_err("refused");
    assert!(
        e.to_string().contains("stray") && e.to_string().contains("not listed"),
        "{e}"
    );
    std::fs::remove_file(extra.join("evidence/objects/stray")).expect("rm");
    std::fs::remove_file(extra.join(&rel)).expect("rm");
    let e = p2ham_server::restore(&target, &extra).await.expect_err("refused");
    assert!(
        e.to_string().contains(&rel) && e.to_string().contains("missing"),
        "{e}"
    );
    assert!(!target.data_dir.exists(), "nothing restored");

    // The untouched backup restores.
    p2ham_server::restore(&target, &backup).await.expect("restore");
    assert!(target.data_dir.join("p2ham.db").is_file());
    assert!(target.data_dir.join(&rel).is_file());

    // PostgreSQL: pg_dump's work, said before anything is touched.
    let mut pg = Settings::new(work.path().join("pg"));
    pg.database = Some("postgres://p2ham@127.0.0.1:1/p2ham".into());
    let e = p2ham_server::backup(&pg, &work.path().join("pg-backup"))
        .await
        .expect_err("refused");
    assert!(matches!(e, BackupError::Usage(_)), "{e}");
    assert!(e.to_string().contains("pg_dump"), "{e}");
    assert!(!work.path().join("pg-backup").exists());
    let e = p2ham_server::restore(&pg, &backup).await.expect_err("refused");
    assert!(
        matches!(e, BackupError::Usage(_)) && e.to_string().contains("pg_restore"),
        "{e}"
    );
    server.stop().await;
}
