/* render: one full redraw per dirty frame (the app only calls it when
 * something changed). Only the items inside the visible band are drawn, so a
 * long page costs what a screen of it costs. Images are decoded once and
 * kept as textures keyed by their Image (stable while the module is open). */
#include "render.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL_image.h>

#include "os.h"
#include "theme.h"

typedef struct ImageEntry {
    const Image *img;
    SDL_Texture *tex;       /* NULL when it could not be decoded */
    int w, h;
} ImageEntry;

/* One primitive of the last frame, for the box log (render_write_boxes). */
typedef struct BoxRec {
    char kind;              /* 'f' fill, 't' text, 'i' image */
    const char *layer;      /* "page", "overlay", "bar": static */
    SDL_Rect r;             /* where it was drawn; text: the box it was given */
    SDL_Rect ink;           /* text: the rendered run's rectangle */
    SDL_Rect clip;          /* the clip in force (w 0: none) */
    ThemeRGB c;             /* fill or text colour */
    int measured;           /* text: width as the layout measures it */
    int font;               /* text: FontId */
    int nat_w, nat_h;       /* image: decoded size, 0 when it could not be decoded */
    size_t text_off, text_len;  /* text: in BoxLog.text */
} BoxRec;

typedef struct BoxLog {
    int on;
    BoxRec *recs;           /* owned */
    size_t n, cap;
    Buf text;               /* the runs' bytes, back to back */
    const char *layer;      /* layer being drawn */
    SDL_Rect clip;
    SDL_Rect box;           /* the next text's box (w 0: its own measure) */
    UiView view;            /* header values only (pointers not kept) */
    LayoutRect column;
    int page_h;             /* the laid-out page's height */
} BoxLog;

struct Render {
    SDL_Renderer *r;
    Fonts *fonts;
    Ui *ui;
    LayoutMeasure measure;
    ImageEntry *images;
    size_t nimages;
    char *scratch;
    size_t scratch_cap;
    int theme;
    BoxLog log;             /* test hook: off unless render_log_boxes() */
};

/* ---- box log --------------------------------------------------------------- */

static BoxRec *log_add(Render *R, char kind, SDL_Rect r)
{
    BoxLog *g = &R->log;
    if (!g->on)
        return NULL;
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap + g->cap / 2 : 256;
        BoxRec *n = realloc(g->recs, cap * sizeof(*n));
        if (!n)
            return NULL;
        g->recs = n;
        g->cap = cap;
    }
    BoxRec *b = &g->recs[g->n++];
    memset(b, 0, sizeof(*b));
    b->kind = kind;
    b->layer = g->layer;
    b->r = r;
    b->clip = g->clip;
    return b;
}

static void set_clip(Render *R, const SDL_Rect *clip)
{
    SDL_RenderSetClipRect(R->r, clip);
    R->log.clip = clip ? *clip : (SDL_Rect){ 0, 0, 0, 0 };
}

static ImageEntry *image_entry(Render *R, const Image *img)
{
    for (size_t i = 0; i < R->nimages; i++)
        if (R->images[i].img == img)
            return &R->images[i];
    ImageEntry *n = realloc(R->images, (R->nimages + 1) * sizeof(*n));
    if (!n)
        return NULL;
    R->images = n;
    ImageEntry *e = &R->images[R->nimages++];
    memset(e, 0, sizeof(*e));
    e->img = img;
    if (!R->ui)
        return e;
    Buf b = BUF_INIT;
    if (ui_image(R->ui, img->src, &b) == 0 && b.len > 0 && b.len < 0x7fffffff) {
        SDL_RWops *rw = SDL_RWFromConstMem(b.data, (int)b.len);
        SDL_Surface *s = rw ? IMG_Load_RW(rw, 1) : NULL;
        if (s) {
            e->tex = SDL_CreateTextureFromSurface(R->r, s);
            e->w = s->w;
            e->h = s->h;
            SDL_FreeSurface(s);
        }
    }
    buf_release(&b);
    return e;
}

static int image_size(void *ud, const Image *img, int *w, int *h)
{
    ImageEntry *e = image_entry(ud, img);
    if (!e || !e->tex)
        return -1;
    *w = e->w;
    *h = e->h;
    return 0;
}

/* The layout's measurer: one userdata (the Render) for fonts and images. */
static int r_measure(void *ud, FontId id, const char *s, size_t n)
{
    return font_measure(((Render *)ud)->fonts, id, s, n);
}

static int r_line_height(void *ud, FontId id)
{
    return font_line_height(((Render *)ud)->fonts, id);
}

Render *render_new(SDL_Renderer *r, Fonts *fonts, Buf *err)
{
    Render *R = calloc(1, sizeof(*R));
    if (!R) {
        buf_puts(err, "out of memory");
        return NULL;
    }
    R->r = r;
    R->fonts = fonts;
    R->measure.measure = r_measure;
    R->measure.line_height = r_line_height;
    R->measure.image_size = image_size;
    R->measure.ud = R;
    buf_init(&R->log.text);
    return R;
}

void render_set_ui(Render *R, Ui *ui)
{
    R->ui = ui;
}

void render_set_renderer(Render *R, SDL_Renderer *r)
{
    for (size_t i = 0; i < R->nimages; i++)
        if (R->images[i].tex)
            SDL_DestroyTexture(R->images[i].tex);
    R->nimages = 0;
    R->r = r;
}

void render_free(Render *R)
{
    if (!R)
        return;
    for (size_t i = 0; i < R->nimages; i++)
        if (R->images[i].tex)
            SDL_DestroyTexture(R->images[i].tex);
    free(R->images);
    free(R->scratch);
    free(R->log.recs);
    buf_release(&R->log.text);
    free(R);
}

const LayoutMeasure *render_measure(Render *R)
{
    return &R->measure;
}

static void set_color(Render *R, ColorRole role)
{
    ThemeRGB c = theme_color(R->theme, role);
    SDL_SetRenderDrawColor(R->r, c.r, c.g, c.b, 255);
}

static void fill(Render *R, int x, int y, int w, int h, ColorRole role)
{
    if (w <= 0 || h <= 0)
        return;
    set_color(R, role);
    SDL_Rect rc = { x, y, w, h };
    SDL_RenderFillRect(R->r, &rc);
    BoxRec *b = log_add(R, 'f', rc);
    if (b)
        b->c = theme_color(R->theme, role);
}

static void frame(Render *R, int x, int y, int w, int h, int t, ColorRole role)
{
    fill(R, x, y, w, t, role);
    fill(R, x, y + h - t, w, t, role);
    fill(R, x, y, t, h, role);
    fill(R, x + w - t, y, t, h, role);
}

static int surf_h(Render *R, FontId font)
{
    return TTF_FontHeight(font_get(R->fonts, font));
}

/* The box the next text() is given (its layout rectangle), for the box log. */
static void text_box(Render *R, int x, int y, int w, int h)
{
    R->log.box = (SDL_Rect){ x, y, w, h };
}

/* Draws s[0..n) at (x, y) top-left; returns its width. */
static int text(Render *R, FontId font, const char *s, size_t n, int x, int y, ColorRole role)
{
    if (n == 0) {
        R->log.box.w = 0;
        return 0;
    }
    if (n + 1 > R->scratch_cap) {
        char *p = realloc(R->scratch, n + 1);
        if (!p) {
            R->log.box.w = 0;
            return 0;
        }
        R->scratch = p;
        R->scratch_cap = n + 1;
    }
    memcpy(R->scratch, s, n);
    R->scratch[n] = 0;
    ThemeRGB c = theme_color(R->theme, role);
    SDL_Color col = { c.r, c.g, c.b, 255 };
    SDL_Surface *surf = TTF_RenderUTF8_Blended(font_get(R->fonts, font), R->scratch, col);
    if (!surf) {
        R->log.box.w = 0;
        return 0;
    }
    SDL_Texture *t = SDL_CreateTextureFromSurface(R->r, surf);
    int w = surf->w;
    SDL_Rect dst = { x, y, surf->w, surf->h };
    if (t) {
        SDL_RenderCopy(R->r, t, NULL, &dst);
        SDL_DestroyTexture(t);
    }
    SDL_FreeSurface(surf);
    if (R->log.on) {
        int mw = font_measure(R->fonts, font, s, n);
        SDL_Rect box = R->log.box.w > 0 ? R->log.box : (SDL_Rect){ x, y, mw, surf_h(R, font) };
        BoxRec *b = log_add(R, 't', box);
        if (b) {
            b->ink = dst;
            b->c = c;
            b->measured = mw;
            b->font = font;
            b->text_off = R->log.text.len;
            b->text_len = n;
            buf_append(&R->log.text, s, n);
        }
    }
    R->log.box.w = 0;
    return w;
}

/* s[0..n) in box, broken at spaces into as many lines as the box holds (a
 * word wider than the box is cut); the last line that fits ends on an
 * ellipsis when text is left over. */
static void text_in_box(Render *R, FontId font, const char *s, size_t n, SDL_Rect box,
                        ColorRole role)
{
    static const char ell[] = "\xe2\x80\xa6";
    int lh = TTF_FontLineSkip(font_get(R->fonts, font));
    int ew = font_measure(R->fonts, font, ell, 3);
    for (int y = box.y; n > 0 && box.w > ew && y + lh <= box.y + box.h; y += lh) {
        int last = y + 2 * lh > box.y + box.h;
        size_t k = layout_fit(&R->measure, font, s, n, box.w, 1);
        if (k < n) {
            if (last)   /* room for the ellipsis */
                k = layout_fit(&R->measure, font, s, n, box.w - ew, 1);
            size_t sp = k;
            while (sp > 0 && s[sp] != ' ')
                sp--;
            if (sp > 0)
                k = sp;
        }
        int ellipsis = last && k < n;
        text_box(R, box.x, y, ellipsis ? font_measure(R->fonts, font, s, k) : box.w, lh);
        int w = text(R, font, s, k, box.x, y, role);
        if (ellipsis) {
            text_box(R, box.x + w, y, box.w - w, lh);
            text(R, font, ell, 3, box.x + w, y, role);
        }
        s += k;
        n -= k;
        while (n > 0 && *s == ' ') {
            s++;
            n--;
        }
    }
}

static void draw_item(Render *R, const DrawItem *d, int dy)
{
    int y = d->r.y + dy;
    switch (d->kind) {
    case DRAW_RECT:
        fill(R, d->r.x, y, d->r.w, d->r.h, d->color);
        if (d->color == COLOR_CHOICE_BG || d->color == COLOR_SELECTED_BG ||
            (d->color == COLOR_BG && d->target >= 0))
            frame(R, d->r.x, y, d->r.w, d->r.h, 1, COLOR_RULE);
        break;
    case DRAW_TEXT: {
        TTF_Font *f = font_get(R->fonts, d->font);
        int fh = TTF_FontHeight(f);
        int ty = y + (d->r.h - fh) / 2;
        text_box(R, d->r.x, y, d->r.w, d->r.h);
        text(R, d->font, d->text, d->len, d->r.x, ty, d->color);
        int t = TTF_FontHeight(f) / 16 > 1 ? TTF_FontHeight(f) / 16 : 1;
        if (d->flags & DRAW_UNDERLINE)
            fill(R, d->r.x, ty + TTF_FontAscent(f) + t + 1, d->r.w, t, d->color);
        if (d->flags & DRAW_STRIKE)
            fill(R, d->r.x, ty + TTF_FontAscent(f) * 2 / 3, d->r.w, t, d->color);
        break;
    }
    case DRAW_IMAGE: {
        ImageEntry *e = image_entry(R, d->image);
        SDL_Rect dst = { d->r.x, y, d->r.w, d->r.h };
        BoxRec *b = log_add(R, 'i', dst);
        if (b && e && e->tex) {
            b->nat_w = e->w;
            b->nat_h = e->h;
        }
        if (e && e->tex) {
            SDL_RenderCopy(R->r, e->tex, NULL, &dst);
        } else {
            /* a missing image: a frame with its alt text */
            frame(R, dst.x, dst.y, dst.w, dst.h, 1, COLOR_RULE);
            const char *alt = d->image->alt ? d->image->alt : "";
            text_in_box(R, FONT_ID(FACE_ITALIC, SIZE_SMALL), alt, strlen(alt),
                        (SDL_Rect){ dst.x + 8, dst.y + 8, dst.w - 16, dst.h - 16 }, COLOR_MUTED);
        }
        break;
    }
    }
}

/* s in box (a bar's text), vertically centred; cut on an ellipsis when it
 * does not fit. */
static void bar_text(Render *R, FontId f, const char *s, LayoutRect box, int th)
{
    if (!s || !*s || box.w <= 0)
        return;
    size_t len = strlen(s);
    int y = box.y + (box.h - th) / 2;
    size_t fit = layout_fit(&R->measure, f, s, len, box.w, 0);
    if (fit == len) {
        text_box(R, box.x, box.y, box.w, box.h);
        text(R, f, s, len, box.x, y, COLOR_BAR_TEXT);
        return;
    }
    static const char ell[] = "\xe2\x80\xa6";
    int ew = font_measure(R->fonts, f, ell, 3);
    fit = layout_fit(&R->measure, f, s, len, box.w - ew > 0 ? box.w - ew : 0, 0);
    int tw = font_measure(R->fonts, f, s, fit);
    text_box(R, box.x, box.y, tw, box.h);
    int x = box.x + text(R, f, s, fit, box.x, y, COLOR_BAR_TEXT);
    text_box(R, box.x + tw, box.y, box.w - tw, box.h);
    text(R, f, ell, 3, x, y, COLOR_BAR_TEXT);
}

/* A bar button: filled (primary) or outlined, the label centred (cut on an
 * ellipsis when the bar leaves it too little room). */
static void button(Render *R, LayoutRect r, const char *label, int bar_h, int primary)
{
    if (r.w <= 0 || !label)
        return;
    FontId f = FONT_ID(FACE_BOLD, SIZE_SMALL);
    int th = TTF_FontHeight(font_get(R->fonts, f));
    int pad = 6;
    ColorRole bg = primary ? COLOR_BUTTON_BG : COLOR_BAR_BG;
    ColorRole fg = primary ? COLOR_BUTTON_TEXT : COLOR_BAR_TEXT;
    fill(R, r.x + pad, r.y + pad, r.w - 2 * pad, bar_h - 2 * pad, bg);
    frame(R, r.x + pad, r.y + pad, r.w - 2 * pad, bar_h - 2 * pad, primary ? 1 : 2,
          COLOR_BAR_TEXT);
    int inner = r.w - 2 * pad - 8;
    int tw = font_measure(R->fonts, f, label, strlen(label));
    LayoutRect box = { tw <= inner ? r.x + (r.w - tw) / 2 : r.x + pad + 4, r.y,
                       tw <= inner ? tw : inner, bar_h };
    size_t len = strlen(label);
    size_t fit = layout_fit(&R->measure, f, label, len, box.w, 0);
    if (fit == len) {
        text_box(R, box.x, r.y + pad + 1, box.w, bar_h - 2 * pad - 2);
        text(R, f, label, len, box.x, r.y + (bar_h - th) / 2, fg);
    } else {
        static const char ell[] = "\xe2\x80\xa6";
        int ew = font_measure(R->fonts, f, ell, 3);
        fit = layout_fit(&R->measure, f, label, len, box.w - ew > 0 ? box.w - ew : 0, 0);
        int w = font_measure(R->fonts, f, label, fit);
        text_box(R, box.x, r.y + pad + 1, w, bar_h - 2 * pad - 2);
        int x = box.x + text(R, f, label, fit, box.x, r.y + (bar_h - th) / 2, fg);
        text_box(R, box.x + w, r.y + pad + 1, box.w - w, bar_h - 2 * pad - 2);
        text(R, f, ell, 3, x, r.y + (bar_h - th) / 2, fg);
    }
}

void render_frame(Render *R, const UiView *v)
{
    R->theme = v->theme;
    R->log.n = 0;
    buf_clear(&R->log.text);
    R->log.view = *v;
    R->log.column = layout_column(v->layout);
    R->log.page_h = layout_height(v->layout);
    R->log.layer = "page";
    set_color(R, COLOR_BG);
    set_clip(R, NULL);
    SDL_RenderClear(R->r);
    BoxRec *clear = log_add(R, 'f', (SDL_Rect){ 0, 0, v->width, v->height });
    if (clear)
        clear->c = theme_color(R->theme, COLOR_BG);

    /* content */
    SDL_Rect clip = { 0, v->content_y, v->width, v->content_h };
    set_clip(R, &clip);
    size_t n;
    const DrawItem *it = layout_items(v->layout, &n);
    int dy = v->content_y - v->scroll;
    for (size_t i = 0; i < n; i++) {
        const DrawItem *d = &it[i];
        if (d->r.y + dy > v->content_y + v->content_h || d->r.y + d->r.h + dy < v->content_y)
            continue;
        draw_item(R, d, dy);
    }
    size_t nt;
    const LayoutTarget *t = layout_targets(v->layout, &nt);
    R->log.layer = "overlay";
    if (v->focus >= 0 && (size_t)v->focus < nt) {
        LayoutRect r = t[v->focus].r;
        int th = 3;
        frame(R, r.x - th - 2, r.y + dy - th - 2, r.w + 2 * th + 4, r.h + 2 * th + 4, th,
              COLOR_FOCUS);
    }
    int total = layout_height(v->layout);
    if (total > v->content_h) {
        int bh = (int)((long long)v->content_h * v->content_h / total);
        if (bh < 24)
            bh = 24;
        int by = v->content_y +
                 (int)((long long)(v->content_h - bh) * v->scroll / (total - v->content_h));
        fill(R, v->width - 8, by, 5, bh, COLOR_MUTED);
    }
    set_clip(R, NULL);
    R->log.layer = "bar";

    /* the bars: every place computed by the ui (ui_view); here only drawn */
    FontId bf = FONT_ID(FACE_BOLD, SIZE_SMALL);
    FontId rf = FONT_ID(FACE_REGULAR, SIZE_SMALL);
    int th = TTF_FontHeight(font_get(R->fonts, bf));
    int by = v->height - v->bar_h;
    fill(R, 0, 0, v->width, v->bar_h, COLOR_BAR_BG);
    fill(R, 0, v->bar_h - 1, v->width, 1, COLOR_RULE);   /* seen in high contrast */
    fill(R, 0, by, v->width, v->bar_h, COLOR_BAR_BG);
    fill(R, 0, by, v->width, 1, COLOR_RULE);
    if (v->progress >= 0) {
        /* the place in the module, along the top of the bottom bar */
        int ph = v->bar_h / 10 > 3 ? v->bar_h / 10 : 3;
        fill(R, 0, by, v->width, ph, COLOR_RULE);
        fill(R, 0, by, (int)((long long)v->width * v->progress / 1000), ph, COLOR_FOCUS);
    }
    bar_text(R, bf, v->title, v->title_r, th);
    bar_text(R, bf, v->learner, v->learner_r, th);
    bar_text(R, rf, v->where, v->where_r, th);
    bar_text(R, rf, v->hint, v->hint_r, th);
    for (int i = 0; i < v->nbuttons; i++)
        button(R, v->buttons[i].r, v->buttons[i].label, v->bar_h, v->buttons[i].primary);
    if (v->notice) {
        /* wrapped at spaces over as many lines as it needs (up to
         * NOTICE_LINES), never cut inside a word that fits a line */
        enum { NOTICE_LINES = 8 };
        size_t start[NOTICE_LINES], len[NOTICE_LINES];
        size_t nlen = strlen(v->notice);
        int nw = font_measure(R->fonts, bf, v->notice, nlen);
        int w = nw + 32 < v->width - 16 ? nw + 32 : v->width - 16;
        int lines = 0, widest = 0;
        for (size_t at = 0; at < nlen && lines < NOTICE_LINES;) {
            while (at < nlen && v->notice[at] == ' ')
                at++;
            size_t fit = layout_fit(&R->measure, bf, v->notice + at, nlen - at, w - 32, 1);
            size_t take = fit, next = at + fit;
            if (at + fit < nlen && v->notice[at + fit] != ' ') {
                size_t k = fit;
                while (k > 0 && v->notice[at + k - 1] != ' ')
                    k--;
                if (k > 0) {                /* back to the last space */
                    take = k - 1;
                    next = at + k;
                }
            }
            if (take == 0 && next == at)
                break;
            start[lines] = at;
            len[lines] = take;
            int lw = font_measure(R->fonts, bf, v->notice + at, take);
            widest = lw > widest ? lw : widest;
            lines++;
            at = next;
        }
        if (lines > 1)
            w = widest + 32;
        int h = lines > 1 ? lines * th + 16 : v->bar_h;
        int x = (v->width - w) / 2;
        int y = by - h - 8;
        fill(R, x, y, w, h, COLOR_WARNING_BG);
        frame(R, x, y, w, h, 2, COLOR_WARNING_BAR);
        for (int i = 0; i < lines; i++) {
            int ly = lines > 1 ? y + 8 + i * th : y + (v->bar_h - th) / 2;
            text_box(R, x + 16, lines > 1 ? ly : y, w - 32, lines > 1 ? th : v->bar_h);
            text(R, bf, v->notice + start[i], len[i], x + 16, ly, COLOR_TEXT);
        }
    }
}

void render_log_boxes(Render *R, int on)
{
    R->log.on = on;
}

/* A run's bytes on one line: tab, newline and backslash escaped. */
static void put_escaped(FILE *f, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\')
            fputs("\\\\", f);
        else if (s[i] == '\t')
            fputs("\\t", f);
        else if (s[i] == '\n')
            fputs("\\n", f);
        else
            fputc(s[i], f);
    }
}

int render_write_boxes(const Render *R, const char *path, Buf *err)
{
    const BoxLog *g = &R->log;
    FILE *f = os_fopen(path, "w");
    if (!f) {
        buf_printf(err, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    ThemeRGB bg = theme_color(g->view.theme, COLOR_BG);
    fprintf(f, "# wardplayer boxes 1: what the last frame drew, in drawing order\n");
    fprintf(f, "window %d %d\n", g->view.width, g->view.height);
    fprintf(f, "theme %s #%02x%02x%02x\n",
            g->view.theme == THEME_HIGH_CONTRAST ? "contrast" : "normal", bg.r, bg.g, bg.b);
    fprintf(f, "content %d %d scroll %d height %d\n", g->view.content_y, g->view.content_h,
            g->view.scroll, g->page_h);
    fprintf(f, "column %d %d\n", g->column.x, g->column.w);
    for (size_t i = 0; i < g->n; i++) {
        const BoxRec *b = &g->recs[i];
        const char *kind = b->kind == 'f' ? "fill" : b->kind == 't' ? "text" : "image";
        fprintf(f, "%s %s %d %d %d %d clip %d %d %d %d", kind, b->layer, b->r.x, b->r.y, b->r.w,
                b->r.h, b->clip.x, b->clip.y, b->clip.w, b->clip.h);
        if (b->kind == 'f') {
            fprintf(f, " #%02x%02x%02x\n", b->c.r, b->c.g, b->c.b);
        } else if (b->kind == 'i') {
            fprintf(f, " natural %d %d\n", b->nat_w, b->nat_h);
        } else {
            fprintf(f, " #%02x%02x%02x ink %d %d %d %d measured %d font %d\t", b->c.r, b->c.g,
                    b->c.b, b->ink.x, b->ink.y, b->ink.w, b->ink.h, b->measured, b->font);
            put_escaped(f, g->text.data + b->text_off, b->text_len);
            fputc('\n', f);
        }
    }
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        buf_printf(err, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

int render_screenshot(SDL_Renderer *r, const char *path, Buf *err)
{
    int w = 0, h = 0;
    if (SDL_GetRendererOutputSize(r, &w, &h) != 0) {
        buf_printf(err, "cannot read the frame: %s", SDL_GetError());
        return -1;
    }
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!s) {
        buf_printf(err, "cannot read the frame: %s", SDL_GetError());
        return -1;
    }
    int rc = 0;
    if (SDL_RenderReadPixels(r, NULL, SDL_PIXELFORMAT_ARGB8888, s->pixels, s->pitch) != 0) {
        buf_printf(err, "cannot read the frame: %s", SDL_GetError());
        rc = -1;
    } else if (IMG_SavePNG(s, path) != 0) {
        buf_printf(err, "cannot write %s: %s", path, IMG_GetError());
        rc = -1;
    }
    SDL_FreeSurface(s);
    return rc;
}
