/* fuzz_page_read: any bytes as an HTML page through page_read (coursepack or
 * third-party page), into a fresh course. */
#include <stddef.h>
#include <stdint.h>

#include "page_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Diag d = DIAG_INIT;
    Course *c = course_new();
    if (c) {
        PageDoc doc;
        if (page_read(c, "fuzz/index.html", (const char *)data, size, &doc, &d) == 0) {
            (void)page_doc_text(&doc, "next", "Next");
            if (doc.lang && doc.lang->pages && doc.lang->pages->name)
                (void)page_find(doc.lang, doc.lang->pages->name);
        }
        course_free(c);
    }
    diag_release(&d);
    return 0;
}
