//! Writing output files atomically, never over an input.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::IoError;

/// Write `bytes` to `path` atomically: a temporary file in the same folder,
/// flushed, then renamed over the target. Refuses when `path` is one of
/// `inputs`, or lies inside an input that is a folder (compared after
/// resolving links), so an output never replaces or joins what was read.
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
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // Where the output will be, links resolved, even when it does not exist yet.
    let target = path.canonicalize().ok().or_else(|| {
        let name = path.file_name()?;
        Some(dir.canonicalize().ok()?.join(name))
    });
    if let Some(target) = target {
        let clash = inputs
            .iter()
            .filter(|i| i.as_os_str() != "-")
            .filter_map(|i| i.canonicalize().ok())
            .any(|i| {
                if i.is_dir() {
                    target.starts_with(&i)
                } else {
                    i == target
                }
            });
        if clash {
            return Err(IoError::WouldOverwriteInput { file });
        }
    }
    let err = |source| IoError::Write {
        file: file.clone(),
        source,
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".p2ham-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(|e| {
            // Name the folder, not the random name of the temporary file.
            err(std::io::Error::new(
                e.kind(),
                format!("cannot create a file in {}: {}", dir.display(), e.kind()),
            ))
        })?;
    {
        let mut buffered = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
        write(&mut buffered).map_err(err)?;
        buffered.flush().map_err(err)?;
    }
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_an_input_file_and_anything_inside_an_input_folder() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.json");
        std::fs::write(&input, "{}").unwrap();
        let sub = dir.path().join("evidence");
        std::fs::create_dir(&sub).unwrap();

        let err = write_atomic(&input, b"x", std::slice::from_ref(&input)).unwrap_err();
        assert!(matches!(err, IoError::WouldOverwriteInput { .. }));
        assert_eq!(std::fs::read(&input).unwrap(), b"{}");
        // A new file inside an input folder, even through `..`.
        let inside = sub.join("..").join("evidence").join("report.json");
        assert!(write_atomic(&inside, b"x", std::slice::from_ref(&sub)).is_err());
        assert!(!sub.join("report.json").exists());
        // Beside the folder is fine.
        write_atomic(&dir.path().join("report.json"), b"ok", &[sub, input]).unwrap();
        assert_eq!(std::fs::read(dir.path().join("report.json")).unwrap(), b"ok");
    }
}
