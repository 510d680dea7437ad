/* Unit tests of export and xapi: CSV quoting and columns, xAPI 1.0.3
 * statements checked against the spec's required fields, stable ids across
 * exports and with the outbox, the file writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <dirent.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "buf.h"
#include "pkgfixture.h"
#include "cmi.h"
#include "export.h"
#include "store.h"
#include "xapi.h"

#define HOME "https://lms.chu-exemple.fr"

typedef struct Fixture {
    char dir[64];
    Store *s;
    int64_t bob, anon;
} Fixture;

/* Two learners: Bob (staff id, a name needing quotes) passed a module with
 * two answers; an anonymous profile without staff id is half way. */
static int setup(void **state)
{
    Fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/test_export.XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    Buf err = BUF_INIT;
    f->s = store_open(f->dir, NULL, &err);
    buf_release(&err);
    if (!f->s)
        return -1;
    Store *s = f->s;
    int64_t attempt;
    int resumed;
    if (store_setting_set(s, "xapi.home_page", HOME "/") < 0
        || store_learner_add(s, "Martin, \"Bob\"\nJr", "AP-1234", "physician", "ed", NULL,
                             &f->bob) < 0
        || store_learner_add(s, "=cmd|calc", "", "chief", "", NULL, &f->anon) < 0)
        return -1;
    if (store_login(s, f->bob, NULL) < 0
        || store_attempt_begin(s, "cp-ai-never-neutral", "1.2.0", "fr", SCORM_2004, &attempt,
                               &resumed) < 0)
        return -1;
    StoreAnswer a1 = { .item_id = "q-lab-accuracy", .type = "choice",
                       .description = "Quelle précision ?", .response = "b",
                       .correct_pattern = "b", .result = "correct", .weight = 2,
                       .latency_ms = 12300, .timestamp = "2026-03-01T09:30:00.25Z" };
    StoreAnswer a2 = { .item_id = "sc-night-triage", .type = "choice", .response = "a[,]d",
                       .correct_pattern = "a[,]c", .result = "incorrect", .weight = 2,
                       .timestamp = "2026-03-01T09:35:00.00Z" };
    if (store_answer_record(s, attempt, &a1) < 0 || store_answer_record(s, attempt, &a2) < 0)
        return -1;
    CmiModel *m = cmi_new(SCORM_2004);
    cmi_set(m, "cmi.completion_status", "completed");
    cmi_set(m, "cmi.success_status", "passed");
    cmi_set(m, "cmi.score.raw", "85.5");
    cmi_set(m, "cmi.score.min", "0");
    cmi_set(m, "cmi.score.max", "100");
    cmi_set(m, "cmi.score.scaled", "0.855");
    cmi_set(m, "cmi.session_time", "PT1H2M3S");
    cmi_end_session(m);
    int rc = store_cmi_save(s, attempt, m);
    cmi_free(m);
    if (rc < 0 || store_attempt_close(s, attempt) < 0)
        return -1;
    if (store_login(s, f->anon, NULL) < 0
        || store_attempt_begin(s, "cp-ai-never-neutral", "1.2.0", "en", SCORM_12, &attempt,
                               &resumed) < 0)
        return -1;
    m = cmi_new(SCORM_12);
    cmi_set(m, "cmi.core.lesson_status", "incomplete");
    cmi_set(m, "cmi.core.session_time", "0000:05:00");
    rc = store_cmi_save(s, attempt, m);
    cmi_free(m);
    if (rc < 0)
        return -1;
    store_logout(s);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fixture *f = *state;
    store_close(f->s);
    pkgfixture_rmtree(f->dir);
    free(f);
    return 0;
}

static char *export_to_string(Store *s, int json)
{
    char *data = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&data, &size);
    Buf err = BUF_INIT;
    int rc = json ? export_xapi(s, mem, NULL, &err) : export_csv(s, mem, &err);
    if (rc)
        print_error("export: %s\n", err.data);
    assert_int_equal(rc, 0);
    fclose(mem);
    buf_release(&err);
    return data;
}

static void test_export__csv_rows_and_quoting(void **state)
{
    Fixture *f = *state;
    char *csv = export_to_string(f->s, 0);
    const char *expected_start =
        "name,staff_id,role,setting,module,version,language,status,score,passed,completed,"
        "duration,last_activity\r\n"
        /* '=' would start a formula: prefixed with a quote mark */
        "'=cmd|calc,,chief,,cp-ai-never-neutral,1.2.0,en,incomplete,,,no,00:05:00,";
    assert_memory_equal(csv, expected_start, strlen(expected_start));
    const char *bob = "\r\n\"Martin, \"\"Bob\"\"\nJr\",AP-1234,physician,ed,"
                      "cp-ai-never-neutral,1.2.0,fr,passed,85.5,yes,yes,01:02:03,";
    assert_non_null(strstr(csv, bob));
    /* two data rows, each ending with an ISO 8601 time */
    int rows = 0;
    for (const char *p = csv; (p = strstr(p, "\r\n")); p += 2)
        rows++;
    assert_int_equal(rows, 3);
    const char *last = strstr(csv, "01:02:03,") + 9;
    char ts[32];
    snprintf(ts, sizeof ts, "%.23s", last);
    assert_true(cmi_timestamp_valid(ts));
    free(csv);
}

/* ---- xAPI checks (xAPI 1.0.3, section 2.4) -------------------------------- */

static int is_uuid(const char *s)
{
    if (!s || strlen(s) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return 0;
        } else if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i])) {
            return 0;
        }
    }
    return strchr("12345", s[14]) && strchr("89ab", s[19]);
}

static int is_iri(const char *s)
{
    return s && (strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0)
        && !strpbrk(s, " \t\n");
}

static void check_statement(json_t *st, const char *expect_account)
{
    assert_true(json_is_object(st));
    assert_true(is_uuid(json_string_value(json_object_get(st, "id"))));
    assert_string_equal(json_string_value(json_object_get(st, "version")), "1.0.3");
    /* actor: an Agent with exactly one inverse functional identifier */
    json_t *actor = json_object_get(st, "actor");
    assert_string_equal(json_string_value(json_object_get(actor, "objectType")), "Agent");
    int ifis = 0;
    const char *ifi_names[] = { "mbox", "mbox_sha1sum", "openid", "account" };
    for (int i = 0; i < 4; i++)
        ifis += json_object_get(actor, ifi_names[i]) != NULL;
    assert_int_equal(ifis, 1);
    json_t *account = json_object_get(actor, "account");
    assert_string_equal(json_string_value(json_object_get(account, "homePage")), HOME "/");
    assert_string_equal(json_string_value(json_object_get(account, "name")), expect_account);
    /* verb: IRI + display language map */
    json_t *verb = json_object_get(st, "verb");
    const char *vid = json_string_value(json_object_get(verb, "id"));
    assert_non_null(vid);
    assert_memory_equal(vid, "http://adlnet.gov/expapi/verbs/", 31);
    const char *word = json_string_value(json_object_get(json_object_get(verb, "display"),
                                                         "en-US"));
    assert_non_null(word);
    assert_string_equal(word, vid + 31);
    /* object: an Activity with an IRI id under the home page */
    json_t *obj = json_object_get(st, "object");
    assert_string_equal(json_string_value(json_object_get(obj, "objectType")), "Activity");
    const char *oid = json_string_value(json_object_get(obj, "id"));
    assert_true(is_iri(oid));
    assert_memory_equal(oid, HOME "/activities/cp-ai-never-neutral",
                        strlen(HOME "/activities/cp-ai-never-neutral"));
    json_t *def = json_object_get(obj, "definition");
    assert_true(json_is_object(json_object_get(def, "name")));
    assert_true(is_iri(json_string_value(json_object_get(def, "type"))));
    /* result members have their types */
    json_t *r = json_object_get(st, "result");
    if (r) {
        json_t *v;
        if ((v = json_object_get(r, "success")))
            assert_true(json_is_boolean(v));
        if ((v = json_object_get(r, "completion")))
            assert_true(json_is_boolean(v));
        if ((v = json_object_get(r, "response")))
            assert_true(json_is_string(v));
        if ((v = json_object_get(r, "duration"))) {
            int64_t ms;
            assert_int_equal(cmi_duration_parse(json_string_value(v), &ms), 0);
        }
        json_t *score = json_object_get(r, "score");
        if (score) {
            json_t *sc = json_object_get(score, "scaled");
            if (sc) {
                assert_true(json_is_number(sc));
                assert_true(json_number_value(sc) >= -1 && json_number_value(sc) <= 1);
            }
            json_t *raw = json_object_get(score, "raw");
            if (raw) {
                double min = json_number_value(json_object_get(score, "min"));
                double max = json_number_value(json_object_get(score, "max"));
                assert_true(min <= json_number_value(raw) && json_number_value(raw) <= max);
            }
        }
    }
    /* context: the attempt as registration (a UUID) */
    json_t *ctx = json_object_get(st, "context");
    assert_true(is_uuid(json_string_value(json_object_get(ctx, "registration"))));
    const char *ts = json_string_value(json_object_get(st, "timestamp"));
    assert_non_null(ts);
    assert_true(cmi_timestamp_valid(ts));
    assert_non_null(strchr(ts, 'Z'));
}

static json_t *find(json_t *list, const char *verb, const char *object_suffix)
{
    size_t i;
    json_t *st;
    json_array_foreach(list, i, st) {
        const char *v = json_string_value(json_object_get(json_object_get(st, "verb"), "id"));
        const char *o = json_string_value(json_object_get(json_object_get(st, "object"), "id"));
        size_t ol = strlen(o), sl = strlen(object_suffix);
        if (strcmp(v + 31, verb) == 0 && ol >= sl && strcmp(o + ol - sl, object_suffix) == 0)
            return st;
    }
    return NULL;
}

static void test_export__xapi_statements(void **state)
{
    Fixture *f = *state;
    char *text = export_to_string(f->s, 1);
    json_error_t jerr;
    json_t *list = json_loads(text, 0, &jerr);
    assert_non_null(list);
    assert_true(json_is_array(list));
    /* Anonymous: attempted. Bob: attempted, 2 answered, completed, passed. */
    assert_int_equal(json_array_size(list), 6);
    StoreLearner anon;
    assert_int_equal(store_learner_get(f->s, f->anon, &anon), 0);
    size_t i;
    json_t *st;
    json_array_foreach(list, i, st) {
        const char *lang = json_string_value(json_object_get(json_object_get(st, "context"),
                                                             "language"));
        check_statement(st, strcmp(lang, "en") == 0 ? anon.uuid : "AP-1234");
    }
    json_t *ans = find(list, "answered", "/cp-ai-never-neutral/q-lab-accuracy");
    assert_non_null(ans);
    json_t *obj = json_object_get(ans, "object");
    json_t *def = json_object_get(obj, "definition");
    assert_string_equal(json_string_value(json_object_get(def, "type")),
                        "http://adlnet.gov/expapi/activities/cmi.interaction");
    assert_string_equal(json_string_value(json_object_get(def, "interactionType")), "choice");
    assert_string_equal(json_string_value(json_object_get(json_object_get(def, "name"), "fr")),
                        "Quelle précision ?");
    assert_string_equal(json_string_value(json_array_get(
        json_object_get(def, "correctResponsesPattern"), 0)), "b");
    json_t *r = json_object_get(ans, "result");
    assert_true(json_is_true(json_object_get(r, "success")));
    assert_string_equal(json_string_value(json_object_get(r, "response")), "b");
    assert_string_equal(json_string_value(json_object_get(r, "duration")), "PT12.3S");
    assert_true(json_number_value(json_object_get(json_object_get(r, "score"), "raw")) == 2);
    assert_string_equal(json_string_value(json_object_get(ans, "timestamp")),
                        "2026-03-01T09:30:00.25Z");
    json_t *parent = json_array_get(json_object_get(json_object_get(json_object_get(ans,
        "context"), "contextActivities"), "parent"), 0);
    assert_string_equal(json_string_value(json_object_get(parent, "id")),
                        HOME "/activities/cp-ai-never-neutral");
    json_t *wrong = find(list, "answered", "/sc-night-triage");
    assert_true(json_is_false(json_object_get(json_object_get(wrong, "result"), "success")));
    json_t *passed = find(list, "passed", "/cp-ai-never-neutral");
    assert_non_null(passed);
    json_t *pr = json_object_get(passed, "result");
    assert_true(json_is_true(json_object_get(pr, "success")));
    assert_true(json_is_true(json_object_get(pr, "completion")));
    assert_string_equal(json_string_value(json_object_get(pr, "duration")), "PT1H2M3S");
    json_t *score = json_object_get(pr, "score");
    assert_true(json_number_value(json_object_get(score, "scaled")) == 0.855);
    assert_true(json_number_value(json_object_get(score, "raw")) == 85.5);
    assert_true(json_number_value(json_object_get(score, "max")) == 100);
    assert_string_equal(json_string_value(json_object_get(json_object_get(
        json_object_get(passed, "object"), "definition"), "type")),
        "http://adlnet.gov/expapi/activities/course");
    assert_non_null(find(list, "completed", "/cp-ai-never-neutral"));
    assert_null(find(list, "failed", "/cp-ai-never-neutral"));
    json_decref(list);
    free(text);
}

static int collect_outbox(const char *id, const char *json, void *ud)
{
    (void)json;
    json_t *ids = ud;
    json_object_set_new(ids, id, json_true());
    return 0;
}

static void test_export__stable_ids(void **state)
{
    Fixture *f = *state;
    char *a = export_to_string(f->s, 1);
    char *b = export_to_string(f->s, 1);
    json_t *la = json_loads(a, 0, NULL), *lb = json_loads(b, 0, NULL);
    assert_int_equal(json_array_size(la), json_array_size(lb));
    json_t *outbox = json_object();
    assert_int_equal(store_outbox_pending(f->s, collect_outbox, outbox), 0);
    assert_int_equal(json_object_size(outbox), json_array_size(la));
    json_t *ids = json_object();
    size_t i;
    json_t *st;
    json_array_foreach(la, i, st) {
        const char *id = json_string_value(json_object_get(st, "id"));
        assert_null(json_object_get(ids, id));             /* no repeats */
        json_object_set_new(ids, id, json_true());
        assert_string_equal(id, json_string_value(json_object_get(json_array_get(lb, i),
                                                                  "id")));
        assert_non_null(json_object_get(outbox, id));      /* same id as when recorded */
    }
    /* the id is the documented name-based UUID */
    char expect[37];
    StoreLearner bob;
    assert_int_equal(store_learner_get(f->s, f->bob, &bob), 0);
    json_t *reg = json_object_get(json_object_get(find(la, "passed", "/cp-ai-never-neutral"),
                                                  "context"), "registration");
    xapi_statement_id(bob.uuid, "cp-ai-never-neutral", NULL, XAPI_PASSED,
                      json_string_value(reg), expect);
    assert_string_equal(json_string_value(json_object_get(find(la, "passed",
        "/cp-ai-never-neutral"), "id")), expect);
    char u1[37], u2[37], u3[37];
    xapi_uuid_from_name("abc", 3, u1);
    xapi_uuid_from_name("abc", 3, u2);
    xapi_uuid_from_name("abd", 3, u3);
    assert_string_equal(u1, u2);
    assert_string_not_equal(u1, u3);
    assert_int_equal(u1[14], '5');
    assert_true(is_uuid(u1));
    xapi_uuid_random(u1);
    assert_int_equal(u1[14], '4');
    assert_true(is_uuid(u1));
    json_decref(ids);
    json_decref(outbox);
    json_decref(la);
    json_decref(lb);
    free(a);
    free(b);
}

static void test_export__activity_ids_are_escaped(void **state)
{
    (void)state;
    Buf b = BUF_INIT;
    xapi_activity_id("http://x.org//", "cp-a b", "q/1", &b);
    assert_string_equal(b.data, "http://x.org/activities/cp-a%20b/q%2F1");
    buf_release(&b);
}

static void test_export__files(void **state)
{
    Fixture *f = *state;
    Buf err = BUF_INIT;
    char path[200];
    snprintf(path, sizeof path, "%s/results.txt", f->dir);
    assert_int_equal(export_file(f->s, path, &err), -1);
    char expected[300];
    snprintf(expected, sizeof expected,
             "cannot export to '%s' (use a .csv or .json file name)", path);
    assert_string_equal(err.data, expected);
    buf_clear(&err);
    snprintf(path, sizeof path, "%s/Results.CSV", f->dir);
    assert_int_equal(export_file(f->s, path, &err), 0);
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    char head[20] = "";
    assert_int_equal(fread(head, 1, 5, fp), 5);
    fclose(fp);
    assert_memory_equal(head, "name,", 5);
    snprintf(path, sizeof path, "%s/results.json", f->dir);
    assert_int_equal(export_file(f->s, path, &err), 0);
    json_t *list = json_load_file(path, 0, NULL);
    assert_int_equal(json_array_size(list), 6);
    json_decref(list);
    /* a folder that does not exist: an error, and nothing written */
    assert_int_equal(export_file(f->s, "/nonexistent/dir/r.csv", &err), -1);
    assert_memory_equal(err.data, "cannot create '/nonexistent/dir/r.csv.tmp-", 42);
    /* no temporary file left behind */
    DIR *d = opendir(f->dir);
    struct dirent *e;
    while ((e = readdir(d)))
        assert_null(strstr(e->d_name, ".tmp-"));
    closedir(d);
    buf_release(&err);
}

/* A full disk: the writer says so instead of leaving a short file. */
static void test_export__write_errors(void **state)
{
    Fixture *f = *state;
    FILE *full = fopen("/dev/full", "w");
    if (!full)
        skip();
    Buf err = BUF_INIT;
    assert_int_equal(export_csv(f->s, full, &err), -1);
    assert_string_equal(err.data, "cannot write the CSV export: No space left on device");
    clearerr(full);
    buf_clear(&err);
    assert_int_equal(export_xapi(f->s, full, NULL, &err), -1);
    assert_string_equal(err.data, "cannot write the xAPI export: No space left on device");
    fclose(full);
    buf_release(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_export__csv_rows_and_quoting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export__xapi_statements, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export__stable_ids, setup, teardown),
        cmocka_unit_test(test_export__activity_ids_are_escaped),
        cmocka_unit_test_setup_teardown(test_export__files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export__write_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
