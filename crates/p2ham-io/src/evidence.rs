//! Evidence integrity (`"format": "p2ham-evidence/1"`): hash every evidence
//! file the assessments reference, confined to one folder, and list the files
//! nobody references; and the `sha256sum`-style manifest of a folder.
//!
//! **Confinement.** Every referenced path is checked before the file system is
//! touched: an empty, absolute, `..` or `\` path is refused
//! ([`evidence_path_problem`]). The file is then opened from a handle on the
//! root, one component at a time, never letting the kernel follow a link: a
//! symbolic link is read and followed only while it stays beneath the root (a
//! `..` above the root, or a link leading out, is refused without opening
//! anything outside). There is no separate check before the open, so a link
//! swapped in meanwhile cannot lead outside. Files must be regular files (a
//! FIFO or device is refused without blocking) and are hashed in 64 KiB blocks.
//! The walk for unreferenced files never follows symbolic links; a link inside
//! the folder that leads outside it is reported `refused`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};

use p2ham_model::{evidence_path_problem, Stage};
use serde::{Deserialize, Serialize};

use crate::beneath::{Beneath, Root};
use crate::{digest::sha256_reader, document::LoadedAssessment, IoError};

/// The `format` of an evidence report.
pub const EVIDENCE_FORMAT: &str = p2ham_model::format::EVIDENCE;

/// What was found for one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum EvidenceStatus {
    /// Present, and its SHA-256 matches the one the assessment records.
    Present,
    /// Present; the assessment records no SHA-256 to check it against.
    PresentUnhashed,
    /// Referenced, but no such file under the root (fails).
    Missing,
    /// Present, but its SHA-256 differs from the one recorded (fails).
    Altered,
    /// Not looked at: a malformed path, a path leading outside the root, or not a
    /// regular file (fails).
    Refused,
    /// Present but could not be read (fails).
    Unreadable,
    /// A file under the root that no assessment references (a warning, not a failure).
    Unreferenced,
}

impl EvidenceStatus {
    /// The status as written in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceStatus::Present => "present",
            EvidenceStatus::PresentUnhashed => "present_unhashed",
            EvidenceStatus::Missing => "missing",
            EvidenceStatus::Altered => "altered",
            EvidenceStatus::Refused => "refused",
            EvidenceStatus::Unreadable => "unreadable",
            EvidenceStatus::Unreferenced => "unreferenced",
        }
    }

    /// Whether this status makes the check fail.
    pub fn fails(self) -> bool {
        matches!(
            self,
            EvidenceStatus::Missing
                | EvidenceStatus::Altered
                | EvidenceStatus::Refused
                | EvidenceStatus::Unreadable
        )
    }
}

/// One place an assessment references a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EvidenceReference {
    /// The assessment file.
    pub file: String,
    /// Where in it, e.g. `answers[3].evidence[0]`.
    pub path: String,
    /// The indicator answered.
    pub indicator: String,
    /// The SHA-256 recorded there, if any.
    pub sha256: Option<String>,
}

/// One file, referenced or found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EvidenceEntry {
    /// Path relative to the root, `/`-separated (as written in the assessment when referenced).
    pub path: String,
    /// What was found.
    pub status: EvidenceStatus,
    /// Every reference to it (empty for unreferenced files).
    pub references: Vec<EvidenceReference>,
    /// The SHA-256 recorded in the assessment (the first, when references disagree).
    pub expected_sha256: Option<String>,
    /// The SHA-256 of the file as found; `null` when it was not read.
    #[cfg_attr(feature = "schema", schemars(pattern(crate::model::SHA256_PATTERN)))]
    pub actual_sha256: Option<String>,
    /// Size in bytes, when the file was found.
    pub size: Option<u64>,
    /// Why the file is refused, missing, altered or unreadable.
    pub reason: Option<String>,
}

/// One assessment whose references were checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EvidenceDocument {
    /// The file.
    pub file: String,
    /// Unit id.
    #[cfg_attr(feature = "schema", schemars(pattern(crate::model::UNIT_ID_PATTERN)))]
    pub unit: String,
    /// Period.
    pub period: String,
    /// Stage.
    pub stage: Stage,
    /// Lowercase hex SHA-256 of the file.
    #[cfg_attr(feature = "schema", schemars(pattern(crate::model::SHA256_PATTERN)))]
    pub sha256: String,
}

/// Number of files per status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EvidenceCounts {
    /// Present, hash matches.
    pub present: u32,
    /// Present, no hash recorded.
    pub present_unhashed: u32,
    /// Missing.
    pub missing: u32,
    /// Hash mismatch.
    pub altered: u32,
    /// Refused.
    pub refused: u32,
    /// Unreadable.
    pub unreadable: u32,
    /// Not referenced.
    pub unreferenced: u32,
}

impl EvidenceCounts {
    fn add(&mut self, s: EvidenceStatus) {
        let slot = match s {
            EvidenceStatus::Present => &mut self.present,
            EvidenceStatus::PresentUnhashed => &mut self.present_unhashed,
            EvidenceStatus::Missing => &mut self.missing,
            EvidenceStatus::Altered => &mut self.altered,
            EvidenceStatus::Refused => &mut self.refused,
            EvidenceStatus::Unreadable => &mut self.unreadable,
            EvidenceStatus::Unreferenced => &mut self.unreferenced,
        };
        *slot += 1;
    }
}

/// The result of `p2ham evidence verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", schemars(title = "P2HAM evidence check"))]
pub struct EvidenceReport {
    /// Always `p2ham-evidence/1`.
    pub format: String,
    /// The evidence folder, as given.
    pub root: String,
    /// The assessments whose references were checked.
    pub documents: Vec<EvidenceDocument>,
    /// `true` when nothing is missing, altered, refused or unreadable
    /// (unreferenced files are reported but do not fail the check).
    pub ok: bool,
    /// Files per status.
    pub counts: EvidenceCounts,
    /// Every referenced file and every unreferenced file under the root, sorted by path.
    pub files: Vec<EvidenceEntry>,
}

fn root_error(root: &Path, message: String) -> IoError {
    IoError::Input {
        file: root.display().to_string(),
        message,
    }
}

/// The canonical form of an evidence folder, or an error naming it.
fn canonical_root(root: &Path) -> Result<PathBuf, IoError> {
    let canon = root
        .canonicalize()
        .map_err(|e| root_error(root, format!("cannot open the evidence folder: {e}")))?;
    if !canon.is_dir() {
        return Err(root_error(
            root,
            "is not a folder; expected the evidence folder".into(),
        ));
    }
    Ok(canon)
}

/// A handle on the evidence folder, to open files beneath it.
fn open_root(root: &Path, canon: &Path) -> Result<Root, IoError> {
    Root::open(canon).map_err(|e| root_error(root, format!("cannot open the evidence folder: {e}")))
}

/// A path relative to `base` as a `/`-separated string. A name that is not
/// UTF-8 is shown losslessly: each byte that is not part of valid UTF-8 as
/// `\xNN` and a backslash as `\\`, so two such names never collapse into one.
fn relative(path: &Path, base: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    rel.components()
        .map(|c| lossless_name(c.as_os_str()))
        .collect::<Vec<_>>()
        .join("/")
}

/// A file name as text: unchanged when it is UTF-8, else escaped byte by byte.
fn lossless_name(name: &std::ffi::OsStr) -> String {
    use std::fmt::Write as _;
    use std::os::unix::ffi::OsStrExt;
    if let Some(text) = name.to_str() {
        return text.to_owned();
    }
    let mut shown = String::new();
    for chunk in name.as_bytes().utf8_chunks() {
        shown.push_str(&chunk.valid().replace('\\', "\\\\"));
        for b in chunk.invalid() {
            let _ = write!(shown, "\\x{b:02x}");
        }
    }
    shown
}

/// A referenced path without `.` parts (only for paths that passed the checks).
pub(crate) fn normalise(path: &str) -> String {
    path.split('/')
        .filter(|p| *p != ".")
        .collect::<Vec<_>>()
        .join("/")
}

fn entry(path: String, status: EvidenceStatus) -> EvidenceEntry {
    EvidenceEntry {
        path,
        status,
        references: Vec::new(),
        expected_sha256: None,
        actual_sha256: None,
        size: None,
        reason: None,
    }
}

/// Check one referenced, well-formed path beneath the root. The file is
/// opened from a handle on the root, component by component, never following
/// a link out (see [`crate::beneath`]): what is hashed is what was checked.
fn check_referenced(root: &Root, path: &str, refs: Vec<EvidenceReference>) -> EvidenceEntry {
    let mut e = entry(path.to_owned(), EvidenceStatus::Missing);
    let expected: BTreeSet<String> = refs.iter().filter_map(|r| r.sha256.clone()).collect();
    e.expected_sha256 = refs.iter().find_map(|r| r.sha256.clone());
    e.references = refs;
    let disagree = expected.len() > 1;
    let file = match root.open_file(path) {
        Ok(f) => f,
        Err(Beneath::NotFound { through_link }) => {
            e.reason = Some(if through_link {
                "a symbolic link to a file that does not exist".into()
            } else {
                "no such file under the evidence folder".into()
            });
            return e;
        }
        Err(Beneath::Escapes) => {
            e.status = EvidenceStatus::Refused;
            e.reason =
                Some("resolves outside the evidence folder (through a symbolic link); not read".into());
            return e;
        }
        Err(Beneath::NotRegular) => {
            e.status = EvidenceStatus::Refused;
            e.reason = Some("not a regular file".into());
            return e;
        }
        Err(Beneath::Io(err)) => {
            e.status = EvidenceStatus::Unreadable;
            e.reason = Some(format!("cannot read: {err}"));
            return e;
        }
    };
    e.size = file.metadata().ok().map(|m| m.len());
    let actual = match sha256_reader(file) {
        Ok(h) => h,
        Err(err) => {
            e.status = EvidenceStatus::Unreadable;
            e.reason = Some(format!("cannot read: {err}"));
            return e;
        }
    };
    e.status = if expected.is_empty() {
        EvidenceStatus::PresentUnhashed
    } else if !disagree && expected.contains(&actual) {
        EvidenceStatus::Present
    } else {
        e.reason = Some(if disagree {
            format!(
                "the references record different SHA-256 digests ({}); the file's is {actual}",
                expected.iter().map(String::as_str).collect::<Vec<_>>().join(", ")
            )
        } else {
            format!(
                "SHA-256 is {actual}, the assessment records {}",
                e.expected_sha256.as_deref().unwrap_or_default()
            )
        });
        EvidenceStatus::Altered
    };
    e.actual_sha256 = Some(actual);
    e
}

/// Hash one file named by a `/`-separated path under `root`, with the same
/// confinement as [`verify_evidence`]: the entry's status is `present_unhashed`
/// with its digest, or why it is missing, refused or unreadable.
#[cfg_attr(not(feature = "seal"), allow(dead_code))]
pub(crate) fn hash_under_root(root: &Path, path: &str) -> Result<EvidenceEntry, IoError> {
    let canon = canonical_root(root)?;
    let handle = open_root(root, &canon)?;
    Ok(match evidence_path_problem(path) {
        Some(reason) => EvidenceEntry {
            reason: Some(reason),
            ..entry(path.to_owned(), EvidenceStatus::Refused)
        },
        None => check_referenced(&handle, &normalise(path), Vec::new()),
    })
}

/// Check every evidence file the assessments reference against the folder `root`,
/// and list the files under it that none references.
///
/// Errors only when the root is not a readable folder; everything about single
/// files is reported in the result.
pub fn verify_evidence(documents: &[LoadedAssessment], root: &Path) -> Result<EvidenceReport, IoError> {
    let canon = canonical_root(root)?;
    let handle = open_root(root, &canon)?;
    // Referenced paths, well-formed (normalised) or not (as written).
    let mut referenced: BTreeMap<String, (Option<String>, Vec<EvidenceReference>)> = BTreeMap::new();
    for doc in documents {
        for (ai, answer) in doc.assessment.answers.iter().enumerate() {
            for (ei, ev) in answer.evidence.iter().enumerate() {
                let problem = evidence_path_problem(&ev.path);
                let key = if problem.is_some() {
                    ev.path.clone()
                } else {
                    normalise(&ev.path)
                };
                let slot = referenced.entry(key).or_insert_with(|| (problem, Vec::new()));
                slot.1.push(EvidenceReference {
                    file: doc.file.clone(),
                    path: format!("answers[{ai}].evidence[{ei}]"),
                    indicator: answer.indicator.clone(),
                    sha256: ev.sha256.clone(),
                });
            }
        }
    }
    let mut files: BTreeMap<String, EvidenceEntry> = BTreeMap::new();
    for (path, (problem, refs)) in referenced {
        let e = match problem {
            Some(reason) => EvidenceEntry {
                reason: Some(reason),
                references: refs,
                ..entry(path.clone(), EvidenceStatus::Refused)
            },
            None => check_referenced(&handle, &path, refs),
        };
        files.insert(path, e);
    }
    for item in walkdir::WalkDir::new(&canon).follow_links(false).min_depth(1) {
        let item = match item {
            Ok(i) => i,
            Err(err) => {
                let path = err.path().map_or_else(String::new, |p| relative(p, &canon));
                let mut e = entry(path.clone(), EvidenceStatus::Unreadable);
                e.reason = Some(format!("cannot read: {err}"));
                files.entry(path).or_insert(e);
                continue;
            }
        };
        let kind = item.file_type();
        if kind.is_dir() {
            continue;
        }
        let rel = relative(item.path(), &canon);
        if files.contains_key(&rel) {
            continue;
        }
        let mut e = entry(rel.clone(), EvidenceStatus::Unreferenced);
        if kind.is_symlink() {
            match item.path().canonicalize() {
                Ok(target) if !target.starts_with(&canon) => {
                    e.status = EvidenceStatus::Refused;
                    e.reason = Some("a symbolic link leading outside the evidence folder".into());
                }
                Ok(target) if target.is_dir() => continue,
                Ok(_) => e.reason = Some("a symbolic link".into()),
                Err(_) => e.reason = Some("a symbolic link to a file that does not exist".into()),
            }
        } else {
            e.size = item.metadata().ok().map(|m| m.len());
        }
        files.insert(rel, e);
    }
    let mut counts = EvidenceCounts::default();
    for e in files.values() {
        counts.add(e.status);
    }
    let ok = !files.values().any(|e| e.status.fails());
    Ok(EvidenceReport {
        format: EVIDENCE_FORMAT.into(),
        root: root.display().to_string(),
        documents: documents
            .iter()
            .map(|d| EvidenceDocument {
                file: d.file.clone(),
                unit: d.assessment.unit.id.clone(),
                period: d.assessment.period.clone(),
                stage: d.assessment.stage,
                sha256: d.sha256.clone(),
            })
            .collect(),
        ok,
        counts,
        files: files.into_values().collect(),
    })
}

/// One evidence file an assessment references, as a report shows it: a photo
/// is read (so it can be shown), any other file only named.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EvidenceFile {
    /// The indicator it supports.
    pub indicator: String,
    /// Its path, as the assessment writes it (normalised).
    pub path: String,
    /// The assessment's caption, if any.
    pub caption: Option<String>,
    /// What the evidence check found.
    pub status: EvidenceStatus,
    /// Why it fails, or why a photo is not shown.
    pub reason: Option<String>,
    /// A photo's bytes (JPEG or PNG by name, at most [`MAX_PHOTO_BYTES`]),
    /// exactly the bytes whose SHA-256 was checked.
    pub photo: Option<Vec<u8>>,
}

/// The largest photo read to be shown in a report.
pub const MAX_PHOTO_BYTES: u64 = 20 * 1024 * 1024;

fn is_photo_name(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".jpg", ".jpeg", ".png"].iter().any(|x| lower.ends_with(x))
}

/// Every evidence file the assessments reference under `root`, in document and
/// answer order (each indicator and path once), with the evidence check's
/// status, and the bytes of each photo that passes it. Photos are read from a
/// handle on the root like every evidence file, and hashed again as read: a
/// photo that changed since it was checked is reported altered, not shown.
pub fn evidence_files(documents: &[LoadedAssessment], root: &Path) -> Result<Vec<EvidenceFile>, IoError> {
    use std::io::Read;

    let report = verify_evidence(documents, root)?;
    let handle = open_root(root, &canonical_root(root)?)?;
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for doc in documents {
        for answer in &doc.assessment.answers {
            for ev in &answer.evidence {
                let path = if evidence_path_problem(&ev.path).is_some() {
                    ev.path.clone()
                } else {
                    normalise(&ev.path)
                };
                if !seen.insert((answer.indicator.clone(), path.clone())) {
                    continue;
                }
                let found = report
                    .files
                    .binary_search_by(|e| e.path.as_str().cmp(&path))
                    .ok()
                    .map(|i| &report.files[i]);
                let mut file = EvidenceFile {
                    indicator: answer.indicator.clone(),
                    path: path.clone(),
                    caption: ev.caption.clone(),
                    status: found.map_or(EvidenceStatus::Missing, |e| e.status),
                    reason: found.and_then(|e| e.reason.clone()),
                    photo: None,
                };
                if !file.status.fails() && is_photo_name(&path) {
                    let expected = found.and_then(|e| e.actual_sha256.clone());
                    let mut bytes = Vec::new();
                    let read = handle
                        .open_file(&path)
                        .map_err(|_| "cannot be opened again".to_owned())
                        .and_then(|f| {
                            f.take(MAX_PHOTO_BYTES + 1)
                                .read_to_end(&mut bytes)
                                .map_err(|e| format!("cannot read: {e}"))
                        });
                    match read {
                        Err(reason) => {
                            file.status = EvidenceStatus::Unreadable;
                            file.reason = Some(reason);
                        }
                        Ok(n) if n as u64 > MAX_PHOTO_BYTES => {
                            file.reason = Some(format!(
                                "larger than {} MiB; not shown",
                                MAX_PHOTO_BYTES / 1024 / 1024
                            ));
                        }
                        Ok(_) if expected.as_deref() != Some(crate::digest::sha256_hex(&bytes).as_str()) => {
                            file.status = EvidenceStatus::Altered;
                            file.reason = Some("changed while it was read; not shown".into());
                        }
                        Ok(_) => file.photo = Some(bytes),
                    }
                }
                out.push(file);
            }
        }
    }
    Ok(out)
}

fn manifest_error(path: &str, message: &str) -> IoError {
    IoError::Input {
        file: path.to_owned(),
        message: message.to_owned(),
    }
}

/// Escape a file name the way `sha256sum` does: a name with `\`, a newline or
/// a carriage return gets a leading `\` on its line and those characters escaped.
fn sha256sum_name(name: &str) -> (bool, String) {
    if !name.contains(['\\', '\n', '\r']) {
        return (false, name.to_owned());
    }
    let escaped = name
        .replace('\\', "\\\\")
        .replace('\n', "\\n")
        .replace('\r', "\\r");
    (true, escaped)
}

/// The SHA-256 manifest of every file under `root`: one line
/// `<sha256>  <relative/path>` per file, sorted by path (byte order), the form
/// `sha256sum -c` reads when run inside `root`.
///
/// Symbolic links are not followed into folders; a link to a file inside the
/// folder is listed with the content it points to; a link leading outside the
/// folder, or a name that is not UTF-8, is an error.
pub fn evidence_manifest(root: &Path) -> Result<String, IoError> {
    let canon = canonical_root(root)?;
    let handle = open_root(root, &canon)?;
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    for item in walkdir::WalkDir::new(&canon).follow_links(false).min_depth(1) {
        let item = item.map_err(|e| {
            let file = e
                .path()
                .map_or_else(|| root.display().to_string(), |p| p.display().to_string());
            manifest_error(&file, &format!("cannot read: {e}"))
        })?;
        if item.file_type().is_dir() {
            continue;
        }
        let rel_path = item.path().strip_prefix(&canon).unwrap_or(item.path());
        let shown = root.join(rel_path).display().to_string();
        let Some(rel) = rel_path.to_str() else {
            return Err(manifest_error(&shown, "the file name is not valid UTF-8"));
        };
        let rel = rel.replace(std::path::MAIN_SEPARATOR, "/");
        let target = if item.file_type().is_symlink() {
            let target = item.path().canonicalize().map_err(|e| {
                manifest_error(&shown, &format!("a symbolic link that cannot be followed: {e}"))
            })?;
            if !target.starts_with(&canon) {
                return Err(manifest_error(
                    &shown,
                    "a symbolic link leading outside the folder; refusing to list it",
                ));
            }
            if target.is_dir() {
                continue;
            }
            target
        } else {
            item.path().to_path_buf()
        };
        if !std::fs::metadata(&target).is_ok_and(|m| m.is_file()) {
            continue;
        }
        files.push((rel, target));
    }
    files.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut out = String::new();
    for (rel, _) in files {
        let shown = root.join(&rel).display().to_string();
        // Opened beneath the folder: a link swapped in since the walk is not followed out.
        let file = handle.open_file(&rel).map_err(|e| match e {
            Beneath::Io(source) => IoError::Read {
                file: shown.clone(),
                source,
            },
            Beneath::Escapes => manifest_error(
                &shown,
                "a symbolic link leading outside the folder; refusing to list it",
            ),
            Beneath::NotFound { .. } | Beneath::NotRegular => manifest_error(
                &shown,
                "changed while the folder was listed (no longer a regular file)",
            ),
        })?;
        let digest = sha256_reader(file).map_err(|source| IoError::Read { file: shown, source })?;
        let (escaped, name) = sha256sum_name(&rel);
        let _ = writeln!(out, "{}{digest}  {name}", if escaped { "\\" } else { "" });
    }
    Ok(out)
}

// The tests make real symbolic links, so they run on Unix.
#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::{digest::sha256_hex, document::parse_assessment};
    use std::os::unix::fs::symlink;

    fn loaded(evidence: &[(&str, Option<&str>)]) -> LoadedAssessment {
        let answers: Vec<String> = evidence
            .iter()
            .enumerate()
            .map(|(i, (path, sha))| {
                let sha = sha.map_or_else(String::new, |s| format!(r#", "sha256": "{s}""#));
                format!(
                    r#"{{"indicator": "A.{i:02}", "value": "ada", "evidence": [{{"path": "{path}"{sha}}}]}}"#
                )
            })
            .collect();
        let json = format!(
            r#"{{"format": "p2ham-assessment/1", "instrument": {{"id": "t", "version": "1"}},
                "unit": {{"id": "u", "name": "U", "kind": "kanim"}}, "period": "2023", "stage": "self",
                "answers": [{}]}}"#,
            answers.join(",")
        );
        LoadedAssessment {
            assessment: parse_assessment("a.json", json.as_bytes()).unwrap(),
            sha256: sha256_hex(json.as_bytes()),
            file: "a.json".into(),
            path: None,
        }
    }

    fn write(path: &Path, bytes: &[u8]) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    fn find<'a>(r: &'a EvidenceReport, path: &str) -> &'a EvidenceEntry {
        r.files
            .iter()
            .find(|e| e.path == path)
            .unwrap_or_else(|| panic!("{path} not in {r:#?}"))
    }

    #[test]
    fn every_status_and_confinement() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("bukti");
        let outside = tmp.path().join("luar");
        write(&root.join("foto/maklumat.png"), b"maklumat");
        write(&root.join("foto/ramp.png"), b"the photo that was swapped in");
        write(&root.join("dokumen/sk.pdf"), b"sk");
        write(&root.join("extra.txt"), b"nobody references me");
        write(&outside.join("rahasia.txt"), b"secret");
        symlink(outside.join("rahasia.txt"), root.join("foto/tautan.png")).unwrap();
        symlink(&outside, root.join("tautan-folder")).unwrap();
        symlink(root.join("foto/maklumat.png"), root.join("foto/alias.png")).unwrap();
        let doc = loaded(&[
            ("foto/maklumat.png", Some(&sha256_hex(b"maklumat"))),
            ("./foto/ramp.png", Some(&sha256_hex(b"the original ramp photo"))),
            ("dokumen/sk.pdf", None),
            ("foto/hilang.png", Some(&sha256_hex(b"x"))),
            ("../luar/rahasia.txt", None),
            ("/etc/passwd", None),
            ("foto/tautan.png", None),
            ("tautan-folder/rahasia.txt", None),
            ("foto/alias.png", Some(&sha256_hex(b"maklumat"))),
            ("dokumen", None),
        ]);
        let r = verify_evidence(&[doc], &root).unwrap();
        assert!(!r.ok);
        assert_eq!(find(&r, "foto/maklumat.png").status, EvidenceStatus::Present);
        assert_eq!(find(&r, "foto/alias.png").status, EvidenceStatus::Present);
        let swapped = find(&r, "foto/ramp.png");
        assert_eq!(swapped.status, EvidenceStatus::Altered);
        assert_eq!(
            swapped.actual_sha256.as_deref(),
            Some(sha256_hex(b"the photo that was swapped in").as_str())
        );
        assert!(swapped
            .reason
            .as_deref()
            .unwrap()
            .contains(&sha256_hex(b"the original ramp photo")));
        assert_eq!(swapped.references[0].path, "answers[1].evidence[0]");
        assert_eq!(find(&r, "dokumen/sk.pdf").status, EvidenceStatus::PresentUnhashed);
        assert_eq!(find(&r, "foto/hilang.png").status, EvidenceStatus::Missing);
        for refused in [
            "../luar/rahasia.txt",
            "/etc/passwd",
            "foto/tautan.png",
            "tautan-folder/rahasia.txt",
            "tautan-folder",
            "dokumen",
        ] {
            let e = find(&r, refused);
            assert_eq!(e.status, EvidenceStatus::Refused, "{refused}: {e:?}");
            assert_eq!(e.actual_sha256, None, "{refused} must not be read");
        }
        assert!(find(&r, "foto/tautan.png")
            .reason
            .as_deref()
            .unwrap()
            .contains("outside"));
        assert_eq!(find(&r, "extra.txt").status, EvidenceStatus::Unreferenced);
        assert_eq!(r.counts.unreferenced, 1);
        let paths: Vec<&str> = r.files.iter().map(|e| e.path.as_str()).collect();
        let mut sorted = paths.clone();
        sorted.sort_unstable();
        assert_eq!(paths, sorted);
        assert!(!r.ok && r.counts.altered == 1);
    }

    /// A file and a folder flipped to symbolic links leading out, and back,
    /// while the evidence is verified: nothing outside is ever read.
    #[test]
    fn a_link_swapped_in_while_verifying_is_never_followed_out() {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Arc;

        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path().canonicalize().unwrap();
        let root = base.join("root");
        let outside = base.join("outside");
        write(&root.join("dir/doc.txt"), b"inside");
        write(&root.join("file.txt"), b"inside");
        write(&outside.join("doc.txt"), b"secret");
        let secret = sha256_hex(b"secret");
        let doc = loaded(&[("file.txt", None), ("dir/doc.txt", None)]);

        let stop = Arc::new(AtomicBool::new(false));
        let flipper = {
            let (stop, base, root, outside) = (stop.clone(), base.clone(), root.clone(), outside.clone());
            std::thread::spawn(move || {
                let mut flips = 0u32;
                // Bounded: stops when told, or after this many flips.
                while !stop.load(Ordering::Relaxed) && flips < 2_000_000 {
                    flips += 1;
                    // The file: a link out, then a regular file again (each put in place by rename).
                    symlink(outside.join("doc.txt"), base.join("link.tmp")).unwrap();
                    std::fs::rename(base.join("link.tmp"), root.join("file.txt")).unwrap();
                    std::fs::write(base.join("file.tmp"), b"inside").unwrap();
                    std::fs::rename(base.join("file.tmp"), root.join("file.txt")).unwrap();
                    // The folder: a link out, then the real folder again.
                    std::fs::rename(root.join("dir"), base.join("dir.aside")).unwrap();
                    symlink(&outside, root.join("dir")).unwrap();
                    std::fs::remove_file(root.join("dir")).unwrap();
                    std::fs::rename(base.join("dir.aside"), root.join("dir")).unwrap();
                }
            })
        };
        let mut seen = BTreeMap::new();
        for _ in 0..5000 {
            let r = verify_evidence(std::slice::from_ref(&doc), &root).unwrap();
            for path in ["file.txt", "dir/doc.txt"] {
                let e = find(&r, path);
                assert_ne!(
                    e.actual_sha256.as_deref(),
                    Some(secret.as_str()),
                    "{path} was read outside the root"
                );
                seen.insert((path, e.status), e.reason.clone());
            }
        }
        stop.store(true, Ordering::Relaxed);
        flipper.join().unwrap();
        // Only what a file inside, a link refused or a file caught mid-flip can give.
        for ((path, status), reason) in &seen {
            assert!(
                matches!(
                    status,
                    EvidenceStatus::PresentUnhashed | EvidenceStatus::Refused | EvidenceStatus::Missing
                ),
                "{path}: {status:?} {reason:?}"
            );
        }
    }

    #[test]
    fn unreferenced_files_only_warn() {
        let tmp = tempfile::tempdir().unwrap();
        write(&tmp.path().join("a.png"), b"a");
        write(&tmp.path().join("b.png"), b"b");
        let r = verify_evidence(&[loaded(&[("a.png", Some(&sha256_hex(b"a")))])], tmp.path()).unwrap();
        assert!(r.ok);
        assert_eq!((r.counts.present, r.counts.unreferenced), (1, 1));
    }

    #[test]
    fn names_that_are_not_utf8_stay_apart() {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        let tmp = tempfile::tempdir().unwrap();
        write(&tmp.path().join(OsStr::from_bytes(b"foto-\xff.png")), b"a");
        write(&tmp.path().join(OsStr::from_bytes(b"foto-\xfe.png")), b"b");
        write(&tmp.path().join(OsStr::from_bytes(b"a\\b-\xfe.png")), b"c");
        let r = verify_evidence(&[loaded(&[])], tmp.path()).unwrap();
        assert_eq!(r.counts.unreferenced, 3);
        let mut paths: Vec<&str> = r.files.iter().map(|e| e.path.as_str()).collect();
        paths.sort_unstable();
        assert_eq!(paths, ["a\\\\b-\\xfe.png", "foto-\\xfe.png", "foto-\\xff.png"]);
    }

    #[test]
    fn a_missing_root_is_an_error_naming_it() {
        let e = verify_evidence(&[], Path::new("/no/such/folder")).unwrap_err();
        assert!(e.to_string().starts_with("/no/such/folder: "), "{e}");
    }

    #[test]
    fn manifest_is_sorted_and_refuses_links_out() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("d");
        write(&root.join("b/x.png"), b"x");
        write(&root.join("a.txt"), b"a");
        write(&root.join("b.txt"), b"b");
        write(&root.join("back\\slash"), b"s");
        let m = evidence_manifest(&root).unwrap();
        assert_eq!(
            m,
            format!(
                "{}  a.txt\n{}  b.txt\n{}  b/x.png\n\\{}  back\\\\slash\n",
                sha256_hex(b"a"),
                sha256_hex(b"b"),
                sha256_hex(b"x"),
                sha256_hex(b"s")
            )
        );
        write(&tmp.path().join("luar.txt"), b"secret");
        symlink(tmp.path().join("luar.txt"), root.join("z.png")).unwrap();
        let e = evidence_manifest(&root).unwrap_err();
        assert!(
            e.to_string().contains("z.png") && e.to_string().contains("outside"),
            "{e}"
        );
    }
}
