#!/usr/bin/env bash
# The browser suite: every package played in headless Chromium against
# scorm-again (tests/runtime, node --test).
set -uo pipefail
cd "$(dirname "$0")/../.."
make test SUITES=runtime
