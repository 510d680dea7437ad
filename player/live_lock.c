/* live_lock: the os layer's byte-range locks (os_lock_*) on one file. A
 * LiveLock remembers the bytes it holds (its slot, the barrier during a
 * salvage) and never asks the system about them: on Windows a probe of a
 * byte this handle holds is no question the system answers alike. */
#include "live_lock.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "os.h"

#define LIVE_LOCK_OWN_MAX 4

struct LiveLock {
    OsLockFile *file;
    int64_t own[LIVE_LOCK_OWN_MAX];     /* the bytes this handle holds */
    int nown;
};

LiveLock *live_lock_open(const char *path, int *eno, Buf *err)
{
    LiveLock *l = calloc(1, sizeof *l);
    if (!l) {
        *eno = ENOMEM;
        buf_puts(err, "cannot open the session locks: out of memory");
        return NULL;
    }
    l->file = os_lock_file_open(path);
    if (!l->file) {
        *eno = errno;
        buf_printf(err, "cannot open '%s': %s", path, strerror(*eno));
        free(l);
        return NULL;
    }
    return l;
}

void live_lock_close(LiveLock *l)
{
    if (!l)
        return;
    os_lock_file_close(l->file);
    free(l);
}

int live_lock_try(LiveLock *l, int64_t at)
{
    for (int i = 0; i < l->nown; i++)
        if (l->own[i] == at)
            return 0;
    if (l->nown == LIVE_LOCK_OWN_MAX) {
        errno = ENOLCK;
        return -1;
    }
    int rc = os_lock_try(l->file, (unsigned long long)at, 1);
    if (rc == 0)
        l->own[l->nown++] = at;
    return rc;
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
    for (int i = 0; i < l->nown; i++) {
        if (l->own[i] != at)
            continue;
        os_lock_release(l->file, (unsigned long long)at, 1);
        l->own[i] = l->own[--l->nown];
        return;
    }
}

int live_lock_held(LiveLock *l, int64_t at, int64_t len)
{
    /* the lowest own byte inside the range splits it: ask about what lies
     * before it, then about the rest after it */
    int64_t cut = -1;
    for (int i = 0; i < l->nown; i++)
        if (l->own[i] >= at && l->own[i] < at + len && (cut < 0 || l->own[i] < cut))
            cut = l->own[i];
    if (cut < 0)
        return len > 0 ? os_lock_probe(l->file, (unsigned long long)at, (unsigned long long)len)
                       : 0;
    int rc = cut > at ? os_lock_probe(l->file, (unsigned long long)at,
                                      (unsigned long long)(cut - at)) : 0;
    if (rc != 0)
        return rc;
    return live_lock_held(l, cut + 1, at + len - cut - 1);
}
