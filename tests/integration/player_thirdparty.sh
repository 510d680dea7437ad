#!/usr/bin/env bash
# Third-party content shown honestly, on real frames (issue 13.8), and one
# verdict for a package (issue 16.3): the real wardplayer, headless, on the
# package tests/e2e/thirdparty-rich (chapters, a table with colspan, rowspan
# and a caption, <noscript>, a video, a sound, a page built by script),
# zipped and unzipped, in French and English. Each frame is checked by
# tools/check-layout and its --boxes dump gives the facts asserted here (which
# column a value is in, which words are on screen, what is indented). Then
# coursepack validate, wardplayer --check and the player agree on packages
# that are not SCORM. Frames are kept in $BUILD/thirdparty/. Ends with
# "N passed, N failed, N skipped" (tests/lib.sh).
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
PLAYER=$BUILD/wardplayer
COURSEPACK=$BUILD/coursepack
OUT=$BUILD/thirdparty
PKG=tests/e2e/thirdparty-rich
TMP=$(mktemp -d)
export LSAN_OPTIONS="suppressions=$PWD/tests/e2e/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
trap 'rm -rf "$TMP"' EXIT
rm -rf "$OUT"
mkdir -p "$OUT"
. tests/lib.sh
check() {       # name, command...: ok when the command succeeds
    local name=$1
    shift
    if "$@" >"$TMP/check.out" 2>&1; then ok "$name"; else
        ko "$name"
        sed 's/^/    /' "$TMP/check.out"
    fi
}

for tool in "$PLAYER" "$COURSEPACK"; do
    if [ ! -x "$tool" ]; then
        ko "$tool is built"
        finish
    fi
done

# facts PNG KIND ARGS...: a fact about what the frame's --boxes dump says
# was drawn (page text runs only; "joined" is every run of the frame
# joined by spaces).
facts() {
    python3 - "$@" <<'EOF'
import sys
png, kind, args = sys.argv[1], sys.argv[2], sys.argv[3:]
runs = []
for line in open(png[:-4] + ".boxes", encoding="utf-8"):
    if not line.startswith("text "):
        continue
    head, _, text = line.rstrip("\n").partition("\t")
    f = head.split()
    runs.append((text, int(f[2]), int(f[3]), int(f[4]), int(f[5])))
def run(s):
    for r in runs:
        if r[0] == s:
            return r
    sys.exit("no text run '%s' on the frame; runs: %s" % (s, [r[0] for r in runs]))
joined = " ".join(r[0] for r in runs)
if kind == "same-column":        # a b: a starts where b does (left-aligned cells)
    a, b = run(args[0]), run(args[1])
    if a[1] != b[1]:
        sys.exit("'%s' at x %d, '%s' at x %d" % (a[0], a[1], b[0], b[1]))
elif kind == "right-of":         # a b: a starts right of b's start
    a, b = run(args[0]), run(args[1])
    if not a[1] > b[1]:
        sys.exit("'%s' at x %d is not right of '%s' at x %d" % (a[0], a[1], b[0], b[1]))
elif kind == "above":            # a b: a ends above b's top
    a, b = run(args[0]), run(args[1])
    if not a[2] + a[4] <= b[2]:
        sys.exit("'%s' (y %d+%d) is not above '%s' (y %d)" % (a[0], a[2], a[4], b[0], b[2]))
elif kind == "says":             # words on the frame
    for s in args:
        if s not in joined:
            sys.exit("the frame does not say '%s'; it says: %s" % (s, joined))
elif kind == "not-says":
    for s in args:
        if s in joined:
            sys.exit("the frame says '%s': %s" % (s, joined))
EOF
}

# shot NAME SIZE LANG PATH KEYS...: one frame after the keys, checked by check-layout
shot() {
    local name=$1 size=$2 lang=$3 path=$4
    shift 4
    : >"$TMP/script"
    for k in "$@"; do echo "key $k" >>"$TMP/script"; done
    echo "screenshot $OUT/$name.png" >>"$TMP/script"
    echo "quit" >>"$TMP/script"
    if timeout 120 "$PLAYER" --headless "$path" --no-data --lang "$lang" --size "$size" \
        --boxes --script "$TMP/script" 2>"$TMP/stderr" && [ -f "$OUT/$name.png" ]; then
        check "$name: tools/check-layout" tools/check-layout "$OUT/$name.png"
    else
        ko "$name: the player draws the frame"
        sed 's/^/    /' "$TMP/stderr"
        return 1
    fi
}

# ---- the package, unzipped and zipped -----------------------------------------
python3 - "$PKG" "$TMP/rich.zip" <<'EOF'
import os, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
    for root, dirs, files in os.walk(src):
        for f in sorted(files):
            p = os.path.join(root, f)
            z.write(p, os.path.relpath(p, src))
EOF
for form in folder zip; do
    path=$PKG
    [ $form = zip ] && path=$TMP/rich.zip
    check "$form: coursepack validate accepts it" "$COURSEPACK" validate "$path"
    "$PLAYER" --check "$path" >"$TMP/check.txt" 2>&1
    rc=$?
    if [ $rc = 0 ] && grep -q "can be played" "$TMP/check.txt" &&
        grep -q "warning: 1 of 3 pages is built by scripts (first: 'interactif/index.html')" \
            "$TMP/check.txt"; then
        ok "$form: --check plays it and names the page built by scripts"
    else
        ko "$form: --check (exit $rc)"
        sed 's/^/    /' "$TMP/check.txt"
    fi
done

# ---- the table: every value under its own column --------------------------------
for size in 1024x768 1366x768 800x600; do
    if shot "table-$size" "$size" fr "$TMP/rich.zip"; then
        f=$OUT/table-$size.png
        check "table $size: « CVC 4 j » under « Central »" facts "$f" same-column "CVC 4 j" Central
        check "table $size: « Central » right of « Périphérique »" \
            facts "$f" right-of Central "Périphérique"
        check "table $size: « KTP 2 j » under « Périphérique »" \
            facts "$f" same-column "KTP 2 j" "Périphérique"
        check "table $size: under room 14's rowspan, « Mme C. » is a patient" \
            facts "$f" same-column "Mme C." Patient
        check "table $size: « Abords en place » spans from « Périphérique »" \
            facts "$f" same-column "Abords en place" "Périphérique"
        check "table $size: the caption above the table" \
            facts "$f" above "Abords vasculaires du service (exemple fictif)" Chambre
    fi
done

# ---- noscript, video, sound ------------------------------------------------------
# (French messages have a no-break space before ':', as the catalogue writes them)
if shot media-fr 1024x768 fr "$PKG" Right; then
    check "media fr: the video named, what to do said" facts "$OUT/media-fr.png" says \
        "Vidéo non lue ici : pansement-cvc.mp4" \
        "Ouvrez le module dans la plateforme de formation pour la voir."
    check "media fr: the sound named" facts "$OUT/media-fr.png" says \
        "Son non lu ici : alarme-pompe.ogg"
    check "media fr: the <noscript> text shown" facts "$OUT/media-fr.png" says \
        "Sans JavaScript, le quiz de cette page"
    check "media fr: no fallback text for browsers without video" \
        facts "$OUT/media-fr.png" not-says "Votre navigateur ne lit pas"
fi
if shot media-en 1024x768 en "$PKG" Right; then
    check "media en: the video named in English" facts "$OUT/media-en.png" says \
        "Video not played here: pansement-cvc.mp4"
fi

# ---- a page built by scripts ---------------------------------------------------------
if shot script-fr 1024x768 fr "$PKG" Right Right; then
    check "script fr: a clear page instead of a blank one" facts "$OUT/script-fr.png" says \
        "Ce module a besoin d’un navigateur : ouvrez-le dans la plateforme de formation." \
        "Ses pages sont construites par des scripts, que ce lecteur n’exécute pas."
    check "script fr: the script never ran" facts "$OUT/script-fr.png" not-says \
        "built by script"
fi
if shot script-en 1024x768 en "$PKG" Right Right; then
    check "script en: in English" facts "$OUT/script-en.png" says \
        "This module needs a web browser: open it in the training platform."
fi

# ---- nested contents ----------------------------------------------------------------
if shot contents 1024x768 fr "$PKG" F3; then
    check "contents: the chapters are listed" facts "$OUT/contents.png" says \
        "Surveiller les abords" "Pour aller plus loin"
    check "contents: a chapter's page is indented under it" \
        facts "$OUT/contents.png" right-of "Le tableau du service" "Surveiller les abords"
    check "contents: the chapters before their pages" \
        facts "$OUT/contents.png" above "Pour aller plus loin" "Module interactif"
fi

# ---- one verdict on what is not a SCORM package ---------------------------------------
python3 - "$TMP" <<'EOF'
import sys, zipfile
tmp = sys.argv[1]
page = "<html lang='fr'><body><h1>AU</h1><p>Une unité.</p></body></html>"
with zipfile.ZipFile(tmp + "/cmi5.zip", "w") as z:
    z.writestr("cmi5.xml", "<courseStructure/>")
    z.writestr("au/index.html", page)
with zipfile.ZipFile(tmp + "/aicc.zip", "w") as z:
    for ext in ("crs", "au", "des", "cst"):
        z.writestr("cours." + ext, "[Course]")
    z.writestr("cours.html", page)
with zipfile.ZipFile(tmp + "/nested.zip", "w") as z:
    z.writestr("cours/imsmanifest.xml", "<manifest/>")
    z.writestr("cours/index.html", page)
EOF
# (a cmi5 course is read as one: this cmi5.xml, without cmi5's namespace, is
# not a course structure)
for case in "cmi5:cmi5.xml:1: error: <courseStructure> is in the namespace '', not cmi5's" \
    "aicc:this zip is an AICC course (cours.crs, cours.au, cours.des, cours.cst)" \
    "nested:imsmanifest.xml is in the folder 'cours/', not at the root of the zip"; do
    name=${case%%:*}
    want=${case#*:}
    zip=$TMP/$name.zip
    "$COURSEPACK" validate "$zip" >"$TMP/v.txt" 2>&1
    rc_v=$?
    "$PLAYER" --check "$zip" >"$TMP/c.txt" 2>&1
    rc_c=$?
    timeout 60 "$PLAYER" --headless "$zip" --no-data --lang fr --size 1024x768 --boxes \
        --screenshot "$OUT/refused-$name.png" 2>"$TMP/p.txt"
    rc_p=$?
    if [ $rc_v = 1 ] && [ $rc_c = 1 ] && grep -qF "$want" "$TMP/v.txt" &&
        grep -qF "$want" "$TMP/c.txt" && grep -qF "$want" "$TMP/p.txt"; then
        ok "$name: validate, --check and the player refuse it, saying what it is"
    else
        ko "$name: validate $rc_v, --check $rc_c, player $rc_p"
        cat "$TMP/v.txt" "$TMP/c.txt" "$TMP/p.txt" | sed 's/^/    /'
    fi
    if [ -f "$OUT/refused-$name.png" ]; then
        check "$name: the learner is told, in French, to call the administrator" \
            facts "$OUT/refused-$name.png" says "Impossible d’ouvrir ce module"
        check "$name: no English details or path on the learner's screen" \
            facts "$OUT/refused-$name.png" not-says "error" "$TMP" "not a SCORM" "imsmanifest"
    else
        ko "$name: the player draws a frame ($rc_p)"
    fi
done

finish
