#!/usr/bin/env bash
# GUI benchmarks: the Saved Models list with 5,000 models (< 1 s) and a selected card (< 100 ms), and the longest
# GUI event-loop stall during a Save of a 1 GB model (< 100 ms) and while a long reply streams into the Try dialog
# and while a 1 GB model deploys in the background (< 100 ms). Needs the deepext_gui_bench target built.
# Usage: bench/gui/run.sh [build-dir]   (default: build; $DEEPEXT_BENCH_SIZE_MB overrides the 1000 MB model)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-${DEEPEXT_BUILD_DIR:-build}}
bench="$build/bench/gui/deepext_gui_bench"
if [ ! -x "$bench" ]; then
    cmake --build "$build" --target deepext_gui_bench
fi
export QT_QPA_PLATFORM=offscreen
status=0
"$bench" list --models 5000 || status=1
"$bench" stall --size-mb "${DEEPEXT_BENCH_SIZE_MB:-1000}" ${DEEPEXT_BENCH_SCRATCH:+--scratch "$DEEPEXT_BENCH_SCRATCH"} || status=1
"$bench" chat --tokens 3000 || status=1
"$bench" deploy --size-mb "${DEEPEXT_BENCH_SIZE_MB:-1000}" ${DEEPEXT_BENCH_SCRATCH:+--scratch "$DEEPEXT_BENCH_SCRATCH"} || status=1
exit $status
