#!/usr/bin/env bash
# Smoke test of the benchmark tools, so they cannot rot between benchmark runs:
# tools/make-large-module writes (at a tiny size) a module that coursepack
# check accepts and build packages, deterministically; tools/bench answers
# --help and a dry run. No timing is asserted here; benchmarks never run in
# make test.
# sanitizers: no (the bench tools are Python; coursepack_cli runs coursepack under them)
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
BUILD=${BUILD:-build}
CP=$BUILD/coursepack
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- make-large-module ------------------------------------------------------------
gen=tools/make-large-module
if out=$("$gen" "$tmp/tiny-module" --pages 4 --images 3 --image-kb 2 --questions 1 2>&1); then
    ok "make-large-module writes a tiny module"
else
    not_ok "make-large-module writes a tiny module" "$out"
fi
n_fr=$(ls "$tmp"/tiny-module/*.fr.md 2>/dev/null | wc -l)
n_en=$(ls "$tmp"/tiny-module/*.en.md 2>/dev/null | wc -l)
n_img=$(ls "$tmp"/tiny-module/img/*.png 2>/dev/null | wc -l)
if [ "$n_fr" -eq 4 ] && [ "$n_en" -eq 4 ] && [ "$n_img" -eq 3 ]; then
    ok "it has the pages and images asked for (4 fr, 4 en, 3 png)"
else
    not_ok "pages/images: $n_fr fr, $n_en en, $n_img png (wanted 4, 4, 3)"
fi
if out=$("$CP" check "$tmp/tiny-module" 2>&1) && [ -z "$out" ]; then
    ok "coursepack check accepts it without a message"
else
    not_ok "coursepack check on the generated module" "$out"
fi
if grep -q '^```question id=q-p0001 type=single' "$tmp"/tiny-module/00-p0001.en.md; then
    ok "the question asked for is there"
else
    not_ok "no question in the first page" "$(head -30 "$tmp"/tiny-module/00-p0001.en.md)"
fi
# the images are noise: a zip of them stays about as large as they are
img_bytes=$(cat "$tmp"/tiny-module/img/*.png | wc -c)
if out=$(SOURCE_DATE_EPOCH=1700000000 "$CP" build "$tmp/tiny-module" -o "$tmp/dist" -q \
        --lang en --scorm 2004 2>&1) && [ -f "$tmp/dist/tiny-module.en.scorm2004.zip" ]; then
    ok "coursepack build packages it"
    # compressed size of the img/ entries (unzip -v: Length Method Size Cmpr ... Name)
    zsize=$(unzip -v "$tmp/dist/tiny-module.en.scorm2004.zip" | awk '$NF ~ /^img\// {s += $3} END {print s + 0}')
    if [ "$zsize" -gt $((img_bytes * 9 / 10)) ]; then
        ok "its images do not compress to nothing ($zsize bytes zipped of $img_bytes)"
    else
        not_ok "images: $zsize bytes zipped of $img_bytes: the noise compresses"
    fi
    entries=$(unzip -Z1 "$tmp/dist/tiny-module.en.scorm2004.zip" | grep -c '^img/')
    if [ "$entries" -eq 3 ]; then ok "every image is in the package"
    else not_ok "$entries images in the package (wanted 3)"; fi
else
    not_ok "coursepack build of the generated module" "$out"
fi
# the bench's zip floor does the work coursepack did: the same files, and
# the entries coursepack stored (noise images of 8 KB) stored with zip -0.
# (zip -6 itself stores what it failed to shrink, after trying: so only
# "stored by us => stored by the floor" is asserted, and that the rest
# was given to zip -6.)
"$gen" "$tmp/floor-module" --pages 2 --images 3 --image-kb 8 --langs en --questions 0 \
    >/dev/null 2>&1
SOURCE_DATE_EPOCH=1700000000 "$CP" build "$tmp/floor-module" -o "$tmp/floor-dist" -q \
    --lang en --scorm 2004 >/dev/null 2>&1
pkg="$tmp/floor-dist/floor-module.en.scorm2004.zip"
if [ -f "$pkg" ] && command -v zip >/dev/null && command -v unzip >/dev/null; then
    mkdir -p "$tmp/tree" && unzip -q "$pkg" -d "$tmp/tree"
    if out=$(python3 - "$pkg" "$tmp/tree" "$tmp/floor.zip" "$tmp/lists" 2>&1 <<'PY'
import importlib.machinery, importlib.util, subprocess, sys, zipfile
loader = importlib.machinery.SourceFileLoader("bench", "tools/bench")
spec = importlib.util.spec_from_loader("bench", loader)
bench = importlib.util.module_from_spec(spec)
loader.exec_module(bench)
pkg, tree, zout, lists = sys.argv[1:5]
lines, nstored = bench.zip_floor_script(pkg, tree, zout, lists)
subprocess.run(["sh", "-c", " && ".join(lines)], check=True)
def methods(path):
    with zipfile.ZipFile(path) as z:
        return {i.filename: i.compress_type for i in z.infolist()}
ours, floor = methods(pkg), methods(zout)
stored = sorted(n for n, m in ours.items() if m == zipfile.ZIP_STORED)
assert sorted(ours) == sorted(floor), "files differ: %r vs %r" % (sorted(ours), sorted(floor))
assert nstored == len(stored) == 3, "stored: %r" % stored
assert all(n.startswith("img/") for n in stored), stored
assert all(floor[n] == zipfile.ZIP_STORED for n in stored), floor
assert ours["index.html"] == floor["index.html"] == zipfile.ZIP_DEFLATED
assert len(lines) == 2 and " -6 " in lines[0] and " -0 " in lines[1], lines
print("%d entries, %d stored" % (len(ours), nstored))
PY
    ); then
        ok "the bench's zip floor stores and deflates what coursepack did ($out)"
    else
        not_ok "the bench's zip floor" "$out"
    fi
else
    not_ok "no package (or no zip/unzip) for the zip floor check"
fi
# same options, same bytes; the existing folder (its own) is replaced
"$gen" "$tmp/tiny-module" --pages 4 --images 3 --image-kb 2 --questions 1 >/dev/null 2>&1
cp -r "$tmp/tiny-module" "$tmp/first"
"$gen" "$tmp/tiny-module" --pages 4 --images 3 --image-kb 2 --questions 1 >/dev/null 2>&1
if diff -r "$tmp/first" "$tmp/tiny-module" >/dev/null; then ok "the generator is deterministic"
else not_ok "two runs differ" "$(diff -r "$tmp/first" "$tmp/tiny-module" | head)"; fi
# a one-language module, as the scaling packages use
if "$gen" "$tmp/one-lang" --pages 3 --images 0 --langs en --questions 0 >/dev/null 2>&1 &&
   out=$("$CP" check "$tmp/one-lang" 2>&1) && [ -z "$out" ] &&
   [ "$(ls "$tmp"/one-lang/*.md | wc -l)" -eq 3 ]; then
    ok "an English-only module without images or questions is accepted"
else
    not_ok "English-only generated module" "$out"
fi
# it never overwrites a folder it did not write
mkdir -p "$tmp/precious" && echo keep >"$tmp/precious/notes.txt"
if out=$("$gen" "$tmp/precious" --pages 2 --images 0 2>&1); then
    not_ok "make-large-module replaced a folder it did not write"
elif grep -q "not written by this tool" <<<"$out" && [ -f "$tmp/precious/notes.txt" ]; then
    ok "a folder it did not write is refused and kept"
else
    not_ok "refusal message" "$out"
fi
if out=$("$gen" "$tmp/x-module" --langs de 2>&1); then
    not_ok "--langs de accepted"
elif grep -q -- "--langs takes fr, en" <<<"$out"; then
    ok "a wrong language is a usage error naming --langs"
else
    not_ok "wrong language message" "$out"
fi

# --- tools/bench --------------------------------------------------------------------
if out=$(tools/bench --help 2>&1) && grep -q -- "--runs" <<<"$out" && grep -q -- "--dry-run" <<<"$out"; then
    ok "tools/bench --help lists --runs and --dry-run"
else
    not_ok "tools/bench --help" "$out"
fi
if out=$(BUILD=$BUILD timeout 120 tools/bench --dry-run --out "$tmp/bench.md" 2>&1) &&
   grep -q "dry run: tools found, nothing measured" <<<"$out" &&
   grep -q "would build example-module" <<<"$out"; then
    ok "tools/bench --dry-run plans every module and measures nothing"
else
    not_ok "tools/bench --dry-run" "$out"
fi
if [ ! -e "$tmp/bench.md" ]; then ok "a dry run writes no table"
else not_ok "a dry run wrote $tmp/bench.md"; fi
if out=$(BUILD=$tmp/nowhere tools/bench --dry-run 2>&1); then
    not_ok "tools/bench ran without coursepack"
elif grep -q "is not built" <<<"$out"; then
    ok "tools/bench without a built coursepack says so"
else
    not_ok "tools/bench without coursepack" "$out"
fi
# without a usable player, every player figure says "not measured" and why
mkdir -p "$tmp/noplayer" "$tmp/oldplayer"
ln -s "$(cd "$(dirname "$CP")" && pwd)/coursepack" "$tmp/noplayer/coursepack"
ln -s "$(cd "$(dirname "$CP")" && pwd)/coursepack" "$tmp/oldplayer/coursepack"
printf '#!/bin/sh\necho "usage: wardplayer PKG [--kiosk]"\n' >"$tmp/oldplayer/wardplayer"
chmod +x "$tmp/oldplayer/wardplayer"
out=$(BUILD=$tmp/noplayer timeout 120 tools/bench --dry-run --only player 2>&1)
n=$(grep -c "not measured: .*wardplayer is not built" <<<"$out")
if [ "$n" -eq 6 ]; then ok "no wardplayer: the 6 player figures are not measured, saying why"
else not_ok "no wardplayer: $n rows say so (wanted 6)" "$out"; fi
out=$(BUILD=$tmp/oldplayer timeout 120 tools/bench --dry-run --only player 2>&1)
if grep -q "page turn: not measured: wardplayer has no --headless option" <<<"$out"; then
    ok "a wardplayer without --headless is not measured, saying so"
else
    not_ok "wardplayer without --headless" "$out"
fi
if out=$(BUILD=$BUILD tools/bench --runs 0 --dry-run 2>&1); then
    not_ok "--runs 0 accepted"
elif grep -q -- "--runs must be 1..100" <<<"$out"; then
    ok "--runs 0 is a usage error"
else
    not_ok "--runs 0 message" "$out"
fi

finish
