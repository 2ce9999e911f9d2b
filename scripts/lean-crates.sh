#!/usr/bin/env bash
# The lean embedding of p2ham-io (default-features = false: scoring documents
# held as bytes) stays within its bound of crates. Prints the count; fails
# above the bound, listing the crates.
set -euo pipefail
cd "$(dirname "$0")/.."
bound="${P2HAM_LEAN_CRATES_MAX:-40}"
tree="$(cargo tree -p p2ham-io --no-default-features -e normal --prefix none --locked | sort -u)"
count="$(printf '%s\n' "$tree" | wc -l)"
echo "p2ham-io without default features: $count lines of cargo tree (bound $bound)"
if [ "$count" -gt "$bound" ]; then
  printf '%s\n' "$tree" >&2
  echo "p2ham-io without default features needs $count crate lines, above the bound of $bound" >&2
  exit 1
fi
