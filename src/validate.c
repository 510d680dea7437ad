/* validate: checks a SCORM zip in the order ADL's conformance test does
 * (SCORM-NOTES.md section 1): manifest at the root, well-formed, CP root
 * element, schema validation (optional), then the rules schemas cannot
 * express (identifiers unique and resolving, scormType, schemaversion, every
 * referenced file present) and finally excess baggage (files nobody lists:
 * warnings). Messages are for an LMS administrator: what is wrong, where, and
 * what to do. Third-party packages go through here too, so anything the
 * standard allows passes, and what is merely unusual is a warning. */
#include "validate.h"

#include <libxml/catalog.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlschemas.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "cmi5.h"
#include "manifest.h"
#include "package.h"
#include "scorm_open.h"
#include "xml_safe.h"

#define MAX_UNLISTED_SHOWN 10

/* ---- schema validation ------------------------------------------------------ */

typedef struct SchemaErrCtx {
    Diag *d;
    const char *label;
    int count;
} SchemaErrCtx;

static void schema_error(void *ud, xmlErrorPtr e)
{
    SchemaErrCtx *c = ud;
    if (!e || e->level < XML_ERR_ERROR)
        return;
    char msg[600];
    xml_safe_error_text(e, msg, sizeof(msg));
    c->count++;
    if (c->count > 50)
        return;
    diag_error(c->d, srcloc(c->label, e->line, 0), "not valid against the SCORM schema: %s "
               "(correct the element as the schema requires)", *msg ? msg : "invalid");
}

static void schema_parse_error(void *ud, xmlErrorPtr e)
{
    SchemaErrCtx *c = ud;
    if (!e || e->level < XML_ERR_ERROR)
        return;
    c->count++;
    if (c->count == 1)
        diag_error(c->d, srcloc(c->label, 0, 0), "cannot load the SCORM schemas: %s (check "
                   "the --schemas folder)", e->message ? e->message : "error");
}

/* libxml2 prints a namespace complaint about SCORM 1.2's ims_xml.xsd while
 * loading it (harmless: xmllint prints it too); keep stderr quiet. */
static void silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static void load_catalog(const char *schemas_dir)
{
    /* Maps http://www.w3.org/2001/xml.xsd to the local copy (imscp_v1p1.xsd
     * imports it). xmlLoadCatalog adds to the process-wide catalog: once per dir. */
    static char loaded[4096];
    if (strcmp(loaded, schemas_dir) == 0)
        return;
    char path[4200];
    snprintf(path, sizeof(path), "%s/local/catalog.xml", schemas_dir);
    xmlInitializeCatalog();
    if (xmlLoadCatalog(path) == 0)
        snprintf(loaded, sizeof(loaded), "%s", schemas_dir);
}

static int contains(const char *s, size_t len, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= len; i++) {
        if (s[i] == needle[0] && memcmp(s + i, needle, k) == 0)
            return 1;
    }
    return 0;
}

int validate_manifest_schema(const char *xml, size_t len, const char *label,
                             const char *schemas_dir, Diag *d)
{
    int rc = -1;
    xmlParserCtxtPtr pctxt = NULL;
    xmlDocPtr doc = NULL;
    xmlSchemaParserCtxtPtr sp = NULL;
    xmlSchemaPtr schema = NULL;
    xmlSchemaValidCtxtPtr vc = NULL;
    SchemaErrCtx ec = { d, label, 0 };
    xmlExternalEntityLoader old_loader = xmlGetExternalEntityLoader();

    const char *driver;
    if (contains(xml, len, "imscp_rootv1p1p2"))
        driver = "scorm12_all.xsd";
    else if (contains(xml, len, "imsglobal.org/xsd/imscp_v1p1"))
        driver = "scorm2004_4th_all.xsd";
    else
        return diag_error(d, srcloc(label, 0, 0), "cannot tell the SCORM edition from the "
                          "manifest's namespace, so it cannot be checked against a schema "
                          "(use the SCORM 1.2 or 2004 content packaging namespace)");
    pctxt = xmlNewParserCtxt();
    if (!pctxt)
        return diag_error(d, srcloc(label, 0, 0), "out of memory");
    doc = xml_safe_read(pctxt, xml, len, NULL,
                        XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES, NULL);
    if (!doc || !pctxt->wellFormed) {
        diag_error(d, srcloc(label, 0, 0), "the manifest is not well-formed XML or declares "
                   "entities (fix the XML first)");
        goto out;
    }
    load_catalog(schemas_dir);
    xmlSetExternalEntityLoader(xmlNoNetExternalEntityLoader);
    xmlSetGenericErrorFunc(NULL, silent);
    char path[4200];
    snprintf(path, sizeof(path), "%s/local/%s", schemas_dir, driver);
    sp = xmlSchemaNewParserCtxt(path);
    if (!sp) {
        diag_error(d, srcloc(label, 0, 0), "out of memory");
        goto out;
    }
    xmlSchemaSetParserStructuredErrors(sp, schema_parse_error, &ec);
    schema = xmlSchemaParse(sp);
    if (!schema) {
        if (!ec.count)
            diag_error(d, srcloc(label, 0, 0), "cannot load the SCORM schema '%s' (check the "
                       "--schemas folder)", path);
        goto out;
    }
    vc = xmlSchemaNewValidCtxt(schema);
    if (!vc) {
        diag_error(d, srcloc(label, 0, 0), "out of memory");
        goto out;
    }
    xmlSchemaSetValidStructuredErrors(vc, schema_error, &ec);
    int r = xmlSchemaValidateDoc(vc, doc);
    if (r != 0) {
        if (!ec.count)
            diag_error(d, srcloc(label, 0, 0), "not valid against the SCORM schema (run "
                       "xmllint --schema for details)");
        else if (ec.count > 50)
            diag_note(d, srcloc(label, 0, 0), "%d more schema errors not shown", ec.count - 50);
        goto out;
    }
    rc = 0;
out:
    xmlSetExternalEntityLoader(old_loader);
    xmlSetGenericErrorFunc(NULL, NULL);
    if (vc)
        xmlSchemaFreeValidCtxt(vc);
    if (schema)
        xmlSchemaFree(schema);
    if (sp)
        xmlSchemaFreeParserCtxt(sp);
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(pctxt);
    return rc;
}

/* ---- the SCORM rules -------------------------------------------------------- */

typedef struct Check {
    Manifest *m;
    ScormPackage *p;
    Diag *d;
    const char *label;          /* "<zip>: imsmanifest.xml" */
    const char *zip_label;      /* "<zip>" */
    int scorm2004;
    const char **listed;        /* resolved package paths referenced by the manifest */
    size_t nlisted, caplisted;
    const char **ids;           /* every identifier, with its line */
    int *id_lines;
    size_t nids, capids;
    unsigned char *res_used;    /* per resource: referenced by an item or dependency */
} Check;

static SrcLoc at_line(const Check *c, int line)
{
    return srcloc(c->label, line, 0);
}

static void add_listed(Check *c, const char *path)
{
    if (c->nlisted == c->caplisted) {
        size_t cap = c->caplisted ? c->caplisted * 2 : 64;
        const char **v = realloc(c->listed, cap * sizeof(*v));
        if (!v)
            return;
        c->listed = v;
        c->caplisted = cap;
    }
    c->listed[c->nlisted++] = path;
}

static void add_id(Check *c, const char *id, int line)
{
    if (!id)
        return;
    if (c->nids == c->capids) {
        size_t cap = c->capids ? c->capids * 2 : 64;
        const char **v = realloc(c->ids, cap * sizeof(*v));
        int *l = v ? realloc(c->id_lines, cap * sizeof(*l)) : NULL;
        if (v)
            c->ids = v;
        if (!v || !l)
            return;
        c->id_lines = l;
        c->capids = cap;
    }
    c->ids[c->nids] = id;
    c->id_lines[c->nids++] = line;
}

static const char *path_problem(ManifestPath st)
{
    switch (st) {
    case MANIFEST_PATH_EMPTY: return "is empty";
    case MANIFEST_PATH_ABSOLUTE: return "is an absolute path (starts with '/')";
    case MANIFEST_PATH_BACKSLASH: return "contains a backslash (use '/')";
    case MANIFEST_PATH_ESCAPES: return "goes outside the package with '..'";
    default: return "cannot be resolved";
    }
}

/* Checks one href of resource r: returns the resolved path (and records it),
 * or NULL after a message. what: "launches" / "lists the file". */
static const char *check_href(Check *c, const ManifestResource *r, const char *href, int line,
                              int is_launch)
{
    const char *path = NULL;
    const char *rid = r->identifier ? r->identifier : "?";
    ManifestPath st = manifest_resolve(c->m, r, href, &path);
    if (st == MANIFEST_PATH_EXTERNAL) {
        diag_warning(c->d, at_line(c, line), "resource '%s' %s '%s' on the web, not in the "
                     "package (it works only online; SCORM discourages external files)", rid,
                     is_launch ? "launches" : "lists", href);
        return NULL;
    }
    if (st != MANIFEST_PATH_OK) {
        diag_error(c->d, at_line(c, line), "resource '%s': the href '%s' %s (use a path "
                   "relative to the package root)", rid, href ? href : "", path_problem(st));
        return NULL;
    }
    add_listed(c, path);
    if (!scorm_find(c->p, path)) {
        const char *other = NULL;
        for (size_t i = 0; i < scorm_file_count(c->p) && !other; i++) {
            if (strcasecmp(scorm_file(c->p, i)->name, path) == 0)
                other = scorm_file(c->p, i)->name;
        }
        if (other) {
            add_listed(c, other);
            diag_error(c->d, at_line(c, line), "resource '%s' %s '%s', but the %s has '%s': "
                       "names are case-sensitive on most LMS servers (make the href and the "
                       "file name match exactly)", rid, is_launch ? "launches" : "lists", path,
                       scorm_container(c->p), other);
        } else if (is_launch)
            diag_error(c->d, at_line(c, line), "resource '%s' launches '%s', which is not in "
                       "the %s (add the file or fix the href)", rid, path, scorm_container(c->p));
        else
            diag_error(c->d, at_line(c, line), "resource '%s' lists the file '%s', which is "
                       "not in the %s (add the file or remove the <file> element)", rid, path,
                       scorm_container(c->p));
        return NULL;
    }
    return path;
}

/* Whether a resource r depends on, directly or not, lists path in a <file>
 * (ADL's checker follows dependencies before requiring the launch file's
 * <file>). A work list, not recursion: chains and cycles stay cheap. */
static int listed_by_dependency(Check *c, const ManifestResource *r, const char *path)
{
    size_t n = c->m->nresources;
    unsigned char *seen = calloc(n ? n : 1, 1);
    size_t *todo = malloc((n ? n : 1) * sizeof(*todo));
    size_t ntodo = 0;
    int found = 0;
    if (!seen || !todo)
        goto out;
    seen[r - c->m->resources] = 1;
    const ManifestResource *from = r;
    for (;;) {
        for (size_t i = 0; i < from->ndeps; i++) {
            const ManifestResource *t = manifest_find_resource(c->m, from->deps[i].identifierref);
            if (t && !seen[t - c->m->resources]) {
                seen[t - c->m->resources] = 1;
                todo[ntodo++] = (size_t)(t - c->m->resources);
            }
        }
        if (!ntodo)
            break;
        from = &c->m->resources[todo[--ntodo]];
        for (size_t i = 0; i < from->nfiles && !found; i++) {
            const char *same = NULL;
            found = from->files[i].href
                    && manifest_resolve(c->m, from, from->files[i].href, &same) == MANIFEST_PATH_OK
                    && strcmp(same, path) == 0;
        }
        if (found)
            break;
    }
out:
    free(seen);
    free(todo);
    return found;
}

static void check_resource(Check *c, const ManifestResource *r)
{
    const char *rid = r->identifier ? r->identifier : "?";
    SrcLoc at = at_line(c, r->line);
    if (!r->identifier)
        diag_error(c->d, at, "a <resource> has no identifier (add identifier=\"...\")");
    if (!r->type || !*r->type)
        diag_error(c->d, at, "resource '%s' has no type (add type=\"webcontent\")", rid);
    const char *want = c->scorm2004 ? "scormType" : "scormtype";
    if (!r->scorm_type) {
        diag_error(c->d, at, "resource '%s' has no adlcp:%s (add adlcp:%s=\"sco\" for content "
                   "that talks to the LMS, or \"asset\" for plain files)", rid, want, want);
    } else {
        if (strcmp(r->scorm_type_attr, want) != 0)
            diag_error(c->d, at, "resource '%s': the attribute is spelled 'adlcp:%s'; SCORM %s "
                       "needs 'adlcp:%s' (fix the spelling)", rid, r->scorm_type_attr,
                       c->scorm2004 ? "2004" : "1.2", want);
        if (strcmp(r->scorm_type, "sco") != 0 && strcmp(r->scorm_type, "asset") != 0)
            diag_error(c->d, at, "resource '%s': adlcp:%s is '%s' (use \"sco\" or \"asset\")",
                       rid, want, r->scorm_type);
    }
    if (r->base) {
        if (strchr(r->base, '\\') || r->base[0] == '/')
            diag_error(c->d, at, "resource '%s': xml:base '%s' must be a relative path with "
                       "'/' (fix the xml:base)", rid, r->base);
        else if (r->base[0] && r->base[strlen(r->base) - 1] != '/') {
            if (c->scorm2004)
                diag_error(c->d, at, "resource '%s': xml:base '%s' must end with '/' (add "
                           "the trailing slash)", rid, r->base);
            else
                diag_warning(c->d, at, "resource '%s': xml:base '%s' does not end with '/' "
                             "(some LMSs then join paths wrongly; add the trailing slash)",
                             rid, r->base);
        }
    }
    const char *launch = NULL, *launch_path = NULL;
    if (r->href) {
        launch = check_href(c, r, r->href, r->line, 1);
        if (manifest_resolve(c->m, r, r->href, &launch_path) != MANIFEST_PATH_OK)
            launch_path = NULL;
    }
    int launch_listed = 0;
    for (size_t i = 0; i < r->nfiles; i++) {
        const ManifestFile *f = &r->files[i];
        if (!f->href) {
            diag_error(c->d, at_line(c, f->line), "resource '%s': a <file> has no href (add "
                       "href=\"path/of/the/file\")", rid);
            continue;
        }
        const char *same = NULL;
        if (!launch && launch_path
            && manifest_resolve(c->m, r, f->href, &same) == MANIFEST_PATH_OK
            && strcmp(same, launch_path) == 0) {
            launch_listed = 1;  /* already reported missing as the launch file */
            continue;
        }
        const char *path = check_href(c, r, f->href, f->line, 0);
        if (launch && path && strcmp(launch, path) == 0)
            launch_listed = 1;
        if (r->href && strcspn(r->href, "?#") == strlen(f->href)
            && strncmp(r->href, f->href, strlen(f->href)) == 0)
            launch_listed = 1;
    }
    if (r->href && launch && !launch_listed)
        launch_listed = listed_by_dependency(c, r, launch);
    if (r->href && launch && !launch_listed) {
        int cut = (int)strcspn(r->href, "?#");
        if (c->scorm2004)
            diag_error(c->d, at, "resource '%s' launches '%s' but has no <file href=\"%.*s\"/>, "
                       "itself or through its dependencies (SCORM 2004 requires it; add the "
                       "<file> element)", rid, r->href, cut, r->href);
        else
            diag_warning(c->d, at, "resource '%s' launches '%s' but does not list it in a "
                         "<file> element, itself or through its dependencies (add <file "
                         "href=\"%.*s\"/>)", rid, r->href, cut, r->href);
    }
    for (size_t i = 0; i < r->ndeps; i++) {
        const ManifestDependency *dep = &r->deps[i];
        const ManifestResource *t = dep->identifierref
            ? manifest_find_resource(c->m, dep->identifierref) : NULL;
        if (!dep->identifierref)
            diag_error(c->d, at_line(c, dep->line), "resource '%s': a <dependency> has no "
                       "identifierref (name the resource it depends on)", rid);
        else if (!t)
            diag_error(c->d, at_line(c, dep->line), "resource '%s' depends on resource '%s', "
                       "which the manifest does not define (fix the identifierref or add the "
                       "resource)", rid, dep->identifierref);
        else
            c->res_used[t - c->m->resources] = 1;
    }
}

static void check_item(Check *c, const ManifestItem *it, int depth)
{
    const char *iid = it->identifier ? it->identifier : "?";
    SrcLoc at = at_line(c, it->line);
    add_id(c, it->identifier, it->line);
    if (!it->identifier)
        diag_error(c->d, at, "an <item> has no identifier (add identifier=\"...\")");
    if (!it->title || !*it->title)
        diag_warning(c->d, at, "item '%s' has no title (the LMS menu will show it blank; "
                     "add a <title>)", iid);
    if (it->identifierref) {
        const ManifestResource *r = manifest_find_resource(c->m, it->identifierref);
        if (!r) {
            diag_error(c->d, at, "item '%s' points to resource '%s', which the manifest does "
                       "not define (fix the identifierref or add the resource)", iid,
                       it->identifierref);
        } else {
            c->res_used[r - c->m->resources] = 1;
            if (!r->href)
                diag_error(c->d, at, "item '%s' points to resource '%s', which has no href, "
                           "so the LMS has nothing to launch (add href to the resource)",
                           iid, it->identifierref);
        }
        if (it->nchildren && c->scorm2004)
            diag_error(c->d, at, "item '%s' has sub-items and an identifierref; in SCORM 2004 "
                       "only leaf items launch content (move the identifierref to a "
                       "sub-item)", iid);
    } else if (!it->nchildren) {
        diag_error(c->d, at, "item '%s' has neither sub-items nor an identifierref, so it "
                   "launches nothing (point it to a resource with identifierref)", iid);
    }
    for (size_t i = 0; i < it->nchildren; i++)
        check_item(c, &it->children[i], depth + 1);
}

static int ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void check_ids(Check *c)
{
    /* One ID space for the whole document (xs:ID): sort and look at neighbours. */
    size_t n = c->nids;
    size_t *order = malloc((n ? n : 1) * sizeof(*order));
    if (!order)
        return;
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    /* insertion sort by (id, line): identifier counts are small */
    for (size_t i = 1; i < n; i++) {
        size_t k = order[i], j = i;
        while (j > 0) {
            size_t o = order[j - 1];
            int cmp = strcmp(c->ids[o], c->ids[k]);
            if (cmp < 0 || (cmp == 0 && c->id_lines[o] <= c->id_lines[k]))
                break;
            order[j] = o;
            j--;
        }
        order[j] = k;
    }
    for (size_t i = 1; i < n; i++) {
        size_t a = order[i - 1], b = order[i];
        if (strcmp(c->ids[a], c->ids[b]) == 0)
            diag_error(c->d, at_line(c, c->id_lines[b]), "identifier '%s' is used again "
                       "(first on line %d); every identifier in a manifest must be unique "
                       "(rename one of them)", c->ids[b], c->id_lines[a]);
    }
    free(order);
}

static void check_manifest(Check *c, const char *xml, size_t len, const char *schemas_dir)
{
    Manifest *m = c->m;
    SrcLoc top = at_line(c, m->line);
    if (m->edition == MANIFEST_EDITION_UNKNOWN) {
        diag_error(c->d, top, "the <manifest> namespace is '%s', which is not a SCORM one "
                   "(use http://www.imsproject.org/xsd/imscp_rootv1p1p2 for SCORM 1.2 or "
                   "http://www.imsglobal.org/xsd/imscp_v1p1 for SCORM 2004)",
                   m->ns ? m->ns : "(none)");
        return;
    }
    c->scorm2004 = m->edition == MANIFEST_EDITION_2004;
    if (!c->scorm2004 && m->ns && strcmp(m->ns, "http://www.imsproject.org/xsd/imscp_rootv1p1p2"))
        diag_warning(c->d, top, "the manifest says SCORM 1.2 but uses the namespace '%s'; most "
                     "LMSs accept it, strict ones want "
                     "http://www.imsproject.org/xsd/imscp_rootv1p1p2", m->ns);
    if (schemas_dir)
        validate_manifest_schema(xml, len, c->label, schemas_dir, c->d);

    /* schema and schemaversion (ADL REQ_30.5.x) */
    SrcLoc sv = at_line(c, m->schemaversion_line ? m->schemaversion_line : m->line);
    if (!m->schemaversion) {
        if (c->scorm2004)
            diag_error(c->d, top, "the manifest has no <metadata><schemaversion> (add "
                       "<schema>ADL SCORM</schema><schemaversion>2004 4th Edition"
                       "</schemaversion> in <metadata>)");
        else
            diag_warning(c->d, top, "the manifest has no <metadata><schemaversion> (add "
                         "<schema>ADL SCORM</schema><schemaversion>1.2</schemaversion> in "
                         "<metadata>)");
    } else if (!c->scorm2004) {
        if (strcmp(m->schemaversion, "1.2") != 0)
            diag_error(c->d, sv, "schemaversion is '%s' but the namespaces are SCORM 1.2's "
                       "(write exactly '1.2')", m->schemaversion);
    } else if (strcmp(m->schemaversion, "2004 3rd Edition") == 0
               || strcmp(m->schemaversion, "CAM 1.3") == 0
               || strcmp(m->schemaversion, "2004 2nd Edition") == 0) {
        diag_warning(c->d, sv, "schemaversion '%s' is an older SCORM 2004 edition; LMSs "
                     "accept it, but 4th Edition features may behave differently (write "
                     "'2004 4th Edition' if the package is 4th Edition)", m->schemaversion);
    } else if (strcmp(m->schemaversion, "2004 4th Edition") != 0) {
        diag_error(c->d, sv, "schemaversion is '%s' but a SCORM 2004 manifest needs exactly "
                   "'2004 4th Edition' (fix the text in <schemaversion>)", m->schemaversion);
    }
    if (m->schema && strcmp(m->schema, "ADL SCORM") != 0) {
        if (c->scorm2004)
            diag_error(c->d, sv, "<schema> is '%s'; SCORM 2004 needs exactly 'ADL SCORM' "
                       "(fix the text)", m->schema);
        else
            diag_warning(c->d, sv, "<schema> is '%s'; SCORM expects 'ADL SCORM'", m->schema);
    }
    if (m->nested_manifests)
        diag_warning(c->d, top, "the manifest contains %d sub-manifest(s); most LMSs ignore "
                     "them (merge them into the main manifest)", m->nested_manifests);

    add_id(c, m->identifier, m->line);
    if (!m->identifier)
        diag_error(c->d, top, "<manifest> has no identifier (add identifier=\"...\")");

    /* organizations */
    SrcLoc orgs = at_line(c, m->organizations_line ? m->organizations_line : m->line);
    if (m->norgs == 0) {
        if (c->scorm2004)
            diag_error(c->d, orgs, "the manifest has no <organization>, so an LMS has nothing "
                       "to show or launch (add an organization with items)");
        else
            diag_warning(c->d, orgs, "the manifest has no <organization>; an LMS has nothing "
                         "to launch (add an organization with items)");
    }
    if (m->default_org) {
        int found = 0;
        for (size_t i = 0; i < m->norgs; i++)
            found |= m->orgs[i].identifier && strcmp(m->orgs[i].identifier, m->default_org) == 0;
        if (!found)
            diag_error(c->d, orgs, "the default organization '%s' does not exist (set "
                       "<organizations default=\"...\"> to the identifier of an "
                       "<organization>)", m->default_org);
    }
    for (size_t i = 0; i < m->norgs; i++) {
        const ManifestOrganization *o = &m->orgs[i];
        add_id(c, o->identifier, o->line);
        if (!o->identifier)
            diag_error(c->d, at_line(c, o->line), "an <organization> has no identifier (add "
                       "identifier=\"...\")");
        if (!o->nitems)
            diag_error(c->d, at_line(c, o->line), "organization '%s' has no item (add at "
                       "least one <item>)", o->identifier ? o->identifier : "?");
        for (size_t k = 0; k < o->nitems; k++)
            check_item(c, &o->items[k], 1);
    }

    /* resources */
    for (size_t i = 0; i < m->nresources; i++)
        add_id(c, m->resources[i].identifier, m->resources[i].line);
    for (size_t i = 0; i < m->nresources; i++)
        check_resource(c, &m->resources[i]);
    for (size_t i = 0; i < m->nresources; i++) {
        if (!c->res_used[i] && m->resources[i].identifier)
            diag_warning(c->d, at_line(c, m->resources[i].line), "resource '%s' is not used "
                         "by any item or dependency (remove it, or point an item to it)",
                         m->resources[i].identifier);
    }
    check_ids(c);

    /* excess baggage: files nobody lists (ADL: a warning; .xsd/.dtd excluded) */
    if (c->nlisted)
        qsort(c->listed, c->nlisted, sizeof(*c->listed), cmp_str);
    size_t unlisted = 0;
    const char *box = scorm_container(c->p);
    for (size_t i = 0; i < scorm_file_count(c->p); i++) {
        const char *name = scorm_file(c->p, i)->name;
        if (strcmp(name, "imsmanifest.xml") == 0 || ends_with_ci(name, ".xsd")
            || ends_with_ci(name, ".dtd"))
            continue;
        if (c->nlisted && bsearch(&name, c->listed, c->nlisted, sizeof(*c->listed), cmp_str))
            continue;
        if (++unlisted <= MAX_UNLISTED_SHOWN)
            diag_warning(c->d, srcloc(c->zip_label, 0, 0), "the %s file '%s' is not listed in "
                         "the manifest (list it in a <file> element, or remove it from the "
                         "%s)", strcmp(box, "zip") == 0 ? "zip" : "folder's", name, box);
    }
    if (unlisted > MAX_UNLISTED_SHOWN)
        diag_warning(c->d, srcloc(c->zip_label, 0, 0), "%zu more files of the %s are not listed "
                     "in the manifest", unlisted - MAX_UNLISTED_SHOWN, box);
}

int validate_data(ScormPackage *p, Diag *d)
{
    size_t errors = d->errors;
    const char *label = scorm_label(p);
    Buf b = BUF_INIT;
    for (size_t i = 0; i < scorm_file_count(p); i++) {
        const PackageFileInfo *f = scorm_file(p, i);
        buf_clear(&b);
        size_t cap = f->size ? (size_t)f->size : 1;
        if (scorm_read(p, f->name, cap, &b, d) != 0)
            continue;   /* the message says why */
        if (b.len != f->size && strcmp(scorm_container(p), "zip") == 0)
            diag_error(d, srcloc(label, 0, 0), "'%s' has %zu bytes but its header says "
                       "%llu (the zip is damaged; rebuild it)", f->name, b.len, f->size);
        else if (b.len != f->size)
            diag_error(d, srcloc(label, 0, 0), "'%s' changed while the folder was being "
                       "checked (%llu bytes, then %zu; check it again once nothing writes "
                       "to it)", f->name, f->size, b.len);
    }
    buf_release(&b);
    return d->errors > errors ? -1 : 0;
}

/* A cmi5 course: cmi5_read checked the structure when the package was
 * opened; what is left is that each AU's launch page is there (14.1: an
 * entry point in the zip is named by a relative URL, one outside it by a
 * fully qualified URL). A cmi5 package lists no files, so none is unlisted. */
static int check_cmi5(ScormPackage *p, Diag *d)
{
    size_t errors = d->errors;
    const Cmi5Course *c = scorm_cmi5(p);
    Manifest *m = scorm_manifest(p);
    const char *label = scorm_manifest_label(p), *box = scorm_container(p);
    for (size_t i = 0; i < c->naus && i < m->nresources; i++) {
        const Cmi5Au *au = &c->aus[i];
        const char *path = NULL;
        SrcLoc at = srcloc(label, au->line, 0);
        switch (manifest_resolve(m, &m->resources[i], au->url, &path)) {
        case MANIFEST_PATH_OK:
            if (!scorm_find(p, path))
                diag_error(d, at, "AU '%s' launches '%s', which is not in the %s (add the "
                           "file or fix the <url>)", au->id, path, box);
            break;
        case MANIFEST_PATH_EXTERNAL:
            diag_warning(d, at, "AU '%s' launches '%s' on the web, not in the package (it "
                         "works only online)", au->id, au->url);
            break;
        default:
            diag_error(d, at, "AU '%s': the url '%s' does not name a file of the package (use "
                       "a path relative to the package root, with '/', that stays inside it)",
                       au->id, au->url);
            break;
        }
    }
    return d->errors > errors ? -1 : 0;
}

int validate_rules(ScormPackage *p, const char *schemas_dir, Diag *d)
{
    if (scorm_cmi5(p))
        return check_cmi5(p, d);
    size_t errors = d->errors;
    Manifest *m = scorm_manifest(p);
    size_t len = 0;
    const char *xml = scorm_manifest_xml(p, &len);
    Check c = {0};
    c.m = m;
    c.p = p;
    c.d = d;
    c.label = scorm_manifest_label(p);
    c.zip_label = scorm_label(p);
    c.res_used = calloc(m->nresources ? m->nresources : 1, 1);
    if (!c.res_used)
        return diag_error(d, srcloc(c.label, 0, 0), "out of memory");
    check_manifest(&c, xml, len, schemas_dir);
    free(c.listed);
    free(c.ids);
    free(c.id_lines);
    free(c.res_used);
    return d->errors > errors ? -1 : 0;
}

static int validate_opened(ScormPackage *p, const char *schemas_dir, Diag *d)
{
    if (!p)
        return -1;
    size_t errors = d->errors;
    validate_rules(p, schemas_dir, d);
    validate_data(p, d);
    scorm_close(p);
    return d->errors > errors ? -1 : 0;
}

int validate_package(const char *path, const char *schemas_dir, Diag *d)
{
    return validate_package_kind(path, schemas_dir, NULL, d);
}

int validate_package_kind(const char *path, const char *schemas_dir, int *cmi5, Diag *d)
{
    ScormPackage *p = scorm_open(path, d);
    if (cmi5)
        *cmi5 = p && scorm_cmi5(p);
    return validate_opened(p, schemas_dir, d);
}
