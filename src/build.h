/* build: one module's model -> its packages, one per language and edition
 * (SCORM 1.2, SCORM 2004, cmi5): index.html, the runtime, the images, the
 * manifest or cmi5.xml, in a deterministic zip written atomically; and the
 * curriculum: several modules as the AUs of one cmi5 course package. */
#ifndef BUILD_H
#define BUILD_H

#include "course.h"
#include "diag.h"

enum {
    BUILD_SCORM12 = 1u << SCORM_12,
    BUILD_SCORM2004 = 1u << SCORM_2004,
    BUILD_CMI5 = 1u << SCORM_CMI5,
};

typedef struct BuildOptions {
    const char *out_dir;        /* created if missing */
    unsigned editions;          /* BUILD_SCORM12 | BUILD_SCORM2004 | BUILD_CMI5;
                                   0 = both SCORM editions */
    const char *lang;           /* "fr", "en"; NULL = every language */
    const char *schemas_dir;    /* NULL, or a folder like shared/scorm/xsd whose
                                   schemas go to the package root */
    long long mtime;            /* zip entry time, seconds since the epoch */
    int verbose;                /* print each package written on stdout */
} BuildOptions;

/* The package file name: "<id>.<lang>.scorm12.zip" / ".scorm2004.zip" /
 * ".cmi5.zip". Returns a new string; free() it. */
char *build_package_name(const Course *c, int lang, ScormEdition ed);

/* The curriculum's file name: "curriculum.<lang>.cmi5.zip". */
#define BUILD_CURRICULUM_NAME "curriculum"

/* Builds the curriculum: for each language (opt->lang, or every language the
 * first module has), one cmi5 course package whose AUs are the modules, in
 * the order given (each module's files in a folder named by its id, its AU
 * launching "<id>/index.html"); course id, title and description as
 * cmi5.h and the catalogue give them. The modules were read and checked
 * without error; every one must have the language. opt->editions and
 * opt->schemas_dir are not used. Returns the number of packages written, or
 * -1 when any problem was found (nothing half-written is left). */
int build_curriculum(Course *const *modules, int n, const BuildOptions *opt, Diag *d);

/* Builds the packages of c (already read and checked without error). Image
 * sizes are filled into the model. Every problem goes to d; a package with a
 * problem is not written (nor left half-written), the others are. Returns the
 * number of packages written, or -1 when any problem was found. */
int build_module(Course *c, const BuildOptions *opt, Diag *d);

#endif
