/* Unit tests of html_write: a hand-built course (every block kind) is written
 * for fr and en in both editions, parsed back with libxml2's XML parser (the
 * output must be well-formed) and checked with XPath against the markup
 * contract of docs/package-format.md. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "buf.h"
#include "course.h"
#include "diag.h"
#include "html_write.h"
#include "source.h"

/* ---- building a course by hand --------------------------------------------- */

static SrcLoc at(int line)
{
    return srcloc("01-intro.fr.md", line, 1);
}

static Inline *run(Course *c, unsigned style, const char *text, const char *href)
{
    Inline *in = course_new_inline(c, style, text, strlen(text));
    if (href)
        in->href = course_strdup(c, href);
    return in;
}

static Block *para(Course *c, const char *text)
{
    Block *b = course_new_block(c, BLOCK_PARAGRAPH, at(1));
    b->text = run(c, 0, text, NULL);
    return b;
}

static Block *heading(Course *c, int level, const char *text)
{
    Block *b = course_new_block(c, BLOCK_HEADING, at(1));
    b->u.heading.level = level;
    b->text = run(c, 0, text, NULL);
    return b;
}

static Choice *choice(Course *c, const char *id, const char *text, int correct)
{
    Choice *ch = arena_alloc(&c->arena, sizeof(*ch));
    ch->id[0] = id[0];
    ch->text = run(c, 0, text, NULL);
    ch->correct = correct;
    ch->feedback = para(c, correct ? "Oui." : "Non.");
    ch->at = at(20);
    return ch;
}

static Block *question(Course *c, const char *id, QuestionType type, Block *prompt, int n,
                       const char *correct)
{
    Question *q = arena_alloc(&c->arena, sizeof(*q));
    q->id = course_strdup(c, id);
    q->type = type;
    q->weight = 2;
    q->prompt = prompt;
    Choice **tail = &q->choices;
    for (int i = 0; i < n; i++) {
        char cid[2] = { (char)('a' + i), 0 };
        *tail = choice(c, cid, type == QUESTION_TRUEFALSE ? (i ? "Faux" : "Vrai") : "Choix",
                       strchr(correct, cid[0]) != NULL);
        tail = &(*tail)->next;
    }
    q->nchoices = n;
    q->explanation = para(c, "Parce que.");
    q->at = at(10);
    Block *b = course_new_block(c, BLOCK_QUESTION, q->at);
    b->u.question = q;
    return b;
}

static Step *step(Course *c, const char *id, EndResult end)
{
    Step *s = arena_alloc(&c->arena, sizeof(*s));
    s->id = course_strdup(c, id);
    s->body = para(c, id);
    s->end = end;
    return s;
}

static StepChoice *step_choice(Course *c, const char *code, Step *target)
{
    StepChoice *ch = arena_alloc(&c->arena, sizeof(*ch));
    ch->code[0] = code[0];
    ch->text = run(c, INLINE_LINK, "aller", "https://example.org/");
    ch->target = target;
    ch->target_id = target->id;
    ch->consequence = para(c, "Conséquence.");
    return ch;
}

/* start -a-> wait -c-> late(partial); start -b-> exam(correct);
 * wait -d-> exam: best path is "b". */
static Block *scenario(Course *c)
{
    Scenario *s = arena_alloc(&c->arena, sizeof(*s));
    s->id = "sc-night";
    s->title = "Nuit aux urgences";
    s->scored = 1;
    s->weight = 3;
    Step *start = step(c, "start", END_NONE), *wait = step(c, "wait", END_NONE);
    Step *exam = step(c, "exam", END_CORRECT), *late = step(c, "late", END_PARTIAL);
    start->next = wait;
    wait->next = exam;
    exam->next = late;
    start->choices = step_choice(c, "a", wait);
    start->choices->next = step_choice(c, "b", exam);
    wait->choices = step_choice(c, "c", late);
    wait->choices->next = step_choice(c, "d", exam);
    s->steps = start;
    s->nchoices = 4;
    Block *b = course_new_block(c, BLOCK_SCENARIO, at(40));
    b->u.scenario = s;
    return b;
}

static void add(Block **list, Block *b)
{
    course_append_block(list, b);
}

static Course *sample(void)
{
    Course *c = course_new();
    c->id = "ai-never-neutral";
    c->version = "1.2.0";
    c->mastery_score = 80;
    c->duration_minutes = 22;
    c->nlangs = 2;
    c->roles[0] = (ContextItem){ "physician", { "Médecin", "Physician" }, at(1) };
    c->roles[1] = (ContextItem){ "chief", { "Chef de service", "Head of department" }, at(1) };
    c->nroles = 2;
    c->settings[0] = (ContextItem){ "ed", { "Urgences", "Emergency department" }, at(1) };
    c->settings[1] = (ContextItem){ "imaging", { "Imagerie", NULL }, at(1) };
    c->nsettings = 2;
    c->refs = arena_alloc(&c->arena, 2 * sizeof(Reference));
    c->refs[0] = (Reference){ "beede2020", "Beede E et al. CHI 2020.", "10.1145/3313831.3376718",
                              NULL, at(1) };
    c->refs[1] = (Reference){ "anap2025", "Anap. <IA> & confiance.", NULL,
                              "https://anap.fr/x?a=1&b=2", at(1) };
    c->nrefs = 2;

    for (int l = 0; l < 2; l++) {
        CourseLang *L = &c->langs[l];
        L->code = l ? "en" : "fr";
        L->title = l ? "The tool is never neutral" : "L'outil n'est jamais neutre";
        Page *p1 = arena_alloc(&c->arena, sizeof(*p1));
        p1->name = "01-intro";
        p1->file = "01-intro.fr.md";
        p1->title = "Intro";
        Block *bl = NULL;
        add(&bl, heading(c, 1, "Intro <titre>"));
        Block *p = course_new_block(c, BLOCK_PARAGRAPH, at(3));
        p->text = run(c, 0, "Texte a<b & \"c\" 'd' ", NULL);
        p->text->next = run(c, INLINE_STRONG, "fort", NULL);
        p->text->next->next = run(c, INLINE_EM | INLINE_LINK, "lien", "https://has-sante.fr/");
        p->text->next->next->next = run(c, INLINE_CITE, "Beede", "beede2020");
        add(&bl, p);
        add(&bl, heading(c, 3, "Sous-partie"));     /* skips a level: written as h2 */
        Block *list = course_new_block(c, BLOCK_LIST, at(5));
        list->u.list.tight = 1;
        Block *item = course_new_block(c, BLOCK_LIST_ITEM, at(5));
        item->children = para(c, "item");
        list->children = item;
        add(&bl, list);
        Block *table = course_new_block(c, BLOCK_TABLE, at(6));
        Block *hr = course_new_block(c, BLOCK_TABLE_ROW, at(6));
        hr->u.row.header = 1;
        hr->children = course_new_block(c, BLOCK_TABLE_CELL, at(6));
        hr->children->text = run(c, 0, "Col", NULL);
        Block *r = course_new_block(c, BLOCK_TABLE_ROW, at(7));
        r->children = course_new_block(c, BLOCK_TABLE_CELL, at(7));
        r->children->text = run(c, 0, "val", NULL);
        r->children->u.cell.align = ALIGN_RIGHT;
        hr->next = r;
        table->children = hr;
        add(&bl, table);
        Block *img = course_new_block(c, BLOCK_IMAGE, at(8));
        img->u.image = (Image){ .src = "img/workflow.png", .source = "img/workflow.svg",
                                .alt = "Le parcours", .caption = "Figure 1", .width = 800,
                                .height = 450 };
        add(&bl, img);
        Block *kf = course_new_block(c, BLOCK_CALLOUT, at(9));
        kf->children = para(c, "Important.");
        add(&bl, kf);
        Block *warn = course_new_block(c, BLOCK_CALLOUT, at(9));
        warn->u.callout.kind = CALLOUT_WARNING;
        warn->u.callout.title = "Danger";
        warn->children = para(c, "Attention.");
        add(&bl, warn);
        Block *grp = course_new_block(c, BLOCK_GROUP, at(9));
        grp->audience.roles = 2;        /* chief */
        grp->audience.settings = 3;     /* ed, imaging */
        grp->children = para(c, "Pour les chefs.");
        add(&bl, grp);
        p1->blocks = bl;

        Page *p2 = arena_alloc(&c->arena, sizeof(*p2));
        p2->name = "02-quiz";
        p2->title = "Quiz";
        p2->audience.roles = 1;         /* physician */
        bl = NULL;
        add(&bl, heading(c, 1, "Quiz"));
        add(&bl, question(c, "q-single", QUESTION_SINGLE, para(c, "Laquelle ?"), 3, "b"));
        Block *prompt = para(c, "Premier paragraphe.");
        prompt->next = para(c, "Second paragraphe.");
        add(&bl, question(c, "q-multi", QUESTION_MULTIPLE, prompt, 4, "ac"));
        add(&bl, question(c, "q-tf", QUESTION_TRUEFALSE, para(c, "Vrai ?"), 2, "a"));
        add(&bl, scenario(c));
        Block *refl = course_new_block(c, BLOCK_REFLECTION, at(60));
        refl->u.reflection = (Reflection){ "r-service", para(c, "Dans votre service ?"), 300 };
        add(&bl, refl);
        p2->blocks = bl;
        p1->next = p2;
        L->pages = p1;
        L->npages = 2;
    }
    return c;
}

/* ---- reading the output back --------------------------------------------------- */

typedef struct Doc {
    xmlDocPtr doc;
    xmlXPathContextPtr xp;
    char *html;
} Doc;

static Doc write_and_parse(const Course *c, int lang, ScormEdition ed, Diag *d, int *rc)
{
    Buf out = BUF_INIT;
    *rc = html_write_index(c, lang, ed, &out, d);
    assert_false(out.failed);
    Doc doc = {0};
    doc.html = buf_detach(&out, NULL);
    doc.doc = xmlReadMemory(doc.html, (int)strlen(doc.html), "index.html", NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    assert_non_null(doc.doc);   /* well-formed XML */
    doc.xp = xmlXPathNewContext(doc.doc);
    xmlXPathRegisterNs(doc.xp, BAD_CAST "h", BAD_CAST "http://www.w3.org/1999/xhtml");
    return doc;
}

static void doc_free(Doc *doc)
{
    xmlXPathFreeContext(doc->xp);
    xmlFreeDoc(doc->doc);
    free(doc->html);
}

static double num(Doc *doc, const char *expr)
{
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, doc->xp);
    assert_non_null(o);
    double v = xmlXPathCastToNumber(o);
    xmlXPathFreeObject(o);
    return v;
}

/* The string value of an XPath expression; free() it. */
static char *str(Doc *doc, const char *expr)
{
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, doc->xp);
    assert_non_null(o);
    xmlChar *s = xmlXPathCastToString(o);
    xmlXPathFreeObject(o);
    char *r = strdup((const char *)s);
    xmlFree(s);
    return r;
}

static void assert_str(Doc *doc, const char *expr, const char *want)
{
    char *got = str(doc, expr);
    if (strcmp(got, want) != 0)
        print_error("%s: got '%s', want '%s'\n", expr, got, want);
    assert_string_equal(got, want);
    free(got);
}

static void assert_count(Doc *doc, const char *expr, int want)
{
    char buf[600];
    snprintf(buf, sizeof(buf), "count(%s)", expr);
    double got = num(doc, buf);
    if ((int)got != want)
        print_error("%s: got %d, want %d\n", expr, (int)got, want);
    assert_int_equal((int)got, want);
}

/* ---- tests --------------------------------------------------------------------- */

static void test_html_write__well_formed_in_every_language_and_edition(void **state)
{
    (void)state;
    Course *c = sample();
    for (int lang = 0; lang < 2; lang++) {
        for (int ed = SCORM_12; ed <= SCORM_CMI5; ed++) {
            Diag d = DIAG_INIT;
            int rc;
            Doc doc = write_and_parse(c, lang, (ScormEdition)ed, &d, &rc);
            assert_int_equal(rc, 0);
            assert_int_equal(d.errors, 0);
            const char *code = lang ? "en" : "fr";
            assert_str(&doc, "/h:html/@lang", code);
            assert_str(&doc, "/h:html/@xml:lang", code);
            assert_str(&doc, "/h:html/h:body/@data-cp-lang", code);
            assert_str(&doc, "/h:html/h:body/@data-cp-scorm",
                       ed == SCORM_12 ? "12" : ed == SCORM_2004 ? "2004" : "cmi5");
            /* the runtime last; the cmi5 launch adapter before it, in cmi5 pages only */
            assert_str(&doc, "/h:html/h:body/h:script[last()]/@src", "runtime/cp-runtime.js");
            assert_count(&doc, "/h:html/h:body/h:script", ed == SCORM_CMI5 ? 2 : 1);
            if (ed == SCORM_CMI5)
                assert_str(&doc, "/h:html/h:body/h:script[1]/@src", "runtime/cp-cmi5.js");
            assert_str(&doc, "/h:html/h:body/@data-cp-module", "ai-never-neutral");
            assert_str(&doc, "/h:html/h:body/@data-cp-version", "1.2.0");
            assert_str(&doc, "/h:html/h:body/@data-cp-mastery", "80");
            assert_str(&doc, "/h:html/h:body/@data-cp-duration", "22");
            assert_str(&doc, "/h:html/h:body/@data-cp-roles", "physician,chief");
            assert_str(&doc, "/h:html/h:body/@data-cp-settings", "ed,imaging");
            assert_true(strncmp(doc.html, "<!DOCTYPE html>\n", 16) == 0);
            doc_free(&doc);
            diag_release(&d);
        }
    }
    course_free(c);
}

static void test_html_write__sections_in_contract_order(void **state)
{
    (void)state;
    Course *c = sample();
    Diag d = DIAG_INIT;
    int rc;
    Doc doc = write_and_parse(c, 0, SCORM_2004, &d, &rc);
    assert_count(&doc, "//h:main/h:section[contains(@class,'cp-page')]", 5);
    assert_str(&doc, "//h:main/h:section[1]/@data-cp-page", "_context");
    assert_str(&doc, "//h:main/h:section[1]/@class", "cp-page cp-context");
    assert_str(&doc, "//h:main/h:section[2]/@data-cp-page", "01-intro");
    assert_str(&doc, "//h:main/h:section[2]/@id", "page-01-intro");
    assert_str(&doc, "//h:main/h:section[2]/@aria-labelledby", "h-01-intro");
    assert_str(&doc, "//h:main/h:section[2]/h:h1/@id", "h-01-intro");
    assert_str(&doc, "//h:main/h:section[2]/h:h1", "Intro <titre>");
    assert_count(&doc, "//h:main/h:section[2]/@data-cp-roles", 0);
    assert_str(&doc, "//h:main/h:section[3]/@data-cp-roles", "physician");
    assert_count(&doc, "//h:main/h:section[3]/@data-cp-settings", 0);
    assert_str(&doc, "//h:main/h:section[4]/@data-cp-page", "_references");
    assert_str(&doc, "//h:main/h:section[5]/@data-cp-page", "_summary");
    assert_count(&doc, "//h:section[@data-cp-page='_summary']"
                       "/h:div[@class='cp-summary-body'][@role='status']", 1);
    assert_count(&doc, "//h:section[@data-cp-page='_summary']/h:button[@class='cp-finish']", 1);
    /* context chooser: two radio groups with the ids as values */
    assert_count(&doc, "//h:form[@class='cp-context-form']//h:input[@type='radio'][@name='cp-role']",
                 2);
    assert_str(&doc, "(//h:input[@name='cp-setting'])[2]/@value", "imaging");
    assert_str(&doc, "//h:label[@for='cp-role-chief']", "Chef de service");
    /* nav and script */
    assert_count(&doc, "//h:nav[@class='cp-nav']/h:button[@class='cp-prev'][@type='button']", 1);
    assert_count(&doc, "//h:nav[@class='cp-nav']/h:span[@class='cp-progress']", 1);
    assert_count(&doc, "//h:script[@src='runtime/cp-runtime.js']", 1);
    assert_true(strstr(doc.html, "<script src=\"runtime/cp-runtime.js\"></script>") != NULL);
    assert_count(&doc, "//h:link[@rel='stylesheet'][@href='runtime/cp.css']", 1);
    doc_free(&doc);
    diag_release(&d);
    course_free(c);
}

static void test_html_write__content_blocks(void **state)
{
    (void)state;
    Course *c = sample();
    Diag d = DIAG_INIT;
    int rc;
    Doc doc = write_and_parse(c, 0, SCORM_12, &d, &rc);
    /* escaping of < & " ' in text: the parsed text equals the source text */
    assert_str(&doc, "//h:section[2]/h:p[1]/text()[1]", "Texte a<b & \"c\" 'd' ");
    assert_true(strstr(doc.html, "a&lt;b &amp; &quot;c&quot; &#39;d&#39;") != NULL);
    assert_str(&doc, "//h:section[2]/h:p[1]/h:strong", "fort");
    assert_str(&doc, "//h:section[2]/h:p[1]/h:a[h:em]/@href", "https://has-sante.fr/");
    assert_str(&doc, "//h:section[2]/h:p[1]/h:a[h:em]/@rel", "noopener");
    assert_str(&doc, "//h:section[2]/h:p[1]/h:a[h:em]/@target", "_blank");
    assert_str(&doc, "//h:a[@class='cp-cite']/@href", "#ref-beede2020");
    assert_str(&doc, "//h:a[@class='cp-cite']", "Beede");
    /* references: DOI as a doi.org link, URL escaped */
    assert_str(&doc, "//h:li[@id='ref-beede2020'][@class='cp-ref']/h:a/@href",
               "https://doi.org/10.1145/3313831.3376718");
    assert_str(&doc, "//h:li[@id='ref-beede2020']/h:a", "doi:10.1145/3313831.3376718");
    assert_str(&doc, "//h:li[@id='ref-anap2025']/text()[1]", "Anap. <IA> & confiance. ");
    assert_str(&doc, "//h:li[@id='ref-anap2025']/h:a/@href", "https://anap.fr/x?a=1&b=2");
    /* list, table, figure, callouts, group */
    assert_str(&doc, "//h:section[2]/h:ul/h:li", "item");
    assert_count(&doc, "//h:section[2]/h:table/h:thead/h:tr/h:th[@scope='col']", 1);
    assert_str(&doc, "//h:section[2]/h:table/h:tbody/h:tr/h:td[@class='cp-align-right']", "val");
    assert_str(&doc, "//h:figure[@class='cp-figure']/h:img/@src", "img/workflow.png");
    assert_str(&doc, "//h:figure/h:img/@alt", "Le parcours");
    assert_str(&doc, "//h:figure/h:img/@width", "800");
    assert_str(&doc, "//h:figure/h:img/@height", "450");
    assert_str(&doc, "//h:figure/h:figcaption", "Figure 1");
    assert_str(&doc, "//h:aside[@class='cp-callout cp-keyfact'][@role='note']/@aria-label",
               "À retenir");
    assert_str(&doc, "//h:aside[@class='cp-callout cp-keyfact']/h:p[@class='cp-callout-title']",
               "À retenir");
    assert_str(&doc, "//h:aside[@class='cp-callout cp-warning']/@aria-label", "Danger");
    assert_str(&doc, "//h:div[@class='cp-only']/@data-cp-roles", "chief");
    assert_str(&doc, "//h:div[@class='cp-only']/@data-cp-settings", "ed,imaging");
    doc_free(&doc);
    diag_release(&d);
    course_free(c);
}

static void test_html_write__questions(void **state)
{
    (void)state;
    Course *c = sample();
    Diag d = DIAG_INIT;
    int rc;
    Doc doc = write_and_parse(c, 0, SCORM_2004, &d, &rc);
    const char *q = "//h:form[@id='q-single']";
    char x[300];
#define Q(suffix) (snprintf(x, sizeof(x), "%s%s", q, suffix), x)
    assert_str(&doc, Q("/@class"), "cp-question");
    assert_str(&doc, Q("/@data-cp-question"), "q-single");
    assert_str(&doc, Q("/@data-cp-type"), "single");
    assert_str(&doc, Q("/@data-cp-weight"), "2");
    assert_str(&doc, Q("/@data-cp-correct"), "b");
    assert_str(&doc, Q("/@data-cp-description"), "Laquelle ?");
    assert_str(&doc, Q("/h:fieldset/h:legend[@class='cp-prompt']"), "Laquelle ?");
    assert_count(&doc, Q("/h:fieldset/h:div[@class='cp-choice']/h:input[@type='radio']"
                         "[@name='q-single']"), 3);
    assert_str(&doc, Q("//h:div[@data-cp-choice='b']/h:input/@id"), "q-single-b");
    assert_str(&doc, Q("//h:div[@data-cp-choice='b']/h:input/@value"), "b");
    assert_str(&doc, Q("//h:div[@data-cp-feedback='b']/@hidden"), "hidden");
    assert_str(&doc, Q("//h:div[@data-cp-feedback='b']/h:p"), "Oui.");
    assert_str(&doc, Q("/h:div[@class='cp-explanation']/@hidden"), "hidden");
    assert_str(&doc, Q("/h:button[@type='submit'][@class='cp-submit']"), "Valider");
    assert_str(&doc, Q("/h:p[@class='cp-result']/@aria-live"), "polite");
    /* multiple: checkboxes, correct set, long prompt in a div labelling the fieldset */
    q = "//h:form[@id='q-multi']";
    assert_str(&doc, Q("/@data-cp-type"), "multiple");
    assert_str(&doc, Q("/@data-cp-correct"), "a,c");
    assert_count(&doc, Q("//h:input[@type='checkbox']"), 4);
    assert_count(&doc, Q("/h:div[@class='cp-prompt'][@id='q-multi-prompt']/h:p"), 2);
    assert_str(&doc, Q("/h:fieldset/@aria-labelledby"), "q-multi-prompt");
    assert_str(&doc, Q("/@data-cp-description"), "Premier paragraphe. Second paragraphe.");
    q = "//h:form[@id='q-tf']";
    assert_str(&doc, Q("/@data-cp-type"), "truefalse");
    assert_str(&doc, Q("/@data-cp-correct"), "a");
    assert_count(&doc, Q("//h:input[@type='radio']"), 2);
    /* every fieldset has a legend or aria-labelledby pointing at an element */
    assert_count(&doc, "//h:fieldset[not(h:legend) and not(@aria-labelledby)]", 0);
    assert_count(&doc, "//h:fieldset[@aria-labelledby][not(@aria-labelledby = //@id)]", 0);
    /* every input and textarea has exactly one label */
    assert_count(&doc, "//h:input[not(@id = //h:label/@for)]", 0);
    assert_count(&doc, "//h:textarea[not(@id = //h:label/@for)]", 0);
    /* reflection */
    q = "//h:form[@data-cp-reflection='r-service']";
    assert_str(&doc, Q("/@class"), "cp-reflection");
    assert_str(&doc, Q("/h:textarea/@maxlength"), "300");
    assert_str(&doc, Q("/h:textarea/@aria-describedby"), "r-service-prompt");
    assert_str(&doc, Q("/h:div[@class='cp-reflection-prompt']/h:p"), "Dans votre service ?");
    assert_str(&doc, Q("/h:label"), "Votre réponse (300 caractères au plus)");
    assert_true(strstr(doc.html, "rows=\"5\" aria-describedby=\"r-service-prompt\"></textarea>"));
    assert_str(&doc, Q("/h:button"), "Enregistrer");
#undef Q
    doc_free(&doc);
    diag_release(&d);
    course_free(c);
}

static void test_html_write__scenario(void **state)
{
    (void)state;
    Course *c = sample();
    Diag d = DIAG_INIT;
    int rc;
    Doc doc = write_and_parse(c, 1, SCORM_2004, &d, &rc);
    const char *s = "//h:div[@data-cp-scenario='sc-night']";
    char x[300];
#define S(suffix) (snprintf(x, sizeof(x), "%s%s", s, suffix), x)
    assert_str(&doc, S("/@class"), "cp-scenario");
    assert_str(&doc, S("/@data-cp-scored"), "true");
    assert_str(&doc, S("/@data-cp-weight"), "3");
    assert_str(&doc, S("/@data-cp-best"), "b");
    assert_str(&doc, S("/h:h2[@class='cp-scenario-title']"), "Nuit aux urgences");
    assert_count(&doc, S("/h:div[contains(@class,'cp-step')]"), 4);
    assert_count(&doc, S("/h:div[@data-cp-step='start'][@hidden]"), 0);
    assert_count(&doc, S("/h:div[@data-cp-step='wait'][@hidden='hidden']"), 1);
    assert_str(&doc, S("/h:div[@data-cp-step='exam']/@class"), "cp-step cp-end");
    assert_str(&doc, S("/h:div[@data-cp-step='exam']/@data-cp-end"), "correct");
    assert_str(&doc, S("/h:div[@data-cp-step='late']/@data-cp-end"), "partial");
    assert_str(&doc, S("//h:button[@data-cp-choice='a']/@data-cp-target"), "wait");
    assert_str(&doc, S("//h:button[@data-cp-choice='a']/@type"), "button");
    /* no link inside a button */
    assert_count(&doc, S("//h:button//h:a"), 0);
    assert_str(&doc, S("//h:button[@data-cp-choice='a']"), "aller");
    assert_str(&doc, S("//h:div[@data-cp-consequence='a']/@hidden"), "hidden");
    assert_str(&doc, S("/h:button[@class='cp-restart']"), "Start again");
    /* English interface words */
    assert_str(&doc, "//h:form[@id='q-single']/h:button", "Submit");
    assert_str(&doc, "/h:html/h:body/@data-cp-text-next", "Next");
    assert_str(&doc, "//h:section[@data-cp-page='_summary']/h:h1", "Summary");
    /* no English label: the other language's label stands in */
    assert_str(&doc, "//h:label[@for='cp-setting-imaging']", "Imagerie");
    assert_str(&doc, "//h:label[@for='cp-setting-ed']", "Emergency department");
#undef S
    doc_free(&doc);
    diag_release(&d);
    course_free(c);

    Scenario none = { .id = "sc-x" };
    Buf b = BUF_INIT;
    html_scenario_best(&none, &b);
    assert_string_equal(b.data, "");
    buf_release(&b);
}

static void test_html_write__french_interface_words(void **state)
{
    (void)state;
    Course *c = sample();
    Diag d = DIAG_INIT;
    int rc;
    Doc doc = write_and_parse(c, 0, SCORM_12, &d, &rc);
    assert_str(&doc, "/h:html/h:body/@data-cp-text-next", "Suivant");
    assert_str(&doc, "/h:html/h:body/@data-cp-text-prev", "Précédent");
    /* non-breaking space before ':' and narrow one before '%' */
    assert_str(&doc, "/h:html/h:body/@data-cp-text-score", "Score\xc2\xa0: %1\xe2\x80\xaf%");
    assert_str(&doc, "//h:section[@data-cp-page='_references']/h:h1", "Références");
    assert_str(&doc, "//h:nav/@aria-label", "Navigation dans le module");
    assert_str(&doc, "//h:nav/h:button[@class='cp-next']", "Suivant");
    doc_free(&doc);
    diag_release(&d);
    course_free(c);
}

/* No heading level is skipped: each section opens with h1, and a heading is
 * at most one level deeper than the previous one. */
static void test_html_write__heading_order(void **state)
{
    (void)state;
    Course *c = sample();
    for (int lang = 0; lang < 2; lang++) {
        Diag d = DIAG_INIT;
        int rc;
        Doc doc = write_and_parse(c, lang, SCORM_2004, &d, &rc);
        assert_count(&doc, "//h:h1", 5);
        assert_count(&doc, "//h:main/h:section[not(*[1][self::h:h1])]", 0);
        xmlXPathObjectPtr o = xmlXPathEvalExpression(
            BAD_CAST "//h:main/h:section//*[self::h:h1 or self::h:h2 or self::h:h3 or "
                     "self::h:h4 or self::h:h5 or self::h:h6]", doc.xp);
        assert_non_null(o->nodesetval);
        int prev = 0, n = o->nodesetval->nodeNr;
        assert_true(n >= 7);
        for (int i = 0; i < n; i++) {
            int level = o->nodesetval->nodeTab[i]->name[1] - '0';
            assert_true(level <= prev + 1);
            prev = level;
        }
        xmlXPathFreeObject(o);
        assert_str(&doc, "//h:section[2]/h:h2", "Sous-partie");
        doc_free(&doc);
        diag_release(&d);
    }
    course_free(c);
}

static void test_html_write__unknown_citation_is_located(void **state)
{
    (void)state;
    Course *c = sample();
    Block *p = course_new_block(c, BLOCK_PARAGRAPH, srcloc("01-intro.fr.md", 12, 5));
    p->text = run(c, INLINE_CITE, "X", "nobody2021");
    p->next = course_new_block(c, BLOCK_PARAGRAPH, srcloc("01-intro.fr.md", 14, 1));
    p->next->text = run(c, INLINE_LINK, "clic", "javascript:alert(1)");
    course_append_block(&c->langs[0].pages->blocks, p);
    Diag d = DIAG_INIT;
    int rc;
    Doc doc = write_and_parse(c, 0, SCORM_12, &d, &rc);
    assert_int_equal(rc, -1);
    assert_int_equal(d.errors, 2);
    char *m = diag_format(&d.msgs[0]);
    assert_string_equal(m, "01-intro.fr.md:12:5: error: citation of unknown reference "
                           "'nobody2021' (add it to <references> in module.xml or correct "
                           "the id)");
    free(m);
    m = diag_format(&d.msgs[1]);
    assert_string_equal(m, "01-intro.fr.md:14:1: error: link to 'javascript:alert(1)' uses an "
                           "address type a course may not use (use an http:, https: or "
                           "mailto: address)");
    free(m);
    assert_count(&doc, "//h:a[starts-with(@href,'javascript')]", 0);
    doc_free(&doc);
    diag_release(&d);
    /* a language out of range */
    Buf out = BUF_INIT;
    c->dir = "courses/x";
    assert_int_equal(html_write_index(c, 3, SCORM_12, &out, &d), -1);
    m = diag_format(&d.msgs[0]);
    assert_string_equal(m, "courses/x: error: no language number 3 in module 'ai-never-neutral' "
                           "(build one of the languages of <languages>)");
    free(m);
    buf_release(&out);
    diag_release(&d);
    course_free(c);
}

static void test_html_write__description_is_cut_to_250_units(void **state)
{
    (void)state;
    Course *c = course_new();
    Buf long_text = BUF_INIT;
    for (int i = 0; i < 300; i++)
        buf_puts(&long_text, "é");          /* 1 UTF-16 unit, 2 bytes */
    Block *prompt = para(c, long_text.data);
    Question q = { .id = "q-x", .type = QUESTION_SINGLE, .weight = 1, .prompt = prompt };
    Buf out = BUF_INIT;
    html_question_description(&q, &out);
    /* 249 é + "…" */
    assert_int_equal(out.len, 249 * 2 + 3);
    assert_string_equal(out.data + 249 * 2, "\xe2\x80\xa6");
    buf_clear(&out);
    buf_clear(&long_text);
    for (int i = 0; i < 130; i++)
        buf_puts(&long_text, "\xf0\x9f\x98\x80");   /* 2 UTF-16 units each */
    prompt->text = run(c, 0, long_text.data, NULL);
    html_question_description(&q, &out);
    assert_int_equal(out.len, 124 * 4 + 3);
    buf_clear(&out);
    prompt->text = run(c, 0, "  a \n\t b  ", NULL);
    html_question_description(&q, &out);
    assert_string_equal(out.data, "a b");
    buf_release(&out);
    buf_release(&long_text);
    course_free(c);
}

/* Polyglot: only void elements are self-closed ("<div/>" would open a div
 * in an HTML parser). */
static void test_html_write__only_void_elements_self_close(void **state)
{
    (void)state;
    static const char *const voids[] = { "br", "hr", "img", "input", "meta", "link", NULL };
    Course *c = sample();
    for (int ed = 0; ed < 2; ed++) {
        Buf out = BUF_INIT;
        Diag d = DIAG_INIT;
        assert_int_equal(html_write_index(c, 0, (ScormEdition)ed, &out, &d), 0);
        int n = 0;
        for (const char *p = strstr(out.data, "/>"); p; p = strstr(p + 2, "/>")) {
            const char *lt = p;
            while (lt > out.data && *lt != '<')
                lt--;
            size_t len = strcspn(lt + 1, " />");
            int ok = 0;
            for (int i = 0; voids[i]; i++)
                if (strlen(voids[i]) == len && strncmp(lt + 1, voids[i], len) == 0)
                    ok = 1;
            if (!ok)
                print_error("self-closed non-void element: %.*s\n", (int)len, lt + 1);
            assert_true(ok);
            n++;
        }
        assert_true(n > 10);
        buf_release(&out);
        diag_release(&d);
    }
    course_free(c);
}

/* The worked example module, read by the source reader: every page becomes a
 * section, every question and scenario keeps its id, the output parses. */
static void test_html_write__example_module(void **state)
{
    (void)state;
    Diag d = DIAG_INIT;
    Course *c = source_read_module(TEST_SRCDIR "/courses/example-module", &d);
    if (!c || d.errors) {
        diag_print(&d, stderr);
        fail_msg("the example module does not read cleanly");
    }
    for (int lang = 0; lang < c->nlangs; lang++) {
        for (int ed = 0; ed < 2; ed++) {
            int rc;
            Doc doc = write_and_parse(c, lang, (ScormEdition)ed, &d, &rc);
            assert_int_equal(rc, 0);
            assert_str(&doc, "/h:html/@lang", c->langs[lang].code);
            int i = 0;
            for (const Page *p = c->langs[lang].pages; p; p = p->next, i++) {
                char x[300];
                snprintf(x, sizeof(x), "//h:main/h:section[@data-cp-page='%s']", p->name);
                assert_count(&doc, x, 1);
            }
            assert_count(&doc, "//h:main/h:section[not(*[1][self::h:h1])]", 0);
            assert_count(&doc, "//h:input[not(@id = //h:label/@for)]", 0);
            assert_count(&doc, "//h:textarea[not(@id = //h:label/@for)]", 0);
            assert_count(&doc, "//h:fieldset[not(h:legend) and not(@aria-labelledby)]", 0);
            assert_count(&doc, "//h:img[not(@alt) or @alt='']", 0);
            assert_count(&doc, "//h:a[@class='cp-cite'][not(substring-after(@href,'#') = "
                               "//h:li/@id)]", 0);
            assert_true(num(&doc, "count(//h:form[@class='cp-question'])") >= 1);
            doc_free(&doc);
        }
    }
    diag_release(&d);
    course_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_html_write__well_formed_in_every_language_and_edition),
        cmocka_unit_test(test_html_write__sections_in_contract_order),
        cmocka_unit_test(test_html_write__content_blocks),
        cmocka_unit_test(test_html_write__questions),
        cmocka_unit_test(test_html_write__scenario),
        cmocka_unit_test(test_html_write__french_interface_words),
        cmocka_unit_test(test_html_write__heading_order),
        cmocka_unit_test(test_html_write__unknown_citation_is_located),
        cmocka_unit_test(test_html_write__description_is_cut_to_250_units),
        cmocka_unit_test(test_html_write__only_void_elements_self_close),
        cmocka_unit_test(test_html_write__example_module),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
