/* admin_cli: argument parsing and reports around export and sync. Every
 * message that could carry text from the LRS or the configuration goes
 * through lrs_config_redact(). */
#include "admin_cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <sodium.h>

#include "export.h"
#include "lrs_config.h"
#include "os.h"
#include "store.h"
#include "sync.h"
#include "xapi.h"

typedef struct Opts {
    const char *data, *export_to, *sync_file, *config, *endpoint, *username;
    int pending, sync, retry_set_aside;
} Opts;

static void usage_error(const char *what)
{
    fprintf(stderr, "wardplayer: %s (see wardplayer --help and docs/lrs.md)\n", what);
}

static int parse(int argc, char **argv, Opts *o, int *admin)
{
    *admin = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--export") == 0 || strcmp(a, "--sync") == 0
            || strcmp(a, "--sync-file") == 0)
            *admin = 1;
    }
    if (!*admin)
        return 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        const char **field = NULL;
        if (strcmp(a, "--pending") == 0)
            o->pending = 1;
        else if (strcmp(a, "--sync") == 0)
            o->sync = 1;
        else if (strcmp(a, "--retry-set-aside") == 0)
            o->retry_set_aside = 1;
        else if (strcmp(a, "--export") == 0)
            field = &o->export_to;
        else if (strcmp(a, "--sync-file") == 0)
            field = &o->sync_file;
        else if (strcmp(a, "--data") == 0)
            field = &o->data;
        else if (strcmp(a, "--lrs-config") == 0)
            field = &o->config;
        else if (strcmp(a, "--lrs-endpoint") == 0)
            field = &o->endpoint;
        else if (strcmp(a, "--lrs-username") == 0)
            field = &o->username;
        else {
            char msg[200];
            snprintf(msg, sizeof msg, "unknown option '%.100s' with --export/--sync", a);
            usage_error(msg);
            return -1;
        }
        if (field) {
            if (!next) {
                char msg[200];
                snprintf(msg, sizeof msg, "%s needs a value", a);
                usage_error(msg);
                return -1;
            }
            *field = next;
            i++;
        }
    }
    int jobs = !!o->export_to + o->sync + !!o->sync_file;
    if (jobs > 1) {
        usage_error("give one of --export, --sync and --sync-file at a time");
        return -1;
    }
    if (o->pending && !o->export_to) {
        usage_error("--pending goes with --export FILE.json");
        return -1;
    }
    if (o->retry_set_aside && !o->sync) {
        usage_error("--retry-set-aside goes with --sync");
        return -1;
    }
    return 0;
}

/* The data folder as the player finds it: --data, else os_data_dir(). */
static int data_dir(const Opts *o, Buf *dir)
{
    if (o->data) {
        buf_puts(dir, o->data);
        return 0;
    }
    if (os_data_dir(dir) < 0) {
        usage_error("no data folder: give --data DIR");
        return -1;
    }
    return 0;
}

static Store *open_store(const char *dir)
{
    Buf err = BUF_INIT, notice = BUF_INIT;
    if (!os_exists(dir)) {
        fprintf(stderr, "wardplayer: %s: no such data folder (give the player's folder with "
                        "--data DIR)\n", dir);
        return NULL;
    }
    Store *s = store_open(dir, &notice, &err);
    if (notice.len)
        fprintf(stderr, "wardplayer: %s\n", notice.data);
    if (!s)
        fprintf(stderr, "wardplayer: %s\n", err.data);
    buf_release(&err);
    buf_release(&notice);
    return s;
}

static int load_config(const Opts *o, LrsConfig *c, int need_endpoint)
{
    Buf err = BUF_INIT;
    lrs_config_init(c);
    int rc = lrs_config_load(c, o->config, &err);
    if (rc == 0 && o->endpoint)
        rc = snprintf(c->endpoint, sizeof c->endpoint, "%s", o->endpoint)
                     >= (int)sizeof c->endpoint ? -1 : 0;
    if (rc == 0 && o->username)
        rc = snprintf(c->username, sizeof c->username, "%s", o->username)
                     >= (int)sizeof c->username ? -1 : 0;
    if (rc == 0 && need_endpoint)
        rc = lrs_config_check(c, &err);
    if (rc < 0) {
        Buf red = BUF_INIT;
        lrs_config_redact(c, err.len ? err.data : "an LRS option is too long", &red);
        fprintf(stderr, "wardplayer: %s\n", red.data);
        buf_release(&red);
    }
    buf_release(&err);
    return rc;
}

/* The configured homePage becomes the store's, for the statements to come. */
static void apply_home_page(Store *s, const LrsConfig *c)
{
    if (!c->home_page[0])
        return;
    Buf cur = BUF_INIT;
    if (store_setting_get(s, "xapi.home_page", XAPI_DEFAULT_HOME_PAGE, &cur) == 0
        && strcmp(cur.data, c->home_page) != 0)
        store_setting_set(s, "xapi.home_page", c->home_page);
    buf_release(&cur);
}

static void print_report(const LrsConfig *c, const SyncReport *r)
{
    if (r->log.len) {
        Buf red = BUF_INIT;
        lrs_config_redact(c, r->log.data, &red);
        fputs(red.data, stderr);
        buf_release(&red);
    }
    printf("sent %zu, pending %zu, set aside %zu", r->sent, r->pending, r->set_aside);
    if (r->held)
        printf(", held %zu (set aside earlier; --retry-set-aside sends them again)", r->held);
    putchar('\n');
}

/* ---- export of the pending statements ---------------------------------------- */

typedef struct Pending {
    json_t *array;
    int failed;
} Pending;

static int add_pending(const char *id, const char *json, void *ud)
{
    (void)id;
    Pending *p = ud;
    json_t *st = json_loads(json, 0, NULL);
    if (!st || json_array_append_new(p->array, st) < 0) {
        p->failed = 1;
        return 1;
    }
    return 0;
}

static int export_pending(Store *s, const char *path)
{
    size_t len = strlen(path);
    if (len < 5 || strcasecmp(path + len - 5, ".json") != 0) {
        fprintf(stderr, "wardplayer: cannot export pending statements to '%s' (use a .json "
                        "file name)\n", path);
        return 1;
    }
    Pending p = {json_array(), 0};
    int ret = 1;
    Buf err = BUF_INIT;
    char *tmp = NULL;
    FILE *f = NULL;
    if (!p.array || store_outbox_pending(s, add_pending, &p) != 0) {
        fprintf(stderr, "wardplayer: cannot read the outbox: %s\n",
                p.failed ? "out of memory or a damaged statement" : store_errmsg(s));
        goto out;
    }
    /* written whole or not at all: a temporary file beside it, then renamed */
    f = os_replace_open(path, &tmp, &err);
    if (!f)
        goto fail;
    if (json_dumpf(p.array, f, JSON_INDENT(1)) != 0 || fputc('\n', f) == EOF) {
        buf_printf(&err, "cannot write %s: %s", tmp, strerror(errno));
        os_replace_abort(f, tmp);
        goto fail;
    }
    if (os_replace_commit(f, tmp, path, &err) != 0)
        goto fail;
    printf("exported %zu pending statements to %s\n", json_array_size(p.array), path);
    ret = 0;
    goto out;
fail:
    fprintf(stderr, "wardplayer: %s\n", err.data);
out:
    free(tmp);
    json_decref(p.array);
    buf_release(&err);
    return ret;
}

/* ---- sending a file ----------------------------------------------------------- */

typedef struct FileSink {
    size_t n;
} FileSink;

static int file_sent(const char *id, void *ud)
{
    (void)id;
    ((FileSink *)ud)->n++;
    return 0;
}

static int sync_file(const char *path, const LrsConfig *c)
{
    json_error_t je;
    json_t *a = json_load_file(path, 0, &je);
    if (!a) {
        fprintf(stderr, "%s:%d:%d: error: %s (give a file written by wardplayer --export "
                        "FILE.json)\n", path, je.line, je.column, je.text);
        return 1;
    }
    int ret = 1;
    size_t n = json_is_array(a) ? json_array_size(a) : 0, m = 0;
    SyncItem *items = calloc(n ? n : 1, sizeof *items);
    if (!json_is_array(a)) {
        fprintf(stderr, "%s: error: not a JSON array of statements (give a file written by "
                        "wardplayer --export FILE.json)\n", path);
        goto out;
    }
    if (!items) {
        fprintf(stderr, "wardplayer: out of memory\n");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *st = json_array_get(a, i);
        const char *id = json_string_value(json_object_get(st, "id"));
        if (!id) {
            fprintf(stderr, "%s: error: statement %zu has no \"id\" (only statements with "
                            "ids can be sent without doubling: export them again with "
                            "wardplayer --export)\n", path, i + 1);
            goto out;
        }
        size_t k;
        for (k = 0; k < m; k++)
            if (strcmp(items[k].id, id) == 0)
                break;
        if (k < m)
            continue;                   /* the same id twice in the file: send it once */
        char *text = json_dumps(st, JSON_COMPACT);
        if (!text) {
            fprintf(stderr, "wardplayer: out of memory\n");
            goto out;
        }
        items[m].id = id;
        items[m].json = text;
        m++;
    }
    FileSink fs = {0};
    SyncSink sink = {file_sent, NULL, &fs};
    SyncReport r;
    sync_report_init(&r);
    Buf err = BUF_INIT;
    int rc = sync_send(c, items, m, &sink, NULL, NULL, NULL, &r, &err);
    if (rc < 0) {
        Buf red = BUF_INIT;
        lrs_config_redact(c, err.data, &red);
        fprintf(stderr, "wardplayer: %s\n", red.data);
        buf_release(&red);
    }
    print_report(c, &r);
    ret = rc == 0 && r.set_aside == 0 ? 0 : 1;
    sync_report_release(&r);
    buf_release(&err);
out:
    for (size_t i = 0; i < m; i++)
        free((char *)items[i].json);
    free(items);
    json_decref(a);
    return ret;
}

int admin_cli_run(int argc, char **argv, int *handled)
{
    Opts o = {0};
    int admin;
    int rc = parse(argc, argv, &o, &admin);
    *handled = admin;
    if (!admin)
        return 0;
    if (rc < 0)
        return 2;
    LrsConfig c;
    if (o.sync_file) {
        rc = load_config(&o, &c, 1) < 0 ? 1 : sync_file(o.sync_file, &c);
        sodium_memzero(&c, sizeof c);
        return rc;
    }
    Buf dir = BUF_INIT;
    Store *s = NULL;
    rc = 1;
    if (data_dir(&o, &dir) < 0) {
        rc = 2;
        goto out;
    }
    if (o.sync && load_config(&o, &c, 1) < 0)
        goto out;
    /* export: the configuration is optional, for its home_page only */
    if (!o.sync && (o.config || getenv(LRS_CONFIG_ENV)) && load_config(&o, &c, 0) < 0)
        goto out;
    else if (!o.sync && !(o.config || getenv(LRS_CONFIG_ENV)))
        lrs_config_init(&c);
    s = open_store(dir.data);
    if (!s)
        goto out;
    apply_home_page(s, &c);
    if (o.export_to && o.pending) {
        rc = export_pending(s, o.export_to);
    } else if (o.export_to) {
        Buf err = BUF_INIT;
        rc = export_file(s, o.export_to, &err) == 0 ? 0 : 1;
        if (rc)
            fprintf(stderr, "wardplayer: %s\n", err.data);
        else
            printf("exported the results to %s\n", o.export_to);
        buf_release(&err);
    } else {
        SyncReport r;
        sync_report_init(&r);
        Buf err = BUF_INIT;
        int src = sync_outbox(s, dir.data, &c, o.retry_set_aside, NULL, NULL, NULL, &r, &err);
        if (src < 0) {
            Buf red = BUF_INIT;
            lrs_config_redact(&c, err.data, &red);
            fprintf(stderr, "wardplayer: %s\n", red.data);
            buf_release(&red);
        }
        print_report(&c, &r);
        rc = src == 0 && r.set_aside == 0 && r.held == 0 ? 0 : 1;
        sync_report_release(&r);
        buf_release(&err);
    }
out:
    store_close(s);
    buf_release(&dir);
    sodium_memzero(&c, sizeof c);
    return rc;
}
