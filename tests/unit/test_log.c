/* Unit tests of log: lines land whole in <dir>/wardplayer.log, the file is
 * capped (one older file kept), threads never interleave their lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "log.h"
#include "pkgfixture.h"

static long file_size(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 ? (long)st.st_size : -1;
}

static char *slurp(const char *p)
{
    FILE *f = fopen(p, "rb");
    if (!f)
        return NULL;
    char *b = calloc(1, 4 * LOG_MAX_BYTES);
    size_t n = fread(b, 1, 4 * LOG_MAX_BYTES - 1, f);
    b[n] = '\0';
    fclose(f);
    return b;
}

/* The copies on stderr of a thousand lines would flood the test log. */
static int quiet(void)
{
    fflush(stderr);
    int saved = dup(2);
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 2);
    close(null);
    return saved;
}

static void loud(int saved)
{
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
}

static void test_log__lines_go_to_the_data_folder(void **state)
{
    (void)state;
    char *dir = pkgfixture_tmpdir();
    assert_int_equal(log_open(dir), 0);
    log_msg("store: %s (%s)", "busy", "cannot run 'BEGIN IMMEDIATE': database is locked");
    log_msg("two\nlines");
    char p[600];
    snprintf(p, sizeof p, "%s/%s", dir, LOG_FILE);
    assert_string_equal(log_path(), p);
    char *text = slurp(p);
    assert_non_null(text);
    assert_non_null(strstr(text, "Z wardplayer: store: busy (cannot run 'BEGIN IMMEDIATE': "
                                 "database is locked)\n"));
    assert_non_null(strstr(text, "wardplayer: two lines\n"));
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    free(text);
    log_close();
    assert_null(log_path());
    pkgfixture_rmtree(dir);
    free(dir);
}

static void test_log__the_file_is_capped(void **state)
{
    (void)state;
    char *dir = pkgfixture_tmpdir();
    assert_int_equal(log_open(dir), 0);
    char p[600], old[620];
    snprintf(p, sizeof p, "%s/%s", dir, LOG_FILE);
    snprintf(old, sizeof old, "%s.1", p);
    char filler[1000];
    memset(filler, 'x', sizeof filler - 1);
    filler[sizeof filler - 1] = '\0';
    int saved = quiet();
    for (int i = 0; i < 3 * LOG_MAX_BYTES / 1000; i++)
        log_msg("%d %s", i, filler);
    loud(saved);
    assert_true(file_size(p) >= 0 && file_size(p) < LOG_MAX_BYTES);
    assert_true(file_size(old) >= LOG_MAX_BYTES && file_size(old) < LOG_MAX_BYTES + 2000);
    /* the newest line is in the current file */
    char *text = slurp(p);
    char last[32];
    snprintf(last, sizeof last, "wardplayer: %d x", 3 * LOG_MAX_BYTES / 1000 - 1);
    assert_non_null(strstr(text, last));
    free(text);
    log_close();
    pkgfixture_rmtree(dir);
    free(dir);
}

static char who_screen[] = "screen", who_sync[] = "sync";

static void *writer(void *ud)
{
    const char *who = ud;
    for (int i = 0; i < 500; i++)
        log_msg("%s %d %s", who, i, "abcdefghijklmnopqrstuvwxyz0123456789");
    return NULL;
}

static void test_log__threads_write_whole_lines(void **state)
{
    (void)state;
    char *dir = pkgfixture_tmpdir();
    assert_int_equal(log_open(dir), 0);
    pthread_t a, b;
    int saved = quiet();
    pthread_create(&a, NULL, writer, who_screen);
    pthread_create(&b, NULL, writer, who_sync);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    loud(saved);
    char p[600];
    snprintf(p, sizeof p, "%s/%s", dir, LOG_FILE);
    char *text = slurp(p);
    int lines = 0;
    for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n"), lines++)
        assert_non_null(strstr(l, "abcdefghijklmnopqrstuvwxyz0123456789"));
    assert_int_equal(lines, 1000);
    free(text);
    log_close();
    pkgfixture_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_log__lines_go_to_the_data_folder),
        cmocka_unit_test(test_log__the_file_is_capped),
        cmocka_unit_test(test_log__threads_write_whole_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
