//! The roll-up's fast path: one NDJSON record parsed straight into what the
//! roll-up keeps (the unit's strings, borrowed from the input until kept) and
//! one small answer slot per indicator, with every check of the instrument
//! made on the way. No string or vector is allocated per answer.
//!
//! The fast path only ever says "this record is valid, and here is its
//! score". Anything else (a syntax or shape error, a problem the instrument's
//! check would report, fields in an order it cannot use, figures too large
//! for native integers) makes it give up, and the record is read again by the
//! full path (typed [`Assessment`](p2ham_model::Assessment), the instrument's
//! check, the 256-bit core), which reports exactly what is wrong. So the fast
//! path can only make the roll-up faster, never change what it says; a test
//! feeds both paths the same records and compares.

use std::borrow::Cow;
use std::fmt;

use p2ham_model::{is_iso_date, is_sha256_hex, is_unit_id, CheckedInstrument, Stage, Unit};
use p2ham_scoring::{LeanAnswer, LeanScore, LeanScorer};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// The format of an assessment, as written in its `format` field.
const ASSESSMENT_FORMAT: &str = p2ham_model::format::ASSESSMENT;

/// A record the fast path read and scored.
pub(crate) struct LeanRecord {
    /// Index of the scorer used (see [`Scorers`]).
    pub scorer: usize,
    pub unit: Unit,
    pub period: String,
    pub stage: Stage,
    pub score: LeanScore,
}

/// The scorers a roll-up may use: one explicit, or one per built-in, found by
/// the assessment's `instrument.id`.
pub(crate) trait Scorers: Sync {
    /// The scorer for an assessment naming instrument `id`, with its index.
    fn find(&self, id: &str) -> Option<(usize, &LeanScorer)>;
    /// Whether one scorer is used whatever the assessment names.
    fn explicit(&self) -> Option<(usize, &LeanScorer)>;
}

/// Read and score one NDJSON record on the fast path; `None` to use the full path.
pub(crate) fn read(bytes: &[u8], scorers: &dyn Scorers) -> Option<LeanRecord> {
    let late = std::cell::Cell::new(false);
    let first = read_with(bytes, scorers, scorers.explicit(), &late);
    if !late.get() {
        return first;
    }
    // `answers` came before `instrument` (e.g. members sorted by name): find
    // the instrument first, then read again knowing it.
    let probe: Probe = serde_json::from_slice(bytes).ok()?;
    let scorer = scorers.find(probe.instrument.id)?;
    read_with(bytes, scorers, Some(scorer), &late)
}

fn read_with<'s>(
    bytes: &[u8],
    scorers: &'s dyn Scorers,
    scorer: Option<(usize, &'s LeanScorer)>,
    late: &std::cell::Cell<bool>,
) -> Option<LeanRecord> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let record = RecordSeed {
        scorers,
        scorer,
        late,
    }
    .deserialize(&mut de)
    .ok()?;
    de.end().ok()?;
    record
}

/// Only the instrument's id, to find the scorer before the answers.
#[derive(serde::Deserialize)]
struct Probe<'a> {
    #[serde(borrow)]
    instrument: InstrumentId<'a>,
}

#[derive(serde::Deserialize)]
struct InstrumentId<'a> {
    id: &'a str,
}

/// A string as written in the input: borrowed unless it had escapes.
struct Str<'a>(Cow<'a, str>);

impl<'de> serde::Deserialize<'de> for Str<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

/// `null` or a string, as an `Option<String>` field reads.
fn opt_str<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<Str<'de>>, A::Error> {
    map.next_value::<Option<Str<'de>>>()
}

/// Why the fast path gives up (the message is never shown).
fn give_up<E: de::Error>() -> E {
    E::custom("not on the fast path")
}

/// Store a field once; a second occurrence is an error, as for the typed document.
fn once<T, E: de::Error>(slot: &mut Option<T>, value: T) -> Result<(), E> {
    if slot.is_some() {
        return Err(give_up());
    }
    *slot = Some(value);
    Ok(())
}

/// An optional field read at most once.
#[derive(Default)]
struct Once<'a> {
    seen: bool,
    value: Option<Str<'a>>,
}

impl<'a> Once<'a> {
    fn set<E: de::Error>(&mut self, value: Option<Str<'a>>) -> Result<(), E> {
        if std::mem::replace(&mut self.seen, true) {
            return Err(give_up());
        }
        self.value = value;
        Ok(())
    }
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

struct RecordSeed<'s> {
    scorers: &'s dyn Scorers,
    /// The scorer, when known before reading (explicit, or found by a probe).
    scorer: Option<(usize, &'s LeanScorer)>,
    /// Set when `answers` came before `instrument` and no scorer was known.
    late: &'s std::cell::Cell<bool>,
}

/// The unit as read, with its strings borrowed.
struct LeanUnit<'a> {
    id: Str<'a>,
    name: Str<'a>,
    kind: Str<'a>,
    office: Option<Str<'a>>,
}

impl<'de> DeserializeSeed<'de> for RecordSeed<'_> {
    type Value = Option<LeanRecord>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed<'_> {
    type Value = Option<LeanRecord>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an assessment object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut format = None::<()>;
        let mut instrument = None::<(Str, Str)>;
        let mut unit = None::<LeanUnit>;
        let mut period = None::<Str>;
        let mut stage = None::<Stage>;
        // Read at most once each (`Some(None)`: written as `null`).
        let mut verifies = Once::default();
        let mut assessed_on = Once::default();
        let mut assessors = None::<()>;
        let mut answers = None::<Vec<LeanAnswer>>;
        let mut scorer = self.scorer;
        while let Some(key) = map.next_key::<Str>()? {
            match &*key.0 {
                "format" => {
                    let f: Str = map.next_value()?;
                    if f.0 != ASSESSMENT_FORMAT {
                        return Err(give_up());
                    }
                    once(&mut format, ())?;
                }
                "instrument" => {
                    let r = map.next_value_seed(InstrumentRefSeed)?;
                    if scorer.is_none() {
                        scorer = self.scorers.find(&r.0 .0);
                    }
                    once(&mut instrument, r)?;
                }
                "unit" => {
                    let u = map.next_value_seed(UnitSeed)?;
                    once(&mut unit, u)?;
                }
                "period" => {
                    let p: Str = map.next_value()?;
                    once(&mut period, p)?;
                }
                "stage" => {
                    let s: Str = map.next_value()?;
                    let s = match &*s.0 {
                        "self" => Stage::SelfAssessment,
                        "verification" => Stage::Verification,
                        _ => return Err(give_up()),
                    };
                    once(&mut stage, s)?;
                }
                "verifies" => {
                    verifies.set(opt_str(&mut map)?)?;
                }
                "assessed_on" => {
                    assessed_on.set(opt_str(&mut map)?)?;
                }
                "assessors" => {
                    map.next_value_seed(AssessorsSeed)?;
                    once(&mut assessors, ())?;
                }
                "answers" => {
                    // Answers are resolved against the instrument as they are
                    // read, so it must be known by now.
                    let Some((_, s)) = scorer else {
                        self.late.set(true);
                        return Err(give_up());
                    };
                    let a = map.next_value_seed(AnswersSeed { scorer: s })?;
                    once(&mut answers, a)?;
                }
                _ => return Err(give_up()),
            }
        }
        let (Some(()), Some((ins_id, ins_version)), Some(unit), Some(period), Some(stage), Some(answers)) =
            (format, instrument, unit, period, stage, answers)
        else {
            return Ok(None);
        };
        let Some((index, scorer)) = scorer else {
            return Ok(None);
        };
        let checked = scorer.instrument();
        if !record_is_valid(
            checked,
            (&ins_id, &ins_version),
            &unit,
            &period,
            stage,
            verifies.value,
            assessed_on.value,
        ) || !answers_apply(checked, &unit.kind.0, &answers)
        {
            return Ok(None);
        }
        let Some(score) = scorer.score_answers(&unit.kind.0, &answers) else {
            return Ok(None);
        };
        Ok(Some(LeanRecord {
            scorer: index,
            unit: Unit {
                id: unit.id.0.into_owned(),
                name: unit.name.0.into_owned(),
                kind: unit.kind.0.into_owned(),
                office: unit.office.map(|o| o.0.into_owned()),
            },
            period: period.0.into_owned(),
            stage,
            score,
        }))
    }
}

/// The instrument's checks of the document itself (not of its answers).
fn record_is_valid(
    checked: &CheckedInstrument,
    (id, version): (&Str, &Str),
    unit: &LeanUnit,
    period: &Str,
    stage: Stage,
    verifies: Option<Str>,
    assessed_on: Option<Str>,
) -> bool {
    let ins = checked.instrument();
    let verifies_ok = match (verifies, stage) {
        (None, _) => true,
        (Some(_), Stage::SelfAssessment) => false,
        (Some(v), Stage::Verification) => v.0.strip_prefix("sha256:").is_some_and(is_sha256_hex),
    };
    id.0 == ins.id
        && version.0 == ins.version
        && is_unit_id(&unit.id.0)
        && !blank(&unit.name.0)
        && !blank(&period.0)
        && ins.unit_kinds.iter().any(|k| *k == unit.kind.0)
        && verifies_ok
        && assessed_on.is_none_or(|d| is_iso_date(&d.0))
}

/// Whether every answered indicator applies to the unit's kind.
fn answers_apply(checked: &CheckedInstrument, kind: &str, answers: &[LeanAnswer]) -> bool {
    checked
        .instrument()
        .indicators()
        .zip(answers)
        .all(|((_, ind), a)| *a == LeanAnswer::Missing || ind.applies_to_kind(kind))
}

struct InstrumentRefSeed;

impl<'de> DeserializeSeed<'de> for InstrumentRefSeed {
    type Value = (Str<'de>, Str<'de>);
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for InstrumentRefSeed {
    type Value = (Str<'de>, Str<'de>);
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an instrument reference")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut id, mut version) = (None, None);
        while let Some(key) = map.next_key::<Str>()? {
            match &*key.0 {
                "id" => once(&mut id, map.next_value::<Str>()?)?,
                "version" => once(&mut version, map.next_value::<Str>()?)?,
                _ => return Err(give_up()),
            }
        }
        id.zip(version).ok_or_else(give_up)
    }
}

struct UnitSeed;

impl<'de> DeserializeSeed<'de> for UnitSeed {
    type Value = LeanUnit<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for UnitSeed {
    type Value = LeanUnit<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a unit")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut id, mut name, mut kind, mut office) = (None, None, None, None);
        while let Some(key) = map.next_key::<Str>()? {
            match &*key.0 {
                "id" => once(&mut id, map.next_value::<Str>()?)?,
                "name" => once(&mut name, map.next_value::<Str>()?)?,
                "kind" => once(&mut kind, map.next_value::<Str>()?)?,
                "office" => once(&mut office, opt_str(&mut map)?)?,
                _ => return Err(give_up()),
            }
        }
        match (id, name, kind) {
            (Some(id), Some(name), Some(kind)) => Ok(LeanUnit {
                id,
                name,
                kind,
                office: office.flatten(),
            }),
            _ => Err(give_up()),
        }
    }
}

/// `assessors`: a list of `{name, role}`, every name not blank.
struct AssessorsSeed;

impl<'de> DeserializeSeed<'de> for AssessorsSeed {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for AssessorsSeed {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of assessors")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(AssessorSeed)?.is_some() {}
        Ok(())
    }
}

struct AssessorSeed;

impl<'de> DeserializeSeed<'de> for AssessorSeed {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for AssessorSeed {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an assessor")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (mut name, mut role) = (None, None);
        while let Some(key) = map.next_key::<Str>()? {
            match &*key.0 {
                "name" => {
                    let n: Str = map.next_value()?;
                    if blank(&n.0) {
                        return Err(give_up());
                    }
                    once(&mut name, ())?;
                }
                "role" => {
                    map.next_value::<Str>()?;
                    once(&mut role, ())?;
                }
                _ => return Err(give_up()),
            }
        }
        name.zip(role).map(|_| ()).ok_or_else(give_up)
    }
}

/// `answers`: one [`LeanAnswer`] slot per indicator of the instrument.
struct AnswersSeed<'s> {
    scorer: &'s LeanScorer,
}

impl<'de> DeserializeSeed<'de> for AnswersSeed<'_> {
    type Value = Vec<LeanAnswer>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for AnswersSeed<'_> {
    type Value = Vec<LeanAnswer>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of answers")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let checked = self.scorer.instrument();
        let mut slots = vec![LeanAnswer::Missing; checked.indicator_count()];
        // Answered indicators, to refuse a second answer to one of them.
        let mut answered = vec![false; slots.len()];
        while let Some((flat, answer)) = seq.next_element_seed(AnswerSeed { checked })? {
            if std::mem::replace(&mut answered[flat], true) {
                return Err(give_up());
            }
            slots[flat] = answer;
        }
        Ok(slots)
    }
}

struct AnswerSeed<'s> {
    checked: &'s CheckedInstrument,
}

impl<'de> DeserializeSeed<'de> for AnswerSeed<'_> {
    type Value = (usize, LeanAnswer);
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for AnswerSeed<'_> {
    type Value = (usize, LeanAnswer);
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an answer")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut indicator = None::<Str>;
        let mut value = None::<Option<Str>>;
        let mut not_applicable = None::<Option<Str>>;
        let mut evidence = None::<bool>;
        let mut note = None::<()>;
        while let Some(key) = map.next_key::<Str>()? {
            match &*key.0 {
                "indicator" => once(&mut indicator, map.next_value::<Str>()?)?,
                "value" => once(&mut value, opt_str(&mut map)?)?,
                "not_applicable" => once(&mut not_applicable, opt_str(&mut map)?)?,
                "evidence" => once(&mut evidence, map.next_value_seed(EvidenceSeed)?)?,
                "note" => {
                    map.next_value::<Option<Str>>()?;
                    once(&mut note, ())?;
                }
                _ => return Err(give_up()),
            }
        }
        let indicator = indicator.ok_or_else(give_up)?;
        let pos = self.checked.position(&indicator.0).ok_or_else(give_up)?;
        let flat = self.checked.flat_index(pos);
        let answer = match (value.flatten(), not_applicable.flatten()) {
            (Some(code), None) => {
                let option = self.checked.instrument().scales[pos.scale]
                    .options
                    .iter()
                    .position(|o| o.code == code.0)
                    .and_then(|o| u16::try_from(o).ok())
                    .ok_or_else(give_up)?;
                LeanAnswer::Value {
                    option,
                    evidence: evidence.unwrap_or(false),
                }
            }
            (None, Some(reason)) if !blank(&reason.0) => LeanAnswer::NotApplicable,
            _ => return Err(give_up()),
        };
        Ok((flat, answer))
    }
}

/// `evidence`: a list of `{path, sha256?, caption?}`, every path and digest
/// well-formed; the value says whether the list is not empty.
struct EvidenceSeed;

impl<'de> DeserializeSeed<'de> for EvidenceSeed {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for EvidenceSeed {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of evidence")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        let mut any = false;
        while seq.next_element_seed(EvidenceRefSeed)?.is_some() {
            any = true;
        }
        Ok(any)
    }
}

struct EvidenceRefSeed;

impl<'de> DeserializeSeed<'de> for EvidenceRefSeed {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for EvidenceRefSeed {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an evidence reference")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (mut path, mut sha256, mut caption) = (None, None, None);
        while let Some(key) = map.next_key::<Str>()? {
            match &*key.0 {
                "path" => {
                    let p: Str = map.next_value()?;
                    if p2ham_model::evidence_path_problem(&p.0).is_some() {
                        return Err(give_up());
                    }
                    once(&mut path, ())?;
                }
                "sha256" => {
                    let h = opt_str(&mut map)?;
                    if h.as_ref().is_some_and(|h| !is_sha256_hex(&h.0)) {
                        return Err(give_up());
                    }
                    once(&mut sha256, ())?;
                }
                "caption" => {
                    map.next_value::<Option<IgnoredAnyStr>>()?;
                    once(&mut caption, ())?;
                }
                _ => return Err(give_up()),
            }
        }
        path.ok_or_else(give_up)
    }
}

/// A string whose text is not needed (checked to be a string, not kept).
struct IgnoredAnyStr;

impl<'de> serde::Deserialize<'de> for IgnoredAnyStr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = IgnoredAnyStr;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(IgnoredAnyStr)
            }
        }
        d.deserialize_str(V)
    }
}

#[allow(dead_code)]
fn _unused(_: IgnoredAny) {}
