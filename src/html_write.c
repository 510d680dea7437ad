/* html_write: writes the module as one polyglot XHTML5 document, one
 * <section class="cp-page"> per page, following docs/package-format.md.
 * Everything the runtime (cp-runtime.js) and the player's page reader need is
 * in data-cp-* attributes and cp-* classes; interface words come from the
 * message catalogue (msg.h) and reach the runtime as data-cp-text-* on <body>.
 * Polyglot rules kept here: every element closed, void elements self-closed,
 * non-void elements never self-closed (<textarea></textarea>), explicit
 * <tbody>, attributes quoted and escaped with buf_append_xml. */
#include "html_write.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* data-cp-roles / data-cp-settings of a limited page or block. */
static void audience_attrs(Writer *w, Audience a)
{
    if (a.roles) {
        put(w, " data-cp-roles=\"");
        context_ids(w, w->c->roles, w->c->nroles, a.roles);
        buf_putc(w->out, '"');
    }
    if (a.settings) {
        put(w, " data-cp-settings=\"");
        context_ids(w, w->c->settings, w->c->nsettings, a.settings);
        buf_putc(w->out, '"');
    }
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
                put(w, "<a class=\"cp-cite\" href=\"#ref-");
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
                if (cell->u.cell.align == ALIGN_LEFT)
                    put(w, " class=\"cp-left\"");
                else if (cell->u.cell.align == ALIGN_CENTER)
                    put(w, " class=\"cp-center\"");
                else if (cell->u.cell.align == ALIGN_RIGHT)
                    put(w, " class=\"cp-right\"");
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
            if (cell->u.cell.align == ALIGN_LEFT)
                put(w, " class=\"cp-left\"");
            else if (cell->u.cell.align == ALIGN_CENTER)
                put(w, " class=\"cp-center\"");
            else if (cell->u.cell.align == ALIGN_RIGHT)
                put(w, " class=\"cp-right\"");
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
    put(w, "<figure class=\"cp-figure\"");
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
    put(w, warn ? "<aside class=\"cp-callout cp-warning\" role=\"note\""
                : "<aside class=\"cp-callout cp-keyfact\" role=\"note\"");
    attr(w, "aria-label", title);
    audience_attrs(w, b->audience);
    put(w, ">\n<p class=\"cp-callout-title\">");
    putx(w, title);
    put(w, "</p>\n");
    blocks(w, b->children);
    put(w, "</aside>\n");
}

static void result_line(Writer *w)
{
    put(w, "<p class=\"cp-result\" role=\"status\" aria-live=\"polite\"></p>\n");
}

static void question(Writer *w, const Block *b)
{
    const Question *q = b->u.question;
    static const char *types[] = { "single", "multiple", "truefalse" };
    put(w, "<form class=\"cp-question\"");
    attr(w, "id", q->id);
    attr(w, "data-cp-question", q->id);
    attr(w, "data-cp-type", types[q->type]);
    attr_int(w, "data-cp-weight", q->weight);
    put(w, " data-cp-correct=\"");
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
    attr(w, "data-cp-description", desc.data);
    if (desc.failed)
        w->out->failed = 1;
    buf_release(&desc);
    audience_attrs(w, b->audience);
    put(w, ">\n");

    /* <legend> takes phrasing content only: a one-paragraph prompt goes in
     * it, anything longer in a div that labels the fieldset. */
    int simple = !q->prompt || (q->prompt->kind == BLOCK_PARAGRAPH && !q->prompt->next);
    if (!simple) {
        put(w, "<div class=\"cp-prompt\"");
        buf_printf(w->out, " id=\"");
        putx(w, q->id);
        put(w, "-prompt\">\n");
        blocks(w, q->prompt);
        put(w, "</div>\n<fieldset aria-labelledby=\"");
        putx(w, q->id);
        put(w, "-prompt\">\n");
    } else {
        put(w, "<fieldset>\n<legend class=\"cp-prompt\" id=\"");
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
        put(w, "<div class=\"cp-choice\"");
        attr(w, "data-cp-choice", ch->id);
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
        put(w, "<div class=\"cp-feedback\"");
        attr(w, "data-cp-feedback", ch->id);
        put(w, " hidden=\"hidden\">\n");
        blocks(w, ch->feedback);
        put(w, "</div>\n</div>\n");
    }
    put(w, "</fieldset>\n");
    if (q->explanation) {
        put(w, "<div class=\"cp-explanation\" hidden=\"hidden\">\n");
        blocks(w, q->explanation);
        put(w, "</div>\n");
    }
    put(w, "<button type=\"submit\" class=\"cp-submit\">");
    putx(w, word(w, MSG_PAGE_SUBMIT));
    put(w, "</button>\n");
    result_line(w);
    put(w, "</form>\n");
}

static const char *end_name(EndResult e)
{
    switch (e) {
    case END_CORRECT: return "correct";
    case END_PARTIAL: return "partial";
    case END_WRONG: return "wrong";
    default: return NULL;
    }
}

static void scenario(Writer *w, const Block *b)
{
    const Scenario *s = b->u.scenario;
    put(w, "<div class=\"cp-scenario\" role=\"group\"");
    attr(w, "id", s->id);
    attr(w, "data-cp-scenario", s->id);
    put(w, s->scored ? " data-cp-scored=\"true\"" : " data-cp-scored=\"false\"");
    attr_int(w, "data-cp-weight", s->scored ? s->weight : 0);
    Buf t = BUF_INIT;
    html_scenario_best(s, &t);
    attr(w, "data-cp-best", t.data);
    buf_clear(&t);
    html_scenario_description(s, &t);
    attr(w, "data-cp-description", t.data);
    if (t.failed)
        w->out->failed = 1;
    buf_release(&t);
    put(w, " aria-labelledby=\"");
    putx(w, s->id);
    put(w, "-title\"");
    audience_attrs(w, b->audience);
    put(w, ">\n");
    Buf id = BUF_INIT;
    buf_printf(&id, "%s-title", s->id);
    Audience everyone = {0, 0};
    heading(w, 2, "cp-scenario-title", id.data, NULL,
            s->title ? s->title : word(w, MSG_DOC_SCENARIO), s->at, everyone);
    buf_release(&id);
    int level = w->level;
    for (const Step *st = s->steps; st; st = st->next) {
        w->level = level;
        put(w, st->choices ? "<div class=\"cp-step\"" : "<div class=\"cp-step cp-end\"");
        attr(w, "data-cp-step", st->id);
        if (!st->choices && end_name(st->end))
            attr(w, "data-cp-end", end_name(st->end));
        put(w, " tabindex=\"-1\"");
        if (st != s->steps)
            put(w, " hidden=\"hidden\"");
        put(w, ">\n");
        blocks(w, st->body);
        if (st->choices) {
            put(w, "<ul class=\"cp-step-choices\">\n");
            for (const StepChoice *ch = st->choices; ch; ch = ch->next) {
                put(w, "<li><button type=\"button\" class=\"cp-step-choice\"");
                attr(w, "data-cp-choice", ch->code);
                attr(w, "data-cp-target", ch->target ? ch->target->id : ch->target_id);
                put(w, ">");
                inlines(w, ch->text, ch->at, 0);
                put(w, "</button>\n<div class=\"cp-consequence\"");
                attr(w, "data-cp-consequence", ch->code);
                put(w, " hidden=\"hidden\">\n");
                blocks(w, ch->consequence);
                put(w, "</div></li>\n");
            }
            put(w, "</ul>\n");
        }
        put(w, "</div>\n");
    }
    w->level = level;
    put(w, "<button type=\"button\" class=\"cp-restart\" hidden=\"hidden\">");
    putx(w, word(w, MSG_PAGE_RESTART));
    put(w, "</button>\n");
    result_line(w);
    put(w, "</div>\n");
}

static void reflection(Writer *w, const Block *b)
{
    const Reflection *r = &b->u.reflection;
    int max = r->max_chars > 0 ? r->max_chars : 500;
    put(w, "<form class=\"cp-reflection\"");
    attr(w, "id", r->id);
    attr(w, "data-cp-reflection", r->id);
    attr_int(w, "data-cp-max", max);
    audience_attrs(w, b->audience);
    put(w, ">\n<div class=\"cp-reflection-prompt\" id=\"");
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
    put(w, "-prompt\"></textarea>\n<button type=\"submit\" class=\"cp-submit\">");
    putx(w, word(w, MSG_PAGE_SAVE));
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
        put(w, "<div class=\"cp-only\"");
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
        break;
    }
}

static void blocks(Writer *w, const Block *list)
{
    for (const Block *b = list; b; b = b->next)
        block(w, b);
}

/* ---- sections ------------------------------------------------------------------ */

static void section_open(Writer *w, const char *name, const char *cls, Audience a)
{
    put(w, "<section class=\"cp-page");
    if (cls) {
        buf_putc(w->out, ' ');
        put(w, cls);
    }
    put(w, "\" id=\"page-");
    putx(w, name);
    put(w, "\"");
    attr(w, "data-cp-page", name);
    audience_attrs(w, a);
    put(w, " aria-labelledby=\"h-");
    putx(w, name);
    put(w, "\">\n");
    w->level = 1;
}

static void section_title(Writer *w, const char *name, const Inline *text, const char *plain,
                          SrcLoc at)
{
    put(w, "<h1 id=\"h-");
    putx(w, name);
    put(w, "\" tabindex=\"-1\">");
    if (text)
        inlines(w, text, at, 1);
    else
        putx(w, plain);
    put(w, "</h1>\n");
}

static void page(Writer *w, const Page *p)
{
    section_open(w, p->name, NULL, p->audience);
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

static void context_group(Writer *w, const char *name, MsgId legend, const ContextItem *items,
                          int n)
{
    put(w, "<fieldset class=\"cp-context-group\">\n<legend>");
    putx(w, word(w, legend));
    put(w, "</legend>\n");
    for (int i = 0; i < n; i++) {
        buf_printf(w->out, "<div class=\"cp-choice\">\n<input type=\"radio\" name=\"%s\" id=\"%s-",
                   name, name);
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
    section_open(w, "_context", "cp-context", everyone);
    section_title(w, "_context", NULL, word(w, MSG_DOC_CONTEXT_TITLE), srcloc(NULL, 0, 0));
    put(w, "<p>");
    putx(w, word(w, MSG_DOC_CONTEXT_INTRO));
    put(w, "</p>\n<form class=\"cp-context-form\">\n");
    if (w->c->nroles)
        context_group(w, "cp-role", MSG_DOC_ROLE, w->c->roles, w->c->nroles);
    if (w->c->nsettings)
        context_group(w, "cp-setting", MSG_DOC_SETTING, w->c->settings, w->c->nsettings);
    put(w, "<button type=\"submit\" class=\"cp-submit\">");
    putx(w, word(w, MSG_DOC_CONTEXT_SUBMIT));
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
    section_open(w, "_references", "cp-references", everyone);
    section_title(w, "_references", NULL, word(w, MSG_DOC_REFERENCES), srcloc(NULL, 0, 0));
    put(w, "<ol class=\"cp-ref-list\">\n");
    for (int i = 0; i < w->c->nrefs; i++) {
        const Reference *r = &w->c->refs[i];
        put(w, "<li class=\"cp-ref\" id=\"ref-");
        putx(w, r->id);
        put(w, "\">");
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
    put(w, "</ol>\n<button type=\"button\" class=\"cp-back\" hidden=\"hidden\">");
    putx(w, word(w, MSG_PAGE_BACK));
    put(w, "</button>\n</section>\n");
}

static void summary_section(Writer *w)
{
    Audience everyone = {0, 0};
    section_open(w, "_summary", "cp-summary", everyone);
    section_title(w, "_summary", NULL, word(w, MSG_DOC_SUMMARY), srcloc(NULL, 0, 0));
    put(w, "<div class=\"cp-summary-body\" role=\"status\"></div>\n"
           "<button type=\"button\" class=\"cp-finish\">");
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
    put(&w, "<link rel=\"stylesheet\" href=\"runtime/cp.css\"/>\n</head>\n<body class=\"cp\"");
    attr(&w, "data-cp-module", c->id);
    attr(&w, "data-cp-version", c->version);
    attr(&w, "data-cp-lang", L->code);
    attr_int(&w, "data-cp-mastery", c->mastery_score);
    if (c->duration_minutes > 0)
        attr_int(&w, "data-cp-duration", c->duration_minutes);
    put(&w, ed == SCORM_2004 ? " data-cp-scorm=\"2004\"" : " data-cp-scorm=\"12\"");
    if (c->nroles) {
        put(&w, " data-cp-roles=\"");
        context_ids(&w, c->roles, c->nroles, 0);
        put(&w, "\"");
    }
    if (c->nsettings) {
        put(&w, " data-cp-settings=\"");
        context_ids(&w, c->settings, c->nsettings, 0);
        put(&w, "\"");
    }
    for (int i = 0; i < MSG_COUNT; i++) {
        if (!msg_runtime_key((MsgId)i))
            continue;
        buf_printf(out, "\n      data-cp-text-%s=\"", msg_runtime_key((MsgId)i));
        putx(&w, word(&w, (MsgId)i));
        put(&w, "\"");
    }
    put(&w, ">\n<a class=\"cp-skip\" href=\"#cp-main\">");
    putx(&w, word(&w, MSG_DOC_SKIP));
    put(&w, "</a>\n<header class=\"cp-header\">\n<p class=\"cp-module-title\">");
    putx(&w, L->title ? L->title : c->id);
    put(&w, "</p>\n<p class=\"cp-banner\" role=\"status\" hidden=\"hidden\"></p>\n"
            "</header>\n<main id=\"cp-main\">\n");
    if (c->nroles || c->nsettings)
        context_section(&w);
    for (const Page *p = L->pages; p; p = p->next)
        page(&w, p);
    if (c->nrefs)
        references_section(&w);
    summary_section(&w);
    put(&w, "</main>\n<nav class=\"cp-nav\"");
    attr(&w, "aria-label", word(&w, MSG_DOC_NAV));
    put(&w, ">\n<button type=\"button\" class=\"cp-prev\">");
    putx(&w, word(&w, MSG_PAGE_PREV));
    put(&w, "</button>\n<span class=\"cp-progress\" aria-live=\"polite\"></span>\n"
            "<button type=\"button\" class=\"cp-next\">");
    putx(&w, word(&w, MSG_PAGE_NEXT));
    put(&w, "</button>\n</nav>\n<script src=\"runtime/cp-runtime.js\"></script>\n"
            "</body>\n</html>\n");
    return w.errors ? -1 : 0;
}
