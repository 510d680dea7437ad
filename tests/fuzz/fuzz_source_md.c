/* fuzz_source_md: any bytes as a page's Markdown (NN-name.LANG.md) through
 * source_md_read_page, the reader `coursepack check` runs on every page, then
 * the word count. Image paths resolve against a folder that does not exist.
 * The text is passed NUL-terminated, as source.c reads files: md4c 0.4.8 reads
 * one byte past the size it is given (seed md4c-huge-text-size.md: with a
 * garbage byte there, a text callback got a size of gigabytes); see
 * docs/hardening.md, finding 8. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "source_md.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = 0;
    Diag d = DIAG_INIT;
    Course *c = course_new();
    if (c) {
        SourceMd m = { .c = c, .d = &d, .dir = "/nonexistent-fuzz-module", .meta_ok = 0 };
        Page *p = source_md_read_page(&m, "fuzz/01-page.en.md", "01-page", text, size);
        if (p)
            (void)source_md_word_count(p);
        course_free(c);
    }
    diag_release(&d);
    free(text);
    return 0;
}
