//! The award decision and the history over a national list: `n` verified
//! results against a previous list of `n` units (half of them holders).
//!
//! Run with `cargo bench -p p2ham-scoring --bench award`.

use p2ham_model::{AwardEntry, AwardList, AwardsFormat, Decimal, DocumentRef, InstrumentStamp, Unit};
use p2ham_scoring::{decide, history, summarize, AwardOptions, VerifiedResult};

fn main() {
    divan::main();
}

fn stamp() -> InstrumentStamp {
    InstrumentStamp {
        id: "p2ham-2022".into(),
        version: "1.0.0".into(),
        sha256: "ab".repeat(32),
    }
}

fn unit(i: usize) -> Unit {
    Unit {
        id: format!("unit-{i:05}"),
        name: format!("Unit {i}"),
        kind: ["lapas", "rutan", "kanim", "bapas"][i % 4].into(),
        office: Some(format!("Kanwil {:02}", i % 33)),
    }
}

fn inputs(n: usize) -> (Vec<VerifiedResult>, AwardList) {
    let results = (0..n)
        .map(|i| {
            let total = Decimal::new(i64::try_from(6000 + (i * 37) % 4000).unwrap(), 2);
            VerifiedResult {
                unit: unit(i),
                period: "2023".into(),
                instrument: stamp(),
                total: Some(total),
                eligible: total >= Decimal::from(80),
                reasons: Vec::new(),
                source: DocumentRef {
                    file: format!("v/{i}.json"),
                    sha256: format!("{i:064}"),
                    verifies: None,
                },
            }
        })
        .collect();
    let previous = AwardList {
        format: AwardsFormat::V1,
        period: "2022".into(),
        decree: None,
        previous_period: None,
        instruments: vec![stamp()],
        units: (0..n)
            .map(|i| AwardEntry {
                unit: unit(i + n / 10),
                instrument: Some(stamp()),
                total: None,
                eligible: i % 2 == 0,
                predikat: i % 2 == 0,
                decision: None,
                reasons: Vec::new(),
                notes: Vec::new(),
                rests_on: Vec::new(),
            })
            .collect(),
    };
    (results, previous)
}

#[divan::bench(args = [1_000, 10_000])]
fn decide_national(bencher: divan::Bencher, n: usize) {
    let (results, previous) = inputs(n);
    let options = AwardOptions::default();
    bencher.bench(|| decide(divan::black_box(&results), Some(&previous), &options).unwrap());
}

#[divan::bench(args = [1_000, 10_000])]
fn summary_and_history(bencher: divan::Bencher, n: usize) {
    let (results, previous) = inputs(n);
    let list = decide(&results, Some(&previous), &AwardOptions::default()).unwrap();
    bencher.bench(|| {
        let s = summarize(divan::black_box(&list));
        let h = history(std::slice::from_ref(&previous), &results, None);
        (s, h)
    });
}
