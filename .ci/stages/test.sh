#!/usr/bin/env bash
# The README's test command (its install half is the install stage): every
# suite of the plain build, the unit tests, the integration scripts (the Wine
# ones wait for the windows stage) and the browser suite.
set -uo pipefail
cd "$(dirname "$0")/../.."
make test
