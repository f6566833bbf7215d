# Every dependency is a Debian package (scripts/lib/deps.sh installs them: Debian
# 12 with libboost1.81, or a newer Debian with its default Boost). Found once here
# so module CMakeLists only link targets. Versions are floors, never pins: the
# oldest release that has what sluis uses; anything newer is taken.
find_package(Threads REQUIRED)
# Several Boost versions may be installed side by side (Debian 12: 1.74 as the
# default, 1.81 beside it): prefer the newest package directory.
set(CMAKE_FIND_PACKAGE_SORT_ORDER NATURAL)
set(CMAKE_FIND_PACKAGE_SORT_DIRECTION DEC)
# CONFIG: Boost ships its own CMake package; CMake 3.25's FindBoost predates it.
# 1.81: C++20 coroutines in Asio/Beast as the net code uses them, Boost.JSON,
# boost::system::result.
find_package(Boost 1.81 REQUIRED CONFIG COMPONENTS json program_options unit_test_framework)
find_package(XercesC 3.2 REQUIRED)
find_package(OpenSSL 3 REQUIRED)  # EVP_MAC (core/digest.cpp)
# 3.40: the oldest SQLite the store is tested with (its quirks are noted where they matter).
find_package(SQLite3 3.40 REQUIRED)
find_package(fmt 9 REQUIRED)
find_package(tomlplusplus 3.3 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
# The PostgreSQL engine (gateway/store/pg.hpp); libpq 15, Debian 12's, is the one tested.
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq>=15)
