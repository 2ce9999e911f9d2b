//! The roll-up benchmark's baseline: deserialize every line of an NDJSON file
//! into a typed `p2ham_model::Assessment` with serde_json, on one thread, and
//! nothing else. `p2ham rollup` is measured against this.
//!
//! ```sh
//! cargo run --release --example parse_baseline -- /tmp/p2ham-100k.ndjson
//! cargo run --release --example synth -- 1000 | target/release/examples/parse_baseline -   # standard input
//! ```

use std::io::BufRead;
use std::time::Instant;

use p2ham_io::model::Assessment;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: parse_baseline FILE.ndjson   (`-`: standard input)");
        std::process::exit(2)
    };
    let start = Instant::now();
    let input: Box<dyn std::io::Read> = if path == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(std::fs::File::open(&path).unwrap_or_else(|e| {
            eprintln!("{path}: {e}");
            std::process::exit(1)
        }))
    };
    let mut reader = std::io::BufReader::with_capacity(256 << 10, input);
    let mut buf = Vec::new();
    let (mut ok, mut bad, mut answers) = (0u64, 0u64, 0usize);
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                eprintln!("{path}: {e}");
                std::process::exit(1)
            }
        }
        let line = buf.trim_ascii();
        if line.is_empty() {
            continue;
        }
        match serde_json::from_slice::<Assessment>(line) {
            Ok(a) => {
                ok += 1;
                answers += a.answers.len();
            }
            Err(_) => bad += 1,
        }
    }
    eprintln!(
        "parsed {ok} assessments ({answers} answers), {bad} unparsable, in {:.3} s",
        start.elapsed().as_secs_f64()
    );
}
