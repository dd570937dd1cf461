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

#endif
