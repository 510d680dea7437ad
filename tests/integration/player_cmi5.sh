#!/usr/bin/env bash
# wardplayer and cmi5 packages: the package reader reads cmi5.xml, so
# `coursepack validate`, `wardplayer --check` and the player agree on a cmi5
# course; the player plays our cmi5 package (the example module, French) as
# it plays the SCORM one, and its results reach the LRS (Learning Locker's
# statement service, in memory on loopback) in cmi5's profile: a session
# from opening to quitting (initialized ... terminated), answered as cmi5
# allowed, completed and passed cmi5 defined, each with the registration,
# the session id and the AU's publisher id. The curriculum (one cmi5 course
# of several modules) is one library entry per module. Prints
# "N passed, N failed, N skipped" (tests/lib.sh).
set -u
cd "$(dirname "$0")/../.."
# the player picks choices by their place here: every attempt shows them as
# written (tests/unit/test_shuffle.c tests the shuffled order)
export WARDPLAYER_SHUFFLE_SEED=0
BUILD=${BUILD:-build}
PLAYER=$BUILD/wardplayer
COURSEPACK=$BUILD/coursepack
SERVER=tests/lrs/node_modules/xapi-statements/dist/server.js
export LSAN_OPTIONS="suppressions=$PWD/tests/e2e/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
. tests/lib.sh
bad() { not_ok "$@"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

for tool in node python3 curl; do
    need $tool "cmi5 packages played and sent to a loopback LRS" || finish
done
for f in "$PLAYER" "$COURSEPACK"; do
    [ -x "$f" ] || { not_ok "$f is built (make)"; finish; }
done
if [ ! -f "$SERVER" ]; then
    # the npm packages are what tools/install-deps installs: a failure in CI
    if [ "${CI:-}" = true ]; then
        not_ok "the loopback LRS is installed ($SERVER: tools/install-deps runs npm ci in tests/lrs)"
    else
        skip "cmi5 packages sent to a loopback LRS" "no $SERVER; tools/install-deps runs npm ci in tests/lrs"
    fi
    finish
fi
T=$(mktemp -d /tmp/player_cmi5.XXXXXX)
LRS_PID=
cleanup() { [ -n "$LRS_PID" ] && kill "$LRS_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT

# ---- one verdict on a cmi5 course ---------------------------------------------------
PK=$T/packages
"$COURSEPACK" build courses/example-module -o "$PK" -q --format cmi5 --lang fr &&
    mkdir -p "$T/cur" && cp -r courses/example-module courses/ai-never-neutral "$T/cur/" &&
    printf 'ai-never-neutral\nexample-module\n' >"$T/cur/curriculum.txt" &&
    "$COURSEPACK" build --curriculum "$T/cur/curriculum.txt" --lang fr -o "$T/curpk" -q
PKG=$PK/example-module.fr.cmi5.zip
check "coursepack builds the example module and a curriculum as cmi5" [ -f "$PKG" -a -f "$T/curpk/curriculum.fr.cmi5.zip" ]
"$COURSEPACK" validate "$PKG" "$T/curpk/curriculum.fr.cmi5.zip" >"$T/v.out" 2>&1; rc=$?
check "coursepack validate: both are valid cmi5 course packages" \
    eval '[ $rc = 0 ] && [ "$(grep -c "valid cmi5 course package (0 warning(s))" "$T/v.out")" = 2 ]'
"$PLAYER" --check "$PKG" >"$T/c.out" 2>&1; rc=$?
check "wardplayer --check agrees" eval '[ $rc = 0 ]' || cat "$T/c.out"
mkdir -p "$T/broken" && (cd "$T/broken" && unzip -q "$PKG" && rm index.html)
"$COURSEPACK" validate "$T/broken" >"$T/v2.out" 2>&1; v_rc=$?
"$PLAYER" --check "$T/broken" >"$T/c2.out" 2>&1; c_rc=$?
check "an AU whose page is missing: validate and --check both refuse it, with the same words" \
    eval '[ $v_rc = 1 ] && [ $c_rc = 1 ] && grep -qF "launches '"'"'index.html'"'"', which is not in the folder" "$T/v2.out" && grep -qF "launches '"'"'index.html'"'"', which is not in the folder" "$T/c2.out"'

# ---- the LRS ------------------------------------------------------------------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
LRS_PORT=$(free_port)
mkdir -p "$T/lrs"
(cd "$T/lrs" && exec env MODELS_REPO=memory STORAGE_REPO=local AUTH_REPO=test EVENTS_REPO=test \
    EXPRESS_PORT=$LRS_PORT FS_LOCAL_STORAGE_DIR="$T/lrs/storage" EXPRESS_MORGAN_DIRECTORY="$T/lrs/logs" \
    WINSTON_CONSOLE_LEVEL=error timeout 900 node "$OLDPWD/$SERVER") >"$T/lrs.log" 2>&1 &
LRS_PID=$!
LRS="http://127.0.0.1:$LRS_PORT/xAPI"
lrs_get() { curl -s -m 10 -u "ward:pc" -H 'X-Experience-API-Version: 1.0.3' "$LRS/$1"; }
for _ in $(seq 1 600); do lrs_get about | grep -q version && break; sleep 0.1; done
if ! lrs_get about | grep -q version; then
    bad "the LRS (xapi-statements) started"; tail -20 "$T/lrs.log"
    finish
fi
HOME_PAGE=https://chu-exemple.fr
umask 077
printf 'endpoint = %s/\nusername = ward\npassword = pc-secret\nhome_page = %s\nretries = 0\nretry_max_ms = 800\n' \
    "$LRS" "$HOME_PAGE" >"$T/lrs.conf"
umask 022

# ---- a session in the player, as lrs_sync.sh plays the SCORM package -----------------------
# New profile (physician), the module opens; the three questions of page 4
# and the scenario of page 5 answered right; every page to the summary;
# quit (the session ends: terminated), then --sync sends what is left.
cat >"$T/walk.txt" <<'EOF'
key Tab
key Return
text Learner CMI5-1
key Tab
text CMI5-1
key Tab
key Tab
key Return
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
key Right
wait 1500
key Tab
key Tab
key Return
key Tab
key Return
key Right
key Right
key Right
key Right
quit
EOF
D=$T/data
mkdir -p "$D"
timeout 120 "$PLAYER" --headless --size 1280x800 --data "$D" --lrs-config "$T/lrs.conf" \
    "$PKG" --script "$T/walk.txt" >"$T/gui.out" 2>&1; rc=$?
check "the player played the cmi5 package to the end of the script (exit 0)" eval '[ $rc = 0 ]' || tail -5 "$T/gui.out"
timeout 120 "$PLAYER" --sync --data "$D" --lrs-config "$T/lrs.conf" >"$T/sync.out" 2>&1
check "wardplayer --sync: nothing left to send" grep -q "pending 0, set aside 0" "$T/sync.out" || cat "$T/sync.out"
lrs_get "statements?limit=1000" >"$T/all.json"
MASTERY=$(sed -n 's/.*<mastery score="\([0-9]*\)".*/\1/p' courses/example-module/module.xml)
check "the LRS holds the session in cmi5's profile" python3 - "$T/all.json" "$HOME_PAGE" "$MASTERY" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); home = sys.argv[2]; mastery = int(sys.argv[3]) / 100
st = [s for s in d["statements"] if s["actor"].get("account", {}).get("name") == "CMI5-1"]
st.sort(key=lambda s: (s["timestamp"], s["stored"]))
verbs = [s["verb"]["id"].rsplit("/", 1)[1] for s in st]
assert verbs[0] == "initialized" and verbs[-1] == "terminated", verbs
assert sorted(verbs) == sorted(["initialized", "answered", "answered", "answered", "answered",
                                "completed", "passed", "terminated"]), verbs
CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon"
SID = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
act = home + "/activities/cp-example-module"
reg = st[0]["context"]["registration"]
sid = st[0]["context"]["extensions"][SID]
for s, v in zip(st, verbs):
    c = s["context"]
    assert c["registration"] == reg, c
    assert c["extensions"][SID] == sid, c
    assert [a["id"] for a in c["contextActivities"]["grouping"]] == ["urn:coursepack:au:example-module:fr"], c
    cats = [a["id"] for a in c["contextActivities"].get("category", [])]
    if v == "answered":
        assert CMI5 not in cats, (v, cats)           # cmi5 allowed
        assert s["object"]["id"].startswith(act + "/"), s["object"]
    else:
        assert CMI5 in cats, (v, cats)               # cmi5 defined
        assert s["object"]["id"] == act, s["object"]
        assert (MOVEON in cats) == (v in ("completed", "passed")), (v, cats)
p = st[verbs.index("passed")]
assert p["result"]["success"] is True and "completion" not in p["result"], p["result"]
assert p["result"]["score"]["raw"] == 100 and isinstance(p["result"]["score"]["raw"], int), p["result"]
assert p["context"]["extensions"]["https://w3id.org/xapi/cmi5/context/extensions/masteryscore"] == mastery, (mastery, p["context"])
assert st[verbs.index("completed")]["result"]["completion"] is True
t = st[-1]["result"]
assert t["duration"].startswith("PT"), t
assert "extensions" not in t, t                      # completed: no progress
PY

# ---- the curriculum: one library entry per module -----------------------------------------------
mkdir -p "$T/lib"
cp "$T/curpk/curriculum.fr.cmi5.zip" "$T/lib/"
# Enter in the profile search opens the first profile, then the library
printf 'key Return\nwait 1000\nscreenshot %s\nquit\n' "$T/lib.png" >"$T/lib.txt"
timeout 120 "$PLAYER" --headless --size 1280x800 --data "$D" --no-sync --boxes "$T/lib" \
    --script "$T/lib.txt" >"$T/lib.out" 2>&1
check "the curriculum's library screen was drawn" [ -s "$T/lib.boxes" ] || tail -5 "$T/lib.out"
check "the library lists each module of the curriculum, by its title" \
    eval 'grep -q "L’outil n’est jamais neutre" "$T/lib.boxes" && grep -q "$(sed -n "s/.*<title xml:lang=\"fr\">\(.*\)<\/title>.*/\1/p" courses/example-module/module.xml | head -1)" "$T/lib.boxes"'
check "  and never names the format to the learner (no cmi5, no SCORM; the learner's name aside)" \
    eval '! grep -v "CMI5-1" "$T/lib.boxes" | grep -qiE "cmi5|scorm"'
# the first AU opened from the library: its pages and its images come from
# its folder of the course package
{ printf 'key Return\nwait 300\nkey Tab\nkey Return\nwait 300\n'
  for k in 1 2 3 4 5 6 7 8 9 10; do printf 'screenshot %s/au%s.png\nkey Right\nwait 100\n' "$T" "$k"; done
  echo quit; } >"$T/au.txt"
timeout 120 "$PLAYER" --headless --size 1280x800 --data "$D" --no-sync --boxes "$T/lib" \
    --script "$T/au.txt" >"$T/au.out" 2>&1
check "an AU of the curriculum plays as ours: its pages, and its figure read from its folder" \
    eval 'grep -q "Page 1 sur" "$T/au1.boxes" && cat "$T"/au*.boxes | grep -q "^image "'

finish
