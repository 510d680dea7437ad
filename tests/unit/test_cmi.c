/* Unit tests of cmi: the SCORM 1.2 and 2004 run-time data model against the
 * tables of the RTE books (element access, types, vocabularies, collections,
 * error codes). What the model holds is read as the player reads it: what
 * cmi_foreach lists (what the store saves) and cmi_summary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "cmi.h"

/* Sets and expects a code; on failure prints the element for the log. */
static void expect_set(CmiModel *m, const char *el, const char *v, int code)
{
    int rc = cmi_set(m, el, v);
    if (rc != code)
        print_error("cmi_set(%s, \"%s\") = %d, expected %d (%s)\n", el, v, rc, code,
                    cmi_diagnostic(m));
    assert_int_equal(rc, code);
}

typedef struct Lookup {
    const char *el;
    const char *value;      /* borrowed from the model */
} Lookup;

static int find_saved(const char *el, const char *v, void *ud)
{
    Lookup *l = ud;
    if (strcmp(el, l->el) == 0)
        l->value = v;
    return 0;
}

/* The value the store would save for el (cmi_foreach), or NULL when none. */
static const char *saved(const CmiModel *m, const char *el)
{
    Lookup l = { el, NULL };
    assert_int_equal(cmi_foreach(m, find_saved, &l), 0);
    return l.value;
}

/* Expects el to be saved with value, or not saved at all (value NULL). */
static void expect_saved(const CmiModel *m, const char *el, const char *value)
{
    const char *got = saved(m, el);
    if (!value && got)
        fail_msg("%s is saved as \"%s\", expected nothing", el, got);
    if (value && !got)
        fail_msg("%s is not saved, expected \"%s\"", el, value);
    if (value)
        assert_string_equal(got, value);
}

static int count_values(const char *el, const char *v, void *ud)
{
    (void)el;
    (void)v;
    (*(int *)ud)++;
    return 0;
}

/* ---- SCORM 1.2 ---------------------------------------------------------- */

static void test_cmi__12_initial_state_and_access(void **state)
{
    (void)state;
    CmiModel *m = cmi_new(SCORM_12);
    /* nothing saved, nothing attempted */
    int n = 0;
    assert_int_equal(cmi_foreach(m, count_values, &n), 0);
    assert_int_equal(n, 0);
    CmiSummary s;
    cmi_summary(m, &s);
    assert_string_equal(s.completion, "not attempted");
    assert_string_equal(s.success, "unknown");
    assert_false(s.has_raw);
    assert_false(s.has_scaled);
    assert_int_equal(s.total_ms, 0);
    assert_string_equal(s.location, "");
    assert_string_equal(s.suspend_data, "");
    /* unknown: 201; read-only: 403; keywords: 402 */
    expect_set(m, "cmi.core.nothing", "x", CMI12_INVALID_ARGUMENT);
    expect_set(m, "", "x", CMI12_INVALID_ARGUMENT);
    expect_set(m, "cmi.core.student_id", "x", CMI12_READ_ONLY);
    expect_set(m, "cmi.core.total_time", "0000:00:01", CMI12_READ_ONLY);
    expect_set(m, "cmi.core.entry", "resume", CMI12_READ_ONLY);
    expect_set(m, "cmi.core.score._children", "x", CMI12_KEYWORD);
    expect_set(m, "cmi.interactions._count", "1", CMI12_KEYWORD);
    expect_set(m, "cmi._version", "1", CMI12_KEYWORD);
    expect_set(m, "cmi.bogus", "1", CMI12_INVALID_ARGUMENT);
    assert_string_equal(cmi_diagnostic(m), "cmi.bogus: unknown element");
    n = 0;
    assert_int_equal(cmi_foreach(m, count_values, &n), 0);
    assert_int_equal(n, 0);      /* nothing refused was kept */
    cmi_free(m);
}

static void test_cmi__12_vocabularies(void **state)
{
    (void)state;
    CmiModel *m = cmi_new(SCORM_12);
    const char *status[] = { "passed", "completed", "failed", "incomplete", "browsed" };
    for (size_t i = 0; i < 5; i++) {
        expect_set(m, "cmi.core.lesson_status", status[i], 0);
        expect_saved(m, "cmi.core.lesson_status", status[i]);
    }
    /* a SCO may not set "not attempted" (RTE 1.2 3.4.2.2.3) */
    expect_set(m, "cmi.core.lesson_status", "not attempted", CMI12_TYPE);
    expect_set(m, "cmi.core.lesson_status", "Passed", CMI12_TYPE);
    expect_set(m, "cmi.core.lesson_status", "", CMI12_TYPE);
    expect_saved(m, "cmi.core.lesson_status", "browsed");   /* a refused set changes nothing */
    const char *exits[] = { "time-out", "suspend", "logout", "" };
    for (size_t i = 0; i < 4; i++)
        expect_set(m, "cmi.core.exit", exits[i], 0);
    expect_set(m, "cmi.core.exit", "normal", CMI12_TYPE);  /* 2004 only */
    /* objective status takes the whole vocabulary */
    expect_set(m, "cmi.objectives.0.id", "obj-1", 0);
    expect_set(m, "cmi.objectives.0.status", "not attempted", 0);
    expect_set(m, "cmi.objectives.0.status", "done", CMI12_TYPE);
    /* LMS-side vocabularies */
    assert_int_equal(cmi_load(m, "cmi.core.credit", "no-credit"), 0);
    assert_int_equal(cmi_load(m, "cmi.core.credit", "maybe"), CMI12_TYPE);
    assert_int_equal(cmi_load(m, "cmi.core.lesson_mode", "review"), 0);
    assert_int_equal(cmi_load(m, "cmi.core.lesson_mode", "browse"), 0);
    assert_int_equal(cmi_load(m, "cmi.core.entry", "resume"), 0);
    assert_int_equal(cmi_load(m, "cmi.student_data.time_limit_action", "exit,message"), 0);
    assert_int_equal(cmi_load(m, "cmi.student_data.time_limit_action", "stop"), CMI12_TYPE);
    const char *types[] = { "true-false", "choice", "fill-in", "matching", "performance",
                            "sequencing", "likert", "numeric" };
    for (int i = 0; i < 8; i++) {
        char el[64];
        snprintf(el, sizeof el, "cmi.interactions.%d.id", i);
        expect_set(m, el, "q1", 0);
        snprintf(el, sizeof el, "cmi.interactions.%d.type", i);
        expect_set(m, el, types[i], 0);
    }
    expect_set(m, "cmi.interactions.0.type", "long-fill-in", CMI12_TYPE);   /* 2004 only */
    const char *results[] = { "correct", "wrong", "unanticipated", "neutral", "0.5" };
    for (size_t i = 0; i < 5; i++)
        expect_set(m, "cmi.interactions.0.result", results[i], 0);
    expect_set(m, "cmi.interactions.0.result", "incorrect", CMI12_TYPE);   /* 2004 word */
    cmi_free(m);
}

static void test_cmi__12_types(void **state)
{
    (void)state;
    CmiModel *m = cmi_new(SCORM_12);
    /* CMITimespan */
    expect_set(m, "cmi.core.session_time", "0000:00:05.5", 0);
    expect_set(m, "cmi.core.session_time", "00:00:05", 0);
    expect_set(m, "cmi.core.session_time", "9999:59:59.99", 0);
    expect_set(m, "cmi.core.session_time", "00:5:00", CMI12_TYPE);
    expect_set(m, "cmi.core.session_time", "00:00:60", CMI12_TYPE);
    expect_set(m, "cmi.core.session_time", "00000:00:00", CMI12_TYPE);
    expect_set(m, "cmi.core.session_time", "00:00:00.123", CMI12_TYPE);
    expect_set(m, "cmi.core.session_time", "PT5S", CMI12_TYPE);
    /* CMIDecimal 0..100 or blank */
    expect_set(m, "cmi.core.score.raw", "85", 0);
    expect_set(m, "cmi.core.score.raw", "85.25", 0);
    expect_set(m, "cmi.core.score.raw", "", 0);
    expect_set(m, "cmi.core.score.raw", "101", CMI12_TYPE);
    expect_set(m, "cmi.core.score.raw", "-1", CMI12_TYPE);
    expect_set(m, "cmi.core.score.raw", "eighty", CMI12_TYPE);
    expect_set(m, "cmi.core.score.max", "100", 0);
    /* CMIString255 / 4096 */
    char big[5000];
    memset(big, 'x', sizeof big);
    big[255] = '\0';
    expect_set(m, "cmi.core.lesson_location", big, 0);
    big[255] = 'x';
    big[256] = '\0';
    expect_set(m, "cmi.core.lesson_location", big, CMI12_TYPE);
    big[256] = 'x';
    big[4096] = '\0';
    expect_set(m, "cmi.suspend_data", big, 0);
    big[4096] = 'x';
    big[4097] = '\0';
    expect_set(m, "cmi.suspend_data", big, CMI12_TYPE);
    /* characters, not bytes: 255 two-byte characters fit */
    Buf u = BUF_INIT;
    for (int i = 0; i < 255; i++)
        buf_puts(&u, "\xc3\xa9");
    expect_set(m, "cmi.core.lesson_location", u.data, 0);
    buf_release(&u);
    /* CMISInteger ranges */
    expect_set(m, "cmi.student_preference.audio", "-1", 0);
    expect_set(m, "cmi.student_preference.audio", "100", 0);
    expect_set(m, "cmi.student_preference.audio", "101", CMI12_TYPE);
    expect_set(m, "cmi.student_preference.speed", "-100", 0);
    expect_set(m, "cmi.student_preference.text", "2", CMI12_TYPE);
    expect_set(m, "cmi.student_preference.text", "1.5", CMI12_TYPE);
    /* CMIIdentifier, CMITime, CMIFeedback */
    expect_set(m, "cmi.interactions.0.id", "q-lab_1", 0);
    expect_set(m, "cmi.interactions.1.id", "q lab", CMI12_TYPE);
    expect_set(m, "cmi.interactions.1.id", "q.lab", CMI12_TYPE);
    expect_set(m, "cmi.interactions.0.time", "13:05:09", 0);
    expect_set(m, "cmi.interactions.0.time", "13:05:09.5", 0);
    expect_set(m, "cmi.interactions.0.time", "25:00:00", CMI12_TYPE);
    expect_set(m, "cmi.interactions.0.latency", "0000:00:12.30", 0);
    expect_set(m, "cmi.interactions.0.weighting", "2", 0);
    expect_set(m, "cmi.interactions.0.weighting", "two", CMI12_TYPE);
    expect_set(m, "cmi.interactions.0.type", "choice", 0);
    expect_set(m, "cmi.interactions.0.student_response", "a,c", 0);
    expect_set(m, "cmi.interactions.0.student_response", "{a,c}", 0);
    expect_set(m, "cmi.interactions.0.student_response", "a[,]c", CMI12_TYPE);
    expect_set(m, "cmi.interactions.0.correct_responses.0.pattern", "b", 0);
    expect_set(m, "cmi.interactions.1.id", "q-tf", 0);
    expect_set(m, "cmi.interactions.1.type", "true-false", 0);
    expect_set(m, "cmi.interactions.1.student_response", "t", 0);
    expect_set(m, "cmi.interactions.1.student_response", "0", 0);
    expect_set(m, "cmi.interactions.1.student_response", "true", CMI12_TYPE);
    cmi_free(m);
}

static void test_cmi__12_collections_in_order(void **state)
{
    (void)state;
    CmiModel *m = cmi_new(SCORM_12);
    expect_set(m, "cmi.interactions.1.id", "q2", CMI12_INVALID_ARGUMENT);
    expect_saved(m, "cmi.interactions.1.id", NULL);
    expect_set(m, "cmi.interactions.0.id", "q1", 0);
    expect_saved(m, "cmi.interactions.0.id", "q1");
    expect_set(m, "cmi.interactions.0.objectives.0.id", "obj", 0);
    expect_set(m, "cmi.interactions.0.objectives.2.id", "obj", CMI12_INVALID_ARGUMENT);
    expect_set(m, "cmi.interactions.0.correct_responses.1.pattern", "a", CMI12_INVALID_ARGUMENT);
    expect_set(m, "cmi.interactions.3.objectives.0.id", "obj", CMI12_INVALID_ARGUMENT);
    expect_set(m, "cmi.interactions.1.id", "q2", 0);
    expect_set(m, "cmi.interactions.02.id", "q3", 0);   /* leading zeros: the same index */
    expect_saved(m, "cmi.interactions.2.id", "q3");
    expect_saved(m, "cmi.interactions.0.objectives.0.id", "obj");
    expect_saved(m, "cmi.interactions.0.objectives.2.id", NULL);
    expect_set(m, "cmi.objectives.0.id", "o1", 0);
    expect_set(m, "cmi.objectives.2.id", "o3", CMI12_INVALID_ARGUMENT);
    expect_saved(m, "cmi.objectives.0.id", "o1");
    cmi_free(m);
}

static void test_cmi__12_session_end_adds_time_and_mastery(void **state)
{
    (void)state;
    CmiModel *m = cmi_new(SCORM_12);
    assert_int_equal(cmi_load(m, "cmi.core.total_time", "0001:00:00"), 0);
    assert_int_equal(cmi_load(m, "cmi.student_data.mastery_score", "80"), 0);
    expect_set(m, "cmi.core.session_time", "0000:30:15.5", 0);
    expect_set(m, "cmi.core.score.raw", "85", 0);
    expect_set(m, "cmi.core.lesson_status", "completed", 0);
    cmi_end_session(m);
    expect_saved(m, "cmi.core.total_time", "0001:30:15.50");
    expect_saved(m, "cmi.core.session_time", NULL);     /* counted once */
    expect_saved(m, "cmi.core.lesson_status", "passed");
    CmiSummary s;
    cmi_summary(m, &s);
    assert_string_equal(s.success, "passed");
    assert_string_equal(s.completion, "completed");
    assert_true(s.has_raw);
    assert_true(s.raw == 85.0);
    assert_true(s.has_scaled);
    assert_true(s.scaled > 0.849 && s.scaled < 0.851);
    assert_int_equal(s.total_ms, (90 * 60 + 15) * 1000 + 500);
    cmi_free(m);
}

/* ---- SCORM 2004 --------------------------------------------------------- */

static void test_cmi__04_initial_state_and_access(void **state)
{
    (void)state;
    CmiModel *m = cmi_new(SCORM_2004);
    int n = 0;
    assert_int_equal(cmi_foreach(m, count_values, &n), 0);
    assert_int_equal(n, 0);
    CmiSummary s;
    cmi_summary(m, &s);
    assert_string_equal(s.completion, "unknown");
    assert_string_equal(s.success, "unknown");
    assert_false(s.has_raw);
    assert_false(s.has_scaled);
    assert_int_equal(s.total_ms, 0);
    assert_string_equal(s.location, "");
    /* 401 undefined (a 1.2 name), 402 unimplemented, 404 read-only */
    expect_set(m, "cmi.core.lesson_status", "passed", CMI04_UNDEFINED);
    expect_set(m, "adl.data.0.store", "x", CMI04_UNIMPLEMENTED);
    assert_string_equal(cmi_diagnostic(m), "adl.data.0.store: not implemented by this player");
    expect_set(m, "cmi.learner_id", "me", CMI04_READ_ONLY);
    expect_set(m, "cmi.total_time", "PT1S", CMI04_READ_ONLY);
    expect_set(m, "cmi.mode", "review", CMI04_READ_ONLY);
    expect_set(m, "cmi.interactions._count", "2", CMI04_READ_ONLY);
    expect_set(m, "cmi._version", "2", CMI04_READ_ONLY);
    expect_set(m, "", "x", CMI04_SET_FAILURE);
    n = 0;
    assert_int_equal(cmi_foreach(m, count_values, &n), 0);
    assert_int_equal(n, 0);
    expect_set(m, "cmi.location", "page-2", 0);
    expect_saved(m, "cmi.location", "page-2");
    cmi_free(m);
}

static void test_cmi__04_vocabularies(void **state)
{
    (void)state;
    CmiModel *m = cmi_new(SCORM_2004);
    const char *completion[] = { "completed", "incomplete", "not attempted", "unknown" };
    for (size_t i = 0; i < 4; i++) {
        expect_set(m, "cmi.completion_status", completion[i], 0);
        expect_saved(m, "cmi.completion_status", completion[i]);
    }
    expect_set(m, "cmi.completion_status", "passed", CMI04_TYPE);
    const char *success[] = { "passed", "failed", "unknown" };
    for (size_t i = 0; i < 3; i++)
        expect_set(m, "cmi.success_status", success[i], 0);
    expect_set(m, "cmi.success_status", "completed", CMI04_TYPE);
    const char *exits[] = { "time-out", "suspend", "logout", "normal", "" };
    for (size_t i = 0; i < 5; i++)
        expect_set(m, "cmi.exit", exits[i], 0);
    expect_set(m, "cmi.exit", "quit", CMI04_TYPE);
    assert_int_equal(cmi_load(m, "cmi.entry", "resume"), 0);
    assert_int_equal(cmi_load(m, "cmi.entry", ""), 0);
    assert_int_equal(cmi_load(m, "cmi.entry", "restart"), CMI04_TYPE);
    assert_int_equal(cmi_load(m, "cmi.credit", "no-credit"), 0);
    assert_int_equal(cmi_load(m, "cmi.mode", "browse"), 0);
    const char *caps[] = { "-1", "0", "1" };
    for (size_t i = 0; i < 3; i++)
        expect_set(m, "cmi.learner_preference.audio_captioning", caps[i], 0);
    expect_set(m, "cmi.learner_preference.audio_captioning", "2", CMI04_TYPE);
    const char *types[] = { "true-false", "choice", "fill-in", "long-fill-in", "matching",
                            "performance", "sequencing", "likert", "numeric", "other" };
    expect_set(m, "cmi.interactions.0.id", "urn:cp:q-1", 0);
    for (size_t i = 0; i < 10; i++)
        expect_set(m, "cmi.interactions.0.type", types[i], 0);
    expect_set(m, "cmi.interactions.0.type", "essay", CMI04_TYPE);
    const char *results[] = { "correct", "incorrect", "unanticipated", "neutral", "-2.5" };
    for (size_t i = 0; i < 5; i++)
        expect_set(m, "cmi.interactions.0.result", results[i], 0);
    expect_set(m, "cmi.interactions.0.result", "wrong", CMI04_TYPE);   /* 1.2 word */
    expect_set(m, "adl.nav.request", "continue", 0);
    expect_set(m, "adl.nav.request", "{target=item-2}choice", 0);
    expect_set(m, "adl.nav.request", "{target=}choice", CMI04_TYPE);
    expect_set(m, "adl.nav.request", "next", CMI04_TYPE);
    cmi_free(m);
}

static void test_cmi__04_types_and_ranges(void **state)
{
    (void)state;
    CmiModel *m = cmi_new(SCORM_2004);
    /* timeinterval */
    expect_set(m, "cmi.session_time", "PT1H5M30.25S", 0);
    expect_set(m, "cmi.session_time", "PT0S", 0);
    expect_set(m, "cmi.session_time", "P1DT2H", 0);
    expect_set(m, "cmi.session_time", "P1Y2M3DT4H5M6.7S", 0);
    expect_set(m, "cmi.session_time", "P", CMI04_TYPE);
    expect_set(m, "cmi.session_time", "PT", CMI04_TYPE);
    expect_set(m, "cmi.session_time", "P1DT", CMI04_TYPE);
    expect_set(m, "cmi.session_time", "PT1.5H", CMI04_TYPE);
    expect_set(m, "cmi.session_time", "PT1.255S", CMI04_TYPE);
    expect_set(m, "cmi.session_time", "PT5M1H", CMI04_TYPE);
    expect_set(m, "cmi.session_time", "0000:00:05", CMI04_TYPE);
    /* real(10,7) with ranges: 406 type, 407 range */
    expect_set(m, "cmi.score.scaled", "0.85", 0);
    expect_set(m, "cmi.score.scaled", "-1", 0);
    expect_set(m, "cmi.score.scaled", "1.5", CMI04_RANGE);
    assert_string_equal(cmi_diagnostic(m), "cmi.score.scaled: 1.5 is out of range (-1 to 1)");
    expect_set(m, "cmi.score.scaled", "-1.01", CMI04_RANGE);
    expect_set(m, "cmi.score.scaled", "high", CMI04_TYPE);
    expect_set(m, "cmi.score.raw", "250", 0);        /* raw has no range in 2004 */
    expect_set(m, "cmi.score.raw", "-3.5", 0);
    expect_set(m, "cmi.progress_measure", "0.5", 0);
    expect_set(m, "cmi.progress_measure", "1.2", CMI04_RANGE);
    expect_set(m, "cmi.learner_preference.audio_level", "5", 0);
    expect_set(m, "cmi.learner_preference.audio_level", "-0.5", CMI04_RANGE);
    expect_set(m, "cmi.learner_preference.language", "fr-FR", 0);
    expect_set(m, "cmi.learner_preference.language", "", 0);
    expect_set(m, "cmi.learner_preference.language", "french!", CMI04_TYPE);
    /* characterstring SPMs */
    char *big = malloc(64002);
    memset(big, 'x', 64001);
    big[64000] = '\0';
    expect_set(m, "cmi.suspend_data", big, 0);
    big[64000] = 'x';
    big[64001] = '\0';
    expect_set(m, "cmi.suspend_data", big, CMI04_SET_FAILURE);
    big[1000] = '\0';
    expect_set(m, "cmi.location", big, 0);
    big[1000] = 'x';
    big[1001] = '\0';
    expect_set(m, "cmi.location", big, CMI04_SET_FAILURE);
    free(big);
    /* comments: localized strings and timestamps */
    expect_set(m, "cmi.comments_from_learner.0.comment", "{lang=fr}Très utile", 0);
    expect_set(m, "cmi.comments_from_learner.0.comment", "{lang=}x", CMI04_TYPE);
    expect_set(m, "cmi.comments_from_learner.0.location", "r-my-service", 0);
    expect_set(m, "cmi.comments_from_learner.0.timestamp", "2026-03-01T09:30:00.0Z", 0);
    expect_set(m, "cmi.comments_from_learner.0.timestamp", "2026-03-01T09:30:00", 0);
    expect_set(m, "cmi.comments_from_learner.0.timestamp", "2026-03-01", 0);
    expect_set(m, "cmi.comments_from_learner.0.timestamp", "2026-03-01T09:30:00+01:00",
               CMI04_TYPE);   /* a TZD needs fractional seconds */
    expect_set(m, "cmi.comments_from_learner.0.timestamp", "2026-03-01T09:30:00.5+01:00", 0);
    expect_set(m, "cmi.comments_from_learner.0.timestamp", "2026-02-30", CMI04_TYPE);
    expect_set(m, "cmi.comments_from_learner.0.timestamp", "1969-12-31", CMI04_TYPE);
    expect_set(m, "cmi.comments_from_learner.0.timestamp", "yesterday", CMI04_TYPE);
    expect_saved(m, "cmi.comments_from_learner.0.timestamp", "2026-03-01T09:30:00.5+01:00");
    expect_set(m, "cmi.comments_from_learner.2.comment", "x", CMI04_SET_FAILURE);
    expect_set(m, "cmi.comments_from_lms.0.comment", "x", CMI04_READ_ONLY);
    cmi_free(m);
}

static void test_cmi__04_interactions_rules(void **state)
{
    (void)state;
    CmiModel *m = cmi_new(SCORM_2004);
    /* out of order: 351; dependency on id: 408 */
    expect_set(m, "cmi.interactions.1.id", "q-2", CMI04_SET_FAILURE);
    expect_set(m, "cmi.interactions.0.type", "choice", CMI04_DEPENDENCY);
    expect_set(m, "cmi.interactions.0.id", "", CMI04_TYPE);
    expect_set(m, "cmi.interactions.0.id", "q 1", CMI04_TYPE);
    expect_set(m, "cmi.interactions.0.id", "urn:bad", CMI04_TYPE);
    expect_set(m, "cmi.interactions.0.id", "q-lab-accuracy", 0);
    expect_saved(m, "cmi.interactions.0.id", "q-lab-accuracy");
    expect_saved(m, "cmi.interactions.0.result", NULL);
    /* a response needs the type (408), then follows its format */
    expect_set(m, "cmi.interactions.0.learner_response", "a[,]c", CMI04_DEPENDENCY);
    expect_set(m, "cmi.interactions.0.type", "choice", 0);
    expect_set(m, "cmi.interactions.0.learner_response", "a[,]c", 0);
    expect_set(m, "cmi.interactions.0.learner_response", "", 0);
    expect_set(m, "cmi.interactions.0.learner_response", "a[,]a", CMI04_TYPE);
    expect_set(m, "cmi.interactions.0.learner_response", "a [,]c", CMI04_TYPE);
    expect_set(m, "cmi.interactions.0.correct_responses.0.pattern", "b", 0);
    expect_set(m, "cmi.interactions.0.correct_responses.2.pattern", "b", CMI04_SET_FAILURE);
    expect_saved(m, "cmi.interactions.0.correct_responses.0.pattern", "b");
    expect_set(m, "cmi.interactions.0.timestamp", "2026-11-28T10:00:00.25Z", 0);
    expect_set(m, "cmi.interactions.0.latency", "PT12.3S", 0);
    expect_set(m, "cmi.interactions.0.weighting", "2", 0);
    expect_set(m, "cmi.interactions.0.description", "{lang=fr}Question", 0);
    expect_set(m, "cmi.interactions.0.objectives.0.id", "obj-a", 0);
    expect_set(m, "cmi.interactions.0.objectives.1.id", "obj-a", CMI04_SET_FAILURE);
    expect_set(m, "cmi.interactions.1.id", "q-tf", 0);
    expect_set(m, "cmi.interactions.1.type", "true-false", 0);
    expect_set(m, "cmi.interactions.1.learner_response", "true", 0);
    expect_set(m, "cmi.interactions.1.learner_response", "t", CMI04_TYPE);
    expect_set(m, "cmi.interactions.1.correct_responses.0.pattern", "true", 0);
    expect_set(m, "cmi.interactions.1.correct_responses.1.pattern", "false", CMI04_SET_FAILURE);
    assert_string_equal(cmi_diagnostic(m), "cmi.interactions.1.correct_responses.1.pattern: a "
                        "true-false interaction has at most 1 correct response pattern");
    expect_set(m, "cmi.interactions.2.id", "q-num", 0);
    expect_set(m, "cmi.interactions.2.type", "numeric", 0);
    expect_set(m, "cmi.interactions.2.learner_response", "3.5", 0);
    expect_set(m, "cmi.interactions.2.correct_responses.0.pattern", "1[:]5", 0);
    expect_set(m, "cmi.interactions.2.correct_responses.0.pattern", "[:]5", 0);
    expect_set(m, "cmi.interactions.2.learner_response", "x", CMI04_TYPE);
    expect_set(m, "cmi.interactions.3.id", "q-match", 0);
    expect_set(m, "cmi.interactions.3.type", "matching", 0);
    expect_set(m, "cmi.interactions.3.learner_response", "a[.]1[,]b[.]2", 0);
    expect_set(m, "cmi.interactions.3.learner_response", "a1", CMI04_TYPE);
    expect_set(m, "cmi.interactions.4.id", "q-fill", 0);
    expect_set(m, "cmi.interactions.4.type", "fill-in", 0);
    expect_set(m, "cmi.interactions.4.correct_responses.0.pattern",
               "{case_matters=true}{lang=fr}bonjour", 0);
    expect_set(m, "cmi.interactions.4.correct_responses.1.pattern", "{case_matters=yes}x",
               CMI04_TYPE);
    /* objectives: unique ids, id first */
    expect_set(m, "cmi.objectives.0.score.scaled", "1", CMI04_DEPENDENCY);
    expect_set(m, "cmi.objectives.0.id", "obj-a", 0);
    expect_set(m, "cmi.objectives.1.id", "obj-a", CMI04_SET_FAILURE);
    expect_set(m, "cmi.objectives.0.id", "obj-b", CMI04_SET_FAILURE);
    expect_saved(m, "cmi.objectives.0.id", "obj-a");
    expect_set(m, "cmi.objectives.0.score.scaled", "1.5", CMI04_RANGE);
    cmi_free(m);
}

static void test_cmi__04_collection_bound(void **state)
{
    (void)state;
    CmiModel *m = cmi_new(SCORM_2004);
    char el[64], id[16];
    for (int i = 0; i < 250; i++) {
        snprintf(el, sizeof el, "cmi.interactions.%d.id", i);
        snprintf(id, sizeof id, "q%d", i);
        expect_set(m, el, id, 0);
    }
    expect_set(m, "cmi.interactions.250.id", "q250", CMI04_SET_FAILURE);
    expect_saved(m, "cmi.interactions.249.id", "q249");
    expect_saved(m, "cmi.interactions.250.id", NULL);
    cmi_free(m);
}

static int collect(const char *el, const char *v, void *ud)
{
    Buf *b = ud;
    buf_printf(b, "%s=%s\n", el, v);
    return 0;
}

static int reload(const char *el, const char *v, void *ud)
{
    return cmi_load(ud, el, v);
}

static void test_cmi__foreach_load_round_trip(void **state)
{
    (void)state;
    CmiModel *m = cmi_new(SCORM_2004);
    assert_int_equal(cmi_load(m, "cmi.learner_id", "staff-042"), 0);
    expect_set(m, "cmi.location", "03-bias", 0);
    expect_set(m, "cmi.suspend_data", "v1|c=0.1|s=7|q=0:b", 0);
    expect_set(m, "cmi.interactions.0.id", "q-1", 0);
    expect_set(m, "cmi.interactions.0.type", "choice", 0);
    expect_set(m, "cmi.interactions.1.id", "q-2", 0);
    expect_set(m, "cmi.interactions.0.learner_response", "b", 0);
    expect_set(m, "cmi.interactions.0.objectives.0.id", "o", 0);
    expect_set(m, "cmi.score.scaled", "0.5", 0);
    expect_set(m, "cmi.exit", "suspend", 0);
    Buf a = BUF_INIT, b = BUF_INIT;
    assert_int_equal(cmi_foreach(m, collect, &a), 0);
    assert_non_null(strstr(a.data, "cmi.interactions.0.learner_response=b\n"));
    assert_null(strstr(a.data, "_count"));
    assert_null(strstr(a.data, "completion_status"));   /* defaults are not listed */
    CmiModel *m2 = cmi_new(SCORM_2004);
    assert_int_equal(cmi_foreach(m, reload, m2), 0);
    assert_int_equal(cmi_foreach(m2, collect, &b), 0);
    assert_string_equal(a.data, b.data);
    /* the reloaded model keeps the collection rule: next index is 2, then 1 */
    expect_set(m2, "cmi.interactions.3.id", "q-4", CMI04_SET_FAILURE);
    expect_set(m2, "cmi.interactions.2.id", "q-3", 0);
    expect_set(m2, "cmi.interactions.0.objectives.2.id", "o2", CMI04_SET_FAILURE);
    expect_set(m2, "cmi.interactions.0.objectives.1.id", "o1", 0);
    cmi_begin_session(m2);
    expect_saved(m2, "cmi.entry", "resume");
    expect_saved(m2, "cmi.exit", NULL);
    CmiSummary s;
    cmi_summary(m2, &s);
    assert_string_equal(s.exit, "");
    assert_string_equal(s.location, "03-bias");
    assert_string_equal(s.suspend_data, "v1|c=0.1|s=7|q=0:b");
    buf_release(&a);
    buf_release(&b);
    cmi_free(m);
    cmi_free(m2);
}

static void test_cmi__04_session_end_evaluates_status(void **state)
{
    (void)state;
    CmiModel *m = cmi_new(SCORM_2004);
    assert_int_equal(cmi_load(m, "cmi.total_time", "PT1H"), 0);
    assert_int_equal(cmi_load(m, "cmi.scaled_passing_score", "0.8"), 0);
    assert_int_equal(cmi_load(m, "cmi.completion_threshold", "1"), 0);
    expect_set(m, "cmi.session_time", "PT30M15.5S", 0);
    expect_set(m, "cmi.score.scaled", "0.75", 0);
    expect_set(m, "cmi.success_status", "passed", 0);
    expect_set(m, "cmi.progress_measure", "1", 0);
    cmi_end_session(m);
    expect_saved(m, "cmi.total_time", "PT1H30M15.5S");
    expect_saved(m, "cmi.success_status", "failed");
    expect_saved(m, "cmi.completion_status", "completed");
    cmi_free(m);
}

static void test_cmi__time_helpers(void **state)
{
    (void)state;
    int64_t ms = 0;
    assert_int_equal(cmi_timespan_parse("0000:00:05.5", &ms), 0);
    assert_int_equal(ms, 5500);
    assert_int_equal(cmi_timespan_parse("12:34:56.78", &ms), 0);
    assert_int_equal(ms, ((12 * 60 + 34) * 60 + 56) * 1000 + 780);
    assert_int_equal(cmi_timespan_parse("00:5:00", &ms), -1);
    assert_int_equal(cmi_duration_parse("PT1H5M30.25S", &ms), 0);
    assert_int_equal(ms, 3930250);
    assert_int_equal(cmi_duration_parse("P1D", &ms), 0);
    assert_int_equal(ms, 86400000);
    assert_int_equal(cmi_duration_parse("P", &ms), -1);
    Buf b = BUF_INIT;
    cmi_timespan_format(3930250, &b);
    assert_string_equal(b.data, "0001:05:30.25");
    buf_clear(&b);
    cmi_timespan_format(0, &b);
    assert_string_equal(b.data, "0000:00:00.00");
    buf_clear(&b);
    cmi_duration_format(3930250, &b);
    assert_string_equal(b.data, "PT1H5M30.25S");
    buf_clear(&b);
    cmi_duration_format(0, &b);
    assert_string_equal(b.data, "PT0S");
    buf_clear(&b);
    cmi_duration_format(3600000, &b);
    assert_string_equal(b.data, "PT1H");
    buf_clear(&b);
    cmi_duration_format(1500, &b);
    assert_string_equal(b.data, "PT1.5S");
    /* formatted values parse back */
    for (int64_t v = 0; v < 400000000; v += 7777777) {
        buf_clear(&b);
        cmi_duration_format(v, &b);
        assert_int_equal(cmi_duration_parse(b.data, &ms), 0);
        assert_int_equal(ms, (v + 5) / 10 * 10);
        buf_clear(&b);
        cmi_timespan_format(v, &b);
        assert_int_equal(cmi_timespan_parse(b.data, &ms), 0);
        assert_int_equal(ms, (v + 5) / 10 * 10);
    }
    buf_clear(&b);
    cmi_timestamp_format(1795950309250LL, &b);
    assert_string_equal(b.data, "2026-11-29T11:05:09.25Z");
    assert_true(cmi_timestamp_valid(b.data));
    buf_release(&b);
}

/* Every vocabulary of the LMS-side (read-only) elements, both editions,
 * through cmi_load, plus one wrong word each. */
static void test_cmi__read_only_vocabularies(void **state)
{
    (void)state;
    static const struct {
        ScormEdition ed;
        const char *el;
        const char *words[5];
    } cases[] = {
        { SCORM_12, "cmi.core.credit", { "credit", "no-credit" } },
        { SCORM_12, "cmi.core.entry", { "ab-initio", "resume", "" } },
        { SCORM_12, "cmi.core.lesson_mode", { "browse", "normal", "review" } },
        { SCORM_12, "cmi.student_data.time_limit_action",
          { "exit,message", "exit,no message", "continue,message", "continue,no message" } },
        { SCORM_2004, "cmi.credit", { "credit", "no-credit" } },
        { SCORM_2004, "cmi.entry", { "ab-initio", "resume", "" } },
        { SCORM_2004, "cmi.mode", { "browse", "normal", "review" } },
        { SCORM_2004, "cmi.time_limit_action",
          { "exit,message", "exit,no message", "continue,message", "continue,no message" } },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        CmiModel *m = cmi_new(cases[i].ed);
        int type = cases[i].ed == SCORM_12 ? CMI12_TYPE : CMI04_TYPE;
        int ro = cases[i].ed == SCORM_12 ? CMI12_READ_ONLY : CMI04_READ_ONLY;
        for (int w = 0; w < 5 && cases[i].words[w]; w++) {
            assert_int_equal(cmi_load(m, cases[i].el, cases[i].words[w]), 0);
            expect_saved(m, cases[i].el, cases[i].words[w]);
            expect_set(m, cases[i].el, cases[i].words[w], ro);   /* never by the SCO */
        }
        assert_int_equal(cmi_load(m, cases[i].el, "sometimes"), type);
        cmi_free(m);
    }
}

/* Whether code is one of the edition's error codes. */
static int known_code(ScormEdition ed, int code)
{
    static const int c12[] = { 0, 101, 201, 202, 203, 301, 401, 402, 403, 404, 405 };
    static const int c04[] = { 0, 101, 102, 103, 104, 111, 112, 113, 122, 123, 132, 133,
                               142, 143, 201, 301, 351, 391, 401, 402, 403, 404, 405, 406,
                               407, 408 };
    const int *c = ed == SCORM_12 ? c12 : c04;
    size_t n = ed == SCORM_12 ? sizeof c12 / sizeof *c12 : sizeof c04 / sizeof *c04;
    for (size_t i = 0; i < n; i++)
        if (c[i] == code)
            return 1;
    return 0;
}

/* The element name as the model saves it: numeric parts without leading
 * zeros ("cmi.interactions.00.id" -> "cmi.interactions.0.id"). */
static void canonical(const char *el, Buf *out)
{
    buf_clear(out);
    while (*el) {
        size_t len = strcspn(el, ".");
        size_t digits = strspn(el, "0123456789");
        if (digits == len && len > 0) {
            while (len > 1 && *el == '0') {
                el++;
                len--;
            }
        }
        buf_append(out, el, len);
        el += len;
        if (*el == '.') {
            buf_putc(out, '.');
            el++;
        }
    }
}

/* Random element names and values built from real pieces: every call
 * returns a code of the edition (never crashes), a value accepted is the
 * value saved, a value refused changes nothing saved, and the model
 * survives a foreach/load round trip. */
static void test_cmi__random_calls_keep_the_rules(void **state)
{
    (void)state;
    static const char *const parts[] = {
        "cmi", "core", "interactions", "objectives", "correct_responses", "comments_from_learner",
        "score", "0", "1", "2", "00", "99999", "id", "type", "result", "pattern", "raw",
        "scaled", "learner_response", "student_response", "lesson_status", "location",
        "_count", "_children", "_version", "", "timestamp", "latency", "weighting",
        "completion_status", "success_status", "comment", "session_time", "exit",
    };
    static const char *const values[] = {
        "", "0", "1", "-1", "1.5", "abc", "choice", "true-false", "true", "a[,]b", "a,b",
        "correct", "incorrect", "wrong", "PT1S", "0000:00:01", "2026-01-01T00:00:00.0Z",
        "q-1", "urn:x:y", "{lang=fr}x", "passed", "completed", "suspend", "x y", "P",
    };
    unsigned seed = 12345;
    for (int ed = 0; ed < 2; ed++) {
        ScormEdition e = ed ? SCORM_2004 : SCORM_12;
        CmiModel *m = cmi_new(e);
        Buf el = BUF_INIT, key = BUF_INIT, before = BUF_INIT, after = BUF_INIT;
        for (int i = 0; i < 20000; i++) {
            buf_clear(&el);
            seed = seed * 1103515245u + 12345u;
            int nparts = 1 + (int)((seed >> 16) % 6);
            for (int p = 0; p < nparts; p++) {
                seed = seed * 1103515245u + 12345u;
                if (p)
                    buf_putc(&el, '.');
                buf_puts(&el, p == 0 && (seed >> 8) % 4 ? "cmi"
                         : parts[(seed >> 16) % (sizeof parts / sizeof *parts)]);
            }
            seed = seed * 1103515245u + 12345u;
            const char *v = values[(seed >> 16) % (sizeof values / sizeof *values)];
            buf_clear(&before);
            assert_int_equal(cmi_foreach(m, collect, &before), 0);
            int rc = cmi_set(m, el.data, v);
            assert_true(known_code(e, rc));
            if (rc == 0) {
                canonical(el.data, &key);
                expect_saved(m, key.data, v);
            } else {
                buf_clear(&after);
                assert_int_equal(cmi_foreach(m, collect, &after), 0);
                assert_string_equal(before.data, after.data);
            }
        }
        Buf a = BUF_INIT, b = BUF_INIT;
        CmiModel *m2 = cmi_new(e);
        assert_int_equal(cmi_foreach(m, collect, &a), 0);
        assert_int_equal(cmi_foreach(m, reload, m2), 0);
        assert_int_equal(cmi_foreach(m2, collect, &b), 0);
        assert_string_equal(a.data, b.data);
        assert_true(a.len > 0);
        buf_release(&a);
        buf_release(&b);
        buf_release(&el);
        buf_release(&key);
        buf_release(&before);
        buf_release(&after);
        cmi_free(m);
        cmi_free(m2);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cmi__12_initial_state_and_access),
        cmocka_unit_test(test_cmi__12_vocabularies),
        cmocka_unit_test(test_cmi__12_types),
        cmocka_unit_test(test_cmi__12_collections_in_order),
        cmocka_unit_test(test_cmi__12_session_end_adds_time_and_mastery),
        cmocka_unit_test(test_cmi__04_initial_state_and_access),
        cmocka_unit_test(test_cmi__04_vocabularies),
        cmocka_unit_test(test_cmi__04_types_and_ranges),
        cmocka_unit_test(test_cmi__04_interactions_rules),
        cmocka_unit_test(test_cmi__04_collection_bound),
        cmocka_unit_test(test_cmi__foreach_load_round_trip),
        cmocka_unit_test(test_cmi__04_session_end_evaluates_status),
        cmocka_unit_test(test_cmi__time_helpers),
        cmocka_unit_test(test_cmi__random_calls_keep_the_rules),
        cmocka_unit_test(test_cmi__read_only_vocabularies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
