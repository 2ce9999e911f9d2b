//! Synthetic national data for the roll-up benchmark: N valid assessments
//! against the built-in `p2ham-2022`, one per line (NDJSON), deterministic
//! (seeded xorshift), unit kinds and ~33 Kanwil spread, ~30 answers each with
//! evidence, a few answered N/A.
//!
//! ```sh
//! cargo run --release --example synth -- 100000 /tmp/p2ham-100k.ndjson
//! cargo run --release --example synth -- 10 | head -1      # to standard output
//! ```

use std::fmt::Write as _;
use std::io::{BufWriter, Write};

use p2ham_io::model::{
    Answer, Assessment, AssessmentFormat, Assessor, EvidenceRef, InstrumentRef, Stage, Unit,
};

const PROVINCES: [&str; 33] = [
    "Aceh",
    "Sumatera Utara",
    "Sumatera Barat",
    "Riau",
    "Kepulauan Riau",
    "Jambi",
    "Sumatera Selatan",
    "Kepulauan Bangka Belitung",
    "Bengkulu",
    "Lampung",
    "DKI Jakarta",
    "Banten",
    "Jawa Barat",
    "Jawa Tengah",
    "DI Yogyakarta",
    "Jawa Timur",
    "Bali",
    "Nusa Tenggara Barat",
    "Nusa Tenggara Timur",
    "Kalimantan Barat",
    "Kalimantan Tengah",
    "Kalimantan Selatan",
    "Kalimantan Timur",
    "Sulawesi Utara",
    "Gorontalo",
    "Sulawesi Tengah",
    "Sulawesi Barat",
    "Sulawesi Selatan",
    "Sulawesi Tenggara",
    "Maluku",
    "Maluku Utara",
    "Papua",
    "Papua Barat",
];

/// Unit kinds with a weight (how often they occur) and a name prefix.
const KINDS: [(&str, u64, &str); 7] = [
    ("lapas", 30, "Lembaga Pemasyarakatan Kelas IIA"),
    ("rutan", 20, "Rumah Tahanan Negara Kelas IIB"),
    ("lpka", 3, "Lembaga Pembinaan Khusus Anak Kelas II"),
    ("bapas", 10, "Balai Pemasyarakatan Kelas II"),
    ("rupbasan", 6, "Rumah Penyimpanan Benda Sitaan Negara Kelas II"),
    ("kanim", 25, "Kantor Imigrasi Kelas II TPI"),
    ("rudenim", 6, "Rumah Detensi Imigrasi"),
];

/// xorshift64*: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        eprintln!("usage: synth N [FILE]   (N assessments as NDJSON; standard output when FILE is omitted)");
        std::process::exit(2)
    });
    let out: Box<dyn Write> = match args.next() {
        Some(path) => Box::new(std::fs::File::create(&path).unwrap_or_else(|e| {
            eprintln!("{path}: {e}");
            std::process::exit(1)
        })),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = BufWriter::with_capacity(1 << 20, out);

    let loaded = p2ham_io::builtin("p2ham-2022").expect("p2ham-2022 is built in");
    let ins = loaded.checked.instrument();
    let kind_weight: u64 = KINDS.iter().map(|k| k.1).sum();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);

    for i in 0..n {
        let mut pick = rng.below(kind_weight);
        let (kind, _, prefix) = *KINDS
            .iter()
            .find(|k| {
                if pick < k.1 {
                    true
                } else {
                    pick -= k.1;
                    false
                }
            })
            .unwrap_or(&KINDS[0]);
        let province = PROVINCES[usize::try_from(rng.below(33)).unwrap_or(0)];
        // How good the unit is: shifts the answers towards "ada".
        let quality = 40 + rng.below(61);
        let applicable: Vec<_> = ins
            .indicators()
            .filter(|(_, ind)| ind.applies_to_kind(kind))
            .map(|(_, ind)| ind)
            .collect();
        // Most units answer 18–30 indicators; the best fifth answers every one.
        let wanted = if quality >= 88 {
            applicable.len() as u64
        } else {
            (18 + rng.below(13)).min(applicable.len() as u64)
        };
        let mut answers = Vec::new();
        for (j, ind) in applicable.iter().enumerate() {
            // Answer `wanted` of the applicable indicators, always the mandatory ones.
            let left = applicable.len() - j;
            let need = usize::try_from(wanted).unwrap_or(0).saturating_sub(answers.len());
            if !ind.mandatory && (need == 0 || rng.below(left as u64) >= need as u64) {
                continue;
            }
            let scale = ins.scale(&ind.scale).expect("valid instrument");
            let mut answer = Answer {
                indicator: ind.id.clone(),
                value: None,
                not_applicable: None,
                evidence: Vec::new(),
                note: None,
            };
            if !ind.mandatory && rng.below(40) == 0 {
                answer.not_applicable = Some("Tidak tersedia pada unit ini.".into());
            } else {
                let r = rng.below(100);
                let option = if r < quality {
                    0
                } else if r < quality + (100 - quality) / 2 {
                    1.min(scale.options.len() - 1)
                } else {
                    scale.options.len() - 1
                };
                answer.value = Some(scale.options[option].code.clone());
                if rng.below(6) != 0 {
                    let mut sha = String::with_capacity(64);
                    for _ in 0..4 {
                        let _ = write!(sha, "{:016x}", rng.next());
                    }
                    answer.evidence.push(EvidenceRef {
                        path: format!("foto/{}-{i}.jpg", ind.id.to_lowercase()),
                        sha256: Some(sha),
                        caption: (rng.below(8) == 0).then(|| format!("Foto dokumentasi: {}", ind.title.id)),
                    });
                }
                if rng.below(12) == 0 {
                    answer.note = Some("Diperiksa oleh tim; kondisi sesuai foto terlampir.".into());
                }
            }
            answers.push(answer);
        }
        let verification = rng.below(5) == 0;
        let assessment = Assessment {
            format: AssessmentFormat::V1,
            instrument: InstrumentRef {
                id: ins.id.clone(),
                version: ins.version.clone(),
            },
            unit: Unit {
                id: format!("{kind}-{i:06}"),
                name: format!("{prefix} {} {}", province, i % 97 + 1),
                kind: kind.to_owned(),
                office: Some(format!("Kanwil Kemenkumham {province}")),
            },
            period: "2024".into(),
            stage: if verification {
                Stage::Verification
            } else {
                Stage::SelfAssessment
            },
            verifies: None,
            assessed_on: Some(format!("2024-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28))),
            assessors: vec![Assessor {
                name: format!("Operator {}", rng.below(10_000)),
                role: if verification { "verifikator" } else { "operator" }.into(),
            }],
            answers,
        };
        serde_json::to_writer(&mut out, &assessment).expect("write");
        out.write_all(b"\n").expect("write");
    }
    out.flush().expect("write");
}
