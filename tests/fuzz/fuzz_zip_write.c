/* fuzz_zip_write: round trip through the zip writer. The input describes up
 * to 8 entries; they are written by package_write_zip to a file, as coursepack
 * writes packages (it chooses stored or deflated per entry and drops stored
 * entries' data descriptors), then read back three ways: our reader (central directory), libarchive's
 * streaming reader from byte 0, and a walk of the headers. Any difference
 * aborts.
 *
 * Input, per entry: kind (1 byte), length (2 bytes, little-endian, scaled
 * so that entries cross the 4 KiB and 16 KiB sampling limits), then for
 * kind & 1 a 4-byte seed of pseudo-random bytes (stored), else the literal
 * bytes that follow, repeated to the length (deflated). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "package.h"

#define MAX_ENTRIES 8
#define MAX_ENTRY (96 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_zip_write: %s\n", what);
        abort();
    }
}

static char dir[64];
static char zip_path[96];

static void remove_dir(void)
{
    unlink(zip_path);
    rmdir(dir);
}

/* The folder the zip is written in, once per process (in memory when
 * /dev/shm is there). */
static const char *zip_file(void)
{
    if (!*dir) {
        snprintf(dir, sizeof dir, "%s/fuzz_zip_write-XXXXXX",
                 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
        if (!mkdtemp(dir))
            abort();
        snprintf(zip_path, sizeof zip_path, "%s/round-trip.zip", dir);
        atexit(remove_dir);
    }
    return zip_path;
}

static void read_file(const char *path, Buf *out)
{
    FILE *f = fopen(path, "rb");
    check(f != NULL, "the written zip cannot be opened");
    char chunk[65536];
    size_t r;
    while ((r = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(out, chunk, r);
    fclose(f);
    check(!out->failed, "out of memory");
}

static unsigned rd16(const unsigned char *p)
{
    return (unsigned)(p[0] | p[1] << 8);
}

static unsigned long rd32(const unsigned char *p)
{
    return (unsigned long)p[0] | (unsigned long)p[1] << 8 | (unsigned long)p[2] << 16
           | (unsigned long)p[3] << 24;
}

/* Every stored entry: no data descriptor, CRC and sizes in its local header
 * equal to the central directory's, a header right after its data. */
static void walk(const unsigned char *z, size_t n, size_t entries)
{
    check(n >= 22 && memcmp(z + n - 22, "PK\5\6", 4) == 0, "no end record at the end");
    const unsigned char *e = z + n - 22;
    size_t count = rd16(e + 10), cd_size = rd32(e + 12), cd_off = rd32(e + 16);
    check(count == entries && cd_off + cd_size + 22 == n, "end record");
    size_t p = cd_off;
    for (size_t i = 0; i < count; i++) {
        check(p + 46 <= cd_off + cd_size && memcmp(z + p, "PK\1\2", 4) == 0, "central entry");
        const unsigned char *c = z + p;
        size_t lh = rd32(c + 42);
        check(lh + 30 <= cd_off && memcmp(z + lh, "PK\3\4", 4) == 0, "local header offset");
        const unsigned char *l = z + lh;
        if (rd16(c + 10) == 0) {
            check((rd16(l + 6) & 8) == 0 && (rd16(c + 8) & 8) == 0, "stored with descriptor");
            check(memcmp(l + 14, c + 16, 12) == 0, "local CRC and sizes");
            size_t after = lh + 30 + rd16(l + 26) + rd16(l + 28) + rd32(c + 20);
            check(after + 4 <= n && (memcmp(z + after, "PK\3\4", 4) == 0
                                     || memcmp(z + after, "PK\1\2", 4) == 0),
                  "next header after stored data");
        }
        p += 46 + rd16(c + 28) + rd16(c + 30) + rd16(c + 32);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    PackageEntry entries[MAX_ENTRIES];
    unsigned char *bodies[MAX_ENTRIES] = {0};
    char names[MAX_ENTRIES][16];
    size_t n = 0, pos = 0;
    while (n < MAX_ENTRIES && pos + 3 <= size) {
        unsigned kind = data[pos];
        size_t len = (size_t)rd16(data + pos + 1) * 3 % (MAX_ENTRY + 1);
        pos += 3;
        unsigned char *b = malloc(len ? len : 1);
        if (!b)
            break;
        if (kind & 1) {
            uint32_t x = 0;
            for (int k = 0; k < 4 && pos < size; k++)
                x = x << 8 | data[pos++];
            for (size_t i = 0; i < len; i++) {
                x = x * 1103515245u + 12345u;
                b[i] = (unsigned char)(x >> 16);
            }
        } else {
            size_t lit = size - pos < 64 ? size - pos : 64;
            for (size_t i = 0; i < len; i++)
                b[i] = lit ? data[pos + i % lit] : (unsigned char)i;
            pos += lit;
        }
        bodies[n] = b;
        snprintf(names[n], sizeof(names[n]), "f%zu.bin", n);
        entries[n] = (PackageEntry){ names[n], b, len, NULL };
        n++;
    }
    Diag d = DIAG_INIT;
    Buf z = BUF_INIT;
    const char *path = zip_file();
    check(package_write_zip(path, entries, n, 1700000000, &d) == 0, "write failed");
    read_file(path, &z);
    walk((const unsigned char *)z.data, z.len, n);
    if (n == 0)
        goto out;   /* an empty zip: our reader refuses it, as it should */

    Package *p = package_open(path, NULL, &d);
    check(p != NULL && package_count(p) == n, "reopen");
    Buf back = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        buf_clear(&back);
        check(package_read(p, entries[i].name, 0, &back, &d) == 0, "read back");
        check(back.len == entries[i].size
              && (back.len == 0 || memcmp(back.data, entries[i].data, back.len) == 0),
              "bytes differ (central directory reader)");
    }
    package_close(p);

    struct archive *a = archive_read_new();
    check(a != NULL, "archive_read_new");
    archive_read_support_format_zip_streamable(a);
    check(archive_read_open_memory(a, z.data, z.len) == ARCHIVE_OK, "stream open");
    struct archive_entry *ae;
    size_t seen = 0;
    while (archive_read_next_header(a, &ae) == ARCHIVE_OK) {
        const char *name = archive_entry_pathname(ae);
        size_t i = 0;
        while (i < n && strcmp(entries[i].name, name) != 0)
            i++;
        check(i < n, "unknown entry in the stream");
        buf_clear(&back);
        char chunk[8192];
        la_ssize_t r;
        while ((r = archive_read_data(a, chunk, sizeof(chunk))) > 0)
            buf_append(&back, chunk, (size_t)r);
        check(r == 0 && back.len == entries[i].size
              && (back.len == 0 || memcmp(back.data, entries[i].data, back.len) == 0),
              "bytes differ (streaming reader)");
        seen++;
    }
    check(seen == n, "the stream lost entries");
    archive_read_free(a);
    buf_release(&back);
out:
    buf_release(&z);
    diag_release(&d);
    for (size_t i = 0; i < n; i++)
        free(bodies[i]);
    return 0;
}
