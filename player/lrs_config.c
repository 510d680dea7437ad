/* lrs_config: a tiny "key = value" reader, a permission check before a
 * password is read (os_read_private_file checks the open file itself, so the
 * checked file is the one read), and redaction. */
#include "lrs_config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "os.h"

#define CONFIG_FILE_MAX (64 * 1024)

void lrs_config_init(LrsConfig *c)
{
    memset(c, 0, sizeof *c);
    c->batch = 50;
    c->timeout_s = 30;
    c->connect_timeout_s = 10;
    c->retries = 4;
    c->retry_base_ms = 1000;
    c->retry_max_ms = 60000;
    c->background_sync = 1;
}

void lrs_config_wipe(LrsConfig *c)
{
    sodium_memzero(c, sizeof *c);
    lrs_config_init(c);
}

static const char *skip_space(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

static int set_text(char *dst, const char *v, size_t n)
{
    if (n >= LRS_VALUE_MAX)
        return -1;
    memcpy(dst, v, n);
    dst[n] = '\0';
    return 0;
}

static int set_int(int *dst, const char *v, size_t n, long lo, long hi)
{
    char tmp[32];
    if (n == 0 || n >= sizeof tmp)
        return -1;
    memcpy(tmp, v, n);
    tmp[n] = '\0';
    char *endp;
    errno = 0;
    long x = strtol(tmp, &endp, 10);
    if (errno || *endp || x < lo || x > hi)
        return -1;
    *dst = (int)x;
    return 0;
}

typedef struct IntKey {
    const char *name;
    size_t offset;
    long lo, hi;
} IntKey;

static const IntKey int_keys[] = {
    {"batch", offsetof(LrsConfig, batch), 1, 500},
    {"timeout", offsetof(LrsConfig, timeout_s), 1, 600},
    {"connect_timeout", offsetof(LrsConfig, connect_timeout_s), 1, 600},
    {"retries", offsetof(LrsConfig, retries), 0, 20},
    {"retry_base_ms", offsetof(LrsConfig, retry_base_ms), 0, 600000},
    {"retry_max_ms", offsetof(LrsConfig, retry_max_ms), 0, 3600000},
    {"background_sync", offsetof(LrsConfig, background_sync), 0, 1},
};

static int key_is(const char *k, size_t kn, const char *name)
{
    return strlen(name) == kn && memcmp(k, name, kn) == 0;
}

int lrs_config_parse(LrsConfig *c, const char *name, const char *text, size_t len, Buf *err)
{
    const char *p = text, *end = text + len;
    int line = 0;
    while (p < end) {
        line++;
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        const char *q = skip_space(p, eol), *stop = eol;
        if (stop > q && stop[-1] == '\r')
            stop--;
        while (stop > q && (stop[-1] == ' ' || stop[-1] == '\t'))
            stop--;
        p = eol < end ? eol + 1 : end;
        if (q == stop || *q == '#')
            continue;
        const char *eq = memchr(q, '=', (size_t)(stop - q));
        if (!eq) {
            buf_printf(err, "%s:%d: error: expected 'key = value' (write e.g. "
                            "'endpoint = https://lrs.example.org/xAPI/')", name, line);
            return -1;
        }
        const char *k = q, *kend = eq;
        while (kend > k && (kend[-1] == ' ' || kend[-1] == '\t'))
            kend--;
        const char *v = skip_space(eq + 1, stop);
        size_t kn = (size_t)(kend - k), vn = (size_t)(stop - v);
        /* optional quotes around a value */
        if (vn >= 2 && ((v[0] == '"' && v[vn - 1] == '"') || (v[0] == '\'' && v[vn - 1] == '\''))) {
            v++;
            vn -= 2;
        }
        int rc = 0;
        char *dst = NULL;
        if (key_is(k, kn, "endpoint"))
            dst = c->endpoint;
        else if (key_is(k, kn, "username"))
            dst = c->username;
        else if (key_is(k, kn, "password"))
            dst = c->password;
        else if (key_is(k, kn, "home_page"))
            dst = c->home_page;
        if (dst) {
            if (set_text(dst, v, vn) < 0) {
                buf_printf(err, "%s:%d: error: value of '%.*s' is too long (at most %d bytes)",
                           name, line, (int)kn, k, LRS_VALUE_MAX - 1);
                return -1;
            }
            continue;
        }
        size_t i;
        for (i = 0; i < sizeof int_keys / sizeof int_keys[0]; i++)
            if (key_is(k, kn, int_keys[i].name))
                break;
        if (i == sizeof int_keys / sizeof int_keys[0]) {
            buf_printf(err, "%s:%d: error: unknown key '%.*s' (expected endpoint, username, "
                            "password, home_page, batch, timeout, connect_timeout, retries, "
                            "retry_base_ms, retry_max_ms or background_sync)", name, line, (int)kn, k);
            return -1;
        }
        const IntKey *ik = &int_keys[i];
        rc = set_int((int *)(void *)((char *)c + ik->offset), v, vn, ik->lo, ik->hi);
        if (rc < 0) {
            buf_printf(err, "%s:%d: error: '%s' must be a whole number from %ld to %ld "
                            "(got '%.*s')", name, line, ik->name, ik->lo, ik->hi,
                       (int)(vn > 40 ? 40 : vn), v);
            return -1;
        }
    }
    return 0;
}

const char *lrs_config_default_path(void)
{
    static char path[1024];
    if (!path[0])
        snprintf(path, sizeof path, "%s" OS_SEP_STR "lrs.conf", os_config_dir());
    return path;
}

/* The file must be the administrator's and private (os_read_private_file:
 * mode 600 and owned by root or the caller; on Windows an ACL without
 * ordinary users): it holds the password. */
int lrs_config_load_file(LrsConfig *c, const char *path, Buf *err)
{
    char *text = NULL;
    size_t len = 0;
    int rc = os_read_private_file(path, CONFIG_FILE_MAX, &text, &len, err);
    if (rc != 0)
        return rc;
    rc = lrs_config_parse(c, path, text, len, err);
    sodium_memzero(text, len);
    free(text);
    return rc;
}

static int env_override(char *dst, const char *var, Buf *err)
{
    const char *v = getenv(var);
    if (!v || !*v)
        return 0;
    if (set_text(dst, v, strlen(v)) < 0) {
        buf_printf(err, "$%s is too long (at most %d bytes)", var, LRS_VALUE_MAX - 1);
        return -1;
    }
    return 0;
}

int lrs_config_load(LrsConfig *c, const char *path, Buf *err)
{
    int explicit_path = 1;
    if (!path || !*path) {
        path = getenv(LRS_CONFIG_ENV);
        if (!path || !*path) {
            path = lrs_config_default_path();
            explicit_path = 0;
        }
    }
    int rc = lrs_config_load_file(c, path, err);
    if (rc < 0)
        return -1;
    if (rc == 1 && explicit_path) {
        buf_printf(err, "%s: error: no such file (write the LRS configuration there, or "
                        "give its path with --lrs-config)", path);
        return -1;
    }
    if (env_override(c->endpoint, LRS_ENDPOINT_ENV, err) < 0
        || env_override(c->username, LRS_USERNAME_ENV, err) < 0
        || env_override(c->password, LRS_PASSWORD_ENV, err) < 0)
        return -1;
    return 0;
}

int lrs_config_load_player(LrsConfig *c, const char *path, Buf *err)
{
    lrs_config_init(c);
    if (lrs_config_load(c, path, err) < 0)
        return -1;
    if (!c->endpoint[0] || !c->background_sync)
        return 0;
    return lrs_config_check(c, err) < 0 ? -1 : 1;
}

int lrs_config_check(const LrsConfig *c, Buf *err)
{
    if (!c->endpoint[0]) {
        buf_printf(err, "no LRS endpoint is configured (set 'endpoint = https://.../xAPI/' in "
                        "%s, or give --lrs-config FILE)", lrs_config_default_path());
        return -1;
    }
    if (strncmp(c->endpoint, "http://", 7) != 0 && strncmp(c->endpoint, "https://", 8) != 0) {
        buf_printf(err, "LRS endpoint '%s' is not an http:// or https:// address "
                        "(write e.g. 'endpoint = https://lrs.example.org/xAPI/')", c->endpoint);
        return -1;
    }
    const char *host = strstr(c->endpoint, "://") + 3;
    size_t hl = strcspn(host, "/?#");
    if (memchr(host, '@', hl)) {
        buf_puts(err, "the LRS endpoint contains a user name or password (give them as "
                      "'username =' and 'password =' lines instead)");
        return -1;
    }
    return 0;
}

/* Replaces every occurrence of secret (when at least 1 byte) in *s. */
static void replace_all(Buf *s, const char *secret)
{
    size_t n = strlen(secret);
    if (!n)
        return;
    Buf out = BUF_INIT;
    const char *p = s->data, *hit;
    while ((hit = strstr(p, secret))) {
        buf_append(&out, p, (size_t)(hit - p));
        buf_puts(&out, "***");
        p = hit + n;
    }
    buf_puts(&out, p);
    buf_release(s);
    *s = out;
}

/* Hides "scheme://user:pass@" in URLs. */
static void strip_userinfo(Buf *s)
{
    Buf out = BUF_INIT;
    const char *p = s->data, *hit;
    while ((hit = strstr(p, "://"))) {
        hit += 3;
        buf_append(&out, p, (size_t)(hit - p));
        size_t hl = strcspn(hit, "/?# \t\r\n\"'<>");
        const char *at = memchr(hit, '@', hl);
        if (at) {
            buf_puts(&out, "***@");
            p = at + 1;
        } else {
            p = hit;
        }
    }
    buf_puts(&out, p);
    buf_release(s);
    *s = out;
}

void lrs_config_redact(const LrsConfig *c, const char *text, Buf *out)
{
    Buf s = BUF_INIT;
    buf_puts(&s, text ? text : "");
    if (c && c->password[0]) {
        Buf cred = BUF_INIT;
        buf_printf(&cred, "%s:%s", c->username, c->password);
        size_t b64len = sodium_base64_encoded_len(cred.len, sodium_base64_VARIANT_ORIGINAL);
        char *b64 = malloc(b64len);
        if (b64) {
            sodium_bin2base64(b64, b64len, (const unsigned char *)cred.data, cred.len,
                              sodium_base64_VARIANT_ORIGINAL);
            replace_all(&s, b64);
            sodium_memzero(b64, b64len);
            free(b64);
        }
        sodium_memzero(cred.data, cred.len);
        buf_release(&cred);
        replace_all(&s, c->password);
    }
    strip_userinfo(&s);
    buf_append(out, s.data, s.len);
    buf_release(&s);
}

void lrs_config_statements_url(const LrsConfig *c, Buf *out)
{
    buf_puts(out, c->endpoint);
    if (!c->endpoint[0] || c->endpoint[strlen(c->endpoint) - 1] != '/')
        buf_putc(out, '/');
    buf_puts(out, "statements");
}
