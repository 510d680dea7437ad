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
#include "settings.h"
#include "store.h"
#include "store_salvage.h"
#include "sync.h"
#include "xapi.h"

typedef struct Opts {
    const char *data, *export_to, *sync_file, *config, *endpoint, *username;
    const char *forget, *pending_how, *pending_file, *settings;
    int pending, sync, retry_set_aside, repair, yes;
} Opts;

static void usage_error(const char *what)
{
    fprintf(stderr, "wardplayer: %s (see wardplayer --help and docs/lrs.md)\n", what);
}

static int parse(int argc, char **argv, Opts *o, int *admin)
{
    *admin = 0;
    int forget_mode = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        forget_mode |= strcmp(a, "--forget") == 0;
        if (strcmp(a, "--export") == 0 || strcmp(a, "--sync") == 0
            || strcmp(a, "--sync-file") == 0 || strcmp(a, "--repair") == 0
            || strcmp(a, "--forget") == 0)
            *admin = 1;
    }
    if (!*admin)
        return 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        const char **field = NULL;
        if (strcmp(a, "--pending") == 0 && forget_mode) {
            /* with --forget: what to do with the statements not yet sent */
            if (!next || (strcmp(next, "send") && strcmp(next, "export")
                          && strcmp(next, "discard"))) {
                usage_error("--pending with --forget takes send, export FILE.json or discard");
                return -1;
            }
            o->pending_how = next;
            i++;
            if (strcmp(next, "export") == 0) {
                if (i + 1 >= argc) {
                    usage_error("--pending export needs a FILE.json");
                    return -1;
                }
                o->pending_file = argv[++i];
            }
            continue;
        } else if (strcmp(a, "--pending") == 0)
            o->pending = 1;
        else if (strcmp(a, "--repair") == 0)
            o->repair = 1;
        else if (strcmp(a, "--yes") == 0)
            o->yes = 1;
        else if (strcmp(a, "--forget") == 0)
            field = &o->forget;
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
        else if (strcmp(a, "--config") == 0)
            field = &o->settings;
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
    int jobs = !!o->export_to + o->sync + !!o->sync_file + o->repair + !!o->forget;
    if (jobs > 1) {
        usage_error("give one of --export, --sync, --sync-file, --repair and --forget at a time");
        return -1;
    }
    if (o->yes && !o->forget) {
        usage_error("--yes goes with --forget");
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

/* Opens the store as it is: never created, never salvaged (that is the
 * player's, or --repair's): a missing or damaged store is a failure with the
 * reason and the fix, for commands that must never report success on
 * nothing. */
static Store *open_store(const char *dir, const char *job)
{
    Buf err = BUF_INIT;
    int code = 0;
    Store *s = store_open_with(dir, 0, &code, NULL, &err);
    if (!s) {
        switch (code) {
        case STORE_NOT_FOUND:
            fprintf(stderr, "wardplayer: no learner database in '%s': %s (give the player's "
                            "data folder with --data DIR)\n", dir, job);
            break;
        case STORE_DAMAGED:
            fprintf(stderr, "wardplayer: the learner database in '%s' is damaged: %s (run "
                            "wardplayer --repair --data %s to salvage what can be read into a "
                            "new database, then try again; the damaged file is kept)\n",
                    dir, job, dir);
            break;
        case STORE_BUSY:
            fprintf(stderr, "wardplayer: the learner database in '%s' is busy (another program "
                            "holds its lock): %s (try again in a moment)\n", dir, job);
            break;
        case STORE_READ_ONLY:
            fprintf(stderr, "wardplayer: %s: %s (run it from the account that owns the data "
                            "folder)\n", err.data, job);
            break;
        default:
            fprintf(stderr, "wardplayer: %s: %s\n", err.data, job);
        }
    }
    buf_release(&err);
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

static int export_pending(Store *s, int64_t learner_id, const char *path)
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
    if (!p.array || store_outbox_pending_for(s, learner_id, add_pending, &p) != 0) {
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

/* ---- sync, repair, forget ---------------------------------------------------------- */

static int run_sync(Store *s, const char *dir, const LrsConfig *c, int retry_set_aside)
{
    SyncReport r;
    sync_report_init(&r);
    Buf err = BUF_INIT;
    int src = sync_outbox(s, dir, c, retry_set_aside, NULL, NULL, NULL, &r, &err);
    if (src < 0) {
        Buf red = BUF_INIT;
        lrs_config_redact(c, err.data, &red);
        fprintf(stderr, "wardplayer: %s\n", red.data);
        buf_release(&red);
    }
    print_report(c, &r);
    int rc = src == 0 && r.set_aside == 0 && r.held == 0 ? 0 : 1;
    sync_report_release(&r);
    buf_release(&err);
    return rc;
}

/* retention_days (the administrator's settings): once statements have gone,
 * the finished attempts older than that leave the store. */
static void retention(Store *s, const char *settings_path)
{
    Settings st;
    Buf err = BUF_INIT;
    if (settings_load(&st, settings_path, &err) < 0)
        fprintf(stderr, "wardplayer: %s\n", err.data);
    size_t n = 0;
    if (st.retention_days > 0) {
        if (store_purge_finished(s, st.retention_days, &n) != 0)
            fprintf(stderr, "wardplayer: retention: %s\n", store_errmsg(s));
        else if (n)
            printf("removed %zu finished attempts older than %d days, all sent "
                   "(retention_days)\n", n, st.retention_days);
    }
    buf_release(&err);
}

static int repair(const char *dir)
{
    Buf err = BUF_INIT;
    int code = 0;
    StoreSalvage rep;
    Store *s = store_open_with(dir, STORE_OPEN_SALVAGE, &code, &rep, &err);
    int rc = 1;
    if (!s && code == STORE_NOT_FOUND) {
        fprintf(stderr, "wardplayer: no learner database in '%s': nothing to repair (give the "
                        "player's data folder with --data DIR)\n", dir);
    } else if (!s) {
        fprintf(stderr, "wardplayer: cannot repair the learner database in '%s': %s\n", dir,
                err.data);
    } else if (rep.done) {
        Buf say = BUF_INIT;
        store_salvage_describe(&rep, &say);
        printf("%s\n", say.data);
        buf_release(&say);
        rc = 0;
    } else {
        printf("the learner database in '%s' is sound: nothing to repair\n", dir);
        rc = 0;
    }
    store_close(s);
    buf_release(&err);
    return rc;
}

/* One line from the administrator at the terminal, trimmed; "" at EOF. */
static void ask(const char *question, char *answer, size_t size)
{
    fputs(question, stdout);
    fflush(stdout);
    if (!fgets(answer, (int)size, stdin))
        answer[0] = '\0';
    answer[strcspn(answer, "\r\n")] = '\0';
}

/* The learner named who, exactly one; prints why not otherwise. */
static int find_one(Store *s, const char *who, StoreLearner *out)
{
    StoreLearner *found = NULL;
    size_t n = 0;
    if (store_learner_find(s, who, &found, &n) != 0) {
        fprintf(stderr, "wardplayer: %s\n", store_errmsg(s));
        return -1;
    }
    int rc = 0;
    if (n == 0) {
        fprintf(stderr, "wardplayer: no profile named '%s' on this PC (give the name, the staff "
                        "id or the profile id that wardplayer --export shows)\n", who);
        rc = -1;
    } else if (n > 1) {
        fprintf(stderr, "wardplayer: %zu profiles answer to '%s': give the staff id or the "
                        "profile id of the one to remove:\n", n, who);
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, "  %s  staff id '%s'  profile id %s  created %s\n", found[i].name,
                    found[i].staff_id, found[i].uuid, found[i].created);
        rc = -1;
    } else {
        *out = found[0];
    }
    free(found);
    return rc;
}

/* The statements about the learner that have not reached the LRS: sent,
 * exported or dropped as the administrator says. 0 to go on, else the exit
 * code. */
static int settle_pending(Store *s, const char *dir, const Opts *o, const StoreLearner *l,
                          int interactive)
{
    size_t pending = 0;
    if (store_outbox_count_pending(s, l->id, &pending) != 0) {
        fprintf(stderr, "wardplayer: %s\n", store_errmsg(s));
        return 1;
    }
    if (pending == 0)
        return 0;
    const char *how = o->pending_how, *file = o->pending_file;
    char answer[512], path[512];
    if (!how && !interactive) {
        fprintf(stderr, "wardplayer: %zu statements about %s have not reached the LRS yet: say "
                        "what to do with them (--pending send, --pending export FILE.json or "
                        "--pending discard); nothing was removed\n", pending, l->name);
        return 2;
    }
    if (!how) {
        printf("%zu statements about %s have not reached the LRS yet.\n", pending, l->name);
        ask("[s]end them now, [e]xport them to a file, [d]iscard them with the profile, or "
            "[c]ancel? ", answer, sizeof answer);
        how = answer[0] == 's' ? "send" : answer[0] == 'e' ? "export"
            : answer[0] == 'd' ? "discard" : NULL;
        if (!how) {
            printf("nothing was removed\n");
            return 1;
        }
        if (strcmp(how, "export") == 0) {
            ask("file (.json): ", path, sizeof path);
            file = path;
        }
    }
    if (strcmp(how, "export") == 0)
        return export_pending(s, l->id, file) == 0 ? 0 : 1;
    if (strcmp(how, "send") == 0) {
        LrsConfig c;
        int rc = load_config(o, &c, 1) < 0 ? 1 : 0;
        if (rc == 0) {
            apply_home_page(s, &c);
            run_sync(s, dir, &c, 0);
        }
        sodium_memzero(&c, sizeof c);
        if (rc == 0 && store_outbox_count_pending(s, l->id, &pending) == 0 && pending == 0)
            return 0;
        fprintf(stderr, "wardplayer: %zu statements about %s could not be sent: nothing was "
                        "removed (try again, or --pending export FILE.json)\n", pending, l->name);
        return 1;
    }
    return 0;                       /* discard: they go with the profile */
}

static int forget(Store *s, const char *dir, const Opts *o)
{
    StoreLearner l;
    if (find_one(s, o->forget, &l) < 0)
        return 1;
    int interactive = os_stdin_is_terminal();
    int rc = settle_pending(s, dir, o, &l, interactive);
    if (rc)
        return rc;
    if (!o->yes) {
        if (!interactive) {
            fprintf(stderr, "wardplayer: removing %s needs --yes when no one is at the terminal; "
                            "nothing was removed\n", l.name);
            return 2;
        }
        char answer[16];
        printf("Remove %s (staff id '%s', created %s) and every result of theirs from this "
               "PC? [y/N] ", l.name, l.staff_id, l.created);
        ask("", answer, sizeof answer);
        if (answer[0] != 'y' && answer[0] != 'Y' && answer[0] != 'o' && answer[0] != 'O') {
            printf("nothing was removed\n");
            return 1;
        }
    }
    size_t attempts = 0, statements = 0, aside = 0, aside2 = 0;
    if (store_learner_forget(s, l.id, &attempts, &statements) != 0) {
        fprintf(stderr, "wardplayer: cannot remove %s: %s\n", l.name, store_errmsg(s));
        return 1;
    }
    Buf err = BUF_INIT;
    rc = sync_set_aside_forget(dir, l.uuid, &aside, &err);
    if (rc == 0 && l.staff_id[0])
        rc = sync_set_aside_forget(dir, l.staff_id, &aside2, &err);
    if (rc < 0)
        fprintf(stderr, "wardplayer: %s\n", err.data);
    buf_release(&err);
    printf("removed %s: the profile, %zu attempts and %zu statements (%zu set aside)\n", l.name,
           attempts, statements, aside + aside2);
    /* the damaged copies a salvage kept still hold what they held */
    OsDir *d = os_dir_open(dir);
    size_t copies = 0;
    int kind;
    for (const char *name; d && (name = os_dir_next(d, &kind));)
        copies += strncmp(name, STORE_FILE ".corrupt-", strlen(STORE_FILE ".corrupt-")) == 0;
    os_dir_close(d);
    if (copies)
        printf("note: %zu damaged copies (%s.corrupt-*) kept in '%s' may still hold this "
               "learner's data: delete them once nothing more is to be recovered from them\n",
               copies, STORE_FILE, dir);
    return rc < 0 ? 1 : 0;
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
    lrs_config_init(&c);
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
    if (o.repair) {
        rc = repair(dir.data);
        goto out;
    }
    if (o.sync && load_config(&o, &c, 1) < 0)
        goto out;
    /* export: the configuration is optional, for its home_page only */
    if (!o.sync && (o.config || getenv(LRS_CONFIG_ENV)) && load_config(&o, &c, 0) < 0)
        goto out;
    s = open_store(dir.data, o.export_to ? "nothing was exported" : o.sync ? "nothing was sent"
                                                                           : "nothing was removed");
    if (!s)
        goto out;
    apply_home_page(s, &c);
    if (o.forget)
        rc = forget(s, dir.data, &o);
    else if (o.export_to && o.pending)
        rc = export_pending(s, 0, o.export_to);
    else if (o.export_to) {
        Buf err = BUF_INIT;
        rc = export_file(s, o.export_to, &err) == 0 ? 0 : 1;
        if (rc)
            fprintf(stderr, "wardplayer: %s\n", err.data);
        else
            printf("exported the results to %s\n", o.export_to);
        buf_release(&err);
    } else {
        rc = run_sync(s, dir.data, &c, o.retry_set_aside);
        retention(s, o.settings);
    }
out:
    store_close(s);
    buf_release(&dir);
    sodium_memzero(&c, sizeof c);
    return rc;
}
