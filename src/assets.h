/* assets: the files of assets/ (the SCORM runtime JS and CSS, the course
 * source schema) compiled into the program by tools/embed-assets. */
#ifndef ASSETS_H
#define ASSETS_H

#include <stddef.h>

typedef struct AssetFile {
    const char *name;           /* path under assets/, e.g. "runtime/cp-runtime.js" */
    const unsigned char *data;  /* static; NUL-terminated for convenience */
    size_t size;                /* bytes, without that NUL */
} AssetFile;

extern const AssetFile assets_files[];
extern const size_t assets_count;

/* Returns the embedded file of that name, or NULL. Borrowed, static. */
const AssetFile *assets_find(const char *name);

#endif
