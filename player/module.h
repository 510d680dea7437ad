/* module: one package as the player holds it: its manifest, its pages (read
 * when first shown), and the learner's state of its interactive blocks
 * (choices taken, scenario paths, reflection texts). No screen, no store:
 * the ui shows it, attempt.c saves it. The scoring at the end of module.c is
 * src/score.c's, the browser runtime's rules. */
#ifndef MODULE_H
#define MODULE_H

#include <stdint.h>

#include "buf.h"
#include "cmi.h"
#include "course.h"
#include "diag.h"
#include "manifest.h"
#include "page_read.h"
#include "score.h"
#include "scorm_open.h"

#define MODULE_MAX_PATH 64      /* scenario steps remembered per play */

typedef struct QState {
    const Question *q;
    unsigned sel;           /* bit i: choice i taken */
    int answered;
} QState;

typedef struct SState {
    const Scenario *s;
    const StepChoice *path[MODULE_MAX_PATH];
    int n;
    int recorded;           /* the first complete play was stored */
    EndResult first_end;    /* its ending: what the score counts */
} SState;

typedef struct RState {
    const Reflection *r;
    Buf text;
    int saved;
} RState;

typedef struct ModPage {
    const char *title;      /* arena of the module's course */
    const char *href;       /* third-party: launch file of the item */
    const Page *page;       /* NULL until loaded */
    Course *own;            /* third-party: the course its page was read into */
    int needs_browser;      /* third-party: a page built by scripts (page_read) */
    int seen;
} ModPage;

/* A line of a third-party module's contents: a page, or a chapter (an
 * organization item grouping pages). */
typedef struct TocEntry {
    const char *title;      /* borrowed from the package */
    int page;               /* index in Module.pages, or -1 for a chapter */
    int depth;              /* 0: an item of the organization itself */
} TocEntry;

typedef struct Module {
    char *path;             /* owned: a zip or an unzipped package folder */
    int au;                 /* cmi5: the AU of the course this module is (0: the first;
                               the library lists each AU of a course as a module) */
    char *base;             /* owned: the AU's folder in the package ("<id>/"), or NULL */
    ScormPackage *pkg;      /* the shared reader (validate's): zip or folder */
    Manifest *man;          /* borrowed from pkg */
    Course *course;         /* ours: index.html read; third-party: titles */
    PageDoc doc;
    char *index_html;       /* ours: index.html, whose pages page_build() reads when shown */
    size_t index_len;
    int ours;
    int opened;
    int data_checked;       /* validate_data() ran (when the module was first opened) */
    char *error;            /* why it cannot be played (validate's words), or NULL */
    const char *title, *lang, *id, *version;
    ModPage *pages;
    int npages;
    TocEntry *toc;          /* third-party in chapters: the contents, in order; else NULL */
    int ntoc;
    QState *qs;
    int nqs;
    SState *ss;
    int nss;
    RState *rs;
    int nrs;
    int64_t attempt;        /* the learner's attempt in the store, 0 = none */
    uint32_t order_seed;    /* the attempt's choice order (shuffle.h), kept in its
                               cmi.suspend_data as o=; 0: as written (no attempt) */
    CmiModel *cmi;
    int64_t session_t0;     /* monotonic ms when this session of the attempt began */
    int64_t cmi5_t0;        /* cmi5: monotonic ms when its session began; 0 when none is open */
} Module;

/* Reads a file of the package (name as in the manifest) into out, at most
 * 64 MiB. Returns 0, or -1 with why in d. */
int module_read(Module *m, const char *name, Buf *out, Diag *d);

/* Opens the package enough to list it: the shared reader and validate's
 * rules (so the player refuses what `coursepack validate` refuses, with the
 * same words), then for ours index.html (its pages listed, built when
 * shown). m->path is set by the caller (and m->au for an AU of a cmi5
 * course: its launch page is then the module's, and the files it names are
 * read from its folder). Returns 0, or -1 with why in m->error. Opens once:
 * later calls return the first result. */
int module_open(Module *m);

/* How many AUs the cmi5 course at path has (0 for anything else, or a
 * package that cannot be read): the library lists each as a module. */
int module_cmi5_aus(const char *path);

/* module_open(), then (once) every file's data as validate checks it: done
 * when a module is first opened, not while listing the library. 0 or -1
 * with why in m->error. */
int module_check_data(Module *m);

/* Page i, read (third-party) or built (ours) when first asked; a page that
 * cannot be read becomes one paragraph saying why. Borrowed from m. */
const Page *module_page(Module *m, int i);

/* Frees everything m owns (not m itself). */
void module_release(Module *m);

/* The learner's state of a block, created empty when first asked; NULL when
 * out of memory. Borrowed from m. */
QState *module_qstate(Module *m, const Question *q);
SState *module_sstate(Module *m, const Scenario *s);
RState *module_rstate(Module *m, const Reflection *r);

/* Forgets the learner's answers, paths, texts and pages seen, and the
 * attempt (not the package): before another learner opens it. */
void module_forget_learner(Module *m);

/* The question, scenario or reflection with this id, nested ones included,
 * building only the page that holds it; NULL when there is none. */
Block *module_find_item(Module *m, const char *id, BlockKind kind);

/* The learner's score over what a role and setting see (-1: everything),
 * computed by src/score.c exactly as the browser runtime computes it: every
 * question and scored scenario shown, nested ones included; a scenario
 * counts its first path played. Returns 0, or -1 when out of memory. */
int module_score(Module *m, int role, int setting, ScoreOutcome *out);

#endif
