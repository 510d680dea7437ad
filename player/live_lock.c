/* live_lock: fcntl byte-range locks. Linux's open-file-description locks
 * (F_OFD_*) belong to the open file, not the process: two stores of one
 * process see each other's locks (the tests open two), and closing another
 * descriptor of the file never drops them. Where they do not exist, classic
 * POSIX locks do the same between processes, which is what matters between
 * players. (Windows: LockFileEx on the same bytes, in the os layer.) */
#define _GNU_SOURCE     /* F_OFD_SETLK, F_OFD_GETLK (glibc) */
#include "live_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#ifdef F_OFD_SETLK
#define LOCK_SET F_OFD_SETLK
#define LOCK_GET F_OFD_GETLK
#else
#define LOCK_SET F_SETLK
#define LOCK_GET F_GETLK
#endif

struct LiveLock {
    int fd;
};

LiveLock *live_lock_open(const char *path, int *eno, Buf *err)
{
    LiveLock *l = calloc(1, sizeof *l);
    if (!l) {
        *eno = ENOMEM;
        buf_puts(err, "cannot open the session locks: out of memory");
        return NULL;
    }
    l->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (l->fd < 0) {
        *eno = errno;
        buf_printf(err, "cannot open '%s': %s", path, strerror(*eno));
        free(l);
        return NULL;
    }
    /* every account that runs the player must lock it: the umask may have
     * narrowed the mode (only the owner can widen it; others leave it) */
    struct stat st;
    if (fstat(l->fd, &st) == 0 && st.st_uid == geteuid() && (st.st_mode & 0666) != 0666)
        fchmod(l->fd, 0666);
    return l;
}

void live_lock_close(LiveLock *l)
{
    if (!l)
        return;
    close(l->fd);
    free(l);
}

static struct flock range(short type, int64_t at, int64_t len)
{
    struct flock fl;
    memset(&fl, 0, sizeof fl);      /* l_pid must be 0 for OFD locks */
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    fl.l_start = (off_t)at;
    fl.l_len = (off_t)len;
    return fl;
}

int live_lock_try(LiveLock *l, int64_t at)
{
    struct flock fl = range(F_WRLCK, at, 1);
    if (fcntl(l->fd, LOCK_SET, &fl) == 0)
        return 0;
    return errno == EAGAIN || errno == EACCES ? 1 : -1;
}

int live_lock_take_slot(LiveLock *l, int64_t *slot)
{
    for (int i = 0; i < 64; i++) {
        int64_t at = 1 + (int64_t)(randombytes_uniform((uint32_t)(LIVE_LOCK_SLOTS - 1)));
        int rc = live_lock_try(l, at);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            *slot = at;
            return 0;
        }
    }
    errno = EAGAIN;
    return -1;
}

void live_lock_release(LiveLock *l, int64_t at)
{
    struct flock fl = range(F_UNLCK, at, 1);
    fcntl(l->fd, LOCK_SET, &fl);
}

int live_lock_held(LiveLock *l, int64_t at, int64_t len)
{
    struct flock fl = range(F_WRLCK, at, len);
    if (fcntl(l->fd, LOCK_GET, &fl) != 0)
        return -1;
    return fl.l_type != F_UNLCK;
}
