/* source_lint: the assessment lint. A test-wise learner picks the longest
 * option, the usual position, "false", or the most detailed scenario choice.
 * (Choices are shown shuffled at each attempt, shuffle.h: the position habit
 * only counts questions whose right answer keeps its place.)
 * For each habit we count the items where it would win and ask how likely
 * that many would be if the author had placed answers at random: each item i
 * wins by chance with probability p[i] (1/k for one right answer of k), so the
 * count follows a Poisson-binomial law, whose upper tail a small dynamic
 * programme gives exactly. A tail under LINT_ALPHA is a warning. The rules run
 * per language: a translation can lengthen one option and not the others. */
#include "source_lint.h"

#include <stdlib.h>
#include <string.h>

/* ---- chance ------------------------------------------------------------ */

double source_lint_tail(const double *p, int n, int k)
{
    if (k <= 0)
        return 1.0;
    if (k > n)
        return 0.0;
    /* dist[j] = P(exactly j successes among the items seen so far) */
    double *dist = calloc((size_t)n + 1, sizeof(*dist));
    if (!dist)
        return 1.0;     /* out of memory: stay silent rather than warn wrongly */
    dist[0] = 1.0;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j >= 0; j--)
            dist[j] = dist[j] * (1.0 - p[i]) + (j > 0 ? dist[j - 1] * p[i] : 0.0);
    double tail = 0.0;
    for (int j = k; j <= n; j++)
        tail += dist[j];
    free(dist);
    return tail;
}

static double expected(const double *p, int n)
{
    double e = 0.0;
    for (int i = 0; i < n; i++)
        e += p[i];
    return e;
}

/* ---- what each rule counts ----------------------------------------------- */

/* One rule's tally over a language: the chance probability of each item and
 * whether the habit wins it. */
typedef struct Tally {
    double *p;              /* owned */
    int n, cap;
    int wins;
    SrcLoc first_win;       /* where the warning points */
    int failed;             /* out of memory: the rule stays silent */
} Tally;

static void tally_add(Tally *t, double p, int win, SrcLoc at)
{
    if (t->failed)
        return;
    if (t->n == t->cap) {
        int cap = t->cap ? t->cap * 2 : 16;
        double *np = realloc(t->p, (size_t)cap * sizeof(*np));
        if (!np) {
            t->failed = 1;
            return;
        }
        t->p = np;
        t->cap = cap;
    }
    t->p[t->n++] = p;
    if (win && t->wins++ == 0)
        t->first_win = at;
}

static int tally_significant(const Tally *t)
{
    return !t->failed && t->n >= LINT_MIN_ITEMS && t->wins > 0 &&
           source_lint_tail(t->p, t->n, t->wins) < LINT_ALPHA;
}

/* Length of an option as a reader sees it: code points of its plain text. */
static long text_length(const Inline *in)
{
    char *s = inline_plain_text(in);
    if (!s)
        return -1;
    long n = 0;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        n += (*c & 0xC0) != 0x80;
    free(s);
    return n;
}

/* Index of the strictly longest of n lengths, or -1 on a tie for longest. */
static int strictly_longest(const long *len, int n)
{
    int best = -1, tie = 0;
    for (int i = 0; i < n; i++) {
        if (best < 0 || len[i] > len[best]) {
            best = i;
            tie = 0;
        } else if (len[i] == len[best]) {
            tie = 1;
        }
    }
    return tie ? -1 : best;
}

#define MAX_POSITIONS QUESTION_MAX_CHOICES

typedef struct Lint {
    Tally longest;                  /* right answer is the longest choice */
    Tally position[MAX_POSITIONS];  /* single-answer: right answer at position i */
    int npositions;
    int tf_true, tf_false;          /* true/false questions by right answer */
    SrcLoc tf_first;
    Tally scenario;                 /* best scenario choice is the longest */
    int failed;
} Lint;

static void lint_question(Lint *l, const Question *q)
{
    if (q->type == QUESTION_TRUEFALSE) {
        if (l->tf_true + l->tf_false == 0)
            l->tf_first = q->at;
        if (q->choices && q->choices->correct)
            l->tf_true++;
        else
            l->tf_false++;
        return;
    }
    int n = q->nchoices;
    if (n < 2 || n > MAX_POSITIONS)
        return;
    long len[MAX_POSITIONS];
    int correct = 0, right = -1, right_stays = q->keep_order, i = 0;
    for (const Choice *ch = q->choices; ch && i < n; ch = ch->next, i++) {
        len[i] = text_length(ch->text);
        if (len[i] < 0) {
            l->failed = 1;
            return;
        }
        if (ch->correct) {
            correct++;
            right = i;
            right_stays |= ch->fixed;
        }
    }
    if (i != n || correct == 0 || correct == n)
        return;
    int longest = strictly_longest(len, n);
    int longest_right = 0;
    i = 0;
    for (const Choice *ch = q->choices; ch; ch = ch->next, i++)
        if (i == longest)
            longest_right = ch->correct;
    tally_add(&l->longest, (double)correct / n, longest_right, q->at);
    /* Shuffled choices show the right answer anywhere: only a question whose
     * right answer keeps its place (shuffle=no, or fixed) can teach a
     * position. */
    if (q->type != QUESTION_SINGLE || !right_stays)
        return;
    /* Each position test counts only the questions that have that position. */
    for (int pos = 0; pos < n; pos++)
        tally_add(&l->position[pos], 1.0 / n, pos == right, q->at);
    if (n > l->npositions)
        l->npositions = n;
}

/* ---- scenarios: which choices lead to the best ending still reachable ---- */

enum { OUTCOME_UNKNOWN = -2, OUTCOME_VISITING = -1 };

typedef struct StepOutcome {
    const Step *step;
    int best;               /* 0 wrong, 1 partial, 2 correct; or OUTCOME_* */
} StepOutcome;

static int end_value(EndResult e)
{
    switch (e) {
    case END_CORRECT: return 2;
    case END_PARTIAL: return 1;
    default: return 0;
    }
}

static StepOutcome *outcome_of(StepOutcome *o, int n, const Step *s)
{
    for (int i = 0; i < n; i++)
        if (o[i].step == s)
            return &o[i];
    return NULL;
}

/* The best ending reachable from s (memoised; a loop, which check reports as
 * an error, counts as the worst). */
static int best_reachable(StepOutcome *o, int n, const Step *s)
{
    StepOutcome *so = s ? outcome_of(o, n, s) : NULL;
    if (!so)
        return 0;
    if (so->best >= 0)
        return so->best;
    if (so->best == OUTCOME_VISITING)
        return 0;
    if (!s->choices) {
        so->best = end_value(s->end);
        return so->best;
    }
    so->best = OUTCOME_VISITING;
    int best = 0;
    for (const StepChoice *ch = s->choices; ch; ch = ch->next) {
        int v = best_reachable(o, n, ch->target);
        if (v > best)
            best = v;
    }
    so->best = best;
    return best;
}

static void lint_scenario(Lint *l, const Scenario *sc)
{
    if (!sc->scored)
        return;
    int n = 0;
    for (const Step *s = sc->steps; s; s = s->next)
        n++;
    StepOutcome *o = calloc((size_t)n + 1, sizeof(*o));
    if (!o) {
        l->failed = 1;
        return;
    }
    int i = 0;
    for (const Step *s = sc->steps; s; s = s->next, i++) {
        o[i].step = s;
        o[i].best = OUTCOME_UNKNOWN;
    }
    for (const Step *s = sc->steps; s; s = s->next) {
        int k = 0;
        for (const StepChoice *ch = s->choices; ch; ch = ch->next)
            k++;
        if (k < 2 || k > SCENARIO_MAX_CHOICES)
            continue;
        long len[SCENARIO_MAX_CHOICES];
        int value[SCENARIO_MAX_CHOICES];
        int top = 0, j = 0;
        for (const StepChoice *ch = s->choices; ch; ch = ch->next, j++) {
            len[j] = text_length(ch->text);
            value[j] = best_reachable(o, n, ch->target);
            if (len[j] < 0) {
                l->failed = 1;
                free(o);
                return;
            }
            if (value[j] > top)
                top = value[j];
        }
        int nbest = 0;
        for (j = 0; j < k; j++)
            nbest += value[j] == top;
        if (nbest == k)
            continue;       /* every choice can still end as well: no decision here */
        int longest = strictly_longest(len, k);
        tally_add(&l->scenario, (double)nbest / k, longest >= 0 && value[longest] == top,
                  s->choices->at);
    }
    free(o);
}

static int visit(Block *b, int depth, void *ud)
{
    (void)depth;
    Lint *l = ud;
    if (b->kind == BLOCK_QUESTION && b->u.question)
        lint_question(l, b->u.question);
    else if (b->kind == BLOCK_SCENARIO && b->u.scenario)
        lint_scenario(l, b->u.scenario);
    return 0;
}

/* ---- the warnings -------------------------------------------------------- */

static void report(Lint *l, Diag *d)
{
    if (l->failed || l->longest.failed || l->scenario.failed)
        return;
    if (tally_significant(&l->longest))
        diag_warning(d, l->longest.first_win, "the right answer is the longest choice in %d of "
                     "%d questions of this module (chance alone would give about %.1f; write "
                     "the other choices as long and as specific as the right one)",
                     l->longest.wins, l->longest.n, expected(l->longest.p, l->longest.n));
    /* The most frequent position, tested with a Bonferroni correction for
     * having looked at every position. */
    int worst = -1;
    double worst_tail = 1.0;
    for (int pos = 0; pos < l->npositions; pos++) {
        const Tally *t = &l->position[pos];
        if (t->failed || t->n < LINT_MIN_ITEMS || t->wins == 0)
            continue;
        double tail = source_lint_tail(t->p, t->n, t->wins) * l->npositions;
        if (tail < worst_tail) {
            worst_tail = tail;
            worst = pos;
        }
    }
    if (worst >= 0 && worst_tail < LINT_ALPHA) {
        const Tally *t = &l->position[worst];
        diag_warning(d, t->first_win, "the right answer is choice %c in %d of %d single-answer "
                     "questions of this module (chance alone would give about %.1f; vary where "
                     "the right answer stands)", 'a' + worst, t->wins, t->n,
                     expected(t->p, t->n));
    }
    int tf = l->tf_true + l->tf_false;
    if (tf >= 2) {
        int most = l->tf_true > l->tf_false ? l->tf_true : l->tf_false;
        double *half = malloc((size_t)tf * sizeof(*half));
        if (half) {
            for (int i = 0; i < tf; i++)
                half[i] = 0.5;
            /* two-sided: either answer could be the over-used one */
            double tail = 2.0 * source_lint_tail(half, tf, most);
            free(half);
            const char *way = l->tf_true > l->tf_false ? "true" : "false";
            if (most == tf)
                diag_warning(d, l->tf_first, "all %d true/false questions of this module are "
                             "answered '%s' (a learner who always answers '%s' gets them "
                             "all: make some of the statements %s)", tf, way, way,
                             l->tf_true ? "false" : "true");
            else if (tail < LINT_ALPHA)
                diag_warning(d, l->tf_first, "%d of %d true/false questions of this module are "
                             "answered '%s' (balance true and false statements)", most, tf,
                             way);
        }
    }
    if (tally_significant(&l->scenario))
        diag_warning(d, l->scenario.first_win, "the best choice is the longest one at %d of %d "
                     "scenario decision points of this module (chance alone would give about "
                     "%.1f; write the other choices with as much detail as the best one)",
                     l->scenario.wins, l->scenario.n, expected(l->scenario.p, l->scenario.n));
}

static void lint_release(Lint *l)
{
    free(l->longest.p);
    for (int i = 0; i < MAX_POSITIONS; i++)
        free(l->position[i].p);
    free(l->scenario.p);
}

void source_lint_assessment(const Course *c, Diag *d)
{
    for (int li = 0; li < c->nlangs; li++) {
        Lint l;
        memset(&l, 0, sizeof(l));
        for (Page *p = c->langs[li].pages; p; p = p->next)
            course_walk_blocks(p->blocks, visit, &l);
        report(&l, d);
        lint_release(&l);
    }
}
