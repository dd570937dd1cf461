/* forward.c — scans into a shared PostgreSQL inventory (issue 14): the scan writes a local
 * SQLite spool in a child process, which gives up its privileges as every scan does; the
 * parent never parses a packet, keeps the invoking user's credentials (~/.pgpass, client
 * certificates) and forwards what the spool holds once the child is done. A server that
 * is down costs nothing: the scans wait in the spool for the next forward. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db/pg.h"
#include "probes/errors.h"
#include "tools/forward.h"

static int mkdir_p(char *path, mode_t mode)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int rc = mkdir(path, mode);
        *p = '/';
        if (rc != 0 && errno != EEXIST)
            return -1;
    }
    return mkdir(path, mode) == 0 || errno == EEXIST ? 0 : -1;
}

int as_spool_path(const char *given, const char *job, char *buf, size_t len, char *err,
                  size_t errlen)
{
    if (given != NULL && *given) {
        snprintf(buf, len, "%s", given);
        return 0;
    }
    const char *state = getenv("STATE_DIRECTORY"), *home = getenv("HOME");
    char dir[4096];
    if (state && *state) {
        /* systemd's StateDirectory=: a list when several are set; the first is ours. */
        snprintf(dir, sizeof dir, "%.*s", (int)strcspn(state, ":"), state);
    } else if (geteuid() == 0)
        snprintf(dir, sizeof dir, "/var/lib/agentscan");
    else if (home && *home == '/')
        snprintf(dir, sizeof dir, "%s/.local/state/agentscan", home);
    else {
        snprintf(err, errlen, "no place for the spool (no $STATE_DIRECTORY and no $HOME): give "
                 "--spool FILE");
        return -1;
    }
    if (mkdir_p(dir, 0750) != 0) {
        snprintf(err, errlen, "cannot create the spool directory %s: %s (give --spool FILE)",
                 dir, strerror(errno));
        return -1;
    }
    if ((size_t)snprintf(buf, len, "%s/spool%s%s.db", dir, job ? "-" : "", job ? job : "") >= len) {
        snprintf(err, errlen, "spool path too long: %s (give --spool FILE)", dir);
        return -1;
    }
    return 0;
}

static volatile pid_t child_pid;

/* A stop request to this process is one to the scan: pass it on (a copy the child also got
 * from its process group counts once there, see cli_signal.c). */
static void pass_on(int sig)
{
    if (child_pid > 0)
        kill(child_pid, sig);
}

int as_run_child(int (*fn)(void *), void *arg)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "agentscan: cannot start the scan process: %s\n", strerror(errno));
        return AS_ERR_FAIL;
    }
    if (pid == 0) {
        int rc = fn(arg);
        fflush(NULL);
        _exit(rc);
    }
    child_pid = pid;
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = pass_on;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    child_pid = 0;
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int as_forward(const char *spool, const char *conninfo)
{
    char err[1200], shown[256];
    as_pg_display(conninfo, shown, sizeof shown);
    as_store *st = NULL;
    if (access(spool, F_OK) != 0) {
        fprintf(stderr, "agentscan: nothing to forward: no spool %s yet\n", spool);
        return 0;
    }
    if (as_store_open(&st, spool, 0, err, sizeof err) != 0) {
        fprintf(stderr, "agentscan: spool: %s\n", err);
        return AS_ERR_DB;
    }
    as_push_result r;
    int rc = as_pg_push(st, conninfo, &r, err, sizeof err);
    as_store_close(st);
    if (r.pushed || r.already || rc == 0) {
        fprintf(stderr, "agentscan: forwarded %u scan(s) (%u host observations) to %s", r.pushed,
                r.hosts, shown);
        if (r.already)
            fprintf(stderr, "; %u the server already held", r.already);
        fputc('\n', stderr);
    }
    if (rc != 0) {
        fprintf(stderr, "agentscan: cannot forward to %s: %s; the scans stay in the spool %s "
                "(the next scan, sweep or `agentscan push` forwards them)\n", shown, err, spool);
        return AS_ERR_DB;
    }
    return 0;
}
