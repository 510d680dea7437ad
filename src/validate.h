/* validate: checks any SCORM zip (ours or a third party's) the way an LMS
 * administrator needs: manifest at the root, well-formed, schema-valid (when
 * schemas are given), edition and schemaversion, references resolving, every
 * referenced file present, every file listed. */
#ifndef VALIDATE_H
#define VALIDATE_H

#include <stddef.h>

#include "diag.h"

/* Validates the zip at zip_path. schemas_dir is a folder like
 * /work/shared/scorm/xsd (with local/, scorm12/, scorm2004-4th/); NULL skips
 * schema validation. Problems go to d as errors (the package will fail or
 * misbehave in an LMS) or warnings (allowed, but worth a look), located at
 * "<zip>: imsmanifest.xml:<line>" where possible. Returns 0 when there is no
 * error (warnings allowed), -1 otherwise. */
int validate_package(const char *zip_path, const char *schemas_dir, Diag *d);

/* Validates a manifest document against the official schemas of its edition
 * (detected from its namespace) under schemas_dir. Messages located at label:line.
 * Returns 0 when valid, -1 otherwise. Loads DIR/local/catalog.xml into
 * libxml2's process-wide catalog and swaps libxml2's global entity loader
 * (no network) for the duration of the call: do not run it concurrently with
 * other libxml2 work in another thread. */
int validate_manifest_schema(const char *xml, size_t len, const char *label,
                             const char *schemas_dir, Diag *d);

#endif
