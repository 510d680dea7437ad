#!/usr/bin/env bash
# One learner, one live attempt (issue 14, row 1): the same profile opened in
# two real wardplayer processes on one data folder. Player A answers q1 and
# waits; player B opens the same learner's module, is told it is open
# elsewhere, takes it over and answers q2; A then tries q2: its write is
# refused with a message, and the store holds each question once. A player
# that was killed does not hold its attempt: the next one resumes at once.
source "$(dirname "$0")/store_lib.bash"
make_module

# ---- A answers q1, waits, tries q2; B takes over in between ---------------------
DATA=$T/data
wait_a=$((4000 * SLOW))
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
timeout $((60 * SLOW)) "$PLAYER" --headless "$PKG" --data "$DATA" --boxes --script "$T/a.txt" \
    --trace "$T/a.trace" >"$T/a.out" 2>&1 &
a_pid=$!
for _ in $(seq 1 $((200 * SLOW))); do
    grep -q $'\tq1\t' "$T/a.trace" && break
    sleep 0.05
done
b_start=$(date +%s%N)
timeout $((60 * SLOW)) "$PLAYER" --headless "$PKG" --data "$DATA" --boxes --script "$T/b.txt" \
    --trace "$T/b.trace" >"$T/b.out" 2>&1
b_rc=$?
b_ms=$((($(date +%s%N) - b_start) / 1000000))
wait $a_pid
a_rc=$?
DB=$DATA/learners.db
echo "     A exit $a_rc, B exit $b_rc in $b_ms ms (A waited $wait_a ms)"
if [ $b_ms -ge $wait_a ]; then
    not_ok "B finished while A waited (B took $b_ms ms: raise the wait)"
fi
check "both players end normally" [ $a_rc = 0 ] && [ $b_rc = 0 ]
counts=$(q "$DB" "select item_id || '=' || count(*) from answers group by item_id order by 1")
if [ "$counts" = $'q1=1\nq2=1' ]; then
    ok "each question is stored once in the learner's attempt"
else
    not_ok "each question is stored once in the learner's attempt" "$counts"
fi
check "one attempt for the learner" [ "$(q "$DB" 'select count(*) from attempts')" = 1 ]
check "q2 holds the answer of the player that took over (B: b)" \
    [ "$(q "$DB" "select response from answers where item_id = 'q2'")" = b ]
check "B's trace holds its q2" grep -q $'\tq2\tb$' "$T/b.trace"
if grep -q $'\tq2\t' "$T/a.trace"; then
    not_ok "A's q2 is refused after the take-over (A traced it as saved)" "$(cat "$T/a.trace")"
else
    ok "A's q2 is refused after the take-over"
fi
if has_text "$T/b-open.boxes" "déjà ouvert" && has_text "$T/b-open.boxes" "Reprendre ici"; then
    ok "B is told the module is open in another window and offered to take it over"
else
    not_ok "B is told the module is open in another window and offered to take it over" \
        "$(screen_text "$T/b-open.boxes")"
fi
if has_text "$T/a-end.boxes" "autre fenêtre" && has_text "$T/a-end.boxes" "pas été enregistrée" &&
    ! has_text "$T/a-end.boxes" "Bonne réponse"; then
    ok "A says its answer was not saved because the module went on in another window"
else
    not_ok "A says its answer was not saved because the module went on in another window" \
        "$(screen_text "$T/a-end.boxes")"
fi
check "A's message is for people (no SQL, library text or path)" clean_text "$T/a-end.boxes"

# the xAPI a Learning Record Store would get agrees with the store
if "$PLAYER" --data "$DATA" --export "$T/x.json" >"$T/out" 2>&1; then
    n=$(python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))
print(",".join(sorted(s["object"]["id"].rsplit("/",1)[1] for s in a
      if s["verb"]["id"].endswith("/answered"))))' "$T/x.json")
    check "the xAPI export has one answered statement per question (q1,q2)" [ "$n" = q1,q2 ]
else
    not_ok "the xAPI export works" "$(cat "$T/out")"
fi

# ---- a killed player does not keep its attempt ------------------------------------
DATA2=$T/data2
{ login_new "Bruno Petit"; answer_first; printf 'wait %d\nquit\n' $((30000 * SLOW)); } >"$T/k.txt"
: >"$T/k.trace"
"$PLAYER" --headless "$PKG" --data "$DATA2" --script "$T/k.txt" --trace "$T/k.trace" \
    >"$T/k.out" 2>&1 &
k_pid=$!
for _ in $(seq 1 $((200 * SLOW))); do
    grep -q $'\tq1\t' "$T/k.trace" && break
    sleep 0.05
done
kill -KILL $k_pid
wait $k_pid 2>/dev/null
{
    login_first
    printf 'wait 50\nscreenshot %s\nkey Right\nkey Right\nwait 20\n' "$T/r-open.png"
    answer_first
    printf 'quit\n'
} >"$T/r.txt"
: >"$T/r.trace"
run_player "$DATA2" "$T/r.txt" --trace "$T/r.trace"
rc=$?
if [ $rc = 0 ] && ! has_text "$T/r-open.boxes" "déjà ouvert" && grep -q $'\tq2\t' "$T/r.trace"; then
    ok "after a killed player the next one resumes the attempt at once"
else
    not_ok "after a killed player the next one resumes the attempt at once (exit $rc)" \
        "$(screen_text "$T/r-open.boxes"; cat "$T/out")"
fi
finish
