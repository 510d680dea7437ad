/* cmi_limits: build-time checks of the SCORM run-time data-model limits a module
 * can hit when the runtime (assets/runtime/cp-runtime.js) plays it, so a
 * learner never meets a refused SetValue in the LMS. */
#ifndef CMI_LIMITS_H
#define CMI_LIMITS_H

#include <stddef.h>

#include "course.h"
#include "diag.h"

#define CMI_LIMITS_SUSPEND_12 4096      /* cmi.suspend_data, CMIString4096 */
#define CMI_LIMITS_SUSPEND_2004 64000   /* cmi.suspend_data SPM, 4th Edition */
#define CMI_LIMITS_COMMENTS_12 4096     /* cmi.comments, CMIString4096 */
#define CMI_LIMITS_COMMENT_2004 4000    /* cmi.comments_from_learner.n.comment SPM */
#define CMI_LIMITS_INTERACTIONS_2004 250 /* cmi.interactions SPM */
#define CMI_LIMITS_LOCATION_12 255      /* cmi.core.lesson_location, CMIString255 */
#define CMI_LIMITS_LOCATION_2004 1000   /* cmi.location SPM */

/* Checks, at build time, the SCORM data-model limits this module can hit at
 * run time in edition ed and language index lang: the largest suspend_data the
 * runtime can produce (<= 4096 chars in 1.2, 64000 in 2004), the comments the
 * reflections can produce (1.2 cmi.comments 4096; 2004 4000 per comment),
 * interaction ids and choice ids against each edition's identifier types,
 * the number of interactions (<= 250 in 2004), bookmark (page name) length.
 * Descriptions are not errors: html_write cuts them to 250 characters.
 * Adds located errors to d (at the question, scenario or reflection) saying
 * what to shorten. Returns 0, or -1 when an error was added. */
int cmi_limits_check(const Course *c, int lang, ScormEdition ed, Diag *d);

/* Worst-case length, in characters, of the runtime's suspend_data for this
 * module in language index lang (docs/package-format.md, "suspend_data"). */
size_t cmi_limits_suspend_max(const Course *c, int lang);

/* Worst-case length of SCORM 1.2 cmi.comments written by the reflections. */
size_t cmi_limits_comments_max(const Course *c, int lang);

#endif
