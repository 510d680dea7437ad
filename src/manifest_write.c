/* manifest_write: the imsmanifest.xml of a coursepack module. One
 * organization, one item, one SCO resource listing every file (SCORM-NOTES.md
 * section 2): exact schemaversion, scormType on the resource, a <file> whose
 * href equals the resource href, the default organization resolving. 2004
 * adds sequencing so an LMS lets the content set completion and success and
 * passes on the mastery score as the objective's minimum measure. */
#include "os.h"
#include "manifest.h"

#include <stdlib.h>
#include <string.h>

#define NS_XSI "http://www.w3.org/2001/XMLSchema-instance"

/* Whether "cp-<id>" etc. is an XML NCName: the id must be ASCII letters,
 * digits, '-', '_', '.'. */
static int id_ok(const char *id)
{
    if (!id || !*id)
        return 0;
    for (const char *p = id; *p; p++) {
        char ch = *p;
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
              || ch == '-' || ch == '_' || ch == '.'))
            return 0;
    }
    return 1;
}

static int skipped_file(const char *f)
{
    size_t n = strlen(f);
    if (strcmp(f, "imsmanifest.xml") == 0)
        return 1;
    return n > 4 && (strcmp(f + n - 4, ".xsd") == 0 || strcmp(f + n - 4, ".dtd") == 0);
}

/* An href for a package path: characters that would change a URI's meaning
 * (space, %, #, ?) are %-escaped; UTF-8 stays as it is (an IRI, as LMSs expect). */
static void put_href(Buf *out, const char *path)
{
    for (const char *p = path; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch == ' ' || ch == '%' || ch == '#' || ch == '?' || ch < 0x20)
            buf_printf(out, "%%%02X", ch);
        else if (ch == '&')
            buf_puts(out, "&amp;");
        else if (ch == '<')
            buf_puts(out, "&lt;");
        else if (ch == '"')
            buf_puts(out, "&quot;");
        else
            buf_putc(out, (char)ch);
    }
}

static void put_files(Buf *out, const char *const *files, size_t nfiles)
{
    buf_puts(out, "      <file href=\"index.html\"/>\n");
    for (size_t i = 0; i < nfiles; i++) {
        if (!files[i] || skipped_file(files[i]) || strcmp(files[i], "index.html") == 0)
            continue;
        buf_puts(out, "      <file href=\"");
        put_href(out, files[i]);
        buf_puts(out, "\"/>\n");
    }
}

int manifest_write(const Course *c, int lang, ScormEdition ed,
                   const char *const *files, size_t nfiles, Buf *out, Diag *d)
{
    SrcLoc at = srcloc(c->dir, 0, 0);
    if (lang < 0 || lang >= c->nlangs)
        return diag_error(d, at, "no language %d in module '%s'", lang, c->id ? c->id : "");
    const CourseLang *L = &c->langs[lang];
    if (!id_ok(c->id))
        return diag_error(d, at, "module id '%s' cannot be used as a SCORM identifier (use "
                          "letters, digits, '-', '_' or '.')", c->id ? c->id : "");
    if (!c->version || !*c->version)
        return diag_error(d, at, "module '%s' has no version (add one to module.xml)", c->id);
    if (!L->title || !*L->title)
        return diag_error(d, at, "module '%s' has no title in '%s' (add one to module.xml)",
                          c->id, L->code ? L->code : "?");
    for (size_t i = 0; i < nfiles; i++) {
        const char *f = files[i];
        if (!f || !*f || f[0] == '/' || strchr(f, '\\') || strstr(f, "..")) {
            return diag_error(d, at, "file '%s' cannot be listed in the manifest (use a "
                              "relative path inside the package)", f ? f : "");
        }
    }
    const char *id = c->id;
    int mastery = c->mastery_score < 0 ? 0 : c->mastery_score > 100 ? 100 : c->mastery_score;

    buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    buf_printf(out, "<manifest identifier=\"cp-%s\" version=\"", id);
    buf_puts_xml(out, c->version);
    buf_puts(out, "\"\n");
    if (ed == SCORM_12) {
        buf_puts(out,
            "    xmlns=\"http://www.imsproject.org/xsd/imscp_rootv1p1p2\"\n"
            "    xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_rootv1p2\"\n"
            "    xmlns:imsmd=\"http://www.imsglobal.org/xsd/imsmd_rootv1p2p1\"\n"
            "    xmlns:xsi=\"" NS_XSI "\"\n"
            "    xsi:schemaLocation=\"http://www.imsproject.org/xsd/imscp_rootv1p1p2 "
            "imscp_rootv1p1p2.xsd http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 "
            "imsmd_rootv1p2p1.xsd http://www.adlnet.org/xsd/adlcp_rootv1p2 "
            "adlcp_rootv1p2.xsd\">\n"
            "  <metadata>\n"
            "    <schema>ADL SCORM</schema>\n"
            "    <schemaversion>1.2</schemaversion>\n"
            "    <imsmd:lom>\n"
            "      <imsmd:general>\n"
            "        <imsmd:title><imsmd:langstring xml:lang=\"");
        buf_puts_xml(out, L->code);
        buf_puts(out, "\">");
        buf_puts_xml(out, L->title);
        buf_puts(out, "</imsmd:langstring></imsmd:title>\n");
        if (L->description && *L->description) {
            buf_puts(out, "        <imsmd:description><imsmd:langstring xml:lang=\"");
            buf_puts_xml(out, L->code);
            buf_puts(out, "\">");
            buf_puts_xml(out, L->description);
            buf_puts(out, "</imsmd:langstring></imsmd:description>\n");
        }
        buf_puts(out,
            "      </imsmd:general>\n"
            "    </imsmd:lom>\n"
            "  </metadata>\n");
    } else {
        buf_puts(out,
            "    xmlns=\"http://www.imsglobal.org/xsd/imscp_v1p1\"\n"
            "    xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_v1p3\"\n"
            "    xmlns:adlseq=\"http://www.adlnet.org/xsd/adlseq_v1p3\"\n"
            "    xmlns:adlnav=\"http://www.adlnet.org/xsd/adlnav_v1p3\"\n"
            "    xmlns:imsss=\"http://www.imsglobal.org/xsd/imsss\"\n"
            "    xmlns:lom=\"http://ltsc.ieee.org/xsd/LOM\"\n"
            "    xmlns:xsi=\"" NS_XSI "\"\n"
            "    xsi:schemaLocation=\"http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd "
            "http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd "
            "http://www.adlnet.org/xsd/adlseq_v1p3 adlseq_v1p3.xsd "
            "http://www.adlnet.org/xsd/adlnav_v1p3 adlnav_v1p3.xsd "
            "http://www.imsglobal.org/xsd/imsss imsss_v1p0.xsd "
            "http://ltsc.ieee.org/xsd/LOM lom.xsd\">\n"
            "  <metadata>\n"
            "    <schema>ADL SCORM</schema>\n"
            "    <schemaversion>2004 4th Edition</schemaversion>\n"
            "    <lom:lom>\n"
            "      <lom:general>\n"
            "        <lom:title><lom:string language=\"");
        buf_puts_xml(out, L->code);
        buf_puts(out, "\">");
        buf_puts_xml(out, L->title);
        buf_puts(out, "</lom:string></lom:title>\n");
        buf_puts(out, "        <lom:language>");
        buf_puts_xml(out, L->code);
        buf_puts(out, "</lom:language>\n");
        if (L->description && *L->description) {
            buf_puts(out, "        <lom:description><lom:string language=\"");
            buf_puts_xml(out, L->code);
            buf_puts(out, "\">");
            buf_puts_xml(out, L->description);
            buf_puts(out, "</lom:string></lom:description>\n");
        }
        buf_puts(out,
            "      </lom:general>\n"
            "    </lom:lom>\n"
            "  </metadata>\n");
    }

    buf_printf(out, "  <organizations default=\"org-%s\">\n", id);
    buf_printf(out, "    <organization identifier=\"org-%s\"%s>\n", id,
               ed == SCORM_2004 ? " adlseq:objectivesGlobalToSystem=\"false\"" : "");
    buf_puts(out, "      <title>");
    buf_puts_xml(out, L->title);
    buf_puts(out, "</title>\n");
    buf_printf(out, "      <item identifier=\"item-%s\" identifierref=\"res-%s\" "
               "isvisible=\"true\">\n", id, id);
    buf_puts(out, "        <title>");
    buf_puts_xml(out, L->title);
    buf_puts(out, "</title>\n");
    if (ed == SCORM_12) {
        buf_printf(out, "        <adlcp:masteryscore>%d</adlcp:masteryscore>\n", mastery);
    } else {
        /* SCORM 2004 SN: the content reports completion and success itself
         * (deliveryControls), and a score at or above the mastery satisfies
         * the primary objective. */
        buf_printf(out,
            "        <imsss:sequencing>\n"
            "          <imsss:objectives>\n"
            "            <imsss:primaryObjective objectiveID=\"obj-%s\" "
            "satisfiedByMeasure=\"true\">\n"
            "              <imsss:minNormalizedMeasure>%d.%02d</imsss:minNormalizedMeasure>\n"
            "            </imsss:primaryObjective>\n"
            "          </imsss:objectives>\n"
            "          <imsss:deliveryControls completionSetByContent=\"true\" "
            "objectiveSetByContent=\"true\"/>\n"
            "        </imsss:sequencing>\n",
            id, mastery / 100, mastery % 100);
    }
    buf_puts(out, "      </item>\n");
    if (ed == SCORM_2004) {
        buf_puts(out,
            "      <imsss:sequencing>\n"
            "        <imsss:controlMode choice=\"true\" flow=\"true\"/>\n"
            "      </imsss:sequencing>\n");
    }
    buf_puts(out, "    </organization>\n  </organizations>\n  <resources>\n");
    buf_printf(out, "    <resource identifier=\"res-%s\" type=\"webcontent\" %s=\"sco\" "
               "href=\"index.html\">\n", id,
               ed == SCORM_12 ? "adlcp:scormtype" : "adlcp:scormType");
    put_files(out, files, nfiles);
    buf_puts(out, "    </resource>\n  </resources>\n</manifest>\n");
    if (out->failed)
        return diag_error(d, at, "out of memory writing the manifest");
    return 0;
}

/* ---- schema files ---------------------------------------------------------- */

typedef struct SchemaList {
    Arena *arena;
    ManifestSchemaFile *v;
    size_t n, cap;
    int failed;
} SchemaList;

static void list_add(SchemaList *l, const char *name, const char *path)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        ManifestSchemaFile *v = arena_alloc(l->arena, cap * sizeof(*v));
        if (!v) {
            l->failed = 1;
            return;
        }
        if (l->n)
            memcpy(v, l->v, l->n * sizeof(*v));
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n].name = arena_strdup(l->arena, name);
    l->v[l->n].path = arena_strdup(l->arena, path);
    if (!l->v[l->n].name || !l->v[l->n].path)
        l->failed = 1;
    l->n++;
}

static int schema_ext(const char *f)
{
    size_t n = strlen(f);
    return n > 4 && (strcmp(f + n - 4, ".xsd") == 0 || strcmp(f + n - 4, ".dtd") == 0);
}

/* Adds the .xsd/.dtd files of root/rel (recursively), named rel/... */
static void list_dir(SchemaList *l, const char *root, const char *rel, int depth)
{
    char *dir = arena_printf(l->arena, "%s%s%s", root, *rel ? "/" : "", rel);
    OsDir *dp = dir ? os_dir_open(dir) : NULL;
    if (!dp)
        return;
    const char *entry;
    while ((entry = os_dir_next(dp, NULL)) != NULL) {
        if (entry[0] == '.')
            continue;
        char *name = arena_printf(l->arena, "%s%s%s", rel, *rel ? "/" : "", entry);
        char *path = arena_printf(l->arena, "%s/%s", dir, entry);
        OsStat st;
        if (!name || !path || os_lstat(path, &st) != 0)
            continue;
        if (st.kind == OS_FILE_DIR && depth < 4)
            list_dir(l, root, name, depth + 1);
        else if (st.kind == OS_FILE_REGULAR && schema_ext(entry))
            list_add(l, name, path);
    }
    os_dir_close(dp);
}

static int schema_cmp(const void *a, const void *b)
{
    return strcmp(((const ManifestSchemaFile *)a)->name, ((const ManifestSchemaFile *)b)->name);
}

int manifest_schema_files(ScormEdition ed, const char *schemas_dir, Arena *arena,
                          ManifestSchemaFile **out, size_t *n, Diag *d)
{
    static const char *const need12[] = { "imscp_rootv1p1p2.xsd", "adlcp_rootv1p2.xsd",
                                          "imsmd_rootv1p2p1.xsd", "ims_xml.xsd" };
    static const char *const need2004[] = { "imscp_v1p1.xsd", "adlcp_v1p3.xsd",
                                            "adlseq_v1p3.xsd", "adlnav_v1p3.xsd",
                                            "imsss_v1p0.xsd", "lom.xsd", "xml.xsd" };
    SchemaList l = { arena, NULL, 0, 0, 0 };
    const char *sub = ed == SCORM_12 ? "scorm12" : "scorm2004-4th";
    char *root = arena_printf(arena, "%s/%s", schemas_dir, sub);
    if (!root)
        return diag_error(d, srcloc(schemas_dir, 0, 0), "out of memory");
    list_dir(&l, root, "", 0);
    if (l.failed)
        return diag_error(d, srcloc(schemas_dir, 0, 0), "out of memory");
    if (l.n)
        qsort(l.v, l.n, sizeof(*l.v), schema_cmp);
    const char *const *need = ed == SCORM_12 ? need12 : need2004;
    size_t nneed = ed == SCORM_12 ? 4 : 7;
    for (size_t i = 0; i < nneed; i++) {
        ManifestSchemaFile key = { need[i], NULL };
        if (!l.n || !bsearch(&key, l.v, l.n, sizeof(*l.v), schema_cmp))
            return diag_error(d, srcloc(schemas_dir, 0, 0), "'%s' is missing from '%s' (give "
                              "--schemas the folder that holds scorm12/ and scorm2004-4th/)",
                              need[i], root);
    }
    *out = l.v;
    *n = l.n;
    return 0;
}
