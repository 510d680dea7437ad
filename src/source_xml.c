/* source_xml: module.xml into the Course.
 * Parsed by xml_safe (no network, no DTD loading, no entity substitution);
 * a DOCTYPE is refused outright, so entity tricks never reach the tree. libxml2's own messages (parse and schema errors) are
 * collected through the structured error hooks and reworded into the house
 * form with the fix. Element columns are not stored by libxml2: we find the
 * start tag (or attribute) on the element's line in the raw text. */
#include "source_xml.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include "assets.h"
#include "buf.h"
#include "source_util.h"
#include "xml_safe.h"

#define MODULE_NS "urn:coursepack:module:1"

typedef struct XmlCtx {
    Course *c;
    Diag *d;
    SrcFile src;
    int errors;         /* libxml2 errors seen */
    int reported;       /* libxml2 messages seen */
} XmlCtx;

#define XML_MAX_REPORTED 100

/* ---- locations ---------------------------------------------------------- */

static SrcLoc xml_loc_line(XmlCtx *x, int line)
{
    if (line <= 0)
        return srcloc(x->src.name, 1, 1);
    SrcLoc at = source_util_loc(&x->src, source_util_line_start(&x->src, line));
    return at;
}

/* Place of node's start tag or, with attr, of that attribute. Only the
 * element's line is searched for the tag, so the cost stays bounded. */
static SrcLoc xml_loc(XmlCtx *x, const xmlNode *node, const char *attr)
{
    long line = node ? xmlGetLineNo(node) : 0;
    if (line <= 0 || (size_t)line > x->src.nlines)
        return srcloc(x->src.name, 1, 1);
    const char *data = x->src.data;
    size_t end = x->src.size;
    size_t start = source_util_line_start(&x->src, (int)line);
    size_t le = source_util_line_start(&x->src, (int)line + 1);   /* next line, or end */
    const char *name = (const char *)node->name;
    size_t nlen = strlen(name);
    size_t tag = start;
    for (size_t i = start; i < le; i++) {
        if (data[i] != '<')
            continue;
        size_t s = i + 1, e = s;
        while (e < le && data[e] != ' ' && data[e] != '>' && data[e] != '/' &&
               data[e] != '\t')
            e++;
        const char *colon = memchr(data + s, ':', e - s);
        if (colon)
            s = (size_t)(colon - data) + 1;
        if (e - s == nlen && memcmp(data + s, name, nlen) == 0) {
            tag = i;
            break;
        }
    }
    if (attr) {
        size_t alen = strlen(attr);
        for (size_t i = tag; i + alen < end && data[i] != '>'; i++) {
            if (strncmp(data + i, attr, alen) == 0 &&
                (i == 0 || isspace((unsigned char)data[i - 1]))) {
                size_t j = i + alen;
                while (j < end && (data[j] == ' ' || data[j] == '\t'))
                    j++;
                if (j < end && data[j] == '=')
                    return source_util_loc(&x->src, i);
            }
        }
    }
    return source_util_loc(&x->src, tag);
}

/* ---- libxml2 messages --------------------------------------------------- */

static const char *xml_hint(const char *elem)
{
    static const struct { const char *name, *hint; } hints[] = {
        { "languages", "<languages>fr en</languages>" },
        { "title", "<title xml:lang=\"fr\">…</title>, one per language" },
        { "description", "<description xml:lang=\"fr\">…</description>, one per language" },
        { "duration", "<duration minutes=\"20\"/>" },
        { "mastery", "<mastery score=\"80\"/>" },
        { "author", "<author>Name, institution</author>" },
        { "label", "<label xml:lang=\"fr\">…</label>, one per language" },
        { "ref", "<ref id=\"…\">…</ref>" },
    };
    for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
        if (strcmp(hints[i].name, elem) == 0)
            return hints[i].hint;
    return NULL;
}

static int is_module_child(const char *name)
{
    static const char *const names[] = {
        "languages", "title", "description", "keywords", "duration", "mastery",
        "author", "context", "references", "role", "setting", "label", "ref",
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(names[i], name) == 0)
            return 1;
    return 0;
}

/* Copies src without "{urn:...}" namespace marks and trailing dots/space. */
static void strip_ns(Buf *out, const char *src)
{
    size_t n = strlen(src);
    while (n && (src[n - 1] == '\n' || src[n - 1] == ' ' || src[n - 1] == '.'))
        n--;
    for (size_t i = 0; i < n; i++) {
        if (src[i] == '{') {
            const char *close = memchr(src + i, '}', n - i);
            if (close) {
                i = (size_t)(close - src);
                continue;
            }
        }
        buf_putc(out, src[i]);
    }
}

/* Extracts the quoted text after key (e.g. "Element '") into out. */
static int quoted_after(const char *msg, const char *key, char *out, size_t cap)
{
    const char *p = strstr(msg, key);
    if (!p)
        return 0;
    p += strlen(key);
    const char *q = strchr(p, '\'');
    if (!q || (size_t)(q - p) >= cap)
        return 0;
    memcpy(out, p, (size_t)(q - p));
    out[q - p] = '\0';
    return 1;
}

/* "Expected is ( a )" / "Expected is one of ( a, b )": the list, as "<a>, <b>". */
static int expected_list(const char *msg, Buf *out, char *first, size_t cap)
{
    const char *p = strstr(msg, "Expected is");
    if (!p)
        return 0;
    p = strchr(p, '(');
    const char *q = p ? strchr(p, ')') : NULL;
    if (!p || !q)
        return 0;
    p++;
    int n = 0;
    while (p < q) {
        while (p < q && (*p == ' ' || *p == ','))
            p++;
        const char *e = p;
        while (e < q && *e != ',' && *e != ' ')
            e++;
        if (e > p) {
            if (n == 0 && (size_t)(e - p) < cap) {
                memcpy(first, p, (size_t)(e - p));
                first[e - p] = '\0';
            }
            buf_printf(out, "%s<%.*s>", n ? ", " : "", (int)(e - p), p);
            n++;
        }
        p = e;
    }
    return n;
}

static void xml_schema_message(Buf *out, const char *raw)
{
    Buf clean = BUF_INIT;
    strip_ns(&clean, raw);
    const char *msg = clean.data;
    char elem[128] = "", attr[128] = "", first[128] = "";
    Buf list = BUF_INIT;
    quoted_after(msg, "Element '", elem, sizeof(elem));
    int not_expected = strstr(msg, "This element is not expected") != NULL;
    int missing = strstr(msg, "Missing child element") != NULL;
    if (not_expected && expected_list(msg, &list, first, sizeof(first))) {
        const char *hint = xml_hint(first);
        if (is_module_child(elem))
            buf_printf(out, "missing %s before <%s> (add %s)", list.data, elem,
                       hint ? hint : "it, in the order of docs/authoring.md");
        else
            buf_printf(out, "unknown element <%s> (expected %s here; check the spelling)",
                       elem, list.data);
    } else if (not_expected) {
        buf_printf(out, "element <%s> is not expected here (remove it, or move it to its place "
                        "in the order of docs/authoring.md)", elem);
    } else if (missing && expected_list(msg, &list, first, sizeof(first))) {
        const char *hint = xml_hint(first);
        buf_printf(out, "<%s> is missing %s (add %s)", elem, list.data,
                   hint ? hint : "it, in the order of docs/authoring.md");
    } else if (strstr(msg, "is required but missing") &&
               quoted_after(msg, "The attribute '", attr, sizeof(attr))) {
        static const struct { const char *a, *v; } ex[] = {
            { "id", "…" }, { "version", "1.0.0" }, { "minutes", "20" }, { "score", "80" },
        };
        const char *v = "…";
        for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++)
            if (strcmp(ex[i].a, attr) == 0)
                v = ex[i].v;
        buf_printf(out, "<%s> has no %s attribute (add %s=\"%s\")", elem, attr, attr, v);
    } else if (strstr(msg, "is not allowed") &&
               quoted_after(msg, "The attribute '", attr, sizeof(attr))) {
        buf_printf(out, "attribute %s is not allowed on <%s> (remove it; see docs/authoring.md)",
                   attr, elem);
    } else if (strstr(msg, "No matching global declaration")) {
        buf_printf(out, "the root element must be <module xmlns=\"" MODULE_NS "\"> (found <%s>; "
                        "check the element name and its xmlns)", elem);
    } else if (strstr(msg, "Character content other than whitespace is not allowed") ||
               strstr(msg, "Element content is not allowed")) {
        buf_printf(out, "<%s> takes no text here (remove the text or move it into its element)",
                   elem);
    } else {
        buf_puts(out, "schema: ");
        buf_puts(out, msg);
        buf_puts(out, " (see docs/authoring.md, section 2)");
    }
    buf_release(&list);
    buf_release(&clean);
}

static void xml_parse_message(Buf *out, const char *raw)
{
    Buf clean = BUF_INIT;
    strip_ns(&clean, raw);
    char ent[128];
    if (quoted_after(clean.data, "Entity '", ent, sizeof(ent)) &&
        strstr(clean.data, "not defined")) {
        buf_printf(out, "unknown entity &%s; (write the character itself; only &amp; &lt; &gt; "
                        "&quot; &apos; and &#NNN; exist in XML)", ent);
    } else {
        buf_puts(out, "malformed XML: ");
        if (clean.len)
            clean.data[0] = (char)tolower((unsigned char)clean.data[0]);
        buf_puts(out, clean.data);
        buf_puts(out, " (fix the XML syntax here: every <tag> needs its </tag>, quotes around "
                      "attribute values, & written &amp;)");
    }
    buf_release(&clean);
}

static void xml_on_error(void *ud, xmlErrorPtr e)
{
    XmlCtx *x = ud;
    if (!e || e->level == XML_ERR_NONE)
        return;
    if (++x->reported > XML_MAX_REPORTED) {
        if (e->level != XML_ERR_WARNING)
            x->errors++;
        if (x->reported == XML_MAX_REPORTED + 1)
            diag_error(x->d, srcloc(x->src.name, 0, 0), "more than %d XML problems; the rest "
                       "are not shown (fix these first)", XML_MAX_REPORTED);
        return;
    }
    Buf msg = BUF_INIT;
    SrcLoc at;
    if (e->domain == XML_FROM_SCHEMASV || e->domain == XML_FROM_SCHEMASP) {
        xml_schema_message(&msg, e->message ? e->message : "");
        at = e->node ? xml_loc(x, e->node, NULL) : xml_loc_line(x, e->line);
    } else {
        xml_parse_message(&msg, e->message ? e->message : "");
        at = xml_loc_line(x, e->line);
        if (e->int2 > 0 && e->line > 0) {
            /* libxml2's column counts bytes from 1 */
            size_t off = source_util_line_start(&x->src, e->line) + (size_t)e->int2 - 1;
            at = source_util_loc(&x->src, off);
        }
    }
    if (e->level == XML_ERR_WARNING) {
        diag_warning(x->d, at, "%s", msg.data);
    } else {
        diag_error(x->d, at, "%s", msg.data);
        x->errors++;
    }
    buf_release(&msg);
}

/* ---- tree helpers ------------------------------------------------------- */

static int is_elem(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* Text of n's direct text and CDATA children, whitespace collapsed, in the
 * course arena. Entity references are never followed. */
static char *xml_text(XmlCtx *x, const xmlNode *n)
{
    Buf b = BUF_INIT;
    int space = 0;
    for (const xmlNode *t = n->children; t; t = t->next) {
        if (t->type != XML_TEXT_NODE && t->type != XML_CDATA_SECTION_NODE)
            continue;
        for (const char *p = (const char *)t->content; p && *p; p++) {
            if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
                space = 1;
                continue;
            }
            if (space && b.len)
                buf_putc(&b, ' ');
            space = 0;
            buf_putc(&b, *p);
        }
    }
    char *s = b.failed ? NULL : course_strdup(x->c, b.data);
    buf_release(&b);
    return s;
}

/* Attribute value in the course arena, or NULL when absent. */
static char *xml_attr(XmlCtx *x, const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *s = course_strdup(x->c, (const char *)v);
    xmlFree(v);
    return s;
}

static char *xml_lang(XmlCtx *x, const xmlNode *n)
{
    xmlChar *v = xmlGetNsProp(n, (const xmlChar *)"lang", XML_XML_NAMESPACE);
    if (!v)
        return NULL;
    char *s = course_strdup(x->c, (const char *)v);
    xmlFree(v);
    return s;
}

/* Parses a whole decimal integer; 0 when s is not one. */
static int parse_int(const char *s, int *out)
{
    if (!s || !*s)
        return 0;
    long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9' || v > 100000)
            return 0;
        v = v * 10 + (*p - '0');
    }
    *out = (int)v;
    return 1;
}

/* ---- the module's parts --------------------------------------------------- */

static void read_languages(XmlCtx *x, const xmlNode *n)
{
    Course *c = x->c;
    const char *text = xml_text(x, n);
    if (!text)
        return;
    const char *p = text;
    int bad = 0;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *e = p;
        while (*e && *e != ' ')
            e++;
        if (e == p)
            break;
        size_t len = (size_t)(e - p);
        char code[8] = "";
        if (len < sizeof(code))
            memcpy(code, p, len);
        if (strcmp(code, "fr") != 0 && strcmp(code, "en") != 0) {
            bad = 1;
            diag_error(x->d, xml_loc(x, n, NULL), "unknown language '%.*s' in <languages> "
                       "(use fr, en or both: fr en)", (int)len, p);
        } else if (course_lang_index(c, code) >= 0) {
            bad = 1;
            diag_error(x->d, xml_loc(x, n, NULL), "language '%s' is listed twice in "
                       "<languages> (list it once)", code);
        } else if (c->nlangs < COURSE_MAX_LANGS) {
            c->langs[c->nlangs++].code = course_strdup(c, code);
        }
        p = e;
    }
    if (c->nlangs == 0 && !bad)
        diag_error(x->d, xml_loc(x, n, NULL), "no language in <languages> (write "
                   "<languages>fr en</languages>)");
}

/* Stores a per-language text (title, description, keywords, label) in
 * slots[lang]; reports a missing/unknown xml:lang and duplicates. */
static void read_lang_text(XmlCtx *x, const xmlNode *n, const char *what, const char **slots)
{
    if (x->c->nlangs == 0)
        return;     /* <languages> is wrong: that one error says it */
    const char *lang = xml_lang(x, n);
    if (!lang) {
        diag_error(x->d, xml_loc(x, n, NULL), "<%s> has no xml:lang (add xml:lang=\"fr\" or "
                   "xml:lang=\"en\")", what);
        return;
    }
    int li = course_lang_index(x->c, lang);
    if (li < 0) {
        diag_error(x->d, xml_loc(x, n, "xml:lang"), "<%s> in language '%s', which is not in "
                   "<languages> (add it there or remove this element)", what, lang);
        return;
    }
    const char *text = xml_text(x, n);
    if (slots[li]) {
        diag_error(x->d, xml_loc(x, n, NULL), "second <%s> in %s (keep one per language)",
                   what, source_util_lang_name(lang));
        return;
    }
    if (!text || !*text) {
        diag_error(x->d, xml_loc(x, n, NULL), "empty <%s> (write the %s text)", what,
                   source_util_lang_name(lang));
        return;
    }
    slots[li] = text;
}

static void require_per_lang(XmlCtx *x, const xmlNode *at, const char *what,
                             const char **slots, const char *owner)
{
    for (int i = 0; i < x->c->nlangs; i++)
        if (!slots[i])
            diag_error(x->d, xml_loc(x, at, NULL), "%s has no <%s xml:lang=\"%s\"> (add the "
                       "%s %s)", owner, what, x->c->langs[i].code,
                       source_util_lang_name(x->c->langs[i].code), what);
}

static void read_context_item(XmlCtx *x, const xmlNode *n, const char *kind)
{
    Course *c = x->c;
    int is_role = strcmp(kind, "role") == 0;
    ContextItem *items = is_role ? c->roles : c->settings;
    int *count = is_role ? &c->nroles : &c->nsettings;
    const char *id = xml_attr(x, n, "id");
    if (!id)
        return;     /* the schema reported it */
    if (!source_util_is_id(id, strlen(id), 40)) {
        diag_error(x->d, xml_loc(x, n, "id"), "invalid %s id '%s' (use lower-case letters, "
                   "digits and '-', at most 40 characters)", kind, id);
        return;
    }
    for (int i = 0; i < *count; i++)
        if (strcmp(items[i].id, id) == 0) {
            diag_error(x->d, xml_loc(x, n, "id"), "%s '%s' is declared twice (line %d; "
                       "give each %s its own id)", kind, id, items[i].at.line, kind);
            return;
        }
    if (*count >= COURSE_MAX_CONTEXT) {
        diag_error(x->d, xml_loc(x, n, NULL), "more than %d %ss (merge some)",
                   COURSE_MAX_CONTEXT, kind);
        return;
    }
    ContextItem *it = &items[(*count)++];
    it->id = id;
    it->at = xml_loc(x, n, NULL);
    for (const xmlNode *l = n->children; l; l = l->next)
        if (is_elem(l, "label"))
            read_lang_text(x, l, "label", it->label);
    char owner[96];
    snprintf(owner, sizeof(owner), "%s '%s'", kind, id);
    require_per_lang(x, n, "label", it->label, owner);
}

static int doi_ok(const char *s)
{
    if (strncmp(s, "10.", 3) != 0)
        return 0;
    const char *p = s + 3;
    int digits = 0;
    while (*p >= '0' && *p <= '9') {
        p++;
        digits++;
    }
    if (digits < 4 || *p != '/' || !p[1])
        return 0;
    for (p++; *p; p++)
        if ((unsigned char)*p <= ' ')
            return 0;
    return 1;
}

static int url_ok(const char *s)
{
    const char *p;
    if (strncmp(s, "https://", 8) == 0)
        p = s + 8;
    else if (strncmp(s, "http://", 7) == 0)
        p = s + 7;
    else
        return 0;
    if (!*p || *p == '/')
        return 0;
    for (; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == '"' || *p == '<' || *p == '>')
            return 0;
    return 1;
}

static int ref_id_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
            return 0;
    return 1;
}

static void read_references(XmlCtx *x, const xmlNode *refs)
{
    Course *c = x->c;
    int n = 0;
    for (const xmlNode *r = refs->children; r; r = r->next)
        if (is_elem(r, "ref"))
            n++;
    if (n == 0)
        return;
    c->refs = arena_alloc(&c->arena, (size_t)n * sizeof(*c->refs));
    if (!c->refs)
        return;
    for (const xmlNode *r = refs->children; r; r = r->next) {
        if (!is_elem(r, "ref"))
            continue;
        const char *id = xml_attr(x, r, "id");
        if (!id)
            continue;
        if (!ref_id_ok(id)) {
            diag_error(x->d, xml_loc(x, r, "id"), "invalid reference id '%s' (use letters, "
                       "digits, '-' and '_', at most 64 characters)", id);
            continue;
        }
        if (course_ref(c, id)) {
            diag_error(x->d, xml_loc(x, r, "id"), "reference '%s' is declared twice (line %d; "
                       "give each reference its own id)", id, course_ref(c, id)->at.line);
            continue;
        }
        Reference *ref = &c->refs[c->nrefs];
        ref->id = id;
        ref->at = xml_loc(x, r, NULL);
        ref->text = xml_text(x, r);
        ref->doi = xml_attr(x, r, "doi");
        ref->url = xml_attr(x, r, "url");
        if (!ref->text || !*ref->text)
            diag_error(x->d, ref->at, "reference '%s' has no text (write the citation: "
                       "authors, title, journal, year)", id);
        if (ref->doi && !doi_ok(ref->doi)) {
            diag_error(x->d, xml_loc(x, r, "doi"), "invalid DOI '%s' (write it as 10.NNNN/"
                       "suffix, without https://doi.org/)", ref->doi);
            ref->doi = NULL;
        }
        if (ref->url && !url_ok(ref->url)) {
            diag_error(x->d, xml_loc(x, r, "url"), "invalid URL '%s' (write a full address "
                       "starting with https://)", ref->url);
            ref->url = NULL;
        }
        c->nrefs++;
    }
}

static int version_ok(const char *s)
{
    for (int part = 0; part < 3; part++) {
        if (*s < '0' || *s > '9')
            return 0;
        if (*s == '0' && s[1] >= '0' && s[1] <= '9')
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
        if (part < 2 && *s++ != '.')
            return 0;
    }
    return *s == '\0';
}

static void read_module(XmlCtx *x, const xmlNode *root)
{
    Course *c = x->c;
    const char *id = xml_attr(x, root, "id");
    if (id) {
        size_t n = strlen(id);
        if (n < 3 || !source_util_is_id(id, n, 64))
            diag_error(x->d, xml_loc(x, root, "id"), "invalid module id '%s' (use 3 to 64 "
                       "lower-case letters, digits and '-', e.g. ai-never-neutral)", id);
        else
            c->id = id;
    }
    const char *version = xml_attr(x, root, "version");
    if (version) {
        if (!version_ok(version))
            diag_error(x->d, xml_loc(x, root, "version"), "invalid version '%s' (write "
                       "MAJOR.MINOR.PATCH, e.g. 1.0.0)", version);
        else
            c->version = version;
    }

    for (const xmlNode *n = root->children; n; n = n->next)
        if (is_elem(n, "languages"))
            read_languages(x, n);

    const char *titles[COURSE_MAX_LANGS] = {0}, *descs[COURSE_MAX_LANGS] = {0};
    const char *keywords[COURSE_MAX_LANGS] = {0};
    size_t nauthors = 0;
    for (const xmlNode *n = root->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (is_elem(n, "title")) {
            read_lang_text(x, n, "title", titles);
        } else if (is_elem(n, "description")) {
            read_lang_text(x, n, "description", descs);
        } else if (is_elem(n, "keywords")) {
            read_lang_text(x, n, "keywords", keywords);
        } else if (is_elem(n, "duration")) {
            const char *v = xml_attr(x, n, "minutes");
            int m = 0;
            if (v && (!parse_int(v, &m) || m < 1 || m > 600))
                diag_error(x->d, xml_loc(x, n, "minutes"), "invalid duration '%s' (write the "
                           "estimated time in whole minutes, 1 to 600)", v);
            else if (v)
                c->duration_minutes = m;
        } else if (is_elem(n, "mastery")) {
            const char *v = xml_attr(x, n, "score");
            int m = 0;
            if (v && (!parse_int(v, &m) || m > 100))
                diag_error(x->d, xml_loc(x, n, "score"), "invalid mastery score '%s' (write "
                           "the passing score in percent, 0 to 100)", v);
            else if (v)
                c->mastery_score = m;
        } else if (is_elem(n, "author")) {
            const char *a = xml_text(x, n);
            if (!a || !*a)
                diag_error(x->d, xml_loc(x, n, NULL), "empty <author> (write the author's "
                           "name and institution)");
            else
                nauthors++;
        } else if (is_elem(n, "context")) {
            for (const xmlNode *i = n->children; i; i = i->next) {
                if (is_elem(i, "role"))
                    read_context_item(x, i, "role");
                else if (is_elem(i, "setting"))
                    read_context_item(x, i, "setting");
            }
        } else if (is_elem(n, "references")) {
            read_references(x, n);
        }
    }
    require_per_lang(x, root, "title", titles, "the module");
    require_per_lang(x, root, "description", descs, "the module");
    for (int i = 0; i < c->nlangs; i++) {
        c->langs[i].title = titles[i];
        c->langs[i].description = descs[i];
        c->langs[i].keywords = keywords[i];
    }
    c->authors = arena_alloc(&c->arena, (nauthors + 1) * sizeof(*c->authors));
    if (c->authors) {
        size_t k = 0;
        for (const xmlNode *n = root->children; n && k < nauthors; n = n->next)
            if (is_elem(n, "author")) {
                const char *a = xml_text(x, n);
                if (a && *a)
                    c->authors[k++] = a;
            }
    }
    if (c->nrefs == 0)
        diag_warning(x->d, xml_loc(x, root, NULL), "the module has no references (add a "
                     "<references> list with the sources the module relies on)");
}

static xmlSchemaPtr load_schema(void)
{
    const AssetFile *f = assets_find("schema/module.xsd");
    if (!f)
        return NULL;
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewMemParserCtxt((const char *)f->data, (int)f->size);
    if (!pc)
        return NULL;
    xmlSchemaPtr schema = xmlSchemaParse(pc);
    xmlSchemaFreeParserCtxt(pc);
    return schema;
}

int source_xml_read(Course *c, const char *file, const char *data, size_t size, Diag *d)
{
    XmlCtx x = { c, d, {0}, 0, 0 };
    int rc = -1;
    xmlParserCtxtPtr pctxt = NULL;
    xmlDocPtr doc = NULL;
    xmlSchemaPtr schema = NULL;
    xmlSchemaValidCtxtPtr vc = NULL;
    if (source_util_file_init(&x.src, file, data, size) != 0)
        return diag_error(d, srcloc(file, 0, 0), "out of memory");
    if (size > (size_t)1 << 24) {
        diag_error(d, srcloc(file, 0, 0), "module.xml is larger than 16 MB (it should be a "
                   "few kilobytes: check the file)");
        goto out;
    }
    if (size == 0) {
        diag_error(d, srcloc(file, 1, 1), "module.xml is empty (write the module description: "
                   "see docs/authoring.md, section 2)");
        goto out;
    }
    /* Refused before parsing: libxml2 would otherwise already expand (and
     * complain about) the entities of an internal subset. */
    const char *doctype = NULL;
    for (size_t i = 0; i + 9 <= size && !doctype; i++)
        if (data[i] == '<' && memcmp(data + i, "<!DOCTYPE", 9) == 0)
            doctype = data + i;
    if (doctype) {
        diag_error(d, source_util_loc(&x.src, (size_t)(doctype - data)), "DOCTYPE and entity "
                   "declarations are not allowed in module.xml (remove the <!DOCTYPE …> "
                   "declaration and write the text itself)");
        goto out;
    }
    xmlSetStructuredErrorFunc(&x, xml_on_error);
    pctxt = xmlNewParserCtxt();
    if (!pctxt) {
        diag_error(d, srcloc(file, 0, 0), "out of memory");
        goto out;
    }
    doc = xml_safe_read(pctxt, data, size, file, XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA, NULL);
    if (!doc || x.errors) {
        if (!x.errors)
            diag_error(d, srcloc(file, 1, 1), "module.xml could not be read as XML (check "
                       "that it is a UTF-8 XML file)");
        goto out;
    }
    if (doc->intSubset || doc->extSubset) {
        const char *p = strstr(data, "<!DOCTYPE");
        SrcLoc at = p ? source_util_loc(&x.src, (size_t)(p - data)) : srcloc(file, 1, 1);
        diag_error(d, at, "DOCTYPE and entity declarations are not allowed in module.xml "
                   "(remove the <!DOCTYPE …> declaration and write the text itself)");
        goto out;
    }
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root) {
        diag_error(d, srcloc(file, 1, 1), "module.xml has no <module> element (see "
                   "docs/authoring.md, section 2)");
        goto out;
    }
    schema = load_schema();
    if (!schema) {
        diag_error(d, srcloc(file, 0, 0), "internal error: the embedded module.xsd could not "
                   "be loaded");
        goto out;
    }
    vc = xmlSchemaNewValidCtxt(schema);
    if (!vc) {
        diag_error(d, srcloc(file, 0, 0), "out of memory");
        goto out;
    }
    xmlSchemaSetValidStructuredErrors(vc, xml_on_error, &x);
    xmlSchemaValidateDoc(vc, doc);
    if (is_elem(root, "module"))
        read_module(&x, root);
    rc = 0;
out:
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (vc)
        xmlSchemaFreeValidCtxt(vc);
    if (schema)
        xmlSchemaFree(schema);
    if (doc)
        xmlFreeDoc(doc);
    if (pctxt)
        xmlFreeParserCtxt(pctxt);
    source_util_file_release(&x.src);
    return rc;
}
