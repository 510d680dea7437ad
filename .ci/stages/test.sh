#!/usr/bin/env bash
# Every suite of the plain build but the browser one: unit tests and
# integration scripts (the README's test command, in two parts; runtime.sh is
# the other).
set -uo pipefail
cd "$(dirname "$0")/../.."
make test SUITES="unit scripts"
