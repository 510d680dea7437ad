/* screen_library: the modules of a library folder, with the learner's status
 * and score in each, and the background sync's line under them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "screen.h"
#include "os.h"

#define LIBRARY_MAX_MODULES 500

/* The newest attempt of the current learner at a module. */
typedef struct LibStatus {
    const Module *m;
    int found;
    int64_t attempt;
    char success[16];       /* copies: the attempt's strings die with the callback */
    char completion[24];
    int has_score, score;
    int64_t total_ms;
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
    st->attempt = a->id;
    snprintf(st->success, sizeof st->success, "%s", a->success ? a->success : "");
    snprintf(st->completion, sizeof st->completion, "%s", a->completion ? a->completion : "");
    st->has_score = a->has_score;
    st->score = a->has_score ? (int)(a->score_scaled * 100 + 0.5) : 0;
    if (a->has_score && a->score_max > a->score_min)
        st->score = (int)((a->score_raw - a->score_min) * 100 / (a->score_max - a->score_min) +
                          0.5);
    st->total_ms = a->total_ms;
    return 0;
}

/* The module a package belongs to, as a curriculum names it: ours by the id
 * of its module.xml, a third-party package by its manifest identifier. */
static const char *module_key(const Module *m)
{
    if (m->ours && m->course && m->course->id)
        return m->course->id;
    return m->id ? m->id : m->path;
}

/* How well a package fits the learner: their language first, then a
 * package without language (third-party), then SCORM 2004 (the fuller
 * statuses); the edition is never shown. */
static int fit(const Ui *ui, const Module *m)
{
    int f = 0;
    if (m->lang && strcmp(m->lang, msg_lang_code(ui->base_lang)) == 0)
        f += 8;
    else if (!m->lang || !*m->lang)
        f += 4;
    /* the language first; then SCORM 2004, 1.2, cmi5 (the player keeps the
     * richest record of a 2004 attempt, as it always has) */
    if (!m->ours && m->man->edition == MANIFEST_EDITION_CMI5)
        return f;
    int ed12 = m->ours ? m->doc.scorm == SCORM_12 : m->man->edition == MANIFEST_EDITION_12;
    return f + (ed12 ? 1 : 2);
}

/* curriculum.txt in the library folder: module ids in order, one a line
 * ('#' starts a comment). Returns the rank of key, or -1 when it is not
 * listed (or there is no such file). */
static int curriculum_rank(const Ui *ui, const char *key)
{
    Buf path = BUF_INIT;
    buf_printf(&path, "%s/curriculum.txt", ui->o.path);
    FILE *f = os_fopen(path.data, "r");
    buf_release(&path);
    if (!f)
        return -1;
    char line[512];
    int rank = 0, found = -1;
    while (found < 0 && fgets(line, sizeof line, f)) {
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        size_t n = strcspn(p, " \t\r\n#");
        if (n == 0)
            continue;
        if (strlen(key) == n && strncmp(p, key, n) == 0)
            found = rank;
        rank++;
    }
    fclose(f);
    return found;
}

typedef struct Ranked {
    int pick;
    int rank;               /* in the curriculum, or INT_MAX */
    char title[256];        /* folded, for the order of what it does not list */
} Ranked;

static int by_rank(const void *a, const void *b)
{
    const Ranked *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    int c = strcmp(x->title, y->title);
    return c ? c : (x->pick > y->pick) - (x->pick < y->pick);
}

/* One entry per module: the package that fits the learner, in the
 * curriculum's order, then by title. */
static void list_entries(Ui *ui)
{
    free(ui->entries);
    ui->entries = NULL;
    ui->nentries = 0;
    Ranked *r = calloc(ui->nmods ? (size_t)ui->nmods : 1, sizeof *r);
    if (!r)
        return;
    int n = 0;
    for (int i = 0; i < ui->nmods; i++) {
        Module *m = &ui->mods[i];
        int same = -1;
        if (module_open(m) == 0)
            for (int k = 0; k < n && same < 0; k++) {
                Module *o = &ui->mods[r[k].pick];
                if (!o->error && strcmp(module_key(o), module_key(m)) == 0)
                    same = k;
            }
        if (same >= 0) {
            if (fit(ui, m) > fit(ui, &ui->mods[r[same].pick]))
                r[same].pick = i;
            continue;
        }
        r[n].pick = i;
        n++;
    }
    for (int k = 0; k < n; k++) {
        Module *m = &ui->mods[r[k].pick];
        r[k].rank = m->error ? -1 : curriculum_rank(ui, module_key(m));
        if (r[k].rank < 0)
            r[k].rank = 1 << 30;
        screen_fold(m->error ? m->path : m->title, r[k].title, sizeof r[k].title);
    }
    qsort(r, (size_t)n, sizeof *r, by_rank);
    ui->entries = calloc(n ? (size_t)n : 1, sizeof *ui->entries);
    if (ui->entries) {
        for (int k = 0; k < n; k++)
            ui->entries[k] = (UiEntry){ r[k].pick, -1 };
        ui->nentries = n;
    }
    free(r);
}

/* Pages of the attempt seen, over the pages the learner's role and setting
 * show. */
static int pages_progress(Ui *ui, Module *m, int64_t attempt, int *seen, int *shown)
{
    StoreLearner l;
    int role = -1, setting = -1;
    if (m->course && store_learner_get(ui->store, store_current_learner(ui->store), &l) == 0) {
        role = *l.role ? course_role_index(m->course, l.role) : -1;
        setting = *l.setting ? course_setting_index(m->course, l.setting) : -1;
    }
    *seen = *shown = 0;
    for (int i = 0; i < m->npages; i++) {
        const Page *p = m->pages[i].page;
        if (p && !audience_includes(p->audience, role, setting))
            continue;
        const char *name = p && p->name ? p->name : m->pages[i].href;
        (*shown)++;
        *seen += name && store_page_was_seen(ui->store, attempt, name) == 1;
    }
    return *shown ? (int)((long long)*seen * 1000 / *shown) : 0;
}

void screen_library_build(Gen *g)
{
    Ui *ui = g->ui;
    int learner = ui->store && store_current_learner(ui->store);
    Buf t = BUF_INIT;
    if (learner && ui->learner_name[0])
        buf_printf(&t, W(ui, MSG_PLAYER_LIBRARY_OF), ui->learner_name);
    else
        buf_puts(&t, W(ui, MSG_PLAYER_LIBRARY));
    screen_heading(g, 1, t.data);
    buf_clear(&t);
    if (!learner)
        screen_note(g, W(ui, MSG_PLAYER_NOTHING_SAVED), 1);
    list_entries(ui);
    if (ui->nentries == 0)
        screen_para(g, NULL, NULL, W(ui, MSG_PLAYER_NO_MODULES), 0);
    const char *sep = " \xc2\xb7 ";
    for (int e = 0; e < ui->nentries; e++) {
        int i = ui->entries[e].pick;
        Module *m = &ui->mods[i];
        if (m->error) {
            const char *base = strrchr(m->path, '/');
            screen_para(g, base ? base + 1 : m->path, NULL, NULL, 0);
            screen_para(g, NULL, NULL, W(ui, MSG_PLAYER_CANNOT_OPEN_MODULE), INLINE_EM);
            continue;
        }
        char href[32];
        snprintf(href, sizeof(href), "ui:open:%d", i);
        LibStatus st = { m, 0, 0, "", "", 0, 0, 0 };
        if (learner)
            store_foreach_attempt(ui->store, store_current_learner(ui->store), lib_status, &st);
        buf_clear(&t);
        /* status, score, time spent; before a first look, how long it takes */
        if (learner) {
            buf_puts(&t, !st.found ? W(ui, MSG_PLAYER_STATUS_NEW)
                         : strcmp(st.success, "passed") == 0 ? W(ui, MSG_PLAYER_STATUS_PASSED)
                         : strcmp(st.success, "failed") == 0 ? W(ui, MSG_PLAYER_STATUS_FAILED)
                                                             : W(ui, MSG_PLAYER_STATUS_IN_PROGRESS));
            if (st.found && st.has_score) {
                char pct[16];
                snprintf(pct, sizeof pct, "%d", st.score);
                buf_puts(&t, sep);
                msg_fill(&t, W(ui, MSG_PAGE_SCORE), pct, NULL);
            }
            if (st.found && st.total_ms >= 60000) {
                buf_puts(&t, sep);
                buf_printf(&t, W(ui, MSG_PLAYER_MINUTES_SPENT), (int)(st.total_ms / 60000));
            }
            if (st.found) {
                int seen, shown;
                ui->entries[e].progress = pages_progress(ui, m, st.attempt, &seen, &shown);
                buf_puts(&t, sep);
                buf_printf(&t, W(ui, MSG_PLAYER_PAGES_SEEN_SHORT), seen, shown);
            }
        }
        if ((!learner || !st.found) && m->course && m->course->duration_minutes > 0) {
            if (t.len)
                buf_puts(&t, sep);
            buf_printf(&t, W(ui, MSG_PLAYER_MINUTES), m->course->duration_minutes);
        }
        screen_card(g, m->title, href, t.data);
    }
    buf_release(&t);
    /* the background sync, discreetly, after the cards (their focus order
     * stays the same when this line changes) */
    if (ui->sync_pending >= 0) {
        Buf s = BUF_INIT;
        if (ui->sync_pending > 0)
            buf_printf(&s, W(ui, MSG_PLAYER_SYNC_WAITING), ui->sync_pending);
        else
            buf_puts(&s, W(ui, MSG_PLAYER_SYNC_SENT));
        screen_para(g, NULL, NULL, s.data, INLINE_EM);
        buf_release(&s);
    }
}

static int has_suffix(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcasecmp(s + a - b, suf) == 0;
}

static int add_au(Ui *ui, const char *path, int au)
{
    if (ui->nmods >= LIBRARY_MAX_MODULES)
        return 0;
    Module *n = realloc(ui->mods, (size_t)(ui->nmods + 1) * sizeof(*n));
    if (!n)
        return -1;
    ui->mods = n;
    memset(&ui->mods[ui->nmods], 0, sizeof(Module));
    ui->mods[ui->nmods].path = strdup(path);
    ui->mods[ui->nmods].au = au;
    if (!ui->mods[ui->nmods].path)
        return -1;
    ui->nmods++;
    return 0;
}

/* A package is a module; a cmi5 course of several AUs (the curriculum) is
 * one module per AU. */
static int add_module(Ui *ui, const char *path)
{
    int n = module_cmi5_aus(path);
    for (int au = 0; au < (n > 1 ? n : 1); au++)
        if (add_au(ui, path, au) < 0)
            return -1;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* path: a zip, an unzipped package, or a folder of zips (sorted by name). */
int screen_library_scan(Ui *ui, const char *path, Buf *err)
{
    OsStat st;
    if (os_stat(path, &st) != 0) {
        buf_printf(err, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (st.kind != OS_FILE_DIR)
        return add_module(ui, path);
    Buf man = BUF_INIT, cmi5 = BUF_INIT;
    buf_printf(&man, "%s/imsmanifest.xml", path);
    buf_printf(&cmi5, "%s/cmi5.xml", path);
    int unzipped = os_stat(man.data, &st) == 0 || os_stat(cmi5.data, &st) == 0;
    buf_release(&man);
    buf_release(&cmi5);
    if (unzipped)
        return add_module(ui, path);
    OsDir *d = os_dir_open(path);
    if (!d) {
        buf_printf(err, "%s: %s", path, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0;
    const char *name;
    while ((name = os_dir_next(d, NULL)) && n < LIBRARY_MAX_MODULES) {
        if (name[0] == '.' || !has_suffix(name, ".zip"))
            continue;
        char **nn = realloc(names, (n + 1) * sizeof(*nn));
        if (!nn)
            break;
        names = nn;
        names[n] = strdup(name);
        if (names[n])
            n++;
    }
    os_dir_close(d);
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

int screen_library_follow(Ui *ui, const char *href)
{
    long long n = 0;
    if (sscanf(href, "ui:open:%lld", &n) == 1)
        return screen_module_open(ui, (int)n);
    if (strcmp(href, "ui:library") == 0) {
        ui_go(ui, SCR_LIBRARY);
        return 1;
    }
    return -1;
}
