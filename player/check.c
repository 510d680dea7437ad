/* check: `wardplayer --check`. The package (a zip or an unzipped folder)
 * goes through coursepack's validator, then the player's open path, which
 * reads it with the same reader and rules: one verdict, the same words. */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>

#include "diag.h"
#include "ui.h"
#include "validate.h"

int ui_check(const char *path, Buf *out)
{
    Diag d = DIAG_INIT;
    int rc = validate_package(path, NULL, &d);
    diag_sort(&d);
    for (size_t i = 0; i < d.count; i++) {
        char *t = diag_format(&d.msgs[i]);
        if (t) {
            buf_printf(out, "%s\n", t);
            free(t);
        }
    }
    if (rc == 0)
        rc = ui_module_problem(path, out);    /* the player must also have a page to show */
    diag_release(&d);
    return rc;
}
