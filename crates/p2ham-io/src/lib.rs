//! # p2ham-io
//!
//! Reading and writing P2HAM documents: JSON (numbers read exactly, never
//! through `f64`) and TOML instruments, the built-in instruments, SHA-256
//! digests, atomic output files and the published JSON Schemas; the comparison
//! of a self-assessment with its verification, the evidence check and the
//! outcome letter.
//!
//! ```
//! use p2ham_io::{load_builtin, parse_assessment};
//!
//! let instrument = load_builtin("p2ham-2022").unwrap().unwrap();
//! assert_eq!(instrument.checked.instrument().id, "p2ham-2022");
//!
//! let err = parse_assessment("a.json", br#"{"format": "p2ham-assessment/1", "answers": [{"indicator": 7}]}"#)
//!     .unwrap_err();
//! assert!(err.to_string().contains("answers[0].indicator"));
//! ```

mod beneath;
mod builtin;
mod compare_report;
mod digest;
mod error;
mod evidence;
mod letter;
mod load;
mod parse;
mod rollup;
mod rollup_report;
mod schema;
mod score_html;
mod score_report;
mod skm;
mod table;
mod validate;
mod write;

pub use builtin::{builtin, builtin_ids, Builtin, BUILTINS};
pub use compare_report::{compare_loaded, compare_to_csv, compare_to_markdown, compare_to_text, kind_label};
pub use digest::{sha256_hex, sha256_reader};
pub use error::IoError;
pub use evidence::{
    evidence_manifest, evidence_to_text, verify_evidence, EvidenceCounts, EvidenceDocument, EvidenceEntry,
    EvidenceReference, EvidenceReport, EvidenceStatus, EVIDENCE_FORMAT,
};
pub use letter::{letter_markdown, long_date, LetterKind};
pub use load::{
    check_assessment, instrument_for, instrument_from_bytes, load_assessment, load_builtin, load_instrument,
    max_document_bytes, read_document, read_input, score_loaded, LoadedAssessment, LoadedInstrument,
    DEFAULT_MAX_DOCUMENT_BYTES, MAX_DOCUMENT_BYTES_VAR,
};
pub use parse::{
    detect_kind, from_json, from_toml, is_toml, parse_assessment, parse_instrument, DocumentKind,
};
pub use rollup::{invalid_to_text, rollup, RollupOptions};
pub use rollup_report::{rollup_to_csv, rollup_to_json_writer, rollup_to_markdown, rollup_to_text};
pub use schema::{schema_kind, SchemaKind, SCHEMAS};
pub use score_html::score_to_html;
pub use score_report::{
    figure, score_to_csv, score_to_markdown, score_to_text, status_label, to_json, to_json_writer,
};
pub use skm::{
    parse_skm, read_skm, skm_report, skm_to_csv, skm_to_json, skm_to_markdown, skm_to_text, SkmData,
    SkmInputError, SkmReadOptions, MAX_SHEET_CELLS,
};
pub use table::{Align, Table};
pub use validate::{validate_files, validate_with, Diagnostic, FileReport, ValidationReport};
pub use write::{write_atomic, write_atomic_with};

pub use p2ham_model as model;
pub use p2ham_scoring as scoring;
