#!/usr/bin/env bash
# The player in a real X11 window (Xvfb), as on a ward PC: without a window
# manager (the usual kiosk set-up) at 1024x768, 1366x768 and 1920x1080, kiosk
# and windowed, then with a light window manager (openbox). Every screen of a
# learner's visit passes tools/check-layout; the kiosk window covers the whole
# display at its own size, a window is never larger than the screen; SIGTERM
# and SIGINT end a kiosk session in under 2 s with exit 0 and what the learner
# typed saved. Screens are kept in $BUILD/x11/. Ends with "N passed, N
# failed, N skipped" (tests/lib.sh).
set -u
cd "$(dirname "$0")/../.."
# the player picks choices by their place here: every attempt shows them as
# written (tests/unit/test_shuffle.c tests the shuffled order)
export WARDPLAYER_SHUFFLE_SEED=0
BUILD=${BUILD:-build}
PLAYER=$BUILD/wardplayer
COURSEPACK=$BUILD/coursepack
OUT=$BUILD/x11
TMP=$(mktemp -d)
# Under make check, leaks are not checked here: a real X11 session leaves
# blocks of libdbus (SDL's screensaver inhibition) and of Xlib modules that
# are unloaded before the check, so their stacks name no module to suppress.
# The same player code runs leak-checked under SDL's dummy video driver in
# player_screens, player_layout and player_ward_day; ASan and UBSan still
# check every memory access here.
export ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
. tests/lib.sh
. tests/frames.sh
XPID=
WMPID=
cleanup() {
    [ -n "$WMPID" ] && kill "$WMPID" 2>/dev/null
    [ -n "$XPID" ] && kill "$XPID" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
rm -rf "$OUT"
mkdir -p "$OUT"

# A missing tool is a failure in CI (tools/install-deps installs them), a
# counted skip elsewhere.
for tool in Xvfb xwininfo openbox sqlite3; do
    need "$tool" "the player in real X11 windows" || finish
done
if [ ! -x "$PLAYER" ] || [ ! -x "$COURSEPACK" ]; then
    ko "wardplayer and coursepack are built"
    finish
fi

# the library: the example module in both languages and editions
LIB=$TMP/lib
mkdir -p "$LIB"
if "$COURSEPACK" build courses/example-module -o "$LIB" >"$TMP/build.log" 2>&1; then
    ok "the library is built"
else
    sed 's/^/    /' "$TMP/build.log"
    ko "the library is built"
fi
cp courses/curriculum.txt "$LIB/"


start_x() {     # WxH [wm]
    local try n
    for try in 1 2 3; do
        n=$((90 + RANDOM % 800))
        while [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
        export DISPLAY=:$n
        # -noreset: an X server resets when its last client leaves (our
        # xwininfo, the previous player), and a player connecting during the
        # reset finds no server (SDL then fell back to its offscreen driver)
        Xvfb "$DISPLAY" -screen 0 "${1}x24" -nolisten tcp -noreset >"$TMP/xvfb.log" 2>&1 &
        XPID=$!
        # up to 20 s: a loaded machine starts it slowly, and a player started
        # before it is up would not find it
        for _ in $(seq 200); do
            xwininfo -root >/dev/null 2>&1 && break
            kill -0 "$XPID" 2>/dev/null || break
            sleep 0.1
        done
        xwininfo -root 2>/dev/null | grep -q "Width: ${1%x*}\$" && break
        echo "    Xvfb $1 on $DISPLAY did not come up (try $try):"
        sed 's/^/    /' "$TMP/xvfb.log" | tail -5
        kill "$XPID" 2>/dev/null
        wait "$XPID" 2>/dev/null
        XPID=
    done
    if [ -z "$XPID" ]; then
        ko "an X server at $1 starts"
        return 1
    fi
    if [ "${2:-}" = wm ]; then
        openbox >"$TMP/wm.log" 2>&1 &
        WMPID=$!
        sleep 1
    fi
}

stop_x() {
    [ -n "$WMPID" ] && kill "$WMPID" 2>/dev/null
    [ -n "$XPID" ] && kill "$XPID" 2>/dev/null
    wait "$WMPID" "$XPID" 2>/dev/null
    WMPID=
    XPID=
}

# The visit: profiles, a session without profile, the library, a page, a
# question answered, the contents, the summary. Each screen is checked.
SCREENS="profiles library page answered contents summary"
visit_script() {  # dir
    cat <<EOF
wait 1500
screenshot $1/profiles.png
key Tab
key Tab
key Return
screenshot $1/library.png
key Tab
key Return
screenshot $1/page.png
key Right
key Right
key Right
key Tab
key Tab
key Return
key Tab
key Return
screenshot $1/answered.png
key F3
screenshot $1/contents.png
key Escape
key End
key Right
key Right
key Right
key Right
screenshot $1/summary.png
quit
EOF
}

check_screens() {   # dir, label, want-size ("" = any)
    local d=$1 label=$2 want=$3 bad=0 f
    for f in $SCREENS; do
        if [ ! -f "$d/$f.png" ]; then
            echo "    $f.png was not written"; bad=1; continue
        fi
        if [ -n "$want" ] && [ "$(png_size "$d/$f.png")" != "$want" ]; then
            echo "    $f.png is $(png_size "$d/$f.png"), want $want"; bad=1
        fi
        if ! tools/check-layout "$d/$f.png" >"$TMP/cl.log" 2>&1; then
            sed 's/^/    /' "$TMP/cl.log" | head -5; bad=1
        fi
    done
    [ $bad = 0 ] && ok "$label: every screen passes check-layout" || ko "$label: every screen passes check-layout"
}

run_visit() {   # dir, options...
    local d=$1; shift
    mkdir -p "$d"
    visit_script "$d" >"$TMP/visit.txt"
    timeout 120 "$PLAYER" "$LIB" --data "$d/data" --boxes --script "$TMP/visit.txt" "$@" \
        2>"$TMP/stderr" &
    local pid=$!
    # look until the window shows or the player ends: its first start on a
    # fresh machine (fontconfig's cache, the sanitizers) can take seconds
    # (CI's first kiosk run once showed no window within a fixed 3 s)
    while kill -0 $pid 2>/dev/null; do
        xwininfo -root -tree >"$d/windows.txt" 2>&1
        grep -q '"wardplayer"' "$d/windows.txt" && break
        sleep 0.1
    done
    wait $pid
    local rc=$?
    [ $rc -ne 0 ] && sed 's/^/    /' "$TMP/stderr"
    return $rc
}

# the player's top-level window: "WxH+X+Y" from xwininfo's tree
window_geometry() {
    grep -E '"wardplayer"' "$1" | head -1 | grep -oE '[0-9]+x[0-9]+\+-?[0-9]+\+-?[0-9]+' | head -1
}

for size in 1024x768 1366x768 1920x1080; do
    start_x "$size"
    d=$OUT/$size-kiosk
    if run_visit "$d" --kiosk; then ok "$size, no window manager, kiosk: the visit runs"
    else ko "$size, no window manager, kiosk: the visit runs"; fi
    g=$(window_geometry "$d/windows.txt")
    if [ "$g" = "$size+0+0" ]; then ok "$size kiosk: the window is the whole display ($g)"
    else ko "$size kiosk: the window is the whole display (got '$g')"; sed 's/^/    /' "$d/windows.txt" | grep -i ward; fi
    check_screens "$d" "$size kiosk" "$size"
    d=$OUT/$size-window
    if run_visit "$d" --size 1280x800; then ok "$size, no window manager, windowed: the visit runs"
    else ko "$size, no window manager, windowed: the visit runs"; fi
    g=$(window_geometry "$d/windows.txt")
    sw=${size%x*}; sh=${size#*x}
    gw=$(sed -E 's/x.*//' <<<"$g"); gh=$(sed -E 's/^[0-9]+x([0-9]+).*/\1/' <<<"$g")
    if [ -n "$g" ] && [ "$gw" -le "$sw" ] && [ "$gh" -le "$sh" ]; then
        ok "$size windowed: the window ($g) is not larger than the screen"
    else
        ko "$size windowed: the window ('$g') is not larger than the screen"
    fi
    check_screens "$d" "$size windowed" ""
    stop_x
done

# with a window manager
start_x 1024x768 wm
d=$OUT/1024x768-wm-kiosk
if run_visit "$d" --kiosk; then ok "1024x768, openbox, kiosk: the visit runs"
else ko "1024x768, openbox, kiosk: the visit runs"; fi
check_screens "$d" "1024x768 openbox kiosk" 1024x768
d=$OUT/1024x768-wm-window
if run_visit "$d"; then ok "1024x768, openbox, windowed: the visit runs"
else ko "1024x768, openbox, windowed: the visit runs"; fi
check_screens "$d" "1024x768 openbox windowed" ""
stop_x

# ---- SIGTERM and SIGINT end a kiosk in under 2 s, exit 0, the typing saved ----
# A head of department types a reflection and does not press « Enregistrer »;
# the session manager ends the kiosk.
start_x 1024x768
for sig in TERM INT; do
    D=$TMP/sig-$sig
    mkdir -p "$D"
    cat >"$TMP/sig.txt" <<EOF
key Tab
key Return
text Claire Martin
key Tab
key Tab
key Tab
key Tab
key Return
key shift+Tab
key shift+Tab
key shift+Tab
key shift+Tab
key Return
key Tab
key Return
key Right
key Right
key Right
key Right
key Right
key Tab
text Mesurer les écarts
wait 60000
quit
EOF
    timeout 120 "$PLAYER" "$LIB" --kiosk --data "$D" --script "$TMP/sig.txt" --stats \
        2>"$D/stderr" &
    pid=$!
    sleep 6
    # the kiosk must still be running: a check of an exit that already
    # happened would prove nothing
    if kill -0 "$pid" 2>/dev/null; then
        ok "SIG$sig: the kiosk is still running after the learner typed"
    else
        ko "SIG$sig: the kiosk is still running after the learner typed"
    fi
    t0=$(date +%s%N)
    kill -"$sig" "$pid"
    wait "$pid"
    rc=$?
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    echo "    SIG$sig: exit $rc after $ms ms"
    if [ "$rc" = 0 ] && [ "$ms" -lt 2000 ]; then
        ok "SIG$sig ends the kiosk in under 2 s with exit 0 ($ms ms)"
    else
        ko "SIG$sig ends the kiosk in under 2 s with exit 0 (exit $rc, $ms ms)"
        sed 's/^/    /' "$D/stderr" | tail -5
    fi
    got=$(sqlite3 "$D/learners.db" "select l.name || ': ' || a.response from answers a
        join attempts t on t.id = a.attempt join learners l on l.id = t.learner
        where a.item_id = 'r-first-step'" 2>&1)
    if [ "$got" = "Claire Martin: Mesurer les écarts" ]; then
        ok "SIG$sig: the reflection typed but not saved was saved, under its learner"
    else
        ko "SIG$sig: the reflection typed but not saved was saved (got '$got')"
    fi
done
stop_x

finish
