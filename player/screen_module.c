/* screen_module: a module's page view. Pages in order (skipping those the
 * learner's role and setting hide), marked seen with the bookmark saved at
 * every page change; the context page where the learner gives role and
 * setting; choices, submits, scenario steps and reflections, each answer
 * committed (attempt.c) before its feedback shows; links inside a package. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "screen.h"

static int page_shown(Ui *ui, Module *m, int i);

int screen_module_count(Ui *ui, Module *m, int page, int *place)
{
    int count = 0;
    *place = 0;
    for (int i = 0; i < m->npages; i++) {
        if (!page_shown(ui, m, i))
            continue;
        count++;
        if (i == page)
            *place = count;
    }
    return count;
}

/* "Page 3 sur 8", counted over the pages this learner sees, as the contents
 * number them and the summary counts them. */
void screen_module_where(Ui *ui)
{
    buf_clear(&ui->where);
    Module *m = ui_module(ui);
    if (m && ui->screen == SCR_PAGE) {
        int place = 0, count = screen_module_count(ui, m, ui->page, &place);
        char a[16], b[16];
        snprintf(a, sizeof a, "%d", place);
        snprintf(b, sizeof b, "%d", count);
        if (place > 0)
            msg_fill(&ui->where, W(ui, MSG_PAGE_PROGRESS), a, b);
    }
}

void screen_module_mark_seen(Ui *ui)
{
    Module *m = ui_module(ui);
    if (!m || ui->screen != SCR_PAGE)
        return;
    ModPage *mp = &m->pages[ui->page];
    const char *name = mp->page && mp->page->name ? mp->page->name : mp->href;
    int rc = 0;
    if (ui->store && m->attempt && name && !mp->seen &&
        (rc = store_page_seen(ui->store, m->attempt, name)) != 0)
        ui_store_failed(ui, rc);
    mp->seen = 1;
    /* the bookmark follows every page change (not right after a refusal:
     * a second wait on a store that just said no helps no one) */
    if (ui->store && m->attempt && name && rc == 0)
        attempt_save_progress(ui, m, name);
}

static int page_shown(Ui *ui, Module *m, int i)
{
    /* ours: the listed page knows its audience without being built */
    const Page *p = m->ours ? m->pages[i].page : module_page(m, i);
    return !p || audience_includes(p->audience, ui->role, ui->setting);
}

int screen_module_go_page(Ui *ui, int i)
{
    Module *m = ui_module(ui);
    if (!m || i < 0 || i >= m->npages)
        return 0;
    ui->page = i;
    ui_go(ui, SCR_PAGE);
    return 1;
}

int screen_module_step(Ui *ui, int dir)
{
    Module *m = ui_module(ui);
    if (!m || ui->screen != SCR_PAGE)
        return 0;
    for (int i = ui->page + dir; i >= 0 && i < m->npages; i += dir)
        if (page_shown(ui, m, i))
            return screen_module_go_page(ui, i);
    return 0;
}

static int open_module(Ui *ui, int i, int take_over)
{
    if (i < 0 || i >= ui->nmods)
        return 0;
    Module *m = &ui->mods[i];
    if (module_check_data(m) < 0) {
        /* the learner gets the short reason; the administrator's details
           (what `wardplayer --check` prints) go to the log */
        ui_notice(ui, "%s", W(ui, MSG_PLAYER_CANNOT_OPEN_MODULE));
        log_msg("%s", m->error);
        return 1;
    }
    ui->cur = i;
    ui->role = -1;
    ui->setting = -1;
    for (int k = 0; k < m->npages && !m->ours; k++)
        module_page(m, k);         /* ours: built when shown */
    if (attempt_begin(ui, m, take_over) == STORE_IN_USE) {
        /* open in another player: the learner decides (screen_store.c) */
        ui->in_use_mod = i;
        ui->cur = -1;
        ui_go(ui, SCR_IN_USE);
        return 1;
    }
    /* learner context from the profile; a role or setting this module does
     * not declare (a nurse in a module written for physicians and heads of
     * department) shows every page: nothing is hidden from her */
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
    return screen_module_go_page(ui, start);
}

int screen_module_open(Ui *ui, int i)
{
    return open_module(ui, i, 0);
}

int screen_module_take_over(Ui *ui, int i)
{
    return open_module(ui, i, 1);
}

static void set_context(Ui *ui)
{
    Module *m = ui_module(ui);
    if (!ui->store || !store_current_learner(ui->store) || !m || !m->course)
        return;
    const char *role = ui->role >= 0 ? m->course->roles[ui->role].id : "";
    const char *setting = ui->setting >= 0 ? m->course->settings[ui->setting].id : "";
    int rc = store_learner_set_context(ui->store, role, setting);
    if (rc != 0)
        ui_store_failed(ui, rc);
}

void screen_module_build_context(Gen *g)
{
    Ui *ui = g->ui;
    Module *m = ui_module(ui);
    Course *c = m->course;
    int li = m->doc.lang ? (int)(m->doc.lang - c->langs) : 0;
    screen_heading(g, 1, W(ui, MSG_DOC_CONTEXT_TITLE));
    if (c->nroles) {
        screen_heading(g, 2, W(ui, MSG_DOC_ROLE));
        for (int i = 0; i < c->nroles; i++) {
            char href[32];
            snprintf(href, sizeof(href), "ui:role:%d", i);
            screen_card(g, c->roles[i].label[li] ? c->roles[i].label[li] : c->roles[i].id, href,
                        NULL);
        }
    }
    if (c->nsettings) {
        screen_heading(g, 2, W(ui, MSG_DOC_SETTING));
        for (int i = 0; i < c->nsettings; i++) {
            char href[32];
            snprintf(href, sizeof(href), "ui:setting:%d", i);
            screen_card(g, c->settings[i].label[li] ? c->settings[i].label[li]
                                                    : c->settings[i].id, href, NULL);
        }
    }
    screen_block(g, BLOCK_RULE);
    screen_card(g, W(ui, MSG_PLAYER_EVERYONE), "ui:context-all", NULL);
    screen_button(g, W(ui, MSG_DOC_CONTEXT_SUBMIT), "ui:next");
}

int screen_module_activate(Ui *ui, const LayoutTarget *x, int t)
{
    Module *m = ui_module(ui);
    switch (x->kind) {
    case TARGET_LINK:
    case TARGET_TEXT:
        return 0;       /* ui.c's */
    case TARGET_CHOICE: {
        QState *s = m ? module_qstate(m, x->question) : NULL;
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
        QState *s = m ? module_qstate(m, x->question) : NULL;
        if (!s || s->answered || !s->sel)
            return 0;
        s->answered = 1;
        /* committed before the screen shows the feedback */
        if (attempt_record_question(ui, m, s) != 0) {
            s->answered = 0;
            return 1;
        }
        ui->gen++;
        ui->focus = -1;
        ui->reveal = x->question;   /* the verdict comes into view (ui_view) */
        return 1;
    }
    case TARGET_STEP_CHOICE: {
        SState *s = m ? module_sstate(m, x->scenario) : NULL;
        if (!s || s->n >= MODULE_MAX_PATH)
            return 0;
        s->path[s->n++] = x->step_choice;
        const Step *to = x->step_choice->target;
        if ((!to || !to->choices) && !s->recorded) {
            /* an ending is shown only once it is saved */
            if (attempt_record_scenario(ui, m, s) != 0) {
                s->n--;
                return 1;
            }
            s->recorded = 1;
            s->first_end = to ? to->end : END_NONE;
            attempt_save_progress(ui, m, NULL);
        }
        ui->gen++;
        ui->focus = -1;
        return 1;
    }
    case TARGET_RESTART: {
        SState *s = m ? module_sstate(m, x->scenario) : NULL;
        if (s)
            s->n = 0;
        ui->gen++;
        ui->focus = -1;
        return 1;
    }
    case TARGET_SAVE: {
        RState *s = m ? module_rstate(m, x->reflection) : NULL;
        if (!s)
            return 0;
        s->saved = attempt_record_reflection(ui, m, s) == 0;
        ui->gen++;
        return 1;
    }
    }
    return 0;
}

int screen_module_follow(Ui *ui, const char *href)
{
    Module *m = ui_module(ui);
    long long n = 0;
    if (sscanf(href, "ui:page:%lld", &n) == 1)
        return screen_module_go_page(ui, (int)n);
    if (strcmp(href, "ui:toc") == 0 && m) {
        ui_go(ui, SCR_TOC);
        return 1;
    }
    if (strcmp(href, "ui:next") == 0)
        return screen_module_step(ui, 1);
    if (m && strcmp(href, "ui:new-attempt") == 0) {
        if (attempt_new(ui, m) != 0)
            return 1;
        ui_notice(ui, "%s", W(ui, MSG_PLAYER_NEW_ATTEMPT_DONE));
        return screen_module_go_page(ui, 0);
    }
    if (m && sscanf(href, "ui:role:%lld", &n) == 1) {
        ui->role = (int)n;
        set_context(ui);
        ui_build(ui);
        return 1;
    }
    if (m && sscanf(href, "ui:setting:%lld", &n) == 1) {
        ui->setting = (int)n;
        set_context(ui);
        ui_build(ui);
        return 1;
    }
    if (m && strcmp(href, "ui:context-all") == 0) {
        ui->role = ui->setting = -1;
        set_context(ui);
        ui_build(ui);
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
            return screen_module_go_page(ui, found);
    }
    /* a citation: the references page */
    if (m && strncmp(href, "http", 4) != 0 && strchr(href, ':') == NULL) {
        for (int i = 0; i < m->npages; i++)
            if (m->pages[i].page && m->pages[i].page->name &&
                strcmp(m->pages[i].page->name, "_references") == 0)
                return screen_module_go_page(ui, i);
    }
    ui_notice(ui, W(ui, MSG_PLAYER_EXTERNAL), href);
    return 1;
}
