/* export: CSV and xAPI JSON from the store. Both walk store_foreach_attempt;
 * the xAPI side regenerates statements with the same builders (and so the
 * same stable ids) as the outbox, and drops repeated ids, so a Learning
 * Record Store that receives two exports, or an export and the outbox, keeps
 * one copy of each result. */
#include "export.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "os.h"
#include "xapi.h"

/* ---- CSV ------------------------------------------------------------------ */

/* One RFC 4180 field: quoted when it holds a comma, quote, CR or LF, quotes
 * doubled. A field starting with = + - @ (or a tab/CR) is prefixed with a
 * quote mark: spreadsheets would run it as a formula, and names are typed by
 * anyone at a ward PC (OWASP "CSV injection"). */
static void csv_field(Buf *b, const char *s, int last)
{
    if (!s)
        s = "";
    int formula = strchr("=+-@\t\r", s[0]) && s[0];
    int quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        buf_putc(b, '"');
    if (formula)
        buf_putc(b, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            buf_putc(b, '"');
        buf_putc(b, *p);
    }
    if (quote)
        buf_putc(b, '"');
    buf_puts(b, last ? "\r\n" : ",");
}

static void hms(int64_t ms, char out[32])
{
    int64_t s = (ms + 500) / 1000;
    snprintf(out, 32, "%02lld:%02d:%02d", (long long)(s / 3600), (int)(s / 60 % 60),
             (int)(s % 60));
}

typedef struct CsvCtx {
    FILE *out;
    Buf line;
} CsvCtx;

static int csv_row(const StoreAttempt *a, void *ud)
{
    CsvCtx *c = ud;
    const StoreLearner *l = a->learner;
    char score[32] = "", dur[32];
    if (a->has_score) {
        snprintf(score, sizeof score, "%.2f", a->score_raw);
        char *end = score + strlen(score);     /* 85.00 -> 85, 85.50 -> 85.5 */
        while (end[-1] == '0')
            *--end = '\0';
        if (end[-1] == '.')
            end[-1] = '\0';
    }
    hms(a->total_ms, dur);
    const char *status = strcmp(a->success, "unknown") != 0 ? a->success : a->completion;
    const char *passed = strcmp(a->success, "passed") == 0 ? "yes"
        : strcmp(a->success, "failed") == 0 ? "no" : "";
    buf_clear(&c->line);
    csv_field(&c->line, l->name, 0);
    csv_field(&c->line, l->staff_id, 0);
    csv_field(&c->line, l->role, 0);
    csv_field(&c->line, l->setting, 0);
    csv_field(&c->line, a->package_id, 0);
    csv_field(&c->line, a->version, 0);
    csv_field(&c->line, a->lang, 0);
    csv_field(&c->line, status, 0);
    csv_field(&c->line, score, 0);
    csv_field(&c->line, passed, 0);
    csv_field(&c->line, strcmp(a->completion, "completed") == 0 ? "yes" : "no", 0);
    csv_field(&c->line, dur, 0);
    csv_field(&c->line, a->updated, 1);
    if (c->line.failed)
        return -1;
    if (fwrite(c->line.data, 1, c->line.len, c->out) != c->line.len)
        return -2;
    return 0;
}

int export_csv(Store *s, FILE *out, Buf *err)
{
    CsvCtx c = { out, BUF_INIT };
    int rc = 0;
    if (fputs(EXPORT_CSV_HEADER "\r\n", out) == EOF)
        rc = -2;
    if (rc == 0)
        rc = store_foreach_attempt(s, 0, csv_row, &c);
    buf_release(&c.line);
    if (rc == 0 && fflush(out) != 0)
        rc = -2;
    if (rc == -2 || (rc == 0 && ferror(out))) {
        buf_printf(err, "cannot write the CSV export: %s", strerror(errno));
        return -1;
    }
    if (rc) {
        buf_printf(err, "cannot export: %s", store_errmsg(s));
        return -1;
    }
    return 0;
}

/* ---- xAPI ------------------------------------------------------------------ */

typedef struct XapiCtx {
    Store *s;
    const char *home;
    json_t *list;           /* the array */
    json_t *seen;           /* statement ids already in it, as object keys */
    const StoreAttempt *a;
} XapiCtx;

static int add_statement(XapiCtx *c, json_t *st)
{
    if (!st)
        return -1;
    const char *id = json_string_value(json_object_get(st, "id"));
    if (!id || json_object_get(c->seen, id)) {
        json_decref(st);
        return id ? 0 : -1;
    }
    if (json_object_set_new(c->seen, id, json_true()) < 0 || json_array_append_new(c->list, st) < 0)
        return -1;
    return 0;
}

static int xapi_answer(const StoreAnswer *ans, void *ud)
{
    XapiCtx *c = ud;
    return add_statement(c, xapi_answer_statement(c->home, c->a, ans));
}

/* A statement of the outbox, as it was (or will be) sent. */
static int xapi_sent(const char *id, const char *json, void *ud)
{
    (void)id;
    return add_statement(ud, json_loads(json, 0, NULL));
}

static int xapi_attempt(const StoreAttempt *a, void *ud)
{
    XapiCtx *c = ud;
    c->a = a;
    if (a->edition == SCORM_CMI5)   /* made in their sessions: the outbox has them */
        return store_outbox_of_attempt(c->s, a->id, xapi_sent, c);
    if (add_statement(c, xapi_attempt_statement(c->home, a, XAPI_ATTEMPTED, NULL)) < 0)
        return -1;
    /* a nested read of the same connection while the attempts query runs:
     * SQLite allows several statements active at once */
    int rc = store_foreach_answer(c->s, a->id, xapi_answer, c);
    if (rc)
        return rc;
    if (strcmp(a->completion, "completed") == 0
        && add_statement(c, xapi_attempt_statement(c->home, a, XAPI_COMPLETED, NULL)) < 0)
        return -1;
    if (strcmp(a->success, "passed") == 0
        && add_statement(c, xapi_attempt_statement(c->home, a, XAPI_PASSED, NULL)) < 0)
        return -1;
    if (strcmp(a->success, "failed") == 0
        && add_statement(c, xapi_attempt_statement(c->home, a, XAPI_FAILED, NULL)) < 0)
        return -1;
    return 0;
}

int export_xapi(Store *s, FILE *out, const char *home_page, Buf *err)
{
    Buf home = BUF_INIT;
    if (home_page)
        buf_puts(&home, home_page);
    else if (store_setting_get(s, "xapi.home_page", XAPI_DEFAULT_HOME_PAGE, &home) < 0) {
        buf_printf(err, "cannot export: %s", store_errmsg(s));
        buf_release(&home);
        return -1;
    }
    XapiCtx c = { s, home.data, json_array(), json_object(), NULL };
    int ret = -1;
    if (!c.list || !c.seen) {
        buf_puts(err, "cannot export: out of memory");
        goto out;
    }
    int rc = store_foreach_attempt(s, 0, xapi_attempt, &c);
    if (rc) {
        buf_printf(err, "cannot export: %s", rc == -1 && *store_errmsg(s)
                   ? store_errmsg(s) : "out of memory");
        goto out;
    }
    if (json_dumpf(c.list, out, JSON_INDENT(2) | JSON_SORT_KEYS) < 0 || fputc('\n', out) == EOF
        || fflush(out) != 0 || ferror(out)) {
        buf_printf(err, "cannot write the xAPI export: %s", strerror(errno));
        goto out;
    }
    ret = 0;
out:
    json_decref(c.list);
    json_decref(c.seen);
    buf_release(&home);
    return ret;
}

/* ---- files ----------------------------------------------------------------- */

static int has_ext(const char *path, const char *ext)
{
    size_t n = strlen(path), e = strlen(ext);
    return n > e && strcasecmp(path + n - e, ext) == 0;
}

int export_file(Store *s, const char *path, Buf *err)
{
    int json = has_ext(path, ".json");
    if (!json && !has_ext(path, ".csv")) {
        buf_printf(err, "cannot export to '%s' (use a .csv or .json file name)", path);
        return -1;
    }
    /* written whole or not at all: a temporary file beside it, then renamed */
    char *tmp = NULL;
    FILE *f = os_replace_open(path, &tmp, err);
    int rc = -1;
    if (f) {
        rc = json ? export_xapi(s, f, NULL, err) : export_csv(s, f, err);
        if (rc == 0)
            rc = os_replace_commit(f, tmp, path, err);
        else
            os_replace_abort(f, tmp);
    }
    free(tmp);
    return rc;
}
