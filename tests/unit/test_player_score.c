/* The player scores like the browser. The scoring fixture's package (built
 * here) is opened by the player's module code with a learner store; a
 * physician in the emergency department answers q-open wrong, the question
 * nested in the physicians' `only` block right, and the night scenario to
 * its partial ending: tests/runtime/parity.test.mjs plays the same answers in
 * Chromium, where the runtime reports 40.00 and "failed". The player must
 * find the nested question, score 40.00, and, when the attempt is resumed,
 * restore the nested answer from the store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "layout.h"
#include "pkgfixture.h"
#include "screen.h"
#include "source.h"

static int fake_measure(void *ud, FontId font, const char *s, size_t n)
{
    (void)ud;
    (void)s;
    return (int)n * layout_font_px(FONT_SIZE(font), 100) / 2;
}

static int fake_line_height(void *ud, FontId font)
{
    (void)ud;
    return layout_font_px(FONT_SIZE(font), 100) * 5 / 4;
}

static const LayoutMeasure MEASURE = { fake_measure, fake_line_height, NULL, NULL };

typedef struct Env {
    char *dist;             /* the built packages */
    char *data;             /* the learner store */
    char zip[1024];
} Env;

static int setup(void **state)
{
    Env *e = calloc(1, sizeof(*e));
    assert_non_null(e);
    e->dist = pkgfixture_tmpdir();
    e->data = pkgfixture_tmpdir();
    assert_non_null(e->dist);
    assert_non_null(e->data);
    Diag d = DIAG_INIT;
    Course *c = source_read_module(TEST_SRCDIR "/tests/fixtures/scoring-module", &d);
    assert_non_null(c);
    BuildOptions o = { .out_dir = e->dist, .editions = BUILD_SCORM2004, .lang = "en" };
    if (build_module(c, &o, &d) != 1) {
        diag_print(&d, stderr);
        fail_msg("the scoring fixture does not build");
    }
    snprintf(e->zip, sizeof(e->zip), "%s/scoring-module.en.scorm2004.zip", e->dist);
    course_free(c);
    diag_release(&d);
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    Env *e = *state;
    pkgfixture_rmtree(e->dist);
    pkgfixture_rmtree(e->data);
    free(e->dist);
    free(e->data);
    free(e);
    return 0;
}

/* The player on the package, a physician of the emergency department logged
 * in, the module open with its attempt begun (or resumed). */
static Ui *open_player(Env *e, Module **m_out)
{
    UiOptions o = { .path = e->zip, .data_dir = e->data, .lang = "en", .width = 1000,
                    .height = 700 };
    Buf err = BUF_INIT;
    Ui *ui = ui_new(&o, &MEASURE, &err);
    if (!ui)
        fail_msg("ui_new: %s", err.data);
    buf_release(&err);
    assert_non_null(ui->store);
    assert_int_equal(ui->nmods, 1);
    StoreLearner *list = NULL;
    size_t n = 0;
    int64_t id = 0;
    assert_int_equal(store_learner_list(ui->store, &list, &n), 0);
    if (n)
        id = list[0].id;
    else
        assert_int_equal(store_learner_add(ui->store, "Ana Lopes", NULL, "physician", "ed",
                                           NULL, &id), 0);
    free(list);
    assert_int_equal(store_login(ui->store, id, NULL), 0);
    Module *m = &ui->mods[0];
    assert_int_equal(module_open(m), 0);
    assert_true(m->ours);
    ui->role = course_role_index(m->course, "physician");
    ui->setting = course_setting_index(m->course, "ed");
    assert_true(ui->role >= 0 && ui->setting >= 0);
    attempt_begin(ui, m, 0);
    assert_true(m->attempt > 0);
    *m_out = m;
    return ui;
}

static Block *item(Module *m, const char *id, BlockKind kind)
{
    Block *b = module_find_item(m, id, kind);
    if (!b)
        fail_msg("the player does not find %s", id);
    return b;
}

static void answer(Ui *ui, Module *m, const char *id, unsigned sel)
{
    QState *s = module_qstate(m, item(m, id, BLOCK_QUESTION)->u.question);
    assert_non_null(s);
    s->sel = sel;
    s->answered = 1;
    assert_int_equal(attempt_record_question(ui, m, s), 0);
}

static void play(Ui *ui, Module *m, const char *id, const char *codes)
{
    const Scenario *sc = item(m, id, BLOCK_SCENARIO)->u.scenario;
    SState *s = module_sstate(m, sc);
    assert_non_null(s);
    const Step *st = sc->steps;
    for (const char *p = codes; *p; p++) {
        const StepChoice *c = st->choices;
        while (c && c->code[0] != *p)
            c = c->next;
        assert_non_null(c);
        s->path[s->n++] = c;
        st = c->target;
    }
    assert_non_null(st);
    s->recorded = 1;
    s->first_end = st->end;
    assert_int_equal(attempt_record_scenario(ui, m, s), 0);
}

typedef struct Lookup {
    const char *el;
    const char *value;      /* borrowed from the model */
} Lookup;

static int find_saved(const char *el, const char *v, void *ud)
{
    Lookup *l = ud;
    if (strcmp(el, l->el) == 0)
        l->value = v;
    return 0;
}

/* An element of the attempt's CMI model as the store saves it (cmi_foreach),
 * "" when not saved; the statuses as an LMS reads them (cmi_summary), so an
 * unset success_status reads "unknown". Static buffer. */
static const char *cmi(Module *m, const char *element)
{
    static char v[256];
    CmiSummary sum;
    cmi_summary(m->cmi, &sum);
    if (strcmp(element, "cmi.completion_status") == 0)
        return sum.completion;
    if (strcmp(element, "cmi.success_status") == 0)
        return sum.success;
    Lookup l = { element, NULL };
    assert_int_equal(cmi_foreach(m->cmi, find_saved, &l), 0);
    snprintf(v, sizeof(v), "%s", l.value ? l.value : "");
    return v;
}

/* The player's score, as the runtime writes it: "40". */
static void player_score(Ui *ui, Module *m, char *out, size_t n)
{
    ScoreOutcome o;
    assert_int_equal(module_score(m, ui->role, ui->setting, &o), 0);
    assert_int_equal(o.max, 5);
    score_format(o.raw, 2, 0, out, n);
}

static void test_player_score__same_answers_same_score_as_the_browser(void **state)
{
    Env *e = *state;
    Module *m;
    Ui *ui = open_player(e, &m);
    answer(ui, m, "q-open", 1u << 0);                             /* a: wrong */
    answer(ui, m, "q-physician-nested", (1u << 0) | (1u << 2));   /* a, c: right */
    play(ui, m, "sc-night", "ac");                                /* partial */
    char score[32];
    player_score(ui, m, score, sizeof(score));
    assert_string_equal(score, "40");         /* the browser: 2 of 5 points, 40.00 */
    /* every scored item answered, pages left to see: as in the browser, no
     * score and no verdict stored yet, the progress below 1 */
    assert_string_equal(cmi(m, "cmi.completion_status"), "incomplete");
    assert_string_equal(cmi(m, "cmi.success_status"), "unknown");
    assert_string_equal(cmi(m, "cmi.score.raw"), "");
    assert_true(atof(cmi(m, "cmi.progress_measure")) < 1);
    /* every page seen: the attempt is done, 40 is under the pass mark of 60 */
    for (int i = 0; i < m->npages; i++)
        m->pages[i].seen = 1;
    attempt_save_progress(ui, m, NULL);
    assert_string_equal(cmi(m, "cmi.completion_status"), "completed");
    assert_string_equal(cmi(m, "cmi.success_status"), "failed");
    assert_string_equal(cmi(m, "cmi.score.raw"), "40");
    assert_string_equal(cmi(m, "cmi.score.scaled"), "0.4");
    assert_string_equal(cmi(m, "cmi.progress_measure"), "1");
    for (int i = 0; i < m->npages; i++)
        m->pages[i].seen = 0;
    attempt_save_progress(ui, m, NULL);     /* back as it was for the resume test */
    ui_free(ui);
}

static void test_player_score__nested_answer_restored_on_resume(void **state)
{
    Env *e = *state;
    Module *m;
    Ui *ui = open_player(e, &m);      /* resumes the attempt of the test above */
    QState *s = module_qstate(m, item(m, "q-physician-nested", BLOCK_QUESTION)->u.question);
    assert_non_null(s);
    assert_true(s->answered);
    assert_int_equal(s->sel, (1u << 0) | (1u << 2));
    char score[32];
    player_score(ui, m, score, sizeof(score));
    assert_string_equal(score, "40");
    ui_free(ui);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_player_score__same_answers_same_score_as_the_browser),
        cmocka_unit_test(test_player_score__nested_answer_restored_on_resume),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
