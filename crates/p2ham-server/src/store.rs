//! The evidence store: files addressed by their SHA-256. A file is streamed to
//! a temporary file while it is hashed, fsynced, then renamed to its digest
//! (so a stored name always holds complete content); a stored file's digest is
//! checked again whenever it is read.

use std::path::{Path, PathBuf};

use axum::body::Bytes;
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::ServerError;

/// The kinds of evidence file accepted, recognised by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceType {
    /// A JPEG photo.
    Jpeg,
    /// A PNG image.
    Png,
    /// A PDF document.
    Pdf,
}

impl EvidenceType {
    /// Recognise a file by its first bytes, whatever its name says.
    pub fn sniff(head: &[u8]) -> Option<EvidenceType> {
        if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(EvidenceType::Jpeg)
        } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(EvidenceType::Png)
        } else if head.starts_with(b"%PDF-") {
            Some(EvidenceType::Pdf)
        } else {
            None
        }
    }

    /// The media type.
    pub fn media_type(self) -> &'static str {
        match self {
            EvidenceType::Jpeg => "image/jpeg",
            EvidenceType::Png => "image/png",
            EvidenceType::Pdf => "application/pdf",
        }
    }
}

/// Bytes needed to recognise every accepted type.
const SNIFF_BYTES: usize = 8;

/// A file now in the store.
#[derive(Debug, Clone)]
pub struct Stored {
    /// Lowercase hex SHA-256 of the content.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// What the content is.
    pub kind: EvidenceType,
}

/// Why a file was not stored.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PutError {
    /// Larger than the limit.
    #[error("the file is larger than the limit of {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// Not a JPEG, PNG or PDF file by its content.
    #[error("the file is not a JPEG, PNG or PDF file (judged by its content, not its name)")]
    WrongType,
    /// The upload stream broke off.
    #[error("the upload broke off: {0}")]
    Stream(String),
    /// Writing failed.
    #[error(transparent)]
    Io(#[from] ServerError),
}

/// Why a stored file could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GetError {
    /// No file with that digest.
    #[error("no stored file has this digest")]
    Missing,
    /// The file's content no longer has its digest.
    #[error("stored file {sha256} was altered: its content now has digest {actual}")]
    Altered {
        /// The digest it is stored under.
        sha256: String,
        /// The digest of what it holds now.
        actual: String,
    },
    /// Reading failed.
    #[error(transparent)]
    Io(#[from] ServerError),
}

/// A content-addressed store of evidence files under one folder.
#[derive(Debug, Clone)]
pub struct EvidenceStore {
    root: PathBuf,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ServerError + '_ {
    move |source| ServerError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Whether `s` is a lowercase hex SHA-256.
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl EvidenceStore {
    /// Open (creating) the store at `root`; temporary files left by an
    /// interrupted upload are removed.
    pub fn open(root: &Path) -> Result<EvidenceStore, ServerError> {
        let store = EvidenceStore {
            root: root.to_path_buf(),
        };
        for dir in [store.objects(), store.tmp()] {
            std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        }
        let tmp = store.tmp();
        for entry in std::fs::read_dir(&tmp).map_err(io(&tmp))? {
            let path = entry.map_err(io(&tmp))?.path();
            std::fs::remove_file(&path).map_err(io(&path))?;
        }
        Ok(store)
    }

    fn objects(&self) -> PathBuf {
        self.root.join("objects")
    }

    fn tmp(&self) -> PathBuf {
        self.root.join("tmp")
    }

    /// Where the file with this digest lives (`objects/ab/abcdef…`).
    pub fn path_of(&self, sha256: &str) -> PathBuf {
        self.objects().join(&sha256[..2]).join(sha256)
    }

    /// Stream a file into the store: refused beyond `limit` bytes or when its
    /// first bytes are not a JPEG, PNG or PDF; nothing is left behind then.
    pub async fn put<S, E>(&self, stream: S, limit: u64) -> Result<Stored, PutError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        self.put_only(
            stream,
            limit,
            &[EvidenceType::Jpeg, EvidenceType::Png, EvidenceType::Pdf],
        )
        .await
    }

    /// [`EvidenceStore::put`] accepting only the kinds in `accepted`: any
    /// other content is refused ([`PutError::WrongType`]) as soon as its
    /// first bytes are read, and nothing is left behind.
    pub async fn put_only<S, E>(
        &self,
        mut stream: S,
        limit: u64,
        accepted: &[EvidenceType],
    ) -> Result<Stored, PutError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let sniff = |head: &[u8]| EvidenceType::sniff(head).filter(|k| accepted.contains(k));
        let tmp_dir = self.tmp();
        let named = tempfile::Builder::new()
            .prefix("upload-")
            .tempfile_in(&tmp_dir)
            .map_err(io(&tmp_dir))?;
        let (std_file, temp_path) = named.into_parts();
        let mut file = tokio::fs::File::from_std(std_file);
        let mut hasher = Sha256::new();
        let mut size: u64 = 0;
        let mut head: Vec<u8> = Vec::with_capacity(SNIFF_BYTES);
        let mut kind = None;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| PutError::Stream(e.to_string()))?;
            size += chunk.len() as u64;
            if size > limit {
                return Err(PutError::TooLarge { limit });
            }
            if kind.is_none() {
                let want = SNIFF_BYTES - head.len();
                head.extend_from_slice(&chunk[..want.min(chunk.len())]);
                if head.len() == SNIFF_BYTES {
                    kind = Some(sniff(&head).ok_or(PutError::WrongType)?);
                }
            }
            hasher.update(&chunk);
            file.write_all(&chunk).await.map_err(io(&temp_path))?;
        }
        let kind = match kind {
            Some(k) => k,
            None => sniff(&head).ok_or(PutError::WrongType)?,
        };
        file.sync_all().await.map_err(io(&temp_path))?;
        drop(file);
        let sha256 = format!("{:x}", hasher.finalize());
        let dest = self.path_of(&sha256);
        let dir = dest.parent().expect("objects/xx").to_path_buf();
        let persisted = tokio::task::spawn_blocking(move || -> Result<(), ServerError> {
            std::fs::create_dir_all(&dir).map_err(io(&dir))?;
            if dest.exists() {
                // Same content already stored; the temporary file goes away on drop.
                return Ok(());
            }
            temp_path.persist(&dest).map_err(|e| ServerError::Io {
                path: dest.display().to_string(),
                source: e.error,
            })?;
            // The rename itself must survive a crash.
            std::fs::File::open(&dir)
                .and_then(|d| d.sync_all())
                .map_err(io(&dir))
        })
        .await
        .map_err(|e| PutError::Stream(e.to_string()))?;
        persisted?;
        Ok(Stored { sha256, size, kind })
    }

    /// Store a JPEG made on the server (a photo's public copy), as
    /// [`EvidenceStore::put`] stores an upload.
    pub async fn put_jpeg(&self, bytes: Vec<u8>) -> Result<Stored, PutError> {
        let limit = bytes.len() as u64;
        let chunks = futures_util::stream::iter([Ok::<Bytes, std::convert::Infallible>(Bytes::from(bytes))]);
        self.put_only(chunks, limit, &[EvidenceType::Jpeg]).await
    }

    /// Read a stored file, checking that its content still has its digest.
    pub async fn get(&self, sha256: &str) -> Result<Vec<u8>, GetError> {
        if !is_sha256(sha256) {
            return Err(GetError::Missing);
        }
        let path = self.path_of(sha256);
        let bytes = match tokio::fs::read(&path).await {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(GetError::Missing),
            Err(e) => return Err(io(&path)(e).into()),
        };
        let actual = p2ham_io::digest::sha256_hex(&bytes);
        if actual != sha256 {
            return Err(GetError::Altered {
                sha256: sha256.to_owned(),
                actual,
            });
        }
        Ok(bytes)
    }

    /// Where the thumbnail of the picture with this digest is kept (`thumbs/ab/abcdef….jpg`).
    fn thumbnail_path(&self, sha256: &str) -> PathBuf {
        self.root
            .join("thumbs")
            .join(&sha256[..2])
            .join(format!("{sha256}.jpg"))
    }

    /// The thumbnail of a stored picture (a JPEG whose longest side is at most
    /// [`p2ham_report::THUMBNAIL_SIZE`] pixels), made once and kept by the
    /// original's digest; `None` when the file is not a picture that decodes
    /// within the report layer's limits (pixels and memory are bounded before
    /// anything is decoded).
    pub async fn thumbnail(&self, sha256: &str) -> Result<Option<Vec<u8>>, GetError> {
        if !is_sha256(sha256) {
            return Err(GetError::Missing);
        }
        let path = self.thumbnail_path(sha256);
        match tokio::fs::read(&path).await {
            Ok(b) => return Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&path)(e).into()),
        }
        let original = self.get(sha256).await?;
        let small = tokio::task::spawn_blocking(move || p2ham_report::thumbnail(&original))
            .await
            .map_err(|e| GetError::Io(ServerError::Invalid(format!("making a thumbnail: {e}"))))?;
        let Some(small) = small else {
            return Ok(None);
        };
        // Written beside, then renamed: a reader never sees half a thumbnail.
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let tmp = self.tmp();
        let bytes = small.clone();
        tokio::task::spawn_blocking(move || -> Result<(), ServerError> {
            std::fs::create_dir_all(&dir).map_err(io(&dir))?;
            let mut file = tempfile::NamedTempFile::new_in(&tmp).map_err(io(&tmp))?;
            std::io::Write::write_all(&mut file, &bytes).map_err(io(&tmp))?;
            file.persist(&path).map_err(|e| io(&path)(e.error))?;
            Ok(())
        })
        .await
        .map_err(|e| GetError::Io(ServerError::Invalid(format!("keeping a thumbnail: {e}"))))??;
        Ok(Some(small))
    }
}

#[cfg(test)]
mod tests {
    use super::{EvidenceStore, EvidenceType, PutError};
    use axum::body::Bytes;

    fn chunks(
        parts: &[&[u8]],
    ) -> impl futures_util::Stream<Item = Result<Bytes, std::convert::Infallible>> + Unpin {
        futures_util::stream::iter(
            parts
                .iter()
                .map(|p| Ok(Bytes::copy_from_slice(p)))
                .collect::<Vec<_>>(),
        )
    }

    /// What the temporary folder holds (nothing after a refusal).
    fn leftovers(root: &std::path::Path) -> usize {
        std::fs::read_dir(root.join("tmp")).expect("tmp").count()
    }

    #[tokio::test]
    async fn only_the_accepted_kinds_are_stored() {
        let dir = tempfile::tempdir().expect("dir");
        let store = EvidenceStore::open(dir.path()).expect("store");
        let pdf = [EvidenceType::Pdf];
        // A PDF in small pieces (its first bytes split) is stored under its digest.
        let stored = store
            .put_only(chunks(&[b"%P", b"DF-1.7\n", b"rest"]), 1024, &pdf)
            .await
            .expect("a PDF");
        assert_eq!(stored.kind, EvidenceType::Pdf);
        assert_eq!(stored.size, 13);
        assert_eq!(
            store.get(&stored.sha256).await.expect("stored"),
            b"%PDF-1.7\nrest".to_vec()
        );
        // A PNG is evidence, but not a PDF; a short text is neither.
        for body in [&b"\x89PNG\r\n\x1a\n0000"[..], b"%PD"] {
            let refused = store.put_only(chunks(&[body]), 1024, &pdf).await;
            assert!(matches!(refused, Err(PutError::WrongType)), "{refused:?}");
        }
        assert!(store.put(chunks(&[b"\x89PNG\r\n\x1a\n0000"]), 1024).await.is_ok());
        // Past the limit: refused while streaming, nothing left behind.
        let big = vec![b'x'; 600];
        let refused = store
            .put_only(chunks(&[b"%PDF-1.7\n", &big, &big]), 1024, &pdf)
            .await;
        assert!(
            matches!(refused, Err(PutError::TooLarge { limit: 1024 })),
            "{refused:?}"
        );
        assert_eq!(leftovers(dir.path()), 0);
    }
}
