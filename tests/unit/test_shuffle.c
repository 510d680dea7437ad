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
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "build.h"
#include "layout.h"
#include "shuffle.h"
#include "source.h"
#include "store.h"
#include "ui.h"

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


/* ---- the player: tests/fixtures/shuffle-module through the ui -------------- */

static int fake_measure(void *ud, FontId font, const char *s, size_t n)
{
    (void)ud;
    int cps = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            cps++;
    return cps * layout_font_px(FONT_SIZE(font), 100) / 2;
}

static int fake_line_height(void *ud, FontId font)
{
    (void)ud;
    return layout_font_px(FONT_SIZE(font), 100) * 5 / 4;
}

static const LayoutMeasure MEASURE = { fake_measure, fake_line_height, NULL, NULL };

/* The module in French, SCORM 2004, built into dir/lib; returns dir/lib. */
static char *build_fixture(const char *dir)
{
    Diag d = DIAG_INIT;
    Course *c = source_read_module(TEST_SRCDIR "/tests/fixtures/shuffle-module", &d);
    if (!c || d.errors) {
        diag_print(&d, stderr);
        fail_msg("tests/fixtures/shuffle-module does not read");
    }
    static char lib[512];
    snprintf(lib, sizeof lib, "%s/lib", dir);
    BuildOptions o = { .out_dir = lib, .editions = BUILD_SCORM2004, .lang = "fr" };
    assert_true(build_module(c, &o, &d) >= 1);
    course_free(c);
    diag_release(&d);
    return lib;
}

static Ui *open_path(const char *path, const char *data_dir)
{
    UiOptions o = { .path = path, .data_dir = data_dir, .lang = "fr", .width = 1000,
                    .height = 700 };
    Buf err = BUF_INIT;
    Ui *ui = ui_new(&o, &MEASURE, &err);
    if (!ui)
        fprintf(stderr, "ui_new: %s\n", err.data);
    buf_release(&err);
    assert_non_null(ui);
    return ui;
}

static size_t ntargets(Ui *ui)
{
    size_t n;
    layout_targets(ui_view(ui)->layout, &n);
    return n;
}

static int contains(const char *t, size_t n, const char *s)
{
    size_t k = strlen(s);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(t + i, s, k) == 0)
            return 1;
    return 0;
}

/* Tabs to the target whose text contains s and activates it. */
static void press(Ui *ui, const char *s)
{
    size_t nt = ntargets(ui);
    for (size_t k = 0; k <= nt; k++) {
        ui_key(ui, UI_KEY_TAB);
        const UiView *v = ui_view(ui);
        size_t n;
        const DrawItem *it = layout_items(v->layout, &n);
        for (size_t i = 0; i < n; i++)
            if (it[i].kind == DRAW_TEXT && it[i].target == v->focus &&
                contains(it[i].text, it[i].len, s)) {
                ui_key(ui, UI_KEY_ACTIVATE);
                return;
            }
    }
    fail_msg("no target reads '%s'", s);
}

static void go_to_title(Ui *ui, const char *title)
{
    ui_key(ui, UI_KEY_TOC);
    press(ui, title);
}

/* What the player reads aloud on this page. */
static char *spoken(Ui *ui)
{
    ui_key(ui, UI_KEY_READ_ALOUD);
    const char *lang;
    int stop;
    const char *t = ui_take_speech(ui, &lang, &stop);
    assert_non_null(t);
    return strdup(t);
}

/* The letters of a question's choices (texts in written order) in the order
 * the page reads them aloud: the order shown. */
static void spoken_order(const char *speech, const char *const *texts, int n, char *out)
{
    const char *at[26];
    for (int i = 0; i < n; i++) {
        at[i] = strstr(speech, texts[i]);
        if (!at[i])
            fail_msg("'%s' is not read aloud:\n%s", texts[i], speech);
    }
    for (int k = 0; k < n; k++) {
        int first = -1;
        for (int i = 0; i < n; i++)
            if (at[i] && (first < 0 || at[i] < at[first]))
                first = i;
        out[k] = (char)('a' + first);
        at[first] = NULL;
    }
    out[n] = '\0';
}

typedef struct Fixture {
    const char *id;
    int n;
    uint64_t fixed;
    int keep_order;
    const char *texts[5];
} Fixture;

#define QUOTE "\xe2\x80\x99"
static const Fixture PAGE2[] = {
    { "q-all-above", 4, 1u << 3, 0, { "Le circuit des alertes", "La charge de travail ajout",
      "La performance sur nos patients", "Toutes les r\xc3\xa9ponses ci-dessus" } },
    { "q-none-above", 5, 1u << 4, 0, { "Le chef de service", "L" QUOTE "infirmi\xc3\xa8re de garde",
      "Le pharmacien", "Le cadre de sant", "Aucune de ces personnes" } },
    { "q-multiple", 5, 0, 0, { "placer des t\xc3\xa2" "ches", "Supprimer toute erreur",
      "Changer les comp\xc3\xa9tences", "Rendre l" QUOTE "examen inutile", "alertes en trop" } },
    { "q-delay", 4, 0, 1, { "Moins de 5 minutes", "Moins de 30 minutes", "Moins de 4 heures",
      "Dans la journ\xc3\xa9" "e" } },
};
#define NPAGE2 ((int)(sizeof PAGE2 / sizeof PAGE2[0]))

/* The orders page 2 shows, as read aloud, checked against src/shuffle.c for
 * the seed; returns how many differ from the written order. */
static int page2_orders(Ui *ui, uint32_t seed, char out[NPAGE2][8])
{
    char *speech = spoken(ui);
    int moved = 0;
    for (int q = 0; q < NPAGE2; q++) {
        const Fixture *f = &PAGE2[q];
        spoken_order(speech, f->texts, f->n, out[q]);
        int order[8];
        char want[8];
        shuffle_order(f->keep_order ? 0 : seed, f->id, NULL, f->n, f->fixed, order);
        letters(order, f->n, want);
        if (strcmp(out[q], want) != 0)
            fail_msg("%s: the player shows %s, the attempt's seed gives %s", f->id, out[q], want);
        for (int i = 0; i < f->n; i++)
            if ((f->fixed >> i) & 1)
                assert_int_equal(out[q][i], 'a' + i);      /* in its place */
        moved += strncmp(out[q], "abcde", (size_t)f->n) != 0;
    }
    free(speech);
    return moved;
}

/* The seed kept in the open attempt's suspend data, from the store. */
static int open_attempt(const StoreAttempt *a, void *ud)
{
    if (!a->closed)
        *(uint32_t *)ud = shuffle_seed_of_suspend(a->suspend_data);
    return 0;
}

static uint32_t stored_seed(const char *data)
{
    Buf err = BUF_INIT;
    Store *s = store_open(data, NULL, &err);
    assert_non_null(s);
    uint32_t seed = 0;
    assert_int_equal(store_foreach_attempt(s, 0, open_attempt, &seed), 0);
    store_close(s);
    buf_release(&err);
    return seed;
}

typedef struct Answers {
    char got[512];
} Answers;

static int each_answer(const StoreAnswer *a, void *ud)
{
    Answers *x = ud;
    size_t n = strlen(x->got);
    snprintf(x->got + n, sizeof x->got - n, "%s=%s:%s ", a->item_id, a->response, a->result);
    return 0;
}

static int each_attempt(const StoreAttempt *a, void *ud)
{
    void **args = ud;
    if (a->closed)
        return 0;
    return store_foreach_answer(args[0], a->id, each_answer, args[1]);
}

/* "q-id=response:result ..." of the open attempt, in the order recorded. */
static void stored_answers(const char *data, Answers *out)
{
    Buf err = BUF_INIT;
    Store *s = store_open(data, NULL, &err);
    assert_non_null(s);
    out->got[0] = '\0';
    void *args[2] = { s, out };
    assert_int_equal(store_foreach_attempt(s, 0, each_attempt, args), 0);
    store_close(s);
    buf_release(&err);
}

/* Tab from the top of the page: the order in which the choices of question
 * id get the focus, as letters. */
static void tab_order(Ui *ui, const char *id, char *out)
{
    size_t k = 0, nt = ntargets(ui);
    while (ui_view(ui)->focus >= 0 && ui_key(ui, UI_KEY_BACKTAB))
        ;
    for (size_t i = 0; i < nt + 1; i++) {
        ui_key(ui, UI_KEY_TAB);
        const UiView *v = ui_view(ui);
        size_t n;
        const LayoutTarget *t = layout_targets(v->layout, &n);
        if (v->focus < 0 || (size_t)v->focus >= n)
            continue;
        const LayoutTarget *f = &t[v->focus];
        if (f->kind == TARGET_CHOICE && strcmp(f->question->id, id) == 0 && k < 26 &&
            (k == 0 || out[k - 1] != 'a' + f->index))
            out[k++] = (char)('a' + f->index);
    }
    out[k] = '\0';
}

/* Every scored item right (q-multiple too unless it is answered), then the
 * summary's score. */
static int answer_all_right(Ui *ui, int multiple_answered)
{
    go_to_title(ui, "Introduction");
    press(ui, "L" QUOTE "\xc3\xa9quipe soignante");
    press(ui, "Valider");
    go_to_title(ui, "Questions");
    press(ui, "Toutes les r\xc3\xa9ponses ci-dessus");
    press(ui, "Valider");
    press(ui, "L" QUOTE "infirmi\xc3\xa8re de garde");
    press(ui, "Valider");
    for (int i = 0; i < 5 && !multiple_answered; i += 2) {     /* a, c, e: where shown */
        go_to_title(ui, "Questions");
        press(ui, PAGE2[2].texts[i]);
    }
    if (!multiple_answered)
        press(ui, "Valider");
    press(ui, "Moins de 30 minutes");
    press(ui, "Valider");
    go_to_title(ui, "Situation");
    press(ui, "Vous le r\xc3\xa9" "examinez.");
    press(ui, "Faux");
    press(ui, "Valider");
    go_to_title(ui, "Fin");
    press(ui, "signaler l" QUOTE "\xc3\xa9" "cart");
    press(ui, "Valider");
    go_to_title(ui, "Bilan");
    const UiView *v = ui_view(ui);
    size_t n;
    const DrawItem *it = layout_items(v->layout, &n);
    for (size_t i = 0; i < n; i++)
        if (it[i].kind == DRAW_TEXT && contains(it[i].text, it[i].len, "Score\xc2\xa0: "))
            return atoi(strstr(it[i].text, "Score\xc2\xa0: ") + strlen("Score\xc2\xa0: "));
    fail_msg("the summary shows no score");
    return -1;
}

static void rmdir_r(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* An attempt's order is its seed's, kept in the store: the same on resume,
 * another for a new attempt; fixed choices and shuffle=no keep their
 * places; Tab and reading aloud follow the order shown; the answers stored
 * are the written choice ids and the score is what the answers are worth. */
static void test_shuffle__player_attempts(void **state)
{
    (void)state;
    setenv("WARDPLAYER_SHUFFLE_SEED", "abc12", 1);  /* reproducible, one seed per attempt */
    char dir[] = "/tmp/test_shuffle.XXXXXX";
    assert_non_null(mkdtemp(dir));
    const char *lib = build_fixture(dir);
    char data[600];
    snprintf(data, sizeof data, "%s/data", dir);
    assert_int_equal(mkdir(data, 0700), 0);

    Ui *ui = open_path(lib, data);
    press(ui, "Nouveau profil");
    assert_true(ui_text(ui, "Ana Lopes"));
    ui_key(ui, UI_KEY_ACTIVATE);
    assert_string_equal(ui_view(ui)->learner, "Ana Lopes");
    uint32_t seed1 = stored_seed(data);
    assert_true(seed1 != 0);        /* saved as the attempt began */
    go_to_title(ui, "Questions");
    char first[NPAGE2][8];
    assert_true(page2_orders(ui, seed1, first) >= 2);
    char tabs[27];
    tab_order(ui, "q-multiple", tabs);
    assert_string_equal(tabs, first[2]);                    /* Tab follows the order shown */
    /* the right answers of q-multiple, picked where they are shown */
    for (int i = 0; i < 5; i += 2) {
        go_to_title(ui, "Questions");
        press(ui, PAGE2[2].texts[i]);
    }
    press(ui, "Valider");
    press(ui, "Toutes les r\xc3\xa9ponses ci-dessus");
    Answers a;
    stored_answers(data, &a);
    assert_string_equal(a.got, "q-multiple=a[,]c[,]e:correct ");
    ui_free(ui);

    /* resumed: the same seed, the same order, the answer shown */
    ui = open_path(lib, data);
    assert_true(ui_text(ui, "ana"));
    ui_key(ui, UI_KEY_ACTIVATE);
    assert_true(stored_seed(data) == seed1);
    go_to_title(ui, "Questions");
    char again[NPAGE2][8];
    page2_orders(ui, seed1, again);
    for (int q = 0; q < NPAGE2; q++)
        assert_string_equal(again[q], first[q]);
    char *speech = spoken(ui);
    assert_non_null(strstr(speech, "Bonne r\xc3\xa9ponse."));
    free(speech);

    /* the whole attempt right, in this order: 100 */
    assert_int_equal(answer_all_right(ui, 1), 100);
    stored_answers(data, &a);
    assert_string_equal(a.got, "q-multiple=a[,]c[,]e:correct q-first=c:correct "
                        "q-all-above=d:correct q-none-above=b:correct q-delay=b:correct "
                        "sc-handover=a:correct q-truefalse=false:correct q-last=d:correct ");

    /* « Faire une nouvelle tentative »: a new seed, another order */
    press(ui, "nouvelle tentative");
    uint32_t seed2 = stored_seed(data);
    assert_true(seed2 != 0 && seed2 != seed1);
    go_to_title(ui, "Questions");
    char second[NPAGE2][8];
    page2_orders(ui, seed2, second);
    int differ = 0;
    for (int q = 0; q < NPAGE2; q++)
        differ += strcmp(first[q], second[q]) != 0;
    assert_true(differ >= 2);
    assert_int_equal(answer_all_right(ui, 0), 100);
    ui_free(ui);
    unsetenv("WARDPLAYER_SHUFFLE_SEED");
    rmdir_r(dir);
}

/* Without WARDPLAYER_SHUFFLE_SEED an attempt draws a random seed; an attempt
 * saved before orders were kept (no o= in its suspend data) shows the
 * choices as written; without a store (no attempt) they are as written. */
static void test_shuffle__player_random_old_and_no_store(void **state)
{
    (void)state;
    unsetenv("WARDPLAYER_SHUFFLE_SEED");
    char dir[] = "/tmp/test_shuffle_old.XXXXXX";
    assert_non_null(mkdtemp(dir));
    const char *lib = build_fixture(dir);
    char data[600];
    snprintf(data, sizeof data, "%s/data", dir);
    assert_int_equal(mkdir(data, 0700), 0);
    Ui *ui = open_path(lib, data);
    press(ui, "Nouveau profil");
    assert_true(ui_text(ui, "Bea Martin"));
    ui_key(ui, UI_KEY_ACTIVATE);
    uint32_t seed = stored_seed(data);
    assert_true(seed != 0);
    go_to_title(ui, "Questions");
    char shown[NPAGE2][8];
    page2_orders(ui, seed, shown);
    ui_free(ui);

    /* the attempt as an older player left it: no o= */
    char db[700];
    snprintf(db, sizeof db, "%s/learners.db", data);
    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "UPDATE cmi_values SET value = '' WHERE element = "
                                  "'cmi.suspend_data'; UPDATE attempts SET suspend_data = ''",
                                  NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    ui = open_path(lib, data);
    assert_true(ui_text(ui, "bea"));
    ui_key(ui, UI_KEY_ACTIVATE);
    go_to_title(ui, "Questions");
    page2_orders(ui, 0, shown);
    for (int q = 0; q < NPAGE2; q++)
        assert_int_equal(strncmp(shown[q], "abcde", (size_t)PAGE2[q].n), 0);
    ui_free(ui);

    ui = open_path(lib, NULL);
    go_to_title(ui, "Questions");
    page2_orders(ui, 0, shown);
    ui_free(ui);
    rmdir_r(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shuffle__known_values_shared_with_the_runtime),
        cmocka_unit_test(test_shuffle__permutations_fixed_places_and_seed_zero),
        cmocka_unit_test(test_shuffle__questions_and_steps),
        cmocka_unit_test(test_shuffle__seed_text),
        cmocka_unit_test(test_shuffle__player_attempts),
        cmocka_unit_test(test_shuffle__player_random_old_and_no_store),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
