#!/usr/bin/env bash
# Checks the Prometheus alert rules in ops/ with promtool: their syntax (`check rules`) and what
# they fire on (`test rules`, ops/enlace-alerts.test.yml). promtool comes from Debian's
# `prometheus` package, unpacked into .build/promtool/ (installing it would start a Prometheus
# service on this machine).
set -euo pipefail
cd "$(dirname "$0")/.."

promtool=$(command -v promtool || true)
if [ -z "$promtool" ]; then
    promtool=.build/promtool/usr/bin/promtool
    if [ ! -x "$promtool" ]; then
        work=$(mktemp -d)
        trap 'rm -rf "$work"' EXIT
        (cd "$work" && apt-get download prometheus >/dev/null 2>&1) || {
            [ "$(id -u)" = 0 ] && apt-get update -qq >/dev/null && (cd "$work" && apt-get download prometheus >/dev/null)
        } || { echo "check-alerts: cannot download Debian's prometheus package for promtool" >&2; exit 1; }
        mkdir -p .build/promtool
        dpkg-deb -x "$work"/prometheus_*.deb .build/promtool
    fi
fi
promtool=$(realpath "$promtool")
"$promtool" check rules ops/enlace-alerts.yml
(cd ops && "$promtool" test rules enlace-alerts.test.yml)
