/* sandbox.c — what the scan may still do once privileges are gone: write only beneath the
 * database's directory and exec nothing (Landlock), and make only the system calls the scan
 * loop, its receive thread, c-ares and SQLite use (a seccomp allow-list; found with strace
 * on lab scans). Sockets: AF_INET/AF_INET6 stream and datagram only (DNS, and the identity
 * phase's TCP connects and UDP queries); no raw or packet socket can be opened again. */
#include "engine/privdrop_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <sched.h>
#include <netinet/in.h>
#define CLONE_THREAD_FLAG ((scmp_datum_t)CLONE_THREAD)

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif

#define LL_WRITE (LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |         \
                  LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR |          \
                  LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |              \
                  LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |            \
                  LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM)

/* Returns 0 when confined, 1 when the kernel has no Landlock (left to the uid), -1. */
/* Directories are opened before the user switch: the new user may not be able to reach
 * a database in a root-only directory by its path, only through the files already open. */
static int dir_fd[2] = {-1, -1};
static const char *dir_name[2];

int as_sandbox_prepare(const char *db_dir, const char *out_dir, char *err, size_t errlen)
{
    const char *dirs[2] = {db_dir, out_dir};
    for (int i = 0; i < 2; i++) {
        dir_name[i] = dirs[i];
        if (!dirs[i])
            continue;
        dir_fd[i] = open(dirs[i], O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dir_fd[i] < 0) {
            snprintf(err, errlen, "cannot open directory %s: %s", dirs[i], strerror(errno));
            return -1;
        }
    }
    return 0;
}

static int allow_beneath(int rs, int i, uint64_t write, char *err, size_t errlen)
{
    struct landlock_path_beneath_attr pb = {.allowed_access = write, .parent_fd = dir_fd[i]};
    int ret = 0;
    if (syscall(SYS_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) != 0) {
        snprintf(err, errlen, "cannot allow writes beneath %s: %s", dir_name[i], strerror(errno));
        ret = -1;
    }
    close(dir_fd[i]);
    dir_fd[i] = -1;
    return ret;
}

static int landlock(char *err, size_t errlen)
{
    long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
    if (abi < 1)
        return 1;
    uint64_t write = LL_WRITE | (abi >= 2 ? LANDLOCK_ACCESS_FS_REFER : 0) |
                     (abi >= 3 ? LANDLOCK_ACCESS_FS_TRUNCATE : 0);
    struct landlock_ruleset_attr ra = {.handled_access_fs = write | LANDLOCK_ACCESS_FS_EXECUTE};
    int rs = (int)syscall(SYS_landlock_create_ruleset, &ra, sizeof ra, 0);
    if (rs < 0) {
        snprintf(err, errlen, "cannot create a Landlock ruleset: %s", strerror(errno));
        return -1;
    }
    int ret = 0;
    for (int i = 0; i < 2; i++)
        if (dir_fd[i] >= 0 && ret == 0)
            ret = allow_beneath(rs, i, write, err, errlen);
    if (ret == 0 && syscall(SYS_landlock_restrict_self, rs, 0) != 0) {
        snprintf(err, errlen, "cannot enter the Landlock ruleset: %s", strerror(errno));
        ret = -1;
    }
    close(rs);
    return ret;
}

/* Plain allowed calls. Anything else fails with EPERM (not a kill: a library taking an
 * unusual path gets an error it already handles, and the scan reports it). */
static const char *const allowed[] = {
    /* memory, threads, time, signals, exit */
    "brk", "mmap", "munmap", "mremap", "mprotect", "madvise", "futex", "set_robust_list",
    "get_robust_list", "rseq", "clone3", "sched_yield", "sched_getaffinity", "gettid", "getpid",
    "getuid", "geteuid", "getgid", "getegid", "getppid", "clock_gettime", "clock_getres",
    "gettimeofday", "time", "nanosleep", "clock_nanosleep", "rt_sigaction", "rt_sigprocmask",
    "rt_sigreturn", "sigaltstack", "restart_syscall", "exit", "exit_group", "tgkill",
    "getrandom", "uname", "prlimit64", "getrlimit",
    /* files: SQLite and the tables (writes confined by Landlock and the uid) */
    "read", "write", "readv", "writev", "pread64", "pwrite64", "lseek", "close", "fstat",
    "newfstatat", "statx", "stat", "lstat", "openat", "open", "access", "faccessat",
    "faccessat2", "fcntl", "flock", "ftruncate", "fsync", "fdatasync", "unlink", "unlinkat",
    "readlink", "readlinkat", "getcwd", "dup", "dup3", "fallocate",
    /* -oX and export -o: a temporary file beside the target, its old mode and owner kept,
     * then renamed over it (tools/safe_write.c) */
    "fchmod", "fchown", "rename", "renameat", "renameat2",
    /* the capture ring and the send socket (already open), DNS and TCP sockets; a libuv
     * loop (the identity phase) adds its wake-up pipe and eventfd (strace of libuv 1.44
     * connecting, reading, sending and receiving UDP: tests/unit/test_sandbox_uv.c). No
     * io_uring: libuv 1.45+ falls back to epoll when io_uring_setup is refused, and its
     * submissions would bypass this filter. */
    "poll", "ppoll", "select", "pselect6", "epoll_create1", "epoll_ctl", "epoll_wait",
    "epoll_pwait", "pipe2", "eventfd2", "sendto", "sendmsg", "sendmmsg", "recvfrom", "recvmsg",
    "recvmmsg", "connect", "bind", "getsockname", "getpeername", "setsockopt", "getsockopt",
    "shutdown",  /* pipe2, eventfd2: libuv's uv_loop_init (1.44 uses pipe2, newer eventfd2) */
};

static int seccomp(char *err, size_t errlen)
{
    scmp_filter_ctx f = seccomp_init(SCMP_ACT_ERRNO(EPERM));
    if (!f) {
        snprintf(err, errlen, "cannot create a seccomp filter");
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof allowed / sizeof allowed[0]; i++) {
        int nr = seccomp_syscall_resolve_name(allowed[i]);
        if (nr != __NR_SCMP_ERROR)
            rc = seccomp_rule_add(f, SCMP_ACT_ALLOW, nr, 0);
    }
    /* New sockets: inet stream or datagram only; the type may carry NONBLOCK/CLOEXEC. */
    const int fams[] = {AF_INET, AF_INET6}, types[] = {SOCK_STREAM, SOCK_DGRAM};
    for (int a = 0; rc == 0 && a < 2; a++)
        for (int t = 0; rc == 0 && t < 2; t++)
            rc = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(socket), 2,
                                  SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)fams[a], 0),
                                  SCMP_A1(SCMP_CMP_MASKED_EQ, 0xff, (scmp_datum_t)types[t]));
    /* Threads, not processes: clone only with CLONE_THREAD (clone3 takes its flags from
     * memory a filter cannot read; without exec a copy of us gains nothing). */
    if (rc == 0)
        rc = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
                              SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD_FLAG, CLONE_THREAD_FLAG));
    /* c-ares asks how many bytes wait (FIONREAD); the terminal check (TCGETS) is harmless. */
    if (rc == 0)
        rc = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
                              SCMP_A1(SCMP_CMP_EQ, (scmp_datum_t)FIONREAD, 0));
    if (rc == 0)
        rc = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
                              SCMP_A1(SCMP_CMP_EQ, (scmp_datum_t)TCGETS, 0));
    if (rc == 0)
        rc = seccomp_load(f);
    seccomp_release(f);
    if (rc != 0) {
        snprintf(err, errlen, "cannot install the seccomp filter: %s", strerror(-rc));
        return -1;
    }
    return 0;
}

int as_sandbox_enter(char *err, size_t errlen)
{
    /* temp_store = MEMORY (db/schema.c) keeps SQLite's temporary files out of /var/tmp. */
    int l = landlock(err, errlen);
    if (l < 0)
        return -1;
    for (int i = 0; l > 0 && i < 2; i++)
        if (dir_fd[i] >= 0) {
            close(dir_fd[i]);
            dir_fd[i] = -1;
        }
    if (l > 0)
        fprintf(stderr, "agentscan: note: this kernel has no Landlock; writes are limited by "
                "the user only\n");
    return seccomp(err, errlen);
}

static void report(const char *what, int ok, int e)
{
    if (ok)
        fprintf(stderr, "sandbox selftest: %s: ALLOWED\n", what);
    else
        fprintf(stderr, "sandbox selftest: %s: denied (%s)\n", what, strerror(e));
}

void as_sandbox_selftest(const char *db_dir)
{
    char path[4096];
    fprintf(stderr, "sandbox selftest: uid %u euid %u gid %u\n", (unsigned)getuid(),
            (unsigned)geteuid(), (unsigned)getgid());
    int fd = socket(AF_PACKET, SOCK_RAW, 0);
    report("packet socket", fd >= 0, errno);
    if (fd >= 0)
        close(fd);
    fd = socket(AF_INET, SOCK_RAW, IPPROTO_TCP);
    report("raw inet socket", fd >= 0, errno);
    if (fd >= 0)
        close(fd);
    fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    report("udp socket (needed)", fd >= 0, errno);
    if (fd >= 0)
        close(fd);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    report("tcp socket (needed)", fd >= 0, errno);
    if (fd >= 0)
        close(fd);
    snprintf(path, sizeof path, "/tmp/agentscan-selftest.%ld", (long)getpid());
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    report("create a file outside the database directory", fd >= 0, errno);
    if (fd >= 0) {
        close(fd);
        unlink(path);
    }
    if (db_dir) {
        snprintf(path, sizeof path, "%s/agentscan-selftest.%ld", db_dir, (long)getpid());
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
        report("create a file in the database directory", fd >= 0, errno);
        if (fd >= 0) {
            close(fd);
            unlink(path);
        }
    }
    char *const argv[] = {"/bin/true", NULL};
    char *const envp[] = {NULL};
    execve("/bin/true", argv, envp);        /* returns only when refused */
    report("exec /bin/true", 0, errno);
}
