/* zip_fixup: the last touches on a zip that libarchive has just written,
 * before it is synced and renamed into place.
 *
 * 1. libarchive writes each entry's DOS date in local time, so the bytes
 *    would depend on TZ: the dates are rewritten from mtime in UTC (local
 *    headers and central directory; the extended timestamp is UTC already).
 * 2. libarchive streams every entry with a data descriptor (flag bit 3: CRC
 *    and sizes after the data). For a stored entry that is legal but some
 *    LMS importers read zips as a stream (Java's ZipInputStream refuses
 *    "STORED entries with EXT descriptor"). The package writer drops those
 *    16-byte descriptors as they are written (package.c); here the CRC and
 *    sizes go into the local headers, flag bit 3 is cleared, and the offsets
 *    of everything after each dropped descriptor are moved back. */
#ifndef ZIP_FIXUP_H
#define ZIP_FIXUP_H

#include <stddef.h>

/* A zip data descriptor without Zip64 sizes: signature, CRC, two sizes. */
#define ZIP_DESCRIPTOR_SIZE 16

/* Where a descriptor was left out: the offset of its entry's local header
 * as libarchive counted it (that is, with the earlier dropped descriptors
 * still counted). Ascending, one per dropped descriptor. */
typedef struct ZipDropped {
    const unsigned long long *headers;
    size_t count;
} ZipDropped;

/* Fixes the zip written to fd (the whole file): only the central directory
 * and a few bytes per local header are read and rewritten. Returns 0, or -1
 * with errno set (EINVAL: not laid out as libarchive writes it, with why
 * set to a static string). */
int zip_fixup_fd(int fd, long long mtime, ZipDropped dropped, const char **why);

/* The DOS time and date of mtime (UTC), as 4 little-endian bytes. */
void zip_fixup_dos_time(long long mtime, unsigned char out[4]);

#endif
