#!/usr/bin/env bash
# Installs the pinned llama.cpp runtime that judges our GGUF exports in the tests (tests/llama: node-llama-cpp
# 3.22.1 with its prebuilt CPU llama.cpp for linux-x64, and @huggingface/tokenizers 0.2.0 as the reference
# tokenizer) into tests/llama/node_modules, exactly as package-lock.json pins it. Quick when already installed.
#
# --omit=optional: node-llama-cpp lists its CUDA and Vulkan builds (~650 MB) as optional; the CPU build we need is a
# direct dependency of our package.json. --ignore-scripts: node-llama-cpp's postinstall would look for (and may try
# to download or build) a llama.cpp binary; the tests load the prebuilt one with getLlama({build: "never"}).
# `npm install` from the lock file, not `npm ci`: node-llama-cpp 3.22.1 names optional builds for macOS, Windows and
# riscv64 at 3.22.1 that the registry does not have, so they cannot be in the lock file, and `npm ci` refuses a lock
# file that lacks them ("Missing: @node-llama-cpp/mac-x64@ from lock file"). `npm install` installs exactly the
# locked versions; the script then checks that the lock file was not changed.
set -euo pipefail
dir="$(cd "$(dirname "$0")/../tests/llama" && pwd)"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "install-llama: node (>= 20) and npm are needed for the llama.cpp tests (tests/llama); install Node.js 20" >&2
    exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
    echo "install-llama: node $(node --version) is too old: node-llama-cpp 3.22.1 needs node >= 20" >&2
    exit 1
fi

# The stamp records which lock file was installed, so a changed pin reinstalls.
stamp="$dir/node_modules/.deepext-installed"
want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    exit 0
fi

echo "install-llama: installing the pinned node-llama-cpp and @huggingface/tokenizers into $dir/node_modules" >&2
start=$(date +%s)
(cd "$dir" && npm install --omit=optional --ignore-scripts --no-audit --no-fund --loglevel=error)
if [ "$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)" != "$want" ]; then
    echo "install-llama: npm changed tests/llama/package-lock.json: the pinned versions are no longer what the" \
        "registry serves; look at 'git diff tests/llama/package-lock.json'" >&2
    exit 1
fi
# Prove the runtime loads (prebuilt binary, CPU only, never built or downloaded) before calling it installed.
if ! (cd "$dir" && node probe.mjs <<<'{"op": "version"}' >/dev/null); then
    echo "install-llama: node-llama-cpp installed but llama.cpp does not load (see above)" >&2
    exit 1
fi
echo "$want" >"$stamp"
echo "install-llama: done in $(($(date +%s) - start)) s ($(du -sh "$dir/node_modules" | cut -f1))" >&2
