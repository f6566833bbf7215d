# Installs the Debian 12 packages sluis builds and tests with, when missing.
# Sourced by scripts/run and scripts/test. Runs `apt-get update` first (a fresh
# machine has no package lists) and uses sudo when not root.

SLUIS_PACKAGES=(
  build-essential cmake pkg-config
  libboost1.81-dev libboost-test1.81-dev libboost-json1.81-dev libboost-program-options1.81-dev
  libxerces-c-dev libssl-dev libsqlite3-dev libsystemd-dev libtomlplusplus-dev libfmt-dev
  tzdata openssl curl file ca-certificates python3 libxml2-utils systemd
)

# What only the tests need besides: a JDK for the Java HTTP client that
# tests/integration/tls_resume_test.py runs as a partner's back office would
# (java's source launcher needs the compiler, so the -jdk- package), and lintian
# for tests/system/package_test.sh.
SLUIS_TEST_PACKAGES=(
  openjdk-17-jdk-headless
  lintian
)

# sluis_install_deps [test]: the packages to build and run; with "test" also
# those the tests need.
sluis_install_deps() {
  local missing=()
  local p
  local wanted=("${SLUIS_PACKAGES[@]}")
  if [ "${1:-}" = test ]; then
    wanted+=("${SLUIS_TEST_PACKAGES[@]}")
  fi
  for p in "${wanted[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  echo "sluis: installing missing Debian packages: ${missing[*]}" >&2
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    sudo=(sudo)
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${missing[@]}"
}

# Number of parallel build jobs: the machine's cores.
sluis_jobs() {
  nproc 2>/dev/null || echo 2
}
