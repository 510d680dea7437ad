/* log: one descriptor opened O_APPEND, each line written with one write(2)
 * under a mutex, so lines of the screen's thread and the sync worker's never
 * interleave, and two players of one PC appending to the same file each
 * land whole. Rotation is checked after each line with fstat: a rename, then
 * a fresh file; another player still writing to the renamed one does no
 * harm. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int fd = -1;
static char *path;          /* owned */

static int may_create;       /* the folder is this account's own */

static int open_file(void)
{
    fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | (may_create ? O_CREAT : 0), 0600);
    return fd < 0 ? -1 : 0;
}

int log_open(const char *dir)
{
    pthread_mutex_lock(&lock);
    if (fd >= 0)
        close(fd);
    fd = -1;
    free(path);
    path = NULL;
    int rc = 0;
    if (dir) {
        /* a file of this account in a folder another account owns (a shared
         * data folder) would lock that account out of it later: use only a
         * log that is already there */
        struct stat st;
        may_create = stat(dir, &st) == 0 && st.st_uid == geteuid();
        Buf p = BUF_INIT;
        buf_printf(&p, "%s/%s", dir, LOG_FILE);
        path = buf_detach(&p, NULL);
        if (!path || open_file() < 0) {
            free(path);
            path = NULL;
            rc = -1;
        }
    }
    pthread_mutex_unlock(&lock);
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
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size < LOG_MAX_BYTES)
        return;
    Buf old = BUF_INIT;
    buf_printf(&old, "%s.1", path);
    if (!old.failed)
        rename(path, old.data);
    buf_release(&old);
    close(fd);
    if (open_file() < 0)
        fd = -1;
}

void log_msg(const char *fmt, ...)
{
    int saved = errno;
    char stamp[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
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
    if (!line.failed) {
        pthread_mutex_lock(&lock);
        if (fd >= 0 && write(fd, line.data, line.len) == (ssize_t)line.len)
            rotate_if_full();
        pthread_mutex_unlock(&lock);
        /* stderr without the time: a terminal or a journal adds its own */
        fputs(line.data + strlen(stamp) + 1, stderr);
    }
    buf_release(&line);
    errno = saved;
}
