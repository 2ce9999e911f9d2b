# What the benchmark scripts share; sourced, never run. Each script defines
# `usage` before sourcing it.
#
#   bench_args MAX "$@"  the options (--repo DIR, -h) and at most MAX
#                        positional arguments: sets SCRIPT_ROOT (this
#                        checkout), REPO (absolute), the array
#                        POSITIONAL, and BIN (the first positional, else the
#                        release binary under CARGO_TARGET_DIR or REPO/target)
#   bench_serve NAME     `p2ham serve` on a fresh data folder under a new
#                        temporary folder TMP (p2ham-NAME.XXXXXX) and a port
#                        the OS picks; sets ADDR (127.0.0.1:PORT) once it
#                        listens. The server is stopped (SIGTERM, then SIGKILL
#                        after 10 s) and TMP removed when the script exits.

bench_args() {
    local max="$1"
    shift
    SCRIPT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    REPO="$SCRIPT_ROOT"
    POSITIONAL=()
    while [ $# -gt 0 ]; do
        case "$1" in
            --repo) [ $# -ge 2 ] || usage; REPO="$2"; shift 2 ;;
            --repo=*) REPO="${1#--repo=}"; shift ;;
            -h | --help) usage ;;
            --) shift; POSITIONAL+=("$@"); break ;;
            -*) echo "unknown option: $1" >&2; usage ;;
            *) POSITIONAL+=("$1"); shift ;;
        esac
    done
    [ "${#POSITIONAL[@]}" -le "$max" ] || usage
    REPO="$(cd "$REPO" && pwd)"
    BIN="${POSITIONAL[0]:-${CARGO_TARGET_DIR:-$REPO/target}/release/p2ham}"
    [ -x "$BIN" ] || { echo "no p2ham binary at $BIN (build it: cargo build --release -p p2ham-cli --locked)" >&2; exit 2; }
    command -v python3 > /dev/null || { echo "python3 is needed" >&2; exit 2; }
}

bench_cleanup() {
    if [ -n "${SERVER_PID:-}" ] && kill -0 "$SERVER_PID" 2> /dev/null; then
        kill "$SERVER_PID" 2> /dev/null || true # SIGTERM: a graceful shutdown
        for _ in $(seq 100); do kill -0 "$SERVER_PID" 2> /dev/null || break; sleep 0.1; done
        kill -9 "$SERVER_PID" 2> /dev/null || true
        wait "$SERVER_PID" 2> /dev/null || true
    fi
    rm -rf "${TMP:-}"
}

bench_serve() {
    TMP="$(mktemp -d "${TMPDIR:-/tmp}/p2ham-$1.XXXXXX")"
    SERVER_PID=""
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
    RUST_LOG=warn "$BIN" serve --data-dir "$TMP/data" --listen 127.0.0.1:0 > "$TMP/server.out" 2> "$TMP/server.err" &
    SERVER_PID=$!
    ADDR=""
    for _ in $(seq 300); do # up to 30 s (a fresh database runs its migrations first)
        if ! kill -0 "$SERVER_PID" 2> /dev/null; then
            echo "p2ham serve exited:" >&2; cat "$TMP/server.out" "$TMP/server.err" >&2; exit 1
        fi
        ADDR="$(sed -n 's|^P2HAM application listening on http://\([^/]*\)/.*|\1|p' "$TMP/server.out")"
        [ -n "$ADDR" ] && break
        sleep 0.1
    done
    [ -n "$ADDR" ] || { echo "p2ham serve did not say where it listens" >&2; cat "$TMP/server.err" >&2; exit 1; }
    case "$ADDR" in 127.0.0.1:*) ;; *) echo "unexpected address $ADDR" >&2; exit 1 ;; esac
}
