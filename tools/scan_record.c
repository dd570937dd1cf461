/* scan_record.c — a finished scan's coverage and origin, written the same way whether a
 * person ran `scan` or a timer ran `sweep`. */
#include "tools/scan_record.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "db/reports.h"

/* Largest coverage recorded as intervals; a target set needing more is stored as unknown. */
#define COVERAGE_MAX_INTERVALS 65536

static int record_coverage(as_store *st, const as_scan_opts *o, int64_t scan_id, char *err,
                           size_t errlen)
{
    uint32_t *lo = NULL, *hi = NULL;
    size_t n = 0;
    if (o->shard_n > 1 || as_targets_intervals(o->targets, COVERAGE_MAX_INTERVALS, &lo, &hi, &n) != 0)
        lo = hi = NULL;
    int rc = as_store_scan_ranges(st, scan_id, lo, hi, lo ? n : 0, err, errlen);
    free(lo);
    free(hi);
    return rc;
}

int as_scan_record_context(as_store *st, const as_scan_opts *o, const as_scan_summary *sum,
                           const char *gateway, const char *job, char *warn, size_t warnlen)
{
    char host[256] = "", e[512];
    if (gateway == NULL) {
        gethostname(host, sizeof host - 1);
        gateway = host;
    }
    int rc = 0;
    warn[0] = '\0';
    if (record_coverage(st, o, sum->scan_id, e, sizeof e) != 0) {
        snprintf(warn, warnlen, "covered address ranges not recorded: %s", e);
        rc = -1;
    }
    as_origin og = {
        .gateway = gateway, .job = job,
        .shard_k = o->shard_n > 1 ? o->shard_k + 1 : 0, .shard_n = o->shard_n > 1 ? o->shard_n : 0,
        .seed = o->seed, .source_ip = sum->source_ip, .origin_scan = sum->scan_id,
        .origin_started = 0,       /* the scan row's own start time */
    };
    if (as_origin_record(st, sum->scan_id, &og, e, sizeof e) != 0) {
        size_t used = 0;
        while (used < warnlen && warn[used])
            used++;
        snprintf(warn + used, warnlen - used, "%scannot record where the scan ran: %s",
                 used ? "; " : "", e);
        rc = -1;
    }
    return rc;
}
