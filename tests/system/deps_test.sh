#!/bin/bash
# scripts/lib/deps.sh picks Boost 1.81 or newer: an installed family without
# asking apt, else the newest libboost1.NN-dev family (NN >= 81) apt offers,
# else the unversioned packages when their candidate is new enough; and fails
# clearly when there is none. dpkg-query and apt-cache are faked with the
# outputs of Debian 11, 12 and 13, so no network and no package lists are used.
# Usage: deps_test.sh SOURCE_DIR
set -euo pipefail
src=${1:?usage: deps_test.sh SOURCE_DIR}
# shellcheck source=../../scripts/lib/deps.sh
. "$src/scripts/lib/deps.sh"

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The fake system: INSTALLED (name=version ...), AVAILABLE (name=candidate ...).
INSTALLED=""
AVAILABLE=""
lookup() {  # lookup NAME LIST -> version
  local entry
  for entry in $2; do
    if [ "${entry%%=*}" = "$1" ]; then
      echo "${entry#*=}"
      return 0
    fi
  done
  return 1
}
dpkg-query() {
  local format="" pkg
  while [ $# -gt 0 ]; do
    case $1 in
      -W) ;;
      -f=*) format=${1#-f=} ;;
      -f) shift; format=$1 ;;
      *) pkg=$1 ;;
    esac
    shift
  done
  local entry name
  case $format in
    '${Package}\n')
      for entry in $INSTALLED; do
        name=${entry%%=*}
        # shellcheck disable=SC2053
        if [[ $name == $pkg ]]; then echo "$name"; fi
      done ;;
    '${Status}')
      lookup "$pkg" "$INSTALLED" >/dev/null || return 1
      echo "install ok installed" ;;
    '${Version}')
      lookup "$pkg" "$INSTALLED" || return 1 ;;
    *) echo "unexpected dpkg-query format $format" >&2; return 2 ;;
  esac
}
apt-cache() {
  echo call >>"$work/apt-cache-calls"
  local entry name
  case $1 in
    pkgnames)
      for entry in $AVAILABLE; do
        name=${entry%%=*}
        if [[ $name == "$2"* ]]; then echo "$name"; fi
      done ;;
    policy)
      local cand
      cand=$(lookup "$2" "$AVAILABLE") || cand="(none)"
      printf '%s:\n  Installed: (none)\n  Candidate: %s\n  Version table:\n' "$2" "$cand" ;;
    *) echo "unexpected apt-cache $*" >&2; return 2 ;;
  esac
}

family() {  # family VERSIONSUFFIX VERSION -> name=version for the four packages
  local stem
  for stem in libboost libboost-test libboost-json libboost-program-options; do
    echo -n "$stem$1-dev=$2 "
  done
}

expect_pick() {  # expect_pick WHAT FIRST-NAME
  local got
  rm -f "$work/apt-cache-calls"
  if ! got=$(sluis_boost_packages 2>"$work/err"); then
    fail "$1: no pick ($(cat "$work/err"))"
    return
  fi
  local want
  want=$(echo "$2" | sed 's/^libboost\(.*\)-dev$/\1/')
  local expected="libboost$want-dev
libboost-test$want-dev
libboost-json$want-dev
libboost-program-options$want-dev"
  if [ "$got" != "$expected" ]; then fail "$1: picked [$got], expected [$expected]"; fi
}

debian12_lists="$(family 1.74 1.74.0-18.1) $(family 1.81 1.81.0-5) $(family "" 1.74.0.3)"
debian13_lists="$(family 1.83 1.83.0-4.2) $(family "" 1.83.0.2+b2) libboost1.88-dev=1.88.0-1"

# Debian 12, nothing installed: the 1.81 family, not the default 1.74.
INSTALLED="" AVAILABLE="$debian12_lists"
expect_pick "debian 12" libboost1.81-dev
# Debian 13: the newest complete family (1.88 lacks its test and json packages).
INSTALLED="" AVAILABLE="$debian13_lists"
expect_pick "debian 13" libboost1.83-dev
# Two complete families: the newer one.
INSTALLED="" AVAILABLE="$(family 1.81 1.81.0-5) $(family 1.83 1.83.0-4.2) $(family "" 1.74.0.3)"
expect_pick "1.81 and 1.83" libboost1.83-dev
# Debian 13 with only the unversioned names: those (candidate 1.83 >= 1.81).
INSTALLED="" AVAILABLE="$(family "" 1.83.0.2+b2)"
expect_pick "debian 13, unversioned" libboost-dev
# Debian 11: 1.74 only; refused with a message that says why.
INSTALLED="" AVAILABLE="$(family 1.74 1.74.0-9) $(family "" 1.74.0.3)"
if sluis_boost_packages >/dev/null 2>"$work/err"; then fail "debian 11: a pick"; fi
grep -q "no Boost 1.81 or newer" "$work/err" || fail "debian 11: message [$(cat "$work/err")]"
# Unversioned names whose candidate is 1.74 are not taken.
INSTALLED="" AVAILABLE="$(family "" 1.74.0.3)"
if sluis_boost_packages >/dev/null 2>&1; then fail "unversioned 1.74: a pick"; fi

# Installed: kept without asking apt (fast path), even with newer lists.
INSTALLED="$(family 1.81 1.81.0-5)" AVAILABLE="$debian13_lists"
expect_pick "installed 1.81" libboost1.81-dev
[ ! -e "$work/apt-cache-calls" ] || fail "installed 1.81: apt-cache was asked"
INSTALLED="$(family "" 1.83.0.2+b2) $(family 1.83 1.83.0-4.2)" AVAILABLE=""
expect_pick "installed 1.83" libboost1.83-dev
[ ! -e "$work/apt-cache-calls" ] || fail "installed 1.83: apt-cache was asked"
INSTALLED="$(family "" 1.83.0.2+b2)" AVAILABLE=""
expect_pick "installed unversioned 1.83" libboost-dev
# An installed 1.74, or an incomplete 1.81, is not enough: apt is asked.
INSTALLED="$(family "" 1.74.0.3) libboost1.81-dev=1.81.0-5" AVAILABLE="$debian12_lists"
expect_pick "installed 1.74" libboost1.81-dev
[ -e "$work/apt-cache-calls" ] || fail "installed 1.74: apt-cache not asked"

# sluis_install_deps: no apt-get at all when everything is there; otherwise
# update, then install what is missing with the chosen Boost names.
mkdir -p "$work/bin"
cat >"$work/bin/apt-get" <<'STUB'
#!/bin/sh
echo "apt-get $*" >>"$APT_GET_LOG"
STUB
chmod +x "$work/bin/apt-get"
export APT_GET_LOG="$work/apt-get.log"
PATH="$work/bin:$PATH"
sudo() { "$@"; }
all_others=""
for p in "${SLUIS_PACKAGES[@]}"; do all_others+="$p=1 "; done
INSTALLED="$all_others $(family 1.81 1.81.0-5)" AVAILABLE="$debian12_lists"
rm -f "$APT_GET_LOG"
sluis_install_deps 2>/dev/null || fail "install, all present: failed"
[ ! -e "$APT_GET_LOG" ] || fail "install, all present: apt-get ran: $(cat "$APT_GET_LOG")"
INSTALLED="$all_others" AVAILABLE="$debian13_lists"
sluis_install_deps 2>/dev/null || fail "install, boost missing: failed"
grep -q "apt-get update" "$APT_GET_LOG" || fail "install, boost missing: no update"
grep -q "install .*libboost1.83-dev libboost-test1.83-dev libboost-json1.83-dev libboost-program-options1.83-dev" \
  "$APT_GET_LOG" || fail "install, boost missing: [$(cat "$APT_GET_LOG")]"
rm -f "$APT_GET_LOG"
INSTALLED="$all_others" AVAILABLE="$(family 1.74 1.74.0-9)"
if sluis_install_deps 2>/dev/null; then fail "install, no boost: succeeded"; fi
if grep -q "apt-get .*install" "$APT_GET_LOG"; then fail "install, no boost: installed something"; fi

# This machine (read only, no stubs): Debian 12 keeps libboost1.81.
unset -f dpkg-query apt-cache
if grep -q '^VERSION_ID="12"' /etc/os-release 2>/dev/null && sluis_boost_installed >/dev/null 2>&1; then
  expect_pick "this Debian 12" libboost1.81-dev
fi

# The test packages include what the tests call by name: promtool (Debian
# prometheus) for tests/integration/contrib_test.py, which fails without it.
case " ${SLUIS_TEST_PACKAGES[*]} " in
  *" prometheus "*) ;;
  *) fail "SLUIS_TEST_PACKAGES lacks prometheus (promtool for contrib_test)" ;;
esac

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "deps_test: ok"
