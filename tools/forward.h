/* forward.h — scanning into a PostgreSQL inventory through a local spool (tools/forward.c). */
#ifndef AS_FORWARD_H
#define AS_FORWARD_H

#include <stddef.h>

/* The spool file: given (--spool, the job's `spool`), else in $STATE_DIRECTORY,
 * /var/lib/agentscan (root) or ~/.local/state/agentscan (that directory created): spool.db
 * for `scan`, spool-JOB.db for a sweep of job (NULL: none). 0 or -1. */
int as_spool_path(const char *given, const char *job, char *buf, size_t len, char *err,
                  size_t errlen);

/* Runs fn(arg) in a child process and returns its exit status (128 + signal when killed);
 * SIGINT and SIGTERM to this process are passed on to the child while it runs. */
int as_run_child(int (*fn)(void *), void *arg);

/* Forwards the spool's finished scans to the server; prints what happened on stderr.
 * Returns 0, or AS_ERR_DB when something could not be forwarded (it stays spooled). */
int as_forward(const char *spool, const char *conninfo);

#endif
