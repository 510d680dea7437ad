/* font: the player's typefaces. DejaVu Sans (or Noto Sans) regular, bold,
 * italic, bold italic and DejaVu Sans Mono: on Linux fontconfig finds them
 * among the system fonts, on Windows they are shipped beside the program
 * (os_font_files); SDL2_ttf opens them at the sizes of the current
 * scale and measures and renders text. */
#ifndef FONT_H
#define FONT_H

#include <stddef.h>

#include <SDL_ttf.h>

#include "buf.h"
#include "layout.h"

typedef struct Fonts Fonts;

/* Finds the five faces and opens them at scale percent. Needs TTF_Init()
 * done. Returns NULL with "what failed: why" in err. font_close() it. */
Fonts *font_open(int scale, Buf *err);
void font_close(Fonts *f);      /* accepts NULL */

/* Reopens every size for a new scale (100..200). Returns 0 or -1 (err). */
int font_set_scale(Fonts *f, int scale, Buf *err);
int font_scale(const Fonts *f);

/* The open font for id; borrowed until font_close() or font_set_scale(). */
TTF_Font *font_get(Fonts *f, FontId id);

/* LayoutMeasure callbacks; ud is the Fonts. */
int font_measure(void *ud, FontId id, const char *s, size_t n);
int font_line_height(void *ud, FontId id);

#endif
