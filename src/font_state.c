/* font_state: modification times fontconfig checks, as text (see .h). */
#include "font_state.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void describe_path(Buf *out, const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0)
        buf_printf(out, "%s %lld.%09ld %lld\n", path, (long long)st.st_mtim.tv_sec,
                   st.st_mtim.tv_nsec, (long long)st.st_size);
    else
        buf_printf(out, "%s -\n", path);
}

/* One line per folder, depth first; *budget counts the folders left. */
static void walk(Buf *out, Buf *path, int depth, size_t *budget)
{
    struct stat st;
    if (stat(path->data, &st) != 0 || !S_ISDIR(st.st_mode)) {
        if (depth == 0)
            buf_printf(out, "%s -\n", path->data);
        return;
    }
    if (*budget == 0) {
        buf_printf(out, "(more folders than %d)\n", FONT_STATE_MAX_DIRS);
        return;
    }
    (*budget)--;
    buf_printf(out, "%s %lld.%09ld\n", path->data, (long long)st.st_mtim.tv_sec,
               st.st_mtim.tv_nsec);
    if (depth >= FONT_STATE_MAX_DEPTH)
        return;
    DIR *dh = opendir(path->data);
    if (!dh)
        return;
    size_t len = path->len;
    struct dirent *e;
    while ((e = readdir(dh))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        /* Only folders matter (a file added changes its folder's time);
         * d_type saves a stat per font file where the file system gives it. */
        if (e->d_type != DT_DIR && e->d_type != DT_LNK && e->d_type != DT_UNKNOWN)
            continue;
        buf_printf(path, "/%s", e->d_name);
        walk(out, path, depth + 1, budget);
        buf_truncate(path, len);
    }
    closedir(dh);
}

static void walk_root(Buf *out, const char *root, size_t *budget)
{
    Buf path = BUF_INIT;
    buf_printf(&path, "%s", root);
    if (!path.failed)
        walk(out, &path, 0, budget);
    buf_release(&path);
}

/* Walks "$XDG_<x>_HOME/sub", or "$HOME/<fallback>/sub" when that variable
 * is unset or relative (the XDG rule); fallback NULL: "$HOME/sub" only. */
static void walk_user_dir(Buf *out, const char *xdg_var, const char *fallback, const char *sub,
                          size_t *budget)
{
    const char *xdg = xdg_var ? getenv(xdg_var) : NULL;
    const char *home = getenv("HOME");
    Buf p = BUF_INIT;
    if (xdg && *xdg == '/')
        buf_printf(&p, "%s/%s", xdg, sub);
    else if (home && *home == '/')
        buf_printf(&p, fallback ? "%s/%s/%s" : "%s%s/%s", home, fallback ? fallback : "", sub);
    if (p.len && !p.failed)
        walk_root(out, p.data, budget);
    buf_release(&p);
}

void font_state_describe(Buf *out)
{
    const char *fc_file = getenv("FONTCONFIG_FILE");
    const char *fc_path = getenv("FONTCONFIG_PATH");
    size_t budget = FONT_STATE_MAX_DIRS;

    buf_printf(out, "fonts: FONTCONFIG_FILE=%s FONTCONFIG_PATH=%s\n", fc_file ? fc_file : "",
               fc_path ? fc_path : "");
    if (fc_file && *fc_file)
        describe_path(out, fc_file);
    if (fc_path && *fc_path)
        walk_root(out, fc_path, &budget);
    describe_path(out, "/etc/fonts/fonts.conf");
    walk_root(out, "/etc/fonts/conf.d", &budget);
    walk_user_dir(out, "XDG_CONFIG_HOME", ".config", "fontconfig", &budget);

    walk_root(out, "/usr/share/fonts", &budget);
    walk_root(out, "/usr/local/share/fonts", &budget);
    walk_user_dir(out, "XDG_DATA_HOME", ".local/share", "fonts", &budget);
    walk_user_dir(out, NULL, NULL, ".fonts", &budget);
}
