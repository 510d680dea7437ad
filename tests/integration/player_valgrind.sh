#!/usr/bin/env bash
# wardplayer under valgrind (memcheck): a headless scripted session of the
# example module (a profile created, questions, scenarios and a reflection
# answered, pages turned, the contents opened, quit), the same learner coming
# back (the attempt resumed from the store), a third-party package, --check of
# a good and of a broken package, an unwritable --trace file, and --export to
# CSV and to xAPI JSON. Each run must exit as it should with no memory error
# and no definite or indirect leak (--errors-for-leak-kinds=definite,indirect
# --error-exitcode=99); the logs are kept in $BUILD/valgrind/. Suppressions
# for third-party libraries would go in tests/valgrind.supp (none is needed).
# Skipped under the sanitizers (SANITIZE=1 or a BUILD named *asan*: valgrind
# cannot run an ASan binary) and, outside CI, when valgrind is missing; in CI
# (CI=true) a missing valgrind is a failure. Ends with "N passed, N failed, N
# skipped" (tests/lib.sh).
# sanitizers: no (valgrind cannot run an ASan binary)
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
# the player picks choices by their place here: every attempt shows them as
# written (tests/unit/test_shuffle.c tests the shuffled order)
export WARDPLAYER_SHUFFLE_SEED=0
BUILD=${BUILD:-build}
PLAYER=$PWD/$BUILD/wardplayer
CP=$PWD/$BUILD/coursepack
LOGS=$PWD/$BUILD/valgrind
if [ "${SANITIZE:-}" = 1 ] || [[ $BUILD == *asan* ]]; then
    skip "wardplayer under valgrind" "a sanitizer build ($BUILD) cannot run under valgrind"
    finish
fi
need valgrind "wardplayer under valgrind" || finish
need sqlite3 "wardplayer under valgrind (the store is read back)" || finish
for tool in "$PLAYER" "$CP"; do
    [ -x "$tool" ] || { not_ok "no $tool"; finish; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp/home XDG_DATA_HOME=$tmp/home/share XDG_CACHE_HOME=$tmp/home/cache
mkdir -p "$HOME"
rm -rf "$LOGS"
mkdir -p "$LOGS"
SUPP=()
[ -f tests/valgrind.supp ] && SUPP=(--suppressions="$PWD/tests/valgrind.supp")

# vg NAME WANT_RC -- command...: runs the command under memcheck
vg() {
    local name=$1 want=$2
    shift 3
    local log=$LOGS/$name.log
    timeout 600 valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --error-exitcode=99 "${SUPP[@]}" --log-file="$log" "$@" >"$tmp/out" 2>&1
    local rc=$?
    local summary
    summary=$(grep -E 'ERROR SUMMARY|definitely lost|indirectly lost' "$log" | sed 's/^==[0-9]*== *//')
    if [ $rc -eq "$want" ] && grep -q 'ERROR SUMMARY: 0 errors' "$log"; then
        ok "$name: exit $rc, no memory error, no leak"
    else
        not_ok "$name: exit $rc (want $want), memcheck: $(grep -o 'ERROR SUMMARY: [0-9]* errors' "$log")" \
            "$(cat "$tmp/out"; grep -E '^==[0-9]+== ' "$log" | grep -vE 'Memcheck|Copyright|Using Valgrind|Command:|^==[0-9]+== $' | head -40)"
    fi
    [ -n "$summary" ] && printf '%s\n' "$summary" | sed 's/^/     /'
    return $rc
}

if ! "$CP" build courses/example-module -o "$tmp/pkg" >"$tmp/build.log" 2>&1; then
    not_ok "coursepack builds the example module" "$(cat "$tmp/build.log")"
    finish
fi
PKG=$tmp/pkg/example-module.fr.scorm2004.zip
DATA=$tmp/data

# A learner: new profile; page 4: three questions (each choice selected in
# turn, then submitted); page 5: the first scenario played to its end, then
# the second; page 6: the reflection typed and saved; then the remaining
# pages, the contents and back.
{
    printf 'key Tab\nkey Return\ntext Valgrind Test\nkey Return\n'
    printf 'key Right\nkey Right\nkey Right\n'
    for _ in $(seq 1 11); do printf 'key Tab\nkey Return\n'; done
    printf 'key Right\nkey Tab\nkey Return\nkey Tab\nkey Return\nkey Tab\nkey Tab\nkey Return\n'
    printf 'key Right\nkey Tab\ntext Mesurer les écarts.\nkey Tab\nkey Return\n'
    printf 'key Right\nkey Right\nkey F3\nkey Escape\nkey Left\nkey ctrl+plus\nkey F2\n'
    printf 'screenshot %s\nquit\n' "$tmp/session.png"
} >"$tmp/session.txt"
vg session 0 -- "$PLAYER" --headless "$PKG" --data "$DATA" --trace "$tmp/trace" \
    --script "$tmp/session.txt"
got=$(cut -f3 "$tmp/trace" 2>/dev/null | sort | tr '\n' ' ')
want="q-blind-spots q-lab-vs-ward q-what-aid-does r-first-step sc-colleague sc-night-triage "
if [ "$got" = "$want" ]; then
    ok "the session answered 3 questions, 2 scenarios and a reflection"
else
    not_ok "the session answered 3 questions, 2 scenarios and a reflection (got '$got')"
fi

# The same learner again: the attempt and its answers come back from the store
printf 'key Return\nkey Tab\nkey Return\nscreenshot %s\nquit\n' "$tmp/resumed.png" \
    >"$tmp/resume.txt"
vg resume 0 -- "$PLAYER" --headless "$PKG" --data "$DATA" --script "$tmp/resume.txt"
attempts=$(sqlite3 "$DATA/learners.db" 'select count(*) from attempts' 2>&1)
[ "$attempts" = 1 ] && ok "the attempt was resumed" || not_ok "the attempt was resumed ($attempts attempts)"

# A third-party package (HTML pages read by page_read), without a store
printf 'key Right\nkey Tab\nkey Return\nkey Down\nquit\n' >"$tmp/tp.txt"
vg thirdparty 0 -- "$PLAYER" --headless tests/e2e/thirdparty --no-data --script "$tmp/tp.txt"

# --check, --export
vg check-good 0 -- "$PLAYER" --check "$tmp/pkg/example-module.en.scorm12.zip"
echo "this is not a zip" >"$tmp/broken.zip"
vg check-broken 1 -- "$PLAYER" --check "$tmp/broken.zip"
# a trace file that cannot be opened: a message, exit 1, nothing half-built left
vg trace-unwritable 1 -- "$PLAYER" --headless "$PKG" --no-data --trace "$tmp/none/trace" \
    --screenshot "$tmp/never.png"
grep -q "$tmp/none/trace: No such file or directory" "$tmp/out" &&
    ok "an unwritable --trace file is named in the message" ||
    not_ok "an unwritable --trace file is named in the message" "$(cat "$tmp/out")"
vg export-csv 0 -- "$PLAYER" --export "$tmp/results.csv" --data "$DATA"
grep -q 'Valgrind Test' "$tmp/results.csv" 2>/dev/null &&
    ok "the CSV export has the learner" || not_ok "the CSV export has the learner"
vg export-xapi 0 -- "$PLAYER" --export "$tmp/results.json" --data "$DATA"
grep -q 'answered' "$tmp/results.json" 2>/dev/null &&
    ok "the xAPI export has the answers" || not_ok "the xAPI export has the answers"
finish
