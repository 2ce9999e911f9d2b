//! A unit's results over several periods (`"format": "p2ham-history/1"`):
//! totals and predikat per period, streaks, and the change from one period to
//! the next only where both were evaluated with the same instrument. Pure
//! functions: no I/O.

use std::collections::{BTreeMap, BTreeSet};

use p2ham_model::{AwardList, Decimal, Decision, InstrumentStamp, Text, Unit};
use serde::{Deserialize, Serialize};

use crate::VerifiedResult;

/// The `format` of a history report.
pub const HISTORY_FORMAT: &str = p2ham_model::format::HISTORY;

/// The history report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", schemars(title = "P2HAM history report"))]
pub struct HistoryReport {
    /// Always `p2ham-history/1`.
    pub format: String,
    /// Every period of the inputs, in order.
    pub periods: Vec<String>,
    /// One history per unit, by unit id.
    pub units: Vec<UnitHistory>,
}

/// One unit over the periods.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct UnitHistory {
    /// Unit id.
    pub unit: String,
    /// The unit's name in its latest period.
    pub name: String,
    /// Its kind in its latest period.
    pub kind: String,
    /// Its office (Kanwil) in its latest period.
    pub office: Option<String>,
    /// One entry per period of the report (`present: false` where the unit is absent).
    pub periods: Vec<PeriodEntry>,
    /// Consecutive periods holding the predikat, up to the last period.
    pub current_streak: u32,
    /// The longest run of consecutive periods holding the predikat.
    pub longest_streak: u32,
}

/// A unit in one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PeriodEntry {
    /// The period.
    pub period: String,
    /// Whether any input has the unit in this period.
    pub present: bool,
    /// Where the figures come from: `awards` (an award list) or `verification`.
    pub source: Option<String>,
    /// The unit's kind in this period.
    pub kind: Option<String>,
    /// The instrument of the period's result.
    pub instrument: Option<InstrumentStamp>,
    /// The verified total.
    pub total: Option<Decimal>,
    /// Whether the result was eligible.
    pub eligible: Option<bool>,
    /// Whether the unit held the predikat after this period; `null` when only
    /// a verification (no award list) covers the period.
    pub predikat: Option<bool>,
    /// The award decision of the period, when an award list records one.
    pub decision: Option<Decision>,
    /// Total minus the previous period's total; `null` when either is missing
    /// or the instrument changed (see `comparable`).
    pub change: Option<Decimal>,
    /// `false` when this period's instrument differs from the previous
    /// period's with a result: the totals are not comparable.
    pub comparable: bool,
    /// Remarks, e.g. why the change is not computed.
    pub notes: Vec<Text>,
    /// The unit's satisfaction survey (SKM) of the period, where one is kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skm: Option<PeriodSkm>,
}

/// A unit's satisfaction survey (SKM) result in one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PeriodSkm {
    /// Respondents counted.
    pub respondents: u64,
    /// The IKM (25–100), 2 decimals.
    pub ikm: Decimal,
    /// Its quality band.
    pub mutu: crate::skm::Mutu,
    /// Its performance.
    pub kinerja: crate::skm::Kinerja,
}

/// The history of the units in `lists` and `results` (every unit, or only
/// `unit` when given). An award list's entry wins over a verification of the
/// same unit and period; a verification fills periods no list covers.
pub fn history(lists: &[AwardList], results: &[VerifiedResult], unit: Option<&str>) -> HistoryReport {
    let mut periods: BTreeSet<String> = BTreeSet::new();
    // unit → period → (entry, the unit as named then)
    let mut cells: BTreeMap<String, BTreeMap<String, (PeriodEntry, Unit)>> = BTreeMap::new();
    for list in lists {
        periods.insert(list.period.clone());
        for e in &list.units {
            if unit.is_some_and(|u| u != e.unit.id) {
                continue;
            }
            let entry = PeriodEntry {
                period: list.period.clone(),
                present: true,
                source: Some("awards".into()),
                kind: Some(e.unit.kind.clone()),
                instrument: e.instrument.clone(),
                total: e.total,
                eligible: Some(e.eligible),
                predikat: Some(e.predikat),
                decision: e.decision,
                change: None,
                comparable: true,
                notes: Vec::new(),
                skm: None,
            };
            cells
                .entry(e.unit.id.clone())
                .or_default()
                .insert(list.period.clone(), (entry, e.unit.clone()));
        }
    }
    for r in results {
        if unit.is_some_and(|u| u != r.unit.id) {
            continue;
        }
        periods.insert(r.period.clone());
        let slot = cells.entry(r.unit.id.clone()).or_default();
        slot.entry(r.period.clone()).or_insert_with(|| {
            (
                PeriodEntry {
                    period: r.period.clone(),
                    present: true,
                    source: Some("verification".into()),
                    kind: Some(r.unit.kind.clone()),
                    instrument: Some(r.instrument.clone()),
                    total: r.total,
                    eligible: Some(r.eligible),
                    predikat: None,
                    decision: None,
                    change: None,
                    comparable: true,
                    notes: Vec::new(),
                    skm: None,
                },
                r.unit.clone(),
            )
        });
    }
    let periods: Vec<String> = periods.into_iter().collect();
    let units = cells
        .into_iter()
        .map(|(id, by_period)| unit_history(id, &periods, by_period))
        .collect();
    HistoryReport {
        format: HISTORY_FORMAT.into(),
        periods,
        units,
    }
}

fn unit_history(
    id: String,
    periods: &[String],
    mut by_period: BTreeMap<String, (PeriodEntry, Unit)>,
) -> UnitHistory {
    let latest = by_period.values().next_back().map(|(_, u)| u.clone());
    let mut entries = Vec::new();
    // The latest period before this one where the unit is present.
    let mut last: Option<PeriodEntry> = None;
    let (mut run, mut longest) = (0u32, 0u32);
    for p in periods {
        let mut e = match by_period.remove(p) {
            Some((e, _)) => e,
            None => PeriodEntry {
                period: p.clone(),
                present: false,
                source: None,
                kind: None,
                instrument: None,
                total: None,
                eligible: None,
                predikat: None,
                decision: None,
                change: None,
                comparable: true,
                notes: vec![Text::bilingual(
                    "Tidak tercantum pada periode ini.",
                    "Not listed in this period.",
                )],
                skm: None,
            },
        };
        if e.predikat == Some(true) {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
        if e.present {
            if let Some(prev) = &last {
                let prev_period = &prev.period;
                if let (Some(a), Some(b)) = (&prev.instrument, &e.instrument) {
                    if a.id != b.id || a.version != b.version {
                        e.comparable = false;
                        e.notes.push(Text::bilingual(
                            format!(
                                "Instrumen berubah ({} {} pada {prev_period} → {} {}): nilai tidak dapat dibandingkan, selisih tidak dihitung.",
                                a.id, a.version, b.id, b.version
                            ),
                            format!(
                                "Instrument changed ({} {} in {prev_period} → {} {}): totals are not comparable; no change is computed.",
                                a.id, a.version, b.id, b.version
                            ),
                        ));
                    }
                }
                if let (Some(a), Some(b)) = (&prev.kind, &e.kind) {
                    if a != b {
                        e.notes.push(Text::bilingual(
                            format!("Jenis unit berubah dari {a} menjadi {b}."),
                            format!("The unit's kind changed from {a} to {b}."),
                        ));
                    }
                }
                if e.comparable {
                    if let (Some(a), Some(b)) = (prev.total, e.total) {
                        e.change = Some(b - a);
                    }
                }
            }
            last = Some(e.clone());
        }
        entries.push(e);
    }
    UnitHistory {
        unit: id,
        name: latest.as_ref().map(|u| u.name.clone()).unwrap_or_default(),
        kind: latest.as_ref().map(|u| u.kind.clone()).unwrap_or_default(),
        office: latest.and_then(|u| u.office),
        periods: entries,
        current_streak: run,
        longest_streak: longest,
    }
}
