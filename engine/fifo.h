/* fifo.h — a growable ring of 64-bit work items (host number << 16 | port index), for the
 * port probes to send and the sent probes awaiting their timeout. */
#ifndef AS_FIFO_H
#define AS_FIFO_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct as_fifo {
    uint64_t *items;
    size_t head, count, cap;    /* cap is a power of two */
} as_fifo;

static inline int as_fifo_push(as_fifo *f, uint64_t v)
{
    if (f->count == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 1024;
        uint64_t *n = malloc(cap * sizeof *n);
        if (n == NULL)
            return -1;
        for (size_t i = 0; i < f->count; i++)
            n[i] = f->items[(f->head + i) & (f->cap - 1)];
        free(f->items);
        f->items = n;
        f->head = 0;
        f->cap = cap;
    }
    f->items[(f->head + f->count) & (f->cap - 1)] = v;
    f->count++;
    return 0;
}

static inline uint64_t as_fifo_front(const as_fifo *f) { return f->items[f->head]; }

static inline uint64_t as_fifo_pop(as_fifo *f)
{
    uint64_t v = f->items[f->head];
    f->head = (f->head + 1) & (f->cap - 1);
    f->count--;
    return v;
}

static inline void as_fifo_free(as_fifo *f)
{
    free(f->items);
    memset(f, 0, sizeof *f);
}

#endif
