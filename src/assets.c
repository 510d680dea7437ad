/* assets: lookup in the table that tools/embed-assets generates. */
#include "assets.h"

#include <string.h>

const AssetFile *assets_find(const char *name)
{
    for (size_t i = 0; i < assets_count; i++)
        if (strcmp(assets_files[i].name, name) == 0)
            return &assets_files[i];
    return NULL;
}
