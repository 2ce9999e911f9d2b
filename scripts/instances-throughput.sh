#!/usr/bin/env bash
# Uploads per second through one `p2ham serve` instance and through two on one
# PostgreSQL database and one evidence folder (docs/server.md, "Several
# instances"): 8 concurrent clients upload evidence files (about 60 KiB on
# average, each one stored and recorded before it is acknowledged) for 20
# seconds each way, split evenly over the instances, on a fresh schema.
#
#   scripts/instances-throughput.sh            # release build
#   P2HAM_THROUGHPUT_PROFILE=dev scripts/instances-throughput.sh
#
# P2HAM_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/test),
# P2HAM_THROUGHPUT_SECONDS (20) and P2HAM_THROUGHPUT_CLIENTS (8) change it.
set -euo pipefail
cd "$(dirname "$0")/.."
export P2HAM_TEST_POSTGRES="${P2HAM_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/test}"
profile="${P2HAM_THROUGHPUT_PROFILE:-release}"
cargo test --locked --profile "$profile" -p p2ham-cli --test instances -- \
  --ignored --nocapture --exact throughput_one_and_two_instances
