/* app: SDL events > ui calls > one redraw when dirty. Idle means blocked in
 * SDL_WaitEvent: no timer, no polling, so an idle ward PC uses ~0 % CPU. A
 * timeout is used only while something is scheduled (a script step, the
 * read-aloud child that must be reaped, or the next background sync while
 * results are pending; a running sync wakes the loop with an event). Script
 * commands become pushed SDL events, executed one at a time when the queue
 * is empty, so every command sees the frame the previous one produced. */
#include "app.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>

#include "buf.h"
#include "diag.h"
#include "font.h"
#include "os.h"
#include "render.h"
#include "script.h"
#include "sync.h"
#include "ui.h"

typedef struct App {
    const AppOptions *o;
    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Surface *surface;       /* headless: what the software renderer draws on */
    Fonts *fonts;
    Render *render;
    Ui *ui;
    int dirty;
    int quit;
    Script script;
    size_t step;
    Uint32 wait_until;
    int rc;
    OsChild *speaker;           /* espeak-ng child, NULL when none */
    int speaking;               /* the child or the system's voice speaks */
    double touch_dy;            /* finger travel since it went down, window pixels */
    int touch_scrolled;         /* of which given to ui_wheel, pixels */
    double touch_path;          /* total distance the finger moved (tap or swipe) */
    long frames;                /* frames drawn, for --stats */
    int syncing;                /* an LRS is configured and there is a store */
    SyncWorker *sync;           /* the background attempt under way, or NULL */
    SyncPlan plan;
    unsigned long results_seen; /* ui_results_recorded() when last looked at */
    Uint32 sync_event;          /* pushed by the worker when it ends; (Uint32)-1: none */
    SDL_sem *wake;              /* headless: posted by the worker, the loop sleeps on it */
    Uint64 last_input;          /* ticks of the learner's last key, click, touch or text */
} App;

/* ---- leaving: signals and the window's close button -------------------------- */

/* SDL turns SIGTERM and SIGINT into SDL_QUIT, as it does the window's close
 * button; a kiosk must ignore the button but obey the session manager:
 * os_catch_quit_signals() notes which one it was. */

/* ---- read aloud ---------------------------------------------------------- */

static void speech_stop(App *a)
{
    os_child_stop(a->speaker);
    a->speaker = NULL;
    os_speech_stop();
    a->speaking = 0;
}

/* espeak-ng (or WARDPLAYER_ESPEAK: another program taking the same arguments,
 * an administrator's wrapper or the tests' recorder) reads the text from its
 * stdin, written once without blocking, so the loop never waits on it. With
 * no such program named, Windows speaks with its own voices (os_speech). */
static void speech_start(App *a, const char *text, const char *lang)
{
    speech_stop(a);
    const char *voice = strcmp(lang, "en") == 0 ? "en" : "fr";
    const char *prog = getenv("WARDPLAYER_ESPEAK");
    Buf err = BUF_INIT;
    if (!prog || !*prog) {
        int rc = os_speech_start(text, voice, &err);
        if (rc == 0)
            a->speaking = 1;
        if (rc < 0)
            fprintf(stderr, "wardplayer: %s\n", err.data);
        prog = rc == 1 ? "espeak-ng" : NULL;
    }
    if (prog) {
        const char *argv[] = { prog, "-v", voice, NULL };
        a->speaker = os_child_start(argv, text, strlen(text), &err);
        if (!a->speaker)
            fprintf(stderr, "wardplayer: %s\n", err.data);
        a->speaking = a->speaker != NULL;
    }
    buf_release(&err);
}

static void speech_poll(App *a)
{
    if (a->speaker && !os_child_running(a->speaker)) {
        os_child_stop(a->speaker);
        a->speaker = NULL;
        a->speaking = 0;
    } else if (!a->speaker && a->speaking && !os_speech_busy()) {
        a->speaking = 0;
    }
    const char *lang;
    int stop;
    const char *text = ui_take_speech(a->ui, &lang, &stop);
    if (stop)
        speech_stop(a);
    if (text)
        speech_start(a, text, lang);
}

/* ---- background sync ------------------------------------------------------------ */

static long long now_ms(void)
{
    return (long long)SDL_GetTicks64();
}

/* Runs on the worker's thread: SDL_PushEvent is thread-safe and wakes
 * SDL_WaitEvent, so the loop needs no timer while an attempt runs. Headless,
 * the loop sleeps on a semaphore instead (see wait_headless). */
static void sync_wake(void *userdata)
{
    const App *a = userdata;
    SDL_Event e;
    memset(&e, 0, sizeof(e));
    e.type = a->sync_event;
    SDL_PushEvent(&e);
    if (a->wake)
        SDL_SemPost(a->wake);
}

/* The worker's log is redacted already; it is shown with --stats, or when
 * an administrator must act (credentials, refused statements, local error).
 * An LRS out of reach is the normal offline case: silence. */
static void sync_show(const App *a, const SyncReport *r, int rc)
{
    if (!a->o->stats && rc >= 0 && !r->auth_failed && !r->set_aside)
        return;
    Buf red = BUF_INIT;
    lrs_config_redact(a->o->lrs, r->log.data, &red);
    fputs(red.data, stderr);
    buf_release(&red);
    fprintf(stderr, "wardplayer: background sync: sent %zu, pending %zu, set aside %zu\n",
            r->sent, r->pending, r->set_aside);
}

/* Collects a finished attempt, notes new results and starts the attempt the
 * plan wants. Never blocks: the attempt runs on its own thread. */
static void sync_tick(App *a)
{
    if (!a->syncing)
        return;
    long long now = now_ms();
    unsigned long rec = ui_results_recorded(a->ui);
    if (rec != a->results_seen) {
        a->results_seen = rec;
        sync_plan_recorded(&a->plan, now);
    }
    if (a->sync) {
        SyncReport r;
        sync_report_init(&r);
        int rc = 0;
        if (sync_worker_poll(a->sync, &r, &rc)) {
            sync_worker_free(a->sync);
            a->sync = NULL;
            sync_plan_finished(&a->plan, a->o->lrs, now, rc);
            sync_show(a, &r, rc);
            /* the library's discreet line: what still waits, or "sent" */
            if (r.pending > 0)
                a->dirty |= ui_set_sync_status(a->ui, (long)r.pending);
            else if (rc == 0 && r.sent > 0)
                a->dirty |= ui_set_sync_status(a->ui, 0);
        }
        sync_report_release(&r);
    }
    if (!sync_plan_due(&a->plan, now))
        return;
    Buf err = BUF_INIT;
    int notify = a->sync_event != (Uint32)-1;
    a->sync = sync_worker_start_notify(a->o->data_dir, a->o->lrs, notify ? sync_wake : NULL,
                                       a, &err);
    sync_plan_started(&a->plan);
    if (!a->sync) {
        fprintf(stderr, "wardplayer: %s\n", err.data);
        sync_plan_finished(&a->plan, a->o->lrs, now, -1);
    }
    buf_release(&err);
}

/* How long the loop may sleep for the sync's sake: -1 for ever. */
static int sync_wait_ms(const App *a)
{
    if (!a->syncing)
        return -1;
    if (a->sync)
        return a->sync_event == (Uint32)-1 ? 250 : -1;     /* no event: poll */
    return (int)sync_plan_wait_ms(&a->plan, now_ms());
}

/* ---- input ----------------------------------------------------------------- */

static int map_key(const SDL_Keysym *k, UiKey *out)
{
    int ctrl = (k->mod & KMOD_CTRL) != 0;
    SDL_Keycode c = k->sym;
    if (ctrl && (c == SDLK_PLUS || c == SDLK_EQUALS || c == SDLK_KP_PLUS))
        *out = UI_KEY_ZOOM_IN;
    else if (ctrl && (c == SDLK_MINUS || c == SDLK_KP_MINUS))
        *out = UI_KEY_ZOOM_OUT;
    else if (ctrl && (c == SDLK_0 || c == SDLK_KP_0))
        *out = UI_KEY_ZOOM_RESET;
    else if (c == SDLK_F2 || (ctrl && c == SDLK_h))
        *out = UI_KEY_CONTRAST;
    else if (c == SDLK_F3 || (ctrl && c == SDLK_t))
        *out = UI_KEY_TOC;
    else if (c == SDLK_F4)
        *out = UI_KEY_LANGUAGE;
    else if (c == SDLK_F5)
        *out = UI_KEY_READ_ALOUD;
    else if (c == SDLK_F6)
        *out = UI_KEY_LIBRARY;
    else if (c == SDLK_F7)
        *out = UI_KEY_SWITCH_USER;
    else if (c == SDLK_UP)
        *out = UI_KEY_UP;
    else if (c == SDLK_DOWN)
        *out = UI_KEY_DOWN;
    else if (c == SDLK_PAGEUP)
        *out = UI_KEY_PAGE_UP;
    else if (c == SDLK_PAGEDOWN)
        *out = UI_KEY_PAGE_DOWN;
    else if (c == SDLK_HOME)
        *out = UI_KEY_HOME;
    else if (c == SDLK_END)
        *out = UI_KEY_END;
    else if (c == SDLK_LEFT)
        *out = UI_KEY_PREV;
    else if (c == SDLK_RIGHT)
        *out = UI_KEY_NEXT;
    else if (c == SDLK_TAB)
        *out = (k->mod & KMOD_SHIFT) ? UI_KEY_BACKTAB : UI_KEY_TAB;
    else if (c == SDLK_RETURN || c == SDLK_KP_ENTER || c == SDLK_SPACE)
        *out = UI_KEY_ACTIVATE;
    else if (c == SDLK_ESCAPE)
        *out = UI_KEY_BACK;
    else if (c == SDLK_BACKSPACE)
        *out = UI_KEY_BACKSPACE;
    else
        return 0;
    return 1;
}

/* A finger that moved less than this (pixels) tapped. */
#define TAP_SLOP 12

/* What touch coordinates are normalized to: the window, or headless the
 * surface drawn on (a headless `resize` changes only that). */
static void window_size(const App *a, int *w, int *h)
{
    if (a->surface) {
        *w = a->surface->w;
        *h = a->surface->h;
    } else {
        SDL_GetWindowSize(a->win, w, h);
    }
}

static void handle(App *a, const SDL_Event *e)
{
    UiKey k;
    switch (e->type) {
    case SDL_KEYDOWN:
    case SDL_TEXTINPUT:
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEWHEEL:
    case SDL_FINGERDOWN:
    case SDL_FINGERMOTION:
        a->last_input = SDL_GetTicks64();   /* the idle time-out counts from here */
        break;
    default:
        break;
    }
    switch (e->type) {
    case SDL_QUIT:
        /* a kiosk ignores its close button (and the learners' Alt+F4), never
         * the session manager's SIGTERM or SIGINT */
        if (!a->o->kiosk || os_quit_signal())
            a->quit = 1;
        break;
    case SDL_KEYDOWN:
        if ((e->key.keysym.mod & KMOD_CTRL) && e->key.keysym.sym == SDLK_q && !a->o->kiosk) {
            a->quit = 1;
            break;
        }
        /* typing in a text box: space is a character, not "activate" */
        if (ui_wants_text(a->ui) && e->key.keysym.sym == SDLK_SPACE)
            break;
        if (map_key(&e->key.keysym, &k)) {
            if (k == UI_KEY_READ_ALOUD && a->speaking) {
                speech_stop(a);     /* F5 while reading: stop */
                break;
            }
            a->dirty |= ui_key(a->ui, k);
            speech_poll(a);
        }
        break;
    case SDL_TEXTINPUT:
        if (ui_wants_text(a->ui))
            a->dirty |= ui_text(a->ui, e->text.text);
        break;
    case SDL_MOUSEBUTTONDOWN:
        /* SDL also turns a finger into mouse clicks: the finger events
         * decide instead, so that a swipe starting on a choice scrolls
         * without choosing it */
        if (e->button.button == SDL_BUTTON_LEFT && e->button.which != SDL_TOUCH_MOUSEID)
            a->dirty |= ui_click(a->ui, e->button.x, e->button.y);
        break;
    case SDL_MOUSEWHEEL: {
        int dy = e->wheel.y;
        if (e->wheel.direction == SDL_MOUSEWHEEL_FLIPPED)
            dy = -dy;
        a->dirty |= ui_wheel(a->ui, -dy * 60);
        break;
    }
    case SDL_FINGERDOWN:
        a->touch_dy = a->touch_path = 0;
        a->touch_scrolled = 0;
        break;
    case SDL_FINGERMOTION: {
        /* the page follows the finger; the travel is summed so that many
         * small motions lose no pixel to rounding */
        int w, h;
        window_size(a, &w, &h);
        a->touch_dy += e->tfinger.dy * h;
        a->touch_path += fabs(e->tfinger.dx * w) + fabs(e->tfinger.dy * h);
        int want = (int)lround(-a->touch_dy);
        a->dirty |= ui_wheel(a->ui, want - a->touch_scrolled);
        a->touch_scrolled = want;
        break;
    }
    case SDL_FINGERUP:
        if (a->touch_path < TAP_SLOP) {     /* a tap: a click where the finger was */
            int w, h;
            window_size(a, &w, &h);
            a->dirty |= ui_click(a->ui, (int)(e->tfinger.x * w), (int)(e->tfinger.y * h));
        }
        break;
    case SDL_WINDOWEVENT:
        if (e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED && !a->o->headless) {
            int w, h;
            SDL_GetRendererOutputSize(a->ren, &w, &h);
            a->dirty |= ui_resize(a->ui, w, h);
        } else if (e->window.event == SDL_WINDOWEVENT_EXPOSED) {
            a->dirty = 1;
        }
        break;
    default:
        break;
    }
}

/* ---- script -------------------------------------------------------------------- */

static SDL_Keycode key_code(const char *name)
{
    static const struct { const char *n; SDL_Keycode k; } alias[] = {
        { "plus", SDLK_PLUS }, { "minus", SDLK_MINUS }, { "space", SDLK_SPACE },
        { "enter", SDLK_RETURN }, { "esc", SDLK_ESCAPE }, { "0", SDLK_0 },
    };
    for (size_t i = 0; i < sizeof(alias) / sizeof(alias[0]); i++)
        if (SDL_strcasecmp(alias[i].n, name) == 0)
            return alias[i].k;
    return SDL_GetKeyFromName(name);
}

static void push_key(SDL_Keycode k, unsigned mods)
{
    SDL_Event e;
    memset(&e, 0, sizeof(e));
    e.type = SDL_KEYDOWN;
    e.key.state = SDL_PRESSED;
    e.key.keysym.sym = k;
    e.key.keysym.scancode = SDL_GetScancodeFromKey(k);
    e.key.keysym.mod = (Uint16)(((mods & SCRIPT_CTRL) ? KMOD_LCTRL : 0) |
                                ((mods & SCRIPT_SHIFT) ? KMOD_LSHIFT : 0) |
                                ((mods & SCRIPT_ALT) ? KMOD_LALT : 0));
    SDL_PushEvent(&e);
    e.type = SDL_KEYUP;
    e.key.state = SDL_RELEASED;
    SDL_PushEvent(&e);
}

/* A finger down at (a, b), moved by (c, d) in 8 steps (SWIPE), lifted: the
 * events a touch screen sends, in SDL's normalized coordinates. */
static void push_touch(App *a, const ScriptCmd *c)
{
    int w, h;
    window_size(a, &w, &h);
    int steps = c->op == SCRIPT_SWIPE ? 8 : 0;
    SDL_Event e;
    memset(&e, 0, sizeof(e));
    e.tfinger.touchId = 1;
    e.tfinger.fingerId = 1;
    e.tfinger.pressure = 1;
    e.tfinger.x = (float)c->a / (float)w;
    e.tfinger.y = (float)c->b / (float)h;
    e.type = SDL_FINGERDOWN;
    SDL_PushEvent(&e);
    e.type = SDL_FINGERMOTION;
    for (int i = 1; i <= steps; i++) {
        float x = (float)(c->a + c->c * i / steps) / (float)w;
        float y = (float)(c->b + c->d * i / steps) / (float)h;
        e.tfinger.dx = x - e.tfinger.x;
        e.tfinger.dy = y - e.tfinger.y;
        e.tfinger.x = x;
        e.tfinger.y = y;
        SDL_PushEvent(&e);
    }
    e.type = SDL_FINGERUP;
    e.tfinger.dx = e.tfinger.dy = 0;
    SDL_PushEvent(&e);
}

static void draw(App *a);

static void screenshot(App *a, const char *path);

static int resize_headless(App *a, int w, int h);

static void script_step(App *a)
{
    const ScriptCmd *c = &a->script.cmds[a->step++];
    SDL_Event e;
    memset(&e, 0, sizeof(e));
    switch (c->op) {
    case SCRIPT_KEY: {
        SDL_Keycode k = key_code(c->arg);
        if (k == SDLK_UNKNOWN) {
            fprintf(stderr, "%s:%d: error: unknown key '%s' (use SDL key names: Right, Tab, "
                    "Return, F5, plus…)\n", a->o->script, c->line, c->arg);
            a->rc = 2;
            a->quit = 1;
            return;
        }
        push_key(k, c->mods);
        break;
    }
    case SCRIPT_CLICK:
        e.type = SDL_MOUSEBUTTONDOWN;
        e.button.button = SDL_BUTTON_LEFT;
        e.button.state = SDL_PRESSED;
        e.button.clicks = 1;
        e.button.x = c->a;
        e.button.y = c->b;
        SDL_PushEvent(&e);
        e.type = SDL_MOUSEBUTTONUP;
        e.button.state = SDL_RELEASED;
        SDL_PushEvent(&e);
        break;
    case SCRIPT_SWIPE:
    case SCRIPT_TAP:
        push_touch(a, c);
        break;
    case SCRIPT_WHEEL:
        e.type = SDL_MOUSEWHEEL;
        e.wheel.y = -c->a;
        e.wheel.direction = SDL_MOUSEWHEEL_NORMAL;
        SDL_PushEvent(&e);
        break;
    case SCRIPT_TEXT:
        e.type = SDL_TEXTINPUT;
        snprintf(e.text.text, sizeof(e.text.text), "%s", c->arg);
        SDL_PushEvent(&e);
        break;
    case SCRIPT_WAIT:
        a->wait_until = SDL_GetTicks() + (Uint32)c->a;
        break;
    case SCRIPT_RESIZE:
        if (a->o->headless)
            resize_headless(a, c->a, c->b);
        else
            SDL_SetWindowSize(a->win, c->a, c->b);
        a->dirty |= ui_resize(a->ui, c->a, c->b);
        break;
    case SCRIPT_SCREENSHOT:
        screenshot(a, c->arg);
        break;
    case SCRIPT_QUIT:
        a->quit = 1;
        break;
    }
}

/* ---- drawing --------------------------------------------------------------------- */

static void draw(App *a)
{
    if (font_scale(a->fonts) != ui_scale(a->ui)) {
        Buf err = BUF_INIT;
        if (font_set_scale(a->fonts, ui_scale(a->ui), &err) < 0)
            fprintf(stderr, "wardplayer: %s\n", err.data);
        buf_release(&err);
        ui_fonts_changed(a->ui);
    }
    render_frame(a->render, ui_view(a->ui));
    SDL_RenderPresent(a->ren);
    a->dirty = 0;
    a->frames++;
}

/* Draws the frame and saves it as PNG; with --boxes, also what was drawn
 * (X.png > X.boxes) from the very same frame. A failure makes the exit code 1. */
static void screenshot(App *a, const char *path)
{
    draw(a);
    Buf err = BUF_INIT;
    if (render_screenshot(a->ren, path, &err) < 0) {
        fprintf(stderr, "wardplayer: %s\n", err.data);
        a->rc = 1;
    }
    if (a->o->boxes) {
        Buf name = BUF_INIT;
        size_t n = strlen(path);
        if (n > 4 && strcmp(path + n - 4, ".png") == 0)
            n -= 4;
        buf_append(&name, path, n);
        buf_puts(&name, ".boxes");
        buf_clear(&err);
        if (render_write_boxes(a->render, name.data, &err) < 0) {
            fprintf(stderr, "wardplayer: %s\n", err.data);
            a->rc = 1;
        }
        buf_release(&name);
    }
    buf_release(&err);
}

static int resize_headless(App *a, int w, int h)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!s)
        return -1;
    SDL_Renderer *r = SDL_CreateSoftwareRenderer(s);
    if (!r) {
        SDL_FreeSurface(s);
        return -1;
    }
    /* textures belong to a renderer: the image cache goes with the old one */
    render_set_renderer(a->render, r);
    SDL_DestroyRenderer(a->ren);
    SDL_FreeSurface(a->surface);
    a->ren = r;
    a->surface = s;
    return 0;
}

/* ---- idle time-out ----------------------------------------------------------------- */

/* Logs the learner out when the time-out has passed since their last input
 * (saving first); returns how long the loop may sleep before it is due, or
 * -1 when nothing is scheduled (nobody in, or no time-out). */
static int idle_tick(App *a)
{
    long limit = a->o->idle_timeout_ms;
    if (limit <= 0 || !ui_session_active(a->ui))
        return -1;
    Uint64 now = SDL_GetTicks64();
    Uint64 due = a->last_input + (Uint64)limit;
    if (now >= due) {
        speech_stop(a);
        a->dirty |= ui_end_session(a->ui, UI_END_IDLE);
        a->last_input = now;
        return -1;
    }
    Uint64 left = due - now;
    return left > 0x7fffffff ? 0x7fffffff : (int)left;
}

/* ---- the window --------------------------------------------------------------------- */

/* Kiosk: the whole display at its own size, placed at its origin, whether or
 * not a window manager runs (without one, SDL's fullscreen request alone can
 * leave the window at its first size). Windowed: the asked size, never more
 * than the display's usable area (less room for a title bar). */
static void window_geometry(const AppOptions *o, int *x, int *y, int *w, int *h)
{
    SDL_Rect db, ub;
    *x = *y = SDL_WINDOWPOS_CENTERED;
    if (o->headless || SDL_GetDisplayBounds(0, &db) != 0)
        return;
    if (o->kiosk) {
        *x = db.x;
        *y = db.y;
        *w = db.w;
        *h = db.h;
        return;
    }
    if (SDL_GetDisplayUsableBounds(0, &ub) != 0)
        ub = db;
    int title_bar = 40;
    if (*w > ub.w)
        *w = ub.w;
    if (*h > ub.h - title_bar)
        *h = ub.h - title_bar > 200 ? ub.h - title_bar : ub.h;
}

/* ---- run --------------------------------------------------------------------------- */

/* With no display to reach (no DISPLAY, an X server that is not up), SDL 2
 * falls back to its offscreen driver: the player would run, kiosk included,
 * with nobody able to see it. Those drivers are for --headless, or for
 * whoever asks for one by SDL_VIDEODRIVER. */
static int display_missing(void)
{
    if (SDL_getenv("SDL_VIDEODRIVER"))
        return 0;
    const char *driver = SDL_GetCurrentVideoDriver();
    return !driver || strcmp(driver, "offscreen") == 0 || strcmp(driver, "dummy") == 0;
}

/* SDL's dummy video driver (headless) cannot sleep until an event comes:
 * SDL_WaitEventTimeout polls it every millisecond, 3 % of a CPU doing
 * nothing. Headless, the only events that do not come from this loop are
 * the sync worker's, which also posts a->wake; so the loop sleeps on that.
 * The cap lets SDL turn a SIGTERM into SDL_QUIT within half a second. */
#define HEADLESS_MAX_SLEEP_MS 500

static int wait_headless(App *a, SDL_Event *e, int timeout)
{
    if (SDL_PollEvent(e))
        return 1;
    if (timeout < 0 || timeout > HEADLESS_MAX_SLEEP_MS)
        timeout = HEADLESS_MAX_SLEEP_MS;
    SDL_SemWaitTimeout(a->wake, (Uint32)timeout);
    return SDL_PollEvent(e);
}

int app_run(const AppOptions *o)
{
    App a = { .o = o, .rc = 0, .dirty = 1 };
    Buf err = BUF_INIT;
    int w = o->width > 0 ? o->width : 1280, h = o->height > 0 ? o->height : 800;
    if (o->script) {
        Diag d = DIAG_INIT;
        if (script_load(o->script, &a.script, &d) < 0) {
            diag_print(&d, stderr);
            diag_release(&d);
            return 2;
        }
        diag_release(&d);
    }
    if (o->headless)
        SDL_setenv("SDL_VIDEODRIVER", "dummy", 1);
    /* the loop must sleep while idle: no SDL timers, no vsync busy-wait */
    SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "1");
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
        fprintf(stderr, "wardplayer: cannot start SDL: %s\n", SDL_GetError());
        script_release(&a.script);
        return 1;
    }
    if (!o->headless && display_missing()) {
        fprintf(stderr, "wardplayer: no display to show the window on (DISPLAY is not set, or "
                "its X server cannot be reached): start it in a desktop session, or use "
                "--headless for a scripted run\n");
        a.rc = 1;
        goto out;
    }
    if (TTF_Init() != 0) {
        fprintf(stderr, "wardplayer: cannot start SDL_ttf: %s\n", TTF_GetError());
        a.rc = 1;
        goto out;
    }
    IMG_Init(IMG_INIT_PNG | IMG_INIT_JPG);
    os_catch_quit_signals();
    /* no ALLOW_HIGHDPI: mouse coordinates and pixels then stay the same */
    Uint32 flags = o->headless ? SDL_WINDOW_HIDDEN : SDL_WINDOW_RESIZABLE;
    if (o->kiosk && !o->headless)
        flags = SDL_WINDOW_FULLSCREEN_DESKTOP | SDL_WINDOW_BORDERLESS;
    int wx, wy;
    window_geometry(o, &wx, &wy, &w, &h);
    a.win = SDL_CreateWindow("wardplayer", wx, wy, w, h, flags);
    if (!a.win) {
        fprintf(stderr, "wardplayer: cannot open a window: %s\n", SDL_GetError());
        a.rc = 1;
        goto out;
    }
    if (o->headless) {
        a.surface = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
        a.ren = a.surface ? SDL_CreateSoftwareRenderer(a.surface) : NULL;
    } else {
        a.ren = SDL_CreateRenderer(a.win, -1, SDL_RENDERER_ACCELERATED);
        if (!a.ren)
            a.ren = SDL_CreateRenderer(a.win, -1, SDL_RENDERER_SOFTWARE);
    }
    if (o->headless && !(a.wake = SDL_CreateSemaphore(0))) {
        fprintf(stderr, "wardplayer: cannot create a semaphore: %s\n", SDL_GetError());
        a.rc = 1;
        goto out;
    }
    if (!a.ren) {
        fprintf(stderr, "wardplayer: cannot draw: %s\n", SDL_GetError());
        a.rc = 1;
        goto out;
    }
    if (!o->headless)
        SDL_GetRendererOutputSize(a.ren, &w, &h);
    a.fonts = font_open(o->scale >= 100 ? o->scale : 100, &err);
    if (!a.fonts) {
        fprintf(stderr, "wardplayer: %s\n", err.data);
        a.rc = 1;
        goto out;
    }
    a.render = render_new(a.ren, a.fonts, &err);
    if (!a.render) {
        fprintf(stderr, "wardplayer: %s\n", err.data);
        a.rc = 1;
        goto out;
    }
    UiOptions uo = { .path = o->path, .data_dir = o->data_dir, .lang = o->lang, .width = w,
                     .height = h, .scale = o->scale, .high_contrast = o->high_contrast,
                     .trace = o->trace, .idle_timeout_ms = o->idle_timeout_ms };
    a.ui = ui_new(&uo, render_measure(a.render), &err);
    if (!a.ui) {
        fprintf(stderr, "wardplayer: %s\n", err.data);
        a.rc = 1;
        goto out;
    }
    render_set_ui(a.render, a.ui);
    render_log_boxes(a.render, o->boxes);
    a.last_input = SDL_GetTicks64();
    SDL_StartTextInput();
    if (o->lrs && o->data_dir) {
        /* before any result: the statements carry the hospital's homePage */
        if (sync_use_home_page(o->data_dir, o->lrs, &err) < 0) {
            fprintf(stderr, "wardplayer: %s\n", err.data);
            buf_clear(&err);
        }
        a.syncing = 1;
        a.sync_event = SDL_RegisterEvents(1);
        a.results_seen = ui_results_recorded(a.ui);
        sync_plan_init(&a.plan, now_ms());
    }

    while (!a.quit) {
        SDL_Event e;
        while (!a.quit && SDL_PollEvent(&e))
            handle(&a, &e);
        if (a.quit)
            break;
        if (a.dirty)
            draw(&a);
        sync_tick(&a);
        int timeout = -1;
        if (a.step < a.script.n) {
            Uint32 now = SDL_GetTicks();
            if (!SDL_TICKS_PASSED(now, a.wait_until)) {
                timeout = (int)(a.wait_until - now);
            } else {
                script_step(&a);
                continue;
            }
        } else if (o->screenshot) {
            /* the first frame, or the frame at the end of the script */
            screenshot(&a, o->screenshot);
            break;
        } else if (o->script) {
            break;      /* a script without quit ends with its last line */
        }
        if (a.speaking && (timeout < 0 || timeout > 250))
            timeout = 250;      /* to reap the read-aloud child */
        int idle_wait = idle_tick(&a);
        if (idle_wait >= 0 && (timeout < 0 || idle_wait < timeout))
            timeout = idle_wait;
        if (a.dirty) {
            draw(&a);
            continue;
        }
        int sync_wait = sync_wait_ms(&a);
        if (sync_wait >= 0 && (timeout < 0 || sync_wait < timeout))
            timeout = sync_wait;
        int got = a.wake ? wait_headless(&a, &e, timeout)
                  : timeout < 0 ? SDL_WaitEvent(&e) : SDL_WaitEventTimeout(&e, timeout);
        if (got)
            handle(&a, &e);
        if (a.speaking)
            speech_poll(&a);
    }
out:
    /* whatever ended the loop (Ctrl+Q, the close button, SIGTERM from the
     * session manager): what is not saved yet is saved before exit */
    if (a.ui)
        ui_save(a.ui);
    if (os_quit_signal() && o->stats)
        fprintf(stderr, "wardplayer: %s: saved, quitting\n", os_quit_signal());
    if (o->stats)
        fprintf(stderr, "wardplayer: %ld frames drawn\n", a.frames);
    if (a.sync && o->stats)
        fprintf(stderr, "wardplayer: background sync: stopped at exit (the rest stays "
                "pending)\n");
    sync_worker_free(a.sync);   /* cancels within about a second; before SDL_Quit */
    if (a.wake)
        SDL_DestroySemaphore(a.wake);
    speech_stop(&a);
    ui_free(a.ui);
    render_free(a.render);
    font_close(a.fonts);
    if (a.ren)
        SDL_DestroyRenderer(a.ren);
    if (a.surface)
        SDL_FreeSurface(a.surface);
    if (a.win)
        SDL_DestroyWindow(a.win);
    IMG_Quit();
    if (TTF_WasInit())
        TTF_Quit();
    SDL_Quit();
    script_release(&a.script);
    buf_release(&err);
    return a.rc;
}
