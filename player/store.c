/* store: SQLite through prepare/bind/step/finalize, every rc checked and
 * reported with sqlite3_errmsg. The schema is built by running migrations
 * from PRAGMA user_version up to STORE_SCHEMA_VERSION, so a new file and an
 * old one take the same path. Writes are BEGIN IMMEDIATE ... COMMIT, with
 * synchronous=FULL: when a function returns 0 its data is on disk.
 *
 * PIN: libsodium crypto_pwhash_str (Argon2id) with opslimit 2 and 32 MiB.
 * libsodium's "interactive" limits use 64 MiB; ward PCs are often old
 * machines with 2-4 GB shared with the EHR client and a browser, and the PIN
 * is checked on a profile click, so we halve the memory and keep the
 * interactive pass count (about 0.1 s on such a PC). A 4-digit PIN has only
 * 10,000 values, so no hash makes it strong against someone who copies the
 * file; the hash keeps PINs unreadable and makes each guess cost time, and
 * the PIN only guards a profile against a colleague at the same PC. The
 * parameters are inside the hash string: a later change applies on the next
 * successful login (crypto_pwhash_str_needs_rehash). */
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <sqlite3.h>

#include "live_lock.h"
#include "os.h"
#include "store_salvage.h"
#include "xapi.h"

#define PIN_OPSLIMIT 2ULL
#define PIN_MEMLIMIT (32u * 1024 * 1024)

struct Store {
    sqlite3 *db;
    char *dir, *path;       /* owned */
    Buf err;                /* technical detail of the last error */
    int code;               /* StoreCode of the last error */
    int pin_wait;           /* seconds, after STORE_PIN_WAIT */
    int64_t learner;        /* open profile, 0 when none */
    unsigned flags;         /* STORE_OPEN_* */
    LiveLock *live;         /* the sessions' locks; NULL without session or salvage */
    int64_t slot;           /* this session's byte in it, 0 when none */
    char session[37];       /* this session's id, "" when not a session */
    int64_t cmi5_attempt;   /* the cmi5 attempt whose session is open, 0 when none */
    XapiCmi5 cmi5;          /* that session (xapi.h's cmi5 profile) */
    int64_t cmi5_last_ms;   /* when its last statement was queued (wall clock, ms) */
};

/* ---- errors and small helpers -------------------------------------------- */

const char *store_code_name(int code)
{
    switch (code) {
    case STORE_OK: return "ok";
    case STORE_BAD_PIN: return "bad-pin";
    case STORE_LOCKED: return "no-profile";
    case STORE_INVALID: return "invalid";
    case STORE_NOT_FOUND: return "not-found";
    case STORE_PIN_WAIT: return "pin-wait";
    case STORE_BUSY: return "busy";
    case STORE_READ_ONLY: return "read-only";
    case STORE_FULL: return "full";
    case STORE_DAMAGED: return "damaged";
    case STORE_TOO_NEW: return "too-new";
    case STORE_IN_USE: return "in-use";
    case STORE_TAKEN_OVER: return "taken-over";
    case STORE_IO: return "io";
    default: return "error";
    }
}

/* The StoreCode of an errno from the file system. */
static int code_of_errno(int e, int dflt)
{
    if (e == ENOSPC || e == EDQUOT)
        return STORE_FULL;
    if (e == EACCES || e == EPERM || e == EROFS)
        return STORE_READ_ONLY;
    if (e == EIO)
        return STORE_IO;
    return dflt;
}

/* The StoreCode of an SQLite result (primary or extended): the errno of the
 * failed system call tells a full disk or a refused write hidden behind
 * SQLITE_IOERR or SQLITE_CANTOPEN. */
static int code_of(const Store *s, int rc)
{
    int e = s->db ? sqlite3_system_errno(s->db) : 0;
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return STORE_BUSY;
    case SQLITE_FULL:
        return STORE_FULL;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
        return STORE_READ_ONLY;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return STORE_DAMAGED;
    case SQLITE_IOERR:
        if (rc == SQLITE_IOERR_NOMEM)
            return STORE_ERROR;
        return code_of_errno(e, STORE_IO);
    case SQLITE_CANTOPEN:
        return code_of_errno(e, STORE_IO);
    default:
        return STORE_ERROR;
    }
}

/* Records "what: sqlite3_errmsg" and returns the StoreCode of rc. */
static int rc_fail(Store *s, int rc, const char *what, const char *msg)
{
    buf_clear(&s->err);
    buf_printf(&s->err, "%s: %s", what, msg ? msg : s->db ? sqlite3_errmsg(s->db) : "no database");
    int e = s->db ? sqlite3_system_errno(s->db) : 0;
    if (e && ((rc & 0xff) == SQLITE_IOERR || (rc & 0xff) == SQLITE_CANTOPEN
              || (rc & 0xff) == SQLITE_FULL))
        buf_printf(&s->err, " (%s)", strerror(e));
    s->code = code_of(s, rc);
    return s->code;
}

static int db_fail(Store *s, const char *what)
{
    return rc_fail(s, s->db ? sqlite3_extended_errcode(s->db) : SQLITE_CANTOPEN, what, NULL);
}

static int set_err(Store *s, int code, const char *what)
{
    buf_clear(&s->err);
    buf_puts(&s->err, what);
    s->code = code;
    return code;
}

/* The code of the last error, for a cleanup label. */
static int last_code(const Store *s)
{
    return s->code < 0 ? s->code : STORE_ERROR;
}

const char *store_errmsg(const Store *s)
{
    return s->err.data;
}

int store_pin_wait(const Store *s)
{
    return s->pin_wait;
}

static int exec(Store *s, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        Buf what = BUF_INIT;
        buf_printf(&what, "cannot run '%.60s'", sql);
        rc_fail(s, sqlite3_extended_errcode(s->db), what.data, msg);
        buf_release(&what);
        sqlite3_free(msg);
        return s->code;
    }
    return 0;
}

static sqlite3_stmt *prep(Store *s, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        db_fail(s, "cannot prepare a query");
        return NULL;
    }
    return st;
}

/* Binds text, NULL pointers as SQL NULL. */
static int bind_text(Store *s, sqlite3_stmt *st, int i, const char *v)
{
    int rc = v ? sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i);
    return rc == SQLITE_OK ? 0 : db_fail(s, "cannot bind a value");
}

static int bind_int(Store *s, sqlite3_stmt *st, int i, int64_t v)
{
    return sqlite3_bind_int64(st, i, v) == SQLITE_OK ? 0 : db_fail(s, "cannot bind a value");
}

/* Steps a statement that returns no row, then finalizes it. */
static int run(Store *s, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    int ret = rc == SQLITE_DONE ? 0 : db_fail(s, what);
    sqlite3_finalize(st);
    return ret;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

/* Whether s is well-formed UTF-8 (no overlongs, surrogates or values past
 * U+10FFFF): what jansson accepts, so that every stored text can go into an
 * xAPI statement. NULL counts as valid. */
static int utf8_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    if (!p)
        return 1;
    while (*p) {
        unsigned c = *p;
        int n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2
            : (c & 0xF8) == 0xF0 ? 3 : -1;
        if (n < 0)
            return 0;
        unsigned cp = n == 0 ? c : n == 1 ? c & 0x1F : n == 2 ? c & 0x0F : c & 0x07;
        p++;
        for (int i = 0; i < n; i++, p++) {
            if ((*p & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (*p & 0x3F);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000)
            || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
    }
    return 1;
}

static int64_t now_ms(void)
{
    return (int64_t)os_now_ms();
}

static void now_iso(Buf *out)
{
    cmi_timestamp_format(now_ms(), out);
}

static int begin(Store *s)
{
    return exec(s, "BEGIN IMMEDIATE");
}

static int commit(Store *s)
{
    return exec(s, "COMMIT");
}

static void rollback(Store *s)
{
    if (s->db && !sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Runs one statement with up to two integer parameters; *changes (may be
 * NULL) gets the rows it changed. */
static int run_ints(Store *s, const char *sql, int64_t a, int64_t b, size_t *changes,
                    const char *what)
{
    sqlite3_stmt *st = prep(s, sql);
    if (!st)
        return last_code(s);
    int n = sqlite3_bind_parameter_count(st);
    if ((n >= 1 && bind_int(s, st, 1, a) < 0) || (n >= 2 && bind_int(s, st, 2, b) < 0)) {
        sqlite3_finalize(st);
        return last_code(s);
    }
    int rc = run(s, st, what);
    if (rc == 0 && changes)
        *changes = (size_t)sqlite3_changes(s->db);
    return rc;
}

int store_result_score(const char *result, double *score)
{
    if (!result)
        return 0;
    if (strcmp(result, "correct") == 0) {
        *score = 1;
        return 1;
    }
    if (strcmp(result, "incorrect") == 0 || strcmp(result, "wrong") == 0) {
        *score = 0;
        return 1;
    }
    /* a SCORM 2004 real (RTE 4.2.9.1: "real(10,7)"), the fraction earned */
    char *end;
    errno = 0;
    double v = strtod(result, &end);
    if (end != result && !*end && !errno && v >= 0 && v <= 1 && (*result >= '0' && *result <= '9')) {
        *score = v;
        return 1;
    }
    return 0;
}

/* ---- schema and migrations ----------------------------------------------- */

/* Version 1: profiles, attempts, CMI values, answers, pages seen, settings. */
static const char schema_v1[] =
    "CREATE TABLE learners("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " staff_id TEXT NOT NULL DEFAULT '',"
    " role TEXT NOT NULL DEFAULT '',"
    " setting TEXT NOT NULL DEFAULT '',"
    " pin_hash TEXT,"
    " uuid TEXT NOT NULL UNIQUE,"
    " created TEXT NOT NULL);"
    "CREATE TABLE attempts("
    " id INTEGER PRIMARY KEY,"
    " uuid TEXT NOT NULL UNIQUE,"
    " learner INTEGER NOT NULL REFERENCES learners(id) ON DELETE CASCADE,"
    " package_id TEXT NOT NULL,"
    " version TEXT NOT NULL,"
    " lang TEXT NOT NULL,"
    " edition INTEGER NOT NULL,"
    " started TEXT NOT NULL,"
    " updated TEXT NOT NULL,"
    " completion TEXT NOT NULL DEFAULT 'unknown',"
    " success TEXT NOT NULL DEFAULT 'unknown',"
    " score_raw REAL, score_min REAL, score_max REAL, score_scaled REAL,"
    " location TEXT NOT NULL DEFAULT '',"
    " suspend_data TEXT NOT NULL DEFAULT '',"
    " total_ms INTEGER NOT NULL DEFAULT 0,"
    " closed INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE cmi_values("
    " attempt INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,"
    " seq INTEGER NOT NULL,"
    " element TEXT NOT NULL,"
    " value TEXT NOT NULL,"
    " PRIMARY KEY(attempt, element));"
    "CREATE TABLE answers("
    " id INTEGER PRIMARY KEY,"
    " attempt INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,"
    " item_id TEXT NOT NULL,"
    " type TEXT NOT NULL DEFAULT '',"
    " description TEXT,"
    " response TEXT NOT NULL,"
    " correct_pattern TEXT,"
    " result TEXT NOT NULL,"
    " weight REAL NOT NULL DEFAULT 0,"
    " latency_ms INTEGER NOT NULL DEFAULT 0,"
    " timestamp TEXT NOT NULL);"
    "CREATE TABLE pages_seen("
    " attempt INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,"
    " page TEXT NOT NULL,"
    " first_seen TEXT NOT NULL,"
    " PRIMARY KEY(attempt, page));"
    "CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);";

/* Version 2: wrong PINs in a row per profile and the time (Unix seconds)
 * before which its PIN is refused, the xAPI outbox, and indexes. */
static const char schema_v2[] =
    "ALTER TABLE learners ADD COLUMN pin_failures INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE learners ADD COLUMN pin_locked_until INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE outbox("
    " id TEXT PRIMARY KEY,"
    " attempt INTEGER REFERENCES attempts(id) ON DELETE SET NULL,"
    " json TEXT NOT NULL,"
    " created TEXT NOT NULL,"
    " sent_at TEXT);"
    "CREATE INDEX attempts_by_learner ON attempts(learner, package_id, closed);"
    "CREATE INDEX answers_by_attempt ON answers(attempt);";

/* Version 3: the fraction of its weight each answer earned (NULL: it scores
 * nothing), the one writer of each open attempt, and statements by attempt
 * (erasure and retention find them). */
static const char schema_v3[] =
    "ALTER TABLE answers ADD COLUMN score REAL;"
    "UPDATE answers SET score = CASE"
    " WHEN result = 'correct' THEN 1.0"
    " WHEN result IN ('incorrect', 'wrong') THEN 0.0"
    " WHEN result GLOB '[0-9]*' AND CAST(result AS REAL) BETWEEN 0 AND 1"
    "  THEN CAST(result AS REAL) END;"
    "CREATE TABLE live_attempts("
    " attempt INTEGER PRIMARY KEY REFERENCES attempts(id) ON DELETE CASCADE,"
    " session TEXT NOT NULL,"
    " slot INTEGER NOT NULL,"
    " since TEXT NOT NULL);"
    "CREATE INDEX outbox_by_attempt ON outbox(attempt);";

static const char *const migrations[] = { schema_v1, schema_v2, schema_v3 };

static int outbox_backfill(Store *s);

static int user_version(Store *s, int *v)
{
    sqlite3_stmt *st = prep(s, "PRAGMA user_version");
    if (!st)
        return last_code(s);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        rc = db_fail(s, "cannot read the schema version");
        sqlite3_finalize(st);
        return rc;
    }
    *v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return 0;
}

/* Brings the schema up to date; a session also records the time it opened
 * the store, a real write (a WAL frame, synced) that proves at start that
 * answers can be written: a full disk or a refused write shows here rather
 * than at the first answer. */
static int migrate(Store *s)
{
    int v = 0;
    if (begin(s) < 0)
        return last_code(s);
    if (user_version(s, &v) < 0)
        goto fail;
    if (v > STORE_SCHEMA_VERSION) {
        buf_clear(&s->err);
        buf_printf(&s->err, "%s has schema version %d, newer than this wardplayer knows (%d) "
                   "(install the newer wardplayer)", s->path, v, STORE_SCHEMA_VERSION);
        s->code = STORE_TOO_NEW;
        goto fail;
    }
    int from = v;
    for (; v < STORE_SCHEMA_VERSION; v++) {
        char sql[64];
        if (exec(s, migrations[v]) < 0)
            goto fail;
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v + 1);
        if (exec(s, sql) < 0)
            goto fail;
    }
    /* results recorded before the outbox existed become statements too */
    if (from == 1 && outbox_backfill(s) < 0)
        goto fail;
    if (s->session[0]) {
        Buf now = BUF_INIT;
        now_iso(&now);
        sqlite3_stmt *st = prep(s, "INSERT INTO settings(key, value) VALUES('store.opened', ?1)"
                                   " ON CONFLICT(key) DO UPDATE SET value = excluded.value");
        int bad = !st || bind_text(s, st, 1, now.data) < 0;
        buf_release(&now);
        if (bad) {
            sqlite3_finalize(st);
            goto fail;
        }
        if (run(s, st, "cannot write to the learner database") < 0)
            goto fail;
    }
    if (commit(s) < 0)
        goto fail;
    return 0;
fail:
    rollback(s);
    return last_code(s);
}

/* ---- open, checks, corruption, close --------------------------------------- */

/* 1 when the open database file is not empty and does not start with
 * SQLite's 16-byte header; 0 otherwise. Read through the connection's own
 * file handle: opening and closing the file another way drops every POSIX
 * lock of this process on it, another connection's too (the player's
 * background sync opens a second one), and the next process to close the
 * database would then delete the WAL still in use (sqlite.org/howtocorrupt
 * 2.2). */
static int not_sqlite(Store *s)
{
    sqlite3_file *f = NULL;
    sqlite3_int64 size = 0;
    char head[16];
    if (sqlite3_file_control(s->db, "main", SQLITE_FCNTL_FILE_POINTER, &f) != SQLITE_OK ||
        !f || !f->pMethods || f->pMethods->xFileSize(f, &size) != SQLITE_OK || size == 0)
        return 0;
    if (size < (sqlite3_int64)sizeof head)
        return 1;
    if (f->pMethods->xRead(f, head, sizeof head, 0) != SQLITE_OK)
        return 0;
    return memcmp(head, "SQLite format 3", 16) != 0;
}

/* PRAGMA quick_check: 0 when "ok", 1 when damaged, <0 (a code) on another
 * error. */
static int quick_check(Store *s)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, "PRAGMA quick_check", -1, &st, NULL);
    if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
        return 1;
    if (rc != SQLITE_OK)
        return db_fail(s, "cannot check the learner database");
    rc = sqlite3_step(st);
    int damaged = 0;
    if (rc == SQLITE_ROW)
        damaged = strcmp(col_text(st, 0), "ok") != 0;
    else if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
        damaged = 1;
    else if (rc != SQLITE_DONE)
        damaged = db_fail(s, "cannot check the learner database");
    sqlite3_finalize(st);
    return damaged;
}

static int open_db(Store *s, int create)
{
    int rc = sqlite3_open_v2(s->path, &s->db,
                             SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0), NULL);
    if (rc != SQLITE_OK)
        return rc_fail(s, rc, "cannot open the learner database", NULL);
    sqlite3_extended_result_codes(s->db, 0);
    /* a file this account may only read opens read-only: say so now, not at
     * the first answer */
    if (sqlite3_db_readonly(s->db, "main") == 1) {
        buf_clear(&s->err);
        buf_printf(&s->err, "cannot write '%s': the file is read-only for this account",
                   s->path);
        s->code = STORE_READ_ONLY;
        return s->code;
    }
    sqlite3_busy_timeout(s->db, STORE_START_WAIT_MS);
    return 0;
}

static void close_db(Store *s)
{
    if (s->db)
        sqlite3_close(s->db);
    s->db = NULL;
}

/* Settings applied on each connection. journal_mode=WAL fails on a file
 * that is not a database, which is how some damage shows first.
 * secure_delete: a forgotten learner's rows are overwritten, not left in
 * free pages (and a salvage never brings deleted rows back). */
static int configure(Store *s, int *damaged)
{
    *damaged = 0;
    char *msg = NULL;
    int rc = sqlite3_exec(s->db, "PRAGMA journal_mode=WAL", NULL, NULL, &msg);
    if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT) {
        sqlite3_free(msg);
        *damaged = 1;
        return 0;
    }
    if (rc != SQLITE_OK) {
        rc_fail(s, sqlite3_extended_errcode(s->db), "cannot open the learner database", msg);
        sqlite3_free(msg);
        return s->code;
    }
    sqlite3_free(msg);
    int q = quick_check(s);
    if (q < 0)
        return q;
    if (q > 0) {
        *damaged = 1;
        return 0;
    }
    return exec(s, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON");
}

/* Whether this account may write path (0), else a code with the reason;
 * a missing file is fine when it may be created (then its folder counts). */
static int may_write(Store *s, const char *path)
{
    if (!os_exists(path) || os_may_write(path) == 0)
        return 0;
    int e = errno;
    buf_clear(&s->err);
    buf_printf(&s->err, "cannot write '%s': %s", path, strerror(e));
    s->code = code_of_errno(e, STORE_READ_ONLY);
    return s->code;
}

/* The checks made before SQLite opens anything: SQLite opens a file it may
 * not write read-only without a word, and creates -wal and -shm files owned
 * by this account beside a file another account owns, which then locks the
 * owner out of its own store. Here nothing has been created yet. */
static int check_writable(Store *s, int session)
{
    static const char *const sidecars[] = { "", "-wal", "-shm" };
    if (os_may_create_in(s->dir) != 0) {
        int e = errno;
        buf_clear(&s->err);
        buf_printf(&s->err, "cannot write in the data folder '%s': %s", s->dir, strerror(e));
        s->code = code_of_errno(e, STORE_READ_ONLY);
        return s->code;
    }
    for (int i = 0; i < 3; i++) {
        Buf p = BUF_INIT;
        buf_printf(&p, "%s%s", s->path, sidecars[i]);
        int rc = may_write(s, p.data);
        buf_release(&p);
        if (rc)
            return rc;
    }
    unsigned long long free_bytes;
    if (session && os_free_space(s->dir, &free_bytes) == 0 && free_bytes < STORE_MIN_FREE) {
        buf_clear(&s->err);
        buf_printf(&s->err, "the disk of '%s' is full (%llu bytes free, %d needed)", s->dir,
                   free_bytes, STORE_MIN_FREE);
        s->code = STORE_FULL;
        return s->code;
    }
    return 0;
}

/* Opens the sessions' lock file, takes a slot for a session, and waits
 * (STORE_START_WAIT_MS at most) while a salvage holds the barrier. */
static int live_start(Store *s, int session)
{
    Buf p = BUF_INIT, err = BUF_INIT;
    int eno = 0;
    buf_printf(&p, "%s/%s", s->dir, STORE_LIVE_FILE);
    s->live = live_lock_open(p.data, &eno, &err);
    buf_release(&p);
    if (!s->live) {
        set_err(s, code_of_errno(eno, STORE_ERROR), err.data);
        buf_release(&err);
        return s->code;
    }
    buf_release(&err);
    if (!session)
        return 0;
    if (live_lock_take_slot(s->live, &s->slot) < 0) {
        s->slot = 0;
        buf_clear(&s->err);
        buf_printf(&s->err, "cannot lock a session slot: %s", strerror(errno));
        s->code = STORE_ERROR;
        return s->code;
    }
    xapi_uuid_random(s->session);
    for (int waited = 0;; waited += 50) {
        int held = live_lock_held(s->live, 0, 1);
        if (held <= 0)
            break;
        if (waited >= STORE_START_WAIT_MS)
            return set_err(s, STORE_BUSY, "another player is salvaging the learner database");
        os_sleep_ms(50);
    }
    return 0;
}

/* Renames path (and its -wal/-shm companions) to path.corrupt-<stamp>;
 * never deletes. Puts the new name in aside. */
static int move_aside(Store *s, Buf *aside)
{
    char stamp[32];
    struct tm tm;
    os_gmtime((long long)time(NULL), &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    for (int i = 0; i < 100; i++) {
        buf_clear(aside);
        buf_printf(aside, "%s.corrupt-%s", s->path, stamp);
        if (i)
            buf_printf(aside, "-%d", i);
        if (!os_exists(aside->data))
            break;
    }
    /* rename() would replace an existing file: never lose an older copy */
    if (os_exists(aside->data)) {
        buf_clear(&s->err);
        buf_printf(&s->err, "cannot move the damaged %s aside: too many copies already "
                   "(move the learners.db.corrupt-* files away)", s->path);
        s->code = STORE_ERROR;
        return s->code;
    }
    if (os_rename(s->path, aside->data) != 0) {
        int e = errno;
        buf_clear(&s->err);
        buf_printf(&s->err, "cannot move the damaged %s aside: %s", s->path, strerror(e));
        s->code = code_of_errno(e, STORE_ERROR);
        return s->code;
    }
    static const char *const sidecars[] = { "-wal", "-shm" };
    for (int i = 0; i < 2; i++) {
        Buf from = BUF_INIT, to = BUF_INIT;
        buf_printf(&from, "%s%s", s->path, sidecars[i]);
        buf_printf(&to, "%s%s", aside->data, sidecars[i]);
        if (os_exists(from.data))
            os_rename(from.data, to.data);
        buf_release(&from);
        buf_release(&to);
    }
    return 0;
}

/* A damaged file: reads what it can into a new store built beside it, keeps
 * the damaged file (and its WAL) under a new name, puts the new store in its
 * place, and writes the report. Only while no other player has the store
 * open: it is replaced under their feet otherwise. */
static int salvage_store(Store *s, StoreSalvage *rep)
{
    Buf tmp = BUF_INIT, fresh = BUF_INIT, aside = BUF_INIT, err = BUF_INIT;
    int got_barrier = 0, ret = STORE_ERROR;
    /* a starting player's look at the barrier (live_lock_held) can hold it
     * for an instant on Windows: a few tries before calling it busy */
    int held = live_lock_try(s->live, 0);
    for (int i = 0; held == 1 && i < 4; i++) {
        os_sleep_ms(10);
        held = live_lock_try(s->live, 0);
    }
    if (held != 0) {
        set_err(s, STORE_BUSY, "another player is salvaging the learner database");
        goto out;
    }
    got_barrier = 1;
    if (live_lock_held(s->live, 1, LIVE_LOCK_SLOTS - 1) != 0) {
        set_err(s, STORE_BUSY, "the learner database is damaged, and another player still has "
                               "it open: close every player, then start one again to salvage it");
        goto out;
    }
    buf_printf(&tmp, "%s/.salvage-%ld", s->dir, os_process_id());
    buf_printf(&fresh, "%s/%s", tmp.data, STORE_FILE);
    if (os_mkdir(tmp.data, 0700) != 0 && errno != EEXIST) {
        int e = errno;
        buf_clear(&s->err);
        buf_printf(&s->err, "cannot create '%s': %s", tmp.data, strerror(e));
        s->code = code_of_errno(e, STORE_ERROR);
        goto out;
    }
    os_remove(fresh.data);
    ret = store_salvage_rebuild(s->path, tmp.data, rep, &err);
    if (ret < 0) {
        set_err(s, ret, err.data);
        goto out;
    }
    ret = move_aside(s, &aside);
    if (ret < 0)
        goto out;
    if (os_rename(fresh.data, s->path) != 0) {
        int e = errno;
        buf_clear(&s->err);
        buf_printf(&s->err, "cannot put the salvaged store in place: %s", strerror(e));
        ret = s->code = code_of_errno(e, STORE_ERROR);
        goto out;
    }
    os_sync_parent(s->path);
    const char *base = strrchr(aside.data, '/');
    snprintf(rep->kept, sizeof rep->kept, "%s", base ? base + 1 : aside.data);
    Buf report = BUF_INIT;
    buf_printf(&report, "%s.txt", aside.data);
    buf_clear(&err);
    if (store_salvage_write_report(report.data, rep, &err) == 0) {
        base = strrchr(report.data, '/');
        snprintf(rep->report, sizeof rep->report, "%s", base ? base + 1 : report.data);
    }
    buf_release(&report);
    rep->done = 1;
    ret = 0;
out:
    if (tmp.len) {
        Buf f = BUF_INIT;
        static const char *const left[] = { "", "-wal", "-shm" };
        for (int i = 0; i < 3; i++) {
            buf_clear(&f);
            buf_printf(&f, "%s%s", fresh.data, left[i]);
            os_remove(f.data);
        }
        buf_release(&f);
        os_rmdir(tmp.data);
    }
    if (got_barrier)
        live_lock_release(s->live, 0);
    buf_release(&tmp);
    buf_release(&fresh);
    buf_release(&aside);
    buf_release(&err);
    return ret;
}

Store *store_open_with(const char *dir, unsigned flags, int *code, StoreSalvage *salvage,
                       Buf *err)
{
    StoreSalvage local;
    StoreSalvage *rep = salvage ? salvage : &local;
    memset(rep, 0, sizeof *rep);
    Store *s = calloc(1, sizeof *s);
    if (!s) {
        if (err)
            buf_puts(err, "cannot open the learner database: out of memory");
        if (code)
            *code = STORE_ERROR;
        return NULL;
    }
    buf_init(&s->err);
    s->flags = flags;
    int session = (flags & STORE_OPEN_SESSION) != 0;
    if (sodium_init() < 0) {
        set_err(s, STORE_ERROR, "cannot start libsodium");
        goto fail;
    }
    Buf p = BUF_INIT;
    buf_printf(&p, "%s/%s", dir, STORE_FILE);
    s->path = buf_detach(&p, NULL);
    s->dir = strdup(dir);
    if (!s->path || !s->dir) {
        set_err(s, STORE_ERROR, "out of memory");
        goto fail;
    }
    OsStat sb;
    errno = 0;
    if (os_stat(dir, &sb) != 0 || sb.kind != OS_FILE_DIR) {
        buf_printf(&s->err, "cannot open the data folder '%s': %s", dir,
                   errno ? strerror(errno) : "not a folder");
        s->code = errno == EACCES ? STORE_READ_ONLY : STORE_NOT_FOUND;
        goto fail;
    }
    if (!(flags & STORE_OPEN_CREATE) && !os_exists(s->path)) {
        buf_printf(&s->err, "no learner database in '%s' yet", dir);
        s->code = STORE_NOT_FOUND;
        goto fail;
    }
    if (check_writable(s, session) < 0)
        goto fail;
    if ((session || (flags & STORE_OPEN_SALVAGE)) && live_start(s, session) < 0)
        goto fail;
    if (open_db(s, (flags & STORE_OPEN_CREATE) != 0) < 0)
        goto fail;
    int damaged = not_sqlite(s);
    if (!damaged && configure(s, &damaged) < 0)
        goto fail;
    if (damaged && !(flags & STORE_OPEN_SALVAGE)) {
        buf_clear(&s->err);
        buf_printf(&s->err, "the learner database %s is damaged: left as it is (starting the "
                   "player, or wardplayer --repair, salvages what can be read)", s->path);
        s->code = STORE_DAMAGED;
        goto fail;
    }
    if (damaged) {
        close_db(s);
        if (salvage_store(s, rep) < 0)
            goto fail;
        if (open_db(s, 0) < 0 || configure(s, &damaged) < 0)
            goto fail;
        if (damaged) {
            set_err(s, STORE_DAMAGED, "the salvaged learner database is damaged too");
            goto fail;
        }
    }
    if (migrate(s) < 0)
        goto fail;
    sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
    if (code)
        *code = 0;
    return s;
fail:
    if (err)
        buf_puts(err, s->err.data);
    if (code)
        *code = last_code(s);
    store_close(s);
    return NULL;
}

Store *store_open(const char *dir, Buf *notice, Buf *err)
{
    StoreSalvage rep;
    Store *s = store_open_with(dir, STORE_OPEN_PLAYER, NULL, &rep, err);
    if (s && rep.done && notice)
        store_salvage_describe(&rep, notice);
    return s;
}

Store *store_open_secondary(const char *dir, Buf *err)
{
    return store_open_with(dir, 0, NULL, NULL, err);
}

void store_close(Store *s)
{
    if (!s)
        return;
    /* let go of this session's attempts: a clean exit leaves nothing held */
    if (s->db && s->session[0]) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(s->db, "DELETE FROM live_attempts WHERE session = ?1", -1, &st,
                               NULL) == SQLITE_OK) {
            sqlite3_bind_text(st, 1, s->session, -1, SQLITE_STATIC);
            sqlite3_step(st);
        }
        sqlite3_finalize(st);
    }
    close_db(s);
    live_lock_close(s->live);
    free(s->path);
    free(s->dir);
    buf_release(&s->err);
    free(s);
}

/* ---- settings --------------------------------------------------------------- */

int store_setting_set(Store *s, const char *key, const char *value)
{
    if (!key || !value || !utf8_ok(key) || !utf8_ok(value))
        return set_err(s, STORE_INVALID, "a setting needs a key and a UTF-8 value");
    sqlite3_stmt *st = prep(s, "INSERT INTO settings(key, value) VALUES(?1, ?2) "
                               "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (!st)
        return last_code(s);
    if (bind_text(s, st, 1, key) < 0 || bind_text(s, st, 2, value) < 0) {
        sqlite3_finalize(st);
        return last_code(s);
    }
    return run(s, st, "cannot save a setting");
}

int store_setting_get(Store *s, const char *key, const char *dflt, Buf *value)
{
    buf_clear(value);
    sqlite3_stmt *st = prep(s, "SELECT value FROM settings WHERE key = ?1");
    if (!st)
        return last_code(s);
    if (bind_text(s, st, 1, key) < 0) {
        sqlite3_finalize(st);
        return last_code(s);
    }
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        buf_puts(value, col_text(st, 0));
    else if (rc == SQLITE_DONE)
        buf_puts(value, dflt ? dflt : "");
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(s, "cannot read a setting");
    return 0;
}

static void home_page(Store *s, Buf *out)
{
    if (store_setting_get(s, "xapi.home_page", XAPI_DEFAULT_HOME_PAGE, out) < 0) {
        buf_clear(out);
        buf_puts(out, XAPI_DEFAULT_HOME_PAGE);
    }
}

/* ---- learners -------------------------------------------------------------- */

static int valid_pin(const char *pin)
{
    if (strlen(pin) != 4)
        return 0;
    for (int i = 0; i < 4; i++)
        if (pin[i] < '0' || pin[i] > '9')
            return 0;
    return 1;
}

static int hash_pin(Store *s, const char *pin, char out[crypto_pwhash_STRBYTES])
{
    if (crypto_pwhash_str(out, pin, strlen(pin), PIN_OPSLIMIT, PIN_MEMLIMIT) != 0)
        return set_err(s, -1, "cannot hash the PIN: out of memory");
    return 0;
}

static int check_field(Store *s, const char *v, size_t max, const char *what)
{
    if (!utf8_ok(v)) {
        buf_clear(&s->err);
        buf_printf(&s->err, "the %s is not valid UTF-8 text", what);
        return STORE_INVALID;
    }
    if (v && strlen(v) >= max) {
        buf_clear(&s->err);
        buf_printf(&s->err, "the %s is too long (at most %zu characters)", what, max - 1);
        return STORE_INVALID;
    }
    return 0;
}

int store_learner_add(Store *s, const char *name, const char *staff_id, const char *role,
                      const char *setting, const char *pin, int64_t *id)
{
    char hash[crypto_pwhash_STRBYTES];
    char uuid[37];
    Buf now = BUF_INIT;
    int ret = STORE_ERROR;
    if (!name || !*name)
        return set_err(s, STORE_INVALID, "a profile needs a name");
    if (check_field(s, name, STORE_NAME_MAX, "name")
        || check_field(s, staff_id, STORE_FIELD_MAX, "staff id")
        || check_field(s, role, STORE_FIELD_MAX, "role")
        || check_field(s, setting, STORE_FIELD_MAX, "setting"))
        return STORE_INVALID;
    if (pin && *pin && !valid_pin(pin))
        return set_err(s, STORE_INVALID, "the PIN must be 4 digits");
    if (pin && *pin && hash_pin(s, pin, hash) < 0)
        return last_code(s);
    xapi_uuid_random(uuid);
    now_iso(&now);
    sqlite3_stmt *st = prep(s, "INSERT INTO learners(name, staff_id, role, setting, pin_hash,"
                               " uuid, created) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!st)
        goto out;
    if (bind_text(s, st, 1, name) < 0 || bind_text(s, st, 2, staff_id ? staff_id : "") < 0
        || bind_text(s, st, 3, role ? role : "") < 0
        || bind_text(s, st, 4, setting ? setting : "") < 0
        || bind_text(s, st, 5, pin && *pin ? hash : NULL) < 0 || bind_text(s, st, 6, uuid) < 0
        || bind_text(s, st, 7, now.data) < 0) {
        sqlite3_finalize(st);
        goto out;
    }
    if (run(s, st, "cannot add the profile") < 0)
        goto out;
    if (id)
        *id = sqlite3_last_insert_rowid(s->db);
    ret = 0;
out:
    sodium_memzero(hash, sizeof hash);
    buf_release(&now);
    return ret ? last_code(s) : 0;
}

#define LEARNER_COLS "l.id, l.name, l.staff_id, l.role, l.setting, l.uuid, l.created, " \
    "l.pin_hash IS NOT NULL"

static void copy_field(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src);
}

/* Reads LEARNER_COLS starting at column c. */
static void read_learner(sqlite3_stmt *st, int c, StoreLearner *l)
{
    memset(l, 0, sizeof *l);
    l->id = sqlite3_column_int64(st, c);
    copy_field(l->name, sizeof l->name, col_text(st, c + 1));
    copy_field(l->staff_id, sizeof l->staff_id, col_text(st, c + 2));
    copy_field(l->role, sizeof l->role, col_text(st, c + 3));
    copy_field(l->setting, sizeof l->setting, col_text(st, c + 4));
    copy_field(l->uuid, sizeof l->uuid, col_text(st, c + 5));
    copy_field(l->created, sizeof l->created, col_text(st, c + 6));
    l->has_pin = sqlite3_column_int(st, c + 7);
}

int store_learner_list(Store *s, StoreLearner **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = prep(s, "SELECT " LEARNER_COLS " FROM learners l "
                               "ORDER BY l.name COLLATE NOCASE, l.id");
    if (!st)
        return last_code(s);
    StoreLearner *arr = NULL;
    size_t cap = 0, len = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (len == cap) {
            size_t ncap = cap ? cap + cap / 2 : 16;
            StoreLearner *a = realloc(arr, ncap * sizeof *a);
            if (!a) {
                free(arr);
                sqlite3_finalize(st);
                return set_err(s, -1, "cannot list profiles: out of memory");
            }
            arr = a;
            cap = ncap;
        }
        read_learner(st, 0, &arr[len++]);
    }
    if (rc != SQLITE_DONE) {
        db_fail(s, "cannot list profiles");
        free(arr);
        sqlite3_finalize(st);
        return last_code(s);
    }
    sqlite3_finalize(st);
    *out = arr;
    *n = len;
    return 0;
}

int store_learner_get(Store *s, int64_t id, StoreLearner *out)
{
    sqlite3_stmt *st = prep(s, "SELECT " LEARNER_COLS " FROM learners l WHERE l.id = ?1");
    if (!st)
        return last_code(s);
    if (bind_int(s, st, 1, id) < 0) {
        sqlite3_finalize(st);
        return last_code(s);
    }
    int rc = sqlite3_step(st);
    int ret = 0;
    if (rc == SQLITE_ROW)
        read_learner(st, 0, out);
    else if (rc == SQLITE_DONE)
        ret = set_err(s, STORE_NOT_FOUND, "no such profile");
    else
        ret = db_fail(s, "cannot read the profile");
    sqlite3_finalize(st);
    return ret;
}

static int update_pin_hash(Store *s, int64_t id, const char *hash)
{
    sqlite3_stmt *st = prep(s, "UPDATE learners SET pin_hash = ?1 WHERE id = ?2");
    if (!st)
        return last_code(s);
    if (bind_text(s, st, 1, hash) < 0 || bind_int(s, st, 2, id) < 0) {
        sqlite3_finalize(st);
        return last_code(s);
    }
    return run(s, st, "cannot save the PIN");
}

#define PIN_WAIT_FIRST 30       /* seconds, after STORE_PIN_FREE_TRIES wrong PINs */
#define PIN_WAIT_MAX 900

/* Counts a wrong PIN (and sets the wait once past the free tries), or clears
 * the count after a good one. */
static int count_pin_failure(Store *s, int64_t id, int failed, int failures)
{
    int64_t until = 0;
    if (failed && failures + 1 >= STORE_PIN_FREE_TRIES) {
        int extra = failures + 1 - STORE_PIN_FREE_TRIES;
        int64_t wait = extra >= 5 ? PIN_WAIT_MAX : (int64_t)PIN_WAIT_FIRST << extra;
        until = (int64_t)time(NULL) + (wait > PIN_WAIT_MAX ? PIN_WAIT_MAX : wait);
    }
    sqlite3_stmt *st = prep(s, "UPDATE learners SET pin_failures = ?2, pin_locked_until = ?3"
                               " WHERE id = ?1");
    if (!st)
        return last_code(s);
    if (bind_int(s, st, 1, id) < 0 || bind_int(s, st, 2, failed ? failures + 1 : 0) < 0
        || bind_int(s, st, 3, until) < 0) {
        sqlite3_finalize(st);
        return last_code(s);
    }
    return run(s, st, "cannot update the profile");
}

int store_login(Store *s, int64_t learner_id, const char *pin)
{
    store_logout(s);
    sqlite3_stmt *st = prep(s, "SELECT pin_hash, pin_failures, pin_locked_until FROM learners"
                               " WHERE id = ?1");
    if (!st)
        return last_code(s);
    if (bind_int(s, st, 1, learner_id) < 0) {
        sqlite3_finalize(st);
        return last_code(s);
    }
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_finalize(st);
        return set_err(s, STORE_NOT_FOUND, "no such profile");
    }
    if (rc != SQLITE_ROW) {
        db_fail(s, "cannot read the profile");
        sqlite3_finalize(st);
        return last_code(s);
    }
    char hash[crypto_pwhash_STRBYTES] = "";
    int has_pin = sqlite3_column_type(st, 0) != SQLITE_NULL;
    if (has_pin)
        copy_field(hash, sizeof hash, col_text(st, 0));
    int failures = sqlite3_column_int(st, 1);
    int64_t wait = sqlite3_column_int64(st, 2) - (int64_t)time(NULL);
    sqlite3_finalize(st);
    if (has_pin) {
        if (wait > 0) {
            buf_clear(&s->err);
            buf_printf(&s->err, "too many wrong PINs: try again in %lld seconds",
                       (long long)wait);
            s->pin_wait = (int)wait;
            s->code = STORE_PIN_WAIT;
            return STORE_PIN_WAIT;
        }
        if (!pin || !valid_pin(pin)
            || crypto_pwhash_str_verify(hash, pin, strlen(pin)) != 0) {
            count_pin_failure(s, learner_id, 1, failures);
            return set_err(s, STORE_BAD_PIN, "wrong PIN");
        }
        if (failures)
            count_pin_failure(s, learner_id, 0, 0);
        if (crypto_pwhash_str_needs_rehash(hash, PIN_OPSLIMIT, PIN_MEMLIMIT) == 1) {
            char fresh[crypto_pwhash_STRBYTES];
            if (hash_pin(s, pin, fresh) == 0)
                update_pin_hash(s, learner_id, fresh);
        }
    }
    s->learner = learner_id;
    return 0;
}

void store_logout(Store *s)
{
    if (s->learner && s->session[0]) {
        sqlite3_stmt *st = prep(s, "DELETE FROM live_attempts WHERE session = ?1");
        if (st && bind_text(s, st, 1, s->session) == 0)
            run(s, st, "cannot let go of the attempts");
        else
            sqlite3_finalize(st);
    }
    s->learner = 0;
}

int64_t store_current_learner(const Store *s)
{
    return s->learner;
}

int store_learner_set_context(Store *s, const char *role, const char *setting)
{
    if (!s->learner)
        return set_err(s, STORE_LOCKED, "no profile is open");
    if (check_field(s, role, STORE_FIELD_MAX, "role")
        || check_field(s, setting, STORE_FIELD_MAX, "setting"))
        return STORE_INVALID;
    sqlite3_stmt *st = prep(s, "UPDATE learners SET role = ?1, setting = ?2 WHERE id = ?3");
    if (!st)
        return last_code(s);
    if (bind_text(s, st, 1, role ? role : "") < 0 || bind_text(s, st, 2, setting ? setting : "") < 0
        || bind_int(s, st, 3, s->learner) < 0) {
        sqlite3_finalize(st);
        return last_code(s);
    }
    return run(s, st, "cannot update the profile");
}

int store_learner_set_pin(Store *s, const char *pin)
{
    if (!s->learner)
        return set_err(s, STORE_LOCKED, "no profile is open");
    if (!pin || !*pin)
        return update_pin_hash(s, s->learner, NULL);
    if (!valid_pin(pin))
        return set_err(s, STORE_INVALID, "the PIN must be 4 digits");
    char hash[crypto_pwhash_STRBYTES];
    if (hash_pin(s, pin, hash) < 0)
        return last_code(s);
    return update_pin_hash(s, s->learner, hash);
}

/* ---- attempts -------------------------------------------------------------- */

#define ATTEMPT_COLS "a.id, a.uuid, a.package_id, a.version, a.lang, a.edition, a.started," \
    " a.updated, a.completion, a.success, a.score_raw, a.score_min, a.score_max," \
    " a.score_scaled, a.location, a.suspend_data, a.total_ms, a.closed, " LEARNER_COLS
#define ATTEMPT_NCOLS 18

static void read_attempt(sqlite3_stmt *st, StoreAttempt *a, StoreLearner *l)
{
    memset(a, 0, sizeof *a);
    a->id = sqlite3_column_int64(st, 0);
    a->uuid = col_text(st, 1);
    a->package_id = col_text(st, 2);
    a->version = col_text(st, 3);
    a->lang = col_text(st, 4);
    int edition = sqlite3_column_int(st, 5);
    a->edition = edition == 12 ? SCORM_12 : edition == STORE_EDITION_CMI5 ? SCORM_CMI5 : SCORM_2004;
    a->started = col_text(st, 6);
    a->updated = col_text(st, 7);
    a->completion = col_text(st, 8);
    a->success = col_text(st, 9);
    a->has_score = sqlite3_column_type(st, 10) != SQLITE_NULL;
    a->score_raw = sqlite3_column_double(st, 10);
    a->score_min = sqlite3_column_double(st, 11);
    a->score_max = sqlite3_column_double(st, 12);
    a->score_scaled = sqlite3_column_double(st, 13);
    a->location = col_text(st, 14);
    a->suspend_data = col_text(st, 15);
    a->total_ms = sqlite3_column_int64(st, 16);
    a->closed = sqlite3_column_int(st, 17);
    read_learner(st, ATTEMPT_NCOLS, l);
    a->learner = l;
}

/* ---- the one writer of an attempt ------------------------------------------
 * live_attempts names the session that writes each open attempt. A session
 * is alive while its process holds its byte in learners.live (live_lock.h):
 * a row left by a killed player is taken by the next one without a word.
 * Every write checks the row inside its own transaction, so a take-over that
 * commits first is seen by the very next write of the player it replaced. */

/* 1 when the session holding slot is alive, 0 when it is gone. */
static int slot_alive(Store *s, int64_t slot)
{
    if (!s->live || slot <= 0)
        return 0;
    return live_lock_held(s->live, slot, 1) != 0;
}

static int claim(Store *s, int64_t attempt)
{
    if (!s->session[0])
        return 0;
    Buf now = BUF_INIT;
    now_iso(&now);
    sqlite3_stmt *st = prep(s, "INSERT OR REPLACE INTO live_attempts(attempt, session, slot, since)"
                               " VALUES(?1, ?2, ?3, ?4)");
    int bad = !st || bind_int(s, st, 1, attempt) < 0 || bind_text(s, st, 2, s->session) < 0
        || bind_int(s, st, 3, s->slot) < 0 || bind_text(s, st, 4, now.data) < 0;
    buf_release(&now);
    if (bad) {
        sqlite3_finalize(st);
        return last_code(s);
    }
    return run(s, st, "cannot mark the attempt as open here");
}

/* Who writes attempt: 0 this session (or nobody alive: then claims it),
 * STORE_IN_USE another live session. Inside a write transaction. */
static int writer_check(Store *s, int64_t attempt, int take)
{
    if (!s->session[0])
        return 0;
    sqlite3_stmt *st = prep(s, "SELECT session, slot FROM live_attempts WHERE attempt = ?1");
    if (!st || bind_int(s, st, 1, attempt) < 0) {
        sqlite3_finalize(st);
        return last_code(s);
    }
    int rc = sqlite3_step(st);
    int mine = 0, other_alive = 0;
    if (rc == SQLITE_ROW) {
        mine = strcmp(col_text(st, 0), s->session) == 0;
        other_alive = !mine && slot_alive(s, sqlite3_column_int64(st, 1));
    } else if (rc != SQLITE_DONE) {
        rc = db_fail(s, "cannot read who has the attempt open");
        sqlite3_finalize(st);
        return rc;
    }
    sqlite3_finalize(st);
    if (mine)
        return 0;
    if (other_alive && !take)
        return set_err(s, STORE_IN_USE, "the attempt is open in another player");
    return claim(s, attempt);
}

/* Inside a write transaction: the attempt belongs to the open profile and
 * this session is still its writer. Only store_attempt_begin and
 * store_attempt_take_over make a session the writer: a row of another
 * session (alive, or dead after writing), or none at all (a player that
 * took it over and has closed since), means what this session shows is no
 * longer the attempt's state, and it writes nothing more. */
static int own_attempt(Store *s, int64_t attempt)
{
    if (!s->learner)
        return set_err(s, STORE_LOCKED, "no profile is open");
    sqlite3_stmt *st = prep(s, "SELECT a.learner, v.session FROM attempts a"
                               " LEFT JOIN live_attempts v ON v.attempt = a.id WHERE a.id = ?1");
    if (!st)
        return last_code(s);
    if (bind_int(s, st, 1, attempt) < 0) {
        sqlite3_finalize(st);
        return last_code(s);
    }
    int rc = sqlite3_step(st);
    int ret = 0;
    if (rc == SQLITE_ROW) {
        if (sqlite3_column_int64(st, 0) != s->learner)
            ret = set_err(s, STORE_LOCKED, "the attempt belongs to another profile");
        else if (s->session[0] && strcmp(col_text(st, 1), s->session) != 0)
            ret = set_err(s, STORE_TAKEN_OVER, "another player took this attempt over: "
                                               "nothing was written");
    } else if (rc == SQLITE_DONE) {
        ret = set_err(s, STORE_NOT_FOUND, "no such attempt");
    } else {
        ret = db_fail(s, "cannot read the attempt");
    }
    sqlite3_finalize(st);
    return ret;
}

/* Starts a write to an attempt: BEGIN IMMEDIATE and own_attempt. */
static int begin_attempt_write(Store *s, int64_t attempt)
{
    if (!s->learner)
        return set_err(s, STORE_LOCKED, "no profile is open");
    if (begin(s) < 0)
        return last_code(s);
    int rc = own_attempt(s, attempt);
    if (rc)
        rollback(s);
    return rc;
}

/* Ends it: COMMIT, or the code of the failure after a rollback. */
static int end_write(Store *s, int rc)
{
    if (rc == 0 && commit(s) == 0)
        return 0;
    int code = last_code(s);
    rollback(s);
    return rc < 0 ? rc : code;
}

/* Adds a statement to the outbox unless one with its id is there already. */
static int outbox_add(Store *s, int64_t attempt, json_t *statement)
{
    if (!statement)
        return set_err(s, STORE_ERROR, "cannot build the xAPI statement");
    char *json = json_dumps(statement, JSON_COMPACT | JSON_SORT_KEYS);
    const char *id = json_string_value(json_object_get(statement, "id"));
    const char *ts = json_string_value(json_object_get(statement, "timestamp"));
    int ret = STORE_ERROR;
    if (!json || !id || !ts) {
        set_err(s, STORE_ERROR, "cannot build the xAPI statement: out of memory");
        goto out;
    }
    sqlite3_stmt *st = prep(s, "INSERT OR IGNORE INTO outbox(id, attempt, json, created) "
                               "VALUES(?1, ?2, ?3, ?4)");
    if (!st) {
        ret = last_code(s);
        goto out;
    }
    if (bind_text(s, st, 1, id) < 0 || bind_int(s, st, 2, attempt) < 0
        || bind_text(s, st, 3, json) < 0 || bind_text(s, st, 4, ts) < 0) {
        sqlite3_finalize(st);
        ret = last_code(s);
        goto out;
    }
    ret = run(s, st, "cannot queue the xAPI statement");
    if (ret == 0 && attempt == s->cmi5_attempt)
        s->cmi5_last_ms = now_ms();
out:
    free(json);
    json_decref(statement);
    return ret;
}

/* Calls fn with the attempt (and its learner) while the row is alive. */
typedef int (*AttemptFn)(Store *s, const StoreAttempt *a, void *ud);

static int with_attempt(Store *s, int64_t attempt, AttemptFn fn, void *ud)
{
    sqlite3_stmt *st = prep(s, "SELECT " ATTEMPT_COLS " FROM attempts a "
                               "JOIN learners l ON l.id = a.learner WHERE a.id = ?1");
    if (!st)
        return last_code(s);
    if (bind_int(s, st, 1, attempt) < 0) {
        sqlite3_finalize(st);
        return last_code(s);
    }
    int rc = sqlite3_step(st);
    int ret;
    if (rc == SQLITE_ROW) {
        StoreAttempt a;
        StoreLearner l;
        read_attempt(st, &a, &l);
        ret = fn(s, &a, ud);
    } else if (rc == SQLITE_DONE) {
        ret = set_err(s, STORE_NOT_FOUND, "no such attempt");
    } else {
        ret = db_fail(s, "cannot read the attempt");
    }
    sqlite3_finalize(st);
    return ret;
}

/* Whether the outbox holds the statement id. */
static int outbox_has(Store *s, const char *id)
{
    sqlite3_stmt *st = prep(s, "SELECT 1 FROM outbox WHERE id = ?1");
    if (!st || bind_text(s, st, 1, id) < 0) {
        sqlite3_finalize(st);
        return -1;
    }
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : db_fail(s, "cannot read the outbox");
}

/* A cmi5 attempt's module-level statements (xapi.h's cmi5 profile), in the
 * session that earned them: completed and passed at most once per
 * registration (their ids are the attempt's), no failed once passed, and
 * nothing without an open session. */
static int queue_cmi5_statements(Store *s, const StoreAttempt *a, const char *home)
{
    if (s->cmi5_attempt != a->id)
        return 0;
    int ret = 0;
    if (strcmp(a->completion, "completed") == 0)
        ret = outbox_add(s, a->id, xapi_cmi5(xapi_attempt_statement(home, a, XAPI_COMPLETED,
                                                                     NULL), XAPI_COMPLETED,
                                             &s->cmi5));
    if (ret == 0 && strcmp(a->success, "passed") == 0)
        ret = outbox_add(s, a->id, xapi_cmi5(xapi_attempt_statement(home, a, XAPI_PASSED, NULL),
                                             XAPI_PASSED, &s->cmi5));
    if (ret == 0 && strcmp(a->success, "failed") == 0) {
        char passed[37];
        xapi_statement_id(a->learner->uuid, a->package_id, NULL, XAPI_PASSED, a->uuid, passed);
        ret = outbox_has(s, passed);
        if (ret == 0)
            ret = outbox_add(s, a->id, xapi_cmi5(xapi_attempt_statement(home, a, XAPI_FAILED,
                                                                         NULL), XAPI_FAILED,
                                                 &s->cmi5));
        else if (ret > 0)
            ret = 0;
    }
    return ret;
}

/* The module-level statements an attempt has earned. */
static int queue_attempt_statements(Store *s, const StoreAttempt *a, void *ud)
{
    (void)ud;
    Buf home = BUF_INIT;
    int ret = 0;
    home_page(s, &home);
    if (a->edition == SCORM_CMI5) {
        ret = queue_cmi5_statements(s, a, home.data);
        buf_release(&home);
        return ret;
    }
    if (ret == 0)
        ret = outbox_add(s, a->id, xapi_attempt_statement(home.data, a, XAPI_ATTEMPTED, NULL));
    if (ret == 0 && strcmp(a->completion, "completed") == 0)
        ret = outbox_add(s, a->id, xapi_attempt_statement(home.data, a, XAPI_COMPLETED, NULL));
    if (ret == 0 && strcmp(a->success, "passed") == 0)
        ret = outbox_add(s, a->id, xapi_attempt_statement(home.data, a, XAPI_PASSED, NULL));
    if (ret == 0 && strcmp(a->success, "failed") == 0)
        ret = outbox_add(s, a->id, xapi_attempt_statement(home.data, a, XAPI_FAILED, NULL));
    buf_release(&home);
    return ret;
}

int store_attempt_begin(Store *s, const char *package_id, const char *version,
                        const char *lang, ScormEdition ed, int64_t *attempt, int *resumed)
{
    if (!s->learner)
        return set_err(s, STORE_LOCKED, "no profile is open");
    if (!package_id || !*package_id || !version || !lang)
        return set_err(s, STORE_INVALID, "an attempt needs a package id, version and language");
    if (!utf8_ok(package_id) || !utf8_ok(version) || !utf8_ok(lang))
        return set_err(s, STORE_INVALID, "the package id, version or language is not UTF-8");
    int edition = ed == SCORM_12 ? 12 : ed == SCORM_CMI5 ? STORE_EDITION_CMI5 : 2004;
    *resumed = 0;
    if (begin(s) < 0)
        return last_code(s);
    int ret = 0;
    sqlite3_stmt *st = prep(s, "SELECT id FROM attempts WHERE learner = ?1 AND package_id = ?2"
                               " AND version = ?3 AND lang = ?4 AND edition = ?5 AND closed = 0"
                               " ORDER BY id DESC LIMIT 1");
    if (!st)
        goto fail;
    if (bind_int(s, st, 1, s->learner) < 0 || bind_text(s, st, 2, package_id) < 0
        || bind_text(s, st, 3, version) < 0 || bind_text(s, st, 4, lang) < 0
        || bind_int(s, st, 5, edition) < 0) {
        sqlite3_finalize(st);
        goto fail;
    }
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *attempt = sqlite3_column_int64(st, 0);
        *resumed = 1;
        sqlite3_finalize(st);
        ret = writer_check(s, *attempt, 0);
        if (ret)
            goto fail;
        return end_write(s, 0);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        db_fail(s, "cannot look for an attempt");
        goto fail;
    }
    char uuid[37];
    Buf now = BUF_INIT;
    xapi_uuid_random(uuid);
    now_iso(&now);
    st = prep(s, "INSERT INTO attempts(uuid, learner, package_id, version, lang, edition,"
                 " started, updated) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)");
    int bad = !st || bind_text(s, st, 1, uuid) < 0 || bind_int(s, st, 2, s->learner) < 0
        || bind_text(s, st, 3, package_id) < 0 || bind_text(s, st, 4, version) < 0
        || bind_text(s, st, 5, lang) < 0 || bind_int(s, st, 6, edition) < 0
        || bind_text(s, st, 7, now.data) < 0;
    buf_release(&now);
    if (bad) {
        sqlite3_finalize(st);
        goto fail;
    }
    if (run(s, st, "cannot start an attempt") < 0)
        goto fail;
    *attempt = sqlite3_last_insert_rowid(s->db);
    if (claim(s, *attempt) < 0 || with_attempt(s, *attempt, queue_attempt_statements, NULL) < 0)
        goto fail;
    return end_write(s, 0);
fail:
    ret = ret < 0 ? ret : last_code(s);
    rollback(s);
    return ret;
}

int store_attempt_take_over(Store *s, int64_t attempt)
{
    if (!s->learner)
        return set_err(s, STORE_LOCKED, "no profile is open");
    if (begin(s) < 0)
        return last_code(s);
    sqlite3_stmt *st = prep(s, "SELECT learner FROM attempts WHERE id = ?1");
    int rc = !st || bind_int(s, st, 1, attempt) < 0 ? last_code(s) : 0;
    if (rc == 0) {
        int step = sqlite3_step(st);
        if (step == SQLITE_DONE)
            rc = set_err(s, STORE_NOT_FOUND, "no such attempt");
        else if (step != SQLITE_ROW)
            rc = db_fail(s, "cannot read the attempt");
        else if (sqlite3_column_int64(st, 0) != s->learner)
            rc = set_err(s, STORE_LOCKED, "the attempt belongs to another profile");
    }
    sqlite3_finalize(st);
    if (rc == 0)
        rc = writer_check(s, attempt, 1);
    return end_write(s, rc);
}

int store_attempt_release(Store *s, int64_t attempt)
{
    if (!s->session[0])
        return 0;
    sqlite3_stmt *st = prep(s, "DELETE FROM live_attempts WHERE attempt = ?1 AND session = ?2");
    if (!st || bind_int(s, st, 1, attempt) < 0 || bind_text(s, st, 2, s->session) < 0) {
        sqlite3_finalize(st);
        return last_code(s);
    }
    return run(s, st, "cannot let go of the attempt");
}

typedef struct SaveCtx {
    Store *s;
    sqlite3_stmt *ins;
    int64_t attempt;
    int seq;
} SaveCtx;

static int save_value(const char *element, const char *value, void *ud)
{
    SaveCtx *c = ud;
    sqlite3_reset(c->ins);
    if (bind_int(c->s, c->ins, 1, c->attempt) < 0 || bind_int(c->s, c->ins, 2, c->seq++) < 0
        || bind_text(c->s, c->ins, 3, element) < 0 || bind_text(c->s, c->ins, 4, value) < 0)
        return last_code(c->s);
    if (sqlite3_step(c->ins) != SQLITE_DONE)
        return db_fail(c->s, "cannot save a CMI value");
    return 0;
}

static int bind_real_or_null(Store *s, sqlite3_stmt *st, int i, int has, double v)
{
    int rc = has ? sqlite3_bind_double(st, i, v) : sqlite3_bind_null(st, i);
    return rc == SQLITE_OK ? 0 : db_fail(s, "cannot bind a value");
}

static int cmi_save(Store *s, int64_t attempt, const CmiModel *m)
{
    int rc = run_ints(s, "DELETE FROM cmi_values WHERE attempt = ?1", attempt, 0, NULL,
                      "cannot replace the CMI values");
    if (rc)
        return rc;
    SaveCtx c = { s, NULL, attempt, 0 };
    c.ins = prep(s, "INSERT INTO cmi_values(attempt, seq, element, value) VALUES(?1,?2,?3,?4)");
    if (!c.ins)
        return last_code(s);
    rc = cmi_foreach(m, save_value, &c);
    sqlite3_finalize(c.ins);
    if (rc)
        return last_code(s);
    CmiSummary sum;
    cmi_summary(m, &sum);
    Buf now = BUF_INIT;
    now_iso(&now);
    sqlite3_stmt *st = prep(s, "UPDATE attempts SET completion = ?1, success = ?2,"
                               " score_raw = ?3, score_min = ?4, score_max = ?5,"
                               " score_scaled = ?6, location = ?7, suspend_data = ?8,"
                               " total_ms = ?9, updated = ?10 WHERE id = ?11");
    int bad = !st || bind_text(s, st, 1, sum.completion) < 0
        || bind_text(s, st, 2, sum.success) < 0
        || bind_real_or_null(s, st, 3, sum.has_raw, sum.raw) < 0
        || bind_real_or_null(s, st, 4, sum.has_raw, sum.min) < 0
        || bind_real_or_null(s, st, 5, sum.has_raw, sum.max) < 0
        || bind_real_or_null(s, st, 6, sum.has_scaled, sum.scaled) < 0
        || bind_text(s, st, 7, sum.location) < 0 || bind_text(s, st, 8, sum.suspend_data) < 0
        || bind_int(s, st, 9, sum.total_ms + sum.session_ms) < 0
        || bind_text(s, st, 10, now.data) < 0 || bind_int(s, st, 11, attempt) < 0;
    buf_release(&now);
    if (bad) {
        sqlite3_finalize(st);
        return last_code(s);
    }
    rc = run(s, st, "cannot update the attempt");
    if (rc == 0)
        rc = with_attempt(s, attempt, queue_attempt_statements, NULL);
    return rc;
}

int store_cmi_save(Store *s, int64_t attempt, const CmiModel *m)
{
    int rc = begin_attempt_write(s, attempt);
    if (rc)
        return rc;
    return end_write(s, cmi_save(s, attempt, m));
}

int store_cmi_load(Store *s, int64_t attempt, CmiModel *m)
{
    if (!s->learner)
        return set_err(s, STORE_LOCKED, "no profile is open");
    sqlite3_stmt *st = prep(s, "SELECT c.element, c.value FROM cmi_values c"
                               " JOIN attempts a ON a.id = c.attempt"
                               " WHERE c.attempt = ?1 AND a.learner = ?2 ORDER BY c.seq");
    if (!st)
        return last_code(s);
    if (bind_int(s, st, 1, attempt) < 0 || bind_int(s, st, 2, s->learner) < 0) {
        sqlite3_finalize(st);
        return last_code(s);
    }
    int ret = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *el = col_text(st, 0);
        int code = cmi_load(m, el, col_text(st, 1));
        if (code != CMI_OK) {
            buf_clear(&s->err);
            buf_printf(&s->err, "cannot restore %s: %s", el, cmi_diagnostic(m));
            ret = s->code = STORE_ERROR;
            break;
        }
    }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = db_fail(s, "cannot read the CMI values");
    sqlite3_finalize(st);
    return ret;
}

static int queue_answer_statement(Store *s, const StoreAttempt *a, void *ud)
{
    const StoreAnswer *ans = ud;
    Buf home = BUF_INIT;
    home_page(s, &home);
    json_t *st = xapi_answer_statement(home.data, a, ans);
    if (a->edition == SCORM_CMI5 && s->cmi5_attempt == a->id)
        st = xapi_cmi5(st, XAPI_ANSWERED, &s->cmi5);
    int ret = outbox_add(s, a->id, st);
    buf_release(&home);
    return ret;
}

static int insert_answer(Store *s, int64_t attempt, const StoreAnswer *a, const char *now)
{
    sqlite3_stmt *st = prep(s, "INSERT INTO answers(attempt, item_id, type, description,"
                               " response, correct_pattern, result, weight, latency_ms,"
                               " timestamp, score) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)");
    int bad = !st || bind_int(s, st, 1, attempt) < 0 || bind_text(s, st, 2, a->item_id) < 0
        || bind_text(s, st, 3, a->type) < 0 || bind_text(s, st, 4, a->description) < 0
        || bind_text(s, st, 5, a->response) < 0
        || bind_text(s, st, 6, a->correct_pattern) < 0
        || bind_text(s, st, 7, a->result) < 0
        || sqlite3_bind_double(st, 8, a->weight) != SQLITE_OK
        || bind_int(s, st, 9, a->latency_ms) < 0 || bind_text(s, st, 10, a->timestamp) < 0
        || bind_real_or_null(s, st, 11, a->has_score, a->score) < 0;
    if (bad) {
        sqlite3_finalize(st);
        return last_code(s);
    }
    int rc = run(s, st, "cannot record the answer");
    if (rc == 0) {
        st = prep(s, "UPDATE attempts SET updated = ?1 WHERE id = ?2");
        if (!st || bind_text(s, st, 1, now) < 0 || bind_int(s, st, 2, attempt) < 0) {
            sqlite3_finalize(st);
            return last_code(s);
        }
        rc = run(s, st, "cannot update the attempt");
    }
    if (rc == 0)
        rc = with_attempt(s, attempt, queue_answer_statement, (void *)a);
    return rc;
}

int store_answer_record(Store *s, int64_t attempt, const StoreAnswer *a)
{
    if (!a->item_id || !*a->item_id || !a->result)
        return set_err(s, STORE_INVALID, "an answer needs an item id and a result");
    if (!utf8_ok(a->item_id) || !utf8_ok(a->type) || !utf8_ok(a->description)
        || !utf8_ok(a->response) || !utf8_ok(a->correct_pattern) || !utf8_ok(a->result))
        return set_err(s, STORE_INVALID, "the answer is not valid UTF-8 text");
    if (a->timestamp && !cmi_timestamp_valid(a->timestamp))
        return set_err(s, STORE_INVALID, "the answer's timestamp is not ISO 8601");
    Buf now = BUF_INIT;
    now_iso(&now);
    StoreAnswer copy = *a;
    if (!copy.timestamp)
        copy.timestamp = now.data;
    if (!copy.type)
        copy.type = "";
    if (!copy.response)
        copy.response = "";
    copy.has_score = store_result_score(copy.result, &copy.score);
    int rc = begin_attempt_write(s, attempt);
    if (rc == 0)
        rc = end_write(s, insert_answer(s, attempt, &copy, now.data));
    buf_release(&now);
    return rc;
}

int store_page_seen(Store *s, int64_t attempt, const char *page)
{
    if (!page || !*page)
        return set_err(s, STORE_INVALID, "a page needs a name");
    int rc = begin_attempt_write(s, attempt);
    if (rc)
        return rc;
    Buf now = BUF_INIT;
    now_iso(&now);
    sqlite3_stmt *st = prep(s, "INSERT OR IGNORE INTO pages_seen(attempt, page, first_seen) "
                               "VALUES(?1, ?2, ?3)");
    if (!st || bind_int(s, st, 1, attempt) < 0 || bind_text(s, st, 2, page) < 0
        || bind_text(s, st, 3, now.data) < 0) {
        sqlite3_finalize(st);
        buf_release(&now);
        return end_write(s, last_code(s));
    }
    buf_release(&now);
    return end_write(s, run(s, st, "cannot mark the page seen"));
}

int store_page_was_seen(Store *s, int64_t attempt, const char *page)
{
    if (!s->learner)
        return set_err(s, STORE_LOCKED, "no profile is open");
    sqlite3_stmt *st = prep(s, "SELECT 1 FROM pages_seen p JOIN attempts a ON a.id = p.attempt"
                               " WHERE p.attempt = ?1 AND p.page = ?2 AND a.learner = ?3");
    if (!st || bind_int(s, st, 1, attempt) < 0 || bind_text(s, st, 2, page) < 0
        || bind_int(s, st, 3, s->learner) < 0) {
        sqlite3_finalize(st);
        return last_code(s);
    }
    int rc = sqlite3_step(st);
    int ret = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : db_fail(s, "cannot read pages");
    sqlite3_finalize(st);
    return ret;
}

int store_attempt_close(Store *s, int64_t attempt)
{
    int rc = begin_attempt_write(s, attempt);
    if (rc)
        return rc;
    /* the session stays its writer (the summary may still save) until it
     * lets go, at logout or close */
    rc = run_ints(s, "UPDATE attempts SET closed = 1 WHERE id = ?1", attempt, 0, NULL,
                  "cannot close the attempt");
    return end_write(s, rc);
}

/* ---- cmi5 sessions -------------------------------------------------------- */

typedef struct SessionCtx {
    XapiVerb verb;
    int64_t duration_ms;
    int progress;
} SessionCtx;

static int queue_session_statement(Store *s, const StoreAttempt *a, void *ud)
{
    const SessionCtx *c = ud;
    Buf home = BUF_INIT, now = BUF_INIT;
    home_page(s, &home);
    /* the same clock and form as the session's other statements; terminated
     * strictly after every one of them (9.3: last by timestamp; they are
     * written to the hundredth of a second) */
    int64_t ms = now_ms();
    if (c->verb == XAPI_TERMINATED && ms < s->cmi5_last_ms + 10)
        ms = s->cmi5_last_ms + 10;
    cmi_timestamp_format(ms, &now);
    int ret = outbox_add(s, a->id, xapi_cmi5_session_statement(home.data, a, c->verb, &s->cmi5,
                                                               now.data, c->duration_ms,
                                                               c->progress));
    buf_release(&home);
    buf_release(&now);
    return ret;
}

int store_cmi5_session_begin(Store *s, int64_t attempt, const char *publisher_id, int mastery)
{
    int rc = own_attempt(s, attempt);
    if (rc)
        return rc;
    if (!publisher_id || !*publisher_id || strlen(publisher_id) >= sizeof(s->cmi5.publisher_id))
        return set_err(s, STORE_INVALID, "a cmi5 session needs the AU's publisher id");
    memset(&s->cmi5, 0, sizeof(s->cmi5));
    xapi_uuid_random(s->cmi5.session);
    snprintf(s->cmi5.publisher_id, sizeof(s->cmi5.publisher_id), "%s", publisher_id);
    s->cmi5.mastery = mastery;
    s->cmi5_attempt = attempt;
    SessionCtx c = { XAPI_INITIALIZED, 0, -1 };
    if (with_attempt(s, attempt, queue_session_statement, &c) < 0) {
        s->cmi5_attempt = 0;
        return -1;
    }
    return 0;
}

int store_cmi5_session_end(Store *s, int64_t attempt, int64_t duration_ms, int progress)
{
    if (!s->cmi5_attempt || s->cmi5_attempt != attempt)
        return 0;
    SessionCtx c = { XAPI_TERMINATED, duration_ms, progress };
    int rc = with_attempt(s, attempt, queue_session_statement, &c);
    s->cmi5_attempt = 0;
    return rc < 0 ? -1 : 0;
}

int store_outbox_of_attempt(Store *s, int64_t attempt, StoreOutboxVisitor fn, void *userdata)
{
    sqlite3_stmt *st = prep(s, "SELECT id, json FROM outbox WHERE attempt = ?1 ORDER BY rowid");
    if (!st || bind_int(s, st, 1, attempt) < 0) {
        sqlite3_finalize(st);
        return -1;
    }
    int rc, ret = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        ret = fn(col_text(st, 0), col_text(st, 1), userdata);
        if (ret)
            break;
    }
    if (!ret && rc != SQLITE_DONE)
        ret = db_fail(s, "cannot read the outbox");
    sqlite3_finalize(st);
    return ret;
}

/* ---- reading ------------------------------------------------------------- */

int store_foreach_attempt(Store *s, int64_t learner_id, StoreAttemptVisitor fn,
                          void *userdata)
{
    sqlite3_stmt *st = prep(s, "SELECT " ATTEMPT_COLS " FROM attempts a "
                               "JOIN learners l ON l.id = a.learner "
                               "WHERE ?1 = 0 OR a.learner = ?1 "
                               "ORDER BY l.name COLLATE NOCASE, l.id, a.started, a.id");
    if (!st)
        return last_code(s);
    if (bind_int(s, st, 1, learner_id) < 0) {
        sqlite3_finalize(st);
        return last_code(s);
    }
    int rc, ret = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        StoreAttempt a;
        StoreLearner l;
        read_attempt(st, &a, &l);
        ret = fn(&a, userdata);
        if (ret)
            break;
    }
    if (!ret && rc != SQLITE_DONE)
        ret = db_fail(s, "cannot read the attempts");
    sqlite3_finalize(st);
    return ret;
}

int store_foreach_answer(Store *s, int64_t attempt, StoreAnswerVisitor fn, void *userdata)
{
    sqlite3_stmt *st = prep(s, "SELECT item_id, type, description, response, correct_pattern,"
                               " result, weight, latency_ms, timestamp, score FROM answers"
                               " WHERE attempt = ?1 ORDER BY id");
    if (!st)
        return last_code(s);
    if (bind_int(s, st, 1, attempt) < 0) {
        sqlite3_finalize(st);
        return last_code(s);
    }
    int rc, ret = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        StoreAnswer a;
        a.item_id = col_text(st, 0);
        a.type = col_text(st, 1);
        a.description = sqlite3_column_type(st, 2) == SQLITE_NULL ? NULL : col_text(st, 2);
        a.response = col_text(st, 3);
        a.correct_pattern = sqlite3_column_type(st, 4) == SQLITE_NULL ? NULL : col_text(st, 4);
        a.result = col_text(st, 5);
        a.weight = sqlite3_column_double(st, 6);
        a.latency_ms = sqlite3_column_int64(st, 7);
        a.timestamp = col_text(st, 8);
        a.has_score = sqlite3_column_type(st, 9) != SQLITE_NULL;
        a.score = sqlite3_column_double(st, 9);
        ret = fn(&a, userdata);
        if (ret)
            break;
    }
    if (!ret && rc != SQLITE_DONE)
        ret = db_fail(s, "cannot read the answers");
    sqlite3_finalize(st);
    return ret;
}

/* ---- outbox ---------------------------------------------------------------- */

int store_outbox_mark_sent(Store *s, const char *id)
{
    Buf now = BUF_INIT;
    now_iso(&now);
    sqlite3_stmt *st = prep(s, "UPDATE outbox SET sent_at = ?1 WHERE id = ?2");
    if (!st || bind_text(s, st, 1, now.data) < 0 || bind_text(s, st, 2, id) < 0) {
        sqlite3_finalize(st);
        buf_release(&now);
        return last_code(s);
    }
    buf_release(&now);
    return run(s, st, "cannot mark the statement sent");
}

/* The statements about a learner: those of its attempts, and those whose
 * attempt row is gone (a salvage keeps statements whose attempt it could
 * not read) but whose actor is its account. */
#define LEARNER_STATEMENTS \
    "(attempt IN (SELECT id FROM attempts WHERE learner = ?1) OR (attempt IS NULL AND" \
    " json_extract(json, '$.actor.account.name') IN" \
    " (SELECT uuid FROM learners WHERE id = ?1 UNION" \
    "  SELECT staff_id FROM learners WHERE id = ?1 AND staff_id != '')))"

int store_outbox_pending_for(Store *s, int64_t learner_id, StoreOutboxVisitor fn,
                             void *userdata)
{
    sqlite3_stmt *st = prep(s, learner_id
                            ? "SELECT id, json FROM outbox WHERE sent_at IS NULL AND "
                              LEARNER_STATEMENTS " ORDER BY rowid"
                            : "SELECT id, json FROM outbox WHERE sent_at IS NULL AND ?1 = 0"
                              " ORDER BY rowid");
    if (!st || bind_int(s, st, 1, learner_id) < 0) {
        sqlite3_finalize(st);
        return last_code(s);
    }
    int rc, ret = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        ret = fn(col_text(st, 0), col_text(st, 1), userdata);
        if (ret)
            break;
    }
    if (!ret && rc != SQLITE_DONE)
        ret = db_fail(s, "cannot read the outbox");
    sqlite3_finalize(st);
    return ret;
}

int store_outbox_pending(Store *s, StoreOutboxVisitor fn, void *userdata)
{
    return store_outbox_pending_for(s, 0, fn, userdata);
}

int store_outbox_count_pending(Store *s, int64_t learner_id, size_t *n)
{
    sqlite3_stmt *st = prep(s, learner_id
                            ? "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND "
                              LEARNER_STATEMENTS
                            : "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND ?1 = 0");
    if (!st || bind_int(s, st, 1, learner_id) < 0) {
        sqlite3_finalize(st);
        return last_code(s);
    }
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *n = (size_t)sqlite3_column_int64(st, 0);
    else
        rc = db_fail(s, "cannot count the statements");
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : last_code(s);
}

/* ---- erasure and retention --------------------------------------------------- */

int store_learner_find(Store *s, const char *who, StoreLearner **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = prep(s, "SELECT " LEARNER_COLS " FROM learners l"
                               " WHERE l.name = ?1 COLLATE NOCASE OR l.staff_id = ?1"
                               " OR l.uuid = ?1 ORDER BY l.id");
    if (!st || bind_text(s, st, 1, who) < 0) {
        sqlite3_finalize(st);
        return last_code(s);
    }
    StoreLearner *arr = NULL;
    size_t len = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        StoreLearner *a = realloc(arr, (len + 1) * sizeof *a);
        if (!a) {
            free(arr);
            sqlite3_finalize(st);
            return set_err(s, STORE_ERROR, "cannot find the profile: out of memory");
        }
        arr = a;
        read_learner(st, 0, &arr[len++]);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(arr);
        return db_fail(s, "cannot find the profile");
    }
    *out = arr;
    *n = len;
    return 0;
}

/* Copies what the WAL holds into the file and empties it: the old versions
 * of rows just deleted must not stay in learners.db-wal. */
static void checkpoint(Store *s)
{
    sqlite3_exec(s->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
}

int store_learner_forget(Store *s, int64_t learner_id, size_t *attempts, size_t *statements)
{
    *attempts = *statements = 0;
    if (begin(s) < 0)
        return last_code(s);
    int rc = run_ints(s, "DELETE FROM outbox WHERE " LEARNER_STATEMENTS, learner_id, 0,
                      statements, "cannot remove the profile's statements");
    if (rc == 0)
        rc = run_ints(s, "DELETE FROM attempts WHERE learner = ?1", learner_id, 0, attempts,
                      "cannot remove the profile's attempts");
    size_t gone = 0;
    if (rc == 0)
        rc = run_ints(s, "DELETE FROM learners WHERE id = ?1", learner_id, 0, &gone,
                      "cannot remove the profile");
    if (rc == 0 && gone == 0)
        rc = set_err(s, STORE_NOT_FOUND, "no such profile");
    rc = end_write(s, rc);
    if (rc == 0) {
        if (s->learner == learner_id)
            s->learner = 0;
        checkpoint(s);
    }
    return rc;
}

int store_purge_finished(Store *s, int days, size_t *n)
{
    *n = 0;
    if (days <= 0)
        return set_err(s, STORE_INVALID, "the retention must be at least one day");
    if (begin(s) < 0)
        return last_code(s);
    /* attempts closed and older than the limit, with nothing left to send */
    int rc = exec(s, "CREATE TEMP TABLE IF NOT EXISTS purge(id INTEGER PRIMARY KEY);"
                     "DELETE FROM purge");
    if (rc == 0)
        rc = run_ints(s, "INSERT INTO purge SELECT a.id FROM attempts a WHERE"
                         " (a.closed = 1 OR a.completion = 'completed'"
                         "  OR a.success IN ('passed', 'failed'))"
                         " AND julianday(a.updated) < julianday('now') - ?1"
                         " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.attempt = a.id"
                         "  AND o.sent_at IS NULL)",
                      days, 0, n, "cannot choose the attempts to remove");
    if (rc == 0)
        rc = exec(s, "DELETE FROM outbox WHERE attempt IN (SELECT id FROM purge);"
                     "DELETE FROM attempts WHERE id IN (SELECT id FROM purge);"
                     "DELETE FROM purge");
    rc = end_write(s, rc);
    if (rc == 0 && *n)
        checkpoint(s);
    return rc;
}

/* Migration 1 -> 2: queue statements for the results already in the file. */
typedef struct Backfill {
    Store *s;
    int64_t *ids;
    size_t n, cap;
} Backfill;

static int collect_attempt(const StoreAttempt *a, void *ud)
{
    Backfill *b = ud;
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap + b->cap / 2 : 32;
        int64_t *ids = realloc(b->ids, cap * sizeof *ids);
        if (!ids)
            return set_err(b->s, STORE_ERROR, "cannot migrate: out of memory");
        b->ids = ids;
        b->cap = cap;
    }
    b->ids[b->n++] = a->id;
    return 0;
}

typedef struct BackfillAnswers {
    Store *s;
    const StoreAttempt *a;
    const char *home;
} BackfillAnswers;

static int backfill_answer(const StoreAnswer *ans, void *ud)
{
    BackfillAnswers *b = ud;
    return outbox_add(b->s, b->a->id, xapi_answer_statement(b->home, b->a, ans));
}

static int backfill_attempt(Store *s, const StoreAttempt *a, void *ud)
{
    (void)ud;
    int rc = queue_attempt_statements(s, a, NULL);
    if (rc)
        return rc;
    Buf home = BUF_INIT;
    home_page(s, &home);
    BackfillAnswers b = { s, a, home.data };
    rc = store_foreach_answer(s, a->id, backfill_answer, &b);
    buf_release(&home);
    return rc;
}

static int outbox_backfill(Store *s)
{
    Backfill b = { s, NULL, 0, 0 };
    int rc = store_foreach_attempt(s, 0, collect_attempt, &b);
    for (size_t i = 0; rc == 0 && i < b.n; i++)
        rc = with_attempt(s, b.ids[i], backfill_attempt, NULL);
    free(b.ids);
    return rc;
}
