#!/usr/bin/env bash
# Regenerates the screenshots in docs/images: every page of the window in a light and a dark palette
# (<page>-light.png, <page>-dark.png for base-models, trained-models, saved-models, deployed-models), the Saved
# Models page at 200 % (saved-models-200.png), the Try dialog mid-conversation (try-chat-light.png) and the Evaluate
# dialog after a run (evaluate-light.png) and the Deployed Models page during a background deploy
# (deploying-light.png). The window runs offscreen (no display needed) on a demo workspace with
# two saved models and two deploys to stand-in Ollama servers (deepext-fake-ollama): one that worked, one the
# server refused (a third, for the Evaluate dialog, comes after the page shots).
# Usage: scripts/screenshots.sh [build-dir]   (default: build; builds what it needs)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-${DEEPEXT_BUILD_DIR:-build}}
cmake --build "$build" --target deepext-cli deepext-fake-ollama deepext_screenshots -j2 >/dev/null
cli="$build/src/deepext-cli"
fake="$build/tools/fakeollama/deepext-fake-ollama"
shots="$build/tools/screenshots/deepext_screenshots"

# A fixed place, so the paths in the pictures read the same from one run to the next.
scratch=/tmp/deepext-screenshots
rm -rf "$scratch"
mkdir -p "$scratch"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$scratch"
}
trap cleanup EXIT

# Starts a stand-in Ollama server and prints its URL once it listens.
start_ollama() {
    local name=$1
    shift
    "$fake" --state "$scratch/$name" "$@" >"$scratch/$name.log" 2>&1 &
    pids+=($!)
    local tries=0
    until grep -q '^listening on ' "$scratch/$name.log"; do
        tries=$((tries + 1))
        [ "$tries" -lt 200 ] || { echo "error: $fake did not start" >&2; cat "$scratch/$name.log" >&2; exit 1; }
        sleep 0.05
    done
    sed -n 's/^listening on //p' "$scratch/$name.log"
}

local_url=$(start_ollama local)
# Ollama's own refusal for a quantization it cannot do (server/create.go).
gpu_url=$(start_ollama gpu-box --create-error-after "2:quantization is only supported for F16 and F32 models")

workspace="$scratch/workspace"
ws=(--workspace "$workspace")
trained=$("$cli" "${ws[@]}" demo | tail -n 1)
"$cli" "${ws[@]}" save "$trained" --dtype fp16 >/dev/null
saved=$("$cli" "${ws[@]}" save "$trained" | tail -n 1)
"$cli" "${ws[@]}" env add local --url "$local_url" --default >/dev/null
"$cli" "${ws[@]}" env add gpu-box --url "$gpu_url" >/dev/null
"$cli" "${ws[@]}" deploy "$saved" --env gpu-box --quantize q4_K_M >/dev/null 2>&1 || true
"$cli" "${ws[@]}" deploy "$saved" --env local --quantize q8_0 >/dev/null

mkdir -p docs/images
export QT_QPA_PLATFORM=offscreen
shoot=("$shots" --workspace "$workspace" --out docs/images --saved "$saved")
"${shoot[@]}" --palette light
"${shoot[@]}" --palette dark
QT_SCALE_FACTOR=2 "${shoot[@]}" --palette light --suffix 200 --pages saved
"${shoot[@]}" --palette light --pages try

# The Evaluate dialog (evaluate-light.png) with two deployments side by side: a second deploy to the local server,
# made after the page shots so they keep showing the two above.
"$cli" "${ws[@]}" deploy "$saved" --env local --quantize q4_K_M >/dev/null
prompts="$scratch/prompts.jsonl"
cat >"$prompts" <<'JSONL'
{"prompt": "What is the capital of France?", "expected": "Paris"}
{"prompt": "Summarise LoRA in one sentence.", "system": "Be brief."}
{"prompt": "Write a haiku about rain."}
JSONL
"${shoot[@]}" --palette light --pages none --evaluate "$prompts"

# The Deployed Models page while the saved model deploys in the background (deploying-light.png), to a server that
# holds the create so the picture catches the job on its row.
slow_url=$(start_ollama slow-box --hold-create)
"$cli" "${ws[@]}" env add slow-box --url "$slow_url" >/dev/null
"${shoot[@]}" --palette light --pages none --deploying slow-box
