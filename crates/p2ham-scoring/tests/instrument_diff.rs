//! The difference between the example instrument and its tailored version
//! (`fixtures/instruments-extra/demo.json` → `demo-tailored.json`), every
//! change read off the two files by hand.

use p2ham_model::{CheckedInstrument, Instrument};
use p2ham_scoring::{diff_instruments, Change, DiffSide, InstrumentDiff};

fn load(name: &str) -> Instrument {
    let path = format!(
        "{}/../../fixtures/instruments-extra/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let ins: Instrument = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    // Both are valid instruments.
    CheckedInstrument::new(ins.clone()).unwrap_or_else(|e| panic!("{path}: {e:?}"));
    ins
}

fn diff() -> InstrumentDiff {
    let (a, b) = (load("demo.json"), load("demo-tailored.json"));
    diff_instruments(&a, &b, &DiffSide::of(&a, "a"), &DiffSide::of(&b, "b"))
}

fn fields(d: &InstrumentDiff, kind: &str, id: &str) -> Vec<(String, Option<String>, Option<String>)> {
    let items = match kind {
        "scale" => &d.scales,
        "criterion" => &d.criteria,
        _ => &d.indicators,
    };
    items
        .iter()
        .find(|i| i.id == id)
        .unwrap_or_else(|| panic!("{kind} {id} not listed"))
        .fields
        .iter()
        .map(|f| (f.field.clone(), f.from.clone(), f.to.clone()))
        .collect()
}

#[allow(clippy::unnecessary_wraps)] // a field value as the diff holds it
fn s(v: &str) -> Option<String> {
    Some(v.to_owned())
}

#[test]
fn the_tailored_example_differs_as_read_by_hand() {
    let d = diff();
    assert_eq!(d.format, "p2ham-instrument-diff/1");
    assert_eq!(
        (d.from.version.as_str(), d.to.version.as_str()),
        ("1.0.0", "1.1.0")
    );

    // The instrument: version, notes; rutan added to the unit kinds; pass mark 80 → 75.
    let top: Vec<_> = d.instrument.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(top, ["version", "notes", "unit_kinds", "award.min_total"]);
    let kinds = &d.instrument[2];
    assert_eq!(
        (kinds.from.as_deref(), kinds.to.as_deref()),
        (Some("kanim"), Some("kanim, rutan"))
    );
    let pass = &d.instrument[3];
    assert_eq!(
        (pass.from.as_deref(), pass.to.as_deref()),
        (Some("80"), Some("75"))
    );

    // The scale gains the option `proses` (0.5) between `ada` and `tidak`.
    assert_eq!(
        fields(&d, "scale", "ada-tidak"),
        [
            ("options.proses".into(), None, s("Proses = 0.5")),
            ("options.order".into(), s("ada, tidak"), s("ada, proses, tidak")),
        ]
    );

    // Criterion A's weight 0.1 is written "0.10": the same value, no change. B is new.
    assert_eq!(d.criteria.len(), 1);
    assert_eq!(
        (d.criteria[0].id.as_str(), d.criteria[0].change),
        ("B", Change::Added)
    );
    assert_eq!(d.counts.criteria.unchanged, 1);

    // Indicators, in the tailored instrument's order: A.01 weighs 1 instead of
    // 0.3333333333333333333 and becomes mandatory; A.03 and B.01 are new; A.02
    // moves to criterion B and applies to kanim only (it applied to every kind).
    let order: Vec<_> = d.indicators.iter().map(|i| (i.id.as_str(), i.change)).collect();
    assert_eq!(
        order,
        [
            ("A.01", Change::Changed),
            ("A.03", Change::Added),
            ("B.01", Change::Added),
            ("A.02", Change::Changed),
        ]
    );
    assert_eq!(
        fields(&d, "indicator", "A.01"),
        [
            ("weight".into(), s("0.3333333333333333333"), s("1")),
            ("mandatory".into(), s("false"), s("true")),
        ]
    );
    assert_eq!(
        fields(&d, "indicator", "A.02"),
        [
            ("criterion".into(), s("A"), s("B")),
            ("applies_to".into(), s("*"), s("kanim")),
        ]
    );
    let b01 = fields(&d, "indicator", "B.01");
    assert!(b01.contains(&("applies_to".into(), None, s("rutan"))), "{b01:?}");
    let a03 = fields(&d, "indicator", "A.03");
    assert!(
        a03.contains(&("groups".into(), None, s("wanita_hamil_menyusui"))),
        "{a03:?}"
    );
    assert_eq!(
        (
            d.counts.indicators.added,
            d.counts.indicators.changed,
            d.counts.indicators.removed
        ),
        (2, 2, 0)
    );
    assert!(!d.same_scoring);
    insta::assert_json_snapshot!("demo_tailored", d);
}

#[test]
fn the_way_back_removes_what_was_added() {
    let (a, b) = (load("demo.json"), load("demo-tailored.json"));
    let back = diff_instruments(&b, &a, &DiffSide::of(&b, ""), &DiffSide::of(&a, ""));
    let removed: Vec<_> = back
        .indicators
        .iter()
        .filter(|i| i.change == Change::Removed)
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(removed, ["A.03", "B.01"]);
    assert_eq!(back.counts.criteria.removed, 1);
    assert_eq!(back.counts.indicators.changed, 2);
}

#[test]
fn an_instrument_against_itself_has_no_change_and_titles_alone_keep_the_scoring() {
    let a = load("demo.json");
    let same = diff_instruments(&a, &a, &DiffSide::of(&a, ""), &DiffSide::of(&a, ""));
    assert!(same.same_scoring);
    assert!(same.instrument.is_empty() && same.indicators.is_empty() && same.scales.is_empty());
    assert_eq!(same.counts.indicators.unchanged, 2);

    let mut retitled = a.clone();
    retitled.criteria[0].indicators[0].title.id = "Maklumat pelayanan (dipajang)".into();
    retitled.scales[0].options[0].label.id = "Tersedia".into();
    let d = diff_instruments(&a, &retitled, &DiffSide::of(&a, ""), &DiffSide::of(&retitled, ""));
    assert_eq!(d.indicators.len(), 1);
    assert_eq!(d.scales[0].fields[0].field, "options.ada.label");
    assert!(d.same_scoring, "a title or a label changes no score");

    let mut reweighted = a.clone();
    reweighted.scales[0].options[1].value = "0.25".parse().unwrap();
    let d = diff_instruments(
        &a,
        &reweighted,
        &DiffSide::of(&a, ""),
        &DiffSide::of(&reweighted, ""),
    );
    assert_eq!(d.scales[0].fields[0].field, "options.tidak.value");
    assert!(!d.same_scoring);
}
