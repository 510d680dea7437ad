/* Unit tests of the --script parser (player/script.c): commands and their
 * arguments, and one located message per bad line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "diag.h"
#include "script.h"

static void test_script__commands(void **state)
{
    (void)state;
    static const char text[] = "# a comment\n"
                               "key Right\n"
                               "  key ctrl+shift+plus  \n"
                               "\n"
                               "click 10 20\r\n"
                               "wheel -3\n"
                               "text Marie Curie\n"
                               "wait 250\n"
                               "resize 800 600\n"
                               "screenshot out dir/a.png\n"
                               "quit";
    Script s;
    Diag d = DIAG_INIT;
    assert_int_equal(script_parse(text, sizeof(text) - 1, "s.txt", &s, &d), 0);
    assert_int_equal(d.count, 0);
    assert_int_equal(s.n, 9);
    assert_int_equal(s.cmds[0].op, SCRIPT_KEY);
    assert_string_equal(s.cmds[0].arg, "Right");
    assert_int_equal(s.cmds[0].mods, 0);
    assert_int_equal(s.cmds[0].line, 2);
    assert_string_equal(s.cmds[1].arg, "plus");
    assert_int_equal(s.cmds[1].mods, SCRIPT_CTRL | SCRIPT_SHIFT);
    assert_int_equal(s.cmds[2].op, SCRIPT_CLICK);
    assert_int_equal(s.cmds[2].a, 10);
    assert_int_equal(s.cmds[2].b, 20);
    assert_int_equal(s.cmds[2].line, 5);
    assert_int_equal(s.cmds[3].op, SCRIPT_WHEEL);
    assert_int_equal(s.cmds[3].a, -3);
    assert_int_equal(s.cmds[4].op, SCRIPT_TEXT);
    assert_string_equal(s.cmds[4].arg, "Marie Curie");
    assert_int_equal(s.cmds[5].op, SCRIPT_WAIT);
    assert_int_equal(s.cmds[5].a, 250);
    assert_int_equal(s.cmds[6].op, SCRIPT_RESIZE);
    assert_int_equal(s.cmds[6].b, 600);
    assert_int_equal(s.cmds[7].op, SCRIPT_SCREENSHOT);
    assert_string_equal(s.cmds[7].arg, "out dir/a.png");
    assert_int_equal(s.cmds[8].op, SCRIPT_QUIT);
    script_release(&s);
    assert_int_equal(s.n, 0);
    diag_release(&d);
}

static void test_script__errors_are_located(void **state)
{
    (void)state;
    static const char text[] = "key\n"
                               "click 10\n"
                               "wait soon\n"
                               "fly away\n"
                               "screenshot\n"
                               "wait -5\n"
                               "quit\n";
    static const char *const want[] = {
        "s.txt:1:1: error: 'key' needs a key name (for example 'key Right')",
        "s.txt:2:1: error: 'click' needs two numbers (for example 'click 100 200')",
        "s.txt:3:1: error: 'wait' needs a number (for example 'wait 100')",
        "s.txt:4:1: error: unknown command 'fly' (expected key, click, wheel, swipe, tap, "
        "text, wait, resize, screenshot or quit)",
        "s.txt:5:1: error: 'screenshot' needs a file name (screenshot out.png)",
        "s.txt:6:1: error: 'wait' needs a number (for example 'wait 100')",
    };
    Script s;
    Diag d = DIAG_INIT;
    assert_int_equal(script_parse(text, sizeof(text) - 1, "s.txt", &s, &d), -1);
    assert_int_equal(d.count, 6);
    for (size_t i = 0; i < d.count; i++) {
        char *m = diag_format(&d.msgs[i]);
        assert_string_equal(m, want[i]);
        free(m);
    }
    assert_int_equal(s.n, 0);           /* nothing half-parsed is kept */
    assert_null(s.cmds);
    diag_release(&d);
}

static void test_script__touch(void **state)
{
    (void)state;
    static const char text[] = "swipe 640 600 0 -300\n"
                               "swipe  10 20   -5 7 \n"
                               "tap 100 200\n";
    Script s;
    Diag d = DIAG_INIT;
    assert_int_equal(script_parse(text, sizeof(text) - 1, "s.txt", &s, &d), 0);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.cmds[0].op, SCRIPT_SWIPE);
    assert_int_equal(s.cmds[0].a, 640);
    assert_int_equal(s.cmds[0].b, 600);
    assert_int_equal(s.cmds[0].c, 0);
    assert_int_equal(s.cmds[0].d, -300);
    assert_int_equal(s.cmds[1].a, 10);
    assert_int_equal(s.cmds[1].b, 20);
    assert_int_equal(s.cmds[1].c, -5);
    assert_int_equal(s.cmds[1].d, 7);
    assert_int_equal(s.cmds[2].op, SCRIPT_TAP);
    assert_int_equal(s.cmds[2].a, 100);
    assert_int_equal(s.cmds[2].b, 200);
    script_release(&s);
    diag_release(&d);
}

static void test_script__touch_errors(void **state)
{
    (void)state;
    static const char text[] = "swipe 640 600 0\n"
                               "swipe 1 2 3 4 5\n"
                               "swipe up\n"
                               "tap 5\n";
    static const char *const want[] = {
        "s.txt:1:1: error: 'swipe' needs four numbers: where the finger goes down and how "
        "far it moves (for example 'swipe 640 600 0 -300')",
        "s.txt:2:1: error: 'swipe' needs four numbers: where the finger goes down and how "
        "far it moves (for example 'swipe 640 600 0 -300')",
        "s.txt:3:1: error: 'swipe' needs four numbers: where the finger goes down and how "
        "far it moves (for example 'swipe 640 600 0 -300')",
        "s.txt:4:1: error: 'tap' needs two numbers (for example 'tap 100 200')",
    };
    Script s;
    Diag d = DIAG_INIT;
    assert_int_equal(script_parse(text, sizeof(text) - 1, "s.txt", &s, &d), -1);
    assert_int_equal(d.count, 4);
    for (size_t i = 0; i < d.count; i++) {
        char *m = diag_format(&d.msgs[i]);
        assert_string_equal(m, want[i]);
        free(m);
    }
    assert_int_equal(s.n, 0);
    diag_release(&d);
}

static void test_script__missing_file(void **state)
{
    (void)state;
    Script s;
    Diag d = DIAG_INIT;
    assert_int_equal(script_load("/nonexistent/s.txt", &s, &d), -1);
    char *m = diag_format(&d.msgs[0]);
    assert_string_equal(m, "/nonexistent/s.txt: error: cannot open script: No such file or "
                           "directory");
    free(m);
    diag_release(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_script__commands),
        cmocka_unit_test(test_script__errors_are_located),
        cmocka_unit_test(test_script__touch),
        cmocka_unit_test(test_script__touch_errors),
        cmocka_unit_test(test_script__missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
