#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang, ASan and UBSan into build-fuzz and runs each one after the
# other for a bounded time, printing executions and coverage per target.
# Usage: scripts/fuzz.sh [seconds-per-target (default 60)] [target-name-filter]
#   e.g. scripts/fuzz.sh 300 http      only fuzz_http_request_parser, five minutes
# Seeds come from tests/fuzz/corpus/<target>/ (read only); what the fuzzer learns goes to build-fuzz/corpus/<target>/.
# A crash, leak, timeout or sanitizer report is copied to tests/fuzz/regressions/<target>/, where the normal test
# suite replays it (tests/core/workflow/HardeningTest.cpp) once the bug is fixed. Exit status 1 when anything was found.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
filter=${2:-}
build=${DEEPEXT_FUZZ_BUILD_DIR:-build-fuzz}
jobs=${DEEPEXT_FUZZ_BUILD_JOBS:-2}

command -v clang++ >/dev/null || { echo "error: clang++ is missing (DEEPEXT_WITH_CLANG=1 scripts/install-deps.sh)" >&2; exit 1; }
# DEEPEXT_FUZZ_CONFIGURE=0: use the build as configured (e.g. the clang sanitizer lane's, which has the targets).
if [ "${DEEPEXT_FUZZ_CONFIGURE:-1}" != 0 ]; then
    # The sanitize preset's libraries (tests and fault hooks on) at -O2 with debug info, plus the fuzz targets.
    CC=clang CXX=clang++ cmake --preset sanitize -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS= \
        -DDEEPEXT_FUZZ=ON >/dev/null || exit 1
fi
cmake --build "$build" --target fuzz_targets -j"$jobs" | grep -v '^\[' || true
[ "${PIPESTATUS[0]}" -eq 0 ] || { echo "error: the fuzz build failed" >&2; exit 1; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/fuzz/lsan-system.supp:print_suppressions=0}
export QT_QPA_PLATFORM=offscreen

found=0
printf '%-26s %10s %8s %8s %8s %7s  %s\n' target execs exec/s cov ft corpus result
for corpus in tests/fuzz/corpus/*/; do
    name=$(basename "$corpus")
    exe="$build/tests/fuzz/fuzz_$name"
    [[ -z "$filter" || "$name" == *"$filter"* ]] || continue
    [ -x "$exe" ] || { echo "error: $exe was not built" >&2; found=1; continue; }
    work="$build/corpus/$name"
    artifacts="$build/artifacts/$name"
    log="$build/logs/$name.log"
    mkdir -p "$work" "$artifacts" "$(dirname "$log")"
    # One process, one job: the machine stays usable. -timeout: one input taking longer than 10 s is a finding.
    "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" "$work" "$corpus" >"$log" 2>&1
    status=$?
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*')
    ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*')
    corp=$(grep -o 'corp: [0-9]*' <<<"$last" | grep -o '[0-9]*')
    result=ok
    if [ "$status" -ne 0 ] || compgen -G "$artifacts/*" >/dev/null; then
        result="FOUND (see $log)"
        found=1
        mkdir -p "tests/fuzz/regressions/$name"
        for artifact in "$artifacts"/*; do
            [ -e "$artifact" ] && cp "$artifact" "tests/fuzz/regressions/$name/" && rm -f "$artifact"
        done
    fi
    printf '%-26s %10s %8s %8s %8s %7s  %s\n' "$name" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$result"
done
exit "$found"
