//! Worked examples of every validation rule, and proptest invariants.

use std::str::FromStr;

use proptest::prelude::*;

use super::*;
use crate::{
    Answer, AssessmentFormat, Assessor, AwardRule, Criterion, EvidenceRef, EvidenceRequirement, Indicator,
    InstrumentFormat, InstrumentRef, Scale, ScaleOption, Text, Unit, UnsupportedClaims,
};

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn indicator(id: &str, scale: &str, weight: &str) -> Indicator {
    Indicator {
        id: id.into(),
        title: Text::id(format!("Indikator {id}")),
        scale: scale.into(),
        weight: dec(weight),
        applies_to: vec![],
        principles: vec![],
        groups: vec![],
        evidence: EvidenceRequirement::Optional,
        mandatory: false,
    }
}

fn option(code: &str, value: &str) -> ScaleOption {
    ScaleOption {
        code: code.into(),
        label: Text::id(code),
        value: dec(value),
    }
}

/// A small valid instrument: kinds kanim and lapas; A.02 applies to lapas only.
fn instrument() -> Instrument {
    let mut a2 = indicator("A.02", "ada-tidak", "2");
    a2.applies_to = vec!["lapas".into()];
    Instrument {
        format: InstrumentFormat::V1,
        id: "demo".into(),
        version: "1.0.0".into(),
        title: Text::bilingual("Contoh", "Example"),
        legal_basis: vec![],
        notes: String::new(),
        unit_kinds: vec!["kanim".into(), "lapas".into()],
        scales: vec![
            Scale {
                id: "ada-tidak".into(),
                options: vec![option("ada", "1"), option("tidak", "0")],
            },
            Scale {
                id: "patuh".into(),
                options: vec![
                    option("patuh", "1"),
                    option("cukup", "0.5"),
                    option("kurang", "0"),
                ],
            },
        ],
        criteria: vec![
            Criterion {
                id: "A".into(),
                title: Text::id("Fasilitas"),
                weight: dec("60"),
                indicators: vec![indicator("A.01", "ada-tidak", "1"), a2],
            },
            Criterion {
                id: "B".into(),
                title: Text::id("Kepatuhan"),
                weight: dec("40"),
                indicators: vec![indicator("B.01", "patuh", "1")],
            },
        ],
        award: AwardRule {
            min_total: dec("80"),
            min_criterion: Some(dec("60")),
        },
        unsupported_claims: UnsupportedClaims::Zero,
    }
}

fn answer(indicator: &str, value: &str) -> Answer {
    Answer {
        indicator: indicator.into(),
        value: Some(value.into()),
        not_applicable: None,
        evidence: vec![],
        note: None,
    }
}

fn assessment() -> Assessment {
    Assessment {
        format: AssessmentFormat::V1,
        instrument: InstrumentRef {
            id: "demo".into(),
            version: "1.0.0".into(),
        },
        unit: Unit {
            id: "kanim-x".into(),
            name: "Kanim X".into(),
            kind: "kanim".into(),
            office: None,
        },
        period: "2023".into(),
        stage: Stage::SelfAssessment,
        verifies: None,
        assessed_on: Some("2023-03-14".into()),
        assessors: vec![Assessor {
            name: "Operator".into(),
            role: "operator".into(),
        }],
        answers: vec![answer("A.01", "ada"), answer("B.01", "cukup")],
    }
}

fn checked() -> CheckedInstrument {
    CheckedInstrument::new(instrument()).unwrap()
}

/// The (code, path) pairs of an instrument's problems.
fn ins_problems(ins: &Instrument) -> Vec<(Code, String)> {
    validate_instrument(ins)
        .into_iter()
        .map(|p| {
            assert!(!p.message.is_empty());
            (p.code, p.path)
        })
        .collect()
}

fn one(code: Code, path: &str) -> Vec<(Code, String)> {
    vec![(code, path.to_owned())]
}

fn asm_problems(a: &Assessment) -> Vec<(Code, String)> {
    checked().check(a).into_iter().map(|p| (p.code, p.path)).collect()
}

// ---- instruments ----------------------------------------------------------

#[test]
fn the_example_instrument_is_valid() {
    assert_eq!(ins_problems(&instrument()), vec![]);
    let ci = checked();
    let pos = ci.position("B.01").unwrap();
    assert_eq!(
        pos,
        IndicatorPos {
            criterion: 1,
            indicator: 0,
            scale: 1
        }
    );
    assert_eq!(ci.position("Z.99"), None);
}

#[test]
fn empty_texts() {
    let mut ins = instrument();
    ins.id = " ".into();
    ins.title.id = String::new();
    ins.criteria[1].indicators[0].title.id = String::new();
    assert_eq!(
        ins_problems(&ins),
        vec![
            (Code::EmptyText, "id".into()),
            (Code::EmptyText, "title.id".into()),
            (Code::EmptyText, "criteria[1].indicators[0].title.id".into()),
        ]
    );
}

#[test]
fn duplicate_ids_of_every_kind() {
    let mut ins = instrument();
    ins.unit_kinds.push("kanim".into());
    ins.scales[1].options[1].code = "patuh".into();
    ins.scales[1].id = "ada-tidak".into();
    ins.criteria[1].id = "A".into();
    ins.criteria[1].indicators[0].id = "A.01".into();
    ins.criteria[1].indicators[0].scale = "ada-tidak".into();
    ins.criteria[0].indicators[1].applies_to = vec!["lapas".into(), "lapas".into()];
    assert_eq!(
        ins_problems(&ins),
        vec![
            (Code::DuplicateId, "unit_kinds[2]".into()),
            (Code::DuplicateId, "scales[1].id".into()),
            (Code::DuplicateId, "scales[1].options[1].code".into()),
            (
                Code::DuplicateId,
                "criteria[0].indicators[1].applies_to[1]".into()
            ),
            (Code::DuplicateId, "criteria[1].id".into()),
            (Code::DuplicateId, "criteria[1].indicators[0].id".into()),
        ]
    );
    let msg = &validate_instrument(&ins)[0].message;
    assert!(msg.contains("unit_kinds[0]"), "names the first use: {msg}");
}

#[test]
fn unknown_scale() {
    let mut ins = instrument();
    ins.criteria[0].indicators[0].scale = "ya-tidak".into();
    assert_eq!(
        ins_problems(&ins),
        one(Code::UnknownScale, "criteria[0].indicators[0].scale")
    );
    assert!(validate_instrument(&ins)[0].message.contains("ada-tidak, patuh"));
}

#[test]
fn empty_scale() {
    let mut ins = instrument();
    ins.scales.push(Scale {
        id: "kosong".into(),
        options: vec![],
    });
    assert_eq!(ins_problems(&ins), one(Code::EmptyScale, "scales[2].options"));
}

#[test]
fn unknown_unit_kind_in_applies_to() {
    let mut ins = instrument();
    ins.criteria[0].indicators[1].applies_to = vec!["lapas".into(), "puskesmas".into()];
    assert_eq!(
        ins_problems(&ins),
        one(Code::UnknownUnitKind, "criteria[0].indicators[1].applies_to[1]")
    );
}

#[test]
fn option_values_must_be_within_0_and_1() {
    let mut ins = instrument();
    ins.scales[1].options[0].value = dec("1.0000000001");
    ins.scales[1].options[2].value = dec("-0.5");
    assert_eq!(
        ins_problems(&ins),
        vec![
            (Code::OptionValueOutOfRange, "scales[1].options[0].value".into()),
            (Code::OptionValueOutOfRange, "scales[1].options[2].value".into()),
        ]
    );
    // The bounds themselves are fine, however they are written.
    ins.scales[1].options[0].value = dec("1.000");
    ins.scales[1].options[2].value = dec("-0");
    assert_eq!(ins_problems(&ins), vec![]);
}

#[test]
fn negative_weights() {
    let mut ins = instrument();
    ins.criteria[0].weight = dec("-1");
    ins.criteria[0].indicators[1].weight = dec("-0.01");
    assert_eq!(
        ins_problems(&ins),
        vec![
            (Code::NegativeWeight, "criteria[0].weight".into()),
            (Code::NegativeWeight, "criteria[0].indicators[1].weight".into()),
        ]
    );
    // Negative zero is zero.
    let mut ins = instrument();
    ins.criteria[0].indicators[1].weight = dec("-0");
    assert_eq!(ins_problems(&ins), vec![]);
}

#[test]
fn a_criterion_needs_a_positive_indicator_weight() {
    let mut ins = instrument();
    ins.criteria[0].indicators[0].weight = Decimal::ZERO;
    ins.criteria[0].indicators[1].weight = Decimal::ZERO;
    ins.criteria[1].indicators.clear();
    assert_eq!(
        ins_problems(&ins),
        vec![
            (Code::ZeroWeightCriterion, "criteria[0].indicators".into()),
            (Code::ZeroWeightCriterion, "criteria[1].indicators".into()),
        ]
    );
}

#[test]
fn an_instrument_needs_a_positive_criterion_weight() {
    let mut ins = instrument();
    ins.criteria[0].weight = Decimal::ZERO;
    ins.criteria[1].weight = dec("0.000");
    assert_eq!(ins_problems(&ins), one(Code::ZeroWeightInstrument, "criteria"));
}

#[test]
fn an_empty_instrument() {
    let mut ins = instrument();
    ins.criteria.clear();
    ins.unit_kinds.clear();
    ins.criteria.clear();
    assert_eq!(
        ins_problems(&ins),
        vec![
            (Code::EmptyInstrument, "unit_kinds".into()),
            (Code::EmptyInstrument, "criteria".into()),
        ]
    );
}

#[test]
fn thresholds_must_be_within_0_and_100() {
    let mut ins = instrument();
    ins.award.min_total = dec("100.01");
    ins.award.min_criterion = Some(dec("-1"));
    assert_eq!(
        ins_problems(&ins),
        vec![
            (Code::ThresholdOutOfRange, "award.min_total".into()),
            (Code::ThresholdOutOfRange, "award.min_criterion".into()),
        ]
    );
    ins.award.min_total = dec("100");
    ins.award.min_criterion = Some(Decimal::ZERO);
    assert_eq!(ins_problems(&ins), vec![]);
    ins.award.min_criterion = None;
    assert_eq!(ins_problems(&ins), vec![]);
}

#[test]
fn every_instrument_problem_is_reported_with_its_path() {
    let mut ins = instrument();
    ins.version = String::new();
    ins.scales[0].options[0].value = dec("2");
    ins.criteria[0].indicators[0].scale = "nope".into();
    ins.criteria[0].indicators[1].weight = dec("-3");
    ins.criteria[1].indicators[0].applies_to = vec!["rudenim".into()];
    ins.award.min_total = dec("120");
    let err = CheckedInstrument::new(ins).unwrap_err();
    let got: Vec<(Code, &str)> = err.problems().iter().map(|p| (p.code, p.path.as_str())).collect();
    assert_eq!(
        got,
        vec![
            (Code::EmptyText, "version"),
            (Code::OptionValueOutOfRange, "scales[0].options[0].value"),
            (Code::UnknownScale, "criteria[0].indicators[0].scale"),
            (Code::NegativeWeight, "criteria[0].indicators[1].weight"),
            (Code::UnknownUnitKind, "criteria[1].indicators[0].applies_to[0]"),
            (Code::ThresholdOutOfRange, "award.min_total"),
        ]
    );
    let text = err.to_string();
    assert!(
        text.contains("6 problem(s)") && text.contains("version"),
        "{text}"
    );
}

// ---- assessments ----------------------------------------------------------

#[test]
fn the_example_assessment_is_valid() {
    assert_eq!(asm_problems(&assessment()), vec![]);
    assert!(checked().check_result(&assessment()).is_ok());
    let mut v = assessment();
    v.stage = Stage::Verification;
    v.verifies = Some(format!("sha256:{}", "ab".repeat(32)));
    assert_eq!(asm_problems(&v), vec![]);
}

#[test]
fn instrument_mismatch() {
    let mut a = assessment();
    a.instrument.version = "2.0.0".into();
    assert_eq!(asm_problems(&a), one(Code::InstrumentMismatch, "instrument"));
    a.instrument = InstrumentRef {
        id: "other".into(),
        version: "1.0.0".into(),
    };
    assert_eq!(asm_problems(&a), one(Code::InstrumentMismatch, "instrument"));
}

#[test]
fn empty_texts_in_an_assessment() {
    let mut a = assessment();
    a.unit.id = String::new();
    a.unit.name = "  ".into();
    a.period = String::new();
    a.assessors[0].name = String::new();
    assert_eq!(
        asm_problems(&a),
        vec![
            (Code::EmptyText, "unit.id".into()),
            (Code::EmptyText, "unit.name".into()),
            (Code::EmptyText, "period".into()),
            (Code::EmptyText, "assessors[0].name".into()),
        ]
    );
}

#[test]
fn unknown_unit_kind_and_no_not_applicable_noise() {
    let mut a = assessment();
    a.unit.kind = "puskesmas".into();
    a.answers.push(answer("A.02", "ada"));
    // A.02 is lapas-only, but with an unknown kind only the kind is reported.
    assert_eq!(asm_problems(&a), one(Code::UnknownUnitKind, "unit.kind"));
}

#[test]
fn answer_to_an_indicator_that_does_not_apply() {
    let mut a = assessment();
    a.answers.push(answer("A.02", "ada"));
    assert_eq!(
        asm_problems(&a),
        one(Code::IndicatorNotApplicable, "answers[2].indicator")
    );
    a.unit.kind = "lapas".into();
    assert_eq!(asm_problems(&a), vec![]);
}

#[test]
fn unknown_indicator_and_unknown_option() {
    let mut a = assessment();
    a.answers.push(answer("Z.99", "ada"));
    a.answers[1].value = Some("ada".into()); // B.01 uses the patuh scale
    assert_eq!(
        asm_problems(&a),
        vec![
            (Code::UnknownOption, "answers[1].value".into()),
            (Code::UnknownIndicator, "answers[2].indicator".into()),
        ]
    );
    assert!(checked().check(&a)[0].message.contains("patuh, cukup, kurang"));
}

#[test]
fn duplicate_answers_point_at_the_first() {
    let mut a = assessment();
    a.answers.push(answer("A.01", "tidak"));
    a.answers.push(answer("A.01", "ada"));
    let problems = checked().check(&a);
    let got: Vec<_> = problems.iter().map(|p| (p.code, p.path.as_str())).collect();
    assert_eq!(
        got,
        vec![
            (Code::DuplicateAnswer, "answers[2].indicator"),
            (Code::DuplicateAnswer, "answers[3].indicator"),
        ]
    );
    assert!(
        problems[1].message.contains("answers[0]"),
        "{}",
        problems[1].message
    );
}

#[test]
fn value_and_not_applicable() {
    let mut a = assessment();
    a.answers[0].not_applicable = Some("tidak ada".into());
    assert_eq!(asm_problems(&a), one(Code::ConflictingAnswer, "answers[0]"));
    a.answers[0].value = None;
    assert_eq!(asm_problems(&a), vec![], "not_applicable alone is fine");
    a.answers[0].not_applicable = None;
    assert_eq!(asm_problems(&a), one(Code::EmptyAnswer, "answers[0]"));
    a.answers[0].not_applicable = Some(" \t".into());
    assert_eq!(
        asm_problems(&a),
        one(Code::MissingJustification, "answers[0].not_applicable")
    );
}

#[test]
fn verifies_rules() {
    let mut a = assessment();
    a.verifies = Some(format!("sha256:{}", "0".repeat(64)));
    assert_eq!(asm_problems(&a), one(Code::VerifiesOnSelf, "verifies"));
    a.stage = Stage::Verification;
    assert_eq!(asm_problems(&a), vec![]);
    for bad in [
        "0".repeat(64),
        format!("sha256:{}", "A".repeat(64)),
        format!("sha256:{}", "0".repeat(63)),
        format!("sha1:{}", "0".repeat(64)),
        "sha256:".into(),
    ] {
        a.verifies = Some(bad.clone());
        assert_eq!(asm_problems(&a), one(Code::InvalidDigest, "verifies"), "{bad}");
    }
}

#[test]
fn assessed_on_must_be_a_calendar_date() {
    let mut a = assessment();
    a.assessed_on = Some("2023-02-29".into());
    assert_eq!(asm_problems(&a), one(Code::InvalidDate, "assessed_on"));
    a.assessed_on = None;
    assert_eq!(asm_problems(&a), vec![]);
}

#[test]
fn evidence_paths_and_digests() {
    let mut a = assessment();
    a.answers[0].evidence = vec![
        EvidenceRef {
            path: "foto/maklumat.png".into(),
            sha256: Some("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".into()),
            caption: None,
        },
        EvidenceRef {
            path: "../rahasia.png".into(),
            sha256: Some("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855".into()),
            caption: None,
        },
        EvidenceRef {
            path: "/etc/passwd".into(),
            sha256: None,
            caption: None,
        },
    ];
    assert_eq!(
        asm_problems(&a),
        vec![
            (Code::InvalidEvidencePath, "answers[0].evidence[1].path".into()),
            (Code::InvalidDigest, "answers[0].evidence[1].sha256".into()),
            (Code::InvalidEvidencePath, "answers[0].evidence[2].path".into()),
        ]
    );
}

#[test]
fn every_assessment_problem_is_reported_with_its_path() {
    let mut a = assessment();
    a.instrument.version = "9".into();
    a.verifies = Some("sha256:x".into());
    a.assessed_on = Some("2023-3-14".into());
    a.answers = vec![
        answer("A.01", "ya"),
        answer("A.01", "ada"),
        answer("X.01", "ada"),
        Answer {
            not_applicable: Some(String::new()),
            value: None,
            ..answer("B.01", "")
        },
        answer("A.02", "ada"),
    ];
    let err = checked().check_result(&a).unwrap_err();
    let got: Vec<(Code, &str)> = err.problems().iter().map(|p| (p.code, p.path.as_str())).collect();
    assert_eq!(
        got,
        vec![
            (Code::InstrumentMismatch, "instrument"),
            (Code::VerifiesOnSelf, "verifies"),
            (Code::InvalidDate, "assessed_on"),
            (Code::UnknownOption, "answers[0].value"),
            (Code::DuplicateAnswer, "answers[1].indicator"),
            (Code::UnknownIndicator, "answers[2].indicator"),
            (Code::MissingJustification, "answers[3].not_applicable"),
            (Code::IndicatorNotApplicable, "answers[4].indicator"),
        ]
    );
    assert!(err.to_string().contains("kanim-x"));
}

#[test]
fn problem_codes_serialise_as_their_stable_strings() {
    for code in [
        Code::Syntax,
        Code::UnknownFormat,
        Code::OptionValueOutOfRange,
        Code::IndicatorNotApplicable,
        Code::InvalidEvidencePath,
    ] {
        let json = serde_json::to_value(code).unwrap();
        assert_eq!(json, code.as_str());
        assert_eq!(code.to_string(), code.as_str());
        let back: Code = serde_json::from_value(json).unwrap();
        assert_eq!(back, code);
    }
    let p = Diagnostic::new(Code::UnknownOption, "answers[3].value", "nope");
    assert_eq!(p.to_string(), "answers[3].value: nope [unknown-option]");
}

// ---- helpers ---------------------------------------------------------------

#[test]
fn iso_dates_and_leap_years() {
    for good in [
        "2023-03-14",
        "2024-02-29",
        "2000-02-29",
        "1999-12-31",
        "2023-04-30",
        "0001-01-01",
    ] {
        assert!(is_iso_date(good), "{good}");
    }
    for bad in [
        "2023-02-29",
        "1900-02-29",
        "2100-02-29",
        "2023-04-31",
        "2023-13-01",
        "2023-00-10",
        "2023-01-00",
        "2023-01-32",
        "2023-1-01",
        "23-01-2023",
        "2023/01/01",
        "2023-01-01T00:00",
        "+023-01-01",
        "2023-0a-01",
        "2023-é-01",
        "",
        "2023-01-0١",
    ] {
        assert!(!is_iso_date(bad), "{bad}");
    }
}

#[test]
fn evidence_paths() {
    for good in [
        "foto/maklumat.png",
        "a",
        "dokumen/sk/2023.pdf",
        "./foto/a.png",
        "foto/..a.png",
    ] {
        assert_eq!(evidence_path_problem(good), None, "{good}");
    }
    for bad in [
        "",
        "   ",
        "/etc/passwd",
        "C:/foto/a.png",
        "C:\\foto\\a.png",
        "foto\\a.png",
        "..",
        "../a.png",
        "foto/../../a.png",
        "foto/..",
        "foto//a.png",
        "foto/",
    ] {
        let msg = evidence_path_problem(bad);
        assert!(msg.is_some(), "{bad:?} should be rejected");
    }
}

#[test]
fn sha256_hex() {
    assert!(is_sha256_hex(&"0123456789abcdef".repeat(4)));
    assert!(!is_sha256_hex(&"0123456789ABCDEF".repeat(4)));
    assert!(!is_sha256_hex(&"g".repeat(64)));
    assert!(!is_sha256_hex(&"a".repeat(65)));
    assert!(!is_sha256_hex(""));
}

// ---- properties ------------------------------------------------------------

fn small_id() -> impl Strategy<Value = String> {
    // A small pool so duplicates and unknown references happen often.
    prop_oneof![Just(String::new()), "[ab]", "[ab]\\.[12]"]
}

fn small_decimal() -> impl Strategy<Value = Decimal> {
    (-3i64..=300, 0u32..=2).prop_map(|(n, scale)| Decimal::new(n, scale))
}

fn arb_instrument() -> impl Strategy<Value = Instrument> {
    let kinds = prop::collection::vec(prop_oneof![Just("kanim"), Just("lapas"), Just("")], 0..3);
    let option = (small_id(), small_decimal()).prop_map(|(code, value)| ScaleOption {
        code,
        label: Text::id("x"),
        value,
    });
    let scale =
        (small_id(), prop::collection::vec(option, 0..3)).prop_map(|(id, options)| Scale { id, options });
    let ind = (
        small_id(),
        small_id(),
        small_decimal(),
        prop::collection::vec(prop_oneof![Just("kanim"), Just("lapas"), Just("rudenim")], 0..3),
    )
        .prop_map(|(id, scale, weight, applies)| Indicator {
            applies_to: applies.into_iter().map(String::from).collect(),
            ..indicator(&id, &scale, &weight.to_string())
        });
    let crit = (small_id(), small_decimal(), prop::collection::vec(ind, 0..4)).prop_map(
        |(id, weight, indicators)| Criterion {
            id,
            title: Text::id("k"),
            weight,
            indicators,
        },
    );
    (
        kinds,
        prop::collection::vec(scale, 0..3),
        prop::collection::vec(crit, 0..3),
        small_decimal(),
        prop::option::of(small_decimal()),
    )
        .prop_map(|(kinds, scales, criteria, min_total, min_criterion)| Instrument {
            unit_kinds: kinds.into_iter().map(String::from).collect(),
            scales,
            criteria,
            award: AwardRule {
                min_total,
                min_criterion,
            },
            ..instrument()
        })
}

fn arb_answer() -> impl Strategy<Value = Answer> {
    (
        prop_oneof![Just("A.01"), Just("A.02"), Just("B.01"), Just("Z.9"), Just("")],
        prop::option::of(prop_oneof![Just("ada"), Just("tidak"), Just("cukup"), Just("?")]),
        prop::option::of(prop_oneof![Just(""), Just("alasan")]),
        prop::collection::vec(".{0,12}", 0..2),
    )
        .prop_map(|(ind, value, na, paths)| Answer {
            indicator: ind.into(),
            value: value.map(String::from),
            not_applicable: na.map(String::from),
            evidence: paths
                .into_iter()
                .map(|path| EvidenceRef {
                    path,
                    sha256: None,
                    caption: None,
                })
                .collect(),
            note: None,
        })
}

proptest! {
    #[test]
    fn validation_never_panics_and_valid_means_checkable(ins in arb_instrument()) {
        let problems = validate_instrument(&ins);
        for p in &problems {
            prop_assert!(!p.message.is_empty());
        }
        match CheckedInstrument::new(ins.clone()) {
            Ok(ci) => {
                prop_assert!(problems.is_empty());
                // Every indicator of a valid instrument has a known scale and a position.
                for (ci_ix, c) in ins.criteria.iter().enumerate() {
                    for (ii, i) in c.indicators.iter().enumerate() {
                        prop_assert!(ins.scale(&i.scale).is_some());
                        let pos = ci.position(&i.id).unwrap();
                        prop_assert_eq!((pos.criterion, pos.indicator), (ci_ix, ii));
                        prop_assert_eq!(&ins.scales[pos.scale].id, &i.scale);
                        prop_assert!(ins.scales[pos.scale].options.iter().all(|o| o.value >= Decimal::ZERO && o.value <= Decimal::ONE));
                    }
                }
            }
            Err(e) => prop_assert_eq!(e.problems(), &problems[..]),
        }
    }

    #[test]
    fn checking_any_assessment_never_panics(
        answers in prop::collection::vec(arb_answer(), 0..6),
        kind in prop_oneof![Just("kanim"), Just("lapas"), Just("puskesmas")],
        date in prop::option::of(".{0,12}"),
        verifies in prop::option::of(".{0,70}"),
    ) {
        let mut a = assessment();
        a.answers = answers;
        a.unit.kind = kind.into();
        a.assessed_on = date;
        a.verifies = verifies;
        let problems = checked().check(&a);
        // Valid answers only ever produce no problem about them.
        prop_assert_eq!(problems.is_empty(), checked().check_result(&a).is_ok());
        for p in problems {
            prop_assert!(!p.message.is_empty());
        }
    }

    #[test]
    fn helpers_never_panic(s in "\\PC{0,20}") {
        let _ = is_iso_date(&s);
        let _ = is_sha256_hex(&s);
        if let Some(msg) = evidence_path_problem(&s) {
            prop_assert!(!msg.is_empty());
        }
    }
}

proptest! {
    /// The one-pass check of a plain relative evidence path never lets through
    /// a path one of the rules refuses.
    #[test]
    fn a_plain_relative_path_breaks_no_rule(path in "[a-z0-9./\\\\: \u{3000}]{0,12}") {
        if super::is_plain_relative(&path) {
            prop_assert_eq!(super::path_problem(&path), None);
        }
    }

    /// Digests are 64 lowercase hex digits, nothing else.
    #[test]
    fn sha256_hex_is_64_lowercase_hex_digits(s in "[0-9a-fA-Fg ]{62,66}") {
        let expected = s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        prop_assert_eq!(super::is_sha256_hex(&s), expected);
    }
}

#[test]
fn plain_relative_paths() {
    for ok in ["foto/a.jpg", "a", "a/b/c.pdf", "1/..a/b..", "x/.../y"] {
        assert!(super::is_plain_relative(ok), "{ok}");
    }
    for bad in [
        "",
        " a",
        "/a",
        "a/",
        "a//b",
        "a/../b",
        "a/..",
        "c:/x",
        "a\\b",
        ".a",
        "..",
        "\u{3000}a",
    ] {
        assert!(!super::is_plain_relative(bad), "{bad}");
    }
}
