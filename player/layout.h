/* layout: a page's blocks > a display list (rects, text runs, images) for a
 * window width and a font scale. Pure C, no SDL: text is measured through a
 * callback, so the line breaking is unit-tested with a fake font. Lines break
 * at ASCII spaces only (a no-break space U+00A0 / U+202F glues its
 * neighbours), overlong words break between characters, and the column is
 * kept to about 70 characters and centred in the window. */
#ifndef LAYOUT_H
#define LAYOUT_H

#include <stddef.h>

#include "course.h"

/* A font is a face at a size class; the measurer turns the size class into
 * pixels for the current scale. */
typedef int FontId;
enum { FACE_REGULAR, FACE_BOLD, FACE_ITALIC, FACE_BOLD_ITALIC, FACE_MONO, FACE_COUNT };
enum { SIZE_BODY, SIZE_SMALL, SIZE_H1, SIZE_H2, SIZE_H3, SIZE_COUNT };
#define FONT_ID(face, size) ((size) * FACE_COUNT + (face))
#define FONT_FACE(id) ((id) % FACE_COUNT)
#define FONT_SIZE(id) ((id) / FACE_COUNT)
#define FONT_COUNT (FACE_COUNT * SIZE_COUNT)

/* Pixel size of a size class at a scale in percent (100..200). */
int layout_font_px(int size, int scale_pct);

/* What a colour means; the theme maps it to RGB (normal or high contrast). */
typedef enum ColorRole {
    COLOR_BG, COLOR_TEXT, COLOR_MUTED, COLOR_HEADING, COLOR_LINK, COLOR_RULE,
    COLOR_CODE_BG, COLOR_KEYFACT_BG, COLOR_KEYFACT_BAR, COLOR_WARNING_BG, COLOR_WARNING_BAR,
    COLOR_PANEL_BG, COLOR_CHOICE_BG, COLOR_SELECTED_BG, COLOR_CORRECT, COLOR_WRONG,
    COLOR_BUTTON_BG, COLOR_BUTTON_TEXT, COLOR_FOCUS, COLOR_BAR_BG, COLOR_BAR_TEXT,
    COLOR_COUNT
} ColorRole;

typedef struct LayoutRect {
    int x, y, w, h;
} LayoutRect;

typedef enum DrawKind { DRAW_RECT, DRAW_TEXT, DRAW_IMAGE } DrawKind;

enum { DRAW_UNDERLINE = 1u << 0, DRAW_STRIKE = 1u << 1,
       DRAW_MARKER = 1u << 2 };    /* a drawn marker (bullet, choice box, tick): not read aloud */

/* One thing to draw, in page coordinates (y grows down from the page top). */
typedef struct DrawItem {
    DrawKind kind;
    LayoutRect r;
    ColorRole color;        /* fill (RECT) or text colour (TEXT) */
    FontId font;            /* TEXT */
    const char *text;       /* TEXT: borrowed (course arena or the layout); not NUL-
                               terminated at len */
    size_t len;
    const Image *image;     /* IMAGE: borrowed from the course */
    int target;             /* index of the LayoutTarget it belongs to, or -1 */
    unsigned flags;         /* DRAW_UNDERLINE, DRAW_STRIKE, DRAW_MARKER */
} DrawItem;

/* Something the learner can activate: focus order is target order. */
typedef enum TargetKind {
    TARGET_LINK,            /* href */
    TARGET_CHOICE,          /* question, index = choice number */
    TARGET_SUBMIT,          /* question */
    TARGET_STEP_CHOICE,     /* scenario, choice */
    TARGET_RESTART,         /* scenario */
    TARGET_TEXT,            /* reflection: a text box */
    TARGET_SAVE,            /* reflection */
} TargetKind;

typedef struct LayoutTarget {
    TargetKind kind;
    LayoutRect r;           /* first line of it, page coordinates */
    const char *href;       /* LINK: borrowed */
    const Question *question;
    const Scenario *scenario;
    const StepChoice *step_choice;
    const Reflection *reflection;
    int index;
} LayoutTarget;

/* Text measuring, supplied by the caller (SDL2_ttf in the player, a fake in
 * tests). measure returns the width in pixels of s[0..n) (UTF-8) in font;
 * line_height its line height; image_size (may be NULL) the pixel size of an
 * image, returning 0 when known. */
typedef struct LayoutMeasure {
    int (*measure)(void *ud, FontId font, const char *s, size_t n);
    int (*line_height)(void *ud, FontId font);
    int (*image_size)(void *ud, const Image *img, int *w, int *h);
    void *ud;
} LayoutMeasure;

/* The ui's own controls. A paragraph of a generated screen whose first run
 * is a link the control hook describes is drawn as a button or a card
 * instead of a line of text; the link stays its target. */
typedef enum ControlKind {
    CONTROL_NONE,           /* an ordinary link */
    CONTROL_BUTTON,         /* a filled button: the main action of the screen */
    CONTROL_BUTTON_QUIET,   /* an outlined button: another action */
    CONTROL_CARD,           /* a card the width of the column: the link's text in bold,
                               the rest of the paragraph under it in smaller muted text */
} ControlKind;

typedef struct LayoutControl {
    ControlKind kind;
    int option;             /* CARD: one of a set of options (a radio mark shows) */
    int selected;           /* CARD: the option chosen: marked, tinted, thick border */
    int progress;           /* CARD: 0..1000 drawn as a bar under its text; -1: none */
} LayoutControl;

/* The learner's state of interactive blocks, asked while laying out. Any
 * function may be NULL (nothing answered, nothing chosen). */
typedef struct LayoutHooks {
    /* selected: bit i = choice i chosen. Returns 1 once answered. */
    int (*question)(void *ud, const Question *q, unsigned *selected);
    /* The choices made on the current play of s, in order, into path (at most
     * max); returns how many. */
    int (*scenario)(void *ud, const Scenario *s, const StepChoice **path, int max);
    /* The text typed so far; *saved set to 1 once saved. NULL = "". A
     * reflection with max_chars < 0 is a form field (the ui's own screens):
     * drawn without its Save button. */
    const char *(*reflection)(void *ud, const Reflection *r, int *saved);
    /* Interface word (key as in data-cp-text-*: "submit", "correct"…), or
     * NULL for the built-in fallback. */
    const char *(*word)(void *ud, const char *key);
    /* How a paragraph that starts with a link to href is drawn: returns 1
     * and fills *out for a control, 0 for an ordinary paragraph. */
    int (*control)(void *ud, const char *href, LayoutControl *out);
    /* The order this attempt shows the choices of q in, or (q NULL) those of
     * step st of scenario sc: order[i] = the written index of the i-th shown,
     * for the n choices. Returns 1 when it filled order, 0 for the order as
     * written. Focus (Tab) and reading aloud follow the order laid out. */
    int (*order)(void *ud, const Question *q, const Scenario *sc, const Step *st, int *order,
                 int n);
    void *ud;
} LayoutHooks;

typedef struct LayoutParams {
    int width;              /* window width in pixels */
    int scale;              /* font scale in percent, 100..200 */
    int role, setting;      /* learner context (indexes; -1 = sees everything) */
    unsigned generation;    /* bump when the learner's answers change */
} LayoutParams;

#define LAYOUT_MAX_LINES 20000      /* a page longer than this is cut (with a note) */
#define LAYOUT_COLUMN_CHARS 70      /* readable column width, in average characters */

typedef struct Layout Layout;

/* A new empty layout (NULL when out of memory); layout_free() it. */
Layout *layout_new(void);
void layout_free(Layout *L);

/* Lays out blocks (a page's, or a screen the ui made) unless the same
 * (blocks, width, scale, role, setting, generation) was laid out last time:
 * the result is cached. Returns 0, or -1 when out of memory. */
int layout_blocks(Layout *L, const Block *blocks, const LayoutParams *p,
                  const LayoutMeasure *m, const LayoutHooks *h);

/* Forgets the cached result (say, after the fonts changed). */
void layout_invalidate(Layout *L);

/* The result: borrowed until the next layout_blocks() or layout_free(). */
const DrawItem *layout_items(const Layout *L, size_t *n);
const LayoutTarget *layout_targets(const Layout *L, size_t *n);
int layout_height(const Layout *L);          /* total height in pixels */
LayoutRect layout_column(const Layout *L);   /* the text column (x, w) */
int layout_truncated(const Layout *L);       /* 1 when LAYOUT_MAX_LINES cut it */

/* Where the verdict of an answered question was laid out (page
 * coordinates: the verdict line and the explanation under it). Returns 0, or
 * -1 when q is not answered on this layout. */
int layout_verdict(const Layout *L, const Question *q, LayoutRect *out);

/* The target under the point (page coordinates), or -1. */
int layout_hit(const Layout *L, int x, int y);

/* Byte length of the longest prefix of s[0..n), cut at a character boundary,
 * that measures at most w (at least one character when force is set). */
size_t layout_fit(const LayoutMeasure *m, FontId font, const char *s, size_t n, int w,
                  int force);

#endif
