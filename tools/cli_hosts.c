/* cli_hosts.c — `agentscan hosts`: the inventory of one scan as a table or JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/store.h"
#include "probes/errors.h"
#include "tools/cli.h"

static const char USAGE[] =
    "usage: agentscan hosts [--scan ID] [--format table|json] [--all] [--db PATH]\n"
    "  the hosts of one scan (default: the latest), up ones only unless --all\n"
    "  --scan ID       a scan by its number\n"
    "  --format FMT    table (for people) or json (a stable interface for scripts)\n"
    "  --all           include hosts that did not answer\n"
    "  --db PATH       the inventory (default $AGENTSCAN_DB or ./agentscan.db)\n"
    "exit: 0 ok, 2 bad usage, 7 database unreadable, 9 no such scan or no scan yet\n";

int cli_hosts(int argc, char **argv)
{
    const char *db = NULL, *format = "table", *scan = NULL, *v = NULL;
    int all = 0;
    for (int i = 1; i < argc; i++) {
        int r;
        if ((r = cli_opt_value(argc, argv, &i, "--db", &v)) != 0)
            db = v;
        else if ((r = cli_opt_value(argc, argv, &i, "--format", &v)) != 0)
            format = v;
        else if ((r = cli_opt_value(argc, argv, &i, "--scan", &v)) != 0)
            scan = v;
        else if (strcmp(argv[i], "--all") == 0)
            r = 1, all = 1;
        else if (cli_is_help(argv[i]))
            return fputs(USAGE, stdout) < 0;
        else
            return cli_fail(AS_ERR_USAGE, "hosts: unknown option '%s' (try 'agentscan hosts --help')", argv[i]);
        if (r < 0)
            return cli_fail(AS_ERR_USAGE, "hosts: option '%s' needs a value", argv[i]);
    }
    char err[512];
    as_store *st;
    int orc = cli_open_read(db, &st);
    if (orc != 0)
        return orc;
    int64_t id;
    if (scan != NULL) {
        char *end;
        id = strtoll(scan, &end, 10);
        if (*end != '\0' || id <= 0) {
            as_store_close(st);
            return cli_fail(AS_ERR_USAGE, "hosts: --scan takes a scan number, not '%s'", scan);
        }
    } else if ((id = as_store_latest_scan(st, err, sizeof err)) <= 0) {
        as_store_close(st);
        if (id < 0)
            return cli_fail(AS_ERR_DB, "%s", err);
        return cli_fail(AS_ERR_NOSCAN, "%s holds no scan yet (run 'agentscan scan TARGET --db %s')",
                        cli_db_path(db), cli_db_path(db));
    }
    int rc = as_store_print_hosts(st, id, format, all, stdout, err, sizeof err);
    as_store_close(st);
    if (rc != 0)
        return cli_fail(strstr(err, "format") ? AS_ERR_USAGE : cli_read_error(err), "%s", err);
    return 0;
}
