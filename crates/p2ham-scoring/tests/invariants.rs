//! Invariants of the scoring engine over random instruments and assessments.

#![allow(clippy::type_complexity)]

use p2ham_model::{Answer, Assessment, CheckedInstrument, EvidenceRef, Instrument};
use p2ham_scoring::{score, Digests, ScoreReport};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::json;

/// Option codes in increasing value.
const CODES: [&str; 4] = ["tidak", "sedikit", "proses", "ada"];

#[derive(Debug, Clone)]
enum Ans {
    Missing,
    NotApplicable,
    /// Index into CODES, with or without evidence.
    Value(usize, bool),
}

#[derive(Debug, Clone)]
struct Case {
    /// Criteria: (weight, indicators: (weight in hundredths, evidence required, mandatory, kanim-only)).
    criteria: Vec<(u32, Vec<(u32, bool, bool, bool)>)>,
    answers: Vec<Ans>,
    min_total: u32,
    min_criterion: Option<u32>,
}

fn case() -> impl Strategy<Value = Case> {
    let indicator = (
        0u32..500,
        any::<bool>(),
        prop::bool::weighted(0.1),
        prop::bool::weighted(0.2),
    );
    let criterion = (0u32..100, prop::collection::vec(indicator, 1..6));
    (
        prop::collection::vec(criterion, 1..5),
        0u32..=100,
        prop::option::of(0u32..=100),
    )
        .prop_flat_map(|(mut criteria, min_total, min_criterion)| {
            // Validation requires a positive weight somewhere in each criterion and overall.
            for c in &mut criteria {
                if c.1.iter().all(|i| i.0 == 0) {
                    c.1[0].0 = 1;
                }
            }
            if criteria.iter().all(|c| c.0 == 0) {
                criteria[0].0 = 1;
            }
            let n: usize = criteria.iter().map(|c| c.1.len()).sum();
            let ans = prop_oneof![
                1 => Just(Ans::Missing),
                1 => Just(Ans::NotApplicable),
                6 => (0usize..4, any::<bool>()).prop_map(|(v, e)| Ans::Value(v, e)),
            ];
            prop::collection::vec(ans, n).prop_map(move |answers| Case {
                criteria: criteria.clone(),
                answers,
                min_total,
                min_criterion,
            })
        })
}

fn build(case: &Case, weight_factor: u32) -> (CheckedInstrument, Assessment) {
    let mut n = 0;
    let criteria: Vec<_> = case
        .criteria
        .iter()
        .enumerate()
        .map(|(ci, (w, inds))| {
            let indicators: Vec<_> = inds
                .iter()
                .map(|(iw, ev, mandatory, kanim_only)| {
                    n += 1;
                    json!({
                        "id": format!("I{n}"), "title": {"id": "x"}, "scale": "s",
                        "weight": (Decimal::new(i64::from(*iw), 2) * Decimal::from(weight_factor)).to_string(),
                        "evidence": if *ev { "required" } else { "optional" },
                        "mandatory": mandatory,
                        "applies_to": if *kanim_only { json!(["kanim"]) } else { json!([]) },
                    })
                })
                .collect();
            json!({"id": format!("C{ci}"), "title": {"id": "c"}, "weight": (w * weight_factor).to_string(), "indicators": indicators})
        })
        .collect();
    let instrument: Instrument = serde_json::from_value(json!({
        "format": "p2ham-instrument/1", "id": "p", "version": "1", "title": {"id": "p"},
        "unit_kinds": ["kanim", "lapas"],
        "scales": [{"id": "s", "options": [
            {"code": "tidak", "label": {"id": "Tidak"}, "value": "0"},
            {"code": "sedikit", "label": {"id": "Sedikit"}, "value": "0.25"},
            {"code": "proses", "label": {"id": "Proses"}, "value": "0.5"},
            {"code": "ada", "label": {"id": "Ada"}, "value": "1"}]}],
        "criteria": criteria,
        "award": {"min_total": case.min_total.to_string(), "min_criterion": case.min_criterion.map(|m| m.to_string())},
    }))
    .unwrap();
    let checked = CheckedInstrument::new(instrument).unwrap();
    let mut answers = Vec::new();
    for (i, a) in case.answers.iter().enumerate() {
        let indicator = format!("I{}", i + 1);
        let applies = checked
            .instrument()
            .indicators()
            .find(|(_, ind)| ind.id == indicator)
            .is_some_and(|(_, ind)| ind.applies_to_kind("lapas"));
        if !applies {
            continue;
        }
        let blank = Answer {
            indicator,
            value: None,
            not_applicable: None,
            evidence: vec![],
            note: None,
        };
        match a {
            Ans::Missing => {}
            Ans::NotApplicable => answers.push(Answer {
                not_applicable: Some("n/a".into()),
                ..blank
            }),
            Ans::Value(v, ev) => answers.push(Answer {
                value: Some(CODES[*v].into()),
                evidence: if *ev {
                    vec![EvidenceRef {
                        path: "f.jpg".into(),
                        sha256: None,
                        caption: None,
                    }]
                } else {
                    vec![]
                },
                ..blank
            }),
        }
    }
    let assessment: Assessment = serde_json::from_value(json!({
        "format": "p2ham-assessment/1", "instrument": {"id": "p", "version": "1"},
        "unit": {"id": "u", "name": "U", "kind": "lapas"}, "period": "2023", "stage": "self", "answers": []
    }))
    .unwrap();
    (
        checked,
        Assessment {
            answers,
            ..assessment
        },
    )
}

fn run(ins: &CheckedInstrument, a: &Assessment) -> ScoreReport {
    score(ins, a, &Digests::default()).expect("valid inputs score")
}

fn scores(r: &ScoreReport) -> Vec<Option<Decimal>> {
    r.criteria.iter().map(|c| c.score_exact).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn scores_stay_within_0_and_100(case in case()) {
        let (ins, a) = build(&case, 1);
        let r = run(&ins, &a);
        for s in r.criteria.iter().filter_map(|c| c.score).chain(r.total) {
            prop_assert!(s >= Decimal::ZERO && s <= Decimal::ONE_HUNDRED, "{s}");
        }
        for b in r.groups.iter().filter_map(|g| g.score).chain(r.principles.iter().filter_map(|p| p.score)) {
            prop_assert!(b >= Decimal::ZERO && b <= Decimal::ONE_HUNDRED);
        }
        for g in &r.gaps {
            prop_assert!(g.gain >= Decimal::ZERO);
        }
    }

    #[test]
    fn answer_order_is_irrelevant(case in case(), seed in any::<u64>()) {
        let (ins, a) = build(&case, 1);
        let mut shuffled = a.clone();
        let len = shuffled.answers.len();
        // A deterministic permutation from the seed.
        for i in (1..len).rev() {
            let j = usize::try_from(seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(i as u64) % (i as u64 + 1)).unwrap();
            shuffled.answers.swap(i, j);
        }
        prop_assert_eq!(run(&ins, &a), run(&ins, &shuffled));
    }

    #[test]
    fn raising_one_answer_never_lowers_a_score(case in case(), pick in any::<prop::sample::Index>()) {
        let (ins, a) = build(&case, 1);
        if a.answers.is_empty() { return Ok(()); }
        let i = pick.index(a.answers.len());
        let Some(code) = a.answers[i].value.clone() else { return Ok(()) };
        let pos = CODES.iter().position(|c| *c == code).unwrap();
        if pos + 1 == CODES.len() { return Ok(()); }
        let mut raised = a.clone();
        raised.answers[i].value = Some(CODES[pos + 1].into());
        // Evidence is kept: a claim that was unsupported stays unsupported (earning 0 either way).
        let (before, after) = (run(&ins, &a), run(&ins, &raised));
        prop_assert!(after.total_exact >= before.total_exact);
        for (b, x) in scores(&before).into_iter().zip(scores(&after)) {
            prop_assert!(x >= b);
        }
    }

    #[test]
    fn not_applicable_never_changes_other_criteria(case in case(), pick in any::<prop::sample::Index>()) {
        let (ins, a) = build(&case, 1);
        if a.answers.is_empty() { return Ok(()); }
        let i = pick.index(a.answers.len());
        let mut na = a.clone();
        na.answers[i].value = None;
        na.answers[i].evidence.clear();
        na.answers[i].not_applicable = Some("tidak berlaku".into());
        let criterion = ins.position(&a.answers[i].indicator).unwrap().criterion;
        let (before, after) = (run(&ins, &a), run(&ins, &na));
        for (ci, (b, x)) in scores(&before).into_iter().zip(scores(&after)).enumerate() {
            if ci != criterion {
                prop_assert_eq!(b, x);
            }
        }
    }

    #[test]
    fn scaling_all_weights_changes_nothing(case in case(), factor in 2u32..50) {
        let (ins, a) = build(&case, 1);
        let (scaled, a2) = build(&case, factor);
        let (r1, r2) = (run(&ins, &a), run(&scaled, &a2));
        prop_assert_eq!(r1.total_exact, r2.total_exact);
        prop_assert_eq!(scores(&r1), scores(&r2));
        prop_assert_eq!(r1.award.eligible, r2.award.eligible);
    }

    #[test]
    fn no_data_is_never_eligible(case in case()) {
        let (ins, a) = build(&case, 1);
        let r = run(&ins, &a);
        if r.total.is_none() {
            prop_assert!(!r.award.eligible);
            // Only criteria of weight 0 may have data then: they carry no share of the total.
            prop_assert!(r.criteria.iter().all(|c| c.score.is_none() || c.weight.is_zero()));
        }
        // And an assessment answering everything N/A has no data.
        let mut all_na = a.clone();
        for ans in &mut all_na.answers {
            ans.value = None;
            ans.evidence.clear();
            ans.not_applicable = Some("x".into());
        }
        let applicable: Vec<String> = ins.instrument().indicators()
            .filter(|(_, i)| i.applies_to_kind("lapas")).map(|(_, i)| i.id.clone()).collect();
        all_na.answers.retain(|x| applicable.contains(&x.indicator));
        for id in &applicable {
            if !all_na.answers.iter().any(|x| &x.indicator == id) {
                all_na.answers.push(Answer { indicator: id.clone(), value: None, not_applicable: Some("x".into()), evidence: vec![], note: None });
            }
        }
        let r = run(&ins, &all_na);
        prop_assert_eq!(r.total, None);
        prop_assert!(!r.award.eligible);
    }

    #[test]
    fn points_add_up_to_the_total(case in case()) {
        let (ins, a) = build(&case, 1);
        let r = run(&ins, &a);
        if let Some(total) = r.total {
            // Each indicator's points are rounded to 4 decimals: the sum is within n × 0.00005.
            let sum: Decimal = r.criteria.iter().flat_map(|c| &c.indicators).map(|i| i.total_points_earned).sum();
            let n = Decimal::from(r.criteria.iter().map(|c| c.indicators.len()).sum::<usize>());
            prop_assert!((sum - total).abs() <= Decimal::new(5, 3) + n * Decimal::new(5, 5), "{sum} vs {total}");
        }
    }
}
