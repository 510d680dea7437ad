#!/usr/bin/env bash
# Messages for people (issue 14, rows 8 and 9): a learner reads what
# happened and what to do, in the interface language, never SQL, a library's
# English or a path; a package that cannot be opened ends the player with
# exit 1 and a message, as docs/player.md says.
source "$(dirname "$0")/store_lib.bash"
make_module

# ---- too many wrong PINs -------------------------------------------------------------
DATA=$T/pin
# a profile with a PIN: name, staff id (empty), PIN; Enter in the PIN field creates it
printf 'key Tab\nkey Return\ntext Eve Durand\nkey Tab\nkey Tab\ntext 1234\nkey Return\nwait 50\nquit\n' \
    >"$T/p1.txt"
run_player "$DATA" "$T/p1.txt" || not_ok "a profile with a PIN is created" "$(cat "$T/out")"
{
    login_first
    for _ in $(seq 1 12); do
        # the PIN field has the focus, and is emptied after each wrong PIN
        printf '%s\ntext 9999\nkey Return\nwait 20\n' "$(printf 'key Backspace\n%.0s' 1 2 3 4 5 6 7 8)"
    done
    printf 'screenshot %s\nquit\n' "$T/pin.png"
} >"$T/p2.txt"
run_player "$DATA" "$T/p2.txt"
rc=$?
if [ $rc = 0 ] && has_text "$T/pin.boxes" "Trop de codes incorrects" &&
    has_text "$T/pin.boxes" "secondes" && ! has_text "$T/pin.boxes" "Non enregistré" &&
    clean_text "$T/pin.boxes" && ! screen_text "$T/pin.boxes" | grep -qi "too many"; then
    ok "too many wrong PINs: the learner reads, in French, how long to wait"
else
    not_ok "too many wrong PINs: the learner reads, in French, how long to wait (exit $rc)" \
        "$(screen_text "$T/pin.boxes")"
fi

# ---- a package that cannot be opened -------------------------------------------------------
mkdir -p "$T/lib"
cp "$PKG" "$T/lib/good.zip"
python3 - "$T/lib/good.zip" "$T/lib/bad.zip" <<'PY'
import sys, zipfile
src, dst = zipfile.ZipFile(sys.argv[1]), zipfile.ZipFile(sys.argv[2], "w")
for i in src.infolist():
    dst.writestr(i, src.read(i.filename))
dst.writestr("../../evil.txt", "x")   # an entry that escapes the package
dst.close()
PY
timeout $((60 * SLOW)) "$PLAYER" --headless "$T/lib/bad.zip" --no-data --screenshot "$T/bad.png" \
    --boxes >"$T/out" 2>&1
rc=$?
if [ $rc = 1 ] && grep -q "bad.zip" "$T/out" && grep -q "escapes the package" "$T/out"; then
    ok "a package that cannot be opened: exit 1 with a message naming it and the problem"
else
    not_ok "a package that cannot be opened: exit 1 with a message naming it and the problem (exit $rc)" \
        "$(cat "$T/out")"
fi
# the window still tells the learner (from a desktop shortcut, no one reads stderr)
if has_text "$T/bad.boxes" "Impossible d’ouvrir ce module" && clean_text "$T/bad.boxes"; then
    ok "a package that cannot be opened: the window says so to the learner, in French"
else
    not_ok "a package that cannot be opened: the window says so to the learner, in French" \
        "$(screen_text "$T/bad.boxes")"
fi
printf 'wait 50\nscreenshot %s\nquit\n' "$T/lib.png" >"$T/l.txt"
timeout $((60 * SLOW)) "$PLAYER" --headless "$T/lib" --no-data --boxes --script "$T/l.txt" \
    >"$T/out" 2>&1
rc=$?
if [ $rc = 0 ] && has_text "$T/lib.boxes" "Impossible d’ouvrir ce module" &&
    has_text "$T/lib.boxes" "Prévenez" && clean_text "$T/lib.boxes" &&
    ! screen_text "$T/lib.boxes" | grep -q "escapes"; then
    ok "a library with a broken package: the learner reads in French that it cannot open and whom to tell"
else
    not_ok "a library with a broken package: the learner reads in French that it cannot open and whom to tell (exit $rc)" \
        "$(screen_text "$T/lib.boxes")"
fi

# ---- no screen puts technical text into a message ----------------------------------
# (what a learner reads comes from the catalogue; test_msg_people checks the
# catalogue itself for SQL, library error texts, paths and English)
leaks=$(grep -nE "(ui_)?notice\(ui|&ui->notice" player/*.c |
    grep -E "store_errmsg|strerror|->error|err\.data|SDL_GetError|diag_|sqlite3_" || true)
if [ -z "$leaks" ]; then
    ok "no notice of the player is filled with a store, system or library error text"
else
    not_ok "no notice of the player is filled with a store, system or library error text" "$leaks"
fi
finish
