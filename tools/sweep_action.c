/* sweep_action.c — what a sweep does when something changed: write the diff JSON to a
 * file, or hand it to a shell command on stdin, bounded by a timeout. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tools/sweep.h"

extern char **environ;

int as_change_file(const char *path, const char *json, size_t len, char *err, size_t errlen)
{
    char tmp[4200];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= sizeof tmp) {
        snprintf(err, errlen, "on-change-file: path too long");
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
        snprintf(err, errlen, "on-change-file: cannot create %s: %s", tmp, strerror(errno));
        return -1;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, json + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    int bad = off < len || fsync(fd) != 0;
    bad |= close(fd) != 0;
    if (bad || rename(tmp, path) != 0) {
        snprintf(err, errlen, "on-change-file: cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* The diff goes in through a memory file, not a pipe: a command that never reads stdin
 * cannot block us, and one that exits early raises no SIGPIPE here. */
static int json_fd(const char *json, size_t len)
{
    int fd = memfd_create("agentscan-diff", MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, json + off, len - off);
        if (n <= 0 && errno != EINTR) {
            close(fd);
            return -1;
        }
        off += n > 0 ? (size_t)n : 0;
    }
    if (lseek(fd, 0, SEEK_SET) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static char **make_env(char *const extra[])
{
    size_t n = 0, m = 0;
    while (environ && environ[n])
        n++;
    while (extra && extra[m])
        m++;
    char **env = calloc(n + m + 1, sizeof *env);
    if (env == NULL)
        return NULL;
    /* first wins: ours shadow inherited ones */
    for (size_t i = 0; i < m; i++)
        env[i] = extra[i];
    for (size_t i = 0; i < n; i++)
        env[m + i] = environ[i];
    return env;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Waits for pid until deadline; then TERM to its group, 2 s grace, KILL. */
static int wait_bounded(pid_t pid, double timeout, int *status, int *timed_out)
{
    double deadline = now_s() + timeout, grace = 0;
    *timed_out = 0;
    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid)
            return 0;
        if (r < 0 && errno != EINTR)
            return -1;
        double t = now_s();
        if (!*timed_out && t >= deadline) {
            *timed_out = 1;
            kill(-pid, SIGTERM);
            grace = t + 2;
        } else if (*timed_out && grace > 0 && t >= grace) {
            kill(-pid, SIGKILL);
            grace = 0;
        }
        struct timespec ts = {0, 20 * 1000000L};
        nanosleep(&ts, NULL);
    }
}

int as_change_command(const char *command, const char *json, size_t len, double timeout,
                      char *const extra_env[], char *err, size_t errlen)
{
    int in = json_fd(json, len);
    char **env = make_env(extra_env);
    if (in < 0 || env == NULL) {
        snprintf(err, errlen, "on-change-command: cannot prepare its input: %s", strerror(errno));
        if (in >= 0)
            close(in);
        free(env);
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        /* Own process group, so that a timeout reaches everything the shell started. */
        setpgid(0, 0);
        if (dup2(in, STDIN_FILENO) < 0)
            _exit(126);
        char *const argv[] = {"/bin/sh", "-c", (char *)command, NULL};
        execve("/bin/sh", argv, env);
        _exit(127);
    }
    int saved = errno;
    close(in);
    free(env);
    if (pid < 0) {
        snprintf(err, errlen, "on-change-command: fork: %s", strerror(saved));
        return -1;
    }
    setpgid(pid, pid);      /* also here: whichever runs first, the group exists */
    int status = 0, timed_out;
    if (wait_bounded(pid, timeout, &status, &timed_out) != 0) {
        snprintf(err, errlen, "on-change-command: waitpid: %s", strerror(errno));
        return -1;
    }
    if (timed_out) {
        snprintf(err, errlen, "on-change-command timed out after %gs and was killed", timeout);
        return -1;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFEXITED(status))
        snprintf(err, errlen, "on-change-command failed with exit status %d%s", WEXITSTATUS(status),
                 WEXITSTATUS(status) == 127 ? " (command not found?)" : "");
    else
        snprintf(err, errlen, "on-change-command killed by signal %d", WTERMSIG(status));
    return -1;
}
