//! # p2ham-report
//!
//! Presentation of every P2HAM report, and nothing else: one builder per
//! report turns the report's data into a [`Doc`] (headings, paragraphs,
//! key/value lists, tables, the award verdict, bar charts, notes, evidence
//! images), and one backend per format writes any `Doc`: aligned terminal
//! text, Markdown, a self-contained HTML page (inline CSS and SVG, printable
//! on A4) and an XLSX workbook (one sheet per table). CSV is a flat,
//! documented projection per report; JSON is the report's own serialisation.
//!
//! Every bilingual phrase lives in [`labels`], the number and date policy in
//! [`number`], and untrusted text is cleaned once per backend ([`sanitize`]).
//!
//! The entry points: [`render`] and [`write()`] take any [`Renderable`] (every
//! report type of `p2ham-scoring` and `p2ham-io` implements it) and a
//! [`Format`]; below them, each report's builder (`score_doc`, `compare_doc`,
//! `letter_doc`, `rollup_doc`, `skm_doc`, `evidence_doc`, `validation_doc`,
//! `award_doc`, `annex_doc`, `history_doc`, `instrument_diff_doc`) and each backend ([`to_text`],
//! [`to_markdown`], [`to_html`], [`to_html_fragment`], [`to_xlsx`]) can be
//! called on their own, e.g. to embed a report in a page.
//!
//! ```
//! use p2ham_report::{render, Format, RenderOptions};
//!
//! let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"),
//!     "/../../fixtures/assessments/sampit-2023/kanim-sampit.self.json")).unwrap();
//! let source = p2ham_io::Source::bytes("kanim-sampit.self.json", &bytes);
//! let report = p2ham_io::ops::score(source, None).unwrap().report;
//! let md = render(&report, Format::Md, &RenderOptions::default()).unwrap();
//! assert!(String::from_utf8(md).unwrap().starts_with("# Hasil Penilaian P2HAM"));
//!
//! // The same report's document, written by one backend directly.
//! let doc = p2ham_report::score_doc(&report, p2ham_model::Lang::En, None);
//! let html = p2ham_report::to_html(&doc);
//! assert!(html.starts_with("<!DOCTYPE html>"));
//! ```

mod awards;
mod checklist;
mod compare;
mod csv;
mod doc;
mod evidence;
mod evidence_view;
mod html;
mod instrument_diff;
pub mod labels;
mod letter;
mod markdown;
pub mod number;
mod rollup;
pub mod sanitize;
mod score;
mod skm;
mod text;
mod validation;
mod xlsx;

use std::io::Write;

use p2ham_io::{evidence::EvidenceReport, validate::ValidationReport};
use p2ham_model::AwardList;
pub use p2ham_model::Lang;
use p2ham_scoring::skm::SkmReport;
use p2ham_scoring::{ComparisonReport, HistoryReport, InstrumentDiff, RollupReport, ScoreReport};

pub use awards::{annex_csv, annex_doc, award_csv, award_doc, history_csv, history_doc};
pub use checklist::{checklist_csv, checklist_xlsx, CoverFields, TemplateError, TemplateOptions};
pub use compare::{compare_csv, compare_doc};
pub use doc::{Align, BarChart, Beside, Block, Cell, Doc, Image, ImageContent, Table, Verdict};
pub use evidence::{evidence_csv, evidence_doc};
pub use evidence_view::{
    public_copy, thumbnail, EvidenceView, PublicCopy, PUBLIC_PHOTO_SIZE, THUMBNAIL_SIZE,
};
pub use html::{to_html, to_html_fragment, FragmentOptions};
pub use instrument_diff::{instrument_diff_csv, instrument_diff_doc};
pub use letter::{letter_doc, LetterKind};
pub use markdown::to_markdown;
pub use rollup::{invalid_record_lines, rollup_csv, rollup_doc, rollup_json_writer};
pub use score::{score_csv, score_doc, score_summary_doc};
pub use skm::{skm_csv, skm_doc};
pub use text::to_text;
pub use validation::{diagnostic_line, validation_csv, validation_doc};
pub use xlsx::to_xlsx;

/// Errors of rendering.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// Writing the output failed.
    #[error("cannot write the report: {0}")]
    Write(#[from] std::io::Error),
    /// The workbook could not be built (a limit of the format).
    #[error("cannot build the XLSX workbook: {0}")]
    Xlsx(String),
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// Aligned terminal text.
    Text,
    /// GitHub-flavoured Markdown.
    Md,
    /// The report's flat CSV projection.
    Csv,
    /// A self-contained HTML page.
    Html,
    /// An XLSX workbook (binary).
    Xlsx,
    /// The report as JSON (its published schema).
    Json,
}

impl Format {
    /// Every format, in the order the CLI lists them.
    pub const ALL: [Format; 6] = [
        Format::Text,
        Format::Md,
        Format::Csv,
        Format::Html,
        Format::Xlsx,
        Format::Json,
    ];

    /// The name on the command line and the usual file extension's stem.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Md => "md",
            Format::Csv => "csv",
            Format::Html => "html",
            Format::Xlsx => "xlsx",
            Format::Json => "json",
        }
    }

    /// Whether the output is binary (never written to a terminal).
    pub fn is_binary(self) -> bool {
        self == Format::Xlsx
    }
}

/// How to render: the language, and the evidence to show (score, compare, letter).
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions<'a> {
    /// The language of labels.
    pub lang: Lang,
    /// Evidence files to show beside their indicators (HTML shows photos).
    pub evidence: Option<&'a EvidenceView>,
}

/// A report that can be rendered in every format.
pub trait Renderable {
    /// The report as a document.
    fn doc(&self, options: &RenderOptions) -> Doc;
    /// The report's CSV projection.
    fn csv(&self, options: &RenderOptions) -> String;
    /// The report as pretty JSON with a final newline.
    fn write_json(&self, w: &mut dyn Write) -> std::io::Result<()>;
}

/// The outcome letter of a comparison: its document is the letter, its data
/// (CSV, JSON) the comparison's.
#[derive(Debug)]
pub struct Letter<'a>(pub &'a ComparisonReport);

macro_rules! serde_json_report {
    () => {
        fn write_json(&self, w: &mut dyn Write) -> std::io::Result<()> {
            to_json_writer(w, self)
        }
    };
}

impl Renderable for ScoreReport {
    fn doc(&self, o: &RenderOptions) -> Doc {
        score_doc(self, o.lang, o.evidence)
    }
    fn csv(&self, o: &RenderOptions) -> String {
        score_csv(self, o.lang)
    }
    serde_json_report!();
}

impl Renderable for ComparisonReport {
    fn doc(&self, o: &RenderOptions) -> Doc {
        compare_doc(self, o.lang, o.evidence)
    }
    fn csv(&self, o: &RenderOptions) -> String {
        compare_csv(self, o.lang)
    }
    serde_json_report!();
}

impl Renderable for Letter<'_> {
    fn doc(&self, o: &RenderOptions) -> Doc {
        letter_doc(self.0, o.lang, o.evidence)
    }
    fn csv(&self, o: &RenderOptions) -> String {
        compare_csv(self.0, o.lang)
    }
    fn write_json(&self, w: &mut dyn Write) -> std::io::Result<()> {
        to_json_writer(w, self.0)
    }
}

impl Renderable for RollupReport {
    fn doc(&self, o: &RenderOptions) -> Doc {
        rollup_doc(self, o.lang)
    }
    fn csv(&self, _: &RenderOptions) -> String {
        rollup_csv(self)
    }
    fn write_json(&self, w: &mut dyn Write) -> std::io::Result<()> {
        rollup_json_writer(w, self)
    }
}

impl Renderable for SkmReport {
    fn doc(&self, o: &RenderOptions) -> Doc {
        skm_doc(self, o.lang)
    }
    fn csv(&self, o: &RenderOptions) -> String {
        skm_csv(self, o.lang)
    }
    serde_json_report!();
}

impl Renderable for EvidenceReport {
    fn doc(&self, o: &RenderOptions) -> Doc {
        evidence_doc(self, o.lang)
    }
    fn csv(&self, _: &RenderOptions) -> String {
        evidence_csv(self)
    }
    serde_json_report!();
}

impl Renderable for ValidationReport {
    fn doc(&self, o: &RenderOptions) -> Doc {
        validation_doc(self, o.lang)
    }
    fn csv(&self, _: &RenderOptions) -> String {
        validation_csv(self)
    }
    serde_json_report!();
}

impl Renderable for AwardList {
    fn doc(&self, o: &RenderOptions) -> Doc {
        award_doc(self, o.lang)
    }
    fn csv(&self, o: &RenderOptions) -> String {
        award_csv(self, o.lang)
    }
    serde_json_report!();
}

/// The decree annex (Lampiran) of an award list: its document is the annex,
/// its CSV the annex's rows, its JSON the award list.
#[derive(Debug)]
pub struct Annex<'a>(pub &'a AwardList);

impl Renderable for Annex<'_> {
    fn doc(&self, o: &RenderOptions) -> Doc {
        annex_doc(self.0, o.lang)
    }
    fn csv(&self, _: &RenderOptions) -> String {
        annex_csv(self.0)
    }
    fn write_json(&self, w: &mut dyn Write) -> std::io::Result<()> {
        to_json_writer(w, self.0)
    }
}

impl Renderable for HistoryReport {
    fn doc(&self, o: &RenderOptions) -> Doc {
        history_doc(self, o.lang)
    }
    fn csv(&self, _: &RenderOptions) -> String {
        history_csv(self)
    }
    serde_json_report!();
}

impl Renderable for InstrumentDiff {
    fn doc(&self, o: &RenderOptions) -> Doc {
        instrument_diff_doc(self, o.lang)
    }
    fn csv(&self, _: &RenderOptions) -> String {
        instrument_diff_csv(self)
    }
    serde_json_report!();
}

/// Write a report in a format.
pub fn write<R: Renderable + ?Sized>(
    report: &R,
    format: Format,
    options: &RenderOptions,
    w: &mut dyn Write,
) -> Result<(), ReportError> {
    match format {
        Format::Json => report.write_json(w)?,
        Format::Csv => w.write_all(report.csv(options).as_bytes())?,
        Format::Text => w.write_all(to_text(&report.doc(options)).as_bytes())?,
        Format::Md => w.write_all(to_markdown(&report.doc(options)).as_bytes())?,
        Format::Html => w.write_all(to_html(&report.doc(options)).as_bytes())?,
        Format::Xlsx => w.write_all(&to_xlsx(&report.doc(options))?)?,
    }
    Ok(())
}

/// A report in a format, in memory.
pub fn render<R: Renderable + ?Sized>(
    report: &R,
    format: Format,
    options: &RenderOptions,
) -> Result<Vec<u8>, ReportError> {
    let mut out = Vec::new();
    write(report, format, options, &mut out)?;
    Ok(out)
}

/// Any report as pretty JSON with a final newline.
pub fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("reports always serialise");
    s.push('\n');
    s
}

/// Write any report as pretty JSON with a final newline (the bytes of [`to_json`]).
pub fn to_json_writer<T: serde::Serialize + ?Sized>(w: &mut dyn Write, value: &T) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, value)?;
    w.write_all(b"\n")
}
