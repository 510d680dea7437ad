#!/usr/bin/env bash
# A damaged learner store is salvaged, not just set aside (issue 14, rows 3
# and 4). A store with two learners (recorded by the player) and a few hundred
# more answers and xAPI statements (so that every table spans pages) is
# damaged three ways: a bad header (with the last answers still in the WAL),
# garbage over pages in the middle (the answers table's root page among them),
# and a file cut short. The counts a salvage must recover are computed from
# the intact file (SQLite's dbstat: the cells of each page) before the damage.
# After each, the player keeps the damaged file, starts with every readable
# profile, says what it recovered, and the new store holds every readable
# learner, attempt, answer and unsent statement, with the statements' ids
# (and their sent marks) kept. --export and --sync on a damaged store exit 1
# and leave it as it is.
source "$(dirname "$0")/store_lib.bash"
make_module

# ---- the intact store -------------------------------------------------------------
SEED=$T/seed
{ login_new "Alice Martin"; answer_first; printf 'key Right\n'; step_second;
  printf 'key Right\n'; answer_first; echo quit; } >"$T/s1.txt"
{ login_new "Bruno Petit"; answer_second; echo quit; } >"$T/s2.txt"
run_player "$SEED" "$T/s1.txt" || not_ok "seeding (Alice)" "$(cat "$T/out")"
run_player "$SEED" "$T/s2.txt" || not_ok "seeding (Bruno)" "$(cat "$T/out")"
# statements first, then answers: the answers' pages come after the outbox's
q "$SEED/learners.db" "
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
INSERT INTO outbox(id, attempt, json, created, sent_at)
SELECT printf('%08x-0000-4000-8000-%012x', i, i), 1 + i % 2,
       printf('{\"id\":\"%08x-0000-4000-8000-%012x\",\"bulk\":%d,\"pad\":\"%s\"}', i, i, i,
              hex(randomblob(40))),
       '2026-01-01T00:00:00Z', CASE WHEN i % 3 = 0 THEN '2026-01-02T00:00:00Z' END FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)
INSERT INTO answers(attempt, item_id, type, description, response, correct_pattern, result,
                    weight, latency_ms, timestamp)
SELECT 1 + i % 2, 'bulk-' || i, 'choice', 'Question de masse ' || i || ' ' || hex(randomblob(60)),
       'a', 'a', 'correct', 1, 1000, '2026-01-01T00:00:00Z' FROM n;" >/dev/null
names=$(q "$SEED/learners.db" "select group_concat(name, ',') from (select name from learners order by name)")
check "the intact store has two learners" [ "$names" = "Alice Martin,Bruno Petit" ]

count() { q "$1" "$2"; }
totals() {          # DB: "learners attempts answers unsent"
    echo "$(count "$1" 'select count(*) from learners') $(count "$1" 'select count(*) from attempts')" \
         "$(count "$1" 'select count(*) from answers')" \
         "$(count "$1" 'select count(*) from outbox where sent_at is null')"
}
leaf_pages() {      # DB TABLE: "pageno ncell" of the table's leaf pages
    q "$1" "select pageno || ' ' || ncell from dbstat where name = '$2' and pagetype = 'leaf'
            order by pageno"
}
garble() {          # FILE PAGENO...: random bytes over whole pages
    python3 - "$@" <<'PY'
import random, sys
random.seed(14)
path, pages = sys.argv[1], [int(p) for p in sys.argv[2:]]
with open(path, "r+b") as f:
    for p in pages:
        f.seek((p - 1) * 4096)
        f.write(bytes(random.getrandbits(8) for _ in range(4096)))
PY
}

# Runs the player on DATA (a store damaged as described by KIND) and checks
# what it recovered against WANT ("learners attempts answers unsent").
salvaged() {        # KIND DATA WANT UNSENT_IDS_FILE
    local kind=$1 data=$2 want=$3 ids=$4
    local before
    before=$(sha256sum <"$data/learners.db")
    printf 'wait 50\nscreenshot %s\nquit\n' "$T/$kind.png" >"$T/$kind.txt"
    run_player "$data" "$T/$kind.txt"
    local rc=$?
    local kept
    kept=$(ls "$data"/learners.db.corrupt-* 2>/dev/null | grep -v -- '-wal$\|-shm$\|\.txt$' | head -1)
    if [ -n "$kept" ] && [ "$(sha256sum <"$kept")" = "$before" ]; then
        ok "$kind: the damaged file is kept as it was ($(basename "$kept"))"
    else
        not_ok "$kind: the damaged file is kept as it was" "$(ls -l "$data")"
    fi
    local got
    got=$(totals "$data/learners.db")
    if [ $rc = 0 ] && [ "$got" = "$want" ]; then
        ok "$kind: learners, attempts, answers, unsent statements recovered: $got"
    else
        not_ok "$kind: learners, attempts, answers, unsent statements recovered: want $want, got $got (exit $rc)" \
            "$(cat "$T/out")"
    fi
    if [ "$(q "$data/learners.db" 'select id from outbox where sent_at is null order by id')" = \
         "$(cat "$ids")" ]; then
        ok "$kind: the unsent statements keep their ids (nothing is sent twice)"
    else
        not_ok "$kind: the unsent statements keep their ids (nothing is sent twice)"
    fi
    check "$kind: the new store passes integrity_check" \
        [ "$(q "$data/learners.db" 'pragma integrity_check')" = ok ]
    if has_text "$T/$kind.boxes" "Alice Martin" && has_text "$T/$kind.boxes" "Bruno Petit" &&
        has_text "$T/$kind.boxes" "Récupérés" && clean_text "$T/$kind.boxes"; then
        ok "$kind: the player starts with the recovered profiles and says so in French"
    else
        not_ok "$kind: the player starts with the recovered profiles and says so in French" \
            "$(screen_text "$T/$kind.boxes")"
    fi
    local report
    report=$(ls "$data"/learners.db.corrupt-*.txt 2>/dev/null | head -1)
    if [ -n "$report" ] && grep -q "answers: $(cut -d' ' -f3 <<<"$want") recovered" "$report"; then
        ok "$kind: a report for the administrator says what was recovered and lost"
    else
        not_ok "$kind: a report for the administrator says what was recovered and lost" \
            "$(ls "$data"; [ -n "$report" ] && cat "$report")"
    fi
}

# ---- 1. a bad header, the last answers in the WAL ----------------------------------------
D=$T/header
mkdir -p "$D"
cp "$SEED/learners.db" "$D/"
python3 - "$D/learners.db" <<'PY'
import os, sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA wal_autocheckpoint = 0")
for i in range(5):
    c.execute("INSERT INTO answers(attempt, item_id, type, response, result, timestamp)"
              " VALUES(2, ?, 'choice', 'a', 'correct', '2026-01-03T00:00:00Z')", ("wal-%d" % i,))
os._exit(0)     # no checkpoint: the five answers stay in learners.db-wal
PY
check "header: the last answers are in the WAL" [ -s "$D/learners.db-wal" ]
want=$(totals "$D/learners.db")
q "$D/learners.db" 'select id from outbox where sent_at is null order by id' >"$T/header.ids"
head -c 100 /dev/urandom | dd of="$D/learners.db" bs=100 count=1 conv=notrunc 2>/dev/null
check "header: the file is no longer a database to SQLite" \
    [ "$(sqlite3 "$D/learners.db" 'select count(*) from learners' 2>&1 | grep -c 'not a database')" = 1 ]

# the administrator's commands leave a damaged store alone and fail
sum0=$(sha256sum <"$D/learners.db")
"$PLAYER" --data "$D" --export "$T/results.csv" >"$T/out" 2>&1
rc=$?
if [ $rc = 1 ] && [ ! -e "$T/results.csv" ] && grep -qi "damaged" "$T/out" &&
    [ "$(sha256sum <"$D/learners.db")" = "$sum0" ] && ! ls "$D"/learners.db.corrupt-* >/dev/null 2>&1; then
    ok "--export on a damaged store exits 1 with a message, writes no file and moves nothing"
else
    not_ok "--export on a damaged store exits 1 with a message, writes no file and moves nothing (exit $rc)" \
        "$(cat "$T/out"; ls "$D" "$T")"
fi
printf 'endpoint = http://127.0.0.1:9/xAPI/\nusername = u\npassword = p\nretries = 0\n' >"$T/lrs.conf"
chmod 600 "$T/lrs.conf"
"$PLAYER" --data "$D" --sync --lrs-config "$T/lrs.conf" >"$T/out" 2>&1
rc=$?
if [ $rc = 1 ] && grep -qi "damaged" "$T/out" && [ "$(sha256sum <"$D/learners.db")" = "$sum0" ] &&
    ! ls "$D"/learners.db.corrupt-* >/dev/null 2>&1; then
    ok "--sync on a damaged store exits 1 with a message and moves nothing"
else
    not_ok "--sync on a damaged store exits 1 with a message and moves nothing (exit $rc)" "$(cat "$T/out")"
fi
salvaged header "$D" "$want" "$T/header.ids"

# ---- 2. garbage in the middle ---------------------------------------------------------------
D=$T/middle
mkdir -p "$D"
cp "$SEED/learners.db" "$D/"
all=$(totals "$D/learners.db")
q "$D/learners.db" 'select id from outbox where sent_at is null order by id' >"$T/middle.ids"
answers_root=$(q "$D/learners.db" "select rootpage from sqlite_schema where name = 'answers'")
victim=$(leaf_pages "$D/learners.db" answers | sed -n 5p)
victim_page=${victim% *}
victim_cells=${victim#* }
others=$(q "$D/learners.db" "select group_concat(pageno, ' ') from dbstat
        where name in ('cmi_values', 'answers_by_attempt', 'sqlite_autoindex_cmi_values_1')")
check "middle: the answers table has a root page of its own (an interior page)" \
    [ "$(q "$D/learners.db" "select pagetype from dbstat where pageno = $answers_root")" = internal ]
read -r l a n u <<<"$all"
want="$l $a $((n - victim_cells)) $u"
garble "$D/learners.db" "$answers_root" "$victim_page" $others
echo "     garbled: the answers root $answers_root, answers leaf $victim_page ($victim_cells answers), cmi_values and index pages $others"
salvaged middle "$D" "$want" "$T/middle.ids"

# ---- 3. a file cut short --------------------------------------------------------------------
D=$T/truncated
mkdir -p "$D"
cp "$SEED/learners.db" "$D/"
q "$D/learners.db" 'select id from outbox where sent_at is null order by id' >"$T/truncated.ids"
mapfile -t leaves < <(leaf_pages "$D/learners.db" answers)
cut_at=${leaves[$((${#leaves[@]} * 3 / 5))]%% *}     # pages after this one are gone
kept_answers=0
for x in "${leaves[@]}"; do
    [ "${x% *}" -le "$cut_at" ] && kept_answers=$((kept_answers + ${x#* }))
done
last_outbox=$(leaf_pages "$D/learners.db" outbox | tail -1)
check "truncated: every statement page comes before the cut" [ "${last_outbox% *}" -lt "$cut_at" ]
read -r l a n u <<<"$(totals "$D/learners.db")"
want="$l $a $kept_answers $u"
truncate -s $((cut_at * 4096)) "$D/learners.db"
echo "     cut after page $cut_at: $kept_answers of $n answers before it"
salvaged truncated "$D" "$want" "$T/truncated.ids"
finish
