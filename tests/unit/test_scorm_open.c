/* Unit tests of scorm_open, the one package reader: the contents it lists
 * (chapters and their depth, hidden items, web addresses), and an unzipped
 * folder read as safely as a zip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "buf.h"
#include "diag.h"
#include "pkgfixture.h"
#include "cmi5.h"
#include "scorm_open.h"

/* A SCORM 1.2 course in chapters: two chapters of pages, a hidden wrapper
 * whose pages still count, a web page, and an item whose resource is gone. */
static const char chapters12[] =
    "<?xml version=\"1.0\"?>\n"
    "<manifest identifier=\"fr.chu.transfusion\" version=\"1\"\n"
    "  xmlns=\"http://www.imsproject.org/xsd/imscp_rootv1p1p2\"\n"
    "  xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_rootv1p2\">\n"
    "  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>\n"
    "  <organizations default=\"org\">\n"
    "    <organization identifier=\"org\"><title>Transfusion</title>\n"
    "      <item identifier=\"ch1\"><title>Avant la pose</title>\n"
    "        <item identifier=\"p1\" identifierref=\"r1\"><title>Prescription</title></item>\n"
    "        <item identifier=\"p2\" identifierref=\"r2\"><title>Contrôle ultime</title></item>\n"
    "      </item>\n"
    "      <item identifier=\"ch2\"><title>Pendant la pose</title>\n"
    "        <item identifier=\"wrap\" isvisible=\"false\"><title>caché</title>\n"
    "          <item identifier=\"p3\" identifierref=\"r3\"><title>Surveillance</title></item>\n"
    "        </item>\n"
    "        <item identifier=\"web\" identifierref=\"rweb\"><title>En ligne</title></item>\n"
    "        <item identifier=\"gone\" identifierref=\"nothing\"><title>Perdu</title></item>\n"
    "      </item>\n"
    "    </organization>\n"
    "  </organizations>\n"
    "  <resources xml:base=\"pages/\">\n"
    "    <resource identifier=\"r1\" type=\"webcontent\" adlcp:scormtype=\"sco\" "
    "href=\"prescription.html?lang=fr#haut\"><file href=\"prescription.html\"/></resource>\n"
    "    <resource identifier=\"r2\" type=\"webcontent\" adlcp:scormtype=\"sco\" "
    "href=\"controle.html\"><file href=\"controle.html\"/></resource>\n"
    "    <resource identifier=\"r3\" type=\"webcontent\" adlcp:scormtype=\"sco\" "
    "href=\"surveillance.html\"><file href=\"surveillance.html\"/></resource>\n"
    "    <resource identifier=\"rweb\" type=\"webcontent\" adlcp:scormtype=\"asset\" "
    "href=\"https://example.org/transfusion\"/>\n"
    "  </resources>\n"
    "</manifest>\n";

static const char *const pages[] = { "pages/prescription.html", "pages/controle.html",
                                     "pages/surveillance.html" };

static void expect_item(const ScormItem *it, const char *id, const char *title,
                        const char *href, const char *url, int depth)
{
    assert_string_equal(it->identifier, id);
    assert_string_equal(it->title, title);
    if (href)
        assert_string_equal(it->href, href);
    else
        assert_null(it->href);
    if (url)
        assert_string_equal(it->url, url);
    else
        assert_null(it->url);
    assert_int_equal(it->depth, depth);
}

static void expect_chapters(const ScormPackage *p)
{
    size_t n;
    const ScormItem *it = scorm_items(p, &n);
    assert_int_equal(n, 6);
    expect_item(&it[0], "ch1", "Avant la pose", NULL, NULL, 0);
    expect_item(&it[1], "p1", "Prescription", "pages/prescription.html", NULL, 1);
    expect_item(&it[2], "p2", "Contrôle ultime", "pages/controle.html", NULL, 1);
    expect_item(&it[3], "ch2", "Pendant la pose", NULL, NULL, 0);
    expect_item(&it[4], "p3", "Surveillance", "pages/surveillance.html", NULL, 1);
    expect_item(&it[5], "web", "En ligne", NULL, "https://example.org/transfusion", 1);
    assert_string_equal(scorm_organization(p)->title, "Transfusion");
}

static void test_scorm_open__contents_keep_chapters_and_depth(void **state)
{
    (void)state;
    PkgfixtureEntry e[4] = { { "imsmanifest.xml", chapters12, 0, 0, 0 } };
    for (int i = 0; i < 3; i++)
        e[i + 1] = (PkgfixtureEntry){ pages[i], "<p>page</p>", 0, 0, 0 };
    Buf z = BUF_INIT;
    assert_int_equal(pkgfixture_zip(e, 4, &z), 0);
    Diag d = DIAG_INIT;
    ScormPackage *p = scorm_open_memory(z.data, z.len, "t.zip", &d);
    assert_non_null(p);
    assert_int_equal(d.errors, 0);
    expect_chapters(p);
    assert_string_equal(scorm_container(p), "zip");
    assert_string_equal(scorm_manifest_label(p), "t.zip: imsmanifest.xml");
    scorm_close(p);
    diag_release(&d);
    buf_release(&z);
}

/* A cmi5 course (cmi5.xml, no manifest) is read in a manifest's shape: its
 * AUs are the items, their urls resolved like hrefs (parameters dropped,
 * %XX decoded), a web url kept as such. */
static const char cmi5_course[] =
    "<?xml version=\"1.0\"?>\n"
    "<courseStructure xmlns=\"" CMI5_NAMESPACE "\">\n"
    "<course id=\"urn:x:course\"><title><langstring lang=\"fr\">Parcours</langstring></title>"
    "<description><langstring>D</langstring></description></course>\n"
    "<block id=\"urn:x:b\"><title><langstring>B</langstring></title><description>"
    "<langstring>D</langstring></description>\n"
    "<au id=\"urn:x:au1\"><title><langstring>Lavage</langstring></title><description>"
    "<langstring>D</langstring></description><url>lavage/index.html?mode=a</url></au>\n"
    "</block>\n"
    "<au id=\"urn:x:au2\"><title><langstring>Gants</langstring></title><description>"
    "<langstring>D</langstring></description><url>les%20gants/start.html</url></au>\n"
    "<au id=\"urn:x:au3\"><title><langstring>Quiz</langstring></title><description>"
    "<langstring>D</langstring></description><url>https://quiz.example.org/q</url></au>\n"
    "</courseStructure>\n";

static void test_scorm_open__cmi5_course_as_items(void **state)
{
    (void)state;
    PkgfixtureEntry e[3] = { { "cmi5.xml", cmi5_course, 0, 0, 0 },
                             { "lavage/index.html", "<p>x</p>", 0, 0, 0 },
                             { "les gants/start.html", "<p>x</p>", 0, 0, 0 } };
    Buf z = BUF_INIT;
    assert_int_equal(pkgfixture_zip(e, 3, &z), 0);
    Diag d = DIAG_INIT;
    ScormPackage *p = scorm_open_memory(z.data, z.len, "t.zip", &d);
    assert_non_null(p);
    assert_int_equal(d.count, 0);
    const Cmi5Course *c = scorm_cmi5(p);
    assert_non_null(c);
    assert_int_equal(c->naus, 3);
    assert_string_equal(scorm_manifest_label(p), "t.zip: cmi5.xml");
    Manifest *m = scorm_manifest(p);
    assert_int_equal(m->edition, MANIFEST_EDITION_CMI5);
    assert_string_equal(m->identifier, "urn:x:course");
    size_t n;
    const ScormItem *it = scorm_items(p, &n);
    assert_int_equal(n, 3);
    expect_item(&it[0], "urn:x:au1", "Lavage", "lavage/index.html", NULL, 0);
    expect_item(&it[1], "urn:x:au2", "Gants", "les gants/start.html", NULL, 0);
    expect_item(&it[2], "urn:x:au3", "Quiz", NULL, "https://quiz.example.org/q", 0);
    assert_string_equal(scorm_organization(p)->title, "Parcours");
    scorm_close(p);
    /* a SCORM package has no course structure */
    buf_release(&z);
    PkgfixtureEntry s12[2] = { { "imsmanifest.xml", chapters12, 0, 0, 0 },
                               { "cmi5.xml", cmi5_course, 0, 0, 0 } };
    assert_int_equal(pkgfixture_zip(s12, 2, &z), 0);
    p = scorm_open_memory(z.data, z.len, "s.zip", &d);
    assert_non_null(p);
    assert_null(scorm_cmi5(p));     /* a manifest wins: read as SCORM */
    scorm_close(p);
    diag_release(&d);
    buf_release(&z);
}

static char *make_folder(const char *root)
{
    char *dir = malloc(strlen(root) + 16);
    sprintf(dir, "%s/pkg", root);
    assert_int_equal(mkdir(dir, 0755), 0);
    char path[4096];
    snprintf(path, sizeof(path), "%s/pages", dir);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(path, sizeof(path), "%s/imsmanifest.xml", dir);
    assert_int_equal(pkgfixture_write_file(path, chapters12, strlen(chapters12)), 0);
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, pages[i]);
        assert_int_equal(pkgfixture_write_file(path, "<p>page</p>", 11), 0);
    }
    return dir;
}

/* An unzipped folder lists the same contents and reads its files. */
static void test_scorm_open__folder_reads_like_its_zip(void **state)
{
    (void)state;
    char *root = pkgfixture_tmpdir();
    char *dir = make_folder(root);
    Diag d = DIAG_INIT;
    ScormPackage *p = scorm_open(dir, &d);
    assert_non_null(p);
    expect_chapters(p);
    assert_string_equal(scorm_container(p), "folder");
    assert_int_equal(scorm_file_count(p), 4);
    assert_string_equal(scorm_file(p, 0)->name, "imsmanifest.xml");
    assert_non_null(scorm_find(p, "pages/controle.html"));
    Buf b = BUF_INIT;
    assert_int_equal(scorm_read(p, "pages/controle.html", 0, &b, &d), 0);
    assert_string_equal(b.data, "<p>page</p>");
    /* a name the walk did not list is never opened */
    assert_int_equal(scorm_read(p, "../pkg/pages/controle.html", 0, &b, &d), -1);
    assert_int_equal(scorm_read(p, "pages/controle.html", 5, &b, &d), -1);
    scorm_close(p);
    buf_release(&b);
    diag_release(&d);
    pkgfixture_rmtree(root);
    free(root);
    free(dir);
}

/* A link inside a package folder is refused with the zip's words, and never
 * followed (a link to /etc/passwd would otherwise be shown as a page). */
static void test_scorm_open__folder_links_refused(void **state)
{
    (void)state;
    char *root = pkgfixture_tmpdir();
    char *dir = make_folder(root);
    char path[4096];
    snprintf(path, sizeof(path), "%s/pages/passwd.html", dir);
    assert_int_equal(symlink("/etc/passwd", path), 0);
    Diag d = DIAG_INIT;
    assert_null(scorm_open(dir, &d));
    assert_int_equal(d.errors, 1);
    char *s = diag_format(&d.msgs[0]);
    char want[4200];
    snprintf(want, sizeof(want), "%s: error: 'pages/passwd.html' is a symbolic link, not a "
             "regular file (a package may only contain files; replace links by copies)", dir);
    assert_string_equal(s, want);
    free(s);
    diag_release(&d);
    pkgfixture_rmtree(root);
    free(root);
    free(dir);
}

static void test_scorm_open__folder_without_manifest(void **state)
{
    (void)state;
    char *root = pkgfixture_tmpdir();
    char path[4096];
    snprintf(path, sizeof(path), "%s/index.html", root);
    assert_int_equal(pkgfixture_write_file(path, "<p>x</p>", 8), 0);
    Diag d = DIAG_INIT;
    assert_null(scorm_open(root, &d));
    char *s = diag_format(&d.msgs[0]);
    char want[4200];
    snprintf(want, sizeof(want), "%s: error: the folder has no imsmanifest.xml, so it is not "
             "a SCORM package (export the course again as SCORM)", root);
    assert_string_equal(s, want);
    free(s);
    diag_release(&d);
    pkgfixture_rmtree(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scorm_open__contents_keep_chapters_and_depth),
        cmocka_unit_test(test_scorm_open__cmi5_course_as_items),
        cmocka_unit_test(test_scorm_open__folder_reads_like_its_zip),
        cmocka_unit_test(test_scorm_open__folder_links_refused),
        cmocka_unit_test(test_scorm_open__folder_without_manifest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
