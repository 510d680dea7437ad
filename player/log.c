/* log: one descriptor opened for appending (os_open OS_O_APPEND: each
 * write lands whole at the end, whichever process writes), each line
 * written with one write() under a mutex, so lines of the screen's thread
 * and the sync worker's never interleave, and two players of one PC
 * appending to the same file each land whole. Rotation is checked after
 * each line with os_fstat: a rename, then a fresh file; another player
 * still writing to the renamed one does no harm. On Windows a rename over a
 * wardplayer.log.1 another player still holds open can fail: the file then
 * grows until a later line's rotation succeeds. */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "os.h"

static OsMutex *lock;       /* NULL when it could not be made: then stderr only */
static int fd = -1;
static char *path;          /* owned */

static int may_create;       /* a new file here stays usable by the folder's other accounts */

static void make_lock(void)
{
    lock = os_mutex_new();
}

/* The lock, made on first use; NULL without one. */
static OsMutex *get_lock(void)
{
    os_once(make_lock);
    return lock;
}

static int open_file(void)
{
    fd = os_open(path, OS_O_WRONLY | OS_O_APPEND | (may_create ? OS_O_CREAT : 0), 0600);
    return fd < 0 ? -1 : 0;
}

int log_open(const char *dir)
{
    OsMutex *m = get_lock();
    if (!m)
        return dir ? -1 : 0;
    os_mutex_lock(m);
    if (fd >= 0)
        close(fd);
    fd = -1;
    free(path);
    path = NULL;
    int rc = 0;
    if (dir) {
        /* a file of this account in a folder another account owns (a shared
         * data folder on POSIX) would lock that account out of it later:
         * there, use only a log that is already there */
        may_create = os_may_leave_files_in(dir);
        Buf p = BUF_INIT;
        buf_printf(&p, "%s%s%s", dir, OS_SEP_STR, LOG_FILE);
        path = buf_detach(&p, NULL);
        if (!path || open_file() < 0) {
            free(path);
            path = NULL;
            rc = -1;
        }
    }
    os_mutex_unlock(m);
    return rc;
}

void log_close(void)
{
    log_open(NULL);
}

const char *log_path(void)
{
    return path;
}

/* Past the cap: the file becomes LOG_FILE.1 and a new one starts. */
static void rotate_if_full(void)
{
    OsStat st;
    if (fd < 0 || os_fstat(fd, &st) != 0 || st.size < LOG_MAX_BYTES)
        return;
    Buf old = BUF_INIT;
    buf_printf(&old, "%s.1", path);
    if (!old.failed)
        os_rename(path, old.data);
    buf_release(&old);
    close(fd);
    if (open_file() < 0)
        fd = -1;
}

void log_msg(const char *fmt, ...)
{
    int saved = errno;
    char stamp[32];
    struct tm tm;
    os_gmtime(os_now_ms() / 1000, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    Buf line = BUF_INIT;
    buf_printf(&line, "%s wardplayer: ", stamp);
    char text[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    /* one event, one line */
    for (char *c = text; *c; c++)
        if (*c == '\n' || *c == '\r')
            *c = ' ';
    buf_puts(&line, text);
    buf_putc(&line, '\n');
    OsMutex *m = get_lock();
    if (!line.failed) {
        if (m) {
            os_mutex_lock(m);
            if (fd >= 0 && write(fd, line.data, line.len) == (ssize_t)line.len)
                rotate_if_full();
            os_mutex_unlock(m);
        }
        /* stderr without the time: a terminal or a journal adds its own */
        fputs(line.data + strlen(stamp) + 1, stderr);
    }
    buf_release(&line);
    errno = saved;
}
