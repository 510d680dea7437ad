/* coursepack: main() parses options, calls the library, maps results to exit
 * codes: 0 ok, 1 a problem in the input (messages say what and where), 2 usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "curriculum.h"
#include "diag.h"
#include "image.h"
#include "os.h"
#include "package.h"
#include "source.h"
#include "validate.h"

static int usage(FILE *out)
{
    fputs("usage: coursepack check DIR|CURRICULUM... [--no-cache]\n"
          "       coursepack build DIR... -o OUT [--format scorm|cmi5|all]"
          " [--scorm 12|2004|all]\n"
          "                        [--curriculum FILE] [--lang fr|en|all] [--schemas DIR]"
          " [--no-cache]\n"
          "       coursepack validate PKG.zip... [--schemas DIR]\n"
          "\n"
          "  check      read module folders (and curriculum files) and report every\n"
          "             problem as file:line:col\n"
          "  build      check, then write one zip per language and edition into OUT:\n"
          "             --format scorm (the default) SCORM 1.2 and 2004 (--scorm picks one),\n"
          "             cmi5 a cmi5 course package, all both; --curriculum FILE also\n"
          "             writes the modules FILE lists as the AUs of one cmi5 course\n"
          "  validate   check SCORM zips or cmi5 course packages (any author) the way an\n"
          "             LMS administrator needs\n"
          "\n"
          "  --no-cache render every SVG again instead of using the render cache\n"
          "             (~/.cache/coursepack; also COURSEPACK_NO_CACHE=1)\n"
          "\n"
          "Exit status: 0 ok, 1 problems found, 2 wrong usage.\n"
          "See docs/authoring.md (trainers) and docs/admin.md (LMS administrators).\n",
          out);
    return out == stdout ? 0 : 2;
}

static int usage_error(const char *fmt, const char *arg)
{
    fputs("coursepack: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n(run 'coursepack --help' for usage)\n", stderr);
    return 2;
}

/* Reads and checks one module; prints its messages. Returns the course when
 * it has no error (free it), NULL otherwise. */
static Course *check_module(const char *dir, int *had_error)
{
    Diag d = DIAG_INIT;
    Course *c = source_read_module(dir, &d);
    diag_sort(&d);
    diag_print(&d, stderr);
    if (!c || d.errors) {
        fprintf(stderr, "%s: %zu error(s), %zu warning(s)\n", dir, d.errors, d.warnings);
        *had_error = 1;
        course_free(c);
        c = NULL;
    }
    diag_release(&d);
    return c;
}

/* Reads a curriculum file and finds its modules: *dirs (in arena) gets the
 * folder of each listed module that has a module.xml, in file order; the
 * problems (a bad line, an id listed twice, an id with no module folder) go
 * to stderr at file:line. Returns 0, or -1 when there was any problem. */
static int read_curriculum(const char *path, Arena *arena, char ***dirs, size_t *n)
{
    CurriculumEntry *ids = NULL;
    size_t nids = 0;
    Diag d = DIAG_INIT;
    int rc = curriculum_read(path, arena, &ids, &nids, &d) < 0 ? -1 : 0;
    diag_print(&d, stderr);
    diag_release(&d);
    *n = 0;
    *dirs = nids ? arena_alloc(arena, nids * sizeof **dirs) : NULL;
    if (nids && !*dirs) {
        fprintf(stderr, "%s: error: out of memory\n", path);
        return -1;
    }
    for (size_t i = 0; i < nids; i++) {
        char *dir = curriculum_module_dir(path, ids[i].id, arena);
        char *xml = dir ? arena_printf(arena, "%s/module.xml", dir) : NULL;
        OsStat st;
        if (!xml || os_stat(xml, &st) != 0 || st.kind != OS_FILE_REGULAR) {
            fprintf(stderr, "%s:%d: error: no module '%s' (%s has no module.xml: fix the "
                    "id or remove the line)\n", path, ids[i].line, ids[i].id,
                    dir ? dir : ids[i].id);
            rc = -1;
            continue;
        }
        (*dirs)[(*n)++] = dir;
    }
    return rc;
}

/* check takes module folders and, so that `coursepack check courses/...` checks
 * everything there, curriculum files: a file is read as a curriculum (its
 * lines, and a module folder for each id). */
static int cmd_check(int argc, char **argv)
{
    int had_error = 0, ndirs = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--no-cache") == 0)
            image_cache_set_enabled(0);
        else if (argv[i][0] == '-' && argv[i][1])
            return usage_error("unknown option '%s' for check", argv[i]);
    }
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--no-cache") == 0)
            continue;
        OsStat st;
        if (os_stat(argv[i], &st) == 0 && st.kind == OS_FILE_REGULAR) {
            Arena arena = ARENA_INIT;
            char **mdirs;
            size_t n;
            if (read_curriculum(argv[i], &arena, &mdirs, &n) < 0)
                had_error = 1;
            arena_release(&arena);
        } else {
            course_free(check_module(argv[i], &had_error));
        }
        ndirs++;
    }
    if (!ndirs)
        return usage_error("%s", "check needs at least one module folder (or a curriculum file)");
    return had_error ? 1 : 0;
}

/* --format and --scorm: the format picks SCORM, cmi5 or both; --scorm picks
 * the SCORM editions and so means nothing with --format cmi5. */
enum { FORMAT_UNSET, FORMAT_SCORM, FORMAT_CMI5, FORMAT_ALL };

static int cmd_build(int argc, char **argv)
{
    BuildOptions opt = {0};
    const char *dirs[256];
    const char *curriculum = NULL;
    int ndirs = 0, format = FORMAT_UNSET;
    unsigned scorm = 0;
    opt.mtime = package_mtime_from_env();
    opt.verbose = 1;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (!value)
                return usage_error("%s needs a folder", a);
            opt.out_dir = value;
            i++;
        } else if (strcmp(a, "--format") == 0) {
            if (!value)
                return usage_error("%s needs scorm, cmi5 or all", a);
            if (strcmp(value, "scorm") == 0)
                format = FORMAT_SCORM;
            else if (strcmp(value, "cmi5") == 0)
                format = FORMAT_CMI5;
            else if (strcmp(value, "all") == 0)
                format = FORMAT_ALL;
            else
                return usage_error("unknown format '%s' (use scorm, cmi5 or all)", value);
            i++;
        } else if (strcmp(a, "--scorm") == 0) {
            if (!value)
                return usage_error("%s needs 12, 2004 or all", a);
            if (strcmp(value, "12") == 0 || strcmp(value, "1.2") == 0)
                scorm = BUILD_SCORM12;
            else if (strcmp(value, "2004") == 0)
                scorm = BUILD_SCORM2004;
            else if (strcmp(value, "all") == 0)
                scorm = BUILD_SCORM12 | BUILD_SCORM2004;
            else
                return usage_error("unknown SCORM edition '%s' (use 12, 2004 or all)", value);
            i++;
        } else if (strcmp(a, "--curriculum") == 0) {
            if (!value)
                return usage_error("%s needs a file (courses/curriculum.txt)", a);
            curriculum = value;
            i++;
        } else if (strcmp(a, "--lang") == 0) {
            if (!value)
                return usage_error("%s needs fr, en or all", a);
            opt.lang = strcmp(value, "all") == 0 ? NULL : value;
            i++;
        } else if (strcmp(a, "--schemas") == 0) {
            if (!value)
                return usage_error("%s needs a folder", a);
            opt.schemas_dir = value;
            i++;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            opt.verbose = 0;
        } else if (strcmp(a, "--no-cache") == 0) {
            image_cache_set_enabled(0);
        } else if (a[0] == '-' && a[1]) {
            return usage_error("unknown option '%s' for build", a);
        } else {
            if (ndirs == (int)(sizeof(dirs) / sizeof(dirs[0])))
                return usage_error("%s", "too many module folders (256 at most)");
            dirs[ndirs++] = a;
        }
    }
    if (format == FORMAT_CMI5 && scorm)
        return usage_error("%s", "--scorm picks SCORM editions, but --format cmi5 builds no "
                           "SCORM package (use --format all for both)");
    if (curriculum && format == FORMAT_SCORM)
        return usage_error("%s", "the curriculum is a cmi5 course: --curriculum needs "
                           "--format cmi5 or all");
    if (format == FORMAT_CMI5)
        opt.editions = BUILD_CMI5;
    else
        opt.editions = (scorm ? scorm : BUILD_SCORM12 | BUILD_SCORM2004)
                       | (format == FORMAT_ALL ? BUILD_CMI5 : 0);
    if (!ndirs && !curriculum)
        return usage_error("%s", "build needs at least one module folder (or --curriculum)");
    if (!opt.out_dir)
        return usage_error("%s", "build needs an output folder: -o OUT");

    /* Check every module before writing anything: a broken module must not
     * leave some packages new and others old. */
    int had_error = 0;
    Course *courses[256] = {0};
    Course *listed[256] = {0};
    int nlisted = 0;
    for (int i = 0; i < ndirs; i++)
        courses[i] = check_module(dirs[i], &had_error);
    if (curriculum) {
        Arena arena = ARENA_INIT;
        char **mdirs = NULL;
        size_t nmdirs = 0;
        if (read_curriculum(curriculum, &arena, &mdirs, &nmdirs) < 0)
            had_error = 1;
        for (size_t i = 0; i < nmdirs && nlisted < 256; i++) {
            listed[nlisted] = check_module(mdirs[i], &had_error);
            if (listed[nlisted])
                nlisted++;
        }
        arena_release(&arena);
    }
    if (!had_error) {
        for (int i = 0; i < ndirs; i++) {
            Diag d = DIAG_INIT;
            if (build_module(courses[i], &opt, &d) < 0)
                had_error = 1;
            diag_sort(&d);
            diag_print(&d, stderr);
            diag_release(&d);
        }
    }
    if (!had_error && curriculum) {
        Diag d = DIAG_INIT;
        if (build_curriculum(listed, nlisted, &opt, &d) < 0)
            had_error = 1;
        diag_sort(&d);
        diag_print(&d, stderr);
        diag_release(&d);
    }
    for (int i = 0; i < ndirs; i++)
        course_free(courses[i]);
    for (int i = 0; i < nlisted; i++)
        course_free(listed[i]);
    return had_error ? 1 : 0;
}

static int cmd_validate(int argc, char **argv)
{
    const char *schemas = NULL;
    int npkgs = 0, had_error = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--schemas") == 0) {
            if (i + 1 >= argc)
                return usage_error("%s needs a folder", argv[i]);
            schemas = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return usage_error("unknown option '%s' for validate", argv[i]);
        }
    }
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--schemas") == 0) {
            i++;
            continue;
        }
        Diag d = DIAG_INIT;
        int cmi5 = 0;
        int rc = validate_package_kind(argv[i], schemas, &cmi5, &d);
        diag_print(&d, stderr);
        if (rc < 0 || d.errors) {
            had_error = 1;
            fprintf(stderr, "%s: not valid: %zu error(s), %zu warning(s)\n", argv[i],
                    d.errors, d.warnings);
        } else {
            printf("%s: valid %s%s (%zu warning(s))\n", argv[i],
                   cmi5 ? "cmi5 course package" : "SCORM package",
                   schemas && !cmi5 ? ", schema-checked" : "", d.warnings);
        }
        diag_release(&d);
        npkgs++;
    }
    if (!npkgs)
        return usage_error("%s", "validate needs at least one zip");
    return had_error ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage(stderr);
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0)
        return usage(stdout);
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 2, argv + 2);
    if (strcmp(cmd, "build") == 0)
        return cmd_build(argc - 2, argv + 2);
    if (strcmp(cmd, "validate") == 0)
        return cmd_validate(argc - 2, argv + 2);
    return usage_error("unknown command '%s' (use check, build or validate)", cmd);
}
