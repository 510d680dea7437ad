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
    UI_KEY_SWITCH_USER,                 /* F7: save, then back to the profiles */
} UiKey;

/* Why a learner's session ends (ui_end_session). */
typedef enum UiEnd { UI_END_SWITCH, UI_END_IDLE } UiEnd;

typedef struct UiOptions {
    const char *path;       /* PKG.zip, an unzipped package folder, or a library folder */
    const char *data_dir;   /* learner store folder; NULL: no store (nothing saved) */
    const char *lang;       /* interface language "fr"/"en"; NULL: from LANG, else fr */
    int width, height;      /* window size in pixels */
    int scale;              /* text size percent (100..200); 0 = 100 */
    int high_contrast;
    const char *trace;      /* test hook: append "answer\tATTEMPT\tITEM\tRESPONSE" here
                               after each answer's commit, before its feedback shows */
    long idle_timeout_ms;   /* what the idle time-out is (the app runs the clock): said
                               on the profile screen after one; 0 = none */
} UiOptions;

/* A button of the bars: clicking it is pressing key. */
typedef struct UiButton {
    LayoutRect r;           /* window coordinates */
    const char *label;
    UiKey key;
    int primary;            /* the filled style (else outlined) */
} UiButton;

#define UI_MAX_BUTTONS 6

/* The bars and the content the renderer draws; borrowed until the next ui
 * call. Every place in the bars is computed here (no SDL), so that nothing
 * overlaps at any width and text size; the renderer cuts a text that does
 * not fit its box on an ellipsis. */
typedef struct UiView {
    const Layout *layout;   /* the content, in page coordinates */
    int content_y;          /* window y of the content's top (below the top bar) */
    int content_h;          /* visible content height */
    int scroll;             /* page y shown at content_y */
    int focus;              /* focused target, or -1 */
    int theme;              /* THEME_* */
    int width, height;
    int bar_h;
    const char *title;      /* top bar: the module or "wardplayer", in title_r */
    const char *learner;    /* top bar: who is here (or that nothing is saved), in learner_r */
    const char *where;      /* bottom bar: "Page 2 sur 7", in where_r */
    const char *hint;       /* bottom bar: keys, in hint_r (w 0: no room) */
    const char *notice;     /* a message over the bottom bar, or NULL */
    LayoutRect title_r, learner_r, where_r, hint_r;
    int progress;           /* 0..1000: the place in the module, drawn along the bottom bar;
                               -1: none */
    UiButton buttons[UI_MAX_BUTTONS];
    int nbuttons;
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

/* Whether someone is using the player (a learner logged in, or a session
 * without profile): the app runs the idle time-out only then. */
int ui_session_active(const Ui *ui);

/* Ends the session: saves (reflections typed, the session's time and place),
 * logs the learner out, forgets what the screens held of them, and shows the
 * profiles; after UI_END_IDLE the profile screen says so. Returns 1 (redraw),
 * 0 when there is no learner store. */
int ui_end_session(Ui *ui, UiEnd why);

/* Saves what is not yet saved (as ui_end_session), before the program ends. */
void ui_save(Ui *ui);

/* Whether the player can open the package at path (a zip, or an unzipped
 * package folder): returns 0, or -1 with why (validate's errors, one per
 * line) appended to out. A third-party package it can open is read page by
 * page, and pages built by scripts (shown as a notice) are counted in a
 * warning line. `wardplayer --check` (check.h) uses it. */
int ui_module_problem(const char *path, Buf *out);

#endif
