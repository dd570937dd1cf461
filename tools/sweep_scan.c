/* sweep_scan.c — a sweep's scan in a process of its own: it opens the network and the store,
 * gives every right up (engine/privdrop.c: user, capabilities, Landlock, seccomp) before the
 * first reply is parsed, scans, stores and exits. The sweep, which parses no packet, keeps
 * what its change command needs, passes stop signals on and reads the result back. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "db/store.h"
#include "engine/privdrop.h"
#include "probes/errors.h"
#include "tools/scan_record.h"
#include "tools/sweep.h"

/* What the scanning process reports through the pipe: one write, below PIPE_BUF. */
typedef struct scan_report {
    int rc;
    as_scan_summary sum;
    char err[1024];
} scan_report;

_Static_assert(sizeof(scan_report) < 4096, "one atomic pipe write");

/* The scanning process's stop flag. Its signals only ever ask for an orderly stop: "exit
 * now" is the sweep's decision (cli_signal.c), and the sweep's death kills this process. */
static volatile sig_atomic_t scanner_stop;

static void on_stop(int sig)
{
    (void)sig;
    scanner_stop = 1;
}

static void catch_stop(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static void configure_privdrop(const as_job *job, const char *db, int selftest, pid_t parent)
{
    static char dbdir[4096];
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", db);
    snprintf(dbdir, sizeof dbdir, "%s", dirname(tmp));
    as_privdrop_opts p = {.user = as_job_get(job, AS_OPT_USER), .switch_user = 1,
                          .db_dir = dbdir, .sandbox = 1, .selftest = selftest,
                          .parent = parent};
    as_privdrop_configure(&p);
}

/* The scanning process: everything here runs as the sweep's child. */
static void scanner(const as_sweep_scan_args *a, int out, pid_t parent)
{
    scan_report rep;
    memset(&rep, 0, sizeof rep);
    catch_stop();
    if (a->so->interrupted && *a->so->interrupted)
        scanner_stop = 1;
    /* The sweep's death kills this process (set again after the user switch), and the
     * job's lock is the sweep's alone: a scan left behind must not hold it. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || getppid() != parent)
        _exit(AS_ERR_FAIL);
    if (a->lock_fd >= 0)
        close(a->lock_fd);
    as_store_set_runner((long)parent);
    as_store *st = NULL;
    if (as_store_open(&st, a->db, 1, rep.err, sizeof rep.err) != 0) {
        rep.rc = -AS_ERR_DB;
    } else {
        configure_privdrop(a->job, a->db, a->so->selftest, parent);
        as_scan_opts *o = &a->js->o;
        o->store = st;
        o->progress = a->so->progress;
        o->verbose = a->so->verbose;
        o->interrupted = &scanner_stop;
        rep.rc = as_scan_run(o, &rep.sum, rep.err, sizeof rep.err);
        char e[1100];
        if (rep.sum.scan_id > 0 &&
            as_scan_record_context(st, o, &rep.sum, as_job_get(a->job, AS_OPT_GATEWAY),
                                   a->job->name, e, sizeof e) != 0 && a->so->log)
            a->so->log(a->so->log_ctx, e);
        as_store_close(st);
    }
    fflush(NULL);
    ssize_t n = write(out, &rep, sizeof rep);
    _exit(n == (ssize_t)sizeof rep ? 0 : AS_ERR_FAIL);
}

/* Waits for the scanning process, passing the first stop request on (once: a second one is
 * the sweep's "exit now", after which the scanning process dies with it). */
static int wait_scanner(pid_t pid, volatile sig_atomic_t *stop, int *status)
{
    int passed = 0;
    for (;;) {
        if (stop && *stop && !passed) {
            kill(pid, SIGTERM);
            passed = 1;
        }
        pid_t w = waitpid(pid, status, WNOHANG);
        if (w == pid)
            return 0;
        if (w < 0 && errno != EINTR)
            return -1;
        /* A stop signal cuts the nap short; one that lands just before it waits 50 ms. */
        struct timespec nap = {0, 50 * 1000000L};
        nanosleep(&nap, NULL);
    }
}

int as_sweep_scan(const as_sweep_scan_args *a, as_scan_summary *sum, char *err, size_t errlen)
{
    memset(sum, 0, sizeof *sum);
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "cannot create a pipe for the scanning process: %s", strerror(errno));
        return -AS_ERR_FAIL;
    }
    fflush(NULL);       /* nothing buffered is written twice */
    pid_t parent = getpid(), pid = fork();
    if (pid == 0) {
        close(fds[0]);
        scanner(a, fds[1], parent);
    }
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        snprintf(err, errlen, "cannot start the scanning process: %s", strerror(errno));
        return -AS_ERR_FAIL;
    }
    int st = 0;
    if (wait_scanner(pid, a->so->interrupted, &st) != 0) {
        close(fds[0]);
        snprintf(err, errlen, "cannot wait for the scanning process %ld: %s", (long)pid,
                 strerror(errno));
        return -AS_ERR_FAIL;
    }
    scan_report rep;
    ssize_t n;
    do
        n = read(fds[0], &rep, sizeof rep);
    while (n < 0 && errno == EINTR);
    close(fds[0]);
    if (n != (ssize_t)sizeof rep) {
        if (WIFSIGNALED(st))
            snprintf(err, errlen, "the scanning process %ld was killed by signal %d; what it "
                     "stored is kept (the scan is marked interrupted)", (long)pid, WTERMSIG(st));
        else
            snprintf(err, errlen, "the scanning process %ld ended (exit status %d) without "
                     "a result; what it stored is kept (the scan is marked interrupted)",
                     (long)pid, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        return -AS_ERR_FAIL;
    }
    *sum = rep.sum;
    rep.err[sizeof rep.err - 1] = '\0';
    if (rep.rc < 0)
        snprintf(err, errlen, "%s", rep.err);
    return rep.rc;
}
