#!/usr/bin/env bash
# xAPI sync against Learning Locker's statement service (npm xapi-statements
# 5.0.1, in memory, on loopback) behind a fault-injecting proxy
# (tests/lrs/proxy.mjs). A scripted session's results are recorded through
# the store API (build/tests/test_sync seed), sent with wardplayer's admin
# entry points (test_sync cli = admin_cli_run), and read back with GET
# /xAPI/statements. Faults: LRS down then up, answers lost after the LRS
# stored a batch, 500, one statement refused with 400, the sync killed
# mid-request, and the USB path (--export --pending, --sync-file twice).
# Then the real player (headless, --script) takes a module built from
# courses/ and sends its results in the background, with no --sync: LRS up,
# LRS down (then up during the session, or at the next start), and the
# player killed with SIGKILL while a batch is on its way.
# After each: every statement is in the LRS exactly once and no statement is
# marked sent that the LRS does not have. Prints "N passed, N failed, N
# skipped" (tests/lib.sh).
# sanitizers: no (the sync's C code runs under them in test_sync; the subject here is the LRS)
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
# the player picks choices by their place here: every attempt shows them as
# written (tests/unit/test_shuffle.c tests the shuffled order)
export WARDPLAYER_SHUFFLE_SEED=0
BUILD=${BUILD:-build}
DRV=$BUILD/tests/test_sync
PLAYER=$BUILD/wardplayer
COURSEPACK=$BUILD/coursepack
SERVER=tests/lrs/node_modules/xapi-statements/dist/server.js
# under `make check` (AddressSanitizer): fontconfig's own caches are not leaks of ours
export LSAN_OPTIONS="suppressions=$PWD/tests/e2e/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
bad() { not_ok "$@"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

ready=1
for f in "$DRV" "$PLAYER" "$COURSEPACK"; do
    [ -x "$f" ] || { bad "$f is built"; ready=0; }
done
for t in node python3 sqlite3 curl; do
    need "$t" "sync against a real LRS" || ready=0
done
if [ ! -f "$SERVER" ]; then
    ready=0
    if [ "${CI:-}" = true ]; then
        bad "sync against a real LRS: tests/lrs/node_modules is missing (tools/install-deps runs npm ci there)"
    else
        skip "sync against a real LRS" "tests/lrs/node_modules is missing: run tools/install-deps"
    fi
fi
[ $ready = 1 ] || finish

T=$(mktemp -d /tmp/lrs_sync.XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
LRS_PORT=$(free_port)
PROXY_PORT=$(free_port)
USERNAME=ward-pc-7
PASSWORD="Zq9-lrs-$RANDOM$RANDOM"
HOME_PAGE=https://chu-exemple.fr
mkdir -p "$T/lrs"
start_lrs() {
    (cd "$T/lrs" && exec env MODELS_REPO=memory STORAGE_REPO=local AUTH_REPO=test EVENTS_REPO=test \
        EXPRESS_PORT=$LRS_PORT FS_LOCAL_STORAGE_DIR="$T/lrs/storage" \
        EXPRESS_MORGAN_DIRECTORY="$T/lrs/logs" WINSTON_CONSOLE_LEVEL=error \
        timeout 1800 node "$OLDPWD/$SERVER") >>"$T/lrs.log" 2>&1 &
    LRS_PID=$!
    pids+=($LRS_PID)
}
start_lrs
timeout 1800 node tests/lrs/proxy.mjs "$PROXY_PORT" "$LRS_PORT" "$USERNAME:$PASSWORD" \
    >"$T/proxy.log" 2>&1 &
pids+=($!)

LRS="http://127.0.0.1:$LRS_PORT/xAPI"
lrs_get() { curl -s -m 10 -u "x:y" -H 'X-Experience-API-Version: 1.0.3' "$LRS/$1"; }
wait_lrs() {
    for _ in $(seq 1 120); do
        lrs_get about | grep -q version && return 0
        sleep 0.5
    done
    return 1
}
wait_lrs
if ! lrs_get about | grep -q version; then
    bad "the LRS starts" "$(tail -20 "$T/lrs.log")"
    finish
fi
ctl() { curl -s -m 5 -d "$1" "http://127.0.0.1:$PROXY_PORT/__ctl" >/dev/null; }
for _ in $(seq 1 50); do ctl '{"mode":"pass"}' && break; sleep 0.2; done

CONF=$T/lrs.conf
umask 077
cat >"$CONF" <<CONF_EOF
# test LRS: the fault proxy in front of xapi-statements
endpoint = http://127.0.0.1:$PROXY_PORT/xAPI/
username = $USERNAME
password = $PASSWORD
home_page = $HOME_PAGE
batch = 2
retries = 1
retry_base_ms = 100
timeout = 5
CONF_EOF
umask 022

# Every statement of the LRS, as "id" lines (one per stored statement).
lrs_ids() {
    lrs_get "statements?limit=1000" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d.get("more", "") == "", "paged answer"
for s in d["statements"]: print(s["id"])'
}
# sent ids of a data folder, pending count
sent_ids() { sqlite3 "$1/learners.db" "SELECT id FROM outbox WHERE sent_at IS NOT NULL ORDER BY id"; }
pending_count() { sqlite3 "$1/learners.db" "SELECT count(*) FROM outbox WHERE sent_at IS NULL"; }
all_ids() { sqlite3 "$1/learners.db" "SELECT id FROM outbox ORDER BY id"; }
# no id twice in the LRS, and every id marked sent in these folders is there
invariant() {
    lrs_ids | sort >"$T/lrs.ids"
    [ "$(uniq -d "$T/lrs.ids" | wc -l)" -eq 0 ] || { echo "    duplicate ids in the LRS"; return 1; }
    local d
    for d in "$@"; do
        sent_ids "$d" | sort >"$T/sent.ids"
        if [ -n "$(comm -23 "$T/sent.ids" "$T/lrs.ids")" ]; then
            echo "    $d: marked sent but not in the LRS:"; comm -23 "$T/sent.ids" "$T/lrs.ids"
            return 1
        fi
    done
}
in_lrs_once() {   # every outbox id of the folder is in the LRS exactly once
    lrs_ids | sort >"$T/lrs.ids"
    all_ids "$1" | sort >"$T/all.ids"
    [ -z "$(comm -23 "$T/all.ids" "$T/lrs.ids")" ] && [ "$(uniq -d "$T/lrs.ids" | wc -l)" -eq 0 ]
}
no_secret() { ! grep -qF "$PASSWORD" "$@" && ! grep -qF "$(printf '%s' "$USERNAME:$PASSWORD" | base64)" "$@"; }
sync_run() { "$DRV" cli --sync --data "$1" --lrs-config "$CONF" "${@:2}" >"$T/out" 2>&1; echo $? >"$T/rc"; }
rc() { cat "$T/rc"; }

# ---- configuration refused when others can read it -------------------------
LOOSE=$T/loose.conf
cp "$CONF" "$LOOSE"; chmod 644 "$LOOSE"
mkdir -p "$T/d0"
"$DRV" cli --sync --data "$T/d0" --lrs-config "$LOOSE" >"$T/out" 2>&1
check "a group/world-readable configuration is refused" \
    grep -qF "$LOOSE: error: readable or writable by group or others (mode 0644) (it holds the LRS password: chmod 600 $LOOSE)" "$T/out"
check "the refusal shows no secret" no_secret "$T/out"

# ---- down, then up ----------------------------------------------------------
D1=$T/d1
mkdir -p "$D1" && "$DRV" seed "$D1" STAFF-042 "$HOME_PAGE"
ctl '{"mode":"down"}'
sync_run "$D1"
check "LRS down: exit 1" [ "$(rc)" = 1 ]
check "LRS down: report says all 5 pending" grep -q "^sent 0, pending 5, set aside 0$" "$T/out"
check "LRS down: nothing marked sent" [ "$(pending_count "$D1")" = 5 ]
check "LRS down: messages carry no secret" no_secret "$T/out"
ctl '{"mode":"pass"}'
sync_run "$D1"
check "LRS up: exit 0, all sent" [ "$(rc)" = 0 ]
check "LRS up: report" grep -q "^sent 5, pending 0, set aside 0$" "$T/out"
check "LRS up: outbox empty" [ "$(pending_count "$D1")" = 0 ]
check "LRS up: each statement once" in_lrs_once "$D1"
check "invariant after down/up" invariant "$D1"

# ---- what the LRS holds ------------------------------------------------------
lrs_get "statements?limit=1000" >"$T/all.json"
check "statements read back: verbs, results, activities, actor account" python3 - "$T/all.json" "$HOME_PAGE" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); home = sys.argv[2]
st = [s for s in d["statements"] if s["actor"].get("account", {}).get("name") == "STAFF-042"]
by = {}
for s in st:
    by.setdefault(s["verb"]["id"].rsplit("/", 1)[1], []).append(s)
assert sorted(by) == ["answered", "attempted", "completed", "passed"], sorted(by)
assert len(st) == 5, len(st)
act = home + "/activities/cp-ai-never-neutral"
for s in st:
    a = s["actor"]
    assert a["account"] == {"homePage": home, "name": "STAFF-042"}, a
    assert "mbox" not in a and "openid" not in a
for v in ("attempted", "completed", "passed"):
    assert by[v][0]["object"]["id"] == act, by[v][0]["object"]
p = by["passed"][0]["result"]
assert p["success"] is True and p["completion"] is True, p
assert p["score"] == {"scaled": 0.8, "raw": 80, "min": 0, "max": 100}, p["score"]
assert p["duration"] == "PT15M30S", p
c = by["completed"][0]["result"]
assert c["completion"] is True and c["duration"] == "PT15M30S", c
ans = {s["object"]["id"]: s["result"] for s in by["answered"]}
assert ans[act + "/q-lab-accuracy"]["success"] is True, ans
assert ans[act + "/q-lab-accuracy"]["duration"] == "PT12S", ans
assert ans[act + "/q-bias"]["success"] is False, ans
assert ans[act + "/q-bias"]["response"] == "false", ans
assert "result" not in by["attempted"][0]
PY
curl -s "http://127.0.0.1:$PROXY_PORT/__stats" >"$T/stats"
check "every request had Basic auth and the xAPI version header" \
    python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); sys.exit(s["badAuth"] or s["noVersion"] or not s["requests"])' "$T/stats"

# ---- answers lost after the LRS stored a batch (it "dies mid-batch") ---------
D2=$T/d2
mkdir -p "$D2" && "$DRV" seed "$D2" STAFF-043 "$HOME_PAGE"
ctl '{"mode":"acklost","count":2}'
sync_run "$D2"
check "answers lost: exit 1, nothing marked sent" [ "$(rc)/$(pending_count "$D2")" = 1/5 ]
check "answers lost: the dropped connection is reported" grep -q "no answer from http://127.0.0.1:$PROXY_PORT/xAPI/statements" "$T/out"
check "invariant while answers are lost" invariant "$D1" "$D2"
ctl '{"mode":"pass"}'
sync_run "$D2"
check "answers lost, then sent again: exit 0" [ "$(rc)" = 0 ]
check "answers lost: each statement once" in_lrs_once "$D2"
check "invariant after lost answers" invariant "$D1" "$D2"

# ---- 500 once: retried with back-off ------------------------------------------
D3=$T/d3
mkdir -p "$D3" && "$DRV" seed "$D3" STAFF-044 "$HOME_PAGE"
ctl '{"mode":"fail500","count":1}'
sync_run "$D3"
check "500 once: retried, exit 0" [ "$(rc)" = 0 ]
check "500 once: the wait is reported" grep -q "the LRS answered HTTP 500: .*(trying again in 100 ms)" "$T/out"
check "500 once: each statement once" in_lrs_once "$D3"

# ---- 400 for one statement: set aside with the LRS's reason, the rest sent ---
D4=$T/d4
mkdir -p "$D4" && "$DRV" seed "$D4" STAFF-045 "$HOME_PAGE"
BAD=$(sqlite3 "$D4/learners.db" "SELECT id FROM outbox ORDER BY rowid LIMIT 1 OFFSET 2")
ctl "{\"mode\":\"corrupt\",\"count\":1,\"id\":\"$BAD\"}"
sync_run "$D4"
check "400 for one: exit 1" [ "$(rc)" = 1 ]
check "400 for one: report" grep -q "^sent 4, pending 0, set aside 1$" "$T/out"
check "400 for one: the LRS's reason is shown" grep -qE "set aside $BAD: the LRS refused it \(HTTP 400\): Problem in 'statements\.[0-9]+\.verb\.id'" "$T/out"
check "400 for one: it is not marked sent" [ "$(pending_count "$D4")" = 1 ]
check "400 for one: the LRS does not have it" bash -c "! curl -s -u x:y -H 'X-Experience-API-Version: 1.0.3' '$LRS/statements?limit=1000' | grep -q '$BAD'"
sync_run "$D4"
check "set aside: held, not sent again (exit 1)" grep -q "^sent 0, pending 0, set aside 0, held 1" "$T/out"
ctl '{"mode":"pass"}'
sync_run "$D4" --retry-set-aside
check "--retry-set-aside once the LRS accepts it: exit 0" [ "$(rc)" = 0 ]
check "400 for one: finally each statement once" in_lrs_once "$D4"
check "invariant after 400" invariant "$D1" "$D2" "$D3" "$D4"

# ---- 409 for one id: checked with the idempotent PUT -------------------------------
D8=$T/d8
mkdir -p "$D8" && "$DRV" seed "$D8" STAFF-049 "$HOME_PAGE"
CONFLICT=$(sqlite3 "$D8/learners.db" "SELECT id FROM outbox ORDER BY rowid LIMIT 1 OFFSET 1")
ctl "{\"mode\":\"conflict\",\"count\":1,\"id\":\"$CONFLICT\"}"
sync_run "$D8"
check "409 for one: PUT /statements?statementId= stores it, exit 0" [ "$(rc)" = 0 ]
check "409 for one: each statement once" in_lrs_once "$D8"
check "409 for one: one PUT was made" \
    python3 -c 'import json,sys,urllib.request; s=json.load(urllib.request.urlopen(sys.argv[1])); sys.exit(s["puts"] != 1)' "http://127.0.0.1:$PROXY_PORT/__stats"
ctl '{"mode":"pass"}'

# ---- the sync is killed while a request is in flight ----------------------------
D5=$T/d5
mkdir -p "$D5" && "$DRV" seed "$D5" STAFF-046 "$HOME_PAGE"
ctl '{"mode":"slow","delay":4000}'
"$DRV" cli --sync --data "$D5" --lrs-config "$CONF" >"$T/out" 2>&1 &
SYNC_PID=$!
sleep 1.5
kill -9 "$SYNC_PID" 2>/dev/null
wait "$SYNC_PID" 2>/dev/null
check "killed sync: nothing marked sent" [ "$(pending_count "$D5")" = 5 ]
check "invariant after the kill" invariant "$D5"
ctl '{"mode":"pass"}'
sync_run "$D5"
check "after the kill: sent, exit 0" [ "$(rc)" = 0 ]
check "after the kill: each statement once" in_lrs_once "$D5"

# ---- USB path: --export --pending, then --sync-file twice -----------------------
D6=$T/d6
mkdir -p "$D6" && "$DRV" seed "$D6" STAFF-047 "$HOME_PAGE"
"$DRV" cli --export "$T/pending.json" --pending --data "$D6" >"$T/out" 2>&1
check "--export --pending writes the 5 pending statements" \
    python3 -c 'import json,sys; sys.exit(len(json.load(open(sys.argv[1]))) != 5)' "$T/pending.json"
check "--export --pending marks nothing sent" [ "$(pending_count "$D6")" = 5 ]
lrs_ids | wc -l >"$T/before"
"$DRV" cli --sync-file "$T/pending.json" --lrs-config "$CONF" >"$T/out1" 2>&1; rc1=$?
"$DRV" cli --sync-file "$T/pending.json" --lrs-config "$CONF" >"$T/out2" 2>&1; rc2=$?
check "--sync-file twice: exit 0 both times" [ "$rc1/$rc2" = 0/0 ]
check "--sync-file: reports" grep -q "^sent 5, pending 0, set aside 0$" "$T/out2"
check "--sync-file twice: 5 new statements, once each" \
    [ "$(lrs_ids | wc -l)" = "$(( $(cat "$T/before") + 5 ))" ]
check "--sync-file: each statement once" in_lrs_once "$D6"
sync_run "$D6"
check "the PC's own later sync adds nothing" [ "$(rc)/$(lrs_ids | wc -l)" = "0/$(( $(cat "$T/before") + 5 ))" ]
echo '[{"actor":{}}]' >"$T/noid.json"
"$DRV" cli --sync-file "$T/noid.json" --lrs-config "$CONF" >"$T/out" 2>&1
check "--sync-file refuses a statement without id" \
    grep -qF "$T/noid.json: error: statement 1 has no \"id\"" "$T/out"

# ---- the background worker ------------------------------------------------------
D7=$T/d7
mkdir -p "$D7" && "$DRV" seed "$D7" STAFF-048 "$HOME_PAGE"
"$DRV" worker "$D7" "$CONF" >"$T/out" 2>&1
check "worker: one background sync sends everything" grep -q "sent 5, pending 0, set aside 0" "$T/out"
check "worker: each statement once" in_lrs_once "$D7"

check "final invariant over every folder" invariant "$D1" "$D2" "$D3" "$D4" "$D5" "$D6" "$D7" "$D8"
check "the LRS holds 40 statements" [ "$(lrs_ids | wc -l)" = 40 ]
check "no secret in any output" no_secret "$T"/out*

# ---- the LRS process dies while a batch is on its way, and is restarted -------
# (in memory, a restarted LRS has lost what it held: only this folder's
# statements are checked against the new one)
D9=$T/d9
mkdir -p "$D9" && "$DRV" seed "$D9" STAFF-050 "$HOME_PAGE"
ctl '{"mode":"hold","delay":2000}'
sync_run "$D9" &
SYNC_PID=$!
sleep 0.7
kill "$LRS_PID"
wait "$SYNC_PID"
check "LRS died mid-batch: exit 1, nothing marked sent" [ "$(rc)/$(pending_count "$D9")" = 1/5 ]
check "LRS died mid-batch: the failure is reported" grep -q "the LRS answered HTTP 502" "$T/out"
start_lrs
wait_lrs
ctl '{"mode":"pass"}'
sync_run "$D9"
check "LRS restarted: exit 0" [ "$(rc)" = 0 ]
check "LRS restarted: each statement once" in_lrs_once "$D9"
check "LRS restarted: it holds just these 5" [ "$(lrs_ids | wc -l)" = 5 ]
check "invariant after the restart" invariant "$D9"

# ==== the player's background sync: a real scripted session ======================
# The example module (courses/example-module) as a physician (the page for
# heads of department is hidden: the module completes without it): 3
# questions and 1 scored scenario answered right, 1.5 s spent before the
# scenario, every page shown seen. 7 statements: attempted, 4 answered,
# passed, completed. The player gets the LRS from --lrs-config only; nobody
# calls --sync.
PKDIR=$T/packages
"$COURSEPACK" build courses/example-module -o "$PKDIR" >"$T/build.log" 2>&1
PKG=$PKDIR/example-module.fr.scorm2004.zip
check "coursepack builds the example module for the player" [ -f "$PKG" ]
GCONF=$T/gui.conf
umask 077
sed 's/^retries = .*/retries = 0/' "$CONF" >"$GCONF"
echo "retry_max_ms = 800" >>"$GCONF"
umask 022
# walk_script STAFF_ID FILE [LINE...]: the session, then the extra lines
walk_script() {
    local staff=$1 file=$2
    shift 2
    cat >"$file" <<EOF
# « Nouveau profil »: name (focused), staff id, no PIN, role "physician"
# (Enter on its card), then Enter in a field creates it; the module opens
key Tab
key Return
text Learner $staff
key Tab
text $staff
key Tab
key Tab
key Return
key shift+Tab
key Return
# page 4: the three questions (b; a+b; false), each submitted
key Right
key Right
key Right
key Tab
key Tab
key Return
key Tab
key Tab
key Return
key Tab
key Return
key Tab
key Return
key Tab
key Tab
key Return
key Tab
key Tab
key Return
key Tab
key Return
# page 5: the scored scenario, the right path
key Right
wait 1500
key Tab
key Tab
key Return
# the remaining pages to the summary
key Right
key Right
key Right
key Right
EOF
    printf '%s\n' "$@" >>"$file"
}
# gui DIR SCRIPT [OPTIONS...]: the player, headless, LRS configured
gui() {
    timeout 120 "$PLAYER" --headless --size 1280x800 --data "$1" --lrs-config "$GCONF" \
        --stats "${@:3}" "$PKG" --script "$2" >"$T/gui.out" 2>&1
    echo $? >"$T/rc"
}
# gui_library DIR NAME: the learner of DIR (the first profile) opens the
# library of every package built, waits, and the frame's text goes to
# $T/NAME.boxes (--boxes)
gui_library() {
    # Enter in the profile search opens the first (most recent) profile
    printf 'key Return\nwait 4000\nscreenshot %s\nquit\n' "$T/$2.png" >"$T/$2.txt"
    timeout 120 "$PLAYER" --headless --size 1280x800 --data "$1" --lrs-config "$GCONF" \
        --stats --boxes "$PKDIR" --script "$T/$2.txt" >"$T/gui.out" 2>&1
    echo $? >"$T/rc"
}
staff_count() {   # statements of this staff id in the LRS
    lrs_get "statements?limit=1000" | python3 -c '
import json, sys
print(sum(1 for s in json.load(sys.stdin)["statements"]
          if s["actor"].get("account", {}).get("name") == sys.argv[1]))' "$1"
}
outbox_count() { sqlite3 "$1/learners.db" "SELECT count(*) FROM outbox"; }

# ---- (a) LRS up: the session's results arrive on their own ------------------------
G1=$T/g1
mkdir -p "$G1"
walk_script STAFF-101 "$T/walk1.txt" "screenshot $T/g1-end.png" "wait 6000" quit
gui "$G1" "$T/walk1.txt"
cp "$T/gui.out" "$T/out-gui1"
check "session: the player ran the script to its end (exit 0, last screenshot)" \
    [ "$(rc)" = 0 -a -s "$T/g1-end.png" ]
check "session: 7 statements recorded" [ "$(outbox_count "$G1")" = 7 ]
check "session: outbox empty after the session, with no --sync" [ "$(pending_count "$G1")" = 0 ]
check "session: the background sync reported what it sent" \
    grep -q "wardplayer: background sync: sent [1-9]" "$T/out-gui1"
check "session: each statement in the LRS once" in_lrs_once "$G1"
check "session: the LRS holds exactly the 7 statements of the session" [ "$(staff_count STAFF-101)" = 7 ]
lrs_get "statements?limit=1000" >"$T/gui1.json"
all_ids "$G1" >"$T/g1.ids"
check "session: the LRS holds the expected statements (verbs, score, success, completion, duration, activity ids, account actor)" \
    python3 - "$T/gui1.json" "$HOME_PAGE" "$T/g1.ids" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1])); home = sys.argv[2]
ids = set(open(sys.argv[3]).read().split())
st = [s for s in d["statements"] if s["actor"].get("account", {}).get("name") == "STAFF-101"]
assert {s["id"] for s in st} == ids, "ids differ from the outbox"
by = {}
for s in st:
    by.setdefault(s["verb"]["id"].rsplit("/", 1)[1], []).append(s)
got = {v: len(l) for v, l in by.items()}
assert got == {"attempted": 1, "answered": 4, "passed": 1, "completed": 1}, got
act = home + "/activities/cp-example-module"
for s in st:
    assert s["actor"]["account"] == {"homePage": home, "name": "STAFF-101"}, s["actor"]
    assert s["actor"].get("name") == "Learner STAFF-101", s["actor"]
    assert "mbox" not in s["actor"]
    assert s["context"]["registration"] == by["attempted"][0]["context"]["registration"]
for v in ("attempted", "completed", "passed"):
    assert by[v][0]["object"]["id"] == act, by[v][0]["object"]
def seconds(d):   # ISO 8601 duration of wardplayer: PT[nH][nM][n[.n]S]
    m = re.match(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$", d)
    assert m, d
    return int(m[1] or 0) * 3600 + int(m[2] or 0) * 60 + float(m[3] or 0)
p = by["passed"][0]["result"]
assert p["success"] is True, p
assert p["score"] == {"scaled": 1, "raw": 100, "min": 0, "max": 100}, p["score"]
c = by["completed"][0]["result"]
assert c["completion"] is True, c
# the time spent in the module, the 1.5 s wait included
assert 1.5 <= seconds(p["duration"]) <= seconds(c["duration"]) < 120, (p, c)
ans = {s["object"]["id"][len(act) + 1:]: s for s in by["answered"]}
assert sorted(ans) == ["q-blind-spots", "q-lab-vs-ward", "q-what-aid-does", "sc-night-triage"], sorted(ans)
want = {"q-what-aid-does": "b", "q-blind-spots": "a[,]b", "q-lab-vs-ward": "false",
        "sc-night-triage": "b"}
for q, s in ans.items():
    assert s["object"]["id"] == act + "/" + q
    assert s["result"]["success"] is True, (q, s["result"])
    assert s["result"]["response"] == want[q], (q, s["result"])
    assert s["context"]["contextActivities"]["parent"][0]["id"] == act, s["context"]
assert "result" not in by["attempted"][0]
PY

# ---- --no-sync: the player keeps everything ---------------------------------------
G0=$T/g0
mkdir -p "$G0"
walk_script STAFF-100 "$T/walk0.txt" "wait 3000" quit
gui "$G0" "$T/walk0.txt" --no-sync
check "--no-sync: nothing sent (7 pending, none in the LRS)" \
    [ "$(rc)/$(pending_count "$G0")/$(staff_count STAFF-100)" = 0/7/0 ]

# ---- (b) LRS down during the session, up at the next start --------------------------
G2=$T/g2
mkdir -p "$G2"
ctl '{"mode":"down"}'
walk_script STAFF-102 "$T/walk2.txt" "wait 3000" "screenshot $T/g2-end.png" quit
gui "$G2" "$T/walk2.txt"
cp "$T/gui.out" "$T/out-gui2"
check "LRS down: the learner's session goes on (exit 0, screenshot after the tries)" \
    [ "$(rc)" = 0 -a -s "$T/g2-end.png" ]
check "LRS down: the background sync tried and kept them pending" \
    grep -q "wardplayer: background sync: sent 0, pending [1-9]" "$T/out-gui2"
check "LRS down: nothing marked sent (7 pending)" [ "$(pending_count "$G2")" = 7 ]
check "invariant with the LRS down" invariant "$G1" "$G2"
gui_library "$G2" lib-waiting
cp "$T/gui.out" "$T/out-gui2b"
check "LRS down: the library says 7 results wait to be sent" \
    grep -q "	Résultats en attente d’envoi : 7$" "$T/lib-waiting.boxes"
ctl '{"mode":"pass"}'
printf 'wait 4000\nquit\n' >"$T/idle.txt"
gui "$G2" "$T/idle.txt"
check "LRS up: the next start sends them (exit 0, outbox empty)" \
    [ "$(rc)/$(pending_count "$G2")" = 0/0 ]
check "LRS up at the next start: each statement once" in_lrs_once "$G2"
check "LRS up at the next start: exactly 7 in the LRS" [ "$(staff_count STAFF-102)" = 7 ]
gui "$G2" "$T/idle.txt"
check "a further start sends nothing again" [ "$(rc)/$(staff_count STAFF-102)" = 0/7 ]
ctl '{"mode":"down"}'
walk_script STAFF-105 "$T/walk5.txt" "wait 2000" quit
G5=$T/g5
mkdir -p "$G5"
gui "$G5" "$T/walk5.txt"
ctl '{"mode":"pass"}'
gui_library "$G5" lib-sent
check "LRS up: the library says the results were sent" \
    grep -q "	Résultats envoyés$" "$T/lib-sent.boxes"
check "LRS up: the library no longer says any wait" \
    bash -c "! grep -q 'en attente' '$T/lib-sent.boxes'"
check "library start: all sent once" [ "$(pending_count "$G5")/$(staff_count STAFF-105)" = 0/7 ]

# ---- (b') LRS down, then up while the player runs: a retry sends them ----------------
G3=$T/g3
mkdir -p "$G3"
ctl '{"mode":"down"}'
walk_script STAFF-103 "$T/walk3.txt" "screenshot $T/g3-walked.png" "wait 12000" quit
gui "$G3" "$T/walk3.txt" &
GUI_PID=$!
for _ in $(seq 1 100); do [ -s "$T/g3-walked.png" ] && break; sleep 0.1; done
sleep 3
check "LRS down while the player runs: all 7 pending" [ "$(pending_count "$G3")" = 7 ]
ctl '{"mode":"pass"}'
wait "$GUI_PID"
cp "$T/gui.out" "$T/out-gui3"
check "LRS back during the session: a retry sent them (exit 0, outbox empty)" \
    [ "$(rc)/$(pending_count "$G3")" = 0/0 ]
check "LRS back during the session: each statement once" in_lrs_once "$G3"
check "LRS back during the session: exactly 7 in the LRS" [ "$(staff_count STAFF-103)" = 7 ]

# ---- (c) the player killed (SIGKILL) while a batch is on its way ----------------------
G4=$T/g4
mkdir -p "$G4"
ctl '{"mode":"slow","delay":4000}'
before=$(curl -s "http://127.0.0.1:$PROXY_PORT/__stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"])')
walk_script STAFF-104 "$T/walk4.txt" "screenshot $T/g4-walked.png" "wait 30000" quit
timeout 120 "$PLAYER" --headless --data "$G4" --lrs-config "$GCONF" "$PKG" \
    --script "$T/walk4.txt" >"$T/out-gui4" 2>&1 &
GUI_PID=$!
for _ in $(seq 1 200); do
    now=$(curl -s "http://127.0.0.1:$PROXY_PORT/__stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"])')
    [ "$now" -gt "$before" ] && break
    sleep 0.1
done
sleep 1         # the LRS has the batch; its answer is held 4 s
kill -9 "$GUI_PID" 2>/dev/null
wait "$GUI_PID" 2>/dev/null
check "killed player: a batch was on its way" [ "$now" -gt "$before" ]
check "killed player: statements still pending" [ "$(pending_count "$G4")" -gt 0 ]
check "invariant after the kill" invariant "$G4"
ctl '{"mode":"pass"}'
gui "$G4" "$T/idle.txt"
check "after the kill, the next start sends the rest (exit 0, outbox empty)" \
    [ "$(rc)/$(pending_count "$G4")" = 0/0 ]
check "after the kill: each statement once" in_lrs_once "$G4"
check "after the kill: the LRS holds every statement of the session once" \
    [ "$(staff_count STAFF-104)" = "$(outbox_count "$G4")" ]
check "invariant over every player folder" invariant "$G0" "$G1" "$G2" "$G3" "$G4" "$G5"
check "no secret in the player's output" no_secret "$T"/out-gui*

finish
