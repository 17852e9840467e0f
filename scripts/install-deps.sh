#!/usr/bin/env bash
# Installs the Debian packages Enlace needs to build and test, when they are missing; packages
# named as arguments are ensured too (the desk's browser test names Chromium and its driver).
set -euo pipefail

packages=(libcurl4-openssl-dev libsqlite3-dev pkg-config faketime "$@")
missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "enlace: missing system packages: ${missing[*]}" >&2
    echo "enlace: install them as root: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi

echo "enlace: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
