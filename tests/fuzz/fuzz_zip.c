/* fuzz_zip: any bytes as a zip through package_open_memory, then
 * package_read of every entry, in order and then in reverse order (which
 * reopens the archive), then validate_package (no schemas) on the same bytes
 * written to a file, as coursepack and the player read them. Small limits keep
 * each run fast. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "package.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char zip_path[64];

static void remove_zip(void)
{
    unlink(zip_path);
}

/* The input as a file, rewritten for each run (in memory when /dev/shm is
 * there). Returns its path, or NULL. */
static const char *as_file(const uint8_t *data, size_t size)
{
    if (!*zip_path) {
        snprintf(zip_path, sizeof zip_path, "%s/fuzz_zip-XXXXXX",
                 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
        int fd = mkstemp(zip_path);
        if (fd < 0)
            abort();
        close(fd);
        atexit(remove_zip);
    }
    FILE *f = fopen(zip_path, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);
    return zip_path;
}

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
    (void)validate_package(as_file(data, size), NULL, &d2);
    diag_release(&d2);
    return 0;
}
