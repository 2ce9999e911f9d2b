#!/usr/bin/env bash
# Roll-up benchmark (not a test). For each size, N synthetic assessments
# (examples/synth.rs, ~4.9 KB each) are read two ways, side by side in one run:
#   (a) baseline: deserialize every line into p2ham_model::Assessment with
#       serde_json on one thread (examples/parse_baseline.rs), nothing else;
#   (b) p2ham rollup INPUT --format json --output OUT.
# Sizes below 1,000,000 are read from a file (generated once into $BENCH_DIR);
# 1,000,000 and above are streamed from the generator through standard input,
# so the data never sits on disk (the generator then shares the cores).
#
# Printed per size and run: CPU time (user + system), wall time, CPU
# utilisation (CPU ÷ wall) and peak RSS of both, and the ratios rollup ÷
# baseline for CPU and wall (targets: CPU ≤ 1.3, wall ≤ 0.75, peak RSS < 200 MB
# at 100,000). With valgrind installed, the smallest size is also counted in
# instructions (callgrind): a CPU ratio that does not depend on what else the
# machine is doing.
#
#   scripts/bench-rollup.sh [RUNS] [SIZES...]      # default: 3 10000 100000 1000000
#
# BENCH_DIR (default /tmp) holds the generated files; BENCH_STREAM_FROM
# (default 1000000) is the smallest size streamed instead of read from a file.
#
# Needs GNU time at /usr/bin/time (Debian/Ubuntu: `apt-get install time`).
set -euo pipefail

RUNS="${1:-3}"
shift || true
SIZES=("$@")
[ "${#SIZES[@]}" -gt 0 ] || SIZES=(10000 100000 1000000)
DIR="${BENCH_DIR:-/tmp}"
STREAM_FROM="${BENCH_STREAM_FROM:-1000000}"
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/time ]; then
    echo "GNU time is missing: apt-get install time" >&2
    exit 2
fi

# BENCH_BIN: a folder holding p2ham and examples/ already built (skips the build).
BIN="${BENCH_BIN:-target/release}"
[ -n "${BENCH_BIN:-}" ] || cargo build --release --quiet -p p2ham-cli --bin p2ham --example synth --example parse_baseline
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

# measure INPUT CMD... → "cpu_seconds wall_seconds max_rss_kb"; INPUT is a
# file, or `synth:N` to stream N generated records into standard input.
measure() {
    local input="$1" log
    shift
    log="$OUT/time.log"
    if [[ "$input" == synth:* ]]; then
        if ! "$BIN/examples/synth" "${input#synth:}" | /usr/bin/time -f '%U %S %e %M' -o "$log" "$@" - > /dev/null 2> "$OUT/err"; then
            echo "failed: $*" >&2; cat "$OUT/err" >&2; exit 1
        fi
    elif ! /usr/bin/time -f '%U %S %e %M' -o "$log" "$@" "$input" > /dev/null 2> "$OUT/err"; then
        echo "failed: $*" >&2; cat "$OUT/err" >&2; exit 1
    fi
    awk '{ printf "%.3f %.3f %d\n", $1 + $2, $3, $4 }' "$log"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

printf '%s, %s CPUs, load %s\n' "$(date -u +%FT%TZ)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %-3s | %-26s | %-32s | %-5s %-5s\n' size run "baseline cpu/wall/rss" "rollup cpu/wall/util/rss" cpu× wall×
for n in "${SIZES[@]}"; do
    if [ "$n" -ge "$STREAM_FROM" ]; then
        input="synth:$n"
    else
        input="$DIR/p2ham-bench-$n.ndjson"
        [ -s "$input" ] || "$BIN/examples/synth" "$n" "$input"
        cat "$input" > /dev/null # warm the page cache for both
    fi
    for run in $(seq "$RUNS"); do
        read -r bc bw br < <(measure "$input" "$BIN/examples/parse_baseline")
        read -r rc rw rr < <(measure "$input" "$BIN/p2ham" rollup --format json --output "$OUT/rollup.json" --no-progress)
        printf '%-8s %-3s | %6.2fs %6.2fs %6d MB | %6.2fs %6.2fs %4.2f %6d MB | %-5s %-5s\n' \
            "$n" "$run" "$bc" "$bw" "$((br / 1024))" "$rc" "$rw" "$(ratio "$rc" "$rw")" "$((rr / 1024))" \
            "$(ratio "$rc" "$bc")" "$(ratio "$rw" "$bw")"
    done
done

if command -v valgrind > /dev/null; then
    n="${SIZES[0]}"
    input="$DIR/p2ham-bench-$n.ndjson"
    if [ -s "$input" ]; then
        count() { valgrind --tool=callgrind --callgrind-out-file="$OUT/cg" "$@" 2>&1 | awk '/Collected/ { print $NF }'; }
        bi="$(count "$BIN/examples/parse_baseline" "$input")"
        ri="$(count "$BIN/p2ham" rollup "$input" --format json --output "$OUT/rollup.json" --no-progress)"
        printf 'instructions (callgrind, %s records): baseline %s, rollup %s, ratio %s\n' "$n" "$bi" "$ri" "$(ratio "$ri" "$bi")"
    fi
fi
