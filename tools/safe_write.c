/* safe_write.c — output files replaced whole: a temporary file in the same directory
 * (openat, O_EXCL|O_NOFOLLOW), then renameat over the destination, which is never followed
 * if it is a link. A reader sees the old file or the new one, never half of one. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools/safe_write.h"

#define NEW_FILE_MODE 0640

static void split(const char *path, char *dir, size_t dlen, const char **base)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        snprintf(dir, dlen, ".");
        *base = path;
    } else {
        snprintf(dir, dlen, "%.*s", slash == path ? 1 : (int)(slash - path), path);
        *base = slash + 1;
    }
}

/* The mode and owner the new file takes: the old file's, or 0640 and ours. Refuses what
 * must not be replaced by a plain file. */
static int destination(int dfd, const char *path, const char *base, struct stat *old,
                       int *exists, char *err, size_t errlen)
{
    *exists = 0;
    if (fstatat(dfd, base, old, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    if (S_ISLNK(old->st_mode)) {
        snprintf(err, errlen, "cannot write %s: it is a symbolic link, which agentscan does not "
                 "follow (give the real path)", path);
        return -1;
    }
    if (!S_ISREG(old->st_mode)) {
        snprintf(err, errlen, "cannot write %s: not a regular file", path);
        return -1;
    }
    *exists = 1;
    return 0;
}

int as_replace_file(const char *path, as_write_fn write, void *ctx, char *err, size_t errlen)
{
    char dir[PATH_MAX], tmp[NAME_MAX + 1];
    const char *base;
    split(path, dir, sizeof dir, &base);
    if (*base == '\0' || strlen(base) + 24 > NAME_MAX) {
        snprintf(err, errlen, "cannot write %s: give a file name", path);
        return -1;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        snprintf(err, errlen, "cannot write %s: directory %s: %s", path, dir, strerror(errno));
        return -1;
    }
    struct stat old;
    int exists, rc = destination(dfd, path, base, &old, &exists, err, errlen);
    snprintf(tmp, sizeof tmp, ".%s.tmp.%ld", base, (long)getpid());
    int fd = rc ? -1 : openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    int made = fd >= 0;
    if (rc == 0 && fd < 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        rc = -1;
    }
    /* fchmod, not the umask: the mode asked for is the mode given. Root keeps the old
     * owner, so replacing a report does not take it from its reader. */
    if (rc == 0 && exists && geteuid() == 0 && fchown(fd, old.st_uid, old.st_gid) != 0)
        (void)0;    /* a file system without owners: keep ours */
    if (rc == 0 && fchmod(fd, exists ? old.st_mode & 07777 : NEW_FILE_MODE) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        rc = -1;
    }
    FILE *f = rc == 0 ? fdopen(fd, "wb") : NULL;
    if (rc == 0 && f == NULL) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        rc = -1;
    }
    if (f != NULL) {
        fd = -1;
        if (write(f, ctx, err, errlen) != 0)
            rc = -2;
        if (fflush(f) != 0 && rc == 0) {
            snprintf(err, errlen, "writing %s: %s", path, strerror(errno));
            rc = -1;
        }
        if (fclose(f) != 0 && rc == 0) {
            snprintf(err, errlen, "writing %s: %s", path, strerror(errno));
            rc = -1;
        }
    }
    if (fd >= 0)
        close(fd);
    if (rc == 0 && renameat(dfd, tmp, dfd, base) != 0) {
        snprintf(err, errlen, "cannot replace %s: %s", path, strerror(errno));
        rc = -1;
    }
    if (rc != 0 && made)
        unlinkat(dfd, tmp, 0);
    close(dfd);
    return rc;
}
