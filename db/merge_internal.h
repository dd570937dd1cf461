/* merge_internal.h — what merge.c (reading sources, grouping shards into rounds) and
 * merge_write.c (combining host views, writing one round) share. */
#ifndef AS_MERGE_INTERNAL_H
#define AS_MERGE_INTERNAL_H

#include "db/origin_internal.h"

typedef struct mg_origin {
    char *gateway, *job, *source_ip, *origin_db;
    unsigned k, n;
    int64_t seed, origin_scan;
    double origin_started;
    char *status;               /* the scan's status where it ran */
} mg_origin;

/* One source scan to fold in. */
typedef struct mg_scan {
    size_t src;                 /* index of its source database */
    int64_t id;
    double started, finished;
    char *status, *targets, *options;
    int64_t addresses, probes, replies;
    size_t norigin;
    mg_origin *origin;
    int sharded;                /* every origin a shard of one job/seed/N */
} mg_scan;

/* The scans that become one scan of the destination: one plain scan, or the shards of one
 * round of a job (dst_id > 0 when the round is already there from an earlier merge). */
typedef struct mg_group {
    int64_t dst_id;
    size_t n, cap;
    mg_scan **m;
    unsigned *ks;               /* shards present, earlier merges included */
    size_t nks;
    double started;
} mg_group;

/* merge_identity.c: the view's identity and evidence as the record the store writes.
 * Returns 1 with r filled (r->evidence = *ev, malloc'd, caller frees), 0 when the host has
 * no identity, -1 when out of memory. */
int mg_identity_record(const as_host_view *h, as_identity_record *r, as_evidence_record **ev);

/* Writes one group into dst (hosts combined, provenance, coverage, status). */
int mg_write_group(as_store *dst, as_store *const *srcs, mg_group *g, as_merge_result *r,
                   char *err, size_t errlen);

#endif
