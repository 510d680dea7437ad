#!/usr/bin/env bash
# The manifests manifest_write produces (written by test_manifest into a temp
# folder) pass ADL's official schemas through the shared validate-manifest
# script (xmllint), independently of our own libxml2 schema code; and a
# manifest broken on purpose fails it (so the check is real).
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
SHARED=${SHARED:-$(cd .. && pwd)/shared}
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
ko() { failed=$((failed + 1)); echo "FAIL $1"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! MANIFEST_OUT_DIR=$tmp "$BUILD/tests/test_manifest" >"$tmp/unit.log" 2>&1; then
    ko "test_manifest ran (see $tmp/unit.log)"
    cat "$tmp/unit.log"
fi
for f in scorm12.xml scorm2004.xml scorm2004-fr.xml; do
    if [ ! -s "$tmp/$f" ]; then
        ko "$f written by test_manifest"
        continue
    fi
    ed=12
    [ "$f" != scorm12.xml ] && ed=2004
    if out=$("$SHARED/scorm/validate-manifest" "$ed" "$tmp/$f" 2>&1); then
        ok "$f valid against the SCORM $ed schemas"
    else
        ko "$f valid against the SCORM $ed schemas"
        printf '%s\n' "$out" | head -20
    fi
done
# A negative control: an element out of place must be rejected.
if [ -s "$tmp/scorm2004.xml" ]; then
    sed 's|<schemaversion>|<bogus/><schemaversion>|' "$tmp/scorm2004.xml" >"$tmp/broken.xml"
    if "$SHARED/scorm/validate-manifest" 2004 "$tmp/broken.xml" >/dev/null 2>&1; then
        ko "a broken manifest is rejected by validate-manifest"
    else
        ok "a broken manifest is rejected by validate-manifest"
    fi
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
