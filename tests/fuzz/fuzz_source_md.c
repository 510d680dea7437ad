/* fuzz_source_md: any bytes as a page's Markdown (NN-name.LANG.md) through
 * source_md_read_page, the reader `coursepack check` runs on every page, then
 * the word count. Image paths resolve against a folder that does not exist. */
#include <stddef.h>
#include <stdint.h>

#include "source_md.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Diag d = DIAG_INIT;
    Course *c = course_new();
    if (c) {
        SourceMd m = { .c = c, .d = &d, .dir = "/nonexistent-fuzz-module", .meta_ok = 0 };
        Page *p = source_md_read_page(&m, "fuzz/01-page.en.md", "01-page", (const char *)data,
                                      size);
        if (p)
            (void)source_md_word_count(p);
        course_free(c);
    }
    diag_release(&d);
    return 0;
}
