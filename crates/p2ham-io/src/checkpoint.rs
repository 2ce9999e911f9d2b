//! Signed checkpoints of the application's audit log: the number of entries
//! and the digest of the last one at a moment, signed with a minisign key and
//! kept outside the database, so that a log cut short, or rewritten from some
//! entry on, no longer matches.
//!
//! A checkpoint is two files, as a seal is: `FILE`, the document
//! (`p2ham-audit-checkpoint/1`, pretty JSON with a final newline), and
//! `FILE.minisig`, the minisign signature of its exact bytes, which the
//! standard `minisign -Vm FILE -p KEY.pub` also checks.

use std::path::Path;

use minisign::{PublicKey, SecretKey, SignatureBox};
use serde::{Deserialize, Serialize};

use crate::error::display;
use crate::seal::{key_id, sign_err, signature_path};
use crate::{document::from_json, document::read_input, seal::PublicKeyFile, IoError};

/// The `format` tag of an audit checkpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum AuditCheckpointFormat {
    /// Format version 1.
    #[default]
    #[serde(rename = "p2ham-audit-checkpoint/1")]
    V1,
}

/// A checkpoint of the audit log (`"format": "p2ham-audit-checkpoint/1"`),
/// written as pretty JSON in this field order with a final newline; the
/// signature in `FILE.minisig` covers its exact bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", schemars(title = "P2HAM audit log checkpoint"))]
pub struct AuditCheckpoint {
    /// Always `p2ham-audit-checkpoint/1`.
    pub format: AuditCheckpointFormat,
    /// How many entries the log held: the position of its last entry.
    pub count: u64,
    /// The SHA-256 (lowercase hex) of that entry, which chains every entry
    /// before it; 64 zeros for an empty log.
    #[cfg_attr(feature = "schema", schemars(pattern(crate::model::SHA256_PATTERN)))]
    pub head_sha256: String,
    /// When the checkpoint was taken, as `YYYY-MM-DDTHH:MM:SSZ` (UTC).
    #[cfg_attr(feature = "schema", schemars(extend("format" = "date-time")))]
    pub at: String,
    /// The minisign key id of the signing key (16 hex digits).
    pub key_id: String,
}

/// A checkpoint ready to be written: the document's bytes and its signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCheckpoint {
    /// The checkpoint.
    pub checkpoint: AuditCheckpoint,
    /// Its exact bytes (pretty JSON, final newline): the content of `FILE`.
    pub text: String,
    /// The minisign signature of those bytes: the content of `FILE.minisig`.
    pub signature_text: String,
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Sign a checkpoint of a log of `count` entries whose last entry has the
/// digest `head_sha256`, taken at `at`, with `secret` (read from `key_file`,
/// named in errors).
pub fn sign_checkpoint(
    count: u64,
    head_sha256: &str,
    at: String,
    secret: &SecretKey,
    key_file: &Path,
) -> Result<SignedCheckpoint, IoError> {
    if !is_sha256(head_sha256) {
        return Err(IoError::Input {
            file: display(key_file),
            message: format!("cannot sign a checkpoint of head `{head_sha256}`: not a SHA-256"),
        });
    }
    let pk = PublicKey::from_secret_key(secret).map_err(|e| sign_err(key_file, &e))?;
    let checkpoint = AuditCheckpoint {
        format: AuditCheckpointFormat::V1,
        count,
        head_sha256: head_sha256.to_owned(),
        at,
        key_id: key_id(pk.keynum()),
    };
    let mut text = serde_json::to_string_pretty(&checkpoint).map_err(|e| IoError::Input {
        file: display(key_file),
        message: e.to_string(),
    })?;
    text.push('\n');
    let trusted = format!(
        "{} count:{} head:sha256:{} at:{}",
        p2ham_model::format::AUDIT_CHECKPOINT,
        checkpoint.count,
        checkpoint.head_sha256,
        checkpoint.at
    );
    let sig = minisign::sign(
        Some(&pk),
        secret,
        text.as_bytes(),
        Some(&trusted),
        Some("p2ham checkpoint of a P2HAM audit log"),
    )
    .map_err(|e| sign_err(key_file, &e))?;
    Ok(SignedCheckpoint {
        checkpoint,
        text,
        signature_text: sig.to_string(),
    })
}

/// A checkpoint whose signature verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedCheckpoint {
    /// The checkpoint.
    pub checkpoint: AuditCheckpoint,
    /// The public key file that verified it.
    pub key: String,
}

/// Read the checkpoint at `path` and check its signature `path.minisig`
/// against `keys`: an error names the file when it is missing, unsigned,
/// signed by another key, altered after signing, or not a checkpoint.
pub fn verify_checkpoint(path: &Path, keys: &[PublicKeyFile]) -> Result<CheckedCheckpoint, IoError> {
    let sig_path = signature_path(path);
    let input = |file: &Path, message: String| IoError::Input {
        file: display(file),
        message,
    };
    let bytes = read_input(path)?;
    let sig_text = String::from_utf8_lossy(&read_input(&sig_path)?).into_owned();
    let sig = SignatureBox::from_string(&sig_text)
        .map_err(|e| input(&sig_path, format!("not a minisign signature: {e}")))?;
    let signed_by = key_id(sig.keynum());
    let Some(key) = keys.iter().find(|k| k.key.keynum() == sig.keynum()) else {
        let known: Vec<String> = keys
            .iter()
            .map(|k| format!("{} ({})", k.key_id, k.file))
            .collect();
        return Err(input(
            &sig_path,
            format!(
                "signed by key {signed_by}, which is not among the keys given: {}",
                known.join(", ")
            ),
        ));
    };
    minisign::verify(&key.key, &sig, std::io::Cursor::new(&bytes), true, false, false).map_err(|e| {
        input(
            &sig_path,
            format!(
                "the signature does not match {} ({e}): the checkpoint was altered after signing",
                display(path)
            ),
        )
    })?;
    let checkpoint: AuditCheckpoint = from_json(&display(path), &bytes)?;
    if !is_sha256(&checkpoint.head_sha256) {
        return Err(input(
            path,
            format!(
                "head_sha256: expected 64 lowercase hex digits, found `{}`",
                checkpoint.head_sha256
            ),
        ));
    }
    if checkpoint.key_id != signed_by {
        return Err(input(
            path,
            format!(
                "key_id: names key {}, but the signature is by key {signed_by}",
                checkpoint.key_id
            ),
        ));
    }
    Ok(CheckedCheckpoint {
        checkpoint,
        key: key.file.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tag_is_the_format_constant() {
        assert_eq!(
            serde_json::to_value(AuditCheckpointFormat::V1).unwrap(),
            p2ham_model::format::AUDIT_CHECKPOINT
        );
    }

    fn pair(dir: &Path) -> (SecretKey, Vec<PublicKeyFile>) {
        let files = crate::seal::keygen(&dir.join("k"), None, "test").unwrap();
        let sk = crate::seal::load_secret_key(&files.secret, None).unwrap();
        let pk = crate::seal::load_public_keys(&[files.public]).unwrap();
        (sk, pk)
    }

    #[test]
    fn a_checkpoint_verifies_and_an_altered_one_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let (sk, pk) = pair(dir.path());
        let head = "ab".repeat(32);
        let signed = sign_checkpoint(7, &head, "2024-01-02T03:04:05Z".into(), &sk, Path::new("k")).unwrap();
        let file = dir.path().join("cp.json");
        std::fs::write(&file, &signed.text).unwrap();
        std::fs::write(signature_path(&file), &signed.signature_text).unwrap();
        let checked = verify_checkpoint(&file, &pk).unwrap();
        assert_eq!(checked.checkpoint, signed.checkpoint);
        assert_eq!(checked.checkpoint.count, 7);

        std::fs::write(&file, signed.text.replace("\"count\": 7", "\"count\": 6")).unwrap();
        let e = verify_checkpoint(&file, &pk).unwrap_err().to_string();
        assert!(e.contains("cp.json.minisig") && e.contains("altered"), "{e}");

        let other = tempfile::tempdir().unwrap();
        let (_, other_pk) = pair(other.path());
        std::fs::write(&file, &signed.text).unwrap();
        let e = verify_checkpoint(&file, &other_pk).unwrap_err().to_string();
        assert!(e.contains("not among the keys given"), "{e}");
    }
}
