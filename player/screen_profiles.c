/* screen_profiles: who is here. The profile list, a new profile (name,
 * staff id, PIN, role and setting among the modules' own), a profile's PIN;
 * then the library (or the one module). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screen.h"

void screen_profiles_build(Gen *g)
{
    Ui *ui = g->ui;
    screen_heading(g, 1, W(ui, MSG_PLAYER_PROFILES));
    free(ui->learners);
    ui->learners = NULL;
    ui->nlearners = 0;
    int rc = store_learner_list(ui->store, &ui->learners, &ui->nlearners);
    if (rc != 0)
        ui_store_failed(ui, rc);
    for (size_t i = 0; i < ui->nlearners; i++) {
        char href[48], pin[32];
        snprintf(href, sizeof(href), "ui:profile:%lld", (long long)ui->learners[i].id);
        snprintf(pin, sizeof pin, "  %s", W(ui, MSG_PLAYER_HAS_PIN));
        screen_para(g, ui->learners[i].name, href, ui->learners[i].has_pin ? pin : NULL,
                 INLINE_EM);
    }
    screen_block(g, BLOCK_RULE);
    screen_para(g, W(ui, MSG_PLAYER_NEW_PROFILE), "ui:new-profile", NULL, 0);
    screen_para(g, W(ui, MSG_PLAYER_GUEST), "ui:guest", NULL, 0);
}

void screen_profiles_build_new(Gen *g)
{
    Ui *ui = g->ui;
    screen_heading(g, 1, W(ui, MSG_PLAYER_NEW_PROFILE));
    screen_field(g, 0, W(ui, MSG_PLAYER_NAME));
    screen_field(g, 1, W(ui, MSG_PLAYER_STAFF_ID));
    screen_field(g, 2, W(ui, MSG_PLAYER_PIN));
    /* roles and settings: those of the first module that has some */
    ui->ctx_mod = NULL;
    for (int pass = 0; pass < 2 && !ui->ctx_mod; pass++)     /* the interface language first */
        for (int i = 0; i < ui->nmods && !ui->ctx_mod; i++) {
            Module *m = &ui->mods[i];
            if (module_open(m) == 0 && m->course && (m->course->nroles || m->course->nsettings) &&
                (pass == 1 || (m->lang && strcmp(m->lang, msg_lang_code(ui->lang)) == 0)))
                ui->ctx_mod = m;
        }
    const Module *m = ui->ctx_mod;
    if (m) {
        const Course *c = m->course;
        int li = m->doc.lang ? (int)(m->doc.lang - c->langs) : 0;
        if (c->nroles)
            screen_heading(g, 2, W(ui, MSG_DOC_ROLE));
        for (int i = 0; i < c->nroles; i++) {
            char href[32];
            snprintf(href, sizeof(href), "ui:new-role:%d", i);
            screen_para(g, c->roles[i].label[li] ? c->roles[i].label[li] : c->roles[i].id, href,
                     ui->new_role == i ? "  \xe2\x9c\x93" : NULL, INLINE_STRONG);
        }
        if (c->nsettings)
            screen_heading(g, 2, W(ui, MSG_DOC_SETTING));
        for (int i = 0; i < c->nsettings; i++) {
            char href[32];
            snprintf(href, sizeof(href), "ui:new-setting:%d", i);
            screen_para(g, c->settings[i].label[li] ? c->settings[i].label[li]
                                                 : c->settings[i].id,
                     href, ui->new_setting == i ? "  \xe2\x9c\x93" : NULL, INLINE_STRONG);
        }
        screen_block(g, BLOCK_RULE);
    }
    screen_para(g, W(ui, MSG_PLAYER_CREATE_PROFILE), "ui:create-profile", NULL, 0);
}

void screen_profiles_build_pin(Gen *g)
{
    Ui *ui = g->ui;
    const char *name = "";
    for (size_t i = 0; i < ui->nlearners; i++)
        if (ui->learners[i].id == ui->pin_for)
            name = ui->learners[i].name;
    Buf t = BUF_INIT;
    buf_printf(&t, W(ui, MSG_PLAYER_PIN_FOR), name);
    screen_heading(g, 1, t.data);
    buf_release(&t);
    screen_field(g, 2, W(ui, MSG_PLAYER_PIN_ENTER));
    screen_para(g, W(ui, MSG_PLAYER_OPEN), "ui:login", NULL, 0);
}

static int after_login(Ui *ui)
{
    if (ui->nmods == 1)
        return screen_module_open(ui, 0);
    ui_go(ui, SCR_LIBRARY);
    return 1;
}

static int create_profile(Ui *ui)
{
    const char *name = ui->field[0].data;
    while (*name == ' ')
        name++;
    if (!*name) {
        ui_notice(ui, "%s", W(ui, MSG_PLAYER_NAME_NEEDED));
        return 1;
    }
    const char *pin = ui->field[2].len ? ui->field[2].data : NULL;
    if (pin && (strlen(pin) != 4 || strspn(pin, "0123456789") != 4)) {
        ui_notice(ui, "%s", W(ui, MSG_PLAYER_PIN_FORMAT));
        return 1;
    }
    int64_t id = 0;
    const Course *c = ui->ctx_mod ? ui->ctx_mod->course : NULL;
    const char *role = c && ui->new_role >= 0 ? c->roles[ui->new_role].id : NULL;
    const char *setting = c && ui->new_setting >= 0 ? c->settings[ui->new_setting].id : NULL;
    int rc = store_learner_add(ui->store, name, ui->field[1].data, role, setting, pin, &id);
    if (rc == 0)
        rc = store_login(ui->store, id, pin);
    if (rc == STORE_INVALID) {
        ui_notice(ui, "%s", W(ui, MSG_PLAYER_PROFILE_INVALID));
        return 1;
    }
    if (rc != 0) {
        ui_store_failed(ui, rc);
        return 1;
    }
    for (int i = 0; i < 3; i++)
        buf_clear(&ui->field[i]);
    return after_login(ui);
}

int screen_profiles_follow(Ui *ui, const char *href)
{
    long long n = 0;
    if (sscanf(href, "ui:profile:%lld", &n) == 1) {
        for (size_t i = 0; i < ui->nlearners; i++)
            if (ui->learners[i].id == n && ui->learners[i].has_pin) {
                ui->pin_for = n;
                buf_clear(&ui->field[2]);
                ui_go(ui, SCR_PIN);
                return 1;
            }
        int rc = store_login(ui->store, n, NULL);
        if (rc != 0) {
            ui_store_failed(ui, rc);
            return 1;
        }
        return after_login(ui);
    }
    if (strcmp(href, "ui:login") == 0) {
        int rc = store_login(ui->store, ui->pin_for, ui->field[2].data);
        buf_clear(&ui->field[2]);
        if (rc == STORE_BAD_PIN) {
            ui_notice(ui, "%s", W(ui, MSG_PLAYER_BAD_PIN));
            ui_build(ui);
            return 1;
        }
        if (rc == STORE_PIN_WAIT) {
            /* not a save that failed: the profile waits, and says how long */
            char wait[128];
            snprintf(wait, sizeof wait, W(ui, MSG_PLAYER_PIN_WAIT), store_pin_wait(ui->store));
            ui_notice(ui, "%s", wait);
            ui_build(ui);
            return 1;
        }
        if (rc != 0) {
            ui_store_failed(ui, rc);
            return 1;
        }
        return after_login(ui);
    }
    if (strcmp(href, "ui:new-profile") == 0) {
        ui->new_role = ui->new_setting = -1;
        ui_go(ui, SCR_NEW_PROFILE);
        return 1;
    }
    if (sscanf(href, "ui:new-role:%lld", &n) == 1) {
        ui->new_role = ui->new_role == n ? -1 : (int)n;
        ui_build(ui);
        return 1;
    }
    if (sscanf(href, "ui:new-setting:%lld", &n) == 1) {
        ui->new_setting = ui->new_setting == n ? -1 : (int)n;
        ui_build(ui);
        return 1;
    }
    if (strcmp(href, "ui:create-profile") == 0)
        return create_profile(ui);
    if (strcmp(href, "ui:guest") == 0)
        return after_login(ui);
    return -1;
}
