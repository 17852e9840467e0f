#!/usr/bin/env bash
# Checks the systemd units: `systemd-analyze verify` passes and `systemd-analyze security`
# rates each unit's exposure at 2.0 or lower. Runs without systemd as PID 1.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v systemd-analyze >/dev/null; then
    if [ "$(id -u)" -eq 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd >/dev/null
    else
        echo "check-units: systemd-analyze is missing (apt-get install systemd)" >&2
        exit 1
    fi
fi

binary="${1:-$(swift build --show-bin-path)/enlace}"
[ -x "$binary" ] || { echo "check-units: no enlace binary at $binary (build first)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

status=0
for unit in systemd/*.service; do
    name=$(basename "$unit")
    # verify needs the ExecStart binary to exist: point it at the one just built.
    sed "s#/usr/bin/enlace#$binary#" "$unit" > "$work/$name"
    if ! systemd-analyze verify --man=no "$work/$name"; then
        echo "check-units: $name: systemd-analyze verify failed" >&2
        status=1
    fi
    exposure=$(systemd-analyze security --offline=yes "$work/$name" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
    if [ -z "$exposure" ] || awk -v e="$exposure" 'BEGIN { exit !(e > 2.0) }'; then
        echo "check-units: $name: exposure ${exposure:-unknown} is above 2.0" >&2
        status=1
    else
        echo "check-units: $name: verify ok, exposure $exposure"
    fi
done
exit $status
