/* service_check.c — checks of paths against what the service will find: the unit's sandbox
 * (PrivateTmp, ProtectHome), the service user's rights on the database directory, and an
 * output file's writability before a scan starts. */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools/service_check.h"

static int under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

int as_unit_path_visible(const char *path, char *why, size_t whylen)
{
    static const struct { const char *dir, *setting; } hidden[] = {
        {"/tmp", "PrivateTmp=yes gives the service its own empty /tmp"},
        {"/var/tmp", "PrivateTmp=yes gives the service its own empty /var/tmp"},
        {"/home", "ProtectHome=yes hides /home from the service"},
        {"/root", "ProtectHome=yes hides /root from the service"},
        {"/run/user", "ProtectHome=yes hides /run/user from the service"},
    };
    char real[PATH_MAX];
    /* A symlink from elsewhere into /tmp is hidden all the same: judge where it leads. */
    const char *p = realpath(path, real) ? real : path;
    for (size_t i = 0; i < sizeof hidden / sizeof hidden[0]; i++)
        if (under(p, hidden[i].dir) || under(path, hidden[i].dir)) {
            snprintf(why, whylen, "%s is under %s, which the unit cannot see (%s); use a "
                     "path such as /etc/agentscan or /var/lib/agentscan", path, hidden[i].dir,
                     hidden[i].setting);
            return -1;
        }
    return 0;
}

static int in_groups(gid_t want, gid_t gid, const char *user)
{
    if (want == gid)
        return 1;
    if (user == NULL)
        return 0;
    gid_t groups[256];
    int n = 256;
    if (getgrouplist(user, gid, groups, &n) < 0)
        return 0;
    for (int i = 0; i < n; i++)
        if (groups[i] == want)
            return 1;
    return 0;
}

/* May uid/gid do `bits` (of S_IRWXO's positions: 4 r, 2 w, 1 x) on sb? */
static int may(const struct stat *sb, uid_t uid, gid_t gid, const char *user, unsigned bits)
{
    if (uid == 0)
        return (bits & 1) == 0 || (sb->st_mode & 0111);
    unsigned m = sb->st_uid == uid ? (sb->st_mode >> 6) & 7
                 : in_groups(sb->st_gid, gid, user) ? (sb->st_mode >> 3) & 7 : sb->st_mode & 7;
    return (m & bits) == bits;
}

static void dir_of(const char *file, char *out, size_t outlen)
{
    const char *slash = strrchr(file, '/');
    size_t n = slash == NULL ? 0 : slash == file ? 1 : (size_t)(slash - file);
    snprintf(out, outlen, "%.*s", (int)n, n ? file : ".");
}

int as_dir_writable_by(const char *file, uid_t uid, gid_t gid, const char *user, char *why,
                       size_t whylen)
{
    char dir[PATH_MAX], path[PATH_MAX];
    dir_of(file, dir, sizeof dir);
    struct stat sb;
    const char *who = user ? user : "this user";
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        snprintf(why, whylen, "database directory %s %s; create it: install -d -o %s -m 0750 %s",
                 dir, errno == ENOENT ? "does not exist" : "is not a directory", who, dir);
        return -1;
    }
    /* Every directory on the way must let the user through. */
    snprintf(path, sizeof path, "%s", dir);
    for (char *s = path; dir[0] == '/' && s; s = strchr(s + 1, '/')) {
        char keep = s[1];
        s[1] = '\0';
        struct stat up;
        int ok = stat(path, &up) == 0 && may(&up, uid, gid, user, 1);
        s[1] = keep;
        if (!ok) {
            snprintf(why, whylen, "user %s cannot reach database directory %s (a directory "
                     "above it is closed to it)", who, dir);
            return -1;
        }
    }
    if (!may(&sb, uid, gid, user, 3)) {
        snprintf(why, whylen, "user %s cannot write database directory %s (owner %u, mode "
                 "%04o); fix: chown %s %s", who, dir, (unsigned)sb.st_uid,
                 (unsigned)(sb.st_mode & 07777), who, dir);
        return -1;
    }
    return 0;
}

int as_output_writable(const char *file, char *why, size_t whylen)
{
    if (file == NULL || strcmp(file, "-") == 0)
        return 0;
    struct stat sb;
    if (lstat(file, &sb) == 0) {
        if (S_ISLNK(sb.st_mode)) {
            snprintf(why, whylen, "%s is a symbolic link; agentscan does not write through one "
                     "(give the real path)", file);
            return -1;
        }
        if (S_ISDIR(sb.st_mode)) {
            snprintf(why, whylen, "%s is a directory (give a file name)", file);
            return -1;
        }
    }
    /* The file is replaced by a rename from a temporary file beside it: the directory must
     * be writable, whatever the file's own mode. */
    char dir[PATH_MAX];
    dir_of(file, dir, sizeof dir);
    if (access(dir, W_OK | X_OK) != 0) {
        snprintf(why, whylen, "cannot write %s: directory %s: %s", file, dir, strerror(errno));
        return -1;
    }
    return 0;
}
