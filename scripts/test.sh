#!/usr/bin/env bash
# Installs dependencies, builds, and runs the whole test suite (the README's test command).
# Preset dev; with CI=true preset ci: warnings are errors, and no debug info (nobody debugs CI's binaries and it
# slows the compile; the same -O2 as RelWithDebInfo). Both build the tests with the fault hooks and the benches.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
preset=dev
if [ "${CI:-}" = true ]; then
    preset=ci
fi
DEEPEXT_PRESET=$preset scripts/build.sh
cd "${DEEPEXT_BUILD_DIR:-build}"
QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j2 --timeout 900
