/* Unit tests of page_read: our markup contract (docs/package-format.md) and
 * third-party HTML into blocks; hostile pages stay bounded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "course.h"
#include "diag.h"
#include "page_read.h"

static const char OURS[] =
    "<!DOCTYPE html>\n"
    "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"fr\" xml:lang=\"fr\">\n"
    "<head><meta charset=\"utf-8\"/><title>L'outil n'est jamais neutre</title>\n"
    "<style>body{color:red}</style></head>\n"
    "<body class=\"cp\" data-cp-module=\"ai-never-neutral\" data-cp-version=\"1.2.0\"\n"
    "      data-cp-lang=\"fr\" data-cp-mastery=\"80\" data-cp-scorm=\"12\"\n"
    "      data-cp-roles=\"physician,chief\" data-cp-settings=\"ed,imaging\"\n"
    "      data-cp-text-next=\"Suivant\" data-cp-text-submit=\"Valider\">\n"
    "<main id=\"cp-main\">\n"
    "<section class=\"cp-page cp-context\" data-cp-page=\"_context\">\n"
    "<h1>Votre contexte</h1>\n"
    "<form class=\"cp-context-form\">\n"
    "<input type=\"radio\" name=\"cp-role\" id=\"r1\" value=\"physician\"/>"
    "<label for=\"r1\">Médecin</label>\n"
    "<label><input type=\"radio\" name=\"cp-role\" value=\"chief\"/>Chef de service</label>\n"
    "<input type=\"radio\" name=\"cp-setting\" id=\"s1\" value=\"ed\"/>"
    "<label for=\"s1\">Urgences</label>\n"
    "<button type=\"submit\">OK</button></form>\n"
    "</section>\n"
    "<section class=\"cp-page\" id=\"page-01-intro\" data-cp-page=\"01-intro\"\n"
    "         data-cp-roles=\"chief\" aria-labelledby=\"h-01-intro\">\n"
    "<h1 id=\"h-01-intro\">Introduction</h1>\n"
    "<p>Une IA <strong>précise</strong> peut <em>échouer</em> en <code>service</code>,\n"
    "   voir <a href=\"https://example.org/x\" rel=\"noopener\">le rapport</a>"
    " <a class=\"cp-cite\" href=\"#ref-beede2020\">[1]</a>.</p>\n"
    "<ul><li>un</li><li><p>deux</p><ol start=\"3\"><li>trois</li></ol></li></ul>\n"
    "<blockquote><p>Citation</p></blockquote>\n"
    "<table><thead><tr><th>A</th><th style=\"text-align: right\">B</th></tr></thead>\n"
    "<tbody><tr><td>1</td><td>2</td></tr></tbody></table>\n"
    "<figure class=\"cp-figure\"><img src=\"img/workflow.png\" alt=\"Schéma\" width=\"800\""
    " height=\"450\"/><figcaption>Figure 1 — Le parcours</figcaption></figure>\n"
    "<aside class=\"cp-callout cp-warning\" role=\"note\" aria-label=\"Attention\">\n"
    "<p class=\"cp-callout-title\">Attention</p><p>Relire.</p></aside>\n"
    "<div class=\"cp-only\" data-cp-roles=\"chief\" data-cp-settings=\"imaging\">"
    "<p>Pour les chefs.</p></div>\n"
    "<pre><code>\nline 1\n  line 2\n</code></pre>\n"
    "<script>document.write('never')</script>\n"
    "</section>\n"
    "<section class=\"cp-page\" data-cp-page=\"02-quiz\">\n"
    "<h1>Quiz</h1>\n"
    "<form class=\"cp-question\" id=\"q-lab\" data-cp-question=\"q-lab\"\n"
    "      data-cp-type=\"multiple\" data-cp-weight=\"2\" data-cp-correct=\"a,c\"\n"
    "      data-cp-roles=\"physician\">\n"
    "<div class=\"cp-prompt\" id=\"q-lab-prompt\"><p>Que conclure ?</p><p>Deux.</p></div>\n"
    "<fieldset aria-labelledby=\"q-lab-prompt\">\n"
    "<div class=\"cp-choice\" data-cp-choice=\"a\"><input type=\"checkbox\" name=\"q-lab\""
    " id=\"q-lab-a\" value=\"a\"/><label for=\"q-lab-a\">Rien <em>du tout</em></label>\n"
    "<div class=\"cp-feedback\" data-cp-feedback=\"a\" hidden=\"hidden\"><p>Oui.</p></div></div>\n"
    "<div class=\"cp-choice\" data-cp-choice=\"b\"><input type=\"checkbox\" name=\"q-lab\""
    " id=\"q-lab-b\" value=\"b\"/><label for=\"q-lab-b\">Tout</label>\n"
    "<div class=\"cp-feedback\" data-cp-feedback=\"b\" hidden=\"hidden\"><p>Non.</p></div></div>\n"
    "<div class=\"cp-choice\" data-cp-choice=\"c\"><input type=\"checkbox\" name=\"q-lab\""
    " id=\"q-lab-c\" value=\"c\"/><label for=\"q-lab-c\">Tester</label>\n"
    "<div class=\"cp-feedback\" data-cp-feedback=\"c\" hidden=\"hidden\"><p>Oui !</p></div></div>\n"
    "</fieldset>\n"
    "<div class=\"cp-explanation\" hidden=\"hidden\"><p>Parce que.</p></div>\n"
    "<button type=\"submit\" class=\"cp-submit\">Valider</button>\n"
    "<p class=\"cp-result\" role=\"status\" aria-live=\"polite\"></p>\n"
    "</form>\n"
    "<div class=\"cp-scenario\" id=\"sc-night\" data-cp-scenario=\"sc-night\"\n"
    "     data-cp-scored=\"true\" data-cp-weight=\"3\" data-cp-best=\"a\">\n"
    "<h2 class=\"cp-scenario-title\">Nuit</h2>\n"
    "<div class=\"cp-step\" data-cp-step=\"start\"><p>Il est 3 h.</p>\n"
    "<ul class=\"cp-step-choices\">\n"
    "<li><button type=\"button\" class=\"cp-step-choice\" data-cp-choice=\"a\""
    " data-cp-target=\"exam\">Examiner</button>\n"
    "<div class=\"cp-consequence\" data-cp-consequence=\"a\" hidden=\"hidden\"><p>Bien.</p>"
    "</div></li>\n"
    "<li><button type=\"button\" class=\"cp-step-choice\" data-cp-choice=\"b\""
    " data-cp-target=\"nowhere\">Attendre</button>\n"
    "<div class=\"cp-consequence\" data-cp-consequence=\"b\" hidden=\"hidden\"><p>Hmm.</p>"
    "</div></li>\n"
    "</ul></div>\n"
    "<div class=\"cp-step cp-end\" data-cp-step=\"exam\" data-cp-end=\"correct\" hidden=\"hidden\">"
    "<p>Débrief.</p></div>\n"
    "<button type=\"button\" class=\"cp-restart\" hidden=\"hidden\">Recommencer</button>\n"
    "</div>\n"
    "<form class=\"cp-reflection\" data-cp-reflection=\"r-my\">\n"
    "<label for=\"r-my-text\">Et chez vous ?</label>\n"
    "<div class=\"cp-reflection-prompt\"><p>Et chez <strong>vous</strong> ?</p></div>\n"
    "<textarea id=\"r-my-text\" maxlength=\"300\" rows=\"5\"></textarea>\n"
    "<button type=\"submit\">Enregistrer</button></form>\n"
    "</section>\n"
    "<section class=\"cp-page cp-summary\" data-cp-page=\"_summary\">"
    "<h1>Bilan</h1><div class=\"cp-summary-body\" role=\"status\"></div></section>\n"
    "</main>\n"
    "<nav class=\"cp-nav\" aria-label=\"Navigation\"><button class=\"cp-prev\">Précédent"
    "</button></nav>\n"
    "<script src=\"runtime/cp-runtime.js\"></script>\n"
    "</body></html>\n";

typedef struct Fixture {
    Course *c;
    Diag d;
    PageDoc doc;
} Fixture;

static int read_str(Fixture *f, const char *html, size_t len)
{
    f->c = course_new();
    assert_non_null(f->c);
    memset(&f->d, 0, sizeof(f->d));
    return page_read(f->c, "pkg/index.html", html, len, &f->doc, &f->d);
}

static void fixture_release(Fixture *f)
{
    course_free(f->c);
    diag_release(&f->d);
}

static char *text_of(const Inline *in)
{
    static char buf[4096];
    char *t = inline_plain_text(in);
    assert_non_null(t);
    snprintf(buf, sizeof(buf), "%s", t);
    free(t);
    return buf;
}

/* The page named name (data-cp-page) in lang, or NULL: the player walks the
 * list the same way. */
static const Page *find_page(const CourseLang *lang, const char *name)
{
    for (const Page *p = lang ? lang->pages : NULL; p; p = p->next)
        if (p->name && strcmp(p->name, name) == 0)
            return p;
    return NULL;
}

static const Block *nth(const Block *b, int n)
{
    while (b && n-- > 0)
        b = b->next;
    assert_non_null(b);
    return b;
}

static int count(const Block *b)
{
    int n = 0;
    for (; b; b = b->next)
        n++;
    return n;
}

static void test_page_read__document_attributes(void **state)
{
    (void)state;
    Fixture f;
    assert_int_equal(read_str(&f, OURS, sizeof(OURS) - 1), 0);
    assert_int_equal(f.d.errors, 0);
    assert_true(f.doc.ours);
    assert_int_equal(f.doc.scorm, SCORM_12);
    assert_string_equal(f.c->id, "ai-never-neutral");
    assert_string_equal(f.c->version, "1.2.0");
    assert_int_equal(f.c->mastery_score, 80);
    assert_int_equal(f.c->nlangs, 1);
    assert_string_equal(f.doc.lang->code, "fr");
    assert_string_equal(f.doc.lang->title, "L'outil n'est jamais neutre");
    assert_int_equal(f.c->nroles, 2);
    assert_string_equal(f.c->roles[1].id, "chief");
    assert_string_equal(f.c->roles[0].label[0], "Médecin");
    assert_string_equal(f.c->roles[1].label[0], "Chef de service");
    assert_int_equal(f.c->nsettings, 2);
    assert_string_equal(f.c->settings[0].label[0], "Urgences");
    assert_null(f.c->settings[1].label[0]);
    assert_string_equal(page_doc_text(&f.doc, "next", "Next"), "Suivant");
    assert_string_equal(page_doc_text(&f.doc, "prev", "Previous"), "Previous");
    assert_int_equal(f.doc.lang->npages, 4);
    const Page *p = f.doc.lang->pages;
    assert_string_equal(p->name, "_context");
    assert_string_equal(p->next->name, "01-intro");
    assert_string_equal(p->next->title, "Introduction");
    assert_int_equal(p->next->audience.roles, 2u);
    assert_string_equal(p->next->next->next->name, "_summary");
    assert_non_null(find_page(f.doc.lang, "02-quiz"));
    assert_null(find_page(f.doc.lang, "03-none"));
    fixture_release(&f);
}

static void test_page_read__ordinary_content(void **state)
{
    (void)state;
    Fixture f;
    assert_int_equal(read_str(&f, OURS, sizeof(OURS) - 1), 0);
    const Page *p = find_page(f.doc.lang, "01-intro");
    const Block *b = p->blocks;
    assert_int_equal(count(b), 9);
    assert_int_equal(b->kind, BLOCK_HEADING);
    assert_int_equal(b->u.heading.level, 1);
    assert_string_equal(b->u.heading.anchor, "h-01-intro");

    const Block *para = nth(b, 1);
    assert_int_equal(para->kind, BLOCK_PARAGRAPH);
    assert_string_equal(text_of(para->text),
                        "Une IA précise peut échouer en service, voir le rapport [1].");
    const Inline *in = para->text;
    assert_string_equal(in->text, "Une IA ");
    assert_int_equal(in->next->style, INLINE_STRONG);
    assert_string_equal(in->next->text, "précise");
    assert_int_equal(in->next->next->next->style, INLINE_EM);
    const Inline *link = NULL, *cite = NULL, *code = NULL;
    for (const Inline *k = in; k; k = k->next) {
        if (k->style & INLINE_LINK)
            link = k;
        if (k->style & INLINE_CITE)
            cite = k;
        if (k->style & INLINE_CODE)
            code = k;
    }
    assert_non_null(link);
    assert_string_equal(link->href, "https://example.org/x");
    assert_string_equal(link->text, "le rapport");
    assert_non_null(cite);
    assert_string_equal(cite->href, "beede2020");
    assert_string_equal(code->text, "service");
    assert_int_equal(para->at.line, 21);
    assert_string_equal(para->at.file, "pkg/index.html");

    const Block *list = nth(b, 2);
    assert_int_equal(list->kind, BLOCK_LIST);
    assert_false(list->u.list.ordered);
    assert_int_equal(count(list->children), 2);
    const Block *item2 = nth(list->children, 1);
    assert_int_equal(item2->kind, BLOCK_LIST_ITEM);
    assert_string_equal(text_of(item2->children->text), "deux");
    const Block *sub = nth(item2->children, 1);
    assert_int_equal(sub->kind, BLOCK_LIST);
    assert_true(sub->u.list.ordered);
    assert_int_equal(sub->u.list.start, 3);

    const Block *quote = nth(b, 3);
    assert_int_equal(quote->kind, BLOCK_QUOTE);
    assert_string_equal(text_of(quote->children->text), "Citation");

    const Block *table = nth(b, 4);
    assert_int_equal(table->kind, BLOCK_TABLE);
    assert_int_equal(count(table->children), 2);
    assert_true(table->children->u.row.header);
    assert_false(table->children->next->u.row.header);
    assert_int_equal(nth(table->children->children, 1)->u.cell.align, ALIGN_RIGHT);
    assert_string_equal(text_of(nth(table->children->next->children, 1)->text), "2");

    const Block *img = nth(b, 5);
    assert_int_equal(img->kind, BLOCK_IMAGE);
    assert_string_equal(img->u.image.src, "img/workflow.png");
    assert_string_equal(img->u.image.alt, "Schéma");
    assert_string_equal(img->u.image.caption, "Figure 1 — Le parcours");
    assert_int_equal(img->u.image.width, 800);
    assert_int_equal(img->u.image.height, 450);

    const Block *callout = nth(b, 6);
    assert_int_equal(callout->kind, BLOCK_CALLOUT);
    assert_int_equal(callout->u.callout.kind, CALLOUT_WARNING);
    assert_string_equal(callout->u.callout.title, "Attention");
    assert_int_equal(count(callout->children), 1);
    assert_string_equal(text_of(callout->children->text), "Relire.");

    const Block *group = nth(b, 7);
    assert_int_equal(group->kind, BLOCK_GROUP);
    assert_int_equal(group->audience.roles, 2u);
    assert_int_equal(group->audience.settings, 2u);

    const Block *pre = nth(b, 8);
    assert_int_equal(pre->kind, BLOCK_CODE);
    assert_string_equal(pre->u.code.literal, "line 1\n  line 2");
    fixture_release(&f);
}

static void test_page_read__question(void **state)
{
    (void)state;
    Fixture f;
    assert_int_equal(read_str(&f, OURS, sizeof(OURS) - 1), 0);
    const Page *p = find_page(f.doc.lang, "02-quiz");
    const Block *b = nth(p->blocks, 1);
    assert_int_equal(b->kind, BLOCK_QUESTION);
    assert_int_equal(b->audience.roles, 1u);
    const Question *q = b->u.question;
    assert_string_equal(q->id, "q-lab");
    assert_int_equal(q->type, QUESTION_MULTIPLE);
    assert_int_equal(q->weight, 2);
    assert_int_equal(count(q->prompt), 2);
    assert_string_equal(text_of(q->prompt->text), "Que conclure ?");
    assert_int_equal(q->nchoices, 3);
    const Choice *a = q->choices, *bb = a->next, *c = bb->next;
    assert_string_equal(a->id, "a");
    assert_string_equal(text_of(a->text), "Rien du tout");
    assert_true(a->correct);
    assert_false(bb->correct);
    assert_true(c->correct);
    assert_string_equal(text_of(bb->feedback->text), "Non.");
    assert_non_null(q->explanation);
    assert_string_equal(text_of(q->explanation->text), "Parce que.");
    fixture_release(&f);
}

static void test_page_read__scenario_and_reflection(void **state)
{
    (void)state;
    Fixture f;
    assert_int_equal(read_str(&f, OURS, sizeof(OURS) - 1), 0);
    const Page *p = find_page(f.doc.lang, "02-quiz");
    assert_int_equal(count(p->blocks), 4);   /* h1, question, scenario, reflection */
    const Block *b = nth(p->blocks, 2);
    assert_int_equal(b->kind, BLOCK_SCENARIO);
    const Scenario *sc = b->u.scenario;
    assert_string_equal(sc->id, "sc-night");
    assert_true(sc->scored);
    assert_int_equal(sc->weight, 3);
    assert_string_equal(sc->title, "Nuit");
    assert_int_equal(sc->nchoices, 2);
    const Step *start = sc->steps;
    assert_string_equal(start->id, "start");
    assert_int_equal(count(start->body), 1);      /* choices are not body text */
    assert_string_equal(text_of(start->body->text), "Il est 3 h.");
    const StepChoice *ca = start->choices;
    assert_string_equal(ca->code, "a");
    assert_string_equal(text_of(ca->text), "Examiner");
    assert_ptr_equal(ca->target, start->next);
    assert_string_equal(text_of(ca->consequence->text), "Bien.");
    assert_null(ca->next->target);
    assert_int_equal(start->next->end, END_CORRECT);
    assert_string_equal(text_of(start->next->body->text), "Débrief.");

    /* the unknown target is reported where the choice is */
    assert_int_equal(f.d.warnings, 1);
    char *m = diag_format(&f.d.msgs[0]);
    assert_string_equal(m, "pkg/index.html:62: warning: scenario 'sc-night': choice 'b' "
                           "leads to unknown step 'nowhere' (set data-cp-target to a "
                           "data-cp-step)");
    free(m);

    const Block *r = nth(p->blocks, 3);
    assert_int_equal(r->kind, BLOCK_REFLECTION);
    assert_string_equal(r->u.reflection.id, "r-my");
    assert_int_equal(r->u.reflection.max_chars, 300);
    assert_string_equal(text_of(r->u.reflection.prompt->text), "Et chez vous ?");
    fixture_release(&f);
}

static void test_page_read__third_party_static_content(void **state)
{
    (void)state;
    static const char html[] =
        "<html><head><title>Hygiène des mains</title>"
        "<script>alert(1)</script><style>p{}</style></head>\n"
        "<body onload=\"start()\"><div id=wrap>Intro text <b>bold</b>\n"
        "<iframe src=\"http://example.org/\">frame text</iframe>\n"
        "<ul><li>one<li>two</ul>\n"
        "<table><tr><td>x<td>y</table>\n"
        "<img src=\"pic.jpg\" alt=\"A picture\">\n"
        "<form><input type=text value=secret><select><option>opt</select></form>\n"
        "<p>End &amp; done</p></div></body></html>";
    Fixture f;
    assert_int_equal(read_str(&f, html, sizeof(html) - 1), 0);
    assert_false(f.doc.ours);
    assert_string_equal(f.doc.lang->code, "und");
    assert_int_equal(f.doc.lang->npages, 1);
    const Page *p = f.doc.lang->pages;
    assert_string_equal(p->title, "Hygiène des mains");
    const Block *b = p->blocks;
    assert_int_equal(count(b), 5);
    assert_int_equal(b->kind, BLOCK_PARAGRAPH);
    assert_string_equal(text_of(b->text), "Intro text bold");
    assert_int_equal(nth(b, 1)->kind, BLOCK_LIST);
    assert_int_equal(count(nth(b, 1)->children), 2);
    assert_int_equal(nth(b, 2)->kind, BLOCK_TABLE);
    assert_int_equal(nth(b, 3)->kind, BLOCK_IMAGE);
    assert_string_equal(nth(b, 3)->u.image.alt, "A picture");
    assert_string_equal(text_of(nth(b, 4)->text), "End & done");
    /* nothing of the script, style, iframe or form controls */
    for (const Block *k = b; k; k = k->next) {
        if (!k->text)
            continue;
        const char *t = text_of(k->text);
        assert_null(strstr(t, "alert"));
        assert_null(strstr(t, "frame text"));
        assert_null(strstr(t, "secret"));
        assert_null(strstr(t, "opt"));
    }
    fixture_release(&f);
}

static void test_page_read__nbsp_kept_and_spaces_collapsed(void **state)
{
    (void)state;
    static const char html[] = "<p>  Quoi\xc2\xa0?   Oui\n\n  non&nbsp;!  </p>";
    Fixture f;
    assert_int_equal(read_str(&f, html, sizeof(html) - 1), 0);
    assert_string_equal(text_of(f.doc.lang->pages->blocks->text),
                        "Quoi\xc2\xa0? Oui non\xc2\xa0!");
    fixture_release(&f);
}

static void test_page_read__deep_nesting_is_bounded(void **state)
{
    (void)state;
    Buf b = BUF_INIT;
    buf_puts(&b, "<html><body>\n");
    for (int i = 0; i < 5000; i++)
        buf_puts(&b, "<div><blockquote>");
    buf_puts(&b, "deep words");
    for (int i = 0; i < 5000; i++)
        buf_puts(&b, "</blockquote></div>");
    buf_puts(&b, "</body></html>");
    Fixture f;
    assert_int_equal(read_str(&f, b.data, b.len), 0);
    assert_int_equal(f.d.errors, 0);
    /* the structure is cut at the limit, with one warning naming the place */
    int warned = 0;
    for (size_t i = 0; i < f.d.count; i++) {
        char *m = diag_format(&f.d.msgs[i]);
        if (strstr(m, "pkg/index.html:2: warning: blocks nested more than 40 deep are "
                      "shown as plain text (simplify the page)"))
            warned++;
        free(m);
    }
    assert_int_equal(warned, 1);
    fixture_release(&f);
    buf_release(&b);
}

static void test_page_read__huge_word_split_into_bounded_runs(void **state)
{
    (void)state;
    size_t n = 2u << 20;
    char *html = malloc(n + 32);
    assert_non_null(html);
    memcpy(html, "<p>", 3);
    /* a 2 MB word of 'é' (2 bytes each): runs must not split a character */
    for (size_t i = 0; i < n; i += 2) {
        html[3 + i] = (char)0xC3;
        html[4 + i] = (char)0xA9;
    }
    memcpy(html + 3 + n, "</p>", 5);
    Fixture f;
    assert_int_equal(read_str(&f, html, n + 7), 0);
    const Block *p = f.doc.lang->pages->blocks;
    assert_int_equal(p->kind, BLOCK_PARAGRAPH);
    size_t total = 0;
    int runs = 0;
    for (const Inline *in = p->text; in; in = in->next) {
        size_t len = strlen(in->text);
        assert_true(len <= PAGE_READ_MAX_RUN);
        assert_int_equal((unsigned char)in->text[0], 0xC3);
        total += len;
        runs++;
    }
    assert_int_equal(total, n);
    assert_true(runs >= 32);
    fixture_release(&f);
    free(html);
}

/* Regression: each word merged into a run used to copy the whole run again
 * into the arena, so a paragraph of n words took O(n^2) bytes (48 MB of the
 * 2,000-page benchmark package's 54 MB). */
static void test_page_read__long_paragraph_costs_linear_memory(void **state)
{
    (void)state;
    Buf b = BUF_INIT;
    buf_puts(&b, "<p>");
    for (int i = 0; i < 4000; i++)
        buf_puts(&b, i % 7 ? "word " : "ward\n");
    buf_puts(&b, "</p>");
    Fixture f;
    assert_int_equal(read_str(&f, b.data, b.len), 0);
    const Block *p = f.doc.lang->pages->blocks;
    assert_int_equal(p->kind, BLOCK_PARAGRAPH);
    size_t text = 0;
    for (const Inline *in = p->text; in; in = in->next)
        text += strlen(in->text);
    assert_true(text > 19000);
    /* one run of ~20 KB; quadratic copying took 40 MB */
    assert_true(f.c->arena.total < 16 * text);
    fixture_release(&f);
    buf_release(&b);
}

static void test_page_read__too_large_is_refused(void **state)
{
    (void)state;
    Fixture f;
    assert_int_equal(read_str(&f, "<p>x</p>", (size_t)PAGE_READ_MAX_BYTES + 1), -1);
    assert_int_equal(f.d.errors, 1);
    char *m = diag_format(&f.d.msgs[0]);
    assert_string_equal(m, "pkg/index.html: error: page is 67108865 bytes, more than the "
                           "67108864 the player reads (split the page)");
    free(m);
    fixture_release(&f);
}

static void test_page_read__many_blocks_are_capped(void **state)
{
    (void)state;
    Buf b = BUF_INIT;
    for (int i = 0; i < PAGE_READ_MAX_BLOCKS + 10; i++)
        buf_puts(&b, "<p>x</p>\n");
    Fixture f;
    assert_int_equal(read_str(&f, b.data, b.len), 0);
    assert_int_equal(count(f.doc.lang->pages->blocks), PAGE_READ_MAX_BLOCKS);
    assert_int_equal(f.d.warnings, 1);
    char *m = diag_format(&f.d.msgs[0]);
    assert_string_equal(m, "pkg/index.html:200001: warning: page has more than 200000 "
                           "blocks; the rest is not shown (split the page)");
    free(m);
    fixture_release(&f);
    buf_release(&b);
}

static void test_page_read__widget_problems_are_located(void **state)
{
    (void)state;
    static const char html[] =
        "<body class=\"cp\"><section class=\"cp-page\" data-cp-page=\"p\">\n"
        "<form class=\"cp-question\" data-cp-question=\"q-x\" data-cp-type=\"mcq\">\n"
        "<div class=\"cp-prompt\"><p>?</p></div></form>\n"
        "<div class=\"cp-scenario\" data-cp-scenario=\"sc-x\"><p>nothing</p></div>\n"
        "</section></body>";
    static const char *const want[] = {
        "pkg/index.html:2: warning: unknown question type 'mcq' (expected 'single', "
        "'multiple' or 'truefalse')",
        "pkg/index.html:2: warning: question 'q-x' has no choices (add div.cp-choice "
        "elements)",
        "pkg/index.html:4: warning: scenario 'sc-x' has no steps (add div.cp-step elements)",
    };
    Fixture f;
    assert_int_equal(read_str(&f, html, sizeof(html) - 1), 0);
    assert_int_equal(f.d.count, 3);
    for (size_t i = 0; i < 3; i++) {
        char *m = diag_format(&f.d.msgs[i]);
        assert_string_equal(m, want[i]);
        free(m);
    }
    /* still read: the question as a single-choice one, the scenario empty */
    const Block *q = f.doc.lang->pages->blocks;
    assert_int_equal(q->kind, BLOCK_QUESTION);
    assert_int_equal(q->u.question->type, QUESTION_SINGLE);
    assert_int_equal(q->next->kind, BLOCK_SCENARIO);
    fixture_release(&f);
}

static void test_page_read__empty_document_is_refused(void **state)
{
    (void)state;
    Fixture f;
    assert_int_equal(read_str(&f, "", 0), -1);
    char *m = diag_format(&f.d.msgs[0]);
    assert_string_equal(m, "pkg/index.html: error: cannot read this page as HTML (is it an "
                           "HTML file?)");
    free(m);
    fixture_release(&f);
}

/* ---- lazy reading ------------------------------------------------------------ */

static void dump_blocks(Buf *o, const Block *b, int depth);

static void dump_inlines(Buf *o, const Inline *in)
{
    for (; in; in = in->next)
        buf_printf(o, "[%u|%s|%s]", in->style, in->href ? in->href : "-", in->text);
}

static void dump_loc(Buf *o, SrcLoc at)
{
    buf_printf(o, "@%s:%d:%d", at.file ? at.file : "-", at.line, at.col);
}

/* Everything page_read puts in a block list, one line per block. */
static void dump_blocks(Buf *o, const Block *b, int depth)
{
    for (; b; b = b->next) {
        buf_printf(o, "%*s%d a%u/%u", depth * 2, "", b->kind, b->audience.roles,
                   b->audience.settings);
        dump_loc(o, b->at);
        buf_puts(o, " ");
        dump_inlines(o, b->text);
        switch (b->kind) {
        case BLOCK_HEADING:
            buf_printf(o, " h%d %s", b->u.heading.level,
                       b->u.heading.anchor ? b->u.heading.anchor : "-");
            break;
        case BLOCK_LIST:
            buf_printf(o, " o%d s%d", b->u.list.ordered, b->u.list.start);
            break;
        case BLOCK_CODE:
            buf_printf(o, " {%s}", b->u.code.literal ? b->u.code.literal : "-");
            break;
        case BLOCK_TABLE_ROW:
            buf_printf(o, " hd%d", b->u.row.header);
            break;
        case BLOCK_TABLE_CELL:
            buf_printf(o, " al%d hd%d", b->u.cell.align, b->u.cell.header);
            break;
        case BLOCK_IMAGE:
            buf_printf(o, " %s|%s|%s|%dx%d", b->u.image.src ? b->u.image.src : "-",
                       b->u.image.alt, b->u.image.caption ? b->u.image.caption : "-",
                       b->u.image.width, b->u.image.height);
            break;
        case BLOCK_CALLOUT:
            buf_printf(o, " k%d %s", b->u.callout.kind,
                       b->u.callout.title ? b->u.callout.title : "-");
            break;
        case BLOCK_QUESTION: {
            const Question *q = b->u.question;
            buf_printf(o, " q %s t%d w%d n%d", q->id ? q->id : "-", q->type, q->weight,
                       q->nchoices);
            dump_loc(o, q->at);
            buf_puts(o, "\n");
            dump_blocks(o, q->prompt, depth + 1);
            for (const Choice *c = q->choices; c; c = c->next) {
                buf_printf(o, "%*schoice %s c%d ", depth * 2 + 2, "", c->id, c->correct);
                dump_loc(o, c->at);
                dump_inlines(o, c->text);
                buf_puts(o, "\n");
                dump_blocks(o, c->feedback, depth + 2);
            }
            dump_blocks(o, q->explanation, depth + 1);
            break;
        }
        case BLOCK_SCENARIO: {
            const Scenario *sc = b->u.scenario;
            buf_printf(o, " sc %s %s s%d w%d n%d", sc->id ? sc->id : "-",
                       sc->title ? sc->title : "-", sc->scored, sc->weight, sc->nchoices);
            buf_puts(o, "\n");
            for (const Step *st = sc->steps; st; st = st->next) {
                buf_printf(o, "%*sstep %s e%d\n", depth * 2 + 2, "", st->id ? st->id : "-",
                           st->end);
                dump_blocks(o, st->body, depth + 2);
                for (const StepChoice *c = st->choices; c; c = c->next) {
                    buf_printf(o, "%*sgo %s>%s(%s) ", depth * 2 + 4, "", c->code,
                               c->target_id ? c->target_id : "-",
                               c->target && c->target->id ? c->target->id : "-");
                    dump_inlines(o, c->text);
                    buf_puts(o, "\n");
                    dump_blocks(o, c->consequence, depth + 3);
                }
            }
            break;
        }
        case BLOCK_REFLECTION:
            buf_printf(o, " r %s m%d\n", b->u.reflection.id ? b->u.reflection.id : "-",
                       b->u.reflection.max_chars);
            dump_blocks(o, b->u.reflection.prompt, depth + 1);
            break;
        default:
            break;
        }
        buf_puts(o, "\n");
        dump_blocks(o, b->children, depth + 1);
    }
}

static char *dump_page(const Page *p)
{
    Buf o = BUF_INIT;
    buf_printf(&o, "page %s|%s|%s a%u/%u\n", p->name ? p->name : "-",
               p->title ? p->title : "-", p->file ? p->file : "-", p->audience.roles,
               p->audience.settings);
    dump_blocks(&o, p->blocks, 0);
    return buf_detach(&o, NULL);
}

static int read_lazy(Fixture *f, const char *html, size_t len)
{
    f->c = course_new();
    assert_non_null(f->c);
    memset(&f->d, 0, sizeof(f->d));
    return page_read_lazy(f->c, "pkg/index.html", html, len, &f->doc, &f->d);
}

static void test_page_read__lazy_builds_no_page_until_asked(void **state)
{
    (void)state;
    Fixture f;
    assert_int_equal(read_lazy(&f, OURS, sizeof(OURS) - 1), 0);
    assert_int_equal(f.d.count, 1);  /* the scenario's unknown step, as page_read says */
    /* the document as page_read reads it */
    assert_true(f.doc.ours);
    assert_int_equal(f.doc.scorm, SCORM_12);
    assert_string_equal(f.c->id, "ai-never-neutral");
    assert_int_equal(f.c->mastery_score, 80);
    assert_string_equal(f.doc.lang->title, "L'outil n'est jamais neutre");
    assert_string_equal(f.c->roles[0].label[0], "Médecin");
    assert_string_equal(f.c->settings[0].label[0], "Urgences");
    assert_string_equal(page_doc_text(&f.doc, "next", "Next"), "Suivant");
    /* every page listed, none built */
    assert_int_equal(f.doc.lang->npages, 4);
    assert_int_equal(f.doc.nslots, 4);
    assert_int_equal(f.doc.nbuilt, 0);
    static const char *const names[] = { "_context", "01-intro", "02-quiz", "_summary" };
    static const char *const titles[] = { "Votre contexte", "Introduction", "Quiz", "Bilan" };
    int i = 0;
    for (const Page *p = f.doc.lang->pages; p; p = p->next, i++) {
        assert_string_equal(p->name, names[i]);
        assert_string_equal(p->title, titles[i]);
        assert_null(p->blocks);
        assert_false(page_built(&f.doc, i));
    }
    assert_int_equal(find_page(f.doc.lang, "01-intro")->audience.roles, 2u);
    /* what scoring needs, without the page */
    int n;
    const PageItem *it = page_items(&f.doc, 2, &n);
    assert_int_equal(n, 3);
    assert_int_equal(it[0].kind, BLOCK_QUESTION);
    assert_string_equal(it[0].id, "q-lab");
    assert_int_equal(it[0].weight, 2);
    assert_int_equal(it[0].audience.roles, 1u);
    assert_int_equal(it[1].kind, BLOCK_SCENARIO);
    assert_string_equal(it[1].id, "sc-night");
    assert_int_equal(it[1].weight, 3);
    assert_true(it[1].scored);
    assert_int_equal(it[2].kind, BLOCK_REFLECTION);
    assert_string_equal(it[2].id, "r-my");
    assert_null(page_items(&f.doc, 1, &n));
    assert_int_equal(n, 0);
    /* one page asked for: that page only */
    assert_int_equal(page_build(f.c, &f.doc, 2, OURS, sizeof(OURS) - 1, &f.d), 0);
    assert_int_equal(f.doc.nbuilt, 1);
    assert_true(page_built(&f.doc, 2));
    assert_false(page_built(&f.doc, 1));
    assert_non_null(find_page(f.doc.lang, "02-quiz")->blocks);
    assert_null(find_page(f.doc.lang, "01-intro")->blocks);
    assert_int_equal(page_build(f.c, &f.doc, 2, OURS, sizeof(OURS) - 1, &f.d), 0);
    assert_int_equal(f.doc.nbuilt, 1);
    fixture_release(&f);
}

typedef struct Items {
    ScoreItem v[64];
    int n;
} Items;

static int collect_item(const ScoreItem *it, void *ud)
{
    Items *l = ud;
    assert_true(l->n < 64);
    l->v[l->n++] = *it;
    return 0;
}

/* Each lazily built page is the page page_read builds, block for block,
 * with the same source lines. */
static void check_lazy_equals_eager(const char *html, size_t len, int npages)
{
    Fixture e, l;
    assert_int_equal(read_str(&e, html, len), 0);
    assert_int_equal(read_lazy(&l, html, len), 0);
    assert_int_equal(l.doc.nslots, npages);
    assert_int_equal(e.doc.lang->npages, npages);
    const Page *pe = e.doc.lang->pages;
    const Page *pl = l.doc.lang->pages;
    for (int i = 0; i < npages; i++, pe = pe->next, pl = pl->next) {
        /* before it is built, the page lists the items scoring needs: what
         * score.h's walker finds on the eager page, nested ones included */
        int n;
        const PageItem *it = page_items(&l.doc, i, &n);
        Items want = {0};
        score_walk_page(pe, i, collect_item, &want);
        assert_int_equal(n, want.n);
        for (int k = 0; k < n; k++) {
            assert_int_equal(it[k].kind, want.v[k].kind);
            assert_string_equal(it[k].id, want.v[k].id);
            assert_int_equal(it[k].weight, want.v[k].weight);
            assert_int_equal(it[k].scored, want.v[k].scored);
            assert_int_equal(it[k].page, i);
            assert_int_equal(it[k].audience.roles, want.v[k].audience.roles);
            assert_int_equal(it[k].audience.settings, want.v[k].audience.settings);
            assert_int_equal(it[k].nobody, want.v[k].nobody);
            assert_null(it[k].block);
        }
        assert_int_equal(page_build(l.c, &l.doc, i, html, len, &l.d), 0);
        char *a = dump_page(pe), *b = dump_page(pl);
        assert_string_equal(b, a);
        free(a);
        free(b);
    }
    assert_int_equal(l.doc.nbuilt, npages);
    fixture_release(&e);
    fixture_release(&l);
}

/* A page not built yet lists the questions and scenarios nested in its
 * `only` blocks too, with the audience that shows them (the player's score
 * and its lookup of answers to restore read this list). */
static void test_page_read__lazy_items_include_nested_ones(void **state)
{
    (void)state;
    static const char html[] =
        "<!DOCTYPE html><html lang=\"en\"><body class=\"cp\" data-cp-module=\"m\"\n"
        " data-cp-roles=\"physician,chief\" data-cp-settings=\"ed,imaging\">\n"
        "<main id=\"cp-main\"><section class=\"cp-page\" data-cp-page=\"01\" data-cp-settings=\"ed\">\n"
        "<h1>One</h1>\n"
        "<div class=\"cp-only\" data-cp-roles=\"chief\"><p>Chiefs.</p>\n"
        "<form class=\"cp-question\" data-cp-question=\"q-nested\" data-cp-type=\"single\"\n"
        " data-cp-weight=\"3\" data-cp-correct=\"a\"><fieldset><legend class=\"cp-prompt\">Q</legend>\n"
        "<div class=\"cp-choice\" data-cp-choice=\"a\"><label>A</label></div></fieldset></form>\n"
        "<div class=\"cp-only\" data-cp-roles=\"physician\">\n"
        "<form class=\"cp-question\" data-cp-question=\"q-nobody\" data-cp-type=\"single\"\n"
        " data-cp-weight=\"1\" data-cp-correct=\"a\"><fieldset><legend class=\"cp-prompt\">Q</legend>\n"
        "<div class=\"cp-choice\" data-cp-choice=\"a\"><label>A</label></div></fieldset></form>\n"
        "</div></div>\n"
        "</section></main></body></html>\n";
    Fixture f;
    assert_int_equal(read_lazy(&f, html, sizeof(html) - 1), 0);
    int n;
    const PageItem *it = page_items(&f.doc, 0, &n);
    assert_int_equal(n, 2);
    assert_string_equal(it[0].id, "q-nested");
    assert_int_equal(it[0].weight, 3);
    assert_int_equal(it[0].audience.roles, 2u);     /* chief */
    assert_int_equal(it[0].audience.settings, 1u);  /* ed, from the page */
    assert_true(score_item_shown(&it[0], 1, 0));
    assert_false(score_item_shown(&it[0], 0, 0));
    assert_false(score_item_shown(&it[0], 1, 1));
    assert_string_equal(it[1].id, "q-nobody");     /* chief and physician: no one */
    assert_int_equal(it[1].nobody, SCORE_NO_ROLE);
    assert_false(score_item_shown(&it[1], 0, 0));
    assert_false(score_item_shown(&it[1], 1, 0));
    assert_false(page_built(&f.doc, 0));
    fixture_release(&f);
    check_lazy_equals_eager(html, sizeof(html) - 1, 1);
}

static void test_page_read__lazy_page_equals_eager_page(void **state)
{
    (void)state;
    check_lazy_equals_eager(OURS, sizeof(OURS) - 1, 4);
}

/* A large document: n pages of a few paragraphs, a question every 10. */
static void many_pages(Buf *b, int n)
{
    buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>"
                "<title>Big</title></head>\n<body class=\"cp\" data-cp-module=\"big\">\n"
                "<main>\n");
    for (int i = 0; i < n; i++) {
        buf_printf(b, "<section class=\"cp-page\" data-cp-page=\"p%04d\">\n"
                      "<h1>Page %d</h1>\n<p>The ward team checks <em>every</em> suggestion"
                      " the tool makes before deciding; data quality matters.</p>\n"
                      "<ul><li>one</li><li>two</li></ul>\n", i, i + 1);
        if (i % 10 == 0)
            buf_printf(b, "<form class=\"cp-question\" data-cp-question=\"q%d\" "
                          "data-cp-correct=\"a\"><div class=\"cp-prompt\"><p>Why?</p></div>"
                          "<div class=\"cp-choice\" data-cp-choice=\"a\"><label>Yes</label>"
                          "</div><div class=\"cp-choice\" data-cp-choice=\"b\"><label>No"
                          "</label></div></form>\n", i);
        buf_puts(b, "</section>\n");
    }
    buf_puts(b, "</main>\n</body></html>\n");
}

static void test_page_read__lazy_memory_does_not_grow_with_pages_not_shown(void **state)
{
    (void)state;
    Buf b = BUF_INIT;
    many_pages(&b, 2000);
    Fixture e, l;
    assert_int_equal(read_str(&e, b.data, b.len), 0);
    assert_int_equal(read_lazy(&l, b.data, b.len), 0);
    assert_int_equal(l.doc.lang->npages, 2000);
    assert_int_equal(l.doc.nbuilt, 0);
    assert_string_equal(find_page(l.doc.lang, "p1999")->title, "Page 2000");
    /* a listed page costs a small fraction of a built one */
    assert_true(l.c->arena.total * 5 < e.c->arena.total);
    size_t listed = l.c->arena.total;
    assert_int_equal(page_build(l.c, &l.doc, 1990, b.data, b.len, &l.d), 0);
    assert_true(l.c->arena.total - listed < e.c->arena.total / 500);
    int n;
    const PageItem *it = page_items(&l.doc, 1990, &n);
    assert_int_equal(n, 1);
    assert_string_equal(it->id, "q1990");
    fixture_release(&e);
    fixture_release(&l);
    check_lazy_equals_eager(b.data, b.len, 2000);
    buf_release(&b);
}

static void test_page_read__lazy_falls_back_when_pages_cannot_be_located(void **state)
{
    (void)state;
    static const char *const docs[] = {
        /* the section is closed by </main>: no end tag of its own */
        "<html><body class=\"cp\"><main><section class=\"cp-page\" data-cp-page=\"a\">"
        "<h1>A</h1><p>x</p></main></body></html>",
        /* another charset: libxml2's offsets are not offsets into the bytes */
        "<html><head><meta charset=\"iso-8859-1\"/></head><body class=\"cp\">"
        "<section class=\"cp-page\" data-cp-page=\"a\"><h1>\xe9t\xe9</h1></section>"
        "</body></html>",
        /* never closed */
        "<html><body class=\"cp\"><section class=\"cp-page\" data-cp-page=\"a\"><h1>A</h1>",
    };
    static const char *const titles[] = { "A", "\xc3\xa9t\xc3\xa9", "A" };
    for (int i = 0; i < 3; i++) {
        Fixture f;
        assert_int_equal(read_lazy(&f, docs[i], strlen(docs[i])), 0);
        assert_null(f.doc.slots);
        assert_true(page_built(&f.doc, 0));
        assert_int_equal(f.doc.lang->npages, 1);
        assert_string_equal(f.doc.lang->pages->title, titles[i]);
        assert_non_null(f.doc.lang->pages->blocks);
        fixture_release(&f);
    }
    /* a third-party page: one page, built, as page_read gives it */
    static const char third[] = "<html><body><h1>T</h1><p>text</p></body></html>";
    Fixture f, e;
    assert_int_equal(read_lazy(&f, third, sizeof(third) - 1), 0);
    assert_int_equal(read_str(&e, third, sizeof(third) - 1), 0);
    assert_null(f.doc.slots);
    assert_int_equal(f.doc.lang->npages, 1);
    assert_string_equal(f.doc.lang->pages->title, "T");
    char *a = dump_page(e.doc.lang->pages), *b = dump_page(f.doc.lang->pages);
    assert_string_equal(b, a);
    free(a);
    free(b);
    fixture_release(&f);
    fixture_release(&e);
}


/* ---- third-party content shown honestly (issue 13.8) ---------------------- */

/* A ward's board of vascular accesses: a room spans two rows, "Abords en
 * place" spans two columns. Read without the spans, « CVC 4 j » would sit
 * under « Périphérique ». */
static const char WARD_TABLE[] =
    "<!DOCTYPE html><html lang=\"fr\"><head><title>Abords</title></head><body>\n"
    "<table>\n"
    "<caption>Abords vasculaires du service (exemple fictif)</caption>\n"
    "<thead>\n"
    "<tr><th rowspan=\"2\">Chambre</th><th rowspan=\"2\">Patient</th>"
    "<th colspan=\"2\">Abords en place</th></tr>\n"
    "<tr><th>Périphérique</th><th>Central</th></tr>\n"
    "</thead>\n"
    "<tbody>\n"
    "<tr><td>12</td><td>M. A.</td><td>KTP 2 j</td><td>—</td></tr>\n"
    "<tr><td rowspan=\"2\">14</td><td>Mme B.</td><td>KTP 1 j</td><td>—</td></tr>\n"
    "<tr><td>Mme C.</td><td>—</td><td>CVC 4 j</td></tr>\n"
    "<tr><td>16</td><td>M. D.</td><td colspan=\"2\">Aucun abord</td></tr>\n"
    "</tbody>\n"
    "</table></body></html>\n";

static const Block *cell(const Block *table, int row, int col)
{
    return nth(nth(table->children, row)->children, col);
}

static void test_page_read__table_spans_and_caption(void **state)
{
    (void)state;
    Fixture f;
    assert_int_equal(read_str(&f, WARD_TABLE, sizeof(WARD_TABLE) - 1), 0);
    const Block *t = f.doc.lang->pages->blocks;
    assert_int_equal(t->kind, BLOCK_TABLE);
    assert_non_null(t->text);
    assert_string_equal(text_of(t->text), "Abords vasculaires du service (exemple fictif)");
    assert_int_equal(count(t->children), 6);
    assert_true(nth(t->children, 0)->u.row.header);
    assert_true(nth(t->children, 1)->u.row.header);
    assert_false(nth(t->children, 2)->u.row.header);
    assert_int_equal(cell(t, 0, 0)->u.cell.rowspan, 2);
    assert_int_equal(cell(t, 0, 0)->u.cell.colspan, 1);
    assert_int_equal(cell(t, 0, 2)->u.cell.colspan, 2);
    assert_string_equal(text_of(cell(t, 0, 2)->text), "Abords en place");
    assert_int_equal(cell(t, 3, 0)->u.cell.rowspan, 2);
    assert_int_equal(count(nth(t->children, 4)->children), 3);
    assert_string_equal(text_of(cell(t, 4, 2)->text), "CVC 4 j");
    assert_int_equal(cell(t, 4, 2)->u.cell.colspan, 1);
    assert_int_equal(cell(t, 5, 2)->u.cell.colspan, 2);
    /* the caption is not also a paragraph, nor a cell */
    assert_int_equal(count(t), 1);
    fixture_release(&f);
}

/* Out-of-range spans are clamped as browsers do: 0 or junk is 1, colspan at
 * most 1000, rowspan at most 65534 (rowspan="0", "to the end", too). */
static void test_page_read__table_spans_bounded(void **state)
{
    (void)state;
    static const char html[] =
        "<table><tr><td colspan=\"0\" rowspan=\"x\">a</td><td colspan=\"99999\">b</td>"
        "<td rowspan=\"0\">c</td><td rowspan=\"70000\">d</td></tr></table>";
    Fixture f;
    assert_int_equal(read_str(&f, html, sizeof(html) - 1), 0);
    const Block *t = f.doc.lang->pages->blocks;
    assert_int_equal(cell(t, 0, 0)->u.cell.colspan, 1);
    assert_int_equal(cell(t, 0, 0)->u.cell.rowspan, 1);
    assert_int_equal(cell(t, 0, 1)->u.cell.colspan, 1000);
    assert_int_equal(cell(t, 0, 2)->u.cell.rowspan, 65534);
    assert_int_equal(cell(t, 0, 3)->u.cell.rowspan, 65534);
    fixture_release(&f);
}

static void test_page_read__noscript_is_shown(void **state)
{
    (void)state;
    static const char html[] =
        "<html lang=\"fr\"><body><h1>Transfusion</h1>"
        "<p>Vérifiez l'identité du patient avant chaque poche, au lit du patient, avec "
        "le bracelet et la prescription.</p>"
        "<noscript><p>Le quiz de cette page demande JavaScript.</p></noscript>"
        "<script src=\"quiz.js\"></script></body></html>";
    Fixture f;
    assert_int_equal(read_str(&f, html, sizeof(html) - 1), 0);
    const Block *b = f.doc.lang->pages->blocks;
    assert_int_equal(count(b), 3);
    assert_string_equal(text_of(nth(b, 2)->text), "Le quiz de cette page demande JavaScript.");
    assert_false(f.doc.needs_browser);
    fixture_release(&f);
}

static void test_page_read__audio_and_video_become_notices(void **state)
{
    (void)state;
    static const char html[] =
        "<html><body><p>Regardez la démonstration.</p>"
        "<video controls src=\"media/lavage-des-mains.mp4\" poster=\"p.jpg\">"
        "<track kind=\"captions\" src=\"media/lavage.vtt\">Votre navigateur ne lit pas "
        "la vidéo.</video>"
        "<audio controls><source src=\"sons/alarme%20pompe.ogg?v=2\" type=\"audio/ogg\">"
        "<source src=\"sons/alarme.mp3\"></audio>"
        "<video></video></body></html>";
    Fixture f;
    assert_int_equal(read_str(&f, html, sizeof(html) - 1), 0);
    const Block *b = f.doc.lang->pages->blocks;
    assert_int_equal(count(b), 4);
    assert_int_equal(nth(b, 1)->kind, BLOCK_NOTICE);
    assert_int_equal(nth(b, 1)->u.notice.kind, NOTICE_VIDEO);
    assert_string_equal(nth(b, 1)->u.notice.file, "lavage-des-mains.mp4");
    assert_int_equal(nth(b, 2)->kind, BLOCK_NOTICE);
    assert_int_equal(nth(b, 2)->u.notice.kind, NOTICE_AUDIO);
    assert_string_equal(nth(b, 2)->u.notice.file, "alarme pompe.ogg");
    assert_int_equal(nth(b, 3)->u.notice.kind, NOTICE_VIDEO);
    assert_null(nth(b, 3)->u.notice.file);
    /* the fallback text for browsers without video is not shown */
    for (const Block *k = b; k; k = k->next)
        if (k->text)
            assert_null(strstr(text_of(k->text), "navigateur"));
    assert_false(f.doc.needs_browser);
    fixture_release(&f);
}

/* Pages an authoring tool builds by script show (almost) nothing without
 * it: the reader puts a notice first, and keeps what little there is. */
static void test_page_read__script_built_pages_get_a_notice(void **state)
{
    (void)state;
    static const struct {
        const char *html;
        int notice;         /* expected */
        int blocks;         /* blocks after the notice */
    } cases[] = {
        /* a mount point filled by a bundle */
        { "<html><head><script src=\"lib/main.bundle.js\"></script></head>"
          "<body><div id=\"app\"></div></body></html>", 1, 0 },
        /* a loading placeholder */
        { "<html><body><div id=\"wrapper\"></div><div class=\"loading\">Chargement…</div>"
          "<script src=\"libraries/require.js\"></script></body></html>", 1, 1 },
        /* the package's own no-script message is kept after the notice */
        { "<html><body><div id=\"app\"></div><noscript>You need to enable JavaScript to "
          "run this app.</noscript><script>start()</script></body></html>", 1, 1 },
        /* a frame shell */
        { "<html><body><iframe src=\"story.html\" width=\"100%\"></iframe></body></html>",
          1, 0 },
        { "<html><frameset><frame src=\"content.html\"></frameset></html>", 1, 0 },
        /* a static page that also loads the SCORM API script: no notice */
        { "<html><head><script src=\"../shared/scormfunctions.js\"></script></head>"
          "<body onload=\"doStart()\"><h1>Le lavage des mains</h1><p>Friction hydro-"
          "alcoolique de trente secondes, mains sèches, sans bijou ni montre, avant et "
          "après chaque patient.</p></body></html>", 0, 2 },
        /* a short static page with a picture: no notice */
        { "<html><body><script src=\"api.js\"></script><img src=\"fin.png\" alt=\"Fin\">"
          "</body></html>", 0, 1 },
        /* an empty page without script is empty, not script-built */
        { "<html><body><div></div></body></html>", 0, 0 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        Fixture f;
        assert_int_equal(read_str(&f, cases[i].html, strlen(cases[i].html)), 0);
        const Page *p = f.doc.lang->pages;
        int has = p && p->blocks && p->blocks->kind == BLOCK_NOTICE
                  && p->blocks->u.notice.kind == NOTICE_NEEDS_BROWSER;
        if (has != cases[i].notice || f.doc.needs_browser != cases[i].notice)
            fail_msg("case %zu: notice %d, needs_browser %d, expected %d", i, has,
                     f.doc.needs_browser, cases[i].notice);
        int n = p ? count(p->blocks) : 0;
        assert_int_equal(n - has, cases[i].blocks);
        fixture_release(&f);
    }
}


/* A media file name is shown as a name: escapes decoded only into UTF-8
 * text, a long name cut at a character boundary. */
static void test_page_read__media_file_names_bounded(void **state)
{
    (void)state;
    Buf html = BUF_INIT;
    buf_puts(&html, "<video src=\"v/a%FFb.mp4\"></video><audio src=\"x/");
    for (int i = 0; i < 200; i++)
        buf_puts(&html, "é");       /* 400 bytes */
    buf_puts(&html, ".ogg\"></audio><video src=\"dir/\"></video>");
    Fixture f;
    assert_int_equal(read_str(&f, html.data, html.len), 0);
    const Block *b = f.doc.lang->pages->blocks;
    assert_string_equal(b->u.notice.file, "a%FFb.mp4");
    const char *name = nth(b, 1)->u.notice.file;
    assert_true(strlen(name) <= 255);
    assert_int_equal(strlen(name) % 2, 0);     /* whole "é"s only */
    assert_null(nth(b, 2)->u.notice.file);
    fixture_release(&f);
    buf_release(&html);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_page_read__document_attributes),
        cmocka_unit_test(test_page_read__ordinary_content),
        cmocka_unit_test(test_page_read__question),
        cmocka_unit_test(test_page_read__scenario_and_reflection),
        cmocka_unit_test(test_page_read__third_party_static_content),
        cmocka_unit_test(test_page_read__nbsp_kept_and_spaces_collapsed),
        cmocka_unit_test(test_page_read__deep_nesting_is_bounded),
        cmocka_unit_test(test_page_read__huge_word_split_into_bounded_runs),
        cmocka_unit_test(test_page_read__long_paragraph_costs_linear_memory),
        cmocka_unit_test(test_page_read__too_large_is_refused),
        cmocka_unit_test(test_page_read__many_blocks_are_capped),
        cmocka_unit_test(test_page_read__widget_problems_are_located),
        cmocka_unit_test(test_page_read__empty_document_is_refused),
        cmocka_unit_test(test_page_read__lazy_builds_no_page_until_asked),
        cmocka_unit_test(test_page_read__lazy_items_include_nested_ones),
        cmocka_unit_test(test_page_read__lazy_page_equals_eager_page),
        cmocka_unit_test(test_page_read__lazy_memory_does_not_grow_with_pages_not_shown),
        cmocka_unit_test(test_page_read__lazy_falls_back_when_pages_cannot_be_located),
        cmocka_unit_test(test_page_read__table_spans_and_caption),
        cmocka_unit_test(test_page_read__table_spans_bounded),
        cmocka_unit_test(test_page_read__noscript_is_shown),
        cmocka_unit_test(test_page_read__audio_and_video_become_notices),
        cmocka_unit_test(test_page_read__script_built_pages_get_a_notice),
        cmocka_unit_test(test_page_read__media_file_names_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
