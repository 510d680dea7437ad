/* settings: a small "key = value" reader with a table of integer keys, so a
 * new setting is one row. A bad file never keeps learners out: what can be
 * read is used, the rest keeps its default, and the message names the file,
 * the line and the fix. */
#include "settings.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

int settings_load_file(Settings *s, const char *path, Buf *err)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return 1;
        buf_printf(err, "%s: error: cannot open: %s (make it readable by the account that "
                        "runs the player)", path, strerror(errno));
        return -1;
    }
    int rc = -1;
    char *text = NULL;
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        buf_printf(err, "%s: error: cannot stat: %s", path, strerror(errno));
        goto out;
    }
    if (!S_ISREG(sb.st_mode)) {
        buf_printf(err, "%s: error: not a regular file (give the path of the settings file)",
                   path);
        goto out;
    }
    if (sb.st_mode & (S_IWGRP | S_IWOTH)) {
        buf_printf(err, "%s: error: writable by group or others (mode %04o), so learners "
                        "could change it (chmod 644 %s)",
                   path, (unsigned)(sb.st_mode & 07777), path);
        goto out;
    }
    if (sb.st_uid != 0 && sb.st_uid != geteuid()) {
        buf_printf(err, "%s: error: owned by another user (uid %u) (chown root %s)", path,
                   (unsigned)sb.st_uid, path);
        goto out;
    }
    if (sb.st_size > SETTINGS_FILE_MAX) {
        buf_printf(err, "%s: error: larger than %d bytes (is this the settings file?)", path,
                   SETTINGS_FILE_MAX);
        goto out;
    }
    text = malloc((size_t)sb.st_size + 1);
    if (!text) {
        buf_printf(err, "%s: error: out of memory", path);
        goto out;
    }
    size_t got = 0;
    while (got < (size_t)sb.st_size) {
        ssize_t n = read(fd, text + got, (size_t)sb.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            buf_printf(err, "%s: error: cannot read: %s", path, strerror(errno));
            goto out;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    rc = settings_parse(s, path, text, got, err);
out:
    free(text);
    close(fd);
    return rc;
}

int settings_load(Settings *s, const char *path, Buf *err)
{
    settings_init(s);
    int explicit_path = 1;
    if (!path || !*path)
        path = getenv(SETTINGS_ENV);
    if (!path || !*path) {
        path = SETTINGS_DEFAULT_PATH;
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
