#!/usr/bin/env bash
# The SCORM runtime's JavaScript: syntax check (node --check), no console.log
# or debugger left in, and the node:test unit tests of its pure functions
# (tests/jsunit/). Prints "N passed, N failed, N skipped" last (tests/lib.sh).
# sanitizers: no (JavaScript only)
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
fail() { not_ok "$@"; }

need node "the runtime's JavaScript is checked and unit-tested" || finish

# The runtime and the cmi5 launch adapter (cmi5 packages load it first).
for js in assets/runtime/cp-runtime.js assets/runtime/cp-cmi5.js; do
if node --check "$js"; then ok "node --check $js"; else fail "node --check $js"; fi

# Normal use writes nothing to the console: only warn() (debug mode) may.
if grep -nE 'console\.(log|error|info)|debugger' "$js"; then
    fail "$js calls console.log/error/info or debugger"
else
    ok "$js has no console.log/error/info or debugger"
fi

# 'use strict' and one IIFE: nothing leaks into the page's globals except the
# opt-in test hook.
if node -e '
    const src = require("fs").readFileSync(process.argv[1], "utf8");
    const vm = require("vm");
    const sandbox = {};
    vm.createContext(sandbox);
    vm.runInContext(src, sandbox);
    const leaked = Object.keys(sandbox);
    if (leaked.length) { console.error("globals leaked:", leaked); process.exit(1); }
    if (!/^\/\*[\s\S]*?\*\/\s*\(function \(\) \{\s*\x27use strict\x27;/.test(src)) {
        console.error("not one strict IIFE"); process.exit(1);
    }' "$js"; then
    ok "$js is one strict IIFE and leaks no global"
else
    fail "$js is one strict IIFE and leaks no global"
fi
done

out=$(node --test tests/jsunit/ 2>&1)
p=$(sed -nE 's/^# pass ([0-9]+)$/\1/p' <<<"$out" | tail -n 1)
f=$(sed -nE 's/^# fail ([0-9]+)$/\1/p' <<<"$out" | tail -n 1)
c=$(sed -nE 's/^# cancelled ([0-9]+)$/\1/p' <<<"$out" | tail -n 1)
s=$(sed -nE 's/^# (skipped|skip|todo) ([0-9]+)$/\2/p' <<<"$out" | awk '{n += $1} END {print n + 0}')
if [ -z "$p" ] || [ -z "$f" ]; then
    echo "$out" | tail -n 30
    fail "node --test tests/jsunit/ did not report"
else
    if [ "$f" -ne 0 ]; then
        grep -E '^not ok|Error|expected|actual' <<<"$out" | head -n 40
    fi
    f=$((f + ${c:-0}))     # a cancelled test (timeout) did not pass
    passed=$((passed + p))
    failed=$((failed + f))
    skipped=$((skipped + s))
    echo "jsunit: $p passed, $f failed, $s skipped"
fi

finish
