/* ring.h — the single-producer single-consumer ring of the engine, the only thing the
 * receive thread shares with the scan loop: fixed-size elements (validated results, or
 * whole OS-detection frames), lock-free with one atomic index each side. */
#ifndef AS_RING_H
#define AS_RING_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

typedef struct as_ring {
    uint8_t *slots;
    size_t elem;            /* bytes per element */
    size_t mask;
    _Atomic size_t head;    /* written by the producer */
    _Atomic size_t tail;    /* written by the consumer */
    _Atomic uint64_t dropped;
} as_ring;

/* capacity is rounded up to a power of two; elem is the element size. 0 or -1 (ENOMEM). */
int as_ring_init(as_ring *r, size_t capacity, size_t elem);
void as_ring_free(as_ring *r);

/* Producer: the next free element to fill in place, or NULL when full (counted as a
 * drop); as_ring_publish() makes it visible. as_ring_push() copies one in: 0 or -1. */
void *as_ring_reserve(as_ring *r);
void as_ring_publish(as_ring *r);
int as_ring_push(as_ring *r, const void *elem);

/* Consumer: the oldest element, or NULL when empty; as_ring_release() frees it.
 * as_ring_pop() copies one out: 1 if one was taken. */
const void *as_ring_peek(as_ring *r);
void as_ring_release(as_ring *r);
int as_ring_pop(as_ring *r, void *out);

#endif
