/* The writer and the reader agree: every module of courses/ and of
 * tests/fixtures/, read from its sources, written by html_write in each of its
 * languages and read back by page_read, gives the same pages and the same
 * blocks (kinds, text and styles, audiences, questions, scenarios,
 * reflections, tables, images, callouts). Both sides are dumped into one
 * canonical text and compared; a difference is shown with the lines around it.
 * The written pages, together, must also carry every name markup.h says the
 * writer writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "html_write.h"
#include "markup.h"
#include "msg.h"
#include "page_read.h"
#include "source.h"

/* ---- the canonical dump ----------------------------------------------------- */

/* Inline runs as "text" with style marks; white space collapsed and runs of
 * one style merged, which is all the writer/reader pair may change. */
static void dump_inlines(Buf *o, const Inline *in)
{
    unsigned style = 0;
    const char *href = NULL;
    int open = 0, space = 0;
    for (; in; in = in->next) {
        if (in->style & INLINE_BREAK) {
            if (open)
                buf_puts(o, "}");
            open = 0;
            space = 0;
            buf_puts(o, "<br>");
            continue;
        }
        unsigned st = in->style;
        const char *h = (st & (INLINE_LINK | INLINE_CITE)) ? in->href : NULL;
        if (!open || st != style || (h != href && (!h || !href || strcmp(h, href) != 0))) {
            if (open)
                buf_puts(o, "}");
            buf_printf(o, "{%u%s%s:", st, h ? "@" : "", h ? h : "");
            style = st;
            href = h;
            open = 1;
        }
        for (const char *p = in->text; *p; p++) {
            if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
                space = 1;
                continue;
            }
            if (space && o->len && o->data[o->len - 1] != ':')
                buf_putc(o, ' ');
            space = 0;
            buf_putc(o, *p);
        }
    }
    if (open)
        buf_puts(o, "}");
}

static void dump_blocks(Buf *o, const Block *b, int depth, MsgLang lang);

static void line(Buf *o, int depth)
{
    buf_printf(o, "\n%*s", depth * 2, "");
}

static void dump_block(Buf *o, const Block *b, int depth, MsgLang lang)
{
    line(o, depth);
    buf_printf(o, "#%d", b->kind);
    if (b->audience.roles || b->audience.settings)
        buf_printf(o, " for%u/%u", b->audience.roles, b->audience.settings);
    buf_puts(o, " ");
    dump_inlines(o, b->text);
    switch (b->kind) {
    case BLOCK_HEADING:
        buf_printf(o, " h%d", b->u.heading.level);
        break;
    case BLOCK_LIST:
        buf_printf(o, " ordered%d", b->u.list.ordered);
        if (b->u.list.ordered)
            buf_printf(o, " start%d", b->u.list.start > 1 ? b->u.list.start : 1);
        break;
    case BLOCK_CODE: {
        const char *lit = b->u.code.literal ? b->u.code.literal : "";
        size_t n = strlen(lit);
        while (n && lit[n - 1] == '\n')
            n--;
        buf_printf(o, " code[%.*s]", (int)n, lit);
        break;
    }
    case BLOCK_TABLE_ROW:
        buf_printf(o, " header%d", b->u.row.header);
        break;
    case BLOCK_TABLE_CELL:
        buf_printf(o, " align%d th%d", b->u.cell.align, b->u.cell.header);
        break;
    case BLOCK_IMAGE: {
        const Image *im = &b->u.image;
        buf_printf(o, " img[%s|%s|%s]", im->src ? im->src : im->source, im->alt ? im->alt : "",
                   im->caption ? im->caption : "");
        break;
    }
    case BLOCK_CALLOUT: {
        const char *t = b->u.callout.title;
        if (!t)     /* the writer's default title, which the reader reads */
            t = msg_get(lang, b->u.callout.kind == CALLOUT_WARNING ? MSG_DOC_WARNING
                                                                   : MSG_DOC_KEYFACT);
        buf_printf(o, " callout%d[%s]", b->u.callout.kind, t);
        break;
    }
    case BLOCK_QUESTION: {
        const Question *q = b->u.question;
        buf_printf(o, " question %s %s w%d%s", q->id, markup_question_type(q->type), q->weight,
                   q->keep_order ? " in-order" : "");
        dump_blocks(o, q->prompt, depth + 1, lang);
        for (const Choice *c = q->choices; c; c = c->next) {
            line(o, depth + 1);
            buf_printf(o, "choice %s%s%s ", c->id, c->correct ? " right" : "",
                       c->fixed ? " fixed" : "");
            dump_inlines(o, c->text);
            dump_blocks(o, c->feedback, depth + 2, lang);
        }
        line(o, depth + 1);
        buf_puts(o, "explanation");
        dump_blocks(o, q->explanation, depth + 2, lang);
        break;
    }
    case BLOCK_SCENARIO: {
        const Scenario *s = b->u.scenario;
        /* no title: the writer's default one, which the reader reads */
        buf_printf(o, " scenario %s [%s] %s", s->id,
                   s->title ? s->title : msg_get(lang, MSG_DOC_SCENARIO),
                   s->scored ? "scored" : "unscored");
        if (s->scored)
            buf_printf(o, " w%d", s->weight);
        if (s->keep_order)
            buf_puts(o, " in-order");
        for (const Step *st = s->steps; st; st = st->next) {
            line(o, depth + 1);
            buf_printf(o, "step %s %s", st->id, markup_end(st->end) ? markup_end(st->end) : "-");
            dump_blocks(o, st->body, depth + 2, lang);
            for (const StepChoice *c = st->choices; c; c = c->next) {
                line(o, depth + 2);
                buf_printf(o, "go %s -> %s ", c->code,
                           c->target && c->target->id ? c->target->id : c->target_id);
                dump_inlines(o, c->text);
                dump_blocks(o, c->consequence, depth + 3, lang);
            }
        }
        break;
    }
    case BLOCK_REFLECTION:
        buf_printf(o, " reflection %s max%d", b->u.reflection.id,
                   b->u.reflection.max_chars > 0 ? b->u.reflection.max_chars : 500);
        dump_blocks(o, b->u.reflection.prompt, depth + 1, lang);
        break;
    default:
        break;
    }
    dump_blocks(o, b->children, depth + 1, lang);
}

static void dump_blocks(Buf *o, const Block *b, int depth, MsgLang lang)
{
    for (; b; b = b->next)
        if (b->kind != BLOCK_REFERENCES)    /* a placeholder: the bibliography is a page */
            dump_block(o, b, depth, lang);
}

static int generated_page(const char *name)
{
    return strcmp(name, markup(MV_PAGE_CONTEXT)) == 0 ||
           strcmp(name, markup(MV_PAGE_REFERENCES)) == 0 ||
           strcmp(name, markup(MV_PAGE_SUMMARY)) == 0;
}

static char *dump_pages(const Page *p, MsgLang lang)
{
    Buf o = BUF_INIT;
    for (; p; p = p->next) {
        if (generated_page(p->name))
            continue;
        buf_printf(&o, "\n== page %s [%s] for%u/%u", p->name, p->title ? p->title : "",
                   p->audience.roles, p->audience.settings);
        dump_blocks(&o, p->blocks, 1, lang);
    }
    char *s = buf_detach(&o, NULL);
    assert_non_null(s);
    return s;
}

/* Fails with the first differing line and its neighbours. */
static void assert_same_dump(const char *what, const char *want, const char *got)
{
    if (strcmp(want, got) == 0)
        return;
    size_t i = 0, line_start = 0;
    int lineno = 1;
    while (want[i] && want[i] == got[i]) {
        if (want[i] == '\n') {
            line_start = i + 1;
            lineno++;
        }
        i++;
    }
    size_t from = line_start;
    for (int k = 0; k < 3 && from > 0; k++) {
        from--;
        while (from > 0 && want[from - 1] != '\n')
            from--;
    }
    fprintf(stderr, "%s: written then read back differs at line %d\n--- source:\n%.600s\n"
            "--- read back:\n%.600s\n", what, lineno, want + from, got + from);
    fail_msg("%s: html_write and page_read disagree", what);
}

/* ---- the corpus --------------------------------------------------------------- */

static int is_module(const char *dir)
{
    char p[1400];
    struct stat st;
    return snprintf(p, sizeof(p), "%s/module.xml", dir) < (int)sizeof(p) && stat(p, &st) == 0;
}

/* The chooser's label in a language: that language's, else another's, else
 * the id (docs/package-format.md). */
static const char *label_in(const ContextItem *it, int lang)
{
    if (it->label[lang])
        return it->label[lang];
    for (int i = 0; i < COURSE_MAX_LANGS; i++)
        if (it->label[i])
            return it->label[i];
    return it->id;
}

/* Written pages seen so far, for the coverage of the writer's names. */
static Buf written = BUF_INIT;

static int round_trip_module(const char *dir)
{
    Diag d = DIAG_INIT;
    Course *src = source_read_module(dir, &d);
    if (!src || d.errors) {
        diag_print(&d, stderr);
        fail_msg("%s does not read cleanly", dir);
    }
    for (int lang = 0; lang < src->nlangs; lang++) {
        for (int ed = SCORM_12; ed <= SCORM_CMI5; ed++) {
            Buf html = BUF_INIT;
            assert_int_equal(html_write_index(src, lang, (ScormEdition)ed, &html, &d), 0);
            buf_append(&written, html.data, html.len);
            Course *back = course_new();
            assert_non_null(back);
            PageDoc doc;
            Diag rd = DIAG_INIT;
            assert_int_equal(page_read(back, "index.html", html.data, html.len, &doc, &rd), 0);
            if (rd.count) {
                diag_print(&rd, stderr);
                fail_msg("%s (%s): page_read warns about what html_write wrote", dir,
                         src->langs[lang].code);
            }
            assert_true(doc.ours);
            assert_int_equal(doc.scorm, (ScormEdition)ed);
            assert_string_equal(back->id, src->id);
            assert_string_equal(back->version, src->version);
            assert_int_equal(back->mastery_score, src->mastery_score);
            assert_int_equal(back->nroles, src->nroles);
            assert_int_equal(back->nsettings, src->nsettings);
            for (int i = 0; i < src->nroles; i++) {
                assert_string_equal(back->roles[i].id, src->roles[i].id);
                assert_string_equal(back->roles[i].label[0], label_in(&src->roles[i], lang));
            }
            for (int i = 0; i < src->nsettings; i++) {
                assert_string_equal(back->settings[i].id, src->settings[i].id);
                assert_string_equal(back->settings[i].label[0], label_in(&src->settings[i], lang));
            }
            assert_string_equal(doc.lang->code, src->langs[lang].code);
            MsgLang ml = msg_lang(src->langs[lang].code, MSG_LANG_EN);
            char *want = dump_pages(src->langs[lang].pages, ml);
            char *got = dump_pages(doc.lang->pages, ml);
            char what[1300];
            snprintf(what, sizeof(what), "%s (%s, %s)", dir, src->langs[lang].code,
                     ed == SCORM_12 ? "SCORM 1.2" : ed == SCORM_2004 ? "SCORM 2004" : "cmi5");
            assert_same_dump(what, want, got);
            free(want);
            free(got);
            diag_release(&rd);
            course_free(back);
            buf_release(&html);
        }
    }
    diag_release(&d);
    course_free(src);
    return 1;
}

static int round_trip_folder(const char *parent)
{
    DIR *dir = opendir(parent);
    if (!dir)
        fail_msg("cannot list %s", parent);
    char *names[256];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dir)) && n < 256)
        if (e->d_name[0] != '.')
            names[n++] = strdup(e->d_name);
    closedir(dir);
    int modules = 0;
    for (int i = 0; i < n; i++) {
        char path[1200];
        if (snprintf(path, sizeof(path), "%s/%s", parent, names[i]) >= (int)sizeof(path))
            fail_msg("path too long under %s", parent);
        if (is_module(path))
            modules += round_trip_module(path);
        free(names[i]);
    }
    return modules;
}

static void test_round_trip__every_course_module(void **state)
{
    (void)state;
    assert_true(round_trip_folder(TEST_SRCDIR "/courses") >= 7);
}

static void test_round_trip__test_fixtures(void **state)
{
    (void)state;
    assert_true(round_trip_folder(TEST_SRCDIR "/tests/fixtures") >= 1);
}

/* Together, the pages of the corpus carry every name the writer writes. */
static void test_round_trip__writer_names_all_used(void **state)
{
    (void)state;
    assert_true(written.len > 0);
    int missing = 0;
    for (int k = 0; k < MARKUP_COUNT; k++) {
        const MarkupEntry *e = &markup_table[k];
        if (!(e->uses & MK_WRITE))
            continue;
        char a[128], b[128];
        switch (e->kind) {
        case MARKUP_ATTR:
            snprintf(a, sizeof(a), " %s", e->text);
            snprintf(b, sizeof(b), "%s", a);
            break;
        case MARKUP_CLASS:
            snprintf(a, sizeof(a), "\"%s", e->text);   /* first class, or a later one */
            snprintf(b, sizeof(b), " %s\"", e->text);
            break;
        case MARKUP_ID:
        case MARKUP_NAME:
        case MARKUP_VALUE:
        default:
            snprintf(a, sizeof(a), "\"%s", e->text);
            snprintf(b, sizeof(b), "#%s", e->text);
            break;
        }
        if (!strstr(written.data, a) && !strstr(written.data, b)) {
            fprintf(stderr, "no written page carries '%s', which markup.h says html_write "
                    "writes (add it to a fixture, or correct the table)\n", e->text);
            missing++;
        }
    }
    buf_release(&written);
    assert_int_equal(missing, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip__every_course_module),
        cmocka_unit_test(test_round_trip__test_fixtures),
        cmocka_unit_test(test_round_trip__writer_names_all_used),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
