/* module: a package read for the player, in memory (zip entries or files of
 * an unzipped folder, never extracted). Our own packages are one index.html
 * whose pages are listed when opened and built when first shown; a
 * third-party package's organization lists its pages, each read when first
 * shown. */
#include "module.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmi5.h"
#include "validate.h"

#define MODULE_FILE_MAX (64u << 20)

int module_read(Module *m, const char *name, Buf *out, Diag *d)
{
    if (!m->base)
        return scorm_read(m->pkg, name, MODULE_FILE_MAX, out, d);
    Buf path = BUF_INIT;    /* an AU of a cmi5 course: names are its folder's */
    buf_printf(&path, "%s%s", m->base, name);
    int rc = path.failed ? diag_error(d, srcloc(m->path, 0, 0), "out of memory")
                         : scorm_read(m->pkg, path.data, MODULE_FILE_MAX, out, d);
    buf_release(&path);
    return rc;
}

int module_cmi5_aus(const char *path)
{
    Diag d = DIAG_INIT;
    ScormPackage *p = scorm_open(path, &d);
    const Cmi5Course *c = p ? scorm_cmi5(p) : NULL;
    int n = c ? (int)c->naus : 0;
    scorm_close(p);
    diag_release(&d);
    return n;
}

static char *diag_text(const Diag *d)
{
    Buf b = BUF_INIT;
    for (size_t i = 0; i < d->count; i++) {
        if (d->msgs[i].level != DIAG_ERROR)
            continue;
        char *t = diag_format(&d->msgs[i]);
        if (t) {
            buf_printf(&b, "%s%s", b.len ? "\n" : "", t);
            free(t);
        }
    }
    if (!b.len)
        buf_puts(&b, "unknown error");
    return buf_detach(&b, NULL);
}

/* Third-party: one page per entry of the organization that launches a file
 * of the package, in the manifest's order; an organization in chapters also
 * gets its contents (chapters and pages, with their depth). A cmi5 AU: its
 * own page only (a course's AUs are modules of their own). */
static void list_pages(Module *m)
{
    size_t n;
    const ScormItem *items = scorm_items(m->pkg, &n);
    int chapters = 0;
    for (size_t i = 0; i < n; i++)
        chapters |= !items[i].href && !items[i].url;
    for (size_t i = 0; i < n; i++) {
        if (scorm_cmi5(m->pkg) && (int)i != m->au)
            continue;
        if (!items[i].href && items[i].url)
            continue;       /* a web page: nothing to show offline */
        if (chapters) {
            TocEntry *nt = realloc(m->toc, (size_t)(m->ntoc + 1) * sizeof(*nt));
            if (!nt)
                return;
            m->toc = nt;
            m->toc[m->ntoc++] = (TocEntry){ items[i].title ? items[i].title : items[i].href,
                                            items[i].href ? m->npages : -1, items[i].depth };
        }
        if (!items[i].href)
            continue;
        ModPage *np = realloc(m->pages, (size_t)(m->npages + 1) * sizeof(*np));
        if (!np)
            return;
        m->pages = np;
        memset(&m->pages[m->npages], 0, sizeof(ModPage));
        m->pages[m->npages].title = items[i].title ? items[i].title : items[i].href;
        m->pages[m->npages].href = items[i].href;
        m->npages++;
    }
}

int module_open(Module *m)
{
    if (m->opened)
        return m->error ? -1 : 0;
    m->opened = 1;
    Diag d = DIAG_INIT;
    Buf b = BUF_INIT;
    m->pkg = scorm_open(m->path, &d);
    if (!m->pkg || validate_rules(m->pkg, NULL, &d) != 0)
        goto fail;
    m->man = scorm_manifest(m->pkg);
    m->course = course_new();
    if (!m->course) {
        diag_error(&d, srcloc(m->path, 0, 0), "out of memory");
        goto fail;
    }
    /* ours: the one SCO is index.html with body.cp; in a cmi5 course, the
     * AU's launch page <folder>/index.html with body.cp */
    size_t nitems;
    const ScormItem *items = scorm_items(m->pkg, &nitems);
    const Cmi5Course *cmi5 = scorm_cmi5(m->pkg);
    if (cmi5 && (m->au < 0 || (size_t)m->au >= nitems || !items[m->au].href)) {
        diag_error(&d, srcloc(scorm_manifest_label(m->pkg), 0, 0), "AU %d of the course has "
                   "no page the player can show (open this course in the LMS)", m->au + 1);
        goto fail;
    }
    const ScormItem *own = cmi5 ? &items[m->au] : nitems == 1 ? &items[0] : NULL;
    const char *slash = own && own->href ? strrchr(own->href, '/') : NULL;
    if (own && own->href && strcmp(slash ? slash + 1 : own->href, "index.html") == 0 &&
        (!slash || cmi5)) {
        if (slash) {    /* the AU's folder, "dir/" (no strndup on MinGW) */
            size_t n = (size_t)(slash - own->href + 1);
            if (!(m->base = malloc(n + 1))) {
                diag_error(&d, srcloc(m->path, 0, 0), "out of memory");
                goto fail;
            }
            memcpy(m->base, own->href, n);
            m->base[n] = '\0';
        }
        if (module_read(m, "index.html", &b, &d) == 0 &&
            page_read_lazy(m->course, "index.html", b.data, b.len, &m->doc, &d) == 0 &&
            m->doc.ours) {
            m->ours = 1;
            m->index_html = buf_detach(&b, &m->index_len);
            CourseLang *L = m->doc.lang;
            m->title = L->title;
            m->lang = L->code;
            /* cmi5: the module's id, as its SCORM editions have it (cp-<id>),
             * not the course's IRI */
            m->id = cmi5 && m->course->id ? arena_printf(&m->course->arena, "cp-%s",
                                                         m->course->id)
                    : m->man->identifier ? m->man->identifier : m->course->id;
            m->version = m->course->version;
            for (Page *p = L->pages; p; p = p->next) {
                ModPage *np = realloc(m->pages, (size_t)(m->npages + 1) * sizeof(*np));
                if (!np)
                    break;
                m->pages = np;
                memset(&m->pages[m->npages], 0, sizeof(ModPage));
                m->pages[m->npages].page = p;
                m->pages[m->npages].title = p->title ? p->title : p->name;
                m->npages++;
            }
        }
    }
    if (!m->ours) {
        const ManifestOrganization *org = scorm_organization(m->pkg);
        free(m->base);
        m->base = NULL;
        list_pages(m);
        m->title = cmi5 ? cmi5->aus[m->au].title
                   : org && org->title ? org->title : m->man->identifier;
        m->id = cmi5 ? cmi5->aus[m->au].id : m->man->identifier;
        m->version = m->man->version;
        m->lang = "";
        if (m->npages == 0) {
            diag_error(&d, srcloc(scorm_manifest_label(m->pkg), 0, 0),
                       "no page the player can show: every item of the organization "
                       "launches a web address or nothing (open this package in the "
                       "LMS)");
            goto fail;
        }
    }
    if (!m->title)
        m->title = m->path;
    buf_release(&b);
    diag_release(&d);
    return 0;
fail:
    m->error = diag_text(&d);
    buf_release(&b);
    diag_release(&d);
    return -1;
}

int module_check_data(Module *m)
{
    if (module_open(m) < 0)
        return -1;
    if (m->data_checked)
        return 0;
    m->data_checked = 1;
    Diag d = DIAG_INIT;
    if (validate_data(m->pkg, &d) != 0)
        m->error = diag_text(&d);
    diag_release(&d);
    return m->error ? -1 : 0;
}

const Page *module_page(Module *m, int i)
{
    ModPage *mp = &m->pages[i];
    if (m->ours && !page_built(&m->doc, i)) {
        /* ours: listed when opened, built when first needed */
        Diag d = DIAG_INIT;
        if (page_build(m->course, &m->doc, i, m->index_html, m->index_len, &d) != 0) {
            char *t = diag_text(&d);
            fprintf(stderr, "wardplayer: %s\n", t ? t : "cannot read the page");
            free(t);
        }
        diag_release(&d);
    }
    if (mp->page || !mp->href)
        return mp->page;
    Diag d = DIAG_INIT;
    Buf b = BUF_INIT;
    mp->own = course_new();
    if (mp->own && module_read(m, mp->href, &b, &d) == 0) {
        PageDoc doc;
        if (page_read(mp->own, mp->href, b.data, b.len, &doc, &d) == 0 && doc.lang->pages) {
            mp->page = doc.lang->pages;
            mp->needs_browser = doc.needs_browser;
        }
    }
    if (!mp->page && mp->own) {
        /* show why, as a page */
        char *t = diag_text(&d);
        Block *p = course_new_block(mp->own, BLOCK_PARAGRAPH, srcloc(NULL, 0, 0));
        Page *pg = arena_alloc(&mp->own->arena, sizeof(*pg));
        if (p && pg && t) {
            p->text = course_new_inline(mp->own, 0, t, strlen(t));
            pg->blocks = p;
            pg->title = mp->title;
            mp->page = pg;
        }
        free(t);
    }
    buf_release(&b);
    diag_release(&d);
    return mp->page;
}

void module_forget_learner(Module *m)
{
    for (int i = 0; i < m->nrs; i++)
        buf_release(&m->rs[i].text);
    free(m->qs);
    free(m->ss);
    free(m->rs);
    m->qs = NULL;
    m->ss = NULL;
    m->rs = NULL;
    m->nqs = m->nss = m->nrs = 0;
    for (int i = 0; i < m->npages; i++)
        m->pages[i].seen = 0;
    cmi_free(m->cmi);
    m->cmi = NULL;
    m->attempt = 0;
    m->order_seed = 0;
}

void module_release(Module *m)
{
    for (int i = 0; i < m->npages; i++)
        course_free(m->pages[i].own);
    free(m->pages);
    free(m->toc);
    for (int i = 0; i < m->nrs; i++)
        buf_release(&m->rs[i].text);
    free(m->qs);
    free(m->ss);
    free(m->rs);
    cmi_free(m->cmi);
    course_free(m->course);
    free(m->index_html);
    scorm_close(m->pkg);
    free(m->error);
    free(m->base);
    free(m->path);
}

QState *module_qstate(Module *m, const Question *q)
{
    for (int i = 0; i < m->nqs; i++)
        if (m->qs[i].q == q)
            return &m->qs[i];
    QState *n = realloc(m->qs, (size_t)(m->nqs + 1) * sizeof(*n));
    if (!n)
        return NULL;
    m->qs = n;
    memset(&m->qs[m->nqs], 0, sizeof(QState));
    m->qs[m->nqs].q = q;
    return &m->qs[m->nqs++];
}

SState *module_sstate(Module *m, const Scenario *s)
{
    for (int i = 0; i < m->nss; i++)
        if (m->ss[i].s == s)
            return &m->ss[i];
    SState *n = realloc(m->ss, (size_t)(m->nss + 1) * sizeof(*n));
    if (!n)
        return NULL;
    m->ss = n;
    memset(&m->ss[m->nss], 0, sizeof(SState));
    m->ss[m->nss].s = s;
    return &m->ss[m->nss++];
}

RState *module_rstate(Module *m, const Reflection *r)
{
    for (int i = 0; i < m->nrs; i++)
        if (m->rs[i].r == r)
            return &m->rs[i];
    RState *n = realloc(m->rs, (size_t)(m->nrs + 1) * sizeof(*n));
    if (!n)
        return NULL;
    m->rs = n;
    memset(&m->rs[m->nrs], 0, sizeof(RState));
    m->rs[m->nrs].r = r;
    buf_init(&m->rs[m->nrs].text);
    return &m->rs[m->nrs++];
}

/* ---- scoring: src/score.c, the browser runtime's scorer ---------------------- */

typedef struct Found {
    const char *id;
    BlockKind kind;
    const Block *block;
} Found;

static int match_item(const ScoreItem *it, void *ud)
{
    Found *f = ud;
    if (it->kind != f->kind || !it->id || strcmp(it->id, f->id) != 0)
        return 0;
    f->block = it->block;
    return 1;
}

Block *module_find_item(Module *m, const char *id, BlockKind kind)
{
    Found f = { id, kind, NULL };
    for (int i = 0; i < m->npages; i++) {
        if (m->ours && !page_built(&m->doc, i)) {
            /* build only the page that lists the item (nested ones too) */
            int n, has = 0;
            const PageItem *it = page_items(&m->doc, i, &n);
            for (int k = 0; k < n && !has; k++)
                has = it[k].kind == kind && it[k].id && strcmp(it[k].id, id) == 0;
            if (!has)
                continue;
            module_page(m, i);
        }
        if (score_walk_page(m->pages[i].page, i, match_item, &f))
            return (Block *)f.block;    /* the module's own pages: it may change them */
    }
    return NULL;
}

/* Every item of the module with the learner's result on it, for
 * score_compute(): the built pages walked, the others from their item
 * lists (nothing on a page never built is answered). */
typedef struct Tally {
    Module *m;
    ScoreItem *items;
    ScoreResult *results;
    int n, cap;
    int oom;
} Tally;

static ScoreResult result_of(Module *m, const ScoreItem *it)
{
    if (!it->block)
        return SCORE_UNANSWERED;
    if (it->kind == BLOCK_QUESTION) {
        const Question *q = it->block->u.question;
        QState *s = module_qstate(m, q);
        return s && s->answered ? score_question(q, s->sel) : SCORE_UNANSWERED;
    }
    if (it->kind == BLOCK_SCENARIO) {
        /* the first path played counts */
        const Scenario *sc = it->block->u.scenario;
        SState *s = module_sstate(m, sc);
        return s && s->recorded ? score_ending(sc, s->first_end) : SCORE_UNANSWERED;
    }
    return SCORE_UNANSWERED;
}

static int tally(const ScoreItem *it, void *ud)
{
    Tally *t = ud;
    if (t->n == t->cap) {
        int cap = t->cap ? 2 * t->cap : 32;
        ScoreItem *items = realloc(t->items, (size_t)cap * sizeof(*items));
        if (items)
            t->items = items;
        ScoreResult *results = items ? realloc(t->results, (size_t)cap * sizeof(*results))
                                     : NULL;
        if (!items || !results) {
            t->oom = 1;
            return 1;
        }
        t->results = results;
        t->cap = cap;
    }
    t->items[t->n] = *it;
    t->results[t->n++] = result_of(t->m, it);
    return 0;
}

int module_score(Module *m, int role, int setting, ScoreOutcome *out)
{
    Tally t = { .m = m };
    for (int i = 0; i < m->npages && !t.oom; i++) {
        if (m->ours && !page_built(&m->doc, i)) {
            int n;
            const PageItem *it = page_items(&m->doc, i, &n);
            for (int k = 0; k < n && !t.oom; k++)
                tally(&it[k], &t);
        } else {
            score_walk_page(m->pages[i].page, i, tally, &t);
        }
    }
    if (!t.oom)
        score_compute(t.items, t.n, t.results, role, setting, out);
    free(t.items);
    free(t.results);
    return t.oom ? -1 : 0;
}
