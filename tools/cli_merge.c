/* cli_merge.c — `agentscan merge A.db B.db ... --into central.db`: fold gateways'
 * inventories into one, each scan with its provenance; shards of a round become one scan. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/reports.h"
#include "probes/errors.h"
#include "tools/cli.h"

#define USAGE "usage: agentscan merge SOURCE.db... --into CENTRAL.db [--window SECONDS]\n" \
    "  folds gateways' inventories into one; shards of one round become one scan, a scan\n" \
    "  already merged (or given twice) is skipped; sources are only read\n" \
    "  --into FILE        the central inventory (created if missing)\n" \
    "  --window SECONDS   shards of a job started this close are one round (default 3600)\n" \
    "exit: 0 ok, 2 bad usage, 7 database, 9 a source holds no scan yet"

int cli_merge(int argc, char **argv)
{
    const char *into = NULL, *v;
    double window = 3600;
    const char **src = calloc((size_t)argc, sizeof *src);
    size_t n = 0;
    int rc = src ? 0 : cli_fail(AS_ERR_FAIL, "out of memory");
    for (int i = 1; rc == 0 && i < argc; i++) {
        int r;
        if ((r = cli_opt_value(argc, argv, &i, "--into", &v)) > 0)
            into = v;
        else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "--window", &v)) > 0) {
            char *end;
            window = strtod(v, &end);
            if (*end || window < 0 || window > 7 * 86400)
                rc = cli_fail(AS_ERR_USAGE, "--window takes seconds from 0 to 604800, not '%s'", v);
        } else if (r < 0)
            rc = cli_fail(AS_ERR_USAGE, "option '%s' needs a value", argv[i]);
        else if (cli_is_help(argv[i])) {
            free(src);
            return puts(USAGE) < 0;
        } else if (argv[i][0] == '-')
            rc = cli_fail(AS_ERR_USAGE, "merge: unknown option '%s'\n%s", argv[i], USAGE);
        else
            src[n++] = argv[i];
    }
    if (rc == 0 && (into == NULL || n == 0))
        rc = cli_fail(AS_ERR_USAGE, "%s", USAGE);
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (strcmp(src[i], into) == 0)
            rc = cli_fail(AS_ERR_USAGE, "merge: %s is both a source and --into", into);
    as_store *dst = NULL;
    char err[1024];
    int existed = into && access(into, F_OK) == 0;
    if (rc == 0 && as_store_open(&dst, into, 1, err, sizeof err) != 0)
        rc = cli_fail(AS_ERR_DB, "%s", err);
    as_merge_result r;
    if (rc == 0 && as_store_merge(dst, src, n, window, &r, err, sizeof err) != 0)
        rc = cli_fail(AS_ERR_DB, "%s", err);
    if (rc == 0)
        fprintf(stderr, "agentscan: merged into %s: %lld scan(s) read, %lld merged before, "
                "%lld new scan(s), %lld round(s) completed or extended, %lld hosts up written\n",
                into, (long long)r.scans_read, (long long)r.scans_skipped,
                (long long)r.scans_created, (long long)r.scans_extended, (long long)r.hosts);
    as_store_close(dst);
    if (rc != 0 && into && !existed)
        cli_remove_new_db(into);   /* a failed first merge leaves no empty database */
    free(src);
    return rc;
}
