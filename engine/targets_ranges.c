/* targets_ranges.c — the final target set as plain intervals, so that the inventory can
 * record which address space a scan covered (what "gone" may be said about). */
#include <stdlib.h>

#include "engine/targets_internal.h"
#include "probes/vec.h"

typedef struct ivout {
    uint32_t *lo, *hi;
    size_t n, cap, max;
} ivout;

/* Appends [lo, hi], merging with the previous interval when they touch. */
static int push(ivout *o, uint32_t lo, uint32_t hi)
{
    if (o->n > 0 && o->hi[o->n - 1] != UINT32_MAX && o->hi[o->n - 1] + 1 == lo) {
        o->hi[o->n - 1] = hi;
        return 0;
    }
    if (o->n == o->max)
        return -1;
    /* Two parallel arrays: o->cap is what both hold (one may have grown alone). */
    size_t lcap = o->cap, hcap = o->cap;
    if (AS_VEC_RESERVE(o->lo, lcap, o->n + 1) != 0 || AS_VEC_RESERVE(o->hi, hcap, o->n + 1) != 0)
        return -1;
    o->cap = lcap < hcap ? lcap : hcap;
    o->lo[o->n] = lo;
    o->hi[o->n] = hi;
    o->n++;
    return 0;
}

/* A piece with exclusion or product formulas is walked address by address: its addresses
 * are ascending in index, so consecutive ones merge into intervals as they come. */
static int walk_piece(const as_targets *t, size_t i, ivout *o)
{
    uint64_t first = t->start[i];
    uint64_t end = i + 1 < t->npiece ? t->start[i + 1] : t->count;
    if (end - first > 4 * (uint64_t)o->max)
        return -1;
    for (uint64_t k = first; k < end; k++) {
        uint32_t ip = as_targets_get(t, k);
        if (push(o, ip, ip) < 0)
            return -1;
    }
    return 0;
}

int as_targets_intervals(const as_targets *t, size_t max, uint32_t **lo, uint32_t **hi,
                         size_t *n)
{
    ivout o = {NULL, NULL, 0, 0, max};
    *lo = *hi = NULL;
    *n = 0;
    if (!t || !t->finished)
        return -1;
    for (size_t i = 0; i < t->npiece; i++) {
        const as_piece *p = &t->piece[i];
        int rc = p->kind == AS_PIECE_FULL ? push(&o, p->lo, p->hi) : walk_piece(t, i, &o);
        if (rc < 0) {
            free(o.lo);
            free(o.hi);
            return -1;
        }
    }
    *lo = o.lo;
    *hi = o.hi;
    *n = o.n;
    return 0;
}
