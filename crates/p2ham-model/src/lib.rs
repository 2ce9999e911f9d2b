//! # p2ham-model
//!
//! The vocabulary of P2HAM (*Pelayanan Publik Berbasis Hak Asasi Manusia*)
//! evaluation as plain data: the [`Instrument`] a unit is judged against (its
//! [`Criterion`]s, [`Indicator`]s and answer [`Scale`]s), the [`Assessment`] a
//! unit or a verification team fills in, the principles of UU 25/2009 Pasal 4
//! ([`Principle`]) and the vulnerable groups of Permenkumham 25/2023
//! ([`VulnerableGroup`]), and the rules both documents must follow.
//!
//! The crate does no I/O. Validation returns **every** problem, each a
//! [`Diagnostic`] with a stable [`Code`], the path inside the document and,
//! for a problem about an answer or an indicator, the indicator's id. [`Code`]
//! is the one vocabulary of problems of every P2HAM crate; [`format`](mod@format) holds
//! the `format` id of every document and report.
//!
//! The entry points: [`CheckedInstrument::new`] (an instrument that passed
//! [`validate_instrument`], the input of every scoring engine),
//! [`CheckedInstrument::check`] (an assessment against it), [`Code::ALL`]
//! (every problem code, with [`Code::meaning`] and [`Code::arises`]) and the
//! document types themselves ([`Instrument`], [`Assessment`], [`AwardList`]),
//! read and written with serde.
//!
//! ```
//! use p2ham_model::{Assessment, CheckedInstrument, Instrument, Code};
//!
//! let instrument: Instrument = serde_json::from_str(r#"{
//!   "format": "p2ham-instrument/1", "id": "demo", "version": "1.0.0",
//!   "title": {"id": "Contoh"}, "legal_basis": [], "notes": "", "unit_kinds": ["kanim"],
//!   "scales": [{"id": "ada-tidak", "options": [
//!     {"code": "ada", "label": {"id": "Ada"}, "value": "1"},
//!     {"code": "tidak", "label": {"id": "Tidak"}, "value": "0"}]}],
//!   "criteria": [{"id": "A", "title": {"id": "Fasilitas"}, "weight": "1", "indicators": [
//!     {"id": "A.01", "title": {"id": "Jalan landai"}, "scale": "ada-tidak", "weight": "1"}]}],
//!   "award": {"min_total": "80", "min_criterion": null}
//! }"#).unwrap();
//! let checked = CheckedInstrument::new(instrument).unwrap();
//!
//! let assessment: Assessment = serde_json::from_str(r#"{
//!   "format": "p2ham-assessment/1", "instrument": {"id": "demo", "version": "1.0.0"},
//!   "unit": {"id": "kanim-x", "name": "Kanim X", "kind": "kanim"},
//!   "period": "2023", "stage": "self",
//!   "answers": [{"indicator": "A.01", "value": "mungkin"}]
//! }"#).unwrap();
//! let problems = checked.check(&assessment);
//! assert_eq!(problems[0].code, Code::UnknownOption);
//! assert_eq!(problems[0].path, "answers[0].value");
//! assert_eq!(problems[0].indicator.as_deref(), Some("A.01"));
//! assert_eq!(
//!     problems[0].to_string(),
//!     "answers[0].value (indicator A.01): `mungkin` is not an option of scale `ada-tidak`; \
//!      expected one of: ada, tidak [unknown-option]"
//! );
//!
//! // Codes are stable strings; format ids are constants.
//! assert_eq!("unknown-option".parse::<p2ham_model::Code>(), Ok(Code::UnknownOption));
//! assert_eq!(p2ham_model::format::ASSESSMENT, "p2ham-assessment/1");
//! ```
//!
//! Every instrument type has a [`Default`], so an instrument is written in
//! code with struct update syntax, naming only what it sets: a ministry that
//! tailors an instrument adds its own criterion to a built-in one, say.
//!
//! ```
//! use p2ham_model::{AwardRule, CheckedInstrument, Criterion, EvidenceRequirement, Indicator, Instrument,
//!                   Scale, ScaleOption, Text, Decimal};
//!
//! let yes_no = Scale {
//!     id: "ada-tidak".into(),
//!     options: vec![
//!         ScaleOption { code: "ada".into(), label: Text::id("Ada"), value: Decimal::ONE },
//!         ScaleOption { code: "tidak".into(), label: Text::id("Tidak"), value: Decimal::ZERO },
//!     ],
//! };
//! let ramp = Indicator {
//!     id: "A.01".into(),
//!     title: Text::bilingual("Jalan landai", "Ramp"),
//!     scale: "ada-tidak".into(),
//!     weight: Decimal::ONE,
//!     evidence: EvidenceRequirement::Required,
//!     ..Indicator::default()
//! };
//! let base = Instrument {
//!     id: "demo".into(),
//!     version: "1.0.0".into(),
//!     title: Text::id("Contoh"),
//!     unit_kinds: vec!["kanim".into()],
//!     scales: vec![yes_no],
//!     criteria: vec![Criterion {
//!         id: "A".into(),
//!         title: Text::id("Fasilitas"),
//!         weight: Decimal::ONE,
//!         indicators: vec![ramp.clone()],
//!     }],
//!     award: AwardRule { min_total: Decimal::from(80), ..AwardRule::default() },
//!     ..Instrument::default()
//! };
//! assert!(CheckedInstrument::new(base.clone()).is_ok());
//!
//! // Tailored: a second criterion with one indicator, a new version.
//! let mut tailored = Instrument { version: "1.1.0".into(), ..base };
//! tailored.criteria.push(Criterion {
//!     id: "B".into(),
//!     title: Text::id("Informasi"),
//!     weight: Decimal::ONE,
//!     indicators: vec![Indicator { id: "B.01".into(), title: Text::id("Papan informasi"), ..ramp }],
//! });
//! let checked = CheckedInstrument::new(tailored).unwrap();
//! assert_eq!(checked.instrument().indicators().count(), 2);
//!
//! // An indicator left without its scale is refused, naming it.
//! let broken = Instrument {
//!     criteria: vec![Criterion { indicators: vec![Indicator { id: "C.01".into(), ..Indicator::default() }],
//!                                ..Criterion::default() }],
//!     ..Instrument::default()
//! };
//! assert!(CheckedInstrument::new(broken).is_err());
//! ```

mod assessment;
mod award_rule;
mod awards;
mod decimal;
mod diagnostic;
pub mod format;
mod instrument;
mod text;
mod validate;
mod vocabulary;

pub use assessment::{Answer, Assessment, AssessmentFormat, Assessor, EvidenceRef, InstrumentRef, Unit};
pub use award_rule::{
    AwardComponents, AwardComponentsFormat, AwardRuleFormat, Composite, IkmMutu, PeriodAwardRule,
    UnitComponents, ZonaIntegritas,
};
pub use awards::{
    AwardEntry, AwardList, AwardReason, AwardReasonCode, AwardsFormat, Decision, Decree, DocumentRef,
    InstrumentStamp,
};
pub use decimal::parse_decimal;
pub use diagnostic::{answer_index, indicator_index, located, Code, Diagnostic, UnknownCode};
pub use instrument::{AwardRule, Criterion, Indicator, Instrument, InstrumentFormat, Scale, ScaleOption};
pub use text::{Lang, Text};
pub use validate::{
    evidence_path_problem, is_iso_date, is_sha256_hex, is_unit_id, name_answer_indicators,
    validate_instrument, CheckedInstrument, IndicatorPos, ModelError, SHA256_OR_EMPTY_PATTERN,
    SHA256_PATTERN, SHA256_REF_PATTERN, UNIT_ID_PATTERN,
};
pub use vocabulary::{EvidenceRequirement, Principle, Stage, UnsupportedClaims, VulnerableGroup};

/// Re-exported so users need not depend on `rust_decimal` to build documents.
pub use rust_decimal::Decimal;
