/* The broken-module corpus: each folder of tests/broken/ is a small module
 * with mistakes, and its expected.txt lists, one per line, every message
 * source_read_module must give (errors and warnings, sorted by place, file
 * names relative to the folder). A mismatch prints a diff. */
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

#define CORPUS TEST_SRCDIR "/tests/broken"

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
    const char *name = *state;
    char dir[1024], path[1100];
    snprintf(dir, sizeof(dir), "%s/%s", CORPUS, name);
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
        print_error("tests/broken/%s: messages differ from expected.txt (- expected, + got):\n",
                    name);
        print_diff(&want, &got);
    }
    size_t errors = d.errors;
    course_free(c);
    diag_release(&d);
    lines_free(&want);
    lines_free(&got);
    assert_true(same);
    assert_true(errors > 0);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
    DIR *dp = opendir(CORPUS);
    if (!dp) {
        fprintf(stderr, "cannot open %s\n", CORPUS);
        return 1;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(dp))) {
        if (de->d_name[0] == '.')
            continue;
        char p[1024];
        struct stat st;
        snprintf(p, sizeof(p), "%s/%s", CORPUS, de->d_name);
        if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        names = realloc(names, (n + 1) * sizeof(*names));
        if (!names || !(names[n] = strdup(de->d_name)))
            return 1;
        n++;
    }
    closedir(dp);
    qsort(names, n, sizeof(*names), cmp_name);
    struct CMUnitTest *tests = calloc(n ? n : 1, sizeof(*tests));
    if (!tests)
        return 1;
    for (size_t i = 0; i < n; i++) {
        tests[i].name = names[i];
        tests[i].test_func = run_case;
        tests[i].initial_state = names[i];
    }
    int rc = _cmocka_run_group_tests("broken_sources", tests, n, NULL, NULL);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(tests);
    return rc;
}
