//! What the pages of one unit's case share: the case as the service read it
//! (with links under the application's prefix), the indicators that apply,
//! the comments, a posted form's problems and how a refused document's
//! diagnostics map to the form's fields.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::HeaderMap;
use axum::response::Response;
use p2ham_io::model::{Assessment, Code, Criterion, Diagnostic, Indicator, Instrument};

use super::{html_id, refused, urlencode, Ctx, FormData};
use crate::proto::{CaseView, UnitInfo};
use crate::service::{CaseFile, ServiceError};
use crate::types::Status;
use crate::AppState;

/// The radio value that stands for "tidak berlaku".
pub(crate) const NOT_APPLICABLE: &str = "__na";

/// One unit's case for a page: the service's [`CaseFile`] and where its
/// files and reports are for the browser.
pub(crate) struct Case {
    pub file: CaseFile,
    /// `{prefix}/api/v1/periods/{period}/units/{unit}`.
    api: String,
}

impl Case {
    /// Read a unit's case as the visitor may see it.
    pub async fn read(state: &AppState, ctx: &Ctx, period: &str, unit: &str) -> Result<Case, Response> {
        let me = ctx.me()?;
        let file = state
            .cases(me)
            .file(period, unit)
            .await
            .map_err(|e| refused(ctx, &e))?;
        Ok(Case::from_file(ctx, file))
    }

    /// A case the service read.
    pub fn from_file(ctx: &Ctx, file: CaseFile) -> Case {
        let api = ctx.url(&format!(
            "/api/v1/periods/{}/units/{}",
            urlencode(&file.period.id),
            urlencode(&file.view.unit.id)
        ));
        Case { file, api }
    }

    /// The case as the API shows it.
    pub fn view(&self) -> &CaseView {
        &self.file.view
    }

    /// Where the evaluation stands.
    pub fn status(&self) -> Status {
        self.file.view.status
    }

    /// The unit.
    pub fn unit(&self) -> &UnitInfo {
        &self.file.view.unit
    }

    /// The period's id.
    pub fn period(&self) -> &str {
        &self.file.period.id
    }

    /// The period's instrument.
    pub fn instrument(&self) -> &Instrument {
        self.file.instrument.checked.instrument()
    }

    /// The current self-assessment.
    pub fn self_doc(&self) -> Option<&Assessment> {
        self.file.self_assessment.as_ref().map(|d| &d.assessment)
    }

    /// The current verification.
    pub fn verification(&self) -> Option<&Assessment> {
        self.file.verification.as_ref().map(|d| &d.assessment)
    }

    /// The indicators that apply to the unit's kind, by criterion.
    pub fn applicable(&self) -> Vec<(&Criterion, Vec<&Indicator>)> {
        let kind = &self.unit().kind;
        self.instrument()
            .criteria
            .iter()
            .map(|c| {
                (
                    c,
                    c.indicators
                        .iter()
                        .filter(|i| i.applies_to_kind(kind))
                        .collect::<Vec<_>>(),
                )
            })
            .filter(|(_, v)| !v.is_empty())
            .collect()
    }

    /// The ids of the indicators that apply, in the instrument's order.
    pub fn applicable_ids(&self) -> Vec<String> {
        self.applicable()
            .iter()
            .flat_map(|(_, v)| v.iter().map(|i| i.id.clone()))
            .collect()
    }

    /// The verifiers' comments: per indicator (`""` for general ones), with their round.
    pub fn comments(&self) -> BTreeMap<String, Vec<(i64, String)>> {
        let mut out: BTreeMap<String, Vec<(i64, String)>> = BTreeMap::new();
        for c in &self.file.view.comments {
            out.entry(c.indicator.clone().unwrap_or_default())
                .or_default()
                .push((c.round, c.body.clone()));
        }
        out
    }

    /// A URL of the case on the API (`/evidence/…`, `/compare?…`), under the prefix.
    pub fn api(&self, rest: &str) -> String {
        format!("{}{rest}", self.api)
    }

    /// An evidence file's URL on the API.
    pub fn evidence_url(&self, sha: &str) -> String {
        self.api(&format!("/evidence/{sha}"))
    }

    /// A photo's thumbnail on the API.
    pub fn thumbnail_url(&self, sha: &str) -> String {
        self.api(&format!("/evidence/{sha}/thumbnail"))
    }

    /// Whether an uploaded file (by digest) is an image.
    pub fn is_image(&self, sha: &str) -> bool {
        self.file
            .view
            .evidence_file(sha)
            .is_some_and(crate::proto::EvidenceInfo::is_image)
    }

    /// A page of this case (`""`, `/save`, `/review`, …), under the prefix.
    pub fn page(&self, ctx: &Ctx, rest: &str) -> String {
        ctx.url(&format!(
            "/periods/{}/units/{}{rest}",
            urlencode(self.period()),
            urlencode(&self.unit().id)
        ))
    }
}

/// A form posted for a unit's case (read within `limits`: bytes per file,
/// bytes in all, files; its CSRF token checked), and the case; the page to send instead when either fails.
pub(crate) async fn posted_case(
    state: &AppState,
    ctx: &Ctx,
    (period, unit): (&str, &str),
    headers: &HeaderMap,
    body: Body,
    limits: (u64, u64, usize),
) -> Result<(FormData, Case), Response> {
    let form = super::posted_within(ctx, headers, body, limits).await?;
    let case = Case::read(state, ctx, period, unit).await?;
    Ok((form, case))
}

/// The files a form carries for indicators (`ev.{indicator}` fields), each
/// named `{folder}{indicator}/{file}` with clean segments: (indicator, evidence path, bytes).
pub(crate) fn chosen_files<'f>(
    form: &'f FormData,
    folder: &str,
) -> Vec<(String, String, &'f axum::body::Bytes)> {
    form.files
        .iter()
        .filter_map(|(field, file, bytes)| {
            let ind = field.strip_prefix("ev.")?;
            Some((
                ind.to_owned(),
                format!("{folder}{}/{}", clean_file_name(ind), clean_file_name(file)),
                bytes,
            ))
        })
        .collect()
}

/// A file name made into a clean evidence path segment.
fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let clean = clean.trim_matches('.').to_owned();
    if clean.is_empty() {
        "berkas".to_owned()
    } else {
        clean
    }
}

/// Upload the chosen files to a case, each on its own so that a refusal
/// names the indicator it was chosen for: (indicator, path, digest) of each
/// stored file, or the indicator (when one) and the refusal.
pub(crate) async fn upload_files(
    cases: &crate::service::Cases<'_>,
    (period, unit): (&str, &str),
    files: &[(String, String, &axum::body::Bytes)],
) -> Result<Vec<(String, String, String)>, (Option<String>, ServiceError)> {
    let mut upload = cases.begin_evidence(period, unit).await.map_err(|e| (None, e))?;
    for (ind, path, bytes) in files {
        let chunk: Result<axum::body::Bytes, std::convert::Infallible> = Ok((*bytes).clone());
        upload
            .put(path, futures_util::stream::iter([chunk]))
            .await
            .map_err(|e| (Some(ind.clone()), e))?;
    }
    let stored = upload.finish().await.map_err(|e| (None, e))?;
    Ok(stored
        .into_iter()
        .zip(files)
        .map(|(e, (ind, _, _))| (ind.clone(), e.path, e.sha256))
        .collect())
}

/// The form's problems when files could not be uploaded.
pub(crate) fn upload_refused<'f>(
    ctx: &Ctx,
    (ind, e): (Option<String>, ServiceError),
    form: &'f FormData,
) -> FormErrors<'f> {
    FormErrors {
        message: format!(
            "{} {}",
            ctx.t(
                "Bukti tidak dapat diunggah:",
                "The evidence could not be uploaded:"
            ),
            e.message
        ),
        fields: ind
            .map(|ind| vec![(html_id("ev", &ind), format!("{ind}: {}", e.message))])
            .unwrap_or_default(),
        posted: Some(form),
    }
}

/// Problems of a posted form: a message and (field id, text) pairs.
pub(crate) struct FormErrors<'a> {
    pub message: String,
    pub fields: Vec<(String, String)>,
    pub posted: Option<&'a FormData>,
}

impl FormErrors<'_> {
    /// The problem of one field (by its HTML id), if any.
    pub fn field(errors: Option<&FormErrors<'_>>, id: &str) -> Option<String> {
        errors.and_then(|e| e.fields.iter().find(|(k, _)| k == id).map(|(_, m)| m.clone()))
    }
}

/// The form field a diagnostic of an answer is about, by its path and code:
/// `v` the answer, `na` its justification, `note` its note, `ev` its evidence.
fn field_of(d: &Diagnostic, rest: &str) -> &'static str {
    if rest.starts_with(".not_applicable") {
        "na"
    } else if rest.starts_with(".note") {
        "note"
    } else if rest.starts_with(".evidence")
        || matches!(d.code, Code::EvidenceNotUploaded | Code::InvalidEvidencePath)
    {
        "ev"
    } else {
        "v"
    }
}

/// A refused document's diagnostics (`answers[3].value`) as links to the
/// form's fields: the indicator the diagnostic names (or the answer at that
/// position of `order`), the field by the rest of the path and the code.
pub(crate) fn diagnostic_fields(diagnostics: &[Diagnostic], order: &[String]) -> Vec<(String, String)> {
    diagnostics
        .iter()
        .map(|d| {
            let answer = d.path.strip_prefix("answers[").and_then(|r| r.split_once(']'));
            let indicator = d
                .indicator
                .clone()
                .or_else(|| answer.and_then(|(i, _)| order.get(i.parse::<usize>().ok()?).cloned()));
            match (indicator, answer) {
                (Some(ind), Some((_, rest))) => {
                    (html_id(field_of(d, rest), &ind), format!("{ind}: {}", d.message))
                }
                (Some(ind), None) => (html_id("v", &ind), format!("{ind}: {}", d.message)),
                _ if d.path.is_empty() => ("main".to_owned(), d.message.clone()),
                _ => ("main".to_owned(), format!("{}: {}", d.path, d.message)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_map_to_fields_by_indicator_path_and_code() {
        let order = vec!["A.01".to_owned(), "A.07".to_owned()];
        let d = |code, path: &str, ind: Option<&str>| {
            Diagnostic::new(code, path, "m").with_indicator(ind.map(str::to_owned))
        };
        let fields = diagnostic_fields(
            &[
                d(Code::UnknownOption, "answers[0].value", None),
                d(Code::EvidenceNotUploaded, "answers[1].evidence[0]", Some("A.07")),
                d(Code::Invalid, "answers[1].not_applicable", None),
                d(Code::WrongCase, "unit.id", None),
            ],
            &order,
        );
        let ids: Vec<&str> = fields.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["v-A-01", "ev-A-07", "na-A-07", "main"]);
        assert_eq!(fields[3].1, "unit.id: m");
    }
}
