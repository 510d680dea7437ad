/* pkgfixture: test helpers for packages: zips built without any of
 * package_write_zip's checks (so tests can make hostile ones), temp folders. */
#ifndef PKGFIXTURE_H
#define PKGFIXTURE_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"
#include "package.h"

enum { PKGFIXTURE_FILE, PKGFIXTURE_SYMLINK, PKGFIXTURE_DIR, PKGFIXTURE_HARDLINK };

typedef struct PkgfixtureEntry {
    const char *name;       /* written as is */
    const char *data;       /* NUL-terminated; NULL: `zeros` zero bytes */
    size_t zeros;
    int type;               /* PKGFIXTURE_* */
    const char *target;     /* link target */
} PkgfixtureEntry;

/* Appends a zip (deflate, fixed mtime) of entries, in the order given, to out.
 * Returns 0, or -1 when libarchive refused (message on stderr). */
int pkgfixture_zip(const PkgfixtureEntry *entries, size_t n, Buf *out);

/* The bytes package_write_zip writes for entries (into a temporary folder,
 * removed afterwards), appended to out: what coursepack puts on disk. Returns
 * 0, or -1 with package_write_zip's messages in d. */
int pkgfixture_write_zip(const PackageEntry *entries, size_t n, long long mtime, Buf *out,
                         Diag *d);

/* Writes bytes to path (truncating). Returns 0 or -1. */
int pkgfixture_write_file(const char *path, const void *data, size_t n);

/* Reads a whole file into out. Returns 0 or -1. */
int pkgfixture_read_file(const char *path, Buf *out);

/* Creates a new empty folder under $TMPDIR (or /tmp); returns its path
 * (free() it), or NULL. */
char *pkgfixture_tmpdir(void);

/* Removes a folder and its contents (no symlink following). */
void pkgfixture_rmtree(const char *dir);

/* Number of entries in folder dir (not counting . and ..), or -1. */
int pkgfixture_count_files(const char *dir);

#endif
