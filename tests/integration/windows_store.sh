#!/usr/bin/env bash
# The learner store's rules (issue 14) kept by wardplayer.exe under Wine,
# where they go through os_win.c: LockFileEx slots, GetDiskFreeSpaceExW,
# MoveFileExW, the shared log. One learner, one live attempt with two real
# Windows processes (A answers q1 and waits; B opens the same learner, is
# told, takes over and answers q2; A's q2 is then refused with a message;
# each question is stored once); a killed Windows player does not keep its
# attempt; a damaged store is salvaged (the damaged file and a report kept,
# the profiles recovered) and --export on it exits 1; a disk with less than
# a megabyte free is refused at start; the technical detail of each lands in
# wardplayer.log in the data folder. Prints "N passed, N failed, N skipped"
# (tests/lib.sh, through store_lib.bash and tests/e2e/wine.sh).
# sanitizers: no (wardplayer.exe is a MinGW build without them)
SUITE=windows_store
source "$(dirname "$0")/store_lib.bash"
export LANG=fr_FR.UTF-8
# the scripts pick choices by their place: every attempt shows them as written
export WARDPLAYER_SHUFFLE_SEED=0
. tests/e2e/wine.sh
wine_setup
make_module
WEXE=$(realpath "$WIN_EXE")

# Plays the module under Wine with a script; output in $T/out.
wplay() {           # DATA SCRIPT [args...]
    local data=$1 script=$2
    shift 2
    wrun "$WEXE" "$PKG" --headless --no-sync --data "$data" --boxes --script "$script" "$@" \
        >"$T/out" 2>&1
}
# Waits until the trace file holds an answer to ITEM (at most 60 s).
wait_trace() {      # TRACE ITEM
    for _ in $(seq 1 600); do
        grep -q $'\t'"$2"$'\t' "$1" && return 0
        sleep 0.1
    done
    return 1
}

# ---- one learner, two Windows players --------------------------------------------
# A waits long enough for B to start under Wine, take over and answer.
DATA=$T/data
wait_a=15000
{
    login_new "Alice Martin"
    answer_first
    printf 'wait %d\nkey Right\nkey Right\nwait 20\n' "$wait_a"
    answer_first
    printf 'wait 50\nscreenshot %s\nquit\n' "$T/a-end.png"
} >"$T/a.txt"
{
    login_first
    printf 'wait 100\nscreenshot %s\n' "$T/b-open.png"
    # the first button of the notice: take the module over here
    printf 'key Tab\nkey Return\nwait 50\nkey Right\nkey Right\nwait 20\n'
    answer_second
    printf 'wait 50\nscreenshot %s\nquit\n' "$T/b-end.png"
} >"$T/b.txt"
: >"$T/a.trace"
: >"$T/b.trace"
LC_ALL=C.UTF-8 timeout 180 "$WINE" "$WEXE" "$PKG" --headless --no-sync --data "$DATA" --boxes \
    --script "$T/a.txt" --trace "$T/a.trace" >"$T/a.out" 2>&1 &
a_pid=$!
if wait_trace "$T/a.trace" q1; then
    b_start=$(date +%s%N)
    LC_ALL=C.UTF-8 timeout 180 "$WINE" "$WEXE" "$PKG" --headless --no-sync --data "$DATA" \
        --boxes --script "$T/b.txt" --trace "$T/b.trace" >"$T/b.out" 2>&1
    b_rc=$?
    b_ms=$((($(date +%s%N) - b_start) / 1000000))
    wait $a_pid
    a_rc=$?
    echo "     A exit $a_rc, B exit $b_rc in $b_ms ms (A waited $wait_a ms)"
    if [ $b_ms -ge $wait_a ]; then
        not_ok "B finished while A waited (B took $b_ms ms: raise the wait)"
    fi
    check "two Windows players: both end normally" test $a_rc = 0 -a $b_rc = 0
    DB=$DATA/learners.db
    counts=$(q "$DB" "select item_id || '=' || count(*) from answers group by item_id order by 1")
    if [ "$counts" = $'q1=1\nq2=1' ]; then
        ok "two Windows players: each question is stored once in the learner's attempt"
    else
        not_ok "two Windows players: each question is stored once in the learner's attempt" \
            "$counts"
    fi
    check "two Windows players: one attempt for the learner" \
        [ "$(q "$DB" 'select count(*) from attempts')" = 1 ]
    check "two Windows players: q2 holds the answer of the player that took over (B: b)" \
        [ "$(q "$DB" "select response from answers where item_id = 'q2'")" = b ]
    if grep -q $'\tq2\t' "$T/a.trace"; then
        not_ok "two Windows players: A's q2 is refused after the take-over (A traced it as saved)" \
            "$(cat "$T/a.trace")"
    else
        ok "two Windows players: A's q2 is refused after the take-over"
    fi
    if has_text "$T/b-open.boxes" "déjà ouvert" && has_text "$T/b-open.boxes" "Reprendre ici"; then
        ok "two Windows players: B is told the module is open in another window and offered to take it over"
    else
        not_ok "two Windows players: B is told the module is open in another window and offered to take it over" \
            "$(screen_text "$T/b-open.boxes")"
    fi
    if has_text "$T/a-end.boxes" "autre fenêtre" && has_text "$T/a-end.boxes" "pas été enregistrée" &&
        ! has_text "$T/a-end.boxes" "Bonne réponse"; then
        ok "two Windows players: A says its answer was not saved because the module went on elsewhere"
    else
        not_ok "two Windows players: A says its answer was not saved because the module went on elsewhere" \
            "$(screen_text "$T/a-end.boxes")"
    fi
    # both players append to the one log of the data folder
    if grep -q 'taken over from another player' "$DATA/wardplayer.log" 2>/dev/null &&
        grep -q 'refused a write (taken-over)' "$DATA/wardplayer.log"; then
        ok "two Windows players: both write their detail to wardplayer.log in the data folder"
    else
        not_ok "two Windows players: both write their detail to wardplayer.log in the data folder" \
            "$(ls "$DATA"; cat "$DATA/wardplayer.log" 2>&1 | head -5)"
    fi
else
    kill $a_pid 2>/dev/null
    wait $a_pid 2>/dev/null
    not_ok "player A answers q1 under Wine" "$(cat "$T/a.out")"
fi

# ---- a killed Windows player does not keep its attempt -----------------------------
# The system drops a killed process's LockFileEx locks (Wine's server, as
# Windows does): the next player finds no live writer and resumes at once.
DATA2=$T/data2
{ login_new "Bruno Petit"; answer_first; printf 'wait 60000\nquit\n'; } >"$T/k.txt"
: >"$T/k.trace"
LC_ALL=C.UTF-8 "$WINE" "$WEXE" "$PKG" --headless --no-sync --data "$DATA2" --script "$T/k.txt" \
    --trace "$T/k.trace" >"$T/k.out" 2>&1 &
k_pid=$!
if wait_trace "$T/k.trace" q1; then
    kill -KILL $k_pid
    wait $k_pid 2>/dev/null
    {
        login_first
        printf 'wait 50\nscreenshot %s\nkey Right\nkey Right\nwait 20\n' "$T/r-open.png"
        answer_first
        printf 'quit\n'
    } >"$T/r.txt"
    : >"$T/r.trace"
    wplay "$DATA2" "$T/r.txt" --trace "$T/r.trace"
    rc=$?
    if [ $rc = 0 ] && ! has_text "$T/r-open.boxes" "déjà ouvert" && grep -q $'\tq2\t' "$T/r.trace"; then
        ok "after a killed Windows player the next one resumes the attempt at once"
    else
        not_ok "after a killed Windows player the next one resumes the attempt at once (exit $rc)" \
            "$(screen_text "$T/r-open.boxes"; cat "$T/out")"
    fi
else
    kill -KILL $k_pid 2>/dev/null
    wait $k_pid 2>/dev/null
    not_ok "player K answers q1 under Wine" "$(cat "$T/k.out")"
fi

# ---- a damaged store is salvaged --------------------------------------------------
D=$T/damaged
cp -r "$DATA" "$D"
rm -f "$D"/learners.db-wal "$D"/learners.db-shm "$D/wardplayer.log"
want_answers=$(q "$D/learners.db" 'select count(*) from answers')
# a bad header: the first 100 bytes (the page size among them) are noise
python3 - "$D/learners.db" <<'PY'
import random, sys
random.seed(15)
with open(sys.argv[1], "r+b") as f:
    f.write(bytes(random.getrandbits(8) for _ in range(100)))
PY
before=$(sha256sum <"$D/learners.db")
wrun "$WEXE" --data "$D" --export "$T/x.csv" >"$T/out" 2>&1
rc=$?
check "damaged store: Windows --export exits 1, writes no file and leaves the store as it is" \
    test $rc = 1 -a ! -e "$T/x.csv" -a "$(sha256sum <"$D/learners.db")" = "$before"
printf 'wait 50\nscreenshot %s\nquit\n' "$T/salvage.png" >"$T/salvage.txt"
wplay "$D" "$T/salvage.txt"
rc=$?
kept=$(ls "$D"/learners.db.corrupt-* 2>/dev/null | grep -v -- '-wal$\|-shm$\|\.txt$' | head -1)
if [ -n "$kept" ] && [ "$(sha256sum <"$kept")" = "$before" ]; then
    ok "damaged store: the Windows player keeps the damaged file as it was ($(basename "$kept"))"
else
    not_ok "damaged store: the Windows player keeps the damaged file as it was (exit $rc)" \
        "$(ls -la "$D"; cat "$T/out")"
fi
got=$(q "$D/learners.db" "select (select group_concat(name) from learners) || ' ' ||
                                 (select count(*) from answers)")
check "damaged store: the profile and its $want_answers answers are recovered ($got)" \
    [ "$got" = "Alice Martin $want_answers" ]
check "damaged store: the new store passes integrity_check" \
    [ "$(q "$D/learners.db" 'pragma integrity_check')" = ok ]
if has_text "$T/salvage.boxes" "Alice Martin" && has_text "$T/salvage.boxes" "Récupérés" &&
    clean_text "$T/salvage.boxes"; then
    ok "damaged store: the player starts with the recovered profile and says so in French"
else
    not_ok "damaged store: the player starts with the recovered profile and says so in French" \
        "$(screen_text "$T/salvage.boxes")"
fi
report=$(ls "$D"/learners.db.corrupt-*.txt 2>/dev/null | head -1)
check "damaged store: a report for the administrator beside it ($(basename "${report:-none}"))" \
    grep -q "answers: $want_answers recovered" "${report:-/nonexistent}"
check "damaged store: the salvage's work folder is gone" \
    bash -c "! ls -d '$D'/.salvage-* 2>/dev/null | grep -q ."
check "damaged store: wardplayer.log says what was salvaged" \
    grep -q 'the learner database was damaged: it was kept as learners.db.corrupt-' "$D/wardplayer.log"
wrun "$WEXE" --data "$D" --repair >"$T/out" 2>&1
rc=$?
check "after the salvage: --repair finds the store sound (exit 0)" \
    bash -c "[ $rc = 0 ] && grep -q 'is sound' '$T/out'"

# ---- a full disk -------------------------------------------------------------------
if [ "$(id -u)" = 0 ] && mkdir -p "$T/full" &&
    mount -t tmpfs -o size=2m,mode=755 tmpfs "$T/full" 2>/dev/null; then
    STORE_LIB_MOUNTS+=("$T/full")
    mkdir -p "$T/full/data"
    cp "$DATA/learners.db" "$T/full/data/"
    dd if=/dev/zero of="$T/full/filler" bs=4k 2>/dev/null
    printf 'wait 50\nscreenshot %s\nquit\n' "$T/full.png" >"$T/full.txt"
    wplay "$T/full/data" "$T/full.txt"
    rc=$?
    text=$(screen_text "$T/full.boxes")
    if [ $rc = 0 ] && grep -qF "ne pourront pas être enregistrées" <<<"$text" &&
        grep -qF "plein" <<<"$text" && grep -qF "Continuer sans enregistrer" <<<"$text" &&
        clean_text "$T/full.boxes"; then
        ok "full disk (GetDiskFreeSpaceExW): the Windows player says at start that the disk is full"
    else
        not_ok "full disk (GetDiskFreeSpaceExW): the Windows player says at start that the disk is full (exit $rc)" \
            "$text"
    fi
else
    skip "full disk: mounting a small tmpfs is not allowed here"
fi

finish
