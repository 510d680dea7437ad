/* score: one walker and one scorer (see score.h). The arithmetic follows
 * cp-runtime.js step for step, in the same floating point, so a score is the
 * same number in the browser and in the player. */
#include "score.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Narrows one side of an audience (roles or settings) by an enclosing
 * block's: the learner must be in both. Two that share nobody leave nobody,
 * which a zero mask (everyone) cannot say: hence the flag. */
static void narrow(unsigned *mask, unsigned *nobody, unsigned flag, unsigned add)
{
    if (!add || (*nobody & flag))
        return;
    if (!*mask)
        *mask = add;
    else if (!(*mask &= add))
        *nobody |= flag;
}

typedef struct Walk {
    ScoreVisitor fn;
    void *ud;
    int page;
} Walk;

static int walk_blocks(const Walk *w, const Block *list, Audience a, unsigned nobody)
{
    for (const Block *b = list; b; b = b->next) {
        Audience here = a;
        unsigned none = nobody;
        narrow(&here.roles, &none, SCORE_NO_ROLE, b->audience.roles);
        narrow(&here.settings, &none, SCORE_NO_SETTING, b->audience.settings);
        ScoreItem it = { .kind = b->kind, .block = b, .page = w->page, .audience = here,
                         .nobody = none };
        int rc = 0;
        switch (b->kind) {
        case BLOCK_QUESTION:
            it.id = b->u.question->id;
            it.scored = 1;
            it.weight = b->u.question->weight;
            rc = w->fn(&it, w->ud);
            break;
        case BLOCK_SCENARIO:
            it.id = b->u.scenario->id;
            it.scored = b->u.scenario->scored;
            it.weight = it.scored ? b->u.scenario->weight : 0;
            rc = w->fn(&it, w->ud);
            break;
        case BLOCK_REFLECTION:
            it.id = b->u.reflection.id;
            rc = w->fn(&it, w->ud);
            break;
        default:    /* a container (an `only` block, a list…): its items too */
            rc = walk_blocks(w, b->children, here, none);
            break;
        }
        if (rc)
            return rc;
    }
    return 0;
}

int score_walk_page(const Page *page, int index, ScoreVisitor fn, void *userdata)
{
    if (!page)
        return 0;
    Walk w = { fn, userdata, index };
    return walk_blocks(&w, page->blocks, page->audience, 0);
}

int score_walk(const Page *pages, ScoreVisitor fn, void *userdata)
{
    int i = 0;
    for (const Page *p = pages; p; p = p->next, i++) {
        int rc = score_walk_page(p, i, fn, userdata);
        if (rc)
            return rc;
    }
    return 0;
}

int score_item_shown(const ScoreItem *item, int role, int setting)
{
    if (role >= 0 && (item->nobody & SCORE_NO_ROLE))
        return 0;
    if (setting >= 0 && (item->nobody & SCORE_NO_SETTING))
        return 0;
    return audience_includes(item->audience, role, setting);
}

ScoreResult score_question(const Question *q, unsigned selected)
{
    unsigned want = 0;
    int k = 0;
    for (const Choice *c = q->choices; c; c = c->next, k++)
        if (c->correct && k < 32)
            want |= 1u << k;
    return selected == want ? SCORE_CORRECT : SCORE_WRONG;
}

static const Step *target_of(const Scenario *s, const StepChoice *c)
{
    if (c->target)
        return c->target;
    for (const Step *st = s->steps; st && c->target_id; st = st->next)
        if (st->id && strcmp(st->id, c->target_id) == 0)
            return st;
    return NULL;
}

const Step *score_scenario_path(const Scenario *s, const char *codes)
{
    const Step *st = s->steps;
    for (const char *p = codes ? codes : ""; *p && st; p++) {
        const StepChoice *c = st->choices;
        while (c && c->code[0] != *p)
            c = c->next;
        if (!c)
            return NULL;
        st = target_of(s, c);
    }
    return st && !st->choices ? st : NULL;
}

ScoreResult score_scenario(const Scenario *s, const Step *end)
{
    return end ? score_ending(s, end->end) : SCORE_UNANSWERED;
}

ScoreResult score_ending(const Scenario *s, EndResult kind)
{
    if (!s->scored)
        return SCORE_NEUTRAL;
    switch (kind) {
    case END_CORRECT:
        return SCORE_CORRECT;
    case END_PARTIAL:
        return SCORE_PARTIAL;
    case END_WRONG:
        return SCORE_WRONG;
    default:
        return SCORE_NEUTRAL;
    }
}

void score_compute(const ScoreItem *items, int n, const ScoreResult *results, int role,
                   int setting, ScoreOutcome *out)
{
    double total = 0, got = 0;
    memset(out, 0, sizeof(*out));
    for (int i = 0; i < n; i++) {
        const ScoreItem *it = &items[i];
        if (!it->scored || !score_item_shown(it, role, setting))
            continue;
        out->scored++;
        out->max += it->weight;
        total += it->weight;
        ScoreResult r = results ? results[i] : SCORE_UNANSWERED;
        if (r == SCORE_UNANSWERED)
            continue;
        out->answered++;
        if (r == SCORE_CORRECT)
            got += it->weight;
        else if (r == SCORE_PARTIAL)
            got += it->weight / 2.0;
    }
    out->raw = -1;
    if (total > 0) {
        double raw = round(10000 * got / total) / 100;
        out->raw = raw < 0 ? 0 : raw > 100 ? 100 : raw;
    }
    out->complete = out->answered == out->scored;
}

void score_status(const ScoreOutcome *o, int mastery, int path_seen, ScoreStatus *st)
{
    st->done = path_seen && o->complete;
    st->success = !st->done || o->scored == 0 ? "unknown"
                  : o->raw >= mastery        ? "passed"
                                             : "failed";
    st->lesson = !st->done ? "incomplete" : o->scored > 0 ? st->success : "completed";
    st->completion = st->done ? "completed" : "incomplete";
}

double score_progress(int pages, int seen, const ScoreOutcome *o, int known, int done)
{
    if (done)
        return 1;
    if (!known)
        return 0;
    int total = pages + o->scored;
    double p = total > 0 ? (double)(seen + o->answered) / total : 0;
    p = round(p * 10000) / 10000;
    return p < 0.9999 ? p : 0.9999;
}

void score_format(double v, int decimals, int comma, char *out, size_t n)
{
    if (n == 0)
        return;
    snprintf(out, n, "%.*f", decimals, v);
    char *dot = strchr(out, '.');
    if (!dot)
        return;
    char *end = out + strlen(out);
    while (end > dot + 1 && end[-1] == '0')
        *--end = 0;
    if (end == dot + 1)
        *dot = 0;
    else if (comma)
        *dot = ',';
}
