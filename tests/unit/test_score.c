/* score: the walker finds every item, nested ones included, with the
 * audience that shows it; the score, status and progress are the runtime's
 * (the same numbers as tests/jsunit's computeScore/computeStatus/
 * computeProgress cases). The browser/C parity on whole modules is
 * tests/runtime/parity.test.mjs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "score.h"
#include "source.h"

typedef struct List {
    ScoreItem v[64];
    int n;
} List;

static int collect(const ScoreItem *it, void *ud)
{
    List *l = ud;
    assert_true(l->n < 64);
    l->v[l->n++] = *it;
    return 0;
}

static const ScoreItem *find(const List *l, const char *id)
{
    for (int i = 0; i < l->n; i++)
        if (l->v[i].id && strcmp(l->v[i].id, id) == 0)
            return &l->v[i];
    fail_msg("no item %s", id);
    return NULL;
}

static Course *fixture(void)
{
    Diag d = DIAG_INIT;
    Course *c = source_read_module(TEST_SRCDIR "/tests/fixtures/scoring-module", &d);
    if (!c || d.errors) {
        diag_print(&d, stderr);
        fail_msg("the scoring fixture does not read cleanly");
    }
    diag_release(&d);
    return c;
}

/* Every item of the fixture, in document order, nested ones included. */
static void test_score__walker_lists_nested_items(void **state)
{
    (void)state;
    Course *c = fixture();
    List l = {0};
    assert_int_equal(score_walk(c->langs[0].pages, collect, &l), 0);
    static const char *const want[] = {
        "q-open", "q-chief-nested", "q-physician-nested", "q-chief-page", "sc-night", "r-first",
        "sc-imaging", "sc-chat", "r-second",
    };
    assert_int_equal(l.n, 9);
    for (int i = 0; i < l.n; i++)
        assert_string_equal(l.v[i].id, want[i]);
    int chief = course_role_index(c, "chief"), phys = course_role_index(c, "physician");
    int ed = course_setting_index(c, "ed"), imaging = course_setting_index(c, "imaging");
    const ScoreItem *nested = find(&l, "q-chief-nested");
    assert_int_equal(nested->kind, BLOCK_QUESTION);
    assert_int_equal(nested->weight, 3);
    assert_int_equal(nested->page, 0);
    assert_non_null(nested->block);
    assert_true(score_item_shown(nested, chief, ed));
    assert_false(score_item_shown(nested, phys, ed));
    assert_true(score_item_shown(nested, -1, -1));      /* not known: everything */
    /* a page for one role hides its items from the others */
    const ScoreItem *page = find(&l, "q-chief-page");
    assert_int_equal(page->page, 1);
    assert_false(score_item_shown(page, phys, imaging));
    assert_true(score_item_shown(page, chief, imaging));
    /* a nested scored scenario for one setting */
    const ScoreItem *img = find(&l, "sc-imaging");
    assert_int_equal(img->kind, BLOCK_SCENARIO);
    assert_true(img->scored);
    assert_false(score_item_shown(img, chief, ed));
    assert_true(score_item_shown(img, phys, imaging));
    /* unscored scenarios and reflections are items that weigh nothing */
    assert_false(find(&l, "sc-chat")->scored);
    assert_int_equal(find(&l, "sc-chat")->weight, 0);
    assert_int_equal(find(&l, "r-second")->kind, BLOCK_REFLECTION);
    /* course_max_score is the same walk */
    assert_int_equal(course_max_score(c->langs[0].pages, phys, ed), 2 + 1 + 2);
    assert_int_equal(course_max_score(c->langs[0].pages, chief, imaging), 2 + 3 + 2 + 2 + 1);
    assert_int_equal(course_max_score(c->langs[0].pages, chief, ed), 2 + 3 + 2 + 2);
    course_free(c);
}

/* An item inside two `only` blocks for roles that share nobody is shown to
 * no one (a zero mask would have meant everyone). */
static void test_score__disjoint_audiences_show_nobody(void **state)
{
    (void)state;
    Question q = { .id = "q-x", .weight = 4 };
    Block item = { .kind = BLOCK_QUESTION, .audience = { 1u << 1, 0 } };
    item.u.question = &q;
    Block inner = { .kind = BLOCK_GROUP, .audience = { 1u << 0, 0 }, .children = &item };
    Block outer = { .kind = BLOCK_GROUP, .audience = { 0, 1u << 2 }, .children = &inner };
    Page p = { .name = "p", .blocks = &outer };
    List l = {0};
    score_walk(&p, collect, &l);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.v[0].nobody, SCORE_NO_ROLE);
    assert_int_equal(l.v[0].audience.settings, 1u << 2);
    assert_false(score_item_shown(&l.v[0], 0, 2));
    assert_false(score_item_shown(&l.v[0], 1, 2));
    assert_true(score_item_shown(&l.v[0], -1, 2));
    assert_int_equal(course_max_score(&p, 1, 2), 0);
    /* the same roles nested: shown to that role */
    inner.audience.roles = 1u << 1;
    l.n = 0;
    score_walk(&p, collect, &l);
    assert_int_equal(l.v[0].nobody, 0);
    assert_true(score_item_shown(&l.v[0], 1, 2));
    assert_false(score_item_shown(&l.v[0], 1, 0));
    assert_int_equal(course_max_score(&p, 1, 2), 4);
}

static ScoreItem scored(int weight)
{
    ScoreItem it = { .kind = BLOCK_QUESTION, .scored = 1, .weight = weight };
    return it;
}

/* The runtime's computeScore cases, with the same results. */
static void test_score__arithmetic_is_the_runtimes(void **state)
{
    (void)state;
    ScoreItem items[3] = { scored(2), scored(1), scored(2) };
    ScoreResult r[3] = { SCORE_CORRECT, SCORE_WRONG, SCORE_PARTIAL };
    ScoreOutcome o;
    score_compute(items, 3, r, -1, -1, &o);
    assert_true(o.raw == 60);
    assert_int_equal(o.max, 5);
    assert_true(o.complete);
    ScoreItem two[2] = { scored(1), scored(2) };
    ScoreResult half[2] = { SCORE_CORRECT, SCORE_UNANSWERED };
    score_compute(two, 2, half, -1, -1, &o);
    assert_true(o.raw == 33.33);
    assert_false(o.complete);
    assert_int_equal(o.answered, 1);
    /* 4 of 6: 66.67, the harness's mixed run on its fixture */
    ScoreItem four[4] = { scored(2), scored(1), scored(1), scored(2) };
    ScoreResult mixed[4] = { SCORE_CORRECT, SCORE_WRONG, SCORE_CORRECT, SCORE_PARTIAL };
    score_compute(four, 4, mixed, -1, -1, &o);
    assert_true(o.raw == 66.67);
    /* neutral: answered, nothing earned */
    ScoreResult neutral[2] = { SCORE_NEUTRAL, SCORE_CORRECT };
    score_compute(two, 2, neutral, -1, -1, &o);
    assert_true(o.raw == 66.67);
    assert_true(o.complete);
    /* nothing scored: no raw score */
    score_compute(NULL, 0, NULL, -1, -1, &o);
    assert_true(o.raw == -1);
    assert_true(o.complete);
    /* items not shown and unscored items do not count */
    ScoreItem hidden[2] = { scored(5), scored(1) };
    hidden[0].audience.roles = 1u << 1;
    ScoreItem unscored = { .kind = BLOCK_SCENARIO, .scored = 0, .weight = 0 };
    ScoreItem mix[3] = { hidden[0], hidden[1], unscored };
    ScoreResult res[3] = { SCORE_WRONG, SCORE_CORRECT, SCORE_NEUTRAL };
    score_compute(mix, 3, res, 0, -1, &o);
    assert_true(o.raw == 100);
    assert_int_equal(o.scored, 1);
    score_compute(mix, 3, res, 1, -1, &o);
    assert_true(o.raw == 16.67);
}

/* The runtime's computeStatus cases. */
static void test_score__status_waits_for_the_end(void **state)
{
    (void)state;
    ScoreItem items[2] = { scored(1), scored(1) };
    ScoreResult r[2] = { SCORE_CORRECT, SCORE_WRONG };
    ScoreOutcome o;
    ScoreStatus st;
    score_compute(items, 2, r, -1, -1, &o);
    score_status(&o, 50, 0, &st);     /* a page of the path not seen */
    assert_false(st.done);
    assert_string_equal(st.lesson, "incomplete");
    assert_string_equal(st.completion, "incomplete");
    assert_string_equal(st.success, "unknown");
    score_status(&o, 80, 1, &st);
    assert_true(st.done);
    assert_string_equal(st.lesson, "failed");
    assert_string_equal(st.completion, "completed");
    assert_string_equal(st.success, "failed");
    score_status(&o, 50, 1, &st);     /* the pass mark is inclusive */
    assert_string_equal(st.lesson, "passed");
    ScoreResult some[2] = { SCORE_CORRECT, SCORE_UNANSWERED };
    score_compute(items, 2, some, -1, -1, &o);
    score_status(&o, 50, 1, &st);
    assert_false(st.done);
    assert_string_equal(st.lesson, "incomplete");
    assert_string_equal(st.success, "unknown");
    score_compute(NULL, 0, NULL, -1, -1, &o);
    score_status(&o, 80, 1, &st);
    assert_string_equal(st.lesson, "completed");
    assert_string_equal(st.success, "unknown");
    score_status(&o, 80, 0, &st);
    assert_string_equal(st.lesson, "incomplete");
}

/* The runtime's computeProgress cases. */
static void test_score__progress(void **state)
{
    (void)state;
    ScoreItem items[2] = { scored(1), scored(2) };
    ScoreResult none[2] = { SCORE_UNANSWERED, SCORE_UNANSWERED };
    ScoreOutcome o;
    score_compute(items, 2, none, -1, -1, &o);
    assert_true(score_progress(1, 1, &o, 0, 0) == 0);
    assert_true(score_progress(5, 2, &o, 1, 0) == 0.2857);
    ScoreResult one[2] = { SCORE_WRONG, SCORE_UNANSWERED };
    score_compute(items, 2, one, -1, -1, &o);
    assert_true(score_progress(5, 5, &o, 1, 0) == 0.8571);
    assert_true(score_progress(5, 5, &o, 1, 1) == 1);
    ScoreOutcome many = { .scored = 20000, .answered = 19999 };
    assert_true(score_progress(1, 1, &many, 1, 0) == 0.9999);
}

static void test_score__questions_and_scenario_paths(void **state)
{
    (void)state;
    Course *c = fixture();
    List l = {0};
    score_walk(c->langs[0].pages, collect, &l);
    const Question *q = find(&l, "q-physician-nested")->block->u.question;   /* a, c right */
    assert_int_equal(score_question(q, (1u << 0) | (1u << 2)), SCORE_CORRECT);
    assert_int_equal(score_question(q, 1u << 0), SCORE_WRONG);
    assert_int_equal(score_question(q, 7u), SCORE_WRONG);
    const Scenario *s = find(&l, "sc-night")->block->u.scenario;
    assert_int_equal(score_scenario(s, score_scenario_path(s, "ad")), SCORE_CORRECT);
    assert_int_equal(score_scenario(s, score_scenario_path(s, "ac")), SCORE_PARTIAL);
    assert_int_equal(score_scenario(s, score_scenario_path(s, "b")), SCORE_WRONG);
    assert_null(score_scenario_path(s, "a"));           /* stopped before an ending */
    assert_null(score_scenario_path(s, "az"));          /* no such choice */
    assert_null(score_scenario_path(s, ""));
    assert_int_equal(score_scenario(s, NULL), SCORE_UNANSWERED);
    const Scenario *chat = find(&l, "sc-chat")->block->u.scenario;
    assert_int_equal(score_scenario(chat, score_scenario_path(chat, "a")), SCORE_NEUTRAL);
    course_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_score__walker_lists_nested_items),
        cmocka_unit_test(test_score__disjoint_audiences_show_nobody),
        cmocka_unit_test(test_score__arithmetic_is_the_runtimes),
        cmocka_unit_test(test_score__status_waits_for_the_end),
        cmocka_unit_test(test_score__progress),
        cmocka_unit_test(test_score__questions_and_scenario_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
