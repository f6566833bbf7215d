#!/usr/bin/env bash
# systemd reads the shipped message catalog: journalctl builds its catalog
# database from it offline (in a scratch root, as on an installed host under
# /usr/lib/systemd/catalog) and lists every entry, one per log event.
# Usage: journal_catalog_test.sh SOURCE_DIR
set -euo pipefail
src="$1"
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT

mkdir -p "$root/usr/lib/systemd/catalog" "$root/var/lib/systemd/catalog"
cp "$src/systemd/sluis.catalog" "$root/usr/lib/systemd/catalog/"
journalctl --root="$root" --update-catalog

want="$(grep -c '^-- ' "$src/systemd/sluis.catalog")"
got="$(journalctl --root="$root" --list-catalog | grep -c ' sluis: sluisd [A-Z0-9_]* (')"
echo "catalog entries: $want, listed by journalctl: $got"
[ "$want" -gt 0 ] && [ "$want" -eq "$got" ] || { echo "journalctl did not take every entry"; exit 1; }

# One entry, in full, as journalctl -x shows it to an operator.
# (Output is taken whole, not piped into head or grep -q, which exit early and
# leave the writer to die of SIGPIPE under pipefail.)
id="$(sed -n '0,/^-- \([0-9a-f]\{32\}\)$/s//\1/p' "$src/systemd/sluis.catalog")"
grep -q '^Defined-By: sluis$' <<< "$(journalctl --root="$root" --dump-catalog "$id")" ||
  { echo "entry $id not found by its MESSAGE_ID"; exit 1; }
