/* Unit tests of the source reader: small modules written to a temporary
 * folder, read with source_read_module, and the model and messages checked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "buf.h"
#include "course.h"
#include "diag.h"
#include "source.h"
#include "source_md.h"

typedef struct Tmp {
    char dir[64];
} Tmp;

static void tmp_file(Tmp *t, const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", t->dir, name);
    char *slash = strrchr(path, '/');
    if (slash > path + strlen(t->dir)) {
        *slash = '\0';
        mkdir(path, 0755);
        *slash = '/';
    }
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite(text, 1, strlen(text), f);
    fclose(f);
}

/* Writes a valid module.xml for langs ("fr", "en" or "fr en"). */
static void tmp_init(Tmp *t, const char *langs)
{
    strcpy(t->dir, "/tmp/cp-source-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    const char *codes[2] = { "fr", "en" };
    Buf x = BUF_INIT;
    buf_printf(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<module xmlns=\"urn:coursepack:module:1\" id=\"test-module\" "
                   "version=\"1.0.0\">\n  <languages>%s</languages>\n", langs);
    for (int i = 0; i < 2; i++)
        if (strstr(langs, codes[i]))
            buf_printf(&x, "  <title xml:lang=\"%s\">T</title>\n", codes[i]);
    for (int i = 0; i < 2; i++)
        if (strstr(langs, codes[i]))
            buf_printf(&x, "  <description xml:lang=\"%s\">D</description>\n", codes[i]);
    buf_puts(&x, "  <duration minutes=\"10\"/>\n  <mastery score=\"80\"/>\n"
                 "  <author>A. Author</author>\n  <context>\n");
    const char *items[3][2] = { { "role", "physician" }, { "role", "chief" },
                                { "setting", "ed" } };
    for (int k = 0; k < 3; k++) {
        buf_printf(&x, "    <%s id=\"%s\">", items[k][0], items[k][1]);
        for (int i = 0; i < 2; i++)
            if (strstr(langs, codes[i]))
                buf_printf(&x, "<label xml:lang=\"%s\">L</label>", codes[i]);
        buf_printf(&x, "</%s>\n", items[k][0]);
    }
    buf_puts(&x, "  </context>\n  <references>\n"
                 "    <ref id=\"beede2020\" doi=\"10.1145/3313831.3376718\">Beede E. CHI "
                 "2020.</ref>\n  </references>\n</module>\n");
    tmp_file(t, "module.xml", x.data);
    buf_release(&x);
}

static void tmp_release(Tmp *t)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
    assert_int_equal(system(cmd), 0);
}

/* The formatted message containing needle, with the folder name dropped;
 * NULL if none. Static buffer. */
static const char *find_msg(const Diag *d, const Tmp *t, const char *needle)
{
    static char out[1024];
    for (size_t i = 0; i < d->count; i++) {
        char *s = diag_format(&d->msgs[i]);
        if (s && strstr(s, needle)) {
            size_t n = strlen(t->dir);
            const char *p = strncmp(s, t->dir, n) == 0 ? s + n + 1 : s;
            snprintf(out, sizeof(out), "%s", p);
            free(s);
            return out;
        }
        free(s);
    }
    return NULL;
}

static void dump(const Diag *d)
{
    diag_print(d, stderr);
}

static Course *read_ok(Tmp *t, Diag *d)
{
    Course *c = source_read_module(t->dir, d);
    assert_non_null(c);
    if (d->errors)
        dump(d);
    assert_int_equal(d->errors, 0);
    return c;
}

/* ---- the worked example ---------------------------------------------------- */

static void test_source__example_module_reads_clean(void **state)
{
    (void)state;
    Diag d = DIAG_INIT;
    Course *c = source_read_module(TEST_SRCDIR "/courses/example-module", &d);
    assert_non_null(c);
    if (d.count)
        dump(&d);
    assert_int_equal(d.errors, 0);
    assert_int_equal(d.warnings, 0);
    assert_string_equal(c->id, "example-module");
    assert_string_equal(c->version, "1.0.0");
    assert_int_equal(c->nlangs, 2);
    assert_string_equal(c->langs[0].code, "fr");
    assert_string_equal(c->langs[1].code, "en");
    assert_int_equal(c->langs[0].npages, c->langs[1].npages);
    assert_int_equal(c->nroles, 2);
    assert_int_equal(c->nsettings, 2);
    assert_int_equal(c->nrefs, 2);
    assert_int_equal(c->mastery_score, 75);
    assert_non_null(c->authors[0]);
    /* every kind of block is there, in both languages */
    for (int li = 0; li < 2; li++) {
        int kinds[BLOCK_REFERENCES + 1] = {0};
        int qtypes[3] = {0}, scored = 0, unscored = 0, limited_pages = 0;
        for (const Page *p = c->langs[li].pages; p; p = p->next) {
            assert_non_null(p->title);
            limited_pages += p->audience.roles != 0;
            for (const Block *b = p->blocks; b; b = b->next) {
                kinds[b->kind]++;
                if (b->kind == BLOCK_QUESTION)
                    qtypes[b->u.question->type]++;
                if (b->kind == BLOCK_SCENARIO)
                    b->u.scenario->scored ? scored++ : unscored++;
            }
        }
        assert_true(kinds[BLOCK_TABLE] && kinds[BLOCK_IMAGE] && kinds[BLOCK_CALLOUT] &&
                    kinds[BLOCK_GROUP] && kinds[BLOCK_REFLECTION] && kinds[BLOCK_LIST]);
        assert_true(qtypes[0] && qtypes[1] && qtypes[2]);
        assert_true(scored && unscored);
        assert_int_equal(limited_pages, 1);
    }
    course_free(c);
    diag_release(&d);
}

/* ---- Markdown into blocks ---------------------------------------------------- */

static void test_source__markdown_blocks_and_inlines(void **state)
{
    (void)state;
    Tmp t;
    tmp_init(&t, "fr");
    tmp_file(&t, "01-intro.fr.md",
             "# Le titre\n"                                            /* 1 */
             "\n"
             "Du **gras**, de l'*italique*, du `code`, un [lien](https://has-sante.fr)\n"
             "et une [citation](ref:beede2020).  \n"                   /* 4: hard break */
             "Fin.\n"
             "\n"
             "## Section\n"                                            /* 7 */
             "\n"
             "3. trois\n"                                              /* 9 */
             "4. quatre\n"
             "\n"
             "> citée\n"                                               /* 12 */
             "\n"
             "```c\n"                                                  /* 14 */
             "int x;\n"
             "```\n"
             "\n"
             "---\n"
             "\n"
             "| a | b |\n"                                             /* 20 */
             "|:--|--:|\n"
             "| 1 | 2 |\n");
    Diag d = DIAG_INIT;
    Course *c = read_ok(&t, &d);
    Page *p = c->langs[0].pages;
    assert_non_null(p);
    assert_string_equal(p->name, "01-intro");
    assert_string_equal(p->title, "Le titre");
    Block *b = p->blocks;
    assert_int_equal(b->kind, BLOCK_HEADING);
    assert_int_equal(b->u.heading.level, 1);
    assert_int_equal(b->at.line, 1);
    assert_string_equal(b->u.heading.anchor, "h-01-intro");
    b = b->next;
    assert_int_equal(b->kind, BLOCK_PARAGRAPH);
    assert_int_equal(b->at.line, 3);
    const Inline *in = b->text;
    assert_string_equal(in->text, "Du ");
    in = in->next;
    assert_int_equal(in->style, INLINE_STRONG);
    assert_string_equal(in->text, "gras");
    in = in->next->next;
    assert_int_equal(in->style, INLINE_EM);
    assert_string_equal(in->text, "italique");
    in = in->next->next;
    assert_int_equal(in->style, INLINE_CODE);
    assert_string_equal(in->text, "code");
    in = in->next->next;
    assert_int_equal(in->style, INLINE_LINK);
    assert_string_equal(in->href, "https://has-sante.fr");
    assert_string_equal(in->text, "lien");
    in = in->next;
    assert_string_equal(in->text, " et une ");
    in = in->next;
    assert_int_equal(in->style, INLINE_CITE);
    assert_string_equal(in->href, "beede2020");
    in = in->next->next;
    assert_int_equal(in->style, INLINE_BREAK);
    assert_string_equal(in->next->text, "Fin.");
    b = b->next;
    assert_int_equal(b->kind, BLOCK_HEADING);
    assert_int_equal(b->u.heading.level, 2);
    assert_int_equal(b->at.line, 7);
    b = b->next;
    assert_int_equal(b->kind, BLOCK_LIST);
    assert_true(b->u.list.ordered);
    assert_int_equal(b->u.list.start, 3);
    assert_int_equal(b->at.line, 9);
    assert_int_equal(b->children->kind, BLOCK_LIST_ITEM);
    assert_int_equal(b->children->children->kind, BLOCK_PARAGRAPH);
    assert_string_equal(b->children->next->children->text->text, "quatre");
    b = b->next;
    assert_int_equal(b->kind, BLOCK_QUOTE);
    assert_int_equal(b->at.line, 12);
    assert_string_equal(b->children->text->text, "citée");
    b = b->next;
    assert_int_equal(b->kind, BLOCK_CODE);
    assert_string_equal(b->u.code.lang, "c");
    assert_string_equal(b->u.code.literal, "int x;\n");
    assert_int_equal(b->at.line, 14);
    b = b->next;
    assert_int_equal(b->kind, BLOCK_RULE);
    b = b->next;
    assert_int_equal(b->kind, BLOCK_TABLE);
    assert_int_equal(b->at.line, 20);
    Block *row = b->children;
    assert_true(row->u.row.header);
    assert_true(row->children->u.cell.header);
    assert_int_equal(row->children->u.cell.align, ALIGN_LEFT);
    assert_int_equal(row->children->next->u.cell.align, ALIGN_RIGHT);
    row = row->next;
    assert_false(row->u.row.header);
    assert_string_equal(row->children->next->text->text, "2");
    assert_null(b->next);
    course_free(c);
    diag_release(&d);
    tmp_release(&t);
}

static void test_source__fenced_blocks_audience_and_images(void **state)
{
    (void)state;
    Tmp t;
    tmp_init(&t, "fr");
    tmp_file(&t, "img/a.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" "
                              "height=\"20\"><rect width=\"40\" height=\"20\"/></svg>");
    tmp_file(&t, "01-intro.fr.md",
             "```page roles=chief settings=ed\n"                      /* 1 */
             "```\n"
             "\n"
             "# Titre\n"                                               /* 4 */
             "\n"
             "![Un schéma](img/a.svg \"Figure 1\")\n"                  /* 6 */
             "\n"
             "```keyfact title=\"À retenir\" roles=physician\n"        /* 8 */
             "Texte **important**.\n"
             "```\n"
             "\n"
             "```warning\n"                                            /* 12 */
             "Attention.\n"
             "```\n"
             "\n"
             "````only roles=physician,chief\n"                        /* 16 */
             "Pour vous.\n"
             "\n"
             "```keyfact\n"                                            /* 19 */
             "Imbriqué.\n"
             "```\n"
             "````\n"
             "\n"
             "```reflection id=r-one max=300\n"                        /* 24 */
             "Qu'en pensez-vous ?\n"
             "```\n");
    Diag d = DIAG_INIT;
    Course *c = read_ok(&t, &d);
    Page *p = c->langs[0].pages;
    assert_int_equal(p->audience.roles, 1u << 1);
    assert_int_equal(p->audience.settings, 1u << 0);
    Block *b = p->blocks;
    assert_int_equal(b->kind, BLOCK_HEADING);
    assert_int_equal(b->at.line, 4);
    b = b->next;
    assert_int_equal(b->kind, BLOCK_IMAGE);
    assert_int_equal(b->at.line, 6);
    assert_int_equal(b->at.col, 1);
    assert_string_equal(b->u.image.alt, "Un schéma");
    assert_string_equal(b->u.image.source, "img/a.svg");
    assert_string_equal(b->u.image.src, "img/a.png");
    assert_string_equal(b->u.image.caption, "Figure 1");
    assert_true(b->u.image.width > 0 && b->u.image.height > 0);
    b = b->next;
    assert_int_equal(b->kind, BLOCK_CALLOUT);
    assert_int_equal(b->u.callout.kind, CALLOUT_KEYFACT);
    assert_string_equal(b->u.callout.title, "À retenir");
    assert_int_equal(b->audience.roles, 1u << 0);
    assert_int_equal(b->at.line, 8);
    assert_int_equal(b->children->kind, BLOCK_PARAGRAPH);
    assert_int_equal(b->children->at.line, 9);
    assert_int_equal(b->children->text->next->style, INLINE_STRONG);
    b = b->next;
    assert_int_equal(b->u.callout.kind, CALLOUT_WARNING);
    assert_null(b->u.callout.title);
    b = b->next;
    assert_int_equal(b->kind, BLOCK_GROUP);
    assert_int_equal(b->audience.roles, 3u);
    assert_int_equal(b->at.line, 16);
    assert_int_equal(b->children->at.line, 17);
    assert_int_equal(b->children->next->kind, BLOCK_CALLOUT);
    assert_int_equal(b->children->next->at.line, 19);
    assert_int_equal(b->children->next->children->at.line, 20);
    b = b->next;
    assert_int_equal(b->kind, BLOCK_REFLECTION);
    assert_string_equal(b->u.reflection.id, "r-one");
    assert_int_equal(b->u.reflection.max_chars, 300);
    assert_int_equal(b->u.reflection.prompt->at.line, 25);
    course_free(c);
    diag_release(&d);
    tmp_release(&t);
}

static void test_source__question_model(void **state)
{
    (void)state;
    Tmp t;
    tmp_init(&t, "fr");
    tmp_file(&t, "01-intro.fr.md",
             "# Titre\n"
             "\n"
             "```question id=q-one type=multiple weight=3 roles=chief\n"   /* 3 */
             "Quelle **réponse** ?\n"                                      /* 4 */
             "\n"
             "- [x] Première\n"                                            /* 6 */
             "  > Oui, *bien*.\n"                                          /* 7 */
             "- [ ] Deuxième\n"                                            /* 8 */
             "  > Non.\n"
             "  >\n"
             "  > Second paragraphe.\n"                                    /* 11 */
             "- [X] Troisième\n"                                           /* 12 */
             "  > Oui.\n"
             "\n"
             "L'explication.\n"                                            /* 15 */
             "```\n");
    Diag d = DIAG_INIT;
    Course *c = read_ok(&t, &d);
    Block *b = c->langs[0].pages->blocks->next;
    assert_int_equal(b->kind, BLOCK_QUESTION);
    assert_int_equal(b->audience.roles, 1u << 1);
    Question *q = b->u.question;
    assert_string_equal(q->id, "q-one");
    assert_int_equal(q->type, QUESTION_MULTIPLE);
    assert_int_equal(q->weight, 3);
    assert_int_equal(q->at.line, 3);
    assert_int_equal(q->prompt->at.line, 4);
    assert_int_equal(q->prompt->text->next->style, INLINE_STRONG);
    assert_int_equal(q->nchoices, 3);
    Choice *ch = q->choices;
    assert_string_equal(ch->id, "a");
    assert_true(ch->correct);
    assert_string_equal(ch->text->text, "Première");
    assert_int_equal(ch->at.line, 6);
    assert_int_equal(ch->feedback->at.line, 7);
    assert_int_equal(ch->feedback->at.col, 5);
    ch = ch->next;
    assert_string_equal(ch->id, "b");
    assert_false(ch->correct);
    assert_non_null(ch->feedback->next);
    assert_int_equal(ch->feedback->next->at.line, 11);
    ch = ch->next;
    assert_string_equal(ch->id, "c");
    assert_true(ch->correct);
    assert_null(ch->next);
    assert_int_equal(q->explanation->at.line, 15);
    course_free(c);
    diag_release(&d);
    tmp_release(&t);
}

static void test_source__scenario_graph_and_codes(void **state)
{
    (void)state;
    Tmp t;
    tmp_init(&t, "fr");
    Buf md = BUF_INIT;
    buf_puts(&md, "# Titre\n\n```scenario id=sc-big scored=yes weight=2 title=\"Grand\"\n"
                  "# start\nDébut.\n\n");
    for (int i = 0; i < 30; i++)
        buf_printf(&md, "- Choix %d -> end-%d\n  > Conséquence %d.\n", i, i, i);
    for (int i = 0; i < 30; i++)
        buf_printf(&md, "\n# end-%d end=%s\nBilan %d.\n", i, i == 0 ? "correct" : "wrong", i);
    buf_puts(&md, "```\n");
    tmp_file(&t, "01-intro.fr.md", md.data);
    buf_release(&md);
    Diag d = DIAG_INIT;
    Course *c = read_ok(&t, &d);
    Block *b = c->langs[0].pages->blocks->next;
    assert_int_equal(b->kind, BLOCK_SCENARIO);
    Scenario *s = b->u.scenario;
    assert_string_equal(s->id, "sc-big");
    assert_string_equal(s->title, "Grand");
    assert_true(s->scored);
    assert_int_equal(s->weight, 2);
    assert_int_equal(s->nchoices, 30);
    Step *start = s->steps;
    assert_string_equal(start->id, "start");
    assert_int_equal(start->at.line, 4);
    assert_int_equal(start->body->at.line, 5);
    StepChoice *ch = start->choices;
    assert_string_equal(ch->code, "a");
    assert_ptr_equal(ch->target, start->next);
    assert_int_equal(ch->at.line, 7);
    assert_int_equal(ch->consequence->at.line, 8);
    for (int i = 0; i < 26; i++)
        ch = ch->next;
    assert_string_equal(ch->code, "0");
    assert_string_equal(ch->target_id, "end-26");
    assert_string_equal(ch->target->id, "end-26");
    assert_int_equal(start->next->end, END_CORRECT);
    assert_int_equal(start->next->next->end, END_WRONG);
    assert_null(start->next->choices);
    course_free(c);
    diag_release(&d);
    tmp_release(&t);
}

/* ---- messages and their places ------------------------------------------------ */

static void test_source__setting_errors_point_inside_the_info_string(void **state)
{
    (void)state;
    Tmp t;
    tmp_init(&t, "fr");
    tmp_file(&t, "01-intro.fr.md",
             "# Titre\n"
             "\n"
             "```question id=q1 type=mcq colour=red\n"
             "Q ?\n"
             "- [x] A\n"
             "  > a\n"
             "```\n"
             "\n"
             "```keyfact roles=nurse\n"
             "K\n"
             "```\n");
    Diag d = DIAG_INIT;
    Course *c = source_read_module(t.dir, &d);
    assert_non_null(c);
    assert_string_equal(find_msg(&d, &t, "question type"),
                        "01-intro.fr.md:3:24: error: unknown question type 'mcq' (expected "
                        "'single', 'multiple' or 'truefalse')");
    assert_string_equal(find_msg(&d, &t, "colour"),
                        "01-intro.fr.md:3:28: error: unknown setting 'colour' for ```question "
                        "(known settings: id, type, weight, shuffle, fixed, roles, settings)");
    assert_string_equal(find_msg(&d, &t, "nurse"),
                        "01-intro.fr.md:9:18: error: unknown role 'nurse' (declared roles: "
                        "physician, chief; declare it in module.xml <context> or fix the id)");
    course_free(c);
    diag_release(&d);
    tmp_release(&t);
}

static void test_source__languages_are_compared(void **state)
{
    (void)state;
    Tmp t;
    tmp_init(&t, "fr en");
    tmp_file(&t, "01-intro.fr.md",
             "# Titre\n\n```question id=q1 type=single\nQ ?\n\n"
             "- [x] A\n  > a\n- [ ] B\n  > b\n\nE.\n```\n");
    tmp_file(&t, "01-intro.en.md",
             "# Title\n\n```question id=q1 type=single\nQ?\n\n"
             "- [ ] A\n  > a\n- [x] B\n  > b\n\nE.\n```\n");
    tmp_file(&t, "02-more.fr.md", "# Plus\n");
    Diag d = DIAG_INIT;
    Course *c = source_read_module(t.dir, &d);
    assert_non_null(c);
    assert_string_equal(find_msg(&d, &t, "choice a of"),
                        "01-intro.en.md:6:1: error: choice a of question 'q1' is marked wrong [ ] "
                        "here but right [x] in 01-intro.fr.md (the right answers must be the "
                        "same in every language)");
    assert_string_equal(find_msg(&d, &t, "missing page"),
                        "02-more.en.md: error: missing page: no English version of 02-more "
                        "(write 02-more.en.md, translated from 02-more.fr.md)");
    course_free(c);
    diag_release(&d);
    tmp_release(&t);
}

static void test_source__windows_line_ends_and_bom(void **state)
{
    (void)state;
    Tmp t;
    tmp_init(&t, "fr");
    tmp_file(&t, "01-intro.fr.md",
             "\xEF\xBB\xBF# Titre\r\n"
             "\r\n"
             "```scenario id=sc1\r\n"                                     /* 3 */
             "# start\r\n"
             "Texte.\r\n"
             "\r\n"
             "- Aller -> end\r\n"                                          /* 7 */
             "  > Vous y allez.\r\n"
             "\r\n"
             "# end\r\n"
             "Bilan.\r\n"
             "```\r\n"
             "\r\n"
             "Un [lien](ref:unknown).\r\n");                               /* 14 */
    Diag d = DIAG_INIT;
    Course *c = source_read_module(t.dir, &d);
    assert_non_null(c);
    if (d.errors != 1)
        dump(&d);
    assert_int_equal(d.errors, 1);
    assert_string_equal(find_msg(&d, &t, "unknown reference"),
                        "01-intro.fr.md:14:11: error: unknown reference 'unknown' (add <ref "
                        "id=\"unknown\"> to module.xml <references>, or fix the id)");
    Page *p = c->langs[0].pages;
    assert_string_equal(p->title, "Titre");
    assert_int_equal(p->blocks->at.line, 1);
    assert_int_equal(p->blocks->at.col, 1);
    Scenario *sc = p->blocks->next->u.scenario;
    assert_string_equal(sc->steps->id, "start");
    assert_string_equal(sc->steps->choices->target_id, "end");
    assert_ptr_equal(sc->steps->choices->target, sc->steps->next);
    assert_int_equal(sc->steps->choices->at.line, 7);
    course_free(c);
    diag_release(&d);
    tmp_release(&t);
}

static void test_source__big_image_is_a_warning(void **state)
{
    (void)state;
    Tmp t;
    tmp_init(&t, "fr");
    /* a JPEG start and frame header (64x32 pixels), then zeros */
    tmp_file(&t, "img/big.jpg", "\xFF\xD8\xFF\xC0");
    char path0[128];
    snprintf(path0, sizeof(path0), "%s/img/big.jpg", t.dir);
    FILE *jf = fopen(path0, "ab");
    assert_non_null(jf);
    static const unsigned char sof[] = { 0x00, 0x11, 0x08, 0x00, 0x20, 0x00, 0x40, 0x03, 0x01,
                                         0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01 };
    fwrite(sof, 1, sizeof(sof), jf);
    fclose(jf);
    char path[128];
    snprintf(path, sizeof(path), "%s/img/big.jpg", t.dir);
    assert_int_equal(truncate(path, 3 * 1024 * 1024), 0);
    tmp_file(&t, "01-intro.fr.md", "# Titre\n\nTexte.\n\n  ![Une photo](img/big.jpg)\n");
    Diag d = DIAG_INIT;
    Course *c = source_read_module(t.dir, &d);
    assert_non_null(c);
    assert_int_equal(d.errors, 0);
    assert_int_equal(d.warnings, 1);
    assert_string_equal(find_msg(&d, &t, "MB"),
                        "01-intro.fr.md:5:3: warning: image 'img/big.jpg' is 3.0 MB (reduce it "
                        "below 2 MB: it is loaded on slow ward PCs)");
    course_free(c);
    diag_release(&d);
    tmp_release(&t);
}

static void test_source__image_links_and_paths_are_refused(void **state)
{
    (void)state;
    Tmp t;
    tmp_init(&t, "fr");
    char target[128], link[128];
    snprintf(target, sizeof(target), "%s/../outside.png", t.dir);
    snprintf(link, sizeof(link), "%s/img", t.dir);
    assert_int_equal(mkdir(link, 0755), 0);
    snprintf(link, sizeof(link), "%s/img/link.png", t.dir);
    assert_int_equal(symlink(target, link), 0);
    tmp_file(&t, "01-intro.fr.md", "# Titre\n\n![Lien](img/link.png)\n\n![Loin](/etc/x.png)\n");
    Diag d = DIAG_INIT;
    Course *c = source_read_module(t.dir, &d);
    assert_non_null(c);
    assert_int_equal(d.errors, 2);
    assert_string_equal(find_msg(&d, &t, "symbolic"),
                        "01-intro.fr.md:3:1: error: image 'img/link.png' is a symbolic link (copy "
                        "the file itself into the module folder)");
    assert_string_equal(find_msg(&d, &t, "leaves"),
                        "01-intro.fr.md:5:1: error: image path '/etc/x.png' leaves the module "
                        "folder (put the file in img/ and write img/name.png)");
    course_free(c);
    diag_release(&d);
    tmp_release(&t);
}

/* ---- robustness ------------------------------------------------------------------ */

static void test_source__hostile_pages_do_not_crash(void **state)
{
    (void)state;
    Tmp t;
    tmp_init(&t, "fr");
    /* deeply nested list and quotes, a huge line, garbage, an empty page */
    Buf md = BUF_INIT;
    buf_puts(&md, "# Titre\n\n");
    for (int i = 0; i < 1000; i++) {
        for (int k = 0; k < i * 2 && k < 600; k++)
            buf_putc(&md, ' ');
        buf_puts(&md, "- x\n");
    }
    for (int i = 0; i < 5000; i++)
        buf_putc(&md, '>');
    buf_puts(&md, " q\n\n");
    for (int i = 0; i < 1000000; i++)
        buf_putc(&md, "ab *[`"[i % 6]);
    buf_puts(&md, "\n\n```question id=q1 type=single\n- [x] open fence\n");
    tmp_file(&t, "01-a.fr.md", md.data);
    buf_release(&md);
    tmp_file(&t, "02-b.fr.md", "");
    char garbage[4096];
    unsigned x = 12345;
    for (size_t i = 0; i + 1 < sizeof(garbage); i++) {
        x = x * 1103515245u + 12345u;
        garbage[i] = (char)((x >> 16) | 1);
    }
    garbage[sizeof(garbage) - 1] = '\0';
    tmp_file(&t, "03-c.fr.md", garbage);
    Diag d = DIAG_INIT;
    Course *c = source_read_module(t.dir, &d);
    assert_non_null(c);
    assert_true(d.errors > 0);
    assert_non_null(find_msg(&d, &t, "01-a.fr.md:1007:1: error: unterminated ```question"));
    assert_non_null(find_msg(&d, &t, "nested more than 64 levels"));
    assert_non_null(find_msg(&d, &t, "01-a.fr.md:1005:1: error: line of 1000000 bytes (break "
                                     "it into lines of at most 100000"));
    assert_non_null(find_msg(&d, &t, "02-b.fr.md:1:1: error: page has no title"));
    assert_non_null(find_msg(&d, &t, "03-c.fr.md:1:"));
    assert_non_null(find_msg(&d, &t, "invalid UTF-8"));
    course_free(c);
    diag_release(&d);
    tmp_release(&t);
}

static void test_source__no_module_xml_gives_null(void **state)
{
    (void)state;
    Tmp t;
    strcpy(t.dir, "/tmp/cp-source-XXXXXX");
    assert_non_null(mkdtemp(t.dir));
    Diag d = DIAG_INIT;
    assert_null(source_read_module(t.dir, &d));
    assert_int_equal(d.errors, 1);
    assert_non_null(find_msg(&d, &t, "module.xml: error: cannot read module.xml: No such file"));
    diag_release(&d);
    tmp_release(&t);
}

/* md4c 0.4.8 reads one byte past the text it is given (hardening finding 8,
 * seed md4c-huge-text-size.md): the page reader must work on a buffer with
 * nothing after it, as its header promises. The text ends right before an
 * inaccessible page, so any read past its end crashes the test (md4c is not
 * instrumented by ASan, so only a guard page catches it). */
static void test_source__page_text_is_not_read_past_its_end(void **state)
{
    (void)state;
    FILE *f = fopen(TEST_SRCDIR "/tests/fuzz/seeds/fuzz_source_md/md4c-huge-text-size.md", "rb");
    assert_non_null(f);
    char tmp[4096];
    size_t n = fread(tmp, 1, sizeof(tmp), f);
    fclose(f);
    assert_true(n > 0);
    long pagesize = sysconf(_SC_PAGESIZE);
    char *map = mmap(NULL, (size_t)pagesize * 2, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(map != MAP_FAILED);
    assert_int_equal(mprotect(map + pagesize, (size_t)pagesize, PROT_NONE), 0);
    char *exact = map + pagesize - n;   /* the guard page follows the last byte */
    memcpy(exact, tmp, n);
    Course *c = course_new();
    Diag d = DIAG_INIT;
    SourceMd m = { .c = c, .d = &d, .dir = "/nonexistent", .meta_ok = 0 };
    Page *p = source_md_read_page(&m, "01-x.en.md", "01-x", exact, n);
    assert_non_null(p);
    munmap(map, (size_t)pagesize * 2);
    diag_release(&d);
    course_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_source__example_module_reads_clean),
        cmocka_unit_test(test_source__markdown_blocks_and_inlines),
        cmocka_unit_test(test_source__fenced_blocks_audience_and_images),
        cmocka_unit_test(test_source__question_model),
        cmocka_unit_test(test_source__scenario_graph_and_codes),
        cmocka_unit_test(test_source__setting_errors_point_inside_the_info_string),
        cmocka_unit_test(test_source__languages_are_compared),
        cmocka_unit_test(test_source__windows_line_ends_and_bom),
        cmocka_unit_test(test_source__big_image_is_a_warning),
        cmocka_unit_test(test_source__image_links_and_paths_are_refused),
        cmocka_unit_test(test_source__hostile_pages_do_not_crash),
        cmocka_unit_test(test_source__no_module_xml_gives_null),
        cmocka_unit_test(test_source__page_text_is_not_read_past_its_end),
    };
    return cmocka_run_group_tests_name("source", tests, NULL, NULL);
}
