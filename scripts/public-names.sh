#!/usr/bin/env bash
# Public type names declared in more than one crate of the workspace (a
# caller that uses two crates should never meet two types of one name), and
# public type aliases. Prints them; exits 1 when there is any.
set -euo pipefail
cd "$(dirname "$0")/.."
found=0
dups="$(for c in crates/*/; do
  grep -rhoE '^\s*pub (struct|enum|trait|type) [A-Z][A-Za-z0-9]*' "$c/src" \
    | awk '{print $3}' | sort -u | sed "s|\$| $(basename "$c")|"
done | sort | awk '{n[$1]++; c[$1]=c[$1]" "$2} END {for (k in n) if (n[k]>1) print k":"c[k]}' | sort)"
if [ -n "$dups" ]; then
  echo "public types of one name in several crates:"; echo "$dups"; found=1
fi
aliases="$(grep -rnE '^\s*pub (type [A-Z][A-Za-z0-9]* =|use [a-z_:]+::[A-Za-z0-9]+ as [A-Z])' crates/*/src || true)"
if [ -n "$aliases" ]; then
  echo "public aliases:"; echo "$aliases"; found=1
fi
exit "$found"
