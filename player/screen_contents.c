/* screen_contents: a module's table of contents, the pages this learner's
 * role and setting show, the seen ones ticked. */
#include <stdio.h>

#include "screen.h"

void screen_contents_build(Gen *g)
{
    Ui *ui = g->ui;
    Module *m = ui_module(ui);
    screen_heading(g, 1, m->title);
    screen_heading(g, 2, W(ui, MSG_PLAYER_CONTENTS));
    Block *list = screen_block(g, BLOCK_LIST);
    if (!list)
        return;
    list->u.list.ordered = 1;
    list->u.list.start = 1;
    Block **items = &list->children;
    for (int i = 0; i < m->npages; i++) {
        const Page *p = m->pages[i].page;
        if (p && !audience_includes(p->audience, ui->role, ui->setting))
            continue;
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
