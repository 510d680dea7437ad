/* theme: colour roles (layout.h) to RGB, for the normal and the
 * high-contrast theme. No SDL. */
#ifndef THEME_H
#define THEME_H

#include "layout.h"

typedef struct ThemeRGB {
    unsigned char r, g, b;
} ThemeRGB;

enum { THEME_NORMAL, THEME_HIGH_CONTRAST, THEME_COUNT };

/* The colour of role in theme (THEME_*); out-of-range values give text colour. */
ThemeRGB theme_color(int theme, ColorRole role);

#endif
