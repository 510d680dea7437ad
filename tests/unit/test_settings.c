/* Unit tests of settings: the administrator's file (idle time-out), its
 * defaults, its messages (file:line, what, the fix), a bad line that leaves
 * the good ones working, and the file checks (writable by learners, missing
 * explicit file, $WARDPLAYER_CONFIG). */
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

#include "buf.h"
#include "pkgfixture.h"
#include "settings.h"

static int parse(Settings *s, const char *text, Buf *err)
{
    settings_init(s);
    return settings_parse(s, "ward.conf", text, strlen(text), err);
}

static void test_settings__defaults(void **state)
{
    (void)state;
    Settings s;
    settings_init(&s);
    assert_int_equal(s.idle_timeout_minutes, 10);
}

static void test_settings__reads_the_idle_time_out(void **state)
{
    (void)state;
    Settings s;
    Buf err = BUF_INIT;
    assert_int_equal(parse(&s, "# ward 3B\n\n  idle_timeout_minutes =  5 \r\n", &err), 0);
    assert_int_equal(s.idle_timeout_minutes, 5);
    assert_int_equal(err.len, 0);
    assert_int_equal(parse(&s, "idle_timeout_minutes=0", &err), 0);  /* never */
    assert_int_equal(s.idle_timeout_minutes, 0);
    buf_release(&err);
}

/* retention_days: how long finished, sent attempts stay (0: for ever) */
static void test_settings__reads_the_retention(void **state)
{
    (void)state;
    Settings s;
    Buf err = BUF_INIT;
    settings_init(&s);
    assert_int_equal(s.retention_days, 0);
    assert_int_equal(parse(&s, "retention_days = 365\n", &err), 0);
    assert_int_equal(s.retention_days, 365);
    assert_int_equal(parse(&s, "retention_days = 3651\n", &err), -1);
    assert_int_equal(s.retention_days, 0);
    assert_non_null(strstr(err.data, "'retention_days' wants a whole number from 0 to 3650"));
    buf_release(&err);
}

static void test_settings__bad_lines_are_located_and_the_rest_is_read(void **state)
{
    (void)state;
    Settings s;
    Buf err = BUF_INIT;
    assert_int_equal(parse(&s, "idle_timout_minutes = 5\n"
                               "idle_timeout_minutes = 5\n"
                               "idle_timeout_minutes = ten\n"
                               "just words\n", &err), -1);
    assert_int_equal(s.idle_timeout_minutes, 5);   /* line 2 was read */
    assert_string_equal(err.data,
                        "ward.conf:1: error: unknown setting 'idle_timout_minutes' (known: "
                        "idle_timeout_minutes, retention_days)\n"
                        "ward.conf:3: error: 'idle_timeout_minutes' wants a whole number from 0 "
                        "to 1440, not 'ten' (write e.g. 'idle_timeout_minutes = 10')\n"
                        "ward.conf:4: error: expected 'key = value' (write e.g. "
                        "'idle_timeout_minutes = 10')");
    buf_clear(&err);
    assert_int_equal(parse(&s, "idle_timeout_minutes = 1441\n", &err), -1);
    assert_int_equal(s.idle_timeout_minutes, 10);  /* the default stays */
    assert_non_null(strstr(err.data, "ward.conf:1: error: 'idle_timeout_minutes' wants"));
    buf_clear(&err);
    assert_int_equal(parse(&s, "idle_timeout_minutes = -1\n", &err), -1);
    assert_int_equal(parse(&s, "idle_timeout_minutes = \n", &err), -1);
    assert_int_equal(s.idle_timeout_minutes, 10);
    buf_release(&err);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(path, mode), 0);
}

static void test_settings__the_file_and_where_it_is_found(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_settings.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128], other[128];
    snprintf(path, sizeof path, "%s/wardplayer.conf", dir);
    snprintf(other, sizeof other, "%s/env.conf", dir);
    Settings s;
    Buf err = BUF_INIT;

    write_file(path, "idle_timeout_minutes = 3\n", 0644);
    assert_int_equal(settings_load(&s, path, &err), 0);
    assert_int_equal(s.idle_timeout_minutes, 3);

    /* learners could change a file the group or others may write */
    write_file(path, "idle_timeout_minutes = 3\n", 0666);
    assert_int_equal(settings_load(&s, path, &err), -1);
    assert_int_equal(s.idle_timeout_minutes, 10);
    assert_non_null(strstr(err.data, "writable by group or others (mode 0666)"));
    assert_non_null(strstr(err.data, "chmod 644"));
    buf_clear(&err);

    /* a file named explicitly must exist; the default one may not */
    assert_int_equal(settings_load(&s, other, &err), -1);
    assert_non_null(strstr(err.data, "env.conf: error: no such file"));
    buf_clear(&err);

    /* $WARDPLAYER_CONFIG names the file when no path is given */
    write_file(other, "idle_timeout_minutes = 7\n", 0600);
    setenv(SETTINGS_ENV, other, 1);
    assert_int_equal(settings_load(&s, NULL, &err), 0);
    assert_int_equal(s.idle_timeout_minutes, 7);
    assert_int_equal(settings_load(&s, path, &err), -1);   /* the explicit path wins */
    unsetenv(SETTINGS_ENV);
    buf_clear(&err);

    /* a folder is not a settings file */
    assert_int_equal(settings_load_file(&s, dir, &err), -1);
    assert_non_null(strstr(err.data, "not a regular file"));

    buf_release(&err);
    pkgfixture_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_settings__defaults),
        cmocka_unit_test(test_settings__reads_the_idle_time_out),
        cmocka_unit_test(test_settings__reads_the_retention),
        cmocka_unit_test(test_settings__bad_lines_are_located_and_the_rest_is_read),
        cmocka_unit_test(test_settings__the_file_and_where_it_is_found),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
