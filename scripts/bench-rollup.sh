#!/usr/bin/env bash
# Roll-up benchmark (not a test): N synthetic assessments (default 100,000,
# ~500 MB of NDJSON), timed two ways with /usr/bin/time -v:
#   (a) baseline: deserialize every line into p2ham_model::Assessment with
#       serde_json on one thread (examples/parse_baseline.rs), nothing else;
#   (b) p2ham rollup FILE --format json --output OUT.
# Prints wall time and peak RSS of both, and the ratio (target: ≤ 1.5, peak RSS < 200 MB).
#
#   scripts/bench-rollup.sh [N] [RUNS]
#
# Needs GNU time at /usr/bin/time (Debian/Ubuntu: `apt-get install time`).
# Data goes to $BENCH_DIR (default /tmp); the file is reused when it exists.
set -euo pipefail

N="${1:-100000}"
RUNS="${2:-3}"
DIR="${BENCH_DIR:-/tmp}"
DATA="$DIR/p2ham-bench-$N.ndjson"
OUT="$DIR/p2ham-bench-$N.rollup.json"
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/time ]; then
    echo "GNU time is missing: apt-get install time" >&2
    exit 2
fi

cargo build --release --quiet -p p2ham-cli --bin p2ham --example synth --example parse_baseline
BIN=target/release
if [ ! -s "$DATA" ]; then
    echo "generating $N assessments into $DATA" >&2
    "$BIN/examples/synth" "$N" "$DATA"
fi
echo "input: $DATA ($(du -m "$DATA" | cut -f1) MB, $(wc -l < "$DATA") lines)"
cat "$DATA" > /dev/null # warm the page cache for both runs

# measure LABEL CMD... → prints "wall_seconds max_rss_kb"
measure() {
    local log
    log="$(mktemp)"
    if ! /usr/bin/time -v "$@" 2> "$log" > /dev/null; then
        echo "failed: $*" >&2
        cat "$log" >&2
        exit 1
    fi
    local wall rss
    wall="$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log" | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')"
    rss="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")"
    rm -f "$log"
    echo "$wall $rss"
}

best_base="" ; best_roll=""
for run in $(seq "$RUNS"); do
    read -r bw br < <(measure "$BIN/examples/parse_baseline" "$DATA")
    read -r rw rr < <(measure "$BIN/p2ham" rollup "$DATA" --format json --output "$OUT" --no-progress)
    printf 'run %d: baseline %6.2f s %7d KB | rollup %6.2f s %7d KB | ratio %.2f | load %s\n' \
        "$run" "$bw" "$br" "$rw" "$rr" "$(awk -v a="$rw" -v b="$bw" 'BEGIN{print a/b}')" "$(cut -d' ' -f1-3 /proc/loadavg)"
    if [ -z "$best_base" ] || awk -v a="$bw" -v b="$best_base" 'BEGIN{exit !(a<b)}'; then best_base="$bw"; base_rss="$br"; fi
    if [ -z "$best_roll" ] || awk -v a="$rw" -v b="$best_roll" 'BEGIN{exit !(a<b)}'; then best_roll="$rw"; roll_rss="$rr"; fi
done
printf 'best of %d: baseline %.2f s (peak %d MB), rollup %.2f s (peak %d MB), ratio %.2f (target <= 1.5), cores %s\n' \
    "$RUNS" "$best_base" "$((base_rss / 1024))" "$best_roll" "$((roll_rss / 1024))" \
    "$(awk -v a="$best_roll" -v b="$best_base" 'BEGIN{print a/b}')" "$(nproc)"
