#!/usr/bin/env bash
# Installs Enlace on a Debian machine: the binary, the systemd units, example configuration,
# the example roster and the README; creates the `enlace` service user. Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
PREFIX="${PREFIX:-/usr/local}"

if [ "$(id -u)" -ne 0 ]; then
    echo "install: run as root (sudo make install)" >&2
    exit 1
fi

scripts/install-deps.sh
swift build -c release --product enlace
install -D -m 0755 "$(swift build -c release --show-bin-path)/enlace" "$PREFIX/bin/enlace"

# The same layout as the Debian package: user and group `enlace` (staff who use a node join the
# group: its socket is 0660), /var/lib/enlace owned by it.
if ! getent group enlace >/dev/null; then
    groupadd --system enlace
fi
if ! id enlace >/dev/null 2>&1; then
    useradd --system --gid enlace --home-dir /var/lib/enlace --no-create-home --shell /usr/sbin/nologin enlace
fi
install -d -m 0750 -o enlace -g enlace /var/lib/enlace

install -d -m 0750 -o root -g enlace /etc/enlace
for name in node central; do
    # Never overwrite a configuration an admin has edited.
    if [ ! -e "/etc/enlace/$name.conf" ]; then
        install -m 0640 -o root -g enlace "config/$name.conf" "/etc/enlace/$name.conf"
    fi
done

for unit in systemd/*.service; do
    sed "s#/usr/bin/enlace#$PREFIX/bin/enlace#; s#/usr/share/doc/enlace#$PREFIX/share/doc/enlace#" "$unit" > "/etc/systemd/system/$(basename "$unit")"
    chmod 0644 "/etc/systemd/system/$(basename "$unit")"
done

install -D -m 0644 Sources/EnlaceDemo/Resources/roster-ec0539.csv "$PREFIX/share/enlace/examples/roster-ec0539.csv"
install -D -m 0644 examples/README.md "$PREFIX/share/enlace/examples/README.md"
install -D -m 0644 README.md "$PREFIX/share/doc/enlace/README.md"
mkdir -p "$PREFIX/share/doc/enlace" && cp -r docs "$PREFIX/share/doc/enlace/"
command -v systemctl >/dev/null && systemctl daemon-reload 2>/dev/null || true

cat <<NEXT
Enlace installed in $PREFIX/bin/enlace.
Department machine:  sudo -u enlace enlace node init --node-id ID --department DEPT --central URL --token TOKEN
                     systemctl enable --now enlace-node
Central server:      sudo -u enlace enlace central init
                     systemctl enable --now enlace-central
Staff who use a node: sudo usermod -aG enlace USER   (then sign in again)
NEXT
