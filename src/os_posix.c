/* os_posix: the platform layer on Linux and other POSIX systems (see os.h).
 * Mostly thin: paths are already bytes, so UTF-8 passes through. What is not
 * thin is kept here once: the durable replace (fsync the file, rename, fsync
 * the folder: ext4 and XFS otherwise may show an empty file after a crash),
 * the private-file rule, and the read-aloud child (posix_spawn, so no fork of
 * a process holding SDL and SQLite). The fontconfig lookup is in
 * os_posix_font.c, so coursepack does not link fontconfig. */
#define _GNU_SOURCE         /* dladdr */
#include "os.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <dirent.h>

extern char **environ;

void os_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
}

/* ---- files -------------------------------------------------------------------- */

int os_open(const char *path, unsigned flags, unsigned mode)
{
    int f = O_CLOEXEC;
    if (flags & OS_O_RDWR)
        f |= O_RDWR;
    else if (flags & OS_O_WRONLY)
        f |= O_WRONLY;
    else
        f |= O_RDONLY;
    if (flags & OS_O_CREAT)
        f |= O_CREAT;
    if (flags & OS_O_EXCL)
        f |= O_EXCL;
    if (flags & OS_O_TRUNC)
        f |= O_TRUNC;
    if (flags & OS_O_APPEND)
        f |= O_APPEND;
    if (flags & OS_O_NOFOLLOW)
        f |= O_NOFOLLOW;
    if (flags & OS_O_NONBLOCK)
        f |= O_NONBLOCK;
    return open(path, f, (mode_t)mode);
}

FILE *os_fopen(const char *path, const char *mode)
{
    return fopen(path, mode);
}

static void from_stat(const struct stat *sb, OsStat *st)
{
    st->kind = S_ISREG(sb->st_mode) ? OS_FILE_REGULAR
               : S_ISDIR(sb->st_mode) ? OS_FILE_DIR
               : S_ISLNK(sb->st_mode) ? OS_FILE_LINK : OS_FILE_OTHER;
    st->size = (unsigned long long)sb->st_size;
    st->mtime_ns = (long long)sb->st_mtim.tv_sec * 1000000000LL + sb->st_mtim.tv_nsec;
    st->mode = (unsigned)(sb->st_mode & 07777);
    st->dev = (unsigned long long)sb->st_dev;
    st->ino = (unsigned long long)sb->st_ino;
}

int os_stat(const char *path, OsStat *st)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return -1;
    from_stat(&sb, st);
    return 0;
}

int os_lstat(const char *path, OsStat *st)
{
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return -1;
    from_stat(&sb, st);
    return 0;
}

int os_fstat(int fd, OsStat *st)
{
    struct stat sb;
    if (fstat(fd, &sb) != 0)
        return -1;
    from_stat(&sb, st);
    return 0;
}

int os_exists(const char *path)
{
    return access(path, F_OK) == 0;
}

int os_mkdir(const char *path, unsigned mode)
{
    if (mkdir(path, (mode_t)mode) == 0)
        return 0;
    struct stat sb;
    if (errno == EEXIST && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return 0;
    return -1;
}

int os_mkdirs(const char *path, unsigned mode)
{
    size_t n = strlen(path);
    char *p = malloc(n + 1);
    if (!p) {
        errno = ENOMEM;
        return -1;
    }
    memcpy(p, path, n + 1);
    int rc = 0;
    for (char *s = p + 1; *s && rc == 0; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        rc = os_mkdir(p, mode);
        *s = '/';
    }
    if (rc == 0)
        rc = os_mkdir(p, mode);
    int e = errno;
    free(p);
    errno = e;
    return rc;
}

char *os_realpath(const char *path)
{
    return realpath(path, NULL);
}

int os_rename(const char *from, const char *to)
{
    return rename(from, to);
}

int os_remove(const char *path)
{
    return unlink(path);
}

long long os_pread(int fd, void *buf, size_t n, unsigned long long off)
{
    return (long long)pread(fd, buf, n, (off_t)off);
}

long long os_pwrite(int fd, const void *buf, size_t n, unsigned long long off)
{
    return (long long)pwrite(fd, buf, n, (off_t)off);
}

int os_fsync(int fd)
{
    return fsync(fd);
}

void os_sync_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    if (!dir)
        return;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    free(dir);
}

int os_fchmod(int fd, unsigned mode)
{
    return fchmod(fd, (mode_t)mode);
}

int os_mkstemp(char *tmpl)
{
    int fd = mkstemp(tmpl);
    if (fd >= 0)
        fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
}

int os_rmdir(const char *path)
{
    return rmdir(path);
}

/* ---- what the learner store asks before it writes -------------------------------- */

int os_may_write(const char *path)
{
    return access(path, R_OK | W_OK);
}

int os_may_create_in(const char *dir)
{
    return access(dir, W_OK);
}

int os_may_leave_files_in(const char *dir)
{
    struct stat sb;
    return stat(dir, &sb) == 0 && sb.st_uid == geteuid();
}

int os_free_space(const char *path, unsigned long long *bytes)
{
    struct statvfs v;
    if (statvfs(path, &v) != 0)
        return -1;
    *bytes = (unsigned long long)v.f_bavail * v.f_frsize;
    return 0;
}

long os_process_id(void)
{
    return (long)getpid();
}

/* ---- byte-range locks ----------------------------------------------------------------
 * Linux's open-file-description locks (F_OFD_*) belong to the open file, not
 * the process: two handles of one process see each other's locks, and
 * closing another descriptor of the same file never drops them. Where they
 * do not exist, classic POSIX locks do the same between processes, which is
 * what matters between players. */
#ifdef F_OFD_SETLK
#define LOCK_SET F_OFD_SETLK
#define LOCK_GET F_OFD_GETLK
#else
#define LOCK_SET F_SETLK
#define LOCK_GET F_GETLK
#endif

struct OsLockFile {
    int fd;
};

OsLockFile *os_lock_file_open(const char *path)
{
    OsLockFile *f = malloc(sizeof *f);
    if (!f) {
        errno = ENOMEM;
        return NULL;
    }
    f->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (f->fd < 0) {
        int e = errno;
        free(f);
        errno = e;
        return NULL;
    }
    /* every account that runs the player must lock it: the umask may have
     * narrowed the mode (only the owner can widen it; others leave it) */
    struct stat sb;
    if (fstat(f->fd, &sb) == 0 && sb.st_uid == geteuid() && (sb.st_mode & 0666) != 0666)
        fchmod(f->fd, 0666);
    return f;
}

void os_lock_file_close(OsLockFile *f)
{
    if (!f)
        return;
    close(f->fd);
    free(f);
}

static struct flock lock_range(short type, unsigned long long at, unsigned long long len)
{
    struct flock fl;
    memset(&fl, 0, sizeof fl);      /* l_pid must be 0 for OFD locks */
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    fl.l_start = (off_t)at;
    fl.l_len = (off_t)len;
    return fl;
}

int os_lock_try(OsLockFile *f, unsigned long long at, unsigned long long len)
{
    struct flock fl = lock_range(F_WRLCK, at, len);
    if (fcntl(f->fd, LOCK_SET, &fl) == 0)
        return 0;
    return errno == EAGAIN || errno == EACCES ? 1 : -1;
}

void os_lock_release(OsLockFile *f, unsigned long long at, unsigned long long len)
{
    struct flock fl = lock_range(F_UNLCK, at, len);
    fcntl(f->fd, LOCK_SET, &fl);
}

int os_lock_probe(OsLockFile *f, unsigned long long at, unsigned long long len)
{
    struct flock fl = lock_range(F_WRLCK, at, len);
    if (fcntl(f->fd, LOCK_GET, &fl) != 0)
        return -1;
    return fl.l_type != F_UNLCK;
}

/* ---- folders ----------------------------------------------------------------- */

struct OsDir {
    DIR *d;
};

OsDir *os_dir_open(const char *path)
{
    OsDir *d = malloc(sizeof *d);
    if (!d) {
        errno = ENOMEM;
        return NULL;
    }
    if (!(d->d = opendir(path))) {
        int e = errno;
        free(d);
        errno = e;
        return NULL;
    }
    return d;
}

const char *os_dir_next(OsDir *d, int *kind)
{
    struct dirent *e;
    while ((e = readdir(d->d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (kind)
            *kind = e->d_type == DT_REG ? OS_FILE_REGULAR
                    : e->d_type == DT_DIR ? OS_FILE_DIR
                    : e->d_type == DT_LNK ? OS_FILE_LINK
                    : e->d_type == DT_UNKNOWN ? -1 : OS_FILE_OTHER;
        return e->d_name;
    }
    return NULL;
}

int os_dir_lstat_at(OsDir *d, const char *name, OsStat *st)
{
    struct stat sb;
    if (fstatat(dirfd(d->d), name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
        return -1;
    from_stat(&sb, st);
    return 0;
}

OsDir *os_dir_open_at(OsDir *d, const char *name)
{
    int fd = openat(dirfd(d->d), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    OsDir *sub = malloc(sizeof *sub);
    if (!sub || !(sub->d = fdopendir(fd))) {
        int e = sub ? errno : ENOMEM;
        close(fd);
        free(sub);
        errno = e;
        return NULL;
    }
    return sub;
}

void os_dir_close(OsDir *d)
{
    if (!d)
        return;
    closedir(d->d);
    free(d);
}

/* ---- where things live ------------------------------------------------------- */

int os_data_dir(Buf *out)
{
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    if (xdg && *xdg)
        buf_printf(out, "%s/wardplayer", xdg);
    else if (home && *home)
        buf_printf(out, "%s/.local/share/wardplayer", home);
    else
        return -1;
    return 0;
}

const char *os_config_dir(void)
{
    return "/etc/wardplayer";
}

int os_make_data_dir(const char *path)
{
    return os_mkdirs(path, 0700);
}

const char *os_ui_language(void)
{
    return getenv("LANG");
}

/* ---- private files ----------------------------------------------------------- */

int os_read_admin_file(const char *path, size_t max, int secret, char **text, size_t *len,
                       Buf *err)
{
    *text = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT)
            return 1;
        if (e == ELOOP)
            buf_printf(err, "%s: error: is a symbolic link (point the configuration at the "
                            "real file)", path);
        else if (secret)
            buf_printf(err, "%s: error: cannot open: %s (the LRS configuration must be "
                            "readable by the account that runs the sync)", path, strerror(e));
        else
            buf_printf(err, "%s: error: cannot open: %s (make it readable by the account that "
                            "runs the player)", path, strerror(e));
        return -1;
    }
    int ret = -1;
    char *buf = NULL;
    struct stat sb;
    if (fstat(fd, &sb) < 0) {
        buf_printf(err, "%s: error: cannot stat: %s", path, strerror(errno));
        goto out;
    }
    if (!S_ISREG(sb.st_mode)) {
        buf_printf(err, "%s: error: not a regular file (give the path of the %s file)", path,
                   secret ? "configuration" : "settings");
        goto out;
    }
    if (secret && (sb.st_mode & (S_IRWXG | S_IRWXO))) {
        buf_printf(err, "%s: error: readable or writable by group or others (mode %04o) "
                        "(it holds the LRS password: chmod 600 %s)",
                   path, (unsigned)(sb.st_mode & 07777), path);
        goto out;
    }
    if (!secret && (sb.st_mode & (S_IWGRP | S_IWOTH))) {
        buf_printf(err, "%s: error: writable by group or others (mode %04o), so learners "
                        "could change it (chmod 644 %s)",
                   path, (unsigned)(sb.st_mode & 07777), path);
        goto out;
    }
    if (sb.st_uid != geteuid() && sb.st_uid != 0) {
        if (secret)
            buf_printf(err, "%s: error: owned by another user (uid %u) (make it owned by the "
                            "administrator: chown root %s)", path, (unsigned)sb.st_uid, path);
        else
            buf_printf(err, "%s: error: owned by another user (uid %u) (chown root %s)", path,
                       (unsigned)sb.st_uid, path);
        goto out;
    }
    if ((unsigned long long)sb.st_size > max) {
        buf_printf(err, "%s: error: larger than %zu bytes (is this the %s?)", path, max,
                   secret ? "LRS configuration" : "settings file");
        goto out;
    }
    size_t cap = (size_t)sb.st_size;
    buf = malloc(cap + 1);
    if (!buf) {
        buf_printf(err, "%s: error: out of memory", path);
        goto out;
    }
    size_t got = 0;
    while (got < cap) {
        ssize_t n = read(fd, buf + got, cap - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            buf_printf(err, "%s: error: cannot read: %s", path, strerror(errno));
            goto out;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    buf[got] = '\0';
    *text = buf;
    *len = got;
    buf = NULL;
    ret = 0;
out:
    if (buf) {
        memset(buf, 0, (size_t)sb.st_size);
        free(buf);
    }
    close(fd);
    return ret;
}

/* ---- time ---------------------------------------------------------------------- */

long long os_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long os_monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void os_gmtime(long long t, struct tm *out)
{
    time_t tt = (time_t)t;
    gmtime_r(&tt, out);
}

void os_sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

/* ---- threads ------------------------------------------------------------------- */

struct OsThread {
    pthread_t id;
    void (*fn)(void *);
    void *arg;
};

static void *thread_main(void *p)
{
    OsThread *t = p;
    t->fn(t->arg);
    return NULL;
}

OsThread *os_thread_start(void (*fn)(void *arg), void *arg, Buf *err)
{
    OsThread *t = malloc(sizeof *t);
    if (!t) {
        buf_puts(err, "out of memory");
        return NULL;
    }
    t->fn = fn;
    t->arg = arg;
    int e = pthread_create(&t->id, NULL, thread_main, t);
    if (e) {
        buf_puts(err, strerror(e));
        free(t);
        return NULL;
    }
    return t;
}

void os_thread_join(OsThread *t)
{
    if (!t)
        return;
    pthread_join(t->id, NULL);
    free(t);
}

/* One pthread_once per function would need one control per caller; the
 * callers are few (libcurl's global init), so a mutex and a small table. */
void os_once(void (*fn)(void))
{
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    static void (*done[8])(void);
    pthread_mutex_lock(&lock);
    int seen = 0;
    size_t i;
    for (i = 0; i < sizeof done / sizeof done[0] && done[i]; i++)
        seen |= done[i] == fn;
    if (!seen) {
        fn();
        if (i < sizeof done / sizeof done[0])
            done[i] = fn;
    }
    pthread_mutex_unlock(&lock);
}

struct OsMutex {
    pthread_mutex_t m;
};

OsMutex *os_mutex_new(void)
{
    OsMutex *m = malloc(sizeof *m);
    if (!m) {
        errno = ENOMEM;
        return NULL;
    }
    pthread_mutex_init(&m->m, NULL);
    return m;
}

void os_mutex_lock(OsMutex *m)
{
    pthread_mutex_lock(&m->m);
}

void os_mutex_unlock(OsMutex *m)
{
    pthread_mutex_unlock(&m->m);
}

void os_mutex_free(OsMutex *m)
{
    if (!m)
        return;
    pthread_mutex_destroy(&m->m);
    free(m);
}

/* ---- child process --------------------------------------------------------------- */

struct OsChild {
    pid_t pid;
};

OsChild *os_child_start(const char *const argv[], const char *text, size_t len, Buf *err)
{
    OsChild *c = malloc(sizeof *c);
    int fd[2] = { -1, -1 };
    if (!c || pipe(fd) != 0) {
        buf_printf(err, "cannot start %s: %s", argv[0], strerror(c ? errno : ENOMEM));
        free(c);
        return NULL;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fd[0], 0);
    posix_spawn_file_actions_addclose(&fa, fd[1]);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    int rc = posix_spawnp(&c->pid, argv[0], &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fd[0]);
    if (rc != 0) {
        close(fd[1]);
        buf_printf(err, "cannot start %s: %s", argv[0], strerror(rc));
        free(c);
        return NULL;
    }
    /* written once, without blocking (a pipe takes 64 KB), and closed: the
     * caller's loop never waits on the child */
    fcntl(fd[1], F_SETFL, O_NONBLOCK);
    if (len > 60000)
        len = 60000;
    ssize_t w = write(fd[1], text, len);
    (void)w;
    close(fd[1]);
    return c;
}

int os_child_running(OsChild *c)
{
    if (!c || c->pid <= 0)
        return 0;
    if (waitpid(c->pid, NULL, WNOHANG) == c->pid) {
        c->pid = 0;
        return 0;
    }
    return 1;
}

void os_child_stop(OsChild *c)
{
    if (!c)
        return;
    if (c->pid > 0) {
        kill(c->pid, SIGTERM);
        waitpid(c->pid, NULL, 0);
    }
    free(c);
}

/* ---- speech ------------------------------------------------------------------------ */

int os_speech_start(const char *text, const char *lang, Buf *err)
{
    (void)text;
    (void)lang;
    (void)err;
    return 1;
}

int os_speech_busy(void)
{
    return 0;
}

void os_speech_stop(void)
{
}

int os_stdin_is_terminal(void)
{
    return isatty(STDIN_FILENO);
}

/* ---- the session manager asking the program to end ----------------------------- */

static volatile sig_atomic_t quit_signal;
static struct sigaction prev_term, prev_int;

static void on_quit_signal(int sig)
{
    quit_signal = sig;
    const struct sigaction *next = sig == SIGTERM ? &prev_term : &prev_int;
    if (next->sa_handler != SIG_DFL && next->sa_handler != SIG_IGN && next->sa_handler)
        next->sa_handler(sig);
}

void os_catch_quit_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_quit_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, &prev_term);
    sigaction(SIGINT, &sa, &prev_int);
}

const char *os_quit_signal(void)
{
    return quit_signal == SIGTERM ? "SIGTERM" : quit_signal == SIGINT ? "SIGINT" : NULL;
}

/* ---- shared libraries ------------------------------------------------------------ */

int os_library_dir_of(const void *addr, Buf *out)
{
    Dl_info info;
    if (!dladdr((void *)addr, &info) || !info.dli_fname)
        return -1;
    const char *slash = strrchr(info.dli_fname, '/');
    if (!slash)
        return -1;
    buf_append(out, info.dli_fname, (size_t)(slash - info.dli_fname));
    return 0;
}

void *os_library_open(const char *name, Buf *err)
{
    void *h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        buf_puts(err, e ? e : name);
    }
    return h;
}

void *os_library_symbol(void *lib, const char *name)
{
    return dlsym(lib, name);
}
