/* settings: what the ward PC's administrator decides for every learner,
 * read from "key = value" lines in /etc/wardplayer/wardplayer.conf (or the
 * file --config or $WARDPLAYER_CONFIG names). Learners cannot change it: the
 * file must not be writable by anyone but its owner (root or the account
 * that runs the player). No SDL here. */
#ifndef SETTINGS_H
#define SETTINGS_H

#include <stddef.h>

#include "buf.h"

#define SETTINGS_ENV "WARDPLAYER_CONFIG"        /* path of the file */

typedef struct Settings {
    int idle_timeout_minutes;   /* log the learner out after this long without input,
                                   saving first; 0 = never; 0..1440 (10) */
    int retention_days;         /* finished attempts older than this, once every statement
                                   of theirs is sent, are removed (store_purge_finished);
                                   0 = kept for ever; 0..3650 (0) */
} Settings;

/* Where the file is when neither --config nor $WARDPLAYER_CONFIG names one:
 * /etc/wardplayer/wardplayer.conf; Windows %PROGRAMDATA%\wardplayer\wardplayer.conf.
 * Borrowed, valid until exit. */
const char *settings_default_path(void);

/* Sets the defaults above. */
void settings_init(Settings *s);

/* Reads "key = value" lines ('#' starts a comment line) from text (len
 * bytes) into s; name is the file name used in messages. Every line is read:
 * a bad one leaves its key at its former value and adds "name:line: error:
 * what (fix)" to err (one line each). Returns 0, or -1 when a line was bad. */
int settings_parse(Settings *s, const char *name, const char *text, size_t len, Buf *err);

/* Reads the file at path into s after checking that it is a regular file no
 * one but its owner (root or this account) can write. Returns 0, 1 when the
 * file does not exist (s untouched), or -1 with err set (s keeps what could
 * be read). */
int settings_load_file(Settings *s, const char *path, Buf *err);

/* The usual sources: path (a missing explicit file is an error), else
 * $WARDPLAYER_CONFIG (same), else /etc/wardplayer/wardplayer.conf when it
 * exists. path may be NULL. Starts from the defaults. Returns 0 or -1 with
 * err set; s always holds usable settings. */
int settings_load(Settings *s, const char *path, Buf *err);

#endif
