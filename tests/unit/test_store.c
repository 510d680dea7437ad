/* Unit tests of store: profiles and PINs, answers committed at once, resume
 * data, migration of a version-1 file, damaged files set aside, integrity
 * after many writes. Each test works in its own temporary folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "buf.h"
#include "pkgfixture.h"
#include "cmi.h"
#include "store.h"

typedef struct Fixture {
    char dir[64];
    char db[128];
} Fixture;

static int setup(void **state)
{
    Fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/test_store.XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->db, sizeof f->db, "%s/learners.db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fixture *f = *state;
    pkgfixture_rmtree(f->dir);
    free(f);
    return 0;
}

static Store *open_ok(Fixture *f)
{
    Buf notice = BUF_INIT, err = BUF_INIT;
    Store *s = store_open(f->dir, &notice, &err);
    if (!s)
        print_error("store_open: %s\n", err.data);
    assert_non_null(s);
    assert_string_equal(notice.data, "");
    buf_release(&notice);
    buf_release(&err);
    return s;
}

/* Runs SQL on the file through a separate connection; returns the first
 * column of the first row as a new string (free()), or NULL. */
static char *sql_value(const char *db, const char *sql)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    char *out = NULL;
    if (sqlite3_open(db, &h) != SQLITE_OK)
        goto out;
    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
        print_error("%s: %s\n", sql, sqlite3_errmsg(h));
        goto out;
    }
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        out = strdup((const char *)sqlite3_column_text(st, 0));
out:
    sqlite3_finalize(st);
    sqlite3_close(h);
    return out;
}

static void assert_sql(const char *db, const char *sql, const char *expected)
{
    char *v = sql_value(db, sql);
    if (!v || strcmp(v, expected) != 0)
        print_error("%s -> %s, expected %s\n", sql, v ? v : "(null)", expected);
    assert_non_null(v);
    assert_string_equal(v, expected);
    free(v);
}

static void test_store__profiles_and_pins(void **state)
{
    Fixture *f = *state;
    Store *s = open_ok(f);
    assert_sql(f->db, "PRAGMA user_version", "3");
    assert_sql(f->db, "PRAGMA journal_mode", "wal");
    int64_t bob, alice;
    assert_int_equal(store_learner_add(s, "Dr Bob Martin", "AP-1234", "physician", "ed", NULL,
                                       &bob), 0);
    assert_int_equal(store_learner_add(s, "alice Durand", "", "chief", "", "4821", &alice), 0);
    assert_int_equal(store_learner_add(s, "", NULL, NULL, NULL, NULL, NULL), STORE_INVALID);
    assert_string_equal(store_errmsg(s), "a profile needs a name");
    assert_int_equal(store_learner_add(s, "Eve", NULL, NULL, NULL, "12a4", NULL), STORE_INVALID);
    assert_string_equal(store_errmsg(s), "the PIN must be 4 digits");
    assert_int_equal(store_learner_add(s, "Eve", NULL, NULL, NULL, "12345", NULL),
                     STORE_INVALID);
    assert_int_equal(store_learner_add(s, "H\xe9l\xe8ne", NULL, NULL, NULL, NULL, NULL),
                     STORE_INVALID);     /* Latin-1 bytes */
    assert_string_equal(store_errmsg(s), "the name is not valid UTF-8 text");
    assert_int_equal(store_learner_add(s, "Eve", "\xc0\xaf", NULL, NULL, NULL, NULL),
                     STORE_INVALID);     /* overlong '/' */
    assert_string_equal(store_errmsg(s), "the staff id is not valid UTF-8 text");
    StoreLearner *list;
    size_t n;
    assert_int_equal(store_learner_list(s, &list, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].name, "alice Durand");    /* by name, case-insensitive */
    assert_true(list[0].has_pin);
    assert_string_equal(list[1].staff_id, "AP-1234");
    assert_false(list[1].has_pin);
    assert_int_equal(strlen(list[1].uuid), 36);
    assert_string_not_equal(list[0].uuid, list[1].uuid);
    free(list);
    /* the PIN is stored only as an Argon2id hash */
    char *hash = sql_value(f->db, "SELECT pin_hash FROM learners WHERE name = 'alice Durand'");
    assert_non_null(hash);
    assert_memory_equal(hash, "$argon2id$", 10);
    assert_null(strstr(hash, "4821"));
    free(hash);
    /* no PIN: opens; with a PIN: only with the right one */
    int64_t attempt;
    int resumed;
    assert_int_equal(store_attempt_begin(s, "cp-x", "1.0", "fr", SCORM_2004, &attempt,
                                         &resumed), STORE_LOCKED);
    assert_int_equal(store_login(s, bob, NULL), 0);
    assert_int_equal(store_current_learner(s), bob);
    assert_int_equal(store_login(s, alice, NULL), STORE_BAD_PIN);
    assert_int_equal(store_current_learner(s), 0);
    assert_int_equal(store_login(s, alice, "1111"), STORE_BAD_PIN);
    assert_string_equal(store_errmsg(s), "wrong PIN");
    assert_sql(f->db, "SELECT pin_failures FROM learners WHERE name = 'alice Durand'", "2");
    assert_int_equal(store_attempt_begin(s, "cp-x", "1.0", "fr", SCORM_2004, &attempt,
                                         &resumed), STORE_LOCKED);
    assert_int_equal(store_login(s, alice, "4821"), 0);
    assert_sql(f->db, "SELECT pin_failures FROM learners WHERE name = 'alice Durand'", "0");
    assert_int_equal(store_login(s, 999, NULL), STORE_NOT_FOUND);
    /* change and remove a PIN */
    assert_int_equal(store_login(s, bob, NULL), 0);
    assert_int_equal(store_learner_set_pin(s, "0007"), 0);
    store_logout(s);
    assert_int_equal(store_login(s, bob, NULL), STORE_BAD_PIN);
    assert_int_equal(store_login(s, bob, "0007"), 0);
    assert_int_equal(store_learner_set_pin(s, NULL), 0);
    assert_int_equal(store_login(s, bob, NULL), 0);
    assert_int_equal(store_learner_set_context(s, "chief", "imaging"), 0);
    StoreLearner l;
    assert_int_equal(store_learner_get(s, bob, &l), 0);
    assert_string_equal(l.role, "chief");
    assert_string_equal(l.setting, "imaging");
    store_close(s);
}

static void test_store__answers_are_committed_at_once(void **state)
{
    Fixture *f = *state;
    Store *s = open_ok(f);
    int64_t id, other, attempt;
    int resumed;
    assert_int_equal(store_learner_add(s, "Bob", "AP-1", "", "", NULL, &id), 0);
    assert_int_equal(store_learner_add(s, "Carol", "AP-2", "", "", NULL, &other), 0);
    assert_int_equal(store_login(s, id, NULL), 0);
    assert_int_equal(store_attempt_begin(s, "cp-ai", "1.2.0", "fr", SCORM_2004, &attempt,
                                         &resumed), 0);
    assert_int_equal(resumed, 0);
    StoreAnswer a = {
        .item_id = "q-lab-accuracy", .type = "choice", .description = "Which one?",
        .response = "b", .correct_pattern = "b", .result = "correct", .weight = 2,
        .latency_ms = 12300, .timestamp = NULL,
    };
    assert_int_equal(store_answer_record(s, attempt, &a), 0);
    /* visible to another connection before anything else happens */
    assert_sql(f->db, "SELECT response || '/' || result || '/' || weight FROM answers",
               "b/correct/2.0");
    assert_sql(f->db, "SELECT count(*) FROM outbox WHERE json LIKE '%verbs/answered%'", "1");
    assert_sql(f->db, "SELECT count(*) FROM outbox WHERE json LIKE '%verbs/attempted%'", "1");
    /* bad answers are refused with a reason */
    StoreAnswer bad = a;
    bad.item_id = "";
    assert_int_equal(store_answer_record(s, attempt, &bad), STORE_INVALID);
    assert_string_equal(store_errmsg(s), "an answer needs an item id and a result");
    bad = a;
    bad.response = "\xff";
    assert_int_equal(store_answer_record(s, attempt, &bad), STORE_INVALID);
    assert_string_equal(store_errmsg(s), "the answer is not valid UTF-8 text");
    bad = a;
    bad.timestamp = "last tuesday";
    assert_int_equal(store_answer_record(s, attempt, &bad), STORE_INVALID);
    assert_string_equal(store_errmsg(s), "the answer's timestamp is not ISO 8601");
    /* pages */
    assert_int_equal(store_page_seen(s, attempt, "01-intro"), 0);
    assert_int_equal(store_page_seen(s, attempt, "01-intro"), 0);
    assert_int_equal(store_page_was_seen(s, attempt, "01-intro"), 1);
    assert_int_equal(store_page_was_seen(s, attempt, "02-next"), 0);
    /* another profile cannot touch this attempt */
    assert_int_equal(store_login(s, other, NULL), 0);
    assert_int_equal(store_answer_record(s, attempt, &a), STORE_LOCKED);
    assert_string_equal(store_errmsg(s), "the attempt belongs to another profile");
    assert_sql(f->db, "SELECT count(*) FROM answers", "1");
    store_close(s);
}

/* cmi_foreach visitor: "element=value\n" lines, what the store saves. */
static int list_values(const char *el, const char *v, void *ud)
{
    buf_printf(ud, "%s=%s\n", el, v);
    return 0;
}

static void test_store__resume_round_trip(void **state)
{
    Fixture *f = *state;
    Store *s = open_ok(f);
    int64_t id, attempt, again;
    int resumed;
    assert_int_equal(store_learner_add(s, "Bob", "AP-1", "", "", NULL, &id), 0);
    assert_int_equal(store_login(s, id, NULL), 0);
    assert_int_equal(store_attempt_begin(s, "cp-ai", "1.2.0", "fr", SCORM_12, &attempt,
                                         &resumed), 0);
    CmiModel *m = cmi_new(SCORM_12);
    assert_int_equal(cmi_set(m, "cmi.core.lesson_location", "03-bias"), 0);
    assert_int_equal(cmi_set(m, "cmi.suspend_data", "v1|c=0.1|s=7|q=0:b"), 0);
    assert_int_equal(cmi_set(m, "cmi.core.lesson_status", "incomplete"), 0);
    assert_int_equal(cmi_set(m, "cmi.interactions.0.id", "q-1"), 0);
    assert_int_equal(cmi_set(m, "cmi.interactions.0.type", "choice"), 0);
    assert_int_equal(cmi_set(m, "cmi.interactions.0.student_response", "a,c"), 0);
    assert_int_equal(cmi_set(m, "cmi.core.session_time", "0000:10:00"), 0);
    assert_int_equal(cmi_set(m, "cmi.core.exit", "suspend"), 0);
    cmi_end_session(m);
    assert_int_equal(store_cmi_save(s, attempt, m), 0);
    cmi_free(m);
    store_close(s);

    /* a new run of the player: same attempt, same values */
    s = open_ok(f);
    assert_int_equal(store_login(s, id, NULL), 0);
    assert_int_equal(store_attempt_begin(s, "cp-ai", "1.2.0", "fr", SCORM_12, &again,
                                         &resumed), 0);
    assert_int_equal(again, attempt);
    assert_int_equal(resumed, 1);
    m = cmi_new(SCORM_12);
    assert_int_equal(store_cmi_load(s, attempt, m), 0);
    cmi_begin_session(m);
    Buf v = BUF_INIT;
    assert_int_equal(cmi_foreach(m, list_values, &v), 0);
    assert_non_null(strstr(v.data, "cmi.core.entry=resume\n"));
    assert_non_null(strstr(v.data, "cmi.interactions.0.student_response=a,c\n"));
    assert_null(strstr(v.data, "cmi.interactions.1."));
    buf_release(&v);
    CmiSummary sum;
    cmi_summary(m, &sum);
    assert_string_equal(sum.location, "03-bias");
    assert_string_equal(sum.suspend_data, "v1|c=0.1|s=7|q=0:b");
    assert_string_equal(sum.completion, "incomplete");
    assert_int_equal(sum.total_ms, 600000);
    assert_string_equal(sum.exit, "");      /* a new session */
    /* the summary columns follow */
    assert_sql(f->db, "SELECT location || '|' || completion || '|' || total_ms FROM attempts",
               "03-bias|incomplete|600000");
    /* finished: closing makes the next launch a new attempt */
    assert_int_equal(cmi_set(m, "cmi.core.lesson_status", "passed"), 0);
    assert_int_equal(cmi_set(m, "cmi.core.score.raw", "90"), 0);
    assert_int_equal(store_cmi_save(s, attempt, m), 0);
    assert_int_equal(store_attempt_close(s, attempt), 0);
    assert_sql(f->db, "SELECT count(*) FROM outbox WHERE json LIKE '%verbs/passed%'", "1");
    assert_sql(f->db, "SELECT count(*) FROM outbox WHERE json LIKE '%verbs/completed%'", "1");
    assert_int_equal(store_cmi_save(s, attempt, m), 0);     /* saved twice: still one */
    assert_sql(f->db, "SELECT count(*) FROM outbox WHERE json LIKE '%verbs/passed%'", "1");
    assert_int_equal(store_attempt_begin(s, "cp-ai", "1.2.0", "fr", SCORM_12, &again,
                                         &resumed), 0);
    assert_int_not_equal(again, attempt);
    assert_int_equal(resumed, 0);
    cmi_free(m);
    /* outbox */
    store_close(s);
}

static int count_pending(const char *id, const char *json, void *ud)
{
    (void)json;
    int *n = ud;
    assert_int_equal(strlen(id), 36);
    (*n)++;
    return 0;
}

static int first_id(const char *id, const char *json, void *ud)
{
    (void)json;
    snprintf(ud, 37, "%s", id);
    return 1;
}

static void test_store__outbox(void **state)
{
    Fixture *f = *state;
    Store *s = open_ok(f);
    int64_t id, attempt;
    int resumed, n = 0;
    assert_int_equal(store_learner_add(s, "Bob", "AP-1", "", "", NULL, &id), 0);
    assert_int_equal(store_login(s, id, NULL), 0);
    assert_int_equal(store_attempt_begin(s, "cp-ai", "1", "fr", SCORM_2004, &attempt,
                                         &resumed), 0);
    StoreAnswer a = { .item_id = "q-1", .type = "true-false", .response = "true",
                      .result = "incorrect", .weight = 1 };
    assert_int_equal(store_answer_record(s, attempt, &a), 0);
    assert_int_equal(store_outbox_pending(s, count_pending, &n), 0);
    assert_int_equal(n, 2);
    char sid[37];
    assert_int_equal(store_outbox_pending(s, first_id, sid), 1);
    assert_int_equal(store_outbox_mark_sent(s, sid), 0);
    n = 0;
    assert_int_equal(store_outbox_pending(s, count_pending, &n), 0);
    assert_int_equal(n, 1);
    store_close(s);
}

/* The version-1 schema exactly as wardplayer 1 created it. */
static const char v1_sql[] =
    "CREATE TABLE learners(id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
    " staff_id TEXT NOT NULL DEFAULT '', role TEXT NOT NULL DEFAULT '',"
    " setting TEXT NOT NULL DEFAULT '', pin_hash TEXT, uuid TEXT NOT NULL UNIQUE,"
    " created TEXT NOT NULL);"
    "CREATE TABLE attempts(id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE,"
    " learner INTEGER NOT NULL REFERENCES learners(id) ON DELETE CASCADE,"
    " package_id TEXT NOT NULL, version TEXT NOT NULL, lang TEXT NOT NULL,"
    " edition INTEGER NOT NULL, started TEXT NOT NULL, updated TEXT NOT NULL,"
    " completion TEXT NOT NULL DEFAULT 'unknown', success TEXT NOT NULL DEFAULT 'unknown',"
    " score_raw REAL, score_min REAL, score_max REAL, score_scaled REAL,"
    " location TEXT NOT NULL DEFAULT '', suspend_data TEXT NOT NULL DEFAULT '',"
    " total_ms INTEGER NOT NULL DEFAULT 0, closed INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE cmi_values(attempt INTEGER NOT NULL REFERENCES attempts(id)"
    " ON DELETE CASCADE, seq INTEGER NOT NULL, element TEXT NOT NULL, value TEXT NOT NULL,"
    " PRIMARY KEY(attempt, element));"
    "CREATE TABLE answers(id INTEGER PRIMARY KEY, attempt INTEGER NOT NULL"
    " REFERENCES attempts(id) ON DELETE CASCADE, item_id TEXT NOT NULL,"
    " type TEXT NOT NULL DEFAULT '', description TEXT, response TEXT NOT NULL,"
    " correct_pattern TEXT, result TEXT NOT NULL, weight REAL NOT NULL DEFAULT 0,"
    " latency_ms INTEGER NOT NULL DEFAULT 0, timestamp TEXT NOT NULL);"
    "CREATE TABLE pages_seen(attempt INTEGER NOT NULL REFERENCES attempts(id)"
    " ON DELETE CASCADE, page TEXT NOT NULL, first_seen TEXT NOT NULL,"
    " PRIMARY KEY(attempt, page));"
    "CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "INSERT INTO learners VALUES(1, 'Old Timer', 'AP-9', 'physician', 'ed', NULL,"
    " '11111111-2222-4333-8444-555555555555', '2025-01-01T08:00:00.00Z');"
    "INSERT INTO attempts VALUES(1, '66666666-7777-4888-9999-aaaaaaaaaaaa', 1, 'cp-ai',"
    " '1.0.0', 'fr', 2004, '2025-01-02T08:00:00.00Z', '2025-01-02T08:30:00.00Z', 'completed',"
    " 'passed', 85, 0, 100, 0.85, '05-end', '', 1800000, 1);"
    "INSERT INTO cmi_values VALUES(1, 0, 'cmi.location', '05-end');"
    "INSERT INTO answers VALUES(1, 1, 'q-1', 'choice', NULL, 'b', 'b', 'correct', 2, 0,"
    " '2025-01-02T08:10:00.00Z');"
    "PRAGMA user_version = 1;";

static void test_store__migrates_version_1(void **state)
{
    Fixture *f = *state;
    sqlite3 *h;
    assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, v1_sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    assert_sql(f->db, "PRAGMA user_version", "1");

    Store *s = open_ok(f);
    assert_sql(f->db, "PRAGMA user_version", "3");
    assert_sql(f->db, "SELECT pin_failures || ',' || pin_locked_until FROM learners "
               "WHERE id = 1", "0,0");
    assert_sql(f->db, "SELECT name || '|' || staff_id FROM learners", "Old Timer|AP-9");
    assert_sql(f->db, "SELECT location FROM attempts", "05-end");
    /* the results of version 1 were queued as statements: attempted, answered,
     * completed, passed */
    assert_sql(f->db, "SELECT count(*) FROM outbox", "4");
    assert_sql(f->db, "SELECT count(*) FROM outbox WHERE json LIKE '%\"name\":\"AP-9\"%'", "4");
    /* it keeps working */
    assert_int_equal(store_login(s, 1, NULL), 0);
    CmiModel *m = cmi_new(SCORM_2004);
    assert_int_equal(store_cmi_load(s, 1, m), 0);
    CmiSummary sum;
    cmi_summary(m, &sum);
    assert_string_equal(sum.location, "05-end");
    cmi_free(m);
    store_close(s);
    /* opening again does not migrate twice */
    s = open_ok(f);
    assert_sql(f->db, "SELECT count(*) FROM outbox", "4");
    store_close(s);
}

static void test_store__refuses_newer_schema(void **state)
{
    Fixture *f = *state;
    sqlite3 *h;
    assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "CREATE TABLE t(x); PRAGMA user_version = 9", NULL, NULL,
                                  NULL), SQLITE_OK);
    sqlite3_close(h);
    Buf err = BUF_INIT;
    assert_null(store_open(f->dir, NULL, &err));
    char expected[300];
    snprintf(expected, sizeof expected, "%s has schema version 9, newer than this wardplayer "
             "knows (3) (install the newer wardplayer)", f->db);
    assert_string_equal(err.data, expected);
    assert_int_equal(access(f->db, F_OK), 0);       /* left alone */
    buf_release(&err);
}

/* Finds the one "learners.db.corrupt-*" file; returns its content or NULL. */
static char *corrupt_copy(Fixture *f, char *name, size_t size)
{
    DIR *d = opendir(f->dir);
    struct dirent *e;
    char *content = NULL;
    int found = 0;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, "learners.db.corrupt-", 20) != 0
            || strstr(e->d_name, "-wal") || strstr(e->d_name, "-shm")
            || strstr(e->d_name, ".txt"))
            continue;
        found++;
        snprintf(name, size, "%s", e->d_name);
        char p[400];
        snprintf(p, sizeof p, "%s/%s", f->dir, e->d_name);
        FILE *fp = fopen(p, "rb");
        content = calloc(1, 1 << 20);
        size_t n = fread(content, 1, (1 << 20) - 1, fp);
        content[n] = '\0';
        fclose(fp);
    }
    closedir(d);
    assert_int_equal(found, 1);
    return content;
}

static void test_store__garbage_file_is_moved_aside(void **state)
{
    Fixture *f = *state;
    FILE *fp = fopen(f->db, "wb");
    fputs("this is not a database, it is a shopping list\n", fp);
    fclose(fp);
    Buf notice = BUF_INIT, err = BUF_INIT;
    Store *s = store_open(f->dir, &notice, &err);
    assert_non_null(s);
    char name[300];
    char *content = corrupt_copy(f, name, sizeof name);
    assert_string_equal(content, "this is not a database, it is a shopping list\n");
    free(content);
    char expected[1400];
    snprintf(expected, sizeof expected, "the learner database was damaged: it was kept as %s, "
             "and a new one holds what could be read (0 profiles, 0 attempts, 0 answers, 0 "
             "statements not yet sent); 1 of 1 pages could not be read (report: %s.txt)",
             name, name);
    assert_string_equal(notice.data, expected);
    assert_memory_equal(name + 20, "20", 2);                 /* a UTC time stamp */
    assert_int_equal(strlen(name), strlen("learners.db.corrupt-20261128T114500Z"));
    int64_t id;
    assert_int_equal(store_learner_add(s, "Fresh", NULL, NULL, NULL, NULL, &id), 0);
    assert_sql(f->db, "PRAGMA user_version", "3");
    store_close(s);
    /* damaged again (within the same second, most likely): a second copy,
     * the first one untouched */
    fp = fopen(f->db, "wb");
    fputs("second shopping list\n", fp);
    fclose(fp);
    buf_clear(&notice);
    s = store_open(f->dir, &notice, &err);
    assert_non_null(s);
    store_close(s);
    int copies = 0;
    DIR *d = opendir(f->dir);
    struct dirent *e;
    while ((e = readdir(d)))
        if (strncmp(e->d_name, "learners.db.corrupt-", 20) == 0 && !strstr(e->d_name, "-wal")
            && !strstr(e->d_name, "-shm") && !strstr(e->d_name, ".txt"))
            copies++;
    closedir(d);
    assert_int_equal(copies, 2);
    char first[400];
    snprintf(first, sizeof first, "%s/%s", f->dir, name);
    fp = fopen(first, "rb");
    char line[80] = "";
    assert_non_null(fgets(line, sizeof line, fp));
    fclose(fp);
    assert_string_equal(line, "this is not a database, it is a shopping list\n");
    buf_release(&notice);
    buf_release(&err);
}

/* The background sync opens a second connection while the screen holds the
 * first: it must never move the file from under the screen, nor create one. */
static void test_store__secondary_connection_never_repairs(void **state)
{
    Fixture *f = *state;
    Buf err = BUF_INIT;
    assert_null(store_open_secondary(f->dir, &err));
    assert_non_null(strstr(err.data, "no learner database"));
    assert_int_not_equal(access(f->db, F_OK), 0);           /* not created */
    FILE *fp = fopen(f->db, "wb");
    fputs("this is not a database, it is a shopping list\n", fp);
    fclose(fp);
    buf_clear(&err);
    assert_null(store_open_secondary(f->dir, &err));
    assert_non_null(strstr(err.data, "damaged"));
    assert_int_equal(access(f->db, F_OK), 0);               /* left where it was */
    DIR *d = opendir(f->dir);
    struct dirent *e;
    while ((e = readdir(d)))
        assert_int_not_equal(strncmp(e->d_name, "learners.db.corrupt-", 20), 0);
    closedir(d);
    /* a healthy store opens, and sees what the first connection wrote */
    unlink(f->db);
    Store *s = open_ok(f);
    int64_t id;
    assert_int_equal(store_learner_add(s, "Ana", NULL, NULL, NULL, NULL, &id), 0);
    buf_clear(&err);
    Store *second = store_open_secondary(f->dir, &err);
    assert_non_null(second);
    StoreLearner *list;
    size_t n;
    assert_int_equal(store_learner_list(second, &list, &n), 0);
    assert_int_equal(n, 1);
    free(list);
    store_close(second);
    store_close(s);
    buf_release(&err);
}

static void test_store__damaged_pages_are_detected(void **state)
{
    Fixture *f = *state;
    Store *s = open_ok(f);
    int64_t id, attempt;
    int resumed;
    assert_int_equal(store_learner_add(s, "Bob", "AP-1", "", "", NULL, &id), 0);
    assert_int_equal(store_login(s, id, NULL), 0);
    assert_int_equal(store_attempt_begin(s, "cp-ai", "1", "fr", SCORM_2004, &attempt,
                                         &resumed), 0);
    char item[32], text[600];
    memset(text, 'x', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    for (int i = 0; i < 60; i++) {
        snprintf(item, sizeof item, "q-%d", i);
        StoreAnswer a = { .item_id = item, .type = "other", .response = text,
                          .result = "neutral" };
        assert_int_equal(store_answer_record(s, attempt, &a), 0);
    }
    store_close(s);     /* last connection: the WAL is checkpointed into the file */
    assert_int_equal(access(f->dir, F_OK), 0);
    /* scribble over the b-tree pages after the header page */
    FILE *fp = fopen(f->db, "r+b");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long size = ftell(fp);
    assert_true(size > 8 * 4096);
    char junk[4096];
    memset(junk, 0xA5, sizeof junk);
    for (long off = 4096; off + 4096 <= size; off += 2 * 4096) {
        fseek(fp, off, SEEK_SET);
        fwrite(junk, 1, sizeof junk, fp);
    }
    fclose(fp);
    Buf notice = BUF_INIT, err = BUF_INIT;
    s = store_open(f->dir, &notice, &err);
    if (!s)
        print_error("%s\n", err.data);
    assert_non_null(s);
    assert_non_null(strstr(notice.data, "the learner database was damaged"));
    char name[300];
    free(corrupt_copy(f, name, sizeof name));
    StoreLearner *list;
    size_t n;
    assert_int_equal(store_learner_list(s, &list, &n), 0);
    assert_int_equal(n, 0);
    free(list);
    store_close(s);
    buf_release(&notice);
    buf_release(&err);
}

static void test_store__integrity_after_many_writes(void **state)
{
    Fixture *f = *state;
    Store *s = open_ok(f);
    int64_t ids[5], attempt;
    int resumed;
    char name[32], item[32];
    for (int i = 0; i < 5; i++) {
        snprintf(name, sizeof name, "Learner %d", i);
        assert_int_equal(store_learner_add(s, name, NULL, NULL, NULL, NULL, &ids[i]), 0);
    }
    CmiModel *m = cmi_new(SCORM_2004);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(store_login(s, ids[i], NULL), 0);
        assert_int_equal(store_attempt_begin(s, "cp-ai", "1", "en", SCORM_2004, &attempt,
                                             &resumed), 0);
        for (int q = 0; q < 25; q++) {
            snprintf(item, sizeof item, "q-%d", q);
            StoreAnswer a = { .item_id = item, .type = "choice", .response = "a",
                              .result = q % 2 ? "correct" : "incorrect", .weight = 1 };
            assert_int_equal(store_answer_record(s, attempt, &a), 0);
            snprintf(item, sizeof item, "p-%d", q);
            assert_int_equal(store_page_seen(s, attempt, item), 0);
            assert_int_equal(cmi_set(m, "cmi.location", item), 0);
            assert_int_equal(store_cmi_save(s, attempt, m), 0);
        }
    }
    cmi_free(m);
    store_close(s);
    assert_sql(f->db, "PRAGMA integrity_check", "ok");
    assert_sql(f->db, "SELECT count(*) FROM pragma_foreign_key_check", "0");
    assert_sql(f->db, "SELECT count(*) FROM answers", "125");
    assert_sql(f->db, "SELECT count(*) FROM pages_seen", "125");
    assert_sql(f->db, "SELECT count(*) FROM outbox", "130");
    assert_sql(f->db, "SELECT count(DISTINCT location) FROM attempts", "1");
}

static void test_store__bad_folder(void **state)
{
    (void)state;
    Buf err = BUF_INIT;
    assert_null(store_open("/nonexistent/folder", NULL, &err));
    assert_string_equal(err.data, "cannot open the data folder '/nonexistent/folder': "
                        "No such file or directory");
    buf_release(&err);
}

static void test_store__database_errors_are_reported(void **state)
{
    Fixture *f = *state;
    Store *s = open_ok(f);
    int64_t id, attempt;
    int resumed;
    assert_int_equal(store_learner_add(s, "Bob", "AP-1", "", "", NULL, &id), 0);
    assert_int_equal(store_login(s, id, NULL), 0);
    assert_int_equal(store_attempt_begin(s, "cp-ai", "1", "fr", SCORM_2004, &attempt,
                                         &resumed), 0);
    /* someone damaged the schema behind the player's back */
    sqlite3 *h;
    assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "DROP TABLE answers", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    StoreAnswer a = { .item_id = "q-1", .type = "choice", .response = "a", .result = "correct",
                      .weight = 1 };
    assert_int_equal(store_answer_record(s, attempt, &a), -1);
    assert_string_equal(store_errmsg(s), "cannot prepare a query: no such table: answers");
    /* the failed transaction was rolled back: the store keeps working */
    assert_int_equal(store_page_seen(s, attempt, "01-intro"), 0);
    assert_int_equal(store_page_was_seen(s, attempt, "01-intro"), 1);
    store_close(s);
}

static void test_store__empty_file_is_a_new_database(void **state)
{
    Fixture *f = *state;
    FILE *fp = fopen(f->db, "wb");
    fclose(fp);
    Store *s = open_ok(f);      /* no notice: nothing was lost */
    assert_sql(f->db, "PRAGMA user_version", "3");
    store_close(s);
}

/* A player killed right after an answer returned (power cut, task manager):
 * the answer is in the file. */
static void test_store__answer_survives_a_killed_process(void **state)
{
    Fixture *f = *state;
    Store *s = open_ok(f);
    int64_t id;
    assert_int_equal(store_learner_add(s, "Bob", "AP-1", "", "", NULL, &id), 0);
    store_close(s);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        Store *c = store_open(f->dir, NULL, NULL);
        int64_t attempt;
        int resumed;
        StoreAnswer a = { .item_id = "q-1", .type = "choice", .response = "b",
                          .result = "correct", .weight = 1 };
        if (!c || store_login(c, id, NULL) || store_attempt_begin(c, "cp-ai", "1", "fr",
                SCORM_2004, &attempt, &resumed) || store_answer_record(c, attempt, &a))
            _exit(1);
        raise(SIGKILL);     /* no close, no checkpoint */
        _exit(2);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGKILL);
    s = open_ok(f);
    assert_sql(f->db, "SELECT item_id || '=' || response FROM answers", "q-1=b");
    assert_sql(f->db, "SELECT count(*) FROM outbox WHERE json LIKE '%answered%'", "1");
    assert_sql(f->db, "PRAGMA quick_check", "ok");
    store_close(s);
}

/* Two players on one PC (two sessions) share the file: WAL lets one read
 * while the other writes, busy_timeout makes writers wait their turn. */
static void test_store__two_connections(void **state)
{
    Fixture *f = *state;
    Store *s1 = open_ok(f), *s2 = open_ok(f);
    int64_t a, b, at1, at2;
    int resumed;
    assert_int_equal(store_learner_add(s1, "A", NULL, NULL, NULL, NULL, &a), 0);
    assert_int_equal(store_learner_add(s2, "B", NULL, NULL, NULL, NULL, &b), 0);
    assert_int_equal(store_login(s1, a, NULL), 0);
    assert_int_equal(store_login(s2, b, NULL), 0);
    assert_int_equal(store_attempt_begin(s1, "cp-ai", "1", "fr", SCORM_2004, &at1, &resumed), 0);
    assert_int_equal(store_attempt_begin(s2, "cp-ai", "1", "fr", SCORM_2004, &at2, &resumed), 0);
    for (int i = 0; i < 10; i++) {
        char item[16];
        snprintf(item, sizeof item, "q-%d", i);
        StoreAnswer ans = { .item_id = item, .response = "a", .result = "neutral" };
        assert_int_equal(store_answer_record(i % 2 ? s1 : s2, i % 2 ? at1 : at2, &ans), 0);
    }
    StoreLearner *list;
    size_t n;
    assert_int_equal(store_learner_list(s1, &list, &n), 0);
    assert_int_equal(n, 2);
    free(list);
    store_close(s1);
    store_close(s2);
    assert_sql(f->db, "SELECT count(*) FROM answers", "10");
}

static void test_store__wrong_pins_make_the_profile_wait(void **state)
{
    Fixture *f = *state;
    Store *s = open_ok(f);
    int64_t id;
    assert_int_equal(store_learner_add(s, "Alice", NULL, NULL, NULL, "4821", &id), 0);
    for (int i = 0; i < STORE_PIN_FREE_TRIES; i++)
        assert_int_equal(store_login(s, id, "0000"), STORE_BAD_PIN);
    /* now even the right PIN waits */
    assert_int_equal(store_login(s, id, "4821"), STORE_PIN_WAIT);
    const char *msg = store_errmsg(s);
    const char *prefix = "too many wrong PINs: try again in ";
    assert_memory_equal(msg, prefix, strlen(prefix));
    int secs = atoi(msg + strlen(prefix));
    assert_true(secs >= 25 && secs <= 30);
    assert_string_equal(msg + strlen(msg) - 8, " seconds");
    assert_int_equal(store_current_learner(s), 0);
    /* once the wait is over, a further wrong PIN doubles it */
    sqlite3 *h;
    assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "UPDATE learners SET pin_locked_until = 0", NULL, NULL,
                                  NULL), SQLITE_OK);
    assert_int_equal(store_login(s, id, "1111"), STORE_BAD_PIN);
    assert_sql(f->db, "SELECT pin_locked_until - CAST(strftime('%s', 'now') AS INTEGER) "
               "BETWEEN 55 AND 60 FROM learners", "1");
    assert_int_equal(sqlite3_exec(h, "UPDATE learners SET pin_locked_until = 0", NULL, NULL,
                                  NULL), SQLITE_OK);
    sqlite3_close(h);
    /* the right PIN opens and clears the count */
    assert_int_equal(store_login(s, id, "4821"), 0);
    assert_sql(f->db, "SELECT pin_failures || ',' || pin_locked_until FROM learners", "0,0");
    store_close(s);
}

/* ---- one writer per attempt (issue 14) ------------------------------------------- */

static void begin_as(Store *s, int64_t learner, int64_t *attempt, int want)
{
    int resumed;
    assert_int_equal(store_login(s, learner, NULL), 0);
    assert_int_equal(store_attempt_begin(s, "cp-ai", "1", "fr", SCORM_2004, attempt, &resumed),
                     want);
}

/* Two players, one learner, one attempt: the second is told, may take it
 * over, and the first then writes nothing more. */
static void test_store__one_writer_per_attempt(void **state)
{
    Fixture *f = *state;
    Store *s1 = open_ok(f), *s2 = open_ok(f);
    int64_t id, at1, at2 = 0;
    assert_int_equal(store_learner_add(s1, "Bob", "AP-1", "", "", NULL, &id), 0);
    begin_as(s1, id, &at1, 0);
    StoreAnswer a = { .item_id = "q-1", .type = "choice", .response = "a", .result = "correct",
                      .weight = 1 };
    assert_int_equal(store_answer_record(s1, at1, &a), 0);
    begin_as(s2, id, &at2, STORE_IN_USE);
    assert_int_equal(at2, at1);             /* the attempt in use, to offer a take-over */
    assert_int_equal(store_attempt_take_over(s2, at2), 0);
    StoreAnswer b = { .item_id = "q-2", .type = "choice", .response = "b",
                      .result = "incorrect", .weight = 1 };
    assert_int_equal(store_answer_record(s1, at1, &b), STORE_TAKEN_OVER);
    assert_int_equal(store_page_seen(s1, at1, "02"), STORE_TAKEN_OVER);
    assert_int_equal(store_attempt_close(s1, at1), STORE_TAKEN_OVER);
    assert_sql(f->db, "SELECT count(*) FROM answers WHERE item_id = 'q-2'", "0");
    assert_sql(f->db, "SELECT count(*) FROM pages_seen", "0");
    assert_int_equal(store_answer_record(s2, at2, &b), 0);
    assert_sql(f->db, "SELECT group_concat(item_id || '=' || response) FROM answers",
               "q-1=a,q-2=b");
    /* the one that left lets go: a third opens it without a word */
    store_close(s2);
    Store *s3 = open_ok(f);
    int64_t at3;
    begin_as(s3, id, &at3, 0);
    assert_int_equal(at3, at1);
    store_close(s3);
    store_close(s1);
    assert_sql(f->db, "SELECT count(*) FROM live_attempts", "0");
}

/* A player killed with its attempt open holds nothing: its session's lock
 * went with its process. */
static void test_store__a_killed_player_holds_no_attempt(void **state)
{
    Fixture *f = *state;
    Store *s = open_ok(f);
    int64_t id, attempt;
    assert_int_equal(store_learner_add(s, "Bob", "AP-1", "", "", NULL, &id), 0);
    store_close(s);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        Store *c = store_open(f->dir, NULL, NULL);
        int64_t at;
        int resumed;
        if (!c || store_login(c, id, NULL)
            || store_attempt_begin(c, "cp-ai", "1", "fr", SCORM_2004, &at, &resumed))
            _exit(1);
        raise(SIGKILL);
        _exit(2);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_sql(f->db, "SELECT count(*) FROM live_attempts", "1");     /* its row is left */
    s = open_ok(f);
    begin_as(s, id, &attempt, 0);
    StoreAnswer a = { .item_id = "q-1", .response = "a", .result = "correct", .weight = 1 };
    assert_int_equal(store_answer_record(s, attempt, &a), 0);
    store_close(s);
}

/* Another program holding the write lock: the open and the writes wait a
 * bounded time and say "busy"; nothing is half written. */
static void test_store__a_held_lock_is_busy(void **state)
{
    Fixture *f = *state;
    Store *s = open_ok(f);
    int64_t id, attempt;
    assert_int_equal(store_learner_add(s, "Bob", "AP-1", "", "", NULL, &id), 0);
    begin_as(s, id, &attempt, 0);
    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    StoreAnswer a = { .item_id = "q-1", .response = "a", .result = "correct", .weight = 1 };
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(store_answer_record(s, attempt, &a), STORE_BUSY);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    assert_true(ms >= STORE_BUSY_MS - 100 && ms < STORE_BUSY_MS + 3000);
    int code = 0;
    Buf err = BUF_INIT;
    assert_null(store_open_with(f->dir, STORE_OPEN_PLAYER, &code, NULL, &err));
    assert_int_equal(code, STORE_BUSY);
    assert_non_null(strstr(err.data, "locked"));           /* the detail, for the log */
    sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(h);
    assert_int_equal(store_answer_record(s, attempt, &a), 0);
    assert_sql(f->db, "SELECT count(*) FROM answers", "1");
    buf_release(&err);
    store_close(s);
}

/* A file the account may not write is refused before SQLite creates
 * anything beside it (tests run as root: a child becomes nobody). */
static void test_store__an_unwritable_file_is_refused_before_sqlite(void **state)
{
    Fixture *f = *state;
    Store *s = open_ok(f);
    store_close(s);
    if (geteuid() != 0) {
        skip();
        return;
    }
    chmod(f->dir, 01777);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(3);
        int code = 0;
        Store *c = store_open_with(f->dir, STORE_OPEN_PLAYER, &code, NULL, NULL);
        _exit(c ? 1 : code == STORE_READ_ONLY ? 0 : 2);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    char p[200];
    snprintf(p, sizeof p, "%s-wal", f->db);
    assert_int_not_equal(access(p, F_OK), 0);
    snprintf(p, sizeof p, "%s-shm", f->db);
    assert_int_not_equal(access(p, F_OK), 0);
}

/* ---- scores (issue 14: one truth) ---------------------------------------------------- */

static void test_store__answers_keep_the_fraction_they_earned(void **state)
{
    Fixture *f = *state;
    double v = -1;
    assert_int_equal(store_result_score("correct", &v), 1);
    assert_true(v == 1);
    assert_int_equal(store_result_score("incorrect", &v), 1);
    assert_true(v == 0);
    assert_int_equal(store_result_score("0.5", &v), 1);
    assert_true(v == 0.5);
    assert_int_equal(store_result_score("neutral", &v), 0);
    assert_int_equal(store_result_score("1.5", &v), 0);
    assert_int_equal(store_result_score("-0.5", &v), 0);
    assert_int_equal(store_result_score("0.5x", &v), 0);
    Store *s = open_ok(f);
    int64_t id, attempt;
    assert_int_equal(store_learner_add(s, "Bob", "AP-1", "", "", NULL, &id), 0);
    begin_as(s, id, &attempt, 0);
    StoreAnswer a = { .item_id = "sc-1", .type = "choice", .response = "a[,]b",
                      .result = "0.5", .weight = 2 };
    assert_int_equal(store_answer_record(s, attempt, &a), 0);
    a.item_id = "r-1";
    a.result = "neutral";
    assert_int_equal(store_answer_record(s, attempt, &a), 0);
    assert_sql(f->db, "SELECT group_concat(item_id || '=' || ifnull(score, 'none')) FROM answers",
               "sc-1=0.5,r-1=none");
    /* the statement says 1 point of 2, and no success: a partial ending is neither */
    assert_sql(f->db, "SELECT json_extract(json, '$.result.score.raw') || '/' ||"
                      " json_extract(json, '$.result.score.max') || ' ' ||"
                      " json_extract(json, '$.result.score.scaled') || ' ' ||"
                      " ifnull(json_extract(json, '$.result.success'), 'no success')"
                      " FROM outbox WHERE json LIKE '%sc-1%'", "1.0/2.0 0.5 no success");
    store_close(s);
}

/* A version-2 file: its answers get their score from their result. */
static void test_store__migrates_version_2_scores(void **state)
{
    Fixture *f = *state;
    Store *s = open_ok(f);
    int64_t id, attempt;
    assert_int_equal(store_learner_add(s, "Bob", "AP-1", "", "", NULL, &id), 0);
    begin_as(s, id, &attempt, 0);
    StoreAnswer a = { .item_id = "q-1", .response = "a", .result = "correct", .weight = 1 };
    assert_int_equal(store_answer_record(s, attempt, &a), 0);
    a.item_id = "q-2";
    a.result = "incorrect";
    assert_int_equal(store_answer_record(s, attempt, &a), 0);
    store_close(s);
    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "DROP TABLE live_attempts; DROP INDEX outbox_by_attempt;"
                                     "ALTER TABLE answers DROP COLUMN score;"
                                     "PRAGMA user_version = 2", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    s = open_ok(f);
    assert_sql(f->db, "PRAGMA user_version", "3");
    assert_sql(f->db, "SELECT group_concat(item_id || '=' || score) FROM answers",
               "q-1=1.0,q-2=0.0");
    store_close(s);
}

/* ---- erasure and retention ---------------------------------------------------------- */

static void answer_n(Store *s, int64_t attempt, int n)
{
    for (int i = 0; i < n; i++) {
        char item[16];
        snprintf(item, sizeof item, "q-%d", i);
        StoreAnswer a = { .item_id = item, .response = "a", .result = "correct", .weight = 1,
                          .description = "Zoé Quasimodo-Vertbois answered this" };
        assert_int_equal(store_answer_record(s, attempt, &a), 0);
    }
}

/* Bytes of the file (and its WAL) hold needle anywhere: 1, else 0. */
static int file_holds(const char *path, const char *needle)
{
    char p[300];
    int found = 0;
    for (int k = 0; k < 2 && !found; k++) {
        snprintf(p, sizeof p, "%s%s", path, k ? "-wal" : "");
        FILE *fp = fopen(p, "rb");
        if (!fp)
            continue;
        size_t cap = 8 << 20;
        char *b = malloc(cap);
        size_t n = fread(b, 1, cap, fp);
        fclose(fp);
        size_t m = strlen(needle);
        for (size_t i = 0; i + m <= n && !found; i++)
            found = memcmp(b + i, needle, m) == 0;
        free(b);
    }
    return found;
}

static void test_store__forget_leaves_nothing_of_the_learner(void **state)
{
    Fixture *f = *state;
    Store *s = open_ok(f);
    int64_t zoe, max, at1, at2;
    assert_int_equal(store_learner_add(s, "Zoé Quasimodo-Vertbois", "ZQ-77", "", "", "1234",
                                       &zoe), 0);
    assert_int_equal(store_learner_add(s, "Max Durand", "MD-1", "", "", NULL, &max), 0);
    assert_int_equal(store_login(s, zoe, "1234"), 0);
    int resumed;
    assert_int_equal(store_attempt_begin(s, "cp-ai", "1", "fr", SCORM_2004, &at1, &resumed), 0);
    answer_n(s, at1, 30);
    begin_as(s, max, &at2, 0);
    StoreAnswer a = { .item_id = "q-0", .response = "a", .result = "correct", .weight = 1 };
    assert_int_equal(store_answer_record(s, at2, &a), 0);
    StoreLearner *found;
    size_t n;
    assert_int_equal(store_learner_find(s, "zoé quasimodo-vertbois", &found, &n), 0);
    assert_int_equal(n, 1);
    assert_true(found[0].id == zoe);
    free(found);
    assert_int_equal(store_learner_find(s, "ZQ-77", &found, &n), 0);
    assert_int_equal(n, 1);
    free(found);
    size_t pending = 0;
    assert_int_equal(store_outbox_count_pending(s, zoe, &pending), 0);
    assert_int_equal(pending, 31);          /* attempted + 30 answers */
    assert_true(file_holds(f->db, "ZQ-77"));
    size_t attempts, statements;
    assert_int_equal(store_learner_forget(s, zoe, &attempts, &statements), 0);
    assert_int_equal(attempts, 1);
    assert_int_equal(statements, 31);
    assert_sql(f->db, "SELECT count(*) FROM learners", "1");
    assert_sql(f->db, "SELECT count(*) FROM answers", "1");
    assert_sql(f->db, "SELECT count(*) FROM outbox", "2");
    /* overwritten, not only unlinked: neither the file nor its WAL keeps a trace */
    assert_false(file_holds(f->db, "ZQ-77"));
    assert_false(file_holds(f->db, "Quasimodo"));
    assert_true(file_holds(f->db, "MD-1"));
    assert_int_equal(store_learner_forget(s, zoe, &attempts, &statements), STORE_NOT_FOUND);
    store_close(s);
}

static void test_store__retention_purges_finished_sent_attempts(void **state)
{
    Fixture *f = *state;
    Store *s = open_ok(f);
    int64_t id, old_sent, old_unsent, recent, open_old;
    assert_int_equal(store_learner_add(s, "Bob", "AP-1", "", "", NULL, &id), 0);
    int resumed;
    assert_int_equal(store_login(s, id, NULL), 0);
    const char *pkgs[] = { "cp-a", "cp-b", "cp-c", "cp-d" };
    int64_t *ids[] = { &old_sent, &old_unsent, &recent, &open_old };
    for (int i = 0; i < 4; i++) {
        assert_int_equal(store_attempt_begin(s, pkgs[i], "1", "fr", SCORM_2004, ids[i],
                                             &resumed), 0);
        answer_n(s, *ids[i], 2);
        if (i != 3)
            assert_int_equal(store_attempt_close(s, *ids[i]), 0);
    }
    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
    char sql[300];
    snprintf(sql, sizeof sql, "UPDATE attempts SET updated = '2020-01-01T00:00:00Z' WHERE id"
             " IN (%lld, %lld, %lld); UPDATE outbox SET sent_at = '2020-01-02T00:00:00Z' WHERE"
             " attempt IN (%lld, %lld, %lld)", (long long)old_sent, (long long)old_unsent,
             (long long)open_old, (long long)old_sent, (long long)recent, (long long)open_old);
    assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    size_t n = 99;
    assert_int_equal(store_purge_finished(s, 0, &n), STORE_INVALID);
    assert_int_equal(store_purge_finished(s, 365, &n), 0);
    assert_int_equal(n, 1);
    /* gone: the old, finished, fully sent one; kept: unsent, recent, unfinished */
    snprintf(sql, sizeof sql, "SELECT group_concat(package_id) FROM attempts");
    assert_sql(f->db, sql, "cp-b,cp-c,cp-d");
    assert_sql(f->db, "SELECT count(*) FROM answers", "6");
    assert_sql(f->db, "SELECT count(*) FROM outbox WHERE attempt IS NULL", "0");
    store_close(s);
}

/* ---- salvage ---------------------------------------------------------------------- */

/* A header overwritten: every row comes back, a long answer text (spread
 * over overflow pages) byte for byte. */
static void test_store__salvage_reads_overflow_pages(void **state)
{
    Fixture *f = *state;
    Store *s = open_ok(f);
    int64_t id, attempt;
    assert_int_equal(store_learner_add(s, "Bob", "AP-1", "", "", NULL, &id), 0);
    begin_as(s, id, &attempt, 0);
    static char big[20001];
    for (int i = 0; i < 20000; i++)
        big[i] = (char)('a' + i % 26);
    StoreAnswer a = { .item_id = "r-long", .type = "long-fill-in", .response = big,
                      .result = "neutral" };
    assert_int_equal(store_answer_record(s, attempt, &a), 0);
    store_close(s);
    FILE *fp = fopen(f->db, "r+b");
    assert_non_null(fp);
    assert_int_equal(fwrite("garbage garbage garbage garbage garbage garbage garbage", 1, 50, fp),
                     50);
    fclose(fp);
    StoreSalvage rep;
    int code = 0;
    Buf err = BUF_INIT;
    s = store_open_with(f->dir, STORE_OPEN_PLAYER, &code, &rep, &err);
    assert_non_null(s);
    assert_int_equal(rep.done, 1);
    assert_int_equal(rep.learners, 1);
    assert_int_equal(rep.attempts, 1);
    assert_int_equal(rep.answers, 1);
    assert_int_equal(rep.bad_pages, 0);
    char *v = sql_value(f->db, "SELECT response FROM answers");
    assert_non_null(v);
    assert_string_equal(v, big);
    free(v);
    /* the admin's commands see a damaged store as damaged, and leave it */
    store_close(s);
    fp = fopen(f->db, "r+b");
    assert_int_equal(fwrite("garbage garbage garbage garbage garbage garbage garbage", 1, 50, fp),
                     50);
    fclose(fp);
    buf_clear(&err);
    assert_null(store_open_with(f->dir, 0, &code, NULL, &err));
    assert_int_equal(code, STORE_DAMAGED);
    buf_release(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_store__profiles_and_pins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__answers_are_committed_at_once, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_store__resume_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__outbox, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__migrates_version_1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__refuses_newer_schema, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__garbage_file_is_moved_aside, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_store__damaged_pages_are_detected, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_store__integrity_after_many_writes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_store__database_errors_are_reported, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_store__empty_file_is_a_new_database, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_store__answer_survives_a_killed_process, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_store__two_connections, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__secondary_connection_never_repairs, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_store__wrong_pins_make_the_profile_wait, setup,
                                        teardown),
        cmocka_unit_test(test_store__bad_folder),
        cmocka_unit_test_setup_teardown(test_store__one_writer_per_attempt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__a_killed_player_holds_no_attempt, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_store__a_held_lock_is_busy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__an_unwritable_file_is_refused_before_sqlite,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__answers_keep_the_fraction_they_earned, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_store__migrates_version_2_scores, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__forget_leaves_nothing_of_the_learner, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_store__retention_purges_finished_sent_attempts,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__salvage_reads_overflow_pages, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
