/* One verdict for a package: `coursepack validate` (validate_package),
 * `wardplayer --check` (ui_check) and the player's open path
 * (ui_module_problem, ui_new) agree on every fixture, zipped or unzipped,
 * and give the same reason. The fixtures are written here (issue 16.3). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "buf.h"
#include "check.h"
#include "diag.h"
#include "layout.h"
#include "pkgfixture.h"
#include "ui.h"
#include "validate.h"

#define PAGE(t) "<!DOCTYPE html><html lang=\"fr\"><head><title>" t "</title></head><body>" \
                "<h1>" t "</h1><p>Texte de la page " t ".</p></body></html>"

#define M2004_HEAD                                                                          \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                                          \
    "<manifest identifier=\"fr.chu.asepsie\" version=\"3\"\n"                               \
    "  xmlns=\"http://www.imsglobal.org/xsd/imscp_v1p1\"\n"                                 \
    "  xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_v1p3\">\n"

/* Two SCOs from one launcher page with parameters, listed by a dependency. */
static const char launcher[] =
    M2004_HEAD
    "  <metadata><schema>ADL SCORM</schema>"
    "<schemaversion>2004 4th Edition</schemaversion></metadata>\n"
    "  <organizations default=\"asepsie\">\n"
    "    <organization identifier=\"asepsie\"><title>Asepsie au bloc</title>\n"
    "      <item identifier=\"i1\" identifierref=\"sco1\"><title>Lavage</title></item>\n"
    "      <item identifier=\"i2\" identifierref=\"sco2\"><title>Gants</title></item>\n"
    "    </organization>\n"
    "  </organizations>\n"
    "  <resources>\n"
    "    <resource identifier=\"sco1\" type=\"webcontent\" adlcp:scormType=\"sco\" "
    "href=\"commun/lavage.html?mode=normal\"><dependency identifierref=\"commun\"/></resource>\n"
    "    <resource identifier=\"sco2\" type=\"webcontent\" adlcp:scormType=\"sco\" "
    "href=\"commun/gants.html\"><dependency identifierref=\"commun\"/></resource>\n"
    "    <resource identifier=\"commun\" type=\"webcontent\" adlcp:scormType=\"asset\">\n"
    "      <file href=\"commun/lavage.html\"/><file href=\"commun/gants.html\"/>\n"
    "    </resource>\n"
    "  </resources>\n"
    "</manifest>\n";

/* Identifiers with spaces around them (xs:ID collapses whitespace). */
static const char spaced[] =
    M2004_HEAD
    "  <metadata><schema>ADL SCORM</schema>"
    "<schemaversion>2004 4th Edition</schemaversion></metadata>\n"
    "  <organizations default=\"ORG\">\n"
    "    <organization identifier=\"   ORG   \"><title>Asepsie</title>\n"
    "      <item identifier=\" i1 \" identifierref=\"   SCO1     \"><title>Lavage</title></item>\n"
    "      <item identifier=\"i2\" identifierref=\"SCO2\"><title>Gants</title></item>\n"
    "    </organization>\n"
    "  </organizations>\n"
    "  <resources>\n"
    "    <resource identifier=\"SCO1\" type=\"webcontent\" adlcp:scormType=\"sco\" "
    "href=\"lavage.html\"><file href=\"lavage.html\"/></resource>\n"
    "    <resource identifier=\" SCO2\" type=\"webcontent\" adlcp:scormType=\"sco\" "
    "href=\"gants.html\"><file href=\"gants.html\"/></resource>\n"
    "  </resources>\n"
    "</manifest>\n";

/* Readable by the player (the page is there) but wrong for an LMS. */
static const char bad_version[] =
    M2004_HEAD
    "  <metadata><schema>ADL SCORM</schema><schemaversion>SCORM 2004</schemaversion></metadata>\n"
    "  <organizations default=\"o\">\n"
    "    <organization identifier=\"o\"><title>Asepsie</title>\n"
    "      <item identifier=\"i1\" identifierref=\"r1\"><title>Lavage</title></item>\n"
    "    </organization>\n"
    "  </organizations>\n"
    "  <resources>\n"
    "    <resource identifier=\"r1\" type=\"webcontent\" adlcp:scormType=\"sco\" "
    "href=\"lavage.html\"><file href=\"lavage.html\"/></resource>\n"
    "  </resources>\n"
    "</manifest>\n";

/* A cmi5 course (no manifest) of one AU, its launch page in a folder. */
#define CMI5_HEAD "<?xml version=\"1.0\"?>\n<courseStructure " \
    "xmlns=\"https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd\">\n" \
    "<course id=\"urn:x:c\"><title><langstring lang=\"fr\">Asepsie</langstring></title>" \
    "<description><langstring>D</langstring></description></course>\n"
static const char cmi5_one[] =
    CMI5_HEAD
    "<au id=\"urn:x:au\" moveOn=\"Completed\"><title><langstring>Lavage</langstring></title>"
    "<description><langstring>D</langstring></description><url>au/index.html?lang=fr</url>"
    "</au>\n</courseStructure>\n";

typedef struct FixFile {
    const char *name, *data;
} FixFile;

typedef struct Fixture {
    const char *name;
    FixFile files[6];
    int valid;              /* the verdict every tool must give */
    const char *reason;     /* an error all of them must print (zip form), or NULL */
    int pages;              /* valid: pages the player lists */
} Fixture;

static const Fixture fixtures[] = {
    { "launcher", { { "imsmanifest.xml", launcher }, { "commun/lavage.html", PAGE("Lavage") },
                    { "commun/gants.html", PAGE("Gants") } }, 1, NULL, 2 },
    { "spaced", { { "imsmanifest.xml", spaced }, { "lavage.html", PAGE("Lavage") },
                  { "gants.html", PAGE("Gants") } }, 1, NULL, 2 },
    { "subfolder", { { "asepsie/imsmanifest.xml", launcher },
                     { "asepsie/commun/lavage.html", PAGE("Lavage") },
                     { "asepsie/commun/gants.html", PAGE("Gants") } }, 0,
      "error: imsmanifest.xml is in the folder 'asepsie/', not at the root of the zip (zip "
      "the contents of that folder, not the folder itself)", 0 },
    { "cmi5", { { "cmi5.xml", cmi5_one }, { "au/index.html", PAGE("AU") } }, 1, NULL, 1 },
    { "cmi5-no-page", { { "cmi5.xml", cmi5_one }, { "au/start.html", PAGE("AU") } }, 0,
      "cmi5.xml:4: error: AU 'urn:x:au' launches 'au/index.html', which is not in the zip", 0 },
    { "cmi5-no-namespace", { { "cmi5.xml", "<courseStructure/>" },
                             { "au/index.html", PAGE("AU") } }, 0,
      "cmi5.xml:1: error: <courseStructure> is in the namespace '', not cmi5's", 0 },
    { "aicc", { { "c.crs", "[Course]" }, { "c.au", "x" }, { "c.des", "x" }, { "c.cst", "x" },
                { "c.html", PAGE("C") } }, 0,
      "error: this zip is an AICC course (c.crs, c.au, c.des, c.cst), not a SCORM package", 0 },
    { "bad-version", { { "imsmanifest.xml", bad_version }, { "lavage.html", PAGE("Lavage") } },
      0, "imsmanifest.xml:5: error: schemaversion is 'SCORM 2004' but a SCORM 2004 manifest "
      "needs exactly '2004 4th Edition'", 0 },
    { "launch-missing", { { "imsmanifest.xml", launcher }, { "commun/gants.html",
                                                              PAGE("Gants") } }, 0,
      "error: resource 'sco1' launches 'commun/lavage.html', which is not in the zip", 0 },
};

static int fake_measure(void *ud, FontId font, const char *s, size_t n)
{
    (void)ud;
    (void)s;
    return (int)n * layout_font_px(FONT_SIZE(font), 100) / 2;
}

static int fake_line_height(void *ud, FontId font)
{
    (void)ud;
    return layout_font_px(FONT_SIZE(font), 100) * 5 / 4;
}

static const LayoutMeasure MEASURE = { fake_measure, fake_line_height, NULL, NULL };

static void write_zip(const Fixture *f, const char *path)
{
    PkgfixtureEntry e[6];
    size_t n = 0;
    for (; n < 6 && f->files[n].name; n++)
        e[n] = (PkgfixtureEntry){ f->files[n].name, f->files[n].data, 0, 0, 0 };
    Buf z = BUF_INIT;
    assert_int_equal(pkgfixture_zip(e, n, &z), 0);
    assert_int_equal(pkgfixture_write_file(path, z.data, z.len), 0);
    buf_release(&z);
}

static void write_folder(const Fixture *f, const char *dir)
{
    assert_int_equal(mkdir(dir, 0755), 0);
    for (size_t i = 0; i < 6 && f->files[i].name; i++) {
        char path[8192];
        snprintf(path, sizeof(path), "%s/%s", dir, f->files[i].name);
        for (char *s = path + strlen(dir) + 1; (s = strchr(s, '/')); s++) {
            *s = '\0';
            mkdir(path, 0755);
            *s = '/';
        }
        assert_int_equal(pkgfixture_write_file(path, f->files[i].data,
                                               strlen(f->files[i].data)), 0);
    }
}

/* The errors of validate_package, one per line as the tools print them. */
static int validate_text(const char *path, Buf *out)
{
    Diag d = DIAG_INIT;
    int rc = validate_package(path, NULL, &d);
    diag_sort(&d);
    for (size_t i = 0; i < d.count; i++) {
        if (d.msgs[i].level != DIAG_ERROR)
            continue;
        char *t = diag_format(&d.msgs[i]);
        buf_printf(out, "%s\n", t);
        free(t);
    }
    diag_release(&d);
    return rc;
}

static void expect_in(const char *what, const char *text, const char *want)
{
    if (!strstr(text, want))
        fail_msg("%s does not say \"%s\"; it says:\n%s", what, want, text);
}

static void agree(const Fixture *f, const char *path, int zipped)
{
    Buf v = BUF_INIT, c = BUF_INIT, p = BUF_INIT;
    int rc_v = validate_text(path, &v);
    int rc_c = ui_check(path, &c);
    int rc_p = ui_module_problem(path, &p);
    if ((rc_v == 0) != f->valid || (rc_c == 0) != f->valid || (rc_p == 0) != f->valid)
        fail_msg("%s (%s): expected %s; validate %d, --check %d, player %d\nvalidate:\n%s"
                 "--check:\n%s\nplayer:\n%s", f->name, zipped ? "zip" : "folder",
                 f->valid ? "valid" : "refused", rc_v, rc_c, rc_p, v.data, c.data, p.data);
    if (!f->valid) {
        /* every error validate gives, --check and the player give too */
        char *lines = strdup(v.data);
        for (char *save = NULL, *l = strtok_r(lines, "\n", &save); l;
             l = strtok_r(NULL, "\n", &save)) {
            expect_in("--check", c.data, l);
            expect_in("the player", p.data, l);
        }
        free(lines);
        if (zipped && f->reason)
            expect_in("validate", v.data, f->reason);
    }
    buf_release(&v);
    buf_release(&c);
    buf_release(&p);
}

static void test_check__one_verdict_zipped_and_unzipped(void **state)
{
    (void)state;
    char *dir = pkgfixture_tmpdir();
    for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s.zip", dir, fixtures[i].name);
        write_zip(&fixtures[i], path);
        agree(&fixtures[i], path, 1);
        snprintf(path, sizeof(path), "%s/%s", dir, fixtures[i].name);
        write_folder(&fixtures[i], path);
        agree(&fixtures[i], path, 0);
    }
    pkgfixture_rmtree(dir);
    free(dir);
}

/* What a learner sees: a package the tools accept opens on its first page;
 * one they refuse gives a short message in the interface language, never the
 * administrator's English details. */
static void test_check__player_opens_what_validate_accepts(void **state)
{
    (void)state;
    char *dir = pkgfixture_tmpdir();
    for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
        const Fixture *f = &fixtures[i];
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s.zip", dir, f->name);
        write_zip(f, path);
        UiOptions o = { .path = path, .lang = "fr", .width = 1000, .height = 700 };
        Buf err = BUF_INIT;
        Ui *ui = ui_new(&o, &MEASURE, &err);
        assert_non_null(ui);
        const UiView *v = ui_view(ui);
        if (f->valid) {
            char want[32];
            snprintf(want, sizeof(want), "1 sur %d", f->pages);
            if (!v->where || !strstr(v->where, want))
                fail_msg("%s: the player shows '%s', not page %s", f->name,
                         v->where ? v->where : "(nothing)", want);
        } else {
            if (!v->notice || !strstr(v->notice, "Impossible d\xe2\x80\x99ouvrir ce module"))
                fail_msg("%s: notice '%s'", f->name, v->notice ? v->notice : "(none)");
            assert_null(strstr(v->notice, "error"));
            assert_null(strstr(v->notice, dir));
        }
        ui_free(ui);
        buf_release(&err);
    }
    pkgfixture_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check__one_verdict_zipped_and_unzipped),
        cmocka_unit_test(test_check__player_opens_what_validate_accepts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
