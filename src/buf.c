/* buf: growth by 1.5x after an overflow check, sticky failure flag. */
#include "buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char buf_empty[1];

void buf_init(Buf *b)
{
    b->data = buf_empty;
    b->len = b->cap = 0;
    b->failed = 0;
}

void buf_release(Buf *b)
{
    if (b->cap)
        free(b->data);
    buf_init(b);
}

void buf_clear(Buf *b)
{
    b->len = 0;
    b->data[0] = '\0';
}

void buf_truncate(Buf *b, size_t len)
{
    if (len >= b->len)
        return;
    b->len = len;
    b->data[len] = '\0';
}

static int buf_grow(Buf *b, size_t extra)
{
    if (b->failed)
        return -1;
    if (extra > SIZE_MAX - b->len - 1)
        goto fail;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) {
        if (cap > SIZE_MAX / 3 * 2)
            goto fail;
        cap = cap + cap / 2;
    }
    char *p = b->cap ? realloc(b->data, cap) : malloc(cap);
    if (!p)
        goto fail;
    if (!b->cap)
        p[0] = '\0';
    b->data = p;
    b->cap = cap;
    return 0;
fail:
    b->failed = 1;
    return -1;
}

void buf_append(Buf *b, const char *s, size_t len)
{
    if (len == 0 || buf_grow(b, len) < 0)
        return;
    memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void buf_puts(Buf *b, const char *s)
{
    buf_append(b, s, strlen(s));
}

void buf_putc(Buf *b, char c)
{
    buf_append(b, &c, 1);
}

void buf_printf(Buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if (buf_grow(b, (size_t)n) < 0)
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void buf_append_xml(Buf *b, const char *s, size_t len)
{
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        buf_append(b, s + start, i - start);
        buf_puts(b, rep);
        start = i + 1;
    }
    buf_append(b, s + start, len - start);
}

void buf_puts_xml(Buf *b, const char *s)
{
    buf_append_xml(b, s, strlen(s));
}

char *buf_detach(Buf *b, size_t *len)
{
    char *p = NULL;
    if (!b->failed) {
        if (b->cap) {
            p = b->data;
        } else {
            p = malloc(1);
            if (p)
                p[0] = '\0';
        }
        if (len)
            *len = b->len;
    } else if (b->cap) {
        free(b->data);
    }
    buf_init(b);
    return p;
}
