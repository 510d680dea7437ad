/* Unit tests of cmi_limits: the worst-case suspend_data and comments the runtime
 * can write, and the located errors when a module would exceed a SCORM
 * edition's data-model limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "course.h"
#include "diag.h"
#include "cmi_limits.h"
#include "source.h"

static Block *question(Course *c, const char *id, QuestionType type, int nchoices, int line)
{
    Question *q = arena_alloc(&c->arena, sizeof(*q));
    q->id = course_strdup(c, id);
    q->type = type;
    q->weight = 1;
    q->at = srcloc("02-quiz.fr.md", line, 1);
    Choice **tail = &q->choices;
    for (int i = 0; i < nchoices; i++) {
        Choice *ch = arena_alloc(&c->arena, sizeof(*ch));
        ch->id[0] = (char)('a' + i);
        ch->correct = i == 0;
        ch->at = srcloc("02-quiz.fr.md", line + 1 + i, 3);
        *tail = ch;
        tail = &ch->next;
    }
    q->nchoices = nchoices;
    Block *b = course_new_block(c, BLOCK_QUESTION, q->at);
    b->u.question = q;
    return b;
}

/* A chain start -a-> s1 -b-> s2 ... of depth steps, plus a shortcut from
 * start straight to the ending: the longest path has depth choices. */
static Block *scenario(Course *c, const char *id, int depth, int line)
{
    Scenario *s = arena_alloc(&c->arena, sizeof(*s));
    s->id = course_strdup(c, id);
    s->scored = 1;
    s->weight = 1;
    s->at = srcloc("03-case.fr.md", line, 1);
    Step **tail = &s->steps;
    Step *steps[40];
    for (int i = 0; i <= depth; i++) {
        Step *st = arena_alloc(&c->arena, sizeof(*st));
        st->id = arena_printf(&c->arena, "s%d", i);
        st->end = i == depth ? END_CORRECT : END_NONE;
        steps[i] = st;
        *tail = st;
        tail = &st->next;
    }
    for (int i = 0; i < depth; i++) {
        StepChoice *ch = arena_alloc(&c->arena, sizeof(*ch));
        ch->code[0] = (char)('a' + i);
        ch->target = steps[i + 1];
        ch->target_id = steps[i + 1]->id;
        steps[i]->choices = ch;
    }
    StepChoice *shortcut = arena_alloc(&c->arena, sizeof(*shortcut));
    shortcut->code[0] = '9';
    shortcut->target = steps[depth];
    shortcut->target_id = steps[depth]->id;
    steps[0]->choices->next = shortcut;
    s->nchoices = depth + 1;
    Block *b = course_new_block(c, BLOCK_SCENARIO, s->at);
    b->u.scenario = s;
    return b;
}

static Block *reflection(Course *c, const char *id, int max, int line)
{
    Block *b = course_new_block(c, BLOCK_REFLECTION, srcloc("04-you.fr.md", line, 1));
    b->u.reflection.id = course_strdup(c, id);
    b->u.reflection.max_chars = max;
    return b;
}

static Page *page(Course *c, const char *name, Block *blocks)
{
    Page *p = arena_alloc(&c->arena, sizeof(*p));
    p->name = course_strdup(c, name);
    p->file = arena_printf(&c->arena, "%s.fr.md", name);
    p->blocks = blocks;
    CourseLang *L = &c->langs[0];
    Page **tail = &L->pages;
    while (*tail)
        tail = &(*tail)->next;
    *tail = p;
    L->npages++;
    return p;
}

static Course *module(int nroles, int nsettings, int nrefs)
{
    Course *c = course_new();
    c->id = "m";
    c->dir = "courses/m";
    c->nlangs = 1;
    c->langs[0].code = "fr";
    for (int i = 0; i < nroles; i++)
        c->roles[i].id = arena_printf(&c->arena, "r%d", i);
    c->nroles = nroles;
    for (int i = 0; i < nsettings; i++)
        c->settings[i].id = arena_printf(&c->arena, "s%d", i);
    c->nsettings = nsettings;
    c->nrefs = nrefs;
    return c;
}

static char *msg(const Diag *d, size_t i)
{
    assert_true(i < d->count);
    return diag_format(&d->msgs[i]);
}

static void test_cmi_limits__normal_module_passes(void **state)
{
    (void)state;
    Course *c = module(2, 2, 1);
    Block *bl = NULL;
    course_append_block(&bl, question(c, "q-one", QUESTION_SINGLE, 3, 10));
    course_append_block(&bl, question(c, "q-two", QUESTION_MULTIPLE, 4, 20));
    course_append_block(&bl, scenario(c, "sc-night", 3, 30));
    course_append_block(&bl, reflection(c, "r-me", 500, 40));
    page(c, "01-intro", bl);
    for (int ed = 0; ed < 2; ed++) {
        Diag d = DIAG_INIT;
        assert_int_equal(cmi_limits_check(c, 0, (ScormEdition)ed, &d), 0);
        assert_int_equal(d.errors, 0);
        diag_release(&d);
    }
    /* "v1|c=1.1|s=" + 1 digit (4 sections) + "|q=0:a;1:abcd|n=0:abc" + the
     * longest seed of the choice order, 2^32 - 1 in base 32 */
    assert_int_equal(cmi_limits_suspend_max(c, 0),
                     strlen("v1|c=1.1|s=f|q=0:a;1:abcd|n=0:abc|o=3vvvvvv"));
    assert_int_equal(cmi_limits_comments_max(c, 0), strlen("[r-me] ") + 500);
    course_free(c);
}

/* The worst case built by hand, in the format of package-format.md, has
 * exactly the length cmi_limits_suspend_max() computes. */
static void test_cmi_limits__worst_case_matches_the_format(void **state)
{
    (void)state;
    Course *c = module(12, 3, 1);
    Block *bl = NULL;
    int nq = 37;
    for (int i = 0; i < nq; i++) {
        char id[16];
        snprintf(id, sizeof(id), "q-%d", i);
        course_append_block(&bl, question(c, id, i % 3 ? QUESTION_MULTIPLE : QUESTION_SINGLE,
                                          1 + i % 26, 10 + i));
    }
    course_append_block(&bl, scenario(c, "sc-a", 7, 100));
    Block *grp = course_new_block(c, BLOCK_GROUP, srcloc("x", 1, 1));
    grp->children = scenario(c, "sc-b", 25, 200);     /* nested: still counted */
    course_append_block(&bl, grp);
    page(c, "01-a", bl);
    for (int i = 2; i <= 13; i++) {
        char name[16];
        snprintf(name, sizeof(name), "%02d-p", i);
        page(c, name, NULL);
    }
    /* sections: context + 13 pages + references + summary = 16 */
    Buf want = BUF_INIT;
    buf_puts(&want, "v1|c=11.2|s=");
    int sections = 16;
    for (int i = 0; i < sections; i += 5) {
        int bits = sections - i >= 5 ? 5 : sections - i;
        buf_putc(&want, "0123456789abcdefghijklmnopqrstuv"[(1 << bits) - 1]);
    }
    buf_puts(&want, "|q=");
    for (int i = 0; i < nq; i++) {
        buf_printf(&want, "%s%d:", i ? ";" : "", i);
        int n = i % 3 ? 1 + i % 26 : 1;
        for (int k = 0; k < n; k++)
            buf_putc(&want, (char)('a' + k));
    }
    buf_puts(&want, "|n=0:abcdefg;1:abcdefghijklmnopqrstuvwxy|o=3vvvvvv");
    assert_int_equal(cmi_limits_suspend_max(c, 0), want.len);
    buf_release(&want);
    course_free(c);
}

static void test_cmi_limits__too_many_answers_for_scorm12(void **state)
{
    (void)state;
    Course *c = module(0, 0, 0);
    Block *bl = NULL;
    /* each question: "i:" + 26 letters + ';' = about 30 characters */
    for (int i = 0; i < 150; i++) {
        char id[16];
        snprintf(id, sizeof(id), "q-%d", i);
        course_append_block(&bl, question(c, id, QUESTION_MULTIPLE, 26, 100 + i * 30));
    }
    page(c, "01-quiz", bl);
    size_t worst = cmi_limits_suspend_max(c, 0);
    assert_true(worst > CMI_LIMITS_SUSPEND_12);
    /* find the question where the running total passes 4096 */
    size_t total = strlen("v1|c=-.-|s=1|q=|n=|o=3vvvvvv"), over = 0;
    for (size_t i = 0; i < 150; i++) {
        total += (i ? 1 : 0) + (i < 10 ? 1 : i < 100 ? 2 : 3) + 1 + 26;
        if (total > CMI_LIMITS_SUSPEND_12) {
            over = i;
            break;
        }
    }
    Diag d = DIAG_INIT;
    assert_int_equal(cmi_limits_check(c, 0, SCORM_12, &d), -1);
    assert_int_equal(d.errors, 1);
    char *m = msg(&d, 0);
    char want[600];
    snprintf(want, sizeof(want), "02-quiz.fr.md:%zu:1: error: the module's answers can need %zu "
             "characters of SCORM 1.2 suspend data, more than the 4096 allowed; they overflow "
             "at question q-%zu (split the module, or remove questions, choices of "
             "multiple-answer questions or scenario steps)", 100 + over * 30, worst, over);
    assert_string_equal(m, want);
    free(m);
    diag_release(&d);
    /* fine in 2004 (64000) */
    assert_int_equal(cmi_limits_check(c, 0, SCORM_2004, &d), 0);
    diag_release(&d);
    course_free(c);
}

static void test_cmi_limits__long_reflections_for_scorm12(void **state)
{
    (void)state;
    Course *c = module(0, 0, 0);
    Block *bl = NULL;
    course_append_block(&bl, reflection(c, "r-a", 2000, 5));
    course_append_block(&bl, reflection(c, "r-b", 2000, 15));
    course_append_block(&bl, reflection(c, "r-c", 2000, 25));
    page(c, "01-you", bl);
    assert_int_equal(cmi_limits_comments_max(c, 0), 3 * (strlen("[r-a] ") + 2000) + 2);
    Diag d = DIAG_INIT;
    assert_int_equal(cmi_limits_check(c, 0, SCORM_12, &d), -1);
    assert_int_equal(d.errors, 1);
    char *m = msg(&d, 0);
    assert_string_equal(m, "04-you.fr.md:25:1: error: the reflections can write 6020 characters "
                           "of SCORM 1.2 comments, more than the 4096 allowed; they overflow at "
                           "reflection r-c (lower max= on the reflections, or remove some)");
    free(m);
    diag_release(&d);
    assert_int_equal(cmi_limits_check(c, 0, SCORM_2004, &d), 0);
    diag_release(&d);
    /* 2004: one comment is at most 4000 characters */
    c->langs[0].pages->blocks->u.reflection.max_chars = 4500;
    assert_int_equal(cmi_limits_check(c, 0, SCORM_2004, &d), -1);
    m = msg(&d, 0);
    assert_string_equal(m, "04-you.fr.md:5:1: error: reflection 'r-a' allows 4500 characters, "
                           "more than the 4000 of a SCORM 2004 comment (set max= to 4000 or "
                           "less)");
    free(m);
    diag_release(&d);
    course_free(c);
}

static void test_cmi_limits__interactions_and_identifiers(void **state)
{
    (void)state;
    Course *c = module(0, 0, 0);
    Block *bl = NULL;
    for (int i = 0; i < 251; i++) {
        char id[16];
        snprintf(id, sizeof(id), "q-%d", i);
        course_append_block(&bl, question(c, id, QUESTION_SINGLE, 2, 10 + i));
    }
    page(c, "01-quiz", bl);
    Diag d = DIAG_INIT;
    assert_int_equal(cmi_limits_check(c, 0, SCORM_2004, &d), -1);
    assert_int_equal(d.errors, 1);
    char *m = msg(&d, 0);
    assert_string_equal(m, "02-quiz.fr.md:260:1: error: question 'q-250' is interaction number "
                           "251, more than the 250 a SCORM 2004 attempt can record (split the "
                           "module)");
    free(m);
    diag_release(&d);
    course_free(c);

    c = module(0, 0, 0);
    bl = NULL;
    course_append_block(&bl, question(c, "q.bad", QUESTION_SINGLE, 2, 7));
    course_append_block(&bl, scenario(c, "sc ok", 2, 9));
    page(c, "01-quiz", bl);
    assert_int_equal(cmi_limits_check(c, 0, SCORM_12, &d), -1);
    assert_int_equal(d.errors, 2);
    m = msg(&d, 0);
    assert_string_equal(m, "02-quiz.fr.md:7:1: error: question id 'q.bad' is not a SCORM 1.2 "
                           "interaction identifier (use only letters, digits, '-' and '_', at "
                           "most 255 characters)");
    free(m);
    m = msg(&d, 1);
    assert_string_equal(m, "03-case.fr.md:9:1: error: scenario id 'sc ok' is not a SCORM 1.2 "
                           "interaction identifier (use only letters, digits, '-' and '_', at "
                           "most 255 characters)");
    free(m);
    diag_release(&d);
    /* 2004 takes the period but not the space */
    assert_int_equal(cmi_limits_check(c, 0, SCORM_2004, &d), -1);
    assert_int_equal(d.errors, 1);
    diag_release(&d);
    course_free(c);
}

/* Every course of the repository fits both editions' limits. */
static void test_cmi_limits__shipped_courses_fit(void **state)
{
    (void)state;
    static const char *const modules[] = { "example-module", "ai-never-neutral", NULL };
    for (int m = 0; modules[m]; m++) {
        char dir[512];
        snprintf(dir, sizeof(dir), "%s/courses/%s", TEST_SRCDIR, modules[m]);
        Diag d = DIAG_INIT;
        Course *c = source_read_module(dir, &d);
        assert_non_null(c);
        size_t before = d.errors;
        for (int lang = 0; lang < c->nlangs; lang++) {
            assert_int_equal(cmi_limits_check(c, lang, SCORM_12, &d), 0);
            assert_int_equal(cmi_limits_check(c, lang, SCORM_2004, &d), 0);
            assert_true(cmi_limits_suspend_max(c, lang) <= CMI_LIMITS_SUSPEND_12);
            assert_true(cmi_limits_suspend_max(c, lang) > strlen("v1|c=-.-|s=|q=|n="));
        }
        assert_int_equal(d.errors, before);
        diag_release(&d);
        course_free(c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cmi_limits__normal_module_passes),
        cmocka_unit_test(test_cmi_limits__worst_case_matches_the_format),
        cmocka_unit_test(test_cmi_limits__too_many_answers_for_scorm12),
        cmocka_unit_test(test_cmi_limits__long_reflections_for_scorm12),
        cmocka_unit_test(test_cmi_limits__interactions_and_identifiers),
        cmocka_unit_test(test_cmi_limits__shipped_courses_fit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
