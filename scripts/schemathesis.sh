#!/usr/bin/env bash
# Runs schemathesis (from PyPI) against a running central server and a running node's local
# API, generated from openapi/: no 5xx, every status code, content type and body conforming.
# The central server is probed with an office token, then as a bound node whose every request
# is signed with its key (scripts/schemathesis_hooks.py), so the sync paths' decoders are fuzzed
# past authentication. POST /v1/sync on the node is left out: its 502/503 answers are its
# contract (the central server's reachability), tested end to end by the Swift suites.
set -euo pipefail
cd "$(dirname "$0")/.."

binary="${1:-$(swift build --show-bin-path)/enlace}"
[ -x "$binary" ] || { echo "schemathesis: no enlace binary at $binary (build first)" >&2; exit 1; }
venv=.build/schemathesis-venv
if [ ! -x "$venv/bin/st" ] || ! "$venv/bin/python" -c "import cryptography" 2>/dev/null; then
    if ! python3 -c "import venv, ensurepip" 2>/dev/null; then
        if [ "$(id -u)" -eq 0 ]; then
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
        else
            echo "schemathesis: python3-venv is missing (apt-get install python3-venv)" >&2
            exit 1
        fi
    fi
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "schemathesis>=4.32,<5" "cryptography>=41"
fi

work=$(mktemp -d /tmp/enlace-st-XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
token() { python3 -c 'import sys, json; print(json.load(sys.stdin)["token"])'; }
wait_for() {
    python3 - "$1" <<'PY'
import sys, time, urllib.request
for _ in range(400):
    try:
        urllib.request.urlopen(sys.argv[1], timeout=1)
        sys.exit(0)
    except Exception:
        time.sleep(0.05)
print(f"schemathesis: {sys.argv[1]} did not come up", file=sys.stderr)
sys.exit(1)
PY
}

checks=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance
run() { PYTHONPATH=scripts SCHEMATHESIS_HOOKS=schemathesis_hooks "$venv/bin/st" run "$@" --checks "$checks" --max-examples 25 --phases examples,coverage,fuzzing --workers 1; }

# The central server, probed once with an office token and once as a bound node.
central_port=$(free_port)
"$binary" central init --data "$work/central" >/dev/null
admin=$("$binary" central user add --data "$work/central" --name fuzz-admin --role admin --json | token)
node=$("$binary" central enroll --data "$work/central" --node-id fuzz-01 --department C4 --json | token)
"$binary" central run --data "$work/central" --listen "127.0.0.1:$central_port" >"$work/central.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$central_port/healthz"
run openapi/central.yaml --url "http://127.0.0.1:$central_port" -H "Authorization: Bearer $admin"

# fuzz-01 binds its key at its first sync round, then stops: its key signs what follows.
"$binary" node init --data "$work/bound" --node-id fuzz-01 --department C4 --central "http://127.0.0.1:$central_port" --token "$node" >/dev/null
"$binary" node run --data "$work/bound" --sync-interval 3600 --sync-debounce 3600 >"$work/bound.log" 2>&1 &
bound_pid=$!
for _ in $(seq 1 200); do [ -S "$work/bound/node.sock" ] && break; sleep 0.05; done
"$binary" sync --data "$work/bound" >/dev/null
kill "$bound_pid"; wait "$bound_pid" 2>/dev/null || true
signed() { ENLACE_SIGNING_KEY="$work/bound/node.key" ENLACE_SIGNING_NODE=fuzz-01 run openapi/central.yaml --url "http://127.0.0.1:$central_port" -H "Authorization: Bearer $node" "$@"; }
# A fuzzed rotation or new epoch would change the key or chain the later requests stand on: they run last.
signed --exclude-path /v1/sync/rotate --exclude-path /v1/sync/epoch
signed --include-path /v1/sync/epoch
signed --include-path /v1/sync/rotate
# The signed runs reached the routes' own checks: requests past the signature, per route.
metrics=$(python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1]).read().decode())' "http://127.0.0.1:$central_port/metrics")
for route in /v1/sync/push /v1/sync/pull /v1/sync/relay /v1/sync/holdings; do
    count=$(printf '%s\n' "$metrics" | awk -v r="route=\"$route\"" 'index($0, "enlace_central_signed_requests_total{") == 1 && index($0, r) { print $NF }')
    if [ -z "$count" ] || [ "${count%.*}" -lt 5 ]; then
        echo "schemathesis: only '${count:-0}' signed requests reached $route: the signing hook does not get past authentication" >&2
        exit 1
    fi
    echo "schemathesis: $count signed requests reached $route"
done

# A node's local API on a loopback TCP address.
node_port=$(free_port)
"$binary" node init --data "$work/node" --node-id fuzz-02 --department DIF --central "http://127.0.0.1:$central_port" --token "$node" >/dev/null
"$binary" node run --data "$work/node" --http-listen "127.0.0.1:$node_port" --sync-interval 3600 --sync-debounce 3600 >"$work/node.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$node_port/metrics"
# On TCP every request carries the node's local credential (DIR/local.token).
run openapi/node.yaml --url "http://127.0.0.1:$node_port" --exclude-path /v1/sync -H "Authorization: Bearer $(cat "$work/node/local.token")" \
    -H "X-Enlace-Author: fuzz-servant"
echo "schemathesis: central and node APIs conform"
