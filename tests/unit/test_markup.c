/* markup: one vocabulary for the writer, the reader, the runtime and the
 * styles. These tests read the sources themselves: the runtime's names must
 * be exactly the table's runtime names, cp.css must style only names of the
 * table, and html_write.c / page_read.c must spell no name of their own (a
 * name written in two places is how the writer and the reader drift apart).
 * That the writer writes every MK_WRITE name and page_read reads what it
 * wrote is tests/unit/test_round_trip.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "html_write.h"
#include "markup.h"
#include "source.h"

static char *slurp(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", TEST_SRCDIR, rel);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    Buf b = BUF_INIT;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    char *s = buf_detach(&b, NULL);
    assert_non_null(s);
    return s;
}

/* The text with its comments blanked: C and JS block and line comments (CSS
 * has block comments only). String contents are kept, so are strings holding
 * comment-like text ("http://"). */
static void strip_comments(char *s, int line_comments)
{
    char quote = 0;
    for (char *p = s; *p; p++) {
        if (quote) {
            if (*p == '\\' && p[1])
                p++;
            else if (*p == quote)
                quote = 0;
            continue;
        }
        if (*p == '"' || *p == '\'') {
            quote = *p;
        } else if (p[0] == '/' && p[1] == '*') {
            char *e = strstr(p + 2, "*/");
            char *end = e ? e + 2 : p + strlen(p);
            for (char *q = p; q < end; q++)
                if (*q != '\n')
                    *q = ' ';
            p = end - 1;
        } else if (line_comments && p[0] == '/' && p[1] == '/') {
            while (*p && *p != '\n')
                *p++ = ' ';
            if (!*p)
                break;
        }
    }
}

/* A set of names found in a text. */
typedef struct Names {
    char *v[512];
    int n;
} Names;

static void names_add(Names *ns, const char *s, size_t len)
{
    for (int i = 0; i < ns->n; i++)
        if (strlen(ns->v[i]) == len && memcmp(ns->v[i], s, len) == 0)
            return;
    assert_true(ns->n < 512);
    ns->v[ns->n] = calloc(1, len + 1);
    memcpy(ns->v[ns->n++], s, len);
}

static int names_has(const Names *ns, const char *s)
{
    for (int i = 0; i < ns->n; i++)
        if (strcmp(ns->v[i], s) == 0)
            return 1;
    return 0;
}

static void names_free(Names *ns)
{
    for (int i = 0; i < ns->n; i++)
        free(ns->v[i]);
    ns->n = 0;
}

static int name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/* Every "data-cp-…" and "cp-…" token inside a string literal of the text
 * (comments stripped first). File names (cp-runtime.js) are not names. */
static void names_in_strings(const char *src, Names *ns)
{
    char quote = 0;
    for (const char *p = src; *p; p++) {
        if (!quote) {
            if (*p == '"' || *p == '\'')
                quote = *p;
            continue;
        }
        if (*p == '\\' && p[1]) {
            p++;
            continue;
        }
        if (*p == quote) {
            quote = 0;
            continue;
        }
        int at_token = (strncmp(p, "data-cp-", 8) == 0 || strncmp(p, "cp-", 3) == 0) &&
                       (p == src || !name_char(p[-1]));
        if (!at_token)
            continue;
        const char *e = p;
        while (name_char(*e))
            e++;
        if (strncmp(e, ".js", 3) == 0 || strncmp(e, ".css", 4) == 0) {
            p = e - 1;
            continue;
        }
        names_add(ns, p, (size_t)(e - p));
        p = e - 1;
    }
}

static int is_name_kind(MarkupKind k)
{
    return k == MARKUP_ATTR || k == MARKUP_CLASS || k == MARKUP_ID || k == MARKUP_NAME;
}

static void test_markup__names_are_unique(void **state)
{
    (void)state;
    for (int i = 0; i < MARKUP_COUNT; i++) {
        assert_non_null(markup_table[i].text);
        assert_true(markup_table[i].uses != 0);
        for (int j = i + 1; j < MARKUP_COUNT; j++) {
            int both_names = is_name_kind(markup_table[i].kind) &&
                             is_name_kind(markup_table[j].kind);
            int same_kind = markup_table[i].kind == markup_table[j].kind;
            if ((both_names || same_kind) &&
                strcmp(markup_table[i].text, markup_table[j].text) == 0)
                fail_msg("'%s' is in the markup table twice (entries %d and %d): one name, "
                         "two meanings", markup_table[i].text, i, j);
        }
    }
    assert_string_equal(markup(MA_QUESTION), "data-cp-question");
    assert_string_equal(markup(MC_PAGE), "cp-page");
}

static void test_markup__question_types_and_endings(void **state)
{
    (void)state;
    QuestionType t = QUESTION_SINGLE;
    for (int i = QUESTION_SINGLE; i <= QUESTION_TRUEFALSE; i++) {
        assert_int_equal(markup_question_type_from(markup_question_type((QuestionType)i), &t), 0);
        assert_int_equal(t, i);
    }
    assert_string_equal(markup_question_type(QUESTION_TRUEFALSE), "truefalse");
    t = QUESTION_MULTIPLE;
    assert_int_equal(markup_question_type_from("choice", &t), -1);
    assert_int_equal(t, QUESTION_MULTIPLE);
    assert_int_equal(markup_question_type_from(NULL, &t), -1);
    for (int e = END_CORRECT; e <= END_WRONG; e++)
        assert_int_equal(markup_end_from(markup_end((EndResult)e)), e);
    assert_null(markup_end(END_NONE));
    assert_int_equal(markup_end_from("right"), END_NONE);
    assert_int_equal(markup_end_from(NULL), END_NONE);
    assert_string_equal(markup_end(END_PARTIAL), "partial");
}

/* The writer and the reader take every name from the table. */
static void no_names_of_their_own(const char *rel)
{
    char *src = slurp(rel);
    strip_comments(src, 1);
    Names ns = {0};
    names_in_strings(src, &ns);
    for (int i = 0; i < ns.n; i++)
        fprintf(stderr, "%s spells the markup name '%s' itself (use markup.h)\n", rel, ns.v[i]);
    int found = ns.n;
    names_free(&ns);
    /* the values with a meaning, as whole string literals */
    static const Markup values[] = { MV_TYPE_SINGLE, MV_TYPE_MULTIPLE, MV_TYPE_TRUEFALSE,
                                     MV_PAGE_CONTEXT, MV_PAGE_REFERENCES, MV_PAGE_SUMMARY };
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        char lit[64];
        snprintf(lit, sizeof(lit), "\"%s\"", markup(values[i]));
        if (strstr(src, lit)) {
            fprintf(stderr, "%s spells the markup value %s itself (use markup.h)\n", rel, lit);
            found++;
        }
    }
    free(src);
    assert_int_equal(found, 0);
}

static void test_markup__writer_and_reader_spell_no_name(void **state)
{
    (void)state;
    no_names_of_their_own("src/html_write.c");
    no_names_of_their_own("src/page_read.c");
}

/* A test of the scanner itself: it finds names in strings, not in comments
 * or file names, so the two tests around it can fail. */
static void test_markup__scanner_finds_names(void **state)
{
    (void)state;
    char src[] = "/* \"cp-in-comment\" */ x = \"<a class=\\\"cp-cite\\\" data-cp-x=\"; // 'cp-line'\n"
                 "y = 'section.cp-page[data-cp-page=\"'; z = \"runtime/cp-runtime.js\"; w = cp-bare;";
    strip_comments(src, 1);
    Names ns = {0};
    names_in_strings(src, &ns);
    assert_int_equal(ns.n, 4);
    assert_true(names_has(&ns, "cp-cite"));
    assert_true(names_has(&ns, "data-cp-x"));
    assert_true(names_has(&ns, "cp-page"));
    assert_true(names_has(&ns, "data-cp-page"));
    names_free(&ns);
}

/* The runtime's names are exactly the table's MK_RT names. */
static void test_markup__runtime_names_equal_the_table(void **state)
{
    (void)state;
    char *js = slurp("assets/runtime/cp-runtime.js");
    strip_comments(js, 1);
    Names ns = {0};
    names_in_strings(js, &ns);
    int bad = 0;
    for (int i = 0; i < ns.n; i++) {
        int known = 0;
        for (int k = 0; k < MARKUP_COUNT; k++)
            if (is_name_kind(markup_table[k].kind) && (markup_table[k].uses & MK_RT) &&
                strcmp(markup_table[k].text, ns.v[i]) == 0)
                known = 1;
        if (!known) {
            fprintf(stderr, "cp-runtime.js uses '%s', which markup.h does not list as a "
                    "runtime name\n", ns.v[i]);
            bad++;
        }
    }
    for (int k = 0; k < MARKUP_COUNT; k++) {
        const MarkupEntry *e = &markup_table[k];
        if (!(e->uses & MK_RT))
            continue;
        int present;
        if (is_name_kind(e->kind) && strncmp(e->text, "cp-", 3) == 0)
            present = names_has(&ns, e->text);
        else if (is_name_kind(e->kind) && strncmp(e->text, "data-cp-", 8) == 0)
            present = names_has(&ns, e->text);
        else {
            /* the body class and the values: as a whole string literal */
            char a[64], b[64];
            snprintf(a, sizeof(a), "'%s'", e->text);
            snprintf(b, sizeof(b), "\"%s\"", e->text);
            present = strstr(js, a) || strstr(js, b);
        }
        if (!present) {
            fprintf(stderr, "markup.h says the runtime uses '%s', but cp-runtime.js does not\n",
                    e->text);
            bad++;
        }
    }
    names_free(&ns);
    free(js);
    assert_int_equal(bad, 0);
}

/* cp.css styles names of the table (MK_CSS), and every MK_CSS name. */
static void test_markup__styles_use_table_names(void **state)
{
    (void)state;
    char *css = slurp("assets/runtime/cp.css");
    strip_comments(css, 0);
    Names ns = {0};
    /* class and id selectors: .cp, .cp-x, #cp-x (not the --cp-x properties) */
    for (const char *p = css; *p; p++) {
        if ((*p == '.' || *p == '#') && strncmp(p + 1, "cp", 2) == 0 &&
            (p[3] == '-' || !name_char(p[3]))) {
            const char *e = p + 1;
            while (name_char(*e))
                e++;
            names_add(&ns, p + 1, (size_t)(e - p - 1));
        }
    }
    int bad = 0;
    for (int i = 0; i < ns.n; i++) {
        int known = 0;
        for (int k = 0; k < MARKUP_COUNT; k++)
            if ((markup_table[k].uses & MK_CSS) && strcmp(markup_table[k].text, ns.v[i]) == 0)
                known = 1;
        if (!known) {
            fprintf(stderr, "cp.css styles '%s', which markup.h does not list for cp.css\n",
                    ns.v[i]);
            bad++;
        }
    }
    for (int k = 0; k < MARKUP_COUNT; k++)
        if ((markup_table[k].uses & MK_CSS) && !names_has(&ns, markup_table[k].text)) {
            fprintf(stderr, "markup.h says cp.css styles '%s', but it does not\n",
                    markup_table[k].text);
            bad++;
        }
    assert_true(ns.n > 20);
    names_free(&ns);
    free(css);
    assert_int_equal(bad, 0);
}

/* Every interface word the runtime asks for is one the writer puts on body. */
static void test_markup__runtime_words_are_written(void **state)
{
    (void)state;
    Diag d = DIAG_INIT;
    Course *c = source_read_module(TEST_SRCDIR "/courses/example-module", &d);
    assert_non_null(c);
    Buf html = BUF_INIT;
    assert_int_equal(html_write_index(c, 0, SCORM_2004, &html, &d), 0);
    char *js = slurp("assets/runtime/cp-runtime.js");
    strip_comments(js, 1);
    int bad = 0, asked = 0;
    /* every string literal among the arguments of txt(…), not inside a nested
     * call: txt('saved'), txt(done ? 'finished' : 'suspended') */
    for (const char *p = js; (p = strstr(p, "txt(")) != NULL; p += 4) {
        if (p > js && name_char(p[-1]))
            continue;       /* not the call (e.g. "ctxt(") */
        int depth = 0;
        for (const char *q = p + 3; *q; q++) {
            if (*q == '(')
                depth++;
            else if (*q == ')' && --depth == 0)
                break;
            else if (*q == '\'' && depth > 1) {
                q = strchr(q + 1, '\'');     /* in a nested call: not a word */
                assert_non_null(q);
            } else if (*q == '\'') {
                const char *e = strchr(q + 1, '\'');
                assert_non_null(e);
                char attr[128];
                snprintf(attr, sizeof(attr), " %s%.*s=\"", markup(MA_TEXT_PREFIX),
                         (int)(e - q - 1), q + 1);
                asked++;
                if (!strstr(html.data, attr)) {
                    fprintf(stderr, "cp-runtime.js asks for the word '%.*s', which html_write "
                            "does not write on <body>\n", (int)(e - q - 1), q + 1);
                    bad++;
                }
                q = e;
            }
        }
    }
    assert_true(asked >= 20);
    assert_int_equal(bad, 0);
    free(js);
    buf_release(&html);
    diag_release(&d);
    course_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_markup__names_are_unique),
        cmocka_unit_test(test_markup__question_types_and_endings),
        cmocka_unit_test(test_markup__scanner_finds_names),
        cmocka_unit_test(test_markup__writer_and_reader_spell_no_name),
        cmocka_unit_test(test_markup__runtime_names_equal_the_table),
        cmocka_unit_test(test_markup__styles_use_table_names),
        cmocka_unit_test(test_markup__runtime_words_are_written),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
