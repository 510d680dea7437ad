/* curriculum: a line-oriented reader; every problem is located at
 * file:line:col with its fix. */
#include "curriculum.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "source_util.h"

#define MAX_IDS 256

static int blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int curriculum_read(const char *path, Arena *arena, CurriculumEntry **out, size_t *n,
                    Diag *d)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return diag_error(d, srcloc(path, 0, 0), "cannot read the curriculum: %s",
                          strerror(errno));
    CurriculumEntry *v = arena_alloc(arena, MAX_IDS * sizeof(*v));
    size_t count = 0, errors = d->errors;
    int oom = !v;
    char line[1024];
    int lineno = 0;
    while (v && fgets(line, sizeof(line), f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *p = line;
        while (blank(*p))
            p++;
        if (!*p)
            continue;
        char *e = p;
        while (*e && !blank(*e))
            e++;
        char *rest = e;
        while (blank(*rest))
            rest++;
        if (*rest) {
            diag_error(d, srcloc(path, lineno, (int)(rest - line) + 1), "more than one word "
                       "on the line (write one module id a line; '#' starts a comment)");
            continue;
        }
        *e = '\0';
        /* a module id, as module.xml's: anything else (a binary file given by
         * mistake) is named by its line, never echoed */
        size_t idlen = (size_t)(e - p);
        if (idlen < 3 || !source_util_is_id(p, idlen, 64)) {
            diag_error(d, srcloc(path, lineno, (int)(p - line) + 1), "not a module id (an "
                       "id is the module's folder name: 3 to 64 lower-case letters, digits "
                       "and '-', e.g. ai-never-neutral)");
            continue;
        }
        int dup = 0;
        for (size_t i = 0; i < count && !dup; i++)
            if (strcmp(v[i].id, p) == 0) {
                diag_error(d, srcloc(path, lineno, (int)(p - line) + 1), "module '%s' is "
                           "listed again (first on line %d; list each module once)", p,
                           v[i].line);
                dup = 1;
            }
        if (dup)
            continue;
        if (count == MAX_IDS) {
            diag_error(d, srcloc(path, lineno, 1), "more than %d modules (split the "
                       "curriculum)", MAX_IDS);
            break;
        }
        v[count].id = arena_strdup(arena, p);
        v[count].line = lineno;
        if (!v[count].id) {
            oom = 1;
            break;
        }
        count++;
    }
    int read_error = ferror(f);
    fclose(f);
    if (oom)
        return diag_error(d, srcloc(path, 0, 0), "out of memory");
    if (read_error)
        return diag_error(d, srcloc(path, 0, 0), "cannot read the curriculum");
    /* the good lines even when others are wrong: the caller can report the
     * modules they name too, in the same run */
    *out = v;
    *n = count;
    if (!count && d->errors == errors)
        return diag_error(d, srcloc(path, 0, 0), "the curriculum lists no module (write one "
                          "module id a line, in the order learners should take them)");
    return d->errors > errors ? -1 : 0;
}

char *curriculum_module_dir(const char *path, const char *id, Arena *arena)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return arena_strdup(arena, id);
    return arena_printf(arena, "%.*s/%s", (int)(slash - path), path, id);
}
