/* fifo.h — a growable queue of 64-bit work items (see AS_ITEM in scan_internal.h), for the
 * port probes to send, the sent probes awaiting their timeout and the hosts to store. A
 * push that cannot grow the queue fails and is counted: the scan reports what it lost. */
#ifndef AS_FIFO_H
#define AS_FIFO_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct as_fifo {
    uint64_t *items;
    size_t head, count, cap;    /* cap is a power of two */
    size_t limit;               /* most items held; 0: as many as memory allows */
    uint64_t failed;            /* pushes refused (no memory, or the limit) */
} as_fifo;

/* 0, or -1 (counted in failed) when the queue cannot take v. */
static inline int as_fifo_push(as_fifo *f, uint64_t v)
{
    if (f->limit != 0 && f->count >= f->limit) {
        f->failed++;
        return -1;
    }
    if (f->count == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 1024;
        uint64_t *n = cap > SIZE_MAX / sizeof *n ? NULL : malloc(cap * sizeof *n);
        if (n == NULL) {
            f->failed++;
            return -1;
        }
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
