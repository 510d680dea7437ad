/* arena: a bump allocator; everything a course owns lives in one arena, so
 * freeing a course is one arena_release(). */
#ifndef ARENA_H
#define ARENA_H

#include <stddef.h>

#include "buf.h"      /* PRINTF_LIKE */

typedef struct ArenaChunk ArenaChunk;

typedef struct Arena {
    ArenaChunk *head;   /* newest chunk first; owned */
    size_t total;       /* bytes handed out, for limits and tests */
} Arena;

#define ARENA_INIT {0}

/* Returns zeroed memory aligned for any type, valid until arena_release().
 * Returns NULL only when the system is out of memory or size overflows. */
void *arena_alloc(Arena *a, size_t size);

/* Copies s[0..len) plus a NUL into the arena. NULL on out of memory. */
char *arena_strndup(Arena *a, const char *s, size_t len);
char *arena_strdup(Arena *a, const char *s);

/* printf into the arena. NULL on out of memory. */
char *arena_printf(Arena *a, const char *fmt, ...)
    PRINTF_LIKE(2, 3);

/* Frees every chunk; the arena is then empty and reusable. */
void arena_release(Arena *a);

#endif
