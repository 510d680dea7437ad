/* script: the --script test hook. A script is lines of commands that the app
 * replays through its real event loop (as pushed SDL events):
 *   key SPEC        SPEC = [ctrl+][shift+][alt+]NAME (Right, Tab, Return, F5, plus…)
 *   click X Y       left click at window pixel (X, Y)
 *   wheel DY        scroll DY notches (positive = down)
 *   swipe X Y DX DY a finger put down at window pixel (X, Y), moved by (DX, DY)
 *                   in steps, lifted (touch events, normalized as SDL does)
 *   tap X Y         a finger put down at (X, Y) and lifted
 *   text STRING     typed text (the rest of the line)
 *   wait MS         let MS milliseconds pass
 *   resize W H      resize the window
 *   screenshot FILE write the current frame as PNG
 *   quit
 * Blank lines and lines starting with '#' are ignored. No SDL here. */
#ifndef SCRIPT_H
#define SCRIPT_H

#include <stddef.h>

#include "diag.h"

typedef enum ScriptOp {
    SCRIPT_KEY, SCRIPT_CLICK, SCRIPT_WHEEL, SCRIPT_TEXT, SCRIPT_WAIT, SCRIPT_RESIZE,
    SCRIPT_SCREENSHOT, SCRIPT_QUIT, SCRIPT_SWIPE, SCRIPT_TAP,
} ScriptOp;

enum { SCRIPT_CTRL = 1u << 0, SCRIPT_SHIFT = 1u << 1, SCRIPT_ALT = 1u << 2 };

typedef struct ScriptCmd {
    ScriptOp op;
    int a, b;               /* CLICK/TAP x y, WHEEL dy, WAIT ms, RESIZE w h, SWIPE x y */
    int c, d;               /* SWIPE dx dy */
    unsigned mods;          /* KEY: SCRIPT_CTRL… */
    char *arg;              /* KEY name, TEXT, SCREENSHOT file; owned */
    int line;
} ScriptCmd;

typedef struct Script {
    ScriptCmd *cmds;        /* owned */
    size_t n;
} Script;

/* Parses text[0..len); file names it in messages. Returns 0, or -1 with one
 * message per bad line in d (file:line: error: ...). */
int script_parse(const char *text, size_t len, const char *file, Script *out, Diag *d);

/* Reads and parses a script file. */
int script_load(const char *path, Script *out, Diag *d);

void script_release(Script *s);

#endif
