/* ui: the dispatcher between the event loop and the screens. Every screen,
 * ours or a package's page, is a list of course.h blocks laid out by
 * layout.c; the generated ones (library, profiles, contents, summary, the
 * context page) are built by their screen_*.c into a scratch course, with
 * "ui:" links as their buttons, so focus, keyboard use, zoom and contrast
 * work the same everywhere. Here: switching screens, scrolling, focus,
 * text input, zoom, contrast, language, reading aloud, and the bars. */
#include "ui.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "screen.h"
#include "theme.h"

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

static const char *hook_reflection(void *ud, const Reflection *r, int *saved)
{
    Ui *ui = ud;
    for (int i = 0; i < 3; i++)
        if (r == &ui->fields[i]) {
            *saved = 0;
            if (i == 2 && ui->field[2].len) {
                static const char dots[] = "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2";
                return dots + (4 - (ui->field[2].len > 4 ? 4 : ui->field[2].len)) * 3;
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
    for (int i = 0; i < 3; i++)
        if (r->max_chars < 0 && r->prompt == ui->fields[i].prompt)
            return hook_reflection(ud, &ui->fields[i], saved);
    return hook_reflection(ud, r, saved);
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

void ui_store_failed(Ui *ui)
{
    ui_notice(ui, W(ui, MSG_PLAYER_SAVE_FAILED), store_errmsg(ui->store));
}

/* Builds the blocks of the current screen (a fresh scratch course). */
void ui_build(Ui *ui)
{
    course_free(ui->scratch);
    ui->scratch = course_new();
    ui->blocks = NULL;
    ui->gen++;
    ui->focus = -1;
    ui->text_target = -1;
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
            for (int i = 0; i < 3; i++)
                if (b->u.reflection.max_chars == ui->fields[i].max_chars &&
                    b->u.reflection.prompt == ui->fields[i].prompt)
                    ui->fields[i] = b->u.reflection;
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
        return x->href ? ui_follow(ui, x->href) : 0;
    case TARGET_TEXT:
        ui->focus = t;
        ui->text_target = t;
        return 1;
    default:
        return screen_module_activate(ui, x, t);
    }
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
        ui->trace_fd = open(o->trace, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
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
    const char *lang = o->lang ? o->lang : getenv("LANG");
    ui->lang = ui->base_lang = msg_lang(lang, MSG_LANG_FR);
    buf_init(&ui->title);
    buf_init(&ui->where);
    buf_init(&ui->hint);
    buf_init(&ui->notice);
    buf_init(&ui->speech);
    for (int i = 0; i < 3; i++)
        buf_init(&ui->field[i]);
    ui->hooks = (LayoutHooks){ hook_question, hook_scenario, hook_reflection_any, hook_word,
                               ui };
    ui->L = layout_new();
    if (!ui->L) {
        buf_puts(err, "out of memory");
        goto fail;
    }
    if (screen_library_scan(ui, o->path, err) < 0)
        goto fail;
    if (o->data_dir) {
        Buf note = BUF_INIT;
        ui->store = store_open(o->data_dir, &note, err);
        if (!ui->store) {
            buf_release(&note);
            goto fail;
        }
        if (note.len)
            ui_notice(ui, "%s", note.data);
        buf_release(&note);
    }
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
    free(ui->learners);
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
    for (int i = 0; i < 3; i++)
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
        if (ui->focus < 0)
            return scroll_by(ui, content_h(ui) - 3 * em);
        if (ui->text_target >= 0 && ui->text_target == ui->focus)
            return 0;
        return activate(ui, ui->focus);
    case UI_KEY_BACKSPACE: {
        Buf *b = NULL;
        size_t n;
        const LayoutTarget *t = layout_targets(ui->L, &n);
        if (ui->text_target < 0 || (size_t)ui->text_target >= n)
            return 0;
        const Reflection *r = t[ui->text_target].reflection;
        for (int i = 0; i < 3; i++)
            if (r->max_chars < 0 && r->prompt == ui->fields[i].prompt)
                b = &ui->field[i];
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
        ui_go(ui, SCR_LIBRARY);
        return 1;
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
    LayoutRect bars[3] = { v->prev_r, v->next_r, v->toc_r };
    for (int i = 0; i < 3; i++)
        if (bars[i].w > 0 && x >= bars[i].x && x < bars[i].x + bars[i].w && y >= bars[i].y &&
            y < bars[i].y + bars[i].h)
            return ui_key(ui, i == 0 ? UI_KEY_PREV : i == 1 ? UI_KEY_NEXT : UI_KEY_TOC);
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
    if (ui->text_target < 0 || (size_t)ui->text_target >= n)
        return 0;
    const Reflection *r = t[ui->text_target].reflection;
    Buf *b = NULL;
    size_t max = 0;
    for (int i = 0; i < 3; i++)
        if (r->max_chars < 0 && r->prompt == ui->fields[i].prompt) {
            b = &ui->field[i];
            max = (size_t)-r->max_chars;
        }
    Module *m = ui_module(ui);
    RState *s = !b && m ? module_rstate(m, r) : NULL;
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
    for (const char *p = utf8; *p; p++) {
        if (((unsigned char)*p & 0xC0) != 0x80) {
            if (chars >= max)
                break;
            chars++;
        }
        if ((unsigned char)*p < 0x20)
            continue;
        buf_putc(b, *p);
    }
    ui->gen++;
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

const UiView *ui_view(Ui *ui)
{
    clamp_scroll(ui);
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
    buf_puts(&ui->hint, W(ui, ui->screen == SCR_PAGE ? MSG_PLAYER_HINT_PAGE : MSG_PLAYER_HINT_LIST));
    v->hint = ui->hint.data;
    v->notice = ui->notice.len ? ui->notice.data : NULL;
    if (ui->screen == SCR_PAGE) {
        int bw = ui->width / 6 > 120 ? ui->width / 6 : 120;
        /* at 200 % in a small window the labels outgrow a sixth of it: the
         * buttons widen (up to a third) rather than clip their labels */
        const char *labels[] = { W(ui, MSG_PAGE_PREV), W(ui, MSG_PAGE_NEXT), W(ui, MSG_PLAYER_CONTENTS) };
        for (int i = 0; i < 3; i++) {
            int need = ui->m->measure(ui->m->ud, FONT_ID(FACE_BOLD, SIZE_SMALL), labels[i],
                                      strlen(labels[i])) + 32;
            if (need > bw)
                bw = need < ui->width / 3 ? need : ui->width / 3;
        }
        int y = ui->height - v->bar_h;
        Module *m = ui_module(ui);
        if (ui->page > 0)
            v->prev_r = (LayoutRect){ 0, y, bw, v->bar_h };
        if (m && ui->page + 1 < m->npages)
            v->next_r = (LayoutRect){ ui->width - bw, y, bw, v->bar_h };
        v->toc_r = (LayoutRect){ ui->width - bw, 0, bw, v->bar_h };
        v->prev_label = W(ui, MSG_PAGE_PREV);
        v->next_label = W(ui, MSG_PAGE_NEXT);
        v->toc_label = W(ui, MSG_PLAYER_CONTENTS);
    }
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
    return ui->text_target >= 0;
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
