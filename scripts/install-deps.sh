#!/usr/bin/env bash
# Installs everything DeepExtension Desktop needs to build, test and run, from Debian 12 packages, and the npm
# packages the GGUF tests judge with (scripts/install-llama.sh).
# Run as root (or with sudo available). Quick when everything is already there.
set -euo pipefail

packages=(
    build-essential cmake ninja-build pkg-config
    qt6-base-dev qt6-base-dev-tools libqt6opengl6-dev qt6-svg-dev
    nlohmann-json3-dev libspdlog-dev libfmt-dev libgtest-dev libgmock-dev
    uuid-dev libssl-dev openssl libyaml-cpp-dev libsentencepiece-dev
    xvfb xauth time
    # The desktop integration's validators and man, for the tests (tests/packaging).
    desktop-file-utils appstream man-db groff-base gzip
)
# The Debian package's tools (scripts/package.sh, scripts/check-package.sh).
if [ "${DEEPEXT_WITH_PACKAGING:-0}" = 1 ]; then
    packages+=(dpkg-dev file lintian)
fi
# CI's extras: clang for the sanitizer lane and the fuzz targets, clang-format 14 for the formatting check.
if [ "${DEEPEXT_WITH_CLANG:-0}" = 1 ]; then
    packages+=(clang libclang-rt-14-dev clang-format-14)
fi

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo_cmd=()
    if [ "$(id -u)" -ne 0 ]; then
        sudo_cmd=(sudo)
    fi
    echo "installing: ${missing[*]}" >&2
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The tests' llama.cpp judge (node-llama-cpp from npm, pinned in tests/llama/package-lock.json; needs node >= 20).
"$(dirname "$0")/install-llama.sh"
