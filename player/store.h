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
#define STORE_LIVE_FILE "learners.live"     /* the live sessions' locks, beside it */
#define STORE_SCHEMA_VERSION 3
#define STORE_PIN_FREE_TRIES 5
#define STORE_BUSY_MS 2000          /* how long a write waits for another program's lock */
#define STORE_START_WAIT_MS 3000    /* the same, when the store opens */
#define STORE_MIN_FREE (1024 * 1024)    /* bytes free on the disk below which it is "full" */

/* What went wrong, for the interface to say in words (its catalogue) and the
 * log to record with store_errmsg()'s technical detail. Every function
 * returns 0 or one of these; every one is negative. */
typedef enum StoreCode {
    STORE_OK = 0,
    STORE_ERROR = -1,          /* anything else: out of memory, a bug, an unknown failure */
    STORE_BAD_PIN = -2,        /* wrong PIN, or a PIN is required and none given */
    STORE_LOCKED = -3,         /* no profile is open: call store_login() first */
    STORE_INVALID = -4,        /* bad argument (empty name, PIN not 4 digits...) */
    STORE_NOT_FOUND = -5,      /* no such profile or attempt (or no store file yet) */
    STORE_PIN_WAIT = -6,       /* too many wrong PINs: store_pin_wait() says how long */
    STORE_BUSY = -7,           /* another program held the file's lock past the limit */
    STORE_READ_ONLY = -8,      /* the file or its folder cannot be written by this account */
    STORE_FULL = -9,           /* the disk is full */
    STORE_DAMAGED = -10,       /* the file is damaged (and was not salvaged) */
    STORE_TOO_NEW = -11,       /* written by a newer wardplayer */
    STORE_IN_USE = -12,        /* the attempt is open in another live player */
    STORE_TAKEN_OVER = -13,    /* another player took this attempt over: nothing was written */
    STORE_IO = -14,            /* the disk failed to read or write */
} StoreCode;

/* A short stable name of a code ("busy", "read-only"...), for logs. Static. */
const char *store_code_name(int code);

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
    const char *result;                 /* "correct", "incorrect", "neutral", or the
                                           fraction earned as a SCORM real ("0.5") */
    double weight;
    int64_t latency_ms;                 /* time to answer, 0 when unknown */
    const char *timestamp;              /* ISO 8601; NULL: now */
    /* read back only (the store derives them from result, store_result_score) */
    int has_score;
    double score;                       /* fraction of weight earned, 0..1 */
} StoreAnswer;

/* The fraction of its weight an answer earned, from its result: "correct" 1,
 * "incorrect" (or "wrong") 0, a number in 0..1 that number. Returns 1 and
 * sets *score, or 0 when the result scores nothing ("neutral"...). The one
 * reading of results the store, the CSV and the xAPI statements share. */
int store_result_score(const char *result, double *score);

/* What a salvage of a damaged file recovered into the new store, and what
 * it could not (see store_open_with). Counts are rows. */
typedef struct StoreSalvage {
    int done;                   /* 1 when this open salvaged a damaged file */
    char kept[64];              /* base name the damaged file was kept under */
    char report[80];            /* base name of the report beside it ("" if none written) */
    size_t learners, attempts, answers, cmi_values, pages_seen, settings;
    size_t unsent, sent;        /* xAPI statements, with their ids */
    size_t dropped;             /* rows read whose profile or attempt was unreadable */
    size_t bad_pages, pages;    /* pages that could not be read, of all */
    int schema_lost;            /* the table list was unreadable: rows were told by shape */
} StoreSalvage;

enum {
    STORE_OPEN_CREATE = 1u << 0,    /* create a missing file (else STORE_NOT_FOUND) */
    STORE_OPEN_SALVAGE = 1u << 1,   /* salvage a damaged file (else STORE_DAMAGED) */
    STORE_OPEN_SESSION = 1u << 2,   /* a player's session: may own attempts; probes a write */
};
#define STORE_OPEN_PLAYER (STORE_OPEN_CREATE | STORE_OPEN_SALVAGE | STORE_OPEN_SESSION)

/* Opens dir/learners.db as flags say, migrating an older schema (PRAGMA
 * user_version) to STORE_SCHEMA_VERSION. Before SQLite touches the file it
 * checks that this account can write the file, its -wal/-shm and its folder
 * (STORE_READ_ONLY: nothing is created there, so no file owned by the wrong
 * account is left behind) and that the disk has STORE_MIN_FREE bytes free
 * (STORE_FULL). A session also writes once (the time it opened) to prove the
 * store takes writes. Another program holding the write lock more than
 * STORE_START_WAIT_MS gives STORE_BUSY.
 * A damaged file (not SQLite, or PRAGMA quick_check not "ok") is, with
 * STORE_OPEN_SALVAGE, read page by page (salvage.h) into a new store: every
 * readable profile, attempt, answer, CMI value and statement (with its id
 * and sent mark), while the damaged file is kept (never deleted) as
 * "learners.db.corrupt-<YYYYMMDDTHHMMSSZ>" with a report "<that>.txt";
 * *salvage (may be NULL) says what was recovered. Not while another player
 * has the store open: STORE_BUSY then.
 * Returns NULL on failure with the code in *code (may be NULL) and the
 * technical detail ("what failed: why") in err (may be NULL). */
Store *store_open_with(const char *dir, unsigned flags, int *code, StoreSalvage *salvage,
                       Buf *err);
/* store_open_with(STORE_OPEN_PLAYER); a salvage is told in English in notice
 * (may be NULL), for administrators' tools. */
Store *store_open(const char *dir, Buf *notice, Buf *err);
/* A further connection to a store another part of the program (or another
 * process) has open — the background sync: no creating, no salvage, no
 * session (store_open_with(0)). */
Store *store_open_secondary(const char *dir, Buf *err);
void store_close(Store *s);                         /* accepts NULL */

/* Technical detail of the last error ("what failed: sqlite3_errmsg"), for
 * logs, never for learners; borrowed. */
const char *store_errmsg(const Store *s);

/* After STORE_PIN_WAIT: the seconds the profile still waits. */
int store_pin_wait(const Store *s);

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
void store_logout(Store *s);                        /* lets go of its attempts */
int64_t store_current_learner(const Store *s);      /* 0 when none */

/* Changes the open profile's context or PIN (pin NULL or "" removes it). */
int store_learner_set_context(Store *s, const char *role, const char *setting);
int store_learner_set_pin(Store *s, const char *pin);

/* ---- attempts (need an open profile) -------------------------------------- */

/* Finds the open profile's unfinished attempt at this package (same id,
 * version, language) or starts a new one, and makes this store its one
 * writer (the attempt's live session). *resumed is 1 for an existing one.
 * For a new attempt an "attempted" xAPI statement joins the outbox.
 * STORE_IN_USE (with *attempt set) when another live player has the attempt
 * open: the caller may then store_attempt_take_over() it or leave it. A
 * player that ended without letting go (killed, crashed) does not count:
 * its session is alive only while its process holds its lock. */
int store_attempt_begin(Store *s, const char *package_id, const char *version,
                        const char *lang, ScormEdition ed, int64_t *attempt, int *resumed);

/* Makes this store the attempt's writer although another player has it
 * open; that player's next write returns STORE_TAKEN_OVER (nothing written). */
int store_attempt_take_over(Store *s, int64_t attempt);

/* Lets go of an attempt this store writes (the module is closed); others
 * may then open it without taking it over. store_logout and store_close let
 * go of every one. */
int store_attempt_release(Store *s, int64_t attempt);

/* Every write to an attempt below checks first, in its transaction, that
 * this store is still its writer: STORE_TAKEN_OVER otherwise. */

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
/* The same, only those about one learner (learner_id; 0: every one). */
int store_outbox_pending_for(Store *s, int64_t learner_id, StoreOutboxVisitor fn,
                             void *userdata);


/* Every statement of one attempt (sent or not), oldest first: a cmi5
 * attempt's statements cannot be made again later (their sessions are
 * gone), so an export takes them from here. */
int store_outbox_of_attempt(Store *s, int64_t attempt, StoreOutboxVisitor fn, void *userdata);
int store_outbox_mark_sent(Store *s, const char *id);
/* How many statements wait: *n. For one learner (learner_id) or all (0). */
int store_outbox_count_pending(Store *s, int64_t learner_id, size_t *n);

/* ---- erasure and retention (administrators) --------------------------------- */

/* Profiles whose name, staff id or uuid is who (exact, case-insensitive for
 * names), in *out (new array of *n: free()). */
int store_learner_find(Store *s, const char *who, StoreLearner **out, size_t *n);

/* Removes a profile with its attempts, answers, CMI values, pages seen and
 * every statement about it, sent or not, in one transaction, overwriting the
 * freed space (secure_delete) and the WAL (checkpoint): nothing of it stays
 * in learners.db. *statements counts the statements removed. */
int store_learner_forget(Store *s, int64_t learner_id, size_t *attempts, size_t *statements);

/* Removes finished attempts (closed, completed, passed or failed) last
 * changed more than days ago whose statements were all sent (an attempt
 * still waiting to reach the LRS stays), with their answers, values, pages
 * and sent statements. *n counts the attempts. */
int store_purge_finished(Store *s, int days, size_t *n);

#endif
