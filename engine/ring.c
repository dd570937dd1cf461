/* ring.c — SPSC ring (see ring.h): release on publish, acquire on read. */
#include "engine/ring.h"

#include <stdlib.h>
#include <string.h>

int as_ring_init(as_ring *r, size_t capacity, size_t elem)
{
    size_t n = 1;
    while (n < capacity)
        n <<= 1;
    r->slots = calloc(n, elem);
    if (r->slots == NULL)
        return -1;
    r->elem = elem;
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

void *as_ring_reserve(as_ring *r)
{
    size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    size_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    if (head - tail > r->mask) {
        atomic_fetch_add_explicit(&r->dropped, 1, memory_order_relaxed);
        return NULL;
    }
    return r->slots + (head & r->mask) * r->elem;
}

void as_ring_publish(as_ring *r)
{
    size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    atomic_store_explicit(&r->head, head + 1, memory_order_release);
}

int as_ring_push(as_ring *r, const void *elem)
{
    void *slot = as_ring_reserve(r);
    if (slot == NULL)
        return -1;
    memcpy(slot, elem, r->elem);
    as_ring_publish(r);
    return 0;
}

const void *as_ring_peek(as_ring *r)
{
    size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    if (tail == atomic_load_explicit(&r->head, memory_order_acquire))
        return NULL;
    return r->slots + (tail & r->mask) * r->elem;
}

void as_ring_release(as_ring *r)
{
    size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    atomic_store_explicit(&r->tail, tail + 1, memory_order_release);
}

int as_ring_pop(as_ring *r, void *out)
{
    const void *slot = as_ring_peek(r);
    if (slot == NULL)
        return 0;
    memcpy(out, slot, r->elem);
    as_ring_release(r);
    return 1;
}
