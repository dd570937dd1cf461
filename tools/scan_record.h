/* scan_record.h — what `scan` and `sweep` alike write beside a finished scan's hosts: the
 * address ranges it covered and where it ran. */
#ifndef AS_SCAN_RECORD_H
#define AS_SCAN_RECORD_H

#include <stddef.h>

#include "db/store.h"
#include "engine/scan.h"

/* Records the scan's coverage (unknown for a shard: diff then reports nothing gone) and its
 * origin (gateway — NULL: this machine's host name —, job or NULL, shard, seed, source
 * address). Neither is worth failing a finished scan for: returns 0, or -1 with what could
 * not be recorded in warn (the hosts are stored either way). */
int as_scan_record_context(as_store *st, const as_scan_opts *o, const as_scan_summary *sum,
                           const char *gateway, const char *job, char *warn, size_t warnlen);

#endif
