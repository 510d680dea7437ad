/* check: `wardplayer --check`. A zip goes through coursepack's validator
 * first; then (a folder straight away) the player must be able to open it. */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "diag.h"
#include "ui.h"
#include "validate.h"

int ui_check(const char *path, Buf *out)
{
    Diag d = DIAG_INIT;
    struct stat st;
    int is_dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
    int rc = is_dir ? 0 : validate_package(path, NULL, &d);
    diag_sort(&d);
    for (size_t i = 0; i < d.count; i++) {
        char *t = diag_format(&d.msgs[i]);
        if (t) {
            buf_printf(out, "%s\n", t);
            free(t);
        }
    }
    if (rc == 0)
        rc = ui_module_problem(path, is_dir, out);    /* the player must also show it */
    diag_release(&d);
    return rc;
}
