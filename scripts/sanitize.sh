#!/usr/bin/env bash
# The sanitizer lane: builds the whole suite with AddressSanitizer + UndefinedBehaviorSanitizer into build-asan and
# runs ctest there, timing both steps.
# Usage: scripts/sanitize.sh [--short | --build-only] [extra ctest arguments]
#   --short       skip the heavy tests (names with Heavy_ and the other slow cases listed below)
#   --build-only  build, do not run
# Environment: DEEPEXT_ASAN_BUILD_DIR (default build-asan), DEEPEXT_ASAN_JOBS (build jobs, default 2),
#              DEEPEXT_SANITIZERS (default address;undefined),
#              DEEPEXT_ASAN_FLAGS (compile flags, default "-O1 -g1": quick to build, line numbers in reports,
#              assertions on),
#              CC/CXX (default gcc; CI uses clang, whose UBSan includes float-cast-overflow),
#              DEEPEXT_ASAN_FUZZ (see below).
# Leak suppressions cover system libraries only (tests/fuzz/lsan-system.supp); a leak in our code fails the run.
set -uo pipefail
cd "$(dirname "$0")/.."
build=${DEEPEXT_ASAN_BUILD_DIR:-build-asan}
jobs=${DEEPEXT_ASAN_JOBS:-2}
# gcc's -fsanitize=undefined leaves out float-cast-overflow (clang's includes it); with gcc add it with
# DEEPEXT_SANITIZERS="address;undefined;float-cast-overflow".
sanitizers=${DEEPEXT_SANITIZERS:-address;undefined}
short=0
build_only=0
case "${1:-}" in
--short) short=1; shift ;;
--build-only) build_only=1; shift ;;
esac
# Tests that take most of the lane's time under ASan (measured on 2 cores, see docs/hardening.md): the CLI
# hardening tests named Heavy_* (dozens of processes each) and the Deployer's big-model memory test.
heavy='Heavy_|BigModelDeploysWithBoundedMemory'

# DEEPEXT_ASAN_FUZZ=ON (clang only) also builds the libFuzzer targets, instrumenting every library for coverage,
# so scripts/fuzz.sh can run from this build (DEEPEXT_FUZZ_BUILD_DIR=<dir> DEEPEXT_FUZZ_CONFIGURE=0); it makes the
# build and the suite slower, so CI leaves it off.
fuzz=${DEEPEXT_ASAN_FUZZ:-OFF}

start=$(date +%s)
# The sanitize preset of CMakePresets.json, with this script's overrides.
cmake --preset sanitize -B "$build" -DCMAKE_CXX_FLAGS="${DEEPEXT_ASAN_FLAGS:--O1 -g1}" \
    -DDEEPEXT_SANITIZE="$sanitizers" -DDEEPEXT_FUZZ=$fuzz >/dev/null || exit 1
cmake --build "$build" -j"$jobs" | grep -Ev '^\[[0-9]+/[0-9]+\] (Building|Linking|Automatic)' 
build_status=${PIPESTATUS[0]}
built=$(date +%s)
echo "build: $((built - start)) s (status $build_status)"
[ "$build_status" -eq 0 ] || exit 1
[ "$build_only" = 0 ] || exit 0

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/fuzz/lsan-system.supp:print_suppressions=0}
export QT_QPA_PLATFORM=offscreen
filter=()
if [ "$short" = 1 ]; then
    filter=(-E "$heavy")
fi
cd "$build"
ctest --output-on-failure -j2 --timeout 1800 "${filter[@]}" "$@"
test_status=$?
done_at=$(date +%s)
echo "build: $((built - start)) s, tests: $((done_at - built)) s, total: $((done_at - start)) s"
exit "$test_status"
