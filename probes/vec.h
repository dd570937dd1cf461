/* vec.h — the one growable array of the tree: a pointer, a count and a capacity that
 * doubles. It sits at the bottom (probes/) so that every folder may include it. */
#ifndef AS_VEC_H
#define AS_VEC_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Makes room for `need` elements of `elem` bytes in the array whose pointer is at
 * `arrayp` (a T **) and whose capacity is *cap: the capacity doubles (from 16, or
 * first) until it holds need. 0, or -1 on overflow or ENOMEM, in which case array and capacity are as
 * they were. The pointer is read and written with memcpy, so any object pointer type
 * works without breaking aliasing rules. */
static inline int as_vec_reserve_from(void *arrayp, size_t *cap, size_t need, size_t elem,
                                      size_t first)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : first ? first : 1;
    while (n < need) {
        if (n > SIZE_MAX / 2)
            return -1;
        n *= 2;
    }
    if (elem != 0 && n > SIZE_MAX / elem)
        return -1;
    void *old;
    memcpy(&old, arrayp, sizeof old);
    void *p = realloc(old, n * elem);
    if (p == NULL)
        return -1;
    memcpy(arrayp, &p, sizeof p);
    *cap = n;
    return 0;
}

static inline int as_vec_reserve(void *arrayp, size_t *cap, size_t need, size_t elem)
{
    return as_vec_reserve_from(arrayp, cap, need, elem, 16);
}

/* AS_VEC_RESERVE(arr, cap, need): room for need elements of arr. 0 or -1. */
#define AS_VEC_RESERVE(arr, cap, need) as_vec_reserve(&(arr), &(cap), (need), sizeof *(arr))
/* The same, starting from `first` elements: for the many small per-host arrays, where 16
 * ports and 16 OS guesses a host made 50,000 hosts cost hundreds of megabytes. */
#define AS_VEC_RESERVE_FROM(arr, cap, need, first) \
    as_vec_reserve_from(&(arr), &(cap), (need), sizeof *(arr), (first))

/* AS_VEC_PUSH(arr, n, cap, value): appends value, n counts. 0, or -1 with nothing changed. */
#define AS_VEC_PUSH(arr, n, cap, value) \
    (AS_VEC_RESERVE(arr, cap, (n) + 1) == 0 ? ((arr)[(n)++] = (value), 0) : -1)

#endif
