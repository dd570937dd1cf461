/* framering.c — SPSC frame ring (see framering.h). */
#include "engine/framering.h"

#include <stdlib.h>
#include <string.h>

int as_framering_init(as_framering *r, size_t capacity)
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

void as_framering_free(as_framering *r)
{
    free(r->slots);
    r->slots = NULL;
}

int as_framering_push(as_framering *r, const uint8_t *bytes, size_t len, uint64_t t_us)
{
    size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    size_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    if (head - tail > r->mask) {
        atomic_fetch_add_explicit(&r->dropped, 1, memory_order_relaxed);
        return -1;
    }
    as_frame *f = &r->slots[head & r->mask];
    f->len = (uint16_t)(len > AS_FRAME_CAP ? AS_FRAME_CAP : len);
    f->t_us = t_us;
    memcpy(f->bytes, bytes, f->len);
    atomic_store_explicit(&r->head, head + 1, memory_order_release);
    return 0;
}

int as_framering_peek(as_framering *r, const as_frame **f)
{
    size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    if (tail == atomic_load_explicit(&r->head, memory_order_acquire))
        return 0;
    *f = &r->slots[tail & r->mask];
    return 1;
}

void as_framering_release(as_framering *r)
{
    atomic_fetch_add_explicit(&r->tail, 1, memory_order_release);
}
