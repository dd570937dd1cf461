/* cli_diff.c — `agentscan diff [A] [B]`: what changed between two scans. Exit status is
 * ndiff's: 0 no change, 1 changes, 2 error, so a timer or a script can act on it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/export.h"
#include "probes/errors.h"
#include "tools/cli.h"

#define DIFF_SAME 0
#define DIFF_CHANGED 1
#define DIFF_ERROR 2

static const char USAGE[] =
    "usage: agentscan diff [SCAN_A] [SCAN_B] [--format table|json] [--db PATH]\n"
    "  what changed from scan A to scan B; without numbers the newest two complete scans of\n"
    "  overlapping targets, with one that scan and the next overlapping one\n"
    "  --format FMT    table (for people) or json\n"
    "  --db PATH       the inventory (default $AGENTSCAN_DB or ./agentscan.db)\n"
    "  --gateway NAME  a shared PostgreSQL inventory: this gateway's scans only\n"
    "exit (ndiff's): 0 no change or nothing to compare yet, 1 changes, 2 error\n";

int cli_diff(int argc, char **argv)
{
    const char *db = NULL, *format = "table", *v = NULL;
    int64_t ids[2] = {0, 0};
    int nids = 0;
    for (int i = 1; i < argc; i++) {
        int r;
        if ((r = cli_opt_value(argc, argv, &i, "--db", &v)) > 0)
            db = v;
        else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "--format", &v)) > 0)
            format = v;
        else if (r == 0 && cli_is_help(argv[i]))
            return fputs(USAGE, stdout) < 0 ? DIFF_ERROR : DIFF_SAME; else if (r == 0 && argv[i][0] != '-' && nids < 2) {
            if (cli_scan_id("diff", argv[i], &ids[nids++]) != 0)
                return DIFF_ERROR;
        } else if (r == 0) {
            cli_fail(DIFF_ERROR, "diff: unexpected argument '%s' (agentscan diff [SCAN_A] "
                     "[SCAN_B] [--format table|json])", argv[i]);
            return DIFF_ERROR;
        }
        if (r < 0)
            return cli_fail(DIFF_ERROR, "diff: option '%s' needs a value", argv[i]);
    }
    if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
        return cli_fail(DIFF_ERROR, "diff: unknown format '%s' (table or json)", format);
    char err[512];
    as_store *st;
    int orc = as_store_open_read(&st, cli_db_path(db), err, sizeof err);
    /* A first scheduled run has nothing to compare against: not an alarm. */
    if (orc == -AS_ERR_NOSCAN) {
        fprintf(stderr, "agentscan: diff: nothing to compare yet: %s\n", err);
        return DIFF_SAME;
    }
    if (orc != 0)
        return cli_fail(DIFF_ERROR, "%s", err);
    size_t changes = 0;
    int rc = as_store_diff_pick(st, &ids[0], &ids[1], err, sizeof err);
    if (rc > 0) {
        as_store_close(st);
        fprintf(stderr, "agentscan: diff: %s\n", err);
        return DIFF_SAME;
    }
    if (rc == 0)
        rc = as_store_diff(st, ids[0], ids[1], format, stdout, &changes, err, sizeof err);
    as_store_close(st);
    if (rc != 0)
        return cli_fail(DIFF_ERROR, "%s", err);
    return changes ? DIFF_CHANGED : DIFF_SAME;
}
