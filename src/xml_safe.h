/* xml_safe: the one hardened way to parse XML that comes from outside
 * (module.xml from trainers, imsmanifest.xml from any package): from memory,
 * XML_PARSE_NONET (nothing fetched), never NOENT, DTDLOAD, DTDATTR, DTDVALID
 * or XINCLUDE (no entity substitution, no external DTD, no inclusion), and a
 * SAX hook that stops the parse at the first entity declaration, so XXE and
 * entity-expansion bombs are refused before anything is expanded. HTML pages
 * go through libxml2's HTML parser instead (page_read.c). */
#ifndef XML_SAFE_H
#define XML_SAFE_H

#include <stddef.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "diag.h"

/* Parses data[0..len) (len capped at INT_MAX) with ctxt, a fresh context from
 * xmlNewParserCtxt() that the caller frees (its error state, wellFormed and
 * xmlCtxtGetLastError() stay readable). url names the document in libxml2's
 * messages (may be NULL); options are added to the safe ones (e.g.
 * XML_PARSE_NOERROR | XML_PARSE_BIG_LINES); the unsafe ones are removed.
 * Returns the document (xmlFreeDoc() it) or NULL. When the document declares
 * an entity, returns NULL and sets *entity (may be NULL) to 1, else to 0. */
xmlDocPtr xml_safe_read(xmlParserCtxtPtr ctxt, const char *data, size_t len, const char *url,
                        int options, int *entity);

/* libxml2's message of e (may be NULL) as one line for our messages: copied
 * into msg[0..size) without its trailing newline; "" when there is none. */
void xml_safe_error_text(const xmlError *e, char *msg, size_t size);

/* The words of xml_safe_parse's two refusals, for one kind of document. */
typedef struct {
    const char *what;          /* "the manifest" */
    const char *entity_fix;    /* after "remove the DOCTYPE; ": "SCORM manifests do not need one" */
    const char *syntax_fix;    /* after "fix the XML; ": "'xmllint --noout' shows the place" */
} XmlSafeWords;

/* xml_safe_read on a context of its own, for the readers of package
 * documents (imsmanifest.xml, cmi5.xml): a declared entity, or XML that is
 * not well-formed, is reported under label in those words (libxml2's message
 * and place for the second). Returns the document (xmlFreeDoc() it) or NULL
 * after an error in d. */
xmlDocPtr xml_safe_parse(const char *data, size_t len, const char *label,
                         const XmlSafeWords *words, Diag *d);

#endif
