# Install rules and desktop integration for the two executables (`deepext`, `deepext-cli`):
#   bin/deepext, bin/deepext-cli
#   share/applications/deepext.desktop
#   share/icons/hicolor/scalable/apps/deepext.svg and <n>x<n>/apps/deepext.png (rendered at build time)
#   share/metainfo/<DEEPEXT_APP_ID>.metainfo.xml (AppStream)
#   share/man/man1/deepext.1.gz, deepext-cli.1.gz (generated at build time from the programs' own --help)
#   share/bash-completion/completions/deepext-cli (generated from deepext-cli's --help)
#   share/doc/deepext/copyright, changelog.gz
# Every destination is relative to the install prefix (GNUInstallDirs), and nothing installed names the build tree
# or the prefix, so `cmake --install build --prefix P` works for any P (tests/packaging checks both).
include(GNUInstallDirs)

set(DEEPEXT_APP_ID "io.github.deepext.deepextension" CACHE STRING "AppStream component ID (reverse domain name)")
set(DEEPEXT_PROJECT_URL "" CACHE STRING "The project's public home page: Debian Homepage and AppStream homepage; empty: none")
set(DEEPEXT_SCREENSHOTS_URL "" CACHE STRING
    "Public web address of the repository's docs/images/ folder, for the AppStream screenshots; empty: none")
# The icon theme specification requires implementations to read PNG and XPM only (SVG is optional), and asks
# applications for at least a 48x48 image in hicolor: PNGs at the common sizes beside the scalable SVG.
set(DEEPEXT_ICON_SIZES 16 22 24 32 48 64 128 256 512)

# Release facts come from packaging/changelog (Debian format), the one place a release is recorded: its first
# entry must be this project's version; its dates date the man pages and the AppStream releases.
function(deepext_read_changelog)
    file(STRINGS ${PROJECT_SOURCE_DIR}/packaging/changelog _lines)
    set(_months Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec)
    set(_releases "")
    set(_version "")
    foreach(_line IN LISTS _lines)
        if(_line MATCHES "^deepext \\(([^)]+)\\) ")
            set(_version ${CMAKE_MATCH_1})
        elseif(_line MATCHES "^ -- (.+ <[^>]+>)  [A-Z][a-z][a-z], ([0-9]+) ([A-Z][a-z][a-z]) ([0-9][0-9][0-9][0-9]) ")
            if(NOT _version)
                message(FATAL_ERROR "packaging/changelog: a trailer line without an entry: ${_line}")
            endif()
            set(_maintainer ${CMAKE_MATCH_1})
            set(_day ${CMAKE_MATCH_2})
            list(FIND _months ${CMAKE_MATCH_3} _month)
            set(_year ${CMAKE_MATCH_4})
            math(EXPR _month "${_month} + 1")
            string(LENGTH "${_day}" _day_digits)
            if(_day_digits EQUAL 1)
                set(_day "0${_day}")
            endif()
            if(_month LESS 10)
                set(_month "0${_month}")
            endif()
            if(NOT _releases)
                set(DEEPEXT_RELEASE_VERSION ${_version} PARENT_SCOPE)
                set(DEEPEXT_RELEASE_DATE "${_year}-${_month}-${_day}" PARENT_SCOPE)
                set(DEEPEXT_RELEASE_MAINTAINER "${_maintainer}" PARENT_SCOPE)
            endif()
            string(APPEND _releases "    <release version=\"${_version}\" date=\"${_year}-${_month}-${_day}\"/>\n")
            set(_version "")
        endif()
    endforeach()
    string(STRIP "${_releases}" _releases)
    set(DEEPEXT_METAINFO_RELEASES "    ${_releases}" PARENT_SCOPE)
endfunction()
deepext_read_changelog()
if(NOT DEEPEXT_RELEASE_VERSION STREQUAL PROJECT_VERSION)
    message(FATAL_ERROR "packaging/changelog starts with version '${DEEPEXT_RELEASE_VERSION}', the project is "
                        "${PROJECT_VERSION}: add an entry for ${PROJECT_VERSION} at the top (dch -v, or by hand).")
endif()

set(DEEPEXT_PACKAGING_DIR ${PROJECT_BINARY_DIR}/packaging)
set(DEEPEXT_METAINFO_FILE ${DEEPEXT_PACKAGING_DIR}/${DEEPEXT_APP_ID}.metainfo.xml)

# deepext_configure_metainfo(<output> <project url> <screenshots url>): the metainfo without the homepage or the
# screenshots when their address is empty.
function(deepext_configure_metainfo output DEEPEXT_PROJECT_URL DEEPEXT_SCREENSHOTS_URL)
    file(READ ${PROJECT_SOURCE_DIR}/packaging/deepext.metainfo.xml.in _text)
    string(CONFIGURE "${_text}" _text @ONLY)
    if(NOT DEEPEXT_PROJECT_URL)
        string(REGEX REPLACE "  <url type=\"homepage\"></url>\n" "" _text "${_text}")
    endif()
    if(NOT DEEPEXT_SCREENSHOTS_URL)
        string(REGEX REPLACE "  <screenshots>.*</screenshots>\n" "" _text "${_text}")
    endif()
    file(CONFIGURE OUTPUT ${output} CONTENT "${_text}" @ONLY)
endfunction()
deepext_configure_metainfo(${DEEPEXT_METAINFO_FILE} "${DEEPEXT_PROJECT_URL}" "${DEEPEXT_SCREENSHOTS_URL}")
# The complete form (homepage and screenshots), for the tests to validate whatever the configured addresses are.
deepext_configure_metainfo(${DEEPEXT_PACKAGING_DIR}/complete/${DEEPEXT_APP_ID}.metainfo.xml
                           "https://example.org/deepext" "https://example.org/deepext/docs/images")

# Build-time tools, not installed: the icon renderer (QtSvg) and the man page / completion generator.
find_package(Qt6 REQUIRED COMPONENTS Gui Svg)
find_program(DEEPEXT_GZIP gzip REQUIRED)
add_executable(deepext-render-icon ${PROJECT_SOURCE_DIR}/packaging/tools/RenderIcon.cpp)
target_link_libraries(deepext-render-icon PRIVATE deepext_options Qt6::Gui Qt6::Svg)
file(GLOB _helpgen_src CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/packaging/tools/helpgen/*.cpp
     ${PROJECT_SOURCE_DIR}/packaging/tools/helpgen/*.h)
add_executable(deepext-helpgen ${_helpgen_src})
target_link_libraries(deepext-helpgen PRIVATE deepext_options Qt6::Core)

set(_icon_svg ${PROJECT_SOURCE_DIR}/resources/icons/deepext.svg)
set(_icons "")
foreach(_size IN LISTS DEEPEXT_ICON_SIZES)
    list(APPEND _icons ${DEEPEXT_PACKAGING_DIR}/icons/hicolor/${_size}x${_size}/apps/deepext.png)
endforeach()
add_custom_command(OUTPUT ${_icons}
    COMMAND deepext-render-icon ${_icon_svg} ${DEEPEXT_PACKAGING_DIR}/icons/hicolor deepext ${DEEPEXT_ICON_SIZES}
    DEPENDS deepext-render-icon ${_icon_svg}
    COMMENT "Rendering the application icon at ${DEEPEXT_ICON_SIZES}"
    VERBATIM)

# The programs run with no display (their --help needs none); a sanitizer build's leak report at exit is not
# help text (the test suite checks leaks).
set(_help_env ${CMAKE_COMMAND} -E env --unset=DISPLAY --unset=WAYLAND_DISPLAY --unset=QT_QPA_PLATFORM
              ASAN_OPTIONS=detect_leaks=0)
set(_generated ${_icons})
foreach(_program deepext deepext-cli)
    set(_include ${PROJECT_SOURCE_DIR}/packaging/man/${_program}.include)
    set(_page ${DEEPEXT_PACKAGING_DIR}/man/${_program}.1)
    add_custom_command(OUTPUT ${_page} ${_page}.gz
        COMMAND ${CMAKE_COMMAND} -E make_directory ${DEEPEXT_PACKAGING_DIR}/man
        COMMAND ${_help_env} $<TARGET_FILE:deepext-helpgen> man $<TARGET_FILE:${_program}> --out ${_page}
                --date ${DEEPEXT_RELEASE_DATE} --include ${_include}
        COMMAND ${DEEPEXT_GZIP} -9nkf ${_page}
        DEPENDS deepext-helpgen ${_program} ${_include} ${PROJECT_SOURCE_DIR}/packaging/changelog
        COMMENT "Generating the man page ${_program}(1) from its --help"
        VERBATIM)
    list(APPEND _generated ${_page} ${_page}.gz)
endforeach()
set(DEEPEXT_BASH_COMPLETION ${DEEPEXT_PACKAGING_DIR}/completions/deepext-cli)
add_custom_command(OUTPUT ${DEEPEXT_BASH_COMPLETION}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${DEEPEXT_PACKAGING_DIR}/completions
    COMMAND ${_help_env} $<TARGET_FILE:deepext-helpgen> bash-completion $<TARGET_FILE:deepext-cli>
            --out ${DEEPEXT_BASH_COMPLETION}
    DEPENDS deepext-helpgen deepext-cli
    COMMENT "Generating the bash completion of deepext-cli from its --help"
    VERBATIM)
configure_file(${PROJECT_SOURCE_DIR}/packaging/changelog ${DEEPEXT_PACKAGING_DIR}/doc/changelog COPYONLY)
add_custom_command(OUTPUT ${DEEPEXT_PACKAGING_DIR}/doc/changelog.gz
    COMMAND ${DEEPEXT_GZIP} -9nkf ${DEEPEXT_PACKAGING_DIR}/doc/changelog
    DEPENDS ${DEEPEXT_PACKAGING_DIR}/doc/changelog
    VERBATIM)
list(APPEND _generated ${DEEPEXT_BASH_COMPLETION} ${DEEPEXT_PACKAGING_DIR}/doc/changelog.gz)
add_custom_target(deepext_desktop_integration ALL DEPENDS ${_generated})

install(TARGETS deepext deepext-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/resources/deepext.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${_icon_svg} DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
install(DIRECTORY ${DEEPEXT_PACKAGING_DIR}/icons/hicolor DESTINATION ${CMAKE_INSTALL_DATADIR}/icons)
install(FILES ${DEEPEXT_METAINFO_FILE} DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(FILES ${DEEPEXT_PACKAGING_DIR}/man/deepext.1.gz ${DEEPEXT_PACKAGING_DIR}/man/deepext-cli.1.gz
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${DEEPEXT_BASH_COMPLETION} DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/copyright ${DEEPEXT_PACKAGING_DIR}/doc/changelog.gz
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/deepext)

# deepext_add_packaging_test_paths(<test target>): what tests/packaging needs to find and check.
function(deepext_add_packaging_test_paths target)
    find_program(DEEPEXT_DESKTOP_FILE_VALIDATE desktop-file-validate REQUIRED)
    find_program(DEEPEXT_APPSTREAMCLI appstreamcli REQUIRED)
    find_program(DEEPEXT_GROFF groff REQUIRED)
    find_program(DEEPEXT_MAN man REQUIRED)
    find_program(DEEPEXT_BASH bash REQUIRED)
    add_dependencies(${target} deepext_desktop_integration deepext deepext-cli deepext-helpgen)
    string(REPLACE ";" " " _sizes "${DEEPEXT_ICON_SIZES}")
    target_compile_definitions(${target} PRIVATE
        DEEPEXT_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
        DEEPEXT_BUILD_DIR="${PROJECT_BINARY_DIR}"
        DEEPEXT_PACKAGING_DIR="${DEEPEXT_PACKAGING_DIR}"
        DEEPEXT_APP_ID="${DEEPEXT_APP_ID}"
        DEEPEXT_RELEASE_DATE="${DEEPEXT_RELEASE_DATE}"
        DEEPEXT_ICON_SIZES="${_sizes}"
        DEEPEXT_CMAKE="${CMAKE_COMMAND}"
        DEEPEXT_HELPGEN_PATH="$<TARGET_FILE:deepext-helpgen>"
        DEEPEXT_DESKTOP_FILE_VALIDATE="${DEEPEXT_DESKTOP_FILE_VALIDATE}"
        DEEPEXT_APPSTREAMCLI="${DEEPEXT_APPSTREAMCLI}"
        DEEPEXT_GROFF="${DEEPEXT_GROFF}"
        DEEPEXT_MAN="${DEEPEXT_MAN}"
        DEEPEXT_BASH="${DEEPEXT_BASH}")
    if(DEEPEXT_SANITIZE)
        # Sanitizer runtimes keep each check's source file name in the binary, by design.
        target_compile_definitions(${target} PRIVATE DEEPEXT_SANITIZED=1)
    endif()
endfunction()
