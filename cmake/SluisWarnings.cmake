# Warnings for our own code; third-party headers come in as SYSTEM includes.
add_library(sluis_warnings INTERFACE)
target_compile_options(sluis_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow=local
                                                -Wnon-virtual-dtor -Wold-style-cast)
# GCC 12 reports -Wrestrict inside libstdc++'s std::string operator+ at -O2/-O3
# where no overlap can happen (GCC bug 105651, fixed in GCC 13): silence that one
# false positive rather than contort string code.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(sluis_warnings INTERFACE -Wno-restrict)
endif()
if(SLUIS_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
# Boost.Asio: C++20 coroutines, no deprecated interfaces.
add_compile_definitions(BOOST_ASIO_NO_DEPRECATED BOOST_ASIO_DISABLE_BOOST_COROUTINE)

# sluis_module(NAME SOURCES ... DEPS ...): one library per gateway module.
function(sluis_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS" ${ARGN})
  add_library(sluis_${name} STATIC ${M_SOURCES})
  target_include_directories(sluis_${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(sluis_${name} PUBLIC ${M_DEPS} PRIVATE sluis_warnings)
endfunction()
