#!/usr/bin/env bash
# xAPI sync against Learning Locker's statement service (npm xapi-statements
# 5.0.1, in memory, on loopback) behind a fault-injecting proxy
# (tests/lrs/proxy.mjs). A scripted session's results are recorded through
# the store API (build/tests/test_sync seed), sent with wardplayer's admin
# entry points (test_sync cli = admin_cli_run), and read back with GET
# /xAPI/statements. Faults: LRS down then up, answers lost after the LRS
# stored a batch, 500, one statement refused with 400, the sync killed
# mid-request, and the USB path (--export --pending, --sync-file twice).
# After each: every statement is in the LRS exactly once and no statement is
# marked sent that the LRS does not have. Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
DRV=$BUILD/tests/test_sync
SERVER=tests/lrs/node_modules/xapi-statements/dist/server.js
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

if [ ! -x "$DRV" ] || [ ! -f "$SERVER" ] || ! command -v node >/dev/null ||
   ! command -v python3 >/dev/null || ! command -v sqlite3 >/dev/null; then
    echo "lrs_sync: needs $DRV, node, python3, sqlite3 and tests/lrs/node_modules" \
         "(tools/install-deps runs npm ci there)"
    echo "0 passed, 1 failed"
    exit 1
fi

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
        timeout 600 node "$OLDPWD/$SERVER") >>"$T/lrs.log" 2>&1 &
    LRS_PID=$!
    pids+=($LRS_PID)
}
start_lrs
timeout 600 node tests/lrs/proxy.mjs "$PROXY_PORT" "$LRS_PORT" "$USERNAME:$PASSWORD" \
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
    echo "lrs_sync: the LRS did not start:"; tail -20 "$T/lrs.log"
    echo "0 passed, 1 failed"; exit 1
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

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
