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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "xapi.h"

#define PIN_OPSLIMIT 2ULL
#define PIN_MEMLIMIT (32u * 1024 * 1024)
#define BUSY_TIMEOUT_MS 5000

struct Store {
    sqlite3 *db;
    char *path;             /* owned */
    Buf err;                /* last error text */
    int64_t learner;        /* open profile, 0 when none */
    int64_t cmi5_attempt;   /* the cmi5 attempt whose session is open, 0 when none */
    XapiCmi5 cmi5;          /* that session (xapi.h's cmi5 profile) */
    int64_t cmi5_last_ms;   /* when its last statement was queued (wall clock, ms) */
};

/* ---- errors and small helpers -------------------------------------------- */

static int db_fail(Store *s, const char *what)
{
    buf_clear(&s->err);
    buf_printf(&s->err, "%s: %s", what, s->db ? sqlite3_errmsg(s->db) : "no database");
    return -1;
}

static int set_err(Store *s, int code, const char *what)
{
    buf_clear(&s->err);
    buf_puts(&s->err, what);
    return code;
}

const char *store_errmsg(const Store *s)
{
    return s->err.data;
}

const char *store_path(const Store *s)
{
    return s->path;
}

static int exec(Store *s, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        buf_clear(&s->err);
        buf_printf(&s->err, "cannot run '%.60s': %s", sql, msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return -1;
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
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
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

static const char *const migrations[] = { schema_v1, schema_v2 };

static int outbox_backfill(Store *s);

static int user_version(Store *s, int *v)
{
    sqlite3_stmt *st = prep(s, "PRAGMA user_version");
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        return db_fail(s, "cannot read the schema version");
    }
    *v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return 0;
}

static int migrate(Store *s)
{
    int v;
    if (begin(s) < 0)
        return -1;
    if (user_version(s, &v) < 0)
        goto fail;
    if (v > STORE_SCHEMA_VERSION) {
        buf_clear(&s->err);
        buf_printf(&s->err, "%s has schema version %d, newer than this wardplayer knows (%d) "
                   "(install the newer wardplayer)", s->path, v, STORE_SCHEMA_VERSION);
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
    return commit(s);
fail:
    rollback(s);
    return -1;
}

/* ---- open, corruption, close --------------------------------------------- */

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

/* PRAGMA quick_check: 0 when "ok", 1 when damaged, -1 on another error. */
static int quick_check(Store *s)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, "PRAGMA quick_check", -1, &st, NULL);
    if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
        return 1;
    if (rc != SQLITE_OK)
        return db_fail(s, "cannot check the database");
    rc = sqlite3_step(st);
    int damaged = 0;
    if (rc == SQLITE_ROW)
        damaged = strcmp(col_text(st, 0), "ok") != 0;
    else if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
        damaged = 1;
    else if (rc != SQLITE_DONE)
        damaged = -1;
    if (damaged < 0)
        db_fail(s, "cannot check the database");
    sqlite3_finalize(st);
    return damaged;
}

static int open_db(Store *s, int create)
{
    int rc = sqlite3_open_v2(s->path, &s->db,
                             SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0), NULL);
    if (rc != SQLITE_OK)
        return db_fail(s, "cannot open the learner database");
    sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(s->db, 0);
    return 0;
}

static void close_db(Store *s)
{
    if (s->db)
        sqlite3_close(s->db);
    s->db = NULL;
}

/* Settings applied on each connection. journal_mode=WAL fails on a file
 * that is not a database, which is how some damage shows first. */
static int configure(Store *s, int *damaged)
{
    *damaged = 0;
    char *msg = NULL;
    int rc = sqlite3_exec(s->db, "PRAGMA journal_mode=WAL", NULL, NULL, &msg);
    sqlite3_free(msg);
    if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT) {
        *damaged = 1;
        return 0;
    }
    if (rc != SQLITE_OK)
        return db_fail(s, "cannot set journal_mode=WAL");
    int q = quick_check(s);
    if (q < 0)
        return -1;
    if (q > 0) {
        *damaged = 1;
        return 0;
    }
    return exec(s, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON");
}

/* Renames path (and its -wal/-shm companions) to path.corrupt-<stamp>;
 * never deletes. Puts the new name in aside. */
static int move_aside(Store *s, Buf *aside)
{
    char stamp[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    for (int i = 0; i < 100; i++) {
        buf_clear(aside);
        buf_printf(aside, "%s.corrupt-%s", s->path, stamp);
        if (i)
            buf_printf(aside, "-%d", i);
        if (access(aside->data, F_OK) != 0)
            break;
    }
    /* rename() would replace an existing file: never lose an older copy */
    if (access(aside->data, F_OK) == 0) {
        buf_clear(&s->err);
        buf_printf(&s->err, "cannot move the damaged %s aside: too many copies already "
                   "(move the learners.db.corrupt-* files away)", s->path);
        return -1;
    }
    if (rename(s->path, aside->data) != 0) {
        int e = errno;
        buf_clear(&s->err);
        buf_printf(&s->err, "cannot move the damaged %s aside: %s", s->path, strerror(e));
        return -1;
    }
    static const char *const sidecars[] = { "-wal", "-shm" };
    for (int i = 0; i < 2; i++) {
        Buf from = BUF_INIT, to = BUF_INIT;
        buf_printf(&from, "%s%s", s->path, sidecars[i]);
        buf_printf(&to, "%s%s", aside->data, sidecars[i]);
        if (access(from.data, F_OK) == 0)
            rename(from.data, to.data);
        buf_release(&from);
        buf_release(&to);
    }
    return 0;
}

/* may_repair: the first connection of the player creates a missing file
 * and moves a damaged one aside; a secondary one does neither. */
static Store *open_store(const char *dir, int may_repair, Buf *notice, Buf *err)
{
    Store *s = calloc(1, sizeof *s);
    Buf aside = BUF_INIT;
    if (!s) {
        if (err)
            buf_puts(err, "cannot open the learner database: out of memory");
        return NULL;
    }
    buf_init(&s->err);
    if (sodium_init() < 0) {
        set_err(s, -1, "cannot start libsodium");
        goto fail;
    }
    Buf p = BUF_INIT;
    buf_printf(&p, "%s/%s", dir, STORE_FILE);
    s->path = buf_detach(&p, NULL);
    if (!s->path) {
        set_err(s, -1, "out of memory");
        goto fail;
    }
    struct stat sb;
    errno = 0;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        buf_printf(&s->err, "cannot open the data folder '%s': %s", dir,
                   errno ? strerror(errno) : "not a folder");
        goto fail;
    }
    if (!may_repair && access(s->path, F_OK) != 0) {
        buf_printf(&s->err, "no learner database in '%s' yet", dir);
        goto fail;
    }
    if (open_db(s, may_repair) < 0)
        goto fail;
    int damaged = not_sqlite(s);
    if (!damaged && configure(s, &damaged) < 0)
        goto fail;
    if (damaged && !may_repair) {
        buf_printf(&s->err, "the learner database %s looks damaged: left as it is (the "
                   "player sets it aside at its next start)", s->path);
        goto fail;
    }
    if (damaged) {
        close_db(s);
        if (move_aside(s, &aside) < 0)
            goto fail;
        if (notice) {
            const char *base = strrchr(aside.data, '/');
            buf_printf(notice, "the learner database was damaged: it was kept as %s and a "
                       "new empty one was started (ask IT to recover the old profiles and "
                       "results from that file)", base ? base + 1 : aside.data);
        }
        if (open_db(s, 1) < 0 || configure(s, &damaged) < 0)
            goto fail;
        if (damaged) {
            set_err(s, -1, "cannot start a new learner database: the new file is damaged too");
            goto fail;
        }
    }
    if (migrate(s) < 0)
        goto fail;
    buf_release(&aside);
    return s;
fail:
    if (err)
        buf_puts(err, s->err.data);
    buf_release(&aside);
    store_close(s);
    return NULL;
}

Store *store_open(const char *dir, Buf *notice, Buf *err)
{
    return open_store(dir, 1, notice, err);
}

Store *store_open_secondary(const char *dir, Buf *err)
{
    return open_store(dir, 0, NULL, err);
}

void store_close(Store *s)
{
    if (!s)
        return;
    close_db(s);
    free(s->path);
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
        return -1;
    if (bind_text(s, st, 1, key) < 0 || bind_text(s, st, 2, value) < 0) {
        sqlite3_finalize(st);
        return -1;
    }
    return run(s, st, "cannot save a setting");
}

int store_setting_get(Store *s, const char *key, const char *dflt, Buf *value)
{
    buf_clear(value);
    sqlite3_stmt *st = prep(s, "SELECT value FROM settings WHERE key = ?1");
    if (!st)
        return -1;
    if (bind_text(s, st, 1, key) < 0) {
        sqlite3_finalize(st);
        return -1;
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
    int ret = -1;
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
        return -1;
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
    return ret;
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
        return -1;
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
        return -1;
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
        return -1;
    if (bind_int(s, st, 1, id) < 0) {
        sqlite3_finalize(st);
        return -1;
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
        return -1;
    if (bind_text(s, st, 1, hash) < 0 || bind_int(s, st, 2, id) < 0) {
        sqlite3_finalize(st);
        return -1;
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
        return -1;
    if (bind_int(s, st, 1, id) < 0 || bind_int(s, st, 2, failed ? failures + 1 : 0) < 0
        || bind_int(s, st, 3, until) < 0) {
        sqlite3_finalize(st);
        return -1;
    }
    return run(s, st, "cannot update the profile");
}

int store_login(Store *s, int64_t learner_id, const char *pin)
{
    store_logout(s);
    sqlite3_stmt *st = prep(s, "SELECT pin_hash, pin_failures, pin_locked_until FROM learners"
                               " WHERE id = ?1");
    if (!st)
        return -1;
    if (bind_int(s, st, 1, learner_id) < 0) {
        sqlite3_finalize(st);
        return -1;
    }
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_finalize(st);
        return set_err(s, STORE_NOT_FOUND, "no such profile");
    }
    if (rc != SQLITE_ROW) {
        db_fail(s, "cannot read the profile");
        sqlite3_finalize(st);
        return -1;
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
        return -1;
    if (bind_text(s, st, 1, role ? role : "") < 0 || bind_text(s, st, 2, setting ? setting : "") < 0
        || bind_int(s, st, 3, s->learner) < 0) {
        sqlite3_finalize(st);
        return -1;
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
        return -1;
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

/* Checks that attempt belongs to the open profile. */
static int own_attempt(Store *s, int64_t attempt)
{
    if (!s->learner)
        return set_err(s, STORE_LOCKED, "no profile is open");
    sqlite3_stmt *st = prep(s, "SELECT learner FROM attempts WHERE id = ?1");
    if (!st)
        return -1;
    if (bind_int(s, st, 1, attempt) < 0) {
        sqlite3_finalize(st);
        return -1;
    }
    int rc = sqlite3_step(st);
    int ret = 0;
    if (rc == SQLITE_ROW) {
        if (sqlite3_column_int64(st, 0) != s->learner)
            ret = set_err(s, STORE_LOCKED, "the attempt belongs to another profile");
    } else if (rc == SQLITE_DONE) {
        ret = set_err(s, STORE_NOT_FOUND, "no such attempt");
    } else {
        ret = db_fail(s, "cannot read the attempt");
    }
    sqlite3_finalize(st);
    return ret;
}

/* Adds a statement to the outbox unless one with its id is there already. */
static int outbox_add(Store *s, int64_t attempt, json_t *statement)
{
    if (!statement)
        return set_err(s, -1, "cannot build the xAPI statement");
    char *json = json_dumps(statement, JSON_COMPACT | JSON_SORT_KEYS);
    const char *id = json_string_value(json_object_get(statement, "id"));
    const char *ts = json_string_value(json_object_get(statement, "timestamp"));
    int ret = -1;
    if (!json || !id || !ts) {
        set_err(s, -1, "cannot build the xAPI statement: out of memory");
        goto out;
    }
    sqlite3_stmt *st = prep(s, "INSERT OR IGNORE INTO outbox(id, attempt, json, created) "
                               "VALUES(?1, ?2, ?3, ?4)");
    if (!st)
        goto out;
    if (bind_text(s, st, 1, id) < 0 || bind_int(s, st, 2, attempt) < 0
        || bind_text(s, st, 3, json) < 0 || bind_text(s, st, 4, ts) < 0) {
        sqlite3_finalize(st);
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
        return -1;
    if (bind_int(s, st, 1, attempt) < 0) {
        sqlite3_finalize(st);
        return -1;
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
        return -1;
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
        return commit(s);
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
    if (with_attempt(s, *attempt, queue_attempt_statements, NULL) < 0)
        goto fail;
    return commit(s);
fail:
    rollback(s);
    return -1;
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
        return -1;
    if (sqlite3_step(c->ins) != SQLITE_DONE)
        return db_fail(c->s, "cannot save a CMI value");
    return 0;
}

static int bind_real_or_null(Store *s, sqlite3_stmt *st, int i, int has, double v)
{
    int rc = has ? sqlite3_bind_double(st, i, v) : sqlite3_bind_null(st, i);
    return rc == SQLITE_OK ? 0 : db_fail(s, "cannot bind a value");
}

int store_cmi_save(Store *s, int64_t attempt, const CmiModel *m)
{
    int rc = own_attempt(s, attempt);
    if (rc)
        return rc;
    if (begin(s) < 0)
        return -1;
    sqlite3_stmt *st = prep(s, "DELETE FROM cmi_values WHERE attempt = ?1");
    if (!st || bind_int(s, st, 1, attempt) < 0) {
        sqlite3_finalize(st);
        goto fail;
    }
    if (run(s, st, "cannot replace the CMI values") < 0)
        goto fail;
    SaveCtx c = { s, NULL, attempt, 0 };
    c.ins = prep(s, "INSERT INTO cmi_values(attempt, seq, element, value) VALUES(?1,?2,?3,?4)");
    if (!c.ins)
        goto fail;
    rc = cmi_foreach(m, save_value, &c);
    sqlite3_finalize(c.ins);
    if (rc)
        goto fail;
    CmiSummary sum;
    cmi_summary(m, &sum);
    Buf now = BUF_INIT;
    now_iso(&now);
    st = prep(s, "UPDATE attempts SET completion = ?1, success = ?2, score_raw = ?3,"
                 " score_min = ?4, score_max = ?5, score_scaled = ?6, location = ?7,"
                 " suspend_data = ?8, total_ms = ?9, updated = ?10 WHERE id = ?11");
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
        goto fail;
    }
    if (run(s, st, "cannot update the attempt") < 0)
        goto fail;
    if (with_attempt(s, attempt, queue_attempt_statements, NULL) < 0)
        goto fail;
    return commit(s);
fail:
    rollback(s);
    return -1;
}

int store_cmi_load(Store *s, int64_t attempt, CmiModel *m)
{
    int rc = own_attempt(s, attempt);
    if (rc)
        return rc;
    sqlite3_stmt *st = prep(s, "SELECT element, value FROM cmi_values WHERE attempt = ?1 "
                               "ORDER BY seq");
    if (!st)
        return -1;
    if (bind_int(s, st, 1, attempt) < 0) {
        sqlite3_finalize(st);
        return -1;
    }
    int ret = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *el = col_text(st, 0);
        int code = cmi_load(m, el, col_text(st, 1));
        if (code != CMI_OK) {
            buf_clear(&s->err);
            buf_printf(&s->err, "cannot restore %s: %s", el, cmi_diagnostic(m));
            ret = -1;
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

int store_answer_record(Store *s, int64_t attempt, const StoreAnswer *a)
{
    int rc = own_attempt(s, attempt);
    if (rc)
        return rc;
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
    if (begin(s) < 0) {
        buf_release(&now);
        return -1;
    }
    sqlite3_stmt *st = prep(s, "INSERT INTO answers(attempt, item_id, type, description,"
                               " response, correct_pattern, result, weight, latency_ms,"
                               " timestamp) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
    int bad = !st || bind_int(s, st, 1, attempt) < 0 || bind_text(s, st, 2, copy.item_id) < 0
        || bind_text(s, st, 3, copy.type) < 0 || bind_text(s, st, 4, copy.description) < 0
        || bind_text(s, st, 5, copy.response) < 0
        || bind_text(s, st, 6, copy.correct_pattern) < 0
        || bind_text(s, st, 7, copy.result) < 0
        || sqlite3_bind_double(st, 8, copy.weight) != SQLITE_OK
        || bind_int(s, st, 9, copy.latency_ms) < 0 || bind_text(s, st, 10, copy.timestamp) < 0;
    if (bad) {
        sqlite3_finalize(st);
        goto fail;
    }
    if (run(s, st, "cannot record the answer") < 0)
        goto fail;
    st = prep(s, "UPDATE attempts SET updated = ?1 WHERE id = ?2");
    if (!st || bind_text(s, st, 1, now.data) < 0 || bind_int(s, st, 2, attempt) < 0) {
        sqlite3_finalize(st);
        goto fail;
    }
    if (run(s, st, "cannot update the attempt") < 0)
        goto fail;
    if (with_attempt(s, attempt, queue_answer_statement, &copy) < 0)
        goto fail;
    if (commit(s) < 0)
        goto fail;
    buf_release(&now);
    return 0;
fail:
    rollback(s);
    buf_release(&now);
    return -1;
}

int store_page_seen(Store *s, int64_t attempt, const char *page)
{
    int rc = own_attempt(s, attempt);
    if (rc)
        return rc;
    if (!page || !*page)
        return set_err(s, STORE_INVALID, "a page needs a name");
    Buf now = BUF_INIT;
    now_iso(&now);
    sqlite3_stmt *st = prep(s, "INSERT OR IGNORE INTO pages_seen(attempt, page, first_seen) "
                               "VALUES(?1, ?2, ?3)");
    if (!st || bind_int(s, st, 1, attempt) < 0 || bind_text(s, st, 2, page) < 0
        || bind_text(s, st, 3, now.data) < 0) {
        sqlite3_finalize(st);
        buf_release(&now);
        return -1;
    }
    buf_release(&now);
    return run(s, st, "cannot mark the page seen");
}

int store_page_was_seen(Store *s, int64_t attempt, const char *page)
{
    int rc = own_attempt(s, attempt);
    if (rc)
        return rc;
    sqlite3_stmt *st = prep(s, "SELECT 1 FROM pages_seen WHERE attempt = ?1 AND page = ?2");
    if (!st || bind_int(s, st, 1, attempt) < 0 || bind_text(s, st, 2, page) < 0) {
        sqlite3_finalize(st);
        return -1;
    }
    rc = sqlite3_step(st);
    int ret = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : db_fail(s, "cannot read pages");
    sqlite3_finalize(st);
    return ret;
}

int store_attempt_close(Store *s, int64_t attempt)
{
    int rc = own_attempt(s, attempt);
    if (rc)
        return rc;
    sqlite3_stmt *st = prep(s, "UPDATE attempts SET closed = 1 WHERE id = ?1");
    if (!st || bind_int(s, st, 1, attempt) < 0) {
        sqlite3_finalize(st);
        return -1;
    }
    return run(s, st, "cannot close the attempt");
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
        return -1;
    if (bind_int(s, st, 1, learner_id) < 0) {
        sqlite3_finalize(st);
        return -1;
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
                               " result, weight, latency_ms, timestamp FROM answers"
                               " WHERE attempt = ?1 ORDER BY id");
    if (!st)
        return -1;
    if (bind_int(s, st, 1, attempt) < 0) {
        sqlite3_finalize(st);
        return -1;
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

int store_outbox_pending(Store *s, StoreOutboxVisitor fn, void *userdata)
{
    sqlite3_stmt *st = prep(s, "SELECT id, json FROM outbox WHERE sent_at IS NULL "
                               "ORDER BY rowid");
    if (!st)
        return -1;
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

int store_outbox_mark_sent(Store *s, const char *id)
{
    Buf now = BUF_INIT;
    now_iso(&now);
    sqlite3_stmt *st = prep(s, "UPDATE outbox SET sent_at = ?1 WHERE id = ?2");
    if (!st || bind_text(s, st, 1, now.data) < 0 || bind_text(s, st, 2, id) < 0) {
        sqlite3_finalize(st);
        buf_release(&now);
        return -1;
    }
    buf_release(&now);
    return run(s, st, "cannot mark the statement sent");
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
            return set_err(b->s, -1, "cannot migrate: out of memory");
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
