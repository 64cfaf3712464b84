#!/usr/bin/env bash
# Builds the Debian package dist/deepext_<version>_<architecture>.deb and prints its path: a release build of the two
# executables and their desktop integration only (no tests, no benchmarks, no fault hooks), compiled with Debian's
# own flags (optimised and hardened, no debug information), stripped, its Depends found by dpkg-shlibdeps.
# Check it with scripts/check-package.sh.
# Environment: DEEPEXT_PACKAGE_BUILD_DIR (default build-package), DEEPEXT_DIST_DIR (default dist),
#              DEEPEXT_PACKAGE_JOBS (default 2), DEEPEXT_PROJECT_URL and DEEPEXT_SCREENSHOTS_URL (see
#              cmake/DeepextInstall.cmake; default none).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${DEEPEXT_PACKAGE_BUILD_DIR:-build-package}
dist=${DEEPEXT_DIST_DIR:-dist}
jobs=${DEEPEXT_PACKAGE_JOBS:-2}
DEEPEXT_WITH_PACKAGING=1 scripts/install-deps.sh

# Debian's build flags with every hardening feature; -g dropped because the package is stripped anyway.
export DEB_BUILD_MAINT_OPTIONS=hardening=+all DEB_CXXFLAGS_MAINT_STRIP=-g
cxxflags="$(dpkg-buildflags --get CPPFLAGS) $(dpkg-buildflags --get CXXFLAGS)"
ldflags=$(dpkg-buildflags --get LDFLAGS)
start=$(date +%s)
# CMAKE_SKIP_INSTALL_ALL_DEPENDENCY: cpack installs what the build below made instead of building every target.
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE=-DNDEBUG \
    -DCMAKE_CXX_FLAGS="$cxxflags" -DCMAKE_EXE_LINKER_FLAGS="$ldflags" -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON \
    -DDEEPEXT_BUILD_TESTS=OFF -DDEEPEXT_BUILD_BENCH=OFF -DDEEPEXT_FAULT_HOOKS=OFF -DDEEPEXT_FUZZ=OFF \
    -DDEEPEXT_SANITIZE= -DDEEPEXT_WERROR=OFF \
    -DDEEPEXT_PROJECT_URL="${DEEPEXT_PROJECT_URL:-}" -DDEEPEXT_SCREENSHOTS_URL="${DEEPEXT_SCREENSHOTS_URL:-}" >&2
# Only the package's path goes to stdout; the build's messages (warnings, errors) go to stderr.
set +e
cmake --build "$build" --target deepext deepext-cli deepext_desktop_integration -j"$jobs" |
    grep -Ev '^\[[0-9]+/[0-9]+\] (Building|Linking|Automatic|Generating|Rendering)' >&2
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 0 ] || { echo "error: the release build failed" >&2; exit 1; }
built=$(date +%s)

mkdir -p "$dist"
rm -f "$build"/deepext_*.deb
(cd "$build" && cpack -G DEB >&2)
deb=$(ls "$build"/deepext_*.deb)
mv -f "$deb" "$dist/"
echo "package: release build $((built - start)) s, cpack $(($(date +%s) - built)) s" >&2
echo "$dist/$(basename "$deb")"
