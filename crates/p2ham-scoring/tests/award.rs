//! The award cycle, worked by hand: every decision, duplicates, a unit that
//! changed kind, a mismatched instrument; the history with an instrument
//! change; and invariants over random lists.

use std::collections::BTreeMap;

use p2ham_model::{
    AwardEntry, AwardList, AwardReason, AwardReasonCode, AwardsFormat, Decision, DocumentRef,
    InstrumentStamp, Text, Unit,
};
use p2ham_scoring::{
    decide, history, summarize, AwardError, AwardOptions, RequiredInstrument, VerifiedResult,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn unit(id: &str, kind: &str, office: &str) -> Unit {
    Unit {
        id: id.into(),
        name: id.to_uppercase(),
        kind: kind.into(),
        office: Some(office.into()),
    }
}

fn stamp(id: &str) -> InstrumentStamp {
    InstrumentStamp {
        id: id.into(),
        version: "1.0.0".into(),
        sha256: "ab".repeat(32),
    }
}

fn result(id: &str, kind: &str, total: i64, period: &str) -> VerifiedResult {
    let total = Decimal::new(total, 2);
    let eligible = total >= Decimal::from(80);
    VerifiedResult {
        unit: unit(id, kind, "Kanwil A"),
        period: period.into(),
        instrument: stamp("p2ham-2022"),
        total: Some(total),
        eligible,
        reasons: if eligible {
            vec![]
        } else {
            vec![AwardReason {
                code: AwardReasonCode::TotalBelowPassMark,
                criterion: None,
                indicator: None,
                actual: Some(total),
                required: Some(Decimal::from(80)),
                message: Text::id(format!("Nilai total {total} di bawah 80.")),
            }]
        },
        source: DocumentRef {
            file: format!("{id}.json"),
            sha256: format!("{id}{total}"),
            verifies: None,
        },
    }
}

fn entry(id: &str, kind: &str, predikat: bool) -> AwardEntry {
    AwardEntry {
        unit: unit(id, kind, "Kanwil A"),
        instrument: Some(stamp("p2ham-2022")),
        total: None,
        eligible: predikat,
        predikat,
        decision: None,
        reasons: vec![],
        notes: vec![],
        rests_on: vec![],
    }
}

fn list(period: &str, units: Vec<AwardEntry>) -> AwardList {
    AwardList {
        format: AwardsFormat::V1,
        period: period.into(),
        decree: None,
        previous_period: None,
        instruments: vec![],
        units,
    }
}

fn decision(l: &AwardList, id: &str) -> Decision {
    l.unit(id).unwrap().decision.unwrap()
}

/// Six units, one per decision: a held 92.14 (retained), b not held 85.15
/// (gained), c held 79.58 (lost, total below 80), d not held 50.00 (not
/// awarded), e held and absent (not evaluated), f held, 90.00 but struck off.
#[test]
fn every_decision_worked() {
    let prev = list(
        "2022",
        vec![
            entry("a", "kanim", true),
            entry("b", "bapas", false),
            entry("c", "lapas", true),
            entry("e", "rutan", true),
            entry("f", "lapas", true),
            entry("g", "rutan", false),
        ],
    );
    let results = vec![
        result("a", "kanim", 9214, "2023"),
        result("b", "bapas", 8515, "2023"),
        result("c", "lapas", 7958, "2023"),
        result("d", "kanim", 5000, "2023"),
        result("f", "lapas", 9000, "2023"),
    ];
    let mut options = AwardOptions::default();
    options
        .exclusions
        .insert("f".into(), "sedang dalam pemeriksaan".into());
    let out = decide(&results, Some(&prev), &options).unwrap();
    assert_eq!(out.period, "2023");
    assert_eq!(out.previous_period.as_deref(), Some("2022"));
    let got: Vec<(&str, Decision, bool)> = out
        .units
        .iter()
        .map(|u| (u.unit.id.as_str(), u.decision.unwrap(), u.predikat))
        .collect();
    assert_eq!(
        got,
        [
            ("a", Decision::Retained, true),
            ("b", Decision::Gained, true),
            ("c", Decision::Lost, false),
            ("d", Decision::NotAwarded, false),
            ("e", Decision::NotEvaluated, false),
            ("f", Decision::Excluded, false),
        ]
    );
    // g neither held the predikat nor was evaluated: not listed.
    assert!(out.unit("g").is_none());
    let c = out.unit("c").unwrap();
    assert_eq!(c.reasons.len(), 1);
    assert_eq!(c.reasons[0].code, AwardReasonCode::TotalBelowPassMark);
    assert_eq!(c.reasons[0].actual, Some(Decimal::new(7958, 2)));
    assert_eq!(c.rests_on[0].file, "c.json");
    let e = out.unit("e").unwrap();
    assert_eq!(e.reasons[0].code, AwardReasonCode::NoVerifiedResult);
    assert!(e.rests_on.is_empty());
    let f = out.unit("f").unwrap();
    assert_eq!(f.reasons[0].code, AwardReasonCode::Excluded);
    assert!(f.reasons[0].message.id.contains("sedang dalam pemeriksaan"));
    assert!(f.eligible, "the verified result itself stays on record");
    let s = summarize(&out);
    assert_eq!(
        (s.total.units, s.total.predikat, s.total.retained, s.total.lost),
        (6, 2, 1, 1)
    );
    assert_eq!(s.kinds.iter().find(|(k, _)| k == "lapas").unwrap().1.units, 2);
}

#[test]
fn without_a_previous_list_every_unit_is_gained_or_not_awarded() {
    let out = decide(
        &[
            result("a", "kanim", 8000, "2023"),
            result("b", "kanim", 7999, "2023"),
        ],
        None,
        &AwardOptions::default(),
    )
    .unwrap();
    assert_eq!(decision(&out, "a"), Decision::Gained);
    assert_eq!(decision(&out, "b"), Decision::NotAwarded);
}

#[test]
fn the_same_document_twice_counts_once_two_different_are_an_error() {
    let a = result("a", "kanim", 9000, "2023");
    let out = decide(&[a.clone(), a.clone()], None, &AwardOptions::default()).unwrap();
    assert_eq!(out.units.len(), 1);
    let mut other = result("a", "kanim", 7000, "2023");
    other.source.file = "again/a.json".into();
    let err = decide(&[a, other], None, &AwardOptions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "unit `a` has two different verified results: a.json and again/a.json; keep one"
    );
    let prev = list(
        "2022",
        vec![entry("x", "kanim", true), entry("x", "kanim", false)],
    );
    let err = decide(
        &[result("a", "kanim", 9000, "2023")],
        Some(&prev),
        &AwardOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(
        err,
        AwardError::DuplicateInPrevious {
            first: 0,
            second: 1,
            ..
        }
    ));
}

/// A Rutan that became a Lapas: its 2022 predikat was for a Rutan, so an
/// eligible 2023 Lapas result is `gained`, not `retained`, with a note.
#[test]
fn a_unit_that_changed_kind_is_decided_as_a_new_unit() {
    let prev = list("2022", vec![entry("rutan-x", "rutan", true)]);
    let out = decide(
        &[result("rutan-x", "lapas", 8800, "2023")],
        Some(&prev),
        &AwardOptions::default(),
    )
    .unwrap();
    let u = out.unit("rutan-x").unwrap();
    assert_eq!(u.decision, Some(Decision::Gained));
    assert_eq!(u.notes[0].code, AwardReasonCode::KindChanged);
    assert!(u.notes[0]
        .message
        .en
        .as_deref()
        .unwrap()
        .contains("from rutan to lapas"));
    // Not eligible after the change: not_awarded, not lost.
    let out = decide(
        &[result("rutan-x", "lapas", 6000, "2023")],
        Some(&prev),
        &AwardOptions::default(),
    )
    .unwrap();
    assert_eq!(decision(&out, "rutan-x"), Decision::NotAwarded);
}

#[test]
fn a_mismatched_instrument_is_not_eligible_with_its_reason() {
    let prev = list("2022", vec![entry("a", "kanim", true)]);
    let mut old = result("a", "kanim", 9500, "2023");
    old.instrument = stamp("p2ham-2018-kanim");
    let options = AwardOptions {
        instrument: Some(RequiredInstrument {
            id: "p2ham-2022".into(),
            version: None,
        }),
        ..AwardOptions::default()
    };
    let out = decide(&[old], Some(&prev), &options).unwrap();
    let u = out.unit("a").unwrap();
    assert_eq!(u.decision, Some(Decision::Lost));
    assert!(!u.eligible && !u.predikat);
    assert_eq!(u.reasons[0].code, AwardReasonCode::InstrumentMismatch);
    assert_eq!(
        u.reasons[0].message.en.as_deref(),
        Some("Verified with instrument p2ham-2018-kanim 1.0.0; this period requires p2ham-2022.")
    );
    // The change of instrument since 2022 is noted too.
    assert_eq!(u.notes[0].code, AwardReasonCode::InstrumentChanged);
}

#[test]
fn periods_must_agree_and_exclusions_must_name_a_known_unit() {
    let err = decide(
        &[
            result("a", "kanim", 9000, "2023"),
            result("b", "kanim", 9000, "2022"),
        ],
        None,
        &AwardOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "b.json: period `2022` differs from `2023` (the period decided); give one period's verifications"
    );
    let mut options = AwardOptions::default();
    options.exclusions.insert("zz".into(), "x".into());
    let err = decide(&[result("a", "kanim", 9000, "2023")], None, &options).unwrap_err();
    assert_eq!(err, AwardError::UnknownExclusion { unit: "zz".into() });
    let prev = list("2023", vec![]);
    assert!(matches!(
        decide(
            &[result("a", "kanim", 9000, "2023")],
            Some(&prev),
            &AwardOptions::default()
        ),
        Err(AwardError::PreviousSamePeriod { .. })
    ));
    // A previous list of a later period is refused; periods compare as numbers.
    for (previous, decided) in [("2024", "2023"), ("10000", "9999"), ("2023-S2", "2023-S1")] {
        let prev = list(previous, vec![]);
        assert_eq!(
            decide(
                &[result("a", "kanim", 9000, decided)],
                Some(&prev),
                &AwardOptions::default()
            ),
            Err(AwardError::PreviousLaterPeriod {
                previous: previous.into(),
                period: decided.into()
            })
        );
    }
    let prev = list("999", vec![]);
    assert!(decide(
        &[result("a", "kanim", 9000, "2023")],
        Some(&prev),
        &AwardOptions::default()
    )
    .is_ok());
    assert_eq!(
        decide(&[], None, &AwardOptions::default()),
        Err(AwardError::NoPeriod)
    );
}

/// 2018 (instrument p2ham-2018-kanim) 85.00 awarded, 2022 (p2ham-2022) 70.00
/// lost, 2023 92.14 gained: no change across the instrument change, +22.14 after.
#[test]
fn history_marks_the_instrument_change_and_counts_streaks() {
    let mut y2018 = entry("a", "kanim", true);
    y2018.instrument = Some(stamp("p2ham-2018-kanim"));
    y2018.total = Some(Decimal::new(8500, 2));
    let mut y2022 = entry("a", "kanim", false);
    y2022.total = Some(Decimal::new(7000, 2));
    let lists = vec![list("2018", vec![y2018]), list("2022", vec![y2022])];
    let results = vec![result("a", "kanim", 9214, "2023")];
    let h = history(&lists, &results, Some("a"));
    assert_eq!(h.periods, ["2018", "2022", "2023"]);
    let u = &h.units[0];
    let p: Vec<_> = u
        .periods
        .iter()
        .map(|p| (p.comparable, p.change, p.predikat))
        .collect();
    assert_eq!(
        p,
        [
            (true, None, Some(true)),
            (false, None, Some(false)),
            (true, Some(Decimal::new(2214, 2)), None),
        ]
    );
    assert!(u.periods[1].notes[0]
        .en
        .as_deref()
        .unwrap()
        .contains("not comparable"));
    assert_eq!((u.current_streak, u.longest_streak), (0, 1));
    assert!(history(&lists, &results, Some("nobody")).units.is_empty());
}

/// Previous entries (unit, predikat, kind), results (unit, total, kind) and exclusions.
type Case = (Vec<(u8, bool, bool)>, Vec<(u8, i64, bool)>, Vec<u8>);

fn arb_case() -> impl Strategy<Value = Case> {
    (
        // previous: unit index, predikat, kind flag
        prop::collection::btree_map(0u8..20, (any::<bool>(), any::<bool>()), 0..15)
            .prop_map(|m| m.into_iter().map(|(k, (p, kind))| (k, p, kind)).collect()),
        prop::collection::btree_map(0u8..20, (0i64..=10000, any::<bool>()), 0..15)
            .prop_map(|m| m.into_iter().map(|(k, (t, kind))| (k, t, kind)).collect()),
        prop::collection::vec(0u8..20, 0..4),
    )
}

proptest! {
    /// Every previous holder and every evaluated unit appears exactly once;
    /// the predikat is held exactly when the decision grants it; nobody
    /// else is listed.
    #[test]
    fn every_holder_and_every_result_appears_once((prev, res, excl) in arb_case()) {
        let kind = |k: bool| if k { "lapas" } else { "rutan" };
        let previous = list("2022", prev.iter().map(|(i, p, k)| entry(&format!("u{i}"), kind(*k), *p)).collect());
        let results: Vec<_> = res.iter().map(|(i, t, k)| result(&format!("u{i}"), kind(*k), *t, "2023")).collect();
        let mut options = AwardOptions { period: Some("2023".into()), ..AwardOptions::default() };
        let known: Vec<u8> = prev.iter().map(|p| p.0).chain(res.iter().map(|r| r.0)).collect();
        options.exclusions = excl.iter().filter(|e| known.contains(e)).map(|e| (format!("u{e}"), "r".to_owned())).collect::<BTreeMap<_, _>>();
        let out = decide(&results, Some(&previous), &options).unwrap();
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for u in &out.units {
            *counts.entry(&u.unit.id).or_default() += 1;
            prop_assert_eq!(u.predikat, u.decision.unwrap().grants());
            if !u.predikat {
                prop_assert!(!u.reasons.is_empty(), "{} has no reason", u.unit.id);
            }
        }
        for (i, p, _) in &prev {
            if *p {
                prop_assert_eq!(counts.get(format!("u{i}").as_str()), Some(&1));
            }
        }
        for (i, _, _) in &res {
            prop_assert_eq!(counts.get(format!("u{i}").as_str()), Some(&1));
        }
        let expected = prev.iter().filter(|p| p.1).map(|p| p.0)
            .chain(res.iter().map(|r| r.0))
            .chain(options.exclusions.keys().map(|k| k[1..].parse().unwrap()))
            .collect::<std::collections::BTreeSet<u8>>().len();
        prop_assert_eq!(out.units.len(), expected);
        let s = summarize(&out);
        prop_assert_eq!(usize::try_from(s.total.units).unwrap(), out.units.len());
    }
}
