/* source_md: reads one page (NN-name.LANG.md) with md4c into a Page: the
 * Markdown block tree plus the fenced blocks of docs/authoring.md section 4
 * (callouts, only, page, question, scenario, reflection), every problem
 * located at file:line:col. */
#ifndef SOURCE_MD_H
#define SOURCE_MD_H

#include <stddef.h>

#include "course.h"
#include "diag.h"

/* What a page is read against. */
typedef struct SourceMd {
    Course *c;              /* the course being filled: arena, roles, refs */
    Diag *d;
    const char *dir;        /* module folder, where image paths are resolved */
    int meta_ok;            /* module.xml was read: check roles, settings, citations */
} SourceMd;

/* Reads the page text data[0..size) of file (the name shown in messages) as
 * page name (e.g. "01-intro"). Returns a new Page in the course arena with
 * its blocks, title and audience, even when the text has errors; NULL only
 * when out of memory (reported to m->d). */
Page *source_md_read_page(const SourceMd *m, const char *file, const char *name,
                          const char *data, size_t size);

/* Number of words of the page's text (every block, questions included). */
int source_md_word_count(const Page *p);

#endif
