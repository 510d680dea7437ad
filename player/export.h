/* export: the results of every learner on this PC, for `wardplayer --export
 * FILE`: CSV (one row per learner x module attempt, RFC 4180) or a JSON array
 * of xAPI 1.0.3 statements. Reads the store only; no SDL. */
#ifndef EXPORT_H
#define EXPORT_H

#include <stdio.h>

#include "buf.h"
#include "store.h"

/* Column order of the CSV header row. */
#define EXPORT_CSV_HEADER "name,staff_id,role,setting,module,version,language,status," \
    "score,passed,completed,duration,last_activity"

/* Writes the CSV (header row, then attempts by learner name and start time,
 * lines ended by CRLF as RFC 4180 says) to out. Returns 0, or -1 with "what
 * failed: why" in err. */
int export_csv(Store *s, FILE *out, Buf *err);

/* Writes every result as xAPI statements, a JSON array: per attempt
 * "attempted", one "answered" per answer, then "completed" and
 * "passed"/"failed" when reached. home_page: the account homePage and
 * activity base (NULL: the store's "xapi.home_page" setting). */
int export_xapi(Store *s, FILE *out, const char *home_page, Buf *err);

/* Picks the format from the extension (".csv" or ".json", any case) and
 * writes the file through a temporary file renamed into place, so a failure
 * never leaves a half-written export. Returns 0, or -1 with err set (unknown
 * extension: "cannot export to 'x.txt' (use a .csv or .json file name)"). */
int export_file(Store *s, const char *path, Buf *err);

#endif
