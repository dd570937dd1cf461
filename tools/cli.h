/* cli.h — the agentscan command's subcommands; each parses its own arguments and returns
 * the process exit code (enum as_error values, documented in --help). */
#ifndef AS_CLI_H
#define AS_CLI_H

int cli_scan(int argc, char **argv);
int cli_hosts(int argc, char **argv);
void cli_usage(void);

/* The database path: --db, else $AGENTSCAN_DB, else ./agentscan.db. */
const char *cli_db_path(const char *given);

/* "agentscan: " + message on stderr; returns code. */
int cli_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Matches "--name VALUE", "--name=VALUE" and (for short nmap options) "-xVALUE".
 * Returns 1 and sets *value (advancing *i past a separate value), 0 if argv[*i] is not
 * this option, -1 if the value is missing. */
int cli_opt_value(int argc, char **argv, int *i, const char *name, const char **value);

#endif
