/* liveness.h — which liveness probes each live host answered in a scan (ICMP echo, TCP
 * ACK), beyond the first answer stored as up_reason: the deploy report's "echo blocked". */
#ifndef AS_LIVENESS_H
#define AS_LIVENESS_H

#include <stddef.h>
#include <stdint.h>
#include "db/store.h"

/* Per probe kind: -1 not sent (or not recorded), 0 sent and unanswered, 1 answered. */
typedef struct as_live {
    uint32_t ip;                /* host byte order */
    int echo, ack;
    char ack_ports[64];         /* the ACK probe's ports, "80" */
} as_live;

/* Stores one scan's rows (table scan_liveness, created on first use) in one transaction. */
int as_store_liveness(as_store *st, int64_t scan_id, const as_live *rows, size_t n,
                      char *err, size_t errlen);

typedef struct as_live_map {
    size_t n;
    as_live *rows;              /* sorted by ip */
} as_live_map;

/* All rows of a scan (none when it recorded none). */
int as_live_load(as_store *st, int64_t scan_id, as_live_map *m, char *err, size_t errlen);
/* The row for ip, or one with echo = ack = -1. */
void as_live_get(const as_live_map *m, uint32_t ip, as_live *out);
void as_live_free(as_live_map *m);

#endif
