/* screen: the helpers every generated screen uses. A screen is a list of
 * course.h blocks in a scratch course, laid out by layout.c like any page,
 * with "ui:" links as its buttons, so focus, keyboard use, zoom and contrast
 * work the same everywhere. */
#include <string.h>

#include "screen.h"

Block *screen_block(Gen *g, BlockKind kind)
{
    Block *b = course_new_block(g->c, kind, srcloc(NULL, 0, 0));
    if (b) {
        *g->tail = b;
        g->tail = &b->next;
    }
    return b;
}

void screen_heading(Gen *g, int level, const char *text)
{
    Block *b = screen_block(g, BLOCK_HEADING);
    if (b) {
        b->u.heading.level = level;
        b->text = course_new_inline(g->c, 0, text, strlen(text));
    }
}

Inline *screen_inline(Gen *g, unsigned style, const char *text, const char *href)
{
    Inline *in = course_new_inline(g->c, style, text, strlen(text));
    if (in && href)
        in->href = course_strdup(g->c, href);
    return in;
}

/* A paragraph: a link (when href) then plain text after it. */
void screen_para(Gen *g, const char *link, const char *href, const char *after,
                     unsigned after_style)
{
    Block *b = screen_block(g, BLOCK_PARAGRAPH);
    if (!b)
        return;
    Inline **t = &b->text;
    if (link && *link) {
        *t = screen_inline(g, href ? INLINE_LINK : 0, link, href);
        if (*t)
            t = &(*t)->next;
    }
    if (after && *after)
        *t = screen_inline(g, after_style, after, NULL);
}

void screen_field(Gen *g, int i, const char *label)
{
    Ui *ui = g->ui;
    Block *b = screen_block(g, BLOCK_REFLECTION);
    if (!b)
        return;
    ui->fields[i].id = "field";
    ui->fields[i].max_chars = i == 2 ? -4 : -(STORE_NAME_MAX - 1);
    Block *p = course_new_block(g->c, BLOCK_PARAGRAPH, srcloc(NULL, 0, 0));
    if (p)
        p->text = screen_inline(g, INLINE_STRONG, label, NULL);
    ui->fields[i].prompt = p;
    b->u.reflection = ui->fields[i];
    /* the layout asks the hook with this block's own copy: point it back */
}
