#!/usr/bin/env bash
# Configures with a preset of CMakePresets.json ($DEEPEXT_PRESET, default dev: tests, fault hooks and benches) into
# build/ (or $DEEPEXT_BUILD_DIR) and builds everything. Extra arguments go to cmake's configure step.
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${DEEPEXT_PRESET:-dev}
build_dir=${DEEPEXT_BUILD_DIR:-build}
cmake --preset "$preset" -B "$build_dir" "$@" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
