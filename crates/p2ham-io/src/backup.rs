//! The manifest of a backup of the application's data (`p2ham admin backup`):
//! every file of the backup with its SHA-256 and size, the audit log's head
//! in the backed-up database, and when the backup was taken. `p2ham admin
//! restore` checks every file against it before restoring anything.

use serde::{Deserialize, Serialize};

/// The manifest's file name in a backup folder.
pub const BACKUP_MANIFEST: &str = "manifest.json";

/// The `format` tag of a backup manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum BackupFormat {
    /// Format version 1.
    #[default]
    #[serde(rename = "p2ham-backup/1")]
    V1,
}

/// A backup's manifest (`"format": "p2ham-backup/1"`), written as pretty JSON
/// with a final newline as `manifest.json` beside the files it lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", schemars(title = "P2HAM backup manifest"))]
pub struct BackupManifest {
    /// Always `p2ham-backup/1`.
    pub format: BackupFormat,
    /// When the backup was taken, as `YYYY-MM-DDTHH:MM:SSZ` (UTC).
    #[cfg_attr(feature = "schema", schemars(extend("format" = "date-time")))]
    pub created_at: String,
    /// The version of p2ham that wrote the backup.
    pub p2ham_version: String,
    /// The newest database migration the backed-up database carries.
    pub schema_version: i64,
    /// The audit log in the backed-up database.
    pub audit: BackupAudit,
    /// Every file of the backup but the manifest, sorted by path.
    pub files: Vec<BackupFile>,
}

/// The audit log as the backed-up database holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BackupAudit {
    /// How many entries the log holds: the position of its last entry.
    pub entries: i64,
    /// The SHA-256 (lowercase hex) of the last entry, which chains every
    /// entry before it; 64 zeros for an empty log.
    #[cfg_attr(feature = "schema", schemars(pattern(crate::model::SHA256_PATTERN)))]
    pub head_sha256: String,
}

/// One file of a backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BackupFile {
    /// The path inside the backup folder, `/`-separated: `p2ham.db` (the
    /// SQLite database) or `evidence/objects/ab/<sha256>` (an evidence file,
    /// named by its digest).
    #[cfg_attr(
        feature = "schema",
        schemars(pattern(r"^(p2ham\.db|evidence/objects/[0-9a-f]{2}/[0-9a-f]{64})$"))
    )]
    pub path: String,
    /// The SHA-256 (lowercase hex) of the file's content.
    #[cfg_attr(feature = "schema", schemars(pattern(crate::model::SHA256_PATTERN)))]
    pub sha256: String,
    /// The size in bytes.
    pub size: u64,
}
