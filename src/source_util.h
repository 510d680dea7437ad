/* source_util: what the source readers share: a file's line index (byte
 * offset -> line:col), identifier syntax, UTF-8 checking, language names in messages. */
#ifndef SOURCE_UTIL_H
#define SOURCE_UTIL_H

#include <stddef.h>

#include "diag.h"

/* A source file in memory with the start offset of each line. */
typedef struct SrcFile {
    const char *name;       /* as shown in messages; borrowed */
    const char *data;       /* borrowed; size bytes */
    size_t size;
    size_t *lines;          /* owned: start offset of each line */
    size_t nlines;
    size_t last_line, last_off;     /* cache of the last place computed, so that */
    int last_col;                   /* many places on one long line stay cheap */
} SrcFile;

/* Indexes data's lines. Returns 0, or -1 when out of memory. Release with
 * source_util_file_release(). */
int source_util_file_init(SrcFile *f, const char *name, const char *data, size_t size);
void source_util_file_release(SrcFile *f);

/* The line:col of byte offset off (clamped to the file); col counts UTF-8
 * characters from 1. The file name is f->name. Updates f's cache. */
SrcLoc source_util_loc(SrcFile *f, size_t off);

/* Offset of the start of line (1-based) and of its first non-blank byte. */
size_t source_util_line_start(const SrcFile *f, int line);

/* Whether s[0..len) is 1..max characters of a-z, 0-9 and '-'. */
int source_util_is_id(const char *s, size_t len, size_t max);

/* Reports each line holding invalid UTF-8 or a NUL byte (once per line, at
 * the first bad byte). Returns the number of bad lines. */
int source_util_check_utf8(SrcFile *f, Diag *d);

/* Reports each line longer than max bytes. Returns how many. */
int source_util_check_lines(SrcFile *f, size_t max, Diag *d);

/* The English name of a language code, for messages to trainers ("fr" ->
 * "French", "en" -> "English"); any other code is returned as it is. Static
 * or borrowed. */
const char *source_util_lang_name(const char *code);

/* Reads a whole file into a new malloc'd buffer (NUL-terminated; free() it).
 * Returns NULL with errno set on failure. Refuses files over max bytes
 * (errno EFBIG). */
char *source_util_read_file(const char *path, size_t max, size_t *size);

#endif
