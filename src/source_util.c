/* source_util: line index, identifiers and UTF-8 checks for the source
 * readers. Columns are counted in characters so that an accented letter
 * before the problem does not shift the caret a trainer's editor shows. */
#include "source_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os.h"

int source_util_file_init(SrcFile *f, const char *name, const char *data, size_t size)
{
    memset(f, 0, sizeof(*f));
    f->name = name;
    f->data = data;
    f->size = size;
    size_t n = 1;
    for (size_t i = 0; i < size; i++)
        if (data[i] == '\n')
            n++;
    f->lines = malloc(n * sizeof(*f->lines));
    if (!f->lines)
        return -1;
    f->lines[0] = 0;
    size_t k = 1;
    for (size_t i = 0; i < size; i++)
        if (data[i] == '\n')
            f->lines[k++] = i + 1;
    f->nlines = n;
    return 0;
}

void source_util_file_release(SrcFile *f)
{
    free(f->lines);
    f->lines = NULL;
    f->nlines = 0;
}

SrcLoc source_util_loc(SrcFile *f, size_t off)
{
    if (off > f->size)
        off = f->size;
    size_t lo = 0, hi = f->nlines;     /* last line start <= off */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->lines[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    int col = 1;
    size_t from = f->lines[lo];
    if (lo == 0 && f->size >= 3 && memcmp(f->data, "\xEF\xBB\xBF", 3) == 0 && off >= 3)
        from = 3;   /* editors do not show a byte order mark */
    if (f->last_col > 0 && f->last_line == lo && f->last_off >= from && f->last_off <= off) {
        from = f->last_off;
        col = f->last_col;
    }
    for (size_t i = from; i < off; i++)
        if (((unsigned char)f->data[i] & 0xC0) != 0x80)
            col++;
    f->last_line = lo;
    f->last_off = off;
    f->last_col = col;
    return srcloc(f->name, (int)lo + 1, col);
}

size_t source_util_line_start(const SrcFile *f, int line)
{
    if (line < 1 || (size_t)line > f->nlines)
        return f->size;
    return f->lines[line - 1];
}

int source_util_is_id(const char *s, size_t len, size_t max)
{
    if (len == 0 || len > max)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-'))
            return 0;
    }
    return 1;
}

/* Length of the valid UTF-8 sequence at s, or 0 when it is invalid
 * (overlong forms, surrogates and code points above U+10FFFF are invalid). */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t len;
    unsigned min;
    unsigned cp;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2; min = 0x80; cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3; min = 0x800; cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4; min = 0x10000; cp = c & 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

int source_util_check_lines(SrcFile *f, size_t max, Diag *d)
{
    int n = 0;
    for (size_t i = 0; i < f->nlines; i++) {
        size_t end = i + 1 < f->nlines ? f->lines[i + 1] - 1 : f->size;
        if (end - f->lines[i] > max) {
            n++;
            diag_error(d, srcloc(f->name, (int)i + 1, 1), "line of %zu bytes (break it into "
                       "lines of at most %zu: a blank line separates paragraphs)",
                       end - f->lines[i], max);
        }
    }
    return n;
}

int source_util_check_utf8(SrcFile *f, Diag *d)
{
    const unsigned char *s = (const unsigned char *)f->data;
    int bad = 0;
    int bad_line = 0;
    size_t i = 0;
    while (i < f->size) {
        size_t len = s[i] ? utf8_seq(s + i, f->size - i) : 0;
        if (len) {
            i += len;
            continue;
        }
        SrcLoc at = source_util_loc(f, i);
        if (at.line != bad_line) {
            bad_line = at.line;
            bad++;
            if (s[i] == 0)
                diag_error(d, at, "NUL byte in the text (this is not a text file; save it "
                                  "as plain UTF-8 text)");
            else
                diag_error(d, at, "invalid UTF-8 byte 0x%02X (save the file as UTF-8 and "
                                  "retype the character here)", s[i]);
        }
        i++;
    }
    return bad;
}

char *source_util_read_file(const char *path, size_t max, size_t *size)
{
    FILE *fp = os_fopen(path, "rb");
    if (!fp)
        return NULL;
    OsStat st;
    if (os_fstat(fileno(fp), &st) != 0) {
        int e = errno;
        fclose(fp);
        errno = e;
        return NULL;
    }
    if (st.kind != OS_FILE_REGULAR) {
        fclose(fp);
        errno = EISDIR;
        return NULL;
    }
    if (st.size > max) {
        fclose(fp);
        errno = EFBIG;
        return NULL;
    }
    size_t n = (size_t)st.size;
    char *data = malloc(n + 1);
    if (!data) {
        fclose(fp);
        errno = ENOMEM;
        return NULL;
    }
    size_t got = n ? fread(data, 1, n, fp) : 0;
    int e = ferror(fp) ? EIO : 0;
    fclose(fp);
    if (got != n) {
        free(data);
        errno = e ? e : EIO;
        return NULL;
    }
    data[n] = '\0';
    *size = n;
    return data;
}

const char *source_util_lang_name(const char *code)
{
    if (strcmp(code, "fr") == 0)
        return "French";
    if (strcmp(code, "en") == 0)
        return "English";
    return code;
}
