#!/usr/bin/env bash
# wardplayer.exe (make windows) under Wine, headless, against the Linux
# player as the reference: the same scripted sessions — a learner « Hélène
# Dupré » in a folder « Formation IA », questions answered, a quit in the
# middle, a resumed attempt, a scenario played to its end — must record the
# same results in the store (learner, status, score, location, every answer)
# and export the same CSV and xAPI statements; --check on the hostile corpus
# must give the Linux verdicts and messages; a sync to a loopback LRS (the
# one tests/integration/lrs_sync.sh uses) sends every statement once; with no
# --data the store goes to %PROGRAMDATA%\wardplayer\data; reading aloud runs
# the program WARDPLAYER_ESPEAK names with the page's text; a frame drawn on
# Windows passes tools/check-layout. Prints "N passed, N failed, N skipped"
# (tests/lib.sh, through tests/e2e/wine.sh).
# sanitizers: no (wardplayer.exe is a MinGW build without them)
set -u
cd "$(dirname "$0")/../.."
# the player picks choices by their place here: every attempt shows them as
# written (tests/unit/test_shuffle.c tests the shuffled order)
export WARDPLAYER_SHUFFLE_SEED=0
BUILD=${BUILD:-build}
SUITE=windows_player
# both players take the interface language from LANG (os_ui_language)
export LANG=fr_FR.UTF-8
. tests/e2e/wine.sh
PLAYER=$BUILD/wardplayer
COURSEPACK=$BUILD/coursepack
[ -x "$PLAYER" ] && [ -x "$COURSEPACK" ] || skip_suite "$PLAYER and $COURSEPACK are needed (make)"
command -v sqlite3 >/dev/null || skip_suite "sqlite3 is missing (tools/install-deps)"
wine_setup

T=$(mktemp -d /tmp/windows_player.XXXXXX)
trap 'rm -rf "$T"' EXIT
WEXE=$(realpath "$WIN_EXE")

# ---- a module: two pages of questions and a scenario -----------------------------
mod="$T/Formation IA/module-essai"
mkdir -p "$mod"
cat >"$mod/module.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<module xmlns="urn:coursepack:module:1" id="essai-windows" version="1.0.0">
  <languages>fr</languages>
  <title xml:lang="fr">Essai sous Windows : réponses, reprise, scénario</title>
  <description xml:lang="fr">Des questions et une mise en situation, jouées par le lecteur Windows et par le lecteur Linux.</description>
  <keywords xml:lang="fr">essai</keywords>
  <duration minutes="10"/>
  <mastery score="50"/>
  <author>Tests de wardplayer</author>
</module>
EOF
cat >"$mod/01-accueil.fr.md" <<'EOF'
# Accueil

Ce module vérifie que le lecteur Windows enregistre ce que le lecteur Linux
enregistre : « Hélène » répond, s’interrompt, reprend.
EOF
for p in 1 2; do
    {
        echo "# Questions $p"
        for kind in single multiple; do
            echo
            echo "\`\`\`question id=q$p-$kind type=$kind"
            echo "Question $p ($kind) : que faites-vous ?"
            echo
            printf -- '- [x] Je vérifie.\n  > Oui.\n- [%s] Je préviens.\n  > Aussi.\n- [ ] J’attends.\n  > Non.\n' \
                "$([ $kind = multiple ] && echo x || echo ' ')"
            echo
            echo "À retenir : vérifier d’abord."
            echo "\`\`\`"
        done
    } >"$mod/0$((p + 1))-questions-$p.fr.md"
done
cat >"$mod/04-situation.fr.md" <<'EOF'
# Situation

```scenario id=sc1 scored=yes weight=1 title="Une alerte de l’outil"
# start
L’outil signale un risque élevé. Que faites-vous ?

- Vous examinez le patient. -> second
  > Bien.
- Vous suivez l’outil. -> second
  > Prudence.

# second
Le résultat diffère. Et ensuite ?

- Vous signalez l’écart. -> good
  > Bien.
- Vous ne dites rien. -> bad
  > Dommage.

# good end=correct
Bien joué.

# bad end=wrong
À revoir.
```
EOF
if "$COURSEPACK" build "$mod" -o "$T/Formation IA" >"$T/build.log" 2>&1; then
    ok "coursepack builds the test module into « Formation IA »"
else
    sed 's/^/    /' "$T/build.log"
    bad "coursepack builds the test module into « Formation IA »"
    finish
fi
PKG="$T/Formation IA/essai-windows.fr.scorm2004.zip"

# ---- the same sessions on Linux and on Windows -----------------------------------
# Profiles: Tab Return opens « Nouveau profil », whose name field has the
# focus, and Enter creates it; once it exists, Enter in the profile search
# (focused) opens the first profile. On a question page,
# Tab Return walks the choices then submits; a scenario step is chosen by
# Tab Return, twice to its end.
cat >"$T/session1" <<'EOF'
key Tab
key Return
text Hélène Dupré
key Return
key Right
key Tab
key Return
wait 20
key Tab
key Return
wait 20
key Tab
key Return
wait 20
key Tab
key Return
wait 20
key Tab
key Return
wait 20
key Tab
key Return
wait 20
key Tab
key Return
wait 20
key Tab
key Return
wait 20
quit
EOF
cat >"$T/session2" <<'EOF'
key Return
key Right
key Tab
key Return
wait 20
key Tab
key Return
wait 20
key Tab
key Return
wait 20
key Tab
key Return
wait 20
key Tab
key Return
wait 20
key Tab
key Return
wait 20
key Tab
key Return
wait 20
key Tab
key Return
wait 20
key Right
key Tab
key Return
wait 20
key Tab
key Return
wait 20
quit
EOF

play_linux() {  # data dir, script
    timeout 120 "$PLAYER" "$PKG" --headless --no-sync --data "$1" --script "$2" \
        >>"$T/linux.out" 2>&1
}
play_windows() {
    wrun "$WEXE" "$PKG" --headless --no-sync --data "$1" --script "$2" >>"$T/windows.out" 2>&1
}
LDATA="$T/linux/Formation IA/données"
WDATA="$T/windows/Formation IA/données"
mkdir -p "$LDATA" "$WDATA"
play_linux "$LDATA" "$T/session1"
check "Windows: the first session runs to its end (exit 0)" play_windows "$WDATA" "$T/session1"
check "Windows: the store is in « Formation IA/données »" [ -f "$WDATA/learners.db" ]

# What a session recorded, without the times and ids that differ by nature.
results() {
    sqlite3 -separator '|' "$1/learners.db" \
        "select l.name, a.package_id, a.lang, a.completion, a.success, a.score_raw, a.location,
                a.closed from attempts a join learners l on l.id = a.learner order by a.id;
         select a.package_id, s.item_id, s.type, s.response, s.result, s.weight
           from answers s join attempts a on a.id = s.attempt order by s.item_id;
         select count(*) from pages_seen;
         select count(*) from outbox;" 2>&1
}
results "$LDATA" >"$T/linux-1"
results "$WDATA" >"$T/windows-1"
check "after the interruption: the same results as on Linux" cmp -s "$T/linux-1" "$T/windows-1"
check "after the interruption: « Hélène Dupré » is stored in UTF-8" \
    grep -q '^Hélène Dupré|cp-essai-windows|fr|' "$T/windows-1"
check "after the interruption: answers were recorded" \
    [ "$(grep -c '^cp-essai-windows|q' "$T/windows-1")" -ge 2 ]

play_linux "$LDATA" "$T/session2"
check "Windows: the resumed session runs to its end" play_windows "$WDATA" "$T/session2"
results "$LDATA" >"$T/linux-2"
results "$WDATA" >"$T/windows-2"
check "after the resumed session and the scenario: the same results as on Linux" \
    cmp -s "$T/linux-2" "$T/windows-2"
diff "$T/linux-2" "$T/windows-2" | head -10 | sed 's/^/    /'
check "the resumed attempt went on (one attempt, more answers than before)" \
    bash -c "[ \$(grep -c '^Hélène' '$T/windows-2') = 1 ] &&
             [ \$(grep -c '^cp-essai-windows|' '$T/windows-2') -gt \$(grep -c '^cp-essai-windows|' '$T/windows-1') ]"
check "the scenario was played to an end (a correct path)" \
    grep -q '^cp-essai-windows|sc1|choice|.*|correct|' "$T/windows-2"

# ---- exports -----------------------------------------------------------------------
wrun "$WEXE" --data "$WDATA" --export "$WDATA/résultats.csv" >"$T/export.out" 2>&1
check "Windows: --export writes résultats.csv" [ -s "$WDATA/résultats.csv" ]
timeout 60 "$PLAYER" --data "$LDATA" --export "$LDATA/résultats.csv" >/dev/null 2>&1
# every column but the duration and the time of the last change
cut -d, -f1-11 "$LDATA/résultats.csv" >"$T/linux.csv"
cut -d, -f1-11 "$WDATA/résultats.csv" | tr -d '\r' >"$T/windows.csv"
check "the CSV export is the Linux one (but for times)" cmp -s "$T/linux.csv" "$T/windows.csv"
check "the CSV names « Hélène Dupré »" grep -q 'Hélène Dupré' "$T/windows.csv"
wrun "$WEXE" --data "$WDATA" --export "$WDATA/statements.json" >"$T/export.out" 2>&1
timeout 60 "$PLAYER" --data "$LDATA" --export "$LDATA/statements.json" >/dev/null 2>&1
# the verbs and objects of the statements, in order (ids, times and uuids differ)
verbs() {
    python3 -c 'import json,sys
for s in json.load(open(sys.argv[1])):
    r = s.get("result", {})
    print(s["actor"].get("name"), s["verb"]["id"].rsplit("/", 1)[-1],
          s["object"]["id"].rsplit("/", 1)[-1], r.get("success"), r.get("response"),
          (r.get("score") or {}).get("raw"))' "$1" 2>&1 | sort
}
verbs "$LDATA/statements.json" >"$T/linux-verbs"
verbs "$WDATA/statements.json" >"$T/windows-verbs"
check "the xAPI export holds the Linux statements (but for ids and times)" \
    bash -c "[ -s '$T/windows-verbs' ] && cmp -s '$T/linux-verbs' '$T/windows-verbs'"

# ---- --check on the hostile corpus --------------------------------------------------
python3 tools/make-hostile-corpus "$T/hostile" packages --no-bombs >/dev/null 2>&1
n=0
same=0
for zip in "$T"/hostile/packages/*.zip; do
    n=$((n + 1))
    lout=$(timeout 60 "$PLAYER" --check "$zip" 2>&1)
    lrc=$?
    wout=$(wrun "$WEXE" --check "$zip" 2>&1)
    wrc=$?
    if [ "$lrc/$lout" = "$wrc/$wout" ]; then
        same=$((same + 1))
    else
        echo "    $(basename "$zip"): Linux $lrc, Windows $wrc"
        diff <(echo "$lout") <(echo "$wout") | head -4 | sed 's/^/      /'
    fi
done
check "--check on $n hostile packages: the Linux verdict and message for each ($same same)" \
    test "$n" -gt 10 -a "$same" = "$n"

# ---- the default data folder ---------------------------------------------------------
cat >"$T/quick" <<'EOF'
wait 50
quit
EOF
wrun "$WEXE" "$PKG" --headless --no-sync --script "$T/quick" >"$T/default.out" 2>&1
check "with no --data, the store is %PROGRAMDATA%\\wardplayer\\data\\learners.db" \
    [ -f "$WINEPREFIX/drive_c/ProgramData/wardplayer/data/learners.db" ]

# ---- reading aloud: the program WARDPLAYER_ESPEAK names, fed the page -----------------
RECORDER_SRC=tests/e2e/win_recorder.c
if x86_64-w64-mingw32-gcc -O1 -o "$T/recorder.exe" "$RECORDER_SRC" 2>"$T/recorder.log"; then
    cat >"$T/speak" <<'EOF'
key Return
key F5
wait 1500
quit
EOF
    WARDPLAYER_ESPEAK="$(realpath "$T/recorder.exe")" WARDPLAYER_RECORD="$T/said.txt" \
        wrun "$WEXE" "$PKG" --headless --no-data --script "$T/speak" >"$T/speak.out" 2>&1
    check "F5 runs the speech program with the page's text in UTF-8 (« Hélène »)" \
        grep -q 'Hélène' "$T/said.txt"
    check "the speech program is given the module's voice (-v fr)" grep -qx 'args: -v fr' "$T/said.txt"
else
    sed 's/^/    /' "$T/recorder.log"
    bad "the recorder for the read-aloud test builds"
fi

# ---- a frame drawn on Windows passes the layout checks -----------------------------
mkdir -p "$BUILD/windows-screens"
SHOT="$PWD/$BUILD/windows-screens/page1.png"
rm -f "$SHOT"
cat >"$T/shot" <<EOF
key Return
key Right
screenshot $SHOT
quit
EOF
wrun "$WEXE" "$PKG" --headless --no-data --boxes --size 1280x800 --script "$T/shot" \
    >"$T/shot.out" 2>&1
check "Windows: a screenshot of a question page is written" [ -s "$SHOT" ]
if [ -s "$SHOT" ]; then
    if python3 tools/check-layout "$SHOT" >"$T/layout.out" 2>&1; then
        ok "Windows: the question page passes tools/check-layout"
    else
        sed 's/^/    /' "$T/layout.out" | head -10
        bad "Windows: the question page passes tools/check-layout"
    fi
fi

# ---- sync to the loopback LRS ----------------------------------------------------------
SERVER=tests/lrs/node_modules/xapi-statements/dist/server.js
if [ -f "$SERVER" ] && command -v node >/dev/null; then
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    mkdir -p "$T/lrs"
    (cd "$T/lrs" && exec env MODELS_REPO=memory STORAGE_REPO=local AUTH_REPO=test EVENTS_REPO=test \
        EXPRESS_PORT=$PORT FS_LOCAL_STORAGE_DIR="$T/lrs/storage" \
        EXPRESS_MORGAN_DIRECTORY="$T/lrs/logs" WINSTON_CONSOLE_LEVEL=error \
        timeout 600 node "$OLDPWD/$SERVER") >"$T/lrs.log" 2>&1 &
    LRS_PID=$!
    for _ in $(seq 1 100); do
        curl -s -o /dev/null "http://127.0.0.1:$PORT/xAPI/about" && break
        sleep 0.1
    done
    pending() { sqlite3 "$WDATA/learners.db" 'select count(*) from outbox where sent_at is null'; }
    before=$(pending)
    # the LRS file's rule on Windows: Wine gives a file the access list its
    # mode describes (0644: Everyone may read), so both verdicts show here
    CONF="$T/Formation IA/lrs.conf"
    printf 'endpoint = http://127.0.0.1:%s/xAPI/\nusername = ward-pc\npassword = pw-%s\n' \
        "$PORT" "$RANDOM$RANDOM" >"$CONF"
    chmod 644 "$CONF"
    wrun "$WEXE" --data "$WDATA" --sync --lrs-config "$CONF" >"$T/sync-open.out" 2>&1
    rc=$?
    check "Windows --sync refuses an LRS file others can read (exit 1, says who and the icacls fix)" \
        bash -c "[ $rc != 0 ] && grep -q 'lrs.conf: error: readable or writable by' '$T/sync-open.out' &&
                 grep -q 'icacls' '$T/sync-open.out' && [ \$(sqlite3 '$WDATA/learners.db' 'select count(*) from outbox where sent_at is null') = $before ]"
    chmod 600 "$CONF"
    wrun "$WEXE" --data "$WDATA" --sync --lrs-config "$CONF" >"$T/sync.out" 2>&1
    rc=$?
    sed 's/^/    /' "$T/sync.out" | head -5
    in_lrs=$(curl -s -u ward-pc:x -H 'X-Experience-API-Version: 1.0.3' \
        "http://127.0.0.1:$PORT/xAPI/statements?limit=500" |
        python3 -c 'import json,sys; print(len(json.load(sys.stdin)["statements"]))' 2>/dev/null)
    check "Windows --sync with a private LRS file: exit 0, nothing left pending ($before statements)" \
        [ "$rc/$(pending)" = 0/0 ]
    check "Windows --sync: the LRS holds each statement once ($in_lrs of $before)" \
        test "$before" -gt 0 -a "$in_lrs" = "$before"
    check "no password in the player's output" bash -c "! grep -q 'pw-' '$T'/sync*.out"
    kill "$LRS_PID" 2>/dev/null
    wait "$LRS_PID" 2>/dev/null
else
    bad "the loopback LRS is installed (tests/lrs/node_modules: tools/install-deps)"
fi

finish
