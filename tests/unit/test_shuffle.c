/* shuffle: the per-attempt choice order (src/shuffle.c). The algorithm is
 * also cp-runtime.js's choiceOrder: the known values below are the ones
 * tests/jsunit/runtime.test.js checks in JavaScript, and
 * tests/runtime/shuffle.test.mjs compares the two on a whole page. The
 * player's use of it (its attempt's seed, resume, a new attempt) is at the
 * end, through the ui on tests/fixtures/shuffle-module. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shuffle.h"

static void letters(const int *order, int n, char *out)
{
    for (int i = 0; i < n; i++)
        out[i] = (char)('a' + order[i]);
    out[n] = '\0';
}

static int is_permutation(const int *order, int n)
{
    int seen[64] = {0};
    for (int i = 0; i < n; i++) {
        if (order[i] < 0 || order[i] >= n || seen[order[i]])
            return 0;
        seen[order[i]] = 1;
    }
    return 1;
}

static void test_shuffle__known_values_shared_with_the_runtime(void **state)
{
    (void)state;
    uint32_t seed = 0;
    assert_int_equal(shuffle_seed_parse("abc12", &seed), 0);
    int order[8];
    char s[9];
    shuffle_order(seed, "q-first", NULL, 4, 0, order);
    letters(order, 4, s);
    assert_string_equal(s, "dabc");
    shuffle_order(seed, "q-all-above", NULL, 4, 1u << 3, order);
    letters(order, 4, s);
    assert_string_equal(s, "cbad");
    shuffle_order(seed, "sc-handover", "call", 3, 0, order);
    letters(order, 3, s);
    assert_string_equal(s, "bca");
}

static void test_shuffle__permutations_fixed_places_and_seed_zero(void **state)
{
    (void)state;
    int order[26];
    shuffle_order(0, "q-a", NULL, 5, 0, order);
    for (int i = 0; i < 5; i++)
        assert_int_equal(order[i], i);          /* seed 0: as written */
    int moved = 0, distinct = 0;
    char seen[200][6];
    for (uint32_t seed = 1; seed <= 200; seed++) {
        shuffle_order(seed, "q-a", NULL, 5, 1u << 4, order);
        assert_true(is_permutation(order, 5));
        assert_int_equal(order[4], 4);          /* the fixed choice stays last */
        int again[26];
        shuffle_order(seed, "q-a", NULL, 5, 1u << 4, again);
        assert_memory_equal(order, again, sizeof(int) * 5);    /* stable */
        char s[6];
        letters(order, 5, s);
        moved += strcmp(s, "abcde") != 0;
        int dup = 0;
        for (int k = 0; k < distinct && !dup; k++)
            dup = strcmp(seen[k], s) == 0;
        if (!dup)
            memcpy(seen[distinct++], s, 6);
    }
    assert_true(moved > 180);
    assert_true(distinct >= 20);                /* of the 24 orders of 4 free choices */
    /* two fixed, in the middle: they keep their places */
    for (uint32_t seed = 1; seed <= 50; seed++) {
        shuffle_order(seed, "q-b", NULL, 6, (1u << 1) | (1u << 3), order);
        assert_true(is_permutation(order, 6));
        assert_int_equal(order[1], 1);
        assert_int_equal(order[3], 3);
    }
    /* one free choice: nothing moves */
    shuffle_order(7, "q", NULL, 3, 5u, order);
    assert_int_equal(order[0], 0);
    assert_int_equal(order[1], 1);
    assert_int_equal(order[2], 2);
}

static void test_shuffle__questions_and_steps(void **state)
{
    (void)state;
    Choice c[4];
    memset(c, 0, sizeof(c));
    for (int i = 0; i < 4; i++) {
        c[i].id[0] = (char)('a' + i);
        c[i].next = i < 3 ? &c[i + 1] : NULL;
    }
    Question q = { .id = "q-first", .type = QUESTION_SINGLE, .choices = c, .nchoices = 4 };
    int order[8];
    char s[9];
    assert_int_equal(shuffle_question(shuffle_seed_of_suspend("v1|c=-.-|s=|q=|n=|o=abc12"), &q,
                                      order), 4);
    letters(order, 4, s);
    assert_string_equal(s, "dabc");
    q.keep_order = 1;       /* shuffle=no */
    shuffle_question(12345, &q, order);
    letters(order, 4, s);
    assert_string_equal(s, "abcd");
    q.keep_order = 0;
    q.type = QUESTION_TRUEFALSE;
    shuffle_question(12345, &q, order);
    letters(order, 4, s);
    assert_string_equal(s, "abcd");
    q.type = QUESTION_MULTIPLE;
    c[0].fixed = c[2].fixed = 1;
    int swapped = 0;
    for (uint32_t k = 1; k <= 20; k++) {
        shuffle_question(k, &q, order);
        assert_int_equal(order[0], 0);
        assert_int_equal(order[2], 2);
        assert_true(is_permutation(order, 4));
        swapped += order[1] == 3;           /* b and d swapped: the only other order */
    }
    assert_in_range(swapped, 1, 19);

    StepChoice sc[3];
    memset(sc, 0, sizeof(sc));
    for (int i = 0; i < 3; i++) {
        sc[i].code[0] = (char)('d' + i);
        sc[i].next = i < 2 ? &sc[i + 1] : NULL;
    }
    Step st = { .id = "call", .choices = sc };
    Scenario scn = { .id = "sc-handover", .steps = &st, .nchoices = 3 };
    uint32_t seed = 0;
    assert_int_equal(shuffle_seed_parse("abc12", &seed), 0);
    assert_int_equal(shuffle_step(seed, &scn, &st, order), 3);
    letters(order, 3, s);
    assert_string_equal(s, "bca");
    scn.keep_order = 1;
    shuffle_step(seed, &scn, &st, order);
    letters(order, 3, s);
    assert_string_equal(s, "abc");
}

static void test_shuffle__seed_text(void **state)
{
    (void)state;
    char s[SHUFFLE_SEED_CHARS + 1];
    shuffle_seed_format(0, s);
    assert_string_equal(s, "0");
    shuffle_seed_format(UINT32_MAX, s);
    assert_string_equal(s, "3vvvvvv");
    shuffle_seed_format(32, s);
    assert_string_equal(s, "10");
    uint32_t v = 99;
    assert_int_equal(shuffle_seed_parse("3vvvvvv", &v), 0);
    assert_true(v == UINT32_MAX);
    static const char *const bad[] = { "", "4000000", "12345678", "w", "A", "-1", " 1", NULL };
    for (int i = 0; bad[i]; i++) {
        v = 99;
        assert_int_equal(shuffle_seed_parse(bad[i], &v), -1);
        assert_int_equal(v, 99);
    }
    /* the o= segment of suspend data; none, or a bad one: as written (0) */
    assert_true(shuffle_seed_of_suspend("v1|c=0.1|s=7|q=0:b|n=|o=abc12") ==
                (10u << 20 | 11u << 15 | 12u << 10 | 1u << 5 | 2u));
    assert_int_equal(shuffle_seed_of_suspend("v1|c=0.1|s=7|q=0:b|n="), 0);
    assert_int_equal(shuffle_seed_of_suspend("v1|o=4000000"), 0);
    assert_int_equal(shuffle_seed_of_suspend("v1|o=12345678901"), 0);
    assert_int_equal(shuffle_seed_of_suspend("v2|o=abc12"), 0);
    assert_int_equal(shuffle_seed_of_suspend(NULL), 0);
    assert_int_equal(shuffle_seed_of_suspend("v1|o=1"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shuffle__known_values_shared_with_the_runtime),
        cmocka_unit_test(test_shuffle__permutations_fixed_places_and_seed_zero),
        cmocka_unit_test(test_shuffle__questions_and_steps),
        cmocka_unit_test(test_shuffle__seed_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
