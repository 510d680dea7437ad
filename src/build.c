/* build: for each language and edition, gather the package's files
 * (index.html and the runtime assets in memory, images as check prepared
 * them: rendered SVGs in the model, PNG/JPEG streamed from their files),
 * write the manifest listing exactly those files (SCORM) or cmi5.xml naming
 * the AU (cmi5), and hand everything to package_write_zip, which sorts,
 * dates and renames atomically. The curriculum gathers several modules'
 * files the same way, each under a folder named by its id. */
#include "build.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "os.h"
#include "assets.h"
#include "buf.h"
#include "cmi5.h"
#include "html_write.h"
#include "image.h"
#include "cmi_limits.h"
#include "manifest.h"
#include "msg.h"
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
               ed == SCORM_12 ? "scorm12" : ed == SCORM_2004 ? "scorm2004" : "cmi5");
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

/* ---- a package's files ------------------------------------------------------ */

/* The entries of one zip, growing as modules are added; names with a folder
 * prefix and the pages live in the list's arena. */
typedef struct EntryList {
    PackageEntry *v;        /* owned array */
    size_t n, cap;
    Arena arena;            /* prefixed names, index.html bytes */
    int failed;             /* out of memory */
} EntryList;

static void entries_add(EntryList *l, const char *name, const void *data, size_t size,
                        const char *file)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        PackageEntry *v = realloc(l->v, cap * sizeof(*v));
        if (!v) {
            l->failed = 1;
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = (PackageEntry){ name, data, size, file };
}

static void entries_release(EntryList *l)
{
    free(l->v);
    arena_release(&l->arena);
    memset(l, 0, sizeof(*l));
}

/* The runtime files a package of this edition loads: every runtime asset,
 * but the cmi5 launch adapter only in cmi5 packages. */
static int runtime_asset_for(const char *name, ScormEdition ed)
{
    if (strncmp(name, "runtime/", 8) != 0)
        return 0;
    return ed == SCORM_CMI5 || strcmp(name, HTML_CMI5_SCRIPT) != 0;
}

/* Adds one module's files in one language to l, each name under prefix
 * ("" or "<id>/"): index.html for ed, the runtime, this language's images.
 * Checks the run-time data limits first (cmi5 keeps 2004's formats and
 * limits). Returns 0, or -1 with the problems in d. */
static int add_module_files(Course *c, int lang, ScormEdition ed, const char *prefix,
                            ImageSet *images, EntryList *l, Diag *d)
{
    size_t errors_before = d->errors;
    Buf html = BUF_INIT;
    NameList imgs = {0};
    cmi_limits_check(c, lang, ed == SCORM_CMI5 ? SCORM_2004 : ed, d);
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
    char *page = arena_strndup(&l->arena, html.data, html.len);
    const char *name = arena_printf(&l->arena, "%sindex.html", prefix);
    if (!page || !name)
        l->failed = 1;
    else
        entries_add(l, name, page, html.len, NULL);
    for (size_t i = 0; i < assets_count; i++) {
        if (!runtime_asset_for(assets_files[i].name, ed))
            continue;
        name = *prefix ? arena_printf(&l->arena, "%s%s", prefix, assets_files[i].name)
                       : assets_files[i].name;
        if (!name)
            l->failed = 1;
        else
            entries_add(l, name, assets_files[i].data, assets_files[i].size, NULL);
    }
    for (size_t i = 0; i < imgs.count; i++) {
        PreparedImage *p = image_set_find(images, imgs.names[i]);
        name = *prefix ? arena_printf(&l->arena, "%s%s", prefix, p->name) : p->name;
        if (!name)
            l->failed = 1;
        else
            entries_add(l, name, p->data, p->size, p->file);
    }
    if (l->failed)
        diag_error(d, srcloc(c->dir, 0, 0), "out of memory");
out:
    buf_release(&html);
    free(imgs.names);
    return d->errors > errors_before ? -1 : 0;
}

static int write_zip(const BuildOptions *opt, const char *name, const EntryList *l, Diag *d)
{
    Buf path = BUF_INIT;
    buf_printf(&path, "%s/%s", opt->out_dir, name);
    int rc = path.failed ? diag_error(d, srcloc(opt->out_dir, 0, 0), "out of memory")
                         : package_write_zip(path.data, l->v, l->n, opt->mtime, d);
    if (rc == 0 && opt->verbose)
        printf("%s\n", path.data);
    buf_release(&path);
    return rc;
}

/* ---- SCORM ------------------------------------------------------------------- */

static int build_scorm(Course *c, int lang, ScormEdition ed, const BuildOptions *opt,
                       ImageSet *images, Diag *d)
{
    int rc = -1;
    Buf manifest = BUF_INIT;
    EntryList l = {0};
    const char **files = NULL;
    char *name = NULL;
    ManifestSchemaFile *schemas = NULL;
    size_t nschemas = 0;

    if (add_module_files(c, lang, ed, "", images, &l, d) < 0)
        goto out;
    if (opt->schemas_dir &&
        manifest_schema_files(ed, opt->schemas_dir, &l.arena, &schemas, &nschemas, d) < 0)
        goto out;
    files = calloc(l.n ? l.n : 1, sizeof(*files));
    if (!files) {
        diag_error(d, srcloc(c->dir, 0, 0), "out of memory");
        goto out;
    }
    size_t nfiles = l.n;
    for (size_t i = 0; i < nfiles; i++)
        files[i] = l.v[i].name;
    if (manifest_write(c, lang, ed, files, nfiles, &manifest, d) < 0)
        goto out;
    entries_add(&l, "imsmanifest.xml", manifest.data, manifest.len, NULL);
    for (size_t i = 0; i < nschemas; i++)
        entries_add(&l, schemas[i].name, NULL, 0, schemas[i].path);
    name = build_package_name(c, lang, ed);
    if (!name || l.failed) {
        diag_error(d, srcloc(c->dir, 0, 0), "out of memory");
        goto out;
    }
    rc = write_zip(opt, name, &l, d);
out:
    free(name);
    free(files);
    entries_release(&l);
    buf_release(&manifest);
    return rc;
}

/* ---- cmi5 -------------------------------------------------------------------- */

/* moveOn and masteryScore from module.xml: an AU is satisfied when it is
 * completed and passed (the runtime sends both at the end the module
 * defines), with the mastery score as a fraction (80 -> 0.8). When some
 * learner's path (role and setting) holds no scored item, that learner can
 * only complete: Completed then satisfies the AU, and when no path is scored
 * the mastery score means nothing and is left out. */
static void module_move_on(const Course *c, int lang, Cmi5Au *au)
{
    int scored = 0, unscored = 0;
    for (int r = c->nroles ? 0 : -1; r < c->nroles; r++)
        for (int s = c->nsettings ? 0 : -1; s < c->nsettings; s++) {
            if (course_max_score(c->langs[lang].pages, r, s) > 0)
                scored++;
            else
                unscored++;
        }
    au->move_on = !scored ? CMI5_MOVEON_COMPLETED
                  : unscored ? CMI5_MOVEON_COMPLETED : CMI5_MOVEON_COMPLETED_AND_PASSED;
    au->mastery = scored ? c->mastery_score * 100 : -1;
}

/* The AU of module c in language lang, launching url; its id goes to idbuf. */
static void module_au(const Course *c, int lang, const char *url, Buf *idbuf, Cmi5Au *au)
{
    const CourseLang *L = &c->langs[lang];
    cmi5_au_id(c->id, L->code, idbuf);
    *au = (Cmi5Au){ .id = idbuf->data, .lang = L->code, .title = L->title,
                    .description = L->description, .url = url,
                    .launch_method = CMI5_ANY_WINDOW, .mastery = -1 };
    module_move_on(c, lang, au);
}

static int build_cmi5(Course *c, int lang, const BuildOptions *opt, ImageSet *images, Diag *d)
{
    int rc = -1;
    Buf xml = BUF_INIT, course_id = BUF_INIT, au_id = BUF_INIT;
    EntryList l = {0};
    char *name = NULL;
    const CourseLang *L = &c->langs[lang];

    if (add_module_files(c, lang, SCORM_CMI5, "", images, &l, d) < 0)
        goto out;
    Cmi5Au au;
    module_au(c, lang, "index.html", &au_id, &au);
    cmi5_course_id(c->id, L->code, &course_id);
    Cmi5Course course = { .id = course_id.data, .lang = L->code, .title = L->title,
                          .description = L->description, .aus = &au, .naus = 1 };
    if (cmi5_write(&course, &xml, d) < 0)
        goto out;
    entries_add(&l, CMI5_FILE, xml.data, xml.len, NULL);
    name = build_package_name(c, lang, SCORM_CMI5);
    if (!name || l.failed || au_id.failed || course_id.failed) {
        diag_error(d, srcloc(c->dir, 0, 0), "out of memory");
        goto out;
    }
    rc = write_zip(opt, name, &l, d);
out:
    free(name);
    entries_release(&l);
    buf_release(&xml);
    buf_release(&course_id);
    buf_release(&au_id);
    return rc;
}

static int check_lang(const Course *c, const char *lang, Diag *d)
{
    if (!lang || course_lang_index(c, lang) >= 0)
        return 0;
    return diag_error(d, srcloc(c->dir, 0, 0), "the module has no language '%s' (it has %s%s%s)",
                      lang, c->nlangs > 0 ? c->langs[0].code : "none",
                      c->nlangs > 1 ? " and " : "", c->nlangs > 1 ? c->langs[1].code : "");
}

int build_module(Course *c, const BuildOptions *opt, Diag *d)
{
    unsigned editions = opt->editions ? opt->editions : (BUILD_SCORM12 | BUILD_SCORM2004);
    int written = 0, failed = 0;
    ImageSet images = {0};

    if (check_lang(c, opt->lang, d) < 0)
        return -1;
    if (make_dir(opt->out_dir, d) < 0)
        return -1;
    if (prepare_images(c, &images, d) < 0) {
        image_set_release(&images);
        return -1;
    }
    for (int l = 0; l < c->nlangs; l++) {
        if (opt->lang && strcmp(opt->lang, c->langs[l].code) != 0)
            continue;
        for (int ed = SCORM_12; ed <= SCORM_CMI5; ed++) {
            if (!(editions & (1u << ed)))
                continue;
            int rc = ed == SCORM_CMI5 ? build_cmi5(c, l, opt, &images, d)
                                      : build_scorm(c, l, (ScormEdition)ed, opt, &images, d);
            if (rc < 0)
                failed = 1;
            else
                written++;
        }
    }
    image_set_release(&images);
    return failed ? -1 : written;
}

/* ---- the curriculum ---------------------------------------------------------------- */

static int build_curriculum_lang(Course *const *modules, int n, ImageSet *images,
                                 const char *lang, const BuildOptions *opt, Diag *d)
{
    int rc = -1;
    Buf xml = BUF_INIT, course_id = BUF_INIT, name = BUF_INIT;
    EntryList l = {0};
    Cmi5Au *aus = calloc((size_t)n, sizeof(*aus));
    Buf *ids = calloc((size_t)n, sizeof(*ids));
    size_t errors_before = d->errors;
    MsgLang ml = msg_lang(lang, MSG_LANG_EN);

    if (!aus || !ids) {
        diag_error(d, srcloc(opt->out_dir, 0, 0), "out of memory");
        goto out;
    }
    for (int i = 0; i < n; i++) {
        Course *c = modules[i];
        int li = course_lang_index(c, lang);
        if (li < 0) {
            check_lang(c, lang, d);
            continue;
        }
        const char *prefix = arena_printf(&l.arena, "%s/", c->id);
        const char *url = arena_printf(&l.arena, "%s/index.html", c->id);
        if (!prefix || !url) {
            diag_error(d, srcloc(c->dir, 0, 0), "out of memory");
            continue;
        }
        buf_init(&ids[i]);
        if (add_module_files(c, li, SCORM_CMI5, prefix, &images[i], &l, d) == 0)
            module_au(c, li, url, &ids[i], &aus[i]);
    }
    if (d->errors > errors_before)
        goto out;
    cmi5_curriculum_id(lang, &course_id);
    Cmi5Course course = { .id = course_id.data, .lang = lang,
                          .title = msg_get(ml, MSG_CMI5_CURRICULUM_TITLE),
                          .description = msg_get(ml, MSG_CMI5_CURRICULUM_DESCRIPTION),
                          .aus = aus, .naus = (size_t)n };
    if (cmi5_write(&course, &xml, d) < 0)
        goto out;
    entries_add(&l, CMI5_FILE, xml.data, xml.len, NULL);
    buf_printf(&name, BUILD_CURRICULUM_NAME ".%s.cmi5.zip", lang);
    if (l.failed || name.failed || course_id.failed) {
        diag_error(d, srcloc(opt->out_dir, 0, 0), "out of memory");
        goto out;
    }
    rc = write_zip(opt, name.data, &l, d);
out:
    for (int i = 0; ids && i < n; i++)
        buf_release(&ids[i]);
    free(ids);
    free(aus);
    entries_release(&l);
    buf_release(&xml);
    buf_release(&course_id);
    buf_release(&name);
    return rc;
}

int build_curriculum(Course *const *modules, int n, const BuildOptions *opt, Diag *d)
{
    if (n <= 0)
        return diag_error(d, srcloc(opt->out_dir, 0, 0), "the curriculum lists no module "
                          "(add one module id a line)");
    for (int i = 0; i < n; i++)
        for (int k = 0; k < i; k++)
            if (strcmp(modules[i]->id, modules[k]->id) == 0)
                return diag_error(d, srcloc(modules[i]->dir, 0, 0), "module '%s' is in the "
                                  "curriculum twice (an AU id must be unique in a course)",
                                  modules[i]->id);
    if (make_dir(opt->out_dir, d) < 0)
        return -1;
    ImageSet *images = calloc((size_t)n, sizeof(*images));
    if (!images)
        return diag_error(d, srcloc(opt->out_dir, 0, 0), "out of memory");
    int failed = 0, written = 0;
    for (int i = 0; i < n; i++)
        if (prepare_images(modules[i], &images[i], d) < 0)
            failed = 1;
    /* the languages: the one asked for, else every language of the first module */
    const Course *first = modules[0];
    for (int l = 0; !failed && l < first->nlangs; l++) {
        const char *lang = first->langs[l].code;
        if (opt->lang && strcmp(opt->lang, lang) != 0)
            continue;
        if (build_curriculum_lang(modules, n, images, lang, opt, d) < 0)
            failed = 1;
        else
            written++;
    }
    if (!failed && opt->lang && !written)
        failed = check_lang(first, opt->lang, d) < 0;
    for (int i = 0; i < n; i++)
        image_set_release(&images[i]);
    free(images);
    return failed ? -1 : written;
}
