//! Sealed verifications: a Kanwil team signs a canonical manifest of a
//! verification (its SHA-256, the `verifies` digest, the SHA-256 of every
//! evidence file it references, the signer, the office and the time) with an
//! Ed25519 key, in the [minisign](https://jedisct1.github.io/minisign/)
//! format, so that anyone can check the seal with p2ham or with the standard
//! `minisign -Vm SEAL -p KEY.pub`.
//!
//! A seal is two files: `SEAL`, the manifest (`p2ham-seal/1`, JSON), and
//! `SEAL.minisig`, the minisign signature of its exact bytes. The default
//! `SEAL` of `x.verification.json` is `x.verification.json.seal`.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use minisign::{PublicKey, PublicKeyBox, SecretKey, SecretKeyBox, SignatureBox};
use p2ham_model::Stage;
use serde::{Deserialize, Serialize};

use crate::error::display;
use crate::evidence::hash_under_root;
use crate::{
    document::from_json, document::read_input, document::LoadedAssessment, evidence::verify_evidence, IoError,
};

/// The `format` tag of a seal manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum SealFormat {
    /// Format version 1.
    #[default]
    #[serde(rename = "p2ham-seal/1")]
    V1,
}

/// The manifest a seal signs (`"format": "p2ham-seal/1"`), written as pretty
/// JSON in this field order with a final newline; the signature covers its
/// exact bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", schemars(title = "P2HAM seal manifest"))]
pub struct SealManifest {
    /// Always `p2ham-seal/1`.
    pub format: SealFormat,
    /// The verification sealed.
    pub verification: SealedDocument,
    /// The `verifies` digest the verification names (`sha256:<hex>`), if any.
    #[cfg_attr(feature = "schema", schemars(pattern(crate::model::SHA256_REF_PATTERN)))]
    pub verifies: Option<String>,
    /// Every evidence file the verification references, by path.
    pub evidence: Vec<SealedFile>,
    /// Who sealed it.
    pub signer: Signer,
    /// When, as `YYYY-MM-DDTHH:MM:SSZ` (UTC).
    #[cfg_attr(feature = "schema", schemars(extend("format" = "date-time")))]
    pub sealed_at: String,
    /// The minisign key id of the signing key (16 hex digits).
    pub key_id: String,
}

/// The sealed verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SealedDocument {
    /// The file's name (without folders), for people.
    pub file: String,
    /// Lowercase hex SHA-256 of the file.
    #[cfg_attr(feature = "schema", schemars(pattern(crate::model::SHA256_PATTERN)))]
    pub sha256: String,
    /// Unit id.
    #[cfg_attr(feature = "schema", schemars(pattern(crate::model::UNIT_ID_PATTERN)))]
    pub unit: String,
    /// Period.
    pub period: String,
}

/// One sealed evidence file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SealedFile {
    /// Path under the evidence folder, `/`-separated.
    pub path: String,
    /// Lowercase hex SHA-256 of the file when sealed.
    #[cfg_attr(feature = "schema", schemars(pattern(crate::model::SHA256_PATTERN)))]
    pub sha256: String,
}

/// The person and office that seal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Signer {
    /// The signer's name.
    pub name: String,
    /// The Kanwil.
    pub office: Option<String>,
}

/// The key id of a minisign key number, as minisign prints it.
pub(crate) fn key_id(keynum: &[u8]) -> String {
    let mut le = [0u8; 8];
    le.copy_from_slice(&keynum[..8]);
    format!("{:016X}", u64::from_le_bytes(le))
}

pub(crate) fn sign_err(file: &Path, e: &minisign::PError) -> IoError {
    IoError::Input {
        file: display(file),
        message: e.to_string(),
    }
}

/// The files of a new key pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFiles {
    /// The secret key (mode 0600).
    pub secret: PathBuf,
    /// The public key (`.pub`).
    pub public: PathBuf,
    /// The key id.
    pub key_id: String,
}

/// The public key file beside a secret key file `prefix`: `prefix.pub`.
pub fn public_key_path(prefix: &Path) -> PathBuf {
    let mut p = prefix.as_os_str().to_owned();
    p.push(".pub");
    PathBuf::from(p)
}

/// The default seal of a verification file: `FILE.seal`.
pub fn default_seal_path(verification: &Path) -> PathBuf {
    let mut p = verification.as_os_str().to_owned();
    p.push(".seal");
    PathBuf::from(p)
}

/// The signature file of a seal: `SEAL.minisig`.
pub fn signature_path(seal: &Path) -> PathBuf {
    let mut p = seal.as_os_str().to_owned();
    p.push(".minisig");
    PathBuf::from(p)
}

/// Write a new file, never replacing one, with `mode` on Unix: a temporary
/// file in the same folder, renamed only when no file of that name exists.
fn write_new(path: &Path, bytes: &[u8], mode: u32) -> Result<(), IoError> {
    let file = display(path);
    let err = |source| IoError::Write {
        file: file.clone(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".p2ham-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(err)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(mode)).map_err(err)?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    tmp.write_all(bytes).and_then(|()| tmp.flush()).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist_noclobber(path).map_err(|e| err(e.error))?;
    Ok(())
}

/// Create an Ed25519 key pair in minisign's format: the secret key at
/// `prefix` (mode 0600 on Unix; encrypted with `password` when given, as
/// minisign does with scrypt), the public key at `prefix.pub`. Never replaces
/// an existing file.
pub fn keygen(prefix: &Path, password: Option<&str>, comment: &str) -> Result<KeyFiles, IoError> {
    let public = public_key_path(prefix);
    for p in [prefix, public.as_path()] {
        if std::fs::symlink_metadata(p).is_ok() {
            return Err(IoError::Input {
                file: display(p),
                message: "already exists; a key is never overwritten: choose another prefix".into(),
            });
        }
    }
    let pair = match password {
        Some(pw) => minisign::KeyPair::generate_encrypted_keypair(Some(pw.to_owned())),
        None => minisign::KeyPair::generate_unencrypted_keypair(),
    }
    .map_err(|e| sign_err(prefix, &e))?;
    let sk_box = pair.sk.to_box(Some(comment)).map_err(|e| sign_err(prefix, &e))?;
    let pk_box = pair.pk.to_box().map_err(|e| sign_err(&public, &e))?;
    write_new(prefix, sk_box.to_string().as_bytes(), 0o600)?;
    write_new(&public, pk_box.to_string().as_bytes(), 0o644)?;
    Ok(KeyFiles {
        secret: prefix.to_path_buf(),
        public,
        key_id: key_id(pair.pk.keynum()),
    })
}

/// Read a secret key file, decrypting it with `password` when it is
/// password-protected. Never prompts.
pub fn load_secret_key(path: &Path, password: Option<&str>) -> Result<SecretKey, IoError> {
    let refuse = |message: String| IoError::Input {
        file: display(path),
        message,
    };
    // The key itself, never a link to it, and readable by its owner only.
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(refuse(
            "is a link; a secret key is read only from the file itself: give the key file's own path".into(),
        ));
    }
    let text = String::from_utf8(read_input(path)?)
        .map_err(|_| refuse("not a minisign secret key (not text)".into()))?;
    if PublicKeyBox::from_string(&text)
        .and_then(PublicKeyBox::into_public_key)
        .is_ok()
    {
        return Err(refuse(
            "is a public key; a seal is signed with the secret key (the key file without `.pub`)".into(),
        ));
    }
    #[cfg(unix)]
    if let Ok(meta) = std::fs::metadata(path) {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if meta.is_file() && mode & 0o077 != 0 {
            return Err(refuse(format!(
                "a secret key that others can read or write (mode {mode:04o}); make it readable by its owner only (mode 0600)"
            )));
        }
    }
    let sk_box = || SecretKeyBox::from_string(&text);
    // A key without a password opens as is; `into_secret_key` is only ever
    // given `Some` password, so it never prompts.
    let plain = sk_box()
        .and_then(SecretKeyBox::into_unencrypted_secret_key)
        .map_err(|_| ());
    match (plain, password) {
        (Ok(_), Some(_)) => Err(refuse(
            "is not password-protected, but a password was given; give the key it belongs to, or no password"
                .into(),
        )),
        (Ok(sk), None) => Ok(sk),
        (Err(()), Some(pw)) => sk_box()
            .and_then(|b| b.into_secret_key(Some(pw.to_owned())))
            .map_err(|e| sign_err(path, &e)),
        (Err(()), None) => Err(IoError::Input {
            file: display(path),
            message: "a password-protected (or unreadable) minisign secret key; give its password file"
                .into(),
        }),
    }
}

/// A public key and the file it was read from.
#[derive(Debug, Clone)]
pub struct PublicKeyFile {
    /// The file.
    pub file: String,
    /// The key.
    pub key: PublicKey,
    /// Its key id.
    pub key_id: String,
}

/// Read minisign public key files (`.pub`).
pub fn load_public_keys(paths: &[PathBuf]) -> Result<Vec<PublicKeyFile>, IoError> {
    paths
        .iter()
        .map(|p| {
            let text = String::from_utf8(read_input(p)?).unwrap_or_default();
            let key = PublicKeyBox::from_string(&text)
                .and_then(PublicKeyBox::into_public_key)
                .map_err(|e| IoError::Input {
                    file: display(p),
                    message: format!("not a minisign public key: {e}"),
                })?;
            Ok(PublicKeyFile {
                file: display(p),
                key_id: key_id(key.keynum()),
                key,
            })
        })
        .collect()
}

/// Seconds since 1970 as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn utc_timestamp(secs: u64) -> String {
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// A seal ready to be written: the manifest's bytes and the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seal {
    /// The manifest.
    pub manifest: SealManifest,
    /// Its exact bytes (pretty JSON, final newline): the content of `SEAL`.
    pub manifest_text: String,
    /// The minisign signature of those bytes: the content of `SEAL.minisig`.
    pub signature_text: String,
}

/// The trusted (signed) comment of a seal's signature: the format, the unit,
/// the period and the verification's digest.
fn trusted_comment(unit: &str, period: &str, sha256: &str) -> String {
    format!(
        "{} unit:{unit} period:{period} verification:sha256:{sha256}",
        p2ham_model::format::SEAL
    )
}

fn canonical(manifest: &SealManifest) -> String {
    let mut s = serde_json::to_string_pretty(manifest).expect("a manifest serialises");
    s.push('\n');
    s
}

/// Seal a verification: check that every evidence file it references is under
/// `evidence_root` and matches the digest recorded (else an error naming each
/// file), then sign the manifest with `secret`.
pub fn seal_verification(
    verification: &LoadedAssessment,
    evidence_root: &Path,
    secret: &SecretKey,
    signer: Signer,
    sealed_at: String,
) -> Result<Seal, IoError> {
    if verification.assessment.stage != Stage::Verification {
        return Err(IoError::Input {
            file: verification.file.clone(),
            message: "stage: a self-assessment; only a verification is sealed".into(),
        });
    }
    let report = verify_evidence(std::slice::from_ref(verification), evidence_root)?;
    let mut bad = String::new();
    let mut evidence = Vec::new();
    for e in report.files.iter().filter(|e| !e.references.is_empty()) {
        match (&e.actual_sha256, e.status.fails()) {
            (Some(sha), false) => evidence.push(SealedFile {
                path: e.path.clone(),
                sha256: sha.clone(),
            }),
            _ => {
                let _ = write!(
                    bad,
                    "\n  {}: {}: {}",
                    evidence_root.join(&e.path).display(),
                    e.status.as_str(),
                    e.reason.as_deref().unwrap_or_default()
                );
            }
        }
    }
    if !bad.is_empty() {
        return Err(IoError::Input {
            file: verification.file.clone(),
            message: format!("cannot seal: evidence does not match the verification:{bad}"),
        });
    }
    let pk = PublicKey::from_secret_key(secret).map_err(|e| sign_err(Path::new(&verification.file), &e))?;
    let a = &verification.assessment;
    let manifest = SealManifest {
        format: SealFormat::V1,
        verification: SealedDocument {
            file: verification
                .path
                .as_deref()
                .and_then(Path::file_name)
                .map_or_else(|| verification.file.clone(), |n| n.to_string_lossy().into_owned()),
            sha256: verification.sha256.clone(),
            unit: a.unit.id.clone(),
            period: a.period.clone(),
        },
        verifies: a.verifies.clone(),
        evidence,
        signer,
        sealed_at,
        key_id: key_id(pk.keynum()),
    };
    let manifest_text = canonical(&manifest);
    let trusted = trusted_comment(
        &manifest.verification.unit,
        &manifest.verification.period,
        &manifest.verification.sha256,
    );
    let sig = minisign::sign(
        Some(&pk),
        secret,
        manifest_text.as_bytes(),
        Some(&trusted),
        Some("p2ham seal of a P2HAM verification"),
    )
    .map_err(|e| sign_err(Path::new(&verification.file), &e))?;
    Ok(Seal {
        manifest,
        manifest_text,
        signature_text: sig.to_string(),
    })
}

/// The outcome of checking a seal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealCheck {
    /// The manifest, when its signature is valid.
    pub manifest: Option<SealManifest>,
    /// The key file that verified it.
    pub key: Option<String>,
    /// Everything that does not match, each naming its file (empty: valid).
    pub problems: Vec<String>,
}

impl SealCheck {
    /// Whether the seal is valid and everything matches.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }

    /// The outcome as text: one line per problem, or what the seal attests.
    pub fn to_text(&self, seal: &Path) -> String {
        let mut out = String::new();
        if let (Some(m), true) = (&self.manifest, self.ok()) {
            let _ = writeln!(
                    out,
                    "{}: valid seal of {} (unit {}, period {}) by {}{} at {}, key {} ({}); {} evidence file(s) match",
                    seal.display(),
                    m.verification.file,
                    m.verification.unit,
                    m.verification.period,
                    m.signer.name,
                    m.signer.office.as_deref().map(|o| format!(", {o}")).unwrap_or_default(),
                    m.sealed_at,
                    m.key_id,
                    self.key.as_deref().unwrap_or_default(),
                    m.evidence.len()
                );
        } else {
            for p in &self.problems {
                let _ = writeln!(out, "{p}");
            }
            let _ = writeln!(
                out,
                "{}: seal INVALID: {} problem(s)",
                seal.display(),
                self.problems.len()
            );
        }
        out
    }
}

/// Check the seal at `seal` (and `seal.minisig`) of a verification: the
/// signature against `keys`, then the verification's digest, its `verifies`
/// and, when `evidence_root` is given, every sealed evidence file. Problems
/// name the file concerned; only an unreadable seal is an error.
pub fn verify_seal(
    verification: &LoadedAssessment,
    evidence_root: Option<&Path>,
    seal: &Path,
    keys: &[PublicKeyFile],
) -> Result<SealCheck, IoError> {
    let sig_path = signature_path(seal);
    let mut check = SealCheck {
        manifest: None,
        key: None,
        problems: Vec::new(),
    };
    let manifest_bytes = match read_input(seal) {
        Ok(b) => b,
        Err(e) => {
            check
                .problems
                .push(format!("{}: no seal: {e}", verification.file));
            return Ok(check);
        }
    };
    let sig_text = match read_input(&sig_path) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) => {
            check.problems.push(e.to_string());
            return Ok(check);
        }
    };
    let sig = SignatureBox::from_string(&sig_text).map_err(|e| IoError::Input {
        file: display(&sig_path),
        message: format!("not a minisign signature: {e}"),
    })?;
    let signed_by = key_id(sig.keynum());
    let Some(key) = keys.iter().find(|k| k.key.keynum() == sig.keynum()) else {
        let known: Vec<String> = keys
            .iter()
            .map(|k| format!("{} ({})", k.key_id, k.file))
            .collect();
        check.problems.push(format!(
            "{}: signed by key {signed_by}, which is not among the keys given: {}",
            display(&sig_path),
            known.join(", ")
        ));
        return Ok(check);
    };
    if !sig.is_prehashed() {
        check.problems.push(format!(
            "{}: a legacy minisign signature (not prehashed), which p2ham does not accept; seal it again with `p2ham seal sign` (or `minisign -S` without `-l`)",
            display(&sig_path)
        ));
        return Ok(check);
    }
    if let Err(e) = minisign::verify(
        &key.key,
        &sig,
        std::io::Cursor::new(&manifest_bytes),
        true,
        false,
        false,
    ) {
        check.problems.push(format!(
            "{}: the signature does not match {} ({e}): the seal was altered",
            display(&sig_path),
            display(seal)
        ));
        return Ok(check);
    }
    check.key = Some(key.file.clone());
    // The trusted comment is signed too: it must name this verification.
    let expected = trusted_comment(
        &verification.assessment.unit.id,
        &verification.assessment.period,
        &verification.sha256,
    );
    match sig.trusted_comment() {
        Ok(found) if found == expected => {}
        Ok(found) => check.problems.push(format!(
            "{}: the signed comment reads `{found}`, but the verification is `{expected}`: the seal is of another verification",
            display(&sig_path)
        )),
        Err(e) => check
            .problems
            .push(format!("{}: the signed comment cannot be read: {e}", display(&sig_path))),
    }
    let manifest: SealManifest = from_json(&display(seal), &manifest_bytes)?;
    if manifest.verification.sha256 != verification.sha256 {
        check.problems.push(format!(
            "{}: SHA-256 is {}, the seal records {}: the verification was altered after sealing",
            verification.file, verification.sha256, manifest.verification.sha256
        ));
    }
    if manifest.verifies != verification.assessment.verifies {
        check.problems.push(format!(
            "{}: verifies is {}, the seal records {}",
            verification.file,
            verification.assessment.verifies.as_deref().unwrap_or("(none)"),
            manifest.verifies.as_deref().unwrap_or("(none)")
        ));
    }
    // Every evidence file the verification names is covered by the seal.
    let sealed: std::collections::BTreeSet<&str> =
        manifest.evidence.iter().map(|f| f.path.as_str()).collect();
    let mut named = std::collections::BTreeSet::new();
    for answer in &verification.assessment.answers {
        for ev in &answer.evidence {
            let path = if p2ham_model::evidence_path_problem(&ev.path).is_some() {
                ev.path.clone()
            } else {
                crate::evidence::normalise(&ev.path)
            };
            if !sealed.contains(path.as_str()) && named.insert(path.clone()) {
                check.problems.push(format!(
                    "{}: answer {} names evidence `{path}`, which the seal does not cover",
                    verification.file, answer.indicator
                ));
            }
        }
    }
    if let Some(root) = evidence_root {
        for f in &manifest.evidence {
            let e = hash_under_root(root, &f.path)?;
            let shown = root.join(&f.path).display().to_string();
            match &e.actual_sha256 {
                Some(actual) if *actual == f.sha256 => {}
                Some(actual) => check.problems.push(format!(
                    "{shown}: SHA-256 is {actual}, the seal records {}: the file was altered after sealing",
                    f.sha256
                )),
                None => check.problems.push(format!(
                    "{shown}: {}: {}",
                    e.status.as_str(),
                    e.reason.as_deref().unwrap_or_default()
                )),
            }
        }
    }
    check.manifest = Some(manifest);
    Ok(check)
}

#[cfg(test)]
mod format_tests {
    #[test]
    fn the_seal_tag_is_the_format_constant() {
        assert_eq!(
            serde_json::to_value(super::SealFormat::V1).unwrap(),
            p2ham_model::format::SEAL
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    struct Fixture {
        dir: tempfile::TempDir,
        verification: LoadedAssessment,
        evidence: PathBuf,
        secret: SecretKey,
        keys: Vec<PublicKeyFile>,
        seal: Seal,
    }

    fn sealed() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let files = keygen(&dir.path().join("team"), None, "test").unwrap();
        let secret = load_secret_key(&files.secret, None).unwrap();
        let keys = load_public_keys(&[files.public]).unwrap();
        let verification = crate::document::load_assessment(
            &root().join("fixtures/assessments/sampit-2023/lapas-sampit.verification.json"),
        )
        .unwrap();
        let evidence = root().join("fixtures/evidence/lapas-sampit");
        let signer = Signer {
            name: "Woro Sadarini".into(),
            office: None,
        };
        let seal = seal_verification(
            &verification,
            &evidence,
            &secret,
            signer,
            "2023-12-01T00:00:00Z".into(),
        )
        .unwrap();
        Fixture {
            dir,
            verification,
            evidence,
            secret,
            keys,
            seal,
        }
    }

    impl Fixture {
        /// Write `manifest` signed with `trusted` as the seal, and check it.
        fn check(&self, manifest: &str, signature: &str) -> SealCheck {
            let path = self.dir.path().join("v.seal");
            std::fs::write(&path, manifest).unwrap();
            std::fs::write(signature_path(&path), signature).unwrap();
            verify_seal(&self.verification, Some(&self.evidence), &path, &self.keys).unwrap()
        }

        fn sign(&self, manifest: &str, trusted: &str) -> String {
            minisign::sign(None, &self.secret, manifest.as_bytes(), Some(trusted), Some("x"))
                .unwrap()
                .to_string()
        }

        fn trusted(&self) -> String {
            let v = &self.seal.manifest.verification;
            trusted_comment(&v.unit, &v.period, &v.sha256)
        }
    }

    #[test]
    fn a_seal_as_made_verifies() {
        let f = sealed();
        let check = f.check(&f.seal.manifest_text, &f.seal.signature_text);
        assert!(check.ok(), "{:?}", check.problems);
    }

    /// A manifest signed by a listed key but omitting a file the verification
    /// names does not vouch for that file.
    #[test]
    fn a_seal_must_cover_every_evidence_file_named() {
        let f = sealed();
        let mut manifest = f.seal.manifest.clone();
        let dropped = manifest.evidence.remove(0);
        let text = canonical(&manifest);
        let check = f.check(&text, &f.sign(&text, &f.trusted()));
        assert!(
            check.problems.iter().any(|p| p.contains(&format!(
                "evidence `{}`, which the seal does not cover",
                dropped.path
            ))),
            "{:?}",
            check.problems
        );
    }

    /// The signed comment names the unit and the verification's digest: a
    /// signature whose comment names another verification is refused.
    #[test]
    fn the_signed_comment_must_name_the_verification() {
        let f = sealed();
        let other = trusted_comment("kanim-sampit", "2023", &"0".repeat(64));
        let text = &f.seal.manifest_text;
        let check = f.check(text, &f.sign(text, &other));
        assert!(
            check
                .problems
                .iter()
                .any(|p| p.contains("the seal is of another verification")),
            "{:?}",
            check.problems
        );
    }

    #[test]
    fn a_legacy_signature_gets_its_own_message() {
        use base64::Engine as _;
        let f = sealed();
        let mut lines: Vec<String> = f.seal.signature_text.lines().map(str::to_owned).collect();
        let engine = base64::engine::general_purpose::STANDARD;
        let mut raw = engine.decode(&lines[1]).unwrap();
        assert_eq!(&raw[..2], b"ED");
        raw[1] = b'd';
        lines[1] = engine.encode(raw);
        let check = f.check(&f.seal.manifest_text, &(lines.join("\n") + "\n"));
        assert_eq!(check.problems.len(), 1, "{:?}", check.problems);
        assert!(
            check.problems[0].contains("a legacy minisign signature"),
            "{:?}",
            check.problems
        );
    }

    #[test]
    fn secret_keys_are_refused_unless_private_and_themselves() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("k");
        let files = keygen(&key, None, "test").unwrap();
        let message = |e: IoError| e.to_string();
        // A public key given where the secret key is expected.
        let err = message(load_secret_key(&files.public, None).unwrap_err());
        assert!(err.contains("is a public key"), "{err}");
        // A password for a key that has none.
        let err = message(load_secret_key(&key, Some("pw")).unwrap_err());
        assert!(err.contains("is not password-protected"), "{err}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let link = dir.path().join("link");
            std::os::unix::fs::symlink(&key, &link).unwrap();
            let err = message(load_secret_key(&link, None).unwrap_err());
            assert!(err.contains("is a link"), "{err}");
            std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
            let err = message(load_secret_key(&key, None).unwrap_err());
            assert!(err.contains("mode 0644"), "{err}");
        }
    }
}
