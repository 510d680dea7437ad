/* image: prepares a module's images for a package. PNG and JPEG are taken as
 * they are (their pixel size read from the header); SVG is rendered to PNG
 * with librsvg (longer side at most IMAGE_SVG_MAX_SIDE px, deterministic bytes).
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
} ImageData;

#define IMAGE_DATA_INIT { NULL, 0, 0, 0, IMAGE_PNG, 0 }

/* Reads module_dir/path (path relative, '/'-separated, inside the module: no
 * absolute path, no '..', no symlink leading out) and fills out. at locates
 * messages (the image reference in the page). Returns 0, or -1 with a message
 * in d: missing or unreadable file, unknown format, damaged header, too large,
 * SVG that does not render. */
int image_prepare(const char *module_dir, const char *path, SrcLoc at,
                  ImageData *out, Diag *d);

/* Pixel size of PNG or JPEG bytes from their header. Returns 0 and sets
 * *format, *w and *h, or -1 with *why (static string) set. */
int image_probe(const unsigned char *data, size_t size, ImageFormat *format,
                int *w, int *h, const char **why);

/* The package path for an image source: "img/x.svg" -> "img/x.png", other
 * names unchanged. Returns a new string; free() it. NULL on out of memory. */
char *image_output_name(const char *source);

void image_data_release(ImageData *img);

#endif
