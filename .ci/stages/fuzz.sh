#!/usr/bin/env bash
# Each libFuzzer target for 60 seconds, one at a time (one core); crashes,
# leaks and hangs are kept in build/fuzz/artifacts/ and fail the stage.
set -uo pipefail
cd "$(dirname "$0")/../.."
FUZZ_SECONDS=${FUZZ_SECONDS:-60} make fuzz
