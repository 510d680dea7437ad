/* store_salvage: rows are gathered first (a table's rows can come from its
 * tree and, later, from loose pages), then written in one transaction with
 * foreign keys on: an attempt whose profile was lost, or an answer whose
 * attempt was, is refused by its constraint and counted as dropped, while a
 * statement whose attempt was lost is kept with no attempt (it names its
 * learner itself, and must still reach the LRS). The schema comes from
 * store_open_with(STORE_OPEN_CREATE), the one place it is written. */
#include "store_salvage.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "os.h"
#include "salvage.h"

typedef enum Tab {
    TAB_LEARNERS, TAB_ATTEMPTS, TAB_ANSWERS, TAB_CMI, TAB_PAGES, TAB_SETTINGS, TAB_OUTBOX,
    TAB_COUNT, TAB_NONE = -1,
} Tab;

/* in the order they are written: parents first */
static const char *const tab_names[TAB_COUNT] = {
    "learners", "attempts", "answers", "cmi_values", "pages_seen", "settings", "outbox",
};

static const char *const tab_insert[TAB_COUNT] = {
    "INSERT OR IGNORE INTO learners(id, name, staff_id, role, setting, pin_hash, uuid, created,"
    " pin_failures, pin_locked_until) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    "INSERT OR IGNORE INTO attempts(id, uuid, learner, package_id, version, lang, edition,"
    " started, updated, completion, success, score_raw, score_min, score_max, score_scaled,"
    " location, suspend_data, total_ms, closed) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
    " ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
    "INSERT OR IGNORE INTO answers(id, attempt, item_id, type, description, response,"
    " correct_pattern, result, weight, latency_ms, timestamp, score) VALUES(?1, ?2, ?3, ?4,"
    " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    "INSERT OR IGNORE INTO cmi_values(rowid, attempt, seq, element, value)"
    " VALUES(?1, ?2, ?3, ?4, ?5)",
    "INSERT OR IGNORE INTO pages_seen(rowid, attempt, page, first_seen) VALUES(?1, ?2, ?3, ?4)",
    "INSERT OR IGNORE INTO settings(rowid, key, value) VALUES(?1, ?2, ?3)",
    "INSERT OR IGNORE INTO outbox(rowid, id, attempt, json, created, sent_at)"
    " VALUES(?1, ?2, (SELECT id FROM attempts WHERE id = ?3), ?4, ?5, ?6)",
};

/* A row copied out of the damaged file. */
typedef struct Row {
    int64_t rowid;
    int ncol;
    SalvageValue *v;        /* owned, with the bytes of its text after it */
} Row;

typedef struct Rows {
    Row *rows;
    size_t n, cap;
} Rows;

typedef struct Gather {
    Rows tab[TAB_COUNT];
    int failed;
} Gather;

/* ---- telling a row's table -------------------------------------------------- */

static int is(const SalvageRow *r, int i, SalvageType t)
{
    return i < r->ncol && r->v[i].type == t;
}

#define T(i) is(r, i, SALVAGE_TEXT)
#define I(i) is(r, i, SALVAGE_INT)
#define N(i) is(r, i, SALVAGE_NULL)
#define R(i) (I(i) || is(r, i, SALVAGE_REAL))

static int text_len(const SalvageRow *r, int i, size_t n)
{
    return T(i) && r->v[i].n == n;
}

static int text_starts(const SalvageRow *r, int i, const char *prefix)
{
    size_t n = strlen(prefix);
    return T(i) && r->v[i].n >= n && memcmp(r->v[i].p, prefix, n) == 0;
}

/* Whether r has the shape of a row of table t at any schema version. */
static int fits(const SalvageRow *r, Tab t)
{
    switch (t) {
    case TAB_LEARNERS:
        return (r->ncol == 8 || (r->ncol == 10 && I(8) && I(9))) && N(0) && T(1) && T(2)
            && T(3) && T(4) && (T(5) || N(5)) && text_len(r, 6, 36) && T(7);
    case TAB_ATTEMPTS:
        return r->ncol == 19 && N(0) && text_len(r, 1, 36) && I(2) && T(3) && T(4) && T(5)
            && I(6) && T(7) && T(8) && T(9) && T(10) && (R(11) || N(11)) && (R(12) || N(12))
            && (R(13) || N(13)) && (R(14) || N(14)) && T(15) && T(16) && I(17) && I(18);
    case TAB_ANSWERS:
        return (r->ncol == 11 || (r->ncol == 12 && (R(11) || N(11)))) && N(0) && I(1) && T(2)
            && T(3) && (T(4) || N(4)) && T(5) && (T(6) || N(6)) && T(7) && R(8) && I(9)
            && T(10);
    case TAB_CMI:
        return r->ncol == 4 && I(0) && I(1) && text_starts(r, 2, "cmi.") && T(3);
    case TAB_PAGES:
        return r->ncol == 3 && I(0) && T(1) && T(2);
    case TAB_SETTINGS:
        return r->ncol == 2 && T(0) && T(1);
    case TAB_OUTBOX:
        return r->ncol == 5 && text_len(r, 0, 36) && (I(1) || N(1)) && text_starts(r, 2, "{")
            && T(3) && (T(4) || N(4));
    default:
        return 0;
    }
}

#undef T
#undef I
#undef N
#undef R

static Tab classify(const SalvageRow *r)
{
    if (r->table) {
        for (int t = 0; t < TAB_COUNT; t++)
            if (strcmp(r->table, tab_names[t]) == 0)
                return fits(r, (Tab)t) ? (Tab)t : TAB_NONE;
        return TAB_NONE;            /* live_attempts, sqlite_sequence...: not kept */
    }
    for (int t = 0; t < TAB_COUNT; t++)
        if (fits(r, (Tab)t))
            return (Tab)t;
    return TAB_NONE;
}

static int gather(const SalvageRow *r, void *ud)
{
    Gather *g = ud;
    Tab t = classify(r);
    if (t == TAB_NONE)
        return 0;
    Rows *rs = &g->tab[t];
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? rs->cap + rs->cap / 2 : 64;
        Row *n = realloc(rs->rows, cap * sizeof *n);
        if (!n)
            goto oom;
        rs->rows = n;
        rs->cap = cap;
    }
    size_t bytes = 0;
    for (int i = 0; i < r->ncol; i++)
        bytes += r->v[i].n;
    SalvageValue *v = malloc((size_t)r->ncol * sizeof *v + bytes + 1);
    if (!v)
        goto oom;
    char *text = (char *)(v + r->ncol);
    for (int i = 0; i < r->ncol; i++) {
        v[i] = r->v[i];
        if (r->v[i].n) {
            memcpy(text, r->v[i].p, r->v[i].n);
            v[i].p = text;
            text += r->v[i].n;
        }
    }
    rs->rows[rs->n++] = (Row){ r->rowid, r->ncol, v };
    return 0;
oom:
    g->failed = 1;
    return 1;
}

/* ---- writing ------------------------------------------------------------------ */

static int bind_value(sqlite3_stmt *st, int i, const SalvageValue *v)
{
    switch (v->type) {
    case SALVAGE_INT:
        return sqlite3_bind_int64(st, i, v->i);
    case SALVAGE_REAL:
        return sqlite3_bind_double(st, i, v->r);
    case SALVAGE_TEXT:
        return sqlite3_bind_text(st, i, v->n ? v->p : "", (int)v->n, SQLITE_TRANSIENT);
    case SALVAGE_BLOB:
        return sqlite3_bind_blob(st, i, v->p, (int)v->n, SQLITE_TRANSIENT);
    default:
        return sqlite3_bind_null(st, i);
    }
}

/* Binds a row to its table's INSERT: parameter 1 is the row id, then the
 * record's columns (the INTEGER PRIMARY KEY column, stored as NULL, skipped);
 * columns later versions added take their default when the row predates them. */
static int bind_row(sqlite3_stmt *st, Tab t, const Row *row)
{
    static const SalvageValue zero = { SALVAGE_INT, 0, 0, NULL, 0 };
    static const SalvageValue null = { SALVAGE_NULL, 0, 0, NULL, 0 };
    int rc = sqlite3_bind_int64(st, 1, row->rowid);
    int first = t == TAB_LEARNERS || t == TAB_ATTEMPTS || t == TAB_ANSWERS ? 1 : 0;
    int nparam = sqlite3_bind_parameter_count(st);
    for (int p = 2; p <= nparam && rc == SQLITE_OK; p++) {
        int c = first + p - 2;
        const SalvageValue *v = c < row->ncol ? &row->v[c] : t == TAB_LEARNERS ? &zero : &null;
        rc = bind_value(st, p, v);
    }
    if (rc == SQLITE_OK && t == TAB_ANSWERS && row->ncol < 12) {
        /* an answer from before version 3: its score, read from its result */
        char result[32] = "";
        const SalvageValue *r = &row->v[7];
        snprintf(result, sizeof result, "%.*s", (int)(r->n < 31 ? r->n : 31), r->p ? r->p : "");
        double score;
        rc = store_result_score(result, &score) ? sqlite3_bind_double(st, 12, score)
                                                : sqlite3_bind_null(st, 12);
    }
    return rc;
}

static int sent_at_null(const Row *row)
{
    return row->ncol < 5 || row->v[4].type == SALVAGE_NULL;
}

static int write_rows(sqlite3 *db, Gather *g, StoreSalvage *rep, Buf *err)
{
    size_t *count[TAB_COUNT] = {
        &rep->learners, &rep->attempts, &rep->answers, &rep->cmi_values, &rep->pages_seen,
        &rep->settings, NULL,
    };
    if (sqlite3_exec(db, "PRAGMA foreign_keys=ON; BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        goto fail;
    for (int t = 0; t < TAB_COUNT; t++) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(db, tab_insert[t], -1, &st, NULL) != SQLITE_OK)
            goto fail;
        for (size_t i = 0; i < g->tab[t].n; i++) {
            const Row *row = &g->tab[t].rows[i];
            sqlite3_reset(st);
            sqlite3_clear_bindings(st);
            if (bind_row(st, (Tab)t, row) != SQLITE_OK) {
                sqlite3_finalize(st);
                goto fail;
            }
            int rc = sqlite3_step(st);
            if ((rc & 0xff) == SQLITE_CONSTRAINT) {
                rep->dropped++;         /* its profile or attempt was not recovered */
                continue;
            }
            if (rc != SQLITE_DONE) {
                sqlite3_finalize(st);
                goto fail;
            }
            if (sqlite3_changes(db) == 0)
                continue;               /* the same row again (a loose old copy) */
            if (t == TAB_OUTBOX)
                *(sent_at_null(row) ? &rep->unsent : &rep->sent) += 1;
            else
                (*count[t])++;
        }
        sqlite3_finalize(st);
    }
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        goto fail;
    return 0;
fail:
    buf_printf(err, "cannot write the salvaged rows: %s", sqlite3_errmsg(db));
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

int store_salvage_rebuild(const char *damaged, const char *dir, StoreSalvage *rep, Buf *err)
{
    Gather g;
    memset(&g, 0, sizeof g);
    sqlite3 *db = NULL;
    int code = STORE_ERROR;
    SalvageStats stats;
    Buf path = BUF_INIT, why = BUF_INIT;
    int rc = salvage_read(damaged, gather, &g, &stats, &why);
    if (rc != 0 || g.failed) {
        buf_printf(err, "cannot salvage the learner database: %s",
                   g.failed ? "out of memory" : why.data);
        goto out;
    }
    rep->pages = stats.pages;
    rep->bad_pages = stats.bad_pages;
    rep->schema_lost = !stats.schema_ok;
    rep->dropped = stats.bad_cells;
    /* the new, empty store, its schema written by the store itself */
    Store *fresh = store_open_with(dir, STORE_OPEN_CREATE, &code, NULL, err);
    if (!fresh)
        goto out;
    store_close(fresh);
    buf_printf(&path, "%s/%s", dir, STORE_FILE);
    if (sqlite3_open_v2(path.data, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        buf_printf(err, "cannot open the new learner database: %s",
                   db ? sqlite3_errmsg(db) : "out of memory");
        code = STORE_IO;
        goto out;
    }
    sqlite3_exec(db, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
    code = write_rows(db, &g, rep, err) == 0 ? 0 : STORE_IO;
out:
    sqlite3_close(db);
    for (int t = 0; t < TAB_COUNT; t++) {
        for (size_t i = 0; i < g.tab[t].n; i++)
            free(g.tab[t].rows[i].v);
        free(g.tab[t].rows);
    }
    buf_release(&path);
    buf_release(&why);
    return code;
}

/* ---- telling what happened ------------------------------------------------------ */

int store_salvage_write_report(const char *path, const StoreSalvage *rep, Buf *err)
{
    Buf b = BUF_INIT;
    char when[32];
    struct tm tm;
    os_gmtime(os_now_ms() / 1000, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    buf_printf(&b, "wardplayer salvaged a damaged learner database (%s)\n\n", when);
    buf_printf(&b, "The damaged file is kept, unchanged, as %s\n"
                   "(with its -wal and -shm files, if it had them).\n\n", rep->kept);
    buf_printf(&b, "Recovered into the new learners.db (rows keep their ids):\n"
                   "  learners: %zu recovered\n  attempts: %zu recovered\n"
                   "  answers: %zu recovered\n  cmi_values: %zu recovered\n"
                   "  pages_seen: %zu recovered\n  settings: %zu recovered\n"
                   "  statements not yet sent: %zu recovered (their ids are kept: the LRS\n"
                   "    keeps one copy of any it had already received)\n"
                   "  statements already sent: %zu recovered\n\n",
               rep->learners, rep->attempts, rep->answers, rep->cmi_values, rep->pages_seen,
               rep->settings, rep->unsent, rep->sent);
    buf_printf(&b, "Lost:\n  %zu of %zu pages could not be read: the rows they held are "
                   "lost, and\n    how many cannot be known from the file\n"
                   "  %zu rows could not be decoded or lost the profile or attempt they\n"
                   "    belong to\n", rep->bad_pages, rep->pages, rep->dropped);
    if (rep->schema_lost)
        buf_puts(&b, "  the list of tables was unreadable: rows were recognised by their "
                     "shape\n");
    buf_puts(&b, "\nTo look further: sqlite3 <the kept file> \".recover\" (SQLite's own "
                 "recovery, in the\nsqlite3 command-line tool) reads the same pages.\n");
    int ret = 0;
    /* text mode: Windows' Notepad gets its line ends */
    FILE *f = os_fopen(path, "w");
    if (!f || fwrite(b.data, 1, b.len, f) != b.len || fflush(f) != 0) {
        buf_printf(err, "cannot write '%s': %s", path, strerror(errno));
        ret = -1;
    }
    if (f && fclose(f) != 0 && ret == 0) {
        buf_printf(err, "cannot write '%s': %s", path, strerror(errno));
        ret = -1;
    }
    buf_release(&b);
    return ret;
}

void store_salvage_describe(const StoreSalvage *rep, Buf *out)
{
    buf_printf(out, "the learner database was damaged: it was kept as %s, and a new one holds "
                    "what could be read (%zu profiles, %zu attempts, %zu answers, %zu "
                    "statements not yet sent); %zu of %zu pages could not be read",
               rep->kept, rep->learners, rep->attempts, rep->answers, rep->unsent,
               rep->bad_pages, rep->pages);
    if (rep->report[0])
        buf_printf(out, " (report: %s)", rep->report);
}
