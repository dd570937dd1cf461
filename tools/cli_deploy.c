/* cli_deploy.c — `agentscan deploy-report`: per host, managed / deployable / blocked /
 * unknown and the firewall rule that would open a login channel, from the inventory only. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "db/reports.h"
#include "probes/errors.h"
#include "tools/cli.h"

#define USAGE "usage: agentscan deploy-report [--scan ID] [--format text|json] [--source ADDR]\n" \
    "        [--deploy-table FILE] [--db PATH]\n" \
    "  per live host: managed, deployable, blocked or unknown, and the firewall rule to ask for\n" \
    "  --scan ID            a scan by its number (default: the latest)\n" \
    "  --format FMT         text or json\n" \
    "  --source ADDR        the scanner's address for the rules, when the scan did not record it\n" \
    "  --deploy-table FILE  the login-port table (default: the installed deploy.tab)\n" \
    "  --db PATH            the inventory (default $AGENTSCAN_DB or ./agentscan.db)\n" \
    "  --gateway NAME       a shared PostgreSQL inventory: this gateway's scans only\n" \
    "exit: 0 ok, 2 bad usage, 7 database, 8 data file, 9 no such scan or no scan yet"

int cli_deploy(int argc, char **argv)
{
    const char *db = NULL, *format = "text", *table = NULL, *v;
    int64_t scan = 0;
    uint32_t source = 0;
    for (int i = 1; i < argc; i++) {
        int r;
        if ((r = cli_opt_value(argc, argv, &i, "--db", &v)) > 0)
            db = v;
        else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "--format", &v)) > 0)
            format = v;
        else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "--deploy-table", &v)) > 0)
            table = v;
        else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "--scan", &v)) > 0) {
            if (cli_scan_id("deploy-report", v, &scan) != 0)
                return AS_ERR_USAGE;
        } else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "--source", &v)) > 0) {
            struct in_addr a;
            if (inet_pton(AF_INET, v, &a) != 1)
                return cli_fail(AS_ERR_USAGE, "--source takes an IPv4 address, not '%s'", v);
            source = ntohl(a.s_addr);
        } else if (r < 0)
            return cli_fail(AS_ERR_USAGE, "option '%s' needs a value", argv[i]);
        else if (cli_is_help(argv[i]))
            return puts(USAGE) < 0;
        else
            return cli_fail(AS_ERR_USAGE, "deploy-report: unexpected '%s'\n%s", argv[i], USAGE);
    }
    if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
        return cli_fail(AS_ERR_USAGE, "--format takes text or json, not '%s'", format);
    as_port_table *deploy = NULL;
    char err[1024];
    if (as_port_table_load(&deploy, table ? table : as_default_deploy_path(), 1, err, sizeof err) != 0)
        return cli_fail(AS_ERR_DATA, "deploy table: %s", err);
    as_store *st = NULL;
    int rc = 0;
    if ((rc = cli_open_read(db, &st)) != 0)
        ;
    else if (as_deploy_report(st, scan, deploy, source, format, stdout, err, sizeof err) != 0)
        rc = cli_fail(cli_read_error(err), "%s", err);
    as_store_close(st);
    as_port_table_free(deploy);
    return rc;
}
