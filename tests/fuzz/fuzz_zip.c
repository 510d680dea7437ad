/* fuzz_zip: any bytes as a zip through package_open_memory, then
 * package_read of every entry, in order and then in reverse order (which
 * reopens the archive), then validate_package_memory (no schemas). Small
 * limits keep each run fast. */
#include <stddef.h>
#include <stdint.h>

#include "package.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Diag d = DIAG_INIT;
    PackageLimits lim = { .max_entries = 64, .max_entry_size = 1 << 20,
                          .max_total_size = 4 << 20, .max_ratio = 200 };
    Package *p = package_open_memory(data, size, "fuzz.zip", &lim, &d);
    if (p) {
        size_t n = package_count(p);
        Buf b = BUF_INIT;
        for (size_t i = 0; i < n; i++) {
            const PackageFileInfo *f = package_file(p, i);
            buf_clear(&b);
            (void)package_read(p, f->name, 0, &b, &d);
            (void)package_find(p, f->name);
        }
        for (size_t i = n; i-- > 0;) {
            buf_clear(&b);
            (void)package_read(p, package_file(p, i)->name, 64, &b, &d);
        }
        (void)package_read(p, "no/such/entry", 0, &b, &d);
        buf_release(&b);
        package_close(p);
    }
    diag_release(&d);
    Diag d2 = DIAG_INIT;
    (void)validate_package_memory(data, size, "fuzz.zip", NULL, &d2);
    diag_release(&d2);
    return 0;
}
