#!/usr/bin/env bash
# Builds the Debian package: `enlace_VERSION_ARCH.deb` in .build/package/, from a release build
# with the Swift runtime linked statically (a department machine needs no toolchain), depending
# only on Debian's libraries (found by dpkg-shlibdeps). It holds the binary (stripped), both
# systemd units, /etc/enlace/{node,central}.conf as conffiles, the example roster, the docs, and
# maintainer scripts that create the `enlace` user and group and /var/lib/enlace without starting
# anything. Then lintian checks it (errors fail the build).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh dpkg-dev lintian fakeroot binutils
swift build -c release --product enlace --static-swift-stdlib
binary="$(swift build -c release --show-bin-path)/enlace"

version=$("$binary" --version | sed -n 's/^\([0-9][0-9.]*\) .*/\1/p')
[ -n "$version" ] || { echo "package: cannot read the version from $binary --version" >&2; exit 1; }
arch=$(dpkg --print-architecture)
out=.build/package
root="$out/enlace_${version}_${arch}"
rm -rf "$root"
mkdir -p "$root/DEBIAN" "$root/usr/bin" "$root/lib/systemd/system" "$root/etc/enlace" \
    "$root/usr/share/enlace/examples" "$root/usr/share/doc/enlace"

install -m 0755 "$binary" "$root/usr/bin/enlace"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/enlace"
for unit in systemd/*.service; do install -m 0644 "$unit" "$root/lib/systemd/system/"; done
for name in node central; do install -m 0644 "config/$name.conf" "$root/etc/enlace/$name.conf"; done
install -m 0644 Sources/EnlaceDemo/Resources/roster-ec0539.csv examples/README.md "$root/usr/share/enlace/examples/"
install -m 0644 README.md "$root/usr/share/doc/enlace/"
cp -r docs "$root/usr/share/doc/enlace/docs"
find "$root/usr/share/doc/enlace" -type d -exec chmod 0755 {} + && find "$root/usr/share/doc/enlace" -type f -exec chmod 0644 {} +
install -m 0644 packaging/debian/copyright "$root/usr/share/doc/enlace/copyright"
sed "s/@VERSION@/$version/; s/@DATE@/$(date -R)/" packaging/debian/changelog | gzip -9n > "$root/usr/share/doc/enlace/changelog.gz"
chmod 0644 "$root/usr/share/doc/enlace/changelog.gz"
install -d "$root/usr/share/lintian/overrides"
install -m 0644 packaging/debian/lintian-overrides "$root/usr/share/lintian/overrides/enlace"

# The libraries the binary links, as Debian package dependencies.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/debian"
printf 'Source: enlace\n\nPackage: enlace\nArchitecture: any\n' > "$work/debian/control"
depends=$(cd "$work" && dpkg-shlibdeps -O "$OLDPWD/$root/usr/bin/enlace" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "package: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed "s/@VERSION@/$version/; s/@ARCH@/$arch/; s/@DEPENDS@/$depends/; s/@SIZE@/$size/" packaging/debian/control > "$root/DEBIAN/control"
printf '/etc/enlace/node.conf\n/etc/enlace/central.conf\n' > "$root/DEBIAN/conffiles"
for script in postinst prerm postrm; do install -m 0755 "packaging/debian/$script" "$root/DEBIAN/$script"; done
(cd "$root" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum > DEBIAN/md5sums)
chmod 0644 "$root/DEBIAN/md5sums" "$root/DEBIAN/control" "$root/DEBIAN/conffiles"

deb="$out/enlace_${version}_${arch}.deb"
fakeroot dpkg-deb --build -Zxz "$root" "$deb" >/dev/null
echo "package: $deb ($(du -h "$deb" | cut -f1))"
lintian --fail-on error --no-tag-display-limit "$deb"
echo "package: lintian reports no errors"
