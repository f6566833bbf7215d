# Every dependency is a Debian 12 package (see scripts/lib/deps.sh for the list
# the scripts install). Found once here so module CMakeLists only link targets.
find_package(Threads REQUIRED)
find_package(Boost 1.81 EXACT REQUIRED COMPONENTS json program_options unit_test_framework)
find_package(XercesC 3.2 REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(fmt REQUIRED)
find_package(tomlplusplus REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
