/* ui: the dispatcher between the event loop and the screens. Every screen,
 * ours or a package's page, is a list of course.h blocks laid out by
 * layout.c; the generated ones (library, profiles, contents, summary, the
 * context page) are built by their screen_*.c into a scratch course, with
 * "ui:" links as their buttons, so focus, keyboard use, zoom and contrast
 * work the same everywhere. Here: switching screens, scrolling, focus,
 * text input, zoom, contrast, language, reading aloud, and the bars. */
#include "ui.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "screen.h"
#include "shuffle.h"
#include "theme.h"
#include "os.h"

/* ---- layout hooks: the learner's state, asked while laying out ----------------- */

static int hook_question(void *ud, const Question *q, unsigned *selected)
{
    Ui *ui = ud;
    Module *m = ui_module(ui);
    QState *s = m ? module_qstate(m, q) : NULL;
    *selected = s ? s->sel : 0;
    return s ? s->answered : 0;
}

static int hook_scenario(void *ud, const Scenario *sc, const StepChoice **path, int max)
{
    Ui *ui = ud;
    Module *m = ui_module(ui);
    SState *s = m ? module_sstate(m, sc) : NULL;
    int n = 0;
    for (; s && n < s->n && n < max; n++)
        path[n] = s->path[n];
    return n;
}

/* The attempt's choice order (shuffle.h); none without an attempt */
static int hook_order(void *ud, const Question *q, const Scenario *sc, const Step *st,
                      int *order, int n)
{
    Ui *ui = ud;
    Module *m = ui_module(ui);
    if (!m || !m->order_seed)
        return 0;
    int got = q ? shuffle_question(m->order_seed, q, order)
                : shuffle_step(m->order_seed, sc, st, order);
    return got == n;
}

static const char *hook_reflection(void *ud, const Reflection *r, int *saved)
{
    Ui *ui = ud;
    for (int i = 0; i < UI_NFIELDS; i++)
        if (r == &ui->fields[i]) {
            *saved = 0;
            if (i == UI_FIELD_PIN && ui->field[i].len) {
                static const char dots[] = "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2";
                size_t n = ui->field[i].len > 4 ? 4 : ui->field[i].len;
                return dots + (4 - n) * 3;
            }
            return ui->field[i].data;
        }
    Module *m = ui_module(ui);
    RState *s = m ? module_rstate(m, r) : NULL;
    *saved = s ? s->saved : 0;
    return s ? s->text.data : "";
}

static const char *hook_word(void *ud, const char *key)
{
    Ui *ui = ud;
    Module *m = ui_module(ui);
    const char *w = m && m->ours ? page_doc_text(&m->doc, key, NULL) : NULL;
    if (w)
        return w;
    for (int i = 0; i < MSG_COUNT; i++)
        if ((msg_runtime_key((MsgId)i) && strcmp(msg_runtime_key((MsgId)i), key) == 0)
            || strcmp(msg_key((MsgId)i), key) == 0)     /* "player.notice-video"... */
            return W(ui, (MsgId)i);
    return NULL;
}

/* hook_reflection compares addresses with ui->fields: the layout passes the
 * block's own Reflection, so map it back by prompt */
static const char *hook_reflection_any(void *ud, const Reflection *r, int *saved)
{
    Ui *ui = ud;
    for (int i = 0; i < UI_NFIELDS; i++)
        if (r->max_chars < 0 && r->prompt == ui->fields[i].prompt)
            return hook_reflection(ud, &ui->fields[i], saved);
    return hook_reflection(ud, r, saved);
}

/* How the ui's own links look: the screens' actions are buttons, the things
 * one picks (a module, a profile, a role) cards. Only on generated screens:
 * a package's page keeps its links as it wrote them. */
static int hook_control(void *ud, const char *href, LayoutControl *out)
{
    Ui *ui = ud;
    long long n = -1;
    if (!ui->generated || strncmp(href, "ui:", 3) != 0)
        return 0;
    static const char *const primary[] = {
        "ui:create-profile", "ui:login", "ui:next", "ui:new-attempt",
    };
    static const char *const quiet[] = {
        "ui:new-profile", "ui:guest", "ui:toc", "ui:library", "ui:back",
    };
    for (size_t i = 0; i < sizeof primary / sizeof primary[0]; i++)
        if (strcmp(href, primary[i]) == 0) {
            out->kind = CONTROL_BUTTON;
            return 1;
        }
    for (size_t i = 0; i < sizeof quiet / sizeof quiet[0]; i++)
        if (strcmp(href, quiet[i]) == 0) {
            out->kind = CONTROL_BUTTON_QUIET;
            return 1;
        }
    out->kind = CONTROL_CARD;
    out->progress = -1;
    if (sscanf(href, "ui:open:%lld", &n) == 1) {
        for (int i = 0; i < ui->nentries; i++)
            if (ui->entries[i].pick == n)
                out->progress = ui->entries[i].progress;
    } else if (sscanf(href, "ui:new-role:%lld", &n) == 1) {
        out->option = 1;
        out->selected = ui->new_role == n;
    } else if (sscanf(href, "ui:new-setting:%lld", &n) == 1) {
        out->option = 1;
        out->selected = ui->new_setting == n;
    } else if (sscanf(href, "ui:role:%lld", &n) == 1) {
        out->option = 1;
        out->selected = ui->role == n;
    } else if (sscanf(href, "ui:setting:%lld", &n) == 1) {
        out->option = 1;
        out->selected = ui->setting == n;
    } else if (strcmp(href, "ui:context-all") == 0) {
        out->option = 1;
        out->selected = ui->role < 0 && ui->setting < 0;
    } else if (strncmp(href, "ui:profile:", 11) != 0) {
        out->kind = CONTROL_NONE;      /* the contents' page links stay links */
    }
    return 1;
}

/* ---- switching screens -------------------------------------------------------- */

Module *ui_module(Ui *ui)
{
    return ui->cur >= 0 && ui->cur < ui->nmods ? &ui->mods[ui->cur] : NULL;
}

void ui_notice(Ui *ui, const char *fmt, const char *arg)
{
    buf_clear(&ui->notice);
    buf_printf(&ui->notice, fmt, arg);
}

/* Why a write was refused, in words the learner can act on. */
static MsgId cause(int rc)
{
    switch (rc) {
    case STORE_BUSY:
        return MSG_PLAYER_CAUSE_BUSY;
    case STORE_FULL:
        return MSG_PLAYER_CAUSE_FULL;
    case STORE_READ_ONLY:
        return MSG_PLAYER_CAUSE_READ_ONLY;
    case STORE_TAKEN_OVER:
        return MSG_PLAYER_CAUSE_TAKEN_OVER;
    default:
        return MSG_PLAYER_CAUSE_OTHER;
    }
}

static void refused(Ui *ui, int rc, MsgId what)
{
    log_msg("the learner store refused a write (%s): %s", store_code_name(rc),
            ui->store ? store_errmsg(ui->store) : "no store");
    buf_clear(&ui->notice);
    buf_printf(&ui->notice, W(ui, what), W(ui, cause(rc)));
}

void ui_store_failed(Ui *ui, int rc)
{
    refused(ui, rc, MSG_PLAYER_CHANGE_NOT_SAVED);
}

void ui_answer_failed(Ui *ui, int rc)
{
    refused(ui, rc, MSG_PLAYER_ANSWER_NOT_SAVED);
}

static void relayout(Ui *ui);

/* Builds the blocks of the current screen (a fresh scratch course). */
void ui_build(Ui *ui)
{
    course_free(ui->scratch);
    ui->scratch = course_new();
    ui->blocks = NULL;
    ui->gen++;
    ui->focus = -1;
    ui->text_target = -1;
    ui->want_field = -1;
    ui->generated = 1;
    /* the last screen's fields died with its scratch course: their addresses
     * may come back for other blocks */
    memset(ui->fields, 0, sizeof ui->fields);
    if (!ui->scratch)
        return;
    Block *list = NULL;
    Gen g = { ui, ui->scratch, &list };
    Module *m = ui_module(ui);
    buf_clear(&ui->title);
    buf_puts(&ui->title, m && ui->screen >= SCR_TOC ? m->title : "wardplayer");
    switch (ui->screen) {
    case SCR_LIBRARY:
        screen_library_build(&g);
        break;
    case SCR_PROFILES:
        screen_profiles_build(&g);
        break;
    case SCR_NEW_PROFILE:
        screen_profiles_build_new(&g);
        break;
    case SCR_PIN:
        screen_profiles_build_pin(&g);
        break;
    case SCR_STORE:
        screen_store_build(&g);
        break;
    case SCR_IN_USE:
        screen_store_build_in_use(&g);
        break;
    case SCR_TOC:
        screen_contents_build(&g);
        break;
    case SCR_PAGE: {
        const Page *p = module_page(m, ui->page);
        if (p && p->name && strcmp(p->name, "_context") == 0)
            screen_module_build_context(&g);
        else if (p && p->name && strcmp(p->name, "_summary") == 0)
            screen_summary_build(&g);
        else if (p) {
            ui->blocks = p->blocks;
            ui->generated = 0;
            screen_module_where(ui);
            return;
        }
        break;
    }
    }
    screen_module_where(ui);
    ui->blocks = list;
    /* form fields: the layout hook recognises them by address */
    for (Block *b = list; b; b = b->next)
        if (b->kind == BLOCK_REFLECTION)
            for (int i = 0; i < UI_NFIELDS; i++)
                if (b->u.reflection.max_chars == ui->fields[i].max_chars &&
                    b->u.reflection.prompt == ui->fields[i].prompt)
                    ui->fields[i] = b->u.reflection;
    /* a form screen opens with its field ready for typing */
    if (ui->want_field >= 0) {
        relayout(ui);
        size_t n;
        const LayoutTarget *t = layout_targets(ui->L, &n);
        for (size_t i = 0; i < n; i++)
            if (t[i].kind == TARGET_TEXT &&
                t[i].reflection->prompt == ui->fields[ui->want_field].prompt) {
                ui->focus = ui->text_target = (int)i;
                break;
            }
    }
}

void ui_go(Ui *ui, Screen s)
{
    if (s == SCR_LIBRARY || s == SCR_PROFILES) {
        ui->lang = ui->base_lang;
        attempt_leave(ui, ui_module(ui));   /* out of the module */
    }
    ui->screen = s;
    ui->scroll = 0;
    ui->speech_stop = 1;    /* what was being read aloud has left the screen */
    ui_build(ui);
    screen_module_mark_seen(ui);
}

/* Each screen answers its own links; the module's come last (they take any
 * link a page holds). */
int ui_follow(Ui *ui, const char *href)
{
    int rc = screen_library_follow(ui, href);
    if (rc < 0)
        rc = screen_store_follow(ui, href);
    if (rc < 0)
        rc = screen_profiles_follow(ui, href);
    if (rc < 0)
        rc = screen_module_follow(ui, href);
    return rc > 0;
}

static int activate(Ui *ui, int t)
{
    size_t n;
    const LayoutTarget *tg = layout_targets(ui->L, &n);
    if (t < 0 || (size_t)t >= n)
        return 0;
    const LayoutTarget *x = &tg[t];
    buf_clear(&ui->notice);
    switch (x->kind) {
    case TARGET_LINK:
        if (!x->href)
            return 0;
        if (!ui->generated && strncmp(x->href, "ui:", 3) == 0)
            return 0;       /* a package cannot drive the player's own screens */
        return ui_follow(ui, x->href);
    case TARGET_TEXT:
        ui->focus = t;
        ui->text_target = t;
        return 1;
    default:
        return screen_module_activate(ui, x, t);
    }
}

/* ---- who is here --------------------------------------------------------------------- */

/* Every role and setting the modules offer, by id, in the order met, with
 * the label of the interface language when a module has it. */
static void add_context(UiContext *list, int *n, const ContextItem *it, int li)
{
    for (int k = 0; k < *n; k++)
        if (strcmp(list[k].id, it->id) == 0) {
            if (li >= 0 && it->label[li])
                list[k].label = it->label[li];
            return;
        }
    if (*n >= UI_MAX_CONTEXTS)
        return;
    list[*n].id = it->id;
    list[*n].label = li >= 0 && it->label[li] ? it->label[li] : NULL;
    if (!list[*n].label)
        for (int l = 0; l < COURSE_MAX_LANGS && !list[*n].label; l++)
            list[*n].label = it->label[l];
    if (!list[*n].label)
        list[*n].label = it->id;
    (*n)++;
}

static void collect_contexts(Ui *ui)
{
    ui->nroles = ui->nsettings = 0;
    for (int pass = 0; pass < 2; pass++)    /* the interface language's packages first */
        for (int i = 0; i < ui->nmods; i++) {
            Module *m = &ui->mods[i];
            if (module_open(m) != 0 || !m->course)
                continue;
            int mine = m->lang && strcmp(m->lang, msg_lang_code(ui->base_lang)) == 0;
            if (mine != (pass == 0))
                continue;
            const Course *c = m->course;
            int li = m->doc.lang ? (int)(m->doc.lang - c->langs) : -1;
            for (int k = 0; k < c->nroles; k++)
                add_context(ui->roles, &ui->nroles, &c->roles[k], mine ? li : -1);
            for (int k = 0; k < c->nsettings; k++)
                add_context(ui->settings, &ui->nsettings, &c->settings[k], mine ? li : -1);
        }
}

const char *ui_context_label(const Ui *ui, int setting, const char *id)
{
    const UiContext *list = setting ? ui->settings : ui->roles;
    int n = setting ? ui->nsettings : ui->nroles;
    for (int i = 0; i < n; i++)
        if (strcmp(list[i].id, id) == 0)
            return list[i].label;
    return id;
}

int ui_login(Ui *ui, int64_t learner, const char *pin)
{
    int rc = store_login(ui->store, learner, pin);
    if (rc != 0)
        return rc;
    StoreLearner l;
    if (store_learner_get(ui->store, learner, &l) == 0)
        snprintf(ui->learner_name, sizeof ui->learner_name, "%s", l.name);
    ui->guest = 0;
    buf_clear(&ui->session_note);
    return 0;
}

int ui_after_login(Ui *ui)
{
    for (int i = 0; i < UI_NFIELDS; i++)
        buf_clear(&ui->field[i]);
    if (ui->nmods == 1)
        return screen_module_open(ui, 0);
    ui_go(ui, SCR_LIBRARY);
    return 1;
}

int ui_session_active(const Ui *ui)
{
    return ui->store && (ui->guest || store_current_learner(ui->store));
}

void ui_save(Ui *ui)
{
    Module *m = ui_module(ui);
    if (m && ui->store && store_current_learner(ui->store))
        attempt_save_all(ui, m);
}

int ui_end_session(Ui *ui, UiEnd why)
{
    if (!ui->store)
        return 0;
    ui_save(ui);
    buf_clear(&ui->session_note);
    if (why == UI_END_IDLE) {
        int min = (int)((ui->o.idle_timeout_ms + 59999) / 60000);
        if (ui->learner_name[0])
            buf_printf(&ui->session_note, W(ui, MSG_PLAYER_IDLE_LOGOUT), ui->learner_name, min);
        else
            buf_printf(&ui->session_note, W(ui, MSG_PLAYER_IDLE_LOGOUT_GUEST), min);
    }
    /* the next learner must see nothing of this one's */
    for (int i = 0; i < ui->nmods; i++)
        module_forget_learner(&ui->mods[i]);
    store_logout(ui->store);
    ui->guest = 0;
    ui->learner_name[0] = '\0';
    ui->cur = -1;
    ui->role = ui->setting = -1;
    for (int i = 0; i < UI_NFIELDS; i++)
        buf_clear(&ui->field[i]);
    buf_clear(&ui->notice);
    ui_go(ui, SCR_PROFILES);
    return 1;
}

/* ---- public ------------------------------------------------------------------------- */

Ui *ui_new(const UiOptions *o, const LayoutMeasure *m, Buf *err)
{
    Ui *ui = calloc(1, sizeof(*ui));
    if (!ui) {
        buf_puts(err, "out of memory");
        return NULL;
    }
    ui->o = *o;
    ui->m = m;
    ui->cur = -1;
    ui->trace_fd = -1;
    ui->sync_pending = -1;
    if (o->trace) {
        ui->trace_fd = os_open(o->trace, OS_O_WRONLY | OS_O_CREAT | OS_O_APPEND, 0600);
        if (ui->trace_fd < 0) {
            buf_printf(err, "%s: %s", o->trace, strerror(errno));
            goto fail;
        }
    }
    ui->width = o->width > 0 ? o->width : 1280;
    ui->height = o->height > 0 ? o->height : 800;
    ui->scale = o->scale >= 100 && o->scale <= 200 ? o->scale : 100;
    ui->theme = o->high_contrast ? THEME_HIGH_CONTRAST : THEME_NORMAL;
    ui->focus = ui->text_target = -1;
    ui->role = ui->setting = -1;
    ui->zoom_pos = -1;
    ui->new_role = ui->new_setting = -1;
    const char *lang = o->lang ? o->lang : os_ui_language();
    ui->lang = ui->base_lang = msg_lang(lang, MSG_LANG_FR);
    buf_init(&ui->title);
    buf_init(&ui->where);
    buf_init(&ui->hint);
    buf_init(&ui->notice);
    buf_init(&ui->speech);
    buf_init(&ui->session_note);
    for (int i = 0; i < UI_NFIELDS; i++)
        buf_init(&ui->field[i]);
    ui->want_field = -1;
    ui->hooks = (LayoutHooks){ .question = hook_question, .scenario = hook_scenario,
                               .reflection = hook_reflection_any, .word = hook_word,
                               .control = hook_control, .order = hook_order, .ud = ui };
    ui->L = layout_new();
    if (!ui->L) {
        buf_puts(err, "out of memory");
        goto fail;
    }
    if (screen_library_scan(ui, o->path, err) < 0)
        goto fail;
    collect_contexts(ui);
    ui->in_use_mod = -1;
    /* a store that cannot be written stops here, on a screen that says so
     * (screen_store.c) */
    if (o->data_dir && !screen_store_open(ui))
        return ui;
    if (ui->store)
        ui_go(ui, SCR_PROFILES);
    else if (ui->nmods == 1 && screen_module_open(ui, 0) && ui->cur >= 0)
        ;
    else    /* a library, or the one package could not be opened: say so there */
        ui_go(ui, SCR_LIBRARY);
    return ui;
fail:
    ui_free(ui);
    return NULL;
}

void ui_free(Ui *ui)
{
    if (!ui)
        return;
    for (int i = 0; i < ui->nmods; i++) {
        attempt_leave(ui, &ui->mods[i]);    /* quitting ends a cmi5 session */
        module_release(&ui->mods[i]);
    }
    free(ui->mods);
    free(ui->entries);
    free(ui->learners);
    free(ui->last_active);
    layout_free(ui->L);
    course_free(ui->scratch);
    store_close(ui->store);
    if (ui->trace_fd >= 0)
        close(ui->trace_fd);
    buf_release(&ui->title);
    buf_release(&ui->where);
    buf_release(&ui->hint);
    buf_release(&ui->notice);
    buf_release(&ui->speech);
    buf_release(&ui->session_note);
    for (int i = 0; i < UI_NFIELDS; i++)
        buf_release(&ui->field[i]);
    free(ui);
}

static int bar_height(const Ui *ui)
{
    return ui->m->line_height(ui->m->ud, FONT_ID(FACE_BOLD, SIZE_SMALL)) + 16;
}

static void relayout(Ui *ui)
{
    LayoutParams p = { ui->width, ui->scale, ui->role, ui->setting, ui->gen };
    layout_blocks(ui->L, ui->blocks, &p, ui->m, &ui->hooks);
}

static int content_h(const Ui *ui)
{
    int h = ui->height - 2 * bar_height(ui);
    return h > 1 ? h : 1;
}

static int clamp_scroll(Ui *ui)
{
    relayout(ui);
    int max = layout_height(ui->L) - content_h(ui);
    if (ui->scroll > max)
        ui->scroll = max;
    if (ui->scroll < 0)
        ui->scroll = 0;
    return ui->scroll;
}

static int scroll_by(Ui *ui, int dy)
{
    int old = ui->scroll;
    ui->scroll += dy;
    return clamp_scroll(ui) != old;
}

/* Scrolls so that the focused target is in view. */
static void show_focus(Ui *ui)
{
    size_t n;
    const LayoutTarget *t = layout_targets(ui->L, &n);
    if (ui->focus < 0 || (size_t)ui->focus >= n)
        return;
    LayoutRect r = t[ui->focus].r;
    int ch = content_h(ui);
    if (r.y < ui->scroll)
        ui->scroll = r.y - 16;
    else if (r.y + r.h > ui->scroll + ch)
        ui->scroll = r.y + r.h - ch + 16;
    clamp_scroll(ui);
}

/* After « Valider »: the verdict (and as much of the explanation as fits)
 * comes into view, whatever the scroll was. */
static void reveal_verdict(Ui *ui)
{
    if (!ui->reveal)
        return;
    relayout(ui);
    LayoutRect r;
    if (layout_verdict(ui->L, ui->reveal, &r) == 0) {
        int ch = content_h(ui), em = layout_font_px(SIZE_BODY, ui->scale);
        if (r.y + r.h + em > ui->scroll + ch)
            ui->scroll = r.y + r.h + em - ch;
        if (r.y - em < ui->scroll)
            ui->scroll = r.y - em;      /* a long explanation: its start first */
        clamp_scroll(ui);
    }
    ui->reveal = NULL;
}

/* Read aloud, a drawn marker says only what the text does not: a choice
 * taken, the right and the wrong answer. Bullets and empty boxes are silent. */
static const char *marker_word(const Ui *ui, const char *glyph, size_t len)
{
    static const struct { const char *glyph; MsgId said; } words[] = {
        { "\xe2\x97\x89", MSG_PLAYER_SAY_SELECTED },   /* ◉ */
        { "\xe2\x98\x91", MSG_PLAYER_SAY_CHECKED },    /* ☑ */
        { "\xe2\x9c\x93", MSG_PLAYER_SAY_RIGHT },      /* ✓ */
        { "\xe2\x9c\x97", MSG_PLAYER_SAY_WRONG },      /* ✗ */
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (len == strlen(words[i].glyph) && memcmp(glyph, words[i].glyph, len) == 0)
            return W(ui, words[i].said);
    return NULL;
}

/* Enter in a form field does what the screen's main button does; in the
 * search, it opens the first profile found. In a reflection it does nothing
 * (its Save button saves). */
static int submit_field(Ui *ui)
{
    switch (ui->screen) {
    case SCR_PIN:
        return ui_follow(ui, "ui:login");
    case SCR_NEW_PROFILE:
        return ui_follow(ui, "ui:create-profile");
    case SCR_PROFILES: {
        size_t n;
        const LayoutTarget *t = layout_targets(ui->L, &n);
        for (size_t i = 0; i < n; i++)
            if (t[i].kind == TARGET_LINK && t[i].href &&
                strncmp(t[i].href, "ui:profile:", 11) == 0)
                return ui_follow(ui, t[i].href);
        return 0;
    }
    default:
        return 0;
    }
}

int ui_key(Ui *ui, UiKey key)
{
    relayout(ui);
    int em = layout_font_px(SIZE_BODY, ui->scale);
    size_t ntargets;
    layout_targets(ui->L, &ntargets);
    switch (key) {
    case UI_KEY_UP:
        return scroll_by(ui, -3 * em);
    case UI_KEY_DOWN:
        return scroll_by(ui, 3 * em);
    case UI_KEY_PAGE_UP:
        return scroll_by(ui, -(content_h(ui) - 3 * em));
    case UI_KEY_PAGE_DOWN:
        return scroll_by(ui, content_h(ui) - 3 * em);
    case UI_KEY_HOME:
        return scroll_by(ui, -layout_height(ui->L));
    case UI_KEY_END:
        return scroll_by(ui, layout_height(ui->L));
    case UI_KEY_PREV:
        if (ui->text_target >= 0)
            return 0;
        return screen_module_step(ui, -1);
    case UI_KEY_NEXT:
        if (ui->text_target >= 0)
            return 0;
        return screen_module_step(ui, 1);
    case UI_KEY_TAB:
    case UI_KEY_BACKTAB:
        if (ntargets == 0)
            return 0;
        if (key == UI_KEY_TAB)
            ui->focus = ui->focus < 0 ? 0 : (ui->focus + 1) % (int)ntargets;
        else
            ui->focus = ui->focus <= 0 ? (int)ntargets - 1 : ui->focus - 1;
        ui->text_target = layout_targets(ui->L, &ntargets)[ui->focus].kind == TARGET_TEXT
                              ? ui->focus : -1;
        show_focus(ui);
        return 1;
    case UI_KEY_ACTIVATE:
        if (ui->text_target >= 0 && ui->text_target == ui->focus)
            return submit_field(ui);
        if (ui->focus < 0)
            return scroll_by(ui, content_h(ui) - 3 * em);
        return activate(ui, ui->focus);
    case UI_KEY_BACKSPACE: {
        Buf *b = NULL;
        size_t n;
        const LayoutTarget *t = layout_targets(ui->L, &n);
        if (ui->text_target < 0 || (size_t)ui->text_target >= n)
            return 0;
        const Reflection *r = t[ui->text_target].reflection;
        int field = -1;
        for (int i = 0; i < UI_NFIELDS; i++)
            if (r->max_chars < 0 && r->prompt == ui->fields[i].prompt)
                b = &ui->field[field = i];
        Module *m = ui_module(ui);
        RState *s = !b && m ? module_rstate(m, r) : NULL;
        if (s)
            b = &s->text;
        if (!b || b->len == 0)
            return 0;
        size_t len = b->len - 1;
        while (len > 0 && ((unsigned char)b->data[len] & 0xC0) == 0x80)
            len--;
        b->len = len;
        b->data[len] = 0;
        if (s)
            s->saved = 0;
        ui->gen++;
        if (field == UI_FIELD_SEARCH)
            ui_build(ui);           /* the list follows the search */
        return 1;
    }
    case UI_KEY_BACK:
        if (ui->text_target >= 0) {
            ui->text_target = -1;
            return 1;
        }
        if (ui->screen == SCR_PAGE) {
            ui_go(ui, SCR_TOC);
            return 1;
        }
        if (ui->screen == SCR_TOC) {
            ui_go(ui, SCR_PAGE);       /* back to the page the contents were opened from */
            return 1;
        }
        if (ui->screen == SCR_NEW_PROFILE || ui->screen == SCR_PIN) {
            ui_go(ui, SCR_PROFILES);
            return 1;
        }
        if (ui->screen == SCR_PROFILES && ui->field[UI_FIELD_SEARCH].len) {
            buf_clear(&ui->field[UI_FIELD_SEARCH]);
            ui_build(ui);
            return 1;
        }
        return 0;
    case UI_KEY_ZOOM_IN:
    case UI_KEY_ZOOM_OUT:
    case UI_KEY_ZOOM_RESET: {
        int s = key == UI_KEY_ZOOM_RESET ? 100 : ui->scale + (key == UI_KEY_ZOOM_IN ? 25 : -25);
        if (s < 100)
            s = 100;
        if (s > 200)
            s = 200;
        if (s == ui->scale)
            return 0;
        /* keep the same place in the text: scroll in proportion */
        long long h = layout_height(ui->L);
        long long pos = h > 0 ? (long long)ui->scroll * 1000 / h : 0;
        ui->scale = s;
        ui->zoom_pos = pos;     /* remembered until the fonts follow */
        return 1;
    }
    case UI_KEY_CONTRAST:
        ui->theme = ui->theme == THEME_NORMAL ? THEME_HIGH_CONTRAST : THEME_NORMAL;
        return 1;
    case UI_KEY_TOC:
        if (!ui_module(ui))
            return 0;
        ui_go(ui, ui->screen == SCR_TOC ? SCR_PAGE : SCR_TOC);
        return 1;
    case UI_KEY_LIBRARY:
        /* nobody is logged in: the library would save nothing, and say
         * nothing; only "continue without a profile" opens it */
        if (ui->store && !ui_session_active(ui))
            return 0;
        ui_save(ui);
        ui_go(ui, SCR_LIBRARY);
        return 1;
    case UI_KEY_SWITCH_USER:
        if (!ui->store || ui->screen == SCR_PROFILES)
            return 0;
        return ui_end_session(ui, UI_END_SWITCH);
    case UI_KEY_LANGUAGE:
        ui->lang = ui->base_lang = ui->lang == MSG_LANG_FR ? MSG_LANG_EN : MSG_LANG_FR;
        ui_build(ui);
        return 1;
    case UI_KEY_READ_ALOUD: {
        /* the app stops a reading in progress itself; here: what to read */
        buf_clear(&ui->speech);
        size_t n;
        const DrawItem *it = layout_items(ui->L, &n);
        int last_y = -1;
        for (size_t i = 0; i < n; i++) {
            /* an image is read as its alternative text, where it stands (an
             * image without a file has its alt laid out as text already) */
            const Image *img = it[i].kind == DRAW_IMAGE ? it[i].image : NULL;
            const char *alt = img && img->src && *img->src ? img->alt : NULL;
            const char *said = NULL;
            if (it[i].kind == DRAW_TEXT && (it[i].flags & DRAW_MARKER))
                said = marker_word(ui, it[i].text, it[i].len);
            else if (alt && *alt)
                said = alt;
            if ((it[i].kind != DRAW_TEXT || (it[i].flags & DRAW_MARKER)) && !said)
                continue;
            if (ui->speech.len)
                buf_puts(&ui->speech, it[i].r.y != last_y ? "\n" : " ");
            if (said)
                buf_puts(&ui->speech, said);
            else
                buf_append(&ui->speech, it[i].text, it[i].len);
            last_y = it[i].r.y;
        }
        ui->speech_ready = 1;
        return 0;
    }
    }
    return 0;
}

void ui_fonts_changed(Ui *ui)
{
    layout_invalidate(ui->L);
    relayout(ui);
    if (ui->zoom_pos >= 0)
        ui->scroll = (int)(ui->zoom_pos * layout_height(ui->L) / 1000);
    ui->zoom_pos = -1;
    clamp_scroll(ui);
}

int ui_click(Ui *ui, int x, int y)
{
    const UiView *v = ui_view(ui);
    for (int i = 0; i < v->nbuttons; i++) {
        LayoutRect r = v->buttons[i].r;
        if (x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h)
            return ui_key(ui, v->buttons[i].key);
    }
    if (y < v->content_y || y >= v->content_y + v->content_h)
        return 0;
    int t = layout_hit(ui->L, x, y - v->content_y + ui->scroll);
    if (t < 0) {
        int had = ui->focus >= 0;
        ui->focus = -1;
        ui->text_target = -1;
        return had;
    }
    ui->focus = t;
    return activate(ui, t) || 1;
}

int ui_wheel(Ui *ui, int dy)
{
    return scroll_by(ui, dy);
}

int ui_text(Ui *ui, const char *utf8)
{
    size_t n;
    const LayoutTarget *t = layout_targets(ui->L, &n);
    const Reflection *r = NULL;
    if (ui->text_target >= 0 && (size_t)ui->text_target < n)
        r = t[ui->text_target].reflection;
    Buf *b = NULL;
    size_t max = 0;
    int field = -1;
    for (int i = 0; r && i < UI_NFIELDS; i++)
        if (r->max_chars < 0 && r->prompt == ui->fields[i].prompt) {
            b = &ui->field[field = i];
            max = (size_t)-r->max_chars;
        }
    /* on the profile screen, typing anywhere searches */
    if (!r && ui->screen == SCR_PROFILES) {
        b = &ui->field[field = UI_FIELD_SEARCH];
        max = STORE_NAME_MAX - 1;
    }
    Module *m = ui_module(ui);
    RState *s = !b && r && m ? module_rstate(m, r) : NULL;
    if (s) {
        b = &s->text;
        max = (size_t)r->max_chars;
        s->saved = 0;
    }
    if (!b)
        return 0;
    size_t chars = 0;
    for (size_t i = 0; i < b->len; i++)
        chars += ((unsigned char)b->data[i] & 0xC0) != 0x80;
    size_t before = b->len;
    for (const char *p = utf8; *p; p++) {
        if (field == UI_FIELD_PIN && (*p < '0' || *p > '9'))
            continue;       /* a PIN is 4 digits: nothing else gets in */
        if (((unsigned char)*p & 0xC0) != 0x80) {
            if (chars >= max)
                break;
            chars++;
        }
        if ((unsigned char)*p < 0x20)
            continue;
        buf_putc(b, *p);
    }
    if (b->len == before)
        return 0;
    ui->gen++;
    if (field == UI_FIELD_SEARCH)
        ui_build(ui);       /* the list follows the search; the field keeps the focus */
    return 1;
}

int ui_resize(Ui *ui, int width, int height)
{
    if (width == ui->width && height == ui->height)
        return 0;
    ui->width = width > 1 ? width : 1;
    ui->height = height > 1 ? height : 1;
    clamp_scroll(ui);
    return 1;
}

int ui_scale(const Ui *ui)
{
    return ui->scale;
}

/* ---- the bars ----------------------------------------------------------------------- */

static int bar_text_w(const Ui *ui, FontId f, const char *s)
{
    return s && *s ? ui->m->measure(ui->m->ud, f, s, strlen(s)) : 0;
}

/* A bar button for label at x (or ending at x when from_right), at most max
 * wide; returns its width (0 when it was not added). */
static int bar_button(Ui *ui, UiView *v, int x, int y, int max, int from_right,
                      MsgId label, UiKey key, int primary)
{
    if (v->nbuttons >= UI_MAX_BUTTONS || max <= 0)
        return 0;
    const char *text = W(ui, label);
    int pad = layout_font_px(SIZE_SMALL, ui->scale);
    int w = bar_text_w(ui, FONT_ID(FACE_BOLD, SIZE_SMALL), text) + 2 * pad;
    if (w > max)
        w = max;
    UiButton *b = &v->buttons[v->nbuttons++];
    b->r = (LayoutRect){ from_right ? x - w : x, y, w, v->bar_h };
    b->label = text;
    b->key = key;
    b->primary = primary;
    return w;
}

/* Who is here, for the top bar: the learner, or that nothing is saved. */
static const char *bar_learner(const Ui *ui)
{
    if (ui->screen == SCR_PROFILES || ui->screen == SCR_NEW_PROFILE || ui->screen == SCR_PIN)
        return NULL;
    if (!ui->store)
        return W(ui, MSG_PLAYER_NO_STORE_BAR);
    if (store_current_learner(ui->store) && ui->learner_name[0])
        return ui->learner_name;
    return W(ui, MSG_PLAYER_GUEST_BAR);
}

/* Top: « Bibliothèque » in a module, the title, who is here, « Changer
 * d'utilisateur ». Bottom, on a page: « Précédent », the place and progress,
 * « Sommaire », « Suivant »; elsewhere the keys, when they fit. */
static void lay_bars(Ui *ui, UiView *v)
{
    int gap = layout_font_px(SIZE_SMALL, ui->scale) / 2;
    int W_ = ui->width, bh = v->bar_h, by = ui->height - bh;
    FontId bold = FONT_ID(FACE_BOLD, SIZE_SMALL), reg = FONT_ID(FACE_REGULAR, SIZE_SMALL);
    Module *m = ui_module(ui);
    int in_module = m && (ui->screen == SCR_PAGE || ui->screen == SCR_TOC);

    /* top bar */
    int left = 0, right = W_;
    if (in_module)
        left += bar_button(ui, v, 0, 0, W_ / 3, 0, MSG_PLAYER_LIBRARY, UI_KEY_LIBRARY, 0);
    v->learner = bar_learner(ui);
    if (ui->store && v->learner) {
        /* the long label while it leaves the bar room for who is here */
        int pad = layout_font_px(SIZE_SMALL, ui->scale);
        int long_w = bar_text_w(ui, bold, W(ui, MSG_PLAYER_SWITCH_USER)) + 2 * pad;
        MsgId label = long_w <= W_ / 4 ? MSG_PLAYER_SWITCH_USER : MSG_PLAYER_SWITCH_USER_SHORT;
        right -= bar_button(ui, v, W_, 0, W_ / 3, 1, label, UI_KEY_SWITCH_USER, 0);
    }
    left += gap;
    right -= gap;
    int room = right - left;
    /* who is here before the title: the name gets up to two thirds */
    int lw = bar_text_w(ui, bold, v->learner);
    if (lw > room * 2 / 3)
        lw = room * 2 / 3 > 0 ? room * 2 / 3 : 0;
    if (lw > 0) {
        v->learner_r = (LayoutRect){ right - lw, 0, lw, bh };
        right -= lw + 2 * gap;
    }
    if (right - left > 0)
        v->title_r = (LayoutRect){ left, 0, right - left, bh };

    /* bottom bar */
    left = 0;
    right = W_;
    v->progress = -1;
    if (ui->screen == SCR_PAGE && m) {
        int place = 0, count = screen_module_count(ui, m, ui->page, &place);
        int has_prev = 0, has_next = 0;
        for (int i = 0; i < m->npages; i++) {
            int p = 0;
            screen_module_count(ui, m, i, &p);
            if (p > 0 && i < ui->page)
                has_prev = 1;
            if (p > 0 && i > ui->page)
                has_next = 1;
        }
        if (has_prev)
            left += bar_button(ui, v, 0, by, W_ / 4, 0, MSG_PAGE_PREV, UI_KEY_PREV, 0);
        if (has_next)
            right -= bar_button(ui, v, W_, by, W_ / 4, 1, MSG_PAGE_NEXT, UI_KEY_NEXT, 1);
        right -= bar_button(ui, v, right - (has_next ? gap : 0), by, W_ / 4, 1,
                            MSG_PLAYER_CONTENTS, UI_KEY_TOC, 0) + (has_next ? gap : 0);
        if (count > 0 && place > 0)
            v->progress = (int)((long long)place * 1000 / count);
        int ww = bar_text_w(ui, reg, v->where);
        int mid = right - left - 2 * gap;
        if (ww > 0 && mid > 0) {
            int w = ww < mid ? ww : mid;
            v->where_r = (LayoutRect){ left + gap + (mid - w) / 2, by, w, bh };
        }
    } else {
        if (ui->screen == SCR_TOC)
            left += bar_button(ui, v, 0, by, W_ / 3, 0, MSG_PLAYER_BACK_TO_PAGE, UI_KEY_BACK, 0);
        int hw = bar_text_w(ui, reg, v->hint);
        int mid = right - left - 2 * gap;
        if (hw > 0 && hw <= mid)
            v->hint_r = (LayoutRect){ left + gap + (mid - hw) / 2, by, hw, bh };
    }
}

const UiView *ui_view(Ui *ui)
{
    clamp_scroll(ui);
    reveal_verdict(ui);
    UiView *v = &ui->view;
    memset(v, 0, sizeof(*v));
    v->layout = ui->L;
    v->bar_h = bar_height(ui);
    v->content_y = v->bar_h;
    v->content_h = content_h(ui);
    v->scroll = ui->scroll;
    v->focus = ui->focus;
    v->theme = ui->theme;
    v->width = ui->width;
    v->height = ui->height;
    v->title = ui->title.data;
    v->where = ui->where.data;
    buf_clear(&ui->hint);
    buf_puts(&ui->hint, W(ui, ui->screen == SCR_PAGE ? MSG_PLAYER_HINT_PAGE
                                                     : MSG_PLAYER_HINT_LIST));
    v->hint = ui->hint.data;
    v->notice = ui->notice.len ? ui->notice.data
              : ui->nosave ? W(ui, MSG_PLAYER_STORE_NOSAVE_BANNER) : NULL;
    lay_bars(ui, v);
    return v;
}

int ui_image(Ui *ui, const char *src, Buf *out)
{
    Module *m = ui_module(ui);
    if (!m || !src)
        return -1;
    Diag d = DIAG_INIT;
    /* relative to the page: third-party pages may live in folders */
    const char *base = ui->screen == SCR_PAGE && m->pages[ui->page].href
                           ? m->pages[ui->page].href : "";
    const char *slash = strrchr(base, '/');
    Buf name = BUF_INIT;
    if (slash && src[0] != '/')
        buf_append(&name, base, (size_t)(slash - base + 1));
    buf_puts(&name, src[0] == '/' ? src + 1 : src);
    int rc = module_read(m, name.data, out, &d);
    buf_release(&name);
    diag_release(&d);
    return rc;
}

const char *ui_take_speech(Ui *ui, const char **lang, int *stop)
{
    *stop = ui->speech_stop;
    ui->speech_stop = 0;
    Module *m = ui_module(ui);
    *lang = m && m->lang && *m->lang ? m->lang : msg_lang_code(ui->lang);
    if (!ui->speech_ready)
        return NULL;
    ui->speech_ready = 0;
    return ui->speech.data;
}

unsigned long ui_results_recorded(const Ui *ui)
{
    return ui->results_recorded;
}

int ui_set_sync_status(Ui *ui, long pending)
{
    if (pending < -1)
        pending = -1;
    if (pending == ui->sync_pending)
        return 0;
    ui->sync_pending = pending;
    if (ui->screen != SCR_LIBRARY)
        return 0;               /* shown the next time the library is */
    int focus = ui->focus;
    ui_build(ui);
    ui->focus = focus;
    return 1;
}

int ui_wants_text(const Ui *ui)
{
    return ui->text_target >= 0 || ui->screen == SCR_PROFILES;
}

int ui_module_problem(const char *path, Buf *out)
{
    Module m = { 0 };
    m.path = strdup(path);
    int rc = 0;
    if (!m.path || module_check_data(&m) < 0) {
        buf_printf(out, "%s\n", m.error ? m.error : "out of memory");
        rc = -1;
    } else if (!m.ours) {
        /* pages an authoring tool builds by script: learners get a notice there */
        int built = 0;
        const char *first = NULL;
        for (int i = 0; i < m.npages; i++) {
            module_page(&m, i);
            if (m.pages[i].needs_browser && !built++)
                first = m.pages[i].href;
        }
        if (built)
            buf_printf(out, "%s: warning: %d of %d page%s %s built by scripts (first: '%s'); "
                       "the player shows learners that this module needs a web browser "
                       "there (give them this module in the LMS)\n", path, built, m.npages,
                       m.npages > 1 ? "s" : "", built > 1 ? "are" : "is", first);
    }
    module_release(&m);
    return rc;
}
