//! Writing output files atomically, never over an input.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::IoError;

/// Write `bytes` to `path` atomically: a temporary file in the same folder,
/// flushed, then renamed over the target. Refuses when `path` is one of
/// `inputs` (compared after resolving links).
pub fn write_atomic(path: &Path, bytes: &[u8], inputs: &[PathBuf]) -> Result<(), IoError> {
    write_atomic_with(path, inputs, |w| w.write_all(bytes))
}

/// [`write_atomic`] for content produced by `write` into a buffered writer, so
/// a large report is never held in memory as a whole.
pub fn write_atomic_with(
    path: &Path,
    inputs: &[PathBuf],
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), IoError> {
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
    {
        let mut buffered = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
        write(&mut buffered).map_err(err)?;
        buffered.flush().map_err(err)?;
    }
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}
