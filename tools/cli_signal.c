/* cli_signal.c — SIGINT/SIGTERM for the commands that scan: the first asks the scan to stop
 * and store what it has; a second one, a moment later, exits at once. */
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "probes/errors.h"
#include "tools/cli.h"

/* timeout(1), `kill -- -PGID` and a terminal's ^C can each deliver one stop request as two
 * signals within microseconds (timeout sends to the child and then to its process group).
 * Only a signal this long after the first means "now"; a person pressing ^C again takes
 * longer than this. */
#define SECOND_SIGNAL_NS 500000000LL

static volatile sig_atomic_t stop_requested;
static struct timespec first_at;
static int exit_now_code;

static long long since_first_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);   /* async-signal-safe (POSIX.1-2008) */
    return (long long)(now.tv_sec - first_at.tv_sec) * 1000000000LL + (now.tv_nsec - first_at.tv_nsec);
}

static void on_stop_signal(int sig)
{
    (void)sig;
    if (!stop_requested) {
        clock_gettime(CLOCK_MONOTONIC, &first_at);
        stop_requested = 1;
        return;
    }
    /* Transactions keep the database consistent when we leave without cleaning up. */
    if (since_first_ns() >= SECOND_SIGNAL_NS)
        _exit(exit_now_code);
}

volatile sig_atomic_t *cli_catch_stop_signals(int exit_code)
{
    exit_now_code = exit_code;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    /* Mask the other stop signal while one is handled, so first_at is written whole. */
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    return &stop_requested;
}
