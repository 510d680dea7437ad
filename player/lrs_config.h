/* lrs_config: where and how wardplayer sends its xAPI statements (the
 * Learning Record Store's endpoint, Basic-auth username and password, the
 * hospital's account homePage, batch size, timeouts and back-off), read from
 * an administrator-only file, the environment and flags. The password never
 * leaves this module except into the HTTP Authorization header: every text
 * that may reach a log goes through lrs_config_redact(). No SDL here. */
#ifndef LRS_CONFIG_H
#define LRS_CONFIG_H

#include <stddef.h>

#include "buf.h"

#define LRS_CONFIG_ENV "WARDPLAYER_LRS_CONFIG"          /* path of the file */
#define LRS_ENDPOINT_ENV "WARDPLAYER_LRS_ENDPOINT"
#define LRS_USERNAME_ENV "WARDPLAYER_LRS_USERNAME"
#define LRS_PASSWORD_ENV "WARDPLAYER_LRS_PASSWORD"
#define LRS_VALUE_MAX 512                               /* bytes, NUL included */

typedef struct LrsConfig {
    char endpoint[LRS_VALUE_MAX];       /* ".../xAPI/" (a trailing "/" is added) */
    char username[LRS_VALUE_MAX];
    char password[LRS_VALUE_MAX];       /* secret: never print it */
    char home_page[LRS_VALUE_MAX];      /* account homePage, "" when not set */
    int batch;                          /* statements per POST, 1..500 (50) */
    int timeout_s;                      /* whole request, 1..600 (30) */
    int connect_timeout_s;              /* 1..600 (10) */
    int retries;                        /* further tries after a failure, 0..20 (4) */
    int retry_base_ms;                  /* first wait, 0..600000 (1000) */
    int retry_max_ms;                   /* cap of the doubling wait (60000) */
    int background_sync;                /* the player sends while it runs, 0..1 (1) */
} LrsConfig;

/* Where the file is when neither --lrs-config nor $WARDPLAYER_LRS_CONFIG
 * names one: /etc/wardplayer/lrs.conf; Windows
 * %PROGRAMDATA%\wardplayer\lrs.conf. Borrowed, valid until exit. */
const char *lrs_config_default_path(void);

/* Sets the defaults above and empty strings. */
void lrs_config_init(LrsConfig *c);

/* Overwrites c (the password too) with zeros, then lrs_config_init. */
void lrs_config_wipe(LrsConfig *c);

/* Reads "key = value" lines ('#' starts a comment line; keys: endpoint,
 * username, password, home_page, batch, timeout, connect_timeout, retries,
 * retry_base_ms, retry_max_ms, background_sync) from text (len bytes) into c, overriding
 * what is there. name is the file name used in messages. Returns 0, or -1
 * with "name:line: error: what (fix)" in err; never quotes a password. */
int lrs_config_parse(LrsConfig *c, const char *name, const char *text, size_t len, Buf *err);

/* Reads the file at path after checking that it is a regular file that
 * neither group nor others can read or write (it holds a password); a
 * looser file is refused with "path: error: readable by group or others
 * (mode 0644) (it holds the LRS password: chmod 600 path)". Returns 0,
 * 1 when the file does not exist (c untouched), or -1 with err set. */
int lrs_config_load_file(LrsConfig *c, const char *path, Buf *err);

/* The usual sources in order: explicit path (a missing explicit file is an
 * error), else $WARDPLAYER_LRS_CONFIG (same), else /etc/wardplayer/lrs.conf
 * when it exists; then $WARDPLAYER_LRS_ENDPOINT, _USERNAME, _PASSWORD
 * override. path may be NULL. Returns 0 or -1 with err set. */
int lrs_config_load(LrsConfig *c, const char *path, Buf *err);

/* What the player's screen uses: lrs_config_load (path may be NULL), then
 * returns 1 when an endpoint is configured and background_sync is not 0
 * (checked with lrs_config_check), 0 when no LRS is configured or background
 * sync is off, -1 with err set on a bad configuration. */
int lrs_config_load_player(LrsConfig *c, const char *path, Buf *err);

/* Checks that an endpoint is set and is http(s) without user:password in
 * it. Returns 0, or -1 with a message with the fix in err. */
int lrs_config_check(const LrsConfig *c, Buf *err);

/* Appends text to out with the password, the Basic-auth token and any
 * "user:password@" of a URL replaced by "***". */
void lrs_config_redact(const LrsConfig *c, const char *text, Buf *out);

/* Appends the statements URL: endpoint + "statements". */
void lrs_config_statements_url(const LrsConfig *c, Buf *out);

#endif
