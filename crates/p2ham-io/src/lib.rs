//! # p2ham-io
//!
//! Reading and writing P2HAM documents: JSON (numbers read exactly, never
//! through `f64`) and TOML instruments, the built-in instruments, SHA-256
//! digests, atomic output files and the published JSON Schemas; the comparison
//! of a self-assessment with its verification, the evidence check and the
//! outcome letter.
//!
//! Every document comes from a [`Source`]: a file, bytes already in memory or
//! a stream. The [`ops`] module holds the operations the command line and the
//! server both run (score, compare, validate, SKM, roll-up, evidence check, award history),
//! each taking sources and returning a report:
//!
//! - [`ops::score`], [`ops::compare`], [`ops::validate`], [`ops::skm`],
//!   [`ops::rollup`] (progress and invalid records through a
//!   [`RollupObserver`]), [`ops::evidence`] and [`ops::history`];
//! - the readers behind them: [`read_assessment`], [`read_instrument`],
//!   [`builtin`], [`read_checklist`], [`read_verified_sources`],
//!   [`read_award_list`], [`read_history_sources`];
//! - seals ([`seal_verification`], [`verify_seal`]), audit log checkpoints
//!   ([`sign_checkpoint`], [`verify_checkpoint`]), the published JSON
//!   Schemas ([`SCHEMAS`]) and atomic output files ([`write_atomic`]).
//!
//! ## Features
//!
//! Every feature is on by default; an embedder that scores documents it holds
//! in memory turns them off (`default-features = false`):
//!
//! | feature | what it brings | crates it adds |
//! |---|---|---|
//! | `schema` | the published JSON Schemas ([`SCHEMAS`]), `JsonSchema` on every document type; brings `seal` | schemars |
//! | `toml` | instruments written in TOML | toml_edit |
//! | `spreadsheet` | the checklist (XLSX, ODS, CSV) and SKM survey readers, `ops::skm` | calamine, zip, quick-xml, csv |
//! | `fs` | atomic output files, folders of documents, the evidence check (`ops::evidence`) | tempfile, walkdir, rustix |
//! | `seal` | seals and signed audit log checkpoints; brings `fs` | minisign |
//! | `rollup` | the roll-up of many assessments, parsed and scored in parallel (`ops::rollup`); brings `fs` | rayon |
//!
//! With none of them, reading, validating, scoring and comparing JSON
//! documents, the built-in instruments, award lists and histories, and digests
//! remain, in 29 crates (40 lines of `cargo tree -p p2ham-io
//! --no-default-features -e normal --prefix none | sort -u`, a bound CI
//! keeps): p2ham-io, p2ham-model, p2ham-scoring, serde, serde_core,
//! serde_derive, serde_json, serde_path_to_error, itoa, memchr, zmij,
//! thiserror, thiserror-impl, rust_decimal, arrayvec, num-traits, num-integer,
//! num-bigint, ethnum, sha2, digest, block-buffer, crypto-common,
//! generic-array, typenum, cpufeatures, cfg-if, and the macro crates
//! proc-macro2, quote, syn, unicode-ident.
//!
//! ```
//! // Cargo.toml: p2ham-io = { version = "0.1", default-features = false }
//! use p2ham_io::{ops, Source};
//!
//! // An upload held in memory, scored against the built-in instrument it names.
//! let upload: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"),
//!     "/../../fixtures/assessments/sampit-2023/kanim-sampit.self.json"));
//! let scored = ops::score(Source::bytes("upload.json", upload), None)?;
//! assert_eq!(scored.report.assessment.unit.id, "kanim-sampit");
//! assert_eq!(scored.report.total.map(|t| t.to_string()).as_deref(), Some("94.58"));
//! # Ok::<(), p2ham_io::IoError>(())
//! ```
//!
//! Every failure is an [`IoError`] naming the source and the path inside it;
//! [`IoError::diagnostics`] gives its problems as
//! [`Diagnostic`]s, the one problem type of every
//! P2HAM crate. Messages say what is needed, never a command-line flag (the
//! phrases are in [`needs`], for a frontend to replace with its own).
//!
//! ```
//! use p2ham_io::{ops, Source};
//!
//! let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"),
//!     "/../../fixtures/assessments/sampit-2023/kanim-sampit.self.json")).unwrap();
//! // Bytes held in memory (an upload, say), scored against the built-in they name.
//! let scored = ops::score(Source::bytes("kanim-sampit.self.json", &bytes), None).unwrap();
//! assert_eq!(scored.report.assessment.unit.id, "kanim-sampit");
//! assert_eq!(scored.document.sha256, p2ham_io::sha256_hex(&bytes));
//!
//! // A bad document is an error naming the source and the path inside it.
//! let bad = br#"{"format": "p2ham-assessment/1", "answers": [{"indicator": 7}]}"#;
//! let err = ops::score(Source::bytes("a.json", bad.as_slice()), None).unwrap_err();
//! assert!(err.to_string().contains("a.json"));
//! assert!(err.to_string().contains("answers[0].indicator"));
//!
//! // Validation reports every problem of every document, never stopping at the first.
//! let bad = br#"{"format": "p2ham-assessment/1", "instrument": {"id": "p2ham-2022", "version": "1.0.0"},
//!   "unit": {"id": "kanim-x", "name": "Kanim X", "kind": "kanim"}, "period": "2023", "stage": "self",
//!   "answers": [{"indicator": "A.01", "value": "mungkin"}]}"#;
//! let report = ops::validate(vec![Source::bytes("x.json", bad.as_slice())], None);
//! let problem = &report.files[0].problems[0];
//! assert_eq!(problem.code, p2ham_io::model::Code::UnknownOption);
//! assert_eq!(problem.location(), "answers[0].value (indicator A.01)");
//! ```

#[cfg(feature = "spreadsheet")]
mod archive;
mod award;
mod backup;
#[cfg(feature = "fs")]
mod beneath;
mod builtin;
#[cfg(feature = "spreadsheet")]
mod checklist;
#[cfg(feature = "seal")]
mod checkpoint;
mod compare;
mod digest;
mod error;
#[cfg(feature = "fs")]
mod evidence;
mod formula;
mod load;
pub mod ops;
mod parse;
mod public;
#[cfg(feature = "rollup")]
mod rollup;
#[cfg(feature = "schema")]
mod schema;
#[cfg(feature = "seal")]
mod seal;
#[cfg(feature = "spreadsheet")]
mod skm;
mod source;
mod validate;
#[cfg(feature = "fs")]
mod write;

pub use award::{
    award_components, award_rule, input_files, load_award_list, read_award_components, read_award_list,
    read_award_rule, read_history_inputs, read_history_sources, read_verified, read_verified_sources,
    VerifiedInput, VerifiedInputs,
};
pub use backup::{BackupAudit, BackupFile, BackupFormat, BackupManifest, BACKUP_MANIFEST};
pub use builtin::{builtin, Builtin, UnknownBuiltin, BUILTINS};
#[cfg(feature = "spreadsheet")]
pub use checklist::{
    cell_name, column, column_letters, import_checklist, read_checklist, CellProblem, Checklist,
    ChecklistError, ChecklistMeta, CoverCells, CriterionCells, ImportOptions, IndicatorCells,
    CHECKLIST_FORMAT, MAX_ASSESSOR_ROWS, MAX_CHECKLIST_CELLS, MAX_CHECKLIST_INFLATED_BYTES,
    MAX_CHECKLIST_PARTS, MAX_CHECKLIST_PART_BYTES, MAX_CHECKLIST_TEXT_BYTES, META_SHEET,
};
#[cfg(feature = "seal")]
pub use checkpoint::{
    sign_checkpoint, verify_checkpoint, AuditCheckpoint, AuditCheckpointFormat, CheckedCheckpoint,
    SignedCheckpoint,
};
pub use compare::compare_loaded;
pub use digest::{sha256_hex, sha256_reader};
pub use error::{needs, IoError};
#[cfg(feature = "fs")]
pub use evidence::{
    evidence_files, evidence_manifest, verify_evidence, EvidenceCounts, EvidenceDocument, EvidenceEntry,
    EvidenceFile, EvidenceReference, EvidenceReport, EvidenceStatus, EVIDENCE_FORMAT, MAX_PHOTO_BYTES,
};
pub use formula::{formula_safe, formula_unescape, is_plain_number};
pub use load::{
    check_assessment, instrument_for, instrument_from_bytes, load_assessment, max_document_bytes,
    read_assessment, read_document, read_input, read_instrument, score_loaded, LoadedAssessment,
    LoadedInstrument, DEFAULT_MAX_DOCUMENT_BYTES, MAX_DOCUMENT_BYTES_VAR,
};
pub use parse::{
    detect_kind, from_json, from_toml, is_toml, parse_assessment, parse_instrument, DocumentKind,
};
pub use public::{
    public_award_list, public_units, PublicCriterion, PublicIndicator, PublicUnit, PublicUnits,
    PublicUnitsFormat, PUBLIC_LICENCE, PUBLIC_UNITS_FORMAT,
};
#[cfg(feature = "rollup")]
pub use rollup::{
    rollup, ReadFiles, RollupInput, RollupObserver, RollupOptions, RollupOutcome, DEFAULT_MAX_LINE_BYTES,
};
#[cfg(feature = "schema")]
pub use schema::{schema_kind, SchemaKind, SCHEMAS};
#[cfg(feature = "seal")]
pub use seal::{
    default_seal_path, keygen, load_public_keys, load_secret_key, public_key_path, seal_verification,
    signature_path, utc_timestamp, verify_seal, KeyFiles, PublicKeyFile, Seal, SealCheck, SealFormat,
    SealManifest, SealedDocument, SealedFile, Signer,
};
#[cfg(feature = "spreadsheet")]
pub use skm::{parse_skm, read_skm, skm_report, SkmData, SkmInputError, SkmReadOptions, MAX_SHEET_CELLS};
pub use source::{Source, SourceBytes};
pub use validate::{validate_files, validate_sources, Diagnostic, FileReport, ValidationReport};
#[cfg(feature = "fs")]
pub use write::{resolved_output, same_output, write_atomic, write_atomic_with};

pub use p2ham_model as model;
pub use p2ham_scoring as scoring;
