/* os: the parts of the platform layer written once, on top of the
 * primitives os_posix.c and os_win.c provide (see os.h). */
#include "os.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

FILE *os_replace_open(const char *path, char **tmp, Buf *err)
{
    Buf t = BUF_INIT;
    buf_printf(&t, "%s.tmp-XXXXXX", path);
    *tmp = buf_detach(&t, NULL);
    if (!*tmp) {
        buf_printf(err, "cannot create '%s': out of memory", path);
        return NULL;
    }
    int fd = os_mkstemp(*tmp);
    if (fd < 0) {
        buf_printf(err, "cannot create '%s': %s", *tmp, strerror(errno));
        return NULL;
    }
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        buf_printf(err, "cannot write '%s': %s", *tmp, strerror(errno));
        close(fd);
        os_remove(*tmp);
    }
    return f;
}

int os_replace_commit(FILE *f, const char *tmp, const char *path, Buf *err)
{
    int bad = fflush(f) != 0 || ferror(f) || os_fsync(fileno(f)) != 0;
    int e = errno;
    if (fclose(f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    if (bad) {
        buf_printf(err, "cannot write '%s': %s", path, strerror(e));
        os_remove(tmp);
        return -1;
    }
    if (os_rename(tmp, path) != 0) {
        buf_printf(err, "cannot create '%s': %s", path, strerror(errno));
        os_remove(tmp);
        return -1;
    }
    os_sync_parent(path);
    return 0;
}

void os_replace_abort(FILE *f, const char *tmp)
{
    if (f)
        fclose(f);
    if (tmp)
        os_remove(tmp);
}

int os_read_private_file(const char *path, size_t max, char **text, size_t *len, Buf *err)
{
    return os_read_admin_file(path, max, 1, text, len, err);
}
