/* layout: greedy line breaking over styled runs. A "word" is a stretch
 * without an ASCII space; it may span several runs ("**gras**," is two
 * fragments of one word), so punctuation never leaves its word and a no-break
 * space (not an ASCII space) never becomes a break. A word wider than the
 * column is cut between characters (binary search on a bounded prefix, so a
 * 2 MB word costs O(lines x log) measures, not O(n^2)). Blocks stack down a
 * centred column; the result is kept until the inputs change. */
#include "layout.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"

/* An answered question's verdict, so the ui can scroll it into view. */
typedef struct Verdict {
    const Question *q;
    LayoutRect r;
} Verdict;

struct Layout {
    Verdict *verdicts;
    size_t nverdicts, vcap;
    DrawItem *items;
    size_t nitems, cap;
    LayoutTarget *targets;
    size_t ntargets, tcap;
    Arena scratch;          /* strings the layout makes (list numbers, words) */
    int height;
    LayoutRect column;
    int truncated;
    int oom;
    /* cache key */
    int valid;
    const Block *key_blocks;
    LayoutParams key;
};

/* A piece of a word waiting to be placed. */
typedef struct Frag {
    const char *s;
    size_t n;
    FontId font;
    ColorRole color;
    int target;
    unsigned flags;
    int w;
} Frag;

typedef struct Placed {
    Frag f;
    int x;
} Placed;

/* Line-breaking state for one paragraph. */
typedef struct Flow {
    int x0, w;              /* column of this paragraph */
    int x;                  /* pen position on the current line */
    int space_w;            /* width of the pending space, 0 when none */
    int line_h;             /* height of the current line */
    int min_line_h;
    Placed *line;
    size_t nline, cap;
    Frag *word;
    size_t nword, wcap;
    int word_w;
    CellAlign align;
} Flow;

typedef struct Ctx {
    Layout *L;
    const LayoutParams *p;
    const LayoutMeasure *m;
    const LayoutHooks *h;
    int y;
    int em;                 /* body font pixel size */
    int lines;
} Ctx;

/* No line holds this many bytes: longer stretches are measured only this
 * far, which bounds the cost of a hostile 2 MB word. */
#define LAYOUT_FIT_MAX 1024

static const int FONT_PX[SIZE_COUNT] = { 20, 16, 32, 26, 22 };

int layout_font_px(int size, int scale_pct)
{
    if (size < 0 || size >= SIZE_COUNT)
        size = SIZE_BODY;
    if (scale_pct < 50)
        scale_pct = 50;
    if (scale_pct > 400)
        scale_pct = 400;
    return (FONT_PX[size] * scale_pct + 50) / 100;
}

/* ---- growing arrays ----------------------------------------------------- */

static int grow(void **arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap + *cap / 2 : 64;
    if (ncap < need)
        ncap = need;
    if (ncap > ((size_t)-1) / size)
        return -1;
    void *p = realloc(*arr, ncap * size);
    if (!p)
        return -1;
    *arr = p;
    *cap = ncap;
    return 0;
}

static DrawItem *add_item(Ctx *C, DrawKind kind, int x, int y, int w, int h, ColorRole color)
{
    Layout *L = C->L;
    if (grow((void **)&L->items, &L->cap, L->nitems + 1, sizeof(*L->items)) < 0) {
        L->oom = 1;
        return NULL;
    }
    DrawItem *d = &L->items[L->nitems++];
    memset(d, 0, sizeof(*d));
    d->kind = kind;
    d->r = (LayoutRect){ x, y, w, h };
    d->color = color;
    d->target = -1;
    return d;
}

static void add_rect(Ctx *C, int x, int y, int w, int h, ColorRole color, int target)
{
    DrawItem *d = add_item(C, DRAW_RECT, x, y, w, h, color);
    if (d)
        d->target = target;
}

static int add_target(Ctx *C, TargetKind kind)
{
    Layout *L = C->L;
    if (grow((void **)&L->targets, &L->tcap, L->ntargets + 1, sizeof(*L->targets)) < 0) {
        L->oom = 1;
        return -1;
    }
    LayoutTarget *t = &L->targets[L->ntargets];
    memset(t, 0, sizeof(*t));
    t->kind = kind;
    return (int)L->ntargets++;
}

/* Sets the whole clickable box of a target (a choice row, a text box). */
static void target_set(Ctx *C, int t, int x, int y, int w, int h)
{
    if (t >= 0)
        C->L->targets[t].r = (LayoutRect){ x, y, w, h };
}

static void target_rect(Ctx *C, int t, int x, int y, int w, int h)
{
    if (t < 0)
        return;
    LayoutTarget *tg = &C->L->targets[t];
    if (tg->r.w == 0 && tg->r.h == 0) {
        tg->r = (LayoutRect){ x, y, w, h };
    } else if (tg->r.y == y) {
        int right = x + w > tg->r.x + tg->r.w ? x + w : tg->r.x + tg->r.w;
        if (x < tg->r.x)
            tg->r.x = x;
        tg->r.w = right - tg->r.x;
    }
}

/* A frame of four rects, t thick (a tenth of the em, at least 3 px); h may be
 * 0 and set later by border_height() once the box's height is known. */
static int border_px(Ctx *C)
{
    return C->em / 7 > 3 ? C->em / 7 : 3;
}

static void add_border(Ctx *C, int x, int y, int w, int h, ColorRole color)
{
    int t = border_px(C);
    add_rect(C, x, y, w, t, color, -1);                 /* top */
    add_rect(C, x, y + h - t, w, t, color, -1);         /* bottom */
    add_rect(C, x, y, t, h, color, -1);                 /* left */
    add_rect(C, x + w - t, y, t, h, color, -1);         /* right */
}

/* Sets the height of the border whose first rect is items[first]. */
static void border_height(Ctx *C, size_t first, int y, int h)
{
    int t = border_px(C);
    DrawItem *d = &C->L->items[first];
    d[1].r.y = y + h - t;
    d[2].r.h = h;
    d[3].r.h = h;
}

static void add_verdict(Ctx *C, const Question *q, LayoutRect r)
{
    Layout *L = C->L;
    if (grow((void **)&L->verdicts, &L->vcap, L->nverdicts + 1, sizeof(*L->verdicts)) < 0) {
        L->oom = 1;
        return;
    }
    L->verdicts[L->nverdicts++] = (Verdict){ q, r };
}

/* ---- UTF-8 ------------------------------------------------------------- */

static size_t utf8_next(const char *s, size_t n, size_t i)
{
    if (i >= n)
        return n;
    i++;
    while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
        i++;
    return i;
}

size_t layout_fit(const LayoutMeasure *m, FontId font, const char *s, size_t n, int w,
                  int force)
{
    /* A line holds far fewer than 1024 characters, so the search is bounded
     * whatever the length of the word. */
    size_t offs[LAYOUT_FIT_MAX + 1];
    size_t k = 0, i = 0;
    while (i < n && k < LAYOUT_FIT_MAX) {
        i = utf8_next(s, n, i);
        offs[++k] = i;
    }
    offs[0] = 0;
    size_t lo = 0, hi = k;       /* offs[lo] fits; find the largest */
    while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2;
        if (m->measure(m->ud, font, s, offs[mid]) <= w)
            lo = mid;
        else
            hi = mid - 1;
    }
    if (lo == 0 && force && k > 0)
        lo = 1;
    return offs[lo];
}

/* ---- lines --------------------------------------------------------------- */

static int font_lh(Ctx *C, FontId f)
{
    int h = C->m->line_height(C->m->ud, f);
    return h > 0 ? h : 1;
}

static void end_line(Ctx *C, Flow *F, int force)
{
    if (F->nline == 0 && !force)
        return;
    int h = F->line_h > F->min_line_h ? F->line_h : F->min_line_h;
    if (C->lines >= LAYOUT_MAX_LINES) {
        C->L->truncated = 1;
        F->nline = 0;
        F->x = 0;
        F->space_w = 0;
        return;
    }
    int shift = 0;
    if (F->nline > 0 && (F->align == ALIGN_RIGHT || F->align == ALIGN_CENTER)) {
        Placed *last = &F->line[F->nline - 1];
        int used = last->x + last->f.w;
        shift = F->align == ALIGN_RIGHT ? F->w - used : (F->w - used) / 2;
        if (shift < 0)
            shift = 0;
    }
    DrawItem *prev = NULL;
    int drift = 0;      /* how much wider merged runs really are than their words */
    for (size_t i = 0; i < F->nline; i++) {
        Placed *pl = &F->line[i];
        int x = F->x0 + pl->x + shift + drift;
        /* one draw item per stretch of same style: "a b c" stays one run. A
         * real font rounds each word's width, so the stretch is re-measured
         * whole and what follows on the line moves by the difference. */
        if (prev && prev->font == pl->f.font && prev->color == pl->f.color &&
            prev->target == pl->f.target && prev->flags == pl->f.flags &&
            prev->text + prev->len + 1 == pl->f.s && prev->text[prev->len] == ' ') {
            prev->len = (size_t)(pl->f.s + pl->f.n - prev->text);
            int sum = x + pl->f.w - prev->r.x;
            prev->r.w = C->m->measure(C->m->ud, prev->font, prev->text, prev->len);
            drift += prev->r.w - sum;
        } else {
            prev = add_item(C, DRAW_TEXT, x, C->y, pl->f.w, h, pl->f.color);
            if (!prev)
                return;
            prev->font = pl->f.font;
            prev->text = pl->f.s;
            prev->len = pl->f.n;
            prev->target = pl->f.target;
            prev->flags = pl->f.flags;
        }
        target_rect(C, pl->f.target, prev->r.x, C->y, prev->r.w, h);
    }
    C->y += h;
    C->lines++;
    F->nline = 0;
    F->x = 0;
    F->space_w = 0;
    F->line_h = 0;
}

static void place(Ctx *C, Flow *F, const Frag *f, int x)
{
    if (grow((void **)&F->line, &F->cap, F->nline + 1, sizeof(*F->line)) < 0) {
        C->L->oom = 1;
        return;
    }
    F->line[F->nline].f = *f;
    F->line[F->nline].x = x;
    F->nline++;
    F->x = x + f->w;
    int h = font_lh(C, f->font);
    if (h > F->line_h)
        F->line_h = h;
}

/* Whether two fragments become one run in end_line(): same style, one ASCII
 * space apart in the same text. */
static int joins(const char *run, size_t run_n, const Frag *prev, const Frag *f)
{
    return prev->font == f->font && prev->color == f->color && prev->target == f->target &&
           prev->flags == f->flags && run + run_n + 1 == f->s && run[run_n] == ' ';
}

/* Where the current line would end, with the pending word after its space,
 * once end_line() has merged and re-measured its runs: a real font makes a
 * run a few pixels wider than the sum of its words. */
static int line_end_with_word(Ctx *C, const Flow *F)
{
    const Frag *prev = NULL;
    const char *run = NULL;
    size_t run_n = 0;
    int run_x = 0, drift = 0, end = 0;
    size_t total = F->nline + F->nword;
    int wx = F->x + F->space_w;
    for (size_t i = 0; i < total; i++) {
        const Frag *f = i < F->nline ? &F->line[i].f : &F->word[i - F->nline];
        int x = (i < F->nline ? F->line[i].x : wx) + drift;
        if (i >= F->nline)
            wx += f->w;
        if (prev && joins(run, run_n, prev, f)) {
            run_n = (size_t)(f->s + f->n - run);
            int real = C->m->measure(C->m->ud, f->font, run, run_n);
            drift += real - (x + f->w - run_x);
            end = run_x + real;
        } else {
            run = f->s;
            run_n = f->n;
            run_x = x;
            end = x + f->w;
        }
        prev = f;
    }
    return end;
}

/* Places the pending word: on this line after the space, else on the next
 * line, else cut between characters. */
static void flush_word(Ctx *C, Flow *F)
{
    if (F->nword == 0)
        return;
    if (F->nline > 0 && F->x + F->space_w + F->word_w > F->w)
        end_line(C, F, 0);
    /* the sum of the words fits; near the end of the line, check what the
     * merged runs will really measure (a few pixels a word at most) */
    else if (F->nline > 0 && F->x + F->space_w + F->word_w + 4 * (int)F->nline > F->w &&
             line_end_with_word(C, F) > F->w)
        end_line(C, F, 0);
    if (F->word_w <= F->w - (F->nline ? F->x + F->space_w : 0)) {
        int x = F->nline ? F->x + F->space_w : 0;
        for (size_t i = 0; i < F->nword; i++) {
            place(C, F, &F->word[i], x);
            x += F->word[i].w;
        }
    } else {
        /* wider than the column: cut, fragment by fragment */
        for (size_t i = 0; i < F->nword && !C->L->oom; i++) {
            Frag f = F->word[i];
            while (f.n > 0 && !C->L->oom) {
                if (C->L->truncated)
                    break;
                int x = F->nline ? F->x : 0;
                if (x + f.w <= F->w) {
                    place(C, F, &f, x);
                    break;
                }
                size_t k = layout_fit(C->m, f.font, f.s, f.n, F->w - x, F->nline == 0);
                if (k == 0) {
                    end_line(C, F, 0);
                    continue;
                }
                Frag head = f;
                head.n = k;
                head.w = C->m->measure(C->m->ud, f.font, f.s, k);
                place(C, F, &head, x);
                end_line(C, F, 0);
                f.s += k;
                f.n -= k;
                f.w = C->m->measure(C->m->ud, f.font, f.s,
                                    f.n < LAYOUT_FIT_MAX ? f.n : LAYOUT_FIT_MAX);
                if (f.n >= LAYOUT_FIT_MAX)
                    f.w = F->w + 1;     /* surely too wide: keep cutting */
            }
        }
    }
    F->nword = 0;
    F->word_w = 0;
    F->space_w = 0;
}

static void add_frag(Ctx *C, Flow *F, const char *s, size_t n, FontId font, ColorRole color,
                     int target, unsigned flags)
{
    if (grow((void **)&F->word, &F->wcap, F->nword + 1, sizeof(*F->word)) < 0) {
        C->L->oom = 1;
        return;
    }
    Frag *f = &F->word[F->nword++];
    f->s = s;
    f->n = n;
    f->font = font;
    f->color = color;
    f->target = target;
    f->flags = flags;
    /* a huge fragment is only measured as far as a line can reach */
    f->w = C->m->measure(C->m->ud, font, s, n < LAYOUT_FIT_MAX ? n : LAYOUT_FIT_MAX);
    if (n >= LAYOUT_FIT_MAX && f->w <= F->w)
        f->w = F->w + 1;
    F->word_w += f->w;
}

static FontId style_font(unsigned style, int size, int base_face)
{
    int face = base_face;
    if (style & INLINE_CODE)
        face = FACE_MONO;
    else if ((style & INLINE_STRONG) && (style & INLINE_EM))
        face = FACE_BOLD_ITALIC;
    else if (style & INLINE_STRONG)
        face = base_face == FACE_ITALIC ? FACE_BOLD_ITALIC : FACE_BOLD;
    else if (style & INLINE_EM)
        face = base_face == FACE_BOLD ? FACE_BOLD_ITALIC : FACE_ITALIC;
    return FONT_ID(face, size);
}

/* Text of a run list laid in [x0, x0 + w) from C->y down. target >= 0 makes
 * every fragment part of that target (a choice's label). */
static void lay_text(Ctx *C, const Inline *in, int x0, int w, int size, int face,
                     ColorRole color, int target, CellAlign align)
{
    Flow F = {0};
    F.x0 = x0;
    F.w = w > 1 ? w : 1;
    F.align = align;
    F.min_line_h = font_lh(C, FONT_ID(face, size));
    for (; in && !C->L->oom; in = in->next) {
        if (in->style & INLINE_BREAK) {
            flush_word(C, &F);
            end_line(C, &F, 1);
            continue;
        }
        FontId font = style_font(in->style, size, face);
        ColorRole col = color;
        int tg = target;
        unsigned flags = (in->style & INLINE_STRIKE) ? DRAW_STRIKE : 0;
        if ((in->style & (INLINE_LINK | INLINE_CITE)) && target < 0) {
            tg = add_target(C, TARGET_LINK);
            if (tg >= 0)
                C->L->targets[tg].href = in->href;
            col = COLOR_LINK;
            flags |= DRAW_UNDERLINE;
        }
        const char *s = in->text;
        size_t n = strlen(s);
        size_t i = 0;
        while (i < n) {
            if (s[i] == ' ') {
                flush_word(C, &F);
                F.space_w = C->m->measure(C->m->ud, font, " ", 1);
                while (i < n && s[i] == ' ')
                    i++;
                continue;
            }
            size_t j = i;
            while (j < n && s[j] != ' ')
                j++;
            add_frag(C, &F, s + i, j - i, font, col, tg, flags);
            i = j;
        }
    }
    flush_word(C, &F);
    end_line(C, &F, 0);
    free(F.line);
    free(F.word);
}

static void lay_plain(Ctx *C, const char *text, int x0, int w, int size, int face,
                      ColorRole color, int target)
{
    Inline in = { 0, text, NULL, NULL };
    lay_text(C, &in, x0, w, size, face, color, target, ALIGN_DEFAULT);
}

static const char *word(Ctx *C, const char *key, const char *fallback)
{
    const char *w = C->h && C->h->word ? C->h->word(C->h->ud, key) : NULL;
    return w ? w : fallback;
}

/* ---- blocks ---------------------------------------------------------------- */

static void lay_blocks(Ctx *C, const Block *b, int x, int w, int depth);

/* An indent or padding of want pixels, but at most an eighth of the width,
 * so nested boxes in a narrow window keep room for text. */
static int inset(int want, int w)
{
    return want < w / 8 ? want : (w / 8 > 0 ? w / 8 : 0);
}

static int visible(Ctx *C, const Block *b)
{
    return audience_includes(b->audience, C->p->role, C->p->setting);
}

static void lay_image(Ctx *C, const Image *img, int x, int w)
{
    int iw = img->width, ih = img->height;
    if (C->m->image_size)
        C->m->image_size(C->m->ud, img, &iw, &ih);
    if (iw <= 0 || ih <= 0) {
        iw = 16;
        ih = 9;
        iw *= w;
        ih *= w;
    }
    /* the image's pixels scale with the text, but never past the column */
    int dw = iw * C->p->scale / 100;
    if (dw > w)
        dw = w;
    int dh = (int)((long long)ih * dw / iw);
    if (dh > 4 * w)
        dh = 4 * w;
    DrawItem *d = add_item(C, DRAW_IMAGE, x + (w - dw) / 2, C->y, dw, dh, COLOR_RULE);
    if (d)
        d->image = img;
    C->y += dh;
    if (img->caption) {
        C->y += C->em / 3;
        lay_plain(C, img->caption, x, w, SIZE_SMALL, FACE_ITALIC, COLOR_MUTED, -1);
    } else if (!img->src || !*img->src) {
        lay_plain(C, img->alt, x, w, SIZE_SMALL, FACE_ITALIC, COLOR_MUTED, -1);
    }
}

/* ---- tables ------------------------------------------------------------------ */

#define TABLE_MAX_COLS 64       /* cells starting further right are not shown (nor
                                   past what fits the column at a minimal width) */

/* Where a cell sits in its table's grid (HTML's table model, simplified:
 * each row's cells take the first columns not covered by a rowspan above). */
typedef struct CellAt {
    const Block *cell;
    int row, col, rows, cols;
    int min, max;           /* widths its text needs: longest word, one line */
    size_t bg;              /* its header background item, or (size_t)-1 */
} CellAt;

static int max_i(int a, int b)
{
    return a > b ? a : b;
}

/* The widths text needs: its longest word (*min) and all of it on one line
 * (*max). A word runs on across style changes up to a space. */
static void text_widths(Ctx *C, const Inline *in, int face, int *min, int *max)
{
    int line = 0, word = 0;
    *min = *max = 0;
    for (; in; in = in->next) {
        if (in->style & INLINE_BREAK) {
            *max = max_i(*max, line);
            line = word = 0;
            continue;
        }
        FontId f = style_font(in->style, SIZE_BODY, face);
        const char *s = in->text;
        size_t n = strlen(s), i = 0;
        while (i < n) {
            size_t j = i;
            while (j < n && s[j] != ' ')
                j++;
            if (j > i) {
                int ww = C->m->measure(C->m->ud, f, s + i, j - i);
                word += ww;
                line += ww;
                *min = max_i(*min, word);
            }
            if (j < n) {
                line += C->m->measure(C->m->ud, f, " ", 1);
                word = 0;
                j++;
            }
            i = j;
        }
    }
    *max = max_i(*max, line);
}

/* Places the cells in the grid; returns how many (at most cap), the number
 * of columns in *ncols. */
static size_t place_cells(const Block *t, int nrows, int maxcols, CellAt *at, size_t cap,
                          int *ncols)
{
    int busy[TABLE_MAX_COLS] = {0};     /* first row where each column is free again */
    size_t n = 0;
    int r = 0;
    *ncols = 0;
    for (const Block *row = t->children; row; row = row->next, r++) {
        int col = 0;
        for (const Block *c = row->children; c && n < cap; c = c->next) {
            while (col < maxcols && busy[col] > r)
                col++;
            if (col >= maxcols)
                break;
            int cs = c->u.cell.colspan > 1 ? c->u.cell.colspan : 1;
            int rs = c->u.cell.rowspan > 1 ? c->u.cell.rowspan : 1;
            if (cs > maxcols - col)
                cs = maxcols - col;
            if (rs > nrows - r)
                rs = nrows - r;
            at[n] = (CellAt){ c, r, col, rs, cs, 0, 0, (size_t)-1 };
            for (int k = col; k < col + cs; k++)
                busy[k] = r + rs;
            col += cs;
            *ncols = max_i(*ncols, col);
            n++;
        }
    }
    return n;
}

/* Column widths filling w: each column gets at least its longest word when
 * the table can, and what is left goes where text is longest (as a
 * browser's automatic table layout does). ncols * least <= w. */
static void column_widths(CellAt *at, size_t n, int ncols, int w, int least, int *cw)
{
    int minw[TABLE_MAX_COLS], maxw[TABLE_MAX_COLS];
    for (int c = 0; c < ncols; c++)
        minw[c] = maxw[c] = least;
    for (int pass = 0; pass < 2; pass++) {      /* single cells first, then spans */
        for (size_t i = 0; i < n; i++) {
            if ((at[i].cols > 1) != pass)
                continue;
            int hmin = 0, hmax = 0;
            for (int c = at[i].col; c < at[i].col + at[i].cols; c++) {
                hmin += minw[c];
                hmax += maxw[c];
            }
            for (int c = at[i].col; c < at[i].col + at[i].cols; c++) {
                if (at[i].min > hmin)
                    minw[c] += (at[i].min - hmin) / at[i].cols + 1;
                if (at[i].max > hmax)
                    maxw[c] += (at[i].max - hmax) / at[i].cols + 1;
                maxw[c] = max_i(maxw[c], minw[c]);
            }
        }
    }
    long smin = 0, smax = 0;
    for (int c = 0; c < ncols; c++) {
        smin += minw[c];
        smax += maxw[c];
    }
    long used = 0;
    for (int c = 0; c < ncols; c++) {
        if (smax <= w)
            cw[c] = (int)(maxw[c] + (w - smax) * maxw[c] / (smax ? smax : 1));
        else if (smin <= w)
            cw[c] = (int)(minw[c] + (w - smin) * (maxw[c] - minw[c])
                                    / (smax - smin ? smax - smin : 1));
        else    /* words must break: each column its least, the rest after longest words */
            cw[c] = least + (int)((long)(w - (long)least * ncols) * (minw[c] - least)
                                  / (smin - (long)least * ncols ? smin - (long)least * ncols : 1));
        used += cw[c];
    }
    if (used < w && ncols > 0)
        cw[ncols - 1] += (int)(w - used);
}

/* A table: its caption above it, cells on a grid (colspan, rowspan), a rule
 * under each row except through a cell that spans down, a rule between
 * cells, header cells bold on a tinted background. */
static void lay_table(Ctx *C, const Block *t, int x, int w)
{
    int nrows = 0;
    size_t ncells = 0;
    for (const Block *r = t->children; r; r = r->next, nrows++)
        for (const Block *c = r->children; c; c = c->next)
            ncells++;
    if (t->text) {
        lay_text(C, t->text, x, w, SIZE_BODY, FACE_BOLD, COLOR_TEXT, -1, ALIGN_DEFAULT);
        C->y += C->em / 4;
    }
    if (ncells == 0)
        return;
    CellAt *at = malloc(ncells * sizeof(*at));
    int *top = malloc((size_t)(nrows + 1) * sizeof(*top));
    int *bottom = calloc((size_t)nrows, sizeof(*bottom));
    if (!at || !top || !bottom) {
        C->L->oom = 1;
        goto out;
    }
    int ncols = 0;
    int pad = C->em / 3, least = 3 * pad + 4;
    /* as many columns as fit at least width: a wider table never leaves the
       column (cells further right are not shown) */
    int maxcols = w / least < TABLE_MAX_COLS ? (w / least > 0 ? w / least : 1) : TABLE_MAX_COLS;
    size_t n = place_cells(t, nrows, maxcols, at, ncells, &ncols);
    int cw[TABLE_MAX_COLS], cx[TABLE_MAX_COLS + 1];
    for (size_t i = 0; i < n; i++) {
        const Block *row = t->children;
        for (int k = 0; k < at[i].row; k++)
            row = row->next;
        int face = row->u.row.header || at[i].cell->u.cell.header ? FACE_BOLD : FACE_REGULAR;
        text_widths(C, at[i].cell->text, face, &at[i].min, &at[i].max);
        at[i].min += 2 * pad + 1;
        at[i].max += 2 * pad + 1;
    }
    column_widths(at, n, ncols, w, least, cw);
    cx[0] = x;
    for (int c = 0; c < ncols; c++)
        cx[c + 1] = cx[c] + cw[c];
    int width = cx[ncols] - x;
    add_rect(C, x, C->y, width, 1, COLOR_RULE, -1);
    C->y += 1;
    size_t i = 0;
    int r = 0;
    for (const Block *row = t->children; row; row = row->next, r++) {
        top[r] = C->y;
        bottom[r] = max_i(bottom[r], C->y + 2 * pad);
        for (; i < n && at[i].row == r; i++) {
            const Block *c = at[i].cell;
            int header = row->u.row.header || c->u.cell.header;
            int x0 = cx[at[i].col], x1 = cx[at[i].col + at[i].cols];
            if (header) {
                at[i].bg = C->L->nitems;
                add_rect(C, x0, top[r], x1 - x0, 0, COLOR_CODE_BG, -1);
            }
            C->y = top[r] + pad;
            lay_text(C, c->text, x0 + pad, x1 - x0 - 2 * pad, SIZE_BODY,
                     header ? FACE_BOLD : FACE_REGULAR, COLOR_TEXT, -1, c->u.cell.align);
            int last = at[i].row + at[i].rows - 1;
            bottom[last] = max_i(bottom[last], C->y + pad);
        }
        /* the rule under this row, left out where a cell goes on below it */
        int seg = -1;
        for (int c = 0; c <= ncols; c++) {
            int open = 0;
            if (c < ncols) {
                open = 1;
                for (size_t k = 0; k < n; k++)
                    if (at[k].row <= r && at[k].row + at[k].rows - 1 > r && at[k].col <= c
                        && c < at[k].col + at[k].cols)
                        open = 0;
            }
            if (open && seg < 0)
                seg = c;
            else if (!open && seg >= 0) {
                add_rect(C, cx[seg], bottom[r], cx[c] - cx[seg], 1, COLOR_RULE, -1);
                seg = -1;
            }
        }
        C->y = bottom[r] + 1;
        if (r + 1 < nrows)
            bottom[r + 1] = max_i(bottom[r + 1], C->y);
    }
    top[nrows] = C->y;
    /* now that rows have heights: header backgrounds, rules between cells */
    for (size_t k = 0; k < n && !C->L->oom; k++) {
        int y0 = top[at[k].row], y1 = top[at[k].row + at[k].rows] - 1;
        if (at[k].bg != (size_t)-1)
            C->L->items[at[k].bg].r.h = y1 - y0;
        if (at[k].col > 0)
            add_rect(C, cx[at[k].col], y0, 1, y1 - y0, COLOR_RULE, -1);
    }
out:
    free(at);
    free(top);
    free(bottom);
}

/* ---- notices ------------------------------------------------------------------ */

/* tmpl with "%1" replaced by arg (no printf: words may come from a page). */
static const char *fill(Ctx *C, const char *tmpl, const char *arg)
{
    const char *at = strstr(tmpl, "%1");
    if (!at)
        return tmpl;
    char *s = arena_printf(&C->L->scratch, "%.*s%s%s", (int)(at - tmpl), tmpl, arg ? arg : "",
                           at + 2);
    if (!s)
        C->L->oom = 1;
    return s ? s : "";
}

/* What a third-party page has that the player cannot show (a video, a
 * sound, a page built by scripts), said on a panel in the learner's words
 * (the catalogue's keys "player.notice-video", "...-unnamed", "...-detail"
 * and the same for "audio" and "browser"). Without words, the file name. */
static void lay_notice(Ctx *C, const Block *b, int x, int w)
{
    static const char *const keys[][3] = {
        [NOTICE_VIDEO] = { "player.notice-video", "player.notice-video-unnamed",
                           "player.notice-video-detail" },
        [NOTICE_AUDIO] = { "player.notice-audio", "player.notice-audio-unnamed",
                           "player.notice-audio-detail" },
        [NOTICE_NEEDS_BROWSER] = { "player.notice-browser", "player.notice-browser",
                                   "player.notice-browser-detail" },
    };
    unsigned k = (unsigned)b->u.notice.kind;
    if (k >= sizeof(keys) / sizeof(keys[0]))
        return;
    const char *file = b->u.notice.file;
    const char *title = file ? fill(C, word(C, keys[k][0], "%1"), file)
                             : word(C, keys[k][1], "");
    const char *detail = word(C, keys[k][2], "");
    if (!*title && !*detail)
        return;
    int em = C->em, pad = inset(em * 3 / 4, w), bar = em / 4 > 3 ? em / 4 : 3;
    size_t bg = C->L->nitems;
    int top = C->y;
    add_rect(C, x, top, w, 0, COLOR_WARNING_BG, -1);
    add_rect(C, x, top, bar, 0, COLOR_WARNING_BAR, -1);
    C->y += pad;
    if (*title)
        lay_plain(C, title, x + pad + bar, w - 2 * pad - bar, SIZE_BODY, FACE_BOLD,
                  COLOR_TEXT, -1);
    if (*title && *detail)
        C->y += em / 4;
    if (*detail)
        lay_plain(C, detail, x + pad + bar, w - 2 * pad - bar, SIZE_BODY, FACE_REGULAR,
                  COLOR_TEXT, -1);
    C->y += pad;
    if (!C->L->oom) {
        C->L->items[bg].r.h = C->y - top;
        C->L->items[bg + 1].r.h = C->y - top;
    }
}

/* A button at x, at most w wide: one line when the label fits, else the
 * label wraps inside the button (a narrow window at 200 %). */
static void lay_button(Ctx *C, int x, int w, const char *label, int target, ColorRole bg)
{
    FontId f = FONT_ID(FACE_BOLD, SIZE_BODY);
    ColorRole fg = bg == COLOR_BUTTON_BG ? COLOR_BUTTON_TEXT : COLOR_TEXT;
    int tw = C->m->measure(C->m->ud, f, label, strlen(label));
    int pad = C->em;
    if (tw + 2 * pad > w)
        pad = inset(C->em, w) > 2 ? inset(C->em, w) : 2;
    int top = C->y;
    if (tw + 2 * pad <= w) {
        int h = font_lh(C, f) + C->em / 2;
        add_rect(C, x, top, tw + 2 * pad, h, bg, target);
        DrawItem *d = add_item(C, DRAW_TEXT, x + pad, top + C->em / 4, tw, font_lh(C, f), fg);
        if (d) {
            d->font = f;
            d->text = label;
            d->len = strlen(label);
            d->target = target;
        }
        target_set(C, target, x, top, tw + 2 * pad, h);
        C->y += h;
        return;
    }
    size_t bgi = C->L->nitems;
    add_rect(C, x, top, w, 0, bg, target);
    C->y += C->em / 4;
    lay_plain(C, label, x + pad, w - 2 * pad, SIZE_BODY, FACE_BOLD, fg, target);
    C->y += C->em / 4;
    if (!C->L->oom)
        C->L->items[bgi].r.h = C->y - top;
    target_set(C, target, x, top, w, C->y - top);
}

static const char *marker(Ctx *C, const char *s)
{
    char *m = arena_strdup(&C->L->scratch, s);
    if (!m)
        C->L->oom = 1;
    return m ? m : "";
}

static void lay_marker(Ctx *C, int x, int y, const char *text, ColorRole color, int target)
{
    FontId f = FONT_ID(FACE_REGULAR, SIZE_BODY);
    int tw = C->m->measure(C->m->ud, f, text, strlen(text));
    DrawItem *d = add_item(C, DRAW_TEXT, x, y, tw, font_lh(C, f), color);
    if (d) {
        d->font = f;
        d->text = text;
        d->len = strlen(text);
        d->target = target;
        d->flags = DRAW_MARKER;
    }
}

/* The choices of a question, or of a scenario step (q NULL), in the order
 * the hooks give (the attempt's), else as written: by[k] is the k-th shown
 * and idx[k] its written index. Returns how many (at most max). */
static int shown_order(Ctx *C, const Question *q, const Scenario *sc, const Step *st,
                       const void **by, int *idx, int max)
{
    const void *written[64];
    int n = 0;
    if (max > 64)
        max = 64;
    if (q)
        for (const Choice *c = q->choices; c && n < max; c = c->next)
            written[n++] = c;
    else
        for (const StepChoice *c = st->choices; c && n < max; c = c->next)
            written[n++] = c;
    int order[64], seen[64] = {0};
    int ok = C->h && C->h->order && C->h->order(C->h->ud, q, sc, st, order, n);
    for (int k = 0; ok && k < n; k++)     /* a permutation of 0..n-1, or ignored */
        ok = order[k] >= 0 && order[k] < n && !seen[order[k]]++;
    for (int k = 0; k < n; k++) {
        idx[k] = ok ? order[k] : k;
        by[k] = written[idx[k]];
    }
    return n;
}

static void lay_question(Ctx *C, const Question *q, int x, int w, int depth)
{
    unsigned sel = 0;
    int answered = C->h && C->h->question ? C->h->question(C->h->ud, q, &sel) : 0;
    int pad = inset(C->em * 3 / 4, w);
    size_t bg = C->L->nitems;
    int top = C->y;
    add_rect(C, x, top, w, 0, COLOR_PANEL_BG, -1);
    C->y += pad;
    lay_blocks(C, q->prompt, x + pad, w - 2 * pad, depth + 1);
    C->y += C->em / 2;
    const void *shown[QUESTION_MAX_CHOICES];
    int idx[QUESTION_MAX_CHOICES];
    int nshown = shown_order(C, q, NULL, NULL, shown, idx, QUESTION_MAX_CHOICES);
    int right = 1;
    for (int k = 0; k < nshown; k++) {
        const Choice *c = shown[k];
        int i = idx[k];     /* the written index: the bit of sel, the target's index */
        int chosen = (sel >> i) & 1;
        if (chosen != c->correct)
            right = 0;
        int t = answered ? -1 : add_target(C, TARGET_CHOICE);
        if (t >= 0) {
            C->L->targets[t].question = q;
            C->L->targets[t].index = i;
        }
        int cy = C->y;
        size_t cbg = C->L->nitems;
        add_rect(C, x + pad, cy, w - 2 * pad, 0, chosen ? COLOR_SELECTED_BG : COLOR_CHOICE_BG,
                 t);
        /* the state at a glance: a thick border on the choice taken, and once
         * answered green on the right answer, red on a wrong one taken */
        ColorRole edge = !answered ? COLOR_LINK : c->correct ? COLOR_CORRECT : COLOR_WRONG;
        size_t border = C->L->nitems;
        int bordered = chosen || (answered && c->correct);
        if (bordered)
            add_border(C, x + pad, cy, w - 2 * pad, 0, edge);
        const char *mk = q->type == QUESTION_MULTIPLE ? (chosen ? "\xe2\x98\x91" : "\xe2\x98\x90")
                                                      : (chosen ? "\xe2\x97\x89" : "\xe2\x97\x8b");
        int ipad = C->em / 2;
        lay_marker(C, x + pad + ipad, cy + ipad, mk, COLOR_TEXT, t);
        int tx = x + pad + ipad + C->em * 3 / 2;
        int tw = w - 2 * pad - 2 * ipad - C->em * 3 / 2 - (answered ? C->em * 2 : 0);
        C->y = cy + ipad;
        lay_text(C, c->text, tx, tw, SIZE_BODY, chosen ? FACE_BOLD : FACE_REGULAR, COLOR_TEXT, t,
                 ALIGN_DEFAULT);
        if (answered && (chosen || c->correct)) {
            lay_marker(C, x + w - pad - ipad - C->em, cy + ipad,
                       marker(C, c->correct ? "\xe2\x9c\x93" : "\xe2\x9c\x97"),
                       c->correct ? COLOR_CORRECT : COLOR_WRONG, -1);
        }
        if (answered && chosen && c->feedback) {
            C->y += C->em / 3;
            lay_blocks(C, c->feedback, tx, tw, depth + 1);
        }
        C->y += ipad;
        if (!C->L->oom) {
            C->L->items[cbg].r.h = C->y - cy;
            if (bordered)
                border_height(C, border, cy, C->y - cy);
        }
        target_set(C, t, x + pad, cy, w - 2 * pad, C->y - cy);
        C->y += C->em / 3;
    }
    C->y += C->em / 3;
    int verdict_top = C->y;
    if (!answered) {
        int t = add_target(C, TARGET_SUBMIT);
        if (t >= 0)
            C->L->targets[t].question = q;
        lay_button(C, x + pad, w - 2 * pad, word(C, "submit", "Submit"), t,
                   sel ? COLOR_BUTTON_BG : COLOR_RULE);
    } else {
        lay_plain(C, right ? word(C, "correct", "Correct.") : word(C, "wrong", "Not quite."),
                  x + pad, w - 2 * pad, SIZE_BODY, FACE_BOLD,
                  right ? COLOR_CORRECT : COLOR_WRONG, -1);
        if (q->explanation) {
            C->y += C->em / 2;
            lay_blocks(C, q->explanation, x + pad, w - 2 * pad, depth + 1);
        }
        add_verdict(C, q, (LayoutRect){ x, verdict_top, w, C->y - verdict_top });
    }
    C->y += pad;
    if (!C->L->oom)
        C->L->items[bg].r.h = C->y - top;
}

static void lay_step_choices(Ctx *C, const Scenario *sc, const Step *st, int x, int w,
                             const StepChoice *chosen, int active)
{
    const void *shown[SCENARIO_MAX_CHOICES];
    int idx[SCENARIO_MAX_CHOICES];
    int nshown = shown_order(C, NULL, sc, st, shown, idx, SCENARIO_MAX_CHOICES);
    for (int k = 0; k < nshown; k++) {
        const StepChoice *c = shown[k];
        if (!active && c != chosen)
            continue;
        int t = active ? add_target(C, TARGET_STEP_CHOICE) : -1;
        if (t >= 0) {
            C->L->targets[t].scenario = sc;
            C->L->targets[t].step_choice = c;
        }
        int ipad = C->em / 2;
        int cy = C->y;
        size_t cbg = C->L->nitems;
        add_rect(C, x, cy, w, 0, c == chosen ? COLOR_SELECTED_BG : COLOR_CHOICE_BG, t);
        lay_marker(C, x + ipad, cy + ipad, "\xe2\x96\xb8", COLOR_TEXT, t);
        C->y = cy + ipad;
        lay_text(C, c->text, x + ipad + C->em * 3 / 2, w - 2 * ipad - C->em * 3 / 2,
                 SIZE_BODY, c == chosen ? FACE_BOLD : FACE_REGULAR, COLOR_TEXT, t,
                 ALIGN_DEFAULT);
        C->y += ipad;
        if (!C->L->oom)
            C->L->items[cbg].r.h = C->y - cy;
        target_set(C, t, x, cy, w, C->y - cy);
        C->y += C->em / 3;
    }
}

static void lay_scenario(Ctx *C, const Scenario *sc, int x, int w, int depth)
{
    const StepChoice *path[64];
    int n = C->h && C->h->scenario ? C->h->scenario(C->h->ud, sc, path, 64) : 0;
    if (n < 0)
        n = 0;
    int pad = inset(C->em * 3 / 4, w);
    size_t bg = C->L->nitems;
    int top = C->y;
    add_rect(C, x, top, w, 0, COLOR_PANEL_BG, -1);
    C->y += pad;
    if (sc->title) {
        lay_plain(C, sc->title, x + pad, w - 2 * pad, SIZE_H3, FACE_BOLD, COLOR_HEADING, -1);
        C->y += C->em / 2;
    }
    const Step *st = sc->steps;
    for (int i = 0; st && i <= n; i++) {
        lay_blocks(C, st->body, x + pad, w - 2 * pad, depth + 1);
        C->y += C->em / 2;
        if (!st->choices) {
            int t = add_target(C, TARGET_RESTART);
            if (t >= 0)
                C->L->targets[t].scenario = sc;
            lay_button(C, x + pad, w - 2 * pad, word(C, "restart", "Play again"), t,
                       COLOR_BUTTON_BG);
            break;
        }
        const StepChoice *chosen = i < n ? path[i] : NULL;
        lay_step_choices(C, sc, st, x + pad, w - 2 * pad, chosen, i == n);
        if (!chosen)
            break;
        if (chosen->consequence) {
            C->y += C->em / 3;
            lay_blocks(C, chosen->consequence, x + pad + C->em, w - 2 * pad - C->em,
                       depth + 1);
        }
        add_rect(C, x + pad, C->y + C->em / 2, w - 2 * pad, 1, COLOR_RULE, -1);
        C->y += C->em;
        st = chosen->target;
    }
    C->y += pad;
    if (!C->L->oom)
        C->L->items[bg].r.h = C->y - top;
}

static void lay_reflection(Ctx *C, const Reflection *r, int x, int w, int depth)
{
    int saved = 0;
    const char *text = C->h && C->h->reflection ? C->h->reflection(C->h->ud, r, &saved) : NULL;
    int pad = inset(C->em * 3 / 4, w);
    size_t bg = C->L->nitems;
    int top = C->y;
    add_rect(C, x, top, w, 0, COLOR_PANEL_BG, -1);
    C->y += pad;
    lay_blocks(C, r->prompt, x + pad, w - 2 * pad, depth + 1);
    C->y += C->em / 2;
    int t = add_target(C, TARGET_TEXT);
    if (t >= 0)
        C->L->targets[t].reflection = r;
    int by = C->y;
    size_t box = C->L->nitems;
    add_rect(C, x + pad, by, w - 2 * pad, 0, COLOR_BG, t);
    C->y += C->em / 2;
    lay_plain(C, text && *text ? text : " ", x + pad + C->em / 2, w - 2 * pad - C->em,
              SIZE_BODY, FACE_REGULAR, COLOR_TEXT, t);
    C->y += C->em / 2;
    /* a reflection gets room to write; a form field (name, PIN) is one line */
    int min_h = r->max_chars < 0 ? 2 * C->em : 4 * C->em;
    if (C->y - by < min_h)
        C->y = by + min_h;
    if (!C->L->oom)
        C->L->items[box].r.h = C->y - by;
    target_set(C, t, x + pad, by, w - 2 * pad, C->y - by);
    C->y += C->em / 2;
    if (r->max_chars < 0) {     /* a form field: no button of its own */
        C->y += pad - C->em / 2;
        if (!C->L->oom)
            C->L->items[bg].r.h = C->y - top;
        return;
    }
    int s = add_target(C, TARGET_SAVE);
    if (s >= 0)
        C->L->targets[s].reflection = r;
    const char *label = saved ? word(C, "saved", "Saved") : word(C, "save", "Save");
    lay_button(C, x + pad, w - 2 * pad, label, s, COLOR_BUTTON_BG);
    C->y += pad;
    if (!C->L->oom)
        C->L->items[bg].r.h = C->y - top;
}

/* A button or a card (LayoutControl): link is the paragraph's first run
 * (its text is the label), the runs after it the card's details. */
static void lay_control(Ctx *C, const Inline *link, const LayoutControl *ctl, int x, int w)
{
    int t = add_target(C, TARGET_LINK);
    if (t >= 0)
        C->L->targets[t].href = link->href;
    if (ctl->kind == CONTROL_BUTTON || ctl->kind == CONTROL_BUTTON_QUIET) {
        lay_button(C, x, w, link->text, t,
                   ctl->kind == CONTROL_BUTTON ? COLOR_BUTTON_BG : COLOR_CHOICE_BG);
        return;
    }
    int ipad = C->em / 2;
    int top = C->y;
    size_t bg = C->L->nitems;
    add_rect(C, x, top, w, 0, ctl->selected ? COLOR_SELECTED_BG : COLOR_CHOICE_BG, t);
    size_t border = C->L->nitems;
    if (ctl->selected)
        add_border(C, x, top, w, 0, COLOR_LINK);
    int tx = x + ipad, tw = w - 2 * ipad;
    if (ctl->option) {
        lay_marker(C, x + ipad, top + ipad, ctl->selected ? "\xe2\x97\x89" : "\xe2\x97\x8b",
                   COLOR_TEXT, t);
        tx += C->em * 3 / 2;
        tw -= C->em * 3 / 2;
    }
    C->y = top + ipad;
    Inline title = *link;
    title.next = NULL;
    title.style &= ~(unsigned)INLINE_LINK;
    lay_text(C, &title, tx, tw, SIZE_BODY, FACE_BOLD, COLOR_TEXT, t, ALIGN_DEFAULT);
    if (link->next) {
        C->y += C->em / 6;
        lay_text(C, link->next, tx, tw, SIZE_SMALL, FACE_REGULAR, COLOR_MUTED, t,
                 ALIGN_DEFAULT);
    }
    if (ctl->progress >= 0) {
        int p = ctl->progress > 1000 ? 1000 : ctl->progress;
        int bh = C->em / 4 > 3 ? C->em / 4 : 3;
        C->y += C->em / 3;
        add_rect(C, tx, C->y, tw, bh, COLOR_RULE, -1);
        if (p > 0)
            add_rect(C, tx, C->y, (int)((long long)tw * p / 1000), bh, COLOR_LINK, -1);
        C->y += bh;
    }
    C->y += ipad;
    if (!C->L->oom) {
        C->L->items[bg].r.h = C->y - top;
        if (ctl->selected)
            border_height(C, border, top, C->y - top);
    }
    target_set(C, t, x, top, w, C->y - top);
}

static void lay_block(Ctx *C, const Block *b, int x, int w, int depth)
{
    int em = C->em;
    switch (b->kind) {
    case BLOCK_HEADING: {
        int size = b->u.heading.level == 1 ? SIZE_H1 : b->u.heading.level == 2 ? SIZE_H2 : SIZE_H3;
        if (C->y > em)
            C->y += em / 2;     /* a heading sits closer to what follows */
        lay_text(C, b->text, x, w, size, FACE_BOLD, COLOR_HEADING, -1, ALIGN_DEFAULT);
        break;
    }
    case BLOCK_PARAGRAPH: {
        LayoutControl ctl = { CONTROL_NONE, 0, 0, -1 };
        if (b->text && (b->text->style & INLINE_LINK) && b->text->href && C->h &&
            C->h->control && C->h->control(C->h->ud, b->text->href, &ctl) &&
            ctl.kind != CONTROL_NONE) {
            lay_control(C, b->text, &ctl, x, w);
            break;
        }
        lay_text(C, b->text, x, w, SIZE_BODY, FACE_REGULAR, COLOR_TEXT, -1, ALIGN_DEFAULT);
        break;
    }
    case BLOCK_TABLE_CELL:
        lay_text(C, b->text, x, w, SIZE_BODY, FACE_REGULAR, COLOR_TEXT, -1, ALIGN_DEFAULT);
        break;
    case BLOCK_LIST: {
        int n = b->u.list.start;
        for (const Block *it = b->children; it; it = it->next, n++) {
            if (!visible(C, it))
                continue;
            const char *mk = b->u.list.ordered
                                 ? arena_printf(&C->L->scratch, "%d.", n)
                                 : (depth % 2 ? "\xe2\x80\x93" : "\xe2\x80\xa2");
            if (!mk) {
                C->L->oom = 1;
                return;
            }
            int mw = C->m->measure(C->m->ud, FONT_ID(FACE_REGULAR, SIZE_BODY), mk, strlen(mk));
            /* the marker hangs in the indent; a narrow column gives less
             * indent, but always room for the marker */
            int indent = inset(em * 3 / 2, w);
            if (indent < mw + em / 2)
                indent = mw + em / 2;
            int y0 = C->y;
            lay_marker(C, x + indent - mw - em / 2, C->y, mk, COLOR_MUTED, -1);
            lay_blocks(C, it->children, x + indent, w - indent, depth + 1);
            /* an empty item still holds its marker's line */
            int below = y0 + font_lh(C, FONT_ID(FACE_REGULAR, SIZE_BODY));
            if (C->y < below)
                C->y = below;
            C->y += em / 4;
        }
        break;
    }
    case BLOCK_LIST_ITEM:
    case BLOCK_GROUP:
        lay_blocks(C, b->children, x, w, depth + 1);
        break;
    case BLOCK_QUOTE: {
        int top = C->y;
        int in = inset(em * 3 / 2, w);
        lay_blocks(C, b->children, x + in, w - in, depth + 1);
        add_rect(C, x + em / 3, top, em / 5 > 2 ? em / 5 : 2, C->y - top, COLOR_RULE, -1);
        break;
    }
    case BLOCK_CODE: {
        int pad = em / 2;
        size_t bg = C->L->nitems;
        int top = C->y;
        add_rect(C, x, top, w, 0, COLOR_CODE_BG, -1);
        C->y += pad;
        const char *s = b->u.code.literal ? b->u.code.literal : "";
        /* each source line is its own paragraph; long lines wrap by character */
        while (1) {
            const char *nl = strchr(s, '\n');
            size_t len = nl ? (size_t)(nl - s) : strlen(s);
            Inline in = { INLINE_CODE, NULL, NULL, NULL };
            char *line = arena_strndup(&C->L->scratch, s, len);
            if (!line) {
                C->L->oom = 1;
                return;
            }
            in.text = len ? line : " ";
            lay_text(C, &in, x + pad, w - 2 * pad, SIZE_SMALL, FACE_MONO, COLOR_TEXT, -1,
                     ALIGN_DEFAULT);
            if (!nl)
                break;
            s = nl + 1;
        }
        C->y += pad;
        if (!C->L->oom)
            C->L->items[bg].r.h = C->y - top;
        break;
    }
    case BLOCK_RULE:
        C->y += em / 2;
        add_rect(C, x, C->y, w, 1, COLOR_RULE, -1);
        C->y += em / 2;
        break;
    case BLOCK_TABLE:
        lay_table(C, b, x, w);
        break;
    case BLOCK_TABLE_ROW:
        break;
    case BLOCK_IMAGE:
        lay_image(C, &b->u.image, x, w);
        break;
    case BLOCK_CALLOUT: {
        int pad = inset(em * 3 / 4, w);
        int warn = b->u.callout.kind == CALLOUT_WARNING;
        size_t bg = C->L->nitems;
        int top = C->y;
        add_rect(C, x, top, w, 0, warn ? COLOR_WARNING_BG : COLOR_KEYFACT_BG, -1);
        add_rect(C, x, top, em / 4 > 3 ? em / 4 : 3, 0, warn ? COLOR_WARNING_BAR
                                                             : COLOR_KEYFACT_BAR, -1);
        C->y += pad;
        if (b->u.callout.title)
            lay_plain(C, b->u.callout.title, x + pad + em / 4, w - 2 * pad - em / 4,
                      SIZE_BODY, FACE_BOLD, COLOR_HEADING, -1);
        C->y += em / 4;
        lay_blocks(C, b->children, x + pad + em / 4, w - 2 * pad - em / 4, depth + 1);
        C->y += pad;
        if (!C->L->oom) {
            C->L->items[bg].r.h = C->y - top;
            C->L->items[bg + 1].r.h = C->y - top;
        }
        break;
    }
    case BLOCK_QUESTION:
        lay_question(C, b->u.question, x, w, depth);
        break;
    case BLOCK_SCENARIO:
        lay_scenario(C, b->u.scenario, x, w, depth);
        break;
    case BLOCK_REFLECTION:
        lay_reflection(C, &b->u.reflection, x, w, depth);
        break;
    case BLOCK_REFERENCES:
        break;
    case BLOCK_NOTICE:
        lay_notice(C, b, x, w);
        break;
    }
}

static void lay_blocks(Ctx *C, const Block *b, int x, int w, int depth)
{
    int first = 1;
    if (depth > 64) {
        return;     /* page_read bounds depth; this is a second fence */
    }
    for (; b && !C->L->oom && !C->L->truncated; b = b->next) {
        if (!visible(C, b))
            continue;
        if (!first)
            C->y += b->kind == BLOCK_LIST_ITEM ? C->em / 4 : C->em * 3 / 4;
        first = 0;
        lay_block(C, b, x, w, depth);
    }
}

/* ---- public ------------------------------------------------------------------ */

Layout *layout_new(void)
{
    return calloc(1, sizeof(Layout));
}

void layout_free(Layout *L)
{
    if (!L)
        return;
    free(L->items);
    free(L->targets);
    free(L->verdicts);
    arena_release(&L->scratch);
    free(L);
}

void layout_invalidate(Layout *L)
{
    L->valid = 0;
}

int layout_blocks(Layout *L, const Block *blocks, const LayoutParams *p,
                  const LayoutMeasure *m, const LayoutHooks *h)
{
    if (L->valid && L->key_blocks == blocks && L->key.width == p->width &&
        L->key.scale == p->scale && L->key.role == p->role &&
        L->key.setting == p->setting && L->key.generation == p->generation)
        return 0;
    L->nitems = 0;
    L->ntargets = 0;
    L->nverdicts = 0;
    L->truncated = 0;
    L->oom = 0;
    arena_release(&L->scratch);
    Ctx C = { .L = L, .p = p, .m = m, .h = h };
    C.em = layout_font_px(SIZE_BODY, p->scale);
    /* column: about 70 average characters, never wider than the window less
     * its margins, centred */
    static const char sample[] = "etaoin shrdlu cmfwyp vbgkqj xz ETAOIN SHRDLU";
    int avg = m->measure(m->ud, FONT_ID(FACE_REGULAR, SIZE_BODY), sample, sizeof(sample) - 1);
    int col = (int)((long long)avg * LAYOUT_COLUMN_CHARS / (long long)(sizeof(sample) - 1));
    int margin = C.em * 3 / 2;
    if (col > p->width - 2 * margin)
        col = p->width - 2 * margin;
    if (col < 8 * C.em / 2)
        col = p->width - 2 * (margin / 4) > 8 ? p->width - 2 * (margin / 4) : 8;
    if (col > p->width)
        col = p->width;
    int x = (p->width - col) / 2;
    L->column = (LayoutRect){ x, 0, col, 0 };
    C.y = C.em;
    lay_blocks(&C, blocks, x, col, 0);
    if (L->truncated) {
        C.y += C.em;
        C.lines = 0;
        lay_plain(&C, "\xe2\x80\xa6", x, col, SIZE_BODY, FACE_BOLD, COLOR_MUTED, -1);
    }
    C.y += C.em * 2;
    L->height = C.y;
    L->column.h = C.y;
    if (L->oom) {
        L->valid = 0;
        return -1;
    }
    L->valid = 1;
    L->key_blocks = blocks;
    L->key = *p;
    return 0;
}

const DrawItem *layout_items(const Layout *L, size_t *n)
{
    *n = L->nitems;
    return L->items;
}

const LayoutTarget *layout_targets(const Layout *L, size_t *n)
{
    *n = L->ntargets;
    return L->targets;
}

int layout_height(const Layout *L)
{
    return L->height;
}

LayoutRect layout_column(const Layout *L)
{
    return L->column;
}

int layout_truncated(const Layout *L)
{
    return L->truncated;
}

int layout_verdict(const Layout *L, const Question *q, LayoutRect *out)
{
    for (size_t i = 0; i < L->nverdicts; i++)
        if (L->verdicts[i].q == q) {
            *out = L->verdicts[i].r;
            return 0;
        }
    return -1;
}

int layout_hit(const Layout *L, int x, int y)
{
    for (size_t i = 0; i < L->ntargets; i++) {
        LayoutRect r = L->targets[i].r;
        if (x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h)
            return (int)i;
    }
    for (size_t i = 0; i < L->nitems; i++) {
        const DrawItem *d = &L->items[i];
        if (d->target >= 0 && x >= d->r.x && x < d->r.x + d->r.w && y >= d->r.y &&
            y < d->r.y + d->r.h)
            return d->target;
    }
    return -1;
}
