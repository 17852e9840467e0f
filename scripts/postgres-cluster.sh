#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests and the benchmark, in a temporary folder:
#   scripts/postgres-cluster.sh start DIR PORT   (prints the superuser's database URL)
#   scripts/postgres-cluster.sh stop DIR
# initdb refuses to run as root, so the cluster belongs to the `postgres` user when run as root.
set -euo pipefail

bin=/usr/lib/postgresql/15/bin
command=${1:?usage: postgres-cluster.sh start DIR PORT | stop DIR}
dir=${2:?the cluster folder}

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$command" in
start)
    port=${3:?the port}
    if [ ! -x "$bin/initdb" ]; then
        scripts/install-deps.sh postgresql >&2
    fi
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir"; fi
    chmod 700 "$dir"
    if [ ! -f "$dir/PG_VERSION" ]; then
        as_owner "$bin/initdb" -D "$dir" --auth=trust --username=postgres --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    fi
    # Durable like production (fsync on); sized for a 2-core test machine.
    as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=128MB" start >&2
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
stop)
    if [ -f "$dir/postmaster.pid" ]; then as_owner "$bin/pg_ctl" -D "$dir" -m fast -w stop >&2 || true; fi
    ;;
*)
    echo "usage: postgres-cluster.sh start DIR PORT | stop DIR" >&2
    exit 2
    ;;
esac
