/* html_write: the course model -> the module's index.html (polyglot XHTML5),
 * the markup contract of docs/package-format.md that cp-runtime.js and the
 * player's page reader both read. */
#ifndef HTML_WRITE_H
#define HTML_WRITE_H

#include <stddef.h>

#include "buf.h"
#include "course.h"
#include "diag.h"

/* Longest interaction description the writer emits (SCORM 2004
 * cmi.interactions.n.description, localized_string_type SPM 250), counted in
 * UTF-16 code units as the runtime's JavaScript counts them. */
#define HTML_DESCRIPTION_MAX 250

/* The scripts a page loads, as package paths (assets/runtime/ is packaged
 * as runtime/): the runtime, and before it on cmi5 pages only, the cmi5
 * launch adapter. */
#define HTML_RUNTIME_SCRIPT "runtime/cp-runtime.js"
#define HTML_CMI5_SCRIPT "runtime/cp-cmi5.js"

/* Writes the module's index.html for language index lang (into c->langs) and
 * edition ed (SCORM_CMI5: data-cp-scorm="cmi5" and the cmi5 adapter's script
 * too), following docs/package-format.md. Appends to out (check
 * out->failed for memory). Problems in the model (a citation of an unknown
 * reference, a javascript: link, lang out of range) go to d, located at the
 * block. Returns 0, or -1 when any error was added to d. */
int html_write_index(const Course *c, int lang, ScormEdition ed, Buf *out, Diag *d);

/* The choice codes on a shortest path from the scenario's start to an ending
 * with END_CORRECT, appended to out comma-separated ("a,d"); nothing when no
 * correct ending is reachable. This is data-cp-best and the interaction's
 * correct response. */
void html_scenario_best(const Scenario *s, Buf *out);

/* Plain-text description of a question (its prompt) or scenario (its title,
 * else its first step's text), whitespace collapsed, cut to
 * HTML_DESCRIPTION_MAX UTF-16 units (ending in "…" when cut), appended to
 * out. What the runtime reports as the 2004 interaction description. */
void html_question_description(const Question *q, Buf *out);
void html_scenario_description(const Scenario *s, Buf *out);

#endif
