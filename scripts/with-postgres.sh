#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL 15 cluster: ENLACE_TEST_POSTGRES names its
# superuser's database; the cluster and its folder are removed when the command ends.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d /tmp/enlace-pg.XXXXXX)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() {
    scripts/postgres-cluster.sh stop "$dir" || true
    rm -rf "$dir"
}
trap cleanup EXIT
ENLACE_TEST_POSTGRES=$(scripts/postgres-cluster.sh start "$dir" "$port")
export ENLACE_TEST_POSTGRES
"$@"
