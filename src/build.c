/* build: for each language and edition, gather the package's files
 * (index.html and the runtime assets in memory, images as check prepared
 * them: rendered SVGs in the model, PNG/JPEG streamed from their files),
 * write the manifest listing exactly those files, and hand everything to
 * package_write_zip, which sorts, dates and renames atomically. */
#include "build.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "os.h"
#include "assets.h"
#include "buf.h"
#include "html_write.h"
#include "image.h"
#include "cmi_limits.h"
#include "manifest.h"
#include "package.h"

typedef struct PreparedImage {
    char *name;             /* package path, e.g. "img/x.png"; owned */
    const unsigned char *data; /* the bytes, or NULL: stream `file` */
    size_t size;
    const char *file;       /* source file to stream when data is NULL */
    ImageData own;          /* owned: what this build prepared itself (a model
                               that check did not prepare) */
} PreparedImage;

typedef struct ImageSet {
    PreparedImage *items;   /* owned array */
    size_t count, cap;
} ImageSet;

static void image_set_release(ImageSet *s)
{
    for (size_t i = 0; i < s->count; i++) {
        free(s->items[i].name);
        image_data_release(&s->items[i].own);
    }
    free(s->items);
    memset(s, 0, sizeof(*s));
}

static PreparedImage *image_set_find(ImageSet *s, const char *name)
{
    for (size_t i = 0; i < s->count; i++)
        if (strcmp(s->items[i].name, name) == 0)
            return &s->items[i];
    return NULL;
}

typedef struct ImageWalk {
    const Course *course;
    ImageSet *set;
    Diag *d;
    int failed;
} ImageWalk;

/* Check has already read every image (sizes, SVG rendered into the model):
 * a PNG or JPEG is then streamed from its file into each package, and an SVG's
 * PNG is taken from the model. Only a model that did not go through check
 * (no img->file) is prepared here. */
static int prepare_image_block(Block *b, int depth, void *userdata)
{
    (void)depth;
    ImageWalk *w = userdata;
    if (b->kind != BLOCK_IMAGE)
        return 0;
    Image *img = &b->u.image;
    const char *source = img->source ? img->source : img->src;
    char *name = image_output_name(source);
    if (!name) {
        w->failed = 1;
        diag_error(w->d, b->at, "out of memory preparing image '%s'", source);
        return 0;
    }
    PreparedImage *p = image_set_find(w->set, name);
    if (!p) {
        if (w->set->count == w->set->cap) {
            size_t cap = w->set->cap ? w->set->cap * 2 : 8;
            PreparedImage *items = realloc(w->set->items, cap * sizeof(*items));
            if (!items) {
                free(name);
                w->failed = 1;
                diag_error(w->d, b->at, "out of memory preparing image '%s'", source);
                return 0;
            }
            w->set->items = items;
            w->set->cap = cap;
        }
        p = &w->set->items[w->set->count];
        *p = (PreparedImage){ name, NULL, 0, NULL, IMAGE_DATA_INIT };
        if (img->file) {
            p->data = img->png;
            p->size = img->size;
            p->file = img->file;
        } else {
            if (image_prepare(w->course->dir, source, b->at, &p->own, w->d) < 0) {
                free(name);
                w->failed = 1;
                return 0;
            }
            p->data = p->own.data;
            p->size = p->own.size;
            img->width = p->own.width;
            img->height = p->own.height;
        }
        w->set->count++;
    } else {
        free(name);
        if (!img->file && p->own.data) {
            img->width = p->own.width;
            img->height = p->own.height;
        }
    }
    return 0;
}

static int prepare_images(Course *c, ImageSet *set, Diag *d)
{
    ImageWalk w = { c, set, d, 0 };
    for (int l = 0; l < c->nlangs; l++)
        for (Page *p = c->langs[l].pages; p; p = p->next)
            course_walk_blocks(p->blocks, prepare_image_block, &w);
    return w.failed ? -1 : 0;
}

/* The names of the images one language uses, so a package carries only its
 * own (the English package does not ship the French diagram). */
typedef struct NameList {
    const char **names;     /* borrowed strings */
    size_t count, cap;
    int failed;
} NameList;

static void name_list_add(NameList *l, const char *name)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->names[i], name) == 0)
            return;
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        const char **names = realloc(l->names, cap * sizeof(*names));
        if (!names) {
            l->failed = 1;
            return;
        }
        l->names = names;
        l->cap = cap;
    }
    l->names[l->count++] = name;
}

typedef struct LangImages {
    ImageSet *set;
    NameList *list;
} LangImages;

static int collect_lang_image(Block *b, int depth, void *userdata)
{
    (void)depth;
    LangImages *li = userdata;
    if (b->kind != BLOCK_IMAGE)
        return 0;
    const char *source = b->u.image.source ? b->u.image.source : b->u.image.src;
    char *name = image_output_name(source);
    if (!name) {
        li->list->failed = 1;
        return 0;
    }
    PreparedImage *p = image_set_find(li->set, name);
    free(name);
    if (p)
        name_list_add(li->list, p->name);
    return 0;
}

char *build_package_name(const Course *c, int lang, ScormEdition ed)
{
    Buf b = BUF_INIT;
    buf_printf(&b, "%s.%s.%s.zip", c->id, c->langs[lang].code,
               ed == SCORM_12 ? "scorm12" : "scorm2004");
    return buf_detach(&b, NULL);
}

static int make_dir(const char *path, Diag *d)
{
    Buf b = BUF_INIT;
    buf_puts(&b, path);
    int rc = 0;
    if (b.failed)
        rc = diag_error(d, srcloc(path, 0, 0), "out of memory");
    for (char *p = b.data + 1; rc == 0 && *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (os_mkdir(b.data, 0755) < 0)
            rc = diag_error(d, srcloc(b.data, 0, 0), "cannot create the folder: %s",
                            strerror(errno));
        *p = '/';
    }
    if (rc == 0 && os_mkdir(b.data, 0755) < 0)
        rc = diag_error(d, srcloc(path, 0, 0), "cannot create the output folder: %s",
                        strerror(errno));
    buf_release(&b);
    return rc;
}

static int build_one(Course *c, int lang, ScormEdition ed, const BuildOptions *opt,
                     ImageSet *images, Diag *d)
{
    int rc = -1;
    Buf html = BUF_INIT, manifest = BUF_INIT, path = BUF_INIT;
    NameList imgs = {0};
    PackageEntry *entries = NULL;
    const char **files = NULL;
    Arena scratch = ARENA_INIT;
    size_t errors_before = d->errors;

    cmi_limits_check(c, lang, ed, d);
    html_write_index(c, lang, ed, &html, d);
    if (html.failed)
        diag_error(d, srcloc(c->dir, 0, 0), "out of memory writing index.html");
    LangImages li = { images, &imgs };
    for (Page *p = c->langs[lang].pages; p; p = p->next)
        course_walk_blocks(p->blocks, collect_lang_image, &li);
    if (imgs.failed)
        diag_error(d, srcloc(c->dir, 0, 0), "out of memory listing images");
    if (d->errors > errors_before)
        goto out;

    /* Package files: index.html, the runtime files, this language's images. */
    size_t nruntime = 0;
    for (size_t i = 0; i < assets_count; i++)
        if (strncmp(assets_files[i].name, "runtime/", 8) == 0)
            nruntime++;
    size_t nfiles = 1 + nruntime + imgs.count;
    ManifestSchemaFile *schemas = NULL;
    size_t nschemas = 0;
    if (opt->schemas_dir &&
        manifest_schema_files(ed, opt->schemas_dir, &scratch, &schemas, &nschemas, d) < 0)
        goto out;
    files = calloc(nfiles, sizeof(*files));
    entries = calloc(nfiles + 1 + nschemas, sizeof(*entries));
    if (!files || !entries) {
        diag_error(d, srcloc(c->dir, 0, 0), "out of memory");
        goto out;
    }
    size_t n = 0;
    entries[n] = (PackageEntry){ "index.html", html.data, html.len, NULL };
    files[n++] = "index.html";
    for (size_t i = 0; i < assets_count; i++) {
        if (strncmp(assets_files[i].name, "runtime/", 8) != 0)
            continue;
        entries[n] = (PackageEntry){ assets_files[i].name, assets_files[i].data,
                                     assets_files[i].size, NULL };
        files[n++] = assets_files[i].name;
    }
    for (size_t i = 0; i < imgs.count; i++) {
        PreparedImage *p = image_set_find(images, imgs.names[i]);
        entries[n] = (PackageEntry){ p->name, p->data, p->size, p->file };
        files[n++] = p->name;
    }
    if (manifest_write(c, lang, ed, files, n, &manifest, d) < 0)
        goto out;
    entries[n++] = (PackageEntry){ "imsmanifest.xml", manifest.data, manifest.len, NULL };
    for (size_t i = 0; i < nschemas; i++)
        entries[n++] = (PackageEntry){ schemas[i].name, NULL, 0, schemas[i].path };

    char *name = build_package_name(c, lang, ed);
    if (!name) {
        diag_error(d, srcloc(c->dir, 0, 0), "out of memory");
        goto out;
    }
    buf_printf(&path, "%s/%s", opt->out_dir, name);
    free(name);
    if (package_write_zip(path.data, entries, n, opt->mtime, d) < 0)
        goto out;
    if (opt->verbose)
        printf("%s\n", path.data);
    rc = 0;
out:
    free(entries);
    free(files);
    free(imgs.names);
    arena_release(&scratch);
    buf_release(&html);
    buf_release(&manifest);
    buf_release(&path);
    return rc;
}

int build_module(Course *c, const BuildOptions *opt, Diag *d)
{
    unsigned editions = opt->editions ? opt->editions : (BUILD_SCORM12 | BUILD_SCORM2004);
    int written = 0, failed = 0;
    ImageSet images = {0};

    if (opt->lang && course_lang_index(c, opt->lang) < 0) {
        diag_error(d, srcloc(c->dir, 0, 0), "the module has no language '%s' (it has %s%s%s)",
                   opt->lang, c->nlangs > 0 ? c->langs[0].code : "none",
                   c->nlangs > 1 ? " and " : "", c->nlangs > 1 ? c->langs[1].code : "");
        return -1;
    }
    if (make_dir(opt->out_dir, d) < 0)
        return -1;
    if (prepare_images(c, &images, d) < 0) {
        image_set_release(&images);
        return -1;
    }
    for (int l = 0; l < c->nlangs; l++) {
        if (opt->lang && strcmp(opt->lang, c->langs[l].code) != 0)
            continue;
        for (int ed = SCORM_12; ed <= SCORM_2004; ed++) {
            if (!(editions & (1u << ed)))
                continue;
            if (build_one(c, l, (ScormEdition)ed, opt, &images, d) < 0)
                failed = 1;
            else
                written++;
        }
    }
    image_set_release(&images);
    return failed ? -1 : written;
}
