/* app: the player's event loop. It blocks in SDL_WaitEvent (or waits until
 * the next deadline: a script step, the read-aloud child), draws only when
 * something changed, and replays --script files through the same loop. */
#ifndef APP_H
#define APP_H

#include "lrs_config.h"

typedef struct AppOptions {
    const char *path;           /* package, package folder or library folder */
    const char *data_dir;       /* learner store; NULL: nothing is saved */
    const char *lang;           /* interface language, NULL: from LANG */
    const char *screenshot;     /* write the first frame (or the frame at the end of the
                                   script) here as PNG, then exit */
    const char *script;         /* replay this script (see script.h) */
    int headless;               /* SDL_VIDEODRIVER=dummy, software rendering */
    int kiosk;                  /* full screen, no quitting by the learner */
    int width, height;          /* window size; 0: 1280 x 800 */
    int scale;                  /* text size percent; 0: 100 */
    int high_contrast;
    int stats;                  /* print "N frames drawn" on stderr at exit (tests), and
                                   each background sync's report */
    const LrsConfig *lrs;       /* send the results there in the background (sync.h);
                                   NULL: no sync. Needs data_dir */
    int boxes;                  /* test hook: each screenshot X.png also writes X.boxes,
                                   the boxes drawn in that frame (tools/check-layout) */
    const char *trace;          /* committed answers are appended here (ui.h; tests) */
    long idle_timeout_ms;       /* log the learner out after this long without input
                                   (settings.h); 0: never */
} AppOptions;

/* Runs the player until it quits. Returns the process exit code: 0, 1 when
 * the package or the store cannot be opened (message on stderr), 2 when the
 * script is malformed. */
int app_run(const AppOptions *o);

#endif
