#!/usr/bin/env bash
# Installs dependencies, builds, and runs the whole test suite (the README's test command).
# Preset dev; with CI=true preset ci: warnings are errors, and no debug info (the same -O2 as RelWithDebInfo). Both
# build the tests with the fault hooks and the benches.
set -euo pipefail
cd "$(dirname "$0")/.."
preset=dev
build_dir=${DEEPEXT_BUILD_DIR:-build}
if [ "${CI:-}" = true ]; then
    preset=ci
fi
scripts/install-deps.sh
DEEPEXT_PRESET=$preset DEEPEXT_BUILD_DIR=$build_dir scripts/build.sh
cd "$build_dir"
QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j2 --timeout 900
