/* Tests over the course library (courses/): every module meets the
 * editorial bar of the course-library issue — objectives, references,
 * scenarios, question count, feedback, alt text, both languages alike, French
 * typography — so a module that slips fails the build, not a learner. */
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
        assert_in_range(c->duration_minutes, 15, 25);
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
        assert_in_range(lang->npages, 6, 12);
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
