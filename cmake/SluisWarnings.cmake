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
