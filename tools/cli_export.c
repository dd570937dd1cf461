/* cli_export.c — `agentscan export`: options → as_export_opts, the data files it reads (the
 * deploy table, the IEEE OUI registry), and writing to stdout or a file replaced whole. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/export.h"
#include "probes/errors.h"
#include "tools/cli.h"
#include "tools/safe_write.h"

int cli_export_tables(const char *deploy_path, const char *oui_path, as_port_table **deploy,
                      as_oui **oui)
{
    char err[512];
    int missing;
    *deploy = NULL;
    *oui = NULL;
    const char *dp = deploy_path ? deploy_path : as_default_deploy_path();
    if (as_port_table_load(deploy, dp, 1, err, sizeof err) != 0)
        return cli_fail(AS_ERR_DATA, "deploy table: %s", err);
    /* Vendors are a nicety: without the registry they are empty, never an error. */
    if (as_oui_load(oui, oui_path ? oui_path : as_default_oui_path(), &missing, err,
                    sizeof err) != 0)
        fprintf(stderr, "agentscan: warning: MAC vendors left empty: %s\n", err);
    return 0;
}

typedef struct export_job {
    as_store *st;
    const as_export_opts *o;
    int db_failed;
} export_job;

static int write_export(FILE *f, void *ctx, char *err, size_t errlen)
{
    export_job *j = ctx;
    int rc = as_store_export(j->st, j->o, f, err, errlen);
    j->db_failed = rc != 0 && strstr(err, "writing") == NULL;
    return rc;
}

/* "-" or no path: stdout. A file is replaced whole (tools/safe_write.c): a reader or a failed
 * run never sees half an export, a link at the path is not followed, the mode is kept. */
int cli_write_export(as_store *st, const as_export_opts *o, const char *path)
{
    char err[1024];
    if (!path || strcmp(path, "-") == 0) {
        if (as_store_export(st, o, stdout, err, sizeof err) != 0)
            return cli_fail(strstr(err, "writing") ? AS_ERR_FAIL : cli_read_error(err), "%s", err);
        return 0;
    }
    export_job j = {st, o, 0};
    if (as_replace_file(path, write_export, &j, err, sizeof err) != 0)
        return cli_fail(j.db_failed ? cli_read_error(err) : AS_ERR_FAIL, "%s", err);
    return 0;
}

static const char USAGE[] =
    "usage: agentscan export [--format csv|json|ndjson|nmap-xml|cmdb] [-o FILE] [--scan ID]\n"
    "        [--since DATE|AGE|SCAN] [--managed|--unmanaged] [--deployable] [--up] [--gone]\n"
    "        [--deploy-table FILE] [--oui FILE] [--stylesheet URL] [--db PATH]\n"
    "  one host per row or object, the hosts of one scan (default: the latest)\n"
    "  --format FMT         csv (default), json, ndjson, nmap-xml or cmdb\n"
    "  -o FILE              write FILE (replaced whole, its mode kept; new files 0640)\n"
    "  --scan ID            a scan by its number\n"
    "  --since WHEN         only hosts that changed since scan SCAN, a DATE or an AGE ago\n"
    "  --managed            hosts with an agent port open; --unmanaged: without\n"
    "  --unmanaged          hosts without an agent\n"
    "  --deployable         hosts with a deploy channel reachable\n"
    "  --up                 hosts that answered\n"
    "  --gone               instead: machines seen up before the scan, not up in it (status\n"
    "                       gone: a CMDB's retirements); csv, json, ndjson or cmdb\n"
    "  --deploy-table FILE  the login-port table (default: the installed deploy.tab)\n"
    "  --oui FILE           the IEEE MAC vendor registry (default: ieee-data's)\n"
    "  --stylesheet URL     nmap-xml: an xml-stylesheet line (nmap's --stylesheet)\n"
    "  --db PATH            the inventory (default $AGENTSCAN_DB or ./agentscan.db)\n"
    "  --gateway NAME       a shared PostgreSQL inventory: this gateway's scans only\n"
    "exit: 0 ok, 1 cannot write FILE, 2 bad usage, 7 database, 8 data file, 9 no such scan\n"
    "  or no scan yet\n";

typedef struct export_args {
    as_export_opts o;
    const char *db, *out, *deploy_path, *oui_path, *since;
} export_args;

static int parse_flag(export_args *a, const char *arg)
{
    if (strcmp(arg, "--managed") == 0)
        a->o.managed = 1;
    else if (strcmp(arg, "--unmanaged") == 0)
        a->o.unmanaged = 1;
    else if (strcmp(arg, "--deployable") == 0)
        a->o.deployable = 1;
    else if (strcmp(arg, "--up") == 0)
        a->o.up_only = 1;
    else if (strcmp(arg, "--gone") == 0)
        a->o.gone = 1;
    else
        return 0;
    return 1;
}

static int parse_args(export_args *a, int argc, char **argv)
{
    const char *v = NULL, *format = "csv", *scan = NULL;
    for (int i = 1; i < argc; i++) {
        int r;
        if ((r = cli_opt_value(argc, argv, &i, "--db", &v)) > 0) a->db = v;
        else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "--format", &v)) > 0) format = v;
        else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "--scan", &v)) > 0) scan = v;
        else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "--since", &v)) > 0) a->since = v;
        else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "-o", &v)) > 0) a->out = v;
        else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "--deploy-table", &v)) > 0)
            a->deploy_path = v;
        else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "--oui", &v)) > 0) a->oui_path = v;
        else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "--stylesheet", &v)) > 0) {
            if (strpbrk(v, "\"<>&") || *v == '\0')
                return cli_fail(AS_ERR_USAGE, "export: --stylesheet takes a path or URL without "
                                "quotes or <>&, not '%s'", v);
            a->o.stylesheet = v;
        }
        else if (r == 0 && parse_flag(a, argv[i])) continue;
        else if (r == 0 && cli_is_help(argv[i])) {
            fputs(USAGE, stdout);
            exit(0);
        } else if (r == 0)
            return cli_fail(AS_ERR_USAGE, "export: unknown option '%s' (try 'agentscan export --help')",
                            argv[i]);
        if (r < 0)
            return cli_fail(AS_ERR_USAGE, "export: option '%s' needs a value", argv[i]);
    }
    if (as_export_format_parse(format, &a->o.format) != 0)
        return cli_fail(AS_ERR_USAGE, "export: unknown format '%s' (csv, json, ndjson, "
                        "nmap-xml, cmdb)", format);
    if (a->o.managed && a->o.unmanaged)
        return cli_fail(AS_ERR_USAGE, "export: --managed and --unmanaged exclude each other");
    if (scan && cli_scan_id("export", scan, &a->o.scan_id) != 0)
        return AS_ERR_USAGE;
    char err[512];
    if (a->since) {
        if (as_when_parse(a->since, (double)time(NULL), 1, &a->o.since, err, sizeof err) != 0)
            return cli_fail(AS_ERR_USAGE, "export: --since: %s", err);
        a->o.has_since = 1;
    }
    return 0;
}

int cli_export(int argc, char **argv)
{
    export_args a;
    memset(&a, 0, sizeof a);
    int rc = parse_args(&a, argc, argv);
    if (rc != 0)
        return rc;
    as_port_table *deploy;
    as_oui *oui;
    if ((rc = cli_export_tables(a.deploy_path, a.oui_path, &deploy, &oui)) != 0)
        return rc;
    a.o.deploy = deploy;
    a.o.oui = oui;
    as_store *st;
    if ((rc = cli_open_read(a.db, &st)) == 0) {
        rc = cli_write_export(st, &a.o, a.out);
        as_store_close(st);
    }
    as_port_table_free(deploy);
    as_oui_free(oui);
    return rc;
}
