/* options.h — the option table (config.h) applied to command lines: `scan`'s flags, the
 * `ports` request's, and the options text stored with each scan, all read into an as_job. */
#ifndef AS_OPTIONS_H
#define AS_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

#include "tools/config.h"

/* How strictly a command line is read. */
enum as_cli_mode {
    AS_CLI_STRICT,      /* a person typed it: unknown flags and values out of range are errors */
    AS_CLI_STORED,      /* a scan row's options text: flags outside the scope and words that
                         * are not flags (targets, "sweep JOB:") are skipped */
};

/* Reads argv[0..argc) (no program or subcommand name) into job (zeroed first, named name)
 * through the table rows of the given scope (AS_SCOPE_SCAN, or AS_SCOPE_SENDS for what
 * `ports` takes), then computes its effective values (built-in defaults; paths may be
 * relative to the working directory). Values are checked exactly as in a config file.
 * Returns 0, or -AS_ERR_USAGE / -AS_ERR_TARGET with err. Free the job with
 * as_job_release. */
int as_cli_read(as_job *job, const char *name, int argc, char *const argv[], unsigned scope,
                enum as_cli_mode mode, char *err, size_t errlen);
/* The same from one string split at spaces (a stored scan's options). */
int as_cli_read_text(as_job *job, const char *name, const char *text, unsigned scope,
                     enum as_cli_mode mode, char *err, size_t errlen);
void as_job_release(as_job *job);

/* What a scan command line must hold besides valid values (targets; --seed with --shard;
 * --min-rate not above --max-rate), worded for the command line: 0 or -AS_ERR_USAGE. */
int as_cli_check(const as_job *job, char *err, size_t errlen);

/* The job's options that change what goes on the wire, as `scan` flags in table order
 * ("-p 22,80 -PE -PA80 --max-rate 5000 ..."): the text stored with a scan, which
 * as_cli_read_text reads back to the same values. */
void as_cli_write(const as_job *job, char *out, size_t len);

/* `agentscan scan --help`: usage line and one line per flag of the scope, from the table. */
void as_cli_help(FILE *out, const char *usage, unsigned scope);
/* The same flags as an scdoc(5) list, for the man page (built by `agentscan scan
 * --help-scdoc` at build time, so the page never drifts from the table). */
void as_cli_help_scdoc(FILE *out, unsigned scope);

#endif
