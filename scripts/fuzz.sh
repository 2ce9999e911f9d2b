#!/usr/bin/env bash
# Mutation fuzzing of the readers on the stable toolchain (see
# crates/p2ham-io/tests/fuzz.rs): each target runs for SECONDS (default 60),
# one after the other, and prints how many inputs it tried.
#   scripts/fuzz.sh [SECONDS] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
export P2HAM_FUZZ_SECONDS="${1:-60}"
export P2HAM_FUZZ_SEED="${2:-24301}"
cargo test -p p2ham-io --test fuzz --locked -- --test-threads=1 --nocapture 2>&1 \
  | grep -oE "fuzz [a-z_]+: .*|panicked.*|test result.*"
