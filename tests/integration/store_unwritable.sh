#!/usr/bin/env bash
# Refuse to run rather than pretend (issue 14, rows 2, 5, 6, 7): when the
# learner store cannot be written the player says so at start, in French
# here, with what the administrator should do, and goes on without saving
# only when the learner chooses it; during a session a write that fails is
# said in plain words and no screen moves on as if it was saved (scenario
# steps included). Cases: a store file owned by another account (the player
# runs as another uid through setpriv), a read-only file system, another
# process holding the write lock (at start and during a session), a full
# file system (tmpfs) and writes failing with ENOSPC (an LD_PRELOAD shim).
source "$(dirname "$0")/store_lib.bash"
make_module

start_frame() {     # a script that shows the first frame, then quits
    printf 'wait 50\nscreenshot %s\nquit\n' "$1"
}
says_cannot_save() {    # FRAME WORD: the start screen, with the cause's word
    local f=$1 word=$2 text
    text=$(screen_text "$f")
    grep -qF "ne pourront pas être enregistrées" <<<"$text" && grep -qF -- "$word" <<<"$text" &&
        grep -qF "Continuer sans enregistrer" <<<"$text" && clean_text "$f"
}
seed_store() {      # DATA: Alice with q1 answered, the player closed
    { login_new "Alice Martin"; answer_first; echo quit; } >"$T/seed.txt"
    run_player "$1" "$T/seed.txt" || not_ok "seeding the store in $1" "$(cat "$T/out")"
}

# ---- a store owned by another account ---------------------------------------------
OWNER=4101
OTHER=4102
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
    DATA=$T/shared
    seed_store "$DATA"
    chown -R $OWNER:$OWNER "$DATA"
    chmod 1777 "$DATA"      # a folder every session may write, as shared folders are
    chmod 644 "$DATA/learners.db"
    as_other=(setpriv --reuid=$OTHER --regid=$OTHER --clear-groups)
    O=$T/frames         # where the other account may write its frames
    mkdir -p "$O"
    chmod 777 "$O"
    start_frame "$O/o1.png" >"$T/o1.txt"
    chmod 644 "$T/o1.txt"
    "${as_other[@]}" timeout $((60 * SLOW)) "$PLAYER" --headless "$PKG" --data "$DATA" --boxes \
        --script "$T/o1.txt" >"$T/out" 2>&1
    rc=$?
    if [ $rc = 0 ] && says_cannot_save "$O/o1.boxes" "autre compte"; then
        ok "another account's store: the player says at start that answers cannot be saved"
    else
        not_ok "another account's store: the player says at start that answers cannot be saved (exit $rc)" \
            "$(screen_text "$O/o1.boxes"; cat "$T/out")"
    fi
    left=$(find "$DATA" -uid $OTHER)
    check "another account's store: no -wal or -shm file left owned by the other account" \
        [ -z "$left" ]
    # the learner explicitly goes on without saving: the module plays, nothing is written
    { printf 'key Tab\nkey Tab\nkey Return\nwait 50\n'; answer_first;
      printf 'screenshot %s\nquit\n' "$O/o2.png"; } >"$T/o2.txt"
    chmod 644 "$T/o2.txt"
    "${as_other[@]}" timeout $((60 * SLOW)) "$PLAYER" --headless "$PKG" --data "$DATA" --boxes \
        --script "$T/o2.txt" >"$T/out" 2>&1
    rc=$?
    if [ $rc = 0 ] && has_text "$O/o2.boxes" "Question numéro 1" &&
        has_text "$O/o2.boxes" "sans enregistrer" && [ -z "$(find "$DATA" -uid $OTHER)" ] &&
        [ "$(q "$DATA/learners.db" 'select count(*) from answers')" = 1 ]; then
        ok "'continue without saving' plays the module, says so, and writes nothing"
    else
        not_ok "'continue without saving' plays the module, says so, and writes nothing (exit $rc)" \
            "$(screen_text "$O/o2.boxes"; find "$DATA" -ls)"
    fi
    # the owner still uses its store
    { login_first; printf 'key Right\nkey Right\nwait 20\n'; answer_first; echo quit; } >"$T/o3.txt"
    chmod 644 "$T/o3.txt"
    : >"$T/o3.trace"
    chmod 666 "$T/o3.trace"
    setpriv --reuid=$OWNER --regid=$OWNER --clear-groups timeout $((60 * SLOW)) "$PLAYER" \
        --headless "$PKG" --data "$DATA" --script "$T/o3.txt" --trace "$T/o3.trace" >"$T/out" 2>&1
    rc=$?
    if [ $rc = 0 ] && grep -q $'\tq2\t' "$T/o3.trace" &&
        [ "$(q "$DATA/learners.db" 'pragma integrity_check')" = ok ]; then
        ok "the owner's player still records in its store afterwards"
    else
        not_ok "the owner's player still records in its store afterwards (exit $rc)" "$(cat "$T/out")"
    fi
else
    skip "another account's store: needs root and setpriv"
fi

# ---- a read-only file system, a full one ---------------------------------------------
mounted() {         # DIR SIZE: a fresh tmpfs, or 1 when mounting is not allowed
    mkdir -p "$1"
    mount -t tmpfs -o "size=$2,mode=755" tmpfs "$1" 2>/dev/null || return 1
    STORE_LIB_MOUNTS+=("$1")
}
if [ "$(id -u)" = 0 ] && mounted "$T/ro" 4m; then
    seed_store "$T/ro/data"
    mount -o remount,ro "$T/ro"
    start_frame "$T/ro.png" >"$T/ro.txt"
    run_player "$T/ro/data" "$T/ro.txt"
    rc=$?
    if [ $rc = 0 ] && says_cannot_save "$T/ro.boxes" "lecture seule"; then
        ok "read-only file system: the player says at start that answers cannot be saved"
    else
        not_ok "read-only file system: the player says at start that answers cannot be saved (exit $rc)" \
            "$(screen_text "$T/ro.boxes"; cat "$T/out")"
    fi
else
    skip "read-only file system: mounting a tmpfs is not allowed here"
fi
if [ "$(id -u)" = 0 ] && mounted "$T/full" 2m; then
    seed_store "$T/full/data"
    dd if=/dev/zero of="$T/full/filler" bs=4k 2>/dev/null
    start_frame "$T/full.png" >"$T/full.txt"
    run_player "$T/full/data" "$T/full.txt"
    rc=$?
    if [ $rc = 0 ] && says_cannot_save "$T/full.boxes" "plein"; then
        ok "full file system: the player says at start that the disk is full"
    else
        not_ok "full file system: the player says at start that the disk is full (exit $rc)" \
            "$(screen_text "$T/full.boxes"; cat "$T/out")"
    fi
else
    skip "full file system: mounting a tmpfs is not allowed here"
fi

# ---- writes failing with ENOSPC (LD_PRELOAD) -------------------------------------------
SHIM=$T/failwrite.so
if cc -shared -fPIC -o "$SHIM" tests/e2e/failwrite.c -ldl 2>"$T/cc.log"; then
    export ASAN_OPTIONS="verify_asan_link_order=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
    DATA=$T/enospc
    seed_store "$DATA"
    start_frame "$T/e1.png" >"$T/e1.txt"
    LD_PRELOAD=$SHIM run_player "$DATA" "$T/e1.txt"
    rc=$?
    if [ $rc = 0 ] && says_cannot_save "$T/e1.boxes" "plein"; then
        ok "writes failing with ENOSPC at start: the player says the disk is full"
    else
        not_ok "writes failing with ENOSPC at start: the player says the disk is full (exit $rc)" \
            "$(screen_text "$T/e1.boxes"; cat "$T/out")"
    fi
    # during a session: q1 saved, then the disk fills; the scenario must not end
    DATA=$T/enospc2
    { login_new "Chloé Roux"; answer_first;
      printf 'wait %d\nkey Right\nwait 20\n' $((1500 * SLOW)); step_first;
      printf 'screenshot %s\nkey Right\nwait 20\n' "$T/e2.png"; answer_first;
      printf 'screenshot %s\nquit\n' "$T/e3.png"; } >"$T/e2.txt"
    : >"$T/e2.trace"
    rm -f "$T/disk-full"
    FAILWRITE_WHEN=$T/disk-full LD_PRELOAD=$SHIM run_player "$DATA" "$T/e2.txt" \
        --trace "$T/e2.trace" &
    pid=$!
    for _ in $(seq 1 $((200 * SLOW))); do
        grep -q $'\tq1\t' "$T/e2.trace" && break
        sleep 0.05
    done
    touch "$T/disk-full"
    wait $pid
    rc=$?
    if [ $rc = 0 ] && ! has_text "$T/e2.boxes" "tout est vérifié" &&
        has_text "$T/e2.boxes" "pas été enregistrée" && has_text "$T/e2.boxes" "plein" &&
        clean_text "$T/e2.boxes"; then
        ok "disk full during a session: a scenario step is refused with a message, the ending not shown"
    else
        not_ok "disk full during a session: a scenario step is refused with a message, the ending not shown (exit $rc)" \
            "$(screen_text "$T/e2.boxes")"
    fi
    if ! has_text "$T/e3.boxes" "Bonne réponse" && has_text "$T/e3.boxes" "pas été enregistrée"; then
        ok "disk full during a session: a question shows no feedback for an answer not saved"
    else
        not_ok "disk full during a session: a question shows no feedback for an answer not saved" \
            "$(screen_text "$T/e3.boxes")"
    fi
    check "disk full during a session: only q1 was confirmed" \
        [ "$(cut -f3 "$T/e2.trace" | tr '\n' ' ')" = "q1 " ]
else
    not_ok "the failwrite shim builds" "$(cat "$T/cc.log")"
fi

# ---- another process holds the write lock -------------------------------------------------
hold_lock() {       # DB SECONDS: holds SQLite's write lock (BEGIN IMMEDIATE) that long
    python3 - "$1" "$2" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
c.execute("BEGIN IMMEDIATE")
open(sys.argv[1] + ".held", "w").close()
time.sleep(float(sys.argv[2]))
c.execute("ROLLBACK")
PY
    locker=$!
    for _ in $(seq 1 200); do [ -f "$1.held" ] && break; sleep 0.05; done
    rm -f "$1.held"
}
DATA=$T/locked
seed_store "$DATA"
hold=$((8 * SLOW))
hold_lock "$DATA/learners.db" $hold
{ printf 'wait 50\nscreenshot %s\nwait %d\n' "$T/l1.png" $((hold * 1000 + 500));
  printf 'key Tab\nkey Return\nwait 100\nscreenshot %s\nquit\n' "$T/l2.png"; } >"$T/l.txt"
t0=$(date +%s%N)
run_player "$DATA" "$T/l.txt"
rc=$?
wait $locker
if [ $rc = 0 ] && says_cannot_save "$T/l1.boxes" "occupé"; then
    ok "a write lock held at start: the player says the store is busy (after $((($(date +%s%N) - t0) / 1000000)) ms in all)"
else
    not_ok "a write lock held at start: the player says the store is busy (exit $rc)" \
        "$(screen_text "$T/l1.boxes"; cat "$T/out")"
fi
if has_text "$T/l2.boxes" "Qui êtes-vous"; then
    ok "once the lock is gone, 'try again' opens the profiles"
else
    not_ok "once the lock is gone, 'try again' opens the profiles" "$(screen_text "$T/l2.boxes")"
fi

DATA=$T/locked2
{ login_new "Denis Roy"; answer_first;
  printf 'wait %d\nkey Right\nwait 20\n' $((1500 * SLOW)); step_first;
  printf 'screenshot %s\nkey Right\nwait 20\n' "$T/m1.png"; answer_first;
  printf 'screenshot %s\nquit\n' "$T/m2.png"; } >"$T/m.txt"
: >"$T/m.trace"
run_player "$DATA" "$T/m.txt" --trace "$T/m.trace" &
pid=$!
for _ in $(seq 1 $((200 * SLOW))); do
    grep -q $'\tq1\t' "$T/m.trace" && break
    sleep 0.05
done
t0=$(date +%s%N)
hold_lock "$DATA/learners.db" $((60 * SLOW))
wait $pid
rc=$?
span=$((($(date +%s%N) - t0) / 1000000))
kill $locker 2>/dev/null
wait $locker 2>/dev/null
echo "     the session under the lock took $span ms after q1"
if [ $rc = 0 ] && ! has_text "$T/m1.boxes" "tout est vérifié" &&
    has_text "$T/m1.boxes" "pas été enregistrée" && has_text "$T/m1.boxes" "occupé" &&
    clean_text "$T/m1.boxes"; then
    ok "a write lock during a session: the scenario step is refused in plain words"
else
    not_ok "a write lock during a session: the scenario step is refused in plain words (exit $rc)" \
        "$(screen_text "$T/m1.boxes")"
fi
if ! has_text "$T/m2.boxes" "Bonne réponse" && has_text "$T/m2.boxes" "occupé" &&
    clean_text "$T/m2.boxes"; then
    ok "a write lock during a session: the question's answer is refused in plain words"
else
    not_ok "a write lock during a session: the question's answer is refused in plain words" \
        "$(screen_text "$T/m2.boxes")"
fi
check "a write lock during a session: only q1 was confirmed" \
    [ "$(cut -f3 "$T/m.trace" | tr '\n' ' ')" = "q1 " ]
finish
