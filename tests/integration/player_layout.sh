#!/usr/bin/env bash
# Layout facts on the real frames of wardplayer (headless, SDL2_ttf, the
# Debian fonts): representative pages of the example module (French text
# with a table, an image, questions, a scrolled page, the contents, the
# library; English too) at 100 % and 200 %, in high contrast, in a 1280x800
# and an 800x600 window. `--boxes` makes each screenshot X.png also write
# X.boxes (every fill, text run and image the frame drew) and
# tools/check-layout checks, on each pair: nothing clipped or overlapping,
# everything inside the window, page text inside a readable column, images
# in proportion; and that the dump is the PNG (every pixel outside text and
# images is the colour of the last fill there). Mutated dumps must fail.
# Then touch scrolling (`swipe`), compared on the dumps. PNGs and dumps stay
# in $BUILD/layout/ (CI artifacts). Ends with "N passed, N failed, N skipped"
# (tests/lib.sh).
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
# the player picks choices by their place here: every attempt shows them as
# written (tests/unit/test_shuffle.c tests the shuffled order)
export WARDPLAYER_SHUFFLE_SEED=0
BUILD=${BUILD:-build}
PLAYER=$BUILD/wardplayer
COURSEPACK=$BUILD/coursepack
CHECK=tools/check-layout
OUT=$BUILD/layout
TMP=$(mktemp -d)
export LSAN_OPTIONS="suppressions=$PWD/tests/e2e/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
trap 'rm -rf "$TMP"' EXIT
rm -rf "$OUT"
mkdir -p "$OUT"

run() {         # the player, headless, with a time limit; its stderr is kept in $TMP/stderr
    timeout 120 "$PLAYER" --headless --no-data "$@" 2>"$TMP/stderr"
    local rc=$?
    [ $rc -ne 0 ] && sed 's/^/    /' "$TMP/stderr"
    return $rc
}
layout_ok() {   # PNG, what it shows
    if "$CHECK" "$1" >"$TMP/check.out" 2>&1; then
        ok "layout of $2: $(sed 's/^ok [^:]*: //' "$TMP/check.out")"
    else
        ko "layout of $2 ($1)"
        head -8 "$TMP/check.out" | sed 's/^/    /'
    fi
}
field() {       # dump, record pattern (awk regex), field number: the first match's field
    awk -v pat="$2" -v n="$3" '$0 ~ pat { print $n; exit }' "$1"
}

if [ ! -x "$PLAYER" ] || [ ! -x "$COURSEPACK" ] || ! command -v python3 >/dev/null; then
    ko "wardplayer, coursepack and python3 are there"
    finish
fi

PKGS=$OUT/packages
mkdir -p "$PKGS"
if "$COURSEPACK" build courses/example-module -o "$PKGS" >"$TMP/build.log" 2>&1 &&
    [ -f "$PKGS/example-module.fr.scorm2004.zip" ]; then
    ok "coursepack builds the example module"
else
    sed 's/^/    /' "$TMP/build.log"
    ko "coursepack builds the example module"
    finish
fi
FR=$PKGS/example-module.fr.scorm2004.zip
EN=$PKGS/example-module.en.scorm2004.zip

# ---- representative pages, five ways -------------------------------------------
# page 1 of the player is the context chooser; then the module's pages:
# a table, an image, questions (one answered, with its feedback), a scenario
walk() {        # directory: the script's screenshots go there
    cat <<EOF
screenshot $1/context.png
key Right
screenshot $1/table.png
key Right
screenshot $1/image.png
key End
screenshot $1/image-end.png
key Right
screenshot $1/question.png
key Tab
key Tab
key Return
key Tab
key Tab
key Return
screenshot $1/answered.png
key End
screenshot $1/question-end.png
key Right
screenshot $1/scenario.png
key F3
screenshot $1/contents.png
quit
EOF
}
configs=(
    "1280x800-100 --size 1280x800"
    "1280x800-200 --size 1280x800 --scale 200"
    "1280x800-contrast --size 1280x800 --contrast"
    "800x600-100 --size 800x600"
    "800x600-200-contrast --size 800x600 --scale 200 --contrast"
)
for c in "${configs[@]}"; do
    read -r name flags <<<"$c"
    mkdir -p "$OUT/$name"
    walk "$OUT/$name" >"$TMP/walk.txt"
    # shellcheck disable=SC2086
    if run "$FR" $flags --boxes --script "$TMP/walk.txt"; then
        ok "$name: the walk runs to quit"
    else
        ko "$name: the walk runs to quit"
        continue
    fi
    for f in context table image image-end question answered question-end scenario contents; do
        layout_ok "$OUT/$name/$f.png" "$name $f"
    done
done

# the answered question shows its feedback (more text than before answering)
q=$(grep -c '^text page' "$OUT/1280x800-100/question.boxes")
a=$(grep -c '^text page' "$OUT/1280x800-100/answered.boxes")
if [ "$a" -gt "$q" ]; then
    ok "answering draws the feedback ($q < $a page text runs)"
else
    ko "answering draws the feedback ($q then $a page text runs)"
fi
# 200 %: the body text really is larger, and reflows (more lines in the column)
h100=$(field "$OUT/1280x800-100/table.boxes" '^content' 7)
h200=$(field "$OUT/1280x800-200/table.boxes" '^content' 7)
if [ "${h200:-0}" -gt $((${h100:-0} * 3 / 2)) ]; then
    ok "200 % reflows the page (height $h100 -> $h200 px)"
else
    ko "200 % reflows the page (height $h100 then $h200 px)"
fi
# high contrast: black background, and the checker saw it as such
if grep -q '^theme contrast #000000' "$OUT/1280x800-contrast/table.boxes"; then
    ok "high contrast frames are drawn on black"
else
    ko "high contrast frames are drawn on black"
fi

# English package, the --screenshot flag (no script), the library
mkdir -p "$OUT/other"
printf 'key Right\nkey Right\nkey Right\nscreenshot %s\nquit\n' "$OUT/other/question-en.png" \
    >"$TMP/en.txt"
# run_layout PNG WHAT ARGS...: the player must run to its end, then the frame
# is checked; a player that failed is a failure, not a check left out
run_layout() {
    local png=$1 what=$2
    shift 2
    if run "$@"; then layout_ok "$png" "$what"; else ko "layout of $what (the player exited $?)"; fi
}
run_layout "$OUT/other/question-en.png" "an English question page, 1024x700" \
    "$EN" --size 1024x700 --boxes --script "$TMP/en.txt"
run_layout "$OUT/other/first.png" "--screenshot's first frame" \
    "$FR" --size 1024x700 --boxes --screenshot "$OUT/other/first.png"
run_layout "$OUT/other/library.png" "the library view" \
    "$PKGS" --size 1024x700 --boxes --screenshot "$OUT/other/library.png"
run "$FR" --size 1024x700 --screenshot "$OUT/other/no-boxes.png"
if [ -f "$OUT/other/no-boxes.png" ] && [ ! -e "$OUT/other/no-boxes.boxes" ]; then
    ok "without --boxes no dump is written"
else
    ko "without --boxes no dump is written"
fi

# ---- missing images: their alt text wraps inside their frame ----------------------
# tests/e2e/handmade with two images whose files are missing: a long alt text
# in a large frame (wrapped), and in a small one (cut, ending on an ellipsis)
M=$OUT/missing
mkdir -p "$M"
cp -r tests/e2e/handmade "$TMP/missing"
alt1="Schéma du parcours : le patient arrive, l’outil propose une priorité, l’IOA et le médecin la vérifient, puis décident de la prise en charge"
alt2="Une seconde image absente dont le texte de remplacement est bien trop long pour son petit cadre"
sed -i "s|<p>Un outil <strong>propose</strong>, les soignants décident.</p>|&<figure><img src=\"img/absent.png\" alt=\"$alt1\" width=\"400\" height=\"200\"/></figure><figure><img src=\"img/absent2.png\" alt=\"$alt2\" width=\"160\" height=\"60\"/></figure>|" \
    "$TMP/missing/index.html"
for c in "1024x700 100" "800x600 200"; do
    read -r size scale <<<"$c"
    run "$TMP/missing" --size "$size" --scale "$scale" --boxes --screenshot "$M/$size-$scale.png"
    # (at 200 % only the first frame is in view)
    if [ "$(grep -c '^image .* natural 0 0$' "$M/$size-$scale.boxes")" -ge 1 ] &&
        "$CHECK" --missing-images-ok "$M/$size-$scale.png" >"$TMP/check.out" 2>&1; then
        ok "missing images, $size at $scale %: frames with their alt text, nothing clipped"
    else
        ko "missing images, $size at $scale %: frames with their alt text, nothing clipped"
        head -5 "$TMP/check.out" | sed 's/^/    /'
    fi
done
if [ "$(grep -c '^image .* natural 0 0$' "$M/1024x700-100.boxes")" = 2 ] &&
    grep -q $'\t…$' "$M/1024x700-100.boxes" && grep -q $'\tvérifient, puis' "$M/1024x700-100.boxes"; then
    ok "a long alt text wraps in a large frame and ends on an ellipsis in a small one"
else
    ko "a long alt text wraps in a large frame and ends on an ellipsis in a small one"
fi
if "$CHECK" "$M/1024x700-100.png" 2>&1 | grep -q 'not decoded'; then
    ok "check-layout reports images that were not decoded (without --missing-images-ok)"
else
    ko "check-layout reports images that were not decoded (without --missing-images-ok)"
fi

# ---- touch scrolling ----------------------------------------------------------------
# `swipe X Y DX DY` sends the events of a finger (down, 8 motions, up) through
# the real loop. The page follows the finger: a swipe up by 200 px moves every
# text run up by 200 px; a long swipe down stops at the top, a long swipe up
# at the end (where End stops too).
T=$OUT/touch
mkdir -p "$T"
cat >"$TMP/touch.txt" <<EOF
key Right
key Right
screenshot $T/top.png
swipe 640 600 0 -200
screenshot $T/up200.png
swipe 640 100 0 600
screenshot $T/back.png
swipe 640 700 0 -600
swipe 640 700 0 -600
screenshot $T/bottom.png
key End
screenshot $T/key-end.png
quit
EOF
if run "$FR" --size 1280x800 --boxes --script "$TMP/touch.txt"; then
    ok "a script of swipes runs to quit"
else
    ko "a script of swipes runs to quit"
fi
# the y of the caption's text run, and the scroll, in each dump
cap_y() { awk -F'\t' '/Figure 1/ { split($1, f, " "); print f[4]; exit }' "$1"; }
scroll_of() { field "$1" '^content' 5; }
y0=$(cap_y "$T/top.boxes")
y1=$(cap_y "$T/up200.boxes")
if [ -n "$y0" ] && [ -n "$y1" ] && [ $((y0 - y1)) -eq 200 ] &&
    [ "$(scroll_of "$T/top.boxes")" = 0 ] && [ "$(scroll_of "$T/up200.boxes")" = 200 ]; then
    ok "a swipe up by 200 px moves the text up by 200 px (caption y $y0 -> $y1)"
else
    ko "a swipe up by 200 px moves the text up by 200 px (caption y '$y0' -> '$y1')"
fi
layout_ok "$T/up200.png" "a page scrolled by touch"
if [ "$(scroll_of "$T/back.boxes")" = 0 ] && cmp -s "$T/top.png" "$T/back.png"; then
    ok "a long swipe down stops at the top (same frame as before)"
else
    ko "a long swipe down stops at the top (scroll $(scroll_of "$T/back.boxes"))"
fi
end=$(scroll_of "$T/key-end.boxes")
max=$(awk '/^content/ { print $7 - $3 }' "$T/key-end.boxes")
if [ "$(scroll_of "$T/bottom.boxes")" = "$end" ] && [ "$end" = "$max" ] && [ "$end" -gt 0 ]; then
    ok "long swipes up stop at the end of the page (scroll $end = height - view)"
else
    ko "long swipes up stop at the end (scroll $(scroll_of "$T/bottom.boxes"), End $end, max $max)"
fi

# a tap chooses like a click; a swipe that starts on a choice only scrolls
printf 'key Right\nkey Right\nkey Right\nscreenshot %s\nquit\n' "$T/question.png" >"$TMP/q.txt"
run "$FR" --size 1280x800 --boxes --script "$TMP/q.txt"
pos=$(awk -F'\t' '$2 ~ /^Elle propose une priorit/ { split($1, f, " "); print f[3] + 5, f[4] + 5; exit }' \
    "$T/question.boxes")
if [ -n "$pos" ]; then
    read -r cx cy <<<"$pos"
    printf 'key Right\nkey Right\nkey Right\nclick %s %s\nscreenshot %s\nquit\n' \
        "$cx" "$cy" "$T/clicked.png" >"$TMP/click.txt"
    printf 'key Right\nkey Right\nkey Right\ntap %s %s\nscreenshot %s\nquit\n' \
        "$cx" "$cy" "$T/tapped.png" >"$TMP/tap.txt"
    printf 'key Right\nkey Right\nkey Right\nswipe %s %s 0 -40\nswipe %s %s 0 40\nscreenshot %s\nquit\n' \
        "$cx" "$cy" "$cx" $((cy - 40)) "$T/swiped.png" >"$TMP/swipe.txt"
    for how in click tap swipe; do
        run "$FR" --size 1280x800 --script "$TMP/$how.txt" || ko "the $how script runs to quit"
    done
    if cmp -s "$T/clicked.png" "$T/tapped.png" && ! cmp -s "$T/question.png" "$T/tapped.png"; then
        ok "a tap on a choice chooses it, as a click does"
    else
        ko "a tap on a choice chooses it, as a click does"
    fi
    if cmp -s "$T/question.png" "$T/swiped.png"; then
        ok "a swipe starting on a choice scrolls without choosing it"
    else
        ko "a swipe starting on a choice scrolls without choosing it"
    fi
else
    ko "the question page shows its second choice"
fi

# ---- the checker fails on a wrong dump ------------------------------------------
# Each mutation of a good dump must be caught, with the right complaint.
REF=$OUT/1280x800-100/image
mutate() {      # name, expected message (grep -E), awk program over the dump
    if [ ! -s "$REF.boxes" ] || [ ! -s "$REF.png" ]; then
        ko "check-layout catches a dump with $1 ($REF.png or .boxes was not written)"
        return
    fi
    awk "$3" "$REF.boxes" >"$TMP/m.boxes"
    if cmp -s "$REF.boxes" "$TMP/m.boxes"; then
        ko "mutation '$1' changes the dump"
        return
    fi
    "$CHECK" "$REF.png" "$TMP/m.boxes" >"$TMP/m.out" 2>&1
    local rc=$?
    if [ $rc -eq 1 ] && grep -qE "$2" "$TMP/m.out"; then
        ok "check-layout catches a dump with $1"
    else
        ko "check-layout catches a dump with $1 (exit $rc)"
        head -5 "$TMP/m.out" | sed 's/^/    /'
    fi
}
# shift fields 3 (box x) and 14 (ink x) of the first page text run
mutate "a text run shifted 30 px" 'pixels are not what the dump says' \
    'BEGIN { FS = "[ ]"; OFS = " " } /^text page/ && !d { $3 += 30; $14 += 30; d = 1 } { print }'
mutate "a text run left out" 'pixels are not what the dump says' \
    '/^text page/ && ++n == 2 { next } { print }'
mutate "a fill of the wrong colour" 'pixels are not what the dump says' \
    '/^fill bar/ && !d { sub(/#[0-9a-f]+$/, "#ff00ff"); d = 1 } { print }'
mutate "an image moved 5 px down" 'pixels are not what the dump says' \
    '/^image/ { $4 += 5 } { print }'
mutate "a text run wider than the column" 'outside the column' \
    'BEGIN { FS = "[ ]"; OFS = " " } /^text page/ && !d { $5 += 2000; d = 1 } { print }'
mutate "a text run clipped by its box" 'clipped' \
    'BEGIN { FS = "[ ]"; OFS = " " } /^text page/ && !d { $5 = 10; d = 1 } { print }'
mutate "two overlapping text runs" 'text runs overlap' \
    'BEGIN { FS = "[ ]"; OFS = " " } /^text page/ && !d { print; $4 += 3; d = 1 } { print }'
mutate "an image out of proportion" 'proportions' \
    '/^image/ { $13 = $13 * 2 } { print }'
mutate "a text run with no ink" 'no ink' \
    'BEGIN { FS = "[ ]"; OFS = " " }
     /^text page/ && !d { print; $3 = $14 = 0; $5 = $16 = $18 = 10; d = 1 } { print }'
mutate "a box outside the window" 'sticks out of the window' \
    '/^fill bar/ && !d { $5 += 50; d = 1 } { print }'
"$CHECK" "$REF.png" "$OUT/1280x800-100/table.boxes" >"$TMP/m.out" 2>&1
if [ $? -eq 1 ] && [ -s "$OUT/1280x800-100/table.boxes" ]; then
    ok "check-layout refuses the dump of another frame"
else
    ko "check-layout refuses the dump of another frame"
fi
"$CHECK" --max-chars 40 "$REF.png" >"$TMP/m.out" 2>&1
if [ $? -eq 1 ] && grep -q 'average characters' "$TMP/m.out"; then
    ok "check-layout measures the column in characters ($(grep -o '[0-9]* average' "$TMP/m.out"))"
else
    ko "check-layout measures the column in characters"
fi

finish
