# tests/lib.sh: how an integration script (tests/integration/*.sh) counts its
# checks, so that tests/run can add them up. Source it after cd'ing to the
# top of the tree:   . tests/lib.sh
#
#   ok NAME                 a check passed
#   not_ok NAME [DETAIL]    a check failed (DETAIL: first lines shown, indented);
#                           ko is the same
#   skip NAME WHY           a check that could not run, said and counted
#   need TOOL NAME          0 when TOOL is on PATH; otherwise the check NAME
#                           cannot run: a counted skip on a developer's
#                           machine, a failure when CI=true (tools/install-deps
#                           installs every tool the tests use)
#   finish                  prints "N passed, N failed, N skipped" (the line
#                           tests/run reads) and exits: 1 if anything failed
#                           or nothing at all was checked, else 0; a script
#                           that must tidy up first (stop a server) defines
#                           before_finish, which finish calls
#
# The rule: a check whose subject did not run (a crash, a missing file, a
# missing tool) is a failure or a counted skip, never silence.

# Sourced twice (store_lib.bash, then tests/e2e/wine.sh): keep the counts.
if [ -n "${tests_lib_loaded:-}" ]; then return 0; fi
tests_lib_loaded=1
passed=0
failed=0
skipped=0

ok() { passed=$((passed + 1)); echo "ok   $1"; }

not_ok() {
    failed=$((failed + 1))
    echo "FAIL $1"
    if [ $# -gt 1 ]; then printf '%s\n' "$2" | head -20 | sed 's/^/     /'; fi
    return 0
}

ko() { not_ok "$@"; }

skip() { skipped=$((skipped + 1)); echo "skip $1${2:+ ($2)}"; }

need() {
    command -v "$1" >/dev/null 2>&1 && return 0
    if [ "${CI:-}" = true ]; then
        not_ok "$2 (no $1: tools/install-deps installs it, and CI must have it)"
    else
        skip "$2" "no $1; tools/install-deps installs it"
    fi
    return 1
}

finish() {
    if declare -F before_finish >/dev/null; then before_finish; fi
    if [ $((passed + failed + skipped)) -eq 0 ]; then
        not_ok "the script checked nothing"
    fi
    echo "$passed passed, $failed failed, $skipped skipped"
    [ "$failed" -eq 0 ]
    exit
}
