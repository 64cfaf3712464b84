#!/usr/bin/env bash
# Checks the Debian package scripts/package.sh built: its control fields and Depends, its exact contents, lintian's
# findings (errors fail the check), and the installed programs run from a scratch root (dpkg -x): deepext-cli
# --version, demo, save and verify on a temp workspace, deepext --version and --help with no display, and a smoke run
# of the window offscreen. With DEEPEXT_CHECK_DPKG_INSTALL=1, as root, and the package not installed yet, it also
# installs it for real (dpkg -i, which must need no apt-get install -f), runs it from /usr/bin, and purges it.
# Usage: scripts/check-package.sh [DEB]   (default: the newest dist/deepext_*.deb)
set -uo pipefail  # no -e: every check reports through fail() and the script goes on
cd "$(dirname "$0")/.."
deb=${1:-$(ls -t dist/deepext_*.deb 2>/dev/null | head -n 1)}
[ -n "$deb" ] && [ -f "$deb" ] || { echo "error: no package given and none in dist/ (run scripts/package.sh)" >&2; exit 1; }
deb=$(realpath "$deb")
version=$(sed -n 's/^project([A-Za-z]* VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
arch=$(dpkg --print-architecture)
app_id=$(sed -n 's/^set(DEEPEXT_APP_ID "\([^"]*\)".*/\1/p' cmake/DeepextInstall.cmake)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}
pass() { echo "ok: $*"; }
no_display() { env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$@"; }

[ "$(basename "$deb")" = "deepext_${version}_${arch}.deb" ] && pass "file name $(basename "$deb")" ||
    fail "the file is $(basename "$deb"), expected deepext_${version}_${arch}.deb"

# Control fields.
field() { dpkg-deb --field "$deb" "$1"; }
[ "$(field Package)" = deepext ] && pass "Package: deepext" || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] && pass "Version: $version" || fail "Version: $(field Version), expected $version"
[ "$(field Architecture)" = "$arch" ] && pass "Architecture: $arch" || fail "Architecture: $(field Architecture)"
[ "$(field Section)" = science ] && pass "Section: science" || fail "Section: $(field Section)"
[ "$(field Priority)" = optional ] && pass "Priority: optional" || fail "Priority: $(field Priority)"
[[ "$(field Maintainer)" =~ ^[^\<]+\ \<[^@\>]+@[^\>]+\>$ ]] && pass "Maintainer: $(field Maintainer)" ||
    fail "Maintainer: '$(field Maintainer)'"
[ "$(field Description | wc -l)" -ge 5 ] && pass "Description: $(field Description | head -n 1)" ||
    fail "the description has no long text"
depends=$(field Depends)
echo "   Depends: $depends"
# Every library the programs need comes from a package the Depends name, or one it provides (what dpkg-shlibdeps
# is for; libspdlog1.10 provides the libspdlog1.10-fmt9 its shlibs ask for).
dpkg -x "$deb" "$scratch/root"
depends_names=" $(echo "$depends" | tr ',|' '\n\n' | sed 's/^ *//; s/[ (].*//' | tr '\n' ' ') "
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
uncovered=$failures
for exe in deepext deepext-cli; do
    for soname in $(readelf -d "$scratch/root/usr/bin/$exe" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
        path=$(ldd "$scratch/root/usr/bin/$exe" |
            awk -v so="$soname" '$1 == so {print $3; exit} {n = split($1, part, "/"); if (n > 1 && part[n] == so) {print $1; exit}}')
        owner=$(dpkg -S "$path" 2>/dev/null | head -n 1 | cut -d: -f1 || true)
        [ -n "$owner" ] ||
            owner=$(dpkg -S "*/$multiarch/$soname" 2>/dev/null | grep -v '^diversion' | head -n 1 | cut -d: -f1 || true)
        provides=$(dpkg-query -W -f='${Provides}' "$owner" 2>/dev/null || true)
        provided="$owner $(echo "$provides" | tr ',' '\n' | sed 's/^ *//; s/[ (].*//' | tr '\n' ' ')"
        covered=0
        for name in $provided; do
            [[ "$depends_names" == *" $name "* ]] && covered=1
        done
        if [ -z "$owner" ]; then
            fail "$exe needs $soname, which no installed package provides"
        elif [ "$covered" = 0 ]; then
            fail "$exe needs $soname from $owner, which Depends does not name"
        fi
    done
done
[ "$failures" = "$uncovered" ] && pass "Depends covers every library the programs link"
[[ "$depends_names" == *" libqt6svg6 "* ]] && pass "Depends names libqt6svg6 (the SVG plugins)" ||
    fail "Depends lacks libqt6svg6 (the SVG icon plugins)"

# Contents: exactly these files (directories aside).
expected=(
    ./usr/bin/deepext
    ./usr/bin/deepext-cli
    ./usr/share/applications/deepext.desktop
    ./usr/share/bash-completion/completions/deepext-cli
    ./usr/share/doc/deepext/changelog.gz
    ./usr/share/doc/deepext/copyright
    ./usr/share/icons/hicolor/scalable/apps/deepext.svg
    ./usr/share/man/man1/deepext-cli.1.gz
    ./usr/share/man/man1/deepext.1.gz
    "./usr/share/metainfo/$app_id.metainfo.xml"
)
for size in 16 22 24 32 48 64 128 256 512; do
    expected+=("./usr/share/icons/hicolor/${size}x${size}/apps/deepext.png")
done
dpkg-deb --contents "$deb" | awk '$1 !~ /^d/ {print $6}' | sort >"$scratch/contents"
printf '%s\n' "${expected[@]}" | sort >"$scratch/expected"
if diff -u "$scratch/expected" "$scratch/contents" >"$scratch/contents.diff"; then
    pass "contents: ${#expected[@]} files (binaries, desktop entry, icons, metainfo, man pages, completion, docs)"
else
    fail "contents differ from the expected list:"
    cat "$scratch/contents.diff" >&2
fi
dpkg-deb --contents "$deb" | awk '$2 != "root/root" {print}' | grep -q . && fail "files not owned by root" || true
for exe in deepext deepext-cli; do
    file "$scratch/root/usr/bin/$exe" | grep -q ', stripped' && pass "$exe is stripped" || fail "$exe is not stripped"
done
# Relocatable and reproducible: no file (binaries and compressed pages included) names the tree it was built in.
named=$(grep -rlF -- "$PWD" "$scratch/root" || true)
for gz in "$scratch"/root/usr/share/man/man1/*.gz "$scratch"/root/usr/share/doc/deepext/*.gz; do
    zcat "$gz" | grep -qF -- "$PWD" && named+=" $gz"
done
[ -z "$named" ] && pass "no installed file names the source tree" || fail "these files name $PWD: $named"

# Desktop integration files as installed.
desktop-file-validate "$scratch/root/usr/share/applications/deepext.desktop" && pass "desktop-file-validate" ||
    fail "desktop-file-validate"
appstreamcli validate --no-net "$scratch/root/usr/share/metainfo/$app_id.metainfo.xml" >"$scratch/as.log" 2>&1 &&
    pass "appstreamcli validate --no-net" || { fail "appstreamcli validate"; cat "$scratch/as.log" >&2; }
for page in deepext deepext-cli; do
    warnings=$(man --warnings -l "$scratch/root/usr/share/man/man1/$page.1.gz" 2>&1 >/dev/null)
    [ -z "$warnings" ] && pass "man $page: no warnings" || fail "man $page: $warnings"
done
bash -n "$scratch/root/usr/share/bash-completion/completions/deepext-cli" && pass "completion is valid bash" ||
    fail "completion is not valid bash"

# lintian, where Debian's is installed: every finding is shown, errors fail the check.
if command -v lintian >/dev/null; then
    lintian --display-info --pedantic "$deb" >"$scratch/lintian.log" 2>&1 || true
    if [ -s "$scratch/lintian.log" ]; then
        echo "   lintian:"
        sed 's/^/     /' "$scratch/lintian.log"
    fi
    grep -q '^E: ' "$scratch/lintian.log" && fail "lintian reports errors" ||
        pass "lintian: no errors ($(grep -c '^[WIPX]: ' "$scratch/lintian.log" || true) other findings)"
else
    echo "   lintian is not installed: skipped"
fi

# The installed programs, run from the scratch root.
run_installed_programs() {
    local bin=$1 where=$2 ws="$scratch/workspace-$2"
    local cli="$bin/deepext-cli" gui="$bin/deepext"
    [ "$("$cli" --version)" = "deepext-cli $version" ] && pass "$where: deepext-cli --version" ||
        fail "$where: deepext-cli --version printed '$("$cli" --version 2>&1)'"
    local trained saved
    if trained=$("$cli" --workspace "$ws" demo | tail -n 1) && [ -n "$trained" ]; then
        pass "$where: deepext-cli demo ($trained)"
        if saved=$("$cli" --workspace "$ws" save "$trained" 2>/dev/null | tail -n 1) &&
            "$cli" --workspace "$ws" verify "$saved" >/dev/null; then
            pass "$where: deepext-cli save + verify ($saved)"
        else
            fail "$where: deepext-cli save or verify"
        fi
    else
        fail "$where: deepext-cli demo"
    fi
    [ "$(no_display "$gui" --version)" = "deepext $version" ] && pass "$where: deepext --version, no display" ||
        fail "$where: deepext --version with no display"
    no_display "$gui" --help | grep -q -- '--workspace' && pass "$where: deepext --help, no display" ||
        fail "$where: deepext --help with no display"
    XDG_CONFIG_HOME="$scratch/config-$where" QT_QPA_PLATFORM=offscreen "$gui" --workspace "$ws" --quit-when-ready \
        2>"$scratch/smoke.log" && pass "$where: the window opens offscreen and quits by itself" ||
        { fail "$where: the window's smoke run"; cat "$scratch/smoke.log" >&2; }
}
run_installed_programs "$scratch/root/usr/bin" scratch-root

# A real installation, where asked for (CI, as root) and harmless.
if [ "${DEEPEXT_CHECK_DPKG_INSTALL:-0}" = 1 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "   dpkg -i: skipped (not root)"
    elif dpkg-query -W -f='${Status}' deepext 2>/dev/null | grep -q "install ok installed"; then
        echo "   dpkg -i: skipped (a deepext package is installed already; it is left alone)"
    else
        if dpkg -i "$deb" >"$scratch/dpkg.log" 2>&1; then
            pass "dpkg -i (all dependencies already met)"
            run_installed_programs /usr/bin dpkg-installed
            [ "$(man -w deepext-cli 2>/dev/null)" = /usr/share/man/man1/deepext-cli.1.gz ] && pass "man -w deepext-cli" ||
                fail "man does not find deepext-cli(1)"
            # What bash-completion loads on the first Tab after deepext-cli.
            [ "$(bash -c 'source /usr/share/bash-completion/completions/deepext-cli && complete -p deepext-cli')" = \
                "complete -F _deepext_cli deepext-cli" ] && pass "bash completion registers for deepext-cli" ||
                fail "bash completion does not register for deepext-cli"
        else
            fail "dpkg -i"
            cat "$scratch/dpkg.log" >&2
        fi
        dpkg --purge deepext >"$scratch/dpkg.log" 2>&1 && [ ! -e /usr/bin/deepext-cli ] && pass "dpkg --purge" ||
            { fail "dpkg --purge"; cat "$scratch/dpkg.log" >&2; }
    fi
fi

if [ "$failures" -ne 0 ]; then
    echo "check-package: $failures check(s) failed for $(basename "$deb")" >&2
    exit 1
fi
echo "check-package: $(basename "$deb") is fine"
