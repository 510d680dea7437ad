/* zip_fixup: UTC DOS dates and descriptor-free stored entries, rewritten in
 * place on a zip libarchive has just written (see zip_fixup.h). */
#include "zip_fixup.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "le.h"
#include "os.h"

#define DOS_EPOCH 315532800LL   /* 1980-01-01 00:00:00 UTC: no DOS date before it */
#define EOCD_SIZE 22
#define CD_HEADER_SIZE 46
#define LOCAL_HEADER_SIZE 30
#define FLAG_DATA_DESCRIPTOR 0x0008u
#define METHOD_STORE 0
#define ZIP32_MAX 0xFFFFFFFFull

void zip_fixup_dos_time(long long mtime, unsigned char out[4])
{
    if (mtime < DOS_EPOCH)
        mtime = DOS_EPOCH;
    time_t t = (time_t)mtime;
    struct tm tm = {0};
    if (!gmtime_r(&t, &tm)) {
        tm.tm_year = 80;
        tm.tm_mday = 1;
    }
    unsigned dtime = (unsigned)(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2);
    unsigned ddate = (unsigned)((tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday);
    out[0] = (unsigned char)dtime;
    out[1] = (unsigned char)(dtime >> 8);
    out[2] = (unsigned char)ddate;
    out[3] = (unsigned char)(ddate >> 8);
}

/* The zip being fixed: the file fd, of size bytes. */
typedef struct ZipIO {
    int fd;
    unsigned long long size;
} ZipIO;

static int io_read(const ZipIO *io, unsigned long long off, void *dst, size_t n)
{
    if (off > io->size || n > io->size - off) {
        errno = EINVAL;
        return -1;
    }
    unsigned char *p = dst;
    while (n) {
        ssize_t r = (ssize_t)os_pread(io->fd, p, n, off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            if (r == 0)
                errno = EIO;
            return -1;
        }
        p += r;
        n -= (size_t)r;
        off += (unsigned long long)r;
    }
    return 0;
}

static int io_write(const ZipIO *io, unsigned long long off, const void *src, size_t n)
{
    const unsigned char *p = src;
    while (n) {
        ssize_t w = (ssize_t)os_pwrite(io->fd, p, n, off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = EIO;
            return -1;
        }
        p += w;
        n -= (size_t)w;
        off += (unsigned long long)w;
    }
    return 0;
}

/* How many dropped descriptors lie before the local header at libarchive
 * offset lh (headers[] ascending), and whether lh's own was dropped. */
static size_t dropped_before(ZipDropped dr, unsigned long long lh, int *own)
{
    size_t lo = 0, hi = dr.count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (dr.headers[mid] < lh)
            lo = mid + 1;
        else
            hi = mid;
    }
    *own = lo < dr.count && dr.headers[lo] == lh;
    return lo;
}

static int bad(const char **why, const char *what)
{
    *why = what;
    errno = EINVAL;
    return -1;
}

/* One central directory entry at cd[0..CD_HEADER_SIZE) and its local
 * header: dates, offset, and for a dropped descriptor the CRC and sizes. */
static int fix_entry(const ZipIO *io, unsigned char *cd, const unsigned char t[4],
                     ZipDropped dr, size_t *matched, const char **why)
{
    unsigned long long lh_lib = le_get(cd + 42, 4);
    int own = 0;
    size_t before = dropped_before(dr, lh_lib, &own);
    unsigned long long lh = lh_lib - (unsigned long long)before * ZIP_DESCRIPTOR_SIZE;
    unsigned char local[LOCAL_HEADER_SIZE];
    if (lh_lib == ZIP32_MAX || lh_lib < (unsigned long long)before * ZIP_DESCRIPTOR_SIZE
        || io_read(io, lh, local, sizeof(local)) != 0 || memcmp(local, "PK\3\4", 4) != 0)
        return bad(why, "a local header is not where the central directory says");
    memcpy(cd + 12, t, 4);
    le_put(cd + 42, lh, 4);
    memcpy(local + 10, t, 4);
    if (own) {
        unsigned flags = le_get(cd + 8, 2);
        if (le_get(cd + 10, 2) != METHOD_STORE || !(flags & FLAG_DATA_DESCRIPTOR)
            || le_get(cd + 20, 4) == ZIP32_MAX || le_get(cd + 24, 4) == ZIP32_MAX)
            return bad(why, "a dropped data descriptor does not belong to a stored entry");
        le_put(cd + 8, flags & ~FLAG_DATA_DESCRIPTOR, 2);
        le_put(local + 6, le_get(local + 6, 2) & ~FLAG_DATA_DESCRIPTOR, 2);
        memcpy(local + 14, cd + 16, 12);   /* CRC-32, compressed and real size */
        (*matched)++;
    }
    if (io_write(io, lh, local, sizeof(local)) != 0)
        return -1;
    return 0;
}

static int fixup(const ZipIO *io, long long mtime, ZipDropped dr, const char **why)
{
    int rc = -1;
    unsigned char t[4], eocd[EOCD_SIZE];
    unsigned char *cd = NULL;
    *why = NULL;
    zip_fixup_dos_time(mtime, t);
    /* libarchive writes no archive comment: the record is the last 22 bytes. */
    if (io->size < EOCD_SIZE || io_read(io, io->size - EOCD_SIZE, eocd, EOCD_SIZE) != 0
        || memcmp(eocd, "PK\5\6", 4) != 0)
        return bad(why, "no end-of-central-directory record at the end");
    size_t count = le_get(eocd + 10, 2);
    unsigned long long cd_size = le_get(eocd + 12, 4), cd_lib = le_get(eocd + 16, 4);
    unsigned long long shift = (unsigned long long)dr.count * ZIP_DESCRIPTOR_SIZE;
    if (cd_lib == ZIP32_MAX || cd_lib < shift || cd_lib - shift + cd_size + EOCD_SIZE != io->size)
        return bad(why, "the central directory is not where the end record says");
    unsigned long long cd_off = cd_lib - shift;
    cd = malloc(cd_size ? (size_t)cd_size : 1);
    if (!cd) {
        errno = ENOMEM;
        return -1;
    }
    if (io_read(io, cd_off, cd, (size_t)cd_size) != 0)
        goto out;
    size_t p = 0, matched = 0;
    for (size_t i = 0; i < count; i++) {
        if (p + CD_HEADER_SIZE > cd_size || memcmp(cd + p, "PK\1\2", 4) != 0) {
            bad(why, "the central directory is shorter than its entry count");
            goto out;
        }
        if (fix_entry(io, cd + p, t, dr, &matched, why) != 0)
            goto out;
        p += CD_HEADER_SIZE + le_get(cd + p + 28, 2) + le_get(cd + p + 30, 2)
             + le_get(cd + p + 32, 2);
    }
    if (matched != dr.count) {
        bad(why, "a dropped data descriptor has no entry in the central directory");
        goto out;
    }
    le_put(eocd + 16, cd_off, 4);
    if (io_write(io, cd_off, cd, (size_t)cd_size) != 0
        || io_write(io, io->size - EOCD_SIZE, eocd, EOCD_SIZE) != 0)
        goto out;
    rc = 0;
out:
    free(cd);
    return rc;
}

int zip_fixup_fd(int fd, long long mtime, ZipDropped dropped, const char **why)
{
    OsStat st;
    *why = NULL;
    if (os_fstat(fd, &st) != 0)
        return -1;
    ZipIO io = { fd, (unsigned long long)st.size };
    return fixup(&io, mtime, dropped, why);
}
