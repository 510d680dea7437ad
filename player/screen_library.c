/* screen_library: the modules of a library folder, with the learner's status
 * and score in each, and the background sync's line under them. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "screen.h"

#define LIBRARY_MAX_MODULES 500

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

void screen_library_build(Gen *g)
{
    Ui *ui = g->ui;
    screen_heading(g, 1, W(ui, MSG_PLAYER_LIBRARY));
    if (ui->nmods == 0)
        screen_para(g, NULL, NULL, W(ui, MSG_PLAYER_NO_MODULES), 0);
    for (int i = 0; i < ui->nmods; i++) {
        Module *m = &ui->mods[i];
        module_open(m);
        char href[32];
        snprintf(href, sizeof(href), "ui:open:%d", i);
        Buf line = BUF_INIT;
        if (m->error) {
            const char *base = strrchr(m->path, '/');
            screen_para(g, base ? base + 1 : m->path, NULL, NULL, 0);
            screen_para(g, NULL, NULL, W(ui, MSG_PLAYER_CANNOT_OPEN), INLINE_EM);
            buf_release(&line);
            continue;
        }
        if (m->lang && *m->lang)
            buf_printf(&line, " \xe2\x80\x94 %s", m->lang);
        int ed12 = m->ours ? m->doc.scorm == SCORM_12 : m->man->edition == MANIFEST_EDITION_12;
        int cmi5 = m->man->edition == MANIFEST_EDITION_CMI5;
        buf_printf(&line, " \xc2\xb7 %s", cmi5 ? "cmi5" : ed12 ? "SCORM 1.2" : "SCORM 2004");
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
        screen_para(g, m->title, href, line.data, 0);
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
        screen_para(g, NULL, NULL, t.data, INLINE_EM);
        buf_release(&t);
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
    struct stat st;
    if (stat(path, &st) != 0) {
        buf_printf(err, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return add_module(ui, path);
    Buf man = BUF_INIT, cmi5 = BUF_INIT;
    buf_printf(&man, "%s/imsmanifest.xml", path);
    buf_printf(&cmi5, "%s/cmi5.xml", path);
    int unzipped = stat(man.data, &st) == 0 || stat(cmi5.data, &st) == 0;
    buf_release(&man);
    buf_release(&cmi5);
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
    while ((e = readdir(d)) && n < LIBRARY_MAX_MODULES) {
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
