/* buf: the one growable string builder. data is never NULL and always
 * NUL-terminated; an allocation failure is sticky and checked once at the end. */
#ifndef BUF_H
#define BUF_H

#include <stddef.h>

/* printf-style format checking. MinGW's compiler takes "printf" to mean
 * Microsoft's formats (no %zu); the Windows build uses MinGW's C99 stdio
 * (__USE_MINGW_ANSI_STDIO), whose formats are GNU's. */
#ifdef __MINGW32__
#define PRINTF_LIKE(fmt, first) __attribute__((format(gnu_printf, fmt, first)))
#else
#define PRINTF_LIKE(fmt, first) __attribute__((format(printf, fmt, first)))
#endif

typedef struct Buf {
    char *data;     /* owned, or buf_empty when cap == 0 */
    size_t len;     /* bytes used, not counting the NUL */
    size_t cap;     /* bytes allocated */
    int failed;     /* set once an allocation failed; appends then do nothing */
} Buf;

extern char buf_empty[];
#define BUF_INIT { buf_empty, 0, 0, 0 }

void buf_init(Buf *b);
void buf_release(Buf *b);
void buf_clear(Buf *b);                      /* len = 0, keeps the memory */
void buf_truncate(Buf *b, size_t len);       /* back to len (<= b->len) bytes */

void buf_append(Buf *b, const char *s, size_t len);
void buf_puts(Buf *b, const char *s);
void buf_putc(Buf *b, char c);
void buf_printf(Buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* Appends s[0..len) escaped for XML text and attribute values (& < > " '). */
void buf_append_xml(Buf *b, const char *s, size_t len);
void buf_puts_xml(Buf *b, const char *s);

/* Hands the string over: returns a malloc'd NUL-terminated string (free() it)
 * and leaves b empty; NULL if any allocation failed. */
char *buf_detach(Buf *b, size_t *len);

#endif
