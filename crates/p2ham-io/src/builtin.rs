//! The built-in instruments, embedded at build time from this crate's
//! `instruments/` folder (`fixtures/instruments/` links to it), parsed and
//! checked once, on first use.

use std::sync::OnceLock;

use crate::LoadedInstrument;

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

/// The built-in instrument with this id.
pub fn builtin(id: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.id == id)
}

/// The ids of the built-in instruments, comma-separated (for messages).
pub fn builtin_ids() -> String {
    BUILTINS.iter().map(|b| b.id).collect::<Vec<_>>().join(", ")
}

/// The built-in instrument with this id, parsed and checked once per process.
///
/// # Panics
///
/// When a built-in instrument is invalid: a defect of the build, which the
/// crate's tests rule out.
pub fn builtin_instrument(id: &str) -> Option<&'static LoadedInstrument> {
    static LOADED: OnceLock<Vec<LoadedInstrument>> = OnceLock::new();
    let all = LOADED.get_or_init(|| {
        BUILTINS
            .iter()
            .map(|b| {
                crate::instrument_from_bytes(&format!("builtin:{}", b.id), b.source.as_bytes(), false)
                    .unwrap_or_else(|e| panic!("built-in instrument {} is invalid: {e}", b.id))
            })
            .collect()
    });
    BUILTINS.iter().position(|b| b.id == id).map(|i| &all[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_is_valid_and_parsed_once() {
        for b in BUILTINS {
            let first = builtin_instrument(b.id).unwrap();
            assert_eq!(first.checked.instrument().id, b.id);
            assert!(std::ptr::eq(first, builtin_instrument(b.id).unwrap()));
        }
        assert!(builtin_instrument("p2ham-1999").is_none());
    }
}
