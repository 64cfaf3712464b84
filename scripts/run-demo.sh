#!/usr/bin/env bash
# Installs dependencies, builds, seeds the demo workspace and starts the app on it (the README's run command).
# The workspace is $DEEPEXT_WORKSPACE, else ~/.local/share/deepext-demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
workspace=${DEEPEXT_WORKSPACE:-$HOME/.local/share/deepext-demo}
build/src/deepext-cli --workspace "$workspace" demo >/dev/null
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "no display found: starting the window under Xvfb (set DISPLAY to use your own)" >&2
    exec xvfb-run -a -s "-screen 0 1400x900x24" build/src/deepext --workspace "$workspace"
fi
exec build/src/deepext --workspace "$workspace"
