# store_lib.bash: what the learner-store integration tests share (sourced,
# not a suite: tests/run runs tests/integration/*.sh only). It builds one
# small module (a question worth 1, a scenario worth 2 whose endings are
# correct or partial, a question worth 1), runs the real wardplayer headless
# with --boxes, and reads back what a frame showed as one line of text.
# Each test ends with "N passed, N failed, N skipped" (tests/lib.sh).
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# the player picks choices by their place here: every attempt shows them as
# written (tests/unit/test_shuffle.c tests the shuffled order)
export WARDPLAYER_SHUFFLE_SEED=0
BUILD=${BUILD:-build}
PLAYER=$PWD/$BUILD/wardplayer
CP=$PWD/$BUILD/coursepack
# counting: tests/lib.sh (ok, not_ok, skip, need, finish)
. tests/lib.sh
check() {           # check NAME COMMAND...: ok when the command succeeds
    local name=$1
    shift
    if "$@"; then ok "$name"; else not_ok "$name"; fi
}

for tool in "$PLAYER" "$CP"; do
    [ -x "$tool" ] || { not_ok "no $tool (make tools first)"; finish; }
done
need sqlite3 "the learner store read back with sqlite3" || finish

T=$(mktemp -d)
chmod 755 "$T"
trap 'store_lib_cleanup' EXIT
STORE_LIB_MOUNTS=()
store_lib_cleanup() {
    local m
    for m in "${STORE_LIB_MOUNTS[@]}"; do umount "$m" 2>/dev/null; done
    # a test may leave a player or a lock holder behind after a failure
    jobs -p | xargs -r kill 2>/dev/null
    rm -rf "$T"
}
export HOME=$T/home XDG_DATA_HOME=$T/home/share LANG=C.UTF-8
mkdir -p "$HOME"
chmod 777 "$HOME"
export LSAN_OPTIONS="suppressions=$PWD/tests/e2e/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
SANITIZED=0
if [ "${SANITIZE:-}" = 1 ] || [[ $BUILD == *asan* ]]; then SANITIZED=1; fi
# a sanitized player starts in seconds: waits that let a second process act scale up
SLOW=1
[ $SANITIZED = 1 ] && SLOW=4

# ---- the module ---------------------------------------------------------------
make_module() {
    local mod=$T/store-trust
    mkdir -p "$mod"
    cat >"$mod/module.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<module xmlns="urn:coursepack:module:1" id="store-trust" version="1.0.0">
  <languages>fr</languages>
  <title xml:lang="fr">Module d’essai du stockage</title>
  <description xml:lang="fr">Des questions et une mise en situation pour éprouver l’enregistrement des réponses.</description>
  <keywords xml:lang="fr">essai</keywords>
  <duration minutes="5"/>
  <mastery score="50"/>
  <author>Tests de wardplayer</author>
</module>
EOF
    local n
    for n in 1 2; do
        cat >"$mod/0$((n == 1 ? 1 : 3))-question-$n.fr.md" <<EOF
# Question $n

\`\`\`question id=q$n type=single
Question numéro $n ?

- [x] Un.
  > Oui.
- [ ] Deux.
  > Non.

À retenir.
\`\`\`
EOF
    done
    cat >"$mod/02-situation.fr.md" <<'EOF'
# Situation

```scenario id=sc1 scored=yes weight=2 title="Situation"
# start
Que faites-vous ?

- Vous vérifiez tout. -> good
  > Bien.
- Vous vérifiez à moitié. -> half
  > Pas tout à fait.

# good end=correct
Bien joué, tout est vérifié.

# half end=partial
Vous avez vérifié la moitié des points.
```
EOF
    if ! "$CP" build "$mod" -o "$T/pkg" >"$T/build.log" 2>&1; then
        not_ok "the test module builds" "$(cat "$T/build.log")"
        finish
    fi
    PKG=$T/pkg/store-trust.fr.scorm2004.zip
}

# ---- scripts: the page order is q1 (page 1), scenario (page 2), q2 (page 3) ----
# On a page, Tab walks the targets: a question's choices, then its submit
# button; Return activates.
login_new() {       # a new profile named $1: « Nouveau profil » (after the search
                    # field), its name field has the focus, Enter creates it
    printf 'key Tab\nkey Return\ntext %s\nkey Return\nwait 50\n' "$1"
}
login_first() {     # the first profile of the list: Enter in the search field
    printf 'key Return\nwait 50\n'
}
answer_first() {    # the page's question: the first choice (right), submitted
    printf 'key Tab\nkey Return\nkey Tab\nkey Tab\nkey Return\nwait 20\n'
}
answer_second() {   # the second choice (wrong), submitted
    printf 'key Tab\nkey Tab\nkey Return\nkey Tab\nkey Return\nwait 20\n'
}
step_first() { printf 'key Tab\nkey Return\nwait 20\n'; }
step_second() { printf 'key Tab\nkey Tab\nkey Return\nwait 20\n'; }

# ---- running the player -------------------------------------------------------
run_player() {      # run_player DATA SCRIPT [args...]: output in $T/out, status returned
    local data=$1 script=$2
    shift 2
    timeout $((60 * SLOW)) "$PLAYER" --headless "$PKG" --data "$data" --boxes \
        --script "$script" "$@" >"$T/out" 2>&1
}

# The text a frame drew (from X.boxes beside X.png), runs joined by spaces.
screen_text() {
    [ -f "$1" ] || { echo "(no frame $1)"; return; }
    # no-break spaces (French typography) read as spaces; wardplayer.exe
    # writes its dump with CRLF line ends
    grep '^text ' "$1" | cut -f2- | tr -d '\r' | tr '\n' ' ' | sed 's/\xc2\xa0/ /g; s/\xe2\x80\xaf/ /g' |
        tr -s ' '
}
# has_text FRAME.boxes WORDS: the frame shows WORDS (across line breaks)
has_text() { screen_text "$1" | grep -qF -- "$2"; }

# Words a learner must never read: SQL, SQLite's own messages, paths, English.
TECH_WORDS='database|sqlite|BEGIN|COMMIT|PRAGMA|journal|disk I/O|cannot|locked|error|/tmp/|learners\.db'
clean_text() { ! screen_text "$1" | grep -qiE -- "$TECH_WORDS"; }

q() { sqlite3 -bail "$1" "$2" 2>&1; }
