/* render: one full redraw per dirty frame (the app only calls it when
 * something changed). Only the items inside the visible band are drawn, so a
 * long page costs what a screen of it costs. Images are decoded once and
 * kept as textures keyed by their Image (stable while the module is open). */
#include "render.h"

#include <stdlib.h>
#include <string.h>

#include <SDL_image.h>

#include "theme.h"

typedef struct ImageEntry {
    const Image *img;
    SDL_Texture *tex;       /* NULL when it could not be decoded */
    int w, h;
} ImageEntry;

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
};

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
}

static void frame(Render *R, int x, int y, int w, int h, int t, ColorRole role)
{
    fill(R, x, y, w, t, role);
    fill(R, x, y + h - t, w, t, role);
    fill(R, x, y, t, h, role);
    fill(R, x + w - t, y, t, h, role);
}

/* Draws s[0..n) at (x, y) top-left; returns its width. */
static int text(Render *R, FontId font, const char *s, size_t n, int x, int y, ColorRole role)
{
    if (n == 0)
        return 0;
    if (n + 1 > R->scratch_cap) {
        char *p = realloc(R->scratch, n + 1);
        if (!p)
            return 0;
        R->scratch = p;
        R->scratch_cap = n + 1;
    }
    memcpy(R->scratch, s, n);
    R->scratch[n] = 0;
    ThemeRGB c = theme_color(R->theme, role);
    SDL_Color col = { c.r, c.g, c.b, 255 };
    SDL_Surface *surf = TTF_RenderUTF8_Blended(font_get(R->fonts, font), R->scratch, col);
    if (!surf)
        return 0;
    SDL_Texture *t = SDL_CreateTextureFromSurface(R->r, surf);
    int w = surf->w;
    if (t) {
        SDL_Rect dst = { x, y, surf->w, surf->h };
        SDL_RenderCopy(R->r, t, NULL, &dst);
        SDL_DestroyTexture(t);
    }
    SDL_FreeSurface(surf);
    return w;
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
        if (e && e->tex) {
            SDL_RenderCopy(R->r, e->tex, NULL, &dst);
        } else {
            /* a missing image: a frame with its alt text */
            frame(R, dst.x, dst.y, dst.w, dst.h, 1, COLOR_RULE);
            const char *alt = d->image->alt ? d->image->alt : "";
            text(R, FONT_ID(FACE_ITALIC, SIZE_SMALL), alt, strlen(alt), dst.x + 8, dst.y + 8,
                 COLOR_MUTED);
        }
        break;
    }
    }
}

static void button(Render *R, LayoutRect r, const char *label, int bar_h)
{
    if (r.w <= 0 || !label)
        return;
    FontId f = FONT_ID(FACE_BOLD, SIZE_SMALL);
    int tw = font_measure(R->fonts, f, label, strlen(label));
    int th = TTF_FontHeight(font_get(R->fonts, f));
    int pad = 6;
    fill(R, r.x + pad, r.y + pad, r.w - 2 * pad, bar_h - 2 * pad, COLOR_BUTTON_BG);
    frame(R, r.x + pad, r.y + pad, r.w - 2 * pad, bar_h - 2 * pad, 1, COLOR_BAR_TEXT);
    text(R, f, label, strlen(label), r.x + (r.w - tw) / 2, r.y + (bar_h - th) / 2,
         COLOR_BUTTON_TEXT);
}

void render_frame(Render *R, const UiView *v)
{
    R->theme = v->theme;
    set_color(R, COLOR_BG);
    SDL_RenderSetClipRect(R->r, NULL);
    SDL_RenderClear(R->r);

    /* content */
    SDL_Rect clip = { 0, v->content_y, v->width, v->content_h };
    SDL_RenderSetClipRect(R->r, &clip);
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
    SDL_RenderSetClipRect(R->r, NULL);

    /* top bar: title, where, contents button */
    FontId bf = FONT_ID(FACE_BOLD, SIZE_SMALL);
    FontId rf = FONT_ID(FACE_REGULAR, SIZE_SMALL);
    int th = TTF_FontHeight(font_get(R->fonts, bf));
    fill(R, 0, 0, v->width, v->bar_h, COLOR_BAR_BG);
    fill(R, 0, v->bar_h - 1, v->width, 1, COLOR_RULE);   /* seen in high contrast */
    int right = v->toc_r.w > 0 ? v->toc_r.x : v->width;
    int ww = v->where && *v->where ? font_measure(R->fonts, rf, v->where, strlen(v->where)) : 0;
    if (ww)
        text(R, rf, v->where, strlen(v->where), right - ww - 16, (v->bar_h - th) / 2,
             COLOR_BAR_TEXT);
    if (v->title) {
        /* the title gives way to the page number when the window is narrow */
        size_t len = strlen(v->title);
        int room = right - ww - 48;
        size_t fit = layout_fit(&R->measure, bf, v->title, len, room > 0 ? room : 0, 0);
        if (fit < len) {    /* cut: end on an ellipsis */
            static const char ell[] = "\xe2\x80\xa6";
            int ew = font_measure(R->fonts, bf, ell, 3);
            fit = layout_fit(&R->measure, bf, v->title, len, room - ew > 0 ? room - ew : 0, 0);
            int x = 16 + text(R, bf, v->title, fit, 16, (v->bar_h - th) / 2, COLOR_BAR_TEXT);
            text(R, bf, ell, 3, x, (v->bar_h - th) / 2, COLOR_BAR_TEXT);
        } else {
            text(R, bf, v->title, fit, 16, (v->bar_h - th) / 2, COLOR_BAR_TEXT);
        }
    }
    button(R, v->toc_r, v->toc_label, v->bar_h);

    /* bottom bar: previous, hint, next */
    int by = v->height - v->bar_h;
    fill(R, 0, by, v->width, v->bar_h, COLOR_BAR_BG);
    fill(R, 0, by, v->width, 1, COLOR_RULE);
    LayoutRect pr = v->prev_r, nr = v->next_r;
    if (pr.w > 0) {
        pr.y = by;
        button(R, pr, v->prev_label, v->bar_h);
    }
    if (nr.w > 0) {
        nr.y = by;
        button(R, nr, v->next_label, v->bar_h);
    }
    if (v->hint) {
        int left = v->width / 6 > 120 ? v->width / 6 : 120;
        int room = v->width - 2 * left - 16;
        int hw = font_measure(R->fonts, rf, v->hint, strlen(v->hint));
        if (hw <= room)
            text(R, rf, v->hint, strlen(v->hint), (v->width - hw) / 2, by + (v->bar_h - th) / 2,
                 COLOR_BAR_TEXT);
    }
    if (v->notice) {
        size_t len = strlen(v->notice);
        int nw = font_measure(R->fonts, bf, v->notice, len);
        int w = nw + 32 < v->width - 16 ? nw + 32 : v->width - 16;
        int x = (v->width - w) / 2;
        int y = by - v->bar_h - 8;
        fill(R, x, y, w, v->bar_h, COLOR_WARNING_BG);
        frame(R, x, y, w, v->bar_h, 2, COLOR_WARNING_BAR);
        size_t fit = layout_fit(&R->measure, bf, v->notice, len, w - 32, 0);
        text(R, bf, v->notice, fit, x + 16, y + (v->bar_h - th) / 2, COLOR_TEXT);
    }
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
