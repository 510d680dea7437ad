#!/usr/bin/env bash
# Crash safety of `coursepack build` (a power cut, a killed process): a module
# made larger on purpose (incompressible images, so the zip writing takes a
# while) is built into dist/ in two versions A and B; then builds alternating
# between A and B are killed with SIGKILL at random moments (0 to the measured
# build time) CRASH_RUNS times (default 50). After every kill each package in
# dist/ must be byte-identical to version A's or version B's (so a valid
# package, checked once with `coursepack validate`), never missing, never
# partial; any leftover temporary file must not end in .zip (an LMS upload or
# a player library must not mistake it for a package); leftovers are counted.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
BUILD=${BUILD:-build}
CP=$PWD/$BUILD/coursepack
RUNS=${CRASH_RUNS:-50}
BOPTS=(--lang en --scorm 12)     # one package: more kills per minute
[ -x "$CP" ] || { not_ok "no $CP"; finish; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SOURCE_DATE_EPOCH=1700000000 HOME=$tmp/home TMPDIR=$tmp/tmp
mkdir -p "$HOME" "$TMPDIR"
mod=$tmp/crash-module
cp -r courses/example-module "$mod"
sed -i 's/id="example-module"/id="crash-module"/' "$mod/module.xml"

# Four 1400 x 1000 PNGs of random pixels (about 4 MiB each, incompressible),
# shown on the first page of each language.
python3 - "$mod" <<'EOF' || { not_ok "cannot generate images"; finish; }
import os, random, struct, sys, zlib
mod = sys.argv[1]
rng = random.Random(42)
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
w, h = 1400, 1000
for i in range(4):
    rows = b"".join(b"\0" + rng.randbytes(w * 3) for _ in range(h))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b""))
    with open(os.path.join(mod, "img", "noise%d.png" % i), "wb") as f:
        f.write(png)
for lang, alt in (("en", "Noise picture"), ("fr", "Image de bruit")):
    page = [p for p in sorted(os.listdir(mod)) if p.endswith("." + lang + ".md")][0]
    with open(os.path.join(mod, page), "a") as f:
        for i in range(4):
            f.write("\n![%s %d](img/noise%d.png)\n" % (alt, i, i))
EOF

set_version() {   # A or B: one word of the first English page differs
    local page; page=$(ls "$mod"/*.en.md | head -1)
    sed -i -e '$d' "$page"
    echo "version-marker-$1" >>"$page"
}
printf "\nversion-marker-A\n" >>"$(ls "$mod"/*.en.md | head -1)"

declare -A good=()
for v in A B; do
    set_version $v
    rm -rf "$tmp/ref-$v"
    t0=$(date +%s%N)
    if ! out=$("$CP" build "$mod" "${BOPTS[@]}" -o "$tmp/ref-$v" -q 2>&1); then
        not_ok "version $v does not build" "$out"; finish
    fi
    t1=$(date +%s%N)
    dur_ms=$(( (t1 - t0) / 1000000 ))
    for z in "$tmp/ref-$v"/*.zip; do
        if "$CP" validate "$z" >/dev/null 2>&1; then :; else not_ok "version $v: $(basename "$z") invalid"; fi
        good["$(basename "$z"):$(sha256sum <"$z" | cut -c1-64)"]=$v
    done
done
names=$(cd "$tmp/ref-A" && ls *.zip | sort)
n_names=$(wc -l <<<"$names")
ok "versions A and B build ($n_names packages each, ${dur_ms} ms per build)"
[ "$dur_ms" -lt 50 ] && dur_ms=50

dist=$tmp/dist
set_version A
"$CP" build "$mod" "${BOPTS[@]}" -o "$dist" -q >/dev/null 2>&1 || not_ok "initial build into dist failed"

bad=0
stray_max=0
for ((i = 1; i <= RUNS; i++)); do
    if ((i % 2)); then set_version B; else set_version A; fi
    delay_ms=$(( RANDOM % (dur_ms + 1) ))
    "$CP" build "$mod" "${BOPTS[@]}" -o "$dist" -q >/dev/null 2>&1 &
    pid=$!
    sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    # every package there, each one version A's or B's
    have=$(cd "$dist" && ls *.zip 2>/dev/null | sort)
    if [ "$have" != "$names" ]; then
        not_ok "run $i (killed at ${delay_ms} ms): packages missing or extra" "$(diff <(echo "$names") <(echo "$have"))"
        bad=$((bad + 1)); continue
    fi
    for z in "$dist"/*.zip; do
        key="$(basename "$z"):$(sha256sum <"$z" | cut -c1-64)"
        if [ -z "${good[$key]:-}" ]; then
            v=$("$CP" validate "$z" 2>&1)
            not_ok "run $i (killed at ${delay_ms} ms): $(basename "$z") is neither version" "$v"
            bad=$((bad + 1))
            cp "$z" "$tmp/broken-$i-$(basename "$z")"
        fi
    done
    stray_zip=$(cd "$dist" && ls -A | grep -v -x -F "$names" | grep '\.zip$')
    if [ -n "$stray_zip" ]; then
        not_ok "run $i: a leftover temporary file ends in .zip" "$stray_zip"; bad=$((bad + 1))
    fi
    n=$(cd "$dist" && ls -A | grep -v -x -F "$names" | grep -c .)
    [ "$n" -gt "$stray_max" ] && stray_max=$n
done
[ $bad -eq 0 ] && ok "$RUNS builds killed at random moments: dist/ always holds whole packages of version A or B"
left=$(cd "$dist" && ls -A | grep -v -x -F "$names")
if [ -z "$left" ]; then
    ok "no temporary file left behind"
else
    n=$(grep -c . <<<"$left")
    echo "note: $n temporary file(s) left by killed builds (none ends in .zip): $(head -3 <<<"$left" | tr '\n' ' ')"
    if grep -q '\.zip$' <<<"$left"; then not_ok "leftover named like a package" "$left"
    else ok "leftovers ($n after $RUNS kills) cannot be taken for packages"; fi
fi
# one more normal build cleans up nothing it should not, and dist/ is valid
set_version A
if "$CP" build "$mod" "${BOPTS[@]}" -o "$dist" -q >/dev/null 2>&1 && "$CP" validate "$dist"/*.zip >/dev/null 2>&1; then
    ok "a normal build after the kills gives valid packages"
else
    not_ok "build or validate after the kills failed"
fi
finish
