/* script: a line-oriented parser; everything it returns is owned by the
 * Script, so the app can replay at its own pace. */
#include "script.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "os.h"

static int add(Script *s, ScriptCmd c)
{
    ScriptCmd *n = realloc(s->cmds, (s->n + 1) * sizeof(*n));
    if (!n) {
        free(c.arg);
        return -1;
    }
    s->cmds = n;
    s->cmds[s->n++] = c;
    return 0;
}

static int parse_int(const char *s, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    while (*end == ' ' || *end == '\t')
        end++;
    if (end == s || v < -1000000 || v > 1000000)
        return -1;
    *out = (int)v;
    return (int)(end - s);
}

static int parse_line(const char *line, int lineno, const char *file, Script *s, Diag *d)
{
    ScriptCmd c = { .line = lineno };
    const char *sp = strchr(line, ' ');
    size_t vl = sp ? (size_t)(sp - line) : strlen(line);
    const char *rest = sp ? sp + 1 : "";
    while (*rest == ' ')
        rest++;
    SrcLoc at = srcloc(file, lineno, 1);
#define IS(w) (vl == strlen(w) && memcmp(line, w, vl) == 0)
    if (IS("key")) {
        c.op = SCRIPT_KEY;
        const char *p = rest;
        for (;;) {
            if (strncmp(p, "ctrl+", 5) == 0) {
                c.mods |= SCRIPT_CTRL;
                p += 5;
            } else if (strncmp(p, "shift+", 6) == 0) {
                c.mods |= SCRIPT_SHIFT;
                p += 6;
            } else if (strncmp(p, "alt+", 4) == 0) {
                c.mods |= SCRIPT_ALT;
                p += 4;
            } else {
                break;
            }
        }
        if (!*p)
            return diag_error(d, at, "'key' needs a key name (for example 'key Right')");
        c.arg = strdup(p);
    } else if (IS("click") || IS("resize") || IS("tap")) {
        c.op = IS("click") ? SCRIPT_CLICK : IS("tap") ? SCRIPT_TAP : SCRIPT_RESIZE;
        int n1 = parse_int(rest, &c.a), n2 = n1 < 0 ? -1 : parse_int(rest + n1, &c.b);
        if (n1 < 0 || n2 < 0 || rest[n1 + n2] != 0)
            return diag_error(d, at, "'%.*s' needs two numbers (for example '%.*s 100 200')",
                              (int)vl, line, (int)vl, line);
    } else if (IS("swipe")) {
        c.op = SCRIPT_SWIPE;
        int n[4], used = 0, bad = 0;
        int *v[4] = { &c.a, &c.b, &c.c, &c.d };
        for (int i = 0; i < 4 && !bad; i++) {
            n[i] = parse_int(rest + used, v[i]);
            bad = n[i] < 0;
            used += bad ? 0 : n[i];
        }
        if (bad || rest[used] != 0)
            return diag_error(d, at, "'swipe' needs four numbers: where the finger goes down "
                              "and how far it moves (for example 'swipe 640 600 0 -300')");
    } else if (IS("wheel") || IS("wait")) {
        c.op = IS("wheel") ? SCRIPT_WHEEL : SCRIPT_WAIT;
        int n1 = parse_int(rest, &c.a);
        if (n1 < 0 || rest[n1] != 0 || (c.op == SCRIPT_WAIT && c.a < 0))
            return diag_error(d, at, "'%.*s' needs a number (for example '%.*s 100')",
                              (int)vl, line, (int)vl, line);
    } else if (IS("text")) {
        c.op = SCRIPT_TEXT;
        c.arg = strdup(rest);
    } else if (IS("screenshot")) {
        c.op = SCRIPT_SCREENSHOT;
        if (!*rest)
            return diag_error(d, at, "'screenshot' needs a file name (screenshot out.png)");
        c.arg = strdup(rest);
    } else if (IS("quit")) {
        c.op = SCRIPT_QUIT;
    } else {
        return diag_error(d, at, "unknown command '%.*s' (expected key, click, wheel, swipe, "
                          "tap, text, wait, resize, screenshot or quit)", (int)vl, line);
    }
#undef IS
    if ((c.op == SCRIPT_KEY || c.op == SCRIPT_TEXT || c.op == SCRIPT_SCREENSHOT) && !c.arg)
        return diag_error(d, at, "out of memory");
    if (add(s, c) < 0)
        return diag_error(d, at, "out of memory");
    return 0;
}

int script_parse(const char *text, size_t len, const char *file, Script *out, Diag *d)
{
    memset(out, 0, sizeof(*out));
    int rc = 0, lineno = 0;
    size_t i = 0;
    Buf line = BUF_INIT;
    while (i < len) {
        size_t j = i;
        while (j < len && text[j] != '\n')
            j++;
        lineno++;
        buf_clear(&line);
        buf_append(&line, text + i, j - i);
        /* trim */
        char *p = line.data;
        while (*p == ' ' || *p == '\t')
            p++;
        size_t n = strlen(p);
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
            p[--n] = 0;
        if (*p && *p != '#' && parse_line(p, lineno, file, out, d) < 0)
            rc = -1;
        i = j + 1;
    }
    buf_release(&line);
    if (rc < 0)
        script_release(out);
    return rc;
}

int script_load(const char *path, Script *out, Diag *d)
{
    memset(out, 0, sizeof(*out));
    FILE *f = os_fopen(path, "rb");
    if (!f)
        return diag_error(d, srcloc(path, 0, 0), "cannot open script: %s", strerror(errno));
    Buf b = BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b.len < (1u << 20))
        buf_append(&b, chunk, n);
    fclose(f);
    int rc = script_parse(b.data, b.len, path, out, d);
    buf_release(&b);
    return rc;
}

void script_release(Script *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->cmds[i].arg);
    free(s->cmds);
    s->cmds = NULL;
    s->n = 0;
}
