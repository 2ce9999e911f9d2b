//! Writing output files atomically, never over an input.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::IoError;

/// Write `bytes` to `path` atomically: a temporary file in the same folder,
/// flushed, then renamed over the target. Refuses when `path` is one of
/// `inputs` (compared after resolving links).
pub fn write_atomic(path: &Path, bytes: &[u8], inputs: &[PathBuf]) -> Result<(), IoError> {
    let file = path.display().to_string();
    if let Ok(target) = path.canonicalize() {
        if inputs
            .iter()
            .filter_map(|i| i.canonicalize().ok())
            .any(|i| i == target)
        {
            return Err(IoError::WouldOverwriteInput { file });
        }
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let err = |source| IoError::Write {
        file: file.clone(),
        source,
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".p2ham-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(err)?;
    tmp.write_all(bytes).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}
