#!/usr/bin/env bash
# coursepack, wardplayer and the unit tests, built twice on both cores: plain
# (-O2) and with AddressSanitizer + UndefinedBehaviorSanitizer (build/asan).
set -euo pipefail
cd "$(dirname "$0")/../.."
make -j2 test-build
make -j2 SANITIZE=1 test-build
