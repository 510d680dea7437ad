/* package: deterministic zip writing and defensive zip reading (libarchive).
 *
 * Writing sorts the entries by name and gives each the same mtime, owner 0
 * and mode 0644, so the same files make the same bytes. It goes to a temp file
 * beside the target, fsync'd and renamed over it: a failed or interrupted build
 * never replaces a good zip with a broken one.
 *
 * Reading uses libarchive's seekable zip reader (it trusts the central
 * directory, so opening reads headers only) and builds a sorted index. The
 * compressed sizes, which libarchive does not expose, come from our own scan
 * of the central directory, with each entry's local header offset. Reading
 * an entry starts libarchive's streaming reader at that offset (constant
 * cost, whatever the number of entries); if the entry found there is not the
 * one asked for, the headers are walked from the start instead. */
#include "package.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "le.h"
#include "os.h"
#include "utf8.h"
#include "zip_fixup.h"
#include "zip_method.h"

#define DEFAULT_MAX_RATIO 200
#define RATIO_MIN_SIZE (16ull << 20)   /* smaller entries cannot hurt: the caps hold */
#define NO_OFFSET (~0ull)     /* local header offset unknown */

/* libarchive's message for a, without the trailing newline some carry.
 * Returns a static buffer: use it at once. */
static const char *arch_err(struct archive *a)
{
    static char msg[512];
    const char *e = a ? archive_error_string(a) : NULL;
    snprintf(msg, sizeof(msg), "%s", e ? e : "unknown error");
    size_t len = strlen(msg);
    while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' ' || msg[len - 1] == '.'))
        msg[--len] = '\0';
    return msg;
}

/* ---- names ---------------------------------------------------------------- */

int package_name_ok(const char *name, const char **why)
{
    const char *w = NULL;
    if (!name || !*name)
        w = "empty name";
    else if (name[0] == '/')
        w = "absolute path";
    else if (strchr(name, '\\'))
        w = "backslash in the path";
    else if (!utf8_valid(name))
        w = "name is not valid UTF-8";
    else if (strlen(name) > 1024)
        w = "name longer than 1024 bytes";
    if (!w) {
        for (const char *p = name; *p; p++) {
            if ((unsigned char)*p < 0x20 || *p == 0x7F) {
                w = "control character in the name";
                break;
            }
        }
    }
    if (!w && ((name[0] && name[1] == ':') ))
        w = "drive letter in the path";
    if (!w) {
        const char *p = name;
        while (*p) {
            const char *e = strchr(p, '/');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            if (len == 2 && p[0] == '.' && p[1] == '.') {
                w = "'..' component escapes the package";
                break;
            }
            if (len == 1 && p[0] == '.') {
                w = "'.' component in the path";
                break;
            }
            if (len == 0) {
                w = "empty component ('//') in the path";
                break;
            }
            if (!e)
                break;
            p = e + 1;
            if (!*p) {
                w = "path ends with '/'";
                break;
            }
        }
    }
    if (why)
        *why = w;
    return w == NULL;
}

/* Copies name for a message: control bytes, and every byte >= 0x80 when the
 * name is not valid UTF-8, become \xNN. */
static void printable_name(const char *name, char *out, size_t cap)
{
    int utf8 = utf8_valid(name);
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p && o + 5 < cap; p++) {
        if (*p < 0x20 || *p == 0x7F || (*p >= 0x80 && !utf8))
            o += (size_t)snprintf(out + o, cap - o, "\\x%02X", *p);
        else
            out[o++] = (char)*p;
    }
    out[o] = '\0';
}

/* ---- writing -------------------------------------------------------------- */

long long package_mtime_from_env(void)
{
    const char *s = getenv("SOURCE_DATE_EPOCH");
    if (!s || !*s)
        return PACKAGE_MTIME_DEFAULT;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < PACKAGE_MTIME_DEFAULT || v > 4102444800LL) /* 2100 */
        return PACKAGE_MTIME_DEFAULT;
    return v;
}

/* Where libarchive's output goes. While `drop_armed` (around the end of a
 * stored entry) a 16-byte data descriptor is left out, and the entry's local
 * header offset is kept for zip_fixup (zip_fixup.h says why). */
typedef struct Sink {
    int fd;         /* the temporary file */
    int err;        /* errno of a failed write */
    unsigned long long pos;     /* bytes libarchive has given, dropped ones too */
    unsigned long long header;  /* pos of the current entry's local header */
    int drop_armed;
    ZipMethodProbe *probe;      /* stored or deflated, for each entry */
    unsigned long long *dropped;    /* local header pos of each dropped descriptor */
    size_t ndropped, capdropped;
} Sink;

static int sink_keep_drop(Sink *s)
{
    if (s->ndropped == s->capdropped) {
        size_t cap = s->capdropped ? s->capdropped * 2 : 64;
        unsigned long long *v = realloc(s->dropped, cap * sizeof(*v));
        if (!v)
            return -1;
        s->dropped = v;
        s->capdropped = cap;
    }
    s->dropped[s->ndropped++] = s->header;
    return 0;
}

static la_ssize_t sink_write(struct archive *a, void *ud, const void *data, size_t n)
{
    Sink *s = ud;
    if (s->drop_armed && n == ZIP_DESCRIPTOR_SIZE && memcmp(data, "PK\7\10", 4) == 0) {
        s->drop_armed = 0;
        if (sink_keep_drop(s) != 0) {
            s->err = ENOMEM;
            archive_set_error(a, ENOMEM, "out of memory");
            return -1;
        }
        s->pos += n;
        return (la_ssize_t)n;
    }
    const char *p = data;
    size_t left = n;
    while (left) {
        ssize_t w = write(s->fd, p, left);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            s->err = errno;
            archive_set_error(a, errno, "%s", strerror(errno));
            return -1;
        }
        p += w;
        left -= (size_t)w;
    }
    s->pos += n;
    return (la_ssize_t)n;
}

static void sink_release(Sink *s)
{
    zip_method_probe_free(s->probe);
    s->probe = NULL;
    free(s->dropped);
    s->dropped = NULL;
    s->ndropped = s->capdropped = 0;
}

static int entry_cmp(const void *a, const void *b)
{
    const PackageEntry *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

/* Sorted pointers to the entries, or NULL (message in d) when a name is bad
 * or repeated. */
static const PackageEntry **sorted_entries(const PackageEntry *entries, size_t n,
                                           const char *label, Diag *d)
{
    const PackageEntry **v = malloc((n ? n : 1) * sizeof(*v));
    if (!v) {
        diag_error(d, srcloc(label, 0, 0), "out of memory");
        return NULL;
    }
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        const char *why;
        v[i] = &entries[i];
        if (!package_name_ok(entries[i].name, &why)) {
            diag_error(d, srcloc(label, 0, 0), "zip entry '%s': %s (use a relative path "
                       "with '/' inside the package)", entries[i].name ? entries[i].name : "",
                       why);
            bad = 1;
        }
    }
    if (!bad) {
        qsort(v, n, sizeof(*v), entry_cmp);
        for (size_t i = 1; i < n; i++) {
            if (strcmp(v[i - 1]->name, v[i]->name) == 0) {
                diag_error(d, srcloc(label, 0, 0), "zip entry '%s' is given twice "
                           "(each file of a package needs its own name)", v[i]->name);
                bad = 1;
            }
        }
    }
    if (bad) {
        free(v);
        return NULL;
    }
    return v;
}

/* Reads up to cap bytes of fd into buf, retrying short reads, so the first
 * chunk of a file is a full sample. Returns the bytes read, or -1 (errno). */
static ssize_t read_full(int fd, char *buf, size_t cap)
{
    size_t got = 0;
    while (got < cap) {
        ssize_t r = read(fd, buf + got, cap - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

static int write_entry(struct archive *a, Sink *sink, const PackageEntry *e,
                       long long mtime, const char *label, Diag *d)
{
    int rc = -1, fd = -1;
    struct archive_entry *ae = NULL;
    size_t size = e->size;
    char chunk[65536];
    size_t head = 0;   /* bytes of a file already in chunk, not yet written */
    if (!e->data) {
        fd = e->file ? os_open(e->file, OS_O_RDONLY, 0) : -1;
        OsStat st;
        if (fd < 0 || os_fstat(fd, &st) != 0) {
            diag_error(d, srcloc(e->file ? e->file : label, 0, 0),
                       "cannot read '%s' for zip entry '%s': %s", e->file ? e->file : "(none)",
                       e->name, e->file ? strerror(errno) : "no data and no file given");
            goto out;
        }
        if (st.kind != OS_FILE_REGULAR) {
            diag_error(d, srcloc(e->file, 0, 0), "'%s' is not a regular file "
                       "(a package can only hold files)", e->file);
            goto out;
        }
        if (e->size && st.size != e->size) {
            diag_error(d, srcloc(e->file, 0, 0), "'%s' changed since it was checked "
                       "(build again)", e->file);
            goto out;
        }
        size = (size_t)st.size;
        ssize_t r = read_full(fd, chunk, ZIP_METHOD_SAMPLE);
        if (r < 0) {
            diag_error(d, srcloc(e->file, 0, 0), "cannot read '%s': %s", e->file,
                       strerror(errno));
            goto out;
        }
        head = (size_t)r;
    }
    /* stored or deflated, from the entry's first bytes (zip_method.h) */
    ZipMethod method = e->data
        ? zip_method_choose(sink->probe, e->data,
                            size < ZIP_METHOD_SAMPLE ? size : ZIP_METHOD_SAMPLE, size)
        : zip_method_choose(sink->probe, chunk, head, size);
    if ((method == ZIP_METHOD_STORE ? archive_write_zip_set_compression_store(a)
                                    : archive_write_zip_set_compression_deflate(a))
        != ARCHIVE_OK) {
        diag_error(d, srcloc(label, 0, 0), "cannot choose the method of zip entry '%s': %s",
                   e->name, arch_err(a));
        goto out;
    }
    ae = archive_entry_new();
    if (!ae) {
        diag_error(d, srcloc(label, 0, 0), "out of memory");
        goto out;
    }
    archive_entry_set_pathname_utf8(ae, e->name);
    archive_entry_set_filetype(ae, AE_IFREG);
    archive_entry_set_perm(ae, 0644);
    archive_entry_set_size(ae, (la_int64_t)size);
    archive_entry_set_mtime(ae, (time_t)mtime, 0);
    archive_entry_set_uid(ae, 0);
    archive_entry_set_gid(ae, 0);
    sink->header = sink->pos;   /* output is unbuffered: this is where it starts */
    if (archive_write_header(a, ae) != ARCHIVE_OK) {
        diag_error(d, srcloc(label, 0, 0), "cannot write zip entry '%s': %s", e->name,
                   arch_err(a));
        goto out;
    }
    if (e->data) {
        if (size && archive_write_data(a, e->data, size) != (la_ssize_t)size) {
            diag_error(d, srcloc(label, 0, 0), "cannot write zip entry '%s': %s", e->name,
                       arch_err(a));
            goto out;
        }
    } else {
        size_t done = 0;
        for (;;) {
            ssize_t r;
            if (head) {
                r = (ssize_t)head;   /* the sample read above */
                head = 0;
            } else {
                r = read(fd, chunk, sizeof(chunk));
            }
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0) {
                diag_error(d, srcloc(e->file, 0, 0), "cannot read '%s': %s", e->file,
                           strerror(errno));
                goto out;
            }
            if (r == 0)
                break;
            if (done + (size_t)r > size) {
                diag_error(d, srcloc(e->file, 0, 0), "'%s' grew while it was being "
                           "packaged (build again)", e->file);
                goto out;
            }
            if (archive_write_data(a, chunk, (size_t)r) != r) {
                diag_error(d, srcloc(label, 0, 0), "cannot write zip entry '%s': %s",
                           e->name, arch_err(a));
                goto out;
            }
            done += (size_t)r;
        }
        if (done != size) {
            diag_error(d, srcloc(e->file, 0, 0), "'%s' shrank while it was being "
                       "packaged (build again)", e->file);
            goto out;
        }
    }
    /* Ending the entry here writes its data descriptor, and nothing else
     * for a stored entry: that one write is the one the sink may leave out. */
    sink->drop_armed = method == ZIP_METHOD_STORE;
    int fin = archive_write_finish_entry(a);
    sink->drop_armed = 0;
    if (fin != ARCHIVE_OK) {
        diag_error(d, srcloc(label, 0, 0), "cannot write zip entry '%s': %s", e->name,
                   arch_err(a));
        goto out;
    }
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    archive_entry_free(ae);
    return rc;
}

static int write_zip(Sink *sink, const PackageEntry *entries, size_t n, long long mtime,
                     const char *label, Diag *d)
{
    int rc = -1;
    struct archive *a = NULL;
    const PackageEntry **v = sorted_entries(entries, n, label, d);
    if (!v)
        return -1;
    sink->probe = zip_method_probe_new();
    a = sink->probe ? archive_write_new() : NULL;
    if (!a) {
        diag_error(d, srcloc(label, 0, 0), "out of memory");
        goto out;
    }
    if (archive_write_set_format_zip(a) != ARCHIVE_OK
        || archive_write_set_bytes_per_block(a, 0) != ARCHIVE_OK
        || archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK
        || archive_write_open(a, sink, NULL, sink_write, NULL) != ARCHIVE_OK) {
        diag_error(d, srcloc(label, 0, 0), "cannot start the zip: %s",
                   arch_err(a));
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        if (write_entry(a, sink, v[i], mtime, label, d) != 0)
            goto out;
    }
    if (archive_write_close(a) != ARCHIVE_OK) {
        diag_error(d, srcloc(label, 0, 0), "cannot finish the zip: %s",
                   arch_err(a));
        goto out;
    }
    rc = 0;
out:
    if (a)
        archive_write_free(a);
    free(v);
    return rc;
}

/* Removes "<path>.tmp-XXXXXX" files a killed earlier write of this same
 * package left behind (mkstemp's six characters). Called once the new package
 * is in place; other packages' leftovers are left to their own writes. */
static void remove_stale_temporaries(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t dirlen = slash ? (size_t)(slash - path) : 0;
    Buf dir = BUF_INIT, prefix = BUF_INIT, victim = BUF_INIT;
    if (slash)
        buf_append(&dir, path, dirlen ? dirlen : 1);
    else
        buf_puts(&dir, ".");
    buf_printf(&prefix, "%s.tmp-", base);
    OsDir *dh = dir.failed || prefix.failed ? NULL : os_dir_open(dir.data);
    if (!dh)
        goto out;
    const char *name;
    while ((name = os_dir_next(dh, NULL))) {
        if (strncmp(name, prefix.data, prefix.len) != 0 || strlen(name) != prefix.len + 6)
            continue;
        buf_clear(&victim);
        buf_printf(&victim, "%s/%s", dir.data, name);
        if (!victim.failed)
            os_remove(victim.data);
    }
    os_dir_close(dh);
out:
    buf_release(&dir);
    buf_release(&prefix);
    buf_release(&victim);
}

int package_write_zip(const char *path, const PackageEntry *entries, size_t n,
                      long long mtime, Diag *d)
{
    int rc = -1, fd = -1;
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 16);
    if (!tmp)
        return diag_error(d, srcloc(path, 0, 0), "out of memory");
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp-XXXXXX", 12);
    fd = os_mkstemp(tmp);
    if (fd < 0) {
        diag_error(d, srcloc(path, 0, 0), "cannot create a temporary file beside '%s': %s "
                   "(check that the folder exists and is writable)", path, strerror(errno));
        free(tmp);
        return -1;
    }
    /* Written straight into the temporary file (images are streamed from
     * their files, nothing is held whole in memory); the DOS dates are then
     * fixed in place, before fsync. */
    Sink disk = { .fd = fd };
    if (write_zip(&disk, entries, n, mtime, path, d) != 0)
        goto out;
    const char *why = NULL;
    ZipDropped dropped = { disk.dropped, disk.ndropped };
    if (zip_fixup_fd(fd, mtime, dropped, &why) != 0) {
        diag_error(d, srcloc(path, 0, 0), "cannot write '%s': %s", tmp,
                   why ? why : strerror(errno));
        goto out;
    }
    if (os_fchmod(fd, 0644) != 0 || os_fsync(fd) != 0) {
        diag_error(d, srcloc(path, 0, 0), "cannot write '%s': %s", tmp, strerror(errno));
        goto out;
    }
    if (close(fd) != 0) {
        fd = -1;
        diag_error(d, srcloc(path, 0, 0), "cannot write '%s': %s", tmp, strerror(errno));
        goto out;
    }
    fd = -1;
    if (os_rename(tmp, path) != 0) {
        diag_error(d, srcloc(path, 0, 0), "cannot replace '%s': %s", path, strerror(errno));
        goto out;
    }
    os_sync_parent(path);       /* the rename itself, durable */
    free(tmp);
    sink_release(&disk);
    remove_stale_temporaries(path);
    return 0;
out:
    if (fd >= 0)
        close(fd);
    os_remove(tmp);
    free(tmp);
    sink_release(&disk);
    return rc;
}

/* ---- reading: our own central-directory scan (compressed sizes) ----------- */

typedef struct CdEntry {
    const char *name;               /* arena */
    unsigned long long csize, usize;
    unsigned long long offset;      /* of the local header */
} CdEntry;

typedef struct Source {
    const unsigned char *mem;       /* memory zip, or NULL */
    size_t memsize;
    int fd;                         /* file zip when mem is NULL */
    unsigned long long size;
} Source;

static int source_read(const Source *s, unsigned long long off, void *dst, size_t n)
{
    if (off > s->size || n > s->size - off)
        return -1;
    if (s->mem) {
        memcpy(dst, s->mem + off, n);
        return 0;
    }
    size_t done = 0;
    while (done < n) {
        ssize_t r = (ssize_t)os_pread(s->fd, (char *)dst + done, n - done, off + done);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        done += (size_t)r;
    }
    return 0;
}

static int cd_cmp(const void *a, const void *b)
{
    return strcmp(((const CdEntry *)a)->name, ((const CdEntry *)b)->name);
}

/* Fills *out with the central directory's entries sorted by name. Returns 0,
 * or -1 when no readable central directory was found (libarchive then says
 * why). Zip64 sizes are handled; the directory itself is capped at 64 MiB. */
static int cd_scan(const Source *s, Arena *arena, CdEntry **out, size_t *nout)
{
    int rc = -1;
    unsigned char *tail = NULL, *cd = NULL;
    size_t tail_len = s->size < 65557 ? (size_t)s->size : 65557;
    if (tail_len < 22)
        return -1;
    tail = malloc(tail_len);
    if (!tail || source_read(s, s->size - tail_len, tail, tail_len) != 0)
        goto out;
    size_t pos = tail_len - 22 + 1;
    int found = 0;
    while (pos-- > 0) {
        if (le_get(tail + pos, 4) == 0x06054b50ul) {
            found = 1;
            break;
        }
    }
    if (!found)
        goto out;
    unsigned long long count = le_get(tail + pos + 10, 2);
    unsigned long long cdsize = le_get(tail + pos + 12, 4);
    unsigned long long cdoff = le_get(tail + pos + 16, 4);
    unsigned long long eocd = s->size - tail_len + pos;
    if ((count == 0xFFFF || cdsize == 0xFFFFFFFFull || cdoff == 0xFFFFFFFFull) && eocd >= 20) {
        unsigned char loc[20], z[56];
        if (source_read(s, eocd - 20, loc, 20) == 0 && le_get(loc, 4) == 0x07064b50ul
            && source_read(s, le_get(loc + 8, 8), z, 56) == 0 && le_get(z, 4) == 0x06064b50ul) {
            count = le_get(z + 32, 8);
            cdsize = le_get(z + 40, 8);
            cdoff = le_get(z + 48, 8);
        }
    }
    if (cdsize > (64u << 20) || count > cdsize / 46 + 1)
        goto out;
    cd = malloc(cdsize ? (size_t)cdsize : 1);
    if (!cd || source_read(s, cdoff, cd, (size_t)cdsize) != 0)
        goto out;
    CdEntry *v = arena_alloc(arena, (count ? count : 1) * sizeof(*v));
    if (!v)
        goto out;
    size_t n = 0, p = 0;
    while (n < count && p + 46 <= cdsize && le_get(cd + p, 4) == 0x02014b50ul) {
        unsigned long long csize = le_get(cd + p + 20, 4), usize = le_get(cd + p + 24, 4);
        unsigned long long offset = le_get(cd + p + 42, 4);
        size_t nlen = le_get(cd + p + 28, 2), xlen = le_get(cd + p + 30, 2);
        size_t clen = le_get(cd + p + 32, 2);
        if (p + 46 + nlen + xlen + clen > cdsize)
            break;
        const unsigned char *x = cd + p + 46 + nlen, *xend = x + xlen;
        while (x + 4 <= xend) {
            unsigned id = le_get(x, 2), len = le_get(x + 2, 2);
            if (x + 4 + len > xend)
                break;
            if (id == 0x0001) {
                const unsigned char *z = x + 4;
                if (usize == 0xFFFFFFFFull && z + 8 <= x + 4 + len) {
                    usize = le_get(z, 8);
                    z += 8;
                }
                if (csize == 0xFFFFFFFFull && z + 8 <= x + 4 + len) {
                    csize = le_get(z, 8);
                    z += 8;
                }
                if (offset == 0xFFFFFFFFull && z + 8 <= x + 4 + len)
                    offset = le_get(z, 8);
            }
            x += 4 + len;
        }
        v[n].name = arena_strndup(arena, (const char *)cd + p + 46, nlen);
        if (!v[n].name)
            goto out;
        v[n].csize = csize;
        v[n].usize = usize;
        v[n].offset = offset;
        n++;
        p += 46 + nlen + xlen + clen;
    }
    qsort(v, n, sizeof(*v), cd_cmp);
    *out = v;
    *nout = n;
    rc = 0;
out:
    free(tail);
    free(cd);
    return rc;
}

/* ---- reading: the index ------------------------------------------------- */

struct Package {
    Arena arena;
    char *label;                    /* owned */
    char *path;                     /* owned; NULL for memory */
    const void *mem;
    size_t memsize;
    PackageLimits lim;
    PackageFileInfo *files;         /* sorted by name */
    size_t *ord;                    /* parallel: header ordinal in the archive */
    unsigned long long *offset;     /* parallel: local header offset, or NO_OFFSET */
    int fd;                         /* the zip file, or -1 (memory) */
    size_t nfiles;
    struct archive *cur;            /* open reader for package_read, or NULL */
    size_t cur_next;                /* ordinal of the next header cur returns */
};

static struct archive *open_archive(const Package *p)
{
    struct archive *a = archive_read_new();
    if (!a)
        return NULL;
    archive_read_support_format_zip_seekable(a);
    int r = p->path ? archive_read_open_filename(a, p->path, 16384)
                    : archive_read_open_memory(a, p->mem, p->memsize);
    if (r != ARCHIVE_OK)
        return a;   /* the caller reads the error and frees */
    return a;
}

typedef struct IdxEntry {
    PackageFileInfo info;
    size_t ord;
    unsigned long long offset;
} IdxEntry;

static int idx_cmp(const void *a, const void *b)
{
    return strcmp(((const IdxEntry *)a)->info.name, ((const IdxEntry *)b)->info.name);
}

enum { ZIP_START_NONE, ZIP_START_ENTRY, ZIP_START_EMPTY };

static int looks_like_zip_start(const Package *p)
{
    unsigned char sig[4] = {0};
    if (p->mem) {
        if (p->memsize < 4)
            return 0;
        memcpy(sig, p->mem, 4);
    } else {
        int fd = os_open(p->path, OS_O_RDONLY, 0);
        if (fd < 0)
            return 0;
        ssize_t r = read(fd, sig, 4);
        close(fd);
        if (r != 4)
            return 0;
    }
    if (memcmp(sig, "PK\5\6", 4) == 0)
        return ZIP_START_EMPTY;     /* the end record alone: a zip of no file */
    return memcmp(sig, "PK\3\4", 4) == 0 ? ZIP_START_ENTRY : ZIP_START_NONE;
}

static Package *package_open_common(Package *p, const PackageLimits *limits, Diag *d)
{
    struct archive *a = NULL;
    IdxEntry *v = NULL;
    size_t n = 0, cap = 0;
    CdEntry *cdv = NULL;
    size_t ncd = 0;
    int bad = 0;
    SrcLoc at = srcloc(p->label, 0, 0);

    if (limits)
        p->lim = *limits;
    if (!p->lim.max_entries)
        p->lim.max_entries = PACKAGE_MAX_ENTRIES;
    if (!p->lim.max_entry_size)
        p->lim.max_entry_size = PACKAGE_MAX_ENTRY_SIZE;
    if (!p->lim.max_total_size)
        p->lim.max_total_size = PACKAGE_MAX_TOTAL_SIZE;
    if (!p->lim.max_ratio)
        p->lim.max_ratio = DEFAULT_MAX_RATIO;

    /* Size and a readable source first: clearer messages than libarchive's. */
    Source src = { p->mem, p->memsize, -1, p->memsize };
    if (p->path) {
        src.fd = os_open(p->path, OS_O_RDONLY, 0);
        OsStat st;
        if (src.fd < 0 || os_fstat(src.fd, &st) != 0) {
            diag_error(d, at, "cannot open the package: %s", strerror(errno));
            goto fail;
        }
        if (st.kind != OS_FILE_REGULAR) {
            diag_error(d, at, "not a regular file (give the path of a .zip file)");
            goto fail;
        }
        src.size = st.size;
    }
    if (src.size == 0) {
        diag_error(d, at, "the file is empty, not a zip (export the package again)");
        goto fail;
    }
    if (cd_scan(&src, &p->arena, &cdv, &ncd) != 0) {
        cdv = NULL;
        ncd = 0;
    }
    p->fd = src.fd;     /* kept for direct entry reads */
    src.fd = -1;

    /* libarchive turns '\\' into '/' in names; the raw names are checked here. */
    int cd_bad_utf8 = 0;
    for (size_t i = 0; i < ncd; i++) {
        if (!utf8_valid(cdv[i].name)) {
            char shown[1100];
            printable_name(cdv[i].name, shown, sizeof(shown));
            diag_error(d, at, "entry '%s': name is not valid UTF-8 (rebuild the zip with a "
                       "tool that writes UTF-8 names)", shown);
            bad = cd_bad_utf8 = 1;
        } else if (strchr(cdv[i].name, '\\')) {
            char shown[1100];
            printable_name(cdv[i].name, shown, sizeof(shown));
            diag_error(d, at, "entry '%s': backslash in the path (zip paths use '/'; "
                       "rebuild the zip with a standard zip tool)", shown);
            bad = 1;
        }
    }

    a = open_archive(p);
    if (!a) {
        diag_error(d, at, "out of memory");
        goto fail;
    }
    size_t ord = 0;
    unsigned long long total = 0;
    for (;; ord++) {
        struct archive_entry *ae;
        int r = archive_read_next_header(a, &ae);
        if (r == ARCHIVE_EOF)
            break;
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
            int start = ord == 0 ? looks_like_zip_start(p) : ZIP_START_ENTRY;
            if (start == ZIP_START_NONE)
                diag_error(d, at, "not a zip file (a SCORM package is a .zip with "
                           "imsmanifest.xml at its root)");
            else if (start == ZIP_START_EMPTY)
                diag_error(d, at, "the zip holds no file (a SCORM package has "
                           "imsmanifest.xml at its root: export the package again)");
            else if (ord == 0 && !ncd)
                diag_error(d, at, "the zip is truncated or damaged: its central directory "
                           "is missing (copy or download the file again)");
            else
                diag_error(d, at, "the zip is damaged: %s (copy or download the file again)",
                           arch_err(a));
            goto fail;
        }
        const char *name = archive_entry_pathname_utf8(ae);
        if (!name)
            name = archive_entry_pathname(ae);
        if (!name)
            name = "";
        mode_t type = archive_entry_filetype(ae);
        if (type == AE_IFDIR) {
            size_t l = strlen(name);
            const char *why;
            char *dir = strdup(name);       /* without its trailing '/' */
            if (dir && l && dir[l - 1] == '/')
                dir[l - 1] = '\0';
            if (dir && *dir && !package_name_ok(dir, &why)) {
                diag_error(d, at, "folder entry '%s': %s (rebuild the zip with relative "
                           "paths inside the package)", name, why);
                bad = 1;
            }
            free(dir);
            continue;
        }
        if (type != AE_IFREG || archive_entry_hardlink(ae) || archive_entry_symlink(ae)) {
            diag_error(d, at, "entry '%s' is a %s, not a regular file (a package may only "
                       "contain files; replace links by copies)", name,
                       type == AE_IFLNK || archive_entry_symlink(ae) ? "symbolic link"
                       : archive_entry_hardlink(ae) ? "hard link" : "special file");
            bad = 1;
            continue;
        }
        if (archive_entry_is_encrypted(ae)) {
            diag_error(d, at, "entry '%s' is encrypted (a package cannot be password-"
                       "protected; export it again without a password)", name);
            bad = 1;
            continue;
        }
        const char *why;
        if (!package_name_ok(name, &why)) {
            if (cd_bad_utf8 && (!*name || !utf8_valid(name)))
                continue;   /* reported above from the raw name */
            char shown[1100];
            printable_name(name, shown, sizeof(shown));
            diag_error(d, at, "entry '%s': %s (rebuild the zip with relative paths inside "
                       "the package)", shown, why);
            bad = 1;
            continue;
        }
        if (n >= p->lim.max_entries) {
            diag_error(d, at, "more than %zu files in the zip (not a course package, or "
                       "split it)", p->lim.max_entries);
            goto fail;
        }
        unsigned long long size = archive_entry_size_is_set(ae)
                                  ? (unsigned long long)archive_entry_size(ae) : 0;
        const CdEntry *ce = NULL;
        if (cdv) {
            CdEntry key = { name, 0, 0, 0 };
            ce = bsearch(&key, cdv, ncd, sizeof(*cdv), cd_cmp);
            if (ce && ce->usize > size)
                size = ce->usize;
        }
        if (size > p->lim.max_entry_size) {
            diag_error(d, at, "entry '%s' is %llu bytes uncompressed, above the limit of "
                       "%llu (make the file smaller)", name, size, p->lim.max_entry_size);
            bad = 1;
            continue;
        }
        if (ce && size >= RATIO_MIN_SIZE
            && (ce->csize == 0 || size / ce->csize > p->lim.max_ratio)) {
            diag_error(d, at, "entry '%s' expands %llu times (%llu to %llu bytes), like a "
                       "zip bomb (the package is refused; rebuild it from its sources)",
                       name, ce->csize ? size / ce->csize : size, ce->csize, size);
            bad = 1;
            continue;
        }
        total += size;
        if (total > p->lim.max_total_size) {
            diag_error(d, at, "the files add up to more than %llu bytes uncompressed "
                       "(make the package smaller)", p->lim.max_total_size);
            goto fail;
        }
        if (n == cap) {
            size_t ncap = cap ? cap + cap / 2 : 64;
            IdxEntry *nv = realloc(v, ncap * sizeof(*nv));
            if (!nv) {
                diag_error(d, at, "out of memory");
                goto fail;
            }
            v = nv;
            cap = ncap;
        }
        v[n].info.name = arena_strdup(&p->arena, name);
        if (!v[n].info.name) {
            diag_error(d, at, "out of memory");
            goto fail;
        }
        v[n].info.size = size;
        v[n].ord = ord;
        v[n].offset = ce && ce->offset < src.size ? ce->offset : NO_OFFSET;
        n++;
    }
    if (n)
        qsort(v, n, sizeof(*v), idx_cmp);
    for (size_t i = 1; i < n; i++) {
        if (strcmp(v[i - 1].info.name, v[i].info.name) == 0) {
            diag_error(d, at, "entry '%s' appears twice in the zip (an LMS would pick "
                       "either; rebuild the zip)", v[i].info.name);
            bad = 1;
        }
    }
    if (bad)
        goto fail;
    p->files = arena_alloc(&p->arena, (n ? n : 1) * sizeof(*p->files));
    p->ord = arena_alloc(&p->arena, (n ? n : 1) * sizeof(*p->ord));
    p->offset = arena_alloc(&p->arena, (n ? n : 1) * sizeof(*p->offset));
    if (!p->files || !p->ord || !p->offset) {
        diag_error(d, at, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        p->files[i] = v[i].info;
        p->ord[i] = v[i].ord;
        p->offset[i] = v[i].offset;
    }
    p->nfiles = n;
    free(v);
    p->cur = a;
    p->cur_next = ord;
    return p;
fail:
    if (src.fd >= 0)
        close(src.fd);
    if (a)
        archive_read_free(a);
    free(v);
    package_close(p);
    return NULL;
}

static Package *package_alloc(const char *label, Diag *d)
{
    Package *p = calloc(1, sizeof(*p));
    if (p) {
        p->fd = -1;
        p->label = strdup(label ? label : "(zip)");
    }
    if (!p || !p->label) {
        free(p);
        diag_error(d, srcloc(label, 0, 0), "out of memory");
        return NULL;
    }
    return p;
}

Package *package_open(const char *path, const PackageLimits *limits, Diag *d)
{
    Package *p = package_alloc(path, d);
    if (!p)
        return NULL;
    p->path = strdup(path);
    if (!p->path) {
        diag_error(d, srcloc(path, 0, 0), "out of memory");
        package_close(p);
        return NULL;
    }
    return package_open_common(p, limits, d);
}

Package *package_open_memory(const void *data, size_t size, const char *label,
                             const PackageLimits *limits, Diag *d)
{
    Package *p = package_alloc(label ? label : "(zip in memory)", d);
    if (!p)
        return NULL;
    p->mem = data;
    p->memsize = size;
    return package_open_common(p, limits, d);
}

void package_close(Package *p)
{
    if (!p)
        return;
    if (p->cur)
        archive_read_free(p->cur);
    if (p->fd >= 0)
        close(p->fd);
    arena_release(&p->arena);
    free(p->label);
    free(p->path);
    free(p);
}

size_t package_count(const Package *p)
{
    return p->nfiles;
}

const PackageFileInfo *package_file(const Package *p, size_t i)
{
    return i < p->nfiles ? &p->files[i] : NULL;
}

static const PackageFileInfo *find_info(const Package *p, const char *name)
{
    size_t lo = 0, hi = p->nfiles;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(p->files[mid].name, name);
        if (c == 0)
            return &p->files[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const PackageFileInfo *package_find(const Package *p, const char *name)
{
    return name ? find_info(p, name) : NULL;
}

/* Reads the current entry's data of a into out, at most cap bytes. */
static int read_data(struct archive *a, const char *name, const char *label,
                     unsigned long long cap, Buf *out, Diag *d)
{
    SrcLoc at = srcloc(label, 0, 0);
    size_t start = out->len;
    unsigned long long got = 0;
    char chunk[65536];
    for (;;) {
        la_ssize_t r = archive_read_data(a, chunk, sizeof(chunk));
        if (r == 0)
            break;
        if (r < 0) {
            diag_error(d, at, "cannot read '%s': %s (the zip is damaged; copy or download "
                       "it again)", name, arch_err(a));
            goto fail;
        }
        got += (unsigned long long)r;
        if (got > cap) {
            diag_error(d, at, "'%s' expands beyond %llu bytes, more than its header says "
                       "(the zip is damaged or hostile)", name, cap);
            goto fail;
        }
        buf_append(out, chunk, (size_t)r);
    }
    if (out->failed) {
        diag_error(d, at, "out of memory reading '%s'", name);
        goto fail;
    }
    return 0;
fail:
    if (!out->failed) {
        out->len = start;
        if (out->cap)
            out->data[start] = '\0';
    }
    return -1;
}

/* Direct access: libarchive's streaming zip reader started at the entry's
 * local header (offset from the central directory), so a read costs the
 * same whatever the entry's place in the archive. */
typedef struct Window {
    int fd;
    unsigned long long pos;
    char buf[16384];
} Window;

static la_ssize_t window_read(struct archive *a, void *ud, const void **out)
{
    Window *w = ud;
    for (;;) {
        ssize_t r = (ssize_t)os_pread(w->fd, w->buf, sizeof(w->buf), w->pos);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            archive_set_error(a, errno, "%s", strerror(errno));
            return -1;
        }
        w->pos += (unsigned long long)r;
        *out = w->buf;
        return r;
    }
}

/* Returns 0 (read), -1 (error reported), 1 (not possible here: use the walk). */
static int read_direct(Package *p, size_t idx, unsigned long long cap, Buf *out, Diag *d)
{
    unsigned long long off = p->offset[idx];
    if (off == NO_OFFSET)
        return 1;
    int rc = 1;
    Window *w = NULL;
    struct archive *a = archive_read_new();
    if (!a)
        return 1;
    archive_read_support_format_zip_streamable(a);
    int r;
    if (p->mem) {
        if (off >= p->memsize)
            goto out;
        r = archive_read_open_memory(a, (const char *)p->mem + off, p->memsize - (size_t)off);
    } else {
        w = malloc(sizeof(*w));
        if (!w || p->fd < 0)
            goto out;
        w->fd = p->fd;
        w->pos = off;
        r = archive_read_open(a, w, NULL, window_read, NULL);
    }
    if (r != ARCHIVE_OK)
        goto out;
    struct archive_entry *ae;
    r = archive_read_next_header(a, &ae);
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
        goto out;
    const char *n = archive_entry_pathname_utf8(ae);
    if (!n)
        n = archive_entry_pathname(ae);
    if (!n || strcmp(n, p->files[idx].name) != 0)
        goto out;   /* not where the directory said: let the walk decide */
    rc = read_data(a, p->files[idx].name, p->label, cap, out, d);
out:
    archive_read_free(a);
    free(w);
    return rc;
}

int package_read(Package *p, const char *name, size_t max_bytes, Buf *out, Diag *d)
{
    SrcLoc at = srcloc(p->label, 0, 0);
    const PackageFileInfo *fi = package_find(p, name);
    if (!fi)
        return diag_error(d, at, "'%s' is not in the package", name ? name : "");
    size_t idx = (size_t)(fi - p->files);
    size_t want = p->ord[idx];
    unsigned long long cap = max_bytes ? max_bytes : p->lim.max_entry_size;
    if (fi->size > cap)
        return diag_error(d, at, "'%s' is %llu bytes, more than the %llu allowed here",
                          name, fi->size, cap);
    int direct = read_direct(p, idx, cap, out, d);
    if (direct <= 0)
        return direct;
    if (!p->cur || p->cur_next > want) {
        if (p->cur)
            archive_read_free(p->cur);
        p->cur = open_archive(p);
        p->cur_next = 0;
        if (!p->cur)
            return diag_error(d, at, "out of memory");
    }
    struct archive_entry *ae = NULL;
    while (p->cur_next <= want) {
        int r = archive_read_next_header(p->cur, &ae);
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
            diag_error(d, at, "cannot read '%s': the zip is damaged (%s)", name,
                       r == ARCHIVE_EOF ? "entry not found" : arch_err(p->cur));
            archive_read_free(p->cur);
            p->cur = NULL;
            return -1;
        }
        p->cur_next++;
    }
    if (read_data(p->cur, name, p->label, cap, out, d) != 0) {
        archive_read_free(p->cur);
        p->cur = NULL;
        return -1;
    }
    return 0;
}
