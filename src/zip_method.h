/* zip_method: whether a zip entry is worth deflating. PNG, JPEG, video and
 * the like are compressed already: deflating them again costs most of a
 * package's build time and saves nothing (pseudo-random data even grows).
 * The choice is made from the bytes, not the file name, so it is the same
 * for the same content and needs no list of extensions. */
#ifndef ZIP_METHOD_H
#define ZIP_METHOD_H

#include <stddef.h>

typedef enum ZipMethod {
    ZIP_METHOD_DEFLATE,
    ZIP_METHOD_STORE
} ZipMethod;

/* Bytes of an entry's start that zip_method_choose looks at. */
#define ZIP_METHOD_SAMPLE 16384
/* Entries smaller than this are always deflated (too small to matter). */
#define ZIP_METHOD_MIN_SIZE 4096

/* A deflate stream kept for sampling: setting one up costs ~0.5 ms (its
 * tables are allocated and cleared), resetting it ~0.1 ms, so a zip writer
 * keeps one for all its entries. */
typedef struct ZipMethodProbe ZipMethodProbe;

/* Returns NULL when out of memory. */
ZipMethodProbe *zip_method_probe_new(void);
void zip_method_probe_free(ZipMethodProbe *p);   /* accepts NULL */

/* The method for an entry of entry_size bytes whose first bytes are
 * head[0..head_len) (head_len = min(entry_size, ZIP_METHOD_SAMPLE) when
 * the caller has them). Store when a fast deflate of the sample saves less
 * than 2 % of it. */
ZipMethod zip_method_choose(ZipMethodProbe *p, const void *head, size_t head_len,
                            unsigned long long entry_size);

#endif
