/* font_state: modification times fontconfig checks, as text (see .h). */
#include "font_state.h"

#include <stdlib.h>
#include <string.h>

#include "os.h"

static void describe_path(Buf *out, const char *path)
{
    OsStat st;
    if (os_stat(path, &st) == 0)
        buf_printf(out, "%s %lld.%09lld %lld\n", path, st.mtime_ns / 1000000000,
                   st.mtime_ns % 1000000000, (long long)st.size);
    else
        buf_printf(out, "%s -\n", path);
}

/* One line per folder, depth first; *budget counts the folders left. */
static void walk(Buf *out, Buf *path, int depth, size_t *budget)
{
    OsStat st;
    if (os_stat(path->data, &st) != 0 || st.kind != OS_FILE_DIR) {
        if (depth == 0)
            buf_printf(out, "%s -\n", path->data);
        return;
    }
    if (*budget == 0) {
        buf_printf(out, "(more folders than %d)\n", FONT_STATE_MAX_DIRS);
        return;
    }
    (*budget)--;
    buf_printf(out, "%s %lld.%09lld\n", path->data, st.mtime_ns / 1000000000,
               st.mtime_ns % 1000000000);
    if (depth >= FONT_STATE_MAX_DEPTH)
        return;
    OsDir *dh = os_dir_open(path->data);
    if (!dh)
        return;
    size_t len = path->len;
    const char *name;
    int kind;
    while ((name = os_dir_next(dh, &kind))) {
        /* Only folders matter (a file added changes its folder's time); the
         * entry's kind saves a stat per font file where the file system
         * gives it (-1: it does not). */
        if (kind != OS_FILE_DIR && kind != OS_FILE_LINK && kind != -1)
            continue;
        buf_printf(path, "/%s", name);
        walk(out, path, depth + 1, budget);
        buf_truncate(path, len);
    }
    os_dir_close(dh);
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
