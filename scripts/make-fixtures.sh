#!/usr/bin/env bash
# Writes Tests/Fixtures/RELEASE/: a central server's and a node's data folders as this release
# leaves them — enrolled, bound, a case with an attention and a certificate synced — for the
# upgrade test (UpgradeEndToEndTests) to open with every later release. Run once per release,
# with that release's binary; commit the result. Test keys only: nothing real is in them.
set -euo pipefail
cd "$(dirname "$0")/.."
binary="${1:-$(swift build --show-bin-path)/enlace}"
release=$("$binary" --version | sed -n 's/^\([0-9][0-9.]*\) .*/\1/p')
out="Tests/Fixtures/$release"
[ -e "$out" ] && { echo "make-fixtures: $out exists; releases keep the fixtures they wrote" >&2; exit 1; }
work=$(mktemp -d)
trap 'kill $central_pid $node_pid 2>/dev/null || true; rm -rf "$work"' EXIT
export ENLACE_AUTHOR=srv-fixture

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$binary" central init --data "$work/central" >/dev/null
token=$("$binary" central enroll --data "$work/central" --node-id c4-01 --department C4 --json | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
office=$("$binary" central user add --data "$work/central" --name fixture --role resolver --json | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
"$binary" node init --data "$work/node" --node-id c4-01 --department C4 --central "http://127.0.0.1:$port" --token "$token" >/dev/null
"$binary" central run --data "$work/central" --listen "127.0.0.1:$port" 2>"$work/central.log" & central_pid=$!
"$binary" node run --data "$work/node" --sync-interval 3600 --sync-debounce 3600 2>"$work/node.log" & node_pid=$!
for _ in $(seq 100); do [ -S "$work/node/node.sock" ] && curl -s "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

id=$("$binary" case create --data "$work/node" --channel emergencia_911 --name "Ana Fixture" --risk medio --json | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
"$binary" case attend "$id" --data "$work/node" --kind primer_contacto --note "Primer contacto." >/dev/null
"$binary" cert issue --data "$work/node" --holder "Rosa Fixture" --standard EC0539 --folio FX-1 --valid-until 2030-06-30 >/dev/null
"$binary" sync --data "$work/node" >/dev/null
echo "$id" > "$work/case-id"
echo "$office" > "$work/office-token"

kill -TERM $node_pid $central_pid
wait $node_pid $central_pid 2>/dev/null || true
mkdir -p "$out"
for role in central node; do
    # Everything in the main file: the copy is one file per store.
    python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("PRAGMA wal_checkpoint(TRUNCATE)"); c.close()' "$work/$role/journal.sqlite"
    cp -r "$work/$role" "$out/$role"
    rm -f "$out/$role"/*.sock "$out/$role"/*.lock "$out/$role"/*-wal "$out/$role"/*-shm
done
cp "$work/case-id" "$work/office-token" "$out/"
echo "make-fixtures: wrote $out ($(du -sh "$out" | cut -f1))"
ls -la "$out/central" "$out/node"
