/* Unit tests of the platform layer on POSIX (src/os_posix.c, src/os.c): UTF-8
 * names, the durable replace, folders walked without following links, the
 * private-file rule, the read-aloud child, threads and once. The Windows
 * side runs the same behaviours through wardplayer.exe under Wine
 * (tests/integration/windows_player.sh). */
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
#include "os.h"
#include "pkgfixture.h"

static char *path_in(const char *dir, const char *name)
{
    Buf b = BUF_INIT;
    buf_printf(&b, "%s/%s", dir, name);
    return buf_detach(&b, NULL);
}

static void write_text(const char *path, const char *text, unsigned mode)
{
    FILE *f = os_fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

static char *read_text(const char *path)
{
    FILE *f = os_fopen(path, "rb");
    if (!f)
        return NULL;
    Buf b = BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    return buf_detach(&b, NULL);
}

static int count_entries(const char *dir)
{
    OsDir *d = os_dir_open(dir);
    int n = 0;
    while (d && os_dir_next(d, NULL))
        n++;
    os_dir_close(d);
    return n;
}

static void test_os__replace_writes_whole_or_nothing(void **state)
{
    (void)state;
    char *dir = pkgfixture_tmpdir();
    char *path = path_in(dir, "résultats Hélène.csv");
    char *tmp = NULL;
    Buf err = BUF_INIT;

    write_text(path, "old\n", 0644);
    FILE *f = os_replace_open(path, &tmp, &err);
    assert_non_null(f);
    fputs("half", f);
    os_replace_abort(f, tmp);
    free(tmp);
    char *text = read_text(path);
    assert_string_equal(text, "old\n");     /* an abandoned write changes nothing */
    free(text);
    assert_int_equal(count_entries(dir), 1);    /* and leaves no temporary file */

    f = os_replace_open(path, &tmp, &err);
    assert_non_null(f);
    fputs("new\n", f);
    assert_int_equal(os_replace_commit(f, tmp, path, &err), 0);
    free(tmp);
    text = read_text(path);
    assert_string_equal(text, "new\n");
    free(text);
    assert_int_equal(count_entries(dir), 1);

    char *missing = path_in(dir, "no such folder/x.csv");
    assert_null(os_replace_open(missing, &tmp, &err));
    free(tmp);
    assert_non_null(strstr(err.data, "cannot create"));
    assert_non_null(strstr(err.data, "no such folder"));
    buf_release(&err);
    free(missing);
    free(path);
    pkgfixture_rmtree(dir);
    free(dir);
}

static void test_os__folders_utf8_and_links(void **state)
{
    (void)state;
    char *dir = pkgfixture_tmpdir();
    char *deep = path_in(dir, "Formation IA/données/Hélène");
    assert_int_equal(os_mkdirs(deep, 0700), 0);
    assert_int_equal(os_mkdirs(deep, 0700), 0);     /* already there: fine */
    OsStat st;
    assert_int_equal(os_stat(deep, &st), 0);
    assert_int_equal(st.kind, OS_FILE_DIR);
    assert_int_equal(st.mode, 0700);

    char *top = path_in(dir, "Formation IA");
    char *file = path_in(top, "résumé.txt");
    write_text(file, "abc", 0644);
    char *link = path_in(top, "lien");
    assert_int_equal(symlink("données", link), 0);

    OsDir *d = os_dir_open(top);
    assert_non_null(d);
    int seen_file = 0, seen_dir = 0, seen_link = 0;
    const char *name;
    while ((name = os_dir_next(d, NULL))) {
        assert_int_equal(os_dir_lstat_at(d, name, &st), 0);
        if (strcmp(name, "résumé.txt") == 0)
            seen_file = st.kind == OS_FILE_REGULAR && st.size == 3;
        else if (strcmp(name, "données") == 0)
            seen_dir = st.kind == OS_FILE_DIR;
        else if (strcmp(name, "lien") == 0)
            seen_link = st.kind == OS_FILE_LINK;
        else
            fail_msg("unexpected entry '%s'", name);
    }
    assert_true(seen_file && seen_dir && seen_link);
    OsDir *sub = os_dir_open_at(d, "données");
    assert_non_null(sub);
    os_dir_close(sub);
    assert_null(os_dir_open_at(d, "lien"));     /* a link is never followed */
    os_dir_close(d);

    char *moved = path_in(top, "résumé (copie).txt");
    write_text(moved, "older", 0644);
    assert_int_equal(os_rename(file, moved), 0);    /* replaces */
    char *text = read_text(moved);
    assert_string_equal(text, "abc");
    free(text);
    assert_false(os_exists(file));
    assert_int_equal(os_remove(moved), 0);
    assert_false(os_exists(moved));

    free(moved);
    free(link);
    free(file);
    free(top);
    free(deep);
    pkgfixture_rmtree(dir);
    free(dir);
}

static void test_os__pread_pwrite_at_offsets(void **state)
{
    (void)state;
    char *dir = pkgfixture_tmpdir();
    char *path = path_in(dir, "f");
    int fd = os_open(path, OS_O_RDWR | OS_O_CREAT | OS_O_EXCL, 0600);
    assert_true(fd >= 0);
    assert_int_equal(os_pwrite(fd, "0123456789", 10, 0), 10);
    assert_int_equal(os_pwrite(fd, "AB", 2, 4), 2);
    char buf[8] = {0};
    assert_int_equal(os_pread(fd, buf, 4, 3), 4);
    assert_memory_equal(buf, "3AB6", 4);
    assert_int_equal(os_pread(fd, buf, 4, 10), 0);  /* at the end */
    assert_int_equal(os_fsync(fd), 0);
    close(fd);
    assert_true(os_open(path, OS_O_RDWR | OS_O_CREAT | OS_O_EXCL, 0600) < 0);
    free(path);
    pkgfixture_rmtree(dir);
    free(dir);
}

static void test_os__private_file_rule(void **state)
{
    (void)state;
    char *dir = pkgfixture_tmpdir();
    char *path = path_in(dir, "lrs.conf");
    char *text = NULL;
    size_t len = 0;
    Buf err = BUF_INIT;

    assert_int_equal(os_read_private_file(path, 1000, &text, &len, &err), 1);  /* missing */
    write_text(path, "password = x\n", 0644);
    assert_int_equal(os_read_private_file(path, 1000, &text, &len, &err), -1);
    assert_non_null(strstr(err.data, "readable or writable by group or others (mode 0644)"));
    assert_non_null(strstr(err.data, "chmod 600"));
    assert_null(text);
    buf_clear(&err);

    chmod(path, 0600);
    assert_int_equal(os_read_private_file(path, 1000, &text, &len, &err), 0);
    assert_string_equal(text, "password = x\n");
    assert_int_equal(len, 13);
    free(text);
    text = NULL;
    assert_int_equal(os_read_private_file(path, 5, &text, &len, &err), -1);
    assert_non_null(strstr(err.data, "larger than 5 bytes"));
    buf_clear(&err);

    char *link = path_in(dir, "link.conf");
    assert_int_equal(symlink(path, link), 0);
    assert_int_equal(os_read_private_file(link, 1000, &text, &len, &err), -1);
    assert_non_null(strstr(err.data, "is a symbolic link"));
    buf_release(&err);
    free(link);
    free(path);
    pkgfixture_rmtree(dir);
    free(dir);
}

static void test_os__child_gets_the_text_and_can_be_stopped(void **state)
{
    (void)state;
    char *dir = pkgfixture_tmpdir();
    char *out = path_in(dir, "said");
    Buf cmd = BUF_INIT, err = BUF_INIT;
    buf_printf(&cmd, "cat > '%s'", out);
    const char *argv[] = { "sh", "-c", cmd.data, NULL };
    OsChild *c = os_child_start(argv, "Hélène lit la page.", strlen("Hélène lit la page."), &err);
    assert_non_null(c);
    long long until = os_monotonic_ms() + 10000;
    while (os_child_running(c) && os_monotonic_ms() < until)
        os_sleep_ms(10);
    assert_false(os_child_running(c));
    os_child_stop(c);
    char *text = read_text(out);
    assert_string_equal(text, "Hélène lit la page.");
    free(text);

    const char *sleeper[] = { "sleep", "30", NULL };
    c = os_child_start(sleeper, "", 0, &err);
    assert_non_null(c);
    long long t0 = os_monotonic_ms();
    os_child_stop(c);       /* ends it, does not wait 30 s */
    assert_true(os_monotonic_ms() - t0 < 5000);

    const char *missing[] = { "no-such-speech-program", NULL };
    c = os_child_start(missing, "x", 1, &err);
    assert_null(c);
    assert_non_null(strstr(err.data, "cannot start no-such-speech-program"));
    buf_release(&err);
    buf_release(&cmd);
    free(out);
    pkgfixture_rmtree(dir);
    free(dir);
}

static int once_calls;
static void count_once(void)
{
    once_calls++;
}

static void thread_body(void *arg)
{
    os_once(count_once);
    *(int *)arg = 1;
}

static void test_os__threads_and_once(void **state)
{
    (void)state;
    int done[4] = {0};
    OsThread *t[4];
    Buf err = BUF_INIT;
    for (int i = 0; i < 4; i++) {
        t[i] = os_thread_start(thread_body, &done[i], &err);
        assert_non_null(t[i]);
    }
    for (int i = 0; i < 4; i++)
        os_thread_join(t[i]);
    assert_int_equal(done[0] + done[1] + done[2] + done[3], 4);
    assert_int_equal(once_calls, 1);
    buf_release(&err);
}

static void test_os__clocks(void **state)
{
    (void)state;
    long long now = os_now_ms(), wall = (long long)time(NULL) * 1000;
    assert_true(now >= wall - 2000 && now <= wall + 2000);
    long long a = os_monotonic_ms();
    os_sleep_ms(20);
    assert_true(os_monotonic_ms() - a >= 15);
    struct tm tm;
    os_gmtime(86400LL * 365, &tm);
    assert_int_equal(tm.tm_year, 71);
    assert_int_equal(tm.tm_yday, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_os__replace_writes_whole_or_nothing),
        cmocka_unit_test(test_os__folders_utf8_and_links),
        cmocka_unit_test(test_os__pread_pwrite_at_offsets),
        cmocka_unit_test(test_os__private_file_rule),
        cmocka_unit_test(test_os__child_gets_the_text_and_can_be_stopped),
        cmocka_unit_test(test_os__threads_and_once),
        cmocka_unit_test(test_os__clocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
