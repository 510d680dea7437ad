/* font: the platform layer finds the files (os_font_files: fontconfig, or the
 * fonts shipped beside the Windows program); each (face, size class) is one
 * TTF_Font, reopened when the scale changes. Measuring copies the run into a
 * scratch buffer, since SDL2_ttf wants NUL-terminated text. */
#include "font.h"

#include <stdlib.h>
#include <string.h>

#include "os.h"

_Static_assert((int)FACE_REGULAR == (int)OS_FONT_REGULAR && (int)FACE_BOLD == (int)OS_FONT_BOLD
               && (int)FACE_ITALIC == (int)OS_FONT_ITALIC
               && (int)FACE_BOLD_ITALIC == (int)OS_FONT_BOLD_ITALIC
               && (int)FACE_MONO == (int)OS_FONT_MONO && (int)FACE_COUNT == (int)OS_FONT_COUNT,
               "the faces are numbered as os_font_files() fills them");

struct Fonts {
    char *path[FACE_COUNT];         /* malloc'd */
    TTF_Font *font[FONT_COUNT];
    int lh[FONT_COUNT];             /* line heights */
    int scale;
    char *scratch;                  /* for NUL-terminating measured text */
    size_t scratch_cap;
};

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
    Fonts *f = calloc(1, sizeof(*f));
    if (!f) {
        buf_puts(err, "cannot open fonts: out of memory");
        return NULL;
    }
    if (os_font_files(f->path, err) < 0)
        goto fail;
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
