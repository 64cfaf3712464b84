#!/usr/bin/env bash
# Installs dependencies, builds, and runs the whole test suite (the README's test command).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
args=(-DDEEPEXT_WERROR=OFF)
if [ "${CI:-}" = true ]; then
    # Warnings are errors in CI. No debug info there: nobody debugs CI's binaries and it slows the compile;
    # the same -O2 as RelWithDebInfo.
    args=(-DDEEPEXT_WERROR=ON "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -DNDEBUG")
fi
scripts/build.sh "${args[@]}"
cd "${DEEPEXT_BUILD_DIR:-build}"
QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j2 --timeout 900
