/* sweep_lock.c — one sweep of a job at a time: flock() on DB.JOB.lock, the holder's PID
 * inside for the message a second sweep prints and for spotting a crashed holder. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "tools/sweep.h"

static pid_t read_pid(int fd)
{
    char buf[32];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    long v = strtol(buf, NULL, 10);
    return v > 0 && v < (1L << 30) ? (pid_t)v : 0;
}

static int write_pid(int fd)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
    return ftruncate(fd, 0) == 0 && pwrite(fd, buf, (size_t)n, 0) == n ? 0 : -1;
}

static void nap_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int as_lock_take(as_lock *l, const char *db, const char *job, double wait,
                 volatile sig_atomic_t *stop, pid_t *holder, pid_t *stale, char *err, size_t errlen)
{
    *holder = *stale = 0;
    l->fd = -1;
    if ((size_t)snprintf(l->path, sizeof l->path, "%s.%s.lock", db, job) >= sizeof l->path) {
        snprintf(err, errlen, "lock file name too long");
        return -1;
    }
    /* CLOEXEC: the change command must not inherit, and so hold, the lock. */
    l->fd = open(l->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (l->fd < 0) {
        snprintf(err, errlen, "cannot open lock %s: %s (the database directory must be "
                 "writable)", l->path, strerror(errno));
        return -1;
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (flock(l->fd, LOCK_EX | LOCK_NB) != 0) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double waited = (double)(now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) / 1e9;
        if (errno != EWOULDBLOCK && errno != EINTR) {
            snprintf(err, errlen, "cannot lock %s: %s", l->path, strerror(errno));
            as_lock_release(l);
            return -1;
        }
        if (waited >= wait || (stop && *stop)) {
            *holder = read_pid(l->fd);
            close(l->fd);
            l->fd = -1;
            return 1;
        }
        nap_ms(100);
    }
    /* A PID left behind means its sweep ended without releasing: it crashed or was
     * killed (the kernel dropped its flock). Whoever has that PID now is not it. */
    pid_t old = read_pid(l->fd);
    if (old != 0 && old != getpid())
        *stale = old;
    if (write_pid(l->fd) != 0) {
        snprintf(err, errlen, "cannot write lock %s: %s", l->path, strerror(errno));
        as_lock_release(l);
        return -1;
    }
    return 0;
}

void as_lock_release(as_lock *l)
{
    if (l->fd < 0)
        return;
    /* Emptied, not removed: unlinking a locked file lets a third sweep lock a new inode
     * while a second still waits on the old one. */
    if (ftruncate(l->fd, 0) != 0) {
        /* nothing to do: the next sweep reports a stale PID, which is harmless */
    }
    flock(l->fd, LOCK_UN);
    close(l->fd);
    l->fd = -1;
}
