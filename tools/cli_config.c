/* cli_config.c — `agentscan config check|show|keys`: validate a sweep configuration without
 * scanning, print its effective values in file format, list the keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pwd.h>
#include <unistd.h>

#include "db/pg.h"
#include "tools/config.h"
#include "tools/service_check.h"
#include "probes/errors.h"
#include "tools/cli.h"

int cli_load_config(const char *path, as_config *cfg)
{
    static char err[8192];
    if (as_config_load(cfg, path ? path : AS_CONFIG_DEFAULT_PATH, err, sizeof err) != 0) {
        /* Several problems come one a line, each "FILE:LINE: what". */
        fprintf(stderr, "agentscan: %s\n", err);
        return AS_ERR_USAGE;
    }
    return 0;
}

#define USAGE "usage: agentscan config check [FILE] | show [JOB] | keys  [--config FILE]\n" \
    "  check [FILE]    report every problem of the file (default " AS_CONFIG_DEFAULT_PATH ")\n" \
    "  show [JOB]      the effective settings, in file format\n" \
    "  keys            the keys a file may set\n" \
    "  --config FILE   the configuration file\n" \
    "exit: 0 ok, 2 the file has problems or bad usage"

/* A job writing a PostgreSQL inventory: what its role can do there, said line by line. The
 * role that runs the check is the one the service uses when both read one ~/.pgpass. */
static int check_server(const as_config *cfg, const as_job *j, const char *db)
{
    as_pg_abilities a;
    char shown[256];
    as_pg_display(db, shown, sizeof shown);
    as_pg_probe(db, &a);
    unsigned line = as_job_line(cfg, j, AS_OPT_DB);
    if (!a.connect) {
        fprintf(stderr, "%s:%u: job '%s': cannot connect to %s: %s (sweeps still run: their "
                "scans wait in the spool until the server answers)\n", cfg->path, line, j->name,
                shown, a.detail);
        return 0;
    }
    fprintf(stderr, "%s:%u: job '%s': %s: connect yes, schema %s, write %s, read %s\n",
            cfg->path, line, j->name, shown,
            a.schema ? "current" : a.migrate ? "missing (this role creates it on first push)"
                                             : "unusable",
            a.schema ? (a.write ? "yes" : "no") : a.migrate ? "yes" : "no",
            a.schema ? (a.read ? "yes" : "no") : a.migrate ? "yes" : "no");
    if (!a.schema && !a.migrate) {
        fprintf(stderr, "%s:%u: job '%s': %s\n", cfg->path, line, j->name, a.detail);
        return 1;
    }
    if (a.schema && !a.write) {
        fprintf(stderr, "%s:%u: job '%s': this role may not add scans (GRANT INSERT, UPDATE "
                "on the agentscan tables, or use the writer's role)\n", cfg->path, line, j->name);
        return 1;
    }
    return 0;
}

/* What the service will meet: each job's database directory must exist and be writable by
 * the service user (agentscan, else whoever runs the check); paths the unit's sandbox hides
 * are worth a note. Prints every problem; returns how many there are. */
static int check_service(const as_config *cfg)
{
    struct passwd *pw = getpwnam("agentscan");
    uid_t uid = pw ? pw->pw_uid : geteuid();
    gid_t gid = pw ? pw->pw_gid : getegid();
    struct passwd *me = pw ? NULL : getpwuid(uid);
    const char *user = pw ? "agentscan" : me ? me->pw_name : NULL;
    if (!pw)
        fprintf(stderr, "agentscan: note: no user 'agentscan' (the units' service user); "
                "checking the database directories for %s instead\n", user ? user : "this user");
    int problems = 0;
    char why[1024];
    for (size_t i = 0; i < cfg->njobs; i++) {
        const as_job *j = &cfg->jobs[i];
        const char *db = as_job_get(j, AS_OPT_DB);
        if (db == NULL)
            continue;
        if (as_db_is_pg(db)) {
            problems += check_server(cfg, j, db);
            continue;
        }
        if (as_dir_writable_by(db, uid, gid, user, why, sizeof why) != 0) {
            fprintf(stderr, "%s:%u: job '%s': %s\n", cfg->path, as_job_line(cfg, j, AS_OPT_DB),
                    j->name, why);
            problems++;
        }
        if (as_unit_path_visible(db, why, sizeof why) != 0)
            fprintf(stderr, "%s:%u: job '%s': note: install-timer will refuse it: %s\n",
                    cfg->path, as_job_line(cfg, j, AS_OPT_DB), j->name, why);
    }
    return problems;
}

static int usage(void)
{
    return cli_fail(AS_ERR_USAGE, "%s", USAGE);
}

int cli_config(int argc, char **argv)
{
    const char *path = NULL, *sub = NULL, *arg = NULL, *v;
    for (int i = 1; i < argc; i++) {
        int r = cli_opt_value(argc, argv, &i, "--config", &v);
        if (r < 0)
            return cli_fail(AS_ERR_USAGE, "--config needs a file");
        if (r > 0)
            path = v;
        else if (cli_is_help(argv[i]))
            return puts(USAGE) < 0;
        else if (argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_fail(AS_ERR_USAGE, "config: unknown option '%s'", argv[i]);
        else if (sub == NULL)
            sub = argv[i];
        else if (arg == NULL)
            arg = argv[i];
        else
            return usage();
    }
    if (sub == NULL)
        return usage();
    if (strcmp(sub, "keys") == 0) {
        as_config_print_keys(stdout);
        return 0;
    }
    as_config cfg;
    int rc;
    if (strcmp(sub, "check") == 0) {
        if ((rc = cli_load_config(arg ? arg : path, &cfg)) != 0)
            return rc;
        if (cfg.njobs == 0)
            fprintf(stderr, "agentscan: warning: %s defines no job (is it empty?); add a "
                    "[job NAME] section with targets\n", cfg.path);
        if (check_service(&cfg) > 0) {
            as_config_free(&cfg);
            return AS_ERR_USAGE;
        }
        printf("%s: OK, %zu job(s)", cfg.path, cfg.njobs);
        for (size_t i = 0; i < cfg.njobs; i++)
            printf("%s%s", i ? ", " : ": ", cfg.jobs[i].name);
        printf("\n");
    } else if (strcmp(sub, "show") == 0) {
        char err[1024];
        if ((rc = cli_load_config(path, &cfg)) != 0)
            return rc;
        if (as_config_show(&cfg, arg, stdout, err, sizeof err) != 0)
            rc = cli_fail(AS_ERR_USAGE, "%s", err);
    } else {
        return usage();
    }
    as_config_free(&cfg);
    return rc;
}
