#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/fuzz_*.c, via tools/fuzz) and runs
# each once over its seed corpus (tests/fuzz/seeds/<target>/): proves in
# `make test` that the targets build and that no seed (every past crash is
# kept as one) crashes, leaks or hangs. Real fuzzing: `make fuzz`.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
passed=0
failed=0
if ! command -v clang >/dev/null 2>&1; then
    echo "skip: no clang (tools/install-deps installs clang and libclang-rt-14-dev)"
    echo "0 passed, 0 failed"
    exit 0
fi
out=$(FUZZ_BUILD=$BUILD/fuzz tools/fuzz --seeds-only 2>&1)
rc=$?
printf '%s\n' "$out"
while IFS= read -r line; do
    case $line in
        "ok   "*) passed=$((passed + 1)) ;;
        "FAIL "*) failed=$((failed + 1)) ;;
    esac
done <<<"$out"
n_targets=$(ls tests/fuzz/fuzz_*.c | wc -l)
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
    echo "FAIL tools/fuzz exited $rc (build error?)"
    failed=$((failed + 1))
elif [ $((passed + failed)) -ne "$n_targets" ]; then
    echo "FAIL $n_targets targets but $((passed + failed)) results"
    failed=$((failed + 1))
fi

# The hostile corpus through the instrumented readers (ASan + UBSan): every
# zip through fuzz_zip (package + validate), and the launch pages of the
# deep-nesting (100,000 divs), long-word (2 MiB) and scripts packages
# through fuzz_page_read.
bin=$BUILD/fuzz/bin
if [ -x "$bin/fuzz_zip" ] && [ -x "$bin/fuzz_page_read" ]; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    if tools/make-hostile-corpus "$tmp" packages --no-bombs >/dev/null 2>&1; then
        for n in deep-nesting long-word scripts content-bad-utf8; do
            unzip -p "$tmp/packages/$n.zip" index.html >"$tmp/$n.html" 2>/dev/null
        done
        if "$bin/fuzz_zip" -rss_limit_mb=2048 -timeout=60 "$tmp"/packages/*.zip >"$tmp/zip.log" 2>&1; then
            passed=$((passed + 1)); echo "ok   hostile zips through fuzz_zip ($(ls "$tmp"/packages/*.zip | wc -l))"
        else
            failed=$((failed + 1)); echo "FAIL hostile zips through fuzz_zip"
            grep -E 'ERROR|SUMMARY|Running' "$tmp/zip.log" | tail -5 | sed 's/^/     /'
        fi
        if "$bin/fuzz_page_read" -rss_limit_mb=2048 -timeout=60 "$tmp"/*.html >"$tmp/page.log" 2>&1; then
            passed=$((passed + 1)); echo "ok   hostile pages through fuzz_page_read (100,000 nested divs, 2 MiB word, scripts, bad UTF-8)"
        else
            failed=$((failed + 1)); echo "FAIL hostile pages through fuzz_page_read"
            grep -E 'ERROR|SUMMARY|Running' "$tmp/page.log" | tail -5 | sed 's/^/     /'
        fi
    else
        failed=$((failed + 1)); echo "FAIL tools/make-hostile-corpus"
    fi
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
