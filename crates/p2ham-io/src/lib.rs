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
//! server both run, each taking sources and returning a report:
//! [`ops::score`], [`ops::compare`], [`ops::validate`], [`ops::skm`],
//! [`ops::rollup`], [`ops::evidence`], [`ops::history`], [`ops::award`] and
//! [`ops::import`]. The root holds what every caller needs: [`Source`],
//! [`IoError`] with its [`Diagnostic`]s, and [`builtin`], the one way to a
//! built-in instrument. Everything else is grouped by what it reads or writes:
//!
//! | module | what it holds |
//! |---|---|
//! | [`document`] | reading, parsing and checking instruments and assessments; scoring and comparing what was loaded |
//! | [`validate`] | validating many documents, every problem of every file |
//! | [`award`] | the award cycle's inputs: verifications, award lists, histories, the award rule and its figures |
//! | [`public`] | what a published period lets anyone read about each unit |
//! | [`digest`] | SHA-256 of documents and evidence files |
//! | [`formula`] | the rule against formula injection in CSV and spreadsheet cells |
//! | [`backup`] | the manifest of the application's backups |
//! | `checklist` | the checklist workbook (XLSX, ODS, CSV), read and imported (feature `spreadsheet`) |
//! | `skm` | SKM survey data and its report (feature `spreadsheet`) |
//! | `evidence` | the evidence check of a folder of files (feature `fs`) |
//! | `write` | atomic output files (feature `fs`) |
//! | `seal`, `checkpoint` | sealed verifications and signed audit log checkpoints (feature `seal`) |
//! | `rollup` | many assessments parsed and scored in parallel (feature `rollup`) |
//! | `schema` | the published JSON Schemas (feature `schema`) |
//!
//! ## Features
//!
//! Every feature is on by default; an embedder that scores documents it holds
//! in memory turns them off (`default-features = false`):
//!
//! | feature | what it brings | crates it adds |
//! |---|---|---|
//! | `schema` | the published JSON Schemas (`schema::SCHEMAS`), `JsonSchema` on every document type; brings `seal` | schemars |
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
//! assert_eq!(scored.document.sha256, p2ham_io::digest::sha256_hex(&bytes));
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
pub mod award;
pub mod backup;
#[cfg(feature = "fs")]
mod beneath;
mod builtin;
#[cfg(feature = "spreadsheet")]
pub mod checklist;
#[cfg(feature = "seal")]
pub mod checkpoint;
mod compare;
pub mod digest;
pub mod document;
mod error;
#[cfg(feature = "fs")]
pub mod evidence;
pub mod formula;
mod loaded;
pub mod ops;
mod parse;
pub mod public;
#[cfg(feature = "rollup")]
pub mod rollup;
#[cfg(feature = "schema")]
pub mod schema;
#[cfg(feature = "seal")]
pub mod seal;
#[cfg(feature = "spreadsheet")]
pub mod skm;
mod source;
pub mod validate;
#[cfg(feature = "fs")]
pub mod write;

pub use builtin::{builtin, Builtin, UnknownBuiltin, BUILTINS};
pub use error::{needs, IoError};
pub use p2ham_model::Diagnostic;
pub use source::{Source, SourceBytes};

pub use p2ham_model as model;
pub use p2ham_scoring as scoring;
