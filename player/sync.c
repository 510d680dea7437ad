/* sync: the sender. The loop is: take up to `batch` statements, POST them,
 * and act on the answer:
 *   200        the ids in the answer are acknowledged: mark each sent;
 *   400        some statement is bad: set aside those the answer names, else
 *              split the batch in two and try each half, down to single ones;
 *   409        a statement's id is known to the LRS: PUT that statement alone
 *              (204: the LRS holds it, mark it sent; 409: it holds a different
 *              statement under the id, set it aside);
 *   413        split;
 *   401 / 403  stop: the credentials are wrong, nothing more will pass;
 *   other 4xx  stop: the endpoint is wrong;
 *   5xx, 408, 429, no answer   wait (doubling, capped) and try again, up to
 *              `retries` times, then stop with the rest pending.
 * xAPI 1.0.3 (Communication 2.1.2): an LRS must not store a statement id
 * twice; one that re-sends an id with the same statement is not an error
 * (Learning Locker answers 200 with the id, or 204 to PUT), which is what
 * makes "send again after any doubt" safe: the only way to lose nothing. */
#include "sync.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include "os.h"
#include "xapi.h"

void sync_report_init(SyncReport *r)
{
    memset(r, 0, sizeof *r);
    buf_init(&r->log);
}

void sync_report_release(SyncReport *r)
{
    buf_release(&r->log);
    sync_report_init(r);
}

long sync_backoff_ms(const LrsConfig *c, int n)
{
    long ms = c->retry_base_ms;
    for (int i = 1; i < n && ms < c->retry_max_ms; i++)
        ms *= 2;
    return ms > c->retry_max_ms ? c->retry_max_ms : ms;
}

int sync_parse_ids(const char *body, int (*fn)(const char *id, void *ud), void *ud)
{
    json_t *a = json_loads(body, 0, NULL);
    if (!json_is_array(a)) {
        json_decref(a);
        return -1;
    }
    size_t i;
    json_t *v;
    int n = 0;
    json_array_foreach(a, i, v) {
        if (!json_is_string(v)) {
            json_decref(a);
            return -1;
        }
        if (fn && fn(json_string_value(v), ud))
            break;
        n++;
    }
    json_decref(a);
    return n;
}

/* Whether text names "statements.<i>" followed by a non-digit. */
static int names_index(const char *text, size_t i)
{
    const char *p = text;
    while ((p = strstr(p, "statements."))) {
        p += strlen("statements.");
        char *end;
        unsigned long x = strtoul(p, &end, 10);
        if (end != p && x == i)
            return 1;
    }
    return 0;
}

int sync_parse_rejection(const char *body, size_t i, Buf *reason)
{
    json_t *o = json_loads(body, 0, NULL);
    json_t *w = json_object_get(o, "warnings");
    int named_any = 0, named_i = 0;
    if (json_is_array(w)) {
        size_t k;
        json_t *v;
        json_array_foreach(w, k, v) {
            const char *t = json_string_value(v);
            if (!t || !strstr(t, "statements."))
                continue;
            named_any = 1;
            if (names_index(t, i)) {
                if (named_i)
                    buf_puts(reason, "; ");
                buf_puts(reason, t);
                named_i = 1;
            }
        }
    }
    if (named_i) {
        json_decref(o);
        return 1;
    }
    if (named_any) {
        json_decref(o);
        return 0;
    }
    const char *m = json_string_value(json_object_get(o, "message"));
    if (m)
        buf_puts(reason, m);
    else if (json_is_array(w) && json_array_size(w)) {
        size_t k;
        json_t *v;
        json_array_foreach(w, k, v) {
            if (json_string_value(v))
                buf_printf(reason, "%s%s", k ? "; " : "", json_string_value(v));
        }
    } else
        buf_printf(reason, "%.300s", body);
    json_decref(o);
    return -1;
}

/* ---- the default transport: libcurl ---------------------------------------- */

typedef struct Curl {
    CURL *h;
    const LrsConfig *c;
    const atomic_int *cancel;
    struct curl_slist *headers;
} Curl;

static size_t curl_write(char *p, size_t size, size_t n, void *ud)
{
    Buf *b = ud;
    if (b->len + size * n > SYNC_RESPONSE_MAX)
        return 0;                   /* curl then fails the transfer: no answer */
    buf_append(b, p, size * n);
    return b->failed ? 0 : size * n;
}

static int curl_progress(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    (void)dt, (void)dn, (void)ut, (void)un;
    const atomic_int *cancel = ud;
    return cancel && atomic_load(cancel);
}

static int curl_http(void *ud, const char *method, const char *url, const char *body,
                     long *status, Buf *resp, Buf *err)
{
    Curl *cu = ud;
    CURL *h = cu->h;
    *status = 0;
    curl_easy_reset(h);
    char ebuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)cu->c->timeout_s);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)cu->c->connect_timeout_s);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, cu->headers);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, curl_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, resp);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, curl_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, (void *)cu->cancel);
    if (cu->c->username[0] || cu->c->password[0]) {
        curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(h, CURLOPT_USERNAME, cu->c->username);
        curl_easy_setopt(h, CURLOPT_PASSWORD, cu->c->password);
    }
    if (strcmp(method, "POST") == 0) {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body ? body : "");
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)(body ? strlen(body) : 0));
    } else if (strcmp(method, "GET") != 0) {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
        if (body) {
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
        }
    }
    CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
        buf_puts(err, ebuf[0] ? ebuf : curl_easy_strerror(rc));
        return -1;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
    return 0;
}

/* ---- sending ----------------------------------------------------------------- */

typedef struct Ctx {
    const LrsConfig *c;
    const SyncItem *items;
    const SyncSink *sink;
    SyncHttpFn http;
    void *http_ud;
    const atomic_int *cancel;
    SyncReport *r;
    Buf url;
    unsigned char *resolved;        /* per item: 1 sent or set aside */
} Ctx;

enum { GROUP_OK = 0, GROUP_RETRY_LATER = 1, GROUP_STOP = 2 };

static void log_line(Ctx *x, const char *text)
{
    lrs_config_redact(x->c, text, &x->r->log);
    buf_putc(&x->r->log, '\n');
}

static int cancelled(const Ctx *x)
{
    return x->cancel && atomic_load(x->cancel);
}

/* Sleeps ms in short steps, returning early when cancelled. */
static void nap(const Ctx *x, long ms)
{
    while (ms > 0 && !cancelled(x)) {
        long step = ms > 50 ? 50 : ms;
        os_sleep_ms(step);
        ms -= step;
    }
}

static int mark_sent(Ctx *x, size_t i)
{
    if (x->resolved[i])
        return 0;
    x->resolved[i] = 1;
    x->r->sent++;
    if (x->sink->sent && x->sink->sent(x->items[i].id, x->sink->userdata))
        return GROUP_STOP;
    return 0;
}

static int set_aside(Ctx *x, size_t i, const char *reason)
{
    if (x->resolved[i])
        return 0;
    x->resolved[i] = 1;
    x->r->set_aside++;
    Buf line = BUF_INIT;
    buf_printf(&line, "set aside %s: %s", x->items[i].id, reason);
    log_line(x, line.data);
    buf_release(&line);
    Buf red = BUF_INIT;
    lrs_config_redact(x->c, reason, &red);
    int rc = 0;
    if (x->sink->set_aside
        && x->sink->set_aside(x->items[i].id, x->items[i].json, red.data, x->sink->userdata))
        rc = GROUP_STOP;
    buf_release(&red);
    return rc;
}

typedef struct Ack {
    Ctx *x;
    const size_t *idx;
    size_t n;
    int rc;
} Ack;

static int ack_one(const char *id, void *ud)
{
    Ack *a = ud;
    for (size_t k = 0; k < a->n; k++) {
        if (strcmp(a->x->items[a->idx[k]].id, id) == 0) {
            if (mark_sent(a->x, a->idx[k])) {
                a->rc = GROUP_STOP;
                return 1;
            }
            break;
        }
    }
    return 0;
}

static int send_group(Ctx *x, const size_t *idx, size_t n);

static int send_halves(Ctx *x, const size_t *idx, size_t n)
{
    size_t h = n / 2;
    int rc = send_group(x, idx, h);
    if (rc != GROUP_OK)
        return rc;
    return send_group(x, idx + h, n - h);
}

/* Sends the group minus the items resolved meanwhile. */
static int send_rest(Ctx *x, const size_t *idx, size_t n)
{
    size_t *rest = malloc((n ? n : 1) * sizeof *rest), m = 0;
    if (!rest)
        return GROUP_STOP;
    for (size_t k = 0; k < n; k++)
        if (!x->resolved[idx[k]])
            rest[m++] = idx[k];
    int rc = m ? send_group(x, rest, m) : GROUP_OK;
    free(rest);
    return rc;
}

/* After a 409, asks the LRS about one statement the idempotent way: PUT
 * /statements?statementId=<id> answers 204 when the LRS holds this very
 * statement (acknowledged: mark it sent) and 409 when it holds a different
 * one under the id (set it aside). xAPI 1.0.3 Communication 2.1.1. */
static int put_one(Ctx *x, size_t i)
{
    Buf url = BUF_INIT, resp = BUF_INIT, err = BUF_INIT, line = BUF_INIT;
    long status = 0;
    int ret;
    buf_printf(&url, "%s?statementId=%s", x->url.data, x->items[i].id);
    int rc = x->http(x->http_ud, "PUT", url.data, x->items[i].json, &status, &resp, &err);
    if (rc == 0 && (status == 204 || status == 200)) {
        ret = mark_sent(x, i);
    } else if (rc == 0 && status == 409) {
        ret = set_aside(x, i, "the LRS already holds a different statement with this id "
                              "(HTTP 409)");
    } else {
        if (rc < 0)
            buf_printf(&line, "no answer from %s: %s (it stays pending)", url.data, err.data);
        else
            buf_printf(&line, "the LRS answered HTTP %ld to PUT %s: %.200s (it stays pending)",
                       status, url.data, resp.data);
        log_line(x, line.data);
        ret = GROUP_RETRY_LATER;
    }
    buf_release(&url);
    buf_release(&resp);
    buf_release(&err);
    buf_release(&line);
    return ret;
}

static int refused(Ctx *x, const size_t *idx, size_t n, long status, const char *body)
{
    int found = 0;
    if (status == 400) {
        for (size_t k = 0; k < n; k++) {
            Buf why = BUF_INIT;
            int named = sync_parse_rejection(body, k, &why);
            if (named == 1 || (named == -1 && n == 1)) {
                Buf reason = BUF_INIT;
                buf_printf(&reason, "the LRS refused it (HTTP 400): %s", why.data);
                int rc = set_aside(x, idx[k], reason.data);
                buf_release(&reason);
                found = 1;
                if (rc) {
                    buf_release(&why);
                    return rc;
                }
            }
            buf_release(&why);
        }
    } else {        /* 409: the message names the id */
        for (size_t k = 0; k < n; k++) {
            if (n == 1 || strstr(body, x->items[idx[k]].id)) {
                int rc = put_one(x, idx[k]);
                found = 1;
                if (rc)
                    return rc;
            }
        }
    }
    if (found)
        return send_rest(x, idx, n);
    if (n == 1) {
        Buf reason = BUF_INIT;
        buf_printf(&reason, "the LRS refused it (HTTP %ld): %.300s", status, body);
        int rc = set_aside(x, idx[0], reason.data);
        buf_release(&reason);
        return rc;
    }
    return send_halves(x, idx, n);
}

static int send_group(Ctx *x, const size_t *idx, size_t n)
{
    Buf body = BUF_INIT, resp = BUF_INIT, err = BUF_INIT, line = BUF_INIT;
    int ret = GROUP_OK;
    if (n == 0)
        return GROUP_OK;
    buf_putc(&body, '[');
    for (size_t k = 0; k < n; k++) {
        if (k)
            buf_putc(&body, ',');
        buf_puts(&body, x->items[idx[k]].json);
    }
    buf_putc(&body, ']');
    if (body.failed) {
        ret = GROUP_STOP;
        goto out;
    }
    long status = 0;
    for (int tries = 0;; tries++) {
        if (cancelled(x)) {
            log_line(x, "sync cancelled");
            ret = GROUP_STOP;
            goto out;
        }
        buf_clear(&resp);
        buf_clear(&err);
        int rc = x->http(x->http_ud, "POST", x->url.data, body.data, &status, &resp, &err);
        int transient = rc < 0 || status >= 500 || status == 408 || status == 429;
        if (!transient)
            break;
        buf_clear(&line);
        if (rc < 0)
            buf_printf(&line, "no answer from %s: %s", x->url.data, err.data);
        else
            buf_printf(&line, "the LRS answered HTTP %ld: %.200s", status, resp.data);
        if (tries >= x->c->retries) {
            buf_printf(&line, " (gave up after %d tries; the statements stay pending)",
                       tries + 1);
            log_line(x, line.data);
            ret = GROUP_RETRY_LATER;
            goto out;
        }
        long wait = sync_backoff_ms(x->c, tries + 1);
        buf_printf(&line, " (trying again in %ld ms)", wait);
        log_line(x, line.data);
        nap(x, wait);
    }
    if (status == 200) {
        Ack a = {x, idx, n, GROUP_OK};
        int got = sync_parse_ids(resp.data, ack_one, &a);
        if (a.rc) {
            ret = a.rc;
            goto out;
        }
        if (got < 0) {
            buf_clear(&line);
            buf_printf(&line, "the LRS answered 200 without the statement ids: %.200s "
                              "(the statements stay pending)", resp.data);
            log_line(x, line.data);
            ret = GROUP_RETRY_LATER;
            goto out;
        }
        for (size_t k = 0; k < n; k++) {
            if (!x->resolved[idx[k]]) {
                buf_clear(&line);
                buf_printf(&line, "the LRS did not acknowledge %s (it stays pending)",
                           x->items[idx[k]].id);
                log_line(x, line.data);
                ret = GROUP_RETRY_LATER;
            }
        }
        goto out;
    }
    if (status == 400 || status == 409) {
        ret = refused(x, idx, n, status, resp.data);
        goto out;
    }
    if (status == 413 && n > 1) {
        ret = send_halves(x, idx, n);
        goto out;
    }
    if (status == 413) {
        ret = set_aside(x, idx[0], "too large for the LRS (HTTP 413)");
        if (!ret)
            ret = GROUP_OK;
        goto out;
    }
    buf_clear(&line);
    if (status == 401 || status == 403) {
        x->r->auth_failed = 1;
        buf_printf(&line, "the LRS refused the credentials (HTTP %ld) (check 'username' and "
                          "'password' in the LRS configuration)", status);
    } else {
        buf_printf(&line, "the LRS answered HTTP %ld at %s: %.200s (check 'endpoint' in the "
                          "LRS configuration: it is the address ending in /xAPI/)",
                   status, x->url.data, resp.data);
    }
    log_line(x, line.data);
    ret = GROUP_STOP;
out:
    buf_release(&body);
    buf_release(&resp);
    buf_release(&err);
    buf_release(&line);
    return ret;
}

/* curl_global_init is thread-safe only from libcurl 7.84; once is enough. */
static void curl_start(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

int sync_send(const LrsConfig *c, const SyncItem *items, size_t n, const SyncSink *sink,
              SyncHttpFn http, void *http_ud, const atomic_int *cancel, SyncReport *r,
              Buf *err)
{
    Ctx x = {c, items, sink, http, http_ud, cancel, r, BUF_INIT, NULL};
    Curl cu = {0};
    int ret = -1;
    size_t *idx = NULL;
    size_t sent0 = r->sent, aside0 = r->set_aside;
    if (lrs_config_check(c, err) < 0)
        return -1;
    x.resolved = calloc(n ? n : 1, 1);
    idx = malloc((n ? n : 1) * sizeof *idx);
    if (!x.resolved || !idx) {
        buf_puts(err, "cannot send the statements: out of memory");
        goto out;
    }
    if (!http) {
        os_once(curl_start);
        cu.h = curl_easy_init();
        cu.c = c;
        cu.cancel = cancel;
        cu.headers = curl_slist_append(NULL, "Content-Type: application/json; charset=utf-8");
        if (cu.headers)
            cu.headers = curl_slist_append(cu.headers, "X-Experience-API-Version: " XAPI_VERSION);
        if (!cu.h || !cu.headers) {
            buf_puts(err, "cannot start libcurl");
            goto out;
        }
        x.http = curl_http;
        x.http_ud = &cu;
    }
    lrs_config_statements_url(c, &x.url);
    size_t batch = (size_t)(c->batch > 0 ? c->batch : 1);
    ret = 0;
    for (size_t at = 0; at < n; at += batch) {
        size_t m = n - at < batch ? n - at : batch;
        for (size_t k = 0; k < m; k++)
            idx[k] = at + k;
        if (send_group(&x, idx, m) != GROUP_OK)
            break;
    }
    size_t done = (r->sent - sent0) + (r->set_aside - aside0);
    r->pending += n - done;
    ret = n - done ? 1 : 0;
out:
    if (cu.h)
        curl_easy_cleanup(cu.h);
    curl_slist_free_all(cu.headers);
    buf_release(&x.url);
    free(x.resolved);
    free(idx);
    return ret;
}

/* ---- the outbox and the set-aside list ------------------------------------- */

typedef struct Outbox {
    Store *s;
    sqlite3 *db;                    /* the set-aside list */
    SyncItem *items;
    size_t n, cap;
    size_t held;
    int failed;
    Buf *err;
} Outbox;

static int is_held(sqlite3 *db, const char *id)
{
    sqlite3_stmt *st = NULL;
    int held = 0;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM set_aside WHERE id = ?1", -1, &st, NULL)
        == SQLITE_OK) {
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        held = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    return held;
}

static int collect(const char *id, const char *json, void *ud)
{
    Outbox *o = ud;
    if (is_held(o->db, id)) {
        o->held++;
        return 0;
    }
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 3 / 2 + 1 : 64;
        SyncItem *p = realloc(o->items, cap * sizeof *p);
        if (!p)
            goto oom;
        o->items = p;
        o->cap = cap;
    }
    char *i = strdup(id), *j = strdup(json);
    if (!i || !j) {
        free(i);
        free(j);
        goto oom;
    }
    o->items[o->n].id = i;
    o->items[o->n].json = j;
    o->n++;
    return 0;
oom:
    o->failed = 1;
    return 1;
}

static int outbox_sent(const char *id, void *ud)
{
    Outbox *o = ud;
    if (store_outbox_mark_sent(o->s, id) < 0) {
        buf_printf(o->err, "%s", store_errmsg(o->s));
        return 1;
    }
    return 0;
}

static int outbox_set_aside(const char *id, const char *json, const char *reason, void *ud)
{
    Outbox *o = ud;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(o->db, "INSERT OR REPLACE INTO set_aside(id, reason, json, at) "
                                       "VALUES(?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, reason, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, json, -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_OK) {
        buf_printf(o->err, "cannot record a set-aside statement: %s", sqlite3_errmsg(o->db));
        return 1;
    }
    return 0;
}

static sqlite3 *open_set_aside(const char *dir, Buf *err)
{
    Buf path = BUF_INIT;
    buf_printf(&path, "%s/%s", dir, SYNC_SET_ASIDE_FILE);
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path.data, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)
            != SQLITE_OK
        || sqlite3_busy_timeout(db, 5000) != SQLITE_OK
        || sqlite3_exec(db, "CREATE TABLE IF NOT EXISTS set_aside(id TEXT PRIMARY KEY, "
                            "reason TEXT NOT NULL, json TEXT NOT NULL, at TEXT NOT NULL)",
                        NULL, NULL, NULL) != SQLITE_OK) {
        buf_printf(err, "cannot open %s: %s", path.data, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        db = NULL;
    }
    buf_release(&path);
    return db;
}

int sync_set_aside_forget(const char *data_dir, const char *account, size_t *removed,
                          Buf *err)
{
    *removed = 0;
    Buf path = BUF_INIT;
    buf_printf(&path, "%s/%s", data_dir, SYNC_SET_ASIDE_FILE);
    int exists = os_exists(path.data);
    buf_release(&path);
    if (!exists)
        return 0;
    sqlite3 *db = open_set_aside(data_dir, err);
    if (!db)
        return -1;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_exec(db, "PRAGMA secure_delete=ON", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db, "DELETE FROM set_aside WHERE"
                                    " json_extract(json, '$.actor.account.name') = ?1",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    }
    if (rc == SQLITE_OK)
        *removed = (size_t)sqlite3_changes(db);
    else
        buf_printf(err, "cannot clean the set-aside list: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rc == SQLITE_OK ? 0 : -1;
}

int sync_outbox(Store *s, const char *data_dir, const LrsConfig *c, int retry_set_aside,
                SyncHttpFn http, void *http_ud, const atomic_int *cancel, SyncReport *r,
                Buf *err)
{
    Outbox o = {s, NULL, NULL, 0, 0, 0, 0, err};
    int ret = -1;
    if (lrs_config_check(c, err) < 0)
        return -1;
    o.db = open_set_aside(data_dir, err);
    if (!o.db)
        return -1;
    if (retry_set_aside && sqlite3_exec(o.db, "DELETE FROM set_aside", NULL, NULL, NULL)
                               != SQLITE_OK) {
        buf_printf(err, "cannot clear the set-aside list: %s", sqlite3_errmsg(o.db));
        goto out;
    }
    if (store_outbox_pending(s, collect, &o) != 0) {
        buf_puts(err, o.failed ? "cannot read the outbox: out of memory" : store_errmsg(s));
        goto out;
    }
    r->held += o.held;
    SyncSink sink = {outbox_sent, outbox_set_aside, &o};
    size_t errlen = err->len;
    ret = sync_send(c, o.items, o.n, &sink, http, http_ud, cancel, r, err);
    if (ret >= 0 && err->len > errlen)
        ret = -1;                   /* a callback failed to record */
out:
    for (size_t i = 0; i < o.n; i++) {
        free((char *)o.items[i].id);
        free((char *)o.items[i].json);
    }
    free(o.items);
    sqlite3_close(o.db);
    return ret;
}

/* ---- the worker --------------------------------------------------------------- */

struct SyncWorker {
    OsThread *thread;
    char *dir;
    LrsConfig c;
    atomic_int cancel;                  /* set by sync_worker_free, polled by the thread */
    atomic_int done;
    int rc;
    SyncReport r;
    void (*notify)(void *userdata);     /* called on the thread at the end, may be NULL */
    void *userdata;
};

static void worker_main(void *arg)
{
    SyncWorker *w = arg;
    Buf err = BUF_INIT;
    /* the screen holds the store: never create or move it from here */
    Store *s = store_open_secondary(w->dir, &err);
    if (!s)
        w->rc = -1;
    else
        w->rc = sync_outbox(s, w->dir, &w->c, 0, NULL, NULL, &w->cancel, &w->r, &err);
    if (err.len) {
        lrs_config_redact(&w->c, err.data, &w->r.log);
        buf_putc(&w->r.log, '\n');
    }
    store_close(s);
    buf_release(&err);
    atomic_store(&w->done, 1);
    /* after done: the owner may now poll, and its wake-up finds the result */
    if (w->notify)
        w->notify(w->userdata);
}

SyncWorker *sync_worker_start_notify(const char *data_dir, const LrsConfig *c,
                                     void (*done)(void *userdata), void *userdata, Buf *err)
{
    SyncWorker *w = calloc(1, sizeof *w);
    if (!w || !(w->dir = strdup(data_dir))) {
        free(w);
        buf_puts(err, "cannot start the sync: out of memory");
        return NULL;
    }
    w->c = *c;
    w->notify = done;
    w->userdata = userdata;
    sync_report_init(&w->r);
    atomic_init(&w->done, 0);
    atomic_init(&w->cancel, 0);
    Buf why = BUF_INIT;
    w->thread = os_thread_start(worker_main, w, &why);
    if (!w->thread) {
        buf_printf(err, "cannot start the sync thread: %s", why.data);
        buf_release(&why);
        free(w->dir);
        free(w);
        return NULL;
    }
    return w;
}

int sync_worker_poll(SyncWorker *w, SyncReport *out, int *rc)
{
    if (!atomic_load(&w->done))
        return 0;
    if (out) {
        out->sent = w->r.sent;
        out->pending = w->r.pending;
        out->set_aside = w->r.set_aside;
        out->held = w->r.held;
        out->auth_failed = w->r.auth_failed;
        buf_append(&out->log, w->r.log.data, w->r.log.len);
    }
    if (rc)
        *rc = w->rc;
    return 1;
}

void sync_worker_free(SyncWorker *w)
{
    if (!w)
        return;
    atomic_store(&w->cancel, 1);
    os_thread_join(w->thread);
    sync_report_release(&w->r);
    sodium_memzero(&w->c, sizeof w->c);
    free(w->dir);
    free(w);
}

int sync_use_home_page(const char *data_dir, const LrsConfig *c, Buf *err)
{
    if (!c->home_page[0])
        return 0;
    /* the player's own connection has created, checked or salvaged the
     * store already: this one only writes a setting into it */
    int code = 0;
    Buf why = BUF_INIT;
    Store *s = store_open_with(data_dir, 0, &code, NULL, &why);
    if (!s) {
        /* no store (the learner goes on without saving): nothing to set */
        if (code != STORE_NOT_FOUND)
            buf_puts(err, why.data);
        buf_release(&why);
        return code == STORE_NOT_FOUND ? 0 : -1;
    }
    buf_release(&why);
    Buf cur = BUF_INIT;
    int rc = store_setting_get(s, "xapi.home_page", XAPI_DEFAULT_HOME_PAGE, &cur);
    if (rc == 0 && strcmp(cur.data, c->home_page) != 0)
        rc = store_setting_set(s, "xapi.home_page", c->home_page);
    if (rc != 0)
        buf_puts(err, store_errmsg(s));
    buf_release(&cur);
    store_close(s);
    return rc == 0 ? 0 : -1;
}

/* ---- the plan ------------------------------------------------------------------ */

void sync_plan_init(SyncPlan *p, long long now_ms)
{
    memset(p, 0, sizeof *p);
    p->scheduled = 1;
    p->due_ms = now_ms;
}

void sync_plan_recorded(SyncPlan *p, long long now_ms)
{
    if (p->running) {
        p->again = 1;
        return;
    }
    /* an attempt already due (settling, or backing off from a failure) keeps
     * its time: answering fast neither postpones it for ever nor hammers an
     * LRS that is down */
    if (p->scheduled)
        return;
    p->scheduled = 1;
    p->due_ms = now_ms + SYNC_SETTLE_MS;
}

int sync_plan_due(const SyncPlan *p, long long now_ms)
{
    return !p->running && p->scheduled && now_ms >= p->due_ms;
}

void sync_plan_started(SyncPlan *p)
{
    p->running = 1;
    p->scheduled = 0;
}

void sync_plan_finished(SyncPlan *p, const LrsConfig *c, long long now_ms, int rc)
{
    int again = p->again;
    p->running = 0;
    p->again = 0;
    if (rc == 0) {
        p->failures = 0;
        p->scheduled = again;
        p->due_ms = now_ms + SYNC_SETTLE_MS;
        return;
    }
    if (p->failures < 1000)
        p->failures++;
    p->scheduled = 1;           /* new results wait with the rest */
    p->due_ms = now_ms + sync_backoff_ms(c, p->failures);
}

long sync_plan_wait_ms(const SyncPlan *p, long long now_ms)
{
    if (p->running || !p->scheduled)
        return -1;
    if (p->due_ms <= now_ms)
        return 0;
    long long d = p->due_ms - now_ms;
    return d > 24L * 3600 * 1000 ? 24L * 3600 * 1000 : (long)d;
}
