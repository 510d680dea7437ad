/* page_read: reads an (X)HTML page back into the course model. A coursepack
 * index.html (body.cp, one section.cp-page per page, data-cp-* attributes as in
 * docs/package-format.md) gives pages of blocks, questions, scenarios and
 * reflections; any other HTML page (third-party SCORM) gives one page of its
 * static content: text, lists, tables, images. Scripts never run; there is no
 * network, no external entity, and depth and size are bounded. */
#ifndef PAGE_READ_H
#define PAGE_READ_H

#include <stddef.h>

#include "course.h"
#include "diag.h"

#define PAGE_READ_MAX_BYTES (64u << 20)  /* larger documents are refused */
#define PAGE_READ_MAX_DEPTH 40           /* nested blocks deeper than this are
                                            read as text of the enclosing block */
#define PAGE_READ_MAX_BLOCKS 200000      /* further blocks are dropped (warning) */
#define PAGE_READ_MAX_RUN 65536          /* bytes of one text run; longer runs are
                                            split into several runs */

/* One interface word of a coursepack page: body's data-cp-text-<key>. */
typedef struct PageText {
    const char *key;        /* "next", "prev", "submit"…; arena */
    const char *value;      /* arena */
} PageText;

/* What page_read() found besides the pages (everything arena-owned by the
 * course given to page_read). */
typedef struct PageDoc {
    CourseLang *lang;       /* the language read: a slot of course->langs */
    int ours;               /* 1: a coursepack page (body class "cp") */
    ScormEdition scorm;     /* data-cp-scorm; SCORM_2004 when absent */
    PageText *texts;        /* arena; ntexts entries */
    int ntexts;
} PageDoc;

/* Parses data[0..len) (UTF-8 unless the page declares otherwise) with
 * libxml2's HTML parser and appends one language to c (c->nlangs grows by one;
 * its code is the <html lang>, or "und"). For a coursepack page it also sets
 * c->id, c->version, c->mastery_score, c->roles and c->settings (with labels
 * from the context chooser) when they are still unset. file names the
 * document in messages. Returns 0, or -1 with a located message in d when the
 * document cannot be read at all (too large, no languages left, out of
 * memory); problems inside the page are warnings and reading carries on. */
int page_read(Course *c, const char *file, const char *data, size_t len, PageDoc *out,
              Diag *d);

/* The interface word key (without "data-cp-text-"), or fallback when the page
 * does not give it. Borrowed. */
const char *page_doc_text(const PageDoc *doc, const char *key, const char *fallback);

/* The page with this name (data-cp-page) in lang, or NULL. */
Page *page_find(const CourseLang *lang, const char *name);

#endif
