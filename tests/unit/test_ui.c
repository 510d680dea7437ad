/* Unit tests of the player's ui without a window: a fake font, the
 * hand-made package of tests/e2e/handmade, keys and clicks as the app would
 * send them, and the learner store in a temporary folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "build.h"
#include "buf.h"
#include "diag.h"
#include "layout.h"
#include "source.h"
#include "store.h"
#include "ui.h"

#define PKG TEST_SRCDIR "/tests/e2e/handmade"

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

static Ui *open_ui(const char *data_dir)
{
    UiOptions o = { .path = PKG, .data_dir = data_dir, .lang = "fr", .width = 1000,
                    .height = 700 };
    Buf err = BUF_INIT;
    Ui *ui = ui_new(&o, &MEASURE, &err);
    if (!ui)
        fprintf(stderr, "ui_new: %s\n", err.data);
    buf_release(&err);
    assert_non_null(ui);
    return ui;
}

/* Every text run of the current screen, joined by spaces. */
static char *screen_text(Ui *ui)
{
    const UiView *v = ui_view(ui);
    size_t n;
    const DrawItem *it = layout_items(v->layout, &n);
    Buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++)
        if (it[i].kind == DRAW_TEXT) {
            buf_putc(&b, ' ');
            buf_append(&b, it[i].text, it[i].len);
        }
    return buf_detach(&b, NULL);
}

static int has_text(Ui *ui, const char *s)
{
    char *t = screen_text(ui);
    int found = strstr(t, s) != NULL;
    if (!found)
        fprintf(stderr, "screen: %s\n", t);
    free(t);
    return found;
}

static size_t ntargets(Ui *ui)
{
    size_t n;
    layout_targets(ui_view(ui)->layout, &n);
    return n;
}

static void answer_b(Ui *ui)
{
    /* targets: choice a, choice b, submit */
    assert_int_equal(ntargets(ui), 3);
    assert_true(ui_key(ui, UI_KEY_TAB));
    assert_true(ui_key(ui, UI_KEY_TAB));
    assert_int_equal(ui_view(ui)->focus, 1);
    assert_true(ui_key(ui, UI_KEY_ACTIVATE));
    assert_true(ui_key(ui, UI_KEY_TAB));
    assert_true(ui_key(ui, UI_KEY_ACTIVATE));
}

static void test_ui__pages_and_bars(void **state)
{
    (void)state;
    Ui *ui = open_ui(NULL);
    const UiView *v = ui_view(ui);
    assert_string_equal(v->title, "Module fait main");
    assert_string_equal(v->where, "Page 1 sur 3");
    assert_true(has_text(ui, "Introduction"));
    assert_int_equal(ui_key(ui, UI_KEY_PREV), 0);          /* nothing before page 1 */
    assert_int_equal(ui_key(ui, UI_KEY_NEXT), 1);
    assert_string_equal(ui_view(ui)->where, "Page 2 sur 3");
    assert_true(has_text(ui, "Qui décide ?"));
    assert_true(ui_key(ui, UI_KEY_TOC));
    assert_true(has_text(ui, "Sommaire"));
    assert_true(has_text(ui, "vu"));                       /* pages seen are ticked */
    assert_true(ui_key(ui, UI_KEY_BACK));                  /* back to the page */
    assert_string_equal(ui_view(ui)->where, "Page 2 sur 3");
    assert_true(ui_key(ui, UI_KEY_LANGUAGE));
    assert_string_equal(ui_view(ui)->where, "Page 2 of 3");
    ui_free(ui);
}

static void test_ui__question_answered_once_with_feedback(void **state)
{
    (void)state;
    Ui *ui = open_ui(NULL);
    ui_key(ui, UI_KEY_NEXT);
    assert_false(has_text(ui, "Oui, toujours."));
    answer_b(ui);
    assert_true(has_text(ui, "Oui, toujours."));           /* feedback of the choice */
    assert_false(has_text(ui, "Non, il propose."));        /* not of the others */
    assert_true(has_text(ui, "La responsabilité reste humaine."));
    assert_true(has_text(ui, "Bonne réponse."));
    assert_int_equal(ntargets(ui), 0);                     /* answered once */
    ui_key(ui, UI_KEY_NEXT);
    assert_true(has_text(ui, "Score\u00a0: 100\u202f%"));
    assert_true(has_text(ui, "Module réussi."));
    ui_free(ui);
}

static void test_ui__click_selects_the_choice_under_the_pointer(void **state)
{
    (void)state;
    Ui *ui = open_ui(NULL);
    ui_key(ui, UI_KEY_NEXT);
    const UiView *v = ui_view(ui);
    size_t n;
    const LayoutTarget *t = layout_targets(v->layout, &n);
    assert_int_equal(n, 3);
    LayoutRect a = t[0].r;
    int x = a.x + a.w / 2, y = a.y + a.h / 2 - v->scroll + v->content_y;
    assert_true(ui_click(ui, x, y));
    assert_int_equal(ui_view(ui)->focus, 0);
    /* submit: choice a is wrong */
    t = layout_targets(ui_view(ui)->layout, &n);
    LayoutRect s = t[2].r;
    v = ui_view(ui);
    assert_true(ui_click(ui, s.x + 2, s.y + 2 - v->scroll + v->content_y));
    assert_true(has_text(ui, "Réponse incorrecte."));
    assert_true(has_text(ui, "Non, il propose."));
    ui_free(ui);
}

static void test_ui__zoom_is_bounded(void **state)
{
    (void)state;
    Ui *ui = open_ui(NULL);
    assert_int_equal(ui_scale(ui), 100);
    assert_int_equal(ui_key(ui, UI_KEY_ZOOM_OUT), 0);
    for (int i = 0; i < 10; i++)
        ui_key(ui, UI_KEY_ZOOM_IN);
    assert_int_equal(ui_scale(ui), 200);
    ui_fonts_changed(ui);
    assert_true(ui_key(ui, UI_KEY_ZOOM_RESET));
    assert_int_equal(ui_scale(ui), 100);
    ui_free(ui);
}

typedef struct Seen {
    int answers;
    char response[32];
    char result[32];
} Seen;

static int count_answer(const StoreAnswer *a, void *ud)
{
    Seen *s = ud;
    s->answers++;
    snprintf(s->response, sizeof(s->response), "%s", a->response);
    snprintf(s->result, sizeof(s->result), "%s", a->result);
    return 0;
}

static int each_attempt(const StoreAttempt *a, void *ud)
{
    void **args = ud;
    return store_foreach_answer(args[0], a->id, count_answer, args[1]);
}

static void test_ui__answer_committed_before_the_screen_moves_on(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_ui.XXXXXX";
    assert_non_null(mkdtemp(dir));
    Ui *ui = open_ui(dir);
    assert_true(has_text(ui, "Qui êtes-vous\u202f?"));
    assert_true(ui_wants_text(ui));                 /* the search is ready for typing */
    /* new profile: name only, Enter creates it */
    assert_true(ui_key(ui, UI_KEY_TAB));            /* « Nouveau profil » */
    assert_true(ui_key(ui, UI_KEY_ACTIVATE));
    assert_true(has_text(ui, "Nouveau profil"));
    assert_true(ui_wants_text(ui));                 /* the name field has the focus */
    assert_true(ui_text(ui, "Ana Lopes"));
    assert_true(ui_key(ui, UI_KEY_ACTIVATE));
    assert_string_equal(ui_view(ui)->where, "Page 1 sur 3");
    assert_string_equal(ui_view(ui)->learner, "Ana Lopes");
    ui_key(ui, UI_KEY_NEXT);
    answer_b(ui);

    /* a second connection sees the answer while the screen still shows it */
    Buf err = BUF_INIT;
    Store *s = store_open(dir, NULL, &err);
    assert_non_null(s);
    Seen seen = {0};
    void *args[2] = { s, &seen };
    assert_int_equal(store_foreach_attempt(s, 0, each_attempt, args), 0);
    assert_int_equal(seen.answers, 1);
    assert_string_equal(seen.response, "b");
    assert_string_equal(seen.result, "correct");
    store_close(s);
    ui_free(ui);

    /* reopened: the profile, then the attempt resumes answered */
    ui = open_ui(dir);
    assert_true(has_text(ui, "Ana Lopes"));
    assert_true(ui_text(ui, "ana"));                /* type-ahead, then Enter */
    assert_true(ui_key(ui, UI_KEY_ACTIVATE));
    assert_string_equal(ui_view(ui)->where, "Page 2 sur 3");   /* the bookmark */
    assert_true(has_text(ui, "Oui, toujours."));
    assert_int_equal(ntargets(ui), 0);
    ui_free(ui);
    buf_release(&err);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* ---- the learner's paths (issue 18.3) on the example module, with a page of
 * one scenario per ending kind added --------------------------------------- */

static const char ENDINGS_FR[] =
    "# Trois fins\n\n"
    "```scenario id=sc-endings scored=yes weight=2 title=\"Trois fins\"\n"
    "# start\nQue faites-vous ?\n\n"
    "- Vous examinez. -> good\n  > Vous examinez.\n"
    "- Vous attendez un peu. -> half\n  > Vous attendez.\n"
    "- Vous suivez l\xe2\x80\x99outil. -> bad\n  > Vous suivez.\n\n"
    "# good end=correct\nFin juste.\n\n"
    "# half end=partial\nFin en partie juste.\n\n"
    "# bad end=wrong\nFin fausse.\n```\n";
static const char ENDINGS_EN[] =
    "# Three endings\n\n"
    "```scenario id=sc-endings scored=yes weight=2 title=\"Three endings\"\n"
    "# start\nWhat do you do?\n\n"
    "- You examine. -> good\n  > You examine.\n"
    "- You wait a little. -> half\n  > You wait.\n"
    "- You follow the tool. -> bad\n  > You follow.\n\n"
    "# good end=correct\nRight ending.\n\n"
    "# half end=partial\nPartly right ending.\n\n"
    "# bad end=wrong\nWrong ending.\n```\n";

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Builds the fixture into dir/lib (French, SCORM 2004); returns dir/lib. */
static char *build_fixture(const char *dir)
{
    char cmd[512], path[512];
    snprintf(cmd, sizeof cmd, "cp -r '%s/courses/example-module' '%s/src'", TEST_SRCDIR, dir);
    assert_int_equal(system(cmd), 0);
    snprintf(path, sizeof path, "%s/src/06-endings.fr.md", dir);
    write_text(path, ENDINGS_FR);
    snprintf(path, sizeof path, "%s/src/06-endings.en.md", dir);
    write_text(path, ENDINGS_EN);
    Diag d = DIAG_INIT;
    snprintf(path, sizeof path, "%s/src", dir);
    Course *c = source_read_module(path, &d);
    if (!c || d.errors) {
        diag_print(&d, stderr);
        fail_msg("the fixture module does not read");
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

/* Goes to the page whose header says "Page N sur M" with N = place. */
static void go_to_title(Ui *ui, const char *title)
{
    ui_key(ui, UI_KEY_TOC);
    press(ui, title);
}

/* The score the summary states, or -1. */
static int summary_score(Ui *ui)
{
    go_to_title(ui, "Bilan");
    char *t = screen_text(ui);
    const char *p = strstr(t, "Score\xc2\xa0: ");
    int v = p ? atoi(p + strlen("Score\xc2\xa0: ")) : -1;
    free(t);
    return v;
}

static void rmdir_r(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* Every ending kind: correct counts the weight, partial half, wrong nothing;
 * the first path played counts, a replay does not change it. */
static void test_ui__scenario_endings_and_the_first_path(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_ui_end.XXXXXX";
    assert_non_null(mkdtemp(dir));
    const char *lib = build_fixture(dir);
    struct { const char *choice, *ending; int score; } play[] = {
        { "Vous examinez.", "Fin juste.", 0 },
        { "Vous attendez un peu.", "Fin en partie juste.", 0 },
        { "Vous suivez l\xe2\x80\x99outil.", "Fin fausse.", 0 },
    };
    for (int k = 0; k < 3; k++) {
        Ui *ui = open_path(lib, NULL);      /* nothing saved: a fresh learner each time */
        go_to_title(ui, "Trois fins");
        press(ui, play[k].choice);
        assert_true(has_text(ui, play[k].ending));
        assert_true(has_text(ui, "Recommencer"));
        /* a replay to another ending does not change what counts */
        press(ui, "Recommencer");
        press(ui, k == 0 ? "Vous suivez" : "Vous examinez.");
        play[k].score = summary_score(ui);
        ui_free(ui);
    }
    assert_true(play[0].score > 0);
    assert_true(play[1].score > 0 && play[1].score < play[0].score);
    assert_int_equal(play[2].score, 0);
    /* partial is half of correct (percent rounded down) */
    assert_true(play[1].score * 2 <= play[0].score && play[1].score * 2 >= play[0].score - 1);
    rmdir_r(dir);
}

/* `only` blocks and pages follow the role and setting chosen on the context
 * page, and so do the page numbers, mid-module. */
static void test_ui__only_blocks_follow_a_role_switch(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_ui_only.XXXXXX";
    assert_non_null(mkdtemp(dir));
    const char *lib = build_fixture(dir);
    Ui *ui = open_path(lib, NULL);
    assert_true(has_text(ui, "Votre contexte"));
    char everyone[32];
    snprintf(everyone, sizeof everyone, "%s", ui_view(ui)->where);
    press(ui, "Médecin");
    char physician[32];
    snprintf(physician, sizeof physician, "%s", ui_view(ui)->where);
    /* the heads' page is hidden from a physician: one page fewer */
    assert_string_not_equal(physician, everyone);
    ui_key(ui, UI_KEY_NEXT);
    assert_false(has_text(ui, "En tant que chef de service"));
    ui_key(ui, UI_KEY_NEXT);
    assert_true(has_text(ui, "notez pourquoi"));            /* keyfact roles=physician */
    /* back to the context page: now a head of department in imaging */
    go_to_title(ui, "Votre contexte");
    press(ui, "Chef de service");
    press(ui, "Imagerie");
    assert_string_equal(ui_view(ui)->where, everyone);
    ui_key(ui, UI_KEY_NEXT);
    assert_true(has_text(ui, "En tant que chef de service"));   /* roles=chief settings=.. */
    ui_key(ui, UI_KEY_NEXT);
    assert_false(has_text(ui, "notez pourquoi"));
    /* the heads' page is in the contents now, numbered as the header counts */
    ui_key(ui, UI_KEY_TOC);
    assert_true(has_text(ui, "Pour les chefs de service"));
    ui_free(ui);
    rmdir_r(dir);
}

/* What a learner did comes back with them: an answered question, a scenario
 * path, a saved reflection, and a reflection typed but not saved when they
 * switched user. Another learner sees none of it. */
static void test_ui__resume_each_block_kind(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_ui_resume.XXXXXX";
    assert_non_null(mkdtemp(dir));
    const char *lib = build_fixture(dir);
    char data[600];
    snprintf(data, sizeof data, "%s/data", dir);
    assert_int_equal(mkdir(data, 0700), 0);
    Ui *ui = open_path(lib, data);
    press(ui, "Nouveau profil");
    assert_true(ui_text(ui, "Chloé Roux"));
    press(ui, "Chef de service");
    ui_key(ui, UI_KEY_BACKTAB);
    ui_key(ui, UI_KEY_BACKTAB);
    ui_key(ui, UI_KEY_BACKTAB);
    ui_key(ui, UI_KEY_BACKTAB);
    ui_key(ui, UI_KEY_ACTIVATE);                /* Enter in the name field creates */
    assert_string_equal(ui_view(ui)->learner, "Chloé Roux");
    go_to_title(ui, "Vérifier vos connaissances");
    press(ui, "Elle propose une priorité");
    press(ui, "Valider");
    assert_true(has_text(ui, "Bonne réponse."));
    go_to_title(ui, "Trois fins");
    press(ui, "Vous attendez un peu.");
    assert_true(has_text(ui, "Fin en partie juste."));
    go_to_title(ui, "Pour les chefs de service");
    ui_key(ui, UI_KEY_TAB);
    assert_true(ui_wants_text(ui));
    assert_true(ui_text(ui, "Mesurer"));
    /* not saved: « Changer d'utilisateur » saves it */
    assert_true(ui_key(ui, UI_KEY_SWITCH_USER));
    assert_true(has_text(ui, "Qui êtes-vous"));
    ui_free(ui);

    ui = open_path(lib, data);
    assert_true(ui_text(ui, "chloe"));          /* accents or not */
    ui_key(ui, UI_KEY_ACTIVATE);
    assert_true(has_text(ui, "Mesurer"));       /* the page left, its text saved */
    assert_true(has_text(ui, "Réponse enregistrée."));
    go_to_title(ui, "Vérifier vos connaissances");
    assert_true(has_text(ui, "Bonne réponse."));
    go_to_title(ui, "Trois fins");
    assert_true(has_text(ui, "Fin en partie juste."));
    /* another learner sees none of it */
    assert_true(ui_key(ui, UI_KEY_SWITCH_USER));
    press(ui, "Nouveau profil");
    assert_true(ui_text(ui, "Denis Morel"));
    ui_key(ui, UI_KEY_ACTIVATE);
    go_to_title(ui, "Trois fins");
    assert_false(has_text(ui, "Fin en partie juste."));
    go_to_title(ui, "Vérifier vos connaissances");
    assert_false(has_text(ui, "Bonne réponse."));
    ui_free(ui);
    rmdir_r(dir);
}

static void test_ui__missing_package_is_an_error(void **state)
{
    (void)state;
    UiOptions o = { .path = "/nonexistent/pkg.zip", .width = 800, .height = 600 };
    Buf err = BUF_INIT;
    assert_null(ui_new(&o, &MEASURE, &err));
    assert_string_equal(err.data, "/nonexistent/pkg.zip: No such file or directory");
    buf_release(&err);
}

int main(void)
{
    /* these tests pick choices by their place: every attempt shows them as
     * written (tests/unit/test_shuffle.c tests the shuffled order) */
    setenv("WARDPLAYER_SHUFFLE_SEED", "0", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ui__pages_and_bars),
        cmocka_unit_test(test_ui__question_answered_once_with_feedback),
        cmocka_unit_test(test_ui__click_selects_the_choice_under_the_pointer),
        cmocka_unit_test(test_ui__zoom_is_bounded),
        cmocka_unit_test(test_ui__answer_committed_before_the_screen_moves_on),
        cmocka_unit_test(test_ui__missing_package_is_an_error),
        cmocka_unit_test(test_ui__scenario_endings_and_the_first_path),
        cmocka_unit_test(test_ui__only_blocks_follow_a_role_switch),
        cmocka_unit_test(test_ui__resume_each_block_kind),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
