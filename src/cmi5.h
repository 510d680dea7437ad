/* cmi5: the course structure of a cmi5 course package (cmi5.xml, cmi5
 * section 13; schema CourseStructure.xsd), written for our modules and
 * curriculum and read from any cmi5 package (validate, the player). The
 * namespace, the moveOn and launchMethod words and the identifiers of our
 * courses are spelled here once, for the writer and the reader. */
#ifndef CMI5_H
#define CMI5_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"

#define CMI5_NAMESPACE "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
#define CMI5_FILE "cmi5.xml"        /* at the root of a zip course package (14.0) */

/* What satisfies an AU (13.1.4 moveOn); the default is NotApplicable. */
typedef enum Cmi5MoveOn {
    CMI5_MOVEON_NOT_APPLICABLE,
    CMI5_MOVEON_PASSED,
    CMI5_MOVEON_COMPLETED,
    CMI5_MOVEON_COMPLETED_AND_PASSED,
    CMI5_MOVEON_COMPLETED_OR_PASSED,
} Cmi5MoveOn;

/* 13.1.4 launchMethod; the default is AnyWindow. */
typedef enum Cmi5LaunchMethod { CMI5_ANY_WINDOW, CMI5_OWN_WINDOW } Cmi5LaunchMethod;

/* "CompletedAndPassed"... ("NotApplicable" for an unknown value). Static. */
const char *cmi5_move_on_name(Cmi5MoveOn m);
/* The value written as s: 0, or -1 (m unchanged) for an unknown word. */
int cmi5_move_on_from(const char *s, Cmi5MoveOn *m);
const char *cmi5_launch_method_name(Cmi5LaunchMethod l);
int cmi5_launch_method_from(const char *s, Cmi5LaunchMethod *l);

/* One assignable unit. Strings are borrowed (writer) or in the course's
 * arena (reader). */
typedef struct Cmi5Au {
    const char *id;             /* publisher id, an IRI */
    const char *lang;           /* of title and description: the first langstring's */
    const char *title;
    const char *description;
    const char *url;            /* launch point: relative to the package root, or absolute */
    Cmi5MoveOn move_on;
    int mastery;                /* masteryScore in ten-thousandths (0.8 = 8000); -1: none */
    Cmi5LaunchMethod launch_method;
    const char *launch_parameters;  /* NULL when none */
    int line;                   /* reader: the line of <au> */
} Cmi5Au;

/* A course structure: the course and its AUs in document order (the AUs of
 * blocks, depth first: blocks group AUs, the player lists them flat). */
typedef struct Cmi5Course {
    Arena arena;                /* reader: owns everything below */
    const char *id;             /* the course's IRI */
    const char *lang;
    const char *title;
    const char *description;
    Cmi5Au *aus;
    size_t naus;
    int line;                   /* reader: the line of <course> */
} Cmi5Course;

/* Appends cmi5.xml for c: one <course>, then its AUs in order, each with
 * title and description in its language, url, moveOn, masteryScore (when
 * not -1) and launchMethod. Returns 0, or -1 with a message in d (a missing
 * id, title or url, an id or url that is not a URI, a mastery out of 0..1). */
int cmi5_write(const Cmi5Course *c, Buf *out, Diag *d);

/* Reads cmi5.xml (label names it in messages, e.g. "x.zip: cmi5.xml"). No
 * network, no entity is expanded (a DOCTYPE declaring entities is refused).
 * Values are trimmed, as an LMS must (13.1). Every problem an LMS import
 * would stumble on is reported, located by line: not well-formed, a root that
 * is not <courseStructure> in the cmi5 namespace, no <course> id or title, no
 * AU, an AU without id or url, an id used twice, an unknown moveOn or
 * launchMethod, a masteryScore outside 0..1. Returns a new course
 * (cmi5_free() it), or NULL when there was any error. */
Cmi5Course *cmi5_read(const char *xml, size_t len, const char *label, Diag *d);
void cmi5_free(Cmi5Course *c);      /* accepts NULL */

/* The identifiers of our courses (urn:coursepack:..., like module.xml's
 * namespace), one per module and language, appended to out:
 *   a module's course   urn:coursepack:course:<module id>:<lang>
 *   its AU              urn:coursepack:au:<module id>:<lang>
 *   the curriculum      urn:coursepack:curriculum:<lang>
 * The language is part of them: an LMS that sees a known course id takes the
 * package for an update of that course. */
void cmi5_course_id(const char *module_id, const char *lang, Buf *out);
void cmi5_au_id(const char *module_id, const char *lang, Buf *out);
void cmi5_curriculum_id(const char *lang, Buf *out);

#endif
