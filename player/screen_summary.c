/* screen_summary: a module's summary page: the score against the pass mark,
 * the pages seen, the way back to the contents and the library. */
#include <stdio.h>
#include <string.h>

#include "screen.h"

void screen_summary_build(Gen *g)
{
    Ui *ui = g->ui;
    Module *m = ui_module(ui);
    screen_heading(g, 1, m->pages[ui->page].title ? m->pages[ui->page].title : W(ui, MSG_DOC_SUMMARY));
    int max = 0, all = 0;
    int score = module_score(m, ui->role, ui->setting, &max, &all);
    Buf t = BUF_INIT;
    if (max > 0) {
        int pct = score * 100 / max;
        char n[16];
        snprintf(n, sizeof n, "%d", pct);
        msg_fill(&t, W(ui, MSG_PAGE_SCORE), n, NULL);
        screen_para(g, NULL, NULL, t.data, INLINE_STRONG);
        buf_clear(&t);
        if (all) {
            int pass = pct >= m->course->mastery_score;
            buf_printf(&t, "%s (%d %%)", pass ? W(ui, MSG_PLAYER_STATUS_PASSED) : W(ui, MSG_PLAYER_STATUS_FAILED),
                       m->course->mastery_score);
        } else {
            buf_puts(&t, W(ui, MSG_PLAYER_STATUS_IN_PROGRESS));
        }
        screen_para(g, NULL, NULL, t.data, 0);
        buf_clear(&t);
    }
    int seen = 0, shown = 0;
    for (int i = 0; i < m->npages; i++) {
        const Page *p = m->pages[i].page;
        if (p && p->name && p->name[0] == '_')
            continue;
        if (p && !audience_includes(p->audience, ui->role, ui->setting))
            continue;
        shown++;
        seen += m->pages[i].seen;
    }
    char a[16], b[16];
    snprintf(a, sizeof a, "%d", seen);
    snprintf(b, sizeof b, "%d", shown);
    msg_fill(&t, W(ui, MSG_PAGE_SEEN), a, b);
    screen_para(g, NULL, NULL, t.data, 0);
    buf_release(&t);
    screen_block(g, BLOCK_RULE);
    screen_para(g, W(ui, MSG_PLAYER_CONTENTS), "ui:toc", NULL, 0);
    screen_para(g, W(ui, MSG_PLAYER_LIBRARY), "ui:library", NULL, 0);
}
