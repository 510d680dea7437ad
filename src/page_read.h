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
#include "score.h"

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

/* A question, scenario or reflection of a page, known before the page is
 * built: what score.h's walker lists, nested ones included, with block NULL
 * and id in the course's arena. */
typedef ScoreItem PageItem;

typedef struct PageSlot PageSlot;   /* a page of a lazily read document */

/* What page_read() found besides the pages (everything arena-owned by the
 * course given to page_read). */
typedef struct PageDoc {
    CourseLang *lang;       /* the language read: a slot of course->langs */
    int ours;               /* 1: a coursepack page (body class "cp") */
    ScormEdition scorm;     /* data-cp-scorm; SCORM_2004 when absent */
    PageText *texts;        /* arena; ntexts entries */
    int ntexts;
    PageSlot *slots;        /* page_read_lazy(): one per page (arena), else NULL */
    int nslots;
    int nbuilt;             /* pages page_build() has built */
    int needs_browser;      /* a third-party page built by scripts or frames: its
                               blocks start with a NOTICE_NEEDS_BROWSER notice */
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

/* Like page_read(), but a coursepack document's pages are listed, not built:
 * each Page has its name, title and audience, blocks stay NULL until
 * page_build(), and page_items() tells what each page holds for scoring. The
 * document is parsed once without keeping its tree (each page's subtree is
 * dropped once listed), so memory does not grow with pages never shown.
 * Other documents, and ours when a page's bytes cannot be located exactly
 * (malformed markup, a non-UTF-8 charset), are read as page_read() does:
 * out->slots is then NULL and every page is built. PAGE_READ_MAX_BLOCKS
 * counts the blocks of one page here, of the whole document in page_read(). */
int page_read_lazy(Course *c, const char *file, const char *data, size_t len, PageDoc *out,
                   Diag *d);

/* Whether page i (0-based, in document order) of doc has its blocks. */
int page_built(const PageDoc *doc, int i);

/* Builds page i of a page_read_lazy() document into c (the same course),
 * reading its bytes from data[0..len): the same document given to
 * page_read_lazy(). The page gets the blocks page_read() would have given it.
 * Returns 0 (also when it was already built), or -1 with a message in d. */
int page_build(Course *c, PageDoc *doc, int i, const char *data, size_t len, Diag *d);

/* The items of page i of a page_read_lazy() document, as score_walk_page()
 * lists them (borrowed; *n of them), or NULL with *n = 0 when doc was read
 * eagerly: then walk the page's blocks. */
const PageItem *page_items(const PageDoc *doc, int i, int *n);

/* The interface word key (without "data-cp-text-"), or fallback when the page
 * does not give it. Borrowed. */
const char *page_doc_text(const PageDoc *doc, const char *key, const char *fallback);

#endif
