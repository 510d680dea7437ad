/* Unit tests of the player's cmi5 profile (xapi.h, store.h's cmi5
 * sessions): an attempt at a cmi5 package reports as a cmi5 AU does, in
 * sessions: initialized first, answered as cmi5 allowed, completed and
 * passed or failed cmi5 defined (categories, masteryScore, integer raw, no
 * completion on passed), terminated last with its duration, each statement
 * with the registration, the session id and the AU's publisher id; completed
 * and passed once per registration, no failed once passed; and an export
 * gives the very statements the outbox holds. The same attempt in SCORM
 * 2004 keeps the usual statements. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "buf.h"
#include "cmi.h"
#include "export.h"
#include "pkgfixture.h"
#include "store.h"
#include "xapi.h"

#define AU_ID "urn:coursepack:au:ai-never-neutral:fr"
#define CAT_CMI5 "https://w3id.org/xapi/cmi5/context/categories/cmi5"
#define CAT_MOVEON "https://w3id.org/xapi/cmi5/context/categories/moveon"
#define EXT_SESSION "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
#define EXT_MASTERY "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"

typedef struct Fixture {
    char dir[64];
    Store *s;
    int64_t attempt;
} Fixture;

static int setup(void **state)
{
    Fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/test_xapi_cmi5.XXXXXX");
    if (!f || !mkdtemp(f->dir))
        return -1;
    Buf notice = BUF_INIT, err = BUF_INIT;
    f->s = store_open(f->dir, &notice, &err);
    buf_release(&notice);
    buf_release(&err);
    int64_t id;
    if (!f->s || store_learner_add(f->s, "Dr Martin", "AP-1234", "physician", "ed", NULL, &id)
        || store_login(f->s, id, NULL))
        return -1;
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

typedef struct Outbox {
    json_t *list;
} Outbox;

static int collect(const char *id, const char *json, void *ud)
{
    (void)id;
    json_t *st = json_loads(json, 0, NULL);
    assert_non_null(st);
    json_array_append_new(((Outbox *)ud)->list, st);
    return 0;
}

/* Every statement of the attempt, in the order made. */
static json_t *statements(Fixture *f)
{
    Outbox o = { json_array() };
    assert_int_equal(store_outbox_of_attempt(f->s, f->attempt, collect, &o), 0);
    return o.list;
}

static const char *verb_of(json_t *st)
{
    const char *id = json_string_value(json_object_get(json_object_get(st, "verb"), "id"));
    const char *slash = id ? strrchr(id, '/') : NULL;
    return slash ? slash + 1 : "";
}

/* The verbs in order, "initialized answered ..." */
static void verbs(json_t *list, Buf *out)
{
    buf_clear(out);
    for (size_t i = 0; i < json_array_size(list); i++)
        buf_printf(out, "%s%s", i ? " " : "", verb_of(json_array_get(list, i)));
}

static int has_category(json_t *st, const char *id)
{
    json_t *cat = json_object_get(json_object_get(json_object_get(st, "context"),
                                                  "contextActivities"), "category");
    for (size_t i = 0; i < json_array_size(cat); i++)
        if (strcmp(json_string_value(json_object_get(json_array_get(cat, i), "id")), id) == 0)
            return 1;
    return 0;
}

static const char *session_of(json_t *st)
{
    return json_string_value(json_object_get(json_object_get(json_object_get(st, "context"),
                                                             "extensions"), EXT_SESSION));
}

/* A statement's timestamp as seconds of the day (the tests run within one). */
static double seconds_of(json_t *st)
{
    const char *t = json_string_value(json_object_get(st, "timestamp"));
    int h = 0, m = 0;
    double sec = 0;
    assert_non_null(t);
    assert_int_equal(sscanf(strchr(t, 'T') + 1, "%d:%d:%lfZ", &h, &m, &sec), 3);
    return h * 3600 + m * 60 + sec;
}

static json_t *find(json_t *list, const char *verb)
{
    for (size_t i = 0; i < json_array_size(list); i++)
        if (strcmp(verb_of(json_array_get(list, i)), verb) == 0)
            return json_array_get(list, i);
    return NULL;
}

/* The attempt's CMI model says done, with this score: what the player's
 * save after the last item writes. */
static void finish(Fixture *f, const char *success, const char *raw)
{
    CmiModel *m = cmi_new(SCORM_2004);
    assert_non_null(m);
    assert_int_equal(cmi_set(m, "cmi.score.raw", raw), CMI_OK);
    assert_int_equal(cmi_set(m, "cmi.score.min", "0"), CMI_OK);
    assert_int_equal(cmi_set(m, "cmi.score.max", "100"), CMI_OK);
    assert_int_equal(cmi_set(m, "cmi.completion_status", "completed"), CMI_OK);
    assert_int_equal(cmi_set(m, "cmi.success_status", success), CMI_OK);
    assert_int_equal(store_cmi_save(f->s, f->attempt, m), 0);
    cmi_free(m);
}

static void answer(Fixture *f, const char *id, const char *result)
{
    StoreAnswer a = { .item_id = id, .type = "choice", .description = "Which?",
                      .response = "a", .correct_pattern = "b", .result = result, .weight = 2 };
    assert_int_equal(store_answer_record(f->s, f->attempt, &a), 0);
}

static void test_xapi_cmi5__sessions_and_defined_statements(void **state)
{
    Fixture *f = *state;
    int resumed;
    assert_int_equal(store_attempt_begin(f->s, "cp-ai-never-neutral", "2.0.0", "fr", SCORM_CMI5,
                                         &f->attempt, &resumed), 0);
    assert_int_equal(store_cmi5_session_begin(f->s, f->attempt, AU_ID, 8000), 0);
    answer(f, "q-lab", "incorrect");
    assert_int_equal(store_cmi5_session_end(f->s, f->attempt, 61500, 40), 0);
    /* the learner comes back: a second session, which reaches the end */
    assert_int_equal(store_cmi5_session_begin(f->s, f->attempt, AU_ID, 8000), 0);
    answer(f, "q-bias", "correct");
    finish(f, "passed", "87.5");
    assert_int_equal(store_cmi5_session_end(f->s, f->attempt, 30000, -1), 0);

    json_t *all = statements(f);
    Buf v = BUF_INIT;
    verbs(all, &v);
    assert_string_equal(v.data, "initialized answered terminated initialized answered completed "
                                "passed terminated");
    const char *s1 = session_of(json_array_get(all, 0)), *s2 = session_of(json_array_get(all, 3));
    assert_non_null(s1);
    assert_non_null(s2);
    assert_string_not_equal(s1, s2);
    const char *reg = NULL;
    for (size_t i = 0; i < json_array_size(all); i++) {
        json_t *st = json_array_get(all, i), *ctx = json_object_get(st, "context");
        const char *verb = verb_of(st);
        /* every statement: one registration, its session, the publisher id */
        if (!reg)
            reg = json_string_value(json_object_get(ctx, "registration"));
        assert_string_equal(json_string_value(json_object_get(ctx, "registration")), reg);
        assert_string_equal(session_of(st), i < 3 ? s1 : s2);
        json_t *grp = json_object_get(json_object_get(ctx, "contextActivities"), "grouping");
        assert_string_equal(json_string_value(json_object_get(json_array_get(grp, 0), "id")),
                            AU_ID);
        /* cmi5 defined: the cmi5 category; answered (cmi5 allowed): not */
        assert_int_equal(has_category(st, CAT_CMI5), strcmp(verb, "answered") != 0);
        int judged = !strcmp(verb, "completed") || !strcmp(verb, "passed");
        assert_int_equal(has_category(st, CAT_MOVEON), judged);
    }
    /* terminated last by timestamp too (9.3), though made in the same
     * hundredth of a second as passed */
    for (size_t i = 0; i < json_array_size(all); i++)
        if (i != 2 && i != 7)
            assert_true(seconds_of(json_array_get(all, i))
                        < seconds_of(json_array_get(all, i < 3 ? 2 : 7)));
    json_t *passed = find(all, "passed"), *r = json_object_get(passed, "result");
    assert_true(json_is_true(json_object_get(r, "success")));
    assert_null(json_object_get(r, "completion"));      /* 9.5.3: only on completed */
    json_t *score = json_object_get(r, "score");
    assert_true(json_is_integer(json_object_get(score, "raw")));
    assert_int_equal(json_integer_value(json_object_get(score, "raw")), 87);
    assert_true(json_real_value(json_object_get(score, "scaled")) > 0.874);
    assert_true(json_real_value(json_object_get(json_object_get(json_object_get(passed, "context"),
                                                                "extensions"), EXT_MASTERY))
                == 0.8);
    json_t *done = json_object_get(find(all, "completed"), "result");
    assert_true(json_is_true(json_object_get(done, "completion")));
    assert_null(json_object_get(done, "score"));
    json_t *t1 = json_object_get(json_array_get(all, 2), "result");
    assert_string_equal(json_string_value(json_object_get(t1, "duration")), "PT1M1.5S");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(t1, "extensions"),
        "https://w3id.org/xapi/cmi5/result/extensions/progress")), 40);
    assert_null(json_object_get(json_object_get(json_array_get(all, 7), "result"), "extensions"));
    json_decref(all);

    /* a third session after the end: saving again adds no second completed or
     * passed, and never a failed */
    assert_int_equal(store_cmi5_session_begin(f->s, f->attempt, AU_ID, 8000), 0);
    finish(f, "passed", "87.5");
    finish(f, "failed", "10");
    assert_int_equal(store_cmi5_session_end(f->s, f->attempt, 5000, -1), 0);
    all = statements(f);
    verbs(all, &v);
    assert_string_equal(v.data, "initialized answered terminated initialized answered completed "
                                "passed terminated initialized terminated");
    json_decref(all);
    buf_release(&v);
}

static void test_xapi_cmi5__nothing_without_a_session(void **state)
{
    Fixture *f = *state;
    int resumed;
    assert_int_equal(store_attempt_begin(f->s, "cp-x", "1", "en", SCORM_CMI5, &f->attempt,
                                         &resumed), 0);
    finish(f, "failed", "20");
    json_t *all = statements(f);
    assert_int_equal(json_array_size(all), 0);   /* not even "attempted" */
    json_decref(all);
    assert_int_equal(store_cmi5_session_end(f->s, f->attempt, 1, -1), 0);   /* none open */
    assert_int_equal(store_cmi5_session_begin(f->s, f->attempt, "", -1), STORE_INVALID);
}

static void test_xapi_cmi5__scorm_attempts_unchanged(void **state)
{
    Fixture *f = *state;
    int resumed;
    assert_int_equal(store_attempt_begin(f->s, "cp-x", "1", "en", SCORM_2004, &f->attempt,
                                         &resumed), 0);
    answer(f, "q-1", "correct");
    finish(f, "passed", "100");
    json_t *all = statements(f);
    Buf v = BUF_INIT;
    verbs(all, &v);
    assert_string_equal(v.data, "attempted answered completed passed");
    assert_false(has_category(find(all, "passed"), CAT_CMI5));
    json_decref(all);
    buf_release(&v);
}

/* --export FILE.json: a cmi5 attempt's statements are the outbox's, byte for
 * byte the same ids and content, so importing the file after a sync changes
 * nothing in the LRS. */
static void test_xapi_cmi5__export_gives_the_outbox(void **state)
{
    Fixture *f = *state;
    int resumed;
    assert_int_equal(store_attempt_begin(f->s, "cp-ai-never-neutral", "2.0.0", "fr", SCORM_CMI5,
                                         &f->attempt, &resumed), 0);
    assert_int_equal(store_cmi5_session_begin(f->s, f->attempt, AU_ID, 8000), 0);
    answer(f, "q-lab", "correct");
    finish(f, "passed", "100");
    assert_int_equal(store_cmi5_session_end(f->s, f->attempt, 1000, -1), 0);
    char path[128];
    snprintf(path, sizeof path, "%s/out.json", f->dir);
    FILE *out = fopen(path, "w");
    assert_non_null(out);
    Buf err = BUF_INIT;
    assert_int_equal(export_xapi(f->s, out, NULL, &err), 0);
    fclose(out);
    json_t *exported = json_load_file(path, 0, NULL);
    json_t *outbox = statements(f);
    assert_non_null(exported);
    assert_true(json_equal(exported, outbox));
    json_decref(exported);
    json_decref(outbox);
    buf_release(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_xapi_cmi5__sessions_and_defined_statements, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_xapi_cmi5__nothing_without_a_session, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_xapi_cmi5__scorm_attempts_unchanged, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_xapi_cmi5__export_gives_the_outbox, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
