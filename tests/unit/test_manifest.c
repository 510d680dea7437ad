/* Unit tests of manifest: writing (both editions, schema-valid, SCORM rules the
 * schemas do not check) and reading third-party manifests safely. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "buf.h"
#include "course.h"
#include "diag.h"
#include "manifest.h"
#include "pkgfixture.h"
#include "validate.h"

#define XSD TEST_SHARED "/scorm/xsd"

static Course *hand_course(void)
{
    Course *c = course_new();
    assert_non_null(c);
    c->dir = "courses/ai-never-neutral";
    c->id = "ai-never-neutral";
    c->version = "1.2.0";
    c->mastery_score = 80;
    c->nlangs = 2;
    c->langs[0].code = "fr";
    c->langs[0].title = "L'IA n'est jamais neutre & <biais>";
    c->langs[0].description = "Pour les médecins et chefs de service.";
    c->langs[1].code = "en";
    c->langs[1].title = "AI is never neutral";
    c->langs[1].description = "For physicians and heads of department.";
    return c;
}

static const char *const files[] = {
    "index.html", "runtime/cp-runtime.js", "runtime/cp.css", "img/workflow.png",
    "img/a b#1.png", "imsmanifest.xml", "imscp_rootv1p1p2.xsd", "common/anyElement.xsd",
};

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("'%.300s...' does not contain '%s'", hay, needle);
}

static const char *first_msg(const Diag *d)
{
    static char line[2048];
    if (!d->count)
        return "";
    char *s = diag_format(&d->msgs[0]);
    snprintf(line, sizeof(line), "%s", s ? s : "");
    free(s);
    return line;
}

/* Writes the manifest where tests/integration/manifest_schema.sh asks. */
static void save_for_script(const char *name, const Buf *b)
{
    const char *dir = getenv("MANIFEST_OUT_DIR");
    if (!dir || !*dir)
        return;
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    assert_int_equal(pkgfixture_write_file(path, b->data, b->len), 0);
}

static void test_manifest__scorm12_written_and_schema_valid(void **state)
{
    (void)state;
    Course *c = hand_course();
    Buf b = BUF_INIT;
    Diag d = DIAG_INIT;
    assert_int_equal(manifest_write(c, 0, SCORM_12, files, 8, &b, &d), 0);
    assert_contains(b.data, "<manifest identifier=\"cp-ai-never-neutral\" version=\"1.2.0\"");
    assert_contains(b.data, "<schemaversion>1.2</schemaversion>");
    assert_contains(b.data, "<organizations default=\"org-ai-never-neutral\">");
    assert_contains(b.data, "<item identifier=\"item-ai-never-neutral\" "
                    "identifierref=\"res-ai-never-neutral\"");
    assert_contains(b.data, "<adlcp:masteryscore>80</adlcp:masteryscore>");
    assert_contains(b.data, "adlcp:scormtype=\"sco\" href=\"index.html\"");
    assert_contains(b.data, "<title>L&#39;IA n&#39;est jamais neutre &amp; &lt;biais&gt;</title>");
    assert_contains(b.data, "<file href=\"img/a%20b%231.png\"/>");
    assert_null(strstr(b.data, "<file href=\"imsmanifest.xml\""));
    assert_null(strstr(b.data, ".xsd\"/>"));
    /* index.html is listed exactly once. */
    const char *first = strstr(b.data, "<file href=\"index.html\"/>");
    assert_non_null(first);
    assert_null(strstr(first + 1, "<file href=\"index.html\"/>"));

    assert_int_equal(validate_manifest_schema(b.data, b.len, "m12.xml", XSD, &d), 0);
    assert_int_equal(d.errors, 0);
    save_for_script("scorm12.xml", &b);

    /* Read back: the tree the player shows. */
    Manifest *m = manifest_read(b.data, b.len, "m12.xml", &d);
    assert_non_null(m);
    assert_int_equal(m->edition, MANIFEST_EDITION_12);
    assert_string_equal(m->schemaversion, "1.2");
    assert_string_equal(m->identifier, "cp-ai-never-neutral");
    const ManifestOrganization *o = manifest_default_org(m);
    assert_non_null(o);
    assert_int_equal(o->nitems, 1);
    assert_string_equal(o->items[0].title, "L'IA n'est jamais neutre & <biais>");
    assert_string_equal(o->items[0].mastery_score, "80");
    const ManifestResource *r = manifest_find_resource(m, o->items[0].identifierref);
    assert_non_null(r);
    assert_string_equal(r->scorm_type, "sco");
    assert_string_equal(r->scorm_type_attr, "scormtype");
    assert_int_equal(r->nfiles, 5);
    const char *path;
    assert_int_equal(manifest_resolve(m, r, r->files[4].href, &path), MANIFEST_PATH_OK);
    assert_string_equal(path, "img/a b#1.png");
    manifest_free(m);
    buf_release(&b);
    diag_release(&d);
    course_free(c);
}

static void test_manifest__scorm2004_written_and_schema_valid(void **state)
{
    (void)state;
    Course *c = hand_course();
    Buf b = BUF_INIT;
    Diag d = DIAG_INIT;
    assert_int_equal(manifest_write(c, 1, SCORM_2004, files, 5, &b, &d), 0);
    assert_contains(b.data, "<schemaversion>2004 4th Edition</schemaversion>");
    assert_contains(b.data, "adlseq:objectivesGlobalToSystem=\"false\"");
    assert_contains(b.data, "<imsss:primaryObjective objectiveID=\"obj-ai-never-neutral\" "
                    "satisfiedByMeasure=\"true\">");
    assert_contains(b.data, "<imsss:minNormalizedMeasure>0.80</imsss:minNormalizedMeasure>");
    assert_contains(b.data, "<imsss:deliveryControls completionSetByContent=\"true\" "
                    "objectiveSetByContent=\"true\"/>");
    assert_contains(b.data, "<imsss:controlMode choice=\"true\" flow=\"true\"/>");
    assert_contains(b.data, "adlcp:scormType=\"sco\" href=\"index.html\"");
    assert_contains(b.data, "<lom:string language=\"en\">AI is never neutral</lom:string>");
    assert_int_equal(validate_manifest_schema(b.data, b.len, "m2004.xml", XSD, &d), 0);
    assert_int_equal(d.errors, 0);
    save_for_script("scorm2004.xml", &b);
    Manifest *back = manifest_read(b.data, b.len, "m2004.xml", &d);
    assert_non_null(back);
    assert_string_equal(back->orgs[0].items[0].scaled_passing_score, "0.80");
    manifest_free(back);

    /* Mastery 100 and 0 stay in the schema's range. */
    c->mastery_score = 100;
    buf_clear(&b);
    assert_int_equal(manifest_write(c, 0, SCORM_2004, files, 2, &b, &d), 0);
    assert_contains(b.data, "<imsss:minNormalizedMeasure>1.00</imsss:minNormalizedMeasure>");
    assert_int_equal(validate_manifest_schema(b.data, b.len, "m2004.xml", XSD, &d), 0);
    save_for_script("scorm2004-fr.xml", &b);
    c->mastery_score = 0;
    buf_clear(&b);
    assert_int_equal(manifest_write(c, 0, SCORM_12, files, 2, &b, &d), 0);
    assert_contains(b.data, "<adlcp:masteryscore>0</adlcp:masteryscore>");
    assert_int_equal(validate_manifest_schema(b.data, b.len, "m12.xml", XSD, &d), 0);

    Manifest *m = manifest_read(b.data, b.len, "x", &d);
    assert_non_null(m);
    manifest_free(m);
    buf_release(&b);
    diag_release(&d);
    course_free(c);
}

static void test_manifest__write_refuses_bad_ids(void **state)
{
    (void)state;
    Course *c = hand_course();
    Buf b = BUF_INIT;
    Diag d = DIAG_INIT;
    c->id = "ai never neutral";
    assert_int_equal(manifest_write(c, 0, SCORM_12, files, 2, &b, &d), -1);
    assert_string_equal(first_msg(&d), "courses/ai-never-neutral: error: module id 'ai never "
                        "neutral' cannot be used as a SCORM identifier (use letters, digits, "
                        "'-', '_' or '.')");
    diag_release(&d);
    c->id = "ok";
    const char *evil[] = { "../secret.txt" };
    assert_int_equal(manifest_write(c, 0, SCORM_12, evil, 1, &b, &d), -1);
    assert_string_equal(first_msg(&d), "courses/ai-never-neutral: error: file '../secret.txt' "
                        "cannot be listed in the manifest (use a relative path inside the "
                        "package)");
    diag_release(&d);
    c->langs[1].title = "";
    assert_int_equal(manifest_write(c, 1, SCORM_12, files, 1, &b, &d), -1);
    assert_string_equal(first_msg(&d), "courses/ai-never-neutral: error: module 'ok' has no "
                        "title in 'en' (add one to module.xml)");
    diag_release(&d);
    assert_int_equal(manifest_write(c, 3, SCORM_12, files, 1, &b, &d), -1);
    assert_string_equal(first_msg(&d), "courses/ai-never-neutral: error: no language 3 in "
                        "module 'ok'");
    diag_release(&d);
    c->version = "";
    assert_int_equal(manifest_write(c, 0, SCORM_12, files, 1, &b, &d), -1);
    assert_contains(first_msg(&d), "error: module 'ok' has no version (add one to module.xml)");
    buf_release(&b);
    diag_release(&d);
    course_free(c);
}

static void test_manifest__schema_files(void **state)
{
    (void)state;
    Arena a = ARENA_INIT;
    Diag d = DIAG_INIT;
    ManifestSchemaFile *f = NULL;
    size_t n = 0;
    assert_int_equal(manifest_schema_files(SCORM_12, XSD, &a, &f, &n, &d), 0);
    assert_int_equal(n, 4);
    assert_string_equal(f[0].name, "adlcp_rootv1p2.xsd");
    assert_string_equal(f[3].name, "imsmd_rootv1p2p1.xsd");
    assert_int_equal(manifest_schema_files(SCORM_2004, XSD, &a, &f, &n, &d), 0);
    int common = 0, xml = 0, dtd = 0;
    for (size_t i = 0; i < n; i++) {
        common |= strcmp(f[i].name, "common/anyElement.xsd") == 0;
        xml |= strcmp(f[i].name, "xml.xsd") == 0;
        dtd |= strcmp(f[i].name, "XMLSchema.dtd") == 0;
        if (i)
            assert_true(strcmp(f[i - 1].name, f[i].name) < 0);
    }
    assert_true(common && xml && dtd);
    assert_int_equal(manifest_schema_files(SCORM_12, "/nonexistent", &a, &f, &n, &d), -1);
    assert_string_equal(first_msg(&d), "/nonexistent: error: 'imscp_rootv1p1p2.xsd' is missing "
                        "from '/nonexistent/scorm12' (give --schemas the folder that holds "
                        "scorm12/ and scorm2004-4th/)");
    arena_release(&a);
    diag_release(&d);
}

static const char third12[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<manifest identifier=\"com.example.golf\" version=\"1.3\"\n"
    "  xmlns=\"http://www.imsproject.org/xsd/imscp_rootv1p1p2\"\n"
    "  xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_rootv1p2\"\n"
    "  xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"
    "  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>\n"
    "  <organizations default=\"golf_org\">\n"
    "    <organization identifier=\"golf_org\">\n"
    "      <title>Golf Explained</title>\n"
    "      <item identifier=\"i_play\" isvisible=\"true\">\n"
    "        <title>Playing</title>\n"
    "        <item identifier=\"i_play_1\" identifierref=\"sco_play\" parameters=\"?p=1\">\n"
    "          <title>How to play</title><adlcp:masteryscore>70</adlcp:masteryscore>"
    "<adlcp:datafromlms>level=2</adlcp:datafromlms><adlcp:maxtimeallowed>00:30:00"
    "</adlcp:maxtimeallowed><adlcp:timelimitaction>exit,message</adlcp:timelimitaction>\n"
    "        </item>\n"
    "        <item identifier=\"i_hidden\" identifierref=\"sco_etiq\" isvisible=\"false\">\n"
    "          <title>Etiquette</title>\n"
    "        </item>\n"
    "      </item>\n"
    "    </organization>\n"
    "  </organizations>\n"
    "  <resources xml:base=\"content/\">\n"
    "    <resource identifier=\"sco_play\" type=\"webcontent\" adlcp:scormtype=\"sco\" "
    "href=\"play/index.html?x=1#top\" xml:base=\"golf/\">\n"
    "      <file href=\"play/index.html\"/>\n"
    "      <dependency identifierref=\"common\"/>\n"
    "    </resource>\n"
    "    <resource identifier=\"sco_etiq\" type=\"webcontent\" adlcp:scormtype=\"sco\" "
    "href=\"etiquette.html\">\n"
    "      <file href=\"etiquette.html\"/>\n"
    "      <dependency identifierref=\"common\"/>\n"
    "    </resource>\n"
    "    <resource identifier=\"common\" type=\"webcontent\" adlcp:scormtype=\"asset\">\n"
    "      <file href=\"shared/scormfunctions.js\"/>\n"
    "      <file href=\"shared/../shared/style%20sheet.css\"/>\n"
    "    </resource>\n"
    "  </resources>\n"
    "</manifest>\n";

static void test_manifest__reads_third_party_12(void **state)
{
    (void)state;
    Diag d = DIAG_INIT;
    Manifest *m = manifest_read(third12, strlen(third12), "golf.zip: imsmanifest.xml", &d);
    assert_non_null(m);
    assert_int_equal(d.count, 0);
    assert_int_equal(m->edition, MANIFEST_EDITION_12);
    assert_string_equal(m->version, "1.3");
    assert_string_equal(m->default_org, "golf_org");
    assert_int_equal(m->organizations_line, 7);
    const ManifestOrganization *o = manifest_default_org(m);
    assert_string_equal(o->title, "Golf Explained");
    assert_int_equal(o->nitems, 1);
    const ManifestItem *top = &o->items[0];
    assert_null(top->identifierref);
    assert_int_equal(top->nchildren, 2);
    assert_string_equal(top->children[0].title, "How to play");
    assert_string_equal(top->children[0].parameters, "?p=1");
    assert_int_equal(top->children[0].isvisible, 1);
    assert_int_equal(top->children[1].isvisible, 0);
    assert_string_equal(top->children[0].mastery_score, "70");
    assert_string_equal(top->children[0].data_from_lms, "level=2");
    assert_string_equal(top->children[0].max_time_allowed, "00:30:00");
    assert_string_equal(top->children[0].time_limit_action, "exit,message");
    assert_null(top->children[1].mastery_score);
    assert_int_equal(top->children[1].line, 15);
    assert_int_equal(m->nresources, 3);
    const ManifestResource *play = manifest_find_resource(m, "sco_play");
    assert_string_equal(play->base, "golf/");
    assert_int_equal(play->ndeps, 1);
    assert_string_equal(play->deps[0].identifierref, "common");
    const char *path;
    assert_int_equal(manifest_resolve(m, play, play->href, &path), MANIFEST_PATH_OK);
    assert_string_equal(path, "content/golf/play/index.html");
    const ManifestResource *common = manifest_find_resource(m, "common");
    assert_null(common->href);
    assert_string_equal(common->scorm_type, "asset");
    assert_int_equal(manifest_resolve(m, common, common->files[1].href, &path),
                     MANIFEST_PATH_OK);
    assert_string_equal(path, "content/shared/style sheet.css");
    assert_int_equal(manifest_resolve(m, common, "../../x.js", &path), MANIFEST_PATH_ESCAPES);
    assert_null(path);
    assert_int_equal(manifest_resolve(m, common, "/etc/x", &path), MANIFEST_PATH_ABSOLUTE);
    assert_int_equal(manifest_resolve(m, common, "a\\b.js", &path), MANIFEST_PATH_BACKSLASH);
    assert_int_equal(manifest_resolve(m, common, "https://cdn.example/x.js", &path),
                     MANIFEST_PATH_EXTERNAL);
    assert_int_equal(manifest_resolve(m, common, "", &path), MANIFEST_PATH_EMPTY);
    manifest_free(m);
    diag_release(&d);
}

static const char third2004[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<manifest identifier=\"MANIFEST-1\" version=\"1\"\n"
    "  xmlns=\"http://www.imsglobal.org/xsd/imscp_v1p1\"\n"
    "  xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_v1p3\"\n"
    "  xmlns:imsss=\"http://www.imsglobal.org/xsd/imsss\">\n"
    "  <metadata>\n"
    "    <schema>ADL SCORM</schema>\n"
    "    <schemaversion>2004 4th Edition</schemaversion>\n"
    "  </metadata>\n"
    "  <organizations default=\"ORG\">\n"
    "    <organization identifier=\"ORG\">\n"
    "      <title>Sequencing</title>\n"
    "      <item identifier=\"A\" identifierref=\"R1\"><title>One</title>\n"
    "        <adlcp:completionThreshold minProgressMeasure=\"0.75\"/><imsss:sequencing>"
    "<imsss:limitConditions attemptAbsoluteDurationLimit=\"PT1H\"/><imsss:objectives>"
    "<imsss:primaryObjective satisfiedByMeasure=\"true\"><imsss:minNormalizedMeasure>0.6"
    "</imsss:minNormalizedMeasure></imsss:primaryObjective></imsss:objectives>"
    "<imsss:deliveryControls tracked=\"true\"/></imsss:sequencing>\n"
    "      </item>\n"
    "      <item identifier=\"B\" identifierref=\"R2\"><title>Two</title></item>\n"
    "    </organization>\n"
    "    <organization identifier=\"ORG2\"><title>Other</title>\n"
    "      <item identifier=\"C\" identifierref=\"R1\"><title>Again</title></item>\n"
    "    </organization>\n"
    "  </organizations>\n"
    "  <resources>\n"
    "    <resource identifier=\"R1\" type=\"webcontent\" adlcp:scormType=\"sco\" href=\"one.html\">\n"
    "      <file href=\"one.html\"/>\n"
    "    </resource>\n"
    "    <resource identifier=\"R2\" type=\"webcontent\" adlcp:scormType=\"asset\" href=\"two.pdf\">\n"
    "      <file href=\"two.pdf\"/>\n"
    "    </resource>\n"
    "  </resources>\n"
    "</manifest>\n";

static void test_manifest__reads_third_party_2004(void **state)
{
    (void)state;
    Diag d = DIAG_INIT;
    Manifest *m = manifest_read(third2004, strlen(third2004), "seq.zip: imsmanifest.xml", &d);
    assert_non_null(m);
    assert_int_equal(m->edition, MANIFEST_EDITION_2004);
    assert_string_equal(m->schemaversion, "2004 4th Edition");
    assert_int_equal(m->schemaversion_line, 8);
    assert_int_equal(m->norgs, 2);
    assert_string_equal(manifest_default_org(m)->identifier, "ORG");
    assert_int_equal(m->orgs[0].nitems, 2);
    assert_string_equal(m->orgs[0].items[1].title, "Two");
    const ManifestItem *a = &m->orgs[0].items[0];
    assert_string_equal(a->completion_threshold, "0.75");
    assert_string_equal(a->scaled_passing_score, "0.6");
    assert_string_equal(a->max_time_allowed, "PT1H");
    assert_null(m->orgs[0].items[1].scaled_passing_score);
    assert_string_equal(m->resources[0].scorm_type_attr, "scormType");
    assert_string_equal(m->resources[1].scorm_type, "asset");
    assert_int_equal(m->resources[1].line, 26);
    manifest_free(m);
    diag_release(&d);
}

static void test_manifest__refuses_entities_fast(void **state)
{
    (void)state;
    const char *xxe =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE manifest [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
        "<manifest identifier=\"m\"><organizations/><resources><resource identifier=\"r\" "
        "type=\"webcontent\" href=\"&x;\"/></resources></manifest>\n";
    Diag d = DIAG_INIT;
    assert_null(manifest_read(xxe, strlen(xxe), "x.zip: imsmanifest.xml", &d));
    assert_string_equal(first_msg(&d), "x.zip: imsmanifest.xml: error: the manifest declares "
                        "XML entities in a DOCTYPE, which is refused for safety (remove the "
                        "DOCTYPE; SCORM manifests do not need one)");
    diag_release(&d);

    Buf lol = BUF_INIT;
    buf_puts(&lol, "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
    for (int i = 1; i < 10; i++) {
        buf_printf(&lol, " <!ENTITY lol%d \"", i);
        for (int k = 0; k < 10; k++)
            buf_printf(&lol, "&lol%s;", i == 1 ? "" : (char[4]){ 0 });
        buf_puts(&lol, "\">\n");
    }
    buf_puts(&lol, "]>\n<manifest>&lol9;</manifest>\n");
    clock_t t0 = clock();
    assert_null(manifest_read(lol.data, lol.len, "bomb.xml", &d));
    assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
    assert_contains(first_msg(&d), "declares XML entities");
    buf_release(&lol);
    diag_release(&d);
}

static void test_manifest__malformed_and_wrong_root(void **state)
{
    (void)state;
    const char *bad = "<?xml version=\"1.0\"?>\n<manifest>\n  <organizations>\n"
                      "  </organisations>\n</manifest>\n";
    Diag d = DIAG_INIT;
    assert_null(manifest_read(bad, strlen(bad), "p.zip: imsmanifest.xml", &d));
    assert_contains(first_msg(&d), "p.zip: imsmanifest.xml:4:");
    assert_contains(first_msg(&d), "error: the manifest is not well-formed XML: Opening and "
                    "ending tag mismatch: organizations line 3 and organisations");
    diag_release(&d);
    const char *html = "<html><body/></html>";
    assert_null(manifest_read(html, strlen(html), "p.zip: imsmanifest.xml", &d));
    assert_string_equal(first_msg(&d), "p.zip: imsmanifest.xml:1: error: the root element is "
                        "<html>, not <manifest> (this is not an IMS content package manifest)");
    diag_release(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_manifest__scorm12_written_and_schema_valid),
        cmocka_unit_test(test_manifest__scorm2004_written_and_schema_valid),
        cmocka_unit_test(test_manifest__write_refuses_bad_ids),
        cmocka_unit_test(test_manifest__schema_files),
        cmocka_unit_test(test_manifest__reads_third_party_12),
        cmocka_unit_test(test_manifest__reads_third_party_2004),
        cmocka_unit_test(test_manifest__refuses_entities_fast),
        cmocka_unit_test(test_manifest__malformed_and_wrong_root),
    };
    return cmocka_run_group_tests_name("manifest", tests, NULL, NULL);
}
