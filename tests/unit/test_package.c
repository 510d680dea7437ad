/* Unit tests of package: deterministic atomic zip writing, safe reading. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>

#include "buf.h"
#include "diag.h"
#include "package.h"
#include "pkgfixture.h"

static const PackageEntry three[] = {
    { "runtime/cp.css", "body{}", 6, NULL },
    { "index.html", "<html>hello</html>", 18, NULL },
    { "imsmanifest.xml", "<manifest/>", 11, NULL },
};

/* The first message's formatted text, for assertions (static buffer). */
static const char *first_msg(const Diag *d)
{
    static char line[2048];
    if (!d->count)
        return "";
    char *s = diag_format(&d->msgs[0]);
    snprintf(line, sizeof(line), "%s", s ? s : "");
    free(s);
    return line;
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("'%s' does not contain '%s'", hay, needle);
}

static void test_package__round_trip_sorted(void **state)
{
    (void)state;
    Buf z = BUF_INIT;
    Diag d = DIAG_INIT;
    assert_int_equal(pkgfixture_write_zip(three, 3, PACKAGE_MTIME_DEFAULT, &z, &d), 0);
    assert_int_equal(d.errors, 0);
    Package *p = package_open_memory(z.data, z.len, "t.zip", NULL, &d);
    assert_non_null(p);
    assert_int_equal(package_count(p), 3);
    assert_string_equal(package_file(p, 0)->name, "imsmanifest.xml");
    assert_string_equal(package_file(p, 1)->name, "index.html");
    assert_string_equal(package_file(p, 2)->name, "runtime/cp.css");
    assert_int_equal(package_find(p, "index.html")->size, 18);
    assert_null(package_find(p, "nope.html"));
    /* Out of order reads exercise the reopen path. */
    Buf b = BUF_INIT;
    assert_int_equal(package_read(p, "runtime/cp.css", 0, &b, &d), 0);
    assert_string_equal(b.data, "body{}");
    buf_clear(&b);
    assert_int_equal(package_read(p, "index.html", 0, &b, &d), 0);
    assert_string_equal(b.data, "<html>hello</html>");
    buf_clear(&b);
    assert_int_equal(package_read(p, "imsmanifest.xml", 0, &b, &d), 0);
    assert_string_equal(b.data, "<manifest/>");
    buf_clear(&b);
    assert_int_equal(package_read(p, "index.html", 5, &b, &d), -1);
    assert_contains(first_msg(&d), "t.zip: error: 'index.html' is 18 bytes, more than the 5");
    package_close(p);

    /* Entries are in name order in the archive itself, with fixed metadata. */
    struct archive *a = archive_read_new();
    archive_read_support_format_zip(a);
    assert_int_equal(archive_read_open_memory(a, z.data, z.len), ARCHIVE_OK);
    struct archive_entry *ae;
    const char *order[] = { "imsmanifest.xml", "index.html", "runtime/cp.css" };
    for (int i = 0; i < 3; i++) {
        assert_int_equal(archive_read_next_header(a, &ae), ARCHIVE_OK);
        assert_string_equal(archive_entry_pathname(ae), order[i]);
        assert_int_equal(archive_entry_mtime(ae), PACKAGE_MTIME_DEFAULT);
        assert_int_equal(archive_entry_perm(ae), 0644);
        assert_int_equal(archive_entry_uid(ae), 0);
    }
    assert_int_equal(archive_read_next_header(a, &ae), ARCHIVE_EOF);
    archive_read_free(a);
    buf_release(&b);
    buf_release(&z);
    diag_release(&d);
}

static void test_package__same_input_same_bytes(void **state)
{
    (void)state;
    Buf z1 = BUF_INIT, z2 = BUF_INIT, z3 = BUF_INIT;
    Diag d = DIAG_INIT;
    PackageEntry rev[3] = { three[2], three[0], three[1] };
    assert_int_equal(pkgfixture_write_zip(three, 3, PACKAGE_MTIME_DEFAULT, &z1, &d), 0);
    assert_int_equal(pkgfixture_write_zip(rev, 3, PACKAGE_MTIME_DEFAULT, &z2, &d), 0);
    assert_int_equal(z1.len, z2.len);
    assert_memory_equal(z1.data, z2.data, z1.len);
    /* The time zone does not matter (zip DOS dates are written in UTC). */
    Buf tokyo = BUF_INIT;
    const char *oldtz = getenv("TZ");
    char *saved = oldtz ? strdup(oldtz) : NULL;
    setenv("TZ", "Asia/Tokyo", 1);
    tzset();
    assert_int_equal(pkgfixture_write_zip(three, 3, PACKAGE_MTIME_DEFAULT, &tokyo, &d), 0);
    if (saved)
        setenv("TZ", saved, 1);
    else
        unsetenv("TZ");
    tzset();
    free(saved);
    assert_int_equal(tokyo.len, z1.len);
    assert_memory_equal(tokyo.data, z1.data, z1.len);
    buf_release(&tokyo);
    /* A different date gives different bytes: the date is really written. */
    assert_int_equal(pkgfixture_write_zip(three, 3, 1700000000, &z3, &d), 0);
    assert_true(z3.len != z1.len || memcmp(z1.data, z3.data, z1.len) != 0);
    buf_release(&z1);
    buf_release(&z2);
    buf_release(&z3);
    diag_release(&d);
}

static void test_package__source_date_epoch(void **state)
{
    (void)state;
    unsetenv("SOURCE_DATE_EPOCH");
    assert_int_equal(package_mtime_from_env(), PACKAGE_MTIME_DEFAULT);
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    long long t = package_mtime_from_env();
    assert_int_equal(t, 1700000000);
    setenv("SOURCE_DATE_EPOCH", "12abc", 1);
    assert_int_equal(package_mtime_from_env(), PACKAGE_MTIME_DEFAULT);
    unsetenv("SOURCE_DATE_EPOCH");

    Buf z = BUF_INIT;
    Diag d = DIAG_INIT;
    assert_int_equal(pkgfixture_write_zip(three, 3, t, &z, &d), 0);
    struct archive *a = archive_read_new();
    archive_read_support_format_zip(a);
    assert_int_equal(archive_read_open_memory(a, z.data, z.len), ARCHIVE_OK);
    struct archive_entry *ae;
    while (archive_read_next_header(a, &ae) == ARCHIVE_OK)
        assert_int_equal(archive_entry_mtime(ae), 1700000000);
    archive_read_free(a);
    buf_release(&z);
    diag_release(&d);
}

static void test_package__disk_write_atomic(void **state)
{
    (void)state;
    char *dir = pkgfixture_tmpdir();
    assert_non_null(dir);
    char path[4096], src[4096];
    snprintf(path, sizeof(path), "%s/m.fr.scorm12.zip", dir);
    snprintf(src, sizeof(src), "%s/source.png", dir);
    assert_int_equal(pkgfixture_write_file(src, "PNGDATA", 7), 0);
    Diag d = DIAG_INIT;
    PackageEntry with_file[4] = { three[0], three[1], three[2], { "img/a.png", NULL, 0, src } };
    assert_int_equal(package_write_zip(path, with_file, 4, PACKAGE_MTIME_DEFAULT, &d), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    Buf good = BUF_INIT, again = BUF_INIT;
    assert_int_equal(pkgfixture_read_file(path, &good), 0);

    Package *p = package_open(path, NULL, &d);
    assert_non_null(p);
    Buf b = BUF_INIT;
    assert_int_equal(package_read(p, "img/a.png", 0, &b, &d), 0);
    assert_string_equal(b.data, "PNGDATA");
    package_close(p);

    /* A failure half-way (an entry's file is missing) keeps the old zip and
     * leaves no temporary file. */
    PackageEntry broken[2] = { three[0], { "img/b.png", NULL, 0, "/nonexistent/b.png" } };
    assert_int_equal(package_write_zip(path, broken, 2, PACKAGE_MTIME_DEFAULT, &d), -1);
    assert_contains(first_msg(&d), "/nonexistent/b.png: error: cannot read "
                    "'/nonexistent/b.png' for zip entry 'img/b.png'");
    assert_int_equal(pkgfixture_read_file(path, &again), 0);
    assert_int_equal(again.len, good.len);
    assert_memory_equal(again.data, good.data, good.len);
    assert_int_equal(pkgfixture_count_files(dir), 2);   /* zip + source.png */
    diag_release(&d);

    /* Bad and duplicate names are refused before anything is written. */
    PackageEntry dup[2] = { three[1], three[1] };
    assert_int_equal(package_write_zip(path, dup, 2, PACKAGE_MTIME_DEFAULT, &d), -1);
    assert_contains(first_msg(&d), "error: zip entry 'index.html' is given twice");
    diag_release(&d);
    PackageEntry evil[1] = { { "../x.html", "x", 1, NULL } };
    assert_int_equal(package_write_zip(path, evil, 1, PACKAGE_MTIME_DEFAULT, &d), -1);
    assert_contains(first_msg(&d), "zip entry '../x.html': '..' component escapes");
    assert_int_equal(pkgfixture_count_files(dir), 2);
    diag_release(&d);

    /* A folder that does not exist: clear message. */
    assert_int_equal(package_write_zip("/nonexistent/dir/x.zip", three, 3, 0, &d), -1);
    assert_contains(first_msg(&d), "/nonexistent/dir/x.zip: error: cannot create a temporary "
                    "file beside '/nonexistent/dir/x.zip'");
    diag_release(&d);

    buf_release(&b);
    buf_release(&good);
    buf_release(&again);
    pkgfixture_rmtree(dir);
    free(dir);
}

/* A build killed (SIGKILL, power cut) leaves its temporary file behind; the
 * next successful write of the same package removes such leftovers, so a
 * ward PC's folder does not fill up. Other packages' leftovers are not its
 * business. (hardening: 50 kills left 28 files) */
/* Entries streamed from files, larger than the copy chunks, with the DOS
 * dates fixed in place afterwards: the same bytes in any time zone. */
static void test_package__streamed_entries_same_bytes_in_any_time_zone(void **state)
{
    (void)state;
    char *dir = pkgfixture_tmpdir();
    assert_non_null(dir);
    char path[4096], big[4096], small[4096];
    snprintf(path, sizeof(path), "%s/m.en.scorm2004.zip", dir);
    snprintf(big, sizeof(big), "%s/big.png", dir);
    snprintf(small, sizeof(small), "%s/small.png", dir);
    size_t n = 700000;                  /* ~11 chunks of 64 KiB, incompressible */
    unsigned char *noise = malloc(n);
    assert_non_null(noise);
    unsigned x = 12345;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        noise[i] = (unsigned char)(x >> 16);
    }
    assert_int_equal(pkgfixture_write_file(big, noise, n), 0);
    assert_int_equal(pkgfixture_write_file(small, "PNG", 3), 0);
    PackageEntry files[5] = { three[0], three[1], three[2], { "img/big.png", NULL, 0, big },
                              { "img/small.png", NULL, 0, small } };
    Diag d = DIAG_INIT;
    Buf here = BUF_INIT, disk = BUF_INIT, big_back = BUF_INIT;
    assert_int_equal(pkgfixture_write_zip(files, 5, 1700000000, &here, &d), 0);
    const char *oldtz = getenv("TZ");
    char *saved = oldtz ? strdup(oldtz) : NULL;
    setenv("TZ", "America/Los_Angeles", 1);
    tzset();
    assert_int_equal(package_write_zip(path, files, 5, 1700000000, &d), 0);
    if (saved)
        setenv("TZ", saved, 1);
    else
        unsetenv("TZ");
    tzset();
    free(saved);
    assert_int_equal(pkgfixture_read_file(path, &disk), 0);
    assert_int_equal(disk.len, here.len);
    assert_memory_equal(disk.data, here.data, here.len);
    Package *p = package_open(path, NULL, &d);
    assert_non_null(p);
    assert_int_equal(package_read(p, "img/big.png", 0, &big_back, &d), 0);
    assert_int_equal(big_back.len, n);
    assert_memory_equal(big_back.data, noise, n);
    package_close(p);
    assert_int_equal(d.errors, 0);
    assert_int_equal(pkgfixture_count_files(dir), 3);   /* no temporary file left */
    /* A file given with the size it was checked at, changed since: refused,
     * the package left as it was. */
    PackageEntry changed[2] = { three[1], { "img/small.png", NULL, 4, small } };
    assert_int_equal(package_write_zip(path, changed, 2, 1700000000, &d), -1);
    assert_contains(first_msg(&d), "small.png: error: '");
    assert_contains(first_msg(&d), "small.png' changed since it was checked (build again)");
    buf_release(&disk);
    assert_int_equal(pkgfixture_read_file(path, &disk), 0);
    assert_int_equal(disk.len, here.len);
    assert_int_equal(pkgfixture_count_files(dir), 3);
    changed[1].size = 3;
    assert_int_equal(package_write_zip(path, changed, 2, 1700000000, &d), 0);
    buf_release(&here);
    buf_release(&disk);
    buf_release(&big_back);
    diag_release(&d);
    free(noise);
    pkgfixture_rmtree(dir);
    free(dir);
}

static void test_package__write_removes_its_stale_temporaries(void **state)
{
    (void)state;
    char *dir = pkgfixture_tmpdir();
    assert_non_null(dir);
    char path[4096], stale[4096], other[4096];
    snprintf(path, sizeof(path), "%s/m.fr.scorm12.zip", dir);
    snprintf(stale, sizeof(stale), "%s/m.fr.scorm12.zip.tmp-Ab12Cd", dir);
    snprintf(other, sizeof(other), "%s/n.fr.scorm12.zip.tmp-Zz99Yy", dir);
    assert_int_equal(pkgfixture_write_file(stale, "half a zip", 10), 0);
    assert_int_equal(pkgfixture_write_file(other, "another", 7), 0);
    Diag d = DIAG_INIT;
    assert_int_equal(package_write_zip(path, three, 3, PACKAGE_MTIME_DEFAULT, &d), 0);
    struct stat st;
    assert_int_not_equal(stat(stale, &st), 0);
    assert_int_equal(stat(other, &st), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(pkgfixture_count_files(dir), 2);   /* the zip + n's leftover */
    diag_release(&d);
    pkgfixture_rmtree(dir);
    free(dir);
}

/* Opens a fixture zip; expects failure with a message containing want. */
static void expect_refused(const PkgfixtureEntry *e, size_t n, const PackageLimits *lim,
                           const char *want)
{
    Buf z = BUF_INIT;
    Diag d = DIAG_INIT;
    assert_int_equal(pkgfixture_zip(e, n, &z), 0);
    Package *p = package_open_memory(z.data, z.len, "bad.zip", lim, &d);
    assert_null(p);
    assert_true(d.errors >= 1);
    assert_contains(first_msg(&d), want);
    buf_release(&z);
    diag_release(&d);
}

static void test_package__reader_refuses_hostile_entries(void **state)
{
    (void)state;
    PkgfixtureEntry trav[] = { { "a.html", "a", 0, 0, 0 }, { "../../etc/x", "x", 0, 0, 0 } };
    expect_refused(trav, 2, NULL, "bad.zip: error: entry '../../etc/x': '..' component "
                   "escapes the package");
    PkgfixtureEntry mid[] = { { "img/../../x", "x", 0, 0, 0 } };
    expect_refused(mid, 1, NULL, "entry 'img/../../x': '..' component escapes");
    PkgfixtureEntry abs[] = { { "/etc/passwd", "x", 0, 0, 0 } };
    expect_refused(abs, 1, NULL, "bad.zip: error: entry '/etc/passwd': absolute path");
    PkgfixtureEntry bs[] = { { "img\\a.png", "x", 0, 0, 0 } };
    expect_refused(bs, 1, NULL, "bad.zip: error: entry 'img\\a.png': backslash in the path "
                   "(zip paths use '/'");
    PkgfixtureEntry link[] = { { "index.html", "x", 0, 0, 0 },
                               { "evil", NULL, 0, PKGFIXTURE_SYMLINK, "/etc/passwd" } };
    expect_refused(link, 2, NULL, "bad.zip: error: entry 'evil' is a symbolic link, not a "
                   "regular file");
    PkgfixtureEntry dup[] = { { "index.html", "x", 0, 0, 0 }, { "index.html", "y", 0, 0, 0 } };
    expect_refused(dup, 2, NULL, "bad.zip: error: entry 'index.html' appears twice in the zip");
    PkgfixtureEntry badutf[] = { { "caf\xe9.html", "x", 0, 0, 0 } };
    expect_refused(badutf, 1, NULL, "bad.zip: error: entry 'caf\\xE9.html': name is not "
                   "valid UTF-8 (rebuild the zip with a tool that writes UTF-8 names)");
}

static la_ssize_t to_buf(struct archive *a, void *ud, const void *data, size_t n)
{
    (void)a;
    buf_append(ud, data, n);
    return (la_ssize_t)n;
}

static void test_package__reader_refuses_encrypted(void **state)
{
    (void)state;
    Buf z = BUF_INIT;
    struct archive *a = archive_write_new();
    archive_write_set_format_zip(a);
    if (archive_write_set_options(a, "zip:encryption=zipcrypt") != ARCHIVE_OK) {
        archive_write_free(a);
        skip();     /* libarchive built without encryption support */
    }
    assert_int_equal(archive_write_set_passphrase(a, "secret"), ARCHIVE_OK);
    assert_int_equal(archive_write_open(a, &z, NULL, to_buf, NULL), ARCHIVE_OK);
    struct archive_entry *ae = archive_entry_new();
    archive_entry_set_pathname(ae, "index.html");
    archive_entry_set_filetype(ae, AE_IFREG);
    archive_entry_set_perm(ae, 0644);
    archive_entry_set_size(ae, 5);
    assert_int_equal(archive_write_header(a, ae), ARCHIVE_OK);
    assert_int_equal(archive_write_data(a, "hello", 5), 5);
    archive_entry_free(ae);
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
    Diag d = DIAG_INIT;
    assert_null(package_open_memory(z.data, z.len, "locked.zip", NULL, &d));
    assert_string_equal(first_msg(&d), "locked.zip: error: entry 'index.html' is encrypted (a "
                        "package cannot be password-protected; export it again without a "
                        "password)");
    diag_release(&d);
    buf_release(&z);
}

static void test_package__reader_limits(void **state)
{
    (void)state;
    PkgfixtureEntry many[12];
    char names[12][32];
    for (int i = 0; i < 12; i++) {
        snprintf(names[i], sizeof(names[i]), "f%02d.txt", i);
        many[i] = (PkgfixtureEntry){ names[i], "x", 0, 0, 0 };
    }
    PackageLimits lim = { .max_entries = 10 };
    expect_refused(many, 12, &lim, "bad.zip: error: more than 10 files in the zip");

    PkgfixtureEntry big[] = { { "big.txt", "0123456789012345678901234567890123456789", 0, 0, 0 } };
    PackageLimits small = { .max_entry_size = 16 };
    expect_refused(big, 1, &small, "bad.zip: error: entry 'big.txt' is 40 bytes uncompressed, "
                   "above the limit of 16");

    PkgfixtureEntry total[] = { { "a.txt", "0123456789", 0, 0, 0 },
                                { "b.txt", "0123456789", 0, 0, 0 } };
    PackageLimits tot = { .max_total_size = 15 };
    expect_refused(total, 2, &tot, "the files add up to more than 15 bytes uncompressed");

    /* 20 MiB of zeros deflate about 1000:1: the shape of a zip bomb. */
    PkgfixtureEntry bomb[] = { { "zeros.bin", NULL, 20u << 20, 0, 0 } };
    expect_refused(bomb, 1, NULL, "bad.zip: error: entry 'zeros.bin' expands");
    expect_refused(bomb, 1, NULL, "like a zip bomb");

    /* A 2 MiB file of zeros compresses about 1000:1 but is
     * small enough for the caps: accepted. */
    PkgfixtureEntry page[] = { { "index.html", NULL, 2u << 20, 0, 0 } };
    Buf zp = BUF_INIT;
    Diag dp = DIAG_INIT;
    assert_int_equal(pkgfixture_zip(page, 1, &zp), 0);
    Package *pp = package_open_memory(zp.data, zp.len, "page.zip", NULL, &dp);
    assert_non_null(pp);
    package_close(pp);
    buf_release(&zp);
    diag_release(&dp);

    /* Directory entries (common in third-party zips) are skipped, not refused. */
    PkgfixtureEntry dirs[] = { { "img/", NULL, 0, PKGFIXTURE_DIR, 0 },
                               { "img/a.png", "png", 0, 0, 0 } };
    Buf z = BUF_INIT;
    Diag d = DIAG_INIT;
    assert_int_equal(pkgfixture_zip(dirs, 2, &z), 0);
    Package *p = package_open_memory(z.data, z.len, "ok.zip", NULL, &d);
    assert_non_null(p);
    assert_int_equal(package_count(p), 1);
    assert_string_equal(package_file(p, 0)->name, "img/a.png");
    package_close(p);
    buf_release(&z);
    diag_release(&d);
}

static void test_package__reader_refuses_non_zips(void **state)
{
    (void)state;
    Diag d = DIAG_INIT;
    assert_null(package_open_memory("", 0, "empty.zip", NULL, &d));
    assert_string_equal(first_msg(&d), "empty.zip: error: the file is empty, not a zip "
                        "(export the package again)");
    diag_release(&d);

    const char *text = "<html>this is not a zip at all, just some text</html>\n";
    assert_null(package_open_memory(text, strlen(text), "page.zip", NULL, &d));
    assert_string_equal(first_msg(&d), "page.zip: error: not a zip file (a SCORM package is a "
                        ".zip with imsmanifest.xml at its root)");
    diag_release(&d);

    /* A zip with no file in it (what an export that failed half-way writes) */
    Buf z = BUF_INIT;
    assert_int_equal(pkgfixture_write_zip(NULL, 0, PACKAGE_MTIME_DEFAULT, &z, &d), 0);
    assert_int_equal(z.len, 22);
    assert_null(package_open_memory(z.data, z.len, "nothing.zip", NULL, &d));
    assert_string_equal(first_msg(&d), "nothing.zip: error: the zip holds no file (a SCORM "
                        "package has imsmanifest.xml at its root: export the package again)");
    diag_release(&d);
    buf_clear(&z);

    assert_int_equal(pkgfixture_write_zip(three, 3, PACKAGE_MTIME_DEFAULT, &z, &d), 0);
    assert_null(package_open_memory(z.data, z.len / 2, "cut.zip", NULL, &d));
    assert_string_equal(first_msg(&d), "cut.zip: error: the zip is truncated or damaged: its "
                        "central directory is missing (copy or download the file again)");
    diag_release(&d);

    assert_null(package_open("/nonexistent/p.zip", NULL, &d));
    assert_contains(first_msg(&d), "/nonexistent/p.zip: error: cannot open the package: No such");
    diag_release(&d);
    buf_release(&z);
}

static void test_package__many_entries_open_fast(void **state)
{
    (void)state;
    enum { N = 3000 };
    PackageEntry *e = calloc(N, sizeof(*e));
    char (*names)[32] = calloc(N, 32);
    for (int i = 0; i < N; i++) {
        snprintf(names[i], 32, "img/p%04d.png", i);
        e[i] = (PackageEntry){ names[i], names[i], strlen(names[i]), NULL };
    }
    Buf z = BUF_INIT;
    Diag d = DIAG_INIT;
    assert_int_equal(pkgfixture_write_zip(e, N, PACKAGE_MTIME_DEFAULT, &z, &d), 0);
    Package *p = package_open_memory(z.data, z.len, "big.zip", NULL, &d);
    assert_non_null(p);
    assert_int_equal(package_count(p), N);
    Buf b = BUF_INIT;
    for (int i = N - 1; i >= N - 5; i--) {
        buf_clear(&b);
        assert_int_equal(package_read(p, names[i], 0, &b, &d), 0);
        assert_string_equal(b.data, names[i]);
    }
    package_close(p);
    buf_release(&b);
    buf_release(&z);
    diag_release(&d);
    free(e);
    free(names);
}

static void test_package__name_rules(void **state)
{
    (void)state;
    const char *why;
    assert_true(package_name_ok("img/a b.png", &why));
    assert_true(package_name_ok("caf\xc3\xa9.html", &why));
    assert_false(package_name_ok("", &why));
    assert_false(package_name_ok("a//b", &why));
    assert_false(package_name_ok("./a", &why));
    assert_false(package_name_ok("a/", &why));
    assert_false(package_name_ok("C:/x", &why));
    assert_string_equal(why, "drive letter in the path");
    assert_false(package_name_ok("a\nb", &why));
}

static void test_package__other_messages(void **state)
{
    (void)state;
    Diag d = DIAG_INIT;
    char *dir = pkgfixture_tmpdir();
    assert_non_null(dir);

    /* A folder given as the package. */
    assert_null(package_open(dir, NULL, &d));
    char want[9000];
    snprintf(want, sizeof(want), "%s: error: not a regular file (give the path of a .zip file)",
             dir);
    assert_string_equal(first_msg(&d), want);
    diag_release(&d);

    /* A folder entry with an unsafe name. */
    PkgfixtureEntry fold[] = { { "../up/", NULL, 0, PKGFIXTURE_DIR, 0 } };
    expect_refused(fold, 1, NULL, "bad.zip: error: folder entry '../up/': '..' component "
                   "escapes the package (rebuild the zip with relative paths inside the "
                   "package)");

    /* Reading a name the package does not have. */
    Buf z = BUF_INIT, b = BUF_INIT;
    assert_int_equal(pkgfixture_write_zip(three, 3, PACKAGE_MTIME_DEFAULT, &z, &d), 0);
    Package *p = package_open_memory(z.data, z.len, "t.zip", NULL, &d);
    assert_non_null(p);
    assert_int_equal(package_read(p, "img/missing.png", 0, &b, &d), -1);
    assert_string_equal(first_msg(&d), "t.zip: error: 'img/missing.png' is not in the package");
    package_close(p);
    diag_release(&d);

    /* An entry whose source is a folder. */
    char target[4200];
    snprintf(target, sizeof(target), "%s/out.zip", dir);
    PackageEntry fromdir[1] = { { "x.png", NULL, 0, dir } };
    assert_int_equal(package_write_zip(target, fromdir, 1, PACKAGE_MTIME_DEFAULT, &d), -1);
    snprintf(want, sizeof(want), "%s: error: '%s' is not a regular file (a package can only "
             "hold files)", dir, dir);
    assert_string_equal(first_msg(&d), want);
    assert_int_equal(pkgfixture_count_files(dir), 0);
    diag_release(&d);

    /* The target is a folder: the rename fails, the temporary file goes. */
    snprintf(target, sizeof(target), "%s/taken.zip", dir);
    assert_int_equal(mkdir(target, 0755), 0);
    assert_int_equal(package_write_zip(target, three, 3, PACKAGE_MTIME_DEFAULT, &d), -1);
    snprintf(want, sizeof(want), "%s: error: cannot replace '%s': Is a directory", target,
             target);
    assert_string_equal(first_msg(&d), want);
    assert_int_equal(pkgfixture_count_files(dir), 1);
    diag_release(&d);

    buf_release(&z);
    buf_release(&b);
    pkgfixture_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_package__round_trip_sorted),
        cmocka_unit_test(test_package__same_input_same_bytes),
        cmocka_unit_test(test_package__source_date_epoch),
        cmocka_unit_test(test_package__disk_write_atomic),
        cmocka_unit_test(test_package__streamed_entries_same_bytes_in_any_time_zone),
        cmocka_unit_test(test_package__write_removes_its_stale_temporaries),
        cmocka_unit_test(test_package__reader_refuses_hostile_entries),
        cmocka_unit_test(test_package__reader_refuses_encrypted),
        cmocka_unit_test(test_package__reader_limits),
        cmocka_unit_test(test_package__reader_refuses_non_zips),
        cmocka_unit_test(test_package__many_entries_open_fast),
        cmocka_unit_test(test_package__name_rules),
        cmocka_unit_test(test_package__other_messages),
    };
    return cmocka_run_group_tests_name("package", tests, NULL, NULL);
}
