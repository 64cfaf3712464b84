#!/usr/bin/env bash
# Installs dependencies, builds, and runs the whole test suite (the README's test command).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
werror=OFF
if [ "${CI:-}" = true ]; then
    werror=ON
fi
scripts/build.sh -DDEEPEXT_WERROR=$werror
cd "${DEEPEXT_BUILD_DIR:-build}"
QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j2 --timeout 900
