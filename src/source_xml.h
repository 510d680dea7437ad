/* source_xml: reads module.xml (libxml2, no network, no DTD, no entity
 * expansion), validates it against the embedded assets/schema/module.xsd and
 * checks its values, filling the module-level fields of a Course. */
#ifndef SOURCE_XML_H
#define SOURCE_XML_H

#include <stddef.h>

#include "course.h"
#include "diag.h"

/* Reads module.xml from data[0..size) (file is the name shown in messages)
 * into c: id, version, languages, titles, descriptions, keywords, duration,
 * mastery, authors, roles, settings, references. Every problem goes to d.
 * Returns 0 when the document could be read (possibly with errors), -1 when
 * it is unusable (malformed XML, a DOCTYPE) or out of memory: c then holds
 * no module data. */
int source_xml_read(Course *c, const char *file, const char *data, size_t size, Diag *d);

#endif
