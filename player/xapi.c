/* xapi: statements as jansson objects. Only the members xAPI 1.0.3 defines
 * (section 2.4): id, actor (an Agent with exactly one inverse functional
 * identifier: an account), verb (id + display), object (Activity with a
 * definition), result, context, timestamp, version. Every member is added
 * with json_object_set_new, whose failure (out of memory) is caught once at
 * the end by checking the objects we built. */
#include "xapi.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "cmi.h"
#include "os.h"

#define ADL_VERBS "http://adlnet.gov/expapi/verbs/"
#define ACT_COURSE "http://adlnet.gov/expapi/activities/course"
#define ACT_INTERACTION "http://adlnet.gov/expapi/activities/cmi.interaction"
#define UUID_NAMESPACE "wardplayer-xapi-v1\n"

static const char *const verb_words[] = {
    [XAPI_ATTEMPTED] = "attempted",
    [XAPI_ANSWERED] = "answered",
    [XAPI_COMPLETED] = "completed",
    [XAPI_PASSED] = "passed",
    [XAPI_FAILED] = "failed",
    [XAPI_INITIALIZED] = "initialized",
    [XAPI_TERMINATED] = "terminated",
};

static const char *const verb_iris[] = {
    [XAPI_ATTEMPTED] = ADL_VERBS "attempted",
    [XAPI_ANSWERED] = ADL_VERBS "answered",
    [XAPI_COMPLETED] = ADL_VERBS "completed",
    [XAPI_PASSED] = ADL_VERBS "passed",
    [XAPI_FAILED] = ADL_VERBS "failed",
    [XAPI_INITIALIZED] = ADL_VERBS "initialized",
    [XAPI_TERMINATED] = ADL_VERBS "terminated",
};

const char *xapi_verb_iri(XapiVerb v)
{
    return verb_iris[v];
}

const char *xapi_verb_word(XapiVerb v)
{
    return verb_words[v];
}

static void uuid_format(unsigned char b[16], char out[37])
{
    static const char hex[] = "0123456789abcdef";
    int j = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[j++] = '-';
        out[j++] = hex[b[i] >> 4];
        out[j++] = hex[b[i] & 15];
    }
    out[j] = '\0';
}

void xapi_uuid_random(char out[37])
{
    unsigned char b[16];
    randombytes_buf(b, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    uuid_format(b, out);
}

void xapi_uuid_from_name(const char *name, size_t len, char out[37])
{
    unsigned char b[16];
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, sizeof b);
    crypto_generichash_update(&st, (const unsigned char *)UUID_NAMESPACE,
                              strlen(UUID_NAMESPACE));
    crypto_generichash_update(&st, (const unsigned char *)name, len);
    crypto_generichash_final(&st, b, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x50);     /* version 5: name-based */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);     /* RFC 4122 variant */
    uuid_format(b, out);
}

void xapi_statement_id(const char *learner_uuid, const char *package_id, const char *item_id,
                       XapiVerb v, const char *attempt_uuid, char out[37])
{
    Buf b = BUF_INIT;
    buf_printf(&b, "%s\n%s", learner_uuid, package_id);
    if (item_id)
        buf_printf(&b, "/%s", item_id);
    buf_printf(&b, "\n%s\n%s", xapi_verb_iri(v), attempt_uuid);
    xapi_uuid_from_name(b.data, b.len, out);
    buf_release(&b);
}

/* Appends s percent-encoded as an IRI path segment: unreserved characters
 * and UTF-8 stay, everything else is %XX (RFC 3987). */
static void put_segment(Buf *out, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9') || strchr("-._~", c))
            buf_putc(out, (char)c);
        else
            buf_printf(out, "%%%02X", c);
    }
}

void xapi_activity_id(const char *home_page, const char *package_id, const char *item_id,
                      Buf *out)
{
    size_t len = strlen(home_page);
    while (len && home_page[len - 1] == '/')
        len--;
    buf_append(out, home_page, len);
    buf_puts(out, "/activities/");
    put_segment(out, package_id);
    if (item_id) {
        buf_putc(out, '/');
        put_segment(out, item_id);
    }
}

static json_t *lang_map(const char *lang, const char *text)
{
    json_t *o = json_object();
    if (o)
        json_object_set_new(o, lang && *lang ? lang : "und", json_string(text));
    return o;
}

/* actor: an Agent whose one IFI is an account: the staff id when there is
 * one, else the profile's UUID (never the name alone: names collide). */
static json_t *actor(const char *home_page, const StoreLearner *l)
{
    const char *account = l->staff_id[0] ? l->staff_id : l->uuid;
    if (!account[0])
        return NULL;
    return json_pack("{s:s, s:s, s:{s:s, s:s}}", "objectType", "Agent", "name", l->name,
                     "account", "homePage", home_page, "name", account);
}

static json_t *verb(XapiVerb v)
{
    return json_pack("{s:s, s:{s:s}}", "id", xapi_verb_iri(v), "display", "en-US",
                     xapi_verb_word(v));
}

static json_t *course_object(const char *home_page, const StoreAttempt *a)
{
    Buf id = BUF_INIT;
    xapi_activity_id(home_page, a->package_id, NULL, &id);
    json_t *o = json_pack("{s:s, s:s, s:{s:o, s:s}}", "objectType", "Activity", "id", id.data,
                          "definition", "name", lang_map(a->lang, a->package_id),
                          "type", ACT_COURSE);
    buf_release(&id);
    return o;
}

/* context: the attempt's UUID is the registration, so an LRS groups the
 * statements of one attempt; interactions name their module as parent. */
static json_t *context(const char *home_page, const StoreAttempt *a, int with_parent)
{
    json_t *c = json_pack("{s:s, s:s}", "registration", a->uuid, "language",
                          a->lang && *a->lang ? a->lang : "und");
    if (c && with_parent) {
        Buf id = BUF_INIT;
        xapi_activity_id(home_page, a->package_id, NULL, &id);
        json_object_set_new(c, "contextActivities",
                            json_pack("{s:[{s:s, s:s}]}", "parent", "objectType", "Activity",
                                      "id", id.data));
        buf_release(&id);
    }
    return c;
}

static void set_duration(json_t *result, int64_t ms)
{
    Buf d = BUF_INIT;
    cmi_duration_format(ms, &d);
    json_object_set_new(result, "duration", json_string(d.data));
    buf_release(&d);
}

/* score: scaled must lie in -1..1 and raw between min and max (xAPI 2.4.5.1);
 * members that would break that are left out rather than invented. */
static json_t *score(int has_raw, double raw, double min, double max, int has_scaled,
                     double scaled)
{
    json_t *s = json_object();
    if (!s)
        return NULL;
    if (has_scaled && scaled >= -1 && scaled <= 1)
        json_object_set_new(s, "scaled", json_real(scaled));
    if (has_raw && min <= raw && raw <= max) {
        json_object_set_new(s, "raw", json_real(raw));
        json_object_set_new(s, "min", json_real(min));
        json_object_set_new(s, "max", json_real(max));
    }
    return s;
}

static json_t *base(const char *home_page, const StoreAttempt *a, XapiVerb v,
                    const char *item_id, const char *timestamp)
{
    char id[37];
    xapi_statement_id(a->learner->uuid, a->package_id, item_id, v, a->uuid, id);
    json_t *who = actor(home_page, a->learner);
    if (!who)
        return NULL;
    return json_pack("{s:s, s:s, s:o, s:o, s:s}", "id", id, "version", XAPI_VERSION,
                     "actor", who, "verb", verb(v), "timestamp", timestamp);
}

json_t *xapi_attempt_statement(const char *home_page, const StoreAttempt *a, XapiVerb v,
                               const char *timestamp)
{
    if (!timestamp)
        timestamp = v == XAPI_ATTEMPTED ? a->started : a->updated;
    json_t *st = base(home_page, a, v, NULL, timestamp);
    if (!st)
        return NULL;
    json_object_set_new(st, "object", course_object(home_page, a));
    json_object_set_new(st, "context", context(home_page, a, 0));
    if (v != XAPI_ATTEMPTED) {
        json_t *r = json_object();
        if (r) {
            if (v == XAPI_PASSED || v == XAPI_FAILED) {
                json_object_set_new(r, "success", json_boolean(v == XAPI_PASSED));
                if (a->has_score)
                    json_object_set_new(r, "score", score(1, a->score_raw, a->score_min,
                                                          a->score_max, 1, a->score_scaled));
            }
            if (strcmp(a->completion, "completed") == 0 || v == XAPI_COMPLETED)
                json_object_set_new(r, "completion", json_true());
            set_duration(r, a->total_ms);
        }
        json_object_set_new(st, "result", r);
    }
    if (!json_object_get(st, "object") || !json_object_get(st, "context")) {
        json_decref(st);
        return NULL;
    }
    return st;
}

/* success: only a right or wrong answer has one; a partial ending earns a
 * fraction (its score says how much) and is neither. */
static int result_success(const char *result, int *success)
{
    if (strcmp(result, "correct") == 0) {
        *success = 1;
        return 1;
    }
    if (strcmp(result, "incorrect") == 0 || strcmp(result, "wrong") == 0) {
        *success = 0;
        return 1;
    }
    return 0;
}

json_t *xapi_answer_statement(const char *home_page, const StoreAttempt *a,
                              const StoreAnswer *ans)
{
    json_t *st = base(home_page, a, XAPI_ANSWERED, ans->item_id, ans->timestamp);
    if (!st)
        return NULL;
    Buf id = BUF_INIT;
    xapi_activity_id(home_page, a->package_id, ans->item_id, &id);
    json_t *def = json_pack("{s:o, s:s}", "name",
                            lang_map(a->lang, ans->description && *ans->description
                                     ? ans->description : ans->item_id),
                            "type", ACT_INTERACTION);
    if (def && ans->type && *ans->type) {
        json_object_set_new(def, "interactionType", json_string(ans->type));
        if (ans->correct_pattern)
            json_object_set_new(def, "correctResponsesPattern",
                                json_pack("[s]", ans->correct_pattern));
    }
    json_object_set_new(st, "object", json_pack("{s:s, s:s, s:o}", "objectType", "Activity",
                                                "id", id.data, "definition", def));
    buf_release(&id);
    json_object_set_new(st, "context", context(home_page, a, 1));
    json_t *r = json_object();
    if (r) {
        int success;
        double earned;
        if (result_success(ans->result, &success))
            json_object_set_new(r, "success", json_boolean(success));
        /* the store's reading of the result: the stored score, the CSV and
         * this statement say the same fraction */
        if (ans->weight > 0 && store_result_score(ans->result, &earned))
            json_object_set_new(r, "score", score(1, earned * ans->weight, 0, ans->weight, 1,
                                                  earned));
        json_object_set_new(r, "completion", json_true());
        json_object_set_new(r, "response", json_string(ans->response ? ans->response : ""));
        if (ans->latency_ms > 0)
            set_duration(r, ans->latency_ms);
    }
    json_object_set_new(st, "result", r);
    if (!json_object_get(st, "object") || !json_object_get(st, "context")
        || !json_object_get(st, "result")) {
        json_decref(st);
        return NULL;
    }
    return st;
}

/* ---- the cmi5 profile ---------------------------------------------------------- */

#define CMI5_CAT "https://w3id.org/xapi/cmi5/context/categories/cmi5"
#define CMI5_CAT_MOVEON "https://w3id.org/xapi/cmi5/context/categories/moveon"
#define CMI5_EXT_SESSION "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
#define CMI5_EXT_MASTERY "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"
#define CMI5_EXT_PROGRESS "https://w3id.org/xapi/cmi5/result/extensions/progress"

static json_t *activity_ref(const char *id)
{
    return json_pack("{s:s, s:s}", "id", id, "objectType", "Activity");
}

/* The context an LMS's template gives (9.6), plus the categories of a cmi5
 * defined statement. */
static void cmi5_context(json_t *st, XapiVerb v, const XapiCmi5 *c)
{
    json_t *ctx = json_object_get(st, "context");
    if (!ctx)
        return;
    json_t *acts = json_object_get(ctx, "contextActivities");
    if (!acts) {
        acts = json_object();
        json_object_set_new(ctx, "contextActivities", acts);
    }
    if (acts)
        json_object_set_new(acts, "grouping", json_pack("[o]", activity_ref(c->publisher_id)));
    json_t *ext = json_object();
    if (ext) {
        json_object_set_new(ext, CMI5_EXT_SESSION, json_string(c->session));
        if ((v == XAPI_PASSED || v == XAPI_FAILED) && c->mastery >= 0)
            json_object_set_new(ext, CMI5_EXT_MASTERY, json_real(c->mastery / 10000.0));
        json_object_set_new(ctx, "extensions", ext);
    }
    if (v == XAPI_ANSWERED || !acts)
        return;         /* cmi5 allowed: no cmi5 category (7.1.3) */
    json_t *cat = json_pack("[o]", activity_ref(CMI5_CAT));
    if (cat && v != XAPI_INITIALIZED && v != XAPI_TERMINATED)
        json_array_append_new(cat, activity_ref(CMI5_CAT_MOVEON));
    json_object_set_new(acts, "category", cat);
}

json_t *xapi_cmi5(json_t *st, XapiVerb v, const XapiCmi5 *c)
{
    if (!st)
        return NULL;
    cmi5_context(st, v, c);
    json_t *r = json_object_get(st, "result");
    if (r && (v == XAPI_PASSED || v == XAPI_FAILED)) {
        /* 9.5.3: completion only on completed; 9.5.1: raw an integer */
        json_object_del(r, "completion");
        json_t *sc = json_object_get(r, "score");
        json_t *raw = sc ? json_object_get(sc, "raw") : NULL;
        if (raw)
            json_object_set_new(sc, "raw", json_integer((json_int_t)(json_number_value(raw)
                                                                       + 1e-9)));
    }
    if (!json_object_get(st, "context")) {
        json_decref(st);
        return NULL;
    }
    return st;
}

json_t *xapi_cmi5_session_statement(const char *home_page, const StoreAttempt *a, XapiVerb v,
                                    const XapiCmi5 *c, const char *timestamp,
                                    int64_t duration_ms, int progress)
{
    Buf now = BUF_INIT;
    if (!timestamp) {
        cmi_timestamp_format((int64_t)os_now_ms(), &now);
        timestamp = now.data;
    }
    char id[37];
    xapi_statement_id(a->learner->uuid, a->package_id, NULL, v, c->session, id);
    json_t *who = actor(home_page, a->learner);
    json_t *st = who ? json_pack("{s:s, s:s, s:o, s:o, s:s}", "id", id, "version", XAPI_VERSION,
                                 "actor", who, "verb", verb(v), "timestamp", timestamp)
                     : NULL;
    buf_release(&now);
    if (!st)
        return NULL;
    json_object_set_new(st, "object", course_object(home_page, a));
    json_object_set_new(st, "context", context(home_page, a, 0));
    if (v == XAPI_TERMINATED) {
        json_t *r = json_object();
        if (r) {
            set_duration(r, duration_ms > 0 ? duration_ms : 0);
            if (progress >= 0)
                json_object_set_new(r, "extensions",
                                    json_pack("{s:i}", CMI5_EXT_PROGRESS, progress > 100 ? 100
                                                                           : progress));
        }
        json_object_set_new(st, "result", r);
    }
    if (!json_object_get(st, "object")) {
        json_decref(st);
        return NULL;
    }
    return xapi_cmi5(st, v, c);
}
