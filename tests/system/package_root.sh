#!/usr/bin/env bash
# Inside a private mount namespace (package_test.sh): an overlay of / on a
# tmpfs, /proc, /sys, /dev bound in, fresh /run and /tmp; then package_walk.sh
# runs in it through chroot. Every change lives in the tmpfs and is gone when
# the namespace ends. Usage: package_root.sh SOURCE_DIR DEB EMPTY_DIR
set -euo pipefail
src="$1"
deb="$2"
base="$3"
mount -t tmpfs -o size=2g sluis-pkgroot "$base"
mkdir -p "$base/upper" "$base/work" "$base/root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$base/upper,workdir=$base/work" "$base/root"
root="$base/root"
mount --rbind /proc "$root/proc"
mount --rbind /sys "$root/sys"
mount --rbind /dev "$root/dev"
mount -t tmpfs -o mode=0755 run "$root/run"
mount -t tmpfs -o mode=1777 tmp "$root/tmp"
mkdir -p "$root/tmp/walk"
cp "$deb" "$root/tmp/walk/"
cp "$src/tests/system/package_walk.sh" "$root/tmp/walk/"
cp "$src/scripts/lib/dev-pki.sh" "$root/tmp/walk/"
status=0
chroot "$root" /bin/bash /tmp/walk/package_walk.sh /tmp/walk || status=$?
# A sluisd of the walk (if a check failed half-way) must not outlive the root.
for f in "$root"/tmp/walk/*.pid; do
  [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null || true
done
exit "$status"
