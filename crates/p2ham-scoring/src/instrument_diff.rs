//! The difference between two instruments (`"format": "p2ham-instrument-diff/1"`):
//! what tailoring an instrument, or moving to the next regulation, changes
//! for the units judged against it.
//!
//! Everything scoring, applicability and the award read is compared: the
//! instrument's unit kinds and award rule, every scale option's value and
//! label, every criterion's title and weight, and every indicator's
//! criterion, title, scale, weight, applicability (`applies_to`), mandatory
//! flag, evidence requirement, principles and vulnerable groups. Items are
//! matched by id. Values are shown as written (decimals compare by value:
//! `"1"` and `"1.0"` are the same weight).
//!
//! Order is deterministic: added and changed items in the order of the second
//! instrument, then removed items in the order of the first.
//!
//! ```
//! use p2ham_model::Instrument;
//! use p2ham_scoring::{diff_instruments, Change, DiffSide};
//!
//! let a: Instrument = serde_json::from_str(r#"{
//!   "format": "p2ham-instrument/1", "id": "demo", "version": "1.0.0",
//!   "title": {"id": "Contoh"}, "unit_kinds": ["kanim"],
//!   "scales": [{"id": "at", "options": [
//!     {"code": "ada", "label": {"id": "Ada"}, "value": "1"},
//!     {"code": "tidak", "label": {"id": "Tidak"}, "value": "0"}]}],
//!   "criteria": [{"id": "A", "title": {"id": "Fasilitas"}, "weight": "1", "indicators": [
//!     {"id": "A.01", "title": {"id": "Jalan landai"}, "scale": "at", "weight": "1"}]}],
//!   "award": {"min_total": "80", "min_criterion": null}
//! }"#).unwrap();
//! let mut b = a.clone();
//! b.version = "1.1.0".into();
//! b.criteria[0].indicators[0].weight = "2".parse().unwrap();
//! b.criteria[0].indicators[0].mandatory = true;
//!
//! let d = diff_instruments(&a, &b, &DiffSide::of(&a, ""), &DiffSide::of(&b, ""));
//! assert_eq!(d.indicators.len(), 1);
//! assert_eq!(d.indicators[0].change, Change::Changed);
//! let fields: Vec<_> = d.indicators[0].fields.iter().map(|f| f.field.as_str()).collect();
//! assert_eq!(fields, ["weight", "mandatory"]);
//! assert_eq!(d.counts.indicators.changed, 1);
//! ```

use p2ham_model::{Criterion, Decimal, Indicator, Instrument, Scale, Text};
use serde::{Deserialize, Serialize};

/// The `format` of an instrument difference.
pub const INSTRUMENT_DIFF_FORMAT: &str = p2ham_model::format::INSTRUMENT_DIFF;

/// One of the two instruments compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DiffSide {
    /// The instrument's id.
    pub id: String,
    /// Its version.
    pub version: String,
    /// Its title (Indonesian).
    pub title: String,
    /// Lowercase hex SHA-256 of the instrument document (empty when unknown).
    pub sha256: String,
}

impl DiffSide {
    /// The side of an instrument whose document has digest `sha256` (empty when unknown).
    pub fn of(instrument: &Instrument, sha256: &str) -> DiffSide {
        DiffSide {
            id: instrument.id.clone(),
            version: instrument.version.clone(),
            title: instrument.title.id.clone(),
            sha256: sha256.to_owned(),
        }
    }
}

/// What happened to an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Only in the second instrument.
    Added,
    /// Only in the first instrument.
    Removed,
    /// In both, with at least one field different.
    Changed,
}

impl Change {
    /// The stable name (`added`, `removed`, `changed`).
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
        }
    }
}

/// One field that differs: its name and its value in each instrument as
/// text (`null` where the item or the value is absent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FieldChange {
    /// The field, e.g. `weight`, `applies_to`, `award.min_total`, `options.proses.value`.
    pub field: String,
    /// The value in the first instrument.
    pub from: Option<String>,
    /// The value in the second instrument.
    pub to: Option<String>,
}

/// A scale, criterion or indicator that was added, removed or changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ItemChange {
    /// The item's id.
    pub id: String,
    /// Its title (Indonesian; the second instrument's unless removed); empty for a scale.
    pub title: String,
    /// For an indicator: its criterion (the second instrument's unless removed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criterion: Option<String>,
    /// What happened to it.
    pub change: Change,
    /// The fields that differ (for an added or removed item: every field, on one side).
    pub fields: Vec<FieldChange>,
}

/// How many items of one kind were added, removed or changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangeCounts {
    /// Added.
    pub added: usize,
    /// Removed.
    pub removed: usize,
    /// Changed.
    pub changed: usize,
    /// In both and the same.
    pub unchanged: usize,
}

/// The counts per kind of item.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DiffCounts {
    /// Scales.
    pub scales: ChangeCounts,
    /// Criteria.
    pub criteria: ChangeCounts,
    /// Indicators.
    pub indicators: ChangeCounts,
}

/// The difference between two instruments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", schemars(title = "P2HAM instrument difference"))]
pub struct InstrumentDiff {
    /// Always `p2ham-instrument-diff/1`.
    pub format: String,
    /// The first instrument (the one changed from).
    pub from: DiffSide,
    /// The second instrument (the one changed to).
    pub to: DiffSide,
    /// Whether every unit scores the same under both: no difference in unit
    /// kinds, award rule, unsupported claims, scale codes and values, the set
    /// of criteria and their weights, or an indicator's presence, criterion,
    /// scale, weight, applicability, mandatory flag or evidence requirement.
    /// Titles, labels, notes, principles and groups may still differ.
    pub same_scoring: bool,
    /// Fields of the instrument itself that differ: `id`, `version`, `title`,
    /// `legal_basis`, `notes`, `unit_kinds`, `award.min_total`,
    /// `award.min_criterion`, `unsupported_claims`.
    pub instrument: Vec<FieldChange>,
    /// Scales added, removed or changed.
    pub scales: Vec<ItemChange>,
    /// Criteria added, removed or changed.
    pub criteria: Vec<ItemChange>,
    /// Indicators added, removed or changed.
    pub indicators: Vec<ItemChange>,
    /// How many of each.
    pub counts: DiffCounts,
}

fn text(t: &Text) -> String {
    match &t.en {
        Some(en) if !en.is_empty() => format!("{} / {en}", t.id),
        _ => t.id.clone(),
    }
}

fn list<T: AsRef<str>>(v: &[T]) -> String {
    if v.is_empty() {
        "—".to_owned()
    } else {
        v.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(", ")
    }
}

fn applies(i: &Indicator) -> String {
    if i.applies_to.is_empty() {
        "*".to_owned()
    } else {
        list(&i.applies_to)
    }
}

fn evidence(e: p2ham_model::EvidenceRequirement) -> String {
    match e {
        p2ham_model::EvidenceRequirement::Required => "required",
        p2ham_model::EvidenceRequirement::Optional => "optional",
        p2ham_model::EvidenceRequirement::None => "none",
    }
    .to_owned()
}

fn decimal_opt(d: Option<Decimal>) -> String {
    d.map_or_else(|| "—".to_owned(), |d| d.to_string())
}

/// Fields collected for one pair of items.
#[derive(Default)]
struct Fields(Vec<FieldChange>);

impl Fields {
    fn text(&mut self, field: &str, from: String, to: String) {
        if from != to {
            self.0.push(FieldChange {
                field: field.to_owned(),
                from: Some(from),
                to: Some(to),
            });
        }
    }

    fn decimal(&mut self, field: &str, from: Decimal, to: Decimal) {
        if from != to {
            self.0.push(FieldChange {
                field: field.to_owned(),
                from: Some(from.to_string()),
                to: Some(to.to_string()),
            });
        }
    }

    /// One side only: every field of an added or removed item.
    fn one_side(pairs: Vec<(&str, String)>, added: bool) -> Vec<FieldChange> {
        pairs
            .into_iter()
            .map(|(field, v)| FieldChange {
                field: field.to_owned(),
                from: (!added).then(|| v.clone()),
                to: added.then_some(v),
            })
            .collect()
    }
}

fn scale_fields(s: &Scale) -> Vec<(String, String)> {
    s.options
        .iter()
        .map(|o| {
            (
                format!("options.{}", o.code),
                format!("{} = {}", text(&o.label), o.value),
            )
        })
        .collect()
}

fn compare_scales(a: &Scale, b: &Scale) -> Vec<FieldChange> {
    let mut f = Fields::default();
    for o in &b.options {
        match a.option(&o.code) {
            None => f.0.push(FieldChange {
                field: format!("options.{}", o.code),
                from: None,
                to: Some(format!("{} = {}", text(&o.label), o.value)),
            }),
            Some(old) => {
                f.decimal(&format!("options.{}.value", o.code), old.value, o.value);
                f.text(
                    &format!("options.{}.label", o.code),
                    text(&old.label),
                    text(&o.label),
                );
            }
        }
    }
    for o in &a.options {
        if b.option(&o.code).is_none() {
            f.0.push(FieldChange {
                field: format!("options.{}", o.code),
                from: Some(format!("{} = {}", text(&o.label), o.value)),
                to: None,
            });
        }
    }
    let order = |s: &Scale| list(&s.options.iter().map(|o| o.code.as_str()).collect::<Vec<_>>());
    f.text("options.order", order(a), order(b));
    f.0
}

fn criterion_fields(c: &Criterion) -> Vec<(&'static str, String)> {
    vec![
        ("title", text(&c.title)),
        ("weight", c.weight.to_string()),
        ("indicators", c.indicators.len().to_string()),
    ]
}

fn indicator_fields(criterion: &str, i: &Indicator) -> Vec<(&'static str, String)> {
    vec![
        ("criterion", criterion.to_owned()),
        ("title", text(&i.title)),
        ("scale", i.scale.clone()),
        ("weight", i.weight.to_string()),
        ("applies_to", applies(i)),
        ("mandatory", i.mandatory.to_string()),
        ("evidence", evidence(i.evidence)),
        (
            "principles",
            list(&i.principles.iter().map(|p| p.as_str()).collect::<Vec<_>>()),
        ),
        (
            "groups",
            list(&i.groups.iter().map(|g| g.as_str()).collect::<Vec<_>>()),
        ),
    ]
}

/// Compare two instruments item by item (see the module's documentation);
/// `from` and `to` name them in the result.
pub fn diff_instruments(a: &Instrument, b: &Instrument, from: &DiffSide, to: &DiffSide) -> InstrumentDiff {
    let mut top = Fields::default();
    top.text("id", a.id.clone(), b.id.clone());
    top.text("version", a.version.clone(), b.version.clone());
    top.text("title", text(&a.title), text(&b.title));
    top.text("legal_basis", list(&a.legal_basis), list(&b.legal_basis));
    top.text("notes", a.notes.clone(), b.notes.clone());
    let informative = top.0.len();
    top.text("unit_kinds", list(&a.unit_kinds), list(&b.unit_kinds));
    top.decimal("award.min_total", a.award.min_total, b.award.min_total);
    top.text(
        "award.min_criterion",
        decimal_opt(a.award.min_criterion),
        decimal_opt(b.award.min_criterion),
    );
    let claims = |i: &Instrument| {
        match i.unsupported_claims {
            p2ham_model::UnsupportedClaims::Zero => "zero",
            p2ham_model::UnsupportedClaims::Count => "count",
        }
        .to_owned()
    };
    top.text("unsupported_claims", claims(a), claims(b));
    let top_rules = top.0.len() - informative;

    let mut counts = DiffCounts::default();

    let mut scales = Vec::new();
    for s in &b.scales {
        match a.scale(&s.id) {
            None => scales.push(ItemChange {
                id: s.id.clone(),
                title: String::new(),
                criterion: None,
                change: Change::Added,
                fields: scale_fields(s)
                    .into_iter()
                    .map(|(field, v)| FieldChange {
                        field,
                        from: None,
                        to: Some(v),
                    })
                    .collect(),
            }),
            Some(old) => {
                let fields = compare_scales(old, s);
                if fields.is_empty() {
                    counts.scales.unchanged += 1;
                } else {
                    scales.push(ItemChange {
                        id: s.id.clone(),
                        title: String::new(),
                        criterion: None,
                        change: Change::Changed,
                        fields,
                    });
                }
            }
        }
    }
    for s in &a.scales {
        if b.scale(&s.id).is_none() {
            scales.push(ItemChange {
                id: s.id.clone(),
                title: String::new(),
                criterion: None,
                change: Change::Removed,
                fields: scale_fields(s)
                    .into_iter()
                    .map(|(field, v)| FieldChange {
                        field,
                        from: Some(v),
                        to: None,
                    })
                    .collect(),
            });
        }
    }

    let criterion = |i: &Instrument, id: &str| i.criteria.iter().find(|c| c.id == id).cloned();
    let mut criteria = Vec::new();
    for c in &b.criteria {
        match criterion(a, &c.id) {
            None => criteria.push(ItemChange {
                id: c.id.clone(),
                title: c.title.id.clone(),
                criterion: None,
                change: Change::Added,
                fields: Fields::one_side(criterion_fields(c), true),
            }),
            Some(old) => {
                let mut f = Fields::default();
                f.text("title", text(&old.title), text(&c.title));
                f.decimal("weight", old.weight, c.weight);
                if f.0.is_empty() {
                    counts.criteria.unchanged += 1;
                } else {
                    criteria.push(ItemChange {
                        id: c.id.clone(),
                        title: c.title.id.clone(),
                        criterion: None,
                        change: Change::Changed,
                        fields: f.0,
                    });
                }
            }
        }
    }
    for c in &a.criteria {
        if criterion(b, &c.id).is_none() {
            criteria.push(ItemChange {
                id: c.id.clone(),
                title: c.title.id.clone(),
                criterion: None,
                change: Change::Removed,
                fields: Fields::one_side(criterion_fields(c), false),
            });
        }
    }

    let find = |i: &'_ Instrument, id: &str| {
        i.indicators()
            .find(|(_, x)| x.id == id)
            .map(|(c, x)| (c.id.clone(), x.clone()))
    };
    let mut indicators = Vec::new();
    for (c, i) in b.indicators() {
        match find(a, &i.id) {
            None => indicators.push(ItemChange {
                id: i.id.clone(),
                title: i.title.id.clone(),
                criterion: Some(c.id.clone()),
                change: Change::Added,
                fields: Fields::one_side(indicator_fields(&c.id, i), true),
            }),
            Some((old_c, old)) => {
                let mut f = Fields::default();
                f.text("criterion", old_c, c.id.clone());
                f.text("title", text(&old.title), text(&i.title));
                f.text("scale", old.scale.clone(), i.scale.clone());
                f.decimal("weight", old.weight, i.weight);
                f.text("applies_to", applies(&old), applies(i));
                f.text("mandatory", old.mandatory.to_string(), i.mandatory.to_string());
                f.text("evidence", evidence(old.evidence), evidence(i.evidence));
                let names = |x: &Indicator| {
                    (
                        list(&x.principles.iter().map(|p| p.as_str()).collect::<Vec<_>>()),
                        list(&x.groups.iter().map(|g| g.as_str()).collect::<Vec<_>>()),
                    )
                };
                let ((pa, ga), (pb, gb)) = (names(&old), names(i));
                f.text("principles", pa, pb);
                f.text("groups", ga, gb);
                if f.0.is_empty() {
                    counts.indicators.unchanged += 1;
                } else {
                    indicators.push(ItemChange {
                        id: i.id.clone(),
                        title: i.title.id.clone(),
                        criterion: Some(c.id.clone()),
                        change: Change::Changed,
                        fields: f.0,
                    });
                }
            }
        }
    }
    for (c, i) in a.indicators() {
        if find(b, &i.id).is_none() {
            indicators.push(ItemChange {
                id: i.id.clone(),
                title: i.title.id.clone(),
                criterion: Some(c.id.clone()),
                change: Change::Removed,
                fields: Fields::one_side(indicator_fields(&c.id, i), false),
            });
        }
    }

    let tally = |items: &[ItemChange], counts: &mut ChangeCounts| {
        for it in items {
            match it.change {
                Change::Added => counts.added += 1,
                Change::Removed => counts.removed += 1,
                Change::Changed => counts.changed += 1,
            }
        }
    };
    tally(&scales, &mut counts.scales);
    tally(&criteria, &mut counts.criteria);
    tally(&indicators, &mut counts.indicators);
    let same_scoring = top_rules == 0
        && !scales.iter().any(|s| {
            s.change != Change::Changed
                // An option added or removed, or its value changed; not a label or the order.
                || s.fields.iter().any(|f| {
                    f.from.is_none() || f.to.is_none() || f.field.rsplit('.').next() == Some("value")
                })
        })
        && !criteria
            .iter()
            .any(|c| c.change != Change::Changed || c.fields.iter().any(|f| f.field == "weight"))
        && !indicators.iter().any(|i| {
            i.change != Change::Changed
                || i.fields
                    .iter()
                    .any(|f| !["title", "principles", "groups"].contains(&f.field.as_str()))
        });
    InstrumentDiff {
        format: INSTRUMENT_DIFF_FORMAT.to_owned(),
        from: from.clone(),
        to: to.clone(),
        same_scoring,
        instrument: top.0,
        scales,
        criteria,
        indicators,
        counts,
    }
}
