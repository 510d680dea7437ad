/* diag: a growing array of owned messages; allocation failure degrades to a
 * counted but unrecorded message rather than losing the error count. */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

static int diag_add(Diag *d, DiagLevel level, SrcLoc at, const char *fmt, va_list ap)
{
    if (level == DIAG_ERROR)
        d->errors++;
    else if (level == DIAG_WARNING)
        d->warnings++;
    size_t max = d->max_msgs ? d->max_msgs : DIAG_MAX_DEFAULT;
    if (d->count >= max) {
        d->dropped++;
        return -1;
    }
    if (d->count == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        DiagMsg *m = realloc(d->msgs, cap * sizeof(*m));
        if (!m) {
            d->dropped++;
            return -1;
        }
        d->msgs = m;
        d->cap = cap;
    }
    char tmp[1];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap2);
    va_end(ap2);
    char *text = n >= 0 ? malloc((size_t)n + 1) : NULL;
    char *file = at.file ? strdup(at.file) : NULL;
    if (!text || (at.file && !file)) {
        free(text);
        free(file);
        d->dropped++;
        return -1;
    }
    vsnprintf(text, (size_t)n + 1, fmt, ap);
    DiagMsg *m = &d->msgs[d->count++];
    m->level = level;
    m->file = file;
    m->line = at.line;
    m->col = at.col;
    m->text = text;
    return -1;
}

#define DIAG_FN(name, level)                                        \
    int name(Diag *d, SrcLoc at, const char *fmt, ...)              \
    {                                                               \
        va_list ap;                                                 \
        va_start(ap, fmt);                                          \
        diag_add(d, level, at, fmt, ap);                            \
        va_end(ap);                                                 \
        return -1;                                                  \
    }

DIAG_FN(diag_error, DIAG_ERROR)
DIAG_FN(diag_warning, DIAG_WARNING)
DIAG_FN(diag_note, DIAG_NOTE)

static int diag_cmp(const DiagMsg *a, const DiagMsg *b)
{
    const char *fa = a->file ? a->file : "", *fb = b->file ? b->file : "";
    int c = strcmp(fa, fb);
    if (c)
        return c;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->col != b->col)
        return a->col < b->col ? -1 : 1;
    return 0;
}

void diag_sort(Diag *d)
{
    /* Insertion sort: stable, and message lists are short. */
    for (size_t i = 1; i < d->count; i++) {
        DiagMsg m = d->msgs[i];
        size_t j = i;
        while (j > 0 && diag_cmp(&d->msgs[j - 1], &m) > 0) {
            d->msgs[j] = d->msgs[j - 1];
            j--;
        }
        d->msgs[j] = m;
    }
}

static const char *diag_level_name(DiagLevel level)
{
    switch (level) {
    case DIAG_ERROR: return "error";
    case DIAG_WARNING: return "warning";
    default: return "note";
    }
}

char *diag_format(const DiagMsg *m)
{
    Buf b = BUF_INIT;
    if (m->file) {
        buf_puts(&b, m->file);
        if (m->line > 0) {
            buf_printf(&b, ":%d", m->line);
            if (m->col > 0)
                buf_printf(&b, ":%d", m->col);
        }
        buf_puts(&b, ": ");
    }
    buf_printf(&b, "%s: %s", diag_level_name(m->level), m->text);
    return buf_detach(&b, NULL);
}

void diag_print(const Diag *d, FILE *out)
{
    for (size_t i = 0; i < d->count; i++) {
        char *line = diag_format(&d->msgs[i]);
        if (line)
            fprintf(out, "%s\n", line);
        free(line);
    }
    if (d->dropped)
        fprintf(out, "note: %zu more message(s) not shown\n", d->dropped);
}

void diag_release(Diag *d)
{
    for (size_t i = 0; i < d->count; i++) {
        free(d->msgs[i].file);
        free(d->msgs[i].text);
    }
    free(d->msgs);
    memset(d, 0, sizeof(*d));
}
