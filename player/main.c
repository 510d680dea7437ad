/* wardplayer: options > app_run / ui_check > exit code. Nothing else. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin_cli.h"
#include "app.h"
#include "buf.h"
#include "lrs_config.h"
#include "os.h"
#include "check.h"
#include "log.h"
#include "settings.h"
#include "store.h"
#include "ui.h"

#ifndef WARDPLAYER_VERSION
#define WARDPLAYER_VERSION "unknown"     /* the Makefile's VERSION */
#endif

static void usage(FILE *out)
{
    fprintf(out, "usage: wardplayer [PKG.zip | PACKAGE_DIR | LIBRARY_DIR] [options]\n"
          "       wardplayer --check PKG.zip\n"
          "       wardplayer --version\n"
          "  --data DIR          learner store folder (default $XDG_DATA_HOME/wardplayer)\n"
          "  --no-data           keep nothing (no profiles, nothing saved)\n"
          "  --lang fr|en        interface language (default: from LANG)\n"
          "  --kiosk             full screen; learners cannot quit\n"
          "  --scale PERCENT     text size, 100 to 200\n"
          "  --contrast          start in high contrast\n"
          "  --size WxH          window size (default 1280x800)\n"
          "  --headless          no display (SDL dummy driver, software rendering)\n"
          "  --screenshot FILE   write the first frame (or the last of --script) as PNG\n"
          "  --script FILE       replay key/click/text/wait/screenshot/quit lines\n"
          "  --stats             print the number of frames drawn at exit\n"
          "  --boxes             with each screenshot X.png also write X.boxes, the boxes\n"
          "                      drawn in that frame (test hook, see tools/check-layout)\n"
          "  --trace FILE        append a line per answer once it is committed (tests)\n"
          "  --idle-ms N         idle time-out in milliseconds, instead of the settings'\n"
          "                      minutes (tests)\n"
          "  --check PKG         print the package's problems; exit 1 if it cannot play\n"
          "  --lrs-config FILE   send results to this LRS in the background (docs/lrs.md;\n"
          "                      default $WARDPLAYER_LRS_CONFIG, else %s)\n"
          "  --no-sync           no background sending (results stay in the store)\n"
          "  --config FILE       the administrator's settings (default $WARDPLAYER_CONFIG,\n"
          "                      else %s)\n"
          "administration (no screen):\n" ADMIN_CLI_USAGE,
          lrs_config_default_path(), settings_default_path());
}

/* Whether path names one package (a zip, or a folder with an
 * imsmanifest.xml) rather than a library folder of packages. */
static int one_package(const char *path)
{
    OsStat st;
    if (os_stat(path, &st) != 0)
        return 0;
    if (st.kind == OS_FILE_REGULAR)
        return 1;
    Buf m = BUF_INIT;
    buf_printf(&m, "%s/imsmanifest.xml", path);
    int is = st.kind == OS_FILE_DIR && os_exists(m.data);
    buf_release(&m);
    return is;
}

/* retention_days: finished attempts older than that, all sent, leave the
 * store at start. The store as it is: a missing, busy or damaged one is the
 * player's to deal with on its screen, not here. */
static void purge_old_attempts(const char *dir, int days)
{
    int code = 0;
    Buf err = BUF_INIT;
    Store *s = store_open_with(dir, 0, &code, NULL, &err);
    size_t n = 0;
    if (s && store_purge_finished(s, days, &n) != 0)
        log_msg("retention: %s", store_errmsg(s));
    else if (!s && code != STORE_NOT_FOUND)
        log_msg("retention: %s", err.data);
    else if (n)
        log_msg("retention: removed %zu finished attempts older than %d days, all sent", n,
                days);
    store_close(s);
    buf_release(&err);
}

int main(int argc, char **argv)
{
    os_init(&argc, &argv);
    /* --export, --sync…: the administrators' commands, without a screen */
    int handled = 0;
    int admin_rc = admin_cli_run(argc, argv, &handled);
    if (handled)
        return admin_rc;
    AppOptions o = { 0 };
    const char *data = NULL, *check = NULL, *lrs_path = NULL, *config = NULL;
    int no_data = 0, no_sync = 0;
    long idle_ms = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
#define TAKE(field)                                                                   \
    do {                                                                              \
        if (!next) {                                                                  \
            fprintf(stderr, "wardplayer: %s needs a value (see --help)\n", a);        \
            return 2;                                                                 \
        }                                                                             \
        field = next;                                                                 \
        i++;                                                                          \
    } while (0)
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--version") == 0) {
            printf("wardplayer %s\n", WARDPLAYER_VERSION);
            return 0;
        } else if (strcmp(a, "--data") == 0) {
            TAKE(data);
        } else if (strcmp(a, "--no-data") == 0) {
            no_data = 1;
        } else if (strcmp(a, "--no-sync") == 0) {
            no_sync = 1;
        } else if (strcmp(a, "--lrs-config") == 0) {
            TAKE(lrs_path);
        } else if (strcmp(a, "--config") == 0) {
            TAKE(config);
        } else if (strcmp(a, "--lang") == 0) {
            TAKE(o.lang);
        } else if (strcmp(a, "--kiosk") == 0) {
            o.kiosk = 1;
        } else if (strcmp(a, "--contrast") == 0) {
            o.high_contrast = 1;
        } else if (strcmp(a, "--stats") == 0) {
            o.stats = 1;
        } else if (strcmp(a, "--boxes") == 0) {
            o.boxes = 1;
        } else if (strcmp(a, "--headless") == 0) {
            o.headless = 1;
        } else if (strcmp(a, "--screenshot") == 0) {
            TAKE(o.screenshot);
        } else if (strcmp(a, "--script") == 0) {
            TAKE(o.script);
        } else if (strcmp(a, "--trace") == 0) {
            TAKE(o.trace);
        } else if (strcmp(a, "--idle-ms") == 0) {
            const char *v;
            TAKE(v);
            char *end;
            idle_ms = strtol(v, &end, 10);
            if (*end || idle_ms < 0) {
                fprintf(stderr, "wardplayer: --idle-ms wants milliseconds, for example 2000\n");
                return 2;
            }
        } else if (strcmp(a, "--check") == 0) {
            TAKE(check);
        } else if (strcmp(a, "--scale") == 0) {
            const char *v;
            TAKE(v);
            o.scale = atoi(v);
            if (o.scale < 100 || o.scale > 200) {
                fprintf(stderr, "wardplayer: --scale must be 100 to 200\n");
                return 2;
            }
        } else if (strcmp(a, "--size") == 0) {
            const char *v;
            TAKE(v);
            if (sscanf(v, "%dx%d", &o.width, &o.height) != 2 || o.width < 200 ||
                o.height < 200 || o.width > 10000 || o.height > 10000) {
                fprintf(stderr, "wardplayer: --size wants WxH, for example 1280x800\n");
                return 2;
            }
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "wardplayer: unknown option '%s' (see --help)\n", a);
            return 2;
        } else if (!o.path) {
            o.path = a;
        } else {
            fprintf(stderr, "wardplayer: one package or folder at a time ('%s')\n", a);
            return 2;
        }
#undef TAKE
    }
    if (check) {
        Buf out = BUF_INIT;
        int rc = ui_check(check, &out);
        fputs(out.data, stdout);
        if (rc == 0)
            printf("%s: can be played\n", check);
        buf_release(&out);
        return rc == 0 ? 0 : 1;
    }
    if (!o.path) {
        usage(stderr);
        return 2;
    }
    /* one package that cannot be played: its problems on stderr and exit 1,
     * as documented; the window still opens and tells the learner (a
     * desktop shortcut shows no stderr) */
    int bad_package = 0;
    if (one_package(o.path)) {
        Buf out = BUF_INIT;
        bad_package = ui_check(o.path, &out) != 0;
        if (bad_package) {
            fprintf(stderr, "wardplayer: cannot play '%s':\n%s", o.path, out.data);
            if (out.len && out.data[out.len - 1] != '\n')
                fputc('\n', stderr);
        }
        buf_release(&out);
    }
    /* a bad settings file must not keep learners out either: what it says
     * wrong keeps its default, and the message says what to fix */
    Settings settings;
    Buf serr = BUF_INIT;
    if (settings_load(&settings, config, &serr) < 0)
        fprintf(stderr, "wardplayer: %s\n(the other settings keep their defaults)\n", serr.data);
    buf_release(&serr);
    o.idle_timeout_ms = idle_ms >= 0 ? idle_ms : (long)settings.idle_timeout_minutes * 60000;
    Buf dir = BUF_INIT;
    if (!no_data) {
        if (data) {
            buf_puts(&dir, data);
        } else {
            os_data_dir(&dir);
        }
        if (dir.len && os_make_data_dir(dir.data) != 0) {
            fprintf(stderr, "wardplayer: cannot create %s: %s\n", dir.data, strerror(errno));
            buf_release(&dir);
            return 1;
        }
        o.data_dir = dir.len ? dir.data : NULL;
        /* the technical detail of what the learner is told goes here */
        if (o.data_dir)
            log_open(o.data_dir);
        if (o.data_dir && settings.retention_days > 0)
            purge_old_attempts(o.data_dir, settings.retention_days);
    }
    /* a bad LRS configuration must not keep learners out: the results then
     * wait in the store, and the message says what to fix */
    LrsConfig lrs;
    lrs_config_init(&lrs);
    if (o.data_dir && !no_sync) {
        Buf err = BUF_INIT;
        int on = lrs_config_load_player(&lrs, lrs_path, &err);
        if (on < 0) {
            Buf red = BUF_INIT;
            lrs_config_redact(&lrs, err.data, &red);
            fprintf(stderr, "wardplayer: %s (no background sync: the results stay on this PC)\n",
                    red.data);
            buf_release(&red);
        }
        o.lrs = on > 0 ? &lrs : NULL;
        buf_release(&err);
    }
    int rc = app_run(&o);
    if (rc == 0 && bad_package)
        rc = 1;
    log_close();
    lrs_config_wipe(&lrs);
    buf_release(&dir);
    return rc;
}
