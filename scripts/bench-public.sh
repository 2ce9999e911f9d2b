#!/usr/bin/env bash
# Load benchmark of the public record (not a test): requests per second and
# latency of the public pages and open data of `p2ham serve` under many
# concurrent visitors, on loopback.
#
#   scripts/bench-public.sh [--repo DIR] [BINARY] [SECONDS] [CONNECTIONS]
#
#   --repo DIR   the checkout whose fixtures are uploaded (default: the
#                repository this script lives in)
#   BINARY       the p2ham binary to measure (default:
#                ${CARGO_TARGET_DIR:-DIR/target}/release/p2ham; build it with
#                `cargo build --release -p p2ham-cli --locked`)
#   SECONDS      how long each URL is loaded (default 10)
#   CONNECTIONS  concurrent keep-alive connections (default 64)
#
# What it does:
#   1. Starts `BINARY serve --listen 127.0.0.1:0` on a fresh temporary data
#      folder (the Sampit demo: units, period 2023, one account per role,
#      password demo-p2ham-2023); reads the address from the welcome line.
#   2. Runs the Sampit year through the API as tests/year.rs does (the
#      team's photo of Kanim's ramp marked public): the 2022
#      Kalteng list imported as the previous awards, the three units'
#      self-assessments with their evidence submitted, verified with the
#      team's evidence, evaluated; one decree; the period published
#      (POST /api/v1/periods/2023/publish).
#   3. For each URL below, `wrk --latency` with 2 threads and CONNECTIONS
#      connections for SECONDS, sending `Accept-Encoding: gzip, br` as a
#      browser does; every URL is first checked to answer 200.
#        /publik  /publik/periode/2023  /publik/periode/2023?q=sampit&jenis=kanim
#        /publik/unit/kanim-sampit  /publik/fasilitas?q=laktasi
#        /publik/data/2023/awards.json  /publik/data/2023/units.json  /publik/feed.atom
#   4. Prints a Markdown table `| URL | requests/s | p50 ms | p99 ms | non-2xx |`.
#   BENCH_PUBLIC_RATE=N (optional): instead of wrk's as-fast-as-it-can, each
#   URL is sent N requests a second (all connections together) by `oha`
#   (crates.io: cargo install --locked oha; OHA=PATH if it is not on PATH),
#   with `--latency-correction`: a request's latency counts from when it
#   was due, so a server that falls behind the rate is not flattered
#   (coordinated omission). This measures a target of the form "N
#   requests/s with p99 under X ms" itself.
#   BENCH_PUBLIC_SCREENSHOTS=DIR (optional): before the load, the screenshots
#   of docs/public.md are taken into DIR (scripts/docs-screenshots-public.mjs).
#   BENCH_PUBLIC_PHONE=1 (optional): before the load, each public page as a
#   phone on a weak signal loads it (scripts/pages-on-a-phone.mjs --public).
#   The server is stopped and the temporary folder removed on exit (trap).
#
# Needs bash, python3 (standard library only), wrk (Debian: apt-get install
# wrk) and the binary; nothing but 127.0.0.1 is contacted. wrk and the
# server share the machine's CPUs: the figures are what one machine serves
# while also generating the load. The load average is printed before and after.
set -euo pipefail

usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# shellcheck source=bench-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
bench_args 3 "$@"
SECS="${POSITIONAL[1]:-10}"
CONNS="${POSITIONAL[2]:-64}"
[[ "$SECS" =~ ^[1-9][0-9]*$ ]] || { echo "SECONDS must be a positive whole number, not '$SECS'" >&2; exit 2; }
[[ "$CONNS" =~ ^[1-9][0-9]*$ ]] || { echo "CONNECTIONS must be a positive whole number, not '$CONNS'" >&2; exit 2; }
RATE="${BENCH_PUBLIC_RATE:-}"
if [ -n "$RATE" ]; then
    [[ "$RATE" =~ ^[1-9][0-9]*$ ]] || { echo "BENCH_PUBLIC_RATE must be a positive whole number, not '$RATE'" >&2; exit 2; }
    OHA="${OHA:-$(command -v oha || true)}"
    [ -n "$OHA" ] && [ -x "$OHA" ] || { echo "oha is needed for BENCH_PUBLIC_RATE (cargo install --locked oha; or OHA=PATH)" >&2; exit 2; }
else
    command -v wrk > /dev/null || { echo "wrk is needed (Debian: apt-get install wrk)" >&2; exit 2; }
fi
[ -d "$REPO/fixtures/assessments/sampit-2023" ] || { echo "fixtures not found under $REPO (use --repo)" >&2; exit 2; }

# 1. the server, on a fresh data folder and a port the OS picks
bench_serve bench-public

# 2. the year up to its publication, in python3 (standard library only)
python3 - "$ADDR" "$REPO" << 'PY'
import hashlib, http.client, json, os, sys, uuid

addr, repo = sys.argv[1], sys.argv[2]
host, port = addr.rsplit(":", 1)
PASSWORD = "demo-p2ham-2023"
UNITS = ["kanim-sampit", "lapas-sampit", "bapas-sampit"]


def die(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)


class User:
    def __init__(self, username):
        self.username = username
        self.conn = http.client.HTTPConnection(host, int(port), timeout=120)
        self.cookie = None
        r, body = self.request("POST", "/api/v1/session", json.dumps({"username": username, "password": PASSWORD}),
                               {"Content-Type": "application/json"})
        if r.status != 200:
            die(f"{username}: login answered {r.status}: {body[:300]!r}")
        for k, v in r.getheaders():
            if k.lower() == "set-cookie" and v.startswith("p2ham_session="):
                self.cookie = v.split(";", 1)[0]
        self.csrf = json.loads(body)["csrf_token"]

    def request(self, method, path, body=None, headers=None):
        h = dict(headers or {})
        if self.cookie:
            h["Cookie"] = self.cookie
        self.conn.request(method, path, body=body, headers=h)
        r = self.conn.getresponse()
        return r, r.read()

    def change(self, method, path, body, content_type, expect=(200, 201, 204)):
        r, data = self.request(method, path, body, {"Content-Type": content_type, "X-CSRF-Token": self.csrf})
        if r.status not in expect:
            die(f"{self.username}: {method} {path} answered {r.status}: {data[:1000]!r}")
        return data

    def upload(self, path, root, folders):
        for folder in folders:
            base = os.path.join(root, folder)
            for dirpath, _, files in os.walk(base):
                for name in sorted(files):
                    full = os.path.join(dirpath, name)
                    rel = os.path.relpath(full, root).replace(os.sep, "/")
                    with open(full, "rb") as f:
                        content = f.read()
                    boundary = "p2ham-bench-" + uuid.uuid4().hex
                    body = (f"--{boundary}\r\n"
                            f'Content-Disposition: form-data; name="file"; filename="{rel}"\r\n'
                            "Content-Type: application/octet-stream\r\n\r\n").encode() + content + \
                        f"\r\n--{boundary}--\r\n".encode()
                    self.change("POST", path, body, f"multipart/form-data; boundary={boundary}")


def read(rel):
    with open(os.path.join(repo, rel), "rb") as f:
        return f.read()


evaluator, verifier = User("evaluator"), User("verifier-kalteng")
evaluator.change("PUT", "/api/v1/periods/2023/previous-awards", read("fixtures/awards/kalteng-2022.json"),
                 "application/json")
for unit in UNITS:
    case = f"/api/v1/periods/2023/units/{unit}"
    op = User(f"operator-{unit}")
    root = os.path.join(repo, "fixtures/evidence", unit)
    op.upload(f"{case}/evidence", root, ["foto", "dokumen"])
    op.change("PUT", f"{case}/self-assessment", read(f"fixtures/assessments/sampit-2023/{unit}.self.json"),
              "application/json")
    op.change("POST", f"{case}/submit", b"{}", "application/json")
    verifier.upload(f"{case}/evidence", root, ["verifikasi"])
    verifier.change("PUT", f"{case}/verification",
                    read(f"fixtures/assessments/sampit-2023/{unit}.verification.json"), "application/json")
    evaluator.change("POST", f"{case}/evaluate", b"{}", "application/json")
# The team's photo of Kanim's ramp (A.13, verified as present) marked public, so
# the unit's public page carries a photo as a published one does.
ramp = hashlib.sha256(read("fixtures/evidence/kanim-sampit/verifikasi/jalan-landai.png")).hexdigest()
verifier.change("PUT", f"/api/v1/periods/2023/units/kanim-sampit/evidence/{ramp}/public",
                json.dumps({"indicator": "A.13", "caption": "Jalan landai di pintu masuk",
                            "no_faces_or_personal_data": True}), "application/json")
evaluator.change("POST", "/api/v1/periods/2023/decree",
                 json.dumps({"number": "M.HH-01.HA.03.07 Tahun 2023", "date": "2023-12-10",
                             "issuer": "Menteri Hukum dan Hak Asasi Manusia"}), "application/json")
published = json.loads(evaluator.change("POST", "/api/v1/periods/2023/publish", b"", "application/json"))
print(f"period 2023 published: {published['units']} units, {published['awarded']} awarded", file=sys.stderr)
PY

if [ -n "${BENCH_PUBLIC_SCREENSHOTS:-}" ]; then
    node "$SCRIPT_ROOT/scripts/docs-screenshots-public.mjs" "http://$ADDR" "$BENCH_PUBLIC_SCREENSHOTS"
fi
if [ -n "${BENCH_PUBLIC_PHONE:-}" ]; then
    node "$SCRIPT_ROOT/scripts/pages-on-a-phone.mjs" --public "http://$ADDR"
fi

printf '%s, %s CPUs, load %s, %s, %ss per URL, %s connections%s\n' "$(date -u +%FT%TZ)" "$(nproc)" \
    "$(cut -d' ' -f1-3 /proc/loadavg)" "$BIN" "$SECS" "$CONNS" "${RATE:+, a fixed $RATE requests/s (oha, latency corrected)}"

# 3.–4. the load
URLS=(/publik /publik/periode/2023 "/publik/periode/2023?q=sampit&jenis=kanim" /publik/unit/kanim-sampit
    "/publik/fasilitas?q=laktasi" /publik/data/2023/awards.json /publik/data/2023/units.json /publik/feed.atom)
to_ms() { # wrk's 1.23ms / 456.78us / 1.02s → milliseconds
    python3 -c 'import sys,re; v=sys.argv[1]; m=re.match(r"([\d.]+)(us|ms|s)$", v); f={"us":0.001,"ms":1,"s":1000}; print(f"{float(m.group(1))*f[m.group(2)]:.2f}" if m else "?")' "$1"
}
echo "| URL | requests/s | p50 ms | p99 ms | non-2xx |"
echo "| --- | ---: | ---: | ---: | ---: |"
for u in "${URLS[@]}"; do
    code="$(python3 -c 'import http.client,sys; c=http.client.HTTPConnection(*sys.argv[1].rsplit(":",1)); c.request("GET", sys.argv[2]); print(c.getresponse().status)' "$ADDR" "$u")"
    [ "$code" = 200 ] || { echo "GET $u answered $code" >&2; exit 1; }
    if [ -n "$RATE" ]; then
        "$OHA" --no-tui --output-format json -z "${SECS}s" -c "$CONNS" -q "$RATE" --latency-correction \
            -H 'Accept-Encoding: gzip, br' "http://$ADDR$u" > "$TMP/oha.json"
        python3 - "$u" "$TMP/oha.json" << 'PY'
import json, sys
url, path = sys.argv[1], sys.argv[2]
d = json.load(open(path))
p = d["latencyPercentiles"]
bad = sum(n for code, n in d["statusCodeDistribution"].items() if not code.startswith("2"))
# Requests still open when the time is up are cut off by oha, not refused.
errors = sum(n for e, n in d.get("errorDistribution", {}).items() if "deadline" not in e)
ms = lambda s: f"{s * 1000:.2f}" if s is not None else "?"
print(f"| {url} | {d['summary']['requestsPerSec']:.0f} | {ms(p['p50'])} | {ms(p['p99'])} | {bad + errors} |")
PY
        continue
    fi
    out="$(wrk --latency -t2 -c"$CONNS" -d"${SECS}s" -H 'Accept-Encoding: gzip, br' "http://$ADDR$u")"
    rps="$(awk '/^Requests\/sec:/ {print $2}' <<< "$out")"
    p50="$(awk '$1 == "50%" {print $2}' <<< "$out")"
    p99="$(awk '$1 == "99%" {print $2}' <<< "$out")"
    bad="$(awk '/Non-2xx or 3xx responses:/ {print $5}' <<< "$out")"
    printf '| %s | %s | %s | %s | %s |\n' "$u" "${rps%.*}" "$(to_ms "$p50")" "$(to_ms "$p99")" "${bad:-0}"
done
printf 'load after: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
