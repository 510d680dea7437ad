/* log: the player's technical log. A learner is told what happened in the
 * interface language (the message catalogue); the cause an administrator
 * needs (SQLite's message, the errno, the file, the code) goes here: one
 * timestamped line per event in <data dir>/wardplayer.log, and the same
 * line on stderr. The file is size-capped: past LOG_MAX_BYTES it becomes
 * wardplayer.log.1 (the one before is dropped) and a new one starts, so it
 * never holds more than twice that. Callers log technical detail only
 * (store_errmsg(), diagnostics): never a PIN, a password or an answer.
 * One log per process; safe to call from any thread. */
#ifndef LOG_H
#define LOG_H

#include "buf.h"    /* PRINTF_LIKE */

#define LOG_FILE "wardplayer.log"
#define LOG_MAX_BYTES (256 * 1024)

/* Starts writing to dir/wardplayer.log, created (POSIX mode 0600) only
 * where a new file stays usable by the folder's other accounts
 * (os_may_leave_files_in: on POSIX a folder this account owns, so a shared
 * folder takes no file of ours unless it has one already; on Windows the
 * data folder, whose access list every new file inherits). dir NULL, or
 * a folder that cannot take the file: stderr only. Returns 0, or -1 when
 * the file could not be opened (the log still goes to stderr). */
int log_open(const char *dir);

/* Closes the file; later lines go to stderr only. */
void log_close(void);

/* One line: "2026-03-01T09:30:00Z wardplayer: " + the formatted text. */
void log_msg(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* Path of the log file, or NULL when there is none; borrowed. */
const char *log_path(void);

#endif
