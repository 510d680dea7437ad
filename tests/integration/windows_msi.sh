#!/usr/bin/env bash
# The MSI (make windows) under Wine's msiexec, as hospital IT deploys it:
# a silent install (/qn) puts wardplayer.exe, its DLLs and fonts in Program
# Files and the two Start-menu shortcuts in place; the installed program
# runs (--version is the MSI's version, --check, a headless frame drawn with
# the installed fonts); a learner's store made then survives an upgrade to a
# newer MSI (built here from the same files) that replaces the program, and
# survives the silent uninstall (/x), which removes the program. The MSI
# stays within its size budget. Prints "N passed, N failed, N skipped"
# (tests/lib.sh, through tests/e2e/wine.sh).
# sanitizers: no (the MSI holds a MinGW build without them)
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
SUITE=windows_msi
. tests/e2e/wine.sh
COURSEPACK=$BUILD/coursepack
MSI_BUDGET_KB=15360     # docs/player.md: under 15 MB
VERSION=$(sed -n 's/^VERSION := //p' Makefile)
MSI=$WIN_DIST/wardplayer-$VERSION.msi
[ -f "$MSI" ] || skip_suite "$MSI is missing (make windows)"
command -v wixl >/dev/null || skip_suite "wixl is missing (tools/install-deps)"
[ -x "$COURSEPACK" ] || skip_suite "$COURSEPACK is needed (make)"
wine_setup
# the prefix is installed into: start from a clean one each run
"$WINESERVER" -k >/dev/null 2>&1
rm -rf "$WINEPREFIX"
wine_setup

T=$(mktemp -d /tmp/windows_msi.XXXXXX)
trap 'rm -rf "$T"' EXIT
C=$WINEPREFIX/drive_c
INST="$C/Program Files/wardplayer"
# ALLUSERS=1 puts the shortcuts in the all-users Start menu on Windows; Wine's
# msi resolves ProgramMenuFolder to the user's own: either is accepted here
menu_dir() {
    local d
    for d in "$C/ProgramData/Microsoft/Windows/Start Menu/Programs/wardplayer" \
             "$C"/users/*/AppData/Roaming/Microsoft/Windows/Start\ Menu/Programs/wardplayer; do
        [ -d "$d" ] && { echo "$d"; return; }
    done
    echo "$C/ProgramData/Microsoft/Windows/Start Menu/Programs/wardplayer"
}
DATA=$C/ProgramData/wardplayer/data

# Add/Remove Programs: the version of each Uninstall key naming wardplayer,
# asked from Wine's registry (system.reg is written only when wineserver ends)
arp() {
    wrun reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall' /s 2>/dev/null |
        awk '/^HKEY_/ { name = 0 }
             $1 == "DisplayName" && $3 == "wardplayer" { name = 1 }
             $1 == "DisplayVersion" { v = $3 }
             /^$/ { if (name) print v; name = 0; v = "" }
             END { if (name) print v }'
}
# a .lnk holds its arguments in UTF-16, its target in UTF-16 or ANSI
lnk_has() {
    python3 -c 'import sys; b = open(sys.argv[1], "rb").read(); s = sys.argv[2]
sys.exit(s.encode("utf-16-le") not in b and s.encode() not in b)' "$1" "$2"
}

size=$(du -k "$MSI" | cut -f1)
check "the MSI is within its budget (${size} KB <= $MSI_BUDGET_KB KB)" test "$size" -le "$MSI_BUDGET_KB"

wrun msiexec /i "$(realpath "$MSI")" /qn >"$T/install.out" 2>&1
rc=$?
check "msiexec /i /qn installs silently (exit 0)" test "$rc" = 0
check "installed: Program Files\\wardplayer\\wardplayer.exe" test -f "$INST/wardplayer.exe"
check "installed: the DLLs beside it" test -f "$INST/SDL2.dll" -a -f "$INST/libsqlite3-0.dll"
check "installed: the DejaVu fonts and their licence" \
    test -f "$INST/fonts/DejaVuSans.ttf" -a -f "$INST/licenses/fonts-dejavu.txt"
MENU=$(menu_dir)
check "installed per machine (in HKLM's Add/Remove Programs, version $VERSION)" \
    test "$(arp)" = "$VERSION"
check "installed: the Start-menu shortcut" test -f "$MENU/wardplayer.lnk"
check "installed: the kiosk shortcut" test -f "$MENU/wardplayer (kiosk).lnk"
check "installed: the kiosk shortcut opens the library with --kiosk" \
    lnk_has "$MENU/wardplayer (kiosk).lnk" '--kiosk'
check "installed: the kiosk shortcut runs the installed program" \
    lnk_has "$MENU/wardplayer (kiosk).lnk" 'wardplayer.exe'
check "installed: the module library folder %PROGRAMDATA%\\wardplayer\\modules" \
    test -d "$C/ProgramData/wardplayer/modules"
EXE='C:\Program Files\wardplayer\wardplayer.exe'
check "the installed program says its version ($VERSION)" \
    test "$(wrun "$EXE" --version 2>/dev/null)" = "wardplayer $VERSION"

"$COURSEPACK" build courses/example-module -o "$T/pkg" --lang fr --scorm 2004 >"$T/build.out" 2>&1
PKG=$(ls "$T"/pkg/*.zip | head -1)
cp "$PKG" "$C/ProgramData/wardplayer/modules/"
wrun "$EXE" --check 'C:\ProgramData\wardplayer\modules\'"$(basename "$PKG")" >"$T/check.out" 2>&1
check "the installed program checks a module in the library folder" grep -q 'can be played' "$T/check.out"

# a learner, in the shared data folder, as the kiosk shortcut would start it
cat >"$T/session" <<EOF
key Tab
key Return
text Hélène Dupré
key Return
screenshot $T/installed.png
quit
EOF
wrun "$EXE" 'C:\ProgramData\wardplayer\modules' --headless --no-sync --script "$T/session" \
    >"$T/run.out" 2>&1
check "the installed program draws with its own fonts (a screenshot)" test -s "$T/installed.png"
check "the learner is in %PROGRAMDATA%\\wardplayer\\data" \
    bash -c "sqlite3 '$DATA/learners.db' 'select name from learners' 2>/dev/null | grep -qx 'Hélène Dupré'"

# an upgrade: the same files as a newer version
NEXT=$(echo "$VERSION" | awk -F. '{printf "%d.%d.%d", $1, $2, $3 + 1}')
tools/windows-msi "$WIN_DIST" "$NEXT" "$T/msi" "$T/wardplayer-$NEXT.msi" >"$T/msi.out" 2>&1
check "an MSI of version $NEXT is built" test -f "$T/wardplayer-$NEXT.msi"
echo stale >"$INST/left-by-hand.txt"
wrun msiexec /i "$T/wardplayer-$NEXT.msi" /qn >"$T/upgrade.out" 2>&1
rc=$?
check "msiexec upgrades silently" test "$rc" = 0
check "after the upgrade one wardplayer is installed, version $NEXT (Add/Remove Programs)" \
    test "$(arp)" = "$NEXT"
check "after the upgrade: the program is there and runs" \
    test "$(wrun "$EXE" --version 2>/dev/null)" = "wardplayer $VERSION"
check "after the upgrade: the learner data is kept" \
    bash -c "sqlite3 '$DATA/learners.db' 'select name from learners' 2>/dev/null | grep -qx 'Hélène Dupré'"

wrun msiexec /x "$T/wardplayer-$NEXT.msi" /qn >"$T/uninstall.out" 2>&1
rc=$?
check "msiexec /x /qn uninstalls silently" test "$rc" = 0
check "uninstalled: the program is gone" test ! -e "$INST/wardplayer.exe"
check "uninstalled: no longer in Add/Remove Programs" test -z "$(arp)"
check "uninstalled: the shortcuts are gone" test ! -e "$MENU/wardplayer.lnk"
check "uninstalled: the learner data is kept" test -f "$DATA/learners.db"

finish
