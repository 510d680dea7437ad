/* package: SCORM zip files. Writing is deterministic (entries sorted by name,
 * fixed mtime, uid/gid 0, mode 0644, no directory entries) and atomic (temp
 * file in the same folder, fsync, rename). Reading builds an index of a zip's
 * entries without extracting anything and refuses hostile archives. */
#ifndef PACKAGE_H
#define PACKAGE_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"

#define PACKAGE_MTIME_DEFAULT 315532800LL   /* 1980-01-01 00:00:00 UTC */

/* One file to put in a zip. Either data/size (borrowed), or, when data is
 * NULL, the bytes of the file at `file` on disk, streamed in chunks. */
typedef struct PackageEntry {
    const char *name;       /* path in the zip: relative, '/'-separated, UTF-8 */
    const void *data;       /* borrowed; NULL: read `file` */
    size_t size;            /* bytes of data; for a file, 0 or the size it must
                               still have (it was checked at that size) */
    const char *file;       /* path on disk, used when data is NULL */
} PackageEntry;

/* The mtime to write: SOURCE_DATE_EPOCH from the environment when it is a
 * valid number >= PACKAGE_MTIME_DEFAULT, otherwise PACKAGE_MTIME_DEFAULT. */
long long package_mtime_from_env(void);

/* Writes a zip (deflate) of entries (any order; written sorted by name) at
 * path, atomically: on failure path is left as it was and no temporary file
 * remains. Entry names must be safe relative paths, unique. Returns 0, or -1
 * with messages in d (SrcLoc file = path or the entry's name). */
int package_write_zip(const char *path, const PackageEntry *entries, size_t n,
                      long long mtime, Diag *d);

/* The same zip bytes into out (appended). Returns 0 or -1 with messages in d. */
int package_write_zip_memory(const PackageEntry *entries, size_t n, long long mtime,
                             Buf *out, Diag *d);

/* The default read limits: a zip's, and an unzipped package folder's too. */
#define PACKAGE_MAX_ENTRIES 20000
#define PACKAGE_MAX_ENTRY_SIZE (256ull << 20)
#define PACKAGE_MAX_TOTAL_SIZE (1ull << 30)

/* Limits applied when reading; a zero member means the default shown. */
typedef struct PackageLimits {
    size_t max_entries;                 /* 0 = PACKAGE_MAX_ENTRIES */
    unsigned long long max_entry_size;  /* 0 = PACKAGE_MAX_ENTRY_SIZE, uncompressed */
    unsigned long long max_total_size;  /* 0 = PACKAGE_MAX_TOTAL_SIZE, uncompressed */
    unsigned max_ratio;                 /* 0 = 200 (uncompressed / compressed), for
                                           entries above 16 MiB */
} PackageLimits;

typedef struct PackageFileInfo {
    const char *name;                   /* owned by the Package */
    unsigned long long size;            /* uncompressed bytes, from the archive */
} PackageFileInfo;

typedef struct Package Package;

/* Opens a zip from a file (package_open) or memory (package_open_memory: data
 * is borrowed and must outlive the Package) and indexes its regular files;
 * directory entries are skipped. label names the zip in messages (NULL: path).
 * Refuses, with a message in d: not a zip, truncated, absolute paths, '..',
 * backslashes, links or other non-regular entries, duplicate names, invalid
 * UTF-8 names, too many entries, entries or a total above the limits, zip-bomb
 * compression ratios. limits may be NULL (defaults). Returns a new Package
 * (package_close() it) or NULL. */
Package *package_open(const char *path, const PackageLimits *limits, Diag *d);
Package *package_open_memory(const void *data, size_t size, const char *label,
                             const PackageLimits *limits, Diag *d);
void package_close(Package *p);     /* accepts NULL */

/* Entries in name order; borrowed, valid until package_close(). */
size_t package_count(const Package *p);
const PackageFileInfo *package_file(const Package *p, size_t i);

/* Looks an entry up by exact name (binary search). NULL when absent. */
const PackageFileInfo *package_find(const Package *p, const char *name);

/* Reads one entry's bytes into out (appended; NUL-terminated as every Buf).
 * Random access: the read starts at the entry's local header (its offset
 * comes from the central directory), so its cost does not depend on the
 * number of entries; when that fails it walks the headers from the start.
 * Fails, with a message in d, when the entry is absent, its bytes exceed
 * max_bytes (0 = the entry-size limit) or the archive is damaged. Returns 0 or -1. */
int package_read(Package *p, const char *name, size_t max_bytes, Buf *out, Diag *d);

/* Whether name is a safe relative entry path: not empty, no leading '/',
 * no '\\', no '.' or '..' component, no empty component, valid UTF-8, no
 * control characters. On failure *why (static string) says why. */
int package_name_ok(const char *name, const char **why);

#endif
