#!/usr/bin/env bash
# A learner's right to erasure on a shared PC, and retention (issue 14,
# item 6). `wardplayer --forget LEARNER` asks what to do with the statements
# not yet sent (send them, export them, or drop them) and whether to go on;
# without a terminal it needs --pending and --yes. Afterwards nothing of the
# learner is left in the store's bytes (file and WAL), nor in the set-aside
# list, while the other learners keep everything. retention_days in the
# administrator's settings removes finished attempts older than that, once
# every statement of theirs is sent, at the player's start and after --sync.
source "$(dirname "$0")/store_lib.bash"
make_module

seed() {            # DATA: Alice (q1, the scenario), Bruno (q1), both unsent
    { login_new "Alice Martin"; answer_first; printf 'key Right\n'; step_first; echo quit; } >"$T/a.txt"
    { login_new "Bruno Petit";
      answer_second; echo quit; } >"$T/b.txt"
    run_player "$1" "$T/a.txt" || not_ok "seeding Alice" "$(cat "$T/out")"
    run_player "$1" "$T/b.txt" || not_ok "seeding Bruno" "$(cat "$T/out")"
}
holds() {           # DATA NEEDLE: the store's bytes (file and WAL) hold it
    cat "$1"/learners.db "$1"/learners.db-wal 2>/dev/null | grep -qaF -- "$2"
}
WP() { "$PLAYER" --data "$D" "$@" >"$T/out" 2>&1 </dev/null; }

D=$T/data
seed "$D"
alice_pending=$(q "$D/learners.db" "select count(*) from outbox o join attempts a on a.id = o.attempt
                                    join learners l on l.id = a.learner
                                    where l.name = 'Alice Martin' and o.sent_at is null")
check "Alice has statements waiting ($alice_pending)" [ "$alice_pending" -ge 3 ]
check "the store holds Alice's name before" holds "$D" "Alice Martin"

# no terminal, no decision: nothing is removed
WP --forget "Alice Martin"
rc=$?
if [ $rc = 2 ] && grep -q -- "--pending send, --pending export FILE.json or --pending discard" "$T/out" &&
    [ "$(q "$D/learners.db" "select count(*) from learners")" = 2 ]; then
    ok "--forget without a terminal asks for --pending and removes nothing"
else
    not_ok "--forget without a terminal asks for --pending and removes nothing (exit $rc)" "$(cat "$T/out")"
fi
WP --forget "Alice Martin" --pending discard
rc=$?
if [ $rc = 2 ] && grep -q -- "--yes" "$T/out" && [ "$(q "$D/learners.db" "select count(*) from learners")" = 2 ]; then
    ok "--forget without a terminal needs --yes too"
else
    not_ok "--forget without a terminal needs --yes too (exit $rc)" "$(cat "$T/out")"
fi
WP --forget "Nobody Here" --pending discard --yes
rc=$?
check "--forget of an unknown learner exits 1 and says so" \
    eval '[ $rc = 1 ] && grep -q "no profile named" "$T/out"'

# export first, then forget
WP --forget "alice martin" --pending export "$T/alice.json" --yes
rc=$?
exported=$(python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))
print(len(a), len({s["actor"]["name"] for s in a}), a[0]["actor"]["name"])' "$T/alice.json" 2>&1)
if [ $rc = 0 ] && [ "$exported" = "$alice_pending 1 Alice Martin" ]; then
    ok "--pending export writes Alice's $alice_pending waiting statements, hers only"
else
    not_ok "--pending export writes Alice's waiting statements, hers only (exit $rc)" \
        "$exported $(cat "$T/out")"
fi
left=$(q "$D/learners.db" "select group_concat(name) from learners")
check "Alice is removed, Bruno stays" [ "$left" = "Bruno Petit" ]
check "Bruno keeps his answer and statements" \
    [ "$(q "$D/learners.db" "select count(*) from answers") $(q "$D/learners.db" "select count(*) > 0 from outbox")" = "1 1" ]
account=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["actor"]["account"]["name"])' \
    "$T/alice.json" 2>/dev/null || echo none)
if holds "$D" "Alice Martin" || holds "$D" "$account"; then
    not_ok "nothing of Alice is left in the store's bytes (file and WAL)"
else
    ok "nothing of Alice is left in the store's bytes (file and WAL)"
fi
check "the store is sound afterwards" [ "$(q "$D/learners.db" 'pragma integrity_check')" = ok ]

# at a terminal: the questions are asked (python's pty plays the administrator)
D=$T/tty
seed "$D"
python3 - "$PLAYER" "$D" "$T/tty.json" >"$T/tty.out" 2>&1 <<'PY'
import os, pty, sys, time
player, data, out = sys.argv[1:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(player, [player, "--data", data, "--forget", "Bruno Petit"])
buf = b""
def wait_for(text):
    global buf
    end = time.time() + 30
    while text not in buf and time.time() < end:
        try:
            buf += os.read(fd, 4096)
        except OSError:
            break
    return text in buf
ok = wait_for(b"[c]ancel?")
os.write(fd, b"e\n")
ok = ok and wait_for(b"file (.json):")
os.write(fd, out.encode() + b"\n")
ok = ok and wait_for(b"[y/N]")
os.write(fd, b"y\n")
wait_for(b"removed")
_, status = os.waitpid(pid, 0)
print(buf.decode(errors="replace"))
sys.exit(0 if ok and os.WEXITSTATUS(status) == 0 else 1)
PY
rc=$?
if [ $rc = 0 ] && [ "$(q "$D/learners.db" "select group_concat(name) from learners")" = "Alice Martin" ] &&
    [ -s "$T/tty.json" ]; then
    ok "at a terminal --forget asks about the waiting statements, exports them, asks to confirm"
else
    not_ok "at a terminal --forget asks about the waiting statements, exports them, asks to confirm" \
        "$(cat "$T/tty.out")"
fi

# send first: a small LRS on loopback acknowledges every statement
PORT_FILE=$T/port
python3 - "$PORT_FILE" "$T/lrs.log" <<'PY' &
import http.server, json, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with open(sys.argv[2], "a") as f:
            for s in body:
                f.write(s["actor"]["name"] + "\n")
        out = json.dumps([s["id"] for s in body]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)
    def log_message(self, *a):
        pass
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1], "w").write(str(srv.server_address[1]))
srv.serve_forever()
PY
lrs=$!
for _ in $(seq 1 100); do [ -s "$PORT_FILE" ] && break; sleep 0.05; done
printf 'endpoint = http://127.0.0.1:%s/xAPI/\nusername = u\npassword = p\nretries = 0\n' \
    "$(cat "$PORT_FILE")" >"$T/lrs.conf"
chmod 600 "$T/lrs.conf"
D=$T/send
seed "$D"
WP --forget "Alice Martin" --pending send --lrs-config "$T/lrs.conf" --yes
rc=$?
kill $lrs 2>/dev/null
wait $lrs 2>/dev/null
if [ $rc = 0 ] && grep -q "Alice Martin" "$T/lrs.log" &&
    [ "$(q "$D/learners.db" "select group_concat(name) from learners")" = "Bruno Petit" ]; then
    ok "--pending send sends the waiting statements to the LRS first, then forgets"
else
    not_ok "--pending send sends the waiting statements to the LRS first, then forgets (exit $rc)" \
        "$(cat "$T/out")"
fi

# ---- retention ----------------------------------------------------------------------------
D=$T/retention
seed "$D"
q "$D/learners.db" "update attempts set updated = '2020-01-01T00:00:00Z', completion = 'completed';
                    update outbox set sent_at = '2020-01-02T00:00:00Z'
                    where attempt = (select a.id from attempts a join learners l on l.id = a.learner
                                     where l.name = 'Alice Martin')" >/dev/null
printf 'retention_days = 365\n' >"$T/ward.conf"
chmod 600 "$T/ward.conf"
echo quit >"$T/quit.txt"
run_player "$D" "$T/quit.txt" --config "$T/ward.conf"
rc=$?
kept=$(q "$D/learners.db" "select group_concat(l.name) from attempts a join learners l on l.id = a.learner")
if [ $rc = 0 ] && [ "$kept" = "Bruno Petit" ] && grep -q "retention: removed 1 finished" "$D/wardplayer.log"; then
    ok "retention_days: the old finished attempt, all sent, leaves at start; the one still waiting stays"
else
    not_ok "retention_days: the old finished attempt, all sent, leaves at start; the one still waiting stays (exit $rc)" \
        "$kept $(cat "$T/out" "$D/wardplayer.log" 2>/dev/null)"
fi
finish
