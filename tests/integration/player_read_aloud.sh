#!/usr/bin/env bash
# Reading aloud (F5), through the real event loop, headless. The speech
# program is replaced by a recorder (WARDPLAYER_ESPEAK, the test/admin hook):
# it keeps its arguments and what it read on stdin, then "speaks" until it is
# stopped, noting when. Checked: the current page's text in reading order
# (title, paragraphs, an image's alternative text, the question and its
# choices), without markup; the French voice for a French package, the
# English one for an English package; F5 again stops the reading; turning
# the page stops it. Then once with the real espeak-ng writing a WAV.
# Ends with "N passed, N failed, N skipped" (tests/lib.sh).
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
# the player picks choices by their place here: every attempt shows them as
# written (tests/unit/test_shuffle.c tests the shuffled order)
export WARDPLAYER_SHUFFLE_SEED=0
BUILD=${BUILD:-build}
PLAYER=$BUILD/wardplayer
COURSEPACK=$BUILD/coursepack
OUT=$BUILD/read-aloud
TMP=$(mktemp -d)
export LSAN_OPTIONS="suppressions=$PWD/tests/e2e/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
trap 'rm -rf "$TMP"' EXIT
rm -rf "$OUT"
mkdir -p "$OUT"

if [ ! -x "$PLAYER" ] || [ ! -x "$COURSEPACK" ]; then
    ko "wardplayer and coursepack are built"
    finish
fi
if "$COURSEPACK" build courses/example-module -o "$OUT/packages" >"$TMP/build.log" 2>&1; then
    ok "coursepack builds the example module"
else
    sed 's/^/    /' "$TMP/build.log"
    ko "coursepack builds the example module"
fi
FR=$OUT/packages/example-module.fr.scorm2004.zip
EN=$OUT/packages/example-module.en.scorm2004.zip

# The recorder: one set of files per reading, named by its pid.
FAKE=$TMP/fake-espeak
cat >"$FAKE" <<'SH'
#!/bin/bash
d=$FAKE_DIR
id=$$
printf '%s\n' "$@" >"$d/$id.args"
cat >"$d/$id.text"
date +%s%3N >"$d/$id.start"
trap 'date +%s%3N >"$d/$id.stopped"; kill "$sleeper" 2>/dev/null; exit 143' TERM
sleep "${FAKE_SECONDS:-30}" &
sleeper=$!
wait "$sleeper"
date +%s%3N >"$d/$id.finished"
SH
chmod +x "$FAKE"

speak() {       # dir, package, script: runs the player with the recorder
    mkdir -p "$1"
    FAKE_DIR=$1 WARDPLAYER_ESPEAK=$FAKE timeout 120 "$PLAYER" --headless --no-data "$2" \
        --size 1280x800 --script "$3" 2>"$TMP/stderr"
    local rc=$?
    [ $rc -ne 0 ] && sed 's/^/    /' "$TMP/stderr"
    return $rc
}
readings() { find "$1" -name '*.args' | wc -l; }
only() {        # dir, extension: the file of the one reading
    find "$1" -name "*.$2" | head -1
}
flat() { tr '\n' ' ' <"$1" | tr -s ' '; }
in_order() {    # file, strings...: each found after the previous one
    local text rest s
    text=$(flat "$1")
    rest=$text
    shift
    for s in "$@"; do
        case "$rest" in
        *"$s"*) rest=${rest#*"$s"} ;;
        *) echo "    missing or out of order: '$s'"; return 1 ;;
        esac
    done
}

# ---- what is read: the question page of the French module -------------------------
D=$OUT/fr-question
printf 'key Right\nkey Right\nkey Right\nkey F5\nwait 500\nquit\n' >"$TMP/q.txt"
if speak "$D" "$FR" "$TMP/q.txt" && [ "$(readings "$D")" = 1 ]; then
    ok "F5 starts one reading"
else
    ko "F5 starts one reading ($(readings "$D") readings)"
fi
args=$(tr '\n' ' ' <"$(only "$D" args)")
if [ "$args" = "-v fr " ]; then
    ok "a French package is read with the French voice (-v fr)"
else
    ko "a French package is read with the French voice (got '$args')"
fi
if in_order "$(only "$D" text)" "Vérifier vos connaissances" \
    "Que fait l’aide au tri décrite dans ce module" \
    "Elle attribue la priorité définitive du patient." \
    "Elle propose une priorité que les soignants vérifient." \
    "Elle remplace l’examen clinique à l’accueil."; then
    ok "the page is read in order: title, question, its three choices"
else
    ko "the page is read in order: title, question, its three choices"
    head -c 600 "$(only "$D" text)" | sed 's/^/    | /'
fi
# (nothing read at all proves nothing: those two checks need the reading)
text=$(only "$D" text)
if [ ! -s "$text" ]; then
    ko "no markup is read (nothing was read)"
elif grep -qE '<|>|\*\*|\[[ x]\]|```|&[a-z]+;' "$text"; then
    ko "no markup is read ($(grep -oE '<|>|\*\*|\[[ x]\]|```|&[a-z]+;' "$text" | head -3 | tr '\n' ' '))"
else
    ok "no markup is read"
fi
# the drawn markers (choice boxes, bullets, ticks) are decoration, not words
if [ ! -s "$text" ]; then
    ko "no list or choice marker is read (nothing was read)"
elif grep -q '[○◉☐☑✓✗▸•]' "$text"; then
    ko "no list or choice marker is read ($(grep -o '[○◉☐☑✓✗▸•]' "$(only "$D" text)" | sort -u | tr '\n' ' '))"
else
    ok "no list or choice marker is read"
fi
if [ -f "$(only "$D" stopped)" ]; then
    ok "quitting stops the reading"
else
    ko "quitting stops the reading"
fi

# ---- an answered question: the choice taken and the right answer are said ------
D=$OUT/fr-answered
printf 'key Right\nkey Right\nkey Right\nkey Tab\nkey Tab\nkey Return\nkey Tab\nkey Tab\nkey Return\nkey F5\nwait 500\nquit\n' >"$TMP/ans.txt"
speak "$D" "$FR" "$TMP/ans.txt"
if [ -n "$(only "$D" text)" ] && in_order "$(only "$D" text)" \
    "Elle attribue la priorité définitive du patient." \
    $'choisie\xc2\xa0: Elle propose une priorité que les soignants vérifient. bonne réponse.' \
    "Elle remplace l’examen clinique à l’accueil." &&
    ! grep -q "mauvaise réponse" "$(only "$D" text)"; then
    ok "an answered question says which choice was taken and that it is right"
else
    ko "an answered question says which choice was taken and that it is right"
    [ -n "$(only "$D" text)" ] && head -c 600 "$(only "$D" text)" | sed 's/^/    | /'
fi
# ---- an image is read as its alternative text -----------------------------------
D=$OUT/fr-image
printf 'key Right\nkey Right\nkey F5\nwait 300\nquit\n' >"$TMP/img.txt"
speak "$D" "$FR" "$TMP/img.txt"
if [ -n "$(only "$D" text)" ] && in_order "$(only "$D" text)" "Une aide au tri" "ce qu’elle fait" \
    "Schéma du parcours" "le patient arrive" "Figure 1 — L’outil propose"; then
    ok "an image is read as its alternative text, before its caption"
else
    ko "an image is read as its alternative text, before its caption"
fi

# ---- English ------------------------------------------------------------------------
D=$OUT/en-question
speak "$D" "$EN" "$TMP/q.txt"
args=$(tr '\n' ' ' <"$(only "$D" args)" 2>/dev/null)
if [ "$args" = "-v en " ] &&
    in_order "$(only "$D" text)" "Check your knowledge" "What does the triage aid"; then
    ok "an English package is read with the English voice (-v en), in English"
else
    ko "an English package is read with the English voice (got '$args')"
    head -c 300 "$(only "$D" text)" 2>/dev/null | sed 's/^/    | /'
fi

# ---- stopping ---------------------------------------------------------------------
# After F5 the script waits 1 s, then stops the reading (F5 again, or the next
# page), then waits 4 s before quitting: stopped within 2.5 s of the start
# means the key stopped it, not the end of the session.
stopped_after() {   # dir: ms between the start and the stop of its one reading
    local s t
    s=$(cat "$(only "$1" start)" 2>/dev/null)
    t=$(cat "$(only "$1" stopped)" 2>/dev/null)
    [ -n "$s" ] && [ -n "$t" ] && echo $((t - s))
}
D=$OUT/stop-f5
printf 'key Right\nkey F5\nwait 1000\nkey F5\nwait 4000\nquit\n' >"$TMP/stop.txt"
speak "$D" "$FR" "$TMP/stop.txt"
ms=$(stopped_after "$D")
if [ "$(readings "$D")" = 1 ] && [ -n "$ms" ] && [ "$ms" -lt 2500 ]; then
    ok "F5 during a reading stops it (after $ms ms), and starts no other"
else
    ko "F5 during a reading stops it (readings $(readings "$D"), stopped after '${ms}' ms)"
fi
D=$OUT/stop-page
printf 'key Right\nkey F5\nwait 1000\nkey Right\nwait 4000\nquit\n' >"$TMP/turn.txt"
speak "$D" "$FR" "$TMP/turn.txt"
ms=$(stopped_after "$D")
if [ "$(readings "$D")" = 1 ] && [ -n "$ms" ] && [ "$ms" -lt 2500 ]; then
    ok "turning the page stops the reading (after $ms ms)"
else
    ko "turning the page stops the reading (stopped after '${ms}' ms)"
fi
D=$OUT/finished
printf 'key Right\nkey F5\nwait 1500\nkey F5\nwait 500\nquit\n' >"$TMP/again.txt"
FAKE_SECONDS=0 speak "$D" "$FR" "$TMP/again.txt"
if [ "$(readings "$D")" = 2 ] && [ "$(find "$D" -name '*.finished' | wc -l)" = 2 ]; then
    ok "after a reading ends by itself, F5 reads again"
else
    ko "after a reading ends by itself, F5 reads again ($(readings "$D") readings)"
fi

# ---- a missing speech program ------------------------------------------------------
WARDPLAYER_ESPEAK=$TMP/no-such-program timeout 60 "$PLAYER" --headless --no-data "$FR" \
    --script "$TMP/img.txt" >"$TMP/out" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q "cannot start $TMP/no-such-program" "$TMP/out"; then
    ok "a missing speech program is reported, and the player goes on"
else
    sed 's/^/    /' "$TMP/out"
    ko "a missing speech program is reported, and the player goes on (exit $rc)"
fi

# ---- the real espeak-ng, writing a WAV -------------------------------------------------
if need espeak-ng "espeak-ng reads the page into a WAV"; then
    cat >"$TMP/espeak-wav" <<SH
#!/bin/sh
exec espeak-ng -w "$OUT/page.wav" "\$@"
SH
    chmod +x "$TMP/espeak-wav"
    printf 'key Right\nkey F5\nwait 4000\nquit\n' >"$TMP/wav.txt"
    WARDPLAYER_ESPEAK=$TMP/espeak-wav timeout 120 "$PLAYER" --headless --no-data "$FR" \
        --script "$TMP/wav.txt" 2>"$TMP/stderr"
    size=$(stat -c %s "$OUT/page.wav" 2>/dev/null || echo 0)
    if [ "$(head -c 4 "$OUT/page.wav" 2>/dev/null)" = RIFF ] && [ "$size" -gt 20000 ]; then
        ok "espeak-ng reads the page into a WAV ($size bytes)"
    else
        ko "espeak-ng reads the page into a WAV (size $size)"
        sed 's/^/    /' "$TMP/stderr"
    fi
fi

finish
