#!/usr/bin/env bash
# Installs dependencies, builds, and runs the whole test suite (the README's test command).
# Preset dev (gcc, -O2 -g). With CI=true preset ci: the same suite built once with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer at -O1, warnings as errors (CI's one test build: a second, unsanitized build of the
# suite cost CI ten minutes and found nothing the sanitized one misses). Both build the fault hooks and the benches.
set -euo pipefail
cd "$(dirname "$0")/.."
preset=dev
build_dir=${DEEPEXT_BUILD_DIR:-build}
if [ "${CI:-}" = true ]; then
    preset=ci
    build_dir=${DEEPEXT_BUILD_DIR:-build-ci} # another compiler: never reconfigure a developer's build/
    export DEEPEXT_WITH_CLANG=1
    # As scripts/sanitize.sh: leaks fail the run (suppressions name system libraries only), UBSan halts.
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
    export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/fuzz/lsan-system.supp:print_suppressions=0}
fi
scripts/install-deps.sh
DEEPEXT_PRESET=$preset DEEPEXT_BUILD_DIR=$build_dir scripts/build.sh
cd "$build_dir"
QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j2 --timeout 900
