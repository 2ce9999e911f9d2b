//! Writing output files atomically, never over an input.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::IoError;

/// Write `bytes` to `path` atomically: a temporary file in the same folder,
/// flushed, then renamed over the target. Refuses when `path` is one of
/// `inputs`, or lies inside an input that is a folder (compared after
/// resolving links), so an output never replaces or joins what was read.
///
/// A file replaced keeps its permissions; a new file gets the process umask's
/// (`0666 & !umask`). An existing file that is not a regular file (a device
/// such as `/dev/null`, a FIFO, a socket) is written to in place, never
/// replaced; a folder is refused.
pub fn write_atomic(path: &Path, bytes: &[u8], inputs: &[PathBuf]) -> Result<(), IoError> {
    write_atomic_with(path, inputs, |w| w.write_all(bytes))
}

/// Where an output file will be, links resolved, even when it does not exist
/// yet (its folder resolved and its name joined); `None` when its folder
/// cannot be resolved either.
pub fn resolved_output(path: &Path) -> Option<PathBuf> {
    path.canonicalize().ok().or_else(|| {
        let name = path.file_name()?;
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Some(dir.canonicalize().ok()?.join(name))
    })
}

/// Whether two output paths name the same file: the same place once links
/// are resolved, or (both existing) one file under two names (a hard link).
pub fn same_output(a: &Path, b: &Path) -> bool {
    match (resolved_output(a), resolved_output(b)) {
        (Some(x), Some(y)) if x == y => return true,
        (None, None) if a == b => return true,
        _ => {}
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return x.is_file() && x.dev() == y.dev() && x.ino() == y.ino();
        }
    }
    false
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
    let target = resolved_output(path);
    if let Some(target) = target {
        let clash = inputs.iter().filter_map(|i| i.canonicalize().ok()).any(|i| {
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
    // What is there now, links followed: its kind decides how it is written.
    let existing = std::fs::metadata(path).ok();
    if let Some(meta) = &existing {
        if meta.is_dir() {
            return Err(IoError::Output {
                file,
                message: format!("is a folder; {}", crate::error::needs::OUTPUT_FILE),
            });
        }
        if !meta.is_file() {
            return write_in_place(path, write).map_err(err);
        }
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(".p2ham-")
        .suffix(".tmp")
        .permissions(new_file_permissions())
        .tempfile_in(&dir)
        .map_err(|e| {
            // Name the folder, not the random name of the temporary file.
            err(std::io::Error::new(
                e.kind(),
                format!("cannot create a file in {}: {}", dir.display(), e.kind()),
            ))
        })?;
    if let Some(meta) = &existing {
        tmp.as_file().set_permissions(meta.permissions()).map_err(err)?;
    }
    {
        let mut buffered = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
        write(&mut buffered).map_err(err)?;
        buffered.flush().map_err(err)?;
    }
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

/// Write into an existing special file (a device, a FIFO): opened for writing
/// as it is, never truncated, created or replaced.
fn write_in_place(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let target = std::fs::OpenOptions::new().write(true).open(path)?;
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, target);
    write(&mut buffered)?;
    buffered.flush()
}

/// Permissions asked for a new file; the kernel applies the umask on creation.
#[cfg(unix)]
fn new_file_permissions() -> std::fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    std::fs::Permissions::from_mode(0o666)
}

/// Permissions asked for a new file (the platform's default).
#[cfg(not(unix))]
fn new_file_permissions() -> std::fs::Permissions {
    std::env::temp_dir()
        .metadata()
        .map(|m| {
            let mut p = m.permissions();
            p.set_readonly(false);
            p
        })
        .expect("the temporary folder exists")
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

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_mode_and_a_new_one_follows_the_umask() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("old.txt");
        std::fs::write(&old, "old").unwrap();
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_atomic(&old, b"new", &[]).unwrap();
        let mode = std::fs::metadata(&old).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644);
        // A new file: as any file the process creates (0666 less the umask).
        let new = dir.path().join("new.txt");
        write_atomic(&new, b"new", &[]).unwrap();
        let plain = dir.path().join("plain.txt");
        std::fs::write(&plain, "plain").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&new), mode(&plain));
    }

    #[cfg(unix)]
    #[test]
    fn a_special_file_is_written_in_place_and_a_folder_refused() {
        use std::io::Read;
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        assert!(std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                let mut s = String::new();
                std::fs::File::open(fifo).unwrap().read_to_string(&mut s).unwrap();
                s
            })
        };
        write_atomic(&fifo, b"through the pipe", &[]).unwrap();
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
        assert_eq!(reader.join().unwrap(), "through the pipe");
        let err = write_atomic(dir.path(), b"x", &[]).unwrap_err();
        assert!(err.to_string().contains("is a folder"), "{err}");
    }
}
