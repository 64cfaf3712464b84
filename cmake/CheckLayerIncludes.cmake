# Checks the layer rule over a source tree: every #include of a file in a layer's folders that names another layer's
# header (by that layer's include prefix, e.g. "deepext/merge/") must name a layer it links, and no layer file may
# reach into another folder with a "../" include.
#
# As a script (what the build step and the test run):
#   cmake -DDEEPEXT_SOURCE_DIR=<tree> -DDEEPEXT_LAYER_MAP=<build>/deepext-layers.cmake -P cmake/CheckLayerIncludes.cmake
# exits non-zero and lists every offending file and include. The map is written at configure time by
# cmake/DeepextLayers.cmake; its folders are relative to the tree, so the same map checks a scratch copy.

if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
    cmake_minimum_required(VERSION 3.25) # the policies of the project (IN_LIST) in script mode too
endif()

# deepext_check_layer_includes(<source root> <layer map> <out list of violations>)
function(deepext_check_layer_includes root map out)
    include("${map}")
    set(_violations "")
    foreach(_layer IN LISTS DEEPEXT_LAYERS)
        set(_links "${DEEPEXT_LAYER_${_layer}_LINKS}")
        foreach(_dir IN LISTS DEEPEXT_LAYER_${_layer}_DIRS)
            file(GLOB_RECURSE _files "${root}/${_dir}/*.h" "${root}/${_dir}/*.cpp")
            list(SORT _files)
            foreach(_file IN LISTS _files)
                file(RELATIVE_PATH _shown "${root}" "${_file}")
                file(STRINGS "${_file}" _lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"][^>\"]+[>\"]")
                foreach(_line IN LISTS _lines)
                    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[<\"]([^>\"]+)[>\"].*$" "\\1" _include "${_line}")
                    if(_include MATCHES "^\\.\\./" OR _include MATCHES "/\\.\\./")
                        list(APPEND _violations
                             "${_shown} (${_layer}) includes \"${_include}\", outside its folder: include public headers by their deepext/<layer>/ path")
                        continue()
                    endif()
                    foreach(_owner IN LISTS DEEPEXT_LAYERS)
                        foreach(_prefix IN LISTS DEEPEXT_LAYER_${_owner}_PREFIXES)
                            string(FIND "${_include}" "${_prefix}" _at)
                            if(_at EQUAL 0 AND NOT _owner IN_LIST _links)
                                list(APPEND _violations
                                     "${_shown} (${_layer}) includes \"${_include}\" of ${_owner}, which ${_layer} does not link")
                            endif()
                        endforeach()
                    endforeach()
                endforeach()
            endforeach()
        endforeach()
    endforeach()
    set(${out} "${_violations}" PARENT_SCOPE)
endfunction()

if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
    if(NOT DEEPEXT_SOURCE_DIR OR NOT DEEPEXT_LAYER_MAP)
        message(FATAL_ERROR "usage: cmake -DDEEPEXT_SOURCE_DIR=<tree> -DDEEPEXT_LAYER_MAP=<map> -P CheckLayerIncludes.cmake")
    endif()
    if(NOT EXISTS "${DEEPEXT_LAYER_MAP}")
        message(FATAL_ERROR "no layer map at ${DEEPEXT_LAYER_MAP}: configure the build first")
    endif()
    deepext_check_layer_includes("${DEEPEXT_SOURCE_DIR}" "${DEEPEXT_LAYER_MAP}" _found)
    if(_found)
        string(REPLACE ";" "\n  " _report "${_found}")
        message(FATAL_ERROR "Cross-layer includes (a layer may include only headers of the layers it links):\n  ${_report}")
    endif()
endif()
