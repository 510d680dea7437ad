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
} Screen;

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
    StoreLearner *learners;
    size_t nlearners;
    int64_t pin_for;        /* profile whose PIN is being typed */
    int role, setting;      /* learner context in the current module, -1 = all */
    Buf field[3];           /* new profile: name, staff id, PIN; PIN screen: [2] */
    const Module *ctx_mod;  /* new profile: the module whose roles and settings are offered */
    int new_role, new_setting;  /* chosen there, -1 = none */
    Reflection fields[3];
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
void ui_store_failed(Ui *ui);               /* says the store refused a write */

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
/* Form field i (0 name, 1 staff id, 2 PIN) of ui->field, under label. */
void screen_field(Gen *g, int i, const char *label);

/* ---- attempt.c: the learner's attempt in the store ------------------------------ */

void attempt_begin(Ui *ui, Module *m);      /* starts or resumes it, restoring answers */
/* The learner leaves the module (library, profiles, quit): a cmi5 module's
 * session ends (its "terminated"); the next attempt_begin opens another. */
void attempt_leave(Ui *ui, Module *m);
/* Location (page name, or NULL: unchanged), progress, score, status and this
 * session's time, committed. */
void attempt_save_progress(Ui *ui, Module *m, const char *location);
int attempt_record_question(Ui *ui, Module *m, const QState *s);   /* 0 saved */
void attempt_record_scenario(Ui *ui, Module *m, SState *s, EndResult end);
void attempt_record_reflection(Ui *ui, Module *m, RState *s);

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
int screen_module_go_page(Ui *ui, int i);
int screen_module_step(Ui *ui, int dir);    /* previous (-1) / next (1) page shown */
void screen_module_mark_seen(Ui *ui);
void screen_module_where(Ui *ui);           /* ui->where: "Page 2 sur 7" */
void screen_module_build_context(Gen *g);
/* A choice, submit, scenario step, restart or save target activated. */
int screen_module_activate(Ui *ui, const LayoutTarget *x, int t);
int screen_module_follow(Ui *ui, const char *href);    /* -1: not its link */

void screen_contents_build(Gen *g);         /* screen_contents.c */
void screen_summary_build(Gen *g);          /* screen_summary.c */

#endif
