//! Worked examples of model `p2ham-weighted/1`, each figure computed by hand in
//! the comment above its assertion.

#![allow(clippy::needless_pass_by_value)]

use p2ham_model::{Assessment, CheckedInstrument, Instrument};
use p2ham_scoring::{score, score_lean, Digests, Exclusion, IndicatorStatus, ReasonCode, ScoreReport};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::json;

/// An instrument with scale `apt` (ada 1 / proses 0.5 / tidak 0) and the given criteria.
fn instrument(
    criteria: serde_json::Value,
    award: serde_json::Value,
    extra: serde_json::Value,
) -> CheckedInstrument {
    let mut doc = json!({
        "format": "p2ham-instrument/1", "id": "contoh", "version": "1.0.0",
        "title": {"id": "Contoh"}, "legal_basis": [], "notes": "test", "unit_kinds": ["kanim", "lapas"],
        "scales": [{"id": "apt", "options": [
            {"code": "ada", "label": {"id": "Ada"}, "value": "1"},
            {"code": "proses", "label": {"id": "Proses"}, "value": "0.5"},
            {"code": "tidak", "label": {"id": "Tidak"}, "value": "0"}]}],
        "criteria": criteria,
        "award": award,
    });
    for (k, v) in extra.as_object().unwrap() {
        doc[k] = v.clone();
    }
    let ins: Instrument = serde_json::from_value(doc).unwrap();
    CheckedInstrument::new(ins).unwrap()
}

fn ind(id: &str, weight: &str) -> serde_json::Value {
    json!({"id": id, "title": {"id": id}, "scale": "apt", "weight": weight})
}

fn assessment(kind: &str, answers: serde_json::Value) -> Assessment {
    serde_json::from_value(json!({
        "format": "p2ham-assessment/1", "instrument": {"id": "contoh", "version": "1.0.0"},
        "unit": {"id": "u", "name": "Unit", "kind": kind}, "period": "2023", "stage": "self",
        "answers": answers,
    }))
    .unwrap()
}

fn run(ins: &CheckedInstrument, a: &Assessment) -> ScoreReport {
    score(ins, a, &Digests::default()).unwrap()
}

fn status(r: &ScoreReport, id: &str) -> IndicatorStatus {
    r.criteria
        .iter()
        .flat_map(|c| &c.indicators)
        .find(|i| i.id == id)
        .unwrap()
        .status
}

#[test]
fn weighted_criteria_and_total() {
    let ins = instrument(
        json!([
            {"id": "A", "title": {"id": "A"}, "weight": "60", "indicators": [ind("A.1", "1"), ind("A.2", "2"), ind("A.3", "1")]},
            {"id": "B", "title": {"id": "B"}, "weight": "40", "indicators": [ind("B.1", "1")]}
        ]),
        json!({"min_total": "75", "min_criterion": null}),
        json!({}),
    );
    let a = assessment(
        "kanim",
        json!([
            {"indicator": "A.1", "value": "ada"}, {"indicator": "A.2", "value": "proses"},
            {"indicator": "A.3", "value": "tidak"}, {"indicator": "B.1", "value": "ada"}
        ]),
    );
    let r = run(&ins, &a);
    // A: (1×1 + 0.5×2 + 0×1) / (1+2+1) = 2/4 → 50.00
    assert_eq!(r.criteria[0].score, Some(dec!(50.00)));
    assert_eq!(r.criteria[0].earned, dec!(2));
    assert_eq!(r.criteria[0].possible, dec!(4));
    // B: 1/1 → 100
    assert_eq!(r.criteria[1].score, Some(dec!(100.00)));
    // Total: (60×50 + 40×100) / 100 = 70.00 < 75 → not eligible, one reason.
    assert_eq!(r.total, Some(dec!(70.00)));
    assert!(!r.award.eligible);
    assert_eq!(r.award.reasons.len(), 1);
    assert_eq!(r.award.reasons[0].code, ReasonCode::TotalBelowPassMark);
    assert_eq!(r.award.reasons[0].actual, Some(dec!(70.00)));
    // Points: A carries 60 of 100; A.2 can carry 60 × 2/4 = 30 points and earns 15.
    let a2 = &r.criteria[0].indicators[1];
    assert_eq!(
        (a2.total_points_possible, a2.total_points_earned),
        (dec!(30.0000), dec!(15.0000))
    );
    assert_eq!(status(&r, "A.2"), IndicatorStatus::Partial);
    assert_eq!(status(&r, "A.3"), IndicatorStatus::Unmet);
    // Gap list, most points first: A.3 (15 to gain), A.2 (15 to gain): tie keeps instrument order.
    let gaps: Vec<_> = r.gaps.iter().map(|g| (g.indicator.as_str(), g.gain)).collect();
    assert_eq!(gaps, [("A.2", dec!(15.00)), ("A.3", dec!(15.00))]);
}

#[test]
fn rounding_once_half_away_from_zero_and_thresholds_on_rounded_figures() {
    // A single criterion whose exact score is 100 × 0.79995 = 79.995.
    let ins = instrument(
        json!([{"id": "A", "title": {"id": "A"}, "weight": "1",
                "indicators": [ind("A.1", "0.79995"), ind("A.2", "0.20005")]}]),
        json!({"min_total": "80", "min_criterion": null}),
        json!({}),
    );
    let a = assessment(
        "kanim",
        json!([{"indicator": "A.1", "value": "ada"}, {"indicator": "A.2", "value": "tidak"}]),
    );
    let r = run(&ins, &a);
    // 79.995 rounds half away from zero to 80.00, and the award compares 80.00 ≥ 80.
    assert_eq!(r.total_exact, Some(dec!(79.995)));
    assert_eq!(r.total, Some(dec!(80.00)));
    assert!(r.award.eligible, "{:?}", r.award.reasons);

    // 79.994999… stays below: weights 0.7999499 / 0.2000501 → 79.99499 → 79.99.
    let ins = instrument(
        json!([{"id": "A", "title": {"id": "A"}, "weight": "1",
                "indicators": [ind("A.1", "0.7999499"), ind("A.2", "0.2000501")]}]),
        json!({"min_total": "80", "min_criterion": null}),
        json!({}),
    );
    let r = run(&ins, &a);
    assert_eq!(r.total, Some(dec!(79.99)));
    assert!(!r.award.eligible);
}

#[test]
fn thirds_are_exact_until_the_end() {
    // Three criteria of weight 1 with scores 100, 100 and 50 (one of two met half):
    // total = 250/3 = 83.333… → 83.33; criteria weights 1/3 each carry 33.33 %.
    let ins = instrument(
        json!([
            {"id": "A", "title": {"id": "A"}, "weight": "1", "indicators": [ind("A.1", "1")]},
            {"id": "B", "title": {"id": "B"}, "weight": "1", "indicators": [ind("B.1", "1")]},
            {"id": "C", "title": {"id": "C"}, "weight": "1", "indicators": [ind("C.1", "1")]}
        ]),
        json!({"min_total": "83.33", "min_criterion": null}),
        json!({}),
    );
    let a = assessment(
        "kanim",
        json!([{"indicator": "A.1", "value": "ada"}, {"indicator": "B.1", "value": "ada"}, {"indicator": "C.1", "value": "proses"}]),
    );
    let r = run(&ins, &a);
    assert_eq!(r.total, Some(dec!(83.33)));
    assert_eq!(r.total_exact, Some(dec!(83.33333333333333333333)));
    assert_eq!(r.criteria[0].share, dec!(33.33));
    assert!(r.award.eligible);
}

#[test]
fn not_applicable_and_unit_kind_leave_the_denominator() {
    let ins = instrument(
        json!([{"id": "A", "title": {"id": "A"}, "weight": "1", "indicators": [
            ind("A.1", "1"), ind("A.2", "3"),
            {"id": "A.3", "title": {"id": "WBP"}, "scale": "apt", "weight": "5", "applies_to": ["lapas"]}
        ]}]),
        json!({"min_total": "80", "min_criterion": null}),
        json!({}),
    );
    let a = assessment(
        "kanim",
        json!([{"indicator": "A.1", "value": "ada"}, {"indicator": "A.2", "not_applicable": "Gedung sewaan"}]),
    );
    let r = run(&ins, &a);
    // Only A.1 is included: 1/1 → 100.
    assert_eq!(r.total, Some(dec!(100.00)));
    let a2 = &r.criteria[0].indicators[1];
    assert_eq!(
        (a2.status, a2.excluded),
        (IndicatorStatus::Excluded, Some(Exclusion::NotApplicable))
    );
    assert_eq!(a2.justification.as_deref(), Some("Gedung sewaan"));
    let a3 = &r.criteria[0].indicators[2];
    assert_eq!(
        (a3.status, a3.excluded),
        (IndicatorStatus::Excluded, Some(Exclusion::UnitKind))
    );
    assert_eq!(r.counts.excluded, 2);
}

#[test]
fn missing_answers_earn_nothing() {
    let ins = instrument(
        json!([{"id": "A", "title": {"id": "A"}, "weight": "1", "indicators": [ind("A.1", "1"), ind("A.2", "1"), ind("A.3", "2")]}]),
        json!({"min_total": "80", "min_criterion": null}),
        json!({}),
    );
    let a = assessment(
        "kanim",
        json!([{"indicator": "A.1", "value": "ada"}, {"indicator": "A.2", "value": "ada"}]),
    );
    let r = run(&ins, &a);
    // (1 + 1 + 0) / 4 = 50.00; A.3 missing, gain = 100 × 2/4 = 50 points.
    assert_eq!(r.total, Some(dec!(50.00)));
    assert_eq!(status(&r, "A.3"), IndicatorStatus::Missing);
    assert_eq!(r.counts.missing, 1);
    assert_eq!(r.gaps[0].indicator, "A.3");
    assert_eq!(r.gaps[0].gain, dec!(50.00));
}

#[test]
fn unsupported_claims_zero_by_default_count_on_request() {
    let criteria = json!([{"id": "A", "title": {"id": "A"}, "weight": "1", "indicators": [
        {"id": "A.1", "title": {"id": "Ramp"}, "scale": "apt", "weight": "1", "evidence": "required"},
        {"id": "A.2", "title": {"id": "Toilet"}, "scale": "apt", "weight": "1", "evidence": "required"},
        {"id": "A.3", "title": {"id": "Info"}, "scale": "apt", "weight": "2", "evidence": "required"}
    ]}]);
    let a = assessment(
        "kanim",
        json!([
            {"indicator": "A.1", "value": "ada", "evidence": [{"path": "foto/ramp.jpg"}]},
            {"indicator": "A.2", "value": "ada"},
            {"indicator": "A.3", "value": "tidak"}
        ]),
    );
    let award = json!({"min_total": "50", "min_criterion": null});
    let r = run(&instrument(criteria.clone(), award.clone(), json!({})), &a);
    // A.2 claims "ada" with no evidence: earns 0 → (1 + 0 + 0) / 4 = 25.00.
    // A.3 "tidak" without evidence is not a claim: plain unmet.
    assert_eq!(r.total, Some(dec!(25.00)));
    assert_eq!(status(&r, "A.2"), IndicatorStatus::Unsupported);
    assert_eq!(status(&r, "A.3"), IndicatorStatus::Unmet);
    assert_eq!(r.counts.unsupported, 1);
    let r = run(
        &instrument(criteria, award, json!({"unsupported_claims": "count"})),
        &a,
    );
    // With "count": (1 + 1 + 0) / 4 = 50.00, still reported unsupported.
    assert_eq!(r.total, Some(dec!(50.00)));
    assert_eq!(status(&r, "A.2"), IndicatorStatus::Unsupported);
    assert!(r.award.eligible);
}

#[test]
fn no_data_is_never_a_pass() {
    let ins = instrument(
        json!([
            {"id": "A", "title": {"id": "A"}, "weight": "1", "indicators": [ind("A.1", "1")]},
            {"id": "B", "title": {"id": "B"}, "weight": "3", "indicators": [ind("B.1", "1")]}
        ]),
        json!({"min_total": "0", "min_criterion": null}),
        json!({}),
    );
    // One criterion without data leaves the denominator: total = A's score.
    let a = assessment(
        "kanim",
        json!([{"indicator": "A.1", "value": "proses"}, {"indicator": "B.1", "not_applicable": "x"}]),
    );
    let r = run(&ins, &a);
    assert_eq!(r.criteria[1].score, None);
    assert_eq!(r.criteria[1].share, dec!(0.00));
    assert_eq!(r.total, Some(dec!(50.00)));
    // No criterion with data: total is no data and the unit is not eligible, even with pass mark 0.
    let a = assessment(
        "kanim",
        json!([{"indicator": "A.1", "not_applicable": "x"}, {"indicator": "B.1", "not_applicable": "y"}]),
    );
    let r = run(&ins, &a);
    assert_eq!(r.total, None);
    assert!(!r.award.eligible);
    assert_eq!(r.award.reasons[0].code, ReasonCode::NoData);
    assert_eq!(
        serde_json::to_value(&r).unwrap()["total"],
        serde_json::Value::Null
    );
}

#[test]
fn every_reason_is_listed() {
    let ins = instrument(
        json!([
            {"id": "A", "title": {"id": "A"}, "weight": "1", "indicators": [
                {"id": "A.1", "title": {"id": "Maklumat"}, "scale": "apt", "weight": "1", "mandatory": true},
                {"id": "A.2", "title": {"id": "Pengaduan"}, "scale": "apt", "weight": "1", "mandatory": true},
                {"id": "A.3", "title": {"id": "Laktasi"}, "scale": "apt", "weight": "1", "mandatory": true}
            ]},
            {"id": "B", "title": {"id": "B"}, "weight": "1", "indicators": [ind("B.1", "1")]}
        ]),
        json!({"min_total": "80", "min_criterion": "60"}),
        json!({}),
    );
    let a = assessment(
        "kanim",
        json!([{"indicator": "A.1", "value": "proses"}, {"indicator": "A.3", "value": "ada"}, {"indicator": "B.1", "value": "ada"}]),
    );
    let r = run(&ins, &a);
    // A: (0.5 + 0 + 1)/3 = 50.00 < 60; total (50 + 100)/2 = 75.00 < 80;
    // mandatory A.1 has value 0.5, A.2 is missing.
    assert_eq!(r.total, Some(dec!(75.00)));
    let codes: Vec<_> = r
        .award
        .reasons
        .iter()
        .map(|x| (x.code, x.criterion.clone(), x.indicator.clone()))
        .collect();
    assert_eq!(
        codes,
        [
            (ReasonCode::TotalBelowPassMark, None, None),
            (ReasonCode::CriterionBelowMinimum, Some("A".into()), None),
            (ReasonCode::MandatoryNotMet, Some("A".into()), Some("A.1".into())),
            (ReasonCode::MandatoryNotMet, Some("A".into()), Some("A.2".into())),
        ]
    );
    assert!(r.award.reasons[3]
        .message
        .en
        .as_deref()
        .unwrap()
        .contains("not answered"));
    assert!(r.gaps.iter().any(|g| g.indicator == "A.1" && g.mandatory));
}

#[test]
fn invalid_assessment_is_an_error_with_every_problem() {
    let ins = instrument(
        json!([{"id": "A", "title": {"id": "A"}, "weight": "1", "indicators": [ind("A.1", "1")]}]),
        json!({"min_total": "80", "min_criterion": null}),
        json!({}),
    );
    let a = assessment(
        "rudenim",
        json!([{"indicator": "A.9", "value": "ada"}, {"indicator": "A.1", "value": "mungkin"}]),
    );
    let err = score(&ins, &a, &Digests::default()).unwrap_err();
    let p2ham_scoring::ScoringError::Model(m) = err else {
        panic!("expected a model error")
    };
    let paths: Vec<_> = m.problems().iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["unit.kind", "answers[0].indicator", "answers[1].value"]);
}

#[test]
fn groups_and_principles_breakdown() {
    let ins = instrument(
        json!([{"id": "A", "title": {"id": "A"}, "weight": "1", "indicators": [
            {"id": "A.1", "title": {"id": "Ramp"}, "scale": "apt", "weight": "1",
             "groups": ["penyandang_disabilitas", "lanjut_usia"], "principles": ["fasilitas_kelompok_rentan"]},
            {"id": "A.2", "title": {"id": "Laktasi"}, "scale": "apt", "weight": "1",
             "groups": ["wanita_hamil_menyusui"], "principles": ["fasilitas_kelompok_rentan"]},
            {"id": "A.3", "title": {"id": "Toilet"}, "scale": "apt", "weight": "2",
             "groups": ["penyandang_disabilitas"], "principles": ["kesamaan_hak"]}
        ]}]),
        json!({"min_total": "80", "min_criterion": null}),
        json!({}),
    );
    let a = assessment(
        "kanim",
        json!([{"indicator": "A.1", "value": "ada"}, {"indicator": "A.2", "value": "proses"}, {"indicator": "A.3", "value": "ada"}]),
    );
    let r = run(&ins, &a);
    let g = |id: &str| {
        r.groups
            .iter()
            .find(|g| serde_json::to_value(g.id).unwrap() == id)
            .unwrap()
    };
    // Disabilities: A.1 (25 points) + A.3 (50 points), both met → 100, all met.
    assert_eq!(g("penyandang_disabilitas").score, Some(dec!(100.00)));
    assert!(g("penyandang_disabilitas").all_met);
    // Pregnant and breastfeeding women: A.2 half met → 50, not all met.
    assert_eq!(g("wanita_hamil_menyusui").score, Some(dec!(50.00)));
    assert_eq!(g("wanita_hamil_menyusui").not_met, ["A.2"]);
    // Children: no indicator → no data, not "all met".
    assert_eq!(g("anak").score, None);
    assert!(!g("anak").all_met);
    // Principle j: A.1 + A.2 = (25 + 12.5) / 50 = 75.00.
    let p = r
        .principles
        .iter()
        .find(|p| p.label.id.starts_with("Fasilitas"))
        .unwrap();
    assert_eq!(p.score, Some(dec!(75.00)));
    assert_eq!(p.points_possible, dec!(50.00));
}

#[test]
fn exact_decimal_input_is_kept() {
    // A weight with 19 significant decimals survives parsing (no f64 on the way).
    let ins = instrument(
        json!([{"id": "A", "title": {"id": "A"}, "weight": "1",
                "indicators": [ind("A.1", "0.3333333333333333333"), ind("A.2", "0.6666666666666666667")]}]),
        json!({"min_total": "0", "min_criterion": null}),
        json!({}),
    );
    assert_eq!(
        ins.instrument().criteria[0].indicators[0].weight,
        "0.3333333333333333333".parse::<Decimal>().unwrap()
    );
    let a = assessment(
        "kanim",
        json!([{"indicator": "A.1", "value": "ada"}, {"indicator": "A.2", "value": "tidak"}]),
    );
    assert_eq!(run(&ins, &a).total_exact, Some(dec!(33.33333333333333333)));
}

#[test]
fn a_zero_weight_criterion_carries_no_share_of_the_total() {
    let ins = instrument(
        json!([
            {"id": "A", "title": {"id": "A"}, "weight": "1", "indicators": [ind("A.1", "1")]},
            {"id": "B", "title": {"id": "B"}, "weight": "0", "indicators": [ind("B.1", "1")]}
        ]),
        json!({"min_total": "0", "min_criterion": null}),
        json!({}),
    );
    // Both criteria have data: B is scored (0.00) but weighs nothing, so the total is A's 100.
    let a = assessment(
        "kanim",
        json!([{"indicator": "A.1", "value": "ada"}, {"indicator": "B.1", "value": "tidak"}]),
    );
    let r = run(&ins, &a);
    assert_eq!(
        (r.total, r.criteria[1].score, r.criteria[1].share),
        (Some(dec!(100.00)), Some(dec!(0.00)), dec!(0.00))
    );
    // Only B has data: B is still scored, but no weighted criterion has data → no total, not eligible.
    let a = assessment(
        "kanim",
        json!([{"indicator": "A.1", "not_applicable": "x"}, {"indicator": "B.1", "value": "tidak"}]),
    );
    let r = run(&ins, &a);
    assert_eq!((r.total, r.criteria[1].score), (None, Some(dec!(0.00))));
    assert!(!r.award.eligible);
    assert_eq!(r.award.reasons[0].code, ReasonCode::NoData);
    assert!(r.award.reasons[0]
        .message
        .en
        .as_deref()
        .unwrap()
        .contains("positive weight"));
}

#[test]
fn realistic_weights_with_many_decimals_never_overflow() {
    // Five criteria of eight indicators, weights with six decimals and an option
    // value of 0.3333: the exact common denominators run far beyond 128 bits.
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let criteria: Vec<_> = (0..5)
        .map(|c| {
            let indicators: Vec<_> = (0..8)
                .map(|i| ind(&format!("C{c}.{i}"), &format!("{}.{:06}", next() % 5, next() % 1_000_000)))
                .collect();
            json!({"id": format!("C{c}"), "title": {"id": "c"}, "weight": format!("{}.{:06}", 1 + next() % 30, next() % 1_000_000), "indicators": indicators})
        })
        .collect();
    let mut doc: serde_json::Value = json!({
        "format": "p2ham-instrument/1", "id": "contoh", "version": "1.0.0",
        "title": {"id": "Contoh"}, "unit_kinds": ["kanim"],
        "scales": [{"id": "apt", "options": [
            {"code": "ada", "label": {"id": "Ada"}, "value": "1"},
            {"code": "proses", "label": {"id": "Proses"}, "value": "0.3333"},
            {"code": "tidak", "label": {"id": "Tidak"}, "value": "0"}]}],
        "criteria": criteria,
        "award": {"min_total": "80", "min_criterion": null},
    });
    // Every criterion needs a positive weight somewhere.
    for c in doc["criteria"].as_array_mut().unwrap() {
        c["indicators"][0]["weight"] = json!("1.000001");
    }
    let ins = CheckedInstrument::new(serde_json::from_value(doc).unwrap()).unwrap();
    for round in 0..20 {
        let answers: Vec<_> = ins
            .instrument()
            .indicators()
            .map(|(_, i)| {
                let code = ["ada", "proses", "tidak"][usize::try_from((next() + round) % 3).unwrap()];
                json!({"indicator": i.id, "value": code})
            })
            .collect();
        let r = run(&ins, &assessment("kanim", json!(answers)));
        let t = r.total.unwrap();
        assert!(t >= Decimal::ZERO && t <= Decimal::ONE_HUNDRED);
    }
}

#[test]
fn mandatory_unsupported_claims_follow_the_instrument_rule() {
    let criteria = json!([{"id": "A", "title": {"id": "A"}, "weight": "1", "indicators": [
        {"id": "A.1", "title": {"id": "Maklumat"}, "scale": "apt", "weight": "1", "evidence": "required", "mandatory": true}
    ]}]);
    let a = assessment("kanim", json!([{"indicator": "A.1", "value": "ada"}]));
    let award = json!({"min_total": "0", "min_criterion": null});
    // Default (zero): the claim earns nothing and the mandatory indicator is not met.
    let r = run(&instrument(criteria.clone(), award.clone(), json!({})), &a);
    assert_eq!(r.total, Some(dec!(0.00)));
    assert_eq!(r.award.reasons[0].code, ReasonCode::MandatoryNotMet);
    assert_eq!(r.award.reasons[0].actual, Some(dec!(0)));
    // With "count" the claim counts its value 1: the mandatory indicator is met.
    let r = run(
        &instrument(criteria, award, json!({"unsupported_claims": "count"})),
        &a,
    );
    assert_eq!(r.total, Some(dec!(100.00)));
    assert!(r.award.eligible, "{:?}", r.award.reasons);
    assert_eq!(status(&r, "A.1"), IndicatorStatus::Unsupported);
}

/// Amended rule (see docs/scoring.md, change of 2026-12-02): a mandatory
/// indicator that applies to the unit but is answered "not applicable" leaves
/// the figures, as every not-applicable answer does, yet is not met for the
/// award. One left out by the instrument's `applies_to` is no failure.
#[test]
fn a_mandatory_indicator_answered_not_applicable_is_not_met() {
    let ins = instrument(
        json!([
            {"id": "A", "title": {"id": "A"}, "weight": "1", "indicators": [
                {"id": "A.1", "title": {"id": "Maklumat"}, "scale": "apt", "weight": "1", "mandatory": true},
                {"id": "A.2", "title": {"id": "Pengaduan"}, "scale": "apt", "weight": "1", "mandatory": true},
                {"id": "A.3", "title": {"id": "WBP"}, "scale": "apt", "weight": "1", "mandatory": true,
                 "applies_to": ["lapas"]},
                ind("A.4", "1")
            ]},
        ]),
        json!({"min_total": "80", "min_criterion": null}),
        json!({}),
    );
    // The recipe: a one-character reason on the mandatory indicators.
    let a = assessment(
        "kanim",
        json!([
            {"indicator": "A.1", "not_applicable": "x"},
            {"indicator": "A.2", "not_applicable": "x"},
            {"indicator": "A.4", "value": "ada"}
        ]),
    );
    let r = run(&ins, &a);
    // Figures unchanged: only A.4 is included, 1/1 → 100.00.
    assert_eq!(r.total, Some(dec!(100.00)));
    assert_eq!(r.counts.excluded, 3);
    // The award: not eligible, one reason per mandatory indicator answered not applicable.
    assert!(!r.award.eligible);
    let codes: Vec<_> = r
        .award
        .reasons
        .iter()
        .map(|x| (x.code, x.indicator.clone(), x.actual, x.required))
        .collect();
    assert_eq!(
        codes,
        [
            (
                ReasonCode::MandatoryNotApplicable,
                Some("A.1".into()),
                None,
                Some(dec!(1))
            ),
            (
                ReasonCode::MandatoryNotApplicable,
                Some("A.2".into()),
                None,
                Some(dec!(1))
            ),
        ]
    );
    assert!(r.award.reasons[0]
        .message
        .en
        .as_deref()
        .unwrap()
        .contains("answered not applicable"));
    // Answered as met instead, the unit is eligible with the same total.
    let met = assessment(
        "kanim",
        json!([
            {"indicator": "A.1", "value": "ada"},
            {"indicator": "A.2", "value": "ada"},
            {"indicator": "A.4", "value": "ada"}
        ]),
    );
    let r = run(&ins, &met);
    assert_eq!(r.total, Some(dec!(100.00)));
    assert!(r.award.eligible, "{:?}", r.award.reasons);
}

/// Thirty criteria of eight indicators with three-decimal weights, each
/// criterion's included weights summing to a different prime number of
/// thousandths (1.009, 1.013, …): the exact total's denominator is a 305-bit
/// number, beyond 256-bit fractions (once "arithmetic overflow while computing
/// total"). The total is exact all the same. Expected figures worked out with
/// exact fractions: criterion c scores 100 × (0.4375 + w_c) / (0.875 + w_c),
/// w_c = (q_c − 875)/1000 for the c-th prime q_c above 1000; the total is their
/// mean, 60.128908622810612658368… → 60.13.
#[test]
fn many_criteria_with_coprime_weight_sums_never_overflow() {
    let lasts = [
        134, 138, 144, 146, 156, 158, 164, 174, 176, 186, 188, 194, 212, 216, 218, 222, 228, 234, 242, 248,
        254, 276, 278, 288, 296, 306, 312, 318, 326, 338,
    ];
    let criteria: Vec<_> = lasts
        .iter()
        .enumerate()
        .map(|(c, last)| {
            let mut indicators: Vec<_> = (0..7).map(|i| ind(&format!("C{c}.{i}"), "0.125")).collect();
            indicators.push(ind(&format!("C{c}.7"), &format!("0.{last:03}")));
            json!({"id": format!("C{c}"), "title": {"id": "c"}, "weight": "1", "indicators": indicators})
        })
        .collect();
    let ins = instrument(
        json!(criteria),
        json!({"min_total": "60", "min_criterion": null}),
        json!({}),
    );
    let answers: Vec<_> = (0..lasts.len())
        .flat_map(|c| {
            (0..8).map(move |i| json!({"indicator": format!("C{c}.{i}"), "value": if i < 7 { "proses" } else { "ada" }}))
        })
        .collect();
    let r = run(&ins, &assessment("kanim", json!(answers)));
    assert_eq!(r.total, Some(dec!(60.13)));
    assert_eq!(r.total_exact, Some(dec!(60.12890862281061265837)));
    assert!(r.award.eligible);
    // The roll-up's lean path agrees.
    let lean = score_lean(&ins, &assessment("kanim", json!(answers))).unwrap();
    assert_eq!(lean.total, Some(dec!(60.13)));
    assert!(lean.eligible);
}
