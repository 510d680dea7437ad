/* Unit tests of zip_method (store what deflate cannot shrink) and zip_fixup
 * (stored entries without data descriptors), on packages written by
 * package_write_zip and read back by an independent walk of the bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>

#include "buf.h"
#include "diag.h"
#include "package.h"
#include "pkgfixture.h"
#include "zip_fixup.h"
#include "zip_method.h"

static void fill_noise(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = (unsigned char)(seed >> 16);
    }
}

static void fill_text(unsigned char *p, size_t n)
{
    static const char s[] = "Le médecin garde la main sur la décision : l'outil propose, "
                            "l'équipe dispose. ";
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)s[i % (sizeof(s) - 1)];
}

static void test_zip__method_by_content(void **state)
{
    (void)state;
    unsigned char head[ZIP_METHOD_SAMPLE];
    ZipMethodProbe *probe = zip_method_probe_new();
    assert_non_null(probe);
    fill_noise(head, sizeof(head), 7);
    assert_int_equal(zip_method_choose(probe, head, sizeof(head), 300000), ZIP_METHOD_STORE);
    /* The same bytes in a small entry: not worth judging, deflated. */
    assert_int_equal(zip_method_choose(probe, head, 4000, 4000), ZIP_METHOD_DEFLATE);
    /* A long entry of which only a short start is known: deflated. */
    assert_int_equal(zip_method_choose(probe, head, 1000, 300000), ZIP_METHOD_DEFLATE);
    fill_text(head, sizeof(head));
    assert_int_equal(zip_method_choose(probe, head, sizeof(head), 300000), ZIP_METHOD_DEFLATE);
    /* Around the 2 % line: noise with a run of zeros that deflate squeezes.
     * 1,000 zeros in 16 KiB (6 %) are worth deflating; 100 (0.6 %) are not. */
    fill_noise(head, sizeof(head), 9);
    memset(head, 0, 1000);
    assert_int_equal(zip_method_choose(probe, head, sizeof(head), 300000), ZIP_METHOD_DEFLATE);
    fill_noise(head, sizeof(head), 9);
    memset(head, 0, 100);
    assert_int_equal(zip_method_choose(probe, head, sizeof(head), 300000), ZIP_METHOD_STORE);
    /* One probe serves many entries: text after noise is judged afresh. */
    fill_text(head, sizeof(head));
    assert_int_equal(zip_method_choose(probe, head, sizeof(head), 300000), ZIP_METHOD_DEFLATE);
    zip_method_probe_free(probe);
    zip_method_probe_free(NULL);
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

typedef struct Walked {
    size_t entries, stored, deflated, stored_with_descriptor;
} Walked;

/* Walks a zip by its central directory and checks each local header against
 * it: what a streaming reader relies on. */
static Walked walk_zip(const unsigned char *z, size_t n)
{
    Walked w = {0};
    assert_true(n >= 22);
    const unsigned char *e = z + n - 22;
    assert_memory_equal(e, "PK\5\6", 4);
    size_t count = rd16(e + 10), cd_size = rd32(e + 12), cd_off = rd32(e + 16);
    assert_int_equal(cd_off + cd_size + 22, n);
    size_t p = cd_off;
    for (size_t i = 0; i < count; i++) {
        const unsigned char *c = z + p;
        assert_memory_equal(c, "PK\1\2", 4);
        unsigned flags = rd16(c + 8), method = rd16(c + 10);
        unsigned long crc = rd32(c + 16), csize = rd32(c + 20), usize = rd32(c + 24);
        size_t lh = rd32(c + 42);
        const unsigned char *l = z + lh;
        assert_memory_equal(l, "PK\3\4", 4);
        assert_int_equal(rd16(l + 8), method);
        assert_memory_equal(l + 10, c + 12, 4);             /* same DOS date */
        size_t data = lh + 30 + rd16(l + 26) + rd16(l + 28);
        size_t after = data + csize;
        if (method == 0) {
            w.stored++;
            assert_int_equal(csize, usize);
            if (flags & 8)
                w.stored_with_descriptor++;
            /* No descriptor: CRC and sizes in the local header, and the next
             * thing after the data is a header. */
            assert_int_equal(rd16(l + 6) & 8, 0);
            assert_int_equal(rd32(l + 14), crc);
            assert_int_equal(rd32(l + 18), csize);
            assert_int_equal(rd32(l + 22), usize);
            assert_true(memcmp(z + after, "PK\3\4", 4) == 0
                        || memcmp(z + after, "PK\1\2", 4) == 0);
        } else {
            assert_int_equal(method, 8);
            w.deflated++;
        }
        w.entries++;
        p += 46 + rd16(c + 28) + rd16(c + 30) + rd16(c + 32);
    }
    assert_int_equal(p, cd_off + cd_size);
    return w;
}

/* Reads the zip as a stream from its first byte (no central directory), as
 * a streaming importer does, and checks one entry's bytes. */
static size_t stream_read(const Buf *zip, const char *name, const void *want, size_t want_len)
{
    struct archive *a = archive_read_new();
    assert_non_null(a);
    archive_read_support_format_zip_streamable(a);
    assert_int_equal(archive_read_open_memory(a, zip->data, zip->len), ARCHIVE_OK);
    struct archive_entry *ae;
    size_t n = 0;
    int found = 0;
    while (archive_read_next_header(a, &ae) == ARCHIVE_OK) {
        n++;
        Buf got = BUF_INIT;
        char chunk[8192];
        la_ssize_t r;
        while ((r = archive_read_data(a, chunk, sizeof(chunk))) > 0)
            buf_append(&got, chunk, (size_t)r);
        assert_int_equal(r, 0);
        if (strcmp(archive_entry_pathname(ae), name) == 0) {
            found = 1;
            assert_int_equal(got.len, want_len);
            assert_memory_equal(got.data, want, want_len);
        }
        buf_release(&got);
    }
    assert_true(found);
    archive_read_free(a);
    return n;
}

static void test_zip__stored_entries_have_no_descriptor(void **state)
{
    (void)state;
    char *dir = pkgfixture_tmpdir();
    assert_non_null(dir);
    char photo[4096], scan[4096], text[4096], path[4096];
    snprintf(photo, sizeof(photo), "%s/photo.jpg", dir);
    snprintf(scan, sizeof(scan), "%s/scan.png", dir);
    snprintf(text, sizeof(text), "%s/notes.svg", dir);
    snprintf(path, sizeof(path), "%s/m.zip", dir);
    size_t big = 200000, mid = 70000, txt = 50000;
    unsigned char *a = malloc(big), *b = malloc(mid), *t = malloc(txt);
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(t);
    fill_noise(a, big, 1);
    fill_noise(b, mid, 2);
    fill_text(t, txt);
    assert_int_equal(pkgfixture_write_file(photo, a, big), 0);
    assert_int_equal(pkgfixture_write_file(scan, b, mid), 0);
    assert_int_equal(pkgfixture_write_file(text, t, txt), 0);
    /* Noise held in memory too: the choice is by content, wherever it is. */
    PackageEntry entries[] = {
        { "index.html", "<html>hello</html>", 18, NULL },
        { "img/a-photo.jpg", NULL, 0, photo },
        { "img/b-notes.svg", NULL, 0, text },
        { "img/c-scan.png", NULL, 0, scan },
        { "img/d-inline.bin", b, 20000, NULL },
        { "imsmanifest.xml", "<manifest/>", 11, NULL },
    };
    size_t n = sizeof(entries) / sizeof(entries[0]);
    Diag d = DIAG_INIT;
    Buf mem = BUF_INIT;
    assert_int_equal(package_write_zip(path, entries, n, 1700000000, &d), 0);
    assert_int_equal(d.errors, 0);
    assert_int_equal(pkgfixture_read_file(path, &mem), 0);
    Walked w = walk_zip((const unsigned char *)mem.data, mem.len);
    assert_int_equal(w.entries, n);
    assert_int_equal(w.stored, 3);           /* the three noise entries */
    assert_int_equal(w.deflated, 3);         /* page, manifest, text */
    assert_int_equal(w.stored_with_descriptor, 0);
    /* The stored bytes cost nothing: the package is no bigger than its noise
     * plus a little, where deflating noise makes it grow. */
    assert_true(mem.len < big + mid + 20000 + 2000);
    /* A streaming reader reads every entry, stored ones included. */
    assert_int_equal(stream_read(&mem, "img/c-scan.png", b, mid), n);
    assert_int_equal(stream_read(&mem, "img/a-photo.jpg", a, big), n);
    assert_int_equal(stream_read(&mem, "img/b-notes.svg", t, txt), n);
    /* And our own reader, which jumps by the central directory. */
    Package *p = package_open(path, NULL, &d);
    assert_non_null(p);
    Buf back = BUF_INIT;
    assert_int_equal(package_read(p, "img/d-inline.bin", 0, &back, &d), 0);
    assert_int_equal(back.len, 20000);
    assert_memory_equal(back.data, b, 20000);
    buf_release(&back);
    assert_int_equal(package_read(p, "imsmanifest.xml", 0, &back, &d), 0);
    assert_string_equal(back.data, "<manifest/>");
    package_close(p);
    assert_int_equal(d.errors, 0);
    buf_release(&back);
    buf_release(&mem);
    diag_release(&d);
    free(a);
    free(b);
    free(t);
    pkgfixture_rmtree(dir);
    free(dir);
}

/* Third-party zips (libarchive, Go, Python writing to a pipe) store entries
 * WITH data descriptors: our reader must still read them, by the central
 * directory and from the entry's own offset. */
static void test_zip__reads_stored_entries_with_descriptors(void **state)
{
    (void)state;
    size_t n = 70000;
    unsigned char *noise = malloc(n);
    assert_non_null(noise);
    fill_noise(noise, n, 3);
    Buf z = BUF_INIT;
    struct archive *a = archive_write_new();
    assert_non_null(a);
    assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
    assert_int_equal(archive_write_zip_set_compression_store(a), ARCHIVE_OK);
    size_t cap = 2 * n + 4096, used = 0;
    unsigned char *mem = malloc(cap);
    assert_non_null(mem);
    assert_int_equal(archive_write_open_memory(a, mem, cap, &used), ARCHIVE_OK);
    const char *names[] = { "img/one.png", "img/two.png" };
    for (int i = 0; i < 2; i++) {
        struct archive_entry *ae = archive_entry_new();
        archive_entry_set_pathname(ae, names[i]);
        archive_entry_set_filetype(ae, AE_IFREG);
        archive_entry_set_perm(ae, 0644);
        archive_entry_set_size(ae, (la_int64_t)(n / 2));
        assert_int_equal(archive_write_header(a, ae), ARCHIVE_OK);
        assert_int_equal(archive_write_data(a, noise + i * (n / 2), n / 2), (la_ssize_t)(n / 2));
        archive_entry_free(ae);
    }
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
    buf_append(&z, (const char *)mem, used);
    free(mem);
    /* It is the layout this test is about: stored, flag bit 3 set. */
    const unsigned char *u = (const unsigned char *)z.data;
    assert_memory_equal(u, "PK\3\4", 4);
    assert_int_equal(rd16(u + 8), 0);
    assert_int_equal(rd16(u + 6) & 8, 8);
    Diag d = DIAG_INIT;
    Package *p = package_open_memory(z.data, z.len, "third-party.zip", NULL, &d);
    assert_non_null(p);
    for (int i = 0; i < 2; i++) {
        Buf back = BUF_INIT;
        assert_int_equal(package_read(p, names[i], 0, &back, &d), 0);
        assert_int_equal(back.len, n / 2);
        assert_memory_equal(back.data, noise + i * (n / 2), n / 2);
        buf_release(&back);
    }
    package_close(p);
    assert_int_equal(d.errors, 0);
    diag_release(&d);
    buf_release(&z);
    free(noise);
}

/* zip_fixup_fd on the file at path; the file is first replaced by z. */
static int fixup_file(const char *path, const Buf *z, ZipDropped dropped, const char **why)
{
    assert_int_equal(pkgfixture_write_file(path, z->data, z->len), 0);
    int fd = open(path, O_RDWR);
    assert_true(fd >= 0);
    int rc = zip_fixup_fd(fd, 1700000000, dropped, why);
    close(fd);
    return rc;
}

static void test_zip__fixup_refuses_what_it_did_not_write(void **state)
{
    (void)state;
    char *dir = pkgfixture_tmpdir();
    assert_non_null(dir);
    char path[4096];
    snprintf(path, sizeof(path), "%s/z.zip", dir);
    const char *why = NULL;
    Buf junk = BUF_INIT;
    for (int i = 0; i < 64; i++)
        buf_putc(&junk, 'x');
    ZipDropped none = { NULL, 0 };
    assert_int_equal(fixup_file(path, &junk, none, &why), -1);
    assert_non_null(why);
    assert_non_null(strstr(why, "end-of-central-directory"));
    /* A real zip, but told of a dropped descriptor that is not there: refused
     * rather than turned into a zip whose offsets point into the data. */
    PackageEntry one[] = { { "index.html", "<html>hello</html>", 18, NULL } };
    Diag d = DIAG_INIT;
    Buf z = BUF_INIT, back = BUF_INIT;
    assert_int_equal(pkgfixture_write_zip(one, 1, 1700000000, &z, &d), 0);
    unsigned long long at[] = { 0 };
    ZipDropped phantom = { at, 1 };
    why = NULL;
    assert_int_equal(fixup_file(path, &z, phantom, &why), -1);
    assert_non_null(why);
    /* Run again with nothing dropped, a zip we wrote is left byte for byte. */
    assert_int_equal(fixup_file(path, &z, none, &why), 0);
    assert_int_equal(pkgfixture_read_file(path, &back), 0);
    assert_int_equal(back.len, z.len);
    assert_memory_equal(back.data, z.data, z.len);
    buf_release(&junk);
    buf_release(&back);
    buf_release(&z);
    diag_release(&d);
    pkgfixture_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zip__method_by_content),
        cmocka_unit_test(test_zip__stored_entries_have_no_descriptor),
        cmocka_unit_test(test_zip__reads_stored_entries_with_descriptors),
        cmocka_unit_test(test_zip__fixup_refuses_what_it_did_not_write),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
