//! The reports of a case and of a period, computed by the libraries over the
//! stored documents and rendered by the report layer in any of its formats.

use p2ham_io::model::AwardList;
use p2ham_io::model::{Lang, Stage};
use p2ham_io::ops;
use p2ham_io::scoring::{ComparisonReport, HistoryReport, RollupReport, ScoreReport};
use p2ham_io::Source;
use p2ham_report::{EvidenceView, Image, ImageContent};
use sqlx::Row;

use super::rows::{find_period, parsed};
use super::{Cases, ErrorCode, ServiceError, ServiceResult};
use crate::proto::{ReportFormat, StageParam};

/// A report the service computed, ready to render.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Report {
    /// The explained score of one document (`p2ham score`).
    Score(Box<ScoreReport>),
    /// The self-assessment against its verification (`p2ham compare`).
    Comparison(Box<ComparisonReport>),
    /// The outcome letter of a comparison (`p2ham letter`).
    Letter(Box<ComparisonReport>),
    /// A period's roll-up (`p2ham rollup`).
    Rollup(Box<RollupReport>),
    /// A period's award list (`p2ham award`): its JSON is the `p2ham-awards/1`
    /// list, its other formats the decree's annex (Lampiran).
    Awards(Box<AwardList>),
    /// A unit's history across periods (`p2ham history`).
    History(Box<HistoryReport>),
}

/// Every format of a report, the first the default.
pub const ALL_FORMATS: [ReportFormat; 7] = [
    ReportFormat::Json,
    ReportFormat::Text,
    ReportFormat::Md,
    ReportFormat::Csv,
    ReportFormat::Html,
    ReportFormat::Xlsx,
    ReportFormat::Fragment,
];

/// An award list's formats: the `p2ham-awards/1` JSON first, then the annex's.
pub const AWARD_FORMATS: [ReportFormat; 6] = [
    ReportFormat::Json,
    ReportFormat::Xlsx,
    ReportFormat::Md,
    ReportFormat::Html,
    ReportFormat::Csv,
    ReportFormat::Text,
];

/// A letter's formats: Markdown first; no fragment.
pub const LETTER_FORMATS: [ReportFormat; 6] = [
    ReportFormat::Md,
    ReportFormat::Html,
    ReportFormat::Text,
    ReportFormat::Csv,
    ReportFormat::Json,
    ReportFormat::Xlsx,
];

impl ReportFormat {
    /// The media type of a rendered report.
    pub fn media_type(self) -> &'static str {
        match self {
            ReportFormat::Json => "application/json",
            ReportFormat::Text => "text/plain; charset=utf-8",
            ReportFormat::Md => "text/markdown; charset=utf-8",
            ReportFormat::Csv => "text/csv; charset=utf-8",
            ReportFormat::Html | ReportFormat::Fragment => "text/html; charset=utf-8",
            ReportFormat::Xlsx => XLSX,
        }
    }

    /// The format of a media type (`Accept`), when it has one.
    pub fn from_media_type(m: &str) -> Option<ReportFormat> {
        Some(match m {
            "application/json" => ReportFormat::Json,
            "text/plain" => ReportFormat::Text,
            "text/markdown" => ReportFormat::Md,
            "text/csv" => ReportFormat::Csv,
            "text/html" => ReportFormat::Html,
            XLSX => ReportFormat::Xlsx,
            _ => return None,
        })
    }

    fn report_format(self) -> p2ham_report::Format {
        match self {
            ReportFormat::Json => p2ham_report::Format::Json,
            ReportFormat::Text => p2ham_report::Format::Text,
            ReportFormat::Md => p2ham_report::Format::Md,
            ReportFormat::Csv => p2ham_report::Format::Csv,
            ReportFormat::Html | ReportFormat::Fragment => p2ham_report::Format::Html,
            ReportFormat::Xlsx => p2ham_report::Format::Xlsx,
        }
    }
}

/// The spreadsheet media type.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn render_one<R: p2ham_report::Renderable + ?Sized>(
    r: &R,
    format: ReportFormat,
    lang: Lang,
    evidence: Option<&EvidenceView>,
) -> ServiceResult<Vec<u8>> {
    let options = p2ham_report::RenderOptions { lang, evidence };
    if format == ReportFormat::Fragment {
        return Ok(p2ham_report::to_html_fragment(
            &r.doc(&options),
            &p2ham_report::FragmentOptions::default(),
        )
        .into_bytes());
    }
    p2ham_report::render(r, format.report_format(), &options).map_err(|e| ServiceError::internal(&e))
}

impl Report {
    /// The formats this report has, its default first.
    pub fn formats(&self) -> &'static [ReportFormat] {
        match self {
            Report::Letter(_) => &LETTER_FORMATS,
            Report::Awards(_) => &AWARD_FORMATS,
            _ => &ALL_FORMATS,
        }
    }

    /// Render in one of its formats and languages.
    pub fn render(&mut self, format: ReportFormat, lang: Lang) -> ServiceResult<Vec<u8>> {
        self.render_with(format, lang, None)
    }

    /// Render with the evidence files to show beside the indicators (a
    /// score, a comparison or a letter; the HTML shows the photos).
    pub fn render_with(
        &mut self,
        format: ReportFormat,
        lang: Lang,
        evidence: Option<&EvidenceView>,
    ) -> ServiceResult<Vec<u8>> {
        if !self.formats().contains(&format) {
            return Err(unsupported());
        }
        match self {
            Report::Score(r) => render_one(r.as_mut(), format, lang, evidence),
            Report::Comparison(r) => render_one(r.as_mut(), format, lang, evidence),
            Report::Letter(r) => render_one(&p2ham_report::Letter(r), format, lang, evidence),
            Report::Rollup(r) => render_one(r.as_mut(), format, lang, None),
            Report::Awards(r) => render_one(&p2ham_report::Annex(r), format, lang, None),
            Report::History(r) => render_one(r.as_mut(), format, lang, None),
        }
    }
}

impl Report {
    /// The report as an HTML fragment for a page of the application to
    /// embed (every report has one, the letter included), with the evidence
    /// to show; its title a heading of `heading_level`.
    pub fn fragment(&self, lang: Lang, evidence: Option<&EvidenceView>, heading_level: u8) -> String {
        let options = p2ham_report::RenderOptions { lang, evidence };
        let doc = match self {
            Report::Score(r) => p2ham_report::Renderable::doc(r.as_ref(), &options),
            Report::Comparison(r) => p2ham_report::Renderable::doc(r.as_ref(), &options),
            Report::Letter(r) => p2ham_report::Renderable::doc(&p2ham_report::Letter(r), &options),
            Report::Rollup(r) => p2ham_report::Renderable::doc(r.as_ref(), &options),
            Report::Awards(r) => p2ham_report::Renderable::doc(&p2ham_report::Annex(r), &options),
            Report::History(r) => p2ham_report::Renderable::doc(r.as_ref(), &options),
        };
        p2ham_report::to_html_fragment(
            &doc,
            &p2ham_report::FragmentOptions {
                heading_level,
                title: true,
            },
        )
    }
}

/// A format the report does not have.
pub(crate) fn unsupported() -> ServiceError {
    ServiceError::new(
        ErrorCode::UnsupportedFormat,
        "this report is not available in that format (json, text, md, csv, html, xlsx, fragment)",
    )
}

impl Cases<'_> {
    /// The explained score of the current self-assessment or verification.
    pub async fn score_report(&self, period: &str, unit: &str, stage: StageParam) -> ServiceResult<Report> {
        let (_, body) = self.document(period, unit, stage).await?;
        let (period, _) = self.scope(period, unit).await?;
        let instrument = self.state.instrument(&period.instrument.sha256).await?;
        let doc = parsed(stage, body.as_bytes())?;
        let report = p2ham_io::document::score_loaded(&doc, &instrument)
            .map_err(|e| ServiceError::invalid_document(&e))?;
        Ok(Report::Score(Box::new(report)))
    }

    /// The comparison of the self-assessment with its verification.
    pub async fn comparison_report(&self, period: &str, unit: &str) -> ServiceResult<Report> {
        let (period, unit) = self.scope(period, unit).await?;
        let (_, report) = self.compared(&unit, &period).await?;
        Ok(Report::Comparison(Box::new(report)))
    }

    /// The outcome letter (Berita Acara / Surat Keterangan).
    pub async fn letter(&self, period: &str, unit: &str) -> ServiceResult<Report> {
        let (period, unit) = self.scope(period, unit).await?;
        let (_, report) = self.compared(&unit, &period).await?;
        Ok(Report::Letter(Box::new(report)))
    }

    /// The evidence files of the compared documents as a report shows them
    /// from the application: the operator's (those the self-assessment
    /// references) beside the verification team's own (those only the
    /// verification references); each photo as its thumbnail
    /// (`{base}/evidence/{sha256}/thumbnail`) linking to the original
    /// (`{base}/evidence/{sha256}`), `base` being the case's address on the API.
    pub async fn compared_evidence(
        &self,
        period: &str,
        unit: &str,
        base: &str,
        lang: Lang,
    ) -> ServiceResult<EvidenceView> {
        let file = self.file(period, unit).await?;
        let image = |indicator: &str, e: &p2ham_io::model::EvidenceRef| {
            let stored = e.sha256.as_deref().and_then(|sha| file.view.evidence_file(sha));
            let (content, problem) = match stored {
                Some(f) => (
                    ImageContent::Served {
                        thumbnail: f
                            .is_image()
                            .then(|| format!("{base}/evidence/{}/thumbnail", f.sha256)),
                        original: format!("{base}/evidence/{}", f.sha256),
                    },
                    String::new(),
                ),
                None => (
                    ImageContent::Absent,
                    lang.pick("belum diunggah", "not uploaded").to_owned(),
                ),
            };
            Image {
                indicator: indicator.to_owned(),
                path: e.path.clone(),
                caption: e.caption.clone().unwrap_or_default(),
                fails: stored.is_none(),
                problem,
                content,
            }
        };
        let own = file.self_assessment.as_ref().map(|d| &d.assessment);
        let mut operator = Vec::new();
        for a in own.map(|d| d.answers.as_slice()).unwrap_or_default() {
            operator.extend(a.evidence.iter().map(|e| image(&a.indicator, e)));
        }
        let mut team = Vec::new();
        for a in file
            .verification
            .as_ref()
            .map(|d| d.assessment.answers.as_slice())
            .unwrap_or_default()
        {
            let theirs = own
                .and_then(|d| d.answer(&a.indicator))
                .map(|o| o.evidence.as_slice())
                .unwrap_or_default();
            team.extend(
                a.evidence
                    .iter()
                    .filter(|e| !theirs.iter().any(|t| t.sha256 == e.sha256 && t.path == e.path))
                    .map(|e| image(&a.indicator, e)),
            );
        }
        Ok(EvidenceView::beside(operator, team))
    }

    /// The roll-up of a period over the current documents of one stage of
    /// the units the caller may see: per unit, per Kanwil, national gaps.
    pub async fn rollup(&self, period: &str, stage: StageParam) -> ServiceResult<Report> {
        let period = find_period(self.state, period).await?;
        let (wanted, column) = match stage {
            StageParam::SelfAssessment => (Stage::SelfAssessment, "self_sha256"),
            StageParam::Verification => (Stage::Verification, "verification_sha256"),
        };
        let which = stage.as_str();
        let rows = sqlx::query(&format!(
            "SELECT u.id, u.office, d.sha256, d.body FROM cases c JOIN units u ON u.id = c.unit_id \
             JOIN documents d ON d.unit_id = c.unit_id AND d.period_id = c.period_id AND d.stage = $2 AND d.sha256 = c.{column} \
             WHERE c.period_id = $1 ORDER BY u.id, d.uploaded_at"
        ))
        .bind(&period.id)
        .bind(which)
        .fetch_all(self.state.db().pool())
        .await?;
        // One NDJSON line per unit the caller may see (its current document, compact).
        let mut ndjson = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        for r in rows {
            let (id, office, body): (String, String, String) =
                (r.try_get("id")?, r.try_get("office")?, r.try_get("body")?);
            if !self.actor.sees_unit(&id, &office) || seen.contains(&id) {
                continue;
            }
            let value: serde_json::Value =
                serde_json::from_str(&body).map_err(|e| ServiceError::internal(&e))?;
            serde_json::to_writer(&mut ndjson, &value).map_err(|e| ServiceError::internal(&e))?;
            ndjson.push(b'\n');
            seen.push(id);
        }
        if seen.is_empty() {
            return Err(ServiceError::new(
                ErrorCode::NoDocuments,
                format!(
                    "no unit you may see has a current {which} document in period {}",
                    period.id
                ),
            ));
        }
        let instrument = self.state.instrument(&period.instrument.sha256).await?;
        let name = format!("period {} ({which})", period.id);
        let outcome = tokio::task::spawn_blocking(move || {
            let settings = ops::RollupSettings {
                stage: Some(wanted),
                ..ops::RollupSettings::default()
            };
            ops::rollup(
                vec![Source::bytes(name, ndjson)],
                Some(ops::InstrumentInput::Loaded(&instrument)),
                settings,
                &mut (),
            )
        })
        .await?
        .map_err(|e| ServiceError::invalid_document(&e))?;
        Ok(Report::Rollup(Box::new(outcome.report)))
    }
}
