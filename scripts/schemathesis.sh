#!/usr/bin/env bash
# Runs schemathesis (from PyPI) against a running central server and a running node's local
# API, generated from openapi/: no 5xx, every status code, content type and body conforming.
# POST /v1/sync on the node is left out: its 502/503 answers are its contract (the central
# server's reachability), tested end to end by the Swift suites.
set -euo pipefail
cd "$(dirname "$0")/.."

binary="${1:-$(swift build --show-bin-path)/enlace}"
[ -x "$binary" ] || { echo "schemathesis: no enlace binary at $binary (build first)" >&2; exit 1; }
venv=.build/schemathesis-venv
if [ ! -x "$venv/bin/st" ]; then
    if ! python3 -c "import venv, ensurepip" 2>/dev/null; then
        if [ "$(id -u)" -eq 0 ]; then
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
        else
            echo "schemathesis: python3-venv is missing (apt-get install python3-venv)" >&2
            exit 1
        fi
    fi
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "schemathesis>=4.32,<5"
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

# The central server, probed once with an office token and once with a node token.
central_port=$(free_port)
"$binary" central init --data "$work/central" >/dev/null
admin=$("$binary" central user add --data "$work/central" --name fuzz-admin --role admin --json | token)
node=$("$binary" central enroll --data "$work/central" --node-id fuzz-01 --department C4 --json | token)
"$binary" central run --data "$work/central" --listen "127.0.0.1:$central_port" >"$work/central.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$central_port/healthz"
run openapi/central.yaml --url "http://127.0.0.1:$central_port" -H "Authorization: Bearer $admin"
run openapi/central.yaml --url "http://127.0.0.1:$central_port" -H "Authorization: Bearer $node"

# A node's local API on a loopback TCP address.
node_port=$(free_port)
"$binary" node init --data "$work/node" --node-id fuzz-02 --department DIF --central "http://127.0.0.1:$central_port" --token "$node" >/dev/null
"$binary" node run --data "$work/node" --http-listen "127.0.0.1:$node_port" --sync-interval 3600 --sync-debounce 3600 >"$work/node.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$node_port/v1/status"
run openapi/node.yaml --url "http://127.0.0.1:$node_port" --exclude-path /v1/sync
echo "schemathesis: central and node APIs conform"
