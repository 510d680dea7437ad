/* image: prepares a module's images for a package. PNG and JPEG are taken as
 * they are (their pixel size read from the header); SVG is rendered to PNG
 * with librsvg (longer side at most IMAGE_SVG_MAX_SIDE px, deterministic bytes),
 * through a cache of rendered PNGs shared by every build of the user.
 * Only files inside the module folder are read. */
#ifndef IMAGE_H
#define IMAGE_H

#include <stddef.h>

#include "diag.h"

#define IMAGE_MAX_SIDE 8192             /* pixels, PNG/JPEG */
#define IMAGE_MAX_BYTES (20u << 20)     /* 20 MiB per source file */
#define IMAGE_SVG_MAX_SIDE 1600         /* longer side of a rendered SVG */

typedef enum ImageFormat { IMAGE_PNG, IMAGE_JPEG } ImageFormat;

typedef struct ImageData {
    unsigned char *data;    /* owned: PNG or JPEG bytes; image_data_release() */
    size_t size;
    int width, height;      /* pixels */
    ImageFormat format;     /* of data (an SVG gives IMAGE_PNG) */
    int from_svg;           /* 1 when data was rendered from an SVG */
    char *file;             /* owned: the source file's resolved path (inside the module) */
} ImageData;

#define IMAGE_DATA_INIT { NULL, 0, 0, 0, IMAGE_PNG, 0, NULL }

/* Reads module_dir/path (path relative, '/'-separated, inside the module: no
 * absolute path, no '..', no symlink leading out) and fills out. at locates
 * messages (the image reference in the page). Returns 0, or -1 with a message
 * in d: missing or unreadable file, unknown format, damaged header, too large,
 * SVG that does not render. */
int image_prepare(const char *module_dir, const char *path, SrcLoc at,
                  ImageData *out, Diag *d);

/* The same checks as image_prepare, reading no more than they need: a PNG or
 * JPEG is read only as far as its header (out->data stays NULL; out->size is
 * the file's size and out->file its path, for the package to stream it), an
 * SVG is rendered (out->data holds the PNG). Same return and messages. */
int image_check(const char *module_dir, const char *path, SrcLoc at,
                ImageData *out, Diag *d);

/* The render cache: $XDG_CACHE_HOME/coursepack/svg (or ~/.cache/...), one file
 * per rendered SVG, named by the SHA-256 of (IMAGE_RENDER_VERSION, the librsvg
 * and cairo header versions, the identity of the installed rendering
 * libraries' files, the font folders' and fontconfig configuration's times
 * (font_state.h), IMAGE_SVG_MAX_SIDE, the SVG bytes). An entry is
 *   "CPSVGC1\n", key (32 bytes), SHA-256 of the PNG (32), PNG length (8, LE),
 *   width (4, LE), height (4, LE), the PNG
 * and is used only when all of these match the PNG (signature and header
 * included); otherwise it is rendered again and rewritten. Entries are written
 * to a temporary file and renamed, so a reader never sees half an entry. A
 * cache that cannot be read or written is skipped silently: it only saves
 * time. Off when the environment has COURSEPACK_NO_CACHE set (not "" or "0"),
 * or after image_cache_set_enabled(0) (process-wide; for --no-cache). */
#define IMAGE_RENDER_VERSION 1          /* bump when render_svg's output changes */
void image_cache_set_enabled(int enabled);

/* The cache folder in use: a new string (free() it), or NULL when the cache
 * is off or no folder can be named (no XDG_CACHE_HOME and no HOME). */
char *image_cache_dir(void);

/* Pixel size of PNG or JPEG bytes from their header. Returns 0 and sets
 * *format, *w and *h, or -1 with *why (static string) set. */
int image_probe(const unsigned char *data, size_t size, ImageFormat *format,
                int *w, int *h, const char **why);

/* The package path for an image source: "img/x.svg" -> "img/x.png", other
 * names unchanged. Returns a new string; free() it. NULL on out of memory. */
char *image_output_name(const char *source);

void image_data_release(ImageData *img);

#endif
