/* cmi: table-driven SCORM run-time data model.
 *
 * An element name is split at dots; numeric parts become "#" and are kept as
 * indexes, so "cmi.interactions.3.objectives.0.id" is looked up as
 * "cmi.interactions.#.objectives.#.id" in the edition's table (access, type,
 * vocabulary, range, SPM). Values live in one array in the order they
 * were first set (that order respects the collection rule, so replaying it
 * rebuilds the model); collection counts live beside them, keyed by the
 * concrete collection name ("cmi.interactions", "cmi.interactions.3.objectives").
 * Sources: RTE 1.2 section 3.4 (data model, error codes p.23); RTE 2004 4th Ed
 * section 4 (data model) and 3.1.7 (error codes); see shared/scorm/SCORM-NOTES.md. */
#include "cmi.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---- element tables ------------------------------------------------------- */

enum { A_R = 1, A_W = 2, A_RW = 3 };

typedef enum CmiType {
    T_STR,          /* characterstring / CMIString: spm characters */
    T_LOCALIZED,    /* 2004 localized_string_type: optional {lang=xx}, then spm chars */
    T_LANG,         /* 2004 language_type, "" allowed */
    T_ID12,         /* CMIIdentifier */
    T_ID04,         /* 2004 long/short_identifier_type (spm 4000/250) */
    T_REAL,         /* CMIDecimal / real(10,7), optional range */
    T_REAL_BLANK,   /* 1.2 score: CMIDecimal or "" */
    T_INT,          /* CMISInteger / integer, range */
    T_VOCAB,
    T_TIMESPAN12,   /* HHHH:MM:SS.SS */
    T_TIME12,       /* HH:MM:SS.SS */
    T_DURATION04,   /* ISO 8601 duration */
    T_TIMESTAMP04,  /* ISO 8601 time(second,10,0) */
    T_RESULT,       /* vocabulary or decimal */
    T_RESPONSE,     /* depends on interactions.n.type */
    T_PATTERN,      /* correct response pattern, depends on interactions.n.type */
    T_ITYPE,        /* interaction type vocabulary */
    T_NAVREQ,       /* adl.nav.request */
} CmiType;

enum { R_LO = 1, R_HI = 2 };

typedef struct ElemDef {
    const char *name;           /* indexes as "#" */
    unsigned char access;       /* A_* */
    unsigned char type;         /* CmiType */
    unsigned char range;        /* R_* */
    int spm;                    /* characters, 0 = none */
    double lo, hi;
    const char *const *vocab;   /* NULL-terminated */
} ElemDef;

typedef struct KeyDef {
    const char *name;           /* element owning the keyword, indexes as "#" */
    const char *children;       /* _children value, NULL for a collection */
} KeyDef;

static const char *const V_STATUS12[] = {
    "passed", "completed", "failed", "incomplete", "browsed", "not attempted", NULL
};
static const char *const V_STATUS12_SET[] = {
    "passed", "completed", "failed", "incomplete", "browsed", NULL
};
static const char *const V_CREDIT[] = { "credit", "no-credit", NULL };
static const char *const V_ENTRY[] = { "ab-initio", "resume", "", NULL };
static const char *const V_MODE[] = { "browse", "normal", "review", NULL };
static const char *const V_EXIT12[] = { "time-out", "suspend", "logout", "", NULL };
static const char *const V_EXIT04[] = { "time-out", "suspend", "logout", "normal", "", NULL };
static const char *const V_TLA[] = {
    "exit,message", "exit,no message", "continue,message", "continue,no message", NULL
};
static const char *const V_ITYPE12[] = {
    "true-false", "choice", "fill-in", "matching", "performance", "sequencing", "likert",
    "numeric", NULL
};
static const char *const V_ITYPE04[] = {
    "true-false", "choice", "fill-in", "long-fill-in", "matching", "performance",
    "sequencing", "likert", "numeric", "other", NULL
};
static const char *const V_RESULT12[] = { "correct", "wrong", "unanticipated", "neutral", NULL };
static const char *const V_RESULT04[] = {
    "correct", "incorrect", "unanticipated", "neutral", NULL
};
static const char *const V_COMPLETION[] = {
    "completed", "incomplete", "not attempted", "unknown", NULL
};
static const char *const V_SUCCESS[] = { "passed", "failed", "unknown", NULL };
static const char *const V_CAPTION[] = { "-1", "0", "1", NULL };
static const char *const V_NAV[] = {
    "continue", "previous", "exit", "exitAll", "abandon", "abandonAll", "suspendAll",
    "_none_", NULL
};

#define E(n, a, t) { n, a, t, 0, 0, 0, 0, NULL }
#define ES(n, a, t, spm) { n, a, t, 0, spm, 0, 0, NULL }
#define EV(n, a, v) { n, a, T_VOCAB, 0, 0, 0, 0, v }
#define ER(n, a, t, r, lo, hi) { n, a, t, r, 0, lo, hi, NULL }

static const ElemDef defs12[] = {
    E("cmi._version", A_R, T_STR),
    ES("cmi.core.student_id", A_R, T_ID12, 255),
    ES("cmi.core.student_name", A_R, T_STR, 255),
    ES("cmi.core.lesson_location", A_RW, T_STR, 255),
    EV("cmi.core.credit", A_R, V_CREDIT),
    EV("cmi.core.lesson_status", A_RW, V_STATUS12),
    EV("cmi.core.entry", A_R, V_ENTRY),
    ER("cmi.core.score.raw", A_RW, T_REAL_BLANK, R_LO | R_HI, 0, 100),
    ER("cmi.core.score.min", A_RW, T_REAL_BLANK, R_LO | R_HI, 0, 100),
    ER("cmi.core.score.max", A_RW, T_REAL_BLANK, R_LO | R_HI, 0, 100),
    E("cmi.core.total_time", A_R, T_TIMESPAN12),
    EV("cmi.core.lesson_mode", A_R, V_MODE),
    EV("cmi.core.exit", A_W, V_EXIT12),
    E("cmi.core.session_time", A_W, T_TIMESPAN12),
    ES("cmi.suspend_data", A_RW, T_STR, 4096),
    ES("cmi.launch_data", A_R, T_STR, 4096),
    ES("cmi.comments", A_RW, T_STR, 4096),
    ES("cmi.comments_from_lms", A_R, T_STR, 4096),
    ES("cmi.objectives.#.id", A_RW, T_ID12, 255),
    ER("cmi.objectives.#.score.raw", A_RW, T_REAL_BLANK, R_LO | R_HI, 0, 100),
    ER("cmi.objectives.#.score.min", A_RW, T_REAL_BLANK, R_LO | R_HI, 0, 100),
    ER("cmi.objectives.#.score.max", A_RW, T_REAL_BLANK, R_LO | R_HI, 0, 100),
    EV("cmi.objectives.#.status", A_RW, V_STATUS12),
    ER("cmi.student_data.mastery_score", A_R, T_REAL_BLANK, R_LO | R_HI, 0, 100),
    E("cmi.student_data.max_time_allowed", A_R, T_TIMESPAN12),
    EV("cmi.student_data.time_limit_action", A_R, V_TLA),
    ER("cmi.student_preference.audio", A_RW, T_INT, R_LO | R_HI, -1, 100),
    ES("cmi.student_preference.language", A_RW, T_STR, 255),
    ER("cmi.student_preference.speed", A_RW, T_INT, R_LO | R_HI, -100, 100),
    ER("cmi.student_preference.text", A_RW, T_INT, R_LO | R_HI, -1, 1),
    ES("cmi.interactions.#.id", A_W, T_ID12, 255),
    ES("cmi.interactions.#.objectives.#.id", A_W, T_ID12, 255),
    E("cmi.interactions.#.time", A_W, T_TIME12),
    E("cmi.interactions.#.type", A_W, T_ITYPE),
    ES("cmi.interactions.#.correct_responses.#.pattern", A_W, T_PATTERN, 255),
    E("cmi.interactions.#.weighting", A_W, T_REAL),
    ES("cmi.interactions.#.student_response", A_W, T_RESPONSE, 255),
    E("cmi.interactions.#.result", A_W, T_RESULT),
    E("cmi.interactions.#.latency", A_W, T_TIMESPAN12),
    { NULL, 0, 0, 0, 0, 0, 0, NULL },
};

static const KeyDef keys12[] = {
    { "cmi.core", "student_id,student_name,lesson_location,credit,lesson_status,entry,"
                  "score,total_time,lesson_mode,exit,session_time" },
    { "cmi.core.score", "raw,min,max" },
    { "cmi.objectives", "id,score,status" },
    { "cmi.objectives.#.score", "raw,min,max" },
    { "cmi.student_data", "mastery_score,max_time_allowed,time_limit_action" },
    { "cmi.student_preference", "audio,language,speed,text" },
    { "cmi.interactions", "id,objectives,time,type,correct_responses,weighting,"
                          "student_response,result,latency" },
    { "cmi.objectives", NULL },
    { "cmi.interactions", NULL },
    { "cmi.interactions.#.objectives", NULL },
    { "cmi.interactions.#.correct_responses", NULL },
    { NULL, NULL },
};

static const ElemDef defs04[] = {
    E("cmi._version", A_R, T_STR),
    ES("cmi.comments_from_learner.#.comment", A_RW, T_LOCALIZED, 4000),
    ES("cmi.comments_from_learner.#.location", A_RW, T_STR, 250),
    E("cmi.comments_from_learner.#.timestamp", A_RW, T_TIMESTAMP04),
    ES("cmi.comments_from_lms.#.comment", A_R, T_LOCALIZED, 4000),
    ES("cmi.comments_from_lms.#.location", A_R, T_STR, 250),
    E("cmi.comments_from_lms.#.timestamp", A_R, T_TIMESTAMP04),
    EV("cmi.completion_status", A_RW, V_COMPLETION),
    ER("cmi.completion_threshold", A_R, T_REAL, R_LO | R_HI, 0, 1),
    EV("cmi.credit", A_R, V_CREDIT),
    EV("cmi.entry", A_R, V_ENTRY),
    EV("cmi.exit", A_W, V_EXIT04),
    ES("cmi.interactions.#.id", A_RW, T_ID04, 4000),
    E("cmi.interactions.#.type", A_RW, T_ITYPE),
    ES("cmi.interactions.#.objectives.#.id", A_RW, T_ID04, 4000),
    E("cmi.interactions.#.timestamp", A_RW, T_TIMESTAMP04),
    E("cmi.interactions.#.correct_responses.#.pattern", A_RW, T_PATTERN),
    E("cmi.interactions.#.weighting", A_RW, T_REAL),
    E("cmi.interactions.#.learner_response", A_RW, T_RESPONSE),
    E("cmi.interactions.#.result", A_RW, T_RESULT),
    E("cmi.interactions.#.latency", A_RW, T_DURATION04),
    ES("cmi.interactions.#.description", A_RW, T_LOCALIZED, 250),
    ES("cmi.launch_data", A_R, T_STR, 4000),
    ES("cmi.learner_id", A_R, T_ID04, 4000),
    ES("cmi.learner_name", A_R, T_LOCALIZED, 250),
    ER("cmi.learner_preference.audio_level", A_RW, T_REAL, R_LO, 0, 0),
    E("cmi.learner_preference.language", A_RW, T_LANG),
    ER("cmi.learner_preference.delivery_speed", A_RW, T_REAL, R_LO, 0, 0),
    EV("cmi.learner_preference.audio_captioning", A_RW, V_CAPTION),
    ES("cmi.location", A_RW, T_STR, 1000),
    E("cmi.max_time_allowed", A_R, T_DURATION04),
    EV("cmi.mode", A_R, V_MODE),
    ES("cmi.objectives.#.id", A_RW, T_ID04, 4000),
    ER("cmi.objectives.#.score.scaled", A_RW, T_REAL, R_LO | R_HI, -1, 1),
    E("cmi.objectives.#.score.raw", A_RW, T_REAL),
    E("cmi.objectives.#.score.min", A_RW, T_REAL),
    E("cmi.objectives.#.score.max", A_RW, T_REAL),
    EV("cmi.objectives.#.success_status", A_RW, V_SUCCESS),
    EV("cmi.objectives.#.completion_status", A_RW, V_COMPLETION),
    ER("cmi.objectives.#.progress_measure", A_RW, T_REAL, R_LO | R_HI, 0, 1),
    ES("cmi.objectives.#.description", A_RW, T_LOCALIZED, 250),
    ER("cmi.progress_measure", A_RW, T_REAL, R_LO | R_HI, 0, 1),
    ER("cmi.scaled_passing_score", A_R, T_REAL, R_LO | R_HI, -1, 1),
    ER("cmi.score.scaled", A_RW, T_REAL, R_LO | R_HI, -1, 1),
    E("cmi.score.raw", A_RW, T_REAL),
    E("cmi.score.min", A_RW, T_REAL),
    E("cmi.score.max", A_RW, T_REAL),
    E("cmi.session_time", A_W, T_DURATION04),
    EV("cmi.success_status", A_RW, V_SUCCESS),
    ES("cmi.suspend_data", A_RW, T_STR, 64000),
    EV("cmi.time_limit_action", A_R, V_TLA),
    E("cmi.total_time", A_R, T_DURATION04),
    E("adl.nav.request", A_RW, T_NAVREQ),
    { NULL, 0, 0, 0, 0, 0, 0, NULL },
};

static const KeyDef keys04[] = {
    { "cmi.comments_from_learner", "comment,location,timestamp" },
    { "cmi.comments_from_lms", "comment,location,timestamp" },
    { "cmi.interactions", "id,type,objectives,timestamp,correct_responses,weighting,"
                          "learner_response,result,latency,description" },
    { "cmi.learner_preference", "audio_level,language,delivery_speed,audio_captioning" },
    { "cmi.objectives", "id,score,success_status,completion_status,progress_measure,"
                        "description" },
    { "cmi.objectives.#.score", "scaled,raw,min,max" },
    { "cmi.score", "scaled,raw,min,max" },
    { "cmi.comments_from_learner", NULL },
    { "cmi.comments_from_lms", NULL },
    { "cmi.interactions", NULL },
    { "cmi.interactions.#.objectives", NULL },
    { "cmi.interactions.#.correct_responses", NULL },
    { "cmi.objectives", NULL },
    { NULL, NULL },
};

/* Collection sizes (SPM of the collection, RTE 2004 4.2.9 / 4.2.17; 1.2 has
 * none, the same bounds keep a runaway SCO from filling the disk). */
#define MAX_INTERACTIONS 250
#define MAX_OBJECTIVES 100
#define MAX_COMMENTS 250
#define MAX_PATTERNS 36
#define MAX_INDEXES 2

/* ---- the model --------------------------------------------------------- */

typedef struct Entry {
    char *key;      /* concrete element name; owned */
    char *value;    /* owned */
} Entry;

typedef struct Count {
    char *key;      /* concrete collection name; owned */
    int n;
} Count;

struct CmiModel {
    ScormEdition ed;
    Entry *v;               /* values in first-set order */
    size_t nv, capv;
    Count *c;
    size_t nc, capc;
    Buf diag;               /* text of the last error */
};

/* A parsed element name. */
typedef struct Path {
    char norm[256];         /* indexes replaced by "#" */
    char concrete[256];     /* canonical spelling (no leading zeros) */
    int idx[MAX_INDEXES];
    size_t idx_end[MAX_INDEXES];   /* length of concrete up to and incl. index i */
    size_t norm_end[MAX_INDEXES];  /* same in norm */
    int nidx;
    const char *keyword;    /* "_children", "_count", "_version" or NULL */
    size_t base_len;        /* norm length before ".<keyword>" */
    size_t cbase_len;       /* concrete length before ".<keyword>" */
} Path;

CmiModel *cmi_new(ScormEdition ed)
{
    CmiModel *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->ed = ed;
    buf_init(&m->diag);
    return m;
}

void cmi_free(CmiModel *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->nv; i++) {
        free(m->v[i].key);
        free(m->v[i].value);
    }
    for (size_t i = 0; i < m->nc; i++)
        free(m->c[i].key);
    free(m->v);
    free(m->c);
    buf_release(&m->diag);
    free(m);
}

ScormEdition cmi_edition(const CmiModel *m)
{
    return m->ed;
}

const char *cmi_diagnostic(const CmiModel *m)
{
    return m->diag.data;
}

static int fail(CmiModel *m, int code, const char *fmt, ...)
    PRINTF_LIKE(3, 4);

static int fail(CmiModel *m, int code, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    buf_clear(&m->diag);
    buf_puts(&m->diag, tmp);
    return code;
}

static int ok(CmiModel *m)
{
    buf_clear(&m->diag);
    return CMI_OK;
}

static Entry *find_entry(const CmiModel *m, const char *key)
{
    for (size_t i = 0; i < m->nv; i++)
        if (strcmp(m->v[i].key, key) == 0)
            return &m->v[i];
    return NULL;
}

static const char *find_value(const CmiModel *m, const char *key)
{
    const Entry *e = find_entry(m, key);
    return e ? e->value : NULL;
}

static int get_count(const CmiModel *m, const char *key, size_t len)
{
    for (size_t i = 0; i < m->nc; i++)
        if (strlen(m->c[i].key) == len && memcmp(m->c[i].key, key, len) == 0)
            return m->c[i].n;
    return 0;
}

static int bump_count(CmiModel *m, const char *key, size_t len)
{
    for (size_t i = 0; i < m->nc; i++) {
        if (strlen(m->c[i].key) == len && memcmp(m->c[i].key, key, len) == 0) {
            m->c[i].n++;
            return 0;
        }
    }
    if (m->nc == m->capc) {
        size_t cap = m->capc ? m->capc + m->capc / 2 : 16;
        Count *c = realloc(m->c, cap * sizeof *c);
        if (!c)
            return -1;
        m->c = c;
        m->capc = cap;
    }
    char *k = malloc(len + 1);
    if (!k)
        return -1;
    memcpy(k, key, len);
    k[len] = '\0';
    m->c[m->nc].key = k;
    m->c[m->nc].n = 1;
    m->nc++;
    return 0;
}

static int put_value(CmiModel *m, const char *key, const char *value)
{
    char *v = strdup(value);
    if (!v)
        return -1;
    Entry *e = find_entry(m, key);
    if (e) {
        free(e->value);
        e->value = v;
        return 0;
    }
    if (m->nv == m->capv) {
        size_t cap = m->capv ? m->capv + m->capv / 2 : 32;
        Entry *n = realloc(m->v, cap * sizeof *n);
        if (!n)
            goto fail;
        m->v = n;
        m->capv = cap;
    }
    char *k = strdup(key);
    if (!k)
        goto fail;
    m->v[m->nv].key = k;
    m->v[m->nv].value = v;
    m->nv++;
    return 0;
fail:
    free(v);
    return -1;
}

static void remove_value(CmiModel *m, const char *key)
{
    for (size_t i = 0; i < m->nv; i++) {
        if (strcmp(m->v[i].key, key) == 0) {
            free(m->v[i].key);
            free(m->v[i].value);
            memmove(&m->v[i], &m->v[i + 1], (m->nv - i - 1) * sizeof m->v[0]);
            m->nv--;
            return;
        }
    }
}

/* Splits an element name. Returns 0, or -1 when it cannot be a data model
 * element at all (empty part, too long, too many indexes, huge index). */
static int parse_path(const char *el, Path *p)
{
    memset(p, 0, sizeof *p);
    size_t nn = 0, nc = 0;
    const char *s = el;
    if (!*s)
        return -1;
    for (;;) {
        const char *dot = strchr(s, '.');
        size_t len = dot ? (size_t)(dot - s) : strlen(s);
        if (len == 0 || len > 64)
            return -1;
        int digits = 1;
        for (size_t i = 0; i < len; i++)
            if (!isdigit((unsigned char)s[i]))
                digits = 0;
        if (nn + len + 2 >= sizeof p->norm || nc + len + 2 >= sizeof p->concrete)
            return -1;
        if (nn) {
            p->norm[nn++] = '.';
            p->concrete[nc++] = '.';
        }
        if (digits) {
            if (p->nidx == MAX_INDEXES || len > 6)
                return -1;
            int v = atoi(s);
            p->idx[p->nidx] = v;
            nc += (size_t)snprintf(p->concrete + nc, sizeof p->concrete - nc, "%d", v);
            p->norm[nn++] = '#';
            p->idx_end[p->nidx] = nc;
            p->norm_end[p->nidx] = nn;
            p->nidx++;
        } else {
            if (!dot && (strncmp(s, "_children", len) == 0 && len == 9))
                p->keyword = "_children";
            else if (!dot && len == 6 && strncmp(s, "_count", len) == 0)
                p->keyword = "_count";
            else if (!dot && len == 8 && strncmp(s, "_version", len) == 0)
                p->keyword = "_version";
            if (p->keyword) {
                p->base_len = nn ? nn - 1 : 0;
                p->cbase_len = nc ? nc - 1 : 0;
            }
            memcpy(p->norm + nn, s, len);
            memcpy(p->concrete + nc, s, len);
            nn += len;
            nc += len;
        }
        p->norm[nn] = '\0';
        p->concrete[nc] = '\0';
        if (!dot)
            break;
        s = dot + 1;
    }
    return 0;
}

static const ElemDef *find_def(ScormEdition ed, const char *norm, size_t len)
{
    for (const ElemDef *d = ed == SCORM_12 ? defs12 : defs04; d->name; d++)
        if (strlen(d->name) == len && memcmp(d->name, norm, len) == 0)
            return d;
    return NULL;
}

/* The _children list of an element, or NULL. collection: whether it has _count. */
static const char *find_children(ScormEdition ed, const char *norm, size_t len, int *collection)
{
    const char *children = NULL;
    *collection = 0;
    for (const KeyDef *k = ed == SCORM_12 ? keys12 : keys04; k->name; k++) {
        if (strlen(k->name) != len || memcmp(k->name, norm, len) != 0)
            continue;
        if (k->children)
            children = k->children;
        else
            *collection = 1;
    }
    return children;
}

static int code_undefined(ScormEdition ed)
{
    return ed == SCORM_12 ? CMI12_INVALID_ARGUMENT : CMI04_UNDEFINED;
}

/* An element the model does not know. SCORM 2004 4th Ed elements that a
 * single-SCO player has no use for (navigation validity, shared data
 * buckets) are "unimplemented" (402), not "undefined" (401). */
static int unknown_element(CmiModel *m, const char *el)
{
    if (m->ed == SCORM_2004 && (strncmp(el, "adl.nav.request_valid.", 22) == 0
                                || strncmp(el, "adl.data.", 9) == 0 || strcmp(el, "adl.data") == 0))
        return fail(m, CMI04_UNIMPLEMENTED, "%s: not implemented by this player", el);
    return fail(m, code_undefined(m->ed), "%s: unknown element", el);
}

/* Most members a collection may have; name is the collection (indexes "#"). */
static int collection_max(const char *name, size_t len)
{
    if (len >= 17 && memcmp(name + len - 17, "correct_responses", 17) == 0)
        return MAX_PATTERNS;
    if (len == 16 && memcmp(name, "cmi.interactions", 16) == 0)
        return MAX_INTERACTIONS;
    if (len >= 12 && memcmp(name, "cmi.comments", 12) == 0)
        return MAX_COMMENTS;
    return MAX_OBJECTIVES;
}

/* Checks that every index of p is below its collection's count (get), or at
 * most equal to it (set: equal appends). Returns the failing index level or -1. */
static int check_indexes(const CmiModel *m, const Path *p, int for_set, int *append_level)
{
    *append_level = -1;
    for (int i = 0; i < p->nidx; i++) {
        /* the collection is the concrete name before ".<index>" */
        size_t clen = p->idx_end[i];
        while (clen && p->concrete[clen - 1] != '.')
            clen--;
        clen = clen ? clen - 1 : 0;
        int n = get_count(m, p->concrete, clen);
        if (p->idx[i] < n)
            continue;
        if (for_set && p->idx[i] == n && i == p->nidx - 1) {
            *append_level = i;
            continue;
        }
        return i;
    }
    return -1;
}

/* ---- value checks ------------------------------------------------------- */

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static int is_real(const char *s, double *out)
{
    const char *p = s;
    int digits = 0;
    if (*p == '-')
        p++;
    while (isdigit((unsigned char)*p)) {
        p++;
        digits++;
    }
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p)) {
            p++;
            digits++;
        }
    }
    if (*p || !digits || digits > 40)
        return 0;
    if (out)
        *out = strtod(s, NULL);
    return 1;
}

static int is_int(const char *s, long *out)
{
    const char *p = s;
    if (*p == '-')
        p++;
    if (!isdigit((unsigned char)*p))
        return 0;
    while (isdigit((unsigned char)*p))
        p++;
    if (*p || p - s > 7)
        return 0;
    *out = strtol(s, NULL, 10);
    return 1;
}

static int in_vocab(const char *const *v, const char *s)
{
    for (; *v; v++)
        if (strcmp(*v, s) == 0)
            return 1;
    return 0;
}

static int is_id12(const char *s)
{
    if (!*s || strlen(s) > 255)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
            return 0;
    return 1;
}

/* 2004 identifier (a URI, RTE 4.1.1.x): not empty, no white space or
 * control characters, and a "urn:" one needs "urn:<NID>:<NSS>". */
static int is_id04(const char *s, size_t len)
{
    if (len == 0)
        return 0;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
            return 0;
    if (len >= 4 && strncasecmp(s, "urn:", 4) == 0) {
        size_t i = 4, nid = 0;
        while (i < len && (isalnum((unsigned char)s[i]) || s[i] == '-')) {
            i++;
            nid++;
        }
        if (nid == 0 || nid > 32 || s[4] == '-' || i >= len || s[i] != ':' || i + 1 >= len)
            return 0;
    }
    return 1;
}

static int is_lang(const char *s, size_t len)
{
    if (len == 0)
        return 1;
    size_t i = 0, n = 0;
    while (i < len && isalpha((unsigned char)s[i])) {
        i++;
        n++;
    }
    if (!(n == 2 || n == 3 || (n == 1 && (s[0] == 'i' || s[0] == 'x'))))
        return 0;
    while (i < len) {
        if (s[i] != '-')
            return 0;
        i++;
        n = 0;
        while (i < len && isalnum((unsigned char)s[i])) {
            i++;
            n++;
        }
        if (n < 1 || n > 8)
            return 0;
    }
    return 1;
}

/* Skips a leading "{lang=xx}" delimiter. Returns the text after it, or NULL
 * when the delimiter is malformed. */
static const char *skip_lang(const char *s)
{
    if (strncmp(s, "{lang=", 6) != 0)
        return s;
    const char *end = strchr(s, '}');
    if (!end || !is_lang(s + 6, (size_t)(end - s - 6)) || end == s + 6)
        return NULL;
    return end + 1;
}

/* Splits s on the 2004 delimiter sep ("[,]", "[.]", "[:]") and calls check
 * on each part; returns 0 when a check fails, else the part count. */
static int each_part(const char *s, const char *sep, int (*check)(const char *, size_t))
{
    int n = 0;
    size_t seplen = strlen(sep);
    for (;;) {
        const char *d = strstr(s, sep);
        size_t len = d ? (size_t)(d - s) : strlen(s);
        if (!check(s, len))
            return 0;
        n++;
        if (!d)
            return n;
        s = d + seplen;
    }
}

static int is_short_id(const char *s, size_t len)
{
    return len <= 250 && is_id04(s, len);
}

static int is_any(const char *s, size_t len)
{
    (void)s;
    return len <= 250;
}

static int is_real_n(const char *s, size_t len)
{
    char tmp[64];
    if (len >= sizeof tmp)
        return 0;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    return is_real(tmp, NULL);
}

static int is_real_or_empty(const char *s, size_t len)
{
    return len == 0 || is_real_n(s, len);
}

static const char *find_sep(const char *s, size_t len, const char *sep)
{
    size_t n = strlen(sep);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(s + i, sep, n) == 0)
            return s + i;
    return NULL;
}

static int is_match_pair(const char *s, size_t len)
{
    const char *d = find_sep(s, len, "[.]");
    if (!d)
        return 0;
    size_t l1 = (size_t)(d - s);
    return is_short_id(s, l1) && is_short_id(d + 3, len - l1 - 3);
}

static int is_perf_step(const char *s, size_t len)
{
    const char *d = find_sep(s, len, "[.]");
    if (!d)
        return 0;
    size_t l1 = (size_t)(d - s);
    size_t l2 = len - l1 - 3;
    if (l1 == 0 && l2 == 0)
        return 0;
    return (l1 == 0 || is_short_id(s, l1)) && l2 <= 250;
}

/* Whether the parts of a "[,]" list are distinct (choice, sequencing
 * patterns may not repeat an identifier in choice). */
static int parts_unique(const char *s)
{
    const char *a = s;
    for (;;) {
        const char *da = strstr(a, "[,]");
        size_t la = da ? (size_t)(da - a) : strlen(a);
        const char *b = da ? da + 3 : NULL;
        while (b) {
            const char *db = strstr(b, "[,]");
            size_t lb = db ? (size_t)(db - b) : strlen(b);
            if (la == lb && memcmp(a, b, la) == 0)
                return 0;
            b = db ? db + 3 : NULL;
        }
        if (!da)
            return 1;
        a = da + 3;
    }
}

/* Skips the {case_matters=..}{order_matters=..}{lang=..} delimiters a
 * fill-in pattern may start with. NULL when malformed. */
static const char *skip_pattern_delims(const char *s)
{
    for (;;) {
        if (strncmp(s, "{case_matters=", 14) == 0 || strncmp(s, "{order_matters=", 15) == 0) {
            const char *v = strchr(s, '=') + 1;
            if (strncmp(v, "true}", 5) == 0)
                s = v + 5;
            else if (strncmp(v, "false}", 6) == 0)
                s = v + 6;
            else
                return NULL;
        } else if (strncmp(s, "{lang=", 6) == 0) {
            s = skip_lang(s);
            if (!s)
                return NULL;
        } else {
            return s;
        }
    }
}

/* SCORM 2004 learner_response / correct_responses.n.pattern for a type
 * (RTE 4.2.9.1, 4.2.9.2). Returns 1 when valid. */
static int response04_ok(const char *type, const char *v, int pattern)
{
    if (strcmp(type, "true-false") == 0)
        return strcmp(v, "true") == 0 || strcmp(v, "false") == 0;
    if (strcmp(type, "choice") == 0)
        return *v == '\0' || (each_part(v, "[,]", is_short_id) && parts_unique(v));
    if (strcmp(type, "sequencing") == 0)
        return each_part(v, "[,]", is_short_id) > 0;
    if (strcmp(type, "likert") == 0)
        return is_short_id(v, strlen(v));
    if (strcmp(type, "matching") == 0)
        return each_part(v, "[,]", is_match_pair) > 0;
    if (strcmp(type, "performance") == 0) {
        if (pattern && strncmp(v, "{order_matters=", 15) == 0)
            v = skip_pattern_delims(v);
        return v && each_part(v, "[,]", is_perf_step) > 0;
    }
    if (strcmp(type, "numeric") == 0) {
        if (!pattern)
            return is_real(v, NULL);
        const char *c = strstr(v, "[:]");
        if (!c)
            return is_real(v, NULL);
        return is_real_or_empty(v, (size_t)(c - v)) && is_real_or_empty(c + 3, strlen(c + 3));
    }
    if (strcmp(type, "fill-in") == 0) {
        if (pattern)
            v = skip_pattern_delims(v);
        if (!v)
            return 0;
        int n = each_part(v, "[,]", is_any);
        return n > 0 && n <= 10;
    }
    if (strcmp(type, "long-fill-in") == 0) {
        const char *t = pattern ? skip_pattern_delims(v) : skip_lang(v);
        return t && utf8_chars(t) <= 4000;
    }
    return utf8_chars(v) <= 4000;     /* other */
}

/* SCORM 1.2 CMIFeedback for a type (RTE 1.2 3.4.2.6.x). */
static int response12_ok(const char *type, const char *v)
{
    if (strcmp(type, "true-false") == 0)
        return strlen(v) == 1 && strchr("01tf", v[0]);
    if (strcmp(type, "choice") == 0 || strcmp(type, "sequencing") == 0) {
        const char *p = v;
        size_t len = strlen(p);
        if (len && p[0] == '{') {
            if (p[len - 1] != '}')
                return 0;
            p++;
            len -= 2;
        }
        for (size_t i = 0; i < len; i++) {
            if (i % 2 == 0 && !isalnum((unsigned char)p[i]))
                return 0;
            if (i % 2 == 1 && p[i] != ',')
                return 0;
        }
        return len == 0 || len % 2 == 1;
    }
    if (strcmp(type, "likert") == 0)
        return strlen(v) <= 1;
    if (strcmp(type, "numeric") == 0)
        return is_real(v, NULL);
    return utf8_chars(v) <= 255;
}

/* ---- time types --------------------------------------------------------- */

static int read_digits(const char **s, int min, int max, long long *out)
{
    long long v = 0;
    int n = 0;
    while (isdigit((unsigned char)**s) && n < max + 1) {
        v = v * 10 + (**s - '0');
        (*s)++;
        n++;
    }
    if (n < min || n > max)
        return -1;
    *out = v;
    return n;
}

/* ".d" or ".dd" after seconds: 0 when absent, -1 when malformed. */
static int read_centis(const char **s, int *cs)
{
    *cs = 0;
    if (**s != '.')
        return 0;
    (*s)++;
    long long v;
    int n = read_digits(s, 1, 2, &v);
    if (n < 0)
        return -1;
    *cs = (int)(n == 1 ? v * 10 : v);
    return 0;
}

int cmi_timespan_parse(const char *s, int64_t *ms)
{
    long long h, mi, se;
    int cs;
    if (read_digits(&s, 2, 4, &h) < 0 || *s++ != ':' || read_digits(&s, 2, 2, &mi) < 0
        || *s++ != ':' || read_digits(&s, 2, 2, &se) < 0 || read_centis(&s, &cs) < 0 || *s)
        return -1;
    if (mi > 59 || se > 59)
        return -1;
    *ms = ((h * 60 + mi) * 60 + se) * 1000 + cs * 10;
    return 0;
}

void cmi_timespan_format(int64_t ms, Buf *out)
{
    if (ms < 0)
        ms = 0;
    int64_t cs = (ms + 5) / 10;
    int64_t cap = (int64_t)9999 * 360000 + 59 * 6000 + 59 * 100 + 99;
    if (cs > cap)
        cs = cap;
    buf_printf(out, "%04d:%02d:%02d.%02d", (int)(cs / 360000), (int)(cs / 6000 % 60),
               (int)(cs / 100 % 60), (int)(cs % 100));
}

static int time12_ok(const char *s)
{
    long long h, mi, se;
    int cs;
    if (read_digits(&s, 2, 2, &h) < 0 || *s++ != ':' || read_digits(&s, 2, 2, &mi) < 0
        || *s++ != ':' || read_digits(&s, 2, 2, &se) < 0 || read_centis(&s, &cs) < 0 || *s)
        return 0;
    return h < 24 && mi < 60 && se < 60;
}

int cmi_duration_parse(const char *s, int64_t *ms)
{
    static const char date_units[] = "YMD";
    static const char time_units[] = "HMS";
    static const int64_t date_ms[] = { 365LL * 86400000, 30LL * 86400000, 86400000 };
    static const int64_t time_ms[] = { 3600000, 60000, 1000 };
    int64_t total = 0;
    int parts = 0;
    if (*s++ != 'P')
        return -1;
    int u = 0;
    while (*s && *s != 'T') {
        long long v;
        if (read_digits(&s, 1, 9, &v) < 0)
            return -1;
        while (u < 3 && date_units[u] != *s)
            u++;
        if (u == 3)
            return -1;
        total += v * date_ms[u++];
        s++;
        parts++;
    }
    if (*s == 'T') {
        s++;
        int tparts = 0;
        u = 0;
        while (*s) {
            long long v;
            int cs = 0;
            if (read_digits(&s, 1, 9, &v) < 0)
                return -1;
            if (*s == '.') {
                while (u < 2)
                    u++;    /* a fraction is only allowed on seconds */
                if (read_centis(&s, &cs) < 0)
                    return -1;
                if (*s != 'S')
                    return -1;
            }
            while (u < 3 && time_units[u] != *s)
                u++;
            if (u == 3)
                return -1;
            total += v * time_ms[u++] + cs * 10;
            s++;
            tparts++;
        }
        if (!tparts)
            return -1;
        parts += tparts;
    }
    if (!parts)
        return -1;
    *ms = total;
    return 0;
}

void cmi_duration_format(int64_t ms, Buf *out)
{
    if (ms < 0)
        ms = 0;
    int64_t cs = (ms + 5) / 10;
    int64_t h = cs / 360000;
    int mi = (int)(cs / 6000 % 60);
    int se = (int)(cs / 100 % 60);
    int frac = (int)(cs % 100);
    buf_puts(out, "PT");
    if (h)
        buf_printf(out, "%lldH", (long long)h);
    if (mi)
        buf_printf(out, "%dM", mi);
    if (se || frac || (!h && !mi)) {
        buf_printf(out, "%d", se);
        if (frac % 10)
            buf_printf(out, ".%02d", frac);
        else if (frac)
            buf_printf(out, ".%d", frac / 10);
        buf_putc(out, 'S');
    }
}

static int days_in_month(int y, int mo)
{
    static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (mo == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[mo - 1];
}

int cmi_timestamp_valid(const char *s)
{
    long long y, mo, d, h, mi, se;
    int cs;
    if (read_digits(&s, 4, 4, &y) < 0 || y < 1970 || y > 2038)
        return 0;
    if (!*s)
        return 1;
    if (*s++ != '-' || read_digits(&s, 2, 2, &mo) < 0 || mo < 1 || mo > 12)
        return 0;
    if (!*s)
        return 1;
    if (*s++ != '-' || read_digits(&s, 2, 2, &d) < 0 || d < 1
        || d > days_in_month((int)y, (int)mo))
        return 0;
    if (!*s)
        return 1;
    if (*s++ != 'T' || read_digits(&s, 2, 2, &h) < 0 || h > 23)
        return 0;
    if (!*s)
        return 1;
    if (*s++ != ':' || read_digits(&s, 2, 2, &mi) < 0 || mi > 59)
        return 0;
    if (!*s)
        return 1;
    if (*s++ != ':' || read_digits(&s, 2, 2, &se) < 0 || se > 59)
        return 0;
    int has_frac = *s == '.';
    if (read_centis(&s, &cs) < 0)
        return 0;
    if (!*s)
        return 1;
    /* a time zone designator needs the fractional seconds (RTE-A-16) */
    if (!has_frac)
        return 0;
    if (strcmp(s, "Z") == 0)
        return 1;
    if (*s != '+' && *s != '-')
        return 0;
    s++;
    long long th, tm;
    if (read_digits(&s, 2, 2, &th) < 0 || th > 23)
        return 0;
    if (!*s)
        return 1;
    if (*s == ':')
        s++;
    if (read_digits(&s, 2, 2, &tm) < 0 || tm > 59)
        return 0;
    return *s == '\0';
}

void cmi_timestamp_format(int64_t ms, Buf *out)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        memset(&tm, 0, sizeof tm);
    buf_printf(out, "%04d-%02d-%02dT%02d:%02d:%02d.%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
               tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000 / 10));
}

/* ---- get / set ------------------------------------------------------------ */

/* Prefix of an interaction's elements: "cmi.interactions.<n>". */
static void interaction_key(const Path *p, const char *field, char *out, size_t size)
{
    snprintf(out, size, "cmi.interactions.%d.%s", p->idx[0], field);
}

/* Type check of value for d. Returns CMI_OK or the error code (with diag). */
static int check_value(CmiModel *m, const ElemDef *d, const Path *p, const char *el,
                       const char *v, int lms)
{
    int is12 = m->ed == SCORM_12;
    int e_type = is12 ? CMI12_TYPE : CMI04_TYPE;
    int e_range = is12 ? CMI12_TYPE : CMI04_RANGE;
    int e_spm = is12 ? CMI12_TYPE : CMI04_SET_FAILURE;
    double x;
    long n;
    switch ((CmiType)d->type) {
    case T_STR:
        if (d->spm && utf8_chars(v) > (size_t)d->spm)
            return fail(m, e_spm, "%s: value longer than %d characters", el, d->spm);
        return CMI_OK;
    case T_LOCALIZED: {
        const char *t = skip_lang(v);
        if (!t)
            return fail(m, e_type, "%s: malformed {lang=...} delimiter", el);
        if (utf8_chars(t) > (size_t)d->spm)
            return fail(m, e_spm, "%s: value longer than %d characters", el, d->spm);
        return CMI_OK;
    }
    case T_LANG:
        if (strlen(v) > 250 || !is_lang(v, strlen(v)))
            return fail(m, e_type, "%s: '%.40s' is not a language code", el, v);
        return CMI_OK;
    case T_ID12:
        if (!is_id12(v))
            return fail(m, e_type, "%s: '%.40s' is not a CMIIdentifier (letters, digits,"
                        " '-' and '_', 1 to 255)", el, v);
        return CMI_OK;
    case T_ID04:
        if (!is_id04(v, strlen(v)))
            return fail(m, e_type, "%s: '%.40s' is not an identifier (a URI without spaces)",
                        el, v);
        if (utf8_chars(v) > (size_t)d->spm)
            return fail(m, e_spm, "%s: identifier longer than %d characters", el, d->spm);
        return CMI_OK;
    case T_REAL_BLANK:
        if (!*v)
            return CMI_OK;
        /* fall through */
    case T_REAL:
        if (!is_real(v, &x))
            return fail(m, e_type, "%s: '%.40s' is not a number", el, v);
        if (((d->range & R_LO) && x < d->lo) || ((d->range & R_HI) && x > d->hi)) {
            if (d->range & R_HI)
                return fail(m, e_range, "%s: %.40s is out of range (%g to %g)", el, v,
                            d->lo, d->hi);
            return fail(m, e_range, "%s: %.40s is out of range (at least %g)", el, v, d->lo);
        }
        return CMI_OK;
    case T_INT:
        if (!is_int(v, &n))
            return fail(m, e_type, "%s: '%.40s' is not an integer", el, v);
        if (n < (long)d->lo || n > (long)d->hi)
            return fail(m, e_range, "%s: %s is out of range (%g to %g)", el, v, d->lo, d->hi);
        return CMI_OK;
    case T_VOCAB: {
        const char *const *vocab = d->vocab;
        if (vocab == V_STATUS12 && p->nidx == 0 && !lms)
            vocab = V_STATUS12_SET;    /* a SCO may not set "not attempted" */
        if (!in_vocab(vocab, v))
            return fail(m, e_type, "%s: '%.40s' is not one of the allowed values", el, v);
        return CMI_OK;
    }
    case T_ITYPE:
        if (!in_vocab(is12 ? V_ITYPE12 : V_ITYPE04, v))
            return fail(m, e_type, "%s: '%.40s' is not an interaction type", el, v);
        return CMI_OK;
    case T_TIMESPAN12: {
        int64_t ms;
        if (cmi_timespan_parse(v, &ms) < 0)
            return fail(m, e_type, "%s: '%.40s' is not a CMITimespan (HHHH:MM:SS.SS)", el, v);
        return CMI_OK;
    }
    case T_TIME12:
        if (!time12_ok(v))
            return fail(m, e_type, "%s: '%.40s' is not a CMITime (HH:MM:SS.SS)", el, v);
        return CMI_OK;
    case T_DURATION04: {
        int64_t ms;
        if (cmi_duration_parse(v, &ms) < 0)
            return fail(m, e_type, "%s: '%.40s' is not an ISO 8601 duration (e.g. PT1H5M30S)",
                        el, v);
        return CMI_OK;
    }
    case T_TIMESTAMP04:
        if (!cmi_timestamp_valid(v))
            return fail(m, e_type, "%s: '%.40s' is not a timestamp "
                        "(e.g. 2026-03-01T09:30:00.0Z)", el, v);
        return CMI_OK;
    case T_RESULT:
        if (in_vocab(is12 ? V_RESULT12 : V_RESULT04, v) || is_real(v, NULL))
            return CMI_OK;
        return fail(m, e_type, "%s: '%.40s' is not a result (%s, unanticipated, neutral "
                    "or a number)", el, v, is12 ? "correct, wrong" : "correct, incorrect");
    case T_RESPONSE:
    case T_PATTERN: {
        char key[300];
        interaction_key(p, "type", key, sizeof key);
        const char *type = find_value(m, key);
        if (!type) {
            if (!is12)
                return fail(m, CMI04_DEPENDENCY, "%s: set cmi.interactions.%d.type first",
                            el, p->idx[0]);
            if (utf8_chars(v) > 255)
                return fail(m, e_type, "%s: value longer than 255 characters", el);
            return CMI_OK;
        }
        int good = is12 ? response12_ok(type, v) : response04_ok(type, v, d->type == T_PATTERN);
        if (!good)
            return fail(m, e_type, "%s: '%.40s' is not a valid %s response", el, v, type);
        return CMI_OK;
    }
    case T_NAVREQ:
        if (in_vocab(V_NAV, v))
            return CMI_OK;
        if (strncmp(v, "{target=", 8) == 0) {
            const char *end = strchr(v, '}');
            if (end && end > v + 8 && is_id04(v + 8, (size_t)(end - v - 8))
                && (strcmp(end + 1, "choice") == 0 || strcmp(end + 1, "jump") == 0))
                return CMI_OK;
        }
        return fail(m, e_type, "%s: '%.40s' is not a navigation request", el, v);
    }
    return fail(m, is12 ? CMI12_GENERAL : CMI04_GENERAL, "%s: internal error", el);
}

/* 2004 unique identifier rules (RTE 4.2.9, 4.2.17): objective ids are unique
 * among objectives, an interaction's objective ids unique within it, and an
 * id once set may not change. */
static int check_unique(CmiModel *m, const Path *p, const char *el, const char *v)
{
    const char *old = find_value(m, p->concrete);
    if (old && strcmp(old, v) != 0)
        return fail(m, CMI04_SET_FAILURE, "%s: an identifier cannot change once set", el);
    size_t clen = p->idx_end[p->nidx - 1];
    while (clen && p->concrete[clen - 1] != '.')
        clen--;
    /* concrete[0..clen) is "<collection>." */
    int n = get_count(m, p->concrete, clen - 1);
    char key[300];
    for (int i = 0; i < n; i++) {
        if (i == p->idx[p->nidx - 1])
            continue;
        snprintf(key, sizeof key, "%.*s%d.id", (int)clen, p->concrete, i);
        const char *other = find_value(m, key);
        if (other && strcmp(other, v) == 0)
            return fail(m, CMI04_SET_FAILURE, "%s: identifier '%.40s' is already used by %s",
                        el, v, key);
    }
    return CMI_OK;
}

static const char *interaction_type(const CmiModel *m, const Path *p)
{
    char key[300];
    interaction_key(p, "type", key, sizeof key);
    return find_value(m, key);
}

/* SCORM 2004 RTE 4.2.9.1: how many correct_responses patterns each
 * interaction type may have (0: no limit here, or not a pattern). */
static int patterns_max(const CmiModel *m, const Path *p)
{
    if (strcmp(p->norm, "cmi.interactions.#.correct_responses.#.pattern") != 0)
        return 0;
    const char *t = interaction_type(m, p);
    if (!t)
        return 0;
    if (strcmp(t, "true-false") == 0 || strcmp(t, "likert") == 0 || strcmp(t, "numeric") == 0
        || strcmp(t, "other") == 0)
        return 1;
    return strcmp(t, "choice") == 0 ? 10 : 5;
}

static int set_value(CmiModel *m, const char *element, const char *value, int lms)
{
    ScormEdition ed = m->ed;
    int is12 = ed == SCORM_12;
    Path p;
    if (!element || !*element)
        return fail(m, is12 ? CMI12_INVALID_ARGUMENT : CMI04_SET_FAILURE,
                    "SetValue needs an element name");
    if (!value)
        return fail(m, is12 ? CMI12_INVALID_ARGUMENT : CMI04_ARGUMENT,
                    "%s: SetValue needs a value", element);
    if (parse_path(element, &p) < 0)
        return fail(m, code_undefined(ed), "%s: unknown element", element);
    if (p.keyword) {
        int collection = 0;
        const char *children = find_children(ed, p.norm, p.base_len, &collection);
        if (strcmp(p.norm, "cmi._version") == 0 || children || collection)
            return fail(m, is12 ? CMI12_KEYWORD : CMI04_READ_ONLY,
                        "%s: keywords are read-only", element);
        return fail(m, code_undefined(ed), "%s: unknown element", element);
    }
    const ElemDef *d = find_def(ed, p.norm, strlen(p.norm));
    if (!d)
        return unknown_element(m, element);
    if (!lms && !(d->access & A_W))
        return fail(m, is12 ? CMI12_READ_ONLY : CMI04_READ_ONLY,
                    "%s: the element is read-only", element);
    int append;
    int bad = check_indexes(m, &p, 1, &append);
    if (bad >= 0)
        return fail(m, is12 ? CMI12_INVALID_ARGUMENT : CMI04_SET_FAILURE,
                    "%s: index %d is out of order (set members of a collection in order, "
                    "starting at its _count)", element, p.idx[bad]);
    size_t colen = 0;
    if (append >= 0) {
        colen = p.idx_end[append];
        while (colen && p.concrete[colen - 1] != '.')
            colen--;
        colen--;
        if (p.idx[append] >= collection_max(p.norm, p.norm_end[append] - 2))
            return fail(m, is12 ? CMI12_INVALID_ARGUMENT : CMI04_SET_FAILURE,
                        "%s: the collection is full (%d members)", element, p.idx[append]);
        int most = is12 ? 0 : patterns_max(m, &p);
        if (most && p.idx[append] >= most)
            return fail(m, CMI04_SET_FAILURE, "%s: a %s interaction has at most %d correct "
                        "response pattern%s", element, interaction_type(m, &p), most,
                        most > 1 ? "s" : "");
    }
    if (!is12) {
        /* interactions and objectives are created by their id (RTE 4.2.9.1) */
        const char *tail = p.norm + p.norm_end[0];
        int by_id = strncmp(p.norm, "cmi.interactions.", 17) == 0
            || strncmp(p.norm, "cmi.objectives.", 15) == 0;
        if (by_id && strcmp(tail, ".id") != 0) {
            char key[300];
            snprintf(key, sizeof key, "%.*s.id", (int)p.idx_end[0], p.concrete);
            if (!find_value(m, key))
                return fail(m, CMI04_DEPENDENCY, "%s: set %s first", element, key);
        }
        if (strcmp(p.norm, "cmi.objectives.#.id") == 0
            || strcmp(p.norm, "cmi.interactions.#.objectives.#.id") == 0) {
            int rc = check_unique(m, &p, element, value);
            if (rc)
                return rc;
        }
    }
    int rc = check_value(m, d, &p, element, value, lms);
    if (rc)
        return rc;
    if (put_value(m, p.concrete, value) < 0
        || (append >= 0 && bump_count(m, p.concrete, colen) < 0))
        return fail(m, is12 ? CMI12_GENERAL : CMI04_GENERAL, "out of memory");
    return ok(m);
}

int cmi_set(CmiModel *m, const char *element, const char *value)
{
    return set_value(m, element, value, 0);
}

int cmi_load(CmiModel *m, const char *element, const char *value)
{
    return set_value(m, element, value, 1);
}

int cmi_foreach(const CmiModel *m, CmiVisitor fn, void *userdata)
{
    for (size_t i = 0; i < m->nv; i++) {
        int rc = fn(m->v[i].key, m->v[i].value, userdata);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- sessions and summary --------------------------------------------- */

static const char *value_or(const CmiModel *m, const char *key, const char *dflt)
{
    const char *v = find_value(m, key);
    return v ? v : dflt;
}

void cmi_begin_session(CmiModel *m)
{
    const char *exit_key = m->ed == SCORM_12 ? "cmi.core.exit" : "cmi.exit";
    const char *exit = value_or(m, exit_key, "");
    int resume = strcmp(exit, "suspend") == 0;
    put_value(m, m->ed == SCORM_12 ? "cmi.core.entry" : "cmi.entry",
              resume ? "resume" : "ab-initio");
    remove_value(m, exit_key);
    remove_value(m, m->ed == SCORM_12 ? "cmi.core.session_time" : "cmi.session_time");
}

void cmi_end_session(CmiModel *m)
{
    int is12 = m->ed == SCORM_12;
    const char *st_key = is12 ? "cmi.core.session_time" : "cmi.session_time";
    const char *tt_key = is12 ? "cmi.core.total_time" : "cmi.total_time";
    CmiSummary s;
    cmi_summary(m, &s);
    if (find_value(m, st_key)) {
        Buf b = BUF_INIT;
        if (is12)
            cmi_timespan_format(s.total_ms + s.session_ms, &b);
        else
            cmi_duration_format(s.total_ms + s.session_ms, &b);
        if (!b.failed) {
            put_value(m, tt_key, b.data);
            remove_value(m, st_key);
        }
        buf_release(&b);
    }
    double x, t;
    if (is12) {
        const char *mastery = value_or(m, "cmi.student_data.mastery_score", "");
        const char *credit = value_or(m, "cmi.core.credit", "credit");
        if (*mastery && s.has_raw && strcmp(credit, "credit") == 0 && is_real(mastery, &x))
            put_value(m, "cmi.core.lesson_status", s.raw >= x ? "passed" : "failed");
        return;
    }
    const char *sps = find_value(m, "cmi.scaled_passing_score");
    if (sps && is_real(sps, &t)) {
        const char *sc = find_value(m, "cmi.score.scaled");
        if (sc && is_real(sc, &x))
            put_value(m, "cmi.success_status", x >= t ? "passed" : "failed");
        else
            put_value(m, "cmi.success_status", "unknown");
    }
    const char *ct = find_value(m, "cmi.completion_threshold");
    if (ct && is_real(ct, &t)) {
        const char *pm = find_value(m, "cmi.progress_measure");
        if (pm && is_real(pm, &x))
            put_value(m, "cmi.completion_status", x >= t ? "completed" : "incomplete");
        else
            put_value(m, "cmi.completion_status", "unknown");
    }
}

static double real_or(const CmiModel *m, const char *key, double dflt, int *found)
{
    const char *v = find_value(m, key);
    double x;
    if (v && *v && is_real(v, &x)) {
        if (found)
            *found = 1;
        return x;
    }
    if (found)
        *found = 0;
    return dflt;
}

void cmi_summary(const CmiModel *m, CmiSummary *out)
{
    memset(out, 0, sizeof *out);
    int64_t ms = 0;
    if (m->ed == SCORM_12) {
        const char *st = value_or(m, "cmi.core.lesson_status", "not attempted");
        if (strcmp(st, "passed") == 0 || strcmp(st, "failed") == 0) {
            out->success = strcmp(st, "passed") == 0 ? "passed" : "failed";
            out->completion = "completed";
        } else {
            out->success = "unknown";
            out->completion = strcmp(st, "completed") == 0 ? "completed"
                : strcmp(st, "not attempted") == 0 ? "not attempted" : "incomplete";
        }
        out->raw = real_or(m, "cmi.core.score.raw", 0, &out->has_raw);
        out->min = real_or(m, "cmi.core.score.min", 0, NULL);
        out->max = real_or(m, "cmi.core.score.max", 100, NULL);
        out->location = value_or(m, "cmi.core.lesson_location", "");
        out->exit = value_or(m, "cmi.core.exit", "");
        if (cmi_timespan_parse(value_or(m, "cmi.core.total_time", ""), &ms) == 0)
            out->total_ms = ms;
        if (cmi_timespan_parse(value_or(m, "cmi.core.session_time", ""), &ms) == 0)
            out->session_ms = ms;
    } else {
        const char *c = value_or(m, "cmi.completion_status", "unknown");
        const char *s = value_or(m, "cmi.success_status", "unknown");
        /* static words, so the summary outlives changes to the model */
        for (const char *const *v = V_COMPLETION; *v; v++)
            if (strcmp(*v, c) == 0)
                out->completion = *v;
        for (const char *const *v = V_SUCCESS; *v; v++)
            if (strcmp(*v, s) == 0)
                out->success = *v;
        out->raw = real_or(m, "cmi.score.raw", 0, &out->has_raw);
        out->min = real_or(m, "cmi.score.min", 0, NULL);
        out->max = real_or(m, "cmi.score.max", 100, NULL);
        out->scaled = real_or(m, "cmi.score.scaled", 0, &out->has_scaled);
        out->location = value_or(m, "cmi.location", "");
        out->exit = value_or(m, "cmi.exit", "");
        if (cmi_duration_parse(value_or(m, "cmi.total_time", ""), &ms) == 0)
            out->total_ms = ms;
        if (cmi_duration_parse(value_or(m, "cmi.session_time", ""), &ms) == 0)
            out->session_ms = ms;
    }
    if (!out->completion)
        out->completion = "unknown";
    if (!out->success)
        out->success = "unknown";
    if (out->has_raw && !out->has_scaled && out->max > out->min) {
        out->scaled = (out->raw - out->min) / (out->max - out->min);
        if (out->scaled > 1)
            out->scaled = 1;
        if (out->scaled < -1)
            out->scaled = -1;
        out->has_scaled = 1;
    }
    out->suspend_data = value_or(m, "cmi.suspend_data", "");
}
