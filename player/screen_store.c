/* screen_store: what the player says when the learner store fails it. At
 * start, a store that cannot be written (another account's file, a
 * read-only folder, a full disk, a lock held too long, damage that could not
 * be salvaged) stops the player on a screen that says so and what the
 * administrator should do; it goes on without saving only when the learner
 * chooses it, and then says so on every screen. When the learner's module
 * is open in another player, it asks before taking it over. The technical
 * detail of every failure goes to the log (log.h), never to the screen. */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "screen.h"
#include "store_salvage.h"

/* The sentence that says why the store cannot be used at start. */
static MsgId start_reason(int code)
{
    switch (code) {
    case STORE_READ_ONLY:
        return MSG_PLAYER_STORE_READ_ONLY;
    case STORE_FULL:
        return MSG_PLAYER_STORE_FULL;
    case STORE_BUSY:
        return MSG_PLAYER_STORE_BUSY;
    case STORE_DAMAGED:
        return MSG_PLAYER_STORE_DAMAGED;
    case STORE_TOO_NEW:
        return MSG_PLAYER_STORE_TOO_NEW;
    default:
        return MSG_PLAYER_STORE_OTHER;
    }
}

/* Where the learner goes once the store question is settled. */
static int start(Ui *ui)
{
    if (ui->store)
        ui_go(ui, SCR_PROFILES);
    else if (ui->nmods == 1 && screen_module_open(ui, 0))
        ;
    else
        ui_go(ui, SCR_LIBRARY);
    return 1;
}

int screen_store_open(Ui *ui)
{
    int code = 0;
    StoreSalvage rep;
    Buf err = BUF_INIT;
    ui->store = store_open_with(ui->o.data_dir, STORE_OPEN_PLAYER, &code, &rep, &err);
    if (!ui->store) {
        log_msg("the learner store cannot be used (%s): %s", store_code_name(code), err.data);
        buf_release(&err);
        ui->store_code = code;
        ui_go(ui, SCR_STORE);
        return 0;
    }
    buf_release(&err);
    ui->store_code = 0;
    if (rep.done) {
        Buf say = BUF_INIT;
        store_salvage_describe(&rep, &say);
        log_msg("%s", say.data);
        buf_clear(&say);
        buf_printf(&say, W(ui, MSG_PLAYER_SALVAGED), (long)rep.learners, (long)rep.attempts,
                   (long)rep.answers, (long)rep.unsent, (long)rep.bad_pages);
        ui_notice(ui, "%s", say.data);
        buf_release(&say);
    }
    return 1;
}

void screen_store_build(Gen *g)
{
    Ui *ui = g->ui;
    screen_heading(g, 1, W(ui, MSG_PLAYER_STORE_TITLE));
    screen_para(g, NULL, NULL, W(ui, start_reason(ui->store_code)), 0);
    screen_para(g, W(ui, MSG_PLAYER_STORE_RETRY), "ui:store-retry", NULL, 0);
    screen_para(g, W(ui, MSG_PLAYER_STORE_NOSAVE), "ui:store-nosave", NULL, 0);
}

void screen_store_build_in_use(Gen *g)
{
    Ui *ui = g->ui;
    screen_heading(g, 1, W(ui, MSG_PLAYER_IN_USE_TITLE));
    screen_para(g, NULL, NULL, W(ui, MSG_PLAYER_IN_USE_TEXT), 0);
    screen_para(g, W(ui, MSG_PLAYER_TAKE_OVER), "ui:take-over", NULL, 0);
    screen_para(g, W(ui, MSG_PLAYER_IN_USE_BACK), "ui:in-use-back", NULL, 0);
}

int screen_store_follow(Ui *ui, const char *href)
{
    if (strcmp(href, "ui:store-retry") == 0) {
        if (screen_store_open(ui))
            return start(ui);
        return 1;
    }
    if (strcmp(href, "ui:store-nosave") == 0) {
        log_msg("the learner chose to go on without saving");
        ui->nosave = 1;
        return start(ui);
    }
    if (strcmp(href, "ui:take-over") == 0) {
        int i = ui->in_use_mod;
        ui->in_use_attempt = 0;
        ui->in_use_mod = -1;
        return screen_module_take_over(ui, i);
    }
    if (strcmp(href, "ui:in-use-back") == 0) {
        ui->in_use_attempt = 0;
        ui->in_use_mod = -1;
        ui_go(ui, ui->nmods == 1 ? SCR_PROFILES : SCR_LIBRARY);
        return 1;
    }
    return -1;
}
