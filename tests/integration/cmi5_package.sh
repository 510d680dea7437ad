#!/usr/bin/env bash
# cmi5 course packages as coursepack builds them: --format (alone and with
# --scorm), per module and language, and the curriculum (--curriculum). Each
# cmi5.xml is checked with xmllint against the cmi5 CourseStructure.xsd of
# ../shared (never copied into the repo), independently of our own reader;
# a broken one must fail it. Then what the LMS imports: cmi5.xml at the
# root, no manifest, relative AU urls that exist in the zip, moveOn and
# masteryScore from module.xml, the page in cmi5 mode with the launch
# adapter, SCORM packages unchanged (no adapter); the same bytes twice; and
# every usage or curriculum mistake refused with its place. Prints
# "N passed, N failed, N skipped" (tests/lib.sh).
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
SHARED=${SHARED:-$(cd .. && pwd)/shared}
CP=$BUILD/coursepack
XSD=$SHARED/scorm/cmi5/v1/CourseStructure.xsd
. tests/lib.sh
check() { local what=$1; shift; if "$@"; then ok "$what"; else ko "$what"; fi; }

need xmllint "cmi5.xml checked against the cmi5 schema" || finish
need unzip "what the cmi5 packages hold" || finish
[ -x "$CP" ] || { not_ok "$CP is built (make)"; finish; }
[ -f "$XSD" ] || { not_ok "$XSD is there (../shared, or SHARED=)"; finish; }
T=$(mktemp -d /tmp/cmi5_package.XXXXXX)
trap 'rm -rf "$T"' EXIT
FIX=tests/fixtures/scoring-module

# ---- --format and --scorm ----------------------------------------------------
"$CP" build "$FIX" -o "$T/default" -q
check "no --format: SCORM only, as before" \
    [ "$(cd "$T/default" && ls | tr '\n' ' ')" = "scoring-module.en.scorm12.zip scoring-module.en.scorm2004.zip scoring-module.fr.scorm12.zip scoring-module.fr.scorm2004.zip " ]
"$CP" build "$FIX" -o "$T/cmi5" -q --format cmi5
check "--format cmi5: one cmi5 zip per language" \
    [ "$(cd "$T/cmi5" && ls | tr '\n' ' ')" = "scoring-module.en.cmi5.zip scoring-module.fr.cmi5.zip " ]
"$CP" build "$FIX" -o "$T/all" -q --format all --scorm 2004 --lang fr
check "--format all --scorm 2004 --lang fr: the 2004 zip and the cmi5 zip" \
    [ "$(cd "$T/all" && ls | tr '\n' ' ')" = "scoring-module.fr.cmi5.zip scoring-module.fr.scorm2004.zip " ]
"$CP" build "$FIX" -o "$T/x" --format cmi5 --scorm 12 >"$T/out" 2>&1
rc=$?
check "--format cmi5 --scorm 12: usage error (exit 2) that says why" \
    eval '[ $rc = 2 ] && grep -qF -- "--scorm picks SCORM editions, but --format cmi5 builds no SCORM package (use --format all for both)" "$T/out"'
"$CP" build "$FIX" -o "$T/x" --format xapi >"$T/out" 2>&1
rc=$?
check "an unknown format: exit 2" eval '[ $rc = 2 ] && grep -qF "unknown format '"'"'xapi'"'"' (use scorm, cmi5 or all)" "$T/out"'
check "no package written by a usage error" [ ! -e "$T/x" ]

# ---- each cmi5 package -------------------------------------------------------------
# xmllint's verdict on the cmi5.xml of a zip
schema_ok() { unzip -p "$1" cmi5.xml >"$T/cmi5.xml" && xmllint --noout --schema "$XSD" "$T/cmi5.xml" >"$T/xmllint.out" 2>&1; }
attr() { sed -n "s/.*<au [^>]*$1=\"\\([^\"]*\\)\".*/\\1/p" "$T/cmi5.xml" | head -1; }
for lang in en fr; do
    z=$T/cmi5/scoring-module.$lang.cmi5.zip
    check "$lang: cmi5.xml valid against CourseStructure.xsd (xmllint)" schema_ok "$z"
    unzip -Z1 "$z" | sort >"$T/list"
    check "$lang: cmi5.xml at the root, no imsmanifest.xml" eval 'grep -qx cmi5.xml "$T/list" && ! grep -q imsmanifest "$T/list"'
    check "$lang: the launch adapter and the runtime are in the package" \
        eval 'grep -qx runtime/cp-cmi5.js "$T/list" && grep -qx runtime/cp-runtime.js "$T/list"'
    check "$lang: one AU, its url relative and in the zip" \
        eval '[ "$(grep -c "<au " "$T/cmi5.xml")" = 1 ] && [ "$(sed -n "s|.*<url>\(.*\)</url>.*|\1|p" "$T/cmi5.xml")" = index.html ] && grep -qx index.html "$T/list"'
    check "$lang: course and AU ids name the module and the language" \
        eval 'grep -qF "<course id=\"urn:coursepack:course:scoring-module:$lang\">" "$T/cmi5.xml" && [ "$(attr id)" = "urn:coursepack:au:scoring-module:$lang" ]'
    check "$lang: moveOn CompletedAndPassed, masteryScore 0.6 (module.xml: 60), AnyWindow" \
        eval '[ "$(attr moveOn)/$(attr masteryScore)/$(attr launchMethod)" = CompletedAndPassed/0.6/AnyWindow ]'
    unzip -p "$z" index.html >"$T/index.html"
    check "$lang: the page is in cmi5 mode and loads the adapter before the runtime" \
        eval 'grep -q "data-cp-scorm=\"cmi5\"" "$T/index.html" && tr -d "\n" <"$T/index.html" | grep -q "<script src=\"runtime/cp-cmi5.js\"></script><script src=\"runtime/cp-runtime.js\"></script>"'
done
check "SCORM packages do not carry the cmi5 adapter" \
    eval '! unzip -Z1 "$T/all/scoring-module.fr.scorm2004.zip" | grep -q cp-cmi5'
SOURCE_DATE_EPOCH=1700000000 "$CP" build "$FIX" -o "$T/again1" -q --format cmi5
SOURCE_DATE_EPOCH=1700000000 "$CP" build "$FIX" -o "$T/again2" -q --format cmi5
check "the same sources give the same bytes" cmp -s "$T/again1/scoring-module.en.cmi5.zip" "$T/again2/scoring-module.en.cmi5.zip"

# A module whose learners never meet a scored item completes, and has nothing to pass.
mkdir -p "$T/src/plain"
cat >"$T/src/plain/module.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<module xmlns="urn:coursepack:module:1" id="plain" version="1.0.0">
  <languages>en</languages>
  <title xml:lang="en">Plain</title>
  <description xml:lang="en">Reading only.</description>
  <duration minutes="5"/>
  <mastery score="80"/>
  <author>coursepack tests</author>
</module>
EOF
printf '# Reading\n\nA page to read, nothing to answer.\n' >"$T/src/plain/01-read.en.md"
"$CP" build "$T/src/plain" -o "$T/plain" -q --format cmi5 2>"$T/err"
check "nothing scored: the package is written" [ -f "$T/plain/plain.en.cmi5.zip" ] || cat "$T/err"
if [ -f "$T/plain/plain.en.cmi5.zip" ]; then
    check "nothing scored: schema-valid" schema_ok "$T/plain/plain.en.cmi5.zip"
    check "nothing scored: moveOn Completed, no masteryScore" \
        eval '[ "$(attr moveOn)" = Completed ] && ! grep -q masteryScore "$T/cmi5.xml"'
fi

# ---- the curriculum -------------------------------------------------------------
"$CP" build --curriculum courses/curriculum.txt -o "$T/cur" -q 2>"$T/err"
check "the curriculum of courses/: one cmi5 zip per language" \
    [ "$(cd "$T/cur" 2>/dev/null && ls | tr '\n' ' ')" = "curriculum.en.cmi5.zip curriculum.fr.cmi5.zip " ] || cat "$T/err"
ids=$(sed 's/#.*//' courses/curriculum.txt | tr -d ' \t\r' | grep -v '^$')
for lang in en fr; do
    z=$T/cur/curriculum.$lang.cmi5.zip
    [ -f "$z" ] || continue
    check "curriculum $lang: valid against CourseStructure.xsd (xmllint)" schema_ok "$z"
    check "curriculum $lang: the AUs are the modules of curriculum.txt, in its order" \
        eval '[ "$(sed -n "s/.*<au id=\"urn:coursepack:au:\([^:]*\):$lang\".*/\1/p" "$T/cmi5.xml")" = "$ids" ]'
    unzip -Z1 "$z" >"$T/list"
    missing=$(sed -n 's|.*<url>\(.*\)</url>.*|\1|p' "$T/cmi5.xml" | while read -r u; do
        grep -qx "$u" "$T/list" || echo "$u"; done)
    check "curriculum $lang: every AU url is relative (<id>/index.html) and in the zip" \
        eval '[ -z "$missing" ] && ! sed -n "s|.*<url>\(.*\)</url>.*|\1|p" "$T/cmi5.xml" | grep -qv "^[a-z0-9-]*/index.html$"'
    check "curriculum $lang: each module's runtime, adapter and page under its folder" \
        eval 'for i in $ids; do grep -qx "$i/runtime/cp-cmi5.js" "$T/list" && grep -qx "$i/runtime/cp-runtime.js" "$T/list" || exit 1; done'
    check "curriculum $lang: its course id and the catalogue's title" \
        eval 'grep -qF "<course id=\"urn:coursepack:curriculum:$lang\">" "$T/cmi5.xml" && grep -q "<title><langstring lang=\"$lang\">.*\(curriculum\|parcours\)" "$T/cmi5.xml"'
done

# curriculum mistakes, each located
mkdir -p "$T/c2"
cp -r "$FIX" "$T/c2/scoring-module"
cp -r "$T/src/plain" "$T/c2/plain"
printf '# test\nplain\nscoring-module  # the fixture\n' >"$T/c2/curriculum.txt"
"$CP" build --curriculum "$T/c2/curriculum.txt" -o "$T/c2out" -q --lang en 2>"$T/err"
check "a curriculum of two modules (comments allowed), --lang en: one package" \
    [ "$(ls "$T/c2out" 2>/dev/null | tr '\n' ' ')" = "curriculum.en.cmi5.zip " ] || cat "$T/err"
[ -f "$T/c2out/curriculum.en.cmi5.zip" ] && schema_ok "$T/c2out/curriculum.en.cmi5.zip" &&
    check "two modules: plain (Completed) then scoring-module (CompletedAndPassed 0.6)" \
        eval '[ "$(grep -o "moveOn=\"[A-Za-z]*\"\( masteryScore=\"[0-9.]*\"\)\?" "$T/cmi5.xml" | tr "\n" " ")" = "moveOn=\"Completed\" moveOn=\"CompletedAndPassed\" masteryScore=\"0.6\" " ]'
"$CP" build --curriculum "$T/c2/curriculum.txt" -o "$T/c2fr" -q --lang fr >"$T/out" 2>&1
rc=$?
check "a module without the language: exit 1, named" \
    eval '[ $rc = 1 ] && grep -qF "the module has no language '"'"'fr'"'"'" "$T/out" && [ ! -e "$T/c2fr/curriculum.fr.cmi5.zip" ]'
printf 'plain\nno-such-module\nplain extra\nplain\n' >"$T/c2/bad.txt"
"$CP" build --curriculum "$T/c2/bad.txt" -o "$T/c2bad" -q >"$T/out" 2>&1
rc=$?
check "a bad curriculum: exit 1" [ "$rc" = 1 ]
check "  an unknown module, at its line" grep -qF "$T/c2/bad.txt:2: error: no module 'no-such-module' ($T/c2/no-such-module has no module.xml: fix the id or remove the line)" "$T/out"
check "  two words on a line, at the second" grep -qF "$T/c2/bad.txt:3:7: error: more than one word on the line (write one module id a line; '#' starts a comment)" "$T/out"
check "  a module listed twice" grep -qF "$T/c2/bad.txt:4:1: error: module 'plain' is listed again (first on line 1; list each module once)" "$T/out"
check "  nothing written" [ ! -e "$T/c2bad" ]
"$CP" build --format scorm --curriculum courses/curriculum.txt -o "$T/x" >"$T/out" 2>&1
rc=$?
check "--format scorm --curriculum: usage error" eval '[ $rc = 2 ] && grep -qF "the curriculum is a cmi5 course: --curriculum needs --format cmi5 or all" "$T/out"'

# ---- the check is real: xmllint refuses a broken course structure ------------------------
unzip -p "$T/cmi5/scoring-module.en.cmi5.zip" cmi5.xml | sed 's/moveOn="CompletedAndPassed"/moveOn="Whenever"/' >"$T/broken.xml"
check "a cmi5.xml with a wrong moveOn fails xmllint (negative control)" \
    eval '! xmllint --noout --schema "$XSD" "$T/broken.xml" >/dev/null 2>&1'

finish
