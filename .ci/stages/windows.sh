#!/usr/bin/env bash
# The Windows build: make windows (tools/cross-deps builds the libraries from
# Debian's sources, from an empty cache on a fresh machine; then the player
# and the MSI), niced, through tools/ci-windows, which writes
# build/windows/ci-status. .ci/run starts this stage in the background after
# the build stage, so it uses what the check and fuzz lanes leave of the
# cores; the windows_* suites of the test stage wait for that status, then
# run wardplayer.exe and the MSI under Wine (and fail if this build failed).
set -uo pipefail
cd "$(dirname "$0")/../.."
status=build/windows/ci-status
# Stopped by STAGE_TIMEOUT: say so, or the suites would wait for "running".
trap 'echo "failed stopped" >"$status"; exit 124' TERM
tools/ci-windows
tail -n 40 build/windows/ci.log
read -r result seconds <"$status"
echo "make windows: $result after $seconds s (log build/windows/ci.log)"
[ "$result" = ok ]
