//! The period's award rule over the evaluation's other evidence, worked by
//! hand: the Sampit story's IKM (Kanim 87.09, band B), each gate met and not
//! met with its figures, a missing figure that is a reason and never a pass,
//! the composite; and, over random figures, that a rule only ever takes the
//! predikat away and that no rule is today's decision.

use std::collections::BTreeMap;

use p2ham_model::{
    AwardReason, AwardReasonCode, Composite, Decision, DocumentRef, IkmMutu, InstrumentStamp,
    PeriodAwardRule, Text, Unit, UnitComponents, ZonaIntegritas,
};
use p2ham_scoring::{composite_score, decide, evaluate_gates, AwardOptions, Gate, VerifiedResult};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn result(id: &str, total: i64) -> VerifiedResult {
    let total = Decimal::new(total, 2);
    let eligible = total >= Decimal::from(80);
    VerifiedResult {
        unit: Unit {
            id: id.into(),
            name: id.to_uppercase(),
            kind: "kanim".into(),
            office: Some("Kanwil Kalimantan Tengah".into()),
        },
        period: "2023".into(),
        instrument: InstrumentStamp {
            id: "p2ham-2018-kanim".into(),
            version: "1.0.0".into(),
            sha256: "ab".repeat(32),
        },
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

fn empty_rule() -> PeriodAwardRule {
    serde_json::from_str(r#"{"format": "p2ham-award-rule/1"}"#).unwrap()
}

/// The rule of the worked example: IKM at least B, no unresolved Ombudsman
/// finding, ZI at least WBK, composite 80 × P2HAM + 20 × IKM at least 80.
fn sampit_rule() -> PeriodAwardRule {
    serde_json::from_str(
        r#"{"format": "p2ham-award-rule/1", "basis": "Pedoman evaluasi P2HAM 2020",
            "ikm_min_mutu": "B", "zona_integritas_min": "wbk", "ombudsman_unresolved_max": 0,
            "composite": {"p2ham_weight": "80", "ikm_weight": "20", "min": "80"}}"#,
    )
    .unwrap()
}

fn kanim_components() -> UnitComponents {
    UnitComponents {
        unit: "kanim-sampit".into(),
        ikm: Some(Decimal::new(8709, 2)),
        zona_integritas: Some(ZonaIntegritas::Wbk),
        ombudsman_findings: Some(1),
        ombudsman_unresolved: Some(0),
        elapor_complaints: Some(4),
        elapor_unresolved: Some(1),
    }
}

#[test]
fn kanim_sampit_meets_every_gate_with_its_figures() {
    // Kanim Sampit: IKM 87.09 (fixtures/skm/kanim-sampit-2023.csv), band B
    // (76.61–88.30); WBK; its one Ombudsman finding resolved. Verified total
    // 90.00, so the composite is (80 × 90.00 + 20 × 87.09) / 100 =
    // (7200 + 1741.8) / 100 = 89.418, rounded 89.42 ≥ 80.
    let gates = evaluate_gates(
        &sampit_rule(),
        Some(Decimal::new(9000, 2)),
        Some(&kanim_components()),
    );
    let summary: Vec<_> = gates.iter().map(|g| (g.gate, g.met)).collect();
    assert_eq!(
        summary,
        [
            (Gate::Ikm, true),
            (Gate::ZonaIntegritas, true),
            (Gate::Ombudsman, true),
            (Gate::Composite, true)
        ]
    );
    assert!(gates.iter().all(|g| g.reason.code == AwardReasonCode::GateMet));
    assert_eq!(gates[0].reason.actual, Some(Decimal::new(8709, 2)));
    assert_eq!(gates[0].reason.required, Some(Decimal::new(7661, 2)));
    assert_eq!(
        gates[0].reason.message.id,
        "IKM 87.09 (mutu B, Baik) memenuhi syarat minimal mutu B (IKM ≥ 76.61)."
    );
    assert_eq!(gates[2].reason.actual, Some(Decimal::ZERO));
    assert_eq!(gates[2].reason.required, Some(Decimal::ZERO));
    assert_eq!(gates[3].reason.actual, Some(Decimal::new(8942, 2)));
    assert_eq!(
        gates[3].reason.message.en.as_deref(),
        Some("Composite (80 × P2HAM 90.00 + 20 × IKM 87.09) / 100 = 89.42; meets the required minimum 80.")
    );

    // The decision: eligible, the gates as notes, no reason.
    let options = AwardOptions {
        rule: Some(sampit_rule()),
        components: BTreeMap::from([("kanim-sampit".to_owned(), kanim_components())]),
        ..AwardOptions::default()
    };
    let list = decide(&[result("kanim-sampit", 9000)], None, &options).unwrap();
    let u = list.unit("kanim-sampit").unwrap();
    assert_eq!(u.decision, Some(Decision::Gained));
    assert!(u.predikat && u.reasons.is_empty());
    assert_eq!(u.notes.len(), 4);
}

#[test]
fn each_gate_not_met_is_a_reason_with_its_figures() {
    // IKM 76.60 is band C (65.00–76.60): below B. ZI none; 2 of 3 Ombudsman
    // findings unresolved; composite (80 × 81.25 + 20 × 76.60) / 100 = 80.32.
    let c = UnitComponents {
        unit: "lapas-x".into(),
        ikm: Some(Decimal::new(7660, 2)),
        zona_integritas: Some(ZonaIntegritas::NotDesignated),
        ombudsman_findings: Some(3),
        ombudsman_unresolved: Some(2),
        ..UnitComponents::default()
    };
    let options = AwardOptions {
        rule: Some(sampit_rule()),
        components: BTreeMap::from([("lapas-x".to_owned(), c)]),
        ..AwardOptions::default()
    };
    let list = decide(&[result("lapas-x", 8125)], None, &options).unwrap();
    let u = list.unit("lapas-x").unwrap();
    assert_eq!(u.decision, Some(Decision::NotAwarded));
    assert!(!u.eligible && !u.predikat);
    let codes: Vec<_> = u.reasons.iter().map(|r| r.code).collect();
    assert_eq!(
        codes,
        [
            AwardReasonCode::IkmBelowMinimum,
            AwardReasonCode::ZonaIntegritasBelowMinimum,
            AwardReasonCode::OmbudsmanUnresolved
        ]
    );
    assert_eq!(u.reasons[0].actual, Some(Decimal::new(7660, 2)));
    assert_eq!(
        u.reasons[0].message.id,
        "IKM 76.60 (mutu C, Kurang Baik) tidak memenuhi syarat minimal mutu B (IKM ≥ 76.61)."
    );
    assert_eq!(
        u.reasons[1].message.en.as_deref(),
        Some("Zona Integritas status none does not meet the required WBK or higher.")
    );
    assert_eq!(u.reasons[2].actual, Some(Decimal::from(2)));
    assert_eq!(u.reasons[2].required, Some(Decimal::ZERO));
    // The composite is met and says so in the notes.
    assert_eq!(u.notes.len(), 1);
    assert_eq!(u.notes[0].actual, Some(Decimal::new(8032, 2)));
}

#[test]
fn a_missing_figure_is_a_reason_never_a_pass() {
    let options = AwardOptions {
        rule: Some(sampit_rule()),
        ..AwardOptions::default()
    };
    let list = decide(&[result("bapas-y", 9500)], None, &options).unwrap();
    let u = list.unit("bapas-y").unwrap();
    assert_eq!(u.decision, Some(Decision::NotAwarded));
    assert_eq!(u.reasons.len(), 4, "{:#?}", u.reasons);
    assert!(u
        .reasons
        .iter()
        .all(|r| r.code == AwardReasonCode::ComponentMissing));
    assert_eq!(
        u.reasons[0].message.en.as_deref(),
        Some("The IKM (SKM result) is not recorded: the IKM band gate cannot be checked and is not met.")
    );
    // A previous holder loses the predikat for it.
    let mut prev: p2ham_model::AwardList = serde_json::from_value(serde_json::json!({
        "format": "p2ham-awards/1", "period": "2022", "units": [{
            "unit": {"id": "bapas-y", "name": "BAPAS-Y", "kind": "kanim", "office": "Kanwil Kalimantan Tengah"},
            "eligible": true, "predikat": true}]}))
    .unwrap();
    prev.units[0].decision = Some(Decision::Gained);
    let list = decide(&[result("bapas-y", 9500)], Some(&prev), &options).unwrap();
    assert_eq!(list.unit("bapas-y").unwrap().decision, Some(Decision::Lost));
}

#[test]
fn the_composite_alone_can_bar_an_eligible_unit() {
    // (70 × 80.00 + 30 × 70.00) / 100 = 77.00 < 78.
    let rule = PeriodAwardRule {
        composite: Some(Composite {
            p2ham_weight: Decimal::from(70),
            ikm_weight: Decimal::from(30),
            min: Decimal::from(78),
        }),
        ..empty_rule()
    };
    let c = UnitComponents {
        unit: "a".into(),
        ikm: Some(Decimal::from(70)),
        ..UnitComponents::default()
    };
    let gates = evaluate_gates(&rule, Some(Decimal::from(80)), Some(&c));
    assert_eq!(gates.len(), 1);
    assert!(!gates[0].met);
    assert_eq!(gates[0].reason.code, AwardReasonCode::CompositeBelowMinimum);
    assert_eq!(gates[0].reason.actual, Some(Decimal::new(7700, 2)));
    // Half away from zero, once: (1 × 80.00 + 2 × 80.01) / 3 = 80.00666… → 80.01.
    assert_eq!(
        composite_score(
            Decimal::ONE,
            Decimal::TWO,
            Decimal::from(80),
            Decimal::new(8001, 2)
        ),
        Some(Decimal::new(8001, 2))
    );
    // (1 × 80.00 + 1 × 80.01) / 2 = 80.005 → 80.01.
    assert_eq!(
        composite_score(
            Decimal::ONE,
            Decimal::ONE,
            Decimal::from(80),
            Decimal::new(8001, 2)
        ),
        Some(Decimal::new(8001, 2))
    );
    assert_eq!(
        composite_score(Decimal::ZERO, Decimal::ZERO, Decimal::ONE, Decimal::ONE),
        None
    );
    // The e-Lapor gate, and a band gate on A.
    let rule = PeriodAwardRule {
        ikm_min_mutu: Some(IkmMutu::A),
        elapor_unresolved_max: Some(1),
        ..empty_rule()
    };
    let gates = evaluate_gates(&rule, Some(Decimal::from(80)), Some(&kanim_components()));
    assert_eq!((gates[0].gate, gates[0].met), (Gate::Ikm, false));
    assert_eq!((gates[1].gate, gates[1].met), (Gate::Elapor, true));
}

fn arb_components(id: String) -> impl Strategy<Value = UnitComponents> {
    (
        proptest::option::of(2500i64..=10000),
        proptest::option::of(0u8..3),
        proptest::option::of(0u32..4),
        proptest::option::of(0u32..4),
    )
        .prop_map(move |(ikm, zi, om, el)| UnitComponents {
            unit: id.clone(),
            ikm: ikm.map(|v| Decimal::new(v, 2)),
            zona_integritas: zi.map(|z| match z {
                0 => ZonaIntegritas::NotDesignated,
                1 => ZonaIntegritas::Wbk,
                _ => ZonaIntegritas::Wbbm,
            }),
            ombudsman_findings: om.map(|n| n + 1),
            ombudsman_unresolved: om,
            elapor_complaints: el,
            elapor_unresolved: el,
        })
}

fn arb_rule() -> impl Strategy<Value = PeriodAwardRule> {
    (
        proptest::option::of(0u8..4),
        proptest::bool::ANY,
        proptest::option::of(0u32..3),
        proptest::option::of(0u32..3),
        proptest::option::of((0i64..100, 1i64..100, 0i64..=10000)),
    )
        .prop_map(|(mutu, zi, om, el, comp)| PeriodAwardRule {
            ikm_min_mutu: mutu.map(|m| [IkmMutu::A, IkmMutu::B, IkmMutu::C, IkmMutu::D][usize::from(m)]),
            zona_integritas_min: zi.then_some(ZonaIntegritas::Wbk),
            ombudsman_unresolved_max: om,
            elapor_unresolved_max: el,
            composite: comp.map(|(p, i, m)| Composite {
                p2ham_weight: Decimal::from(p),
                ikm_weight: Decimal::from(i),
                min: Decimal::new(m, 2),
            }),
            ..empty_rule()
        })
}

proptest! {
    /// A rule only takes the predikat away; every gate it declares is
    /// explained once, in the notes when met and in the reasons when not;
    /// a unit holds the predikat exactly when it is eligible without the rule
    /// and meets every gate.
    #[test]
    fn a_rule_only_takes_away_and_explains_every_gate(
        totals in proptest::collection::vec(6000i64..=10000, 1..5),
        rule in arb_rule(),
        comps in proptest::collection::vec(arb_components(String::new()), 5),
    ) {
        let results: Vec<_> = totals.iter().enumerate().map(|(i, t)| result(&format!("u{i}"), *t)).collect();
        let components: BTreeMap<_, _> = comps
            .into_iter()
            .enumerate()
            .map(|(i, mut c)| { c.unit = format!("u{i}"); (c.unit.clone(), c) })
            .collect();
        let plain = decide(&results, None, &AwardOptions::default()).unwrap();
        let none = decide(&results, None, &AwardOptions { components: components.clone(), ..AwardOptions::default() }).unwrap();
        prop_assert_eq!(&plain, &none, "figures without a rule change nothing");
        let ruled = decide(&results, None, &AwardOptions {
            rule: Some(rule.clone()),
            components: components.clone(),
            ..AwardOptions::default()
        }).unwrap();
        for (p, r) in plain.units.iter().zip(&ruled.units) {
            let gates = evaluate_gates(&rule, r.total, components.get(&r.unit.id));
            let all_met = gates.iter().all(|g| g.met);
            prop_assert_eq!(r.predikat, p.predikat && all_met);
            prop_assert!(!r.predikat || p.predikat);
            let met = r.notes.iter().filter(|n| n.code == AwardReasonCode::GateMet).count();
            let unmet = r.reasons.len() - if r.eligible { 0 } else { p.reasons.len() };
            if r.eligible {
                prop_assert_eq!(met, gates.len());
            } else {
                prop_assert_eq!(met + unmet, gates.len());
            }
        }
    }
}
