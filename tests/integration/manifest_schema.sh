#!/usr/bin/env bash
# The manifests manifest_write produces (written by test_manifest into a temp
# folder) pass ADL's official schemas through the shared validate-manifest
# script (xmllint), independently of our own libxml2 schema code; and a
# manifest broken on purpose fails it (so the check is real).
# sanitizers: no (xmllint on what test_manifest writes; test_manifest runs under them)
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
BUILD=${BUILD:-build}
SHARED=${SHARED:-$(cd .. && pwd)/shared}
VM=$SHARED/scorm/validate-manifest
if [ ! -x "$VM" ]; then
    ko "ADL's schemas can be run: $VM is missing (set SHARED)"
    finish
fi
need xmllint "manifests against ADL's schemas (validate-manifest runs xmllint)" || finish

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
    if out=$("$VM" "$ed" "$tmp/$f" 2>&1); then
        ok "$f valid against the SCORM $ed schemas"
    else
        ko "$f valid against the SCORM $ed schemas"
        printf '%s\n' "$out" | head -20
    fi
done
# A negative control: an element out of place must be rejected.
if [ ! -s "$tmp/scorm2004.xml" ]; then
    ko "a broken manifest is rejected by validate-manifest (no manifest to break)"
else
    sed 's|<schemaversion>|<bogus/><schemaversion>|' "$tmp/scorm2004.xml" >"$tmp/broken.xml"
    if "$VM" 2004 "$tmp/broken.xml" >/dev/null 2>&1; then
        ko "a broken manifest is rejected by validate-manifest"
    else
        ok "a broken manifest is rejected by validate-manifest"
    fi
fi
finish
