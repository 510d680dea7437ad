# Sourced by tests/integration/windows_*.sh: Debian's Wine (wine64) running
# dist/windows/wardplayer.exe without Windows and without a display (the
# player's --headless uses SDL's dummy video driver). Each suite has a Wine
# prefix of its own under $BUILD, made once with wineboot and kept.
WIN_DIST=dist/windows
WIN_EXE=$WIN_DIST/wardplayer.exe
WINE=${WINE:-/usr/lib/wine/wine64}
WINESERVER=${WINESERVER:-/usr/lib/wine/wineserver64}
export WINEDEBUG=-all
# no Mono or Gecko install prompt: the player needs neither
export WINEDLLOVERRIDES="mscoree,mshtml="

# Counting: tests/lib.sh (ok, not_ok, skip, finish); bad and check are the
# suites' short forms. The suite's wineserver is stopped before the count.
. tests/lib.sh
bad() { not_ok "$@"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
before_finish() { [ -n "${WINEPREFIX:-}" ] && "$WINESERVER" -k >/dev/null 2>&1; return 0; }

# A whole suite that cannot run: a counted skip on a developer's machine (and
# under make check, which leaves it to make test); in CI, which builds
# dist/windows (.ci/stages/windows.sh) and installs Wine, a failure.
skip_suite() {
    if [ "${CI:-}" = true ] && [ "${SANITIZE:-}" != 1 ]; then
        not_ok "$SUITE: $1 (CI builds and installs everything this suite needs)"
    else
        skip "$SUITE" "$1"
    fi
    finish
}

# CI builds dist/windows in the background (.ci/stages/windows.sh runs
# tools/ci-windows beside the other stages): wait for it, once, before
# looking for what it makes.
ci_build_waited=
wait_ci_build() {
    [ -n "$ci_build_waited" ] && return 0
    ci_build_waited=1
    local status=$BUILD/windows/ci-status waited=0
    [ -f "$status" ] || status=build/windows/ci-status
    [ -f "$status" ] || return 0
    while [ "$(cat "$status")" = running ] && [ $waited -lt 3600 ]; do
        sleep 5
        waited=$((waited + 5))
    done
    echo "the Windows build (tools/ci-windows): $(cat "$status") s, waited ${waited} s here"
    if [ "$(cut -d' ' -f1 "$status")" != ok ]; then
        bad "the Windows build (make windows) succeeded" "$(tail -n 30 "$(dirname "$status")/ci.log")"
    fi
}

[ "${SANITIZE:-}" = 1 ] && skip_suite "under make check (the Windows build has no sanitizers; make test runs it)"
wait_ci_build

# Skips unless the Windows build and Wine are there; then makes the prefix.
wine_setup() {
    [ -f "$WIN_EXE" ] || skip_suite "$WIN_EXE is missing (make windows)"
    [ -x "$WINE" ] || skip_suite "$WINE is missing (tools/install-deps installs wine64)"
    export WINEPREFIX=$PWD/$BUILD/wine-$SUITE
    if [ ! -f "$WINEPREFIX/system.reg" ]; then
        rm -rf "$WINEPREFIX"
        mkdir -p "$(dirname "$WINEPREFIX")"
        LC_ALL=C.UTF-8 timeout 300 "$WINE" wineboot -i >/dev/null 2>&1
        # the registry reaches system.reg when the wineserver ends
        timeout 120 "$WINESERVER" -w >/dev/null 2>&1
        [ -f "$WINEPREFIX/system.reg" ] || skip_suite "wineboot could not make a Wine prefix"
    fi
    # one wineserver for the whole suite: each program then starts in ~1 s
    "$WINESERVER" -p 60 >/dev/null 2>&1
}

# The program under Wine with a time limit; stdout and stderr as it writes
# them, less the carriage returns of Windows' text mode.
# LC_ALL=C.UTF-8: Wine reads Unix file names in the locale's encoding, and
# the names here are UTF-8 (« Formation IA/données »).
wrun() {
    LC_ALL=C.UTF-8 timeout 180 "$WINE" "$@" 2> >(tr -d '\r' >&2) | tr -d '\r'
    return "${PIPESTATUS[0]}"
}
