/* os: the platform layer. Everything the operating system does differently on
 * POSIX (os_posix.c) and Windows (os_win.c) goes through here, in the spirit
 * of SQLite's os_unix.c / os_win.c: file names and paths in UTF-8 (Windows
 * converts them to UTF-16 at this boundary), durable file replacement, data
 * and settings folders, a private file for secrets, threads, the read-aloud
 * child process, clocks and the fonts. The rest of the code calls only os_*,
 * plain C and its libraries. Errors follow STYLE.md: -1 (or NULL) with errno
 * set (the POSIX meaning, Windows errors mapped), or a message in a Buf. */
#ifndef OS_H
#define OS_H

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "buf.h"

/* A full quota: MinGW's C library has no EDQUOT, and os_win.c reports
 * Windows' quota errors as ENOSPC. */
#ifndef EDQUOT
#define EDQUOT ENOSPC
#endif

#ifdef _WIN32
#define OS_SEP '\\'             /* the separator paths are shown with */
#define OS_SEP_STR "\\"
#else
#define OS_SEP '/'
#define OS_SEP_STR "/"
#endif

/* Once at the start of main(). Windows: replaces argv with the command line
 * in UTF-8 (the C runtime's argv is in the ANSI code page, which cannot hold
 * « Hélène » everywhere), and attaches to the console the program was started
 * from, if any, with UTF-8 output (the program is a GUI one, so a shortcut
 * opens no console window). POSIX: nothing. */
void os_init(int *argc, char ***argv);

/* ---- files: UTF-8 paths ------------------------------------------------------ */

/* Flags for os_open; the file is never inherited by a child process and is
 * opened in binary mode. */
#define OS_O_RDONLY     0x0u
#define OS_O_RDWR       0x1u
#define OS_O_WRONLY     0x2u
#define OS_O_CREAT      0x4u
#define OS_O_EXCL       0x8u
#define OS_O_TRUNC      0x10u
#define OS_O_APPEND     0x20u
#define OS_O_NOFOLLOW   0x40u   /* fail with ELOOP on a symbolic link (reparse point) */
#define OS_O_NONBLOCK   0x80u   /* POSIX: a FIFO does not block the open */

/* A file descriptor (read(), write(), close() work on it), or -1 (errno).
 * OS_O_APPEND: each write() lands whole at the end of the file, also when
 * other processes append to it (Windows: a handle that may only append).
 * Windows: the file is shared for reading, writing and deletion, so another
 * process may rename or remove it while it is open, as on POSIX. */
int os_open(const char *path, unsigned flags, unsigned mode);

/* fopen() for a UTF-8 path; mode as fopen's ("rb", "wb", "a"...). */
FILE *os_fopen(const char *path, const char *mode);

enum { OS_FILE_OTHER, OS_FILE_REGULAR, OS_FILE_DIR, OS_FILE_LINK };

typedef struct OsStat {
    int kind;                   /* OS_FILE_*; os_stat follows links, os_lstat does not */
    unsigned long long size;    /* bytes */
    long long mtime_ns;         /* modification time, ns since 1970 */
    unsigned mode;              /* POSIX permission bits (07777); Windows: 0 */
    unsigned long long dev, ino;    /* the file's identity (Windows: 0) */
} OsStat;

/* 0, or -1 (errno: ENOENT when missing). */
int os_stat(const char *path, OsStat *st);
int os_lstat(const char *path, OsStat *st);
int os_fstat(int fd, OsStat *st);

/* 1 when path names something (a file, a folder), else 0. */
int os_exists(const char *path);

/* mkdir: 0 (also when it already is a folder) or -1 (errno). mode: POSIX. */
int os_mkdir(const char *path, unsigned mode);
/* mkdir -p: every missing folder of path, each with mode. 0 or -1 (errno). */
int os_mkdirs(const char *path, unsigned mode);

/* Renames from over to, replacing to if it exists (atomically where the
 * system can). 0 or -1 (errno). */
int os_rename(const char *from, const char *to);
/* Removes a file. 0 or -1 (errno). */
int os_remove(const char *path);

/* pread/pwrite: the file offset is not used (it may move on Windows). */
long long os_pread(int fd, void *buf, size_t n, unsigned long long off);
long long os_pwrite(int fd, const void *buf, size_t n, unsigned long long off);

/* Makes what was written to fd durable (fsync / FlushFileBuffers). 0 or -1. */
int os_fsync(int fd);
/* Makes the names in the folder holding path durable after a rename or a
 * create (fsync of the folder; NTFS journals names itself). Best effort. */
void os_sync_parent(const char *path);

/* fchmod() on POSIX (permission bits); nothing on Windows. 0 or -1. */
int os_fchmod(int fd, unsigned mode);

/* mkstemp(): tmpl ends in "XXXXXX", replaced in place; the file is created
 * exclusively, mode 0600 on POSIX. A descriptor, or -1 (errno). */
int os_mkstemp(char *tmpl);

/* Removes an empty folder. 0 or -1 (errno). */
int os_rmdir(const char *path);

/* realpath(): the absolute path without links, "." or ".." (malloc'd), or
 * NULL (errno). */
char *os_realpath(const char *path);

/* ---- what the learner store asks before it writes ------------------------------ */

/* 0 when this account may read and write the existing file path, else -1
 * with errno (ENOENT when it does not exist; EACCES, EROFS...). POSIX:
 * access(R_OK | W_OK). Windows: the file is opened for reading and writing
 * (shared with every other opener) and closed at once, so its access list,
 * its read-only attribute and a read-only volume all answer. */
int os_may_write(const char *path);

/* 0 when this account may create files in the folder dir, else -1 with
 * errno. POSIX: access(W_OK). Windows: an empty file is created there and
 * deleted on close (folders carry no useful read-only attribute). */
int os_may_create_in(const char *dir);

/* 1 when a file this account creates in the folder dir stays usable by the
 * other accounts that use the folder, else 0. POSIX: only in a folder this
 * account owns (a new file is ours alone through the umask: in another
 * account's folder it would later lock that account out). Windows: 1 (a new
 * file inherits the folder's access list: the data folder's gives Users
 * modify rights). */
int os_may_leave_files_in(const char *dir);

/* The bytes this account may still write on the disk holding path, in
 * *bytes. 0 or -1 (errno). POSIX: statvfs (f_bavail * f_frsize); Windows:
 * GetDiskFreeSpaceExW (the caller's quota counts). */
int os_free_space(const char *path, unsigned long long *bytes);

/* This process's id: names unique among the players running on one PC. */
long os_process_id(void);

/* ---- byte-range locks: which processes are here --------------------------------- */

/* A file that holds no data, whose bytes are locked to say "a process is
 * here". A lock belongs to the handle that took it, and the system drops it
 * when the handle is closed or its process ends, however it ends (killed
 * included). Two handles of one process see each other's locks as another
 * process's would be seen. POSIX: open-file-description locks (F_OFD_*),
 * or classic fcntl locks where the system lacks them (only other processes
 * see those); Windows: LockFileEx. */
typedef struct OsLockFile OsLockFile;

/* Opens the lock file at path, creating it when missing so that every
 * account that runs the player can lock it: POSIX mode 0666 (widened again
 * when the umask narrowed it and this account owns it); Windows the
 * folder's inherited access list, opened shared for reading, writing and
 * deletion. NULL with errno (EACCES, EROFS, ENOENT...). */
OsLockFile *os_lock_file_open(const char *path);
/* Closes it, which drops its locks. NULL is ignored. */
void os_lock_file_close(OsLockFile *f);

/* Takes an exclusive lock on the bytes [at, at + len) without waiting:
 * 0 taken, 1 another handle holds a lock on some of them, -1 error (errno). */
int os_lock_try(OsLockFile *f, unsigned long long at, unsigned long long len);
/* Lets go of a lock os_lock_try took: the very same at and len. */
void os_lock_release(OsLockFile *f, unsigned long long at, unsigned long long len);

/* Whether another handle holds a lock on a byte of [at, at + len): 1 yes,
 * 0 no, -1 error (errno). Ask only about bytes this handle does not hold.
 * POSIX asks the system (F_OFD_GETLK). Windows has no such question: a
 * shared lock is taken on the range and let go at once, so for that instant
 * another handle's os_lock_try on those bytes answers 1 as if they were
 * held; a caller that must get a lock retries. */
int os_lock_probe(OsLockFile *f, unsigned long long at, unsigned long long len);

/* ---- durable replace ------------------------------------------------------------ */

/* Writing a file whole or not at all: os_replace_open creates a temporary
 * file beside path ("PATH.tmp-XXXXXX") and returns it open for writing
 * (binary); os_replace_commit flushes it, syncs it, closes it and renames it
 * over path, then syncs the folder; os_replace_abort closes and removes it.
 * *tmp receives the temporary name (malloc'd; the caller frees it after
 * commit or abort). Errors: NULL / -1 with "cannot create|write 'X': why". */
FILE *os_replace_open(const char *path, char **tmp, Buf *err);
int os_replace_commit(FILE *f, const char *tmp, const char *path, Buf *err);
void os_replace_abort(FILE *f, const char *tmp);

/* ---- folders ----------------------------------------------------------------- */

typedef struct OsDir OsDir;

/* Opens a folder to list; NULL (errno). */
OsDir *os_dir_open(const char *path);
/* The next entry's name (UTF-8, "." and ".." skipped; borrowed until the next
 * call), or NULL at the end. *kind: OS_FILE_* when cheap to know, else -1. */
const char *os_dir_next(OsDir *d, int *kind);
void os_dir_close(OsDir *d);

/* Relative to an open folder, without following a symbolic link (POSIX:
 * openat/fstatat on the folder's descriptor, so a link swapped in between
 * two calls is not followed either): lstat of the entry name, and the
 * subfolder name opened for listing (NULL with errno, ELOOP for a link). */
int os_dir_lstat_at(OsDir *d, const char *name, OsStat *st);
OsDir *os_dir_open_at(OsDir *d, const char *name);

/* ---- where things live ------------------------------------------------------- */

/* The default learner-data folder (not created): POSIX
 * $XDG_DATA_HOME/wardplayer, else $HOME/.local/share/wardplayer; Windows
 * %PROGRAMDATA%\wardplayer\data, shared by every account of the PC. Appends
 * it to out; -1 when no such folder can be named. */
int os_data_dir(Buf *out);

/* The administrator's settings folder: /etc/wardplayer; Windows
 * %PROGRAMDATA%\wardplayer. Borrowed, valid until exit. */
const char *os_config_dir(void);

/* Creates the learner-data folder (and its parents) so that every account
 * that runs the player can use it: POSIX mode 0700 (one account per data
 * folder); Windows an ACL giving Users modify rights, inherited. 0 or -1. */
int os_make_data_dir(const char *path);

/* The interface language the user's session asks for, "fr" or "en"-like
 * text as LANG holds ("fr_FR.UTF-8"); NULL when unknown. */
const char *os_ui_language(void);

/* ---- the administrator's files --------------------------------------------------- */

/* Reads a file the administrator writes, at most max bytes: a regular file,
 * not a symbolic link, owned by root or the caller (Windows: by the
 * administrators, or by the caller when it is one: any account may create
 * files in %PROGRAMDATA%), that no one else can change (POSIX: no group or
 * other write bit; Windows: no write right for anyone but Administrators,
 * SYSTEM and the caller). secret: no one else may read it either (POSIX
 * mode 600; Windows: no read right for others), for a file holding a
 * password. The messages speak of the file's two users: secret = the LRS
 * configuration, else the settings file. Returns 0 with *text (malloc'd,
 * NUL-terminated, *len bytes; wipe a secret and free it), 1 when the file does
 * not exist, -1 with "path: error: what (the command that fixes it)". */
int os_read_admin_file(const char *path, size_t max, int secret, char **text, size_t *len,
                       Buf *err);

/* os_read_admin_file(path, max, 1, ...): the LRS configuration. */
int os_read_private_file(const char *path, size_t max, char **text, size_t *len, Buf *err);

/* ---- time ---------------------------------------------------------------------- */

/* Wall-clock milliseconds since 1970 (UTC). */
long long os_now_ms(void);
/* Milliseconds from an unspecified start, never going back. */
long long os_monotonic_ms(void);
/* gmtime_r */
void os_gmtime(long long t, struct tm *out);
/* Sleeps about ms milliseconds. */
void os_sleep_ms(long ms);

/* ---- threads ------------------------------------------------------------------- */

typedef struct OsThread OsThread;

/* Runs fn(arg) on a new thread; NULL with the reason in err. */
OsThread *os_thread_start(void (*fn)(void *arg), void *arg, Buf *err);
/* Waits for the thread's end and frees it. NULL is ignored. */
void os_thread_join(OsThread *t);

/* fn runs once in the process, whatever the threads calling this. */
void os_once(void (*fn)(void));

/* A lock between the threads of this process. os_mutex_new: NULL (errno
 * ENOMEM); os_mutex_free accepts NULL. */
typedef struct OsMutex OsMutex;
OsMutex *os_mutex_new(void);
void os_mutex_lock(OsMutex *m);
void os_mutex_unlock(OsMutex *m);
void os_mutex_free(OsMutex *m);

/* ---- a child process fed through its standard input ----------------------------- */

typedef struct OsChild OsChild;

/* Starts argv[0] (found on PATH) with argv, writes text (at most 60 000
 * bytes, without blocking) to its standard input and closes it; its standard
 * output goes nowhere. NULL with "cannot start PROGRAM: why" in err. */
OsChild *os_child_start(const char *const argv[], const char *text, size_t len, Buf *err);
/* 1 while it runs, 0 once it ended (it is then reaped). */
int os_child_running(OsChild *c);
/* Ends it (SIGTERM / TerminateProcess), waits for it and frees it. NULL ok. */
void os_child_stop(OsChild *c);

/* 1 when standard input is a terminal someone can answer at, else 0. */
int os_stdin_is_terminal(void);

/* ---- the session manager asking the program to end ----------------------------- */

/* POSIX: puts a handler in front of the SIGTERM and SIGINT handlers already
 * installed (SDL's, which turn them into SDL_QUIT): it notes the signal, then
 * calls the one it replaced, so a kiosk that ignores its window's close
 * button still obeys the session manager. Call once, after SDL_Init.
 * Windows: nothing to install (a session's end reaches the program through
 * its window), and os_quit_signal() stays NULL. */
void os_catch_quit_signals(void);
/* "SIGTERM" or "SIGINT" once such a signal came (async-signal-safe to test),
 * NULL otherwise. */
const char *os_quit_signal(void);

/* ---- speech (Windows' own voices) ------------------------------------------------- */

/* Windows: speaks text (UTF-8) with the system's voice for lang ("fr", "en"),
 * through the Speech API (SAPI), without blocking, stopping what was being
 * said. Returns 0 when speaking, 1 when this system has no such API (POSIX:
 * the player runs espeak-ng through os_child_start), -1 with err. */
int os_speech_start(const char *text, const char *lang, Buf *err);
/* 1 while speaking. */
int os_speech_busy(void);
void os_speech_stop(void);

/* ---- shared libraries loaded at run time ------------------------------------- */

/* Appends the folder of the loaded shared library holding addr; -1 when it
 * cannot be known. */
int os_library_dir_of(const void *addr, Buf *out);
/* Loads a shared library (dlopen RTLD_NOW|RTLD_LOCAL; LoadLibrary), never
 * unloaded. NULL with the loader's reason in err. */
void *os_library_open(const char *name, Buf *err);
/* The address of a symbol of lib, or NULL. */
void *os_library_symbol(void *lib, const char *name);

/* ---- fonts ------------------------------------------------------------------------- */

enum { OS_FONT_REGULAR, OS_FONT_BOLD, OS_FONT_ITALIC, OS_FONT_BOLD_ITALIC, OS_FONT_MONO,
       OS_FONT_COUNT };

/* The font files for the player's faces: POSIX asks fontconfig for DejaVu
 * Sans (else Noto Sans, Liberation Sans) and its mono face; Windows takes the
 * DejaVu files shipped in "fonts" beside the program. A missing style falls
 * back to the regular face. 0 with paths[i] malloc'd, or -1 with err. */
int os_font_files(char *paths[OS_FONT_COUNT], Buf *err);

#endif
