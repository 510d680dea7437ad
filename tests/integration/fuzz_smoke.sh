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
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
