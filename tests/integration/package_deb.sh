#!/usr/bin/env bash
# The Debian package (make deb): lintian reports no error; dpkg installs it
# on this machine; the installed wardplayer runs from /usr/bin (--version,
# --check on a built module and on a hostile zip, a headless session that
# records an answer in a store); the man pages, the desktop entry and the LRS
# template (mode 600, a conffile) are where the package says; dpkg removes
# and purges it without leaving a file behind. Needs root (dpkg); elsewhere,
# and under make check (the package holds the unsanitized programs), the
# suite is a counted skip (in CI, as root, a failure). Prints "N passed, N
# failed, N skipped" (tests/lib.sh).
# sanitizers: no (the package holds the unsanitized programs)
set -u
cd "$(dirname "$0")/../.."
# the player picks choices by their place here: every attempt shows them as
# written (tests/unit/test_shuffle.c tests the shuffled order)
export WARDPLAYER_SHUFFLE_SEED=0
BUILD=${BUILD:-build}
. tests/lib.sh
bad() { not_ok "$@"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
# The whole suite cannot run: a counted skip here; in CI (root, every tool
# installed by tools/install-deps) a failure, since every package test must run.
skip_suite() {
    if [ "${CI:-}" = true ] && [ "${SANITIZE:-}" != 1 ]; then
        not_ok "package_deb: $1"
    else
        skip "package_deb" "$1"
    fi
    finish
}

[ "${SANITIZE:-}" = 1 ] && skip_suite "under make check (make test runs it on the real programs)"
[ "$(id -u)" = 0 ] || skip_suite "needs root to install the package with dpkg"
for tool in dpkg dpkg-deb lintian; do
    command -v $tool >/dev/null || skip_suite "$tool is missing (run tools/install-deps)"
done
if dpkg-query -W -f='${Status}' wardplayer 2>/dev/null | grep -q 'ok installed'; then
    skip_suite "a wardplayer package is already installed on this machine (left as it is)"
fi

VERSION=$(sed -n 's/^VERSION := //p' Makefile)
DEB=dist/wardplayer_${VERSION}_amd64.deb
T=$(mktemp -d /tmp/package_deb.XXXXXX)
cleanup() {
    dpkg -P wardplayer >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT

check "make deb builds $DEB" make -s --no-print-directory deb BUILD="$BUILD"
[ -f "$DEB" ] || finish

lintian --no-tag-display-limit "$DEB" >"$T/lintian" 2>&1
check "lintian: no error" bash -c "! grep -q '^E:' '$T/lintian'"
check "lintian: no warning" bash -c "! grep -q '^W:' '$T/lintian'"
grep -E '^(E|W):' "$T/lintian" | head -5

check "dpkg installs it" bash -c "dpkg -i '$DEB' >>'$T/dpkg.log' 2>&1"
check "installed: /usr/bin/wardplayer --version says $VERSION" \
    [ "$(/usr/bin/wardplayer --version)" = "wardplayer $VERSION" ]
check "installed: coursepack is there" [ -x /usr/bin/coursepack ]
check "installed: a man page per program" \
    test -f /usr/share/man/man1/wardplayer.1.gz -a -f /usr/share/man/man1/coursepack.1.gz
check "installed: man renders wardplayer(1)" bash -c "man -l /usr/share/man/man1/wardplayer.1.gz 2>/dev/null | grep -q 'offline SCORM course player'"
check "installed: the desktop entry runs wardplayer" \
    grep -qx 'Exec=wardplayer %f' /usr/share/applications/wardplayer.desktop
check "installed: the LRS template is mode 600, owned by root" \
    [ "$(stat -c '%a %U' /etc/wardplayer/lrs.conf.example)" = "600 root" ]
check "installed: the template is a conffile" \
    grep -qx /etc/wardplayer/lrs.conf.example /var/lib/dpkg/info/wardplayer.conffiles
check "installed: docs in /usr/share/doc/wardplayer" [ -f /usr/share/doc/wardplayer/copyright ]

# the installed programs at work: build a module, check it, play it
/usr/bin/coursepack build courses/example-module -o "$T/pkgs" --lang fr --scorm 2004 >"$T/build.out" 2>&1
ZIP=$(ls "$T"/pkgs/*.zip 2>/dev/null | head -1)
check "installed coursepack builds a module" [ -n "$ZIP" ]
/usr/bin/wardplayer --check "$ZIP" >"$T/check.out" 2>&1
check "installed wardplayer --check: the module can be played (exit 0)" \
    grep -q 'can be played' "$T/check.out"
printf 'PK\3\4 not really a zip' >"$T/bad.zip"
/usr/bin/wardplayer --check "$T/bad.zip" >"$T/bad.out" 2>&1
rc=$?
check "installed wardplayer --check: a broken zip is refused (exit 1, named)" \
    bash -c "[ $rc = 1 ] && grep -q 'bad.zip' '$T/bad.out'"
cat >"$T/script" <<'EOF'
wait 100
quit
EOF
/usr/bin/wardplayer "$ZIP" --headless --no-sync --data "$T/data" --script "$T/script" \
    >"$T/play.out" 2>&1
check "installed wardplayer plays headless and creates its store" [ -f "$T/data/learners.db" ]

check "dpkg removes it" bash -c "dpkg -r wardplayer >>'$T/dpkg.log' 2>&1"
check "removed: the programs are gone" test ! -e /usr/bin/wardplayer -a ! -e /usr/bin/coursepack
check "removed: the conffile stays until purge" [ -f /etc/wardplayer/lrs.conf.example ]
check "dpkg purges it" bash -c "dpkg -P wardplayer >>'$T/dpkg.log' 2>&1"
check "purged: /etc/wardplayer is gone" [ ! -e /etc/wardplayer ]

finish
