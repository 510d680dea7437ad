/* image: PNG/JPEG pass through after a header check; SVG is rendered with
 * librsvg to a PNG whose bytes depend only on the SVG (cairo writes no
 * timestamp). The file is read through a path that os_realpath() shows is
 * inside the module folder, so a symbolic link cannot pull in /etc/passwd;
 * the SVG is parsed without a base URL, so librsvg loads nothing it
 * references from outside.
 *
 * Rendering (librsvg, pango, fontconfig start-up, PNG encoding) is most of a
 * small build, and trainers rebuild the same diagrams many times a day: the
 * PNG is kept in a per-user cache keyed by a hash of everything it depends
 * on, and each entry is verified when read, so a damaged one is rendered
 * again, never shipped. */
#include "image.h"

#include <cairo.h>
#include <errno.h>
#include <librsvg/rsvg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "font_state.h"
#include "le.h"
#include "os.h"
#include "package.h"

/* ---- headers ---------------------------------------------------------------- */

static unsigned long be32(const unsigned char *p)
{
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8
           | p[3];
}

int image_probe(const unsigned char *data, size_t size, ImageFormat *format, int *w, int *h,
                const char **why)
{
    static const unsigned char png_sig[8] = { 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A };
    *why = NULL;
    if (size >= 8 && memcmp(data, png_sig, 8) == 0) {
        if (size < 24 || memcmp(data + 12, "IHDR", 4) != 0) {
            *why = "damaged PNG header";
            return -1;
        }
        unsigned long pw = be32(data + 16), ph = be32(data + 20);
        if (pw == 0 || ph == 0 || pw > 0x7FFFFFFFul || ph > 0x7FFFFFFFul) {
            *why = "PNG header gives an invalid size";
            return -1;
        }
        *format = IMAGE_PNG;
        *w = (int)pw;
        *h = (int)ph;
        return 0;
    }
    if (size >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) {
        size_t p = 2;
        while (p + 4 <= size) {
            if (data[p] != 0xFF) {
                *why = "damaged JPEG header";
                return -1;
            }
            while (p < size && data[p] == 0xFF)
                p++;
            if (p >= size)
                break;
            unsigned m = data[p++];
            if (m == 0x01 || (m >= 0xD0 && m <= 0xD8))
                continue;           /* markers without a length */
            if (m == 0xD9 || m == 0xDA)
                break;              /* end of image / start of scan: no frame header */
            if (p + 2 > size)
                break;
            size_t len = (size_t)data[p] << 8 | data[p + 1];
            if (len < 2)
                break;
            if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
                if (p + 7 > size)
                    break;
                int jh = data[p + 3] << 8 | data[p + 4];
                int jw = data[p + 5] << 8 | data[p + 6];
                if (jw == 0 || jh == 0) {
                    *why = "JPEG header gives an invalid size";
                    return -1;
                }
                *format = IMAGE_JPEG;
                *w = jw;
                *h = jh;
                return 0;
            }
            p += len;
        }
        *why = "JPEG without a frame header (damaged or truncated)";
        return -1;
    }
    *why = "not a PNG or JPEG file";
    return -1;
}

char *image_output_name(const char *source)
{
    size_t n = strlen(source);
    char *s = malloc(n + 1);
    if (!s)
        return NULL;
    memcpy(s, source, n + 1);
    if (n > 4 && strcasecmp(s + n - 4, ".svg") == 0)
        memcpy(s + n - 4, ".png", 4);
    return s;
}

void image_data_release(ImageData *img)
{
    if (!img)
        return;
    free(img->data);
    free(img->file);
    memset(img, 0, sizeof(*img));
}

/* ---- librsvg, loaded on first use -------------------------------------------
 * Linking librsvg (with cairo, pango, fontconfig, the X11 client libraries)
 * costs every run ~30 ms of start-up, relocating and initialising them: more
 * than the rest of a small build once its diagrams come from the cache. So
 * coursepack does not link them (-Wl,--as-needed drops them); librsvg is
 * dlopen()ed the first time an SVG is really rendered, and cairo's and
 * GObject's functions are looked up among its dependencies. */

typedef struct Svg {
    int state;              /* 0 not loaded yet, 1 loaded, -1 cannot be loaded */
    char why[256];          /* dlerror() when state is -1 */
    __typeof__(rsvg_handle_new_from_data) *new_from_data;
    __typeof__(rsvg_handle_get_intrinsic_size_in_pixels) *size_in_pixels;
    __typeof__(rsvg_handle_get_intrinsic_dimensions) *dimensions;
    __typeof__(rsvg_handle_render_document) *render_document;
    __typeof__(g_object_unref) *object_unref;
    __typeof__(cairo_image_surface_create) *surface_create;
    __typeof__(cairo_surface_status) *surface_status;
    __typeof__(cairo_status_to_string) *status_to_string;
    __typeof__(cairo_create) *create;
    __typeof__(cairo_surface_flush) *surface_flush;
    __typeof__(cairo_surface_write_to_png_stream) *write_png;
    __typeof__(cairo_destroy) *destroy;
    __typeof__(cairo_surface_destroy) *surface_destroy;
} Svg;

static Svg svg_lib;

/* The folder of the system's shared libraries: the one GLib (linked) came
 * from. Returns 0 and fills dir, or -1. */
static int system_lib_dir(char *dir, size_t cap)
{
    static char found[4096];
    static int state;       /* 0 not looked up yet, 1 found, -1 unknown */
    if (!state) {
        Buf d = BUF_INIT;
        state = os_library_dir_of((const void *)&g_checksum_new, &d) == 0 && !d.failed
                && d.len + 1 <= sizeof(found) ? 1 : -1;
        if (state > 0)
            memcpy(found, d.data, d.len + 1);
        buf_release(&d);
    }
    if (state < 0 || strlen(found) + 1 > cap)
        return -1;
    memcpy(dir, found, strlen(found) + 1);
    return 0;
}

#define SVG_SYM(field, name) \
    (svg_lib.field = (__typeof__(svg_lib.field))os_library_symbol(h, name))

/* Returns the loaded functions, or NULL with svg_lib.why set. */
static const Svg *svg_load(void)
{
    if (svg_lib.state)
        return svg_lib.state > 0 ? &svg_lib : NULL;
    char dir[4096], path[4200];
    void *h = NULL;
    Buf why = BUF_INIT;
    if (system_lib_dir(dir, sizeof(dir)) == 0) {
        snprintf(path, sizeof(path), "%s/librsvg-2.so.2", dir);
        h = os_library_open(path, &why);
    }
    if (!h) {
        buf_clear(&why);
        h = os_library_open("librsvg-2.so.2", &why);
    }
    if (h && SVG_SYM(new_from_data, "rsvg_handle_new_from_data")
        && SVG_SYM(size_in_pixels, "rsvg_handle_get_intrinsic_size_in_pixels")
        && SVG_SYM(dimensions, "rsvg_handle_get_intrinsic_dimensions")
        && SVG_SYM(render_document, "rsvg_handle_render_document")
        && SVG_SYM(object_unref, "g_object_unref")
        && SVG_SYM(surface_create, "cairo_image_surface_create")
        && SVG_SYM(surface_status, "cairo_surface_status")
        && SVG_SYM(status_to_string, "cairo_status_to_string")
        && SVG_SYM(create, "cairo_create")
        && SVG_SYM(surface_flush, "cairo_surface_flush")
        && SVG_SYM(write_png, "cairo_surface_write_to_png_stream")
        && SVG_SYM(destroy, "cairo_destroy")
        && SVG_SYM(surface_destroy, "cairo_surface_destroy")) {
        svg_lib.state = 1;      /* never unloaded: used until exit */
        buf_release(&why);
        return &svg_lib;
    }
    snprintf(svg_lib.why, sizeof(svg_lib.why), "%s",
             why.len ? why.data : "librsvg-2.so.2 lacks a function coursepack needs");
    buf_release(&why);
    svg_lib.state = -1;
    return NULL;
}

/* ---- SVG ---------------------------------------------------------------------- */

static cairo_status_t png_sink(void *closure, const unsigned char *data, unsigned int n)
{
    Buf *b = closure;
    buf_append(b, (const char *)data, n);
    return b->failed ? CAIRO_STATUS_NO_MEMORY : CAIRO_STATUS_SUCCESS;
}

/* librsvg's messages span lines ("…of data: …\n"); a diagnostic is one line,
 * so newlines become spaces and trailing blanks go. Edits err in place. */
static const char *gerror_text(GError *err, const char *fallback)
{
    if (!err || !err->message)
        return fallback;
    char *m = err->message;
    for (char *p = m; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    size_t n = strlen(m);
    while (n > 0 && m[n - 1] == ' ')
        m[--n] = '\0';
    return m;
}

static int render_svg(const unsigned char *svg, size_t size, const char *path, SrcLoc at,
                      ImageData *out, Diag *d)
{
    int rc = -1;
    GError *err = NULL;
    RsvgHandle *h = NULL;
    cairo_surface_t *surf = NULL;
    cairo_t *cr = NULL;
    Buf png = BUF_INIT;
    const Svg *L = svg_load();

    if (!L) {
        diag_error(d, at, "cannot render '%s': librsvg cannot be loaded: %s (install the "
                   "librsvg2-2 package, or export the drawing as PNG)", path, svg_lib.why);
        goto out;
    }
    h = L->new_from_data(svg, size, &err);
    if (!h) {
        diag_error(d, at, "image '%s' is not a valid SVG: %s (open it in an SVG editor and save "
                   "it again)", path, gerror_text(err, "parse error"));
        goto out;
    }
    double w = 0, hh = 0;
    if (!L->size_in_pixels(h, &w, &hh)) {
        gboolean has_w, has_h, has_vb;
        RsvgLength lw, lh;
        RsvgRectangle vb;
        L->dimensions(h, &has_w, &lw, &has_h, &lh, &has_vb, &vb);
        if (has_vb && vb.width > 0 && vb.height > 0) {
            w = vb.width;
            hh = vb.height;
        }
    }
    if (!(w >= 1 && hh >= 1)) {
        diag_error(d, at, "image '%s' has no usable size (give the <svg> element width and "
                   "height in px, or a viewBox)", path);
        goto out;
    }
    double longer = w > hh ? w : hh;
    double scale = longer > IMAGE_SVG_MAX_SIDE ? IMAGE_SVG_MAX_SIDE / longer : 1.0;
    int pw = (int)(w * scale + 0.5), ph = (int)(hh * scale + 0.5);
    if (pw < 1)
        pw = 1;
    if (ph < 1)
        ph = 1;
    surf = L->surface_create(CAIRO_FORMAT_ARGB32, pw, ph);
    if (L->surface_status(surf) != CAIRO_STATUS_SUCCESS) {
        diag_error(d, at, "cannot render '%s': %s", path,
                   L->status_to_string(L->surface_status(surf)));
        goto out;
    }
    cr = L->create(surf);
    RsvgRectangle viewport = { 0, 0, pw, ph };
    if (!L->render_document(h, cr, &viewport, &err)) {
        diag_error(d, at, "cannot render '%s': %s (simplify the drawing or export it as PNG)",
                   path, gerror_text(err, "render error"));
        goto out;
    }
    L->surface_flush(surf);
    if (L->write_png(surf, png_sink, &png) != CAIRO_STATUS_SUCCESS
        || png.failed) {
        diag_error(d, at, "cannot encode '%s' as PNG: out of memory", path);
        goto out;
    }
    size_t len = 0;
    out->data = (unsigned char *)buf_detach(&png, &len);
    if (!out->data) {
        diag_error(d, at, "out of memory");
        goto out;
    }
    out->size = len;
    out->width = pw;
    out->height = ph;
    out->format = IMAGE_PNG;
    out->from_svg = 1;
    rc = 0;
out:
    if (err)
        g_error_free(err);
    if (cr)
        L->destroy(cr);
    if (surf)
        L->surface_destroy(surf);
    if (h)
        L->object_unref(h);
    buf_release(&png);
    return rc;
}

/* ---- render cache ----------------------------------------------------------- */

#define CACHE_MAGIC "CPSVGC1\n"
#define CACHE_HEADER (8 + 32 + 32 + 8 + 4 + 4)
#define CACHE_MAX_PNG (64u << 20)       /* a larger entry is damaged, not a render */

static int cache_enabled = 1;

void image_cache_set_enabled(int enabled)
{
    cache_enabled = enabled;
}

char *image_cache_dir(void)
{
    const char *off = getenv("COURSEPACK_NO_CACHE");
    if (!cache_enabled || (off && *off && strcmp(off, "0") != 0))
        return NULL;
    Buf b = BUF_INIT;
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    if (xdg && xdg[0] == '/')               /* the XDG spec: relative values are ignored */
        buf_printf(&b, "%s/coursepack/svg", xdg);
    else if (home && home[0] == '/')
        buf_printf(&b, "%s/.cache/coursepack/svg", home);
    else
        return NULL;
    return buf_detach(&b, NULL);
}

static void sha256(const unsigned char *data, size_t n, unsigned char out[32])
{
    GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
    gsize len = 32;
    g_checksum_update(c, data, (gssize)n);
    g_checksum_get_digest(c, out, &len);
    g_checksum_free(c);
}

/* The key: everything the rendered bytes depend on that can be named without
 * loading librsvg (which the cache is there to avoid): the headers' versions;
 * for the libraries that draw and encode, the identity of the installed file
 * (device, inode, size, mtime: an upgrade replaces the file); and the fonts,
 * by the folder times fontconfig itself checks (font_state.h). Returns 0,
 * or -1 when out of memory. */
static int cache_key(const unsigned char *svg, size_t size, unsigned char key[32])
{
    static const char *const libs[] = {
        "librsvg-2.so.2", "libcairo.so.2", "libpango-1.0.so.0", "libpangocairo-1.0.so.0",
        "libpangoft2-1.0.so.0", "libharfbuzz.so.0", "libfreetype.so.6", "libfontconfig.so.1",
        "libpixman-1.so.0", "libpng16.so.16", "libz.so.1",
    };
    Buf head = BUF_INIT;
    buf_printf(&head, "coursepack svg render %d librsvg %s cairo %s max %d\n",
               IMAGE_RENDER_VERSION, LIBRSVG_VERSION, CAIRO_VERSION_STRING, IMAGE_SVG_MAX_SIDE);
    char dir[4096], path[4200];
    int have_dir = system_lib_dir(dir, sizeof(dir)) == 0;
    for (size_t i = 0; i < sizeof(libs) / sizeof(libs[0]); i++) {
        OsStat st;
        snprintf(path, sizeof(path), "%s/%s", have_dir ? dir : "", libs[i]);
        if (have_dir && os_stat(path, &st) == 0)
            buf_printf(&head, "%s %llu %llu %lld %lld.%09lld\n", libs[i], st.dev, st.ino,
                       (long long)st.size, st.mtime_ns / 1000000000,
                       st.mtime_ns % 1000000000);
        else
            buf_printf(&head, "%s ?\n", libs[i]);
    }
    font_state_describe(&head);
    if (head.failed) {
        buf_release(&head);
        return -1;
    }
    GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
    gsize len = 32;
    g_checksum_update(c, (const guchar *)head.data, (gssize)head.len);
    g_checksum_update(c, svg, (gssize)size);
    g_checksum_get_digest(c, key, &len);
    g_checksum_free(c);
    buf_release(&head);
    return 0;
}

static char *cache_entry_path(const char *dir, const unsigned char key[32])
{
    Buf b = BUF_INIT;
    buf_printf(&b, "%s/", dir);
    for (int i = 0; i < 32; i++)
        buf_printf(&b, "%02x", key[i]);
    return buf_detach(&b, NULL);
}

/* Fills out from a verified entry. Returns 0, or -1 (absent, damaged, stale):
 * the caller renders. */
static int cache_load(const char *file, const unsigned char key[32], ImageData *out)
{
    int rc = -1;
    unsigned char *e = NULL;
    int fd = os_open(file, OS_O_RDONLY | OS_O_NOFOLLOW, 0);
    OsStat st;
    if (fd < 0 || os_fstat(fd, &st) != 0 || st.kind != OS_FILE_REGULAR
        || st.size < CACHE_HEADER + 24
        || st.size > CACHE_HEADER + (unsigned long long)CACHE_MAX_PNG)
        goto out;
    size_t size = (size_t)st.size, got = 0;
    e = malloc(size);
    if (!e)
        goto out;
    while (got < size) {
        ssize_t r = read(fd, e + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            goto out;
        got += (size_t)r;
    }
    size_t len = (size_t)le_get(e + 72, 8);
    if (memcmp(e, CACHE_MAGIC, 8) != 0 || memcmp(e + 8, key, 32) != 0
        || len != size - CACHE_HEADER)
        goto out;
    unsigned char sum[32];
    sha256(e + CACHE_HEADER, len, sum);
    ImageFormat fmt;
    int w, h;
    const char *why;
    if (memcmp(sum, e + 40, 32) != 0
        || image_probe(e + CACHE_HEADER, len, &fmt, &w, &h, &why) != 0 || fmt != IMAGE_PNG
        || (unsigned long long)w != le_get(e + 80, 4) || (unsigned long long)h != le_get(e + 84, 4)
        || w > IMAGE_SVG_MAX_SIDE || h > IMAGE_SVG_MAX_SIDE)
        goto out;
    memmove(e, e + CACHE_HEADER, len);
    out->data = e;
    e = NULL;
    out->size = len;
    out->width = w;
    out->height = h;
    out->format = IMAGE_PNG;
    out->from_svg = 1;
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    free(e);
    return rc;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Removes "<entry>.tmp-XXXXXX" files that a build killed while it stored
 * this same entry left behind (mkstemp's six characters). A build storing
 * it at this very moment loses only its copy: its rename fails, harmlessly. */
static void cache_remove_stale_temporaries(const char *dir, const char *file)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    size_t blen = strlen(base);
    OsDir *dh = os_dir_open(dir);
    if (!dh)
        return;
    const char *name;
    Buf victim = BUF_INIT;
    while ((name = os_dir_next(dh, NULL))) {
        if (strncmp(name, base, blen) != 0 || strncmp(name + blen, ".tmp-", 5) != 0
            || strlen(name + blen + 5) != 6)
            continue;
        buf_clear(&victim);
        buf_printf(&victim, "%s/%s", dir, name);
        if (!victim.failed)
            os_remove(victim.data);
    }
    os_dir_close(dh);
    buf_release(&victim);
}

/* Writes the entry beside its final name and renames it into place: a reader
 * (another build running at the same time) sees no entry or a whole one. */
static void cache_store(char *dir, const char *file, const unsigned char key[32],
                        const ImageData *img)
{
    if (os_mkdirs(dir, 0700) != 0)
        return;
    Buf tmp = BUF_INIT;
    buf_printf(&tmp, "%s.tmp-XXXXXX", file);
    int fd = tmp.failed ? -1 : os_mkstemp(tmp.data);
    if (fd < 0) {
        buf_release(&tmp);
        return;
    }
    unsigned char head[CACHE_HEADER];
    memcpy(head, CACHE_MAGIC, 8);
    memcpy(head + 8, key, 32);
    sha256(img->data, img->size, head + 40);
    le_put(head + 72, img->size, 8);
    le_put(head + 80, (unsigned)img->width, 4);
    le_put(head + 84, (unsigned)img->height, 4);
    int ok = write_all(fd, head, sizeof(head)) == 0 && write_all(fd, img->data, img->size) == 0;
    if (close(fd) != 0)
        ok = 0;
    if (!ok || os_rename(tmp.data, file) != 0)
        os_remove(tmp.data);
    else
        cache_remove_stale_temporaries(dir, file);
    buf_release(&tmp);
}

/* render_svg through the cache. */
static int render_svg_cached(const unsigned char *svg, size_t size, const char *path, SrcLoc at,
                             ImageData *out, Diag *d)
{
    char *dir = image_cache_dir(), *file = NULL;
    unsigned char key[32];
    if (dir && cache_key(svg, size, key) != 0) {
        free(dir);
        dir = NULL;
    }
    if (dir) {
        file = cache_entry_path(dir, key);
        if (file && cache_load(file, key, out) == 0) {
            free(file);
            free(dir);
            return 0;
        }
    }
    int rc = render_svg(svg, size, path, at, out, d);
    if (rc == 0 && dir && file)
        cache_store(dir, file, key, out);
    free(file);
    free(dir);
    return rc;
}

/* ---- reading inside the module ------------------------------------------ */

#define HEADER_READ 65536   /* enough for any PNG header and most JPEG ones */

/* Reads up to want bytes of fd into bytes (already holding *got). 0 or -1 with errno
 * (0 when the file ended early). */
static int read_upto(int fd, unsigned char *bytes, size_t want, size_t *got)
{
    while (*got < want) {
        ssize_t r = read(fd, bytes + *got, want - *got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0) {
            errno = 0;
            return -1;
        }
        *got += (size_t)r;
    }
    return 0;
}

static int prepare(const char *module_dir, const char *path, SrcLoc at, ImageData *out,
                   Diag *d, int whole)
{
    int rc = -1, fd = -1;
    char *full = NULL, *real_dir = NULL, *real_file = NULL;
    unsigned char *bytes = NULL;
    const char *why;
    memset(out, 0, sizeof(*out));
    if (!package_name_ok(path, &why))
        return diag_error(d, at, "image path '%s': %s (use a path inside the module folder, "
                          "like img/name.png)", path ? path : "", why);
    size_t n = strlen(module_dir) + strlen(path) + 2;
    full = malloc(n);
    if (!full)
        return diag_error(d, at, "out of memory");
    snprintf(full, n, "%s/%s", module_dir, path);
    real_dir = os_realpath(module_dir);
    real_file = os_realpath(full);
    if (!real_file) {
        diag_error(d, at, "image '%s' cannot be read: %s (check the file name; case matters)",
                   path, strerror(errno));
        goto out;
    }
    size_t dl = real_dir ? strlen(real_dir) : 0;
    if (!real_dir || strncmp(real_file, real_dir, dl) != 0
        || (real_file[dl] != '/' && !(dl == 1 && real_dir[0] == '/'))) {
        diag_error(d, at, "image '%s' leads outside the module folder (through a symbolic "
                   "link; copy the image into the module)", path);
        goto out;
    }
    fd = os_open(real_file, OS_O_RDONLY, 0);
    OsStat st;
    if (fd < 0 || os_fstat(fd, &st) != 0) {
        diag_error(d, at, "image '%s' cannot be read: %s", path, strerror(errno));
        goto out;
    }
    if (st.kind != OS_FILE_REGULAR) {
        diag_error(d, at, "image '%s' is not a regular file", path);
        goto out;
    }
    if (st.size > IMAGE_MAX_BYTES) {
        diag_error(d, at, "image '%s' is %lld bytes, more than the %u allowed (make it "
                   "smaller: at most 20 MB)", path, (long long)st.size, IMAGE_MAX_BYTES);
        goto out;
    }
    size_t size = (size_t)st.size;
    size_t pl = strlen(path);
    int is_svg = pl > 4 && strcasecmp(path + pl - 4, ".svg") == 0;
    /* An SVG is rendered whole; a PNG or JPEG is streamed into the package
     * later, so check needs its header only. */
    size_t want = is_svg || whole || size <= HEADER_READ ? size : HEADER_READ;
    bytes = malloc(want ? want : 1);
    if (!bytes) {
        diag_error(d, at, "out of memory");
        goto out;
    }
    size_t got = 0;
    if (read_upto(fd, bytes, want, &got) < 0) {
        diag_error(d, at, "image '%s' cannot be read: %s", path,
                   errno ? strerror(errno) : "file shrank");
        goto out;
    }
    if (is_svg) {
        rc = render_svg_cached(bytes, size, path, at, out, d);
        goto out;
    }
    ImageFormat fmt;
    int w, h;
    int probed = image_probe(bytes, got, &fmt, &w, &h, &why);
    if (probed != 0 && got < size) {        /* a JPEG frame header further in */
        unsigned char *all = realloc(bytes, size);
        if (!all) {
            diag_error(d, at, "out of memory");
            goto out;
        }
        bytes = all;
        if (read_upto(fd, bytes, size, &got) < 0) {
            diag_error(d, at, "image '%s' cannot be read: %s", path,
                       errno ? strerror(errno) : "file shrank");
            goto out;
        }
        probed = image_probe(bytes, got, &fmt, &w, &h, &why);
    }
    if (probed != 0) {
        diag_error(d, at, "image '%s': %s (use PNG, JPEG or SVG)", path, why);
        goto out;
    }
    if (w > IMAGE_MAX_SIDE || h > IMAGE_MAX_SIDE) {
        diag_error(d, at, "image '%s' is %dx%d pixels, more than %dx%d (scale it down; "
                   "1600 px wide is plenty on screen)", path, w, h, IMAGE_MAX_SIDE,
                   IMAGE_MAX_SIDE);
        goto out;
    }
    if (whole) {
        out->data = bytes;
        bytes = NULL;
    }
    out->size = size;
    out->width = w;
    out->height = h;
    out->format = fmt;
    rc = 0;
out:
    if (rc == 0) {
        out->file = real_file;
        real_file = NULL;
    }
    if (fd >= 0)
        close(fd);
    free(bytes);
    free(full);
    free(real_dir);
    free(real_file);
    return rc;
}

int image_prepare(const char *module_dir, const char *path, SrcLoc at, ImageData *out,
                  Diag *d)
{
    return prepare(module_dir, path, at, out, d, 1);
}

int image_check(const char *module_dir, const char *path, SrcLoc at, ImageData *out, Diag *d)
{
    return prepare(module_dir, path, at, out, d, 0);
}
