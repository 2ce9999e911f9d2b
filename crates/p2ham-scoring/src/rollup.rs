//! The national roll-up (`"format": "p2ham-rollup/1"`): many scored units
//! summarised per office and nationally, ranked, with the gap analysis per
//! indicator and per vulnerable group.
//!
//! A [`RollupAccumulator`] is fed one small [`UnitRecord`] per assessment (made
//! from a [`LeanScore`]) and one [`InvalidRecord`] per document that could not
//! be scored. Accumulators of consecutive chunks merge in input order, so chunks
//! can be scored in parallel. [`RollupAccumulator::finish`] sorts, removes
//! duplicates and computes every figure exactly, rounding once.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use p2ham_model::{Assessment, CheckedInstrument, Decimal, Lang, Stage, Text, Unit, VulnerableGroup};
use serde::{Deserialize, Serialize};

use crate::ratio::Ratio;
use crate::{IndicatorStatus, LeanScore, ScoringError, MODEL};

/// The `format` of a roll-up report.
pub const ROLLUP_FORMAT: &str = p2ham_model::format::ROLLUP;

/// What the roll-up needs to know of an instrument: its identity and, per
/// indicator in instrument order, the id, criterion, title and groups.
#[derive(Debug, Clone, PartialEq)]
pub struct RollupInstrument {
    /// Instrument id (shared by every unit row scored against it).
    pub id: Arc<str>,
    /// Instrument version.
    pub version: String,
    /// Lowercase hex SHA-256 of the instrument document.
    pub sha256: String,
    /// Every indicator, criteria flattened, in instrument order.
    pub indicators: Vec<IndicatorMeta>,
}

/// One indicator of a [`RollupInstrument`].
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorMeta {
    /// Indicator id (shared by every unit row whose main gap it is).
    pub id: Arc<str>,
    /// Criterion id.
    pub criterion: String,
    /// Title.
    pub title: Text,
    /// The vulnerable groups it serves.
    pub groups: Vec<VulnerableGroup>,
}

impl RollupInstrument {
    /// The roll-up's view of a checked instrument.
    pub fn new(instrument: &CheckedInstrument, sha256: &str) -> Self {
        let ins = instrument.instrument();
        Self {
            id: Arc::from(ins.id.as_str()),
            version: ins.version.clone(),
            sha256: sha256.to_owned(),
            indicators: ins
                .indicators()
                .map(|(c, i)| IndicatorMeta {
                    id: Arc::from(i.id.as_str()),
                    criterion: c.id.clone(),
                    title: i.title.clone(),
                    groups: i.groups.clone(),
                })
                .collect(),
        }
    }

    fn key(&self) -> (&str, &str, &str) {
        (&self.id, &self.version, &self.sha256)
    }
}

/// Where a record came from: a file and, for NDJSON, its 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Location {
    /// The file (`-` for standard input).
    pub file: Arc<str>,
    /// The 1-based line of an NDJSON record; `null` for a whole-file document.
    pub line: Option<u64>,
}

/// The figures of one scored assessment, as a worker hands them to the
/// [`RollupAccumulator`]: the unit's strings as read, the total, and two
/// bitsets (indicators included, indicators not met).
#[derive(Debug, Clone)]
pub struct UnitRecord {
    unit: Unit,
    period: String,
    stage: Stage,
    instrument: Arc<RollupInstrument>,
    total: Option<Decimal>,
    eligible: bool,
    main_gap: Option<u32>,
    bits: Bits,
    source: Location,
}

/// "Included" and "not met" bits per indicator, in instrument order; inline
/// for instruments of up to 64 indicators, so a unit costs no allocation.
#[derive(Debug, Clone)]
enum Bits {
    /// Included, not met.
    Small(u64, u64),
    /// `words` words of "included" bits, then `words` words of "not met" bits.
    Large(Box<[u64]>),
}

impl Bits {
    fn new(statuses: &[IndicatorStatus]) -> Self {
        let n = statuses.len();
        if n <= 64 {
            let (mut included, mut not_met) = (0u64, 0u64);
            for (i, s) in statuses.iter().enumerate() {
                if *s != IndicatorStatus::Excluded {
                    included |= 1 << i;
                    if *s != IndicatorStatus::Met {
                        not_met |= 1 << i;
                    }
                }
            }
            return Bits::Small(included, not_met);
        }
        let words = n.div_ceil(64);
        let mut bits = vec![0u64; 2 * words].into_boxed_slice();
        for (i, s) in statuses.iter().enumerate() {
            if *s != IndicatorStatus::Excluded {
                bits[i / 64] |= 1 << (i % 64);
                if *s != IndicatorStatus::Met {
                    bits[words + i / 64] |= 1 << (i % 64);
                }
            }
        }
        Bits::Large(bits)
    }

    fn included(&self, i: usize) -> bool {
        match self {
            Bits::Small(included, _) => i < 64 && included & (1 << i) != 0,
            Bits::Large(bits) => bits[i / 64] & (1 << (i % 64)) != 0,
        }
    }

    fn not_met(&self, i: usize) -> bool {
        match self {
            Bits::Small(_, not_met) => i < 64 && not_met & (1 << i) != 0,
            Bits::Large(bits) => bits[bits.len() / 2 + i / 64] & (1 << (i % 64)) != 0,
        }
    }
}

impl UnitRecord {
    /// The record of an assessment scored by [`crate::score_lean`] against
    /// `instrument`. Takes the assessment to keep its strings without copying.
    pub fn new(
        instrument: &Arc<RollupInstrument>,
        assessment: Assessment,
        lean: &LeanScore,
        source: Location,
    ) -> Self {
        let Assessment {
            unit, period, stage, ..
        } = assessment;
        Self::from_parts(instrument, unit, period, stage, lean, source)
    }

    /// The record of a unit of `stage` in `period` scored by
    /// [`crate::LeanScorer`] against `instrument`, from the parts the roll-up
    /// keeps (when the whole assessment was never built).
    pub fn from_parts(
        instrument: &Arc<RollupInstrument>,
        unit: Unit,
        period: String,
        stage: Stage,
        lean: &LeanScore,
        source: Location,
    ) -> Self {
        Self {
            unit,
            period,
            stage,
            instrument: Arc::clone(instrument),
            total: lean.total,
            eligible: lean.eligible,
            main_gap: lean.main_gap.and_then(|i| u32::try_from(i).ok()),
            bits: Bits::new(&lean.statuses),
            source,
        }
    }
}

/// What the accumulator keeps of a unit besides its row: the instrument and
/// the bits of the gap analysis.
#[derive(Debug, Clone)]
struct UnitFigures {
    instrument: Arc<RollupInstrument>,
    bits: Bits,
}

/// One kept unit, as the summaries and the gap analysis see it.
#[derive(Clone, Copy)]
struct UnitView<'a> {
    row: &'a UnitRow,
    figures: &'a UnitFigures,
}

impl UnitView<'_> {
    fn included(&self, i: usize) -> bool {
        self.figures.bits.included(i)
    }

    fn not_met(&self, i: usize) -> bool {
        self.figures.bits.not_met(i)
    }
}

/// A document or NDJSON line that could not be scored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct InvalidRecord {
    /// The file (`-` for standard input).
    pub file: String,
    /// The 1-based line of an NDJSON record; `null` for a whole-file document.
    pub line: Option<u64>,
    /// Every problem found (at least one).
    pub problems: Vec<RecordProblem>,
}

/// One problem of an invalid record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RecordProblem {
    /// Stable code, e.g. `syntax`, `unknown-option`, `unknown-instrument`.
    pub code: String,
    /// Path inside the document, e.g. `answers[3].value` (empty: the whole document).
    pub path: String,
    /// The indicator the problem is about, when the path is inside an answer
    /// that names one, e.g. `A.07`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    /// Line inside a whole-file document, when known.
    pub line: Option<u64>,
    /// Column, when known.
    pub column: Option<u64>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl RecordProblem {
    /// The path, with the indicator when known: `answers[3].value (indicator A.07)`.
    pub fn location(&self) -> String {
        p2ham_model::located(&self.path, self.indicator.as_deref())
    }
}

/// A diagnostic as a problem of a record (the record names the file).
impl From<p2ham_model::Diagnostic> for RecordProblem {
    fn from(d: p2ham_model::Diagnostic) -> Self {
        RecordProblem {
            code: d.code.as_str().to_owned(),
            path: d.path,
            indicator: d.indicator,
            line: d.line.map(|l| l as u64),
            column: d.column.map(|c| c as u64),
            message: d.message,
        }
    }
}

/// Collects unit records and invalid records; merge-able in input order.
///
/// Each unit is kept as its final report row (the strings repeated across
/// units, such as kind, office, period and file, shared rather than copied)
/// plus its gap bits; [`finish`](Self::finish) ranks the rows in place.
#[derive(Debug, Clone, Default)]
pub struct RollupAccumulator {
    rows: Vec<UnitRow>,
    figures: Vec<UnitFigures>,
    invalid: Vec<InvalidRecord>,
    skipped: u64,
    /// One copy of each repeated string (kind, office, period).
    strings: HashSet<Arc<str>>,
}

impl RollupAccumulator {
    /// An empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Make room for `additional` more units (e.g. estimated from the input's
    /// size), so the list of units is not copied as it grows.
    pub fn reserve(&mut self, additional: usize) {
        self.rows.reserve(additional);
        self.figures.reserve(additional);
    }

    fn intern(&mut self, s: String) -> Arc<str> {
        if let Some(shared) = self.strings.get(s.as_str()) {
            return Arc::clone(shared);
        }
        let shared: Arc<str> = Arc::from(s);
        self.strings.insert(Arc::clone(&shared));
        shared
    }

    /// Add a scored unit (in input order).
    pub fn add(&mut self, record: UnitRecord) {
        let UnitRecord {
            unit,
            period,
            stage,
            instrument,
            total,
            eligible,
            main_gap,
            bits,
            source,
        } = record;
        let main_gap = main_gap
            .and_then(|g| instrument.indicators.get(g as usize))
            .map(|m| Arc::clone(&m.id));
        let row = UnitRow {
            rank: None,
            unit: unit.id,
            name: unit.name,
            office: unit.office.map(|o| self.intern(o)),
            kind: self.intern(unit.kind),
            period: self.intern(period),
            stage,
            instrument: Arc::clone(&instrument.id),
            total,
            eligible,
            main_gap,
            source,
        };
        self.rows.push(row);
        self.figures.push(UnitFigures { instrument, bits });
    }

    /// Add a record that could not be scored (in input order).
    pub fn add_invalid(&mut self, invalid: InvalidRecord) {
        self.invalid.push(invalid);
    }

    /// Count a valid record left out by a filter (e.g. another stage).
    pub fn add_skipped(&mut self) {
        self.skipped += 1;
    }

    /// Append the records of an accumulator that read *later* input.
    pub fn merge(&mut self, later: RollupAccumulator) {
        self.rows.extend(later.rows);
        self.figures.extend(later.figures);
        self.invalid.extend(later.invalid);
        self.skipped += later.skipped;
        self.strings.extend(later.strings);
    }

    /// Scored records so far (duplicates included).
    pub fn scored(&self) -> usize {
        self.rows.len()
    }

    /// Invalid records so far.
    pub fn invalid(&self) -> &[InvalidRecord] {
        &self.invalid
    }

    /// The report: duplicates removed (the first in input order is kept),
    /// units ranked, summaries and the gap analysis computed.
    ///
    /// The rows are sorted by moving them within their own list: no copy of
    /// the unit list is made.
    pub fn finish(self) -> Result<RollupReport, ScoringError> {
        let RollupAccumulator {
            mut rows,
            figures,
            invalid,
            skipped,
            strings,
        } = self;
        drop(strings);
        let scored = rows.len();
        let read = scored + invalid.len();

        // Duplicates: same unit id, period and stage; the first in input order is kept.
        let mut order: Vec<usize> = (0..scored).collect();
        order.sort_unstable_by(|&a, &b| {
            let (x, y) = (&rows[a], &rows[b]);
            (&x.unit, &x.period, x.stage, a).cmp(&(&y.unit, &y.period, y.stage, b))
        });
        let mut keep = vec![true; scored];
        let mut duplicates = Vec::new();
        let mut first = None::<usize>;
        for &i in &order {
            let r = &rows[i];
            match first {
                Some(f)
                    if rows[f].unit == r.unit && rows[f].period == r.period && rows[f].stage == r.stage =>
                {
                    keep[i] = false;
                    duplicates.push(Duplicate {
                        unit: r.unit.clone(),
                        period: r.period.to_string(),
                        stage: r.stage,
                        kept: rows[f].source.clone(),
                        ignored: r.source.clone(),
                    });
                }
                _ => first = Some(i),
            }
        }
        drop(order);
        let kept = || {
            rows.iter()
                .zip(&figures)
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|((row, figures), _)| UnitView { row, figures })
        };

        // Summaries.
        let national = summary(kept())?;
        let mut by_office: BTreeMap<Option<&str>, Vec<UnitView>> = BTreeMap::new();
        for u in kept() {
            by_office.entry(u.row.office.as_deref()).or_default().push(u);
        }
        let mut offices = Vec::with_capacity(by_office.len());
        // Named offices by name; units without an office last.
        let (unnamed, named): (Vec<_>, Vec<_>) = by_office.into_iter().partition(|(o, _)| o.is_none());
        for (office, us) in named.into_iter().chain(unnamed) {
            offices.push(OfficeSummary {
                office: office.map(str::to_owned),
                summary: summary(us.into_iter())?,
            });
        }

        // Gap analysis per instrument.
        let mut by_instrument: BTreeMap<(&str, &str, &str), Vec<UnitView>> = BTreeMap::new();
        for u in kept() {
            by_instrument
                .entry(u.figures.instrument.key())
                .or_default()
                .push(u);
        }
        let mut instruments = Vec::new();
        let mut gaps = Vec::new();
        for us in by_instrument.values() {
            let ins = &us[0].figures.instrument;
            instruments.push(InstrumentUse {
                id: ins.id.to_string(),
                version: ins.version.clone(),
                sha256: ins.sha256.clone(),
                units: us.len() as u64,
            });
            gaps.push(gap_analysis(ins, us)?);
        }
        drop(by_instrument);
        drop(figures);

        // Ranking: total descending (no data last), then unit id, period, stage
        // (unique after removing duplicates); duplicates after every kept unit.
        let keys: Vec<i64> = rows.iter().map(|r| r.total.map_or(i64::MIN, cents)).collect();
        let mut rank: Vec<usize> = (0..scored).collect();
        rank.sort_unstable_by(|&a, &b| {
            let (x, y) = (&rows[a], &rows[b]);
            keep[b]
                .cmp(&keep[a])
                .then_with(|| keys[b].cmp(&keys[a]))
                .then_with(|| (&x.unit, &x.period, x.stage, a).cmp(&(&y.unit, &y.period, y.stage, b)))
        });
        drop(keys);
        drop(keep);
        permute(&mut rows, rank);
        let count = scored - duplicates.len();
        rows.truncate(count);
        rows.shrink_to_fit();
        for (i, row) in rows.iter_mut().enumerate() {
            row.rank = row.total.map(|_| i as u64 + 1);
        }

        Ok(RollupReport {
            format: ROLLUP_FORMAT.into(),
            model: MODEL.into(),
            records: RecordCounts {
                read: read as u64 + skipped,
                skipped,
                scored: scored as u64,
                units: count as u64,
                invalid: invalid.len() as u64,
                duplicates: duplicates.len() as u64,
            },
            instruments,
            national,
            offices,
            units: rows,
            gaps,
            duplicates,
            invalid,
        })
    }
}

/// Reorder `items` in place so that `items[p]` becomes the old
/// `items[order[p]]`; `order` is a permutation of `0..items.len()`.
fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..order.len() {
        let mut at = start;
        loop {
            let from = order[at];
            // Each place is marked done once filled.
            order[at] = at;
            if from == start || from == at {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

fn percent(part: u64, whole: u64, what: &str) -> Result<Option<Decimal>, ScoringError> {
    let r = Ratio::from_decimal(Decimal::from(part)).div(Ratio::from_decimal(Decimal::from(whole)), what)?;
    r.map(|r| r.mul(Ratio::HUNDRED, what)?.round(2, what)).transpose()
}

/// A total (rounded to 2 decimals, within 0–100) in hundredths.
fn cents(t: Decimal) -> i64 {
    let mut t = t;
    t.rescale(2);
    i64::try_from(t.mantissa()).unwrap_or(i64::MAX)
}

fn summary<'a>(records: impl Iterator<Item = UnitView<'a>>) -> Result<Summary, ScoringError> {
    let mut units = 0u64;
    let mut eligible = 0u64;
    // Totals in hundredths: exact, and fast to sort.
    let mut totals: Vec<i64> = Vec::new();
    for r in records {
        units += 1;
        eligible += u64::from(r.row.eligible);
        if let Some(t) = r.row.total {
            totals.push(cents(t));
        }
    }
    let sum: i128 = totals.iter().map(|c| i128::from(*c)).sum();
    let n = totals.len() as u64;
    let hundredths = |c: i128, what: &str| {
        Decimal::try_from_i128_with_scale(c, 2).map_err(|_| ScoringError::Overflow { what: what.into() })
    };
    let mean = Ratio::from_decimal(hundredths(sum, "mean total")?)
        .div(Ratio::from_decimal(Decimal::from(n)), "mean total")?
        .map(|m| m.round(2, "mean total"))
        .transpose()?;
    totals.sort_unstable();
    let median = match totals.len() {
        0 => None,
        k if k % 2 == 1 => Some(hundredths(i128::from(totals[k / 2]), "median")?),
        k => Some(
            Ratio::from_decimal(hundredths(
                i128::from(totals[k / 2 - 1]) + i128::from(totals[k / 2]),
                "median",
            )?)
            .div(Ratio::from_decimal(Decimal::TWO), "median")?
            .map(|m| m.round(2, "median"))
            .transpose()?
            .unwrap_or_default(),
        ),
    };
    let mut bins: Vec<Bin> = (0..10)
        .map(|i| Bin {
            from: Decimal::from(i * 10),
            to: Decimal::from(i * 10 + 10),
            units: 0,
        })
        .collect();
    for c in &totals {
        // [0,10) … [80,90), [90,100]: 100 falls in the last bin.
        let i = usize::try_from(c.div_euclid(1000)).unwrap_or(0).min(9);
        bins[i].units += 1;
    }
    Ok(Summary {
        units,
        with_total: n,
        no_data: units - n,
        eligible,
        eligible_rate: percent(eligible, units, "eligible rate")?,
        mean,
        median,
        bins,
    })
}

fn gap_analysis(ins: &RollupInstrument, records: &[UnitView]) -> Result<GapAnalysis, ScoringError> {
    let n = ins.indicators.len();
    let mut applies = vec![0u64; n];
    let mut not_met = vec![0u64; n];
    let mut group_units = [0u64; 4];
    let mut group_all_met = [0u64; 4];
    for r in records {
        let mut any = [false; 4];
        let mut all = [true; 4];
        for (i, meta) in ins.indicators.iter().enumerate() {
            if !r.included(i) {
                continue;
            }
            applies[i] += 1;
            let missing = r.not_met(i);
            not_met[i] += u64::from(missing);
            for g in &meta.groups {
                let gi = group_index(*g);
                any[gi] = true;
                all[gi] &= !missing;
            }
        }
        for gi in 0..4 {
            if any[gi] {
                group_units[gi] += 1;
                group_all_met[gi] += u64::from(all[gi]);
            }
        }
    }
    let mut indicators = ins
        .indicators
        .iter()
        .enumerate()
        .map(|(i, m)| {
            Ok(IndicatorGap {
                indicator: m.id.to_string(),
                criterion: m.criterion.clone(),
                title: m.title.clone(),
                groups: m.groups.clone(),
                applies: applies[i],
                not_met: not_met[i],
                share: percent(not_met[i], applies[i], "indicator gap share")?,
            })
        })
        .collect::<Result<Vec<_>, ScoringError>>()?;
    indicators.sort_by(|a, b| {
        b.not_met
            .cmp(&a.not_met)
            .then_with(|| a.indicator.cmp(&b.indicator))
    });
    let groups = VulnerableGroup::ALL
        .iter()
        .enumerate()
        .map(|(gi, g)| {
            Ok(GroupCoverage {
                group: *g,
                label: Text::bilingual(g.label(Lang::Id), g.label(Lang::En)),
                units: group_units[gi],
                all_met: group_all_met[gi],
                share: percent(group_all_met[gi], group_units[gi], "group share")?,
            })
        })
        .collect::<Result<Vec<_>, ScoringError>>()?;
    Ok(GapAnalysis {
        instrument: ins.id.to_string(),
        version: ins.version.clone(),
        units: records.len() as u64,
        indicators,
        groups,
    })
}

fn group_index(g: VulnerableGroup) -> usize {
    VulnerableGroup::ALL.iter().position(|x| *x == g).unwrap_or(0)
}

/// The roll-up report (`"format": "p2ham-rollup/1"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", schemars(title = "P2HAM roll-up report"))]
pub struct RollupReport {
    /// Always `p2ham-rollup/1`.
    pub format: String,
    /// The scoring model, `p2ham-weighted/1`.
    pub model: String,
    /// How many records were read, scored, kept, invalid and duplicated.
    pub records: RecordCounts,
    /// The instruments used, by id and version, with how many units each.
    pub instruments: Vec<InstrumentUse>,
    /// The national summary over every unit kept.
    pub national: Summary,
    /// One summary per office (Kanwil), by name; units without an office last.
    pub offices: Vec<OfficeSummary>,
    /// One row per unit, in ranking order: total descending, then unit id,
    /// period and stage; units without a total last.
    pub units: Vec<UnitRow>,
    /// The gap analysis, one per instrument (by id and version).
    pub gaps: Vec<GapAnalysis>,
    /// Assessments of a unit, period and stage seen before; the later is not counted.
    pub duplicates: Vec<Duplicate>,
    /// Documents or lines that could not be scored, in input order.
    pub invalid: Vec<InvalidRecord>,
}

/// Record counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RecordCounts {
    /// Records read (documents and non-blank NDJSON lines).
    pub read: u64,
    /// Valid records left out because they are of another stage than asked (`--stage`).
    pub skipped: u64,
    /// Records scored (valid), duplicates included.
    pub scored: u64,
    /// Units counted: scored records minus duplicates.
    pub units: u64,
    /// Invalid records.
    pub invalid: u64,
    /// Duplicates not counted.
    pub duplicates: u64,
}

/// An instrument used by the roll-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct InstrumentUse {
    /// Instrument id.
    pub id: String,
    /// Instrument version.
    pub version: String,
    /// Lowercase hex SHA-256 of the instrument document.
    #[cfg_attr(feature = "schema", schemars(pattern(p2ham_model::SHA256_PATTERN)))]
    pub sha256: String,
    /// Units scored against it.
    pub units: u64,
}

/// Statistics over a set of units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Summary {
    /// Units counted.
    pub units: u64,
    /// Units with a total.
    pub with_total: u64,
    /// Units whose total is "no data" (out of mean, median and bins).
    pub no_data: u64,
    /// Units eligible for the award.
    pub eligible: u64,
    /// eligible ÷ units × 100, rounded to 2 decimals; `null` when there are no units.
    pub eligible_rate: Option<Decimal>,
    /// Mean of the (rounded) totals: exact sum ÷ count, rounded once to 2 decimals.
    pub mean: Option<Decimal>,
    /// Median of the (rounded) totals; for an even count the mean of the two
    /// middle values, rounded to 2 decimals.
    pub median: Option<Decimal>,
    /// Totals in 10-point bins `[0,10)`, `[10,20)`, …, `[90,100]` (100 in the last bin).
    pub bins: Vec<Bin>,
}

/// One bin of the distribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Bin {
    /// Lower bound (included).
    pub from: Decimal,
    /// Upper bound (excluded, except 100 in the last bin).
    pub to: Decimal,
    /// Units with a total in the bin.
    pub units: u64,
}

/// The summary of one office (Kanwil).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OfficeSummary {
    /// The office as the assessments name it; `null` for units naming none.
    pub office: Option<String>,
    /// Its statistics.
    pub summary: Summary,
}

/// One unit of the roll-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct UnitRow {
    /// 1-based position in the ranking; `null` when the unit has no total.
    pub rank: Option<u64>,
    /// Unit id.
    pub unit: String,
    /// Unit name.
    pub name: String,
    /// Office (Kanwil).
    pub office: Option<Arc<str>>,
    /// Unit kind.
    pub kind: Arc<str>,
    /// Period.
    pub period: Arc<str>,
    /// Stage.
    pub stage: Stage,
    /// Instrument id.
    pub instrument: Arc<str>,
    /// Total 0–100, rounded to 2 decimals; `null` when no data.
    pub total: Option<Decimal>,
    /// Whether the unit is eligible for the award.
    pub eligible: bool,
    /// The indicator that would add the most points (first of the gap list).
    pub main_gap: Option<Arc<str>>,
    /// Where the assessment was read.
    pub source: Location,
}

/// The gap analysis over the units scored against one instrument.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct GapAnalysis {
    /// Instrument id.
    pub instrument: String,
    /// Instrument version.
    pub version: String,
    /// Units scored against it.
    pub units: u64,
    /// Every indicator: units not meeting it, most first, then by id.
    pub indicators: Vec<IndicatorGap>,
    /// Per vulnerable group: the share of units whose facilities for it are all met.
    pub groups: Vec<GroupCoverage>,
}

/// How many units do not meet one indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct IndicatorGap {
    /// Indicator id.
    pub indicator: String,
    /// Criterion id.
    pub criterion: String,
    /// Title.
    pub title: Text,
    /// The vulnerable groups it serves.
    pub groups: Vec<VulnerableGroup>,
    /// Units where it applies (included: not excluded by unit kind or not applicable).
    pub applies: u64,
    /// Units where it applies and is not met (partial, unmet, missing or unsupported).
    pub not_met: u64,
    /// not_met ÷ applies × 100, rounded to 2 decimals; `null` when it applies nowhere.
    pub share: Option<Decimal>,
}

/// How many units fully provide for one vulnerable group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct GroupCoverage {
    /// The group.
    pub group: VulnerableGroup,
    /// Its name.
    pub label: Text,
    /// Units with at least one included indicator serving the group.
    pub units: u64,
    /// Of those, units meeting every included indicator serving the group.
    pub all_met: u64,
    /// all_met ÷ units × 100, rounded to 2 decimals; `null` when no unit has one.
    pub share: Option<Decimal>,
}

/// Two assessments of the same unit, period and stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Duplicate {
    /// Unit id.
    pub unit: String,
    /// Period.
    pub period: String,
    /// Stage.
    pub stage: Stage,
    /// The first in input order: counted.
    pub kept: Location,
    /// The later one: not counted.
    pub ignored: Location,
}

#[cfg(test)]
mod tests {
    use super::*;
    use p2ham_model::{AssessmentFormat, InstrumentRef};
    use proptest::prelude::*;

    proptest! {
        /// Ranking in place gives what copying the rows in rank order gives.
        #[test]
        fn permute_in_place_equals_collecting_in_order(
            order in (0usize..200).prop_flat_map(|n| Just((0..n).collect::<Vec<_>>()).prop_shuffle())
        ) {
            let items: Vec<String> = (0..order.len()).map(|i| format!("u{i}")).collect();
            let expected: Vec<String> = order.iter().map(|&i| items[i].clone()).collect();
            let mut moved = items;
            permute(&mut moved, order);
            prop_assert_eq!(moved, expected);
        }

        /// The bits of the gap analysis read back every status, also past 64 indicators.
        #[test]
        fn bits_read_back_every_status(codes in proptest::collection::vec(0u8..4, 0..150)) {
            let statuses: Vec<IndicatorStatus> = codes
                .iter()
                .map(|c| match c {
                    0 => IndicatorStatus::Met,
                    1 => IndicatorStatus::Partial,
                    2 => IndicatorStatus::Excluded,
                    _ => IndicatorStatus::Unmet,
                })
                .collect();
            let bits = Bits::new(&statuses);
            prop_assert_eq!(matches!(bits, Bits::Small(..)), statuses.len() <= 64);
            for (i, s) in statuses.iter().enumerate() {
                prop_assert_eq!(bits.included(i), *s != IndicatorStatus::Excluded);
                prop_assert_eq!(bits.not_met(i), *s != IndicatorStatus::Excluded && *s != IndicatorStatus::Met);
            }
        }
    }

    fn instrument() -> Arc<RollupInstrument> {
        let meta = |id: &str, groups: Vec<VulnerableGroup>| IndicatorMeta {
            id: id.into(),
            criterion: "A".into(),
            title: Text::bilingual(id, id),
            groups,
        };
        Arc::new(RollupInstrument {
            id: "t".into(),
            version: "1".into(),
            sha256: "0".repeat(64),
            indicators: vec![
                meta("A.01", vec![VulnerableGroup::Anak]),
                meta("A.02", vec![VulnerableGroup::Anak, VulnerableGroup::LanjutUsia]),
            ],
        })
    }

    fn record(
        ins: &Arc<RollupInstrument>,
        unit: &str,
        total: Option<i64>,
        statuses: [IndicatorStatus; 2],
        line: u64,
    ) -> UnitRecord {
        let a = Assessment {
            format: AssessmentFormat::V1,
            instrument: InstrumentRef {
                id: "t".into(),
                version: "1".into(),
            },
            unit: Unit {
                id: unit.into(),
                name: unit.to_uppercase(),
                kind: "k".into(),
                office: None,
            },
            period: "2024".into(),
            stage: Stage::SelfAssessment,
            verifies: None,
            assessed_on: None,
            assessors: vec![],
            answers: vec![],
        };
        let lean = LeanScore {
            total: total.map(|t| Decimal::new(t, 2)),
            eligible: total.is_some_and(|t| t >= 8000),
            statuses: statuses.to_vec(),
            main_gap: statuses
                .iter()
                .position(|s| !matches!(s, IndicatorStatus::Met | IndicatorStatus::Excluded)),
        };
        let source = Location {
            file: "f".into(),
            line: Some(line),
        };
        UnitRecord::new(ins, a, &lean, source)
    }

    /// Merging accumulators of consecutive chunks gives the report of one
    /// accumulator fed everything; the later of two duplicates is dropped.
    #[test]
    fn merge_in_order_equals_one_pass() {
        let ins = instrument();
        let records = || {
            vec![
                record(
                    &ins,
                    "b",
                    Some(9000),
                    [IndicatorStatus::Met, IndicatorStatus::Met],
                    1,
                ),
                record(
                    &ins,
                    "a",
                    Some(4050),
                    [IndicatorStatus::Partial, IndicatorStatus::Excluded],
                    2,
                ),
                record(
                    &ins,
                    "c",
                    None,
                    [IndicatorStatus::Excluded, IndicatorStatus::Excluded],
                    3,
                ),
                record(
                    &ins,
                    "b",
                    Some(1000),
                    [IndicatorStatus::Unmet, IndicatorStatus::Unmet],
                    4,
                ),
            ]
        };
        let mut one = RollupAccumulator::new();
        for r in records() {
            one.add(r);
        }
        let mut first = RollupAccumulator::new();
        let mut second = RollupAccumulator::new();
        for (i, r) in records().into_iter().enumerate() {
            if i < 2 {
                first.add(r);
            } else {
                second.add(r);
            }
        }
        first.merge(second);
        let (x, y) = (one.finish().unwrap(), first.finish().unwrap());
        assert_eq!(x, y);
        assert_eq!(x.duplicates[0].ignored.line, Some(4));
        // Units: b 90.00 (eligible), a 40.50, c no data.
        assert_eq!(
            x.units.iter().map(|u| u.unit.as_str()).collect::<Vec<_>>(),
            ["b", "a", "c"]
        );
        assert_eq!(x.national.mean, Some(Decimal::new(6525, 2)));
        assert_eq!(x.national.median, Some(Decimal::new(6525, 2)));
        assert_eq!(x.national.eligible_rate, Some(Decimal::new(3333, 2)));
        // A.01 applies to b and a, not met by a; A.02 applies to b only.
        let g = &x.gaps[0];
        assert_eq!(
            (
                g.indicators[0].indicator.as_str(),
                g.indicators[0].applies,
                g.indicators[0].not_met
            ),
            ("A.01", 2, 1)
        );
        assert_eq!((g.indicators[1].applies, g.indicators[1].not_met), (1, 0));
        // Anak: b (all met) and a (A.01 partial) → 1 of 2; lanjut usia: b only → 1 of 1.
        assert_eq!((g.groups[1].units, g.groups[1].all_met), (2, 1));
        assert_eq!((g.groups[0].units, g.groups[0].all_met), (1, 1));
    }

    #[test]
    fn bins_put_100_in_the_last_bin() {
        let ins = instrument();
        let mut acc = RollupAccumulator::new();
        for (i, t) in [0, 999, 1000, 9999, 10000].into_iter().enumerate() {
            acc.add(record(
                &ins,
                &format!("u{i}"),
                Some(t),
                [IndicatorStatus::Met, IndicatorStatus::Met],
                1,
            ));
        }
        let r = acc.finish().unwrap();
        let bins: Vec<u64> = r.national.bins.iter().map(|b| b.units).collect();
        assert_eq!(bins, [2, 1, 0, 0, 0, 0, 0, 0, 0, 2]);
        // Median of 0, 9.99, 10, 99.99, 100 is 10.00; mean 219.98 / 5 = 43.996 → 44.00.
        assert_eq!(r.national.median, Some(Decimal::new(1000, 2)));
        assert_eq!(r.national.mean, Some(Decimal::new(4400, 2)));
    }
}
