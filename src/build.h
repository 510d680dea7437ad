/* build: one module's model -> its SCORM packages, one per language and
 * edition: index.html, the runtime, the images, the manifest, in a
 * deterministic zip written atomically. */
#ifndef BUILD_H
#define BUILD_H

#include "course.h"
#include "diag.h"

enum {
    BUILD_SCORM12 = 1u << SCORM_12,
    BUILD_SCORM2004 = 1u << SCORM_2004,
};

typedef struct BuildOptions {
    const char *out_dir;        /* created if missing */
    unsigned editions;          /* BUILD_SCORM12 | BUILD_SCORM2004; 0 = both */
    const char *lang;           /* "fr", "en"; NULL = every language */
    const char *schemas_dir;    /* NULL, or a folder like shared/scorm/xsd whose
                                   schemas go to the package root */
    long long mtime;            /* zip entry time, seconds since the epoch */
    int verbose;                /* print each package written on stdout */
} BuildOptions;

/* The package file name: "<id>.<lang>.scorm12.zip" / ".scorm2004.zip".
 * Returns a new string; free() it. */
char *build_package_name(const Course *c, int lang, ScormEdition ed);

/* Builds the packages of c (already read and checked without error). Image
 * sizes are filled into the model. Every problem goes to d; a package with a
 * problem is not written (nor left half-written), the others are. Returns the
 * number of packages written, or -1 when any problem was found. */
int build_module(Course *c, const BuildOptions *opt, Diag *d);

#endif
