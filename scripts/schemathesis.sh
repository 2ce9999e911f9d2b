#!/usr/bin/env bash
# The API's contract, tested from outside: Schemathesis (an OpenAPI-driven
# property tester) against a running `p2ham serve` on the Sampit demo, in a
# temporary data folder, under the base path /p2ham (so the document's
# `servers` is followed), once per role (operator, verifier, evaluator, admin;
# each with a bearer API token made through the API), with every check and a
# bounded number of examples per operation. Any finding fails the script.
#   scripts/schemathesis.sh            (p2ham from $CARGO_TARGET_DIR or target)
# Environment: P2HAM (the binary), SCHEMATHESIS (the command, default
# `schemathesis`; `.ci/run` installs the pinned 4.32.5 with pip),
# SCHEMATHESIS_EXAMPLES (per operation and role, default 20).
# No network is used: the run happens in a network namespace of its own
# (loopback only) where `unshare` allows it, else every proxy points nowhere.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

if [ -z "${P2HAM_SCHEMATHESIS_ISOLATED:-}" ] && command -v ip >/dev/null 2>&1 && unshare -rn true 2>/dev/null; then
  exec unshare -rn env P2HAM_SCHEMATHESIS_ISOLATED=1 "$0" "$@"
fi
if [ -n "${P2HAM_SCHEMATHESIS_ISOLATED:-}" ]; then
  ip link set lo up
  echo "schemathesis: in a network namespace of its own (loopback only)"
else
  export HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 ALL_PROXY=http://127.0.0.1:9
  export http_proxy=$HTTP_PROXY https_proxy=$HTTPS_PROXY all_proxy=$ALL_PROXY
  export NO_PROXY=127.0.0.1 no_proxy=127.0.0.1
  echo "schemathesis: no network namespace; every proxy points nowhere"
fi

P2HAM="$(realpath "${P2HAM:-${CARGO_TARGET_DIR:-target}/debug/p2ham}")"
# The command, split into words (e.g. `python3 -m schemathesis.cli`).
read -ra SCHEMATHESIS <<<"${SCHEMATHESIS:-schemathesis}"
EXAMPLES="${SCHEMATHESIS_EXAMPLES:-20}"
PORT="${SCHEMATHESIS_PORT:-18431}"
BASE="http://127.0.0.1:$PORT/p2ham"

work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$P2HAM" serve --data-dir "$work/data" --listen "127.0.0.1:$PORT" --base-path /p2ham >"$work/server.log" 2>&1 &
server=$!

# The demo's accounts: log in, make two bearer tokens, print the role and both.
tokens="$(python3 - "$BASE" <<'PY'
import json, sys, time, urllib.request
base = sys.argv[1]
for _ in range(300):
    try:
        urllib.request.urlopen(base + "/api/v1/health", timeout=2)
        break
    except Exception:
        time.sleep(0.1)
else:
    sys.exit("the server did not start")
def call(method, path, body, headers):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method=method,
                                 headers={"Content-Type": "application/json", **headers})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r, json.load(r)
for role, user in [("operator", "operator-kanim-sampit"), ("verifier", "verifier-kalteng"),
                   ("evaluator", "evaluator"), ("admin", "admin")]:
    r, session = call("POST", "/api/v1/session", {"username": user, "password": "demo-p2ham-2023"}, {})
    cookie = r.headers["Set-Cookie"].split(";")[0]
    made = [call("POST", "/api/v1/tokens", {"name": f"schemathesis-{n}"},
                 {"Cookie": cookie, "X-CSRF-Token": session["csrf_token"]})[1]["token"] for n in (1, 2)]
    print(role, *made)
PY
)" || { cat "$work/server.log" >&2; exit 1; }

export PYTHONPATH="$PWD/scripts${PYTHONPATH:+:$PYTHONPATH}" SCHEMATHESIS_HOOKS=schemathesis_hooks
start=$SECONDS
status=0
# Logging out with a token and revoking a token end the credential of the
# run: they are tested last, on a second token of the role. The administrator
# is the last role: it may deactivate the others' accounts.
run() {
  local role="$1" token="$2" name="$3"
  shift 3
  echo "== schemathesis as $role ($name)"
  # From the temporary folder: Schemathesis keeps a cache where it runs.
  if ! (cd "$work" && "${SCHEMATHESIS[@]}" --config-file "$root/scripts/schemathesis.toml" run "$BASE/api/v1/openapi.json" \
      --header "Authorization: Bearer $token" \
      --checks all \
      --exclude-checks ensure_resource_availability \
      --max-examples "$EXAMPLES" \
      --seed 24 \
      --workers 2 \
      --generation-database none \
      --generation-with-security-parameters false \
      --request-timeout 30 \
      --no-color \
      "$@") 2>&1 | tee "$work/$role-$name.out"; then
    status=1
  fi
  # The summary's last line names any failure or error.
  if grep -E "^=+ .* in [0-9.]+s =+$" "$work/$role-$name.out" | tail -n 1 | grep -qE "failure|error"; then
    status=1
  fi
}
while read -r role token second; do
  run "$role" "$token" all --exclude-operation-id logout --exclude-operation-id revoke_token
  run "$role" "$second" ending --include-operation-id logout --include-operation-id revoke_token
done <<<"$tokens"

operations="$( (grep -hoE "Tested: [0-9]+" "$work"/*-all.out || true) | awk '{ if ($2 > n) n = $2 } END { print n + 2 }')"
cases="$( (grep -hoE "[0-9]+ generated" "$work"/*.out || true) | awk '{ n += $1 } END { print n + 0 }')"
echo "schemathesis: $operations operations, $cases test cases over the four roles, $((SECONDS - start)) s"
if [ "$status" -ne 0 ]; then
  echo "schemathesis found problems (above)" >&2
  tail -n 20 "$work/server.log" >&2
fi
exit "$status"
