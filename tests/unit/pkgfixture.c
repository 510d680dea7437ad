/* pkgfixture: zips and temp folders for the package, manifest and validate tests. */
#include "pkgfixture.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static la_ssize_t fixture_write(struct archive *a, void *ud, const void *data, size_t n)
{
    (void)a;
    buf_append(ud, data, n);
    return (la_ssize_t)n;
}

int pkgfixture_zip(const PkgfixtureEntry *entries, size_t n, Buf *out)
{
    int rc = -1;
    struct archive *a = archive_write_new();
    char *zeros = NULL;
    if (!a)
        return -1;
    if (archive_write_set_format_zip(a) != ARCHIVE_OK
        || archive_write_zip_set_compression_deflate(a) != ARCHIVE_OK
        || archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK
        || archive_write_open(a, out, NULL, fixture_write, NULL) != ARCHIVE_OK)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const PkgfixtureEntry *e = &entries[i];
        struct archive_entry *ae = archive_entry_new();
        archive_entry_set_pathname(ae, e->name);
        archive_entry_set_mtime(ae, 315532800, 0);
        size_t size = 0;
        if (e->type == PKGFIXTURE_SYMLINK) {
            archive_entry_set_filetype(ae, AE_IFLNK);
            archive_entry_set_perm(ae, 0777);
            archive_entry_set_symlink(ae, e->target);
        } else if (e->type == PKGFIXTURE_DIR) {
            archive_entry_set_filetype(ae, AE_IFDIR);
            archive_entry_set_perm(ae, 0755);
        } else {
            archive_entry_set_filetype(ae, AE_IFREG);
            archive_entry_set_perm(ae, 0644);
            size = e->data ? strlen(e->data) : e->zeros;
            archive_entry_set_size(ae, (la_int64_t)size);
        }
        if (archive_write_header(a, ae) < ARCHIVE_WARN) {
            fprintf(stderr, "pkgfixture: %s\n", archive_error_string(a));
            archive_entry_free(ae);
            goto out;
        }
        archive_entry_free(ae);
        if (size) {
            const void *data = e->data;
            if (!data) {
                free(zeros);
                zeros = calloc(1, size);
                data = zeros;
            }
            if (archive_write_data(a, data, size) != (la_ssize_t)size) {
                fprintf(stderr, "pkgfixture: %s\n", archive_error_string(a));
                goto out;
            }
        }
    }
    if (archive_write_close(a) != ARCHIVE_OK)
        goto out;
    rc = 0;
out:
    free(zeros);
    archive_write_free(a);
    return rc;
}

int pkgfixture_write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = fwrite(data, 1, n, f) == n;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

int pkgfixture_read_file(const char *path, Buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char chunk[65536];
    size_t r;
    while ((r = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(out, chunk, r);
    int err = ferror(f);
    fclose(f);
    return err || out->failed ? -1 : 0;
}

char *pkgfixture_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    if (!base || !*base)
        base = "/tmp";
    size_t len = strlen(base) + 32;
    char *p = malloc(len);
    if (!p)
        return NULL;
    snprintf(p, len, "%s/cptest-XXXXXX", base);
    if (!mkdtemp(p)) {
        free(p);
        return NULL;
    }
    return p;
}

void pkgfixture_rmtree(const char *dir)
{
    struct stat st;
    if (!dir || lstat(dir, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *dp = opendir(dir);
        if (dp) {
            struct dirent *de;
            while ((de = readdir(dp)) != NULL) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                    continue;
                size_t len = strlen(dir) + strlen(de->d_name) + 2;
                char *sub = malloc(len);
                if (sub) {
                    snprintf(sub, len, "%s/%s", dir, de->d_name);
                    pkgfixture_rmtree(sub);
                    free(sub);
                }
            }
            closedir(dp);
        }
        rmdir(dir);
    } else {
        unlink(dir);
    }
}

int pkgfixture_count_files(const char *dir)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return -1;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(dp)) != NULL) {
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            n++;
    }
    closedir(dp);
    return n;
}

int pkgfixture_write_zip(const PackageEntry *entries, size_t n, long long mtime, Buf *out,
                         Diag *d)
{
    char *dir = pkgfixture_tmpdir();
    if (!dir)
        return -1;
    Buf path = BUF_INIT;
    buf_printf(&path, "%s/package.zip", dir);
    int rc = path.failed ? -1 : package_write_zip(path.data, entries, n, mtime, d);
    if (rc == 0)
        rc = pkgfixture_read_file(path.data, out);
    buf_release(&path);
    pkgfixture_rmtree(dir);
    free(dir);
    return rc;
}
