/* html_write: writes the module as one polyglot XHTML5 document, one page
 * section per page, following docs/package-format.md. Everything the runtime
 * and the player's page reader need is in the attributes and classes of the
 * markup contract, whose names come from markup.h and nowhere else; interface
 * words come from the message catalogue (msg.h) and reach the runtime as body
 * attributes (markup MA_TEXT_PREFIX + key).
 * Polyglot rules kept here: every element closed, void elements self-closed,
 * non-void elements never self-closed (<textarea></textarea>), explicit
 * <tbody>, attributes quoted and escaped with buf_append_xml. */
#include "html_write.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "markup.h"
#include "msg.h"

/* ---- interface words ------------------------------------------------------ */

/* Every word comes from the message catalogue (msg.h); the "page." ones go to
 * <body data-cp-text-*>, where the runtime reads them (%1 and %2 filled in
 * there). */

/* ---- the writer ----------------------------------------------------------- */

typedef struct Writer {
    const Course *c;
    int lang;
    MsgLang words;          /* the catalogue of the page language */
    ScormEdition ed;
    Buf *out;
    Diag *d;
    int errors;
    int level;              /* last heading level written in this section */
} Writer;

static const char *word(const Writer *w, MsgId id)
{
    return msg_get(w->words, id);
}

static void put(Writer *w, const char *s)
{
    buf_puts(w->out, s);
}

static void putx(Writer *w, const char *s)
{
    if (s)
        buf_puts_xml(w->out, s);
}

/* ` name="value"` with value escaped. */
static void attr(Writer *w, const char *name, const char *value)
{
    buf_printf(w->out, " %s=\"", name);
    putx(w, value);
    buf_putc(w->out, '"');
}

static void attr_int(Writer *w, const char *name, int value)
{
    buf_printf(w->out, " %s=\"%d\"", name, value);
}

#define NO_MARKUP MARKUP_COUNT

/* ` class="a"`, or ` class="a b"` (b NO_MARKUP: none). */
static void classes(Writer *w, Markup a, Markup b)
{
    buf_printf(w->out, " class=\"%s", markup(a));
    if (b != NO_MARKUP)
        buf_printf(w->out, " %s", markup(b));
    buf_putc(w->out, '"');
}

/* `<tag class="a b"`: the start tag, left open for more attributes. */
static void open_tag(Writer *w, const char *tag, Markup a, Markup b)
{
    buf_printf(w->out, "<%s", tag);
    classes(w, a, b);
}

static void mattr(Writer *w, Markup name, const char *value)
{
    attr(w, markup(name), value);
}

static void mattr_int(Writer *w, Markup name, int value)
{
    attr_int(w, markup(name), value);
}

/* ` id="<prefix><name>"` */
static void id_attr(Writer *w, Markup prefix, const char *name)
{
    buf_printf(w->out, " id=\"%s", markup(prefix));
    putx(w, name);
    buf_putc(w->out, '"');
}

static void context_ids(Writer *w, const ContextItem *items, int n, unsigned mask)
{
    int first = 1;
    for (int i = 0; i < n && i < COURSE_MAX_CONTEXT; i++) {
        if (mask && !(mask & (1u << i)))
            continue;
        if (!first)
            buf_putc(w->out, ',');
        putx(w, items[i].id);
        first = 0;
    }
}

/* ` <name>="id,id"` */
static void context_attr(Writer *w, Markup name, const ContextItem *items, int n, unsigned mask)
{
    buf_printf(w->out, " %s=\"", markup(name));
    context_ids(w, items, n, mask);
    buf_putc(w->out, '"');
}

/* MA_ROLES / MA_SETTINGS of a limited page or block. */
static void audience_attrs(Writer *w, Audience a)
{
    if (a.roles)
        context_attr(w, MA_ROLES, w->c->roles, w->c->nroles, a.roles);
    if (a.settings)
        context_attr(w, MA_SETTINGS, w->c->settings, w->c->nsettings, a.settings);
}

static const char *context_label(const Writer *w, const ContextItem *it)
{
    if (it->label[w->lang])
        return it->label[w->lang];
    for (int i = 0; i < COURSE_MAX_LANGS; i++)
        if (it->label[i])
            return it->label[i];
    return it->id;
}

/* ---- inline text ----------------------------------------------------------- */

/* Addresses a trainer may link to: http(s), mailto, tel, or relative. */
static int href_allowed(const char *href)
{
    const char *colon = strchr(href, ':');
    size_t scheme = strcspn(href, ":/?#");
    if (!colon || href + scheme != colon)
        return 1;               /* relative: no scheme */
    return strncasecmp(href, "http:", 5) == 0 || strncasecmp(href, "https:", 6) == 0 ||
           strncasecmp(href, "mailto:", 7) == 0 || strncasecmp(href, "tel:", 4) == 0;
}

static int href_external(const char *href)
{
    return strncasecmp(href, "http:", 5) == 0 || strncasecmp(href, "https:", 6) == 0;
}

/* Writes a run list. links == 0 drops links (inside <button>, where
 * interactive content is not allowed) but keeps their text. */
static void inlines(Writer *w, const Inline *in, SrcLoc at, int links)
{
    for (; in; in = in->next) {
        unsigned st = in->style;
        if (st & INLINE_BREAK) {
            put(w, "<br/>");
            continue;
        }
        int anchor = 0;
        if (links && (st & INLINE_CITE) && in->href) {
            const Reference *r = course_ref(w->c, in->href);
            if (!r) {
                diag_error(w->d, at, "citation of unknown reference '%s' (add it to "
                           "<references> in module.xml or correct the id)", in->href);
                w->errors++;
            } else {
                open_tag(w, "a", MC_CITE, NO_MARKUP);
                buf_printf(w->out, " href=\"#%s", markup(MI_REF_PREFIX));
                putx(w, r->id);
                put(w, "\"");
                attr(w, "title", r->text);
                put(w, ">");
                anchor = 1;
            }
        } else if (links && (st & INLINE_LINK) && in->href) {
            if (!href_allowed(in->href)) {
                diag_error(w->d, at, "link to '%s' uses an address type a course may not "
                           "use (use an http:, https: or mailto: address)", in->href);
                w->errors++;
            } else {
                put(w, "<a");
                attr(w, "href", in->href);
                if (href_external(in->href))
                    put(w, " rel=\"noopener\" target=\"_blank\"");
                put(w, ">");
                anchor = 1;
            }
        }
        if (st & INLINE_STRONG)
            put(w, "<strong>");
        if (st & INLINE_EM)
            put(w, "<em>");
        if (st & INLINE_STRIKE)
            put(w, "<s>");
        if (st & INLINE_CODE)
            put(w, "<code>");
        putx(w, in->text);
        if (st & INLINE_CODE)
            put(w, "</code>");
        if (st & INLINE_STRIKE)
            put(w, "</s>");
        if (st & INLINE_EM)
            put(w, "</em>");
        if (st & INLINE_STRONG)
            put(w, "</strong>");
        if (anchor)
            put(w, "</a>");
    }
}

/* ---- plain text and descriptions -------------------------------------------- */

static void plain_inlines(const Inline *in, Buf *out)
{
    for (; in; in = in->next) {
        buf_putc(out, ' ');
        if (!(in->style & INLINE_BREAK))
            buf_puts(out, in->text);
    }
}

static void plain_blocks(const Block *b, Buf *out)
{
    for (; b; b = b->next) {
        if (b->kind == BLOCK_QUESTION || b->kind == BLOCK_SCENARIO ||
            b->kind == BLOCK_REFLECTION || b->kind == BLOCK_IMAGE)
            continue;
        if (b->kind == BLOCK_CODE && b->u.code.literal) {
            buf_putc(out, ' ');
            buf_puts(out, b->u.code.literal);
        }
        plain_inlines(b->text, out);
        plain_blocks(b->children, out);
    }
}

/* Collapses white space of s into out and cuts it to HTML_DESCRIPTION_MAX
 * UTF-16 units, the last being "…" when cut. Never splits a UTF-8 sequence. */
static void description_from(const char *s, Buf *out)
{
    Buf tmp = BUF_INIT;
    int space = 0;
    for (const char *p = s; *p; p++) {
        if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
            space = tmp.len > 0;
            continue;
        }
        if (space)
            buf_putc(&tmp, ' ');
        space = 0;
        buf_putc(&tmp, *p);
    }
    size_t units = 0, cut = 0, i = 0;
    int cutting = 0;
    while (i < tmp.len) {
        unsigned char ch = (unsigned char)tmp.data[i];
        size_t n = ch < 0x80 ? 1 : ch >= 0xf0 ? 4 : ch >= 0xe0 ? 3 : ch >= 0xc0 ? 2 : 1;
        size_t u = n == 4 ? 2 : 1;
        if (units + u > HTML_DESCRIPTION_MAX - 1 && !cut)
            cut = i;
        if (units + u > HTML_DESCRIPTION_MAX) {
            cutting = 1;
            break;
        }
        units += u;
        i += n;
    }
    if (cutting) {
        while (cut > 0 && tmp.data[cut - 1] == ' ')
            cut--;
        buf_append(out, tmp.data, cut);
        buf_puts(out, "\xe2\x80\xa6");
    } else {
        buf_append(out, tmp.data, tmp.len);
    }
    if (tmp.failed)
        out->failed = 1;
    buf_release(&tmp);
}

void html_question_description(const Question *q, Buf *out)
{
    Buf t = BUF_INIT;
    plain_blocks(q->prompt, &t);
    description_from(t.data, out);
    buf_release(&t);
}

void html_scenario_description(const Scenario *s, Buf *out)
{
    Buf t = BUF_INIT;
    if (s->title)
        buf_puts(&t, s->title);
    else if (s->steps)
        plain_blocks(s->steps->body, &t);
    description_from(t.data, out);
    buf_release(&t);
}

/* ---- scenario paths ------------------------------------------------------------ */

static int step_index(const Scenario *s, const StepChoice *ch)
{
    int i = 0;
    for (const Step *st = s->steps; st; st = st->next, i++)
        if (st == ch->target || (!ch->target && ch->target_id && st->id &&
                                 strcmp(st->id, ch->target_id) == 0))
            return i;
    return -1;
}

void html_scenario_best(const Scenario *s, Buf *out)
{
    int n = 0;
    for (const Step *st = s->steps; st; st = st->next)
        n++;
    if (n == 0)
        return;
    const Step **steps = calloc((size_t)n, sizeof(*steps));
    int *from = malloc((size_t)n * sizeof(*from));     /* BFS parent step, -1 = start */
    const StepChoice **via = calloc((size_t)n, sizeof(*via));
    int *queue = malloc((size_t)n * sizeof(*queue));
    if (!steps || !from || !via || !queue) {
        out->failed = 1;
        goto out;
    }
    int i = 0;
    for (const Step *st = s->steps; st; st = st->next)
        steps[i++] = st;
    for (i = 0; i < n; i++)
        from[i] = -2;       /* not reached */
    from[0] = -1;
    int head = 0, tail = 0, found = -1;
    queue[tail++] = 0;
    while (head < tail) {
        int cur = queue[head++];
        if (!steps[cur]->choices && steps[cur]->end == END_CORRECT) {
            found = cur;
            break;
        }
        for (const StepChoice *ch = steps[cur]->choices; ch; ch = ch->next) {
            int t = step_index(s, ch);
            if (t < 0 || from[t] != -2)
                continue;
            from[t] = cur;
            via[t] = ch;
            queue[tail++] = t;
        }
    }
    if (found >= 0) {
        /* Walk back to the start, then write the codes forwards. */
        int len = 0;
        for (int k = found; from[k] >= 0; k = from[k])
            queue[len++] = k;
        for (int k = len - 1; k >= 0; k--) {
            buf_puts(out, via[queue[k]]->code);
            if (k)
                buf_putc(out, ',');
        }
    }
out:
    free(steps);
    free(from);
    free(via);
    free(queue);
}

/* ---- blocks ------------------------------------------------------------------- */

static void blocks(Writer *w, const Block *list);

static void heading(Writer *w, int level, const char *cls, const char *id,
                    const Inline *text, const char *plain, SrcLoc at, Audience a)
{
    int l = level < 2 ? 2 : level;
    if (l > w->level + 1)
        l = w->level + 1;
    if (l > 6)
        l = 6;
    w->level = l;
    buf_printf(w->out, "<h%d", l);
    if (id)
        attr(w, "id", id);
    if (cls)
        attr(w, "class", cls);
    audience_attrs(w, a);
    put(w, ">");
    if (text)
        inlines(w, text, at, 1);
    else
        putx(w, plain);
    buf_printf(w->out, "</h%d>\n", l);
}

static void align_class(Writer *w, CellAlign a)
{
    if (a == ALIGN_LEFT)
        classes(w, MC_ALIGN_LEFT, NO_MARKUP);
    else if (a == ALIGN_CENTER)
        classes(w, MC_ALIGN_CENTER, NO_MARKUP);
    else if (a == ALIGN_RIGHT)
        classes(w, MC_ALIGN_RIGHT, NO_MARKUP);
}

static void table(Writer *w, const Block *b)
{
    put(w, "<table");
    audience_attrs(w, b->audience);
    put(w, ">\n");
    const Block *row = b->children;
    int head = row && row->u.row.header;
    if (head) {
        put(w, "<thead>\n");
        for (; row && row->u.row.header; row = row->next) {
            put(w, "<tr>");
            for (const Block *cell = row->children; cell; cell = cell->next) {
                put(w, "<th scope=\"col\"");
                align_class(w, cell->u.cell.align);
                put(w, ">");
                inlines(w, cell->text, cell->at, 1);
                put(w, "</th>");
            }
            put(w, "</tr>\n");
        }
        put(w, "</thead>\n");
    }
    put(w, "<tbody>\n");
    for (; row; row = row->next) {
        put(w, "<tr>");
        for (const Block *cell = row->children; cell; cell = cell->next) {
            const char *tag = cell->u.cell.header ? "th" : "td";
            buf_printf(w->out, "<%s", tag);
            if (cell->u.cell.header)
                put(w, " scope=\"row\"");
            align_class(w, cell->u.cell.align);
            put(w, ">");
            inlines(w, cell->text, cell->at, 1);
            buf_printf(w->out, "</%s>", tag);
        }
        put(w, "</tr>\n");
    }
    put(w, "</tbody>\n</table>\n");
}

static void list(Writer *w, const Block *b)
{
    const char *tag = b->u.list.ordered ? "ol" : "ul";
    buf_printf(w->out, "<%s", tag);
    if (b->u.list.ordered && b->u.list.start != 1 && b->u.list.start != 0)
        attr_int(w, "start", b->u.list.start);
    audience_attrs(w, b->audience);
    put(w, ">\n");
    for (const Block *it = b->children; it; it = it->next) {
        put(w, "<li");
        audience_attrs(w, it->audience);
        put(w, ">");
        const Block *ch = it->children;
        /* A tight item's paragraphs are written without <p>. */
        if (b->u.list.tight && ch && ch->kind == BLOCK_PARAGRAPH) {
            inlines(w, ch->text, ch->at, 1);
            ch = ch->next;
            if (ch)
                put(w, "\n");
        }
        blocks(w, ch);
        put(w, "</li>\n");
    }
    buf_printf(w->out, "</%s>\n", tag);
}

static void image(Writer *w, const Block *b)
{
    const Image *im = &b->u.image;
    open_tag(w, "figure", MC_FIGURE, NO_MARKUP);
    audience_attrs(w, b->audience);
    put(w, ">\n<img");
    attr(w, "src", im->src ? im->src : im->source);
    attr(w, "alt", im->alt ? im->alt : "");
    if (im->width > 0 && im->height > 0) {
        attr_int(w, "width", im->width);
        attr_int(w, "height", im->height);
    }
    put(w, "/>\n");
    if (im->caption) {
        put(w, "<figcaption>");
        putx(w, im->caption);
        put(w, "</figcaption>\n");
    }
    put(w, "</figure>\n");
}

static void callout(Writer *w, const Block *b)
{
    int warn = b->u.callout.kind == CALLOUT_WARNING;
    const char *title = b->u.callout.title ? b->u.callout.title
                                           : word(w, warn ? MSG_DOC_WARNING : MSG_DOC_KEYFACT);
    open_tag(w, "aside", MC_CALLOUT, warn ? MC_WARNING : MC_KEYFACT);
    put(w, " role=\"note\"");
    attr(w, "aria-label", title);
    audience_attrs(w, b->audience);
    put(w, ">\n");
    open_tag(w, "p", MC_CALLOUT_TITLE, NO_MARKUP);
    put(w, ">");
    putx(w, title);
    put(w, "</p>\n");
    blocks(w, b->children);
    put(w, "</aside>\n");
}

static void submit_button(Writer *w, MsgId label)
{
    put(w, "<button type=\"submit\"");
    classes(w, MC_SUBMIT, NO_MARKUP);
    put(w, ">");
    putx(w, word(w, label));
}

static void result_line(Writer *w)
{
    open_tag(w, "p", MC_RESULT, NO_MARKUP);
    put(w, " role=\"status\" aria-live=\"polite\"></p>\n");
}

static void question(Writer *w, const Block *b)
{
    const Question *q = b->u.question;
    open_tag(w, "form", MC_QUESTION, NO_MARKUP);
    attr(w, "id", q->id);
    mattr(w, MA_QUESTION, q->id);
    mattr(w, MA_TYPE, markup_question_type(q->type));
    mattr_int(w, MA_WEIGHT, q->weight);
    buf_printf(w->out, " %s=\"", markup(MA_CORRECT));
    int first = 1;
    for (const Choice *ch = q->choices; ch; ch = ch->next) {
        if (!ch->correct)
            continue;
        if (!first)
            buf_putc(w->out, ',');
        putx(w, ch->id);
        first = 0;
    }
    buf_putc(w->out, '"');
    Buf desc = BUF_INIT;
    html_question_description(q, &desc);
    mattr(w, MA_DESCRIPTION, desc.data);
    if (desc.failed)
        w->out->failed = 1;
    buf_release(&desc);
    if (q->keep_order)
        mattr(w, MA_SHUFFLE, markup(MV_FALSE));
    audience_attrs(w, b->audience);
    put(w, ">\n");

    /* <legend> takes phrasing content only: a one-paragraph prompt goes in
     * it, anything longer in a div that labels the fieldset. */
    int simple = !q->prompt || (q->prompt->kind == BLOCK_PARAGRAPH && !q->prompt->next);
    if (!simple) {
        open_tag(w, "div", MC_PROMPT, NO_MARKUP);
        buf_printf(w->out, " id=\"");
        putx(w, q->id);
        put(w, "-prompt\">\n");
        blocks(w, q->prompt);
        put(w, "</div>\n<fieldset aria-labelledby=\"");
        putx(w, q->id);
        put(w, "-prompt\">\n");
    } else {
        put(w, "<fieldset>\n");
        open_tag(w, "legend", MC_PROMPT, NO_MARKUP);
        put(w, " id=\"");
        putx(w, q->id);
        put(w, "-prompt\">");
        if (q->prompt)
            inlines(w, q->prompt->text, q->prompt->at, 1);
        else
            putx(w, word(w, MSG_DOC_QUESTION));
        put(w, "</legend>\n");
    }
    const char *input = q->type == QUESTION_MULTIPLE ? "checkbox" : "radio";
    for (const Choice *ch = q->choices; ch; ch = ch->next) {
        open_tag(w, "div", MC_CHOICE, NO_MARKUP);
        mattr(w, MA_CHOICE, ch->id);
        if (ch->fixed)
            mattr(w, MA_FIXED, markup(MV_TRUE));
        buf_printf(w->out, ">\n<input type=\"%s\"", input);
        attr(w, "name", q->id);
        put(w, " id=\"");
        putx(w, q->id);
        buf_putc(w->out, '-');
        putx(w, ch->id);
        buf_putc(w->out, '"');
        attr(w, "value", ch->id);
        put(w, "/>\n<label for=\"");
        putx(w, q->id);
        buf_putc(w->out, '-');
        putx(w, ch->id);
        put(w, "\">");
        inlines(w, ch->text, ch->at, 1);
        put(w, "</label>\n");
        open_tag(w, "div", MC_FEEDBACK, NO_MARKUP);
        mattr(w, MA_FEEDBACK, ch->id);
        put(w, " hidden=\"hidden\">\n");
        blocks(w, ch->feedback);
        put(w, "</div>\n</div>\n");
    }
    put(w, "</fieldset>\n");
    if (q->explanation) {
        open_tag(w, "div", MC_EXPLANATION, NO_MARKUP);
        put(w, " hidden=\"hidden\">\n");
        blocks(w, q->explanation);
        put(w, "</div>\n");
    }
    submit_button(w, MSG_PAGE_SUBMIT);
    put(w, "</button>\n");
    result_line(w);
    put(w, "</form>\n");
}

static void scenario(Writer *w, const Block *b)
{
    const Scenario *s = b->u.scenario;
    open_tag(w, "div", MC_SCENARIO, NO_MARKUP);
    put(w, " role=\"group\"");
    attr(w, "id", s->id);
    mattr(w, MA_SCENARIO, s->id);
    mattr(w, MA_SCORED, markup(s->scored ? MV_TRUE : MV_FALSE));
    mattr_int(w, MA_WEIGHT, s->scored ? s->weight : 0);
    Buf t = BUF_INIT;
    html_scenario_best(s, &t);
    mattr(w, MA_BEST, t.data);
    buf_clear(&t);
    html_scenario_description(s, &t);
    mattr(w, MA_DESCRIPTION, t.data);
    if (t.failed)
        w->out->failed = 1;
    buf_release(&t);
    if (s->keep_order)
        mattr(w, MA_SHUFFLE, markup(MV_FALSE));
    put(w, " aria-labelledby=\"");
    putx(w, s->id);
    put(w, "-title\"");
    audience_attrs(w, b->audience);
    put(w, ">\n");
    Buf id = BUF_INIT;
    buf_printf(&id, "%s-title", s->id);
    Audience everyone = {0, 0};
    heading(w, 2, markup(MC_SCENARIO_TITLE), id.data, NULL,
            s->title ? s->title : word(w, MSG_DOC_SCENARIO), s->at, everyone);
    buf_release(&id);
    int level = w->level;
    for (const Step *st = s->steps; st; st = st->next) {
        w->level = level;
        open_tag(w, "div", MC_STEP, st->choices ? NO_MARKUP : MC_END);
        mattr(w, MA_STEP, st->id);
        if (!st->choices && markup_end(st->end))
            mattr(w, MA_END, markup_end(st->end));
        put(w, " tabindex=\"-1\"");
        if (st != s->steps)
            put(w, " hidden=\"hidden\"");
        put(w, ">\n");
        blocks(w, st->body);
        if (st->choices) {
            open_tag(w, "ul", MC_STEP_CHOICES, NO_MARKUP);
            put(w, ">\n");
            for (const StepChoice *ch = st->choices; ch; ch = ch->next) {
                put(w, "<li><button type=\"button\"");
                classes(w, MC_STEP_CHOICE, NO_MARKUP);
                mattr(w, MA_CHOICE, ch->code);
                mattr(w, MA_TARGET, ch->target ? ch->target->id : ch->target_id);
                put(w, ">");
                inlines(w, ch->text, ch->at, 0);
                put(w, "</button>\n");
                open_tag(w, "div", MC_CONSEQUENCE, NO_MARKUP);
                mattr(w, MA_CONSEQUENCE, ch->code);
                put(w, " hidden=\"hidden\">\n");
                blocks(w, ch->consequence);
                put(w, "</div></li>\n");
            }
            put(w, "</ul>\n");
        }
        put(w, "</div>\n");
    }
    w->level = level;
    put(w, "<button type=\"button\"");
    classes(w, MC_RESTART, NO_MARKUP);
    put(w, " hidden=\"hidden\">");
    putx(w, word(w, MSG_PAGE_RESTART));
    put(w, "</button>\n");
    result_line(w);
    put(w, "</div>\n");
}

static void reflection(Writer *w, const Block *b)
{
    const Reflection *r = &b->u.reflection;
    int max = r->max_chars > 0 ? r->max_chars : 500;
    open_tag(w, "form", MC_REFLECTION, NO_MARKUP);
    attr(w, "id", r->id);
    mattr(w, MA_REFLECTION, r->id);
    mattr_int(w, MA_MAX, max);
    audience_attrs(w, b->audience);
    put(w, ">\n");
    open_tag(w, "div", MC_REFLECTION_PROMPT, NO_MARKUP);
    put(w, " id=\"");
    putx(w, r->id);
    put(w, "-prompt\">\n");
    blocks(w, r->prompt);
    put(w, "</div>\n<label for=\"");
    putx(w, r->id);
    put(w, "-text\">");
    Buf lab = BUF_INIT;
    buf_printf(&lab, word(w, MSG_DOC_ANSWER), max);
    putx(w, lab.data);
    buf_release(&lab);
    put(w, "</label>\n<textarea id=\"");
    putx(w, r->id);
    put(w, "-text\"");
    attr(w, "name", r->id);
    attr_int(w, "maxlength", max);
    put(w, " rows=\"5\" aria-describedby=\"");
    putx(w, r->id);
    put(w, "-prompt\"></textarea>\n");
    submit_button(w, MSG_PAGE_SAVE);
    put(w, "</button>\n");
    result_line(w);
    put(w, "</form>\n");
}

static void block(Writer *w, const Block *b)
{
    switch (b->kind) {
    case BLOCK_HEADING:
        heading(w, b->u.heading.level, NULL, b->u.heading.anchor, b->text, "", b->at,
                b->audience);
        break;
    case BLOCK_PARAGRAPH:
        put(w, "<p");
        audience_attrs(w, b->audience);
        put(w, ">");
        inlines(w, b->text, b->at, 1);
        put(w, "</p>\n");
        break;
    case BLOCK_LIST:
        list(w, b);
        break;
    case BLOCK_LIST_ITEM:       /* outside a list: write it as a division */
    case BLOCK_TABLE_ROW:
    case BLOCK_TABLE_CELL:
        put(w, "<div");
        audience_attrs(w, b->audience);
        put(w, ">");
        inlines(w, b->text, b->at, 1);
        blocks(w, b->children);
        put(w, "</div>\n");
        break;
    case BLOCK_QUOTE:
        put(w, "<blockquote");
        audience_attrs(w, b->audience);
        put(w, ">\n");
        blocks(w, b->children);
        put(w, "</blockquote>\n");
        break;
    case BLOCK_CODE: {
        const char *lit = b->u.code.literal ? b->u.code.literal : "";
        size_t len = strlen(lit);
        while (len && lit[len - 1] == '\n')
            len--;
        put(w, "<pre");
        audience_attrs(w, b->audience);
        put(w, "><code");
        if (b->u.code.lang && *b->u.code.lang) {
            put(w, " class=\"language-");
            putx(w, b->u.code.lang);
            put(w, "\"");
        }
        put(w, ">");
        buf_append_xml(w->out, lit, len);
        put(w, "</code></pre>\n");
        break;
    }
    case BLOCK_RULE:
        put(w, "<hr");
        audience_attrs(w, b->audience);
        put(w, "/>\n");
        break;
    case BLOCK_TABLE:
        table(w, b);
        break;
    case BLOCK_IMAGE:
        image(w, b);
        break;
    case BLOCK_CALLOUT:
        callout(w, b);
        break;
    case BLOCK_GROUP:
        open_tag(w, "div", MC_ONLY, NO_MARKUP);
        audience_attrs(w, b->audience);
        put(w, ">\n");
        blocks(w, b->children);
        put(w, "</div>\n");
        break;
    case BLOCK_QUESTION:
        question(w, b);
        break;
    case BLOCK_SCENARIO:
        scenario(w, b);
        break;
    case BLOCK_REFLECTION:
        reflection(w, b);
        break;
    case BLOCK_REFERENCES:      /* the bibliography is its own generated page */
    case BLOCK_NOTICE:          /* only page_read makes these, from third-party pages */
        break;
    }
}

static void blocks(Writer *w, const Block *list)
{
    for (const Block *b = list; b; b = b->next)
        block(w, b);
}

/* ---- sections ------------------------------------------------------------------ */

/* cls: the generated section's class (MC_CONTEXT…), or NO_MARKUP. */
static void section_open(Writer *w, const char *name, Markup cls, Audience a)
{
    open_tag(w, "section", MC_PAGE, cls);
    id_attr(w, MI_PAGE_PREFIX, name);
    mattr(w, MA_PAGE, name);
    audience_attrs(w, a);
    buf_printf(w->out, " aria-labelledby=\"%s", markup(MI_HEADING_PREFIX));
    putx(w, name);
    put(w, "\">\n");
    w->level = 1;
}

static void section_title(Writer *w, const char *name, const Inline *text, const char *plain,
                          SrcLoc at)
{
    put(w, "<h1");
    id_attr(w, MI_HEADING_PREFIX, name);
    put(w, " tabindex=\"-1\">");
    if (text)
        inlines(w, text, at, 1);
    else
        putx(w, plain);
    put(w, "</h1>\n");
}

static void page(Writer *w, const Page *p)
{
    section_open(w, p->name, NO_MARKUP, p->audience);
    const Block *b = p->blocks;
    if (b && b->kind == BLOCK_HEADING && b->u.heading.level == 1 && !b->audience.roles &&
        !b->audience.settings) {
        section_title(w, p->name, b->text, NULL, b->at);
        b = b->next;
    } else {
        section_title(w, p->name, NULL, p->title ? p->title : p->name, srcloc(p->file, 0, 0));
    }
    blocks(w, b);
    put(w, "</section>\n");
}

static void context_group(Writer *w, Markup group, MsgId legend, const ContextItem *items,
                          int n)
{
    const char *name = markup(group);
    open_tag(w, "fieldset", MC_CONTEXT_GROUP, NO_MARKUP);
    put(w, ">\n<legend>");
    putx(w, word(w, legend));
    put(w, "</legend>\n");
    for (int i = 0; i < n; i++) {
        open_tag(w, "div", MC_CHOICE, NO_MARKUP);
        buf_printf(w->out, ">\n<input type=\"radio\" name=\"%s\" id=\"%s-", name, name);
        putx(w, items[i].id);
        buf_putc(w->out, '"');
        attr(w, "value", items[i].id);
        buf_printf(w->out, "/>\n<label for=\"%s-", name);
        putx(w, items[i].id);
        put(w, "\">");
        putx(w, context_label(w, &items[i]));
        put(w, "</label>\n</div>\n");
    }
    put(w, "</fieldset>\n");
}

static void context_section(Writer *w)
{
    Audience everyone = {0, 0};
    const char *name = markup(MV_PAGE_CONTEXT);
    section_open(w, name, MC_CONTEXT, everyone);
    section_title(w, name, NULL, word(w, MSG_DOC_CONTEXT_TITLE), srcloc(NULL, 0, 0));
    put(w, "<p>");
    putx(w, word(w, MSG_DOC_CONTEXT_INTRO));
    put(w, "</p>\n");
    open_tag(w, "form", MC_CONTEXT_FORM, NO_MARKUP);
    put(w, ">\n");
    if (w->c->nroles)
        context_group(w, MN_ROLE, MSG_DOC_ROLE, w->c->roles, w->c->nroles);
    if (w->c->nsettings)
        context_group(w, MN_SETTING, MSG_DOC_SETTING, w->c->settings, w->c->nsettings);
    submit_button(w, MSG_DOC_CONTEXT_SUBMIT);
    put(w, "</button>\n");
    result_line(w);
    put(w, "</form>\n</section>\n");
}

/* A DOI in a URL path: unreserved characters and / ; ( ) : kept, the rest
 * percent-encoded (DOIs may hold # ? < and spaces). */
static void doi_href(Writer *w, const char *doi)
{
    static const char keep[] = "-._~/;():";
    for (const unsigned char *p = (const unsigned char *)doi; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            strchr(keep, *p))
            buf_putc(w->out, (char)*p);
        else
            buf_printf(w->out, "%%%02X", *p);
    }
}

static void references_section(Writer *w)
{
    Audience everyone = {0, 0};
    const char *name = markup(MV_PAGE_REFERENCES);
    section_open(w, name, MC_REFERENCES, everyone);
    section_title(w, name, NULL, word(w, MSG_DOC_REFERENCES), srcloc(NULL, 0, 0));
    open_tag(w, "ol", MC_REF_LIST, NO_MARKUP);
    put(w, ">\n");
    for (int i = 0; i < w->c->nrefs; i++) {
        const Reference *r = &w->c->refs[i];
        open_tag(w, "li", MC_REF, NO_MARKUP);
        id_attr(w, MI_REF_PREFIX, r->id);
        put(w, ">");
        putx(w, r->text);
        if (r->doi) {
            put(w, " <a href=\"https://doi.org/");
            doi_href(w, r->doi);
            put(w, "\" rel=\"noopener\" target=\"_blank\">doi:");
            putx(w, r->doi);
            put(w, "</a>");
        }
        if (r->url) {
            if (!href_allowed(r->url) || !href_external(r->url)) {
                diag_error(w->d, r->at, "reference '%s' has the address '%s' (give an http: "
                           "or https: address)", r->id, r->url);
                w->errors++;
            } else {
                put(w, " <a");
                attr(w, "href", r->url);
                put(w, " rel=\"noopener\" target=\"_blank\">");
                putx(w, r->url);
                put(w, "</a>");
            }
        }
        put(w, "</li>\n");
    }
    put(w, "</ol>\n<button type=\"button\"");
    classes(w, MC_BACK, NO_MARKUP);
    put(w, " hidden=\"hidden\">");
    putx(w, word(w, MSG_PAGE_BACK));
    put(w, "</button>\n</section>\n");
}

static void summary_section(Writer *w)
{
    Audience everyone = {0, 0};
    const char *name = markup(MV_PAGE_SUMMARY);
    section_open(w, name, MC_SUMMARY, everyone);
    section_title(w, name, NULL, word(w, MSG_DOC_SUMMARY), srcloc(NULL, 0, 0));
    open_tag(w, "div", MC_SUMMARY_BODY, NO_MARKUP);
    put(w, " role=\"status\"></div>\n<button type=\"button\"");
    classes(w, MC_FINISH, NO_MARKUP);
    put(w, ">");
    putx(w, word(w, MSG_PAGE_FINISH));
    put(w, "</button>\n</section>\n");
}

int html_write_index(const Course *c, int lang, ScormEdition ed, Buf *out, Diag *d)
{
    if (lang < 0 || lang >= c->nlangs || !c->langs[lang].code)
        return diag_error(d, srcloc(c->dir, 0, 0), "no language number %d in module '%s' "
                          "(build one of the languages of <languages>)", lang,
                          c->id ? c->id : "");
    const CourseLang *L = &c->langs[lang];
    Writer w = { c, lang, msg_lang(L->code, MSG_LANG_EN), ed, out, d, 0, 1 };

    put(&w, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"");
    attr(&w, "lang", L->code);
    attr(&w, "xml:lang", L->code);
    put(&w, ">\n<head>\n<meta charset=\"utf-8\"/>\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
            "<title>");
    putx(&w, L->title ? L->title : c->id);
    put(&w, "</title>\n");
    if (L->description) {
        put(&w, "<meta name=\"description\"");
        attr(&w, "content", L->description);
        put(&w, "/>\n");
    }
    put(&w, "<link rel=\"stylesheet\" href=\"runtime/cp.css\"/>\n</head>\n");
    open_tag(&w, "body", MC_BODY, NO_MARKUP);
    mattr(&w, MA_MODULE, c->id);
    mattr(&w, MA_VERSION, c->version);
    mattr(&w, MA_LANG, L->code);
    mattr_int(&w, MA_MASTERY, c->mastery_score);
    if (c->duration_minutes > 0)
        mattr_int(&w, MA_DURATION, c->duration_minutes);
    mattr(&w, MA_SCORM, markup(ed == SCORM_CMI5 ? MV_SCORM_CMI5
                               : ed == SCORM_2004 ? MV_SCORM_2004 : MV_SCORM_12));
    if (c->nroles)
        context_attr(&w, MA_ROLES, c->roles, c->nroles, 0);
    if (c->nsettings)
        context_attr(&w, MA_SETTINGS, c->settings, c->nsettings, 0);
    for (int i = 0; i < MSG_COUNT; i++) {
        if (!msg_runtime_key((MsgId)i))
            continue;
        buf_printf(out, "\n      %s%s=\"", markup(MA_TEXT_PREFIX), msg_runtime_key((MsgId)i));
        putx(&w, word(&w, (MsgId)i));
        put(&w, "\"");
    }
    put(&w, ">\n");
    open_tag(&w, "a", MC_SKIP, NO_MARKUP);
    buf_printf(out, " href=\"#%s\">", markup(MI_MAIN));
    putx(&w, word(&w, MSG_DOC_SKIP));
    put(&w, "</a>\n");
    open_tag(&w, "header", MC_HEADER, NO_MARKUP);
    put(&w, ">\n");
    open_tag(&w, "p", MC_MODULE_TITLE, NO_MARKUP);
    put(&w, ">");
    putx(&w, L->title ? L->title : c->id);
    put(&w, "</p>\n");
    open_tag(&w, "p", MC_BANNER, NO_MARKUP);
    buf_printf(out, " role=\"status\" hidden=\"hidden\"></p>\n</header>\n<main id=\"%s\">\n",
               markup(MI_MAIN));
    if (c->nroles || c->nsettings)
        context_section(&w);
    for (const Page *p = L->pages; p; p = p->next)
        page(&w, p);
    if (c->nrefs)
        references_section(&w);
    summary_section(&w);
    put(&w, "</main>\n");
    open_tag(&w, "nav", MC_NAV, NO_MARKUP);
    attr(&w, "aria-label", word(&w, MSG_DOC_NAV));
    put(&w, ">\n<button type=\"button\"");
    classes(&w, MC_PREV, NO_MARKUP);
    put(&w, ">");
    putx(&w, word(&w, MSG_PAGE_PREV));
    put(&w, "</button>\n");
    open_tag(&w, "span", MC_PROGRESS, NO_MARKUP);
    put(&w, " aria-live=\"polite\"></span>\n<button type=\"button\"");
    classes(&w, MC_NEXT, NO_MARKUP);
    put(&w, ">");
    putx(&w, word(&w, MSG_PAGE_NEXT));
    put(&w, "</button>\n</nav>\n");
    /* cmi5: the launch adapter first (it offers the runtime a SCORM 2004 API
     * speaking xAPI); SCORM pages do not load it */
    if (ed == SCORM_CMI5)
        put(&w, "<script src=\"" HTML_CMI5_SCRIPT "\"></script>\n");
    put(&w, "<script src=\"" HTML_RUNTIME_SCRIPT "\"></script>\n</body>\n</html>\n");
    return w.errors ? -1 : 0;
}
