/* attempt: the learner's attempt at a module in the store. Each answer is
 * one committed transaction before the screen shows its feedback; the CMI
 * model (location, score, status, time) follows every page change. Resuming
 * restores the answers, the scenario paths and the pages seen. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cmi5.h"
#include "log.h"
#include "score.h"
#include "screen.h"
#include "os.h"
#include "shuffle.h"

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

static const char *cmi_el(const Module *m, const char *e12, const char *e2004)
{
    return cmi_edition(m->cmi) == SCORM_12 ? e12 : e2004;
}

static int64_t mono_ms(void)
{
    return (int64_t)os_monotonic_ms();
}

/* Writes location, progress, score, status and this session's time to the
 * attempt's CMI model, by the browser runtime's rules (src/score.c): nothing
 * passed, failed or completed, and no score, until every page shown was seen
 * and every scored item shown answered. */
void attempt_save_progress(Ui *ui, Module *m, const char *location)
{
    if (!ui->store || !m->attempt || !m->cmi)
        return;
    if (location)
        cmi_set(m->cmi, cmi_el(m, "cmi.core.lesson_location", "cmi.location"), location);
    ScoreOutcome o;
    if (module_score(m, ui->role, ui->setting, &o) != 0) {
        ui_store_failed(ui, STORE_ERROR);      /* out of memory */
        return;
    }
    int seen = 0, shown = 0;
    for (int i = 0; i < m->npages; i++) {
        const Page *p = m->pages[i].page;
        /* a page this learner's role and setting hide is not waited for */
        if (p && !audience_includes(p->audience, ui->role, ui->setting))
            continue;
        shown++;
        seen += m->pages[i].seen;
    }
    ScoreStatus st;
    score_status(&o, m->course ? m->course->mastery_score : 0, seen == shown, &st);
    char v[32];
    if (st.done && o.raw >= 0) {
        score_format(o.raw, 2, 0, v, sizeof(v));
        cmi_set(m->cmi, cmi_el(m, "cmi.core.score.raw", "cmi.score.raw"), v);
        cmi_set(m->cmi, cmi_el(m, "cmi.core.score.min", "cmi.score.min"), "0");
        cmi_set(m->cmi, cmi_el(m, "cmi.core.score.max", "cmi.score.max"), "100");
        if (cmi_edition(m->cmi) == SCORM_2004) {
            score_format(round(o.raw * 100) / 10000, 4, 0, v, sizeof(v));
            cmi_set(m->cmi, "cmi.score.scaled", v);
        }
    }
    if (cmi_edition(m->cmi) == SCORM_12) {
        cmi_set(m->cmi, "cmi.core.lesson_status", st.lesson);
    } else {
        score_format(score_progress(shown, seen, &o, 1, st.done), 4, 0, v, sizeof(v));
        cmi_set(m->cmi, "cmi.progress_measure", v);
        cmi_set(m->cmi, "cmi.completion_status", st.completion);
        if (strcmp(st.success, "unknown") != 0)
            cmi_set(m->cmi, "cmi.success_status", st.success);
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
    int rc = store_cmi_save(ui->store, m->attempt, m->cmi);
    if (rc != 0)
        ui_store_failed(ui, rc);
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

/* The stored result of an item, from the one scorer (score.h): right earns
 * all, a partial ending half -- a SCORM real, "0.5", that the store, the CSV
 * and the xAPI statement read as the same fraction (store_result_score) --
 * wrong nothing. */
static const char *result_word(ScoreResult r)
{
    switch (r) {
    case SCORE_CORRECT:
        return "correct";
    case SCORE_PARTIAL:
        return "0.5";
    case SCORE_WRONG:
        return "incorrect";
    default:
        return "neutral";
    }
}

int attempt_record_question(Ui *ui, Module *m, const QState *s)
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
        .result = result_word(score_question(q, s->sel)), .weight = q->weight,
    };
    int rc = store_answer_record(ui->store, m->attempt, &a);
    if (rc == 0)
        trace_answer(ui, m->attempt, a.item_id, a.response);
    ui->results_recorded += rc == 0;
    free(desc);
    buf_release(&resp);
    buf_release(&pattern);
    if (rc != 0) {
        ui_answer_failed(ui, rc);
        return rc;
    }
    attempt_save_progress(ui, m, NULL);
    return 0;
}

int attempt_record_scenario(Ui *ui, Module *m, SState *s)
{
    if (!ui->store || !m->attempt)
        return 0;
    Buf resp = BUF_INIT;
    for (int i = 0; i < s->n; i++)
        buf_printf(&resp, "%s%s", i ? "[,]" : "", s->path[i]->code);
    StoreAnswer a = {
        .item_id = s->s->id, .type = "choice", .description = s->s->title,
        .response = resp.data,
        .result = s->s->scored && s->n ? result_word(score_scenario(s->s, s->path[s->n - 1]->target))
                                       : "neutral",
        .weight = s->s->scored ? s->s->weight : 0,
    };
    int rc = store_answer_record(ui->store, m->attempt, &a);
    if (rc != 0)
        ui_answer_failed(ui, rc);
    else {
        trace_answer(ui, m->attempt, a.item_id, a.response);
        ui->results_recorded++;
    }
    buf_release(&resp);
    return rc;
}

int attempt_record_reflection(Ui *ui, Module *m, RState *s)
{
    if (!ui->store || !m->attempt)
        return 0;
    StoreAnswer a = {
        .item_id = s->r->id, .type = "long-fill-in", .response = s->text.data,
        .result = "neutral",
    };
    int rc = store_answer_record(ui->store, m->attempt, &a);
    if (rc != 0)
        ui_answer_failed(ui, rc);
    else {
        trace_answer(ui, m->attempt, a.item_id, a.response);
        ui->results_recorded++;
    }
    return rc;
}

static int restore_answer(const StoreAnswer *a, void *ud)
{
    Module *m = ud;
    Block *b;
    if ((b = module_find_item(m, a->item_id, BLOCK_QUESTION))) {
        QState *s = module_qstate(m, b->u.question);
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
    } else if ((b = module_find_item(m, a->item_id, BLOCK_SCENARIO))) {
        SState *s = module_sstate(m, b->u.scenario);
        if (!s || s->recorded)
            return 0;
        const Step *st = b->u.scenario->steps;
        for (const char *p = a->response; *p && st && s->n < MODULE_MAX_PATH; p++) {
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
    } else if ((b = module_find_item(m, a->item_id, BLOCK_REFLECTION))) {
        RState *s = module_rstate(m, &b->u.reflection);
        if (s) {
            buf_clear(&s->text);
            buf_puts(&s->text, a->response ? a->response : "");
            s->saved = 1;
        }
    }
    return 0;
}

/* A new attempt's choice order: a random seed, never 0 (as written). For
 * tests, WARDPLAYER_SHUFFLE_SEED (base 32, as in suspend data) fixes it:
 * "0" shows every attempt as written; another value N gives attempt k a
 * seed made of N and k, so a new attempt still has a new order. */
static uint32_t new_order_seed(int64_t attempt)
{
    uint32_t seed = 0;
    const char *fixed = getenv("WARDPLAYER_SHUFFLE_SEED");
    if (fixed && shuffle_seed_parse(fixed, &seed) == 0) {
        if (!seed)
            return 0;
        seed ^= (uint32_t)attempt * 0x9E3779B9u;
        return seed ? seed : 1;
    }
    while (!seed)
        seed = randombytes_random();
    return seed;
}

/* The attempt's choice order, kept as the browser runtime keeps it: o= in
 * its cmi.suspend_data ("v1|o=<seed>"; the player keeps its answers, pages
 * and context in their own tables). A resumed attempt shows its own order
 * (one begun before orders were kept: as written); a new one draws a seed
 * and saves it before any choice is shown. */
static void attempt_order(Ui *ui, Module *m, int resumed)
{
    if (!m->ours || !m->cmi)
        return;
    if (resumed) {
        CmiSummary sum;
        cmi_summary(m->cmi, &sum);
        m->order_seed = shuffle_seed_of_suspend(sum.suspend_data);
        return;
    }
    m->order_seed = new_order_seed(m->attempt);
    if (!m->order_seed)
        return;
    char seed[SHUFFLE_SEED_CHARS + 1], v[SHUFFLE_SEED_CHARS + 8];
    shuffle_seed_format(m->order_seed, seed);
    snprintf(v, sizeof v, "v1|o=%s", seed);
    if (cmi_set(m->cmi, "cmi.suspend_data", v) != 0) {
        ui_store_failed(ui, STORE_ERROR);
        return;
    }
    int rc = store_cmi_save(ui->store, m->attempt, m->cmi);
    if (rc != 0)
        ui_store_failed(ui, rc);
}

/* cmi5: each time the learner opens the module is a session (xapi.h). */
static void cmi5_session_begin(Ui *ui, Module *m)
{
    const Cmi5Course *c = scorm_cmi5(m->pkg);
    if (!c || !m->attempt || m->cmi5_t0 || m->au < 0 || (size_t)m->au >= c->naus)
        return;
    const Cmi5Au *au = &c->aus[m->au];
    int rc = store_cmi5_session_begin(ui->store, m->attempt, au->id, au->mastery);
    if (rc != 0)
        ui_store_failed(ui, rc);
    else
        m->cmi5_t0 = mono_ms();
    ui->results_recorded++;
}

void attempt_leave(Ui *ui, Module *m)
{
    if (!m || !m->cmi5_t0 || !ui->store)
        return;
    /* how far the learner got, unless completed: pages seen of those shown */
    int progress = -1;
    CmiSummary sum;
    if (m->cmi) {
        cmi_summary(m->cmi, &sum);
        if (strcmp(sum.completion, "completed") != 0) {
            int seen = 0, shown = 0;
            for (int i = 0; i < m->npages; i++) {
                const Page *p = m->pages[i].page;
                if (p && !audience_includes(p->audience, ui->role, ui->setting))
                    continue;
                shown++;
                seen += m->pages[i].seen;
            }
            progress = shown ? seen * 100 / shown : 0;
            if (progress > 99)
                progress = 99;
        }
    }
    int rc = store_cmi5_session_end(ui->store, m->attempt, mono_ms() - m->cmi5_t0, progress);
    if (rc != 0)
        ui_store_failed(ui, rc);
    m->cmi5_t0 = 0;
    ui->results_recorded++;
}

int attempt_begin(Ui *ui, Module *m, int take_over)
{
    if (!ui->store || !store_current_learner(ui->store))
        return 0;
    if (m->attempt) {
        cmi5_session_begin(ui, m);      /* back in the module: a new cmi5 session */
        return 0;
    }
    ScormEdition ed = m->ours ? m->doc.scorm
                      : m->man->edition == MANIFEST_EDITION_12 ? SCORM_12
                      : m->man->edition == MANIFEST_EDITION_CMI5 ? SCORM_CMI5 : SCORM_2004;
    int resumed = 0;
    int rc = store_attempt_begin(ui->store, m->id ? m->id : m->path,
                                 m->version ? m->version : "", m->lang ? m->lang : "", ed,
                                 &m->attempt, &resumed);
    if (rc == STORE_IN_USE && take_over) {
        rc = store_attempt_take_over(ui->store, m->attempt);
        if (rc == 0)
            log_msg("attempt %lld taken over from another player", (long long)m->attempt);
    }
    if (rc == STORE_IN_USE) {
        ui->in_use_attempt = m->attempt;
        m->attempt = 0;
        return rc;
    }
    if (rc != 0) {
        ui_store_failed(ui, rc);
        m->attempt = 0;
        return rc;
    }
    ui->results_recorded += !resumed;   /* a new attempt's "attempted" statement */
    cmi5_session_begin(ui, m);
    /* cmi5 keeps SCORM 2004's data model for the attempt's own record */
    m->cmi = cmi_new(ed == SCORM_CMI5 ? SCORM_2004 : ed);
    m->session_t0 = mono_ms();
    if (m->cmi && resumed && store_cmi_load(ui->store, m->attempt, m->cmi) == 0) {
        cmi_end_session(m->cmi);    /* the last session's time joins total_time */
        cmi_begin_session(m->cmi);
    }
    attempt_order(ui, m, resumed);
    if (resumed) {
        for (int i = 0; i < m->npages && !m->ours; i++)
            module_page(m, i);     /* ours: module_find_item() builds the pages answered */
        store_foreach_answer(ui->store, m->attempt, restore_answer, m);
        for (int i = 0; i < m->npages; i++) {
            const char *name = m->pages[i].page && m->pages[i].page->name
                                   ? m->pages[i].page->name : m->pages[i].href;
            if (name && store_page_was_seen(ui->store, m->attempt, name) == 1)
                m->pages[i].seen = 1;
        }
    }
    return 0;
}

void attempt_save_all(Ui *ui, Module *m)
{
    if (!ui->store || !m->attempt)
        return;
    for (int i = 0; i < m->nrs; i++) {
        RState *s = &m->rs[i];
        if (!s->saved && s->text.len) {
            s->saved = 1;
            attempt_record_reflection(ui, m, s);
        }
    }
    attempt_save_progress(ui, m, NULL);
}

int attempt_new(Ui *ui, Module *m)
{
    if (!ui->store || !m->attempt)
        return -1;
    attempt_save_all(ui, m);
    int rc = store_attempt_close(ui->store, m->attempt);
    if (rc != 0) {
        ui_store_failed(ui, rc);
        return -1;
    }
    module_forget_learner(m);
    attempt_begin(ui, m, 0);
    return m->attempt ? 0 : -1;
}
