/* manifest: imsmanifest.xml for SCORM 1.2 and SCORM 2004 4th Edition.
 * Writing: the one-SCO manifest of a coursepack module (docs/package-format.md).
 * Reading: any third-party manifest into a tree (libxml2, no network, no
 * entity expansion), with line numbers for messages. */
#ifndef MANIFEST_H
#define MANIFEST_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "course.h"
#include "diag.h"

/* ---- writing ------------------------------------------------------------- */

/* Appends the manifest of course c in language index lang (c->langs[lang])
 * for edition ed to out. files are the package's file paths (relative, '/'),
 * listed as <file> elements of the one SCO resource in the order given
 * (index.html is added first if absent); imsmanifest.xml and .xsd and .dtd files are
 * skipped. Identifiers: manifest cp-<id>, organization org-<id>, item
 * item-<id>, resource res-<id>. Returns 0, or -1 with a message in d (missing
 * id/version/title, an id that would not make an XML identifier). */
int manifest_write(const Course *c, int lang, ScormEdition ed,
                   const char *const *files, size_t nfiles, Buf *out, Diag *d);

/* A schema file to copy into a package (--schemas DIR). */
typedef struct ManifestSchemaFile {
    const char *name;       /* path in the package, e.g. "common/anyElement.xsd" */
    const char *path;       /* path on disk */
} ManifestSchemaFile;

/* Lists the controlling documents for edition ed found under schemas_dir (like
 * /work/shared/scorm/xsd): for 1.2 the four .xsd of DIR/scorm12 at the root;
 * for 2004 every .xsd and .dtd under DIR/scorm2004-4th, keeping relative paths.
 * Sorted by name; strings and array in arena. Returns 0, or -1 with a message
 * in d when the folder is missing or incomplete. */
int manifest_schema_files(ScormEdition ed, const char *schemas_dir, Arena *arena,
                          ManifestSchemaFile **out, size_t *n, Diag *d);

/* ---- reading ------------------------------------------------------------- */

typedef struct ManifestFile {
    const char *href;       /* as written (NULL when the attribute is missing) */
    int line;
} ManifestFile;

typedef struct ManifestDependency {
    const char *identifierref;  /* NULL when missing */
    int line;
} ManifestDependency;

typedef struct ManifestResource {
    const char *identifier;     /* NULL when missing */
    const char *type;
    const char *href;           /* launch file, NULL when none */
    const char *scorm_type;     /* adlcp:scormType (2004) / adlcp:scormtype (1.2); NULL if absent */
    const char *scorm_type_attr;    /* the attribute's local name as written
                                       ("scormType", "scormtype", ...); NULL if absent */
    const char *base;           /* xml:base, NULL when none */
    ManifestFile *files;
    size_t nfiles;
    ManifestDependency *deps;
    size_t ndeps;
    int line;
} ManifestResource;

typedef struct ManifestItem ManifestItem;
struct ManifestItem {
    const char *identifier;
    const char *identifierref;  /* NULL for an aggregation */
    const char *title;          /* text of <title>, whitespace trimmed; NULL if none */
    const char *parameters;     /* NULL when none */
    int isvisible;              /* 1 unless isvisible="false" */
    /* What a player hands to the SCO (NULL when absent; text as written): */
    const char *data_from_lms;      /* adlcp:datafromlms / adlcp:dataFromLMS: launch data */
    const char *mastery_score;      /* 1.2 adlcp:masteryscore (0..100) */
    const char *max_time_allowed;   /* 1.2 adlcp:maxtimeallowed; 2004 imsss:limitConditions
                                       attemptAbsoluteDurationLimit */
    const char *time_limit_action;  /* adlcp:timelimitaction / adlcp:timeLimitAction */
    const char *prerequisites;      /* 1.2 adlcp:prerequisites (aicc_script) */
    const char *completion_threshold;   /* 2004 adlcp:completionThreshold
                                           minProgressMeasure (or its 3rd-Ed. text) */
    const char *scaled_passing_score;   /* 2004 primary objective minNormalizedMeasure when
                                           satisfiedByMeasure="true" ("1.0" if not given) */
    ManifestItem *children;     /* array */
    size_t nchildren;
    int line;
};

typedef struct ManifestOrganization {
    const char *identifier;
    const char *title;
    ManifestItem *items;        /* array of top-level items */
    size_t nitems;
    int line;
} ManifestOrganization;

typedef enum ManifestEditionKind {
    MANIFEST_EDITION_UNKNOWN,
    MANIFEST_EDITION_12,
    MANIFEST_EDITION_2004,
    MANIFEST_EDITION_CMI5,      /* no manifest: a cmi5 course structure, which
                                   scorm_open gives this shape (scorm_open.h) */
} ManifestEditionKind;

typedef struct Manifest {
    Arena arena;                /* owns everything below */
    ManifestEditionKind edition;    /* from the CP namespace of <manifest>; the 2004
                                       namespace with schemaversion "1.2" counts as 1.2 */
    const char *ns;             /* namespace of the root element, NULL if none */
    const char *root_name;      /* local name of the root element */
    const char *identifier;
    const char *version;
    const char *schema;         /* <metadata><schema>, NULL when absent */
    const char *schemaversion;  /* <metadata><schemaversion>, NULL when absent */
    int schemaversion_line;
    const char *base;           /* xml:base of <manifest> */
    const char *resources_base; /* xml:base of <resources> */
    const char *default_org;    /* organizations/@default, NULL when absent */
    int organizations_line;
    ManifestOrganization *orgs;
    size_t norgs;
    ManifestResource *resources;
    size_t nresources;
    int nested_manifests;       /* count of (sub)manifest elements */
    int line;                   /* of <manifest> */
} Manifest;

/* Parses xml[0..len) (label names it in messages, e.g. "pkg.zip: imsmanifest.xml").
 * Never loads anything from the network or the disk; a DOCTYPE that declares
 * entities is refused (XXE, billion laughs). Unknown elements are ignored.
 * Identifiers, identifierrefs, organizations/@default, hrefs and xml:base
 * are kept whitespace-collapsed, as their schema types (xs:ID, xs:IDREF,
 * xs:anyURI) define them: identifier="  SCO1 " is SCO1.
 * Returns a new Manifest (manifest_free() it) or NULL with messages in d
 * (not well-formed, entity declarations, no <manifest> root). */
Manifest *manifest_read(const char *xml, size_t len, const char *label, Diag *d);
void manifest_free(Manifest *m);    /* accepts NULL */

/* The default organization (or the first when there is no default); NULL if none. */
const ManifestOrganization *manifest_default_org(const Manifest *m);
const ManifestResource *manifest_find_resource(const Manifest *m, const char *identifier);

typedef enum ManifestPath {
    MANIFEST_PATH_OK,           /* *out is a path inside the package */
    MANIFEST_PATH_EXTERNAL,     /* http:, https:, mailto: ...: not a package file */
    MANIFEST_PATH_EMPTY,        /* empty href */
    MANIFEST_PATH_ABSOLUTE,     /* starts with '/' (or a base does) */
    MANIFEST_PATH_BACKSLASH,    /* contains '\\' */
    MANIFEST_PATH_ESCAPES,      /* '..' leads outside the package */
} ManifestPath;

/* Resolves href for resource r (NULL: no resource base) to a package path:
 * manifest xml:base + resources xml:base + r's xml:base + href, with "." and
 * ".." applied, the URL query/fragment removed and %XX decoded. On
 * MANIFEST_PATH_OK *out is a string in m->arena; otherwise *out is NULL. */
ManifestPath manifest_resolve(Manifest *m, const ManifestResource *r, const char *href,
                              const char **out);

#endif
