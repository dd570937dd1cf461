/* ring.h — single-producer single-consumer ring of as_result, the only thing the receive
 * thread shares with the scan loop. Lock-free: one atomic index each side. */
#ifndef AS_RING_H
#define AS_RING_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "probes/probe.h"

typedef struct as_ring {
    as_result *slots;
    size_t mask;
    _Atomic size_t head;    /* written by the producer */
    _Atomic size_t tail;    /* written by the consumer */
    _Atomic uint64_t dropped;
} as_ring;

/* capacity is rounded up to a power of two. */
int as_ring_init(as_ring *r, size_t capacity);
void as_ring_free(as_ring *r);
int as_ring_push(as_ring *r, const as_result *res);     /* 0, or -1 when full (counted) */
int as_ring_pop(as_ring *r, as_result *res);            /* 1 if one was taken */

#endif
