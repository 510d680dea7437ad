/* The broken-module corpora: each folder of tests/broken/ is a small module
 * with mistakes, and its expected.txt lists, one per line, every message
 * source_read_module must give (errors and warnings, sorted by place, file
 * names relative to the folder). A mismatch prints a diff. tests/lint/ is the
 * same for the assessment lint: valid modules whose expected.txt holds only
 * warnings (or nothing, for the balanced one), so no case may have an error.
 * The unit tests of the lint's chance computation come last. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "buf.h"
#include "course.h"
#include "diag.h"
#include "source.h"

#include "source_lint.h"

typedef struct Case {
    const char *corpus;     /* tests/broken or tests/lint */
    char *name;             /* owned */
    int want_errors;        /* broken: at least one error; lint: none */
} Case;

typedef struct Lines {
    char **v;
    size_t n;
} Lines;

static void lines_push(Lines *l, const char *s, size_t len)
{
    l->v = realloc(l->v, (l->n + 1) * sizeof(*l->v));
    assert_non_null(l->v);
    l->v[l->n] = strndup(s, len);
    assert_non_null(l->v[l->n]);
    l->n++;
}

static void lines_free(Lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

static Lines read_expected(const char *path)
{
    Lines l = {0};
    FILE *f = fopen(path, "rb");
    if (!f) {
        print_error("cannot open %s\n", path);
        fail();
    }
    Buf b = BUF_INIT;
    char chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&b, chunk, got);
    fclose(f);
    const char *s = b.data;
    while (*s) {
        const char *e = strchr(s, '\n');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (len > 0)
            lines_push(&l, s, len);
        s += len + (e != NULL);
    }
    buf_release(&b);
    return l;
}

/* Longest-common-subsequence diff of two line lists, printed "-expected"
 * "+got" like diff -u without context. */
static void print_diff(const Lines *a, const Lines *b)
{
    size_t n = a->n, m = b->n;
    size_t *t = calloc((n + 1) * (m + 1), sizeof(*t));
    assert_non_null(t);
#define T(i, j) t[(i) * (m + 1) + (j)]
    for (size_t i = n; i-- > 0;)
        for (size_t j = m; j-- > 0;)
            T(i, j) = strcmp(a->v[i], b->v[j]) == 0 ? T(i + 1, j + 1) + 1
                    : T(i + 1, j) > T(i, j + 1) ? T(i + 1, j) : T(i, j + 1);
    size_t i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && strcmp(a->v[i], b->v[j]) == 0) {
            print_error("  %s\n", a->v[i]);
            i++;
            j++;
        } else if (j < m && (i == n || T(i, j + 1) >= T(i + 1, j))) {
            print_error("+ %s\n", b->v[j++]);
        } else {
            print_error("- %s\n", a->v[i++]);
        }
    }
#undef T
    free(t);
}

static void run_case(void **state)
{
    const Case *k = *state;
    const char *name = k->name;
    char dir[1024], path[1100];
    snprintf(dir, sizeof(dir), "%s/%s", k->corpus, name);
    snprintf(path, sizeof(path), "%s/expected.txt", dir);
    Lines want = read_expected(path);
    Diag d = DIAG_INIT;
    Course *c = source_read_module(dir, &d);
    diag_sort(&d);
    Lines got = {0};
    size_t dlen = strlen(dir);
    for (size_t i = 0; i < d.count; i++) {
        char *s = diag_format(&d.msgs[i]);
        assert_non_null(s);
        const char *p = strncmp(s, dir, dlen) == 0 && s[dlen] == '/' ? s + dlen + 1 : s;
        lines_push(&got, p, strlen(p));
        free(s);
    }
    int same = want.n == got.n;
    for (size_t i = 0; same && i < want.n; i++)
        same = strcmp(want.v[i], got.v[i]) == 0;
    if (!same) {
        print_error("%s: messages differ from expected.txt (- expected, + got):\n", dir);
        print_diff(&want, &got);
    }
    size_t errors = d.errors;
    course_free(c);
    diag_release(&d);
    lines_free(&want);
    lines_free(&got);
    assert_true(same);
    if (k->want_errors)
        assert_true(errors > 0);
    else
        assert_int_equal(errors, 0);
}

static int cmp_case(const void *a, const void *b)
{
    const Case *x = a, *y = b;
    int c = strcmp(x->corpus, y->corpus);
    return c ? c : strcmp(x->name, y->name);
}

/* Appends every folder of corpus to *cases; -1 when it cannot be listed. */
static int list_corpus(const char *corpus, int want_errors, Case **cases, size_t *n)
{
    DIR *dp = opendir(corpus);
    if (!dp) {
        fprintf(stderr, "cannot open %s\n", corpus);
        return -1;
    }
    struct dirent *de;
    while ((de = readdir(dp))) {
        if (de->d_name[0] == '.')
            continue;
        char p[1024];
        struct stat st;
        snprintf(p, sizeof(p), "%s/%s", corpus, de->d_name);
        if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        Case *nc = realloc(*cases, (*n + 1) * sizeof(**cases));
        if (!nc)
            break;
        *cases = nc;
        nc[*n] = (Case){ corpus, strdup(de->d_name), want_errors };
        if (!nc[*n].name)
            break;
        (*n)++;
    }
    closedir(dp);
    return 0;
}

/* ---- the lint's chance: P(X >= k) for a sum of Bernoulli(p[i]) -------------- */

static void test_source_lint__tail_of_fair_coins(void **state)
{
    (void)state;
    double half[4] = { 0.5, 0.5, 0.5, 0.5 };
    assert_float_equal(source_lint_tail(half, 4, 4), 1.0 / 16, 1e-12);
    assert_float_equal(source_lint_tail(half, 4, 3), 5.0 / 16, 1e-12);
    assert_float_equal(source_lint_tail(half, 4, 0), 1.0, 1e-12);
    assert_float_equal(source_lint_tail(half, 4, 5), 0.0, 1e-12);
}

static void test_source_lint__tail_of_unequal_items(void **state)
{
    (void)state;
    /* two items, p = 1/2 and 1/4: P(both) = 1/8, P(at least one) = 1 - 1/2*3/4 */
    double p[2] = { 0.5, 0.25 };
    assert_float_equal(source_lint_tail(p, 2, 2), 0.125, 1e-12);
    assert_float_equal(source_lint_tail(p, 2, 1), 1.0 - 0.375, 1e-12);
    /* 6 of 6 four-choice items in one position: 4^-6 */
    double q[6] = { 0.25, 0.25, 0.25, 0.25, 0.25, 0.25 };
    assert_float_equal(source_lint_tail(q, 6, 6), 1.0 / 4096, 1e-12);
}

int main(void)
{
    Case *cases = NULL;
    size_t n = 0;
    if (list_corpus(TEST_SRCDIR "/tests/broken", 1, &cases, &n) != 0 ||
        list_corpus(TEST_SRCDIR "/tests/lint", 0, &cases, &n) != 0)
        return 1;
    qsort(cases, n, sizeof(*cases), cmp_case);
    struct CMUnitTest *tests = calloc(n + 2, sizeof(*tests));
    if (!tests)
        return 1;
    char **names = calloc(n ? n : 1, sizeof(*names));
    if (!names)
        return 1;
    for (size_t i = 0; i < n; i++) {
        const char *base = strrchr(cases[i].corpus, '/') + 1;
        size_t len = strlen(base) + strlen(cases[i].name) + 2;
        names[i] = malloc(len);
        if (!names[i])
            return 1;
        snprintf(names[i], len, "%s/%s", base, cases[i].name);
        tests[i].name = names[i];
        tests[i].test_func = run_case;
        tests[i].initial_state = &cases[i];
    }
    tests[n] = (struct CMUnitTest)cmocka_unit_test(test_source_lint__tail_of_fair_coins);
    tests[n + 1] = (struct CMUnitTest)cmocka_unit_test(test_source_lint__tail_of_unequal_items);
    int rc = _cmocka_run_group_tests("broken_sources", tests, n + 2, NULL, NULL);
    for (size_t i = 0; i < n; i++) {
        free(names[i]);
        free(cases[i].name);
    }
    free(names);
    free(cases);
    free(tests);
    return rc;
}
