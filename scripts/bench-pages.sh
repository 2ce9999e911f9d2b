#!/usr/bin/env bash
# Page latency benchmark (not a test): how long the server-rendered pages of
# `p2ham serve` take, one request at a time, on loopback.
#
#   scripts/bench-pages.sh [--repo DIR] [BINARY] [N]
#
#   --repo DIR  the checkout whose fixtures are uploaded (default: the
#               repository this script lives in)
#   BINARY      the p2ham binary to measure (default:
#               ${CARGO_TARGET_DIR:-DIR/target}/release/p2ham; build it with
#               `cargo build --release -p p2ham-cli --locked`)
#   N           timed requests per page (default 200)
#
# Example, measuring another tree's binary with this script:
#   cd /path/to/other-tree &&
#   /path/to/scripts/bench-pages.sh --repo . /path/to/target/release/p2ham 200
#
# What it does:
#   1. Starts `BINARY serve --listen 127.0.0.1:0` (the OS picks a free port;
#      the address is read from the welcome line) on a fresh temporary data
#      folder, so the embedded SQLite database is created and the Sampit demo
#      (units, period 2023, one account per role, password demo-p2ham-2023) is
#      loaded; waits for GET /api/v1/health.
#   2. Logs in through the page form (POST /login, url-encoded) as
#      operator-kanim-sampit, verifier-kalteng and evaluator; each keeps the
#      p2ham_session cookie from Set-Cookie.
#   3. Brings kanim-sampit / 2023 to `submitted`, as an operator would through
#      the API: PUT the fixture fixtures/assessments/sampit-2023/kanim-sampit.self.json
#      as the self-assessment, upload every evidence file it names with a
#      digest from fixtures/evidence/kanim-sampit (multipart, one file per
#      request, the part's file name being the document's evidence path:
#      submitting refuses missing evidence), then POST …/submit. Each change
#      carries the session's CSRF token (GET /api/v1/session) in X-CSRF-Token.
#   4. For each page below: 10 warm-up requests, then N sequential timed
#      requests; every response must be 200 (the script stops otherwise).
#        GET /unit                             operator-kanim-sampit
#        GET /periods/2023/units/kanim-sampit  operator-kanim-sampit (read-only
#                                              view: the case is submitted)
#        GET /periods/2023/units/kanim-sampit  verifier-kalteng (the review page)
#        GET /evaluation?period=2023           evaluator (the dashboard)
#   5. Prints a Markdown table `| page | median ms | p99 ms |` (p99 is the
#      nearest rank: the ceil(0.99·N)-th fastest), then the response sizes.
#   The server is stopped and the temporary folder removed on exit (trap).
#
# BENCH_PAGES_SAVE=DIR (optional) keeps the last body of each page in DIR
# (unit.html, case-operator.html, case-verifier.html, evaluation.html), to
# check what was measured or compare two builds' pages (CSRF tokens differ).
#
# Timing: python3's http.client on one keep-alive connection per user (the
# first requests open it; the warm-up absorbs that), time.perf_counter around
# request → full body read. The figure is the server's time to render a page
# plus a loopback round trip, not a browser's page load.
#
# Needs bash, python3 (standard library only) and the binary; nothing but
# 127.0.0.1 is contacted. The figures depend on what else the machine is
# doing: the load average is printed before and after; compare runs made
# under the same conditions, and run several times.
set -euo pipefail

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# shellcheck source=bench-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
bench_args 2 "$@"
N="${POSITIONAL[1]:-200}"

[[ "$N" =~ ^[1-9][0-9]*$ ]] || { echo "N must be a positive whole number, not '$N'" >&2; exit 2; }
SELF_DOC="$REPO/fixtures/assessments/sampit-2023/kanim-sampit.self.json"
EVIDENCE="$REPO/fixtures/evidence/kanim-sampit"
[ -f "$SELF_DOC" ] && [ -d "$EVIDENCE" ] || { echo "fixtures not found under $REPO (use --repo)" >&2; exit 2; }

# 1. the server, on a fresh data folder and a port the OS picks
bench_serve bench-pages
grep -q 'demo accounts' "$TMP/server.out" || { echo "the demo data was not loaded" >&2; cat "$TMP/server.out" >&2; exit 1; }

printf '%s, %s CPUs, load %s, %s, N=%s\n' "$(date -u +%FT%TZ)" "$(nproc)" \
    "$(cut -d' ' -f1-3 /proc/loadavg)" "$BIN" "$N"

# 2.–5. in python3 (standard library only)
[ -z "${BENCH_PAGES_SAVE:-}" ] || mkdir -p "$BENCH_PAGES_SAVE"
python3 - "$ADDR" "$N" "$SELF_DOC" "$EVIDENCE" "${BENCH_PAGES_SAVE:-}" << 'PY'
import http.client, json, math, os, statistics, sys, time, urllib.parse, uuid

addr, n, self_doc, evidence_root, save_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
host, port = addr.rsplit(":", 1)
PASSWORD = "demo-p2ham-2023"
PERIOD, UNIT = "2023", "kanim-sampit"
CASE_API = f"/api/v1/periods/{PERIOD}/units/{UNIT}"
WARMUP = 10


def die(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)


class User:
    """One person: a keep-alive connection and the session cookie."""

    def __init__(self, username):
        self.username = username
        self.conn = http.client.HTTPConnection(host, int(port), timeout=60)
        self.cookie = None
        self.csrf = None

    def request(self, method, path, body=None, headers=None):
        h = dict(headers or {})
        if self.cookie:
            h["Cookie"] = self.cookie
        self.conn.request(method, path, body=body, headers=h)
        r = self.conn.getresponse()
        data = r.read()
        return r, data

    def login(self):
        form = urllib.parse.urlencode({"username": self.username, "password": PASSWORD})
        r, body = self.request("POST", "/login", form,
                               {"Content-Type": "application/x-www-form-urlencoded"})
        if r.status not in (302, 303):
            die(f"{self.username}: POST /login answered {r.status}: {body[:300]!r}")
        for k, v in r.getheaders():
            if k.lower() == "set-cookie" and v.startswith("p2ham_session="):
                self.cookie = v.split(";", 1)[0]
        if not self.cookie:
            die(f"{self.username}: POST /login set no p2ham_session cookie")
        r, body = self.request("GET", "/api/v1/session")
        if r.status != 200:
            die(f"{self.username}: GET /api/v1/session answered {r.status}: {body[:300]!r}")
        self.csrf = json.loads(body)["csrf_token"]

    def change(self, method, path, body, content_type, expect=(200, 201)):
        r, data = self.request(method, path, body,
                               {"Content-Type": content_type, "X-CSRF-Token": self.csrf})
        if r.status not in expect:
            die(f"{self.username}: {method} {path} answered {r.status}: {data[:1000]!r}")
        return data


operator = User("operator-kanim-sampit")
verifier = User("verifier-kalteng")
evaluator = User("evaluator")
for u in (operator, verifier, evaluator):
    u.login()

# 3. the case to `submitted`: the self-assessment, its evidence, the submission
with open(self_doc, "rb") as f:
    doc_bytes = f.read()
operator.change("PUT", f"{CASE_API}/self-assessment", doc_bytes, "application/json")
doc = json.loads(doc_bytes)
named = {}
for a in doc.get("answers", []):
    for e in a.get("evidence", []):
        if e.get("sha256"):
            named[e["path"]] = e["sha256"]
for path in sorted(named):
    with open(os.path.join(evidence_root, *path.split("/")), "rb") as f:
        content = f.read()
    boundary = "p2ham-bench-" + uuid.uuid4().hex
    body = (f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{path}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode() + content + \
        f"\r\n--{boundary}--\r\n".encode()
    operator.change("POST", f"{CASE_API}/evidence", body, f"multipart/form-data; boundary={boundary}")
operator.change("POST", f"{CASE_API}/submit", b"", "application/json")
r, body = verifier.request("GET", CASE_API)
status = json.loads(body).get("status") if r.status == 200 else None
if status != "submitted":
    die(f"the case is {status!r} (HTTP {r.status}), not submitted")
print(f"case {PERIOD}/{UNIT}: submitted, {len(named)} evidence files uploaded", file=sys.stderr)

# 4. the pages
pages = [
    ("GET /unit (operator)", "unit", operator, "/unit"),
    ("GET /periods/2023/units/kanim-sampit (operator, submitted)", "case-operator", operator, f"/periods/{PERIOD}/units/{UNIT}"),
    ("GET /periods/2023/units/kanim-sampit (verifier: review)", "case-verifier", verifier, f"/periods/{PERIOD}/units/{UNIT}"),
    ("GET /evaluation?period=2023 (evaluator)", "evaluation", evaluator, f"/evaluation?period={PERIOD}"),
]


def fetch(user, path):
    t0 = time.perf_counter()
    r, body = user.request("GET", path)
    dt = time.perf_counter() - t0
    if r.status != 200:
        die(f"{user.username}: GET {path} answered {r.status}: {body[:300]!r}")
    return dt, body


rows, sizes = [], []
for label, name, user, path in pages:
    for _ in range(WARMUP):
        fetch(user, path)
    times, lengths = [], set()
    for _ in range(n):
        dt, body = fetch(user, path)
        times.append(dt * 1000.0)
        lengths.add(len(body))
    if save_dir:
        with open(os.path.join(save_dir, name + ".html"), "wb") as f:
            f.write(body)
    times.sort()
    p99 = times[max(0, math.ceil(0.99 * n) - 1)]
    rows.append((label, statistics.median(times), p99))
    sizes.append((label, sorted(lengths)))

# 5. the table
print("| page | median ms | p99 ms |")
print("| --- | ---: | ---: |")
for label, med, p99 in rows:
    print(f"| {label} | {med:.2f} | {p99:.2f} |")
print()
print("response sizes (bytes): " + "; ".join(f"{label}: {'/'.join(map(str, s))}" for label, s in sizes))
PY

printf 'load after: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
