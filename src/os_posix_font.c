/* os_posix_font: os_font_files() on POSIX. fontconfig picks files by family,
 * weight and slant, so a ward PC with either fonts-dejavu or fonts-noto
 * works. A file of its own so that only the player links fontconfig. */
#include "os.h"

#include <stdlib.h>
#include <string.h>

#include <fontconfig/fontconfig.h>

static char *find_face(const char *const *families, int weight, int slant)
{
    char *found = NULL;
    for (int i = 0; families[i] && !found; i++) {
        FcPattern *pat = FcPatternBuild(NULL, FC_FAMILY, FcTypeString, families[i], FC_WEIGHT,
                                        FcTypeInteger, weight, FC_SLANT, FcTypeInteger, slant,
                                        (char *)0);
        if (!pat)
            continue;
        FcConfigSubstitute(NULL, pat, FcMatchPattern);
        FcDefaultSubstitute(pat);
        FcResult res;
        FcPattern *match = FcFontMatch(NULL, pat, &res);
        FcChar8 *file = NULL, *family = NULL;
        if (match && FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch &&
            FcPatternGetString(match, FC_FAMILY, 0, &family) == FcResultMatch &&
            strstr((const char *)family, families[i]) &&
            strstr((const char *)file, ".tt"))
            found = strdup((const char *)file);
        if (match)
            FcPatternDestroy(match);
        FcPatternDestroy(pat);
    }
    return found;
}

int os_font_files(char *paths[OS_FONT_COUNT], Buf *err)
{
    static const char *const sans[] = { "DejaVu Sans", "Noto Sans", "Liberation Sans", NULL };
    static const char *const mono[] = { "DejaVu Sans Mono", "Noto Sans Mono",
                                        "Liberation Mono", NULL };
    memset(paths, 0, OS_FONT_COUNT * sizeof paths[0]);
    if (!FcInit()) {
        buf_puts(err, "cannot open fonts: fontconfig failed to start");
        return -1;
    }
    paths[OS_FONT_REGULAR] = find_face(sans, FC_WEIGHT_REGULAR, FC_SLANT_ROMAN);
    paths[OS_FONT_BOLD] = find_face(sans, FC_WEIGHT_BOLD, FC_SLANT_ROMAN);
    paths[OS_FONT_ITALIC] = find_face(sans, FC_WEIGHT_REGULAR, FC_SLANT_OBLIQUE);
    if (!paths[OS_FONT_ITALIC])
        paths[OS_FONT_ITALIC] = find_face(sans, FC_WEIGHT_REGULAR, FC_SLANT_ITALIC);
    paths[OS_FONT_BOLD_ITALIC] = find_face(sans, FC_WEIGHT_BOLD, FC_SLANT_OBLIQUE);
    if (!paths[OS_FONT_BOLD_ITALIC])
        paths[OS_FONT_BOLD_ITALIC] = find_face(sans, FC_WEIGHT_BOLD, FC_SLANT_ITALIC);
    paths[OS_FONT_MONO] = find_face(mono, FC_WEIGHT_REGULAR, FC_SLANT_ROMAN);
    FcFini();       /* fontconfig's cache, so leak checkers see a clean exit */
    int rc = 0;
    for (int i = 0; i < OS_FONT_COUNT; i++) {
        /* a missing style falls back to regular rather than failing */
        if (!paths[i] && paths[OS_FONT_REGULAR])
            paths[i] = strdup(paths[OS_FONT_REGULAR]);
        if (!paths[i])
            rc = -1;
    }
    if (rc < 0) {
        buf_puts(err, "cannot find the DejaVu or Noto fonts (install fonts-dejavu-core)");
        for (int i = 0; i < OS_FONT_COUNT; i++) {
            free(paths[i]);
            paths[i] = NULL;
        }
    }
    return rc;
}
