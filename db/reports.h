/* reports.h — what sweeps, merges and the deploy report add to the inventory: where each
 * scan came from (gateway, job, shard), merged inventories, and deploy readiness. */
#ifndef AS_REPORTS_H
#define AS_REPORTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "db/store.h"
#include "fingerprints/agents.h"

/* Provenance of one scan: which gateway ran it, for which job and shard, from which
 * address, and (after a merge) which scan of which file it was. Kept in table scan_origin,
 * created on first use; its rows outlive pruning (scan_id set NULL) so that a scan merged
 * once is never merged again. */
typedef struct as_origin {
    const char *gateway;
    const char *job;            /* NULL: a plain `agentscan scan` */
    unsigned shard_k, shard_n;  /* 1-based K of N; 0/0 when not sharded */
    uint64_t seed;
    uint32_t source_ip;         /* the scanner's address, 0 if unknown */
    int64_t origin_scan;        /* the scan's id in the gateway's own database */
    double origin_started;      /* <= 0: the scan row's start */
    const char *origin_db;      /* the file it was merged from; NULL: this database */
    const char *origin_status;  /* its status there; NULL: this database's scan row */
} as_origin;

int as_origin_record(as_store *st, int64_t scan_id, const as_origin *o, char *err, size_t errlen);

/* The latest complete scan of a job with id < before (0: none), or -1. */
int64_t as_origin_previous(as_store *st, const char *job, int64_t before, char *err, size_t errlen);

/* Marks the job's scans still 'running' as interrupted: called with the job's lock held,
 * so they belong to a sweep that died. Returns how many, or -1. */
int as_origin_close_stale(as_store *st, const char *job, double now, char *err, size_t errlen);

/* The scanner's address for a scan (scan_origin, else "-S ADDR" in its options), 0 if
 * unknown; -1 on error. */
int as_origin_source(as_store *st, int64_t scan_id, uint32_t *ip, char *err, size_t errlen);

/* A scan's targets and options text as stored (scan_id 0: the latest); malloc'd. */
int as_scan_text(as_store *st, int64_t scan_id, int64_t *id, char **targets, char **options,
                 char *err, size_t errlen);

/* Folds the scans of the source databases into dst, oldest first, each with its
 * provenance. Shards of one job (same job, seed and N, started within window seconds)
 * become one scan; a shard that arrives in a later merge joins its round. A round is
 * 'complete' once all N shards are in, 'interrupted' until then. Scans merged before are
 * skipped; 'running' ones are left for the next merge. */
typedef struct as_merge_result {
    int64_t scans_read, scans_skipped, scans_created, scans_extended, hosts;
} as_merge_result;
int as_store_merge(as_store *dst, const char *const *sources, size_t nsources, double window,
                   as_merge_result *r, char *err, size_t errlen);

/* Deploy readiness per host of one scan (0: the latest), from stored data only: managed,
 * deployable, blocked or unknown; filtered vs closed login ports; the firewall rule that
 * would open a channel for the host's likely OS family; liveness probes that were
 * blocked. deploy gives the login ports and families; source overrides the scanner
 * address (0: from the scan). format "text" or "json". */
int as_deploy_report(as_store *st, int64_t scan_id, const as_port_table *deploy, uint32_t source,
                     const char *format, FILE *out, char *err, size_t errlen);

#endif
