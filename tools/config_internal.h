/* config_internal.h — what config.c (parsing) and config_job.c (effective values, checks
 * across keys) share: the error list and the finishing step. */
#ifndef AS_CONFIG_INTERNAL_H
#define AS_CONFIG_INTERNAL_H

#include <stdarg.h>
#include "tools/config.h"

#define AS_CFG_MAX_ERRORS 40

/* Appends "FILE:LINE: message" as one more line of err; counts into *nerr. */
void as_cfg_verror(char *err, size_t errlen, int *nerr, const char *file, unsigned line,
                   const char *fmt, va_list ap);

/* After a clean parse: checks across keys (targets present, shard needs seed, ...) and
 * computes every job's effective values. Adds to err/nerr. */
int as_config_finish(as_config *cfg, int check_files, char *err, size_t errlen, int *nerr);

/* A job's effective values (its own, else [defaults], else the built-in default; %j/%h
 * expanded) and which of them were given. Returns 0 or -1 (out of memory). */
int as_job_effective(const as_config *cfg, as_job *j);

/* Checks that need several options (targets present, shard needs seed, min-rate not above
 * max-rate), worded for a config file (cli = 0) or a command line (cli = 1). Calls fn for
 * each problem, with the option it concerns (AS_OPT_COUNT: the job as a whole); returns
 * how many. */
typedef void (*as_job_problem_fn)(void *ctx, enum as_opt where, const char *msg);
int as_job_cross_check(const as_job *j, int cli, as_job_problem_fn fn, void *ctx);

#endif
