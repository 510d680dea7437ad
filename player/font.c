/* font: fontconfig picks files by family, weight and slant, so a ward PC with
 * either fonts-dejavu or fonts-noto works; each (face, size class) is one
 * TTF_Font, reopened when the scale changes. Measuring copies the run into a
 * scratch buffer, since SDL2_ttf wants NUL-terminated text. */
#include "font.h"

#include <stdlib.h>
#include <string.h>

#include <fontconfig/fontconfig.h>

struct Fonts {
    char *path[FACE_COUNT];         /* malloc'd */
    TTF_Font *font[FONT_COUNT];
    int lh[FONT_COUNT];             /* line heights */
    int scale;
    char *scratch;                  /* for NUL-terminating measured text */
    size_t scratch_cap;
};

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

static void close_sizes(Fonts *f)
{
    for (int i = 0; i < FONT_COUNT; i++) {
        if (f->font[i])
            TTF_CloseFont(f->font[i]);
        f->font[i] = NULL;
    }
}

int font_set_scale(Fonts *f, int scale, Buf *err)
{
    close_sizes(f);
    f->scale = scale;
    for (int size = 0; size < SIZE_COUNT; size++)
        for (int face = 0; face < FACE_COUNT; face++) {
            int id = FONT_ID(face, size);
            f->font[id] = TTF_OpenFont(f->path[face], layout_font_px(size, scale));
            if (!f->font[id]) {
                buf_printf(err, "cannot open font %s: %s", f->path[face], TTF_GetError());
                return -1;
            }
            TTF_SetFontHinting(f->font[id], TTF_HINTING_LIGHT);
            /* 1.45 line spacing reads well in a 70-character column */
            f->lh[id] = TTF_FontHeight(f->font[id]) * 29 / 20;
            if (face == FACE_MONO)
                f->lh[id] = TTF_FontHeight(f->font[id]) * 5 / 4;
        }
    return 0;
}

Fonts *font_open(int scale, Buf *err)
{
    static const char *const sans[] = { "DejaVu Sans", "Noto Sans", "Liberation Sans", NULL };
    static const char *const mono[] = { "DejaVu Sans Mono", "Noto Sans Mono",
                                        "Liberation Mono", NULL };
    Fonts *f = calloc(1, sizeof(*f));
    if (!f) {
        buf_puts(err, "cannot open fonts: out of memory");
        return NULL;
    }
    if (!FcInit()) {
        buf_puts(err, "cannot open fonts: fontconfig failed to start");
        goto fail;
    }
    f->path[FACE_REGULAR] = find_face(sans, FC_WEIGHT_REGULAR, FC_SLANT_ROMAN);
    f->path[FACE_BOLD] = find_face(sans, FC_WEIGHT_BOLD, FC_SLANT_ROMAN);
    f->path[FACE_ITALIC] = find_face(sans, FC_WEIGHT_REGULAR, FC_SLANT_OBLIQUE);
    if (!f->path[FACE_ITALIC])
        f->path[FACE_ITALIC] = find_face(sans, FC_WEIGHT_REGULAR, FC_SLANT_ITALIC);
    f->path[FACE_BOLD_ITALIC] = find_face(sans, FC_WEIGHT_BOLD, FC_SLANT_OBLIQUE);
    if (!f->path[FACE_BOLD_ITALIC])
        f->path[FACE_BOLD_ITALIC] = find_face(sans, FC_WEIGHT_BOLD, FC_SLANT_ITALIC);
    f->path[FACE_MONO] = find_face(mono, FC_WEIGHT_REGULAR, FC_SLANT_ROMAN);
    for (int i = 0; i < FACE_COUNT; i++) {
        /* a missing style falls back to regular rather than failing */
        if (!f->path[i] && f->path[FACE_REGULAR])
            f->path[i] = strdup(f->path[FACE_REGULAR]);
        if (!f->path[i]) {
            buf_puts(err, "cannot find the DejaVu or Noto fonts (install fonts-dejavu-core)");
            goto fail;
        }
    }
    if (font_set_scale(f, scale, err) < 0)
        goto fail;
    return f;
fail:
    font_close(f);
    return NULL;
}

void font_close(Fonts *f)
{
    if (!f)
        return;
    close_sizes(f);
    for (int i = 0; i < FACE_COUNT; i++)
        free(f->path[i]);
    free(f->scratch);
    free(f);
    FcFini();       /* fontconfig's cache, so leak checkers see a clean exit */
}

int font_scale(const Fonts *f)
{
    return f->scale;
}

TTF_Font *font_get(Fonts *f, FontId id)
{
    if (id < 0 || id >= FONT_COUNT)
        id = FONT_ID(FACE_REGULAR, SIZE_BODY);
    return f->font[id];
}

int font_measure(void *ud, FontId id, const char *s, size_t n)
{
    Fonts *f = ud;
    if (n == 0)
        return 0;
    if (n == 1 && s[0] == ' ') {
        /* SDL_ttf sizes text by its ink, so a lone space would measure ~0:
         * the layout wants the space's advance */
        int minx, maxx, miny, maxy, adv = 0;
        if (TTF_GlyphMetrics32(font_get(f, id), ' ', &minx, &maxx, &miny, &maxy, &adv) == 0)
            return adv;
    }
    if (n + 1 > f->scratch_cap) {
        size_t cap = n + 1 < 256 ? 256 : n + 1 + n / 2;
        char *p = realloc(f->scratch, cap);
        if (!p)
            return (int)n * layout_font_px(FONT_SIZE(id), f->scale);  /* pessimistic */
        f->scratch = p;
        f->scratch_cap = cap;
    }
    memcpy(f->scratch, s, n);
    f->scratch[n] = 0;
    int w = 0, h = 0;
    if (TTF_SizeUTF8(font_get(f, id), f->scratch, &w, &h) < 0)
        return (int)n * layout_font_px(FONT_SIZE(id), f->scale);
    return w;
}

int font_line_height(void *ud, FontId id)
{
    Fonts *f = ud;
    if (id < 0 || id >= FONT_COUNT)
        id = FONT_ID(FACE_REGULAR, SIZE_BODY);
    return f->lh[id];
}
