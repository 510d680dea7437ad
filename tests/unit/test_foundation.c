/* Unit tests of the foundation modules: arena, buf, diag, course helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arena.h"
#include "buf.h"
#include "course.h"
#include "diag.h"

static void test_arena__strings_survive_many_chunks(void **state)
{
    (void)state;
    Arena a = ARENA_INIT;
    char *first = arena_strdup(&a, "first");
    for (int i = 0; i < 10000; i++)
        assert_non_null(arena_printf(&a, "string number %d", i));
    char *big = arena_alloc(&a, 200000);
    assert_non_null(big);
    assert_string_equal(first, "first");
    assert_true(((uintptr_t)big % 16) == 0);
    arena_release(&a);
    assert_null(a.head);
}

static void test_buf__xml_escaping(void **state)
{
    (void)state;
    Buf b = BUF_INIT;
    buf_puts_xml(&b, "a<b & \"c\" 'd'>");
    assert_string_equal(b.data, "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
    buf_release(&b);
    assert_string_equal(b.data, "");
}

static void test_buf__printf_grows_and_detaches(void **state)
{
    (void)state;
    Buf b = BUF_INIT;
    for (int i = 0; i < 1000; i++)
        buf_printf(&b, "%04d", i);
    assert_int_equal(b.len, 4000);
    size_t len = 0;
    char *s = buf_detach(&b, &len);
    assert_int_equal(len, 4000);
    assert_memory_equal(s + 3996, "0999", 4);
    free(s);
    assert_int_equal(b.len, 0);
    /* truncate goes back, never forward, and keeps the string terminated */
    buf_puts(&b, "/usr/share/fonts/truetype");
    buf_truncate(&b, 16);
    assert_string_equal(b.data, "/usr/share/fonts");
    buf_truncate(&b, 100);
    assert_int_equal(b.len, 16);
    buf_release(&b);
    buf_truncate(&b, 0);                    /* on an empty Buf: nothing to do */
    assert_string_equal(b.data, "");
}

static void test_diag__formats_and_sorts(void **state)
{
    (void)state;
    Diag d = DIAG_INIT;
    diag_error(&d, srcloc("b.md", 3, 1), "second file");
    diag_warning(&d, srcloc("a.md", 9, 4), "late");
    diag_error(&d, srcloc("a.md", 2, 7), "early (fix it)");
    diag_note(&d, srcloc(NULL, 0, 0), "no place");
    assert_int_equal(d.errors, 2);
    assert_int_equal(d.warnings, 1);
    diag_sort(&d);
    char *s0 = diag_format(&d.msgs[0]);
    char *s1 = diag_format(&d.msgs[1]);
    char *s3 = diag_format(&d.msgs[3]);
    assert_string_equal(s0, "note: no place");
    assert_string_equal(s1, "a.md:2:7: error: early (fix it)");
    assert_string_equal(s3, "b.md:3:1: error: second file");
    free(s0);
    free(s1);
    free(s3);
    diag_release(&d);
}

static void test_course__audience_and_max_score(void **state)
{
    (void)state;
    Course *c = course_new();
    assert_non_null(c);
    Question q1 = { .id = "q1", .weight = 2 };
    Question q2 = { .id = "q2", .weight = 3 };
    Scenario sc = { .id = "s", .scored = 1, .weight = 5 };
    Block *b1 = course_new_block(c, BLOCK_QUESTION, srcloc("p.md", 1, 1));
    Block *b2 = course_new_block(c, BLOCK_QUESTION, srcloc("p.md", 2, 1));
    Block *b3 = course_new_block(c, BLOCK_SCENARIO, srcloc("p.md", 3, 1));
    b1->u.question = &q1;
    b2->u.question = &q2;
    b2->audience.roles = 1u << 1;          /* only role 1 */
    b3->u.scenario = &sc;
    Page page = { .name = "01-x" };
    course_append_block(&page.blocks, b1);
    course_append_block(&page.blocks, b2);
    course_append_block(&page.blocks, b3);
    assert_int_equal(course_max_score(&page, 0, -1), 7);
    assert_int_equal(course_max_score(&page, 1, -1), 10);
    assert_int_equal(course_max_score(&page, -1, -1), 10);
    page.audience.settings = 1u << 2;
    assert_int_equal(course_max_score(&page, 1, 0), 0);
    course_free(c);
}

/* A question inside an `only` block counts for the learners the block is
 * for, and only for them (docs/authoring.md allows questions there). */
static void test_course__max_score_counts_nested_questions(void **state)
{
    (void)state;
    Course *c = course_new();
    assert_non_null(c);
    Question top = { .id = "q-top", .weight = 1 };
    Question inner = { .id = "q-inner", .weight = 4 };
    Block *b1 = course_new_block(c, BLOCK_QUESTION, srcloc("p.md", 1, 1));
    Block *group = course_new_block(c, BLOCK_GROUP, srcloc("p.md", 3, 1));
    Block *b2 = course_new_block(c, BLOCK_QUESTION, srcloc("p.md", 4, 1));
    b1->u.question = &top;
    b2->u.question = &inner;
    group->audience.roles = 1u << 1;       /* ```only roles=<role 1> */
    Page page = { .name = "01-x" };
    course_append_block(&page.blocks, b1);
    course_append_block(&page.blocks, group);
    course_append_block(&group->children, b2);
    assert_int_equal(course_max_score(&page, 1, -1), 5);
    assert_int_equal(course_max_score(&page, 0, -1), 1);
    assert_int_equal(course_max_score(&page, -1, -1), 5);
    course_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena__strings_survive_many_chunks),
        cmocka_unit_test(test_buf__xml_escaping),
        cmocka_unit_test(test_buf__printf_grows_and_detaches),
        cmocka_unit_test(test_diag__formats_and_sorts),
        cmocka_unit_test(test_course__audience_and_max_score),
        cmocka_unit_test(test_course__max_score_counts_nested_questions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
