/* validate: checks any SCORM package (ours or a third party's; a zip, or the
 * folder it unzips to), or a cmi5 course package (its cmi5.xml and the AUs'
 * launch pages), the way an LMS administrator needs, on the package
 * reader the player shares (scorm_open.h): manifest at the root,
 * well-formed, schema-valid (when schemas are given), edition and
 * schemaversion, references resolving, every referenced file present,
 * every file listed. */
#ifndef VALIDATE_H
#define VALIDATE_H

#include <stddef.h>

#include "diag.h"

typedef struct ScormPackage ScormPackage;

/* Validates the package at path: a zip, or a folder holding an unzipped
 * package (checked as its zip would be). schemas_dir is a folder like
 * /work/shared/scorm/xsd (with local/, scorm12/, scorm2004-4th/); NULL skips
 * schema validation. Problems go to d as errors (the package will fail or
 * misbehave in an LMS) or warnings (allowed, but worth a look), located at
 * "<zip>: imsmanifest.xml:<line>" where possible. Returns 0 when there is no
 * error (warnings allowed), -1 otherwise. */
int validate_package(const char *path, const char *schemas_dir, Diag *d);

/* The same, saying in *cmi5 (may be NULL) whether the package was a cmi5
 * course (1), checked by cmi5's rules, or SCORM (0). */
int validate_package_kind(const char *path, const char *schemas_dir, int *cmi5, Diag *d);

/* The two halves of validate_package, for a package scorm_open() read (the
 * player's open path runs them too, so it agrees with validate):
 * validate_rules checks the manifest against the SCORM rules (and the schemas
 * when schemas_dir is not NULL); validate_data inflates every file, one at a
 * time and never to disk, so that damaged data (a bad checksum, a file
 * larger than its header says), which an LMS would choke on, is found. Each
 * returns 0 when it added no error, -1 otherwise. */
int validate_rules(ScormPackage *p, const char *schemas_dir, Diag *d);
int validate_data(ScormPackage *p, Diag *d);

/* Validates a manifest document against the official schemas of its edition
 * (detected from its namespace) under schemas_dir. Messages located at label:line.
 * Returns 0 when valid, -1 otherwise. Loads DIR/local/catalog.xml into
 * libxml2's process-wide catalog and swaps libxml2's global entity loader
 * (no network) for the duration of the call: do not run it concurrently with
 * other libxml2 work in another thread. */
int validate_manifest_schema(const char *xml, size_t len, const char *label,
                             const char *schemas_dir, Diag *d);

#endif
