/* cmi5: cmi5.xml both ways. The writer prints the few elements our courses
 * need in the schema's order (course, then AUs: title, description, url);
 * the reader parses any course structure with libxml2 (NONET, entity
 * declarations refused as in manifest_read.c), matches elements by local
 * name in the cmi5 namespace (vendor extensions in other namespaces are
 * skipped, 13.1.5) and flattens blocks into their AUs. */
#include "cmi5.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xml_safe.h"

#define MAX_DEPTH 64    /* blocks nested deeper are refused, not recursed into */

static const char *const move_on_names[] = {
    [CMI5_MOVEON_NOT_APPLICABLE] = "NotApplicable",
    [CMI5_MOVEON_PASSED] = "Passed",
    [CMI5_MOVEON_COMPLETED] = "Completed",
    [CMI5_MOVEON_COMPLETED_AND_PASSED] = "CompletedAndPassed",
    [CMI5_MOVEON_COMPLETED_OR_PASSED] = "CompletedOrPassed",
};

static const char *const launch_method_names[] = {
    [CMI5_ANY_WINDOW] = "AnyWindow",
    [CMI5_OWN_WINDOW] = "OwnWindow",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *cmi5_move_on_name(Cmi5MoveOn m)
{
    return (unsigned)m < COUNT(move_on_names) ? move_on_names[m] : move_on_names[0];
}

int cmi5_move_on_from(const char *s, Cmi5MoveOn *m)
{
    for (size_t i = 0; s && i < COUNT(move_on_names); i++)
        if (strcmp(s, move_on_names[i]) == 0) {
            *m = (Cmi5MoveOn)i;
            return 0;
        }
    return -1;
}

const char *cmi5_launch_method_name(Cmi5LaunchMethod l)
{
    return (unsigned)l < COUNT(launch_method_names) ? launch_method_names[l]
                                                     : launch_method_names[0];
}

int cmi5_launch_method_from(const char *s, Cmi5LaunchMethod *l)
{
    for (size_t i = 0; s && i < COUNT(launch_method_names); i++)
        if (strcmp(s, launch_method_names[i]) == 0) {
            *l = (Cmi5LaunchMethod)i;
            return 0;
        }
    return -1;
}

void cmi5_course_id(const char *module_id, const char *lang, Buf *out)
{
    buf_printf(out, "urn:coursepack:course:%s:%s", module_id, lang);
}

void cmi5_au_id(const char *module_id, const char *lang, Buf *out)
{
    buf_printf(out, "urn:coursepack:au:%s:%s", module_id, lang);
}

void cmi5_curriculum_id(const char *lang, Buf *out)
{
    buf_printf(out, "urn:coursepack:curriculum:%s", lang);
}

/* ---- writing ----------------------------------------------------------------- */

/* An absolute IRI as cmi5 wants ids (3.0: "fully qualified"): a scheme, then
 * no white space or control character. */
static int iri_ok(const char *s)
{
    if (!s || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
        return 0;
    const char *p = s;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
           || *p == '+' || *p == '-' || *p == '.')
        p++;
    if (*p != ':' || !p[1])
        return 0;
    for (; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '<' || *p == '>' || *p == '"')
            return 0;
    return 1;
}

/* A launch URL (xs:anyURI, RFC 1738 after the scheme): characters that would
 * change its meaning inside a path (space, %, #, ?) are %-escaped. */
static void put_url(Buf *out, const char *url)
{
    for (const char *p = url; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch <= ' ' || ch == '%' || ch == '#' || ch == '?' || ch == 0x7f)
            buf_printf(out, "%%%02X", ch);
        else if (ch == '&')
            buf_puts(out, "&amp;");
        else if (ch == '<')
            buf_puts(out, "&lt;");
        else if (ch == '>')
            buf_puts(out, "&gt;");
        else
            buf_putc(out, (char)ch);
    }
}

static void put_text(Buf *out, const char *indent, const char *element, const char *lang,
                     const char *text)
{
    buf_printf(out, "%s<%s><langstring lang=\"", indent, element);
    buf_puts_xml(out, lang);
    buf_puts(out, "\">");
    buf_puts_xml(out, text);
    buf_printf(out, "</langstring></%s>\n", element);
}

/* masteryScore: a decimal with at most 4 places, trailing zeros dropped
 * (8000 -> "0.8", 10000 -> "1"). */
static void put_mastery(Buf *out, int m)
{
    buf_printf(out, "%d", m / 10000);
    int frac = m % 10000;
    if (frac) {
        char digits[8];
        snprintf(digits, sizeof(digits), "%04d", frac);
        size_t n = strlen(digits);
        while (n && digits[n - 1] == '0')
            digits[--n] = '\0';
        buf_printf(out, ".%s", digits);
    }
}

int cmi5_write(const Cmi5Course *c, Buf *out, Diag *d)
{
    SrcLoc at = srcloc(CMI5_FILE, 0, 0);
    if (!iri_ok(c->id))
        return diag_error(d, at, "course id '%s' is not an absolute IRI (use e.g. "
                          "urn:coursepack:course:<id>:<lang>)", c->id ? c->id : "");
    if (!c->title || !*c->title || !c->lang || !*c->lang)
        return diag_error(d, at, "course '%s' has no title or language", c->id);
    if (!c->naus)
        return diag_error(d, at, "course '%s' has no AU (a course needs at least one)",
                          c->id);
    for (size_t i = 0; i < c->naus; i++) {
        const Cmi5Au *au = &c->aus[i];
        if (!iri_ok(au->id))
            return diag_error(d, at, "AU id '%s' is not an absolute IRI", au->id ? au->id : "");
        if (!au->title || !*au->title || !au->lang || !*au->lang)
            return diag_error(d, at, "AU '%s' has no title or language", au->id);
        if (!au->url || !*au->url)
            return diag_error(d, at, "AU '%s' has no url", au->id);
        if (au->mastery < -1 || au->mastery > 10000)
            return diag_error(d, at, "AU '%s': masteryScore %d/10000 is outside 0..1",
                              au->id, au->mastery);
        for (size_t k = 0; k < i; k++)
            if (strcmp(c->aus[k].id, au->id) == 0)
                return diag_error(d, at, "AU id '%s' is used twice (ids must be unique in "
                                  "a course structure)", au->id);
    }
    buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<courseStructure xmlns=\"" CMI5_NAMESPACE "\">\n  <course id=\"");
    buf_puts_xml(out, c->id);
    buf_puts(out, "\">\n");
    put_text(out, "    ", "title", c->lang, c->title);
    put_text(out, "    ", "description", c->lang,
             c->description && *c->description ? c->description : c->title);
    buf_puts(out, "  </course>\n");
    for (size_t i = 0; i < c->naus; i++) {
        const Cmi5Au *au = &c->aus[i];
        buf_puts(out, "  <au id=\"");
        buf_puts_xml(out, au->id);
        buf_printf(out, "\" moveOn=\"%s\"", cmi5_move_on_name(au->move_on));
        if (au->mastery >= 0) {
            buf_puts(out, " masteryScore=\"");
            put_mastery(out, au->mastery);
            buf_puts(out, "\"");
        }
        buf_printf(out, " launchMethod=\"%s\">\n", cmi5_launch_method_name(au->launch_method));
        put_text(out, "    ", "title", au->lang, au->title);
        put_text(out, "    ", "description", au->lang,
                 au->description && *au->description ? au->description : au->title);
        buf_puts(out, "    <url>");
        put_url(out, au->url);
        buf_puts(out, "</url>\n");
        if (au->launch_parameters && *au->launch_parameters) {
            buf_puts(out, "    <launchParameters>");
            buf_puts_xml(out, au->launch_parameters);
            buf_puts(out, "</launchParameters>\n");
        }
        buf_puts(out, "  </au>\n");
    }
    buf_puts(out, "</courseStructure>\n");
    if (out->failed)
        return diag_error(d, at, "out of memory writing " CMI5_FILE);
    return 0;
}

/* ---- reading ------------------------------------------------------------------- */

typedef struct Reader {
    Cmi5Course *c;
    const char *label;
    Diag *d;
    size_t errors;          /* d->errors when reading began */
    Cmi5Au *aus;            /* growing array (malloc), moved into the arena at the end */
    size_t naus, cap;
    const char **ids;       /* AU and block ids seen (arena strings; malloc'd array) */
    int *id_lines;
    size_t nids, capids;
    int failed;             /* out of memory */
} Reader;

static SrcLoc at_line(const Reader *r, int line)
{
    return srcloc(r->label, line, 0);
}

static int is_cmi5(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           strcmp((const char *)n->ns->href, CMI5_NAMESPACE) == 0 &&
           (!name || strcmp((const char *)n->name, name) == 0);
}

static int line_of(const xmlNode *n)
{
    long l = xmlGetLineNo(n);
    return l > 0 && l < INT32_MAX ? (int)l : 0;
}

/* s trimmed of XML white space, copied into the arena; NULL for NULL. */
static const char *dup_trimmed(Reader *r, const xmlChar *v)
{
    if (!v)
        return NULL;
    const char *s = (const char *)v, *e = s + strlen(s);
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
        e--;
    char *c = arena_strndup(&r->c->arena, s, (size_t)(e - s));
    if (!c)
        r->failed = 1;
    return c;
}

static const char *attr(Reader *r, xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
    const char *s = dup_trimmed(r, v);
    xmlFree(v);
    return s;
}

static const char *text_of(Reader *r, xmlNode *n)
{
    xmlChar *t = xmlNodeGetContent(n);
    const char *s = dup_trimmed(r, t);
    xmlFree(t);
    return s;
}

static xmlNode *child(xmlNode *n, const char *name)
{
    for (xmlNode *c = n->children; c; c = c->next)
        if (is_cmi5(c, name))
            return c;
    return NULL;
}

/* A title or description: the first non-empty langstring (and its lang). */
static const char *langstring(Reader *r, xmlNode *n, const char **lang)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next) {
        if (!is_cmi5(c, "langstring"))
            continue;
        const char *t = text_of(r, c);
        if (t && *t) {
            if (lang) {
                const char *l = attr(r, c, "lang");
                *lang = l && *l ? l : NULL;
            }
            return t;
        }
    }
    return NULL;
}

/* Title and description are required (13.1), each with a langstring. */
static void texts(Reader *r, xmlNode *n, const char *what, const char *id, const char **lang,
                  const char **title, const char **description)
{
    *title = langstring(r, child(n, "title"), lang);
    *description = langstring(r, child(n, "description"), NULL);
    if (!*title)
        diag_error(r->d, at_line(r, line_of(n)), "%s '%s' has no <title> with a <langstring> "
                   "(add one: the LMS shows it)", what, id ? id : "?");
    if (!*description)
        diag_error(r->d, at_line(r, line_of(n)), "%s '%s' has no <description> with a "
                   "<langstring> (the schema requires one)", what, id ? id : "?");
}

static void add_id(Reader *r, const char *id, int line)
{
    for (size_t i = 0; i < r->nids; i++)
        if (strcmp(r->ids[i], id) == 0) {
            diag_error(r->d, at_line(r, line), "id '%s' is used again (first on line %d); "
                       "every AU and block id must be unique (rename one)", id,
                       r->id_lines[i]);
            return;
        }
    if (r->nids == r->capids) {
        size_t cap = r->capids ? r->capids * 2 : 16;
        const char **ids = realloc(r->ids, cap * sizeof(*ids));
        int *lines = ids ? realloc(r->id_lines, cap * sizeof(*lines)) : NULL;
        if (ids)
            r->ids = ids;
        if (!ids || !lines) {
            r->failed = 1;
            return;
        }
        r->id_lines = lines;
        r->capids = cap;
    }
    r->ids[r->nids] = id;
    r->id_lines[r->nids++] = line;
}

/* xs:decimal in 0..1 to ten-thousandths (rounded past 4 places); -1 if not. */
static int parse_mastery(const char *s)
{
    const char *p = s;
    if (*p == '+')
        p++;
    long units = 0, frac = 0;
    int digits = 0, fdigits = 0;
    while (*p >= '0' && *p <= '9') {
        if (units < 100)
            units = units * 10 + (*p - '0');
        p++;
        digits++;
    }
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9') {
            if (fdigits < 5)
                frac = frac * 10 + (*p - '0');
            p++;
            fdigits++;
        }
    }
    if (*p || (!digits && !fdigits))
        return -1;
    for (int k = fdigits < 5 ? fdigits : 5; k < 5; k++)
        frac *= 10;
    long v = units * 10000 + (frac + 5) / 10;     /* 5 places kept: round the fifth */
    return v <= 10000 ? (int)v : -1;
}

static void read_au(Reader *r, xmlNode *n)
{
    Cmi5Au au = { 0 };
    au.mastery = -1;
    au.line = line_of(n);
    au.id = attr(r, n, "id");
    if (!au.id || !*au.id) {
        diag_error(r->d, at_line(r, au.line), "an <au> has no id (add id=\"...\": an IRI "
                   "unique in the course)");
        au.id = NULL;
    } else {
        add_id(r, au.id, au.line);
    }
    texts(r, n, "AU", au.id, &au.lang, &au.title, &au.description);
    const char *v = attr(r, n, "moveOn");
    if (v && cmi5_move_on_from(v, &au.move_on) != 0)
        diag_error(r->d, at_line(r, au.line), "AU '%s': moveOn '%s' is not a cmi5 value (use "
                   "Passed, Completed, CompletedAndPassed, CompletedOrPassed or "
                   "NotApplicable)", au.id ? au.id : "?", v);
    v = attr(r, n, "launchMethod");
    if (v && cmi5_launch_method_from(v, &au.launch_method) != 0)
        diag_error(r->d, at_line(r, au.line), "AU '%s': launchMethod '%s' is not a cmi5 value "
                   "(use AnyWindow or OwnWindow)", au.id ? au.id : "?", v);
    v = attr(r, n, "masteryScore");
    if (v && (au.mastery = parse_mastery(v)) < 0)
        diag_error(r->d, at_line(r, au.line), "AU '%s': masteryScore '%s' is not a decimal "
                   "between 0 and 1 (write the pass mark as a fraction: 0.8 for 80 %%)",
                   au.id ? au.id : "?", v);
    xmlNode *url = child(n, "url");
    au.url = url ? text_of(r, url) : NULL;
    if (!au.url || !*au.url) {
        diag_error(r->d, at_line(r, url ? line_of(url) : au.line), "AU '%s' has no <url>, so "
                   "an LMS has nothing to launch (add the launch page, relative to the "
                   "package root)", au.id ? au.id : "?");
        au.url = NULL;
    }
    xmlNode *lp = child(n, "launchParameters");
    if (lp)
        au.launch_parameters = text_of(r, lp);
    if (r->naus == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 8;
        Cmi5Au *aus = realloc(r->aus, cap * sizeof(*aus));
        if (!aus) {
            r->failed = 1;
            return;
        }
        r->aus = aus;
        r->cap = cap;
    }
    r->aus[r->naus++] = au;
}

/* The AUs and blocks under n (the root or a block), in order. */
static void read_units(Reader *r, xmlNode *n, int depth)
{
    for (xmlNode *c = n->children; c && !r->failed; c = c->next) {
        if (is_cmi5(c, "au")) {
            read_au(r, c);
        } else if (is_cmi5(c, "block")) {
            const char *id = attr(r, c, "id");
            if (!id || !*id)
                diag_error(r->d, at_line(r, line_of(c)), "a <block> has no id (add "
                           "id=\"...\")");
            else
                add_id(r, id, line_of(c));
            if (depth >= MAX_DEPTH)
                diag_error(r->d, at_line(r, line_of(c)), "blocks are nested more than %d "
                           "deep (not a course structure an LMS can import)", MAX_DEPTH);
            else
                read_units(r, c, depth + 1);
        }
    }
}

static void read_root(Reader *r, xmlNode *root)
{
    Cmi5Course *c = r->c;
    xmlNode *course = child(root, "course");
    if (!course) {
        diag_error(r->d, at_line(r, line_of(root)), "<courseStructure> has no <course> (add "
                   "<course id=\"...\"> with a title and a description)");
    } else {
        c->line = line_of(course);
        c->id = attr(r, course, "id");
        if (!c->id || !*c->id)
            diag_error(r->d, at_line(r, c->line), "<course> has no id (add id=\"...\": an "
                       "IRI that identifies the course)");
        texts(r, course, "course", c->id, &c->lang, &c->title, &c->description);
    }
    read_units(r, root, 0);
    if (!r->naus && !r->failed)
        diag_error(r->d, at_line(r, line_of(root)), "the course has no <au>, so an LMS has "
                   "nothing to launch (add at least one assignable unit)");
}

Cmi5Course *cmi5_read(const char *xml, size_t len, const char *label, Diag *d)
{
    Cmi5Course *c = NULL;
    Reader r = { 0 };
    r.label = label;
    r.d = d;
    r.errors = d->errors;
    /* the one hardened set-up (xml_safe.h): no network, no DTD, stopped at
     * the first entity declaration */
    static const XmlSafeWords words = {
        "the course structure", "cmi5.xml does not need one", "'xmllint --noout' shows the place"
    };
    xmlDocPtr doc = xml_safe_parse(xml, len, label, &words, d);
    if (!doc)
        return NULL;
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!root || strcmp((const char *)root->name, "courseStructure") != 0) {
        diag_error(d, srcloc(label, root ? line_of(root) : 0, 0), "the root element is <%s>, "
                   "not <courseStructure> (this is not a cmi5 course structure)",
                   root ? (const char *)root->name : "");
        goto fail;
    }
    if (!is_cmi5(root, NULL)) {
        diag_error(d, srcloc(label, line_of(root), 0), "<courseStructure> is in the namespace "
                   "'%s', not cmi5's (set xmlns=\"" CMI5_NAMESPACE "\")",
                   root->ns && root->ns->href ? (const char *)root->ns->href : "");
        goto fail;
    }
    c = calloc(1, sizeof(*c));
    if (!c) {
        diag_error(d, srcloc(label, 0, 0), "out of memory");
        goto fail;
    }
    r.c = c;
    read_root(&r, root);
    if (!r.failed && r.naus) {
        c->aus = arena_alloc(&c->arena, r.naus * sizeof(*c->aus));
        if (c->aus) {
            memcpy(c->aus, r.aus, r.naus * sizeof(*c->aus));
            c->naus = r.naus;
        } else {
            r.failed = 1;
        }
    }
    if (r.failed)
        diag_error(d, srcloc(label, 0, 0), "out of memory");
    if (d->errors > r.errors)
        goto fail;
    free(r.aus);
    free(r.ids);
    free(r.id_lines);
    xmlFreeDoc(doc);
    return c;
fail:
    free(r.aus);
    free(r.ids);
    free(r.id_lines);
    cmi5_free(c);
    xmlFreeDoc(doc);
    return NULL;
}

void cmi5_free(Cmi5Course *c)
{
    if (!c)
        return;
    arena_release(&c->arena);
    free(c);
}
