/* Messages for people (issue 14): every message the player can show, in
 * every catalogue, is free of SQL, of a library's own error text (SQLite's,
 * the C library's, libcurl's, libarchive's), of paths and file names, and
 * the French one of the English words those errors are made of. (That a
 * French message reads French at all is test_msg.c's.) The screens never
 * put technical text into a message: tests/integration/store_messages.sh
 * checks the sources for that, and the store tests read the frames. */
#define _GNU_SOURCE     /* strcasestr */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <sqlite3.h>

#include "msg.h"

/* Search for needle as a whole word (or phrase): case-insensitive, but an
 * all-capitals needle (an SQL keyword) matches capitals only ("Tab select"
 * is English, "SELECT" is SQL). */
static int has_word(const char *text, const char *needle)
{
    size_t n = strlen(needle);
    int caps = 1;
    for (size_t i = 0; i < n; i++)
        caps &= !islower((unsigned char)needle[i]);
    for (const char *p = text; *p; p++) {
        if ((caps ? strncmp(p, needle, n) : strncasecmp(p, needle, n)) != 0)
            continue;
        int before = p == text || !isalnum((unsigned char)p[-1]);
        int after = !isalnum((unsigned char)p[n]);
        if (before && after)
            return 1;
    }
    return 0;
}

static void each_message(void (*check)(MsgLang, MsgId, const char *, void *), void *ud)
{
    for (int l = 0; l < MSG_LANG_COUNT; l++)
        for (int i = 0; i < MSG_COUNT; i++)
            check((MsgLang)l, (MsgId)i, msg_get((MsgLang)l, (MsgId)i), ud);
}

/* ---- SQL ------------------------------------------------------------------ */

static const char *const sql_words[] = {
    "SELECT", "INSERT", "UPDATE", "DELETE", "BEGIN", "COMMIT", "ROLLBACK", "PRAGMA",
    "SQLite", "SQL", "database", "journal_mode", "WAL", "constraint", "rowid", "schema", "BLOB",
    "IMMEDIATE", "checkpoint", "learners.db", NULL,
};

static void no_sql(MsgLang l, MsgId id, const char *t, void *ud)
{
    (void)ud;
    for (int k = 0; sql_words[k]; k++)
        if (has_word(t, sql_words[k]))
            fail_msg("%s (%s) speaks SQL ('%s'): \"%s\"", msg_key(id), msg_lang_code(l),
                     sql_words[k], t);
}

static void test_msg_people__no_sql(void **state)
{
    (void)state;
    each_message(no_sql, NULL);
}

/* ---- library error texts ------------------------------------------------------ */

typedef struct Texts {
    char **t;               /* copies: strerror() may reuse its buffer */
    size_t n;
} Texts;

static void add(Texts *x, const char *t)
{
    /* short ones ("Success", "OK") are words any message may hold, and
     * "Unknown error 42" is no library's message */
    if (!t || strlen(t) < 12 || strncmp(t, "Unknown error", 13) == 0)
        return;
    x->t = realloc(x->t, (x->n + 1) * sizeof *x->t);
    x->t[x->n++] = strdup(t);
}

static void no_library_text(MsgLang l, MsgId id, const char *t, void *ud)
{
    const Texts *x = ud;
    for (size_t k = 0; k < x->n; k++)
        if (strcasestr(t, x->t[k]))
            fail_msg("%s (%s) holds a library's error text \"%s\": \"%s\"", msg_key(id),
                     msg_lang_code(l), x->t[k], t);
}

static void test_msg_people__no_library_error_text(void **state)
{
    (void)state;
    Texts x = { NULL, 0 };
    for (int rc = 0; rc < 1 << 12; rc++) {
        const char *e = sqlite3_errstr(rc);
        if (e && strcmp(e, "unknown error") != 0)
            add(&x, e);
    }
    for (int e = 1; e < 134; e++)
        add(&x, strerror(e));
    for (int c = 1; c < CURL_LAST; c++)
        add(&x, curl_easy_strerror((CURLcode)c));
    /* libarchive's messages come from its handles; the ones a zip read meets */
    static const char *const archive_texts[] = {
        "Truncated input file", "Damaged tar archive", "Unrecognized archive format",
        "Truncated ZIP file data", "Invalid central directory signature", "Bad ZIP file",
        "Unsupported ZIP compression method", "ZIP bad CRC", "escapes the package",
        "rebuild the zip", "out of memory", "disk I/O error", "database is locked", NULL,
    };
    for (int k = 0; archive_texts[k]; k++)
        add(&x, archive_texts[k]);
    assert_true(x.n > 150);         /* the lists really were read */
    each_message(no_library_text, &x);
    for (size_t k = 0; k < x.n; k++)
        free(x.t[k]);
    free(x.t);
}

/* ---- paths and file names --------------------------------------------------------- */

static void no_path(MsgLang l, MsgId id, const char *t, void *ud)
{
    (void)ud;
    static const char *const names[] = {
        "/tmp", "/home", "/etc", "/var", "/usr", "C:\\", "\\Users", ".db", ".zip", ".log",
        ".conf", ".json", NULL,
    };
    for (int k = 0; names[k]; k++)
        if (strstr(t, names[k]))
            fail_msg("%s (%s) names a file or path ('%s'): \"%s\"", msg_key(id),
                     msg_lang_code(l), names[k], t);
}

static void test_msg_people__no_paths(void **state)
{
    (void)state;
    each_message(no_path, NULL);
}

/* ---- English words of error texts in French ------------------------------------ */

static void no_english_error(MsgLang l, MsgId id, const char *t, void *ud)
{
    (void)ud;
    static const char *const words[] = {
        "cannot", "error", "failed", "failure", "wrong", "too many", "not saved", "saved",
        "locked", "busy", "denied", "permission", "read-only", "disk", "full", "file",
        "please", "try again", "seconds", "unable", "invalid", NULL,
    };
    if (l != MSG_LANG_FR)
        return;
    for (int k = 0; words[k]; k++)
        if (has_word(t, words[k]))
            fail_msg("%s in French reads English ('%s'): \"%s\"", msg_key(id), words[k], t);
}

static void test_msg_people__no_english_error_words_in_french(void **state)
{
    (void)state;
    each_message(no_english_error, NULL);
}

/* The checks above can fail: each finds what it looks for in a bad text. */
static void test_msg_people__the_checks_bite(void **state)
{
    (void)state;
    assert_true(has_word("Non enregistré : cannot run 'BEGIN IMMEDIATE'", "BEGIN"));
    assert_true(has_word("x database is locked", "database"));
    assert_false(has_word("databases", "database"));
    assert_false(has_word("Tab select", "SELECT"));
    assert_true(has_word("Non enregistré : too many wrong PINs", "too many"));
    assert_non_null(strcasestr("cannot set journal_mode=WAL: disk I/O error",
                               sqlite3_errstr(SQLITE_IOERR)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_msg_people__the_checks_bite),
        cmocka_unit_test(test_msg_people__no_sql),
        cmocka_unit_test(test_msg_people__no_library_error_text),
        cmocka_unit_test(test_msg_people__no_paths),
        cmocka_unit_test(test_msg_people__no_english_error_words_in_french),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
