/* Unit tests of lrs_config, sync and admin_cli: configuration parsing and
 * the permission check, secret redaction, the back-off schedule, parsing LRS
 * answers, and the sender against a fake LRS in C (batches, a refused
 * statement found and set aside, retries, nothing marked sent without an
 * acknowledgement), the outbox, the background worker.
 * The binary doubles as the driver of tests/integration/lrs_sync.sh:
 *   test_sync seed DIR STAFF_ID [HOME]  records a scripted session in DIR's store
 *   test_sync cli ARGS...          runs admin_cli_run (wardplayer's admin flags)
 *   test_sync worker DIR CONFIG    one background sync, polled until done */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>
#include <sqlite3.h>

#include "admin_cli.h"
#include "buf.h"
#include "pkgfixture.h"
#include "cmi.h"
#include "lrs_config.h"
#include "store.h"
#include "sync.h"

/* ---- fixture: a temporary folder ------------------------------------------ */

typedef struct Fixture {
    char dir[64];
} Fixture;

static int setup(void **state)
{
    Fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/test_sync.XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
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

static void write_file(const char *path, const char *text, mode_t mode)
{
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    chmod(path, mode);
}

#define SECRET "s3cr3t-Pa55"

/* ---- configuration ------------------------------------------------------------ */

static void test_sync__config_parse(void **state)
{
    (void)state;
    LrsConfig c;
    lrs_config_init(&c);
    assert_int_equal(c.batch, 50);
    assert_int_equal(c.retries, 4);
    const char *text = "# LRS of the hospital\n"
                       "endpoint = https://lrs.example.org/xAPI/\r\n"
                       "  username=ward-7\n"
                       "password = \"" SECRET "\"\n"
                       "home_page = https://chu.example.fr\n"
                       "\n"
                       "batch = 10\n"
                       "retries = 2\n"
                       "retry_base_ms = 0\n";
    Buf err = BUF_INIT;
    assert_int_equal(lrs_config_parse(&c, "lrs.conf", text, strlen(text), &err), 0);
    assert_string_equal(c.endpoint, "https://lrs.example.org/xAPI/");
    assert_string_equal(c.username, "ward-7");
    assert_string_equal(c.password, SECRET);
    assert_string_equal(c.home_page, "https://chu.example.fr");
    assert_int_equal(c.batch, 10);
    assert_int_equal(c.retries, 2);
    assert_int_equal(c.retry_base_ms, 0);
    assert_int_equal(c.timeout_s, 30);

    Buf url = BUF_INIT;
    lrs_config_statements_url(&c, &url);
    assert_string_equal(url.data, "https://lrs.example.org/xAPI/statements");
    buf_release(&url);
    assert_int_equal(lrs_config_check(&c, &err), 0);

    const char *bad = "endpoint = http://x/\npassword " SECRET "\n";
    assert_int_equal(lrs_config_parse(&c, "lrs.conf", bad, strlen(bad), &err), -1);
    assert_string_equal(err.data, "lrs.conf:2: error: expected 'key = value' (write e.g. "
                                  "'endpoint = https://lrs.example.org/xAPI/')");
    buf_clear(&err);
    bad = "batch = 0\n";
    assert_int_equal(lrs_config_parse(&c, "lrs.conf", bad, strlen(bad), &err), -1);
    assert_string_equal(err.data, "lrs.conf:1: error: 'batch' must be a whole number from 1 "
                                  "to 500 (got '0')");
    buf_clear(&err);
    bad = "\nendpont = x\n";
    assert_int_equal(lrs_config_parse(&c, "lrs.conf", bad, strlen(bad), &err), -1);
    assert_non_null(strstr(err.data, "lrs.conf:2: error: unknown key 'endpont' (expected "));
    buf_clear(&err);

    strcpy(c.endpoint, "ftp://lrs/");
    assert_int_equal(lrs_config_check(&c, &err), -1);
    assert_non_null(strstr(err.data, "is not an http:// or https:// address"));
    buf_clear(&err);
    strcpy(c.endpoint, "https://u:" SECRET "@lrs/xAPI/");
    assert_int_equal(lrs_config_check(&c, &err), -1);
    assert_string_equal(err.data, "the LRS endpoint contains a user name or password (give "
                                  "them as 'username =' and 'password =' lines instead)");
    assert_null(strstr(err.data, SECRET));
    buf_clear(&err);
    c.endpoint[0] = '\0';
    assert_int_equal(lrs_config_check(&c, &err), -1);
    assert_non_null(strstr(err.data, "no LRS endpoint is configured"));
    buf_release(&err);
}

static void test_sync__config_file_permissions(void **state)
{
    Fixture *f = *state;
    char path[400], link[400];
    snprintf(path, sizeof path, "%s/lrs.conf", f->dir);
    snprintf(link, sizeof link, "%s/link.conf", f->dir);
    const char *text = "endpoint = http://127.0.0.1:9/xAPI/\nusername = u\npassword = " SECRET "\n";
    LrsConfig c;
    lrs_config_init(&c);
    Buf err = BUF_INIT, want = BUF_INIT;

    write_file(path, text, 0644);
    assert_int_equal(lrs_config_load_file(&c, path, &err), -1);
    buf_printf(&want, "%s: error: readable or writable by group or others (mode 0644) (it "
                      "holds the LRS password: chmod 600 %s)", path, path);
    assert_string_equal(err.data, want.data);
    assert_string_equal(c.password, "");            /* nothing was read */
    buf_clear(&err);

    chmod(path, 0620);
    assert_int_equal(lrs_config_load_file(&c, path, &err), -1);
    assert_non_null(strstr(err.data, "(mode 0620)"));
    buf_clear(&err);

    chmod(path, 0600);
    assert_int_equal(lrs_config_load_file(&c, path, &err), 0);
    assert_string_equal(c.password, SECRET);
    assert_string_equal(err.data, "");

    assert_int_equal(symlink(path, link), 0);
    assert_int_equal(lrs_config_load_file(&c, link, &err), -1);
    assert_non_null(strstr(err.data, "is a symbolic link"));
    buf_clear(&err);

    char missing[400];
    snprintf(missing, sizeof missing, "%s/none.conf", f->dir);
    assert_int_equal(lrs_config_load_file(&c, missing, &err), 1);
    assert_int_equal(lrs_config_load(&c, missing, &err), -1);
    buf_clear(&want);
    buf_printf(&want, "%s: error: no such file (write the LRS configuration there, or give "
                      "its path with --lrs-config)", missing);
    assert_string_equal(err.data, want.data);
    buf_clear(&err);

    /* the environment names the file and overrides the endpoint */
    setenv(LRS_CONFIG_ENV, path, 1);
    setenv(LRS_ENDPOINT_ENV, "http://127.0.0.1:8/xAPI", 1);
    lrs_config_init(&c);
    assert_int_equal(lrs_config_load(&c, NULL, &err), 0);
    assert_string_equal(c.endpoint, "http://127.0.0.1:8/xAPI");
    assert_string_equal(c.username, "u");
    unsetenv(LRS_CONFIG_ENV);
    unsetenv(LRS_ENDPOINT_ENV);
    buf_release(&err);
    buf_release(&want);
}

static void test_sync__redaction(void **state)
{
    (void)state;
    LrsConfig c;
    lrs_config_init(&c);
    strcpy(c.username, "ward");
    strcpy(c.password, SECRET);
    Buf out = BUF_INIT;
    /* base64("ward:s3cr3t-Pa55") */
    lrs_config_redact(&c, "pw " SECRET " auth Basic d2FyZDpzM2NyM3QtUGE1NQ== url "
                          "http://bob:hunter2@lrs.example/xAPI/ end", &out);
    assert_string_equal(out.data, "pw *** auth Basic *** url http://***@lrs.example/xAPI/ end");
    buf_release(&out);
    lrs_config_redact(NULL, "http://lrs/xAPI/ ok", &out);
    assert_string_equal(out.data, "http://lrs/xAPI/ ok");
    buf_release(&out);
}

static void test_sync__backoff_schedule(void **state)
{
    (void)state;
    LrsConfig c;
    lrs_config_init(&c);
    long want[] = {1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000};
    for (int n = 1; n <= 8; n++)
        assert_int_equal(sync_backoff_ms(&c, n), want[n - 1]);
    c.retry_base_ms = 0;
    assert_int_equal(sync_backoff_ms(&c, 5), 0);
    c.retry_base_ms = 500;
    c.retry_max_ms = 700;
    assert_int_equal(sync_backoff_ms(&c, 1), 500);
    assert_int_equal(sync_backoff_ms(&c, 2), 700);
    assert_int_equal(sync_backoff_ms(&c, 20), 700);
}

/* When the player's background attempts happen: at start, after results
 * settle, with back-off while pending, and never while idle. */
static void test_sync__plan(void **state)
{
    (void)state;
    LrsConfig c;
    lrs_config_init(&c);            /* back-off 1000, 2000, ... 60000 ms */
    SyncPlan p;
    sync_plan_init(&p, 5000);
    assert_true(sync_plan_due(&p, 5000));           /* at start, at once */
    assert_int_equal(sync_plan_wait_ms(&p, 5000), 0);
    sync_plan_started(&p);
    assert_false(sync_plan_due(&p, 5000));          /* one attempt at a time */
    assert_int_equal(sync_plan_wait_ms(&p, 5000), -1);  /* the worker wakes the loop */
    sync_plan_finished(&p, &c, 5100, 0);
    /* all sent: nothing scheduled, the loop may sleep for ever */
    assert_false(sync_plan_due(&p, 999999));
    assert_int_equal(sync_plan_wait_ms(&p, 5100), -1);

    /* results settle before an attempt; more results do not postpone it */
    sync_plan_recorded(&p, 10000);
    assert_false(sync_plan_due(&p, 10000));
    assert_int_equal(sync_plan_wait_ms(&p, 10000), SYNC_SETTLE_MS);
    sync_plan_recorded(&p, 11500);
    assert_int_equal(sync_plan_wait_ms(&p, 11500), 10000 + SYNC_SETTLE_MS - 11500);
    assert_true(sync_plan_due(&p, 10000 + SYNC_SETTLE_MS));
    sync_plan_started(&p);

    /* the LRS is down: retries back off, doubling up to the cap */
    long long now = 12000;
    long want[] = {1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000};
    for (int n = 0; n < 9; n++) {
        sync_plan_finished(&p, &c, now, 1);
        assert_int_equal(sync_plan_wait_ms(&p, now), want[n]);
        assert_false(sync_plan_due(&p, now + want[n] - 1));
        /* an answer meanwhile does not bring the retry forward */
        sync_plan_recorded(&p, now + 1);
        assert_int_equal(sync_plan_wait_ms(&p, now + 1), want[n] - 1);
        now += want[n];
        assert_true(sync_plan_due(&p, now));
        sync_plan_started(&p);
    }
    /* a local error (rc -1) backs off too; then success resets the count */
    sync_plan_finished(&p, &c, now, -1);
    assert_int_equal(sync_plan_wait_ms(&p, now), 60000);
    now += 60000;
    sync_plan_started(&p);
    sync_plan_finished(&p, &c, now, 0);
    assert_int_equal(sync_plan_wait_ms(&p, now), -1);
    assert_int_equal(p.failures, 0);
    sync_plan_recorded(&p, now);
    now += SYNC_SETTLE_MS;
    sync_plan_started(&p);
    sync_plan_finished(&p, &c, now, 1);
    assert_int_equal(sync_plan_wait_ms(&p, now), 1000);     /* from the first step again */

    /* results recorded while an attempt runs: another one after settling */
    sync_plan_init(&p, 0);
    sync_plan_started(&p);
    sync_plan_recorded(&p, 100);
    assert_int_equal(sync_plan_wait_ms(&p, 100), -1);
    sync_plan_finished(&p, &c, 300, 0);
    assert_int_equal(sync_plan_wait_ms(&p, 300), SYNC_SETTLE_MS);
    assert_true(sync_plan_due(&p, 300 + SYNC_SETTLE_MS));
}

static void test_sync__player_config(void **state)
{
    Fixture *f = *state;
    LrsConfig c;
    Buf err = BUF_INIT;
    char path[400];
    snprintf(path, sizeof path, "%s/lrs.conf", f->dir);
    unsetenv(LRS_ENDPOINT_ENV);
    unsetenv(LRS_USERNAME_ENV);
    unsetenv(LRS_PASSWORD_ENV);
    /* no endpoint: no background sync, no error */
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("username = u\n", fp);
    fclose(fp);
    chmod(path, 0600);
    assert_int_equal(lrs_config_load_player(&c, path, &err), 0);
    assert_int_equal(err.len, 0);
    /* an endpoint: on */
    fp = fopen(path, "w");
    fputs("endpoint = http://127.0.0.1:9/xAPI/\npassword = s3cret\n", fp);
    fclose(fp);
    assert_int_equal(lrs_config_load_player(&c, path, &err), 1);
    assert_int_equal(c.background_sync, 1);
    assert_string_equal(c.password, "s3cret");
    lrs_config_wipe(&c);
    assert_string_equal(c.password, "");
    /* background_sync = 0: off */
    fp = fopen(path, "a");
    fputs("background_sync = 0\n", fp);
    fclose(fp);
    assert_int_equal(lrs_config_load_player(&c, path, &err), 0);
    /* a bad endpoint is an error with the fix */
    fp = fopen(path, "w");
    fputs("endpoint = ftp://lrs/\n", fp);
    fclose(fp);
    assert_int_equal(lrs_config_load_player(&c, path, &err), -1);
    assert_non_null(strstr(err.data, "is not an http:// or https:// address"));
    buf_clear(&err);
    /* a missing explicit file is an error */
    strcat(path, ".missing");
    assert_int_equal(lrs_config_load_player(&c, path, &err), -1);
    assert_non_null(strstr(err.data, "no such file"));
    buf_release(&err);
}

static int count_id(const char *id, void *ud)
{
    (void)id;
    (*(int *)ud)++;
    return 0;
}

static void test_sync__parse_answers(void **state)
{
    (void)state;
    int n = 0;
    assert_int_equal(sync_parse_ids("[\"a\",\"b\"]", count_id, &n), 2);
    assert_int_equal(n, 2);
    assert_int_equal(sync_parse_ids("{\"a\":1}", NULL, NULL), -1);
    assert_int_equal(sync_parse_ids("[1]", NULL, NULL), -1);
    assert_int_equal(sync_parse_ids("<html>", NULL, NULL), -1);

    /* Learning Locker (xapi-statements 5.0.1) 400 answer */
    const char *ll = "{\"errorId\":\"e\",\"warnings\":[\"Problem in 'statements.1.actor'. "
                     "Received '{}'\",\"Problem in 'statements.12.verb.id'. Received '\\\"x\\\"'\","
                     "\"Problem in 'statements.1.object.id'. Received '\\\"y\\\"'\"]}";
    Buf r = BUF_INIT;
    assert_int_equal(sync_parse_rejection(ll, 1, &r), 1);
    assert_string_equal(r.data, "Problem in 'statements.1.actor'. Received '{}'; Problem in "
                                "'statements.1.object.id'. Received '\"y\"'");
    buf_clear(&r);
    assert_int_equal(sync_parse_rejection(ll, 12, &r), 1);
    assert_string_equal(r.data, "Problem in 'statements.12.verb.id'. Received '\"x\"'");
    buf_clear(&r);
    assert_int_equal(sync_parse_rejection(ll, 2, &r), 0);
    assert_string_equal(r.data, "");
    assert_int_equal(sync_parse_rejection("{\"message\":\"bad timestamp\"}", 0, &r), -1);
    assert_string_equal(r.data, "bad timestamp");
    buf_release(&r);
}

/* ---- a fake LRS ------------------------------------------------------------------ */

typedef struct Fake {
    char stored[64][40];            /* ids, each once */
    int nstored;
    const char *bad_id;             /* refused with 400 */
    int name_index;                 /* the 400 names the statement's index */
    int fail_next;                  /* answer 500 to the next n requests */
    int no_answer_next;             /* fail the transport for the next n requests */
    int lose_ack_next;              /* store, then fail the transport */
    const char *drop_from_ack;      /* store but leave this id out of the 200 */
    long force_status;              /* answer this to everything when non-zero */
    const char *conflict_id;        /* POST answers 409 naming it */
    int conflict_same;              /* ... and PUT then says 204 (same statement) */
    int puts;
    int posts;
    int sizes[64];                  /* statements per POST */
} Fake;

static int fake_has(const Fake *f, const char *id)
{
    for (int i = 0; i < f->nstored; i++)
        if (strcmp(f->stored[i], id) == 0)
            return 1;
    return 0;
}

static int fake_http(void *ud, const char *method, const char *url, const char *body,
                     long *status, Buf *resp, Buf *err)
{
    Fake *f = ud;
    if (strcmp(method, "PUT") == 0) {       /* idempotent PUT of one statement */
        json_t *one = json_loads(body, 0, NULL);
        const char *id = json_string_value(json_object_get(one, "id"));
        assert_non_null(strstr(url, "http://lrs.test/xAPI/statements?statementId="));
        assert_string_equal(strchr(url, '=') + 1, id);
        f->puts++;
        if (f->conflict_id && strcmp(id, f->conflict_id) == 0 && !f->conflict_same)
            *status = 409;
        else {
            if (!fake_has(f, id))
                strcpy(f->stored[f->nstored++], id);
            *status = 204;
        }
        json_decref(one);
        return 0;
    }
    assert_string_equal(method, "POST");
    assert_string_equal(url, "http://lrs.test/xAPI/statements");
    json_t *a = json_loads(body, 0, NULL);
    assert_true(json_is_array(a));
    f->sizes[f->posts++ % 64] = (int)json_array_size(a);
    *status = 0;
    if (f->no_answer_next) {
        f->no_answer_next--;
        json_decref(a);
        buf_puts(err, "Connection refused");
        return -1;
    }
    if (f->force_status || f->fail_next) {
        *status = f->force_status ? f->force_status : 500;
        if (f->fail_next)
            f->fail_next--;
        buf_puts(resp, "{\"message\":\"try later\"}");
        json_decref(a);
        return 0;
    }
    size_t i;
    json_t *st;
    if (f->conflict_id) {
        json_array_foreach(a, i, st) {
            if (strcmp(json_string_value(json_object_get(st, "id")), f->conflict_id) == 0) {
                *status = 409;
                buf_printf(resp, "{\"message\":\"%s is conflicting\"}", f->conflict_id);
                json_decref(a);
                return 0;
            }
        }
    }
    if (f->bad_id) {
        json_array_foreach(a, i, st) {
            if (strcmp(json_string_value(json_object_get(st, "id")), f->bad_id) == 0) {
                *status = 400;
                if (f->name_index)
                    buf_printf(resp, "{\"warnings\":[\"Problem in 'statements.%zu.actor'. "
                                     "Received '{}'\"]}", i);
                else
                    buf_puts(resp, "{\"message\":\"invalid statement in batch\"}");
                json_decref(a);
                return 0;
            }
        }
    }
    json_t *ids = json_array();
    json_array_foreach(a, i, st) {
        const char *id = json_string_value(json_object_get(st, "id"));
        if (!fake_has(f, id))
            strcpy(f->stored[f->nstored++], id);
        if (!f->drop_from_ack || strcmp(id, f->drop_from_ack) != 0)
            json_array_append_new(ids, json_string(id));
    }
    json_decref(a);
    if (f->lose_ack_next) {
        f->lose_ack_next--;
        json_decref(ids);
        buf_puts(err, "Connection reset by peer");
        return -1;
    }
    char *text = json_dumps(ids, 0);
    buf_puts(resp, text);
    free(text);
    json_decref(ids);
    *status = 200;
    return 0;
}

typedef struct Seen {
    char sent[64][40];
    int nsent;
    char aside[8][40];
    char reason[8][200];
    int naside;
} Seen;

static int seen_sent(const char *id, void *ud)
{
    Seen *s = ud;
    strcpy(s->sent[s->nsent++], id);
    return 0;
}

static int seen_aside(const char *id, const char *json, const char *reason, void *ud)
{
    Seen *s = ud;
    assert_non_null(strstr(json, id));
    strcpy(s->aside[s->naside], id);
    snprintf(s->reason[s->naside], sizeof s->reason[0], "%s", reason);
    s->naside++;
    return 0;
}

#define NITEMS 7
static char item_ids[NITEMS][40], item_json[NITEMS][320];

static SyncItem *make_items(void)
{
    static SyncItem items[NITEMS];
    for (int i = 0; i < NITEMS; i++) {
        snprintf(item_ids[i], sizeof item_ids[i], "00000000-0000-5000-8000-00000000000%c", (char)('0' + i));
        snprintf(item_json[i], sizeof item_json[i], "{\"id\":\"%s\",\"n\":%d}", item_ids[i], i);
        items[i].id = item_ids[i];
        items[i].json = item_json[i];
    }
    return items;
}

static void test_config(LrsConfig *c)
{
    lrs_config_init(c);
    strcpy(c->endpoint, "http://lrs.test/xAPI");
    strcpy(c->username, "ward");
    strcpy(c->password, SECRET);
    c->batch = 3;
    c->retries = 2;
    c->retry_base_ms = 0;
}

static void test_sync__batches_and_acknowledgements(void **state)
{
    (void)state;
    LrsConfig c;
    test_config(&c);
    SyncItem *items = make_items();
    Fake *f = calloc(1, sizeof *f);
    Seen seen = {0};
    SyncSink sink = {seen_sent, seen_aside, &seen};
    SyncReport r;
    sync_report_init(&r);
    Buf err = BUF_INIT;
    assert_int_equal(sync_send(&c, items, NITEMS, &sink, fake_http, f, NULL, &r, &err), 0);
    assert_int_equal(f->posts, 3);
    assert_int_equal(f->sizes[0], 3);
    assert_int_equal(f->sizes[1], 3);
    assert_int_equal(f->sizes[2], 1);
    assert_int_equal(r.sent, NITEMS);
    assert_int_equal(r.pending, 0);
    assert_int_equal(seen.nsent, NITEMS);
    assert_string_equal(seen.sent[6], item_ids[6]);

    /* sending again: the LRS acknowledges the same ids, stores nothing new */
    sync_report_release(&r);
    assert_int_equal(sync_send(&c, items, NITEMS, &sink, fake_http, f, NULL, &r, &err), 0);
    assert_int_equal(f->nstored, NITEMS);

    /* an id left out of the acknowledgement stays pending */
    memset(f, 0, sizeof *f);
    memset(&seen, 0, sizeof seen);
    sync_report_release(&r);
    f->drop_from_ack = item_ids[4];
    assert_int_equal(sync_send(&c, items, NITEMS, &sink, fake_http, f, NULL, &r, &err), 1);
    assert_int_equal(r.sent, 3 + 2);            /* stops after the batch with the gap */
    assert_int_equal(r.pending, 2);
    for (int i = 0; i < seen.nsent; i++)
        assert_string_not_equal(seen.sent[i], item_ids[4]);
    assert_non_null(strstr(r.log.data, "the LRS did not acknowledge 00000000-0000-5000-8000-"
                                       "000000000004 (it stays pending)"));
    sync_report_release(&r);
    buf_release(&err);
    free(f);
}

static void test_sync__bad_statement_set_aside(void **state)
{
    (void)state;
    LrsConfig c;
    test_config(&c);
    SyncItem *items = make_items();
    for (int named = 0; named <= 1; named++) {
        Fake *f = calloc(1, sizeof *f);
        f->bad_id = item_ids[4];
        f->name_index = named;
        Seen seen = {0};
        SyncSink sink = {seen_sent, seen_aside, &seen};
        SyncReport r;
        sync_report_init(&r);
        Buf err = BUF_INIT;
        assert_int_equal(sync_send(&c, items, NITEMS, &sink, fake_http, f, NULL, &r, &err), 0);
        assert_int_equal(r.sent, NITEMS - 1);
        assert_int_equal(r.set_aside, 1);
        assert_int_equal(seen.naside, 1);
        assert_string_equal(seen.aside[0], item_ids[4]);
        assert_int_equal(f->nstored, NITEMS - 1);
        assert_false(fake_has(f, item_ids[4]));
        if (named) {
            /* batch 2 is [3,4,5]: 4 is statements.1 */
            assert_string_equal(seen.reason[0], "the LRS refused it (HTTP 400): Problem in "
                                                "'statements.1.actor'. Received '{}'");
            assert_int_equal(f->posts, 1 + 2 + 1);
        } else {
            assert_string_equal(seen.reason[0], "the LRS refused it (HTTP 400): invalid "
                                                "statement in batch");
            assert_true(f->posts > 4);          /* found by splitting */
        }
        assert_non_null(strstr(r.log.data, "set aside 00000000-0000-5000-8000-000000000004: "));
        sync_report_release(&r);
        buf_release(&err);
        free(f);
    }
}

static void test_sync__conflict_checked_with_put(void **state)
{
    (void)state;
    LrsConfig c;
    test_config(&c);
    SyncItem *items = make_items();
    for (int same = 0; same <= 1; same++) {
        Fake *f = calloc(1, sizeof *f);
        f->conflict_id = item_ids[1];
        f->conflict_same = same;
        Seen seen = {0};
        SyncSink sink = {seen_sent, seen_aside, &seen};
        SyncReport r;
        sync_report_init(&r);
        Buf err = BUF_INIT;
        assert_int_equal(sync_send(&c, items, NITEMS, &sink, fake_http, f, NULL, &r, &err), 0);
        assert_int_equal(f->puts, 1);
        if (same) {         /* the LRS holds this very statement: acknowledged */
            assert_int_equal(r.sent, NITEMS);
            assert_int_equal(r.set_aside, 0);
        } else {            /* a different statement under the id: set aside */
            assert_int_equal(r.sent, NITEMS - 1);
            assert_int_equal(r.set_aside, 1);
            assert_string_equal(seen.aside[0], item_ids[1]);
            assert_string_equal(seen.reason[0], "the LRS already holds a different statement "
                                                "with this id (HTTP 409)");
        }
        sync_report_release(&r);
        buf_release(&err);
        free(f);
    }
}

static void test_sync__retries_then_pending(void **state)
{
    (void)state;
    LrsConfig c;
    test_config(&c);
    SyncItem *items = make_items();
    Fake *f = calloc(1, sizeof *f);
    Seen seen = {0};
    SyncSink sink = {seen_sent, seen_aside, &seen};
    SyncReport r;
    sync_report_init(&r);
    Buf err = BUF_INIT;

    /* two failures, then it works (retries = 2) */
    f->fail_next = 1;
    f->no_answer_next = 1;
    assert_int_equal(sync_send(&c, items, NITEMS, &sink, fake_http, f, NULL, &r, &err), 0);
    assert_int_equal(r.sent, NITEMS);
    assert_non_null(strstr(r.log.data, "the LRS answered HTTP 500: {\"message\":\"try later\"} "
                                       "(trying again in 0 ms)"));
    assert_non_null(strstr(r.log.data, "no answer from http://lrs.test/xAPI/statements: "
                                       "Connection refused (trying again in 0 ms)"));

    /* always 503: nothing is marked sent, all stays pending */
    memset(f, 0, sizeof *f);
    memset(&seen, 0, sizeof seen);
    sync_report_release(&r);
    f->force_status = 503;
    assert_int_equal(sync_send(&c, items, NITEMS, &sink, fake_http, f, NULL, &r, &err), 1);
    assert_int_equal(r.sent, 0);
    assert_int_equal(seen.nsent, 0);
    assert_int_equal(r.pending, NITEMS);
    assert_int_equal(f->posts, 3);              /* 1 + 2 retries, then stop */
    assert_non_null(strstr(r.log.data, "(gave up after 3 tries; the statements stay pending)"));

    /* the answer is lost after the LRS stored the batch: sent again, stored once */
    memset(f, 0, sizeof *f);
    sync_report_release(&r);
    f->lose_ack_next = 1;
    assert_int_equal(sync_send(&c, items, NITEMS, &sink, fake_http, f, NULL, &r, &err), 0);
    assert_int_equal(f->nstored, NITEMS);
    assert_int_equal(r.sent, NITEMS);

    /* wrong credentials: stop at once, say so without the password */
    memset(f, 0, sizeof *f);
    sync_report_release(&r);
    f->force_status = 401;
    assert_int_equal(sync_send(&c, items, NITEMS, &sink, fake_http, f, NULL, &r, &err), 1);
    assert_int_equal(f->posts, 1);
    assert_true(r.auth_failed);
    assert_string_equal(r.log.data, "the LRS refused the credentials (HTTP 401) (check "
                                    "'username' and 'password' in the LRS configuration)\n");

    sync_report_release(&r);
    buf_release(&err);
    free(f);
}

/* A config whose transport fails: the log never shows the password even
 * when the transport's error text contains it. */
static int leaky_http(void *ud, const char *method, const char *url, const char *body,
                      long *status, Buf *resp, Buf *err)
{
    (void)ud, (void)method, (void)url, (void)body, (void)resp;
    *status = 0;
    buf_puts(err, "cannot connect as ward:" SECRET " (Basic d2FyZDpzM2NyM3QtUGE1NQ==)");
    return -1;
}

static void test_sync__no_secret_in_logs(void **state)
{
    (void)state;
    LrsConfig c;
    test_config(&c);
    c.retries = 0;
    SyncItem *items = make_items();
    SyncSink sink = {NULL, NULL, NULL};
    SyncReport r;
    sync_report_init(&r);
    Buf err = BUF_INIT;
    assert_int_equal(sync_send(&c, items, 2, &sink, leaky_http, NULL, NULL, &r, &err), 1);
    assert_null(strstr(r.log.data, SECRET));
    assert_null(strstr(r.log.data, "d2FyZDpzM2NyM3QtUGE1NQ=="));
    assert_non_null(strstr(r.log.data, "cannot connect as ward:*** (Basic ***)"));
    sync_report_release(&r);
    buf_release(&err);
}

/* ---- the outbox --------------------------------------------------------------- */

static Store *seeded_store(const char *dir, const char *staff_id)
{
    Buf notice = BUF_INIT, err = BUF_INIT;
    Store *s = store_open(dir, &notice, &err);
    if (!s) {
        fprintf(stderr, "%s\n", err.data);
        return NULL;
    }
    int64_t id, attempt;
    int resumed, rc = 0;
    rc |= store_learner_add(s, "Dr Claire Martin", staff_id, "physician", "icu", NULL, &id);
    rc |= store_login(s, id, NULL);
    rc |= store_attempt_begin(s, "cp-ai-never-neutral", "1.0", "fr", SCORM_2004, &attempt,
                              &resumed);
    StoreAnswer a = {.item_id = "q-lab-accuracy", .type = "choice", .response = "b",
                     .correct_pattern = "b", .result = "correct", .weight = 1,
                     .latency_ms = 12000, .description = "Accuracy"};
    rc |= store_answer_record(s, attempt, &a);
    StoreAnswer b = {.item_id = "q-bias", .type = "true-false", .response = "false",
                     .correct_pattern = "true", .result = "incorrect", .weight = 1,
                     .latency_ms = 8000};
    rc |= store_answer_record(s, attempt, &b);
    CmiModel *m = cmi_new(SCORM_2004);
    rc |= cmi_set(m, "cmi.completion_status", "completed");
    rc |= cmi_set(m, "cmi.success_status", "passed");
    rc |= cmi_set(m, "cmi.score.raw", "80");
    rc |= cmi_set(m, "cmi.score.min", "0");
    rc |= cmi_set(m, "cmi.score.max", "100");
    rc |= cmi_set(m, "cmi.score.scaled", "0.8");
    rc |= cmi_set(m, "cmi.session_time", "PT15M30S");
    cmi_end_session(m);
    rc |= store_cmi_save(s, attempt, m);
    cmi_free(m);
    rc |= store_attempt_close(s, attempt);
    store_logout(s);
    buf_release(&notice);
    buf_release(&err);
    if (rc) {
        fprintf(stderr, "seeding failed: %s\n", store_errmsg(s));
        store_close(s);
        return NULL;
    }
    return s;
}

static int count_pending(const char *id, const char *json, void *ud)
{
    (void)id, (void)json;
    (*(int *)ud)++;
    return 0;
}

static int pending_of(Store *s)
{
    int n = 0;
    assert_int_equal(store_outbox_pending(s, count_pending, &n), 0);
    return n;
}

static int remember_first(const char *id, const char *json, void *ud)
{
    (void)json;
    strcpy(ud, id);
    return 1;
}

static void test_sync__outbox(void **state)
{
    Fixture *f = *state;
    Store *s = seeded_store(f->dir, "STAFF-042");
    assert_non_null(s);
    int n = pending_of(s);
    assert_int_equal(n, 5);             /* attempted, 2 answered, completed, passed */
    char first[40] = "";
    store_outbox_pending(s, remember_first, first);

    LrsConfig c;
    test_config(&c);
    Fake *fk = calloc(1, sizeof *fk);
    fk->bad_id = first;
    fk->name_index = 1;
    SyncReport r;
    sync_report_init(&r);
    Buf err = BUF_INIT;
    assert_int_equal(sync_outbox(s, f->dir, &c, 0, fake_http, fk, NULL, &r, &err), 0);
    assert_int_equal(r.sent, 4);
    assert_int_equal(r.set_aside, 1);
    assert_int_equal(pending_of(s), 1);     /* set aside is not sent */

    /* next time it is held, not sent again */
    sync_report_release(&r);
    int posts = fk->posts;
    assert_int_equal(sync_outbox(s, f->dir, &c, 0, fake_http, fk, NULL, &r, &err), 0);
    assert_int_equal(r.held, 1);
    assert_int_equal(r.sent, 0);
    assert_int_equal(fk->posts, posts);

    /* the LRS was fixed: --retry-set-aside sends it */
    fk->bad_id = NULL;
    sync_report_release(&r);
    assert_int_equal(sync_outbox(s, f->dir, &c, 1, fake_http, fk, NULL, &r, &err), 0);
    assert_int_equal(r.sent, 1);
    assert_int_equal(r.held, 0);
    assert_int_equal(pending_of(s), 0);
    assert_int_equal(fk->nstored, 5);
    sync_report_release(&r);
    buf_release(&err);
    free(fk);
    store_close(s);
}

static void test_sync__worker_never_blocks(void **state)
{
    Fixture *f = *state;
    Store *s = seeded_store(f->dir, "STAFF-7");
    assert_non_null(s);
    store_close(s);
    LrsConfig c;
    test_config(&c);
    strcpy(c.endpoint, "http://127.0.0.1:9/xAPI/");     /* discard port: refused */
    c.retries = 3;
    c.retry_base_ms = 200;
    Buf err = BUF_INIT;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    SyncWorker *w = sync_worker_start_notify(f->dir, &c, NULL, NULL, &err);
    assert_non_null(w);
    SyncReport r;
    sync_report_init(&r);
    int rc = 0;
    assert_int_equal(sync_worker_poll(w, &r, &rc), 0);  /* 200+400+800 ms of waits ahead */
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_true((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 < 150);
    int done = 0;
    for (int i = 0; i < 200 && !done; i++) {
        done = sync_worker_poll(w, &r, &rc);
        if (!done)
            usleep(20000);
    }
    assert_true(done);
    assert_int_equal(rc, 1);
    assert_int_equal(r.pending, 5);
    assert_int_equal(r.sent, 0);
    sync_worker_free(w);

    /* freeing a running worker cancels it quickly */
    c.retry_base_ms = 60000;
    c.retries = 5;
    w = sync_worker_start_notify(f->dir, &c, NULL, NULL, &err);
    assert_non_null(w);
    usleep(50000);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    sync_worker_free(w);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_true(t1.tv_sec - t0.tv_sec < 2);
    sync_worker_free(NULL);

    s = store_open(f->dir, NULL, &err);
    assert_non_null(s);
    assert_int_equal(pending_of(s), 5);
    store_close(s);
    sync_report_release(&r);
    buf_release(&err);
}

/* The worker runs beside the screen's connection: a damaged file is reported,
 * never moved from under the screen (the player sets it aside at its next start). */
static void test_sync__worker_leaves_a_damaged_store_alone(void **state)
{
    Fixture *f = *state;
    char db[400];
    snprintf(db, sizeof db, "%s/learners.db", f->dir);
    FILE *fp = fopen(db, "wb");
    assert_non_null(fp);
    fputs("not a database\n", fp);
    fclose(fp);
    LrsConfig c;
    test_config(&c);
    strcpy(c.endpoint, "http://127.0.0.1:9/xAPI/");
    Buf err = BUF_INIT;
    SyncWorker *w = sync_worker_start_notify(f->dir, &c, NULL, NULL, &err);
    assert_non_null(w);
    SyncReport r;
    sync_report_init(&r);
    int rc = 0, done = 0;
    for (int i = 0; i < 250 && !done; i++) {
        done = sync_worker_poll(w, &r, &rc);
        if (!done)
            usleep(20000);
    }
    assert_true(done);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(r.log.data, "is damaged"));
    sync_worker_free(w);
    fp = fopen(db, "rb");
    assert_non_null(fp);
    char line[40] = "";
    assert_non_null(fgets(line, sizeof line, fp));
    fclose(fp);
    assert_string_equal(line, "not a database\n");
    sync_report_release(&r);
    buf_release(&err);
}

/* Opens dir's database with plain SQLite, reads the setting key and closes
 * it: exit status 1 when the value is there, 0 when not, 2 on error. */
static int driver_reads(const char *dir, const char *key)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", dir, STORE_FILE);
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int found = 2;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK
        && sqlite3_prepare_v2(db, "SELECT 1 FROM settings WHERE key = ?1", -1, &st, NULL)
               == SQLITE_OK) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        found = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : 2;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return found;
}

/* driver_reads in a new process (exec: a forked copy would share this
 * process's SQLite lock bookkeeping). 1 found, 0 not, -1 error. */
static int other_process_reads(const char *dir, const char *key)
{
    pid_t pid = fork();
    if (pid == 0) {
        execl("/proc/self/exe", "test_sync", "reads", dir, key, (char *)NULL);
        _exit(3);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status) <= 1 ? WEXITSTATUS(status) : -1;
}

/* The player's worker opens a second connection to the store while the
 * screen's is open, in the same process. POSIX locks belong to the process:
 * closing any descriptor of the file drops them all. If opening the second
 * connection did that, the next process that closes the database (a cron
 * --sync, an --export) would take itself for the last user and delete the
 * WAL, and what the screen records next would be lost. */
static void test_sync__second_connection_keeps_locks(void **state)
{
    Fixture *f = *state;
    Buf err = BUF_INIT;
    Store *screen = store_open(f->dir, NULL, &err);
    assert_non_null(screen);
    assert_int_equal(store_setting_set(screen, "before", "1"), 0);
    Store *worker = store_open(f->dir, NULL, &err);
    assert_non_null(worker);
    store_close(worker);
    assert_int_equal(other_process_reads(f->dir, "before"), 1);
    assert_int_equal(store_setting_set(screen, "after", "1"), 0);
    assert_int_equal(other_process_reads(f->dir, "after"), 1);
    store_close(screen);
    screen = store_open(f->dir, NULL, &err);
    assert_non_null(screen);
    Buf v = BUF_INIT;
    assert_int_equal(store_setting_get(screen, "after", "lost", &v), 0);
    assert_string_equal(v.data, "1");
    buf_release(&v);
    store_close(screen);
    buf_release(&err);
}

typedef struct Notified {
    SyncWorker *w;
    volatile int calls;
    volatile int done_when_called;  /* poll said "finished" inside the callback */
} Notified;

static void on_done(void *userdata)
{
    Notified *n = userdata;
    n->done_when_called = sync_worker_poll(n->w, NULL, NULL);
    n->calls++;
}

/* The player sleeps until the worker's callback: it must come once, after
 * the result is ready. */
static void test_sync__worker_notifies(void **state)
{
    Fixture *f = *state;
    Store *s = seeded_store(f->dir, "STAFF-8");
    assert_non_null(s);
    store_close(s);
    LrsConfig c;
    test_config(&c);
    strcpy(c.endpoint, "http://127.0.0.1:9/xAPI/");
    c.retries = 0;
    Buf err = BUF_INIT;
    Notified n = {0};
    n.w = sync_worker_start_notify(f->dir, &c, on_done, &n, &err);
    assert_non_null(n.w);
    for (int i = 0; i < 500 && !n.calls; i++)
        usleep(10000);
    usleep(20000);
    assert_int_equal(n.calls, 1);
    assert_int_equal(n.done_when_called, 1);
    SyncReport r;
    sync_report_init(&r);
    int rc = 0;
    assert_int_equal(sync_worker_poll(n.w, &r, &rc), 1);
    assert_int_equal(rc, 1);
    assert_int_equal(r.pending, 5);
    sync_worker_free(n.w);
    sync_report_release(&r);
    buf_release(&err);
}

/* Runs admin_cli_run with stderr going to a file of dir; out gets it. */
static int run_captured(int argc, char **argv, int *handled, const char *dir, Buf *out)
{
    char path[400];
    snprintf(path, sizeof path, "%s/stderr.txt", dir);
    fflush(stderr);
    int saved = dup(2);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, 2);
    close(fd);
    int rc = admin_cli_run(argc, argv, handled);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    buf_clear(out);
    buf_puts(out, buf);
    unlink(path);
    return rc;
}

static void test_sync__admin_cli_flags(void **state)
{
    Fixture *f = *state;
    int handled = 7;
    char a0[] = "wardplayer", a1[] = "--data", a3[] = "course.zip", a4[] = "--sync",
         a5[] = "--export", a6[] = "x.json", a7[] = "--pending", a8[] = "--lrs-config";
    char *gui[] = {a0, a1, f->dir, a3, NULL};
    assert_int_equal(admin_cli_run(4, gui, &handled), 0);
    assert_int_equal(handled, 0);

    char *both[] = {a0, a4, a5, a6, NULL};
    assert_int_equal(admin_cli_run(4, both, &handled), 2);
    assert_int_equal(handled, 1);
    char *pending_csv[] = {a0, a7, a4, NULL};
    assert_int_equal(admin_cli_run(3, pending_csv, &handled), 2);

    /* a group-readable configuration is refused before anything is sent */
    char conf[400];
    snprintf(conf, sizeof conf, "%s/lrs.conf", f->dir);
    write_file(conf, "endpoint = http://127.0.0.1:9/xAPI/\npassword = " SECRET "\n", 0640);
    char *sync[] = {a0, a4, a1, f->dir, a8, conf, NULL};
    Buf out = BUF_INIT, want = BUF_INIT;
    assert_int_equal(run_captured(6, sync, &handled, f->dir, &out), 1);
    assert_int_equal(handled, 1);
    buf_printf(&want, "wardplayer: %s: error: readable or writable by group or others (mode "
                      "0640) (it holds the LRS password: chmod 600 %s)\n", conf, conf);
    assert_string_equal(out.data, want.data);

    /* no endpoint */
    write_file(conf, "username = u\npassword = " SECRET "\n", 0600);
    assert_int_equal(run_captured(6, sync, &handled, f->dir, &out), 1);
    assert_non_null(strstr(out.data, "wardplayer: no LRS endpoint is configured (set "
                                     "'endpoint = https://.../xAPI/' in"));
    assert_null(strstr(out.data, SECRET));

    /* an endpoint with the password in it: refused, and the password is hidden */
    write_file(conf, "endpoint = http://u:" SECRET "@lrs/xAPI/\npassword = " SECRET "\n", 0600);
    assert_int_equal(run_captured(6, sync, &handled, f->dir, &out), 1);
    assert_non_null(strstr(out.data, "the LRS endpoint contains a user name or password"));
    assert_null(strstr(out.data, SECRET));

    /* --pending needs a .json file; a missing data folder is named */
    char csv[] = "x.csv", nodir[] = "/nonexistent/wardplayer";
    char *pcsv[] = {a0, a5, csv, a7, a1, f->dir, NULL};
    Store *s = store_open(f->dir, NULL, &want);
    store_close(s);
    assert_int_equal(run_captured(6, pcsv, &handled, f->dir, &out), 1);
    assert_string_equal(out.data, "wardplayer: cannot export pending statements to 'x.csv' "
                                  "(use a .json file name)\n");
    char *nod[] = {a0, a5, a6, a1, nodir, NULL};
    assert_int_equal(run_captured(5, nod, &handled, f->dir, &out), 1);
    assert_string_equal(out.data, "wardplayer: no learner database in '/nonexistent/wardplayer': "
                                  "nothing was exported (give the player's data folder with "
                                  "--data DIR)\n");
    buf_release(&out);
    buf_release(&want);
}

/* ---- driver mode for tests/integration/lrs_sync.sh ------------------------------ */

static int driver(int argc, char **argv)
{
    if (strcmp(argv[1], "seed") == 0 && (argc == 4 || argc == 5)) {
        if (argc == 5) {        /* the hospital's homePage, before any result */
            Buf e = BUF_INIT;
            Store *h = store_open(argv[2], NULL, &e);
            if (!h || store_setting_set(h, "xapi.home_page", argv[4]) != 0)
                return 1;
            store_close(h);
        }
        Store *s = seeded_store(argv[2], argv[3]);
        store_close(s);
        return s ? 0 : 1;
    }
    if (strcmp(argv[1], "reads") == 0 && argc == 4)
        return driver_reads(argv[2], argv[3]);
    if (strcmp(argv[1], "cli") == 0) {
        int handled = 0;
        static char name[] = "wardplayer";
        argv[1] = name;
        int rc = admin_cli_run(argc - 1, argv + 1, &handled);
        return handled ? rc : 3;
    }
    if (strcmp(argv[1], "worker") == 0 && argc == 4) {
        LrsConfig c;
        lrs_config_init(&c);
        Buf err = BUF_INIT;
        if (lrs_config_load(&c, argv[3], &err) < 0) {
            fprintf(stderr, "%s\n", err.data);
            return 1;
        }
        SyncWorker *w = sync_worker_start_notify(argv[2], &c, NULL, NULL, &err);
        if (!w)
            return 1;
        SyncReport r;
        sync_report_init(&r);
        int rc = 0, polls = 0;
        while (!sync_worker_poll(w, &r, &rc)) {
            polls++;
            usleep(10000);
        }
        printf("polls %d, sent %zu, pending %zu, set aside %zu\n", polls, r.sent, r.pending,
               r.set_aside);
        fputs(r.log.data, stderr);
        sync_worker_free(w);
        sync_report_release(&r);
        buf_release(&err);
        return rc;
    }
    fprintf(stderr, "usage: test_sync [seed DIR STAFF_ID | cli ARGS... | worker DIR CONF]\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        return driver(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sync__config_parse),
        cmocka_unit_test_setup_teardown(test_sync__config_file_permissions, setup, teardown),
        cmocka_unit_test(test_sync__redaction),
        cmocka_unit_test(test_sync__backoff_schedule),
        cmocka_unit_test(test_sync__plan),
        cmocka_unit_test_setup_teardown(test_sync__player_config, setup, teardown),
        cmocka_unit_test(test_sync__parse_answers),
        cmocka_unit_test(test_sync__batches_and_acknowledgements),
        cmocka_unit_test(test_sync__bad_statement_set_aside),
        cmocka_unit_test(test_sync__conflict_checked_with_put),
        cmocka_unit_test(test_sync__retries_then_pending),
        cmocka_unit_test(test_sync__no_secret_in_logs),
        cmocka_unit_test_setup_teardown(test_sync__outbox, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sync__worker_leaves_a_damaged_store_alone, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_sync__worker_never_blocks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sync__worker_notifies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sync__second_connection_keeps_locks, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_sync__admin_cli_flags, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
