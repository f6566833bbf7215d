# Warnings for our own code; third-party headers come in as SYSTEM includes.
add_library(sluis_warnings INTERFACE)
# -Wshadow=local is GCC's; clang (the fuzz build) knows only the whole -Wshadow.
target_compile_options(sluis_warnings INTERFACE -Wall -Wextra -Wpedantic $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local>
                                                -Wnon-virtual-dtor -Wold-style-cast)
# GCC 12 reports -Wrestrict inside libstdc++'s std::string operator+ at -O2/-O3
# where no overlap can happen (GCC bug 105651, fixed in GCC 13): silence that one
# false positive rather than contort string code.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(sluis_warnings INTERFACE -Wno-restrict)
endif()
# A unity build (CMAKE_UNITY_BUILD: scripts/test, scripts/package) #includes
# each source file into a batch file, so GCC takes the file for a header and
# warns about each of its classes with a member from its own anonymous
# namespace (-Wsubobject-linkage): meant for headers, true of every such .cpp.
# The file-by-file builds (scripts/bench, scripts/fuzz) keep the warning.
if(CMAKE_UNITY_BUILD AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(sluis_warnings INTERFACE -Wno-subobject-linkage)
endif()
if(SLUIS_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "SLUIS_FUZZ needs clang (scripts/fuzz uses clang++-14)")
  endif()
  # Everything instrumented for coverage and sanitized; only the fuzz targets
  # link libFuzzer's main (-fsanitize=fuzzer, tests/fuzz/CMakeLists.txt).
  # Without UBSan's `function` check: clang 14 cannot emit its prologue data
  # for the split functions of a C++20 coroutine ("Cannot represent a
  # difference across sections", in every file with a co_await). It checks
  # calls through a function pointer of the wrong type, which GCC's
  # sanitizer build (SLUIS_SANITIZE) does not check either.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=function
                      -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined -fno-sanitize=function)
elseif(SLUIS_SANITIZE)
  # The product's code is built with AddressSanitizer and UBSan. Test code (a
  # target with the property SLUIS_TEST_CODE: the test executables, their
  # support library, the load generator) gets AddressSanitizer alone: UBSan's
  # checks on Asio/Beast/coroutine templates at -O0 nearly double a file's
  # compile time (net/server.cpp: 27.5 s with ASan, 51.6 s with both), and the
  # code the tests are there to check is the product's, which keeps both. Every
  # target links both runtimes. Test code also gets line tables only (-g1:
  # file and line in every sanitizer trace, no variables for gdb; 15% off a
  # test file's compile time: store_contract_test.cpp 12.5 s -> 10.6 s).
  # Set on a target, or on a directory for every target under it.
  define_property(TARGET PROPERTY SLUIS_TEST_CODE INHERITED)
  define_property(DIRECTORY PROPERTY SLUIS_TEST_CODE INHERITED)
  set(sluis_product_code "$<NOT:$<BOOL:$<TARGET_PROPERTY:SLUIS_TEST_CODE>>>")
  add_compile_options(-fsanitize=address -fno-omit-frame-pointer
                      "$<${sluis_product_code}:-fsanitize=undefined>"
                      "$<${sluis_product_code}:-fno-sanitize-recover=undefined>"
                      "$<$<NOT:${sluis_product_code}>:-g1>")
  add_link_options(-fsanitize=address,undefined)
  # The sanitized build links about a hundred executables, each with the
  # product's libraries and their debug information. LLVM's lld (Debian
  # `lld`, installed by scripts/test) links them about three times as fast as
  # GNU ld: sluisd 11.6 s -> 4.2 s, a test 2.5 s -> 0.7 s. GNU ld when it
  # is missing.
  include(CheckLinkerFlag)
  check_linker_flag(CXX -fuse-ld=lld SLUIS_HAVE_LLD)
  if(SLUIS_HAVE_LLD)
    add_link_options(-fuse-ld=lld)
  endif()
endif()
# Boost.Asio: C++20 coroutines, no deprecated interfaces.
add_compile_definitions(BOOST_ASIO_NO_DEPRECATED BOOST_ASIO_DISABLE_BOOST_COROUTINE)
