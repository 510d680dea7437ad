/* zip_method: store what deflate cannot shrink (see zip_method.h). */
#include "zip_method.h"

#include <stdlib.h>
#include <zlib.h>

/* Level 1 is enough to tell compressible from not, and on incompressible
 * data it runs several times faster than the level 6 used for the package
 * itself. Smaller windows or hash tables were tried: they misjudge PNG
 * diagrams that deflate does shrink by 3-12 %. */
#define SAMPLE_LEVEL 1
/* The sample must shrink by at least 1/50 (2 %) for deflate to be used. */
#define MIN_SAVING_DIVISOR 50

struct ZipMethodProbe {
    z_stream z;
    unsigned char out[ZIP_METHOD_SAMPLE + 1024];   /* > deflateBound(16 KiB) */
};

ZipMethodProbe *zip_method_probe_new(void)
{
    ZipMethodProbe *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    /* -15: raw deflate, as inside a zip entry (no zlib header to count). */
    if (deflateInit2(&p->z, SAMPLE_LEVEL, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        free(p);
        return NULL;
    }
    return p;
}

void zip_method_probe_free(ZipMethodProbe *p)
{
    if (!p)
        return;
    deflateEnd(&p->z);
    free(p);
}

ZipMethod zip_method_choose(ZipMethodProbe *p, const void *head, size_t head_len,
                            unsigned long long entry_size)
{
    if (entry_size < ZIP_METHOD_MIN_SIZE || head_len < ZIP_METHOD_MIN_SIZE)
        return ZIP_METHOD_DEFLATE;
    if (head_len > ZIP_METHOD_SAMPLE)
        head_len = ZIP_METHOD_SAMPLE;
    if (deflateReset(&p->z) != Z_OK)
        return ZIP_METHOD_DEFLATE;
    p->z.next_in = (Bytef *)(unsigned char *)head;
    p->z.avail_in = (uInt)head_len;
    p->z.next_out = p->out;
    p->z.avail_out = (uInt)sizeof(p->out);
    int r = deflate(&p->z, Z_FINISH);
    size_t packed = sizeof(p->out) - p->z.avail_out;
    if (r != Z_STREAM_END)
        return ZIP_METHOD_DEFLATE;   /* cannot happen with this buffer: keep the usual */
    size_t saving = packed < head_len ? head_len - packed : 0;
    return saving * MIN_SAVING_DIVISOR >= head_len ? ZIP_METHOD_DEFLATE : ZIP_METHOD_STORE;
}
