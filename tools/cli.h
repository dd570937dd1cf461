/* cli.h — the agentscan command's subcommands; each parses its own arguments and returns
 * the process exit code (enum as_error values, documented in --help). */
#ifndef AS_CLI_H
#define AS_CLI_H

#include <stdint.h>

#include "db/export.h"

int cli_scan(int argc, char **argv);
int cli_hosts(int argc, char **argv);
int cli_export(int argc, char **argv);
int cli_diff(int argc, char **argv);
int cli_prune(int argc, char **argv);
int cli_config(int argc, char **argv);
int cli_sweep(int argc, char **argv);
int cli_install_timer(int argc, char **argv);
int cli_deploy(int argc, char **argv);
int cli_ports(int argc, char **argv);
int cli_merge(int argc, char **argv);
int cli_report(int argc, char **argv);
int cli_push(int argc, char **argv);
void cli_usage(void);

/* Installs the SIGINT/SIGTERM handler of the scanning commands and returns the flag it
 * sets: the first signal asks for an orderly stop; a second one at least half a second
 * later exits at once with exit_code (two copies of one request, as timeout(1) delivers,
 * count once). */
#include <signal.h>
volatile sig_atomic_t *cli_catch_stop_signals(int exit_code);

/* 1 if arg asks for help (--help, -h): the subcommand prints its usage on stdout, exit 0. */
int cli_is_help(const char *arg);

/* The exit code of a failed read: AS_ERR_NOSCAN when the message says the scan is missing
 * ("no scan N", "no scans yet"), AS_ERR_DB otherwise. */
int cli_read_error(const char *err);

/* A scan number (> 0) for subcommand cmd; prints the error and returns AS_ERR_USAGE. */
int cli_scan_id(const char *cmd, const char *s, int64_t *id);

/* The export's data files: the deploy table (missing: error, exit code returned) and the
 * OUI registry (missing or bad: a warning, empty vendors). Both out-params may be freed. */
int cli_export_tables(const char *deploy_path, const char *oui_path, as_port_table **deploy,
                      as_oui **oui);
/* Exports to path ("-" or NULL: stdout; a file is replaced whole). Returns an exit code. */
int cli_write_export(as_store *st, const as_export_opts *o, const char *path);

/* Opens the database for reading only (as_store_open_read); prints the error and returns
 * its exit code (AS_ERR_NOSCAN for an empty store, AS_ERR_DB otherwise), or 0. */
int cli_open_read(const char *db, as_store **st);

/* Removes a database file this run created, with its -wal, -shm and -journal, when the
 * command failed before recording anything in it. */
void cli_remove_new_db(const char *path);

/* The database path: --db, else $AGENTSCAN_DB, else ./agentscan.db. */
const char *cli_db_path(const char *given);

/* "agentscan: " + message on stderr; returns code. */
int cli_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Matches "--name VALUE", "--name=VALUE" and (for short nmap options) "-xVALUE".
 * Returns 1 and sets *value (advancing *i past a separate value), 0 if argv[*i] is not
 * this option, -1 if the value is missing. */
int cli_opt_value(int argc, char **argv, int *i, const char *name, const char **value);

/* Loads the sweep configuration (NULL: the default path); prints every error found and
 * returns AS_ERR_USAGE, or 0. */
struct as_config;
int cli_load_config(const char *path, struct as_config *cfg);

#endif
