/* screen_profiles: who is here. For a ward of 200: a search field focused on
 * arrival (typing anywhere searches), the profiles most recently active
 * first, each a card saying what tells two namesakes apart (role, setting,
 * staff id, last activity); a new profile (name, staff id, PIN, role and
 * setting among every module's own); a profile's PIN, digits only, Enter
 * submits; then the library (or the one module). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screen.h"

/* ---- the profile list ------------------------------------------------------------ */

static int matches(const StoreLearner *l, const char *folded_query)
{
    if (!*folded_query)
        return 1;
    char a[STORE_NAME_MAX], b[STORE_FIELD_MAX];
    screen_fold(l->name, a, sizeof a);
    screen_fold(l->staff_id, b, sizeof b);
    return strstr(a, folded_query) || (*b && strstr(b, folded_query));
}

/* The last time each profile did something: its attempts' newest update. */
static int note_attempt(const StoreAttempt *a, void *ud)
{
    Ui *ui = ud;
    for (size_t i = 0; i < ui->nlearners; i++)
        if (a->learner && ui->learners[i].id == a->learner->id && a->updated &&
            strcmp(a->updated, ui->last_active[i]) > 0)
            snprintf(ui->last_active[i], sizeof ui->last_active[i], "%s", a->updated);
    return 0;
}

static Ui *sort_ui;     /* qsort has no userdata; the list is sorted on one thread */

static int by_recent(const void *x, const void *y)
{
    size_t i = (size_t)(*(const int *)x), j = (size_t)(*(const int *)y);
    int c = strcmp(sort_ui->last_active[j], sort_ui->last_active[i]);
    return c ? c : (i > j) - (i < j);   /* then by name, as listed */
}

static void load_learners(Ui *ui)
{
    free(ui->learners);
    free(ui->last_active);
    ui->learners = NULL;
    ui->last_active = NULL;
    ui->nlearners = 0;
    int rc = store_learner_list(ui->store, &ui->learners, &ui->nlearners);
    if (rc != 0) {
        ui_store_failed(ui, rc);
        return;
    }
    if (ui->nlearners == 0)
        return;     /* nothing to sort (and no array to copy into) */
    ui->last_active = calloc(ui->nlearners, sizeof *ui->last_active);
    int *order = calloc(ui->nlearners ? ui->nlearners : 1, sizeof *order);
    StoreLearner *sorted = malloc((ui->nlearners ? ui->nlearners : 1) * sizeof *sorted);
    char (*dates)[32] = malloc((ui->nlearners ? ui->nlearners : 1) * sizeof *dates);
    if (!ui->last_active || !order || !sorted || !dates) {
        free(order);
        free(sorted);
        free(dates);
        return;
    }
    store_foreach_attempt(ui->store, 0, note_attempt, ui);
    for (size_t i = 0; i < ui->nlearners; i++)
        order[i] = (int)i;
    sort_ui = ui;
    qsort(order, ui->nlearners, sizeof *order, by_recent);
    for (size_t i = 0; i < ui->nlearners; i++) {
        sorted[i] = ui->learners[order[i]];
        memcpy(dates[i], ui->last_active[order[i]], sizeof dates[i]);
    }
    memcpy(ui->learners, sorted, ui->nlearners * sizeof *sorted);
    memcpy(ui->last_active, dates, ui->nlearners * sizeof *dates);
    free(order);
    free(sorted);
    free(dates);
}

/* "médecin · urgences · matricule 4521 · dernière activité le 12/03/2025" */
static void profile_detail(Ui *ui, size_t i, Buf *out)
{
    const StoreLearner *l = &ui->learners[i];
    const char *sep = " \xc2\xb7 ";
    if (*l->role)
        buf_printf(out, "%s%s", out->len ? sep : "", ui_context_label(ui, 0, l->role));
    if (*l->setting)
        buf_printf(out, "%s%s", out->len ? sep : "", ui_context_label(ui, 1, l->setting));
    if (*l->staff_id) {
        buf_puts(out, out->len ? sep : "");
        buf_printf(out, W(ui, MSG_PLAYER_STAFF_SHORT), l->staff_id);
    }
    buf_puts(out, out->len ? sep : "");
    const char *d = ui->last_active ? ui->last_active[i] : "";
    if (strlen(d) >= 10) {
        char date[16];
        /* ISO 8601 "2025-03-12T…": 12/03/2025 in French, 2025-03-12 in English */
        if (ui->lang == MSG_LANG_FR)
            snprintf(date, sizeof date, "%.2s/%.2s/%.4s", d + 8, d + 5, d);
        else
            snprintf(date, sizeof date, "%.10s", d);
        buf_printf(out, W(ui, MSG_PLAYER_LAST_ACTIVE), date);
    } else {
        buf_puts(out, W(ui, MSG_PLAYER_NEVER_ACTIVE));
    }
    if (l->has_pin)
        buf_printf(out, "%s%s", sep, W(ui, MSG_PLAYER_HAS_PIN));
}

void screen_profiles_build(Gen *g)
{
    Ui *ui = g->ui;
    screen_heading(g, 1, W(ui, MSG_PLAYER_PROFILES));
    if (ui->session_note.len)
        screen_note(g, ui->session_note.data, 0);
    load_learners(ui);
    screen_field(g, UI_FIELD_SEARCH, W(ui, MSG_PLAYER_SEARCH));
    ui->want_field = UI_FIELD_SEARCH;
    /* above the list: with 200 profiles, never 200 cards away */
    screen_button(g, W(ui, MSG_PLAYER_NEW_PROFILE), "ui:new-profile");
    screen_button(g, W(ui, MSG_PLAYER_GUEST), "ui:guest");
    screen_block(g, BLOCK_RULE);
    char query[STORE_NAME_MAX];
    screen_fold(ui->field[UI_FIELD_SEARCH].data, query, sizeof query);
    int shown = 0;
    for (size_t i = 0; i < ui->nlearners; i++) {
        if (!matches(&ui->learners[i], query))
            continue;
        char href[48];
        snprintf(href, sizeof(href), "ui:profile:%lld", (long long)ui->learners[i].id);
        Buf detail = BUF_INIT;
        profile_detail(ui, i, &detail);
        screen_card(g, ui->learners[i].name, href, detail.data);
        buf_release(&detail);
        shown++;
    }
    if (!shown && ui->nlearners)
        screen_para(g, NULL, NULL, W(ui, MSG_PLAYER_NO_MATCH), INLINE_EM);
}

void screen_profiles_build_new(Gen *g)
{
    Ui *ui = g->ui;
    screen_heading(g, 1, W(ui, MSG_PLAYER_NEW_PROFILE));
    screen_field(g, UI_FIELD_NAME, W(ui, MSG_PLAYER_NAME));
    screen_field(g, UI_FIELD_STAFF, W(ui, MSG_PLAYER_STAFF_ID));
    screen_field(g, UI_FIELD_PIN, W(ui, MSG_PLAYER_PIN));
    if (!ui->field[UI_FIELD_NAME].len)
        ui->want_field = UI_FIELD_NAME;
    /* roles and settings: every module's, in the interface language */
    if (ui->nroles)
        screen_heading(g, 2, W(ui, MSG_DOC_ROLE));
    for (int i = 0; i < ui->nroles; i++) {
        char href[32];
        snprintf(href, sizeof(href), "ui:new-role:%d", i);
        screen_card(g, ui->roles[i].label, href, NULL);
    }
    if (ui->nsettings)
        screen_heading(g, 2, W(ui, MSG_DOC_SETTING));
    for (int i = 0; i < ui->nsettings; i++) {
        char href[32];
        snprintf(href, sizeof(href), "ui:new-setting:%d", i);
        screen_card(g, ui->settings[i].label, href, NULL);
    }
    screen_block(g, BLOCK_RULE);
    screen_button(g, W(ui, MSG_PLAYER_CREATE_PROFILE), "ui:create-profile");
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
    screen_field(g, UI_FIELD_PIN, W(ui, MSG_PLAYER_PIN_ENTER));
    ui->want_field = UI_FIELD_PIN;
    screen_button(g, W(ui, MSG_PLAYER_OPEN), "ui:login");
}

/* What a failed login says, in the learner's words. */
static void login_failed(Ui *ui, int rc)
{
    if (rc == STORE_BAD_PIN)
        ui_notice(ui, "%s", W(ui, MSG_PLAYER_BAD_PIN));
    else if (rc == STORE_PIN_WAIT) {
        /* not a save that failed: the profile waits, and says how long */
        char wait[128];
        snprintf(wait, sizeof wait, W(ui, MSG_PLAYER_PIN_WAIT), store_pin_wait(ui->store));
        ui_notice(ui, "%s", wait);
    } else {
        ui_store_failed(ui, rc);
    }
}

static int create_profile(Ui *ui)
{
    const char *name = ui->field[UI_FIELD_NAME].data;
    while (*name == ' ')
        name++;
    if (!*name) {
        ui_notice(ui, "%s", W(ui, MSG_PLAYER_NAME_NEEDED));
        return 1;
    }
    const char *pin = ui->field[UI_FIELD_PIN].len ? ui->field[UI_FIELD_PIN].data : NULL;
    if (pin && (strlen(pin) != 4 || strspn(pin, "0123456789") != 4)) {
        ui_notice(ui, "%s", W(ui, MSG_PLAYER_PIN_FORMAT));
        return 1;
    }
    int64_t id = 0;
    const char *role = ui->new_role >= 0 ? ui->roles[ui->new_role].id : NULL;
    const char *setting = ui->new_setting >= 0 ? ui->settings[ui->new_setting].id : NULL;
    int rc = store_learner_add(ui->store, name, ui->field[UI_FIELD_STAFF].data, role, setting,
                               pin, &id);
    if (rc == STORE_INVALID) {
        ui_notice(ui, "%s", W(ui, MSG_PLAYER_PROFILE_INVALID));
        return 1;
    }
    if (rc != 0) {
        ui_store_failed(ui, rc);
        return 1;
    }
    rc = ui_login(ui, id, pin);
    if (rc != 0) {
        login_failed(ui, rc);
        return 1;
    }
    return ui_after_login(ui);
}

/* A choice among cards: rebuilt, with the focus kept where it was. */
static int rebuild_keep_focus(Ui *ui)
{
    int focus = ui->focus;
    ui_build(ui);
    ui->focus = focus;
    ui->text_target = -1;
    return 1;
}

int screen_profiles_follow(Ui *ui, const char *href)
{
    long long n = 0;
    if (sscanf(href, "ui:profile:%lld", &n) == 1) {
        for (size_t i = 0; i < ui->nlearners; i++)
            if (ui->learners[i].id == n && ui->learners[i].has_pin) {
                ui->pin_for = n;
                buf_clear(&ui->field[UI_FIELD_PIN]);
                ui_go(ui, SCR_PIN);
                return 1;
            }
        int rc = ui_login(ui, n, NULL);
        if (rc != 0) {
            login_failed(ui, rc);
            return 1;
        }
        return ui_after_login(ui);
    }
    if (strcmp(href, "ui:login") == 0) {
        int rc = ui_login(ui, ui->pin_for, ui->field[UI_FIELD_PIN].data);
        buf_clear(&ui->field[UI_FIELD_PIN]);
        if (rc != 0) {
            login_failed(ui, rc);
            ui_build(ui);       /* the field empty and focused again */
            return 1;
        }
        return ui_after_login(ui);
    }
    if (strcmp(href, "ui:new-profile") == 0) {
        ui->new_role = ui->new_setting = -1;
        for (int i = 0; i < UI_NFIELDS; i++)
            buf_clear(&ui->field[i]);
        ui_go(ui, SCR_NEW_PROFILE);
        return 1;
    }
    if (sscanf(href, "ui:new-role:%lld", &n) == 1 && n < ui->nroles) {
        ui->new_role = ui->new_role == n ? -1 : (int)n;
        return rebuild_keep_focus(ui);
    }
    if (sscanf(href, "ui:new-setting:%lld", &n) == 1 && n < ui->nsettings) {
        ui->new_setting = ui->new_setting == n ? -1 : (int)n;
        return rebuild_keep_focus(ui);
    }
    if (strcmp(href, "ui:create-profile") == 0)
        return create_profile(ui);
    if (strcmp(href, "ui:guest") == 0) {
        ui->guest = 1;
        buf_clear(&ui->session_note);
        return ui_after_login(ui);
    }
    return -1;
}
