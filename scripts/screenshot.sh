#!/usr/bin/env bash
# Takes docs/images/main-window.png: the app under Xvfb on a demo workspace (the demo seeded and saved once, so
# the Saved Models page shows a model card). Usage: scripts/screenshot.sh [build-dir]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-${DEEPEXT_BUILD_DIR:-build}}
cli="$build/src/deepext-cli"
gui="$build/src/deepext"
for exe in "$cli" "$gui"; do
    [ -x "$exe" ] || { echo "error: $exe is missing; build first (scripts/build.sh)" >&2; exit 1; }
done
command -v xvfb-run >/dev/null || { echo "error: xvfb-run is missing (apt-get install xvfb xauth)" >&2; exit 1; }
command -v import >/dev/null || { echo "error: ImageMagick's import is missing (apt-get install imagemagick)" >&2; exit 1; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
workspace="$scratch/workspace"
trained=$("$cli" --workspace "$workspace" demo | tail -n 1)
"$cli" --workspace "$workspace" save "$trained" >/dev/null
"$cli" --workspace "$workspace" env add local --url http://127.0.0.1:11434 --default >/dev/null

mkdir -p docs/images
out="$PWD/docs/images/main-window.png"
# A private settings folder: the window opens at its default size on the Saved Models page, not at yours.
export XDG_CONFIG_HOME="$scratch/config"
export DEEPEXT_SHOT_OUT="$out" DEEPEXT_SHOT_GUI="$gui" DEEPEXT_SHOT_WS="$workspace"
xvfb-run -a -s "-screen 0 1280x820x24" bash -c '
    "$DEEPEXT_SHOT_GUI" --workspace "$DEEPEXT_SHOT_WS" & pid=$!
    # Give the window time to map and the background loads (list, card) to land.
    sleep 5
    import -window root "$DEEPEXT_SHOT_OUT"
    kill "$pid"; wait "$pid" 2>/dev/null || true
'
echo "wrote $out"
