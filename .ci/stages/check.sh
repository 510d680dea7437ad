#!/usr/bin/env bash
# The tests that run our C code, under ASan + UBSan (make check: the unit
# tests and the integration scripts without a "# sanitizers: no" line).
set -uo pipefail
cd "$(dirname "$0")/../.."
make check
