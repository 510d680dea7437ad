/* live_lock: which player sessions are alive, told by byte locks on one
 * small file beside the learner store. A session holds a write lock on one
 * byte (its slot) for as long as its process runs; the kernel drops it when
 * the process ends, however it ends, so a killed player never keeps an
 * attempt. Byte 0 is the salvage barrier: a salvage holds it while it
 * replaces the store, and only when no slot is held. No data is ever
 * written to the file. */
#ifndef LIVE_LOCK_H
#define LIVE_LOCK_H

#include <stdint.h>

#include "buf.h"

#define LIVE_LOCK_SLOTS ((int64_t)1 << 31)   /* slots are 1 .. LIVE_LOCK_SLOTS - 1 */

typedef struct LiveLock LiveLock;

/* Opens (creating, readable and writable by every account: it holds no
 * data) the lock file at path. Returns NULL with "what failed: why" in err
 * and *eno set to the errno (EACCES, EROFS...). Free with live_lock_close(),
 * which drops this handle's locks. */
LiveLock *live_lock_open(const char *path, int *eno, Buf *err);
void live_lock_close(LiveLock *l);                  /* accepts NULL */

/* Takes the write lock on byte at without waiting: 0 taken (or already
 * this handle's), 1 another handle (this process's too) holds it, -1 error
 * (errno). On Windows a probe of another player (live_lock_held) also
 * answers 1 for an instant: a caller that must have the byte retries. */
int live_lock_try(LiveLock *l, int64_t at);

/* Takes a free slot at random; *slot receives it. 0, or -1 (errno). */
int live_lock_take_slot(LiveLock *l, int64_t *slot);

void live_lock_release(LiveLock *l, int64_t at);

/* Whether another handle holds a lock on a byte of [at, at + len): 1 yes,
 * 0 no, -1 error (errno). Locks of this handle never count. */
int live_lock_held(LiveLock *l, int64_t at, int64_t len);

#endif
