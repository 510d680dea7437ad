/* screen: what the ui dispatcher (ui.c) and its screens (screen_*.c) share,
 * private to them: the Ui state, the helpers that generate a screen as
 * course.h blocks, and each screen's entry points. A screen builds its blocks
 * (screen_X_build) and answers its own "ui:" links (screen_X_follow); ui.c
 * owns the loop-facing API of ui.h and switches between screens. */
#ifndef SCREEN_H
#define SCREEN_H

#include <stdint.h>

#include "buf.h"
#include "course.h"
#include "layout.h"
#include "module.h"
#include "msg.h"
#include "store.h"
#include "ui.h"

typedef enum Screen {
    SCR_LIBRARY, SCR_PROFILES, SCR_NEW_PROFILE, SCR_PIN, SCR_TOC, SCR_PAGE,
    SCR_STORE,              /* the store cannot be written: say so, offer to go on without */
    SCR_IN_USE,             /* the learner's module is open in another player */
} Screen;

/* The form fields of the ui's own screens (ui->field, ui->fields). */
enum { UI_FIELD_NAME, UI_FIELD_STAFF, UI_FIELD_PIN, UI_FIELD_SEARCH, UI_NFIELDS };

/* A role or setting some module offers, for a new profile and its card. */
typedef struct UiContext {
    const char *id;         /* borrowed from a module's course */
    const char *label;      /* in the interface language (else the first one) */
} UiContext;

#define UI_MAX_CONTEXTS 32

/* One entry of the library: the packages of one module (every language and
 * edition) share it; pick is the one this learner's language plays. */
typedef struct UiEntry {
    int pick;               /* index into ui->mods */
    int progress;           /* 0..1000 pages seen, -1 none: drawn on its card */
} UiEntry;

struct Ui {
    UiOptions o;
    const LayoutMeasure *m;
    Module *mods;
    int nmods;
    int cur;                /* module shown, -1 = none */
    Screen screen;
    int page;
    Layout *L;
    Course *scratch;        /* the generated screen's blocks */
    const Block *blocks;
    unsigned gen;
    int scroll, focus;
    int width, height, scale, theme;
    MsgLang lang;           /* interface language */
    MsgLang base_lang;      /* the chosen one (a module's language wins while it is open) */
    Store *store;
    int store_code;         /* why the store could not open (SCR_STORE), 0 */
    int nosave;             /* the learner chose to go on without saving */
    int in_use_mod;         /* SCR_IN_USE: the module, and its attempt in use */
    int64_t in_use_attempt;
    StoreLearner *learners; /* every profile, most recently active first */
    size_t nlearners;
    char (*last_active)[32];    /* per learner: ISO date of the last attempt update, or "" */
    int64_t pin_for;        /* profile whose PIN is being typed */
    int guest;              /* "continue without a profile" chosen: nothing is saved */
    char learner_name[STORE_NAME_MAX];  /* who is logged in, "" when nobody */
    Buf session_note;       /* said on the profile screen after a time-out, until a login */
    int role, setting;      /* learner context in the current module, -1 = all */
    Buf field[UI_NFIELDS];  /* the form fields' text (UI_FIELD_*) */
    Reflection fields[UI_NFIELDS];
    int want_field;         /* the field a screen focuses when built, or -1 */
    UiContext roles[UI_MAX_CONTEXTS], settings[UI_MAX_CONTEXTS];  /* every module's */
    int nroles, nsettings;
    int new_role, new_setting;  /* new profile: chosen among those, -1 = none */
    UiEntry *entries;       /* the library: one per module */
    int nentries;
    const Question *reveal; /* just answered: its verdict is scrolled into view */
    int generated;          /* the blocks shown are a screen of ours, not a package page */
    int text_target;        /* focused text box: target index, or -1 */
    long long zoom_pos;     /* scroll position in 1/1000 of the page across a zoom, or -1 */
    Buf title, where, hint, notice;
    Buf speech;
    int speech_ready, speech_stop;
    LayoutHooks hooks;
    UiView view;
    int trace_fd;           /* --trace: O_APPEND file, or -1 */
    unsigned long results_recorded; /* commits that may add xAPI statements */
    long sync_pending;      /* ui_set_sync_status(): -1 nothing to say, 0 sent, n waiting */
};

/* A word of the interface language. */
static inline const char *W(const Ui *ui, MsgId id)
{
    return msg_get(ui->lang, id);
}

/* ---- ui.c: switching screens ------------------------------------------------ */

Module *ui_module(Ui *ui);                  /* the module shown, or NULL */
void ui_go(Ui *ui, Screen s);               /* shows s from its top */
void ui_build(Ui *ui);                      /* rebuilds the current screen's blocks */
int ui_follow(Ui *ui, const char *href);    /* a link: 1 when the screen changed */
void ui_notice(Ui *ui, const char *fmt, const char *arg);  /* the line over the bottom bar */
/* Says, in words, that the store refused a write (rc: its StoreCode) and
 * logs the technical detail: an answer (ui_answer_failed) or another
 * change (a profile, a page seen, the progress). */
void ui_store_failed(Ui *ui, int rc);
void ui_answer_failed(Ui *ui, int rc);
/* Logs the learner in (0) or says why not (the PIN screen's message). */
int ui_login(Ui *ui, int64_t learner, const char *pin);
/* After a login (or "without a profile"): the library, or the one module. */
int ui_after_login(Ui *ui);
/* The label of a role or setting id in the interface language, or the id. */
const char *ui_context_label(const Ui *ui, int setting, const char *id);

/* ---- screen.c: a screen as blocks --------------------------------------------- */

/* Appends blocks to a scratch course (ui->scratch) at *tail. */
typedef struct Gen {
    Ui *ui;
    Course *c;
    Block **tail;
} Gen;

Block *screen_block(Gen *g, BlockKind kind);
void screen_heading(Gen *g, int level, const char *text);
Inline *screen_inline(Gen *g, unsigned style, const char *text, const char *href);
/* A paragraph: a link (when href) then plain text after it. */
void screen_para(Gen *g, const char *link, const char *href, const char *after,
                 unsigned after_style);
/* Form field i (UI_FIELD_*) of ui->field, under label. */
void screen_field(Gen *g, int i, const char *label);
/* A button (primary: the screen's main action) or a card: a paragraph the
 * layout's control hook draws as such (ui.c, hook_control). */
void screen_button(Gen *g, const char *label, const char *href);
void screen_card(Gen *g, const char *title, const char *href, const char *detail);
/* s folded for searching and sorting: lowercase, the accented Latin letters
 * of French names on their base letter ("Hélène" > "helene"); at most n-1
 * bytes into out. */
void screen_fold(const char *s, char *out, size_t n);
/* A boxed note (a callout) with one paragraph. */
void screen_note(Gen *g, const char *text, int warning);

/* ---- attempt.c: the learner's attempt in the store ------------------------------ */

/* Starts or resumes it, restoring answers. Returns 0 (also when there is no
 * store), STORE_IN_USE when another player has it open (the module is then
 * left closed: ui->in_use_attempt holds the attempt), another code on
 * failure (said already). take_over: make it this player's even so. */
int attempt_begin(Ui *ui, Module *m, int take_over);
/* The learner leaves the module (library, profiles, quit): a cmi5 module's
 * session ends (its "terminated"); the next attempt_begin opens another. */
void attempt_leave(Ui *ui, Module *m);
/* Location (page name, or NULL: unchanged), progress, score, status and this
 * session's time, committed. */
void attempt_save_progress(Ui *ui, Module *m, const char *location);
/* Each returns 0 when the answer is saved (or when nothing is saved, the
 * learner having chosen so), else a StoreCode after saying so: the screen
 * must then not move on as if it had been saved. */
int attempt_record_question(Ui *ui, Module *m, const QState *s);
int attempt_record_scenario(Ui *ui, Module *m, SState *s);  /* its path so far ends it */
int attempt_record_reflection(Ui *ui, Module *m, RState *s);
/* Before the learner leaves (switch, time-out, quit): reflections typed but
 * not saved are saved, and the session's time and place. */
void attempt_save_all(Ui *ui, Module *m);
/* Closes the attempt (kept in the store) and starts a new one. 0 or -1. */
int attempt_new(Ui *ui, Module *m);

/* ---- the screens ------------------------------------------------------------------ */

/* screen_library.c: the modules of a folder. scan lists path (a zip, an
 * unzipped package or a folder of zips) into ui->mods; 0, or -1 with err. */
int screen_library_scan(Ui *ui, const char *path, Buf *err);
void screen_library_build(Gen *g);
int screen_library_follow(Ui *ui, const char *href);   /* -1: not its link */

/* screen_profiles.c: who is here (profiles, a new profile, a PIN). */
void screen_profiles_build(Gen *g);
void screen_profiles_build_new(Gen *g);
void screen_profiles_build_pin(Gen *g);
int screen_profiles_follow(Ui *ui, const char *href);  /* -1: not its link */

/* screen_module.c: a module's pages, its context page, its questions. */
int screen_module_open(Ui *ui, int i);      /* opens module i at the page left */
int screen_module_take_over(Ui *ui, int i); /* the same, taking it from another player */
/* The pages this learner sees (role, setting): how many, and the place of
 * page among them (1-based; 0 when page is hidden). */
int screen_module_count(Ui *ui, Module *m, int page, int *place);
int screen_module_go_page(Ui *ui, int i);
int screen_module_step(Ui *ui, int dir);    /* previous (-1) / next (1) page shown */
void screen_module_mark_seen(Ui *ui);
void screen_module_where(Ui *ui);           /* ui->where: "Page 2 sur 7" */
void screen_module_build_context(Gen *g);
/* A choice, submit, scenario step, restart or save target activated. */
int screen_module_activate(Ui *ui, const LayoutTarget *x, int t);
int screen_module_follow(Ui *ui, const char *href);    /* -1: not its link */

/* screen_store.c: what the player says when the store fails it. open
 * opens ui->o.data_dir's store: on failure it shows SCR_STORE (the reason in
 * words, "try again", "continue without saving") and returns 0; 1 when the
 * store is open. */
int screen_store_open(Ui *ui);
void screen_store_build(Gen *g);
void screen_store_build_in_use(Gen *g);
int screen_store_follow(Ui *ui, const char *href);     /* -1: not its link */

void screen_contents_build(Gen *g);         /* screen_contents.c */
void screen_summary_build(Gen *g);          /* screen_summary.c */

#endif
