/* cli_push.c — `agentscan push`: forwards the scans a spool holds to the PostgreSQL
 * inventory (those a server outage kept back), each exactly once. */
#include <stdio.h>
#include <string.h>

#include "db/pg.h"
#include "probes/errors.h"
#include "tools/cli.h"
#include "tools/forward.h"

#define USAGE "usage: agentscan push [--spool FILE] [--db postgresql://HOST/DB]\n" \
    "  forwards the finished scans of the local spool that the server does not hold yet;\n" \
    "  a scan already there is not written twice (run it as often as you like)\n" \
    "  --db DB       the PostgreSQL inventory (default $AGENTSCAN_DB)\n" \
    "  --spool FILE  the spool scans were written to (default: as `scan --help` says)\n" \
    "exit: 0 ok (also: nothing to forward), 2 bad usage, 7 database or server unreachable"

int cli_push(int argc, char **argv)
{
    const char *db = NULL, *spool = NULL, *v;
    for (int i = 1; i < argc; i++) {
        int r;
        if ((r = cli_opt_value(argc, argv, &i, "--db", &v)) > 0)
            db = v;
        else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "--spool", &v)) > 0)
            spool = v;
        else if (r < 0)
            return cli_fail(AS_ERR_USAGE, "option '%s' needs a value", argv[i]);
        else if (cli_is_help(argv[i]))
            return puts(USAGE) < 0;
        else
            return cli_fail(AS_ERR_USAGE, "push: unknown argument '%s'\n%s", argv[i], USAGE);
    }
    db = cli_db_path(db);
    if (!as_db_is_pg(db))
        return cli_fail(AS_ERR_USAGE, "push: %s is not a PostgreSQL database string (push "
                        "forwards to postgresql://HOST/DB; for SQLite files use merge)", db);
    char err[1200], path[4096];
    if (as_pg_check(db, err, sizeof err) != 0)
        return cli_fail(AS_ERR_USAGE, "%s", err);
    if (as_spool_path(spool, NULL, path, sizeof path, err, sizeof err) != 0)
        return cli_fail(AS_ERR_DB, "%s", err);
    return as_forward(path, db);
}
