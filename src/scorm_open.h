/* scorm_open: the one reader of course packages. `coursepack validate`,
 * `wardplayer --check` and the player's open path all start here, so they
 * see the same files, find the manifest (or say why there is none) with the
 * same words, and list the same contents. A package is a zip (read in
 * memory, never extracted) or an unzipped folder (walked without following
 * links, with the zip's limits). */
#ifndef SCORM_OPEN_H
#define SCORM_OPEN_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"
#include "manifest.h"
#include "package.h"

/* One entry of the default organization, depth first, as a contents lists
 * it. A chapter (an item with sub-items and nothing to launch) has no href;
 * a hidden item (isvisible="false") is left out and its sub-items take its
 * place. Strings belong to the package. */
typedef struct ScormItem {
    const char *identifier; /* may be NULL */
    const char *title;      /* the item's <title>; NULL when it has none */
    const char *href;       /* launch file as a package path (bases applied,
                               parameters removed); NULL when none */
    const char *url;        /* the launch href when it is on the web (http:...), else NULL */
    int depth;              /* 0: an item of the organization itself */
    int line;               /* in the manifest */
} ScormItem;

#define SCORM_MAX_DEPTH 16      /* deeper items are not listed */

typedef struct ScormPackage ScormPackage;

/* Opens path: a zip, or a folder holding an unzipped package. Reads the
 * files' index, then imsmanifest.xml at the root, or, without one,
 * cmi5.xml: a cmi5 course package (cmi5.h), which gets the shape of a
 * manifest (edition MANIFEST_EDITION_CMI5, identifier = the course id, one
 * organization "cmi5" whose items are the AUs in order, each launching its
 * url from a resource of its own), so that everything reading packages
 * reads it too. Returns NULL with the reason in d when the container cannot
 * be read (hostile or damaged zip, unsafe folder), when there is neither at
 * the root (a manifest one folder down, a wrongly-cased name, an AICC
 * course are each named), when the manifest is not a well-formed
 * <manifest>, or when cmi5.xml has any problem (cmi5_read's). Everything
 * else (SCORM rules, the AUs' files) is validate.h's job. */
ScormPackage *scorm_open(const char *path, Diag *d);

/* The same for a zip in memory (borrowed until scorm_close); label names it. */
ScormPackage *scorm_open_memory(const void *zip, size_t size, const char *label, Diag *d);

void scorm_close(ScormPackage *p);  /* accepts NULL */

/* The package's name in messages (the path given, or the label) and its
 * manifest's ("<name>: imsmanifest.xml"). */
const char *scorm_label(const ScormPackage *p);
const char *scorm_manifest_label(const ScormPackage *p);

/* "zip" or "folder": how messages name the container. */
const char *scorm_container(const ScormPackage *p);

/* The manifest (owned by the package) and its bytes. */
Manifest *scorm_manifest(const ScormPackage *p);
const char *scorm_manifest_xml(const ScormPackage *p, size_t *len);

/* The package's files, sorted by name (imsmanifest.xml included). */
size_t scorm_file_count(const ScormPackage *p);
const PackageFileInfo *scorm_file(const ScormPackage *p, size_t i);
const PackageFileInfo *scorm_find(const ScormPackage *p, const char *name);

/* Appends the bytes of the file name (one of the index) to out. max_bytes 0:
 * the entry-size limit. Returns 0, or -1 with a message in d (absent,
 * larger than max_bytes, damaged). */
int scorm_read(ScormPackage *p, const char *name, size_t max_bytes, Buf *out, Diag *d);

/* The course structure of a cmi5 package (borrowed), NULL for SCORM. */
typedef struct Cmi5Course Cmi5Course;
const Cmi5Course *scorm_cmi5(const ScormPackage *p);

/* The default organization (or the first) and its entries; NULL/0 when the
 * manifest has none. */
const ManifestOrganization *scorm_organization(const ScormPackage *p);
const ScormItem *scorm_items(const ScormPackage *p, size_t *n);

#endif
