/* manifest_read: any imsmanifest.xml into a Manifest tree, parsed by
 * xml_safe (no network, no DTD, refused at the first entity declaration, so
 * XXE and entity expansion bombs never expand). Elements are
 * matched by local name inside the root's namespace, so SCORM 1.2 and 2004
 * (and CP namespaces we do not know) read the same way. */
#include "manifest.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xml_safe.h"

#define NS_CP12 "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
#define NS_CP2004 "http://www.imsglobal.org/xsd/imscp_v1p1"
#define MAX_DEPTH 64

typedef struct Reader {
    Manifest *m;
    const xmlChar *ns;      /* CP namespace of the root, or NULL */
    int failed;             /* out of memory */
} Reader;

static const char *dup_str(Reader *r, const xmlChar *s)
{
    if (!s)
        return NULL;
    char *c = arena_strdup(&r->m->arena, (const char *)s);
    if (!c)
        r->failed = 1;
    return c;
}

/* Attribute without namespace (CP attributes are unqualified). */
static const char *attr(Reader *r, xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
    const char *s = dup_str(r, v);
    xmlFree(v);
    return s;
}

/* A copy of v with XML Schema's whiteSpace="collapse" applied: runs of
 * space, tab, CR and LF become one space, and none is left at either end. */
static const char *dup_collapsed(Reader *r, const xmlChar *v)
{
    if (!v)
        return NULL;
    const char *s = (const char *)v;
    char *c = arena_alloc(&r->m->arena, strlen(s) + 1);
    if (!c) {
        r->failed = 1;
        return NULL;
    }
    size_t o = 0;
    int space = 0;
    for (; *s; s++) {
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
            space = o > 0;
            continue;
        }
        if (space)
            c[o++] = ' ';
        space = 0;
        c[o++] = *s;
    }
    c[o] = '\0';
    return c;
}

/* An attribute typed xs:ID, xs:IDREF or xs:anyURI (identifier, identifierref,
 * default, href): its value is compared after whitespace collapse, as the
 * schemas and ADL's checker do ("  SCO1 " is SCO1). */
static const char *token_attr(Reader *r, xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
    const char *s = dup_collapsed(r, v);
    xmlFree(v);
    return s;
}

static const char *xml_base(Reader *r, xmlNode *n)
{
    xmlChar *v = xmlGetNsProp(n, (const xmlChar *)"base", XML_XML_NAMESPACE);
    const char *s = dup_collapsed(r, v);
    xmlFree(v);
    return s;
}

/* Whether n is a CP element called name (same namespace as the root). */
static int is_cp(const Reader *r, const xmlNode *n, const char *name)
{
    if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, name) != 0)
        return 0;
    const xmlChar *ns = n->ns ? n->ns->href : NULL;
    if (!r->ns || !ns)
        return r->ns == ns;
    return xmlStrEqual(ns, r->ns);
}

/* Text content, whitespace trimmed. */
static const char *text_of(Reader *r, xmlNode *n)
{
    xmlChar *t = xmlNodeGetContent(n);
    if (!t)
        return NULL;
    const char *s = (const char *)t, *e = s + strlen(s);
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
        e--;
    char *c = arena_strndup(&r->m->arena, s, (size_t)(e - s));
    if (!c)
        r->failed = 1;
    xmlFree(t);
    return c;
}

static size_t count_cp(const Reader *r, xmlNode *parent, const char *name)
{
    size_t n = 0;
    for (xmlNode *c = parent->children; c; c = c->next)
        n += is_cp(r, c, name);
    return n;
}

static void *alloc_array(Reader *r, size_t n, size_t size)
{
    void *p = arena_alloc(&r->m->arena, (n ? n : 1) * size);
    if (!p)
        r->failed = 1;
    return p;
}

static int ns_has(const xmlNode *n, const char *part)
{
    return n->ns && n->ns->href && strstr((const char *)n->ns->href, part);
}

static int named(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && xmlStrcasecmp(n->name, (const xmlChar *)name) == 0;
}

/* ADL extensions on an item (1.2 spells them in lower case, 2004 in camel case). */
static void read_adlcp(Reader *r, xmlNode *c, ManifestItem *it)
{
    if (named(c, "masteryscore"))
        it->mastery_score = text_of(r, c);
    else if (named(c, "datafromlms"))
        it->data_from_lms = text_of(r, c);
    else if (named(c, "maxtimeallowed"))
        it->max_time_allowed = text_of(r, c);
    else if (named(c, "timelimitaction"))
        it->time_limit_action = text_of(r, c);
    else if (named(c, "prerequisites"))
        it->prerequisites = text_of(r, c);
    else if (named(c, "completionThreshold")) {
        const char *mpm = attr(r, c, "minProgressMeasure");
        const char *txt = text_of(r, c);
        it->completion_threshold = mpm ? mpm : (txt && *txt) ? txt : "1.0";
    }
}

static void read_sequencing(Reader *r, xmlNode *seq, ManifestItem *it)
{
    for (xmlNode *c = seq->children; c; c = c->next) {
        if (named(c, "limitConditions")) {
            const char *lim = attr(r, c, "attemptAbsoluteDurationLimit");
            if (lim)
                it->max_time_allowed = lim;
        } else if (named(c, "objectives")) {
            for (xmlNode *o = c->children; o; o = o->next) {
                if (!named(o, "primaryObjective"))
                    continue;
                const char *sbm = attr(r, o, "satisfiedByMeasure");
                if (!sbm || (strcmp(sbm, "true") != 0 && strcmp(sbm, "1") != 0))
                    continue;
                it->scaled_passing_score = "1.0";
                for (xmlNode *m = o->children; m; m = m->next) {
                    if (named(m, "minNormalizedMeasure"))
                        it->scaled_passing_score = text_of(r, m);
                }
            }
        }
    }
}

static void read_item(Reader *r, xmlNode *n, ManifestItem *it, int depth)
{
    it->identifier = token_attr(r, n, "identifier");
    it->identifierref = token_attr(r, n, "identifierref");
    it->parameters = attr(r, n, "parameters");
    const char *vis = attr(r, n, "isvisible");
    it->isvisible = !(vis && (strcmp(vis, "false") == 0 || strcmp(vis, "0") == 0));
    it->line = (int)xmlGetLineNo(n);
    for (xmlNode *c = n->children; c; c = c->next) {
        if (is_cp(r, c, "title") && !it->title)
            it->title = text_of(r, c);
        else if (c->type == XML_ELEMENT_NODE && ns_has(c, "adlnet.org/xsd/adlcp"))
            read_adlcp(r, c, it);
        else if (c->type == XML_ELEMENT_NODE && ns_has(c, "imsglobal.org/xsd/imsss")
                 && strcmp((const char *)c->name, "sequencing") == 0)
            read_sequencing(r, c, it);
    }
    if (depth >= MAX_DEPTH)
        return;
    it->nchildren = count_cp(r, n, "item");
    it->children = alloc_array(r, it->nchildren, sizeof(*it->children));
    if (!it->children) {
        it->nchildren = 0;
        return;
    }
    size_t i = 0;
    for (xmlNode *c = n->children; c; c = c->next) {
        if (is_cp(r, c, "item"))
            read_item(r, c, &it->children[i++], depth + 1);
    }
}

static void read_org(Reader *r, xmlNode *n, ManifestOrganization *o)
{
    o->identifier = token_attr(r, n, "identifier");
    o->line = (int)xmlGetLineNo(n);
    for (xmlNode *c = n->children; c; c = c->next) {
        if (is_cp(r, c, "title") && !o->title)
            o->title = text_of(r, c);
    }
    o->nitems = count_cp(r, n, "item");
    o->items = alloc_array(r, o->nitems, sizeof(*o->items));
    if (!o->items) {
        o->nitems = 0;
        return;
    }
    size_t i = 0;
    for (xmlNode *c = n->children; c; c = c->next) {
        if (is_cp(r, c, "item"))
            read_item(r, c, &o->items[i++], 1);
    }
}

static void read_resource(Reader *r, xmlNode *n, ManifestResource *res)
{
    res->identifier = token_attr(r, n, "identifier");
    res->type = attr(r, n, "type");
    res->href = token_attr(r, n, "href");
    res->base = xml_base(r, n);
    res->line = (int)xmlGetLineNo(n);
    /* adlcp:scormType (2004) or adlcp:scormtype (1.2), in whichever ADL CP
     * namespace; the spelling is kept so the validator can tell. */
    for (xmlAttr *a = n->properties; a; a = a->next) {
        if (!a->ns || !strstr((const char *)a->ns->href, "adlnet.org/xsd/adlcp"))
            continue;
        if (xmlStrcasecmp(a->name, (const xmlChar *)"scormtype") == 0) {
            xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
            res->scorm_type = dup_str(r, v ? v : (const xmlChar *)"");
            res->scorm_type_attr = dup_str(r, a->name);
            xmlFree(v);
        }
    }
    res->nfiles = count_cp(r, n, "file");
    res->ndeps = count_cp(r, n, "dependency");
    res->files = alloc_array(r, res->nfiles, sizeof(*res->files));
    res->deps = alloc_array(r, res->ndeps, sizeof(*res->deps));
    if (!res->files || !res->deps) {
        res->nfiles = res->ndeps = 0;
        return;
    }
    size_t nf = 0, nd = 0;
    for (xmlNode *c = n->children; c; c = c->next) {
        if (is_cp(r, c, "file")) {
            res->files[nf].href = token_attr(r, c, "href");
            res->files[nf++].line = (int)xmlGetLineNo(c);
        } else if (is_cp(r, c, "dependency")) {
            res->deps[nd].identifierref = token_attr(r, c, "identifierref");
            res->deps[nd++].line = (int)xmlGetLineNo(c);
        }
    }
}

static void read_root(Reader *r, xmlNode *root)
{
    Manifest *m = r->m;
    m->identifier = token_attr(r, root, "identifier");
    m->version = attr(r, root, "version");
    m->base = xml_base(r, root);
    m->line = (int)xmlGetLineNo(root);
    for (xmlNode *c = root->children; c; c = c->next) {
        if (is_cp(r, c, "metadata")) {
            for (xmlNode *g = c->children; g; g = g->next) {
                if (is_cp(r, g, "schema") && !m->schema) {
                    m->schema = text_of(r, g);
                } else if (is_cp(r, g, "schemaversion") && !m->schemaversion) {
                    m->schemaversion = text_of(r, g);
                    m->schemaversion_line = (int)xmlGetLineNo(g);
                }
            }
        } else if (is_cp(r, c, "organizations") && !m->organizations_line) {
            m->organizations_line = (int)xmlGetLineNo(c);
            m->default_org = token_attr(r, c, "default");
            m->norgs = count_cp(r, c, "organization");
            m->orgs = alloc_array(r, m->norgs, sizeof(*m->orgs));
            if (!m->orgs) {
                m->norgs = 0;
                continue;
            }
            size_t i = 0;
            for (xmlNode *o = c->children; o; o = o->next) {
                if (is_cp(r, o, "organization"))
                    read_org(r, o, &m->orgs[i++]);
            }
        } else if (is_cp(r, c, "resources") && !m->resources) {
            m->resources_base = xml_base(r, c);
            m->nresources = count_cp(r, c, "resource");
            m->resources = alloc_array(r, m->nresources, sizeof(*m->resources));
            if (!m->resources) {
                m->nresources = 0;
                continue;
            }
            size_t i = 0;
            for (xmlNode *o = c->children; o; o = o->next) {
                if (is_cp(r, o, "resource"))
                    read_resource(r, o, &m->resources[i++]);
            }
        } else if (is_cp(r, c, "manifest")) {
            m->nested_manifests++;
        }
    }
    if (r->ns && xmlStrEqual(r->ns, (const xmlChar *)NS_CP12))
        m->edition = MANIFEST_EDITION_12;
    else if (r->ns && xmlStrEqual(r->ns, (const xmlChar *)NS_CP2004))
        m->edition = MANIFEST_EDITION_2004;
    /* Some SCORM 1.2 tools write the IMS CP 1.1.4 namespace (the one 2004
     * uses) with schemaversion 1.2; LMSs go by the schemaversion then. */
    if (m->edition == MANIFEST_EDITION_2004 && m->schemaversion
        && strcmp(m->schemaversion, "1.2") == 0)
        m->edition = MANIFEST_EDITION_12;
}

Manifest *manifest_read(const char *xml, size_t len, const char *label, Diag *d)
{
    Manifest *m = NULL;
    static const XmlSafeWords words = {
        "the manifest", "SCORM manifests do not need one",
        "an XML editor or 'xmllint --noout' shows the place"
    };
    xmlDocPtr doc = xml_safe_parse(xml, len, label, &words, d);
    if (!doc)
        return NULL;
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!root || strcmp((const char *)root->name, "manifest") != 0) {
        diag_error(d, srcloc(label, root ? (int)xmlGetLineNo(root) : 0, 0),
                   "the root element is <%s>, not <manifest> (this is not an IMS content "
                   "package manifest)", root ? (const char *)root->name : "");
        goto fail;
    }
    m = calloc(1, sizeof(*m));
    if (!m) {
        diag_error(d, srcloc(label, 0, 0), "out of memory");
        goto fail;
    }
    Reader r = { m, root->ns ? root->ns->href : NULL, 0 };
    m->ns = dup_str(&r, r.ns);
    m->root_name = dup_str(&r, root->name);
    read_root(&r, root);
    if (r.failed) {
        diag_error(d, srcloc(label, 0, 0), "out of memory");
        goto fail;
    }
    xmlFreeDoc(doc);
    return m;
fail:
    manifest_free(m);
    xmlFreeDoc(doc);
    return NULL;
}

void manifest_free(Manifest *m)
{
    if (!m)
        return;
    arena_release(&m->arena);
    free(m);
}

const ManifestOrganization *manifest_default_org(const Manifest *m)
{
    for (size_t i = 0; m->default_org && i < m->norgs; i++) {
        if (m->orgs[i].identifier && strcmp(m->orgs[i].identifier, m->default_org) == 0)
            return &m->orgs[i];
    }
    return m->norgs ? &m->orgs[0] : NULL;
}

const ManifestResource *manifest_find_resource(const Manifest *m, const char *identifier)
{
    for (size_t i = 0; identifier && i < m->nresources; i++) {
        if (m->resources[i].identifier && strcmp(m->resources[i].identifier, identifier) == 0)
            return &m->resources[i];
    }
    return NULL;
}

/* ---- resolving hrefs ----------------------------------------------------- */

static int has_scheme(const char *s)
{
    const char *p = s;
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
        return 0;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
           || *p == '+' || *p == '-' || *p == '.')
        p++;
    /* "c:" alone is a drive letter, not a scheme. */
    return *p == ':' && p - s > 1;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

ManifestPath manifest_resolve(Manifest *m, const ManifestResource *r, const char *href,
                              const char **out)
{
    *out = NULL;
    if (!href || !*href)
        return MANIFEST_PATH_EMPTY;
    const char *parts[4] = { m->base, m->resources_base, r ? r->base : NULL, href };
    /* A scheme anywhere means the file is not in the package; an absolute
     * path, even in a base, points outside it. */
    for (int i = 0; i < 4; i++) {
        if (!parts[i])
            continue;
        if (strchr(parts[i], '\\'))
            return MANIFEST_PATH_BACKSLASH;
        if (has_scheme(parts[i]))
            return MANIFEST_PATH_EXTERNAL;
        if (parts[i][0] == '/')
            return MANIFEST_PATH_ABSOLUTE;
    }
    Buf joined = BUF_INIT;
    for (int i = 0; i < 3; i++) {
        if (parts[i] && *parts[i]) {
            buf_puts(&joined, parts[i]);
            if (joined.data[joined.len - 1] != '/')
                buf_putc(&joined, '/');
        }
    }
    size_t cut = strcspn(href, "?#");
    buf_append(&joined, href, cut);
    /* Decode %XX, then apply "." and "..". */
    char *dec = arena_alloc(&m->arena, joined.len + 1);
    char *res = arena_alloc(&m->arena, joined.len + 1);
    ManifestPath st = MANIFEST_PATH_OK;
    if (!dec || !res || joined.failed) {
        st = MANIFEST_PATH_EMPTY;
        goto out;
    }
    size_t n = 0;
    for (size_t i = 0; i < joined.len; i++) {
        int hi, lo;
        if (joined.data[i] == '%' && i + 2 < joined.len
            && (hi = hexval(joined.data[i + 1])) >= 0 && (lo = hexval(joined.data[i + 2])) >= 0) {
            dec[n++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            dec[n++] = joined.data[i];
        }
    }
    dec[n] = '\0';
    if (strchr(dec, '\\')) {
        st = MANIFEST_PATH_BACKSLASH;
        goto out;
    }
    size_t o = 0;
    const char *p = dec;
    while (*p) {
        const char *e = strchr(p, '/');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == 0 || (len == 1 && p[0] == '.')) {
            /* skip */
        } else if (len == 2 && p[0] == '.' && p[1] == '.') {
            if (o == 0) {
                st = MANIFEST_PATH_ESCAPES;
                goto out;
            }
            while (o > 0 && res[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
        } else {
            if (o)
                res[o++] = '/';
            memcpy(res + o, p, len);
            o += len;
        }
        if (!e)
            break;
        p = e + 1;
    }
    res[o] = '\0';
    if (o == 0) {
        st = MANIFEST_PATH_EMPTY;
        goto out;
    }
    *out = res;
out:
    buf_release(&joined);
    return st;
}
