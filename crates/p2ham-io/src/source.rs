//! Where a document comes from: a file, bytes already in memory, or a
//! stream. Every entry point reads its documents through a [`Source`], so a
//! caller that holds bytes (a server) and one that holds paths (a command
//! line) run the same code.

use std::borrow::Cow;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::display;
use crate::IoError;

/// One input document: the name messages give it, and its bytes, a stream or
/// the file to read them from.
///
/// ```
/// use p2ham_io::Source;
///
/// let from_memory = Source::bytes("upload.json", br#"{"format": "p2ham-assessment/1"}"#.as_slice());
/// assert_eq!(from_memory.name(), "upload.json");
/// assert!(from_memory.path().is_none());
///
/// let from_disk = Source::file("fixtures/assessments/sampit-2023/kanim-sampit.self.json");
/// assert_eq!(from_disk.name(), "fixtures/assessments/sampit-2023/kanim-sampit.self.json");
/// assert!(from_disk.path().is_some());
/// ```
pub struct Source<'a> {
    name: String,
    path: Option<PathBuf>,
    content: Content<'a>,
}

enum Content<'a> {
    /// Read from the path when needed.
    File,
    /// Already in memory.
    Bytes(Cow<'a, [u8]>),
    /// A stream, read once, to its end.
    Reader(Box<dyn Read + Send + 'a>),
}

impl std::fmt::Debug for Source<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let content = match &self.content {
            Content::File => "file".to_owned(),
            Content::Bytes(b) => format!("{} byte(s)", b.len()),
            Content::Reader(_) => "stream".to_owned(),
        };
        f.debug_struct("Source")
            .field("name", &self.name)
            .field("path", &self.path)
            .field("content", &content)
            .finish()
    }
}

/// The bytes of a [`Source`], read, with its name and path.
#[derive(Debug, Clone)]
pub struct SourceBytes<'a> {
    /// The name messages give the document.
    pub name: String,
    /// The file it was read from, when it was.
    pub path: Option<PathBuf>,
    /// The document's bytes.
    pub bytes: Cow<'a, [u8]>,
}

impl<'a> Source<'a> {
    /// The file at `path`, read when the document is needed; messages name it
    /// by its path. Where an operation reads many documents (roll-up, award),
    /// a folder stands for every document inside it.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        Self {
            name: display(&path),
            path: Some(path),
            content: Content::File,
        }
    }

    /// Bytes already in memory, named `name` in messages.
    pub fn bytes(name: impl Into<String>, bytes: impl Into<Cow<'a, [u8]>>) -> Self {
        Self {
            name: name.into(),
            path: None,
            content: Content::Bytes(bytes.into()),
        }
    }

    /// A stream (standard input, a network body), read once, to its end, up to
    /// the size limit of one document; named `name` in messages.
    pub fn reader(name: impl Into<String>, reader: impl Read + Send + 'a) -> Self {
        Self {
            name: name.into(),
            path: None,
            content: Content::Reader(Box::new(reader)),
        }
    }

    /// The name messages give the document.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The file the document is read from, when it is one (an output is never
    /// written over it).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Whether the document is read from a file (not from memory or a stream).
    pub fn is_file(&self) -> bool {
        matches!(self.content, Content::File)
    }

    /// Whether the source is a folder on disk.
    pub(crate) fn is_dir(&self) -> bool {
        self.is_file() && self.path.as_deref().is_some_and(Path::is_dir)
    }

    /// Read the document, up to `limit` bytes (a larger one is an error
    /// naming it; bytes already in memory are taken as they are).
    pub fn read_limited(self, limit: u64) -> Result<SourceBytes<'a>, IoError> {
        let bytes = match self.content {
            Content::Bytes(b) => b,
            Content::Reader(r) => Cow::Owned(read_document(&self.name, r, limit)?),
            Content::File => {
                let path = self.path.as_deref().unwrap_or(Path::new(""));
                Cow::Owned(read_file(&self.name, path, limit)?)
            }
        };
        Ok(SourceBytes {
            name: self.name,
            path: self.path,
            bytes,
        })
    }

    /// Read the document, up to [`max_document_bytes`].
    pub fn read(self) -> Result<SourceBytes<'a>, IoError> {
        let limit = max_document_bytes()?;
        self.read_limited(limit)
    }

    /// The stream this source reads, for an operation that reads its input
    /// as it comes (the roll-up).
    #[cfg(feature = "rollup")]
    pub(crate) fn into_stream(self) -> Result<(String, Box<dyn Read + Send + 'a>), Self> {
        match self.content {
            Content::Bytes(b) => Ok((self.name, Box::new(std::io::Cursor::new(b)))),
            Content::Reader(r) => Ok((self.name, r)),
            Content::File => Err(self),
        }
    }
}

impl SourceBytes<'_> {
    /// Whether the document is TOML: by the file's extension, else by the
    /// name's; a document named without either (a stream, say) is TOML when
    /// it does not start with `{`.
    pub fn is_toml(&self) -> bool {
        is_toml(&self.name, self.path.as_deref(), &self.bytes)
    }
}

fn is_toml(name: &str, path: Option<&Path>, bytes: &[u8]) -> bool {
    let extension = |p: &Path| {
        p.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
    };
    match path.map_or_else(|| extension(Path::new(name)), extension) {
        Some(ext) if ext == "toml" => true,
        Some(ext) if ext == "json" => false,
        // A file is JSON unless named `.toml`, as it always was.
        _ if path.is_some() => false,
        _ => !looks_like_json(bytes),
    }
}

/// Whether bytes start (after white space and a byte-order mark) with `{`.
fn looks_like_json(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

/// Read a whole file, up to `limit` bytes; a folder is an error.
pub(crate) fn read_file(file: &str, path: &Path, limit: u64) -> Result<Vec<u8>, IoError> {
    let f = std::fs::File::open(path).map_err(|source| IoError::Read {
        file: file.to_owned(),
        source,
    })?;
    let meta = f.metadata().map_err(|source| IoError::Read {
        file: file.to_owned(),
        source,
    })?;
    if meta.is_dir() {
        return Err(IoError::Input {
            file: file.to_owned(),
            message: "is a folder; expected a document".into(),
        });
    }
    if meta.is_file() && meta.len() > limit {
        // Known too large without reading it.
        return Err(IoError::TooLarge {
            file: file.to_owned(),
            offset: limit,
        });
    }
    read_document(file, f, limit)
}

/// The default size limit of one document: 256 MiB (a national instrument or
/// assessment is well under 1 MB; a survey workbook a few MB).
pub const DEFAULT_MAX_DOCUMENT_BYTES: u64 = 256 << 20;

/// Documents are read in blocks of this size.
const BLOCK: usize = 1 << 20;

/// The environment variable that sets the size limit of one document, in bytes.
pub const MAX_DOCUMENT_BYTES_VAR: &str = "P2HAM_MAX_DOCUMENT_BYTES";

/// The size limit of one document: `P2HAM_MAX_DOCUMENT_BYTES` when it holds a
/// whole number of bytes, else [`DEFAULT_MAX_DOCUMENT_BYTES`]; an invalid value
/// is an error naming the variable.
pub fn max_document_bytes() -> Result<u64, IoError> {
    match std::env::var_os(MAX_DOCUMENT_BYTES_VAR) {
        None => Ok(DEFAULT_MAX_DOCUMENT_BYTES),
        Some(v) => v
            .to_str()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .filter(|&n| n > 0)
            .ok_or_else(|| IoError::Input {
                file: MAX_DOCUMENT_BYTES_VAR.into(),
                message: format!(
                    "`{}` is not a size; expected a whole number of bytes above 0",
                    v.to_string_lossy()
                ),
            }),
    }
}

/// Read at most `limit` bytes of one document from `reader`; a longer input
/// (an endless stream such as `/dev/zero`, a huge file) is an error naming the
/// file and the offset where reading stopped, never a memory exhaustion.
pub fn read_document(file: &str, mut reader: impl Read, limit: u64) -> Result<Vec<u8>, IoError> {
    let read_error = |source| IoError::Read {
        file: file.to_owned(),
        source,
    };
    // One byte past the limit tells a document of exactly `limit` bytes from a longer one.
    let cap = usize::try_from(limit.saturating_add(1)).unwrap_or(usize::MAX);
    // Read in blocks and join them once: no doubling reallocation, so an endless
    // stream costs the limit and no more before it is refused.
    let mut blocks: Vec<Vec<u8>> = Vec::new();
    let mut total = 0usize;
    while total < cap {
        let mut block = vec![0u8; BLOCK.min(cap - total)];
        let mut filled = 0;
        while filled < block.len() {
            match reader.read(&mut block[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(read_error(e)),
            }
        }
        block.truncate(filled);
        total += filled;
        let end = filled < block.capacity();
        blocks.push(block);
        if end {
            break;
        }
    }
    if total as u64 > limit {
        return Err(IoError::TooLarge {
            file: file.to_owned(),
            offset: limit,
        });
    }
    Ok(if blocks.len() == 1 {
        blocks.pop().unwrap_or_default()
    } else {
        blocks.concat()
    })
}

/// Read a whole file, up to [`max_document_bytes`]. A path is always a file
/// (standard input is a [`Source::reader`] its caller makes).
pub fn read_input(path: &Path) -> Result<Vec<u8>, IoError> {
    Ok(Source::file(path).read()?.bytes.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_read_up_to_its_limit_exactly() {
        let bytes: Vec<u8> = (0..3 * BLOCK + 17)
            .map(|i| u8::try_from(i % 251).unwrap())
            .collect();
        let limit = bytes.len() as u64;
        assert_eq!(read_document("f", &bytes[..], limit).unwrap(), bytes);
        let err = read_document("f", &bytes[..], limit - 1).unwrap_err();
        assert!(
            matches!(err, IoError::TooLarge { offset, .. } if offset == limit - 1),
            "{err}"
        );
        assert!(read_document("f", std::io::repeat(0), 10).is_err());
        assert_eq!(read_document("f", &b""[..], 10).unwrap(), b"");
    }

    #[test]
    fn toml_is_told_by_extension_then_by_content() {
        let toml = |name: &str, path: Option<&str>, bytes: &[u8]| is_toml(name, path.map(Path::new), bytes);
        assert!(toml("i.toml", Some("i.toml"), b"{"));
        assert!(!toml("i.json", Some("i.json"), b"id = 1"));
        // A file without an extension is JSON, as it always was.
        assert!(!toml("i", Some("i"), b"id = 1"));
        assert!(toml("i.toml", None, b"{"));
        assert!(!toml("upload.json", None, b"id = 1"));
        assert!(toml("-", None, b"id = 1"));
        assert!(!toml("-", None, b"\xEF\xBB\xBF  {}"));
    }

    #[test]
    fn every_kind_of_source_reads_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        std::fs::write(&path, b"{}").unwrap();
        for source in [
            Source::file(&path),
            Source::bytes("a.json", b"{}".as_slice()),
            Source::reader("a.json", &b"{}"[..]),
        ] {
            assert_eq!(&*source.read_limited(10).unwrap().bytes, b"{}");
        }
        let err = Source::reader("s", &b"{}   "[..]).read_limited(3).unwrap_err();
        assert!(matches!(err, IoError::TooLarge { .. }), "{err}");
        let err = Source::file(dir.path()).read_limited(10).unwrap_err();
        assert!(err.to_string().contains("is a folder"), "{err}");
    }
}
