/* source_md: one page of Markdown into blocks.
 *
 * md4c parses the page and calls us back; we build the Block tree as it goes.
 * md4c's text pointers point into the buffer it was given, so an offset in
 * that buffer gives line:col. Fenced blocks (```question …) arrive as code:
 * their content is re-read line by line (choices, steps, feedback) and each
 * Markdown part is parsed again with md4c. Such a part is a new buffer made
 * of pieces of the file; a Text keeps, for each piece, where it came from,
 * so a problem deep inside a question's feedback still has its true place.
 *
 * md4c gives no position for blocks: a block takes the place of its first
 * text (its line, first non-blank column); a block with no text takes the
 * last place seen. */
#include "source_md.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <md4c.h>

#include "os.h"
#include "buf.h"
#include "image.h"
#include "source_util.h"

#define MD_FLAGS (MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_NOHTML | \
                  MD_FLAG_PERMISSIVEURLAUTOLINKS | MD_FLAG_PERMISSIVEWWWAUTOLINKS)
#define MAX_NEST 64         /* open Markdown containers kept; deeper ones are flattened */
#define MAX_FENCE_DEPTH 8   /* fenced blocks inside fenced blocks */
#define MAX_SETTINGS 16
#define IMAGE_WARN_BYTES (2u * 1024 * 1024)
#define SOURCE_MAX_LINE ((size_t)100000)    /* bytes: no editor line is longer */

/* ---- texts made of pieces of the file ------------------------------------ */

typedef struct Piece {
    size_t at;      /* offset in the Text */
    size_t src;     /* offset in the file */
} Piece;

typedef struct Text {
    const char *data;
    size_t size;
    const Piece *pieces;    /* NULL: data is the file itself */
    size_t npieces;
} Text;

/* A Text being built: bytes plus their origins. */
typedef struct TextBuild {
    Buf buf;
    Piece *pieces;
    size_t n, cap;
    int failed;
} TextBuild;

static size_t text_map(const Text *t, size_t off)
{
    if (!t->pieces)
        return off;
    if (t->npieces == 0)
        return 0;
    size_t lo = 0, hi = t->npieces;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->pieces[mid].at <= off)
            lo = mid;
        else
            hi = mid;
    }
    const Piece *p = &t->pieces[lo];
    return off >= p->at ? p->src + (off - p->at) : p->src;
}

static void tb_piece(TextBuild *tb, size_t src)
{
    if (tb->n == tb->cap) {
        size_t cap = tb->cap ? tb->cap + tb->cap / 2 : 16;
        Piece *p = realloc(tb->pieces, cap * sizeof(*p));
        if (!p) {
            tb->failed = 1;
            return;
        }
        tb->pieces = p;
        tb->cap = cap;
    }
    tb->pieces[tb->n].at = tb->buf.len;
    tb->pieces[tb->n].src = src;
    tb->n++;
}

/* Appends t[off..off+len), remembering where it came from. */
static void tb_add(TextBuild *tb, const Text *t, size_t off, size_t len)
{
    tb_piece(tb, text_map(t, off));
    buf_append(&tb->buf, t->data + off, len);
}

static Text tb_text(const TextBuild *tb)
{
    Text t = { tb->buf.data, tb->buf.len, tb->pieces, tb->n };
    return t;
}

static void tb_release(TextBuild *tb)
{
    buf_release(&tb->buf);
    free(tb->pieces);
    memset(tb, 0, sizeof(*tb));
}

/* ---- the page reader ------------------------------------------------------ */

typedef struct Page_ {
    const SourceMd *m;
    Course *c;
    Diag *d;
    SrcFile src;
    Page *page;
    int h1count;
    int last_level;     /* last page-level heading level, 0 before any */
    int nheadings;
    int oom;
} PageCtx;

/* What a Markdown part may hold. */
enum {
    PART_PAGE = 1u << 0,        /* page level: headings count, interactive blocks allowed */
    PART_TOP = 1u << 1,         /* the page itself (a ```page block may come first) */
};

typedef struct Span {
    unsigned style;
    const char *href;
} Span;

typedef struct Open {
    Block *b;
    Block *last;        /* last child */
} Open;

typedef struct Run {
    PageCtx *p;
    const Text *t;
    unsigned part;
    int depth;          /* fence depth */
    const char *what;   /* the enclosing fenced block kind, for messages */
    Block *list, *list_last;
    Open stack[MAX_NEST];
    int sp;
    int skipped;        /* containers beyond MAX_NEST currently open */
    int warned_nest;
    size_t last_off;    /* last known offset in t */
    Block *pending[MAX_NEST + 4];
    int npending;
    /* inline state */
    Block *para;        /* block receiving inlines */
    int para_implicit;  /* para made for a tight list item */
    Inline *para_last;
    Span spans[32];
    int nspans;
    Buf runbuf;
    int in_thead;
    int para_images, para_text;
    /* image being read */
    int in_img;
    Buf alt;
    size_t img_off;
    char *img_src, *img_title;
    /* code block being read */
    int in_code;
    TextBuild code;
    char *code_info;
    size_t code_info_off;   /* offset of info in t, or (size_t)-1 */
    char fence_char;
    int code_line;          /* a line in t of the content, 0 if none */
    size_t first_code_off;
    int first_code;
} Run;

static Block *md_blocks(PageCtx *p, const Text *t, unsigned part, int depth, const char *what);

static SrcLoc loc_off(PageCtx *p, const Text *t, size_t off)
{
    return source_util_loc(&p->src, text_map(t, off));
}

static int in_text(const Text *t, const char *ptr)
{
    return ptr >= t->data && ptr <= t->data + t->size;
}

/* First non-blank column of off's line: where a block starts. */
static SrcLoc line_loc(PageCtx *p, const Text *t, size_t off)
{
    size_t s = off;
    while (s > 0 && t->data[s - 1] != '\n')
        s--;
    while (s < off && (t->data[s] == ' ' || t->data[s] == '\t'))
        s++;
    return loc_off(p, t, s);
}

static void oom(PageCtx *p)
{
    if (!p->oom)
        diag_error(p->d, srcloc(p->src.name, 0, 0), "out of memory");
    p->oom = 1;
}

static Block *new_block(Run *r, BlockKind kind)
{
    Block *b = course_new_block(r->p->c, kind, srcloc(r->p->src.name, 0, 0));
    if (!b) {
        oom(r->p);
        return NULL;
    }
    if (r->npending < (int)(sizeof(r->pending) / sizeof(r->pending[0])))
        r->pending[r->npending++] = b;
    return b;
}

/* Gives pending blocks the place of off. */
static void place(Run *r, size_t off)
{
    r->last_off = off;
    if (r->npending == 0)
        return;
    SrcLoc at = line_loc(r->p, r->t, off);
    for (int i = 0; i < r->npending; i++)
        r->pending[i]->at = at;
    r->npending = 0;
}

static void place_fallback(Run *r, Block *b)
{
    if (b->at.line == 0)
        b->at = line_loc(r->p, r->t, r->last_off);
    for (int i = 0; i < r->npending; i++)
        if (r->pending[i] == b) {
            r->pending[i] = r->pending[--r->npending];
            break;
        }
}

static void append(Run *r, Block *b)
{
    if (!b)
        return;
    if (r->sp > 0) {
        Open *o = &r->stack[r->sp - 1];
        if (o->last)
            o->last->next = b;
        else
            o->b->children = b;
        o->last = b;
    } else {
        if (r->list_last)
            r->list_last->next = b;
        else
            r->list = b;
        r->list_last = b;
    }
}

static void push(Run *r, Block *b)
{
    append(r, b);
    if (r->sp == MAX_NEST) {
        r->skipped++;
        if (!r->warned_nest) {
            r->warned_nest = 1;
            diag_error(r->p->d, line_loc(r->p, r->t, r->last_off), "content nested more than "
                       "%d levels deep (flatten these lists or quotes)", MAX_NEST);
        }
        return;
    }
    r->stack[r->sp].b = b;
    r->stack[r->sp].last = NULL;
    r->sp++;
}

static void pop(Run *r)
{
    if (r->skipped) {
        r->skipped--;
        return;
    }
    if (r->sp > 0) {
        place_fallback(r, r->stack[r->sp - 1].b);
        r->sp--;
    }
}

static Block *top(Run *r)
{
    return r->sp > 0 ? r->stack[r->sp - 1].b : NULL;
}

/* ---- inlines --------------------------------------------------------------- */

static unsigned cur_style(Run *r)
{
    return r->nspans ? r->spans[r->nspans - 1].style : 0;
}

static const char *cur_href(Run *r)
{
    return r->nspans ? r->spans[r->nspans - 1].href : NULL;
}

static void add_inline(Run *r, Inline *in)
{
    if (!in) {
        oom(r->p);
        return;
    }
    if (r->para_last)
        r->para_last->next = in;
    else if (r->para)
        r->para->text = in;
    r->para_last = in;
}

static void flush_run(Run *r)
{
    if (r->runbuf.len == 0 || !r->para)
        return;
    Inline *in = course_new_inline(r->p->c, cur_style(r), r->runbuf.data, r->runbuf.len);
    if (in)
        in->href = cur_href(r);
    add_inline(r, in);
    buf_clear(&r->runbuf);
}

static int image_ext_ok(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/'))
        return 0;
    return strcasecmp(dot, ".png") == 0 || strcasecmp(dot, ".jpg") == 0 ||
           strcasecmp(dot, ".jpeg") == 0 || strcasecmp(dot, ".svg") == 0;
}

static int path_escapes(const char *path)
{
    if (path[0] == '/' || path[0] == '\\' || strchr(path, '\\') || strchr(path, ':'))
        return 1;
    const char *s = path;
    while (*s) {
        const char *e = strchr(s, '/');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n == 2 && s[0] == '.' && s[1] == '.')
            return 1;
        s += n;
        if (*s == '/')
            s++;
    }
    return 0;
}

/* Keeps what image_check found in the model (the course's arena), so that
 * the build uses it instead of reading and rendering the image again. */
static void keep_prepared_image(PageCtx *p, Image *im, const ImageData *img)
{
    im->width = img->width;
    im->height = img->height;
    im->size = img->size;
    if (img->data) {
        unsigned char *png = arena_alloc(&p->c->arena, img->size ? img->size : 1);
        if (!png) {
            oom(p);
            return;
        }
        memcpy(png, img->data, img->size);
        im->png = png;
    }
    im->file = course_strdup(p->c, img->file);
    if (!im->file)
        oom(p);
}

/* Turns the finished paragraph b holding one image into BLOCK_IMAGE and
 * checks the image. */
static void make_image(Run *r, Block *b)
{
    PageCtx *p = r->p;
    SrcLoc at = loc_off(p, r->t, r->img_off);
    const char *src = r->img_src ? r->img_src : "";
    b->kind = BLOCK_IMAGE;
    b->text = NULL;
    b->at = at;
    Image *im = &b->u.image;
    memset(im, 0, sizeof(*im));
    im->source = src;
    im->caption = r->img_title && *r->img_title ? r->img_title : NULL;
    /* alt: trimmed */
    size_t s = 0, e = r->alt.len;
    while (s < e && isspace((unsigned char)r->alt.data[s]))
        s++;
    while (e > s && isspace((unsigned char)r->alt.data[e - 1]))
        e--;
    im->alt = course_strndup(p->c, r->alt.data + s, e - s);
    if (e == s)
        diag_error(p->d, at, "image '%s' has no alternative text (describe what it shows "
                   "between the brackets: ![what the image shows](%s))", src, src);
    size_t n = strlen(src);
    if (n > 4 && strcasecmp(src + n - 4, ".svg") == 0) {
        char *png = course_strdup(p->c, src);
        if (png)
            memcpy(png + n - 4, ".png", 4);
        im->src = png;
    } else {
        im->src = src;
    }
    if (n == 0) {
        diag_error(p->d, at, "image without a file (write the path: ![…](img/name.png))");
    } else if (strstr(src, "://")) {
        diag_error(p->d, at, "image '%s' is on the web (copy the file into img/ and write "
                   "img/name.png: packages must work offline)", src);
    } else if (path_escapes(src)) {
        diag_error(p->d, at, "image path '%s' leaves the module folder (put the file in img/ "
                   "and write img/name.png)", src);
    } else if (!image_ext_ok(src)) {
        const char *dot = strrchr(src, '.');
        diag_error(p->d, at, "unsupported image type '%s' for '%s' (use PNG, JPEG or SVG)",
                   dot ? dot : "", src);
    } else {
        Buf path = BUF_INIT;
        buf_printf(&path, "%s/%s", p->m->dir, src);
        OsStat st;
        if (path.failed) {
            oom(p);
        } else if (os_lstat(path.data, &st) == 0 && st.kind == OS_FILE_LINK) {
            diag_error(p->d, at, "image '%s' is a symbolic link (copy the file itself into "
                       "the module folder)", src);
        } else if (os_stat(path.data, &st) != 0 || st.kind != OS_FILE_REGULAR) {
            diag_error(p->d, at, "image file '%s' not found (check the name and case, or add "
                       "the file to the module folder)", src);
        } else {
            if (st.size > IMAGE_WARN_BYTES)
                diag_warning(p->d, at, "image '%s' is %.1f MB (reduce it below 2 MB: it is "
                             "loaded on slow ward PCs)", src,
                             (double)st.size / (1024.0 * 1024.0));
            /* the checks the build needs (format, header, pixel size, SVG
             * rendering), so that check reports them too; the build then
             * reuses what they found */
            ImageData img = IMAGE_DATA_INIT;
            if (image_check(p->m->dir, src, at, &img, p->d) == 0)
                keep_prepared_image(p, im, &img);
            image_data_release(&img);
        }
        buf_release(&path);
    }
}

static void para_done(Run *r)
{
    Block *b = r->para;
    if (!b)
        return;
    flush_run(r);
    if (r->para_images) {
        if (r->para_images == 1 && !r->para_text && b->kind == BLOCK_PARAGRAPH) {
            make_image(r, b);
        } else {
            diag_error(r->p->d, loc_off(r->p, r->t, r->img_off), "image inside text (put "
                       "the image alone on its own line, with a blank line before and after)");
        }
    }
    r->para = NULL;
    r->para_last = NULL;
    r->para_implicit = 0;
    r->para_images = 0;
    r->para_text = 0;
}

static void set_para(Run *r, Block *b)
{
    para_done(r);
    r->para = b;
    r->para_last = NULL;
}

/* Decodes the entity e[0..n) into out; unknown names are kept as written. */
static void put_entity(Buf *out, const char *e, size_t n)
{
    static const struct { const char *name; unsigned cp; } names[] = {
        { "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
        { "nbsp", 0xA0 }, { "laquo", 0xAB }, { "raquo", 0xBB }, { "hellip", 0x2026 },
        { "mdash", 0x2014 }, { "ndash", 0x2013 }, { "rsquo", 0x2019 }, { "lsquo", 0x2018 },
        { "ldquo", 0x201C }, { "rdquo", 0x201D }, { "euro", 0x20AC }, { "copy", 0xA9 },
        { "deg", 0xB0 }, { "times", 0xD7 }, { "middot", 0xB7 }, { "thinsp", 0x2009 },
        { "eacute", 0xE9 }, { "egrave", 0xE8 }, { "agrave", 0xE0 }, { "ccedil", 0xE7 },
    };
    unsigned cp = 0;
    int ok = 0;
    if (n >= 4 && e[1] == '#') {
        int hex = e[2] == 'x' || e[2] == 'X';
        unsigned long v = strtoul(e + 2 + hex, NULL, hex ? 16 : 10);
        if (v > 0 && v <= 0x10FFFF && !(v >= 0xD800 && v <= 0xDFFF)) {
            cp = (unsigned)v;
            ok = 1;
        }
    } else if (n >= 3) {
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
            if (strlen(names[i].name) == n - 2 && memcmp(names[i].name, e + 1, n - 2) == 0) {
                cp = names[i].cp;
                ok = 1;
            }
    }
    if (!ok) {
        buf_append(out, e, n);
        return;
    }
    char u[4];
    size_t len;
    if (cp < 0x80) {
        u[0] = (char)cp; len = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6)); u[1] = (char)(0x80 | (cp & 0x3F)); len = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12)); u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F)); len = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18)); u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); u[3] = (char)(0x80 | (cp & 0x3F)); len = 4;
    }
    buf_append(out, u, len);
}

/* Copies an md4c attribute (entities decoded) into the arena. */
static char *attr_str(PageCtx *p, const MD_ATTRIBUTE *a)
{
    Buf b = BUF_INIT;
    for (int i = 0; a->substr_offsets && a->substr_offsets[i] < a->size; i++) {
        MD_OFFSET s = a->substr_offsets[i], e = a->substr_offsets[i + 1];
        if (a->substr_types[i] == MD_TEXT_ENTITY)
            put_entity(&b, a->text + s, e - s);
        else if (a->substr_types[i] == MD_TEXT_NULLCHAR)
            buf_puts(&b, "\xEF\xBF\xBD");
        else
            buf_append(&b, a->text + s, e - s);
    }
    char *s = b.failed ? NULL : course_strndup(p->c, b.data, b.len);
    buf_release(&b);
    if (!s)
        oom(p);
    return s;
}

/* ---- md4c callbacks ---------------------------------------------------------- */

static int is_space_text(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isspace((unsigned char)s[i]))
            return 0;
    return 1;
}

static int cb_enter_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    Run *r = ud;
    Block *b = NULL;
    switch (type) {
    case MD_BLOCK_DOC:
    case MD_BLOCK_HTML:
        return 0;
    case MD_BLOCK_THEAD:
        r->in_thead = 1;
        return 0;
    case MD_BLOCK_TBODY:
        r->in_thead = 0;
        return 0;
    case MD_BLOCK_QUOTE:
        para_done(r);
        b = new_block(r, BLOCK_QUOTE);
        break;
    case MD_BLOCK_UL: {
        const MD_BLOCK_UL_DETAIL *d = detail;
        para_done(r);
        if ((b = new_block(r, BLOCK_LIST)))
            b->u.list.tight = d->is_tight;
        break;
    }
    case MD_BLOCK_OL: {
        const MD_BLOCK_OL_DETAIL *d = detail;
        para_done(r);
        if ((b = new_block(r, BLOCK_LIST))) {
            b->u.list.ordered = 1;
            b->u.list.start = (int)(d->start > 1000000 ? 1000000 : d->start);
            b->u.list.tight = d->is_tight;
        }
        break;
    }
    case MD_BLOCK_LI:
        para_done(r);
        b = new_block(r, BLOCK_LIST_ITEM);
        break;
    case MD_BLOCK_HR:
        para_done(r);
        b = new_block(r, BLOCK_RULE);
        break;
    case MD_BLOCK_H: {
        const MD_BLOCK_H_DETAIL *d = detail;
        para_done(r);
        if ((b = new_block(r, BLOCK_HEADING)))
            b->u.heading.level = (int)d->level;
        break;
    }
    case MD_BLOCK_CODE: {
        const MD_BLOCK_CODE_DETAIL *d = detail;
        para_done(r);
        r->in_code = 1;
        r->fence_char = d->fence_char;
        r->code_info = attr_str(r->p, &d->info);
        r->code_info_off = (d->info.size && in_text(r->t, d->info.text))
                               ? (size_t)(d->info.text - r->t->data) : (size_t)-1;
        r->first_code = 1;
        memset(&r->code, 0, sizeof(r->code));
        buf_init(&r->code.buf);
        return 0;
    }
    case MD_BLOCK_P:
        para_done(r);
        b = new_block(r, BLOCK_PARAGRAPH);
        break;
    case MD_BLOCK_TABLE:
        para_done(r);
        b = new_block(r, BLOCK_TABLE);
        break;
    case MD_BLOCK_TR:
        para_done(r);
        if ((b = new_block(r, BLOCK_TABLE_ROW)))
            b->u.row.header = r->in_thead;
        break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD: {
        const MD_BLOCK_TD_DETAIL *d = detail;
        para_done(r);
        if ((b = new_block(r, BLOCK_TABLE_CELL))) {
            b->u.cell.header = type == MD_BLOCK_TH;
            b->u.cell.align = d->align == MD_ALIGN_LEFT ? ALIGN_LEFT
                            : d->align == MD_ALIGN_CENTER ? ALIGN_CENTER
                            : d->align == MD_ALIGN_RIGHT ? ALIGN_RIGHT : ALIGN_DEFAULT;
        }
        break;
    }
    }
    if (!b)
        return r->p->oom ? -1 : 0;
    push(r, b);
    if (b->kind == BLOCK_PARAGRAPH || b->kind == BLOCK_HEADING || b->kind == BLOCK_TABLE_CELL)
        set_para(r, b);
    return 0;
}

static void heading_done(Run *r, Block *b)
{
    PageCtx *p = r->p;
    int level = b->u.heading.level;
    char *plain = inline_plain_text(b->text);
    if (!plain) {
        oom(p);
        return;
    }
    if (r->part & PART_PAGE) {
        if (level == 1) {
            p->h1count++;
            if (p->h1count == 1) {
                p->page->title = course_strdup(p->c, plain);
                b->u.heading.anchor = arena_printf(&p->c->arena, "h-%s", p->page->name);
                if (!*plain)
                    diag_error(p->d, b->at, "empty page title (write the title after '# ')");
            } else {
                diag_error(p->d, b->at, "second level-1 heading (a page has one title: make "
                           "this a '## ' section heading, or start a new page file)");
            }
        } else if (p->last_level == 0) {
            diag_error(p->d, b->at, "section heading before the page title (start the page "
                       "with a '# Title' line)");
        } else if (level > p->last_level + 1) {
            diag_error(p->d, b->at, "heading level jumps from %d to %d (use %.*s here)",
                       p->last_level, level, p->last_level + 1, "######");
        }
        p->last_level = level;
    } else if (level == 1) {
        diag_error(p->d, b->at, "level-1 heading inside a ```%s block (the page title is the "
                   "only '# ' heading: use '### ' or bold text)", r->what);
    }
    if (!b->u.heading.anchor)
        b->u.heading.anchor = arena_printf(&p->c->arena, "h-%s-%d", p->page->name,
                                           ++p->nheadings);
    free(plain);
}

static void fence_done(Run *r);

static int cb_leave_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    Run *r = ud;
    (void)detail;
    switch (type) {
    case MD_BLOCK_DOC:
    case MD_BLOCK_HTML:
    case MD_BLOCK_THEAD:
    case MD_BLOCK_TBODY:
        return 0;
    case MD_BLOCK_CODE:
        fence_done(r);
        return r->p->oom ? -1 : 0;
    default:
        break;
    }
    Block *b = top(r);
    if (r->para && (r->para == b || r->para_implicit))
        para_done(r);
    if (b && b->kind == BLOCK_HEADING && !r->skipped) {
        place_fallback(r, b);
        heading_done(r, b);
    }
    pop(r);
    return r->p->oom ? -1 : 0;
}

static int cb_enter_span(MD_SPANTYPE type, void *detail, void *ud)
{
    Run *r = ud;
    PageCtx *p = r->p;
    if (r->in_img) {
        r->in_img += type == MD_SPAN_IMG;
        return 0;
    }
    flush_run(r);
    Span s = { cur_style(r), cur_href(r) };
    switch (type) {
    case MD_SPAN_EM: s.style |= INLINE_EM; break;
    case MD_SPAN_STRONG: s.style |= INLINE_STRONG; break;
    case MD_SPAN_CODE: s.style |= INLINE_CODE; break;
    case MD_SPAN_DEL: s.style |= INLINE_STRIKE; break;
    case MD_SPAN_A: {
        const MD_SPAN_A_DETAIL *d = detail;
        const char *href = attr_str(p, &d->href);
        size_t off = in_text(r->t, d->href.text) ? (size_t)(d->href.text - r->t->data)
                                                 : r->last_off;
        if (href && strncmp(href, "ref:", 4) == 0) {
            s.style |= INLINE_CITE;
            s.href = href + 4;
            if (!*s.href) {
                diag_error(p->d, loc_off(p, r->t, off), "citation without a reference id "
                           "(write [text](ref:id) with an id of module.xml <references>)");
            } else if (p->m->meta_ok && !course_ref(p->c, s.href)) {
                diag_error(p->d, loc_off(p, r->t, off), "unknown reference '%s' (add <ref "
                           "id=\"%s\"> to module.xml <references>, or fix the id)",
                           s.href, s.href);
            }
        } else {
            s.style |= INLINE_LINK;
            s.href = href;
        }
        break;
    }
    case MD_SPAN_IMG: {
        const MD_SPAN_IMG_DETAIL *d = detail;
        r->in_img = 1;
        r->para_images++;
        buf_clear(&r->alt);
        r->img_src = attr_str(p, &d->src);
        r->img_title = d->title.size ? attr_str(p, &d->title) : NULL;
        size_t off = r->last_off;
        if (d->src.size && in_text(r->t, d->src.text)) {
            off = (size_t)(d->src.text - r->t->data);
            /* back to the "![" of this image */
            size_t k = off;
            while (k > 1 && r->t->data[k - 1] != '\n' &&
                   !(r->t->data[k - 2] == '!' && r->t->data[k - 1] == '['))
                k--;
            if (k > 1 && r->t->data[k - 2] == '!')
                off = k - 2;
        }
        r->img_off = off;
        place(r, off);
        return 0;
    }
    default:
        break;
    }
    if (r->nspans < (int)(sizeof(r->spans) / sizeof(r->spans[0])))
        r->spans[r->nspans++] = s;
    return 0;
}

static int cb_leave_span(MD_SPANTYPE type, void *detail, void *ud)
{
    Run *r = ud;
    (void)detail;
    if (r->in_img) {
        r->in_img -= type == MD_SPAN_IMG;
        return 0;
    }
    flush_run(r);
    if (r->nspans > 0)
        r->nspans--;
    return 0;
}

static int cb_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *ud)
{
    Run *r = ud;
    int inside = in_text(r->t, text);
    if (inside)
        place(r, (size_t)(text - r->t->data));
    if (r->in_code) {
        if (inside) {
            size_t off = (size_t)(text - r->t->data);
            if (r->first_code) {
                r->first_code = 0;
                r->first_code_off = off;
            }
            tb_add(&r->code, r->t, off, size);
        } else {
            buf_append(&r->code.buf, text, size);
        }
        return 0;
    }
    if (r->in_img) {
        if (type == MD_TEXT_ENTITY)
            put_entity(&r->alt, text, size);
        else if (type == MD_TEXT_SOFTBR || type == MD_TEXT_BR)
            buf_putc(&r->alt, ' ');
        else
            buf_append(&r->alt, text, size);
        return 0;
    }
    if (!r->para) {
        /* text straight in a tight list item: give it a paragraph */
        Block *b = new_block(r, BLOCK_PARAGRAPH);
        if (!b)
            return -1;
        if (inside)
            place(r, (size_t)(text - r->t->data));
        append(r, b);
        set_para(r, b);
        r->para_implicit = 1;
    }
    switch (type) {
    case MD_TEXT_BR: {
        flush_run(r);
        Inline *in = course_new_inline(r->p->c, cur_style(r) | INLINE_BREAK, "", 0);
        add_inline(r, in);
        break;
    }
    case MD_TEXT_SOFTBR:
        buf_putc(&r->runbuf, ' ');
        break;
    case MD_TEXT_NULLCHAR:
        buf_puts(&r->runbuf, "\xEF\xBF\xBD");
        r->para_text = 1;
        break;
    case MD_TEXT_ENTITY:
        put_entity(&r->runbuf, text, size);
        r->para_text = 1;
        break;
    default:
        buf_append(&r->runbuf, text, size);
        if (!is_space_text(text, size))
            r->para_text = 1;
        break;
    }
    return r->p->oom || r->runbuf.failed ? -1 : 0;
}

/* ---- fenced blocks: settings ---------------------------------------------------- */

typedef struct Setting {
    const char *name;       /* arena */
    const char *value;      /* arena */
    size_t name_off;        /* offsets in the Run's text, or (size_t)-1 */
    size_t value_off;
    int used;
} Setting;

typedef struct Fence {
    Run *r;
    const char *kind;       /* arena */
    SrcLoc at;              /* the opening fence */
    Setting set[MAX_SETTINGS];
    int nset;
    Text content;
    int bad;                /* a setting was wrong */
} Fence;

static SrcLoc set_loc(Fence *f, size_t off)
{
    if (off == (size_t)-1)
        return f->at;
    return loc_off(f->r->p, f->r->t, off);
}

/* Splits info (kind then name=value settings). base is info's offset in the
 * Run's text, or (size_t)-1 when unknown. */
static void parse_settings(Fence *f, const char *info, size_t base)
{
    PageCtx *p = f->r->p;
    const char *s = info;
    while (*s && *s != ' ' && *s != '\t')
        s++;
    f->kind = course_strndup(p->c, info, (size_t)(s - info));
    while (*s) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s)
            break;
        const char *name = s;
        while (*s && *s != '=' && *s != ' ' && *s != '\t')
            s++;
        size_t nlen = (size_t)(s - name);
        size_t noff = base == (size_t)-1 ? base : base + (size_t)(name - info);
        if (*s != '=') {
            diag_error(p->d, set_loc(f, noff), "setting '%.*s' has no value (write name=value, "
                       "with no space around '=' and commas without spaces in lists)",
                       (int)nlen, name);
            f->bad = 1;
            continue;
        }
        s++;
        const char *val = s;
        size_t voff = base == (size_t)-1 ? base : base + (size_t)(val - info);
        size_t vlen;
        if (*s == '"') {
            val = ++s;
            while (*s && *s != '"')
                s++;
            vlen = (size_t)(s - val);
            if (*s != '"') {
                diag_error(p->d, set_loc(f, voff), "unterminated quoted value of '%.*s' (close "
                           "it with \")", (int)nlen, name);
                f->bad = 1;
                break;
            }
            s++;
        } else {
            while (*s && *s != ' ' && *s != '\t')
                s++;
            vlen = (size_t)(s - val);
        }
        if (nlen == 0) {
            diag_error(p->d, set_loc(f, noff), "value without a setting name (write "
                       "name=value)");
            f->bad = 1;
            continue;
        }
        int dup = 0;
        for (int i = 0; i < f->nset; i++)
            if (strlen(f->set[i].name) == nlen && strncmp(f->set[i].name, name, nlen) == 0)
                dup = 1;
        if (dup) {
            diag_error(p->d, set_loc(f, noff), "setting '%.*s' is given twice (keep one)",
                       (int)nlen, name);
            f->bad = 1;
            continue;
        }
        if (f->nset == MAX_SETTINGS) {
            diag_error(p->d, set_loc(f, noff), "too many settings (at most %d)", MAX_SETTINGS);
            f->bad = 1;
            break;
        }
        Setting *st = &f->set[f->nset++];
        st->name = course_strndup(p->c, name, nlen);
        st->value = course_strndup(p->c, val, vlen);
        st->name_off = noff;
        st->value_off = voff;
        st->used = 0;
        if (!st->name || !st->value)
            oom(p);
    }
}

static Setting *get_setting(Fence *f, const char *name)
{
    for (int i = 0; i < f->nset; i++)
        if (f->set[i].name && strcmp(f->set[i].name, name) == 0) {
            f->set[i].used = 1;
            return &f->set[i];
        }
    return NULL;
}

/* Reports settings the kind does not take; known is "id, type, …". */
static void check_unused(Fence *f, const char *known)
{
    for (int i = 0; i < f->nset; i++)
        if (!f->set[i].used) {
            diag_error(f->r->p->d, set_loc(f, f->set[i].name_off), "unknown setting '%s' for "
                       "```%s (known settings: %s)", f->set[i].name, f->kind, known);
            f->bad = 1;
        }
}

static int get_int(Fence *f, const char *name, int def, int min, int max, int *out)
{
    Setting *s = get_setting(f, name);
    *out = def;
    if (!s)
        return 0;
    const char *v = s->value;
    long n = 0;
    int ok = *v != '\0';
    for (; *v && ok; v++) {
        if (*v < '0' || *v > '9' || n > 1000000)
            ok = 0;
        else
            n = n * 10 + (*v - '0');
    }
    if (!ok || n < min || n > max) {
        diag_error(f->r->p->d, set_loc(f, s->value_off), "invalid %s '%s' (write a whole number "
                   "from %d to %d)", name, s->value, min, max);
        f->bad = 1;
        return -1;
    }
    *out = (int)n;
    return 0;
}

static const char *get_id(Fence *f, const char *what)
{
    Setting *s = get_setting(f, "id");
    if (!s) {
        diag_error(f->r->p->d, f->at, "```%s without id (add id=…: lower-case letters, digits "
                   "and '-', the same in every language)", what);
        f->bad = 1;
        return NULL;
    }
    if (!source_util_is_id(s->value, strlen(s->value), 40)) {
        diag_error(f->r->p->d, set_loc(f, s->value_off), "invalid id '%s' (use 1 to 40 "
                   "lower-case letters, digits and '-')", s->value);
        f->bad = 1;
        return NULL;
    }
    return s->value;
}

/* roles= and settings= into an audience. */
static Audience get_audience(Fence *f)
{
    PageCtx *p = f->r->p;
    Audience a = {0, 0};
    for (int k = 0; k < 2; k++) {
        const char *name = k ? "settings" : "roles";
        const char *one = k ? "setting" : "role";
        Setting *s = get_setting(f, name);
        if (!s)
            continue;
        const ContextItem *items = k ? p->c->settings : p->c->roles;
        int n = k ? p->c->nsettings : p->c->nroles;
        const char *v = s->value;
        if (!*v) {
            diag_error(p->d, set_loc(f, s->value_off), "empty %s= (list %s ids separated by "
                       "commas, e.g. %s=%s)", name, one, name, n ? items[0].id : "…");
            f->bad = 1;
        }
        while (*v) {
            const char *e = strchr(v, ',');
            size_t len = e ? (size_t)(e - v) : strlen(v);
            size_t off = s->value_off == (size_t)-1 ? s->value_off
                                                      : s->value_off + (size_t)(v - s->value);
            int idx = -1;
            for (int i = 0; i < n; i++)
                if (strlen(items[i].id) == len && strncmp(items[i].id, v, len) == 0)
                    idx = i;
            if (idx >= 0) {
                if (k)
                    a.settings |= 1u << idx;
                else
                    a.roles |= 1u << idx;
            } else if (p->m->meta_ok) {
                Buf known = BUF_INIT;
                for (int i = 0; i < n; i++)
                    buf_printf(&known, "%s%s", i ? ", " : "", items[i].id);
                if (n)
                    diag_error(p->d, set_loc(f, off), "unknown %s '%.*s' (declared %ss: %s; "
                               "declare it in module.xml <context> or fix the id)",
                               one, (int)len, v, one, known.data);
                else
                    diag_error(p->d, set_loc(f, off), "unknown %s '%.*s' (module.xml declares "
                               "no %ss: add <%s id=\"%.*s\"> to its <context>)", one,
                               (int)len, v, one, one, (int)len, v);
                buf_release(&known);
                f->bad = 1;
            }
            v += len;
            if (*v == ',')
                v++;
        }
    }
    return a;
}

/* ---- fenced blocks: content lines ---------------------------------------------- */

typedef struct Line {
    size_t s, e;        /* offsets in the content Text, e before the '\n' */
} Line;

static Line *split_lines(const Text *t, size_t *count)
{
    size_t n = 1;
    for (size_t i = 0; i < t->size; i++)
        if (t->data[i] == '\n')
            n++;
    Line *l = malloc(n * sizeof(*l));
    if (!l)
        return NULL;
    size_t k = 0, s = 0;
    for (size_t i = 0; i <= t->size; i++) {
        if (i == t->size || t->data[i] == '\n') {
            if (i == t->size && s == i && k > 0)
                break;      /* no empty last line after a final '\n' */
            l[k].s = s;
            l[k].e = i > s && t->data[i - 1] == '\r' ? i - 1 : i;   /* CRLF files */
            k++;
            s = i + 1;
        }
    }
    *count = k;
    return l;
}

static int line_blank(const Text *t, Line l)
{
    return is_space_text(t->data + l.s, l.e - l.s);
}

/* "  > text": the offset of text (after '>' and one space), or 0 if not a
 * feedback line. Needs at least one leading space. */
static size_t feedback_start(const Text *t, Line l)
{
    size_t i = l.s;
    while (i < l.e && (t->data[i] == ' ' || t->data[i] == '\t'))
        i++;
    if (i == l.s || i >= l.e || t->data[i] != '>')
        return 0;
    i++;
    if (i < l.e && t->data[i] == ' ')
        i++;
    return i;
}

static int starts_with(const Text *t, Line l, const char *s)
{
    size_t n = strlen(s);
    return l.e - l.s >= n && memcmp(t->data + l.s, s, n) == 0;
}

/* A Markdown part of a fenced block, parsed. */
static Block *part_blocks(Fence *f, TextBuild *tb, unsigned part, const char *what)
{
    Run *r = f->r;
    if (tb->failed || tb->buf.failed) {
        oom(r->p);
        return NULL;
    }
    Text t = tb_text(tb);
    if (is_space_text(t.data, t.size))
        return NULL;
    return md_blocks(r->p, &t, part, r->depth + 1, what);
}

static Inline *part_inlines(Fence *f, TextBuild *tb, const char *what)
{
    Block *b = part_blocks(f, tb, 0, what);
    return b ? b->text : NULL;
}

static void add_line(TextBuild *tb, const Text *t, size_t s, size_t e)
{
    tb_add(tb, t, s, e - s);
    buf_putc(&tb->buf, '\n');
}

/* ---- questions ---------------------------------------------------------------- */

/* "- [x] text": 1 right, 0 wrong, -1 not a choice line. */
static int choice_mark(const Text *t, Line l)
{
    if (!starts_with(t, l, "- [") || l.e - l.s < 5 || t->data[l.s + 4] != ']')
        return -1;
    char m = t->data[l.s + 3];
    if (l.e - l.s > 5 && t->data[l.s + 5] != ' ')
        return -1;
    if (m == 'x' || m == 'X')
        return 1;
    return m == ' ' ? 0 : -1;
}

/* shuffle=yes|no: 1 to keep the written order (no), 0 to shuffle (yes, the
 * default). */
static int get_keep_order(Fence *f, Setting *s)
{
    if (!s || strcmp(s->value, "yes") == 0)
        return 0;
    if (strcmp(s->value, "no") == 0)
        return 1;
    diag_error(f->r->p->d, set_loc(f, s->value_off), "invalid shuffle '%s' (write shuffle=no "
               "to always show the choices in the order written, or leave it out: they are "
               "shuffled for each attempt)", s->value);
    f->bad = 1;
    return 0;
}

/* fixed=d or fixed=c,d: the choices, by letter as written, that keep their
 * place when the others are shuffled ("Toutes les réponses ci-dessus"). */
static void get_fixed(Fence *f, Setting *s, Question *q, const char *qname, int keep_order)
{
    PageCtx *p = f->r->p;
    if (q->type == QUESTION_TRUEFALSE) {
        diag_error(p->d, set_loc(f, s->name_off), "true/false %s always shows true then "
                   "false: its choices are never shuffled (remove fixed=)", qname);
        f->bad = 1;
        return;
    }
    if (keep_order) {
        diag_error(p->d, set_loc(f, s->name_off), "fixed= with shuffle=no: every choice of "
                   "%s already keeps its place (remove one of the two)", qname);
        f->bad = 1;
        return;
    }
    if (!*s->value) {
        diag_error(p->d, set_loc(f, s->value_off), "empty fixed= (list the letters of the "
                   "choices that keep their place, a for the first choice written: fixed=d)");
        f->bad = 1;
        return;
    }
    uint64_t set = 0;
    int nfixed = 0, bad = 0;
    for (const char *v = s->value; *v;) {
        size_t len = strcspn(v, ",");
        size_t off = s->value_off == (size_t)-1 ? s->value_off
                                                  : s->value_off + (size_t)(v - s->value);
        int k = len == 1 && *v >= 'a' && *v <= 'z' ? *v - 'a' : -1;
        if (k < 0) {
            diag_error(p->d, set_loc(f, off), "invalid choice '%.*s' in fixed= (write the "
                       "letters of the choices, a for the first one written, separated by "
                       "commas: fixed=d or fixed=c,d)", (int)len, v);
            bad = 1;
        } else if (k >= q->nchoices) {
            diag_error(p->d, set_loc(f, off), "fixed=%c, but %s has %d choices (a to %c): "
                       "name one of its choices", *v, qname, q->nchoices,
                       'a' + (q->nchoices > 0 ? q->nchoices - 1 : 0));
            bad = 1;
        } else if ((set >> k) & 1) {
            diag_error(p->d, set_loc(f, off), "choice %c is listed twice in fixed= (keep one)",
                       *v);
            bad = 1;
        } else {
            set |= (uint64_t)1 << k;
            nfixed++;
        }
        v += len;
        if (*v == ',')
            v++;
    }
    if (bad) {
        f->bad = 1;
        return;
    }
    if (q->nchoices - nfixed < 2) {
        diag_error(p->d, set_loc(f, s->value_off), "fixed=%s leaves %s nothing to shuffle "
                   "(%d of its %d choices keep their place; write shuffle=no instead)",
                   s->value, qname, nfixed, q->nchoices);
        f->bad = 1;
        return;
    }
    int k = 0;
    for (Choice *c = q->choices; c; c = c->next, k++)
        c->fixed = (int)((set >> k) & 1);
}

static Block *fence_question(Fence *f, Audience aud)
{
    Run *r = f->r;
    PageCtx *p = r->p;
    const Text *t = &f->content;
    const char *id = get_id(f, "question");
    Setting *type = get_setting(f, "type");
    Question *q = arena_alloc(&p->c->arena, sizeof(*q));
    if (!q) {
        oom(p);
        return NULL;
    }
    q->id = id ? id : "";
    q->at = f->at;
    Setting *raw = get_setting(f, "id");
    const char *qname = raw ? arena_printf(&p->c->arena, "question '%s'", raw->value)
                            : "question";
    if (!qname) {
        oom(p);
        return NULL;
    }
    if (!type) {
        diag_error(p->d, f->at, "question without type (add type=single, type=multiple or "
                   "type=truefalse)");
        f->bad = 1;
    } else if (strcmp(type->value, "single") == 0) {
        q->type = QUESTION_SINGLE;
    } else if (strcmp(type->value, "multiple") == 0) {
        q->type = QUESTION_MULTIPLE;
    } else if (strcmp(type->value, "truefalse") == 0) {
        q->type = QUESTION_TRUEFALSE;
    } else {
        diag_error(p->d, set_loc(f, type->value_off), "unknown question type '%s' (expected "
                   "'single', 'multiple' or 'truefalse')", type->value);
        f->bad = 1;
        type = NULL;
    }
    get_int(f, "weight", 1, 1, 100, &q->weight);
    Setting *shuffle = get_setting(f, "shuffle");
    Setting *fixed = get_setting(f, "fixed");
    q->keep_order = get_keep_order(f, shuffle);
    if (shuffle && type && q->type == QUESTION_TRUEFALSE) {
        diag_error(p->d, set_loc(f, shuffle->name_off), "true/false %s always shows true then "
                   "false: its choices are never shuffled (remove shuffle=)", qname);
        f->bad = 1;
    }
    check_unused(f, "id, type, weight, shuffle, fixed, roles, settings");

    size_t n = 0;
    Line *lines = split_lines(t, &n);
    if (!lines) {
        oom(p);
        return NULL;
    }
    TextBuild prompt = {0}, expl = {0};
    buf_init(&prompt.buf);
    buf_init(&expl.buf);
    size_t i = 0;
    for (; i < n && choice_mark(t, lines[i]) < 0; i++)
        add_line(&prompt, t, lines[i].s, lines[i].e);
    q->prompt = part_blocks(f, &prompt, 0, "question");
    if (!q->prompt)
        diag_error(p->d, f->at, "%s has no question text (write the question "
                   "before the first choice)", qname);

    Choice **tail = &q->choices;
    int ncorrect = 0, in_expl = 0;
    while (i < n) {
        Line l = lines[i];
        int mark = choice_mark(t, l);
        if (mark < 0) {
            if (!line_blank(t, l) || in_expl)
                in_expl = 1;
            if (in_expl)
                add_line(&expl, t, l.s, l.e);
            i++;
            continue;
        }
        if (in_expl) {
            diag_error(p->d, loc_off(p, t, l.s), "choice after the explanation (put every "
                       "choice before the explanation text)");
            i++;
            continue;
        }
        SrcLoc at = loc_off(p, t, l.s);
        Choice *ch = arena_alloc(&p->c->arena, sizeof(*ch));
        if (!ch)
            break;
        ch->at = at;
        ch->correct = mark;
        TextBuild text = {0}, fb = {0};
        buf_init(&text.buf);
        buf_init(&fb.buf);
        size_t ts = l.s + 5;
        while (ts < l.e && t->data[ts] == ' ')
            ts++;
        add_line(&text, t, ts, l.e);
        size_t j = i + 1;
        for (; j < n; j++) {
            Line m = lines[j];
            size_t fs = feedback_start(t, m);
            if (fs) {
                add_line(&fb, t, fs, m.e);
            } else if (line_blank(t, m)) {
                /* a blank line continues the feedback only if more follows */
                size_t k = j + 1;
                while (k < n && line_blank(t, lines[k]))
                    k++;
                if (k < n && feedback_start(t, lines[k]) && fb.buf.len) {
                    buf_putc(&fb.buf, '\n');
                    continue;
                }
                break;
            } else if (t->data[m.s] == ' ' && fb.buf.len == 0) {
                add_line(&text, t, m.s, m.e);
            } else {
                break;
            }
        }
        i = j;
        q->nchoices++;
        if (q->nchoices > QUESTION_MAX_CHOICES) {
            if (q->nchoices == QUESTION_MAX_CHOICES + 1)
                diag_error(p->d, at, "more than %d choices (keep at most %d)",
                           QUESTION_MAX_CHOICES, QUESTION_MAX_CHOICES);
            tb_release(&text);
            tb_release(&fb);
            continue;
        }
        ch->id[0] = (char)('a' + q->nchoices - 1);
        ch->text = part_inlines(f, &text, "question");
        if (!ch->text)
            diag_error(p->d, at, "choice %s has no text (write it after '- [ ] ')", ch->id);
        ch->feedback = part_blocks(f, &fb, 0, "question");
        if (!ch->feedback)
            diag_error(p->d, at, "choice %s has no feedback (add a line '  > …' under it "
                       "saying why it is right or wrong)", ch->id);
        ncorrect += mark;
        tb_release(&text);
        tb_release(&fb);
        *tail = ch;
        tail = &ch->next;
    }
    if (q->nchoices > QUESTION_MAX_CHOICES)
        q->nchoices = QUESTION_MAX_CHOICES;
    q->explanation = part_blocks(f, &expl, 0, "question");
    tb_release(&prompt);
    tb_release(&expl);
    free(lines);

    if (q->nchoices == 0) {
        diag_error(p->d, f->at, "%s has no choices (add lines '- [x] right answer' "
                   "and '- [ ] wrong answer', each followed by '  > feedback')", qname);
    } else if (type && q->type == QUESTION_SINGLE && ncorrect != 1) {
        if (ncorrect == 0)
            diag_error(p->d, f->at, "single-answer %s has no right answer (mark "
                       "the right choice with [x])", qname);
        else
            diag_error(p->d, f->at, "single-answer %s has %d right answers (mark "
                       "exactly one choice [x], or use type=multiple)", qname, ncorrect);
    } else if (type && q->type == QUESTION_MULTIPLE && ncorrect == 0) {
        diag_error(p->d, f->at, "multiple-answer %s has no right answer (mark the "
                   "right choices with [x])", qname);
    } else if (type && q->type == QUESTION_TRUEFALSE) {
        if (q->nchoices != 2)
            diag_error(p->d, f->at, "true/false %s has %d choices (write exactly "
                       "two: true first, then false)", qname, q->nchoices);
        else if (ncorrect != 1)
            diag_error(p->d, f->at, "true/false %s needs exactly one right answer "
                       "(mark either the first (true) or the second (false) choice [x])", qname);
    }
    if (q->nchoices > 0 && !q->explanation)
        diag_warning(p->d, f->at, "%s has no explanation (add a paragraph after "
                     "the choices saying what to remember)", qname);
    if (fixed && type && q->nchoices > 0)
        get_fixed(f, fixed, q, qname, q->keep_order);
    Block *b = course_new_block(p->c, BLOCK_QUESTION, f->at);
    if (!b) {
        oom(p);
        return NULL;
    }
    b->audience = aud;
    b->u.question = q;
    return b;
}

/* ---- scenarios ------------------------------------------------------------------ */

/* "- text -> target": offset of "->", or 0. */
static size_t arrow_at(const Text *t, Line l)
{
    if (!starts_with(t, l, "- "))
        return 0;
    for (size_t i = l.e; i > l.s + 2; i--)
        if (t->data[i - 2] == '-' && t->data[i - 1] == '>')
            return i - 2;
    return 0;
}

typedef struct StepInfo {
    Step *step;
    int color;      /* DFS: 0 new, 1 on the path, 2 done */
    int reached;
} StepInfo;

static int step_index(Step **steps, int n, const char *id)
{
    for (int i = 0; i < n; i++)
        if (strcmp(steps[i]->id, id) == 0)
            return i;
    return -1;
}

/* Depth-first walk from step i: reports each choice that goes back to a step
 * on the current path (a loop). Iterative, so long scenarios cannot overflow
 * the C stack. */
static void find_loops(PageCtx *p, Step **steps, StepInfo *info, int n, const char *sid)
{
    typedef struct { int step; StepChoice *next; } Frame;
    Frame *stack = malloc((size_t)(n + 1) * sizeof(*stack));
    if (!stack) {
        oom(p);
        return;
    }
    int sp = 0;
    stack[sp].step = 0;
    stack[sp].next = steps[0]->choices;
    info[0].color = 1;
    info[0].reached = 1;
    sp++;
    while (sp > 0) {
        Frame *fr = &stack[sp - 1];
        StepChoice *ch = fr->next;
        if (!ch) {
            info[fr->step].color = 2;
            sp--;
            continue;
        }
        fr->next = ch->next;
        if (!ch->target)
            continue;
        int k = step_index(steps, n, ch->target->id);
        if (k < 0)
            continue;
        info[k].reached = 1;
        if (info[k].color == 1) {
            diag_error(p->d, ch->at, "choice %s leads back to step '%s': %s has a "
                       "loop (point it to a new step; a scenario must always move forward)",
                       ch->code, ch->target->id, sid);
        } else if (info[k].color == 0 && sp <= n) {
            info[k].color = 1;
            stack[sp].step = k;
            stack[sp].next = steps[k]->choices;
            sp++;
        }
    }
    free(stack);
}

static void step_header(Fence *f, Step *st, const Text *t, Line l, int scored)
{
    PageCtx *p = f->r->p;
    size_t s = l.s + 2;
    while (s < l.e && t->data[s] == ' ')
        s++;
    size_t e = s;
    while (e < l.e && t->data[e] != ' ')
        e++;
    st->id = course_strndup(p->c, t->data + s, e - s);
    if (!st->id) {
        oom(p);
        st->id = "";
        return;
    }
    if (!source_util_is_id(st->id, e - s, 40))
        diag_error(p->d, loc_off(p, t, s), "invalid step id '%s' (use 1 to 40 lower-case "
                   "letters, digits and '-')", st->id);
    /* settings after the id: only end= */
    size_t i = e;
    while (i < l.e) {
        while (i < l.e && t->data[i] == ' ')
            i++;
        if (i >= l.e)
            break;
        size_t ns = i;
        while (i < l.e && t->data[i] != ' ')
            i++;
        const char *tok = t->data + ns;
        size_t len = i - ns;
        if (len > 4 && strncmp(tok, "end=", 4) == 0) {
            if (len == 11 && strncmp(tok + 4, "correct", 7) == 0)
                st->end = END_CORRECT;
            else if (len == 11 && strncmp(tok + 4, "partial", 7) == 0)
                st->end = END_PARTIAL;
            else if (len == 9 && strncmp(tok + 4, "wrong", 5) == 0)
                st->end = END_WRONG;
            else
                diag_error(p->d, loc_off(p, t, ns + 4), "invalid ending '%.*s' (write "
                           "end=correct, end=partial or end=wrong)", (int)(len - 4), tok + 4);
        } else {
            diag_error(p->d, loc_off(p, t, ns), "unknown step setting '%.*s' (a step line is "
                       "'# step-id', optionally followed by end=correct|partial|wrong)",
                       (int)len, tok);
        }
    }
    (void)scored;
}

static Block *fence_scenario(Fence *f, Audience aud)
{
    Run *r = f->r;
    PageCtx *p = r->p;
    const Text *t = &f->content;
    Scenario *sc = arena_alloc(&p->c->arena, sizeof(*sc));
    if (!sc) {
        oom(p);
        return NULL;
    }
    const char *id = get_id(f, "scenario");
    sc->id = id ? id : "";
    sc->at = f->at;
    Setting *raw = get_setting(f, "id");
    const char *sname = raw ? arena_printf(&p->c->arena, "scenario '%s'", raw->value)
                            : "scenario";
    if (!sname) {
        oom(p);
        return NULL;
    }
    Setting *scored = get_setting(f, "scored");
    if (scored) {
        if (strcmp(scored->value, "yes") == 0)
            sc->scored = 1;
        else if (strcmp(scored->value, "no") != 0)
            diag_error(p->d, set_loc(f, scored->value_off), "invalid scored '%s' (write "
                       "scored=yes or scored=no)", scored->value);
    }
    get_int(f, "weight", 1, 1, 100, &sc->weight);
    Setting *title = get_setting(f, "title");
    sc->title = title && *title->value ? title->value : NULL;
    sc->keep_order = get_keep_order(f, get_setting(f, "shuffle"));
    check_unused(f, "id, scored, weight, title, shuffle, roles, settings");

    size_t n = 0;
    Line *lines = split_lines(t, &n);
    if (!lines) {
        oom(p);
        return NULL;
    }
    size_t i = 0;
    while (i < n && line_blank(t, lines[i]))
        i++;
    if (i < n && !starts_with(t, lines[i], "# ")) {
        diag_error(p->d, loc_off(p, t, lines[i].s), "text before the first step (start the "
                   "scenario with a step line '# step-id')");
        while (i < n && !starts_with(t, lines[i], "# "))
            i++;
    }
    Step **stail = &sc->steps;
    int nsteps = 0;
    while (i < n) {
        Line hl = lines[i];
        Step *st = arena_alloc(&p->c->arena, sizeof(*st));
        if (!st)
            break;
        st->at = loc_off(p, t, hl.s);
        step_header(f, st, t, hl, sc->scored);
        i++;
        TextBuild body = {0};
        buf_init(&body.buf);
        while (i < n && !starts_with(t, lines[i], "# ") && !arrow_at(t, lines[i])) {
            add_line(&body, t, lines[i].s, lines[i].e);
            i++;
        }
        st->body = part_blocks(f, &body, 0, "scenario");
        tb_release(&body);
        StepChoice **ctail = &st->choices;
        while (i < n && !starts_with(t, lines[i], "# ")) {
            Line l = lines[i];
            size_t arrow = arrow_at(t, l);
            if (line_blank(t, l)) {
                i++;
                continue;
            }
            if (!arrow) {
                if (starts_with(t, l, "- "))
                    diag_error(p->d, loc_off(p, t, l.s), "choice without a target step (end "
                               "the line with '-> step-id')");
                else
                    diag_error(p->d, loc_off(p, t, l.s), "text after the choices of step '%s' "
                               "(put the step's text before its choices, consequences on "
                               "'  >' lines)", st->id);
                i++;
                continue;
            }
            StepChoice *ch = arena_alloc(&p->c->arena, sizeof(*ch));
            if (!ch)
                break;
            ch->at = loc_off(p, t, l.s);
            sc->nchoices++;
            if (sc->nchoices <= SCENARIO_MAX_CHOICES)
                ch->code[0] = sc->nchoices <= 26 ? (char)('a' + sc->nchoices - 1)
                                                 : (char)('0' + sc->nchoices - 27);
            else if (sc->nchoices == SCENARIO_MAX_CHOICES + 1)
                diag_error(p->d, ch->at, "more than %d choices in %s (split it into "
                           "two scenarios)", SCENARIO_MAX_CHOICES, sname);
            size_t ts = arrow + 2;
            while (ts < l.e && t->data[ts] == ' ')
                ts++;
            size_t te = l.e;
            while (te > ts && t->data[te - 1] == ' ')
                te--;
            ch->target_id = course_strndup(p->c, t->data + ts, te - ts);
            if (ts == te)
                diag_error(p->d, loc_off(p, t, arrow), "choice without a target step (write "
                           "the step id after '->')");
            size_t xe = arrow;
            while (xe > l.s + 2 && t->data[xe - 1] == ' ')
                xe--;
            TextBuild text = {0}, cons = {0};
            buf_init(&text.buf);
            buf_init(&cons.buf);
            add_line(&text, t, l.s + 2, xe);
            ch->text = part_inlines(f, &text, "scenario");
            if (!ch->text)
                diag_error(p->d, ch->at, "choice without text (write what the learner does "
                           "before '->')");
            i++;
            while (i < n) {
                size_t fs = feedback_start(t, lines[i]);
                if (fs) {
                    add_line(&cons, t, fs, lines[i].e);
                } else if (line_blank(t, lines[i])) {
                    size_t k = i + 1;
                    while (k < n && line_blank(t, lines[k]))
                        k++;
                    if (!(k < n && feedback_start(t, lines[k]) && cons.buf.len))
                        break;
                    buf_putc(&cons.buf, '\n');
                } else {
                    break;
                }
                i++;
            }
            ch->consequence = part_blocks(f, &cons, 0, "scenario");
            if (!ch->consequence)
                diag_error(p->d, ch->at, "choice %s has no consequence (add a line '  > …' "
                           "under it saying what happens)", ch->code);
            tb_release(&text);
            tb_release(&cons);
            *ctail = ch;
            ctail = &ch->next;
        }
        *stail = st;
        stail = &st->next;
        nsteps++;
    }
    free(lines);
    if (sc->nchoices > SCENARIO_MAX_CHOICES)
        sc->nchoices = SCENARIO_MAX_CHOICES;

    if (nsteps == 0) {
        diag_error(p->d, f->at, "%s has no steps (write '# step-id' lines, each "
                   "followed by its text and choices)", sname);
    } else {
        Step **steps = malloc((size_t)nsteps * sizeof(*steps));
        StepInfo *info = calloc((size_t)nsteps, sizeof(*info));
        if (!steps || !info) {
            free(steps);
            free(info);
            oom(p);
            goto done;
        }
        int k = 0;
        for (Step *st = sc->steps; st; st = st->next) {
            int prev = step_index(steps, k, st->id);
            if (prev >= 0 && *st->id)
                diag_error(p->d, st->at, "step '%s' is defined twice (line %d; give each step "
                           "its own id)", st->id, steps[prev]->at.line);
            steps[k++] = st;
        }
        int correct = 0;
        for (Step *st = sc->steps; st; st = st->next) {
            for (StepChoice *ch = st->choices; ch; ch = ch->next) {
                if (!ch->target_id || !*ch->target_id)
                    continue;
                int ti = step_index(steps, nsteps, ch->target_id);
                if (ti < 0)
                    diag_error(p->d, ch->at, "choice leads to unknown step '%s' (add a step "
                               "'# %s' or fix the target)", ch->target_id, ch->target_id);
                else
                    ch->target = steps[ti];
            }
            if (!st->choices) {
                if (!st->body)
                    diag_error(p->d, st->at, "ending '%s' has no debrief (write why this "
                               "ending happened, what to learn from it)", st->id);
                if (sc->scored && st->end == END_NONE)
                    diag_error(p->d, st->at, "ending '%s' of scored %s has no end= "
                               "(write '# %s end=correct', end=partial or end=wrong)",
                               st->id, sname, st->id);
                correct += st->end == END_CORRECT;
            } else if (st->end != END_NONE) {
                diag_error(p->d, st->at, "step '%s' has choices but an end= (only endings, "
                           "steps without choices, take end=)", st->id);
            }
        }
        if (sc->scored && correct == 0)
            diag_error(p->d, f->at, "scored %s has no correct ending (mark the best "
                       "ending with end=correct)", sname);
        find_loops(p, steps, info, nsteps, sname);
        for (int j = 1; j < nsteps; j++)
            if (!info[j].reached && step_index(steps, j, steps[j]->id) < 0)
                diag_error(p->d, steps[j]->at, "step '%s' cannot be reached (no choice leads "
                           "to it: add one, or remove the step)", steps[j]->id);
        free(steps);
        free(info);
    }
done:;
    Block *b = course_new_block(p->c, BLOCK_SCENARIO, f->at);
    if (!b) {
        oom(p);
        return NULL;
    }
    b->audience = aud;
    b->u.scenario = sc;
    return b;
}

/* ---- the other kinds ----------------------------------------------------------- */

static const char *const fence_kinds[] = {
    "keyfact", "warning", "only", "page", "question", "scenario", "reflection",
};
#define NKINDS (sizeof(fence_kinds) / sizeof(fence_kinds[0]))
#define KINDS_LIST "keyfact, warning, only, page, question, scenario, reflection"

static int edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 32 || lb > 32)
        return 99;
    int d[33][33];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < c)
                c = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < c)
                c = d[i][j - 1] + 1;
            d[i][j] = c;
        }
    return d[la][lb];
}

/* A known kind the word is a likely misspelling of, or NULL. */
static const char *near_kind(const char *w)
{
    static const char *const admonitions[] = {
        "note", "tip", "info", "caution", "important", "danger", "quiz", "exercise", "callout",
    };
    for (size_t i = 0; i < NKINDS; i++) {
        int dist = edit_distance(w, fence_kinds[i]);
        if (dist <= (strlen(fence_kinds[i]) > 5 ? 2 : 1))
            return fence_kinds[i];
    }
    for (size_t i = 0; i < sizeof(admonitions) / sizeof(admonitions[0]); i++)
        if (strcasecmp(w, admonitions[i]) == 0)
            return "";
    return NULL;
}

static Block *fence_callout(Fence *f, Audience aud, CalloutKind kind)
{
    PageCtx *p = f->r->p;
    Setting *title = get_setting(f, "title");
    check_unused(f, "title, roles, settings");
    Block *b = course_new_block(p->c, BLOCK_CALLOUT, f->at);
    if (!b) {
        oom(p);
        return NULL;
    }
    b->audience = aud;
    b->u.callout.kind = kind;
    b->u.callout.title = title && *title->value ? title->value : NULL;
    TextBuild tb = {0};
    buf_init(&tb.buf);
    tb_add(&tb, &f->content, 0, f->content.size);
    b->children = part_blocks(f, &tb, 0, f->kind);
    tb_release(&tb);
    if (!b->children)
        diag_error(p->d, f->at, "empty ```%s block (write its text inside)", f->kind);
    return b;
}

static Block *fence_reflection(Fence *f, Audience aud)
{
    PageCtx *p = f->r->p;
    Block *b = course_new_block(p->c, BLOCK_REFLECTION, f->at);
    if (!b) {
        oom(p);
        return NULL;
    }
    const char *id = get_id(f, "reflection");
    b->u.reflection.id = id ? id : "";
    get_int(f, "max", 500, 10, 2000, &b->u.reflection.max_chars);
    check_unused(f, "id, max, roles, settings");
    b->audience = aud;
    TextBuild tb = {0};
    buf_init(&tb.buf);
    tb_add(&tb, &f->content, 0, f->content.size);
    b->u.reflection.prompt = part_blocks(f, &tb, 0, "reflection");
    tb_release(&tb);
    if (!b->u.reflection.prompt)
        diag_error(p->d, f->at, "reflection%s%s%s has no prompt (write the question the "
                   "learner answers in writing)", *b->u.reflection.id ? " '" : "",
                   b->u.reflection.id, *b->u.reflection.id ? "'" : "");
    return b;
}

/* Where the opening fence is: its line in the Run's text. */
static size_t fence_open_off(Run *r)
{
    if (r->code_info_off != (size_t)-1)
        return r->code_info_off;
    if (!r->first_code) {
        size_t s = r->first_code_off;
        while (s > 0 && r->t->data[s - 1] != '\n')
            s--;
        if (s > 0)
            s--;
        while (s > 0 && r->t->data[s - 1] != '\n')
            s--;
        return s;
    }
    /* empty block with no info: the first fence line after the last place */
    const char *d = r->t->data;
    size_t i = r->last_off;
    while (i < r->t->size) {
        size_t s = i;
        while (i < r->t->size && (d[i] == ' ' || d[i] == '>'))
            i++;
        if (i + 2 < r->t->size && d[i] == r->fence_char && d[i + 1] == r->fence_char &&
            d[i + 2] == r->fence_char && s >= r->last_off)
            return i;
        while (i < r->t->size && d[i] != '\n')
            i++;
        i++;
    }
    return r->last_off;
}

/* Whether a closing fence follows the opening line at off. */
static int fence_closed(Run *r, size_t off)
{
    const char *d = r->t->data;
    size_t n = r->t->size;
    size_t s = off;
    while (s > 0 && d[s - 1] != '\n')
        s--;
    while (s < n && d[s] != r->fence_char)
        s++;
    size_t len = 0;
    while (s + len < n && d[s + len] == r->fence_char)
        len++;
    size_t i = s + len;
    while (i < n && d[i] != '\n')
        i++;
    while (i < n) {
        i++;
        size_t k = i;
        while (k < n && (d[k] == ' ' || d[k] == '\t' || d[k] == '>'))
            k++;
        size_t run = 0;
        while (k + run < n && d[k + run] == r->fence_char)
            run++;
        size_t e = k + run;
        while (e < n && (d[e] == ' ' || d[e] == '\t' || d[e] == '\r'))
            e++;
        if (run >= len && (e == n || d[e] == '\n'))
            return 1;
        while (i < n && d[i] != '\n')
            i++;
    }
    return 0;
}

static void fence_done(Run *r)
{
    PageCtx *p = r->p;
    r->in_code = 0;
    const char *info = r->code_info ? r->code_info : "";
    Block *b = NULL;
    if (r->code.failed || r->code.buf.failed) {
        oom(p);
        goto out;
    }
    if (r->fence_char == 0 || !*info) {
        /* indented code, or a fence without kind: literal code */
        if (r->fence_char && !fence_closed(r, fence_open_off(r))) {
            SrcLoc at = line_loc(p, r->t, fence_open_off(r));
            diag_error(p->d, at, "unterminated ``` block (close it with a line of %c%c%c; a "
                       "block inside another needs more back-ticks on the outer fence)",
                       r->fence_char, r->fence_char, r->fence_char);
            goto out;
        }
        b = course_new_block(p->c, BLOCK_CODE, line_loc(p, r->t, fence_open_off(r)));
        if (b)
            b->u.code.literal = course_strndup(p->c, r->code.buf.data, r->code.buf.len);
        goto out;
    }
    Fence f;
    memset(&f, 0, sizeof(f));
    f.r = r;
    size_t open = fence_open_off(r);
    f.at = line_loc(p, r->t, open);
    f.content = tb_text(&r->code);
    parse_settings(&f, info, r->code_info_off);
    if (!f.kind) {
        oom(p);
        goto out;
    }
    int known = -1;
    for (size_t i = 0; i < NKINDS; i++)
        if (strcmp(f.kind, fence_kinds[i]) == 0)
            known = (int)i;
    if (!fence_closed(r, open)) {
        diag_error(p->d, f.at, "unterminated ```%s block (close it with a line of %c%c%c; a "
                   "block inside another needs more back-ticks on the outer fence)", f.kind,
                   r->fence_char, r->fence_char, r->fence_char);
        goto out;
    }
    if (known < 0) {
        const char *near = near_kind(f.kind);
        if (f.nset > 0 || f.bad || near) {
            if (near && *near)
                diag_error(p->d, f.at, "unknown block kind '%s' (did you mean '%s'? known kinds: "
                           KINDS_LIST ")", f.kind, near);
            else
                diag_error(p->d, f.at, "unknown block kind '%s' (known kinds: " KINDS_LIST ")",
                           f.kind);
            goto out;
        }
        b = course_new_block(p->c, BLOCK_CODE, f.at);
        if (b) {
            b->u.code.literal = course_strndup(p->c, r->code.buf.data, r->code.buf.len);
            b->u.code.lang = f.kind;
        }
        goto out;
    }
    if (r->depth >= MAX_FENCE_DEPTH) {
        diag_error(p->d, f.at, "blocks nested too deeply (at most %d levels)", MAX_FENCE_DEPTH);
        goto out;
    }
    Audience aud = get_audience(&f);
    const char *kind = f.kind;
    int interactive = strcmp(kind, "question") == 0 || strcmp(kind, "scenario") == 0 ||
                      strcmp(kind, "reflection") == 0;
    if (interactive && !(r->part & PART_PAGE)) {
        diag_error(p->d, f.at, "```%s inside a ```%s block (put questions, scenarios and "
                   "reflections at the page level or in an ```only block)", kind, r->what);
        goto out;
    }
    if (strcmp(kind, "keyfact") == 0) {
        b = fence_callout(&f, aud, CALLOUT_KEYFACT);
    } else if (strcmp(kind, "warning") == 0) {
        b = fence_callout(&f, aud, CALLOUT_WARNING);
    } else if (strcmp(kind, "only") == 0) {
        check_unused(&f, "roles, settings");
        if (!get_setting(&f, "roles") && !get_setting(&f, "settings") && !f.bad)
            diag_error(p->d, f.at, "```only block without roles= or settings= (say who it is "
                       "for, e.g. ```only roles=chief)");
        b = course_new_block(p->c, BLOCK_GROUP, f.at);
        if (b) {
            b->audience = aud;
            TextBuild tb = {0};
            buf_init(&tb.buf);
            tb_add(&tb, &f.content, 0, f.content.size);
            b->children = part_blocks(&f, &tb, r->part & PART_PAGE, "only");
            tb_release(&tb);
            if (!b->children)
                diag_error(p->d, f.at, "empty ```only block (write its content inside)");
        }
    } else if (strcmp(kind, "page") == 0) {
        check_unused(&f, "roles, settings");
        if (!(r->part & PART_TOP) || r->list || r->sp > 0) {
            diag_error(p->d, f.at, "```page must be the first block of the page (move it to "
                       "the top, above the title)");
        } else {
            if (!get_setting(&f, "roles") && !get_setting(&f, "settings") && !f.bad)
                diag_error(p->d, f.at, "```page block without roles= or settings= (say who "
                           "the page is for, or remove the block)");
            p->page->audience = aud;
            if (!is_space_text(f.content.data, f.content.size))
                diag_error(p->d, f.at, "```page block with content (leave it empty: it only "
                           "says who the page is for)");
        }
    } else if (strcmp(kind, "question") == 0) {
        b = fence_question(&f, aud);
    } else if (strcmp(kind, "scenario") == 0) {
        b = fence_scenario(&f, aud);
    } else {
        b = fence_reflection(&f, aud);
    }
out:
    tb_release(&r->code);
    r->code_info = NULL;
    if (b) {
        r->npending = 0;
        append(r, b);
    }
}

/* ---- parsing a part --------------------------------------------------------------- */

static Block *md_blocks(PageCtx *p, const Text *t, unsigned part, int depth, const char *what)
{
    Run *r = calloc(1, sizeof(*r));
    if (!r) {
        oom(p);
        return NULL;
    }
    r->p = p;
    r->t = t;
    r->part = part;
    r->depth = depth;
    r->what = what ? what : "";
    buf_init(&r->runbuf);
    buf_init(&r->alt);
    MD_PARSER parser = {0};
    parser.abi_version = 0;
    parser.flags = MD_FLAGS;
    parser.enter_block = cb_enter_block;
    parser.leave_block = cb_leave_block;
    parser.enter_span = cb_enter_span;
    parser.leave_span = cb_leave_span;
    parser.text = cb_text;
    int rc = md_parse(t->data, (MD_SIZE)t->size, &parser, r);
    if (rc != 0 && !p->oom)
        diag_error(p->d, srcloc(p->src.name, 0, 0), "the Markdown parser failed (error %d)", rc);
    para_done(r);
    if (r->in_code)
        tb_release(&r->code);
    Block *list = r->list;
    buf_release(&r->runbuf);
    buf_release(&r->alt);
    free(r);
    return list;
}

static Page *read_page_text(const SourceMd *m, const char *file, const char *name,
                            const char *data, size_t size);

Page *source_md_read_page(const SourceMd *m, const char *file, const char *name,
                          const char *caller_data, size_t size)
{
    /* md4c 0.4.8 reads one byte past the text it is given: parse a private
     * copy that ends in a NUL, whatever follows the caller's bytes. */
    char *data = malloc(size + 1);
    if (!data) {
        diag_error(m->d, srcloc(file, 0, 0), "out of memory");
        return NULL;
    }
    memcpy(data, caller_data, size);
    data[size] = '\0';
    Page *page = read_page_text(m, file, name, data, size);
    free(data);
    return page;
}

static Page *read_page_text(const SourceMd *m, const char *file, const char *name,
                            const char *data, size_t size)
{
    PageCtx p;
    memset(&p, 0, sizeof(p));
    p.m = m;
    p.c = m->c;
    p.d = m->d;
    Page *page = arena_alloc(&m->c->arena, sizeof(*page));
    if (!page || source_util_file_init(&p.src, file, data, size) != 0) {
        diag_error(m->d, srcloc(file, 0, 0), "out of memory");
        return NULL;
    }
    page->name = course_strdup(m->c, name);
    page->file = course_strdup(m->c, file);
    p.page = page;
    source_util_check_utf8(&p.src, m->d);
    source_util_check_lines(&p.src, SOURCE_MAX_LINE, m->d);
    /* a byte order mark (Windows editors) is not text: skip it, keeping
     * places in the file */
    Piece skip = { 0, 3 };
    Text t = { data, size, NULL, 0 };
    if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        t.data = data + 3;
        t.size = size - 3;
        t.pieces = &skip;
        t.npieces = 1;
    }
    page->blocks = md_blocks(&p, &t, PART_PAGE | PART_TOP, 0, "page");
    if (!page->title && !p.oom)
        diag_error(m->d, srcloc(file, 1, 1), "page has no title (start it with a line "
                   "'# Title')");
    if (!page->title)
        page->title = page->name;
    source_util_file_release(&p.src);
    return p.oom ? NULL : page;
}

/* ---- word count -------------------------------------------------------------------- */

static int count_words(const Inline *in)
{
    int n = 0, inword = 0;
    for (; in; in = in->next)
        for (const char *s = in->text; *s; s++) {
            int sp = isspace((unsigned char)*s);
            if (!sp && !inword)
                n++;
            inword = !sp;
        }
    return n;
}

static int word_visitor(Block *b, int depth, void *ud)
{
    int *n = ud;
    (void)depth;
    *n += count_words(b->text);
    if (b->kind == BLOCK_QUESTION)
        for (const Choice *ch = b->u.question->choices; ch; ch = ch->next)
            *n += count_words(ch->text);
    if (b->kind == BLOCK_SCENARIO)
        for (const Step *s = b->u.scenario->steps; s; s = s->next)
            for (const StepChoice *ch = s->choices; ch; ch = ch->next)
                *n += count_words(ch->text);
    return 0;
}

int source_md_word_count(const Page *p)
{
    int n = 0;
    course_walk_blocks(p->blocks, word_visitor, &n);
    return n;
}
