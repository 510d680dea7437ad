/* Unit tests of image: PNG/JPEG sizes, SVG rendering (size, determinism),
 * and refusing files outside the module or too large. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include <cairo.h>
#include <dirent.h>
#include <glib.h>

#include "buf.h"
#include "diag.h"
#include "image.h"
#include "pkgfixture.h"

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

static char *module;    /* temp module folder */

static void put(const char *rel, const void *data, size_t n)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", module, rel);
    assert_int_equal(pkgfixture_write_file(path, data, n), 0);
}

static char *cache_home;    /* XDG_CACHE_HOME of these tests: never the real one */

static int setup(void **state)
{
    (void)state;
    cache_home = pkgfixture_tmpdir();
    if (!cache_home || setenv("XDG_CACHE_HOME", cache_home, 1) != 0)
        return -1;
    unsetenv("COURSEPACK_NO_CACHE");
    module = pkgfixture_tmpdir();
    char img[4096];
    snprintf(img, sizeof(img), "%s/img", module);
    return module && mkdir(img, 0755) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    pkgfixture_rmtree(module);
    free(module);
    pkgfixture_rmtree(cache_home);
    free(cache_home);
    return 0;
}

static void test_image__png_size(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof(path), "%s/img/chart.png", module);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 321, 123);
    assert_int_equal(cairo_surface_write_to_png(s, path), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
    ImageData img = IMAGE_DATA_INIT;
    Diag d = DIAG_INIT;
    assert_int_equal(image_prepare(module, "img/chart.png", srcloc("p.md", 3, 1), &img, &d), 0);
    assert_int_equal(img.width, 321);
    assert_int_equal(img.height, 123);
    assert_int_equal(img.format, IMAGE_PNG);
    assert_int_equal(img.from_svg, 0);
    Buf raw = BUF_INIT;
    assert_int_equal(pkgfixture_read_file(path, &raw), 0);
    assert_int_equal(raw.len, img.size);
    assert_memory_equal(raw.data, img.data, raw.len);
    buf_release(&raw);
    image_data_release(&img);
    diag_release(&d);
}

static void test_image__jpeg_probe(void **state)
{
    (void)state;
    /* SOI, an APP0 segment, then SOF0 with height 480 and width 640. */
    const unsigned char jpg[] = { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x4A, 0x46,
                                  0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x01, 0xE0, 0x02, 0x80,
                                  0x01, 0x01, 0x11, 0x00, 0xFF, 0xD9 };
    ImageFormat f;
    int w = 0, h = 0;
    const char *why;
    assert_int_equal(image_probe(jpg, sizeof(jpg), &f, &w, &h, &why), 0);
    assert_int_equal(f, IMAGE_JPEG);
    assert_int_equal(w, 640);
    assert_int_equal(h, 480);
    assert_int_equal(image_probe(jpg, 8, &f, &w, &h, &why), -1);
    assert_string_equal(why, "JPEG without a frame header (damaged or truncated)");
    assert_int_equal(image_probe((const unsigned char *)"GIF89a", 6, &f, &w, &h, &why), -1);
    assert_string_equal(why, "not a PNG or JPEG file");

    put("img/photo.jpg", jpg, sizeof(jpg));
    ImageData img = IMAGE_DATA_INIT;
    Diag d = DIAG_INIT;
    assert_int_equal(image_prepare(module, "img/photo.jpg", srcloc("p.md", 1, 1), &img, &d), 0);
    assert_int_equal(img.format, IMAGE_JPEG);
    assert_int_equal(img.width, 640);
    image_data_release(&img);
    diag_release(&d);
}

static const char svg[] =
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"400\" height=\"300\">"
    "<rect x=\"10\" y=\"10\" width=\"200\" height=\"100\" fill=\"#0055aa\"/>"
    "<circle cx=\"300\" cy=\"200\" r=\"50\" fill=\"red\"/></svg>";
/* No <text>: fontconfig keeps caches that LeakSanitizer reports under
 * `make check`; text goes through the same render call. */

static void test_image__svg_rendered_deterministic(void **state)
{
    (void)state;
    put("img/flow.svg", svg, strlen(svg));
    ImageData a = IMAGE_DATA_INIT, b = IMAGE_DATA_INIT;
    Diag d = DIAG_INIT;
    assert_int_equal(image_prepare(module, "img/flow.svg", srcloc("p.md", 1, 1), &a, &d), 0);
    assert_int_equal(image_prepare(module, "img/flow.svg", srcloc("p.md", 1, 1), &b, &d), 0);
    assert_int_equal(a.from_svg, 1);
    assert_int_equal(a.format, IMAGE_PNG);
    assert_int_equal(a.width, 400);
    assert_int_equal(a.height, 300);
    assert_int_equal(a.size, b.size);
    assert_memory_equal(a.data, b.data, a.size);
    /* The output is a PNG of that size, and it is not blank. */
    ImageFormat f;
    int w, h;
    const char *why;
    assert_int_equal(image_probe(a.data, a.size, &f, &w, &h, &why), 0);
    assert_int_equal(w, 400);
    assert_int_equal(h, 300);
    char out[4096];
    snprintf(out, sizeof(out), "%s/rendered.png", module);
    assert_int_equal(pkgfixture_write_file(out, a.data, a.size), 0);
    cairo_surface_t *s = cairo_image_surface_create_from_png(out);
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    const unsigned char *px = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    uint32_t inside, outside;
    memcpy(&inside, px + 50 * stride + 50 * 4, 4);
    memcpy(&outside, px + 290 * stride + 390 * 4, 4);
    assert_true(inside == 0xFF0055AAu);
    assert_true(outside == 0);
    cairo_surface_destroy(s);
    image_data_release(&a);
    image_data_release(&b);
    diag_release(&d);

    char *name = image_output_name("img/flow.SVG");
    assert_string_equal(name, "img/flow.png");
    free(name);
    name = image_output_name("img/p.jpg");
    assert_string_equal(name, "img/p.jpg");
    free(name);
}

static void test_image__svg_scaled_to_max_side(void **state)
{
    (void)state;
    const char *big = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 4000 1000\">"
                      "<rect width=\"4000\" height=\"1000\" fill=\"green\"/></svg>";
    put("img/wide.svg", big, strlen(big));
    ImageData a = IMAGE_DATA_INIT;
    Diag d = DIAG_INIT;
    assert_int_equal(image_prepare(module, "img/wide.svg", srcloc("p.md", 1, 1), &a, &d), 0);
    assert_int_equal(a.width, IMAGE_SVG_MAX_SIDE);
    assert_int_equal(a.height, 400);
    image_data_release(&a);
    put("img/broken.svg", "<svg><rect", 10);
    assert_int_equal(image_prepare(module, "img/broken.svg", srcloc("p.md", 7, 3), &a, &d), -1);
    assert_true(strncmp(first_msg(&d), "p.md:7:3: error: image 'img/broken.svg' is not a valid "
                        "SVG", 55) == 0);
    /* librsvg's own text ends in a newline: one problem must stay one line. */
    assert_null(strchr(d.msgs[0].text, '\n'));
    assert_true(strstr(d.msgs[0].text, "(open it in an SVG editor") != NULL);
    diag_release(&d);
}

static void test_image__refuses_outside_and_bad(void **state)
{
    (void)state;
    ImageData a = IMAGE_DATA_INIT;
    Diag d = DIAG_INIT;
    assert_int_equal(image_prepare(module, "../secret.png", srcloc("p.md", 2, 5), &a, &d), -1);
    assert_string_equal(first_msg(&d), "p.md:2:5: error: image path '../secret.png': '..' "
                        "component escapes the package (use a path inside the module folder, "
                        "like img/name.png)");
    diag_release(&d);
    assert_int_equal(image_prepare(module, "/etc/passwd", srcloc("p.md", 2, 5), &a, &d), -1);
    assert_string_equal(first_msg(&d), "p.md:2:5: error: image path '/etc/passwd': absolute "
                        "path (use a path inside the module folder, like img/name.png)");
    diag_release(&d);

    char link[4096];
    snprintf(link, sizeof(link), "%s/img/passwd.png", module);
    assert_int_equal(symlink("/etc/passwd", link), 0);
    assert_int_equal(image_prepare(module, "img/passwd.png", srcloc("p.md", 4, 1), &a, &d), -1);
    assert_string_equal(first_msg(&d), "p.md:4:1: error: image 'img/passwd.png' leads outside "
                        "the module folder (through a symbolic link; copy the image into the "
                        "module)");
    diag_release(&d);

    assert_int_equal(image_prepare(module, "img/none.png", srcloc("p.md", 5, 1), &a, &d), -1);
    assert_string_equal(first_msg(&d), "p.md:5:1: error: image 'img/none.png' cannot be read: "
                        "No such file or directory (check the file name; case matters)");
    diag_release(&d);

    put("img/notes.png", "hello", 5);
    assert_int_equal(image_prepare(module, "img/notes.png", srcloc("p.md", 6, 1), &a, &d), -1);
    assert_string_equal(first_msg(&d), "p.md:6:1: error: image 'img/notes.png': not a PNG or "
                        "JPEG file (use PNG, JPEG or SVG)");
    diag_release(&d);

    /* A PNG header announcing 9000x10 pixels. */
    const unsigned char huge[24] = { 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A,
                                     0, 0, 0, 13, 'I', 'H', 'D', 'R',
                                     0, 0, 0x23, 0x28, 0, 0, 0, 10 };
    put("img/huge.png", huge, sizeof(huge));
    assert_int_equal(image_prepare(module, "img/huge.png", srcloc("p.md", 8, 1), &a, &d), -1);
    assert_string_equal(first_msg(&d), "p.md:8:1: error: image 'img/huge.png' is 9000x10 pixels, "
                        "more than 8192x8192 (scale it down; 1600 px wide is plenty on screen)");
    diag_release(&d);
}

static void test_image__svg_loads_nothing_from_outside(void **state)
{
    (void)state;
    /* A red PNG outside the module, referenced by absolute file: URL. */
    char *other = pkgfixture_tmpdir();
    char secret[4096];
    snprintf(secret, sizeof(secret), "%s/secret.png", other);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 10, 10);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 0, 0);
    cairo_paint(cr);
    cairo_destroy(cr);
    assert_int_equal(cairo_surface_write_to_png(s, secret), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
    Buf svgsrc = BUF_INIT;
    buf_printf(&svgsrc, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
               "xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"10\" height=\"10\">"
               "<image width=\"10\" height=\"10\" xlink:href=\"file://%s\"/></svg>", secret);
    put("img/ext.svg", svgsrc.data, svgsrc.len);
    ImageData a = IMAGE_DATA_INIT;
    Diag d = DIAG_INIT;
    assert_int_equal(image_prepare(module, "img/ext.svg", srcloc("p.md", 1, 1), &a, &d), 0);
    char out[4096];
    snprintf(out, sizeof(out), "%s/ext.png", module);
    assert_int_equal(pkgfixture_write_file(out, a.data, a.size), 0);
    s = cairo_image_surface_create_from_png(out);
    uint32_t px;
    memcpy(&px, cairo_image_surface_get_data(s) + 5 * cairo_image_surface_get_stride(s) + 20, 4);
    assert_true(px == 0);   /* transparent: the outside file was not read */
    cairo_surface_destroy(s);
    image_data_release(&a);
    buf_release(&svgsrc);
    diag_release(&d);
    pkgfixture_rmtree(other);
    free(other);
}

static void test_image__more_messages(void **state)
{
    (void)state;
    ImageData a = IMAGE_DATA_INIT;
    Diag d = DIAG_INIT;
    const char *nosize = "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"5\" "
                         "height=\"5\"/></svg>";
    put("img/nosize.svg", nosize, strlen(nosize));
    assert_int_equal(image_prepare(module, "img/nosize.svg", srcloc("p.md", 9, 2), &a, &d), -1);
    assert_string_equal(first_msg(&d), "p.md:9:2: error: image 'img/nosize.svg' has no usable "
                        "size (give the <svg> element width and height in px, or a viewBox)");
    diag_release(&d);

    const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A };
    put("img/cut.png", sig, sizeof(sig));
    assert_int_equal(image_prepare(module, "img/cut.png", srcloc("p.md", 10, 1), &a, &d), -1);
    assert_string_equal(first_msg(&d), "p.md:10:1: error: image 'img/cut.png': damaged PNG "
                        "header (use PNG, JPEG or SVG)");
    diag_release(&d);

    char big[4096];
    snprintf(big, sizeof(big), "%s/img/big.png", module);
    FILE *f = fopen(big, "wb");
    assert_non_null(f);
    assert_int_equal(ftruncate(fileno(f), 21 << 20), 0);
    fclose(f);
    assert_int_equal(image_prepare(module, "img/big.png", srcloc("p.md", 11, 1), &a, &d), -1);
    assert_string_equal(first_msg(&d), "p.md:11:1: error: image 'img/big.png' is 22020096 bytes, "
                        "more than the 20971520 allowed (make it smaller: at most 20 MB)");
    diag_release(&d);

    char sub[4096];
    snprintf(sub, sizeof(sub), "%s/img/folder.png", module);
    assert_int_equal(mkdir(sub, 0755), 0);
    assert_int_equal(image_prepare(module, "img/folder.png", srcloc("p.md", 12, 1), &a, &d), -1);
    assert_string_equal(first_msg(&d), "p.md:12:1: error: image 'img/folder.png' is not a "
                        "regular file");
    diag_release(&d);
}


/* ---- the render cache ----------------------------------------------------- */

/* The one entry in the cache folder (the tests start from an empty one), or
 * "" when there is none. */
static const char *only_entry(void)
{
    static char path[8192];
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/coursepack/svg", cache_home);
    path[0] = '\0';
    DIR *dh = opendir(dir);
    if (!dh)
        return path;
    struct dirent *e;
    int n = 0;
    while ((e = readdir(dh))) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        n++;
    }
    closedir(dh);
    assert_true(n <= 1);
    return path;
}

static void clear_cache(void)
{
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/coursepack", cache_home);
    pkgfixture_rmtree(dir);
}

/* An entry as image.h documents it, for png under the key of an existing one. */
static void plant_entry(const char *path, const unsigned char *png, size_t n, int w, int h)
{
    Buf old = BUF_INIT, e = BUF_INIT;
    assert_int_equal(pkgfixture_read_file(path, &old), 0);
    assert_true(old.len > 88);
    buf_append(&e, old.data, 40);           /* magic and key */
    unsigned char sum[32];
    gsize len = 32;
    GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(c, png, (gssize)n);
    g_checksum_get_digest(c, sum, &len);
    g_checksum_free(c);
    buf_append(&e, (const char *)sum, 32);
    unsigned char le[16];
    for (int i = 0; i < 8; i++)
        le[i] = (unsigned char)((unsigned long long)n >> (8 * i));
    for (int i = 0; i < 4; i++) {
        le[8 + i] = (unsigned char)((unsigned)w >> (8 * i));
        le[12 + i] = (unsigned char)((unsigned)h >> (8 * i));
    }
    buf_append(&e, (const char *)le, 16);
    buf_append(&e, (const char *)png, n);
    assert_int_equal(pkgfixture_write_file(path, e.data, e.len), 0);
    buf_release(&old);
    buf_release(&e);
}

static void test_image__cache_entry_used_and_verified(void **state)
{
    (void)state;
    clear_cache();
    put("img/cached.svg", svg, strlen(svg));
    ImageData fresh = IMAGE_DATA_INIT, a = IMAGE_DATA_INIT;
    Diag d = DIAG_INIT;
    assert_int_equal(image_prepare(module, "img/cached.svg", srcloc("p.md", 1, 1), &fresh, &d),
                     0);
    char entry[8192];
    snprintf(entry, sizeof(entry), "%s", only_entry());
    assert_true(entry[0] != '\0');
    Buf good = BUF_INIT;
    assert_int_equal(pkgfixture_read_file(entry, &good), 0);
    assert_int_equal(good.len, 88 + fresh.size);
    assert_memory_equal(good.data, "CPSVGC1\n", 8);
    assert_memory_equal(good.data + 88, fresh.data, fresh.size);

    /* A valid entry is used as it is: plant another PNG under the same key. */
    char other[4096];
    snprintf(other, sizeof(other), "%s/other.png", module);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 40, 30);
    assert_int_equal(cairo_surface_write_to_png(s, other), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
    Buf planted = BUF_INIT;
    assert_int_equal(pkgfixture_read_file(other, &planted), 0);
    plant_entry(entry, (const unsigned char *)planted.data, planted.len, 40, 30);
    assert_int_equal(image_prepare(module, "img/cached.svg", srcloc("p.md", 1, 1), &a, &d), 0);
    assert_int_equal(a.size, planted.len);
    assert_memory_equal(a.data, planted.data, planted.len);
    assert_int_equal(a.width, 40);
    assert_int_equal(a.from_svg, 1);
    image_data_release(&a);

    /* Damaged entries are never shipped: rendered again and rewritten. */
    for (int how = 0; how < 5; how++) {
        Buf bad = BUF_INIT;
        buf_append(&bad, good.data, good.len);
        switch (how) {
        case 0: bad.data[bad.len - 5] ^= 1; break;              /* PNG byte: hash differs */
        case 1: bad.len = 60; break;                            /* truncated */
        case 2: bad.data[88] = 'X'; break;                      /* PNG signature */
        case 3: bad.data[80] ^= 1; break;                       /* width */
        case 4: bad.data[10] ^= 1; break;                       /* key */
        }
        assert_int_equal(pkgfixture_write_file(entry, bad.data, bad.len), 0);
        assert_int_equal(image_prepare(module, "img/cached.svg", srcloc("p.md", 1, 1), &a, &d),
                         0);
        assert_int_equal(a.size, fresh.size);
        assert_memory_equal(a.data, fresh.data, fresh.size);
        image_data_release(&a);
        Buf now = BUF_INIT;
        assert_int_equal(pkgfixture_read_file(entry, &now), 0);
        assert_int_equal(now.len, good.len);
        assert_memory_equal(now.data, good.data, good.len);
        buf_release(&now);
        buf_release(&bad);
    }
    assert_int_equal(d.errors, 0);
    image_data_release(&fresh);
    buf_release(&good);
    buf_release(&planted);
    diag_release(&d);
}

/* Installing a font (a new folder, or a file renamed into a font folder)
 * changes the key: the diagram is drawn again, with the new fonts, and the
 * old entry is simply no longer used. Nothing changed: the entry is used. */
static void test_image__cache_key_follows_fonts(void **state)
{
    (void)state;
    clear_cache();
    char *data_home = pkgfixture_tmpdir();
    assert_non_null(data_home);
    const char *saved = getenv("XDG_DATA_HOME");
    char *old = saved ? strdup(saved) : NULL;
    assert_int_equal(setenv("XDG_DATA_HOME", data_home, 1), 0);
    char fonts[4096], family[4200], svgdir[4096];
    snprintf(fonts, sizeof(fonts), "%s/fonts", data_home);
    snprintf(family, sizeof(family), "%s/new-family", fonts);
    snprintf(svgdir, sizeof(svgdir), "%s/coursepack/svg", cache_home);
    assert_int_equal(mkdir(fonts, 0755), 0);
    put("img/fonts.svg", svg, strlen(svg));
    ImageData a = IMAGE_DATA_INIT, b = IMAGE_DATA_INIT;
    Diag d = DIAG_INIT;
    assert_int_equal(image_prepare(module, "img/fonts.svg", srcloc("p.md", 1, 1), &a, &d), 0);
    assert_int_equal(pkgfixture_count_files(svgdir), 1);
    image_data_release(&a);
    assert_int_equal(image_prepare(module, "img/fonts.svg", srcloc("p.md", 1, 1), &a, &d), 0);
    assert_int_equal(pkgfixture_count_files(svgdir), 1);          /* same key: used */
    assert_int_equal(mkdir(family, 0755), 0);                     /* a font installed */
    assert_int_equal(image_prepare(module, "img/fonts.svg", srcloc("p.md", 1, 1), &b, &d), 0);
    assert_int_equal(pkgfixture_count_files(svgdir), 2);          /* new key: drawn again */
    assert_int_equal(a.size, b.size);       /* same drawing here: the SVG has no text */
    assert_memory_equal(a.data, b.data, a.size);
    image_data_release(&b);
    /* A font file added inside the new family's folder changes that folder's
     * time (sleep past a coarse file-system clock first). */
    char file[4300];
    snprintf(file, sizeof(file), "%s/Family-Regular.ttf", family);
    struct stat before;
    assert_int_equal(stat(family, &before), 0);
    for (int i = 0; i < 200; i++) {
        assert_int_equal(pkgfixture_write_file(file, "font", 4), 0);
        struct stat after;
        assert_int_equal(stat(family, &after), 0);
        if (after.st_mtim.tv_sec != before.st_mtim.tv_sec
            || after.st_mtim.tv_nsec != before.st_mtim.tv_nsec)
            break;
        unlink(file);
        usleep(10000);
    }
    assert_int_equal(image_prepare(module, "img/fonts.svg", srcloc("p.md", 1, 1), &b, &d), 0);
    assert_int_equal(pkgfixture_count_files(svgdir), 3);
    assert_int_equal(d.errors, 0);
    image_data_release(&a);
    image_data_release(&b);
    diag_release(&d);
    if (old)
        setenv("XDG_DATA_HOME", old, 1);
    else
        unsetenv("XDG_DATA_HOME");
    free(old);
    pkgfixture_rmtree(data_home);
    free(data_home);
}

/* A build killed while it stored an entry leaves "<entry>.tmp-XXXXXX"; the
 * next build that stores that entry removes it, and nothing else. */
static void test_image__cache_removes_killed_builds_temporaries(void **state)
{
    (void)state;
    clear_cache();
    put("img/killed.svg", svg, strlen(svg));
    ImageData a = IMAGE_DATA_INIT;
    Diag d = DIAG_INIT;
    assert_int_equal(image_prepare(module, "img/killed.svg", srcloc("p.md", 1, 1), &a, &d), 0);
    image_data_release(&a);
    char entry[8192], stale[8300], other_len[8300], other_key[8300], svgdir[4096];
    snprintf(entry, sizeof(entry), "%s", only_entry());
    assert_true(entry[0] != '\0');
    snprintf(svgdir, sizeof(svgdir), "%s/coursepack/svg", cache_home);
    snprintf(stale, sizeof(stale), "%s.tmp-AbC123", entry);
    snprintf(other_len, sizeof(other_len), "%s.tmp-AbC1234", entry);
    snprintf(other_key, sizeof(other_key), "%s/0123abcd.tmp-AbC123", svgdir);
    assert_int_equal(pkgfixture_write_file(stale, "half", 4), 0);
    assert_int_equal(pkgfixture_write_file(other_len, "keep", 4), 0);
    assert_int_equal(pkgfixture_write_file(other_key, "keep", 4), 0);
    assert_int_equal(unlink(entry), 0);        /* so that it is stored again */
    assert_int_equal(image_prepare(module, "img/killed.svg", srcloc("p.md", 1, 1), &a, &d), 0);
    struct stat st;
    assert_int_equal(stat(entry, &st), 0);
    assert_int_equal(stat(stale, &st), -1);
    assert_int_equal(stat(other_len, &st), 0);
    assert_int_equal(stat(other_key, &st), 0);
    assert_int_equal(d.errors, 0);
    image_data_release(&a);
    diag_release(&d);
    clear_cache();
}

static void test_image__cache_off(void **state)
{
    (void)state;
    clear_cache();
    put("img/off.svg", svg, strlen(svg));
    ImageData a = IMAGE_DATA_INIT;
    Diag d = DIAG_INIT;
    setenv("COURSEPACK_NO_CACHE", "1", 1);
    assert_null(image_cache_dir());
    assert_int_equal(image_prepare(module, "img/off.svg", srcloc("p.md", 1, 1), &a, &d), 0);
    assert_string_equal(only_entry(), "");
    image_data_release(&a);
    setenv("COURSEPACK_NO_CACHE", "0", 1);      /* "0" means on */
    char *dir = image_cache_dir();
    assert_non_null(dir);
    free(dir);
    unsetenv("COURSEPACK_NO_CACHE");
    image_cache_set_enabled(0);                 /* --no-cache */
    assert_null(image_cache_dir());
    assert_int_equal(image_prepare(module, "img/off.svg", srcloc("p.md", 1, 1), &a, &d), 0);
    assert_string_equal(only_entry(), "");
    image_data_release(&a);
    image_cache_set_enabled(1);
    /* No usable XDG_CACHE_HOME: ~/.cache */
    char *home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    setenv("XDG_CACHE_HOME", "relative/ignored", 1);
    setenv("HOME", "/home/trainer", 1);
    dir = image_cache_dir();
    assert_string_equal(dir, "/home/trainer/.cache/coursepack/svg");
    free(dir);
    unsetenv("HOME");
    assert_null(image_cache_dir());
    if (home)
        setenv("HOME", home, 1);
    free(home);
    setenv("XDG_CACHE_HOME", cache_home, 1);
    diag_release(&d);
}

/* check reads a PNG or JPEG only as far as its header; the package streams it. */
static void test_image__check_reads_header_only(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof(path), "%s/img/hdr.png", module);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 77, 55);
    assert_int_equal(cairo_surface_write_to_png(s, path), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
    ImageData a = IMAGE_DATA_INIT;
    Diag d = DIAG_INIT;
    assert_int_equal(image_check(module, "img/hdr.png", srcloc("p.md", 1, 1), &a, &d), 0);
    assert_null(a.data);
    assert_int_equal(a.width, 77);
    assert_int_equal(a.height, 55);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(a.size, (size_t)st.st_size);
    char *real = realpath(path, NULL);
    assert_string_equal(a.file, real);
    free(real);
    image_data_release(&a);

    /* A JPEG whose frame header comes after 100 kB of APP segments. */
    Buf jpg = BUF_INIT;
    buf_append(&jpg, "\xFF\xD8", 2);
    for (int i = 0; i < 2; i++) {
        buf_append(&jpg, "\xFF\xE1\xFF\xFF", 4);        /* APP1, 65535 bytes */
        for (int k = 0; k < 65533; k++)
            buf_append(&jpg, "x", 1);
    }
    buf_append(&jpg, "\xFF\xC0\x00\x0B\x08\x01\xE0\x02\x80\x01\x01\x11\x00\xFF\xD9", 15);
    put("img/late.jpg", jpg.data, jpg.len);
    assert_int_equal(image_check(module, "img/late.jpg", srcloc("p.md", 1, 1), &a, &d), 0);
    assert_int_equal(a.format, IMAGE_JPEG);
    assert_int_equal(a.width, 640);
    assert_int_equal(a.height, 480);
    assert_int_equal(a.size, jpg.len);
    image_data_release(&a);
    /* The same messages as image_prepare. */
    put("img/late.jpg", jpg.data, 70000);
    assert_int_equal(image_check(module, "img/late.jpg", srcloc("p.md", 3, 1), &a, &d), -1);
    assert_string_equal(first_msg(&d), "p.md:3:1: error: image 'img/late.jpg': JPEG without a "
                        "frame header (damaged or truncated) (use PNG, JPEG or SVG)");
    /* An SVG is rendered: the package needs its PNG. */
    put("img/c.svg", svg, strlen(svg));
    assert_int_equal(image_check(module, "img/c.svg", srcloc("p.md", 1, 1), &a, &d), 0);
    assert_non_null(a.data);
    assert_int_equal(a.from_svg, 1);
    image_data_release(&a);
    buf_release(&jpg);
    diag_release(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_image__png_size),
        cmocka_unit_test(test_image__jpeg_probe),
        cmocka_unit_test(test_image__svg_rendered_deterministic),
        cmocka_unit_test(test_image__svg_scaled_to_max_side),
        cmocka_unit_test(test_image__refuses_outside_and_bad),
        cmocka_unit_test(test_image__svg_loads_nothing_from_outside),
        cmocka_unit_test(test_image__more_messages),
        cmocka_unit_test(test_image__cache_entry_used_and_verified),
        cmocka_unit_test(test_image__cache_key_follows_fonts),
        cmocka_unit_test(test_image__cache_removes_killed_builds_temporaries),
        cmocka_unit_test(test_image__cache_off),
        cmocka_unit_test(test_image__check_reads_header_only),
    };
    return cmocka_run_group_tests_name("image", tests, setup, teardown);
}
