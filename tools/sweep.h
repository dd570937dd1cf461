/* sweep.h — one run of a configured job: scan, store, diff against the job's previous
 * sweep, prune by retention, run the change action; one sweep of a job at a time (a lock). */
#ifndef AS_SWEEP_H
#define AS_SWEEP_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "tools/config.h"
#include "engine/portspec.h"
#include "engine/scan.h"

/* A job turned into scan options, with everything they point to. */
typedef struct as_job_scan {
    as_scan_opts o;
    as_portspec ports;
    as_port_table *agents, *deploy;
    struct as_osdb *osdb;   /* loaded when the job asks for OS detection */
    char options[4096];     /* "sweep JOB: -p ... --seed N": the scan row's options, in the
                             * scan command's flags so that `ports --scan` can read them */
    char communities[600];  /* snmp-community split in place; o.communities point here */
} as_job_scan;

/* Fills js from the job's effective values (targets resolved now, tables and the OS
 * database loaded). label starts the options text ("sweep JOB:"), or NULL. Returns 0 or a
 * negative enum as_error: -AS_ERR_TARGET, -AS_ERR_DATA, -AS_ERR_USAGE. */
int as_job_scan_prepare(const as_job *job, const char *label, as_job_scan *js, char *err,
                        size_t errlen);
void as_job_scan_free(as_job_scan *js);

/* The job's final target set (targets and files, less exclusions), names looked up when
 * resolve. Returns 0 or -AS_ERR_TARGET / -AS_ERR_FAIL with err; free *out either way. */
int as_job_targets(const as_job *job, int resolve, as_targets **out, char *err, size_t errlen);

/* The job's lock: flock() on DB.JOB.lock with the holder's PID written inside. The kernel
 * drops a flock when its holder dies, so a lock file whose PID is gone is stale. */
typedef struct as_lock {
    int fd;
    char path[4096];
} as_lock;

/* Takes the lock, waiting up to wait seconds (0: not at all) while *stop stays 0.
 * Returns 0 (held; *stale = the PID of a sweep that died holding it, else 0), 1 (busy:
 * *holder = its PID, 0 if unknown), or -1 with err. */
int as_lock_take(as_lock *l, const char *db, const char *job, double wait,
                 volatile sig_atomic_t *stop, pid_t *holder, pid_t *stale, char *err, size_t errlen);
void as_lock_release(as_lock *l);

/* The change action. The command runs as /bin/sh -c COMMAND in its own process group,
 * stdin the diff JSON, env extra added (NULL-terminated "K=V"); after timeout seconds the
 * group gets SIGTERM, then SIGKILL. Returns 0 when it exited 0, else -1 with err. */
int as_change_command(const char *command, const char *json, size_t len, double timeout,
                      char *const extra_env[], char *err, size_t errlen);
/* Writes the diff JSON to path atomically (a temporary file beside it, then rename). */
int as_change_file(const char *path, const char *json, size_t len, char *err, size_t errlen);

typedef void (*as_sweep_log_fn)(void *ctx, const char *msg);

typedef struct as_sweep_opts {
    double lock_wait;               /* < 0: the job's lock-wait */
    int progress, verbose;
    volatile sig_atomic_t *interrupted;
    as_sweep_log_fn log;            /* notes for the operator (stale lock, waiting, ...) */
    void *log_ctx;
    FILE *diff_out;                 /* the diff as a table; NULL: not printed */
    int selftest;                   /* --selftest-sandbox: a test hook (engine/privdrop.h) */
} as_sweep_opts;

typedef struct as_sweep_result {
    as_scan_summary scan;
    const char *db;                 /* the job's database (PostgreSQL: its spool, below) */
    char spool[4096];
    int64_t prev_id;                /* the job's previous complete sweep, 0 if none */
    size_t changes;
    int busy;                       /* another sweep of the job holds the lock */
    pid_t holder, stale;
    int64_t pruned;                 /* scans deleted by retention */
    int action_ran;                 /* 1 once the change action ran */
} as_sweep_result;

/* Runs one sweep of a job. Returns 0 (r->changes tells whether anything changed) or a
 * negative enum as_error with err; the scan's data stays stored whenever a scan ran, also
 * when the change action fails or the sweep is interrupted (-AS_ERR_INTERRUPTED). */
int as_sweep_run(const as_config *cfg, const char *job, const as_sweep_opts *so,
                 as_sweep_result *r, char *err, size_t errlen);

/* The scan of a sweep, run in a child process (tools/sweep_scan.c) that opens the network
 * and db itself, and, started as root, becomes an unprivileged user (agentscan, else
 * nobody) under Landlock and seccomp before it parses a reply, as `agentscan scan` does.
 * The caller holds the job's lock (lock_fd, which the child closes) and no open store.
 * Stop signals (so->interrupted) are passed on. Returns as as_scan_run: 0,
 * AS_ERR_INTERRUPTED, or a negative enum as_error with err; sum as the child stored it. */
typedef struct as_sweep_scan_args {
    as_job_scan *js;
    const as_job *job;
    const as_sweep_opts *so;
    const char *db;
    int lock_fd;
} as_sweep_scan_args;
int as_sweep_scan(const as_sweep_scan_args *a, as_scan_summary *sum, char *err, size_t errlen);

/* systemd drop-ins that tie the template units (tools/systemd/agentscan-sweep@.service and
 * .timer) to one job: the timer's OnCalendar= and RandomizedDelaySec= from the job; the
 * service's ExecStart= (this binary, this configuration) and ReadWritePaths= (the
 * directories of the job's database and on-change-file). Strings are malloc'd. */
int as_timer_dropins(const as_config *cfg, const as_job *job, const char *exe,
                     const char *config_path, char **timer, char **service,
                     char *err, size_t errlen);

#endif
