//! Reading the inputs of the award cycle: verifications (files, folders,
//! NDJSON), roll-up reports and award lists; each verification scored against
//! its instrument into a [`VerifiedResult`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use p2ham_model::{
    format, is_iso_date, is_unit_id, AwardList, Code, InstrumentStamp, Stage, Text, UNIT_ID_PATTERN,
};
use p2ham_scoring::{RollupReport, VerifiedResult};

use crate::error::display;
use crate::source::SourceBytes;
use crate::{
    digest::sha256_hex, document::from_json, document::score_loaded, document::LoadedAssessment,
    document::LoadedInstrument, IoError, Source,
};

/// A verified result with the document it came from.
#[derive(Debug, Clone)]
pub struct VerifiedInput {
    /// The result the award decision uses.
    pub result: VerifiedResult,
    /// The verification, when it was read as a whole file (only those can
    /// carry a seal); `None` for an NDJSON record or a roll-up row.
    pub document: Option<LoadedAssessment>,
}

#[cfg(feature = "fs")]
fn is_input_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| {
        e.eq_ignore_ascii_case("json") || e.eq_ignore_ascii_case("ndjson") || e.eq_ignore_ascii_case("jsonl")
    })
}

fn is_ndjson_name(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("ndjson") || e.eq_ignore_ascii_case("jsonl"))
}

/// The files under `paths`: files as given, folders searched recursively
/// (links followed) for `*.json`, `*.ndjson` and `*.jsonl`, in name order.
pub fn input_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, IoError> {
    Ok(walk(paths.iter().map(Source::file).collect())?
        .into_iter()
        .filter_map(|(s, _)| s.path().map(Path::to_path_buf))
        .collect())
}

/// The documents of `sources`: each as given, a folder replaced by the files
/// inside it (searched recursively, links followed, `*.json`, `*.ndjson` and
/// `*.jsonl`, in name order), each with whether it was found inside a folder.
fn walk(sources: Vec<Source<'_>>) -> Result<Vec<(Source<'_>, bool)>, IoError> {
    let mut out = Vec::new();
    for source in sources {
        let Some(path) = source.path().filter(|_| source.is_dir()).map(Path::to_path_buf) else {
            out.push((source, false));
            continue;
        };
        let found = folder_files(&path)?;
        if found.is_empty() {
            return Err(IoError::Input {
                file: display(&path),
                message: "a folder without any *.json, *.ndjson or *.jsonl file".into(),
            });
        }
        out.extend(found.into_iter().map(|p| (Source::file(p), true)));
    }
    Ok(out)
}

/// The input files under a folder, searched recursively (links followed), in name order.
#[cfg(feature = "fs")]
fn folder_files(path: &Path) -> Result<Vec<PathBuf>, IoError> {
    let mut found = Vec::new();
    for item in walkdir::WalkDir::new(path).follow_links(true).sort_by_file_name() {
        let item = item.map_err(|e| IoError::Input {
            file: e
                .path()
                .map_or_else(|| display(path), |p| p.display().to_string()),
            message: format!("cannot read: {e}"),
        })?;
        if item.file_type().is_file() && is_input_file(item.path()) {
            found.push(item.into_path());
        }
    }
    Ok(found)
}

/// Without the `fs` feature a folder is refused by name: give its files.
#[cfg(not(feature = "fs"))]
fn folder_files(path: &Path) -> Result<Vec<PathBuf>, IoError> {
    Err(IoError::Input {
        file: display(path),
        message: "folders are not read by this build (the `fs` feature of p2ham-io is off); give the files"
            .into(),
    })
}

#[derive(serde::Deserialize)]
struct FormatProbe {
    format: Option<serde_json::Value>,
}

/// The records of a file: the whole document, or its non-blank NDJSON lines
/// (1-based line numbers) when the name ends in `.ndjson`/`.jsonl` or the
/// first line is a complete JSON object followed by more lines.
fn records<'a>(name: &str, bytes: &'a [u8]) -> Vec<(Option<u64>, &'a [u8])> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    let non_blank = lines.iter().filter(|l| !l.trim_ascii().is_empty()).count();
    let first_complete = lines
        .iter()
        .find(|l| !l.trim_ascii().is_empty())
        .is_some_and(|l| serde_json::from_slice::<serde::de::IgnoredAny>(l.trim_ascii()).is_ok());
    if is_ndjson_name(Path::new(name)) || (first_complete && non_blank > 1) {
        lines
            .into_iter()
            .enumerate()
            .filter(|(_, l)| !l.trim_ascii().is_empty())
            .map(|(i, l)| (Some(i as u64 + 1), l.trim_ascii()))
            .collect()
    } else {
        vec![(None, bytes)]
    }
}

/// Instruments by id: the explicit one and the built-ins, each loaded once.
struct Instruments<'a> {
    explicit: Option<&'a LoadedInstrument>,
}

impl<'a> Instruments<'a> {
    fn get(&mut self, id: &str, file: &str) -> Result<&'a LoadedInstrument, IoError> {
        if let Some(e) = self.explicit.filter(|e| e.checked.instrument().id == id) {
            return Ok(e);
        }
        crate::builtin(id).map_err(|e| e.named_by(file))
    }
}

/// Read every verified result under `paths` (verification files, folders,
/// NDJSON files or `p2ham-rollup/1` reports): [`read_verified_sources`] of files.
pub fn read_verified(
    paths: &[PathBuf],
    instrument: Option<&LoadedInstrument>,
) -> Result<VerifiedInputs, IoError> {
    read_verified_sources(paths.iter().map(Source::file).collect(), instrument)
}

/// Read every verified result of `sources` (verification files, folders,
/// NDJSON files and streams, or `p2ham-rollup/1` reports), each
/// verification checked and scored against the instrument it names: the
/// `instrument` given when its id matches, else the built-in of that id.
///
/// The first invalid document stops the reading with an error naming it: an
/// award never rests on a partly read input. A self-assessment given as a
/// file or NDJSON record is refused; one found in a folder (where units keep
/// both stages side by side) is skipped and counted in
/// [`VerifiedInputs::skipped_self`].
pub fn read_verified_sources(
    sources: Vec<Source<'_>>,
    instrument: Option<&LoadedInstrument>,
) -> Result<VerifiedInputs, IoError> {
    let read = walk(sources)?
        .into_iter()
        .map(|(s, in_folder)| Ok((s.read()?, in_folder)))
        .collect::<Result<Vec<_>, IoError>>()?;
    read_walked(read, instrument)
}

fn read_walked(
    files: Vec<(SourceBytes<'_>, bool)>,
    instrument: Option<&LoadedInstrument>,
) -> Result<VerifiedInputs, IoError> {
    let mut instruments = Instruments { explicit: instrument };
    let mut out = Vec::new();
    let mut skipped_self = Vec::new();
    for (read, in_folder) in files {
        let file = &read.name;
        for (line, record) in records(file, &read.bytes) {
            let name = line.map_or_else(|| file.clone(), |l| format!("{file}:{l}"));
            let probe: FormatProbe = from_json(&name, record)?;
            match probe.format.as_ref().and_then(|f| f.as_str()) {
                Some(format::ASSESSMENT) => {
                    let loaded = LoadedAssessment {
                        assessment: crate::document::parse_assessment(&name, record)?,
                        sha256: sha256_hex(record),
                        file: name.clone(),
                        path: read.path.clone(),
                    };
                    if in_folder && line.is_none() && loaded.assessment.stage == Stage::SelfAssessment {
                        skipped_self.push(name);
                        continue;
                    }
                    out.push(verified(loaded, line.is_none(), &mut instruments)?);
                }
                Some(format::ROLLUP) if line.is_none() => out.extend(rollup_rows(&name, record)?),
                other => {
                    return Err(IoError::WrongKind {
                        file: name,
                        expected: format!(
                            "verification ({}) or roll-up ({})",
                            format::ASSESSMENT,
                            format::ROLLUP
                        ),
                        found: other.unwrap_or("(none)").to_owned(),
                    })
                }
            }
        }
    }
    Ok(VerifiedInputs {
        results: out,
        skipped_self,
    })
}

/// What [`read_verified`] found.
#[derive(Debug, Clone, Default)]
pub struct VerifiedInputs {
    /// The verified results, in input order.
    pub results: Vec<VerifiedInput>,
    /// Self-assessments found in folders and left out, by file.
    pub skipped_self: Vec<String>,
}

fn verified(
    loaded: LoadedAssessment,
    whole: bool,
    instruments: &mut Instruments,
) -> Result<VerifiedInput, IoError> {
    if loaded.assessment.stage != Stage::Verification {
        return Err(IoError::Input {
            file: loaded.file.clone(),
            message: "stage: a self-assessment; the award rests on verifications (stage `verification`)"
                .into(),
        });
    }
    let instrument = instruments.get(&loaded.assessment.instrument.id, &loaded.file)?;
    let report = score_loaded(&loaded, instrument)?;
    let source = p2ham_model::DocumentRef {
        file: loaded.file.clone(),
        sha256: loaded.sha256.clone(),
        verifies: loaded.assessment.verifies.clone(),
    };
    Ok(VerifiedInput {
        result: VerifiedResult::from_score(&report, source),
        document: whole.then_some(loaded),
    })
}

/// The rows of a roll-up report as verified results. The roll-up must be of
/// verifications only and without invalid records; it carries no reasons, so
/// a unit that is not eligible gets the reason `not-eligible`.
fn rollup_rows(file: &str, bytes: &[u8]) -> Result<Vec<VerifiedInput>, IoError> {
    let report: RollupReport = from_json(file, bytes)?;
    if !report.invalid.is_empty() {
        return Err(IoError::Input {
            file: file.to_owned(),
            message: format!(
                "invalid: the roll-up lists {} invalid record(s); an award cannot rest on an incomplete roll-up",
                report.invalid.len()
            ),
        });
    }
    let digest = sha256_hex(bytes);
    let mut out = Vec::new();
    for (i, row) in report.units.iter().enumerate() {
        if row.stage != Stage::Verification {
            return Err(IoError::Input {
                file: file.to_owned(),
                message: format!(
                    "units[{i}].stage: unit `{}` is a self-assessment; {}",
                    row.unit,
                    crate::error::needs::VERIFIED_ROLLUP
                ),
            });
        }
        let used: Vec<_> = report
            .instruments
            .iter()
            .filter(|u| *u.id == *row.instrument)
            .collect();
        let [ins] = used.as_slice() else {
            return Err(IoError::Input {
                file: file.to_owned(),
                message: format!(
                    "units[{i}].instrument: `{}` is not listed exactly once in `instruments`",
                    row.instrument
                ),
            });
        };
        let location = match row.source.line {
            Some(l) => format!("{}:{l}", row.source.file),
            None => row.source.file.to_string(),
        };
        let reasons = if row.eligible {
            Vec::new()
        } else {
            let total = row.total.map_or_else(|| "-".to_owned(), |t| t.to_string());
            vec![p2ham_model::AwardReason {
                code: p2ham_model::AwardReasonCode::NotEligible,
                criterion: None,
                indicator: None,
                actual: row.total,
                required: None,
                message: Text::bilingual(
                    format!("Tidak memenuhi syarat menurut roll-up (nilai total {total}); alasannya ada di laporan skor unit."),
                    format!("Not eligible per the roll-up (total {total}); the reasons are in the unit's score report."),
                ),
            }]
        };
        out.push(VerifiedInput {
            result: VerifiedResult {
                unit: p2ham_model::Unit {
                    id: row.unit.clone(),
                    name: row.name.clone(),
                    kind: row.kind.to_string(),
                    office: row.office.as_deref().map(str::to_owned),
                },
                period: row.period.to_string(),
                instrument: InstrumentStamp {
                    id: ins.id.clone(),
                    version: ins.version.clone(),
                    sha256: ins.sha256.clone(),
                },
                total: row.total,
                eligible: row.eligible,
                reasons,
                source: p2ham_model::DocumentRef {
                    file: format!("{file} (units[{i}], from {location})"),
                    sha256: digest.clone(),
                    verifies: None,
                },
            },
            document: None,
        });
    }
    Ok(out)
}

/// Read an award list (`p2ham-awards/1`), checking the period, the decree
/// date, every unit id's grammar and that no unit is listed twice.
pub fn load_award_list(path: &Path) -> Result<AwardList, IoError> {
    read_award_list(Source::file(path))
}

/// [`load_award_list`] from any [`Source`].
pub fn read_award_list(source: Source<'_>) -> Result<AwardList, IoError> {
    let read = source.read()?;
    award_list(&read.name, &read.bytes, None)
}

/// An award list checked as every document is: its shape by its schema
/// (objects never read from arrays by position), then its values; each
/// unit's kind one of the kinds of the instrument its entry names (`explicit`
/// when its id matches, else the built-in of that id; an instrument neither
/// given nor built in leaves the kind unchecked).
pub(crate) fn award_list(
    file: &str,
    bytes: &[u8],
    explicit: Option<&LoadedInstrument>,
) -> Result<AwardList, IoError> {
    let list: AwardList = from_json(file, bytes)?;
    crate::parse::objects_only_in(file, &crate::parse::Shape::AwardList, bytes)?;
    let shape = |path: String, message: String| IoError::Shape {
        file: file.to_owned(),
        path,
        indicator: None,
        line: None,
        code: Code::Shape,
        message,
    };
    if list.period.trim().is_empty() {
        return Err(shape(
            "period".into(),
            "empty; expected the period, e.g. \"2023\"".into(),
        ));
    }
    if let Some(date) = list.decree.as_ref().and_then(|d| d.date.as_deref()) {
        if !is_iso_date(date) {
            return Err(shape(
                "decree.date".into(),
                format!("`{date}` is not a date; expected YYYY-MM-DD"),
            ));
        }
    }
    let mut seen = BTreeMap::new();
    for (i, e) in list.units.iter().enumerate() {
        if !is_unit_id(&e.unit.id) {
            return Err(shape(
                format!("units[{i}].unit.id"),
                format!(
                    "`{}` is not a unit id: expected lowercase letters, digits, `.`, `_` and `-` ({UNIT_ID_PATTERN})",
                    e.unit.id
                ),
            ));
        }
        if let Some(first) = seen.insert(e.unit.id.as_str(), i) {
            return Err(shape(
                format!("units[{i}].unit.id"),
                format!("unit `{}` is listed twice (first at units[{first}])", e.unit.id),
            ));
        }
        let Some(stamp) = &e.instrument else { continue };
        let kinds = match explicit.filter(|x| x.checked.instrument().id == stamp.id) {
            Some(x) => &x.checked.instrument().unit_kinds,
            None => match crate::builtin(&stamp.id) {
                Ok(b) => &b.checked.instrument().unit_kinds,
                Err(_) => continue,
            },
        };
        if !kinds.contains(&e.unit.kind) {
            return Err(shape(
                format!("units[{i}].unit.kind"),
                format!(
                    "`{}` is not a unit kind of instrument `{}` (its kinds: {})",
                    e.unit.kind,
                    stamp.id,
                    kinds.join(", ")
                ),
            ));
        }
    }
    Ok(list)
}

/// The inputs of a history: award lists (`p2ham-awards/1`) and verified
/// results (verifications, NDJSON, roll-ups), found under `paths` as
/// [`read_verified`] finds them.
pub fn read_history_inputs(
    paths: &[PathBuf],
    instrument: Option<&LoadedInstrument>,
) -> Result<(Vec<AwardList>, Vec<VerifiedResult>), IoError> {
    read_history_sources(paths.iter().map(Source::file).collect(), instrument)
}

/// [`read_history_inputs`] from any [`Source`]s; each is read once.
pub fn read_history_sources(
    sources: Vec<Source<'_>>,
    instrument: Option<&LoadedInstrument>,
) -> Result<(Vec<AwardList>, Vec<VerifiedResult>), IoError> {
    let mut lists: Vec<AwardList> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut other = Vec::new();
    for (source, in_folder) in walk(sources)? {
        let read = source.read()?;
        let is_awards = !is_ndjson_name(Path::new(&read.name))
            && serde_json::from_slice::<FormatProbe>(&read.bytes)
                .ok()
                .and_then(|p| p.format)
                .is_some_and(|f| f == format::AWARDS);
        if is_awards {
            let list = award_list(&read.name, &read.bytes, instrument)?;
            // One period, one list: the same list given twice is fine, two that disagree are not.
            if let Some((first, other)) = lists
                .iter()
                .zip(&names)
                .find(|(l, _): &(&AwardList, &String)| l.period == list.period)
                .map(|(l, n)| (n.clone(), l))
            {
                if *other != list {
                    return Err(IoError::Input {
                        file: read.name.clone(),
                        message: format!(
                            "an award list of period `{}` that disagrees with {first}, the other list of that period ({}); keep the list the decree fixed",
                            list.period,
                            disagreement(other, &list)
                        ),
                    });
                }
                continue;
            }
            names.push(read.name.clone());
            lists.push(list);
        } else {
            other.push((read, in_folder));
        }
    }
    let results = read_walked(other, instrument)?
        .results
        .into_iter()
        .map(|v| v.result)
        .collect();
    Ok((lists, results))
}

/// Where two award lists of one period first differ, in words.
fn disagreement(a: &AwardList, b: &AwardList) -> String {
    for e in &a.units {
        match b.units.iter().find(|x| x.unit.id == e.unit.id) {
            None => return format!("unit `{}` is in one only", e.unit.id),
            Some(x) if x != e => return format!("unit `{}` differs", e.unit.id),
            Some(_) => {}
        }
    }
    if let Some(x) = b
        .units
        .iter()
        .find(|x| !a.units.iter().any(|e| e.unit.id == x.unit.id))
    {
        return format!("unit `{}` is in one only", x.unit.id);
    }
    if a.decree != b.decree {
        return "the decrees differ".into();
    }
    "their records differ".into()
}

/// Read a period's award rule (`p2ham-award-rule/1`): its shape by its
/// schema, then its values ([`p2ham_model::PeriodAwardRule::problems`]),
/// every problem with its path.
pub fn read_award_rule(source: Source<'_>) -> Result<p2ham_model::PeriodAwardRule, IoError> {
    let read = source.read()?;
    award_rule(&read.name, &read.bytes)
}

/// [`read_award_rule`] over bytes already read.
pub fn award_rule(file: &str, bytes: &[u8]) -> Result<p2ham_model::PeriodAwardRule, IoError> {
    let rule: p2ham_model::PeriodAwardRule = from_json(file, bytes)?;
    crate::parse::objects_only_in(file, &crate::parse::Shape::AwardRule, bytes)?;
    let problems = rule.problems();
    if problems.is_empty() {
        Ok(rule)
    } else {
        Err(IoError::Invalid {
            file: file.to_owned(),
            problems,
        })
    }
}

/// Read the figures of the evaluation's other evidence for one period
/// (`p2ham-award-components/1`): its shape by its schema, then its values (a
/// unit twice, an IKM outside 25–100, more unresolved than in all).
pub fn read_award_components(source: Source<'_>) -> Result<p2ham_model::AwardComponents, IoError> {
    let read = source.read()?;
    award_components(&read.name, &read.bytes)
}

/// [`read_award_components`] over bytes already read.
pub fn award_components(file: &str, bytes: &[u8]) -> Result<p2ham_model::AwardComponents, IoError> {
    let doc: p2ham_model::AwardComponents = from_json(file, bytes)?;
    crate::parse::objects_only_in(file, &crate::parse::Shape::AwardComponents, bytes)?;
    let problems = doc.problems();
    if problems.is_empty() {
        Ok(doc)
    } else {
        Err(IoError::Invalid {
            file: file.to_owned(),
            problems,
        })
    }
}
