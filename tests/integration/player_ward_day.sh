#!/usr/bin/env bash
# A ward day on one shared PC, through the real event loop (headless): nurse
# A creates her profile (the nurse role), answers a question and is called
# away: the idle time-out logs her out, saving, and the profile screen says
# so. Physician B logs in on the same PC, answers the same question another
# way, then « Changer d'utilisateur » (F7). A comes back, finds herself by
# typing three letters, and resumes on the page she left, her answer shown.
# The store holds each answer under the right learner, nothing under nobody,
# and the trace shows each answer committed before the next screen.
# Ends with "N passed, N failed, N skipped" (tests/lib.sh).
set -u
cd "$(dirname "$0")/../.."
# the player picks choices by their place here: every attempt shows them as
# written (tests/unit/test_shuffle.c tests the shuffled order)
export WARDPLAYER_SHUFFLE_SEED=0
BUILD=${BUILD:-build}
PLAYER=$BUILD/wardplayer
COURSEPACK=$BUILD/coursepack
OUT=$BUILD/ward-day
TMP=$(mktemp -d)
export LSAN_OPTIONS="suppressions=$PWD/tests/e2e/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
trap 'rm -rf "$TMP"' EXIT
rm -rf "$OUT"
mkdir -p "$OUT"
. tests/lib.sh
. tests/frames.sh

need sqlite3 "a ward day (the store is read back)" || finish
if [ ! -x "$PLAYER" ] || [ ! -x "$COURSEPACK" ]; then
    ko "wardplayer and coursepack are built"
    finish
fi

# The example module with the nurse role the content modules are getting
# (its pages for physicians and heads of department stay as they are).
MOD=$TMP/example-module
cp -r courses/example-module "$MOD"
python3 - "$MOD/module.xml" <<'PY'
import sys
p = sys.argv[1]
s = open(p, encoding='utf-8').read()
nurse = ('    <role id="nurse">\n'
         '      <label xml:lang="fr">Soignant·e (IDE, cadre de santé)</label>\n'
         '      <label xml:lang="en">Nurse (RN, nurse manager)</label>\n'
         '    </role>\n')
i = s.index('    <setting id=')
open(p, 'w', encoding='utf-8').write(s[:i] + nurse + s[i:])
PY
LIB=$TMP/lib
if "$COURSEPACK" build "$MOD" -o "$LIB" >"$TMP/build.log" 2>&1; then
    ok "the module with a nurse role is built"
else
    sed 's/^/    /' "$TMP/build.log"
    ko "the module with a nurse role is built"
fi

# Targets of the new-profile form: name, staff id, PIN, the roles (Médecin,
# Chef de service, Soignant·e), the settings, « Créer le profil ». The check
# page: question 1's three choices, then « Valider ».
cat >"$TMP/day.txt" <<EOF
# ---- nurse A: a new profile, the nurse role, Enter creates it
key Tab
key Return
text Awa Diallo
key Tab
key Tab
key Tab
key Tab
key Tab
key Return
screenshot $OUT/a-new-profile.png
key shift+Tab
key shift+Tab
key shift+Tab
key shift+Tab
key shift+Tab
key Return
screenshot $OUT/a-library.png
key Tab
key Return
key Right
key Right
key Right
# choice b, then « Valider »
key Tab
key Tab
key Return
key Tab
key Tab
key Return
screenshot $OUT/a-answered.png
# ---- called away: the idle time-out (1.5 s here) logs her out
wait 2500
screenshot $OUT/after-idle.png
# ---- physician B
key Tab
key Return
text Bruno Petit
key Tab
key Tab
key Tab
key Return
key shift+Tab
key shift+Tab
key shift+Tab
key Return
key Tab
key Return
key Right
key Right
key Right
# choice a, then « Valider »
key Tab
key Return
key Tab
key Tab
key Tab
key Return
screenshot $OUT/b-answered.png
key F7
screenshot $OUT/after-switch.png
# ---- A again: three letters, Enter, her module
text awa
key Return
key Tab
key Return
screenshot $OUT/a-resumed.png
quit
EOF
if timeout 180 "$PLAYER" "$LIB" --headless --data "$TMP/data" --idle-ms 1500 --boxes \
        --trace "$TMP/trace" --size 1280x800 --script "$TMP/day.txt" 2>"$TMP/stderr"; then
    ok "the ward day runs through the real event loop"
else
    sed 's/^/    /' "$TMP/stderr"
    ko "the ward day runs through the real event loop"
fi

box_has "$OUT/a-new-profile.boxes" "Soignant·e (IDE, cadre de santé)" &&
    ok "the new profile offers the nurse role « Soignant·e (IDE, cadre de santé) »" ||
    ko "the new profile offers the nurse role « Soignant·e (IDE, cadre de santé) »"
box_has "$OUT/a-library.boxes" "Awa Diallo" && box_has "$OUT/a-library.boxes" "Changer" &&
    ok "the library shows who is here and « Changer d'utilisateur »" ||
    ko "the library shows who is here and « Changer d'utilisateur »"
box_has "$OUT/a-answered.boxes" "Bonne réponse." &&
    ok "A's answer shows its verdict" || ko "A's answer shows its verdict"
where_a=$(box_page "$OUT/a-answered.boxes")
if box_has "$OUT/after-idle.boxes" "Awa Diallo : session fermée" &&
    box_has "$OUT/after-idle.boxes" "Qui êtes-vous" && ! box_has "$OUT/after-idle.boxes" "Bonne réponse."; then
    ok "the idle time-out logged A out and the profile screen says so"
else
    ko "the idle time-out logged A out and the profile screen says so"
    box_texts "$OUT/after-idle.boxes" | head -8 | sed 's/^/    | /'
fi
box_has "$OUT/b-answered.boxes" "Bruno Petit" && box_has "$OUT/b-answered.boxes" "Réponse incorrecte." &&
    ! box_has "$OUT/b-answered.boxes" "Awa Diallo" &&
    ok "B answers under his own name, with nothing of A's on screen" ||
    ko "B answers under his own name, with nothing of A's on screen"
box_has "$OUT/after-switch.boxes" "Qui êtes-vous" && ! box_has "$OUT/after-switch.boxes" "Bruno Petit · " &&
    ok "« Changer d'utilisateur » (F7) goes back to the profiles" ||
    ko "« Changer d'utilisateur » (F7) goes back to the profiles"
where_r=$(box_page "$OUT/a-resumed.boxes")
if [ -n "$where_a" ] && [ "$where_r" = "$where_a" ] && box_has "$OUT/a-resumed.boxes" "Awa Diallo" &&
    box_has "$OUT/a-resumed.boxes" "Bonne réponse."; then
    ok "A resumes on the page she left ($where_r), her answer shown"
else
    ko "A resumes on the page she left (left '$where_a', resumed '$where_r')"
fi

# the store: each answer under its learner, nothing under nobody
got=$(sqlite3 "$TMP/data/learners.db" "select l.name || ' ' || l.role || ' ' || a.item_id || ' ' ||
    a.response || ' ' || a.result from answers a join attempts t on t.id = a.attempt
    join learners l on l.id = t.learner order by a.id" 2>&1)
want="Awa Diallo nurse q-what-aid-does b correct
Bruno Petit physician q-what-aid-does a incorrect"
if [ "$got" = "$want" ]; then
    ok "the store holds each answer under the right learner"
else
    ko "the store holds each answer under the right learner"
    printf '%s\n' "$got" | sed 's/^/    got | /'
fi
orphans=$(sqlite3 "$TMP/data/learners.db" "select count(*) from answers where attempt not in
    (select t.id from attempts t join learners l on l.id = t.learner)" 2>&1)
total=$(sqlite3 "$TMP/data/learners.db" "select count(*) from answers" 2>&1)
[ "$orphans" = 0 ] && [ "$total" = 2 ] && ok "nothing is stored under nobody (2 answers, 0 orphans)" ||
    ko "nothing is stored under nobody ($total answers, $orphans orphans)"
# the trace: each answer committed, to the attempt the store gives its learner
n=$(wc -l <"$TMP/trace" 2>/dev/null || echo 0)
a_att=$(sqlite3 "$TMP/data/learners.db" "select t.id from attempts t join learners l
    on l.id = t.learner where l.name = 'Awa Diallo'" 2>&1)
first=$(head -1 "$TMP/trace" 2>/dev/null | cut -f2)
[ "$n" = 2 ] && [ "$first" = "$a_att" ] &&
    ok "the trace has both answers, A's first, in her attempt" ||
    ko "the trace has both answers, A's first, in her attempt (lines $n, first attempt '$first', A's '$a_att')"

finish
