/* diag: the sink for problems found in input (course sources, packages).
 * Readers add located messages and carry on, so one run reports them all. */
#ifndef DIAG_H
#define DIAG_H

#include <stddef.h>
#include <stdio.h>

#include "buf.h"      /* PRINTF_LIKE */

/* A place in an input file. file is borrowed (usually arena-owned); line and
 * col count from 1; 0 means "unknown" and is left out when printed. */
typedef struct SrcLoc {
    const char *file;
    int line;
    int col;
} SrcLoc;

typedef enum DiagLevel { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE } DiagLevel;

typedef struct DiagMsg {
    DiagLevel level;
    char *file;         /* owned copy, may be NULL */
    int line, col;
    char *text;         /* owned */
} DiagMsg;

typedef struct Diag {
    DiagMsg *msgs;      /* owned array */
    size_t count, cap;
    size_t errors, warnings;
    size_t max_msgs;    /* 0 = DIAG_MAX_DEFAULT; further messages are counted, not kept */
    size_t dropped;
} Diag;

#define DIAG_INIT {0}
#define DIAG_MAX_DEFAULT 1000

static inline SrcLoc srcloc(const char *file, int line, int col)
{
    SrcLoc at = { file, line, col };
    return at;
}

/* Each returns -1 (so `return diag_error(...)` reads naturally). Messages
 * follow the house style: lower case, no full stop, the fix in parentheses. */
int diag_error(Diag *d, SrcLoc at, const char *fmt, ...) PRINTF_LIKE(3, 4);
int diag_warning(Diag *d, SrcLoc at, const char *fmt, ...) PRINTF_LIKE(3, 4);
int diag_note(Diag *d, SrcLoc at, const char *fmt, ...) PRINTF_LIKE(3, 4);

/* Sorts messages by file, line, column (stable: equal places keep their order). */
void diag_sort(Diag *d);

/* Writes "file:line:col: level: text" lines to out. */
void diag_print(const Diag *d, FILE *out);

/* Formats one message the same way into a new string; free() it. */
char *diag_format(const DiagMsg *m);

void diag_release(Diag *d);

#endif
