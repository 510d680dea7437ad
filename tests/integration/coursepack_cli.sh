#!/usr/bin/env bash
# End-to-end tests of the coursepack command on the real modules of courses/:
# exit codes, outputs, determinism, official-schema validity of every
# manifest, validate on every package, nothing written for broken sources.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
BUILD=${BUILD:-build}
SHARED=${SHARED:-$(cd .. && pwd)/shared}
CP=$BUILD/coursepack
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME=$tmp/cache     # the SVG render cache: never the real home's
unset COURSEPACK_NO_CACHE
expect() {   # name, expected exit code, command...
    local name=$1 want=$2; shift 2
    local out rc
    out=$("$@" 2>&1); rc=$?
    if [ "$rc" -eq "$want" ]; then ok "$name"; else not_ok "$name (exit $rc, wanted $want)" "$out"; fi
}

modules=()
for m in courses/*/module.xml; do modules+=("$(dirname "$m")"); done

# --- usage -------------------------------------------------------------------
expect "no arguments is a usage error" 2 "$CP"
expect "unknown command is a usage error" 2 "$CP" frobnicate
expect "build without -o is a usage error" 2 "$CP" build courses/example-module
expect "unknown edition is a usage error" 2 "$CP" build courses/example-module -o "$tmp/x" --scorm 3
expect "--help exits 0" 0 "$CP" --help
# librsvg, cairo and their dependencies are loaded only to render an SVG:
# linking them costs every run ~30 ms of start-up
if ldd "$CP" | grep -qE 'librsvg|libcairo|libpango'; then
    not_ok "coursepack links librsvg/cairo/pango at start-up" "$(ldd "$CP" | grep -E 'rsvg|cairo|pango')"
else ok "coursepack starts without librsvg, cairo or pango"; fi

# --- check and build every module ------------------------------------------------
for m in "${modules[@]}"; do
    id=$(basename "$m")
    expect "check $id" 0 "$CP" check "$m"
done
export SOURCE_DATE_EPOCH=1700000000
expect "build all modules" 0 "$CP" build "${modules[@]}" -o "$tmp/a" -q
expect "build all modules again" 0 "$CP" build "${modules[@]}" -o "$tmp/b" -q
for m in "${modules[@]}"; do
    id=$(basename "$m")
    n=$(ls "$tmp/a/$id".*.zip 2>/dev/null | wc -l)
    langs=$(sed -n 's:.*<languages>\(.*\)</languages>.*:\1:p' "$m/module.xml" | wc -w)
    if [ "$n" -eq $((langs * 2)) ]; then ok "$id: one package per language and edition ($n)"
    else not_ok "$id: $n packages for $langs language(s)"; fi
done
if diff -r "$tmp/a" "$tmp/b" >/dev/null; then ok "two builds are byte-identical"
else not_ok "two builds differ" "$(diff -r "$tmp/a" "$tmp/b" | head)"; fi

# --- the SVG render cache: same bytes cold, warm, off, or damaged ----------------
# The first build above started with an empty cache, the second used it.
cache=$tmp/cache/coursepack/svg
nsvg=$(ls courses/*/img/*.svg | wc -l)
nentries=$(ls "$cache" 2>/dev/null | grep -vc tmp)
if [ "$nentries" -eq "$nsvg" ]; then ok "the render cache holds one entry per SVG ($nentries)"
else not_ok "the render cache holds $nentries entries for $nsvg SVGs" "$(ls -la "$cache")"; fi
cp -r "$cache" "$tmp/cache-good"
expect "build with --no-cache" 0 env XDG_CACHE_HOME="$tmp/cache-off" "$CP" build \
    "${modules[@]}" -o "$tmp/nc" -q --no-cache
expect "build with COURSEPACK_NO_CACHE=1" 0 env XDG_CACHE_HOME="$tmp/cache-off" \
    COURSEPACK_NO_CACHE=1 "$CP" build "${modules[@]}" -o "$tmp/nc2" -q
if [ ! -e "$tmp/cache-off" ]; then ok "with the cache off nothing is written to it"
else not_ok "the cache was written although it is off" "$(find "$tmp/cache-off")"; fi
expect "check with --no-cache" 0 "$CP" check courses/example-module --no-cache
# What a trainer types: every module and the curriculum file beside them,
# checked without an error or a warning (the curriculum is read as one).
out=$("$CP" check courses/* 2>&1); rc=$?
if [ "$rc" -eq 0 ] && [ -z "$out" ]; then ok "check courses/*: every module and the curriculum, silent"
else not_ok "check courses/*: every module and the curriculum, silent (exit $rc)" "$out"; fi
mkdir -p "$tmp/cur"
cp -r courses/example-module "$tmp/cur/"
printf '# order\nexample-module\nno-such-module\nexample-module\n../../etc\n' >"$tmp/cur/curriculum.txt"
out=$("$CP" check "$tmp/cur/curriculum.txt" 2>&1); rc=$?
if [ "$rc" -eq 1 ] &&
    grep -qF "$tmp/cur/curriculum.txt:3: error: no module 'no-such-module'" <<<"$out" &&
    grep -qF "$tmp/cur/curriculum.txt:4:1: error: module 'example-module' is listed again" <<<"$out" &&
    grep -qF "$tmp/cur/curriculum.txt:5:1: error: not a module id" <<<"$out" &&
    ! grep -qF "etc" <<<"$out"; then
    ok "check of a curriculum: an unknown id, an id listed twice, a path, at their lines (exit 1)"
else
    not_ok "check of a curriculum: an unknown id, an id listed twice, a path, at their lines (exit $rc)" "$out"
fi
# Damage every entry a different way: a flipped PNG byte (hash mismatch), a
# truncated entry, a valid-looking header with garbage, an empty file.
i=0
for e in "$cache"/*; do
    case $((i % 4)) in
    0) size=$(stat -c %s "$e")
       printf '\x00' | dd of="$e" bs=1 seek=$((size - 20)) conv=notrunc status=none ;;
    1) truncate -s 100 "$e" ;;
    2) { head -c 88 "$e"; head -c 500 /dev/urandom; } >"$tmp/junk" && mv "$tmp/junk" "$e" ;;
    3) : >"$e" ;;
    esac
    i=$((i + 1))
done
expect "build with a damaged cache" 0 "$CP" build "${modules[@]}" -o "$tmp/dc" -q
if diff -r "$tmp/a" "$tmp/nc" >/dev/null && diff -r "$tmp/a" "$tmp/nc2" >/dev/null \
    && diff -r "$tmp/a" "$tmp/dc" >/dev/null; then
    ok "packages are byte-identical with the cache cold, warm, off and damaged"
else not_ok "the cache changes the packages" "$(diff -r "$tmp/a" "$tmp/dc" | head)"; fi
if diff -r "$tmp/cache-good" "$cache" >/dev/null; then ok "damaged cache entries were rewritten"
else not_ok "damaged cache entries were not rewritten" "$(diff -r "$tmp/cache-good" "$cache")"; fi
: >"$tmp/not-a-folder"
expect "build when the cache folder cannot be made" 0 env XDG_CACHE_HOME="$tmp/not-a-folder" \
    "$CP" build courses/example-module -o "$tmp/nf" -q
if diff "$tmp/a/example-module.en.scorm2004.zip" "$tmp/nf/example-module.en.scorm2004.zip" \
    >/dev/null; then ok "same package when the cache cannot be written"
else not_ok "the package differs when the cache cannot be written"; fi

# --- every package: coursepack validate, official schemas, well-formed XHTML -------
for z in "$tmp"/a/*.zip; do
    name=$(basename "$z")
    expect "validate $name" 0 "$CP" validate "$z" --schemas "$SHARED/scorm/xsd"
    d="$tmp/x/$name"
    mkdir -p "$d" && unzip -q -o "$z" -d "$d"
    case $name in *scorm12*) ed=12 ;; *) ed=2004 ;; esac
    expect "official $ed schemas accept the manifest of $name" 0 \
        "$SHARED/scorm/validate-manifest" "$ed" "$d/imsmanifest.xml"
    expect "index.html of $name is well-formed XML" 0 xmllint --noout --nonet "$d/index.html"
    if unzip -Z -T "$z" | awk '/^-/ {print $(NF-1)}' | grep -vq '^20231114\.'; then
        not_ok "$name: entries not dated SOURCE_DATE_EPOCH" "$(unzip -Z -T "$z" | head -5)"
    else
        ok "$name: entries dated SOURCE_DATE_EPOCH"
    fi
done

# --- options -----------------------------------------------------------------------
expect "build --lang en --scorm 2004" 0 "$CP" build courses/example-module -o "$tmp/one" \
    --lang en --scorm 2004 -q
if [ "$(ls "$tmp/one")" = "example-module.en.scorm2004.zip" ]; then ok "--lang/--scorm select one package"
else not_ok "--lang/--scorm wrote: $(ls "$tmp/one")"; fi
expect "build --lang de is an input error" 1 "$CP" build courses/example-module -o "$tmp/de" --lang de
expect "build --schemas" 0 "$CP" build courses/example-module -o "$tmp/s" --scorm 12 --lang fr \
    --schemas "$SHARED/scorm/xsd" -q
if unzip -l "$tmp/s/example-module.fr.scorm12.zip" | grep -q ' imscp_rootv1p1p2.xsd$'; then
    ok "--schemas puts the controlling documents at the package root"
else
    not_ok "--schemas: no imscp_rootv1p1p2.xsd at the root"
fi

# --- broken sources: exit 1, a located message, nothing written ---------------------
for case in tests/broken/*/; do
    case=${case%/}
    [ -f "$case/module.xml" ] || [ -n "$(ls "$case"/*.md 2>/dev/null)" ] || continue
    name=$(basename "$case")
    out=$("$CP" build "$case" -o "$tmp/broken-$name" 2>&1); rc=$?
    if [ "$rc" -ne 1 ]; then not_ok "broken/$name: exit $rc, wanted 1" "$out"; continue; fi
    # A file-level problem (a badly named or missing page) is located by its
    # file name alone; everything else by file:line:col.
    if ! grep -qE "^$case[^ ]*(:[0-9]+:[0-9]+)?: error: " <<<"$out"; then
        not_ok "broken/$name: no located error message" "$out"; continue
    fi
    if [ -n "$(ls -A "$tmp/broken-$name" 2>/dev/null)" ]; then
        not_ok "broken/$name: files written" "$(ls -A "$tmp/broken-$name")"; continue
    fi
    ok "broken/$name: exit 1, located error, nothing written"
done

finish
