#!/usr/bin/env bash
# Tests the Debian package as installed (as root, on a machine that may be reused): installs
# .build/package/enlace_*.deb with apt-get, then with a PATH and library path that hold no Swift
# toolchain runs `enlace --version`, `ldd` (no toolchain library), `enlace demo`, a `node init`
# as the `enlace` user into /var/lib/enlace/node (the folder /etc/enlace/node.conf names, with
# no --data), `enlace status` (which names the systemd commands to run), `systemd-analyze verify`
# of the installed units; then purges the package, checks the data stayed, and removes what the
# test made.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then echo "package-test: skipped: it installs the package, so it runs as root (CI does)" >&2; exit 0; fi
deb=$(ls -t .build/package/enlace_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { echo "package-test: no package in .build/package (run scripts/package.sh)" >&2; exit 1; }

fail() { echo "package-test: $*" >&2; exit 1; }
work=$(mktemp -d)
had_user=$(getent passwd enlace >/dev/null && echo yes || echo no)
cleanup() {
    apt-get purge -y -qq enlace >/dev/null 2>&1 || true
    rm -rf "$work" /var/lib/enlace/node /var/lib/enlace/central
    rmdir /var/lib/enlace 2>/dev/null || true
    if [ "$had_user" = no ]; then userdel enlace 2>/dev/null || true; groupdel enlace 2>/dev/null || true; fi
}
trap cleanup EXIT
# A machine reused from an earlier run: start from nothing.
apt-get purge -y -qq enlace >/dev/null 2>&1 || true
[ -e /var/lib/enlace/node ] && fail "/var/lib/enlace/node exists already: move it aside first"

DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "./$deb" >/dev/null
echo "package-test: installed $deb ($(du -h "$deb" | cut -f1))"

# Nothing of the toolchain: a bare PATH, no library path.
bare() { env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp LANG=C.UTF-8 "$@"; }
[ "$(command -v enlace)" = /usr/bin/enlace ] || fail "enlace is not /usr/bin/enlace"
version=$(bare enlace --version) || fail "enlace --version failed"
echo "package-test: enlace --version: $version"
echo "$version" | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+ \(commit [^)]+\)$' || fail "the version does not name its release and commit: $version"
libraries=$(ldd /usr/bin/enlace)
echo "$libraries" | sed 's/^/package-test: ldd: /'
if echo "$libraries" | grep -Eiq 'swift|not found|/opt/'; then fail "the installed binary needs a toolchain library"; fi

bare enlace demo --data "$work/demo" > "$work/demo.txt" 2>&1 || { cat "$work/demo.txt"; fail "enlace demo failed as installed"; }
grep -q "Réplicas idénticas.*: sí" "$work/demo.txt" || { cat "$work/demo.txt"; fail "the demo did not end with identical replicas"; }
echo "package-test: enlace demo ran as installed"

# A node, initialised by the service user into the folder the installed node.conf names.
bare enlace central init --data "$work/central" >/dev/null
token=$(bare enlace central enroll --data "$work/central" --node-id prueba-01 --department C4 --json | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || fail "no enrollment token"
runuser -u enlace -- env -i PATH=/usr/bin:/bin HOME=/tmp enlace node init --node-id prueba-01 --department C4 \
    --central http://127.0.0.1:9 --token "$token" > "$work/init.txt" 2>&1 || { cat "$work/init.txt"; fail "node init as enlace failed"; }
[ "$(stat -c %U /var/lib/enlace/node/journal.sqlite)" = enlace ] || fail "the node's journal is not the enlace user's"
echo "package-test: node init as the enlace user wrote /var/lib/enlace/node"
if runuser -u enlace -- env -i PATH=/usr/bin:/bin HOME=/tmp enlace status > "$work/status.txt" 2>&1; then fail "status succeeded with no daemon"; fi
grep -q "systemctl status enlace-node" "$work/status.txt" || { cat "$work/status.txt"; fail "status does not say what to run on a systemd machine"; }
echo "package-test: enlace status names systemctl and journalctl"

if command -v systemd-analyze >/dev/null; then
    systemd-analyze verify --man=no /lib/systemd/system/enlace-node.service /lib/systemd/system/enlace-central.service
    echo "package-test: the installed units verify"
fi

apt-get purge -y -qq enlace >/dev/null
[ -e /usr/bin/enlace ] && fail "purge left /usr/bin/enlace"
[ -f /var/lib/enlace/node/journal.sqlite ] || fail "purging the package deleted the node's data"
echo "package-test: purged; the data stayed in /var/lib/enlace"
