/* Tests over the course library (courses/): every module meets the
 * editorial bar of the course-library issues — objectives, references,
 * scenarios, question count, feedback, alt text, both languages alike, French
 * typography, no assessment-lint warning, a front page whose duration agrees
 * with module.xml, three roles each with its own scenario, scenario material
 * for every setting, and at least 20 % of every learner's reading written for
 * their role — so a module that slips fails the build, not a learner. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "course.h"
#include "diag.h"
#include "source.h"

#define COURSES_DIR TEST_SRCDIR "/courses"

typedef struct Counts {
    int questions, scored_scenarios, scenarios, branching_scenarios, images, lists;
    int role, setting;          /* learner profile being counted, -1 = everyone */
    int shown_scored;           /* questions + scored scenarios shown to role/setting */
} Counts;

static int count_block(Block *b, int depth, void *userdata)
{
    (void)depth;
    Counts *k = userdata;
    switch (b->kind) {
    case BLOCK_QUESTION:
        k->questions++;
        break;
    case BLOCK_SCENARIO: {
        Scenario *s = b->u.scenario;
        k->scenarios++;
        if (s->scored)
            k->scored_scenarios++;
        for (Step *st = s->steps; st; st = st->next) {
            int n = 0;
            for (StepChoice *ch = st->choices; ch; ch = ch->next)
                n++;
            if (n >= 2) {
                k->branching_scenarios++;
                break;
            }
        }
        break;
    }
    case BLOCK_IMAGE:
        k->images++;
        assert_non_null(b->u.image.alt);
        assert_true(strlen(b->u.image.alt) >= 10);
        break;
    case BLOCK_LIST:
        k->lists++;
        break;
    default:
        break;
    }
    return 0;
}

/* Scored items a learner of this role and setting is shown, honouring the
 * audience of pages, groups and the items themselves. */
static int shown_scored(const Block *list, int role, int setting)
{
    int n = 0;
    for (const Block *b = list; b; b = b->next) {
        if (!audience_includes(b->audience, role, setting))
            continue;
        if (b->kind == BLOCK_QUESTION || (b->kind == BLOCK_SCENARIO && b->u.scenario->scored))
            n++;
        n += shown_scored(b->children, role, setting);
    }
    return n;
}

/* French typography: no straight apostrophe, and no ordinary space before
 * : ; ! ? or after « / before » in running text (links and code excepted). */
static void check_french_inline(const Inline *in, const char *file, int line)
{
    for (; in; in = in->next) {
        if (in->style & (INLINE_CODE | INLINE_BREAK))
            continue;
        const char *t = in->text;
        for (size_t i = 0; t[i]; i++) {
            int bad = 0;
            if (t[i] == '\'')
                bad = 1;
            if (t[i] == ' ' && (t[i + 1] == ':' || t[i + 1] == ';' || t[i + 1] == '!' ||
                                t[i + 1] == '?'))
                bad = 1;
            if (strncmp(t + i, "\xC2\xAB ", 3) == 0 || strncmp(t + i, " \xC2\xBB", 3) == 0)
                bad = 1;
            if (bad) {
                print_error("%s:%d: French typography near \"%.30s\" (use ’ and a "
                            "non-breaking space before : ; ! ? and inside « »)\n",
                            file, line, t + (i > 10 ? i - 10 : 0));
                fail();
            }
        }
    }
}

static int french_block(Block *b, int depth, void *userdata)
{
    (void)depth;
    const char *file = userdata;
    check_french_inline(b->text, file, b->at.line);
    if (b->kind == BLOCK_QUESTION)
        for (Choice *ch = b->u.question->choices; ch; ch = ch->next)
            check_french_inline(ch->text, file, ch->at.line);
    if (b->kind == BLOCK_SCENARIO)
        for (Step *s = b->u.scenario->steps; s; s = s->next)
            for (StepChoice *ch = s->choices; ch; ch = ch->next)
                check_french_inline(ch->text, file, ch->at.line);
    return 0;
}

/* The catalogue text of module.xml (what the LMS shows) obeys the same rules. */
static void check_french_metadata(const CourseLang *fr)
{
    const char *texts[] = { fr->title, fr->description, fr->keywords };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        if (!texts[i])
            continue;
        Inline in = { 0, texts[i], NULL, NULL };
        check_french_inline(&in, "module.xml", 0);
    }
}

static int has_objectives(const Page *first)
{
    int heading = 0, list = 0;
    for (const Block *b = first->blocks; b; b = b->next) {
        if (b->kind == BLOCK_HEADING) {
            char *t = inline_plain_text(b->text);
            if (t && (strstr(t, "bjectif") || strstr(t, "bjective")))
                heading = 1;
            free(t);
        }
        if (heading && b->kind == BLOCK_LIST) {
            int items = 0;
            for (Block *it = b->children; it; it = it->next)
                items++;
            list = items >= 3;
        }
    }
    return heading && list;
}

static void collect_ids(Block *list, Buf *out)
{
    for (Block *b = list; b; b = b->next) {
        if (b->kind == BLOCK_QUESTION) {
            Question *q = b->u.question;
            buf_printf(out, "q:%s:%d:", q->id, q->type);
            for (Choice *ch = q->choices; ch; ch = ch->next)
                buf_putc(out, ch->correct ? 'x' : '-');
            buf_putc(out, '\n');
        } else if (b->kind == BLOCK_SCENARIO) {
            buf_printf(out, "s:%s\n", b->u.scenario->id);
        }
        collect_ids(b->children, out);
    }
}

/* The README's course table is what deployers read: it must list every
 * module with its current duration. */
static void check_readme_lists(const Course *c)
{
    FILE *f = fopen(TEST_SRCDIR "/README.md", "r");
    assert_non_null(f);
    char line[4096];
    char key[256], minutes[32];
    snprintf(key, sizeof(key), "| `%s` |", c->id);
    snprintf(minutes, sizeof(minutes), "| %d min |", c->duration_minutes);
    int found = 0;
    while (fgets(line, sizeof(line), f))
        if (strstr(line, key) && strstr(line, minutes))
            found = 1;
    fclose(f);
    if (!found) {
        print_error("README.md: no course-table row for `%s` with \"%d min\" (update the "
                    "table under \"The courses\")\n", c->id, c->duration_minutes);
        fail();
    }
}


/* ---- adaptation: what each learner profile reads ------------------------- */

/* Audience of a block inside a container: 0 means "everyone", so an empty
 * set takes the other one; otherwise both must match. */
static unsigned narrow(unsigned outer, unsigned inner)
{
    if (!outer)
        return inner;
    if (!inner)
        return outer;
    return outer & inner;
}

static int inline_words(const Inline *in)
{
    int n = 0, inword = 0;
    for (; in; in = in->next)
        for (const char *t = in->text; *t; t++) {
            int sp = *t == ' ' || *t == '\t' || *t == '\n';
            if (!sp && !inword)
                n++;
            inword = !sp;
        }
    return n;
}

/* Words a learner of (role, setting) reads, and how many of them sit in
 * material written for some roles only (a role list that names this role
 * and not every role). */
typedef struct Share {
    int role, setting;
    unsigned all_roles;     /* the module's full role mask */
    long words, specific;
} Share;

static void share_blocks(Share *sh, const Block *list, unsigned roles, unsigned settings);

static void share_add(Share *sh, int words, unsigned roles)
{
    sh->words += words;
    if (roles && (roles & sh->all_roles) != sh->all_roles)
        sh->specific += words;
}

static void share_block(Share *sh, const Block *b, unsigned roles, unsigned settings)
{
    roles = narrow(roles, b->audience.roles);
    settings = narrow(settings, b->audience.settings);
    Audience eff = { roles, settings };
    if ((roles || settings) && !audience_includes(eff, sh->role, sh->setting))
        return;
    share_add(sh, inline_words(b->text), roles);
    switch (b->kind) {
    case BLOCK_QUESTION:
        share_blocks(sh, b->u.question->prompt, roles, settings);
        for (const Choice *ch = b->u.question->choices; ch; ch = ch->next) {
            share_add(sh, inline_words(ch->text), roles);
            share_blocks(sh, ch->feedback, roles, settings);
        }
        share_blocks(sh, b->u.question->explanation, roles, settings);
        break;
    case BLOCK_SCENARIO:
        for (const Step *st = b->u.scenario->steps; st; st = st->next) {
            share_blocks(sh, st->body, roles, settings);
            for (const StepChoice *ch = st->choices; ch; ch = ch->next) {
                share_add(sh, inline_words(ch->text), roles);
                share_blocks(sh, ch->consequence, roles, settings);
            }
        }
        break;
    case BLOCK_REFLECTION:
        share_blocks(sh, b->u.reflection.prompt, roles, settings);
        break;
    default:
        break;
    }
    share_blocks(sh, b->children, roles, settings);
}

static void share_blocks(Share *sh, const Block *list, unsigned roles, unsigned settings)
{
    for (const Block *b = list; b; b = b->next)
        share_block(sh, b, roles, settings);
}

/* Scenarios by who they are for: a scenario written for exactly one role
 * marks that role; one whose own audience, or a block inside it, is for some
 * settings only marks those settings. */
typedef struct Owners {
    unsigned all_settings;
    unsigned role_scenarios;        /* bit r: a scenario for role r alone */
    unsigned setting_scenarios;     /* bit s: scenario material for setting s */
} Owners;

static unsigned setting_material(const Block *list, unsigned settings, unsigned all)
{
    unsigned found = 0;
    for (const Block *b = list; b; b = b->next) {
        unsigned eff = narrow(settings, b->audience.settings);
        if (eff && (eff & all) != all)
            found |= eff;
        found |= setting_material(b->children, eff, all);
    }
    return found;
}

static void owners_walk(Owners *o, const Block *list, unsigned roles, unsigned settings)
{
    for (const Block *b = list; b; b = b->next) {
        unsigned r = narrow(roles, b->audience.roles);
        unsigned st = narrow(settings, b->audience.settings);
        if (b->kind == BLOCK_SCENARIO) {
            if (r && (r & (r - 1)) == 0)
                o->role_scenarios |= r;
            unsigned found = st && (st & o->all_settings) != o->all_settings ? st : 0;
            for (const Step *s = b->u.scenario->steps; s; s = s->next) {
                found |= setting_material(s->body, st, o->all_settings);
                for (const StepChoice *ch = s->choices; ch; ch = ch->next)
                    found |= setting_material(ch->consequence, st, o->all_settings);
            }
            o->setting_scenarios |= found;
        }
        owners_walk(o, b->children, r, st);
    }
}

/* ---- the front page a DPC reviewer expects ------------------------------ */

static const char *const FRONT_HEADINGS[2][6] = {
    { "Objectifs", "Public visé", "Durée", "Rédaction et relecture", "Processus éditorial",
      "Liens d’intérêts" },
    { "Objectives", "Audience", "Duration", "Writing and review", "Editorial process",
      "Conflicts of interest" },
};

/* The first page carries every front-page heading (level 2), and the text
 * under "Durée"/"Duration" states the module's duration as "N min". */
static void check_front_page(const Course *c, const CourseLang *lang, const char *name)
{
    int en = strcmp(lang->code, "en") == 0;
    const Page *first = lang->pages;
    int found[6] = {0};
    int in_duration = 0, duration_ok = 0;
    char want[32];
    snprintf(want, sizeof(want), "%d min", c->duration_minutes);
    for (const Block *b = first->blocks; b; b = b->next) {
        if (b->kind == BLOCK_HEADING) {
            char *t = inline_plain_text(b->text);
            assert_non_null(t);
            in_duration = 0;
            for (int i = 0; i < 6; i++)
                if (b->u.heading.level == 2 && strcmp(t, FRONT_HEADINGS[en][i]) == 0) {
                    found[i] = 1;
                    in_duration = i == 2;
                }
            free(t);
        } else if (in_duration && b->text) {
            char *t = inline_plain_text(b->text);
            assert_non_null(t);
            /* "22 min" with an ordinary or a no-break space */
            char nb[40];
            snprintf(nb, sizeof(nb), "%d\xc2\xa0min", c->duration_minutes);
            if (strstr(t, want) || strstr(t, nb))
                duration_ok = 1;
            free(t);
        }
    }
    for (int i = 0; i < 6; i++)
        if (!found[i]) {
            print_error("%s (%s): the front page (%s) has no \"## %s\" heading\n", name,
                        lang->code, first->file, FRONT_HEADINGS[en][i]);
            fail();
        }
    if (!duration_ok) {
        print_error("%s (%s): the front page's \"%s\" section does not say \"%s\" as "
                    "module.xml's <duration> does\n", name, lang->code, FRONT_HEADINGS[en][2],
                    want);
        fail();
    }
}

/* Every module offers the same three roles, the nurse's with one label. */
static void check_roles(const Course *c, const char *name)
{
    static const char *const ids[] = { "physician", "chief", "nurse" };
    for (size_t i = 0; i < 3; i++)
        if (course_role_index(c, ids[i]) < 0) {
            print_error("%s: module.xml has no role '%s' (every module offers physician, "
                        "chief and nurse)\n", name, ids[i]);
            fail();
        }
    int nurse = course_role_index(c, "nurse");
    int fr = course_lang_index(c, "fr");
    assert_true(fr >= 0);
    assert_non_null(c->roles[nurse].label[fr]);
    assert_string_equal(c->roles[nurse].label[fr], "Soignant·e (IDE, cadre de santé)");
}

static void check_adaptation(const Course *c, const CourseLang *lang, const char *name)
{
    unsigned all_roles = (1u << c->nroles) - 1;
    Owners o = { (1u << c->nsettings) - 1, 0, 0 };
    for (const Page *p = lang->pages; p; p = p->next)
        owners_walk(&o, p->blocks, p->audience.roles, p->audience.settings);
    for (int r = 0; r < c->nroles; r++)
        if (!(o.role_scenarios & (1u << r))) {
            print_error("%s (%s): no scenario written for the role '%s' alone (give each "
                        "role its own scenario)\n", name, lang->code, c->roles[r].id);
            fail();
        }
    for (int s = 0; s < c->nsettings; s++)
        if (!(o.setting_scenarios & (1u << s))) {
            print_error("%s (%s): no scenario material for the setting '%s' (a scenario, a "
                        "step or a consequence with settings=%s)\n", name, lang->code,
                        c->settings[s].id, c->settings[s].id);
            fail();
        }
    for (int r = 0; r < c->nroles; r++)
        for (int s = 0; s < c->nsettings; s++) {
            Share sh = { r, s, all_roles, 0, 0 };
            for (const Page *p = lang->pages; p; p = p->next) {
                Audience pa = p->audience;
                if ((pa.roles || pa.settings) && !audience_includes(pa, r, s))
                    continue;
                share_blocks(&sh, p->blocks, pa.roles, pa.settings);
            }
            assert_true(sh.words > 0);
            if (sh.specific * 5 < sh.words) {
                print_error("%s (%s): a %s in %s reads %ld words, of which %ld (%ld %%) are "
                            "written for their role (at least 20 %% are needed)\n", name,
                            lang->code, c->roles[r].id, c->settings[s].id, sh.words,
                            sh.specific, sh.specific * 100 / sh.words);
                fail();
            }
        }
}

static void check_module(const char *name)
{
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/%s", COURSES_DIR, name);
    Diag d = DIAG_INIT;
    Course *c = source_read_module(dir, &d);
    if (d.errors || d.warnings)
        diag_print(&d, stderr);
    assert_non_null(c);
    assert_int_equal(d.errors, 0);
    assert_int_equal(d.warnings, 0);
    diag_release(&d);

    if (strcmp(name, "example-module") != 0) {
        /* The library's editorial bar (the worked example is exempt). */
        assert_int_equal(c->mastery_score, 80);
        check_readme_lists(c);
        assert_in_range(c->duration_minutes, 15, 30);
        check_roles(c, name);
        assert_int_equal(c->nlangs, 2);
        assert_non_null(course_lang(c, "fr"));
        assert_non_null(course_lang(c, "en"));
        assert_true(c->nroles >= 2);
        assert_true(c->nsettings >= 2);
        assert_true(c->nrefs >= 3);
        for (int i = 0; i < c->nrefs; i++) {
            const Reference *r = &c->refs[i];
            if (!r->doi && !r->url) {
                print_error("%s: reference '%s' has neither doi nor url\n", name, r->id);
                fail();
            }
        }
    }

    Buf ids[COURSE_MAX_LANGS];
    for (int l = 0; l < c->nlangs; l++) {
        CourseLang *lang = &c->langs[l];
        buf_init(&ids[l]);
        Counts k = {0};
        for (Page *p = lang->pages; p; p = p->next) {
            course_walk_blocks(p->blocks, count_block, &k);
            collect_ids(p->blocks, &ids[l]);
            if (strcmp(lang->code, "fr") == 0)
                course_walk_blocks(p->blocks, french_block, (void *)p->file);
        }
        if (strcmp(lang->code, "fr") == 0)
            check_french_metadata(lang);
        if (strcmp(name, "example-module") == 0)
            continue;
        if (!has_objectives(lang->pages)) {
            print_error("%s (%s): the first page must state the learning objectives under "
                        "a heading, as a list of at least three\n", name, lang->code);
            fail();
        }
        check_front_page(c, lang, name);
        check_adaptation(c, lang, name);
        assert_in_range(lang->npages, 6, 16);
        assert_in_range(k.questions, 6, 10);
        assert_true(k.scenarios >= 2);
        assert_true(k.branching_scenarios >= 2);
        assert_true(k.scored_scenarios >= 1);
        assert_true(k.images >= 1);
        /* Every learner profile gets enough scored items to be assessed. */
        for (int r = 0; r < c->nroles; r++) {
            for (int s = 0; s < c->nsettings; s++) {
                int n = 0;
                for (Page *p = lang->pages; p; p = p->next)
                    if (audience_includes(p->audience, r, s))
                        n += shown_scored(p->blocks, r, s);
                if (n < 6) {
                    print_error("%s (%s): a %s in %s is shown only %d scored items\n", name,
                                lang->code, c->roles[r].id, c->settings[s].id, n);
                    fail();
                }
            }
        }
    }
    for (int l = 1; l < c->nlangs; l++)
        assert_string_equal(ids[0].data, ids[l].data);
    for (int l = 0; l < c->nlangs; l++)
        buf_release(&ids[l]);
    course_free(c);
}

static void test_courses__module(void **state)
{
    check_module(*state);
}

/* One test per module folder, named after it. */
int main(void)
{
    DIR *dir = opendir(COURSES_DIR);
    if (!dir) {
        fprintf(stderr, "cannot open %s\n", COURSES_DIR);
        return 1;
    }
    struct CMUnitTest tests[64];
    char names[64][256];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(dir)) && n < 64) {
        char path[1024];
        struct stat st;
        snprintf(path, sizeof(path), "%s/%s/module.xml", COURSES_DIR, e->d_name);
        if (e->d_name[0] == '.' || stat(path, &st) != 0)
            continue;
        snprintf(names[n], sizeof(names[n]), "%s", e->d_name);
        tests[n] = (struct CMUnitTest){ names[n], test_courses__module, NULL, NULL, names[n] };
        n++;
    }
    closedir(dir);
    return _cmocka_run_group_tests("courses", tests, n, NULL, NULL);
}
