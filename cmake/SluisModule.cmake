# The build's half of the layering picture (style.md §1; tests/system/
# layering_test.py reads the #includes for the other half).
#
# sluis_include_root(VAR NAME PATH): makes ${PROJECT_BINARY_DIR}/include/NAME,
# holding PATH (relative to the source tree) as a link to the sources, and sets
# VAR to it. An include root shows one folder, not the whole tree.
function(sluis_include_root var name path)
  set(root ${PROJECT_BINARY_DIR}/include/${name})
  get_filename_component(parent ${root}/${path} DIRECTORY)
  file(MAKE_DIRECTORY ${parent})
  file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${path} ${root}/${path} SYMBOLIC)
  set(${var} ${root} PARENT_SCOPE)
endfunction()

# sluis_module(NAME SOURCES ... PUBLIC ... PRIVATE ...): one library per
# gateway module, sluis_NAME.
#   - Its include root holds gateway/NAME only. Nothing offers the whole tree,
#     so a file sees its own module's headers and those of the modules it
#     links: including another module's header without linking that module
#     does not build.
#   - PUBLIC: the modules and libraries the module's headers include; whoever
#     links the module gets them too (and nothing else of it).
#   - PRIVATE: what only its sources include.
function(sluis_module name)
  cmake_parse_arguments(M "" "" "SOURCES;PUBLIC;PRIVATE" ${ARGN})
  sluis_include_root(root ${name} gateway/${name})
  add_library(sluis_${name} STATIC ${M_SOURCES})
  target_include_directories(sluis_${name} PUBLIC ${root})
  target_link_libraries(sluis_${name} PUBLIC ${M_PUBLIC} PRIVATE ${M_PRIVATE} sluis_warnings)
endfunction()
