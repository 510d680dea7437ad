/* xml_safe: see xml_safe.h. The entity hook replaces SAX2's entityDecl for
 * the one parse; the flag it raises travels in ctxt->_private, which is ours
 * for the duration of the call. */
#include "xml_safe.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>


#define UNSAFE_OPTIONS (XML_PARSE_NOENT | XML_PARSE_DTDLOAD | XML_PARSE_DTDATTR \
                        | XML_PARSE_DTDVALID | XML_PARSE_XINCLUDE)

static void stop_at_entity(void *ctx, const xmlChar *name, int type, const xmlChar *publicId,
                           const xmlChar *systemId, xmlChar *content)
{
    (void)name;
    (void)type;
    (void)publicId;
    (void)systemId;
    (void)content;
    xmlParserCtxtPtr ctxt = ctx;
    *(int *)ctxt->_private = 1;
    ctxt->wellFormed = 0;
    xmlStopParser(ctxt);
}

xmlDocPtr xml_safe_read(xmlParserCtxtPtr ctxt, const char *data, size_t len, const char *url,
                        int options, int *entity)
{
    int declared = 0;
    void *saved = ctxt->_private;
    ctxt->_private = &declared;
    ctxt->sax->entityDecl = stop_at_entity;
    options = (options | XML_PARSE_NONET) & ~UNSAFE_OPTIONS;
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, data, len > INT_MAX ? INT_MAX : (int)len, url, NULL,
                                      options);
    ctxt->_private = saved;
    if (declared && doc) {
        xmlFreeDoc(doc);
        doc = NULL;
    }
    if (entity)
        *entity = declared;
    return doc;
}

void xml_safe_error_text(const xmlError *e, char *msg, size_t size)
{
    if (!size)
        return;
    snprintf(msg, size, "%s", e && e->message ? e->message : "");
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
}

xmlDocPtr xml_safe_parse(const char *data, size_t len, const char *label,
                         const XmlSafeWords *words, Diag *d)
{
    int entity = 0;
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        diag_error(d, srcloc(label, 0, 0), "out of memory");
        return NULL;
    }
    xmlDocPtr doc = xml_safe_read(ctxt, data, len, NULL,
                                  XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES,
                                  &entity);
    if (entity) {
        diag_error(d, srcloc(label, 0, 0), "%s declares XML entities in a DOCTYPE, which is "
                   "refused for safety (remove the DOCTYPE; %s)", words->what, words->entity_fix);
    } else if (!doc || !ctxt->wellFormed) {
        const xmlError *e = xmlCtxtGetLastError(ctxt);
        char msg[512];
        xml_safe_error_text(e, msg, sizeof(msg));
        diag_error(d, srcloc(label, e ? e->line : 0, e ? e->int2 : 0),
                   "%s is not well-formed XML: %s (fix the XML; %s)", words->what,
                   *msg ? msg : "parse error", words->syntax_fix);
    } else {
        xmlFreeParserCtxt(ctxt);
        return doc;
    }
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    return NULL;
}
