#!/usr/bin/env bash
# Crash safety of the learner store (a power cut, a killed player): a headless
# wardplayer session logs in (creating the profile the first time), opens a
# module built for this test (a reflection saved twice per session, question
# pages, scenario pages) and answers everything it can, with short waits. It is
# killed with SIGKILL at a random moment (seeded; the seed is printed) or, one
# session in three, within milliseconds of its first or second confirmed
# answer, CRASH_RUNS times (default 50), always on the same data folder, so progress
# accumulates and every session resumes the one before. After every kill a
# copy of the store (database and WAL, as the next launch finds them) must
# pass `PRAGMA integrity_check`, and every answer the player confirmed before
# the kill must be in it: `--trace FILE` appends one line per answer after its
# commit returned and before the feedback is drawn. Every tenth session runs
# to its end instead: the player opens the killed store, resumes on the page
# the learner left (the bookmark is unchanged) and quits cleanly. At the end
# one uninterrupted session must find every question and scenario answered
# exactly once (a resumed attempt never records an item again).
# One session in four has a second player on the same store at once (a
# second learner, as two sessions of one ward PC): it is killed at its own
# random moment, and every answer it confirmed must be in the store too.
#   CRASH_SEED=N    replay a run
#   CRASH_RUNS=N    number of kills (default 50; 20 under SANITIZE=1)
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
# the player picks choices by their place here: every attempt shows them as
# written (tests/unit/test_shuffle.c tests the shuffled order)
export WARDPLAYER_SHUFFLE_SEED=0
BUILD=${BUILD:-build}
PLAYER=$PWD/$BUILD/wardplayer
CP=$PWD/$BUILD/coursepack
# 50 kills; 20 under the sanitizers (an ASan player starts in seconds, not
# tenths: 50 kills would take 6 minutes there, and store safety is proven by
# the plain build)
if [ "${SANITIZE:-}" = 1 ] || [[ $BUILD == *asan* ]]; then RUNS=${CRASH_RUNS:-20}; else RUNS=${CRASH_RUNS:-50}; fi
SEED=${CRASH_SEED:-$(( $(date +%s) % 32768 ))}
for tool in "$PLAYER" "$CP"; do
    [ -x "$tool" ] || { not_ok "no $tool"; finish; }
done
need sqlite3 "the store after every kill (sqlite3 reads it)" || finish
echo "seed $SEED (CRASH_SEED=$SEED to replay), $RUNS kills"
RANDOM=$SEED

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp/home XDG_DATA_HOME=$tmp/home/share
mkdir -p "$HOME"
# under `make check` (AddressSanitizer): fontconfig's own caches are not leaks of ours
export LSAN_OPTIONS="suppressions=$PWD/tests/e2e/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

# ---- the module: 1 reflection page, 6 pages of 3 questions, 4 scenario pages ----
mod=$tmp/crash-player
mkdir -p "$mod"
cat >"$mod/module.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<module xmlns="urn:coursepack:module:1" id="crash-player" version="1.0.0">
  <languages>fr</languages>
  <title xml:lang="fr">Module d’essai des coupures</title>
  <description xml:lang="fr">Des questions, des mises en situation et une réflexion, pour couper le lecteur pendant qu’il enregistre.</description>
  <keywords xml:lang="fr">essai</keywords>
  <duration minutes="10"/>
  <mastery score="50"/>
  <author>Tests de wardplayer</author>
</module>
EOF
cat >"$mod/01-reflexion.fr.md" <<'EOF'
# Réflexion

```reflection id=r-note max=2000
Notez ce que vous retenez.
```
EOF
QPAGES=6
SPAGES=4
items=()
for p in $(seq 1 $QPAGES); do
    {
        echo "# Questions $p"
        for kind in single multiple truefalse; do
            items+=("q$p-$kind")
            echo
            echo "\`\`\`question id=q$p-$kind type=$kind"
            echo "Question $p ($kind) ?"
            echo
            if [ $kind = truefalse ]; then
                printf -- '- [x] Vrai\n  > Oui.\n- [ ] Faux\n  > Non.\n'
            else
                printf -- '- [x] Un.\n  > Oui.\n- [%s] Deux.\n  > Peut-être.\n- [ ] Trois.\n  > Non.\n' \
                    "$([ $kind = multiple ] && echo x || echo ' ')"
            fi
            echo
            echo "À retenir."
            echo "\`\`\`"
        done
    } >"$mod/$(printf '%02d' $((p + 1)))-questions-$p.fr.md"
done
for s in $(seq 1 $SPAGES); do
    items+=("sc$s")
    cat >"$mod/$(printf '%02d' $((QPAGES + 1 + s)))-situation-$s.fr.md" <<EOF
# Situation $s

\`\`\`scenario id=sc$s scored=yes weight=1 title="Situation $s"
# start
Que faites-vous ?

- Vous vérifiez. -> second
  > Vous vérifiez.
- Vous attendez. -> second
  > Vous attendez.

# second
Et ensuite ?

- Vous concluez. -> good
  > Bien.
- Vous hésitez. -> bad
  > Dommage.

# good end=correct
Bien joué.

# bad end=wrong
À revoir.
\`\`\`
EOF
done
if ! "$CP" build "$mod" -o "$tmp/pkg" >"$tmp/build.log" 2>&1; then
    not_ok "the test module builds" "$(cat "$tmp/build.log")"
    finish
fi
PKG=$(ls "$tmp"/pkg/crash-player.fr.scorm2004.zip)
PAGES=$((1 + QPAGES + SPAGES))

# ---- the sessions -------------------------------------------------------------
# Profiles screen: the search has the focus and Enter opens the first
# profile; Tab reaches « Nouveau profil », whose name field has the focus and
# Enter creates it.
# Opening the one package resumes its attempt on the page left; Left keys go
# back to the reflection. On a page, Tab then Return walks the targets in
# order: an unanswered question's choices are selected one by one, then
# submitted (focus goes back before the first target, and an answered
# question has no target left); a scenario's active step is chosen twice to
# its end; a resumed, finished question page has no target at all.
# login_as NAME [new]: with "new", « Nouveau profil » creates NAME (the name
# field has the focus, Enter creates it); otherwise NAME typed in the profile
# search (it has the focus) and Enter opens the first profile it matches.
login_as() {
    if [ "${2:-}" = new ]; then
        echo "key Tab"              # « Nouveau profil »
        echo "key Return"
        echo "text $1"
        echo "key Return"
    else
        echo "text $1"
        echo "key Return"
    fi
}
login_lines() {     # $1: 1 when the profile exists
    if [ "$1" = 1 ]; then login_as "Crash Test"; else login_as "Crash Test" new; fi
}
session_script() { # $1: profile exists, $2: session number[, $3: login lines]
    if [ -n "${3:-}" ]; then printf '%s\n' "$3"; else login_lines "$1"; fi
    for _ in $(seq 1 $PAGES); do echo "key Left"; done
    # the reflection: two saves, each with text of its own
    printf 'key Tab\ntext  s%sa\nkey Tab\nkey Return\nwait 10\n' "$2"
    printf 'key Tab\ntext  s%sb\nkey Tab\nkey Return\nwait 10\n' "$2"
    for _ in $(seq 1 $QPAGES); do
        echo "key Right"
        for _ in $(seq 1 11); do printf 'key Tab\nkey Return\nwait 8\n'; done
    done
    for _ in $(seq 1 $SPAGES); do
        echo "key Right"
        for _ in 1 2; do printf 'key Tab\nkey Return\nwait 8\n'; done
    done
    echo "quit"
}

DATA=$tmp/data
TRACE=$tmp/trace
CHK=$tmp/check
: >"$TRACE"

db_copy() {         # the store as a killed player left it, copied to $CHK
    rm -rf "$CHK"
    mkdir -p "$CHK"
    [ -f "$DATA/learners.db" ] || return 1
    cp "$DATA/learners.db" "$CHK/"
    [ -f "$DATA/learners.db-wal" ] && cp "$DATA/learners.db-wal" "$CHK/"
    return 0
}
q() { sqlite3 -bail "$CHK/learners.db" "$@" 2>&1; }
CRASH_ATTEMPTS="select a.id from attempts a join learners l on l.id = a.learner
                where l.name = 'Crash Test'"
bookmark() { q "select value from cmi_values where element = 'cmi.location'
                and attempt in ($CRASH_ATTEMPTS)"; }

# Checks the store after a session: integrity, and the traced answers (of
# both players); sets `profiles` (1 when "Crash Test" exists) and `second`
# (1 when "Zoé Second" does) for the next session.
profiles=0
second=0
check_store() {     # $1: label
    if ! db_copy; then
        # killed before the store was created: then nothing can have been confirmed
        if [ -s "$TRACE" ]; then bad_runs+=("$1: answers traced but no store"); fi
        return
    fi
    local out
    if [ "$(q "select count(*) from sqlite_master where name = 'learners'")" = 0 ]; then
        # killed after the file was made, before the schema's one transaction
        # committed (store.c's migrate): an empty store, which the next start
        # builds; nothing can have been confirmed in it
        out=$(q 'PRAGMA integrity_check')
        [ "$out" = ok ] || bad_runs+=("$1: integrity_check of the empty store: $out")
        if [ -s "$TRACE" ]; then bad_runs+=("$1: answers traced but no schema in the store"); fi
        return
    fi
    out=$(q '.mode tabs' 'PRAGMA integrity_check' \
        "select 'profiles=' || count(*) from learners where name = 'Crash Test'" \
        "select 'second=' || count(*) from learners where name = 'Zoé Second'" \
        'create temp table trace(kind text, attempt integer, item text, response text)' \
        ".import $TRACE trace" \
        "select 'missing: ' || t.item || ' ' || t.response from
           (select attempt, item, response, count(*) n from trace group by 1, 2, 3) t
         where t.n > (select count(*) from answers a where a.attempt = t.attempt
                      and a.item_id = t.item and a.response = t.response)")
    if [ "$(head -1 <<<"$out")" != ok ] || ! grep -q '^profiles=' <<<"$out"; then
        bad_runs+=("$1: integrity_check: $out")
        return
    fi
    profiles=$(sed -n 's/^profiles=//p' <<<"$out")
    second=$(sed -n 's/^second=//p' <<<"$out")
    grep -q '^missing: ' <<<"$out" &&
        bad_runs+=("$1: confirmed answers missing from the store: $(grep '^missing: ' <<<"$out")")
}

# Runs a command and SIGKILLs it as soon as n lines were appended to the
# trace file after its first `bytes` bytes (polled every 0.2 ms: the kill
# lands within milliseconds of the answer's confirmation, before the feedback
# is drawn). Exits with the command's status, 137 when killed.
kill_after_answers() {  # TRACE BYTES N -- command...
    python3 - "$@" <<'PY'
import subprocess, sys, time
path, start, n, cmd = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[5:]
p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
deadline = time.monotonic() + 60
while p.poll() is None:
    with open(path, "rb") as f:
        f.seek(start)
        if f.read().count(b"\n") >= n or time.monotonic() > deadline:
            p.kill()
            break
    time.sleep(0.0002)
rc = p.wait()
sys.exit(128 - rc if rc < 0 else rc)
PY
}

# How long an uninterrupted session takes (with the profile, from an empty store)
rm -rf "$DATA"
session_script 0 0 >"$tmp/s.txt"
start=$(date +%s%N)
timeout 120 "$PLAYER" --headless "$PKG" --data "$DATA" --trace "$tmp/probe-trace" \
    --script "$tmp/s.txt" >"$tmp/out" 2>&1
rc=$?
span_ms=$(( ($(date +%s%N) - start) / 1000000 ))
probe=$(grep -c '^answer' "$tmp/probe-trace" 2>/dev/null)
want=$(( 2 + ${#items[@]} ))
if [ $rc -eq 0 ] && [ "$probe" = "$want" ]; then
    ok "an uninterrupted session answers every item ($want answers, ${span_ms} ms)"
else
    not_ok "an uninterrupted session answers every item (exit $rc, $probe answers, want $want)" \
        "$(cat "$tmp/out")"
    finish
fi
rm -rf "$DATA"

bad_runs=()
concurrent=0 kills2=0
kills=0 finished=0 resumes=0 resume_bad=() sessions=0 traced_at_kill=0
t0=$(date +%s)
while [ $kills -lt "$RUNS" ] && [ $sessions -lt $((RUNS * 3)) ]; do
    sessions=$((sessions + 1))
    exists=$((profiles > 0))
    if [ $exists = 1 ] && [ $((sessions % 10)) = 0 ]; then
        # restart on the killed store: opens, resumes on the page left, quits
        before=$(bookmark)
        login_lines 1 >"$tmp/r.txt"
        echo "quit" >>"$tmp/r.txt"
        timeout 60 "$PLAYER" --headless "$PKG" --data "$DATA" --trace "$TRACE" \
            --script "$tmp/r.txt" >"$tmp/out" 2>&1
        rc=$?
        db_copy
        after=$(bookmark)
        attempts=$(q "select count(*) from ($CRASH_ATTEMPTS)")
        resumes=$((resumes + 1))
        if [ $rc -ne 0 ] || [ "$attempts" != 1 ] || { [ -n "$before" ] && [ "$before" != "$after" ]; }; then
            resume_bad+=("session $sessions: exit $rc, attempts '$attempts', page '$before' -> '$after': $(head -3 "$tmp/out")")
        fi
        check_store "session $sessions (resume)"
        continue
    fi
    session_script $exists $sessions >"$tmp/s.txt"
    lines_before=$(wc -l <"$TRACE")
    pid2=
    if [ $exists = 1 ] && [ $((sessions % 4)) = 2 ]; then
        # a second player, a second learner, the same store, at the same time
        if [ "$second" = 1 ]; then
            session_script 1 "z$sessions" "$(login_as "Zoé Second")" >"$tmp/s2.txt"
        else
            session_script 1 "z$sessions" "$(login_as "Zoé Second" new)" >"$tmp/s2.txt"
        fi
        "$PLAYER" --headless "$PKG" --data "$DATA" --trace "$TRACE" --script "$tmp/s2.txt" \
            >"$tmp/out2" 2>&1 &
        pid2=$!
        concurrent=$((concurrent + 1))
        delay2_ms=$(( (RANDOM * 32768 + RANDOM) % (span_ms + 1) ))
        ( sleep "$(printf '%d.%03d' $((delay2_ms / 1000)) $((delay2_ms % 1000)))"
          kill -KILL $pid2 2>/dev/null ) &
        killer2=$!
    fi
    trace_bytes=$(stat -c %s "$TRACE")
    player=("$PLAYER" --headless "$PKG" --data "$DATA" --trace "$TRACE" --script "$tmp/s.txt")
    if [ $((sessions % 3)) = 0 ]; then
        # right after the Nth answer confirmed: an answer shown before it is
        # committed would be lost here
        n=$((1 + RANDOM % 2))
        when="after answer $n"
        kill_after_answers "$TRACE" "$trace_bytes" "$n" -- "${player[@]}" >"$tmp/out" 2>&1 &
        pid=$!
    else
        # later sessions have less to record than the first: kill within 3/4 of it
        delay_ms=$(( (RANDOM * 32768 + RANDOM) % (span_ms * 3 / 4 + 1) ))
        when="after $delay_ms ms"
        "${player[@]}" >"$tmp/out" 2>&1 &
        pid=$!
        sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
        kill -KILL $pid 2>/dev/null
    fi
    wait $pid 2>/dev/null   # its status (137 when killed): it may have ended first
    rc=$?
    if [ -n "$pid2" ]; then
        wait $pid2 2>/dev/null
        rc2=$?
        kill $killer2 2>/dev/null
        wait $killer2 2>/dev/null
        [ $rc2 -eq 137 ] && kills2=$((kills2 + 1))
        [ $rc2 -ne 137 ] && [ $rc2 -ne 0 ] &&
            bad_runs+=("session $sessions: the second player ended with exit $rc2: $(head -3 "$tmp/out2")")
    fi
    if [ $rc -eq 137 ]; then
        kills=$((kills + 1))
        [ "$(wc -l <"$TRACE")" -gt "$lines_before" ] && traced_at_kill=$((traced_at_kill + 1))
    else
        finished=$((finished + 1))
        [ $rc -eq 0 ] || bad_runs+=("session $sessions ended by itself with exit $rc: $(head -3 "$tmp/out")")
    fi
    check_store "session $sessions (killed $when)"
done
elapsed=$(( $(date +%s) - t0 ))
answers=$(grep -c '^answer' "$TRACE")
echo "     $concurrent sessions with a second player at once ($kills2 of them killed too)"
echo "     $kills kills in $sessions sessions ($finished ran to their end, $resumes resume checks)" \
     "in ${elapsed}s; $answers answers confirmed; $traced_at_kill killed sessions had confirmed some"

if [ $kills -ge "$RUNS" ]; then
    ok "$kills sessions killed with SIGKILL at random moments"
else
    not_ok "$RUNS sessions killed (only $kills of $sessions)"
fi
if [ $concurrent -ge $((RUNS / 8)) ]; then
    ok "$concurrent sessions had a second player on the store at once"
else
    not_ok "a second player on the store at once in at least $((RUNS / 8)) sessions (only $concurrent)"
fi
if [ ${#bad_runs[@]} -eq 0 ]; then
    ok "after every session the store passes integrity_check and holds every confirmed answer"
else
    not_ok "after every session the store passes integrity_check and holds every confirmed answer" \
        "$(printf '%s\n' "${bad_runs[@]}")"
fi
if [ "$answers" -ge "$RUNS" ] && [ "$traced_at_kill" -ge $((RUNS / 2)) ]; then
    ok "the kills interrupted sessions that were committing answers"
else
    not_ok "the kills interrupted sessions that were committing answers ($answers answers, $traced_at_kill sessions)"
fi
if [ $resumes -ge 1 ] && [ ${#resume_bad[@]} -eq 0 ]; then
    ok "the player reopens a killed store and resumes on the page left ($resumes times)"
else
    not_ok "the player reopens a killed store and resumes on the page left ($resumes times)" \
        "$(printf '%s\n' "${resume_bad[@]}")"
fi

# ---- one last session, to its end --------------------------------------------
session_script $((profiles > 0)) final >"$tmp/s.txt"
timeout 120 "$PLAYER" --headless "$PKG" --data "$DATA" --trace "$TRACE" --script "$tmp/s.txt" \
    >"$tmp/out" 2>&1
rc=$?
check_store "the last session"
db_copy
counts=$(q "select item_id || '=' || count(*) from answers where item_id != 'r-note'
            and attempt in ($CRASH_ATTEMPTS) group by item_id order by item_id")
twice=$(q "select item_id from answers where item_id != 'r-note'
           group by attempt, item_id having count(*) > 1")
want=$(printf '%s=1\n' "${items[@]}" | sort)
if [ $rc -eq 0 ] && [ "$counts" = "$want" ] && [ ${#bad_runs[@]} -eq 0 ]; then
    ok "in the end every question and scenario is answered exactly once"
else
    not_ok "in the end every question and scenario is answered exactly once (exit $rc)" \
        "$(diff <(echo "$want") <(echo "$counts"); cat "$tmp/out")"
fi
if [ -z "$twice" ]; then
    ok "no item is stored twice in any attempt, the second player's included"
else
    not_ok "no item is stored twice in any attempt, the second player's included" "$twice"
fi
learners=$(q "select group_concat(name || '=' || n) from
              (select name, count(*) n from learners group by name order by name)")
want_learners="Crash Test=1"
[ "$concurrent" -gt 0 ] && want_learners="Crash Test=1,Zoé Second=1"
[ "$learners" = "$want_learners" ] && ok "each profile created once ($learners)" ||
    not_ok "each profile created once ($learners)"
finish
