/* source: a module folder into a Course. module.xml first (source_xml), then
 * every page file in name order (source_md), then the checks that need the
 * whole module: pages present in every language, ids unique, and the
 * languages telling the same course (same questions, choices, right answers,
 * scenario graphs, audiences). */
#include "source.h"

#include "source_lint.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "os.h"
#include "buf.h"
#include "source_md.h"
#include "source_util.h"
#include "source_xml.h"

#define MAX_SOURCE_BYTES ((size_t)8 << 20)
#define PAGE_WORDS_MAX 400

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static char *join(Course *c, const char *dir, const char *name)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    return arena_printf(&c->arena, "%.*s/%s", (int)n, dir, name);
}

/* "NN-name.LANG.md": 1 and the name/lang split when it is one. */
static int page_file_name(const char *f, size_t *name_len, char lang[3])
{
    size_t n = strlen(f);
    if (n < 10 || strcmp(f + n - 3, ".md") != 0)
        return 0;
    if (f[n - 6] != '.')
        return 0;
    if (!(f[0] >= '0' && f[0] <= '9' && f[1] >= '0' && f[1] <= '9' && f[2] == '-'))
        return 0;
    size_t nl = n - 6;
    if (nl < 4 || !source_util_is_id(f + 3, nl - 3, 60) || f[nl - 1] == '-')
        return 0;
    lang[0] = f[n - 5];
    lang[1] = f[n - 4];
    lang[2] = '\0';
    if (!(lang[0] >= 'a' && lang[0] <= 'z' && lang[1] >= 'a' && lang[1] <= 'z'))
        return 0;
    *name_len = nl;
    return 1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The .md file names of dir, sorted; NULL-terminated array, free() each and it. */
static char **list_md(const char *dir, int *err)
{
    OsDir *dp = os_dir_open(dir);
    if (!dp) {
        *err = errno;
        return NULL;
    }
    size_t n = 0, cap = 16;
    char **names = malloc(cap * sizeof(*names));
    const char *entry;
    while (names && (entry = os_dir_next(dp, NULL))) {
        size_t len = strlen(entry);
        if (len < 3 || strcasecmp(entry + len - 3, ".md") != 0)
            continue;
        if (n + 1 >= cap) {
            cap += cap / 2;
            char **nn = realloc(names, cap * sizeof(*names));
            if (!nn) {
                for (size_t i = 0; i < n; i++)
                    free(names[i]);
                free(names);
                names = NULL;
                break;
            }
            names = nn;
        }
        if (!(names[n] = strdup(entry)))
            break;
        n++;
    }
    os_dir_close(dp);
    if (!names) {
        *err = ENOMEM;
        return NULL;
    }
    names[n] = NULL;
    qsort(names, n, sizeof(*names), cmp_str);
    return names;
}

/* ---- whole-module checks -------------------------------------------------- */

typedef struct Item {
    const char *id;
    const char *kind;       /* "question", "scenario", "reflection" */
    Block *b;
    const Page *page;
} Item;

typedef struct Items {
    Item *v;
    size_t n, cap;
    const Page *page;
    int failed;
} Items;

static int collect(Block *b, int depth, void *ud)
{
    Items *it = ud;
    (void)depth;
    const char *id = NULL, *kind = NULL;
    if (b->kind == BLOCK_QUESTION) {
        id = b->u.question->id;
        kind = "question";
    } else if (b->kind == BLOCK_SCENARIO) {
        id = b->u.scenario->id;
        kind = "scenario";
    } else if (b->kind == BLOCK_REFLECTION) {
        id = b->u.reflection.id;
        kind = "reflection";
    }
    if (!kind || !id || !*id)
        return 0;
    if (it->n == it->cap) {
        size_t cap = it->cap ? it->cap + it->cap / 2 : 16;
        Item *v = realloc(it->v, cap * sizeof(*v));
        if (!v) {
            it->failed = 1;
            return 1;
        }
        it->v = v;
        it->cap = cap;
    }
    Item *x = &it->v[it->n++];
    x->id = id;
    x->kind = kind;
    x->b = b;
    x->page = it->page;
    return 0;
}

static const Item *find_item(const Items *it, const char *id)
{
    for (size_t i = 0; i < it->n; i++)
        if (strcmp(it->v[i].id, id) == 0)
            return &it->v[i];
    return NULL;
}

static const Page *find_page(const CourseLang *l, const char *name)
{
    for (const Page *p = l->pages; p; p = p->next)
        if (strcmp(p->name, name) == 0)
            return p;
    return NULL;
}

static int same_audience(Audience a, Audience b)
{
    return a.roles == b.roles && a.settings == b.settings;
}

static void compare_question(Diag *d, const Item *ref, const Item *x)
{
    const Question *a = ref->b->u.question, *b = x->b->u.question;
    const char *rf = base_name(ref->page->file);
    static const char *const types[] = { "single", "multiple", "truefalse" };
    if (a->type != b->type) {
        diag_error(d, b->at, "question '%s' is type=%s here but type=%s in %s (use the same "
                   "type in every language)", b->id, types[b->type], types[a->type], rf);
        return;
    }
    if (a->weight != b->weight)
        diag_error(d, b->at, "question '%s' has weight=%d here but weight=%d in %s (use the "
                   "same weight in every language)", b->id, b->weight, a->weight, rf);
    if (a->keep_order != b->keep_order)
        diag_error(d, b->at, "question '%s' has shuffle=%s here but shuffle=%s in %s (use the "
                   "same setting in every language)", b->id, b->keep_order ? "no" : "yes",
                   a->keep_order ? "no" : "yes", rf);
    if (a->nchoices != b->nchoices) {
        diag_error(d, b->at, "question '%s' has %d choices here but %d in %s (every language "
                   "needs the same choices in the same order)", b->id, b->nchoices,
                   a->nchoices, rf);
        return;
    }
    const Choice *ca = a->choices, *cb = b->choices;
    for (; ca && cb; ca = ca->next, cb = cb->next) {
        if (ca->correct != cb->correct)
            diag_error(d, cb->at, "choice %s of question '%s' is marked %s here but %s in %s "
                       "(the right answers must be the same in every language)", cb->id,
                       b->id, cb->correct ? "right [x]" : "wrong [ ]",
                       ca->correct ? "right [x]" : "wrong [ ]", rf);
        if (ca->fixed != cb->fixed)
            diag_error(d, cb->at, "choice %s of question '%s' is %s here but %s in %s (list "
                       "the same letters in fixed= in every language)", cb->id, b->id,
                       cb->fixed ? "fixed" : "not fixed", ca->fixed ? "fixed" : "not fixed", rf);
    }
}

static int count_steps(const Scenario *s)
{
    int n = 0;
    for (const Step *st = s->steps; st; st = st->next)
        n++;
    return n;
}

static void compare_scenario(Diag *d, const Item *ref, const Item *x)
{
    const Scenario *a = ref->b->u.scenario, *b = x->b->u.scenario;
    const char *rf = base_name(ref->page->file);
    static const char *const ends[] = { "none", "correct", "partial", "wrong" };
    if (a->scored != b->scored || a->weight != b->weight)
        diag_error(d, b->at, "scenario '%s' is scored=%s weight=%d here but scored=%s "
                   "weight=%d in %s (use the same settings in every language)", b->id,
                   b->scored ? "yes" : "no", b->weight, a->scored ? "yes" : "no", a->weight, rf);
    if (a->keep_order != b->keep_order)
        diag_error(d, b->at, "scenario '%s' has shuffle=%s here but shuffle=%s in %s (use the "
                   "same setting in every language)", b->id, b->keep_order ? "no" : "yes",
                   a->keep_order ? "no" : "yes", rf);
    if (count_steps(a) != count_steps(b)) {
        diag_error(d, b->at, "scenario '%s' has %d steps here but %d in %s (every language "
                   "needs the same steps, in the same order)", b->id, count_steps(b),
                   count_steps(a), rf);
        return;
    }
    const Step *sa = a->steps, *sb = b->steps;
    for (; sa && sb; sa = sa->next, sb = sb->next) {
        if (strcmp(sa->id, sb->id) != 0) {
            diag_error(d, sb->at, "step '%s' is '%s' in %s (use the same step ids in the same "
                       "order in every language)", sb->id, sa->id, rf);
            return;
        }
        if (sa->end != sb->end)
            diag_error(d, sb->at, "step '%s' has end=%s here but end=%s in %s (endings must "
                       "count the same in every language)", sb->id, ends[sb->end],
                       ends[sa->end], rf);
        int na = 0, nb = 0;
        for (const StepChoice *c = sa->choices; c; c = c->next)
            na++;
        for (const StepChoice *c = sb->choices; c; c = c->next)
            nb++;
        if (na != nb) {
            diag_error(d, sb->at, "step '%s' has %d choices here but %d in %s (every language "
                       "needs the same choices in the same order)", sb->id, nb, na, rf);
            continue;
        }
        const StepChoice *ca = sa->choices, *cb = sb->choices;
        for (; ca && cb; ca = ca->next, cb = cb->next)
            if (ca->target_id && cb->target_id && strcmp(ca->target_id, cb->target_id) != 0)
                diag_error(d, cb->at, "choice %s leads to '%s' here but to '%s' in %s (choices "
                           "must lead to the same steps in every language)", cb->code,
                           cb->target_id, ca->target_id, rf);
    }
}

static void compare_items(Diag *d, const Item *ref, const Item *x)
{
    const char *rf = base_name(ref->page->file);
    if (strcmp(ref->kind, x->kind) != 0) {
        diag_error(d, x->b->at, "'%s' is a %s here but a %s in %s (use the same block in every "
                   "language)", x->id, x->kind, ref->kind, rf);
        return;
    }
    if (strcmp(ref->page->name, x->page->name) != 0)
        diag_error(d, x->b->at, "%s '%s' is on page %s here but on %s in the other language "
                   "(keep it on the same page)", x->kind, x->id, x->page->name, ref->page->name);
    if (!same_audience(ref->b->audience, x->b->audience))
        diag_error(d, x->b->at, "%s '%s' has other roles=/settings= than in %s (use the same "
                   "audience in every language)", x->kind, x->id, rf);
    if (x->b->kind == BLOCK_QUESTION)
        compare_question(d, ref, x);
    else if (x->b->kind == BLOCK_SCENARIO)
        compare_scenario(d, ref, x);
    else if (ref->b->u.reflection.max_chars != x->b->u.reflection.max_chars)
        diag_error(d, x->b->at, "reflection '%s' has max=%d here but max=%d in %s (use the same "
                   "limit in every language)", x->id, x->b->u.reflection.max_chars,
                   ref->b->u.reflection.max_chars, rf);
}

static void check_module(Course *c, Diag *d)
{
    Items items[COURSE_MAX_LANGS];
    memset(items, 0, sizeof(items));
    /* ids unique in each language */
    for (int li = 0; li < c->nlangs; li++) {
        Items *it = &items[li];
        for (const Page *p = c->langs[li].pages; p; p = p->next) {
            size_t first = it->n;
            it->page = p;
            course_walk_blocks(p->blocks, collect, it);
            for (size_t i = first; i < it->n; i++)
                for (size_t j = 0; j < i; j++)
                    if (strcmp(it->v[i].id, it->v[j].id) == 0) {
                        diag_error(d, it->v[i].b->at, "duplicate id '%s' (already used at "
                                   "%s:%d; question, scenario and reflection ids must be unique "
                                   "in the module)", it->v[i].id,
                                   base_name(it->v[j].page->file), it->v[j].b->at.line);
                        break;
                    }
        }
        if (it->failed)
            diag_error(d, srcloc(c->dir, 0, 0), "out of memory");
    }
    /* every page in every language */
    for (int li = 0; li < c->nlangs; li++)
        for (const Page *p = c->langs[li].pages; p; p = p->next)
            for (int lj = 0; lj < c->nlangs; lj++) {
                if (lj == li || find_page(&c->langs[lj], p->name))
                    continue;
                int first = 1;   /* report once, from the first language having it */
                for (int lk = 0; lk < li; lk++)
                    if (lk != lj && find_page(&c->langs[lk], p->name))
                        first = 0;
                if (!first)
                    continue;
                char file[256];
                snprintf(file, sizeof(file), "%s.%s.md", p->name, c->langs[lj].code);
                diag_error(d, srcloc(join(c, c->dir, file), 0, 0), "missing page: no %s "
                           "version of %s (write %s, translated from %s)",
                           source_util_lang_name(c->langs[lj].code), p->name, file, base_name(p->file));
            }
    /* the other languages tell the same course as the first */
    const CourseLang *rl = &c->langs[0];
    for (int li = 1; li < c->nlangs; li++) {
        const CourseLang *l = &c->langs[li];
        for (const Page *p = l->pages; p; p = p->next) {
            const Page *rp = find_page(rl, p->name);
            if (rp && !same_audience(rp->audience, p->audience))
                diag_error(d, srcloc(p->file, 1, 1), "page audience differs from %s (use the "
                           "same ```page roles=/settings= in every language)",
                           base_name(rp->file));
        }
        for (size_t i = 0; i < items[li].n; i++) {
            const Item *x = &items[li].v[i];
            if (find_item(&items[li], x->id) != x)
                continue;   /* a duplicate, reported */
            const Item *ref = find_item(&items[0], x->id);
            if (!ref)
                diag_error(d, x->b->at, "%s '%s' is not in the %s version (every language "
                           "needs the same %ss with the same ids)", x->kind, x->id,
                           source_util_lang_name(rl->code), x->kind);
            else
                compare_items(d, ref, x);
        }
        for (size_t i = 0; i < items[0].n; i++) {
            const Item *ref = &items[0].v[i];
            if (find_item(&items[0], ref->id) != ref || find_item(&items[li], ref->id))
                continue;
            const Page *p = find_page(l, ref->page->name);
            if (p)
                diag_error(d, srcloc(p->file, 1, 1), "%s '%s' of %s is missing here (translate "
                           "it on this page with the same id)", ref->kind, ref->id,
                           base_name(ref->page->file));
        }
    }
    for (int li = 0; li < c->nlangs; li++)
        free(items[li].v);
}

/* ---- reading ---------------------------------------------------------------- */

static void read_pages(Course *c, Diag *d, const char *dir, int meta_ok)
{
    int err = 0;
    char **names = list_md(dir, &err);
    if (!names) {
        diag_error(d, srcloc(c->dir, 0, 0), "cannot list the module folder: %s", strerror(err));
        return;
    }
    /* languages from the file names when module.xml gave none */
    if (c->nlangs == 0) {
        static const char *const known[] = { "fr", "en" };
        for (size_t k = 0; k < 2; k++)
            for (char **n = names; *n; n++) {
                size_t nl;
                char lang[3];
                if (page_file_name(*n, &nl, lang) && strcmp(lang, known[k]) == 0) {
                    c->langs[c->nlangs++].code = known[k];
                    break;
                }
            }
    }
    SourceMd m = { c, d, c->dir, meta_ok };
    Page *tails[COURSE_MAX_LANGS] = {0};
    for (char **n = names; *n; n++) {
        const char *file = join(c, dir, *n);
        size_t nl;
        char lang[3];
        if (!file)
            break;
        if (!page_file_name(*n, &nl, lang)) {
            diag_error(d, srcloc(file, 0, 0), "page file name '%s' is not NN-name.LANG.md "
                       "(rename it like 01-intro.fr.md: two digits, a lower-case name, fr or "
                       "en)", *n);
            continue;
        }
        int li = course_lang_index(c, lang);
        if (li < 0) {
            if (strcmp(lang, "fr") != 0 && strcmp(lang, "en") != 0)
                diag_error(d, srcloc(file, 0, 0), "unknown language '%s' in the file name "
                           "(pages are in fr or en)", lang);
            else
                diag_error(d, srcloc(file, 0, 0), "page in %s, but module.xml does not list "
                           "'%s' in <languages> (add it there, or remove this file)",
                           source_util_lang_name(lang), lang);
            continue;
        }
        OsStat st;
        if (os_lstat(file, &st) == 0 && st.kind == OS_FILE_LINK) {
            diag_error(d, srcloc(file, 0, 0), "page is a symbolic link (copy the file itself "
                       "into the module folder)");
            continue;
        }
        size_t size = 0;
        char *data = source_util_read_file(file, MAX_SOURCE_BYTES, &size);
        if (!data) {
            diag_error(d, srcloc(file, 0, 0), "cannot read the page: %s", errno == EFBIG
                       ? "larger than 8 MB (a page is a few kilobytes: check the file)"
                       : strerror(errno));
            continue;
        }
        char name[256];
        snprintf(name, sizeof(name), "%.*s", (int)nl, *n);
        Page *p = source_md_read_page(&m, file, name, data, size);
        free(data);
        if (!p)
            continue;
        int words = source_md_word_count(p);
        if (words > PAGE_WORDS_MAX) {
            SrcLoc at = srcloc(p->file, 1, 1);
            for (const Block *b = p->blocks; b; b = b->next)
                if (b->kind == BLOCK_HEADING && b->u.heading.level == 1) {
                    at = b->at;
                    break;
                }
            diag_warning(d, at, "page has %d words (keep a page under %d: split it into two "
                         "pages)", words, PAGE_WORDS_MAX);
        }
        if (tails[li])
            tails[li]->next = p;
        else
            c->langs[li].pages = p;
        tails[li] = p;
        c->langs[li].npages++;
    }
    for (char **n = names; *n; n++)
        free(*n);
    free(names);
    for (int li = 0; li < c->nlangs; li++)
        if (c->langs[li].npages == 0)
            diag_error(d, srcloc(join(c, dir, "module.xml"), 0, 0), "the module has no page "
                       "in %s (write its first page, e.g. 01-intro.%s.md)",
                       source_util_lang_name(c->langs[li].code), c->langs[li].code);
}

Course *source_read_module(const char *dir, Diag *d)
{
    Course *c = course_new();
    if (!c) {
        diag_error(d, srcloc(dir, 0, 0), "out of memory");
        return NULL;
    }
    c->dir = course_strdup(c, dir);
    const char *xml_file = join(c, dir, "module.xml");
    if (!c->dir || !xml_file) {
        diag_error(d, srcloc(dir, 0, 0), "out of memory");
        course_free(c);
        return NULL;
    }
    size_t size = 0;
    char *xml = source_util_read_file(xml_file, MAX_SOURCE_BYTES, &size);
    if (!xml) {
        diag_error(d, srcloc(xml_file, 0, 0), "cannot read module.xml: %s (a module folder "
                   "needs one: see docs/authoring.md, section 2)",
                   errno == EFBIG ? "larger than 8 MB" : strerror(errno));
        course_free(c);
        return NULL;
    }
    int meta_ok = source_xml_read(c, xml_file, xml, size, d) == 0;
    free(xml);
    read_pages(c, d, dir, meta_ok);
    check_module(c, d);
    source_lint_assessment(c, d);
    return c;
}
