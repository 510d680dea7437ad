/* screen_summary: a module's summary page: the score against the pass mark,
 * the pages seen, the way back to the contents and the library. */
#include <stdio.h>
#include <string.h>

#include "screen.h"

void screen_summary_build(Gen *g)
{
    Ui *ui = g->ui;
    Module *m = ui_module(ui);
    const char *title = m->pages[ui->page].title;
    screen_heading(g, 1, title ? title : W(ui, MSG_DOC_SUMMARY));
    ScoreOutcome o = { .raw = -1 };
    module_score(m, ui->role, ui->setting, &o);    /* out of memory: no score line */
    int mastery = m->course ? m->course->mastery_score : 0;
    Buf t = BUF_INIT;
    char a[16], b[16];
    if (o.raw >= 0) {
        /* the browser's number: 2 decimals at most, a decimal comma in French */
        char n[16];
        score_format(o.raw, 2, strcmp(msg_lang_code(ui->lang), "fr") == 0, n, sizeof n);
        msg_fill(&t, W(ui, MSG_PAGE_SCORE), n, NULL);
        screen_para(g, NULL, NULL, t.data, INLINE_STRONG);
        buf_clear(&t);
        /* the verdict says the pass mark; before the end, the pass mark alone */
        snprintf(b, sizeof b, "%d", mastery);
        int all = o.complete;
        if (all && o.raw >= mastery)
            buf_puts(&t, W(ui, MSG_PAGE_PASSED));
        else if (all)
            msg_fill(&t, W(ui, MSG_PAGE_FAILED), b, NULL);
        else
            buf_printf(&t, W(ui, MSG_PLAYER_PASS_MARK), mastery);
        screen_note(g, t.data, all && o.raw < mastery);
        buf_clear(&t);
        if (!o.complete) {
            buf_puts(&t, W(ui, MSG_PLAYER_STATUS_IN_PROGRESS));
            screen_para(g, NULL, NULL, t.data, 0);
            buf_clear(&t);
        }
    }
    /* the same pages as the page numbers and the contents: those this learner
     * sees, this one included (it is being seen) */
    int seen = 0, place = 0, shown = screen_module_count(ui, m, ui->page, &place);
    for (int i = 0; i < m->npages; i++) {
        int p = 0;
        screen_module_count(ui, m, i, &p);
        seen += p > 0 && (m->pages[i].seen || i == ui->page);
    }
    snprintf(a, sizeof a, "%d", seen);
    snprintf(b, sizeof b, "%d", shown);
    msg_fill(&t, W(ui, MSG_PAGE_SEEN), a, b);
    screen_para(g, NULL, NULL, t.data, 0);
    buf_release(&t);
    screen_block(g, BLOCK_RULE);
    /* a new attempt: for a learner whose answers are kept (the old attempt
     * stays in the store) */
    if (ui->store && store_current_learner(ui->store) && m->attempt && o.max > 0)
        screen_button(g, W(ui, MSG_PLAYER_NEW_ATTEMPT), "ui:new-attempt");
    screen_button(g, W(ui, MSG_PLAYER_CONTENTS), "ui:toc");
    screen_button(g, W(ui, MSG_PLAYER_LIBRARY), "ui:library");
}
