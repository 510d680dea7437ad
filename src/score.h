/* score: the one scorer of a module. One walker lists the items of a page
 * list -- questions, scenarios and reflections, in document order, nested ones
 * (inside `only` blocks) included -- each with the audience that shows it
 * (its page's and every enclosing block's). The score and the status are
 * computed from the learner's results exactly as the browser runtime does
 * (assets/runtime/cp-runtime.js: computeScore, computeStatus,
 * computeProgress), so the player, the export and the LMS agree;
 * tests/runtime/parity.test.mjs feeds the same answers to both. */
#ifndef SCORE_H
#define SCORE_H

#include <stddef.h>

#include "course.h"

/* One item a learner can answer. */
typedef struct ScoreItem {
    BlockKind kind;             /* BLOCK_QUESTION, BLOCK_SCENARIO or BLOCK_REFLECTION */
    const Block *block;         /* the item's block; NULL in page_items() lists */
    const char *id;             /* borrowed from the block (page_items: arena) */
    int scored;                 /* a question, or a scored scenario */
    int weight;                 /* what it counts for; 0 when not scored */
    int page;                   /* index of its page in the page list */
    Audience audience;          /* page and enclosing blocks, intersected */
    unsigned nobody;            /* SCORE_NO_ROLE / SCORE_NO_SETTING: the enclosing
                                   audiences exclude each other */
} ScoreItem;

enum { SCORE_NO_ROLE = 1u << 0, SCORE_NO_SETTING = 1u << 1 };

/* Calls fn for every item of the pages, in document order; fn returns
 * non-zero to stop, and that value is returned. */
typedef int (*ScoreVisitor)(const ScoreItem *item, void *userdata);
int score_walk(const Page *pages, ScoreVisitor fn, void *userdata);
/* The same for one page, reported with page index `index`. */
int score_walk_page(const Page *page, int index, ScoreVisitor fn, void *userdata);

/* Whether a learner with this role and setting (indexes, -1 = not known:
 * sees everything, as audience_includes) is shown the item. */
int score_item_shown(const ScoreItem *item, int role, int setting);

/* The learner's result on one item. */
typedef enum ScoreResult {
    SCORE_UNANSWERED,           /* not answered yet (a scenario: no ending reached) */
    SCORE_CORRECT,              /* full weight */
    SCORE_PARTIAL,              /* half the weight (a scenario's partial ending) */
    SCORE_WRONG,                /* nothing */
    SCORE_NEUTRAL,              /* answered, nothing: an ending of no kind */
} ScoreResult;

/* A question answered with the choices of `selected` (bit k: the k-th
 * choice): right when it is exactly the set of correct choices. */
ScoreResult score_question(const Question *q, unsigned selected);

/* The ending a path of choice codes ("ad") leads to from the start step, or
 * NULL when it stops before an ending (or a code is not a choice there). */
const Step *score_scenario_path(const Scenario *s, const char *codes);

/* A scenario's first path ending at `end` (NULL: unanswered). */
ScoreResult score_scenario(const Scenario *s, const Step *end);
/* The same from the ending's kind (a path known to have ended). */
ScoreResult score_ending(const Scenario *s, EndResult kind);

/* What a learner's results add up to. */
typedef struct ScoreOutcome {
    double raw;                 /* 0..100, 2 decimals; -1 when nothing is scored */
    int max;                    /* sum of the weights of the scored items shown */
    int scored;                 /* scored items shown */
    int answered;               /* of them, answered */
    int complete;               /* every one answered */
} ScoreOutcome;

/* results[i] is the learner's result on items[i] (NULL: nothing answered).
 * Counts the scored items shown to role/setting: raw = 100 x (weights right
 * + half the weights partial) / weights, rounded to 2 decimals as the
 * runtime rounds. */
void score_compute(const ScoreItem *items, int n, const ScoreResult *results, int role,
                   int setting, ScoreOutcome *out);

/* What to report (the runtime's computeStatus). path_seen: the learner's
 * path is known and every page of it was seen. Nothing is completed, passed
 * or failed until done: the path seen and every scored item answered. */
typedef struct ScoreStatus {
    int done;
    const char *lesson;         /* SCORM 1.2: incomplete, passed, failed, completed */
    const char *completion;     /* SCORM 2004: incomplete, completed */
    const char *success;        /* SCORM 2004: unknown, passed, failed */
} ScoreStatus;
void score_status(const ScoreOutcome *o, int mastery, int path_seen, ScoreStatus *st);

/* SCORM 2004 progress_measure (the runtime's computeProgress): 0 until the
 * path is known, pages seen + items answered over pages + items, below 1
 * until done (4 decimals). */
double score_progress(int pages, int seen, const ScoreOutcome *o, int known, int done);

/* A score or a progress as the runtime writes it (String(number) in JS):
 * at most `decimals` decimals, no trailing zeros ("40", "66.67", "0.6667"),
 * with a decimal comma when comma is set (a French page). */
void score_format(double v, int decimals, int comma, char *out, size_t n);

#endif
