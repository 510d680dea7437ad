/* store: the learner store of a ward PC, one SQLite file <data dir>/learners.db
 * (WAL, synchronous=FULL): learner profiles (optional 4-digit PIN, kept only
 * as a libsodium crypto_pwhash_str hash), attempts per package, their SCORM
 * CMI values, answers, pages seen, and an outbox of xAPI statements.
 * Every write is one transaction committed before the function returns: an
 * answer the screen acknowledges survives a pulled plug. No SDL here. */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "cmi.h"

#define STORE_FILE "learners.db"
#define STORE_SCHEMA_VERSION 2
#define STORE_PIN_FREE_TRIES 5

/* Return codes besides 0 (success) and -1 (database or system error, text in
 * store_errmsg()). */
enum {
    STORE_BAD_PIN = -2,        /* wrong PIN, or a PIN is required and none given */
    STORE_LOCKED = -3,         /* no profile is open: call store_login() first */
    STORE_INVALID = -4,        /* bad argument (empty name, PIN not 4 digits...) */
    STORE_NOT_FOUND = -5,
    STORE_PIN_WAIT = -6,       /* too many wrong PINs: the profile waits (text says how long) */
};

typedef struct Store Store;

/* Sizes of the text fields (bytes, NUL included); longer input is refused
 * with STORE_INVALID. */
#define STORE_NAME_MAX 128
#define STORE_FIELD_MAX 64

typedef struct StoreLearner {
    int64_t id;
    char name[STORE_NAME_MAX];
    char staff_id[STORE_FIELD_MAX];     /* "" when none */
    char role[STORE_FIELD_MAX];         /* context id, "" when not chosen */
    char setting[STORE_FIELD_MAX];      /* context id, "" when not chosen */
    char uuid[37];                      /* random per profile, for xAPI */
    char created[32];                   /* ISO 8601 UTC */
    int has_pin;
} StoreLearner;

/* One module attempt with its learner, as export and the UI's history read it.
 * Strings are borrowed for the duration of a callback. */
typedef struct StoreAttempt {
    int64_t id;
    const char *uuid;                   /* random per attempt */
    const StoreLearner *learner;
    const char *package_id;             /* manifest identifier, e.g. "cp-ai-never-neutral" */
    const char *version;
    const char *lang;
    ScormEdition edition;
    const char *started, *updated;      /* ISO 8601 UTC */
    const char *completion;             /* completed / incomplete / not attempted / unknown */
    const char *success;                /* passed / failed / unknown */
    int has_score;
    double score_raw, score_min, score_max, score_scaled;
    const char *location;
    const char *suspend_data;
    int64_t total_ms;
    int closed;                         /* finished: a new launch starts a new attempt */
} StoreAttempt;

/* One recorded answer (question or scenario). */
typedef struct StoreAnswer {
    const char *item_id;                /* interaction id: "q-lab-accuracy" */
    const char *type;                   /* "choice", "true-false", ... (SCORM 2004 words) */
    const char *description;            /* question text, may be NULL */
    const char *response;               /* "a[,]c" (2004 format), "" when none */
    const char *correct_pattern;        /* may be NULL */
    const char *result;                 /* "correct", "incorrect", "neutral", ... */
    double weight;
    int64_t latency_ms;                 /* time to answer, 0 when unknown */
    const char *timestamp;              /* ISO 8601; NULL: now */
} StoreAnswer;

/* Opens dir/learners.db, creating it (and its schema) when missing and
 * migrating an older schema (PRAGMA user_version) to STORE_SCHEMA_VERSION.
 * A damaged file (not SQLite, or PRAGMA quick_check not "ok") is renamed
 * "learners.db.corrupt-<YYYYMMDDTHHMMSSZ>" (never deleted), a fresh database
 * is started and a message for the UI is put in notice (notice may be NULL).
 * Returns NULL on failure with "what failed: why" in err (may be NULL).
 * Close with store_close(). */
Store *store_open(const char *dir, Buf *notice, Buf *err);
/* A further connection to a store another part of the program (or another
 * process) has open — the background sync. It never creates the file and
 * never moves a damaged one aside (that is for store_open, at the next start
 * of the player): it fails with the reason in err instead. */
Store *store_open_secondary(const char *dir, Buf *err);
void store_close(Store *s);                         /* accepts NULL */

/* Text of the last error ("what failed: sqlite3_errmsg"); borrowed. */
const char *store_errmsg(const Store *s);

/* Path of the database file; borrowed. */
const char *store_path(const Store *s);

/* ---- settings (key/value) ---------------------------------------------- */

/* Known key: "xapi.home_page", the homePage of xAPI accounts and the base of
 * activity ids (default "http://wardplayer.invalid"; admins set their LMS's
 * address). store_setting_get clears value and writes the value or dflt. */
int store_setting_set(Store *s, const char *key, const char *value);
int store_setting_get(Store *s, const char *key, const char *dflt, Buf *value);

/* ---- learners ---------------------------------------------------------- */

/* Adds a profile. name is required; staff_id, role, setting may be NULL or
 * ""; pin is NULL or 4 digits. Sets *id. Returns 0, STORE_INVALID, -1. */
int store_learner_add(Store *s, const char *name, const char *staff_id, const char *role,
                      const char *setting, const char *pin, int64_t *id);

/* Lists every profile, by name. *out is a new array of *n items: free() it. */
int store_learner_list(Store *s, StoreLearner **out, size_t *n);
int store_learner_get(Store *s, int64_t id, StoreLearner *out);

/* Opens a profile: with a PIN set, pin must match (crypto_pwhash_str_verify);
 * without one, pin is ignored. After STORE_PIN_FREE_TRIES wrong PINs in a row
 * the profile refuses every PIN for 30 s, doubling with each further wrong
 * one up to 15 min (a 4-digit PIN cannot otherwise resist trying them all).
 * Returns 0, STORE_BAD_PIN, STORE_PIN_WAIT, STORE_NOT_FOUND, -1.
 * Until it succeeds, every attempt function returns STORE_LOCKED. */
int store_login(Store *s, int64_t learner_id, const char *pin);
void store_logout(Store *s);
int64_t store_current_learner(const Store *s);      /* 0 when none */

/* Changes the open profile's context or PIN (pin NULL or "" removes it). */
int store_learner_set_context(Store *s, const char *role, const char *setting);
int store_learner_set_pin(Store *s, const char *pin);

/* ---- attempts (need an open profile) -------------------------------------- */

/* Finds the open profile's unfinished attempt at this package (same id,
 * version, language) or starts a new one. *resumed is 1 for an existing one.
 * For a new attempt an "attempted" xAPI statement joins the outbox. */
int store_attempt_begin(Store *s, const char *package_id, const char *version,
                        const char *lang, ScormEdition ed, int64_t *attempt, int *resumed);

/* Saves the whole CMI model of an attempt (replacing the saved values) and
 * its summary columns in one transaction. When the model's status becomes
 * completed, passed or failed, the matching statement joins the outbox. */
int store_cmi_save(Store *s, int64_t attempt, const CmiModel *m);

/* Loads the saved values into m (a fresh model of the attempt's edition),
 * then the caller usually calls cmi_begin_session(m). */
int store_cmi_load(Store *s, int64_t attempt, CmiModel *m);

/* Records one answer and its "answered" statement, committed on return. */
int store_answer_record(Store *s, int64_t attempt, const StoreAnswer *a);

/* Marks a page seen (idempotent). */
int store_page_seen(Store *s, int64_t attempt, const char *page);
/* Whether a page was seen: 1, 0, or <0 on error. */
int store_page_was_seen(Store *s, int64_t attempt, const char *page);

/* Marks the attempt finished: the next store_attempt_begin starts anew. */
int store_attempt_close(Store *s, int64_t attempt);

/* ---- cmi5 sessions -----------------------------------------------------------
 * An attempt at a cmi5 package (edition SCORM_CMI5, stored as
 * STORE_EDITION_CMI5) reports in cmi5's profile (xapi.h): the statements the
 * attempt earns (completed, passed or failed, answered) are made in the
 * session open when they are recorded, and none without one. */
#define STORE_EDITION_CMI5 5

/* Opens a session of the attempt: a new session id, and its "initialized"
 * statement in the outbox. publisher_id is the AU's id in cmi5.xml; mastery
 * its masteryScore in ten-thousandths (-1: none). One session at a time per
 * store: a new one replaces the last. Returns 0, STORE_INVALID, -1. */
int store_cmi5_session_begin(Store *s, int64_t attempt, const char *publisher_id, int mastery);

/* Closes the attempt's session, if open: its "terminated" statement with
 * the session's duration and progress (0..100; -1: completed, none).
 * Returns 0 (also when no session was open) or -1. */
int store_cmi5_session_end(Store *s, int64_t attempt, int64_t duration_ms, int progress);

/* ---- reading for export and history (no PIN: admin side) ---------------- */

/* Every attempt of every learner (learner_id 0) or of one, by learner name
 * then start time. fn returns non-zero to stop; that value is returned. */
typedef int (*StoreAttemptVisitor)(const StoreAttempt *a, void *userdata);
int store_foreach_attempt(Store *s, int64_t learner_id, StoreAttemptVisitor fn,
                          void *userdata);

/* Every answer of an attempt, in the order recorded. Borrowed strings. */
typedef int (*StoreAnswerVisitor)(const StoreAnswer *a, void *userdata);
int store_foreach_answer(Store *s, int64_t attempt, StoreAnswerVisitor fn, void *userdata);

/* ---- xAPI outbox --------------------------------------------------------- */

/* Statements not yet sent, oldest first: fn gets the statement id and JSON. */
typedef int (*StoreOutboxVisitor)(const char *id, const char *json, void *userdata);
int store_outbox_pending(Store *s, StoreOutboxVisitor fn, void *userdata);

/* Every statement of one attempt (sent or not), oldest first: a cmi5
 * attempt's statements cannot be made again later (their sessions are
 * gone), so an export takes them from here. */
int store_outbox_of_attempt(Store *s, int64_t attempt, StoreOutboxVisitor fn, void *userdata);
int store_outbox_mark_sent(Store *s, const char *id);

#endif
