/* cli_report.c — `agentscan report`: one self-contained HTML page for a scan or a job's
 * newest sweep, from the inventory opened read-only. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "db/report.h"
#include "probes/errors.h"
#include "tools/cli.h"

#define USAGE "usage: agentscan report [--db PATH] [--scan ID | --job NAME] [-o FILE]\n" \
    "        [--deploy-table FILE] [--source ADDR] [--gateway NAME]"

typedef struct report_args {
    as_report_opts o;
    const char *db, *out, *table;
} report_args;

static int parse(report_args *a, int argc, char **argv)
{
    const char *v;
    for (int i = 1; i < argc; i++) {
        int r;
        if ((r = cli_opt_value(argc, argv, &i, "--db", &v)) > 0)
            a->db = v;
        else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "-o", &v)) > 0)
            a->out = v;
        else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "--job", &v)) > 0)
            a->o.job = v;
        else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "--deploy-table", &v)) > 0)
            a->table = v;
        else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "--scan", &v)) > 0) {
            if (cli_scan_id("report", v, &a->o.scan_id) != 0)
                return AS_ERR_USAGE;
        } else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "--source", &v)) > 0) {
            struct in_addr in;
            if (inet_pton(AF_INET, v, &in) != 1)
                return cli_fail(AS_ERR_USAGE, "report: --source takes an IPv4 address, not '%s'", v);
            a->o.source = ntohl(in.s_addr);
        } else if (r < 0)
            return cli_fail(AS_ERR_USAGE, "report: option '%s' needs a value", argv[i]);
        else if (strcmp(argv[i], "--help") == 0) {
            puts(USAGE);
            return -1;
        } else
            return cli_fail(AS_ERR_USAGE, "report: unexpected '%s'\n%s", argv[i], USAGE);
    }
    if (a->o.job && a->o.scan_id)
        return cli_fail(AS_ERR_USAGE, "report: give --scan ID or --job NAME, not both");
    return 0;
}

int cli_report(int argc, char **argv)
{
    report_args a;
    memset(&a, 0, sizeof a);
    int rc = parse(&a, argc, argv);
    if (rc != 0)
        return rc < 0 ? 0 : rc;
    as_port_table *deploy = NULL;
    char err[1024];
    if (as_port_table_load(&deploy, a.table ? a.table : as_default_deploy_path(), 1, err,
                           sizeof err) != 0)
        return cli_fail(AS_ERR_DATA, "deploy table: %s", err);
    a.o.deploy = deploy;
    as_store *st = NULL;
    if (as_store_open_read(&st, cli_db_path(a.db), err, sizeof err) != 0)
        rc = cli_fail(AS_ERR_DB, "%s", err);
    else if (!a.out || strcmp(a.out, "-") == 0 ? as_report_html(st, &a.o, stdout, err, sizeof err)
                                               : as_report_save(st, &a.o, a.out, err, sizeof err))
        rc = cli_fail(strncmp(err, "database", 8) == 0 ? AS_ERR_DB : AS_ERR_FAIL, "report: %s", err);
    as_store_close(st);
    as_port_table_free(deploy);
    return rc;
}
