#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/fuzz_*.c, via tools/fuzz) and runs
# each once over its seed corpus (tests/fuzz/seeds/<target>/): proves in
# `make test` that the targets build and that no seed (every past crash is
# kept as one) crashes, leaks or hangs. Real fuzzing: `make fuzz`. Without
# clang nothing here can run: a counted skip, a failure in CI (tests/lib.sh).
# sanitizers: no (it builds its own ASan+UBSan binaries with clang: the same run either way)
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
BUILD=${BUILD:-build}
need clang "the fuzz targets build and their seeds run" || finish
out=$(FUZZ_BUILD=$BUILD/fuzz tools/fuzz --seeds-only 2>&1)
rc=$?
printf '%s\n' "$out"
results=0
bad=0
while IFS= read -r line; do
    case $line in
        "ok   "*) passed=$((passed + 1)); results=$((results + 1)) ;;
        "FAIL "*) failed=$((failed + 1)); results=$((results + 1)); bad=$((bad + 1)) ;;
    esac
done <<<"$out"
n_targets=$(ls tests/fuzz/fuzz_*.c | wc -l)
if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
    not_ok "tools/fuzz exited $rc (build error?)"
elif [ "$results" -ne "$n_targets" ]; then
    not_ok "$n_targets targets but $results results"
fi

# The hostile corpus through the instrumented readers (ASan + UBSan): every
# zip through fuzz_zip (package + validate), and the launch pages of the
# deep-nesting (100,000 divs), long-word (2 MiB) and scripts packages
# through fuzz_page_read.
bin=$BUILD/fuzz/bin
if [ ! -x "$bin/fuzz_zip" ] || [ ! -x "$bin/fuzz_page_read" ]; then
    not_ok "hostile corpus through the instrumented readers (fuzz_zip or fuzz_page_read not built)"
else
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    if tools/make-hostile-corpus "$tmp" packages --no-bombs >/dev/null 2>&1; then
        for n in deep-nesting long-word scripts content-bad-utf8; do
            unzip -p "$tmp/packages/$n.zip" index.html >"$tmp/$n.html" 2>/dev/null
        done
        if "$bin/fuzz_zip" -rss_limit_mb=2048 -timeout=60 "$tmp"/packages/*.zip >"$tmp/zip.log" 2>&1; then
            ok "hostile zips through fuzz_zip ($(ls "$tmp"/packages/*.zip | wc -l))"
        else
            not_ok "hostile zips through fuzz_zip"
            grep -E 'ERROR|SUMMARY|Running' "$tmp/zip.log" | tail -5 | sed 's/^/     /'
        fi
        if "$bin/fuzz_page_read" -rss_limit_mb=2048 -timeout=60 "$tmp"/*.html >"$tmp/page.log" 2>&1; then
            ok "hostile pages through fuzz_page_read (100,000 nested divs, 2 MiB word, scripts, bad UTF-8)"
        else
            not_ok "hostile pages through fuzz_page_read"
            grep -E 'ERROR|SUMMARY|Running' "$tmp/page.log" | tail -5 | sed 's/^/     /'
        fi
    else
        not_ok "tools/make-hostile-corpus"
    fi
fi
finish
