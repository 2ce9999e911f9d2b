//! Scoring one assessment of the largest built-in instrument (`p2ham-2022`,
//! 76 indicators): the engine alone, and parse + check + score from bytes.
//!
//! Run with `cargo bench -p p2ham-io --bench score`.

use p2ham_io::document::parse_assessment;
use p2ham_scoring::{score, Digests};

const LAPAS: &[u8] =
    include_bytes!("../../../fixtures/assessments/sampit-2023/lapas-sampit.verification.json");

fn main() {
    divan::main();
}

#[divan::bench]
fn score_only(bencher: divan::Bencher) {
    let instrument = p2ham_io::builtin("p2ham-2022").unwrap().clone();
    let assessment = parse_assessment("lapas.json", LAPAS).unwrap();
    let digests = Digests::default();
    bencher.bench(|| score(&instrument.checked, divan::black_box(&assessment), &digests).unwrap());
}

#[divan::bench]
fn parse_and_score(bencher: divan::Bencher) {
    let instrument = p2ham_io::builtin("p2ham-2022").unwrap().clone();
    let digests = Digests::default();
    bencher.bench(|| {
        let a = parse_assessment("lapas.json", divan::black_box(LAPAS)).unwrap();
        score(&instrument.checked, &a, &digests).unwrap()
    });
}

#[divan::bench]
fn load_builtin_instrument() -> p2ham_io::document::LoadedInstrument {
    p2ham_io::builtin(divan::black_box("p2ham-2022")).unwrap().clone()
}
