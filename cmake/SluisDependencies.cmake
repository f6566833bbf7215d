# Every dependency is a Debian 12 package (see scripts/lib/deps.sh for the list
# the scripts install). Found once here so module CMakeLists only link targets.
find_package(Threads REQUIRED)
# CONFIG: Boost 1.81 ships its own CMake package; CMake 3.25's FindBoost predates it.
find_package(Boost 1.81.0 EXACT REQUIRED CONFIG COMPONENTS json program_options unit_test_framework)
find_package(XercesC 3.2 REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(fmt REQUIRED)
find_package(tomlplusplus REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
