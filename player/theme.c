/* theme: two palettes. The normal one keeps body text at about 12:1 on the
 * page (WCAG AAA); the high-contrast one is white on black with yellow
 * focus and links, as ward staff with low vision asked. */
#include "theme.h"

static const ThemeRGB PALETTE[THEME_COUNT][COLOR_COUNT] = {
    [THEME_NORMAL] = {
        [COLOR_BG] = { 0xFB, 0xFA, 0xF7 },
        [COLOR_TEXT] = { 0x1F, 0x23, 0x28 },
        [COLOR_MUTED] = { 0x55, 0x5D, 0x66 },
        [COLOR_HEADING] = { 0x12, 0x3A, 0x5E },
        [COLOR_LINK] = { 0x0B, 0x57, 0xA4 },
        [COLOR_RULE] = { 0xC9, 0xCE, 0xD4 },
        [COLOR_CODE_BG] = { 0xEE, 0xF0, 0xF2 },
        [COLOR_KEYFACT_BG] = { 0xE6, 0xF1, 0xFA },
        [COLOR_KEYFACT_BAR] = { 0x1F, 0x6F, 0xB2 },
        [COLOR_WARNING_BG] = { 0xFD, 0xF1, 0xE1 },
        [COLOR_WARNING_BAR] = { 0xC2, 0x6A, 0x00 },
        [COLOR_PANEL_BG] = { 0xF1, 0xF3, 0xF5 },
        [COLOR_CHOICE_BG] = { 0xFF, 0xFF, 0xFF },
        [COLOR_SELECTED_BG] = { 0xD6, 0xE8, 0xF8 },
        [COLOR_CORRECT] = { 0x1B, 0x6E, 0x2F },
        [COLOR_WRONG] = { 0xA8, 0x1F, 0x1F },
        [COLOR_BUTTON_BG] = { 0x12, 0x5A, 0x9C },
        [COLOR_BUTTON_TEXT] = { 0xFF, 0xFF, 0xFF },
        [COLOR_FOCUS] = { 0xE0, 0x8A, 0x00 },
        [COLOR_BAR_BG] = { 0x12, 0x3A, 0x5E },
        [COLOR_BAR_TEXT] = { 0xFF, 0xFF, 0xFF },
    },
    [THEME_HIGH_CONTRAST] = {
        [COLOR_BG] = { 0x00, 0x00, 0x00 },
        [COLOR_TEXT] = { 0xFF, 0xFF, 0xFF },
        [COLOR_MUTED] = { 0xE6, 0xE6, 0xE6 },
        [COLOR_HEADING] = { 0xFF, 0xFF, 0xFF },
        [COLOR_LINK] = { 0xFF, 0xEB, 0x3B },
        [COLOR_RULE] = { 0xFF, 0xFF, 0xFF },
        [COLOR_CODE_BG] = { 0x1A, 0x1A, 0x1A },
        [COLOR_KEYFACT_BG] = { 0x00, 0x00, 0x00 },
        [COLOR_KEYFACT_BAR] = { 0x4F, 0xC3, 0xF7 },
        [COLOR_WARNING_BG] = { 0x00, 0x00, 0x00 },
        [COLOR_WARNING_BAR] = { 0xFF, 0xB3, 0x00 },
        [COLOR_PANEL_BG] = { 0x12, 0x12, 0x12 },
        [COLOR_CHOICE_BG] = { 0x00, 0x00, 0x00 },
        [COLOR_SELECTED_BG] = { 0x00, 0x3C, 0x78 },
        [COLOR_CORRECT] = { 0x7C, 0xFC, 0x8A },
        [COLOR_WRONG] = { 0xFF, 0x8A, 0x80 },
        [COLOR_BUTTON_BG] = { 0xFF, 0xFF, 0xFF },
        [COLOR_BUTTON_TEXT] = { 0x00, 0x00, 0x00 },
        [COLOR_FOCUS] = { 0xFF, 0xEB, 0x3B },
        [COLOR_BAR_BG] = { 0x00, 0x00, 0x00 },
        [COLOR_BAR_TEXT] = { 0xFF, 0xFF, 0xFF },
    },
};

ThemeRGB theme_color(int theme, ColorRole role)
{
    if (theme < 0 || theme >= THEME_COUNT)
        theme = THEME_NORMAL;
    if ((int)role < 0 || role >= COLOR_COUNT)
        role = COLOR_TEXT;
    return PALETTE[theme][role];
}
