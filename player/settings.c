/* settings: a small "key = value" reader with a table of integer keys, so a
 * new setting is one row. A bad file never keeps learners out: what can be
 * read is used, the rest keeps its default, and the message names the file,
 * the line and the fix. */
#include "settings.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os.h"

#define SETTINGS_FILE_MAX 65536

typedef struct IntKey {
    const char *name;
    size_t offset;
    long lo, hi;
    const char *example;        /* for messages: a valid line */
} IntKey;

static const IntKey keys[] = {
    {"idle_timeout_minutes", offsetof(Settings, idle_timeout_minutes), 0, 1440,
     "idle_timeout_minutes = 10"},
    {"retention_days", offsetof(Settings, retention_days), 0, 3650, "retention_days = 365"},
};

#define NKEYS (sizeof keys / sizeof keys[0])

void settings_init(Settings *s)
{
    memset(s, 0, sizeof *s);
    s->idle_timeout_minutes = 10;
}

static int *int_at(Settings *s, const IntKey *k)
{
    return (int *)(void *)((char *)s + k->offset);
}

/* One message a line. */
static void next_message(Buf *err)
{
    if (err->len)
        buf_puts(err, "\n");
}

static void known_keys(Buf *err)
{
    for (size_t i = 0; i < NKEYS; i++)
        buf_printf(err, "%s%s", i ? ", " : "", keys[i].name);
}

int settings_parse(Settings *s, const char *name, const char *text, size_t len, Buf *err)
{
    const char *p = text, *end = text + len;
    int line = 0, bad = 0;
    while (p < end) {
        line++;
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        const char *q = p, *stop = eol;
        p = eol < end ? eol + 1 : end;
        while (q < stop && (*q == ' ' || *q == '\t'))
            q++;
        while (stop > q && (stop[-1] == ' ' || stop[-1] == '\t' || stop[-1] == '\r'))
            stop--;
        if (q == stop || *q == '#')
            continue;
        const char *eq = memchr(q, '=', (size_t)(stop - q));
        if (!eq) {
            next_message(err);
            buf_printf(err, "%s:%d: error: expected 'key = value' (write e.g. '%s')", name,
                       line, keys[0].example);
            bad = 1;
            continue;
        }
        const char *kend = eq, *v = eq + 1;
        while (kend > q && (kend[-1] == ' ' || kend[-1] == '\t'))
            kend--;
        while (v < stop && (*v == ' ' || *v == '\t'))
            v++;
        size_t kn = (size_t)(kend - q), vn = (size_t)(stop - v);
        const IntKey *k = NULL;
        for (size_t i = 0; i < NKEYS && !k; i++)
            if (strlen(keys[i].name) == kn && memcmp(keys[i].name, q, kn) == 0)
                k = &keys[i];
        if (!k) {
            next_message(err);
            buf_printf(err, "%s:%d: error: unknown setting '%.*s' (known: ", name, line,
                       (int)kn, q);
            known_keys(err);
            buf_puts(err, ")");
            bad = 1;
            continue;
        }
        char tmp[32], *endp;
        long x = 0;
        int ok = vn > 0 && vn < sizeof tmp;
        if (ok) {
            memcpy(tmp, v, vn);
            tmp[vn] = '\0';
            errno = 0;
            x = strtol(tmp, &endp, 10);
            ok = !errno && *endp == '\0' && x >= k->lo && x <= k->hi;
        }
        if (!ok) {
            next_message(err);
            buf_printf(err, "%s:%d: error: '%s' wants a whole number from %ld to %ld, not "
                            "'%.*s' (write e.g. '%s')",
                       name, line, k->name, k->lo, k->hi, (int)vn, v, k->example);
            bad = 1;
            continue;
        }
        *int_at(s, k) = (int)x;
    }
    return bad ? -1 : 0;
}

const char *settings_default_path(void)
{
    static char path[1024];
    if (!path[0])
        snprintf(path, sizeof path, "%s" OS_SEP_STR "wardplayer.conf", os_config_dir());
    return path;
}

/* The file must be the administrator's, and no one else may change it
 * (os_read_admin_file: on Linux owned by root or this account, not group or
 * other writable; on Windows no write right but the administrators'). */
int settings_load_file(Settings *s, const char *path, Buf *err)
{
    char *text = NULL;
    size_t len = 0;
    int rc = os_read_admin_file(path, SETTINGS_FILE_MAX, 0, &text, &len, err);
    if (rc != 0)
        return rc;
    rc = settings_parse(s, path, text, len, err);
    free(text);
    return rc;
}

int settings_load(Settings *s, const char *path, Buf *err)
{
    settings_init(s);
    int explicit_path = 1;
    if (!path || !*path)
        path = getenv(SETTINGS_ENV);
    if (!path || !*path) {
        path = settings_default_path();
        explicit_path = 0;
    }
    int rc = settings_load_file(s, path, err);
    if (rc == 1 && explicit_path) {
        buf_printf(err, "%s: error: no such file (write the settings there, or give their "
                        "path with --config)", path);
        return -1;
    }
    return rc < 0 ? -1 : 0;
}
