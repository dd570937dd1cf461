/* config.h — the sweep configuration file: INI (read with inih), a [defaults] section and
 * named [job NAME] sections, one table row per option, printed back in the same format. */
#ifndef AS_CONFIG_H
#define AS_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#define AS_CONFIG_DEFAULT_PATH "/etc/agentscan/agentscan.conf"
#define AS_JOB_NAME_MAX 64
/* One value (or list item): `config show` must print "key = VALUE" within inih's line. */
#define AS_CFG_MAX_VALUE 176

/* Every option, one row of the table in config_table.c, in the order `config show` prints
 * them. The table drives config files, the `scan`/`sweep`/`ports` command lines, the
 * options text stored with a scan (and its reading back), `config keys` and `--help`.
 * Rows after AS_OPT_FIRST_CLI_ONLY have no config key: they steer one run of `scan`. */
enum as_opt {
    AS_OPT_TARGETS, AS_OPT_TARGETS_FILE, AS_OPT_EXCLUDE, AS_OPT_EXCLUDE_FILE,
    AS_OPT_PORTS, AS_OPT_PING, AS_OPT_MAX_RATE, AS_OPT_MIN_RATE, AS_OPT_MAX_RETRIES,
    AS_OPT_OS, AS_OPT_RESOLVE, AS_OPT_DNS_SERVERS, AS_OPT_INTERFACE, AS_OPT_SOURCE,
    AS_OPT_SEED, AS_OPT_SHARD, AS_OPT_AGENTS, AS_OPT_DEPLOY_TABLE, AS_OPT_DB, AS_OPT_GATEWAY,
    AS_OPT_KEEP_SCANS, AS_OPT_KEEP_DAYS, AS_OPT_ON_CHANGE_COMMAND, AS_OPT_ON_CHANGE_FILE,
    AS_OPT_ON_CHANGE_TIMEOUT, AS_OPT_REPORT, AS_OPT_LOCK_WAIT, AS_OPT_SCHEDULE, AS_OPT_RANDOMIZED_DELAY,
    AS_OPT_TIMING, AS_OPT_OSDB, AS_OPT_SPOOL,
    AS_OPT_IDENTIFY, AS_OPT_MAX_CONNECTIONS, AS_OPT_IDENTIFY_TIMEOUT, AS_OPT_SNMP_COMMUNITY,
    AS_OPT_FIRST_CLI_ONLY,
    AS_OPT_XML = AS_OPT_FIRST_CLI_ONLY, AS_OPT_VERBOSE, AS_OPT_PROGRESS, AS_OPT_OFFLINE,
    AS_OPT_SCAN_TYPE, AS_OPT_UDP_SCAN, AS_OPT_DRY_RUN, AS_OPT_DRY_RUN_PCAP, AS_OPT_USER, AS_OPT_SELFTEST_SANDBOX,
    AS_OPT_COUNT
};

enum as_opt_type {
    AS_T_TARGETS,   /* list of target specs, as on the scan command line */
    AS_T_FILES,     /* list of files of target specs */
    AS_T_PORTS,     /* "22,80,1000-2000" */
    AS_T_PING,      /* "echo,ack:80,443" or "none" */
    AS_T_NUM,       /* decimal number in [min, max] */
    AS_T_INT,       /* integer in [min, max] */
    AS_T_BOOL,      /* yes/no (also true/false, on/off, 1/0); printed yes/no */
    AS_T_IPLIST,    /* IPv4 addresses, comma-separated */
    AS_T_IPV4,
    AS_T_IFNAME,
    AS_T_NAME,      /* [A-Za-z0-9._-], for gateway names */
    AS_T_PATH,      /* absolute path; %j = job name, %h = host name, %% = % */
    AS_T_COMMAND,   /* a /bin/sh command line */
    AS_T_SHARD,     /* K/N */
    AS_T_SPAN,      /* seconds, or with a unit: 90s, 15min, 2h, 1d (systemd's spans) */
    AS_T_CALENDAR,  /* a systemd OnCalendar= expression */
    AS_T_OUTPUT,    /* an output file: a path as AS_T_PATH, or "-" for standard output */
    AS_T_DATABASE,  /* an inventory: a path as AS_T_PATH, or a PostgreSQL database string
                     * (postgresql://HOST/DB, or libpq's "host=... dbname=...") without a
                     * password */
    AS_T_WORDS,     /* comma-separated words: printable, no space, at most 64 bytes each */
};

/* How an option is spelled on the `scan` command line. */
enum as_cli_kind {
    AS_CLI_NONE,        /* config only */
    AS_CLI_VALUE,       /* "--max-rate N", "--max-rate=N"; a two-letter flag also "-pN" */
    AS_CLI_SWITCH,      /* no value: sets cli_value ("-O" → os = yes, "-n" → resolve = no) */
    AS_CLI_COUNT,       /* no value, counts: "-v" adds 1, "-vv" 2 */
    AS_CLI_ATTACHED,    /* the value is the flag's last character: "-T4" */
    AS_CLI_PING,        /* nmap's -PE, -PA[PORTS], -Pn: the first replaces the default list */
    AS_CLI_POSITIONAL,  /* the words that are not flags */
};

/* Where an option matters (bits of as_opt_info.scope). */
#define AS_SCOPE_CONFIG 1u  /* a key of the configuration file */
#define AS_SCOPE_SCAN   2u  /* a flag of `scan` */
#define AS_SCOPE_SENDS  4u  /* changes what goes on the wire: `ports` takes it, the scan row
                             * stores it, and reading the row back recovers it */

typedef struct as_opt_info {
    const char *name;       /* the config key, or a name for a command-line-only option */
    const char *alias;      /* another accepted spelling, or NULL */
    enum as_opt_type type;
    double min, max;        /* AS_T_NUM, AS_T_INT, AS_T_SPAN (seconds) */
    const char *def;        /* default in file syntax; NULL: unset */
    const char *flag;       /* the `scan` flag, or NULL; for AS_CLI_ATTACHED the prefix */
    const char *help;       /* NULL: a test hook, left out of --help */
    enum as_cli_kind cli;
    const char *cli_value;  /* AS_CLI_SWITCH: the value the switch sets */
    const char *metavar;    /* AS_CLI_VALUE: the value's name in --help */
    unsigned scope;
} as_opt_info;

/* The table row for an option; NULL for AS_OPT_COUNT or beyond. */
const as_opt_info *as_opt_get(enum as_opt id);
/* By name or alias; -1 if unknown. */
int as_opt_find(const char *name);

/* Checks one value of an option and writes its canonical text (what `config show`
 * prints). Returns 0, or -1 with a message that does not repeat the key. */
int as_opt_parse(enum as_opt id, const char *value, char *out, size_t outlen,
                 char *err, size_t errlen);

typedef struct as_opt_val {
    char *text;             /* canonical text; list items separated by '\n'; NULL: unset */
    unsigned line;          /* where it was set */
} as_opt_val;

typedef struct as_job {
    char name[AS_JOB_NAME_MAX + 1];
    unsigned line;          /* of the [job NAME] header */
    as_opt_val v[AS_OPT_COUNT];     /* as set in the job's section (or on the command line) */
    char *eff[AS_OPT_COUNT];        /* effective values, computed once loading succeeded */
    unsigned char given[AS_OPT_COUNT];  /* 1: set by the job, [defaults] or a flag, not by
                                         * the built-in default */
} as_job;

typedef struct as_config {
    char *path;             /* as given, for messages */
    char hostname[256];     /* %h and the default gateway name */
    as_opt_val defaults[AS_OPT_COUNT];
    size_t njobs;
    as_job *jobs;
} as_config;

/* Reads and checks a configuration file. On error returns -1 and writes every problem
 * found, one a line, as "FILE:LINE: what" (up to errlen). cfg is valid only after 0. */
int as_config_load(as_config *cfg, const char *path, char *err, size_t errlen);
/* Same, from memory (for tests and the fuzzer: never reads files, never resolves names). */
int as_config_parse(as_config *cfg, const char *name, const char *text, size_t len,
                    char *err, size_t errlen);
void as_config_free(as_config *cfg);

const as_job *as_config_job(const as_config *cfg, const char *name);

/* The effective value of an option for a job: the job's, else [defaults]', else the
 * built-in default, with %j/%h expanded in paths and names. NULL when unset. */
const char *as_job_get(const as_job *job, enum as_opt id);
/* The SQLite file a sweep of the job writes: its db, or with a PostgreSQL db its spool (the
 * job's `spool`, else /var/lib/agentscan/spool-JOB.db, the service's state directory). */
const char *as_job_local_db(const as_job *job);
/* Where the effective value comes from: the line, or 0 for a built-in default. */
unsigned as_job_line(const as_config *cfg, const as_job *job, enum as_opt id);
/* Numeric options (NUM, INT, BOOL as 0/1, SPAN in seconds); 0 when unset. */
double as_job_num(const as_job *job, enum as_opt id);

/* tools/job_ports.c: what unprefixed -p ports are (AS_PORTSPEC_TCP/_UDP, from -sS/-sU), and
 * the default list (malloc'd text): ODAD's sixteen and every port of the job's agent and
 * deploy tables, TCP and UDP as -sS/-sU ask (both when neither is given). NULL: no memory. */
int as_job_port_plain(const as_job *j);
char *as_job_default_ports(const as_job *j);

/* The effective configuration of one job (NULL: all jobs) in file format: reading the
 * output back gives the same output. */
int as_config_show(const as_config *cfg, const char *job, FILE *out, char *err, size_t errlen);
/* The option table as text: name, type, range, default, scan flag, meaning. */
void as_config_print_keys(FILE *out);

#endif
