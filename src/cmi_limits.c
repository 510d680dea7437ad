/* cmi_limits: what the runtime can write into the LMS for this module, at most,
 * compared with each SCORM edition's data-model limits. The worst cases
 * follow the runtime's formats exactly (docs/package-format.md,
 * "suspend_data" and "What the runtime reports"): every question answered
 * with every choice it allows, every scenario's longest path played, every
 * page seen, every reflection filled to its maximum. */
#include "cmi_limits.h"

#include <stdlib.h>
#include <string.h>

#include "score.h"
#include "shuffle.h"

/* ---- walking the module ------------------------------------------------------ */

/* One scored or reported item in document order (the runtime numbers
 * questions and scenarios by their order in index.html). */
typedef struct Item {
    const Block *b;
} Item;

typedef struct Items {
    Item *v;
    size_t n, cap;
    int failed;
} Items;

static void items_push(Items *it, const Block *b)
{
    if (it->n == it->cap) {
        size_t cap = it->cap ? it->cap + it->cap / 2 : 32;
        Item *v = realloc(it->v, cap * sizeof(*v));
        if (!v) {
            it->failed = 1;
            return;
        }
        it->v = v;
        it->cap = cap;
    }
    it->v[it->n++].b = b;
}

static int push_item(const ScoreItem *item, void *ud)
{
    items_push(ud, item->block);
    return 0;
}

/* score.h's walk: document order, as html_write writes and the runtime
 * numbers them, nested items included. */
static void collect_lang(const Course *c, int lang, Items *it)
{
    if (lang < 0 || lang >= c->nlangs)
        return;
    score_walk(c->langs[lang].pages, push_item, it);
}

static size_t digits(size_t n)
{
    size_t d = 1;
    while (n >= 10) {
        n /= 10;
        d++;
    }
    return d;
}

/* ---- scenario paths ------------------------------------------------------------ */

static const Step *target_of(const Scenario *s, const StepChoice *ch)
{
    if (ch->target)
        return ch->target;
    for (const Step *st = s->steps; st; st = st->next)
        if (ch->target_id && st->id && strcmp(st->id, ch->target_id) == 0)
            return st;
    return NULL;
}

static int step_no(const Scenario *s, const Step *x)
{
    int i = 0;
    for (const Step *st = s->steps; st; st = st->next, i++)
        if (st == x)
            return i;
    return -1;
}

/* Longest number of choices from step i to an ending; loops (which the
 * checker rejects) are cut where they close. memo[i] < 0: unknown. */
static int longest_from(const Scenario *s, const Step *st, int *memo, char *onstack)
{
    int i = step_no(s, st);
    if (i < 0 || onstack[i])
        return 0;
    if (memo[i] >= 0)
        return memo[i];
    onstack[i] = 1;
    int best = 0;
    for (const StepChoice *ch = st->choices; ch; ch = ch->next) {
        const Step *t = target_of(s, ch);
        int n = 1 + (t ? longest_from(s, t, memo, onstack) : 0);
        if (n > best)
            best = n;
    }
    onstack[i] = 0;
    memo[i] = best;
    return best;
}

static size_t scenario_longest(const Scenario *s)
{
    int n = 0;
    for (const Step *st = s->steps; st; st = st->next)
        n++;
    if (n == 0)
        return 0;
    int *memo = malloc((size_t)n * sizeof(*memo));
    char *onstack = calloc((size_t)n, 1);
    size_t len = (size_t)s->nchoices;      /* fallback: every choice once */
    if (memo && onstack) {
        for (int i = 0; i < n; i++)
            memo[i] = -1;
        len = (size_t)longest_from(s, s->steps, memo, onstack);
    }
    free(memo);
    free(onstack);
    return len;
}

/* ---- worst cases ---------------------------------------------------------------- */

/* Sections of index.html: context chooser, pages, references, summary. */
static size_t section_count(const Course *c, int lang)
{
    size_t n = 1;
    if (c->nroles || c->nsettings)
        n++;
    if (c->nrefs)
        n++;
    if (lang >= 0 && lang < c->nlangs)
        for (const Page *p = c->langs[lang].pages; p; p = p->next)
            n++;
    return n;
}

/* "v1|c=R.S|s=SEEN|q=|n=|o=SEED" with every page seen and the longest seed
 * of the choice order (shuffle.h). */
static size_t suspend_fixed(const Course *c, int lang)
{
    size_t r = c->nroles ? digits((size_t)c->nroles - 1) : 1;
    size_t s = c->nsettings ? digits((size_t)c->nsettings - 1) : 1;
    size_t pages = section_count(c, lang);
    return strlen("v1|c=") + r + 1 + s + strlen("|s=") + (pages + 4) / 5 + strlen("|q=") +
           strlen("|n=") + strlen("|o=") + SHUFFLE_SEED_CHARS;
}

static size_t question_answer_max(const Question *q)
{
    return q->type == QUESTION_MULTIPLE ? (size_t)q->nchoices : 1;
}

/* Characters item number k of its kind adds: "k:answer" plus a ';' before it
 * unless it is the first. */
static size_t suspend_entry(const Block *b, size_t k)
{
    size_t n = digits(k) + 1 + (k ? 1 : 0);
    if (b->kind == BLOCK_QUESTION)
        return n + question_answer_max(b->u.question);
    return n + scenario_longest(b->u.scenario);
}

size_t cmi_limits_suspend_max(const Course *c, int lang)
{
    Items it = {0};
    collect_lang(c, lang, &it);
    size_t total = suspend_fixed(c, lang), nq = 0, ns = 0;
    for (size_t i = 0; i < it.n; i++) {
        const Block *b = it.v[i].b;
        if (b->kind == BLOCK_QUESTION)
            total += suspend_entry(b, nq++);
        else if (b->kind == BLOCK_SCENARIO)
            total += suspend_entry(b, ns++);
    }
    free(it.v);
    return total;
}

/* One reflection's share of 1.2 cmi.comments: "[id] text", entries joined by
 * "\n". */
static size_t comment_entry(const Reflection *r, int first)
{
    return (first ? 0 : 1) + 1 + strlen(r->id) + 2 + (size_t)(r->max_chars > 0 ? r->max_chars : 500);
}

size_t cmi_limits_comments_max(const Course *c, int lang)
{
    Items it = {0};
    collect_lang(c, lang, &it);
    size_t total = 0;
    int first = 1;
    for (size_t i = 0; i < it.n; i++)
        if (it.v[i].b->kind == BLOCK_REFLECTION) {
            total += comment_entry(&it.v[i].b->u.reflection, first);
            first = 0;
        }
    free(it.v);
    return total;
}

/* ---- identifier types ---------------------------------------------------------- */

/* SCORM 1.2 CMIIdentifier: [A-Za-z0-9_-], 1..255, no spaces or periods. */
static int id_ok_12(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > 255)
        return 0;
    for (const char *p = id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_'))
            return 0;
    return 1;
}

/* SCORM 2004 long_identifier_type (RTE 4.1.2): a URI-like string of 1..4000
 * characters with no white space; a "urn:" one needs a namespace id. */
static int id_ok_2004(const char *id, size_t max)
{
    size_t n = strlen(id);
    if (n == 0 || n > max)
        return 0;
    for (const char *p = id; *p; p++)
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            return 0;
    if (strncmp(id, "urn:", 4) == 0) {
        const char *colon = strchr(id + 4, ':');
        if (!colon || colon == id + 4 || colon - (id + 4) > 31 || !colon[1])
            return 0;
    }
    return 1;
}

static int choice_id_ok(const char *id, int digits_too)
{
    char ch = id[0];
    return id[1] == 0 && ((ch >= 'a' && ch <= 'z') || (digits_too && ch >= '0' && ch <= '9'));
}

/* ---- the check ----------------------------------------------------------------- */

static const char *item_id(const Block *b)
{
    switch (b->kind) {
    case BLOCK_QUESTION: return b->u.question->id;
    case BLOCK_SCENARIO: return b->u.scenario->id;
    default: return b->u.reflection.id;
    }
}

static const char *item_kind(const Block *b)
{
    switch (b->kind) {
    case BLOCK_QUESTION: return "question";
    case BLOCK_SCENARIO: return "scenario";
    default: return "reflection";
    }
}

static SrcLoc item_at(const Block *b)
{
    if (b->kind == BLOCK_QUESTION && b->u.question->at.file)
        return b->u.question->at;
    if (b->kind == BLOCK_SCENARIO && b->u.scenario->at.file)
        return b->u.scenario->at;
    return b->at;
}

static int check_ids(const Block *b, ScormEdition ed, Diag *d)
{
    const char *id = item_id(b);
    const char *ed_name = ed == SCORM_12 ? "SCORM 1.2" : "SCORM 2004";
    int rc = 0;
    if (b->kind == BLOCK_REFLECTION) {
        /* 2004: the id is the comment's location, characterstring SPM 250 */
        if (ed == SCORM_2004 && strlen(id) > 250)
            rc = diag_error(d, item_at(b), "reflection id '%s' is longer than the 250 "
                            "characters of a SCORM 2004 comment location (shorten the id)", id);
        return rc;
    }
    int ok = ed == SCORM_12 ? id_ok_12(id) : id_ok_2004(id, 4000);
    if (!ok)
        rc = diag_error(d, item_at(b), "%s id '%s' is not a %s interaction identifier (use "
                        "only letters, digits, '-' and '_', at most 255 characters)",
                        item_kind(b), id, ed_name);
    if (b->kind == BLOCK_QUESTION) {
        for (const Choice *ch = b->u.question->choices; ch; ch = ch->next)
            if (!choice_id_ok(ch->id, 0))
                rc = diag_error(d, ch->at.file ? ch->at : item_at(b), "choice id '%s' of "
                                "question '%s' is not a single letter a-z as %s choice "
                                "responses need (at most 26 choices)", ch->id, id, ed_name);
    } else {
        for (const Step *st = b->u.scenario->steps; st; st = st->next)
            for (const StepChoice *ch = st->choices; ch; ch = ch->next)
                if (!choice_id_ok(ch->code, 1))
                    rc = diag_error(d, ch->at.file ? ch->at : item_at(b), "choice code '%s' "
                                    "of scenario '%s' is not a single letter or digit as %s "
                                    "choice responses need (at most 36 choices)", ch->code,
                                    id, ed_name);
    }
    return rc;
}

/* Longest learner response of an interaction, in the edition's format. */
static int check_response(const Block *b, ScormEdition ed, Diag *d)
{
    size_t n = b->kind == BLOCK_QUESTION ? question_answer_max(b->u.question)
                                         : scenario_longest(b->u.scenario);
    if (ed == SCORM_12) {
        /* CMIFeedback: "a,b,c", 255 characters */
        size_t len = n ? 2 * n - 1 : 0;
        if (len > 255)
            return diag_error(d, item_at(b), "%s '%s' can report a response of %zu "
                              "characters, more than the 255 of SCORM 1.2 (fewer choices or a "
                              "shorter path)", item_kind(b), item_id(b), len);
    } else if (n > 36) {
        /* choice response: at most 36 identifiers (RTE 4.2.9.2) */
        return diag_error(d, item_at(b), "%s '%s' can report %zu choices in one response, "
                          "more than the 36 of SCORM 2004 (shorten the scenario's paths)",
                          item_kind(b), item_id(b), n);
    }
    return 0;
}

int cmi_limits_check(const Course *c, int lang, ScormEdition ed, Diag *d)
{
    int rc = 0;
    if (lang < 0 || lang >= c->nlangs)
        return diag_error(d, srcloc(c->dir, 0, 0), "no language number %d to check "
                          "(check one of the languages of <languages>)", lang);
    const char *ed_name = ed == SCORM_12 ? "SCORM 1.2" : "SCORM 2004";
    Items it = {0};
    collect_lang(c, lang, &it);
    if (it.failed) {
        free(it.v);
        return diag_error(d, srcloc(c->dir, 0, 0), "out of memory checking limits");
    }

    /* bookmarks: the page name is the location */
    size_t loc_max = ed == SCORM_12 ? CMI_LIMITS_LOCATION_12 : CMI_LIMITS_LOCATION_2004;
    for (const Page *p = c->langs[lang].pages; p; p = p->next)
        if (p->name && strlen(p->name) > loc_max)
            rc = diag_error(d, srcloc(p->file, 0, 0), "page name '%s' is longer than the %zu "
                            "characters of a %s bookmark (shorten the file name)", p->name,
                            loc_max, ed_name);

    /* suspend data: the fixed part, then questions, then scenarios, as in
     * the string itself; the error names the item where it overflows */
    size_t limit = ed == SCORM_12 ? CMI_LIMITS_SUSPEND_12 : CMI_LIMITS_SUSPEND_2004;
    size_t worst = cmi_limits_suspend_max(c, lang);
    if (worst > limit) {
        size_t total = suspend_fixed(c, lang), k = 0;
        const Block *culprit = NULL;
        for (int pass = 0; pass < 2 && !culprit; pass++) {
            k = 0;
            for (size_t i = 0; i < it.n && !culprit; i++) {
                const Block *b = it.v[i].b;
                if (b->kind != (pass ? BLOCK_SCENARIO : BLOCK_QUESTION))
                    continue;
                total += suspend_entry(b, k++);
                if (total > limit)
                    culprit = b;
            }
        }
        SrcLoc where = culprit ? item_at(culprit)
                               : srcloc(c->langs[lang].pages ? c->langs[lang].pages->file
                                                             : c->dir, 0, 0);
        rc = diag_error(d, where, "the module's answers can need %zu characters of %s "
                        "suspend data, more than the %zu allowed; %s%s%s%s (split the module, "
                        "or remove questions, choices of multiple-answer questions or "
                        "scenario steps)", worst, ed_name, limit,
                        culprit ? "they overflow at " : "the pages alone overflow it",
                        culprit ? item_kind(culprit) : "", culprit ? " " : "",
                        culprit ? item_id(culprit) : "");
    }

    /* comments from reflections */
    size_t comments = 0, ninteractions = 0;
    int first = 1;
    for (size_t i = 0; i < it.n; i++) {
        const Block *b = it.v[i].b;
        if (check_ids(b, ed, d))
            rc = -1;
        if (b->kind == BLOCK_REFLECTION) {
            const Reflection *r = &b->u.reflection;
            if (ed == SCORM_12) {
                size_t before = comments;
                comments += comment_entry(r, first);
                first = 0;
                if (comments > CMI_LIMITS_COMMENTS_12 && before <= CMI_LIMITS_COMMENTS_12)
                    rc = diag_error(d, item_at(b), "the reflections can write %zu characters "
                                    "of SCORM 1.2 comments, more than the 4096 allowed; they "
                                    "overflow at reflection %s (lower max= on the reflections, "
                                    "or remove some)", cmi_limits_comments_max(c, lang), r->id);
            } else if (r->max_chars > CMI_LIMITS_COMMENT_2004) {
                rc = diag_error(d, item_at(b), "reflection '%s' allows %d characters, more "
                                "than the 4000 of a SCORM 2004 comment (set max= to 4000 or "
                                "less)", r->id, r->max_chars);
            }
            continue;
        }
        if (check_response(b, ed, d))
            rc = -1;
        ninteractions++;
        if (ed == SCORM_2004 && ninteractions == CMI_LIMITS_INTERACTIONS_2004 + 1)
            rc = diag_error(d, item_at(b), "%s '%s' is interaction number %zu, more than the "
                            "250 a SCORM 2004 attempt can record (split the module)",
                            item_kind(b), item_id(b), ninteractions);
    }
    free(it.v);
    return rc;
}
