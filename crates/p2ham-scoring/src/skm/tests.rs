//! Worked examples computed by hand, and invariants.

use super::*;
use proptest::prelude::*;

/// Ten respondents; element `i` sums to `sums[i]`: `sums[i] % 10` respondents
/// answer `sums[i] / 10 + 1`, the others `sums[i] / 10`.
fn ten_rows(sums: [u8; 9]) -> Vec<Response> {
    (0..10u8)
        .map(|r| {
            let mut a = [None; 9];
            for (i, s) in sums.iter().enumerate() {
                a[i] = Some(s / 10 + u8::from(r < s % 10));
            }
            Response::new(a)
        })
        .collect()
}

fn run(rows: &[Response], weights: Weights) -> SkmReport {
    compute(rows, &SkmOptions { weights, by: None }).unwrap()
}

fn s(d: Decimal) -> String {
    d.to_string()
}

/// Near the A/B boundary: 10 respondents, element sums
/// 36, 36, 35, 35, 35, 35, 35, 35, 36 (total 318, every element answered by all 10).
///
/// - NRR: 3.6, 3.6, 3.5 ×6, 3.6; Σ NRR = 318 / 10 = 31.8.
/// - exact: IKM = 25 × 31.8 / 9 = 795 / 9 = 88.3333… → 88.33 ≥ 88.31 → A, Sangat Baik.
/// - 0,111: IKM = 31.8 × 0.111 × 25 = 31.8 × 2.775 = 88.245 → 88.25 (midpoint, away
///   from zero) < 88.31 → B, Baik.
/// - 0.1111: IKM = 31.8 × 2.7775 = 88.3245 → 88.32 → A.
#[test]
fn a_b_boundary_exact_vs_0111() {
    let rows = ten_rows([36, 36, 35, 35, 35, 35, 35, 35, 36]);
    let exact = run(&rows, Weights::Exact).overall;
    assert_eq!(s(exact.ikm), "88.33");
    assert_eq!(s(exact.ikm_exact), "88.33333333333333333333333333");
    assert_eq!((exact.mutu, exact.kinerja), (Mutu::A, Kinerja::SangatBaik));
    assert_eq!(s(exact.nrr_weighted), "3.5333"); // 31.8 / 9
    assert_eq!(
        exact.elements.iter().map(|e| s(e.nrr)).collect::<Vec<_>>(),
        ["3.6000", "3.6000", "3.5000", "3.5000", "3.5000", "3.5000", "3.5000", "3.5000", "3.6000"]
    );
    assert_eq!(s(exact.elements[0].ikm), "90.00");
    assert_eq!(s(exact.elements[2].ikm), "87.50");
    assert_eq!(exact.weakest, ["U3", "U4", "U5", "U6", "U7", "U8"]);

    let published = run(&rows, Weights::Published0111).overall;
    assert_eq!(s(published.ikm_exact), "88.245");
    assert_eq!(s(published.ikm), "88.25");
    assert_eq!((published.mutu, published.kinerja), (Mutu::B, Kinerja::Baik));
    assert_eq!(s(published.nrr_weighted), "3.5298"); // 31.8 × 0.111

    let sheet = run(&rows, Weights::Spreadsheet01111).overall;
    assert_eq!(s(sheet.ikm_exact), "88.3245");
    assert_eq!(s(sheet.ikm), "88.32");
    assert_eq!(sheet.mutu, Mutu::A);
}

/// Near the B/C boundary: element sums 31 ×6, 30 ×3 (total 276).
/// exact: 25 × 27.6 / 9 = 76.666… → 76.67 → B; 0,111: 27.6 × 2.775 = 76.59 → C.
#[test]
fn b_c_boundary_exact_vs_0111() {
    let rows = ten_rows([31, 31, 31, 31, 31, 31, 30, 30, 30]);
    let exact = run(&rows, Weights::Exact).overall;
    assert_eq!((s(exact.ikm), exact.mutu), ("76.67".into(), Mutu::B));
    let published = run(&rows, Weights::Published0111).overall;
    assert_eq!((s(published.ikm), published.mutu), ("76.59".into(), Mutu::C));
    assert_eq!(published.kinerja, Kinerja::KurangBaik);
}

/// At the C/D boundary: every element sums to 26 (total 234).
/// exact: 25 × 23.4 / 9 = 65 → 65.00 → C; 0,111: 23.4 × 2.775 = 64.935 → 64.94 → D.
#[test]
fn c_d_boundary_exact_vs_0111() {
    let rows = ten_rows([26; 9]);
    let exact = run(&rows, Weights::Exact).overall;
    assert_eq!(
        (s(exact.ikm), s(exact.ikm_exact), exact.mutu),
        ("65.00".into(), "65".into(), Mutu::C)
    );
    let published = run(&rows, Weights::Published0111).overall;
    assert_eq!((s(published.ikm), published.mutu), ("64.94".into(), Mutu::D));
    assert_eq!(published.kinerja, Kinerja::TidakBaik);
}

/// Blanks, so the denominators differ. Four respondents (`-` = blank):
///
/// ```text
///      U1 U2 U3 U4 U5 U6 U7 U8 U9
/// r1    4  4  3  3  4  4  4  3  -
/// r2    3  3  3  2  4  4  3  3  3
/// r3    4  -  3  3  3  4  4  2  4
/// r4    3  3  2  3  4  3  4  3  -
/// ```
///
/// NRR: 14/4 = 3.5, 10/3 = 3.3333…, 11/4 = 2.75, 11/4 = 2.75, 15/4 = 3.75,
/// 15/4 = 3.75, 15/4 = 3.75, 11/4 = 2.75, 7/2 = 3.5; Σ NRR = 179/6 = 29.8333….
/// exact: 25 × 179/6 / 9 = 4475/54 = 82.870370… → 82.87 → B.
/// 0,111: 179/6 × 2.775 = 82.7875 → 82.79 → B.
#[test]
fn blanks_and_unequal_denominators() {
    let rows: Vec<Response> = [
        [
            Some(4),
            Some(4),
            Some(3),
            Some(3),
            Some(4),
            Some(4),
            Some(4),
            Some(3),
            None,
        ],
        [
            Some(3),
            Some(3),
            Some(3),
            Some(2),
            Some(4),
            Some(4),
            Some(3),
            Some(3),
            Some(3),
        ],
        [
            Some(4),
            None,
            Some(3),
            Some(3),
            Some(3),
            Some(4),
            Some(4),
            Some(2),
            Some(4),
        ],
        [
            Some(3),
            Some(3),
            Some(2),
            Some(3),
            Some(4),
            Some(3),
            Some(4),
            Some(3),
            None,
        ],
    ]
    .into_iter()
    .map(Response::new)
    .collect();
    let r = run(&rows, Weights::Exact).overall;
    assert_eq!(r.respondents, 4);
    assert_eq!(s(r.ikm), "82.87");
    assert_eq!(s(r.ikm_exact), "82.87037037037037037037037037");
    assert_eq!(r.mutu, Mutu::B);
    let u2 = &r.elements[1];
    assert_eq!(
        (u2.answered, u2.blank, u2.sum, s(u2.nrr), s(u2.ikm)),
        (3, 1, 10, "3.3333".into(), "83.33".into())
    );
    let u9 = &r.elements[8];
    assert_eq!(
        (u9.answered, u9.blank, u9.sum, s(u9.nrr)),
        (2, 2, 7, "3.5000".into())
    );
    assert_eq!(r.weakest, ["U3", "U4", "U8"]);
    let p = run(&rows, Weights::Published0111).overall;
    assert_eq!((s(p.ikm_exact), s(p.ikm)), ("82.7875".into(), "82.79".into()));
}

#[test]
fn groups_are_sorted_and_computed_separately() {
    let mut rows = ten_rows([36, 36, 35, 35, 35, 35, 35, 35, 36]);
    for (i, r) in rows.iter_mut().enumerate() {
        r.group = Some(if i % 2 == 0 { "Paspor" } else { "Izin tinggal" }.to_owned());
    }
    rows.push(Response::new([Some(1); 9]));
    let report = compute(
        &rows,
        &SkmOptions {
            weights: Weights::Exact,
            by: Some("jenis_layanan".into()),
        },
    )
    .unwrap();
    assert_eq!(report.overall.respondents, 11);
    let values: Vec<_> = report
        .groups
        .iter()
        .map(|g| (g.value.as_str(), g.figures.respondents))
        .collect();
    assert_eq!(values, [("", 1), ("Izin tinggal", 5), ("Paspor", 5)]);
    assert_eq!(s(report.groups[0].figures.ikm), "25.00");
    assert_eq!(report.groups[0].figures.mutu, Mutu::D);
}

#[test]
fn errors() {
    let mut a = [Some(3); 9];
    a[4] = Some(5);
    let rows = vec![Response::new([Some(3); 9]), Response::new(a)];
    assert_eq!(
        compute(&rows, &SkmOptions::default()).unwrap_err(),
        SkmError::OutOfRange {
            index: 1,
            element: 4,
            value: 5
        }
    );
    a[4] = Some(0);
    assert!(matches!(
        compute(&[Response::new(a)], &SkmOptions::default()),
        Err(SkmError::OutOfRange { value: 0, .. })
    ));
    assert_eq!(
        compute(&[], &SkmOptions::default()).unwrap_err(),
        SkmError::NoRespondents
    );
    let mut a = [Some(3); 9];
    a[6] = None;
    let err = compute(&[Response::new(a)], &SkmOptions::default()).unwrap_err();
    assert_eq!(
        err,
        SkmError::Unanswered {
            element: 6,
            group: None
        }
    );
    assert_eq!(err.to_string(), "U7: no respondent answered this element");
}

#[test]
fn bands() {
    let band = |x: &str| Mutu::from_rounded_ikm(x.parse().unwrap());
    assert_eq!(band("100.00"), Mutu::A);
    assert_eq!(band("88.31"), Mutu::A);
    assert_eq!(band("88.30"), Mutu::B);
    assert_eq!(band("76.61"), Mutu::B);
    assert_eq!(band("76.60"), Mutu::C);
    assert_eq!(band("65.00"), Mutu::C);
    assert_eq!(band("64.99"), Mutu::D);
    assert_eq!(band("25.00"), Mutu::D);
}

/// Nine answer counts whose least common multiple does not fit in 64 bits:
/// the engine falls back to summing 28-digit NRRs and stays within 1e-20.
#[test]
fn lcm_overflow_falls_back() {
    let primes = [149usize, 151, 157, 163, 167, 173, 179, 181, 191];
    let rows: Vec<Response> = (0..191)
        .map(|r| {
            let mut a = [None; 9];
            for (i, p) in primes.iter().enumerate() {
                if r < *p {
                    a[i] = Some(if r == 0 { 4 } else { 3 });
                }
            }
            Response::new(a)
        })
        .collect();
    let r = run(&rows, Weights::Exact).overall;
    // Σ NRR = Σ (3 + 1/pᵢ); IKM = 25/9 × (27 + Σ 1/pᵢ) ≈ 75.1517
    let inv: Decimal = primes.iter().map(|p| Decimal::ONE / Decimal::from(*p)).sum();
    let expected = Decimal::from(25) * (Decimal::from(27) + inv) / Decimal::from(9);
    assert!((r.ikm_exact - expected).abs() < Decimal::new(1, 20));
    assert_eq!(s(r.ikm), "75.15");
}

fn answer() -> impl Strategy<Value = Option<u8>> {
    prop_oneof![4 => (1u8..=4).prop_map(Some), 1 => Just(None)]
}

fn responses() -> impl Strategy<Value = Vec<Response>> {
    (
        prop::array::uniform9(1u8..=4),
        prop::collection::vec(prop::array::uniform9(answer()), 0..40),
    )
        .prop_map(|(first, rest)| {
            std::iter::once(Response::new(first.map(Some)))
                .chain(rest.into_iter().map(Response::new))
                .collect()
        })
}

proptest! {
    #[test]
    fn ikm_within_25_and_100(rows in responses()) {
        let lo = Decimal::from(25);
        let hi = Decimal::from(100);
        let exact = run(&rows, Weights::Exact).overall;
        prop_assert!(exact.ikm_exact >= lo && exact.ikm_exact <= hi);
        prop_assert!(exact.ikm >= lo && exact.ikm <= hi);
        for w in [Weights::Published0111, Weights::Spreadsheet01111] {
            let other = run(&rows, w).overall;
            // 0,111 × 9 = 0,999 and 0.1111 × 9 = 0,9999: never above the exact index.
            prop_assert!(other.ikm_exact <= exact.ikm_exact);
            prop_assert!(other.ikm_exact >= lo * Decimal::new(999, 3));
            prop_assert_eq!(other.kinerja, other.mutu.kinerja());
        }
        prop_assert_eq!(exact.kinerja, exact.mutu.kinerja());
        prop_assert_eq!(exact.mutu, Mutu::from_rounded_ikm(exact.ikm));
    }

    #[test]
    fn uniform_answer_gives_25k(k in 1u8..=4, n in 1usize..60) {
        let rows = vec![Response::new([Some(k); 9]); n];
        let r = run(&rows, Weights::Exact).overall;
        prop_assert_eq!(r.ikm_exact, Decimal::from(25 * u32::from(k)));
        prop_assert_eq!(r.ikm.to_string(), format!("{}.00", 25 * u32::from(k)));
        prop_assert_eq!(r.weakest.len(), 9);
        // 0,111: 9k × 2.775 = 24.975k.
        let p = run(&rows, Weights::Published0111).overall;
        prop_assert_eq!(p.ikm_exact, Decimal::new(24975, 3) * Decimal::from(k));
    }

    #[test]
    fn row_order_is_irrelevant(rows in responses(), seed in any::<u64>()) {
        let mut shuffled = rows.clone();
        // A deterministic shuffle from the seed.
        let mut x = seed | 1;
        for i in (1..shuffled.len()).rev() {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            let j = usize::try_from(x % (i as u64 + 1)).unwrap();
            shuffled.swap(i, j);
        }
        for w in Weights::ALL {
            prop_assert_eq!(run(&rows, w), run(&shuffled, w));
        }
    }
}
