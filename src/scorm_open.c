/* scorm_open: container (zip or folder) > files index > manifest > contents.
 *
 * A zip goes through package.c, which refuses hostile archives. A folder is
 * walked with lstat-like calls relative to each open folder (os_dir_*_at):
 * only regular files count, a link or a device is refused with the zip's
 * words, and the zip's size limits apply, so an unzipped package gets the
 * verdict its zip would. A file is read only if the walk listed it, and
 * opened without following a link.
 *
 * Without imsmanifest.xml at the root, a cmi5 course (cmi5.xml at the root)
 * is read as one, in a manifest's shape; otherwise the reader says what the
 * package is: a manifest with the wrong case, an AICC course (a .crs course
 * file), or a manifest one folder down (the usual mistake of zipping the
 * folder instead of its contents). */
#include "scorm_open.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "arena.h"
#include "cmi5.h"
#include "os.h"

#define MANIFEST_NAME "imsmanifest.xml"
#define MANIFEST_MAX_BYTES (16u << 20)
#define FOLDER_MAX_DEPTH 32

struct ScormPackage {
    Arena arena;            /* labels, the folder index, the items */
    const char *label;
    const char *manifest_label;
    Package *zip;           /* a zip, or NULL */
    const char *dir;        /* a folder, or NULL */
    PackageFileInfo *files; /* a folder's index, sorted (arena) */
    size_t nfiles, capfiles;
    unsigned long long total;
    Buf xml;
    Manifest *man;
    Cmi5Course *cmi5;       /* a cmi5 course: its structure; man is made from it */
    const ManifestOrganization *org;
    ScormItem *items;       /* malloc'd */
    size_t nitems, capitems;
};

/* ---- a folder's files --------------------------------------------------- */

static int cmp_info(const void *a, const void *b)
{
    return strcmp(((const PackageFileInfo *)a)->name, ((const PackageFileInfo *)b)->name);
}

static int add_file(ScormPackage *p, const char *name, unsigned long long size, Diag *d)
{
    SrcLoc at = srcloc(p->label, 0, 0);
    if (p->nfiles >= PACKAGE_MAX_ENTRIES)
        return diag_error(d, at, "more than %d files in the folder (not a course package, "
                          "or split it)", PACKAGE_MAX_ENTRIES);
    if (size > PACKAGE_MAX_ENTRY_SIZE) {
        diag_error(d, at, "'%s' is %llu bytes, above the limit of %llu (make the file "
                   "smaller)", name, size, PACKAGE_MAX_ENTRY_SIZE);
        return 0;   /* reported; the walk goes on */
    }
    p->total += size;
    if (p->total > PACKAGE_MAX_TOTAL_SIZE)
        return diag_error(d, at, "the files add up to more than %llu bytes (make the package "
                          "smaller)", PACKAGE_MAX_TOTAL_SIZE);
    if (p->nfiles == p->capfiles) {
        size_t cap = p->capfiles ? p->capfiles * 2 : 64;
        PackageFileInfo *v = realloc(p->files, cap * sizeof(*v));
        if (!v)
            return diag_error(d, at, "out of memory");
        p->files = v;
        p->capfiles = cap;
    }
    char *copy = arena_strdup(&p->arena, name);
    if (!copy)
        return diag_error(d, at, "out of memory");
    p->files[p->nfiles].name = copy;
    p->files[p->nfiles++].size = size;
    return 0;
}

/* Walks dir (the folder rel, "" at the top) and closes it. Returns -1 to
 * stop. Entries are looked at relative to the open folder, never through a
 * link (os_dir_lstat_at, os_dir_open_at). */
static int walk(ScormPackage *p, OsDir *dir, const char *rel, int depth, Diag *d)
{
    SrcLoc at = srcloc(p->label, 0, 0);
    int rc = 0;
    const char *entry;
    while (rc == 0 && (entry = os_dir_next(dir, NULL))) {
        char name[4096];
        if ((size_t)snprintf(name, sizeof(name), "%s%s%s", rel, *rel ? "/" : "", entry)
            >= sizeof(name)) {
            diag_error(d, at, "a path in the folder is too long ('%.60s...')", name);
            continue;
        }
        const char *why;
        if (!package_name_ok(name, &why)) {
            diag_error(d, at, "'%s': %s (rename it)", name, why);
            continue;
        }
        OsStat st;
        if (os_dir_lstat_at(dir, entry, &st) != 0) {
            diag_error(d, at, "cannot read '%s': %s", name, strerror(errno));
            continue;
        }
        if (st.kind == OS_FILE_DIR) {
            if (depth >= FOLDER_MAX_DEPTH) {
                diag_error(d, at, "'%s' is nested more than %d folders deep (not a course "
                           "package)", name, FOLDER_MAX_DEPTH);
                continue;
            }
            OsDir *sub = os_dir_open_at(dir, entry);
            if (!sub) {
                diag_error(d, at, "cannot read the folder '%s': %s", name, strerror(errno));
                continue;
            }
            rc = walk(p, sub, name, depth + 1, d);
        } else if (st.kind == OS_FILE_REGULAR) {
            rc = add_file(p, name, st.size, d);
        } else {
            diag_error(d, at, "'%s' is a %s, not a regular file (a package may only contain "
                       "files; replace links by copies)", name,
                       st.kind == OS_FILE_LINK ? "symbolic link" : "special file");
        }
    }
    os_dir_close(dir);
    return rc;
}

static int open_folder(ScormPackage *p, Diag *d)
{
    size_t errors = d->errors;
    OsDir *dir = os_dir_open(p->dir);
    if (!dir)
        return diag_error(d, srcloc(p->label, 0, 0), "cannot open the package: %s",
                          strerror(errno));
    if (walk(p, dir, "", 0, d) != 0 || d->errors > errors)
        return -1;
    if (p->nfiles)
        qsort(p->files, p->nfiles, sizeof(*p->files), cmp_info);
    return 0;
}

static int read_folder_file(ScormPackage *p, const PackageFileInfo *fi, unsigned long long cap,
                            Buf *out, Diag *d)
{
    SrcLoc at = srcloc(p->label, 0, 0);
    Buf path = BUF_INIT;
    buf_printf(&path, "%s/%s", p->dir, fi->name);
    int fd = path.failed ? -1 : os_open(path.data, OS_O_RDONLY | OS_O_NOFOLLOW, 0);
    buf_release(&path);
    if (fd < 0)
        return diag_error(d, at, "cannot read '%s': %s", fi->name, strerror(errno));
    OsStat st;
    int rc = 0;
    if (os_fstat(fd, &st) != 0 || st.kind != OS_FILE_REGULAR) {
        rc = diag_error(d, at, "cannot read '%s': not a regular file any more", fi->name);
        goto out;
    }
    char chunk[65536];
    unsigned long long total = 0;
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = diag_error(d, at, "cannot read '%s': %s", fi->name, strerror(errno));
            goto out;
        }
        if (n == 0)
            break;
        total += (unsigned long long)n;
        if (total > cap) {
            rc = diag_error(d, at, "'%s' grew beyond %llu bytes while being read", fi->name,
                            cap);
            goto out;
        }
        buf_append(out, chunk, (size_t)n);
    }
    if (out->failed)
        rc = diag_error(d, at, "out of memory");
out:
    close(fd);
    return rc;
}

/* ---- the files, zip or folder ------------------------------------------- */

size_t scorm_file_count(const ScormPackage *p)
{
    return p->zip ? package_count(p->zip) : p->nfiles;
}

const PackageFileInfo *scorm_file(const ScormPackage *p, size_t i)
{
    return p->zip ? package_file(p->zip, i) : &p->files[i];
}

const PackageFileInfo *scorm_find(const ScormPackage *p, const char *name)
{
    if (p->zip)
        return package_find(p->zip, name);
    if (!name || !p->nfiles)
        return NULL;
    PackageFileInfo key = { name, 0 };
    return bsearch(&key, p->files, p->nfiles, sizeof(*p->files), cmp_info);
}

int scorm_read(ScormPackage *p, const char *name, size_t max_bytes, Buf *out, Diag *d)
{
    if (p->zip)
        return package_read(p->zip, name, max_bytes, out, d);
    const PackageFileInfo *fi = scorm_find(p, name);
    if (!fi)
        return diag_error(d, srcloc(p->label, 0, 0), "'%s' is not in the package",
                          name ? name : "");
    unsigned long long cap = max_bytes ? max_bytes : PACKAGE_MAX_ENTRY_SIZE;
    if (fi->size > cap)
        return diag_error(d, srcloc(p->label, 0, 0), "'%s' is %llu bytes, more than the %llu "
                          "allowed here", name, fi->size, cap);
    return read_folder_file(p, fi, cap, out, d);
}

/* ---- what the package is ------------------------------------------------ */

static int ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/* An AICC course is described by a .crs file, with .au, .des and .cst files
 * of the same name beside it (an .au alone is a sound file). Names them into
 * out ("c.crs, c.au, c.des, c.cst"). Returns 1 when there is a .crs file. */
static int aicc_files(const ScormPackage *p, Buf *out)
{
    const char *crs = NULL;
    for (size_t i = 0; i < scorm_file_count(p) && !crs; i++) {
        if (ends_with_ci(scorm_file(p, i)->name, ".crs"))
            crs = scorm_file(p, i)->name;
    }
    if (!crs)
        return 0;
    buf_puts(out, crs);
    size_t stem = strlen(crs) - 4;
    static const char *const ext[] = { ".au", ".des", ".cst", ".ort", ".pre", ".cmp" };
    for (size_t e = 0; e < sizeof(ext) / sizeof(ext[0]); e++) {
        for (size_t i = 0; i < scorm_file_count(p); i++) {
            const char *n = scorm_file(p, i)->name;
            if (strlen(n) == stem + strlen(ext[e]) && strncmp(n, crs, stem) == 0
                && strcasecmp(n + stem, ext[e]) == 0) {
                buf_printf(out, ", %s", n);
                break;
            }
        }
    }
    return 1;
}

/* No imsmanifest.xml at the root: says what the package is instead. */
static void explain_no_manifest(const ScormPackage *p, Diag *d)
{
    SrcLoc at = srcloc(p->label, 0, 0);
    const char *box = scorm_container(p);
    const char *nested = NULL, *wrongcase = NULL;
    for (size_t i = 0; i < scorm_file_count(p); i++) {
        const char *n = scorm_file(p, i)->name;
        const char *slash = strrchr(n, '/');
        const char *base = slash ? slash + 1 : n;
        if (strcasecmp(base, MANIFEST_NAME) != 0)
            continue;
        if (!slash && !wrongcase)
            wrongcase = n;
        else if (slash && (!nested || strlen(n) < strlen(nested)))
            nested = n;
    }
    Buf aicc = BUF_INIT;
    if (wrongcase) {
        diag_error(d, at, "the manifest is named '%s'; it must be exactly '" MANIFEST_NAME
                   "' in lower case (rename it)", wrongcase);
    } else if (aicc_files(p, &aicc)) {
        diag_error(d, at, "this %s is an AICC course (%s), not a SCORM package (import it "
                   "into the LMS as AICC, or export the course again as SCORM 1.2 or 2004)",
                   box, aicc.data);
    } else if (nested && p->zip) {
        diag_error(d, at, MANIFEST_NAME " is in the folder '%.*s', not at the root of the "
                   "zip (zip the contents of that folder, not the folder itself)",
                   (int)(strrchr(nested, '/') - nested + 1), nested);
    } else if (nested) {
        diag_error(d, at, MANIFEST_NAME " is in the sub-folder '%.*s', not at the root of the "
                   "folder (give the path of that sub-folder)",
                   (int)(strrchr(nested, '/') - nested + 1), nested);
    } else {
        diag_error(d, at, "the %s has no " MANIFEST_NAME ", so it is not a SCORM package "
                   "(export the course again as SCORM)", box);
    }
    buf_release(&aicc);
}

/* ---- contents ------------------------------------------------------------ */

static void add_item(ScormPackage *p, const ScormItem *e)
{
    if (p->nitems == p->capitems) {
        size_t cap = p->capitems ? p->capitems * 2 : 16;
        ScormItem *v = realloc(p->items, cap * sizeof(*v));
        if (!v)
            return;
        p->items = v;
        p->capitems = cap;
    }
    p->items[p->nitems++] = *e;
}

static void list_items(ScormPackage *p, const ManifestItem *items, size_t n, int depth)
{
    for (size_t i = 0; i < n && depth < SCORM_MAX_DEPTH; i++) {
        const ManifestItem *it = &items[i];
        if (!it->isvisible) {
            list_items(p, it->children, it->nchildren, depth);
            continue;
        }
        ScormItem e = { it->identifier, it->title, NULL, NULL, depth, it->line };
        const ManifestResource *r = it->identifierref
            ? manifest_find_resource(p->man, it->identifierref) : NULL;
        if (r && r->href) {
            ManifestPath st = manifest_resolve(p->man, r, r->href, &e.href);
            if (st == MANIFEST_PATH_EXTERNAL)
                e.url = r->href;
            else if (st != MANIFEST_PATH_OK)
                e.href = NULL;
        }
        if (e.href || e.url || it->nchildren)
            add_item(p, &e);
        list_items(p, it->children, it->nchildren, depth + 1);
    }
}

/* ---- a cmi5 course, in a manifest's shape --------------------------------- */

/* One organization "cmi5" with an item per AU (identifier = the AU id,
 * title = its title), each pointing to a resource "au-<n>" whose href is the
 * AU's url: list_items, manifest_resolve and the player then treat AUs as
 * they treat SCOs. */
static Manifest *manifest_from_cmi5(const Cmi5Course *c)
{
    Manifest *m = calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    Arena *a = &m->arena;
    m->edition = MANIFEST_EDITION_CMI5;
    m->ns = arena_strdup(a, CMI5_NAMESPACE);
    m->root_name = arena_strdup(a, "courseStructure");
    m->identifier = arena_strdup(a, c->id);
    m->default_org = arena_strdup(a, "cmi5");
    m->orgs = arena_alloc(a, sizeof(*m->orgs));
    m->resources = arena_alloc(a, (c->naus ? c->naus : 1) * sizeof(*m->resources));
    ManifestItem *items = arena_alloc(a, (c->naus ? c->naus : 1) * sizeof(*items));
    if (!m->ns || !m->root_name || !m->identifier || !m->default_org || !m->orgs ||
        !m->resources || !items) {
        manifest_free(m);
        return NULL;
    }
    m->norgs = 1;
    m->orgs[0] = (ManifestOrganization){ m->default_org, c->title, items, c->naus, c->line };
    for (size_t i = 0; i < c->naus; i++) {
        const Cmi5Au *au = &c->aus[i];
        const char *res = arena_printf(a, "au-%zu", i + 1);
        if (!res) {
            manifest_free(m);
            return NULL;
        }
        items[i].identifier = au->id;
        items[i].identifierref = res;
        items[i].title = au->title;
        items[i].isvisible = 1;
        items[i].line = au->line;
        m->resources[i].identifier = res;
        m->resources[i].type = "webcontent";
        m->resources[i].href = au->url;
        m->resources[i].scorm_type = "sco";
        m->resources[i].line = au->line;
    }
    m->nresources = c->naus;
    return m;
}

static int open_cmi5(ScormPackage *p, Diag *d)
{
    const char *label = arena_printf(&p->arena, "%s: " CMI5_FILE, p->label);
    if (!label)
        return diag_error(d, srcloc(p->label, 0, 0), "out of memory");
    p->manifest_label = label;
    if (scorm_read(p, CMI5_FILE, MANIFEST_MAX_BYTES, &p->xml, d) != 0)
        return -1;
    p->cmi5 = cmi5_read(p->xml.data, p->xml.len, label, d);
    if (!p->cmi5)
        return -1;
    p->man = manifest_from_cmi5(p->cmi5);
    if (!p->man)
        return diag_error(d, srcloc(p->label, 0, 0), "out of memory");
    return 0;
}

/* ---- opening ------------------------------------------------------------- */

static ScormPackage *open_common(ScormPackage *p, Diag *d)
{
    const char *ml = arena_printf(&p->arena, "%s: " MANIFEST_NAME, p->label);
    if (!ml) {
        diag_error(d, srcloc(p->label, 0, 0), "out of memory");
        goto fail;
    }
    p->manifest_label = ml;
    if (!scorm_find(p, MANIFEST_NAME)) {
        if (!scorm_find(p, CMI5_FILE)) {
            explain_no_manifest(p, d);
            goto fail;
        }
        if (open_cmi5(p, d) != 0)
            goto fail;
    } else {
        if (scorm_read(p, MANIFEST_NAME, MANIFEST_MAX_BYTES, &p->xml, d) != 0)
            goto fail;
        p->man = manifest_read(p->xml.data, p->xml.len, ml, d);
        if (!p->man)
            goto fail;
    }
    p->org = manifest_default_org(p->man);
    if (p->org)
        list_items(p, p->org->items, p->org->nitems, 0);
    return p;
fail:
    scorm_close(p);
    return NULL;
}

static ScormPackage *new_package(const char *label, Diag *d)
{
    ScormPackage *p = calloc(1, sizeof(*p));
    if (p)
        buf_init(&p->xml);
    if (p)
        p->label = arena_strdup(&p->arena, label ? label : "(package)");
    if (!p || !p->label) {
        diag_error(d, srcloc(label, 0, 0), "out of memory");
        scorm_close(p);
        return NULL;
    }
    return p;
}

ScormPackage *scorm_open(const char *path, Diag *d)
{
    ScormPackage *p = new_package(path, d);
    if (!p)
        return NULL;
    OsStat st;
    if (os_stat(path, &st) == 0 && st.kind == OS_FILE_DIR) {
        p->dir = p->label;
        if (open_folder(p, d) != 0) {
            scorm_close(p);
            return NULL;
        }
    } else {
        p->zip = package_open(path, NULL, d);
        if (!p->zip) {
            scorm_close(p);
            return NULL;
        }
    }
    return open_common(p, d);
}

ScormPackage *scorm_open_memory(const void *zip, size_t size, const char *label, Diag *d)
{
    ScormPackage *p = new_package(label, d);
    if (!p)
        return NULL;
    p->zip = package_open_memory(zip, size, p->label, NULL, d);
    if (!p->zip) {
        scorm_close(p);
        return NULL;
    }
    return open_common(p, d);
}

void scorm_close(ScormPackage *p)
{
    if (!p)
        return;
    manifest_free(p->man);
    cmi5_free(p->cmi5);
    package_close(p->zip);
    buf_release(&p->xml);
    free(p->files);
    free(p->items);
    arena_release(&p->arena);
    free(p);
}

/* ---- accessors ------------------------------------------------------------ */

const char *scorm_label(const ScormPackage *p)
{
    return p->label;
}

const char *scorm_manifest_label(const ScormPackage *p)
{
    return p->manifest_label;
}

const char *scorm_container(const ScormPackage *p)
{
    return p->zip ? "zip" : "folder";
}

Manifest *scorm_manifest(const ScormPackage *p)
{
    return p->man;
}

const char *scorm_manifest_xml(const ScormPackage *p, size_t *len)
{
    *len = p->xml.len;
    return p->xml.data;
}

const Cmi5Course *scorm_cmi5(const ScormPackage *p)
{
    return p->cmi5;
}

const ManifestOrganization *scorm_organization(const ScormPackage *p)
{
    return p->org;
}

const ScormItem *scorm_items(const ScormPackage *p, size_t *n)
{
    *n = p->nitems;
    return p->items;
}
