//! The built-in instruments, embedded at build time from `fixtures/instruments/`.

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
        source: include_str!("../../../fixtures/instruments/p2ham-2018-kanim.json"),
    },
    Builtin {
        id: "p2ham-2018-lapas",
        source: include_str!("../../../fixtures/instruments/p2ham-2018-lapas.json"),
    },
    Builtin {
        id: "p2ham-2022",
        source: include_str!("../../../fixtures/instruments/p2ham-2022.json"),
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
