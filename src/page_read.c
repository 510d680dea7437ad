/* page_read: HTML > blocks. The key idea is one "flow" reader used for every
 * container: text and inline elements collect into a pending paragraph, and
 * a block element first flushes that paragraph and then becomes its own
 * block. Our data-cp-* widgets (questions, scenarios, reflections, callouts)
 * are recognised by class before the generic rules, so a third-party page and
 * ours go through the same code. libxml2 builds the tree with NONET and no
 * entity loading; we never look at script, style, iframe or form controls. */
#include "page_read.h"

#include "buf.h"
#include "markup.h"
#include "utf8.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/SAX2.h>
#include <libxml/encoding.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

typedef struct Reader {
    Course *c;               /* where the model is allocated */
    const Course *ctx;       /* roles and settings that audience bits refer to */
    Diag *d;
    const char *file;        /* arena copy */
    size_t nblocks;
    int warned_blocks;
    int warned_depth;
    int oom;
    /* What a third-party page shows without scripts (outside <noscript>),
     * to tell a page built by scripts (see mark_script_built) */
    int noscript;            /* inside <noscript> (depth) */
    size_t static_words;
    int static_things;       /* images, tables, lists, media */
    /* <audio>/<video> met inside inline content, shown after its block */
    const xmlNode *pending_media[8];
    int npending;
} Reader;

/* Inlines being collected for one paragraph. */
typedef struct InlineList {
    Inline *head, *tail;
    char *run;               /* tail's text while runs merge into it (malloc'd,
                                copied into the arena by il_end_run()), or NULL */
    size_t run_len, run_cap;
    size_t tail_len;         /* strlen(tail->text), or of run while merging */
    int space;               /* a collapsed space is pending before the next text */
    unsigned space_style;    /* style and link of the text the space was in */
    const char *space_href;
    int started;             /* some non-space text was added */
} InlineList;

/* ---- small helpers -------------------------------------------------------- */

#define MEDIA_NAME_MAX 255      /* bytes of a media file name kept for its notice */
#define SCRIPT_BUILT_MAX_WORDS 12   /* see mark_script_built() */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int is_el(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && n->name &&
           strcasecmp((const char *)n->name, name) == 0;
}

static const char *el_name(const xmlNode *n)
{
    return (n && n->name) ? (const char *)n->name : "";
}

static SrcLoc loc(const Reader *R, const xmlNode *n)
{
    long line = n ? xmlGetLineNo(n) : 0;
    return srcloc(R->file, line > 0 && line < 0x7fffffff ? (int)line : 0, 0);
}

/* The attribute as an arena string, or NULL. */
static const char *attr(Reader *R, const xmlNode *n, const char *name)
{
    if (!n || n->type != XML_ELEMENT_NODE)
        return NULL;
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    const char *s = course_strdup(R->c, (const char *)v);
    xmlFree(v);
    if (!s)
        R->oom = 1;
    return s;
}

static int has_attr(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && xmlHasProp(n, (const xmlChar *)name);
}

static int has_class(const xmlNode *n, const char *cls)
{
    if (!n || n->type != XML_ELEMENT_NODE)
        return 0;
    xmlChar *v = xmlGetProp(n, (const xmlChar *)"class");
    if (!v)
        return 0;
    size_t len = strlen(cls);
    int found = 0;
    const char *p = (const char *)v;
    while (*p && !found) {
        while (*p && isspace((unsigned char)*p))
            p++;
        const char *start = p;
        while (*p && !isspace((unsigned char)*p))
            p++;
        if ((size_t)(p - start) == len && memcmp(start, cls, len) == 0)
            found = 1;
    }
    xmlFree(v);
    return found;
}

/* The markup contract's names (markup.h). */
static int mclass(const xmlNode *n, Markup cls)
{
    return has_class(n, markup(cls));
}

static const char *mattr(Reader *R, const xmlNode *n, Markup name)
{
    return attr(R, n, markup(name));
}

static int attr_int(Reader *R, const xmlNode *n, const char *name, int dflt, int lo, int hi)
{
    const char *s = attr(R, n, name);
    if (!s || !*s)
        return dflt;
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || v < lo || v > hi)
        return dflt;
    return (int)v;
}

/* First descendant element (depth-first, n itself excluded) with that class
 * (and tag, when tag is not NULL). */
static xmlNode *find_class(xmlNode *n, const char *tag, const char *cls, int depth)
{
    if (depth > 64)
        return NULL;
    for (xmlNode *k = n ? n->children : NULL; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        if ((!tag || is_el(k, tag)) && (!cls || has_class(k, cls)))
            return k;
        xmlNode *f = find_class(k, tag, cls, depth + 1);
        if (f)
            return f;
    }
    return NULL;
}

/* Elements whose content is never shown. */
static int is_hidden_element(const xmlNode *n)
{
    static const char *const skip[] = {
        "script", "style", "iframe", "frame", "frameset", "template", "object",
        "embed", "applet", "head", "title", "meta", "link", "base", "input", "select",
        "textarea", "button", "option", "svg", "math", "canvas", "source",
        "track", "map", "area", "param", "nav", NULL,
    };
    for (int i = 0; skip[i]; i++)
        if (is_el(n, skip[i]))
            return 1;
    if (has_attr(n, "hidden"))
        return 1;
    /* parts of our widgets read by their own handlers, and runtime-filled parts */
    static const Markup cls[] = {
        MC_CALLOUT_TITLE, MC_STEP_CHOICES, MC_RESULT, MC_FEEDBACK, MC_CONSEQUENCE, MC_PROMPT,
        MC_CONTEXT_FORM, MC_SUMMARY_BODY, MC_NAV, MC_SCENARIO_TITLE, MC_EXPLANATION,
    };
    for (size_t i = 0; i < sizeof(cls) / sizeof(cls[0]); i++)
        if (has_class(n, markup(cls[i])))
            return 1;
    return 0;
}

static int is_block_element(const xmlNode *n)
{
    static const char *const blocks[] = {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "dt", "dd", "li",
        "blockquote", "pre", "hr", "table", "figure", "figcaption", "div", "section",
        "article", "main", "header", "footer", "aside", "address", "center", "fieldset",
        "form", "details", "summary", "legend", "body", "html", "caption", "hgroup",
        "img", "tr", "td", "th", "thead", "tbody", "tfoot", "menu", "dir", "listing",
        "xmp", "plaintext", "noscript", "audio", "video", NULL,
    };
    for (int i = 0; blocks[i]; i++)
        if (is_el(n, blocks[i]))
            return 1;
    return 0;
}

static Block *new_block(Reader *R, BlockKind kind, const xmlNode *n)
{
    if (R->nblocks >= PAGE_READ_MAX_BLOCKS) {
        if (!R->warned_blocks) {
            R->warned_blocks = 1;
            diag_warning(R->d, loc(R, n),
                         "page has more than %d blocks; the rest is not shown "
                         "(split the page)", PAGE_READ_MAX_BLOCKS);
        }
        return NULL;
    }
    Block *b = course_new_block(R->c, kind, loc(R, n));
    if (!b)
        R->oom = 1;
    else
        R->nblocks++;
    return b;
}

/* ---- audience -------------------------------------------------------------- */

static unsigned id_bits(const ContextItem *items, int n, const char *list)
{
    unsigned bits = 0;
    const char *p = list;
    while (p && *p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        for (int i = 0; i < n; i++)
            if (items[i].id && strlen(items[i].id) == len && memcmp(items[i].id, p, len) == 0)
                bits |= 1u << i;
        p = end ? end + 1 : NULL;
    }
    return bits;
}

static Audience read_audience(Reader *R, const xmlNode *n)
{
    Audience a = {0, 0};
    const char *roles = mattr(R, n, MA_ROLES);
    const char *settings = mattr(R, n, MA_SETTINGS);
    if (roles)
        a.roles = id_bits(R->ctx->roles, R->ctx->nroles, roles);
    if (settings)
        a.settings = id_bits(R->ctx->settings, R->ctx->nsettings, settings);
    return a;
}

/* ---- inline text ------------------------------------------------------------ */

/* Merging words into one run must not copy the run into the arena once per
 * word (a paragraph of n words would cost O(n^2) bytes): the growing text
 * lives in il->run and reaches the arena once, when the run ends. */
static void il_end_run(Reader *R, InlineList *il)
{
    if (il->run) {
        char *t = course_strndup(R->c, il->run, il->run_len);
        if (t)
            il->tail->text = t;
        else
            R->oom = 1;
        free(il->run);
    }
    il->run = NULL;
    il->run_len = il->run_cap = 0;
}

/* Appends s[0..n) to the tail's text. */
static void il_grow_run(Reader *R, InlineList *il, const char *s, size_t n)
{
    if (!il->run) {
        il->run_len = il->tail_len;
        il->run_cap = 2 * (il->run_len + n) + 64;
        il->run = malloc(il->run_cap);
        if (!il->run) {
            R->oom = 1;
            return;
        }
        memcpy(il->run, il->tail->text, il->run_len);
    } else if (il->run_len + n + 1 > il->run_cap) {
        size_t cap = 2 * (il->run_len + n) + 64;    /* bounded by PAGE_READ_MAX_RUN */
        char *r = realloc(il->run, cap);
        if (!r) {
            R->oom = 1;
            return;
        }
        il->run = r;
        il->run_cap = cap;
    }
    memcpy(il->run + il->run_len, s, n);
    il->run_len += n;
    il->tail_len = il->run_len;
}

static void il_push(Reader *R, InlineList *il, unsigned style, const char *href,
                    const char *s, size_t len)
{
    /* a 2 MB word becomes several runs, so no single string is unbounded */
    while (len > 0 || (style & INLINE_BREAK)) {
        size_t n = len;
        if (n > PAGE_READ_MAX_RUN) {
            n = PAGE_READ_MAX_RUN;
            while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
                n--;            /* never split a UTF-8 sequence */
            if (n == 0)
                n = PAGE_READ_MAX_RUN;
        }
        if (il->tail && il->tail->style == style && !(style & INLINE_BREAK) &&
            ((!il->tail->href && !href) ||
             (il->tail->href && href && strcmp(il->tail->href, href) == 0)) &&
            il->tail_len + n <= PAGE_READ_MAX_RUN) {
            /* merge with the previous run of the same style */
            il_grow_run(R, il, s, n);
            if (R->oom)
                return;
        } else {
            il_end_run(R, il);
            Inline *in = course_new_inline(R->c, style, s, n);
            if (!in) {
                R->oom = 1;
                return;
            }
            in->href = href;
            if (il->tail)
                il->tail->next = in;
            else
                il->head = in;
            il->tail = in;
            il->tail_len = n;
        }
        if (style & INLINE_BREAK)
            return;
        s += n;
        len -= n;
    }
}

/* Appends text with HTML white-space collapsing (runs of ASCII white space
 * become one space; no-break spaces are kept as they are). */
static void il_text(Reader *R, InlineList *il, unsigned style, const char *href,
                    const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f') {
            if (!il->space) {
                il->space_style = style & ~(unsigned)INLINE_BREAK;
                il->space_href = href;
            }
            il->space = 1;
            i++;
            continue;
        }
        size_t j = i;
        while (j < len && !(s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r' ||
                            s[j] == '\f'))
            j++;
        if (il->space && il->started)
            il_push(R, il, il->space_style, il->space_href, " ", 1);
        if ((il->space || !il->started) && !R->noscript)
            R->static_words++;
        il->space = 0;
        il_push(R, il, style, href, s + i, j - i);
        il->started = 1;
        i = j;
    }
}

static void collect_inline(Reader *R, xmlNode *n, unsigned style, const char *href,
                           InlineList *il, int depth);

static void collect_children(Reader *R, xmlNode *n, unsigned style, const char *href,
                             InlineList *il, int depth)
{
    for (xmlNode *k = n->children; k; k = k->next)
        collect_inline(R, k, style, href, il, depth + 1);
}

static void collect_inline(Reader *R, xmlNode *n, unsigned style, const char *href,
                           InlineList *il, int depth)
{
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        if (n->content)
            il_text(R, il, style, href, (const char *)n->content,
                    strlen((const char *)n->content));
        return;
    }
    if (n->type != XML_ELEMENT_NODE || is_hidden_element(n) || depth > 256)
        return;
    if (is_el(n, "br")) {
        if (il->started)
            il_push(R, il, INLINE_BREAK, NULL, "", 0);
        il->space = 0;
        return;
    }
    if (is_el(n, "img")) {
        const char *alt = attr(R, n, "alt");
        if (alt && *alt)
            il_text(R, il, style, href, alt, strlen(alt));
        if (!R->noscript)
            R->static_things = 1;
        return;
    }
    if (is_el(n, "audio") || is_el(n, "video")) {
        /* a notice block, after the block this text is in */
        if (R->npending < (int)(sizeof(R->pending_media) / sizeof(R->pending_media[0])))
            R->pending_media[R->npending++] = n;
        return;
    }
    if (is_el(n, "noscript")) {
        R->noscript++;
        collect_children(R, n, style, href, il, depth);
        R->noscript--;
        return;
    }
    if (is_el(n, "strong") || is_el(n, "b"))
        style |= INLINE_STRONG;
    else if (is_el(n, "em") || is_el(n, "i") || is_el(n, "cite") || is_el(n, "var") ||
             is_el(n, "dfn"))
        style |= INLINE_EM;
    else if (is_el(n, "code") || is_el(n, "kbd") || is_el(n, "samp") || is_el(n, "tt"))
        style |= INLINE_CODE;
    else if (is_el(n, "s") || is_el(n, "del") || is_el(n, "strike"))
        style |= INLINE_STRIKE;
    else if (is_el(n, "a") && has_attr(n, "href")) {
        const char *h = attr(R, n, "href");
        size_t pre = strlen(markup(MI_REF_PREFIX));
        if (mclass(n, MC_CITE) && h && h[0] == '#' && strncmp(h + 1, markup(MI_REF_PREFIX), pre) == 0) {
            style |= INLINE_CITE;
            href = h + 1 + pre;
        } else if (h && strncasecmp(h, "javascript:", 11) != 0) {
            style |= INLINE_LINK;
            href = h;
        }
    }
    /* a block element met inside inline content (say <a><div>) is read as
     * text: the paragraph keeps its words */
    if (is_block_element(n) && il->started && !il->space) {
        il->space = 1;
        il->space_style = 0;
        il->space_href = NULL;
    }
    collect_children(R, n, style, href, il, depth);
    if (is_block_element(n) && il->started && !il->space) {
        il->space = 1;
        il->space_style = 0;
        il->space_href = NULL;
    }
}

/* Inlines of an element's whole content, trimmed. */
static Inline *inline_content(Reader *R, xmlNode *n)
{
    InlineList il = {0};
    collect_children(R, n, 0, NULL, &il, 0);
    il_end_run(R, &il);
    return il.head;
}

static char *plain_text(Reader *R, xmlNode *n)
{
    Inline *in = inline_content(R, n);
    char *t = inline_plain_text(in);
    char *s = course_strdup(R->c, t ? t : "");
    free(t);
    if (!s)
        R->oom = 1;
    return s;
}

/* ---- flow ---------------------------------------------------------------- */

static void read_flow(Reader *R, xmlNode *parent, Block **list, int depth);

/* Appends b at *tail (the NULL next pointer of a list) and moves tail on:
 * appending stays O(1) on a page of 200,000 paragraphs. */
static void append(Block ***tail, Block *b)
{
    if (b)
        **tail = b;
    while (**tail)
        *tail = &(**tail)->next;
}

/* The name of the file a media element plays: its src, or its first
 * <source>'s; the last path segment, without parameters, %XX decoded. NULL
 * when there is none. */
static const char *media_file(Reader *R, const xmlNode *n)
{
    const char *src = attr(R, n, "src");
    for (const xmlNode *k = n->children; (!src || !*src) && k; k = k->next)
        if (is_el(k, "source"))
            src = attr(R, k, "src");
    if (!src)
        return NULL;
    size_t end = strcspn(src, "?#"), start = end;
    while (start > 0 && src[start - 1] != '/')
        start--;
    Buf name = BUF_INIT;
    for (size_t i = start; i < end; i++) {
        int hi, lo;
        if (src[i] == '%' && i + 2 < end && (hi = hexval(src[i + 1])) >= 0
            && (lo = hexval(src[i + 2])) >= 0 && hi * 16 + lo >= 0x20) {
            buf_putc(&name, (char)(hi * 16 + lo));
            i += 2;
        } else {
            buf_putc(&name, src[i]);
        }
    }
    /* undecoded when the escapes do not make UTF-8 text; a long name is cut
     * at a character boundary */
    const char *t = utf8_valid(name.data) ? name.data : src + start;
    size_t len = utf8_valid(name.data) ? name.len : end - start;
    while (len > MEDIA_NAME_MAX)
        for (len--; len > 0 && ((unsigned char)t[len] & 0xC0) == 0x80; len--)
            ;
    const char *out = len ? course_strndup(R->c, t, len) : NULL;
    if (len && !out)
        R->oom = 1;
    buf_release(&name);
    return out;
}

static Block *media_notice(Reader *R, const xmlNode *n)
{
    Block *b = new_block(R, BLOCK_NOTICE, n);
    if (b) {
        b->u.notice.kind = is_el(n, "audio") ? NOTICE_AUDIO : NOTICE_VIDEO;
        b->u.notice.file = media_file(R, n);
        if (!R->noscript)
            R->static_things = 1;
    }
    return b;
}

/* Notices of the media met inside the inline content just read. */
static void emit_pending_media(Reader *R, Block ***tail)
{
    for (int i = 0; i < R->npending; i++)
        append(tail, media_notice(R, R->pending_media[i]));
    R->npending = 0;
}

static void flush_paragraph(Reader *R, InlineList *il, xmlNode *at, Block ***tail)
{
    il_end_run(R, il);
    if (il->head) {
        Block *p = new_block(R, BLOCK_PARAGRAPH, at);
        if (p) {
            p->text = il->head;
            append(tail, p);
        }
    }
    memset(il, 0, sizeof(*il));
    emit_pending_media(R, tail);
}

static Block *read_flow_block(Reader *R, xmlNode *n, BlockKind kind, int depth)
{
    Block *b = new_block(R, kind, n);
    if (b)
        read_flow(R, n, &b->children, depth + 1);
    return b;
}

static CellAlign cell_align(Reader *R, xmlNode *n)
{
    if (mclass(n, MC_ALIGN_LEFT))
        return ALIGN_LEFT;
    if (mclass(n, MC_ALIGN_CENTER))
        return ALIGN_CENTER;
    if (mclass(n, MC_ALIGN_RIGHT))
        return ALIGN_RIGHT;
    const char *a = attr(R, n, "align");
    const char *st = attr(R, n, "style");
    const char *s = a ? a : st ? strstr(st, "text-align:") : NULL;
    if (!s)
        return ALIGN_DEFAULT;
    if (strstr(s, "center"))
        return ALIGN_CENTER;
    if (strstr(s, "right"))
        return ALIGN_RIGHT;
    if (strstr(s, "left"))
        return ALIGN_LEFT;
    return ALIGN_DEFAULT;
}

/* colspan / rowspan as browsers read them: a number from 1 to max, junk
 * or 0 being 1, except rowspan="0" ("to the end of the table part"), which
 * becomes max and is cut to the rows there are when laid out. */
static int span(Reader *R, xmlNode *n, const char *name, int max)
{
    const char *s = attr(R, n, name);
    if (!s)
        return 1;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    if (*s < '0' || *s > '9')
        return 1;
    long v = 0;
    for (; *s >= '0' && *s <= '9' && v <= max; s++)
        v = v * 10 + (*s - '0');
    if (v == 0)
        return strcmp(name, "rowspan") == 0 ? max : 1;
    return v > max ? max : (int)v;
}

static void read_row(Reader *R, xmlNode *tr, Block ***rows, int in_head)
{
    Block *row = new_block(R, BLOCK_TABLE_ROW, tr);
    if (!row)
        return;
    int all_th = 1, any = 0;
    Block **cells = &row->children;
    for (xmlNode *k = tr->children; k; k = k->next) {
        if (!is_el(k, "td") && !is_el(k, "th"))
            continue;
        Block *cell = new_block(R, BLOCK_TABLE_CELL, k);
        if (!cell)
            break;
        any = 1;
        cell->u.cell.header = is_el(k, "th");
        if (!cell->u.cell.header)
            all_th = 0;
        cell->u.cell.align = cell_align(R, k);
        cell->u.cell.colspan = span(R, k, "colspan", CELL_MAX_COLSPAN);
        cell->u.cell.rowspan = span(R, k, "rowspan", CELL_MAX_ROWSPAN);
        cell->text = inline_content(R, k);
        append(&cells, cell);
    }
    row->u.row.header = in_head || (any && all_th);
    append(rows, row);
}

static Block *read_table(Reader *R, xmlNode *n, int depth)
{
    Block *t = new_block(R, BLOCK_TABLE, n);
    if (!t)
        return NULL;
    Block **rows = &t->children;
    if (!R->noscript)
        R->static_things = 1;
    for (xmlNode *k = n->children; k; k = k->next) {
        if (is_el(k, "caption") && !t->text)
            t->text = inline_content(R, k);
        else if (is_el(k, "tr"))
            read_row(R, k, &rows, 0);
        else if (is_el(k, "thead") || is_el(k, "tbody") || is_el(k, "tfoot"))
            for (xmlNode *r = k->children; r; r = r->next)
                if (is_el(r, "tr"))
                    read_row(R, r, &rows, is_el(k, "thead"));
    }
    (void)depth;
    return t;
}

static Block *read_image(Reader *R, xmlNode *img, xmlNode *caption)
{
    Block *b = new_block(R, BLOCK_IMAGE, img);
    if (!b)
        return NULL;
    if (!R->noscript)
        R->static_things = 1;
    b->u.image.src = attr(R, img, "src");
    b->u.image.source = b->u.image.src;
    b->u.image.alt = attr(R, img, "alt");
    if (!b->u.image.alt)
        b->u.image.alt = "";
    b->u.image.width = attr_int(R, img, "width", 0, 0, 100000);
    b->u.image.height = attr_int(R, img, "height", 0, 0, 100000);
    if (caption) {
        const char *t = plain_text(R, caption);
        b->u.image.caption = (t && *t) ? t : NULL;
    }
    return b;
}

static Block *read_question(Reader *R, xmlNode *n, int depth)
{
    Question *q = arena_alloc(&R->c->arena, sizeof(*q));
    Block *b = new_block(R, BLOCK_QUESTION, n);
    if (!q || !b) {
        R->oom |= !q;
        return NULL;
    }
    b->u.question = q;
    q->at = loc(R, n);
    q->id = mattr(R, n, MA_QUESTION);
    if (!q->id)
        q->id = attr(R, n, "id");
    const char *type = mattr(R, n, MA_TYPE);
    q->type = QUESTION_SINGLE;
    if (type && markup_question_type_from(type, &q->type) < 0)
        diag_warning(R->d, q->at, "unknown question type '%s' (expected '%s', '%s' or '%s')",
                     type, markup_question_type(QUESTION_SINGLE),
                     markup_question_type(QUESTION_MULTIPLE),
                     markup_question_type(QUESTION_TRUEFALSE));
    q->weight = attr_int(R, n, markup(MA_WEIGHT), 1, 1, 100);
    const char *correct = mattr(R, n, MA_CORRECT);
    const char *shuffle = mattr(R, n, MA_SHUFFLE);
    q->keep_order = shuffle && strcmp(shuffle, markup(MV_FALSE)) == 0;

    xmlNode *prompt = find_class(n, "div", markup(MC_PROMPT), 0);
    if (!prompt)
        prompt = find_class(n, NULL, markup(MC_PROMPT), 0);
    if (prompt)
        read_flow(R, prompt, &q->prompt, depth + 1);

    Choice **tail = &q->choices;
    for (xmlNode *ch = find_class(n, NULL, markup(MC_CHOICE), 0); ch;) {
        if (q->nchoices >= QUESTION_MAX_CHOICES) {
            diag_warning(R->d, loc(R, ch), "question '%s' has more than %d choices; the "
                         "rest are not shown", q->id ? q->id : "", QUESTION_MAX_CHOICES);
            break;
        }
        Choice *c = arena_alloc(&R->c->arena, sizeof(*c));
        if (!c) {
            R->oom = 1;
            break;
        }
        c->at = loc(R, ch);
        const char *cid = mattr(R, ch, MA_CHOICE);
        c->id[0] = cid && cid[0] ? cid[0] : (char)('a' + q->nchoices);
        const char *fixed = mattr(R, ch, MA_FIXED);
        c->fixed = fixed && strcmp(fixed, markup(MV_TRUE)) == 0;
        xmlNode *label = find_class(ch, "label", NULL, 0);
        c->text = label ? inline_content(R, label) : inline_content(R, ch);
        xmlNode *fb = find_class(ch, NULL, markup(MC_FEEDBACK), 0);
        if (fb)
            read_flow(R, fb, &c->feedback, depth + 1);
        if (correct) {
            for (const char *p = correct; *p; p++)
                if (*p == c->id[0] && (p == correct || p[-1] == ',') &&
                    (p[1] == ',' || p[1] == 0))
                    c->correct = 1;
        }
        *tail = c;
        tail = &c->next;
        q->nchoices++;
        /* next cp-choice: a following sibling, or further in the document */
        xmlNode *next = NULL;
        for (xmlNode *s = ch->next; s && !next; s = s->next)
            if (mclass(s, MC_CHOICE))
                next = s;
            else if (s->type == XML_ELEMENT_NODE)
                next = find_class(s, NULL, markup(MC_CHOICE), 0);
        ch = next;
    }
    if (q->nchoices == 0)
        diag_warning(R->d, q->at, "question '%s' has no choices (add div.%s elements)",
                     q->id ? q->id : "", markup(MC_CHOICE));
    xmlNode *ex = find_class(n, NULL, markup(MC_EXPLANATION), 0);
    if (ex)
        read_flow(R, ex, &q->explanation, depth + 1);
    return b;
}

static void read_step_choices(Reader *R, Scenario *sc, Step *st, xmlNode *ul, int depth)
{
    StepChoice **tail = &st->choices;
    for (xmlNode *li = ul->children; li; li = li->next) {
        if (li->type != XML_ELEMENT_NODE)
            continue;
        xmlNode *btn = mclass(li, MC_STEP_CHOICE) ? li
                                                   : find_class(li, NULL, markup(MC_STEP_CHOICE), 0);
        if (!btn)
            continue;
        if (sc->nchoices >= SCENARIO_MAX_CHOICES) {
            diag_warning(R->d, loc(R, btn), "scenario '%s' has more than %d choices; the "
                         "rest are not shown", sc->id ? sc->id : "", SCENARIO_MAX_CHOICES);
            return;
        }
        StepChoice *c = arena_alloc(&R->c->arena, sizeof(*c));
        if (!c) {
            R->oom = 1;
            return;
        }
        c->at = loc(R, btn);
        const char *code = mattr(R, btn, MA_CHOICE);
        c->code[0] = code && code[0] ? code[0] : '?';
        c->target_id = mattr(R, btn, MA_TARGET);
        c->text = inline_content(R, btn);
        for (xmlNode *k = li->children; k; k = k->next)
            if (mclass(k, MC_CONSEQUENCE))
                read_flow(R, k, &c->consequence, depth + 1);
        *tail = c;
        tail = &c->next;
        sc->nchoices++;
    }
}

static Block *read_scenario(Reader *R, xmlNode *n, int depth)
{
    Scenario *sc = arena_alloc(&R->c->arena, sizeof(*sc));
    Block *b = new_block(R, BLOCK_SCENARIO, n);
    if (!sc || !b) {
        R->oom |= !sc;
        return NULL;
    }
    b->u.scenario = sc;
    sc->at = loc(R, n);
    sc->id = mattr(R, n, MA_SCENARIO);
    if (!sc->id)
        sc->id = attr(R, n, "id");
    const char *scored = mattr(R, n, MA_SCORED);
    sc->scored = scored && strcmp(scored, markup(MV_TRUE)) == 0;
    sc->weight = attr_int(R, n, markup(MA_WEIGHT), 1, 0, 100);
    const char *shuffle = mattr(R, n, MA_SHUFFLE);
    sc->keep_order = shuffle && strcmp(shuffle, markup(MV_FALSE)) == 0;
    xmlNode *title = find_class(n, NULL, markup(MC_SCENARIO_TITLE), 0);
    if (title)
        sc->title = plain_text(R, title);
    Step **tail = &sc->steps;
    for (xmlNode *k = n->children; k; k = k->next) {
        if (!mclass(k, MC_STEP))
            continue;
        Step *st = arena_alloc(&R->c->arena, sizeof(*st));
        if (!st) {
            R->oom = 1;
            break;
        }
        st->at = loc(R, k);
        st->id = mattr(R, k, MA_STEP);
        st->end = markup_end_from(mattr(R, k, MA_END));
        read_flow(R, k, &st->body, depth + 1);
        for (xmlNode *u = k->children; u; u = u->next)
            if (mclass(u, MC_STEP_CHOICES))
                read_step_choices(R, sc, st, u, depth);
        *tail = st;
        tail = &st->next;
    }
    for (Step *st = sc->steps; st; st = st->next)
        for (StepChoice *c = st->choices; c; c = c->next) {
            for (Step *t = sc->steps; t && c->target_id; t = t->next)
                if (t->id && strcmp(t->id, c->target_id) == 0)
                    c->target = t;
            if (!c->target)
                diag_warning(R->d, c->at, "scenario '%s': choice '%s' leads to unknown "
                             "step '%s' (set %s to a %s)",
                             sc->id ? sc->id : "", c->code,
                             c->target_id ? c->target_id : "", markup(MA_TARGET),
                             markup(MA_STEP));
        }
    if (!sc->steps)
        diag_warning(R->d, sc->at, "scenario '%s' has no steps (add div.%s elements)",
                     sc->id ? sc->id : "", markup(MC_STEP));
    return b;
}

static Block *read_reflection(Reader *R, xmlNode *n, int depth)
{
    Block *b = new_block(R, BLOCK_REFLECTION, n);
    if (!b)
        return NULL;
    b->u.reflection.id = mattr(R, n, MA_REFLECTION);
    xmlNode *p = find_class(n, NULL, markup(MC_REFLECTION_PROMPT), 0);
    if (p) {
        read_flow(R, p, &b->u.reflection.prompt, depth + 1);
    } else {
        xmlNode *label = find_class(n, "label", NULL, 0);
        if (label) {
            Block *para = new_block(R, BLOCK_PARAGRAPH, label);
            if (para) {
                para->text = inline_content(R, label);
                b->u.reflection.prompt = para;
            }
        }
    }
    xmlNode *ta = find_class(n, "textarea", NULL, 0);
    b->u.reflection.max_chars = attr_int(R, ta, "maxlength", 500, 10, 2000);
    return b;
}

static Block *read_callout(Reader *R, xmlNode *n, int depth)
{
    Block *b = new_block(R, BLOCK_CALLOUT, n);
    if (!b)
        return NULL;
    b->u.callout.kind = mclass(n, MC_WARNING) ? CALLOUT_WARNING : CALLOUT_KEYFACT;
    xmlNode *t = find_class(n, NULL, markup(MC_CALLOUT_TITLE), 0);
    if (t)
        b->u.callout.title = plain_text(R, t);
    else
        b->u.callout.title = attr(R, n, "aria-label");
    read_flow(R, n, &b->children, depth + 1);
    return b;
}

/* One block element of a flow; may append several blocks (containers are
 * flattened into the flow). */
static void read_block(Reader *R, xmlNode *n, Block ***tail, int depth)
{
    Block *b = NULL;
    const char *name = el_name(n);
    if (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && name[2] == 0) {
        b = new_block(R, BLOCK_HEADING, n);
        if (b) {
            b->u.heading.level = name[1] - '0';
            b->u.heading.anchor = attr(R, n, "id");
            b->text = inline_content(R, n);
        }
    } else if (is_el(n, "p")) {
        b = new_block(R, BLOCK_PARAGRAPH, n);
        if (b)
            b->text = inline_content(R, n);
        if (b && !b->text)
            b = NULL;       /* empty paragraph: nothing to show */
    } else if (is_el(n, "ul") || is_el(n, "ol") || is_el(n, "menu") || is_el(n, "dir")) {
        b = new_block(R, BLOCK_LIST, n);
        if (b && !R->noscript)
            R->static_things = 1;
        if (b) {
            b->u.list.ordered = is_el(n, "ol");
            b->u.list.start = attr_int(R, n, "start", 1, -1000000, 1000000);
            Block **items = &b->children;
            for (xmlNode *k = n->children; k; k = k->next) {
                if (k->type != XML_ELEMENT_NODE || is_hidden_element(k))
                    continue;
                Block *item = read_flow_block(R, k, BLOCK_LIST_ITEM, depth);
                append(&items, item);
            }
        }
    } else if (is_el(n, "blockquote")) {
        b = read_flow_block(R, n, BLOCK_QUOTE, depth);
    } else if (is_el(n, "pre") || is_el(n, "xmp") || is_el(n, "listing") ||
               is_el(n, "plaintext")) {
        b = new_block(R, BLOCK_CODE, n);
        if (b) {
            xmlChar *t = xmlNodeGetContent(n);
            const char *s = t ? (const char *)t : "";
            if (*s == '\n')
                s++;        /* HTML drops a newline right after <pre> */
            size_t len = strlen(s);
            while (len > 0 && s[len - 1] == '\n')
                len--;
            b->u.code.literal = course_strndup(R->c, s, len);
            xmlFree(t);
        }
    } else if (is_el(n, "hr")) {
        b = new_block(R, BLOCK_RULE, n);
    } else if (is_el(n, "table")) {
        b = read_table(R, n, depth);
    } else if (is_el(n, "img")) {
        b = read_image(R, n, NULL);
    } else if (is_el(n, "audio") || is_el(n, "video")) {
        b = media_notice(R, n);
    } else if (is_el(n, "noscript")) {
        /* what the page shows a browser without scripts: so do we */
        R->noscript++;
        read_flow(R, n, *tail, depth + 1);
        R->noscript--;
    } else if (is_el(n, "figure")) {
        xmlNode *img = find_class(n, "img", NULL, 0);
        if (img)
            b = read_image(R, img, find_class(n, "figcaption", NULL, 0));
        else
            read_flow(R, n, *tail, depth + 1);
    } else if (is_el(n, "aside") && mclass(n, MC_CALLOUT)) {
        b = read_callout(R, n, depth);
    } else if (mclass(n, MC_ONLY)) {
        b = read_flow_block(R, n, BLOCK_GROUP, depth);
    } else if (mclass(n, MC_QUESTION)) {
        b = read_question(R, n, depth);
    } else if (mclass(n, MC_SCENARIO)) {
        b = read_scenario(R, n, depth);
    } else if (mclass(n, MC_REFLECTION)) {
        b = read_reflection(R, n, depth);
    } else if (mclass(n, MC_REFERENCES) || mclass(n, MC_REF)) {
        read_flow(R, n, *tail, depth + 1);
    } else {
        /* div, section, article, li out of a list, td out of a table…: a
         * container whose content joins the flow */
        Audience a = read_audience(R, n);
        Block **first = *tail;
        read_flow(R, n, first, depth + 1);
        if (a.roles || a.settings)
            for (Block *k = *first; k; k = k->next)
                k->audience = a;
    } 
    if (b) {
        Audience a = read_audience(R, n);
        if (a.roles || a.settings)
            b->audience = a;
    }
    append(tail, b);
    emit_pending_media(R, tail);
}

static void read_flow(Reader *R, xmlNode *parent, Block **list, int depth)
{
    InlineList il = {0};
    Block **tail = list;
    while (*tail)
        tail = &(*tail)->next;
    if (depth > PAGE_READ_MAX_DEPTH) {
        /* too deep to keep the structure: keep the words */
        if (!R->warned_depth) {
            R->warned_depth = 1;
            diag_warning(R->d, loc(R, parent), "blocks nested more than %d deep are "
                         "shown as plain text (simplify the page)", PAGE_READ_MAX_DEPTH);
        }
        collect_children(R, parent, 0, NULL, &il, 0);
        flush_paragraph(R, &il, parent, &tail);
        return;
    }
    for (xmlNode *k = parent->children; k && !R->oom; k = k->next) {
        if (k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) {
            collect_inline(R, k, 0, NULL, &il, 0);
            continue;
        }
        if (k->type != XML_ELEMENT_NODE || is_hidden_element(k))
            continue;
        if (is_block_element(k)) {
            flush_paragraph(R, &il, k, &tail);
            read_block(R, k, &tail, depth);
        } else {
            collect_inline(R, k, 0, NULL, &il, 0);
        }
    }
    flush_paragraph(R, &il, parent, &tail);
}

/* ---- document -------------------------------------------------------------- */

static void read_context_ids(Reader *R, const char *list, ContextItem *items, int *n)
{
    const char *p = list;
    while (p && *p && *n < COURSE_MAX_CONTEXT) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > 0) {
            items[*n].id = course_strndup(R->c, p, len);
            items[*n].at = srcloc(R->file, 0, 0);
            (*n)++;
        }
        p = end ? end + 1 : NULL;
    }
}

/* Labels of the context chooser: radios named cp-role / cp-setting. */
static void read_context_labels(Reader *R, xmlNode *form, xmlNode *n, int li, int depth)
{
    if (depth > 64)
        return;
    for (xmlNode *k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        if (is_el(k, "input")) {
            const char *name = attr(R, k, "name");
            const char *value = attr(R, k, "value");
            const char *id = attr(R, k, "id");
            if (!name || !value)
                continue;
            ContextItem *items = NULL;
            int count = 0;
            if (strcmp(name, markup(MN_ROLE)) == 0) {
                items = R->c->roles;
                count = R->c->nroles;
            } else if (strcmp(name, markup(MN_SETTING)) == 0) {
                items = R->c->settings;
                count = R->c->nsettings;
            }
            for (int i = 0; i < count; i++) {
                if (strcmp(items[i].id, value) != 0)
                    continue;
                xmlNode *label = NULL;
                if (is_el(k->parent, "label"))
                    label = k->parent;
                for (xmlNode *l = find_class(form, "label", NULL, 0); l && id && !label;) {
                    const char *f = attr(R, l, "for");
                    if (f && strcmp(f, id) == 0)
                        label = l;
                    /* next label in document order */
                    xmlNode *nx = NULL;
                    for (xmlNode *m = l; m && m != form && !nx; m = m->parent)
                        for (xmlNode *s = m->next; s && !nx; s = s->next)
                            nx = is_el(s, "label") ? s : find_class(s, "label", NULL, 0);
                    l = nx;
                }
                if (label)
                    items[i].label[li] = plain_text(R, label);
            }
        } else {
            read_context_labels(R, form, k, li, depth + 1);
        }
    }
}

static Page *read_page(Reader *R, xmlNode *sec, const char *dflt_name)
{
    Page *p = arena_alloc(&R->c->arena, sizeof(*p));
    if (!p) {
        R->oom = 1;
        return NULL;
    }
    p->file = R->file;
    p->name = mattr(R, sec, MA_PAGE);
    if (!p->name)
        p->name = attr(R, sec, "id");
    if (!p->name)
        p->name = dflt_name;
    p->audience = read_audience(R, sec);
    read_flow(R, sec, &p->blocks, 0);
    for (Block *b = p->blocks; b && !p->title; b = b->next)
        if (b->kind == BLOCK_HEADING && b->u.heading.level == 1) {
            char *t = inline_plain_text(b->text);
            p->title = course_strdup(R->c, t ? t : "");
            free(t);
        }
    return p;
}

static void find_pages(Reader *R, xmlNode *n, CourseLang *lang, Page ***tail, int depth)
{
    if (depth > 64)
        return;
    for (xmlNode *k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || is_el(k, "script") || is_el(k, "style"))
            continue;
        if (mclass(k, MC_PAGE)) {
            if (mclass(k, MC_CONTEXT)) {
                xmlNode *form = find_class(k, NULL, markup(MC_CONTEXT_FORM), 0);
                if (form)
                    read_context_labels(R, form, form, (int)(lang - R->c->langs), 0);
            }
            Page *p = read_page(R, k, "page");
            if (p) {
                **tail = p;
                *tail = &p->next;
                lang->npages++;
            }
        } else {
            find_pages(R, k, lang, tail, depth + 1);
        }
    }
}

static xmlNode *child_el(xmlNode *n, const char *name)
{
    for (xmlNode *k = n ? n->children : NULL; k; k = k->next)
        if (is_el(k, name))
            return k;
    return NULL;
}

static void read_texts(Reader *R, xmlNode *body, PageDoc *out)
{
    const char *prefix = markup(MA_TEXT_PREFIX);
    size_t plen = strlen(prefix);
    int n = 0;
    for (xmlAttr *a = body->properties; a; a = a->next)
        if (a->name && strncmp((const char *)a->name, prefix, plen) == 0)
            n++;
    if (n == 0)
        return;
    out->texts = arena_alloc(&R->c->arena, (size_t)n * sizeof(*out->texts));
    if (!out->texts) {
        R->oom = 1;
        return;
    }
    for (xmlAttr *a = body->properties; a; a = a->next) {
        if (!a->name || strncmp((const char *)a->name, prefix, plen) != 0)
            continue;
        out->texts[out->ntexts].key = course_strdup(R->c, (const char *)a->name + plen);
        out->texts[out->ntexts].value = attr(R, body, (const char *)a->name);
        out->ntexts++;
    }
}

/* Whether the first 4 KB hold a charset declaration (meta charset, or the
 * XML declaration's encoding), which libxml2 then follows. */
static int declares_charset(const char *data, size_t len)
{
    size_t n = len < 4096 ? len : 4096;
    for (size_t i = 0; i + 8 <= n; i++)
        if (strncasecmp(data + i, "charset=", 8) == 0 ||
            (i + 9 <= n && strncasecmp(data + i, "encoding=", 9) == 0))
            return 1;
    return 0;
}

/* Checks done before any parsing; sets R->file. */
static int read_begin(Reader *R, const char *file, size_t len, PageDoc *out)
{
    memset(out, 0, sizeof(*out));
    out->scorm = SCORM_2004;
    R->file = course_strdup(R->c, file ? file : "index.html");
    if (!R->file)
        return diag_error(R->d, srcloc(file, 0, 0), "out of memory");
    if (len > PAGE_READ_MAX_BYTES)
        return diag_error(R->d, srcloc(R->file, 0, 0), "page is %zu bytes, more than the %u "
                          "the player reads (split the page)", len, PAGE_READ_MAX_BYTES);
    if (R->c->nlangs >= COURSE_MAX_LANGS)
        return diag_error(R->d, srcloc(R->file, 0, 0), "more than %d languages in one course",
                          COURSE_MAX_LANGS);
    return 0;
}

/* A parser context for data[0..len). NONET: no network; no NOENT/DTDLOAD, so
 * no external entity is loaded. BIG_LINES keeps line numbers past 65535
 * (htmlReadMemory would drop the option, so the context is set up by hand). */
static htmlParserCtxtPtr new_parser(const char *data, size_t len, int force_utf8)
{
    htmlParserCtxtPtr ctxt = htmlCreateMemoryParserCtxt(data, (int)len);
    if (!ctxt)
        return NULL;
    htmlCtxtUseOptions(ctxt, HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                 HTML_PARSE_RECOVER);
    ctxt->options |= XML_PARSE_BIG_LINES;
    /* HTML's default is Latin-1; our pages and most others are UTF-8 */
    if (force_utf8 || !declares_charset(data, len))
        xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8);
    return ctxt;
}

/* Language, title and, for our pages, the module's attributes from body. */
static void read_header(Reader *R, xmlNode *root, PageDoc *out)
{
    Course *c = R->c;
    CourseLang *lang = out->lang;
    xmlNode *head = child_el(root, "head");
    xmlNode *body = child_el(root, "body");
    const char *code = attr(R, root, "lang");
    if (!code)
        code = attr(R, root, "xml:lang");
    if (body && mattr(R, body, MA_LANG))
        code = mattr(R, body, MA_LANG);
    lang->code = code && *code ? code : "und";
    xmlNode *title = child_el(head, "title");
    if (title)
        lang->title = plain_text(R, title);

    out->ours = body && mclass(body, MC_BODY);
    if (out->ours) {
        const char *v;
        if (!c->id)
            c->id = mattr(R, body, MA_MODULE);
        if (!c->version)
            c->version = mattr(R, body, MA_VERSION);
        c->mastery_score = attr_int(R, body, markup(MA_MASTERY), c->mastery_score, 0, 100);
        c->duration_minutes = attr_int(R, body, markup(MA_DURATION), c->duration_minutes, 0,
                                       600);
        v = mattr(R, body, MA_SCORM);
        if (v && strcmp(v, markup(MV_SCORM_12)) == 0)
            out->scorm = SCORM_12;
        else if (v && strcmp(v, markup(MV_SCORM_CMI5)) == 0)
            out->scorm = SCORM_CMI5;
        if (c->nroles == 0)
            read_context_ids(R, mattr(R, body, MA_ROLES), c->roles, &c->nroles);
        if (c->nsettings == 0)
            read_context_ids(R, mattr(R, body, MA_SETTINGS), c->settings, &c->nsettings);
        read_texts(R, body, out);
    }
}

/* A page that is not ours: the whole body is one page. */
static void read_body_page(Reader *R, xmlNode *body, CourseLang *lang)
{
    Page *p = read_page(R, body, "page");
    if (p) {
        lang->pages = p;
        lang->npages = 1;
        if (!p->title)
            p->title = lang->title;
    }
}

/* Whether the document loads a script or a frame: <script>, <iframe>,
 * <frame>, <frameset> anywhere, head included. Walks the tree without
 * recursion (hostile pages nest deep). */
static int loads_script_or_frame(xmlNode *root)
{
    xmlNode *n = root;
    while (n) {
        if (n->type == XML_ELEMENT_NODE
            && (is_el(n, "script") || is_el(n, "iframe") || is_el(n, "frame")
                || is_el(n, "frameset")))
            return 1;
        if (n->children && n->type == XML_ELEMENT_NODE) {
            n = n->children;
            continue;
        }
        while (n && n != root && !n->next)
            n = n->parent;
        if (!n || n == root)
            break;
        n = n->next;
    }
    return 0;
}

/* A third-party page is built by scripts when it loads a script or a frame
 * and, read as we read it (no script run, no frame followed), shows outside
 * <noscript> no image, table, list or media and fewer than
 * SCRIPT_BUILT_MAX_WORDS words: an empty mount point filled by a bundle, a
 * "Loading…" line, a frame shell (Articulate Rise and Storyline, Adapt,
 * iSpring exports look so). Its page then starts with a NOTICE_NEEDS_BROWSER
 * notice and keeps what little it had (the package's own <noscript> text).
 * A static page that merely loads the SCORM API script has its words, so it
 * keeps no notice. */
static void mark_script_built(Reader *R, xmlNode *root, CourseLang *lang, PageDoc *out)
{
    if (R->static_things || R->static_words >= SCRIPT_BUILT_MAX_WORDS
        || !loads_script_or_frame(root))
        return;
    if (!lang->pages) {     /* a frameset has no body */
        Page *p = arena_alloc(&R->c->arena, sizeof(*p));
        if (!p) {
            R->oom = 1;
            return;
        }
        p->file = R->file;
        p->name = "page";
        p->title = lang->title;
        lang->pages = p;
        lang->npages = 1;
    }
    Block *b = new_block(R, BLOCK_NOTICE, root);
    if (!b)
        return;
    b->u.notice.kind = NOTICE_NEEDS_BROWSER;
    b->next = lang->pages->blocks;
    lang->pages->blocks = b;
    out->needs_browser = 1;
}

int page_read(Course *c, const char *file, const char *data, size_t len, PageDoc *out,
              Diag *d)
{
    Reader R = { .c = c, .ctx = c, .d = d };
    if (read_begin(&R, file, len, out) < 0)
        return -1;
    htmlDocPtr doc = NULL;
    htmlParserCtxtPtr ctxt = new_parser(data, len, 0);
    if (ctxt) {
        htmlParseDocument(ctxt);
        doc = ctxt->myDoc;
        ctxt->myDoc = NULL;
        htmlFreeParserCtxt(ctxt);
    }
    if (!doc)
        return diag_error(d, srcloc(R.file, 0, 0), "cannot read this page as HTML "
                          "(is it an HTML file?)");
    int rc = 0;
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlNode *body = child_el(root, "body");
    CourseLang *lang = &c->langs[c->nlangs++];
    out->lang = lang;
    read_header(&R, root, out);
    Page **tail = &lang->pages;
    if (body)
        find_pages(&R, body, lang, &tail, 0);
    if (!lang->pages && body)
        read_body_page(&R, body, lang);
    if (!out->ours && root)
        mark_script_built(&R, root, lang, out);
    if (!lang->title && lang->pages)
        lang->title = lang->pages->title;
    if (R.oom)
        rc = diag_error(d, srcloc(R.file, 0, 0), "out of memory while reading the page");
    xmlFreeDoc(doc);
    return rc;
}

/* ---- lazy reading ----------------------------------------------------------- */

/* page_read_lazy parses the whole document once with libxml2's tree builder
 * wrapped by two SAX hooks: when a cp-page element ends, its subtree is read
 * for what the player needs before showing it (name, title, audience, items),
 * its content's byte range is noted, and the subtree is freed. page_build()
 * later parses only that range. The range is trusted only when the bytes of
 * the document confirm it (the start tag's '>' and the matching end tag);
 * otherwise the document is read eagerly, so the result never depends on
 * guessing. */

struct PageSlot {
    Page page;              /* blocks NULL until page_build() */
    size_t start, end;      /* content bytes [start, end) of the document */
    int line;               /* line where the content starts */
    int built;
    PageItem *items;        /* arena; nitems */
    int nitems;
};

typedef struct Scan {
    Reader *R;              /* the main course */
    PageDoc *out;
    const char *data;
    size_t len;
    int header_done;
    xmlNode *page;          /* cp-page element being parsed, or NULL */
    size_t start;
    int line;
    PageSlot *slots;        /* malloc'd while scanning; nslots, cap */
    int nslots, cap;
    int failed;             /* a page could not be located: read eagerly */
} Scan;

static size_t input_offset(const htmlParserCtxtPtr ctxt)
{
    return (size_t)ctxt->input->consumed + (size_t)(ctxt->input->cur - ctxt->input->base);
}

/* Whether find_pages() would take n for a page: below body, at most 65
 * levels down, not inside script or style. */
static int in_page_scope(const xmlNode *n)
{
    int levels = 0;
    for (const xmlNode *a = n->parent; a && a->type == XML_ELEMENT_NODE; a = a->parent) {
        if (is_el(a, "body"))
            return levels <= 64 && a->parent && a->parent->type == XML_ELEMENT_NODE &&
                   (!a->parent->parent || a->parent->parent->type != XML_ELEMENT_NODE) &&
                   child_el(a->parent, "body") == a;
        if (is_el(a, "script") || is_el(a, "style"))
            return 0;
        levels++;
    }
    return 0;
}

static void scan_header(Scan *S, htmlParserCtxtPtr ctxt)
{
    if (S->header_done)
        return;
    S->header_done = 1;
    read_header(S->R, xmlDocGetRootElement(ctxt->myDoc), S->out);
}

static void scan_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
    htmlParserCtxtPtr ctxt = ctx;
    Scan *S = ctxt->_private;
    xmlSAX2StartElement(ctx, name, atts);
    xmlNode *n = ctxt->node;
    if (S->failed || S->page || !n || n->type != XML_ELEMENT_NODE ||
        !mclass(n, MC_PAGE) || !in_page_scope(n))
        return;
    /* libxml2 calls back with the cursor on the start tag's '>' */
    size_t at = input_offset(ctxt);
    if (at >= S->len || S->data[at] != '>' || (at > 0 && S->data[at - 1] == '/')) {
        S->failed = 1;
        return;
    }
    scan_header(S, ctxt);
    S->page = n;
    S->start = at + 1;
    S->line = ctxt->input->line;
}

/* The offset of the end tag "</name>" that ends right before at, or 0 when
 * the bytes there are not that end tag (the element was closed implicitly). */
static size_t end_tag_before(const Scan *S, size_t at, const char *name)
{
    if (at < 4 || at > S->len || S->data[at - 1] != '>')
        return 0;
    size_t i = at - 1;
    while (i > 0 && isspace((unsigned char)S->data[i - 1]))
        i--;
    size_t nlen = strlen(name);
    if (i < nlen + 2 || strncasecmp(S->data + i - nlen, name, nlen) != 0)
        return 0;
    i -= nlen;
    if (S->data[i - 1] != '/' || S->data[i - 2] != '<')
        return 0;
    return i - 2;
}

/* The items of a page read into a scratch course, copied into the main one:
 * counted first, then copied without their blocks (freed with the scratch). */
typedef struct ItemCopy {
    Reader *R;
    PageSlot *slot;
    int n;
} ItemCopy;

static int count_item(const ScoreItem *it, void *ud)
{
    (void)it;
    ((ItemCopy *)ud)->n++;
    return 0;
}

static int copy_item(const ScoreItem *it, void *ud)
{
    ItemCopy *c = ud;
    PageItem *to = &c->slot->items[c->slot->nitems++];
    *to = *it;
    to->block = NULL;
    to->id = it->id ? course_strdup(c->R->c, it->id) : NULL;
    if (it->id && !to->id)
        c->R->oom = 1;
    return 0;
}

/* What the player needs of a page before building it, read from its subtree
 * into a scratch course that is freed at once. */
static void scan_page(Scan *S, xmlNode *sec, size_t end)
{
    Reader *R = S->R;
    CourseLang *lang = S->out->lang;
    if (S->nslots == S->cap) {
        int cap = S->cap ? S->cap + S->cap / 2 : 64;
        PageSlot *n = realloc(S->slots, (size_t)cap * sizeof(*n));
        if (!n) {
            R->oom = 1;
            return;
        }
        S->slots = n;
        S->cap = cap;
    }
    PageSlot *slot = &S->slots[S->nslots];
    memset(slot, 0, sizeof(*slot));
    slot->start = S->start;
    slot->end = end;
    slot->line = S->line;
    if (mclass(sec, MC_CONTEXT)) {
        xmlNode *form = find_class(sec, NULL, markup(MC_CONTEXT_FORM), 0);
        if (form)
            read_context_labels(R, form, form, (int)(lang - R->c->langs), 0);
    }
    Page *p = &slot->page;
    p->file = R->file;
    p->name = mattr(R, sec, MA_PAGE);
    if (!p->name)
        p->name = attr(R, sec, "id");
    if (!p->name)
        p->name = "page";
    p->audience = read_audience(R, sec);

    Course *tmp = course_new();
    if (!tmp) {
        R->oom = 1;
        return;
    }
    Reader T = { .c = tmp, .ctx = R->c, .d = R->d, .file = R->file };
    Page *built = read_page(&T, sec, "page");
    ItemCopy copy = { R, slot, 0 };
    score_walk_page(built, S->nslots, count_item, &copy);
    if (copy.n > 0 && !(slot->items = arena_alloc(&R->c->arena, (size_t)copy.n * sizeof(PageItem))))
        R->oom = 1;
    if (slot->items)
        score_walk_page(built, S->nslots, copy_item, &copy);
    if (built && built->title && !(p->title = course_strdup(R->c, built->title)))
        R->oom = 1;
    R->oom |= T.oom;
    course_free(tmp);
    S->nslots++;
}

static void scan_end(void *ctx, const xmlChar *name)
{
    htmlParserCtxtPtr ctxt = ctx;
    Scan *S = ctxt->_private;
    xmlNode *n = ctxt->node;
    if (!S->page || n != S->page) {
        xmlSAX2EndElement(ctx, name);
        return;
    }
    size_t end = S->failed ? 0 : end_tag_before(S, input_offset(ctxt), (const char *)n->name);
    if (end < S->start)
        S->failed = 1;
    if (!S->failed)
        scan_page(S, n, end);
    xmlSAX2EndElement(ctx, name);
    S->page = NULL;
    if (!S->failed) {
        /* listed: the page's tree is not needed any more. The emptied element
         * stays, since libxml2 merges new text into the parent's last child
         * when that is a text node, with lengths it kept from before. */
        xmlFreeNodeList(n->children);
        n->children = n->last = NULL;
        xmlFreePropList(n->properties);
        n->properties = NULL;
    }
}

/* Whether libxml2 decoded the input from another charset than UTF-8 (then
 * its offsets are not offsets into data). */
static int decoded(const htmlParserCtxtPtr ctxt)
{
    const xmlCharEncodingHandler *h =
        ctxt->input && ctxt->input->buf ? ctxt->input->buf->encoder : NULL;
    return h && h->name && strcasecmp(h->name, "UTF-8") != 0 && strcasecmp(h->name, "UTF8") != 0;
}

/* Moves the messages of from into to. */
static void diag_move(Diag *to, Diag *from)
{
    for (size_t i = 0; i < from->count; i++) {
        const DiagMsg *m = &from->msgs[i];
        SrcLoc at = srcloc(m->file, m->line, m->col);
        if (m->level == DIAG_ERROR)
            diag_error(to, at, "%s", m->text);
        else if (m->level == DIAG_WARNING)
            diag_warning(to, at, "%s", m->text);
        else
            diag_note(to, at, "%s", m->text);
    }
    diag_release(from);
}

int page_read_lazy(Course *c, const char *file, const char *data, size_t len, PageDoc *out,
                   Diag *d)
{
    Diag scan_d = DIAG_INIT;
    Reader R = { .c = c, .ctx = c, .d = &scan_d };
    if (read_begin(&R, file, len, out) < 0) {
        diag_move(d, &scan_d);
        return -1;
    }
    Scan S = { .R = &R, .out = out, .data = data, .len = len };
    CourseLang *lang = &c->langs[c->nlangs++];
    out->lang = lang;
    htmlDocPtr doc = NULL;
    htmlParserCtxtPtr ctxt = new_parser(data, len, 0);
    if (ctxt) {
        ctxt->_private = &S;
        ctxt->sax->startElement = scan_start;
        ctxt->sax->endElement = scan_end;
        htmlParseDocument(ctxt);
        if (S.page || decoded(ctxt))
            S.failed = 1;
        doc = ctxt->myDoc;
        ctxt->myDoc = NULL;
        htmlFreeParserCtxt(ctxt);
    }
    int rc = 0;
    if (!doc || S.failed || R.oom) {
        /* read it as a whole (or report why not) */
        free(S.slots);
        xmlFreeDoc(doc);
        diag_release(&scan_d);
        c->nlangs--;
        memset(lang, 0, sizeof(*lang));
        return page_read(c, file, data, len, out, d);
    }
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlNode *body = child_el(root, "body");
    if (!S.header_done)
        read_header(&R, root, out);
    if (S.nslots > 0) {
        out->slots = arena_alloc(&c->arena, (size_t)S.nslots * sizeof(PageSlot));
        if (out->slots) {
            memcpy(out->slots, S.slots, (size_t)S.nslots * sizeof(PageSlot));
            out->nslots = S.nslots;
            for (int i = 0; i < S.nslots; i++)
                out->slots[i].page.next = i + 1 < S.nslots ? &out->slots[i + 1].page : NULL;
            lang->pages = &out->slots[0].page;
            lang->npages = S.nslots;
        } else {
            R.oom = 1;
        }
    } else if (body) {
        read_body_page(&R, body, lang);
    }
    if (!lang->title && lang->pages)
        lang->title = lang->pages->title;
    if (R.oom)
        rc = diag_error(&scan_d, srcloc(R.file, 0, 0), "out of memory while reading the page");
    free(S.slots);
    xmlFreeDoc(doc);
    diag_move(d, &scan_d);
    return rc;
}

int page_built(const PageDoc *doc, int i)
{
    if (!doc || !doc->slots)
        return 1;
    return i >= 0 && i < doc->nslots && doc->slots[i].built;
}

const PageItem *page_items(const PageDoc *doc, int i, int *n)
{
    *n = 0;
    if (!doc || !doc->slots || i < 0 || i >= doc->nslots)
        return NULL;
    *n = doc->slots[i].nitems;
    return doc->slots[i].items;
}

int page_build(Course *c, PageDoc *doc, int i, const char *data, size_t len, Diag *d)
{
    if (page_built(doc, i))
        return 0;
    if (i < 0 || i >= doc->nslots)
        return diag_error(d, srcloc(NULL, 0, 0), "no page %d in this document", i + 1);
    PageSlot *slot = &doc->slots[i];
    if (slot->end > len || slot->start > slot->end)
        return diag_error(d, srcloc(slot->page.file, slot->line, 0),
                          "page '%s' is not where it was (the document changed)",
                          slot->page.name);
    /* the content in the context page_read() gave it: a section in body */
    static const char pre[] = "<html><body><section>";
    static const char post[] = "</section></body></html>";
    size_t n = slot->end - slot->start;
    Buf b = BUF_INIT;
    buf_append(&b, pre, sizeof(pre) - 1);
    buf_append(&b, data + slot->start, n);
    buf_append(&b, post, sizeof(post) - 1);
    if (b.failed) {
        buf_release(&b);
        return diag_error(d, srcloc(slot->page.file, 0, 0), "out of memory");
    }
    Reader R = { .c = c, .ctx = c, .d = d, .file = slot->page.file };
    htmlDocPtr hdoc = NULL;
    htmlParserCtxtPtr ctxt = new_parser(b.data, b.len, 1);
    if (ctxt) {
        /* line numbers as in the whole document */
        ctxt->input->line = slot->line;
        htmlParseDocument(ctxt);
        hdoc = ctxt->myDoc;
        ctxt->myDoc = NULL;
        htmlFreeParserCtxt(ctxt);
    }
    buf_release(&b);
    xmlNode *body = hdoc ? child_el(xmlDocGetRootElement(hdoc), "body") : NULL;
    xmlNode *sec = child_el(body, "section");
    int rc = 0;
    if (sec) {
        read_flow(&R, sec, &slot->page.blocks, 0);
        slot->built = 1;
        doc->nbuilt++;
    } else {
        rc = diag_error(d, srcloc(slot->page.file, slot->line, 0),
                        "cannot read page '%s'", slot->page.name);
    }
    if (R.oom)
        rc = diag_error(d, srcloc(slot->page.file, 0, 0),
                        "out of memory while reading the page");
    xmlFreeDoc(hdoc);
    return rc;
}

const char *page_doc_text(const PageDoc *doc, const char *key, const char *fallback)
{
    for (int i = 0; doc && i < doc->ntexts; i++)
        if (doc->texts[i].key && doc->texts[i].value && strcmp(doc->texts[i].key, key) == 0)
            return doc->texts[i].value;
    return fallback;
}
