/* cmi: the SCORM run-time data model (SCORM 1.2 "cmi.core.*" and SCORM 2004
 * 4th Edition "cmi.*"): element names, access (RO/RW/WO), data types,
 * vocabularies, collections with _count and the in-order rule, and the error
 * codes of each edition. The player records a package's results through it
 * exactly as an LMS would; the store saves what cmi_foreach() lists. */
#ifndef CMI_H
#define CMI_H

#include <stdint.h>

#include "buf.h"
#include "course.h"

/* Error codes. The two editions share some numbers with different meanings:
 * compare against the constants of the model's edition. */
enum {
    CMI_OK = 0,
    /* SCORM 1.2 (RTE 1.2 p.23) */
    CMI12_GENERAL = 101,
    CMI12_INVALID_ARGUMENT = 201,       /* unknown element, bad index */
    CMI12_NO_CHILDREN = 202,
    CMI12_NO_COUNT = 203,
    CMI12_NOT_INITIALIZED = 301,
    CMI12_NOT_IMPLEMENTED = 401,
    CMI12_KEYWORD = 402,                /* set on _children, _count, _version */
    CMI12_READ_ONLY = 403,
    CMI12_WRITE_ONLY = 404,
    CMI12_TYPE = 405,                   /* bad type, vocabulary or range */
    /* SCORM 2004 (RTE 2004 4th Ed, 3.1.7) */
    CMI04_GENERAL = 101,
    CMI04_INIT_FAILURE = 102,
    CMI04_ALREADY_INITIALIZED = 103,
    CMI04_INSTANCE_TERMINATED = 104,
    CMI04_TERMINATION_FAILURE = 111,
    CMI04_TERMINATE_BEFORE_INIT = 112,
    CMI04_TERMINATE_AFTER_TERMINATE = 113,
    CMI04_GET_BEFORE_INIT = 122,
    CMI04_GET_AFTER_TERMINATE = 123,
    CMI04_SET_BEFORE_INIT = 132,
    CMI04_SET_AFTER_TERMINATE = 133,
    CMI04_COMMIT_BEFORE_INIT = 142,
    CMI04_COMMIT_AFTER_TERMINATE = 143,
    CMI04_ARGUMENT = 201,
    CMI04_GET_FAILURE = 301,            /* no children/count, index out of range */
    CMI04_SET_FAILURE = 351,            /* out of order, duplicate id, SPM */
    CMI04_COMMIT_FAILURE = 391,
    CMI04_UNDEFINED = 401,
    CMI04_UNIMPLEMENTED = 402,
    CMI04_NOT_INITIALIZED = 403,        /* value never set and no default */
    CMI04_READ_ONLY = 404,
    CMI04_WRITE_ONLY = 405,
    CMI04_TYPE = 406,
    CMI04_RANGE = 407,
    CMI04_DEPENDENCY = 408,             /* e.g. interactions.n.type before .id */
};

typedef struct CmiModel CmiModel;

/* Returns a new, empty model: nothing is set, and cmi_summary() reports the
 * edition's initial state (1.2 "not attempted", 2004 "unknown", no score, no
 * time). NULL when out of memory. Free with cmi_free(). */
CmiModel *cmi_new(ScormEdition ed);
void cmi_free(CmiModel *m);                          /* accepts NULL */
ScormEdition cmi_edition(const CmiModel *m);

/* SetValue, with the SCO's rights: RO elements and keywords are refused,
 * values are checked against the element's type, vocabulary, range and SPM,
 * collection members must be created in order (index == _count appends).
 * Returns CMI_OK or the edition's error code; on error nothing changes. */
int cmi_set(CmiModel *m, const char *element, const char *value);

/* The LMS side: sets any element, read-only ones included (cmi.learner_id,
 * cmi.core.student_name, cmi.entry, cmi.total_time, cmi.launch_data,
 * cmi.student_data.mastery_score, cmi.scaled_passing_score...), with the same
 * type checks and in-order rule. Used to initialise a model and to load back
 * what cmi_foreach() listed. Returns CMI_OK or an error code. */
int cmi_load(CmiModel *m, const char *element, const char *value);

/* Text of the last cmi_set/cmi_load error (GetDiagnostic): names the element
 * and the rule, e.g. "cmi.score.scaled: 1.5 is out of range (-1 to 1)".
 * Borrowed; valid until the next call on m. */
const char *cmi_diagnostic(const CmiModel *m);

/* Calls fn for every value that was set or loaded (defaults that were never
 * changed are left out), in the order they were first set, so that feeding
 * them back to cmi_load() in that order rebuilds the same model. Keywords
 * (_count...) are not listed. fn returns non-zero to stop; that value is
 * returned. element and value are borrowed for the call. */
typedef int (*CmiVisitor)(const char *element, const char *value, void *userdata);
int cmi_foreach(const CmiModel *m, CmiVisitor fn, void *userdata);

/* Session boundaries (what an LMS does around a launch).
 * cmi_begin_session: after loading a saved attempt: entry becomes "resume"
 * when the last exit was "suspend" (and 1.2 "logout" is not resumed), else
 * "ab-initio"; exit and session_time (write-only, per session) are cleared.
 * cmi_end_session: at Terminate/LMSFinish: session_time is added to
 * total_time; SCORM 2004: success_status is evaluated from score.scaled and
 * cmi.scaled_passing_score, completion_status from progress_measure and
 * cmi.completion_threshold, when those are set (RTE 4.2.4.1, 4.2.22.1);
 * SCORM 1.2: lesson_status becomes passed/failed from score.raw and
 * student_data.mastery_score when both are set (RTE 1.2 3.4.4). */
void cmi_begin_session(CmiModel *m);
void cmi_end_session(CmiModel *m);

/* What a result is worth, in edition-neutral terms (1.2's lesson_status is
 * split: passed/failed -> success, completed/passed/failed -> completed).
 * Strings are static vocabulary words or borrowed values (valid until the next
 * change to m). */
typedef struct CmiSummary {
    const char *completion;     /* "completed", "incomplete", "not attempted", "unknown" */
    const char *success;        /* "passed", "failed", "unknown" */
    int has_raw;                /* score.raw set */
    double raw, min, max;       /* min/max: 0 and 100 when not set */
    int has_scaled;             /* 2004 score.scaled set, or derived from raw/min/max */
    double scaled;              /* -1..1 */
    const char *location;       /* "" when unset */
    const char *suspend_data;   /* "" when unset */
    const char *exit;           /* "" when unset */
    int64_t total_ms;           /* cmi.total_time */
    int64_t session_ms;         /* cmi.session_time, 0 when unset */
} CmiSummary;
void cmi_summary(const CmiModel *m, CmiSummary *out);

/* ---- data types, usable on their own --------------------------------- */

/* SCORM 1.2 CMITimespan "HHHH:MM:SS.SS" (hours 2-4 digits, minutes and
 * seconds 2 digits below 60, 1-2 decimals). Parse: 0 and *ms, or -1. Format:
 * appends "0001:02:03.45" (hours capped at 9999:59:59.99). */
int cmi_timespan_parse(const char *s, int64_t *ms);
void cmi_timespan_format(int64_t ms, Buf *out);

/* SCORM 2004 timeinterval (ISO 8601 duration "P[nY][nM][nD][T[nH][nM][n[.n]S]]",
 * at least one part, seconds with at most 2 decimals). Parse: 0 and *ms, or
 * -1 (a year counts 365 days and a month 30 days, since a duration has no
 * calendar anchor). Format: appends "PT1H5M30.25S" style ("PT0S" for 0). */
int cmi_duration_parse(const char *s, int64_t *ms);
void cmi_duration_format(int64_t ms, Buf *out);

/* SCORM 2004 time(second,10,0): "YYYY[-MM[-DD[Thh[:mm[:ss[.s[s]]]][TZD]]]]",
 * year 1970-2038, a TZD ("Z", "+hh", "+hh:mm") only after seconds.
 * Returns 1 when valid. */
int cmi_timestamp_valid(const char *s);

/* Appends the UTC time ms (milliseconds since 1970) as
 * "2026-11-28T11:05:09.25Z" (valid 2004 timestamp and xAPI timestamp). */
void cmi_timestamp_format(int64_t ms, Buf *out);

#endif
