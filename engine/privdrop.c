/* privdrop.c — giving privileges up once the raw socket and the capture are open: the user
 * (setgroups → setresgid → setresuid, each read back, as p0f and tcpdump -Z do), the
 * capabilities (raw capset, read back), no_new_privs, then the sandbox (sandbox.c). */
#include "engine/privdrop.h"
#include "engine/privdrop_internal.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static as_privdrop_opts conf;
static int configured;

void as_privdrop_configure(const as_privdrop_opts *o)
{
    conf = *o;
    configured = 1;
}

/* The account to become: the one asked for, else "agentscan" when it exists, else "nobody". */
static int find_user(uid_t *uid, gid_t *gid, char *name, size_t namelen, char *err, size_t errlen)
{
    const char *tries[] = {conf.user, conf.user ? NULL : "agentscan", conf.user ? NULL : "nobody"};
    for (size_t i = 0; i < 3; i++) {
        if (!tries[i])
            continue;
        struct passwd *pw = getpwnam(tries[i]);
        if (pw) {
            if (pw->pw_uid == 0) {
                snprintf(err, errlen, "--user %s: that is root; name an unprivileged user",
                         tries[i]);
                return -1;
            }
            *uid = pw->pw_uid;
            *gid = pw->pw_gid;
            snprintf(name, namelen, "%s", tries[i]);
            return 0;
        }
    }
    if (conf.user)
        snprintf(err, errlen, "--user %s: no such user", conf.user);
    else
        snprintf(err, errlen, "running as root and neither user 'agentscan' nor 'nobody' "
                 "exists to switch to (create one, or name one with --user)");
    return -1;
}

static int switch_user(char *err, size_t errlen)
{
    uid_t uid;
    gid_t gid;
    char name[64];
    if (find_user(&uid, &gid, name, sizeof name, err, errlen) != 0)
        return -1;
    if (setgroups(1, &gid) != 0) {
        snprintf(err, errlen, "cannot set the groups of user %s: %s", name, strerror(errno));
        return -1;
    }
    if (setresgid(gid, gid, gid) != 0) {
        snprintf(err, errlen, "cannot switch to group %u: %s", (unsigned)gid, strerror(errno));
        return -1;
    }
    if (setresuid(uid, uid, uid) != 0) {
        snprintf(err, errlen, "cannot switch to user %s: %s", name, strerror(errno));
        return -1;
    }
    uid_t r, e, s;
    gid_t rg, eg, sg, groups[2];
    if (getresuid(&r, &e, &s) != 0 || r != uid || e != uid || s != uid ||
        getresgid(&rg, &eg, &sg) != 0 || rg != gid || eg != gid || sg != gid ||
        getgroups(2, groups) != 1 || groups[0] != gid) {
        snprintf(err, errlen, "switched to user %s, but the ids read back differ", name);
        return -1;
    }
    /* The real test: root cannot be regained. */
    if (setuid(0) == 0 || seteuid(0) == 0) {
        snprintf(err, errlen, "switched to user %s, but could become root again", name);
        return -1;
    }
    return 0;
}

static int drop_caps(char *err, size_t errlen)
{
    struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capset, &hdr, data) != 0) {
        snprintf(err, errlen, "cannot drop capabilities: %s", strerror(errno));
        return -1;
    }
    memset(data, 0xff, sizeof data);
    if (syscall(SYS_capget, &hdr, data) != 0) {
        snprintf(err, errlen, "cannot read capabilities back: %s", strerror(errno));
        return -1;
    }
    for (int i = 0; i < 2; i++)
        if (data[i].effective || data[i].permitted || data[i].inheritable) {
            snprintf(err, errlen, "capabilities still held after dropping them");
            return -1;
        }
    return 0;
}

int as_drop_capabilities(char *err, size_t errlen)
{
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        snprintf(err, errlen, "cannot set no_new_privs: %s", strerror(errno));
        return -1;
    }
    return drop_caps(err, errlen);
}

/* After every change of credentials (which clears it), before seccomp (which refuses
 * prctl): the parent-death signal, and the check that the parent is not already gone. */
static int die_with_parent(char *err, size_t errlen)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) {
        snprintf(err, errlen, "cannot set the parent-death signal: %s", strerror(errno));
        return -1;
    }
    if (getppid() != conf.parent) {
        snprintf(err, errlen, "the sweep that started this scan is gone");
        return -1;
    }
    return 0;
}

int as_drop_privileges(char *err, size_t errlen)
{
    if (configured && conf.sandbox &&
        as_sandbox_prepare(conf.db_dir, conf.out_dir, err, errlen) != 0)
        return -1;
    if (configured && conf.switch_user && (getuid() == 0 || geteuid() == 0) &&
        switch_user(err, errlen) != 0)
        return -1;
    if (as_drop_capabilities(err, errlen) != 0)
        return -1;
    if (configured && conf.parent > 0 && die_with_parent(err, errlen) != 0)
        return -1;
    if (configured && conf.sandbox && as_sandbox_enter(err, errlen) != 0)
        return -1;
    if (configured && conf.selftest)
        as_sandbox_selftest(conf.db_dir);
    return 0;
}
