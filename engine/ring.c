/* ring.c — SPSC ring (see ring.h): release on publish, acquire on read. */
#include "engine/ring.h"

#include <stdlib.h>

int as_ring_init(as_ring *r, size_t capacity)
{
    size_t n = 1;
    while (n < capacity)
        n <<= 1;
    r->slots = calloc(n, sizeof *r->slots);
    if (r->slots == NULL)
        return -1;
    r->mask = n - 1;
    atomic_init(&r->head, 0);
    atomic_init(&r->tail, 0);
    atomic_init(&r->dropped, 0);
    return 0;
}

void as_ring_free(as_ring *r)
{
    free(r->slots);
    r->slots = NULL;
}

int as_ring_push(as_ring *r, const as_result *res)
{
    size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    size_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    if (head - tail > r->mask) {
        atomic_fetch_add_explicit(&r->dropped, 1, memory_order_relaxed);
        return -1;
    }
    r->slots[head & r->mask] = *res;
    atomic_store_explicit(&r->head, head + 1, memory_order_release);
    return 0;
}

int as_ring_pop(as_ring *r, as_result *res)
{
    size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    if (tail == head)
        return 0;
    *res = r->slots[tail & r->mask];
    atomic_store_explicit(&r->tail, tail + 1, memory_order_release);
    return 1;
}
