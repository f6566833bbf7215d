# Installs the Debian packages sluis builds and tests with, when missing.
# Sourced by scripts/run and scripts/test. Runs `apt-get update` first when
# something is missing (a fresh machine has no package lists) and uses sudo
# when not root.
#
# Boost must be 1.81 or newer (cmake/SluisDependencies.cmake). Debian 12's
# default libboost-dev is 1.74, with libboost1.81-dev beside it; Debian 13 has
# no 1.81 packages and a default of 1.83. So the Boost packages are chosen, not
# listed: an installed family of 1.81 or newer is kept; otherwise the newest
# libboost1.NN-dev family with NN >= 81 in the package lists, else the
# unversioned libboost-*-dev when their candidate is 1.81 or newer
# (sluis_boost_packages).

SLUIS_PACKAGES=(
  build-essential cmake pkg-config
  libxerces-c-dev libssl-dev libsqlite3-dev libpq-dev libsystemd-dev libtomlplusplus-dev libfmt-dev
  tzdata openssl curl file ca-certificates python3 libxml2-utils systemd
)

# The Boost libraries sluis uses, as package-name stems: STEM1.NN-dev or STEM-dev.
# What scripts/bench needs besides: nginx, the TLS peer of http_bench.sh.
SLUIS_BENCH_PACKAGES=(nginx)

# What scripts/fuzz needs besides: clang 14 and its runtime libraries
# (libFuzzer, the sanitizers), which an install with --no-install-recommends
# leaves out unless named.
SLUIS_FUZZ_PACKAGES=(clang-14 libclang-rt-14-dev)

SLUIS_BOOST_STEMS=(libboost libboost-test libboost-json libboost-program-options)
SLUIS_BOOST_MIN_MINOR=81  # Boost 1.81

# What only the tests need besides: a JDK for the Java HTTP client that
# tests/integration/tls_resume_test.py runs as a partner's back office would
# (java's source launcher needs the compiler, so a JDK; default-jdk-headless is
# OpenJDK 17 on Debian 12 and 21 on Debian 13), lintian for
# tests/system/package_test.sh, prometheus for its promtool, which
# tests/integration/contrib_test.py runs on the alert rules and the Grafana
# dashboard in contrib/ (the test fails without it), and Chromium, whose
# headless mode renders the operator's status page in
# tests/integration/status_page_test.cpp, and python3-yaml and
# python3-jsonschema, with which tests/integration/api_contract_test.py reads
# docs/api.yaml and validates sluisd's answers against its schemas, and
# python3-html5lib, whose strict HTML5 parser tests/integration/
# portal_pages_test.py holds the pages partners read to, and PostgreSQL 15's
# server, which the tests labelled `postgresql` start in a temporary directory
# of their own (tests/support/postgres.hpp): installed without a cluster of
# its own (sluis_preseed_postgresql), so no system server starts; and lld,
# the linker of the sanitized test build (cmake/SluisWarnings.cmake).
SLUIS_TEST_PACKAGES=(
  postgresql-15
  lld
  default-jdk-headless
  lintian
  prometheus
  chromium
  python3-yaml
  python3-jsonschema
  python3-html5lib
)

# The package names of one Boost family: `_sluis_boost_family 81` gives
# libboost1.81-dev ...; `_sluis_boost_family ""` the unversioned libboost-dev ...
_sluis_boost_family() {
  local stem
  for stem in "${SLUIS_BOOST_STEMS[@]}"; do
    if [ -n "$1" ]; then
      echo "${stem}1.$1-dev"
    else
      echo "${stem}-dev"
    fi
  done
}

_sluis_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

# The candidate version apt would install, empty when there is none.
_sluis_candidate() {
  apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: *//p' | grep -v '^(none)$' | head -n 1 || true
}

# Reads NN from libboost1.NN-dev names on stdin: the minors >= the floor, newest first.
_sluis_boost_minors() {
  sed -n 's/^libboost1\.\([0-9][0-9]*\)-dev$/\1/p' | sort -rnu |
    while read -r nn; do
      if [ "$nn" -ge "$SLUIS_BOOST_MIN_MINOR" ]; then echo "$nn"; fi
    done
}

_sluis_has_candidate() { [ -n "$(_sluis_candidate "$1")" ]; }

# `_sluis_family_complete CHECK NN`: when CHECK passes for every package of
# the family NN ("" the unversioned one), prints the family and succeeds.
_sluis_family_complete() {
  local check="$1" nn="$2" p
  for p in $(_sluis_boost_family "$nn"); do
    "$check" "$p" || return 1
  done
  _sluis_boost_family "$nn"
}

# The installed Boost family of 1.81 or newer, one name a line; fails when
# there is none (no apt-get update needed to tell).
sluis_boost_installed() {
  local nn
  for nn in $(dpkg-query -W -f='${Package}\n' 'libboost1.*-dev' 2>/dev/null | _sluis_boost_minors); do
    if _sluis_family_complete _sluis_installed "$nn"; then return 0; fi
  done
  if _sluis_installed libboost-dev &&
    dpkg --compare-versions "$(dpkg-query -W -f='${Version}' libboost-dev 2>/dev/null)" ge "1.$SLUIS_BOOST_MIN_MINOR"; then
    if _sluis_family_complete _sluis_installed ""; then return 0; fi
  fi
  return 1
}

# The Boost family to install from the package lists (after apt-get update),
# one name a line: the newest libboost1.NN-dev family with NN >= 81 of which
# every package has a candidate, else the unversioned packages when
# libboost-dev's candidate is 1.81 or newer. Fails with a message otherwise.
sluis_boost_available() {
  local nn cand
  for nn in $(apt-cache pkgnames libboost1. 2>/dev/null | _sluis_boost_minors); do
    if _sluis_family_complete _sluis_has_candidate "$nn"; then return 0; fi
  done
  cand=$(_sluis_candidate libboost-dev)
  if [ -n "$cand" ] && dpkg --compare-versions "$cand" ge "1.$SLUIS_BOOST_MIN_MINOR"; then
    if _sluis_family_complete _sluis_has_candidate ""; then return 0; fi
  fi
  echo "sluis: no Boost 1.$SLUIS_BOOST_MIN_MINOR or newer in the package lists: neither a" \
    "libboost1.NN-dev family with NN >= $SLUIS_BOOST_MIN_MINOR (${SLUIS_BOOST_STEMS[*]})" \
    "nor libboost-dev ${cand:-(no candidate)} >= 1.$SLUIS_BOOST_MIN_MINOR;" \
    "enable a Debian release that has one (Debian 12: bookworm main has libboost1.81-dev)" >&2
  return 1
}

# sluis_boost_packages: the Boost packages, one a line: the installed family if
# there is one (no apt-get update), else what sluis_boost_available picks.
sluis_boost_packages() {
  sluis_boost_installed || sluis_boost_available
}

# sluis_install_deps [test]: the packages to build and run; with "test" also
# those the tests need.
sluis_install_deps() {
  local missing=()
  local p
  local wanted=("${SLUIS_PACKAGES[@]}")
  local boost=()
  if [ "${1:-}" = test ]; then
    wanted+=("${SLUIS_TEST_PACKAGES[@]}")
  elif [ "${1:-}" = bench ]; then
    wanted+=("${SLUIS_TEST_PACKAGES[@]}" "${SLUIS_BENCH_PACKAGES[@]}")
  elif [ "${1:-}" = fuzz ]; then
    wanted+=("${SLUIS_FUZZ_PACKAGES[@]}")
  fi
  mapfile -t boost < <(sluis_boost_installed)
  for p in "${wanted[@]}"; do
    if ! _sluis_installed "$p"; then
      missing+=("$p")
    fi
  done
  if [ ${#missing[@]} -eq 0 ] && [ ${#boost[@]} -gt 0 ]; then
    return 0
  fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    sudo=(sudo)
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  if [ ${#boost[@]} -eq 0 ]; then
    mapfile -t boost < <(sluis_boost_available)
    if [ ${#boost[@]} -eq 0 ]; then
      return 1
    fi
    missing+=("${boost[@]}")
  fi
  if [[ " ${missing[*]} " == *" postgresql-15 "* ]]; then
    sluis_preseed_postgresql "${sudo[@]}"
  fi
  echo "sluis: installing missing Debian packages: ${missing[*]}" >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${missing[@]}"
}

# Debian's postgresql-15 makes and starts a cluster "main" when it is
# installed, unless postgresql-common's createcluster.conf says otherwise: the
# tests start their own server and need none on the system. Written before the
# install (createcluster.conf reads createcluster.d/*.conf); an existing
# setting or cluster is left alone.
sluis_preseed_postgresql() {
  local dir=/etc/postgresql-common/createcluster.d
  [ -e "$dir/sluis-tests.conf" ] && return 0
  "$@" mkdir -p "$dir"
  echo "create_main_cluster = false  # sluis's tests start their own server" |
    "$@" tee "$dir/sluis-tests.conf" > /dev/null
}

# The CMake flags of the builds scripts/test and scripts/package make: unity
# batches of 16 files (README, "CI time"). scripts/bench and scripts/fuzz
# build file by file, so both ways stay compiled.
sluis_unity_flags=(-DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=16)

# Number of parallel build jobs: the machine's cores.
sluis_jobs() {
  nproc 2>/dev/null || echo 2
}
