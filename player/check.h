/* check: `wardplayer --check PKG`, the package's problems as an
 * administrator reads them. */
#ifndef CHECK_H
#define CHECK_H

#include "buf.h"

/* Problems of a package (a zip or an unzipped package folder) into out, one
 * per line, as `wardplayer --check` prints them. Returns 0 when it can be
 * played. */
int ui_check(const char *path, Buf *out);

#endif
