/* sync: sends the xAPI statements of the outbox (or of an exported file) to
 * a Learning Record Store, never losing or doubling one. Statements go in
 * batches (POST /statements, X-Experience-API-Version 1.0.3, Basic auth);
 * a statement is marked sent only when the LRS acknowledged its id (200
 * with the ids; a repeated id with the same content is acknowledged again,
 * since every statement id is stable). A batch the LRS refuses (400 or 409)
 * is split until the bad statements are found; they are set aside with the
 * LRS's reason (file <data>/xapi-set-aside.db) and the rest is sent. Network
 * errors, timeouts and 5xx answers are retried with a doubling wait up to a
 * cap; what is still unsent stays pending for the next attempt. No SDL. */
#ifndef SYNC_H
#define SYNC_H

#include <stdatomic.h>
#include <stddef.h>

#include "buf.h"
#include "lrs_config.h"
#include "store.h"

#define SYNC_SET_ASIDE_FILE "xapi-set-aside.db"
#define SYNC_RESPONSE_MAX (4 * 1024 * 1024)     /* bytes of an LRS answer we read */

/* One HTTP exchange: method "POST"/"GET", url, body (may be NULL). Sets
 * *status (0 when no answer arrived) and appends the answer's body to resp.
 * Returns 0 when an answer arrived, -1 otherwise with a reason in err.
 * The default transport uses libcurl; tests give their own. */
typedef int (*SyncHttpFn)(void *ud, const char *method, const char *url, const char *body,
                          long *status, Buf *resp, Buf *err);

/* What happens to each statement; each callback returns 0, or non-zero to
 * stop (the sync then counts the rest as pending). userdata is last. */
typedef struct SyncSink {
    int (*sent)(const char *id, void *userdata);
    int (*set_aside)(const char *id, const char *json, const char *reason, void *userdata);
    void *userdata;
} SyncSink;

/* One statement to send: borrowed strings. */
typedef struct SyncItem {
    const char *id;
    const char *json;
} SyncItem;

typedef struct SyncReport {
    size_t sent;            /* acknowledged by the LRS in this run */
    size_t pending;         /* still to send (network, LRS error, cancelled) */
    size_t set_aside;       /* refused by the LRS in this run */
    size_t held;            /* set aside earlier, not sent again */
    int auth_failed;        /* the LRS refused the username/password (401/403) */
    Buf log;                /* one line per event, secrets redacted; owned */
} SyncReport;

void sync_report_init(SyncReport *r);
void sync_report_release(SyncReport *r);

/* The wait before try number n+1 after n failed tries (n >= 1):
 * retry_base_ms * 2^(n-1), at most retry_max_ms. */
long sync_backoff_ms(const LrsConfig *c, int n);

/* Reads a 200 answer to POST /statements: a JSON array of ids. Returns the
 * number of ids, or -1 when body is not such an array; calls fn for each. */
int sync_parse_ids(const char *body, int (*fn)(const char *id, void *ud), void *ud);

/* From a 400 answer, the reason for the statement at index i of the batch
 * (Learning Locker: "warnings": ["Problem in 'statements.<i>.actor'..."];
 * other LRSs: "message"). Appends to reason; returns 1 when the answer names
 * statement i, 0 when it names other statements only, -1 when it names none
 * (reason then gets the whole message). */
int sync_parse_rejection(const char *body, size_t i, Buf *reason);

/* Sends n statements through http (NULL: libcurl) and reports each to sink;
 * adds to r. *cancel (may be NULL) is polled: when it becomes non-zero the
 * sync stops soon, between tries. Returns 0 when every statement was sent or
 * set aside, 1 when some stay pending, -1 on a local error (err). */
int sync_send(const LrsConfig *c, const SyncItem *items, size_t n, const SyncSink *sink,
              SyncHttpFn http, void *http_ud, const atomic_int *cancel, SyncReport *r,
              Buf *err);

/* Sends the store's pending statements, except those set aside before (in
 * data_dir/xapi-set-aside.db; retry_set_aside clears that list first), and
 * marks each acknowledged one sent. Returns as sync_send. */
int sync_outbox(Store *s, const char *data_dir, const LrsConfig *c, int retry_set_aside,
                SyncHttpFn http, void *http_ud, const atomic_int *cancel, SyncReport *r,
                Buf *err);

/* Removes from data_dir's set-aside list every statement whose actor's
 * account name is account (a forgotten learner's staff id or profile uuid);
 * *removed counts them. A missing list is empty. Returns 0, or -1 with err. */
int sync_set_aside_forget(const char *data_dir, const char *account, size_t *removed,
                          Buf *err);

/* ---- background sync for the player ------------------------------------- */

typedef struct SyncWorker SyncWorker;

/* Starts one sync attempt of data_dir's store on its own thread (its own
 * store connection; pthreads, no SDL) and returns at once. c is copied.
 * done(userdata) is called on the worker's thread once the attempt has
 * finished (poll then returns 1): the player pushes an SDL event from it, so
 * its loop sleeps until then. done may be NULL. Returns NULL with err set
 * when the thread cannot start. */
SyncWorker *sync_worker_start_notify(const char *data_dir, const LrsConfig *c,
                                     void (*done)(void *userdata), void *userdata, Buf *err);

/* Never blocks: 0 while the attempt runs; 1 when it has finished, after
 * which *out (may be NULL) receives the counts and log (init it first;
 * sync_report_release it) and *rc the result of sync_outbox. */
int sync_worker_poll(SyncWorker *w, SyncReport *out, int *rc);

/* Asks the attempt to stop (it stops within about a second: pending
 * statements stay pending), waits for it and frees w. Accepts NULL. */
void sync_worker_free(SyncWorker *w);

/* Writes the configured home_page (when set) into data_dir's store as the
 * homePage of the statements to come, as --sync does. Returns 0, or -1
 * with err set. */
int sync_use_home_page(const char *data_dir, const LrsConfig *c, Buf *err);

/* ---- when the player tries: a plan, pure logic ---------------------------- */

/* The player tries once at start, then SYNC_SETTLE_MS after results are
 * recorded (at most one attempt per settle time, whatever the learner does),
 * and, while statements stay pending, again after sync_backoff_ms(c, n) for
 * the n-th failed attempt in a row. Nothing is scheduled when all is sent:
 * the loop then sleeps without a timer. Times are milliseconds of any
 * monotonic clock. */
#define SYNC_SETTLE_MS 2000

typedef struct SyncPlan {
    int running;            /* an attempt is under way */
    int again;              /* results were recorded while it ran */
    int failures;           /* attempts in a row that left statements pending */
    int scheduled;          /* due_ms holds the next attempt */
    long long due_ms;
} SyncPlan;

/* The first attempt is due at once. */
void sync_plan_init(SyncPlan *p, long long now_ms);

/* Results were committed to the store (statements may have joined it). */
void sync_plan_recorded(SyncPlan *p, long long now_ms);

/* 1 when an attempt should start now (none running and one is due). */
int sync_plan_due(const SyncPlan *p, long long now_ms);

void sync_plan_started(SyncPlan *p);

/* The attempt ended with rc (as sync_worker_poll gives it): 0 schedules
 * nothing more (unless results came meanwhile), otherwise a retry after the
 * back-off. */
void sync_plan_finished(SyncPlan *p, const LrsConfig *c, long long now_ms, int rc);

/* How long the loop may sleep before the plan needs it: -1 when nothing is
 * scheduled (an attempt that runs wakes the loop itself), else 0.. ms. */
long sync_plan_wait_ms(const SyncPlan *p, long long now_ms);

#endif
