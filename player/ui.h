/* ui: what the player shows and how it answers the learner: the library of
 * packages, the profile picker, a module's table of contents, its pages with
 * questions, scenarios and reflections, the summary. No SDL: app.c turns
 * events into ui_key/ui_click/ui_text calls and render.c draws ui_view().
 * Answers go to the learner store (store.h) before the screen moves on. */
#ifndef UI_H
#define UI_H

#include <stddef.h>

#include "buf.h"
#include "layout.h"

typedef enum UiKey {
    UI_KEY_UP, UI_KEY_DOWN, UI_KEY_PAGE_UP, UI_KEY_PAGE_DOWN, UI_KEY_HOME, UI_KEY_END,
    UI_KEY_PREV, UI_KEY_NEXT,           /* Left / Right: previous / next page */
    UI_KEY_TAB, UI_KEY_BACKTAB,         /* focus order */
    UI_KEY_ACTIVATE,                    /* Enter / Space on the focus */
    UI_KEY_BACK,                        /* Escape: up one screen */
    UI_KEY_BACKSPACE,
    UI_KEY_ZOOM_IN, UI_KEY_ZOOM_OUT, UI_KEY_ZOOM_RESET,
    UI_KEY_CONTRAST,                    /* F2 (or Ctrl+H): high contrast on/off */
    UI_KEY_TOC,                         /* F3 / Ctrl+T: table of contents */
    UI_KEY_LANGUAGE,                    /* F4: interface language fr/en */
    UI_KEY_READ_ALOUD,                  /* F5: read the page aloud / stop */
    UI_KEY_LIBRARY,                     /* F6: back to the library */
} UiKey;

typedef struct UiOptions {
    const char *path;       /* PKG.zip, an unzipped package folder, or a library folder */
    const char *data_dir;   /* learner store folder; NULL: no store (nothing saved) */
    const char *lang;       /* interface language "fr"/"en"; NULL: from LANG, else fr */
    int width, height;      /* window size in pixels */
    int scale;              /* text size percent (100..200); 0 = 100 */
    int high_contrast;
    const char *trace;      /* test hook: append "answer\tATTEMPT\tITEM\tRESPONSE" here
                               after each answer's commit, before its feedback shows */
} UiOptions;

/* The bars and the content the renderer draws; borrowed until the next ui call. */
typedef struct UiView {
    const Layout *layout;   /* the content, in page coordinates */
    int content_y;          /* window y of the content's top (below the top bar) */
    int content_h;          /* visible content height */
    int scroll;             /* page y shown at content_y */
    int focus;              /* focused target, or -1 */
    int theme;              /* THEME_* */
    int width, height;
    int bar_h;
    const char *title;      /* top bar, left */
    const char *where;      /* top bar, right ("Page 2 / 7") */
    const char *hint;       /* bottom bar: keys */
    const char *notice;     /* a message over the bottom bar, or NULL */
    LayoutRect prev_r, next_r, toc_r;   /* bar buttons (window coordinates; w 0 = none) */
    const char *prev_label, *next_label, *toc_label;
} UiView;

typedef struct Ui Ui;

/* Opens what path names (a zip, a package folder, or a folder of zips) and
 * the learner store in data_dir. m is how text is measured (borrowed; its
 * fonts must follow ui_scale()). Returns NULL with "what failed: why" in err
 * when nothing can be shown (path missing, not a package, store cannot open). */
Ui *ui_new(const UiOptions *o, const LayoutMeasure *m, Buf *err);
void ui_free(Ui *ui);       /* accepts NULL */

/* Input. Each returns 1 when the screen changed (redraw), else 0. */
int ui_key(Ui *ui, UiKey key);
int ui_click(Ui *ui, int x, int y);         /* window coordinates */
int ui_wheel(Ui *ui, int dy);               /* pixels, positive = down */
int ui_text(Ui *ui, const char *utf8);      /* typed text (into the focused text box) */
int ui_resize(Ui *ui, int width, int height);

/* The current font scale (percent): when it changes the caller reopens its
 * fonts, then calls ui_fonts_changed(). */
int ui_scale(const Ui *ui);
void ui_fonts_changed(Ui *ui);

/* Lays the screen out if needed and returns what to draw. */
const UiView *ui_view(Ui *ui);

/* Image bytes of the current module (src as in Image.src) appended to out.
 * Returns 0, or -1 when the package has no such file. */
int ui_image(Ui *ui, const char *src, Buf *out);

/* Text to read aloud when the learner asked for it (ui_key READ_ALOUD), with
 * its language ("fr", "en"); clears the request. NULL when there is none.
 * *stop is set when the learner asked to stop reading. */
const char *ui_take_speech(Ui *ui, const char **lang, int *stop);

/* A number that grows each time the learner store commits something that
 * may add xAPI statements (an answer, a status, a new attempt): the app
 * schedules its background sync when it changes. */
unsigned long ui_results_recorded(const Ui *ui);

/* What the background sync last said, for a discreet line under the
 * library: pending -1 says nothing, 0 "results sent", n "n waiting".
 * Returns 1 when the screen changed (redraw). */
int ui_set_sync_status(Ui *ui, long pending);

/* Whether the current screen is a text box waiting for typing. */
int ui_wants_text(const Ui *ui);

/* Whether the player can open the package at path (a zip, or an unzipped
 * package folder): returns 0, or -1 with why (validate's errors, one per
 * line) appended to out. A third-party package it can open is read page by
 * page, and pages built by scripts (shown as a notice) are counted in a
 * warning line. `wardplayer --check` (check.h) uses it. */
int ui_module_problem(const char *path, Buf *out);

#endif
