/* cli_prune.c — `agentscan prune --keep N | --older-than AGE`: retention of old scans; the
 * hosts' first/last-seen history is kept. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/export.h"
#include "db/pg.h"
#include "probes/errors.h"
#include "tools/cli.h"

static int parse_keep(const char *v, int *keep)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (*v == '\0' || *end != '\0' || n < 1 || n > 1000000)
        return cli_fail(AS_ERR_USAGE, "prune: --keep takes a number of scans from 1 to 1000000, "
                        "not '%s'", v);
    *keep = (int)n;
    return 0;
}

static const char USAGE[] =
    "usage: agentscan prune --keep N | --older-than DATE|AGE [--dry-run] [--db PATH]\n"
    "  deletes old scans and what was recorded under them; host rows (first/last seen) stay\n"
    "  --keep N               keep the newest N finished scans\n"
    "  --older-than DATE|AGE  delete scans started before DATE (2024-05-01) or AGE ago (30d)\n"
    "  --dry-run              say what would be deleted, change nothing (needs read access only)\n"
    "  --db PATH              the inventory (default $AGENTSCAN_DB or ./agentscan.db)\n"
    "exit: 0 ok, 2 bad usage, 7 database, 9 no scan yet (--dry-run)\n";

static int print_result(const as_prune_result *rp, int dry);

int cli_prune(int argc, char **argv)
{
    const char *db = NULL, *v = NULL;
    int keep = 0, dry = 0, has_before = 0;
    as_when before = {0, 0, 0};
    char err[512];
    for (int i = 1; i < argc; i++) {
        int r;
        if ((r = cli_opt_value(argc, argv, &i, "--db", &v)) > 0)
            db = v;
        else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "--keep", &v)) > 0) {
            if (parse_keep(v, &keep) != 0)
                return AS_ERR_USAGE;
        } else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "--older-than", &v)) > 0) {
            if (as_when_parse(v, (double)time(NULL), 0, &before, err, sizeof err) != 0)
                return cli_fail(AS_ERR_USAGE, "prune: --older-than: %s", err);
            has_before = 1;
        } else if (r == 0 && strcmp(argv[i], "--dry-run") == 0)
            dry = 1;
        else if (r == 0 && cli_is_help(argv[i]))
            return fputs(USAGE, stdout) < 0;
        else if (r == 0)
            return cli_fail(AS_ERR_USAGE, "prune: unknown option '%s' (try 'agentscan prune --help')",
                            argv[i]);
        if (r < 0)
            return cli_fail(AS_ERR_USAGE, "prune: option '%s' needs a value", argv[i]);
    }
    if (!keep && !has_before)
        return cli_fail(AS_ERR_USAGE, "prune: give --keep N and/or --older-than AGE|DATE");
    as_store *st;
    as_prune_result r;
    if (as_db_is_pg(cli_db_path(db))) {
        if (as_pg_prune(cli_db_path(db), keep, has_before, before.time, dry, &r, err,
                        sizeof err) != 0)
            return cli_fail(AS_ERR_DB, "%s", err);
        return print_result(&r, dry);
    }
    if (dry) {
        int orc = cli_open_read(db, &st);
        if (orc != 0)
            return orc;
    } else if (as_store_open(&st, cli_db_path(db), 0, err, sizeof err) != 0)
        return cli_fail(AS_ERR_DB, "%s", err);
    int rc = as_store_prune(st, keep, has_before, before.time, dry, &r, err, sizeof err);
    as_store_close(st);
    if (rc != 0)
        return cli_fail(AS_ERR_DB, "%s", err);
    return print_result(&r, dry);
}

static int print_result(const as_prune_result *rp, int dry)
{
    as_prune_result r = *rp;
    if (r.scans == 0)
        printf("prune: nothing to delete\n");
    else
        printf("prune: %s %lld scan%s (ids %lld-%lld): %lld host observations, %lld port "
               "states; host first/last-seen history kept\n", dry ? "would delete" : "deleted",
               (long long)r.scans, r.scans == 1 ? "" : "s", (long long)r.first_id,
               (long long)r.last_id, (long long)r.observations, (long long)r.ports);
    return 0;
}
