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
#include <unistd.h>
#include <cmocka.h>

#include "buf.h"
#include "layout.h"
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
    assert_true(has_text(ui, "Réussi"));
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
    /* new profile: name only */
    assert_true(ui_key(ui, UI_KEY_TAB));
    assert_true(ui_key(ui, UI_KEY_ACTIVATE));
    assert_true(has_text(ui, "Nouveau profil"));
    assert_true(ui_key(ui, UI_KEY_TAB));
    assert_true(ui_wants_text(ui));
    assert_true(ui_text(ui, "Ana Lopes"));
    assert_true(ui_key(ui, UI_KEY_TAB));
    assert_true(ui_key(ui, UI_KEY_TAB));
    assert_true(ui_key(ui, UI_KEY_TAB));
    assert_false(ui_wants_text(ui));
    assert_true(ui_key(ui, UI_KEY_ACTIVATE));
    assert_string_equal(ui_view(ui)->where, "Page 1 sur 3");
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
    assert_true(ui_key(ui, UI_KEY_TAB));
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
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ui__pages_and_bars),
        cmocka_unit_test(test_ui__question_answered_once_with_feedback),
        cmocka_unit_test(test_ui__click_selects_the_choice_under_the_pointer),
        cmocka_unit_test(test_ui__zoom_is_bounded),
        cmocka_unit_test(test_ui__answer_committed_before_the_screen_moves_on),
        cmocka_unit_test(test_ui__missing_package_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
