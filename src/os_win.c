/* os_win: the platform layer on Windows (see os.h), built with MinGW-w64.
 * Every path crosses here as UTF-8 and goes to the wide (UTF-16) API, so a
 * learner « Hélène » or a folder « Formation IA » works whatever the ANSI
 * code page. Learner data lives in %PROGRAMDATA%\wardplayer\data, shared by
 * every account of the ward PC (an ACL gives Users modify rights); the LRS
 * file beside it must be the administrators' and readable only by them,
 * SYSTEM and the account that runs the player: the rule of the 0600 file
 * owned by root on Linux. Reading
 * aloud uses Windows' own voices through SAPI, so nothing is shipped for it. */
#define WIN32_LEAN_AND_MEAN
#define COBJMACROS
#define INITGUID                /* the SAPI GUIDs are defined in this file */
#include "os.h"

#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <process.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <wchar.h>

#include <windows.h>
#include <aclapi.h>
#include <sddl.h>
#include <shellapi.h>
#include <knownfolders.h>
#include <shlobj.h>
#include <sapi.h>

/* ---- UTF-8 <-> UTF-16 ------------------------------------------------------------ */

/* A new UTF-16 copy of s (free() it), or NULL (errno EILSEQ or ENOMEM). */
static wchar_t *wide(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
    if (n <= 0) {
        errno = EILSEQ;
        return NULL;
    }
    wchar_t *w = malloc((size_t)n * sizeof *w);
    if (!w) {
        errno = ENOMEM;
        return NULL;
    }
    MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n);
    return w;
}

/* A new UTF-8 copy of w (free() it), or NULL. */
static char *narrow(const wchar_t *w)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    if (n <= 0)
        return NULL;
    char *s = malloc((size_t)n);
    if (s)
        WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL);
    return s;
}

#ifndef ERROR_DISK_QUOTA_EXCEEDED
#define ERROR_DISK_QUOTA_EXCEEDED 1295L     /* newer than MinGW's winerror.h */
#endif

/* errno from GetLastError(), for the common cases. */
static int errno_from(DWORD e)
{
    switch (e) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_INVALID_DRIVE:
        return ENOENT;
    case ERROR_ACCESS_DENIED:
    case ERROR_SHARING_VIOLATION:
    case ERROR_LOCK_VIOLATION:
        return EACCES;
    case ERROR_ALREADY_EXISTS:
    case ERROR_FILE_EXISTS:
        return EEXIST;
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY:
        return ENOMEM;
    case ERROR_DISK_FULL:
    case ERROR_HANDLE_DISK_FULL:
    case ERROR_DISK_QUOTA_EXCEEDED:
        return ENOSPC;
    case ERROR_WRITE_PROTECT:
        return EROFS;
    case ERROR_DIRECTORY:
        return ENOTDIR;
    case ERROR_DIR_NOT_EMPTY:
        return ENOTEMPTY;
    case ERROR_FILENAME_EXCED_RANGE:
        return ENAMETOOLONG;
    default:
        return EIO;
    }
}

static void set_errno_last(void)
{
    errno = errno_from(GetLastError());
}

/* ---- start ------------------------------------------------------------------------- */

void os_init(int *argc, char ***argv)
{
    int n = 0;
    wchar_t **wargv = CommandLineToArgvW(GetCommandLineW(), &n);
    if (wargv && n > 0) {
        /* kept for the whole run, as the C runtime keeps its own argv */
        char **v = calloc((size_t)n + 1, sizeof *v);
        int ok = v != NULL;
        for (int i = 0; ok && i < n; i++)
            ok = (v[i] = narrow(wargv[i])) != NULL;
        if (ok) {
            *argc = n;
            *argv = v;
        }
        LocalFree(wargv);
    }
    /* A GUI program has no console; started from one, it writes there
     * unless its output was redirected (then the handles are valid). */
    int out_ok = GetStdHandle(STD_OUTPUT_HANDLE) != NULL;
    int err_ok = GetStdHandle(STD_ERROR_HANDLE) != NULL;
    if ((!out_ok || !err_ok) && AttachConsole(ATTACH_PARENT_PROCESS)) {
        if (!out_ok)
            freopen("CONOUT$", "w", stdout);
        if (!err_ok)
            freopen("CONOUT$", "w", stderr);
    }
    SetConsoleOutputCP(CP_UTF8);
}

/* ---- files ------------------------------------------------------------------------ */

static int is_reparse_point(const wchar_t *w)
{
    DWORD a = GetFileAttributesW(w);
    return a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_REPARSE_POINT);
}

/* CreateFileW rather than _wopen: the C runtime shares a file for reading
 * and writing only, and emulates appending with a seek before each write. */
int os_open(const char *path, unsigned flags, unsigned mode)
{
    wchar_t *w = wide(path);
    if (!w)
        return -1;
    if ((flags & OS_O_NOFOLLOW) && is_reparse_point(w)) {
        free(w);
        errno = ELOOP;
        return -1;
    }
    int reads = !(flags & OS_O_WRONLY);
    int writes = (flags & (OS_O_RDWR | OS_O_WRONLY)) != 0;
    DWORD access = reads ? GENERIC_READ : 0;
    if (writes && (flags & OS_O_APPEND) && !(flags & OS_O_TRUNC))
        /* without FILE_WRITE_DATA, the system puts every write at the end */
        access |= FILE_APPEND_DATA | FILE_READ_ATTRIBUTES | SYNCHRONIZE;
    else if (writes)
        access |= GENERIC_WRITE;
    DWORD disposition = OPEN_EXISTING;
    if ((flags & OS_O_CREAT) && (flags & OS_O_EXCL))
        disposition = CREATE_NEW;
    else if ((flags & OS_O_CREAT) && (flags & OS_O_TRUNC))
        disposition = CREATE_ALWAYS;
    else if (flags & OS_O_CREAT)
        disposition = OPEN_ALWAYS;
    else if (flags & OS_O_TRUNC)
        disposition = TRUNCATE_EXISTING;
    /* a new file without the owner's write bit is made read-only, as _wopen does */
    DWORD attrs = (flags & OS_O_CREAT) && !(mode & 0200) ? FILE_ATTRIBUTE_READONLY
                                                          : FILE_ATTRIBUTE_NORMAL;
    HANDLE h = CreateFileW(w, access, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                           NULL, disposition, attrs, NULL);
    free(w);
    if (h == INVALID_HANDLE_VALUE) {
        set_errno_last();
        return -1;
    }
    int crt = _O_NOINHERIT | (writes ? 0 : _O_RDONLY) | ((flags & OS_O_APPEND) ? _O_APPEND : 0);
    int fd = _open_osfhandle((intptr_t)h, crt);
    if (fd < 0) {
        int e = errno;
        CloseHandle(h);
        errno = e;
    }
    return fd;
}

FILE *os_fopen(const char *path, const char *mode)
{
    wchar_t *w = wide(path), *m = wide(mode);
    FILE *f = w && m ? _wfopen(w, m) : NULL;
    int e = errno;
    free(w);
    free(m);
    errno = e;
    return f;
}

static long long filetime_ns(FILETIME ft)
{
    /* 100 ns ticks since 1601 */
    unsigned long long t = ((unsigned long long)ft.dwHighDateTime << 32) | ft.dwLowDateTime;
    return (long long)(t - 116444736000000000ULL) * 100;
}

static int attr_stat(const char *path, OsStat *st, int follow)
{
    wchar_t *w = wide(path);
    if (!w)
        return -1;
    WIN32_FILE_ATTRIBUTE_DATA a;
    BOOL ok = GetFileAttributesExW(w, GetFileExInfoStandard, &a);
    if (!ok) {
        set_errno_last();
        free(w);
        return -1;
    }
    int link = (a.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0;
    if (link && follow) {
        /* the target's own attributes */
        HANDLE h = CreateFileW(w, FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE |
                               FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                               FILE_FLAG_BACKUP_SEMANTICS, NULL);
        BY_HANDLE_FILE_INFORMATION bi;
        if (h == INVALID_HANDLE_VALUE || !GetFileInformationByHandle(h, &bi)) {
            set_errno_last();
            if (h != INVALID_HANDLE_VALUE)
                CloseHandle(h);
            free(w);
            return -1;
        }
        CloseHandle(h);
        a.dwFileAttributes = bi.dwFileAttributes;
        a.nFileSizeHigh = bi.nFileSizeHigh;
        a.nFileSizeLow = bi.nFileSizeLow;
        a.ftLastWriteTime = bi.ftLastWriteTime;
        link = 0;
    }
    free(w);
    st->kind = link ? OS_FILE_LINK
               : (a.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) ? OS_FILE_DIR
               : (a.dwFileAttributes & FILE_ATTRIBUTE_DEVICE) ? OS_FILE_OTHER : OS_FILE_REGULAR;
    st->size = ((unsigned long long)a.nFileSizeHigh << 32) | a.nFileSizeLow;
    st->mtime_ns = filetime_ns(a.ftLastWriteTime);
    st->mode = 0;
    st->dev = st->ino = 0;
    return 0;
}

int os_stat(const char *path, OsStat *st)
{
    return attr_stat(path, st, 1);
}

int os_lstat(const char *path, OsStat *st)
{
    return attr_stat(path, st, 0);
}

int os_fstat(int fd, OsStat *st)
{
    HANDLE h = (HANDLE)_get_osfhandle(fd);
    BY_HANDLE_FILE_INFORMATION bi;
    if (h == INVALID_HANDLE_VALUE) {
        errno = EBADF;
        return -1;
    }
    DWORD type = GetFileType(h);
    if (type != FILE_TYPE_DISK) {
        memset(st, 0, sizeof *st);
        st->kind = OS_FILE_OTHER;
        return 0;
    }
    if (!GetFileInformationByHandle(h, &bi)) {
        set_errno_last();
        return -1;
    }
    st->kind = (bi.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) ? OS_FILE_DIR : OS_FILE_REGULAR;
    st->size = ((unsigned long long)bi.nFileSizeHigh << 32) | bi.nFileSizeLow;
    st->mtime_ns = filetime_ns(bi.ftLastWriteTime);
    st->mode = 0;
    st->dev = bi.dwVolumeSerialNumber;
    st->ino = ((unsigned long long)bi.nFileIndexHigh << 32) | bi.nFileIndexLow;
    return 0;
}

int os_exists(const char *path)
{
    wchar_t *w = wide(path);
    int yes = w && GetFileAttributesW(w) != INVALID_FILE_ATTRIBUTES;
    free(w);
    return yes;
}

int os_mkdir(const char *path, unsigned mode)
{
    (void)mode;
    wchar_t *w = wide(path);
    if (!w)
        return -1;
    int rc = 0;
    if (!CreateDirectoryW(w, NULL)) {
        DWORD e = GetLastError();
        DWORD a = GetFileAttributesW(w);
        if (!(e == ERROR_ALREADY_EXISTS && a != INVALID_FILE_ATTRIBUTES &&
              (a & FILE_ATTRIBUTE_DIRECTORY))) {
            errno = errno_from(e);
            rc = -1;
        }
    }
    free(w);
    return rc;
}

static int is_sep(char c)
{
    return c == '\\' || c == '/';
}

/* Length of the part of path no mkdir can make: "C:\", "\\server\share\". */
static size_t root_len(const char *p)
{
    if (p[0] && p[1] == ':')
        return is_sep(p[2]) ? 3 : 2;
    if (is_sep(p[0]) && is_sep(p[1])) {
        size_t i = 2;
        for (int part = 0; part < 2; part++) {
            while (p[i] && !is_sep(p[i]))
                i++;
            if (p[i])
                i++;
        }
        return i;
    }
    return is_sep(p[0]) ? 1 : 0;
}

/* mkdir -p, with make() for each missing folder. */
static int make_dirs(const char *path, int (*make)(const char *p))
{
    size_t n = strlen(path);
    char *p = malloc(n + 1);
    if (!p) {
        errno = ENOMEM;
        return -1;
    }
    memcpy(p, path, n + 1);
    int rc = 0;
    for (size_t i = root_len(p); i < n && rc == 0; i++) {
        if (!is_sep(p[i]))
            continue;
        char c = p[i];
        p[i] = '\0';
        if (!os_exists(p))
            rc = make(p);
        p[i] = c;
    }
    if (rc == 0 && !os_exists(p))
        rc = make(p);
    int e = errno;
    free(p);
    errno = e;
    return rc;
}

static int make_plain(const char *p)
{
    return os_mkdir(p, 0);
}

int os_mkdirs(const char *path, unsigned mode)
{
    (void)mode;
    return make_dirs(path, make_plain);
}

char *os_realpath(const char *path)
{
    wchar_t *w = wide(path);
    if (!w)
        return NULL;
    wchar_t full[32768];
    DWORD n = GetFullPathNameW(w, sizeof full / sizeof full[0], full, NULL);
    free(w);
    if (n == 0 || n >= sizeof full / sizeof full[0]) {
        set_errno_last();
        return NULL;
    }
    if (GetFileAttributesW(full) == INVALID_FILE_ATTRIBUTES) {
        set_errno_last();
        return NULL;
    }
    return narrow(full);
}

int os_rename(const char *from, const char *to)
{
    wchar_t *wf = wide(from), *wt = wide(to);
    int rc = -1;
    if (wf && wt) {
        if (MoveFileExW(wf, wt, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
            rc = 0;
        else
            set_errno_last();
    }
    free(wf);
    free(wt);
    return rc;
}

int os_remove(const char *path)
{
    wchar_t *w = wide(path);
    int rc = -1;
    if (w) {
        if (DeleteFileW(w))
            rc = 0;
        else
            set_errno_last();
    }
    free(w);
    return rc;
}

static long long overlapped_io(int fd, void *buf, size_t n, unsigned long long off, int write)
{
    HANDLE h = (HANDLE)_get_osfhandle(fd);
    if (h == INVALID_HANDLE_VALUE) {
        errno = EBADF;
        return -1;
    }
    OVERLAPPED ov = {0};
    ov.Offset = (DWORD)off;
    ov.OffsetHigh = (DWORD)(off >> 32);
    DWORD chunk = n > 0x40000000u ? 0x40000000u : (DWORD)n, done = 0;
    BOOL ok = write ? WriteFile(h, buf, chunk, &done, &ov) : ReadFile(h, buf, chunk, &done, &ov);
    if (!ok) {
        DWORD e = GetLastError();
        if (!write && e == ERROR_HANDLE_EOF)
            return 0;
        errno = errno_from(e);
        return -1;
    }
    return (long long)done;
}

long long os_pread(int fd, void *buf, size_t n, unsigned long long off)
{
    return overlapped_io(fd, buf, n, off, 0);
}

long long os_pwrite(int fd, const void *buf, size_t n, unsigned long long off)
{
    return overlapped_io(fd, (void *)buf, n, off, 1);
}

int os_fsync(int fd)
{
    HANDLE h = (HANDLE)_get_osfhandle(fd);
    if (h == INVALID_HANDLE_VALUE) {
        errno = EBADF;
        return -1;
    }
    if (!FlushFileBuffers(h)) {
        set_errno_last();
        return -1;
    }
    return 0;
}

/* NTFS journals its names, and os_rename asks MoveFileEx to write through:
 * nothing more to flush for the folder. */
void os_sync_parent(const char *path)
{
    (void)path;
}

int os_fchmod(int fd, unsigned mode)
{
    (void)fd;
    (void)mode;
    return 0;
}

int os_mkstemp(char *tmpl)
{
    static const char set[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    size_t n = strlen(tmpl);
    if (n < 6 || strcmp(tmpl + n - 6, "XXXXXX") != 0) {
        errno = EINVAL;
        return -1;
    }
    LARGE_INTEGER pc;
    QueryPerformanceCounter(&pc);
    unsigned long long x = (unsigned long long)pc.QuadPart ^ ((unsigned long long)GetCurrentProcessId() << 32);
    for (int attempt = 0; attempt < 100; attempt++) {
        for (size_t i = n - 6; i < n; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            tmpl[i] = set[x % (sizeof set - 1)];
        }
        int fd = os_open(tmpl, OS_O_RDWR | OS_O_CREAT | OS_O_EXCL, 0600);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    errno = EEXIST;
    return -1;
}

int os_rmdir(const char *path)
{
    wchar_t *w = wide(path);
    int rc = -1;
    if (w) {
        if (RemoveDirectoryW(w))
            rc = 0;
        else
            set_errno_last();
    }
    free(w);
    return rc;
}

/* ---- what the learner store asks before it writes ------------------------------------ */

int os_may_write(const char *path)
{
    wchar_t *w = wide(path);
    if (!w)
        return -1;
    DWORD a = GetFileAttributesW(w);
    if (a == INVALID_FILE_ATTRIBUTES) {
        set_errno_last();
        free(w);
        return -1;
    }
    if (a & FILE_ATTRIBUTE_DIRECTORY) {
        free(w);
        return os_may_create_in(path);
    }
    HANDLE h = CreateFileW(w, GENERIC_READ | GENERIC_WRITE,
                           FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    free(w);
    if (h == INVALID_HANDLE_VALUE) {
        set_errno_last();
        return -1;
    }
    CloseHandle(h);
    return 0;
}

int os_may_create_in(const char *dir)
{
    wchar_t *wd = wide(dir);
    if (!wd)
        return -1;
    DWORD a = GetFileAttributesW(wd);
    free(wd);
    if (a == INVALID_FILE_ATTRIBUTES) {
        set_errno_last();
        return -1;
    }
    if (!(a & FILE_ATTRIBUTE_DIRECTORY)) {
        errno = ENOTDIR;
        return -1;
    }
    /* SQLite creates and deletes its -wal and -shm files there: both rights count */
    static LONG counter;
    for (int i = 0; i < 100; i++) {
        Buf p = BUF_INIT;
        buf_printf(&p, "%s\\.wardplayer-probe-%lu-%ld", dir, (unsigned long)GetCurrentProcessId(),
                   (long)InterlockedIncrement(&counter));
        wchar_t *w = p.failed ? NULL : wide(p.data);
        buf_release(&p);
        if (!w) {
            errno = ENOMEM;
            return -1;
        }
        HANDLE h = CreateFileW(w, GENERIC_WRITE | DELETE, 0, NULL, CREATE_NEW,
                               FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_TEMPORARY |
                               FILE_FLAG_DELETE_ON_CLOSE, NULL);
        DWORD e = GetLastError();
        free(w);
        if (h != INVALID_HANDLE_VALUE) {
            CloseHandle(h);
            return 0;
        }
        if (e != ERROR_FILE_EXISTS && e != ERROR_ALREADY_EXISTS) {
            errno = errno_from(e);
            return -1;
        }
    }
    errno = EEXIST;
    return -1;
}

int os_may_leave_files_in(const char *dir)
{
    (void)dir;
    return 1;
}

int os_free_space(const char *path, unsigned long long *bytes)
{
    wchar_t *w = wide(path);
    if (!w)
        return -1;
    ULARGE_INTEGER avail;
    BOOL ok = GetDiskFreeSpaceExW(w, &avail, NULL, NULL);
    if (!ok)
        set_errno_last();
    free(w);
    if (!ok)
        return -1;
    *bytes = avail.QuadPart;
    return 0;
}

long os_process_id(void)
{
    return (long)GetCurrentProcessId();
}

/* ---- byte-range locks ----------------------------------------------------------------
 * LockFileEx locks belong to the handle (another handle of this process
 * conflicts with them too) and go when it is closed or the process ends. */

struct OsLockFile {
    HANDLE h;
};

OsLockFile *os_lock_file_open(const char *path)
{
    wchar_t *w = wide(path);
    if (!w)
        return NULL;
    OsLockFile *f = malloc(sizeof *f);
    if (!f) {
        free(w);
        errno = ENOMEM;
        return NULL;
    }
    f->h = CreateFileW(w, GENERIC_READ | GENERIC_WRITE,
                       FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_ALWAYS,
                       FILE_ATTRIBUTE_NORMAL, NULL);
    DWORD e = GetLastError();
    free(w);
    if (f->h == INVALID_HANDLE_VALUE) {
        free(f);
        errno = errno_from(e);
        return NULL;
    }
    return f;
}

void os_lock_file_close(OsLockFile *f)
{
    if (!f)
        return;
    CloseHandle(f->h);
    free(f);
}

static OVERLAPPED lock_at(unsigned long long at)
{
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ov.Offset = (DWORD)at;
    ov.OffsetHigh = (DWORD)(at >> 32);
    return ov;
}

/* LockFileEx without waiting: 0 taken, 1 held by another handle, -1. */
static int lock_now(HANDLE h, DWORD how, unsigned long long at, unsigned long long len)
{
    OVERLAPPED ov = lock_at(at);
    if (LockFileEx(h, how | LOCKFILE_FAIL_IMMEDIATELY, 0, (DWORD)len, (DWORD)(len >> 32), &ov))
        return 0;
    DWORD e = GetLastError();
    if (e == ERROR_LOCK_VIOLATION || e == ERROR_IO_PENDING)
        return 1;
    errno = errno_from(e);
    return -1;
}

int os_lock_try(OsLockFile *f, unsigned long long at, unsigned long long len)
{
    return lock_now(f->h, LOCKFILE_EXCLUSIVE_LOCK, at, len);
}

void os_lock_release(OsLockFile *f, unsigned long long at, unsigned long long len)
{
    OVERLAPPED ov = lock_at(at);
    UnlockFileEx(f->h, 0, (DWORD)len, (DWORD)(len >> 32), &ov);
}

/* A shared lock: it fails only where another handle holds an exclusive
 * one (the players' locks all are), and two probes never refuse each other. */
int os_lock_probe(OsLockFile *f, unsigned long long at, unsigned long long len)
{
    int rc = lock_now(f->h, 0, at, len);
    if (rc == 0)
        os_lock_release(f, at, len);
    return rc;
}

/* ---- folders ------------------------------------------------------------------------- */

struct OsDir {
    char *path;                 /* the folder, UTF-8, malloc'd */
    HANDLE h;
    WIN32_FIND_DATAW fd;
    int first;                  /* fd holds an entry not yet returned */
    char *name;                 /* the last name returned, malloc'd */
};

OsDir *os_dir_open(const char *path)
{
    Buf pat = BUF_INIT;
    size_t n = strlen(path);
    buf_printf(&pat, "%s%s*", path, n && is_sep(path[n - 1]) ? "" : "\\");
    wchar_t *w = pat.failed ? NULL : wide(pat.data);
    buf_release(&pat);
    OsDir *d = w ? calloc(1, sizeof *d) : NULL;
    if (!d) {
        free(w);
        if (!errno)
            errno = ENOMEM;
        return NULL;
    }
    d->h = FindFirstFileW(w, &d->fd);
    free(w);
    if (d->h == INVALID_HANDLE_VALUE || !(d->path = strdup(path))) {
        set_errno_last();
        if (d->h != INVALID_HANDLE_VALUE)
            FindClose(d->h);
        free(d);
        return NULL;
    }
    d->first = 1;
    return d;
}

const char *os_dir_next(OsDir *d, int *kind)
{
    for (;;) {
        if (!d->first && !FindNextFileW(d->h, &d->fd))
            return NULL;
        d->first = 0;
        if (wcscmp(d->fd.cFileName, L".") == 0 || wcscmp(d->fd.cFileName, L"..") == 0)
            continue;
        free(d->name);
        d->name = narrow(d->fd.cFileName);
        if (!d->name)
            continue;
        if (kind) {
            DWORD a = d->fd.dwFileAttributes;
            *kind = (a & FILE_ATTRIBUTE_REPARSE_POINT) ? OS_FILE_LINK
                    : (a & FILE_ATTRIBUTE_DIRECTORY) ? OS_FILE_DIR : OS_FILE_REGULAR;
        }
        return d->name;
    }
}

void os_dir_close(OsDir *d)
{
    if (!d)
        return;
    FindClose(d->h);
    free(d->name);
    free(d->path);
    free(d);
}

/* Windows has no openat: the joined path, its reparse points refused. */
static char *join(const OsDir *d, const char *name)
{
    Buf p = BUF_INIT;
    size_t n = strlen(d->path);
    buf_printf(&p, "%s%s%s", d->path, n && is_sep(d->path[n - 1]) ? "" : "\\", name);
    return buf_detach(&p, NULL);
}

int os_dir_lstat_at(OsDir *d, const char *name, OsStat *st)
{
    char *p = join(d, name);
    int rc = p ? os_lstat(p, st) : -1;
    free(p);
    return rc;
}

OsDir *os_dir_open_at(OsDir *d, const char *name)
{
    char *p = join(d, name);
    OsStat st;
    OsDir *sub = NULL;
    if (p && os_lstat(p, &st) == 0) {
        if (st.kind == OS_FILE_LINK)
            errno = ELOOP;
        else
            sub = os_dir_open(p);
    }
    free(p);
    return sub;
}

/* ---- where things live ---------------------------------------------------------------- */

/* %PROGRAMDATA%\wardplayer, from the shell (the variable can be unset in a
 * service's environment); "" when neither knows. */
static const char *program_data(void)
{
    static char dir[MAX_PATH * 4];
    if (dir[0])
        return dir;
    PWSTR w = NULL;
    char *s = NULL;
    if (SHGetKnownFolderPath(&FOLDERID_ProgramData, 0, NULL, &w) == S_OK)
        s = narrow(w);
    CoTaskMemFree(w);
    if (!s) {
        const wchar_t *e = _wgetenv(L"PROGRAMDATA");
        s = e ? narrow(e) : NULL;
    }
    if (s && strlen(s) + sizeof "\\wardplayer" < sizeof dir)
        snprintf(dir, sizeof dir, "%s\\wardplayer", s);
    free(s);
    return dir;
}

int os_data_dir(Buf *out)
{
    const char *base = program_data();
    if (!*base)
        return -1;
    buf_printf(out, "%s\\data", base);
    return 0;
}

const char *os_config_dir(void)
{
    const char *base = program_data();
    return *base ? base : "C:\\ProgramData\\wardplayer";
}

/* The data folder: SYSTEM and Administrators full control, Users (every
 * account of the PC) modify, inherited by the files inside, so one learner
 * database serves every account. The parents inherit as usual. */
static int make_shared(const char *p)
{
    wchar_t *w = wide(p);
    if (!w)
        return -1;
    PSECURITY_DESCRIPTOR sd = NULL;
    SECURITY_ATTRIBUTES sa = { sizeof sa, NULL, FALSE };
    if (ConvertStringSecurityDescriptorToSecurityDescriptorW(
            L"D:(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1301bf;;;BU)", SDDL_REVISION_1, &sd,
            NULL))
        sa.lpSecurityDescriptor = sd;
    int rc = 0;
    if (!CreateDirectoryW(w, &sa) && GetLastError() != ERROR_ALREADY_EXISTS) {
        set_errno_last();
        rc = -1;
    }
    LocalFree(sd);
    free(w);
    return rc;
}

int os_make_data_dir(const char *path)
{
    if (os_exists(path))
        return 0;
    /* the parents as usual, the data folder itself shared */
    Buf parent = BUF_INIT;
    const char *end = path + strlen(path);
    while (end > path && is_sep(end[-1]))
        end--;
    while (end > path && !is_sep(end[-1]))
        end--;
    int rc = 0;
    if (end > path + root_len(path)) {
        buf_append(&parent, path, (size_t)(end - path - 1));
        rc = parent.failed ? -1 : os_mkdirs(parent.data, 0);
    }
    buf_release(&parent);
    return rc == 0 ? make_shared(path) : -1;
}

const char *os_ui_language(void)
{
    const char *lang = getenv("LANG");
    if (lang && *lang)
        return lang;
    return PRIMARYLANGID(GetUserDefaultUILanguage()) == LANG_FRENCH ? "fr_FR" : "en_US";
}

/* ---- private files -------------------------------------------------------------------- */

/* The account running this program, as a SID (free() it), or NULL. */
static PSID current_user(void)
{
    HANDLE tok;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &tok))
        return NULL;
    DWORD n = 0;
    GetTokenInformation(tok, TokenUser, NULL, 0, &n);
    TOKEN_USER *tu = n ? malloc(n) : NULL;
    PSID sid = NULL;
    if (tu && GetTokenInformation(tok, TokenUser, tu, n, &n)) {
        DWORD len = GetLengthSid(tu->User.Sid);
        sid = malloc(len);
        if (sid)
            CopySid(len, sid, tu->User.Sid);
    }
    free(tu);
    CloseHandle(tok);
    return sid;
}

static int is_well_known(PSID sid, WELL_KNOWN_SID_TYPE type)
{
    return IsWellKnownSid(sid, type) != 0;
}

/* 1 when this program runs with the Administrators group in force (an
 * elevated administrator, SYSTEM, or Wine's user). */
static int caller_is_admin(void)
{
    BYTE buf[SECURITY_MAX_SID_SIZE];
    DWORD n = sizeof buf;
    BOOL member = FALSE;
    if (!CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, buf, &n) ||
        !CheckTokenMembership(NULL, buf, &member))
        return 0;
    return member != 0;
}

/* "DOMAIN\name" of a SID, else its S-1-5-... text; appended to out. */
static void sid_name(PSID sid, Buf *out)
{
    wchar_t name[256], dom[256];
    DWORD nn = 256, dn = 256;
    SID_NAME_USE use;
    if (LookupAccountSidW(NULL, sid, name, &nn, dom, &dn, &use)) {
        char *a = narrow(dom), *b = narrow(name);
        if (a && b)
            buf_printf(out, "%s%s%s", a, *a ? "\\" : "", b);
        free(a);
        free(b);
        if (a && b)
            return;
    }
    LPWSTR str = NULL;
    if (ConvertSidToStringSidW(sid, &str)) {
        char *s = narrow(str);
        buf_puts(out, s ? s : "?");
        free(s);
        LocalFree(str);
    } else {
        buf_puts(out, "?");
    }
}

/* The icacls command that makes path private (SIDs, not names: "Administrators"
 * is « Administrateurs » on a French Windows). */
static void fix_command(const char *path, int secret, Buf *out)
{
    if (secret)
        buf_printf(out, "icacls \"%s\" /inheritance:r /grant:r *S-1-5-32-544:F *S-1-5-18:F "
                        "ACCOUNT:R, with ACCOUNT the one that runs the player", path);
    else
        buf_printf(out, "icacls \"%s\" /inheritance:r /grant:r *S-1-5-32-544:F *S-1-5-18:F "
                        "*S-1-5-32-545:R", path);
}

#define WRITE_RIGHTS (FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_EA | \
                      FILE_WRITE_ATTRIBUTES | DELETE | WRITE_DAC | WRITE_OWNER | \
                      GENERIC_WRITE | GENERIC_ALL)
#define READ_RIGHTS (FILE_READ_DATA | GENERIC_READ | GENERIC_ALL)

/* Owner and ACL checks on the open file h; 0, or -1 with the message. */
static int check_admin_file(HANDLE h, const char *path, int secret, Buf *err)
{
    PSID owner = NULL;
    PACL dacl = NULL;
    PSECURITY_DESCRIPTOR sd = NULL;
    PSID me = current_user();
    int ret = -1;
    DWORD e = GetSecurityInfo(h, SE_FILE_OBJECT,
                              OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION, &owner,
                              NULL, &dacl, NULL, &sd);
    if (e != ERROR_SUCCESS || !me) {
        buf_printf(err, "%s: error: cannot read its permissions (error %lu)", path,
                   (unsigned long)e);
        goto out;
    }
    /* Any account may create files in %PROGRAMDATA%\wardplayer: a file an
     * ordinary user made there must not decide where results go. */
    if (!(is_well_known(owner, WinBuiltinAdministratorsSid) ||
          is_well_known(owner, WinLocalSystemSid) || (EqualSid(owner, me) && caller_is_admin()))) {
        buf_printf(err, "%s: error: owned by ", path);
        sid_name(owner, err);
        buf_printf(err, ", not by the administrators (make it theirs: icacls \"%s\" /setowner "
                        "*S-1-5-32-544)", path);
        goto out;
    }
    if (!dacl) {
        buf_printf(err, "%s: error: readable and writable by everyone (no access list) (",
                   path);
        fix_command(path, secret, err);
        buf_putc(err, ')');
        goto out;
    }
    for (DWORD i = 0; i < dacl->AceCount; i++) {
        ACE_HEADER *ace;
        if (!GetAce(dacl, i, (void **)&ace) || ace->AceType != ACCESS_ALLOWED_ACE_TYPE ||
            (ace->AceFlags & INHERIT_ONLY_ACE))
            continue;
        ACCESS_ALLOWED_ACE *a = (ACCESS_ALLOWED_ACE *)ace;
        PSID sid = (PSID)&a->SidStart;
        if (is_well_known(sid, WinBuiltinAdministratorsSid) ||
            is_well_known(sid, WinLocalSystemSid) || EqualSid(sid, me) ||
            is_well_known(sid, WinCreatorOwnerSid))
            continue;
        if (!(a->Mask & (secret ? READ_RIGHTS | WRITE_RIGHTS : WRITE_RIGHTS)))
            continue;
        buf_printf(err, "%s: error: %s by ", path,
                   secret ? "readable or writable" : "writable");
        sid_name(sid, err);
        buf_puts(err, secret ? " (it holds the LRS password: " : ", so learners could change "
                 "it (");
        fix_command(path, secret, err);
        buf_putc(err, ')');
        goto out;
    }
    ret = 0;
out:
    if (sd)
        LocalFree(sd);
    free(me);
    return ret;
}

int os_read_admin_file(const char *path, size_t max, int secret, char **text, size_t *len,
                       Buf *err)
{
    *text = NULL;
    *len = 0;
    wchar_t *w = wide(path);
    if (!w) {
        buf_printf(err, "%s: error: not a valid UTF-8 file name", path);
        return -1;
    }
    HANDLE h = CreateFileW(w, GENERIC_READ | READ_CONTROL, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                           FILE_FLAG_OPEN_REPARSE_POINT, NULL);
    free(w);
    if (h == INVALID_HANDLE_VALUE) {
        DWORD e = GetLastError();
        if (e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND)
            return 1;
        buf_printf(err, "%s: error: cannot open: %s (%s)", path, strerror(errno_from(e)),
                   secret ? "the LRS configuration must be readable by the account that runs "
                            "the sync" : "make it readable by the account that runs the player");
        return -1;
    }
    int ret = -1;
    char *buf = NULL;
    size_t cap = 0;
    BY_HANDLE_FILE_INFORMATION bi;
    if (!GetFileInformationByHandle(h, &bi)) {
        buf_printf(err, "%s: error: cannot stat: %s", path, strerror(errno_from(GetLastError())));
        goto out;
    }
    if (bi.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) {
        buf_printf(err, "%s: error: is a symbolic link (point the configuration at the real "
                        "file)", path);
        goto out;
    }
    if (bi.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY || GetFileType(h) != FILE_TYPE_DISK) {
        buf_printf(err, "%s: error: not a regular file (give the path of the %s file)", path,
                   secret ? "configuration" : "settings");
        goto out;
    }
    if (check_admin_file(h, path, secret, err) < 0)
        goto out;
    unsigned long long size = ((unsigned long long)bi.nFileSizeHigh << 32) | bi.nFileSizeLow;
    if (size > max) {
        buf_printf(err, "%s: error: larger than %zu bytes (is this the %s?)", path, max,
                   secret ? "LRS configuration" : "settings file");
        goto out;
    }
    cap = (size_t)size;
    buf = malloc(cap + 1);
    if (!buf) {
        buf_printf(err, "%s: error: out of memory", path);
        goto out;
    }
    size_t got = 0;
    while (got < cap) {
        DWORD n = 0;
        if (!ReadFile(h, buf + got, (DWORD)(cap - got), &n, NULL)) {
            buf_printf(err, "%s: error: cannot read: %s", path,
                       strerror(errno_from(GetLastError())));
            goto out;
        }
        if (n == 0)
            break;
        got += n;
    }
    buf[got] = '\0';
    *text = buf;
    *len = got;
    buf = NULL;
    ret = 0;
out:
    if (buf) {
        SecureZeroMemory(buf, cap);
        free(buf);
    }
    CloseHandle(h);
    return ret;
}

/* ---- time ----------------------------------------------------------------------------- */

long long os_now_ms(void)
{
    FILETIME ft;
    GetSystemTimePreciseAsFileTime(&ft);
    return filetime_ns(ft) / 1000000;
}

long long os_monotonic_ms(void)
{
    return (long long)GetTickCount64();
}

void os_gmtime(long long t, struct tm *out)
{
    __time64_t tt = (__time64_t)t;
    if (_gmtime64_s(out, &tt) != 0)
        memset(out, 0, sizeof *out);
}

void os_sleep_ms(long ms)
{
    Sleep(ms > 0 ? (DWORD)ms : 0);
}

/* ---- threads --------------------------------------------------------------------------- */

struct OsThread {
    HANDLE h;
    void (*fn)(void *);
    void *arg;
};

static unsigned __stdcall thread_main(void *p)
{
    OsThread *t = p;
    t->fn(t->arg);
    return 0;
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
    /* _beginthreadex, not CreateThread: the thread uses the C runtime */
    uintptr_t h = _beginthreadex(NULL, 0, thread_main, t, 0, NULL);
    if (!h) {
        buf_puts(err, strerror(errno));
        free(t);
        return NULL;
    }
    t->h = (HANDLE)h;
    return t;
}

void os_thread_join(OsThread *t)
{
    if (!t)
        return;
    WaitForSingleObject(t->h, INFINITE);
    CloseHandle(t->h);
    free(t);
}

void os_once(void (*fn)(void))
{
    static SRWLOCK lock = SRWLOCK_INIT;
    static void (*done[8])(void);
    AcquireSRWLockExclusive(&lock);
    int seen = 0;
    size_t i;
    for (i = 0; i < sizeof done / sizeof done[0] && done[i]; i++)
        seen |= done[i] == fn;
    if (!seen) {
        fn();
        if (i < sizeof done / sizeof done[0])
            done[i] = fn;
    }
    ReleaseSRWLockExclusive(&lock);
}

struct OsMutex {
    SRWLOCK lock;
};

OsMutex *os_mutex_new(void)
{
    OsMutex *m = malloc(sizeof *m);
    if (!m) {
        errno = ENOMEM;
        return NULL;
    }
    InitializeSRWLock(&m->lock);
    return m;
}

void os_mutex_lock(OsMutex *m)
{
    AcquireSRWLockExclusive(&m->lock);
}

void os_mutex_unlock(OsMutex *m)
{
    ReleaseSRWLockExclusive(&m->lock);
}

void os_mutex_free(OsMutex *m)
{
    free(m);
}

/* ---- child process ----------------------------------------------------------------------- */

struct OsChild {
    HANDLE process;
};

/* One argument quoted for CommandLineToArgvW's rules (backslashes double
 * only before a quote). */
static void quote_arg(Buf *cmd, const char *a)
{
    if (*a && !strpbrk(a, " \t\"")) {
        buf_puts(cmd, a);
        return;
    }
    buf_putc(cmd, '"');
    for (const char *p = a;; p++) {
        size_t bs = 0;
        while (*p == '\\') {
            bs++;
            p++;
        }
        if (!*p) {
            for (size_t i = 0; i < bs * 2; i++)
                buf_putc(cmd, '\\');
            break;
        }
        for (size_t i = 0; i < (*p == '"' ? bs * 2 + 1 : bs); i++)
            buf_putc(cmd, '\\');
        buf_putc(cmd, *p);
    }
    buf_putc(cmd, '"');
}

static void win_error(Buf *err, const char *what, DWORD e)
{
    wchar_t msg[512];
    if (FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, e, 0,
                       msg, 512, NULL)) {
        size_t n = wcslen(msg);
        while (n && (msg[n - 1] == L'\r' || msg[n - 1] == L'\n' || msg[n - 1] == L'.'))
            msg[--n] = 0;
        char *s = narrow(msg);
        buf_printf(err, "%s: %s", what, s ? s : "?");
        free(s);
    } else {
        buf_printf(err, "%s: error %lu", what, (unsigned long)e);
    }
}

OsChild *os_child_start(const char *const argv[], const char *text, size_t len, Buf *err)
{
    Buf cmd = BUF_INIT;
    for (size_t i = 0; argv[i]; i++) {
        if (i)
            buf_putc(&cmd, ' ');
        quote_arg(&cmd, argv[i]);
    }
    wchar_t *wcmd = cmd.failed ? NULL : wide(cmd.data);
    buf_release(&cmd);
    OsChild *c = wcmd ? calloc(1, sizeof *c) : NULL;
    Buf what = BUF_INIT;
    buf_printf(&what, "cannot start %s", argv[0]);
    if (!c) {
        buf_printf(err, "%s: out of memory or a bad name", what.data);
        goto fail;
    }
    SECURITY_ATTRIBUTES sa = { sizeof sa, NULL, TRUE };
    HANDLE rd = NULL, wr = NULL;
    /* 64 KB of pipe: the text is written at once without blocking */
    if (!CreatePipe(&rd, &wr, &sa, 65536)) {
        win_error(err, what.data, GetLastError());
        goto fail;
    }
    SetHandleInformation(wr, HANDLE_FLAG_INHERIT, 0);
    HANDLE nul = CreateFileW(L"NUL", GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, &sa,
                             OPEN_EXISTING, 0, NULL);
    STARTUPINFOW si = { .cb = sizeof si, .dwFlags = STARTF_USESTDHANDLES };
    si.hStdInput = rd;
    si.hStdOutput = nul;
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    PROCESS_INFORMATION pi;
    BOOL ok = CreateProcessW(NULL, wcmd, NULL, NULL, TRUE, CREATE_NO_WINDOW, NULL, NULL, &si,
                             &pi);
    DWORD e = GetLastError();
    CloseHandle(rd);
    if (nul != INVALID_HANDLE_VALUE)
        CloseHandle(nul);
    if (!ok) {
        CloseHandle(wr);
        win_error(err, what.data, e);
        goto fail;
    }
    CloseHandle(pi.hThread);
    c->process = pi.hProcess;
    if (len > 60000)
        len = 60000;
    DWORD written;
    WriteFile(wr, text, (DWORD)len, &written, NULL);
    CloseHandle(wr);
    free(wcmd);
    buf_release(&what);
    return c;
fail:
    free(wcmd);
    free(c);
    buf_release(&what);
    return NULL;
}

int os_child_running(OsChild *c)
{
    if (!c || !c->process)
        return 0;
    if (WaitForSingleObject(c->process, 0) == WAIT_OBJECT_0) {
        CloseHandle(c->process);
        c->process = NULL;
        return 0;
    }
    return 1;
}

void os_child_stop(OsChild *c)
{
    if (!c)
        return;
    if (c->process) {
        TerminateProcess(c->process, 1);
        WaitForSingleObject(c->process, 5000);
        CloseHandle(c->process);
    }
    free(c);
}

/* ---- speech: SAPI ----------------------------------------------------------------------- */

static ISpVoice *voice;
static char voice_lang[8];

/* The installed voice for lang (LCID 40C French, 409 English), if any. */
static void choose_voice(const char *lang)
{
    ISpObjectTokenCategory *cat = NULL;
    IEnumSpObjectTokens *list = NULL;
    ISpObjectToken *token = NULL;
    const wchar_t *want = strcmp(lang, "en") == 0 ? L"Language=409" : L"Language=40C";
    if (FAILED(CoCreateInstance(&CLSID_SpObjectTokenCategory, NULL, CLSCTX_ALL,
                                &IID_ISpObjectTokenCategory, (void **)&cat)))
        return;
    if (SUCCEEDED(ISpObjectTokenCategory_SetId(cat, SPCAT_VOICES, FALSE)) &&
        SUCCEEDED(ISpObjectTokenCategory_EnumTokens(cat, want, NULL, &list)) &&
        IEnumSpObjectTokens_Next(list, 1, &token, NULL) == S_OK) {
        ISpVoice_SetVoice(voice, token);
        ISpObjectToken_Release(token);
    }
    if (list)
        IEnumSpObjectTokens_Release(list);
    ISpObjectTokenCategory_Release(cat);
}

int os_speech_start(const char *text, const char *lang, Buf *err)
{
    if (!voice) {
        HRESULT hr = CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
        (void)hr;       /* S_FALSE or RPC_E_CHANGED_MODE: COM is usable as it is */
        hr = CoCreateInstance(&CLSID_SpVoice, NULL, CLSCTX_ALL, &IID_ISpVoice, (void **)&voice);
        if (FAILED(hr)) {
            voice = NULL;
            buf_printf(err, "cannot read aloud: Windows' speech service is missing (error "
                            "0x%08lx)", (unsigned long)hr);
            return -1;
        }
    }
    if (strcmp(voice_lang, lang) != 0) {
        choose_voice(lang);
        snprintf(voice_lang, sizeof voice_lang, "%s", lang);
    }
    wchar_t *w = wide(text);
    if (!w) {
        buf_puts(err, "cannot read aloud: the text is not valid UTF-8");
        return -1;
    }
    HRESULT hr = ISpVoice_Speak(voice, w, SPF_ASYNC | SPF_PURGEBEFORESPEAK | SPF_IS_NOT_XML,
                                NULL);
    free(w);
    if (FAILED(hr)) {
        buf_printf(err, "cannot read aloud: no voice for '%s' is installed (error 0x%08lx; "
                        "add one in Settings > Time & Language > Speech)", lang,
                   (unsigned long)hr);
        return -1;
    }
    return 0;
}

int os_speech_busy(void)
{
    SPVOICESTATUS st;
    if (!voice || FAILED(ISpVoice_GetStatus(voice, &st, NULL)))
        return 0;
    return st.dwRunningState == SPRS_IS_SPEAKING;
}

void os_speech_stop(void)
{
    if (voice)
        ISpVoice_Speak(voice, NULL, SPF_PURGEBEFORESPEAK, NULL);
}

int os_stdin_is_terminal(void)
{
    return _isatty(_fileno(stdin));
}

/* ---- the session manager asking the program to end ----------------------------- */

void os_catch_quit_signals(void)
{
}

const char *os_quit_signal(void)
{
    return NULL;
}

/* ---- shared libraries --------------------------------------------------------------- */

int os_library_dir_of(const void *addr, Buf *out)
{
    HMODULE m = NULL;
    wchar_t w[32768];
    if (!GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                            GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT, (LPCWSTR)addr, &m))
        return -1;
    DWORD n = GetModuleFileNameW(m, w, sizeof w / sizeof w[0]);
    if (n == 0 || n >= sizeof w / sizeof w[0])
        return -1;
    while (n && w[n - 1] != L'\\')
        n--;
    if (n)
        w[n - 1] = 0;
    char *s = narrow(w);
    if (!s)
        return -1;
    buf_puts(out, s);
    free(s);
    return 0;
}

void *os_library_open(const char *name, Buf *err)
{
    wchar_t *w = wide(name);
    HMODULE h = w ? LoadLibraryW(w) : NULL;
    if (!h)
        win_error(err, name, GetLastError());
    free(w);
    return (void *)h;
}

void *os_library_symbol(void *lib, const char *name)
{
    return (void *)GetProcAddress((HMODULE)lib, name);
}

/* ---- fonts ------------------------------------------------------------------------------- */

/* The folder holding this program, UTF-8, with a trailing backslash. */
static int program_dir(Buf *out)
{
    wchar_t w[32768];
    DWORD n = GetModuleFileNameW(NULL, w, sizeof w / sizeof w[0]);
    if (n == 0 || n >= sizeof w / sizeof w[0])
        return -1;
    while (n && w[n - 1] != L'\\' && w[n - 1] != L'/')
        n--;
    w[n] = 0;
    char *s = narrow(w);
    if (!s)
        return -1;
    buf_puts(out, s);
    free(s);
    return 0;
}

int os_font_files(char *paths[OS_FONT_COUNT], Buf *err)
{
    static const char *const files[OS_FONT_COUNT] = {
        "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf",
        "DejaVuSans-BoldOblique.ttf", "DejaVuSansMono.ttf",
    };
    memset(paths, 0, OS_FONT_COUNT * sizeof paths[0]);
    Buf dir = BUF_INIT;
    if (program_dir(&dir) < 0) {
        buf_puts(err, "cannot find the program's folder for its fonts");
        return -1;
    }
    for (int i = 0; i < OS_FONT_COUNT; i++) {
        Buf p = BUF_INIT;
        buf_printf(&p, "%sfonts\\%s", dir.data, files[i]);
        if (!p.failed && os_exists(p.data))
            paths[i] = buf_detach(&p, NULL);
        buf_release(&p);
    }
    int rc = 0;
    for (int i = 0; i < OS_FONT_COUNT; i++) {
        if (!paths[i] && paths[OS_FONT_REGULAR])
            paths[i] = strdup(paths[OS_FONT_REGULAR]);
        if (!paths[i])
            rc = -1;
    }
    if (rc < 0) {
        buf_printf(err, "cannot find the fonts in %sfonts (install wardplayer again)",
                   dir.data);
        for (int i = 0; i < OS_FONT_COUNT; i++) {
            free(paths[i]);
            paths[i] = NULL;
        }
    }
    buf_release(&dir);
    return rc;
}
