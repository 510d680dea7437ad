/* screen_contents: a module's table of contents, the pages this learner's
 * role and setting show, numbered as the page header numbers them, the
 * seen ones ticked; a third-party organization in chapters as nested lists. */
#include <stdio.h>

#include "screen.h"

/* The link to page i, with its seen mark, into g. */
static void toc_page(Gen *g, int i)
{
    Ui *ui = g->ui;
    Module *m = ui_module(ui);
    char href[32];
    snprintf(href, sizeof(href), "ui:page:%d", i);
    Buf after = BUF_INIT;
    if (m->pages[i].seen)
        buf_printf(&after, "  \xe2\x9c\x93 %s", W(ui, MSG_PLAYER_SEEN));
    screen_para(g, m->pages[i].title ? m->pages[i].title : "\xe2\x80\x94", href, after.data,
                INLINE_EM);
    buf_release(&after);
}

/* A third-party module in chapters: nested lists, a chapter's title (not a
 * link) above its pages, indented one level per depth of the organization. */
static void toc_chapters(Gen *g, const Module *m)
{
    Block **tails[SCORM_MAX_DEPTH + 1];
    Block *last[SCORM_MAX_DEPTH + 1] = { NULL };
    Block *top = screen_block(g, BLOCK_LIST);
    if (!top)
        return;
    tails[0] = &top->children;
    int level = 0;
    for (int k = 0; k < m->ntoc; k++) {
        const TocEntry *e = &m->toc[k];
        int d = e->depth;
        if (d > level + 1)
            d = level + 1;
        if (d > level && !last[level])
            d = level;      /* nothing to nest under */
        while (level > d)
            level--;
        if (d > level) {    /* a list inside the previous entry */
            Block *sub = course_new_block(g->c, BLOCK_LIST, srcloc(NULL, 0, 0));
            if (!sub)
                return;
            course_append_block(&last[level]->children, sub);
            level = d;
            tails[level] = &sub->children;
            last[level] = NULL;
        }
        Block *it = course_new_block(g->c, BLOCK_LIST_ITEM, srcloc(NULL, 0, 0));
        if (!it)
            return;
        *tails[level] = it;
        tails[level] = &it->next;
        last[level] = it;
        Gen sub = { g->ui, g->c, &it->children };
        if (e->page >= 0)
            toc_page(&sub, e->page);
        else
            screen_para(&sub, NULL, NULL, e->title, INLINE_STRONG);
    }
}

void screen_contents_build(Gen *g)
{
    Ui *ui = g->ui;
    Module *m = ui_module(ui);
    screen_heading(g, 1, m->title);
    screen_heading(g, 2, W(ui, MSG_PLAYER_CONTENTS));
    if (m->ntoc) {
        toc_chapters(g, m);
        return;
    }
    Block *list = screen_block(g, BLOCK_LIST);
    if (!list)
        return;
    list->u.list.ordered = 1;
    list->u.list.start = 1;
    Block **items = &list->children;
    for (int i = 0; i < m->npages; i++) {
        int place = 0;
        screen_module_count(ui, m, i, &place);
        if (!place)
            continue;       /* numbered as the page header numbers them */
        Block *it = course_new_block(g->c, BLOCK_LIST_ITEM, srcloc(NULL, 0, 0));
        if (!it)
            return;
        *items = it;
        items = &it->next;
        Gen sub = { ui, g->c, &it->children };
        char href[32];
        snprintf(href, sizeof(href), "ui:page:%d", i);
        Buf after = BUF_INIT;
        if (m->pages[i].seen)
            buf_printf(&after, "  \xe2\x9c\x93 %s", W(ui, MSG_PLAYER_SEEN));
        screen_para(&sub, m->pages[i].title ? m->pages[i].title : "\xe2\x80\x94", href,
                 after.data, INLINE_EM);
        buf_release(&after);
    }
}
