/* source: reads a module's sources (module.xml + NN-name.LANG.md pages) into
 * the Course model and runs every check of docs/authoring.md, reporting each
 * problem as file:line:col with the fix. */
#ifndef SOURCE_H
#define SOURCE_H

#include "course.h"
#include "diag.h"

/* Reads the module folder dir: module.xml and every NN-name.LANG.md page,
 * fills a new Course and runs every check of docs/authoring.md. Problems go
 * to d (errors and warnings, all of them, not just the first). Returns the
 * course even when it has errors (the caller checks d->errors) so later
 * stages can report more; NULL only when nothing could be read (no readable
 * module.xml) or out of memory. Free with course_free(). File names in
 * messages are dir joined with the file name, e.g. "courses/x/01-intro.fr.md".
 * Columns count characters (UTF-8 code points) from 1. */
Course *source_read_module(const char *dir, Diag *d);

#endif
