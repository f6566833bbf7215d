#!/usr/bin/env bash
# The Debian package as installed. Checks the .deb scripts/package built
# (contents, conffile, lintian), then installs it into a throwaway root — an
# overlay of this machine's root in a private mount namespace, entered with
# chroot, so dpkg, the maintainer scripts, sysusers and tmpfiles run for real
# and nothing reaches the host — and walks the operator's path of
# docs/operations.md there (tests/system/package_walk.sh).
# Runs as root (as CI does). Usage: package_test.sh SOURCE_DIR PACKAGE_DIR
set -euo pipefail
src="$(cd "$1" && pwd)"
pkgdir="$2"

fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "package_test needs root (dpkg -i, users, chroot)"
shopt -s nullglob
debs=("$pkgdir"/sluis_*.deb)
[ ${#debs[@]} -eq 1 ] || fail "expected one sluis_*.deb in $pkgdir (scripts/package builds it; scripts/test runs it first), found ${#debs[@]}"
deb="${debs[0]}"
echo "== package: $deb"

echo "== contents"
contents="$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|')"
for f in /usr/sbin/sluisd /usr/bin/sluisctl /etc/sluis/sluisd.toml \
  /usr/lib/systemd/system/sluisd.service /usr/lib/sysusers.d/sluisd.conf /usr/lib/tmpfiles.d/sluisd.conf \
  /usr/lib/systemd/catalog/sluis.catalog /usr/share/man/man8/sluisd.8.gz /usr/share/man/man8/sluisctl.8.gz \
  /usr/share/man/man5/sluisd.toml.5.gz /usr/share/bash-completion/completions/sluisctl \
  /usr/share/sluis/schemas/ijw/3.2/ /usr/share/sluis/reference/cbs-gemeenten.csv \
  /usr/share/sluis/reference/productcodes.csv /usr/share/doc/sluis/copyright \
  /usr/share/doc/sluis/changelog.gz /usr/share/doc/sluis/operations.md \
  /usr/share/doc/sluis/examples/messages/301-toewijzing.xml; do
  grep -qxF "$f" <<<"$contents" || fail "the package lacks $f"
done
[ "$(dpkg-deb -f "$deb" Package)" = sluis ] || fail "package name"
depends="$(dpkg-deb -f "$deb" Depends)"
echo "Depends: $depends"
for d in libxerces-c3.2 libssl3 libsqlite3-0 libsystemd0 systemd; do
  grep -q "$d" <<<"$depends" || fail "Depends lacks $d"
done
ctl="$(mktemp -d)"
base="$(mktemp -d /tmp/sluis-pkgroot.XXXXXX)"  # the throwaway root's mount point
trap 'rm -rf "$ctl"; rmdir "$base" 2>/dev/null || true' EXIT
dpkg-deb -e "$deb" "$ctl/DEBIAN"
grep -qxF /etc/sluis/sluisd.toml "$ctl/DEBIAN/conffiles" || fail "/etc/sluis/sluisd.toml is not a conffile"
# No key or certificate comes with the package or is made by its scripts.
if grep -E '\.(key|pem|crl)$' <<<"$contents"; then fail "the package ships keys or certificates"; fi
if grep -lE 'openssl|rand ' "$ctl/DEBIAN/postinst"; then fail "postinst generates secrets"; fi
# The installed configuration is the production example, byte for byte.
dpkg-deb --fsys-tarfile "$deb" | tar -xO ./etc/sluis/sluisd.toml | cmp - "$src/config/sluisd.production.toml" ||
  fail "/etc/sluis/sluisd.toml differs from config/sluisd.production.toml"

echo "== lintian"
lintian --fail-on error,warning --tag-display-limit 0 "$deb"

echo "== install and walk in a throwaway root"
unshare --mount --propagation private -- "$src/tests/system/package_root.sh" "$src" "$deb" "$base"
