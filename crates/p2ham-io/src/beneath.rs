//! Opening a file beneath a folder without ever leaving it, whatever happens
//! to the folder meanwhile.
//!
//! A path is resolved component by component from a handle on the folder:
//! each component is opened relative to the handle of the one before, with
//! links never followed by the kernel. A symbolic link is read and its target
//! spliced into the remaining path, so `..` and links are resolved here, against
//! handles already held: a link swapped in between a check and the open cannot
//! lead outside, because there is no separate check. This is what Linux's
//! `openat2(RESOLVE_BENEATH)` does, done with `openat(O_NOFOLLOW)` and
//! `readlinkat`, which every Unix has.

use std::collections::VecDeque;
use std::fs::File;
use std::path::Path;

/// Why a file beneath the folder could not be opened.
#[derive(Debug)]
pub(crate) enum Beneath {
    /// No such file; `through_link` when a symbolic link led there.
    NotFound {
        /// A symbolic link was followed on the way.
        through_link: bool,
    },
    /// The path, through a symbolic link or `..`, leads outside the folder.
    Escapes,
    /// The path names something that is not a regular file (a folder, a device, a FIFO).
    NotRegular,
    /// Anything else (permissions, too many links, I/O).
    Io(std::io::Error),
}

/// At most this many symbolic links are followed for one path (as Linux's `MAXSYMLINKS`).
const MAX_LINKS: usize = 40;

/// A handle on the folder `root` (its canonical path), to open files beneath it.
pub(crate) struct Root {
    #[cfg(unix)]
    dir: std::os::fd::OwnedFd,
    canonical: std::path::PathBuf,
}

impl Root {
    /// Open the folder; `canonical` is its canonical path.
    pub(crate) fn open(canonical: &Path) -> std::io::Result<Root> {
        #[cfg(unix)]
        {
            use rustix::fs::{Mode, OFlags};
            let dir = rustix::fs::openat(
                rustix::fs::CWD,
                canonical,
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
                Mode::empty(),
            )?;
            Ok(Root {
                dir,
                canonical: canonical.to_path_buf(),
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Root {
                canonical: canonical.to_path_buf(),
            })
        }
    }

    /// Open the regular file at `relative` (`/`-separated) beneath the folder,
    /// following symbolic links only while they stay beneath it.
    #[cfg(unix)]
    pub(crate) fn open_file(&self, relative: &str) -> Result<File, Beneath> {
        use std::os::fd::{AsFd, OwnedFd};
        use std::os::unix::ffi::OsStrExt;

        use rustix::fs::{Mode, OFlags};
        use rustix::io::Errno;

        let split = |p: &[u8]| -> Vec<Vec<u8>> {
            p.split(|&b| b == b'/')
                .filter(|c| !c.is_empty() && *c != b".")
                .map(<[u8]>::to_vec)
                .collect()
        };
        let mut pending: VecDeque<Vec<u8>> = split(relative.as_bytes()).into();
        // The folders entered so far, below the root.
        let mut stack: Vec<OwnedFd> = Vec::new();
        let mut links = 0usize;
        while let Some(component) = pending.pop_front() {
            if component == b".." {
                if stack.pop().is_none() {
                    return Err(Beneath::Escapes);
                }
                continue;
            }
            let last = pending.is_empty();
            let parent = stack.last().map_or(self.dir.as_fd(), AsFd::as_fd);
            let name = std::ffi::OsStr::from_bytes(&component);
            let flags = OFlags::RDONLY
                | OFlags::NOFOLLOW
                | OFlags::CLOEXEC
                | if last { OFlags::NONBLOCK } else { OFlags::DIRECTORY };
            match rustix::fs::openat(parent, name, flags, Mode::empty()) {
                Ok(fd) if last => {
                    let file = File::from(fd);
                    let meta = file.metadata().map_err(Beneath::Io)?;
                    return if meta.is_file() {
                        Ok(file)
                    } else {
                        Err(Beneath::NotRegular)
                    };
                }
                Ok(fd) => stack.push(fd),
                Err(Errno::NOENT) => {
                    return Err(Beneath::NotFound {
                        through_link: links > 0,
                    })
                }
                Err(err @ (Errno::LOOP | Errno::NOTDIR | Errno::MLINK)) => {
                    // A symbolic link (refused by O_NOFOLLOW), or a file where a folder was expected.
                    let target = match rustix::fs::readlinkat(parent, name, Vec::new()) {
                        Ok(t) => t.into_bytes(),
                        Err(Errno::INVAL) if err == Errno::NOTDIR => {
                            return Err(Beneath::NotFound {
                                through_link: links > 0,
                            })
                        }
                        Err(Errno::NOENT) => {
                            return Err(Beneath::NotFound {
                                through_link: links > 0,
                            })
                        }
                        Err(Errno::INVAL) => {
                            // No longer a link (replaced meanwhile): look again, a bounded number of times.
                            links += 1;
                            if links > MAX_LINKS {
                                return Err(Beneath::Io(err.into()));
                            }
                            pending.push_front(component);
                            continue;
                        }
                        Err(_) => return Err(Beneath::Io(err.into())),
                    };
                    links += 1;
                    if links > MAX_LINKS {
                        return Err(Beneath::Io(Errno::LOOP.into()));
                    }
                    let mut spliced = if target.starts_with(b"/") {
                        // An absolute target must name a place under the root's canonical path.
                        let Ok(inside) =
                            Path::new(std::ffi::OsStr::from_bytes(&target)).strip_prefix(&self.canonical)
                        else {
                            return Err(Beneath::Escapes);
                        };
                        stack.clear();
                        split(inside.as_os_str().as_bytes())
                    } else {
                        split(&target)
                    };
                    spliced.extend(pending.drain(..));
                    pending = spliced.into();
                }
                Err(err) => return Err(Beneath::Io(err.into())),
            }
        }
        // The path ends on a folder (the root itself, or after `..`).
        Err(Beneath::NotRegular)
    }

    /// Open the regular file at `relative` beneath the folder (resolve, check, open).
    #[cfg(not(unix))]
    pub(crate) fn open_file(&self, relative: &str) -> Result<File, Beneath> {
        let joined = self.canonical.join(relative);
        let resolved = match joined.canonicalize() {
            Ok(p) => p,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Beneath::NotFound { through_link: false })
            }
            Err(e) => return Err(Beneath::Io(e)),
        };
        if !resolved.starts_with(&self.canonical) {
            return Err(Beneath::Escapes);
        }
        let file = File::open(&resolved).map_err(Beneath::Io)?;
        if file.metadata().map_err(Beneath::Io)?.is_file() {
            Ok(file)
        } else {
            Err(Beneath::NotRegular)
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::io::Read;
    use std::os::unix::fs::symlink;

    fn read(root: &Root, rel: &str) -> Result<String, Beneath> {
        let mut s = String::new();
        root.open_file(rel)?.read_to_string(&mut s).unwrap();
        Ok(s)
    }

    #[test]
    fn links_are_followed_only_while_they_stay_beneath() {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path().canonicalize().unwrap();
        let dir = base.join("root");
        std::fs::create_dir_all(dir.join("a/b")).unwrap();
        std::fs::write(dir.join("a/b/file.txt"), "inside").unwrap();
        std::fs::write(base.join("secret.txt"), "outside").unwrap();
        symlink("b/file.txt", dir.join("a/rel")).unwrap();
        symlink(dir.join("a/b/file.txt"), dir.join("abs")).unwrap();
        symlink("../a/b", dir.join("a/up")).unwrap();
        symlink("../../secret.txt", dir.join("a/out")).unwrap();
        symlink(base.join("secret.txt"), dir.join("abs-out")).unwrap();
        symlink("../root/a/b/file.txt", dir.join("via-parent")).unwrap();
        symlink("loop", dir.join("loop")).unwrap();
        symlink("nothing", dir.join("dangling")).unwrap();
        let root = Root::open(&dir).unwrap();
        assert_eq!(read(&root, "a/b/file.txt").unwrap(), "inside");
        assert_eq!(read(&root, "./a//b/./file.txt").unwrap(), "inside");
        assert_eq!(read(&root, "a/rel").unwrap(), "inside");
        assert_eq!(read(&root, "abs").unwrap(), "inside");
        assert_eq!(read(&root, "a/up/file.txt").unwrap(), "inside");
        assert_eq!(read(&root, "a/b/../b/file.txt").unwrap(), "inside");
        assert!(matches!(read(&root, "a/out"), Err(Beneath::Escapes)));
        assert!(matches!(read(&root, "abs-out"), Err(Beneath::Escapes)));
        // Out and back in by name is still out: the root's own name is not beneath it.
        assert!(matches!(read(&root, "via-parent"), Err(Beneath::Escapes)));
        assert!(matches!(
            read(&root, "../root/a/b/file.txt"),
            Err(Beneath::Escapes)
        ));
        assert!(matches!(read(&root, "loop"), Err(Beneath::Io(_))));
        assert!(matches!(
            read(&root, "dangling"),
            Err(Beneath::NotFound { through_link: true })
        ));
        assert!(matches!(
            read(&root, "nope"),
            Err(Beneath::NotFound { through_link: false })
        ));
        assert!(matches!(
            read(&root, "a/b/file.txt/x"),
            Err(Beneath::NotFound { .. })
        ));
        assert!(matches!(read(&root, "a"), Err(Beneath::NotRegular)));
        assert!(matches!(read(&root, "a/.."), Err(Beneath::NotRegular)));
    }
}
