//! The built-in instruments, embedded at build time from this crate's
//! `instruments/` folder (`fixtures/instruments/` links to it), parsed and
//! checked once, on first use.

use std::sync::OnceLock;

use crate::{loaded::LoadedInstrument, IoError};

/// One built-in instrument: its id and its JSON source.
#[derive(Debug, Clone, Copy)]
pub struct Builtin {
    /// The instrument id, e.g. `p2ham-2022`.
    pub id: &'static str,
    /// The JSON document, byte for byte as shipped.
    pub source: &'static str,
}

/// Every built-in instrument, sorted by id.
pub const BUILTINS: &[Builtin] = &[
    Builtin {
        id: "p2ham-2018-kanim",
        source: include_str!("../instruments/p2ham-2018-kanim.json"),
    },
    Builtin {
        id: "p2ham-2018-lapas",
        source: include_str!("../instruments/p2ham-2018-lapas.json"),
    },
    Builtin {
        id: "p2ham-2022",
        source: include_str!("../instruments/p2ham-2022.json"),
    },
];

/// The built-in instrument `id`, parsed and checked once per process: the
/// one way to get a built-in. An unknown id is an [`UnknownBuiltin`] listing
/// the known ones; `?` makes it an [`IoError::UnknownInstrument`] naming the
/// caller's request, [`UnknownBuiltin::named_by`] one naming a document.
///
/// ```
/// let instrument = p2ham_io::builtin("p2ham-2022")?;
/// assert_eq!(instrument.checked.instrument().id, "p2ham-2022");
/// assert_eq!(instrument.source, "builtin:p2ham-2022");
///
/// let unknown = p2ham_io::builtin("p2ham-1999").unwrap_err();
/// assert_eq!(unknown.known, ["p2ham-2018-kanim", "p2ham-2018-lapas", "p2ham-2022"]);
/// # Ok::<(), p2ham_io::UnknownBuiltin>(())
/// ```
///
/// # Panics
///
/// When a built-in instrument is invalid: a defect of the build, which the
/// crate's tests rule out.
pub fn builtin(id: &str) -> Result<&'static LoadedInstrument, UnknownBuiltin> {
    static LOADED: OnceLock<Vec<LoadedInstrument>> = OnceLock::new();
    let all = LOADED.get_or_init(|| {
        BUILTINS
            .iter()
            .map(|b| {
                crate::loaded::instrument_from_bytes(&format!("builtin:{}", b.id), b.source.as_bytes(), false)
                    .unwrap_or_else(|e| panic!("built-in instrument {} is invalid: {e}", b.id))
            })
            .collect()
    });
    BUILTINS
        .iter()
        .position(|b| b.id == id)
        .map(|i| &all[i])
        .ok_or_else(|| UnknownBuiltin {
            id: id.to_owned(),
            known: BUILTINS.iter().map(|b| b.id.to_owned()).collect(),
        })
}

/// An id that names no built-in instrument.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("instrument `{id}` is not built in (built-in: {})", known.join(", "))]
pub struct UnknownBuiltin {
    /// The id asked for.
    pub id: String,
    /// The ids of the built-in instruments, sorted.
    pub known: Vec<String>,
}

impl UnknownBuiltin {
    /// The error of a document (or option) `file` that names this id.
    pub fn named_by(self, file: &str) -> IoError {
        IoError::UnknownInstrument {
            file: file.to_owned(),
            id: self.id,
            known: self.known,
        }
    }
}

impl From<UnknownBuiltin> for IoError {
    /// The id was asked for by the caller (its file is
    /// [`needs::ASKED_INSTRUMENT`](crate::needs::ASKED_INSTRUMENT)).
    fn from(e: UnknownBuiltin) -> Self {
        e.named_by(crate::needs::ASKED_INSTRUMENT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_is_valid_and_parsed_once() {
        for b in BUILTINS {
            let first = builtin(b.id).unwrap();
            assert_eq!(first.checked.instrument().id, b.id);
            assert!(std::ptr::eq(first, builtin(b.id).unwrap()));
        }
        let unknown = builtin("p2ham-1999").unwrap_err();
        assert_eq!(unknown.id, "p2ham-1999");
        assert_eq!(
            unknown.known,
            ["p2ham-2018-kanim", "p2ham-2018-lapas", "p2ham-2022"]
        );
        assert_eq!(
            unknown.to_string(),
            "instrument `p2ham-1999` is not built in (built-in: p2ham-2018-kanim, p2ham-2018-lapas, p2ham-2022)"
        );
    }
}
