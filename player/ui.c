/* ui: screens as block lists. Every screen, ours or a package's, is a list
 * of course.h blocks laid out by layout.c: the library, the table of
 * contents and the profile picker are generated into a scratch course, with
 * "ui:" links as their buttons, so focus, keyboard use, zoom and contrast
 * work the same everywhere. Module state (selections, answers, scenario
 * paths, reflections) lives here; each answer is written to the store
 * before the screen changes. */
#include "ui.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmi.h"
#include "course.h"
#include "manifest.h"
#include "msg.h"
#include "package.h"
#include "page_read.h"
#include "scorm_open.h"
#include "store.h"
#include "theme.h"
#include "validate.h"

#define UI_MAX_MODULES 500
#define UI_MAX_PATH 64          /* scenario steps remembered per play */
#define UI_FILE_MAX (64u << 20)

typedef enum Screen {
    SCR_LIBRARY, SCR_PROFILES, SCR_NEW_PROFILE, SCR_PIN, SCR_TOC, SCR_PAGE,
} Screen;

typedef struct QState {
    const Question *q;
    unsigned sel;
    int answered;
} QState;

typedef struct SState {
    const Scenario *s;
    const StepChoice *path[UI_MAX_PATH];
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
    int seen;
} ModPage;

typedef struct Module {
    char *path;
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
    QState *qs;
    int nqs;
    SState *ss;
    int nss;
    RState *rs;
    int nrs;
    int64_t attempt;
    CmiModel *cmi;
    int64_t session_t0;     /* monotonic ms when this session of the attempt began */
} Module;

struct Ui {
    UiOptions o;
    char *path;
    const LayoutMeasure *m;
    Module *mods;
    int nmods;
    int cur;                /* module shown, -1 = none */
    Screen screen;
    int page;
    Layout *L;
    Course *scratch;        /* the generated screen's blocks */
    const Block *blocks;
    unsigned gen;
    int scroll, focus;
    int width, height, scale, theme;
    MsgLang lang;           /* interface language */
    MsgLang base_lang;      /* the chosen one (a module's language wins while it is open) */
    Store *store;
    StoreLearner *learners;
    size_t nlearners;
    int64_t pin_for;        /* profile whose PIN is being typed */
    int role, setting;      /* learner context in the current module, -1 = all */
    Buf field[3];           /* new profile: name, staff id, PIN; PIN screen: [2] */
    const Module *ctx_mod;  /* new profile: the module whose roles and settings are offered */
    int new_role, new_setting;  /* chosen there, -1 = none */
    Reflection fields[3];
    int text_target;        /* focused text box: target index, or -1 */
    long long zoom_pos;     /* scroll position in 1/1000 of the page across a zoom, or -1 */
    Buf title, where, hint, notice;
    Buf speech;
    int speech_ready, speech_stop;
    LayoutHooks hooks;
    UiView view;
    int trace_fd;           /* --trace: O_APPEND file, or -1 */
    unsigned long results_recorded; /* commits that may add xAPI statements */
    long sync_pending;      /* ui_set_sync_status(): -1 nothing to say, 0 sent, n waiting */
};

/* ---- words ------------------------------------------------------------------ */

/* Every word comes from the message catalogue (msg.h), the one the page
 * writer puts into our packages. */
static const char *W(const Ui *ui, MsgId id)
{
    return msg_get(ui->lang, id);
}

/* ---- modules: reading files ---------------------------------------------------- */

static int mod_read(Module *m, const char *name, Buf *out, Diag *d)
{
    return scorm_read(m->pkg, name, UI_FILE_MAX, out, d);
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
 * of the package, in the manifest's order. */
static void list_pages(Module *m)
{
    size_t n;
    const ScormItem *items = scorm_items(m->pkg, &n);
    for (size_t i = 0; i < n; i++) {
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

/* Opens the package enough to list it: the shared reader and validate's
 * rules (so the player refuses what `coursepack validate` refuses, with the
 * same words), then for ours index.html. */
static int mod_open(Module *m)
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
    /* ours: the one SCO is index.html with body.cp */
    size_t nitems;
    const ScormItem *items = scorm_items(m->pkg, &nitems);
    if (nitems == 1 && items[0].href && strcmp(items[0].href, "index.html") == 0) {
        if (mod_read(m, "index.html", &b, &d) == 0 &&
            page_read_lazy(m->course, "index.html", b.data, b.len, &m->doc, &d) == 0 &&
            m->doc.ours) {
            m->ours = 1;
            m->index_html = buf_detach(&b, &m->index_len);
            CourseLang *L = m->doc.lang;
            m->title = L->title;
            m->lang = L->code;
            m->id = m->man->identifier ? m->man->identifier : m->course->id;
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
        list_pages(m);
        m->title = org && org->title ? org->title : m->man->identifier;
        m->id = m->man->identifier;
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

/* When a module is first opened: every file's data, as validate checks it
 * (not while listing the library: a large package would slow it down). */
static int mod_check_data(Module *m)
{
    if (mod_open(m) < 0)
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

/* A third-party page is read when first shown. */
static const Page *mod_page(Module *m, int i)
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
    if (mp->own && mod_read(m, mp->href, &b, &d) == 0) {
        PageDoc doc;
        if (page_read(mp->own, mp->href, b.data, b.len, &doc, &d) == 0 && doc.lang->pages)
            mp->page = doc.lang->pages;
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

static void mod_release(Module *m)
{
    for (int i = 0; i < m->npages; i++)
        course_free(m->pages[i].own);
    free(m->pages);
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
    free(m->path);
}

/* ---- learner state --------------------------------------------------------------- */

static QState *qstate(Module *m, const Question *q)
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

static SState *sstate(Module *m, const Scenario *s)
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

static RState *rstate(Module *m, const Reflection *r)
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

static Module *cur(Ui *ui)
{
    return ui->cur >= 0 && ui->cur < ui->nmods ? &ui->mods[ui->cur] : NULL;
}

static int hook_question(void *ud, const Question *q, unsigned *selected)
{
    Ui *ui = ud;
    Module *m = cur(ui);
    QState *s = m ? qstate(m, q) : NULL;
    *selected = s ? s->sel : 0;
    return s ? s->answered : 0;
}

static int hook_scenario(void *ud, const Scenario *sc, const StepChoice **path, int max)
{
    Ui *ui = ud;
    Module *m = cur(ui);
    SState *s = m ? sstate(m, sc) : NULL;
    int n = 0;
    for (; s && n < s->n && n < max; n++)
        path[n] = s->path[n];
    return n;
}

static const char *hook_reflection(void *ud, const Reflection *r, int *saved)
{
    Ui *ui = ud;
    for (int i = 0; i < 3; i++)
        if (r == &ui->fields[i]) {
            *saved = 0;
            if (i == 2 && ui->field[2].len) {
                static const char dots[] = "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2";
                return dots + (4 - (ui->field[2].len > 4 ? 4 : ui->field[2].len)) * 3;
            }
            return ui->field[i].data;
        }
    Module *m = cur(ui);
    RState *s = m ? rstate(m, r) : NULL;
    *saved = s ? s->saved : 0;
    return s ? s->text.data : "";
}

static const char *hook_word(void *ud, const char *key)
{
    Ui *ui = ud;
    Module *m = cur(ui);
    const char *w = m && m->ours ? page_doc_text(&m->doc, key, NULL) : NULL;
    if (w)
        return w;
    for (int i = 0; i < MSG_COUNT; i++)
        if (msg_runtime_key((MsgId)i) && strcmp(msg_runtime_key((MsgId)i), key) == 0)
            return W(ui, (MsgId)i);
    return NULL;
}

/* ---- the store -------------------------------------------------------------------- */

static void notice(Ui *ui, const char *fmt, const char *arg)
{
    buf_clear(&ui->notice);
    buf_printf(&ui->notice, fmt, arg);
}

static void store_failed(Ui *ui)
{
    notice(ui, W(ui, MSG_PLAYER_SAVE_FAILED), store_errmsg(ui->store));
}

/* --trace: one line "answer\tATTEMPT\tITEM\tRESPONSE\n" per committed answer,
 * in a single write(2) on an O_APPEND descriptor with no stdio buffer, so that
 * a test killing the player with SIGKILL knows which answers the learner saw
 * confirmed (control characters in the text are written as '?'). */
static void trace_answer(Ui *ui, int64_t attempt, const char *item, const char *response)
{
    if (ui->trace_fd < 0)
        return;
    Buf line = BUF_INIT;
    buf_printf(&line, "answer\t%lld\t%s\t%s", (long long)attempt, item,
               response ? response : "");
    for (size_t i = 0; i < line.len; i++)
        if ((unsigned char)line.data[i] < 0x20 && line.data[i] != '\t')
            line.data[i] = '?';
    buf_puts(&line, "\n");
    if (line.data && write(ui->trace_fd, line.data, line.len) != (ssize_t)line.len)
        fprintf(stderr, "wardplayer: --trace: %s\n", strerror(errno));
    buf_release(&line);
}

static int module_score(Ui *ui, Module *m, int *max_out, int *answered_all)
{
    int score2 = 0, max = 0, all = 1;     /* score2: twice the score (partial = half) */
    for (int i = 0; i < m->npages; i++) {
        const Page *p = m->pages[i].page;
        if (!p || !audience_includes(p->audience, ui->role, ui->setting))
            continue;
        if (m->ours && !page_built(&m->doc, i)) {
            /* never shown, so nothing on it is answered: only its weights count */
            int n;
            const PageItem *it = page_items(&m->doc, i, &n);
            for (int k = 0; k < n; k++)
                if (audience_includes(it[k].audience, ui->role, ui->setting) &&
                    (it[k].kind == BLOCK_QUESTION ||
                     (it[k].kind == BLOCK_SCENARIO && it[k].scored))) {
                    max += it[k].weight;
                    all = 0;
                }
            continue;
        }
        for (const Block *b = p->blocks; b; b = b->next) {
            if (!audience_includes(b->audience, ui->role, ui->setting))
                continue;
            if (b->kind == BLOCK_QUESTION) {
                const Question *q = b->u.question;
                QState *s = qstate(m, q);
                max += q->weight;
                if (!s || !s->answered) {
                    all = 0;
                    continue;
                }
                unsigned want = 0;
                int k = 0;
                for (const Choice *c = q->choices; c; c = c->next, k++)
                    if (c->correct)
                        want |= 1u << k;
                if (s->sel == want)
                    score2 += 2 * q->weight;
            } else if (b->kind == BLOCK_SCENARIO && b->u.scenario->scored) {
                const Scenario *sc = b->u.scenario;
                SState *s = sstate(m, sc);
                max += sc->weight;
                if (!s || !s->recorded) {
                    all = 0;
                    continue;
                }
                /* the first path played counts */
                score2 += s->first_end == END_CORRECT   ? 2 * sc->weight
                          : s->first_end == END_PARTIAL ? sc->weight
                                                        : 0;
            }
        }
    }
    *max_out = max;
    *answered_all = all;
    return score2 / 2;
}

static const char *cmi_el(const Module *m, const char *e12, const char *e2004)
{
    return cmi_edition(m->cmi) == SCORM_12 ? e12 : e2004;
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Writes location, progress, score, status and this session's time to the
 * attempt's CMI model. */
static void save_progress(Ui *ui, Module *m, const char *location)
{
    if (!ui->store || !m->attempt || !m->cmi)
        return;
    if (location)
        cmi_set(m->cmi, cmi_el(m, "cmi.core.lesson_location", "cmi.location"), location);
    int max = 0, all = 0;
    int score = module_score(ui, m, &max, &all);
    int seen = 0, shown = 0;
    for (int i = 0; i < m->npages; i++) {
        const Page *p = m->pages[i].page;
        /* a page this learner's role and setting hide is not waited for */
        if (p && !audience_includes(p->audience, ui->role, ui->setting))
            continue;
        shown++;
        seen += m->pages[i].seen;
    }
    char v[32];
    if (max > 0 && all) {
        int pct = score * 100 / max;
        snprintf(v, sizeof(v), "%d", pct);
        cmi_set(m->cmi, cmi_el(m, "cmi.core.score.raw", "cmi.score.raw"), v);
        cmi_set(m->cmi, cmi_el(m, "cmi.core.score.min", "cmi.score.min"), "0");
        cmi_set(m->cmi, cmi_el(m, "cmi.core.score.max", "cmi.score.max"), "100");
        int passed = pct >= (m->course ? m->course->mastery_score : 0);
        if (cmi_edition(m->cmi) == SCORM_12) {
            cmi_set(m->cmi, "cmi.core.lesson_status", passed ? "passed" : "failed");
        } else {
            snprintf(v, sizeof(v), "%.2f", pct / 100.0);
            cmi_set(m->cmi, "cmi.score.scaled", v);
            cmi_set(m->cmi, "cmi.success_status", passed ? "passed" : "failed");
        }
    } else if (cmi_edition(m->cmi) == SCORM_12) {
        cmi_set(m->cmi, "cmi.core.lesson_status",
                max == 0 && seen == shown ? "completed" : "incomplete");
    }
    if (cmi_edition(m->cmi) == SCORM_2004) {
        snprintf(v, sizeof(v), "%.3f", shown ? (double)seen / shown : 1.0);
        cmi_set(m->cmi, "cmi.progress_measure", v);
        cmi_set(m->cmi, "cmi.completion_status", seen == shown ? "completed" : "incomplete");
    }
    /* the store adds this session's time to the total: the duration of the
     * attempt's statements */
    Buf t = BUF_INIT;
    if (cmi_edition(m->cmi) == SCORM_12)
        cmi_timespan_format(mono_ms() - m->session_t0, &t);
    else
        cmi_duration_format(mono_ms() - m->session_t0, &t);
    if (!t.failed)
        cmi_set(m->cmi, cmi_el(m, "cmi.core.session_time", "cmi.session_time"), t.data);
    buf_release(&t);
    if (store_cmi_save(ui->store, m->attempt, m->cmi) != 0)
        store_failed(ui);
    else
        ui->results_recorded++;     /* a status change adds its statement */
}

static void choice_ids(const Question *q, unsigned sel, Buf *out, const char *sep)
{
    int k = 0;
    for (const Choice *c = q->choices; c; c = c->next, k++)
        if ((sel >> k) & 1) {
            if (out->len)
                buf_puts(out, sep);
            buf_puts(out, c->id);
        }
}

/* Stores an answer; returns 0 when saved (or when there is no store). */
static int record_question(Ui *ui, Module *m, const QState *s)
{
    if (!ui->store || !m->attempt)
        return 0;
    const Question *q = s->q;
    Buf resp = BUF_INIT, pattern = BUF_INIT;
    unsigned want = 0;
    int k = 0;
    for (const Choice *c = q->choices; c; c = c->next, k++)
        if (c->correct)
            want |= 1u << k;
    int tf = q->type == QUESTION_TRUEFALSE;
    if (tf) {
        buf_puts(&resp, s->sel & 1 ? "true" : "false");
        buf_puts(&pattern, want & 1 ? "true" : "false");
    } else {
        choice_ids(q, s->sel, &resp, "[,]");
        choice_ids(q, want, &pattern, "[,]");
    }
    char *desc = q->prompt ? inline_plain_text(q->prompt->text) : NULL;
    StoreAnswer a = {
        .item_id = q->id, .type = tf ? "true-false" : "choice", .description = desc,
        .response = resp.data, .correct_pattern = pattern.data,
        .result = s->sel == want ? "correct" : "incorrect", .weight = q->weight,
    };
    int rc = store_answer_record(ui->store, m->attempt, &a);
    if (rc == 0)
        trace_answer(ui, m->attempt, a.item_id, a.response);
    ui->results_recorded += rc == 0;
    free(desc);
    buf_release(&resp);
    buf_release(&pattern);
    if (rc != 0) {
        store_failed(ui);
        return -1;
    }
    save_progress(ui, m, NULL);
    return 0;
}

static void record_scenario(Ui *ui, Module *m, SState *s, EndResult end)
{
    if (!ui->store || !m->attempt)
        return;
    Buf resp = BUF_INIT;
    for (int i = 0; i < s->n; i++)
        buf_printf(&resp, "%s%s", i ? "[,]" : "", s->path[i]->code);
    StoreAnswer a = {
        .item_id = s->s->id, .type = "choice", .description = s->s->title,
        .response = resp.data,
        .result = !s->s->scored ? "neutral" : end == END_CORRECT ? "correct" : "incorrect",
        .weight = s->s->scored ? s->s->weight : 0,
    };
    if (store_answer_record(ui->store, m->attempt, &a) != 0)
        store_failed(ui);
    else {
        trace_answer(ui, m->attempt, a.item_id, a.response);
        ui->results_recorded++;
    }
    buf_release(&resp);
}

static void record_reflection(Ui *ui, Module *m, RState *s)
{
    if (!ui->store || !m->attempt)
        return;
    StoreAnswer a = {
        .item_id = s->r->id, .type = "long-fill-in", .response = s->text.data,
        .result = "neutral",
    };
    if (store_answer_record(ui->store, m->attempt, &a) != 0)
        store_failed(ui);
    else {
        trace_answer(ui, m->attempt, a.item_id, a.response);
        ui->results_recorded++;
    }
}

/* Finds a question or scenario by id in the module's loaded pages. */
static Block *find_item(Module *m, const char *id, BlockKind kind)
{
    for (int i = 0; i < m->npages; i++) {
        if (m->ours && !page_built(&m->doc, i)) {
            /* build only the page that lists the item */
            int n, has = 0;
            const PageItem *it = page_items(&m->doc, i, &n);
            for (int k = 0; k < n && !has; k++)
                has = it[k].kind == kind && it[k].id && strcmp(it[k].id, id) == 0;
            if (!has)
                continue;
            mod_page(m, i);
        }
        for (Block *b = m->pages[i].page ? m->pages[i].page->blocks : NULL; b; b = b->next) {
            if (b->kind == BLOCK_QUESTION && kind == BLOCK_QUESTION && b->u.question->id &&
                strcmp(b->u.question->id, id) == 0)
                return b;
            if (b->kind == BLOCK_SCENARIO && kind == BLOCK_SCENARIO && b->u.scenario->id &&
                strcmp(b->u.scenario->id, id) == 0)
                return b;
            if (b->kind == BLOCK_REFLECTION && kind == BLOCK_REFLECTION &&
                b->u.reflection.id && strcmp(b->u.reflection.id, id) == 0)
                return b;
        }
    }
    return NULL;
}

static int restore_answer(const StoreAnswer *a, void *ud)
{
    Module *m = ud;
    Block *b;
    if ((b = find_item(m, a->item_id, BLOCK_QUESTION))) {
        QState *s = qstate(m, b->u.question);
        if (!s)
            return 0;
        s->sel = 0;
        int k = 0;
        for (const Choice *c = b->u.question->choices; c; c = c->next, k++) {
            int on;
            if (b->u.question->type == QUESTION_TRUEFALSE)
                on = (k == 0) == (strcmp(a->response, "true") == 0);
            else    /* "a[,]c": ids are single letters, separators are not */
                on = strchr(a->response, c->id[0]) != NULL;
            if (on)
                s->sel |= 1u << k;
        }
        s->answered = 1;
    } else if ((b = find_item(m, a->item_id, BLOCK_SCENARIO))) {
        SState *s = sstate(m, b->u.scenario);
        if (!s || s->recorded)
            return 0;
        const Step *st = b->u.scenario->steps;
        for (const char *p = a->response; *p && st && s->n < UI_MAX_PATH; p++) {
            if (*p == '[' || *p == ',' || *p == ']')
                continue;
            const StepChoice *c = st->choices;
            while (c && c->code[0] != *p)
                c = c->next;
            if (!c)
                break;
            s->path[s->n++] = c;
            st = c->target;
        }
        s->recorded = 1;
        s->first_end = st ? st->end : END_NONE;
    } else if ((b = find_item(m, a->item_id, BLOCK_REFLECTION))) {
        RState *s = rstate(m, &b->u.reflection);
        if (s) {
            buf_clear(&s->text);
            buf_puts(&s->text, a->response ? a->response : "");
            s->saved = 1;
        }
    }
    return 0;
}

/* Starts or resumes the learner's attempt at the current module. */
static void begin_attempt(Ui *ui, Module *m)
{
    if (!ui->store || !store_current_learner(ui->store) || m->attempt)
        return;
    ScormEdition ed = m->ours ? m->doc.scorm : (m->man->edition == MANIFEST_EDITION_12
                                                    ? SCORM_12 : SCORM_2004);
    int resumed = 0;
    if (store_attempt_begin(ui->store, m->id ? m->id : m->path, m->version ? m->version : "",
                            m->lang ? m->lang : "", ed, &m->attempt, &resumed) != 0) {
        store_failed(ui);
        m->attempt = 0;
        return;
    }
    ui->results_recorded += !resumed;   /* a new attempt's "attempted" statement */
    m->cmi = cmi_new(ed);
    m->session_t0 = mono_ms();
    if (m->cmi && resumed && store_cmi_load(ui->store, m->attempt, m->cmi) == 0) {
        cmi_end_session(m->cmi);    /* the last session's time joins total_time */
        cmi_begin_session(m->cmi);
    }
    if (resumed) {
        for (int i = 0; i < m->npages && !m->ours; i++)
            mod_page(m, i);     /* ours: find_item() builds the pages answered */
        store_foreach_answer(ui->store, m->attempt, restore_answer, m);
        for (int i = 0; i < m->npages; i++) {
            const char *name = m->pages[i].page && m->pages[i].page->name
                                   ? m->pages[i].page->name : m->pages[i].href;
            if (name && store_page_was_seen(ui->store, m->attempt, name) == 1)
                m->pages[i].seen = 1;
        }
    }
}

/* ---- generated screens ------------------------------------------------------------- */

typedef struct Gen {
    Ui *ui;
    Course *c;
    Block **tail;
} Gen;

static Block *gen_block(Gen *g, BlockKind kind)
{
    Block *b = course_new_block(g->c, kind, srcloc(NULL, 0, 0));
    if (b) {
        *g->tail = b;
        g->tail = &b->next;
    }
    return b;
}

static void gen_heading(Gen *g, int level, const char *text)
{
    Block *b = gen_block(g, BLOCK_HEADING);
    if (b) {
        b->u.heading.level = level;
        b->text = course_new_inline(g->c, 0, text, strlen(text));
    }
}

static Inline *gen_inline(Gen *g, unsigned style, const char *text, const char *href)
{
    Inline *in = course_new_inline(g->c, style, text, strlen(text));
    if (in && href)
        in->href = course_strdup(g->c, href);
    return in;
}

/* A paragraph: a link (when href) then plain text after it. */
static void gen_para(Gen *g, const char *link, const char *href, const char *after,
                     unsigned after_style)
{
    Block *b = gen_block(g, BLOCK_PARAGRAPH);
    if (!b)
        return;
    Inline **t = &b->text;
    if (link && *link) {
        *t = gen_inline(g, href ? INLINE_LINK : 0, link, href);
        if (*t)
            t = &(*t)->next;
    }
    if (after && *after)
        *t = gen_inline(g, after_style, after, NULL);
}

static void gen_field(Gen *g, int i, const char *label)
{
    Ui *ui = g->ui;
    Block *b = gen_block(g, BLOCK_REFLECTION);
    if (!b)
        return;
    ui->fields[i].id = "field";
    ui->fields[i].max_chars = i == 2 ? -4 : -(STORE_NAME_MAX - 1);
    Block *p = course_new_block(g->c, BLOCK_PARAGRAPH, srcloc(NULL, 0, 0));
    if (p)
        p->text = gen_inline(g, INLINE_STRONG, label, NULL);
    ui->fields[i].prompt = p;
    b->u.reflection = ui->fields[i];
    /* the layout asks the hook with this block's own copy: point it back */
}

/* The newest attempt of the current learner at a module. */
typedef struct LibStatus {
    const Module *m;
    int found;
    char success[16];       /* copies: the attempt's strings die with the callback */
    char completion[24];
    int has_score, score;
} LibStatus;

static int lib_status(const StoreAttempt *a, void *ud)
{
    LibStatus *st = ud;
    const Module *m = st->m;
    if (!a->package_id || !m->id || strcmp(a->package_id, m->id) != 0)
        return 0;
    if (m->lang && *m->lang && a->lang && strcmp(a->lang, m->lang) != 0)
        return 0;
    /* attempts come by start time: the last one wins */
    st->found = 1;
    snprintf(st->success, sizeof st->success, "%s", a->success ? a->success : "");
    snprintf(st->completion, sizeof st->completion, "%s", a->completion ? a->completion : "");
    st->has_score = a->has_score;
    st->score = a->has_score ? (int)(a->score_scaled * 100 + 0.5) : 0;
    if (a->has_score && a->score_max > a->score_min)
        st->score = (int)((a->score_raw - a->score_min) * 100 / (a->score_max - a->score_min) +
                          0.5);
    return 0;
}

static void screen_library(Gen *g)
{
    Ui *ui = g->ui;
    gen_heading(g, 1, W(ui, MSG_PLAYER_LIBRARY));
    if (ui->nmods == 0)
        gen_para(g, NULL, NULL, W(ui, MSG_PLAYER_NO_MODULES), 0);
    for (int i = 0; i < ui->nmods; i++) {
        Module *m = &ui->mods[i];
        mod_open(m);
        char href[32];
        snprintf(href, sizeof(href), "ui:open:%d", i);
        Buf line = BUF_INIT;
        if (m->error) {
            const char *base = strrchr(m->path, '/');
            gen_para(g, base ? base + 1 : m->path, NULL, NULL, 0);
            gen_para(g, NULL, NULL, W(ui, MSG_PLAYER_CANNOT_OPEN), INLINE_EM);
            buf_release(&line);
            continue;
        }
        if (m->lang && *m->lang)
            buf_printf(&line, " \xe2\x80\x94 %s", m->lang);
        int ed12 = m->ours ? m->doc.scorm == SCORM_12 : m->man->edition == MANIFEST_EDITION_12;
        buf_printf(&line, " \xc2\xb7 SCORM %s", ed12 ? "1.2" : "2004");
        if (m->course && m->course->duration_minutes > 0) {
            buf_puts(&line, " \xc2\xb7 ");
            buf_printf(&line, W(ui, MSG_PLAYER_MINUTES), m->course->duration_minutes);
        }
        /* the learner's status and score, from the store */
        if (ui->store && store_current_learner(ui->store)) {
            LibStatus st = { m, 0, "", "", 0, 0 };
            store_foreach_attempt(ui->store, store_current_learner(ui->store), lib_status,
                                  &st);
            if (!st.found)
                buf_printf(&line, " \xc2\xb7 %s", W(ui, MSG_PLAYER_STATUS_NEW));
            else
                buf_printf(&line, " \xc2\xb7 %s", strcmp(st.success, "passed") == 0
                                                      ? W(ui, MSG_PLAYER_STATUS_PASSED)
                                                  : strcmp(st.success, "failed") == 0
                                                      ? W(ui, MSG_PLAYER_STATUS_FAILED)
                                                      : W(ui, MSG_PLAYER_STATUS_IN_PROGRESS));
            if (st.found && st.has_score)
                buf_printf(&line, " (%d %%)", st.score);
        }
        gen_para(g, m->title, href, line.data, 0);
        buf_release(&line);
    }
    /* the background sync, discreetly, after the links (their focus order
     * stays the same when this line changes) */
    if (ui->sync_pending >= 0) {
        Buf t = BUF_INIT;
        if (ui->sync_pending > 0)
            buf_printf(&t, W(ui, MSG_PLAYER_SYNC_WAITING), ui->sync_pending);
        else
            buf_puts(&t, W(ui, MSG_PLAYER_SYNC_SENT));
        gen_para(g, NULL, NULL, t.data, INLINE_EM);
        buf_release(&t);
    }
}

static void screen_profiles(Gen *g)
{
    Ui *ui = g->ui;
    gen_heading(g, 1, W(ui, MSG_PLAYER_PROFILES));
    free(ui->learners);
    ui->learners = NULL;
    ui->nlearners = 0;
    if (store_learner_list(ui->store, &ui->learners, &ui->nlearners) != 0)
        store_failed(ui);
    for (size_t i = 0; i < ui->nlearners; i++) {
        char href[48], pin[32];
        snprintf(href, sizeof(href), "ui:profile:%lld", (long long)ui->learners[i].id);
        snprintf(pin, sizeof pin, "  %s", W(ui, MSG_PLAYER_HAS_PIN));
        gen_para(g, ui->learners[i].name, href, ui->learners[i].has_pin ? pin : NULL,
                 INLINE_EM);
    }
    gen_block(g, BLOCK_RULE);
    gen_para(g, W(ui, MSG_PLAYER_NEW_PROFILE), "ui:new-profile", NULL, 0);
    gen_para(g, W(ui, MSG_PLAYER_GUEST), "ui:guest", NULL, 0);
}

static void screen_new_profile(Gen *g)
{
    Ui *ui = g->ui;
    gen_heading(g, 1, W(ui, MSG_PLAYER_NEW_PROFILE));
    gen_field(g, 0, W(ui, MSG_PLAYER_NAME));
    gen_field(g, 1, W(ui, MSG_PLAYER_STAFF_ID));
    gen_field(g, 2, W(ui, MSG_PLAYER_PIN));
    /* roles and settings: those of the first module that has some */
    ui->ctx_mod = NULL;
    for (int pass = 0; pass < 2 && !ui->ctx_mod; pass++)     /* the interface language first */
        for (int i = 0; i < ui->nmods && !ui->ctx_mod; i++) {
            Module *m = &ui->mods[i];
            if (mod_open(m) == 0 && m->course && (m->course->nroles || m->course->nsettings) &&
                (pass == 1 || (m->lang && strcmp(m->lang, msg_lang_code(ui->lang)) == 0)))
                ui->ctx_mod = m;
        }
    const Module *m = ui->ctx_mod;
    if (m) {
        const Course *c = m->course;
        int li = m->doc.lang ? (int)(m->doc.lang - c->langs) : 0;
        if (c->nroles)
            gen_heading(g, 2, W(ui, MSG_DOC_ROLE));
        for (int i = 0; i < c->nroles; i++) {
            char href[32];
            snprintf(href, sizeof(href), "ui:new-role:%d", i);
            gen_para(g, c->roles[i].label[li] ? c->roles[i].label[li] : c->roles[i].id, href,
                     ui->new_role == i ? "  \xe2\x9c\x93" : NULL, INLINE_STRONG);
        }
        if (c->nsettings)
            gen_heading(g, 2, W(ui, MSG_DOC_SETTING));
        for (int i = 0; i < c->nsettings; i++) {
            char href[32];
            snprintf(href, sizeof(href), "ui:new-setting:%d", i);
            gen_para(g, c->settings[i].label[li] ? c->settings[i].label[li]
                                                 : c->settings[i].id,
                     href, ui->new_setting == i ? "  \xe2\x9c\x93" : NULL, INLINE_STRONG);
        }
        gen_block(g, BLOCK_RULE);
    }
    gen_para(g, W(ui, MSG_PLAYER_CREATE_PROFILE), "ui:create-profile", NULL, 0);
}

static void screen_pin(Gen *g)
{
    Ui *ui = g->ui;
    const char *name = "";
    for (size_t i = 0; i < ui->nlearners; i++)
        if (ui->learners[i].id == ui->pin_for)
            name = ui->learners[i].name;
    Buf t = BUF_INIT;
    buf_printf(&t, W(ui, MSG_PLAYER_PIN_FOR), name);
    gen_heading(g, 1, t.data);
    buf_release(&t);
    gen_field(g, 2, W(ui, MSG_PLAYER_PIN_ENTER));
    gen_para(g, W(ui, MSG_PLAYER_OPEN), "ui:login", NULL, 0);
}

static void screen_toc(Gen *g)
{
    Ui *ui = g->ui;
    Module *m = cur(ui);
    gen_heading(g, 1, m->title);
    gen_heading(g, 2, W(ui, MSG_PLAYER_CONTENTS));
    Block *list = gen_block(g, BLOCK_LIST);
    if (!list)
        return;
    list->u.list.ordered = 1;
    list->u.list.start = 1;
    Block **items = &list->children;
    for (int i = 0; i < m->npages; i++) {
        const Page *p = m->pages[i].page;
        if (p && !audience_includes(p->audience, ui->role, ui->setting))
            continue;
        Block *it = course_new_block(g->c, BLOCK_LIST_ITEM, srcloc(NULL, 0, 0));
        if (!it)
            return;
        *items = it;
        items = &it->next;
        Gen sub = { ui, g->c, &it->children };
        char href[32];
        snprintf(href, sizeof(href), "ui:page:%d", i);
        Buf after = BUF_INIT;
        if (m->pages[i].seen)
            buf_printf(&after, "  \xe2\x9c\x93 %s", W(ui, MSG_PLAYER_SEEN));
        gen_para(&sub, m->pages[i].title ? m->pages[i].title : "\xe2\x80\x94", href,
                 after.data, INLINE_EM);
        buf_release(&after);
    }
}

static void screen_context(Gen *g)
{
    Ui *ui = g->ui;
    Module *m = cur(ui);
    Course *c = m->course;
    int li = m->doc.lang ? (int)(m->doc.lang - c->langs) : 0;
    gen_heading(g, 1, W(ui, MSG_DOC_CONTEXT_TITLE));
    if (c->nroles) {
        gen_heading(g, 2, W(ui, MSG_DOC_ROLE));
        for (int i = 0; i < c->nroles; i++) {
            char href[32];
            snprintf(href, sizeof(href), "ui:role:%d", i);
            gen_para(g, c->roles[i].label[li] ? c->roles[i].label[li] : c->roles[i].id, href,
                     ui->role == i ? "  \xe2\x9c\x93" : NULL, INLINE_STRONG);
        }
    }
    if (c->nsettings) {
        gen_heading(g, 2, W(ui, MSG_DOC_SETTING));
        for (int i = 0; i < c->nsettings; i++) {
            char href[32];
            snprintf(href, sizeof(href), "ui:setting:%d", i);
            gen_para(g, c->settings[i].label[li] ? c->settings[i].label[li]
                                                 : c->settings[i].id,
                     href, ui->setting == i ? "  \xe2\x9c\x93" : NULL, INLINE_STRONG);
        }
    }
    gen_block(g, BLOCK_RULE);
    gen_para(g, W(ui, MSG_PLAYER_EVERYONE), "ui:context-all", NULL, 0);
    gen_para(g, W(ui, MSG_DOC_CONTEXT_SUBMIT), "ui:next", NULL, 0);
}

static void screen_summary(Gen *g)
{
    Ui *ui = g->ui;
    Module *m = cur(ui);
    gen_heading(g, 1, m->pages[ui->page].title ? m->pages[ui->page].title : W(ui, MSG_DOC_SUMMARY));
    int max = 0, all = 0;
    int score = module_score(ui, m, &max, &all);
    Buf t = BUF_INIT;
    if (max > 0) {
        int pct = score * 100 / max;
        char n[16];
        snprintf(n, sizeof n, "%d", pct);
        msg_fill(&t, W(ui, MSG_PAGE_SCORE), n, NULL);
        gen_para(g, NULL, NULL, t.data, INLINE_STRONG);
        buf_clear(&t);
        if (all) {
            int pass = pct >= m->course->mastery_score;
            buf_printf(&t, "%s (%d %%)", pass ? W(ui, MSG_PLAYER_STATUS_PASSED) : W(ui, MSG_PLAYER_STATUS_FAILED),
                       m->course->mastery_score);
        } else {
            buf_puts(&t, W(ui, MSG_PLAYER_STATUS_IN_PROGRESS));
        }
        gen_para(g, NULL, NULL, t.data, 0);
        buf_clear(&t);
    }
    int seen = 0, shown = 0;
    for (int i = 0; i < m->npages; i++) {
        const Page *p = m->pages[i].page;
        if (p && p->name && p->name[0] == '_')
            continue;
        if (p && !audience_includes(p->audience, ui->role, ui->setting))
            continue;
        shown++;
        seen += m->pages[i].seen;
    }
    char a[16], b[16];
    snprintf(a, sizeof a, "%d", seen);
    snprintf(b, sizeof b, "%d", shown);
    msg_fill(&t, W(ui, MSG_PAGE_SEEN), a, b);
    gen_para(g, NULL, NULL, t.data, 0);
    buf_release(&t);
    gen_block(g, BLOCK_RULE);
    gen_para(g, W(ui, MSG_PLAYER_CONTENTS), "ui:toc", NULL, 0);
    gen_para(g, W(ui, MSG_PLAYER_LIBRARY), "ui:library", NULL, 0);
}

static void page_of(Ui *ui)
{
    buf_clear(&ui->where);
    Module *m = cur(ui);
    if (m && ui->screen == SCR_PAGE) {
        char a[16], b[16];
        snprintf(a, sizeof a, "%d", ui->page + 1);
        snprintf(b, sizeof b, "%d", m->npages);
        msg_fill(&ui->where, W(ui, MSG_PAGE_PROGRESS), a, b);
    }
}

/* Builds the blocks of the current screen (a fresh scratch course). */
static void build(Ui *ui)
{
    course_free(ui->scratch);
    ui->scratch = course_new();
    ui->blocks = NULL;
    ui->gen++;
    ui->focus = -1;
    ui->text_target = -1;
    if (!ui->scratch)
        return;
    Block *list = NULL;
    Gen g = { ui, ui->scratch, &list };
    Module *m = cur(ui);
    buf_clear(&ui->title);
    buf_puts(&ui->title, m && ui->screen >= SCR_TOC ? m->title : "wardplayer");
    switch (ui->screen) {
    case SCR_LIBRARY:
        screen_library(&g);
        break;
    case SCR_PROFILES:
        screen_profiles(&g);
        break;
    case SCR_NEW_PROFILE:
        screen_new_profile(&g);
        break;
    case SCR_PIN:
        screen_pin(&g);
        break;
    case SCR_TOC:
        screen_toc(&g);
        break;
    case SCR_PAGE: {
        const Page *p = mod_page(m, ui->page);
        if (p && p->name && strcmp(p->name, "_context") == 0)
            screen_context(&g);
        else if (p && p->name && strcmp(p->name, "_summary") == 0)
            screen_summary(&g);
        else if (p) {
            ui->blocks = p->blocks;
            page_of(ui);
            return;
        }
        break;
    }
    }
    page_of(ui);
    ui->blocks = list;
    /* form fields: the layout hook recognises them by address */
    for (Block *b = list; b; b = b->next)
        if (b->kind == BLOCK_REFLECTION)
            for (int i = 0; i < 3; i++)
                if (b->u.reflection.max_chars == ui->fields[i].max_chars &&
                    b->u.reflection.prompt == ui->fields[i].prompt)
                    ui->fields[i] = b->u.reflection;
}

/* hook_reflection compares addresses with ui->fields: the layout passes the
 * block's own Reflection, so map it back by prompt */
static const char *hook_reflection_any(void *ud, const Reflection *r, int *saved)
{
    Ui *ui = ud;
    for (int i = 0; i < 3; i++)
        if (r->max_chars < 0 && r->prompt == ui->fields[i].prompt)
            return hook_reflection(ud, &ui->fields[i], saved);
    return hook_reflection(ud, r, saved);
}

/* ---- navigation -------------------------------------------------------------------- */

static void mark_seen(Ui *ui)
{
    Module *m = cur(ui);
    if (!m || ui->screen != SCR_PAGE)
        return;
    ModPage *mp = &m->pages[ui->page];
    const char *name = mp->page && mp->page->name ? mp->page->name : mp->href;
    if (ui->store && m->attempt && name && !mp->seen &&
        store_page_seen(ui->store, m->attempt, name) != 0)
        store_failed(ui);
    mp->seen = 1;
    /* the bookmark follows every page change */
    if (ui->store && m->attempt && name)
        save_progress(ui, m, name);
}

static void go(Ui *ui, Screen s)
{
    if (s == SCR_LIBRARY || s == SCR_PROFILES)
        ui->lang = ui->base_lang;
    ui->screen = s;
    ui->scroll = 0;
    ui->speech_stop = 1;    /* what was being read aloud has left the screen */
    build(ui);
    mark_seen(ui);
}

static int page_shown(Ui *ui, Module *m, int i)
{
    /* ours: the listed page knows its audience without being built */
    const Page *p = m->ours ? m->pages[i].page : mod_page(m, i);
    return !p || audience_includes(p->audience, ui->role, ui->setting);
}

static int go_page(Ui *ui, int i)
{
    Module *m = cur(ui);
    if (!m || i < 0 || i >= m->npages)
        return 0;
    ui->page = i;
    go(ui, SCR_PAGE);
    return 1;
}

static int step_page(Ui *ui, int dir)
{
    Module *m = cur(ui);
    if (!m || ui->screen != SCR_PAGE)
        return 0;
    for (int i = ui->page + dir; i >= 0 && i < m->npages; i += dir)
        if (page_shown(ui, m, i))
            return go_page(ui, i);
    return 0;
}

static int open_module(Ui *ui, int i)
{
    if (i < 0 || i >= ui->nmods)
        return 0;
    Module *m = &ui->mods[i];
    if (mod_check_data(m) < 0) {
        /* the learner gets the short reason; the administrator's details
           (what `wardplayer --check` prints) go to the log */
        notice(ui, "%s", W(ui, MSG_PLAYER_CANNOT_OPEN_MODULE));
        fprintf(stderr, "wardplayer: %s\n", m->error);
        return 1;
    }
    ui->cur = i;
    ui->role = -1;
    ui->setting = -1;
    for (int k = 0; k < m->npages && !m->ours; k++)
        mod_page(m, k);         /* ours: built when shown */
    begin_attempt(ui, m);
    /* learner context from the profile */
    if (ui->store && store_current_learner(ui->store) && m->course) {
        StoreLearner l;
        if (store_learner_get(ui->store, store_current_learner(ui->store), &l) == 0) {
            ui->role = *l.role ? course_role_index(m->course, l.role) : -1;
            ui->setting = *l.setting ? course_setting_index(m->course, l.setting) : -1;
        }
    }
    if (m->ours && m->doc.lang && m->doc.lang->code)
        ui->lang = msg_lang(m->doc.lang->code, ui->lang);
    /* resume where the learner was */
    int start = 0;
    if (m->cmi) {
        CmiSummary s;
        cmi_summary(m->cmi, &s);
        for (int k = 0; k < m->npages && s.location && *s.location; k++) {
            const char *name = m->pages[k].page && m->pages[k].page->name
                                   ? m->pages[k].page->name : m->pages[k].href;
            if (name && strcmp(name, s.location) == 0)
                start = k;
        }
    }
    return go_page(ui, start);
}

static void set_context(Ui *ui)
{
    Module *m = cur(ui);
    if (!ui->store || !store_current_learner(ui->store) || !m || !m->course)
        return;
    const char *role = ui->role >= 0 ? m->course->roles[ui->role].id : "";
    const char *setting = ui->setting >= 0 ? m->course->settings[ui->setting].id : "";
    if (store_learner_set_context(ui->store, role, setting) != 0)
        store_failed(ui);
}

static int after_login(Ui *ui)
{
    if (ui->nmods == 1)
        return open_module(ui, 0);
    go(ui, SCR_LIBRARY);
    return 1;
}

static int create_profile(Ui *ui)
{
    const char *name = ui->field[0].data;
    while (*name == ' ')
        name++;
    if (!*name) {
        notice(ui, "%s", W(ui, MSG_PLAYER_NAME_NEEDED));
        return 1;
    }
    const char *pin = ui->field[2].len ? ui->field[2].data : NULL;
    if (pin && (strlen(pin) != 4 || strspn(pin, "0123456789") != 4)) {
        notice(ui, "%s", W(ui, MSG_PLAYER_PIN_FORMAT));
        return 1;
    }
    int64_t id = 0;
    const Course *c = ui->ctx_mod ? ui->ctx_mod->course : NULL;
    const char *role = c && ui->new_role >= 0 ? c->roles[ui->new_role].id : NULL;
    const char *setting = c && ui->new_setting >= 0 ? c->settings[ui->new_setting].id : NULL;
    if (store_learner_add(ui->store, name, ui->field[1].data, role, setting, pin, &id) != 0 ||
        store_login(ui->store, id, pin) != 0) {
        store_failed(ui);
        return 1;
    }
    for (int i = 0; i < 3; i++)
        buf_clear(&ui->field[i]);
    return after_login(ui);
}

static int follow(Ui *ui, const char *href)
{
    Module *m = cur(ui);
    long long n = 0;
    if (sscanf(href, "ui:open:%lld", &n) == 1)
        return open_module(ui, (int)n);
    if (sscanf(href, "ui:page:%lld", &n) == 1)
        return go_page(ui, (int)n);
    if (sscanf(href, "ui:profile:%lld", &n) == 1) {
        for (size_t i = 0; i < ui->nlearners; i++)
            if (ui->learners[i].id == n && ui->learners[i].has_pin) {
                ui->pin_for = n;
                buf_clear(&ui->field[2]);
                go(ui, SCR_PIN);
                return 1;
            }
        if (store_login(ui->store, n, NULL) != 0) {
            store_failed(ui);
            return 1;
        }
        return after_login(ui);
    }
    if (strcmp(href, "ui:login") == 0) {
        int rc = store_login(ui->store, ui->pin_for, ui->field[2].data);
        buf_clear(&ui->field[2]);
        if (rc == STORE_BAD_PIN) {
            notice(ui, "%s", W(ui, MSG_PLAYER_BAD_PIN));
            build(ui);
            return 1;
        }
        if (rc != 0) {
            store_failed(ui);
            return 1;
        }
        return after_login(ui);
    }
    if (strcmp(href, "ui:new-profile") == 0) {
        ui->new_role = ui->new_setting = -1;
        go(ui, SCR_NEW_PROFILE);
        return 1;
    }
    if (sscanf(href, "ui:new-role:%lld", &n) == 1) {
        ui->new_role = ui->new_role == n ? -1 : (int)n;
        build(ui);
        return 1;
    }
    if (sscanf(href, "ui:new-setting:%lld", &n) == 1) {
        ui->new_setting = ui->new_setting == n ? -1 : (int)n;
        build(ui);
        return 1;
    }
    if (strcmp(href, "ui:create-profile") == 0)
        return create_profile(ui);
    if (strcmp(href, "ui:guest") == 0)
        return after_login(ui);
    if (strcmp(href, "ui:toc") == 0 && m) {
        go(ui, SCR_TOC);
        return 1;
    }
    if (strcmp(href, "ui:library") == 0) {
        go(ui, SCR_LIBRARY);
        return 1;
    }
    if (strcmp(href, "ui:next") == 0)
        return step_page(ui, 1);
    if (m && sscanf(href, "ui:role:%lld", &n) == 1) {
        ui->role = (int)n;
        set_context(ui);
        build(ui);
        return 1;
    }
    if (m && sscanf(href, "ui:setting:%lld", &n) == 1) {
        ui->setting = (int)n;
        set_context(ui);
        build(ui);
        return 1;
    }
    if (m && strcmp(href, "ui:context-all") == 0) {
        ui->role = ui->setting = -1;
        set_context(ui);
        build(ui);
        return 1;
    }
    /* a third-party page linking to another page of its package */
    if (m && !m->ours && strchr(href, ':') == NULL && href[0] != '#') {
        const char *base = m->pages[ui->page].href ? m->pages[ui->page].href : "";
        const char *slash = strrchr(base, '/');
        Buf target = BUF_INIT;
        if (slash && href[0] != '/')
            buf_append(&target, base, (size_t)(slash - base + 1));
        buf_append(&target, href[0] == '/' ? href + 1 : href, strcspn(href, "#?"));
        int found = -1;
        for (int i = 0; i < m->npages && found < 0; i++)
            if (m->pages[i].href && strcmp(m->pages[i].href, target.data) == 0)
                found = i;
        buf_release(&target);
        if (found >= 0)
            return go_page(ui, found);
    }
    /* a citation: the references page */
    if (m && strncmp(href, "http", 4) != 0 && strchr(href, ':') == NULL) {
        for (int i = 0; i < m->npages; i++)
            if (m->pages[i].page && m->pages[i].page->name &&
                strcmp(m->pages[i].page->name, "_references") == 0)
                return go_page(ui, i);
    }
    notice(ui, W(ui, MSG_PLAYER_EXTERNAL), href);
    return 1;
}

/* ---- activation ---------------------------------------------------------------------- */

static int activate(Ui *ui, int t)
{
    size_t n;
    const LayoutTarget *tg = layout_targets(ui->L, &n);
    if (t < 0 || (size_t)t >= n)
        return 0;
    const LayoutTarget *x = &tg[t];
    Module *m = cur(ui);
    buf_clear(&ui->notice);
    switch (x->kind) {
    case TARGET_LINK:
        return x->href ? follow(ui, x->href) : 0;
    case TARGET_CHOICE: {
        QState *s = m ? qstate(m, x->question) : NULL;
        if (!s || s->answered)
            return 0;
        if (x->question->type == QUESTION_MULTIPLE)
            s->sel ^= 1u << x->index;
        else
            s->sel = 1u << x->index;
        ui->gen++;
        ui->focus = t;
        return 1;
    }
    case TARGET_SUBMIT: {
        QState *s = m ? qstate(m, x->question) : NULL;
        if (!s || s->answered || !s->sel)
            return 0;
        s->answered = 1;
        /* committed before the screen shows the feedback */
        if (record_question(ui, m, s) != 0) {
            s->answered = 0;
            return 1;
        }
        ui->gen++;
        ui->focus = -1;
        return 1;
    }
    case TARGET_STEP_CHOICE: {
        SState *s = m ? sstate(m, x->scenario) : NULL;
        if (!s || s->n >= UI_MAX_PATH)
            return 0;
        s->path[s->n++] = x->step_choice;
        const Step *to = x->step_choice->target;
        if ((!to || !to->choices) && !s->recorded) {
            s->recorded = 1;
            s->first_end = to ? to->end : END_NONE;
            record_scenario(ui, m, s, to ? to->end : END_NONE);
            save_progress(ui, m, NULL);
        }
        ui->gen++;
        ui->focus = -1;
        return 1;
    }
    case TARGET_RESTART: {
        SState *s = m ? sstate(m, x->scenario) : NULL;
        if (s)
            s->n = 0;
        ui->gen++;
        ui->focus = -1;
        return 1;
    }
    case TARGET_TEXT:
        ui->focus = t;
        ui->text_target = t;
        return 1;
    case TARGET_SAVE: {
        RState *s = m ? rstate(m, x->reflection) : NULL;
        if (!s)
            return 0;
        s->saved = 1;
        record_reflection(ui, m, s);
        ui->gen++;
        return 1;
    }
    }
    return 0;
}

/* ---- public --------------------------------------------------------------------------- */

static int has_suffix(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcasecmp(s + a - b, suf) == 0;
}

static int add_module(Ui *ui, const char *path)
{
    if (ui->nmods >= UI_MAX_MODULES)
        return 0;
    Module *n = realloc(ui->mods, (size_t)(ui->nmods + 1) * sizeof(*n));
    if (!n)
        return -1;
    ui->mods = n;
    memset(&ui->mods[ui->nmods], 0, sizeof(Module));
    ui->mods[ui->nmods].path = strdup(path);
    if (!ui->mods[ui->nmods].path)
        return -1;
    ui->nmods++;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* path: a zip, an unzipped package, or a folder of zips (sorted by name). */
static int open_library(Ui *ui, const char *path, Buf *err)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        buf_printf(err, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return add_module(ui, path);
    Buf man = BUF_INIT;
    buf_printf(&man, "%s/imsmanifest.xml", path);
    int unzipped = stat(man.data, &st) == 0;
    buf_release(&man);
    if (unzipped)
        return add_module(ui, path);
    DIR *d = opendir(path);
    if (!d) {
        buf_printf(err, "%s: %s", path, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < UI_MAX_MODULES) {
        if (e->d_name[0] == '.' || !has_suffix(e->d_name, ".zip"))
            continue;
        char **nn = realloc(names, (n + 1) * sizeof(*nn));
        if (!nn)
            break;
        names = nn;
        names[n] = strdup(e->d_name);
        if (names[n])
            n++;
    }
    closedir(d);
    qsort(names, n, sizeof(*names), cmp_str);
    for (size_t i = 0; i < n; i++) {
        Buf p = BUF_INIT;
        buf_printf(&p, "%s/%s", path, names[i]);
        add_module(ui, p.data);
        buf_release(&p);
        free(names[i]);
    }
    free(names);
    return 0;
}

Ui *ui_new(const UiOptions *o, const LayoutMeasure *m, Buf *err)
{
    Ui *ui = calloc(1, sizeof(*ui));
    if (!ui) {
        buf_puts(err, "out of memory");
        return NULL;
    }
    ui->o = *o;
    ui->m = m;
    ui->cur = -1;
    ui->trace_fd = -1;
    ui->sync_pending = -1;
    if (o->trace) {
        ui->trace_fd = open(o->trace, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (ui->trace_fd < 0) {
            buf_printf(err, "%s: %s", o->trace, strerror(errno));
            goto fail;
        }
    }
    ui->width = o->width > 0 ? o->width : 1280;
    ui->height = o->height > 0 ? o->height : 800;
    ui->scale = o->scale >= 100 && o->scale <= 200 ? o->scale : 100;
    ui->theme = o->high_contrast ? THEME_HIGH_CONTRAST : THEME_NORMAL;
    ui->focus = ui->text_target = -1;
    ui->role = ui->setting = -1;
    ui->zoom_pos = -1;
    ui->new_role = ui->new_setting = -1;
    const char *lang = o->lang ? o->lang : getenv("LANG");
    ui->lang = ui->base_lang = msg_lang(lang, MSG_LANG_FR);
    buf_init(&ui->title);
    buf_init(&ui->where);
    buf_init(&ui->hint);
    buf_init(&ui->notice);
    buf_init(&ui->speech);
    for (int i = 0; i < 3; i++)
        buf_init(&ui->field[i]);
    ui->hooks = (LayoutHooks){ hook_question, hook_scenario, hook_reflection_any, hook_word,
                               ui };
    ui->L = layout_new();
    if (!ui->L) {
        buf_puts(err, "out of memory");
        goto fail;
    }
    if (open_library(ui, o->path, err) < 0)
        goto fail;
    if (o->data_dir) {
        Buf note = BUF_INIT;
        ui->store = store_open(o->data_dir, &note, err);
        if (!ui->store) {
            buf_release(&note);
            goto fail;
        }
        if (note.len)
            notice(ui, "%s", note.data);
        buf_release(&note);
    }
    if (ui->store)
        go(ui, SCR_PROFILES);
    else if (ui->nmods == 1 && open_module(ui, 0))
        ;
    else
        go(ui, SCR_LIBRARY);
    return ui;
fail:
    ui_free(ui);
    return NULL;
}

void ui_free(Ui *ui)
{
    if (!ui)
        return;
    for (int i = 0; i < ui->nmods; i++)
        mod_release(&ui->mods[i]);
    free(ui->mods);
    free(ui->learners);
    layout_free(ui->L);
    course_free(ui->scratch);
    store_close(ui->store);
    if (ui->trace_fd >= 0)
        close(ui->trace_fd);
    buf_release(&ui->title);
    buf_release(&ui->where);
    buf_release(&ui->hint);
    buf_release(&ui->notice);
    buf_release(&ui->speech);
    for (int i = 0; i < 3; i++)
        buf_release(&ui->field[i]);
    free(ui);
}

static int bar_height(const Ui *ui)
{
    return ui->m->line_height(ui->m->ud, FONT_ID(FACE_BOLD, SIZE_SMALL)) + 16;
}

static void relayout(Ui *ui)
{
    LayoutParams p = { ui->width, ui->scale, ui->role, ui->setting, ui->gen };
    layout_blocks(ui->L, ui->blocks, &p, ui->m, &ui->hooks);
}

static int content_h(const Ui *ui)
{
    int h = ui->height - 2 * bar_height(ui);
    return h > 1 ? h : 1;
}

static int clamp_scroll(Ui *ui)
{
    relayout(ui);
    int max = layout_height(ui->L) - content_h(ui);
    if (ui->scroll > max)
        ui->scroll = max;
    if (ui->scroll < 0)
        ui->scroll = 0;
    return ui->scroll;
}

static int scroll_by(Ui *ui, int dy)
{
    int old = ui->scroll;
    ui->scroll += dy;
    return clamp_scroll(ui) != old;
}

/* Scrolls so that the focused target is in view. */
static void show_focus(Ui *ui)
{
    size_t n;
    const LayoutTarget *t = layout_targets(ui->L, &n);
    if (ui->focus < 0 || (size_t)ui->focus >= n)
        return;
    LayoutRect r = t[ui->focus].r;
    int ch = content_h(ui);
    if (r.y < ui->scroll)
        ui->scroll = r.y - 16;
    else if (r.y + r.h > ui->scroll + ch)
        ui->scroll = r.y + r.h - ch + 16;
    clamp_scroll(ui);
}

/* Read aloud, a drawn marker says only what the text does not: a choice
 * taken, the right and the wrong answer. Bullets and empty boxes are silent. */
static const char *marker_word(const Ui *ui, const char *glyph, size_t len)
{
    static const struct { const char *glyph; MsgId said; } words[] = {
        { "\xe2\x97\x89", MSG_PLAYER_SAY_SELECTED },   /* ◉ */
        { "\xe2\x98\x91", MSG_PLAYER_SAY_CHECKED },    /* ☑ */
        { "\xe2\x9c\x93", MSG_PLAYER_SAY_RIGHT },      /* ✓ */
        { "\xe2\x9c\x97", MSG_PLAYER_SAY_WRONG },      /* ✗ */
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (len == strlen(words[i].glyph) && memcmp(glyph, words[i].glyph, len) == 0)
            return W(ui, words[i].said);
    return NULL;
}

int ui_key(Ui *ui, UiKey key)
{
    relayout(ui);
    int em = layout_font_px(SIZE_BODY, ui->scale);
    size_t ntargets;
    layout_targets(ui->L, &ntargets);
    switch (key) {
    case UI_KEY_UP:
        return scroll_by(ui, -3 * em);
    case UI_KEY_DOWN:
        return scroll_by(ui, 3 * em);
    case UI_KEY_PAGE_UP:
        return scroll_by(ui, -(content_h(ui) - 3 * em));
    case UI_KEY_PAGE_DOWN:
        return scroll_by(ui, content_h(ui) - 3 * em);
    case UI_KEY_HOME:
        return scroll_by(ui, -layout_height(ui->L));
    case UI_KEY_END:
        return scroll_by(ui, layout_height(ui->L));
    case UI_KEY_PREV:
        if (ui->text_target >= 0)
            return 0;
        return step_page(ui, -1);
    case UI_KEY_NEXT:
        if (ui->text_target >= 0)
            return 0;
        return step_page(ui, 1);
    case UI_KEY_TAB:
    case UI_KEY_BACKTAB:
        if (ntargets == 0)
            return 0;
        if (key == UI_KEY_TAB)
            ui->focus = ui->focus < 0 ? 0 : (ui->focus + 1) % (int)ntargets;
        else
            ui->focus = ui->focus <= 0 ? (int)ntargets - 1 : ui->focus - 1;
        ui->text_target = layout_targets(ui->L, &ntargets)[ui->focus].kind == TARGET_TEXT
                              ? ui->focus : -1;
        show_focus(ui);
        return 1;
    case UI_KEY_ACTIVATE:
        if (ui->focus < 0)
            return scroll_by(ui, content_h(ui) - 3 * em);
        if (ui->text_target >= 0 && ui->text_target == ui->focus)
            return 0;
        return activate(ui, ui->focus);
    case UI_KEY_BACKSPACE: {
        Buf *b = NULL;
        size_t n;
        const LayoutTarget *t = layout_targets(ui->L, &n);
        if (ui->text_target < 0 || (size_t)ui->text_target >= n)
            return 0;
        const Reflection *r = t[ui->text_target].reflection;
        for (int i = 0; i < 3; i++)
            if (r->max_chars < 0 && r->prompt == ui->fields[i].prompt)
                b = &ui->field[i];
        Module *m = cur(ui);
        RState *s = !b && m ? rstate(m, r) : NULL;
        if (s)
            b = &s->text;
        if (!b || b->len == 0)
            return 0;
        size_t len = b->len - 1;
        while (len > 0 && ((unsigned char)b->data[len] & 0xC0) == 0x80)
            len--;
        b->len = len;
        b->data[len] = 0;
        if (s)
            s->saved = 0;
        ui->gen++;
        return 1;
    }
    case UI_KEY_BACK:
        if (ui->text_target >= 0) {
            ui->text_target = -1;
            return 1;
        }
        if (ui->screen == SCR_PAGE) {
            go(ui, SCR_TOC);
            return 1;
        }
        if (ui->screen == SCR_TOC) {
            go(ui, SCR_PAGE);       /* back to the page the contents were opened from */
            return 1;
        }
        if (ui->screen == SCR_NEW_PROFILE || ui->screen == SCR_PIN) {
            go(ui, SCR_PROFILES);
            return 1;
        }
        return 0;
    case UI_KEY_ZOOM_IN:
    case UI_KEY_ZOOM_OUT:
    case UI_KEY_ZOOM_RESET: {
        int s = key == UI_KEY_ZOOM_RESET ? 100 : ui->scale + (key == UI_KEY_ZOOM_IN ? 25 : -25);
        if (s < 100)
            s = 100;
        if (s > 200)
            s = 200;
        if (s == ui->scale)
            return 0;
        /* keep the same place in the text: scroll in proportion */
        long long h = layout_height(ui->L);
        long long pos = h > 0 ? (long long)ui->scroll * 1000 / h : 0;
        ui->scale = s;
        ui->zoom_pos = pos;     /* remembered until the fonts follow */
        return 1;
    }
    case UI_KEY_CONTRAST:
        ui->theme = ui->theme == THEME_NORMAL ? THEME_HIGH_CONTRAST : THEME_NORMAL;
        return 1;
    case UI_KEY_TOC:
        if (!cur(ui))
            return 0;
        go(ui, ui->screen == SCR_TOC ? SCR_PAGE : SCR_TOC);
        return 1;
    case UI_KEY_LIBRARY:
        go(ui, SCR_LIBRARY);
        return 1;
    case UI_KEY_LANGUAGE:
        ui->lang = ui->base_lang = ui->lang == MSG_LANG_FR ? MSG_LANG_EN : MSG_LANG_FR;
        build(ui);
        return 1;
    case UI_KEY_READ_ALOUD: {
        /* the app stops a reading in progress itself; here: what to read */
        buf_clear(&ui->speech);
        size_t n;
        const DrawItem *it = layout_items(ui->L, &n);
        int last_y = -1;
        for (size_t i = 0; i < n; i++) {
            /* an image is read as its alternative text, where it stands (an
             * image without a file has its alt laid out as text already) */
            const Image *img = it[i].kind == DRAW_IMAGE ? it[i].image : NULL;
            const char *alt = img && img->src && *img->src ? img->alt : NULL;
            const char *said = NULL;
            if (it[i].kind == DRAW_TEXT && (it[i].flags & DRAW_MARKER))
                said = marker_word(ui, it[i].text, it[i].len);
            else if (alt && *alt)
                said = alt;
            if ((it[i].kind != DRAW_TEXT || (it[i].flags & DRAW_MARKER)) && !said)
                continue;
            if (ui->speech.len)
                buf_puts(&ui->speech, it[i].r.y != last_y ? "\n" : " ");
            if (said)
                buf_puts(&ui->speech, said);
            else
                buf_append(&ui->speech, it[i].text, it[i].len);
            last_y = it[i].r.y;
        }
        ui->speech_ready = 1;
        return 0;
    }
    }
    return 0;
}

void ui_fonts_changed(Ui *ui)
{
    layout_invalidate(ui->L);
    relayout(ui);
    if (ui->zoom_pos >= 0)
        ui->scroll = (int)(ui->zoom_pos * layout_height(ui->L) / 1000);
    ui->zoom_pos = -1;
    clamp_scroll(ui);
}

int ui_click(Ui *ui, int x, int y)
{
    const UiView *v = ui_view(ui);
    LayoutRect bars[3] = { v->prev_r, v->next_r, v->toc_r };
    for (int i = 0; i < 3; i++)
        if (bars[i].w > 0 && x >= bars[i].x && x < bars[i].x + bars[i].w && y >= bars[i].y &&
            y < bars[i].y + bars[i].h)
            return ui_key(ui, i == 0 ? UI_KEY_PREV : i == 1 ? UI_KEY_NEXT : UI_KEY_TOC);
    if (y < v->content_y || y >= v->content_y + v->content_h)
        return 0;
    int t = layout_hit(ui->L, x, y - v->content_y + ui->scroll);
    if (t < 0) {
        int had = ui->focus >= 0;
        ui->focus = -1;
        ui->text_target = -1;
        return had;
    }
    ui->focus = t;
    return activate(ui, t) || 1;
}

int ui_wheel(Ui *ui, int dy)
{
    return scroll_by(ui, dy);
}

int ui_text(Ui *ui, const char *utf8)
{
    size_t n;
    const LayoutTarget *t = layout_targets(ui->L, &n);
    if (ui->text_target < 0 || (size_t)ui->text_target >= n)
        return 0;
    const Reflection *r = t[ui->text_target].reflection;
    Buf *b = NULL;
    size_t max = 0;
    for (int i = 0; i < 3; i++)
        if (r->max_chars < 0 && r->prompt == ui->fields[i].prompt) {
            b = &ui->field[i];
            max = (size_t)-r->max_chars;
        }
    Module *m = cur(ui);
    RState *s = !b && m ? rstate(m, r) : NULL;
    if (s) {
        b = &s->text;
        max = (size_t)r->max_chars;
        s->saved = 0;
    }
    if (!b)
        return 0;
    size_t chars = 0;
    for (size_t i = 0; i < b->len; i++)
        chars += ((unsigned char)b->data[i] & 0xC0) != 0x80;
    for (const char *p = utf8; *p; p++) {
        if (((unsigned char)*p & 0xC0) != 0x80) {
            if (chars >= max)
                break;
            chars++;
        }
        if ((unsigned char)*p < 0x20)
            continue;
        buf_putc(b, *p);
    }
    ui->gen++;
    return 1;
}

int ui_resize(Ui *ui, int width, int height)
{
    if (width == ui->width && height == ui->height)
        return 0;
    ui->width = width > 1 ? width : 1;
    ui->height = height > 1 ? height : 1;
    clamp_scroll(ui);
    return 1;
}

int ui_scale(const Ui *ui)
{
    return ui->scale;
}

const UiView *ui_view(Ui *ui)
{
    clamp_scroll(ui);
    UiView *v = &ui->view;
    memset(v, 0, sizeof(*v));
    v->layout = ui->L;
    v->bar_h = bar_height(ui);
    v->content_y = v->bar_h;
    v->content_h = content_h(ui);
    v->scroll = ui->scroll;
    v->focus = ui->focus;
    v->theme = ui->theme;
    v->width = ui->width;
    v->height = ui->height;
    v->title = ui->title.data;
    v->where = ui->where.data;
    buf_clear(&ui->hint);
    buf_puts(&ui->hint, W(ui, ui->screen == SCR_PAGE ? MSG_PLAYER_HINT_PAGE : MSG_PLAYER_HINT_LIST));
    v->hint = ui->hint.data;
    v->notice = ui->notice.len ? ui->notice.data : NULL;
    if (ui->screen == SCR_PAGE) {
        int bw = ui->width / 6 > 120 ? ui->width / 6 : 120;
        /* at 200 % in a small window the labels outgrow a sixth of it: the
         * buttons widen (up to a third) rather than clip their labels */
        const char *labels[] = { W(ui, MSG_PAGE_PREV), W(ui, MSG_PAGE_NEXT), W(ui, MSG_PLAYER_CONTENTS) };
        for (int i = 0; i < 3; i++) {
            int need = ui->m->measure(ui->m->ud, FONT_ID(FACE_BOLD, SIZE_SMALL), labels[i],
                                      strlen(labels[i])) + 32;
            if (need > bw)
                bw = need < ui->width / 3 ? need : ui->width / 3;
        }
        int y = ui->height - v->bar_h;
        Module *m = cur(ui);
        if (ui->page > 0)
            v->prev_r = (LayoutRect){ 0, y, bw, v->bar_h };
        if (m && ui->page + 1 < m->npages)
            v->next_r = (LayoutRect){ ui->width - bw, y, bw, v->bar_h };
        v->toc_r = (LayoutRect){ ui->width - bw, 0, bw, v->bar_h };
        v->prev_label = W(ui, MSG_PAGE_PREV);
        v->next_label = W(ui, MSG_PAGE_NEXT);
        v->toc_label = W(ui, MSG_PLAYER_CONTENTS);
    }
    return v;
}

int ui_image(Ui *ui, const char *src, Buf *out)
{
    Module *m = cur(ui);
    if (!m || !src)
        return -1;
    Diag d = DIAG_INIT;
    /* relative to the page: third-party pages may live in folders */
    const char *base = ui->screen == SCR_PAGE && m->pages[ui->page].href
                           ? m->pages[ui->page].href : "";
    const char *slash = strrchr(base, '/');
    Buf name = BUF_INIT;
    if (slash && src[0] != '/')
        buf_append(&name, base, (size_t)(slash - base + 1));
    buf_puts(&name, src[0] == '/' ? src + 1 : src);
    int rc = mod_read(m, name.data, out, &d);
    buf_release(&name);
    diag_release(&d);
    return rc;
}

const char *ui_take_speech(Ui *ui, const char **lang, int *stop)
{
    *stop = ui->speech_stop;
    ui->speech_stop = 0;
    Module *m = cur(ui);
    *lang = m && m->lang && *m->lang ? m->lang : msg_lang_code(ui->lang);
    if (!ui->speech_ready)
        return NULL;
    ui->speech_ready = 0;
    return ui->speech.data;
}

unsigned long ui_results_recorded(const Ui *ui)
{
    return ui->results_recorded;
}

int ui_set_sync_status(Ui *ui, long pending)
{
    if (pending < -1)
        pending = -1;
    if (pending == ui->sync_pending)
        return 0;
    ui->sync_pending = pending;
    if (ui->screen != SCR_LIBRARY)
        return 0;               /* shown the next time the library is */
    int focus = ui->focus;
    build(ui);
    ui->focus = focus;
    return 1;
}

int ui_wants_text(const Ui *ui)
{
    return ui->text_target >= 0;
}

int ui_module_problem(const char *path, Buf *out)
{
    Module m = { 0 };
    m.path = strdup(path);
    int rc = 0;
    if (mod_check_data(&m) < 0) {
        buf_printf(out, "%s\n", m.error);
        rc = -1;
    }
    mod_release(&m);
    return rc;
}
