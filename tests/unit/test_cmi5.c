/* Unit tests of cmi5: cmi5.xml written for our courses is valid against the
 * cmi5 CourseStructure.xsd (libxml2's schema code here; xmllint in
 * tests/integration/cmi5_package.sh) and reads back the same; the spec's own
 * examples read as an LMS imports them; every problem the reader reports is
 * located and worded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "buf.h"
#include "cmi5.h"
#include "diag.h"

#define CMI5_DIR TEST_SHARED "/scorm/cmi5/v1"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s (the cmi5 specification folder of ../shared)", path);
    Buf b = BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    return buf_detach(&b, len);
}

/* 0 when xml is valid against CourseStructure.xsd; the errors on stderr. */
static int schema_valid(const char *xml, size_t len)
{
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(CMI5_DIR "/CourseStructure.xsd");
    assert_non_null(pc);
    xmlSchemaPtr schema = xmlSchemaParse(pc);
    assert_non_null(schema);
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    xmlDocPtr doc = xmlReadMemory(xml, (int)len, "cmi5.xml", NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    int rc = xmlSchemaValidateDoc(vc, doc);
    xmlFreeDoc(doc);
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pc);
    return rc;
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("'%.600s' does not contain '%s'", hay, needle);
}

/* The one message of d, formatted. */
static void expect_only(const Diag *d, const char *want)
{
    if (d->count != 1) {
        for (size_t i = 0; i < d->count; i++) {
            char *s = diag_format(&d->msgs[i]);
            fprintf(stderr, "  %s\n", s ? s : "?");
            free(s);
        }
        fail_msg("%zu messages, expected one: %s", d->count, want);
    }
    char *s = diag_format(&d->msgs[0]);
    if (!s || strcmp(s, want) != 0)
        fail_msg("message\n  %s\nexpected\n  %s", s ? s : "(null)", want);
    free(s);
}

static const Cmi5Au two_aus[] = {
    { "urn:coursepack:au:ai-never-neutral:fr", "fr", "L’outil n’est jamais neutre & <biais>",
      "Ce qu’un outil change.", "ai-never-neutral/index.html",
      CMI5_MOVEON_COMPLETED_AND_PASSED, 8000, CMI5_ANY_WINDOW, NULL, 0 },
    { "urn:coursepack:au:ai-governance:fr", "fr", "Gouvernance", NULL,
      "ai-governance/a b#1.html", CMI5_MOVEON_COMPLETED, -1, CMI5_OWN_WINDOW,
      "role=chief&setting=ed", 0 },
};

static void test_cmi5__written_schema_valid_and_read_back(void **state)
{
    (void)state;
    Cmi5Course c = { .id = "urn:coursepack:curriculum:fr", .lang = "fr",
                     .title = "Parcours", .description = "Les modules.",
                     .aus = (Cmi5Au *)two_aus, .naus = 2 };
    Buf b = BUF_INIT;
    Diag d = DIAG_INIT;
    assert_int_equal(cmi5_write(&c, &b, &d), 0);
    assert_int_equal(d.count, 0);
    assert_contains(b.data, "<courseStructure xmlns=\"" CMI5_NAMESPACE "\">");
    assert_contains(b.data, "<course id=\"urn:coursepack:curriculum:fr\">");
    assert_contains(b.data, "<au id=\"urn:coursepack:au:ai-never-neutral:fr\" "
                            "moveOn=\"CompletedAndPassed\" masteryScore=\"0.8\" "
                            "launchMethod=\"AnyWindow\">");
    assert_contains(b.data, "<langstring lang=\"fr\">L’outil n’est jamais neutre &amp; "
                            "&lt;biais&gt;</langstring>");
    assert_contains(b.data, "<url>ai-never-neutral/index.html</url>");
    /* no mastery: no attribute; a URL's special characters escaped */
    assert_contains(b.data, "<au id=\"urn:coursepack:au:ai-governance:fr\" moveOn=\"Completed\" "
                            "launchMethod=\"OwnWindow\">");
    assert_contains(b.data, "<url>ai-governance/a%20b%231.html</url>");
    assert_contains(b.data, "<launchParameters>role=chief&amp;setting=ed</launchParameters>");
    /* a missing description is the title (the schema requires one) */
    assert_contains(b.data, "<description><langstring lang=\"fr\">Gouvernance</langstring>"
                            "</description>");
    assert_int_equal(schema_valid(b.data, b.len), 0);

    Cmi5Course *r = cmi5_read(b.data, b.len, "t.zip: cmi5.xml", &d);
    assert_non_null(r);
    assert_int_equal(d.count, 0);
    assert_string_equal(r->id, c.id);
    assert_string_equal(r->title, "Parcours");
    assert_string_equal(r->lang, "fr");
    assert_int_equal(r->naus, 2);
    for (size_t i = 0; i < 2; i++) {
        assert_string_equal(r->aus[i].id, two_aus[i].id);
        assert_string_equal(r->aus[i].title, two_aus[i].title);
        assert_string_equal(r->aus[i].lang, "fr");
        assert_int_equal(r->aus[i].move_on, two_aus[i].move_on);
        assert_int_equal(r->aus[i].mastery, two_aus[i].mastery);
        assert_int_equal(r->aus[i].launch_method, two_aus[i].launch_method);
    }
    assert_string_equal(r->aus[0].url, "ai-never-neutral/index.html");
    assert_string_equal(r->aus[1].url, "ai-governance/a%20b%231.html");
    assert_null(r->aus[0].launch_parameters);
    assert_string_equal(r->aus[1].launch_parameters, "role=chief&setting=ed");
    assert_int_equal(r->aus[0].line, 7);
    cmi5_free(r);
    buf_release(&b);
    diag_release(&d);
}

static void test_cmi5__mastery_as_a_decimal(void **state)
{
    (void)state;
    static const struct { int m; const char *text; } cases[] = {
        { 8000, "masteryScore=\"0.8\"" }, { 10000, "masteryScore=\"1\"" },
        { 0, "masteryScore=\"0\"" }, { 500, "masteryScore=\"0.05\"" },
        { 8550, "masteryScore=\"0.855\"" }, { 1, "masteryScore=\"0.0001\"" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        Cmi5Au au = two_aus[0];
        au.mastery = cases[i].m;
        Cmi5Course c = { .id = "urn:x:c", .lang = "en", .title = "T", .aus = &au, .naus = 1 };
        Buf b = BUF_INIT;
        Diag d = DIAG_INIT;
        assert_int_equal(cmi5_write(&c, &b, &d), 0);
        assert_contains(b.data, cases[i].text);
        assert_int_equal(schema_valid(b.data, b.len), 0);
        Cmi5Course *r = cmi5_read(b.data, b.len, "m", &d);
        assert_non_null(r);
        assert_int_equal(r->aus[0].mastery, cases[i].m);
        cmi5_free(r);
        buf_release(&b);
        diag_release(&d);
    }
}

static void test_cmi5__writer_refuses(void **state)
{
    (void)state;
    Cmi5Au au = two_aus[0];
    Cmi5Course c = { .id = "ai never neutral", .lang = "en", .title = "T", .aus = &au,
                     .naus = 1 };
    Buf b = BUF_INIT;
    Diag d = DIAG_INIT;
    assert_int_equal(cmi5_write(&c, &b, &d), -1);
    expect_only(&d, "cmi5.xml: error: course id 'ai never neutral' is not an absolute IRI "
                    "(use e.g. urn:coursepack:course:<id>:<lang>)");
    diag_release(&d);
    c.id = "urn:x:c";
    Cmi5Au twice[2] = { two_aus[0], two_aus[0] };
    c.aus = twice;
    c.naus = 2;
    assert_int_equal(cmi5_write(&c, &b, &d), -1);
    expect_only(&d, "cmi5.xml: error: AU id 'urn:coursepack:au:ai-never-neutral:fr' is used "
                    "twice (ids must be unique in a course structure)");
    diag_release(&d);
    c.naus = 1;
    twice[0].mastery = 10001;
    assert_int_equal(cmi5_write(&c, &b, &d), -1);
    assert_int_equal(d.errors, 1);
    diag_release(&d);
    buf_release(&b);
}

static void test_cmi5__reads_the_spec_examples(void **state)
{
    (void)state;
    size_t len;
    Diag d = DIAG_INIT;
    char *xml = slurp(CMI5_DIR "/examples/simple-cmi5.xml", &len);
    Cmi5Course *c = cmi5_read(xml, len, "simple", &d);
    assert_non_null(c);
    assert_int_equal(c->naus, 1);
    assert_string_equal(c->title, "Introduction to Geology");
    assert_string_equal(c->lang, "en-US");
    /* trimmed, as an LMS must (13.1) */
    assert_true(strncmp(c->aus[0].description, "This course will", 16) == 0);
    assert_string_equal(c->aus[0].url, "http://course-repository.example.edu/identifiers/"
                                       "courses/02baafcf/aus/4c07/launch.html");
    assert_int_equal(c->aus[0].move_on, CMI5_MOVEON_NOT_APPLICABLE);   /* the default */
    assert_int_equal(c->aus[0].mastery, -1);
    assert_int_equal(c->aus[0].launch_method, CMI5_ANY_WINDOW);
    cmi5_free(c);
    free(xml);

    /* blocks in blocks: their AUs, flat, in document order */
    xml = slurp(CMI5_DIR "/examples/complex-cmi5.xml", &len);
    c = cmi5_read(xml, len, "complex", &d);
    assert_non_null(c);
    assert_int_equal(d.count, 0);
    assert_int_equal(c->naus, 14);
    assert_string_equal(c->aus[0].id, "http://courses.example.edu/identifiers/courses/d07e186b/"
                                      "blocks/001/aus/64f6");
    assert_int_equal(c->aus[0].move_on, CMI5_MOVEON_COMPLETED_OR_PASSED);
    assert_int_equal(c->aus[0].mastery, 10000);
    assert_int_equal(c->aus[2].launch_method, CMI5_OWN_WINDOW);
    assert_int_equal(c->aus[2].mastery, 1000);
    assert_string_equal(c->aus[13].id, "http://quiz-server.example.com/1Hu62hL");
    assert_int_equal(c->aus[13].mastery, 7000);
    cmi5_free(c);
    free(xml);

    /* vendor extensions (other namespaces) are skipped */
    xml = slurp(CMI5_DIR "/examples/extended-cmi5.xml", &len);
    c = cmi5_read(xml, len, "extended", &d);
    assert_non_null(c);
    assert_int_equal(c->naus, 1);
    assert_int_equal(d.count, 0);
    cmi5_free(c);
    free(xml);
    diag_release(&d);
}

#define HEAD "<?xml version=\"1.0\"?>\n<courseStructure xmlns=\"" CMI5_NAMESPACE "\">\n"
#define COURSE "<course id=\"urn:x:c\"><title><langstring lang=\"en\">C</langstring></title>" \
               "<description><langstring lang=\"en\">D</langstring></description></course>\n"
#define TEXTS "<title><langstring>T</langstring></title>" \
              "<description><langstring>D</langstring></description>"

static void read_fails(const char *xml, const char *want)
{
    Diag d = DIAG_INIT;
    Cmi5Course *c = cmi5_read(xml, strlen(xml), "x.zip: cmi5.xml", &d);
    assert_null(c);
    expect_only(&d, want);
    diag_release(&d);
}

static void test_cmi5__reader_problems_located_and_worded(void **state)
{
    (void)state;
    read_fails("<courseStructure", "x.zip: cmi5.xml:1:17: error: the course structure is not "
               "well-formed XML: Couldn't find end of Start Tag courseStructure line 1 (fix "
               "the XML; 'xmllint --noout' shows the place)");
    read_fails("<?xml version=\"1.0\"?>\n<!DOCTYPE c [<!ENTITY a \"b\">]>\n<c/>",
               "x.zip: cmi5.xml: error: the course structure declares XML entities in a "
               "DOCTYPE, which is refused for safety (remove the DOCTYPE; cmi5.xml does not "
               "need one)");
    read_fails("<manifest/>", "x.zip: cmi5.xml:1: error: the root element is <manifest>, not "
               "<courseStructure> (this is not a cmi5 course structure)");
    read_fails("<courseStructure xmlns=\"urn:other\"/>", "x.zip: cmi5.xml:1: error: "
               "<courseStructure> is in the namespace 'urn:other', not cmi5's (set xmlns=\""
               CMI5_NAMESPACE "\")");
    read_fails(HEAD "<au id=\"urn:x:a\">" TEXTS "<url>a.html</url></au>\n</courseStructure>",
               "x.zip: cmi5.xml:2: error: <courseStructure> has no <course> (add <course "
               "id=\"...\"> with a title and a description)");
    read_fails(HEAD COURSE "</courseStructure>", "x.zip: cmi5.xml:2: error: the course has no "
               "<au>, so an LMS has nothing to launch (add at least one assignable unit)");
    read_fails(HEAD COURSE "<au id=\"urn:x:a\">" TEXTS "<url> </url></au>\n</courseStructure>",
               "x.zip: cmi5.xml:4: error: AU 'urn:x:a' has no <url>, so an LMS has nothing "
               "to launch (add the launch page, relative to the package root)");
    read_fails(HEAD COURSE "<au id=\"urn:x:a\">" TEXTS "<url>a</url></au>\n"
               "<block id=\"urn:x:b\">" TEXTS "\n<au id=\" urn:x:a \">" TEXTS "<url>b</url>"
               "</au></block>\n</courseStructure>",
               "x.zip: cmi5.xml:6: error: id 'urn:x:a' is used again (first on line 4); every "
               "AU and block id must be unique (rename one)");
    read_fails(HEAD COURSE "<au id=\"urn:x:a\" moveOn=\"passed\">" TEXTS "<url>a</url></au>"
               "</courseStructure>", "x.zip: cmi5.xml:4: error: AU 'urn:x:a': moveOn 'passed' "
               "is not a cmi5 value (use Passed, Completed, CompletedAndPassed, "
               "CompletedOrPassed or NotApplicable)");
    read_fails(HEAD COURSE "<au id=\"urn:x:a\" masteryScore=\"80\">" TEXTS "<url>a</url></au>"
               "</courseStructure>", "x.zip: cmi5.xml:4: error: AU 'urn:x:a': masteryScore "
               "'80' is not a decimal between 0 and 1 (write the pass mark as a fraction: 0.8 "
               "for 80 %)");
    read_fails(HEAD COURSE "<au id=\"urn:x:a\" launchMethod=\"NewWindow\">" TEXTS "<url>a</url>"
               "</au></courseStructure>", "x.zip: cmi5.xml:4: error: AU 'urn:x:a': "
               "launchMethod 'NewWindow' is not a cmi5 value (use AnyWindow or OwnWindow)");
    read_fails(HEAD COURSE "<au><title><langstring>T</langstring></title><description>"
               "<langstring>D</langstring></description><url>a</url></au></courseStructure>",
               "x.zip: cmi5.xml:4: error: an <au> has no id (add id=\"...\": an IRI unique in "
               "the course)");
    read_fails(HEAD COURSE "<au id=\"urn:x:a\"><title/><description><langstring>D</langstring>"
               "</description><url>a</url></au></courseStructure>", "x.zip: cmi5.xml:4: error: "
               "AU 'urn:x:a' has no <title> with a <langstring> (add one: the LMS shows it)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cmi5__written_schema_valid_and_read_back),
        cmocka_unit_test(test_cmi5__mastery_as_a_decimal),
        cmocka_unit_test(test_cmi5__writer_refuses),
        cmocka_unit_test(test_cmi5__reads_the_spec_examples),
        cmocka_unit_test(test_cmi5__reader_problems_located_and_worded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
