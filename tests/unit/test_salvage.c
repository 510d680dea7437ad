/* Unit tests of salvage, the page-by-page reader of damaged SQLite files:
 * every page size with a header gone, rows of a table whose root is gone
 * (found loose), the WAL's committed frames and not its torn tail, a file
 * cut short, and garbage that must not become rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "pkgfixture.h"
#include "salvage.h"

typedef struct Count {
    int tree, loose;            /* rows of table "t": from its tree, from loose pages */
    int other;                  /* rows of other tables */
    int64_t sum;                /* of column 0 of "t" rows, to see which rows came */
    int bad_values;             /* rows of "t" whose text is not what was written */
} Count;

static int count_row(const SalvageRow *r, void *ud)
{
    Count *c = ud;
    /* the test table: (n INTEGER, s TEXT) with s = "row <n>" */
    if (r->ncol == 2 && r->v[0].type == SALVAGE_INT && r->v[1].type == SALVAGE_TEXT) {
        char want[64];
        snprintf(want, sizeof want, "row %lld padding padding padding padding",
                 (long long)r->v[0].i);
        if (r->v[1].n != strlen(want) || memcmp(r->v[1].p, want, r->v[1].n) != 0)
            c->bad_values++;
        if (r->table && strcmp(r->table, "t") == 0)
            c->tree++;
        else if (!r->table)
            c->loose++;
        else
            c->other++;
        c->sum += r->v[0].i;
        return 0;
    }
    c->other++;
    return 0;
}

/* A database at path with page size ps, rows 1..n in table t (two columns),
 * journal mode mode ("DELETE" or "WAL"); the connection is returned open
 * when keep is set (a WAL then stays). */
static sqlite3 *make_db(const char *path, int ps, int n, const char *mode, int keep)
{
    sqlite3 *db = NULL;
    char sql[256];
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    snprintf(sql, sizeof sql, "PRAGMA page_size = %d; PRAGMA journal_mode = %s;"
             "PRAGMA wal_autocheckpoint = 0;"
             "CREATE TABLE t(n INTEGER, s TEXT); CREATE TABLE other(x TEXT);"
             "INSERT INTO other VALUES('not t')", ps, mode);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    snprintf(sql, sizeof sql, "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k"
             " WHERE i < %d) INSERT INTO t SELECT i, 'row ' || i || ' padding padding padding "
             "padding' FROM k", n);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    if (keep)
        return db;
    sqlite3_close(db);
    return NULL;
}

static void overwrite(const char *path, long at, const char *bytes, size_t n)
{
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    fseek(f, at, SEEK_SET);
    assert_int_equal(fwrite(bytes, 1, n, f), n);
    fclose(f);
}

static void test_salvage__every_page_size_without_its_header(void **state)
{
    (void)state;
    char *dir = pkgfixture_tmpdir();
    static const int sizes[] = { 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536 };
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        char path[600];
        snprintf(path, sizeof path, "%s/ps%d.db", dir, sizes[k]);
        make_db(path, sizes[k], 3000, "DELETE", 0);
        char junk[100];
        memset(junk, 0x5a, sizeof junk);
        overwrite(path, 0, junk, sizeof junk);
        Count c = {0};
        SalvageStats st;
        Buf err = BUF_INIT;
        assert_int_equal(salvage_read(path, count_row, &c, &st, &err), 0);
        if ((int)st.page_size != sizes[k] || c.tree != 3000)
            fail_msg("page size %d: guessed %u, %d rows from the tree, %d loose", sizes[k],
                     st.page_size, c.tree, c.loose);
        assert_int_equal(st.header_ok, 0);
        assert_int_equal(st.schema_ok, 1);
        assert_int_equal(c.loose, 0);
        assert_int_equal(c.bad_values, 0);
        assert_true(c.sum == 3000LL * 3001 / 2);
        assert_int_equal(st.bad_pages, 0);
        buf_release(&err);
    }
    pkgfixture_rmtree(dir);
    free(dir);
}

/* The table's root page gone: its leaves are found loose, nothing lost but
 * the root; garbage pages never turn into rows. */
static void test_salvage__a_lost_root_leaves_its_rows_loose(void **state)
{
    (void)state;
    char *dir = pkgfixture_tmpdir();
    char path[600];
    snprintf(path, sizeof path, "%s/root.db", dir);
    make_db(path, 4096, 2000, "DELETE", 0);
    sqlite3 *db;
    sqlite3_open(path, &db);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "SELECT rootpage FROM sqlite_schema WHERE name = 't'", -1, &st, NULL);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int root = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    char *junk = malloc(4096);
    srand(14);
    for (int i = 0; i < 4096; i++)
        junk[i] = (char)(rand() & 0xff);
    overwrite(path, (long)(root - 1) * 4096, junk, 4096);
    free(junk);
    Count c = {0};
    SalvageStats s;
    Buf err = BUF_INIT;
    assert_int_equal(salvage_read(path, count_row, &c, &s, &err), 0);
    assert_int_equal(c.tree, 0);
    assert_int_equal(c.loose, 2000);
    assert_int_equal(c.bad_values, 0);
    assert_int_equal(s.bad_pages, 1);
    buf_release(&err);
    pkgfixture_rmtree(dir);
    free(dir);
}

/* Rows committed in the WAL come back over a header-less file; a frame whose
 * checksum is wrong ends the WAL there (later commits are not trusted). */
static void test_salvage__the_wal_up_to_its_first_bad_frame(void **state)
{
    (void)state;
    char *dir = pkgfixture_tmpdir();
    char path[600], wal[620];
    snprintf(path, sizeof path, "%s/wal.db", dir);
    snprintf(wal, sizeof wal, "%s-wal", path);
    sqlite3 *db = make_db(path, 4096, 100, "WAL", 1);
    assert_int_equal(sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL),
                     SQLITE_OK);
    /* two more commits, in the WAL only */
    assert_int_equal(sqlite3_exec(db, "INSERT INTO t VALUES(101, 'row 101 padding padding padding "
                                      "padding')", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "INSERT INTO t VALUES(102, 'row 102 padding padding padding "
                                      "padding')", NULL, NULL, NULL), SQLITE_OK);
    /* copy the files while the connection still holds them (as a killed player leaves them) */
    char cp[2600];
    snprintf(cp, sizeof cp, "cp '%s' '%s.copy' && cp '%s' '%s.copy-wal'", path, path, wal, path);
    assert_int_equal(system(cp), 0);
    sqlite3_close(db);
    char copy[640];
    snprintf(copy, sizeof copy, "%s.copy", path);
    char junk[100];
    memset(junk, 0, sizeof junk);
    overwrite(copy, 0, junk, sizeof junk);
    Count c = {0};
    SalvageStats s;
    Buf err = BUF_INIT;
    assert_int_equal(salvage_read(copy, count_row, &c, &s, &err), 0);
    assert_int_equal(c.tree, 102);
    assert_true(s.wal_frames >= 2);
    /* the second commit's frame torn: only the first comes back */
    char copywal[660];
    snprintf(copywal, sizeof copywal, "%s-wal", copy);
    FILE *f = fopen(copywal, "rb");
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fclose(f);
    overwrite(copywal, len - 100, junk, 50);    /* inside the last frame's page */
    memset(&c, 0, sizeof c);
    assert_int_equal(salvage_read(copy, count_row, &c, &s, &err), 0);
    assert_int_equal(c.tree, 101);
    buf_release(&err);
    pkgfixture_rmtree(dir);
    free(dir);
}

/* A file cut in the middle of a page: the rows of the whole pages before the
 * cut, and the missing pages counted. */
static void test_salvage__a_file_cut_short(void **state)
{
    (void)state;
    char *dir = pkgfixture_tmpdir();
    char path[600];
    snprintf(path, sizeof path, "%s/cut.db", dir);
    make_db(path, 4096, 5000, "DELETE", 0);
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fclose(f);
    long pages = len / 4096;
    assert_int_equal(truncate(path, (pages / 2) * 4096 + 1000), 0);
    Count c = {0};
    SalvageStats s;
    Buf err = BUF_INIT;
    assert_int_equal(salvage_read(path, count_row, &c, &s, &err), 0);
    assert_true(c.tree + c.loose > 1000 && c.tree + c.loose < 5000);
    assert_int_equal(c.bad_values, 0);
    assert_int_equal(s.pages, pages);          /* the header still says how many */
    assert_true(s.bad_pages >= pages - pages / 2 - 1);
    buf_release(&err);
    pkgfixture_rmtree(dir);
    free(dir);
}

static void test_salvage__garbage_is_not_rows(void **state)
{
    (void)state;
    char *dir = pkgfixture_tmpdir();
    char path[600];
    snprintf(path, sizeof path, "%s/noise.db", dir);
    FILE *f = fopen(path, "wb");
    srand(7);
    for (int i = 0; i < 64 * 4096; i++)
        fputc(rand() & 0xff, f);
    fclose(f);
    Count c = {0};
    SalvageStats s;
    Buf err = BUF_INIT;
    assert_int_equal(salvage_read(path, count_row, &c, &s, &err), 0);
    assert_int_equal(c.tree + c.loose + c.other, 0);
    assert_int_equal(s.schema_ok, 0);
    assert_true(s.bad_pages >= 60);
    /* an empty file and a missing one say so */
    f = fopen(path, "wb");
    fclose(f);
    assert_int_equal(salvage_read(path, count_row, &c, &s, &err), -1);
    assert_non_null(strstr(err.data, "is empty"));
    buf_clear(&err);
    unlink(path);
    assert_int_equal(salvage_read(path, count_row, &c, &s, &err), -1);
    assert_non_null(strstr(err.data, "cannot read"));
    buf_release(&err);
    pkgfixture_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_salvage__every_page_size_without_its_header),
        cmocka_unit_test(test_salvage__a_lost_root_leaves_its_rows_loose),
        cmocka_unit_test(test_salvage__the_wal_up_to_its_first_bad_frame),
        cmocka_unit_test(test_salvage__a_file_cut_short),
        cmocka_unit_test(test_salvage__garbage_is_not_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
