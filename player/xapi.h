/* xapi: xAPI 1.0.3 statements for the player's results (attempted, answered,
 * completed, passed, failed), built with jansson. Each statement has a stable
 * id derived from learner, activity, verb and attempt, so recording or
 * exporting a result twice never makes two results in a Learning Record Store.
 * Used by the store (outbox) and by export. */
#ifndef XAPI_H
#define XAPI_H

#include <stddef.h>

#include <jansson.h>

#include "store.h"

#define XAPI_VERSION "1.0.3"
#define XAPI_DEFAULT_HOME_PAGE "http://wardplayer.invalid"

typedef enum XapiVerb {
    XAPI_ATTEMPTED,
    XAPI_ANSWERED,
    XAPI_COMPLETED,
    XAPI_PASSED,
    XAPI_FAILED,
    XAPI_INITIALIZED,       /* cmi5: a session begins */
    XAPI_TERMINATED,        /* cmi5: a session ends */
} XapiVerb;

/* "http://adlnet.gov/expapi/verbs/attempted"... and the English display word.
 * Static. */
const char *xapi_verb_iri(XapiVerb v);
const char *xapi_verb_word(XapiVerb v);

/* Writes a random (version 4) UUID, lower case, 36 characters + NUL. */
void xapi_uuid_random(char out[37]);

/* Name-based UUID: the first 16 bytes of BLAKE2b (libsodium
 * crypto_generichash, keyed by nothing, 16-byte output) of
 * "wardplayer-xapi-v1\n" + name, with the RFC 4122 variant bits (10xx) and
 * the version nibble 5 (name-based). Same name, same UUID; it is not the
 * SHA-1 value RFC 4122 v5 would give, which no consumer needs to recompute. */
void xapi_uuid_from_name(const char *name, size_t len, char out[37]);

/* The statement id of (learner, activity, verb, attempt): the name-based UUID
 * of "<learner uuid>\n<package id>[/<item id>]\n<verb IRI>\n<attempt uuid>".
 * item_id is NULL for module-level verbs. */
void xapi_statement_id(const char *learner_uuid, const char *package_id, const char *item_id,
                       XapiVerb v, const char *attempt_uuid, char out[37]);

/* Activity ids: "<home>/activities/<package id>" and
 * "<home>/activities/<package id>/<item id>" (a trailing "/" of home is
 * dropped). Appended to out. */
void xapi_activity_id(const char *home_page, const char *package_id, const char *item_id,
                      Buf *out);

/* A module-level statement (attempted, completed, passed, failed) for an
 * attempt, timestamped timestamp (ISO 8601; NULL: a->updated, or a->started
 * for attempted). A new reference: json_decref() it. NULL when out of memory
 * or when the learner has neither a staff id nor a profile UUID. */
json_t *xapi_attempt_statement(const char *home_page, const StoreAttempt *a, XapiVerb v,
                               const char *timestamp);

/* An "answered" statement for one interaction of an attempt. */
json_t *xapi_answer_statement(const char *home_page, const StoreAttempt *a,
                              const StoreAnswer *ans);

/* ---- the cmi5 profile ------------------------------------------------------
 * An attempt at a cmi5 package (edition SCORM_CMI5) reports as a cmi5 AU
 * does under an LMS (cmi5 sections 9 and 10): the attempt is the
 * registration, each time the learner opens the module is a session with
 * its own id, and the context carries what an LMS's contextTemplate would:
 * the AU's publisher id (cmi5.xml) in contextActivities.grouping and the
 * session id. initialized and terminated open and close a session;
 * completed, passed and failed are cmi5 defined (cmi5 and moveOn
 * categories, masteryScore with passed and failed, no completion on them,
 * an integer raw); answered is cmi5 allowed. The player is not the course's
 * LMS: the LMS's own statements (launched, satisfied) are not made. */
typedef struct XapiCmi5 {
    char session[37];           /* the session's id (a random UUID) */
    char publisher_id[1024];    /* the AU's id in cmi5.xml */
    int mastery;                /* masteryScore in ten-thousandths; -1: none */
} XapiCmi5;

/* Turns a statement of xapi_attempt_statement (completed, passed, failed) or
 * xapi_answer_statement (answered) into its cmi5 form for session c. Takes
 * st; returns it, or NULL when st was NULL or memory ran out. */
json_t *xapi_cmi5(json_t *st, XapiVerb v, const XapiCmi5 *c);

/* initialized or terminated for session c of attempt a, at timestamp (NULL:
 * now); terminated carries the session's duration and, when the attempt is
 * not completed, how far the learner got (progress 0..100; -1: left out).
 * Its id is derived from the session's, so it is made once per session. */
json_t *xapi_cmi5_session_statement(const char *home_page, const StoreAttempt *a, XapiVerb v,
                                    const XapiCmi5 *c, const char *timestamp,
                                    int64_t duration_ms, int progress);

#endif
