/* fuzz_page_read: any bytes as an HTML page through page_read (coursepack or
 * third-party page), into a fresh course; then through page_read_lazy, every
 * listed page built from its byte range, and the built page compared with
 * what page_read listed (the same pages, by name, in the same order). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "page_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same_name(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Diag d = DIAG_INIT;
    Course *c = course_new();
    Page *eager = NULL;
    if (c) {
        PageDoc doc;
        if (page_read(c, "fuzz/index.html", (const char *)data, size, &doc, &d) == 0) {
            (void)page_doc_text(&doc, "next", "Next");
            eager = doc.lang ? doc.lang->pages : NULL;
        }
    }
    Course *lc = course_new();
    if (lc) {
        PageDoc doc;
        if (page_read_lazy(lc, "fuzz/index.html", (const char *)data, size, &doc, &d) == 0) {
            int i = 0;
            for (Page *p = doc.lang->pages; p; p = p->next, i++) {
                int n;
                (void)page_items(&doc, i, &n);
                if (page_build(lc, &doc, i, (const char *)data, size, &d) != 0)
                    continue;
                if (!page_built(&doc, i))
                    abort();
                /* a page's range is trusted only once the bytes confirmed it:
                 * the lazy list is the eager one */
                if (eager) {
                    if (!same_name(eager->name, p->name))
                        abort();
                    eager = eager->next;
                }
            }
            if (doc.slots && eager)
                abort();
        }
        course_free(lc);
    }
    course_free(c);
    diag_release(&d);
    return 0;
}
