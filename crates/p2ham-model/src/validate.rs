//! Validation of instruments and assessments. Every check reports **all**
//! problems, each with a stable code and the path inside the document.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use rust_decimal::Decimal;

use crate::diagnostic::{answer_index, indicator_index, Code, Diagnostic};
use crate::{Assessment, Instrument, Stage};

/// The grammar of a unit id, as a regular expression (also the schema's `pattern`).
pub const UNIT_ID_PATTERN: &str = "^[a-z0-9][a-z0-9._-]*$";

/// A SHA-256 digest as every document writes it: 64 lowercase hex digits
/// (the schemas' `pattern`, what [`is_sha256_hex`] accepts).
pub const SHA256_PATTERN: &str = "^[0-9a-f]{64}$";

/// A digest or nothing: an instrument stamp transcribed from a decree has no
/// document, and so an empty `sha256`.
pub const SHA256_OR_EMPTY_PATTERN: &str = "^([0-9a-f]{64})?$";

/// A reference to a document by its digest, as `verifies` names the
/// self-assessment: `sha256:` and 64 lowercase hex digits.
pub const SHA256_REF_PATTERN: &str = "^sha256:[0-9a-f]{64}$";

/// Whether `id` follows the unit id grammar [`UNIT_ID_PATTERN`]: lowercase ASCII
/// letters, digits, `.`, `_` and `-`, starting with a letter or digit.
pub fn is_unit_id(id: &str) -> bool {
    let mut bytes = id.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'))
}

/// Errors of the model crate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// The instrument breaks one or more rules.
    #[error("invalid instrument `{id}`: {} problem(s), first: {}", problems.len(), problems[0])]
    InvalidInstrument {
        /// The instrument's id.
        id: String,
        /// Every problem found (never empty).
        problems: Vec<Diagnostic>,
    },
    /// The assessment does not fit its instrument.
    #[error("invalid assessment of unit `{unit}`: {} problem(s), first: {}", problems.len(), problems[0])]
    InvalidAssessment {
        /// The unit's id.
        unit: String,
        /// Every problem found (never empty).
        problems: Vec<Diagnostic>,
    },
}

impl ModelError {
    /// Every problem behind this error.
    pub fn problems(&self) -> &[Diagnostic] {
        match self {
            ModelError::InvalidInstrument { problems, .. }
            | ModelError::InvalidAssessment { problems, .. } => problems,
        }
    }
}

/// Position of an indicator inside its instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndicatorPos {
    /// Index of the criterion in `criteria`.
    pub criterion: usize,
    /// Index of the indicator in that criterion's `indicators`.
    pub indicator: usize,
    /// Index of the indicator's scale in `scales`.
    pub scale: usize,
}

/// An instrument that passed validation, with look-up tables. Build one with
/// [`CheckedInstrument::new`]; it is the input of every scoring engine.
#[derive(Debug, Clone)]
pub struct CheckedInstrument {
    instrument: Instrument,
    positions: HashMap<String, IndicatorPos, BuildHasherDefault<Fnv1a>>,
    /// Index of each criterion's first indicator when criteria are flattened.
    offsets: Vec<usize>,
}

/// FNV-1a: a fast hash for the instrument's own (trusted, short) indicator ids.
#[derive(Default)]
struct Fnv1a(u64);

impl Hasher for Fnv1a {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

impl CheckedInstrument {
    /// Validate an instrument; on failure every problem is returned.
    pub fn new(instrument: Instrument) -> Result<Self, ModelError> {
        let problems = validate_instrument(&instrument);
        if !problems.is_empty() {
            return Err(ModelError::InvalidInstrument {
                id: instrument.id.clone(),
                problems,
            });
        }
        let scale_ix: HashMap<&str, usize> = instrument
            .scales
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), i))
            .collect();
        let mut positions = HashMap::default();
        let mut offsets = Vec::with_capacity(instrument.criteria.len());
        let mut flat = 0;
        for (ci, c) in instrument.criteria.iter().enumerate() {
            offsets.push(flat);
            flat += c.indicators.len();
            for (ii, ind) in c.indicators.iter().enumerate() {
                let scale = scale_ix[ind.scale.as_str()];
                positions.insert(
                    ind.id.clone(),
                    IndicatorPos {
                        criterion: ci,
                        indicator: ii,
                        scale,
                    },
                );
            }
        }
        Ok(Self {
            instrument,
            positions,
            offsets,
        })
    }

    /// The instrument.
    pub fn instrument(&self) -> &Instrument {
        &self.instrument
    }

    /// Where an indicator is, by id.
    pub fn position(&self, indicator: &str) -> Option<IndicatorPos> {
        self.positions.get(indicator).copied()
    }

    /// The number of indicators, over all criteria.
    pub fn indicator_count(&self) -> usize {
        self.positions.len()
    }

    /// The index of an indicator when criteria are flattened in instrument order.
    pub fn flat_index(&self, pos: IndicatorPos) -> usize {
        self.offsets[pos.criterion] + pos.indicator
    }

    /// Check an assessment against this instrument; every problem is returned.
    pub fn check(&self, assessment: &Assessment) -> Vec<Diagnostic> {
        let mut problems = check_assessment(self, assessment);
        name_answer_indicators(&mut problems, assessment);
        problems
    }

    /// [`check`](Self::check), as a `Result`.
    pub fn check_result(&self, assessment: &Assessment) -> Result<(), ModelError> {
        let problems = self.check(assessment);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ModelError::InvalidAssessment {
                unit: assessment.unit.id.clone(),
                problems,
            })
        }
    }
}

fn empty_text(problems: &mut Vec<Diagnostic>, path: String, value: &str, what: &str) {
    if value.trim().is_empty() {
        problems.push(Diagnostic::new(
            Code::EmptyText,
            path,
            format!("{what} must not be empty"),
        ));
    }
}

fn negative(problems: &mut Vec<Diagnostic>, path: String, weight: Decimal) {
    if weight.is_sign_negative() && !weight.is_zero() {
        problems.push(Diagnostic::new(
            Code::NegativeWeight,
            path,
            format!("weight {weight} is negative; expected a weight ≥ 0"),
        ));
    }
}

fn duplicate(
    problems: &mut Vec<Diagnostic>,
    seen: &mut HashMap<String, String>,
    id: &str,
    path: String,
    what: &str,
) {
    if let Some(first) = seen.get(id) {
        problems.push(Diagnostic::new(
            Code::DuplicateId,
            path,
            format!("{what} id `{id}` is already used at {first}; ids must be unique"),
        ));
    } else {
        seen.insert(id.to_owned(), path);
    }
}

/// Name the indicator of every problem inside an answer (`answers[3].value`
/// is about the indicator that answer names), when the answer names one.
pub fn name_answer_indicators(problems: &mut [Diagnostic], assessment: &Assessment) {
    for p in problems {
        if p.indicator.is_none() {
            p.indicator = answer_index(&p.path)
                .and_then(|i| assessment.answers.get(i))
                .map(|a| a.indicator.as_str())
                .filter(|id| !id.trim().is_empty())
                .map(str::to_owned);
        }
    }
}

/// Validate an instrument on its own. Returns every problem found (empty when
/// valid); a problem inside an indicator names that indicator's id.
pub fn validate_instrument(ins: &Instrument) -> Vec<Diagnostic> {
    let mut problems = instrument_problems(ins);
    for p in &mut problems {
        if p.indicator.is_none() {
            p.indicator = indicator_index(&p.path)
                .and_then(|(c, i)| ins.criteria.get(c)?.indicators.get(i))
                .map(|ind| ind.id.as_str())
                .filter(|id| !id.trim().is_empty())
                .map(str::to_owned);
        }
    }
    problems
}

fn instrument_problems(ins: &Instrument) -> Vec<Diagnostic> {
    let mut p = Vec::new();
    empty_text(&mut p, "id".into(), &ins.id, "the instrument id");
    empty_text(&mut p, "version".into(), &ins.version, "the version");
    empty_text(&mut p, "title.id".into(), &ins.title.id, "the Indonesian title");

    let mut kinds = HashMap::new();
    for (i, k) in ins.unit_kinds.iter().enumerate() {
        empty_text(&mut p, format!("unit_kinds[{i}]"), k, "a unit kind");
        duplicate(&mut p, &mut kinds, k, format!("unit_kinds[{i}]"), "unit kind");
    }
    if ins.unit_kinds.is_empty() {
        p.push(Diagnostic::new(
            Code::EmptyInstrument,
            "unit_kinds",
            "no unit kinds; expected at least one (e.g. \"lapas\")",
        ));
    }

    let mut scales = HashMap::new();
    for (si, s) in ins.scales.iter().enumerate() {
        let base = format!("scales[{si}]");
        empty_text(&mut p, format!("{base}.id"), &s.id, "a scale id");
        duplicate(&mut p, &mut scales, &s.id, format!("{base}.id"), "scale");
        if s.options.is_empty() {
            p.push(Diagnostic::new(
                Code::EmptyScale,
                format!("{base}.options"),
                format!("scale `{}` has no options; expected at least one", s.id),
            ));
        }
        let mut codes = HashMap::new();
        for (oi, o) in s.options.iter().enumerate() {
            let ob = format!("{base}.options[{oi}]");
            empty_text(&mut p, format!("{ob}.code"), &o.code, "an option code");
            duplicate(&mut p, &mut codes, &o.code, format!("{ob}.code"), "option");
            empty_text(
                &mut p,
                format!("{ob}.label.id"),
                &o.label.id,
                "the option's Indonesian label",
            );
            if o.value < Decimal::ZERO || o.value > Decimal::ONE {
                p.push(Diagnostic::new(
                    Code::OptionValueOutOfRange,
                    format!("{ob}.value"),
                    format!(
                        "option `{}` has value {}; expected a value from 0 to 1",
                        o.code, o.value
                    ),
                ));
            }
        }
    }

    if ins.criteria.is_empty() {
        p.push(Diagnostic::new(
            Code::EmptyInstrument,
            "criteria",
            "the instrument has no criteria; expected at least one",
        ));
    }
    let mut crit_ids = HashMap::new();
    let mut ind_ids = HashMap::new();
    let mut any_criterion_weight = false;
    for (ci, c) in ins.criteria.iter().enumerate() {
        let base = format!("criteria[{ci}]");
        empty_text(&mut p, format!("{base}.id"), &c.id, "a criterion id");
        duplicate(&mut p, &mut crit_ids, &c.id, format!("{base}.id"), "criterion");
        empty_text(
            &mut p,
            format!("{base}.title.id"),
            &c.title.id,
            "the criterion's Indonesian title",
        );
        negative(&mut p, format!("{base}.weight"), c.weight);
        any_criterion_weight |= c.weight > Decimal::ZERO;
        let mut weight_sum_positive = false;
        for (ii, ind) in c.indicators.iter().enumerate() {
            let ib = format!("{base}.indicators[{ii}]");
            empty_text(&mut p, format!("{ib}.id"), &ind.id, "an indicator id");
            duplicate(&mut p, &mut ind_ids, &ind.id, format!("{ib}.id"), "indicator");
            empty_text(
                &mut p,
                format!("{ib}.title.id"),
                &ind.title.id,
                "the indicator's Indonesian title",
            );
            negative(&mut p, format!("{ib}.weight"), ind.weight);
            weight_sum_positive |= ind.weight > Decimal::ZERO;
            if ins.scale(&ind.scale).is_none() {
                let known: std::collections::BTreeSet<&str> =
                    ins.scales.iter().map(|s| s.id.as_str()).collect();
                let known: Vec<&str> = known.into_iter().collect();
                p.push(Diagnostic::new(
                    Code::UnknownScale,
                    format!("{ib}.scale"),
                    format!(
                        "scale `{}` is not defined; expected one of: {}",
                        ind.scale,
                        known.join(", ")
                    ),
                ));
            }
            let mut seen = HashSet::new();
            for (ki, k) in ind.applies_to.iter().enumerate() {
                if !ins.unit_kinds.contains(k) {
                    p.push(Diagnostic::new(
                        Code::UnknownUnitKind,
                        format!("{ib}.applies_to[{ki}]"),
                        format!(
                            "unit kind `{k}` is not in the instrument's unit_kinds ({})",
                            ins.unit_kinds.join(", ")
                        ),
                    ));
                } else if !seen.insert(k) {
                    p.push(Diagnostic::new(
                        Code::DuplicateId,
                        format!("{ib}.applies_to[{ki}]"),
                        format!("unit kind `{k}` is listed twice"),
                    ));
                }
            }
        }
        if c.indicators.is_empty() {
            p.push(Diagnostic::new(
                Code::ZeroWeightCriterion,
                format!("{base}.indicators"),
                format!("criterion `{}` has no indicators; expected at least one", c.id),
            ));
        } else if !weight_sum_positive {
            p.push(Diagnostic::new(
                Code::ZeroWeightCriterion,
                format!("{base}.indicators"),
                format!(
                    "every indicator weight of criterion `{}` is zero; expected at least one positive weight",
                    c.id
                ),
            ));
        }
    }
    if !ins.criteria.is_empty() && !any_criterion_weight {
        p.push(Diagnostic::new(
            Code::ZeroWeightInstrument,
            "criteria",
            "every criterion weight is zero; expected at least one positive weight",
        ));
    }
    let hundred = Decimal::ONE_HUNDRED;
    let in_range = |d: Decimal| d >= Decimal::ZERO && d <= hundred;
    if !in_range(ins.award.min_total) {
        p.push(Diagnostic::new(
            Code::ThresholdOutOfRange,
            "award.min_total",
            format!("pass mark {} is outside 0–100", ins.award.min_total),
        ));
    }
    if let Some(m) = ins.award.min_criterion {
        if !in_range(m) {
            p.push(Diagnostic::new(
                Code::ThresholdOutOfRange,
                "award.min_criterion",
                format!("criterion minimum {m} is outside 0–100"),
            ));
        }
    }
    p
}

/// Whether `s` is 64 lowercase hex digits.
pub fn is_sha256_hex(s: &str) -> bool {
    /// Lowercase hex digits, by byte (one look-up per byte: digests are
    /// checked for every piece of evidence of every record of a roll-up).
    const HEX: [bool; 256] = {
        let mut t = [false; 256];
        let mut b = 0u8;
        while b < u8::MAX {
            t[b as usize] = matches!(b, b'0'..=b'9' | b'a'..=b'f');
            b += 1;
        }
        t
    };
    s.len() == 64 && s.bytes().all(|b| HEX[usize::from(b)])
}

/// Whether `s` is a valid calendar date `YYYY-MM-DD`.
#[allow(clippy::many_single_char_names)]
pub fn is_iso_date(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = &s[r];
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (Some(year), Some(month), Some(day)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// Check an evidence path: relative, `/`-separated, no `..`, no empty parts.
pub fn evidence_path_problem(path: &str) -> Option<String> {
    if is_plain_relative(path) {
        return None;
    }
    path_problem(path)
}

/// Every rule of [`evidence_path_problem`], one by one, with its message.
fn path_problem(path: &str) -> Option<String> {
    if path.trim().is_empty() {
        return Some("the evidence path is empty".into());
    }
    if path.contains('\\') {
        return Some(format!("`{path}` uses `\\`; write paths with `/`"));
    }
    if path.starts_with('/') || path.as_bytes().get(1) == Some(&b':') {
        return Some(format!(
            "`{path}` is absolute; expected a path relative to the evidence folder"
        ));
    }
    if path.split('/').any(|part| part == ".." || part.is_empty()) {
        return Some(format!(
            "`{path}` has a `..` or empty part; expected a path inside the evidence folder"
        ));
    }
    None
}

/// The common case of [`evidence_path_problem`] in one pass: starts with an
/// ASCII letter or digit (so not blank, not absolute), no `\\`, no drive
/// letter, and every `/`-separated part neither empty nor `..`.
fn is_plain_relative(path: &str) -> bool {
    let b = path.as_bytes();
    if !b.first().is_some_and(u8::is_ascii_alphanumeric) || b.get(1) == Some(&b':') {
        return false;
    }
    let mut part = 0..0;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'\\' => return false,
            b'/' => {
                if part.is_empty() || &b[part.clone()] == b".." {
                    return false;
                }
                part = i + 1..i + 1;
            }
            _ => part.end = i + 1,
        }
    }
    !part.is_empty() && &b[part] != b".."
}

fn check_assessment(ci: &CheckedInstrument, a: &Assessment) -> Vec<Diagnostic> {
    let ins = ci.instrument();
    let mut p = Vec::new();
    if a.instrument.id != ins.id || a.instrument.version != ins.version {
        p.push(Diagnostic::new(
            Code::InstrumentMismatch,
            "instrument",
            format!(
                "the assessment answers instrument `{}` version {}, but it is checked against `{}` version {}",
                a.instrument.id, a.instrument.version, ins.id, ins.version
            ),
        ));
    }
    empty_text(&mut p, "unit.id".into(), &a.unit.id, "the unit id");
    if !a.unit.id.trim().is_empty() && !is_unit_id(&a.unit.id) {
        let shown: String = format!("{:?}", a.unit.id).chars().take(80).collect();
        p.push(Diagnostic::new(
            Code::InvalidUnitId,
            "unit.id",
            format!(
                "{shown} is not a unit id: expected lowercase letters a-z, digits, `.`, `_` or `-`, \
                 starting with a letter or digit (e.g. `kanim-sampit`)"
            ),
        ));
    }
    empty_text(&mut p, "unit.name".into(), &a.unit.name, "the unit name");
    empty_text(&mut p, "period".into(), &a.period, "the period");
    let kind_known = ins.unit_kinds.contains(&a.unit.kind);
    if !kind_known {
        p.push(Diagnostic::new(
            Code::UnknownUnitKind,
            "unit.kind",
            format!(
                "unit kind `{}` is not covered by instrument `{}`; expected one of: {}",
                a.unit.kind,
                ins.id,
                ins.unit_kinds.join(", ")
            ),
        ));
    }
    match (&a.verifies, a.stage) {
        (Some(_), Stage::SelfAssessment) => p.push(Diagnostic::new(
            Code::VerifiesOnSelf,
            "verifies",
            "a self-assessment cannot verify another document; `verifies` belongs to stage `verification`",
        )),
        (Some(v), Stage::Verification) => {
            if !v.strip_prefix("sha256:").is_some_and(is_sha256_hex) {
                p.push(Diagnostic::new(
                    Code::InvalidDigest,
                    "verifies",
                    format!("`{v}` is not `sha256:` followed by 64 lowercase hex digits"),
                ));
            }
        }
        (None, _) => {}
    }
    if let Some(d) = &a.assessed_on {
        if !is_iso_date(d) {
            p.push(Diagnostic::new(
                Code::InvalidDate,
                "assessed_on",
                format!("`{d}` is not a date of the form YYYY-MM-DD"),
            ));
        }
    }
    for (i, who) in a.assessors.iter().enumerate() {
        empty_text(
            &mut p,
            format!("assessors[{i}].name"),
            &who.name,
            "an assessor's name",
        );
    }
    // The first answer of each indicator: by position for known indicators,
    // by id for unknown ones.
    let mut seen_known = vec![usize::MAX; ci.indicator_count()];
    let mut seen_unknown: HashMap<&str, usize> = HashMap::new();
    for (i, ans) in a.answers.iter().enumerate() {
        // Paths are only formatted when there is a problem to report.
        let pos = ci.position(&ans.indicator);
        let first = if let Some(pos) = pos {
            let slot = &mut seen_known[ci.flat_index(pos)];
            if *slot == usize::MAX {
                *slot = i;
            }
            (*slot != i).then_some(*slot)
        } else {
            let first = *seen_unknown.entry(ans.indicator.as_str()).or_insert(i);
            (first != i).then_some(first)
        };
        if let Some(first) = first {
            p.push(Diagnostic::new(
                Code::DuplicateAnswer,
                format!("answers[{i}].indicator"),
                format!("indicator `{}` is already answered at answers[{first}]; expected one answer per indicator", ans.indicator),
            ));
        }
        if pos.is_none() {
            p.push(Diagnostic::new(
                Code::UnknownIndicator,
                format!("answers[{i}].indicator"),
                format!(
                    "indicator `{}` is not in instrument `{}` {}",
                    ans.indicator, ins.id, ins.version
                ),
            ));
        }
        match (&ans.value, &ans.not_applicable) {
            (Some(_), Some(_)) => p.push(Diagnostic::new(
                Code::ConflictingAnswer,
                format!("answers[{i}]"),
                "the answer has both `value` and `not_applicable`; expected exactly one",
            )),
            (None, None) => p.push(Diagnostic::new(
                Code::EmptyAnswer,
                format!("answers[{i}]"),
                "the answer has neither `value` nor `not_applicable`; expected exactly one",
            )),
            (None, Some(reason)) if reason.trim().is_empty() => p.push(Diagnostic::new(
                Code::MissingJustification,
                format!("answers[{i}].not_applicable"),
                "`not_applicable` needs a justification; expected a non-empty reason",
            )),
            _ => {}
        }
        if let (Some(pos), Some(code)) = (pos, &ans.value) {
            let scale = &ins.scales[pos.scale];
            if scale.option(code).is_none() {
                let codes: Vec<&str> = scale.options.iter().map(|o| o.code.as_str()).collect();
                p.push(Diagnostic::new(
                    Code::UnknownOption,
                    format!("answers[{i}].value"),
                    format!(
                        "`{code}` is not an option of scale `{}`; expected one of: {}",
                        scale.id,
                        codes.join(", ")
                    ),
                ));
            }
        }
        if let Some(pos) = pos {
            let ind = &ins.criteria[pos.criterion].indicators[pos.indicator];
            if kind_known && !ind.applies_to_kind(&a.unit.kind) {
                p.push(Diagnostic::new(
                    Code::IndicatorNotApplicable,
                    format!("answers[{i}].indicator"),
                    format!(
                        "indicator `{}` applies only to {} and the unit is a `{}`; remove the answer",
                        ind.id,
                        ind.applies_to.join(", "),
                        a.unit.kind
                    ),
                ));
            }
        }
        for (ei, ev) in ans.evidence.iter().enumerate() {
            if let Some(msg) = evidence_path_problem(&ev.path) {
                p.push(Diagnostic::new(
                    Code::InvalidEvidencePath,
                    format!("answers[{i}].evidence[{ei}].path"),
                    msg,
                ));
            }
            if let Some(h) = &ev.sha256 {
                if !is_sha256_hex(h) {
                    p.push(Diagnostic::new(
                        Code::InvalidDigest,
                        format!("answers[{i}].evidence[{ei}].sha256"),
                        format!("`{h}` is not 64 lowercase hex digits"),
                    ));
                }
            }
        }
    }
    p
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
