/* curriculum: courses/curriculum.txt, the order of the modules: one module
 * id a line, '#' starts a comment, blank lines are skipped. coursepack reads
 * it to build the curriculum course (the modules as the AUs of one cmi5
 * package, in this order); `make` copies it into dist/ for the player's
 * library. */
#ifndef CURRICULUM_H
#define CURRICULUM_H

#include <stddef.h>

#include "arena.h"
#include "diag.h"

typedef struct CurriculumEntry {
    const char *id;         /* the module id (its folder's name), in the arena */
    int line;
} CurriculumEntry;

/* Reads the curriculum at path into a new array in arena (*out, *n entries,
 * in file order). Refuses, located at file:line, a line with more than one
 * word and an id listed twice; a file with no id at all is an error too.
 * Returns 0, or -1 with the problems in d; either way *out and *n hold the
 * good lines (so their modules can be checked in the same run). */
int curriculum_read(const char *path, Arena *arena, CurriculumEntry **out, size_t *n,
                    Diag *d);

/* The folder of the module an entry names: the curriculum file's folder,
 * then the id ("courses/curriculum.txt", "ai-governance" ->
 * "courses/ai-governance"). In arena; NULL when out of memory. */
char *curriculum_module_dir(const char *path, const char *id, Arena *arena);

#endif
