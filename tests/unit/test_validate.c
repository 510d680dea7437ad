/* Unit tests of validate: third-party-style packages pass; each broken
 * package gets its message, at its place. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>

#include "buf.h"
#include "course.h"
#include "diag.h"
#include "manifest.h"
#include "package.h"
#include "pkgfixture.h"
#include "validate.h"

#define XSD TEST_SHARED "/scorm/xsd"

/* A SCORM 2004 package the way third-party tools make them: two SCOs, a
 * shared asset resource they depend on, a script, an asset item, xml:base. */
static const char golf2004[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<manifest identifier=\"com.example.golf\" version=\"1\"\n"
    "  xmlns=\"http://www.imsglobal.org/xsd/imscp_v1p1\"\n"
    "  xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_v1p3\"\n"
    "  xmlns:adlseq=\"http://www.adlnet.org/xsd/adlseq_v1p3\"\n"
    "  xmlns:adlnav=\"http://www.adlnet.org/xsd/adlnav_v1p3\"\n"
    "  xmlns:imsss=\"http://www.imsglobal.org/xsd/imsss\"\n"
    "  xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
    "  xsi:schemaLocation=\"http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd "
    "http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd "
    "http://www.adlnet.org/xsd/adlseq_v1p3 adlseq_v1p3.xsd "
    "http://www.adlnet.org/xsd/adlnav_v1p3 adlnav_v1p3.xsd "
    "http://www.imsglobal.org/xsd/imsss imsss_v1p0.xsd\">\n"
    "  <metadata>\n"
    "    <schema>ADL SCORM</schema>\n"
    "    <schemaversion>2004 4th Edition</schemaversion>\n"
    "  </metadata>\n"
    "  <organizations default=\"golf_org\">\n"                              /* 17 */
    "    <organization identifier=\"golf_org\">\n"
    "      <title>Golf Explained</title>\n"
    "      <item identifier=\"item_play\" identifierref=\"res_play\">\n"     /* 20 */
    "        <title>Playing the Game</title>\n"
    "      </item>\n"
    "      <item identifier=\"item_etiq\" identifierref=\"res_etiq\">\n"     /* 23 */
    "        <title>Etiquette</title>\n"
    "      </item>\n"
    "      <item identifier=\"item_card\" identifierref=\"res_card\">\n"
    "        <title>Score card</title>\n"
    "      </item>\n"
    "      <imsss:sequencing><imsss:controlMode choice=\"true\" flow=\"true\"/>"
    "</imsss:sequencing>\n"
    "    </organization>\n"
    "  </organizations>\n"
    "  <resources>\n"
    "    <resource identifier=\"res_play\" type=\"webcontent\" adlcp:scormType=\"sco\" "
    "href=\"Playing/Playing.html\">\n"                                        /* 33 */
    "      <file href=\"Playing/Playing.html\"/>\n"
    "      <file href=\"Playing/ball%20flight.jpg\"/>\n"
    "      <dependency identifierref=\"common_files\"/>\n"
    "    </resource>\n"
    "    <resource identifier=\"res_etiq\" type=\"webcontent\" adlcp:scormType=\"sco\" "
    "xml:base=\"Etiquette/\" href=\"Course.html?page=1\">\n"                  /* 38 */
    "      <file href=\"Course.html\"/>\n"
    "      <dependency identifierref=\"common_files\"/>\n"
    "    </resource>\n"
    "    <resource identifier=\"res_card\" type=\"webcontent\" adlcp:scormType=\"asset\" "
    "href=\"card.pdf\">\n"
    "      <file href=\"card.pdf\"/>\n"
    "    </resource>\n"
    "    <resource identifier=\"common_files\" type=\"webcontent\" adlcp:scormType=\"asset\">\n"
    "      <file href=\"shared/scormfunctions.js\"/>\n"
    "      <file href=\"shared/style.css\"/>\n"
    "    </resource>\n"
    "  </resources>\n"
    "</manifest>\n";

static const char golf12[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<manifest identifier=\"com.example.golf12\" version=\"1.0\"\n"
    "  xmlns=\"http://www.imsproject.org/xsd/imscp_rootv1p1p2\"\n"
    "  xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_rootv1p2\"\n"
    "  xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
    "  xsi:schemaLocation=\"http://www.imsproject.org/xsd/imscp_rootv1p1p2 "
    "imscp_rootv1p1p2.xsd http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd\">\n"
    "  <metadata>\n"
    "    <schema>ADL SCORM</schema>\n"
    "    <schemaversion>1.2</schemaversion>\n"
    "  </metadata>\n"
    "  <organizations default=\"B0\">\n"
    "    <organization identifier=\"B0\">\n"
    "      <title>Golf 1.2</title>\n"
    "      <item identifier=\"i1\" isvisible=\"true\">\n"
    "        <title>Module</title>\n"
    "        <item identifier=\"i1a\" identifierref=\"r1\"><title>One</title>"
    "<adlcp:masteryscore>70</adlcp:masteryscore></item>\n"
    "        <item identifier=\"i1b\" identifierref=\"r2\"><title>Two</title></item>\n"
    "      </item>\n"
    "    </organization>\n"
    "  </organizations>\n"
    "  <resources>\n"
    "    <resource identifier=\"r1\" type=\"webcontent\" adlcp:scormtype=\"sco\" "
    "href=\"one/index.html\">\n"
    "      <file href=\"one/index.html\"/>\n"
    "      <dependency identifierref=\"lib\"/>\n"
    "    </resource>\n"
    "    <resource identifier=\"r2\" type=\"webcontent\" adlcp:scormtype=\"sco\" "
    "href=\"two/index.html\">\n"
    "      <file href=\"two/index.html\"/>\n"
    "      <dependency identifierref=\"lib\"/>\n"
    "    </resource>\n"
    "    <resource identifier=\"lib\" type=\"webcontent\" adlcp:scormtype=\"asset\">\n"
    "      <file href=\"lib/APIWrapper.js\"/>\n"
    "    </resource>\n"
    "  </resources>\n"
    "</manifest>\n";

static const char *const golf_files[] = {
    "Playing/Playing.html", "Playing/ball flight.jpg", "Etiquette/Course.html", "card.pdf",
    "shared/scormfunctions.js", "shared/style.css", "imscp_v1p1.xsd",
};
static const char *const golf12_files[] = {
    "one/index.html", "two/index.html", "lib/APIWrapper.js", "adlcp_rootv1p2.xsd",
};

/* Validates the zip bytes zip[0..len) as a file named name, the way coursepack
 * and the player do (validate_package on a path): written in a temporary
 * folder, validated from inside it so that messages start with name. */
static int validate_bytes(const void *zip, size_t len, const char *name, const char *schemas,
                          Diag *d)
{
    char *dir = pkgfixture_tmpdir();
    int back = open(".", O_RDONLY | O_DIRECTORY);
    assert_non_null(dir);
    assert_true(back >= 0);
    assert_int_equal(chdir(dir), 0);
    assert_int_equal(pkgfixture_write_file(name, zip, len), 0);
    int rc = validate_package(name, schemas, d);
    assert_int_equal(fchdir(back), 0);
    close(back);
    pkgfixture_rmtree(dir);
    free(dir);
    return rc;
}

/* Zips manifest (at manifest_name; NULL: none) and files (dummy content),
 * validates with schemas (may be NULL); returns the result. */
static int run(const char *manifest, const char *manifest_name, const char *const *files,
               size_t n, const char *schemas, Diag *d)
{
    PkgfixtureEntry e[32];
    size_t k = 0;
    if (manifest)
        e[k++] = (PkgfixtureEntry){ manifest_name, manifest, 0, 0, 0 };
    for (size_t i = 0; i < n && k < 32; i++)
        e[k++] = (PkgfixtureEntry){ files[i], "<p>content</p>", 0, 0, 0 };
    Buf z = BUF_INIT;
    assert_int_equal(pkgfixture_zip(e, k, &z), 0);
    int rc = validate_bytes(z.data, z.len, "pkg.zip", schemas, d);
    buf_release(&z);
    return rc;
}

/* Replaces the first occurrence of from by to in src; returns a new string. */
static char *edit(const char *src, const char *from, const char *to)
{
    const char *p = strstr(src, from);
    assert_non_null(p);
    Buf b = BUF_INIT;
    buf_append(&b, src, (size_t)(p - src));
    buf_puts(&b, to);
    buf_puts(&b, p + strlen(from));
    return buf_detach(&b, NULL);
}

static void expect_msg(const Diag *d, const char *want)
{
    for (size_t i = 0; i < d->count; i++) {
        char *s = diag_format(&d->msgs[i]);
        int eq = s && strcmp(s, want) == 0;
        free(s);
        if (eq)
            return;
    }
    for (size_t i = 0; i < d->count; i++) {
        char *s = diag_format(&d->msgs[i]);
        fprintf(stderr, "  got: %s\n", s);
        free(s);
    }
    fail_msg("missing message: %s", want);
}

static void test_validate__third_party_2004_passes(void **state)
{
    (void)state;
    Diag d = DIAG_INIT;
    assert_int_equal(run(golf2004, "imsmanifest.xml", golf_files, 7, XSD, &d), 0);
    assert_int_equal(d.errors, 0);
    assert_int_equal(d.warnings, 0);
    diag_release(&d);
}

static void test_validate__third_party_12_passes(void **state)
{
    (void)state;
    Diag d = DIAG_INIT;
    assert_int_equal(run(golf12, "imsmanifest.xml", golf12_files, 4, XSD, &d), 0);
    assert_int_equal(d.errors, 0);
    assert_int_equal(d.warnings, 0);
    diag_release(&d);
}

static void test_validate__our_package_passes(void **state)
{
    (void)state;
    Course *c = course_new();
    c->dir = "courses/m";
    c->id = "m";
    c->version = "2.0.1";
    c->mastery_score = 75;
    c->nlangs = 1;
    c->langs[0].code = "fr";
    c->langs[0].title = "Module";
    const char *const files[] = { "index.html", "runtime/cp-runtime.js", "img/x.png" };
    char *dir = pkgfixture_tmpdir();
    char path[4096];
    for (int ed = 0; ed < 2; ed++) {
        Buf man = BUF_INIT;
        Diag d = DIAG_INIT;
        assert_int_equal(manifest_write(c, 0, ed ? SCORM_2004 : SCORM_12, files, 3, &man, &d),
                         0);
        PackageEntry e[4] = {
            { "imsmanifest.xml", man.data, man.len, NULL },
            { "index.html", "<html/>", 7, NULL },
            { "runtime/cp-runtime.js", "var x;", 6, NULL },
            { "img/x.png", "png", 3, NULL },
        };
        snprintf(path, sizeof(path), "%s/m.fr.zip", dir);
        assert_int_equal(package_write_zip(path, e, 4, PACKAGE_MTIME_DEFAULT, &d), 0);
        assert_int_equal(validate_package(path, XSD, &d), 0);
        assert_int_equal(d.errors, 0);
        assert_int_equal(d.warnings, 0);
        buf_release(&man);
        diag_release(&d);
    }
    pkgfixture_rmtree(dir);
    free(dir);
    course_free(c);
}

static void test_validate__scorm12_with_cp114_namespace_warns(void **state)
{
    (void)state;
    Diag d = DIAG_INIT;
    char *ns = edit(golf12, "http://www.imsproject.org/xsd/imscp_rootv1p1p2\"\n",
                    "http://www.imsglobal.org/xsd/imscp_v1p1\"\n");
    assert_int_equal(run(ns, "imsmanifest.xml", golf12_files, 4, NULL, &d), 0);
    assert_int_equal(d.errors, 0);
    assert_int_equal(d.warnings, 1);
    expect_msg(&d, "pkg.zip: imsmanifest.xml:6: warning: the manifest says SCORM 1.2 but uses "
               "the namespace 'http://www.imsglobal.org/xsd/imscp_v1p1'; most LMSs accept it, "
               "strict ones want http://www.imsproject.org/xsd/imscp_rootv1p1p2");
    free(ns);
    diag_release(&d);
}

static void test_validate__manifest_missing_or_nested(void **state)
{
    (void)state;
    Diag d = DIAG_INIT;
    assert_int_equal(run(NULL, NULL, golf_files, 6, NULL, &d), -1);
    expect_msg(&d, "pkg.zip: error: the zip has no imsmanifest.xml, so it is not a SCORM "
               "package (export the course again as SCORM)");
    diag_release(&d);
    assert_int_equal(run(golf2004, "golf/imsmanifest.xml", golf_files, 6, NULL, &d), -1);
    expect_msg(&d, "pkg.zip: error: imsmanifest.xml is in the folder 'golf/', not at the root "
               "of the zip (zip the contents of that folder, not the folder itself)");
    diag_release(&d);
    assert_int_equal(run(golf2004, "IMSManifest.xml", golf_files, 6, NULL, &d), -1);
    expect_msg(&d, "pkg.zip: error: the manifest is named 'IMSManifest.xml'; it must be exactly "
               "'imsmanifest.xml' in lower case (rename it)");
    diag_release(&d);
    assert_int_equal(validate_package("/nonexistent/x.zip", NULL, &d), -1);
    expect_msg(&d, "/nonexistent/x.zip: error: cannot open the package: No such file or "
               "directory");
    diag_release(&d);
}

static void test_validate__malformed_and_xxe(void **state)
{
    (void)state;
    Diag d = DIAG_INIT;
    char *bad = edit(golf2004, "</organization>\n", "</organisation>\n");
    assert_int_equal(run(bad, "imsmanifest.xml", golf_files, 6, NULL, &d), -1);
    expect_msg(&d, "pkg.zip: imsmanifest.xml:27:20: error: the manifest is not well-formed "
               "XML: Opening and ending tag mismatch: organization line 15 and organisation "
               "(fix the XML; an XML editor or 'xmllint --noout' shows the place)");
    free(bad);
    diag_release(&d);
    char *xxe = edit(golf2004, "<manifest ", "<!DOCTYPE manifest [<!ENTITY e SYSTEM "
                     "\"file:///etc/passwd\">]>\n<manifest ");
    assert_int_equal(run(xxe, "imsmanifest.xml", golf_files, 6, NULL, &d), -1);
    expect_msg(&d, "pkg.zip: imsmanifest.xml: error: the manifest declares XML entities in a "
               "DOCTYPE, which is refused for safety (remove the DOCTYPE; SCORM manifests do "
               "not need one)");
    free(xxe);
    diag_release(&d);
}

static void test_validate__schemaversion_and_scormtype(void **state)
{
    (void)state;
    Diag d = DIAG_INIT;
    char *sv = edit(golf2004, "2004 4th Edition", "SCORM 2004");
    assert_int_equal(run(sv, "imsmanifest.xml", golf_files, 6, NULL, &d), -1);
    expect_msg(&d, "pkg.zip: imsmanifest.xml:12: error: schemaversion is 'SCORM 2004' but a "
               "SCORM 2004 manifest needs exactly '2004 4th Edition' (fix the text in "
               "<schemaversion>)");
    free(sv);
    diag_release(&d);
    char *third = edit(golf2004, "2004 4th Edition", "2004 3rd Edition");
    assert_int_equal(run(third, "imsmanifest.xml", golf_files, 6, NULL, &d), 0);
    assert_int_equal(d.warnings, 1);
    free(third);
    diag_release(&d);
    char *sv12 = edit(golf12, "<schemaversion>1.2<", "<schemaversion>1.3<");
    assert_int_equal(run(sv12, "imsmanifest.xml", golf12_files, 3, NULL, &d), -1);
    expect_msg(&d, "pkg.zip: imsmanifest.xml:9: error: schemaversion is '1.3' but the "
               "namespaces are SCORM 1.2's (write exactly '1.2')");
    free(sv12);
    diag_release(&d);

    char *nost = edit(golf2004, " adlcp:scormType=\"asset\" href=\"card.pdf\"",
                      " href=\"card.pdf\"");
    assert_int_equal(run(nost, "imsmanifest.xml", golf_files, 6, NULL, &d), -1);
    expect_msg(&d, "pkg.zip: imsmanifest.xml:39: error: resource 'res_card' has no "
               "adlcp:scormType (add adlcp:scormType=\"sco\" for content that talks to the "
               "LMS, or \"asset\" for plain files)");
    free(nost);
    diag_release(&d);
    char *lower = edit(golf2004, "adlcp:scormType=\"asset\" href", "adlcp:scormtype=\"asset\" href");
    assert_int_equal(run(lower, "imsmanifest.xml", golf_files, 6, NULL, &d), -1);
    expect_msg(&d, "pkg.zip: imsmanifest.xml:39: error: resource 'res_card': the attribute is "
               "spelled 'adlcp:scormtype'; SCORM 2004 needs 'adlcp:scormType' (fix the "
               "spelling)");
    free(lower);
    diag_release(&d);
}

static void test_validate__references(void **state)
{
    (void)state;
    Diag d = DIAG_INIT;
    /* Missing file (the zip lacks card.pdf). */
    assert_int_equal(run(golf2004, "imsmanifest.xml", golf_files + 0, 3, NULL, &d), -1);
    expect_msg(&d, "pkg.zip: imsmanifest.xml:39: error: resource 'res_card' launches "
               "'card.pdf', which is not in the zip (add the file or fix the href)");
    expect_msg(&d, "pkg.zip: imsmanifest.xml:43: error: resource 'common_files' lists the file "
               "'shared/scormfunctions.js', which is not in the zip (add the file or remove "
               "the <file> element)");
    diag_release(&d);

    const char *const upper[] = { "Playing/Playing.html", "Playing/ball flight.jpg",
                                  "Etiquette/Course.html", "CARD.pdf",
                                  "shared/scormfunctions.js", "shared/style.css" };
    assert_int_equal(run(golf2004, "imsmanifest.xml", upper, 6, NULL, &d), -1);
    expect_msg(&d, "pkg.zip: imsmanifest.xml:39: error: resource 'res_card' launches 'card.pdf', "
               "but the zip has 'CARD.pdf': names are case-sensitive on most LMS servers (make "
               "the href and the file name match exactly)");
    assert_int_equal(d.warnings, 0);    /* CARD.pdf is not reported as unlisted too */
    diag_release(&d);

    char *dang = edit(golf2004, "identifierref=\"res_etiq\"", "identifierref=\"res-9\"");
    assert_int_equal(run(dang, "imsmanifest.xml", golf_files, 6, NULL, &d), -1);
    expect_msg(&d, "pkg.zip: imsmanifest.xml:20: error: item 'item_etiq' points to resource "
               "'res-9', which the manifest does not define (fix the identifierref or add the "
               "resource)");
    expect_msg(&d, "pkg.zip: imsmanifest.xml:35: warning: resource 'res_etiq' is not used by "
               "any item or dependency (remove it, or point an item to it)");
    free(dang);
    diag_release(&d);

    char *dep = edit(golf2004, "<dependency identifierref=\"common_files\"/>",
                     "<dependency identifierref=\"commons\"/>");
    assert_int_equal(run(dep, "imsmanifest.xml", golf_files, 6, NULL, &d), -1);
    expect_msg(&d, "pkg.zip: imsmanifest.xml:33: error: resource 'res_play' depends on resource "
               "'commons', which the manifest does not define (fix the identifierref or add "
               "the resource)");
    free(dep);
    diag_release(&d);

    char *org = edit(golf2004, "default=\"golf_org\"", "default=\"golf\"");
    assert_int_equal(run(org, "imsmanifest.xml", golf_files, 6, NULL, &d), -1);
    expect_msg(&d, "pkg.zip: imsmanifest.xml:14: error: the default organization 'golf' does "
               "not exist (set <organizations default=\"...\"> to the identifier of an "
               "<organization>)");
    free(org);
    diag_release(&d);

    char *dup = edit(golf2004, "item identifier=\"item_card\"", "item identifier=\"res_play\"");
    assert_int_equal(run(dup, "imsmanifest.xml", golf_files, 6, NULL, &d), -1);
    expect_msg(&d, "pkg.zip: imsmanifest.xml:30: error: identifier 'res_play' is used again "
               "(first on line 23); every identifier in a manifest must be unique (rename one "
               "of them)");
    free(dup);
    diag_release(&d);

    char *esc = edit(golf2004, "<file href=\"card.pdf\"/>", "<file href=\"../card.pdf\"/>");
    assert_int_equal(run(esc, "imsmanifest.xml", golf_files, 6, NULL, &d), -1);
    expect_msg(&d, "pkg.zip: imsmanifest.xml:40: error: resource 'res_card': the href "
               "'../card.pdf' goes outside the package with '..' (use a path relative to the "
               "package root)");
    free(esc);
    diag_release(&d);

    char *abs = edit(golf2004, "href=\"card.pdf\">", "href=\"/card.pdf\">");
    assert_int_equal(run(abs, "imsmanifest.xml", golf_files, 6, NULL, &d), -1);
    expect_msg(&d, "pkg.zip: imsmanifest.xml:39: error: resource 'res_card': the href "
               "'/card.pdf' is an absolute path (starts with '/') (use a path relative to the "
               "package root)");
    free(abs);
    diag_release(&d);

    char *bs = edit(golf2004, "<file href=\"shared/style.css\"/>",
                    "<file href=\"shared\\style.css\"/>");
    assert_int_equal(run(bs, "imsmanifest.xml", golf_files, 6, NULL, &d), -1);
    expect_msg(&d, "pkg.zip: imsmanifest.xml:44: error: resource 'common_files': the href "
               "'shared\\style.css' contains a backslash (use '/') (use a path relative to the "
               "package root)");
    free(bs);
    diag_release(&d);

    char *nofile = edit(golf2004, "      <file href=\"card.pdf\"/>\n", "");
    const char *const more[] = { "Playing/Playing.html", "Playing/ball flight.jpg",
                                 "Etiquette/Course.html", "card.pdf", "shared/scormfunctions.js",
                                 "shared/style.css" };
    assert_int_equal(run(nofile, "imsmanifest.xml", more, 6, NULL, &d), -1);
    expect_msg(&d, "pkg.zip: imsmanifest.xml:39: error: resource 'res_card' launches "
               "'card.pdf' but has no <file href=\"card.pdf\"/>, itself or through its "
               "dependencies (SCORM 2004 requires it; add the <file> element)");
    free(nofile);
    diag_release(&d);
}

static void test_validate__unlisted_files_warn(void **state)
{
    (void)state;
    Diag d = DIAG_INIT;
    const char *const extra[] = { "Playing/Playing.html", "Playing/ball flight.jpg",
                                  "Etiquette/Course.html", "card.pdf", "shared/scormfunctions.js",
                                  "shared/style.css", "notes/todo.txt", "common/x.xsd" };
    assert_int_equal(run(golf2004, "imsmanifest.xml", extra, 8, NULL, &d), 0);
    assert_int_equal(d.errors, 0);
    assert_int_equal(d.warnings, 1);
    expect_msg(&d, "pkg.zip: warning: the zip file 'notes/todo.txt' is not listed in the "
               "manifest (list it in a <file> element, or remove it from the zip)");
    diag_release(&d);
}

static void test_validate__schema_errors_located(void **state)
{
    (void)state;
    Diag d = DIAG_INIT;
    char *bad = edit(golf2004, "<title>Etiquette</title>", "<titel>Etiquette</titel>");
    assert_int_equal(run(bad, "imsmanifest.xml", golf_files, 6, XSD, &d), -1);
    assert_true(d.errors >= 1);
    char *s = diag_format(&d.msgs[0]);
    assert_non_null(strstr(s, "pkg.zip: imsmanifest.xml:21: error: not valid against the "
                            "SCORM schema: Element '{http://www.imsglobal.org/xsd/imscp_v1p1}"
                            "titel'"));
    free(s);
    free(bad);
    diag_release(&d);
    /* The same manifest passes when schema validation is skipped... the
     * SCORM rules do not care about titles spelled wrong. */
    char *bad2 = edit(golf2004, "<title>Etiquette</title>", "<titel>Etiquette</titel>");
    assert_int_equal(run(bad2, "imsmanifest.xml", golf_files, 6, NULL, &d), 0);
    free(bad2);
    diag_release(&d);
}

static void test_validate__hostile_zip(void **state)
{
    (void)state;
    PkgfixtureEntry e[] = { { "imsmanifest.xml", golf12, 0, 0, 0 },
                            { "../evil.js", "x", 0, 0, 0 } };
    Buf z = BUF_INIT;
    Diag d = DIAG_INIT;
    assert_int_equal(pkgfixture_zip(e, 2, &z), 0);
    assert_int_equal(validate_bytes(z.data, z.len, "evil.zip", NULL, &d), -1);
    expect_msg(&d, "evil.zip: error: entry '../evil.js': '..' component escapes the package "
               "(rebuild the zip with relative paths inside the package)");
    buf_release(&z);
    diag_release(&d);
}

/* Damaged zips (random bytes changed, cut short) and damaged manifests never
 * crash or hang the validator; each run ends in a verdict. */
static void test_validate__survives_damage(void **state)
{
    (void)state;
    PkgfixtureEntry e[8];
    size_t k = 0;
    e[k++] = (PkgfixtureEntry){ "imsmanifest.xml", golf2004, 0, 0, 0 };
    for (size_t i = 0; i < 6; i++)
        e[k++] = (PkgfixtureEntry){ golf_files[i], "<p>content</p>", 0, 0, 0 };
    Buf z = BUF_INIT;
    assert_int_equal(pkgfixture_zip(e, k, &z), 0);
    unsigned seed = 12345;
    char *copy = malloc(z.len);
    for (int round = 0; round < 300; round++) {
        memcpy(copy, z.data, z.len);
        int flips = 1 + round % 8;
        for (int f = 0; f < flips; f++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % z.len;
            seed = seed * 1103515245u + 12345u;
            copy[at] = (char)(seed >> 16);
        }
        size_t len = round % 3 == 0 ? z.len - (size_t)round % z.len : z.len;
        Diag d = DIAG_INIT;
        int rc = validate_bytes(copy, len, "dmg.zip", NULL, &d);
        assert_true(rc == 0 || rc == -1);
        assert_true(rc == 0 ? d.errors == 0 : d.errors > 0 || d.dropped > 0);
        diag_release(&d);
    }
    /* The manifest text damaged inside an intact zip. */
    size_t mlen = strlen(golf2004);
    char *m = malloc(mlen + 1);
    for (int round = 0; round < 300; round++) {
        memcpy(m, golf2004, mlen + 1);
        for (int f = 0; f < 1 + round % 4; f++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % mlen;
            seed = seed * 1103515245u + 12345u;
            m[at] = "<>\"'&/= x\\:#?%"[(seed >> 16) % 15];
        }
        Diag d = DIAG_INIT;
        int rc = run(m, "imsmanifest.xml", golf_files, 6, NULL, &d);
        assert_true(rc == 0 || rc == -1);
        diag_release(&d);
    }
    free(m);
    free(copy);
    buf_release(&z);
}

typedef struct EditCase {
    const char *from, *to, *from2, *to2;
    const char *want;
} EditCase;

/* One edit of the 2004 golf manifest, and a message it must produce. */
static const EditCase edit_cases[] = {
    { "identifier=\"res_card\" type=\"webcontent\" ", "identifier=\"res_card\" ", NULL, NULL,
      "pkg.zip: imsmanifest.xml:39: error: resource 'res_card' has no type (add "
      "type=\"webcontent\")" },
    { "adlcp:scormType=\"asset\" href=\"card.pdf\"", "adlcp:scormType=\"SCO\" href=\"card.pdf\"",
      NULL, NULL,
      "pkg.zip: imsmanifest.xml:39: error: resource 'res_card': adlcp:scormType is 'SCO' (use "
      "\"sco\" or \"asset\")" },
    { "xml:base=\"Etiquette/\"", "xml:base=\"Etiquette\"", NULL, NULL,
      "pkg.zip: imsmanifest.xml:35: error: resource 'res_etiq': xml:base 'Etiquette' must end "
      "with '/' (add the trailing slash)" },
    { "xml:base=\"Etiquette/\"", "xml:base=\"/Etiquette/\"", NULL, NULL,
      "pkg.zip: imsmanifest.xml:35: error: resource 'res_etiq': xml:base '/Etiquette/' must be "
      "a relative path with '/' (fix the xml:base)" },
    { "<file href=\"card.pdf\"/>", "<file/>", NULL, NULL,
      "pkg.zip: imsmanifest.xml:40: error: resource 'res_card': a <file> has no href (add "
      "href=\"path/of/the/file\")" },
    { "<dependency identifierref=\"common_files\"/>", "<dependency/>", NULL, NULL,
      "pkg.zip: imsmanifest.xml:33: error: resource 'res_play': a <dependency> has no "
      "identifierref (name the resource it depends on)" },
    { "<item identifier=\"item_card\" identifierref", "<item identifierref", NULL, NULL,
      "pkg.zip: imsmanifest.xml:23: error: an <item> has no identifier (add "
      "identifier=\"...\")" },
    { "<title>Score card</title>", "", NULL, NULL,
      "pkg.zip: imsmanifest.xml:23: warning: item 'item_card' has no title (the LMS menu will "
      "show it blank; add a <title>)" },
    { "<title>Score card</title>", "<title>Score card</title><item identifier=\"sub\" "
      "identifierref=\"res_card\"><title>S</title></item>", NULL, NULL,
      "pkg.zip: imsmanifest.xml:23: error: item 'item_card' has sub-items and an identifierref; "
      "in SCORM 2004 only leaf items launch content (move the identifierref to a sub-item)" },
    { "<item identifier=\"item_card\" identifierref=\"res_card\">",
      "<item identifier=\"item_card\">", NULL, NULL,
      "pkg.zip: imsmanifest.xml:23: error: item 'item_card' has neither sub-items nor an "
      "identifierref, so it launches nothing (point it to a resource with identifierref)" },
    { "identifierref=\"res_card\"", "identifierref=\"common_files\"", NULL, NULL,
      "pkg.zip: imsmanifest.xml:23: error: item 'item_card' points to resource 'common_files', "
      "which has no href, so the LMS has nothing to launch (add href to the resource)" },
    { "href=\"card.pdf\">", "href=\"https://example.org/card.pdf\">", NULL, NULL,
      "pkg.zip: imsmanifest.xml:39: warning: resource 'res_card' launches "
      "'https://example.org/card.pdf' on the web, not in the package (it works only online; "
      "SCORM discourages external files)" },
    { "<schemaversion>2004 4th Edition</schemaversion>", "", NULL, NULL,
      "pkg.zip: imsmanifest.xml:9: error: the manifest has no <metadata><schemaversion> (add "
      "<schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion> in "
      "<metadata>)" },
    { "<schema>ADL SCORM</schema>", "<schema>SCORM</schema>", NULL, NULL,
      "pkg.zip: imsmanifest.xml:12: error: <schema> is 'SCORM'; SCORM 2004 needs exactly "
      "'ADL SCORM' (fix the text)" },
    { "</resources>", "</resources><manifest identifier=\"sub\"/>", NULL, NULL,
      "pkg.zip: imsmanifest.xml:9: warning: the manifest contains 1 sub-manifest(s); most LMSs "
      "ignore them (merge them into the main manifest)" },
    { "<manifest identifier=\"com.example.golf\" ", "<manifest ", NULL, NULL,
      "pkg.zip: imsmanifest.xml:9: error: <manifest> has no identifier (add "
      "identifier=\"...\")" },
    { "xmlns=\"http://www.imsglobal.org/xsd/imscp_v1p1\"", "xmlns=\"http://example.org/cp\"",
      NULL, NULL,
      "pkg.zip: imsmanifest.xml:9: error: the <manifest> namespace is 'http://example.org/cp', "
      "which is not a SCORM one (use http://www.imsproject.org/xsd/imscp_rootv1p1p2 for SCORM "
      "1.2 or http://www.imsglobal.org/xsd/imscp_v1p1 for SCORM 2004)" },
    { "<organization identifier=\"golf_org\">", "<organisation identifier=\"golf_org\">",
      "</organization>", "</organisation>",
      "pkg.zip: imsmanifest.xml:14: error: the manifest has no <organization>, so an LMS has "
      "nothing to show or launch (add an organization with items)" },
    { "<organization identifier=\"golf_org\">", "<organization identifier=\"golf_org\">"
      "<title>Empty</title></organization><organization identifier=\"empty\">", NULL, NULL,
      "pkg.zip: imsmanifest.xml:15: error: organization 'golf_org' has no item (add at least "
      "one <item>)" },
};

static void test_validate__each_rule_message(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(edit_cases) / sizeof(edit_cases[0]); i++) {
        const EditCase *c = &edit_cases[i];
        char *m = edit(golf2004, c->from, c->to);
        if (c->from2) {
            char *m2 = edit(m, c->from2, c->to2);
            free(m);
            m = m2;
        }
        Diag d = DIAG_INIT;
        run(m, "imsmanifest.xml", golf_files, 6, NULL, &d);
        expect_msg(&d, c->want);
        diag_release(&d);
        free(m);
    }
}

static void test_validate__many_unlisted_summarised(void **state)
{
    (void)state;
    const char *files[20];
    char names[14][32];
    for (int i = 0; i < 6; i++)
        files[i] = golf_files[i];
    for (int i = 0; i < 14; i++) {
        snprintf(names[i], sizeof(names[i]), "junk/f%02d.tmp", i);
        files[6 + i] = names[i];
    }
    Diag d = DIAG_INIT;
    assert_int_equal(run(golf2004, "imsmanifest.xml", files, 20, NULL, &d), 0);
    assert_int_equal(d.warnings, 11);
    expect_msg(&d, "pkg.zip: warning: the zip file 'junk/f09.tmp' is not listed in the manifest "
               "(list it in a <file> element, or remove it from the zip)");
    expect_msg(&d, "pkg.zip: warning: 4 more files of the zip are not listed in the manifest");
    diag_release(&d);
}

static void test_validate__schema_folder_missing(void **state)
{
    (void)state;
    Diag d = DIAG_INIT;
    assert_int_equal(validate_manifest_schema(golf2004, strlen(golf2004), "m.xml",
                                              "/nonexistent", &d), -1);
    assert_true(d.errors >= 1);
    char *s = diag_format(&d.msgs[0]);
    assert_non_null(strstr(s, "m.xml: error: cannot load the SCORM schema"));
    assert_non_null(strstr(s, "(check the --schemas folder)"));
    free(s);
    diag_release(&d);
}

/* Makes the zip say that name has size bytes, in its central directory and
 * its local header (which then carries its sizes itself, like the hostile
 * corpus's raw writer), while the data still inflates to the real size. */
static void lie_about_size(Buf *z, const char *name, unsigned size)
{
    size_t n = strlen(name);
    unsigned char *b = (unsigned char *)z->data;
    for (size_t i = z->len - n; i >= 46; i--) {
        if (memcmp(b + i, name, n) == 0 && b[i - 46] == 'P' && b[i - 45] == 'K'
            && b[i - 44] == 1 && b[i - 43] == 2) {
            unsigned char *c = b + i - 46;
            size_t off = (size_t)(c[42] | c[43] << 8 | c[44] << 16 | (unsigned)c[45] << 24);
            unsigned char *l = b + off;
            c[8] = l[6] = (unsigned char)(l[6] & ~8u);  /* no data descriptor */
            memcpy(l + 14, c + 16, 8);                    /* crc, compressed size */
            for (int k = 0; k < 4; k++)
                c[24 + k] = l[22 + k] = (unsigned char)(size >> (8 * k));
            return;
        }
    }
    fail_msg("no central directory entry for %s", name);
}

static void test_validate__file_larger_than_its_header(void **state)
{
    (void)state;
    PkgfixtureEntry e[8];
    size_t k = 0;
    e[k++] = (PkgfixtureEntry){ "imsmanifest.xml", golf12, 0, 0, 0 };
    e[k++] = (PkgfixtureEntry){ "one/index.html", "<p>a page that is longer than 10</p>", 0, 0,
                                0 };
    e[k++] = (PkgfixtureEntry){ "two/index.html", "<p>two</p>", 0, 0, 0 };
    e[k++] = (PkgfixtureEntry){ "lib/APIWrapper.js", "var api;", 0, 0, 0 };
    Buf z = BUF_INIT;
    assert_int_equal(pkgfixture_zip(e, k, &z), 0);
    Diag d = DIAG_INIT;
    assert_int_equal(validate_bytes(z.data, z.len, "ok.zip", NULL, &d), 0);
    diag_release(&d);
    lie_about_size(&z, "one/index.html", 10);
    assert_int_equal(validate_bytes(z.data, z.len, "lie.zip", NULL, &d), -1);
    expect_msg(&d, "lie.zip: error: cannot read 'one/index.html': ZIP uncompressed data is "
               "wrong size (read 36, expected 10) (the zip is damaged; copy or download it "
               "again)");
    diag_release(&d);
    buf_release(&z);
}


/* ---- validating like ADL (issue 16.3) ------------------------------------- */

/* A SCORM 2004 package whose SCOs start from one shared launcher page with
 * launch parameters, listed only in a shared resource they depend on. */
static const char launcher2004[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<manifest identifier=\"fr.chu.asepsie\" version=\"3\"\n"
    "  xmlns=\"http://www.imsglobal.org/xsd/imscp_v1p1\"\n"
    "  xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_v1p3\">\n"
    "  <metadata><schema>ADL SCORM</schema>"
    "<schemaversion>2004 4th Edition</schemaversion></metadata>\n"
    "  <organizations default=\"asepsie\">\n"
    "    <organization identifier=\"asepsie\">\n"
    "      <title>Asepsie au bloc</title>\n"
    "      <item identifier=\"i_lavage\" identifierref=\"sco_lavage\"><title>Lavage</title>"
    "</item>\n"
    "      <item identifier=\"i_quiz\" identifierref=\"sco_quiz\"><title>Quiz</title></item>\n"
    "    </organization>\n"
    "  </organizations>\n"
    "  <resources>\n"
    "    <resource identifier=\"sco_lavage\" type=\"webcontent\" adlcp:scormType=\"sco\" "
    "href=\"commun/lanceur.html?sco=lavage&amp;mode=normal\">\n"              /* 14 */
    "      <file href=\"lavage/etapes.js\"/>\n"
    "      <dependency identifierref=\"commun\"/>\n"
    "    </resource>\n"
    "    <resource identifier=\"sco_quiz\" type=\"webcontent\" adlcp:scormType=\"sco\" "
    "href=\"commun/evaluation.html\">\n"                                      /* 18 */
    "      <dependency identifierref=\"commun\"/>\n"
    "    </resource>\n"
    "    <resource identifier=\"commun\" type=\"webcontent\" adlcp:scormType=\"asset\">\n"
    "      <file href=\"commun/lanceur.html\"/>\n"
    "      <dependency identifierref=\"pages\"/>\n"
    "    </resource>\n"
    "    <resource identifier=\"pages\" type=\"webcontent\" adlcp:scormType=\"asset\">\n"
    "      <file href=\"commun/evaluation.html\"/>\n"
    "      <dependency identifierref=\"commun\"/>\n"
    "    </resource>\n"
    "  </resources>\n"
    "</manifest>\n";

static const char *const launcher_files[] = {
    "commun/lanceur.html", "commun/evaluation.html", "lavage/etapes.js",
};

static void test_validate__launch_parameters_and_dependencies(void **state)
{
    (void)state;
    Diag d = DIAG_INIT;
    /* a query string on the launch href; the file listed by a dependency */
    assert_int_equal(run(launcher2004, "imsmanifest.xml", launcher_files, 3, NULL, &d), 0);
    assert_int_equal(d.errors, 0);
    assert_int_equal(d.warnings, 0);
    diag_release(&d);
    /* the same with the official schemas */
    assert_int_equal(run(launcher2004, "imsmanifest.xml", launcher_files, 3, XSD, &d), 0);
    assert_int_equal(d.errors, 0);
    diag_release(&d);
    /* listed nowhere, even through the (circular) dependencies: still refused */
    char *unlisted = edit(launcher2004, "      <file href=\"commun/evaluation.html\"/>\n", "");
    assert_int_equal(run(unlisted, "imsmanifest.xml", launcher_files, 3, NULL, &d), -1);
    expect_msg(&d, "pkg.zip: imsmanifest.xml:18: error: resource 'sco_quiz' launches "
               "'commun/evaluation.html' but has no <file href=\"commun/evaluation.html\"/>, "
               "itself or through its dependencies (SCORM 2004 requires it; add the <file> "
               "element)");
    free(unlisted);
    diag_release(&d);
    /* in the zip? the query string is not part of the file name */
    const char *const no_launcher[] = { "commun/evaluation.html", "lavage/etapes.js" };
    assert_int_equal(run(launcher2004, "imsmanifest.xml", no_launcher, 2, NULL, &d), -1);
    expect_msg(&d, "pkg.zip: imsmanifest.xml:14: error: resource 'sco_lavage' launches "
               "'commun/lanceur.html', which is not in the zip (add the file or fix the href)");
    diag_release(&d);
}

static void test_validate__launch_listed_by_dependency_12(void **state)
{
    (void)state;
    /* SCORM 1.2: the launch file of r1 listed only by the shared resource */
    char *m = edit(golf12, "      <file href=\"one/index.html\"/>\n", "");
    char *m2 = edit(m, "<file href=\"lib/APIWrapper.js\"/>",
                    "<file href=\"lib/APIWrapper.js\"/><file href=\"one/index.html\"/>");
    Diag d = DIAG_INIT;
    assert_int_equal(run(m2, "imsmanifest.xml", golf12_files, 4, NULL, &d), 0);
    assert_int_equal(d.errors, 0);
    assert_int_equal(d.warnings, 0);
    diag_release(&d);
    free(m);
    free(m2);
}

/* xs:ID and xs:IDREF collapse whitespace: "  X  " is X. */
static void test_validate__identifiers_whitespace_collapsed(void **state)
{
    (void)state;
    char *m = edit(launcher2004, "<organization identifier=\"asepsie\">",
                   "<organization identifier=\"   asepsie   \">");
    char *m2 = edit(m, "identifierref=\"sco_quiz\"", "identifierref=\"  sco_quiz\n    \"");
    char *m3 = edit(m2, "<dependency identifierref=\"pages\"/>",
                    "<dependency identifierref=\" pages \"/>");
    char *m4 = edit(m3, "<resource identifier=\"sco_lavage\"",
                    "<resource identifier=\"\tsco_lavage \"");
    Diag d = DIAG_INIT;
    assert_int_equal(run(m4, "imsmanifest.xml", launcher_files, 3, NULL, &d), 0);
    assert_int_equal(d.errors, 0);
    assert_int_equal(d.warnings, 0);
    diag_release(&d);
    assert_int_equal(run(m4, "imsmanifest.xml", launcher_files, 3, XSD, &d), 0);
    assert_int_equal(d.errors, 0);
    diag_release(&d);
    /* the same identifier twice, once with spaces: a duplicate */
    char *dup = edit(launcher2004, "<item identifier=\"i_quiz\"", "<item identifier=\" i_lavage\"");
    assert_int_equal(run(dup, "imsmanifest.xml", launcher_files, 3, NULL, &d), -1);
    expect_msg(&d, "pkg.zip: imsmanifest.xml:10: error: identifier 'i_lavage' is used again "
               "(first on line 9); every identifier in a manifest must be unique (rename one "
               "of them)");
    diag_release(&d);
    free(dup);
    free(m);
    free(m2);
    free(m3);
    free(m4);
}

#define CMI5_XML(aus) "<?xml version=\"1.0\"?>\n<courseStructure " \
    "xmlns=\"https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd\">\n" \
    "<course id=\"urn:x:c\"><title><langstring>C</langstring></title>" \
    "<description><langstring>D</langstring></description></course>\n" aus "</courseStructure>\n"
#define CMI5_AU(id, url) "<au id=\"" id "\"><title><langstring>T</langstring></title>" \
    "<description><langstring>D</langstring></description><url>" url "</url></au>\n"

/* A cmi5 course package (cmi5.xml, no manifest) is checked as one: its
 * structure (cmi5_read), then each AU's launch page. */
static void test_validate__cmi5_course(void **state)
{
    (void)state;
    Diag d = DIAG_INIT;
    const char *const files[] = { "au1/index.html", "shared/a.css" };
    assert_int_equal(run(CMI5_XML(CMI5_AU("urn:x:1", "au1/index.html?mode=normal")
                                  CMI5_AU("urn:x:2", "https://quiz.example.org/au2")),
                         "cmi5.xml", files, 2, NULL, &d), 0);
    assert_int_equal(d.errors, 0);
    expect_msg(&d, "pkg.zip: cmi5.xml:5: warning: AU 'urn:x:2' launches "
               "'https://quiz.example.org/au2' on the web, not in the package (it works only "
               "online)");
    assert_int_equal(d.warnings, 1);    /* no file is "unlisted": cmi5 lists none */
    diag_release(&d);
    assert_int_equal(run(CMI5_XML(CMI5_AU("urn:x:1", "au1/index.html")
                                  CMI5_AU("urn:x:3", "au3/start.html")
                                  CMI5_AU("urn:x:4", "../outside.html")),
                         "cmi5.xml", files, 2, NULL, &d), -1);
    expect_msg(&d, "pkg.zip: cmi5.xml:5: error: AU 'urn:x:3' launches 'au3/start.html', which "
               "is not in the zip (add the file or fix the <url>)");
    expect_msg(&d, "pkg.zip: cmi5.xml:6: error: AU 'urn:x:4': the url '../outside.html' does "
               "not name a file of the package (use a path relative to the package root, with "
               "'/', that stays inside it)");
    assert_int_equal(d.errors, 2);
    diag_release(&d);
}

/* Zips of other formats are named for what they are; a cmi5.xml that is not
 * a course structure says why. */
static void test_validate__cmi5_and_aicc_named(void **state)
{
    (void)state;
    Diag d = DIAG_INIT;
    const char *const cmi5[] = { "cmi5.xml", "au1/index.html" };
    assert_int_equal(run(NULL, NULL, cmi5, 2, NULL, &d), -1);
    expect_msg(&d, "pkg.zip: cmi5.xml:1: error: the root element is <p>, not <courseStructure> "
               "(this is not a cmi5 course structure)");
    assert_int_equal(d.errors, 1);
    diag_release(&d);
    const char *const aicc[] = { "hygiene.au", "hygiene.cst", "hygiene.crs", "hygiene.des",
                                 "lesson/page1.html" };
    assert_int_equal(run(NULL, NULL, aicc, 5, NULL, &d), -1);
    expect_msg(&d, "pkg.zip: error: this zip is an AICC course (hygiene.crs, hygiene.au, "
               "hygiene.des, hygiene.cst), not a SCORM package (import it into the LMS as "
               "AICC, or export the course again as SCORM 1.2 or 2004)");
    assert_int_equal(d.errors, 1);
    diag_release(&d);
    /* a Sun audio file alone (.au) is no AICC course */
    const char *const audio[] = { "sons/alarme.au", "index.html" };
    assert_int_equal(run(NULL, NULL, audio, 2, NULL, &d), -1);
    expect_msg(&d, "pkg.zip: error: the zip has no imsmanifest.xml, so it is not a SCORM "
               "package (export the course again as SCORM)");
    diag_release(&d);
    /* a SCORM package that also carries AICC files is read as SCORM */
    const char *const both[] = { "Playing/Playing.html", "Playing/ball flight.jpg",
                                 "Etiquette/Course.html", "card.pdf", "shared/scormfunctions.js",
                                 "shared/style.css", "golf.crs" };
    assert_int_equal(run(golf2004, "imsmanifest.xml", both, 7, NULL, &d), 0);
    diag_release(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validate__third_party_2004_passes),
        cmocka_unit_test(test_validate__third_party_12_passes),
        cmocka_unit_test(test_validate__our_package_passes),
        cmocka_unit_test(test_validate__scorm12_with_cp114_namespace_warns),
        cmocka_unit_test(test_validate__manifest_missing_or_nested),
        cmocka_unit_test(test_validate__malformed_and_xxe),
        cmocka_unit_test(test_validate__schemaversion_and_scormtype),
        cmocka_unit_test(test_validate__references),
        cmocka_unit_test(test_validate__unlisted_files_warn),
        cmocka_unit_test(test_validate__schema_errors_located),
        cmocka_unit_test(test_validate__hostile_zip),
        cmocka_unit_test(test_validate__survives_damage),
        cmocka_unit_test(test_validate__each_rule_message),
        cmocka_unit_test(test_validate__many_unlisted_summarised),
        cmocka_unit_test(test_validate__schema_folder_missing),
        cmocka_unit_test(test_validate__file_larger_than_its_header),
        cmocka_unit_test(test_validate__launch_parameters_and_dependencies),
        cmocka_unit_test(test_validate__launch_listed_by_dependency_12),
        cmocka_unit_test(test_validate__identifiers_whitespace_collapsed),
        cmocka_unit_test(test_validate__cmi5_course),
        cmocka_unit_test(test_validate__cmi5_and_aicc_named),
    };
    return cmocka_run_group_tests_name("validate", tests, NULL, NULL);
}
