/* failwrite: an LD_PRELOAD shim for the learner-store tests. While the file
 * named by $FAILWRITE_WHEN exists (always, when the variable is unset), every
 * write, sync or size change of a file whose path contains $FAILWRITE_MATCH
 * (default "learners.db") fails with ENOSPC, as on a full disk. Reads pass.
 * Built by tests/integration/store_unwritable.sh:
 *   cc -shared -fPIC -o failwrite.so tests/e2e/failwrite.c -ldl */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static int failing(int fd)
{
    const char *when = getenv("FAILWRITE_WHEN");
    if (when && *when && access(when, F_OK) != 0)
        return 0;
    const char *match = getenv("FAILWRITE_MATCH");
    if (!match || !*match)
        match = "learners.db";
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0)
        return 0;
    path[n] = '\0';
    return strstr(path, match) != NULL;
}

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))
#define FAIL_IF(fd)          \
    do {                     \
        if (failing(fd)) {   \
            errno = ENOSPC;  \
            return -1;       \
        }                    \
    } while (0)

ssize_t write(int fd, const void *buf, size_t n)
{
    FAIL_IF(fd);
    return REAL(write)(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t at)
{
    FAIL_IF(fd);
    return REAL(pwrite)(fd, buf, n, at);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t at)
{
    FAIL_IF(fd);
    return REAL(pwrite64)(fd, buf, n, at);
}

int fsync(int fd)
{
    FAIL_IF(fd);
    return REAL(fsync)(fd);
}

int fdatasync(int fd)
{
    FAIL_IF(fd);
    return REAL(fdatasync)(fd);
}

int ftruncate(int fd, off_t len)
{
    FAIL_IF(fd);
    return REAL(ftruncate)(fd, len);
}

int ftruncate64(int fd, off64_t len)
{
    FAIL_IF(fd);
    return REAL(ftruncate64)(fd, len);
}

int fallocate(int fd, int mode, off_t at, off_t len)
{
    FAIL_IF(fd);
    return REAL(fallocate)(fd, mode, at, len);
}

int posix_fallocate(int fd, off_t at, off_t len)
{
    if (failing(fd))
        return ENOSPC;
    return REAL(posix_fallocate)(fd, at, len);
}
