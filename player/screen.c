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
    ui->fields[i].max_chars = i == UI_FIELD_PIN ? -4 : i == UI_FIELD_STAFF ? -(STORE_FIELD_MAX - 1)
                                                 : -(STORE_NAME_MAX - 1);
    Block *p = course_new_block(g->c, BLOCK_PARAGRAPH, srcloc(NULL, 0, 0));
    if (p)
        p->text = screen_inline(g, INLINE_STRONG, label, NULL);
    ui->fields[i].prompt = p;
    b->u.reflection = ui->fields[i];
    /* the layout asks the hook with this block's own copy: point it back */
}

void screen_button(Gen *g, const char *label, const char *href)
{
    screen_para(g, label, href, NULL, 0);
}

void screen_card(Gen *g, const char *title, const char *href, const char *detail)
{
    screen_para(g, title, href, detail, 0);
}

void screen_note(Gen *g, const char *text, int warning)
{
    Block *b = screen_block(g, BLOCK_CALLOUT);
    if (!b)
        return;
    b->u.callout.kind = warning ? CALLOUT_WARNING : CALLOUT_KEYFACT;
    Block *p = course_new_block(g->c, BLOCK_PARAGRAPH, srcloc(NULL, 0, 0));
    if (p)
        p->text = screen_inline(g, 0, text, NULL);
    b->children = p;
}

/* Lowercase ASCII and the accented Latin letters French names use folded to
 * their base letter, so "helene" finds "Hélène". Writes at most n-1 bytes. */
void screen_fold(const char *s, char *out, size_t n)
{
    static const char *const from[] = {
        "à", "â", "ä", "á", "ç", "é", "è", "ê", "ë", "î", "ï", "í", "ô", "ö", "ó", "ù", "û",
        "ü", "ú", "ÿ", "ñ", "À", "Â", "Ä", "Ç", "É", "È", "Ê", "Ë", "Î", "Ï", "Ô", "Ö", "Ù",
        "Û", "Ü",
    };
    static const char to[] = "aaaaceeeeiiiooouuuuynaaaceeeeiioouuu";
    size_t k = 0;
    while (*s && k + 1 < n) {
        size_t j = 0;
        for (; j < sizeof from / sizeof from[0]; j++)
            if (strncmp(s, from[j], strlen(from[j])) == 0)
                break;
        if (j < sizeof from / sizeof from[0]) {
            out[k++] = to[j];
            s += strlen(from[j]);
        } else {
            out[k++] = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
            s++;
        }
    }
    out[k] = '\0';
}
