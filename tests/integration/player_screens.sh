#!/usr/bin/env bash
# End-to-end tests of the real wardplayer binary, headless (SDL dummy video
# driver, software rendering: no X server). Packages are built from the
# example module with coursepack (a hand-made third-party package is in
# tests/e2e/thirdparty). Screenshots are kept under $BUILD/screens/ as CI
# artifacts. Ends with "N passed, N failed, N skipped" (tests/lib.sh).
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/frames.sh
# the player picks choices by their place here: every attempt shows them as
# written (tests/unit/test_shuffle.c tests the shuffled order)
export WARDPLAYER_SHUFFLE_SEED=0
BUILD=${BUILD:-build}
PLAYER=$BUILD/wardplayer
COURSEPACK=$BUILD/coursepack
OUT=$BUILD/screens
TMP=$(mktemp -d)
# under `make check` (AddressSanitizer): fontconfig's own caches are not leaks of ours
export LSAN_OPTIONS="suppressions=$PWD/tests/e2e/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
trap 'rm -rf "$TMP"' EXIT
rm -rf "$OUT"
mkdir -p "$OUT"

check_png() {   # file, WxH, name
    local sig
    sig=$(head -c 8 "$1" 2>/dev/null | od -An -tx1 | tr -d ' \n')
    if [ "$sig" = 89504e470d0a1a0a ] && [ "$(png_size "$1")" = "$2" ]; then
        ok "$3"
    else
        ko "$3 ($1: signature '$sig', size '$(png_size "$1")', want $2)"
    fi
}
run() {         # the player, headless, with a time limit; its stderr is kept in $TMP/stderr
    timeout 120 "$PLAYER" --headless "$@" 2>"$TMP/stderr"
    local rc=$?
    [ $rc -ne 0 ] && sed 's/^/    /' "$TMP/stderr"
    return $rc
}
# shot NAME FILE WxH ARGS...: runs the player with ARGS and checks the PNG it
# must have written; a player that failed is a failure, not a skipped check.
shot() {
    local name=$1 file=$2 size=$3
    shift 3
    rm -f "$file"
    if run "$@"; then
        check_png "$file" "$size" "$name"
    else
        ko "$name (the player exited $?)"
    fi
}
# frames same|differ A B NAME: compares two screenshots; a missing one fails
frames() {
    local want=$1 a=$2 b=$3 name=$4 f
    for f in "$a" "$b"; do
        if [ ! -s "$f" ]; then ko "$name ($f was not written)"; return; fi
    done
    local got=differ
    cmp -s "$a" "$b" && got=same
    if [ "$got" = "$want" ]; then ok "$name"; else ko "$name (the frames $got)"; fi
}

if [ ! -x "$PLAYER" ]; then
    ko "wardplayer is built ($PLAYER missing)"
    finish
fi

# ---- packages ---------------------------------------------------------------
PKGS=$OUT/packages
mkdir -p "$PKGS"
if [ -x "$COURSEPACK" ] &&
    "$COURSEPACK" build courses/example-module -o "$PKGS" >"$TMP/build.log" 2>&1 &&
    [ -f "$PKGS/example-module.fr.scorm2004.zip" ]; then
    PKG=$PKGS/example-module.fr.scorm2004.zip
    PKG12=$PKGS/example-module.en.scorm12.zip
    ok "coursepack builds the example module"
else
    sed 's/^/    /' "$TMP/build.log"
    ko "coursepack builds the example module (falling back to the third-party package)"
    PKG=tests/e2e/thirdparty
    PKG12=tests/e2e/thirdparty
fi

# ---- first frame ------------------------------------------------------------
shot "first frame of a package, 1024x700" "$OUT/first.png" 1024x700 \
    "$PKG" --no-data --size 1024x700 --screenshot "$OUT/first.png"
shot "high-contrast first frame" "$OUT/first-contrast.png" 1280x800 \
    "$PKG" --no-data --size 1280x800 --contrast --screenshot "$OUT/first-contrast.png"
frames differ "$OUT/first.png" "$OUT/first-contrast.png" "high contrast changes the frame"

# ---- no display ---------------------------------------------------------------
# Without --headless and with no display to reach, the player says so and
# exits 1: SDL would otherwise fall back to its invisible offscreen driver
# and the player would run with nobody able to see it.
rm -f "$OUT/no-display.png"
env -u DISPLAY -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER timeout 60 \
    "$PLAYER" "$PKG" --no-data --screenshot "$OUT/no-display.png" >/dev/null 2>"$TMP/stderr"
rc=$?
if [ $rc = 1 ] && grep -q 'no display' "$TMP/stderr" && [ ! -e "$OUT/no-display.png" ]; then
    ok "without a display the player says so and exits 1"
else
    ko "without a display the player says so and exits 1 (exit $rc, frame written: $([ -e "$OUT/no-display.png" ] && echo yes || echo no))"
    sed 's/^/    /' "$TMP/stderr"
fi

# ---- a walk through the module by keyboard -------------------------------------
cat >"$TMP/walk.txt" <<EOF
# pages with the arrow keys, zoom, contrast, contents
key Right
screenshot $OUT/page2.png
key ctrl+plus
key ctrl+plus
key ctrl+plus
key ctrl+plus
screenshot $OUT/page2-200.png
key ctrl+0
screenshot $OUT/page2-again.png
key Right
key Down
key Down
screenshot $OUT/page3-scrolled.png
key F3
screenshot $OUT/contents.png
key Escape
key F2
screenshot $OUT/page3-contrast.png
resize 800 600
screenshot $OUT/page3-small.png
quit
EOF
if run "$PKG" --no-data --size 1280x800 --script "$TMP/walk.txt"; then
    ok "script walk runs to quit"
else
    ko "script walk runs to quit"
fi
for f in page2 page2-200 page2-again page3-scrolled contents page3-contrast; do
    check_png "$OUT/$f.png" 1280x800 "script screenshot $f.png"
done
check_png "$OUT/page3-small.png" 800x600 "screenshot after resize to 800x600"
frames differ "$OUT/page2.png" "$OUT/page2-200.png" "Ctrl+plus enlarges the text"
frames same "$OUT/page2.png" "$OUT/page2-again.png" "Ctrl+0 restores the same frame"

# ---- a learner: profile, answer, resume -------------------------------------------
DATA=$TMP/data
cat >"$TMP/learner.txt" <<EOF
screenshot $OUT/profiles.png
key Tab
key Return
text Marie Curie
key Tab
text 12345
key Tab
text 1234
key Tab
key Return
screenshot $OUT/new-profile.png
key shift+Tab
key Return
key Right
key Right
key Right
key Tab
key Tab
key Return
key Tab
key Tab
key Return
screenshot $OUT/answered.png
quit
EOF
if [ "$PKG" != tests/e2e/thirdparty ]; then
    if run "$PKG" --data "$DATA" --size 1280x800 --boxes --script "$TMP/learner.txt"; then
        ok "profile created and question answered"
    else
        ko "profile created and question answered"
    fi
    check_png "$OUT/answered.png" 1280x800 "screenshot of an answered question"
    if need sqlite3 "the profile and the answer are in the store"; then
        got=$(sqlite3 "$DATA/learners.db" "select name || ' ' || role from learners" 2>&1)
        if [ "$got" = "Marie Curie physician" ]; then
            ok "the profile is in the store"
        else
            ko "the profile is in the store (got '$got')"
        fi
        got=$(sqlite3 "$DATA/learners.db" "select response || ' ' || result from answers" 2>&1)
        if [ "$got" = "b correct" ]; then
            ok "the answer was committed to the store"
        else
            ko "the answer was committed to the store (got '$got')"
        fi
    fi
    # again: the PIN is asked, the attempt resumes on the page left, answered
    cat >"$TMP/resume.txt" <<EOF
key Return
text 0000
key Return
screenshot $OUT/bad-pin.png
text 1234
key Return
screenshot $OUT/resumed.png
quit
EOF
    if run "$PKG" --data "$DATA" --size 1280x800 --boxes --script "$TMP/resume.txt"; then
        ok "the learner logs in again with the PIN"
    else
        ko "the learner logs in again with the PIN"
    fi
    # what the frames showed (--boxes): a wrong PIN keeps the PIN screen and
    # says so; the right one resumes on the page the answer was given on
    where_answered=$(box_page "$OUT/answered.boxes")
    if box_has "$OUT/bad-pin.boxes" "Code incorrect." && [ -z "$(box_page "$OUT/bad-pin.boxes")" ]; then
        ok "a wrong PIN is refused: the PIN screen stays, saying so"
    else
        ko "a wrong PIN is refused: the PIN screen stays, saying so (page: '$(box_page "$OUT/bad-pin.boxes")')"
    fi
    where_resumed=$(box_page "$OUT/resumed.boxes")
    if [ -n "$where_answered" ] && [ "$where_resumed" = "$where_answered" ] &&
        box_has "$OUT/resumed.boxes" "Marie Curie"; then
        ok "the attempt resumes on the page left ($where_resumed)"
    else
        ko "the attempt resumes on the page left (left on '$where_answered', resumed on '$where_resumed')"
    fi
    check_png "$OUT/resumed.png" 1280x800 "screenshot of the resumed attempt"
    if need sqlite3 "the attempt was resumed, not restarted"; then
        got=$(sqlite3 "$DATA/learners.db" "select count(*) from attempts" 2>&1)
        if [ "$got" = 1 ]; then
            ok "the attempt was resumed, not restarted"
        else
            ko "the attempt was resumed, not restarted (attempts: '$got')"
        fi
    fi
    # the administrator exports the results: CSV for a spreadsheet, xAPI
    # statements for a Learning Record Store; a second export gives the same ids
    if timeout 60 "$PLAYER" --export "$TMP/results.csv" --data "$DATA" >/dev/null 2>"$TMP/stderr" &&
        timeout 60 "$PLAYER" --export "$TMP/results.json" --data "$DATA" >/dev/null 2>&1 &&
        timeout 60 "$PLAYER" --export "$TMP/again.json" --data "$DATA" >/dev/null 2>&1; then
        ok "--export writes CSV and xAPI JSON"
    else
        ko "--export writes CSV and xAPI JSON"; sed 's/^/    /' "$TMP/stderr"
    fi
    if grep -q 'Marie Curie' "$TMP/results.csv" && grep -q 'example-module' "$TMP/results.csv"; then
        ok "the CSV has the learner's row for the module"
    else
        ko "the CSV has the learner's row for the module"; head -3 "$TMP/results.csv" | sed 's/^/    /'
    fi
    xapi_check="xAPI statements: required fields, account actor, answered statement, stable ids"
    if need node "$xapi_check" && node - "$TMP/results.json" "$TMP/again.json" <<'JS'
const fs = require('fs');
const [a, b] = process.argv.slice(2).map(f => JSON.parse(fs.readFileSync(f, 'utf8')));
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const problems = [];
if (!Array.isArray(a) || a.length === 0) problems.push('no statements');
for (const s of a) {
    if (!uuid.test(s.id)) problems.push(`id ${s.id}`);
    const ifis = ['mbox', 'mbox_sha1sum', 'openid', 'account'].filter(k => s.actor && k in s.actor);
    if (ifis.length !== 1 || !s.actor.account || s.actor.account.name !== '12345')
        problems.push(`actor ${JSON.stringify(s.actor)}`);
    if (!s.verb || !/^http:\/\/adlnet\.gov\/expapi\/verbs\//.test(s.verb.id) || !s.verb.display)
        problems.push(`verb ${JSON.stringify(s.verb)}`);
    if (!s.object || !/^[a-z][a-z0-9+.-]*:/.test(s.object.id)) problems.push(`object ${s.object && s.object.id}`);
    if (!s.timestamp || isNaN(Date.parse(s.timestamp))) problems.push(`timestamp ${s.timestamp}`);
}
const answered = a.filter(s => s.verb && s.verb.id.endsWith('/answered'));
if (!answered.some(s => s.result && s.result.success === true && s.result.response === 'b'))
    problems.push('no answered statement with response b and success true');
if (JSON.stringify(a.map(s => s.id).sort()) !== JSON.stringify(b.map(s => s.id).sort()))
    problems.push('ids differ between two exports');
if (problems.length) { console.error(problems.join('\n')); process.exit(1); }
JS
    then
        ok "$xapi_check"
    elif command -v node >/dev/null 2>&1; then
        ko "$xapi_check"
    fi
fi

# ---- a library folder, a third-party package ----------------------------------------
shot "library view of a folder of packages" "$OUT/library.png" 1024x700 \
    "$PKGS" --no-data --size 1024x700 --screenshot "$OUT/library.png"
printf 'screenshot %s\nkey Right\nscreenshot %s\nkey Tab\nkey Return\nscreenshot %s\nquit\n' \
    "$OUT/thirdparty-1.png" "$OUT/thirdparty-2.png" "$OUT/thirdparty-back.png" >"$TMP/tp.txt"
shot "third-party package, second item of its organization" "$OUT/thirdparty-2.png" 1024x700 \
    tests/e2e/thirdparty --no-data --size 1024x700 --script "$TMP/tp.txt"
frames differ "$OUT/thirdparty-1.png" "$OUT/thirdparty-2.png" \
    "the second item of a third-party package is another page"
frames same "$OUT/thirdparty-1.png" "$OUT/thirdparty-back.png" \
    "a third-party link to another page of the package opens it"

# ---- --check -------------------------------------------------------------------------
if "$PLAYER" --check "$PKG12" >"$TMP/check.out" 2>&1; then
    ok "--check accepts a good package"
else
    sed 's/^/    /' "$TMP/check.out"
    ko "--check accepts a good package"
fi
echo "this is not a zip" >"$TMP/broken.zip"
"$PLAYER" --check "$TMP/broken.zip" >"$TMP/check.out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "broken.zip" "$TMP/check.out"; then
    ok "--check refuses a broken package, naming it (exit 1)"
else
    sed 's/^/    /' "$TMP/check.out"
    ko "--check refuses a broken package, naming it (exit $rc)"
fi

# ---- idle, headless: asleep, yet a SIGTERM still ends it ------------------------------
# Headless the loop sleeps on a semaphore rather than in SDL (whose dummy
# driver polls); it must still see SDL's quit on SIGTERM and end cleanly.
"$PLAYER" --headless --no-data "$PKG" >"$TMP/term.out" 2>&1 &
term_pid=$!
sleep 2
kill -TERM "$term_pid" 2>/dev/null
for _ in $(seq 1 50); do kill -0 "$term_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$term_pid" 2>/dev/null; then
    kill -KILL "$term_pid" 2>/dev/null
    wait "$term_pid" 2>/dev/null
    ko "an idle headless player ends on SIGTERM (still running 5 s later)"
else
    wait "$term_pid"
    rc=$?
    if [ $rc -eq 0 ]; then ok "an idle headless player ends on SIGTERM, exit 0"
    else sed 's/^/    /' "$TMP/term.out"; ko "an idle headless player ends on SIGTERM (exit $rc)"; fi
fi

# ---- bad input -------------------------------------------------------------------------
printf 'key Right\nfly away\n' >"$TMP/bad.txt"
timeout 60 "$PLAYER" --headless --no-data "$PKG" --script "$TMP/bad.txt" >"$TMP/out" 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q "bad.txt:2:1: error: unknown command 'fly'" "$TMP/out"; then
    ok "a malformed script is refused with file:line (exit 2)"
else
    sed 's/^/    /' "$TMP/out"
    ko "a malformed script is refused with file:line (exit $rc)"
fi
timeout 60 "$PLAYER" --headless --no-data "$TMP/missing.zip" >"$TMP/out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "missing.zip" "$TMP/out"; then
    ok "a missing package is an error naming it (exit 1)"
else
    sed 's/^/    /' "$TMP/out"
    ko "a missing package is an error naming it (exit $rc)"
fi

# ---- idle means no drawing ----------------------------------------------------------------
# The loop draws only when something changed: two idle seconds cost no frame,
# one key press costs one. (With a real display the loop also sleeps in
# SDL_WaitEvent; SDL's dummy driver has no wake-up and polls, so CPU time
# is not measured here.)
printf 'wait 2000\nquit\n' >"$TMP/idle.txt"
run "$PKG" --no-data --stats --script "$TMP/idle.txt"
if grep -q "wardplayer: 1 frames drawn" "$TMP/stderr"; then
    ok "idle: no redraw while nothing happens"
else
    sed 's/^/    /' "$TMP/stderr"
    ko "idle: no redraw while nothing happens"
fi
printf 'wait 500\nkey Right\nwait 1500\nquit\n' >"$TMP/idle.txt"
run "$PKG" --no-data --stats --script "$TMP/idle.txt"
if grep -q "wardplayer: 2 frames drawn" "$TMP/stderr"; then
    ok "one key press, one redraw"
else
    sed 's/^/    /' "$TMP/stderr"
    ko "one key press, one redraw"
fi

finish
